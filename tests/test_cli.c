/* Command-line tests: run the built binary as a user would and check exit codes, messages and
 * byte-identical output. The binary is $POOLTIDE (set by tests/run_all.sh) or
 * build/pooltide. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include <sys/stat.h>

#include "app/sha256.h"

/* Result folders of the runs go to a temporary root, removed at the end. */
static char outroot[] = "/tmp/pooltide-cli-results-XXXXXX";

static const char *bin(void)
{
	const char *b = getenv("POOLTIDE");
	return b && *b ? b : "build/pooltide";
}

/* Run `args` through the shell with stdout and stderr captured; returns the exit code. */
static int run(const char *args, char **out, char **err)
{
	char outf[] = "/tmp/pooltide-cli-out-XXXXXX", errf[] = "/tmp/pooltide-cli-err-XXXXXX";
	int fo = mkstemp(outf), fe = mkstemp(errf);
	assert_true(fo >= 0 && fe >= 0);
	close(fo);
	close(fe);
	char cmd[4096];
	bool writes = strncmp(args, "run", 3) == 0 || strncmp(args, "sweep", 5) == 0 ||
		      strncmp(args, "plan", 4) == 0;
	snprintf(cmd, sizeof cmd, "%s %s%s%s >%s 2>%s </dev/null", bin(), args,
		 writes ? " -o " : "", writes ? outroot : "", outf, errf);
	int st = system(cmd);
	assert_true(st != -1 && WIFEXITED(st));
	const char *files[2] = {outf, errf};
	char **dst[2] = {out, err};
	for (int i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		long n = ftell(f);
		fseek(f, 0, SEEK_SET);
		char *buf = malloc((size_t)n + 1);
		assert_non_null(buf);
		assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
		buf[n] = 0;
		fclose(f);
		remove(files[i]);
		if (dst[i])
			*dst[i] = buf;
		else
			free(buf);
	}
	return WEXITSTATUS(st);
}

static char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/pooltide-cli-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	return path;
}

#define SMALL                                                                               \
	"{\"name\": \"small\", \"horizon\": \"5m\", \"warmup\": \"30s\", \"replications\": 4,"    \
	" \"database\": {\"connect_time\": \"2ms\"},"                                            \
	" \"pools\": {\"main\": {\"size\": 3, \"max_overflow\": 1, \"timeout\": \"200ms\"}},"     \
	" \"workloads\": {\"api\": {\"type\": \"requests\", \"arrival\": {\"rate\": \"40/s\"},"   \
	" \"transaction\": {\"db_time\": {\"dist\": \"exponential\", \"mean\": \"90ms\"}}}},"      \
	" \"variants\": [{\"name\": \"3+1\"}, {\"name\": \"6+2\", \"set\": {\"pools.main.size\": 6," \
	" \"pools.main.max_overflow\": 2}}]}"

static void test_help_and_version(void **state)
{
	(void)state;
	char *out, *err;
	assert_int_equal(run("--help", &out, &err), 0);
	assert_non_null(strstr(out, "usage: pooltide COMMAND"));
	assert_non_null(strstr(out, "\n  sweep     run a grid of configurations"));
	assert_non_null(strstr(out, "--replications"));
	free(out);
	free(err);
	assert_int_equal(run("--version", &out, &err), 0);
	assert_non_null(strstr(out, "pooltide 0."));
	free(out);
	free(err);
}

static void test_usage_errors_exit_2(void **state)
{
	(void)state;
	char *out, *err;
	assert_int_equal(run("run --bogus", &out, &err), 2);
	assert_non_null(strstr(err, "unknown option '--bogus'"));
	free(out);
	free(err);
	assert_int_equal(run("frobnicate", &out, &err), 2);
	assert_non_null(strstr(err, "unknown command 'frobnicate'"));
	free(out);
	free(err);
	assert_int_equal(run("run --replications zero", &out, &err), 2);
	assert_non_null(strstr(err, "--replications expects an integer 1..10000, got 'zero'"));
	free(out);
	free(err);
	assert_int_equal(run("run --format xml", &out, &err), 2);
	assert_non_null(strstr(err, "--format expects table or json, got 'xml'"));
	free(out);
	free(err);
	/* a bare number is not a duration: 8 hours or 8 seconds? */
	assert_int_equal(run("run --horizon 8", &out, &err), 2);
	assert_non_null(strstr(err, "--horizon expects a duration with a unit such as 2h or 30m "
			       "(us, ms, s, m, min, h, d), got '8'"));
	free(out);
	free(err);
}

/* Each command's --help lists its own options and no other; an option of another command
 * is a usage error naming the commands it belongs to, with nothing on stdout. */
static void test_command_help_and_options(void **state)
{
	(void)state;
	static const struct {
		const char *args, *has[3], *not[3];
	} helps[] = {
		/* option lines read "      --name" or "  -x, --name" */
		{"run --help", {"usage: pooltide run [SCENARIO]", "    --fail-on-slo", "    --variant NAME"},
		 {"    --vary", "    --load", "    --observed"}},
		{"sweep --help", {"usage: pooltide sweep SCENARIO", "    --vary PATH", "-j, --threads"},
		 {"    --fail-on-slo", "    --load", "    --pool-size"}},
		{"plan --help", {"usage: pooltide plan SCENARIO", "    --load WORKLOAD", "    --tolerance"},
		 {"    --vary", "    --fail-on-slo", "    --bins"}},
		{"check --help", {"usage: pooltide check SCENARIO", "-s, --set", "    --horizon"},
		 {"-o, --output", "-j, --threads", "    --no-plot"}},
		{"plot --help", {"usage: pooltide plot DIR", "-q, --quiet", "-h, --help"},
		 {"-s, --set", "-o, --output", "    --seed"}},
		{"help plan", {"usage: pooltide plan SCENARIO", "    --load WORKLOAD", "    --tolerance"},
		 {"    --vary", "    --fail-on-slo", "    --bins"}},
	};
	for (size_t i = 0; i < sizeof helps / sizeof *helps; i++) {
		char *out, *err;
		assert_int_equal(run(helps[i].args, &out, &err), 0);
		for (int k = 0; k < 3; k++) {
			if (!strstr(out, helps[i].has[k]))
				fail_msg("%s: no \"%s\" in:\n%s", helps[i].args, helps[i].has[k], out);
			if (strstr(out, helps[i].not[k]))
				fail_msg("%s: \"%s\" in:\n%s", helps[i].args, helps[i].not[k], out);
		}
		assert_string_equal(err, "");
		free(out);
		free(err);
	}
	static const struct {
		const char *args, *msg;
	} wrong[] = {
		{"run --vary pools.main.size=1,2",
		 "pooltide: option '--vary' does not belong to 'pooltide run' (it is for: sweep)\n"
		 "Try 'pooltide run --help'.\n"},
		{"check scenarios/incident.json --threads 2",
		 "pooltide: option '--threads' does not belong to 'pooltide check' (it is for: run, "
		 "sweep, plan, validate)\nTry 'pooltide check --help'.\n"},
		{"plot somewhere -s a=1",
		 "pooltide: option '-s' does not belong to 'pooltide plot' (it is for: run, sweep, plan, "
		 "check, validate)\nTry 'pooltide plot --help'.\n"},
		{"sweep scenarios/incident.json --vary pools.main.size=1,2 --variant a --variant b",
		 "pooltide: --variant given more than once: sweep takes one variant\n"
		 "Try 'pooltide --help'.\n"},
		{"help frobnicate",
		 "pooltide: help: unknown command 'frobnicate'\nTry 'pooltide --help'.\n"},
	};
	for (size_t i = 0; i < sizeof wrong / sizeof *wrong; i++) {
		char *out, *err;
		assert_int_equal(run(wrong[i].args, &out, &err), 2);
		assert_string_equal(err, wrong[i].msg);
		assert_string_equal(out, "");
		free(out);
		free(err);
	}
}

