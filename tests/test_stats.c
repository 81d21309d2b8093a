/* Tests of sim/stats: tally (Welford moments, merge), histo (exact zero, under/overflow cells,
 * bucket bounds, quantile accuracy and rank definition, merge, cdf), level (time average,
 * warm-up reset, max) and ci_student.
 *
 * Expected values are hand-computed (shown next to each check), or computed from the data by a
 * brute-force reference in the test itself (two-pass moments, sorting for quantiles, counting
 * for the cdf). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "sim/stats.h"
#include "tests/testutil.h"

/* The advertised worst relative error of a quantile: a value v in bucket [lo, hi) is reported
 * as sqrt(lo hi); with hi / lo <= G the worst case is v = lo in a bucket of ratio G, error
 * sqrt(G) - 1 = 0.39 % (the other end, v -> hi, gives 1 - 1 / sqrt(G), smaller). The 1e-12
 * covers rounding in the sqrt (the bounds themselves are exact). */
#define QREL (sqrt(HISTO_GAMMA) - 1 + 1e-12)

static void assert_close_rel(double got, double want, double rel)
{
	if (!(fabs(got - want) <= rel * fabs(want))) {
		print_error("got %.17g, want %.17g (rel tol %g)\n", got, want, rel);
		fail();
	}
}

static gsl_rng *new_rng(unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(r);
	gsl_rng_set(r, seed);
	return r;
}

static struct histo *histo_new(void)
{
	struct histo *h = malloc(sizeof *h);
	assert_non_null(h);
	histo_init(h);
	return h;
}

/* ---- tally ---------------------------------------------------------------------------------- */

static void test_tally_empty_and_single(void **state)
{
	(void)state;
	struct tally t;
	tally_init(&t);
	assert_int_equal(t.n, 0);
	assert_true(tally_var(&t) == 0.0); /* n < 2 */
	tally_add(&t, 3.5);
	assert_int_equal(t.n, 1);
	assert_true(tally_mean(&t) == 3.5 && t.min == 3.5 && t.max == 3.5);
	assert_true(tally_var(&t) == 0.0);
}

static void test_tally_hand(void **state)
{
	(void)state;
	/* {2, 4, 4, 4, 5, 5, 7, 9}: sum 40, mean 5; squared deviations 9+1+1+1+0+0+4+16 = 32;
	 * sample variance 32 / 7. */
	const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
	struct tally t;
	tally_init(&t);
	for (int i = 0; i < 8; i++)
		tally_add(&t, x[i]);
	assert_int_equal(t.n, 8);
	assert_close_rel(tally_mean(&t), 5.0, 1e-15);
	assert_close_rel(tally_var(&t), 32.0 / 7.0, 1e-15);
	assert_true(t.min == 2.0 && t.max == 9.0);
}

/* Against a two-pass computation on data with a large offset (1e6 + U(0,1), variance 1/12),
 * where the naive sum-of-squares formula would lose all digits. The sums shifted by the first
 * value have a relative error of order n eps (1 + (mean - first)^2 / var) (Chan, Golub &
 * LeVeque 1983), here (mean - first)^2 / var <= 0.25 x 12 = 3, so ~1e-10 for n = 1e5 at
 * worst; 1e-9 leaves room while still failing on the unshifted formula (error ~ mean^2 eps /
 * var = 1.3). */
