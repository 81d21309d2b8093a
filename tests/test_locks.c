/* Tests of the per-user row locks (models/locks.c).
 *
 * The module has no clock, so every test is exact: it drives locks_acquire/locks_release by
 * hand and checks holders, queue lengths and the order of grant callbacks against the rules in
 * models/locks.h and reference/pool-semantics.md §5.4-5.5 (rule 3: FIFO per key, held until the
 * transaction ends, the waiter keeps what it holds). Grant callbacks append to a log, so a test
 * can check which (ctx, tag) was granted, in what order, and how deeply nested in other grant
 * callbacks it ran. Contract violations are assertions; they are checked in forked children. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "models/locks.h"
#include "tests/testutil.h"

/* ---- harness -------------------------------------------------------------------------------- */

#define LOG_MAX 64

struct grant_rec {
	const void *ctx;
	uint64_t tag;
	int depth;           /* grant callbacks active (including this one) when it ran */
	uint64_t holder;     /* locks_holder(user) seen from inside the callback */
	int total_waiting;   /* locks_total_waiting seen from inside the callback */
};

struct log {
	struct locks *lk;
	int user;            /* user whose holder the callbacks record */
	int n;
	int depth;
	struct grant_rec rec[LOG_MAX];
};

/* A waiting transaction. Its grant callback logs, then runs its script: optionally acquire
 * another user's lock, optionally release the granted lock (the cascade), optionally queue
 * again for it. */
struct txn {
	struct log *log;
	uint64_t id;
	int user;            /* the lock this txn waited for */
	int also_user;       /* >= 0: acquire this user's lock inside the callback */
	bool also_granted;   /* what that acquire returned */
	bool release_in_cb;  /* release `user` inside the callback */
	bool requeue_in_cb;  /* after releasing, ask for `user` again */
	bool requeue_granted;
};

static void log_grant(struct log *log, const void *ctx, uint64_t tag)
{
	assert_true(log->n < LOG_MAX);
	log->rec[log->n++] = (struct grant_rec){
		.ctx = ctx,
		.tag = tag,
		.depth = log->depth,
		.holder = locks_holder(log->lk, log->user),
		.total_waiting = locks_total_waiting(log->lk),
	};
}

/* Plain grant: ctx is a struct log. */
static void on_grant(void *ctx, uint64_t tag)
{
	struct log *log = ctx;
	log->depth++;
	log_grant(log, ctx, tag);
	log->depth--;
}

/* Scripted grant: ctx is a struct txn. */
static void on_grant_txn(void *ctx, uint64_t tag)
{
	struct txn *t = ctx;
	struct log *log = t->log;
	log->depth++;
	log_grant(log, ctx, tag);
	if (t->also_user >= 0)
		t->also_granted = locks_acquire(log->lk, t->also_user, t->id, on_grant_txn, t, tag);
	if (t->release_in_cb)
		locks_release(log->lk, t->user, t->id);
	if (t->requeue_in_cb)
		t->requeue_granted = locks_acquire(log->lk, t->user, t->id, on_grant_txn, t, tag);
	log->depth--;
}

/* Counting grant: ctx is an int. */
static void count_grant(void *ctx, uint64_t tag)
{
	(void)tag;
	++*(int *)ctx;
}

/* Never expected to run. */
static void no_grant(void *ctx, uint64_t tag)
{
	(void)ctx;
	(void)tag;
	fail_msg("unexpected grant");
}

static struct txn make_txn(struct log *log, uint64_t id, int user)
{
	return (struct txn){.log = log, .id = id, .user = user, .also_user = -1};
}

/* ---- basic ---------------------------------------------------------------------------------- */

static void test_create_all_free(void **state)
{
	(void)state;
	struct locks *lk = locks_create(10);
	assert_non_null(lk);
	for (int u = 0; u < 10; u++) {
		assert_int_equal(locks_holder(lk, u), 0);
		assert_int_equal(locks_waiting(lk, u), 0);
	}
	assert_int_equal(locks_total_waiting(lk), 0);
	assert_int_equal(locks_pool_capacity(lk), 0); /* nothing allocated before the first wait */
	locks_destroy(lk);
	locks_destroy(NULL); /* no-op */

	lk = locks_create(0); /* no users: valid, just useless */
	assert_non_null(lk);
	assert_int_equal(locks_total_waiting(lk), 0);
	locks_destroy(lk);
}

