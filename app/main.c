/* pooltide: the command line. Only orchestrates: parse options, load the scenario, run the
 * experiment, print the report, write the result folder, pick the exit code (0 ok, 1 runtime
 * failure, 2 usage or invalid scenario). */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

#include "app/fit_report.h"
#include "app/html.h"
#include "app/report.h"
#include "app/report_plan.h"
#include "app/report_sensitivity.h"
#include "app/results.h"
#include "app/scenario.h"
#include "app/sweep.h"
#include "app/units.h"
#include "app/validate.h"
#include "models/model.h"
#include "models/plan.h"
#include "models/experiment.h"
#include "models/sensitivity.h"
#include "models/timeline.h"
#include "sim/runner.h"
#include "sim/status.h"

#include "app/cluster.h"
#include "app/plot.h"

#define DEFAULT_SCENARIO "incident.json"
#define MAX_SETS 256
/* An error line names a scenario path and maybe a trace's: room for two whole paths, so a
 * long path never cuts the part of the message that says what is wrong. */
#define ERR_LEN (2 * PATH_MAX + 1024)
#define MAX_SETS_TEXT "256"
#define SEED_MAX 9007199254740992L /* 2^53: the largest seed a JSON number holds exactly */
#define DEFAULT_MAX_EVENTS 1e10 /* at 13 M events/s (README, Performance): about 13 minutes */
#define CLI_MAX_VARIANTS 64

enum opt_id { OPT_SET, OPT_REPS, OPT_SEED, OPT_HORIZON, OPT_THREADS, OPT_QUIET, OPT_FORMAT,
	      OPT_OUTPUT, OPT_NO_PLOT, OPT_FAIL_ON_SLO, OPT_VARIANT, OPT_VARY, OPT_LOAD,
	      OPT_TOLERANCE, OPT_TIME, OPT_WAIT, OPT_HOLD, OPT_STATUS, OPT_PID, OPT_WARMUP, OPT_BIN,
	      OPT_PGSS, OPT_POOL_SIZE, OPT_MAX_OVERFLOW, OPT_POOL_TIMEOUT, OPT_OBSERVED, OPT_BINS, OPT_MAX_EVENTS,
	      OPT_SENSITIVITY, OPT_PRECISION, OPT_MAX_REPS,
	      OPT_HELP, OPT_VERSION };

/* The commands, as bits of an option's `commands`. */
enum { CMD_RUN = 1, CMD_SWEEP = 2, CMD_PLAN = 4, CMD_CHECK = 8, CMD_PLOT = 16, CMD_FIT = 32,
       CMD_VALIDATE = 64, CMD_ALL = 127 };

struct command_def {
	const char *name;
	unsigned bit;
	const char *synopsis; /* after "pooltide " */
	const char *what;
};

