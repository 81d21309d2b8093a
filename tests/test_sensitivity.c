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
#include <cJSON.h>

#include "app/report_sensitivity.h"
#include "app/table.h"
#include "models/aggregate.h"
#include "models/experiment.h"
#include "models/sensitivity.h"
#include "models/summary.h"
#include "sim/dist.h"
#include "sim/rng.h"
#include "sim/status.h"
#include "tests/queueing_ref.h"
#include "tests/testutil.h"

#define F SENSITIVITY_FACTOR

/* An estimate with no pooled counts (a metric that is not a widened proportion). */
static struct estimate est(double mean, double lo, double hi, int n)
{
	return (struct estimate){.mean = mean, .lo = lo, .hi = hi, .n = n};
}

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
	assert_true(e.kind == g.kind && e.a == g.a && e.b == g.b && e.mean == g.mean &&
		    e.sd == g.sd);
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
	/* both are copies of base changed by the same calls: the same bytes, padding too */
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
	testutil_mmcd(sc, c, lam, mu, timeout, 300, 20, REPS, 20261207);
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

/* The same bytes, field by field (the struct's padding is not a value). */
static void same_bytes(const struct estimate *a, const struct estimate *b)
{
	assert_memory_equal(&a->mean, &b->mean, sizeof a->mean);
	assert_memory_equal(&a->lo, &b->lo, sizeof a->lo);
	assert_memory_equal(&a->hi, &b->hi, sizeof a->hi);
	assert_int_equal(a->n, b->n);
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
	assert_int_equal(s.extra_replications, 3 * REPS); /* the base ran again */
	assert_true(s.base_rerun);
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
			same_bytes(&e, &sm->scaled[i]);
		}
		experiment_fini(&ex);
	}
	/* The pairs formed from the base's recorded values are the experiment's own paired
	 * differences: an experiment of the three variants, base first, gives the same bytes. */
	struct sensitivity_config sh, sr;
	assert_int_equal(sensitivity_scale(&sh, &sc, SENSITIVITY_HOLDS, F), PT_OK);
	assert_int_equal(sensitivity_scale(&sr, &sc, SENSITIVITY_RATES, F), PT_OK);
	const struct cfg_scenario *three[3] = {&sc, &sh.cfg, &sr.cfg};
	struct experiment ex3 = {0};
	assert_int_equal(experiment_run(&ex3, 3, three, 2, NULL, NULL), PT_OK);
	for (int i = 0; i < SENSITIVITY_INPUTS; i++)
		for (int k = 0; k < SENSITIVITY_METRICS; k++) {
			const struct sensitivity_metric *sm = &s.workloads[0].metrics[k];
			struct estimate d;
			aggregate_diff(experiment_aggregate(&ex3, 1 + i), experiment_aggregate(&ex3, 0), sm->m,
				       0, &d);
			same_bytes(&d, &sm->diff[i]);
		}
	experiment_fini(&ex3);
	sensitivity_config_fini(&sh);
	sensitivity_config_fini(&sr);
	/* and the base: the same bytes as the base alone */
	const struct cfg_scenario *cfgs[1] = {&sc};
	struct experiment ex = {0};
	assert_int_equal(experiment_run(&ex, 1, cfgs, 1, NULL, NULL), PT_OK);
	struct estimate e;
	aggregate_estimate(experiment_aggregate(&ex, 0), fr->m, 0, &e);
	same_bytes(&e, &fr->base);
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

/* The base passes, a perturbation overflows the waiting room: the failure names it. M/M/1
 * without a timeout, waiting room 120: at rho 0.9 the queue exceeds 120 with probability
 * 0.9^121 = 3e-6 (about 0.005 up-crossings in 2000 s at this rate); at rho 0.99 (either
 * perturbation) with probability 0.99^121 = 0.3, so within 2000 s it does. */
static void test_perturbation_failure_named(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	mmcd_config(&sc, 1, 9, 10, 1e9);
	sc.horizon_s = 2000;
	sc.pools[0].max_waiting = 120;
	sc.replications = 2;
	struct sensitivity s;
	assert_int_equal(sensitivity_run(&s, &sc, F, 1, NULL, NULL, NULL), PT_OK);
	assert_int_equal(s.status, PT_EOVERLOAD);
	printf("    failure: %s\n", s.failure);
	assert_true(strncmp(s.failure, "with 10 % ", 10) == 0);
	assert_non_null(strstr(s.failure, "grew past 120"));
}

