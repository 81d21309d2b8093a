/* Exact tests of the Go database/sql pool kind (models/pool_go.c), each derived by hand from
 * the model rules of reference/pool-semantics.md §4.6 (cited as "rule 1" ... "rule 4") and
 * golang/go src/database/sql/sql.go, with constant connect times, on the harness of
 * tests/poolfx.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "models/pool.h"
#include "sim/rng.h"
#include "tests/poolfx.h"

/* SetMaxOpenConns(max_open), SetMaxIdleConns(max_idle) (already clipped, as the loader does),
 * a context timeout (INFINITY: none), connect connect_s; no lifetime limits. */
static void go(struct fx *fx, int max_open, int max_idle, double ctx_timeout_s, double connect_s)
{
	fx->pc.kind = &pool_kind_go;
	fx->pc.max_open = max_open;
	fx->pc.size = max_idle;
	fx->pc.max_overflow = max_open > 0 ? max_open - max_idle : -1;
	fx->pc.timeout_s = ctx_timeout_s;
	fx->pc.max_lifetime_s = 0;
	fx->pc.idle_timeout_s = 0;
	fx_connect_time(fx, connect_s);
}

/* Rules 1 and 2: the caller connects, and MaxIdleConns 2 closes the rest (the churn). No
 * MaxOpenConns, connect 0.125.
 * - A, B, C, D at 0 (hold 1): nothing free, no cap: each opens its own, conns 1-4, ready at
 *   0.125 having paid the connect.
 * - 1.125: A, B, C, D return in that order: conn 1 and 2 join the free list, conn 3 and 4
 *   find 2 free and are closed.
 * - E, F, G at 2.0: E takes the newest free (conn 2), F conn 1, G opens conn 5 (2.125). */
static void test_caller_connects_max_idle_churn(void **state)
{
	struct fx *fx = *state;
	go(fx, 0, 2, INFINITY, 0.125);
	fx_start(fx);
	struct client *c[7];
	for (int i = 0; i < 4; i++)
		c[i] = fx_arrive(fx, i, 0.0, 1.0);
	for (int i = 4; i < 7; i++)
		c[i] = fx_arrive(fx, i, 2.0, 1.0);
	const struct probe *p = fx_probe_at(fx, 1.5);
	fx_run(fx);
	for (int i = 0; i < 4; i++) {
		EXPECT_READY(c[i], 0.125, (uint32_t)i + 1);
		FX_NEAR(c[i]->connect_s, 0.125);
	}
	EXPECT_READY(c[4], 2.0, 2);
	EXPECT_READY(c[5], 2.0, 1);
	EXPECT_READY(c[6], 2.125, 5);
	EXPECT_PROBE(p, 0, 2, 2, 0, 2);
	const struct pool_stats *s = pool_stats(fx->pool);
	assert_true(s->exhausted.max == 0); /* no MaxOpenConns: nobody ever waits */
	assert_int_equal(s->connects, 5);
	assert_int_equal(s->closes, 3); /* 3 and 4 at 1.125; at 3.0 one of E, F, G's three */
	assert_int_equal(pool_cap(fx->pool), -1);
}

/* Rule 1: at MaxOpenConns the request waits until its context deadline: "context deadline
 * exceeded". max_open 1, context timeout 1 s, connect 0.125.
 * - A at 0 (hold 2): conn 1, ready 0.125, back at 2.125.
 * - B at 0.5: numOpen 1 = max: waits, deadline 1.5: fails then.
 * - C at 1.75: waits (deadline 2.75); A's return at 2.125 goes to C. */
static void test_context_deadline(void **state)
{
	struct fx *fx = *state;
	go(fx, 1, 1, 1.0, 0.125);
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 2.0);
	struct client *b = fx_arrive(fx, 1, 0.5, 1.0);
	struct client *c = fx_arrive(fx, 2, 1.75, 1.0);
	fx_run(fx);
	EXPECT_READY(a, 0.125, 1);
	EXPECT_FAIL(b, 1.5, FX_TIMED_OUT);
	EXPECT_READY(c, 2.125, 1);
	FX_NEAR(c->connect_s, 0);
	char msg[64];
	pool_timeout_message(&fx->pc, pool_stats(fx->pool)->first_timeout_overflow, msg,
			     sizeof msg);
	assert_string_equal(msg, "context deadline exceeded");
	assert_int_equal(pool_cap(fx->pool), 1);
}

