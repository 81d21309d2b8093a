/* Tests of app/validate and of the fit -> validate workflow on the real log:
 *   the observed estimators on a log small enough to compute by hand;
 *   the verdicts;
 *   `pooltide fit` on ../shared/data/sqlalchemy-queuepool-A.csv.gz, then `pooltide validate`
 *   of the fitted scenario against the same log: the timeout rate (1.50 % in the README)
 *   must agree within the observation's own interval, and the output must not depend on the
 *   thread count;
 *   the command-line errors (a missing column, a non-number, unsorted times: file, line and
 *   column named, exit 2, nothing written). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "app/validate.h"
#include "sim/status.h"

#define REAL_LOG "../shared/data/sqlalchemy-queuepool-A.csv.gz"

static void close_to(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol)) {
		print_error("got %.17g, want %.17g\n", got, want);
		fail();
	}
}

/* ---- the observed estimators, by hand -------------------------------------------------------- */

static void test_observe_exact(void **state)
{
	(void)state;
	/* window [0, 4) s in 2 bins of 2 s:
	 *   row  t    wait  hold  status   waiting       checked out
	 *   0    0    0     1     ok       -             [0, 1)        bin 0
	 *   1    0.5  0.5   1     ok       [0.5, 1)      [1, 2)        bin 0
	 *   2    1    0.3   -     timeout  [1, 1.3)      -             bin 0
	 *   3    2.5  0     1     ok       -             [2.5, 3.5)    bin 1
	 *   4    3    0.2   0.5   ok       [3, 3.2)      [3.2, 3.7)    bin 1
	 *   5    3.5  0.1   1     ok       [3.5, 3.6)    [3.6, 4.6)    bin 1 (0.4 s inside) */
	static double t[] = {0, 0.5, 1, 2.5, 3, 3.5}, w[] = {0, 0.5, 0.3, 0, 0.2, 0.1};
	static double h[] = {1, 1, NAN, 1, 0.5, 1};
	static unsigned char oc[] = {OBSLOG_OK, OBSLOG_OK, OBSLOG_TIMEOUT, OBSLOG_OK, OBSLOG_OK,
				     OBSLOG_OK};
	struct obslog log = {.n = 6, .t_s = t, .wait_s = w, .hold_s = h, .outcome = oc};
	struct validate_observed o;
	double t975 = gsl_cdf_tdist_Pinv(0.975, 1); /* 12.706: 2 bins, 1 degree of freedom */

	assert_int_equal(validate_observe(&log, 0, 4, 2, &o), PT_OK);
	assert_int_equal(o.requests, 6);
	/* timeout rate: T = (1, 0), N = (3, 3): r = 1/6; residuals T - r N = 0.5, -0.5;
	 * SE^2 = 0.5 / (2 x 1 x 3^2) = 1/36: r -/+ 12.7 / 6, clipped to [0, 1] */
	close_to(o.m[0].mean, 1.0 / 6, 1e-15);
	close_to(o.m[0].lo, 0, 0);
	close_to(o.m[0].hi, 1, 0);
	/* waits sorted 0, 0, 0.1, 0.2, 0.3, 0.5: p50 = the 3rd = 0.1; p95, p99 = the 6th = 0.5.
	 * p50's interval: waits <= 0.1 per bin (1, 2): share 1/2, SE 1/6 as above, so
	 * p -/+ 2.1 covers everything: [0, 0.5] */
	close_to(o.m[1].mean, 0.1, 0);
	close_to(o.m[1].lo, 0, 0);
	close_to(o.m[1].hi, 0.5, 0);
	close_to(o.m[2].mean, 0.5, 0);
	close_to(o.m[3].mean, 0.5, 0);
	/* checked out: bin 0 (1 + 1) / 2 s = 1; bin 1 (1 + 0.5 + 0.4) / 2 s = 0.95; mean 0.975,
	 * sd of the two sqrt(2) x 0.025, half-width t975 x 0.025 */
	close_to(o.m[4].mean, 0.975, 1e-12);
	close_to(o.m[4].hi - o.m[4].mean, t975 * 0.025, 1e-12);
	/* waiting: bin 0 (0.5 + 0.3) / 2 = 0.4; bin 1 (0.2 + 0.1) / 2 = 0.15; mean 0.275 */
	close_to(o.m[5].mean, 0.275, 1e-12);
	close_to(o.m[5].hi - o.m[5].mean, t975 * 0.125, 1e-12);

	/* a window with no request, too few bins, no hold column */
	assert_int_equal(validate_observe(&log, 10, 20, 2, &o), PT_EINVAL);
	assert_int_equal(validate_observe(&log, 0, 4, 1, &o), PT_EINVAL);
	log.hold_s = NULL;
	assert_int_equal(validate_observe(&log, 0, 4, 2, &o), PT_EINVAL);
}

/* The levels per process pool: test_observe_exact's rows with rows 0, 2, 4 written by one
 * process and 1, 3, 5 by another (pids in the log), in 2 bins of 2 s:
 *   process 0: checked out [0, 1) (row 0) and [3.2, 3.7) (row 4): bin 0 1/2, bin 1 0.5/2;
 *              waiting [1, 1.3) (row 2) and [3, 3.2) (row 4): bin 0 0.15, bin 1 0.1;
 *   process 1: checked out [1, 2) (row 1), [2.5, 3.5) and [3.6, 4) (rows 3, 5): bin 0 0.5,
 *              bin 1 1.4/2 = 0.7; waiting [0.5, 1) and [3.5, 3.6): bin 0 0.25, bin 1 0.05.
 * The model's pool metric is the mean over the processes' pools: checked out bin 0
 * (0.5 + 0.5)/2 = 0.5, bin 1 (0.25 + 0.7)/2 = 0.475, mean 0.4875, half-width t975 x 0.0125;
 * waiting bin 0 0.2, bin 1 0.075, mean 0.1375, half-width t975 x 0.0625. The rate and the
 * quantiles are per request, as before. */
