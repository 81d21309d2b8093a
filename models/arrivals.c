/* Arrival processes: constant-rate Poisson, thinned non-homogeneous Poisson, trace replay.
 *
 * The rate is piecewise constant in time: it changes only at profile points (repeated every
 * period when the profile is periodic) and at burst edges. Everything exact here (the peak used
 * for thinning, the mean rate) is computed from those breakpoints, never by sampling: the burst
 * edges cut [0, horizon) into pieces on which the burst factor is constant, and on each piece
 * the profile's maximum or integral is read off its points. */
#include "models/arrivals.h"

#include "sim/dist.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <gsl/gsl_randist.h>

enum mode {
	MODE_CONSTANT, /* homogeneous Poisson: one exponential draw per arrival */
	MODE_THINNING, /* candidates at the peak rate, kept with probability rate / peak */
	MODE_TRACE,    /* replay; no draws */
	MODE_DONE      /* nothing more before the horizon */
};

struct arrivals {
	const struct cfg_arrival *cfg;
	gsl_rng *rng;
	double horizon_s;
	enum mode mode;
	double t_s;        /* the last arrival returned (thinning: also the last candidate) */
	double mean_gap_s; /* constant: 1 / rate; thinning: 1 / peak */
	double peak_per_s; /* thinning: max of the rate over [0, horizon) */
	double end_s;      /* thinning: no rate > 0 from here to the horizon (or the horizon) */
	size_t next;       /* trace: index of the next arrival */
};

#define MAX_CUTS (2 * CFG_MAX_BURSTS + 2)

/* The invariants the scenario loader guarantees; a violation is a bug, not bad input. Written
 * without locals so that NDEBUG leaves nothing unused. */
static void check_cfg(const struct cfg_arrival *c)
{
	assert(c->n_profile >= 0 && c->n_profile <= CFG_MAX_PROFILE);
	assert(c->n_bursts >= 0 && c->n_bursts <= CFG_MAX_BURSTS);
	assert(c->profile_period_s >= 0 && isfinite(c->profile_period_s));
	if (c->n_profile == 0)
		assert(c->rate_per_s >= 0 && isfinite(c->rate_per_s));
	for (int i = 0; i < c->n_profile; i++) {
		assert(i == 0 ? c->profile[0].t_s == 0 : c->profile[i].t_s > c->profile[i - 1].t_s);
		/* A point at or after the period would never apply. */
		assert(c->profile_period_s == 0 || c->profile[i].t_s < c->profile_period_s);
		assert(c->profile[i].rate_per_s >= 0 && isfinite(c->profile[i].rate_per_s));
	}
	for (int i = 0; i < c->n_bursts; i++) {
		assert(c->bursts[i].start_s <= c->bursts[i].end_s);
		assert(c->bursts[i].factor > 0 && isfinite(c->bursts[i].factor));
	}
}

/* The profile's rate at t >= 0 (the base rate without a profile). */
static double profile_rate(const struct cfg_arrival *c, double t)
{
	if (c->n_profile == 0)
		return c->rate_per_s;
	if (c->profile_period_s > 0)
		t = fmod(t, c->profile_period_s);
	/* The last point with t_s <= t; profile[0].t_s == 0 <= t, so lo always qualifies. */
	int lo = 0, hi = c->n_profile;
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;
		if (c->profile[mid].t_s <= t)
			lo = mid;
		else
			hi = mid;
	}
	return c->profile[lo].rate_per_s;
}

/* The product of the factors of the bursts containing t (bursts are in absolute time: they do
 * not repeat with the profile). */
static double burst_factor(const struct cfg_arrival *c, double t)
{
	double f = 1;
	for (int i = 0; i < c->n_bursts; i++)
		if (c->bursts[i].start_s <= t && t < c->bursts[i].end_s)
			f *= c->bursts[i].factor;
	return f;
}

static double rate_at(const struct cfg_arrival *c, double t)
{
	return profile_rate(c, t) * burst_factor(c, t);
}

/* End of profile segment i: the next point, or the period (or never) for the last one. */
static double segment_end(const struct cfg_arrival *c, int i)
{
	if (i + 1 < c->n_profile)
		return c->profile[i + 1].t_s;
	return c->profile_period_s > 0 ? c->profile_period_s : INFINITY;
}

/* The largest profile rate on the phase window [x, y) (x < y) of the first period, or of the
 * time line when the profile does not repeat. */
