#include "models/users.h"

#include <math.h>
#include <stdlib.h>

/* Zipf by rejection-inversion (W. Hormann and G. Derflinger, "Rejection-inversion to generate
 * variates from monotone discrete distributions", ACM TOMACS 6(3), 1996; the formulation of
 * Apache Commons RNG's RejectionInversionZipfSampler). Rank k = 1 .. n has weight h(k) = k^-s.
 * With H an antiderivative of h(x) = x^-s, a uniform u in (H(1.5) - 1, H(n + 0.5)] is inverted
 * to x = H^-1(u) and rounded to k; k is accepted when u >= H(k + 0.5) - h(k), which makes
 * P(k) proportional to h(k) exactly. The shortcut k - x <= sc accepts most draws without that
 * test (Theorem 2 of the paper: it implies the test). Acceptance is above 0.9 for every s, so
 * a draw costs about one uniform and one exp (plus a log1p when s != 1), whatever n. */
struct users {
	int n;
	double s;     /* 0: uniform */
	double h_x1;  /* H(1.5) - 1 */
	double h_n;   /* H(n + 0.5) */
	double sc;    /* the shortcut's bound, 2 - H^-1(H(2.5) - h(2)) */
};

/* log1p(x) / x and expm1(x) / x, by their series near 0 (where the division loses digits,
 * and at s = 1 exactly, where x is 0). */
static double log1p_over(double x)
{
	if (fabs(x) > 1e-8)
		return log1p(x) / x;
	return 1 - x * (0.5 - x * (1.0 / 3 - 0.25 * x));
}

static double expm1_over(double x)
{
	if (fabs(x) > 1e-8)
		return expm1(x) / x;
	return 1 + x * 0.5 * (1 + x * (1.0 / 3) * (1 + 0.25 * x));
}

/* H(x) = (x^(1-s) - 1) / (1 - s), log x at s = 1. */
static double big_h(double s, double x)
{
	double lx = log(x);
	return expm1_over((1 - s) * lx) * lx;
}

static double small_h(double s, double x) { return exp(-s * log(x)); }

static double big_h_inv(double s, double y)
{
	double t = y * (1 - s);
	if (t < -1)
		t = -1; /* rounding only: H's range keeps t >= -1 */
	return exp(log1p_over(t) * y);
}

struct users *users_create(const struct cfg_users *cfg)
{
	struct users *u = calloc(1, sizeof *u);
	if (!u)
		return NULL;
	u->n = cfg->count > 0 ? cfg->count : 1;
	if (!(cfg->zipf_s > 0))
		return u;
	double s = cfg->zipf_s;
	u->s = s;
	u->h_x1 = big_h(s, 1.5) - 1;
	u->h_n = big_h(s, u->n + 0.5);
	u->sc = 2 - big_h_inv(s, big_h(s, 2.5) - small_h(s, 2));
	return u;
}

void users_destroy(struct users *u) { free(u); }

int users_count(const struct users *u) { return u->n; }

int users_draw(const struct users *u, gsl_rng *r)
{
	if (!(u->s > 0)) {
		int k = (int)(gsl_rng_uniform(r) * u->n);
		return k < u->n ? k : u->n - 1;
	}
	for (;;) {
		/* gsl_rng_uniform is in [0, 1): v in (h_x1, h_n] */
		double v = u->h_n + gsl_rng_uniform(r) * (u->h_x1 - u->h_n);
		double x = big_h_inv(u->s, v);
		/* rounding can put x a hair outside [0.5, n + 0.5] */
		int k = x < 1.5 ? 1 : x >= u->n ? u->n : (int)(x + 0.5);
		if (k - x <= u->sc || v >= big_h(u->s, k + 0.5) - small_h(u->s, k))
			return k - 1;
	}
}