static void test_observe_per_process(void **state)
{
	(void)state;
	static double t[] = {0, 0.5, 1, 2.5, 3, 3.5}, w[] = {0, 0.5, 0.3, 0, 0.2, 0.1};
	static double h[] = {1, 1, NAN, 1, 0.5, 1};
	static unsigned char oc[] = {OBSLOG_OK, OBSLOG_OK, OBSLOG_TIMEOUT, OBSLOG_OK, OBSLOG_OK,
				     OBSLOG_OK};
	static unsigned proc[] = {0, 1, 0, 1, 0, 1};
	struct obslog log = {.n = 6, .t_s = t, .wait_s = w, .hold_s = h, .outcome = oc,
			     .process = proc, .n_processes = 2};
	struct validate_observed o;
	double t975 = gsl_cdf_tdist_Pinv(0.975, 1);

	assert_int_equal(validate_observe(&log, 0, 4, 2, &o), PT_OK);
	assert_int_equal(o.processes, 2);
	/* with a process table: spans [0, 3] and [0.5, 3.5] overlap, 2 pools at once */
	struct obslog_process table[2] = {{0, 1, 3, 0, 3}, {0, 2, 3, 0.5, 3.5}};
	log.processes = table;
	assert_int_equal(obslog_processes_at_once(&log), 2);
	assert_int_equal(validate_observe(&log, 0, 4, 2, &o), PT_OK);
	assert_int_equal(o.processes, 2);
	close_to(o.m[4].mean, 0.4875, 1e-12);
	/* a worker replaced: spans [0, 1] and [1.5, 3.5] never overlap (touching would):
	 * one pool at a time, so the summed levels are that pool's, not halved: checked out bin 0
	 * 0.5 + 0.5 = 1, bin 1 0.25 + 0.7 = 0.95, mean 0.975 */
	table[0].last_s = 1;
	table[1].first_s = 1.5;
	assert_int_equal(obslog_processes_at_once(&log), 1);
	assert_int_equal(validate_observe(&log, 0, 4, 2, &o), PT_OK);
	assert_int_equal(o.processes, 1);
	close_to(o.m[4].mean, 0.975, 1e-12);
	table[1].first_s = 1; /* touching: both alive at 1 */
	assert_int_equal(obslog_processes_at_once(&log), 2);
	log.processes = NULL;
	assert_int_equal(validate_observe(&log, 0, 4, 2, &o), PT_OK);
	close_to(o.m[0].mean, 1.0 / 6, 1e-15);
	close_to(o.m[1].mean, 0.1, 0);
	close_to(o.m[4].mean, 0.4875, 1e-12);
	close_to(o.m[4].hi - o.m[4].mean, t975 * 0.0125, 1e-12);
	close_to(o.m[5].mean, 0.1375, 1e-12);
	close_to(o.m[5].hi - o.m[5].mean, t975 * 0.0625, 1e-12);
}

/* Coverage of the observed intervals on synthetic logs whose truth is known: Poisson arrivals
 * at 10/s over [0, 310) s, the window [10, 310) in 30 bins (the first 10 s let the levels reach
 * their stationary law), waits iid exponential of mean 10 ms, each request timing out with
 * probability 0.02 independently, holds of the others exponential of mean 0.5 s; no pool
 * limit, so:
 *   timeout rate 0.02; wait quantiles -0.01 ln(1 - p);
 *   checked out: M/M/inf with arrival rate 10 x 0.98 and mean hold 0.5: mean 4.9 (Little);
 *   waiting: M/M/inf with rate 10 and mean 0.01: mean 0.1.
 * Over R = 400 logs a 95 % interval must cover the truth about 95 % of the time: the count is
 * Binomial(400, 0.95), SE 1.09 %, and coverage below 95 % - 4.5 SE = 90.1 % would mean an
 * interval too narrow (the batch-means SE wrong); quantile intervals are order statistics, so
 * conservative (above 95 %) is expected and allowed. Fixed seed. */
static void test_observe_coverage(void **state)
{
	(void)state;
	enum { R = 400, CAP = 8000 };
	static double t[CAP], w[CAP], h[CAP];
	static unsigned char oc[CAP];
	const double truth[VALIDATE_METRICS] = {0.02, -0.01 * log(0.5), -0.01 * log(0.05),
						 -0.01 * log(0.01), 4.9, 0.1};
	int covered[VALIDATE_METRICS] = {0};
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(r);
	gsl_rng_set(r, 90210);
	for (int rep = 0; rep < R; rep++) {
		size_t n = 0;
		for (double at = gsl_ran_exponential(r, 0.1); at < 310;
		     at += gsl_ran_exponential(r, 0.1)) {
			assert_true(n < CAP);
			t[n] = at;
			w[n] = gsl_ran_exponential(r, 0.01);
			bool out = gsl_rng_uniform(r) < 0.02;
			oc[n] = out ? OBSLOG_TIMEOUT : OBSLOG_OK;
			h[n] = out ? NAN : gsl_ran_exponential(r, 0.5);
			n++;
		}
		struct obslog log = {.n = n, .t_s = t, .wait_s = w, .hold_s = h, .outcome = oc};
		struct validate_observed o;
		assert_int_equal(validate_observe(&log, 10, 310, 30, &o), PT_OK);
		for (int i = 0; i < VALIDATE_METRICS; i++)
			covered[i] += o.m[i].lo <= truth[i] && truth[i] <= o.m[i].hi;
	}
	for (int i = 0; i < VALIDATE_METRICS; i++) {
		double c = (double)covered[i] / R;
		if (!(c >= 0.901 && c <= 1.0)) {
			print_error("%s: coverage %.3f of the 95 %% interval\n", validate_metric_name(i),
				    c);
			fail();
		}
	}
	gsl_rng_free(r);
}

