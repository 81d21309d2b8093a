/* Tests of models/arrivals: constant-rate Poisson, thinning under profiles and bursts, trace
 * replay, and the exact rate functions.
 *
 * Kinds of test:
 * - exact: the constant-rate stream is compared bit for bit with a hand loop of
 *   dist_exp_draw on a second generator with the same seed (the draws the request
 *   workload made before this module existed); trace replay, rng states (memcmp of the GSL
 *   state: "no draws" means the state did not move), arrivals_rate and arrivals_mean_rate on
 *   hand-computed cases (the arithmetic is written next to each value; all of it is exact in
 *   binary floating point, so the comparisons are ==).
 * - statistical, fixed seeds: the number of arrivals in a window of a (non-homogeneous) Poisson
 *   process is Poisson with mean L = the integral of the rate over the window, standard
 *   deviation sqrt(L). Every window here has L >= 80, where the normal approximation is good;
 *   |N - L| > 4.5 sqrt(L) then has probability about 7e-6, so the ~60 checks of this
 *   file would all pass for a fresh seed with probability > 0.999. The bound is what a failure
 *   means: the rate in that window is wrong, not bad luck. The exponentiality check uses the
 *   same 4.5 standard deviations with the standard deviation of each statistic (given at the
 *   test). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "models/arrivals.h"
#include "sim/dist.h"
#include "models/config.h"
#include "sim/rng.h"
#include "sim/stats.h"

#define SEED 20240611u
#define Z 4.5 /* standard deviations allowed to every statistical check */

/* ------------------------------------------------------------------------------------------ */
/* Helpers                                                                                    */

struct seq {
	double *t;
	size_t n, cap;
};

static void seq_add(struct seq *s, double t)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 1024;
		double *p = realloc(s->t, cap * sizeof *p);
		assert_non_null(p);
		s->t = p;
		s->cap = cap;
	}
	s->t[s->n++] = t;
}

/* All arrivals of cfg over [0, h) from stream `stream` of SEED, checked to be non-decreasing,
 * inside [0, h), and followed by INFINITY for good (and NAN holds) without further draws. */
static struct seq run(const struct cfg_arrival *cfg, uint64_t stream, double h)
{
	gsl_rng *r = rng_stream_create(SEED, 0, stream);
	assert_non_null(r);
	struct arrivals *a = arrivals_create(cfg, r, h);
	assert_non_null(a);
	struct seq s = {0};
	double t, hold;
	while ((t = arrivals_next(a, &hold)) != INFINITY) {
		assert_true(t >= 0 && t < h);
		assert_true(s.n == 0 || t >= s.t[s.n - 1]);
		seq_add(&s, t);
	}
	assert_true(isnan(hold));
	gsl_rng *after = gsl_rng_clone(r);
	assert_non_null(after);
	for (int i = 0; i < 3; i++) {
		assert_true(arrivals_next(a, &hold) == INFINITY);
		assert_true(isnan(hold));
	}
	assert_memory_equal(gsl_rng_state(r), gsl_rng_state(after), gsl_rng_size(r));
	gsl_rng_free(after);
	arrivals_destroy(a);
	gsl_rng_free(r);
	return s;
}

static size_t count_in(const struct seq *s, double lo, double hi)
{
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		n += s->t[i] >= lo && s->t[i] < hi;
	return n;
}

/* The count in [lo, hi) is within Z Poisson standard deviations of `expected`. */
static void check_window(const struct seq *s, double lo, double hi, double expected)
{
	double n = (double)count_in(s, lo, hi);
	if (fabs(n - expected) > Z * sqrt(expected))
		fail_msg("[%g, %g): %g arrivals, expected %g +- %g", lo, hi, n, expected,
			 Z * sqrt(expected));
}

static void constant(struct cfg_arrival *c, double rate)
{
	memset(c, 0, sizeof *c);
	c->rate_per_s = rate;
}

