/* Exact tests of the SQLAlchemy QueuePool model (models/pool_sqlalchemy.c behind the pool
 * seam, models/pool.c) and of the database slots it
 * draws on (models/database.c).
 *
 * Every test drives one pool directly on an engine, on the harness of tests/poolfx.h: test
 * clients (struct client, embedding a struct pool_client) check out at chosen instants, hold
 * for a chosen time after on_ready and check in. Connect times and round trips are constants, so every event time is known in
 * advance; the expected values are derived in the comment above each test from the rules in
 * models/pool.h and reference/pool-semantics.md §1.3-1.6 and §1.12 (cited as "rule 1" ... "rule
 * 5" for §1.12's numbered model rules). Most times are dyadic (0.125, 0.0625, ...) so they are
 * exact in binary; the few that are not (0.1, 0.002, taken from the brief) are compared with a
 * tolerance of 1e-9 s.
 *
 * Same-instant order (pool.h): releases and completions (PRIO_COMPLETION) run first, then
 * deadlines (PRIO_DEADLINE), then arrivals (PRIO_ARRIVAL); ties keep the scheduling order. Probes
 * that read the pool's state run at SIM_PRIO_MAX, after everything else at their instant. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "models/config.h"
#include "models/database.h"
#include "models/pool.h"
#include "sim/dist.h"
#include "sim/engine.h"
#include "sim/stats.h"
#include "sim/status.h"
#include "tests/poolfx.h"

/* pool_reset at an instant (the warm-up's end) */
static void ev_reset(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct fx *fx = obj;
	pool_reset(fx->pool);
}

/* ------------------------------------------------------------------------------------------ */
/* 1. Timeout at the cap, and SQLAlchemy's message                                            */

/* Pool 1+1 (cap 2), timeout 2 s, connect 0.1 s; A, B, C check out at t = 0 in that order and
 * hold 10 s.
 * - A: idle queue empty, 0 connections < cap 2 -> opens conn 1 (rule 1 else), ready 0 + 0.1.
 * - B: 1 < 2 -> opens conn 2, ready 0.1.
 * - C: 2 >= 2 -> waits with deadline 0 + 2 = 2.0 (rule 1); nothing is returned before 2.0 and
 *   the cap is still reached, so at 2.0 it fails with POOL_TIMEOUT (rule 5). overflow() at
 *   that moment = connections - size = 2 - 1 = 1.
 * - Probe at 1.0: out 2 (A, B), in 0, overflow 1, open 2, 1 waiter, 2 server backends.
 * - A returns at 10.1 (idle 0 < 1: kept), B returns at 10.1 just after (idle 1 = size:
 *   closed, §1.6): 1 connection left, idle; one backend. */
static void test_timeout_at_cap(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 1, 2.0, 0.1);
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 10.0);
	struct client *b = fx_arrive(fx, 1, 0.0, 10.0);
	struct client *c = fx_arrive(fx, 2, 0.0, 10.0);
	const struct probe *p1 = fx_probe_at(fx, 1.0);
	fx_run(fx);

	EXPECT_READY(a, 0.1, 1);
	EXPECT_READY(b, 0.1, 2);
	FX_NEAR(a->connect_s, 0.1);
	FX_NEAR(b->wait_s, 0.1);
	EXPECT_FAIL(c, 2.0, FX_TIMED_OUT);
	assert_true(c->t_done == 2.0); /* exactly the deadline, no rounding: 0 + 2 */
	FX_NEAR(c->wait_s, 2.0);
	EXPECT_PROBE_OVERFLOW(p1, 2, 0, 1, 2, 1, 2);
	assert_int_equal(pool_cap(fx->pool), 2);

	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->timeouts, 1);
	assert_int_equal(s->checkouts, 2);
	assert_int_equal(s->connects, 2);
	assert_int_equal(s->refused, 0);
	assert_int_equal(s->first_timeout_overflow, 1);
	char msg[160];
	pool_timeout_message(&fx->pc, s->first_timeout_overflow, msg, sizeof msg);
	assert_string_equal(msg, "QueuePool limit of size 1 overflow 1 reached, connection timed "
				 "out, timeout 2.00");

	assert_int_equal(s->closes, 1);
	assert_int_equal(pool_open(fx->pool), 1);
	assert_int_equal(pool_checked_in(fx->pool), 1);
	assert_int_equal(pool_checked_out(fx->pool), 0);
	assert_int_equal(fx->db.open, 1);
}

/* The cap on waiting requests (pools.NAME.max_waiting; issue: memory must follow the
 * scenario, not the length of an overload). Pool 1+0, timeout 100 s, max_waiting 2; A, B, C, D
 * check out at t = 0, 1, 2, 3 and hold for ever.
 * - A: opens conn 1 (0 < cap 1), ready at 0.125.
 * - B at 1, C at 2: at the cap, they wait (waiting 1, then 2 = max_waiting).
 * - D at 3: two requesters already wait, so admitting D would pass the cap: the run fails
 *   with PT_EOVERLOAD at t = 3, D is neither served nor failed (the run is abandoned), and
 *   sim_run returns at once with B's and C's deadlines (t = 101, 102) still pending. */
static void test_max_waiting_fails_the_run(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 100.0, 0.125);
	fx->pc.max_waiting = 2;
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, INFINITY);
	struct client *b = fx_arrive(fx, 1, 1.0, INFINITY);
	struct client *c = fx_arrive(fx, 2, 2.0, INFINITY);
	struct client *d = fx_arrive(fx, 3, 3.0, INFINITY);
	sim_run(fx->sim, INFINITY);
	assert_int_equal(sim_status(fx->sim), PT_EOVERLOAD);
	assert_true(sim_now(fx->sim) == 3.0);
	EXPECT_READY(a, 0.125, 1);
	assert_int_equal(b->outcome, FX_PENDING);
	assert_int_equal(c->outcome, FX_PENDING);
	assert_int_equal(d->outcome, FX_PENDING);
	assert_int_equal(pool_waiting(fx->pool), 2);
	assert_int_equal(sim_run(fx->sim, INFINITY), 0); /* sticky: nothing more runs */
	assert_true(sim_pending(fx->sim) > 0);
}

/* max_waiting exactly reached is fine: with the cap at 3, the same four requesters run to
 * their timeouts (B, C, D fail at 101, 102, 103) and the run stays sound. */
static void test_max_waiting_reached_is_sound(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 100.0, 0.125);
	fx->pc.max_waiting = 3;
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 200.0);
	struct client *b = fx_arrive(fx, 1, 1.0, INFINITY);
	struct client *c = fx_arrive(fx, 2, 2.0, INFINITY);
	struct client *d = fx_arrive(fx, 3, 3.0, INFINITY);
	fx_run(fx);
	assert_int_equal(sim_status(fx->sim), 0);
	EXPECT_FAIL(b, 101.0, FX_TIMED_OUT);
	EXPECT_FAIL(c, 102.0, FX_TIMED_OUT);
	EXPECT_FAIL(d, 103.0, FX_TIMED_OUT);
}

/* The seam: the default configuration is SQLAlchemy's kind, found by name; the cap and the
 * message go through the kind's table (pool_size + max_overflow; -1 when unlimited). */
/* Each kind names its sizing settings in its own words (summary.json's health block,
 * pools.csv): QueuePool and the async pool pool_size/max_overflow, HikariCP
 * maximumPoolSize/minimumIdle, Go max_open_conns/max_idle_conns, NullPool nothing; every kind
 * has the operation. */
static void test_kind_settings_words(void **state)
{
	(void)state;
	struct cfg_pool c;
	struct pool_setting s[POOL_SETTINGS_MAX];
	cfg_pool_defaults(&c);
	c.size = 7;
	c.max_overflow = 3;
	assert_int_equal(pool_cfg_settings(&c, s), 2); /* kind NULL: QueuePool */
	assert_string_equal(s[0].name, "pool_size");
	assert_int_equal(s[0].value, 7);
	assert_string_equal(s[1].name, "max_overflow");
	assert_int_equal(s[1].value, 3);
	c.kind = &pool_kind_sqlalchemy_async;
	assert_int_equal(pool_cfg_settings(&c, s), 2);
	assert_string_equal(s[0].name, "pool_size");
	c.kind = &pool_kind_hikaricp;
	c.size = 12;
	c.max_overflow = 0;
	c.min_idle = 4;
	assert_int_equal(pool_cfg_settings(&c, s), 2);
	assert_string_equal(s[0].name, "maximumPoolSize");
	assert_int_equal(s[0].value, 12);
	assert_string_equal(s[1].name, "minimumIdle");
	assert_int_equal(s[1].value, 4);
	c.kind = &pool_kind_go;
	c.max_open = 8;
	c.size = 2;
	assert_int_equal(pool_cfg_settings(&c, s), 2);
	assert_string_equal(s[0].name, "max_open_conns");
	assert_int_equal(s[0].value, 8);
	assert_string_equal(s[1].name, "max_idle_conns");
	assert_int_equal(s[1].value, 2);
	c.kind = &pool_kind_sqlalchemy_null;
	assert_int_equal(pool_cfg_settings(&c, s), 0);
	for (int i = 0; pool_kinds[i]; i++)
		assert_non_null(pool_kinds[i]->settings);
}