static void test_judge(void **state)
{
	(void)state;
	struct validate_interval obs = {1.5, 1.0, 2.0};
	struct validate_interval in = {1.9, 1.8, 2.0}, over = {2.2, 1.9, 2.5},
				 off = {2.6, 2.1, 3.1}, below = {0.5, 0.4, 0.99};
	assert_int_equal(validate_judge(&in, &obs), VALIDATE_AGREES);
	assert_int_equal(validate_judge(&over, &obs), VALIDATE_OVERLAPS);
	assert_int_equal(validate_judge(&off, &obs), VALIDATE_DIFFERS);
	assert_int_equal(validate_judge(&below, &obs), VALIDATE_DIFFERS);
	assert_string_equal(validate_verdict_name(VALIDATE_OVERLAPS), "overlaps");
	assert_string_equal(validate_metric_name(0), "timeout_rate");
	assert_string_equal(validate_metric_name(5), "waiters_mean");
}

/* ---- the command line ------------------------------------------------------------------------ */

static const char *bin(void)
{
	const char *b = getenv("POOLTIDE");
	return b && *b ? b : "build/pooltide";
}

/* Run pooltide with args; stdout and stderr into malloc'ed strings; the exit code. */
static int run(const char *args, char **out, char **err)
{
	char of[] = "/tmp/pooltide-validate-out-XXXXXX", ef[] = "/tmp/pooltide-validate-err-XXXXXX";
	int a = mkstemp(of), b = mkstemp(ef);
	char cmd[2048];
	assert_true(a >= 0 && b >= 0);
	close(a);
	close(b);
	snprintf(cmd, sizeof cmd, "%s %s >%s 2>%s </dev/null", bin(), args, of, ef);
	int st = system(cmd);
	assert_true(st != -1 && WIFEXITED(st));
	const char *files[2] = {of, ef};
	char **dst[2] = {out, err};
	for (int i = 0; i < 2; i++) {
		FILE *f = fopen(files[i], "rb");
		assert_non_null(f);
		fseek(f, 0, SEEK_END);
		long n = ftell(f);
		fseek(f, 0, SEEK_SET);
		char *s = malloc((size_t)n + 1);
		assert_non_null(s);
		assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
		s[n] = 0;
		fclose(f);
		remove(files[i]);
		*dst[i] = s;
	}
	return WEXITSTATUS(st);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)n + 1);
	assert_non_null(s);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = 0;
	fclose(f);
	return s;
}

/* The value after "prefix" in s, up to the end of the line (into buf). */
static const char *after(const char *s, const char *prefix, char *buf, size_t len)
{
	const char *p = strstr(s, prefix);
	assert_non_null(p);
	p += strlen(prefix);
	size_t n = strcspn(p, "\n");
	snprintf(buf, len, "%.*s", (int)(n < len ? n : len - 1), p);
	return buf;
}

static void remove_tree(const char *path)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
	assert_int_equal(system(cmd), 0);
}

static void test_fit_then_validate_real_log(void **state)
{
	(void)state;
	char root[] = "/tmp/pooltide-validate-XXXXXX", args[1024], buf[1024];
	char *out, *err;
	assert_non_null(mkdtemp(root));

	snprintf(args, sizeof args, "fit " REAL_LOG " --time t0 --warmup 10s -o %s", root);
	int rc = run(args, &out, &err);
	if (rc != 0)
		print_error("fit: exit %d: %s\n", rc, err);
	assert_int_equal(rc, 0);
	/* the hold the connections had: a shifted exponential (test_fit checks the numbers) */
	assert_non_null(strstr(out, "chosen: shifted exponential"));
	char scenario[600];
	after(out, "scenario: ", scenario, sizeof scenario);
	free(out);
	free(err);
	char *json = slurp(scenario);
	/* the inferred pool: pool_size=10, max_overflow=0, pool_timeout=0.1 (the README's set-up) */
	assert_non_null(strstr(json, "\"kind\": \"sqlalchemy\", \"size\": 10, \"max_overflow\": 0, \"timeout\": \"0.1s\""));
	free(json);

	char *csv[2];
	for (int j = 0; j < 2; j++) {
		snprintf(args, sizeof args, "validate %s --observed " REAL_LOG " --time t0 -j %d -o %s",
			 scenario, j + 1, root);
		rc = run(args, &out, &err);
		if (rc != 0)
			print_error("validate: exit %d: %s\n", rc, err);
		assert_int_equal(rc, 0);
		/* the timeout rate agrees within the observation's own interval */
		const char *line = strstr(out, "\ntimeout_rate ");
		assert_non_null(line);
		size_t n = strcspn(line + 1, "\n");
		assert_non_null(strstr(after(line, "timeout_rate ", buf, sizeof buf), "agrees"));
		assert_true(n > 0);
		after(err, "results: ", buf, sizeof buf);
		char path[1100];
		snprintf(path, sizeof path, "%svalidate.csv", buf);
		csv[j] = slurp(path);
		free(out);
		free(err);
	}
	/* whatever the thread count, the same bytes */
	assert_string_equal(csv[0], csv[1]);
	/* and the observation is the README's: 1.50 % of the requests in the window */
	const char *tr = strstr(csv[0], "\ntimeout_rate,");
	assert_non_null(tr);
	double v[6];
	assert_int_equal(sscanf(tr + 14, "%lf,%lf,%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3], &v[4],
				&v[5]), 6);
	close_to(v[3], 0.0150, 0.0005);
	assert_true(v[4] < v[0] && v[0] < v[5]); /* the prediction inside the observed interval */
	free(csv[0]);
	free(csv[1]);
	remove_tree(root);
}

