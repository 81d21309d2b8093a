/* Tests of sim/dist: constructor fields and rejections, sample moments against theory, the
 * lognormal median/p99 parameterisation, no draws for constants, non-negativity.
 *
 * Statistical checks use a fixed seed and tolerances from the standard error. A check
 * |estimate - theory| <= 4.5 SE has, when the estimate is approximately normal, a false-alarm
 * probability of 2 * (1 - Phi(4.5)) = 6.8e-6; with 24 such checks here the chance that some
 * seed would fail a correct implementation is ~2e-4, and the seed is fixed anyway, so a failure
 * means the code changed, not bad luck. The moment checks run on both kinds of generator: a
 * pooltide stream (xoshiro256**, rng.h: the ziggurat and the inline uniform) and GSL's
 * mt19937 (the fallback paths). Standard errors:
 *   mean:     SE = sd / sqrt(n)
 *   variance: Var(s^2) = sd^4 (2 / (n - 1) + g2 / n) ~ sd^4 (2 + g2) / n, g2 = excess kurtosis
 *             (e.g. Kendall & Stuart, Advanced Theory of Statistics, vol. 1, sampling moments)
 *   quantile: the count of samples <= the true p-quantile is Binomial(n, p): SE of the
 *             fraction = sqrt(p (1 - p) / n).
 * Excess kurtosis by kind (standard results): exponential 6; uniform -6/5; gamma with shape k
 * 6/k; lognormal with w = exp(sigma^2) = 1 + cv^2: w^4 + 2 w^3 + 3 w^2 - 6. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_rng.h>

#include <gsl/gsl_cdf.h>

#include "sim/dist.h"
#include "sim/rng.h"
#include "sim/status.h"

#define NSAMP 200000
#define K_SIGMA 4.5

/* z with P(N(0,1) <= z) = 0.99 (standard normal tables; also Z99 in dist.c). */
#define Z99 2.3263478740408408

static gsl_rng *new_rng(unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(r);
	gsl_rng_set(r, seed);
	return r;
}

static void assert_close_rel(double got, double want, double rel)
{
	if (!(fabs(got - want) <= rel * fabs(want))) {
		print_error("got %.17g, want %.17g (rel tol %g)\n", got, want, rel);
		fail();
	}
}

/* ---- constructors --------------------------------------------------------------------------- */

static void test_constant_fields(void **state)
{
	(void)state;
	struct dist d;
	assert_int_equal(dist_constant(&d, 0.25), PT_OK);
	assert_int_equal(d.kind, DIST_CONSTANT);
	assert_true(d.mean == 0.25 && d.sd == 0.0);
	assert_int_equal(dist_constant(&d, 0.0), PT_OK); /* value >= 0: zero is allowed */
	assert_true(d.mean == 0.0 && d.sd == 0.0);
}

static void test_exponential_fields(void **state)
{
	(void)state;
	struct dist d;
	assert_int_equal(dist_exponential(&d, 0.5), PT_OK);
	assert_int_equal(d.kind, DIST_EXPONENTIAL);
	/* Exponential: sd = mean. */
	assert_true(d.mean == 0.5 && d.sd == 0.5);
}

static void test_uniform_fields(void **state)
{
	(void)state;
	struct dist d;
	assert_int_equal(dist_uniform(&d, 1.0, 3.0), PT_OK);
	assert_int_equal(d.kind, DIST_UNIFORM);
	/* U(a, b): mean (a + b) / 2 = 2, sd (b - a) / sqrt(12) = 0.5773502691896258. */
	assert_true(d.mean == 2.0);
	assert_close_rel(d.sd, 0.57735026918962584, 1e-15);
	/* min == max is allowed (0 <= min <= max): a point. */
	assert_int_equal(dist_uniform(&d, 2.0, 2.0), PT_OK);
	assert_true(d.mean == 2.0 && d.sd == 0.0);
	assert_int_equal(dist_uniform(&d, 0.0, 1.0), PT_OK);
}