/* ------------------------------------------------------------------------------------------ */
/* The section's rendering, on a hand-built result                                            */

/* One request workload "api": failures 1 % [0.5 %, 1.5 %] -> 3 % (holds), 2 % (rates), changes
 * +2 pp [+1, +3] and +1 pp [-0.5, +2.5]; p99 wait 10 ms -> 30 ms / 20 ms, changes +20 ms
 * [+10, +30] and +10 ms [-5, +25]; 4 replications of each. */
static void fake(struct sensitivity *s, struct cfg_scenario *cfg)
{
	cfg_scenario_defaults(cfg);
	cfg->n_workloads = 1;
	snprintf(cfg->workloads[0].name, CFG_NAME_MAX, "api");
	cfg->workloads[0].kind = CFG_WORKLOAD_REQUESTS;
	memset(s, 0, sizeof *s);
	s->factor = F;
	s->nrep = 4;
	s->extra_replications = 8;
	s->n_workloads = 1;
	struct sensitivity_metric *m = s->workloads[0].metrics;
	m[0].m = metric_find("failure_rate");
	m[0].base = est(0.01, 0.005, 0.015, 4);
	m[0].scaled[0] = est(0.03, 0.02, 0.04, 4);
	m[0].scaled[1] = est(0.02, 0.01, 0.03, 4);
	m[0].diff[0] = est(0.02, 0.01, 0.03, 4);
	m[0].diff[1] = est(0.01, -0.005, 0.025, 4);
	m[1].m = metric_find("wait_p99");
	m[1].base = est(0.010, 0.008, 0.012, 4);
	m[1].scaled[0] = est(0.030, 0.020, 0.040, 4);
	m[1].scaled[1] = est(0.020, 0.010, 0.030, 4);
	m[1].diff[0] = est(0.020, 0.010, 0.030, 4);
	m[1].diff[1] = est(0.010, -0.005, 0.025, 4);
}

static char *render(const struct report_sensitivity *r, enum table_format f)
{
	char *buf = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&buf, &n);
	assert_non_null(out);
	assert_int_equal(report_sensitivity(out, r, f), PT_OK);
	fclose(out);
	return buf;
}

static void test_render_formats(void **state)
{
	(void)state;
	struct sensitivity s;
	struct cfg_scenario cfg;
	fake(&s, &cfg);
	struct report_sensitivity r = {.s = &s, .cfg = &cfg, .variant = "a <b> | c"};
	char *t = render(&r, TABLE_TERMINAL);
	printf("%s", t);
	assert_non_null(strstr(t, "\nSensitivity of 'a <b> | c' (the inputs are estimates): paired "
				  "changes on common random numbers, 95 % CI; 8 extra replications "
				  "(each perturbation, 4 each; --sensitivity off skips them)\n"));
	assert_non_null(strstr(t, "\n  10 % longer transactions: api failures 1% -> 3%\n"
				  "  10 % more traffic: api failures 1% -> 2%\n"));
	/* the terminal: means, then each change with its interval (percentage points) */
	assert_non_null(strstr(t, "+2 pp [+1 pp, +3 pp]"));
	assert_non_null(strstr(t, "+1 pp [-0.5 pp, +2.5 pp]"));
	assert_non_null(strstr(t, "+20ms [+10ms, +30ms]"));
	assert_non_null(strstr(t, "+10ms [-5ms, +25ms]"));
	free(t);
	char *md = render(&r, TABLE_MARKDOWN);
	printf("%s", md);
	assert_non_null(strstr(md, "\n## Sensitivity\n\n"));
	assert_non_null(strstr(md, "Variant `a <b> | c` ran again"));
	assert_non_null(strstr(md, "\n| api | failures | 1% [0.5%, 1.5%] | 3% [2%, 4%] | "
				   "+2 pp [+1 pp, +3 pp] | 2% [1%, 3%] | +1 pp [-0.5 pp, +2.5 pp] |\n"));
	assert_non_null(strstr(md, "\n| api | p99 wait | 10ms [8ms, 12ms] | 30ms [20ms, 40ms] | "
				   "+20ms [+10ms, +30ms] | 20ms [10ms, 30ms] | +10ms [-5ms, +25ms] |\n"));
	free(md);
	char *html = render(&r, TABLE_HTML);
	assert_non_null(strstr(html, "<h2>Sensitivity</h2>"));
	assert_non_null(strstr(html, "<code>a &lt;b&gt; | c</code>"));
	assert_null(strstr(html, "<b>"));
	assert_non_null(strstr(html, "<table>"));
	free(html);

	/* not computed: the reason instead of the table */
	s.status = PT_EOVERLOAD;
	snprintf(s.failure, sizeof s.failure, "with 10 %% more traffic, the queue overflowed");
	t = render(&r, TABLE_TERMINAL);
	assert_string_equal(t, "\nSensitivity of 'a <b> | c': not computed: with 10 % more "
			       "traffic, the queue overflowed\n");
	free(t);
}

