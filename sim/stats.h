/* Streaming statistics, constant memory whatever the simulated time.
 *
 * - tally: count, mean, variance (Welford), min, max of per-observation values.
 * - histo: a log-bucketed histogram of non-negative values (waits, holds). Zero is counted
 *   exactly; values in [HISTO_MIN, HISTO_MAX) fall in buckets of ratio HISTO_GAMMA, so a
 *   quantile is reported with a relative error of at most sqrt(HISTO_GAMMA) - 1 (< 1 %);
 *   values below HISTO_MIN or at/above HISTO_MAX are counted in explicit underflow and
 *   overflow cells, never dropped (a quantile that falls there reports the exact extreme).
 * - level: a time-weighted level (connections checked out, waiters): time average and max.
 * - ci: mean and a Student-t confidence interval over replications.
 *
 * Not here: anything about what is measured; no I/O. */
#ifndef POOLTIDE_STATS_H
#define POOLTIDE_STATS_H

#include <stdint.h>
#include <stdbool.h>

struct tally {
	uint64_t n;
	double mean, m2, min, max;
};

void tally_init(struct tally *t);
void tally_add(struct tally *t, double x);
/* Sample variance (n - 1 denominator); 0 when n < 2. */
double tally_var(const struct tally *t);
/* Merge b into a (parallel Welford). */
void tally_merge(struct tally *a, const struct tally *b);

#define HISTO_MIN 1e-6           /* seconds: 1 us */
#define HISTO_MAX 1e5            /* seconds: ~28 h */
#define HISTO_GAMMA 1.02         /* bucket ratio: relative error <= sqrt(1.02) - 1 = 0.995 % */
#define HISTO_NBUCKETS 1280      /* ceil(log(HISTO_MAX / HISTO_MIN) / log(HISTO_GAMMA)) */

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
/* Add x >= 0 (seconds). */
void histo_add(struct histo *h, double x);
void histo_merge(struct histo *a, const struct histo *b);
/* The q-quantile (0 < q <= 1): the smallest recorded value v with at least ceil(q n) values
 * <= v, reported as its bucket's geometric midpoint (exact for 0 and the extremes). NAN when
 * empty. */
double histo_quantile(const struct histo *h, double q);
/* Fraction of values <= x (exact at bucket bounds, else the bucket counts as <= x when its
 * midpoint is). */
double histo_cdf(const struct histo *h, double x);
/* Bucket i's bounds [lo, hi), seconds. */
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
/* The level changes to `value` at time t (t >= last change). */
void level_set(struct level *l, double t, double value);
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