static void test_lognormal_mean_sd_fields(void **state)
{
	(void)state;
	struct dist d;
	assert_int_equal(dist_lognormal_mean_sd(&d, 0.005, 0.002), PT_OK);
	assert_int_equal(d.kind, DIST_LOGNORMAL);
	assert_true(d.mean == 0.005 && d.sd == 0.002);
	/* The GSL parameters reproduce the moments: for ln X ~ N(a, b^2),
	 * E X = exp(a + b^2 / 2), sd X = E X sqrt(exp(b^2) - 1). */
	assert_close_rel(exp(d.a + d.b * d.b / 2), 0.005, 1e-12);
	assert_close_rel(exp(d.a + d.b * d.b / 2) * sqrt(expm1(d.b * d.b)), 0.002, 1e-12);
	/* b^2 = ln(1 + cv^2) = ln(1.16) = 0.14842000511827327 (cv = 0.4). */
	assert_close_rel(d.b * d.b, 0.14842000511827327, 1e-12);
}

static void test_lognormal_median_p99_fields(void **state)
{
	(void)state;
	struct dist d;
	assert_int_equal(dist_lognormal_median_p99(&d, 0.010, 0.100), PT_OK);
	assert_int_equal(d.kind, DIST_LOGNORMAL);
	/* median = exp(a), p99 = exp(a + Z99 b). */
	assert_close_rel(exp(d.a), 0.010, 1e-12);
	assert_close_rel(exp(d.a + Z99 * d.b), 0.100, 1e-12);
	/* sigma = ln(10) / Z99 = 0.98978537074701590; mean = 0.01 exp(sigma^2 / 2) =
	 * 0.016320510555203520; sd = mean sqrt(exp(sigma^2) - 1) = 0.021050236320184653
	 * (computed in Python from those formulas). */
	assert_close_rel(d.b, 0.98978537074701590, 1e-12);
	assert_close_rel(d.mean, 0.016320510555203520, 1e-12);
	assert_close_rel(d.sd, 0.021050236320184653, 1e-12);
}

static void test_gamma_fields(void **state)
{
	(void)state;
	struct dist d;
	assert_int_equal(dist_gamma_mean_cv(&d, 0.02, 0.5), PT_OK);
	assert_int_equal(d.kind, DIST_GAMMA);
	/* Gamma(shape k, scale th): cv = 1 / sqrt(k) -> k = 4, th = mean / k = 0.005. */
	assert_true(d.mean == 0.02);
	assert_close_rel(d.sd, 0.01, 1e-15);
	assert_close_rel(d.a, 4.0, 1e-15);
	assert_close_rel(d.b, 0.005, 1e-15);
}

/* Each rejected call returns PT_EINVAL and leaves every byte of the struct as it was. */
#define ASSERT_REJECTED(call)                                                                  \
	do {                                                                                    \
		struct dist d_, before_;                                                        \
		memset(&d_, 0xA5, sizeof d_);                                                   \
		memcpy(&before_, &d_, sizeof d_);                                               \
		struct dist *d = &d_;                                                           \
		assert_int_equal((call), PT_EINVAL);                                            \
		assert_memory_equal(&d_, &before_, sizeof d_);                                  \
	} while (0)

