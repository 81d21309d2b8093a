#include "sim/stats.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

void tally_init(struct tally *t) { *t = (struct tally){.min = INFINITY, .max = -INFINITY}; }

double tally_mean(const struct tally *t)
{
	return t->n ? t->shift + t->sum / (double)t->n : NAN;
}

double tally_var(const struct tally *t)
{
	if (t->n < 2)
		return 0;
	double n = (double)t->n;
	double v = (t->sumsq - t->sum * t->sum / n) / (n - 1);
	return v > 0 ? v : 0; /* rounding can leave a constant sample a hair below 0 */
}

/* b's sums re-expressed relative to a's shift: with D = b.shift - a.shift,
 * sum (x - a.shift) = b.sum + n_b D and sum (x - a.shift)^2 = b.sumsq + 2 D b.sum + n_b D^2. */
void tally_merge(struct tally *a, const struct tally *b)
{
	if (b->n == 0)
		return;
	if (a->n == 0) {
		*a = *b;
		return;
	}
	double d = b->shift - a->shift, nb = (double)b->n;
	a->sumsq += b->sumsq + 2 * d * b->sum + nb * d * d;
	a->sum += b->sum + nb * d;
	a->n += b->n;
	if (b->min < a->min)
		a->min = b->min;
	if (b->max > a->max)
		a->max = b->max;
}

_Static_assert(HISTO_NBUCKETS == (17 + 20) << HISTO_SUB_BITS,
	       "the buckets cover the octaves from HISTO_MIN = 2^-20 to HISTO_MAX = 2^17");
_Static_assert(sizeof(double) == sizeof(uint64_t), "histo_bucket_of reads a double's bits");

double histo_bucket_lo(int i)
{
	int sub = 1 << HISTO_SUB_BITS;
	return ldexp(1.0 + (double)(i % sub) / sub, i / sub - 20);
}

double histo_bucket_hi(int i)
{
	return i == HISTO_NBUCKETS - 1 ? HISTO_MAX : histo_bucket_lo(i + 1);
}

void histo_init(struct histo *h)
{
	memset(h, 0, sizeof *h);
	h->min_pos = INFINITY;
	h->max = 0;
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
	double mean = tally_mean(t);
	if (t->n == 1) {
		*lo = *hi = mean;
		return mean;
	}
	double tq = gsl_cdf_tdist_Pinv(0.5 + level / 2, (double)(t->n - 1));
	double half = tq * sqrt(tally_var(t) / (double)t->n);
	*lo = mean - half;
	*hi = mean + half;
	return mean;
}
