/* The scenario loader's distributions: {"dist": "constant" | "exponential" | "uniform" |
 * "lognormal" | "gamma" | "empirical", ...} or a bare duration (a constant), read into a
 * sim/dist.h constructor and written back in canonical form. Counts (records per group) take
 * plain numbers, durations take units.
 *
 * Not here: the data of `empirical` (app/load_trace.c reads its file, values or histogram). */
#include "app/load.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/units.h"

static const char *const dist_names = "constant, exponential, uniform, lognormal, gamma, "
				       "empirical";
static const char *const constant_keys[] = {"dist", "value", NULL};
static const char *const exponential_keys[] = {"dist", "mean", NULL};
static const char *const uniform_keys[] = {"dist", "min", "max", NULL};
static const char *const lognormal_keys[] = {"dist", "mean", "sd", "median", "p99", NULL};
static const char *const gamma_keys[] = {"dist", "mean", "cv", NULL};
static const char *const empirical_keys[] = {"dist", "file", "column", "values", "histogram",
					     NULL};
const char *const load_histogram_keys[] = {"edges", "counts", NULL};

/* A required parameter of a distribution: a duration, or with counts a plain number >= 0. */
static int dist_param(struct load_ctx *c, const cJSON *v, const char *path, const char *key,
		      bool counts, double *x)
{
	int rc;

	if ((rc = load_require(c, v, path, key)))
		return rc;
	return counts ? load_get_number(c, v, path, key, 0, false, x)
		      : load_get_duration(c, v, path, key, false, x);
}

/* One parameter of a distribution in the resolved tree: a duration unless the distribution
 * counts things or the parameter is the (dimensionless) coefficient of variation. */
static void put_param(struct load_ctx *c, cJSON *o, bool counts, const char *k, double v)
{
	if (counts || strcmp(k, "cv") == 0)
		load_put_num(c, o, k, v);
	else
		load_put_dur(c, o, k, v);
}

/* res[key] = {"dist": kind, k1: v1 [, k2: v2]}, the canonical form. */
void load_put_dist(struct load_ctx *c, cJSON *res, const char *key, const char *kind, bool counts,
		   const char *k1, double v1, const char *k2, double v2)
{
	cJSON *o = load_put_obj(c, res, key);
	load_put_str(c, o, "dist", kind);
	put_param(c, o, counts, k1, v1);
	if (k2)
		put_param(c, o, counts, k2, v2);
}


/* The distribution at path: {"dist": ...} or a bare duration (a constant). Fills *d with the
 * sim/dist.h constructor and res[key] with the canonical object. With counts (records per
 * group, say), the values are numbers of things, not durations: parameters are plain numbers
 * and a constant must be > 0. */
