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

double dist_sample_gsl(const struct dist *d, gsl_rng *r)
{
	switch (d->kind) {
	case DIST_LOGNORMAL:
		return gsl_ran_lognormal(r, d->a, d->b);
	case DIST_GAMMA:
		return gsl_ran_gamma(r, d->a, d->b);
	case DIST_CONSTANT:
	case DIST_EXPONENTIAL:
	case DIST_UNIFORM:
		break;
	}
	return dist_sample(d, r);
}

const char *dist_kind_name(enum dist_kind kind)
{
	static const char *const names[] = {"constant", "exponential", "uniform", "lognormal",
					    "gamma"};
	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}