static void test_kind_registry(void **state)
{
	(void)state;
	struct cfg_pool pc;
	cfg_pool_defaults(&pc);
	assert_ptr_equal(pc.kind, &pool_kind_sqlalchemy);
	assert_ptr_equal(pool_kind_find("sqlalchemy"), &pool_kind_sqlalchemy);
	assert_null(pool_kind_find("SQLAlchemy"));
	assert_null(pool_kind_find(""));
	assert_ptr_equal(pool_kinds[0], &pool_kind_sqlalchemy);
	assert_int_equal(pool_cfg_cap(&pc), 15); /* defaults 5 + 10 */
	pc.max_overflow = -1;
	assert_int_equal(pool_cfg_cap(&pc), -1);
	pc.kind = NULL; /* a zeroed configuration is the default kind */
	assert_int_equal(pool_cfg_cap(&pc), -1);
	pc.max_overflow = 20;
	pc.size = 10;
	assert_int_equal(pool_cfg_cap(&pc), 30);
	char msg[160];
	pool_timeout_message(&pc, 20, msg, sizeof msg);
	assert_string_equal(msg, "QueuePool limit of size 10 overflow 20 reached, connection timed "
				 "out, timeout 30.00");
	assert_int_equal(pool_kind_sqlalchemy.base(&pc), 10);
}

/* The message of §1.5 with the incident's figures (size 10, overflow 20, timeout 30 s: "timeout
 * 30.00"), and truncation to the buffer (snprintf semantics: len - 1 characters and a NUL). */
static void test_timeout_message_format(void **state)
{
	(void)state;
	struct cfg_pool pc;
	cfg_pool_defaults(&pc);
	pc.size = 10;
	pc.max_overflow = 20;
	pc.timeout_s = 30;
	char msg[160];
	pool_timeout_message(&pc, 20, msg, sizeof msg);
	assert_string_equal(msg, "QueuePool limit of size 10 overflow 20 reached, connection "
				 "timed out, timeout 30.00");
	pc.timeout_s = 0.125;
	pool_timeout_message(&pc, 7, msg, sizeof msg);
	assert_string_equal(msg, "QueuePool limit of size 10 overflow 7 reached, connection "
				 "timed out, timeout 0.12"); /* %0.2f of 0.125: round-half-even */
	char small[10];
	pool_timeout_message(&pc, 20, small, sizeof small);
	assert_string_equal(small, "QueuePool");
}

/* ------------------------------------------------------------------------------------------ */
/* 2. Checkin closes a connection when `size` are already idle                                */

/* Pool 1+1, connect 0.125 s. A (t = 0, hold 2) opens conn 1, B (t = 0, hold 1) opens conn 2
 * (overflow); both ready at 0.125.
 * - 1.125: B returns conn 2: idle 0 < size 1 -> kept idle (§1.6: the returned connection is
 *   kept, whichever of them was opened "as overflow"). State: out 1, in 1, overflow 1 (2
 *   connections > size 1), open 2, backends 2.
 * - 2.125: A returns conn 1: idle 1 = size -> closed: closes 1, open 1, in 1, out 0, overflow 0,
 *   backends 1.
 * - C at 3.0 gets the survivor, conn 2, at once (wait 0). */
static void test_checkin_closes_when_size_idle(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 1, 30.0, 0.125);
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 2.0);
	struct client *b = fx_arrive(fx, 1, 0.0, 1.0);
	const struct probe *p1 = fx_probe_at(fx, 1.5);
	const struct probe *p2 = fx_probe_at(fx, 2.5);
	struct client *c = fx_arrive(fx, 2, 3.0, INFINITY);
	fx_run(fx);

	EXPECT_READY(a, 0.125, 1);
	EXPECT_READY(b, 0.125, 2);
	EXPECT_PROBE_OVERFLOW(p1, 1, 1, 1, 2, 0, 2);
	EXPECT_PROBE_OVERFLOW(p2, 0, 1, 0, 1, 0, 1);
	EXPECT_READY(c, 3.0, 2);
	assert_true(c->wait_s == 0);
	assert_true(c->connect_s == 0);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->closes, 1);
	assert_int_equal(s->connects, 2);
	assert_int_equal(s->checkouts, 3);
	assert_int_equal(fx->db.open, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* 3. FIFO vs LIFO idle queue                                                                 */

/* Pool 3+0, connect 0.125 s. A, B, C check out at 0 and get conns 1, 2, 3 at 0.125. They
 * return them in the order 3 (C at 1.0), 1 (A at 2.0), 2 (B at 3.0): idle queue, oldest
 * returned first = [3, 1, 2]. D, E, F check out at 4.0 in that order (rule 1, §1.3 step 2):
 * - FIFO takes from the head (returned longest ago): D 3, E 1, F 2;
 * - LIFO takes from the tail (returned last): D 2, E 1, F 3.
 * Both differ from creation order (1, 2, 3). No new connection, no wait. */
static void run_idle_order(struct fx *fx, bool lifo, const uint32_t expect[3])
{
	fx_config(fx, 3, 0, 30.0, 0.125);
	fx->pc.use_lifo = lifo;
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 2.0 - 0.125);
	fx_arrive(fx, 1, 0.0, 3.0 - 0.125);
	fx_arrive(fx, 2, 0.0, 1.0 - 0.125);
	struct client *d = fx_arrive(fx, 3, 4.0, INFINITY);
	struct client *e = fx_arrive(fx, 4, 4.0, INFINITY);
	struct client *f = fx_arrive(fx, 5, 4.0, INFINITY);
	fx_run(fx);

	for (int i = 0; i < 3; i++)
		EXPECT_READY(&fx->cl[i], 0.125, (uint32_t)i + 1);
	EXPECT_READY(d, 4.0, expect[0]);
	EXPECT_READY(e, 4.0, expect[1]);
	EXPECT_READY(f, 4.0, expect[2]);
	assert_true(d->wait_s == 0 && e->wait_s == 0 && f->wait_s == 0);
	assert_int_equal(pool_stats(fx->pool)->connects, 3);
	assert_int_equal(pool_checked_in(fx->pool), 0);
}

static void test_idle_fifo(void **state)
{
	static const uint32_t expect[3] = {3, 1, 2};
	run_idle_order(*state, false, expect);
}

static void test_idle_lifo(void **state)
{
	static const uint32_t expect[3] = {2, 1, 3};
	run_idle_order(*state, true, expect);
}

/* ------------------------------------------------------------------------------------------ */
/* 4. Waiters are served by checkins, FIFO; a release at a deadline serves it                 */

/* Pool 1+0, timeout 2 s, connect 0.125 s, wakeup_latency 0 (strict FIFO hand-off).
 * - A: t 0, opens conn 1, ready 0.125, hold 0.875 -> returns at 1.0.
 * - W1 (t 0.25, hold 0.5), W2 (0.5, hold 1.25), W3 (0.75, hold 0.25), W4 (0.875, hold 10) wait
 *   at the cap; deadlines 2.25, 2.5, 2.75, 2.875.
 * - 1.0: A's checkin queues conn 1 and wakes the head, W1, which takes it at that instant
 *   (rule 4): W1 ready 1.0, wait 0.75; returns at 1.5.
 * - 1.5: W2 ready (wait 1.0); returns at 1.5 + 1.25 = 2.75.
 * - 2.75 is also W3's deadline (0.75 + 2): the release (PRIO_COMPLETION) runs before the
 *   deadline (PRIO_DEADLINE) although it was scheduled later, so W3 is served at 2.75 (wait
 *   exactly 2.0, no timeout). W3 returns at 3.0.
 * - W4's deadline 2.875 comes before 3.0: W4 times out at 2.875.
 * Waiters: 4 at 0.9, 3 at 1.25, 2 at 2.0, 1 at 2.8. */
static void test_waiters_fifo_served_by_checkin(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 2.0, 0.125);
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 0.875);
	struct client *w1 = fx_arrive(fx, 1, 0.25, 0.5);
	struct client *w2 = fx_arrive(fx, 2, 0.5, 1.25);
	struct client *w3 = fx_arrive(fx, 3, 0.75, 0.25);
	struct client *w4 = fx_arrive(fx, 4, 0.875, 10.0);
	const struct probe *p1 = fx_probe_at(fx, 0.9);
	const struct probe *p2 = fx_probe_at(fx, 1.25);
	const struct probe *p3 = fx_probe_at(fx, 2.0);
	const struct probe *p4 = fx_probe_at(fx, 2.8);
	fx_run(fx);

	EXPECT_READY(a, 0.125, 1);
	EXPECT_READY(w1, 1.0, 1);
	EXPECT_READY(w2, 1.5, 1);
	EXPECT_READY(w3, 2.75, 1);
	EXPECT_FAIL(w4, 2.875, FX_TIMED_OUT);
	assert_true(w1->wait_s == 0.75 && w2->wait_s == 1.0 && w3->wait_s == 2.0);
	assert_true(w1->connect_s == 0 && w3->connect_s == 0);
	assert_int_equal(w1->order, 2);
	assert_int_equal(w2->order, 3);
	assert_int_equal(w3->order, 4);
	assert_int_equal(w4->order, 5);
	assert_int_equal(p1->waiting, 4);
	assert_int_equal(p2->waiting, 3);
	assert_int_equal(p3->waiting, 2);
	assert_int_equal(p4->waiting, 1);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->checkouts, 4);
	assert_int_equal(s->timeouts, 1);
	assert_int_equal(s->connects, 1);
	assert_int_equal(s->first_timeout_overflow, 0);
	assert_int_equal(pool_waiting(fx->pool), 0);
}

