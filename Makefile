# pooltide: build, run, test, bench.
#
#   make run        install missing Debian packages, build, run the bundled incident scenario
#   make test       install missing Debian packages, build, run every test
#   make bench      print throughput and memory figures (asserts nothing about time)
#   make mpi        install Debian's OpenMPI when missing, build build/pooltide-mpi
#   make SANITIZE=address,undefined test    the same tests under ASan + UBSan (own build dir)
#   make install [PREFIX=/usr/local] [DESTDIR=...]
#
# Library flags come from pkg-config, evaluated lazily (after `deps` has installed them).

CC       ?= cc
PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
DATADIR  ?= $(PREFIX)/share/pooltide
SANITIZE ?=
OPT      ?= -O2

ifeq ($(SANITIZE),)
BUILD    ?= build
SANFLAGS :=
else
BUILD    ?= build-san
SANFLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT      := -O1
endif

PKG_LIBS  = gsl libcjson zlib
WARN      = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wformat=2 -Wno-format-nonliteral -Werror
CPPFLAGS += -D_POSIX_C_SOURCE=200809L -I. -DPOOLTIDE_DATADIR='"$(DATADIR)"'
CFLAGS   ?= $(OPT) -g
ALLCFLAGS = -std=c11 $(WARN) $(CFLAGS) $(SANFLAGS) -MMD -MP \
            $(shell pkg-config --cflags $(PKG_LIBS) 2>/dev/null)
LDLIBS    = $(shell pkg-config --libs $(PKG_LIBS) 2>/dev/null) -lpthread -lm
TEST_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null)

