/* Streaming statistics, constant memory whatever the simulated time.
 *
 * - tally: count, mean, variance, min, max of per-observation values. It keeps the sums of
 *   the deviations from its first value and of their squares (the shifted-data algorithm,
 *   Chan, Golub & LeVeque 1983): an addition costs no division (Welford's update costs one),
 *   and the mean and variance are computed when read. Shifting by a value of the data keeps
 *   the sums free of the cancellation that ruins the textbook sum-of-squares formula: the
 *   variance's relative error is of order n eps (1 + (mean - first)^2 / var).
 * - histo: a log-bucketed histogram of non-negative values (waits, holds), laid out like HDR
 *   Histogram: each binary octave [2^e, 2^(e+1)) is cut into 2^HISTO_SUB_BITS = 128 equal
 *   buckets, so a value's bucket is read off the exponent and the top 7 mantissa bits of its
 *   IEEE 754 representation (no log, exact on every bound) and a bucket's width is at most
 *   1/128 of its lower bound. Zero is counted exactly; values in [HISTO_MIN, HISTO_MAX) fall
 *   in the buckets, and a quantile is reported with a relative error of at most
 *   sqrt(HISTO_GAMMA) - 1 = 0.39 %; values below HISTO_MIN or at/above HISTO_MAX are counted
 *   in explicit underflow and overflow cells, never dropped (a quantile that falls there
 *   reports the exact extreme). Fixed size (37 KB), whatever the simulated time.
 * - level: a time-weighted level (connections checked out, waiters): time average and max.
 * - ci: mean and a Student-t confidence interval over replications.
 *
 * Not here: anything about what is measured; no I/O. */
#ifndef POOLTIDE_STATS_H
#define POOLTIDE_STATS_H

#include <assert.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct tally {
	uint64_t n;
	double shift;      /* the first value added: the sums below are relative to it */
	double sum, sumsq; /* sum of (x - shift) and of (x - shift)^2 */
	double min, max;
};

void tally_init(struct tally *t);
static inline void tally_add(struct tally *t, double x)
{
	if (t->n++ == 0)
		t->shift = x;
	double d = x - t->shift;
	t->sum += d;
	t->sumsq += d * d;
	if (x < t->min)
		t->min = x;
	if (x > t->max)
		t->max = x;
}
/* Mean; NAN when n == 0. */
double tally_mean(const struct tally *t);
/* Sample variance (n - 1 denominator); 0 when n < 2. */
double tally_var(const struct tally *t);
/* Merge b into a: the same count, sums (to rounding), min and max as adding b's values to a. */
void tally_merge(struct tally *a, const struct tally *b);

#define HISTO_MIN 0x1p-20         /* seconds: 2^-20 = 0.954 us */
#define HISTO_MAX 0x1p17          /* seconds: 2^17 = 131072 s = 36.4 h */
#define HISTO_SUB_BITS 7          /* 2^7 = 128 buckets per octave */
/* The largest ratio hi/lo of a bucket (the first bucket of each octave, [2^e, 2^e (1 + 2^-7)));
 * a quantile's relative error is at most sqrt(HISTO_GAMMA) - 1 = 0.390 %. */
#define HISTO_GAMMA (1.0 + 1.0 / (1 << HISTO_SUB_BITS))
#define HISTO_NBUCKETS (37 << HISTO_SUB_BITS) /* 37 octaves, 2^-20 .. 2^17: 4736 buckets */

struct histo {
	uint64_t n;         /* all values */
	uint64_t zero;      /* values == 0 exactly */
	uint64_t under;     /* 0 < value < HISTO_MIN */
	uint64_t over;      /* value >= HISTO_MAX */
	double min_pos;     /* smallest positive value seen (exact) */
	double max;         /* largest value seen (exact) */
	uint64_t bucket[HISTO_NBUCKETS];
};

void histo_init(struct histo *h);

/* The bucket of x in [HISTO_MIN, HISTO_MAX), a positive normal double. Read as an integer, the
 * bits of such a double are monotone in it, and the bits above its low 52 - HISTO_SUB_BITS
 * mantissa bits are (biased exponent, top HISTO_SUB_BITS mantissa bits): the bucket, counted
 * from the biased exponent of HISTO_MIN (1023 - 20). */
static inline int histo_bucket_of(double x)
{
	uint64_t bits;
	memcpy(&bits, &x, sizeof bits);
	return (int)((bits >> (52 - HISTO_SUB_BITS)) - ((uint64_t)(1023 - 20) << HISTO_SUB_BITS));
}

/* Add x >= 0 (seconds). */
static inline void histo_add(struct histo *h, double x)
{
	assert(x >= 0 && "histo_add: value must be >= 0 (and not NaN)");
	h->n++;
	if (x > h->max)
		h->max = x;
	/* !(x > 0), not x <= 0: should a NaN get past the assertion (NDEBUG), it lands in the zero
	 * cell instead of indexing bucket[] with garbage, which is undefined and in practice
	 * writes far outside the array. */
	if (!(x > 0)) {
		h->zero++;
		return;
	}
	if (x < h->min_pos)
		h->min_pos = x;
	if (x < HISTO_MIN)
		h->under++;
	else if (x >= HISTO_MAX)
		h->over++;
	else
		h->bucket[histo_bucket_of(x)]++;
}
void histo_merge(struct histo *a, const struct histo *b);
/* The q-quantile (0 < q <= 1): the smallest recorded value v with at least ceil(q n) values
 * <= v, reported as its bucket's geometric midpoint (exact for 0 and the extremes). NAN when
 * empty. */
double histo_quantile(const struct histo *h, double q);
/* Fraction of values <= x (exact at bucket bounds, else the bucket counts as <= x when its
 * midpoint is). */
double histo_cdf(const struct histo *h, double x);
/* Bucket i's bounds [lo, hi), seconds: lo(i) = 2^e (1 + k / 128) with e = i / 128 - 20 and
 * k = i mod 128, exact in a double; hi(i) = lo(i + 1). */
double histo_bucket_lo(int i);
double histo_bucket_hi(int i);

struct level {
	double value;     /* current level */
	double t_last;    /* time of the last change */
	double t_start;   /* start of the observation window */
	double area;      /* integral of value dt since t_start */
	double max;       /* largest value since t_start */
};

/* Start observing at time t with the given current value. */
void level_init(struct level *l, double t, double value);
/* The level changes to `value` at time t (t >= last change). Inline: pools, the database and
 * the CPU call it on every change. */
static inline void level_set(struct level *l, double t, double value)
{
	l->area += l->value * (t - l->t_last);
	l->t_last = t;
	l->value = value;
	if (value > l->max)
		l->max = value;
}
/* Restart the observation window at t, keeping the current value (the warm-up reset). */
void level_reset(struct level *l, double t);
/* Time average over [t_start, t]; the current value when the window is empty. */
double level_mean(const struct level *l, double t);

/* Mean and 95 % Student-t interval of n values: lo, hi = mean -/+ t_{0.975, n-1} s / sqrt(n).
 * With n == 1 the interval is the point; NAN values are skipped (n counts the rest). Returns
 * the mean (NAN when nothing is left). `level` is the confidence (0.95). */
double ci_student(const double *x, int n, double level, double *lo, double *hi);
/* The same from a tally of the values already folded (in the same order: the same bytes), so
 * a caller can keep running sums instead of every value. */
double ci_student_tally(const struct tally *t, double level, double *lo, double *hi);

#endif