/* ------------------------------------------------------------------------------------------ */
/* 5. A deadline after capacity was freed opens a connection                                  */

/* Pool 1+1 (cap 2), timeout 2 s, connect 0.125 s, wakeup_latency 0.0625 s.
 * - A (t 0, hold 0.875) opens conn 1, B (t 0, hold 0.90625) opens conn 2; ready 0.125.
 * - W1 arrives 0.25 (deadline 2.25), W2 arrives 0.5 (deadline 2.5): both wait at the cap and,
 *   once served, never return their connection.
 * - 1.0: A returns conn 1: idle 0 < 1 -> queued, W1 woken (leaves the waiter list; it needs
 *   0.0625 s to take the connection: at 1.0625).
 * - 1.03125: B returns conn 2 while conn 1 still sits in the queue: idle 1 = size -> conn 2 is
 *   closed (§1.6) and nobody is woken (only a put notifies). 1 connection, cap 2: capacity
 *   is free, but W2 keeps waiting (the blocking get only wakes on a put).
 * - 1.0625: W1 takes conn 1: ready, wait 0.8125.
 * - 2.5: W2's deadline; the idle queue is empty but 1 < cap, so W2 opens a new connection
 *   instead of failing (§1.3 step 5, rule 5): conn 3, ready 2.625, connect_s 0.125, wait
 *   2.125. connects 3, closes 1, no timeout.
 * Probe at 1.5: out 1, in 0, overflow 0, open 1, 1 waiter, 1 backend. */
static void test_deadline_opens_when_capacity_freed(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 1, 2.0, 0.125);
	dist_constant(&fx->pc.wakeup_latency, 0.0625);
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 0.875);
	struct client *b = fx_arrive(fx, 1, 0.0, 0.90625);
	struct client *w1 = fx_arrive(fx, 2, 0.25, INFINITY);
	struct client *w2 = fx_arrive(fx, 3, 0.5, INFINITY);
	const struct probe *p1 = fx_probe_at(fx, 1.5);
	const struct probe *p2 = fx_probe_at(fx, 2.5625); /* W2's connect in progress */
	fx_run(fx);

	EXPECT_READY(a, 0.125, 1);
	EXPECT_READY(b, 0.125, 2);
	EXPECT_READY(w1, 1.0625, 1);
	assert_true(w1->wait_s == 0.8125);
	EXPECT_PROBE_OVERFLOW(p1, 1, 0, 0, 1, 1, 1);
	EXPECT_READY(w2, 2.625, 3);
	assert_true(w2->connect_s == 0.125);
	assert_true(w2->wait_s == 2.125);
	assert_true(w2->created_at == 2.625);
	EXPECT_PROBE_OVERFLOW(p2, 2, 0, 1, 2, 0, 2);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->timeouts, 0);
	assert_int_equal(s->connects, 3);
	assert_int_equal(s->closes, 1);
	assert_int_equal(s->checkouts, 4);
	assert_int_equal(s->first_timeout_overflow, INT_MIN);
}

/* ------------------------------------------------------------------------------------------ */
/* 6. Barging during the woken waiter's latency                                               */

/* Pool 1+0, timeout 2 s, connect 0.125 s, wakeup_latency 0.0625 s.
 * - A (t 0, hold 0.875): conn 1, ready 0.125, returns at 1.0.
 * - W arrives 0.25: waits, deadline 2.25.
 * - 1.0: A's checkin queues conn 1 and wakes W, which will take it at 1.0625.
 * - N arrives 1.03125: the queue is not empty, so N takes conn 1 at once (§1.4 barging: the
 *   check is "queue empty?", not "am I first?"): ready 1.03125, wait 0; returns at 1.53125.
 * - W2 arrives 1.046875: queue empty, cap reached: waits (head of the list now).
 * - 1.0625: W runs, finds the queue empty, deadline not reached: re-waits at the BACK of the
 *   list, behind W2, until its original deadline 2.25.
 * - 1.53125: N returns conn 1, W2 (head) is woken and takes it at 1.59375 (wait 0.546875);
 *   W2 holds 10 s.
 * - 2.25: W's original deadline: cap reached, nothing idle: POOL_TIMEOUT at 2.25 (not at
 *   1.0625 + 2).
 * Probes: 1.0 (after A's checkin) in 1, out 0, 0 waiting (W is woken); 1.04 out 1, in 0, 0
 * waiting; 1.05 1 waiting (W2); 1.07 2 waiting (W2, W). */
static void test_barging_wakeup_latency(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 2.0, 0.125);
	dist_constant(&fx->pc.wakeup_latency, 0.0625);
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 0.875);
	struct client *w = fx_arrive(fx, 1, 0.25, 10.0);
	struct client *n = fx_arrive(fx, 2, 1.03125, 0.5);
	struct client *w2 = fx_arrive(fx, 3, 1.046875, 10.0);
	const struct probe *p1 = fx_probe_at(fx, 1.0);
	const struct probe *p2 = fx_probe_at(fx, 1.04);
	const struct probe *p3 = fx_probe_at(fx, 1.05);
	const struct probe *p4 = fx_probe_at(fx, 1.07);
	fx_run(fx);

	EXPECT_READY(a, 0.125, 1);
	EXPECT_READY(n, 1.03125, 1);
	assert_true(n->wait_s == 0);
	EXPECT_READY(w2, 1.59375, 1);
	assert_true(w2->wait_s == 0.546875);
	EXPECT_FAIL(w, 2.25, FX_TIMED_OUT);
	assert_true(w->wait_s == 2.0);
	EXPECT_PROBE_OVERFLOW(p1, 0, 1, 0, 1, 0, 1);
	EXPECT_PROBE_OVERFLOW(p2, 1, 0, 0, 1, 0, 1);
	EXPECT_PROBE_OVERFLOW(p3, 1, 0, 0, 1, 1, 1);
	EXPECT_PROBE_OVERFLOW(p4, 1, 0, 0, 1, 2, 1);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->timeouts, 1);
	assert_int_equal(s->checkouts, 3);
	assert_int_equal(s->connects, 1);
	/* One hand-off lost to a newcomer: W's at 1.0625 (N took conn 1); W2's at 1.59375 was
	 * not (the queue still held conn 1). */
	assert_int_equal(s->barged, 1);
}

/* The wake-up latency as a distribution (issue 12: median 0.08 ms, p99 0.43 ms measured):
 * uniform on [0.0625, 0.1875] s. Pool 1+0, timeout 10 s, connect 0.125; A holds [0.125, 1.0];
 * W1 (0.25) and W2 (0.5) wait. 1.0: A returns, W1 is woken and draws its latency u1 from the
 * pool's stream; it takes conn 1 at 1.0 + l1 and holds 0.5; at its return W2 is woken, draws
 * l2 and takes it at 1.0 + l1 + 0.5 + l2. The draws are replayed from a copy of the stream:
 * l = 0.0625 + 0.125 u. No newcomer: nothing barged. */
static void test_wakeup_latency_distribution(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 10.0, 0.125);
	assert_int_equal(dist_uniform(&fx->pc.wakeup_latency, 0.0625, 0.1875), 0);
	fx_start(fx);
	gsl_rng *copy = gsl_rng_clone(fx->rng);
	assert_non_null(copy);
	fx_arrive(fx, 0, 0.0, 0.875);
	struct client *w1 = fx_arrive(fx, 1, 0.25, 0.5);
	struct client *w2 = fx_arrive(fx, 2, 0.5, 0.5);
	fx_run(fx);
	double l1 = dist_sample(&fx->pc.wakeup_latency, copy);
	double l2 = dist_sample(&fx->pc.wakeup_latency, copy);
	gsl_rng_free(copy);
	assert_true(l1 >= 0.0625 && l1 <= 0.1875 && l2 >= 0.0625 && l2 <= 0.1875 && l1 != l2);
	EXPECT_READY(w1, 1.0 + l1, 1);
	EXPECT_READY(w2, 1.0 + l1 + 0.5 + l2, 1);
	assert_int_equal(pool_stats(fx->pool)->barged, 0);
}

/* checkout_cost (issue 12): every checkout takes 0.0625 s of the pool's own work before the
 * requester has its connection. Pool 1+0, timeout 2, connect 0.125. A at 0: opens conn 1
 * (connected 0.125), has it at 0.1875 (wait 0.1875), holds 1: returns 1.1875. B at 0.5 waits;
 * at 1.1875 it is handed conn 1, has it at 1.25 (wait 0.75). The connection is out of the pool
 * during the cost: a probe at 1.2 shows 1 checked out, 0 idle, 0 waiting. */