static void test_rejections(void **state)
{
	(void)state;
	ASSERT_REJECTED(dist_constant(d, -1e-9));
	ASSERT_REJECTED(dist_constant(d, NAN));
	ASSERT_REJECTED(dist_constant(d, INFINITY));

	ASSERT_REJECTED(dist_exponential(d, 0.0));
	ASSERT_REJECTED(dist_exponential(d, -1.0));
	ASSERT_REJECTED(dist_exponential(d, NAN));
	ASSERT_REJECTED(dist_exponential(d, INFINITY));

	ASSERT_REJECTED(dist_uniform(d, -1.0, 1.0));
	ASSERT_REJECTED(dist_uniform(d, 2.0, 1.0));
	ASSERT_REJECTED(dist_uniform(d, NAN, 1.0));
	ASSERT_REJECTED(dist_uniform(d, 0.0, NAN));
	ASSERT_REJECTED(dist_uniform(d, 0.0, INFINITY));
	ASSERT_REJECTED(dist_uniform(d, INFINITY, INFINITY));

	ASSERT_REJECTED(dist_lognormal_mean_sd(d, 0.0, 1.0));
	ASSERT_REJECTED(dist_lognormal_mean_sd(d, -1.0, 1.0));
	ASSERT_REJECTED(dist_lognormal_mean_sd(d, 1.0, 0.0));
	ASSERT_REJECTED(dist_lognormal_mean_sd(d, 1.0, -1.0));
	ASSERT_REJECTED(dist_lognormal_mean_sd(d, NAN, 1.0));
	ASSERT_REJECTED(dist_lognormal_mean_sd(d, 1.0, NAN));
	ASSERT_REJECTED(dist_lognormal_mean_sd(d, INFINITY, 1.0));
	ASSERT_REJECTED(dist_lognormal_mean_sd(d, 1.0, INFINITY));

	ASSERT_REJECTED(dist_lognormal_median_p99(d, 0.0, 1.0));
	ASSERT_REJECTED(dist_lognormal_median_p99(d, -1.0, 1.0));
	ASSERT_REJECTED(dist_lognormal_median_p99(d, 1.0, 1.0)); /* median < p99 strictly */
	ASSERT_REJECTED(dist_lognormal_median_p99(d, 2.0, 1.0));
	ASSERT_REJECTED(dist_lognormal_median_p99(d, NAN, 1.0));
	ASSERT_REJECTED(dist_lognormal_median_p99(d, 1.0, NAN));
	ASSERT_REJECTED(dist_lognormal_median_p99(d, 1.0, INFINITY));

	ASSERT_REJECTED(dist_gamma_mean_cv(d, 0.0, 1.0));
	ASSERT_REJECTED(dist_gamma_mean_cv(d, -1.0, 1.0));
	ASSERT_REJECTED(dist_gamma_mean_cv(d, 1.0, 0.0));
	ASSERT_REJECTED(dist_gamma_mean_cv(d, 1.0, -0.5));
	ASSERT_REJECTED(dist_gamma_mean_cv(d, NAN, 1.0));
	ASSERT_REJECTED(dist_gamma_mean_cv(d, 1.0, NAN));
	ASSERT_REJECTED(dist_gamma_mean_cv(d, INFINITY, 1.0));
	ASSERT_REJECTED(dist_gamma_mean_cv(d, 1.0, INFINITY));
}

/* Finite parameters whose conversion overflows do not define a usable distribution: the GSL
 * parameters or the mean/sd fields would be inf/0, and sampling would return NaN or inf. They
 * are rejected like any other invalid parameter.
 *   gamma cv = 1e-200: shape 1 / cv^2 = inf, scale 0 (GSL gamma then returns 0 * inf = NaN).
 *   gamma cv = 1e200: cv^2 = inf, shape 0, scale inf.
 *   lognormal sd / mean = 1e200: sigma^2 = ln(1 + inf) = inf.
 *   lognormal median 1e-300, p99 1e300: sigma = 1381.6 / Z99 = 594, mean = exp(sigma^2 / 2) = inf.
 *   uniform [DBL_MAX / 2, DBL_MAX]: (min + max) / 2 = inf. */
static void test_rejections_overflow(void **state)
{
	(void)state;
	ASSERT_REJECTED(dist_gamma_mean_cv(d, 1.0, 1e-200));
	ASSERT_REJECTED(dist_gamma_mean_cv(d, 1.0, 1e200));
	ASSERT_REJECTED(dist_lognormal_mean_sd(d, 1.0, 1e200));
	ASSERT_REJECTED(dist_lognormal_mean_sd(d, 1e-300, 1e300));
	ASSERT_REJECTED(dist_lognormal_median_p99(d, 1e-300, 1e300));
	ASSERT_REJECTED(dist_uniform(d, DBL_MAX / 2, DBL_MAX));
}

/* ---- sampling ------------------------------------------------------------------------------- */