SIM_SRC    := $(wildcard sim/*.c)
MODELS_SRC := $(wildcard models/*.c)
APP_SRC    := $(filter-out app/main.c,$(wildcard app/*.c))
LIB_SRC    := $(SIM_SRC) $(MODELS_SRC) $(APP_SRC)
LIB_OBJ    := $(LIB_SRC:%.c=$(BUILD)/%.o)
TEST_SRC   := $(sort $(wildcard tests/test_*.c))
TEST_BIN   := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
# Support files link into every test binary, except the allocation-failure hook
# (tests/oomhook.c), which replaces malloc, calloc and realloc of the whole binary: only the
# tests in OOM_HOOK_TESTS link it (the rule after the test binaries').
OOM_HOOK_SRC := tests/oomhook.c
OOM_HOOK_TESTS := test_model test_table
TEST_SUPPORT := $(filter-out $(TEST_SRC) $(OOM_HOOK_SRC),$(wildcard tests/*.c))
TEST_SUPPORT_OBJ := $(TEST_SUPPORT:%.c=$(BUILD)/%.o)
BIN        := $(BUILD)/pooltide
BENCH_BIN  := $(BUILD)/tests/bench

# zlib: gzip-compressed observation logs (pooltide fit); python3-sqlalchemy: the contrib
# logger's test drives a real QueuePool with Debian's /usr/bin/python3.
DEB_PKGS := libgsl-dev libcjson-dev libcmocka-dev gnuplot-nox pkg-config zlib1g-dev \
            python3-sqlalchemy

.PHONY: all run test check-deps deps bench lint fuzz fuzz-build install uninstall clean mpi

all: $(BIN)

# Install what is missing, with apt-get as root or through sudo. Idempotent and quiet when
# everything is present.
deps:
	@missing=""; for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "pooltide: installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; \
	  else echo "pooltide: need root or sudo to install:$$missing" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing; \
	fi

run: deps
	@$(MAKE) --no-print-directory $(BIN)
	$(BIN) run

test: deps
	@$(MAKE) --no-print-directory $(BIN) $(TEST_BIN)
	@BUILD=$(BUILD) sh tests/run_all.sh $(TEST_BIN)

bench: deps
	@$(MAKE) --no-print-directory $(BENCH_BIN) $(BIN)
	POOLTIDE=$(BIN) $(BENCH_BIN)

$(BIN): $(BUILD)/app/main.o $(LIB_OBJ)
	$(CC) $(ALLCFLAGS) -o $@ $^ $(LDLIBS)

# The MPI build: main and the cluster module compiled with mpicc and -DPOOLTIDE_MPI (objects in
# $(BUILD)/mpi/), everything else shared with the default build, which never needs MPI.
# mpi.h is included as a system header so that the project's warnings apply to our code only.
MPI_PKGS := libopenmpi-dev openmpi-bin
MPI_BIN  := $(BUILD)/pooltide-mpi
MPICC    ?= mpicc
MPI_OBJ  := $(BUILD)/mpi/app/main.o $(BUILD)/mpi/app/cluster.o
MPI_INC   = $(patsubst -I%,-isystem %,$(shell $(MPICC) --showme:compile 2>/dev/null))

mpi:
	@$(MAKE) --no-print-directory deps DEB_PKGS="$(DEB_PKGS) $(MPI_PKGS)"
	@$(MAKE) --no-print-directory $(MPI_BIN)

$(MPI_BIN): $(MPI_OBJ) $(filter-out $(BUILD)/app/cluster.o,$(LIB_OBJ))
	$(MPICC) $(ALLCFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/mpi/%.o: %.c
	@mkdir -p $(dir $@)
	$(MPICC) $(CPPFLAGS) -DPOOLTIDE_MPI $(MPI_INC) $(ALLCFLAGS) -c -o $@ $<

$(BUILD)/tests/test_%: $(BUILD)/tests/test_%.o $(TEST_SUPPORT_OBJ) $(LIB_OBJ)
	$(CC) $(ALLCFLAGS) -o $@ $^ $(TEST_LIBS) $(LDLIBS)

$(OOM_HOOK_TESTS:%=$(BUILD)/tests/%): $(OOM_HOOK_SRC:%.c=$(BUILD)/%.o)

$(BENCH_BIN): $(BUILD)/tests/bench.o $(LIB_OBJ)
	$(CC) $(ALLCFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/tests/bench.o: tests/bench/bench.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(ALLCFLAGS) -c -o $@ $<

# Fuzz with libFuzzer (needs clang), FUZZ_SECONDS of inputs per harness, seeded with the
# bundled scenarios: fuzz_scenario loads any bytes as a scenario; fuzz_simulate also runs what
# loads (one bounded replication per variant). A crash or leak stops it and leaves the input in
# build-fuzz/. .ci/run runs both for a short time where clang and libFuzzer are there.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
	     -fno-sanitize-recover=undefined $(CPPFLAGS) $(shell pkg-config --cflags $(PKG_LIBS))
FUZZ_SIM_SRC = app/scenario.c $(wildcard app/load*.c) app/units.c app/obslog.c app/sha256.c $(SIM_SRC) $(MODELS_SRC)
# the loader reaches the pool kinds' registry and the distributions' generators: all of models
# and sim, as for the simulating harness
FUZZ_LOAD_SRC = $(FUZZ_SIM_SRC)
fuzz-build: deps
	@mkdir -p build-fuzz/corpus-load build-fuzz/corpus-sim
	cp scenarios/*.json build-fuzz/corpus-load/
	cp scenarios/*.json build-fuzz/corpus-sim/
	clang $(FUZZ_FLAGS) $(FUZZ_LOAD_SRC) tests/fuzz/fuzz_scenario.c \
	  -o build-fuzz/fuzz_scenario $(LDLIBS)
	clang $(FUZZ_FLAGS) -DFUZZ_SIMULATE $(FUZZ_SIM_SRC) tests/fuzz/fuzz_scenario.c \
	  -o build-fuzz/fuzz_simulate $(LDLIBS)

fuzz: fuzz-build
	cd build-fuzz && ./fuzz_scenario -max_total_time=$(FUZZ_SECONDS) -max_len=4096 corpus-load
	cd build-fuzz && ./fuzz_simulate -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=20 \
	  corpus-sim

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability --std=c11 \
	  --suppress=missingIncludeSystem -I. sim models app

install: $(BIN)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/scenarios/traces
	install -m 0755 $(BIN) $(DESTDIR)$(BINDIR)/pooltide
	install -m 0644 scenarios/*.json $(DESTDIR)$(DATADIR)/scenarios/
	install -m 0644 scenarios/traces/*.csv $(DESTDIR)$(DATADIR)/scenarios/traces/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pooltide
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-san build-fuzz

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
