/* The user population (models/users.c): the Zipf sampler with its head table and tail
 * checkpoints maps every uniform number to the same user as a full cumulative table would
 * (the definition: the smallest k with cdf[k] > x, cdf[k] = S(k) / S(n - 1) summed in order,
 * cdf[n - 1] = 1), checked against such a table built here: at 200 000 uniform draws, and at
 * and just below the cdf of users on both sides of the head's end, of checkpoints and of the
 * last users, where an off-by-one would show; with and without the guide table. Uniform populations map x to floor(x n). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdlib.h>
#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "models/users.h"
#include "sim/rng.h"

#define HEAD 32768 /* users.c: the head table's length */

/* The full table, as the sampler's definition has it. */
static double *full_cdf(int n, double s)
{
	double *cdf = malloc((size_t)n * sizeof *cdf);
	assert_non_null(cdf);
	double sum = 0;
	for (int k = 0; k < n; k++) {
		sum += pow(k + 1.0, -s);
		cdf[k] = sum;
	}
	for (int k = 0; k < n; k++)
		cdf[k] /= sum;
	cdf[n - 1] = 1.0;
	return cdf;
}

static int reference(const double *cdf, int n, double x)
{
	int lo = 0, hi = n - 1;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (cdf[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void check_population(int n, double s)
{
	struct cfg_users cfg = {.count = n, .zipf_s = s};
	struct users *u = users_create(&cfg);
	assert_non_null(u);
	assert_int_equal(users_count(u), n);
	double *cdf = full_cdf(n, s);
	gsl_rng *r = rng_stream_create(11, 0, 5);
	assert_non_null(r);
	int tail = 0;
	for (int i = 0; i < 200000; i++) {
		double x = gsl_rng_uniform(r);
		int want = reference(cdf, n, x);
		tail += want >= HEAD;
		if (users_from_uniform(u, x) != want)
			fail_msg("n %d s %g x %.17g: got %d, want %d", n, s, x, users_from_uniform(u, x),
				 want);
	}
	if (n > HEAD + 1000)
		assert_true(tail > 1000); /* the tail path did run */
	/* At and just below the cdf of users around the boundaries: the head's end (HEAD - 1),
	 * checkpoints (HEAD - 1 + 16 j), and the last users. */
	int probes[] = {0, 1, 2, HEAD - 3, HEAD - 2, HEAD - 1, HEAD, HEAD + 1, HEAD + 14,
			HEAD + 15, HEAD + 16, HEAD + 17, HEAD + 31, HEAD + 32, n / 2, n - 18, n - 17,
			n - 16, n - 15, n - 3, n - 2, n - 1};
	for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
		int k = probes[i];
		if (k < 0 || k >= n)
			continue;
		double xs[] = {cdf[k], nextafter(cdf[k], 0), k ? cdf[k - 1] : 0};
		for (int j = 0; j < 3; j++) {
			if (xs[j] >= 1)
				continue; /* uniforms are < 1 */
			assert_int_equal(users_from_uniform(u, xs[j]), reference(cdf, n, xs[j]));
		}
	}
	gsl_rng_free(r);
	free(cdf);
	users_destroy(u);
}

static void test_zipf_small(void **state)
{
	(void)state;
	check_population(2000, 1.0); /* the bundled incident: all head */
}

static void test_zipf_large(void **state)
{
	(void)state;
	check_population(20000, 1.0);  /* a guide table over the head alone */
	check_population(300000, 1.0); /* guide, head and tail */
	check_population(HEAD + 20, 1.3); /* a tail shorter than two checkpoints */
	check_population(HEAD + 16 * 5 + 1, 0.8); /* the last user exactly on a checkpoint */
}

static void test_uniform(void **state)
{
	(void)state;
	struct cfg_users cfg = {.count = 2000000, .zipf_s = 0};
	struct users *u = users_create(&cfg);
	assert_non_null(u);
	assert_int_equal(users_from_uniform(u, 0), 0);
	assert_int_equal(users_from_uniform(u, 0.5), 1000000);
	assert_int_equal(users_from_uniform(u, nextafter(1, 0)), 1999999);
	users_destroy(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zipf_small),
		cmocka_unit_test(test_zipf_large),
		cmocka_unit_test(test_uniform),
	};
	return cmocka_run_group_tests_name("users", tests, NULL, NULL);
}