/* The JSON block parses, and holds what the section shows. */
static void test_render_json(void **state)
{
	(void)state;
	struct sensitivity s;
	struct cfg_scenario cfg;
	fake(&s, &cfg);
	struct report_sensitivity r = {.s = &s, .cfg = &cfg, .variant = "base \"x\""};
	char *buf = NULL;
	size_t n = 0;
	FILE *out = open_memstream(&buf, &n);
	assert_non_null(out);
	fputs("{\"a\": 1", out);
	report_sensitivity_json(out, &r, "  ");
	fputs("\n}\n", out);
	fclose(out);
	cJSON *j = cJSON_Parse(buf);
	assert_non_null(j);
	const cJSON *sj = cJSON_GetObjectItemCaseSensitive(j, "sensitivity");
	assert_non_null(sj);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(sj, "variant")->valuestring,
			    "base \"x\"");
	const cJSON *c = cJSON_GetObjectItemCaseSensitive(
		cJSON_GetObjectItemCaseSensitive(
			cJSON_GetObjectItemCaseSensitive(
				cJSON_GetObjectItemCaseSensitive(sj, "workloads"), "api"),
			"failure_rate"),
		"rates_change");
	assert_non_null(c);
	assert_true(cJSON_GetObjectItemCaseSensitive(c, "ci_low")->valuedouble == -0.005);
	cJSON_Delete(j);
	free(buf);
}

/* ------------------------------------------------------------------------------------------ */
/* The command line                                                                           */

static char outroot[] = "/tmp/pooltide-sens-XXXXXX";

static const char *bin(void)
{
	const char *b = getenv("POOLTIDE");
	return b && *b ? b : "build/pooltide";
}

/* `pooltide ARGS -o OUTROOT` with stdout captured into a new string; returns the exit code. */
static int run(const char *args, char **out)
{
	char outf[] = "/tmp/pooltide-sens-out-XXXXXX";
	int fo = mkstemp(outf);
	assert_true(fo >= 0);
	close(fo);
	char cmd[4096];
	snprintf(cmd, sizeof cmd, "%s %s -q -o %s >%s 2>/dev/null </dev/null", bin(), args, outroot,
		 outf);
	int st = system(cmd);
	assert_true(st != -1 && WIFEXITED(st));
	FILE *f = fopen(outf, "rb");
	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	*out = malloc((size_t)n + 1);
	assert_non_null(*out);
	assert_int_equal(fread(*out, 1, (size_t)n, f), (size_t)n);
	(*out)[n] = 0;
	fclose(f);
	remove(outf);
	return WEXITSTATUS(st);
}

static cJSON *run_json(const char *args)
{
	char *out;
	assert_int_equal(run(args, &out), 0);
	cJSON *j = cJSON_Parse(out);
	assert_non_null(j);
	free(out);
	return j;
}

/* obj's member path "a.b.c" (dots separate keys). */
static const cJSON *at(const cJSON *obj, const char *path)
{
	char key[128];
	while (obj && *path) {
		size_t n = strcspn(path, ".");
		assert_true(n < sizeof key);
		memcpy(key, path, n);
		key[n] = 0;
		obj = cJSON_GetObjectItemCaseSensitive(obj, key);
		path += n + (path[n] == '.');
	}
	assert_non_null(obj);
	return obj;
}

static double num(const cJSON *obj, const char *path)
{
	const cJSON *v = at(obj, path);
	assert_true(cJSON_IsNumber(v));
	return v->valuedouble;
}

