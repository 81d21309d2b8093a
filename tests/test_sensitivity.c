/* Tests of models/sensitivity (and sim/dist's dist_scale, which it is built on).
 *
 * Exact: each distribution kind scaled by 1.1 keeps its shape (its parameters, moments and
 * draws on the same random numbers, by hand); a configuration's holds and arrival rates are
 * scaled and nothing else is.
 * Statistical: on M/M/c+D (a pool with max_overflow 0, zero connect time, exponential holds,
 * Poisson arrivals, deterministic timeout; tests/queueing_ref), the section's base, "+10 %
 * holds" and "+10 % rates" failure rates agree with the exact values, the paired differences
 * with the exact differences and are positive, and each perturbed estimate is the same bytes
 * as a run of the scaled configuration written directly.
 * Command line: the bundled incident's section, and its agreement with `run --set` of the
 * scaled values, through the built binary ($POOLTIDE or build/pooltide). */
#include <math.h>
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

#include "models/aggregate.h"
#include "models/experiment.h"
#include "models/sensitivity.h"
#include "models/summary.h"
#include "sim/dist.h"
#include "sim/rng.h"
#include "sim/status.h"
#include "tests/queueing_ref.h"

#define F SENSITIVITY_FACTOR

/* Draws of d and of its scaled copy e from two generators with the same seed: e's draw is
 * 1.1 x d's up to rounding. `rel`: the rounding allowed, from how the kind computes a draw
 * (a product of two rounded factors: a few ulps; a lognormal's exp(zeta + ln 1.1 + sigma z):
 * the argument's rounding, |zeta| x 2^-52 ~ 1e-15 relative, amplified by nothing). */
static void same_draws_scaled(const struct dist *d, const struct dist *e, double rel)
{
	gsl_rng *r1 = gsl_rng_alloc(gsl_rng_mt19937), *r2 = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(r1);
	assert_non_null(r2);
	gsl_rng_set(r1, 42);
	gsl_rng_set(r2, 42);
	for (int i = 0; i < 1000; i++) {
		double x = dist_sample(d, r1), y = dist_sample(e, r2);
		assert_true(fabs(y - F * x) <= rel * F * x);
	}
	gsl_rng_free(r1);
	gsl_rng_free(r2);
}

static void test_scale_constant(void **state)
{
	(void)state;
	struct dist d, e;
	assert_int_equal(dist_constant(&d, 0.05), PT_OK);
	assert_int_equal(dist_scale(&e, &d, F, NULL), PT_OK);
	assert_int_equal(e.kind, DIST_CONSTANT);
	assert_true(e.a == 0.05 * F && e.mean == 0.05 * F && e.sd == 0);
	same_draws_scaled(&d, &e, 0);
	/* 0 stays 0 (a default app_time) */
	assert_int_equal(dist_constant(&d, 0), PT_OK);
	assert_int_equal(dist_scale(&e, &d, F, NULL), PT_OK);
	assert_true(e.a == 0 && e.mean == 0);
}

static void test_scale_exponential(void **state)
{
	(void)state;
	struct dist d, e;
	assert_int_equal(dist_exponential(&d, 0.1), PT_OK);
	assert_int_equal(dist_scale(&e, &d, F, NULL), PT_OK);
	/* the same as the constructor given the scaled mean: a run of the scaled scenario */
	struct dist g;
	assert_int_equal(dist_exponential(&g, 0.1 * F), PT_OK);
	assert_memory_equal(&e, &g, sizeof e);
	same_draws_scaled(&d, &e, 4 * 0x1p-52);
}

static void test_scale_uniform(void **state)
{
	(void)state;
	struct dist d, e;
	assert_int_equal(dist_uniform(&d, 0.01, 0.03), PT_OK);
	assert_int_equal(dist_scale(&e, &d, F, NULL), PT_OK);
	assert_true(e.kind == DIST_UNIFORM && e.a == 0.01 * F && e.b == 0.03 * F);
	assert_true(e.mean == d.mean * F && e.sd == d.sd * F);
	same_draws_scaled(&d, &e, 4 * 0x1p-52);
}

static void test_scale_lognormal(void **state)
{
	(void)state;
	struct dist d, e;
	/* median 10 ms, p99 100 ms: zeta = ln 0.01, sigma = ln 10 / 2.326 */
	assert_int_equal(dist_lognormal_median_p99(&d, 0.01, 0.1), PT_OK);
	assert_int_equal(dist_scale(&e, &d, F, NULL), PT_OK);
	assert_int_equal(e.kind, DIST_LOGNORMAL);
	assert_true(e.b == d.b);                             /* sigma: the shape, unchanged */
	assert_true(fabs(exp(e.a) - 0.011) <= 1e-15);       /* the median, 10 ms x 1.1 */
	assert_true(e.mean == d.mean * F && e.sd == d.sd * F);
	same_draws_scaled(&d, &e, 1e-14);
}