/* fit's errors: exit 2, the file, line and column named, nothing written */
static void expect_fit_error(const char *log_text, const char *opts, const char *want_after_path)
{
	char root[] = "/tmp/pooltide-validate-XXXXXX", logp[] = "/tmp/pooltide-log-XXXXXX";
	char args[1024], want[1024];
	char *out, *err;
	assert_non_null(mkdtemp(root));
	int fd = mkstemp(logp);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, log_text, strlen(log_text)), (ssize_t)strlen(log_text));
	close(fd);
	snprintf(args, sizeof args, "fit %s %s -o %s", logp, opts, root);
	assert_int_equal(run(args, &out, &err), 2);
	snprintf(want, sizeof want, "pooltide: %s%s\n", logp, want_after_path);
	assert_string_equal(err, want);
	/* nothing in the output root */
	DIR *d = opendir(root);
	assert_non_null(d);
	struct dirent *e;
	int entries = 0;
	while ((e = readdir(d)))
		entries += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	assert_int_equal(entries, 0);
	free(out);
	free(err);
	remove(logp);
	remove_tree(root);
}

static void test_fit_errors(void **state)
{
	(void)state;
	expect_fit_error("ts,latency,hold,status\n1,0,0.1,ok\n", "--time ts --wait wait",
			 ":1: expected a column \"wait\" (--wait), got columns: ts, latency, hold, "
			 "status");
	expect_fit_error("time,wait,hold,status\n1,0,0.1,ok\n2,0,slow,ok\n", "",
			 ":3: column \"hold\": expected a number of seconds >= 0 (the row is ok), "
			 "got \"slow\"");
	expect_fit_error("time,wait,hold,status\n1,0,0.1,ok\n3,0,0.1,ok\n2,0,0.1,ok\n", "",
			 ":4: column \"time\": expected a time >= the previous one (3): rows in "
			 "order of request time, got \"2\"");
	expect_fit_error("time,wait,status\n1,0,ok\n3,0,ok\n", "",
			 ": expected at least 2 hold times (a \"hold\" column, --hold COL) or "
			 "--pg-stat-statements FILE, got 0");
	/* the pid column: named and absent, or not a process id */
	expect_fit_error("time,wait,hold,status\n1,0,0.1,ok\n", "--pid worker",
			 ":1: expected a column \"worker\" (--pid), got columns: time, wait, hold, "
			 "status");
	expect_fit_error("time,wait,hold,status,pid\n1,0,0.1,ok,7\n2,0,0.2,ok,web-1\n", "",
			 ":3: column \"pid\": expected a process id (an integer >= 0), got "
			 "\"web-1\"");
}

/* request timestamps alone, with the hold from a pg_stat_statements export */
static void test_fit_timestamps_and_pgss(void **state)
{
	(void)state;
	char root[] = "/tmp/pooltide-validate-XXXXXX", logp[] = "/tmp/pooltide-times-XXXXXX";
	char pgss[] = "/tmp/pooltide-pgss-XXXXXX", args[1024], scenario[600];
	char *out, *err;
	assert_non_null(mkdtemp(root));
	/* 400 requests 0.25 s apart: 4/s over 99.75 s */
	FILE *f = fdopen(mkstemp(logp), "w");
	assert_non_null(f);
	fputs("time\n", f);
	for (int i = 0; i < 400; i++)
		fprintf(f, "%.2f\n", 1000 + 0.25 * i);
	fclose(f);
	/* 300 calls at 10 ms (sd 2), 100 at 50 ms (sd 10): pooled mean 20 ms, sd sqrt(328) ms
	 * (worked out in test_obslog.c) */
	f = fdopen(mkstemp(pgss), "w");
	assert_non_null(f);
	fputs("query,calls,mean_exec_time,stddev_exec_time\nSELECT 1,300,10,2\nUPDATE x,100,50,10\n",
	      f);
	fclose(f);
	snprintf(args, sizeof args, "fit %s --pg-stat-statements %s --pool-size 3 "
		 "--pool-timeout 2s -o %s", logp, pgss, root);
	int rc = run(args, &out, &err);
	if (rc != 0)
		print_error("fit: exit %d: %s\n", rc, err);
	assert_int_equal(rc, 0);
	after(out, "scenario: ", scenario, sizeof scenario);
	char *json = slurp(scenario);
	/* 400 / 99.75 s */
	char want[128];
	snprintf(want, sizeof want, "\"rate\": \"%.9g/s\"", 400 / 99.75);
	assert_non_null(strstr(json, want));
	assert_non_null(strstr(json, "\"size\": 3, \"max_overflow\": 0, \"timeout\": \"2s\""));
	snprintf(want, sizeof want, "{\"dist\": \"lognormal\", \"mean\": \"0.02s\", \"sd\": "
		 "\"%.9gs\"}", sqrt(328) / 1000);
	assert_non_null(strstr(json, want));
	free(json);
	free(out);
	free(err);
	/* the fitted scenario loads */
	snprintf(args, sizeof args, "check %s", scenario);
	assert_int_equal(run(args, &out, &err), 0);
	free(out);
	free(err);
	remove(logp);
	remove(pgss);
	remove_tree(root);
}

/* holds no single shape fits (half about 2 ms, half about 200 ms): the scenario samples the
 * log's own column, and loads */