static const struct command_def commands[] = {
	{"run", CMD_RUN, "run [SCENARIO] [options]",
	 "simulate a scenario (default: the bundled incident) and write a result folder"},
	{"sweep", CMD_SWEEP, "sweep SCENARIO --vary PATH=V1,V2,... [--vary ...] [options]",
	 "run a grid of configurations; name the smallest that meets the scenario's SLO"},
	{"plan", CMD_PLAN, "plan SCENARIO --load WORKLOAD [options]",
	 "the load at which the SLO breaks"},
	{"check", CMD_CHECK, "check SCENARIO [options]", "validate and print the resolved scenario"},
	{"plot", CMD_PLOT, "plot DIR [options]", "draw the plots of a result folder again, update report.md's plot note, rebuild report.html"},
	{"fit", CMD_FIT, "fit LOG [LOG ...] [--time COL ...] [options]",
	 "a scenario fitted to an observation log"},
	{"validate", CMD_VALIDATE, "validate SCENARIO --observed LOG [options]",
	 "predicted against observed, a verdict per metric"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

struct option_def {
	enum opt_id id;
	const char *name;
	char short_name;
	const char *arg;   /* NULL: a flag */
	const char *help;
	unsigned commands; /* CMD_ bits of the commands it belongs to; elsewhere it is an error */
};

static const struct option_def options[] = {
	{OPT_SET, "set", 's', "PATH=VALUE", "override a scenario value (repeatable), e.g. "
					    "--set pools.main.size=20",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN | CMD_CHECK | CMD_VALIDATE},
	{OPT_REPS, "replications", 'r', "N", "replications per variant (overrides the scenario)",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN | CMD_CHECK | CMD_VALIDATE},
	{OPT_SEED, "seed", 0, "N", "master seed, 1 to 2^53 (overrides the scenario)",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN | CMD_CHECK | CMD_VALIDATE},
	{OPT_HORIZON, "horizon", 0, "DURATION", "simulated time per replication, e.g. 2h",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN | CMD_CHECK | CMD_VALIDATE},
	{OPT_THREADS, "threads", 'j', "N", "worker threads (default: all processors; results do "
					   "not depend on it)",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN | CMD_VALIDATE},
	{OPT_QUIET, "quiet", 'q', NULL, "no progress line, no closing lines",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN | CMD_PLOT | CMD_FIT | CMD_VALIDATE},
	{OPT_FORMAT, "format", 'f', "table|json", "output format on stdout (default table)",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN},
	{OPT_OUTPUT, "output", 'o', "DIR", "root of the result folders (default results): "
					   "DIR/<scenario>/<run-id>/",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN | CMD_FIT | CMD_VALIDATE},
	{OPT_NO_PLOT, "no-plot", 0, NULL, "write the result folder without drawing the plots",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN | CMD_FIT | CMD_VALIDATE},
	{OPT_FAIL_ON_SLO, "fail-on-slo", 0, NULL, "exit 3 when the first variant (or each "
						  "--variant) does not pass every SLO limit",
	 CMD_RUN},
	{OPT_VARIANT, "variant", 0, "NAME", "run: run only this variant (repeatable; "
					    "--fail-on-slo judges each); sweep, plan: the variant "
					    "to sweep or scale (default: the first)",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN},
	{OPT_VARY, "vary", 0, "PATH=V1,V2,...", "sweep: a grid axis (repeatable, up to 3), e.g. "
						 "--vary pools.main.size=10,20,30",
	 CMD_SWEEP},
	{OPT_LOAD, "load", 0, "WORKLOAD", "plan: the request workload whose arrival rate is scaled",
	 CMD_PLAN},
	{OPT_TOLERANCE, "tolerance", 0, "PERCENT", "plan: stop when the failing load is within "
						  "this of the passing one (default 5)",
	 CMD_PLAN},
	{OPT_TIME, "time", 0, "COL", "fit/validate: the log's request-time column (default time)",
	 CMD_FIT | CMD_VALIDATE},
	{OPT_WAIT, "wait", 0, "COL", "fit/validate: the wait column (default wait)",
	 CMD_FIT | CMD_VALIDATE},
	{OPT_HOLD, "hold", 0, "COL", "fit/validate: the hold column (default hold)",
	 CMD_FIT | CMD_VALIDATE},
	{OPT_STATUS, "status", 0, "COL", "fit/validate: the status column: ok, timeout or error "
					 "(default status)",
	 CMD_FIT | CMD_VALIDATE},
	{OPT_PID, "pid", 0, "COL", "fit/validate: the process-id column: each process has its own "
				   "pool (default pid; without it, a log is one process)",
	 CMD_FIT | CMD_VALIDATE},
	{OPT_WARMUP, "warmup", 0, "DURATION", "fit: the fitted scenario's warm-up (default 0)",
	 CMD_FIT},
	{OPT_BIN, "bin", 0, "DURATION", "fit: arrival bins for the rate profile and bursts "
					"(default: the log's span / 30)",
	 CMD_FIT},
	{OPT_PGSS, "pg-stat-statements", 0, "FILE", "fit: the hold time from a pg_stat_statements "
						    "CSV export when the log has none",
	 CMD_FIT},
	{OPT_POOL_SIZE, "pool-size", 0, "N", "fit: pool_size (default: the most connections the "
					     "log shows checked out at once)",
	 CMD_FIT},
	{OPT_MAX_OVERFLOW, "max-overflow", 0, "N", "fit: max_overflow (default 0)",
	 CMD_FIT},
	{OPT_POOL_TIMEOUT, "pool-timeout", 0, "DURATION", "fit: pool_timeout (default: the waits "
							  "of the log's timeouts)",
	 CMD_FIT},
	{OPT_OBSERVED, "observed", 0, "LOG", "validate: the observation log to compare with; fit: "
					      "one more log; repeatable: the logs of one service, "
					      "merged by time",
	 CMD_VALIDATE | CMD_FIT},
	{OPT_BINS, "bins", 0, "N", "validate: time bins of the observation's batch means "
				   "(default 30)",
	 CMD_VALIDATE},
	{OPT_MAX_EVENTS, "max-events", 0, "N", "refuse a run estimated at more than N events in all "
					       "(default 1e10, about 13 min on one core)",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN},
	{OPT_SENSITIVITY, "sensitivity", 0, "on|off", "the judged variant again with every hold "
						      "time, then every arrival rate, 10 % higher "
						      "(plan: the search again with longer holds); "
						      "default on, off skips its extra replications",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN},
	{OPT_PRECISION, "precision", 0, "REL", "run replications in rounds until every SLO verdict "
					       "is pass or fail (without limits: until every "
					       "headline metric's CI half-width is within REL of its "
					       "mean), e.g. 0.05 or 5%; sweep and plan add "
					       "replications only to undecided points",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN},
	{OPT_MAX_REPS, "max-replications", 0, "N", "with --precision: at most N replications per "
						   "variant or point, at least the first round "
						   "(-r; default 1000, or -r when larger)",
	 CMD_RUN | CMD_SWEEP | CMD_PLAN},
	{OPT_HELP, "help", 'h', NULL, "show this help",
	 CMD_ALL},
	{OPT_VERSION, "version", 'V', NULL, "show the version",
	 CMD_ALL},
};
#define N_OPTIONS (sizeof options / sizeof options[0])
_Static_assert(N_OPTIONS <= 64, "struct cli records the options seen in 64 bits");

/* fit: logs after the first (one per process): 64 in all */
#define FIT_LOGS_MAX 63

struct cli {
	const char *command;
	const char *scenario;
	const char *sets[MAX_SETS];
	int n_sets;
	char set_buf[MAX_SETS][96]; /* --replications/--seed/--horizon rewritten as sets (a
				       repeated one is added again: the last one wins) */
	int n_buf;
	int threads;
	bool quiet;
	bool json;
	const char *output;   /* root of result folders, NULL: "results" */
	bool no_plot;
	bool fail_on_slo;
	const char *variant;  /* --variant NAME (the first one given), NULL: the first */
	const char *variants[CLI_MAX_VARIANTS]; /* run: every --variant, in the order given */
	int n_variants;
	bool gate_all;        /* run: --fail-on-slo judges every variant that runs */
	bool help;            /* --help: print the command's help (or the general one) */
	unsigned long long seen; /* bit i: option options[i] was given */
	const char *seen_as[64]; /* how each option was spelled first (an argv string, or NULL
				    for "--name=value"), for messages */
	struct sweep sweep;   /* --vary axes (sweep.n_axes of them) */
	const char *load;     /* plan --load WORKLOAD */
	double tolerance;     /* plan --tolerance, a fraction; 0: the default 5 % */
	struct fit_options fit;       /* fit's options (its map is validate's too) */
	const char *observed;         /* validate --observed LOG */
	/* fit: the logs after the first (more paths, or --observed LOG), one per process */
	const char *logs[FIT_LOGS_MAX];
	int n_logs;
	int bins;                     /* validate --bins */
	double max_events;    /* --max-events; 0: DEFAULT_MAX_EVENTS */
	bool no_sensitivity;  /* --sensitivity off */
	double precision;     /* --precision, a fraction in (0, 1); 0: off */
	int max_reps;         /* --max-replications; 0: not given (precision_max) */
	int reps;             /* --replications; 0: not given */
	struct cluster *cl;           /* the MPI job this process is a rank of (1 rank without
					 MPI): rank 0 prints and writes */
};

/* One option's line of the help: "  -r, --replications N        replications per ...". */
static void usage_option(FILE *out, const struct option_def *o)
{
	char left[48];
	if (o->short_name)
		snprintf(left, sizeof left, "-%c, --%s%s%s", o->short_name, o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	else
		snprintf(left, sizeof left, "    --%s%s%s", o->name, o->arg ? " " : "",
			 o->arg ? o->arg : "");
	/* The text wrapped at 100 columns, continuation lines under its start. */
	fprintf(out, "  %-28s", left);
	int col = 30;
	const char *h = o->help;
	while (*h) {
		size_t w = strcspn(h, " ");
		if (col > 31 && col + 1 + (int)w > 100) {
			fprintf(out, "\n%31s", "");
			col = 31;
		} else {
			fputc(' ', out);
			col++;
		}
		fprintf(out, "%.*s", (int)w, h);
		col += (int)w;
		h += w;
		while (*h == ' ')
			h++;
	}
	fputc('\n', out);
}

static void usage(FILE *out)
{
	fputs("usage: pooltide COMMAND [ARGUMENT] [options]\n\ncommands:\n", out);
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].what);
	fputs("\n'pooltide COMMAND --help' lists the options of a command; an option that does not "
	      "belong to\nthe command is an error. Every option:\n",
	      out);
	for (size_t i = 0; i < N_OPTIONS; i++)
		usage_option(out, &options[i]);
	fprintf(out, "\nA run writes DIR/<scenario>/<run-id>/ (summary.json, summary.csv, "
		     "replications.csv, waits.csv,\ntimeline.csv, report.md, report.html, plots); DIR "
		     "is results unless -o says otherwise.\n");
	fprintf(out, "\nexit codes: 0 ok, 1 runtime failure, 2 usage or invalid scenario, 3 SLO not "
		     "met (with --fail-on-slo)\n");
}

/* The help of one command: its synopsis, what it does, and only its options. */
static void usage_command(FILE *out, const struct command_def *c)
{
	fprintf(out, "usage: pooltide %s\n\n%s\n\noptions:\n", c->synopsis, c->what);
	for (size_t i = 0; i < N_OPTIONS; i++)
		if (options[i].commands & c->bit)
			usage_option(out, &options[i]);
	if (c->bit & (CMD_RUN | CMD_SWEEP | CMD_PLAN))
		fprintf(out, "\nA run writes DIR/<scenario>/<run-id>/ (summary.json, summary.csv, "
			     "replications.csv, waits.csv,\ntimeline.csv, report.md, report.html, "
			     "plots); DIR is results unless -o says otherwise.\n");
	fprintf(out, "\nexit codes: 0 ok, 1 runtime failure, 2 usage or invalid scenario%s\n",
		c->bit == CMD_RUN ? ", 3 SLO not met (with --fail-on-slo)" : "");
}

static const struct command_def *find_command(const char *name)
{
	for (size_t i = 0; name && i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
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

/* "5" or "5%": a percentage in [0.1, 100], as a fraction. */
static bool parse_percent(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || (*end && strcmp(end, "%") != 0) || !(v >= 0.1 && v <= 100))
		return false;
	*out = v / 100;
	return true;
}

/* Returns 0, or 2 (usage) when there are already MAX_SETS overrides. */
static int add_set(struct cli *cli, const char *fmt, const char *key, const char *value)
{
	if (cli->n_buf >= MAX_SETS || cli->n_sets >= MAX_SETS)
		return usage_error("too many overrides (--set, --replications, --seed, --horizon: "
				   "at most " MAX_SETS_TEXT " in all)%s", "");
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
			else if (cli->n_logs < FIT_LOGS_MAX && strcmp(cli->command, "fit") == 0)
				cli->logs[cli->n_logs++] = a;
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
		size_t oi = (size_t)(o - options);
		if (!(cli->seen >> oi & 1)) {
			cli->seen |= 1ULL << oi;
			cli->seen_as[oi] = inline_val ? NULL : a; /* NULL: "--name" */
		}
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
				return usage_error("too many overrides (--set, --replications, --seed, "
						   "--horizon: at most " MAX_SETS_TEXT " in all)%s", "");
			cli->sets[cli->n_sets++] = val;
			break;
		case OPT_REPS:
			if (!parse_long(val, 1, 10000, &n))
				return usage_error("--replications expects an integer 1..10000, got '%s'", val);
			if (add_set(cli, "%s=%s", "replications", val))
				return 2;
			cli->reps = (int)n;
			break;
		case OPT_SEED:
			if (!parse_long(val, 1, SEED_MAX, &n))
				return usage_error("--seed expects an integer from 1 to 2^53 "
						   "(9007199254740992), got '%s'", val);
			if (add_set(cli, "%s=%s", "seed", val))
				return 2;
			break;
		case OPT_HORIZON:
			if (units_parse_duration(val, &d) || !(d > 0))
				return usage_error("--horizon expects a duration with a unit such as 2h or "
						   "30m (us, ms, s, m, min, h, d), got '%s'", val);
			if (add_set(cli, "%s=\"%s\"", "horizon", val))
				return 2;
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
		case OPT_OUTPUT:
			if (!*val)
				return usage_error("--output expects a directory%s", "");
			cli->output = val;
			break;
		case OPT_NO_PLOT:
			cli->no_plot = true;
			break;
		case OPT_FAIL_ON_SLO:
			cli->fail_on_slo = true;
			break;
		case OPT_VARIANT:
			if (!cli->variant)
				cli->variant = val;
			if (cli->n_variants == CLI_MAX_VARIANTS)
				return usage_error("at most 64 --variant options%s", "");
			cli->variants[cli->n_variants++] = val;
			break;
		case OPT_LOAD:
			cli->load = val;
			break;
		case OPT_TOLERANCE:
			if (!parse_percent(val, &cli->tolerance))
				return usage_error("--tolerance expects a percentage from 0.1 to 100, "
						   "got '%s'", val);
			break;
		case OPT_MAX_EVENTS: {
			char *end;
			errno = 0;
			cli->max_events = strtod(val, &end);
			if (end == val || *end || errno || !(cli->max_events >= 1) ||
			    !(cli->max_events <= 1e18))
				return usage_error("--max-events expects a number from 1 to 1e18, such as "
						   "1e11, got '%s'", val);
			break;
		}
		case OPT_SENSITIVITY:
			if (strcmp(val, "on") == 0)
				cli->no_sensitivity = false;
			else if (strcmp(val, "off") == 0)
				cli->no_sensitivity = true;
			else
				return usage_error("--sensitivity expects on or off, got '%s'", val);
			break;
		case OPT_PRECISION: {
			/* a fraction (0.05) or a percentage (5%), strictly between 0 and 1 */
			char *end;
			errno = 0;
			double x = strtod(val, &end);
			if (end != val && strcmp(end, "%") == 0)
				x /= 100;
			else if (end == val || *end)
				x = NAN;
			if (errno || !(x > 0 && x < 1))
				return usage_error("--precision expects a relative half-width between 0 "
						   "and 1 such as 0.05, or a percentage such as 5%%, "
						   "got '%s'", val);
			cli->precision = x;
			break;
		}
		case OPT_MAX_REPS:
			if (!parse_long(val, 2, PRECISION_MAX_MAX, &n))
				return usage_error("--max-replications expects an integer 2..100000, "
						   "got '%s'", val);
			cli->max_reps = (int)n;
			break;
		case OPT_VARY: {
			char err[256];
			if (cli->sweep.n_axes == SWEEP_MAX_AXES)
				return usage_error("at most 3 --vary axes%s", "");
			if (sweep_parse_axis(val, &cli->sweep.axes[cli->sweep.n_axes], err, sizeof err))
				return usage_error("%s", err);
			cli->sweep.n_axes++;
			break;
		}
		case OPT_TIME:
			cli->fit.map.time = val;
			break;
		case OPT_WAIT:
			cli->fit.map.wait = val;
			cli->fit.map.explicit_wait = true;
			break;
		case OPT_HOLD:
			cli->fit.map.hold = val;
			cli->fit.map.explicit_hold = true;
			break;
		case OPT_STATUS:
			cli->fit.map.status = val;
			cli->fit.map.explicit_status = true;
			break;
		case OPT_PID:
			cli->fit.map.pid = val;
			cli->fit.map.explicit_pid = true;
			break;
		case OPT_WARMUP:
			if (units_parse_duration(val, &cli->fit.warmup_s) || !(cli->fit.warmup_s >= 0))
				return usage_error("--warmup expects a duration such as 10s, got '%s'",
						   val);
			break;
		case OPT_BIN:
			if (units_parse_duration(val, &cli->fit.bin_s) || !(cli->fit.bin_s > 0))
				return usage_error("--bin expects a duration > 0 such as 10s, got '%s'",
						   val);
			break;
		case OPT_PGSS:
			cli->fit.pgss = val;
			break;
		case OPT_POOL_SIZE:
			if (!parse_long(val, 0, 1000000, &n))
				return usage_error("--pool-size expects an integer >= 0, got '%s'", val);
			cli->fit.pool_size = (int)n;
			break;
		case OPT_MAX_OVERFLOW:
			if (!parse_long(val, -1, 1000000, &n))
				return usage_error("--max-overflow expects an integer >= -1, got '%s'", val);
			cli->fit.max_overflow = (int)n;
			break;
		case OPT_POOL_TIMEOUT:
			if (units_parse_duration(val, &cli->fit.pool_timeout_s) ||
			    !(cli->fit.pool_timeout_s >= 0))
				return usage_error("--pool-timeout expects a duration such as 30s, got "
						   "'%s'", val);
			break;
		case OPT_OBSERVED:
			if (!cli->observed)
				cli->observed = val;
			if (strcmp(cli->command ? cli->command : "", "fit") == 0 ||
			    strcmp(cli->command ? cli->command : "", "validate") == 0) {
				if (cli->n_logs == FIT_LOGS_MAX && strcmp(cli->command, "fit") == 0)
					return usage_error("fit takes at most 64 logs, got more with "
							   "--observed %s", val);
				if (cli->n_logs == FIT_LOGS_MAX)
					return usage_error("validate takes at most 63 logs, got more "
							   "with --observed %s", val);
				cli->logs[cli->n_logs++] = val;
			}
			break;
		case OPT_BINS:
			if (!parse_long(val, 2, 1000, &n))
				return usage_error("--bins expects an integer 2..1000, got '%s'", val);
			cli->bins = (int)n;
			break;
		case OPT_HELP:
			cli->help = true; /* after the loop: the command's help, if there is one */
			break;
		case OPT_VERSION:
			printf("pooltide %s\n", POOLTIDE_VERSION);
			return 0;
		}
	}
	const struct command_def *cmd = find_command(cli->command);
	if (cli->help) {
		if (cmd)
			usage_command(stdout, cmd);
		else
			usage(stdout);
		return fflush(stdout) != 0 || ferror(stdout) ? 1 : 0;
	}
	if (!cli->command)
		return usage_error("no command given%s", "");
	if (strcmp(cli->command, "help") == 0) {
		/* pooltide help [COMMAND] */
		const struct command_def *about = find_command(cli->scenario);
		if (cli->scenario && !about)
			return usage_error("help: unknown command '%s'", cli->scenario);
		if (about)
			usage_command(stdout, about);
		else
			usage(stdout);
		return fflush(stdout) != 0 || ferror(stdout) ? 1 : 0;
	}
	if (!cmd)
		return usage_error("unknown command '%s' (expected run, sweep, plan, check, plot, fit "
				   "or validate)",
				   cli->command);
	/* An option of another command is an error, not silently nothing. */
	for (size_t j = 0; j < N_OPTIONS; j++) {
		if (!(cli->seen >> j & 1) || (options[j].commands & cmd->bit))
			continue;
		if (cli->seen_as[j])
			fprintf(stderr, "pooltide: option '%s'", cli->seen_as[j]);
		else
			fprintf(stderr, "pooltide: option '--%s'", options[j].name);
		fprintf(stderr, " does not belong to 'pooltide %s' (it is for:", cmd->name);
		for (size_t k = 0, n = 0; k < N_COMMANDS; k++)
			if (options[j].commands & commands[k].bit)
				fprintf(stderr, "%s %s", n++ ? "," : "", commands[k].name);
		fprintf(stderr, ")\nTry 'pooltide %s --help'.\n", cmd->name);
		return 2;
	}
	if (cli->max_reps && !(cli->precision > 0))
		return usage_error("--max-replications needs --precision (without it the "
				   "replications are --replications)%s", "");
	if (cli->max_reps && cli->reps > cli->max_reps) {
		/* The first round cannot be larger than the most in all: it used to be cut to the
		 * maximum without a word. */
		fprintf(stderr, "pooltide: --replications %d is above --max-replications %d (with "
				"--precision, --replications is the first round and "
				"--max-replications the most in all)\nTry 'pooltide --help'.\n",
			cli->reps, cli->max_reps);
		return 2;
	}
	if (cli->n_variants > 1 && cmd->bit != CMD_RUN)
		return usage_error("--variant given more than once: %s takes one variant",
				   cmd->name);
	return -1;
}