/* Without a context deadline (Go's context.Background) a waiter waits for ever: max_open 1,
 * A holds conn 1 from 0.125 to 100.125; B (at 1) gets it then, after 99.125 s. */
static void test_no_deadline_waits(void **state)
{
	struct fx *fx = *state;
	go(fx, 1, 2, INFINITY, 0.125);
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 100.0);
	struct client *b = fx_arrive(fx, 1, 1.0, 1.0);
	fx_run(fx);
	EXPECT_READY(a, 0.125, 1);
	EXPECT_READY(b, 100.125, 1);
	FX_NEAR(b->wait_s, 99.125);
	assert_int_equal(pool_stats(fx->pool)->timeouts, 0);
}

/* Which waiter (rule 2): with waiter_order fifo, the one that asked first. max_open 1: A holds
 * conn 1 from 0.125 for 1 s; W1, W2, W3 ask at 0.25, 0.5, 0.75 (hold 1): W1 at 1.125, W2 at
 * 2.125, W3 at 3.125. Exhausted (pool.c's common rule): conn 1 out while W1 waits from 0.25;
 * each hand-off leaves a waiter until W3 takes it at 3.125: one stretch of 2.875 s. */
static void test_fifo_waiters(void **state)
{
	struct fx *fx = *state;
	go(fx, 1, 2, INFINITY, 0.125);
	fx->pc.fifo_waiters = true;
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 1.0);
	struct client *w1 = fx_arrive(fx, 1, 0.25, 1.0);
	struct client *w2 = fx_arrive(fx, 2, 0.5, 1.0);
	struct client *w3 = fx_arrive(fx, 3, 0.75, 1.0);
	fx_run(fx);
	EXPECT_READY(w1, 1.125, 1);
	EXPECT_READY(w2, 2.125, 1);
	EXPECT_READY(w3, 3.125, 1);
	assert_true(pool_stats(fx->pool)->longest_exhausted_s == 2.875);
}

/* Which waiter, today's Go (rule 2, connRequestSet.TakeRandom): a uniformly random one,
 * removed by moving the last into its place. The pool draws from its own stream, seeded from
 * two draws of the pool's generator (here mt19937 with GSL's default seed): the test draws the
 * same numbers to know which of W1, W2, W3 (set order [W1, W2, W3]) is served at 1.125, 2.125
 * and 3.125. */
static void test_random_waiter(void **state)
{
	struct fx *fx = *state;
	go(fx, 1, 2, INFINITY, 0.125);
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 1.0);
	struct client *w[3];
	for (int i = 0; i < 3; i++)
		w[i] = fx_arrive(fx, i + 1, 0.25 * (i + 1), 1.0);
	fx_run(fx);

	gsl_rng *base = gsl_rng_alloc(gsl_rng_mt19937), *pick = gsl_rng_alloc(&rng_xoshiro256ss);
	assert_non_null(base);
	assert_non_null(pick);
	uint64_t hi = gsl_rng_get(base), lo = gsl_rng_get(base);
	rng_seed(pick, hi << 32 ^ lo);
	struct client *set[3] = {w[0], w[1], w[2]};
	size_t n = 3;
	for (int k = 0; k < 3; k++) {
		size_t i = gsl_rng_uniform_int(pick, n);
		EXPECT_READY(set[i], 1.125 + k, 1);
		set[i] = set[--n];
	}
	gsl_rng_free(base);
	gsl_rng_free(pick);
}

/* Over many rounds the random choice is uniform: 3 waiters, the first served is each of them
 * about a third of the time. 3000 rounds of the same four clients on one pool (A holds for
 * 1 s, W1-W3 ask at +0.25, +0.5, +0.75; a round lasts 10 s); the count of W1 first is
 * Binomial(3000, 1/3): mean 1000, sd 25.8; the bounds 1000 +- 4.5 sd (about 1 in 150000 for a
 * correct model) fail a FIFO or LIFO choice (3000 or 0). */
