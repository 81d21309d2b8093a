/* Tests of sim/engine: the total event order (time, priority, insertion sequence), cancel by
 * handle, sim_run(until)/sim_stop, the clock, and slab reuse.
 *
 * Expected orders are written out by hand from the ordering rule in engine.h; the randomized
 * test compares the engine against a plain sort of the same (time, priority, sequence) keys. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_rng.h>

#include "sim/engine.h"
#include "sim/status.h"
#include "tests/testutil.h"

/* ---- a recorder: each handler call appends (now, arg) ------------------------------------ */

#define LOG_CAP 16384

struct log {
	size_t n;
	double t[LOG_CAP];
	uint64_t arg[LOG_CAP];
	uint64_t run_before[LOG_CAP]; /* sim_events_run() seen inside the handler */
};

static void record(struct sim *sim, void *obj, uint64_t arg)
{
	struct log *lg = obj;
	assert_true(lg->n < LOG_CAP);
	lg->t[lg->n] = sim_now(sim);
	lg->arg[lg->n] = arg;
	lg->run_before[lg->n] = sim_events_run(sim);
	lg->n++;
}

static struct log *log_new(void)
{
	struct log *lg = calloc(1, sizeof *lg);
	assert_non_null(lg);
	return lg;
}

static void assert_args(const struct log *lg, const uint64_t *want, size_t n)
{
	assert_int_equal(lg->n, n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(lg->arg[i], want[i]);
}

/* ---- creation ---------------------------------------------------------------------------- */

static void test_create_empty(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	assert_non_null(sim);
	assert_true(sim_now(sim) == 0.0);
	assert_int_equal(sim_pending(sim), 0);
	assert_int_equal(sim_peak_pending(sim), 0);
	assert_int_equal(sim_events_run(sim), 0);
	assert_int_equal(sim_run(sim, INFINITY), 0);
	assert_true(sim_now(sim) == 0.0);
	sim_destroy(sim);
	sim_destroy(NULL); /* documented no-op (STYLE.md lifecycle rule) */
}

/* ---- order ------------------------------------------------------------------------------- */

static void test_order_by_time(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	/* Scheduled out of time order; priorities chosen so that sorting by priority would give a
	 * different order: time must dominate. */
	sim_schedule_at(sim, 3.0, 0, record, lg, 3);
	sim_schedule_at(sim, 1.0, 200, record, lg, 1);
	sim_schedule_at(sim, 2.5, 0, record, lg, 25);
	sim_schedule_at(sim, 2.0, SIM_PRIO_MAX, record, lg, 2);
	assert_int_equal(sim_run(sim, INFINITY), 4);
	const uint64_t want[] = {1, 2, 25, 3};
	assert_args(lg, want, 4);
	assert_true(lg->t[0] == 1.0 && lg->t[1] == 2.0 && lg->t[2] == 2.5 && lg->t[3] == 3.0);
	assert_true(sim_now(sim) == 3.0);
	free(lg);
	sim_destroy(sim);
}

static void test_order_ties_priority_then_sequence(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	/* Eight events at t = 5 (arg = insertion index). Priorities in insertion order:
	 *   idx:  0  1  2  3  4  5  6    7
	 *   prio: 3  1  3  0  1  3  255  0
	 * Rule (engine.h): lower priority first, then insertion order:
	 *   prio 0: 3, 7; prio 1: 1, 4; prio 3: 0, 2, 5; prio 255: 6. */
	const int prio[] = {3, 1, 3, 0, 1, 3, SIM_PRIO_MAX, 0};
	for (uint64_t i = 0; i < 8; i++)
		sim_schedule_at(sim, 5.0, prio[i], record, lg, i);
	sim_run(sim, INFINITY);
	const uint64_t want[] = {3, 7, 1, 4, 0, 2, 5, 6};
	assert_args(lg, want, 8);
	free(lg);
	sim_destroy(sim);
}

/* Many events at one (time, priority): insertion order exactly, whatever the heap does. */
static void test_order_ties_fifo_many(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	for (uint64_t i = 0; i < 1000; i++)
		sim_schedule_at(sim, 1.0, 7, record, lg, i);
	sim_run(sim, INFINITY);
	assert_int_equal(lg->n, 1000);
	for (uint64_t i = 0; i < 1000; i++)
		assert_int_equal(lg->arg[i], i);
	free(lg);
	sim_destroy(sim);
}

/* A handler of event A at t = 1 schedules at the same instant. Pending at t = 1 when A runs:
 * B (prio 5, seq 1), C (prio 7, seq 2). A adds D (prio 1, seq 3), E (prio 5, seq 4),
 * F (prio 9, seq 5). By (prio, seq): D, B, E, C, F. D has a lower priority value than every
 * pending same-time event, so it runs next even though it was scheduled last. */
struct spawn_ctx {
	struct log *lg;
};

static void spawner(struct sim *sim, void *obj, uint64_t arg)
{
	struct spawn_ctx *c = obj;
	record(sim, c->lg, arg);
	sim_schedule_at(sim, sim_now(sim), 1, record, c->lg, 'D');
	sim_schedule_in(sim, 0.0, 5, record, c->lg, 'E');
	sim_schedule_at(sim, sim_now(sim), 9, record, c->lg, 'F');
}

static void test_same_time_lower_prio_from_handler(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	struct spawn_ctx c = {lg};
	sim_schedule_at(sim, 1.0, 5, spawner, &c, 'A');
	sim_schedule_at(sim, 1.0, 5, record, lg, 'B');
	sim_schedule_at(sim, 1.0, 7, record, lg, 'C');
	sim_schedule_at(sim, 2.0, 0, record, lg, 'G');
	assert_int_equal(sim_run(sim, INFINITY), 7);
	const uint64_t want[] = {'A', 'D', 'B', 'E', 'C', 'F', 'G'};
	assert_args(lg, want, 7);
	for (size_t i = 0; i < 6; i++)
		assert_true(lg->t[i] == 1.0);
	free(lg);
	sim_destroy(sim);
}

/* obj and arg reach the handler unchanged (full 64-bit arg). */
static void test_obj_arg_passed(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	sim_schedule_in(sim, 0.25, 0, record, lg, UINT64_MAX);
	sim_run(sim, INFINITY);
	assert_int_equal(lg->n, 1);
	assert_true(lg->arg[0] == UINT64_MAX);
	assert_true(lg->t[0] == 0.25);
	free(lg);
	sim_destroy(sim);
}

/* ---- cancel ------------------------------------------------------------------------------ */

static void test_cancel_pending_and_double(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	sim_handle a = sim_schedule_at(sim, 1.0, 0, record, lg, 1);
	sim_handle b = sim_schedule_at(sim, 2.0, 0, record, lg, 2);
	sim_handle c = sim_schedule_at(sim, 3.0, 0, record, lg, 3);
	assert_true(a != SIM_NO_EVENT && b != SIM_NO_EVENT && c != SIM_NO_EVENT);
	assert_true(a != b && b != c && a != c);
	assert_int_equal(sim_pending(sim), 3);
	assert_true(sim_cancel(sim, b));
	assert_int_equal(sim_pending(sim), 2);
	assert_false(sim_cancel(sim, b)); /* double cancel: stale */
	assert_int_equal(sim_pending(sim), 2);
	assert_false(sim_cancel(sim, SIM_NO_EVENT));
	/* Handles that never named an event of this engine. */
	assert_false(sim_cancel(sim, (sim_handle)0xffffffff));
	assert_false(sim_cancel(sim, ((sim_handle)1 << 32)));
	assert_false(sim_cancel(sim, UINT64_MAX));
	assert_int_equal(sim_pending(sim), 2);
	sim_run(sim, INFINITY);
	const uint64_t want[] = {1, 3};
	assert_args(lg, want, 2);
	assert_int_equal(sim_events_run(sim), 2);
	free(lg);
	sim_destroy(sim);
}

static void test_cancel_stale_after_run(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	sim_handle a = sim_schedule_at(sim, 1.0, 0, record, lg, 1);
	sim_schedule_at(sim, 2.0, 0, record, lg, 2);
	assert_int_equal(sim_run(sim, 1.5), 1);
	assert_false(sim_cancel(sim, a));
	assert_int_equal(sim_pending(sim), 1);
	assert_int_equal(sim_run(sim, INFINITY), 1);
	const uint64_t want[] = {1, 2};
	assert_args(lg, want, 2);
	free(lg);
	sim_destroy(sim);
}

/* The slot of a cancelled (or run) event is recycled; its old handle must not cancel the new
 * occupant. The precondition checks that the slot really was reused: the low 32 bits of a
 * handle are the slot index + 1 (engine.c, sim_schedule_at), so this is white-box on purpose. */
static void test_cancel_reused_slot(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	sim_handle a = sim_schedule_at(sim, 1.0, 0, record, lg, 1);
	assert_true(sim_cancel(sim, a));
	sim_handle b = sim_schedule_at(sim, 1.0, 0, record, lg, 2);
	assert_true((a & 0xffffffffu) == (b & 0xffffffffu)); /* same slot */
	assert_true(a != b);
	assert_false(sim_cancel(sim, a));
	assert_int_equal(sim_pending(sim), 1);

	/* Same after the event ran instead of being cancelled. */
	sim_run(sim, INFINITY);
	sim_handle c = sim_schedule_at(sim, 2.0, 0, record, lg, 3);
	assert_true((b & 0xffffffffu) == (c & 0xffffffffu));
	assert_false(sim_cancel(sim, b));
	assert_false(sim_cancel(sim, a));
	sim_run(sim, INFINITY);
	const uint64_t want[] = {2, 3};
	assert_args(lg, want, 2);

	/* Many generations later the first handle is still stale. */
	for (int i = 0; i < 1000; i++) {
		sim_handle h = sim_schedule_in(sim, 1.0, 0, record, lg, 0);
		assert_false(sim_cancel(sim, a));
		assert_true(sim_cancel(sim, h));
	}
	assert_int_equal(sim_pending(sim), 0);
	free(lg);
	sim_destroy(sim);
}

/* Order is by insertion sequence, not by slot: C reuses cancelled A's slot but was scheduled
 * after B, so B runs first. */
static void test_reused_slot_keeps_sequence_order(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	sim_handle a = sim_schedule_at(sim, 1.0, 4, record, lg, 'A');
	sim_schedule_at(sim, 1.0, 4, record, lg, 'B');
	assert_true(sim_cancel(sim, a));
	sim_handle c = sim_schedule_at(sim, 1.0, 4, record, lg, 'C');
	assert_true((a & 0xffffffffu) == (c & 0xffffffffu));
	sim_run(sim, INFINITY);
	const uint64_t want[] = {'B', 'C'};
	assert_args(lg, want, 2);
	free(lg);
	sim_destroy(sim);
}

/* Cancel from inside a handler: a pending same-time event, a later event, and the running
 * event itself (already not pending: false). */
struct cancel_ctx {
	struct log *lg;
	sim_handle self, same_time, later;
	bool self_result, same_result, later_result;
};

static void canceller(struct sim *sim, void *obj, uint64_t arg)
{
	struct cancel_ctx *c = obj;
	record(sim, c->lg, arg);
	c->self_result = sim_cancel(sim, c->self);
	c->same_result = sim_cancel(sim, c->same_time);
	c->later_result = sim_cancel(sim, c->later);
}

static void test_cancel_from_handler(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	struct cancel_ctx c = {.lg = lg};
	c.self = sim_schedule_at(sim, 1.0, 0, canceller, &c, 'X');
	c.same_time = sim_schedule_at(sim, 1.0, 0, record, lg, 'Y');
	sim_schedule_at(sim, 1.0, 0, record, lg, 'Z');
	c.later = sim_schedule_at(sim, 9.0, 0, record, lg, 'L');
	assert_int_equal(sim_run(sim, INFINITY), 2);
	assert_false(c.self_result);
	assert_true(c.same_result);
	assert_true(c.later_result);
	const uint64_t want[] = {'X', 'Z'};
	assert_args(lg, want, 2);
	assert_true(sim_now(sim) == 1.0);
	free(lg);
	sim_destroy(sim);
}

/* Randomized: thousands of events with heavy ties (times on a coarse grid, 4 priorities),
 * cancels hitting the middle of the heap, interleaved with partial runs and new schedules.
 * Reference: the non-cancelled events sorted by (time, priority, sequence). Seed fixed. */
struct ref_ev {
	double t;
	int prio;
	uint64_t seq;
	sim_handle h;
	int state; /* 0 pending, 1 cancelled, 2 ran */
};

static struct ref_ev *g_ref; /* for qsort only; test-local, not library state */

static int cmp_ref_idx(const void *pa, const void *pb)
{
	const struct ref_ev *a = &g_ref[*(const uint32_t *)pa], *b = &g_ref[*(const uint32_t *)pb];
	if (a->t != b->t)
		return a->t < b->t ? -1 : 1;
	if (a->prio != b->prio)
		return a->prio < b->prio ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static void ref_handler(struct sim *sim, void *obj, uint64_t arg)
{
	struct log *lg = obj;
	record(sim, lg, arg);
	assert_int_equal(g_ref[arg].state, 0);
	assert_true(g_ref[arg].t == sim_now(sim));
	g_ref[arg].state = 2;
}

static void schedule_random(struct sim *sim, gsl_rng *r, struct ref_ev *ref, uint64_t *n,
			    struct log *lg, int count)
{
	for (int i = 0; i < count; i++) {
		uint64_t k = (*n)++;
		double t = sim_now(sim) + (double)gsl_rng_uniform_int(r, 50);
		int prio = (int)gsl_rng_uniform_int(r, 4);
		ref[k] = (struct ref_ev){.t = t, .prio = prio, .seq = k};
		ref[k].h = sim_schedule_at(sim, t, prio, ref_handler, lg, k);
		assert_true(ref[k].h != SIM_NO_EVENT);
	}
}

static void cancel_random(struct sim *sim, gsl_rng *r, struct ref_ev *ref, uint64_t n, int count)
{
	for (int i = 0; i < count; i++) {
		uint64_t k = gsl_rng_uniform_int(r, n);
		bool want = ref[k].state == 0;
		assert_int_equal(sim_cancel(sim, ref[k].h), want);
		if (want)
			ref[k].state = 1;
	}
}

/* The events still pending with time <= until, sorted by the total order, must be exactly the
 * next ones the engine runs. */
static void run_and_compare(struct sim *sim, struct ref_ev *ref, uint64_t n, struct log *lg,
			    double until)
{
	uint32_t *idx = malloc(n * sizeof *idx);
	assert_non_null(idx);
	size_t m = 0;
	for (uint32_t k = 0; k < n; k++)
		if (ref[k].state == 0 && ref[k].t <= until)
			idx[m++] = k;
	qsort(idx, m, sizeof *idx, cmp_ref_idx);
	size_t first = lg->n;
	assert_int_equal(sim_run(sim, until), m);
	assert_int_equal(lg->n - first, m);
	for (size_t i = 0; i < m; i++)
		assert_int_equal(lg->arg[first + i], idx[i]);
	free(idx);
}

static void test_cancel_random_against_sorted_reference(void **state)
{
	(void)state;
	enum { N1 = 4000, N2 = 3000, NTOT = N1 + N2 };
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 20240601);
	struct ref_ev *ref = calloc(NTOT, sizeof *ref);
	struct log *lg = log_new();
	struct sim *sim = sim_create();
	assert_true(ref && r);
	g_ref = ref;
	uint64_t n = 0;

	schedule_random(sim, r, ref, &n, lg, N1);
	cancel_random(sim, r, ref, n, 1500);
	run_and_compare(sim, ref, n, lg, 20.0);
	assert_true(sim_now(sim) == 20.0); /* times are integers 0..49: some event was at 20 */
	schedule_random(sim, r, ref, &n, lg, N2); /* all at >= now, ties with older events */
	cancel_random(sim, r, ref, n, 2000);      /* also hits events that already ran */
	size_t pending = 0;
	for (uint64_t k = 0; k < n; k++)
		pending += ref[k].state == 0;
	assert_int_equal(sim_pending(sim), pending);
	run_and_compare(sim, ref, n, lg, 45.5);
	run_and_compare(sim, ref, n, lg, INFINITY);
	assert_int_equal(sim_pending(sim), 0);
	size_t ran = 0, cancelled = 0;
	for (uint64_t k = 0; k < n; k++) {
		ran += ref[k].state == 2;
		cancelled += ref[k].state == 1;
	}
	assert_int_equal(ran + cancelled, NTOT);
	assert_int_equal(sim_events_run(sim), ran);
	assert_true(cancelled > 2000); /* the cancels really hit pending events */

	g_ref = NULL;
	sim_destroy(sim);
	free(lg);
	free(ref);
	gsl_rng_free(r);
}

/* Randomized, from inside handlers: each handler schedules 0 to 3 events (often at the same
 * instant, with any priority, so lower than its own too) and cancels a random event, pending
 * or not, while its own entry is still the heap's (stale) root. Reference: a plain list, whose
 * earliest pending event by (time, priority, sequence) must be the event the engine runs next;
 * sim_pending must match the list's pending count after every step. Seed fixed. */
enum { HN = 12000 };
struct href {
	struct ref_ev ev[HN];
	uint64_t n;
	gsl_rng *r;
	uint64_t ran;
};

static void href_schedule(struct sim *sim, struct href *h, sim_event_fn fn)
{
	if (h->n == HN)
		return;
	uint64_t k = h->n++;
	double t = sim_now(sim) + (double)gsl_rng_uniform_int(h->r, 4);
	int prio = (int)gsl_rng_uniform_int(h->r, 4);
	h->ev[k] = (struct ref_ev){.t = t, .prio = prio, .seq = k};
	h->ev[k].h = sim_schedule_at(sim, t, prio, fn, h, k);
	assert_true(h->ev[k].h != SIM_NO_EVENT);
}

static size_t href_pending(const struct href *h)
{
	size_t m = 0;
	for (uint64_t k = 0; k < h->n; k++)
		m += h->ev[k].state == 0;
	return m;
}

static void href_handler(struct sim *sim, void *obj, uint64_t arg)
{
	struct href *h = obj;
	/* the reference's earliest pending event */
	uint64_t best = UINT64_MAX;
	for (uint64_t k = 0; k < h->n; k++) {
		const struct ref_ev *e = &h->ev[k];
		if (e->state != 0)
			continue;
		const struct ref_ev *b = best == UINT64_MAX ? NULL : &h->ev[best];
		if (!b || e->t < b->t || (e->t == b->t && (e->prio < b->prio ||
							   (e->prio == b->prio && e->seq < b->seq))))
			best = k;
	}
	assert_int_equal(arg, best);
	assert_true(h->ev[arg].t == sim_now(sim));
	h->ev[arg].state = 2;
	h->ran++;
	assert_int_equal(sim_pending(sim), href_pending(h));
	int m = (int)gsl_rng_uniform_int(h->r, 4);
	bool cancel_first = gsl_rng_uniform_int(h->r, 2);
	if (cancel_first && h->n > 0) {
		uint64_t k = gsl_rng_uniform_int(h->r, h->n);
		assert_int_equal(sim_cancel(sim, h->ev[k].h), h->ev[k].state == 0);
		if (h->ev[k].state == 0)
			h->ev[k].state = 1;
		assert_int_equal(sim_pending(sim), href_pending(h));
	}
	for (int i = 0; i < m; i++) {
		href_schedule(sim, h, href_handler);
		assert_int_equal(sim_pending(sim), href_pending(h));
	}
	if (!cancel_first && h->n > 0) {
		uint64_t k = gsl_rng_uniform_int(h->r, h->n);
		assert_int_equal(sim_cancel(sim, h->ev[k].h), h->ev[k].state == 0);
		if (h->ev[k].state == 0)
			h->ev[k].state = 1;
		assert_int_equal(sim_pending(sim), href_pending(h));
	}
}

static void test_handlers_schedule_and_cancel_against_reference(void **state)
{
	(void)state;
	struct href *h = calloc(1, sizeof *h);
	assert_non_null(h);
	h->r = gsl_rng_alloc(gsl_rng_mt19937);
	assert_non_null(h->r);
	gsl_rng_set(h->r, 20261207);
	struct sim *sim = sim_create();
	assert_non_null(sim);
	for (int i = 0; i < 300; i++)
		href_schedule(sim, h, href_handler);
	uint64_t ran = sim_run(sim, INFINITY);
	assert_int_equal(ran, h->ran);
	assert_int_equal(sim_pending(sim), 0);
	assert_int_equal(href_pending(h), 0);
	assert_true(h->ran > 4000); /* the process kept going, not a handful of events */
	assert_true(h->n == HN);
	sim_destroy(sim);
	gsl_rng_free(h->r);
	free(h);
}

/* ---- run(until), stop, clock ---------------------------------------------------------------- */

static void test_run_until_stops_and_resumes(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	for (uint64_t i = 1; i <= 5; i++)
		sim_schedule_at(sim, (double)i, 0, record, lg, i);
	/* Events at 1, 2 are <= 2.5; the clock is left at the last event run (engine.h), 2. */
	assert_int_equal(sim_run(sim, 2.5), 2);
	assert_true(sim_now(sim) == 2.0);
	assert_int_equal(sim_pending(sim), 3);
	/* Nothing at or before 2.9: no event, clock unchanged. */
	assert_int_equal(sim_run(sim, 2.9), 0);
	assert_true(sim_now(sim) == 2.0);
	/* An event exactly at `until` runs (<= until). */
	assert_int_equal(sim_run(sim, 3.0), 1);
	assert_true(sim_now(sim) == 3.0);
	assert_int_equal(sim_run(sim, INFINITY), 2);
	assert_true(sim_now(sim) == 5.0);
	const uint64_t want[] = {1, 2, 3, 4, 5};
	assert_args(lg, want, 5);
	assert_int_equal(sim_events_run(sim), 5);
	free(lg);
	sim_destroy(sim);
}

/* A handler that schedules at exactly `until` during sim_run(until): that event runs in the
 * same call; one scheduled just after does not. */
static void schedule_at_until(struct sim *sim, void *obj, uint64_t arg)
{
	record(sim, obj, arg);
	if (arg == 0) {
		sim_schedule_at(sim, 4.0, 0, schedule_at_until, obj, 1);
		sim_schedule_at(sim, nextafter(4.0, INFINITY), 0, schedule_at_until, obj, 2);
	}
}

static void test_run_until_includes_new_events_at_until(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	sim_schedule_at(sim, 1.0, 0, schedule_at_until, lg, 0);
	assert_int_equal(sim_run(sim, 4.0), 2);
	assert_int_equal(sim_pending(sim), 1);
	assert_int_equal(sim_run(sim, INFINITY), 1);
	const uint64_t want[] = {0, 1, 2};
	assert_args(lg, want, 3);
	free(lg);
	sim_destroy(sim);
}

struct stopper_ctx {
	struct log *lg;
	uint64_t stop_at;
};

static void stopper(struct sim *sim, void *obj, uint64_t arg)
{
	struct stopper_ctx *c = obj;
	record(sim, c->lg, arg);
	if (arg == c->stop_at)
		sim_stop(sim);
}

static void failer(struct sim *sim, void *obj, uint64_t arg)
{
	struct stopper_ctx *c = obj;
	record(sim, c->lg, arg);
	if (arg == c->stop_at)
		sim_fail(sim, PT_ERANGE);
	if (arg == c->stop_at + 1)
		sim_fail(sim, PT_ENOMEM); /* never reached: the run stopped at the first failure */
}

/* A failure is sticky: the run stops after the failing event (same-time events after it do
 * not run), the first status wins, and a later sim_run runs nothing. */
static void test_fail_sticky(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	struct stopper_ctx c = {lg, 2};
	sim_schedule_at(sim, 1.0, 0, failer, &c, 1);
	sim_schedule_at(sim, 2.0, 0, failer, &c, 2);
	sim_schedule_at(sim, 2.0, 0, failer, &c, 3);
	assert_int_equal(sim_status(sim), 0);
	assert_int_equal(sim_run(sim, INFINITY), 2);
	assert_int_equal(sim_status(sim), PT_ERANGE);
	assert_int_equal(sim_run(sim, INFINITY), 0);
	assert_int_equal(sim_pending(sim), 1);
	const uint64_t want[] = {1, 2};
	assert_args(lg, want, 2);
	free(lg);
	sim_destroy(sim);
}

/* The event limit (sim_set_event_limit): with a limit of 3, five events at t = 1 .. 5 run the
 * first three; about to run the fourth, sim_run fails with PT_ELIMIT and leaves it (and the
 * fifth) pending; a later sim_run runs nothing. A limit equal to the events there are runs
 * them all without failing; 0 means no limit. */
static void test_event_limit(void **state)
{
	(void)state;
	const uint64_t limits[] = {3, 5, 0};
	for (int k = 0; k < 3; k++) {
		struct sim *sim = sim_create();
		struct log *lg = log_new();
		sim_set_event_limit(sim, limits[k]);
		for (uint64_t i = 1; i <= 5; i++)
			sim_schedule_at(sim, (double)i, 0, record, lg, i);
		uint64_t want_run = k == 0 ? 3 : 5;
		assert_int_equal(sim_run(sim, INFINITY), want_run);
		assert_int_equal(sim_status(sim), k == 0 ? PT_ELIMIT : 0);
		assert_int_equal(sim_pending(sim), 5 - want_run);
		assert_int_equal(sim_run(sim, INFINITY), 0);
		assert_int_equal(sim_events_run(sim), want_run);
		assert_true(sim_now(sim) == (double)want_run);
		free(lg);
		sim_destroy(sim);
	}
}

static void test_stop(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	struct stopper_ctx c = {lg, 2};
	/* Two events at t = 2 so stop is shown to cut between same-time events. */
	sim_schedule_at(sim, 1.0, 0, stopper, &c, 1);
	sim_schedule_at(sim, 2.0, 0, stopper, &c, 2);
	sim_schedule_at(sim, 2.0, 0, stopper, &c, 3);
	sim_schedule_at(sim, 3.0, 0, stopper, &c, 4);
	assert_int_equal(sim_run(sim, INFINITY), 2);
	assert_true(sim_now(sim) == 2.0);
	assert_int_equal(sim_pending(sim), 2);
	/* The stop is not sticky: the next run resumes with the same-time event 3. */
	assert_int_equal(sim_run(sim, INFINITY), 2);
	const uint64_t want[] = {1, 2, 3, 4};
	assert_args(lg, want, 4);
	assert_true(sim_now(sim) == 3.0);
	free(lg);
	sim_destroy(sim);
}

/* sim_events_run counts all events since creation, including earlier events of the current
 * sim_run call: handler k (0-based, over two sim_run calls) sees exactly k. */
static void test_events_run_counts_inside_run(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	struct log *lg = log_new();
	for (uint64_t i = 0; i < 6; i++)
		sim_schedule_at(sim, (double)i, 0, record, lg, i);
	assert_int_equal(sim_run(sim, 2.0), 3);
	assert_int_equal(sim_events_run(sim), 3);
	assert_int_equal(sim_run(sim, INFINITY), 3);
	assert_int_equal(sim_events_run(sim), 6);
	assert_int_equal(lg->n, 6);
	for (size_t k = 0; k < 6; k++)
		assert_int_equal(lg->run_before[k], k);
	free(lg);
	sim_destroy(sim);
}

/* Chains of events scheduled from handlers at now + 0 or now + Exp-ish delays: each event runs
 * at exactly its scheduled time and the clock never decreases. */
struct chain_ctx {
	gsl_rng *r;
	double last_now;
	uint64_t count;
	double due[64];
};

static void chain(struct sim *sim, void *obj, uint64_t arg)
{
	struct chain_ctx *c = obj;
	assert_true(sim_now(sim) >= c->last_now);
	assert_true(sim_now(sim) == c->due[arg]);
	c->last_now = sim_now(sim);
	if (++c->count >= 50000)
		return;
	/* A third of the delays are 0: same-time rescheduling. */
	double dt = gsl_rng_uniform_int(c->r, 3) == 0 ? 0.0 : -log1p(-gsl_rng_uniform(c->r));
	c->due[arg] = sim_now(sim) + dt;
	sim_schedule_in(sim, dt, (int)gsl_rng_uniform_int(c->r, 3), chain, c, arg);
}

static void test_clock_never_decreases(void **state)
{
	(void)state;
	struct sim *sim = sim_create();
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 7);
	struct chain_ctx c = {.r = r};
	for (uint64_t i = 0; i < 64; i++) {
		c.due[i] = gsl_rng_uniform(r);
		sim_schedule_at(sim, c.due[i], 0, chain, &c, i);
	}
	sim_run(sim, INFINITY);
	/* 50000 chained events plus one final event for each of the other 63 chains: each of
	 * those finds count >= 50000 and schedules nothing. */
	assert_int_equal(sim_events_run(sim), 50000 + 63);
	assert_int_equal(sim_pending(sim), 0);
	assert_true(sim_now(sim) == c.last_now);
	gsl_rng_free(r);
	sim_destroy(sim);
}