/* The bundled scenario: ./scenarios/ (a checkout), then next to the executable: ../scenarios
 * (build/pooltide in a checkout) or ../share/pooltide/scenarios (an installed tree, wherever
 * it was moved), then the data directory chosen at build time. */
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
			static const char *const rel[] = {"../scenarios", "../share/pooltide/scenarios"};
			for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
				snprintf(buf, len, "%s/%s/%s", exe, rel[i], DEFAULT_SCENARIO);
				if (access(buf, R_OK) == 0)
					return buf;
			}
		}
	}
	snprintf(buf, len, "%s/scenarios/%s", POOLTIDE_DATADIR, DEFAULT_SCENARIO);
	return buf;
}

struct progress {
	bool on;
	struct timespec start;
	bool shown;
	double horizon_s;  /* simulated time per replication */
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
	char sim_done[32], sim_total[32];
	report_format_duration(done * p->horizon_s, sim_done, sizeof sim_done);
	report_format_duration(total * p->horizon_s, sim_total, sizeof sim_total);
	fprintf(stderr, "\r\033[Kreplications %d/%d  simulated %s of %s  elapsed %.1fs  ETA %.1fs",
		done, total, sim_done, sim_total, el, eta);
	p->shown = true;
	if (done == total)
		fputs("\r\033[K", stderr);
	fflush(stderr);
}