static void add_point(struct cfg_arrival *c, double t, double rate)
{
	assert_true(c->n_profile < CFG_MAX_PROFILE);
	c->profile[c->n_profile].t_s = t;
	c->profile[c->n_profile].rate_per_s = rate;
	c->n_profile++;
}

static void add_burst(struct cfg_arrival *c, double start, double end, double factor)
{
	assert_true(c->n_bursts < CFG_MAX_BURSTS);
	c->bursts[c->n_bursts].start_s = start;
	c->bursts[c->n_bursts].end_s = end;
	c->bursts[c->n_bursts].factor = factor;
	c->n_bursts++;
}

/* No arrival, and not a single draw from the stream. */
static void check_empty_no_draws(const struct cfg_arrival *cfg, double h)
{
	gsl_rng *r = rng_stream_create(SEED, 0, 99);
	assert_non_null(r);
	gsl_rng *before = gsl_rng_clone(r);
	assert_non_null(before);
	struct arrivals *a = arrivals_create(cfg, r, h);
	assert_non_null(a);
	assert_true(arrivals_next(a, NULL) == INFINITY);
	assert_true(arrivals_next(a, NULL) == INFINITY);
	assert_memory_equal(gsl_rng_state(r), gsl_rng_state(before), gsl_rng_size(r));
	arrivals_destroy(a);
	gsl_rng_free(before);
	gsl_rng_free(r);
}

/* ------------------------------------------------------------------------------------------ */
/* Constant rate                                                                              */

/* Exactly the draws of the former request workload: t = 0; t += Exp(mean 1 / rate) while
 * t < h, the draw that crosses the horizon included (it is made, then nothing is scheduled). */
static void test_constant_matches_hand_loop(void **state)
{
	(void)state;
	struct cfg_arrival c;
	constant(&c, 50);
	const double h = 1000;
	gsl_rng *r = rng_stream_create(SEED, 3, 7);
	gsl_rng *hand = rng_stream_create(SEED, 3, 7);
	assert_non_null(r);
	assert_non_null(hand);
	struct arrivals *a = arrivals_create(&c, r, h);
	assert_non_null(a);
	size_t n = 0;
	double t = 0, hold = 0;
	for (;;) {
		t += dist_exp_draw(hand, 1.0 / c.rate_per_s);
		double got = arrivals_next(a, &hold);
		if (t >= h) {
			assert_true(got == INFINITY);
			break;
		}
		assert_true(got == t); /* bit for bit */
		assert_true(isnan(hold));
		n++;
	}
	assert_true(n > 40000); /* ~50 000 expected: the loop did run */
	/* The same number of draws: both generators are in the same state. */
	assert_memory_equal(gsl_rng_state(r), gsl_rng_state(hand), gsl_rng_size(r));
	assert_true(arrivals_next(a, NULL) == INFINITY);
	assert_memory_equal(gsl_rng_state(r), gsl_rng_state(hand), gsl_rng_size(r));
	arrivals_destroy(a);
	gsl_rng_free(hand);
	gsl_rng_free(r);
}

/* A profile that is flat over the horizon (one point, or points at the same rate; a burst of
 * factor 1) keeps every candidate without a uniform draw, so it is the constant-rate stream. */
static void test_flat_profile_is_constant(void **state)
{
	(void)state;
	struct cfg_arrival base, one, two;
	constant(&base, 50);
	constant(&one, 999); /* ignored with a profile */
	add_point(&one, 0, 50);
	constant(&two, 0);
	add_point(&two, 0, 50);
	add_point(&two, 100, 50);
	add_burst(&two, 200, 300, 1);
	struct seq s0 = run(&base, 5, 500), s1 = run(&one, 5, 500), s2 = run(&two, 5, 500);
	assert_true(s0.n > 20000);
	assert_int_equal(s0.n, s1.n);
	assert_int_equal(s0.n, s2.n);
	assert_memory_equal(s0.t, s1.t, s0.n * sizeof *s0.t);
	assert_memory_equal(s0.t, s2.t, s0.n * sizeof *s0.t);
	free(s0.t);
	free(s1.t);
	free(s2.t);
}