/* run --variant NAME (repeatable) runs only those variants, in the scenario's order; an
 * unknown name is a usage error listing the names; --fail-on-slo judges each of them. */
static void test_run_selected_variants(void **state)
{
	(void)state;
	char *p = write_tmp(SMALL);
	char args[512];
	char *out, *err;
	snprintf(args, sizeof args, "run %s --format json --variant 6+2 -q", p);
	assert_int_equal(run(args, &out, &err), 0);
	assert_non_null(strstr(out, "\"name\": \"6+2\""));
	assert_null(strstr(out, "\"name\": \"3+1\""));
	assert_null(strstr(out, "diff_to_first")); /* one variant: nothing to compare with */
	free(out);
	free(err);
	snprintf(args, sizeof args, "run %s --format json --variant 6+2 --variant 3+1 -q", p);
	assert_int_equal(run(args, &out, &err), 0);
	char *a = strstr(out, "\"name\": \"3+1\""), *b = strstr(out, "\"name\": \"6+2\"");
	assert_non_null(a);
	assert_non_null(b);
	assert_true(a < b); /* the scenario's order */
	free(out);
	free(err);
	snprintf(args, sizeof args, "run %s --variant nope", p);
	assert_int_equal(run(args, &out, &err), 2);
	char want[600];
	snprintf(want, sizeof want,
		 "pooltide: --variant: %s has no variant named 'nope' (expected one of: '3+1', "
		 "'6+2')\n", p);
	assert_string_equal(err, want);
	assert_string_equal(out, "");
	free(out);
	free(err);
	/* 3+1 at 40/s with 90 ms holds times out; 6+2 hardly: each --variant is judged. */
	snprintf(args, sizeof args,
		 "run %s --variant 6+2 --variant 3+1 --fail-on-slo "
		 "--set 'slo={\"api\": {\"timeout_rate\": \"1%%\"}}'", p);
	assert_int_equal(run(args, &out, &err), 3);
	assert_non_null(strstr(err, "pooltide: SLO fail for variant '3+1' (--fail-on-slo)"));
	free(out);
	free(err);
	remove(p);
}

static void test_invalid_scenario_exit_2(void **state)
{
	(void)state;
	char *out, *err;
	assert_int_equal(run("run /nonexistent/x.json", &out, &err), 2);
	assert_non_null(strstr(err, "/nonexistent/x.json: cannot read"));
	assert_string_equal(out, "");
	free(out);
	free(err);
	char *p = write_tmp("{\"pools\": {\"main\": {\"max_overflow\": \"twenty\"}}}");
	char args[256];
	snprintf(args, sizeof args, "run %s", p);
	assert_int_equal(run(args, &out, &err), 2);
	assert_non_null(strstr(err, "pools.main.max_overflow: expected an integer >= -1, got \"twenty\""));
	assert_string_equal(out, "");
	remove(p);
	free(out);
	free(err);
}

static void test_same_seed_same_bytes_any_threads(void **state)
{
	(void)state;
	char *p = write_tmp(SMALL);
	char args[512];
	char *a, *b, *c, *err;
	snprintf(args, sizeof args, "run %s --format json --threads 1", p);
	assert_int_equal(run(args, &a, &err), 0);
	free(err);
	snprintf(args, sizeof args, "run %s --format json --threads 2", p);
	assert_int_equal(run(args, &b, &err), 0);
	free(err);
	assert_string_equal(a, b);
	snprintf(args, sizeof args, "run %s --format json --seed 2", p);
	assert_int_equal(run(args, &c, &err), 0);
	free(err);
	assert_true(strcmp(a, c) != 0);
	assert_non_null(strstr(a, "\"timeout_rate\": {\"mean\": "));
	assert_non_null(strstr(a, "\"diff_to_first\""));
	remove(p);
	free(a);
	free(b);
	free(c);
}

static void test_table_and_overrides(void **state)
{
	(void)state;
	char *p = write_tmp(SMALL);
	char args[512];
	char *out, *err;
	snprintf(args, sizeof args, "run %s --quiet --set pools.main.timeout=1s --replications 2", p);
	assert_int_equal(run(args, &out, &err), 0);
	assert_non_null(strstr(out, "2 replications"));
	assert_non_null(strstr(out, "workload api (pool main)"));
	assert_non_null(strstr(out, "3+1"));
	assert_non_null(strstr(out, "6+2"));
	assert_string_equal(err, ""); /* not a terminal: no progress line */
	free(out);
	free(err);
	snprintf(args, sizeof args, "check %s", p);
	assert_int_equal(run(args, &out, &err), 0);
	assert_non_null(strstr(out, "\"max_overflow\""));
	remove(p);
	free(out);
	free(err);
}

static void test_bundled_default_runs(void **state)
{
	(void)state;
	char *out, *err;
	assert_int_equal(run("run --quiet --replications 3", &out, &err), 0);
	assert_non_null(strstr(out, "incident"));
	assert_non_null(strstr(out, "QueuePool limit of size 10 overflow 20 reached"));
	free(out);
	free(err);
}

static void test_slo_gate(void **state)
{
	(void)state;
	/* The bundled incident's "before" variant fails its wait_p99 <= 100ms limit (waits of
	 * tens of seconds); "after" passes. */
	char *out, *err;
	assert_int_equal(run("run --quiet --replications 3 --no-plot --fail-on-slo", &out, &err), 3);
	assert_non_null(strstr(out, "\nSLO ("));
	assert_non_null(strstr(out, "api wait_p99 <= 100ms: "));
	free(out);
	free(err);
	assert_int_equal(run("run --replications 3 --no-plot --fail-on-slo --variant "
			     "'after: 20+30, 45s, batch 50-200, per group'", &out, &err), 0);
	free(out);
	free(err);
	assert_int_equal(run("run --quiet --fail-on-slo --variant nope", &out, &err), 2);
	assert_non_null(strstr(err, "has no variant named 'nope'"));
	free(out);
	free(err);
	char *p = write_tmp(SMALL);
	char args[512];
	snprintf(args, sizeof args, "run %s --fail-on-slo", p);
	assert_int_equal(run(args, &out, &err), 2);
	assert_non_null(strstr(err, "has no SLO limits"));
	remove(p);
	free(out);
	free(err);
}