static double profile_max_phase(const struct cfg_arrival *c, double x, double y)
{
	double m = 0;
	for (int i = 0; i < c->n_profile; i++)
		if (c->profile[i].t_s < y && segment_end(c, i) > x && c->profile[i].rate_per_s > m)
			m = c->profile[i].rate_per_s;
	return m;
}

/* The largest profile rate on the absolute window [a, b), 0 <= a < b. */
static double profile_max(const struct cfg_arrival *c, double a, double b)
{
	if (c->n_profile == 0)
		return c->rate_per_s;
	double p = c->profile_period_s;
	if (p == 0)
		return profile_max_phase(c, a, b);
	if (b - a >= p)
		return profile_max_phase(c, 0, p);
	double x = fmod(a, p), y = x + (b - a);
	if (y <= p)
		return profile_max_phase(c, x, y);
	/* The window wraps once around the end of the period. */
	return fmax(profile_max_phase(c, x, p), profile_max_phase(c, 0, y - p));
}

/* The profile's integral over [0, x) of the first period (or of the time line). */
static double profile_area_phase(const struct cfg_arrival *c, double x)
{
	double s = 0;
	for (int i = 0; i < c->n_profile && c->profile[i].t_s < x; i++)
		s += c->profile[i].rate_per_s * (fmin(segment_end(c, i), x) - c->profile[i].t_s);
	return s;
}

