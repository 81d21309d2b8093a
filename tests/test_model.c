/* Tests of model_run's failure contract (models/model.h): out of memory anywhere in a
 * replication, in its setup or inside an event handler, ends the run with PT_ENOMEM, never an
 * abort(), a crash or a silently shortened run (issue 10 item 5).
 *
 * How: SQLite's malloc-failure testing. This binary is linked with the allocation hook of
 * tests/oomhook.h, which interposes malloc, calloc and realloc: armed with N, it lets N
 * allocations succeed and fails every later one. For N = 0, 1, 2, ... up to the number of allocations a
 * whole replication makes, a forked child runs the replication with the countdown armed and
 * exits with model_run's status; the parent requires a normal exit with PT_ENOMEM (or PT_OK
 * once N is past the last allocation). An abort() or a crash at any site shows as a signal,
 * with the N that reaches it. The hook costs the model nothing: it lives in the tests only.
 *
 * The scenario uses every model part that allocates while running: requests (their records),
 * a batch workload (its backlog), row locks (waiter nodes), database cores (CPU jobs), the
 * engine's event slab, the pool's connection records. Under AddressSanitizer the allocator
 * belongs to the sanitizer, so the test is skipped there. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>

#include "models/config.h"
#include "models/model.h"
#include "sim/dist.h"
#include "sim/status.h"
#include "tests/oomhook.h"
#include "tests/testutil.h"

#if OOM_HOOK /* the helpers of the test below, which needs the allocation hook */
/* 30 s of one pool (3 + 2, timeout 2 s) shared by requests at 40/s (db_time exponential
 * 60 ms, half of them writing to one of 20 users' rows) and a batch workload (records at
 * 20/s, a tick every 5 s, per_group commits); the database has 2 cores. */
static void scenario(struct cfg_scenario *sc)
{
	cfg_scenario_defaults(sc);
	sc->horizon_s = 30;
	sc->warmup_s = 1;
	sc->seed = 7;
	sc->db.cores = 2;
	sc->db.row_locks = true;
	sc->users.count = 20;
	sc->n_pools = 1;
	cfg_pool_defaults(&sc->pools[0]);
	memcpy(sc->pools[0].name, "main", sizeof "main");
	sc->pools[0].size = 3;
	sc->pools[0].max_overflow = 2;
	sc->pools[0].timeout_s = 2;
	sc->n_workloads = 2;
	struct cfg_workload *w = &sc->workloads[0];
	memset(w, 0, sizeof *w);
	memcpy(w->name, "api", sizeof "api");
	w->kind = CFG_WORKLOAD_REQUESTS;
	cfg_requests_defaults(&w->req);
	w->req.arrival.rate_per_s = 40;
	assert_int_equal(dist_exponential(&w->req.db_time, 0.06), PT_OK);
	w->req.writes = 0.5;
	w = &sc->workloads[1];
	memset(w, 0, sizeof *w);
	memcpy(w->name, "agg", sizeof "agg");
	w->kind = CFG_WORKLOAD_BATCH;
	cfg_batch_defaults(&w->batch);
	w->batch.records.rate_per_s = 20;
	w->batch.every_s = 5;
	w->batch.commit = CFG_COMMIT_PER_GROUP;
	assert_int_equal(dist_constant(&w->batch.per_record, 0.002), PT_OK);
}

/* Exit status of a child running replication 0 with `budget` allocations allowed (-1: all);
 * 128 + signal number when it died of a signal. */
static int run_child(const struct cfg_scenario *sc, long budget)
{
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* cmocka catches these to report a failure and go on with the next test: in the
		 * child a crash must end the child, so that the parent sees the signal */
		static const int sigs[] = {SIGABRT, SIGSEGV, SIGBUS, SIGILL, SIGFPE};
		for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
			signal(sigs[i], SIG_DFL);
		gsl_set_error_handler_off(); /* as main does: GSL returns NULL, never aborts */
		struct model_result *res = model_result_create(sc);
		if (!res)
			_exit(99);
#if OOM_HOOK
		oomhook_arm(budget);
#else
		(void)budget;
#endif
		_exit(model_run(sc, 0, res, NULL));
	}
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
}
#endif