static void test_checkout_cost(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 2.0, 0.125);
	fx->pc.checkout_cost_s = 0.0625;
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 1.0);
	struct client *b = fx_arrive(fx, 1, 0.5, 1.0);
	const struct probe *p = fx_probe_at(fx, 1.2);
	fx_run(fx);
	EXPECT_READY(a, 0.1875, 1);
	assert_true(a->wait_s == 0.1875);
	EXPECT_READY(b, 1.25, 1);
	assert_true(b->wait_s == 0.75);
	EXPECT_PROBE_OVERFLOW(p, 1, 0, 0, 1, 0, 1);
}

/* close_time (issue 12; QueuePool._do_return_conn decrements the overflow after the close):
 * pool 1+1, timeout 2, connect 0.125, close_time 0.25. A and B at 0 open conns 1 and 2 (ready
 * 0.125), hold 1: at 1.125 A's conn 1 goes idle (0 idle < size 1), B's conn 2 is closed (1 idle
 * = size), which takes until 1.375, and the record keeps its slot meanwhile. C at 1.2 takes the
 * idle conn 1. D at 1.25: nothing idle, and 2 records (C's, the closing one) = cap 2: D waits
 * although the overflow connection is on its way out; at 1.375 the close completes (no wake:
 * a freed slot notifies nobody in SQLAlchemy); C returns conn 1 at 2.2 and D takes it (wait
 * 0.95). Without close_time D would have opened a connection at 1.25. Probe at 1.3: out 2 (C
 * and the closing record), in 0, overflow 1, open 2, 1 waiting, 2 server backends; at 1.4:
 * out 1, open 1, 1 backend. */
static void test_close_time_holds_the_slot(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 1, 2.0, 0.125);
	fx->pc.close_time_s = 0.25;
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 1.0);
	fx_arrive(fx, 1, 0.0, 1.0);
	struct client *c = fx_arrive(fx, 2, 1.2, 1.0);
	struct client *d = fx_arrive(fx, 3, 1.25, 1.0);
	const struct probe *p1 = fx_probe_at(fx, 1.3);
	const struct probe *p2 = fx_probe_at(fx, 1.4);
	fx_run(fx);
	EXPECT_READY(c, 1.2, 1);
	EXPECT_READY(d, 2.2, 1);
	FX_NEAR(d->wait_s, 0.95);
	EXPECT_PROBE_OVERFLOW(p1, 2, 0, 1, 2, 1, 2);
	EXPECT_PROBE_OVERFLOW(p2, 1, 0, 0, 1, 1, 1);
	assert_int_equal(pool_stats(fx->pool)->closes, 1);
	assert_int_equal(pool_stats(fx->pool)->connects, 2);
}

/* Contrast: the same arrivals with wakeup_latency 0 (strict FIFO). At 1.0 W takes conn 1 at
 * once (wait 0.75) and holds 10 s; N (1.03125) and W2 (1.046875) wait, FIFO, and time out at
 * their deadlines 3.03125 and 3.046875. */
static void test_no_barging_without_latency(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 2.0, 0.125);
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 0.875);
	struct client *w = fx_arrive(fx, 1, 0.25, 10.0);
	struct client *n = fx_arrive(fx, 2, 1.03125, 0.5);
	struct client *w2 = fx_arrive(fx, 3, 1.046875, 10.0);
	fx_run(fx);

	EXPECT_READY(w, 1.0, 1);
	EXPECT_FAIL(n, 3.03125, FX_TIMED_OUT);
	EXPECT_FAIL(w2, 3.046875, FX_TIMED_OUT);
	assert_int_equal(pool_stats(fx->pool)->timeouts, 2);
}

/* A waiter whose deadline falls inside another waiter's wake-up latency finds the returned
 * connection in the queue and takes it: Queue.get checks the queue before the clock (§1.4).
 * Pool 1+0, timeout 1 s, connect 0.125 s, wakeup_latency 0.25 s.
 * - A (t 0, hold 0.875): conn 1 ready 0.125, returns 1.0.
 * - W1 arrives 0.0625 (deadline 1.0625), W2 arrives 0.125 (deadline 1.125).
 * - 1.0: checkin wakes W1 (to take the connection at 1.25); W1's deadline no longer applies.
 * - 1.125: W2's deadline: conn 1 is idle -> W2 takes it: ready 1.125, wait 1.0.
 * - 1.25: W1 runs, queue empty, its deadline 1.0625 has passed, cap reached: POOL_TIMEOUT at
 *   1.25 (wait 1.1875). */
static void test_deadline_takes_idle_during_wakeup(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 1.0, 0.125);
	dist_constant(&fx->pc.wakeup_latency, 0.25);
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 0.875);
	struct client *w1 = fx_arrive(fx, 1, 0.0625, 10.0);
	struct client *w2 = fx_arrive(fx, 2, 0.125, 10.0);
	fx_run(fx);

	EXPECT_READY(w2, 1.125, 1);
	assert_true(w2->wait_s == 1.0);
	EXPECT_FAIL(w1, 1.25, FX_TIMED_OUT);
	assert_true(w1->wait_s == 1.1875);
	assert_int_equal(pool_stats(fx->pool)->timeouts, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* 7. Lazy connections                                                                        */

/* Default pool 5+10, connect 0.1 s. No connection exists before demand (§1.1): at 0 and 0.5
 * the pool and the server hold nothing. A arrives at 1.0: opens conn 1 and pays the connect:
 * ready 1.1, wait = connect_s = 0.1. While it connects (probe 1.05) the connection counts as
 * checked out (SQLAlchemy's checkedout = size - idle + overflow) and holds a backend slot.
 * A returns at 2.1 (hold 1); B arrives 3.0 and reuses conn 1 with wait 0 and connect_s 0. */
static void test_lazy_connect(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 5, 10, 30.0, 0.1);
	fx_start(fx);
	assert_int_equal(pool_open(fx->pool), 0);
	assert_int_equal(fx->db.open, 0);
	const struct probe *p0 = fx_probe_at(fx, 0.5);
	struct client *a = fx_arrive(fx, 0, 1.0, 1.0);
	const struct probe *p1 = fx_probe_at(fx, 1.05);
	struct client *b = fx_arrive(fx, 1, 3.0, INFINITY);
	fx_run(fx);

	EXPECT_PROBE_OVERFLOW(p0, 0, 0, 0, 0, 0, 0);
	EXPECT_PROBE_OVERFLOW(p1, 1, 0, 0, 1, 0, 1);
	EXPECT_READY(a, 1.1, 1);
	FX_NEAR(a->wait_s, 0.1);
	FX_NEAR(a->connect_s, 0.1);
	FX_NEAR(a->created_at, 1.1);
	EXPECT_READY(b, 3.0, 1);
	assert_true(b->wait_s == 0 && b->connect_s == 0);
	assert_int_equal(pool_stats(fx->pool)->connects, 1);
	assert_int_equal(pool_open(fx->pool), 1);
}

/* ------------------------------------------------------------------------------------------ */
/* 8. Database refusal                                                                        */

/* PostgreSQL max_connections 5, superuser_reserved 2, reserved 1: 5 - 2 - 1 = 2 usable slots;
 * pool 1+4 (cap 5 > 2), connect 0.125 s.
 * - A, B (t 0, hold 2) take the 2 slots: conns 1, 2, ready 0.125.
 * - C (t 0): below the pool cap, so the pool counts a new connection and connects; the server
 *   has no slot -> refused at once (§1.8, rule 2 CONNECT_FAIL): POOL_REFUSED at 0, wait 0,
 *   answered before A and B; the pool's counter goes back (open 2), database refused 1.
 * - D (t 1.0): refused the same way at 1.0.
 * - 2.125: A returns conn 1 (kept idle), B returns conn 2 (idle full: closed; 1 backend).
 * - E (t 3.0) takes idle conn 1 at once; F (t 3.0) opens a connection in the freed slot:
 *   ready 3.125, connect_s 0.125. */
