/* Tests of the empirical distribution of sim/dist: the constructors' moments and rejections,
 * exact draws driven by a scripted generator (every uniform chosen by hand, so the value each
 * draw must give is computed in the comment), and the bin frequencies of many draws against the
 * histogram's counts.
 *
 * The statistical check: with n draws, the share falling in a bin of probability p has
 * SE = sqrt(p (1 - p) / n); |share - p| <= 4.5 SE has a false-alarm probability of 6.8e-6 per
 * check under the normal approximation (n p >= 5000 here), and the seed is fixed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include <gsl/gsl_rng.h>

#include "sim/dist.h"
#include "sim/status.h"

/* ---- a scripted generator: gsl_rng_uniform returns the values of `script` in turn ---------- */

static const double *script;
static size_t script_at;

static void scripted_set(void *state, unsigned long seed)
{
	(void)state;
	(void)seed;
}

static unsigned long scripted_get(void *state)
{
	(void)state;
	return 0;
}

static double scripted_get_double(void *state)
{
	(void)state;
	return script[script_at++];
}

static const gsl_rng_type scripted_type = {"scripted", 0xffffffffUL, 0, sizeof(int),
					   scripted_set, scripted_get, scripted_get_double};

static gsl_rng *scripted(const double *u)
{
	gsl_rng *r = gsl_rng_alloc(&scripted_type);
	assert_non_null(r);
	script = u;
	script_at = 0;
	return r;
}

/* ---- observed values ------------------------------------------------------------------------ */

static void test_sample_moments_and_fields(void **state)
{
	(void)state;
	static const double v[] = {0.010, 0.030, 0.020, 0.060};
	struct dist d;
	assert_int_equal(dist_empirical_sample(&d, v, 4), PT_OK);
	assert_int_equal(d.kind, DIST_EMPIRICAL);
	assert_string_equal(dist_kind_name(d.kind), "empirical");
	assert_ptr_equal(d.x, v);
	assert_null(d.cum);
	assert_int_equal(d.n, 4);
	/* mean (10 + 30 + 20 + 60) / 4 = 30 ms; deviations -20, 0, -10, 30 ms: squares
	 * 400 + 0 + 100 + 900 = 1400, / 4 = 350 ms^2 (the population variance: the distribution
	 * that is sampled is exactly these four values), sd = sqrt(350) ms */
	assert_true(fabs(d.mean - 0.030) < 1e-15);
	assert_true(fabs(d.sd - sqrt(350e-6)) < 1e-15);
}

static void test_sample_draws_exact(void **state)
{
	(void)state;
	static const double v[] = {0.010, 0.030, 0.020, 0.060};
	/* index floor(U n), n = 4: U 0 -> 0; 0.2499 -> 0; 0.25 -> 1; 0.5 -> 2; 0.74 -> 2;
	 * 0.75 -> 3; 0.999999 -> 3 */
	static const double u[] = {0, 0.2499, 0.25, 0.5, 0.74, 0.75, 0.999999};
	static const double want[] = {0.010, 0.010, 0.030, 0.020, 0.020, 0.060, 0.060};
	struct dist d;
	assert_int_equal(dist_empirical_sample(&d, v, 4), PT_OK);
	gsl_rng *r = scripted(u);
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++)
		assert_true(dist_sample(&d, r) == want[i]);
	assert_int_equal(script_at, sizeof u / sizeof u[0]); /* one uniform per draw */
	gsl_rng_free(r);
}

static void test_sample_rejections(void **state)
{
	(void)state;
	static const double neg[] = {0.01, -0.001};
	static const double nan_[] = {0.01, NAN};
	static const double inf_[] = {INFINITY};
	struct dist d = {.kind = DIST_CONSTANT, .a = 7};
	assert_int_equal(dist_empirical_sample(&d, neg, 2), PT_EINVAL);
	assert_int_equal(dist_empirical_sample(&d, nan_, 2), PT_EINVAL);
	assert_int_equal(dist_empirical_sample(&d, inf_, 1), PT_EINVAL);
	assert_int_equal(dist_empirical_sample(&d, neg, 0), PT_EINVAL);
	assert_int_equal(dist_empirical_sample(&d, NULL, 3), PT_EINVAL);
	assert_int_equal(d.kind, DIST_CONSTANT); /* left unchanged */
	assert_true(d.a == 7);
}

/* ---- histograms ----------------------------------------------------------------------------- */

/* bins [0, 10), [10, 20), [20, 40) ms with counts 1, 3, 4 (cumulative 1, 4, 8) */
static const double edges[] = {0, 0.010, 0.020, 0.040};
static const double cum[] = {1, 4, 8};

static void test_histogram_moments(void **state)
{
	(void)state;
	struct dist d;
	assert_int_equal(dist_empirical_histogram(&d, edges, cum, 3), PT_OK);
	assert_int_equal(d.kind, DIST_EMPIRICAL);
	assert_ptr_equal(d.cum, cum);
	/* weights 1/8, 3/8, 4/8 on uniform bins with means 5, 15, 30 ms:
	 * mean = 5/8 + 45/8 + 120/8 = 170/8 = 21.25 ms;
	 * E[X^2] of a uniform on [a, b) = (a^2 + ab + b^2) / 3: 100/3, 700/3, 2800/3 ms^2;
	 * weighted: (100 + 2100 + 11200) / 24 = 13400 / 24 ms^2; var = 13400/24 - 21.25^2 */
	double var_ms2 = 13400.0 / 24 - 21.25 * 21.25;
	assert_true(fabs(d.mean - 0.02125) < 1e-15);
	assert_true(fabs(d.sd - sqrt(var_ms2) * 1e-3) < 1e-15);
}