/* A scenario with batch workloads: the timeline has the backlog columns (plots shade batch
 * windows and draw the backlog from them), the report has the batch table, and the backlog
 * plot is drawn. */
static void test_batch_result_folder(void **state)
{
	(void)state;
	char *out, *err;
	char args[256];
	snprintf(args, sizeof args, "run --quiet --replications 2 --horizon 20m "
				    "--set warmup=\\\"5m\\\" --set name=batchcheck");
	assert_int_equal(run(args, &out, &err), 0);
	assert_non_null(strstr(out, "batch workload aggregation (pool main)"));
	free(out);
	free(err);
	char cmd[512];
	snprintf(cmd, sizeof cmd, "head -n 1 %s/batchcheck/*/timeline.csv", outroot);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	char line[512] = "";
	assert_non_null(fgets(line, sizeof line, p));
	pclose(p);
	assert_string_equal(line, "variant,t_s,pool,checked_out,checked_in,overflow,waiters,open,"
				  "server_connections,backlog,backlog_age_s,batch_active\n");
	snprintf(cmd, sizeof cmd,
		 "grep -c -e '## Batch workload aggregation' -e '(backlog.png)' %s/batchcheck/*/report.md",
		 outroot);
	p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof line, p));
	pclose(p);
	assert_string_equal(line, "2\n");
	/* Every plot of the incident is a PNG of 1000 x 600, but the pool timeline: 70 px of
	 * head and 250 px a row, three rows (variant x pool) on its first page (signature,
	 * then IHDR width and height, big-endian, at bytes 16..23). */
	static const char *const plots[] = {"waits_cdf", "failures", "pool_timeline", "backlog",
					    "server_connections"};
	for (size_t k = 0; k < sizeof plots / sizeof plots[0]; k++) {
		snprintf(cmd, sizeof cmd, "ls %s/batchcheck/*/%s.png", outroot, plots[k]);
		p = popen(cmd, "r");
		assert_non_null(p);
		assert_non_null(fgets(line, sizeof line, p));
		assert_int_equal(pclose(p), 0);
		line[strcspn(line, "\n")] = 0;
		FILE *png = fopen(line, "rb");
		assert_non_null(png);
		unsigned char h[24];
		assert_int_equal(fread(h, 1, sizeof h, png), sizeof h);
		fclose(png);
		assert_memory_equal(h, "\x89PNG\r\n\x1a\n", 8);
		unsigned w = (unsigned)h[16] << 24 | (unsigned)h[17] << 16 | (unsigned)h[18] << 8 | h[19];
		unsigned ht = (unsigned)h[20] << 24 | (unsigned)h[21] << 16 | (unsigned)h[22] << 8 | h[23];
		assert_int_equal(w, 1000);
		assert_int_equal(ht, k == 2 ? 70 + 3 * 250 : 600);
	}
}

/* report.md names each pool's configuration in its kind's words: Go's setters and context
 * deadline, HikariCP's properties, NullPool. */
static void test_report_kind_words(void **state)
{
	(void)state;
	static const char *const runs[][2] = {
		{"scenarios/go-database-sql.json", "main: database/sql MaxOpenConns 4, MaxIdleConns 4, "
						   "context timeout 100ms, first-come waiters"},
		{"scenarios/hikaricp.json", "main: HikariCP maximumPoolSize 8, minimumIdle 8, "
					    "connectionTimeout 250ms, idleTimeout 10m00s, "
					    "maxLifetime 30m00s"},
	};
	for (size_t k = 0; k < 2; k++) {
		char args[256], cmd[1024];
		snprintf(args, sizeof args, "run %s --quiet --no-plot --replications 2 --horizon 4m "
					    "--set warmup=\\\"1m\\\" --set name=kindwords%zu",
			 runs[k][0], k);
		assert_int_equal(run(args, NULL, NULL), 0);
		snprintf(cmd, sizeof cmd, "grep -c -F '%s' %s/kindwords%zu/*/report.md", runs[k][1],
			 outroot, k);
		FILE *p = popen(cmd, "r");
		assert_non_null(p);
		char line[64] = "";
		assert_non_null(fgets(line, sizeof line, p));
		pclose(p);
		assert_string_equal(line, "1\n");
	}
}

/* On a terminal (script(1) gives the run a pseudo-terminal) a run longer than a second shows
 * a progress line on stderr; with --quiet it does not. Skipped where script(1) is missing. */
static void test_progress_on_terminal(void **state)
{
	(void)state;
	if (system("command -v script >/dev/null 2>&1") != 0) {
		skip();
		return;
	}
	char cmd[1024], line[4096];
	for (int quiet = 0; quiet < 2; quiet++) {
		snprintf(cmd, sizeof cmd,
			 "script -qec \"%s run --replications 6 --no-plot -o %s%s\" /dev/null "
			 "</dev/null 2>&1",
			 bin(), outroot, quiet ? " --quiet" : "");
		FILE *p = popen(cmd, "r");
		assert_non_null(p);
		size_t n = fread(line, 1, sizeof line - 1, p);
		line[n] = 0;
		bool progress = strstr(line, "replications ") && strstr(line, "simulated ") &&
				strstr(line, "ETA ");
		/* the table is still printed; drain the rest */
		while (fread(line, 1, sizeof line, p) > 0)
			;
		assert_int_equal(pclose(p), 0);
		assert_int_equal(progress, !quiet);
	}
}