static void test_database_refusal(void **state)
{
	struct fx *fx = *state;
	fx->dbcfg.max_connections = 5;
	fx->dbcfg.superuser_reserved_connections = 2;
	fx->dbcfg.reserved_connections = 1;
	fx_config(fx, 1, 4, 30.0, 0.125);
	fx_start(fx);
	assert_int_equal(fx->db.usable, 2);
	struct client *a = fx_arrive(fx, 0, 0.0, 2.0);
	struct client *b = fx_arrive(fx, 1, 0.0, 2.0);
	struct client *c = fx_arrive(fx, 2, 0.0, 2.0);
	const struct probe *p1 = fx_probe_at(fx, 0.0625);
	struct client *d = fx_arrive(fx, 3, 1.0, 2.0);
	const struct probe *p2 = fx_probe_at(fx, 1.0);
	struct client *e = fx_arrive(fx, 4, 3.0, INFINITY);
	struct client *f = fx_arrive(fx, 5, 3.0, INFINITY);
	fx_run(fx);

	EXPECT_READY(a, 0.125, 1);
	EXPECT_READY(b, 0.125, 2);
	EXPECT_FAIL(c, 0.0, FX_REFUSED);
	assert_true(c->wait_s == 0);
	assert_int_equal(c->order, 1);
	EXPECT_PROBE_OVERFLOW(p1, 2, 0, 1, 2, 0, 2);
	assert_int_equal(p1->db_refused, 1);
	EXPECT_FAIL(d, 1.0, FX_REFUSED);
	EXPECT_PROBE_OVERFLOW(p2, 2, 0, 1, 2, 0, 2);
	assert_int_equal(p2->db_refused, 2);
	EXPECT_READY(e, 3.0, 1);
	assert_int_equal(f->outcome, FX_READY);
	assert_true(f->t_done == 3.125 && f->connect_s == 0.125);

	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->refused, 2);
	assert_int_equal(s->timeouts, 0);
	assert_int_equal(s->connects, 3);
	assert_int_equal(s->closes, 1);
	assert_int_equal(fx->db.refused, 2);
	assert_int_equal(fx->db.open, 2);
	assert_int_equal(pool_open(fx->pool), 2);
}

/* pool.h documents pool_conn.id as "1, 2, ... in order of first creation": a connect the
 * database refuses creates no record and consumes no id (regression: it used to, because the
 * record was numbered before the database was asked). Same sequence as
 * test_database_refusal: conns 1 and 2 are created, C and D are refused, then F creates the
 * third connection ever: id 3. */
static void test_refused_connect_consumes_no_id(void **state)
{
	struct fx *fx = *state;
	fx->dbcfg.max_connections = 5;
	fx->dbcfg.superuser_reserved_connections = 2;
	fx->dbcfg.reserved_connections = 1;
	fx_config(fx, 1, 4, 30.0, 0.125);
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 2.0);
	fx_arrive(fx, 1, 0.0, 2.0);
	fx_arrive(fx, 2, 0.0, 2.0);
	fx_arrive(fx, 3, 1.0, 2.0);
	fx_arrive(fx, 4, 3.0, INFINITY);
	struct client *f = fx_arrive(fx, 5, 3.0, INFINITY);
	fx_run(fx);

	EXPECT_READY(f, 3.125, 3);
}

/* Usable slots (§5.1: max_connections - superuser_reserved - reserved, never negative) and the
 * refusal text a client sees in the three configurations, when this application holds every
 * usable slot (PostgreSQL 16+ InitPostgres, §5.1): the new backend has claimed a slot, so the
 * free slots are superuser_reserved + reserved - 1:
 * - reserved_connections > 0: at least superuser_reserved free -> the pg_use_reserved_connections
 *   message;
 * - only superuser_reserved > 0: fewer than superuser_reserved free -> the SUPERUSER message;
 * - no reserved slots at all: the server is full -> "sorry, too many clients already". */
static void test_refusal_messages(void **state)
{
	(void)state;
	struct cfg_database db = {.max_connections = 100, .superuser_reserved_connections = 3};
	assert_int_equal(cfg_usable_connections(&db), 97);
	assert_string_equal(database_refusal_message(&db),
			    "FATAL:  remaining connection slots are reserved for roles with the "
			    "SUPERUSER attribute");
	db.reserved_connections = 2;
	assert_int_equal(cfg_usable_connections(&db), 95);
	assert_string_equal(database_refusal_message(&db),
			    "FATAL:  remaining connection slots are reserved for roles with "
			    "privileges of the \"pg_use_reserved_connections\" role");
	db.superuser_reserved_connections = 0;
	db.reserved_connections = 0;
	assert_int_equal(cfg_usable_connections(&db), 100);
	assert_string_equal(database_refusal_message(&db), "FATAL:  sorry, too many clients already");
	db.max_connections = 2;
	db.superuser_reserved_connections = 3;
	assert_int_equal(cfg_usable_connections(&db), 0);
}

/* The database alone: slots are taken at once or refused at once; reset keeps the open count
 * and restarts the refused counter and the level. 3 - 1 - 0 = 2 usable.
 * open: 1 on [1, 2), 2 on [2, 4), 1 on [4, ...) -> over [0, 4]: (1 + 4) / 4 = 1.25, max 2. */
static void test_database_slots(void **state)
{
	(void)state;
	struct cfg_database cfg = {.max_connections = 3, .superuser_reserved_connections = 1};
	assert_int_equal(dist_constant(&cfg.connect_time, 0.125), 0);
	struct database db;
	database_init(&db, &cfg, 0);
	assert_int_equal(db.usable, 2);
	assert_true(database_connect(&db, 1.0));
	assert_true(database_connect(&db, 2.0));
	assert_false(database_connect(&db, 3.0));
	assert_int_equal(db.refused, 1);
	assert_int_equal(db.open, 2);
	database_disconnect(&db, 4.0);
	FX_NEAR(level_mean(&db.open_level, 4.0), 1.25);
	assert_true(db.open_level.max == 2);
	database_reset(&db, 4.0);
	assert_int_equal(db.refused, 0);
	assert_int_equal(db.open, 1);
	FX_NEAR(level_mean(&db.open_level, 6.0), 1.0);
	assert_true(db.open_level.max == 1);
}

/* ------------------------------------------------------------------------------------------ */
/* 9. Unlimited overflow                                                                      */

/* Pool 2, max_overflow -1 (no cap), connect 0.125 s: five checkouts at 0 all open a
 * connection (ids 1..5, ready 0.125); nobody waits, the pool is never "exhausted". They all
 * return at 1.125 in that order: conns 1, 2 fill the idle queue (size 2), 3, 4, 5 are closed
 * (§1.6). */
static void test_unlimited_overflow(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 2, -1, 1.0, 0.125);
	fx_start(fx);
	for (int i = 0; i < 5; i++)
		fx_arrive(fx, i, 0.0, 1.0);
	const struct probe *p1 = fx_probe_at(fx, 0.5);
	fx_run(fx);

	assert_int_equal(pool_cap(fx->pool), -1);
	for (int i = 0; i < 5; i++)
		EXPECT_READY(&fx->cl[i], 0.125, (uint32_t)i + 1);
	EXPECT_PROBE_OVERFLOW(p1, 5, 0, 3, 5, 0, 5);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_true(s->waiters.max == 0);
	assert_true(s->exhausted.max == 0);
	assert_true(s->longest_exhausted_s == 0);
	assert_int_equal(s->closes, 3);
	assert_int_equal(pool_open(fx->pool), 2);
	assert_int_equal(pool_checked_in(fx->pool), 2);
	assert_int_equal(fx->db.open, 2);
}

/* Size 0, max_overflow -1 (SQLAlchemy 2.0: unbounded idle queue, §1.11): every returned
 * connection is kept. The sequence also wraps and then grows the idle ring (its initial
 * capacity is 16), and checks that FIFO order survives the growth. Connect 0.125 s.
 * - K1..K17 at 0: conns 1..17, ready 0.125. K1..K16 return at 1.0 (in order): idle [1..16].
 * - X1..X4 at 1.5 take (FIFO) 1, 2, 3, 4; they hold 1.0.
 * - K17 returns 17 at 2.0: idle [5..16, 17].
 * - X1..X4 return at 2.5: idle [5..16, 17, 1, 2, 3, 4] (17 idle, no close).
 * - Z1..Z17 at 3.0 get, in order: 5, 6, ..., 16, 17, 1, 2, 3, 4.
 * LIFO, same sequence: X1..X4 take 16, 15, 14, 13; idle [1..12, 17, 16, 15, 14, 13]; Z1..Z17
 * get 13, 14, 15, 16, 17, 12, 11, ..., 1. */
static void run_size0(struct fx *fx, bool lifo, const uint32_t x_ids[4], const uint32_t z_ids[17])
{
	fx_config(fx, 0, -1, 1.0, 0.125);
	fx->pc.use_lifo = lifo;
	fx_start(fx);
	for (int i = 0; i < 16; i++)
		fx_arrive(fx, i, 0.0, 0.875);
	fx_arrive(fx, 16, 0.0, 1.875);
	for (int i = 0; i < 4; i++)
		fx_arrive(fx, 17 + i, 1.5, 1.0);
	const struct probe *p1 = fx_probe_at(fx, 1.25);
	const struct probe *p2 = fx_probe_at(fx, 2.75);
	for (int i = 0; i < 17; i++)
		fx_arrive(fx, 21 + i, 3.0, INFINITY);
	fx_run(fx);

	for (int i = 0; i < 17; i++)
		EXPECT_READY(&fx->cl[i], 0.125, (uint32_t)i + 1);
	EXPECT_PROBE_OVERFLOW(p1, 1, 16, 17, 17, 0, 17);
	EXPECT_PROBE_OVERFLOW(p2, 0, 17, 17, 17, 0, 17);
	for (int i = 0; i < 4; i++)
		EXPECT_READY(&fx->cl[17 + i], 1.5, x_ids[i]);
	for (int i = 0; i < 17; i++)
		EXPECT_READY(&fx->cl[21 + i], 3.0, z_ids[i]);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->closes, 0);
	assert_int_equal(s->connects, 17);
	assert_int_equal(pool_checked_in(fx->pool), 0);
	assert_int_equal(pool_checked_out(fx->pool), 17);
}

