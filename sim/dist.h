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
};

struct dist {
	enum dist_kind kind;
	double a, b;  /* kind-specific GSL parameters, set by the constructors */
	double mean;  /* the distribution's mean, seconds */
	double sd;    /* its standard deviation, seconds */
};

/* Constructors: 0 on success, PT_EINVAL when the parameters do not define a distribution
 * (the struct is then left unchanged). */
int dist_constant(struct dist *d, double value);                 /* value >= 0 */
int dist_exponential(struct dist *d, double mean);               /* mean > 0 */
int dist_uniform(struct dist *d, double min, double max);        /* 0 <= min <= max */
int dist_lognormal_mean_sd(struct dist *d, double mean, double sd);       /* mean > 0, sd > 0 */
int dist_lognormal_median_p99(struct dist *d, double median, double p99); /* 0 < median < p99 */
int dist_gamma_mean_cv(struct dist *d, double mean, double cv);  /* mean > 0, cv > 0 */

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

/* A lognormal or gamma draw, through GSL's samplers (dist_sample's out-of-line half). */
double dist_sample_gsl(const struct dist *d, gsl_rng *r);

/* One draw, seconds. Constant draws consume no random number. Constant, exponential and
 * uniform draws are inline (no call through GSL); the others go to GSL. */
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
		break;
	}
	return dist_sample_gsl(d, r);
}

/* The name of a kind ("lognormal"). */
const char *dist_kind_name(enum dist_kind kind);

#endif