/* pooltide sweep: its usage errors, the compact grid, the answer line and sweep.csv. */
static void test_sweep_command(void **state)
{
	(void)state;
	char *out, *err;
	assert_int_equal(run("sweep scenarios/mmc-validation.json", &out, &err), 2);
	assert_non_null(strstr(err, "sweep needs at least one --vary PATH=V1,V2,..."));
	free(out);
	free(err);
	assert_int_equal(run("run --vary pools.main.size=1,2", &out, &err), 2);
	assert_non_null(strstr(err, "option '--vary' does not belong to 'pooltide run' (it is for: sweep)"));
	free(out);
	free(err);
	assert_int_equal(run("sweep scenarios/mmc-validation.json --vary pools.main.size", &out, &err),
			 2);
	assert_non_null(strstr(err, "--vary expects PATH=V1,V2,..."));
	free(out);
	free(err);
	assert_int_equal(run("sweep scenarios/mmc-validation.json --quiet -r 4 "
			     "--horizon 5m --vary pools.main.size=29,31,33 "
			     "--vary pools.main.timeout=50ms,500ms "
			     "--set 'slo={\"api\": {\"timeout_rate\": \"2.5%\"}}'",
			     &out, &err),
			 0);
	assert_non_null(strstr(out, "sweep: 6 configurations on common random numbers"));
	assert_non_null(strstr(out, "pools.main.size        timeout=50ms"));
	/* pool_timeout is not a capacity: no "smallest", the passing region instead */
	assert_null(strstr(out, "smallest configuration meeting"));
	assert_non_null(strstr(out, "passing region (an axis is not a capacity, so there is no "
				    "smallest configuration): size="));
	assert_non_null(strstr(out, "fails api.timeout_rate"));
	free(out);
	free(err);
	char cmd[512], line[256];
	/* two axes: the heat map is drawn next to sweep.csv */
	snprintf(cmd, sizeof cmd, "ls %s/mmc-validation/*/sweep.csv %s/mmc-validation/*/sweep_heatmap.png | wc -l",
		 outroot, outroot);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof line, p));
	pclose(p);
	assert_string_equal(line, "2\n");
}

/* pooltide plan: usage errors and the answer line. */
static void test_plan_command(void **state)
{
	(void)state;
	char *out, *err;
	assert_int_equal(run("plan scenarios/mmc-validation.json", &out, &err), 2);
	assert_non_null(strstr(err, "plan needs --load WORKLOAD"));
	free(out);
	free(err);
	assert_int_equal(run("plan scenarios/mmc-validation.json --load api", &out, &err), 2);
	assert_non_null(strstr(err, "has no SLO limits"));
	free(out);
	free(err);
	assert_int_equal(run("plan scenarios/mmc-validation.json --load nope "
			     "--set 'slo={\"api\": {\"timeout_rate\": \"1%\"}}'", &out, &err), 2);
	assert_non_null(strstr(err, "has no request workload 'nope'"));
	free(out);
	free(err);
	assert_int_equal(run("plan scenarios/mmc-validation.json --load api --tolerance 0", &out,
			     &err), 2);
	assert_non_null(strstr(err, "--tolerance expects a percentage from 0.1 to 100, got '0'"));
	free(out);
	free(err);
	assert_int_equal(run("plan scenarios/mmc-validation.json --load api --quiet --no-plot -r 4 "
			     "--horizon 5m --tolerance 10 "
			     "--set 'slo={\"api\": {\"timeout_rate\": \"1%\"}}'", &out, &err), 0);
	assert_non_null(strstr(out, "plan: the load of workload api at which the SLO breaks"));
	assert_non_null(strstr(out, "the SLO holds up to "));
	/* mmc-validation's database has no cores: the warning; and why the failing probes fail */
	assert_non_null(strstr(out, "\nwarning: the database has no `cores`: its CPU is not "
				    "modelled, so this breaking load is set only by the pools and "
				    "by refused connections"));
	assert_non_null(strstr(out, "             api timeout_rate <= 1%: "));
	assert_non_null(strstr(out, "] fail\n"));
	free(out);
	free(err);
	/* The same in JSON: the warning, and the limits a probe did not meet */
	assert_int_equal(run("plan scenarios/mmc-validation.json --load api --quiet --no-plot -r 4 "
			     "--horizon 5m --tolerance 10 --sensitivity off -f json "
			     "--set 'slo={\"api\": {\"timeout_rate\": \"1%\"}}'", &out, &err), 0);
	assert_non_null(strstr(out, "\"plan\": {\"workload\": \"api\", \"warning\": \"the database "
				    "has no `cores`: its CPU is not modelled"));
	assert_non_null(strstr(out, "\"verdict\": \"fail\", \"failure_rate\": "));
	assert_non_null(strstr(out, "\"not_met\": [{\"workload\": \"api\", \"metric\": "
				    "\"timeout_rate\", \"limit\": 0.01, \"verdict\": \"fail\""));
	free(out);
	free(err);
}

/* ---- issue 10: hardening ------------------------------------------------------------------ */

/* Run a shell command line as is (its own redirections), stderr captured into *err; returns
 * the exit code, or 128 + the signal number. */
static int shell(const char *cmdline, char **err)
{
	char errf[] = "/tmp/pooltide-cli-err-XXXXXX", cmd[8192];
	int fe = mkstemp(errf);
	assert_true(fe >= 0);
	close(fe);
	snprintf(cmd, sizeof cmd, "%s 2>%s", cmdline, errf);
	int st = system(cmd);
	assert_true(st != -1);
	FILE *f = fopen(errf, "rb");
	assert_non_null(f);
	char *buf = calloc(1, 65536);
	assert_non_null(buf);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = 0;
	fclose(f);
	remove(errf);
	*err = buf;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}

/* Items 9 and 14 (regressions): a repeated --seed after the fourth was dropped (the last one
 * wins now), a seed above 2^53 was rounded (refused now), 256 --set left --seed unapplied (too
 * many overrides is an error now); check and --help exited 0 when stdout could not be
 * written. */
static void test_options_repeated_and_output(void **state)
{
	(void)state;
	char *p = write_tmp(SMALL), args[8192], *out, *err;
	snprintf(args, sizeof args, "check %s --seed 5 --seed 6 --seed 7 --seed 8 --seed 9 "
				    "--replications 2 --replications 3", p);
	assert_int_equal(run(args, &out, &err), 0);
	assert_non_null(strstr(out, "\"seed\":\t9,"));
	assert_non_null(strstr(out, "\"replications\":\t3,"));
	free(out);
	free(err);
	snprintf(args, sizeof args, "check %s --seed 9007199254740993", p);
	assert_int_equal(run(args, &out, &err), 2);
	assert_non_null(strstr(err, "--seed expects an integer from 1 to 2^53 (9007199254740992), "
				    "got '9007199254740993'"));
	free(out);
	free(err);
	size_t n = (size_t)snprintf(args, sizeof args, "check %s", p);
	for (int i = 0; i < 256; i++)
		n += (size_t)snprintf(args + n, sizeof args - n, " --set seed=%d", i + 1);
	snprintf(args + n, sizeof args - n, " --seed 5");
	assert_int_equal(run(args, &out, &err), 2);
	assert_non_null(strstr(err, "too many overrides (--set, --replications, --seed, --horizon: "
				    "at most 256 in all)"));
	free(out);
	free(err);

	snprintf(args, sizeof args, "%s check %s >/dev/full", bin(), p);
	assert_int_equal(shell(args, &err), 1);
	assert_non_null(strstr(err, "pooltide: cannot write to standard output: No space left"));
	free(err);
	snprintf(args, sizeof args, "%s --help >/dev/full", bin());
	assert_int_equal(shell(args, &err), 1);
	free(err);
	snprintf(args, sizeof args, "%s --version >/dev/full", bin());
	assert_int_equal(shell(args, &err), 1);
	free(err);
	remove(p);
}