static void test_random_waiter_uniform(void **state)
{
	struct fx *fx = *state;
	go(fx, 1, 2, INFINITY, 0.125);
	fx_start(fx);
	int first[3] = {0, 0, 0};
	for (int r = 0; r < 3000; r++) {
		double t0 = 10.0 * r;
		memset(&fx->cl[0], 0, 4 * sizeof fx->cl[0]);
		fx->n_answered = 0;
		fx_arrive(fx, 0, t0, 1.0);
		for (int i = 1; i <= 3; i++)
			fx_arrive(fx, i, t0 + 0.25 * i, 1.0);
		sim_run(fx->sim, t0 + 9.0);
		for (int i = 1; i <= 3; i++)
			if (fx->cl[i].order == 2)
				first[i - 1]++;
	}
	for (int i = 0; i < 3; i++) {
		assert_true(first[i] > 1000 - 116);
		assert_true(first[i] < 1000 + 116);
	}
}

/* Rule 1 and rule 2 with SetConnMaxLifetime 10 s: max_open 2, connect 0.125.
 * - A (0, hold 1): conn 1 created 0.125; B (0.5, hold 1): conn 2 created 0.625. Free list
 *   after 1.625: [1, 2]; the cleaner starts at 1.125 (first free) for 10 s.
 * - C at 10.5: newest free, conn 2 (0.625 + 10 > 10.5): ready at once.
 * - D at 10.7: conn 1 (0.125 + 10 < 10.7) expired: closed, next attempt: nothing free,
 *   numOpen 1 < 2: D connects conn 3, ready 10.825.
 * - 11.125 cleaner: nothing free; next run in 10 s. C returns conn 2 at 11.5: expired:
 *   closed. D returns conn 3 at 11.825: free.
 * - 21.125 cleaner: conn 3 (created 10.825 < 21.125 - 10) closed. 31.125: nothing open: the
 *   cleaner stops and the run ends. */
static void test_max_lifetime(void **state)
{
	struct fx *fx = *state;
	go(fx, 2, 2, INFINITY, 0.125);
	fx->pc.max_lifetime_s = 10;
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 1.0);
	fx_arrive(fx, 1, 0.5, 1.0);
	struct client *c = fx_arrive(fx, 2, 10.5, 1.0);
	struct client *d = fx_arrive(fx, 3, 10.7, 1.0);
	const struct probe *p1 = fx_probe_at(fx, 11.6);
	const struct probe *p2 = fx_probe_at(fx, 21.2);
	fx_run(fx);
	EXPECT_READY(c, 10.5, 2);
	EXPECT_READY(d, 10.825, 3);
	FX_NEAR(d->connect_s, 0.125);
	EXPECT_PROBE(p1, 1, 0, 1, 0, 1);
	EXPECT_PROBE(p2, 0, 0, 0, 0, 0);
	assert_int_equal(pool_stats(fx->pool)->closes, 3);
	FX_NEAR(sim_now(fx->sim), 31.125);
}

/* Rule 2: an expired connection returned while a request waits: closed, and the background
 * opener opens a replacement for the waiter (which pays no connect itself). max_open 1,
 * lifetime 10, connect 0.125. A (0, hold 20): conn 1 created 0.125; B at 1 waits. 20.125: A
 * returns it, expired: closed; the opener connects conn 2, handed to B at 20.25. B returns it
 * at 21.25 (not expired): free; the cleaner (from 21.25, every 10 s) closes it at 31.25 and
 * stops at 41.25. Exhausted: B waits from 1 to 20.25 with the only connection out, through its
 * close and the replacement promised to the opener (numOpen stays 1): one stretch of 19.25 s. */
static void test_expired_return_replaced_for_waiter(void **state)
{
	struct fx *fx = *state;
	go(fx, 1, 2, INFINITY, 0.125);
	fx->pc.max_lifetime_s = 10;
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 20.0);
	struct client *b = fx_arrive(fx, 1, 1.0, 1.0);
	fx_run(fx);
	EXPECT_READY(a, 0.125, 1);
	EXPECT_READY(b, 20.25, 2);
	FX_NEAR(b->connect_s, 0);
	assert_true(pool_stats(fx->pool)->longest_exhausted_s == 19.25);
	assert_int_equal(pool_stats(fx->pool)->connects, 2);
	assert_int_equal(pool_stats(fx->pool)->closes, 2);
	FX_NEAR(sim_now(fx->sim), 41.25);
}