/* The estimate objects a and b hold the same numbers (the same printed "%.9g" bytes). */
static void same_estimate(const cJSON *a, const cJSON *b)
{
	static const char *const k[3] = {"mean", "ci_low", "ci_high"};
	for (int i = 0; i < 3; i++)
		assert_true(num(a, k[i]) == num(b, k[i]));
}

#define MMC "run scenarios/mmc-validation.json --variant 'timeout 50ms' --horizon 3m " \
	    "--set 'warmup=\"10s\"' -r 4 --no-plot --format json"

/* The section's "+10 % holds" and "+10 % rates" estimates are what a run of the scaled
 * scenario gives, written directly with --set at the same seed: exponential holds of mean
 * 100 ms x 1.1 and the rate 280/s x 1.1, printed with 17 digits so that they read back as
 * the same doubles the model computes. And the signs: M/M/30+D at rho 0.93 with T = 50 ms
 * (exact 1.93 % timeouts) goes past saturation with either, so each change's interval lies
 * above 0. --sensitivity off leaves the block out. */
static void test_cli_agrees_with_scaled_runs(void **state)
{
	(void)state;
	cJSON *base = run_json(MMC);
	const cJSON *sens = at(base, "sensitivity");
	assert_int_equal((int)num(sens, "extra_replications"), 8); /* 2 x 4: the base is the run's */
	assert_true(cJSON_IsNull(at(sens, "failure")));
	static const char *const metrics[2] = {"failure_rate", "wait_p99"};
	for (int i = 0; i < SENSITIVITY_INPUTS; i++) {
		char args[1024];
		if (i == SENSITIVITY_HOLDS)
			snprintf(args, sizeof args, MMC " --sensitivity off --set 'workloads.api."
				 "transaction.db_time={\"dist\": \"exponential\", \"mean\": "
				 "\"%.17gs\"}'", 0.1 * F);
		else
			snprintf(args, sizeof args, MMC " --sensitivity off --set "
				 "workloads.api.arrival.rate=%.17g", 280 * F);
		cJSON *direct = run_json(args);
		assert_null(cJSON_GetObjectItemCaseSensitive(direct, "sensitivity"));
		const cJSON *v0 = cJSON_GetArrayItem(at(direct, "variants"), 0);
		assert_non_null(v0);
		const char *key = sensitivity_input_key((enum sensitivity_input)i);
		for (int k = 0; k < 2; k++) {
			char path[128];
			snprintf(path, sizeof path, "workloads.api.%s.%s", metrics[k], key);
			const cJSON *mine = at(sens, path);
			snprintf(path, sizeof path, "workloads.api.%s", metrics[k]);
			same_estimate(mine, at(v0, path));
		}
		char path[128];
		snprintf(path, sizeof path, "workloads.api.failure_rate.%s_change.ci_low", key);
		printf("    %s: failure rate change lower end %.4g\n", key, num(sens, path));
		assert_true(num(sens, path) > 0);
		snprintf(path, sizeof path, "workloads.api.wait_p99.%s_change.ci_high", key);
		assert_true(num(sens, path) >= 0);
		cJSON_Delete(direct);
	}
	cJSON_Delete(base);
}

/* The bundled incident (shortened: 3 replications of 30 min): the section in the terminal
 * and report.md shows both perturbations for both workloads, base -> perturbed with the
 * paired change and its interval, and summary.json has the block. */