/* Item 3 (regression): the scenario was opened twice (once to hash it): from /dev/stdin the
 * manifest recorded the hash of nothing, a FIFO blocked for ever. Under a timeout. */
static void test_scenario_from_stdin(void **state)
{
	(void)state;
	char *p = write_tmp(SMALL), cmd[1024], *err, want[SHA256_HEX_LEN + 1];
	sha256_hex(SMALL, strlen(SMALL), want);
	snprintf(cmd, sizeof cmd, "timeout 60 %s run /dev/stdin --quiet --no-plot --replications 2 "
				  "--set name=fromstdin -o %s <%s >/dev/null", bin(), outroot, p);
	assert_int_equal(shell(cmd, &err), 0);
	free(err);
	snprintf(cmd, sizeof cmd, "grep -h scenario_sha256 %s/fromstdin/*/summary.json", outroot);
	FILE *f = popen(cmd, "r");
	assert_non_null(f);
	char line[256] = "";
	assert_non_null(fgets(line, sizeof line, f));
	pclose(f);
	assert_non_null(strstr(line, want));
	remove(p);
}

/* Item 6 (regression): astronomical work ran for ever without a word. It is refused before
 * anything is written, with the estimate; --max-events raises the limit. A profile that
 * ends at 0 under a horizon of 1000 days runs as long as its arrivals, not its horizon
 * (before: 8.6e8 rejected candidates per replication). */
static void test_astronomical_work_refused(void **state)
{
	(void)state;
	char *p = write_tmp("{\"name\": \"huge\", \"horizon\": \"1h\", \"replications\": 2,"
			    " \"pools\": {\"main\": {}}, \"workloads\": {\"api\": {\"type\": \"requests\","
			    " \"arrival\": {\"rate\": \"1e9/s\"}, \"transaction\": {\"db_time\": \"1ms\"}}}}");
	char args[1024], *out, *err;
	snprintf(args, sizeof args, "run %s", p);
	assert_int_equal(run(args, &out, &err), 2);
	char want[512];
	/* the sensitivity's 2 more runs of the variant count: 3 x 2 x 7.2e12 */
	snprintf(want, sizeof want, "pooltide: %s: this run would simulate about 4.32e+13 events "
		 "(1 variant and the sensitivity's runs of one; the largest, 'base', about 7.2e+12 "
		 "per replication), more than --max-events 1e+10: shorten the horizon or lower the "
		 "rates, or raise --max-events (or --sensitivity off)\n", p);
	assert_string_equal(err, want);
	free(out);
	free(err);
	snprintf(args, sizeof args, "run %s --sensitivity off", p);
	assert_int_equal(run(args, &out, &err), 2);
	snprintf(want, sizeof want, "pooltide: %s: this run would simulate about 1.44e+13 events "
		 "(1 variant; the largest, 'base', about 7.2e+12 per replication), more than "
		 "--max-events 1e+10: shorten the horizon or lower the rates, or raise --max-events\n",
		 p);
	assert_string_equal(err, want);
	free(out);
	free(err);
	snprintf(args, sizeof args, "test ! -e %s/huge", outroot);
	assert_int_equal(system(args), 0);
	snprintf(args, sizeof args, "run %s --max-events 1e3 --horizon 10s --set "
				    "workloads.api.arrival.rate=1000", p);
	assert_int_equal(run(args, &out, &err), 2);
	assert_non_null(strstr(err, "about 1.2e+05 events"));
	free(out);
	free(err);
	remove(p);

	p = write_tmp("{\"name\": \"ends\", \"horizon\": \"1000d\", \"replications\": 2,"
		      " \"pools\": {\"main\": {}}, \"workloads\": {\"api\": {\"type\": \"requests\","
		      " \"arrival\": {\"profile\": [{\"at\": \"0s\", \"rate\": \"10/s\"},"
		      " {\"at\": \"1m\", \"rate\": 0}]}, \"transaction\": {\"db_time\": \"1ms\"}}}}");
	snprintf(args, sizeof args, "timeout 60 %s run %s --quiet --no-plot -o %s >/dev/null",
		 bin(), p, outroot);
	assert_int_equal(shell(args, &err), 0);
	free(err);
	remove(p);
}

/* Item 6, the backstop: work the estimate does not foresee (here 100 retries 1 ms apart on one
 * connection held 10 s: the estimate counts an arrival and a release per request) stops at
 * --max-events with exit 1 and a message naming the limit and the estimate, and no folder of
 * the run, rather than running on without a word. */
static void test_event_limit_backstop_exit_1(void **state)
{
	(void)state;
	char *p = write_tmp("{\"name\": \"retrying\", \"horizon\": \"60s\", \"replications\": 1,"
			    " \"pools\": {\"main\": {\"size\": 1, \"timeout\": \"1ms\"}},"
			    " \"workloads\": {\"api\": {\"type\": \"requests\","
			    " \"arrival\": {\"rate\": \"100/s\"}, \"retries\": 100, \"backoff\": \"1ms\","
			    " \"transaction\": {\"db_time\": \"10s\"}}}}");
	char args[1024], *out, *err;
	snprintf(args, sizeof args, "run %s --max-events 1e5 --sensitivity off --no-plot", p);
	assert_int_equal(run(args, &out, &err), 1);
	assert_non_null(strstr(err, "pooltide: simulation failed: a replication reached 1e+05 "
				    "events, the limit (--max-events), against an estimate of "));
	assert_non_null(strstr(err, "raise --max-events to let it run\n"));
	free(out);
	free(err);
	snprintf(args, sizeof args, "test -z \"$(ls -A %s/retrying 2>/dev/null)\"", outroot);
	assert_int_equal(system(args), 0);
	remove(p);
}

/* Item 5 (regression): out of memory inside the simulation was an abort() with no message
 * and a .tmp- folder left behind. A queue without a practical cap (max_waiting 0, timeout
 * 100d, 10000/s of 1 s transactions on one connection) under a 300 MB address-space limit:
 * exit 1, "simulation failed: out of memory", no folder of the run, for run and sweep alike.
 * Skipped under AddressSanitizer, whose shadow memory needs far more address space. */
