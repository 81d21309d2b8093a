/* Distributions of durations, in seconds, behind one small struct.
 *
 * Parameters are given the way a capacity planner knows them (a mean and a standard deviation,
 * a median and a p99, a mean and a coefficient of variation); the conversion to GSL's
 * parameters happens once, in the dist_* constructors. Sampling never returns a negative
 * value.
 *
 * Not here: parsing ("15ms"), which is the scenario loader's job. */
#ifndef POOLTIDE_DIST_H
#define POOLTIDE_DIST_H

#include <math.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "sim/rng.h"

enum dist_kind {
	DIST_CONSTANT,
	DIST_EXPONENTIAL,
	DIST_UNIFORM,
	DIST_LOGNORMAL,
	DIST_GAMMA,
	DIST_EMPIRICAL,
};

struct dist {
	enum dist_kind kind;
	double a, b;  /* kind-specific GSL parameters, set by the constructors */
	double mean;  /* the distribution's mean, seconds */
	double sd;    /* its standard deviation, seconds */
	/* DIST_EMPIRICAL only (borrowed: the arrays belong to whoever read them, the scenario
	 * loader, and must outlive every copy of the struct): n observed values x[0..n-1] when
	 * cum is NULL; else a histogram of n bins [x[i], x[i+1]) (x has n + 1 ascending edges)
	 * with cumulative counts cum[0..n-1] (cum[n-1] = the total, > 0). */
	size_t n;
	const double *x;
	const double *cum;
};

/* Constructors: 0 on success, PT_EINVAL when the parameters do not define a distribution
 * (the struct is then left unchanged). */
int dist_constant(struct dist *d, double value);                 /* value >= 0 */
int dist_exponential(struct dist *d, double mean);               /* mean > 0 */
int dist_uniform(struct dist *d, double min, double max);        /* 0 <= min <= max */
int dist_lognormal_mean_sd(struct dist *d, double mean, double sd);       /* mean > 0, sd > 0 */
int dist_lognormal_median_p99(struct dist *d, double median, double p99); /* 0 < median < p99 */
int dist_gamma_mean_cv(struct dist *d, double mean, double cv);  /* mean > 0, cv > 0 */

/* Empirical distributions: no parametric shape forced on observed durations.
 *
 * dist_empirical_sample: a draw is one of the n values (n >= 1, each finite and >= 0), each
 * with probability 1/n (the bootstrap: x[floor(U n)], one uniform per draw). The values need
 * not be sorted; their order changes which value a given uniform picks, not the distribution.
 *
 * dist_empirical_histogram: n bins (n >= 1), edges[0..n] finite, >= 0 and strictly ascending,
 * cum[0..n-1] cumulative counts (non-decreasing, >= 0, cum[n-1] > 0). A draw inverts the
 * piecewise-linear CDF with one uniform: a bin chosen with probability count / total, then
 * uniform inside it. mean and sd are those of that piecewise-uniform density.
 *
 * Both borrow the arrays (see struct dist). PT_EINVAL leaves *d unchanged. */
int dist_empirical_sample(struct dist *d, const double *values, size_t n);
int dist_empirical_histogram(struct dist *d, const double *edges, const double *cum, size_t n);

/* Scaling in time, for sensitivity analysis (models/sensitivity.h).
 *
 * dist_scale_len: the doubles an empirical distribution's scaled copy needs (its n values, or
 * its n + 1 bin edges); 0 for every other kind.
 *
 * dist_scale: *out = d with every duration `factor` times longer, its shape kept: a constant's
 * value, an exponential's mean, a uniform's bounds, a gamma's scale (its shape unchanged), a
 * lognormal's median (its sigma unchanged), an empirical's values or bin edges (its counts
 * unchanged), and mean and sd, times factor. A draw of the result is distributed as factor
 * times a draw of d, and consumes the same random numbers. An empirical's scaled values are
 * written to buf (dist_scale_len(d) doubles; may be NULL for the other kinds), which *out then
 * borrows. out may be d. PT_EINVAL when factor is not finite and > 0 or the result overflows
 * (*out is then unchanged). */
size_t dist_scale_len(const struct dist *d);
int dist_scale(struct dist *out, const struct dist *d, double factor, double *buf);

/* The exponential ziggurat's tables (Marsaglia & Tsang, "The ziggurat method for generating
 * random variables", J. Stat. Softw. 5(8), 2000, 256 layers; dist.c says how they were made
 * and tests/test_dist.c checks them). */
#define DIST_ZIG_R 0x1.ec9d9297ebb83p+2 /* r = 7.697117470131050: where the tail starts */
extern const uint64_t dist_zig_k[256];
extern const double dist_zig_w[256], dist_zig_f[256];

/* The ziggurat's rare branches (a wedge or the tail), out of line. */
double dist_exp_zig_slow(gsl_rng *r, unsigned layer, double x);

/* An exponential draw of the given mean. On pooltide's streams (rng.h), by the ziggurat: one
 * 64-bit output gives a layer (its low 8 bits) and a point in it (its high 53 bits); 98.9 % of
 * draws end at the first comparison, with no logarithm; the others go to dist_exp_zig_slow.
 * On a generator of another type (tests use GSL's mt19937), by inversion, -mean ln(U) with U
 * uniform on (0, 1) (gsl_ran_exponential computes -mean ln(1 - U) with log1p, several times
 * slower than log on glibc). Every exponential in pooltide comes from here. Inline: it is on
 * every arrival's path. */
static inline double dist_exp_draw(gsl_rng *r, double mean)
{
	if (r->type == &rng_xoshiro256ss) {
		uint64_t bits = rng_next64(r->state);
		unsigned layer = (unsigned)(bits & 0xff);
		uint64_t u = bits >> 11;
		double x = (double)u * dist_zig_w[layer];
		if (u < dist_zig_k[layer])
			return mean * x;
		return mean * dist_exp_zig_slow(r, layer, x);
	}
	return -mean * log(rng_uniform_pos(r));
}

/* A lognormal, gamma or empirical draw (dist_sample's out-of-line half; lognormal and gamma
 * through GSL's samplers). */
double dist_sample_slow(const struct dist *d, gsl_rng *r);

/* One draw, seconds. Constant draws consume no random number. Constant, exponential and
 * uniform draws are inline (no call through GSL); the others go out of line. */
static inline double dist_sample(const struct dist *d, gsl_rng *r)
{
	switch (d->kind) {
	case DIST_CONSTANT:
		return d->a;
	case DIST_EXPONENTIAL:
		return dist_exp_draw(r, d->a);
	case DIST_UNIFORM:
		return d->a + (d->b - d->a) * rng_uniform(r);
	case DIST_LOGNORMAL:
	case DIST_GAMMA:
	case DIST_EMPIRICAL:
		break;
	}
	return dist_sample_slow(d, r);
}

/* The name of a kind ("lognormal"). */
const char *dist_kind_name(enum dist_kind kind);

#endif
