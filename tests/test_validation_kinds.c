/* Statistical validation of the pool kinds against queueing theory (reference/queueing.md),
 * the method of tests/test_validation.c: R = 10 replications with a fixed master seed, the
 * exact value inside the simulation's 99.9 % Student-t interval over replications, and the
 * interval no wider than a bound.
 *
 * Where a kind reduces to a known queue:
 * - HikariCP of fixed size (minimumIdle = maximumPoolSize = c, connections opened by the
 *   adder at start, zero connect time, no maxLifetime): the borrowers take idle connections
 *   or wait FIFO until connectionTimeout, so after the start (a few 30 ms adder pauses,
 *   inside the warm-up) it is M/M/c+D.
 * - Go with max_open_conns = max_idle_conns = c and a context deadline T: M/M/c+D when the
 *   returned connection goes to the waiter that asked first (waiter_order fifo).
 * - Go without a deadline: M/M/c (Erlang C). With today's random waiter (the default) the
 *   number of requests in the system is the same birth-death process whatever the order a
 *   non-idling pool serves its waiters in, so P(wait), the mean wait (Little) and the mean
 *   number checked out are Erlang C's; the wait quantiles are not (random order spreads the
 *   waits), and are checked only for fifo.
 * - Go with a deadline and random order: not M/M/c+D. With one fixed patience for everybody,
 *   serving the oldest waiter first (FIFO, earliest deadline first) loses the fewest
 *   (Panwar, Towsley and Wolf, J. ACM 35(4), 1988), so the random order's timeout rate must
 *   lie above M/M/c+D's: its whole 99.9 % interval is checked to be above the exact FIFO value.
 *
 * Bounds on the half-width: the cases are test_validation.c's own (same c, rates, timeouts,
 * horizons and warm-ups), whose bounds are twice the median half-width over 26 seeds; a kind
 * that is the same queue on the same random streams (arrivals and holds are drawn from the
 * workload's streams, not the pool's) has the same sampling error, so the same bounds apply.
 * Checked with -DVALIDATION_SEED=101 ... 105 as well: every check passes. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/model.h"
#include "models/pool.h"
#include "models/requests.h"
#include "models/summary.h"
#include "sim/stats.h"
#include "tests/queueing_ref.h"
#include "tests/testutil.h"

#define REPS 10
#define CONF 0.999
#ifndef VALIDATION_SEED
#define VALIDATION_SEED 20261129
#endif

enum kind { HIKARI, GO_FIFO, GO_RANDOM };

/* One pool of kind k with c connections, waits ending after timeout (INFINITY: never). */
static void config(struct cfg_scenario *sc, enum kind k, int c, double lam, double mu,
		   double timeout, double horizon, double warmup)
{
	/* the M/M/c+D queue, then the kind's own settings for the same c and timeout */
	testutil_mmcd(sc, c, lam, mu, timeout, horizon, warmup, REPS, VALIDATION_SEED);
	struct cfg_pool *p = &sc->pools[0];
	if (k == HIKARI) {
		p->kind = &pool_kind_hikaricp;
		p->min_idle = c;
		p->idle_timeout_s = 600;
		p->max_lifetime_s = 0;
		snprintf(p->pool_name, CFG_NAME_MAX, "HikariPool-1");
	} else {
		p->kind = &pool_kind_go;
		p->max_open = c;
		p->fifo_waiters = k == GO_FIFO;
	}
}

struct sims {
	struct model_result *r[REPS];
};

static void run_all(const struct cfg_scenario *sc, struct sims *se)
{
	for (int i = 0; i < REPS; i++) {
		se->r[i] = model_result_create(sc);
		assert_non_null(se->r[i]);
		assert_int_equal(model_run(sc, (uint64_t)i, se->r[i], NULL), 0);
		const struct requests_stats *s = &se->r[i]->workloads[0];
		assert_true(s->offered == s->served + requests_failures(s));
		assert_true(s->offered > 0);
	}
}

static void free_all(struct sims *se)
{
	for (int i = 0; i < REPS; i++)
		model_result_destroy(se->r[i]);
}

