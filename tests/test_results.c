/* Tests of the result folder (app/results.c), the timeline sampler (models/model.c,
 * models/timeline.c) and SHA-256 (app/sha256.c).
 *
 * - SHA-256 against the FIPS 180-2 examples (appendix B: "abc", the two-block message, a
 *   million 'a') and the empty message, fed in pieces that straddle block boundaries.
 * - Sampler: a replication with the sampler gives the same result as without it, byte for
 *   byte (except the engine figure peak_pending); the samples are SQLAlchemy-consistent
 *   (checked_out + checked_in = open, overflow = max(0, open - size), checked_out <= cap).
 * - The folder, through the built binary ($POOLTIDE or build/pooltide) as a user runs it: the
 *   files are there and nothing temporary is left; summary.json parses (cJSON) with the
 *   manifest and every metric; summary.csv and the other CSV files parse with the strict
 *   RFC 4180 reader below (7 fields a row, quoting of a variant name with a comma and
 *   quotes); waits.csv CDFs rise to exactly 1; timeline.csv has one row per pool per instant;
 *   the plots-missing marker and the report agree (with and without gnuplot on PATH); a killed
 *   run leaves only a .tmp- folder; an unwritable root, or a write error after the simulation
 *   (a file size limit), fails with exit 1 and leaves nothing; and the manifest alone
 *   reproduces the run (its resolved scenario written to a file and rerun with its seed gives
 *   the same metrics, byte for byte).
 * - Through the library: run ids, the "-2" suffix, an abandoned folder removed.
 *
 * Scenarios are small (horizons of minutes) so that the whole file runs in a few seconds, and
 * under the sanitizers in well under a minute. Everything is written under mkdtemp folders in
 * /tmp and removed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cJSON.h>

#include "app/results.h"
#include "app/scenario.h"
#include "app/sha256.h"
#include "models/experiment.h"
#include "models/model.h"
#include "models/summary.h"
#include "models/timeline.h"
#include "sim/stats.h"
#include "sim/status.h"

/* ---- helpers ------------------------------------------------------------------------------ */

/* snprintf that fails the test instead of truncating. */
__attribute__((format(printf, 3, 4))) static void fmt(char *buf, size_t len, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = vsnprintf(buf, len, f, ap);
	va_end(ap);
	assert_true(n >= 0 && (size_t)n < len);
}

static const char *bin(void)
{
	const char *b = getenv("POOLTIDE");
	return b && *b ? b : "build/pooltide";
}

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

static void write_all(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	assert_int_equal(fclose(f), 0);
}

static void rm_rf(const char *path)
{
	char cmd[PATH_MAX + 16];
	fmt(cmd, sizeof cmd, "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}

/* A fresh folder under /tmp (static buffer per call site is the caller's). */
static void make_tmpdir(char *buf, size_t len)
{
	fmt(buf, len, "/tmp/pooltide-results-XXXXXX");
	assert_non_null(mkdtemp(buf));
}

/* Run the binary with `args` through the shell; stdout to /dev/null, stderr into *err (may be
 * NULL). Returns the exit code. */
/* pooltide `args` with the environment assignments `env` ("" for none) before it. */
static int run_env(const char *env, const char *args, char **err)
{
	char errf[] = "/tmp/pooltide-results-err-XXXXXX";
	int fd = mkstemp(errf);
	assert_true(fd >= 0);
	close(fd);
	char cmd[8192];
	fmt(cmd, sizeof cmd, "%s%s %s >/dev/null 2>%s </dev/null", env, bin(), args, errf);
	int st = system(cmd);
	assert_true(st != -1 && WIFEXITED(st));
	char *e = read_all(errf);
	remove(errf);
	if (err)
		*err = e;
	else
		free(e);
	return WEXITSTATUS(st);
}

static int run(const char *args, char **err)
{
	return run_env("", args, err);
}

/* Entries of a folder other than . and .., into names (up to max); returns the count. */
static int list_dir(const char *path, char names[][256], int max)
{
	DIR *d = opendir(path);
	if (!d)
		fail_msg("cannot open %s: %s", path, strerror(errno));
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n < max)
			fmt(names[n], 256, "%s", e->d_name);
		n++;
	}
	closedir(d);
	return n;
}

/* The one run folder under root/<scenario>/ (asserting there is exactly one, and no .tmp-). */
static void only_run_dir(const char *root, const char *scenario, char *out, size_t len)
{
	char parent[PATH_MAX], names[8][256];
	fmt(parent, sizeof parent, "%s/%s", root, scenario);
	int n = list_dir(parent, names, 8);
	assert_int_equal(n, 1);
	assert_true(strncmp(names[0], ".tmp-", 5) != 0);
	fmt(out, len, "%s/%s", parent, names[0]);
}

/* Two variants, one named so that CSV must quote it; two pools and two workloads so that pool
 * and workload indices are exercised. */
#define SCENARIO                                                                               \
	"{\"name\": \"small\", \"description\": \"Two pools | one *test*.\", \"horizon\": \"2m\","     \
	" \"warmup\": \"10s\", \"replications\": 3, \"seed\": 5,"                                    \
	" \"database\": {\"connect_time\": \"2ms\"},"                                              \
	" \"pools\": {\"main\": {\"size\": 3, \"max_overflow\": 1, \"timeout\": \"200ms\"},"        \
	"             \"jobs\": {\"size\": 1, \"max_overflow\": 0, \"timeout\": \"1s\"}},"         \
	" \"workloads\": {\"api\": {\"type\": \"requests\", \"pool\": \"main\","                    \
	"   \"arrival\": {\"rate\": \"40/s\"},"                                                     \
	"   \"transaction\": {\"db_time\": {\"dist\": \"exponential\", \"mean\": \"90ms\"}}},"      \
	"  \"batch\": {\"type\": \"requests\", \"pool\": \"jobs\", \"arrival\": {\"rate\": \"1/s\"}," \
	"   \"transaction\": {\"db_time\": {\"dist\": \"exponential\", \"mean\": \"500ms\"}}}},"    \
	" \"variants\": [{\"name\": \"3+1\"}, {\"name\": \"bigger, \\\"6+2\\\"\", \"set\": "         \
	"{\"pools.main.size\": 6, \"pools.main.max_overflow\": 2}}]}"

#define VARIANT2 "bigger, \"6+2\""

/* A run of SCENARIO into a fresh root; fills root and dir (the run folder). */
static void run_scenario(char *root, size_t rlen, char *dir, size_t dlen, const char *extra)
{
	make_tmpdir(root, rlen);
	char scen[PATH_MAX], args[PATH_MAX * 3];
	fmt(scen, sizeof scen, "%s/small.json", root);
	write_all(scen, SCENARIO);
	fmt(args, sizeof args, "run %s -o %s/out --no-plot %s", scen, root, extra);
	char *err;
	int rc = run(args, &err);
	if (rc != 0)
		fail_msg("pooltide %s: exit %d: %s", args, rc, err);
	free(err);
	char out[PATH_MAX];
	fmt(out, sizeof out, "%s/out", root);
	only_run_dir(out, "small", dir, dlen);
}

/* ---- strict CSV (RFC 4180 quoting, LF line ends) ------------------------------------------ */

struct csv {
	int nrows;
	int *nfields;      /* per row */
	char ***fields;    /* [row][field], NUL-terminated copies */
};

/* Parse text strictly: every record ends with "\n"; a quoted field is '"' ... '"' with "" for
 * a quote and is followed by ',' or the line end; an unquoted field contains no '"', and no
 * CR anywhere. Fails the test on any violation. */
static struct csv csv_parse(const char *text, const char *what)
{
	struct csv c = {0};
	const char *p = text;
	int line = 1;
	while (*p) {
		c.nfields = realloc(c.nfields, (size_t)(c.nrows + 1) * sizeof *c.nfields);
		c.fields = realloc(c.fields, (size_t)(c.nrows + 1) * sizeof *c.fields);
		assert_non_null(c.nfields);
		assert_non_null(c.fields);
		char **row = NULL;
		int nf = 0;
		for (;;) {
			size_t cap = strlen(p) + 1, n = 0;
			char *f = malloc(cap);
			assert_non_null(f);
			if (*p == '"') {
				p++;
				for (;;) {
					if (*p == 0)
						fail_msg("%s:%d: unterminated quoted field", what, line);
					if (*p == '"' && p[1] == '"') {
						f[n++] = '"';
						p += 2;
					} else if (*p == '"') {
						p++;
						break;
					} else {
						if (*p == '\n')
							line++;
						f[n++] = *p++;
					}
				}
				if (*p != ',' && *p != '\n')
					fail_msg("%s:%d: text after a closing quote", what, line);
			} else {
				while (*p && *p != ',' && *p != '\n') {
					if (*p == '"' || *p == '\r')
						fail_msg("%s:%d: bare quote or CR in a field", what, line);
					f[n++] = *p++;
				}
			}
			f[n] = 0;
			row = realloc(row, (size_t)(nf + 1) * sizeof *row);
			assert_non_null(row);
			row[nf++] = f;
			if (*p == ',') {
				p++;
				continue;
			}
			if (*p != '\n')
				fail_msg("%s:%d: record without a line end", what, line);
			p++;
			line++;
			break;
		}
		c.fields[c.nrows] = row;
		c.nfields[c.nrows] = nf;
		c.nrows++;
	}
	return c;
}

static void csv_free(struct csv *c)
{
	for (int r = 0; r < c->nrows; r++) {
		for (int f = 0; f < c->nfields[r]; f++)
			free(c->fields[r][f]);
		free(c->fields[r]);
	}
	free(c->fields);
	free(c->nfields);
}

static struct csv csv_file(const char *dir, const char *name, const char *header, int nfields)
{
	char path[PATH_MAX];
	fmt(path, sizeof path, "%s/%s", dir, name);
	char *text = read_all(path);
	const char *nl = strchr(text, '\n');
	assert_non_null(nl);
	if (strncmp(text, header, (size_t)(nl - text)) != 0 || strlen(header) != (size_t)(nl - text))
		fail_msg("%s: header %.*s, expected %s", name, (int)(nl - text), text, header);
	struct csv c = csv_parse(text, name);
	free(text);
	for (int r = 0; r < c.nrows; r++)
		if (c.nfields[r] != nfields)
			fail_msg("%s: row %d has %d fields, expected %d", name, r + 1, c.nfields[r],
				 nfields);
	return c;
}