/* Free lock: granted at once, no callback; release frees it. */
static void test_immediate_grant(void **state)
{
	(void)state;
	struct locks *lk = locks_create(4);
	assert_true(locks_acquire(lk, 3, 7, no_grant, NULL, 0));
	assert_int_equal(locks_holder(lk, 3), 7);
	assert_int_equal(locks_waiting(lk, 3), 0);
	assert_int_equal(locks_total_waiting(lk), 0);
	locks_release(lk, 3, 7);
	assert_int_equal(locks_holder(lk, 3), 0);
	/* free again: anyone may take it */
	assert_true(locks_acquire(lk, 3, 8, no_grant, NULL, 0));
	assert_int_equal(locks_holder(lk, 3), 8);
	locks_release(lk, 3, 8);
	assert_int_equal(locks_pool_capacity(lk), 0); /* no waiter ever: no node allocated */
	locks_destroy(lk);
}

/* The holder asking again (a second UPDATE of the same row in one transaction) is granted at
 * once and does not queue; the lock is not counted, so the one release at commit frees it. */
static void test_reentrant_holder(void **state)
{
	(void)state;
	struct locks *lk = locks_create(2);
	assert_true(locks_acquire(lk, 1, 5, no_grant, NULL, 0));
	assert_true(locks_acquire(lk, 1, 5, no_grant, NULL, 1));
	assert_true(locks_acquire(lk, 1, 5, no_grant, NULL, 2));
	assert_int_equal(locks_holder(lk, 1), 5);
	assert_int_equal(locks_waiting(lk, 1), 0);
	assert_int_equal(locks_total_waiting(lk), 0);
	locks_release(lk, 1, 5);
	assert_int_equal(locks_holder(lk, 1), 0);
	locks_destroy(lk);
}

/* ---- queueing ------------------------------------------------------------------------------- */

/* T1 holds user 0; T2..T6 ask in that order and wait. Each release hands the lock to the
 * oldest waiter (rule 3: FIFO per key), whose callback sees itself as holder and the
 * waiter count already reduced. */
static void test_fifo_five_waiters(void **state)
{
	(void)state;
	struct log log = {.user = 0};
	struct locks *lk = log.lk = locks_create(1);
	struct txn t[7];
	for (int i = 2; i <= 6; i++)
		t[i] = make_txn(&log, (uint64_t)i, 0);

	assert_true(locks_acquire(lk, 0, 1, no_grant, NULL, 0));
	for (int i = 2; i <= 6; i++) {
		assert_false(locks_acquire(lk, 0, (uint64_t)i, on_grant_txn, &t[i], 100u + (uint64_t)i));
		assert_int_equal(locks_waiting(lk, 0), i - 1);
		assert_int_equal(locks_total_waiting(lk), i - 1);
	}
	assert_int_equal(log.n, 0); /* queued, not granted */

	uint64_t holder = 1;
	for (int i = 2; i <= 6; i++) {
		locks_release(lk, 0, holder);
		holder = (uint64_t)i;
		assert_int_equal(log.n, i - 1);
		const struct grant_rec *r = &log.rec[i - 2];
		assert_ptr_equal(r->ctx, &t[i]);
		assert_int_equal(r->tag, 100 + i);
		assert_int_equal(r->holder, i);               /* state updated before the callback */
		assert_int_equal(r->total_waiting, 6 - i);
		assert_int_equal(r->depth, 1);
		assert_int_equal(locks_holder(lk, 0), i);
		assert_int_equal(locks_waiting(lk, 0), 6 - i);
	}
	locks_release(lk, 0, 6);
	assert_int_equal(locks_holder(lk, 0), 0);
	assert_int_equal(log.n, 5);
	locks_destroy(lk);
}