static void test_cli_incident_section(void **state)
{
	(void)state;
	char *out;
	assert_int_equal(run("run scenarios/incident.json -r 3 --horizon 30m --set "
			     "'warmup=\"5m\"' --no-plot", &out), 0);
	const char *sec = strstr(out, "\nSensitivity of 'before: 10+20, 30s, batch 100-500, per "
				      "batch' (the inputs are estimates): paired changes on common "
				      "random numbers, 95 % CI; 6 extra replications (each "
				      "perturbation, 3 each;");
	assert_non_null(sec);
	/* the changes in words, then the table: a row per workload and metric, the change with
	 * its interval (percentage points for a rate) */
	assert_non_null(strstr(sec, "\n  10 % longer transactions: api failures "));
	assert_non_null(strstr(sec, "\n  10 % more traffic: api failures "));
	assert_non_null(strstr(sec, "%, aggregation failed batches "));
	const char *t = strstr(sec, "\nworkload ");
	assert_non_null(t);
	assert_non_null(strstr(t, "holds x1.1  change [95% CI]"));
	const char *row = strstr(t, "\napi ");
	assert_non_null(row);
	const char *eol = strchr(row + 1, '\n');
	assert_non_null(eol);
	char line[512];
	snprintf(line, sizeof line, "%.*s", (int)(eol - row - 1), row + 1);
	printf("    %s\n", line);
	assert_non_null(strstr(line, " failures "));
	assert_non_null(strstr(line, " pp ["));
	assert_non_null(strstr(eol, "\n            p99 wait "));
	assert_non_null(strstr(eol, "\naggregation failed batches "));
	assert_non_null(strstr(eol, "\n            max lag "));
	free(out);
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "grep -q '^| api | failures | .*\\[.*, .*\\] | .* | "
		 "[-+].* pp \\[.* pp, .* pp\\] |' %s/incident/*/report.md && grep -q '^## Sensitivity' %s/incident/*/report.md",
		 outroot, outroot);
	assert_int_equal(system(cmd), 0);
	snprintf(cmd, sizeof cmd, "grep -q '\"holds_change\": {\"mean\": .*, \"ci_low\": .*, "
		 "\"ci_high\"' %s/incident/*/summary.json", outroot);
	assert_int_equal(system(cmd), 0);
}

/* plan: the breaking load with 10 % longer transactions is lower (M/M/30+D: 10 % more work
 * per request; were the timeout scaled too, the queue would be the same in a slower clock and
 * the load would move exactly x1/1.1; the search's 5 % tolerance claims nothing finer than
 * "below 1"), and both searches are in the JSON, the ratio to its 9 printed digits. */
static void test_cli_plan_breaking_load(void **state)
{
	(void)state;
	char *out;
	const char *args = "plan scenarios/mmc-validation.json --load api --set "
			   "'slo={\"api\": {\"failure_rate\": \"1%\"}}' --horizon 2m "
			   "--set 'warmup=\"10s\"' -r 4 --no-plot";
	assert_int_equal(run(args, &out), 0);
	const char *s = strstr(out, "\nSensitivity: the search again with every hold time 10 % "
				    "longer (");
	assert_non_null(s);
	const char *m = strstr(s, "the breaking load moves x");
	assert_non_null(m);
	double ratio = strtod(m + strlen("the breaking load moves x"), NULL);
	printf("    breaking load ratio %.3g\n", ratio);
	assert_true(ratio > 0.5 && ratio < 1);
	free(out);
	char json[1024];
	snprintf(json, sizeof json, "%s --format json", args);
	cJSON *j = run_json(json);
	double pa = num(j, "sensitivity.base.pass_factor"), pb = num(j, "sensitivity.holds.pass_factor");
	assert_true(pb < pa);
	assert_true(fabs(num(j, "sensitivity.breaking_load_ratio") - pb / pa) <= 1e-8 * pb / pa);
	cJSON_Delete(j);
}

/* --sensitivity takes on or off; another word is a usage error (exit 2), and `check` has no
 * such option. */
static void test_cli_option(void **state)
{
	(void)state;
	char cmd[1024], line[512] = "";
	snprintf(cmd, sizeof cmd, "%s run --sensitivity maybe 2>&1 >/dev/null", bin());
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	assert_non_null(fgets(line, sizeof line, p));
	int st = pclose(p);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 2);
	assert_string_equal(line, "pooltide: --sensitivity expects on or off, got 'maybe'\n");
	snprintf(cmd, sizeof cmd, "%s check scenarios/incident.json --sensitivity off "
		 ">/dev/null 2>&1", bin());
	st = system(cmd);
	assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 2);
}

static int cli_setup(void **state)
{
	(void)state;
	return mkdtemp(outroot) ? 0 : -1;
}

static int cli_teardown(void **state)
{
	(void)state;
	char cmd[256];
	snprintf(cmd, sizeof cmd, "rm -rf %s", outroot);
	return system(cmd) == 0 ? 0 : -1;
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
		cmocka_unit_test(test_perturbation_failure_named),
		cmocka_unit_test(test_render_formats),
		cmocka_unit_test(test_render_json),
		cmocka_unit_test(test_cli_agrees_with_scaled_runs),
		cmocka_unit_test(test_cli_incident_section),
		cmocka_unit_test(test_cli_plan_breaking_load),
		cmocka_unit_test(test_cli_option),
	};
	return cmocka_run_group_tests(tests, cli_setup, cli_teardown);
}
