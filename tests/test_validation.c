/* Statistical validation against queueing theory (reference/queueing.md).
 *
 * A pool with zero connect time, max_overflow 0, FIFO hand-off, exponential holds and Poisson
 * arrivals is exactly M/M/c (timeout infinite) or M/M/c+D (deterministic timeout T). Each test
 * runs R independent replications with a fixed master seed and checks that the exact value
 * lies inside the simulation's 99.9 % Student-t confidence interval over replications.
 *
 * Why 99.9 %: the interval is what the simulation knows; with a correct simulator a given
 * check fails for 0.1 % of seeds, and the seed is fixed, so the test is deterministic. (Over
 * the 26 seeds VALIDATION_SEED = 101..126, about 800 checks, none fell outside.)
 *
 * Each check also requires the interval to be narrow, so a test cannot pass by being vague:
 * its half-width must be at most twice the median half-width seen over those 26 seeds (the
 * per-check bounds below, as a fraction of the exact value). The half-width is proportional to
 * the sample standard deviation s of 10 replications, and P(s > 2 sigma) = P(chi2_9 > 36) is
 * below 1e-4, so a correct model does not trip it with another seed, while a bias larger than
 * the bound, or an interval inflated by a broken model, does.
 * Horizons and warm-ups follow queueing.md: start empty, discard a warm-up long enough for
 * the case. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/scenario.h"
#include "models/experiment.h"
#include "models/model.h"
#include "models/summary.h"
#include "sim/stats.h"
#include "tests/queueing_ref.h"
#include "tests/testutil.h"

#define REPS 10
#define CONF 0.999
/* The master seed; overridable (-DVALIDATION_SEED=n) to check that the tolerances are not
 * tuned to one seed: with a correct model each check fails for about 0.1 % of seeds. */
#ifndef VALIDATION_SEED
#define VALIDATION_SEED 20261129
#endif

static void mmc_config(struct cfg_scenario *sc, int c, double lam, double mu, double timeout,
		       double horizon, double warmup)
{
	testutil_mmcd(sc, c, lam, mu, timeout, horizon, warmup, REPS, VALIDATION_SEED);
}

struct sim_estimates {
	struct model_result *r[REPS];
};

static void run_all(const struct cfg_scenario *sc, struct sim_estimates *se)
{
	for (int i = 0; i < REPS; i++) {
		se->r[i] = model_result_create(sc);
		assert_non_null(se->r[i]);
		assert_int_equal(model_run(sc, (uint64_t)i, se->r[i], NULL), 0);
		/* The drain finishes every request: nothing is lost. */
		const struct requests_stats *s = &se->r[i]->workloads[0];
		assert_true(s->offered == s->served + requests_failures(s));
		assert_true(s->offered > 0);
	}
}

static void free_all(struct sim_estimates *se)
{
	for (int i = 0; i < REPS; i++)
		model_result_destroy(se->r[i]);
}

/* Check that `exact` lies in the 99.9 % CI of metric `name` and that the CI's half-width is at
 * most `max_rel_half` x exact. Quantiles come from the log-bucketed histogram, whose reported
 * value is within a relative sqrt(HISTO_GAMMA) - 1 of the true sample quantile (stats.h): the
 * interval of a quantile is widened by that resolution, which is a property of the estimator,
 * not a tuned slack (with 1 % buckets every replication can even report the same bucket, a
 * zero-width interval). */
static void check(const struct sim_estimates *se, const char *name, double exact,
		  double max_rel_half)
{
	bool quantile = strncmp(name, "wait_p", 6) == 0 || strncmp(name, "wait_all_p", 10) == 0 ||
			strncmp(name, "hold_p", 6) == 0;
	double res = quantile ? sqrt(HISTO_GAMMA) - 1 : 0;
	const struct metric_def *m = metric_find(name);
	assert_non_null(m);
	double v[REPS], lo, hi;
	for (int i = 0; i < REPS; i++)
		v[i] = m->get(se->r[i], 0);
	double mean = ci_student(v, REPS, CONF, &lo, &hi);
	double half = (hi - lo) / 2;
	printf("    %-14s exact %-12.6g sim %-12.6g 99.9%% CI [%.6g, %.6g] (half-width %.2g%%)\n",
	       name, exact, mean, lo, hi, 100 * half / exact);
	assert_true(lo / (1 + res) <= exact && exact <= hi * (1 + res));
	assert_true(half <= max_rel_half * exact);
}