static void test_size0_keeps_every_connection_fifo(void **state)
{
	static const uint32_t x[4] = {1, 2, 3, 4};
	static const uint32_t z[17] = {5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 1, 2, 3, 4};
	run_size0(*state, false, x, z);
}

static void test_size0_keeps_every_connection_lifo(void **state)
{
	static const uint32_t x[4] = {16, 15, 14, 13};
	static const uint32_t z[17] = {13, 14, 15, 16, 17, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
	run_size0(*state, true, x, z);
}

/* ------------------------------------------------------------------------------------------ */
/* 10. pre_ping                                                                               */

/* Pool 2+0, pre_ping, rtt 0.002 s, connect 0.1 s (§1.7 step 4, rule 3).
 * - A (t 0, hold 0.9): freshly opened conn 1 is not pinged: ready 0.1 (not 0.102); pings 0.
 * - B (t 2.0, hold 1): reuses idle conn 1, pinged: ready 2.002, wait 0.002, connect_s 0. During
 *   the ping (probe 2.001) the connection is checked out. B returns at 3.002.
 * - C, D (t 4.0): C reuses conn 1, pinged, ready 4.002; D finds the queue empty and opens conn
 *   2, not pinged, ready 4.1. pings 2, connects 2. */
static void test_pre_ping(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 2, 0, 30.0, 0.1);
	fx->pc.pre_ping = true;
	fx->dbcfg.rtt_s = 0.002;
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 0.9);
	struct client *b = fx_arrive(fx, 1, 2.0, 1.0);
	const struct probe *p1 = fx_probe_at(fx, 2.001);
	struct client *c = fx_arrive(fx, 2, 4.0, INFINITY);
	struct client *d = fx_arrive(fx, 3, 4.0, INFINITY);
	fx_run(fx);

	EXPECT_READY(a, 0.1, 1);
	EXPECT_READY(b, 2.002, 1);
	FX_NEAR(b->wait_s, 0.002);
	assert_true(b->connect_s == 0);
	EXPECT_PROBE_OVERFLOW(p1, 1, 0, 0, 1, 0, 1);
	EXPECT_READY(c, 4.002, 1);
	EXPECT_READY(d, 4.1, 2);
	FX_NEAR(d->wait_s, 0.1);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->pings, 2);
	assert_int_equal(s->connects, 2);
	assert_int_equal(s->checkouts, 4);
}

/* pre_ping with rtt 0: the ping is counted but costs no time. Pool 1+0, connect 0.125:
 * A (t 0, hold 0.875) conn 1 ready 0.125 (fresh, no ping); B (t 2) reuses it: ready 2.0, wait 0,
 * pings 1. */
static void test_pre_ping_zero_rtt(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 30.0, 0.125);
	fx->pc.pre_ping = true;
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 0.875);
	struct client *b = fx_arrive(fx, 1, 2.0, INFINITY);
	fx_run(fx);

	EXPECT_READY(b, 2.0, 1);
	assert_true(b->wait_s == 0);
	assert_int_equal(pool_stats(fx->pool)->pings, 1);
}

/* A waiter served by a checkin gets a reused connection, so it is pinged too. Pool 1+0,
 * rtt 0.002, connect 0.125, timeout 30: A (t 0, hold 0.875) returns conn 1 at 1.0; W (t 0.5)
 * waits, is handed conn 1 at 1.0 and is ready after the ping at 1.002 (wait 0.502). */
static void test_pre_ping_waiter(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 30.0, 0.125);
	fx->pc.pre_ping = true;
	fx->dbcfg.rtt_s = 0.002;
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 0.875);
	struct client *w = fx_arrive(fx, 1, 0.5, INFINITY);
	const struct probe *p1 = fx_probe_at(fx, 1.001);
	fx_run(fx);

	EXPECT_READY(w, 1.002, 1);
	FX_NEAR(w->wait_s, 0.502);
	EXPECT_PROBE_OVERFLOW(p1, 1, 0, 0, 1, 0, 1);
	assert_int_equal(pool_stats(fx->pool)->pings, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* 11. recycle                                                                                */

/* Pool 1+0, recycle 5 s, connect 0.125 s (§1.7 step 2: age = now - created_at, checked only at
 * checkout, strictly greater than recycle).
 * - A (t 0, hold 0.875): conn 1 created at 0.125, returns 1.0.
 * - B (t 3.0, hold 1): age 2.875 -> reused, wait 0; returns 4.0.
 * - C (t 5.125, hold 0.5): age exactly 5.0, not > 5 -> reused, wait 0; returns 5.625.
 * - D (t 6.0, hold 0.5): age 5.875 > 5 -> closed and reopened in D's name: ready 6.125, wait =
 *   connect_s = 0.125, created_at 6.125, same record (id 1); the backend count stays 1
 *   (probe 6.0625). Returns 6.625.
 * - E (t 7.0): age 0.875 -> reused at once.
 * reconnects 1, connects 2 (the reconnect opens a server connection), closes 0 (the record
 * stays). */
static void test_recycle(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 30.0, 0.125);
	fx->pc.recycle_s = 5.0;
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 0.875);
	struct client *b = fx_arrive(fx, 1, 3.0, 1.0);
	struct client *c = fx_arrive(fx, 2, 5.125, 0.5);
	struct client *d = fx_arrive(fx, 3, 6.0, 0.5);
	const struct probe *p1 = fx_probe_at(fx, 6.0625);
	struct client *e = fx_arrive(fx, 4, 7.0, INFINITY);
	fx_run(fx);

	EXPECT_READY(a, 0.125, 1);
	assert_true(a->created_at == 0.125);
	EXPECT_READY(b, 3.0, 1);
	assert_true(b->wait_s == 0 && b->created_at == 0.125);
	EXPECT_READY(c, 5.125, 1);
	assert_true(c->wait_s == 0 && c->created_at == 0.125);
	EXPECT_READY(d, 6.125, 1);
	assert_true(d->wait_s == 0.125 && d->connect_s == 0.125 && d->created_at == 6.125);
	EXPECT_PROBE_OVERFLOW(p1, 1, 0, 0, 1, 0, 1);
	EXPECT_READY(e, 7.0, 1);
	assert_true(e->wait_s == 0 && e->connect_s == 0 && e->created_at == 6.125);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->reconnects, 1);
	assert_int_equal(s->connects, 2);
	assert_int_equal(s->closes, 0);
	assert_int_equal(fx->db.open, 1);
}

/* recycle + pre_ping, rtt 0.002: a reconnected connection is fresh and not pinged (rule 3).
 * A (t 0, hold 0.875) conn 1 created 0.125; D (t 6.0, hold 0.5) reconnects: ready 6.125 (not
 * 6.127), pings 0; E (t 7.0) reuses it (age 0.875) and is pinged: ready 7.002, pings 1. */
static void test_recycle_reconnect_not_pinged(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 30.0, 0.125);
	fx->pc.recycle_s = 5.0;
	fx->pc.pre_ping = true;
	fx->dbcfg.rtt_s = 0.002;
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 0.875);
	struct client *d = fx_arrive(fx, 1, 6.0, 0.5);
	struct client *e = fx_arrive(fx, 2, 7.0, INFINITY);
	fx_run(fx);

	EXPECT_READY(d, 6.125, 1);
	EXPECT_READY(e, 7.002, 1);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->reconnects, 1);
	assert_int_equal(s->pings, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* 12. timeout 0                                                                              */

/* Pool 1+0, timeout 0, connect 0.125 s.
 * - A (t 0, hold 0.875): conn 1 ready 0.125, returns 1.0.
 * - B (arrival at 0.5): cap reached -> deadline 0.5 + 0 -> POOL_TIMEOUT at 0.5, wait 0;
 *   overflow() 1 - 1 = 0.
 * - C checks out at 1.0 from a PRIO_COMPLETION event scheduled before A's release (so it runs
 *   first at 1.0): cap reached, deadline 1.0 (PRIO_DEADLINE) -> A's same-instant release still
 *   runs before the deadline and serves C at 1.0.
 * - D (arrival at 1.0, after both): C holds conn 1 -> POOL_TIMEOUT at 1.0. */
static void test_timeout_zero(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 0.0, 0.125);
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 0.875);
	struct client *b = fx_arrive(fx, 1, 0.5, INFINITY);
	struct client *c = fx_arrive_prio(fx, 2, 1.0, PRIO_COMPLETION, INFINITY);
	struct client *d = fx_arrive(fx, 3, 1.0, INFINITY);
	fx_run(fx);

	EXPECT_READY(a, 0.125, 1);
	EXPECT_FAIL(b, 0.5, FX_TIMED_OUT);
	assert_true(b->wait_s == 0);
	EXPECT_READY(c, 1.0, 1);
	assert_true(c->wait_s == 0);
	EXPECT_FAIL(d, 1.0, FX_TIMED_OUT);
	assert_true(c->order < d->order);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->timeouts, 2);
	assert_int_equal(s->first_timeout_overflow, 0);
	char msg[160];
	pool_timeout_message(&fx->pc, s->first_timeout_overflow, msg, sizeof msg);
	assert_string_equal(msg, "QueuePool limit of size 1 overflow 0 reached, connection timed "
				 "out, timeout 0.00");
	assert_int_equal(pool_waiting(fx->pool), 0);
}