static void test_oom_everywhere(void **state)
{
	(void)state;
#if !OOM_HOOK
	skip();
#else
	static struct cfg_scenario sc;
	scenario(&sc);
	struct model_result *res = model_result_create(&sc);
	assert_non_null(res);
	/* How many allocations a whole replication makes, and that it runs sound. The second
	 * run is counted: the children are forked after it, with whatever the first one set up
	 * once per process. */
	gsl_set_error_handler_off();
	assert_int_equal(model_run(&sc, 0, res, NULL), PT_OK);
	unsigned long before = oomhook_allocations();
	assert_int_equal(model_run(&sc, 0, res, NULL), PT_OK);
	unsigned long total = oomhook_allocations() - before;
	assert_true(total > 10);
	assert_true(res->workloads[0].lock_waits > 0); /* the lock waiter nodes were used */
	assert_true(res->batches[1].batches > 0);

	/* OOM_BUDGET=N runs that one budget in this process, to see the site under a debugger */
	const char *one = getenv("OOM_BUDGET");
	if (one) {
		oomhook_arm(atol(one));
		int rc = model_run(&sc, 0, res, NULL);
		oomhook_disarm();
		print_message("budget %s: %s\n", one, pt_strerror(rc));
		model_result_destroy(res);
		return;
	}
	int failed = 0;
	for (unsigned long n = 0; n <= total + 2; n++) {
		int rc = run_child(&sc, (long)n);
		int want = n >= total ? PT_OK : PT_ENOMEM;
		if (rc != want) {
			print_error("allocation budget %lu of %lu: the run ended with %d (%s), "
				    "expected %d (%s)\n", n, total, rc,
				    rc >= 128 ? "killed by a signal: 128 + its number"
					      : pt_strerror(rc),
				    want, pt_strerror(want));
			failed++;
		}
	}
	model_result_destroy(res);
	assert_int_equal(failed, 0);
#endif
}

/* A scenario of one pool (10 + 0) and one request workload "api" (db_time constant 10 ms). */
static void one_workload(struct cfg_scenario *sc, double horizon_s)
{
	testutil_one_workload(sc);
	sc->horizon_s = horizon_s;
	sc->seed = 3;
	sc->pools[0].size = 10;
	struct cfg_workload *w = &sc->workloads[0];
	assert_int_equal(dist_constant(&w->req.db_time, 0.01), PT_OK);
}

/* one_workload over 60 s with a trace of 100 arrivals, one every 0.5 s. */
static void one_trace(struct cfg_scenario *sc)
{
	static double t[100];
	one_workload(sc, 60);
	for (int i = 0; i < 100; i++)
		t[i] = 0.5 * i;
	sc->workloads[0].req.arrival.trace_n = 100;
	sc->workloads[0].req.arrival.trace_t = t;
}

/* Issue 10 item 6: the event estimate (model.h), exactly where it can be derived by hand.
 * - A trace of 100 arrivals (one every 0.5 s, horizon 60 s), no locks, no cores: each request
 *   is an arrival event and a release event, so 100 steps + 100 x 1 = 200; the run itself
 *   has those 200, its horizon event and one connect (each request, 10 ms long, finds the
 *   first connection idle again 0.5 s later): 202. Connects are not estimated.
 * - 1e9/s over 1 h: 3.6e12 arrivals x (1 + 1) = 7.2e12 (the CLI refuses it; it used to run for
 *   ever without a word).
 * - A batch tick every 1e-9 s over 1 h: at least 3.6e12 ticks.
 * - A profile of 10/s for 60 s then 0, under a horizon of 1000 days: 10 x 60 candidates, whatever
 *   the horizon, and 600 expected arrivals with one release each: 1200; and the run takes as long as its arrivals (before: 8.6e8 rejected candidates).
 *   Its arrivals are those of the same profile under a 120 s horizon (the same stream). */
static void test_event_estimate(void **state)
{
	(void)state;
	static struct cfg_scenario sc;
	one_trace(&sc);
	assert_true(model_estimate_events(&sc) == 200);
	struct model_result *r = model_result_create(&sc);
	assert_non_null(r);
	assert_int_equal(model_run(&sc, 0, r, NULL), PT_OK);
	assert_int_equal(r->events, 202);
	assert_int_equal(r->pools[0].connects, 1);
	model_result_destroy(r);

	one_workload(&sc, 3600);
	sc.workloads[0].req.arrival.rate_per_s = 1e9;
	assert_true(model_estimate_events(&sc) == 7.2e12);

	one_workload(&sc, 3600);
	struct cfg_workload *w = &sc.workloads[0];
	w->kind = CFG_WORKLOAD_BATCH;
	cfg_batch_defaults(&w->batch);
	w->batch.records.rate_per_s = 1;
	w->batch.every_s = 1e-9;
	assert_int_equal(dist_constant(&w->batch.per_record, 0.001), PT_OK);
	assert_true(model_estimate_events(&sc) >= 3.6e12);

	uint64_t offered[2];
	double horizons[2] = {86400000, 120}; /* 1000 days, the longest the loader accepts */
	for (int k = 0; k < 2; k++) {
		one_workload(&sc, horizons[k]);
		struct cfg_arrival *a = &sc.workloads[0].req.arrival;
		a->n_profile = 2;
		a->profile[0] = (struct cfg_rate_point){0, 10};
		a->profile[1] = (struct cfg_rate_point){60, 0};
		/* 600 candidates + 600 expected arrivals x 1 release (the mean rate x horizon,
		 * rounded: hence the relative 1e-12) */
		assert_true(fabs(model_estimate_events(&sc) / 1200 - 1) < 1e-12);
		r = model_result_create(&sc);
		assert_non_null(r);
		alarm(10); /* before: 8.6e8 rejected candidates, far longer than this */
		assert_int_equal(model_run(&sc, 0, r, NULL), PT_OK);
		alarm(0);
		offered[k] = r->workloads[0].offered;
		model_result_destroy(r);
	}
	assert_true(offered[0] > 500 && offered[0] < 700); /* Poisson(600): +-4 sd */
	assert_int_equal(offered[0], offered[1]);
}