/* locks_cancel (lock_timeout): txn 1 holds; 2, 3, 4 queue; 3 (the middle) and then 4 (the
 * tail, so the tail pointer moves back) are cancelled, 5 queues behind 2. Releases hand the lock
 * to 2, then 5: cancelled waiters are never granted, and cancelling a holder, a cancelled
 * waiter or a stranger is refused. */
static void test_cancel_waiter(void **state)
{
	(void)state;
	struct log log = {.user = 0};
	struct locks *lk = log.lk = locks_create(1);
	assert_true(locks_acquire(lk, 0, 1, no_grant, NULL, 0));
	for (uint64_t i = 2; i <= 4; i++)
		assert_false(locks_acquire(lk, 0, i, on_grant, &log, i));
	assert_true(locks_cancel(lk, 0, 3));
	assert_int_equal(locks_waiting(lk, 0), 2);
	assert_true(locks_cancel(lk, 0, 4));
	assert_false(locks_cancel(lk, 0, 4));
	assert_false(locks_cancel(lk, 0, 1)); /* the holder is not waiting */
	assert_false(locks_cancel(lk, 0, 9));
	assert_int_equal(locks_total_waiting(lk), 1);
	assert_false(locks_acquire(lk, 0, 5, on_grant, &log, 5));
	locks_release(lk, 0, 1);
	locks_release(lk, 0, 2);
	assert_int_equal(log.n, 2);
	assert_int_equal(log.rec[0].tag, 2);
	assert_int_equal(log.rec[1].tag, 5);
	assert_int_equal(locks_holder(lk, 0), 5);
	assert_int_equal(locks_total_waiting(lk), 0);
	assert_true(locks_cancel(lk, 0, 5) == false);
	locks_release(lk, 0, 5);
	assert_int_equal(locks_holder(lk, 0), 0);
	locks_destroy(lk);
}

/* Callbacks carry the (ctx, tag) given at acquire, run only at release, exactly once. */
static void test_grant_ctx_and_tag(void **state)
{
	(void)state;
	struct log a = {0}, b = {0};
	struct locks *lk = locks_create(3);
	a.lk = b.lk = lk;
	a.user = b.user = 2;
	assert_true(locks_acquire(lk, 2, 10, no_grant, NULL, 0));
	assert_false(locks_acquire(lk, 2, 11, on_grant, &a, UINT64_C(0xfeedfacecafebeef)));
	assert_false(locks_acquire(lk, 2, 12, on_grant, &b, 0));
	assert_int_equal(a.n + b.n, 0);

	locks_release(lk, 2, 10);
	assert_int_equal(a.n, 1);
	assert_int_equal(b.n, 0);
	assert_ptr_equal(a.rec[0].ctx, &a);
	assert_int_equal(a.rec[0].tag, UINT64_C(0xfeedfacecafebeef));
	assert_int_equal(a.rec[0].holder, 11);

	locks_release(lk, 2, 11);
	assert_int_equal(a.n, 1);
	assert_int_equal(b.n, 1);
	assert_ptr_equal(b.rec[0].ctx, &b);
	assert_int_equal(b.rec[0].tag, 0);
	assert_int_equal(b.rec[0].holder, 12);

	locks_release(lk, 2, 12);
	assert_int_equal(a.n + b.n, 2);
	assert_int_equal(locks_holder(lk, 2), 0);
	locks_destroy(lk);
}

/* The cascade from the brief. T1 holds u1; T2 and T3 wait for u1. T1's release grants T2,
 * whose callback takes the free u2 (granted at once) and releases u1, which grants T3 inside
 * the same call chain (depth 2) before T1's locks_release returns. */