static int cmd_check(struct cli *cli)
{
	char err[ERR_LEN];
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
	report_budget_warnings(stderr, sc);
	fprintf(stderr, "%s: ok, %d variant%s\n", sc->path, sc->n_variants,
		sc->n_variants == 1 ? "" : "s");
	scenario_destroy(sc);
	return 0;
}

/* s with every occurrence of `from` replaced by `to`, into out (truncated to len). */
static void replace_all(const char *s, const char *from, const char *to, char *out, size_t len)
{
	size_t n = 0, fl = strlen(from), tl = strlen(to);
	while (*s && n + 1 < len) {
		if (fl && strncmp(s, from, fl) == 0 && n + tl + 1 < len) {
			memcpy(out + n, to, tl);
			n += tl;
			s += fl;
		} else {
			out[n++] = *s++;
		}
	}
	out[n] = 0;
}

/* Draw the plots into the result folder, or leave the marker that says why they are not
 * there. A plot that cannot be drawn is a warning, not a failure (the data and the report are
 * what matters), returned in warn (naming the folder "DIR") for after the rename; only failing
 * to write the marker is an error. */
static int draw_plots(struct results_dir *rd, const struct cli *cli, char *warn, size_t wlen,
		      char *err, size_t errlen)
{
	warn[0] = 0;
	if (cli->no_plot)
		return results_mark_plots_missing(rd, "--no-plot was given", err, errlen);
	/* Quiet: the plot module would name each image by its temporary path, which is gone
	 * after the rename; the closing lines name the folder. */
	char w[512] = "";
	int st = plot_dir(results_path(rd), true, w, sizeof w);
	if (st == 0 && !w[0])
		return 0;
	/* The message may name the temporary folder; the marker and report say DIR ("this
	 * folder"), the terminal the final path. */
	replace_all(w[0] ? w : pt_strerror(st), results_path(rd), "DIR", warn, wlen);
	return results_mark_plots_missing(rd, warn, err, errlen);
}

/* What the report's extra sections show: the sensitivity, and a plan's probes (NULL but for
 * `plan`), with the scenario the plan scaled. */
struct extra_sections {
	const struct report_sensitivity *rs;
	const struct plan *pl;
	const struct scenario *sc;
	const struct experiment *ex;
};

/* A section its module writes in Markdown only (a plan's probes, precision mode): as it is in
 * report.md, converted in report.html. 0 or PT_ENOMEM. */
static int markdown_section(FILE *out, enum table_format fmt, const struct extra_sections *x,
			    const struct scenario *sc, const struct experiment *ex, bool plan)
{
	FILE *m = out;
	char *md = NULL;
	size_t n = 0;
	if (fmt == TABLE_HTML && !(m = open_memstream(&md, &n)))
		return PT_ENOMEM;
	if (plan)
		report_plan_md(m, x->sc, x->pl);
	else
		report_precision(m, sc, ex, true);
	if (fmt != TABLE_HTML)
		return PT_OK;
	bool bad = fclose(m) != 0 || !md;
	if (!bad)
		html_markdown(out, md, NULL, NULL);
	free(md);
	return bad ? PT_ENOMEM : PT_OK;
}

/* The report's SLO section, then a plan's section, the sensitivity and precision sections, in
 * format fmt (ctx: a struct extra_sections). */
static int slo_section(FILE *out, enum table_format fmt, const struct scenario *sc,
		       const struct experiment *ex, void *ctx)
{
	const struct extra_sections *x = ctx;
	report_slo(out, sc, ex, fmt, 0);
	int st = x->pl ? markdown_section(out, fmt, x, sc, ex, true) : PT_OK;
	if (!st)
		st = report_sensitivity(out, x->rs, fmt);
	if (!st)
		st = markdown_section(out, fmt, x, sc, ex, false);
	return st;
}

/* The main experiment's on_result hook of the judged variant: its values for the sensitivity's
 * pairs, then whatever hook was there (replications.csv). */
struct sens_chain {
	void (*fn)(void *ctx, int rep, const struct model_result *r);
	void *ctx;
	struct sensitivity_values *values;
};

static void sens_on_result(void *ctx, int rep, const struct model_result *r)
{
	struct sens_chain *c = ctx;
	sensitivity_values_on_result(c->values, rep, r);
	if (c->fn)
		c->fn(c->ctx, rep, r);
}

/* --format json: the JSON report with how --precision went (the members of summary.json's
 * manifest "precision"; stdout has no manifest), a plan's member and the sensitivity block
 * (ctx: a struct extra_sections). */
static void json_sensitivity(FILE *out, void *ctx, const char *indent)
{
	const struct extra_sections *x = ctx;
	if (x->ex && x->ex->precision.rel > 0) {
		fprintf(out, ",\n%s\"precision\": ", indent);
		report_json_precision(out, x->sc, x->ex);
	}
	if (x->pl)
		report_plan_json(out, x->sc, x->pl, indent);
	report_sensitivity_json(out, x->rs, indent);
}