/* The 99.9 % interval of metric `name` over the replications; its mean returned. */
static double interval(const struct sims *se, const char *name, double *lo, double *hi)
{
	const struct metric_def *m = metric_find(name);
	assert_non_null(m);
	double v[REPS];
	for (int i = 0; i < REPS; i++)
		v[i] = m->get(se->r[i], 0);
	return ci_student(v, REPS, CONF, lo, hi);
}

/* exact inside the interval (widened for quantiles by the histogram's resolution, as in
 * test_validation.c) and a half-width of at most max_rel_half x exact. */
static void check(const struct sims *se, const char *name, double exact, double max_rel_half)
{
	bool quantile = strncmp(name, "wait_p", 6) == 0 || strncmp(name, "wait_all_p", 10) == 0;
	double res = quantile ? sqrt(HISTO_GAMMA) - 1 : 0, lo, hi;
	double mean = interval(se, name, &lo, &hi);
	double half = (hi - lo) / 2;
	printf("    %-16s exact %-12.6g sim %-12.6g 99.9%% CI [%.6g, %.6g] (half-width %.2g%%)\n",
	       name, exact, mean, lo, hi, 100 * half / exact);
	assert_true(lo / (1 + res) <= exact && exact <= hi * (1 + res));
	assert_true(half <= max_rel_half * exact);
}

/* M/M/30+D, lam 280, mu 10, T 50 ms: the worked example of queueing.md (P(abandon) 0.01932),
 * with test_mmcd_c30_t50ms's bounds. */
static void mmcd_c30(enum kind k)
{
	struct cfg_scenario sc;
	struct qref_mmcd q;
	assert_int_equal(qref_mmcd(30, 280, 10, 0.05, &q), QREF_OK);
	config(&sc, k, 30, 280, 10, 0.05, 1000, 50);
	struct sims se;
	run_all(&sc, &se);
	check(&se, "timeout_rate", q.p_abandon, 0.143);
	check(&se, "p_wait", q.p_wait, 0.044);
	check(&se, "checked_out_mean", 30 * q.utilization, 0.0062);
	check(&se, "wait_mean", q.mean_wait_served, 0.072);
	check(&se, "wait_all_mean", q.mean_wait_all, 0.073);
	check(&se, "wait_p90", qref_mmcd_wait_quantile_served(30, 280, 10, 0.05, 0.90), 0.043);
	free_all(&se);
}

static void test_hikaricp_fixed_size_is_mmcd(void **state)
{
	(void)state;
	printf("  HikariCP maximumPoolSize = minimumIdle = 30, connectionTimeout 50 ms: M/M/30+D\n");
	mmcd_c30(HIKARI);
}

/* Overloaded (rho = 1.3), test_mmcd_c10_overloaded's case and bounds, with HikariCP's
 * smallest connectionTimeout of the same order (500 ms). */
static void test_hikaricp_overloaded_is_mmcd(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	struct qref_mmcd q;
	assert_int_equal(qref_mmcd(10, 130, 10, 0.5, &q), QREF_OK);
	config(&sc, HIKARI, 10, 130, 10, 0.5, 500, 20);
	struct sims se;
	run_all(&sc, &se);
	printf("  HikariCP 10, 130/s, connectionTimeout 500 ms: M/M/10+D overloaded\n");
	check(&se, "timeout_rate", q.p_abandon, 0.056);
	check(&se, "wait_mean", q.mean_wait_served, 0.0068);
	check(&se, "wait_all_mean", q.mean_wait_all, 0.0058);
	free_all(&se);
}

static void test_go_fifo_deadline_is_mmcd(void **state)
{
	(void)state;
	printf("  Go max_open_conns 30, context deadline 50 ms, fifo: M/M/30+D\n");
	mmcd_c30(GO_FIFO);
}

/* Random order loses more requests than FIFO with one fixed patience: the random order's
 * interval lies wholly above the FIFO (M/M/c+D) value. */
