/* Discrete-event engine: the simulated clock and the future-event set.
 *
 * Events are ordered totally by (time, priority, insertion sequence): lower priority values run
 * first at the same instant, and ties on both run in the order they were scheduled. Never by
 * pointer or heap position, so a run is reproducible bit for bit. Events live in a slab that is
 * recycled through a free list, so the hot loop does not call malloc once the slab has grown to
 * the peak number of pending events. Cancel is O(log n) by handle; a stale handle (the event has
 * run or was cancelled) is detected by a generation counter and ignored.
 *
 * Not here: anything about pools or requests, any I/O. The engine owns the clock; scheduling in
 * the past is an assertion failure. */
#ifndef POOLTIDE_ENGINE_H
#define POOLTIDE_ENGINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct sim;

/* An event handler: `obj` and `arg` are what was given to sim_schedule_*. */
typedef void (*sim_event_fn)(struct sim *sim, void *obj, uint64_t arg);

/* Handle of a scheduled event; SIM_NO_EVENT never names one. */
typedef uint64_t sim_handle;
#define SIM_NO_EVENT ((sim_handle)0)

/* Largest priority value accepted (priorities are 0..SIM_PRIO_MAX). */
#define SIM_PRIO_MAX 255

/* A new engine at time 0 with no events; NULL when out of memory. */
struct sim *sim_create(void);
void sim_destroy(struct sim *sim);

/* The clock is the first member of struct sim, so that sim_now, called by every handler, is
 * an inline load instead of a call (C11 6.7.2.1: a pointer to a structure, converted, points
 * to its first member). Nothing else of struct sim is visible. */
struct sim_clock {
	double now;
};

/* The current simulated time, seconds. */
static inline double sim_now(const struct sim *sim)
{
	return ((const struct sim_clock *)(const void *)sim)->now;
}

/* Schedule fn(sim, obj, arg) at absolute time t (>= now) with a priority (0 runs first).
 * Returns the handle, or SIM_NO_EVENT when out of memory (the event is then not scheduled). */
sim_handle sim_schedule_at(struct sim *sim, double t, int prio, sim_event_fn fn, void *obj,
			   uint64_t arg);

/* The same, dt >= 0 seconds from now. */
sim_handle sim_schedule_in(struct sim *sim, double dt, int prio, sim_event_fn fn, void *obj,
			   uint64_t arg);

/* Cancel a pending event. Returns true when it was pending; false for a stale or null handle. */
bool sim_cancel(struct sim *sim, sim_handle h);

/* Run events in order while the next one is at time <= until (use INFINITY to drain) and
 * sim_stop has not been called. The clock is left at the last event run. Returns the number of
 * events run by this call. */
uint64_t sim_run(struct sim *sim, double until);

/* Make sim_run return after the current event. */
void sim_stop(struct sim *sim);

/* Sticky failure, in the spirit of SQLite's mallocFailed: a handler that cannot go on (out of
 * memory, an impossible count, an overloaded queue past its cap) records a status (PT_*, not
 * 0) and the run stops after the current event; every later sim_run returns at once. The first
 * status wins. sim_schedule_at records PT_ENOMEM itself when it cannot grow, so no event is
 * ever dropped silently: the caller of sim_run checks sim_status and turns it into an error. */
void sim_fail(struct sim *sim, int status);
/* 0 while the run is sound, else the first status given to sim_fail. */
int sim_status(const struct sim *sim);

/* A backstop for work that outgrows every estimate: at most `n` events run since creation;
 * sim_run, about to run one more, fails with PT_ELIMIT instead and leaves it pending. 0: no
 * limit (the default). */
void sim_set_event_limit(struct sim *sim, uint64_t n);

/* Events run since creation; events pending now; the largest number ever pending. */
uint64_t sim_events_run(const struct sim *sim);
size_t sim_pending(const struct sim *sim);
size_t sim_peak_pending(const struct sim *sim);

#endif