/* The peak is the max of the rate over [0, horizon) only: a higher rate at or after the
 * horizon (profile step, periodic step, burst) leaves the process flat at 50/s, hence the
 * constant-rate stream. A peak taken over the whole profile would thin at 1000/s instead. */
static void test_peak_over_horizon_only(void **state)
{
	(void)state;
	const double h = 100;
	struct cfg_arrival base, later, periodic, burst;
	constant(&base, 50);
	constant(&later, 0);
	add_point(&later, 0, 50);
	add_point(&later, 100, 1000);
	constant(&periodic, 0);
	add_point(&periodic, 0, 50);
	add_point(&periodic, 150, 1000);
	periodic.profile_period_s = 200;
	constant(&burst, 50);
	add_burst(&burst, 100, 200, 20);
	struct seq s0 = run(&base, 6, h);
	const struct cfg_arrival *cs[] = {&later, &periodic, &burst};
	for (int i = 0; i < 3; i++) {
		struct seq s = run(cs[i], 6, h);
		assert_int_equal(s.n, s0.n);
		assert_memory_equal(s.t, s0.t, s0.n * sizeof *s0.t);
		free(s.t);
	}
	free(s0.t);
}

/* Inter-arrival times at rate 2/s over 50 000 s (n ~ 100 000 gaps, the first from 0). For
 * Exp(mean m): sd of the sample mean m / sqrt(n); the fraction of gaps above m is binomial with
 * p = e^-1, sd sqrt(p (1 - p) / n); the sample variance has sd sqrt((mu4 - m^4) / n) =
 * sqrt(8 / n) m^2 (fourth central moment 9 m^4). Using the true mean m as the threshold keeps
 * the fraction exactly binomial. */
static void test_constant_gaps_exponential(void **state)
{
	(void)state;
	struct cfg_arrival c;
	constant(&c, 2);
	struct seq s = run(&c, 11, 50000);
	const double m = 0.5, p = exp(-1);
	struct tally gaps;
	tally_init(&gaps);
	size_t above = 0;
	for (size_t i = 0; i < s.n; i++) {
		double g = s.t[i] - (i ? s.t[i - 1] : 0);
		tally_add(&gaps, g);
		above += g > m;
	}
	double n = (double)gaps.n;
	assert_true(n > 90000);
	assert_true(fabs(tally_mean(&gaps) - m) <= Z * m / sqrt(n));
	assert_true(fabs((double)above / n - p) <= Z * sqrt(p * (1 - p) / n));
	assert_true(fabs(tally_var(&gaps) - m * m) <= Z * sqrt(8 / n) * m * m);
	/* And the count over the horizon: Poisson(100 000). */
	check_window(&s, 0, 50000, 100000);
	free(s.t);
}

/* ------------------------------------------------------------------------------------------ */
/* Profiles and bursts (thinning)                                                             */

/* Steps of 300 s at 20, 80, 5, 40 /s: expected counts rate x 300 per step. */
static void test_step_profile_counts(void **state)
{
	(void)state;
	struct cfg_arrival c;
	constant(&c, 0);
	add_point(&c, 0, 20);
	add_point(&c, 300, 80);
	add_point(&c, 600, 5);
	add_point(&c, 900, 40);
	struct seq s = run(&c, 21, 1200);
	check_window(&s, 0, 300, 6000);
	check_window(&s, 300, 600, 24000);
	check_window(&s, 600, 900, 1500);
	check_window(&s, 900, 1200, 12000);
	check_window(&s, 0, 1200, 43500);
	assert_true(arrivals_mean_rate(&c, 1200) == 43500.0 / 1200);
	free(s.t);
}

/* Period 100 s: 10/s on [0, 30), 50/s on [30, 60), 2/s on [60, 100), over 10 periods. Per
 * period and step: 300, 1500, 80 expected; over all periods 3000, 15000, 800. Holding the last
 * rate after the first period instead of repeating would put ~18 000 fewer arrivals in. */