static void test_fit_bimodal_is_empirical(void **state)
{
	(void)state;
	char root[] = "/tmp/pooltide-validate-XXXXXX", logp[] = "/tmp/pooltide-bimodal-XXXXXX";
	char args[1024], scenario[600];
	char *out, *err;
	assert_non_null(mkdtemp(root));
	FILE *f = fdopen(mkstemp(logp), "w");
	assert_non_null(f);
	fputs("time,wait,latency_s,status\n", f);
	for (int i = 0; i < 2000; i++) /* deterministic spread inside each mode */
		fprintf(f, "%.3f,0,%.6f,ok\n", 0.1 * i,
			(i % 2 ? 0.002 : 0.200) * (0.8 + 0.4 * ((i * 7919) % 1000) / 1000.0));
	fclose(f);
	snprintf(args, sizeof args, "fit %s --hold latency_s --no-plot -o %s", logp, root);
	int rc = run(args, &out, &err);
	if (rc != 0)
		print_error("fit: exit %d: %s\n", rc, err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "chosen: empirical: no parametric fit is within a KS distance "
				    "of 0.05 of the observed CDF"));
	after(out, "scenario: ", scenario, sizeof scenario);
	char *json = slurp(scenario);
	char want[256];
	snprintf(want, sizeof want, "{\"dist\": \"empirical\", \"file\": \"%s\", \"column\": "
		 "\"latency_s\"}", logp);
	assert_non_null(strstr(json, want));
	free(json);
	free(out);
	free(err);
	snprintf(args, sizeof args, "check %s", scenario);
	assert_int_equal(run(args, &out, &err), 0);
	assert_non_null(strstr(out, "\"dist\":\t\"empirical\""));
	free(out);
	free(err);
	remove(logp);
	remove_tree(root);
}

/* fit of two processes' logs (the contrib logger writes one per process): merged by time,
 * the scenario has 2 processes, each its own pool sized by the most connections checked out
 * at once in one process. Process a's requests come every 0.1 s and hold less than 0.1 s, so
 * it never has two out at once; b's are a's 1 ms later, so the two logs together have two
 * out at once: the pool is 1, not 2. The holds (two modes, 40x apart) fit no parametric
 * shape: the empirical distribution reads holds.csv, the merged holds written beside the
 * scenario, and `check` resolves it there. The second log comes as a path or as --observed. */
static void test_fit_several_logs(void **state)
{
	(void)state;
	char root[] = "/tmp/pooltide-validate-XXXXXX", la[] = "/tmp/pooltide-la-XXXXXX",
	     lb[] = "/tmp/pooltide-lb-XXXXXX";
	char args[1024], scenario[600];
	char *out, *err;
	assert_non_null(mkdtemp(root));
	FILE *fa = fdopen(mkstemp(la), "w"), *fb = fdopen(mkstemp(lb), "w");
	assert_non_null(fa);
	assert_non_null(fb);
	fputs("time,wait,hold,status\n", fa);
	fputs("time,wait,hold,status\n", fb);
	for (int i = 0; i < 1000; i++) {
		double h = (i % 2 ? 0.002 : 0.08) * (0.8 + 0.4 * ((i * 7919) % 1000) / 1000.0);
		fprintf(fa, "%.3f,0,%.6f,ok\n", 0.1 * i, h);
		fprintf(fb, "%.3f,0,%.6f,ok\n", 0.1 * i + 0.001, h);
	}
	fclose(fa);
	fclose(fb);
	for (int form = 0; form < 2; form++) {
		snprintf(args, sizeof args, "fit %s %s%s --no-plot -o %s", la,
			 form ? "--observed " : "", lb, root);
		int rc = run(args, &out, &err);
		if (rc != 0)
			print_error("fit: exit %d: %s\n", rc, err);
		assert_int_equal(rc, 0);
		assert_non_null(strstr(out, "chosen: empirical"));
		after(out, "scenario: ", scenario, sizeof scenario);
		char *json = slurp(scenario);
		assert_non_null(strstr(json, "2000 requests over 99.901 s in 2 logs, one per process "
					     "(merged by time)"));
		/* each log one process (no pid column), 1000 rows, never two out at once */
		char want[1024];
		snprintf(want, sizeof want, "\nProcesses\n  2 processes (a log and a pid each), each "
			 "with its own pool:\n    %s (no pid column): 1000 rows, at most 1 checked out "
			 "at once\n    %s (no pid column): 1000 rows, at most 1 checked out at once\n",
			 la, lb);
		assert_non_null(strstr(out, want));
		assert_non_null(strstr(json, "\"deployment\": {\"processes\": 2},\n"));
		assert_non_null(strstr(json, "\"size\": 1, "));
		assert_non_null(strstr(json, "{\"dist\": \"empirical\", \"file\": \"holds.csv\", "
					     "\"column\": \"hold\"}"));
		free(json);
		free(out);
		free(err);
		snprintf(args, sizeof args, "check %s", scenario);
		assert_int_equal(run(args, &out, &err), 0);
		assert_non_null(strstr(out, "\"dist\":\t\"empirical\""));
		free(out);
		free(err);
		remove_tree(root);
		assert_non_null(mkdtemp(strcpy(root, "/tmp/pooltide-validate-XXXXXX")));
	}
	/* a log with other columns is refused, both named */
	fb = fopen(lb, "w");
	assert_non_null(fb);
	fputs("time,wait,status\n1,0,ok\n", fb);
	fclose(fb);
	snprintf(args, sizeof args, "fit %s %s -o %s", la, lb, root);
	assert_int_equal(run(args, &out, &err), 2);
	char want[1024];
	snprintf(want, sizeof want, "pooltide: %s: expected the columns of %s (time time, wait "
		 "wait, hold hold, status status), got time time, wait wait, hold -, status "
		 "status\n", lb, la);
	assert_string_equal(err, want);
	free(out);
	free(err);
	/* another command takes no second path */
	assert_int_equal(run("check scenarios/incident.json scenarios/async.json", &out, &err), 2);
	assert_non_null(strstr(err, "unexpected argument 'scenarios/async.json'"));
	free(out);
	free(err);
	remove(la);
	remove(lb);
	remove_tree(root);
}