/* ------------------------------------------------------------------------------------------ */
/* 13. Time-weighted levels, warm-up reset, longest exhausted stretch                         */

/* Pool 1+1 (cap 2), timeout 1 s, connect 0.5 s; observed until 6.0.
 *   A  t 0.0  opens conn 1 (ready 0.5), hold 1.5 -> returns 2.0
 *   B  t 1.0  opens conn 2 (ready 1.5), hold 2.5 -> returns 4.0
 *   C  t 1.5  waits (deadline 2.5), served by A's return at 2.0 with conn 1, returns 3.0
 *   D  t 2.5  waits (deadline 3.5), served by C's return at 3.0 with conn 1, returns 5.0
 *   4.0 B returns conn 2: idle 0 < 1 -> kept; 5.0 D returns conn 1: idle full -> closed.
 * Step functions (a connection being opened counts as checked out):
 *   checked_out 1 [0,1) 2 [1,4) 1 [4,5) 0 [5,6)   area 1 + 6 + 1 = 8   mean 8/6
 *   checked_in  0 [0,4) 1 [4,6)                   area 2               mean 2/6
 *   overflow    0 [0,1) 1 [1,5) 0 [5,6)           area 4               mean 4/6
 *   waiters     1 [1.5,2) 1 [2.5,3), else 0       area 1               mean 1/6
 *   open        1 [0,1) 2 [1,5) 1 [5,6)           area 10              mean 10/6
 *   exhausted   1 [1.5,2) 1 [2.5,3)               area 1               mean 1/6
 * Exhausted = every allowed connection out (2 from 1.0) while someone waits (README,
 * Conventions): C waits from 1.5 and is handed conn 1 at 2.0, the last waiter, so the stretch
 * ends there; D starts a second one at 2.5, ended by its hand-off at 3.0. Over [1, 1.5) and
 * [3, 4) both connections are out but nobody waits: not exhausted (it was, before issue 7).
 * Longest 0.5. Maxima: out 2, waiters 1, overflow 1,
 * open 2. Counters: checkouts 4, connects 2, closes 1, timeouts 0.
 * The server's open level equals `open` here (one pool). */
static void levels_scenario(struct fx *fx, double reset_at)
{
	fx_config(fx, 1, 1, 1.0, 0.5);
	fx_start(fx);
	if (reset_at >= 0)
		assert_true(sim_schedule_at(fx->sim, reset_at, PRIO_COMPLETION, ev_reset, fx, 0) !=
			    SIM_NO_EVENT);
	fx_arrive(fx, 0, 0.0, 1.5);
	fx_arrive(fx, 1, 1.0, 2.5);
	fx_arrive(fx, 2, 1.5, 1.0);
	fx_arrive(fx, 3, 2.5, 2.0);
	const struct probe *end = fx_probe_at(fx, 6.0);
	fx_run(fx);
	assert_true(end->taken);
	EXPECT_READY(&fx->cl[0], 0.5, 1);
	EXPECT_READY(&fx->cl[1], 1.5, 2);
	EXPECT_READY(&fx->cl[2], 2.0, 1);
	EXPECT_READY(&fx->cl[3], 3.0, 1);
	assert_true(sim_now(fx->sim) == 6.0);
}

static void test_levels(void **state)
{
	struct fx *fx = *state;
	levels_scenario(fx, -1);
	const struct pool_stats *s = pool_stats(fx->pool);
	double t = 6.0;
	FX_NEAR(level_mean(&s->checked_out, t), 8.0 / 6);
	FX_NEAR(level_mean(&s->checked_in, t), 2.0 / 6);
	FX_NEAR(level_mean(&s->overflow, t), 4.0 / 6);
	FX_NEAR(level_mean(&s->waiters, t), 1.0 / 6);
	FX_NEAR(level_mean(&s->open, t), 10.0 / 6);
	FX_NEAR(level_mean(&s->exhausted, t), 1.0 / 6);
	FX_NEAR(level_mean(&fx->db.open_level, t), 10.0 / 6);
	assert_true(s->checked_out.max == 2 && s->waiters.max == 1 && s->overflow.max == 1 &&
		    s->open.max == 2 && s->exhausted.max == 1);
	assert_true(s->longest_exhausted_s == 0.5);
	assert_true(s->exhausted_since < 0);
	assert_int_equal(s->checkouts, 4);
	assert_int_equal(s->connects, 2);
	assert_int_equal(s->closes, 1);
	assert_int_equal(s->timeouts, 0);
	assert_int_equal(s->first_timeout_overflow, INT_MIN);
}

/* The same scenario with pool_reset at 2.5 (PRIO_COMPLETION, before D's arrival). At 2.5 the
 * state is out 2, in 0, overflow 1, 0 waiters, open 2, not exhausted (nobody waits). Over
 * [2.5, 6] (3.5 s):
 *   checked_out 2 [2.5,4) 1 [4,5) 0 [5,6)  area 3 + 1 = 4     mean 4/3.5
 *   checked_in  1 [4,6)                    area 2             mean 2/3.5
 *   overflow    1 [2.5,5)                  area 2.5           mean 2.5/3.5
 *   waiters     1 [2.5,3)                  area 0.5           mean 0.5/3.5
 *   open        2 [2.5,5) 1 [5,6)          area 6             mean 6/3.5
 *   exhausted   1 [2.5,3) (D waits)        area 0.5           mean 0.5/3.5
 * Longest 0.5 (test_exhausted_reset_mid_stretch restarts a stretch in progress). Counters
 * restart: checkouts 1 (D at 3.0), connects 0, closes 1 (at 5.0). Maxima restart from the
 * values at 2.5: out 2, waiters 1 (D), overflow 1, open 2. */
static void test_levels_after_reset(void **state)
{
	struct fx *fx = *state;
	levels_scenario(fx, 2.5);
	const struct pool_stats *s = pool_stats(fx->pool);
	double t = 6.0;
	FX_NEAR(level_mean(&s->checked_out, t), 4.0 / 3.5);
	FX_NEAR(level_mean(&s->checked_in, t), 2.0 / 3.5);
	FX_NEAR(level_mean(&s->overflow, t), 2.5 / 3.5);
	FX_NEAR(level_mean(&s->waiters, t), 0.5 / 3.5);
	FX_NEAR(level_mean(&s->open, t), 6.0 / 3.5);
	FX_NEAR(level_mean(&s->exhausted, t), 0.5 / 3.5);
	assert_true(s->checked_out.max == 2 && s->waiters.max == 1 && s->overflow.max == 1 &&
		    s->open.max == 2);
	assert_true(s->longest_exhausted_s == 0.5);
	assert_int_equal(s->checkouts, 1);
	assert_int_equal(s->connects, 0);
	assert_int_equal(s->closes, 1);
	assert_int_equal(s->timeouts, 0);
}

/* A reset while idle: levels restart from the current values and an empty window reports the
 * current value. Pool 1+1, connect 0.5: A (t 0, hold 0.5) returns conn 1 at 1.0; reset at 2.0;
 * at 2.0 the means are the current values (in 1, out 0); over [2, 4] checked_in is 1 and
 * checked_out 0; the longest exhausted stretch is 0 (never exhausted). */
static void test_reset_empty_window(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 1, 1.0, 0.5);
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 0.5);
	assert_true(sim_schedule_at(fx->sim, 2.0, PRIO_COMPLETION, ev_reset, fx, 0) !=
		    SIM_NO_EVENT);
	fx_run(fx);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_true(level_mean(&s->checked_in, 2.0) == 1);
	assert_true(level_mean(&s->checked_out, 2.0) == 0);
	assert_true(level_mean(&s->checked_in, 4.0) == 1);
	assert_true(level_mean(&s->checked_out, 4.0) == 0);
	assert_true(s->longest_exhausted_s == 0);
	assert_int_equal(s->checkouts, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* 14. Exhausted stretches: every allowed connection out while someone waits (issue 7)       */

/* A 4+0 pool (cap 4) that never had a waiter is never exhausted: A, B, C, D at 0 open conns
 * 1-4 (ready 0.125) and hold 10 s: all four are checked out over [0, 10.125), nobody waits.
 * (Before issue 7 the level was 1 there, and the pool's status said "exhausted".) */
static void test_full_without_waiter_not_exhausted(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 4, 0, 30, 0.125);
	fx_start(fx);
	for (int i = 0; i < 4; i++)
		fx_arrive(fx, i, 0.0, 10.0);
	const struct probe *p = fx_probe_at(fx, 5.0);
	fx_run(fx);
	EXPECT_PROBE_OVERFLOW(p, 4, 0, 0, 4, 0, 4);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_true(s->checked_out.max == 4);
	assert_true(s->exhausted.max == 0);
	assert_true(level_mean(&s->exhausted, sim_now(fx->sim)) == 0);
	assert_true(s->longest_exhausted_s == 0);
	assert_true(s->exhausted_since < 0);
}

