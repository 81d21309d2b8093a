/* Precision mode (models/precision.h, the rounds of models/experiment.c): the stopping rule on
 * hand-made estimates, exactly; then, against queueing theory, a run that stops with a decided
 * verdict on M/M/c+D, whose results do not depend on the threads and equal a plain run of the
 * same number of replications. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_cdf.h>

#include "models/experiment.h"
#include "models/precision.h"
#include "models/slo.h"
#include "models/summary.h"
#include "tests/queueing_ref.h"
#include "tests/testutil.h"

/* A metric: decided when the half-width is at most rel x mean; else n (h / (rel mean))^2.
 * Values are powers of two so that every ratio below is exact in binary. */
static void test_metric_rule(void **state)
{
	(void)state;
	/* mean 1, [0.75, 1.25]: h = 0.25. rel 0.25: h = 0.25 <= 0.25, decided (the bound is
	 * inclusive). */
	struct estimate e = {.mean = 1, .lo = 0.75, .hi = 1.25, .n = 10};
	assert_int_equal(precision_metric_need(&e, 0.25), 0);
	/* rel 0.125: h / (rel mean) = 2, need 10 x 4 = 40 */
	assert_int_equal(precision_metric_need(&e, 0.125), 40);
	/* rel 0.0625: ratio 4, 10 x 16 = 160 */
	assert_int_equal(precision_metric_need(&e, 0.0625), 160);
	/* a negative-free metric with mean 0 is 0 in every replication: decided */
	struct estimate zero = {.mean = 0, .lo = 0, .hi = 0, .n = 10};
	assert_int_equal(precision_metric_need(&zero, 0.01), 0);
	/* ... also a rate whose interval the Wilson widening opened to [0, 3.84/n] */
	struct estimate zero_rate = {.mean = 0, .lo = 0, .hi = 0.001, .n = 10};
	assert_int_equal(precision_metric_need(&zero_rate, 0.01), 0);
	/* undefined in every replication: nothing to estimate */
	struct estimate undef = {.mean = NAN, .lo = NAN, .hi = NAN, .n = 0};
	assert_int_equal(precision_metric_need(&undef, 0.01), 0);
	/* one replication defines it: no interval, no estimate of the need */
	struct estimate one = {.mean = 2, .lo = 2, .hi = 2, .n = 1};
	assert_true(precision_metric_need(&one, 0.01) == PRECISION_UNKNOWN);
	/* a need just above n rounds up to n + 1: mean 1, h = 0.25 + 2^-10 at rel 0.25 gives
	 * 10 x (1 + 2^-8)^2 = 10.08..., ceil 11 */
	struct estimate near = {.mean = 1, .lo = 0.75 - 1.0 / 1024, .hi = 1.25 + 1.0 / 1024, .n = 10};
	assert_int_equal(precision_metric_need(&near, 0.25), 11);
}

/* SLO limits: decided when the variant's verdict is pass or fail; an inconclusive one needs
 * the most its inconclusive limits need (slo_replications_to_decide: n (h / d)^2). */
static void test_slo_rule(void **state)
{
	(void)state;
	struct slo_result res[2] = {0};
	res[0].slo.limit = 1.0;
	res[1].slo.limit = 1.0;
	/* limit 0: mean 1.5 [1.25, 1.75], n 10: fail, decided */
	res[0].est = (struct estimate){.mean = 1.5, .lo = 1.25, .hi = 1.75, .n = 10};
	res[0].verdict = slo_verdict_of(&res[0].est, res[0].slo.limit);
	assert_int_equal(res[0].verdict, SLO_FAIL);
	/* limit 1: mean 0.875 [0.625, 1.125]: inconclusive; h = 0.25, d = 0.125: 10 x 4 = 40 */
	res[1].est = (struct estimate){.mean = 0.875, .lo = 0.625, .hi = 1.125, .n = 10};
	res[1].verdict = slo_verdict_of(&res[1].est, res[1].slo.limit);
	assert_int_equal(res[1].verdict, SLO_INCONCLUSIVE);
	/* one failing limit fails the variant: decided, whatever the other says */
	assert_int_equal(precision_slo_need(res, 2, SLO_FAIL), 0);
	assert_int_equal(precision_slo_need(res, 2, SLO_PASS), 0);
	/* alone, the inconclusive limit needs 40 */
	assert_int_equal(precision_slo_need(&res[1], 1, SLO_INCONCLUSIVE), 40);
	/* a mean exactly on the limit: no number decides it, no estimate */
	res[1].est = (struct estimate){.mean = 1, .lo = 0.75, .hi = 1.25, .n = 10};
	res[1].verdict = SLO_INCONCLUSIVE;
	assert_true(precision_slo_need(&res[1], 1, SLO_INCONCLUSIVE) == PRECISION_UNKNOWN);
}