static void test_cascade_in_callback(void **state)
{
	(void)state;
	enum { U1 = 1, U2 = 2 };
	struct log log = {.user = U1};
	struct locks *lk = log.lk = locks_create(3);
	struct txn t2 = make_txn(&log, 2, U1), t3 = make_txn(&log, 3, U1);
	t2.also_user = U2;
	t2.release_in_cb = true;

	assert_true(locks_acquire(lk, U1, 1, no_grant, NULL, 0));
	assert_false(locks_acquire(lk, U1, 2, on_grant_txn, &t2, 22));
	assert_false(locks_acquire(lk, U1, 3, on_grant_txn, &t3, 33));

	locks_release(lk, U1, 1);
	assert_int_equal(log.n, 2);
	assert_ptr_equal(log.rec[0].ctx, &t2);
	assert_int_equal(log.rec[0].tag, 22);
	assert_int_equal(log.rec[0].depth, 1);
	assert_int_equal(log.rec[0].holder, 2);
	assert_int_equal(log.rec[0].total_waiting, 1); /* T3 still queued */
	assert_ptr_equal(log.rec[1].ctx, &t3);
	assert_int_equal(log.rec[1].tag, 33);
	assert_int_equal(log.rec[1].depth, 2);          /* inside T2's callback */
	assert_int_equal(log.rec[1].holder, 3);
	assert_int_equal(log.rec[1].total_waiting, 0);
	assert_true(t2.also_granted);

	assert_int_equal(locks_holder(lk, U1), 3);
	assert_int_equal(locks_holder(lk, U2), 2);
	assert_int_equal(locks_total_waiting(lk), 0);
	locks_release(lk, U1, 3);
	locks_release(lk, U2, 2);
	assert_int_equal(log.n, 2);
	locks_destroy(lk);
}

/* Re-entrancy on the same lock and on a held lock, from inside a grant callback. T1 holds u0
 * and u1; T2 and T3 wait for u0. T2's callback asks for u1 (held by T1: queues, possibly in
 * the node just recycled), releases u0 (grants T3 at depth 2) and asks for u0 again (held by
 * T3 now: queues behind nobody). Then T1's release of u1 grants T2 there. */
static void test_callback_requeues(void **state)
{
	(void)state;
	struct log log = {.user = 0};
	struct locks *lk = log.lk = locks_create(2);
	struct txn t2 = make_txn(&log, 2, 0), t3 = make_txn(&log, 3, 0);
	t2.also_user = 1;
	t2.release_in_cb = true;
	t2.requeue_in_cb = true;

	assert_true(locks_acquire(lk, 0, 1, no_grant, NULL, 0));
	assert_true(locks_acquire(lk, 1, 1, no_grant, NULL, 0));
	assert_false(locks_acquire(lk, 0, 2, on_grant_txn, &t2, 2));
	assert_false(locks_acquire(lk, 0, 3, on_grant_txn, &t3, 3));

	locks_release(lk, 0, 1);
	assert_int_equal(log.n, 2);
	assert_ptr_equal(log.rec[0].ctx, &t2);
	assert_ptr_equal(log.rec[1].ctx, &t3);
	assert_int_equal(log.rec[1].depth, 2);
	assert_false(t2.also_granted);
	assert_false(t2.requeue_granted);
	assert_int_equal(locks_holder(lk, 0), 3);
	assert_int_equal(locks_holder(lk, 1), 1);
	assert_int_equal(locks_waiting(lk, 0), 1); /* T2 again */
	assert_int_equal(locks_waiting(lk, 1), 1); /* T2 */
	assert_int_equal(locks_total_waiting(lk), 2);

	/* T1 commits its u1 lock: T2 gets it; its callback runs with the same script, but u1's
	 * callback context is t2 whose user is u0, so stop the script first. */
	t2.also_user = -1;
	t2.release_in_cb = false;
	t2.requeue_in_cb = false;
	log.user = 1;
	locks_release(lk, 1, 1);
	assert_int_equal(log.n, 3);
	assert_ptr_equal(log.rec[2].ctx, &t2);
	assert_int_equal(log.rec[2].holder, 2);
	assert_int_equal(log.rec[2].depth, 1);
	/* T3 commits: T2 gets u0 too */
	locks_release(lk, 0, 3);
	assert_int_equal(log.n, 4);
	assert_int_equal(locks_holder(lk, 0), 2);
	assert_int_equal(locks_total_waiting(lk), 0);
	locks_release(lk, 0, 2);
	locks_release(lk, 1, 2);
	assert_int_equal(locks_holder(lk, 0), 0);
	assert_int_equal(locks_holder(lk, 1), 0);
	locks_destroy(lk);
}

