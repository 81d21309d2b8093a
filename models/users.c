#include "models/users.h"

#include <math.h>
#include <stdlib.h>

/* Zipf: the draw maps x to the smallest k with cdf(k) > x, where cdf(k) = S(k) / S(n - 1),
 * S(k) = sum of (j + 1)^-s for j = 0..k summed in that order (and cdf(n - 1) = 1). The head
 * (users 0 .. head - 1, most of the mass) keeps its cdf in a table; beyond it only every
 * TAIL_STEP-th running sum is kept, and a draw in the tail redoes the sums of one step, in the
 * same order, so it finds the same k bit for bit as a full table would, in a fraction of its
 * memory (2 million users: 1.4 MB instead of 16 MB). */
#define HEAD_MAX (1 << 15)   /* 32768 users, 256 KiB: with s = 1 and 2 million users 73 % of
				draws end here */
#define TAIL_STEP 16         /* tail checkpoints: 8 bytes per 16 users; a tail draw redoes at
				most 16 sums */
/* Beyond GUIDE_FROM users a guide table narrows every search first: guide[g] is the smallest
 * k with cdf(k) > g / GUIDE_N, so x in [g, g + 1) / GUIDE_N lies in [guide[g], guide[g + 1]]
 * (x GUIDE_N is exact: a power of 2). The binary search then touches a few neighbouring cache
 * lines instead of a path through a table larger than the cache. */
#define GUIDE_FROM 16384
#define GUIDE_N (1 << 15)    /* 128 KiB */

struct users {
	int n;
	double s;
	double *cdf;   /* Zipf: cdf(k) for k < head; NULL: uniform */
	int head;
	double *check; /* check[j] = S(head - 1 + j TAIL_STEP), j < n_check */
	int n_check;
	double total;  /* S(n - 1) */
	int *guide;    /* [GUIDE_N + 1], or NULL */
};

static int head_search(const struct users *u, int lo, int hi, double x);
static int tail_search(const struct users *u, int lo, int hi, double x);

struct users *users_create(const struct cfg_users *cfg)
{
	struct users *u = calloc(1, sizeof *u);
	if (!u)
		return NULL;
	u->n = cfg->count > 0 ? cfg->count : 1;
	if (!(cfg->zipf_s > 0))
		return u;
	u->s = cfg->zipf_s;
	u->head = u->n < HEAD_MAX ? u->n : HEAD_MAX;
	u->n_check = u->head < u->n ? (u->n - u->head) / TAIL_STEP + 1 : 0;
	u->cdf = malloc((size_t)u->head * sizeof *u->cdf);
	u->check = malloc((size_t)(u->n_check ? u->n_check : 1) * sizeof *u->check);
	if (!u->cdf || !u->check) {
		users_destroy(u);
		return NULL;
	}
	double sum = 0;
	for (int k = 0; k < u->n; k++) {
		sum += pow(k + 1.0, -u->s);
		if (k < u->head)
			u->cdf[k] = sum;
		if (k >= u->head - 1 && (k - (u->head - 1)) % TAIL_STEP == 0 && u->n_check)
			u->check[(k - (u->head - 1)) / TAIL_STEP] = sum;
	}
	u->total = sum;
	for (int k = 0; k < u->head; k++)
		u->cdf[k] /= sum;
	if (u->head == u->n)
		u->cdf[u->n - 1] = 1.0;
	if (u->n > GUIDE_FROM) {
		int *guide = malloc((GUIDE_N + 1) * sizeof *guide);
		if (!guide) {
			users_destroy(u);
			return NULL;
		}
		/* guide[g]: what a draw of g / GUIDE_N gives, found the slow way (u has no guide
		 * yet) */
		for (int g = 0; g < GUIDE_N; g++)
			guide[g] = users_from_uniform(u, (double)g / GUIDE_N);
		guide[GUIDE_N] = u->n - 1;
		u->guide = guide;
	}
	return u;
}

void users_destroy(struct users *u)
{
	if (!u)
		return;
	free(u->cdf);
	free(u->check);
	free(u->guide);
	free(u);
}

int users_count(const struct users *u) { return u->n; }

/* cdf at tail checkpoint j (the last user's is 1). */
static double check_cdf(const struct users *u, int j)
{
	int k = u->head - 1 + j * TAIL_STEP;
	return k == u->n - 1 ? 1.0 : u->check[j] / u->total;
}

/* The smallest k in [lo, hi] with cdf[k] > x, hi < head, knowing cdf[hi] > x. */
static int head_search(const struct users *u, int lo, int hi, double x)
{
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (u->cdf[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static int ceil_div(int a, int b) { return a <= 0 ? 0 : (a + b - 1) / b; }

/* The same in the tail (lo >= head - 1, cdf[head - 1] <= x): the first checkpoint j >= 1 with
 * cdf > x among those that can hold the answer (none: it lies past the last checkpoint, at
 * most at the last user, whose cdf is 1), then the sums after checkpoint j - 1 one by one. */
static int tail_search(const struct users *u, int lo, int hi, double x)
{
	int jl = ceil_div(lo - (u->head - 1), TAIL_STEP);
	int jh = ceil_div(hi - (u->head - 1), TAIL_STEP);
	if (jl < 1)
		jl = 1;
	if (jh > u->n_check)
		jh = u->n_check;
	while (jl < jh) {
		int mid = jl + (jh - jl) / 2;
		if (check_cdf(u, mid) > x)
			jh = mid;
		else
			jl = mid + 1;
	}
	double sum = u->check[jl - 1];
	for (int k = u->head - 1 + (jl - 1) * TAIL_STEP + 1; k < u->n; k++) {
		sum += pow(k + 1.0, -u->s);
		if (k == u->n - 1 || sum / u->total > x)
			return k;
	}
	return u->n - 1; /* not reached: cdf(n - 1) = 1 > x */
}

int users_from_uniform(const struct users *u, double x)
{
	if (!u->cdf) {
		int k = (int)(x * u->n);
		return k < u->n ? k : u->n - 1;
	}
	int lo = 0, hi = u->n - 1;
	if (u->guide) {
		int g = (int)(x * GUIDE_N);
		lo = u->guide[g];
		hi = u->guide[g + 1];
		if (lo == hi)
			return lo; /* the bucket lies within one user's share */
	}
	if (hi < u->head)
		return head_search(u, lo, hi, x);
	if (lo < u->head && u->cdf[u->head - 1] > x)
		return head_search(u, lo, u->head - 1, x);
	return tail_search(u, lo > u->head - 1 ? lo : u->head - 1, hi, x);
}

int users_draw(const struct users *u, gsl_rng *r)
{
	return users_from_uniform(u, gsl_rng_uniform(r));
}