static int run_loaded(struct cli *cli, struct scenario *sc, const struct sweep *sw,
		      const struct plan *pl, const struct report_sensitivity *plan_sens,
		      struct progress prog, time_t started);

/* --max-events (or its default), the limit of the whole run, as each replication's backstop
 * too (cfg max_events): a replication whose work outgrows the estimate refuse_huge judged
 * stops there with a message rather than running on without a word. */
static double event_limit(const struct cli *cli)
{
	return cli->max_events > 0 ? cli->max_events : DEFAULT_MAX_EVENTS;
}

static void limit_events(const struct cli *cli, struct scenario *sc)
{
	for (int v = 0; v < sc->n_variants; v++)
		sc->variants[v].cfg.max_events = event_limit(cli);
}

static int refuse_huge(const struct cli *cli, const struct scenario *sc,
		       const struct scenario_variant *vs, int n_variants, double extra);

/* --precision's most replications per variant, sweep point or plan probe: --max-replications,
 * else PRECISION_DEFAULT_MAX raised to the first round (`first`: the scenario's replications,
 * after --replications and --set) when that is larger, so the default never cuts a count the
 * user asked for. A --max-replications below the first round is a usage error naming both
 * (--replications itself is refused while parsing; this catches the scenario's own or a
 * --set value). Returns 0 and *out, or 2 after the message. */
static int precision_max(const struct cli *cli, const char *path, int first, int *out)
{
	if (cli->max_reps && first > cli->max_reps) {
		fprintf(stderr, "pooltide: %s: replications %d is above --max-replications %d (with "
				"--precision, the scenario's replications are the first round and "
				"--max-replications the most in all)\n",
			path, first, cli->max_reps);
		return 2;
	}
	*out = cli->max_reps ? cli->max_reps
	       : first > PRECISION_DEFAULT_MAX ? first
					       : PRECISION_DEFAULT_MAX;
	return 0;
}

static int cmd_run(struct cli *cli)
{
	char path[PATH_MAX + 64], err[ERR_LEN];
	const char *file = cli->scenario ? cli->scenario : default_scenario(path, sizeof path);
	struct scenario *sc;
	struct progress prog = {.on = !cli->quiet && isatty(STDERR_FILENO)};
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	time_t started = time(NULL);
	int st = scenario_load(&sc, file, cli->sets, cli->n_sets, err, sizeof err);
	if (st) {
		fprintf(stderr, "pooltide: %s\n", err);
		return 2;
	}
	/* --variant NAME (repeatable): only those variants run, in the scenario's order (the
	 * first of them is the one the paired differences compare with), and --fail-on-slo
	 * judges each of them. */
	if (cli->n_variants > 0) {
		for (int i = 0; i < cli->n_variants; i++) {
			int v = 0;
			while (v < sc->n_variants && strcmp(sc->variants[v].name, cli->variants[i]) != 0)
				v++;
			if (v == sc->n_variants) {
				fprintf(stderr, "pooltide: --variant: %s has no variant named '%s' (",
					sc->path, cli->variants[i]);
				for (int k = 0; k < sc->n_variants; k++)
					fprintf(stderr, "%s'%s'", k ? ", " : "expected one of: ",
						sc->variants[k].name);
				fprintf(stderr, ")\n");
				scenario_destroy(sc);
				return 2;
			}
		}
		int k = 0;
		for (int v = 0; v < sc->n_variants; v++) {
			bool keep = false;
			for (int i = 0; i < cli->n_variants && !keep; i++)
				keep = strcmp(sc->variants[v].name, cli->variants[i]) == 0;
			if (keep)
				sc->variants[k++] = sc->variants[v];
		}
		sc->n_variants = k;
		cli->variant = NULL;
		cli->gate_all = true;
	}
	report_budget_warnings(stderr, sc);
	int rc = run_loaded(cli, sc, NULL, NULL, NULL, prog, started);
	scenario_destroy(sc);
	return rc;
}

static int write_sweep_csv(FILE *f, void *ctx)
{
	const void *const *p = ctx;
	sweep_write_csv(f, p[0], p[1]);
	return PT_OK;
}

static int cmd_sweep(struct cli *cli)
{
	char err[ERR_LEN];
	if (!cli->scenario)
		return usage_error("sweep needs a SCENARIO file%s", "");
	if (cli->sweep.n_axes == 0)
		return usage_error("sweep needs at least one --vary PATH=V1,V2,...%s", "");
	struct progress prog = {.on = !cli->quiet && isatty(STDERR_FILENO)};
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	time_t started = time(NULL);
	struct sweep *sw = &cli->sweep;
	if (sweep_load(sw, cli->scenario, cli->sets, cli->n_sets, cli->variant, err, sizeof err)) {
		fprintf(stderr, "pooltide: %s\n", err);
		return 2;
	}
	const char *variant = cli->variant;
	cli->variant = NULL; /* the grid's points are the variants now */
	int rc = run_loaded(cli, sw->grid, sw, NULL, NULL, prog, started);
	cli->variant = variant;
	sweep_fini(sw);
	return rc;
}

static void plan_progress(void *ctx, const struct plan *pl)
{
	const struct progress *p = ctx;
	if (!p->on)
		return;
	fprintf(stderr, "\r\033[Kplan: %d probes, elapsed %.1fs", pl->n, elapsed_s(&p->start));
	fflush(stderr);
}

static int cmd_plan(struct cli *cli)
{
	char err[ERR_LEN];
	if (!cli->scenario)
		return usage_error("plan needs a SCENARIO file%s", "");
	if (!cli->load)
		return usage_error("plan needs --load WORKLOAD (the request workload to scale)%s", "");
	struct progress prog = {.on = !cli->quiet && isatty(STDERR_FILENO)};
	clock_gettime(CLOCK_MONOTONIC, &prog.start);
	time_t started = time(NULL);
	struct scenario *sc;
	if (scenario_load(&sc, cli->scenario, cli->sets, cli->n_sets, err, sizeof err)) {
		fprintf(stderr, "pooltide: %s\n", err);
		return 2;
	}
	int v = 0, w = -1, rc = 2;
	if (cli->variant) {
		for (v = 0; v < sc->n_variants && strcmp(sc->variants[v].name, cli->variant); v++)
			;
		if (v == sc->n_variants) {
			fprintf(stderr, "pooltide: --variant: %s has no variant named '%s'\n", sc->path,
				cli->variant);
			goto out;
		}
	}
	limit_events(cli, sc);
	const struct cfg_scenario *base = &sc->variants[v].cfg;
	/* the search runs the base scenario at a few loads: refuse before it when the base alone
	 * is beyond the limit */
	if (refuse_huge(cli, sc, &sc->variants[v], 1, 0))
		goto out;
	for (int i = 0; i < base->n_workloads; i++)
		if (strcmp(base->workloads[i].name, cli->load) == 0)
			w = i;
	if (w < 0 || base->workloads[w].kind != CFG_WORKLOAD_REQUESTS ||
	    base->workloads[w].req.arrival.trace_n > 0) {
		fprintf(stderr, "pooltide: --load: %s has no request workload '%s' with a rate or a "
				"profile to scale\n", sc->path, cli->load);
		goto out;
	}
	if (base->n_slo == 0) {
		fprintf(stderr, "pooltide: plan: variant '%s' of %s has no SLO limits (add an \"slo\" "
				"section, or --set 'slo={...}')\n", sc->variants[v].name, sc->path);
		goto out;
	}
	int precision_reps = 0;
	if (cli->precision > 0 &&
	    precision_max(cli, sc->path, base->replications, &precision_reps))
		goto out;
	struct plan *pl = malloc(sizeof *pl);
	rc = 1;
	if (!pl)
		goto out;
	struct precision pr = {.rel = cli->precision,
			       .max_reps = precision_reps,
			       .max_events = event_limit(cli)};
	int st = plan_search_precise(pl, base, w, cli->tolerance > 0 ? cli->tolerance : 0.05,
				     cli->threads, cluster_backend(cli->cl), &pr, plan_progress,
				     &prog);
	if (prog.on)
		fputs("\r\033[K", stderr);
	/* Sensitivity: the same search with every hold time 10 % longer, on the same seeds. */
	struct plan *longer = NULL;
	struct report_sensitivity rs = {0};
	char load_name[CFG_NAME_MAX];
	snprintf(load_name, sizeof load_name, "%s", base->workloads[w].name);
	if (!st && !cli->no_sensitivity) {
		struct sensitivity_config held;
		st = sensitivity_scale(&held, base, SENSITIVITY_HOLDS, SENSITIVITY_FACTOR);
		if (!st && !(longer = malloc(sizeof *longer)))
			st = PT_ENOMEM;
		if (!st)
			st = plan_search_precise(longer, &held.cfg, w,
						 cli->tolerance > 0 ? cli->tolerance : 0.05,
						 cli->threads, cluster_backend(cli->cl), &pr,
						 plan_progress, &prog);
		sensitivity_config_fini(&held);
		rs = (struct report_sensitivity){.plan = pl, .plan_longer = longer,
						 .plan_workload = load_name,
						 .plan_base_rate = pl->probes[0].rate_per_s /
								   pl->probes[0].factor};
	}
	if (prog.on)
		fputs("\r\033[K", stderr);
	if (st) {
		fprintf(stderr, "pooltide: plan failed: %s\n", pt_strerror(st));
		free(longer);
		free(pl);
		goto out;
	}
	/* The result folder: the probes as variants, in order of load (run once more, with the
	 * timelines, like any run). */
	struct scenario_variant *probes = calloc((size_t)pl->n, sizeof *probes);
	if (!probes) {
		free(longer);
		free(pl);
		goto out;
	}
	int order[PLAN_MAX_PROBES], n = pl->n;
	plan_order(pl, order);
	for (int i = 0; i < n; i++) {
		const struct plan_probe *p = &pl->probes[order[i]];
		probes[i].cfg = *base;
		plan_scale(&probes[i].cfg, w, p->factor);
		snprintf(probes[i].name, sizeof probes[i].name, "load x%.3g (%.4g/s)", p->factor,
			 p->rate_per_s);
	}
	free(sc->variants);
	sc->variants = probes;
	sc->n_variants = n;
	const char *variant = cli->variant;
	cli->variant = NULL;
	rc = run_loaded(cli, sc, NULL, pl, longer ? &rs : NULL, prog, started);
	cli->variant = variant;
	free(longer);
	free(pl);
out:
	scenario_destroy(sc);
	return rc;
}