/* A CSV number: empty (undefined) or a complete strtod parse. */
static bool csv_num(const char *s, double *x)
{
	if (!*s) {
		*x = NAN;
		return true;
	}
	char *end;
	*x = strtod(s, &end);
	return *end == 0 && isfinite(*x);
}

static double num(const char *s)
{
	double x;
	if (!csv_num(s, &x) || isnan(x))
		fail_msg("not a number: '%s'", s);
	return x;
}

/* ---- SHA-256 ------------------------------------------------------------------------------ */

static void test_sha256_vectors(void **state)
{
	(void)state;
	char hex[SHA256_HEX_LEN + 1];
	/* FIPS 180-2 appendix B.1, B.2, B.3; the empty message (FIPS 180-4 examples). */
	sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha256_hex(two, strlen(two), hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* 896-bit message (FIPS 180-4 example set). */
	const char *four = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklm"
			   "nopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	sha256_hex(four, strlen(four), hex);
	assert_string_equal(hex, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");

	/* A million 'a', fed in pieces of 1..127 bytes so every block boundary case occurs. */
	char buf[128];
	memset(buf, 'a', sizeof buf);
	struct sha256 c;
	uint8_t d[SHA256_DIGEST_LEN];
	sha256_init(&c);
	size_t left = 1000000;
	for (size_t k = 1; left; k = k % 127 + 1) {
		size_t n = k < left ? k : left;
		sha256_update(&c, buf, n);
		left -= n;
	}
	sha256_final(&c, d);
	static const uint8_t million[SHA256_DIGEST_LEN] = {
		0xcd, 0xc7, 0x6e, 0x5c, 0x99, 0x14, 0xfb, 0x92, 0x81, 0xa1, 0xc7, 0xe2, 0x84, 0xd7, 0x3e,
		0x67, 0xf1, 0x80, 0x9a, 0x48, 0xa4, 0x97, 0x20, 0x0e, 0x04, 0x6d, 0x39, 0xcc, 0xc7, 0x11,
		0x2c, 0xd0};
	assert_memory_equal(d, million, SHA256_DIGEST_LEN);

	/* Lengths 55, 56, 63, 64, 65 (padding edge cases): one call == byte by byte. */
	static const size_t lens[] = {55, 56, 63, 64, 65, 119, 120};
	for (size_t i = 0; i < sizeof lens / sizeof lens[0]; i++) {
		char one[SHA256_HEX_LEN + 1];
		uint8_t d2[SHA256_DIGEST_LEN];
		sha256_hex(buf, lens[i], one);
		sha256_init(&c);
		for (size_t j = 0; j < lens[i]; j++)
			sha256_update(&c, buf + j, 1);
		sha256_final(&c, d2);
		char two_hex[SHA256_HEX_LEN + 1];
		for (int j = 0; j < SHA256_DIGEST_LEN; j++)
			fmt(two_hex + 2 * j, 3, "%02x", d2[j]);
		assert_string_equal(one, two_hex);
	}

	/* A file's bytes. */
	char dir[64], path[128];
	make_tmpdir(dir, sizeof dir);
	fmt(path, sizeof path, "%s/f", dir);
	write_all(path, "abc");
	assert_int_equal(sha256_file_hex(path, hex), 0);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	remove(path);
	assert_int_equal(sha256_file_hex(path, hex), PT_EIO);
	assert_string_equal(hex, "");
	rm_rf(dir);
}

/* ---- timeline ----------------------------------------------------------------------------- */

static void test_timeline_step(void **state)
{
	(void)state;
	/* horizon / 2000 rounded up to a readable step. */
	assert_true(timeline_step(7200) == 5);      /* 3.6 s -> 5 s */
	assert_true(timeline_step(300) == 0.2);     /* 0.15 s -> 200 ms */
	assert_true(timeline_step(1200) == 1);      /* 0.6 s -> 1 s */
	assert_true(timeline_step(2000) == 1);      /* exactly 1 s stays 1 s */
	assert_true(timeline_step(3600) == 2);      /* 1.8 s -> 2 s */
	assert_true(timeline_step(86400) == 60);    /* 43.2 s -> 1 min */
	/* a sweep's points: at most 200 instants */
	assert_true(timeline_step_for(20, 200) == 0.1);   /* 0.1 s exactly */
	assert_true(timeline_step_for(7200, 200) == 60);  /* 36 s -> 1 min */
	assert_true(timeline_step_for(300, 200) == 2);    /* 1.5 s -> 2 s */
	assert_true(timeline_step_for(7200, 2000) == timeline_step(7200));
	assert_true(timeline_step(30 * 86400) == 1800); /* 21.6 min -> 30 min */
	assert_true(timeline_step(100 * 86400) == 7200);  /* 72 min -> 2 h */
	assert_true(timeline_step(1e9) == 10 * 86400);    /* 5.8 d -> 10 d */
}

/* Regression (issue 10 item 2): a subnormal horizon (1e-320 s) made the step search loop for
 * ever (its decade underflowed to 0). The alarm turns a hang into a failure (SIGALRM). */
static void test_timeline_step_tiny(void **state)
{
	(void)state;
	alarm(10);
	double step = timeline_step(1e-320);
	alarm(0);
	assert_true(step > 0 && step <= 1e-320);
	/* the shortest horizon the loader accepts, 1 us: 1e-6 / 2000 = 5e-10 s, itself a 1-2-5 step
	 * (computed as 5 x 1e-10, hence the relative tolerance) */
	assert_true(fabs(timeline_step(1e-6) / 5e-10 - 1) < 1e-12);
}

static void test_timeline_step_bounds(void **state)
{
	(void)state;
	/* Whatever the horizon: at most 2001 instants, and not needlessly few: consecutive
	 * readable steps differ by at most 2.5x, so horizon / step >= 2000 / 2.5. */
	for (double h = 1e-3; h < 1e9; h *= 1.37) {
		double s = timeline_step(h);
		uint64_t n = model_sample_count(h, s);
		if (n > TIMELINE_TARGET_INSTANTS + 1 || h / s < TIMELINE_TARGET_INSTANTS / 2.5 * (1 - 1e-9))
			fail_msg("horizon %g: step %g gives %llu instants", h, s,
				 (unsigned long long)n);
	}
	assert_int_equal(model_sample_count(7200, 5), 1441);
	assert_int_equal(model_sample_count(7200, 0.1), 72001); /* 7200 / 0.1 = 71999.99... */
	assert_int_equal(model_sample_count(10, 3), 4);         /* 0, 3, 6, 9 */
}

/* Load text from a file in a fresh folder dir (64 bytes), which the caller removes. */
static struct scenario *load_scenario(const char *text, char *dir)
{
	char path[128], err[512];
	make_tmpdir(dir, 64);
	fmt(path, sizeof path, "%s/small.json", dir);
	write_all(path, text);
	struct scenario *sc;
	int st = scenario_load(&sc, path, NULL, 0, err, sizeof err);
	if (st)
		fail_msg("%s", err);
	return sc;
}

static void test_sampler_changes_nothing(void **state)
{
	(void)state;
	char sdir[64];
	struct scenario *sc = load_scenario(SCENARIO, sdir);
	for (int v = 0; v < sc->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		struct model_result *plain = model_result_create(cfg);
		struct model_result *sampled = model_result_create(cfg);
		assert_non_null(plain);
		assert_non_null(sampled);
		assert_int_equal(model_run(cfg, 0, plain, NULL), 0);
		struct timeline tl;
		assert_int_equal(timeline_record(&tl, cfg, 0, sampled), 0);
		/* Events are the model's (the sampler's are not counted); the pending-set peak is an
		 * engine figure that includes the sampler's one pending event. */
		assert_true(sampled->peak_pending <= plain->peak_pending + 1);
		sampled->peak_pending = plain->peak_pending;
		assert_true(model_result_equal(plain, sampled));

		/* 2 min at 100 ms: 1201 instants x 2 pools, instant by instant, pool by pool. */
		assert_true(tl.step_s == 0.1);
		assert_int_equal(tl.n, 1201 * 2);
		for (size_t i = 0; i < tl.n; i++) {
			const struct model_sample *s = &tl.samples[i];
			const struct cfg_pool *pc = &cfg->pools[s->pool];
			assert_int_equal(s->pool, (int)(i % 2));
			assert_true(s->t_s == (double)(i / 2) * 0.1 ||
				    (i / 2 == 1200 && s->t_s == cfg->horizon_s));
			assert_int_equal(s->checked_out + s->checked_in, s->open);
			assert_int_equal(s->overflow, s->open > pc->size ? s->open - pc->size : 0);
			assert_true(s->checked_out <= pc->size + pc->max_overflow);
			assert_true(s->waiters >= 0 && s->checked_in >= 0);
		}
		assert_int_equal(tl.samples[0].open, 0); /* t = 0: nothing has arrived */
		timeline_fini(&tl);
		model_result_destroy(plain);
		model_result_destroy(sampled);
	}
	/* A step that would make too many instants is refused, not allocated. */
	struct timeline tl;
	assert_int_equal(timeline_record(&tl, &sc->variants[0].cfg, 1e-5, NULL), PT_ERANGE);
	assert_null(tl.samples);
	timeline_fini(&tl);
	scenario_destroy(sc);
	rm_rf(sdir);
}

/* The sampler's server connections, driven exactly. Pool 1 + 1 overflow, connect 0.5 s, two
 * requests from a trace at t = 1 s and 2 s holding 10 s each (db_time constant, rtt 0),
 * sampled every second over 16 s. By hand: the connect at t = 1 takes a backend at once
 * (PostgreSQL forks it when the client connects, so it counts while being opened): 1 from
 * t = 1; the second request finds no idle connection and opens the overflow one: 2 from
 * t = 2. The first holds 1.5 .. 11.5 and is checked in (fewer than pool_size idle: kept),
 * the second holds 2.5 .. 12.5 and is closed at checkin (pool_size already idle): 1 from
 * t = 12.5, so the samples read 0, 1, 2 x 10 (t = 2 .. 11), 2 (t = 12), 1 x 4 (t = 13 .. 16). */
static void test_sampler_server_connections(void **state)
{
	(void)state;
	char sdir[64], path[128];
	make_tmpdir(sdir, sizeof sdir);
	fmt(path, sizeof path, "%s/arrivals.csv", sdir);
	write_all(path, "1\n2\n");
	fmt(path, sizeof path, "%s/s.json", sdir);
	write_all(path,
		  "{\"name\": \"s\", \"horizon\": \"16s\", \"replications\": 1,"
		  " \"database\": {\"connect_time\": \"500ms\"},"
		  " \"pools\": {\"main\": {\"size\": 1, \"max_overflow\": 1}},"
		  " \"workloads\": {\"api\": {\"type\": \"requests\","
		  " \"arrival\": {\"trace\": \"arrivals.csv\"},"
		  " \"transaction\": {\"db_time\": \"10s\"}}}}");
	char err[512];
	struct scenario *sc;
	if (scenario_load(&sc, path, NULL, 0, err, sizeof err))
		fail_msg("%s", err);
	struct timeline tl;
	assert_int_equal(timeline_record(&tl, &sc->variants[0].cfg, 1, NULL), 0);
	static const int want[17] = {0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 1, 1, 1};
	assert_int_equal(tl.n, 17);
	for (size_t i = 0; i < tl.n; i++) {
		if (tl.samples[i].server_connections != want[i])
			fail_msg("t = %g s: %d server connections, expected %d", tl.samples[i].t_s,
				 tl.samples[i].server_connections, want[i]);
		/* one process, one pool: the server sees exactly the pool's connections */
		assert_int_equal(tl.samples[i].server_connections, tl.samples[i].open);
	}
	timeline_fini(&tl);
	scenario_destroy(sc);
	rm_rf(sdir);
}

/* ---- the result folder through the library ------------------------------------------------ */

static void test_api_begin_commit_destroy(void **state)
{
	(void)state;
	char sdir[64];
	struct scenario *sc = load_scenario(SCENARIO, sdir);
	char root[64], err[512], parent[128], names[8][256];
	make_tmpdir(root, sizeof root);
	fmt(parent, sizeof parent, "%s/small", root);
	time_t t0 = 1700000000; /* 2023-11-14 22:13:20 UTC */
	char id[64];
	results_run_id(t0, 5, id, sizeof id);
	assert_string_equal(id, "20231114-221320-seed5");

	/* Abandoned: the temporary folder goes away with everything in it. */
	struct results_dir *rd;
	assert_int_equal(results_begin(&rd, root, sc, t0, err, sizeof err), 0);
	fmt(names[0], sizeof names[0], "%s/.tmp-20231114-221320-seed5", parent);
	assert_string_equal(results_path(rd), names[0]); /* the reservation of the final name */
	assert_int_equal(results_mark_plots_missing(rd, "test", err, sizeof err), 0);
	assert_int_equal(list_dir(parent, names, 8), 1);
	results_destroy(rd);
	assert_int_equal(list_dir(parent, names, 8), 0);

	/* Two runs with the same start second and seed: the second gets "-2". */
	for (int k = 0; k < 2; k++) {
		assert_int_equal(results_begin(&rd, root, sc, t0, err, sizeof err), 0);
		assert_int_equal(results_mark_plots_missing(rd, "test", err, sizeof err), 0);
		assert_int_equal(results_commit(rd, err, sizeof err), 0);
		char want[256];
		fmt(want, sizeof want, "%s/20231114-221320-seed5%s", parent, k ? "-2" : "");
		assert_string_equal(results_path(rd), want);
		results_destroy(rd); /* committed: stays */
		assert_int_equal(access(want, F_OK), 0);
	}
	assert_int_equal(list_dir(parent, names, 8), 2);

	/* Issue 10 item 11 (regression): runs that landed on -2, -3 all recorded the plain run id
	 * inside, and a regular file at the run id's name was not skipped. The name is reserved
	 * when the run begins (its .tmp- folder), so the id inside is the folder's whichever run
	 * commits first. */
	rm_rf(parent);
	struct results_dir *a, *b;
	assert_int_equal(results_begin(&a, root, sc, t0, err, sizeof err), 0);
	assert_int_equal(results_begin(&b, root, sc, t0, err, sizeof err), 0);
	assert_string_equal(results_id(a), "20231114-221320-seed5");
	assert_string_equal(results_id(b), "20231114-221320-seed5-2");
	assert_int_equal(results_commit(b, err, sizeof err), 0); /* the second commits first */
	assert_int_equal(results_commit(a, err, sizeof err), 0);
	char want[256];
	fmt(want, sizeof want, "%s/%s", parent, results_id(a));
	assert_string_equal(results_path(a), want);
	fmt(want, sizeof want, "%s/%s", parent, results_id(b));
	assert_string_equal(results_path(b), want);
	results_destroy(a);
	results_destroy(b);
	fmt(want, sizeof want, "%s/20231114-221320-seed5-3", parent);
	write_all(want, "not a folder");
	assert_int_equal(results_begin(&a, root, sc, t0, err, sizeof err), 0);
	assert_string_equal(results_id(a), "20231114-221320-seed5-4");
	assert_int_equal(results_commit(a, err, sizeof err), 0);
	fmt(want, sizeof want, "%s/20231114-221320-seed5-4", parent);
	assert_string_equal(results_path(a), want);
	results_destroy(a);
	assert_int_equal(list_dir(parent, names, 8), 4);

	/* An unwritable root (a regular file where a folder should be). */
	char file[128];
	fmt(file, sizeof file, "%s/plain", root);
	write_all(file, "x");
	assert_int_equal(results_begin(&rd, file, sc, t0, err, sizeof err), PT_EIO);
	assert_null(rd);
	assert_non_null(strstr(err, "cannot create"));
	assert_non_null(strstr(err, "Not a directory"));
	rm_rf(root);
	scenario_destroy(sc);
	rm_rf(sdir);
}

/* ---- the result folder through the binary ------------------------------------------------- */

static void test_folder_layout(void **state)
{
	(void)state;
	char root[64], dir[PATH_MAX], names[16][256];
	make_tmpdir(root, sizeof root);
	char scen[PATH_MAX], args[PATH_MAX * 3];
	fmt(scen, sizeof scen, "%s/small.json", root);
	write_all(scen, SCENARIO);
	fmt(args, sizeof args, "run %s -o %s/out --no-plot", scen, root);
	char *err;
	assert_int_equal(run(args, &err), 0);
	char out[PATH_MAX];
	fmt(out, sizeof out, "%s/out", root);
	only_run_dir(out, "small", dir, sizeof dir);
	/* The closing lines name the folder and the report. */
	char want[PATH_MAX + 32];
	fmt(want, sizeof want, "results: %s/\n", dir);
	assert_non_null(strstr(err, want));
	fmt(want, sizeof want, "report:  %s/report.md\n", dir);
	assert_non_null(strstr(err, want));
	free(err);
	/* The run id: YYYYmmdd-HHMMSS-seed5. */
	const char *id = strrchr(dir, '/') + 1;
	assert_int_equal(strlen(id), strlen("20250101-000000-seed5"));
	assert_string_equal(id + 15, "-seed5");

	static const char *const files[] = {"summary.json", "summary.csv", "waits.csv",
					    "timeline.csv", "pools.csv",  "database.csv",
					    "slo.csv",      "report.md",  "report.html",
					    "replications.csv", "worst_windows.csv",
					    RESULTS_PLOTS_MISSING};
	int n = list_dir(dir, names, 16);
	assert_int_equal(n, 12);
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char p[PATH_MAX + 32];
		fmt(p, sizeof p, "%s/%s", dir, files[i]);
		struct stat sb;
		assert_int_equal(stat(p, &sb), 0);
		assert_true(S_ISREG(sb.st_mode) && sb.st_size > 0);
	}

	/* report.md: the scenario paragraph, the tables, the plot links and the missing-plot
	 * note. */
	char p[PATH_MAX + 32];
	fmt(p, sizeof p, "%s/report.md", dir);
	char *md = read_all(p);
	assert_non_null(strstr(md, "# small: pooltide report\n"));
	assert_non_null(strstr(md, "Two pools | one *test*."));
	assert_non_null(strstr(md, "3 replications per variant, master seed 5"));
	assert_non_null(strstr(md, "## Workload api (pool main)"));
	assert_non_null(strstr(md, "## Workload batch (pool jobs)"));
	assert_non_null(strstr(md, "| variant | offered | timed out | refused | failure rate | wait p50 | "
			       "wait p95 | wait p99 | wait p99.9 |"));
	assert_non_null(strstr(md, "| variant | failure rate | wait mean | wait p99 | hold mean |"));
	assert_non_null(strstr(md, "## Pool health"));
	assert_non_null(strstr(md, "QueuePool limit of size 3 overflow 1 reached"));
	assert_non_null(strstr(md, "](waits_cdf.png)"));
	assert_non_null(strstr(md, "](failures.png)"));
	assert_non_null(strstr(md, "](pool_timeline.png)"));
	assert_non_null(strstr(md, "](server_connections.png)"));
	/* 2 variants x 2 used pools: 4 rows, 3 to an image */
	assert_non_null(strstr(md, "](pool_timeline-2.png)"));
	assert_null(strstr(md, "pool_timeline-3.png"));
	assert_non_null(strstr(md, "**The plots were not drawn** (--no-plot was given)"));
	assert_non_null(strstr(md, "`pooltide plot DIR`"));
	assert_null(strstr(md, "## SLO")); /* no SLO writer given */
	free(md);
	rm_rf(root);
}

/* The plot module is wired: with gnuplot, the images are there and there is no marker, or
 * (when a script failed: the plot module's business, tested in test_plot.c) the marker and
 * the report say so, never one without the other; without gnuplot on PATH the run still
 * succeeds, warns, and the marker and report say why. */
static void test_plots_drawn_or_marked(void **state)
{
	(void)state;
	char root[64], scen[128], args[PATH_MAX], dir[PATH_MAX], p[PATH_MAX + 32], out[128];
	make_tmpdir(root, sizeof root);
	fmt(scen, sizeof scen, "%s/small.json", root);
	write_all(scen, SCENARIO);
	fmt(out, sizeof out, "%s/out", root);
	char *err;
	if (system("command -v gnuplot >/dev/null 2>&1") == 0) {
		fmt(args, sizeof args, "run %s -o %s -q", scen, out);
		assert_int_equal(run(args, &err), 0);
		free(err);
		only_run_dir(out, "small", dir, sizeof dir);
		fmt(p, sizeof p, "%s/%s", dir, RESULTS_PLOTS_MISSING);
		bool missing = access(p, F_OK) == 0;
		fmt(p, sizeof p, "%s/report.md", dir);
		char *md = read_all(p);
		assert_int_equal(strstr(md, "**The plots were not drawn**") != NULL, missing);
		free(md);
		fmt(p, sizeof p, "%s/waits_cdf.png", dir);
		if (!missing)
			assert_int_equal(access(p, F_OK), 0);
		rm_rf(out);
	}
	/* PATH without gnuplot (the binary is named by its path). */
	char cmd[PATH_MAX * 2];
	fmt(cmd, sizeof cmd, "PATH=%s %s run %s -o %s >/dev/null 2>%s/err </dev/null", root,
	    bin(), scen, out, root);
	int st = system(cmd);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	fmt(p, sizeof p, "%s/err", root);
	err = read_all(p);
	assert_non_null(strstr(err, "pooltide: warning: plots not drawn: "));
	free(err);
	only_run_dir(out, "small", dir, sizeof dir);
	fmt(p, sizeof p, "%s/%s", dir, RESULTS_PLOTS_MISSING);
	assert_int_equal(access(p, F_OK), 0);
	fmt(p, sizeof p, "%s/report.md", dir);
	char *md = read_all(p);
	assert_non_null(strstr(md, "**The plots were not drawn** ("));
	free(md);
	rm_rf(root);
}


/* ---- report.html: a small strict checker ------------------------------------------------- */

struct html_counts {
	int tables, svgs, figures, scripts, missing;
};

/* Check that s is a well-formed page as report.html writes it: after <!DOCTYPE html>, every
 * '<' opens a tag (a letter or '/' follows; a '>' in text is legal HTML and allowed), every
 * tag ends with '>' and has its attribute
 * values quoted, every element is closed in order (void elements and "/>" aside), every '&'
 * starts an entity; count tables, svgs, figures, scripts and missing-image notes. Fails the
 * test with the offset of the first fault. */
static struct html_counts html_check(const char *s)
{
	static const char *const voids[] = {"meta", "br", "hr", "img", "link", "input"};
	struct html_counts n = {0};
	char stack[512][32];
	int depth = 0;
	const char *doctype = "<!DOCTYPE html>\n";
	if (strncmp(s, doctype, strlen(doctype)) != 0)
		fail_msg("report.html does not start with %s", doctype);
	const char *p = s + strlen(doctype);
	while (*p) {
		if (*p == '&') {
			size_t k = 1;
			if (p[1] == '#')
				k = 2 + strspn(p + 2, "0123456789");
			else
				k = 1 + strspn(p + 1, "abcdefghijklmnopqrstuvwxyz");
			if (k < 3 || p[k] != ';')
				fail_msg("a bare '&' at offset %ld", (long)(p - s));
			p += k + 1;
			continue;
		}
		if (*p != '<') {
			p++;
			continue;
		}
		bool close = p[1] == '/';
		const char *name = p + 1 + close;
		size_t nl = strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
		if (nl == 0 || nl >= 32)
			fail_msg("a '<' that opens no tag at offset %ld", (long)(p - s));
		/* the tag's end, outside quoted attribute values */
		const char *q = name + nl;
		char quote = 0;
		for (; *q && (quote || *q != '>'); q++) {
			if (quote && *q == quote)
				quote = 0;
			else if (!quote && (*q == '"' || *q == '\''))
				quote = *q;
			else if (!quote && *q == '<')
				fail_msg("'<' inside a tag at offset %ld", (long)(q - s));
			else if (!quote && *q == '=' && q[strspn(q + 1, " ") + 1] != '"' &&
				 q[strspn(q + 1, " ") + 1] != '\'')
				fail_msg("an unquoted attribute at offset %ld", (long)(q - s));
		}
		if (!*q)
			fail_msg("an unterminated tag at offset %ld", (long)(p - s));
		char tag[32];
		memcpy(tag, name, nl);
		tag[nl] = 0;
		for (char *t = tag; *t; t++)
			*t = (char)tolower((unsigned char)*t);
		bool self = q[-1] == '/';
		if (close) {
			if (depth == 0 || strcmp(stack[depth - 1], tag) != 0)
				fail_msg("</%s> at offset %ld closes <%s>", tag, (long)(p - s),
					 depth ? stack[depth - 1] : "nothing");
			depth--;
		} else {
			bool v = self;
			for (size_t i = 0; i < sizeof voids / sizeof *voids; i++)
				v |= strcmp(tag, voids[i]) == 0;
			if (!v) {
				assert_true(depth < 512);
				memcpy(stack[depth++], tag, nl + 1);
			}
			n.tables += strcmp(tag, "table") == 0;
			n.svgs += strcmp(tag, "svg") == 0;
			n.figures += strcmp(tag, "figure") == 0;
			n.scripts += strcmp(tag, "script") == 0;
			n.missing += strncmp(name + nl, " class=\"missing\"", 16) == 0;
		}
		p = q + 1;
	}
	if (depth)
		fail_msg("<%s> is never closed", stack[depth - 1]);
	return n;
}

/* Lines of report.md that start a table (the |---| line) and images (![...](...)). */
static void md_counts(const char *md, int *tables, int *images)
{
	*tables = *images = 0;
	for (const char *l = md; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		*tables += strncmp(l, "|---|", 5) == 0 || strncmp(l, "|--:|", 5) == 0;
		*images += strncmp(l, "![", 2) == 0;
	}
}

/* A run of `scenario` (as small.json) into a fresh root, with the plots or --no-plot; fills
 * root and dir, returns report.md and (in *html) report.html. */
static char *html_run(const char *scenario, bool plots, char *root, size_t rlen, char *dir,
		      size_t dlen, char **html)
{
	make_tmpdir(root, rlen);
	char scen[PATH_MAX], args[PATH_MAX * 3], out[PATH_MAX], p[PATH_MAX + 32];
	fmt(scen, sizeof scen, "%s/small.json", root);
	write_all(scen, scenario);
	fmt(args, sizeof args, "run %s -o %s/out -q%s", scen, root, plots ? "" : " --no-plot");
	char *err;
	int rc = run(args, &err);
	if (rc != 0)
		fail_msg("pooltide %s: exit %d: %s", args, rc, err);
	free(err);
	fmt(out, sizeof out, "%s/out", root);
	only_run_dir(out, "small", dir, dlen);
	fmt(p, sizeof p, "%s/report.html", dir);
	*html = read_all(p);
	fmt(p, sizeof p, "%s/report.md", dir);
	return read_all(p);
}

/* report.html beside report.md: well-formed, no script, one <table> for every table of
 * report.md (the same builders), one figure for every image, each an inline <svg> when the
 * plots were drawn or a note when not; nothing fetched. With gnuplot the plots are drawn;
 * with --no-plot the page says so. */
static void test_report_html(void **state)
{
	(void)state;
	for (int plots = 0; plots < 2; plots++) {
		if (plots && system("command -v gnuplot >/dev/null 2>&1") != 0)
			break; /* no gnuplot here: the case without plots stands */
		char root[64], dir[PATH_MAX], p[PATH_MAX + 32], *html;
		char *md = html_run(SCENARIO, plots, root, sizeof root, dir, sizeof dir, &html);
		int tables, images;
		md_counts(md, &tables, &images);
		struct html_counts n = html_check(html);
		assert_true(tables >= 6); /* variants, 2 x (workload, diffs), pools, budget */
		assert_int_equal(n.tables, tables);
		assert_int_equal(images, 5); /* waits, timeout rate, 2 timelines, server */
		assert_int_equal(n.figures, images);
		assert_int_equal(n.scripts, 0);
		fmt(p, sizeof p, "%s/%s", dir, RESULTS_PLOTS_MISSING);
		if (!plots || access(p, F_OK) == 0) {
			assert_int_equal(n.svgs, 0);
			assert_int_equal(n.missing, images);
			assert_non_null(strstr(html, "<strong>The plots were not drawn</strong>"));
		} else {
			assert_int_equal(n.svgs, images);
			assert_int_equal(n.missing, 0);
			assert_null(strstr(html, "<?xml"));
			assert_null(strstr(html, "<!DOCTYPE svg"));
			assert_non_null(strstr(html, "id='img1-gpPt0'")); /* ids per image */
		}
		assert_null(strstr(html, "href=\"http"));
		assert_null(strstr(html, "href='http"));
		assert_null(strstr(html, " src="));
		assert_null(strstr(html, "<link"));
		/* the same contents, escaped */
		assert_non_null(strstr(html, "<td>bigger, &quot;6+2&quot;</td>"));
		assert_non_null(strstr(html, "<p>Two pools | one <em>test</em>.</p>"));
		assert_non_null(strstr(html, "<h2>Workload api (pool main)</h2>"));
		assert_non_null(strstr(html, "<code>QueuePool limit of size 3 overflow 1 reached"));
		free(md);
		free(html);
		rm_rf(root);
	}
}

/* `pooltide plot DIR` rebuilds report.html from report.md and the new SVG images: a run with
 * --no-plot has a page without images (a note per figure); after `plot DIR` the page has every
 * image inline, no "not drawn" note, the tables of report.md, and is well-formed; report.md is
 * unchanged; no temporary file is left. The page is replaced atomically: when it cannot be
 * (report.html a directory), plot exits 1 naming the paths and leaves the folder as it was;
 * a report.md that is a FIFO is refused at once, not read (no hang). */
static void test_plot_rebuilds_html(void **state)
{
	(void)state;
	if (system("command -v gnuplot >/dev/null 2>&1") != 0)
		skip();
	char root[64], dir[PATH_MAX], p[PATH_MAX + 32], args[PATH_MAX + 32], *html, *err;
	char *md = html_run(SCENARIO, false, root, sizeof root, dir, sizeof dir, &html);
	int tables, images;
	md_counts(md, &tables, &images);
	struct html_counts n = html_check(html);
	assert_int_equal(n.svgs, 0);
	assert_int_equal(n.missing, images);

	/* Without gnuplot: report.md's note now says why (no longer "--no-plot was given"),
	 * and the rebuilt page says the same. */
	fmt(args, sizeof args, "plot %s", dir);
	assert_non_null(strstr(md, "> **The plots were not drawn** (--no-plot was given). "));
	assert_int_equal(run_env("PATH=/nonexistent ", args, &err), 1);
	assert_non_null(strstr(err, "/report.md: plot note says why the plots were not drawn\n"));
	assert_non_null(strstr(err, "/report.html rebuilt from report.md\n"));
	free(err);
	fmt(p, sizeof p, "%s/report.md", dir);
	char *md1 = read_all(p);
	assert_non_null(strstr(md1, "## Plots\n\n> **The plots were not drawn** (gnuplot not found "
				    "on PATH: wrote the data and scripts; install gnuplot-nox and run "
				    "\\`pooltide plot "));
	assert_null(strstr(md1, "--no-plot was given"));
	fmt(p, sizeof p, "%s/report.html", dir);
	char *html1 = read_all(p);
	assert_non_null(strstr(html1, "<strong>The plots were not drawn</strong> (gnuplot not found "
				      "on PATH"));
	free(html1);

	/* With gnuplot: the note goes from report.md, which otherwise keeps its text. DIR given
	 * with a trailing slash: every message still names DIR/file (it printed DIR//file). */
	fmt(args, sizeof args, "plot %s/", dir);
	assert_int_equal(run(args, &err), 0);
	assert_null(strstr(err, "//"));
	assert_non_null(strstr(err, "/report.md: plot note removed (every plot drawn)\n"));
	assert_non_null(strstr(err, "/report.html rebuilt from report.md\n"));
	free(err);
	fmt(p, sizeof p, "%s/report.md", dir);
	char *md2 = read_all(p);
	const char *note = strstr(md1, "> **The plots were not drawn**");
	const char *after = strstr(note, "\n\n") + 2;
	size_t cut = (size_t)(note - md1);
	if (strncmp(md2, md1, cut) != 0 || strcmp(md2 + cut, after) != 0)
		fail_msg("report.md changed beyond its plot note:\n%s", md2);
	free(md1);
	fmt(p, sizeof p, "%s/report.html", dir);
	char *old_html = html;
	html = read_all(p);
	/* Every table of the rebuilt page is the run's own, byte for byte: captions, the
	 * right-aligned numbers, escapes (report.md's tables say all of it, app/table.c) */
	for (const char *a = strstr(old_html, "<table>"), *b = strstr(html, "<table>"); a || b;
	     a = strstr(a + 1, "<table>"), b = strstr(b + 1, "<table>")) {
		assert_true(a && b);
		size_t la = (size_t)(strstr(a, "</table>") - a), lb = (size_t)(strstr(b, "</table>") - b);
		if (la != lb || memcmp(a, b, la) != 0)
			fail_msg("the run's table:\n%.*s\nthe rebuilt one:\n%.*s", (int)la, a,
				 (int)lb, b);
	}
	free(old_html);
	n = html_check(html);
	assert_int_equal(n.tables, tables);
	assert_int_equal(n.figures, images);
	assert_int_equal(n.svgs, images);
	assert_int_equal(n.missing, 0);
	assert_int_equal(n.scripts, 0);
	assert_null(strstr(html, "The plots were not drawn"));
	assert_non_null(strstr(html, "<title>small: pooltide report</title>"));
	assert_non_null(strstr(html, "id='img1-gpPt0'"));
	assert_non_null(strstr(html, "<h2>Workload api (pool main)</h2>"));
	assert_non_null(strstr(html, "<td>bigger, &quot;6+2&quot;</td>"));
	assert_null(strstr(html, " src="));
	free(html);
	free(md2);
	char names[64][256];
	int k = list_dir(dir, names, 64);
	for (int i = 0; i < k && i < 64; i++)
		if (strstr(names[i], ".tmp-"))
			fail_msg("%s left in the folder", names[i]);

	/* The page cannot be replaced: exit 1, both paths named, nothing left behind. */
	fmt(p, sizeof p, "%s/report.html", dir);
	assert_int_equal(remove(p), 0);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(run(args, &err), 1);
	if (!strstr(err, "pooltide: cannot rename ") || !strstr(err, "/.report.html.tmp-") ||
	    !strstr(err, "/report.html: Is a directory\n"))
		fail_msg("%s", err);
	free(err);
	assert_int_equal(list_dir(dir, names, 64), k);
	assert_int_equal(rmdir(p), 0);
	/* report.md a FIFO: refused, not read */
	fmt(p, sizeof p, "%s/report.md", dir);
	assert_int_equal(remove(p), 0);
	assert_int_equal(mkfifo(p, 0600), 0);
	alarm(60);
	assert_int_equal(run(args, &err), 1);
	alarm(0);
	fmt(args, sizeof args, "pooltide: %s/report.md: not a regular file of at most 64 MiB\n", dir);
	assert_string_equal(err + strlen(err) - strlen(args), args);
	free(err);
	free(md);
	rm_rf(root);
}

/* A variant named <b>&"' and a description with a script: escaped wherever they appear
 * (tables, headings, paragraphs, the page title), never markup. */
static void test_report_html_hostile_names(void **state)
{
	(void)state;
	static const char hostile[] =
		"{\"name\": \"small\", \"description\": \"<script>alert(1)</script> & \\\"q\\\"\","
		" \"horizon\": \"1m\", \"warmup\": \"5s\", \"replications\": 2, \"seed\": 3,"
		" \"pools\": {\"main\": {\"size\": 2, \"max_overflow\": 0, \"timeout\": \"100ms\"}},"
		" \"workloads\": {\"api\": {\"type\": \"requests\", \"pool\": \"main\","
		"   \"arrival\": {\"rate\": \"30/s\"},"
		"   \"transaction\": {\"db_time\": {\"dist\": \"exponential\", \"mean\": \"60ms\"}}}},"
		" \"variants\": [{\"name\": \"base\"}, {\"name\": \"<b>&\\\"'\", \"set\": "
		"{\"pools.main.size\": 3}}]}";
	char root[64], dir[PATH_MAX], *html;
	char *md = html_run(hostile, false, root, sizeof root, dir, sizeof dir, &html);
	struct html_counts n = html_check(html);
	assert_int_equal(n.scripts, 0);
	assert_null(strstr(html, "<b>"));
	assert_null(strstr(html, "<script"));
	assert_non_null(strstr(html, "<td>&lt;b&gt;&amp;&quot;&#39;</td>"));
	assert_non_null(strstr(html, "<p>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot;</p>"));
	/* Markdown escapes the name its own way */
	assert_non_null(strstr(md, "| \\<b\\>&\"' |"));
	free(md);
	free(html);
	rm_rf(root);
}

static const cJSON *get(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	if (!v)
		fail_msg("missing key \"%s\"", key);
	return v;
}

static void assert_estimate(const cJSON *e, bool may_be_null)
{
	static const char *const k[] = {"mean", "ci_low", "ci_high"};
	assert_true(cJSON_IsObject(e));
	for (int i = 0; i < 3; i++) {
		const cJSON *x = get(e, k[i]);
		assert_true(cJSON_IsNumber(x) || (may_be_null && cJSON_IsNull(x)));
	}
}

static void test_summary_json(void **state)
{
	(void)state;
	char root[64], dir[PATH_MAX], p[PATH_MAX + 32];
	run_scenario(root, sizeof root, dir, sizeof dir, "--threads 2");
	fmt(p, sizeof p, "%s/summary.json", dir);
	char *text = read_all(p);
	cJSON *doc = cJSON_Parse(text);
	assert_non_null(doc);

	const cJSON *m = get(doc, "manifest");
	assert_string_equal(get(m, "pooltide_version")->valuestring, "0.1.0");
	assert_string_equal(get(m, "scenario_name")->valuestring, "small");
	char scen[PATH_MAX], hex[SHA256_HEX_LEN + 1];
	fmt(scen, sizeof scen, "%s/small.json", root);
	assert_string_equal(get(m, "scenario_path")->valuestring, scen);
	assert_int_equal(sha256_file_hex(scen, hex), 0);
	assert_string_equal(get(m, "scenario_sha256")->valuestring, hex);
	assert_true(get(m, "seed")->valuedouble == 5);
	assert_true(get(m, "replications")->valuedouble == 3);
	assert_true(get(m, "horizon_s")->valuedouble == 120);
	assert_true(get(m, "warmup_s")->valuedouble == 10);
	assert_true(get(m, "threads")->valuedouble == 2);
	assert_true(get(m, "timeline_step_s")->valuedouble == 0.1);
	assert_true(get(m, "wall_time_s")->valuedouble >= 0);
	const char *utc = get(m, "started_utc")->valuestring;
	assert_int_equal(strlen(utc), strlen("2025-01-01T00:00:00Z"));
	assert_int_equal(utc[10], 'T');
	assert_int_equal(utc[19], 'Z');
	assert_string_equal(strrchr(dir, '/') + 1, get(m, "run_id")->valuestring);
	assert_int_equal(cJSON_GetArraySize(get(m, "variants")), 2);
	const cJSON *rs = get(m, "scenario");
	assert_true(cJSON_IsObject(rs)); /* embedded, not a string */
	assert_true(get(get(get(rs, "pools"), "main"), "size")->valuedouble == 3);
	assert_int_equal(cJSON_GetArraySize(get(rs, "variants")), 2);

	/* The report_json members, unchanged, and every metric of the table. */
	assert_true(get(doc, "seed")->valuedouble == 5);
	const cJSON *vs = get(doc, "variants");
	assert_int_equal(cJSON_GetArraySize(vs), 2);
	int nm;
	const struct metric_def *t = metric_table(&nm);
	/* the default window lengths, 1 and 5 minutes: worst_1m.*, worst_5m.*, no third */
	struct cfg_workload dw = {.kind = CFG_WORKLOAD_REQUESTS};
	cfg_requests_defaults(&dw.req);
	for (int v = 0; v < 2; v++) {
		const cJSON *var = cJSON_GetArrayItem(vs, v);
		assert_string_equal(get(var, "name")->valuestring, v ? VARIANT2 : "3+1");
		static const char *const wls[] = {"api", "batch"}, *const pools[] = {"main", "jobs"};
		for (int w = 0; w < 2; w++) {
			const cJSON *wl = get(get(var, "workloads"), wls[w]);
			assert_string_equal(get(wl, "pool")->valuestring, pools[w]);
			for (int k = 0; k < nm; k++) {
				char name[CFG_SLO_METRIC_MAX];
				if (t[k].scope == METRIC_WORKLOAD && metric_applies(&t[k], &dw))
					assert_estimate(get(wl, metric_name_of(&t[k], &dw, name,
										 sizeof name)),
							true);
			}
			assert_estimate(get(wl, "worst_5m.failure_rate"), true);
			assert_null(cJSON_GetObjectItemCaseSensitive(wl, "window3.failure_rate"));
			if (v == 0) {
				assert_null(cJSON_GetObjectItemCaseSensitive(wl, "diff_to_first"));
			} else {
				const cJSON *d = get(wl, "diff_to_first");
				assert_estimate(get(d, "failure_rate"), true);
				assert_estimate(get(d, "wait_p99"), true);
			}
		}
		for (int q = 0; q < 2; q++) {
			const cJSON *pool = get(get(var, "pools"), pools[q]);
			for (int k = 0; k < nm; k++)
				if (t[k].scope == METRIC_POOL)
					assert_estimate(get(pool, t[k].name), false);
			const cJSON *h = get(pool, "health");
			const char *status = get(h, "status")->valuestring;
			assert_true(strcmp(status, "healthy") == 0 || strcmp(status, "exhausted") == 0);
			assert_true(cJSON_IsNumber(get(h, "pool_size")));
			assert_true(cJSON_IsNumber(get(h, "checked_in")));
			assert_true(cJSON_IsNumber(get(h, "checked_out")));
			assert_true(cJSON_IsNumber(get(h, "overflow")));
			assert_true(cJSON_IsNumber(get(h, "exhausted_share")));
			assert_true(cJSON_IsNumber(get(h, "longest_exhausted_s")));
			/* Exhausted at some point exactly when the share or the stretch is positive. */
			bool ex = get(h, "exhausted_share")->valuedouble > 0 ||
				  get(h, "longest_exhausted_s")->valuedouble > 0;
			assert_int_equal(ex, strcmp(status, "exhausted") == 0);
		}
	}
	/* 3+1 at 40/s x 90 ms (3.6 busy on 4 connections) times out; it is exhausted. */
	const cJSON *h0 = get(get(get(cJSON_GetArrayItem(vs, 0), "pools"), "main"), "health");
	assert_string_equal(get(h0, "status")->valuestring, "exhausted");
	assert_true(cJSON_IsString(get(h0, "first_timeout")));
	assert_true(get(h0, "pool_size")->valuedouble == 3);
	assert_true(get(h0, "cap")->valuedouble == 4);
	cJSON_Delete(doc);
	free(text);
	rm_rf(root);
}

static void test_summary_csv(void **state)
{
	(void)state;
	char root[64], dir[PATH_MAX];
	run_scenario(root, sizeof root, dir, sizeof dir, "");
	struct csv c = csv_file(dir, "summary.csv",
				"variant,workload,metric,mean,ci_low,ci_high,unit,variant_order", 8);
	int nm, nw = 0, np = 0, nd = 0;
	const struct metric_def *t = metric_table(&nm);
	struct cfg_workload dw = {.kind = CFG_WORKLOAD_REQUESTS};
	cfg_requests_defaults(&dw.req);
	for (int k = 0; k < nm; k++) {
		nw += t[k].scope == METRIC_WORKLOAD && t[k].window <= 2; /* the default 1m, 5m */
		np += t[k].scope == METRIC_POOL;
		nd += t[k].scope == METRIC_DATABASE;
	}
	/* Per variant: 2 (requests) workloads x workload metrics, 2 pools x pool metrics, the
	 * database metrics; the second variant adds 4 paired differences per workload. */
	assert_int_equal(c.nrows - 1, 2 * (2 * nw + 2 * np + nd) + 2 * 4);
	bool saw_quoted = false, saw_pool = false, saw_diff = false;
	for (int r = 1; r < c.nrows; r++) {
		char **f = c.fields[r];
		assert_true(strcmp(f[0], "3+1") == 0 || strcmp(f[0], VARIANT2) == 0);
		saw_quoted |= strcmp(f[0], VARIANT2) == 0;
		for (int k = 3; k <= 5; k++) {
			double x;
			if (!csv_num(f[k], &x))
				fail_msg("summary.csv row %d: '%s' is not a number", r + 1, f[k]);
		}
		double mean, lo, hi;
		csv_num(f[3], &mean);
		csv_num(f[4], &lo);
		csv_num(f[5], &hi);
		if (!isnan(mean))
			assert_true(lo <= mean && mean <= hi);
		const char *metric = f[2];
		if (strncmp(f[1], "pool/", 5) == 0) {
			saw_pool = true;
			assert_true(strcmp(f[1], "pool/main") == 0 || strcmp(f[1], "pool/jobs") == 0);
			assert_non_null(metric_find(metric));
			assert_int_equal(metric_find(metric)->scope, METRIC_POOL);
		} else if (strcmp(f[1], "database") == 0) {
			assert_non_null(metric_find(metric));
			assert_int_equal(metric_find(metric)->scope, METRIC_DATABASE);
		} else {
			assert_true(strcmp(f[1], "api") == 0 || strcmp(f[1], "batch") == 0);
			if (strncmp(metric, "diff_to_first.", 14) == 0) {
				saw_diff = true;
				assert_string_equal(f[0], VARIANT2);
				metric += 14;
			}
			/* worst windows by their lengths' names (the default 1m and 5m) */
			assert_non_null(metric_find_for(metric, &dw));
			assert_int_equal(metric_find_for(metric, &dw)->scope, METRIC_WORKLOAD);
		}
		const struct metric_def *md = metric_find(metric) ? metric_find(metric)
								 : metric_find_for(metric, &dw);
		assert_string_equal(f[6], md->unit);
	}
	assert_true(saw_quoted && saw_pool && saw_diff);
	csv_free(&c);

	/* The raw bytes quote the name as RFC 4180 says. */
	char p[PATH_MAX + 32];
	fmt(p, sizeof p, "%s/summary.csv", dir);
	char *text = read_all(p);
	assert_non_null(strstr(text, "\n\"bigger, \"\"6+2\"\"\",api,offered,"));
	free(text);
	rm_rf(root);
}

/* replications.csv: every metric of every replication. Its rows per (variant, workload,
 * metric) average to summary.csv's mean (the estimate is the mean over replications; both
 * files print 9 significant digits, so they agree to 1e-8 relative), each variant has nrep x
 * (the metrics summary.csv has without its paired differences) rows, and the file is the same
 * bytes with 1 thread and with 2 (the experiment hands the results over in replication
 * order). summary.csv's variant_order is the variant's place in the scenario. */
static void test_replications_csv(void **state)
{
	(void)state;
	char root[64], dir[PATH_MAX], root2[64], dir2[PATH_MAX];
	run_scenario(root, sizeof root, dir, sizeof dir, "--threads 1");
	run_scenario(root2, sizeof root2, dir2, sizeof dir2, "--threads 2");
	char p[PATH_MAX + 32];
	fmt(p, sizeof p, "%s/replications.csv", dir);
	char *a = read_all(p);
	fmt(p, sizeof p, "%s/replications.csv", dir2);
	char *b = read_all(p);
	assert_string_equal(a, b);
	free(a);
	free(b);
	struct csv r = csv_file(dir, "replications.csv",
				"variant,variant_order,replication,workload,metric,value,unit", 7);
	struct csv sum = csv_file(dir, "summary.csv",
				  "variant,workload,metric,mean,ci_low,ci_high,unit,variant_order", 8);
	int checked = 0, plain = 0;
	for (int i = 1; i < sum.nrows; i++) {
		char **f = sum.fields[i];
		assert_string_equal(f[7], strcmp(f[0], "3+1") == 0 ? "1" : "2");
		if (strncmp(f[2], "diff_to_first.", 14) == 0)
			continue;
		plain++;
		double total = 0;
		int n = 0, rows = 0;
		for (int j = 1; j < r.nrows; j++) {
			char **g = r.fields[j];
			if (strcmp(g[0], f[0]) || strcmp(g[3], f[1]) || strcmp(g[4], f[2]))
				continue;
			rows++;
			assert_string_equal(g[1], f[7]);
			assert_string_equal(g[6], f[6]);
			if (g[5][0]) {
				total += num(g[5]);
				n++;
			}
		}
		assert_int_equal(rows, 3); /* one per replication */
		if (n == 0) {
			assert_string_equal(f[3], ""); /* undefined in every replication */
			continue;
		}
		double mean = total / n, want = num(f[3]);
		if (fabs(mean - want) > 1e-8 * fmax(1, fabs(want)))
			fail_msg("%s %s %s: replications average %.12g, summary.csv %.12g", f[0], f[1],
				 f[2], mean, want);
		checked++;
	}
	assert_int_equal(r.nrows - 1, 3 * plain);
	assert_true(checked > 50);
	/* rows in the fold's order: replication 0 of each variant, then 1, ... */
	assert_string_equal(r.fields[1][2], "0");
	assert_string_equal(r.fields[r.nrows - 1][2], "2");
	assert_string_equal(r.fields[r.nrows - 1][0], VARIANT2);
	csv_free(&r);
	csv_free(&sum);
	rm_rf(root);
	rm_rf(root2);
}

static void test_waits_csv(void **state)
{
	(void)state;
	char root[64], dir[PATH_MAX];
	run_scenario(root, sizeof root, dir, sizeof dir, "");
	struct csv c = csv_file(dir, "waits.csv", "variant,workload,kind,lo_s,hi_s,count,cdf", 7);
	int groups = 0;
	double prev_cdf = 0, prev_hi = 0, count_sum = 0;
	for (int r = 1; r < c.nrows; r++) {
		char **f = c.fields[r];
		assert_true(strcmp(f[2], "served") == 0 || strcmp(f[2], "all") == 0);
		double lo = num(f[3]), hi = num(f[4]), count = num(f[5]), cdf = num(f[6]);
		bool first = r == 1 || strcmp(f[0], c.fields[r - 1][0]) != 0 ||
			     strcmp(f[1], c.fields[r - 1][1]) != 0 ||
			     strcmp(f[2], c.fields[r - 1][2]) != 0;
		if (first) {
			/* The group before ended at exactly 1. */
			if (r > 1)
				assert_true(prev_cdf == 1);
			groups++;
			assert_true(lo == 0 && hi == 0); /* exact zero waits first */
			count_sum = 0;
		} else {
			assert_true(count > 0);        /* non-empty bins only */
			assert_true(lo < hi && lo >= prev_hi * (1 - 1e-12));
			assert_true(cdf >= prev_cdf);  /* monotone */
		}
		count_sum += count;
		assert_true(cdf > 0 && cdf <= 1);
		prev_cdf = cdf;
		prev_hi = hi;
	}
	assert_true(prev_cdf == 1);
	assert_int_equal(groups, 2 * 2 * 2); /* variants x workloads x kinds */
	(void)count_sum;
	csv_free(&c);
	rm_rf(root);
}

static void test_timeline_csv(void **state)
{
	(void)state;
	char root[64], dir[PATH_MAX];
	run_scenario(root, sizeof root, dir, sizeof dir, "--set slo.api.wait_p99=50ms");
	struct csv c = csv_file(dir, "timeline.csv",
				"variant,t_s,pool,checked_out,checked_in,overflow,waiters,open,"
				"server_connections", 9);
	/* 2 min at 100 ms: 1201 instants x 2 pools x 2 variants. */
	assert_int_equal(c.nrows - 1, 1201 * 2 * 2);
	for (int r = 1; r < c.nrows; r++) {
		char **f = c.fields[r];
		int i = (r - 1) % (1201 * 2);
		assert_string_equal(f[0], r - 1 < 1201 * 2 ? "3+1" : VARIANT2);
		assert_true(fabs(num(f[1]) - (i / 2) * 0.1) < 1e-9);
		assert_string_equal(f[2], i % 2 ? "jobs" : "main");
		assert_true(num(f[3]) + num(f[4]) == num(f[7]));
		/* one process: the server sees at least this pool's connections */
		assert_true(num(f[8]) >= num(f[7]));
	}
	csv_free(&c);

	/* pools.csv: one row per variant and pool, the cap size + max_overflow, no pre_ping,
	 * both pools used (api runs on main, batch on jobs), the kind and its settings in its
	 * words (QueuePool: pool_size, max_overflow), the server (no replicas: the primary). */
	c = csv_file(dir, "pools.csv",
		     "variant,pool,size,max_overflow,cap,timeout_s,pre_ping,ping_s,used,kind,settings,"
		     "server",
		     12);
	assert_int_equal(c.nrows - 1, 4);
	static const char *const want[4][12] = {
		{"3+1", "main", "3", "1", "4", "0.2", "0", "0", "1", "sqlalchemy",
		 "pool_size=3 max_overflow=1", "primary"},
		{"3+1", "jobs", "1", "0", "1", "1", "0", "0", "1", "sqlalchemy",
		 "pool_size=1 max_overflow=0", "primary"},
		{VARIANT2, "main", "6", "2", "8", "0.2", "0", "0", "1", "sqlalchemy",
		 "pool_size=6 max_overflow=2", "primary"},
		{VARIANT2, "jobs", "1", "0", "1", "1", "0", "0", "1", "sqlalchemy",
		 "pool_size=1 max_overflow=0", "primary"}};
	for (int r = 0; r < 4; r++)
		for (int f = 0; f < 12; f++)
			assert_string_equal(c.fields[r + 1][f], want[r][f]);
	csv_free(&c);
	/* database.csv: the defaults, 100 - 3 superuser-reserved usable. */
	c = csv_file(dir, "database.csv", "variant,processes,max_connections,usable_connections", 4);
	assert_int_equal(c.nrows - 1, 2);
	assert_string_equal(c.fields[1][0], "3+1");
	assert_string_equal(c.fields[1][1], "1");
	assert_string_equal(c.fields[1][2], "100");
	assert_string_equal(c.fields[1][3], "97");
	csv_free(&c);
	/* slo.csv: the limit of each variant, in the metric's unit (seconds). */
	c = csv_file(dir, "slo.csv", "variant,workload,metric,limit,unit", 5);
	assert_int_equal(c.nrows - 1, 2);
	static const char *const lim[5] = {"3+1", "api", "wait_p99", "0.05", "s"};
	for (int f = 0; f < 5; f++)
		assert_string_equal(c.fields[1][f], lim[f]);
	assert_string_equal(c.fields[2][0], VARIANT2);
	csv_free(&c);
	rm_rf(root);
}

static void test_manifest_reproduces_run(void **state)
{
	(void)state;
	char root[64], dir[PATH_MAX], p[PATH_MAX + 32];
	/* Command-line overrides are part of the resolved scenario: they must come back. */
	run_scenario(root, sizeof root, dir, sizeof dir,
		     "--seed 11 --replications 2 --set pools.jobs.timeout=300ms");
	fmt(p, sizeof p, "%s/summary.json", dir);
	char *text = read_all(p);
	cJSON *doc = cJSON_Parse(text);
	assert_non_null(doc);
	const cJSON *m = get(doc, "manifest");
	char *resolved = cJSON_Print(get(m, "scenario"));
	assert_non_null(resolved);
	char scen[PATH_MAX + 32], args[PATH_MAX * 3];
	fmt(scen, sizeof scen, "%s/from-manifest.json", root);
	write_all(scen, resolved);
	fmt(args, sizeof args, "run %s -o %s/again --no-plot --seed %.0f", scen, root,
		 get(m, "seed")->valuedouble);
	assert_int_equal(run(args, NULL), 0);
	char again[PATH_MAX], dir2[PATH_MAX];
	fmt(again, sizeof again, "%s/again", root);
	only_run_dir(again, "small", dir2, sizeof dir2);

	/* The metrics: summary.json from "variants" on, and the CSV files, byte for byte. */
	fmt(p, sizeof p, "%s/summary.json", dir2);
	char *text2 = read_all(p);
	const char *a = strstr(text, "\n  \"variants\": ["), *b = strstr(text2, "\n  \"variants\": [");
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a, b);
	static const char *const same[] = {"summary.csv", "waits.csv", "timeline.csv", "pools.csv",
					   "database.csv", "slo.csv", "replications.csv"};
	for (size_t i = 0; i < sizeof same / sizeof *same; i++) {
		fmt(p, sizeof p, "%s/%s", dir, same[i]);
		char *x = read_all(p);
		fmt(p, sizeof p, "%s/%s", dir2, same[i]);
		char *y = read_all(p);
		assert_string_equal(x, y);
		free(x);
		free(y);
	}
	/* And they are not the same as another seed's, so the comparison means something. */
	assert_non_null(strstr(text, "\"replications\": 2"));
	cJSON_free(resolved);
	cJSON_Delete(doc);
	free(text);
	free(text2);
	rm_rf(root);
}