/* Precision bounds of one case: the largest half-width allowed for each check, as a fraction
 * of the exact value (twice the median over 26 seeds, see the top of the file). */
struct bounds {
	double p_wait, wait_mean, wait_q, checked_out, timeout_rate, wait_all_mean, wait_all_q;
};

static void erlang_c_case(int c, double lam, double mu, double horizon, double warmup,
			  struct bounds b)
{
	struct cfg_scenario sc;
	struct qref_mmc q;
	assert_int_equal(qref_mmc(c, lam, mu, &q), QREF_OK);
	mmc_config(&sc, c, lam, mu, 1e9, horizon, warmup);
	struct sim_estimates se;
	run_all(&sc, &se);
	printf("  M/M/%d lam %g mu %g\n", c, lam, mu);
	for (int i = 0; i < REPS; i++)
		assert_int_equal(se.r[i]->workloads[0].failed[REQ_TIMED_OUT], 0);
	check(&se, "p_wait", q.p_wait, b.p_wait);
	check(&se, "wait_mean", q.mean_wait, b.wait_mean);
	check(&se, "wait_p99", qref_mmc_wait_quantile(c, lam, mu, 0.99), b.wait_q);
	check(&se, "checked_out_mean", c * q.utilization, b.checked_out);
	free_all(&se);
}

static void test_erlang_c_c1(void **state)
{
	(void)state;
	erlang_c_case(1, 8, 10, 16000, 100,
		      (struct bounds){.p_wait = 0.013, .wait_mean = 0.10, .wait_q = 0.16,
				      .checked_out = 0.013});
}

static void test_erlang_c_c10(void **state)
{
	(void)state;
	erlang_c_case(10, 80, 10, 4000, 50,
		      (struct bounds){.p_wait = 0.032, .wait_mean = 0.092, .wait_q = 0.12,
				      .checked_out = 0.007});
}

static void test_erlang_c_c30(void **state)
{
	(void)state;
	erlang_c_case(30, 280, 10, 3000, 50,
		      (struct bounds){.p_wait = 0.034, .wait_mean = 0.136, .wait_q = 0.22,
				      .checked_out = 0.005});
}

