/* Tests of app/fit: exact values on samples small enough to compute by hand, maximum-likelihood
 * fits of synthetic samples with known parameters, the choice criterion, the arrival process,
 * and the real SQLAlchemy pool log of ../shared/data (see its README).
 *
 * Tolerances. A regular MLE is asymptotically normal around the true value with the standard
 * error from the Fisher information (fit.c), so |fit - true| <= K SE with K = 4.5 has a
 * false-alarm probability of 2 (1 - Phi(4.5)) = 6.8e-6 per check; with n = 20000 the normal
 * approximation is good, there are 9 such checks (about 6e-5 in all) and the seeds are fixed,
 * so a failure means the code changed. The shift of a shifted exponential is not regular: its
 * MLE (the minimum) exceeds the true shift by an exponential of mean SE = m'/n, so
 * P(excess > K SE) = e^-K; K_SHIFT = 12 gives 6e-6, and the MLE is never below the truth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_psi.h>

#include "app/fit.h"
#include "app/obslog.h"
#include "sim/status.h"

#define N 20000
#define K 4.5
#define K_SHIFT 12.0
#define REAL_LOG "../shared/data/sqlalchemy-queuepool-A.csv.gz"

static gsl_rng *rng(unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(r);
	gsl_rng_set(r, seed);
	return r;
}

static void within(const char *what, double got, double want, double se, double k)
{
	if (!(fabs(got - want) <= k * se)) {
		print_error("%s: got %.9g, want %.9g +- %g (%g SE of %.3g)\n", what, got, want,
			    k * se, k, se);
		fail();
	}
}

static void close_to(double got, double want, double tol)
{
	if (!(fabs(got - want) <= tol)) {
		print_error("got %.17g, want %.17g (tol %g)\n", got, want, tol);
		fail();
	}
}

/* ---- exact ---------------------------------------------------------------------------------- */

static void test_exact_three_values(void **state)
{
	(void)state;
	static const double x[] = {3, 1, 2};
	double sorted[3];
	struct fit_result f[FIT_KINDS];
	assert_int_equal(fit_holds(x, 3, sorted, f), PT_OK);
	assert_true(sorted[0] == 1 && sorted[1] == 2 && sorted[2] == 3);

	/* exponential: mean 2; ln L = -3 ln 2 - sum x / 2 = -3 ln 2 - 3; AIC = 2 - 2 ln L.
	 * KS: F(x) = 1 - e^(-x/2): F(1) = 0.3935, F(2) = 0.6321, F(3) = 0.7769; against the
	 * steps 0|1/3, 1/3|2/3, 2/3|1 the largest gap is F(1) - 0 = 1 - e^-0.5 (the others:
	 * 0.2988, 0.0345, 0.1102, 0.2231). */
	assert_true(f[FIT_EXPONENTIAL].ok);
	close_to(f[FIT_EXPONENTIAL].p[0], 2, 1e-15);
	close_to(f[FIT_EXPONENTIAL].se[0], 2 / sqrt(3), 1e-15);
	close_to(f[FIT_EXPONENTIAL].loglik, -3 * log(2) - 3, 1e-12);
	close_to(f[FIT_EXPONENTIAL].aic, 2 + 6 * log(2) + 6, 1e-12);
	close_to(f[FIT_EXPONENTIAL].ks, 1 - exp(-0.5), 1e-12);

	/* shifted: shift 1 (the minimum), excess mean 2 - 1 = 1; ln L = -3 ln 1 - 3 = -3,
	 * AIC = 4 + 6 = 10; SE(shift) = 1/3, SE(m') = 1/sqrt(3). KS: F(1) = 0, F(2) = 1 - e^-1
	 * = 0.6321, F(3) = 1 - e^-2 = 0.8647: gaps 1/3 - 0 at x = 1, 0.6321 - 1/3 = 0.2988,
	 * 2/3 - 0.6321, 0.8647 - 2/3 = 0.1980, 1 - 0.8647 = 0.1353: the largest is 1/3. */
	close_to(f[FIT_SHIFTED_EXPONENTIAL].p[0], 1, 0);
	close_to(f[FIT_SHIFTED_EXPONENTIAL].p[1], 1, 1e-15);
	close_to(f[FIT_SHIFTED_EXPONENTIAL].se[0], 1.0 / 3, 1e-15);
	close_to(f[FIT_SHIFTED_EXPONENTIAL].loglik, -3, 1e-12);
	close_to(f[FIT_SHIFTED_EXPONENTIAL].aic, 10, 1e-12);
	close_to(f[FIT_SHIFTED_EXPONENTIAL].ks, 1.0 / 3, 1e-12);

	/* lognormal: ln x = 0, ln 2, ln 3; mu = ln 6 / 3; sigma^2 = mean of squared deviations */
	double mu = log(6) / 3, s2 = (mu * mu + (log(2) - mu) * (log(2) - mu) +
				       (log(3) - mu) * (log(3) - mu)) / 3;
	close_to(f[FIT_LOGNORMAL].p[0], mu, 1e-15);
	close_to(f[FIT_LOGNORMAL].p[1], sqrt(s2), 1e-15);
	close_to(f[FIT_LOGNORMAL].loglik,
		 -log(6) - 3 * log(sqrt(s2)) - 1.5 * log(2 * M_PI) - 1.5, 1e-12);

	/* gamma: the shape solves ln k - psi(k) = ln 2 - ln 6 / 3; scale = 2 / k */
	double k = f[FIT_GAMMA].p[0];
	close_to(log(k) - gsl_sf_psi(k), log(2) - log(6) / 3, 1e-12);
	close_to(f[FIT_GAMMA].p[1], 2 / k, 1e-15);
	close_to(f[FIT_GAMMA].mean, 2, 1e-15);

	/* the empirical distribution is the sample: KS 0, quantile by the inverse step CDF */
	assert_true(f[FIT_EMPIRICAL].ks == 0);
	assert_true(fit_quantile(&f[FIT_EMPIRICAL], 0.3, sorted, 3) == 1);
	assert_true(fit_quantile(&f[FIT_EMPIRICAL], 0.34, sorted, 3) == 2);
	assert_true(fit_quantile(&f[FIT_EMPIRICAL], 1.0, sorted, 3) == 3);
	close_to(fit_cdf(&f[FIT_EMPIRICAL], 2.5, sorted, 3), 2.0 / 3, 1e-15);
}

