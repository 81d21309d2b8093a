/* Exact tests of SQLAlchemy's NullPool (models/pool_sqlalchemy_null.c) and of the
 * AsyncAdaptedQueuePool kind (models/pool_sqlalchemy.c), on the harness of tests/poolfx.h.
 * Derivations from reference/pool-semantics.md §1.10 and §1.12 (rule 9: the async variant
 * follows QueuePool's rules). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "models/pool.h"
#include "tests/poolfx.h"

/* NullPool: every checkout connects, every checkin closes, nobody waits. Two usable server
 * slots (max_connections 5 - 3 reserved), connect 0.125.
 * - A, B at 0 (hold 1): conns 1 and 2, ready 0.125, each having paid the connect.
 * - C at 0: no slot left: refused at once (no waiting, no cap of the pool's own).
 * - 1.125: A and B return: both closed (closes 2, nothing open, no server connection).
 * - D at 2: a new connection again, conn 3, ready 2.125. */
static void test_null_connects_and_closes(void **state)
{
	struct fx *fx = *state;
	fx->pc.kind = &pool_kind_sqlalchemy_null;
	fx->dbcfg.max_connections = 5;
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 1.0);
	struct client *b = fx_arrive(fx, 1, 0.0, 1.0);
	struct client *c = fx_arrive(fx, 2, 0.0, 1.0);
	struct client *d = fx_arrive(fx, 3, 2.0, 1.0);
	const struct probe *p1 = fx_probe_at(fx, 0.5);
	const struct probe *p2 = fx_probe_at(fx, 1.5);
	fx_run(fx);
	EXPECT_READY(a, 0.125, 1);
	EXPECT_READY(b, 0.125, 2);
	FX_NEAR(a->connect_s, 0.125);
	EXPECT_FAIL(c, 0.0, FX_REFUSED);
	EXPECT_READY(d, 2.125, 3);
	EXPECT_PROBE(p1, 2, 0, 2, 0, 2);
	EXPECT_PROBE(p2, 0, 0, 0, 0, 0);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_int_equal(s->connects, 3);
	assert_int_equal(s->closes, 3);
	assert_int_equal(s->refused, 1);
	assert_int_equal(s->timeouts, 0);
	assert_int_equal(pool_cap(fx->pool), -1);
	assert_int_equal(fx->db.open, 0);
}

/* 40 requests at once on NullPool with room on the server: 40 connections, no waiter ever,
 * so never exhausted (no cap: pool.c's rule needs one). */
static void test_null_never_waits(void **state)
{
	struct fx *fx = *state;
	fx->pc.kind = &pool_kind_sqlalchemy_null;
	fx_start(fx);
	for (int i = 0; i < 40; i++)
		fx_arrive(fx, i, 0.0, 1.0);
	const struct probe *p = fx_probe_at(fx, 0.0);
	fx_run(fx);
	EXPECT_PROBE(p, 40, 0, 40, 0, 40);
	for (int i = 0; i < 40; i++)
		EXPECT_READY(&fx->cl[i], 0.125, (uint32_t)i + 1);
	assert_true(pool_stats(fx->pool)->exhausted.max == 0);
	assert_true(pool_stats(fx->pool)->longest_exhausted_s == 0);
}

/* AsyncAdaptedQueuePool: QueuePool's rules (rule 9), FIFO hand-off at the instant of the
 * return and QueuePool's error text. Pool 1 + 0, timeout 2 s, connect 0.125:
 * - A at 0 (hold 1): conn 1 at 0.125, back at 1.125.
 * - B at 0.5 (hold 1) and C at 0.75 (hold 1) wait; 1.125: B (the first getter) takes conn 1;
 *   2.125: C takes it.
 * - D at 1.0 waits too (deadline 3.0); C holds to 3.125: D times out at 3.0 with
 *   "QueuePool limit of size 1 overflow 0 reached, connection timed out, timeout 2.00".
 * Exhausted (pool.c's common rule): conn 1 out and someone waiting from 0.5 until D gives up
 * at 3.0; the hand-offs at 1.125 and 2.125 leave waiters behind: one stretch of 2.5 s. */
static void test_async_fifo_and_message(void **state)
{
	struct fx *fx = *state;
	fx->pc.kind = &pool_kind_sqlalchemy_async;
	fx->pc.size = 1;
	fx->pc.max_overflow = 0;
	fx->pc.timeout_s = 2.0;
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 1.0);
	struct client *b = fx_arrive(fx, 1, 0.5, 1.0);
	struct client *c = fx_arrive(fx, 2, 0.75, 1.0);
	struct client *d = fx_arrive(fx, 3, 1.0, 1.0);
	fx_run(fx);
	EXPECT_READY(a, 0.125, 1);
	EXPECT_READY(b, 1.125, 1);
	EXPECT_READY(c, 2.125, 1);
	EXPECT_FAIL(d, 3.0, FX_TIMED_OUT);
	FX_NEAR(pool_stats(fx->pool)->longest_exhausted_s, 2.5);
	char msg[160];
	pool_timeout_message(&fx->pc, pool_stats(fx->pool)->first_timeout_overflow, msg,
			     sizeof msg);
	assert_string_equal(msg, "QueuePool limit of size 1 overflow 0 reached, connection timed "
				 "out, timeout 2.00");
}

/* A connection whose server end has gone (pool_checkin_closed, PgBouncer dropping the client)
 * gives its slot back once: A holds conn 1 from 0.125; at 1.0 it comes back closed: no server
 * connection, no record, one close. */
static void test_null_checkin_closed(void **state)
{
	struct fx *fx = *state;
	fx->pc.kind = &pool_kind_sqlalchemy_null;
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, INFINITY);
	fx_release_closed_at(fx, a, 1.0);
	fx_run(fx);
	EXPECT_READY(a, 0.125, 1);
	assert_int_equal(fx->db.open, 0);
	assert_int_equal(pool_open(fx->pool), 0);
	assert_int_equal(pool_stats(fx->pool)->closes, 1);
}

/* The registry: each kind by its name, in the order `check` lists them. */
static void test_registry(void **state)
{
	(void)state;
	const char *names[] = {"sqlalchemy", "sqlalchemy-null", "sqlalchemy-async", "hikaricp",
			       "go"};
	for (int i = 0; i < 5; i++) {
		assert_non_null(pool_kinds[i]);
		assert_string_equal(pool_kinds[i]->name, names[i]);
		assert_ptr_equal(pool_kind_find(names[i]), pool_kinds[i]);
	}
	assert_null(pool_kinds[5]);
	assert_string_equal(pool_kind_sqlalchemy_null.title, "SQLAlchemy NullPool");
	assert_string_equal(pool_kind_sqlalchemy_async.title, "SQLAlchemy AsyncAdaptedQueuePool");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_null_connects_and_closes, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_null_never_waits, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_async_fifo_and_message, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_null_checkin_closed, fx_setup, fx_teardown),
		cmocka_unit_test(test_registry),
	};
	return cmocka_run_group_tests_name("pool_sqlalchemy_null", tests, NULL, NULL);
}