static void mmcd_case(int c, double lam, double mu, double T, double horizon, double warmup,
		      struct bounds b, bool overloaded)
{
	struct cfg_scenario sc;
	struct qref_mmcd q;
	assert_int_equal(qref_mmcd(c, lam, mu, T, &q), QREF_OK);
	mmc_config(&sc, c, lam, mu, T, horizon, warmup);
	struct sim_estimates se;
	run_all(&sc, &se);
	printf("  M/M/%d+D lam %g mu %g T %g\n", c, lam, mu, T);
	check(&se, "timeout_rate", q.p_abandon, b.timeout_rate);
	/* Overloaded, every connection is busy and every arrival waits but for a fraction of
	 * order 1e-6: P(wait) and utilization are 1 to the precision of any run, so the check
	 * would be vacuous; the timeout rate and the waits carry the information. */
	if (!overloaded) {
		check(&se, "p_wait", q.p_wait, b.p_wait);
		check(&se, "checked_out_mean", c * q.utilization, b.checked_out);
	}
	check(&se, "wait_mean", q.mean_wait_served, b.wait_mean);
	check(&se, "wait_all_mean", q.mean_wait_all, b.wait_all_mean);
	check(&se, "wait_p90", qref_mmcd_wait_quantile_served(c, lam, mu, T, 0.90), b.wait_q);
	/* every request's wait, timeouts counting T: the 0.95 quantile by inverting the exact
	 * tail P(Wq > t) (continuous below T, an atom of mass P(abandon) at T) */
	double lo = 0, hi = T;
	for (int i = 0; i < 100; i++) {
		double mid = (lo + hi) / 2;
		if (qref_mmcd_wait_tail_all(c, lam, mu, T, mid) > 0.05)
			lo = mid;
		else
			hi = mid;
	}
	check(&se, "wait_all_p95", hi, b.wait_all_q);
	if (!overloaded) {
		/* Connection holds (issue 12): whether a request is served depends on the queue,
		 * not on its own hold, so served holds are exponential(mu): the q-quantile is
		 * -ln(1 - q) / mu. Precision bounds: a sample quantile's standard error is
		 * sqrt(q (1 - q) / n) / f(x_q), f(x_q) = mu (1 - q); with n = lam (horizon -
		 * warmup) holds per replication and the 99.9 % Student t over 10 replications
		 * (t = 4.78), the half-width is 4.78 se / sqrt(10); the bound is twice that,
		 * relative to x_q. */
		static const double qs[3] = {0.50, 0.95, 0.99};
		static const char *const names[3] = {"hold_p50", "hold_p95", "hold_p99"};
		double n = lam * (horizon - warmup);
		for (int k = 0; k < 3; k++) {
			double x = -log(1 - qs[k]) / mu;
			double se_q = sqrt(qs[k] * (1 - qs[k]) / n) / (mu * (1 - qs[k]));
			check(&se, names[k], x, 2 * 4.78 * se_q / sqrt(REPS) / x);
		}
	}
	free_all(&se);
}

/* The worked example of queueing.md: P(abandon) = 0.01932, P(wait) = 0.5173,
 * E[Wq | served] = 0.01061 s. */
static void test_mmcd_c30_t50ms(void **state)
{
	(void)state;
	mmcd_case(30, 280, 10, 0.05, 1000, 50,
		  (struct bounds){.timeout_rate = 0.143, .p_wait = 0.044, .checked_out = 0.0062,
				  .wait_mean = 0.072, .wait_all_mean = 0.073, .wait_q = 0.043,
				  .wait_all_q = 0.031},
		  false);
}

/* Overloaded (rho = 1.3): the timeout is what keeps the queue finite; a warm-up of
 * 1.2 T / (rho - 1) = 2 s suffices. */
static void test_mmcd_c10_overloaded(void **state)
{
	(void)state;
	mmcd_case(10, 130, 10, 0.5, 500, 20,
		  (struct bounds){.timeout_rate = 0.056, .wait_mean = 0.0068,
				  .wait_all_mean = 0.0058, .wait_q = 0.01, .wait_all_q = 0.01},
		  true);
}

/* Single connection, moderate timeout. */
static void test_mmcd_c1(void **state)
{
	(void)state;
	mmcd_case(1, 8, 10, 0.2, 4000, 100,
		  (struct bounds){.timeout_rate = 0.053, .p_wait = 0.0182, .checked_out = 0.0164,
				  .wait_mean = 0.034, .wait_all_mean = 0.032, .wait_q = 0.019,
				  .wait_all_q = 0.01},
		  false);
}

/* Wait quantiles to within 0.5 % of the exact M/M/c+D wait distribution (issue 12): the
 * overloaded case c = 10, lam = 130/s, mu = 10/s, T = 0.5 s, whose served waits have density
 * proportional to e^(30 t) on (0, T) (queueing.md section 4 with delta = -30), so its
 * quantiles are spread below T (served median 0.477 s, all arrivals' median 0.486 s, p90
 * 0.4965 s) and precise at an affordable length. (Where the waits are nearly exponential, as
 * in the worked example, the same precision would take about 200 million arrivals; the
 * interval checks above apply there.)
 *
 * The quantile checked is that of the waits of all replications together (the histograms
 * merged, as waits.csv reports them); its error has two parts, both bounded here rather than
 * tuned. Resolution: the reported value is its bucket's geometric midpoint, within res =
 * sqrt(HISTO_GAMMA) - 1 = 0.39 % of the sample quantile (stats.h). Sampling: the fraction F_i
 * of replication i's waits below the bucket bound b nearest the exact quantile is exact (a
 * bucket bound), so the 99.9 % Student interval of the F_i, half-width h_F, bounds the
 * pooled sample's CDF error there, and h_F / f(x) (f the exact density, by central difference
 * of the exact CDF) bounds the quantile's. The check: |merged - exact| <= res x + h_F / f,
 * and that bound itself must be within 0.5 % of x, so that passing says what the issue asks.
 * 10 replications of 5000 s (650 000 arrivals each, warm-up 20 s as in the case above). */