struct moments {
	double mean, var;
};

/* Two-pass mean and sample variance of n draws. */
static struct moments sample_moments(const struct dist *d, gsl_rng *r, double *x, size_t n)
{
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		x[i] = dist_sample(d, r);
		sum += x[i];
	}
	double mean = sum / (double)n, ss = 0;
	for (size_t i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	return (struct moments){mean, ss / (double)(n - 1)};
}

/* Check sample mean and variance of `d` against theory (mean, sd, excess kurtosis g2), with
 * the 4.5-SE tolerances derived in the header comment. */
static void check_moments_on(const struct dist *d, double mean, double sd, double g2,
			     gsl_rng *r)
{
	double *x = malloc(NSAMP * sizeof *x);
	assert_non_null(x);
	struct moments m = sample_moments(d, r, x, NSAMP);
	double se_mean = sd / sqrt((double)NSAMP);
	double se_var = sd * sd * sqrt((2 + g2) / (double)NSAMP);
	if (!(fabs(m.mean - mean) <= K_SIGMA * se_mean) ||
	    !(fabs(m.var - sd * sd) <= K_SIGMA * se_var)) {
		print_error("%s on %s: mean %.6g (want %.6g +- %.3g), var %.6g (want %.6g +- %.3g)\n",
			    dist_kind_name(d->kind), gsl_rng_name(r), m.mean, mean,
			    K_SIGMA * se_mean, m.var, sd * sd, K_SIGMA * se_var);
		fail();
	}
	free(x);
}

/* Check sample mean and variance of `d` against theory (mean, sd, excess kurtosis g2), with
 * the 4.5-SE tolerances derived in the header comment, on both kinds of generator. */
static void check_moments(const struct dist *d, double mean, double sd, double g2,
			  unsigned long seed)
{
	gsl_rng *r = new_rng(seed);
	check_moments_on(d, mean, sd, g2, r);
	gsl_rng_free(r);
	r = rng_stream_create(seed, 0, 0);
	assert_non_null(r);
	check_moments_on(d, mean, sd, g2, r);
	gsl_rng_free(r);
}

static void test_moments_exponential(void **state)
{
	(void)state;
	struct dist d;
	assert_int_equal(dist_exponential(&d, 0.02), PT_OK);
	check_moments(&d, 0.02, 0.02, 6.0, 101);
}

static void test_moments_uniform(void **state)
{
	(void)state;
	struct dist d;
	assert_int_equal(dist_uniform(&d, 0.001, 0.005), PT_OK);
	/* mean 0.003, sd 0.004 / sqrt(12) */
	check_moments(&d, 0.003, 0.004 / sqrt(12.0), -1.2, 102);
}

static void test_moments_lognormal_mean_sd(void **state)
{
	(void)state;
	struct dist d;
	assert_int_equal(dist_lognormal_mean_sd(&d, 0.005, 0.002), PT_OK);
	double w = 1 + 0.4 * 0.4; /* cv = 0.4 */
	check_moments(&d, 0.005, 0.002, w * w * w * w + 2 * w * w * w + 3 * w * w - 6, 103);
}

static void test_moments_lognormal_median_p99(void **state)
{
	(void)state;
	struct dist d;
	assert_int_equal(dist_lognormal_median_p99(&d, 0.010, 0.100), PT_OK);
	/* Theory from the Python values in test_lognormal_median_p99_fields:
	 * w = exp(sigma^2) = 1 + (sd / mean)^2. */
	double mean = 0.016320510555203520, sd = 0.021050236320184653;
	double w = 1 + (sd / mean) * (sd / mean);
	check_moments(&d, mean, sd, w * w * w * w + 2 * w * w * w + 3 * w * w - 6, 104);
}