static void test_out_of_memory_exit_1(void **state)
{
	(void)state;
#if defined(__SANITIZE_ADDRESS__)
	skip();
#else
	char *p = write_tmp("{\"name\": \"oom\", \"horizon\": \"10m\", \"replications\": 1,"
			    " \"pools\": {\"main\": {\"size\": 1, \"max_overflow\": 0, \"timeout\": \"100d\","
			    " \"max_waiting\": 0}}, \"workloads\": {\"api\": {\"type\": \"requests\","
			    " \"arrival\": {\"rate\": \"10000/s\"}, \"transaction\": {\"db_time\": \"1s\"}}}}");
	char cmd[1024], *err;
	const char *cmds[] = {"run %s", "sweep %s --vary pools.main.size=1,2"};
	for (int i = 0; i < 2; i++) {
		char args[512];
		snprintf(args, sizeof args, cmds[i], p);
		snprintf(cmd, sizeof cmd, "ulimit -v 300000; timeout 120 %s %s -j 1 --quiet --no-plot "
					  "-o %s >/dev/null", bin(), args, outroot);
		assert_int_equal(shell(cmd, &err), 1);
		assert_string_equal(err, "pooltide: simulation failed: out of memory\n");
		free(err);
		snprintf(cmd, sizeof cmd, "test -z \"$(ls -A %s/oom 2>/dev/null)\"", outroot);
		assert_int_equal(system(cmd), 0);
	}
	remove(p);
#endif
}

/* Item 15 (regression): a long scenario path cut the message before what is wrong. */
static void test_long_path_message(void **state)
{
	(void)state;
	char dir[4096] = "/tmp/pooltide-cli-long-XXXXXX", cmd[4200], *out, *err;
	assert_non_null(mkdtemp(dir));
	char root[64];
	/* the mkdtemp name is 29 bytes: root holds it whole (memcpy, so -O1's format-truncation
	 * analysis of a 4096-byte source has nothing to warn about) */
	size_t rl = strlen(dir);
	assert_true(rl < sizeof root);
	memcpy(root, dir, rl + 1);
	size_t n = strlen(dir);
	for (int i = 0; i < 14; i++) { /* 14 x 201 bytes: a path of about 2 900 bytes */
		dir[n++] = '/';
		memset(dir + n, 'd', 200);
		n += 200;
		dir[n] = 0;
		assert_int_equal(mkdir(dir, 0700), 0);
	}
	snprintf(cmd, sizeof cmd, "%s/x.json", dir);
	FILE *f = fopen(cmd, "w");
	assert_non_null(f);
	fputs("{\"pools\": {\"main\": {\"max_overflow\": \"twenty\"}}}", f);
	fclose(f);
	char args[8200];
	snprintf(args, sizeof args, "check %s", cmd);
	assert_int_equal(run(args, &out, &err), 2);
	assert_non_null(strstr(err, "x.json: pools.main.max_overflow: expected an integer >= -1, "
				    "got \"twenty\"\n"));
	free(out);
	free(err);
	snprintf(args, sizeof args, "rm -rf %s", root);
	assert_int_equal(system(args), 0);
}

/* A queue that grows without bound (issue: 1 connection, a 100-day timeout, 10000/s of 1 s
 * transactions) ends the run at max_waiting with exit 1, a message naming the pool, the cap
 * and the overload factor (10000/s x 1 s = 10000 connections busy against a cap of 1), and
 * no result folder. */
static void test_overload_cap(void **state)
{
	(void)state;
	char *out, *err, args[256];
	const char *path = write_tmp(
		"{\"name\": \"ovl\", \"horizon\": \"10m\", \"replications\": 2,"
		" \"pools\": {\"main\": {\"size\": 1, \"max_overflow\": 0, \"timeout\": \"100d\","
		" \"max_waiting\": 1000}},"
		" \"workloads\": {\"api\": {\"type\": \"requests\", \"arrival\": {\"rate\": \"10000/s\"},"
		" \"transaction\": {\"db_time\": \"1s\"}}}}");
	snprintf(args, sizeof args, "run %s --quiet --no-plot", path);
	assert_int_equal(run(args, &out, &err), 1);
	assert_non_null(strstr(err, "pool main: the queue of waiting requests grew past 1000 "
				    "(pools.main.max_waiting): the pool is overloaded by a factor of "
				    "10000 (10000 connections busy offered at the peak rate, against a "
				    "cap of 1)"));
	char cmd[512];
	snprintf(cmd, sizeof cmd, "test -z \"$(find %s -mindepth 2 2>/dev/null)\"", outroot);
	assert_int_equal(system(cmd), 0);
	remove(path);
	free(out);
	free(err);
}

/* Issue 7, "done when": a deployment that can open more connections than the database
 * accepts gets a budget warning from check and from run, its refusals show in the failure
 * rate, and its SLO on timeouts fails (exit 3 with --fail-on-slo). 2 processes x (5 + 5) = 20
 * connections against 12 - 3 = 9 usable slots; 600/s of 20 ms transactions keep about 12
 * connections busy, more than 9, so connects are refused at once (no pool timeout can happen
 * first: the pools' cap, 10 each, is never reached while the server is full). */
#define OVERBOOKED                                                                          \
	"{\"name\": \"overbooked\", \"horizon\": \"1m\", \"warmup\": \"10s\", \"replications\": 3," \
	" \"deployment\": {\"processes\": 2},"                                                   \
	" \"database\": {\"max_connections\": 12, \"connect_time\": \"2ms\"},"                   \
	" \"pools\": {\"main\": {\"size\": 5, \"max_overflow\": 5, \"timeout\": \"30s\"}},"       \
	" \"workloads\": {\"api\": {\"type\": \"requests\", \"arrival\": {\"rate\": \"600/s\"},"  \
	" \"transaction\": {\"db_time\": \"20ms\"}}},"                                           \
	" \"slo\": {\"api\": {\"timeout_rate\": \"0.1%\"}}}"

static void test_budget_refusals_fail_slo(void **state)
{
	(void)state;
	char *out, *err, args[512];
	char *p = write_tmp(OVERBOOKED);
	const char *warning = "pooltide: warning: variant 'base': connection budget 2 processes x "
			      "pool main (cap 10) = 20 > 9 usable slots (max_connections 12 - "
			      "superuser_reserved_connections 3 - reserved_connections 0): "
			      "PostgreSQL refuses the connects beyond 9 at once\n";
	snprintf(args, sizeof args, "check %s", p);
	assert_int_equal(run(args, &out, &err), 0);
	assert_non_null(strstr(err, warning));
	free(out);
	free(err);
	snprintf(args, sizeof args, "run %s -q -o %s --no-plot --fail-on-slo", p, outroot);
	assert_int_equal(run(args, &out, &err), 3);
	assert_non_null(strstr(err, warning));
	/* the refusals are failures: the SLO line names them and fails */
	assert_non_null(strstr(out, "refused by the database per replication fail"));
	assert_non_null(strstr(out, "20/9 EXCEEDS"));
	free(out);
	free(err);
	snprintf(args, sizeof args, "run %s -q -o %s --no-plot --format json", p, outroot);
	assert_int_equal(run(args, &out, &err), 0);
	assert_non_null(strstr(out, "\"exceeded\": true"));
	/* failure_rate = refused / offered, and it is not 0 */
	const char *fr = strstr(out, "\"failure_rate\": {\"mean\": ");
	const char *rr = strstr(out, "\"refused_rate\": {\"mean\": ");
	assert_non_null(fr);
	assert_non_null(rr);
	double f = strtod(fr + strlen("\"failure_rate\": {\"mean\": "), NULL);
	double r = strtod(rr + strlen("\"refused_rate\": {\"mean\": "), NULL);
	assert_true(f > 0.01);
	assert_true(f == r);
	free(out);
	free(err);
	remove(p);
}

