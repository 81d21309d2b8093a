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
	/* the pid column: one process, 7, with the 4 rows */
	assert_string_equal(log.cols[4], "pid");
	assert_int_equal(log.n_processes, 1);
	assert_true(log.processes[0].pid == 7);
	assert_int_equal(log.processes[0].rows, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(log.process[i], 0);
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
	/* no pid column: one process, unnamed, every row its own; process[] not needed */
	assert_string_equal(log.cols[4], "");
	assert_int_equal(log.n_processes, 1);
	assert_null(log.process);
	assert_true(log.processes[0].pid == -1);
	assert_int_equal(log.processes[0].rows, 2);
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
	/* the pid column: named and absent, or not a process id */
	struct obslog_map pid_map = {.pid = "worker", .explicit_pid = true};
	expect_error("time,wait,hold,status,pid\n1,0,0.1,ok,7\n", &pid_map, PT_EINVAL,
		     ":1: expected a column \"worker\" (--pid), got columns: time, wait, hold, "
		     "status, pid");
	expect_error("time,pid\n1,7\n2,web-1\n", NULL, PT_EINVAL,
		     ":3: column \"pid\": expected a process id (an integer >= 0), got \"web-1\"");
	expect_error("time,pid\n1,-3\n", NULL, PT_EINVAL,
		     ":2: column \"pid\": expected a process id (an integer >= 0), got \"-3\"");
	expect_error("time,pid\n1,\n", NULL, PT_EINVAL,
		     ":2: column \"pid\": expected a process id (an integer >= 0), got \"\"");
}

/* One log that several processes append to (gunicorn workers): the pid column splits it, and
 * only each process's rows need be in order of time (logs concatenated).
 * Rows: pid 31 at 0, 42 at 1, 31 at 2, 42 at 3, 57 at 4, 42 at 5: three processes in order
 * of their first row (31, 42, 57) with 2, 3 and 1 rows; each row's process is its pid's
 * index. A --pid mapping reads another column (here the same ids under "worker"). More than
 * OBSLOG_PROCESSES_MAX distinct pids are refused at the row of the one too many. */
