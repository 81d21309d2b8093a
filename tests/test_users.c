/* The user population (models/users.c). Zipf draws by rejection-inversion are checked against
 * the exact pmf, P(user k - 1) = k^-s / sum_j j^-s, summed here directly (from the smallest
 * term up). Statistical tests with a fixed seed, their bounds from the sampling distribution:
 * - per rank, for the 20 heaviest users: |count - N p| <= 5 sqrt(N p (1 - p)), the binomial
 *   count's normal approximation at 5 sigma (a correct sampler fails with probability
 *   < 6e-7 per rank);
 * - over every rank: a chi-square statistic over bins of consecutive ranks, each with an
 *   expected count of at least 1000 (a rank alone while its own expectation is), below the
 *   chi-square quantile 1 - 1e-6 with (bins - 1) degrees of freedom.
 * That the bounds can fail: draws with s = 1.03 are rejected against the pmf of s = 1, and a
 * rank shifted by one is rejected. Acceptance: the number of uniforms per draw, counted by a
 * generator wrapped here, stays below 1 / 0.9 over exponents from 0.2 to 6. Uniform
 * populations map a uniform x to floor(x n). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_rng.h>

#include "models/users.h"
#include "sim/rng.h"

/* The exact pmf of ranks 1..n (p[k - 1]). */
static double *zipf_pmf(int n, double s)
{
	double *p = malloc((size_t)n * sizeof *p);
	assert_non_null(p);
	double sum = 0;
	for (int k = n; k >= 1; k--)
		sum += pow(k, -s);
	for (int k = 1; k <= n; k++)
		p[k - 1] = pow(k, -s) / sum;
	return p;
}

/* N draws of users from population (n, s), counted per user. */
static long *draw_counts(int n, double s, long draws, uint64_t seed, int shift)
{
	struct cfg_users cfg = {.count = n, .zipf_s = s};
	struct users *u = users_create(&cfg);
	assert_non_null(u);
	assert_int_equal(users_count(u), n);
	long *c = calloc((size_t)n, sizeof *c);
	assert_non_null(c);
	gsl_rng *r = rng_stream_create(seed, 0, 5);
	assert_non_null(r);
	for (long i = 0; i < draws; i++) {
		int k = users_draw(u, r);
		assert_true(k >= 0 && k < n);
		c[(k + shift) % n]++;
	}
	gsl_rng_free(r);
	users_destroy(u);
	return c;
}

/* The chi-square statistic of counts c against pmf p (N draws), over bins of consecutive
 * ranks with expected counts >= min_expected (a last bin short of it joins the one before);
 * *df the degrees of freedom. */
static double chi_square(const long *c, const double *p, int n, long draws, double min_expected,
			 int *df)
{
	double stat = 0, e = 0, o = 0, last_e = 0, last_o = 0;
	int bins = 0;
	for (int k = 0; k < n; k++) {
		e += p[k] * (double)draws;
		o += (double)c[k];
		if (e >= min_expected) {
			if (bins > 0)
				stat += (last_o - last_e) * (last_o - last_e) / last_e;
			last_e = e;
			last_o = o;
			bins++;
			e = o = 0;
		}
	}
	if (bins == 0)
		bins = 1;
	last_e += e; /* what is left after the last full bin */
	last_o += o;
	stat += (last_o - last_e) * (last_o - last_e) / last_e;
	*df = bins - 1;
	return stat;
}

static double chi_bound(int df) { return gsl_cdf_chisq_Qinv(1e-6, df); }

/* Whether the per-rank and chi-square tests accept counts c against the pmf of (n, s). */
static int accepts(const long *c, int n, double s, long draws, int quiet)
{
	double *p = zipf_pmf(n, s);
	int ok = 1;
	for (int k = 0; k < 20 && k < n; k++) {
		double m = (double)draws * p[k], sd = sqrt(m * (1 - p[k]));
		if (fabs((double)c[k] - m) > 5 * sd) {
			if (!quiet)
				print_error("n %d s %g: user %d drawn %ld times, expected %.1f +- %.1f\n",
					    n, s, k, c[k], m, 5 * sd);
			ok = 0;
		}
	}
	int df;
	double x2 = chi_square(c, p, n, draws, 1000, &df);
	if (df > 0 && x2 > chi_bound(df)) {
		if (!quiet)
			print_error("n %d s %g: chi-square %.1f over %d df, bound %.1f\n", n, s, x2, df,
				    chi_bound(df));
		ok = 0;
	}
	free(p);
	return ok;
}