/* A long queue whose every grant releases at once: all granted in FIFO order, each nested in
 * the previous one's callback, and the lock ends free. */
static void chain_grant(void *ctx, uint64_t tag)
{
	struct log *log = ctx;
	assert_int_equal(locks_holder(log->lk, 0), tag); /* tag = txn id here */
	assert_int_equal(tag, (uint64_t)log->n + 2);     /* FIFO: T2, T3, ... */
	log->n++;
	locks_release(log->lk, 0, tag);
}

static void test_long_cascade(void **state)
{
	(void)state;
	enum { N = 1000 };
	struct log log = {.user = 0};
	struct locks *lk = log.lk = locks_create(1);
	assert_true(locks_acquire(lk, 0, 1, no_grant, NULL, 0));
	for (uint64_t id = 2; id < 2 + N; id++)
		assert_false(locks_acquire(lk, 0, id, chain_grant, &log, id));
	assert_int_equal(locks_total_waiting(lk), N);
	locks_release(lk, 0, 1);
	assert_int_equal(log.n, N);
	assert_int_equal(locks_holder(lk, 0), 0);
	assert_int_equal(locks_total_waiting(lk), 0);
	locks_destroy(lk);
}

/* ---- several users -------------------------------------------------------------------------- */

/* Locks of different users are independent: holding or queueing on one never blocks or grants
 * another, and releasing one grants only its own waiters. */
static void test_independent_users(void **state)
{
	(void)state;
	struct log a = {0}, b = {0};
	struct locks *lk = locks_create(5);
	a.lk = b.lk = lk;
	a.user = 0;
	b.user = 4;
	assert_true(locks_acquire(lk, 0, 1, no_grant, NULL, 0));
	assert_true(locks_acquire(lk, 4, 2, no_grant, NULL, 0));
	assert_true(locks_acquire(lk, 2, 3, no_grant, NULL, 0)); /* T3 holds u2 ... */
	assert_false(locks_acquire(lk, 0, 3, on_grant, &a, 30)); /* ... and waits for u0 */
	assert_false(locks_acquire(lk, 4, 4, on_grant, &b, 40));
	assert_true(locks_acquire(lk, 1, 5, no_grant, NULL, 0)); /* u1 untouched: free */
	assert_int_equal(locks_waiting(lk, 0), 1);
	assert_int_equal(locks_waiting(lk, 1), 0);
	assert_int_equal(locks_waiting(lk, 2), 0);
	assert_int_equal(locks_waiting(lk, 4), 1);

	locks_release(lk, 4, 2);
	assert_int_equal(a.n, 0);
	assert_int_equal(b.n, 1);
	assert_int_equal(b.rec[0].tag, 40);
	assert_int_equal(locks_holder(lk, 0), 1);
	assert_int_equal(locks_holder(lk, 4), 4);
	assert_int_equal(locks_holder(lk, 2), 3); /* a waiter keeps the locks it holds (§5.4) */

	locks_release(lk, 0, 1);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.rec[0].tag, 30);
	assert_int_equal(locks_holder(lk, 0), 3);
	assert_int_equal(locks_total_waiting(lk), 0);
	locks_destroy(lk);
}

/* Per-user and total waiter counts over several users. */
static void test_waiting_counts(void **state)
{
	(void)state;
	int granted = 0;
	struct locks *lk = locks_create(4);
	static const int queued[4] = {3, 0, 5, 1};
	uint64_t id = 1;
	for (int u = 0; u < 4; u++) {
		assert_true(locks_acquire(lk, u, id++, no_grant, NULL, 0));
		for (int k = 0; k < queued[u]; k++)
			assert_false(locks_acquire(lk, u, id++, count_grant, &granted, 0));
	}
	for (int u = 0; u < 4; u++)
		assert_int_equal(locks_waiting(lk, u), queued[u]);
	assert_int_equal(locks_total_waiting(lk), 9);

	/* ids in order of asking: u0 held by T1, T2..T4 wait; u1 held by T5; u2 held by T6,
	 * T7..T11 wait; u3 held by T12, T13 waits */
	locks_release(lk, 2, 6);
	assert_int_equal(granted, 1);
	assert_int_equal(locks_holder(lk, 2), 7);
	assert_int_equal(locks_waiting(lk, 2), 4);
	assert_int_equal(locks_total_waiting(lk), 8);
	locks_release(lk, 1, 5); /* no waiters: frees */
	assert_int_equal(locks_holder(lk, 1), 0);
	assert_int_equal(locks_total_waiting(lk), 8);
	locks_destroy(lk); /* waiters still queued: freed without callbacks */
	assert_int_equal(granted, 1);
}