/* ---- slab reuse ---------------------------------------------------------------------------- */

/* K self-rescheduling processes: at most K events are ever pending, and the slot indices inside
 * handles (low 32 bits = slot + 1, engine.c) stay below 2K: the slab doubles only when every
 * slot is in use, so with reuse it never exceeds max(64, 2 * peak) slots. Without reuse, slot
 * indices would climb to ~200000. */
struct proc_ctx {
	gsl_rng *r;
	uint64_t max_slot;
	uint64_t left;
};

static void proc(struct sim *sim, void *obj, uint64_t arg)
{
	struct proc_ctx *c = obj;
	if (c->left == 0)
		return;
	c->left--;
	sim_handle h = sim_schedule_in(sim, gsl_rng_uniform(c->r), 0, proc, c, arg);
	assert_true(h != SIM_NO_EVENT);
	if ((h & 0xffffffffu) > c->max_slot)
		c->max_slot = h & 0xffffffffu;
	/* A cancelled extra event exercises the free list on the cancel path too. */
	sim_handle x = sim_schedule_in(sim, 1.0, 0, proc, c, arg);
	assert_true(sim_cancel(sim, x));
}

static void test_slab_reuse_bounded(void **state)
{
	(void)state;
	enum { K = 100 };
	struct sim *sim = sim_create();
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 99);
	struct proc_ctx c = {.r = r, .left = 200000};
	for (uint64_t i = 0; i < K; i++)
		sim_schedule_at(sim, gsl_rng_uniform(r), 0, proc, &c, i);
	sim_run(sim, INFINITY);
	assert_int_equal(sim_events_run(sim), 200000 + K);
	/* While a handler runs, its own event has left the queue: K - 1 pending, + 1 rescheduled,
	 * + 1 extra before it is cancelled = K + 1 at most, reached on the first handler. */
	assert_int_equal(sim_peak_pending(sim), K + 1);
	assert_true(c.max_slot <= 2 * (K + 1));
	gsl_rng_free(r);
	sim_destroy(sim);
}