/* Refuse astronomical work before it starts (exit 2): the events every variant's replications
 * would run, estimated by the model, plus `extra` (the sensitivity's runs), against
 * --max-events. 0 when within the limit. */
static int refuse_huge(const struct cli *cli, const struct scenario *sc,
		       const struct scenario_variant *vs, int n_variants, double extra)
{
	double limit = event_limit(cli);
	double total = extra, worst = 0;
	int worst_v = 0;
	for (int v = 0; v < n_variants; v++) {
		double e = model_estimate_events(&vs[v].cfg);
		total += e * vs[v].cfg.replications;
		if (!(e <= worst)) {
			worst = e;
			worst_v = v;
		}
	}
	if (total <= limit)
		return 0;
	fprintf(stderr, "pooltide: %s: this run would simulate about %.3g events (%d variant%s%s; "
			"the largest, '%s', about %.3g per replication), more than --max-events "
			"%.3g: shorten the horizon or lower the rates, or raise --max-events%s\n",
		sc->path, total, n_variants, n_variants == 1 ? "" : "s",
		extra > 0 ? " and the sensitivity's runs of one" : "", vs[worst_v].name, worst,
		limit, extra > 0 ? " (or --sensitivity off)" : "");
	return 2;
}

/* Run a loaded scenario (or a sweep's grid, or a plan's probes), print, write the result
 * folder. Unless --sensitivity off, the judged variant (a sweep's recommended point) runs
 * again with longer holds and more traffic; a plan brings its own sensitivity (plan_sens). */
static int run_loaded(struct cli *cli, struct scenario *sc, const struct sweep *sw,
		      const struct plan *pl, const struct report_sensitivity *plan_sens,
		      struct progress prog, time_t started)
{
	char err[ERR_LEN];
	int st;
	/* --variant names the variant --fail-on-slo judges: a usage error when unknown. */
	int gate = 0;
	if (cli->variant) {
		gate = -1;
		for (int v = 0; v < sc->n_variants; v++)
			if (strcmp(sc->variants[v].name, cli->variant) == 0)
				gate = v;
		if (gate < 0) {
			fprintf(stderr, "pooltide: --variant: %s has no variant named '%s' (", sc->path,
				cli->variant);
			for (int v = 0; v < sc->n_variants; v++)
				fprintf(stderr, "%s'%s'", v ? ", " : "expected one of: ",
					sc->variants[v].name);
			fprintf(stderr, ")\n");
			return 2;
		}
	}
	/* The variants --fail-on-slo judges: the gate, or (run --variant) every one that runs. */
	int g0 = cli->gate_all ? 0 : gate, g1 = cli->gate_all ? sc->n_variants : gate + 1;
	for (int v = g0; cli->fail_on_slo && v < g1; v++)
		if (sc->variants[v].cfg.n_slo == 0) {
			fprintf(stderr, "pooltide: --fail-on-slo: variant '%s' of %s has no SLO limits "
					"(add an \"slo\" section)\n", sc->variants[v].name, sc->path);
			return 2;
		}
	int precision_reps = 0;
	if (!pl && cli->precision > 0 &&
	    precision_max(cli, sc->path, sc->variants[0].cfg.replications, &precision_reps))
		return 2;
	int rc = 1;
	struct results_dir *rd = NULL;
	struct timeline *tls = NULL;
	struct model_hooks *hooks = NULL;
	struct experiment ex = {0};
	struct sensitivity *sens = NULL;
	struct report_sensitivity rs = {0};
	struct sensitivity_values base_values = {.v = NULL};
	struct sens_chain chain = {0};
	/* a run pairs the perturbations with its own replications of the judged variant; a
	 * sweep's point is known only at the end: it runs the point again */
	bool sens_on = !cli->no_sensitivity && !pl, paired = sens_on && !sw;
	const struct cfg_scenario **cfgs = malloc((size_t)sc->n_variants * sizeof *cfgs);
	if (!cfgs) {
		fprintf(stderr, "pooltide: out of memory\n");
		goto done;
	}
	limit_events(cli, sc);
	for (int v = 0; v < sc->n_variants; v++)
		cfgs[v] = &sc->variants[v].cfg;
	prog.horizon_s = sc->variants[0].cfg.horizon_s;
	/* The sensitivity runs the judged variant (a sweep's recommended point: at most the
	 * largest) three more times, a little busier: counted as three runs of it. */
	double extra = 0;
	for (int v = 0; sens_on && v < sc->n_variants; v++)
		if (sw || v == gate) {
			double e = (paired ? 2 : 3) * model_estimate_events(cfgs[v]) *
				   cfgs[v]->replications;
			extra = e > extra ? e : extra;
		}
	if ((rc = refuse_huge(cli, sc, sc->variants, sc->n_variants, extra)))
		goto done;
	rc = 1;