static void test_mmcd_wait_quantiles_within_half_percent(void **state)
{
	(void)state;
	const int c = 10;
	const double lam = 130, mu = 10, T = 0.5, tol = 0.005;
	const double res = sqrt(HISTO_GAMMA) - 1;
	struct cfg_scenario sc;
	mmc_config(&sc, c, lam, mu, T, 5000, 20);
	struct sim_estimates se;
	run_all(&sc, &se);
	printf("  M/M/%d+D lam %g mu %g T %g, quantiles within %.1f%%\n", c, lam, mu, T, 100 * tol);
	struct histo *merged = malloc(sizeof *merged);
	assert_non_null(merged);
	static const struct {
		double q;
		bool all;
	} qs[] = {{0.5, false}, {0.9, false}, {0.95, false}, {0.99, false}, {0.5, true}};
	for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++) {
		bool all = qs[k].all;
		double q = qs[k].q;
		double x = all ? qref_mmcd_wait_quantile_all(c, lam, mu, T, q)
			       : qref_mmcd_wait_quantile_served(c, lam, mu, T, q);
		double dx = 1e-6 * x;
		double f = all ? (qref_mmcd_wait_tail_all(c, lam, mu, T, x - dx) -
				  qref_mmcd_wait_tail_all(c, lam, mu, T, x + dx)) / (2 * dx)
			       : (qref_mmcd_wait_cdf_served(c, lam, mu, T, x + dx) -
				  qref_mmcd_wait_cdf_served(c, lam, mu, T, x - dx)) / (2 * dx);
		int j = histo_bucket_of(x);
		double b = x - histo_bucket_lo(j) < histo_bucket_hi(j) - x ? histo_bucket_lo(j)
									 : histo_bucket_hi(j);
		double F[REPS], flo, fhi;
		histo_init(merged);
		for (int i = 0; i < REPS; i++) {
			const struct histo *h = all ? &se.r[i]->workloads[0].h_all
						    : &se.r[i]->workloads[0].h_served;
			histo_merge(merged, h);
			F[i] = histo_cdf(h, b);
		}
		ci_student(F, REPS, CONF, &flo, &fhi);
		double got = histo_quantile(merged, q);
		double bound = res * x + (fhi - flo) / 2 / f;
		printf("    %s p%-5g exact %-10.6g merged %-10.6g error %+.3f%% (bound %.3f%%)\n",
		       all ? "all   " : "served", 100 * q, x, got, 100 * (got - x) / x,
		       100 * bound / x);
		assert_true(bound <= tol * x);
		assert_true(fabs(got - x) <= bound);
	}
	free(merged);
	free_all(&se);
}

/* Processor sharing through the whole model. A pool large enough never to make anyone
 * wait, zero round trips, cores = 1: the database is an M/M/1-PS queue whose sojourn is the
 * connection hold time, mean 1/(mu - lam) (queueing_ref.h: qref_mm1ps_sojourn). */
static void test_ps_mm1_through_model(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	mmc_config(&sc, 200, 8, 10, 1e9, 20000, 200);
	sc.db.cores = 1;
	struct sim_estimates se;
	run_all(&sc, &se);
	printf("  M/M/1-PS through the model, lam 8 mu 10\n");
	for (int i = 0; i < REPS; i++)
		assert_int_equal(se.r[i]->workloads[0].h_served.n, se.r[i]->workloads[0].h_served.zero);
	check(&se, "hold_mean", qref_mm1ps_sojourn(8, 10), 0.066);
	free_all(&se);
}