/* The same for bundled scenarios with a trace file (relative to the scenario file) and with
 * batch workloads: the manifest, copied anywhere, runs again to the same metrics. */
static void manifest_roundtrip(const char *scenario, const char *name, const char *extra)
{
	char root[64], p[PATH_MAX + 32], args[PATH_MAX * 3], out[PATH_MAX], dir[PATH_MAX];
	make_tmpdir(root, sizeof root);
	fmt(args, sizeof args, "run %s -o %s/out --no-plot %s", scenario, root, extra);
	char *err;
	int rc = run(args, &err);
	if (rc != 0)
		fail_msg("pooltide %s: exit %d: %s", args, rc, err);
	free(err);
	fmt(out, sizeof out, "%s/out", root);
	only_run_dir(out, name, dir, sizeof dir);
	fmt(p, sizeof p, "%s/summary.json", dir);
	char *text = read_all(p);
	cJSON *doc = cJSON_Parse(text);
	assert_non_null(doc);
	const cJSON *m = get(doc, "manifest");
	char *resolved = cJSON_Print(get(m, "scenario"));
	char scen[PATH_MAX + 32];
	fmt(scen, sizeof scen, "%s/elsewhere.json", root); /* not next to the trace */
	write_all(scen, resolved);
	fmt(args, sizeof args, "run %s -o %s/again --no-plot --seed %.0f", scen, root,
	    get(m, "seed")->valuedouble);
	rc = run(args, &err);
	if (rc != 0)
		fail_msg("pooltide %s: exit %d: %s", args, rc, err);
	free(err);
	char again[PATH_MAX], dir2[PATH_MAX];
	fmt(again, sizeof again, "%s/again", root);
	only_run_dir(again, name, dir2, sizeof dir2);
	fmt(p, sizeof p, "%s/summary.csv", dir);
	char *x = read_all(p);
	fmt(p, sizeof p, "%s/summary.csv", dir2);
	char *y = read_all(p);
	assert_string_equal(x, y);
	free(x);
	free(y);
	cJSON_free(resolved);
	cJSON_Delete(doc);
	free(text);
	rm_rf(root);
}