static void test_moments_gamma(void **state)
{
	(void)state;
	struct dist d;
	/* cv 0.5: shape 4 (GSL's Marsaglia-Tsang branch). */
	assert_int_equal(dist_gamma_mean_cv(&d, 0.02, 0.5), PT_OK);
	check_moments(&d, 0.02, 0.01, 6.0 / 4.0, 105);
	/* cv 2: shape 0.25 (GSL's a < 1 branch). */
	assert_int_equal(dist_gamma_mean_cv(&d, 0.02, 2.0), PT_OK);
	check_moments(&d, 0.02, 0.04, 6.0 / 0.25, 106);
}

/* The ziggurat's tables (dist.c) against their definitions, recomputed here in double: with
 * x_i = 2^53 w_i, x_255 = r, v = (r + 1) e^-r, every layer has area v (x_i (f_(i-1) - f_i) for
 * i >= 1, the base q f(r) with q = 2^53 w_0), f_i = e^-x_i, and k_i = floor(2^53 x_(i-1) / x_i)
 * (k_0 with r / q, k_1 = 0). Tolerances: the tables are rounded to nearest from 60 digits, so
 * f_i is within 2 ulp of libm's exp (1e-15 relative); an area is a difference of two f's, so
 * its rounding is eps f_(i-1) x_i / v <= eps (1/e) / v = 93 eps = 2e-14 relative (1e-13
 * allowed); k_i recomputed from the rounded x's is off by at most 4 units (each x and the
 * ratio carry a relative rounding of 2^-53, so 3 units on a product below 2^53, plus the
 * floor), against ~1e13 units between neighbouring entries. A corrupt entry moves an area by
 * far more: two neighbouring layers differ by 1e-3 relative. */
static void test_exp_ziggurat_tables(void **state)
{
	(void)state;
	const double two53 = 0x1p53, r = DIST_ZIG_R;
	double v = (r + 1) * exp(-r);
	assert_close_rel(v, 0.003949659822581557, 1e-15);
	assert_true(dist_zig_w[255] * two53 == r);
	assert_true(dist_zig_f[0] == 1.0);
	double q = dist_zig_w[0] * two53;
	assert_close_rel(q * dist_zig_f[255], v, 1e-13);
	for (int i = 1; i < 256; i++) {
		double x = dist_zig_w[i] * two53;
		assert_close_rel(dist_zig_f[i], exp(-x), 1e-15);
		assert_close_rel(x * (dist_zig_f[i - 1] - dist_zig_f[i]), v, 1e-13);
		if (i >= 2) {
			double xp = dist_zig_w[i - 1] * two53;
			assert_true(xp < x);
			double k = floor(two53 * (xp / x));
			assert_true(fabs((double)dist_zig_k[i] - k) <= 4);
		}
	}
	assert_true(dist_zig_k[1] == 0);
	assert_true(fabs((double)dist_zig_k[0] - floor(two53 * (r / q))) <= 4);
}

/* The ziggurat's draws against Exp(1), N = 20 000 000 from one stream, counted in the cells
 * the ziggurat is built on: the strips [x_(i-1), x_i) for i = 1 .. 255 (x_0 = 0, x_255 = r),
 * then [r, r + 3) and [r + 3, inf) (the tail, drawn as r + Exp(1)), of exact probabilities
 * e^-a - e^-b. Each count lies within 5.5 binomial standard deviations of N p (two-sided
 * 3.8e-8 a cell, 1e-5 for all 257), and the chi-square over the cells (256 degrees of
 * freedom) is below its 1 - 1e-6 quantile; mean and variance within 5.5 standard errors (sd
 * 1, excess kurtosis 6: SE(var) = sqrt(8 / N)). What this can see: a wedge test (or a k_i)
 * that wrongly accepts the whole strip adds the wedge's mass to its strip, 18 standard
 * deviations in layer 2 and 43 in layer 255, and above 6 in the 19 layers where the wedges
 * are widest; the thin wedges of the middle layers move too little mass for any affordable N
 * (1.4 standard deviations in layer 120), and there the table check above is the guard. The
 * seed is fixed; the levels say how rarely a correct sampler would fail with another. */