/* The next round's total: ceil(1.2 need), at least n + ceil(n / 4), at most 4 n (2 n without
 * an estimate), never beyond max. */
static void test_next_round(void **state)
{
	(void)state;
	assert_int_equal(precision_next(10, 40, 1000), 40);   /* ceil(48) capped at 4 n = 40 */
	assert_int_equal(precision_next(10, 30, 1000), 36);   /* 1.2 x 30 */
	assert_int_equal(precision_next(10, 11, 1000), 14);   /* 13.2 -> 14 >= 10 + 3 */
	assert_int_equal(precision_next(10, 1, 1000), 13);    /* at least a quarter more */
	assert_int_equal(precision_next(10, PRECISION_UNKNOWN, 1000), 20);
	assert_int_equal(precision_next(1, PRECISION_UNKNOWN, 1000), 2);
	assert_int_equal(precision_next(2, 1000000, 1000), 8);
	assert_int_equal(precision_next(300, 5000, 1000), 1000); /* the maximum */
	assert_int_equal(precision_next(1000, 5000, 1000), 1000); /* nothing more */
}

/* M/M/30+D, lam 280/s, mean hold 100 ms, timeout 50 ms (reference/queueing.md's worked
 * example): the exact timeout rate P(abandon) = 0.01932 (queueing_ref). */
#define C 30
#define LAM 280.0
#define MU 10.0
#define T 0.05

static void mmcd(struct cfg_scenario *sc, int reps, double limit)
{
	testutil_mmcd(sc, C, LAM, MU, T, 200, 20, reps, 20261207);
	sc->n_slo = 1;
	sc->slo[0] = (struct cfg_slo){.workload = 0, .limit = limit};
	snprintf(sc->slo[0].metric, sizeof sc->slo[0].metric, "timeout_rate");
}

/* The Done-when of issue 7 item 6. The SLO limit sits 5 % above the exact rate, 0.02029:
 * three replications of 180 s (after the warm-up) leave an interval of about +/- 0.1 pp around
 * 1.93 %, which straddles it, so the first round cannot decide; the rule then asks for about
 * n (h / d)^2 replications and the run stops once the interval clears the limit, after a few
 * rounds and well before the maximum. The verdict must be pass, the only right one given the
 * exact rate; the estimate must cover the exact rate (below), and the run must be the same
 * bytes with 1 and 2 threads and equal a plain run of as many replications. */
static void test_mmcd_stops_decided(void **state)
{
	(void)state;
	struct qref_mmcd q;
	assert_int_equal(qref_mmcd(C, LAM, MU, T, &q), QREF_OK);
	double limit = 1.05 * q.p_abandon;
	struct cfg_scenario sc;
	mmcd(&sc, 3, limit);
	const struct cfg_scenario *cfgs[1] = {&sc};
	struct precision pr = {.rel = 0.05, .max_reps = 1000};
	struct experiment_plan xp = {.precision = &pr};

	struct experiment one, two;
	assert_int_equal(experiment_run_plan(&one, 1, cfgs, 1, &xp, NULL, NULL), 0);
	assert_int_equal(experiment_run_plan(&two, 1, cfgs, 2, &xp, NULL, NULL), 0);
	const struct aggregate *a = experiment_aggregate(&one, 0);
	int n = a->nrep;
	printf("    exact %.5f limit %.5f: stopped at %d replications in %d rounds\n", q.p_abandon,
	       limit, n, one.rounds);
	assert_true(experiment_decided(&one));
	assert_true(one.rounds >= 2 && n > 3 && n < pr.max_reps);
	/* threads: the same rounds, the same bytes */
	assert_int_equal(two.rounds, one.rounds);
	assert_true(aggregate_equal(a, experiment_aggregate(&two, 0)));

	struct slo_result res;
	assert_int_equal(slo_evaluate_aggregate(a, &sc, &res), SLO_PASS);
	printf("    failure_rate %.5f [%.5f, %.5f]\n", res.est.mean, res.est.lo, res.est.hi);
	/* The estimate covers the exact rate. The reported interval is 95 %: with a correct
	 * model it misses for 5 % of seeds, so the check widens it to 99.9 % (the ratio of the
	 * Student t quantiles for n - 1 degrees of freedom, as tests/test_validation.c checks at
	 * 99.9 %): with the seed fixed the test is deterministic, and fails only for a bias of
	 * the order of the interval or more. */
	double t95 = gsl_cdf_tdist_Pinv(0.975, n - 1), t999 = gsl_cdf_tdist_Pinv(0.9995, n - 1);
	double h = (res.est.hi - res.est.lo) / 2 * t999 / t95;
	assert_true(fabs(res.est.mean - q.p_abandon) <= h);
	/* and it is precise enough to have decided: the half-width is below the distance to the
	 * limit (5 % of the rate) */
	assert_true((res.est.hi - res.est.lo) / 2 < limit - res.est.mean);

	/* A plain run of n replications: the same bytes. */
	struct cfg_scenario plain_sc = sc;
	plain_sc.replications = n;
	const struct cfg_scenario *pcfgs[1] = {&plain_sc};
	struct experiment plain;
	assert_int_equal(experiment_run(&plain, 1, pcfgs, 2, NULL, NULL), 0);
	assert_true(aggregate_equal(a, experiment_aggregate(&plain, 0)));
	experiment_fini(&plain);
	experiment_fini(&one);
	experiment_fini(&two);
}