static void test_histogram_draws_exact(void **state)
{
	(void)state;
	/* u = U x 8 (the total). U 0 -> u 0: bin 0 (cum 1 > 0), 0 + 10 x (0 - 0)/1 = 0 ms.
	 * U 0.0625 -> u 0.5: bin 0, 10 x 0.5 = 5 ms.
	 * U 0.125 -> u 1: bin 1 (cum 1 is not > 1), 10 + 10 x (1 - 1)/3 = 10 ms.
	 * U 0.25 -> u 2: bin 1, 10 + 10 x (2 - 1)/3 = 13.333 ms.
	 * U 0.5 -> u 4: bin 2, 20 + 20 x (4 - 4)/4 = 20 ms.
	 * U 0.875 -> u 7: bin 2, 20 + 20 x 3/4 = 35 ms. */
	static const double u[] = {0, 0.0625, 0.125, 0.25, 0.5, 0.875};
	static const double want_ms[] = {0, 5, 10, 10 + 10.0 / 3, 20, 35};
	struct dist d;
	assert_int_equal(dist_empirical_histogram(&d, edges, cum, 3), PT_OK);
	gsl_rng *r = scripted(u);
	for (size_t i = 0; i < sizeof u / sizeof u[0]; i++) {
		double x = dist_sample(&d, r);
		if (!(fabs(x - want_ms[i] * 1e-3) < 1e-15)) {
			print_error("draw %zu: got %.17g, want %.17g\n", i, x, want_ms[i] * 1e-3);
			fail();
		}
	}
	assert_int_equal(script_at, sizeof u / sizeof u[0]);
	gsl_rng_free(r);
}

static void test_histogram_frequencies(void **state)
{
	(void)state;
	enum { N = 200000 };
	struct dist d;
	size_t in[3] = {0, 0, 0};
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(r);
	gsl_rng_set(r, 20261207);
	assert_int_equal(dist_empirical_histogram(&d, edges, cum, 3), PT_OK);
	for (int i = 0; i < N; i++) {
		double x = dist_sample(&d, r);
		assert_true(x >= 0 && x < 0.040);
		in[x < 0.010 ? 0 : x < 0.020 ? 1 : 2]++;
	}
	static const double p[] = {1.0 / 8, 3.0 / 8, 4.0 / 8};
	for (int b = 0; b < 3; b++) {
		double share = (double)in[b] / N, se = sqrt(p[b] * (1 - p[b]) / N);
		if (!(fabs(share - p[b]) <= 4.5 * se)) {
			print_error("bin %d: share %.6f, want %.6f +- %.6f\n", b, share, p[b], 4.5 * se);
			fail();
		}
	}
	gsl_rng_free(r);
}

static void test_histogram_rejections(void **state)
{
	(void)state;
	static const double down[] = {0, 0.02, 0.01};
	static const double flat[] = {0, 0.01, 0.01};
	static const double neg[] = {-0.01, 0.01};
	static const double c2[] = {1, 2}, cdec[] = {3, 2}, czero[] = {0, 0};
	struct dist d = {.kind = DIST_CONSTANT};
	assert_int_equal(dist_empirical_histogram(&d, down, c2, 2), PT_EINVAL);
	assert_int_equal(dist_empirical_histogram(&d, flat, c2, 2), PT_EINVAL);
	assert_int_equal(dist_empirical_histogram(&d, neg, c2, 1), PT_EINVAL);
	assert_int_equal(dist_empirical_histogram(&d, edges, cdec, 2), PT_EINVAL);
	assert_int_equal(dist_empirical_histogram(&d, edges, czero, 2), PT_EINVAL);
	assert_int_equal(dist_empirical_histogram(&d, edges, c2, 0), PT_EINVAL);
	assert_int_equal(d.kind, DIST_CONSTANT);
	/* an empty bin is fine: counts 0 then 2 */
	static const double c02[] = {0, 2};
	static const double u[] = {0, 0.5};
	assert_int_equal(dist_empirical_histogram(&d, edges, c02, 2), PT_OK);
	gsl_rng *r = scripted(u);
	/* U 0 -> u 0: bin 0 has cum 0, not > 0, so bin 1: 10 ms; U 0.5 -> u 1: 10 + 10/2 = 15 ms */
	assert_true(fabs(dist_sample(&d, r) - 0.010) < 1e-15);
	assert_true(fabs(dist_sample(&d, r) - 0.015) < 1e-15);
	gsl_rng_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample_moments_and_fields),
		cmocka_unit_test(test_sample_draws_exact),
		cmocka_unit_test(test_sample_rejections),
		cmocka_unit_test(test_histogram_moments),
		cmocka_unit_test(test_histogram_draws_exact),
		cmocka_unit_test(test_histogram_frequencies),
		cmocka_unit_test(test_histogram_rejections),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