int load_get_dist(struct load_ctx *c, const cJSON *v, const char *path, bool counts, struct dist *d,
		  cJSON *res, const char *key)
{
	const cJSON *kind;
	char p[PATH_LEN];
	double x = 0, y = 0;
	int rc;

	if (!cJSON_IsObject(v)) {
		if (counts) {
			x = v ? v->valuedouble : 0;
			if (!cJSON_IsNumber(v) || !isfinite(x) || !(x > 0))
				return load_expected(c, path, v, COUNTS_WHAT);
			x += 0.0;
		} else if (load_to_duration(v, &x) != PT_OK) {
			return load_expected(c, path, v, "a distribution such as {\"dist\": \"exponential\", "
					     "\"mean\": \"20ms\"} or a duration with a unit such as \"8ms\" or \"8s\"");
		}
		dist_constant(d, x);
		load_put_dist(c, res, key, "constant", counts, "value", x, NULL, 0);
		return PT_OK;
	}
	load_join(p, sizeof p, path, "dist");
	kind = load_member(v, "dist");
	if (!kind)
		return load_fail(c, p, "required");
	if (!cJSON_IsString(kind))
		return load_expected(c, p, kind, "one of: %s", dist_names);

	if (strcmp(kind->valuestring, "constant") == 0) {
		if ((rc = load_check_keys(c, v, path, constant_keys)) ||
		    (rc = dist_param(c, v, path, "value", counts, &x)))
			return rc;
		if ((counts && !(x > 0)) || dist_constant(d, x) != PT_OK)
			return load_expected(c, path, v, "a constant distribution with value %s 0",
					     counts ? ">" : ">=");
		load_put_dist(c, res, key, "constant", counts, "value", x, NULL, 0);
	} else if (strcmp(kind->valuestring, "exponential") == 0) {
		if ((rc = load_check_keys(c, v, path, exponential_keys)) ||
		    (rc = dist_param(c, v, path, "mean", counts, &x)))
			return rc;
		if (dist_exponential(d, x) != PT_OK)
			return load_expected(c, path, v, "an exponential distribution with mean > 0");
		load_put_dist(c, res, key, "exponential", counts, "mean", x, NULL, 0);
	} else if (strcmp(kind->valuestring, "uniform") == 0) {
		if ((rc = load_check_keys(c, v, path, uniform_keys)) ||
		    (rc = dist_param(c, v, path, "min", counts, &x)) ||
		    (rc = dist_param(c, v, path, "max", counts, &y)))
			return rc;
		if (dist_uniform(d, x, y) != PT_OK)
			return load_expected(c, path, v, "a uniform distribution with min <= max");
		load_put_dist(c, res, key, "uniform", counts, "min", x, "max", y);
	} else if (strcmp(kind->valuestring, "lognormal") == 0) {
		bool by_mean = load_member(v, "mean") || load_member(v, "sd");
		bool by_median = load_member(v, "median") || load_member(v, "p99");
		if ((rc = load_check_keys(c, v, path, lognormal_keys)))
			return rc;
		if (by_mean == by_median)
			return load_expected(c, path, v, "a lognormal distribution given by mean and sd, "
					     "or by median and p99");
		if (by_mean) {
			if ((rc = dist_param(c, v, path, "mean", counts, &x)) ||
			    (rc = dist_param(c, v, path, "sd", counts, &y)))
				return rc;
			if (dist_lognormal_mean_sd(d, x, y) != PT_OK)
				return x > 0 && y > 0 /* then only sd/mean can be at fault */
					? load_expected(c, path, v, "a lognormal distribution with sd/mean "
							"below 1e154 (its sigma overflows)")
					: load_expected(c, path, v, "a lognormal distribution with mean > 0 "
							"and sd > 0");
			load_put_dist(c, res, key, "lognormal", counts, "mean", x, "sd", y);
		} else {
			if ((rc = dist_param(c, v, path, "median", counts, &x)) ||
			    (rc = dist_param(c, v, path, "p99", counts, &y)))
				return rc;
			if (dist_lognormal_median_p99(d, x, y) != PT_OK)
				return x > 0 && y > x
					? load_expected(c, path, v, "a lognormal distribution with a finite "
							"mean (p99/median is too large)")
					: load_expected(c, path, v, "a lognormal distribution with "
							"0 < median < p99");
			load_put_dist(c, res, key, "lognormal", counts, "median", x, "p99", y);
		}
	} else if (strcmp(kind->valuestring, "gamma") == 0) {
		const cJSON *cv = load_member(v, "cv");
		if ((rc = load_check_keys(c, v, path, gamma_keys)) ||
		    (rc = dist_param(c, v, path, "mean", counts, &x)))
			return rc;
		load_join(p, sizeof p, path, "cv");
		if (!cv)
			return load_fail(c, p, "required");
		if (!cJSON_IsNumber(cv) || !isfinite(cv->valuedouble))
			return load_expected(c, p, cv, "a number (the coefficient of variation)");
		y = cv->valuedouble;
		if (dist_gamma_mean_cv(d, x, y) != PT_OK) {
			/* shape 1/cv^2 and scale mean cv^2 must be finite and > 0 */
			if (x > 0 && y > 0 && y < 1)
				return load_expected(c, path, v, "a gamma distribution with cv >= 1e-154 "
						     "(its shape 1/cv^2 overflows)");
			if (x > 0 && y > 0)
				return load_expected(c, path, v, "a gamma distribution with a finite scale "
						     "mean x cv^2 (cv is too large)");
			return load_expected(c, path, v, "a gamma distribution with mean > 0 and cv > 0");
		}
		load_put_dist(c, res, key, "gamma", counts, "mean", x, "cv", y);
	} else if (strcmp(kind->valuestring, "empirical") == 0) {
		if (counts)
			return load_expected(c, p, kind, "one of: constant, exponential, uniform, "
					     "lognormal, gamma (counts have no empirical form)");
		if ((rc = load_check_keys(c, v, path, empirical_keys)))
			return rc;
		return load_get_empirical(c, v, path, d, res, key);
	} else {
		return load_expected(c, p, kind, "one of: %s", dist_names);
	}
	return PT_OK;
}