static void test_scale_gamma(void **state)
{
	(void)state;
	struct dist d, e;
	/* mean 50 ms, cv 0.5: shape 4, scale 12.5 ms */
	assert_int_equal(dist_gamma_mean_cv(&d, 0.05, 0.5), PT_OK);
	assert_int_equal(dist_scale(&e, &d, F, NULL), PT_OK);
	assert_true(e.kind == DIST_GAMMA && e.a == 4 && e.b == d.b * F);
	assert_true(e.mean == 0.05 * F && e.sd == d.sd * F);
	same_draws_scaled(&d, &e, 4 * 0x1p-52);
}

static void test_scale_empirical(void **state)
{
	(void)state;
	static const double x[4] = {0.01, 0.02, 0.5, 0.03};
	double buf[4];
	struct dist d, e;
	assert_int_equal(dist_empirical_sample(&d, x, 4), PT_OK);
	assert_int_equal(dist_scale_len(&d), 4);
	assert_int_equal(dist_scale(&e, &d, F, buf), PT_OK);
	assert_ptr_equal(e.x, buf);
	assert_null(e.cum);
	for (int i = 0; i < 4; i++)
		assert_true(buf[i] == x[i] * F);
	assert_true(x[2] == 0.5); /* the loader's values are untouched */
	assert_true(e.mean == d.mean * F && e.sd == d.sd * F);
	same_draws_scaled(&d, &e, 0); /* the same index, the value x 1.1 exactly */

	/* a histogram: bins [0, 10 ms) x 3, [10, 40 ms) x 1; edges scale, counts stay */
	static const double edges[3] = {0, 0.01, 0.04}, cum[2] = {3, 4};
	double eb[3];
	assert_int_equal(dist_empirical_histogram(&d, edges, cum, 2), PT_OK);
	assert_int_equal(dist_scale_len(&d), 3);
	assert_int_equal(dist_scale(&e, &d, F, eb), PT_OK);
	assert_ptr_equal(e.x, eb);
	assert_ptr_equal(e.cum, cum);
	for (int i = 0; i < 3; i++)
		assert_true(eb[i] == edges[i] * F);
	/* mean by hand: 3/4 x 5 ms + 1/4 x 25 ms = 10 ms, x 1.1 */
	assert_true(fabs(e.mean - 0.011) <= 1e-17);
	same_draws_scaled(&d, &e, 4 * 0x1p-52);
}

static void test_scale_rejects(void **state)
{
	(void)state;
	struct dist d, e;
	assert_int_equal(dist_constant(&d, 0.05), PT_OK);
	e = d;
	assert_int_equal(dist_scale(&e, &d, 0, NULL), PT_EINVAL);
	assert_int_equal(dist_scale(&e, &d, -1, NULL), PT_EINVAL);
	assert_int_equal(dist_scale(&e, &d, INFINITY, NULL), PT_EINVAL);
	assert_int_equal(dist_scale(&e, &d, NAN, NULL), PT_EINVAL);
	assert_int_equal(dist_scale(&e, &d, 1e308, NULL), PT_OK);
	assert_int_equal(dist_constant(&d, 1e10), PT_OK);
	assert_int_equal(dist_scale(&e, &d, 1e300, NULL), PT_EINVAL); /* overflows */
	assert_true(e.a == 0.05 * 1e308);                               /* unchanged */
}

/* ------------------------------------------------------------------------------------------ */
/* A configuration: what is scaled and what is not                                            */

static const double trace_t[3] = {1.0, 2.2, 5.5};
static const double trace_hold[3] = {0.02, NAN, 0.5};

