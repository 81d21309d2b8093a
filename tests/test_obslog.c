/* Tests of app/obslog: the column mapping, what each column turns into, and every error with
 * its exact message (file, line, column, what was expected); gzip and plain files alike; a
 * pg_stat_statements export pooled by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "app/obslog.h"
#include "sim/status.h"

static char path[64];

static const char *write_tmp(const char *text, bool gz)
{
	snprintf(path, sizeof path, "/tmp/pooltide-obslog-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	if (gz) {
		gzFile g = gzopen(path, "wb");
		assert_non_null(g);
		assert_int_equal(gzwrite(g, text, (unsigned)strlen(text)), (int)strlen(text));
		gzclose(g);
	} else {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
	}
	return path;
}

static void expect_error(const char *text, const struct obslog_map *map, int status,
			 const char *want_after_path)
{
	struct obslog log;
	char err[512], want[600];
	const char *p = write_tmp(text, false);
	assert_int_equal(obslog_read(&log, p, map, err, sizeof err), status);
	snprintf(want, sizeof want, "%s%s", p, want_after_path);
	assert_string_equal(err, want);
	assert_null(log.t_s); /* nothing to free after a failure */
	remove(p);
}

static void test_default_columns_gzip(void **state)
{
	(void)state;
	/* the contrib logger's columns, in another order, plus one it does not know */
	const char *text = "pool,time,status,wait,hold,pid,fresh\n"
			   "main,100.5,ok,0.001,0.050,7,1\n"
			   "# a comment line\n"
			   "\n"
			   "main,100.75,timeout,0.1,,7,0\r\n"
			   "\"main\",101.5,error,0.002,,7,0\n"
			   "main,101.5,ok,0,0.020,7,0\n";
	struct obslog log;
	char err[256];
	const char *p = write_tmp(text, true);
	assert_int_equal(obslog_read(&log, p, NULL, err, sizeof err), PT_OK);
	assert_int_equal(log.n, 4);
	/* times relative to the first row's (100.5), equal times allowed */
	assert_true(log.t0_s == 100.5);
	assert_true(log.t_s[0] == 0 && log.t_s[1] == 0.25 && log.t_s[2] == 1 && log.t_s[3] == 1);
	assert_true(log.wait_s[1] == 0.1 && log.wait_s[3] == 0);
	assert_true(log.hold_s[0] == 0.050 && isnan(log.hold_s[1]) && isnan(log.hold_s[2]));
	assert_int_equal(log.outcome[0], OBSLOG_OK);
	assert_int_equal(log.outcome[1], OBSLOG_TIMEOUT);
	assert_int_equal(log.outcome[2], OBSLOG_ERROR);
	assert_true(log.have_status);
	assert_string_equal(log.cols[0], "time");
	obslog_fini(&log);
	remove(p);
}

static void test_mapping_and_optional_columns(void **state)
{
	(void)state;
	/* a request log with other names and no status: an empty hold is a timeout */
	const char *text = "ts,latency_s,conn_s\n1,0,0.01\n2,0.5,\n";
	struct obslog_map map = {.time = "ts", .wait = "latency_s", .hold = "conn_s",
				 .explicit_wait = true, .explicit_hold = true};
	struct obslog log;
	char err[256];
	const char *p = write_tmp(text, false);
	assert_int_equal(obslog_read(&log, p, &map, err, sizeof err), PT_OK);
	assert_int_equal(log.n, 2);
	assert_false(log.have_status);
	assert_int_equal(log.outcome[0], OBSLOG_OK);
	assert_int_equal(log.outcome[1], OBSLOG_TIMEOUT);
	assert_string_equal(log.cols[3], "");
	obslog_fini(&log);
	remove(p);

	/* request timestamps alone: the default wait, hold and status are absent, not needed */
	p = write_tmp("time\n0.5\n0.7\n", false);
	assert_int_equal(obslog_read(&log, p, NULL, err, sizeof err), PT_OK);
	assert_int_equal(log.n, 2);
	assert_null(log.wait_s);
	assert_null(log.hold_s);
	obslog_fini(&log);
	remove(p);
}

