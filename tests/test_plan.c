/* Plans: scaling a workload's rates, and the breaking load checked against queueing theory. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/scenario.h"
#include "models/plan.h"
#include "sim/status.h"
#include "tests/queueing_ref.h"

static void test_scale(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	cfg_scenario_defaults(&sc);
	sc.n_workloads = 1;
	cfg_requests_defaults(&sc.workloads[0].req);
	sc.workloads[0].req.arrival.rate_per_s = 100;
	sc.workloads[0].req.arrival.n_profile = 2;
	sc.workloads[0].req.arrival.profile[0] = (struct cfg_rate_point){0, 10};
	sc.workloads[0].req.arrival.profile[1] = (struct cfg_rate_point){60, 30};
	plan_scale(&sc, 0, 1.5);
	assert_true(sc.workloads[0].req.arrival.rate_per_s == 150);
	assert_true(sc.workloads[0].req.arrival.profile[0].rate_per_s == 15);
	assert_true(sc.workloads[0].req.arrival.profile[1].rate_per_s == 45);
	assert_true(sc.workloads[0].req.arrival.profile[1].t_s == 60); /* times unchanged */
}

/* The exact breaking load of M/M/30+D (mean hold 0.1 s, timeout 50 ms) for an SLO of 1 %
 * timeouts: P(abandon)(lam) increases with lam; bisection on queueing_ref gives lam* where it
 * equals 1 %. The plan's passing load must lie below lam* (a pass needs the upper end of the
 * 95 % interval under the limit), and its failing load cannot lie far below it: the interval of
 * 10 replications of 20 minutes is about +/- 0.04 % wide where the rate climbs 0.045 % per
 * request/s, so a probe within 1 % of lam* may come out inconclusive (counted as failing), not
 * one further away. The bracket is within the tolerance (5 %). */
static void test_breaking_load_matches_theory(void **state)
{
	(void)state;
	double lo = 200, hi = 300;
	for (int i = 0; i < 60; i++) {
		double mid = (lo + hi) / 2;
		struct qref_mmcd q;
		assert_int_equal(qref_mmcd(30, mid, 10, 0.05, &q), QREF_OK);
		if (q.p_abandon > 0.01)
			hi = mid;
		else
			lo = mid;
	}
	double exact = lo;
	assert_true(exact > 255 && exact < 270);

	const char *sets[] = {"slo={\"api\": {\"timeout_rate\": \"1%\"}}"};
	char err[512];
	struct scenario *sc;
	if (scenario_load(&sc, "scenarios/mmc-validation.json", sets, 1, err, sizeof err))
		fail_msg("%s", err);
	struct plan *pl = malloc(sizeof *pl);
	assert_non_null(pl);
	assert_int_equal(plan_search(pl, &sc->variants[0].cfg, 0, 0.05, 0, NULL, NULL), 0);
	double base = sc->variants[0].cfg.workloads[0].req.arrival.rate_per_s;
	double pass = base * pl->pass_factor, failing = base * pl->fail_factor;
	printf("    exact breaking load %.2f/s; plan: passes at %.2f/s, fails at %.2f/s (%d probes)\n",
	       exact, pass, failing, pl->n);
	assert_true(pl->pass_factor > 0 && isfinite(pl->fail_factor));
	assert_true(pass <= exact);
	assert_true(failing >= 0.99 * exact);
	assert_true(pl->fail_factor / pl->pass_factor <= 1.05);
	/* Why each probe passed or not: its one limit (timeout_rate, judged on failure_rate),
	 * with the probe's own failure-rate estimate; the probe's verdict is that limit's. */
	for (int i = 0; i < pl->n; i++) {
		const struct plan_probe *p = &pl->probes[i];
		assert_int_equal(p->n_slo, 1);
		assert_string_equal(p->slo[0].slo.metric, "timeout_rate");
		assert_true(p->slo[0].slo.limit == 0.01);
		assert_int_equal(p->slo[0].verdict, p->verdict);
		assert_true(p->slo[0].est.mean == p->failure_rate);
		assert_true(p->slo[0].est.hi == p->failure_rate_hi);
	}
	/* mmc-validation's database has no cores: the CPU is not modelled, say so */
	assert_true(pl->cpu_unmodelled);
	free(pl);
	scenario_destroy(sc);
}

/* The CPU warning: the scaled workload's server without `cores`, or a replica its reads are
 * routed to without them. */
static void test_cpu_unmodelled(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	cfg_scenario_defaults(&sc);
	sc.n_workloads = 1;
	cfg_requests_defaults(&sc.workloads[0].req);
	sc.n_pools = 2;
	cfg_pool_defaults(&sc.pools[0]);
	cfg_pool_defaults(&sc.pools[1]);
	sc.pools[1].server = 1;
	sc.n_replicas = 1;
	cfg_replica_defaults(&sc, &sc.replicas[0], "r1");
	sc.workloads[0].pool = 0;
	assert_true(plan_cpu_unmodelled(&sc, 0)); /* the primary has no cores */
	sc.db.cores = 8;
	assert_false(plan_cpu_unmodelled(&sc, 0));
	sc.workloads[0].req.reads.n_pools = 1; /* reads routed to r1, without cores */
	sc.workloads[0].req.reads.pools[0] = 1;
	sc.replicas[0].db.cores = 0;
	assert_true(plan_cpu_unmodelled(&sc, 0));
	sc.replicas[0].db.cores = 4;
	assert_false(plan_cpu_unmodelled(&sc, 0));
}

static void test_refusals(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	cfg_scenario_defaults(&sc);
	sc.n_workloads = 1;
	cfg_requests_defaults(&sc.workloads[0].req);
	struct plan pl;
	/* no SLO limits */
	assert_int_equal(plan_search(&pl, &sc, 0, 0.05, 1, NULL, NULL), PT_EINVAL);
	sc.n_slo = 1;
	/* a batch workload has no rate to scale */
	sc.workloads[0].kind = CFG_WORKLOAD_BATCH;
	assert_int_equal(plan_search(&pl, &sc, 0, 0.05, 1, NULL, NULL), PT_EINVAL);
	/* no such workload */
	assert_int_equal(plan_search(&pl, &sc, 3, 0.05, 1, NULL, NULL), PT_EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale),
		cmocka_unit_test(test_breaking_load_matches_theory),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_cpu_unmodelled),
	};
	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