/* The profile's integral over [0, t), t finite. */
static double profile_area(const struct cfg_arrival *c, double t)
{
	if (c->n_profile == 0)
		return c->rate_per_s * t;
	double p = c->profile_period_s;
	if (p == 0)
		return profile_area_phase(c, t);
	/* Whole periods plus the phase. The count comes from the exact remainder rather than
	 * floor(t / p), which can round up just below a multiple of p and count a period twice. */
	double x = fmod(t, p);
	double k = round((t - x) / p);
	return k * profile_area_phase(c, p) + profile_area_phase(c, x);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

/* Cut [0, h) at every burst edge inside it: sorted, distinct points from 0 to h, between which
 * the burst factor is constant. Returns their number (1 when h == 0: no piece). */
static int burst_cuts(const struct cfg_arrival *c, double h, double cuts[MAX_CUTS])
{
	int n = 0;
	cuts[n++] = 0;
	cuts[n++] = h;
	for (int i = 0; i < c->n_bursts; i++) {
		if (c->bursts[i].start_s > 0 && c->bursts[i].start_s < h)
			cuts[n++] = c->bursts[i].start_s;
		if (c->bursts[i].end_s > 0 && c->bursts[i].end_s < h)
			cuts[n++] = c->bursts[i].end_s;
	}
	qsort(cuts, (size_t)n, sizeof cuts[0], cmp_double);
	int m = 1;
	for (int i = 1; i < n; i++)
		if (cuts[i] != cuts[m - 1])
			cuts[m++] = cuts[i];
	return m;
}

/* max of rate(t) over [0, h): over each burst piece, its factor times the profile's max. */
static double peak_rate(const struct cfg_arrival *c, double h)
{
	double cuts[MAX_CUTS];
	int n = burst_cuts(c, h, cuts);
	double peak = 0;
	for (int i = 0; i + 1 < n; i++) {
		double r = burst_factor(c, cuts[i]) * profile_max(c, cuts[i], cuts[i + 1]);
		if (r > peak)
			peak = r;
	}
	return peak;
}

/* The end of the last stretch with a rate > 0 before h: a profile that does not repeat and
 * ends at rate 0 has nothing to thin after its last point with a rate (bursts only multiply
 * the rate, so they cannot revive it). h otherwise. */
static double active_end(const struct cfg_arrival *c, double h)
{
	if (c->n_profile == 0 || c->profile_period_s > 0 ||
	    c->profile[c->n_profile - 1].rate_per_s > 0)
		return h;
	int i = c->n_profile - 1;
	while (i > 0 && c->profile[i - 1].rate_per_s == 0)
		i--;
	return fmin(h, c->profile[i].t_s);
}

struct arrivals *arrivals_create(const struct cfg_arrival *cfg, gsl_rng *rng, double horizon_s)
{
	assert(cfg);
	assert(horizon_s >= 0); /* also rejects NAN */
	check_cfg(cfg);
	struct arrivals *a = calloc(1, sizeof *a);
	if (!a)
		return NULL;
	a->cfg = cfg;
	a->rng = rng;
	a->horizon_s = horizon_s;
	a->t_s = 0;
	if (cfg->trace_n > 0) {
		assert(cfg->trace_t);
		/* Non-decreasing rather than strictly ascending: logged timestamps repeat at their
		 * resolution, and each line is a request. */
		for (size_t i = 0; i < cfg->trace_n; i++)
			assert(cfg->trace_t[i] >= (i ? cfg->trace_t[i - 1] : 0));
		a->mode = MODE_TRACE;
	} else if (cfg->n_profile == 0 && cfg->n_bursts == 0) {
		assert(rng);
		/* The very expression the request workload used before this module existed, so
		 * results from then reproduce bit for bit. */
		a->mode = cfg->rate_per_s > 0 ? MODE_CONSTANT : MODE_DONE;
		a->mean_gap_s = cfg->rate_per_s > 0 ? 1.0 / cfg->rate_per_s : INFINITY;
	} else {
		assert(rng);
		a->peak_per_s = peak_rate(cfg, horizon_s);
		a->end_s = active_end(cfg, horizon_s);
		a->mode = a->peak_per_s > 0 ? MODE_THINNING : MODE_DONE;
		a->mean_gap_s = a->peak_per_s > 0 ? 1.0 / a->peak_per_s : INFINITY;
	}
	return a;
}

void arrivals_destroy(struct arrivals *a)
{
	free(a);
}

double arrivals_next(struct arrivals *a, double *hold_s)
{
	const struct cfg_arrival *c = a->cfg;
	if (hold_s)
		*hold_s = NAN;
	switch (a->mode) {
	case MODE_CONSTANT:
		a->t_s += dist_exp_draw(a->rng, a->mean_gap_s);
		if (a->t_s < a->horizon_s)
			return a->t_s;
		break;
	case MODE_THINNING:
		for (;;) {
			a->t_s += dist_exp_draw(a->rng, a->mean_gap_s);
			/* Past end_s every candidate would be rejected: stopping there returns the
			 * same arrivals and makes the run time follow them, not the horizon (a
			 * profile that ends at 0 under a horizon of 1e9 s). */
			if (!(a->t_s < a->end_s))
				break;
			double r = rate_at(c, a->t_s);
			/* Where the rate is the peak the candidate is kept without a uniform draw: the
			 * acceptance is certain anyway, and so a flat profile gives exactly the
			 * constant-rate stream. (r can exceed the peak only by rounding at a breakpoint
			 * sliver; it is then kept, which is the best that can be done.) */
			if (r >= a->peak_per_s || gsl_rng_uniform(a->rng) < r / a->peak_per_s)
				return a->t_s;
		}
		break;
	case MODE_TRACE:
		if (a->next < c->trace_n && c->trace_t[a->next] < a->horizon_s) {
			size_t i = a->next++;
			if (hold_s && c->trace_hold)
				*hold_s = c->trace_hold[i];
			a->t_s = c->trace_t[i];
			return a->t_s;
		}
		break;
	case MODE_DONE:
		return INFINITY;
	}
	a->mode = MODE_DONE;
	return INFINITY;
}

double arrivals_rate(const struct cfg_arrival *cfg, double t)
{
	assert(t >= 0);
	check_cfg(cfg);
	if (cfg->trace_n > 0)
		return NAN;
	return rate_at(cfg, t);
}

double arrivals_expected_steps(const struct cfg_arrival *cfg, double horizon_s)
{
	check_cfg(cfg);
	if (cfg->trace_n > 0) {
		size_t n = 0;
		for (size_t i = 0; i < cfg->trace_n; i++)
			n += cfg->trace_t[i] < horizon_s;
		return (double)n;
	}
	if (cfg->n_profile == 0 && cfg->n_bursts == 0)
		return cfg->rate_per_s * horizon_s;
	return peak_rate(cfg, horizon_s) * active_end(cfg, horizon_s);
}

double arrivals_mean_rate(const struct cfg_arrival *cfg, double horizon_s)
{
	assert(horizon_s > 0 && isfinite(horizon_s));
	check_cfg(cfg);
	if (cfg->trace_n > 0) {
		size_t n = 0;
		for (size_t i = 0; i < cfg->trace_n; i++)
			n += cfg->trace_t[i] < horizon_s;
		return (double)n / horizon_s;
	}
	double cuts[MAX_CUTS];
	int n = burst_cuts(cfg, horizon_s, cuts);
	double area = 0;
	for (int i = 0; i + 1 < n; i++)
		area += burst_factor(cfg, cuts[i]) *
			(profile_area(cfg, cuts[i + 1]) - profile_area(cfg, cuts[i]));
	return area / horizon_s;
}
