/* Exact tests of the HikariCP pool kind (models/pool_hikaricp.c), each derived by hand from
 * the model rules of reference/pool-semantics.md §2.10 (cited as "rule 1" ... "rule 8") with
 * constant connect times and round trips, on the harness of tests/poolfx.h.
 *
 * Constants of the model (HikariPool): the adder pauses 30 ms after each connection it adds,
 * backs off 10 ms doubling after a refused connect, validates a connection idle more than
 * 500 ms with one round trip, and its housekeeper runs at start + 100 ms + k x 30 s. The
 * record being opened by the adder counts in open and in checked out (pool.h: "being
 * opened"). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "models/pool.h"
#include "tests/poolfx.h"

/* maximumPoolSize max, minimumIdle min_idle, connectionTimeout timeout_s, connect connect_s;
 * idleTimeout and maxLifetime off unless a test sets them. */
static void hikari(struct fx *fx, int max, int min_idle, double timeout_s, double connect_s)
{
	fx->pc.kind = &pool_kind_hikaricp;
	fx->pc.size = max;
	fx->pc.max_overflow = 0;
	fx->pc.min_idle = min_idle;
	fx->pc.timeout_s = timeout_s;
	fx->pc.idle_timeout_s = 0;
	fx->pc.max_lifetime_s = 0;
	strcpy(fx->pc.pool_name, "HikariPool-1");
	fx_connect_time(fx, connect_s);
}

/* Rule 8 and rule 4: start and fill. maximumPoolSize 3 = minimumIdle, connect 0.125 s, no
 * borrower.
 * - t = 0: the fail-fast connection: one task, connect conn 1 (done 0.125).
 * - 0.1: the housekeeper's first run: fillPool, total 1 < 3 and idle 0 < 3: 3 - 0 = 3 tasks.
 * - 0.125: conn 1 added, idle; the adder pauses to 0.155.
 * - 0.155: next task: total 1 < 3, idle 1 < 3: conn 2, done 0.280, pause to 0.310.
 * - 0.310: conn 3, done 0.435, pause to 0.465; 0.465: total 3 = max: the last task ends.
 * Probe 0.2: open 2 (one being opened), idle 1, checked out 1 (the record being opened),
 * 2 server slots. Probe 0.45: 3 idle, 3 slots; connects 3, no borrower served. */
static void test_start_fills_to_minimum_idle(void **state)
{
	struct fx *fx = *state;
	hikari(fx, 3, 3, 30, 0.125);
	fx_start(fx);
	const struct probe *p1 = fx_probe_at(fx, 0.2);
	const struct probe *p2 = fx_probe_at(fx, 0.45);
	fx_run(fx);
	EXPECT_PROBE(p1, 1, 1, 2, 0, 2);
	EXPECT_PROBE(p2, 0, 3, 3, 0, 3);
	assert_int_equal(pool_stats(fx->pool)->connects, 3);
	assert_int_equal(pool_stats(fx->pool)->checkouts, 0);
	FX_NEAR(sim_now(fx->sim), 0.465); /* the last task's end */
}

/* Rules 1c, 4, 3 and 5: borrowers never connect; they wait for the adder. max 2, minimumIdle
 * 0 (nothing opened at start), connectionTimeout 1 s, connect 0.125 s.
 * - A at 1.0: nothing idle: waits (deadline 2.0); 1 waiting > 0 queued: a task; total 0 < 2
 *   and waiting 1 > idle 0: conn 1, added at 1.125 and handed to A (wait 0.125 of which
 *   connect 0: the adder connected); pause to 1.155.
 * - B at 1.05: waits (deadline 2.05), a task queued. 1.155: total 1 < 2, waiting 1 > 0: conn
 *   2 at 1.280 to B.
 * - C at 1.3: waits (deadline 2.3), a task queued; at 1.310 it finds total 2 = max: ends.
 *   Nothing comes back before 2.3 (A and B hold 2 s): C fails at 2.3 with HikariCP's text,
 *   the timeout in ms. */