/* cores = c and a pool of exactly c connections: at most c statements run, each at full
 * speed, so the CPU never slows anyone and the model is M/M/c again (Erlang C). */
static void test_ps_cores_equal_pool_is_mmc(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	struct qref_mmc q;
	assert_int_equal(qref_mmc(10, 80, 10, &q), QREF_OK);
	mmc_config(&sc, 10, 80, 10, 1e9, 2000, 50);
	sc.db.cores = 10;
	struct sim_estimates se;
	run_all(&sc, &se);
	printf("  M/M/10 with cores = 10\n");
	check(&se, "p_wait", q.p_wait, 0.049);
	check(&se, "wait_mean", q.mean_wait, 0.13);
	check(&se, "hold_mean", 0.1, 0.008);
	free_all(&se);
}

/* Common random numbers: on the incident scenario, the paired difference of the timeout rate
 * between two variants (replication by replication, same random numbers) has a narrower 95 %
 * interval than the unpaired comparison of the two variants' means (Welch: the variances
 * add). That is what sharing the streams is for. */
static void test_crn_paired_ci_narrower(void **state)
{
	(void)state;
	const char *sets[] = {"horizon=\"40m\"", "warmup=\"10m\"", "replications=6"};
	char err[512];
	struct scenario *sc;
	int st = scenario_load(&sc, "scenarios/incident.json", sets, 3, err, sizeof err);
	if (st)
		fail_msg("%s", err);
	int nv = sc->n_variants;
	const struct cfg_scenario **cfgs = malloc((size_t)nv * sizeof *cfgs);
	assert_non_null(cfgs);
	for (int v = 0; v < nv; v++)
		cfgs[v] = &sc->variants[v].cfg;
	struct experiment ex;
	assert_int_equal(experiment_run(&ex, nv, cfgs, 0, NULL, NULL), 0);
	const struct metric_def *m = metric_find("timeout_rate");
	int compared = 0;
	for (int v = 1; v < nv; v++) {
		struct estimate a, b, d;
		aggregate_estimate(experiment_aggregate(&ex, 0), m, 0, &a);
		aggregate_estimate(experiment_aggregate(&ex, v), m, 0, &b);
		aggregate_diff(experiment_aggregate(&ex, v), experiment_aggregate(&ex, 0), m, 0, &d);
		double ha = (a.hi - a.lo) / 2, hb = (b.hi - b.lo) / 2, hd = (d.hi - d.lo) / 2;
		double unpaired = sqrt(ha * ha + hb * hb); /* same t quantile, same n */
		if (hb == 0)
			continue; /* a variant without timeouts: both widths come from variant 0 */
		printf("    %-48s paired half-width %.3g%%, unpaired %.3g%%\n", sc->variants[v].name,
		       100 * hd, 100 * unpaired);
		assert_true(hd < unpaired);
		compared++;
	}
	assert_true(compared >= 1);
	experiment_fini(&ex);
	free(cfgs);
	scenario_destroy(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_erlang_c_c1),
		cmocka_unit_test(test_erlang_c_c10),
		cmocka_unit_test(test_erlang_c_c30),
		cmocka_unit_test(test_mmcd_c30_t50ms),
		cmocka_unit_test(test_mmcd_c10_overloaded),
		cmocka_unit_test(test_mmcd_c1),
		cmocka_unit_test(test_mmcd_wait_quantiles_within_half_percent),
		cmocka_unit_test(test_ps_mm1_through_model),
		cmocka_unit_test(test_ps_cores_equal_pool_is_mmc),
		cmocka_unit_test(test_crn_paired_ci_narrower),
	};
	return cmocka_run_group_tests_name("validation", tests, NULL, NULL);
}