/* One log that two processes append to (the pid column), pids 11 and 22 interleaved:
 *   time  pid  hold   checked out
 *   0.0   11   0.50   [0.0, 0.50)
 *   0.1   22   0.51   [0.1, 0.61)
 *   0.2   11   0.52   [0.2, 0.72)
 *   0.3   22   0.53   [0.3, 0.83)
 *   0.4   22   0.54   [0.4, 0.94)
 * At 0.4 s process 22 holds 3 (its 0.1, 0.3 and 0.4) and process 11 holds 2 (its 0.0 and
 * 0.2): each process's own pool needs 3, so size 3 and 2 processes; read as one process (a
 * log without pid, below) the 5 out at once at 0.4 s make size 5 and no deployment. The rate
 * is the service's, 5 requests over 0.4 s = 12.5/s, whatever the processes. A second log b
 * from another host with the same pid 11 (0.15 and 0.25, holds 0.5: [0.15, 0.65),
 * [0.25, 0.75)) is a third process, holding 2 at most: size still 3. Had the pid alone
 * been the process, "11" would hold 4 at 0.25 s (0.0, 0.15, 0.2, 0.25). The two pids'
 * rows concatenated (11's, then 22's: the file out of order, each process in order) fit
 * the same. */
static void test_fit_pid_interleaved(void **state)
{
	(void)state;
	char root[] = "/tmp/pooltide-validate-XXXXXX", la[] = "/tmp/pooltide-pida-XXXXXX",
	     lb[] = "/tmp/pooltide-pidb-XXXXXX", ln[] = "/tmp/pooltide-nopid-XXXXXX",
	     lc[] = "/tmp/pooltide-pidc-XXXXXX";
	char args[1024], scenario[600], want[1024];
	char *out, *err;
	static const double t[5] = {0, 0.1, 0.2, 0.3, 0.4}, h[5] = {0.5, 0.51, 0.52, 0.53, 0.54};
	static const int pid[5] = {11, 22, 11, 22, 22};
	assert_non_null(mkdtemp(root));
	FILE *fa = fdopen(mkstemp(la), "w"), *fb = fdopen(mkstemp(lb), "w"),
	     *fn = fdopen(mkstemp(ln), "w");
	assert_non_null(fa);
	assert_non_null(fb);
	assert_non_null(fn);
	fputs("time,wait,hold,status,pool,pid,fresh\n", fa);
	fputs("time,wait,hold,status\n", fn);
	for (int i = 0; i < 5; i++) {
		fprintf(fa, "%.2f,0,%.2f,ok,main,%d,0\n", t[i], h[i], pid[i]);
		fprintf(fn, "%.2f,0,%.2f,ok\n", t[i], h[i]);
	}
	fputs("time,wait,hold,status,pool,pid,fresh\n0.15,0,0.5,ok,main,11,0\n"
	      "0.25,0,0.5,ok,main,11,0\n", fb);
	fclose(fa);
	fclose(fb);
	fclose(fn);
	FILE *fc = fdopen(mkstemp(lc), "w");
	assert_non_null(fc);
	fputs("time,wait,hold,status,pool,pid,fresh\n", fc);
	for (int k = 0; k < 2; k++)
		for (int i = 0; i < 5; i++)
			if (pid[i] == (k ? 22 : 11))
				fprintf(fc, "%.2f,0,%.2f,ok,main,%d,0\n", t[i], h[i], pid[i]);
	fclose(fc);

	snprintf(args, sizeof args, "fit %s --no-plot -o %s", la, root);
	int rc = run(args, &out, &err);
	if (rc != 0)
		print_error("fit: exit %d: %s\n", rc, err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "5 requests over 0.4 s: 12.5/s"));
	snprintf(want, sizeof want, "\nProcesses\n  2 processes (a log and a pid each), each with "
		 "its own pool:\n    %s pid 11: 2 rows, at most 2 checked out at once\n    %s pid "
		 "22: 3 rows, at most 3 checked out at once\n", la, la);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "size 3 (the most connections checked out at once in one "
				    "process)"));
	after(out, "scenario: ", scenario, sizeof scenario);
	char *json = slurp(scenario);
	assert_non_null(strstr(json, "5 requests over 0.4 s from 2 processes (a log and a pid "
				     "each)."));
	assert_non_null(strstr(json, "\"deployment\": {\"processes\": 2},\n"));
	assert_non_null(strstr(json, "\"size\": 3, "));
	free(json);
	/* fit.md lists every process */
	char md[700];
	snprintf(md, sizeof md, "%.*sfit.md", (int)(strlen(scenario) - strlen("scenario.json")),
		 scenario);
	char *doc = slurp(md);
	snprintf(want, sizeof want, "| log | pid | rows | most checked out at once |\n"
		 "|---|---|---|---|\n| %s | 11 | 2 | 2 |\n| %s | 22 | 3 | 3 |\n", la, la);
	assert_non_null(strstr(doc, want));
	free(doc);
	free(out);
	free(err);
	snprintf(args, sizeof args, "check %s", scenario);
	assert_int_equal(run(args, &out, &err), 0);
	free(out);
	free(err);

	/* concatenated: the same fit */
	snprintf(args, sizeof args, "fit %s --no-plot -o %s", lc, root);
	rc = run(args, &out, &err);
	if (rc != 0)
		print_error("fit: exit %d: %s\n", rc, err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "5 requests over 0.4 s: 12.5/s"));
	snprintf(want, sizeof want, "\nProcesses\n  2 processes (a log and a pid each), each with "
		 "its own pool:\n    %s pid 11: 2 rows, at most 2 checked out at once\n    %s pid "
		 "22: 3 rows, at most 3 checked out at once\n", lc, lc);
	assert_non_null(strstr(out, want));
	after(out, "scenario: ", scenario, sizeof scenario);
	json = slurp(scenario);
	assert_non_null(strstr(json, "\"deployment\": {\"processes\": 2},\n"));
	assert_non_null(strstr(json, "\"size\": 3, "));
	free(json);
	free(out);
	free(err);

	/* a and b: a log and a pid each, three processes */
	snprintf(args, sizeof args, "fit %s %s --no-plot -o %s", la, lb, root);
	rc = run(args, &out, &err);
	if (rc != 0)
		print_error("fit: exit %d: %s\n", rc, err);
	assert_int_equal(rc, 0);
	snprintf(want, sizeof want, "  3 processes (a log and a pid each), each with its own "
		 "pool:\n    %s pid 11: 2 rows, at most 2 checked out at once\n    %s pid 22: 3 "
		 "rows, at most 3 checked out at once\n    %s pid 11: 2 rows, at most 2 checked out "
		 "at once\n", la, la, lb);
	assert_non_null(strstr(out, want));
	after(out, "scenario: ", scenario, sizeof scenario);
	json = slurp(scenario);
	assert_non_null(strstr(json, "7 requests over 0.4 s from 3 processes (a log and a pid "
				     "each), the logs merged by time."));
	assert_non_null(strstr(json, "\"deployment\": {\"processes\": 3},\n"));
	assert_non_null(strstr(json, "\"size\": 3, "));
	free(json);
	free(out);
	free(err);

	/* a worker replaced: pid 5 serves [0, 0.1], then pid 6 [0.2, 0.3]: two processes seen,
	 * never two at once, which the report says; the scenario has the one that ran at a time
	 * (no deployment block: one process is the default) */
	FILE *fr = fopen(ln, "w");
	assert_non_null(fr);
	fputs("time,wait,hold,status,pid\n0.0,0,0.05,ok,5\n0.1,0,0.06,ok,5\n0.2,0,0.05,ok,6\n"
	      "0.3,0,0.07,ok,6\n", fr);
	fclose(fr);
	snprintf(args, sizeof args, "fit %s --no-plot -o %s", ln, root);
	rc = run(args, &out, &err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "\n  at most 1 at once (each from its first to its last "
				    "request): workers replaced during the log? "
				    "deployment.processes is 1, the most alive together, not the 2 "
				    "seen\n"));
	after(out, "scenario: ", scenario, sizeof scenario);
	json = slurp(scenario);
	assert_null(strstr(json, "\"deployment\""));
	free(json);
	free(out);
	free(err);
	/* and the interleaved workers overlap: no such line */
	snprintf(args, sizeof args, "fit %s --no-plot -o %s", la, root);
	rc = run(args, &out, &err);
	assert_int_equal(rc, 0);
	assert_null(strstr(out, "at once (each from"));
	free(out);
	free(err);

	/* the same rows without a pid column: one process, as before */
	fn = fopen(ln, "w");
	assert_non_null(fn);
	fputs("time,wait,hold,status\n", fn);
	for (int i = 0; i < 5; i++)
		fprintf(fn, "%.2f,0,%.2f,ok\n", t[i], h[i]);
	fclose(fn);
	snprintf(args, sizeof args, "fit %s --no-plot -o %s", ln, root);
	rc = run(args, &out, &err);
	assert_int_equal(rc, 0);
	assert_null(strstr(out, "Processes"));
	assert_non_null(strstr(out, "size 5 (the most connections checked out at once)"));
	after(out, "scenario: ", scenario, sizeof scenario);
	json = slurp(scenario);
	assert_null(strstr(json, "deployment"));
	assert_non_null(strstr(json, "\"size\": 5, "));
	free(json);
	free(out);
	free(err);

	remove(la);
	remove(lb);
	remove(ln);
	remove(lc);
	remove_tree(root);
}