static void test_adder_opens_borrowers_wait(void **state)
{
	struct fx *fx = *state;
	hikari(fx, 2, 0, 1.0, 0.125);
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 1.0, 2.0);
	struct client *b = fx_arrive(fx, 1, 1.05, 2.0);
	struct client *c = fx_arrive(fx, 2, 1.3, 1.0);
	const struct probe *p = fx_probe_at(fx, 1.5);
	fx_run(fx);
	EXPECT_READY(a, 1.125, 1);
	FX_NEAR(a->connect_s, 0);
	EXPECT_READY(b, 1.280, 2);
	EXPECT_FAIL(c, 2.3, FX_TIMED_OUT);
	EXPECT_PROBE(p, 2, 0, 2, 1, 2);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->timeouts, 1);
	assert_int_equal(s->connects, 2);
	char msg[160];
	pool_timeout_message(&fx->pc, s->first_timeout_overflow, msg, sizeof msg);
	assert_string_equal(msg, "HikariPool-1 - Connection is not available, request timed out "
				 "after 1000ms.");
	fx->pc.timeout_s = 30;
	strcpy(fx->pc.pool_name, "HikariPool-2");
	pool_timeout_message(&fx->pc, 0, msg, sizeof msg);
	assert_string_equal(msg, "HikariPool-2 - Connection is not available, request timed out "
				 "after 30000ms.");
	assert_int_equal(pool_cfg_cap(&fx->pc), 2);
}

/* Rules 1b and 3: a returned connection goes to the oldest waiter; an idle one is taken in
 * creation order, not by recency. max 2 = minimumIdle, connect 0.125: conn 1 at 0.125, conn 2
 * at 0.280 (start, as above).
 * - A (1.0, hold 1) takes conn 1 (created first), B (1.01, hold 2) conn 2.
 * - C (1.02, hold 1) and D (1.03, hold 0.005) wait; their tasks find total = max and end.
 * - 2.0: A returns conn 1: C, the oldest waiter, gets it. 3.0: C returns it: D gets it.
 * - 3.005: D returns conn 1; 3.01: B returns conn 2 (the newest return).
 * - E at 5.0: both idle: conn 1, created first, although conn 2 came back last.
 * Exhausted (pool.c's common rule): both connections out and C waiting from 1.02; the
 * hand-off to C at 2.0 leaves D waiting; D's at 3.0 leaves nobody: one stretch of 1.98 s
 * ([1.01, 1.02), both out and nobody waiting, is not exhausted). */
static void test_handoff_fifo_and_creation_order(void **state)
{
	struct fx *fx = *state;
	hikari(fx, 2, 2, 30, 0.125);
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 1.0, 1.0);
	struct client *b = fx_arrive(fx, 1, 1.01, 2.0);
	struct client *c = fx_arrive(fx, 2, 1.02, 1.0);
	struct client *d = fx_arrive(fx, 3, 1.03, 0.005);
	struct client *e = fx_arrive(fx, 4, 5.0, 1.0);
	fx_run(fx);
	EXPECT_READY(a, 1.0, 1);
	EXPECT_READY(b, 1.01, 2);
	EXPECT_READY(c, 2.0, 1);
	EXPECT_READY(d, 3.0, 1);
	EXPECT_READY(e, 5.0, 1);
	FX_NEAR(pool_stats(fx->pool)->longest_exhausted_s, 1.98);
	assert_int_equal(pool_stats(fx->pool)->connects, 2);
	assert_int_equal(pool_stats(fx->pool)->timeouts, 0);
}

/* Rule 2: a connection idle more than 500 ms costs one round trip (0.0625 s) of validation.
 * max 1 = minimumIdle, connect 0.125: conn 1 at 0.125.
 * - A at 0.5: idle 0.375 <= 0.5: no validation, ready 0.5; returns at 0.75.
 * - B at 1.5: idle 0.75 > 0.5: validated, ready 1.5625; returns at 1.8125.
 * - C at 2.0: idle 0.1875: ready 2.0. One ping in all. */
static void test_validation_after_idle(void **state)
{
	struct fx *fx = *state;
	hikari(fx, 1, 1, 30, 0.125);
	fx->dbcfg.rtt_s = 0.0625;
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.5, 0.25);
	struct client *b = fx_arrive(fx, 1, 1.5, 0.25);
	struct client *c = fx_arrive(fx, 2, 2.0, 0.25);
	fx_run(fx);
	EXPECT_READY(a, 0.5, 1);
	EXPECT_READY(b, 1.5625, 1);
	EXPECT_READY(c, 2.0, 1);
	assert_int_equal(pool_stats(fx->pool)->pings, 1);
}