static void test_processes_by_pid(void **state)
{
	(void)state;
	struct obslog log;
	char err[256], want[300];
	const char *p = write_tmp("time,worker,wait,hold,status\n0,31,0,1,ok\n1,42,0,1,ok\n"
				  "2,31,0,1,ok\n3,42,0,,timeout\n4,57,0,1,ok\n5,42,0,1,ok\n", false);
	struct obslog_map map = {.pid = "worker", .explicit_pid = true};
	assert_int_equal(obslog_read(&log, p, &map, err, sizeof err), PT_OK);
	assert_int_equal(log.n_processes, 3);
	static const unsigned proc[6] = {0, 1, 0, 1, 2, 1};
	for (int i = 0; i < 6; i++)
		assert_int_equal(log.process[i], proc[i]);
	assert_true(log.processes[0].pid == 31 && log.processes[1].pid == 42 &&
		    log.processes[2].pid == 57);
	assert_int_equal(log.processes[0].rows, 2);
	assert_int_equal(log.processes[1].rows, 3);
	assert_int_equal(log.processes[2].rows, 1);
	assert_string_equal(log.cols[4], "worker");
	obslog_fini(&log);
	/* without the mapping the default "pid" is absent: one process, as before */
	assert_int_equal(obslog_read(&log, p, NULL, err, sizeof err), PT_OK);
	assert_int_equal(log.n_processes, 1);
	assert_null(log.process);
	obslog_fini(&log);
	remove(p);

	/* two processes' logs concatenated (pid 1 at 10, 12, 14, then pid 2 at 11 and 12, with
	 * its header line again, as `cat` leaves it: skipped): each in order, not the file. The
	 * rows come back in order of time, equal times in file order (pid 1's 12 before pid
	 * 2's): 10 (1), 11 (2), 12 (1), 12 (2), 14 (1), each with its own wait, hold and
	 * outcome; origin 10 */
	p = write_tmp("time,pid,wait,hold,status\n10,1,0.1,1,ok\n12,1,0.2,2,ok\n14,1,0.3,3,ok\n"
		      "time,pid,wait,hold,status\n11,2,0.4,,timeout\n12,2,0.5,5,ok\n", false);
	assert_int_equal(obslog_read(&log, p, NULL, err, sizeof err), PT_OK);
	assert_true(log.t0_s == 10);
	static const double ct[5] = {0, 1, 2, 2, 4}, cw[5] = {0.1, 0.4, 0.2, 0.5, 0.3};
	static const unsigned cp[5] = {0, 1, 0, 1, 0};
	for (int i = 0; i < 5; i++) {
		assert_true(log.t_s[i] == ct[i]);
		assert_true(log.wait_s[i] == cw[i]);
		assert_int_equal(log.process[i], cp[i]);
		assert_int_equal(log.outcome[i], i == 1 ? OBSLOG_TIMEOUT : OBSLOG_OK);
	}
	assert_true(log.hold_s[0] == 1 && isnan(log.hold_s[1]) && log.hold_s[2] == 2 &&
		    log.hold_s[3] == 5 && log.hold_s[4] == 3);
	assert_int_equal(log.n, 5);
	assert_true(log.processes[0].pid == 1 && log.processes[0].rows == 3);
	assert_true(log.processes[1].pid == 2 && log.processes[1].rows == 2);
	/* their spans: pid 1 from 10 to 14, pid 2 from 11 to 12 (origin 10) */
	assert_true(log.processes[0].first_s == 0 && log.processes[0].last_s == 4);
	assert_true(log.processes[1].first_s == 1 && log.processes[1].last_s == 2);
	obslog_fini(&log);
	remove(p);
	/* but one process's rows out of order are refused, naming it */
	expect_error("time,pid\n10,1\n12,1\n11,2\n11,1\n", NULL, PT_EINVAL,
		     ":5: column \"time\": expected a time >= pid 1's previous one (12): each "
		     "process's rows in order of request time, got \"11\"");

	/* pids 0 .. OBSLOG_PROCESSES_MAX: the last one, on line OBSLOG_PROCESSES_MAX + 2, is
	 * one too many */
	size_t cap = 32 + 16 * (OBSLOG_PROCESSES_MAX + 1);
	char *text = malloc(cap);
	assert_non_null(text);
	size_t k = (size_t)snprintf(text, cap, "time,pid\n");
	for (int i = 0; i <= OBSLOG_PROCESSES_MAX; i++)
		k += (size_t)snprintf(text + k, cap - k, "%d,%d\n", i, i);
	p = write_tmp(text, false);
	free(text);
	assert_int_equal(obslog_read(&log, p, NULL, err, sizeof err), PT_EINVAL);
	snprintf(want, sizeof want, "%s:%d: column \"pid\": expected at most %d processes (pids), "
		 "got one more, \"%d\"", p, OBSLOG_PROCESSES_MAX + 2, OBSLOG_PROCESSES_MAX,
		 OBSLOG_PROCESSES_MAX);
	assert_string_equal(err, want);
	assert_null(log.t_s);
	remove(p);
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
	/* no pid column: each log is one process */
	assert_int_equal(m.n_processes, 2);
	for (int i = 0; i < 6; i++)
		assert_int_equal(m.process[i], src[i]);
	assert_true(m.processes[0].source == 0 && m.processes[0].pid == -1 &&
		    m.processes[0].rows == 3);
	assert_true(m.processes[1].source == 1 && m.processes[1].pid == -1 &&
		    m.processes[1].rows == 3);
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

/* A process is a log and a pid: two hosts' logs may hold the same pid. a: pid 9 at 0, pid 5
 * at 2; b: pid 5 at 1 and 3. Processes a/9, a/5 (log a's, in order of first row), then b/5:
 * three, not two; the merged rows a0 b0 a1 b1 are processes 0, 2, 1, 2. Past
 * OBSLOG_PROCESSES_MAX in all (two logs of 501 pids each), the merge is refused. */
static void test_merge_log_by_pid(void **state)
{
	(void)state;
	struct obslog logs[2], m;
	char err[512], pa[64], want[300];
	const char *p = write_tmp("time,pid,wait,hold\n100,9,0,1\n102,5,0,1\n", false);
	snprintf(pa, sizeof pa, "%s", p);
	assert_int_equal(obslog_read(&logs[0], pa, NULL, err, sizeof err), PT_OK);
	p = write_tmp("time,pid,wait,hold\n101,5,0,1\n103,5,0,1\n", false);
	assert_int_equal(obslog_read(&logs[1], p, NULL, err, sizeof err), PT_OK);
	assert_int_equal(obslog_merge(&m, logs, 2, err, sizeof err), PT_OK);
	assert_int_equal(m.n_processes, 3);
	static const unsigned proc[4] = {0, 2, 1, 2}, src[4] = {0, 1, 0, 1};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(m.process[i], proc[i]);
		assert_int_equal(m.source[i], src[i]);
	}
	assert_true(m.processes[0].source == 0 && m.processes[0].pid == 9 &&
		    m.processes[0].rows == 1);
	assert_true(m.processes[1].source == 0 && m.processes[1].pid == 5 &&
		    m.processes[1].rows == 1);
	assert_true(m.processes[2].source == 1 && m.processes[2].pid == 5 &&
		    m.processes[2].rows == 2);
	/* spans from the merged origin 100: a/9 at 0, a/5 at 2, b/5 from 1 to 3 */
	assert_true(m.processes[0].first_s == 0 && m.processes[0].last_s == 0);
	assert_true(m.processes[1].first_s == 2 && m.processes[1].last_s == 2);
	assert_true(m.processes[2].first_s == 1 && m.processes[2].last_s == 3);
	assert_string_equal(m.cols[4], "pid");
	obslog_fini(&m);
	obslog_fini(&logs[0]);
	obslog_fini(&logs[1]);
	remove(p);
	remove(pa);

	/* 501 + 501 processes */
	char *text = malloc(16 * 520);
	assert_non_null(text);
	size_t k = (size_t)snprintf(text, 16 * 520, "time,pid\n");
	for (int i = 0; i < 501; i++)
		k += (size_t)snprintf(text + k, 16 * 520 - k, "%d,%d\n", i, i);
	p = write_tmp(text, false);
	snprintf(pa, sizeof pa, "%s", p);
	assert_int_equal(obslog_read(&logs[0], pa, NULL, err, sizeof err), PT_OK);
	p = write_tmp(text, false);
	free(text);
	assert_int_equal(obslog_read(&logs[1], p, NULL, err, sizeof err), PT_OK);
	assert_int_equal(obslog_merge(&m, logs, 2, err, sizeof err), PT_EINVAL);
	snprintf(want, sizeof want, "%s and 1 more: expected at most %d processes in all (a log "
		 "and a pid each), got 1002", pa, OBSLOG_PROCESSES_MAX);
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
		cmocka_unit_test(test_merge_log_by_pid),
		cmocka_unit_test(test_processes_by_pid),
		cmocka_unit_test(test_default_columns_gzip),
		cmocka_unit_test(test_mapping_and_optional_columns),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_column),
		cmocka_unit_test(test_pg_stat_statements),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
