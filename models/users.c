#include "models/users.h"

#include <math.h>
#include <stdlib.h>

struct users {
	int n;
	double *cdf; /* Zipf: cdf[k] = P(user <= k); NULL: uniform */
};

struct users *users_create(const struct cfg_users *cfg)
{
	struct users *u = calloc(1, sizeof *u);
	if (!u)
		return NULL;
	u->n = cfg->count > 0 ? cfg->count : 1;
	if (cfg->zipf_s > 0) {
		u->cdf = malloc((size_t)u->n * sizeof *u->cdf);
		if (!u->cdf) {
			free(u);
			return NULL;
		}
		double sum = 0;
		for (int k = 0; k < u->n; k++) {
			sum += pow(k + 1.0, -cfg->zipf_s);
			u->cdf[k] = sum;
		}
		for (int k = 0; k < u->n; k++)
			u->cdf[k] /= sum;
		u->cdf[u->n - 1] = 1.0;
	}
	return u;
}

void users_destroy(struct users *u)
{
	if (!u)
		return;
	free(u->cdf);
	free(u);
}

int users_count(const struct users *u) { return u->n; }

int users_from_uniform(const struct users *u, double x)
{
	if (!u->cdf) {
		int k = (int)(x * u->n);
		return k < u->n ? k : u->n - 1;
	}
	/* the smallest k with cdf[k] > x */
	int lo = 0, hi = u->n - 1;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (u->cdf[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

int users_draw(const struct users *u, gsl_rng *r)
{
	return users_from_uniform(u, gsl_rng_uniform(r));
}