static void test_rejections(void **state)
{
	(void)state;
	static const double one[] = {1}, same[] = {2, 2}, neg[] = {1, -1}, nan_[] = {1, NAN};
	static const double zero[] = {0, 1, 2};
	double sorted[3];
	struct fit_result f[FIT_KINDS];
	assert_int_equal(fit_holds(one, 1, sorted, f), PT_EINVAL);
	assert_int_equal(fit_holds(same, 2, sorted, f), PT_EINVAL);
	assert_int_equal(fit_holds(neg, 2, sorted, f), PT_EINVAL);
	assert_int_equal(fit_holds(nan_, 2, sorted, f), PT_EINVAL);
	/* a zero: no lognormal or gamma (ln 0), the others still fit */
	assert_int_equal(fit_holds(zero, 3, sorted, f), PT_OK);
	assert_false(f[FIT_LOGNORMAL].ok);
	assert_false(f[FIT_GAMMA].ok);
	assert_true(f[FIT_EXPONENTIAL].ok);
}

/* ---- synthetic samples with known parameters ----------------------------------------------- */

static void fit_sample(double *x, struct fit_result *f)
{
	double *sorted = malloc(N * sizeof *sorted);
	assert_non_null(sorted);
	assert_int_equal(fit_holds(x, N, sorted, f), PT_OK);
	free(sorted);
}

static void test_shifted_exponential_sample(void **state)
{
	(void)state;
	static double x[N];
	struct fit_result f[FIT_KINDS];
	gsl_rng *r = rng(11);
	/* the real pool's hold: 1.3 ms of round trips plus an exponential of mean 50 ms */
	for (int i = 0; i < N; i++)
		x[i] = 0.0013 + gsl_ran_exponential(r, 0.050);
	fit_sample(x, f);
	const struct fit_result *s = &f[FIT_SHIFTED_EXPONENTIAL];
	assert_true(s->p[0] >= 0.0013); /* the minimum is never below the true shift */
	within("shift", s->p[0], 0.0013, s->se[0], K_SHIFT);
	within("excess mean", s->p[1], 0.050, s->se[1], K);
	within("exponential mean", f[FIT_EXPONENTIAL].p[0], 0.0513, f[FIT_EXPONENTIAL].se[0], K);
	assert_int_equal(fit_choose(f), FIT_SHIFTED_EXPONENTIAL);
	/* the KS distance of the right shape: sqrt(n) D is Kolmogorov-distributed (with the
	 * parameters estimated it is smaller still), P(sqrt(n) D > 1.95) = 0.001 */
	assert_true(s->ks * sqrt(N) < 1.95);
	gsl_rng_free(r);
}