static void test_manifest_trace_and_batch(void **state)
{
	(void)state;
	manifest_roundtrip("scenarios/trace-replay.json", "trace-replay",
			   "--replications 2 --horizon 2m");
	manifest_roundtrip("scenarios/incident.json", "incident",
			   "--replications 2 --horizon 10m --set warmup=60s");
}

static void test_unwritable_root_fails(void **state)
{
	(void)state;
	char root[64], scen[128], plain[128], args[512];
	make_tmpdir(root, sizeof root);
	fmt(scen, sizeof scen, "%s/small.json", root);
	write_all(scen, SCENARIO);
	fmt(plain, sizeof plain, "%s/plain", root);
	write_all(plain, "not a folder");
	fmt(args, sizeof args, "run %s -o %s --no-plot -q", scen, plain);
	char *err;
	assert_int_equal(run(args, &err), 1);
	char want[256];
	fmt(want, sizeof want, "pooltide: cannot create %s: Not a directory\n", plain);
	assert_string_equal(err, want);
	free(err);
	/* -o under the file: the same, one level deeper. */
	fmt(args, sizeof args, "run %s -o %s/sub --no-plot -q", scen, plain);
	assert_int_equal(run(args, &err), 1);
	assert_non_null(strstr(err, "Not a directory"));
	free(err);
	char names[8][256];
	assert_int_equal(list_dir(root, names, 8), 2); /* small.json and plain: nothing else */
	rm_rf(root);
}