static void test_errors(void **state)
{
	(void)state;
	struct obslog_map wait_map = {.time = "t0", .wait = "latency", .explicit_wait = true};
	struct obslog_map t0 = {.time = "t0"};
	/* a missing column: named with its option and the columns there are */
	expect_error("t0,wait,hold,status\n1,0,0.1,ok\n", &wait_map, PT_EINVAL,
		     ":1: expected a column \"latency\" (--wait), got columns: t0, wait, hold, "
		     "status");
	expect_error("t,wait\n1,0\n", NULL, PT_EINVAL,
		     ":1: expected a column \"time\" (--time), got columns: t, wait");
	/* a non-number */
	expect_error("t0,wait,hold,status\n1,0,0.1,ok\n2,abc,0.1,ok\n", &t0, PT_EINVAL,
		     ":3: column \"wait\": expected a number of seconds >= 0, got \"abc\"");
	expect_error("t0,wait,hold,status\n1,-0.5,0.1,ok\n", &t0, PT_EINVAL,
		     ":2: column \"wait\": expected a number of seconds >= 0, got \"-0.5\"");
	expect_error("t0,wait,hold,status\n1,0,,ok\n", &t0, PT_EINVAL,
		     ":2: column \"hold\": expected a number of seconds >= 0 (the row is ok), got "
		     "\"\"");
	expect_error("t0,wait,hold,status\n1x,0,0.1,ok\n", &t0, PT_EINVAL,
		     ":2: column \"t0\": expected a time in seconds, got \"1x\"");
	/* unsorted times */
	expect_error("t0,wait,hold,status\n# header above\n1,0,0.1,ok\n3.25,0,0.1,ok\n3.1,0,0.1,ok\n",
		     &t0, PT_EINVAL,
		     ":5: column \"t0\": expected a time >= the previous one (3.25): rows in order "
		     "of request time, got \"3.1\"");
	/* a bad status, a short row, no rows, a bad quote */
	expect_error("t0,wait,hold,status\n1,0,0.1,OK\n", &t0, PT_EINVAL,
		     ":2: column \"status\": expected ok, timeout or error, got \"OK\"");
	expect_error("t0,wait,hold,status\n1,0,0.1\n", &t0, PT_EINVAL,
		     ":2: expected 4 fields as in the header, got 3");
	expect_error("t0,wait,hold,status\n", &t0, PT_EINVAL,
		     ": expected at least one row after the header, got none");
	expect_error("", &t0, PT_EINVAL, ": expected a header line, got an empty file");
	expect_error("t0,wait\n\"1,0\n", &t0, PT_EINVAL, ":2: expected a closing quote");
}

static void test_unreadable(void **state)
{
	(void)state;
	struct obslog log;
	char err[256];
	assert_int_equal(obslog_read(&log, "/nonexistent/log.csv", NULL, err, sizeof err), PT_EIO);
	assert_string_equal(err, "/nonexistent/log.csv: cannot read: No such file or directory");
}

static void test_column(void **state)
{
	(void)state;
	double *v;
	size_t n;
	char err[256], want[300];
	const char *p = write_tmp("idx,hold\n0,0.5\n1,\n2,0.25\n", false);
	assert_int_equal(obslog_read_column(p, "hold", &v, &n, err, sizeof err), PT_OK);
	assert_int_equal(n, 2); /* the empty field skipped */
	assert_true(v[0] == 0.5 && v[1] == 0.25);
	free(v);
	assert_int_equal(obslog_read_column(p, "h", &v, &n, err, sizeof err), PT_EINVAL);
	snprintf(want, sizeof want, "%s:1: expected a column \"h\", got columns: idx, hold", p);
	assert_string_equal(err, want);
	remove(p);
	p = write_tmp("hold\n\n", false);
	assert_int_equal(obslog_read_column(p, "hold", &v, &n, err, sizeof err), PT_EINVAL);
	snprintf(want, sizeof want, "%s: column \"hold\": expected at least one number, got none",
		 p);
	assert_string_equal(err, want);
	remove(p);
}

