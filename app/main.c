/* pooltide: the command line. Only orchestrates: parse options, load the scenario, run the
 * experiment, print the report, pick the exit code (0 ok, 1 runtime failure, 2 usage or
 * invalid scenario). */
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

#include "app/report.h"
#include "app/scenario.h"
#include "models/experiment.h"
#include "sim/status.h"

#define DEFAULT_SCENARIO "incident.json"
#define MAX_SETS 256

enum opt_id { OPT_SET, OPT_REPS, OPT_SEED, OPT_HORIZON, OPT_THREADS, OPT_QUIET, OPT_FORMAT,
	      OPT_HELP, OPT_VERSION };

struct option_def {
	enum opt_id id;
	const char *name;
	char short_name;
	const char *arg;   /* NULL: a flag */
	const char *help;
};

static const struct option_def options[] = {
	{OPT_SET, "set", 's', "PATH=VALUE", "override a scenario value (repeatable), e.g. "
					    "--set pools.main.size=20"},
	{OPT_REPS, "replications", 'r', "N", "replications per variant (overrides the scenario)"},
	{OPT_SEED, "seed", 0, "N", "master seed (overrides the scenario)"},
	{OPT_HORIZON, "horizon", 0, "DURATION", "simulated time per replication, e.g. 2h"},
	{OPT_THREADS, "threads", 'j', "N", "worker threads (default: all processors; results do "
					   "not depend on it)"},
	{OPT_QUIET, "quiet", 'q', NULL, "no progress line"},
	{OPT_FORMAT, "format", 'f', "table|json", "output format on stdout (default table)"},
	{OPT_HELP, "help", 'h', NULL, "show this help"},
	{OPT_VERSION, "version", 'V', NULL, "show the version"},
};
#define N_OPTIONS (sizeof options / sizeof options[0])

struct cli {
	const char *command;
	const char *scenario;
	const char *sets[MAX_SETS];
	int n_sets;
	char set_buf[4][96];   /* --replications/--seed/--horizon rewritten as sets */
	int n_buf;
	int threads;
	bool quiet;
	bool json;
};

static void usage(FILE *out)
{
	fprintf(out,
		"usage: pooltide run [SCENARIO] [options]   simulate a scenario (default: the "
		"bundled incident)\n"
		"       pooltide check SCENARIO [--set ...]  validate and print the resolved "
		"scenario\n"
		"       pooltide --help | --version\n\noptions:\n");
	for (size_t i = 0; i < N_OPTIONS; i++) {
		char left[48];
		const struct option_def *o = &options[i];
		if (o->short_name)
			snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name,
				 o->arg ? " " : "", o->arg ? o->arg : "");
		else
			snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
				 o->arg ? o->arg : "");
		fprintf(out, "  %-28s %s\n", left, o->help);
	}
	fprintf(out, "\nexit codes: 0 ok, 1 runtime failure, 2 usage or invalid scenario\n");
}

static int usage_error(const char *fmt, const char *what)
{
	fprintf(stderr, "pooltide: ");
	fprintf(stderr, fmt, what);
	fprintf(stderr, "\nTry 'pooltide --help'.\n");
	return 2;
}

static const struct option_def *find_option(const char *arg)
{
	for (size_t i = 0; i < N_OPTIONS; i++) {
		const struct option_def *o = &options[i];
		if (arg[1] == '-' && strcmp(arg + 2, o->name) == 0)
			return o;
		if (arg[1] != '-' && o->short_name && arg[1] == o->short_name && arg[2] == 0)
			return o;
	}
	return NULL;
}

static bool parse_long(const char *s, long min, long max, long *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

static int add_set(struct cli *cli, const char *fmt, const char *key, const char *value)
{
	if (cli->n_buf >= 4 || cli->n_sets >= MAX_SETS)
		return 2;
	snprintf(cli->set_buf[cli->n_buf], sizeof cli->set_buf[0], fmt, key, value);
	cli->sets[cli->n_sets++] = cli->set_buf[cli->n_buf++];
	return 0;
}

/* Returns -1 to go on, else an exit code. */
static int parse_args(int argc, char **argv, struct cli *cli)
{
	int i = 1;
	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	for (; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || a[1] == 0) {
			if (!cli->command)
				cli->command = a;
			else if (!cli->scenario)
				cli->scenario = a;
			else
				return usage_error("unexpected argument '%s'", a);
			continue;
		}
		const char *inline_val = NULL;
		char name[64];
		const char *eq = strchr(a, '=');
		if (a[1] == '-' && eq && (size_t)(eq - a) < sizeof name) {
			memcpy(name, a, (size_t)(eq - a));
			name[eq - a] = 0;
			inline_val = eq + 1;
		} else {
			snprintf(name, sizeof name, "%s", a);
		}
		const struct option_def *o = find_option(name);
		if (!o)
			return usage_error("unknown option '%s'", a);
		const char *val = NULL;
		if (o->arg) {
			if (inline_val)
				val = inline_val;
			else if (i + 1 < argc)
				val = argv[++i];
			else
				return usage_error("option '%s' needs a value", a);
		} else if (inline_val) {
			return usage_error("option '%s' takes no value", name);
		}
		long n;
		double d;
		switch (o->id) {
		case OPT_SET:
			if (!strchr(val, '='))
				return usage_error("--set expects PATH=VALUE, got '%s'", val);
			if (cli->n_sets >= MAX_SETS)
				return usage_error("too many --set options%s", "");
			cli->sets[cli->n_sets++] = val;
			break;
		case OPT_REPS:
			if (!parse_long(val, 1, 10000, &n))
				return usage_error("--replications expects an integer 1..10000, got '%s'", val);
			add_set(cli, "%s=%s", "replications", val);
			break;
		case OPT_SEED:
			if (!parse_long(val, 1, LONG_MAX, &n))
				return usage_error("--seed expects an integer >= 1, got '%s'", val);
			add_set(cli, "%s=%s", "seed", val);
			break;
		case OPT_HORIZON:
			if (scenario_parse_duration(val, &d) || !(d > 0))
				return usage_error("--horizon expects a duration such as 2h or 30m, got '%s'", val);
			add_set(cli, "%s=\"%s\"", "horizon", val);
			break;
		case OPT_THREADS:
			if (!parse_long(val, 1, 1024, &n))
				return usage_error("--threads expects an integer 1..1024, got '%s'", val);
			cli->threads = (int)n;
			break;
		case OPT_QUIET:
			cli->quiet = true;
			break;
		case OPT_FORMAT:
			if (strcmp(val, "json") == 0)
				cli->json = true;
			else if (strcmp(val, "table") == 0)
				cli->json = false;
			else
				return usage_error("--format expects table or json, got '%s'", val);
			break;
		case OPT_HELP:
			usage(stdout);
			return 0;
		case OPT_VERSION:
			printf("pooltide %s\n", POOLTIDE_VERSION);
			return 0;
		}
	}
	if (!cli->command)
		return usage_error("no command given%s", "");
	return -1;
}