static void full_config(struct cfg_scenario *sc)
{
	cfg_scenario_defaults(sc);
	sc->db.rtt_s = 0.001;
	sc->db.lock_timeout_s = 2;
	sc->db.statement_timeout_s = 30;
	sc->n_pools = 1;
	cfg_pool_defaults(&sc->pools[0]);
	snprintf(sc->pools[0].name, CFG_NAME_MAX, "main");
	dist_constant(&sc->pools[0].wakeup_latency, 0.0001);
	sc->pools[0].checkout_cost_s = 0.0002;
	sc->n_workloads = 3;
	struct cfg_workload *w = &sc->workloads[0];
	snprintf(w->name, CFG_NAME_MAX, "api");
	w->kind = CFG_WORKLOAD_REQUESTS;
	cfg_requests_defaults(&w->req);
	w->req.arrival.n_profile = 2;
	w->req.arrival.profile[0] = (struct cfg_rate_point){0, 100};
	w->req.arrival.profile[1] = (struct cfg_rate_point){1800, 300};
	w->req.arrival.n_bursts = 1;
	w->req.arrival.bursts[0] = (struct cfg_burst){600, 660, 3};
	dist_lognormal_mean_sd(&w->req.db_time, 0.05, 0.02);
	dist_constant(&w->req.app_time, 0.01);
	w->req.client_timeout_s = 5;
	w->req.backoff_s = 0.5;
	w = &sc->workloads[1];
	snprintf(w->name, CFG_NAME_MAX, "replay");
	w->kind = CFG_WORKLOAD_REQUESTS;
	cfg_requests_defaults(&w->req);
	w->req.arrival.trace_n = 3;
	w->req.arrival.trace_t = trace_t;
	w->req.arrival.trace_hold = trace_hold;
	dist_exponential(&w->req.db_time, 0.03);
	w = &sc->workloads[2];
	snprintf(w->name, CFG_NAME_MAX, "agg");
	w->kind = CFG_WORKLOAD_BATCH;
	cfg_batch_defaults(&w->batch);
	w->batch.records.rate_per_s = 40;
	w->batch.every_s = 60;
	dist_gamma_mean_cv(&w->batch.per_record, 0.002, 1);
}

/* What SENSITIVITY_HOLDS changes, by hand: db_time, app_time, trace holds and per_record x 1.1
 * (a NAN trace hold, "draw from db_time", stays NAN); every timeout, connect time, rtt, pool
 * cost, backoff, rate and trace time stays. */
static void test_scale_config_holds(void **state)
{
	(void)state;
	struct cfg_scenario base, want;
	full_config(&base);
	struct sensitivity_config s;
	assert_int_equal(sensitivity_scale(&s, &base, SENSITIVITY_HOLDS, F), PT_OK);
	want = base;
	struct cfg_requests *r = &want.workloads[0].req;
	assert_int_equal(dist_scale(&r->db_time, &r->db_time, F, NULL), PT_OK);
	assert_int_equal(dist_scale(&r->app_time, &r->app_time, F, NULL), PT_OK);
	r = &want.workloads[1].req;
	assert_int_equal(dist_scale(&r->db_time, &r->db_time, F, NULL), PT_OK);
	r->arrival.trace_hold = s.cfg.workloads[1].req.arrival.trace_hold;
	struct cfg_batch *b = &want.workloads[2].batch;
	assert_int_equal(dist_scale(&b->per_record, &b->per_record, F, NULL), PT_OK);
	assert_memory_equal(&s.cfg, &want, sizeof want);
	const double *h = s.cfg.workloads[1].req.arrival.trace_hold;
	assert_ptr_not_equal(h, trace_hold);
	assert_true(h[0] == 0.02 * F && isnan(h[1]) && h[2] == 0.5 * F);
	assert_ptr_equal(s.cfg.workloads[1].req.arrival.trace_t, trace_t);
	assert_true(trace_hold[0] == 0.02); /* the loader's arrays are untouched */
	sensitivity_config_fini(&s);
	sensitivity_config_fini(&s); /* idempotent */
}

/* What SENSITIVITY_RATES changes, by hand: the profile's rates 100/s and 300/s become 110/s
 * and 330/s (the burst's factor 3 multiplies them: 330/s and 990/s in its window, also x 1.1),
 * the batch's record rate 40/s becomes 44/s, the trace's arrivals 1.0, 2.2, 5.5 s come at
 * 1.0/1.1, 2.2/1.1, 5.5/1.1 s with the same holds; nothing else changes. */
static void test_scale_config_rates(void **state)
{
	(void)state;
	struct cfg_scenario base, want;
	full_config(&base);
	struct sensitivity_config s;
	assert_int_equal(sensitivity_scale(&s, &base, SENSITIVITY_RATES, F), PT_OK);
	want = base;
	want.workloads[0].req.arrival.rate_per_s *= F;
	want.workloads[0].req.arrival.profile[0].rate_per_s = 100 * F;
	want.workloads[0].req.arrival.profile[1].rate_per_s = 300 * F;
	want.workloads[1].req.arrival.rate_per_s *= F;
	want.workloads[1].req.arrival.trace_t = s.cfg.workloads[1].req.arrival.trace_t;
	want.workloads[2].batch.records.rate_per_s = 40 * F;
	assert_memory_equal(&s.cfg, &want, sizeof want);
	const double *t = s.cfg.workloads[1].req.arrival.trace_t;
	assert_ptr_not_equal(t, trace_t);
	for (int i = 0; i < 3; i++)
		assert_true(t[i] == trace_t[i] / F);
	assert_ptr_equal(s.cfg.workloads[1].req.arrival.trace_hold, trace_hold);
	assert_true(s.cfg.workloads[0].req.arrival.bursts[0].factor == 3);
	sensitivity_config_fini(&s);
}