/* The maximum: a limit on the exact rate itself is decided only when the 95 % interval misses
 * the truth (for about 5 % of seeds, not this one): the run stops at the maximum, says so, and
 * the verdict stays inconclusive. */
static void test_stops_at_maximum(void **state)
{
	(void)state;
	struct qref_mmcd q;
	assert_int_equal(qref_mmcd(C, LAM, MU, T, &q), QREF_OK);
	struct cfg_scenario sc;
	mmcd(&sc, 3, q.p_abandon);
	sc.horizon_s = 60;
	sc.warmup_s = 10;
	const struct cfg_scenario *cfgs[1] = {&sc};
	struct precision pr = {.rel = 0.05, .max_reps = 12};
	struct experiment ex;
	assert_int_equal(experiment_run_plan(&ex, 1, cfgs, 0, &(struct experiment_plan){
								   .precision = &pr},
					     NULL, NULL),
			 0);
	assert_int_equal(experiment_aggregate(&ex, 0)->nrep, 12);
	assert_false(experiment_decided(&ex));
	assert_int_equal(slo_evaluate_aggregate(experiment_aggregate(&ex, 0), &sc, NULL),
			 SLO_INCONCLUSIVE);
	experiment_fini(&ex);
}

/* Sweep mode: only undecided variants get more replications; a decided one keeps its count,
 * and its aggregate is the plain run's. */
static void test_per_variant(void **state)
{
	(void)state;
	struct qref_mmcd q;
	assert_int_equal(qref_mmcd(C, LAM, MU, T, &q), QREF_OK);
	struct cfg_scenario far, near;
	mmcd(&far, 3, 0.5);                 /* 1.9 % against 50 %: pass at once */
	mmcd(&near, 3, 1.05 * q.p_abandon); /* needs rounds (above) */
	far.horizon_s = near.horizon_s = 60;
	far.warmup_s = near.warmup_s = 10;
	const struct cfg_scenario *cfgs[2] = {&far, &near};
	struct precision pr = {.rel = 0.05, .max_reps = 1000, .per_variant = true};
	struct experiment ex;
	assert_int_equal(experiment_run_plan(&ex, 2, cfgs, 2, &(struct experiment_plan){
								   .precision = &pr},
					     NULL, NULL),
			 0);
	assert_int_equal(experiment_aggregate(&ex, 0)->nrep, 3);
	assert_true(experiment_aggregate(&ex, 1)->nrep > 3);
	assert_true(experiment_decided(&ex));
	struct experiment plain;
	assert_int_equal(experiment_run(&plain, 1, cfgs, 1, NULL, NULL), 0);
	assert_true(aggregate_equal(experiment_aggregate(&ex, 0), experiment_aggregate(&plain, 0)));
	experiment_fini(&plain);
	experiment_fini(&ex);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metric_rule),
		cmocka_unit_test(test_slo_rule),
		cmocka_unit_test(test_next_round),
		cmocka_unit_test(test_mmcd_stops_decided),
		cmocka_unit_test(test_stops_at_maximum),
		cmocka_unit_test(test_per_variant),
	};
	return cmocka_run_group_tests_name("precision", tests, NULL, NULL);
}