static void test_lognormal_sample(void **state)
{
	(void)state;
	static double x[N];
	struct fit_result f[FIT_KINDS];
	gsl_rng *r = rng(12);
	for (int i = 0; i < N; i++)
		x[i] = gsl_ran_lognormal(r, log(0.015), 0.8);
	fit_sample(x, f);
	within("mu", f[FIT_LOGNORMAL].p[0], log(0.015), f[FIT_LOGNORMAL].se[0], K);
	within("sigma", f[FIT_LOGNORMAL].p[1], 0.8, f[FIT_LOGNORMAL].se[1], K);
	assert_int_equal(fit_choose(f), FIT_LOGNORMAL);
	gsl_rng_free(r);
}

static void test_gamma_sample(void **state)
{
	(void)state;
	static double x[N];
	struct fit_result f[FIT_KINDS];
	gsl_rng *r = rng(13);
	for (int i = 0; i < N; i++)
		x[i] = gsl_ran_gamma(r, 3.0, 0.040);
	fit_sample(x, f);
	within("shape", f[FIT_GAMMA].p[0], 3.0, f[FIT_GAMMA].se[0], K);
	within("scale", f[FIT_GAMMA].p[1], 0.040, f[FIT_GAMMA].se[1], K);
	assert_int_equal(fit_choose(f), FIT_GAMMA);
	gsl_rng_free(r);
}

static void test_bimodal_sample_is_empirical(void **state)
{
	(void)state;
	static double x[N];
	struct fit_result f[FIT_KINDS];
	gsl_rng *r = rng(14);
	/* half fast reads (about 2 ms), half slow reports (about 200 ms): no single shape */
	for (int i = 0; i < N; i++)
		x[i] = gsl_ran_lognormal(r, log(i % 2 ? 0.002 : 0.200), 0.2);
	fit_sample(x, f);
	for (int k = 0; k < FIT_EMPIRICAL; k++)
		assert_true(f[k].ks > FIT_KS_MAX);
	assert_int_equal(fit_choose(f), FIT_EMPIRICAL);
	gsl_rng_free(r);
}

/* ---- arrivals ------------------------------------------------------------------------------- */

static void test_arrivals_exact(void **state)
{
	(void)state;
	static const double t[] = {0.5, 1.5, 2.5, 3.5};
	struct fit_arrivals a;
	/* 4 arrivals in 4 s: rate 1/s, SE sqrt(4)/4 = 0.5; one per bin of 1 s: dispersion 0 */
	assert_int_equal(fit_arrivals(t, 4, 4, 1, &a), PT_OK);
	assert_true(a.rate == 1 && a.rate_se == 0.5);
	assert_int_equal(a.nbins, 4);
	assert_true(a.dispersion == 0 && a.p_constant == 1);
	assert_int_equal(a.shape, FIT_ARRIVAL_CONSTANT);
	assert_int_equal(fit_arrivals(t, 4, 3, 1, &a), PT_EINVAL);  /* 3.5 beyond the window */
	assert_int_equal(fit_arrivals(t, 4, 4, 0, &a), PT_EINVAL);
	assert_int_equal(fit_arrivals(t, 4, 4, 1e-4, &a), PT_EINVAL); /* 40000 bins */
}

/* Poisson arrivals over [0, window) at rate(t) x factor in [b0, b1), by thinning. */
static size_t poisson(gsl_rng *r, double *t, size_t cap, double window, double rate1,
		      double rate2, double b0, double b1, double factor)
{
	double top = fmax(rate1, rate2) * fmax(1, factor), at = 0;
	size_t n = 0;
	for (;;) {
		at += gsl_ran_exponential(r, 1 / top);
		if (at >= window)
			return n;
		double rate = (at < window / 2 ? rate1 : rate2) * (at >= b0 && at < b1 ? factor : 1);
		if (gsl_rng_uniform(r) * top < rate) {
			assert_true(n < cap);
			t[n++] = at;
		}
	}
}