/* A write error after the simulation (a file size limit: EFBIG, like a full disk): exit 1, the
 * file named, and no folder left, temporary or not. */
static void test_write_error_removes_temp(void **state)
{
	(void)state;
	char root[64], scen[128], out[128], errf[128], parent[160], names[8][256];
	make_tmpdir(root, sizeof root);
	fmt(scen, sizeof scen, "%s/small.json", root);
	write_all(scen, SCENARIO);
	fmt(out, sizeof out, "%s/out", root);
	fmt(errf, sizeof errf, "%s/err", root);
	fmt(parent, sizeof parent, "%s/small", out);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fo = open("/dev/null", O_WRONLY), fe = open(errf, O_WRONLY | O_CREAT, 0644);
		if (fo < 0 || fe < 0)
			_exit(126);
		dup2(fo, 1);
		dup2(fe, 2);
		/* Writes beyond 4 kB fail with EFBIG instead of killing the process. */
		signal(SIGXFSZ, SIG_IGN);
		struct rlimit rl = {4096, 4096};
		setrlimit(RLIMIT_FSIZE, &rl);
		execl(bin(), bin(), "run", scen, "-o", out, "--no-plot", "-q", (char *)NULL);
		_exit(127);
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 1);
	char *err = read_all(errf);
	assert_non_null(strstr(err, "pooltide: cannot write "));
	/* replications.csv, written during the simulation, is the first to pass 4 kB */
	assert_non_null(strstr(err, "/replications.csv: File too large\n"));
	free(err);
	assert_int_equal(list_dir(parent, names, 8), 0);
	rm_rf(root);
}