/* Hand-offs keep one stretch. Pool 1+0 (cap 1), timeout 100 s, connect 0.125 s, the
 * wake-up latency `lat` (0 or 0.0625 s). A (client 0) at 0 opens conn 1 (ready 0.125),
 * holds 3.875 and returns it at 4.0. W1..W15 all ask at
 * 0.0625 and hold 4 - lat, so Wk is handed conn 1 at 4k (checkin) and takes it at 4k + lat,
 * and returns it at 4(k + 1): every hand-off is to the next waiter, W15 takes it at
 * 60 + lat and returns it at 64 (the last release).
 * With lat = 0.0625, between 4k and 4k + lat conn 1 sits idle (checked out 0, probe at
 * 4.03125) while Wk, woken, is still waiting for it: the stretch goes on (the rule in
 * models/pool.c, exhausted_next). It starts at 0.0625 (W1..W15 wait, conn 1 out) and ends
 * when the last waiter, W15, holds the connection: 60 + lat. Longest = 60 s exactly with the
 * latency (60.0625 - 0.0625) and 59.9375 s without it; the level's mean over [0, 64] is that
 * over 64. Before issue 7 the latency case split it at every hand-off: the longest stretch
 * was [0, 4), one hold. Nobody barges (no newcomer), nobody times out (W15 waits 60 s). */
static void handoff_scenario(struct fx *fx, double lat, double reset_at)
{
	fx_config(fx, 1, 0, 100, 0.125);
	assert_int_equal(dist_constant(&fx->pc.wakeup_latency, lat), 0);
	fx_start(fx);
	if (reset_at >= 0)
		assert_true(sim_schedule_at(fx->sim, reset_at, PRIO_COMPLETION, ev_reset, fx, 0) !=
			    SIM_NO_EVENT);
	fx_arrive(fx, 0, 0.0, 3.875);
	for (int k = 1; k <= 15; k++)
		fx_arrive(fx, k, 0.0625, 4.0 - lat);
	const struct probe *mid = fx_probe_at(fx, 4.03125);
	fx_run(fx); /* without latency the FIFO deadline timer ends the run at 100.0625 */
	for (int k = 1; k <= 15; k++)
		EXPECT_READY(&fx->cl[k], 4.0 * k + lat, 1);
	if (lat > 0)
		EXPECT_PROBE_OVERFLOW(mid, 0, 1, 0, 1, 14, 1); /* idle, in flight to W1 */
	else
		EXPECT_PROBE_OVERFLOW(mid, 1, 0, 0, 1, 14, 1);
	assert_int_equal(pool_stats(fx->pool)->barged, 0);
	assert_int_equal(pool_stats(fx->pool)->timeouts, 0);
}

static void test_exhausted_through_handoffs(void **state)
{
	struct fx *fx = *state;
	handoff_scenario(fx, 0, -1);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_true(s->longest_exhausted_s == 59.9375);
	FX_NEAR(level_mean(&s->exhausted, 64.0), 59.9375 / 64);
	assert_true(s->exhausted_since < 0);
}

static void test_exhausted_through_wakeup_latency(void **state)
{
	struct fx *fx = *state;
	handoff_scenario(fx, 0.0625, -1);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_true(s->longest_exhausted_s == 60.0);
	FX_NEAR(level_mean(&s->exhausted, 64.0), 60.0 / 64);
	assert_true(s->exhausted.max == 1);
}

/* The same with pool_reset at 30 (the warm-up's end, PRIO_COMPLETION): the stretch in
 * progress restarts at the reset: [30, 60.0625), longest 30.0625, mean 30.0625 / 34. */
static void test_exhausted_reset_mid_stretch(void **state)
{
	struct fx *fx = *state;
	handoff_scenario(fx, 0.0625, 30.0);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_true(s->longest_exhausted_s == 30.0625);
	FX_NEAR(level_mean(&s->exhausted, 64.0), 30.0625 / 34);
}

/* A newcomer barging during the hand-off does not end the stretch either. Pool 1+0,
 * timeout 100 s, connect 0.125 s, wakeup_latency 0.0625 s.
 * - A at 0 opens conn 1 (ready 0.125), holds 0.875: returns 1.0.
 * - W at 0.5 waits: the stretch starts (conn 1 out, W waits).
 * - 1.0: conn 1 idle, W woken (takes it at 1.0625). N arrives at 1.03125 and takes the idle
 *   connection at once (barging, §1.4), holds 0.96875: returns 2.0.
 * - 1.0625: W finds nothing idle (barged 1) and waits again, at the back, same deadline.
 * - 2.0: N returns conn 1, W woken again, takes it at 2.0625, holds 1: returns 3.0625.
 * Someone waited throughout and no connection was ever idle without a woken waiter for it:
 * one stretch [0.5, 2.0625) = 1.5625 s; the run ends at 3.0625. */
static void test_exhausted_through_barging(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 1, 0, 100, 0.125);
	dist_constant(&fx->pc.wakeup_latency, 0.0625);
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 0.875);
	struct client *w = fx_arrive(fx, 1, 0.5, 1.0);
	struct client *n = fx_arrive(fx, 2, 1.03125, 0.96875);
	fx_run(fx);
	EXPECT_READY(n, 1.03125, 1);
	EXPECT_READY(w, 2.0625, 1);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->barged, 1);
	assert_true(s->longest_exhausted_s == 1.5625);
	FX_NEAR(level_mean(&s->exhausted, 3.0625), 1.5625 / 3.0625);
}

/* A connection idle with nobody to take it ends a stretch, even while a woken waiter is
 * still on its way. Pool 2+0 (cap 2), timeout 100 s, connect 0.125 s, wakeup_latency
 * 0.0625 s. A and B at 0 open conns 1 and 2 (ready 0.125); A holds 0.875 (returns 1.0), B
 * 0.90625 (returns 1.03125). W at 0.5 waits: the stretch starts. 1.0: conn 1 idle, W woken
 * (the stretch goes on). 1.03125: conn 2 comes back idle too and no waiter is left to claim
 * it: the pool is no longer exhausted; the stretch was [0.5, 1.03125) = 0.53125 s. W takes
 * conn 1 at 1.0625 (FIFO: the one returned first), holds 1: the run ends at 2.0625. */
static void test_idle_connection_ends_stretch(void **state)
{
	struct fx *fx = *state;
	fx_config(fx, 2, 0, 100, 0.125);
	dist_constant(&fx->pc.wakeup_latency, 0.0625);
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 0.875);
	fx_arrive(fx, 1, 0.0, 0.90625);
	struct client *w = fx_arrive(fx, 2, 0.5, 1.0);
	fx_run(fx);
	EXPECT_READY(w, 1.0625, 1);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_true(s->longest_exhausted_s == 0.53125);
	FX_NEAR(level_mean(&s->exhausted, 2.0625), 0.53125 / 2.0625);
}

/* AsyncAdaptedQueuePool goes through the same rule (pool.c, for every kind): the hand-off
 * scenario without latency (the async kind has none) gives the same 59.9375 s. */
static void test_exhausted_async_same_rule(void **state)
{
	struct fx *fx = *state;
	fx->pc.kind = &pool_kind_sqlalchemy_async;
	handoff_scenario(fx, 0, -1);
	assert_true(pool_stats(fx->pool)->longest_exhausted_s == 59.9375);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_max_waiting_fails_the_run, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_max_waiting_reached_is_sound, fx_setup, fx_teardown),
		cmocka_unit_test(test_kind_registry),
		cmocka_unit_test(test_kind_settings_words),
		cmocka_unit_test_setup_teardown(test_timeout_at_cap, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_timeout_message_format, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_checkin_closes_when_size_idle, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_idle_fifo, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_idle_lifo, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_waiters_fifo_served_by_checkin, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_deadline_opens_when_capacity_freed, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_wakeup_latency_distribution, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_checkout_cost, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_close_time_holds_the_slot, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_barging_wakeup_latency, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_no_barging_without_latency, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_deadline_takes_idle_during_wakeup, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_lazy_connect, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_database_refusal, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_refused_connect_consumes_no_id, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_refusal_messages, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_database_slots, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_unlimited_overflow, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_size0_keeps_every_connection_fifo, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_size0_keeps_every_connection_lifo, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_pre_ping, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pre_ping_zero_rtt, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pre_ping_waiter, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_recycle, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_recycle_reconnect_not_pinged, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_timeout_zero, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_levels, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_levels_after_reset, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reset_empty_window, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_full_without_waiter_not_exhausted, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_exhausted_through_handoffs, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_exhausted_through_wakeup_latency, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_exhausted_reset_mid_stretch, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_exhausted_through_barging, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_idle_connection_ends_stretch, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_exhausted_async_same_rule, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