/* Rule 6: maxLifetime 8 s (no random variance at or below 10 s). max 1 = minimumIdle,
 * connect 0.125.
 * - conn 1 created 0.125, end of life 8.125. A takes it at 1.0 for 10 s: at 8.125 it is in
 *   use, so only marked evicted.
 * - B at 9.0 waits; its task finds total 1 = max and ends.
 * - 11.0: A returns conn 1: evicted: closed; fillPool (total 0 < 1, idle 0 < 1): conn 2, added
 *   at 11.125 and handed to B; its end of life is 19.125.
 * - B returns it at 12.125: idle. 19.125: idle at its end of life: closed at once, fillPool:
 *   conn 3, added at 19.25 (end of life 27.25).
 * - 20.0: the horizon (pool_drain): conn 3's timer is cancelled, the run ends.
 * Probe 11.0: conn 2 being opened (open 1, out 1), B waiting, 1 server slot.
 * Exhausted: B waits from 9.0 with the only connection out until conn 2, its replacement,
 * is handed to it at 11.125: one stretch of 2.125 s (the replacement does not end it; A's
 * hold from 1.0 with nobody waiting is not exhausted). */
static void test_max_lifetime(void **state)
{
	struct fx *fx = *state;
	hikari(fx, 1, 1, 30, 0.125);
	fx->pc.max_lifetime_s = 8;
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 1.0, 10.0);
	struct client *b = fx_arrive(fx, 1, 9.0, 1.0);
	const struct probe *p1 = fx_probe_at(fx, 11.0);
	const struct probe *p2 = fx_probe_at(fx, 19.2);
	fx_drain_at(fx, 20.0);
	fx_run(fx);
	EXPECT_READY(a, 1.0, 1);
	EXPECT_READY(b, 11.125, 2);
	EXPECT_PROBE(p1, 1, 0, 1, 1, 1);
	EXPECT_PROBE(p2, 1, 0, 1, 0, 1);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_true(s->longest_exhausted_s == 2.125);
	assert_int_equal(s->closes, 2);
	assert_int_equal(s->connects, 3);
	assert_int_equal(pool_checked_in(fx->pool), 1);
	FX_NEAR(sim_now(fx->sim), 20.0);
}

/* The variance of rule 6: maxLifetime 40 s ends each connection in (39, 40] s after its
 * creation (40 - U(0, 40/40)). max 1 = minimumIdle, connect 0.125, drained at 100 s: conn 1
 * created 0.125 dies in (39.125, 40.125], conn 2 is created 0.125 later, and so on. */
static void test_max_lifetime_variance(void **state)
{
	struct fx *fx = *state;
	hikari(fx, 1, 1, 30, 0.125);
	fx->pc.max_lifetime_s = 40;
	fx_start(fx);
	const struct probe *p = fx_probe_at(fx, 39.0);
	const struct probe *q = fx_probe_at(fx, 40.3);
	fx_drain_at(fx, 100.0);
	fx_run(fx);
	EXPECT_PROBE(p, 0, 1, 1, 0, 1);
	EXPECT_PROBE(q, 0, 1, 1, 0, 1); /* conn 2, added by 40.25 at the latest */
	const struct pool_stats *s = pool_stats(fx->pool);
	/* lives of (39, 40] s from 0.125 with 0.125 s connects: deaths in (39.125, 40.125],
	 * (78.25, 80.25]: exactly 2 before 100 s */
	assert_int_equal(s->closes, 2);
	assert_int_equal(s->connects, 3);
}

/* Rule 7: the housekeeper retires connections idle longer than idleTimeout (10 s here) down
 * to minimumIdle (1), oldest created first. max 3, connect 0.125.
 * - Start: conn 1 at 0.125; the fill at 0.1 queues one task, which at 0.155 finds idle 1 =
 *   minimumIdle and nobody waiting: ends.
 * - A, B, C at 1.0 (hold 1): A takes conn 1; B and C wait and queue tasks: conn 2 at 1.125 to
 *   B, conn 3 at 1.280 (after the 30 ms pause) to C.
 * - Returns at 2.0, 2.125, 2.280: 3 idle > minimumIdle: the housekeeper is due at the next
 *   run, 30.1 (0.1 + 30).
 * - 30.1: 2 to remove; conn 1 (idle 28.1 s) and conn 2 (27.975 s) go; conn 3 stays.
 * - D at 31.0 gets conn 3. */