/* kill -9 in the middle of a long run: the only thing left is the .tmp- folder, which does
 * not look like a result (no summary, no report). */
static void test_killed_run_leaves_no_result(void **state)
{
	(void)state;
	char root[64], scen[128], out[128], parent[160], names[8][256];
	make_tmpdir(root, sizeof root);
	fmt(scen, sizeof scen, "%s/small.json", root);
	write_all(scen, SCENARIO);
	fmt(out, sizeof out, "%s/out", root);
	fmt(parent, sizeof parent, "%s/small", out);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open("/dev/null", O_WRONLY);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		/* 1000 h of simulated traffic: minutes of work, far more than the test waits. */
		execl(bin(), bin(), "run", scen, "-o", out, "--no-plot", "-q", "--horizon", "1000h",
		      "--replications", "2", (char *)NULL);
		_exit(127);
	}
	/* Wait until the temporary folder exists (the simulation is then running). */
	bool seen = false;
	for (int i = 0; i < 2000 && !seen; i++) {
		DIR *d = opendir(parent);
		if (d) {
			struct dirent *e;
			while ((e = readdir(d)))
				seen |= strncmp(e->d_name, ".tmp-", 5) == 0;
			closedir(d);
		}
		if (!seen) {
			struct timespec ts = {0, 5000000};
			nanosleep(&ts, NULL);
		}
	}
	assert_true(seen);
	struct timespec ts = {0, 100000000}; /* let it get into the simulation */
	nanosleep(&ts, NULL);
	assert_int_equal(kill(pid, SIGKILL), 0);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
	int n = list_dir(parent, names, 8);
	assert_int_equal(n, 1);
	assert_int_equal(strncmp(names[0], ".tmp-", 5), 0);
	char tmp[PATH_MAX], inside[8][256];
	fmt(tmp, sizeof tmp, "%s/%s", parent, names[0]);
	int m = list_dir(tmp, inside, 8);
	for (int i = 0; i < m && i < 8; i++)
		assert_true(strcmp(inside[i], "report.md") != 0);
	rm_rf(root);
}