static void test_periodic_profile(void **state)
{
	(void)state;
	struct cfg_arrival c;
	constant(&c, 0);
	add_point(&c, 0, 10);
	add_point(&c, 30, 50);
	add_point(&c, 60, 2);
	c.profile_period_s = 100;
	struct seq s = run(&c, 22, 1000);
	for (int k = 0; k < 10; k++) {
		double t0 = 100.0 * k;
		check_window(&s, t0, t0 + 30, 300);
		check_window(&s, t0 + 30, t0 + 60, 1500);
		check_window(&s, t0 + 60, t0 + 100, 80);
	}
	size_t by_step[3] = {0, 0, 0};
	for (size_t i = 0; i < s.n; i++) {
		double ph = fmod(s.t[i], 100);
		by_step[ph < 30 ? 0 : ph < 60 ? 1 : 2]++;
	}
	const double want[3] = {3000, 15000, 800};
	for (int j = 0; j < 3; j++)
		assert_true(fabs((double)by_step[j] - want[j]) <= Z * sqrt(want[j]));
	assert_true(arrivals_mean_rate(&c, 1000) == 18.8); /* 18 800 / 1000 */
	free(s.t);
}

/* Base 10/s; bursts x5 on [200, 300) and x2 on [250, 280) (overlap: x10). Expected counts:
 * [0,200) 10x200, [200,250) 50x50, [250,280) 100x30, [280,300) 50x20, [300,500) 10x200. */
static void test_bursts_multiply(void **state)
{
	(void)state;
	struct cfg_arrival c;
	constant(&c, 10);
	add_burst(&c, 200, 300, 5);
	add_burst(&c, 250, 280, 2);
	struct seq s = run(&c, 23, 500);
	check_window(&s, 0, 200, 2000);
	check_window(&s, 200, 250, 2500);
	check_window(&s, 250, 280, 3000);
	check_window(&s, 280, 300, 1000);
	check_window(&s, 300, 500, 2000);
	free(s.t);
}

/* The peak is the max of profile x bursts, not of the profile alone: here a x20 burst sits on
 * the 5/s step (100/s) while the profile's max is 40/s. A peak of 40 would put ~6 000 instead
 * of 10 000 arrivals into [200, 300). Expected: 10x100, 40x100, 100x100, 5x100. */
static void test_burst_on_profile_peak(void **state)
{
	(void)state;
	struct cfg_arrival c;
	constant(&c, 0);
	add_point(&c, 0, 10);
	add_point(&c, 100, 40);
	add_point(&c, 200, 5);
	add_burst(&c, 200, 300, 20);
	struct seq s = run(&c, 24, 400);
	check_window(&s, 0, 100, 1000);
	check_window(&s, 100, 200, 4000);
	check_window(&s, 200, 300, 10000);
	check_window(&s, 300, 400, 500);
	free(s.t);

	/* A burst piece that wraps around the period: x0.1 on [0, 95) of a period-100 profile
	 * 50/s on [0, 10), 5/s after. The piece [95, 150) covers phases 95..100 and 0..50, so its
	 * max (50/s, on [100, 110)) comes from the wrapped part; missing it would make the peak
	 * 5/s and leave ~50 instead of 500 arrivals there. Expected: 50x10, 5x40. */
	constant(&c, 0);
	add_point(&c, 0, 50);
	add_point(&c, 10, 5);
	c.profile_period_s = 100;
	add_burst(&c, 0, 95, 0.1);
	s = run(&c, 28, 150);
	check_window(&s, 100, 110, 500);
	check_window(&s, 110, 150, 200);
	free(s.t);
}

/* 30/s, then 0 on [100, 200), then 30/s; a x4 burst on [150, 250) leaves the zero window at 0
 * and makes [200, 250) 120/s. */
