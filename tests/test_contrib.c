/* The contrib SQLAlchemy pool logger against a real QueuePool: run
 * tests/contrib/drive_queuepool.py with Debian's /usr/bin/python3 (python3-sqlalchemy, which
 * `make deps` installs; a pyenv python3 on PATH would not see it), then read the CSV it wrote
 * with pooltide's own reader and check every row against what a pool of one connection must
 * have done (the sequence is in the driver's docstring):
 *
 *   row  request  status   fresh  checks
 *   A    first    ok       1      hold >= 0.2 s (it slept that long holding the connection)
 *   B    second   ok       0      acquired (time + wait) no earlier than A's checkin
 *                                 (time + wait + hold): the pool has one connection; hold >= 0.1
 *   C    third    ok       0      asked after B checked in: wait < 0.25 s; hold >= 0.5 s (D's
 *                                 0.3 s timeout, then 0.2 s)
 *   D    fourth   timeout  0      wait >= pool_timeout 0.3 s; asked while C held the connection
 *
 * Times come from two clocks (time.time() for the request, perf_counter for the durations), so
 * the ordering checks allow 5 ms; lower bounds on holds and the timeout are exact (the driver
 * slept that long), upper bounds are loose (a busy CI machine delays threads). The driver
 * orders the steps with events, so a delayed thread cannot change the sequence; only C's
 * "found it idle" bound (0.25 s, below D's 0.3 s timeout) depends on the machine's load.
 * Then two processes sharing one file (below). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/obslog.h"
#include "sim/status.h"

#define PYTHON "/usr/bin/python3"
#define CLOCKS_TOL 0.005

static void test_logger_rows_from_a_real_queuepool(void **state)
{
	(void)state;
	char out[] = "/tmp/pooltide-contrib-XXXXXX", cmd[512], err[512];
	int fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
	remove(out); /* the logger writes the header into a new file */
	snprintf(cmd, sizeof cmd, PYTHON " tests/contrib/drive_queuepool.py %s >/dev/null", out);
	int st = system(cmd);
	if (!(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
		print_error("%s failed (status %d): is python3-sqlalchemy installed (make deps)?\n",
			    cmd, st);
		fail();
	}

	struct obslog log;
	int rc = obslog_read(&log, out, NULL, err, sizeof err);
	if (rc) {
		print_error("%s\n", err);
		fail();
	}
	assert_int_equal(log.n, 4);
	assert_true(log.have_status);
	const double *t = log.t_s, *w = log.wait_s, *h = log.hold_s;
	enum { A, B, C, D };
	assert_int_equal(log.outcome[A], OBSLOG_OK);
	assert_int_equal(log.outcome[B], OBSLOG_OK);
	assert_int_equal(log.outcome[C], OBSLOG_OK);
	assert_int_equal(log.outcome[D], OBSLOG_TIMEOUT);
	/* in order of request */
	assert_true(t[A] <= t[B] && t[B] <= t[C] && t[C] <= t[D]);
	/* holds: at least what the driver slept with the connection */
	assert_true(h[A] >= 0.2 && h[A] < 30.0);
	assert_true(h[B] >= 0.1 && h[B] < 30.0);
	assert_true(h[C] >= 0.5 && h[C] < 30.0);
	assert_true(isnan(h[D]));
	/* B waited for A's connection: acquired after A's checkin */
	assert_true(t[B] + w[B] >= t[A] + w[A] + h[A] - CLOCKS_TOL);
	assert_true(w[B] > 0);
	/* C found the connection idle */
	assert_true(t[C] >= t[B] + w[B] + h[B] - CLOCKS_TOL);
	assert_true(w[C] < 0.25);
	/* D asked while C held it and gave up after pool_timeout */
	assert_true(t[D] >= t[C] + w[C] - CLOCKS_TOL && t[D] <= t[C] + w[C] + h[C] + CLOCKS_TOL);
	assert_true(w[D] >= 0.3 && w[D] < 30.0);
	assert_true(log.t0_s > 1e9); /* Unix time */
	/* one process: the pid column read (the pid itself checked against the file below) */
	assert_int_equal(log.n_processes, 1);
	long long read_pid = log.processes[0].pid;
	assert_int_equal(log.processes[0].rows, 4);
	obslog_fini(&log);

	/* the columns obslog does not keep: pool, fresh; and the pid as written */
	FILE *f = fopen(out, "r");
	char line[256];
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof line, f));
	assert_string_equal(line, "time,wait,hold,status,pool,pid,fresh\n");
	static const char *const fresh[] = {"1", "0", "0", "0"};
	long pid = -1;
	for (int i = 0; i < 4; i++) {
		char *fields[7], *s = line;
		assert_non_null(fgets(line, sizeof line, f));
		line[strcspn(line, "\n")] = 0;
		for (int k = 0; k < 7; k++) {
			fields[k] = s;
			s = strchr(s, ',');
			if (k < 6) {
				assert_non_null(s);
				*s++ = 0;
			}
		}
		assert_string_equal(fields[4], "main");
		assert_string_equal(fields[6], fresh[i]);
		long p = strtol(fields[5], NULL, 10);
		assert_true(p > 0 && (pid < 0 || p == pid));
		pid = p;
	}
	assert_null(fgets(line, sizeof line, f));
	fclose(f);
	assert_true(read_pid == pid);
	remove(out);
}