/* Rule 3 with SetConnMaxIdleTime 5 s, Go's comparisons included: A and B (0, hold 1) return
 * conns 1 and 2 at 1.125; the cleaner starts then, first run after max(1 s, 5 s) = 6.125:
 * idle since 1.125 is not *before* 6.125 - 5 = 1.125, so nothing goes, and the next run is
 * max(1 s, 1.125 - 1.125) = 1 s later; 7.125: both go. 12.125: nothing open, it stops. */
static void test_max_idle_time_cleaner(void **state)
{
	struct fx *fx = *state;
	go(fx, 0, 2, INFINITY, 0.125);
	fx->pc.idle_timeout_s = 5;
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 1.0);
	fx_arrive(fx, 1, 0.0, 1.0);
	const struct probe *p1 = fx_probe_at(fx, 7.0);
	const struct probe *p2 = fx_probe_at(fx, 7.125);
	fx_run(fx);
	EXPECT_PROBE(p1, 0, 2, 2, 0, 2);
	EXPECT_PROBE(p2, 0, 0, 0, 0, 0);
	FX_NEAR(sim_now(fx->sim), 12.125);
}

/* pool_drain (the horizon) stops the cleaner: the same pool as above drained at 3.0 ends the
 * run at 3.0 with both connections still idle. */
static void test_drain_stops_cleaner(void **state)
{
	struct fx *fx = *state;
	go(fx, 0, 2, INFINITY, 0.125);
	fx->pc.idle_timeout_s = 5;
	fx_start(fx);
	fx_arrive(fx, 0, 0.0, 1.0);
	fx_arrive(fx, 1, 0.0, 1.0);
	fx_drain_at(fx, 3.0);
	fx_run(fx);
	FX_NEAR(sim_now(fx->sim), 3.0);
	assert_int_equal(pool_checked_in(fx->pool), 2);
}

/* A refused connect fails the caller at once (rule 1): one usable slot; A gets conn 1, B (at
 * 0.5, no cap) is refused at 0.5. */
static void test_refused(void **state)
{
	struct fx *fx = *state;
	go(fx, 0, 2, INFINITY, 0.125);
	fx->dbcfg.max_connections = 4;
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, 1.0);
	struct client *b = fx_arrive(fx, 1, 0.5, 1.0);
	fx_run(fx);
	EXPECT_READY(a, 0.125, 1);
	EXPECT_FAIL(b, 0.5, FX_REFUSED);
	assert_int_equal(pool_stats(fx->pool)->refused, 1);
	assert_int_equal(pool_open(fx->pool), 1);
}

/* A bad connection (pool_checkin_closed: driver.ErrBadConn) is closed at its return and the
 * opener opens a replacement for the waiter: max_open 1; A holds conn 1 from 0.125; B waits
 * from 0.5; 1.0: conn 1 comes back bad: closed, numOpen 0 < 1 with 1 waiter: conn 2 at 1.125
 * to B, who paid no connect. */
static void test_bad_connection_closed(void **state)
{
	struct fx *fx = *state;
	go(fx, 1, 2, INFINITY, 0.125);
	fx_start(fx);
	struct client *a = fx_arrive(fx, 0, 0.0, INFINITY);
	struct client *b = fx_arrive(fx, 1, 0.5, 1.0);
	fx_release_closed_at(fx, a, 1.0);
	fx_run(fx);
	EXPECT_READY(a, 0.125, 1);
	EXPECT_READY(b, 1.125, 2);
	FX_NEAR(b->connect_s, 0);
	assert_int_equal(pool_stats(fx->pool)->closes, 1);
	assert_int_equal(fx->db.open, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_caller_connects_max_idle_churn, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_context_deadline, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_no_deadline_waits, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_fifo_waiters, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_random_waiter, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_random_waiter_uniform, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_max_lifetime, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_expired_return_replaced_for_waiter, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_max_idle_time_cleaner, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_drain_stops_cleaner, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_refused, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_bad_connection_closed, fx_setup, fx_teardown),
	};
	return cmocka_run_group_tests_name("pool_go", tests, NULL, NULL);
}