static void test_rate_zero_window(void **state)
{
	(void)state;
	struct cfg_arrival c;
	constant(&c, 0);
	add_point(&c, 0, 30);
	add_point(&c, 100, 0);
	add_point(&c, 200, 30);
	add_burst(&c, 150, 250, 4);
	struct seq s = run(&c, 25, 300);
	assert_int_equal(count_in(&s, 100, 200), 0);
	check_window(&s, 0, 100, 3000);
	check_window(&s, 200, 250, 6000);
	check_window(&s, 250, 300, 1500);
	free(s.t);
}

/* Peak 0 over the horizon: no arrival and no draw, even when the rate is positive later. */
static void test_zero_peak_no_draws(void **state)
{
	(void)state;
	struct cfg_arrival c;
	constant(&c, 0);
	check_empty_no_draws(&c, 1000); /* constant rate 0 */
	add_burst(&c, 0, 100, 5);       /* 5 x 0 */
	check_empty_no_draws(&c, 1000);
	constant(&c, 0);
	add_point(&c, 0, 0);
	add_point(&c, 100, 50);
	check_empty_no_draws(&c, 100); /* 50/s starts exactly at the horizon */
	constant(&c, 10);
	add_burst(&c, 0, 10, 2);
	check_empty_no_draws(&c, 0); /* empty horizon */
}

/* Every arrival is < h and INFINITY follows for good (run() checks both). With a peak that
 * does not depend on the horizon (40/s on [100, 200) inside both), the process cut at 250 s is
 * exactly the prefix of the one cut at 400 s: the cut removes arrivals, it moves none. */
static void test_horizon_cut(void **state)
{
	(void)state;
	struct cfg_arrival c;
	constant(&c, 0);
	add_point(&c, 0, 10);
	add_point(&c, 100, 40);
	add_point(&c, 200, 5);
	struct seq s_long = run(&c, 26, 400), s_short = run(&c, 26, 250);
	assert_true(s_short.n > 0 && s_short.n < s_long.n);
	assert_int_equal(s_short.n, count_in(&s_long, 0, 250));
	assert_memory_equal(s_short.t, s_long.t, s_short.n * sizeof *s_short.t);
	free(s_long.t);
	free(s_short.t);

	/* The constant rate: the same prefix property, and a cut at a non-round time. */
	constant(&c, 3);
	s_long = run(&c, 27, 100);
	s_short = run(&c, 27, 37.25);
	assert_int_equal(s_short.n, count_in(&s_long, 0, 37.25));
	assert_memory_equal(s_short.t, s_long.t, s_short.n * sizeof *s_short.t);
	free(s_long.t);
	free(s_short.t);
}

/* Same seed, same arrivals; another stream, other arrivals. */
static void test_determinism(void **state)
{
	(void)state;
	struct cfg_arrival c;
	constant(&c, 0);
	add_point(&c, 0, 10);
	add_point(&c, 30, 50);
	add_point(&c, 60, 2);
	c.profile_period_s = 100;
	add_burst(&c, 120, 150, 3);
	struct seq a = run(&c, 30, 300), b = run(&c, 30, 300), d = run(&c, 31, 300);
	assert_int_equal(a.n, b.n);
	assert_memory_equal(a.t, b.t, a.n * sizeof *a.t);
	assert_true(a.n != d.n || memcmp(a.t, d.t, a.n * sizeof *a.t) != 0);
	free(a.t);
	free(b.t);
	free(d.t);
}

/* ------------------------------------------------------------------------------------------ */
/* Trace replay                                                                               */