static void test_scale_config_rejects(void **state)
{
	(void)state;
	struct cfg_scenario base;
	full_config(&base);
	struct sensitivity_config s;
	assert_int_equal(sensitivity_scale(&s, &base, SENSITIVITY_HOLDS, 0), PT_EINVAL);
	assert_null(s.owned);
	assert_int_equal(sensitivity_scale(&s, &base, SENSITIVITY_RATES, 1e308), PT_EINVAL);
	assert_null(s.owned);
}

/* ------------------------------------------------------------------------------------------ */
/* M/M/c+D against queueing theory                                                            */

#define REPS 10
/* t quantiles for 9 degrees of freedom: 0.975 (the reports' 95 % intervals) and 0.9995 */
#define T975 2.2621571627
#define T9995 4.7809125009

static void mmcd_config(struct cfg_scenario *sc, int c, double lam, double mu, double timeout)
{
	cfg_scenario_defaults(sc);
	sc->horizon_s = 300;
	sc->warmup_s = 20;
	sc->replications = REPS;
	sc->seed = 20261207;
	dist_constant(&sc->db.connect_time, 0);
	sc->db.max_connections = 10000;
	sc->n_pools = 1;
	cfg_pool_defaults(&sc->pools[0]);
	snprintf(sc->pools[0].name, CFG_NAME_MAX, "main");
	sc->pools[0].size = c;
	sc->pools[0].max_overflow = 0;
	sc->pools[0].timeout_s = timeout;
	sc->n_workloads = 1;
	struct cfg_workload *w = &sc->workloads[0];
	snprintf(w->name, CFG_NAME_MAX, "api");
	w->kind = CFG_WORKLOAD_REQUESTS;
	w->pool = 0;
	cfg_requests_defaults(&w->req);
	w->req.arrival.rate_per_s = lam;
	dist_exponential(&w->req.db_time, 1.0 / mu);
}

/* exact inside the estimate's interval widened from 95 % to 99.9 % (the half-width is t
 * quantile x s / sqrt(n), so x T9995 / T975 about the mean): with a correct model a check
 * fails for about 0.1 % of seeds. The interval must also be narrow enough to mean something:
 * half-width below `max_rel` of the exact value (a requirement of the test, not a fit to a
 * seed: an interval as wide as the change it measures could not tell its sign). */
static void in_ci(const char *what, const struct estimate *e, double exact, double max_rel)
{
	double k = T9995 / T975;
	double lo = e->mean - k * (e->mean - e->lo), hi = e->mean + k * (e->hi - e->mean);
	printf("    %-28s exact %-10.5g sim %-10.5g 99.9%% CI [%.5g, %.5g]\n", what, exact, e->mean,
	       lo, hi);
	assert_int_equal(e->n, REPS);
	assert_true(lo <= exact && exact <= hi);
	assert_true((hi - lo) / 2 <= max_rel * fabs(exact));
}

/* M/M/10+D, lam 80/s, mu 10/s (rho 0.8), T = 0.1 s. Holds x 1.1: mu 10/1.1 (rho 0.88); rates
 * x 1.1: lam 88/s (rho 0.88). The two are not the same queue: T stays 0.1 s, so longer holds
 * are worse relative to the timeout. */