	/* The temporary result folder first: an unwritable root fails before the simulation.
	 * Rank 0 alone writes; the others follow its go or no-go. */
	bool root = cli->cl->rank == 0;
	int go = 1;
	if (root && results_begin(&rd, cli->output, sc, started, err, sizeof err)) {
		fprintf(stderr, "pooltide: %s\n", err);
		go = 0;
	}
	if (!cluster_share(cli->cl, go))
		goto done;
	/* The timeline of each variant is sampled during its replication 0. */
	tls = calloc((size_t)sc->n_variants, sizeof *tls);
	hooks = calloc((size_t)sc->n_variants, sizeof *hooks);
	st = tls && hooks ? PT_OK : PT_ENOMEM;
	for (int v = 0; !st && v < sc->n_variants; v++)
		st = timeline_prepare(&tls[v], cfgs[v],
				      sw ? timeline_step_for(cfgs[v]->horizon_s,
							     SWEEP_TIMELINE_INSTANTS)
					 : 0,
				      &hooks[v]);
	/* replications.csv is written as the replications are folded: they are not kept. Only
	 * the process that writes (and folds) opens it; the others follow its go or no-go. */
	go = 1;
	if (!st && rd && results_replications_begin(rd, sc, err, sizeof err)) {
		fprintf(stderr, "pooltide: %s\n", err);
		go = 0;
	}
	if (!cluster_share(cli->cl, go))
		goto done;
	for (int v = 0; !st && rd && v < sc->n_variants; v++)
		results_hook_replications(rd, v, &hooks[v]);
	/* --precision: rounds until decided (run: every variant keeps the same count; sweep:
	 * only undecided points get more). A plan's probes ran their rounds already: the
	 * folder runs each probe's count again, and says how they were reached. */
	struct precision pr = {.rel = cli->precision,
			       .max_reps = precision_reps,
			       .max_events = event_limit(cli),
			       .per_variant = sw != NULL};
	int *reps = NULL;
	if (!st && pl && pl->precision.rel > 0) {
		int order[PLAN_MAX_PROBES];
		plan_order(pl, order);
		if (!(reps = malloc((size_t)pl->n * sizeof *reps)))
			st = PT_ENOMEM;
		for (int i = 0; reps && i < pl->n; i++)
			reps[i] = pl->probes[order[i]].replications;
	}
	struct experiment_plan xp = {.hooks = hooks, .backend = cluster_backend(cli->cl),
				     .precision = pl ? NULL : &pr, .reps = reps};
	if (!st && paired) {
		/* room for every replication the judged variant may run (--precision adds
		 * rounds up to --max-replications) */
		struct cfg_scenario *vc = malloc(sizeof *vc);
		if (vc) {
			*vc = *cfgs[gate];
			if (pr.rel > 0 && pr.max_reps > vc->replications)
				vc->replications = pr.max_reps;
		}
		st = vc ? sensitivity_values_init(&base_values, vc) : PT_ENOMEM;
		free(vc);
		chain = (struct sens_chain){.fn = hooks[gate].on_result,
					    .ctx = hooks[gate].result_ctx,
					    .values = &base_values};
		hooks[gate].on_result = sens_on_result;
		hooks[gate].result_ctx = &chain;
	}
	/* Every rank takes part in the experiment (st is the same everywhere: the same
	 * scenario, and rank 0's status shared after it). */
	if (!st)
		st = experiment_run_plan(&ex, sc->n_variants, (const struct cfg_scenario *const *)cfgs,
					 cli->threads, &xp, show_progress, &prog);
	if (!st && reps) {
		/* the report says how the probes' counts were reached */
		int order[PLAN_MAX_PROBES];
		plan_order(pl, order);
		ex.precision = pl->precision;
		if (!(ex.decided = calloc((size_t)pl->n, 1)))
			st = PT_ENOMEM;
		for (int i = 0; ex.decided && i < pl->n; i++)
			ex.decided[i] = pl->probes[order[i]].decided;
	}
	free(reps);
	if (!st)
		st = cluster_share(cli->cl, cluster_gather_timelines(cli->cl, tls, sc->n_variants));
	if (st) {
		fprintf(stderr, "pooltide: simulation failed: %s\n",
			ex.failed >= 0 && ex.failure[0] ? ex.failure : pt_strerror(st));
		goto done;
	}
	if (rd && results_replications_end(rd, err, sizeof err)) {
		fprintf(stderr, "pooltide: %s\n", err);
		goto done;
	}
	/* Sensitivity (issue 7 item 4): every rank takes part, as in the experiment. */
	int sv = sw ? sweep_smallest_passing(sw, &ex) : gate;
	if (plan_sens) {
		rs = *plan_sens;
	} else if (sens_on && sv >= 0) {
		sens = malloc(sizeof *sens);
		/* as many replications as the judged variant ran (--precision may have added
		 * some), so its paired changes rest on the same replications */
		struct cfg_scenario *judged = malloc(sizeof *judged);
		if (judged) {
			*judged = *cfgs[sv];
			judged->replications = experiment_aggregate(&ex, sv)->nrep;
		}
		if (!sens || !judged)
			st = PT_ENOMEM;
		else if (paired)
			st = sensitivity_run_paired(sens, judged, experiment_aggregate(&ex, sv),
						    &base_values, SENSITIVITY_FACTOR, cli->threads,
						    cluster_backend(cli->cl), show_progress, &prog);
		else
			st = sensitivity_run(sens, judged, SENSITIVITY_FACTOR, cli->threads,
					     cluster_backend(cli->cl), show_progress, &prog);
		free(judged);
		if (st) {
			fprintf(stderr, "pooltide: simulation failed: %s\n", pt_strerror(st));
			goto done;
		}
		rs = (struct report_sensitivity){.s = sens, .cfg = cfgs[sv],
						 .variant = sc->variants[sv].name};
	}
	struct results_info info = {
		.sc = sc,
		.ex = &ex,
		.timelines = tls,
		.started = started,
		.wall_time_s = elapsed_s(&prog.start),
		.threads = cli->threads ? cli->threads : runner_default_threads(),
		.judged = gate,
		.recommended = sw ? sv : -1,
		.sensitivity = &rs,
	};

	/* The worst verdict of the judged variants (fail, then inconclusive, then pass). */
	enum slo_verdict verdict = SLO_PASS;
	int judged = gate;
	for (int v = g0; cli->fail_on_slo && v < g1; v++) {
		enum slo_verdict x = slo_evaluate_aggregate(experiment_aggregate(&ex, v),
							    &sc->variants[v].cfg, NULL);
		if ((x == SLO_FAIL && verdict != SLO_FAIL) ||
		    (x == SLO_INCONCLUSIVE && verdict == SLO_PASS)) {
			verdict = x;
			judged = v;
		}
	}
	if (!root) {
		/* the same verdict as rank 0's, so every rank exits alike; nothing written */
		rc = cli->fail_on_slo && verdict != SLO_PASS ? 3 : 0;
		goto done;
	}
	struct extra_sections sections = {.rs = &rs, .pl = pl, .sc = sc, .ex = &ex};
	if (cli->json) {
		struct report_json_ext ext = {.top = json_sensitivity, .ctx = &sections};
		report_json_ext(stdout, sc, &ex, &ext);
	} else if (sw) {
		report_sweep(stdout, sw, &ex);
	} else if (pl) {
		report_plan(stdout, sc, pl);
	} else if (report_table(stdout, sc, &ex) != 0) {
		fprintf(stderr, "pooltide: cannot write the report: %s\n", pt_strerror(PT_ENOMEM));
		goto done;
	} else {
		report_slo(stdout, sc, &ex, TABLE_TERMINAL, gate);
	}
	if (!cli->json && report_sensitivity(stdout, &rs, TABLE_TERMINAL)) {
		fprintf(stderr, "pooltide: out of memory\n");
		goto done;
	}
	if (!cli->json)
		report_precision(stdout, sc, &ex, false);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "pooltide: cannot write the report: %s\n", strerror(errno));
		goto done;
	}

	char warn[512];
	const void *sweep_ctx[2] = {sw, &ex};
	if ((sw && results_write_file(rd, "sweep.csv", write_sweep_csv, (void *)sweep_ctx, err,
				      sizeof err)) ||
	    results_write_data(rd, &info, err, sizeof err) ||
	    draw_plots(rd, cli, warn, sizeof warn, err, sizeof err) ||
	    results_write_report(rd, &info, slo_section, &sections, err, sizeof err) ||
	    results_commit(rd, err, sizeof err)) {
		fprintf(stderr, "pooltide: %s\n", err);
		goto done;
	}
	if (warn[0] && !cli->no_plot && !cli->quiet) {
		char msg[PATH_MAX + 600];
		replace_all(warn, "DIR", results_path(rd), msg, sizeof msg);
		fprintf(stderr, "pooltide: warning: plots not drawn: %s\n", msg);
	}
	if (!cli->quiet)
		fprintf(stderr, "results: %s/\nreport:  %s/report.md\n", results_path(rd),
			results_path(rd));
	rc = 0;
	if (cli->fail_on_slo && verdict != SLO_PASS) {
		if (!cli->quiet)
			fprintf(stderr, "pooltide: SLO %s for variant '%s' (--fail-on-slo)\n",
				slo_verdict_name(verdict), sc->variants[judged].name);
		rc = 3;
	}