/* results_format_g9 writes what printf's "%.9g" writes, for the values the data files hold
 * (instants k x step, bucket bounds, fractions, counts, durations) and for values at the
 * edges of its shortcut (1e-4, 1e9, 9 and 10 significant digits, values a hair away from a
 * short decimal). */
static void test_format_g9(void **state)
{
	(void)state;
	char a[64], b[64];
	int checked = 0;
	const double edge[] = {0, -0.0, 1, -1, 0.1, 0.3, 1e-4, 9.9999999999e-5, 1.00000001e-4,
			       999999999, 999999999.5, 1e9, 123456789, 12345678.9, 1234567.891,
			       0.123456789, 0.1234567891, 1e-12, 3.5e15, 0.30000000000000004,
			       1.0000000005, 2.9999999995, 86400, 7200.000001, 0.000123,
			       HISTO_MIN, HISTO_MAX, NAN, INFINITY};
	for (size_t i = 0; i < sizeof edge / sizeof edge[0]; i++) {
		size_t n = results_format_g9(a, edge[i]);
		if (isnan(edge[i]) || isinf(edge[i]))
			snprintf(b, sizeof b, "%s", "");
		else
			snprintf(b, sizeof b, "%.9g", edge[i]);
		assert_string_equal(a, b);
		assert_int_equal(n, strlen(b));
		checked++;
	}
	for (int k = 0; k <= 200000; k++) {
		const double xs[] = {k * 0.1, k * 0.005, k * 0.02, k / 7.0, (double)k / 200000,
				     k < HISTO_NBUCKETS ? histo_bucket_lo(k) : 1.5, k * 1e-3 + 1e-9,
				     k * 12345.678};
		for (size_t j = 0; j < sizeof xs / sizeof xs[0]; j++) {
			results_format_g9(a, xs[j]);
			snprintf(b, sizeof b, "%.9g", xs[j]);
			if (strcmp(a, b) != 0)
				fail_msg("%.17g: got %s, want %s", xs[j], a, b);
			checked++;
		}
	}
	assert_true(checked > 1600000);
	/* Any double: random bit patterns over every exponent, random doubles from 1e-24 to
	 * 1e40, and values a hair from a tie of the 9th digit (d.dddddddd5 x 10^k, and its neighbours), which printf decides. */
	uint64_t z = 88172645463325252ULL;
	for (int i = 0; i < 400000; i++) {
		z ^= z << 13;
		z ^= z >> 7;
		z ^= z << 17;
		double x;
		uint64_t bits = z;
		memcpy(&x, &bits, sizeof x);
		if (i % 4 == 3) /* a random double of a decade the shortcut covers, or beside */
			x = (1 + (double)(z >> 12) * 0x1p-52) * pow(10, (int)(z % 64) - 24) *
			    (z & 0x800 ? -1 : 1);
		if (i % 4 == 1) {
			double t = ((double)(z % 1000000000ULL) + 0.5) * pow(10, (int)(z >> 40) % 40 - 28);
			x = i % 8 == 1 ? t : nextafter(t, (i & 16) ? INFINITY : -INFINITY);
		}
		if (isnan(x) || isinf(x))
			continue;
		results_format_g9(a, x);
		snprintf(b, sizeof b, "%.9g", x);
		if (strcmp(a, b) != 0)
			fail_msg("%.17g: got %s, want %s", x, a, b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_vectors),
		cmocka_unit_test(test_format_g9),
		cmocka_unit_test(test_timeline_step),
		cmocka_unit_test(test_timeline_step_bounds),
		cmocka_unit_test(test_timeline_step_tiny),
		cmocka_unit_test(test_sampler_changes_nothing),
		cmocka_unit_test(test_sampler_server_connections),
		cmocka_unit_test(test_api_begin_commit_destroy),
		cmocka_unit_test(test_folder_layout),
		cmocka_unit_test(test_plots_drawn_or_marked),
		cmocka_unit_test(test_report_html),
		cmocka_unit_test(test_plot_rebuilds_html),
		cmocka_unit_test(test_report_html_hostile_names),
		cmocka_unit_test(test_summary_json),
		cmocka_unit_test(test_summary_csv),
		cmocka_unit_test(test_replications_csv),
		cmocka_unit_test(test_waits_csv),
		cmocka_unit_test(test_timeline_csv),
		cmocka_unit_test(test_manifest_reproduces_run),
		cmocka_unit_test(test_manifest_trace_and_batch),
		cmocka_unit_test(test_unwritable_root_fails),
		cmocka_unit_test(test_write_error_removes_temp),
		cmocka_unit_test(test_killed_run_leaves_no_result),
	};
	return cmocka_run_group_tests_name("results", tests, NULL, NULL);
}