static void test_pg_stat_statements(void **state)
{
	(void)state;
	struct obslog_pgss s;
	char err[256];
	/* two statements: 300 calls at mean 10 ms sd 2 ms, 100 calls at mean 50 ms sd 10 ms.
	 * Pooled mean (3000 + 5000) / 400 = 20 ms; E[X^2] = (300 (4 + 100) + 100 (100 + 2500))
	 * / 400 = (31200 + 260000) / 400 = 728 ms^2; variance 728 - 400 = 328 ms^2. */
	const char *p = write_tmp("query,calls,mean_exec_time,stddev_exec_time\n"
				  "\"SELECT 1, 2\",300,10,2\nUPDATE x,100,50,10\n", false);
	assert_int_equal(obslog_read_pgss(p, &s, err, sizeof err), PT_OK);
	assert_int_equal(s.statements, 2);
	assert_true(s.calls == 400);
	assert_true(fabs(s.mean_s - 0.020) < 1e-15);
	assert_true(fabs(s.sd_s - sqrt(328) / 1000) < 1e-15);
	remove(p);
}

/* Two processes' logs merged by their time as written: a (times 10, 11.5, 12) and b (11,
 * 11.5, 13): origin 10, order a0 b0 a1 b1 (a first on the tie at 11.5) a2 b2; each row keeps
 * its log (its process) and its own wait, hold and outcome. Logs with different columns are
 * refused, naming both. */
static void test_merge_by_time(void **state)
{
	(void)state;
	struct obslog logs[2], m;
	char err[512], pa[64];
	const char *p = write_tmp("time,wait,hold,status\n10,0.1,1,ok\n11.5,0.2,,timeout\n"
				  "12,0.3,3,ok\n", false);
	snprintf(pa, sizeof pa, "%s", p);
	assert_int_equal(obslog_read(&logs[0], pa, NULL, err, sizeof err), PT_OK);
	assert_int_equal(logs[0].n_sources, 1);
	assert_null(logs[0].source);
	p = write_tmp("time,wait,hold,status\n11,0.4,4,ok\n11.5,0.5,5,ok\n13,0.6,,error\n", false);
	assert_int_equal(obslog_read(&logs[1], p, NULL, err, sizeof err), PT_OK);
	assert_int_equal(obslog_merge(&m, logs, 2, err, sizeof err), PT_OK);
	assert_int_equal(m.n, 6);
	assert_int_equal(m.n_sources, 2);
	assert_true(m.t0_s == 10);
	static const double t[6] = {0, 1, 1.5, 1.5, 2, 3}, w[6] = {0.1, 0.4, 0.2, 0.5, 0.3, 0.6};
	static const unsigned src[6] = {0, 1, 0, 1, 0, 1};
	static const unsigned char out[6] = {OBSLOG_OK, OBSLOG_OK, OBSLOG_TIMEOUT, OBSLOG_OK,
					     OBSLOG_OK, OBSLOG_ERROR};
	for (int i = 0; i < 6; i++) {
		assert_true(m.t_s[i] == t[i]);
		assert_true(m.wait_s[i] == w[i]);
		assert_int_equal(m.source[i], src[i]);
		assert_int_equal(m.outcome[i], out[i]);
	}
	assert_true(m.hold_s[0] == 1 && m.hold_s[1] == 4 && isnan(m.hold_s[2]) && isnan(m.hold_s[5]));
	char want[200];
	snprintf(want, sizeof want, "%s and 1 more", pa);
	assert_string_equal(m.path, want);
	obslog_fini(&m);
	obslog_fini(&logs[1]);
	remove(p);
	/* b without a hold column */
	p = write_tmp("time,wait,status\n11,0.4,ok\n", false);
	assert_int_equal(obslog_read(&logs[1], p, NULL, err, sizeof err), PT_OK);
	assert_int_equal(obslog_merge(&m, logs, 2, err, sizeof err), PT_EINVAL);
	snprintf(want, sizeof want, "%s: expected the columns of %s (time time, wait wait, hold "
		 "hold, status status), got time time, wait wait, hold -, status status", p, pa);
	assert_string_equal(err, want);
	assert_null(m.t_s);
	obslog_fini(&logs[0]);
	obslog_fini(&logs[1]);
	remove(p);
	remove(pa);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_merge_by_time),
		cmocka_unit_test(test_default_columns_gzip),
		cmocka_unit_test(test_mapping_and_optional_columns),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_column),
		cmocka_unit_test(test_pg_stat_statements),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