static void test_trace_replay(void **state)
{
	(void)state;
	/* Repeated timestamps are separate requests. 10 is not < 10: the horizon drops it. */
	static const double times[] = {0, 0.5, 0.5, 2, 7, 10, 12};
	static const double holds[] = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7};
	struct cfg_arrival c;
	constant(&c, 50); /* ignored: the trace wins */
	add_point(&c, 0, 5);
	c.trace_n = 7;
	c.trace_t = times;
	c.trace_hold = holds;

	gsl_rng *r = rng_stream_create(SEED, 0, 40);
	assert_non_null(r);
	gsl_rng *before = gsl_rng_clone(r);
	assert_non_null(before);
	struct arrivals *a = arrivals_create(&c, r, 10);
	assert_non_null(a);
	double hold;
	for (int i = 0; i < 5; i++) {
		assert_true(arrivals_next(a, &hold) == times[i]);
		assert_true(hold == holds[i]);
	}
	assert_true(arrivals_next(a, &hold) == INFINITY);
	assert_true(isnan(hold));
	assert_true(arrivals_next(a, NULL) == INFINITY);
	arrivals_destroy(a);

	/* Without holds: NAN; hold_s may be NULL; a horizon past the end gives every time. */
	c.trace_hold = NULL;
	a = arrivals_create(&c, r, 12.5);
	assert_non_null(a);
	for (int i = 0; i < 7; i++) {
		assert_true(arrivals_next(a, i % 2 ? NULL : &hold) == times[i]);
		if (i % 2 == 0)
			assert_true(isnan(hold));
	}
	assert_true(arrivals_next(a, &hold) == INFINITY);
	arrivals_destroy(a);

	assert_memory_equal(gsl_rng_state(r), gsl_rng_state(before), gsl_rng_size(r));
	gsl_rng_free(before);
	gsl_rng_free(r);

	/* Rates: undefined pointwise; the mean is the count below the horizon over it. */
	assert_true(isnan(arrivals_rate(&c, 1)));
	assert_true(arrivals_mean_rate(&c, 10) == 0.5);   /* 5 / 10 */
	assert_true(arrivals_mean_rate(&c, 0.5) == 2.0);  /* 1 / 0.5: only t = 0 */
	assert_true(arrivals_mean_rate(&c, 100) == 0.07); /* 7 / 100 */
}

/* ------------------------------------------------------------------------------------------ */
/* arrivals_rate, arrivals_mean_rate                                                          */

static void test_rate_hand(void **state)
{
	(void)state;
	struct cfg_arrival c;
	constant(&c, 7);
	assert_true(arrivals_rate(&c, 0) == 7);
	assert_true(arrivals_rate(&c, 1e6) == 7);

	/* Not periodic: the last rate holds. */
	constant(&c, 999);
	add_point(&c, 0, 10);
	add_point(&c, 100, 20);
	add_point(&c, 250, 0);
	assert_true(arrivals_rate(&c, 0) == 10);
	assert_true(arrivals_rate(&c, 99.999) == 10);
	assert_true(arrivals_rate(&c, 100) == 20);
	assert_true(arrivals_rate(&c, 249.5) == 20);
	assert_true(arrivals_rate(&c, 250) == 0);
	assert_true(arrivals_rate(&c, 1e6) == 0);

	/* Periodic: t modulo the period; bursts in absolute time, end excluded. */
	constant(&c, 0);
	add_point(&c, 0, 10);
	add_point(&c, 30, 50);
	add_point(&c, 60, 2);
	c.profile_period_s = 100;
	add_burst(&c, 150, 160, 2);
	assert_true(arrivals_rate(&c, 99) == 2);
	assert_true(arrivals_rate(&c, 100) == 10);
	assert_true(arrivals_rate(&c, 130) == 50);
	assert_true(arrivals_rate(&c, 55) == 50);
	assert_true(arrivals_rate(&c, 155) == 100); /* 2 x 50 */
	assert_true(arrivals_rate(&c, 160) == 2);   /* burst over; phase 60 */
	assert_true(arrivals_rate(&c, 1000030) == 50);

	/* Overlapping bursts multiply. */
	constant(&c, 10);
	add_burst(&c, 10, 20, 3);
	add_burst(&c, 15, 30, 2);
	assert_true(arrivals_rate(&c, 9.5) == 10);
	assert_true(arrivals_rate(&c, 10) == 30);
	assert_true(arrivals_rate(&c, 15) == 60);
	assert_true(arrivals_rate(&c, 20) == 20);
	assert_true(arrivals_rate(&c, 30) == 10);
}

