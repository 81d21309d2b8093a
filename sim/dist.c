#include "sim/dist.h"

#include <math.h>
#include <gsl/gsl_randist.h>

#include "sim/status.h"

/* z such that P(N(0,1) <= z) = 0.99 */
#define Z99 2.3263478740408408

/* Store v in *d when its parameters and moments are finite, else leave *d alone. Finite inputs
 * can still overflow in the conversion (gamma cv = 1e-200 gives shape inf and scale 0, and GSL
 * then samples NaN; a lognormal median of 1e-300 with a p99 of 1e300 gives mean inf): such a
 * struct would poison every statistic downstream, so those parameters count as not defining a
 * distribution. */
static int store(struct dist *d, struct dist v)
{
	if (!isfinite(v.a) || !isfinite(v.b) || !isfinite(v.mean) || !isfinite(v.sd))
		return PT_EINVAL;
	if (v.kind == DIST_GAMMA && !(v.a > 0 && v.b > 0))
		return PT_EINVAL;
	*d = v;
	return PT_OK;
}

int dist_constant(struct dist *d, double value)
{
	if (!(value >= 0) || !isfinite(value))
		return PT_EINVAL;
	struct dist v = {.kind = DIST_CONSTANT, .a = value, .mean = value, .sd = 0};
	return store(d, v);
}

int dist_exponential(struct dist *d, double mean)
{
	if (!(mean > 0) || !isfinite(mean))
		return PT_EINVAL;
	struct dist v = {.kind = DIST_EXPONENTIAL, .a = mean, .mean = mean, .sd = mean};
	return store(d, v);
}

int dist_uniform(struct dist *d, double min, double max)
{
	if (!(min >= 0) || !(max >= min) || !isfinite(max))
		return PT_EINVAL;
	struct dist v = {.kind = DIST_UNIFORM, .a = min, .b = max, .mean = (min + max) / 2,
			 .sd = (max - min) / sqrt(12.0)};
	return store(d, v);
}

/* GSL's lognormal(zeta, sigma): ln X ~ N(zeta, sigma^2). */
int dist_lognormal_mean_sd(struct dist *d, double mean, double sd)
{
	if (!(mean > 0) || !(sd > 0) || !isfinite(mean) || !isfinite(sd))
		return PT_EINVAL;
	double s2 = log1p((sd / mean) * (sd / mean));
	struct dist v = {.kind = DIST_LOGNORMAL, .a = log(mean) - s2 / 2, .b = sqrt(s2),
			 .mean = mean, .sd = sd};
	return store(d, v);
}

int dist_lognormal_median_p99(struct dist *d, double median, double p99)
{
	if (!(median > 0) || !(p99 > median) || !isfinite(p99))
		return PT_EINVAL;
	double zeta = log(median), sigma = (log(p99) - zeta) / Z99;
	double mean = exp(zeta + sigma * sigma / 2);
	struct dist v = {.kind = DIST_LOGNORMAL, .a = zeta, .b = sigma, .mean = mean,
			 .sd = mean * sqrt(expm1(sigma * sigma))};
	return store(d, v);
}

/* GSL's gamma(a = shape, b = scale): mean a b, cv 1/sqrt(a). */
int dist_gamma_mean_cv(struct dist *d, double mean, double cv)
{
	if (!(mean > 0) || !(cv > 0) || !isfinite(mean) || !isfinite(cv))
		return PT_EINVAL;
	double shape = 1.0 / (cv * cv);
	struct dist v = {.kind = DIST_GAMMA, .a = shape, .b = mean / shape, .mean = mean,
			 .sd = mean * cv};
	return store(d, v);
}

int dist_empirical_sample(struct dist *d, const double *values, size_t n)
{
	double sum = 0, m, ss = 0;

	if (!values || n == 0)
		return PT_EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (!(values[i] >= 0) || !isfinite(values[i]))
			return PT_EINVAL;
		sum += values[i];
	}
	m = sum / (double)n;
	/* two passes: the variance of durations around 50 ms with a 1 s tail is ill-conditioned
	 * in the one-pass sum-of-squares form */
	for (size_t i = 0; i < n; i++)
		ss += (values[i] - m) * (values[i] - m);
	struct dist v = {.kind = DIST_EMPIRICAL, .mean = m, .sd = sqrt(ss / (double)n), .n = n,
			 .x = values, .cum = NULL};
	return store(d, v);
}

int dist_empirical_histogram(struct dist *d, const double *edges, const double *cum, size_t n)
{
	double total, m = 0, m2 = 0, prev = 0;

	if (!edges || !cum || n == 0 || !(edges[0] >= 0) || !isfinite(edges[0]))
		return PT_EINVAL;
	total = cum[n - 1];
	if (!(total > 0) || !isfinite(total))
		return PT_EINVAL;
	for (size_t i = 0; i < n; i++) {
		double lo = edges[i], hi = edges[i + 1], w;
		if (!(hi > lo) || !isfinite(hi) || !(cum[i] >= prev))
			return PT_EINVAL;
		w = (cum[i] - prev) / total;
		prev = cum[i];
		/* moments of the uniform density on [lo, hi) */
		m += w * (lo + hi) / 2;
		m2 += w * (lo * lo + lo * hi + hi * hi) / 3;
	}
	struct dist v = {.kind = DIST_EMPIRICAL, .mean = m, .sd = sqrt(fmax(0, m2 - m * m)),
			 .n = n, .x = edges, .cum = cum};
	return store(d, v);
}

/* A histogram draw: u uniform on [0, total); the first bin whose cumulative count exceeds u,
 * and the position of u inside it (the inverse of the piecewise-linear CDF). */
static double histogram_draw(const struct dist *d, double u)
{
	size_t lo = 0, hi = d->n - 1;
	double below;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (d->cum[mid] > u)
			hi = mid;
		else
			lo = mid + 1;
	}
	below = lo ? d->cum[lo - 1] : 0;
	return d->x[lo] + (d->x[lo + 1] - d->x[lo]) * ((u - below) / (d->cum[lo] - below));
}

double dist_exp_draw(gsl_rng *r, double mean)
{
	return -mean * log(gsl_rng_uniform_pos(r));
}

double dist_sample(const struct dist *d, gsl_rng *r)
{
	switch (d->kind) {
	case DIST_CONSTANT:
		return d->a;
	case DIST_EXPONENTIAL:
		return dist_exp_draw(r, d->a);
	case DIST_UNIFORM:
		return d->a + (d->b - d->a) * gsl_rng_uniform(r);
	case DIST_LOGNORMAL:
		return gsl_ran_lognormal(r, d->a, d->b);
	case DIST_GAMMA:
		return gsl_ran_gamma(r, d->a, d->b);
	case DIST_EMPIRICAL:
		if (!d->cum) {
			size_t i = (size_t)(gsl_rng_uniform(r) * (double)d->n);
			return d->x[i < d->n ? i : d->n - 1];
		}
		return histogram_draw(d, gsl_rng_uniform(r) * d->cum[d->n - 1]);
	}
	return 0;
}

const char *dist_kind_name(enum dist_kind kind)
{
	static const char *const names[] = {"constant", "exponential", "uniform", "lognormal",
					    "gamma", "empirical"};
	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}
