/* Worst windows: the failure rate and the p99 wait in the worst stretch of fixed length, the
 * minutes that page someone, which a whole-run average hides (a batch that exhausts the pool for
 * five minutes of a six-hour run barely moves the run's timeout rate).
 *
 * Windows slide in steps of one second over [start, end] (the observation period, warm-up
 * excluded); a window's requests are those whose outcome happened in it: the end of the
 * transaction (served, with the wait it had before holding a connection; or cancelled by
 * lock_timeout or statement_timeout; or answered after the client gave up) or a final failure
 * before it (a pool or PgBouncer timeout, a refusal). That is when a monitoring system sees
 * them (a request counted served when it got its connection but cancelled later would make a
 * window look better than the truth), and it keeps memory bounded: outcomes come in time order, so a ring of one-second bins
 * as long as the longest window is all there is to keep, whatever the simulated time. Each bin
 * holds its outcome counts and a histogram of served waits (16 buckets an octave from 0.1 ms
 * to 10^4 s, zero exact: a quantile read off it is within 2.2 % of the true value, and never
 * above the longest served wait of the period). Window
 * lengths are whole seconds (at least 1). When the period is shorter than a window, that
 * window is the whole period.
 *
 * The worst failure-rate window and the worst p99 window are found separately; ties go to the
 * earliest. A window without outcomes has no failure rate and no p99 and is never the worst.
 *
 * Not here: choosing the lengths (the scenario, `slo.WORKLOAD.window`); estimates over
 * replications (models/summary.h). No I/O. */
#ifndef POOLTIDE_WINDOW_H
#define POOLTIDE_WINDOW_H

#include <stdbool.h>

#include "models/config.h"

#define WINDOW_MAX CFG_MAX_WINDOWS /* window lengths per workload */

struct window_result {
	double length_s;        /* the window length (whole seconds) */
	double failure_rate;    /* worst window's failed / outcomes; NAN: no outcome at all */
	double failure_start_s; /* its start (simulated time); NAN with it */
	/* The worst failure-rate window's counts: failure_rate = failed / outcomes (0 and 0
	 * with a NAN rate). Kept because a rate read off a handful of requests says little,
	 * and the estimate over replications widens by them (models/summary.c). */
	double failed, outcomes;
	double wait_p99;        /* worst window's p99 of served waits; NAN: nothing served */
	double wait_start_s;    /* its start; NAN with it */
};

struct windows;

/* Trackers for n (1..WINDOW_MAX) lengths over the period [start_s, end_s]; NULL when out of
 * memory. Lengths are rounded to whole seconds, at least 1. */
struct windows *windows_create(const double *lengths_s, int n, double start_s, double end_s);
void windows_destroy(struct windows *w);

/* One outcome at time t (non-decreasing from call to call): failed, or served after waiting
 * wait_s. Outcomes outside [start_s, end_s) are ignored. */
void windows_add(struct windows *w, double t, bool failed, double wait_s);

/* The histogram bucket of a served wait (0: zero, 1: below 0.1 ms, then 16 an octave, the
 * last the overflow): exported for tests/test_window.c, which checks it against its formula. */
int windows_bucket(const struct windows *w, double wait_s);

/* Close the period and fill out[0 .. n-1] in the order of the lengths given. Call once. */
void windows_finish(struct windows *w, struct window_result *out);

#endif