/* ---- memory --------------------------------------------------------------------------------- */

/* 100000 cycles on 7 users, each with 0..8 waiters that are all granted and released: nodes
 * are recycled, so the pool stops growing once it covers the peak (the first cycles already
 * reach it), and never holds fewer nodes than the peak number of waiters. */
static void test_pool_reuse_bounded(void **state)
{
	(void)state;
	enum { CYCLES = 100000, USERS = 7, MAX_W = 8 };
	int granted = 0;
	struct locks *lk = locks_create(USERS);
	uint64_t id = 1;
	size_t cap_after_warmup = 0;
	for (int c = 0; c < CYCLES; c++) {
		int u = c % USERS, nw = c % (MAX_W + 1);
		uint64_t first = id;
		assert_true(locks_acquire(lk, u, id++, no_grant, NULL, 0));
		for (int k = 0; k < nw; k++)
			assert_false(locks_acquire(lk, u, id++, count_grant, &granted, 0));
		assert_int_equal(locks_total_waiting(lk), nw);
		for (uint64_t h = first; h < id; h++)
			locks_release(lk, u, h); /* FIFO: the next id is the next holder */
		assert_int_equal(locks_holder(lk, u), 0);
		assert_int_equal(locks_total_waiting(lk), 0);
		if (c == MAX_W) /* the first cycle with the peak number of waiters */
			cap_after_warmup = locks_pool_capacity(lk);
	}
	assert_true(cap_after_warmup >= MAX_W);
	assert_int_equal(locks_pool_capacity(lk), cap_after_warmup);
	/* cycle c has c % 9 waiters: 100000 = 11111 * 9 + 1, so 11111 * 36 grants */
	assert_int_equal(granted, 11111 * 36);
	locks_destroy(lk);
}

/* Growth past one chunk: 1000 waiters on one user, drained, 50 times; capacity covers the peak
 * after the first round and then stays put. Waiters spread over many users share the pool. */
static void test_pool_growth_then_reuse(void **state)
{
	(void)state;
	enum { N = 1000, ROUNDS = 50, USERS = 100 };
	int granted = 0;
	struct locks *lk = locks_create(USERS);
	uint64_t id = 1;
	size_t cap = 0;
	for (int r = 0; r < ROUNDS; r++) {
		for (int u = 0; u < USERS; u++)
			assert_true(locks_acquire(lk, u, id++, no_grant, NULL, 0));
		uint64_t first_waiter = id;
		for (int k = 0; k < N; k++) /* round-robin over users: 10 waiters each */
			assert_false(locks_acquire(lk, k % USERS, id++, count_grant, &granted, 0));
		assert_int_equal(locks_total_waiting(lk), N);
		if (r == 0) {
			cap = locks_pool_capacity(lk);
			assert_true(cap >= N);
			assert_true(cap < 2 * N); /* whole chunks, not a doubling per wait */
		}
		assert_int_equal(locks_pool_capacity(lk), cap);
		/* drain: release the holders, then each granted waiter in the order granted */
		for (int u = 0; u < USERS; u++)
			locks_release(lk, u, first_waiter - USERS + (uint64_t)u);
		for (uint64_t h = first_waiter; h < id; h++)
			locks_release(lk, (int)((h - first_waiter) % USERS), h);
		assert_int_equal(locks_total_waiting(lk), 0);
		assert_int_equal(granted, (r + 1) * N);
	}
	assert_int_equal(locks_pool_capacity(lk), cap);
	locks_destroy(lk);
}

