#include "sim/stats.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

void tally_init(struct tally *t) { *t = (struct tally){.min = INFINITY, .max = -INFINITY}; }

void tally_add(struct tally *t, double x)
{
	t->n++;
	double d = x - t->mean;
	t->mean += d / (double)t->n;
	t->m2 += d * (x - t->mean);
	if (x < t->min)
		t->min = x;
	if (x > t->max)
		t->max = x;
}

double tally_var(const struct tally *t) { return t->n > 1 ? t->m2 / (double)(t->n - 1) : 0; }

void tally_merge(struct tally *a, const struct tally *b)
{
	if (b->n == 0)
		return;
	if (a->n == 0) {
		*a = *b;
		return;
	}
	double n = (double)(a->n + b->n), d = b->mean - a->mean;
	a->m2 += b->m2 + d * d * (double)a->n * (double)b->n / n;
	a->mean += d * (double)b->n / n;
	a->n += b->n;
	if (b->min < a->min)
		a->min = b->min;
	if (b->max > a->max)
		a->max = b->max;
}

static inline int bucket_of(double x)
{
	double f = log(x / HISTO_MIN) / log(HISTO_GAMMA);
	int i = (int)f;
	if (i >= HISTO_NBUCKETS)
		i = HISTO_NBUCKETS - 1;
	/* Bucket i holds [lo(i), hi(i)) with the bounds computed by pow(); log() may round a
	 * value lying on a bound to the wrong side, so values that close to a bound are placed
	 * by comparing with the bounds themselves. */
	double frac = f - (double)i;
	if (frac < 1e-9 || frac > 1 - 1e-9) {
		if (i > 0 && x < histo_bucket_lo(i))
			i--;
		else if (i < HISTO_NBUCKETS - 1 && x >= histo_bucket_hi(i))
			i++;
	}
	return i;
}

double histo_bucket_lo(int i) { return HISTO_MIN * pow(HISTO_GAMMA, i); }
double histo_bucket_hi(int i)
{
	return i == HISTO_NBUCKETS - 1 ? HISTO_MAX : HISTO_MIN * pow(HISTO_GAMMA, i + 1);
}

void histo_init(struct histo *h)
{
	memset(h, 0, sizeof *h);
	h->min_pos = INFINITY;
	h->max = 0;
}

void histo_add(struct histo *h, double x)
{
	assert(x >= 0 && "histo_add: value must be >= 0 (and not NaN)");
	h->n++;
	if (x > h->max)
		h->max = x;
	/* !(x > 0), not x <= 0: should a NaN get past the assertion (NDEBUG), it lands in the zero
	 * cell instead of indexing bucket[(int)NaN], which is undefined and in practice writes far
	 * outside the array. */
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
		h->bucket[bucket_of(x)]++;
}

void histo_merge(struct histo *a, const struct histo *b)
{
	a->n += b->n;
	a->zero += b->zero;
	a->under += b->under;
	a->over += b->over;
	if (b->min_pos < a->min_pos)
		a->min_pos = b->min_pos;
	if (b->max > a->max)
		a->max = b->max;
	for (int i = 0; i < HISTO_NBUCKETS; i++)
		a->bucket[i] += b->bucket[i];
}

static double midpoint(int i) { return sqrt(histo_bucket_lo(i) * histo_bucket_hi(i)); }

double histo_quantile(const struct histo *h, double q)
{
	if (h->n == 0)
		return NAN;
	/* q n is rounded: a decimal q that binary cannot hold exactly can land a few ulps above
	 * an integer (0.07 * 100 = 7.000000000000001), and ceil would then skip to the next rank.
	 * A product less than 4 DBL_EPSILON (relative) above an integer counts as that integer;
	 * the representation of q and the multiplication contribute at most 1 DBL_EPSILON. */
	double qn = q * (double)h->n;
	double r = ceil(qn - qn * 4 * DBL_EPSILON);
	uint64_t rank = !(r >= 1) ? 1 : r >= (double)h->n ? h->n : (uint64_t)r;
	uint64_t cum = h->zero;
	if (cum >= rank)
		return 0;
	/* The extremes are known exactly: the last rank is the max, the first positive rank is
	 * the smallest positive value, wherever their cells are. */
	if (rank == h->n)
		return h->max;
	if (rank == cum + 1)
		return h->min_pos;
	cum += h->under;
	if (cum >= rank)
		return h->min_pos; /* below 1 us: report the exact smallest positive value */
	for (int i = 0; i < HISTO_NBUCKETS; i++) {
		cum += h->bucket[i];
		if (cum >= rank) {
			double m = midpoint(i);
			/* Never report beyond the exact extremes. */
			if (m > h->max)
				m = h->max;
			if (m < h->min_pos)
				m = h->min_pos;
			return m;
		}
	}
	return h->max; /* in the overflow cell: the exact maximum */
}

double histo_cdf(const struct histo *h, double x)
{
	if (h->n == 0)
		return NAN;
	if (x < 0)
		return 0;
	uint64_t cum = h->zero;
	if (x >= HISTO_MIN)
		cum += h->under;
	for (int i = 0; i < HISTO_NBUCKETS; i++) {
		if (histo_bucket_hi(i) <= x || midpoint(i) <= x)
			cum += h->bucket[i];
		else
			break;
	}
	if (x >= h->max)
		cum = h->n;
	return (double)cum / (double)h->n;
}

void level_init(struct level *l, double t, double value)
{
	*l = (struct level){.value = value, .t_last = t, .t_start = t, .area = 0, .max = value};
}

void level_set(struct level *l, double t, double value)
{
	l->area += l->value * (t - l->t_last);
	l->t_last = t;
	l->value = value;
	if (value > l->max)
		l->max = value;
}

void level_reset(struct level *l, double t)
{
	level_init(l, t, l->value);
}

double level_mean(const struct level *l, double t)
{
	double span = t - l->t_start;
	if (span <= 0)
		return l->value;
	return (l->area + l->value * (t - l->t_last)) / span;
}

double ci_student(const double *x, int n, double level, double *lo, double *hi)
{
	struct tally t;
	tally_init(&t);
	for (int i = 0; i < n; i++)
		if (!isnan(x[i]))
			tally_add(&t, x[i]);
	return ci_student_tally(&t, level, lo, hi);
}

double ci_student_tally(const struct tally *t, double level, double *lo, double *hi)
{
	if (t->n == 0) {
		*lo = *hi = NAN;
		return NAN;
	}
	if (t->n == 1) {
		*lo = *hi = t->mean;
		return t->mean;
	}
	double tq = gsl_cdf_tdist_Pinv(0.5 + level / 2, (double)(t->n - 1));
	double half = tq * sqrt(tally_var(t) / (double)t->n);
	*lo = t->mean - half;
	*hi = t->mean + half;
	return t->mean;
}