/* Statements run one by one on the database CPU (cores > 0): a trace of 100 arrivals 0.5 s
 * apart, 4 statements of 2.5 ms CPU each (db_time 10 ms, one core, so no request overlaps
 * another), a 1 ms round trip. Each request is its arrival, BEGIN's round trip, 4 CPU
 * completions, 3 round trips between statements and its release: 10 events, of which the
 * estimate counts the arrival as a step and 1 + 2 x 4 = 9 after it: 100 + 900 = 1000 (it
 * counted 100 x (1 + 2) = 300, so a transaction of a million statements passed as cheap and
 * ran for minutes). The run has those 1000, its horizon event and one connect: 1002. */
static void test_event_estimate_statements(void **state)
{
	(void)state;
	static struct cfg_scenario sc;
	one_trace(&sc);
	sc.workloads[0].req.statements = 4;
	sc.db.cores = 1;
	sc.db.rtt_s = 0.001;
	assert_true(model_estimate_events(&sc) == 1000);
	struct model_result *r = model_result_create(&sc);
	assert_non_null(r);
	assert_int_equal(model_run(&sc, 0, r, NULL), PT_OK);
	assert_int_equal(r->events, 1002);
	model_result_destroy(r);
}

/* The backstop behind the estimate (cfg max_events): work the estimate does not foresee.
 * One connection, a 1 ms pool timeout, 10 s transactions and up to 100 retries 1 ms apart:
 * the estimate counts an arrival and a release per request, the run spends most of its events
 * on retries. Unlimited it runs N events; with max_events = N it runs exactly as before (the
 * limit is the most that may run); with N - 1 it fails with PT_ELIMIT, and the failure text
 * names the limit, the estimate and the option. */
static void test_event_limit_backstop(void **state)
{
	(void)state;
	static struct cfg_scenario sc;
	one_workload(&sc, 10);
	sc.pools[0].size = 1;
	sc.pools[0].timeout_s = 0.001;
	struct cfg_requests *q = &sc.workloads[0].req;
	q->arrival.rate_per_s = 10;
	q->retries = 100;
	q->backoff_s = 0.001;
	assert_int_equal(dist_constant(&q->db_time, 10), PT_OK);
	double estimate = model_estimate_events(&sc);
	struct model_result *r = model_result_create(&sc);
	assert_non_null(r);
	assert_int_equal(model_run(&sc, 0, r, NULL), PT_OK);
	uint64_t n = r->events;
	assert_true((double)n > 10 * estimate); /* the retries the estimate does not count */
	sc.max_events = (double)n;
	assert_int_equal(model_run(&sc, 0, r, NULL), PT_OK);
	assert_int_equal(r->events, n);
	sc.max_events = (double)(n - 1);
	assert_int_equal(model_run(&sc, 0, r, NULL), PT_ELIMIT);
	r->status = PT_ELIMIT;
	char text[512], want[512];
	model_failure_text(&sc, r, text, sizeof text);
	snprintf(want, sizeof want,
		 "a replication reached %.3g events, the limit (--max-events), against an estimate "
		 "of %.3g for the whole replication: its work outgrew the estimate (retries? "
		 "a queue that never drains?); raise --max-events to let it run",
		 (double)(n - 1), estimate);
	assert_string_equal(text, want);
	model_result_destroy(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oom_everywhere),
		cmocka_unit_test(test_event_estimate),
		cmocka_unit_test(test_event_estimate_statements),
		cmocka_unit_test(test_event_limit_backstop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