static void test_arrivals_constant_bursts_profile(void **state)
{
	(void)state;
	enum { CAP = 200000 };
	double *t = malloc(CAP * sizeof *t);
	struct fit_arrivals a;
	gsl_rng *r = rng(21);
	assert_non_null(t);

	/* constant 100/s over 600 s, bins of 10 s */
	size_t n = poisson(r, t, CAP, 600, 100, 100, 0, 0, 1);
	assert_int_equal(fit_arrivals(t, n, 600, 10, &a), PT_OK);
	assert_int_equal(a.shape, FIT_ARRIVAL_CONSTANT);
	within("rate", a.rate, 100, a.rate_se, K);

	/* a burst: x3 during [200 s, 260 s) */
	n = poisson(r, t, CAP, 600, 100, 100, 200, 260, 3);
	assert_int_equal(fit_arrivals(t, n, 600, 10, &a), PT_OK);
	assert_int_equal(a.shape, FIT_ARRIVAL_BURSTS);
	assert_int_equal(a.n_bursts, 1);
	assert_true(a.bursts[0].start_s == 200 && a.bursts[0].end_s == 260);
	/* the factor: 6000 expected burst arrivals at 300/s against a base of 100/s; the count's
	 * SE sqrt(18000) on 6000 x 3: factor SE about 3 sqrt(1/18000 + 1/54000) = 0.026 */
	within("burst factor", a.bursts[0].factor, 3, 0.026, K);
	within("base rate", a.base_rate, 100, 10 / sqrt(540), K);

	/* a step from 50/s to 150/s at 300 s: a profile */
	n = poisson(r, t, CAP, 600, 50, 150, 0, 0, 1);
	assert_int_equal(fit_arrivals(t, n, 600, 10, &a), PT_OK);
	assert_int_equal(a.shape, FIT_ARRIVAL_PROFILE);
	assert_int_equal(a.n_profile, 60);
	/* one bin's rate: 10 s of Poisson counts, SE sqrt(rate x 10) / 10 */
	within("rate of the first bin", a.profile[0].rate_per_s, 50, sqrt(500) / 10, K);
	within("rate of the last bin", a.profile[59].rate_per_s, 150, sqrt(1500) / 10, K);
	assert_true(a.profile[30].t_s == 300);

	/* 1 s bins over 600 s are 600 points: merged 7 by 7 into 86 (at most 96) */
	assert_int_equal(fit_arrivals(t, n, 600, 1, &a), PT_OK);
	assert_int_equal(a.shape, FIT_ARRIVAL_PROFILE);
	assert_int_equal(a.n_profile, 86);
	assert_true(a.bin_s == 7);
	gsl_rng_free(r);
	free(t);
}

/* ---- the real log --------------------------------------------------------------------------- */

static void test_real_log(void **state)
{
	(void)state;
	struct obslog log;
	struct obslog_map map = {.time = "t0"};
	char err[512];
	int rc = obslog_read(&log, REAL_LOG, &map, err, sizeof err);
	if (rc) {
		print_error("%s\n", err);
		fail();
	}
	/* the README: about 55 500 requests, 256 threads so the log is in order of t0 */
	assert_int_equal(log.n, 55478);
	size_t nh = 0;
	double *holds = malloc(log.n * sizeof *holds), *sorted = malloc(log.n * sizeof *sorted);
	assert_non_null(holds);
	assert_non_null(sorted);
	for (size_t i = 0; i < log.n; i++)
		if (log.outcome[i] == OBSLOG_OK)
			holds[nh++] = log.hold_s[i];
	struct fit_result f[FIT_KINDS] = {0}; /* -O3 -flto cannot see that fit_holds fills it */
	assert_int_equal(fit_holds(holds, nh, sorted, f), PT_OK);
	/* the hold the connections really had (the issue and the README): mean about 51.4 ms,
	 * sd about 50.3 ms, never below 1.3 ms: an exponential shifted by the round trips */
	assert_int_equal(fit_choose(f), FIT_SHIFTED_EXPONENTIAL);
	const struct fit_result *s = &f[FIT_SHIFTED_EXPONENTIAL];
	within("mean hold", s->mean, 0.0514, s->se[1], K);
	within("hold sd (the excess mean)", s->p[1], 0.0503, s->se[1], K);
	assert_true(s->p[0] >= 0.0013 && s->p[0] < 0.0014);
	/* and the pg_sleep argument was exponential of mean 50 ms: the excess over the round
	 * trips is that, within its SE */
	within("excess mean vs pg_sleep's 50 ms", s->p[1], 0.050, s->se[1], K);

	/* arrivals: Poisson at 180/s (the README); measured about 179/s */
	double window = log.t_s[log.n - 1] + 1e-9;
	struct fit_arrivals a;
	assert_int_equal(fit_arrivals(log.t_s, log.n, window, 10, &a), PT_OK);
	assert_int_equal(a.shape, FIT_ARRIVAL_CONSTANT);
	within("arrival rate", a.rate, 179, a.rate_se, K);
	within("arrival rate vs the generator's 180/s", a.rate, 180, a.rate_se, K);
	free(holds);
	free(sorted);
	obslog_fini(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_three_values),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_shifted_exponential_sample),
		cmocka_unit_test(test_lognormal_sample),
		cmocka_unit_test(test_gamma_sample),
		cmocka_unit_test(test_bimodal_sample_is_empirical),
		cmocka_unit_test(test_arrivals_exact),
		cmocka_unit_test(test_arrivals_constant_bursts_profile),
		cmocka_unit_test(test_real_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