static void test_exp_ziggurat_distribution(void **state)
{
	(void)state;
	enum { N = 20000000, C = 257 };
	static unsigned cell[C];
	double edge[C + 1]; /* cell c is [edge[c], edge[c + 1]) */
	edge[0] = 0;
	for (int i = 1; i < 256; i++)
		edge[i] = dist_zig_w[i] * 0x1p53;
	edge[256] = DIST_ZIG_R + 3;
	edge[257] = INFINITY;
	memset(cell, 0, sizeof cell);
	gsl_rng *r = rng_stream_create(20261207, 0, 1);
	assert_non_null(r);
	double sum = 0, sumsq = 0;
	for (int i = 0; i < N; i++) {
		double x = dist_exp_draw(r, 1.0);
		assert_true(x >= 0 && isfinite(x));
		sum += x;
		sumsq += x * x;
		int lo = 0, hi = C - 1; /* the last c with edge[c] <= x */
		while (lo < hi) {
			int mid = (lo + hi + 1) / 2;
			if (edge[mid] <= x)
				lo = mid;
			else
				hi = mid - 1;
		}
		cell[lo]++;
	}
	const double z = 5.5;
	double chi2 = 0;
	for (int c = 0; c < C; c++) {
		double p = c == C - 1 ? exp(-edge[c]) : exp(-edge[c]) * -expm1(edge[c] - edge[c + 1]);
		double e = N * p, sd = sqrt(N * p * (1 - p));
		if (!(fabs(cell[c] - e) <= z * sd)) {
			print_error("cell %d [%g, %g): %u draws, want %.1f +- %.1f\n", c, edge[c],
				    edge[c + 1], cell[c], e, z * sd);
			fail();
		}
		chi2 += (cell[c] - e) * (cell[c] - e) / e;
	}
	assert_true(chi2 < gsl_cdf_chisq_Qinv(1e-6, C - 1));
	double mean = sum / N, var = (sumsq - sum * mean) / (N - 1);
	assert_true(fabs(mean - 1) <= z / sqrt((double)N));
	assert_true(fabs(var - 1) <= z * sqrt(8.0 / N));
	/* With mean m the draw is m times the standard one, from the same output. */
	gsl_rng *a = rng_stream_create(5, 0, 1), *b = rng_stream_create(5, 0, 1);
	assert_non_null(a);
	assert_non_null(b);
	for (int i = 0; i < 1000; i++)
		assert_true(dist_exp_draw(a, 0.25) == 0.25 * dist_exp_draw(b, 1.0));
	gsl_rng_free(a);
	gsl_rng_free(b);
	gsl_rng_free(r);
}

static void test_moments_constant(void **state)
{
	(void)state;
	struct dist d;
	assert_int_equal(dist_constant(&d, 0.125), PT_OK);
	gsl_rng *r = new_rng(107);
	for (int i = 0; i < 1000; i++)
		assert_true(dist_sample(&d, r) == 0.125);
	gsl_rng_free(r);
}

/* Lognormal from median and p99: the fraction of samples <= the requested median and p99 is
 * within 4.5 binomial SE of 0.5 and 0.99 (see the header comment). */
static void test_lognormal_median_p99_quantiles(void **state)
{
	(void)state;
	const double median = 0.010, p99 = 0.100;
	struct dist d;
	assert_int_equal(dist_lognormal_median_p99(&d, median, p99), PT_OK);
	gsl_rng *r = new_rng(108);
	size_t below_med = 0, below_p99 = 0;
	for (size_t i = 0; i < NSAMP; i++) {
		double x = dist_sample(&d, r);
		below_med += x <= median;
		below_p99 += x <= p99;
	}
	double n = NSAMP;
	double f50 = (double)below_med / n, f99 = (double)below_p99 / n;
	assert_true(fabs(f50 - 0.5) <= K_SIGMA * sqrt(0.5 * 0.5 / n));
	assert_true(fabs(f99 - 0.99) <= K_SIGMA * sqrt(0.99 * 0.01 / n));
	gsl_rng_free(r);
}

/* "Constant draws consume no random number": after constant draws the generator's next output
 * equals that of an untouched twin with the same seed. */