/* ---- assertions (death tests) -------------------------------------------------------------- */

/* The engine's contract makes scheduling in the past an assertion failure. The library is built
 * with plain <assert.h> (no UNIT_TESTING mock_assert), so the call is made in a forked child and
 * the parent checks that it died of SIGABRT. Skipped when built with NDEBUG. */
enum death_case { PAST_AT, PAST_IN, BAD_PRIO_HIGH, BAD_PRIO_NEG, NAN_TIME };

static void noop(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)obj;
	(void)arg;
}

static void engine_case(const void *arg)
{
	enum death_case which = *(const enum death_case *)arg;
	struct sim *sim = sim_create();
	sim_schedule_at(sim, 2.0, 0, noop, NULL, 0);
	sim_run(sim, INFINITY); /* now = 2 */
	switch (which) {
	case PAST_AT:
		sim_schedule_at(sim, 1.0, 0, noop, NULL, 0);
		break;
	case PAST_IN:
		sim_schedule_in(sim, -1e-9, 0, noop, NULL, 0);
		break;
	case BAD_PRIO_HIGH:
		sim_schedule_at(sim, 3.0, SIM_PRIO_MAX + 1, noop, NULL, 0);
		break;
	case BAD_PRIO_NEG:
		sim_schedule_at(sim, 3.0, -1, noop, NULL, 0);
		break;
	case NAN_TIME:
		sim_schedule_at(sim, NAN, 0, noop, NULL, 0);
		break;
	}
}