static void test_tally_two_pass(void **state)
{
	(void)state;
	enum { N = 100000 };
	double *x = malloc(N * sizeof *x);
	assert_non_null(x);
	gsl_rng *r = new_rng(11);
	struct tally t;
	tally_init(&t);
	double sum = 0, mn = INFINITY, mx = -INFINITY;
	for (int i = 0; i < N; i++) {
		x[i] = 1e6 + gsl_rng_uniform(r);
		tally_add(&t, x[i]);
		sum += x[i];
		mn = fmin(mn, x[i]);
		mx = fmax(mx, x[i]);
	}
	double mean = sum / N, ss = 0;
	for (int i = 0; i < N; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	assert_int_equal(t.n, N);
	assert_close_rel(tally_mean(&t), mean, 1e-12);
	assert_close_rel(tally_var(&t), ss / (N - 1), 1e-9);
	assert_true(t.min == mn && t.max == mx);
	free(x);
	gsl_rng_free(r);
}

/* Merge equals adding everything to one tally; merging with an empty tally changes nothing. */
static void test_tally_merge(void **state)
{
	(void)state;
	gsl_rng *r = new_rng(12);
	struct tally a, b, all, empty;
	tally_init(&a);
	tally_init(&b);
	tally_init(&all);
	tally_init(&empty);
	for (int i = 0; i < 3000; i++) {
		double x = 10 + 5 * gsl_rng_uniform(r);
		tally_add(&a, x);
		tally_add(&all, x);
	}
	for (int i = 0; i < 1700; i++) {
		double x = 2 + 30 * gsl_rng_uniform(r); /* different mean and spread */
		tally_add(&b, x);
		tally_add(&all, x);
	}
	struct tally m = a;
	tally_merge(&m, &b);
	assert_int_equal(m.n, all.n);
	assert_close_rel(tally_mean(&m), tally_mean(&all), 1e-12);
	assert_close_rel(tally_var(&m), tally_var(&all), 1e-10);
	assert_true(m.min == all.min && m.max == all.max);

	struct tally e = empty;
	tally_merge(&e, &a); /* into empty: a copy */
	assert_int_equal(e.n, a.n);
	assert_memory_equal(&e, &a, sizeof a);
	struct tally a2 = a;
	tally_merge(&a2, &empty); /* empty into a: unchanged */
	assert_memory_equal(&a2, &a, sizeof a);
	gsl_rng_free(r);
}

/* ---- histo ---------------------------------------------------------------------------------- */

static uint64_t cells_sum(const struct histo *h)
{
	uint64_t s = h->zero + h->under + h->over;
	for (int i = 0; i < HISTO_NBUCKETS; i++)
		s += h->bucket[i];
	return s;
}

static void test_histo_empty(void **state)
{
	(void)state;
	struct histo *h = histo_new();
	assert_int_equal(h->n, 0);
	assert_int_equal(cells_sum(h), 0);
	assert_true(isnan(histo_quantile(h, 0.5)));
	assert_true(isnan(histo_cdf(h, 1.0)));
	free(h);
}

/* The bucket layout (stats.h): octaves [2^e, 2^(e+1)) for e = -20 .. 16, each cut into 128
 * equal buckets, so lo(0) = HISTO_MIN = 2^-20, hi(i) = lo(i + 1), hi(last) = HISTO_MAX = 2^17,
 * HISTO_NBUCKETS = 37 x 128 = 4736, and within octave e every bucket is 2^e / 128 wide. The
 * ratio hi/lo is largest (1 + 1/128 = HISTO_GAMMA) at an octave's first bucket and smallest
 * (256/255) at its last. */
static void test_histo_bucket_bounds(void **state)
{
	(void)state;
	assert_true(HISTO_MIN == 1.0 / 1048576.0);
	assert_true(HISTO_MAX == 131072.0);
	assert_int_equal(HISTO_NBUCKETS, 4736);
	assert_true(histo_bucket_lo(0) == HISTO_MIN);
	assert_true(histo_bucket_hi(HISTO_NBUCKETS - 1) == HISTO_MAX);
	assert_true(histo_bucket_lo(128) == 2 * HISTO_MIN);          /* the second octave */
	assert_true(histo_bucket_lo(20 * 128) == 1.0);               /* 1 s starts octave 0 */
	assert_true(histo_bucket_lo(20 * 128 + 1) == 1.0 + 1.0 / 128);
	double gmax = 0, gmin = INFINITY;
	for (int i = 0; i < HISTO_NBUCKETS; i++) {
		double lo = histo_bucket_lo(i), hi = histo_bucket_hi(i);
		if (i + 1 < HISTO_NBUCKETS)
			assert_true(hi == histo_bucket_lo(i + 1));
		double octave = ldexp(1.0, i / 128 - 20);
		assert_true(hi - lo == octave / 128); /* exact: powers of two */
		gmax = fmax(gmax, hi / lo);
		gmin = fmin(gmin, hi / lo);
	}
	assert_true(gmax == HISTO_GAMMA);
	assert_close_rel(gmin, 256.0 / 255.0, 1e-15);
}

/* Values exactly on a bound land in the bucket that starts there ([lo, hi)); the double just
 * below a bound lands in the bucket before. Checked for every bucket, in one histogram:
 * lo(i) for all i puts 1 in each bucket; nextafter(hi(i), 0) adds 1 to each; nextafter(lo(i),
 * 0) adds 1 to bucket i - 1 (and to the underflow cell for i = 0). */
static void test_histo_bucket_placement_on_bounds(void **state)
{
	(void)state;
	struct histo *h = histo_new();
	for (int i = 0; i < HISTO_NBUCKETS; i++)
		histo_add(h, histo_bucket_lo(i));
	for (int i = 0; i < HISTO_NBUCKETS; i++)
		assert_int_equal(h->bucket[i], 1);
	for (int i = 0; i < HISTO_NBUCKETS; i++)
		histo_add(h, nextafter(histo_bucket_hi(i), 0));
	for (int i = 0; i < HISTO_NBUCKETS; i++)
		assert_int_equal(h->bucket[i], 2);
	for (int i = 0; i < HISTO_NBUCKETS; i++)
		histo_add(h, nextafter(histo_bucket_lo(i), 0));
	for (int i = 0; i < HISTO_NBUCKETS - 1; i++)
		assert_int_equal(h->bucket[i], 3);
	assert_int_equal(h->bucket[HISTO_NBUCKETS - 1], 2);
	assert_int_equal(h->under, 1);
	assert_int_equal(h->over, 0);
	assert_int_equal(h->n, 3 * HISTO_NBUCKETS);
	assert_int_equal(cells_sum(h), h->n);
	free(h);
}

static void test_histo_zero_under_over(void **state)
{
	(void)state;
	struct histo *h = histo_new();
	/* 3 zeros; 2 underflow (0 < x < HISTO_MIN = 0.954e-6); HISTO_MIN itself is in bucket 0; HISTO_MAX and
	 * above overflow; 1.0 in a bucket. */
	const double x[] = {0, 0, 0, 1e-7, 5e-7, HISTO_MIN, 1.0, HISTO_MAX, 2e5, INFINITY};
	for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
		histo_add(h, x[i]);
	assert_int_equal(h->n, 10);
	assert_int_equal(h->zero, 3);
	assert_int_equal(h->under, 2);
	assert_int_equal(h->over, 3);
	assert_int_equal(h->bucket[0], 1);
	assert_int_equal(cells_sum(h), h->n); /* never dropped */
	assert_true(h->min_pos == 1e-7);
	assert_true(h->max == INFINITY);
	free(h);
}

/* Random values over the whole range, including zero, underflow and overflow: every value is
 * counted in exactly one cell. */
static void test_histo_never_drops(void **state)
{
	(void)state;
	struct histo *h = histo_new();
	gsl_rng *r = new_rng(21);
	for (int i = 0; i < 200000; i++) {
		/* log-uniform over 1e-9 .. 1e7 plus some exact zeros */
		double x = gsl_rng_uniform_int(r, 20) == 0 ? 0.0 : pow(10, -9 + 16 * gsl_rng_uniform(r));
		histo_add(h, x);
	}
	assert_int_equal(h->n, 200000);
	assert_int_equal(cells_sum(h), h->n);
	assert_true(h->zero > 0 && h->under > 0 && h->over > 0);
	free(h);
	gsl_rng_free(r);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Quantiles of a single value in each bucket, at the bucket's lower bound: rank k + 1 is
 * lo(k), reported as the midpoint lo(k) sqrt(G): exactly the advertised worst case. q is
 * (k + 0.5) / n so that ceil(q n) = k + 1 without rounding questions. */
static void test_histo_quantile_on_bounds(void **state)
{
	(void)state;
	struct histo *h = histo_new();
	for (int i = 0; i < HISTO_NBUCKETS; i++)
		histo_add(h, histo_bucket_lo(i));
	for (int k = 0; k < HISTO_NBUCKETS; k++) {
		double q = (k + 0.5) / HISTO_NBUCKETS;
		assert_close_rel(histo_quantile(h, q), histo_bucket_lo(k), QREL);
	}
	free(h);
}

/* Quantiles across the whole range 0.95e-6 .. 1.05e5 against the rank definition on sorted data:
 * v = sorted[ceil(q n) - 1], the rank computed in integers. */
static void test_histo_quantile_whole_range(void **state)
{
	(void)state;
	enum { N = 11000 };
	struct histo *h = histo_new();
	double *x = malloc(N * sizeof *x);
	assert_non_null(x);
	/* x_k = HISTO_MIN * 10^(k / 1000): 1000 points per decade, up to 1.05e5 < HISTO_MAX. */
	for (int k = 0; k < N; k++) {
		x[k] = HISTO_MIN * pow(10, k / 1000.0);
		histo_add(h, x[k]);
	}
	qsort(x, N, sizeof *x, cmp_double);
	for (int j = 1; j <= 1000; j++) {
		double q = j / 1000.0;
		long rank = ((long)j * N + 999) / 1000; /* ceil(j N / 1000) */
		assert_close_rel(histo_quantile(h, q), x[rank - 1], QREL);
	}
	/* Random data too: log-uniform over the range, many per bucket. */
	gsl_rng *r = new_rng(22);
	histo_init(h);
	for (int k = 0; k < N; k++) {
		x[k] = HISTO_MIN * pow(1e11, gsl_rng_uniform(r));
		histo_add(h, x[k]);
	}
	qsort(x, N, sizeof *x, cmp_double);
	for (int j = 1; j <= 1000; j++) {
		long rank = ((long)j * N + 999) / 1000;
		assert_close_rel(histo_quantile(h, j / 1000.0), x[rank - 1], QREL);
	}
	free(x);
	free(h);
	gsl_rng_free(r);
}

/* The rank definition on hand-made sets: the q-quantile is the smallest value v with at least
 * ceil(q n) values <= v (stats.h). */
static void test_histo_quantile_rank_definition(void **state)
{
	(void)state;
	struct histo *h = histo_new();
	/* {1, 2, 3, 4}: ceil(0.25 * 4) = 1 -> 1; ceil(0.2500001 * 4) = 2 -> 2; 0.5 -> 2;
	 * 0.75 -> 3; 0.76 -> 4; 1 -> 4. The first and last ranks are the exact extremes
	 * (stats.h: "exact for 0 and the extremes"); 1 and 4 sit off their buckets' midpoints. */
	for (int i = 1; i <= 4; i++)
		histo_add(h, i);
	assert_true(histo_quantile(h, 0.25) == 1.0);
	assert_close_rel(histo_quantile(h, 0.2500001), 2, QREL);
	assert_close_rel(histo_quantile(h, 0.5), 2, QREL);
	assert_close_rel(histo_quantile(h, 0.5000001), 3, QREL);
	assert_close_rel(histo_quantile(h, 0.75), 3, QREL);
	assert_close_rel(histo_quantile(h, 0.76), 4, QREL);
	assert_true(histo_quantile(h, 1.0) == 4.0);
	assert_true(histo_quantile(h, 1e-9) == 1.0); /* rank at least 1 */

	/* {0, 0, 0, 5}: ceil(0.75 * 4) = 3 -> 0 (exact); 0.76 -> 5 (the max: exact). */
	histo_init(h);
	for (int i = 0; i < 3; i++)
		histo_add(h, 0.0);
	histo_add(h, 5.0);
	assert_true(histo_quantile(h, 0.5) == 0.0);
	assert_true(histo_quantile(h, 0.75) == 0.0);
	assert_true(histo_quantile(h, 0.76) == 5.0);

	/* {0, 3, 1.5, 7, 2.5}: sorted 0, 1.5, 2.5, 3, 7. q = 0.4 -> rank 2 -> 1.5, the smallest
	 * positive value (exact); q = 0.6 -> 2.5 and 0.8 -> 3 (bucket midpoints); 0.81 -> 7. */
	histo_init(h);
	const double five[] = {0, 3, 1.5, 7, 2.5};
	for (int i = 0; i < 5; i++)
		histo_add(h, five[i]);
	assert_true(histo_quantile(h, 0.2) == 0.0);
	assert_true(histo_quantile(h, 0.4) == 1.5);
	assert_close_rel(histo_quantile(h, 0.6), 2.5, QREL);
	assert_close_rel(histo_quantile(h, 0.8), 3.0, QREL);
	assert_true(histo_quantile(h, 0.81) == 7.0);

	/* {1, 2, ..., 100}: the j/100-quantile is j, for every j. Decimal q such as 0.07 are not
	 * exact in binary and 0.07 * 100 evaluates to 7.000000000000001: a plain ceil(q n) would
	 * give rank 8 (value 8, 14 % off). */
	histo_init(h);
	for (int i = 1; i <= 100; i++)
		histo_add(h, i);
	for (int j = 1; j <= 100; j++)
		assert_close_rel(histo_quantile(h, j / 100.0), j, QREL);
	assert_close_rel(histo_quantile(h, 0.07), 7, QREL);
	free(h);
}

/* Quantiles falling in the underflow or overflow cell report the exact extreme: the smallest
 * positive value and the largest value. */
static void test_histo_quantile_extreme_cells(void **state)
{
	(void)state;
	struct histo *h = histo_new();
	/* {1.0, 2e5, 3e5}: ranks 2 and 3 are in the overflow cell -> max 3e5 exactly. */
	histo_add(h, 1.0);
	histo_add(h, 3e5);
	histo_add(h, 2e5);
	assert_close_rel(histo_quantile(h, 0.3), 1.0, QREL);
	assert_true(histo_quantile(h, 0.5) == 3e5);
	assert_true(histo_quantile(h, 1.0) == 3e5);
	/* {5e-7, 2e-7, 1.0}: ranks 1 and 2 are in the underflow cell -> min_pos 2e-7 exactly;
	 * rank 3 -> 1.0 (bucket midpoint clamped to the exact max). */
	histo_init(h);
	histo_add(h, 5e-7);
	histo_add(h, 2e-7);
	histo_add(h, 1.0);
	assert_true(histo_quantile(h, 0.3) == 2e-7);
	assert_true(histo_quantile(h, 0.6) == 2e-7);
	assert_true(histo_quantile(h, 0.9) == 1.0);
	free(h);
}

static void assert_histo_equal(const struct histo *a, const struct histo *b)
{
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->zero, b->zero);
	assert_int_equal(a->under, b->under);
	assert_int_equal(a->over, b->over);
	assert_true(a->min_pos == b->min_pos);
	assert_true(a->max == b->max);
	for (int i = 0; i < HISTO_NBUCKETS; i++)
		assert_int_equal(a->bucket[i], b->bucket[i]);
}

static void test_histo_merge(void **state)
{
	(void)state;
	struct histo *a = histo_new(), *b = histo_new(), *all = histo_new(), *e = histo_new();
	gsl_rng *r = new_rng(23);
	for (int i = 0; i < 50000; i++) {
		double x = gsl_rng_uniform_int(r, 10) == 0 ? 0.0 : pow(10, -8 + 15 * gsl_rng_uniform(r));
		histo_add(i % 3 ? a : b, x);
		histo_add(all, x);
	}
	struct histo *m = histo_new();
	histo_merge(m, a); /* into empty */
	assert_histo_equal(m, a);
	histo_merge(m, b);
	assert_histo_equal(m, all);
	histo_merge(m, e); /* empty into m: unchanged */
	assert_histo_equal(m, all);
	assert_true(histo_quantile(m, 0.9) == histo_quantile(all, 0.9));
	free(a);
	free(b);
	free(all);
	free(e);
	free(m);
	gsl_rng_free(r);
}

/* cdf: 0 below zero, zero fraction at 0, monotone, 1 at the max; exact at bucket bounds (for
 * data not lying on a bound, since a bucket cannot tell lo(i) from values just above it). */
static void test_histo_cdf(void **state)
{
	(void)state;
	enum { N = 20000 };
	struct histo *h = histo_new();
	double *x = malloc(N * sizeof *x);
	assert_non_null(x);
	gsl_rng *r = new_rng(24);
	for (int i = 0; i < N; i++) {
		/* 10 % zeros, the rest log-uniform over 3e-8 .. 3e5 (under, buckets, over) */
		x[i] = gsl_rng_uniform_int(r, 10) == 0 ? 0.0 : pow(10, -7.5 + 13 * gsl_rng_uniform(r));
		histo_add(h, x[i]);
	}
	qsort(x, N, sizeof *x, cmp_double);
	size_t zeros = 0;
	while (zeros < N && x[zeros] == 0)
		zeros++;

	assert_true(histo_cdf(h, -1.0) == 0.0);
	assert_true(histo_cdf(h, 0.0) == (double)zeros / N);
	assert_true(histo_cdf(h, h->max) == 1.0);
	assert_true(histo_cdf(h, 2 * h->max) == 1.0);
	assert_true(histo_cdf(h, nextafter(h->max, 0)) < 1.0);

	/* Monotone over a fine grid from 1e-9 to 1e6. */
	double prev = histo_cdf(h, 0.0);
	for (int k = 0; k <= 15000; k++) {
		double c = histo_cdf(h, 1e-9 * pow(10, k / 1000.0));
		assert_true(c >= prev);
		assert_true(c <= 1.0);
		prev = c;
	}

	/* Exact at bucket bounds (including HISTO_MIN = lo(0), where the underflow cell counts),
	 * against counting the sorted data. */
	size_t j = 0;
	for (int i = 0; i < HISTO_NBUCKETS; i++) {
		double b = histo_bucket_lo(i);
		while (j < N && x[j] <= b)
			j++;
		assert_true(j == 0 || x[j - 1] != b); /* precondition: no value on the bound */
		assert_true(histo_cdf(h, b) == (double)j / N);
	}
	free(x);
	free(h);
	gsl_rng_free(r);
}

/* histo_add's contract is x >= 0: a negative or NaN value is a caller bug and an assertion
 * failure (the library uses plain <assert.h>, so the call runs in a forked child and the
 * parent expects SIGABRT). Skipped under NDEBUG. */
static void histo_add_case(const void *arg)
{
	static struct histo h;
	histo_init(&h);
	histo_add(&h, *(const double *)arg);
}

static void expect_histo_add_aborts(double x) { testutil_expect_abort(histo_add_case, &x); }

static void test_histo_add_invalid_asserts(void **state)
{
	(void)state;
	expect_histo_add_aborts(-1e-3);
	expect_histo_add_aborts(NAN);
}

/* ---- level ---------------------------------------------------------------------------------- */

/* Step function: 2 on [0, 1), 5 on [1, 3), 1 on [3, 6), 4 from 6 on.
 * Mean over [0, 10] = (2*1 + 5*2 + 1*3 + 4*4) / 10 = 31 / 10 = 3.1; over [0, 2] =
 * (2*1 + 5*1) / 2 = 3.5; max 5. */
static void test_level_time_average(void **state)
{
	(void)state;
	struct level l;
	level_init(&l, 0.0, 2.0);
	assert_true(level_mean(&l, 0.0) == 2.0); /* empty window: the current value */
	level_set(&l, 1.0, 5.0);
	assert_close_rel(level_mean(&l, 2.0), 3.5, 1e-15);
	level_set(&l, 3.0, 1.0);
	level_set(&l, 6.0, 4.0);
	assert_close_rel(level_mean(&l, 10.0), 3.1, 1e-15);
	assert_true(l.max == 5.0);
	assert_true(l.value == 4.0);
	/* Not an average over events: 4 changes, values (2, 5, 1, 4) average 3, not 3.1. */
}

/* Warm-up reset at t = 4 while the level is 1: the window restarts at 4 with the current value
 * 1; the 5 seen before is forgotten. Mean over [4, 10] = (1*2 + 4*4) / 6 = 3; max 4. */
static void test_level_reset(void **state)
{
	(void)state;
	struct level l;
	level_init(&l, 0.0, 2.0);
	level_set(&l, 1.0, 5.0);
	level_set(&l, 3.0, 1.0);
	level_reset(&l, 4.0);
	assert_true(l.max == 1.0);
	assert_true(level_mean(&l, 4.0) == 1.0); /* empty window */
	assert_close_rel(level_mean(&l, 5.0), 1.0, 1e-15);
	level_set(&l, 6.0, 4.0);
	assert_close_rel(level_mean(&l, 10.0), 3.0, 1e-15);
	assert_true(l.max == 4.0);
}

/* Non-zero start time and repeated changes at one instant (zero-length intervals add no area;
 * max still sees the transient value, as "largest value since t_start"). Over [100, 104]:
 * 3 on [100, 102), 7 on [102, 102) (zero length), 1 on [102, 104]: (3*2 + 1*2) / 4 = 2. */
static void test_level_same_instant(void **state)
{
	(void)state;
	struct level l;
	level_init(&l, 100.0, 3.0);
	level_set(&l, 102.0, 7.0);
	level_set(&l, 102.0, 1.0);
	assert_close_rel(level_mean(&l, 104.0), 2.0, 1e-15);
	assert_true(l.max == 7.0);
}

/* ---- ci_student ------------------------------------------------------------------------------ */

static void test_ci_student(void **state)
{
	(void)state;
	double lo, hi;
	/* n = 1: the interval is the point. */
	const double one[] = {4.25};
	assert_true(ci_student(one, 1, 0.95, &lo, &hi) == 4.25);
	assert_true(lo == 4.25 && hi == 4.25);

	/* n = 2, {1, 3}: mean 2, s = sqrt(2), s / sqrt(2) = 1; t_{0.975,1} = tan(0.475 pi) =
	 * 12.706204736 (Cauchy quantile). Interval 2 -+ 12.706204736. */
	const double two[] = {1, 3};
	assert_true(ci_student(two, 2, 0.95, &lo, &hi) == 2.0);
	assert_close_rel(lo, 2 - 12.706204736174696, 1e-9);
	assert_close_rel(hi, 2 + 12.706204736174696, 1e-9);
	/* level 0.90: t_{0.95,1} = tan(0.45 pi) = 6.313751514675. */
	ci_student(two, 2, 0.90, &lo, &hi);
	assert_close_rel(hi - 2, 6.3137515146750438, 1e-9);

	/* n = 10, {1..10}: mean 5.5, s^2 = 55/6, s / sqrt(10) = 0.9574271077563381;
	 * t_{0.975,9} = 2.2621571627982 (tables: 2.262; computed here from the closed-form t cdf
	 * for odd degrees of freedom in Python); half width 2.1658505896681683. */
	const double ten[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
	assert_close_rel(ci_student(ten, 10, 0.95, &lo, &hi), 5.5, 1e-15);
	assert_close_rel(lo, 5.5 - 2.1658505896681683, 1e-9);
	assert_close_rel(hi, 5.5 + 2.1658505896681683, 1e-9);

	/* NaN values are skipped: {1, NaN, 3, NaN} is the n = 2 case. */
	const double with_nan[] = {1, NAN, 3, NAN};
	assert_true(ci_student(with_nan, 4, 0.95, &lo, &hi) == 2.0);
	assert_close_rel(hi, 2 + 12.706204736174696, 1e-9);
	/* One value left: a point. */
	const double one_left[] = {NAN, 7.0};
	assert_true(ci_student(one_left, 2, 0.95, &lo, &hi) == 7.0);
	assert_true(lo == 7.0 && hi == 7.0);
	/* Nothing left, or nothing given: NaN everywhere. */
	const double all_nan[] = {NAN, NAN};
	assert_true(isnan(ci_student(all_nan, 2, 0.95, &lo, &hi)));
	assert_true(isnan(lo) && isnan(hi));
	assert_true(isnan(ci_student(NULL, 0, 0.95, &lo, &hi)));
	assert_true(isnan(lo) && isnan(hi));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tally_empty_and_single),
		cmocka_unit_test(test_tally_hand),
		cmocka_unit_test(test_tally_two_pass),
		cmocka_unit_test(test_tally_merge),
		cmocka_unit_test(test_histo_empty),
		cmocka_unit_test(test_histo_bucket_bounds),
		cmocka_unit_test(test_histo_bucket_placement_on_bounds),
		cmocka_unit_test(test_histo_zero_under_over),
		cmocka_unit_test(test_histo_never_drops),
		cmocka_unit_test(test_histo_quantile_on_bounds),
		cmocka_unit_test(test_histo_quantile_whole_range),
		cmocka_unit_test(test_histo_quantile_rank_definition),
		cmocka_unit_test(test_histo_quantile_extreme_cells),
		cmocka_unit_test(test_histo_merge),
		cmocka_unit_test(test_histo_cdf),
		cmocka_unit_test(test_histo_add_invalid_asserts),
		cmocka_unit_test(test_level_time_average),
		cmocka_unit_test(test_level_reset),
		cmocka_unit_test(test_level_same_instant),
		cmocka_unit_test(test_ci_student),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