static void test_constant_consumes_nothing(void **state)
{
	(void)state;
	struct dist c;
	assert_int_equal(dist_constant(&c, 3.0), PT_OK);
	gsl_rng *a = new_rng(109), *b = new_rng(109);
	for (int i = 0; i < 100; i++)
		dist_sample(&c, a);
	assert_true(gsl_rng_get(a) == gsl_rng_get(b));
	/* Sanity of the method: a non-constant draw does advance the generator. */
	struct dist e;
	assert_int_equal(dist_exponential(&e, 1.0), PT_OK);
	dist_sample(&e, a);
	assert_true(gsl_rng_get(a) != gsl_rng_get(b));
	gsl_rng_free(a);
	gsl_rng_free(b);
}

/* Every kind: samples are finite, >= 0, and uniform ones lie in [min, max]. Parameters include
 * heavy tails (lognormal cv 10, gamma cv 10) where underflow to 0 is possible. */
static void test_non_negative(void **state)
{
	(void)state;
	struct dist ds[8];
	int k = 0;
	assert_int_equal(dist_constant(&ds[k++], 0.0), PT_OK);
	assert_int_equal(dist_exponential(&ds[k++], 1e-6), PT_OK);
	assert_int_equal(dist_uniform(&ds[k++], 0.0, 1e-3), PT_OK);
	assert_int_equal(dist_lognormal_mean_sd(&ds[k++], 0.001, 0.01), PT_OK);
	assert_int_equal(dist_lognormal_median_p99(&ds[k++], 1e-4, 1.0), PT_OK);
	assert_int_equal(dist_gamma_mean_cv(&ds[k++], 0.001, 10.0), PT_OK);
	assert_int_equal(dist_gamma_mean_cv(&ds[k++], 0.001, 0.01), PT_OK);
	assert_int_equal(dist_uniform(&ds[k++], 0.5, 0.75), PT_OK);
	gsl_rng *r = new_rng(110);
	for (int j = 0; j < k; j++)
		for (int i = 0; i < 50000; i++) {
			double x = dist_sample(&ds[j], r);
			assert_true(isfinite(x));
			assert_true(x >= 0);
			if (ds[j].kind == DIST_UNIFORM)
				assert_true(x >= ds[j].a && x <= ds[j].b);
		}
	gsl_rng_free(r);
}

static void test_kind_names(void **state)
{
	(void)state;
	assert_string_equal(dist_kind_name(DIST_CONSTANT), "constant");
	assert_string_equal(dist_kind_name(DIST_EXPONENTIAL), "exponential");
	assert_string_equal(dist_kind_name(DIST_UNIFORM), "uniform");
	assert_string_equal(dist_kind_name(DIST_LOGNORMAL), "lognormal");
	assert_string_equal(dist_kind_name(DIST_GAMMA), "gamma");
	assert_string_equal(dist_kind_name((enum dist_kind)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constant_fields),
		cmocka_unit_test(test_exponential_fields),
		cmocka_unit_test(test_uniform_fields),
		cmocka_unit_test(test_lognormal_mean_sd_fields),
		cmocka_unit_test(test_lognormal_median_p99_fields),
		cmocka_unit_test(test_gamma_fields),
		cmocka_unit_test(test_rejections),
		cmocka_unit_test(test_rejections_overflow),
		cmocka_unit_test(test_moments_exponential),
		cmocka_unit_test(test_moments_uniform),
		cmocka_unit_test(test_moments_lognormal_mean_sd),
		cmocka_unit_test(test_moments_lognormal_median_p99),
		cmocka_unit_test(test_moments_gamma),
		cmocka_unit_test(test_moments_constant),
		cmocka_unit_test(test_exp_ziggurat_tables),
		cmocka_unit_test(test_exp_ziggurat_distribution),
		cmocka_unit_test(test_lognormal_median_p99_quantiles),
		cmocka_unit_test(test_constant_consumes_nothing),
		cmocka_unit_test(test_non_negative),
		cmocka_unit_test(test_kind_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