/* Two processes logging to one file (tests/contrib/drive_shared_file.py: forked from a parent
 * that created the engine and the logger, 40 checkouts each from 2 threads, rows flushed
 * every 5, so the two append at the same time): the header once, at the top (a second one, or
 * a line cut by the other process's write, would mean the appends were not whole lines under
 * the lock); every row's pid a child's, not the parent's; and pooltide's reader finds the two
 * processes, 40 rows each, each in order of request time (it refuses a process's rows out of
 * order), every checkout ok. */
static void test_logger_two_processes_one_file(void **state)
{
	(void)state;
	char out[] = "/tmp/pooltide-contrib-XXXXXX", cmd[512], err[512], pids_path[64];
	int fd = mkstemp(out);
	assert_true(fd >= 0);
	close(fd);
	remove(out);
	snprintf(cmd, sizeof cmd, PYTHON " tests/contrib/drive_shared_file.py %s >/dev/null", out);
	int st = system(cmd);
	if (!(st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
		print_error("%s failed (status %d)\n", cmd, st);
		fail();
	}
	long child[2];
	snprintf(pids_path, sizeof pids_path, "%s.pids", out);
	FILE *f = fopen(pids_path, "r");
	assert_non_null(f);
	assert_int_equal(fscanf(f, "%ld %ld", &child[0], &child[1]), 2);
	fclose(f);
	remove(pids_path);

	f = fopen(out, "r");
	assert_non_null(f);
	char line[256];
	int lines = 0, headers = 0;
	while (fgets(line, sizeof line, f)) {
		assert_non_null(strchr(line, '\n')); /* whole lines */
		headers += strcmp(line, "time,wait,hold,status,pool,pid,fresh\n") == 0;
		assert_true(lines > 0 || headers == 1); /* the first line is the header */
		lines++;
	}
	fclose(f);
	assert_int_equal(headers, 1);
	assert_int_equal(lines, 81);

	struct obslog log;
	int rc = obslog_read(&log, out, NULL, err, sizeof err);
	if (rc) {
		print_error("%s\n", err);
		fail();
	}
	assert_int_equal(log.n, 80);
	assert_int_equal(log.n_processes, 2);
	for (int k = 0; k < 2; k++) {
		long long pid = log.processes[k].pid;
		assert_true(pid == child[0] || pid == child[1]);
		assert_int_equal(log.processes[k].rows, 40);
	}
	assert_true(log.processes[0].pid != log.processes[1].pid);
	for (size_t i = 0; i < log.n; i++)
		assert_int_equal(log.outcome[i], OBSLOG_OK);
	obslog_fini(&log);
	remove(out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_logger_rows_from_a_real_queuepool),
		cmocka_unit_test(test_logger_two_processes_one_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