static void check_population(int n, double s, long draws)
{
	long *c = draw_counts(n, s, draws, 11, 0);
	assert_true(accepts(c, n, s, draws, 0));
	free(c);
}

static void test_zipf_small(void **state)
{
	(void)state;
	check_population(2000, 1.0, 2000000); /* the bundled incident */
	check_population(1, 1.0, 1000);       /* one user: always user 0 */
	check_population(2, 1.0, 1000000);
	check_population(10, 2.5, 1000000);
	check_population(50, 0.5, 1000000);
	check_population(1000, 0.2, 1000000);
	check_population(300, 6.0, 1000000);
}

static void test_zipf_large(void **state)
{
	(void)state;
	check_population(2000000, 1.0, 4000000);
	check_population(300000, 1.3, 2000000);
	check_population(1000000, 0.7, 2000000);
}

/* The bounds reject a sampler that is a little off. */
static void test_bounds_can_fail(void **state)
{
	(void)state;
	long *c = draw_counts(2000, 1.03, 2000000, 11, 0);
	assert_false(accepts(c, 2000, 1.0, 2000000, 1));
	free(c);
	c = draw_counts(2000, 1.0, 2000000, 11, 1); /* every user one rank lighter */
	assert_false(accepts(c, 2000, 1.0, 2000000, 1));
	free(c);
	c = draw_counts(2000000, 1.0, 4000000, 11, 0); /* the pmf of too small a population */
	long *c2 = calloc(1000000, sizeof *c2);
	assert_non_null(c2);
	for (int k = 0; k < 2000000; k++)
		c2[k % 1000000] += c[k];
	assert_false(accepts(c2, 1000000, 1.0, 4000000, 1));
	free(c2);
	free(c);
}

/* A generator that counts its draws, around one of the project's streams. */
struct counted {
	gsl_rng *inner;
	long calls;
};

static void counted_set(void *vstate, unsigned long seed)
{
	(void)vstate;
	(void)seed;
}

static unsigned long counted_get(void *vstate)
{
	struct counted *c = vstate;
	c->calls++;
	return gsl_rng_get(c->inner);
}

static double counted_get_double(void *vstate)
{
	struct counted *c = vstate;
	c->calls++;
	return gsl_rng_uniform(c->inner);
}

static void test_acceptance(void **state)
{
	(void)state;
	double exponents[] = {0.2, 0.5, 0.9, 1.0, 1.1, 1.5, 2.0, 3.0, 6.0};
	for (size_t i = 0; i < sizeof exponents / sizeof exponents[0]; i++) {
		gsl_rng *inner = rng_stream_create(3, 0, 1);
		assert_non_null(inner);
		const gsl_rng_type type = {"counted", inner->type->max, inner->type->min,
					   sizeof(struct counted), counted_set, counted_get,
					   counted_get_double};
		struct counted cs = {.inner = inner};
		gsl_rng r = {.type = &type, .state = &cs};
		struct cfg_users cfg = {.count = 2000000, .zipf_s = exponents[i]};
		struct users *u = users_create(&cfg);
		assert_non_null(u);
		long draws = 200000;
		for (long j = 0; j < draws; j++)
			users_draw(u, &r);
		double per = (double)cs.calls / (double)draws;
		if (per > 1 / 0.9)
			fail_msg("s %g: %.4f uniforms per draw", exponents[i], per);
		users_destroy(u);
		gsl_rng_free(inner);
	}
}

static void test_uniform(void **state)
{
	(void)state;
	struct cfg_users cfg = {.count = 2000000, .zipf_s = 0};
	struct users *u = users_create(&cfg);
	assert_non_null(u);
	gsl_rng *r = rng_stream_create(11, 0, 5);
	gsl_rng *same = rng_stream_create(11, 0, 5);
	assert_non_null(r);
	assert_non_null(same);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(users_draw(u, r), (int)(gsl_rng_uniform(same) * 2000000));
	gsl_rng_free(r);
	gsl_rng_free(same);
	users_destroy(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zipf_small),
		cmocka_unit_test(test_zipf_large),
		cmocka_unit_test(test_bounds_can_fail),
		cmocka_unit_test(test_acceptance),
		cmocka_unit_test(test_uniform),
	};
	return cmocka_run_group_tests_name("users", tests, NULL, NULL);
}