done:
	results_destroy(rd); /* removes the temporary folder unless committed */
	if (tls)
		for (int v = 0; v < sc->n_variants; v++)
			timeline_fini(&tls[v]);
	free(tls);
	free(hooks);
	experiment_fini(&ex);
	sensitivity_values_fini(&base_values);
	free(sens);
	free(cfgs);
	return cluster_share(cli->cl, rc);
}

static int cmd_fit(struct cli *cli)
{
	char err[1024], warn[1024], dir[4096];
	/* several logs: one per process of one service, merged by time */
	const char *logs[FIT_LOGS_MAX + 1];
	size_t n = 0;
	if (cli->scenario)
		logs[n++] = cli->scenario;
	for (int i = 0; i < cli->n_logs; i++)
		logs[n++] = cli->logs[i];
	if (n == 0)
		return usage_error("fit needs an observation LOG (a CSV file, may be gzip-compressed)%s",
				   "");
	cli->fit.log = logs[0];
	cli->fit.logs = logs;
	cli->fit.n_logs = n;
	cli->fit.output_root = cli->output;
	cli->fit.no_plot = cli->no_plot;
	cli->fit.quiet = cli->quiet;
	int st = fit_report_run(&cli->fit, stdout, dir, sizeof dir, warn, sizeof warn, err,
				sizeof err);
	if (st) {
		fprintf(stderr, "pooltide: %s\n", err);
		return st == PT_EINVAL ? 2 : 1;
	}
	if (warn[0] && !cli->quiet)
		fprintf(stderr, "pooltide: warning: plots not drawn: %s\n", warn);
	return 0;
}

static int cmd_validate(struct cli *cli)
{
	char err[1024], warn[1024], dir[4096];
	if (!cli->scenario)
		return usage_error("validate needs a SCENARIO file%s", "");
	if (!cli->observed)
		return usage_error("validate needs --observed LOG (the log to compare with)%s", "");
	struct validate_options o = {
		.scenario = cli->scenario,
		.sets = cli->sets,
		.n_sets = cli->n_sets,
		.observed = cli->observed,
		.logs = cli->logs,
		.n_logs = (size_t)cli->n_logs,
		.map = cli->fit.map,
		.bins = cli->bins,
		.threads = cli->threads,
		.output_root = cli->output,
		.no_plot = cli->no_plot,
		.quiet = cli->quiet,
		.max_events = event_limit(cli),
	};
	int differs = 0;
	int st = validate_run(&o, stdout, &differs, dir, sizeof dir, warn, sizeof warn, err,
			      sizeof err);
	if (st) {
		fprintf(stderr, "pooltide: %s\n", err);
		return st == PT_EINVAL ? 2 : 1;
	}
	if (warn[0] && !cli->quiet)
		fprintf(stderr, "pooltide: warning: plots not drawn: %s\n", warn);
	if (!cli->quiet)
		fprintf(stderr, "results: %s/\n", dir);
	return 0;
}

/* Redraw the plots of a result folder from the data and scripts it holds. */
static int cmd_plot(struct cli *cli)
{
	if (!cli->scenario)
		return usage_error("plot needs a result folder DIR%s", "");
	/* DIR as given, without trailing slashes, so that every message names DIR/file */
	char dir[PATH_MAX];
	size_t n = strlen(cli->scenario);
	if (n >= sizeof dir)
		return usage_error("plot: the folder name is too long: %s", cli->scenario);
	memcpy(dir, cli->scenario, n + 1);
	while (n > 1 && dir[n - 1] == '/')
		dir[--n] = 0;
	char warn[512] = "", err[ERR_LEN];
	int st = plot_dir(dir, cli->quiet, warn, sizeof warn);
	if (st) {
		fprintf(stderr, "pooltide: %s\n", warn[0] ? warn : pt_strerror(st));
		return 1;
	}
	/* report.md's plot note says what was drawn now, and report.html (which inlines the SVG
	 * images) is rebuilt from it with the new ones, so both files and the plots agree
	 * (whatever was drawn; a file that cannot be replaced stays as it was) */
	bool md_updated, rebuilt;
	if (results_refresh_html(dir, warn[0] ? warn : NULL, &md_updated, &rebuilt, err,
				 sizeof err)) {
		fprintf(stderr, "pooltide: %s\n", err);
		return 1;
	}
	if (md_updated && !cli->quiet)
		fprintf(stderr, "plot: %s/report.md: plot note %s\n", dir,
			warn[0] ? "says why the plots were not drawn" : "removed (every plot drawn)");
	if (rebuilt && !cli->quiet)
		fprintf(stderr, "plot: %s/report.html rebuilt from report.md\n", dir);
	if (warn[0]) {
		fprintf(stderr, "pooltide: warning: plots not drawn: %s\n", warn);
		return 1;
	}
	return 0;
}

/* What was written to stdout must have reached it: `check > /dev/full` is a failure (exit 1),
 * as for run. Only when the command itself succeeded (a failed one has said why). */
static int flushed(int rc)
{
	if ((rc == 0 || rc == 3) && (fflush(stdout) != 0 || ferror(stdout))) {
		fprintf(stderr, "pooltide: cannot write to standard output: %s\n", strerror(errno));
		return 1;
	}
	return rc;
}

static int dispatch(struct cluster *cl, int argc, char **argv);

/* Under mpirun (build/pooltide-mpi) every rank runs main; app/cluster.h says how they share
 * the work. */
int main(int argc, char **argv)
{
	gsl_set_error_handler_off();
	struct cluster cl;
	if (cluster_init(&cl, &argc, &argv)) {
		fprintf(stderr, "pooltide: cannot start MPI\n");
		return 1;
	}
	int rc = flushed(dispatch(&cl, argc, argv));
	cluster_finalize(&cl);
	return rc;
}

static int dispatch(struct cluster *cl, int argc, char **argv)
{
	struct cli cli = {.cl = cl};
	cli.fit.pool_size = -1;
	cli.fit.max_overflow = -2;
	cli.fit.pool_timeout_s = -1;
	int rc = parse_args(argc, argv, &cli);
	if (rc >= 0)
		return rc;
	/* One rank a core: each rank runs one task at a time unless -j says otherwise. */
	if (cl->size > 1 && cli.threads == 0)
		cli.threads = 1;
	if (strcmp(cli.command, "run") == 0)
		return cmd_run(&cli);
	if (strcmp(cli.command, "check") == 0)
		return cmd_check(&cli);
	if (strcmp(cli.command, "plot") == 0)
		return cmd_plot(&cli);
	if (strcmp(cli.command, "sweep") == 0)
		return cmd_sweep(&cli);
	if (strcmp(cli.command, "plan") == 0)
		return cmd_plan(&cli);
	if (strcmp(cli.command, "fit") == 0)
		return cmd_fit(&cli);
	if (strcmp(cli.command, "validate") == 0)
		return cmd_validate(&cli);
	if (strcmp(cli.command, "help") == 0) {
		usage(stdout);
		return 0;
	}
	return usage_error("unknown command '%s' (expected run, sweep, plan, check, plot, fit or "
			   "validate)", cli.command);
}