static void test_idle_timeout_housekeeper(void **state)
{
	struct fx *fx = *state;
	hikari(fx, 3, 1, 30, 0.125);
	fx->pc.idle_timeout_s = 10;
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 1.0, 1.0);
	struct client *b = fx_arrive(fx, 1, 1.0, 1.0);
	struct client *c = fx_arrive(fx, 2, 1.0, 1.0);
	struct client *d = fx_arrive(fx, 3, 31.0, 1.0);
	const struct probe *p1 = fx_probe_at(fx, 30.0);
	const struct probe *p2 = fx_probe_at(fx, 30.1);
	fx_run(fx);
	EXPECT_READY(a, 1.0, 1);
	EXPECT_READY(b, 1.125, 2);
	EXPECT_READY(c, 1.280, 3);
	EXPECT_READY(d, 31.0, 3);
	EXPECT_PROBE(p1, 0, 3, 3, 0, 3);
	EXPECT_PROBE(p2, 0, 1, 1, 0, 1);
	assert_int_equal(pool_stats(fx->pool)->closes, 2);
}

/* §2.6 and rule 5: a refused connect never fails a borrower; the adder backs off 10 ms,
 * doubling. One usable server slot (max_connections 4 - 3 reserved), max 2, minimumIdle 0,
 * connectionTimeout 1 s, connect 0.125.
 * - A at 1.0: conn 1 (the only slot) at 1.125.
 * - B at 1.05 waits (deadline 2.05); its task at 1.155 is refused, and again at 1.165, 1.185,
 *   1.225, 1.305, 1.465, 1.785 (backoffs 0.01, 0.02, ..., 0.64): 7 refusals. B times out at
 *   2.05 (a timeout, not a refusal). At 2.425 nobody waits: the task ends. */
static void test_refusal_backs_off(void **state)
{
	struct fx *fx = *state;
	hikari(fx, 2, 0, 1.0, 0.125);
	fx->dbcfg.max_connections = 4;
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 1.0, 10.0);
	struct client *b = fx_arrive(fx, 1, 1.05, 1.0);
	fx_run(fx);
	EXPECT_READY(a, 1.125, 1);
	EXPECT_FAIL(b, 2.05, FX_TIMED_OUT);
	assert_int_equal(fx->db.refused, 7);
	assert_int_equal(pool_stats(fx->pool)->refused, 0);
	assert_int_equal(pool_stats(fx->pool)->timeouts, 1);
}

/* A connection broken in use (pool_checkin_closed: PgBouncer dropped the client) is evicted
 * at its return, not handed on: max 1 = minimumIdle, connect 0.125; conn 1 at 0.125. A takes
 * it at 1.0 and holds it; B waits from 1.5. 2.0: it comes back without a server end: closed
 * (the slot was given back at once), fillPool opens conn 2, added at 2.125 and handed to B. */
static void test_broken_connection_evicted(void **state)
{
	struct fx *fx = *state;
	hikari(fx, 1, 1, 30, 0.125);
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 1.0, INFINITY);
	struct client *b = fx_arrive(fx, 1, 1.5, 1.0);
	fx_release_closed_at(fx, a, 2.0);
	const struct probe *p = fx_probe_at(fx, 2.0);
	fx_run(fx);
	EXPECT_READY(a, 1.0, 1);
	EXPECT_READY(b, 2.125, 2);
	EXPECT_PROBE(p, 1, 0, 1, 1, 1); /* conn 2 being opened for the waiting B */
	assert_int_equal(pool_stats(fx->pool)->closes, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_start_fills_to_minimum_idle, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_adder_opens_borrowers_wait, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_handoff_fifo_and_creation_order, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_validation_after_idle, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_max_lifetime, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_max_lifetime_variance, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_idle_timeout_housekeeper, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_refusal_backs_off, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_broken_connection_evicted, fx_setup,
						fx_teardown),
	};
	return cmocka_run_group_tests_name("pool_hikaricp", tests, NULL, NULL);
}