static void test_go_random_deadline_above_mmcd(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	struct qref_mmcd q;
	assert_int_equal(qref_mmcd(30, 280, 10, 0.05, &q), QREF_OK);
	config(&sc, GO_RANDOM, 30, 280, 10, 0.05, 1000, 50);
	struct sims se;
	run_all(&sc, &se);
	double lo, hi, mean = interval(&se, "timeout_rate", &lo, &hi);
	printf("  Go random waiter, deadline 50 ms: timeout rate %.5g, 99.9%% CI [%.5g, %.5g] "
	       "above M/M/30+D's FIFO %.5g\n", mean, lo, hi, q.p_abandon);
	assert_true(lo > q.p_abandon);
	free_all(&se);
}

/* M/M/10, lam 80, mu 10 (test_erlang_c_c10's case and bounds). */
static void erlang_c10(enum kind k)
{
	struct cfg_scenario sc;
	struct qref_mmc q;
	assert_int_equal(qref_mmc(10, 80, 10, &q), QREF_OK);
	config(&sc, k, 10, 80, 10, INFINITY, 4000, 50);
	struct sims se;
	run_all(&sc, &se);
	for (int i = 0; i < REPS; i++)
		assert_int_equal(se.r[i]->workloads[0].pool_timeouts, 0);
	check(&se, "p_wait", q.p_wait, 0.032);
	check(&se, "wait_mean", q.mean_wait, 0.092);
	check(&se, "checked_out_mean", 10 * q.utilization, 0.007);
	if (k == GO_FIFO)
		check(&se, "wait_p99", qref_mmc_wait_quantile(10, 80, 10, 0.99), 0.12);
	free_all(&se);
}

static void test_go_no_deadline_is_erlang_c(void **state)
{
	(void)state;
	printf("  Go max_open_conns 10, no deadline, random waiter: Erlang C (order-free metrics)\n");
	erlang_c10(GO_RANDOM);
}

static void test_go_fifo_no_deadline_is_erlang_c(void **state)
{
	(void)state;
	printf("  Go max_open_conns 10, no deadline, fifo: Erlang C\n");
	erlang_c10(GO_FIFO);
}

/* Determinism: the same replication of a kind that draws its own random numbers (Go's
 * random waiter, HikariCP's lifetime variance) gives the same bits twice. */
static void test_same_seed_same_bits(void **state)
{
	(void)state;
	const char *names[] = {"wait_mean", "wait_p99", "timeout_rate", "checked_out_mean"};
	for (int k = 0; k < 2; k++) {
		struct cfg_scenario sc;
		config(&sc, k ? HIKARI : GO_RANDOM, 10, 95, 10, 0.5, 300, 10);
		sc.pools[0].max_lifetime_s = 40; /* HikariCP: a variance drawn per connection */
		struct model_result *a = model_result_create(&sc), *b = model_result_create(&sc);
		assert_non_null(a);
		assert_non_null(b);
		assert_int_equal(model_run(&sc, 3, a, NULL), 0);
		assert_int_equal(model_run(&sc, 3, b, NULL), 0);
		for (int i = 0; i < 4; i++) {
			const struct metric_def *m = metric_find(names[i]);
			double x = m->get(a, 0), y = m->get(b, 0);
			assert_memory_equal(&x, &y, sizeof x);
		}
		assert_true(a->workloads[0].pool_timeouts > 0); /* the deadlines were exercised */
		model_result_destroy(a);
		model_result_destroy(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hikaricp_fixed_size_is_mmcd),
		cmocka_unit_test(test_hikaricp_overloaded_is_mmcd),
		cmocka_unit_test(test_go_fifo_deadline_is_mmcd),
		cmocka_unit_test(test_go_random_deadline_above_mmcd),
		cmocka_unit_test(test_go_no_deadline_is_erlang_c),
		cmocka_unit_test(test_go_fifo_no_deadline_is_erlang_c),
		cmocka_unit_test(test_same_seed_same_bits),
	};
	return cmocka_run_group_tests_name("validation_kinds", tests, NULL, NULL);
}