/* A million users: created zeroed, usable at both ends, no waiter nodes until someone waits. */
static void test_many_users(void **state)
{
	(void)state;
	enum { USERS = 1000000 };
	struct log log = {.user = USERS - 1};
	struct locks *lk = log.lk = locks_create(USERS);
	assert_non_null(lk);
	assert_int_equal(locks_holder(lk, 0), 0);
	assert_int_equal(locks_holder(lk, USERS / 2), 0);
	assert_int_equal(locks_holder(lk, USERS - 1), 0);
	assert_true(locks_acquire(lk, 0, 1, no_grant, NULL, 0));
	assert_true(locks_acquire(lk, USERS - 1, 2, no_grant, NULL, 0));
	assert_false(locks_acquire(lk, USERS - 1, 3, on_grant, &log, 9));
	assert_int_equal(locks_waiting(lk, USERS - 1), 1);
	assert_int_equal(locks_total_waiting(lk), 1);
	locks_release(lk, USERS - 1, 2);
	assert_int_equal(log.n, 1);
	assert_int_equal(log.rec[0].holder, 3);
	assert_int_equal(locks_holder(lk, 0), 1);
	locks_destroy(lk);
}

/* The table of held locks: 5000 of 2 million users held at once, in a scattered order, then
 * released in another; after every step each user's holder is what the steps say (so probe
 * runs survive the table's growth and the backward shifts of deletion), and the table's size
 * follows the locks held (2 x 5000 rounded up to a power of 2: 16384 slots), not the users. */
static void test_table_follows_held_locks(void **state)
{
	(void)state;
	enum { USERS = 2000000, HELD = 5000 };
	struct locks *lk = locks_create(USERS);
	assert_non_null(lk);
	assert_int_equal(locks_table_capacity(lk), 64);
	static int user[HELD];
	/* distinct users: an odd multiplier is a bijection modulo 2^21 > USERS, kept below USERS;
	 * consecutive ids too (1000 .. 1099) so some probe runs collide at home */
	for (int i = 0; i < HELD; i++)
		user[i] = i < 100 ? 1000 + i : (int)(((uint32_t)i * 2654435761u) % (1u << 21)) % USERS;
	for (int i = 0; i < HELD; i++)
		for (int j = 0; j < i; j++)
			if (user[j] == user[i]) {
				user[i] = -1; /* a duplicate: skipped below */
				break;
			}
	for (int i = 0; i < HELD; i++)
		if (user[i] >= 0)
			assert_true(locks_acquire(lk, user[i], (uint64_t)i + 1, no_grant, NULL, 0));
	for (int i = 0; i < HELD; i++)
		if (user[i] >= 0)
			assert_int_equal(locks_holder(lk, user[i]), (uint64_t)i + 1);
	assert_int_equal(locks_holder(lk, 999), 0);
	assert_int_equal(locks_table_capacity(lk), 16384);
	/* release every third, then the rest, checking all holders after each pass */
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 0; i < HELD; i++)
			if (user[i] >= 0 && (pass == 1) == (i % 3 != 0))
				locks_release(lk, user[i], (uint64_t)i + 1);
		for (int i = 0; i < HELD; i++)
			if (user[i] >= 0)
				assert_int_equal(locks_holder(lk, user[i]),
						 pass == 0 && i % 3 != 0 ? (uint64_t)i + 1 : 0);
	}
	/* free again: held afresh at once */
	assert_true(locks_acquire(lk, user[1], 77, no_grant, NULL, 0));
	assert_int_equal(locks_holder(lk, user[1]), 77);
	locks_destroy(lk);
}

/* ---- assertions (death tests) --------------------------------------------------------------- */

/* Contract violations are assert()s in the library (plain <assert.h>), so each is made in a
 * forked child and the parent checks that it died of SIGABRT. Skipped under NDEBUG. */