static void test_mmcd_sensitivity(void **state)
{
	(void)state;
	const int c = 10;
	const double lam = 80, mu = 10, T = 0.1;
	struct cfg_scenario sc;
	mmcd_config(&sc, c, lam, mu, T);
	struct sensitivity s;
	assert_int_equal(sensitivity_run(&s, &sc, F, 2, NULL, NULL, NULL), PT_OK);
	assert_int_equal(s.status, PT_OK);
	assert_int_equal(s.nrep, REPS);
	assert_int_equal(s.extra_replications, 3 * REPS);
	assert_int_equal(s.n_workloads, 1);
	const struct sensitivity_metric *fr = &s.workloads[0].metrics[0];
	assert_string_equal(fr->m->name, "failure_rate");
	assert_string_equal(s.workloads[0].metrics[1].m->name, "wait_p99");

	struct qref_mmcd q0, qh, qr;
	assert_int_equal(qref_mmcd(c, lam, mu, T, &q0), QREF_OK);
	assert_int_equal(qref_mmcd(c, lam, mu / F, T, &qh), QREF_OK);
	assert_int_equal(qref_mmcd(c, lam * F, mu, T, &qr), QREF_OK);
	printf("  M/M/%d+D lam %g mu %g T %g\n", c, lam, mu, T);
	/* exact 1.16 % base, 3.01 % (holds), 2.64 % (rates): the changes are larger than the
	 * base, so half-widths up to half the exact value still decide their sign */
	in_ci("failure_rate base", &fr->base, q0.p_abandon, 0.5);
	in_ci("failure_rate holds x1.1", &fr->scaled[SENSITIVITY_HOLDS], qh.p_abandon, 0.5);
	in_ci("failure_rate rates x1.1", &fr->scaled[SENSITIVITY_RATES], qr.p_abandon, 0.5);
	in_ci("paired diff holds", &fr->diff[SENSITIVITY_HOLDS], qh.p_abandon - q0.p_abandon, 0.5);
	in_ci("paired diff rates", &fr->diff[SENSITIVITY_RATES], qr.p_abandon - q0.p_abandon, 0.5);
	/* The sign: more work never lowers the failure rate; here it raises it beyond the CI. */
	for (int i = 0; i < SENSITIVITY_INPUTS; i++) {
		assert_true(fr->diff[i].lo > 0);
		assert_true(s.workloads[0].metrics[1].diff[i].hi >= 0);
	}

	/* The same bytes as running the scaled configuration written directly, at the same seed:
	 * the exponential's mean 0.1 x 1.1 s, or the rate 80 x 1.1 /s. */
	struct cfg_scenario direct[2];
	mmcd_config(&direct[SENSITIVITY_HOLDS], c, lam, mu, T);
	dist_exponential(&direct[SENSITIVITY_HOLDS].workloads[0].req.db_time, 1.0 / mu * F);
	mmcd_config(&direct[SENSITIVITY_RATES], c, lam * F, mu, T);
	for (int i = 0; i < SENSITIVITY_INPUTS; i++) {
		const struct cfg_scenario *cfgs[1] = {&direct[i]};
		struct experiment ex = {0};
		assert_int_equal(experiment_run(&ex, 1, cfgs, 2, NULL, NULL), PT_OK);
		for (int k = 0; k < SENSITIVITY_METRICS; k++) {
			const struct sensitivity_metric *sm = &s.workloads[0].metrics[k];
			struct estimate e;
			aggregate_estimate(experiment_aggregate(&ex, 0), sm->m, 0, &e);
			assert_memory_equal(&e, &sm->scaled[i], sizeof e);
		}
		experiment_fini(&ex);
	}
	/* and the base: the same bytes as the base alone */
	const struct cfg_scenario *cfgs[1] = {&sc};
	struct experiment ex = {0};
	assert_int_equal(experiment_run(&ex, 1, cfgs, 1, NULL, NULL), PT_OK);
	struct estimate e;
	aggregate_estimate(experiment_aggregate(&ex, 0), fr->m, 0, &e);
	assert_memory_equal(&e, &fr->base, sizeof e);
	experiment_fini(&ex);
}

/* A perturbed run that fails (the waiting room overflows at +10 % traffic) is reported, not
 * fatal: status and text set, 0 returned. */
static void test_failure_is_reported(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	/* c = 1, lam 10/s, mu 10/s: rho 1, no timeout: the queue grows without bound; a waiting
	 * room of 5 overflows in every variant within the horizon */
	mmcd_config(&sc, 1, 10, 10, 1e9);
	sc.pools[0].max_waiting = 5;
	sc.replications = 2;
	struct sensitivity s;
	assert_int_equal(sensitivity_run(&s, &sc, F, 1, NULL, NULL, NULL), PT_OK);
	assert_int_equal(s.status, PT_EOVERLOAD);
	assert_true(strlen(s.failure) > 0);
	printf("    failure: %s\n", s.failure);
	assert_int_equal(s.n_workloads, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scale_constant),
		cmocka_unit_test(test_scale_exponential),
		cmocka_unit_test(test_scale_uniform),
		cmocka_unit_test(test_scale_lognormal),
		cmocka_unit_test(test_scale_gamma),
		cmocka_unit_test(test_scale_empirical),
		cmocka_unit_test(test_scale_rejects),
		cmocka_unit_test(test_scale_config_holds),
		cmocka_unit_test(test_scale_config_rates),
		cmocka_unit_test(test_scale_config_rejects),
		cmocka_unit_test(test_mmcd_sensitivity),
		cmocka_unit_test(test_failure_is_reported),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