static void test_mean_rate_hand(void **state)
{
	(void)state;
	struct cfg_arrival c;
	constant(&c, 7);
	assert_true(arrivals_mean_rate(&c, 3) == 7);

	constant(&c, 0);
	add_point(&c, 0, 10);
	add_point(&c, 100, 20);
	add_point(&c, 250, 0);
	assert_true(arrivals_mean_rate(&c, 50) == 10);
	assert_true(arrivals_mean_rate(&c, 200) == 15);  /* (10x100 + 20x100) / 200 */
	assert_true(arrivals_mean_rate(&c, 500) == 8);   /* (1000 + 20x150 + 0x250) / 500 */

	/* Periodic: one period 10x30 + 50x30 + 2x40 = 1880. */
	constant(&c, 0);
	add_point(&c, 0, 10);
	add_point(&c, 30, 50);
	add_point(&c, 60, 2);
	c.profile_period_s = 100;
	assert_true(arrivals_mean_rate(&c, 100) == 18.8);
	assert_true(arrivals_mean_rate(&c, 150) == 3180.0 / 150); /* 1880 + 300 + 50x20 */
	assert_true(arrivals_mean_rate(&c, 1000) == 18.8);
	/* Just below a whole number of periods: 3 periods less 2 s at 2/s. */
	assert_true(fabs(arrivals_mean_rate(&c, 298) - (3 * 1880.0 - 4) / 298) < 1e-12);
	/* A period that is not a binary fraction: 1.7 = 16 x 0.1 + 0.0999... in binary, while
	 * 1.7 / 0.1 rounds to 17; counting 17 whole periods plus that phase would add a period.
	 * One period: 10x0.05 + 30x0.05 = 2; over ~17 periods ~34, mean ~20 (not exact in
	 * binary, hence the tolerance). */
	constant(&c, 0);
	add_point(&c, 0, 10);
	add_point(&c, 0.05, 30);
	c.profile_period_s = 0.1;
	assert_true(fabs(arrivals_mean_rate(&c, 1.7) - 20) < 1e-9);

	constant(&c, 0);
	add_point(&c, 0, 10);
	add_point(&c, 30, 50);
	add_point(&c, 60, 2);
	c.profile_period_s = 100;
	/* Bursts on it: x2 on [150, 160) (phase 50..60, 50/s: +500); x3 on [180, 400), cut at
	 * the horizon 200 (phase 80..100, 2/s: +2x2x20 = +80). 2x1880 + 500 + 80 = 4340. */
	add_burst(&c, 150, 160, 2);
	add_burst(&c, 180, 400, 3);
	assert_true(arrivals_mean_rate(&c, 200) == 4340.0 / 200);

	/* Overlapping bursts on a constant 10/s over 40 s:
	 * 10x10 + 30x5 + 60x5 + 20x10 + 10x10 = 850. A burst starting before 0 counts from 0. */
	constant(&c, 10);
	add_burst(&c, 10, 20, 3);
	add_burst(&c, 15, 30, 2);
	assert_true(arrivals_mean_rate(&c, 40) == 850.0 / 40);
	add_burst(&c, -5, 2, 4); /* + 3 x 10 x 2 = 60 */
	assert_true(arrivals_mean_rate(&c, 40) == 910.0 / 40);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_constant_matches_hand_loop),
		cmocka_unit_test(test_flat_profile_is_constant),
		cmocka_unit_test(test_peak_over_horizon_only),
		cmocka_unit_test(test_constant_gaps_exponential),
		cmocka_unit_test(test_step_profile_counts),
		cmocka_unit_test(test_periodic_profile),
		cmocka_unit_test(test_bursts_multiply),
		cmocka_unit_test(test_burst_on_profile_peak),
		cmocka_unit_test(test_rate_zero_window),
		cmocka_unit_test(test_zero_peak_no_draws),
		cmocka_unit_test(test_horizon_cut),
		cmocka_unit_test(test_determinism),
		cmocka_unit_test(test_trace_replay),
		cmocka_unit_test(test_rate_hand),
		cmocka_unit_test(test_mean_rate_hand),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