/* validate compares the levels per process pool. A service of two processes (pids 101 and
 * 202, one file, rows interleaved), each with Poisson arrivals at 5/s over [0, 400) s and
 * exponential holds of mean 0.2 s, never waiting (the pool never full): each process's
 * checked-out connections are M/M/inf, mean 5 x 0.2 = 1 (Little), and the file's total 2.
 * fit (warm-up 10 s) gives 2 processes, the service's rate r = n / span and the holds' mean
 * m as fitted from this sample; the model spreads r round-robin, r/2 per process, and no
 * request times out, so by Little its mean per process pool is r m / 2 (about 1, off by the
 * sample's error, which the prediction's interval over replications does not include). So
 * the observed interval must hold the truth 1 and the predicted one r m / 2, each a 95 %
 * interval (fixed seed 4242): a check of the per-process division, as the file's total, 2,
 * lies some 20 half-widths away; and the verdict must not be "differs". The same rows written
 * as one log per process and given as two --observed logs validate the same (every value
 * within 1e-9 relative: the merge recomputes the times from each log's origin). */
static void test_fit_then_validate_processes(void **state)
{
	(void)state;
	char root[] = "/tmp/pooltide-validate-XXXXXX", logp[] = "/tmp/pooltide-procs-XXXXXX",
	     la[] = "/tmp/pooltide-procs-a-XXXXXX", lb[] = "/tmp/pooltide-procs-b-XXXXXX";
	char args[1024], scenario[600], buf[1100];
	char *out, *err;
	assert_non_null(mkdtemp(root));
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(r);
	gsl_rng_set(r, 4242);
	FILE *f = fdopen(mkstemp(logp), "w"), *fp[2] = {fdopen(mkstemp(la), "w"),
							 fdopen(mkstemp(lb), "w")};
	assert_non_null(f);
	assert_non_null(fp[0]);
	assert_non_null(fp[1]);
	fputs("time,wait,hold,status,pool,pid,fresh\n", f);
	fputs("time,wait,hold,status,pool,pid,fresh\n", fp[0]);
	fputs("time,wait,hold,status,pool,pid,fresh\n", fp[1]);
	double next[2] = {gsl_ran_exponential(r, 0.2), gsl_ran_exponential(r, 0.2)};
	double first = NAN, last = 0, sum_hold = 0;
	int n = 0;
	for (;;) {
		int k = next[1] < next[0];
		if (next[k] >= 400)
			break;
		char row[96];
		snprintf(row, sizeof row, "%.6f,0,%.6f,ok,main,%d,0\n", next[k],
			 gsl_ran_exponential(r, 0.2), k ? 202 : 101);
		fputs(row, f);
		fputs(row, fp[k]);
		/* the values as written */
		char *end;
		last = strtod(row, &end);
		first = n ? first : last;
		sum_hold += strtod(end + 3, NULL);
		n++;
		next[k] += gsl_ran_exponential(r, 0.2);
	}
	fclose(f);
	fclose(fp[0]);
	fclose(fp[1]);
	gsl_rng_free(r);
	double little = n / (last - first) * (sum_hold / n) / 2;

	snprintf(args, sizeof args, "fit %s --warmup 10s --no-plot -o %s", logp, root);
	int rc = run(args, &out, &err);
	if (rc != 0)
		print_error("fit: exit %d: %s\n", rc, err);
	assert_int_equal(rc, 0);
	after(out, "scenario: ", scenario, sizeof scenario);
	free(out);
	free(err);
	char *json = slurp(scenario);
	assert_non_null(strstr(json, "\"deployment\": {\"processes\": 2},\n"));
	free(json);

	snprintf(args, sizeof args, "validate %s --observed %s --no-plot -o %s", scenario, logp,
		 root);
	rc = run(args, &out, &err);
	if (rc != 0)
		print_error("validate: exit %d: %s\n", rc, err);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "; levels per process pool: 2 processes at once in the log (a log "
				    "and a pid each), 2 in the scenario\n"));
	after(err, "results: ", buf, sizeof buf);
	char path[1200];
	snprintf(path, sizeof path, "%svalidate.csv", buf);
	char *csv = slurp(path);
	const char *line = strstr(csv, "\nchecked_out_mean,");
	assert_non_null(line);
	double v[6];
	assert_int_equal(sscanf(line + strlen("\nchecked_out_mean,"), "%lf,%lf,%lf,%lf,%lf,%lf",
				&v[0], &v[1], &v[2], &v[3], &v[4], &v[5]), 6);
	if (!(v[1] <= little && little <= v[2] && v[4] <= 1 && 1 <= v[5])) {
		print_error("checked_out_mean: predicted %g [%g, %g] (Little: %g), observed %g "
			    "[%g, %g] (truth 1)\n", v[0], v[1], v[2], little, v[3], v[4], v[5]);
		fail();
	}
	size_t len = strcspn(line + 1, "\n");
	assert_true(len > 8 && strncmp(line + 1 + len - 8, ",differs", 8) != 0);
	free(out);
	free(err);

	/* one log per process, two --observed */
	snprintf(args, sizeof args, "validate %s --observed %s --observed %s --no-plot -o %s",
		 scenario, la, lb, root);
	rc = run(args, &out, &err);
	if (rc != 0)
		print_error("validate: exit %d: %s\n", rc, err);
	assert_int_equal(rc, 0);
	char want[700];
	snprintf(want, sizeof want, " against %s and 1 more: ", la);
	assert_non_null(strstr(out, want));
	assert_non_null(strstr(out, "; levels per process pool: 2 processes at once in the log (a log "
				    "and a pid each), 2 in the scenario\n"));
	after(err, "results: ", buf, sizeof buf);
	snprintf(path, sizeof path, "%svalidate.csv", buf);
	char *csv2 = slurp(path);
	const char *p1 = strchr(csv, '\n'), *p2 = strchr(csv2, '\n');
	for (int m = 0; m < VALIDATE_METRICS; m++) {
		double a[6], b[6];
		char na[32], nb[32];
		assert_int_equal(sscanf(p1 + 1, "%31[^,],%lf,%lf,%lf,%lf,%lf,%lf", na, &a[0], &a[1],
					&a[2], &a[3], &a[4], &a[5]), 7);
		assert_int_equal(sscanf(p2 + 1, "%31[^,],%lf,%lf,%lf,%lf,%lf,%lf", nb, &b[0], &b[1],
					&b[2], &b[3], &b[4], &b[5]), 7);
		assert_string_equal(na, nb);
		for (int j = 0; j < 6; j++)
			close_to(b[j], a[j], 1e-9 * fabs(a[j]));
		p1 = strchr(p1 + 1, '\n');
		p2 = strchr(p2 + 1, '\n');
	}
	free(csv2);
	free(csv);
	free(out);
	free(err);
	remove(la);
	remove(lb);
	remove(logp);
	remove_tree(root);
}

static void test_validate_usage(void **state)
{
	(void)state;
	char *out, *err;
	assert_int_equal(run("validate scenarios/incident.json", &out, &err), 2);
	assert_non_null(strstr(err, "validate needs --observed LOG"));
	free(out);
	free(err);
	/* an unreadable input is bad input: exit 2, as for a scenario */
	assert_int_equal(run("validate scenarios/incident.json --observed /nonexistent.csv", &out,
			     &err),
			 2);
	assert_string_equal(err, "pooltide: /nonexistent.csv: cannot read: No such file or "
				 "directory\n");
	free(out);
	free(err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_observe_exact),
		cmocka_unit_test(test_observe_per_process),
		cmocka_unit_test(test_observe_coverage),
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_fit_then_validate_real_log),
		cmocka_unit_test(test_fit_errors),
		cmocka_unit_test(test_fit_timestamps_and_pgss),
		cmocka_unit_test(test_fit_bimodal_is_empirical),
		cmocka_unit_test(test_fit_several_logs),
		cmocka_unit_test(test_fit_pid_interleaved),
		cmocka_unit_test(test_fit_then_validate_processes),
		cmocka_unit_test(test_validate_usage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