enum death_case {
	RELEASE_NOT_HOLDER,
	RELEASE_FREE,
	RELEASE_BY_WAITER,
	ACQUIRE_USER_NEG,
	ACQUIRE_USER_HIGH,
	RELEASE_USER_HIGH,
	HOLDER_USER_HIGH,
	WAITING_USER_NEG,
	ACQUIRE_TXN_ZERO,
	ACQUIRE_NULL_GRANT,
	WAITER_ASKS_AGAIN,
	CREATE_NEGATIVE,
};

static void locks_case(const void *arg)
{
	enum death_case which = *(const enum death_case *)arg;
	struct log log = {.user = 0};
	struct locks *lk = log.lk = locks_create(3);
	if (!lk)
		_exit(4); /* not an abort: the parent reports it */
	locks_acquire(lk, 0, 1, no_grant, NULL, 0);      /* T1 holds u0 */
	locks_acquire(lk, 0, 2, on_grant, &log, 0);      /* T2 waits for u0 */
	switch (which) {
	case RELEASE_NOT_HOLDER:
		locks_release(lk, 0, 3);
		break;
	case RELEASE_FREE:
		locks_release(lk, 1, 1);
		break;
	case RELEASE_BY_WAITER:
		locks_release(lk, 0, 2);
		break;
	case ACQUIRE_USER_NEG:
		locks_acquire(lk, -1, 5, on_grant, &log, 0);
		break;
	case ACQUIRE_USER_HIGH:
		locks_acquire(lk, 3, 5, on_grant, &log, 0);
		break;
	case RELEASE_USER_HIGH:
		locks_release(lk, 3, 1);
		break;
	case HOLDER_USER_HIGH:
		(void)locks_holder(lk, 3);
		break;
	case WAITING_USER_NEG:
		(void)locks_waiting(lk, -1);
		break;
	case ACQUIRE_TXN_ZERO:
		locks_acquire(lk, 1, 0, on_grant, &log, 0);
		break;
	case ACQUIRE_NULL_GRANT:
		locks_acquire(lk, 1, 5, NULL, NULL, 0);
		break;
	case WAITER_ASKS_AGAIN:
		locks_acquire(lk, 0, 2, on_grant, &log, 1);
		break;
	case CREATE_NEGATIVE:
		(void)locks_create(-1);
		break;
	}
}

static void expect_abort(enum death_case which) { testutil_expect_abort(locks_case, &which); }

static void test_release_contract_asserts(void **state)
{
	(void)state;
	expect_abort(RELEASE_NOT_HOLDER);
	expect_abort(RELEASE_FREE);
	expect_abort(RELEASE_BY_WAITER);
}

static void test_user_range_asserts(void **state)
{
	(void)state;
	expect_abort(ACQUIRE_USER_NEG);
	expect_abort(ACQUIRE_USER_HIGH);
	expect_abort(RELEASE_USER_HIGH);
	expect_abort(HOLDER_USER_HIGH);
	expect_abort(WAITING_USER_NEG);
	expect_abort(CREATE_NEGATIVE);
}

static void test_acquire_contract_asserts(void **state)
{
	(void)state;
	expect_abort(ACQUIRE_TXN_ZERO);
	expect_abort(ACQUIRE_NULL_GRANT);
	expect_abort(WAITER_ASKS_AGAIN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_all_free),
		cmocka_unit_test(test_immediate_grant),
		cmocka_unit_test(test_reentrant_holder),
		cmocka_unit_test(test_cancel_waiter),
		cmocka_unit_test(test_fifo_five_waiters),
		cmocka_unit_test(test_grant_ctx_and_tag),
		cmocka_unit_test(test_cascade_in_callback),
		cmocka_unit_test(test_callback_requeues),
		cmocka_unit_test(test_long_cascade),
		cmocka_unit_test(test_independent_users),
		cmocka_unit_test(test_waiting_counts),
		cmocka_unit_test(test_pool_reuse_bounded),
		cmocka_unit_test(test_pool_growth_then_reuse),
		cmocka_unit_test(test_many_users),
		cmocka_unit_test(test_table_follows_held_locks),
		cmocka_unit_test(test_release_contract_asserts),
		cmocka_unit_test(test_user_range_asserts),
		cmocka_unit_test(test_acquire_contract_asserts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