/* The bundled scenario: ./scenarios/ (a checkout), next to the executable's ../scenarios
 * (build/pooltide in a checkout), then the installed data directory. */
static const char *default_scenario(char *buf, size_t len)
{
	snprintf(buf, len, "scenarios/%s", DEFAULT_SCENARIO);
	if (access(buf, R_OK) == 0)
		return buf;
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = 0;
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = 0;
			snprintf(buf, len, "%s/../scenarios/%s", exe, DEFAULT_SCENARIO);
			if (access(buf, R_OK) == 0)
				return buf;
		}
	}
	snprintf(buf, len, "%s/scenarios/%s", POOLTIDE_DATADIR, DEFAULT_SCENARIO);
	return buf;
}

struct progress {
	bool on;
	struct timespec start;
	bool shown;
};

static double elapsed_s(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* A progress line on a terminal, for runs longer than a second. */
static void show_progress(void *pctx, int done, int total)
{
	struct progress *p = pctx;
	if (!p->on)
		return;
	double el = elapsed_s(&p->start);
	if (el < 1.0 && done < total)
		return;
	if (!p->shown && done == total)
		return; /* finished within a second: say nothing */
	double eta = done > 0 ? el * (total - done) / done : 0;
	fprintf(stderr, "\r\033[Kreplications %d/%d  elapsed %.1fs  ETA %.1fs", done, total, el,
		eta);
	p->shown = true;
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

static int cmd_check(struct cli *cli)
{
	char err[1024];
	struct scenario *sc;
	if (!cli->scenario)
		return usage_error("check needs a SCENARIO file%s", "");
	int st = scenario_load(&sc, cli->scenario, cli->sets, cli->n_sets, err, sizeof err);
	if (st) {
		fprintf(stderr, "pooltide: %s\n", err);
		return 2;
	}
	fputs(sc->resolved_json, stdout);
	fputc('\n', stdout);
	fprintf(stderr, "%s: ok, %d variant%s\n", sc->path, sc->n_variants,
		sc->n_variants == 1 ? "" : "s");
	scenario_destroy(sc);
	return 0;
}

static int cmd_run(struct cli *cli)
{
	char path[PATH_MAX + 64], err[1024];
	const char *file = cli->scenario ? cli->scenario : default_scenario(path, sizeof path);
	struct scenario *sc;
	int st = scenario_load(&sc, file, cli->sets, cli->n_sets, err, sizeof err);
	if (st) {
		fprintf(stderr, "pooltide: %s\n", err);
		return 2;
	}
	const struct cfg_scenario **cfgs = malloc((size_t)sc->n_variants * sizeof *cfgs);
	if (!cfgs) {
		scenario_destroy(sc);
		fprintf(stderr, "pooltide: out of memory\n");
		return 1;
	}
	for (int v = 0; v < sc->n_variants; v++)
		cfgs[v] = &sc->variants[v].cfg;

	struct progress prog = {.on = !cli->quiet && isatty(STDERR_FILENO)};
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	struct experiment ex;
	st = experiment_run(&ex, sc->n_variants, (const struct cfg_scenario *const *)cfgs,
			    cli->threads, show_progress, &prog);
	int rc = 0;
	if (st) {
		fprintf(stderr, "pooltide: simulation failed: %s\n", pt_strerror(st));
		rc = 1;
	} else if (cli->json) {
		report_json(stdout, sc, &ex);
	} else {
		report_table(stdout, sc, &ex);
	}
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "pooltide: cannot write the report: %s\n", strerror(errno));
		rc = 1;
	}
	experiment_fini(&ex);
	free(cfgs);
	scenario_destroy(sc);
	return rc;
}

int main(int argc, char **argv)
{
	gsl_set_error_handler_off();
	struct cli cli = {0};
	int rc = parse_args(argc, argv, &cli);
	if (rc >= 0)
		return rc;
	if (strcmp(cli.command, "run") == 0)
		return cmd_run(&cli);
	if (strcmp(cli.command, "check") == 0)
		return cmd_check(&cli);
	if (strcmp(cli.command, "help") == 0) {
		usage(stdout);
		return 0;
	}
	return usage_error("unknown command '%s' (expected run or check)", cli.command);
}