/* ---- issue 7 item 6: --precision ---------------------------------------------------------- */

/* Bad values name the option and exit 2 before anything runs. */
static void test_precision_option_errors(void **state)
{
	(void)state;
	static const struct {
		const char *args, *msg;
	} cases[] = {
		{"run --precision 0", "pooltide: --precision expects a relative half-width between 0 "
				      "and 1 such as 0.05, or a percentage such as 5%, got '0'\n"},
		{"run --precision 1.5", "got '1.5'\n"},
		{"run --precision 100%", "got '100%'\n"},
		{"run --precision five", "got 'five'\n"},
		{"run --precision 5% --max-replications 1", "pooltide: --max-replications expects "
							    "an integer 2..100000, got '1'\n"},
		{"sweep x.json --precision 0.05 --max-replications lots", "got 'lots'\n"},
		{"run --max-replications 50", "pooltide: --max-replications needs --precision (without "
					      "it the replications are --replications)\n"},
		{"check scenarios/mmc-validation.json --precision 0.05",
		 "pooltide: option '--precision' does not belong to 'pooltide check' (it is for: run, "
		 "sweep, plan)\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *out, *err;
		assert_int_equal(run(cases[i].args, &out, &err), 2);
		if (!strstr(err, cases[i].msg))
			fail_msg("%s: %s", cases[i].args, err);
		assert_string_equal(out, "");
		free(out);
		free(err);
	}
}

/* The summary.json of a precision run without the lines that name the run itself. */
static char *normalised_summary(const char *dir)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "grep -hv '\"run_id\"\\|\"started_utc\"\\|\"wall_time_s\"\\|"
				  "\"threads\"' %s/mmc-validation/*/summary.json",
		 dir);
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t cap = 1 << 20, n = 0;
	char *buf = malloc(cap);
	assert_non_null(buf);
	n = fread(buf, 1, cap - 1, p);
	buf[n] = 0;
	pclose(p);
	return buf;
}

/* A run with --precision: the same summary.json with 1 and 2 threads; the manifest says how it
 * stopped; and its summary.csv is the plain run's with as many replications (replication i
 * keeps its seed whatever the rounds). */
static void test_precision_run(void **state)
{
	(void)state;
	char dirs[3][64], cmd[1024], *err;
	const char *common = "run scenarios/mmc-validation.json --horizon 60s --set warmup=5s "
			     "--set 'slo={\"api.timeout_rate\": \"2.1%\"}' -q --no-plot";
	for (int i = 0; i < 3; i++) {
		snprintf(dirs[i], sizeof dirs[i], "%s/precision%d", outroot, i);
		if (i < 2)
			snprintf(cmd, sizeof cmd, "%s %s -r 3 --precision 5%% -j %d -o %s >/dev/null",
				 bin(), common, i + 1, dirs[i]);
		else
			continue;
		assert_int_equal(shell(cmd, &err), 0);
		free(err);
	}
	char *a = normalised_summary(dirs[0]), *b = normalised_summary(dirs[1]);
	assert_string_equal(a, b);
	const char *pr = strstr(a, "\"precision\": {\"target\": 0.05, \"max_replications\": 1000, "
				   "\"rounds\": ");
	assert_non_null(pr);
	assert_non_null(strstr(pr, "\"stopped\": \"decided\""));
	const char *vr = strstr(pr, "\"variant_replications\": [");
	assert_non_null(vr);
	long n = strtol(vr + strlen("\"variant_replications\": ["), NULL, 10);
	assert_true(n > 3 && n < 1000);
	snprintf(cmd, sizeof cmd, "%s %s -r %ld -o %s >/dev/null", bin(), common, n, dirs[2]);
	assert_int_equal(shell(cmd, &err), 0);
	free(err);
	snprintf(cmd, sizeof cmd, "cmp %s/mmc-validation/*/summary.csv %s/mmc-validation/*/summary.csv"
				  " && cmp %s/mmc-validation/*/replications.csv "
				  "%s/mmc-validation/*/replications.csv",
		 dirs[0], dirs[2], dirs[0], dirs[2]);
	assert_int_equal(shell(cmd, &err), 0);
	free(err);
	/* the report says it */
	snprintf(cmd, sizeof cmd, "grep -q '^precision: --precision 5%%, at most 1000 replications: "
				  "%ld replications in [0-9]* rounds; stopped because every verdict "
				  "was decided' %s/mmc-validation/*/report.md",
		 n, dirs[0]);
	assert_int_equal(shell(cmd, &err), 0);
	free(err);
	free(a);
	free(b);
}

/* --replications above --max-replications was cut to the maximum without a word: an error now
 * (exit 2, both options named, no folder), from -r while parsing and from the scenario's own
 * (or --set) replications after loading, for run, sweep and plan alike. Without
 * --max-replications the default 1000 is raised to the first round (-r 1200 runs 1200). */
static void test_precision_first_round_above_max(void **state)
{
	(void)state;
	char dir[96], cmd[1024], *err;
	snprintf(dir, sizeof dir, "%s/firstround", outroot);
	static const struct {
		const char *args, *msg;
	} cases[] = {
		{"run scenarios/mmc-validation.json -r 50 --precision 5% --max-replications 10",
		 "pooltide: --replications 50 is above --max-replications 10 (with --precision, "
		 "--replications is the first round and --max-replications the most in all)\n"
		 "Try 'pooltide --help'.\n"},
		{"run scenarios/mmc-validation.json --precision 5% --max-replications 4",
		 "pooltide: scenarios/mmc-validation.json: replications 10 is above "
		 "--max-replications 4 (with --precision, the scenario's replications are the "
		 "first round and --max-replications the most in all)\n"},
		{"sweep scenarios/mmc-validation.json --vary pools.main.size=29,30 "
		 "--set replications=12 --precision 5% --max-replications 11",
		 "pooltide: scenarios/mmc-validation.json: replications 12 is above "
		 "--max-replications 11 (with --precision, the scenario's replications are the "
		 "first round and --max-replications the most in all)\n"},
		{"plan scenarios/mmc-validation.json --load api --set 'slo={\"api.timeout_rate\": "
		 "\"2%\"}' --precision 5% --max-replications 9",
		 "pooltide: scenarios/mmc-validation.json: replications 10 is above "
		 "--max-replications 9 (with --precision, the scenario's replications are the "
		 "first round and --max-replications the most in all)\n"},
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(cmd, sizeof cmd, "%s %s -q -o %s >/dev/null", bin(), cases[i].args, dir);
		assert_int_equal(shell(cmd, &err), 2);
		if (strcmp(err, cases[i].msg) != 0)
			fail_msg("%s:\n%s\nexpected:\n%s", cases[i].args, err, cases[i].msg);
		free(err);
		assert_int_equal(access(dir, F_OK), -1); /* nothing written */
	}
	/* equal is fine: -r 2 with --max-replications 2 runs (and stops at 2) */
	snprintf(cmd, sizeof cmd, "%s run scenarios/mmc-validation.json --horizon 10s --set "
				  "warmup=1s -r 2 --precision 5%% --max-replications 2 -q --no-plot "
				  "--sensitivity off -o %s >/dev/null",
		 bin(), dir);
	assert_int_equal(shell(cmd, &err), 0);
	free(err);
}