static void expect_abort(enum death_case which) { testutil_expect_abort(engine_case, &which); }

static void test_schedule_in_past_asserts(void **state)
{
	(void)state;
	expect_abort(PAST_AT);
	expect_abort(PAST_IN);
	expect_abort(NAN_TIME);
}

static void test_priority_out_of_range_asserts(void **state)
{
	(void)state;
	expect_abort(BAD_PRIO_HIGH);
	expect_abort(BAD_PRIO_NEG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_empty),
		cmocka_unit_test(test_order_by_time),
		cmocka_unit_test(test_order_ties_priority_then_sequence),
		cmocka_unit_test(test_order_ties_fifo_many),
		cmocka_unit_test(test_same_time_lower_prio_from_handler),
		cmocka_unit_test(test_obj_arg_passed),
		cmocka_unit_test(test_cancel_pending_and_double),
		cmocka_unit_test(test_cancel_stale_after_run),
		cmocka_unit_test(test_cancel_reused_slot),
		cmocka_unit_test(test_reused_slot_keeps_sequence_order),
		cmocka_unit_test(test_cancel_from_handler),
		cmocka_unit_test(test_cancel_random_against_sorted_reference),
		cmocka_unit_test(test_handlers_schedule_and_cancel_against_reference),
		cmocka_unit_test(test_run_until_stops_and_resumes),
		cmocka_unit_test(test_run_until_includes_new_events_at_until),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_events_run_counts_inside_run),
		cmocka_unit_test(test_clock_never_decreases),
		cmocka_unit_test(test_slab_reuse_bounded),
		cmocka_unit_test(test_schedule_in_past_asserts),
		cmocka_unit_test(test_fail_sticky),
		cmocka_unit_test(test_event_limit),
		cmocka_unit_test(test_priority_out_of_range_asserts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