/* --format json on stdout has the "precision" member of summary.json's manifest, with the same
 * members and values. */
static void test_precision_json_stdout(void **state)
{
	(void)state;
	char dir[96], outf[128], cmd[1024], *out, *err;
	snprintf(dir, sizeof dir, "%s/precjson", outroot);
	snprintf(outf, sizeof outf, "%s/precjson.out", outroot);
	snprintf(cmd, sizeof cmd, "%s run scenarios/mmc-validation.json --horizon 60s --set "
				  "warmup=5s --set 'slo={\"api.timeout_rate\": \"2.1%%\"}' -q "
				  "--no-plot --sensitivity off -r 3 --precision 5%% -f json -o %s >%s",
		 bin(), dir, outf);
	assert_int_equal(shell(cmd, &err), 0);
	FILE *f = fopen(outf, "rb");
	assert_non_null(f);
	out = calloc(1, 1 << 20);
	assert_non_null(out);
	assert_true(fread(out, 1, (1 << 20) - 1, f) > 0);
	fclose(f);
	const char *p = strstr(out, "\n  \"precision\": {\"target\": 0.05, \"max_replications\": 1000, "
				    "\"rounds\": ");
	assert_non_null(p);
	p += strlen("\n  \"precision\": ");
	const char *close = strchr(p, '}'); /* the object holds arrays, no object */
	assert_non_null(close);
	size_t n = (size_t)(close - p) + 1;
	assert_non_null(strstr(p, "\"stopped\": \"decided\""));
	/* summary.json's manifest: the same object */
	char *a = normalised_summary(dir);
	const char *q = strstr(a, "\"precision\": ");
	assert_non_null(q);
	q += strlen("\"precision\": ");
	if (strncmp(p, q, n) != 0)
		fail_msg("stdout: %.*s\nsummary.json: %.*s", (int)n, p, (int)strcspn(q, "\n"), q);
	free(a);
	free(out);
	free(err);
}

/* Variants with different slo.WORKLOAD.window lengths: the terminal's worst-window table had the
 * first variant's headings over every row; each set of lengths has its own table now, headed by
 * its lengths, with its variants in the scenario's order (JSON and CSV name each variant's own
 * lengths already). */
static void test_worst_window_headings_per_variant(void **state)
{
	(void)state;
	const char *path = write_tmp(
		"{\"name\": \"windows\", \"horizon\": \"5m\", \"warmup\": \"30s\", \"replications\": 2,"
		" \"database\": {\"connect_time\": \"2ms\"},"
		" \"pools\": {\"main\": {\"size\": 3, \"max_overflow\": 1, \"timeout\": \"200ms\"}},"
		" \"workloads\": {\"api\": {\"type\": \"requests\", \"arrival\": {\"rate\": \"40/s\"},"
		" \"transaction\": {\"db_time\": {\"dist\": \"exponential\", \"mean\": \"90ms\"}}}},"
		" \"variants\": [{\"name\": \"3+1\"},"
		" {\"name\": \"6+2 short\", \"set\": {\"pools.main.size\": 6,"
		" \"slo.api.window\": [\"30s\", \"2m\"]}},"
		" {\"name\": \"4+1\", \"set\": {\"pools.main.size\": 4}}]}");
	char args[256], *out, *err;
	snprintf(args, sizeof args, "run %s --no-plot --sensitivity off", path);
	assert_int_equal(run(args, &out, &err), 0);
	const char *t1 = strstr(out, "variant    1m failure rate [95% CI]     1m p99     "
				     "5m failure rate [95% CI]     5m p99\n3+1 ");
	assert_non_null(t1);
	const char *end1 = strstr(t1 + 1, "worst windows");
	assert_non_null(end1);
	/* the first table: 3+1 and 4+1, not the variant with other lengths */
	const char *r41 = strstr(t1, "\n4+1 ");
	assert_true(r41 && r41 < end1);
	const char *r62 = strstr(t1, "\n6+2 short ");
	assert_true(r62 > end1);
	const char *t2 = strstr(end1, "variant    30s failure rate [95% CI]    30s p99    "
				      "2m failure rate [95% CI]     2m p99\n6+2 short ");
	if (!t2)
		fail_msg("%s", out);
	free(out);
	free(err);
	remove(path);
}

int main(void)
{
	if (!mkdtemp(outroot))
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_overload_cap),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_usage_errors_exit_2),
		cmocka_unit_test(test_command_help_and_options),
		cmocka_unit_test(test_run_selected_variants),
		cmocka_unit_test(test_invalid_scenario_exit_2),
		cmocka_unit_test(test_same_seed_same_bytes_any_threads),
		cmocka_unit_test(test_table_and_overrides),
		cmocka_unit_test(test_bundled_default_runs),
		cmocka_unit_test(test_slo_gate),
		cmocka_unit_test(test_batch_result_folder),
		cmocka_unit_test(test_progress_on_terminal),
		cmocka_unit_test(test_sweep_command),
		cmocka_unit_test(test_plan_command),
		cmocka_unit_test(test_options_repeated_and_output),
		cmocka_unit_test(test_scenario_from_stdin),
		cmocka_unit_test(test_astronomical_work_refused),
		cmocka_unit_test(test_event_limit_backstop_exit_1),
		cmocka_unit_test(test_out_of_memory_exit_1),
		cmocka_unit_test(test_long_path_message),
		cmocka_unit_test(test_budget_refusals_fail_slo),
		cmocka_unit_test(test_report_kind_words),
		cmocka_unit_test(test_precision_option_errors),
		cmocka_unit_test(test_precision_run),
		cmocka_unit_test(test_precision_first_round_above_max),
		cmocka_unit_test(test_precision_json_stdout),
		cmocka_unit_test(test_worst_window_headings_per_variant),
	};
	int rc = cmocka_run_group_tests_name("cli", tests, NULL, NULL);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", outroot);
	if (system(cmd) != 0)
		rc = 1;
	return rc;
}
