/* Exact tests of the batch workload (models/batch.c), of the transaction rules it shares with
 * the request workload (row locks held until commit, pool timeouts and their attribution), and
 * of a deployment of several processes against max_connections (models/model.c).
 *
 * Each test builds a struct cfg_scenario in C and runs one replication with model_run, except
 * test_lock_lifetimes (below). In the exact tests records and requests arrive from traces (cfg_arrival.trace_t, arrays owned by the
 * fixture), every distribution is constant and the connect time is 0, so every event time is
 * known in advance; the comment above each test derives the expected values from the rules of
 * models/batch.h, models/requests.h, models/pool.h and DESIGN.md §1 "Conventions", cited as:
 *   [tick]     ticks at every, 2 every, ... before the horizon; a busy worker skips a tick;
 *   [take]     all of the backlog when it holds <= batch_size records, else up to
 *              max_batch_size; groups of group_size records (the last one shorter), in
 *              ascending user order (stable: trace order within a user);
 *   [per_batch] one transaction: checkout, BEGIN, every record, COMMIT, checkin; each group's
 *              user locked from its first write (its first record) until the commit;
 *   [per_group] a transaction per group: the connection is returned at each commit and
 *              re-acquired by the next group's first statement;
 *   [per_record] a transaction per record;
 *   [rtt]      BEGIN and COMMIT cost one rtt each (a request also one per statement);
 *   [fail]     a failed checkout fails the batch: records not yet committed go back to the
 *              front of the backlog with their arrival times;
 *   [lock]     a writing transaction takes its user's lock when its write starts and keeps it
 *              until its commit; other writers wait FIFO, holding their connections;
 *   [order]    at one instant: releases and completions, then deadlines, then arrivals (a
 *              connection freed at a waiter's deadline serves it);
 *   [heavy]    a pool timeout is "batch heavy" when batches held at least half of the pool's
 *              size + max_overflow;
 *   [rr]       requests are spread round-robin over the processes, each with its own pools.
 * A request's hold is checkout to checkin: BEGIN + lock wait + db_time + statements x rtt +
 * app_time + COMMIT. Its db_time is the trace's hold when the trace has one.
 *
 * The pool is observed through the model's sampler every 0.25 s (model_hooks): a sample at t
 * sees the state after every event at t. All times are multiples of 1/64 s, exact in binary;
 * the tolerance TOL only absorbs the rounding of means computed by Welford's update.
 *
 * test_lock_lifetimes drives batch_create directly on an engine, to read the row locks
 * themselves (who holds which user's lock at each instant), which the sampler does not show.
 * The last two tests are determinism tests on a stochastic scenario (same seed = same bytes;
 * common random numbers across pool sizes). Tests that once caught a bug say so
 * ("regression"). */
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

#include "models/batch.h"
#include "models/config.h"
#include "models/database.h"
#include "models/locks.h"
#include "models/model.h"
#include "models/pool.h"
#include "models/requests.h"
#include "models/users.h"
#include "sim/dist.h"
#include "sim/engine.h"
#include "sim/rng.h"
#include "sim/stats.h"

#define TOL 1e-9
#define MAX_TRACE 256
#define STEP 0.25 /* sampler step, seconds */

/* ------------------------------------------------------------------------------------------ */
/* Harness                                                                                    */

#define assert_near(a, b) assert_near_at((a), (b), #a, __FILE__, __LINE__)
static void assert_near_at(double a, double b, const char *expr, const char *file, int line)
{
	if (!(fabs(a - b) <= TOL)) {
		print_error("%s = %.17g, expected %.17g\n", expr, a, b);
		_fail(file, line);
	}
}

/* A tally's count, mean, min and max. */
#define EXPECT_TALLY(t, n_, mean_, min_, max_)                                                \
	do {                                                                                  \
		assert_int_equal((t).n, (n_));                                                \
		assert_near(tally_mean(&(t)), (mean_));                                               \
		assert_near((t).min, (min_));                                                 \
		assert_near((t).max, (max_));                                                 \
	} while (0)

struct sample_log {
	struct model_sample *s;
	size_t n, cap;
};

static void log_sample(void *ctx, const struct model_sample *s)
{
	struct sample_log *l = ctx;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 1024;
		struct model_sample *p = realloc(l->s, cap * sizeof *p);
		assert_non_null(p);
		l->s = p;
		l->cap = cap;
	}
	l->s[l->n++] = *s;
}

struct bfx {
	struct cfg_scenario sc;
	struct model_result *res; /* sized at each run (bfx_run) */
	struct sample_log log;
	double rec_t[MAX_TRACE];
	double req_t[MAX_TRACE], req_hold[MAX_TRACE];
	int batch_wl, req_wl; /* workload indices, -1 when absent */
};

static int setup(void **state)
{
	struct bfx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct bfx *f = *state;
	if (f) {
		free(f->log.s);
		model_result_destroy(f->res);
	}
	free(f);
	return 0;
}

/* The scenario of most tests: horizon 20 s, connect time 0, rtt 0, row locks on, one user
 * (every group is user 0, so the groups keep the trace order: [take] sorts stably),
 * one pool "main" 5+10 timeout 30 s, and one batch workload "agg": 6 records arriving at
 * t = 1, 2, ..., 6, a tick every 10 s (so one tick, at 10), batch_size = max_batch_size = 10,
 * group_size 3, per_record 1 s, `commit`. */
static void bfx_base(struct bfx *f, enum cfg_commit commit)
{
	struct cfg_scenario *sc = &f->sc;
	cfg_scenario_defaults(sc);
	sc->horizon_s = 20;
	sc->seed = 1;
	assert_int_equal(dist_constant(&sc->db.connect_time, 0), 0);
	sc->db.rtt_s = 0;
	sc->db.row_locks = true;
	sc->users.count = 1;
	sc->n_pools = 1;
	cfg_pool_defaults(&sc->pools[0]);
	memcpy(sc->pools[0].name, "main", sizeof "main");
	sc->n_workloads = 1;
	struct cfg_workload *w = &sc->workloads[0];
	memset(w, 0, sizeof *w);
	memcpy(w->name, "agg", sizeof "agg");
	w->kind = CFG_WORKLOAD_BATCH;
	w->pool = 0;
	cfg_batch_defaults(&w->batch);
	for (int i = 0; i < 6; i++)
		f->rec_t[i] = i + 1;
	w->batch.records.trace_n = 6;
	w->batch.records.trace_t = f->rec_t;
	w->batch.records.trace_hold = NULL;
	w->batch.every_s = 10;
	w->batch.batch_size = 10;
	w->batch.max_batch_size = 10;
	assert_int_equal(dist_constant(&w->batch.group_size, 3), 0);
	assert_int_equal(dist_constant(&w->batch.per_record, 1), 0);
	w->batch.commit = commit;
	w->batch.workers = 1;
	w->batch.processes = 1;
	f->batch_wl = 0;
	f->req_wl = -1;
}

static struct cfg_batch *bcfg(struct bfx *f) { return &f->sc.workloads[f->batch_wl].batch; }

/* Replace the batch's records by a trace of n arrival times. */
static void bfx_records(struct bfx *f, size_t n, const double *t)
{
	assert_true(n <= MAX_TRACE);
	memcpy(f->rec_t, t, n * sizeof *t);
	bcfg(f)->records.trace_n = n;
	bcfg(f)->records.trace_t = f->rec_t;
}

/* Add a request workload "api" on pool 0 after the existing workloads: n requests arriving at
 * t[i], db_time constant db_s (or the trace's hold[i] when hold is not NULL), app_time 0, one
 * statement, `writes` of them writing. */
static struct cfg_requests *bfx_requests(struct bfx *f, size_t n, const double *t,
					 const double *hold, double db_s, double writes)
{
	struct cfg_scenario *sc = &f->sc;
	assert_true(n <= MAX_TRACE && sc->n_workloads < CFG_MAX_WORKLOADS);
	memcpy(f->req_t, t, n * sizeof *t);
	if (hold)
		memcpy(f->req_hold, hold, n * sizeof *hold);
	f->req_wl = sc->n_workloads++;
	struct cfg_workload *w = &sc->workloads[f->req_wl];
	memset(w, 0, sizeof *w);
	memcpy(w->name, "api", sizeof "api");
	w->kind = CFG_WORKLOAD_REQUESTS;
	w->pool = 0;
	cfg_requests_defaults(&w->req);
	w->req.arrival.trace_n = n;
	w->req.arrival.trace_t = f->req_t;
	w->req.arrival.trace_hold = hold ? f->req_hold : NULL;
	assert_int_equal(dist_constant(&w->req.db_time, db_s), 0);
	w->req.writes = writes;
	return &w->req;
}

/* A scenario of requests only (no batch): bfx_base's database and pool, then bfx_requests. */
static void bfx_requests_only(struct bfx *f)
{
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.n_workloads = 0;
	f->batch_wl = -1;
}

static void set_pool(struct bfx *f, int size, int overflow, double timeout_s)
{
	f->sc.pools[0].size = size;
	f->sc.pools[0].max_overflow = overflow;
	f->sc.pools[0].timeout_s = timeout_s;
}

/* Run replication 0 with the sampler every STEP and check what every drained run satisfies. */
static void bfx_run(struct bfx *f)
{
	f->log.n = 0;
	struct model_hooks h = {.sample_step_s = STEP, .on_sample = log_sample, .ctx = &f->log};
	model_result_destroy(f->res);
	f->res = model_result_create(&f->sc);
	assert_non_null(f->res);
	assert_int_equal(model_run(&f->sc, 0, f->res, &h), 0);
	assert_int_equal(f->log.n, model_sample_count(f->sc.horizon_s, STEP) * (uint64_t)f->sc.n_pools);
	if (f->batch_wl >= 0) {
		const struct batch_stats *b = &f->res->batches[f->batch_wl];
		assert_int_equal(b->batches, b->failed + b->completed);
		assert_int_equal(b->duration.n, b->completed);
		assert_int_equal(b->hold.n, b->transactions);
		assert_int_equal(b->lag.n, b->records);
		assert_int_equal(b->size.n, b->batches);
		assert_int_equal(b->lock_wait.n, b->lock_waits);
	}
	if (f->req_wl >= 0) {
		const struct requests_stats *r = &f->res->workloads[f->req_wl];
		assert_int_equal(r->offered, r->served + requests_failures(r));
		/* every request that got a connection held it: the served, and those that failed
		 * after it (cancelled in the database, or answered after client_timeout) */
		assert_int_equal(r->hold.n, r->served + r->failed[REQ_LOCK_TIMEOUT] +
						    r->failed[REQ_STATEMENT_TIMEOUT] +
						    r->failed[REQ_GIVEN_UP]);
		assert_int_equal(r->lock_wait.n, r->lock_waits);
	}
}

static const struct batch_stats *B(const struct bfx *f) { return &f->res->batches[f->batch_wl]; }
static const struct requests_stats *R(const struct bfx *f)
{
	return &f->res->workloads[f->req_wl];
}

/* The sample of pool 0 (process 0) at instant t (a multiple of STEP). */
static const struct model_sample *sample_at(const struct bfx *f, double t)
{
	for (size_t i = 0; i < f->log.n; i++)
		if (f->log.s[i].pool == 0 && f->log.s[i].t_s == t)
			return &f->log.s[i];
	fail_msg("no sample at t = %g", t);
	return NULL;
}

enum field { F_OUT, F_IN, F_WAITERS, F_BACKLOG, F_ACTIVE };

static int field_of(const struct model_sample *s, enum field fl)
{
	switch (fl) {
	case F_OUT:
		return s->checked_out;
	case F_IN:
		return s->checked_in;
	case F_WAITERS:
		return s->waiters;
	case F_BACKLOG:
		return s->backlog;
	case F_ACTIVE:
		return s->batch_active;
	}
	return INT_MIN;
}

/* Every sample of pool 0 with t in [t0, t1) shows `value` in field fl. */
#define EXPECT_OVER(f, fl, t0, t1, value) expect_over((f), (fl), (t0), (t1), (value), #fl, __LINE__)
static void expect_over(const struct bfx *f, enum field fl, double t0, double t1, int value,
			const char *name, int line)
{
	int seen = 0;
	for (size_t i = 0; i < f->log.n; i++) {
		const struct model_sample *s = &f->log.s[i];
		if (s->pool != 0 || s->t_s < t0 || s->t_s >= t1)
			continue;
		seen++;
		if (field_of(s, fl) != value) {
			print_error("%s at t = %g: %d, expected %d over [%g, %g)\n", name, s->t_s,
				    field_of(s, fl), value, t0, t1);
			_fail(__FILE__, line);
		}
	}
	if (seen == 0) {
		print_error("%s: no sample in [%g, %g)\n", name, t0, t1);
		_fail(__FILE__, line);
	}
}

/* ------------------------------------------------------------------------------------------ */
/* 1-4. One batch under each commit strategy                                                   */

/* per_batch. Records 1..6 wait in the backlog; [tick] at 10 takes all 6 (6 <= batch_size 10,
 * [take]): groups {1,2,3}, {4,5,6} (group_size 3). Checkout at 10 opens a connection (connect 0)
 * -> BEGIN (rtt 0) -> records at 10..16 -> COMMIT at 16 -> checkin at 16 [per_batch].
 * - batches 1, completed 1, size 6, one transaction, hold 16 - 10 = 6, duration 6;
 * - lag = 16 - arrival: 15, 14, ..., 10, mean 16 - 3.5 = 12.5;
 * - sampler: checked_out 1 and batch_active 1 on [10, 16), 0 from 16 (the connection idles in
 *   the pool: checked_in 1); backlog k on [k, k+1) for k = 1..5, 6 on [6, 10), 0 from 10;
 * - levels over [0, 20]: backlog area 1+2+3+4+5 + 6 x 4 = 39 -> mean 1.95, max 6; active area
 *   6 -> mean 0.3; backlog_end 0;
 * - pool: 1 checkout, 1 connect, checked_out_max 1, no timeout. */
static void test_per_batch_sequence(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->batches, 1);
	assert_int_equal(b->completed, 1);
	assert_int_equal(b->failed, 0);
	assert_int_equal(b->records, 6);
	assert_int_equal(b->transactions, 1);
	assert_int_equal(b->lock_waits, 0);
	EXPECT_TALLY(b->size, 1, 6, 6, 6);
	EXPECT_TALLY(b->duration, 1, 6, 6, 6);
	EXPECT_TALLY(b->hold, 1, 6, 6, 6);
	EXPECT_TALLY(b->lag, 6, 12.5, 10, 15);
	assert_near(b->backlog_mean, 39.0 / 20);
	assert_near(b->backlog_max, 6);
	assert_near(b->active_mean, 0.3);
	assert_near(b->backlog_end, 0);

	EXPECT_OVER(f, F_OUT, 0, 10, 0);
	EXPECT_OVER(f, F_OUT, 10, 16, 1);
	EXPECT_OVER(f, F_OUT, 16, 20.25, 0);
	EXPECT_OVER(f, F_IN, 16, 20.25, 1);
	EXPECT_OVER(f, F_ACTIVE, 0, 10, 0);
	EXPECT_OVER(f, F_ACTIVE, 10, 16, 1);
	EXPECT_OVER(f, F_ACTIVE, 16, 20.25, 0);
	EXPECT_OVER(f, F_BACKLOG, 0, 1, 0);
	for (int k = 1; k <= 5; k++)
		EXPECT_OVER(f, F_BACKLOG, k, k + 1, k);
	EXPECT_OVER(f, F_BACKLOG, 6, 10, 6);
	EXPECT_OVER(f, F_BACKLOG, 10, 20.25, 0);

	const struct pool_result *p = &f->res->pools[0];
	assert_int_equal(p->checkouts, 1);
	assert_int_equal(p->connects, 1);
	assert_int_equal(p->timeouts, 0);
	assert_near(p->checked_out_max, 1);
	assert_near(p->checked_out_mean, 0.3);
	assert_near(f->res->end_s, 20); /* the drain ends at the horizon: nothing after 16 */
}

/* Regression (issue 10 item 1): a group size beyond INT_MAX (constant 3e9, as a heavy-tailed
 * draw may give) was converted with lround to int and wrapped negative: start_batch wrote past
 * the end of its group array (heap-buffer-overflow, then a segfault). A group never holds more
 * than the batch's records, so under per_group the 6 records of test_per_batch_sequence form a
 * single group: one transaction, checkout 10, COMMIT and checkin 16, hold 6 [take][per_group]. */
static void test_group_size_beyond_int(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_GROUP);
	assert_int_equal(dist_constant(&bcfg(f)->group_size, 3e9), 0);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->batches, 1);
	assert_int_equal(b->completed, 1);
	assert_int_equal(b->records, 6);
	assert_int_equal(b->transactions, 1);
	EXPECT_TALLY(b->hold, 1, 6, 6, 6);
	EXPECT_TALLY(b->duration, 1, 6, 6, 6);
}

/* per_group. The same batch: transaction 1 = group {1,2,3}: checkout 10, COMMIT and checkin
 * 13; transaction 2 = group {4,5,6}: checkout 13 (takes the connection just returned: still 1
 * connect, 2 checkouts), COMMIT and checkin 16 [per_group].
 * - transactions 2, holds 3 and 3; duration 6;
 * - lags 13 - {1,2,3} = 12, 11, 10 and 16 - {4,5,6} = 12, 11, 10: mean 11, min 10, max 12;
 * - nobody waits, so the return and re-checkout at 13 fall within one instant: the sampler
 *   shows checked_out 1 on [10, 16) as for per_batch. */
static void test_per_group_sequence(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_GROUP);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->batches, 1);
	assert_int_equal(b->completed, 1);
	assert_int_equal(b->records, 6);
	assert_int_equal(b->transactions, 2);
	EXPECT_TALLY(b->duration, 1, 6, 6, 6);
	EXPECT_TALLY(b->hold, 2, 3, 3, 3);
	EXPECT_TALLY(b->lag, 6, 11, 10, 12);
	EXPECT_OVER(f, F_OUT, 0, 10, 0);
	EXPECT_OVER(f, F_OUT, 10, 16, 1);
	EXPECT_OVER(f, F_OUT, 16, 20.25, 0);
	const struct pool_result *p = &f->res->pools[0];
	assert_int_equal(p->checkouts, 2);
	assert_int_equal(p->connects, 1);
}

/* per_record. Six transactions: record i (arrived at i) runs [10 + i - 1, 10 + i] and commits
 * at 10 + i [per_record]: holds 1 each, 6 checkouts of one connection, duration 6; every lag
 * is (10 + i) - i = 10. */
static void test_per_record_sequence(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_RECORD);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->records, 6);
	assert_int_equal(b->transactions, 6);
	EXPECT_TALLY(b->duration, 1, 6, 6, 6);
	EXPECT_TALLY(b->hold, 6, 1, 1, 1);
	EXPECT_TALLY(b->lag, 6, 10, 10, 10);
	EXPECT_OVER(f, F_OUT, 10, 16, 1);
	assert_int_equal(f->res->pools[0].checkouts, 6);
	assert_int_equal(f->res->pools[0].connects, 1);
}

/* Groups run in ascending user order [take], whatever their order in the backlog. 1000 users,
 * per_group: the batch draws the user of group {1,2,3} (u0), then of {4,5,6} (u1), from the
 * workload's work stream, rebuilt here as model.h documents (rng_stream_id("agg",
 * STREAM_HOLDS)); seeds are picked so that one run has u0 < u1 and another u0 > u1.
 * - u0 < u1: {1,2,3} commits at 13, {4,5,6} at 16: lags 12, 11, 10, 12, 11, 10;
 * - u0 > u1: {4,5,6} commits at 13 (lags 9, 8, 7), {1,2,3} at 16 (lags 15, 14, 13).
 * The mean is 11 either way; min and max tell the order. */
static void test_groups_in_user_order(void **state)
{
	struct bfx *f = *state;
	bool seen[2] = {false, false}; /* [0]: u0 < u1 run, [1]: u0 > u1 run */
	for (uint64_t seed = 1; seed <= 64 && !(seen[0] && seen[1]); seed++) {
		bfx_base(f, CFG_COMMIT_PER_GROUP);
		f->sc.users.count = 1000;
		f->sc.seed = seed;
		struct users *users = users_create(&f->sc.users);
		gsl_rng *work = rng_stream_create(seed, 0, rng_stream_id("agg", STREAM_HOLDS));
		assert_true(users && work);
		int u0 = users_draw(users, work), u1 = users_draw(users, work);
		gsl_rng_free(work);
		users_destroy(users);
		if (u0 == u1 || seen[u0 > u1])
			continue;
		seen[u0 > u1] = true;
		bfx_run(f);
		if (u0 < u1)
			EXPECT_TALLY(B(f)->lag, 6, 11, 10, 12);
		else
			EXPECT_TALLY(B(f)->lag, 6, 11, 7, 15);
	}
	assert_true(seen[0] && seen[1]);
}

/* rtt 0.25 s: every transaction pays BEGIN and COMMIT [rtt], so its hold is its records' time
 * + 0.5.
 * - per_batch: 6 + 0.5 = 6.5; duration 6.5; lag mean 16.5 - 3.5 = 13.
 * - per_group: 3 + 0.5 = 3.5 each: [10, 13.5], [13.5, 17]; duration 7; lags
 *   13.5 - {1,2,3}, 17 - {4,5,6}: mean (12.5+11.5+10.5+13+12+11)/6 = 11.75, min 10.5, max 13.
 * - per_record: 1 + 0.5 = 1.5 each: record i commits at 10 + 1.5 i; duration 9; lags
 *   10 + 0.5 i: mean 10 + 0.5 x 3.5 = 11.75, min 10.5, max 13. */
static void test_rtt_adds_begin_and_commit(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.db.rtt_s = 0.25;
	bfx_run(f);
	EXPECT_TALLY(B(f)->hold, 1, 6.5, 6.5, 6.5);
	EXPECT_TALLY(B(f)->duration, 1, 6.5, 6.5, 6.5);
	EXPECT_TALLY(B(f)->lag, 6, 13, 10.5, 15.5);

	bcfg(f)->commit = CFG_COMMIT_PER_GROUP;
	bfx_run(f);
	EXPECT_TALLY(B(f)->hold, 2, 3.5, 3.5, 3.5);
	EXPECT_TALLY(B(f)->duration, 1, 7, 7, 7);
	EXPECT_TALLY(B(f)->lag, 6, 11.75, 10.5, 13);
	EXPECT_OVER(f, F_OUT, 10, 17, 1);
	EXPECT_OVER(f, F_OUT, 17, 20.25, 0);

	bcfg(f)->commit = CFG_COMMIT_PER_RECORD;
	bfx_run(f);
	EXPECT_TALLY(B(f)->hold, 6, 1.5, 1.5, 1.5);
	EXPECT_TALLY(B(f)->duration, 1, 9, 9, 9);
	EXPECT_TALLY(B(f)->lag, 6, 11.75, 10.5, 13);
}

/* Round trips in a writing request and in the lock it waits for. rtt 0.25, one user, per_batch;
 * writing requests (db_time 0.5, one statement) at 1 and 10.5.
 * - request 1: BEGIN [1, 1.25], lock free, statement work 0.5 + its round trip 0.25, COMMIT
 *   0.25: hold 1.25, no wait;
 * - the batch: BEGIN [10, 10.25], user 0 locked from 10.25 (first write), records to 16.25,
 *   COMMIT [16.25, 16.5]: the lock is released and the connection returned at 16.5; hold 6.5;
 * - request 2: BEGIN [10.5, 10.75], waits for user 0 from 10.75 to 16.5 (5.75), then 0.5 +
 *   0.25 + COMMIT 0.25: done at 17.5, hold 7.
 * - requests: lock_waits 1, lock wait 5.75, holds 1.25 and 7 (mean 4.125). */
static void test_request_rtt_and_lock(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.db.rtt_s = 0.25;
	static const double t[2] = {1, 10.5};
	bfx_requests(f, 2, t, NULL, 0.5, 1.0);
	bfx_run(f);
	const struct requests_stats *r = R(f);
	assert_int_equal(r->served, 2);
	assert_int_equal(r->lock_waits, 1);
	EXPECT_TALLY(r->lock_wait, 1, 5.75, 5.75, 5.75);
	EXPECT_TALLY(r->hold, 2, 4.125, 1.25, 7);
	EXPECT_TALLY(B(f)->hold, 1, 6.5, 6.5, 6.5);
	assert_int_equal(B(f)->lock_waits, 0);
	EXPECT_OVER(f, F_OUT, 16.5, 17.5, 1);
	EXPECT_OVER(f, F_OUT, 17.5, 20.25, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* 5. Lock lifetimes, read off the locks themselves                                           */

#define N_PROBES 41 /* t = 0, 0.5, ..., 20 */

struct lock_probe_ctx {
	struct locks *locks;
	struct pool *pool;
	int lo, hi;
	uint64_t holder_lo[N_PROBES], holder_hi[N_PROBES];
	int out[N_PROBES];
};

static void ev_lock_probe(struct sim *sim, void *obj, uint64_t k)
{
	(void)sim;
	struct lock_probe_ctx *c = obj;
	c->holder_lo[k] = locks_holder(c->locks, c->lo);
	c->holder_hi[k] = locks_holder(c->locks, c->hi);
	c->out[k] = pool_checked_out(c->pool);
}

/* bfx_base's batch on its own engine, database (row locks on, 1000 users), pool 5+10 and
 * streams; probes at t = k/2 (after every other event at that instant) record the holders of
 * the two users of the batch's groups. The users are found by replaying the batch's work
 * stream: start_batch draws one user per group, in group order (a constant group_size draws
 * nothing). Returns the batch's stats in *st. */
static void run_lock_probes(enum cfg_commit commit, struct lock_probe_ctx *c,
			    struct batch_stats *st)
{
	struct cfg_database dbc = {.max_connections = 100, .superuser_reserved_connections = 3,
				   .rtt_s = 0, .row_locks = true};
	assert_int_equal(dist_constant(&dbc.connect_time, 0), 0);
	struct cfg_pool pc;
	cfg_pool_defaults(&pc);
	struct cfg_users uc = {.count = 1000, .zipf_s = 0};
	struct cfg_batch bc;
	cfg_batch_defaults(&bc);
	static const double rec[6] = {1, 2, 3, 4, 5, 6};
	bc.records.trace_n = 6;
	bc.records.trace_t = rec;
	bc.every_s = 10;
	bc.batch_size = bc.max_batch_size = 10;
	assert_int_equal(dist_constant(&bc.group_size, 3), 0);
	assert_int_equal(dist_constant(&bc.per_record, 1), 0);
	bc.commit = commit;

	struct sim *sim = sim_create();
	struct database db;
	database_init(&db, &dbc, 0);
	struct locks *locks = locks_create(uc.count);
	struct users *users = users_create(&uc);
	gsl_rng *conn_rng = rng_stream_create(5, 0, 3);
	gsl_rng *arr_rng = rng_stream_create(5, 0, 1);
	gsl_rng *work_rng = rng_stream_create(5, 0, 2);
	assert_true(sim && locks && users && conn_rng && arr_rng && work_rng);
	db.locks = locks;
	gsl_rng *replay = gsl_rng_clone(work_rng);
	assert_non_null(replay);
	int u0 = users_draw(users, replay), u1 = users_draw(users, replay);
	gsl_rng_free(replay);
	assert_int_not_equal(u0, u1); /* the seed was chosen so: two distinct users */
	struct pool *pool = pool_create(&pc, sim, &db, conn_rng);
	assert_non_null(pool);
	struct batch *b = batch_create(&bc, sim, &db, &pool, users, arr_rng, work_rng, 0, 20, st);
	assert_non_null(b);
	c->locks = locks;
	c->pool = pool;
	c->lo = u0 < u1 ? u0 : u1;
	c->hi = u0 < u1 ? u1 : u0;
	batch_start(b);
	for (uint64_t k = 0; k < N_PROBES; k++)
		assert_true(sim_schedule_at(sim, 0.5 * (double)k, SIM_PRIO_MAX, ev_lock_probe, c, k) !=
			    SIM_NO_EVENT);
	sim_run(sim, INFINITY);
	assert_int_equal(sim_pending(sim), 0);
	assert_int_equal(locks_total_waiting(locks), 0);
	assert_int_equal(locks_holder(locks, c->lo), 0);
	assert_int_equal(locks_holder(locks, c->hi), 0);
	batch_destroy(b);
	pool_destroy(pool);
	users_destroy(users);
	locks_destroy(locks);
	sim_destroy(sim);
	gsl_rng_free(conn_rng);
	gsl_rng_free(arr_rng);
	gsl_rng_free(work_rng);
}

/* Holders at t for each strategy. Groups run in ascending user order [take]: group "lo" holds
 * records {1,2,3} ... whichever of the two draws is smaller goes first; transaction ids are 1,
 * 2, ... in order of BEGIN (database_begin).
 * - per_batch: one transaction (id 1); lo locked from its first write at 10, hi from its
 *   first write at 13 (not before), both until the COMMIT at 16 [per_batch];
 * - per_group: lo by transaction 1 on [10, 13), hi by transaction 2 on [13, 16) [per_group];
 * - per_record: record j (1-based) is transaction j on [9 + j, 10 + j): lo by 1, 2, 3 on
 *   [10, 13), hi by 4, 5, 6 on [13, 16).
 * The connection is checked out on [10, 16) in all three. */
static uint64_t expect_holder(enum cfg_commit commit, bool hi, double t)
{
	if (t < 10 || t >= 16)
		return 0;
	if (!hi && t >= 13 && commit != CFG_COMMIT_PER_BATCH)
		return 0;
	if (hi && t < 13)
		return 0;
	switch (commit) {
	case CFG_COMMIT_PER_BATCH:
		return 1;
	case CFG_COMMIT_PER_GROUP:
		return hi ? 2 : 1;
	case CFG_COMMIT_PER_RECORD:
		return (uint64_t)floor(t) - 9;
	}
	return UINT64_MAX;
}

static void test_lock_lifetimes(void **state)
{
	(void)state;
	static const enum cfg_commit commits[3] = {CFG_COMMIT_PER_BATCH, CFG_COMMIT_PER_GROUP,
						   CFG_COMMIT_PER_RECORD};
	static const uint64_t txns[3] = {1, 2, 6};
	for (int m = 0; m < 3; m++) {
		struct lock_probe_ctx c;
		struct batch_stats st;
		memset(&c, 0, sizeof c);
		run_lock_probes(commits[m], &c, &st);
		for (int k = 0; k < N_PROBES; k++) {
			double t = 0.5 * k;
			if (c.holder_lo[k] != expect_holder(commits[m], false, t) ||
			    c.holder_hi[k] != expect_holder(commits[m], true, t)) {
				print_error("commit %d, t = %g: holders lo %llu hi %llu, expected %llu %llu\n",
					    m, t, (unsigned long long)c.holder_lo[k],
					    (unsigned long long)c.holder_hi[k],
					    (unsigned long long)expect_holder(commits[m], false, t),
					    (unsigned long long)expect_holder(commits[m], true, t));
				fail();
			}
			assert_int_equal(c.out[k], t >= 10 && t < 16);
		}
		assert_int_equal(st.transactions, txns[m]);
		assert_int_equal(st.records, 6);
		assert_int_equal(st.lock_waits, 0);
	}
}

/* ------------------------------------------------------------------------------------------ */
/* 6. Lock waits: requests behind a batch, a batch behind requests                             */

/* One user (users.count 1: every group and every request is user 0). per_batch: the batch
 * locks user 0 at 10 (first write) until its COMMIT at 16 [per_batch]. Two writing requests
 * (writes 1.0, db_time 0.5), arriving at 11 and 12, each get a connection at once (pool 5+10,
 * connect 0: served wait 0), BEGIN (rtt 0), then wait for the lock holding their connections
 * [lock]:
 * - at 16 the COMMIT hands the lock to the first (FIFO): it runs 0.5 s and commits at 16.5:
 *   lock wait 5, hold 16.5 - 11 = 5.5;
 * - the second gets it at 16.5, commits at 17: lock wait 4.5, hold 5;
 * - lock_waits 2; lock_wait mean 4.75; hold mean 5.25. The batch never waits: hold 6.
 * - sampler: checked_out 1 on [10, 11), 2 on [11, 12), 3 on [12, 16), 2 on [16, 16.5) (the
 *   two requests), 1 on [16.5, 17), 0 from 17.
 * With row_locks false nobody waits: holds 0.5, lock_waits 0. */
static void test_lock_wait_cascade_per_batch(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.users.count = 1;
	static const double t[2] = {11, 12};
	bfx_requests(f, 2, t, NULL, 0.5, 1.0);
	bfx_run(f);
	const struct requests_stats *r = R(f);
	assert_int_equal(r->served, 2);
	assert_int_equal(r->lock_waits, 2);
	EXPECT_TALLY(r->wait_served, 2, 0, 0, 0);
	EXPECT_TALLY(r->lock_wait, 2, 4.75, 4.5, 5);
	EXPECT_TALLY(r->hold, 2, 5.25, 5, 5.5);
	assert_int_equal(B(f)->lock_waits, 0);
	EXPECT_TALLY(B(f)->hold, 1, 6, 6, 6);
	EXPECT_OVER(f, F_OUT, 10, 11, 1);
	EXPECT_OVER(f, F_OUT, 11, 12, 2);
	EXPECT_OVER(f, F_OUT, 12, 16, 3);
	EXPECT_OVER(f, F_OUT, 16, 16.5, 2);
	EXPECT_OVER(f, F_OUT, 16.5, 17, 1);
	EXPECT_OVER(f, F_OUT, 17, 20.25, 0);

	f->sc.db.row_locks = false;
	bfx_run(f);
	r = R(f);
	assert_int_equal(r->served, 2);
	assert_int_equal(r->lock_waits, 0);
	EXPECT_TALLY(r->hold, 2, 0.5, 0.5, 0.5);
	EXPECT_TALLY(B(f)->hold, 1, 6, 6, 6);
}

/* The same with per_group: the COMMIT of group 1 at 13 releases user 0 [per_group].
 * - request 1 (waiting since 11) gets the lock at 13, commits at 13.5: lock wait 2, hold 2.5;
 * - the batch's second transaction checks out at 13 (the returned connection), BEGIN, and
 *   queues for user 0 behind request 2 (queued at 12): FIFO;
 * - request 2 gets the lock at 13.5, commits at 14: lock wait 1.5, hold 2;
 * - the batch gets it at 14: lock wait 1 (13 -> 14), records 14..17, COMMIT 17: hold 4;
 *   batch holds 3 and 4 (mean 3.5), duration 7; lags 13 - {1,2,3} and 17 - {4,5,6}:
 *   12, 11, 10, 13, 12, 11: mean 11.5. */
static void test_lock_wait_cascade_per_group(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_GROUP);
	f->sc.users.count = 1;
	static const double t[2] = {11, 12};
	bfx_requests(f, 2, t, NULL, 0.5, 1.0);
	bfx_run(f);
	const struct requests_stats *r = R(f);
	assert_int_equal(r->lock_waits, 2);
	EXPECT_TALLY(r->lock_wait, 2, 1.75, 1.5, 2);
	EXPECT_TALLY(r->hold, 2, 2.25, 2, 2.5);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->lock_waits, 1);
	EXPECT_TALLY(b->lock_wait, 1, 1, 1, 1);
	EXPECT_TALLY(b->hold, 2, 3.5, 3, 4);
	EXPECT_TALLY(b->duration, 1, 7, 7, 7);
	EXPECT_TALLY(b->lag, 6, 11.5, 10, 13);
}

/* A batch behind a request: a writing request arrives at 9.5 (db_time 2) and holds user 0's
 * lock on [9.5, 11.5]. The per_batch batch at 10 checks out, BEGIN, waits for user 0 until
 * 11.5 (holding its connection), then records 11.5..17.5, COMMIT 17.5: batch lock wait 1.5,
 * hold 7.5, duration 7.5; the request waited for nothing: hold 2. */
static void test_batch_waits_for_request_lock(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.users.count = 1;
	static const double t[1] = {9.5};
	bfx_requests(f, 1, t, NULL, 2, 1.0);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->lock_waits, 1);
	EXPECT_TALLY(b->lock_wait, 1, 1.5, 1.5, 1.5);
	EXPECT_TALLY(b->hold, 1, 7.5, 7.5, 7.5);
	EXPECT_TALLY(b->duration, 1, 7.5, 7.5, 7.5);
	assert_int_equal(R(f)->lock_waits, 0);
	EXPECT_TALLY(R(f)->hold, 1, 2, 2, 2);
	EXPECT_OVER(f, F_OUT, 10, 11.5, 2);
	EXPECT_OVER(f, F_OUT, 11.5, 17.5, 1);
}

/* A per_batch transaction waiting twice, once per group. Two users; the batch's groups have
 * users 0 ({1,2,3}, first) and 1 ({4,5,6}); two writing requests hold user 0 on [9.5, 10.5]
 * (trace hold 1) and user 1 on [9.75, 14.75] (trace hold 5). Seeds are picked by replaying the
 * streams as model.h documents: the batch draws one user per group from "agg"'s work stream;
 * each request draws its user, then its write uniform, from "api"'s hold stream.
 * - the batch: BEGIN at 10, user 0 busy: waits to 10.5 (0.5), records 10.5..13.5; user 1 at
 *   its first write, 13.5 (not at BEGIN: request 2 could take it at 9.75 and keep it), busy:
 *   waits to 14.75 (1.25), records 14.75..17.75, COMMIT 17.75;
 * - hold and duration 7.75, lock wait time 0.5 + 1.25 = 1.75 in all, lags 17.75 - 3.5 =
 *   14.25 on average; the requests never wait.
 * The number of waits is 2 (one per wait, as lock_wait.n counts them) although the batch.h
 * comment on lock_waits says "transactions ... that waited" (1 here): see the report; this
 * test pins the time and the consistency of the two counts only. */
static void test_per_batch_waits_per_group_lock(void **state)
{
	struct bfx *f = *state;
	uint64_t seed = 0;
	for (uint64_t s = 1; s <= 256 && !seed; s++) {
		struct cfg_users uc = {.count = 2, .zipf_s = 0};
		struct users *users = users_create(&uc);
		gsl_rng *work = rng_stream_create(s, 0, rng_stream_id("agg", STREAM_HOLDS));
		gsl_rng *holds = rng_stream_create(s, 0, rng_stream_id("api", STREAM_HOLDS));
		assert_true(users && work && holds);
		int g0 = users_draw(users, work), g1 = users_draw(users, work);
		int ra = users_draw(users, holds);
		(void)gsl_rng_uniform(holds); /* request 1's write draw */
		int rb = users_draw(users, holds);
		gsl_rng_free(work);
		gsl_rng_free(holds);
		users_destroy(users);
		if (g0 != g1 && ra == 0 && rb == 1)
			seed = s;
	}
	assert_true(seed != 0);
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.seed = seed;
	f->sc.users.count = 2;
	static const double t[2] = {9.5, 9.75};
	static const double h[2] = {1, 5};
	bfx_requests(f, 2, t, h, 0, 1.0);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_true(b->lock_waits >= 1);
	assert_int_equal(b->lock_wait.n, b->lock_waits);
	assert_near(tally_mean(&b->lock_wait) * (double)b->lock_wait.n, 1.75);
	assert_near(b->lock_wait.max, 1.25);
	EXPECT_TALLY(b->hold, 1, 7.75, 7.75, 7.75);
	EXPECT_TALLY(b->duration, 1, 7.75, 7.75, 7.75);
	EXPECT_TALLY(b->lag, 6, 14.25, 11.75, 16.75);
	assert_int_equal(R(f)->lock_waits, 0);
	EXPECT_TALLY(R(f)->hold, 2, 3, 1, 5);
}

/* Two workers of one process, one user, per_batch, row locks: records 1..6 and 11..16,
 * per_record 2 s. Worker 1 takes {1..6} at 10 and holds user 0 until its COMMIT at 22.
 * At 20 worker 1 is busy, worker 2 takes {11..16} [tick], checks out a second connection,
 * BEGIN, waits for user 0 until 22, records 22..34, COMMIT 34.
 * - batch lock_waits 1, lock wait 2; holds 12 and 14; durations 12 and 14;
 * - lags 22 - {1..6} (mean 18.5) and 34 - {11..16} (mean 20.5): mean 19.5, min 16, max 23. */
static void test_two_workers_lock_wait(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.users.count = 1;
	f->sc.horizon_s = 35;
	static const double rec[12] = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16};
	bfx_records(f, 12, rec);
	assert_int_equal(dist_constant(&bcfg(f)->per_record, 2), 0);
	bcfg(f)->workers = 2;
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->batches, 2);
	assert_int_equal(b->lock_waits, 1);
	EXPECT_TALLY(b->lock_wait, 1, 2, 2, 2);
	EXPECT_TALLY(b->hold, 2, 13, 12, 14);
	EXPECT_TALLY(b->duration, 2, 13, 12, 14);
	EXPECT_TALLY(b->lag, 12, 19.5, 16, 23);
	EXPECT_OVER(f, F_ACTIVE, 20, 22, 2);
	EXPECT_OVER(f, F_OUT, 20, 22, 2);
	EXPECT_OVER(f, F_OUT, 22, 34, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* 7. The incident in miniature: a batch holding the pool                                     */

/* Pool 1+0, timeout 2 s. per_batch: the batch holds the only connection on [10, 16]. A request
 * (db_time 0.5, no write) arrives at 11 and waits, deadline 13; nothing is returned before 16,
 * so it times out at 13: offered 1, timed_out 1, wait 2, pool_timeouts 1; the batch held 1 of
 * cap 1 >= half [heavy]: timeouts_batch_heavy 1. Pool: timeouts 1, SQLAlchemy overflow() at
 * the timeout 1 - 1 = 0; waiters 1 on [11, 13); exhausted (the connection out while someone
 * waits) on [11, 13): share 2/20 = 0.1, longest stretch 2. */
static void test_incident_per_batch_times_out(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	set_pool(f, 1, 0, 2);
	static const double t[1] = {11};
	bfx_requests(f, 1, t, NULL, 0.5, 0);
	bfx_run(f);
	const struct requests_stats *r = R(f);
	assert_int_equal(r->offered, 1);
	assert_int_equal(r->served, 0);
	assert_int_equal(r->failed[REQ_TIMED_OUT], 1);
	assert_int_equal(r->pool_timeouts, 1);
	assert_int_equal(r->timeouts_batch_heavy, 1);
	EXPECT_TALLY(r->wait_all, 1, 2, 2, 2);
	const struct pool_result *p = &f->res->pools[0];
	assert_int_equal(p->timeouts, 1);
	assert_int_equal(p->first_timeout_overflow, 0);
	assert_near(p->exhausted_share, 0.1);
	assert_near(p->longest_exhausted_s, 2);
	EXPECT_OVER(f, F_WAITERS, 10, 11, 0);
	EXPECT_OVER(f, F_WAITERS, 11, 13, 1);
	EXPECT_OVER(f, F_WAITERS, 13, 20.25, 0);
	EXPECT_TALLY(B(f)->hold, 1, 6, 6, 6);
}

/* The same with per_group: group 1 commits at 13 and returns the connection, exactly at the
 * request's deadline 13. The COMMIT is a completion, the deadline a deadline [order]: the
 * request is served at 13 (wait 2, not a timeout) and holds 0.5 s, to 13.5. The batch's second
 * transaction asked at 13 and waits (deadline 15): it gets the connection at 13.5, records
 * 13.5..16.5, COMMIT 16.5.
 * - request: served 1, timed_out 0, wait 2, hold 0.5;
 * - batch: holds 3 and 3 (from checkout to checkin, waiting excluded), duration 6.5, lags
 *   13 - {1,2,3}, 16.5 - {4,5,6}: mean 11.25;
 * - pool: 3 checkouts (batch, request, batch), 0 timeouts; sampler: at [13, 13.5) the request
 *   holds the connection and the batch waits; at 13.5 the batch holds it, nobody waits. */
static void test_incident_per_group_served_at_commit(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_GROUP);
	set_pool(f, 1, 0, 2);
	static const double t[1] = {11};
	bfx_requests(f, 1, t, NULL, 0.5, 0);
	bfx_run(f);
	const struct requests_stats *r = R(f);
	assert_int_equal(r->served, 1);
	assert_int_equal(r->failed[REQ_TIMED_OUT], 0);
	assert_int_equal(r->timeouts_batch_heavy, 0);
	EXPECT_TALLY(r->wait_served, 1, 2, 2, 2);
	EXPECT_TALLY(r->hold, 1, 0.5, 0.5, 0.5);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->transactions, 2);
	assert_int_equal(b->pool_timeouts, 0);
	EXPECT_TALLY(b->hold, 2, 3, 3, 3);
	EXPECT_TALLY(b->duration, 1, 6.5, 6.5, 6.5);
	EXPECT_TALLY(b->lag, 6, 11.25, 10, 12.5);
	assert_int_equal(f->res->pools[0].checkouts, 3);
	assert_int_equal(f->res->pools[0].timeouts, 0);
	EXPECT_OVER(f, F_WAITERS, 11, 13, 1);  /* the request */
	EXPECT_OVER(f, F_WAITERS, 13, 13.5, 1); /* the batch */
	EXPECT_OVER(f, F_WAITERS, 13.5, 20.25, 0);
	EXPECT_OVER(f, F_OUT, 10, 16.5, 1);
	EXPECT_OVER(f, F_ACTIVE, 10, 16.5, 1);
	EXPECT_OVER(f, F_ACTIVE, 16.5, 20.25, 0);
}

/* Attribution at the boundary [heavy]: the per_batch batch holds 1 connection on [10, 16];
 * fillers (requests holding 10 s, from the trace) take every other connection; a request at
 * 11 waits (timeout 1 s) and times out at 12.
 * - pool 2+0, one filler at 10.5: the batch holds 1 of 2, exactly half -> heavy;
 * - pool 3+0, fillers at 10.5 and 10.75: the batch holds 1 of 3, 2 x 1 < 3 -> not heavy. */
static void test_attribution_boundary(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	set_pool(f, 2, 0, 1);
	static const double t2[2] = {10.5, 11};
	static const double h2[2] = {10, 10};
	bfx_requests(f, 2, t2, h2, 0, 0);
	bfx_run(f);
	assert_int_equal(R(f)->served, 1);
	assert_int_equal(R(f)->failed[REQ_TIMED_OUT], 1);
	assert_int_equal(R(f)->timeouts_batch_heavy, 1);

	bfx_base(f, CFG_COMMIT_PER_BATCH);
	set_pool(f, 3, 0, 1);
	static const double t3[3] = {10.5, 10.75, 11};
	static const double h3[3] = {10, 10, 10};
	bfx_requests(f, 3, t3, h3, 0, 0);
	bfx_run(f);
	assert_int_equal(R(f)->served, 2);
	assert_int_equal(R(f)->failed[REQ_TIMED_OUT], 1);
	assert_int_equal(R(f)->pool_timeouts, 1);
	assert_int_equal(R(f)->timeouts_batch_heavy, 0);
	assert_int_equal(R(f)->timeouts_lock_heavy, 0); /* nobody waits for a lock */

	/* The same, but the two requests write user 0, whose lock the batch holds from its first
	 * write at 10 to its commit at 16: both wait inside the database holding their
	 * connections (lock waiters). At the timeout (12) the batch holds 1 of 3 connections (not
	 * half) and the batch plus the lock waiters hold 3: timeouts_lock_heavy counts it,
	 * timeouts_batch_heavy does not. */
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	set_pool(f, 3, 0, 1);
	bfx_requests(f, 3, t3, h3, 0, 1.0);
	bfx_run(f);
	assert_int_equal(R(f)->failed[REQ_TIMED_OUT], 1);
	assert_int_equal(R(f)->lock_waits, 2);
	assert_int_equal(R(f)->timeouts_batch_heavy, 0);
	assert_int_equal(R(f)->timeouts_lock_heavy, 1);
}

/* ------------------------------------------------------------------------------------------ */
/* 8. Failed batches                                                                          */

/* Pool 1+0, timeout 1 s; a request at 9 holds the only connection for 100 s (trace hold:
 * [9, 109]). Horizon 120: ticks at 10, 20, ..., 110.
 * - each tick 10 .. 100 takes the 6 records (backlog 0), waits, times out 1 s later [fail]:
 *   the records are back (backlog 6) at 11, 21, ..., 101; 10 failed batches, 10 pool timeouts;
 * - at 110 the connection is idle (returned at 109): the batch runs [110, 116]: completed 1,
 *   records 6, lags 116 - {1..6}: mean 112.5 (the records kept their arrival times);
 * - batches 11 (each of size 6), failed 10, completed 1, one transaction;
 * - backlog level over [0, 120]: 15 (ramp 1..5 on [1, 6)) + 6 x 4 (on [6, 10)) + 10 cycles of
 *   6 x 9 (on [10k + 1, 10k + 10)) = 579 -> mean 579/120; backlog_end 0.
 * Horizon 15 instead: one tick, one failure, and the records are still waiting at the
 * horizon: backlog_end 6. */
static void test_failed_batch_returns_records(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.horizon_s = 120;
	set_pool(f, 1, 0, 1);
	static const double t[1] = {9};
	static const double h[1] = {100};
	bfx_requests(f, 1, t, h, 0, 0);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->batches, 11);
	assert_int_equal(b->failed, 10);
	assert_int_equal(b->pool_timeouts, 10);
	assert_int_equal(b->completed, 1);
	assert_int_equal(b->records, 6);
	assert_int_equal(b->transactions, 1);
	EXPECT_TALLY(b->size, 11, 6, 6, 6);
	EXPECT_TALLY(b->duration, 1, 6, 6, 6);
	EXPECT_TALLY(b->lag, 6, 112.5, 110, 115);
	assert_near(b->backlog_mean, 579.0 / 120);
	assert_near(b->backlog_end, 0);
	assert_int_equal(f->res->pools[0].timeouts, 10);
	EXPECT_TALLY(R(f)->hold, 1, 100, 100, 100);
	for (int k = 1; k <= 10; k++) {
		double t0 = 10.0 * k;
		EXPECT_OVER(f, F_BACKLOG, t0, t0 + 1, 0);
		EXPECT_OVER(f, F_ACTIVE, t0, t0 + 1, 1);
		EXPECT_OVER(f, F_WAITERS, t0, t0 + 1, 1);
		EXPECT_OVER(f, F_BACKLOG, t0 + 1, t0 + 10, 6);
		EXPECT_OVER(f, F_ACTIVE, t0 + 1, t0 + 10, 0);
		EXPECT_OVER(f, F_WAITERS, t0 + 1, t0 + 10, 0);
	}
	EXPECT_OVER(f, F_BACKLOG, 110, 120.25, 0);
	EXPECT_OVER(f, F_ACTIVE, 110, 116, 1);

	f->sc.horizon_s = 15;
	bfx_run(f);
	assert_int_equal(B(f)->batches, 1);
	assert_int_equal(B(f)->failed, 1);
	assert_int_equal(B(f)->records, 0);
	assert_near(B(f)->backlog_end, 6);
	assert_near(B(f)->backlog_max, 6);
	EXPECT_OVER(f, F_BACKLOG, 11, 15.25, 6);
}

/* A batch failing half way, per_group. Pool 1+0, timeout 1 s, one user. The batch commits
 * group {1,2,3} at 13 and returns the connection, which goes to a request waiting since 12
 * (deadline 13: served at 13 [order], wait 1) for 5 s (trace hold: [13, 18]). The batch's
 * second transaction waits from 13 and times out at 14 [fail]: only the 3 uncommitted records
 * {4,5,6} return to the backlog (backlog 3 at 14). At 20 they form a batch of 3, one group,
 * committed at 23.
 * - batches 2 (sizes 6, 3), failed 1, completed 1 (duration 3), pool_timeouts 1;
 * - records 6, transactions 2 (holds 3, 3);
 * - lags 13 - {1,2,3} = 12, 11, 10 and 23 - {4,5,6} = 19, 18, 17: mean 14.5. */
static void test_failed_batch_keeps_committed_groups(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_GROUP);
	f->sc.horizon_s = 25;
	f->sc.users.count = 1;
	set_pool(f, 1, 0, 1);
	static const double t[1] = {12};
	static const double h[1] = {5};
	bfx_requests(f, 1, t, h, 0, 0);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->batches, 2);
	assert_int_equal(b->failed, 1);
	assert_int_equal(b->completed, 1);
	assert_int_equal(b->pool_timeouts, 1);
	assert_int_equal(b->records, 6);
	assert_int_equal(b->transactions, 2);
	EXPECT_TALLY(b->size, 2, 4.5, 3, 6);
	EXPECT_TALLY(b->duration, 1, 3, 3, 3);
	EXPECT_TALLY(b->hold, 2, 3, 3, 3);
	EXPECT_TALLY(b->lag, 6, 14.5, 10, 19);
	assert_int_equal(R(f)->served, 1);
	EXPECT_TALLY(R(f)->wait_served, 1, 1, 1, 1);
	EXPECT_OVER(f, F_BACKLOG, 10, 14, 0);
	EXPECT_OVER(f, F_BACKLOG, 14, 20, 3);
	EXPECT_OVER(f, F_BACKLOG, 20, 25.25, 0);
	EXPECT_OVER(f, F_ACTIVE, 14, 20, 0);
}

/* Returned records go to the front of the backlog, ahead of later arrivals [fail]. Pool 1+0,
 * timeout 1 s; a request at 9 holds the only connection until 21.5 (trace hold 12.5: not 12,
 * which would free it exactly at the deadline 21 and serve the batch [order]). batch_size
 * = max_batch_size = 6; records 1..6, then 12..15; horizon 45, ticks 10, 20, 30, 40.
 * - 10: takes {1..6}, fails at 11: backlog {1..6};
 * - 20: backlog {1..6, 12..15} (10 > 6): takes the first 6, {1..6}, fails at 21: they go back
 *   in front of {12..15};
 * - 30: the connection is idle; takes {1..6} again: [30, 36]; 40: {12..15}: [40, 44].
 * - batches 4 (sizes 6, 6, 6, 4), failed 2; lags 36 - {1..6} = 35..30 and 44 - {12..15} =
 *   32..29: min 29, max 35, mean (6 x 32.5 + 4 x 30.5) / 10 = 31.7.
 * Had the records gone to the back, the batch at 30 would have been {12..15, 1, 2}. */
static void test_failed_batch_records_return_to_front(void **state)
{
	struct bfx *f = *state;
	static const double rec[10] = {1, 2, 3, 4, 5, 6, 12, 13, 14, 15};
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.horizon_s = 45;
	set_pool(f, 1, 0, 1);
	bfx_records(f, 10, rec);
	bcfg(f)->batch_size = bcfg(f)->max_batch_size = 6;
	static const double t[1] = {9};
	static const double h[1] = {12.5};
	bfx_requests(f, 1, t, h, 0, 0);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->batches, 4);
	assert_int_equal(b->failed, 2);
	assert_int_equal(b->records, 10);
	EXPECT_TALLY(b->size, 4, 5.5, 4, 6);
	EXPECT_TALLY(b->lag, 10, 31.7, 29, 35);
	EXPECT_OVER(f, F_BACKLOG, 20, 21, 4);
	EXPECT_OVER(f, F_BACKLOG, 21, 30, 10);
	EXPECT_OVER(f, F_BACKLOG, 30, 40, 4);
}

/* A checkout the database refuses fails the batch too (batch.h), at once and without a pool
 * timeout. max_connections 4 - superuser_reserved 3 = 1 usable slot, taken by a request at 9
 * holding 100 s; the pool (5+10) is far from its cap, so the batch at 10 opens a connection
 * and is refused at 10: failed 1, pool_timeouts 0, the 6 records back in the backlog at 10
 * (the sampler sees backlog 6, no batch running); the database counts 1 refusal. */
static void test_failed_batch_on_refusal(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.db.max_connections = 4;
	f->sc.db.superuser_reserved_connections = 3;
	static const double t[1] = {9};
	static const double h[1] = {100};
	bfx_requests(f, 1, t, h, 0, 0);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->batches, 1);
	assert_int_equal(b->failed, 1);
	assert_int_equal(b->pool_timeouts, 0);
	assert_int_equal(b->records, 0);
	assert_near(b->backlog_end, 6);
	assert_int_equal(f->res->db_refused, 1);
	assert_int_equal(f->res->pools[0].refused, 1);
	assert_int_equal(R(f)->served, 1);
	EXPECT_OVER(f, F_BACKLOG, 6, 20.25, 6);
	EXPECT_OVER(f, F_ACTIVE, 0, 20.25, 0);
}

/* Client retries after a pool timeout (requests.h). Pool 1+0, timeout 1 s; A at 0 holds 2.5 s.
 * B arrives at 0.25 with retries 2, backoff 0.5: its first checkout times out at 1.25 (pool
 * timeout 1), it retries after 0.5 x 2^0 = 0.5 s at 1.75 with a new deadline 2.75, and A's
 * release at 2.5 serves it: served, wait 2.5 - 0.25 = 2.25 (counted from the first attempt),
 * retried 1, retries 1, pool_timeouts 1. C arrives at 0.5: times out at 1.5, retries after 0.5
 * at 2.0 (deadline 3.0), behind B, who takes A's connection at 2.5 and holds it until 5.0; C
 * times out again at 3.0, retries after 0.5 x 2^1 = 1.0 at 4.0 (deadline 5.0), and B's release
 * at exactly 5.0 serves it (releases before deadlines at one instant): served, wait 4.5.
 * Totals: served 3, timed_out 0, retried 2, retries 3, pool_timeouts 3. With retries 1, C's
 * second timeout at 3.0 is final: served 2, timed_out 1, retries 2. */
static void test_request_retries(void **state)
{
	struct bfx *f = *state;
	bfx_requests_only(f);
	set_pool(f, 1, 0, 1.0);
	static const double t[3] = {0, 0.25, 0.5};
	static const double h[3] = {2.5, 2.5, 2.5};
	struct cfg_requests *rc = bfx_requests(f, 3, t, h, 0, 0);
	rc->retries = 2;
	rc->backoff_s = 0.5;
	bfx_run(f);
	const struct requests_stats *r = R(f);
	assert_int_equal(r->offered, 3);
	assert_int_equal(r->served, 3);
	assert_int_equal(r->failed[REQ_TIMED_OUT], 0);
	assert_int_equal(r->retried, 2);
	assert_int_equal(r->retries, 3);
	assert_int_equal(r->pool_timeouts, 3);
	/* waits of served requests: A 0, B 2.25, C 4.5 */
	assert_near(r->wait_served.min, 0);
	assert_near(r->wait_served.max, 4.5);
	assert_near(tally_mean(&r->wait_served), (0 + 2.25 + 4.5) / 3);

	rc = &f->sc.workloads[f->req_wl].req;
	rc->retries = 1;
	bfx_run(f);
	r = R(f);
	assert_int_equal(r->served, 2);
	assert_int_equal(r->failed[REQ_TIMED_OUT], 1);
	assert_int_equal(r->retried, 2);
	assert_int_equal(r->retries, 2);
	assert_int_equal(r->pool_timeouts, 3);
	assert_near(r->wait_all.max, 3.0 - 0.5); /* C's wait to its final timeout */
}

/* The same refusal with two workers: the records the first worker put back are not taken
 * again at the same tick (batch.h), so one tick makes one failed batch and one refusal, not
 * one per worker. One tick (10) before the horizon (20): 1 batch, 1 failed, 1 refusal
 * (2 of each before the rule). */
static void test_refusal_not_retried_in_same_tick(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	bcfg(f)->workers = 2;
	f->sc.db.max_connections = 4;
	f->sc.db.superuser_reserved_connections = 3;
	static const double t[1] = {9};
	static const double h[1] = {100};
	bfx_requests(f, 1, t, h, 0, 0);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->batches, 1);
	assert_int_equal(b->failed, 1);
	assert_int_equal(f->res->db_refused, 1);
	assert_near(b->backlog_end, 6);
}

/* ------------------------------------------------------------------------------------------ */
/* 9. Batch size and workers                                                                  */

/* [take] with batch_size 100, max_batch_size 200, group_size 8, per_group, per_record 1/64 s;
 * n records arrive at k/32 s (k = 1..n, all before 10); ticks at 10 and 20 (horizon 25):
 * - n = 80 <= 100: one batch of 80 (10 groups);
 * - n = 150 > 100: the batch grows with the backlog: 150 (19 groups, the last of 6);
 * - n = 250 > 200: 200 at 10 (25 groups, 3.125 s), the 50 left at 20 (7 groups: 6 x 8 + 2);
 *   backlog 50 on [10, 20), backlog_max 250. */
static void test_batch_size_catch_up(void **state)
{
	struct bfx *f = *state;
	static const int n[3] = {80, 150, 250};
	static const uint64_t batches[3] = {1, 1, 2}, txns[3] = {10, 19, 32};
	static const double smin[3] = {80, 150, 50}, smax[3] = {80, 150, 200};
	double rec[250];
	for (int k = 0; k < 250; k++)
		rec[k] = (k + 1) / 32.0;
	for (int c = 0; c < 3; c++) {
		bfx_base(f, CFG_COMMIT_PER_GROUP);
		f->sc.horizon_s = 25;
		f->sc.users.count = 1000;
		bfx_records(f, (size_t)n[c], rec);
		bcfg(f)->batch_size = 100;
		bcfg(f)->max_batch_size = 200;
		assert_int_equal(dist_constant(&bcfg(f)->group_size, 8), 0);
		assert_int_equal(dist_constant(&bcfg(f)->per_record, 1.0 / 64), 0);
		bfx_run(f);
		const struct batch_stats *b = B(f);
		assert_int_equal(b->batches, batches[c]);
		assert_int_equal(b->records, (uint64_t)n[c]);
		assert_int_equal(b->transactions, txns[c]);
		assert_near(b->size.min, smin[c]);
		assert_near(b->size.max, smax[c]);
		assert_near(b->backlog_max, n[c]);
	}
	EXPECT_OVER(f, F_BACKLOG, 10, 20, 50);
	EXPECT_TALLY(B(f)->duration, 2, (3.125 + 0.78125) / 2, 0.78125, 3.125);
}

/* A batch longer than `every` [tick]: records 1..6 and 11..16, per_record 2 s, per_batch,
 * row locks off (so only the workers matter), horizon 35: ticks 10, 20, 30.
 * - workers 1: batch A = {1..6} on [10, 22]; the tick at 20 finds the worker busy and is
 *   skipped; at 30 batch B = {11..16} on [30, 42]. Lags 22 - 3.5 = 18.5 and 42 - 13.5 = 28.5
 *   on average: mean 23.5; at [20, 22) one batch runs, the backlog holds 6 until 30.
 * - workers 2: at 20 the second worker takes B: [20, 32]; the tick at 30 finds nothing.
 *   Lags 18.5 and 32 - 13.5 = 18.5: mean 18.5; two batches and two connections on [20, 22). */
static void test_busy_worker_skips_tick(void **state)
{
	struct bfx *f = *state;
	static const double rec[12] = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16};
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.horizon_s = 35;
	f->sc.db.row_locks = false;
	bfx_records(f, 12, rec);
	assert_int_equal(dist_constant(&bcfg(f)->per_record, 2), 0);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->batches, 2);
	EXPECT_TALLY(b->duration, 2, 12, 12, 12);
	EXPECT_TALLY(b->lag, 12, 23.5, 16, 31);
	EXPECT_OVER(f, F_ACTIVE, 20, 22, 1);
	EXPECT_OVER(f, F_ACTIVE, 22, 30, 0);
	EXPECT_OVER(f, F_BACKLOG, 16, 30, 6);
	EXPECT_OVER(f, F_ACTIVE, 30, 35.25, 1);
	assert_near(f->res->pools[0].checked_out_max, 1);

	bcfg(f)->workers = 2;
	bfx_run(f);
	b = B(f);
	assert_int_equal(b->batches, 2);
	EXPECT_TALLY(b->duration, 2, 12, 12, 12);
	EXPECT_TALLY(b->lag, 12, 18.5, 16, 21);
	EXPECT_OVER(f, F_ACTIVE, 20, 22, 2);
	EXPECT_OVER(f, F_OUT, 20, 22, 2);
	EXPECT_OVER(f, F_ACTIVE, 22, 32, 1);
	EXPECT_OVER(f, F_BACKLOG, 20, 35.25, 0);
	assert_near(f->res->pools[0].checked_out_max, 2);
}

/* Two processes with one worker each (batch.processes 2, deployment.processes 1: the model
 * runs max(1, 2) = 2 processes), the records of test_busy_worker_skips_tick: process 0's
 * worker takes A at 10, process 1's worker B at 20 from the shared backlog, each on its own
 * pool instance: the same lags as two workers (mean 18.5), 2 processes, 2 connects in all,
 * but at most 1 connection checked out in any one instance; process 0's pool (the sampler's)
 * is idle on [22, 32) while B runs in process 1. */
static void test_batch_processes_share_backlog(void **state)
{
	struct bfx *f = *state;
	static const double rec[12] = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16};
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.horizon_s = 35;
	f->sc.db.row_locks = false;
	bfx_records(f, 12, rec);
	assert_int_equal(dist_constant(&bcfg(f)->per_record, 2), 0);
	bcfg(f)->processes = 2;
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(f->res->n_processes, 2);
	assert_int_equal(b->batches, 2);
	EXPECT_TALLY(b->lag, 12, 18.5, 16, 21);
	assert_int_equal(f->res->pools[0].connects, 2);
	assert_near(f->res->pools[0].checked_out_max, 1);
	assert_near(f->res->db_open_max, 2);
	EXPECT_OVER(f, F_ACTIVE, 20, 22, 2);
	EXPECT_OVER(f, F_OUT, 10, 22, 1);
	EXPECT_OVER(f, F_OUT, 22, 32, 0);
	EXPECT_OVER(f, F_ACTIVE, 22, 32, 1);
}

/* Warm-up 10.5 s: the batch started at 10 runs but is not counted; the one at 20 ({11..16},
 * per_batch, [20, 26]) is: batches 1, records 6, lag mean 26 - 13.5 = 12.5. */
static void test_warmup_counts_batches_started_after(void **state)
{
	struct bfx *f = *state;
	static const double rec[12] = {1, 2, 3, 4, 5, 6, 11, 12, 13, 14, 15, 16};
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.horizon_s = 25;
	f->sc.warmup_s = 10.5;
	bfx_records(f, 12, rec);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->batches, 1);
	assert_int_equal(b->completed, 1);
	assert_int_equal(b->records, 6);
	EXPECT_TALLY(b->lag, 6, 12.5, 10, 15);
	EXPECT_TALLY(b->hold, 1, 6, 6, 6);
}

/* A record arriving exactly at a tick is in that tick's batch, whether or not an earlier
 * record exists (batch.h: a tick runs after every other event at its instant, PRIO_TICK).
 * Regression: the order used to follow insertion order, so trace {10} was taken at 10 and
 * trace {5, 10} left the record at 10 for the next tick. Both now show backlog 0 at 10. */
static void test_record_at_tick_instant(void **state)
{
	struct bfx *f = *state;
	static const double one[1] = {10}, two[2] = {5, 10};
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	bfx_records(f, 1, one);
	bfx_run(f);
	int alone = sample_at(f, 10)->backlog;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	bfx_records(f, 2, two);
	bfx_run(f);
	int after_another = sample_at(f, 10)->backlog;
	assert_int_equal(alone, 0);
	assert_int_equal(after_another, 0);
}

/* ------------------------------------------------------------------------------------------ */
/* 10. Deployment: processes against max_connections                                          */

/* 4 processes, each with its own pool 10+10 (cap 20, 80 in all) against max_connections 50 -
 * superuser_reserved 3 = 47 usable slots. 80 requests arrive at k/64 s (k = 1..80) and hold
 * 100 s (trace), so none returns during the run. [rr]: request k-1 goes to process (k-1) mod 4,
 * 20 per process: every pool stays below its cap and opens a connection per request; the
 * database grants the first 47 connects and refuses the other 33 at once [database.h].
 * - served 47, refused 33, timed_out 0; db_refused 33; server connections max 47;
 * - pool figures over the 4 instances: connects 47, refused 33, checkouts 47; process 0 got
 *   requests 0, 4, ..., 76, of which 0..44 (12) were below 47: checked_out_max 12 (the
 *   largest process; processes 1 and 2 also 12, process 3 11), sampled 12 at t = 2.
 * One process with the same pool: cap 20 < 47, the database never refuses; the other 60 wait
 * 30 s and time out: served 20, timed_out 60, db_refused 0, server connections max 20. */
static void test_deployment_refusals_across_processes(void **state)
{
	struct bfx *f = *state;
	double t[80], h[80];
	for (int k = 0; k < 80; k++) {
		t[k] = (k + 1) / 64.0;
		h[k] = 100;
	}
	bfx_requests_only(f);
	f->sc.processes = 4;
	f->sc.horizon_s = 10;
	f->sc.db.max_connections = 50;
	f->sc.db.superuser_reserved_connections = 3;
	set_pool(f, 10, 10, 30);
	bfx_requests(f, 80, t, h, 0, 0);
	bfx_run(f);
	const struct requests_stats *r = R(f);
	assert_int_equal(f->res->n_processes, 4);
	assert_int_equal(r->offered, 80);
	assert_int_equal(r->served, 47);
	assert_int_equal(r->failed[REQ_REFUSED], 33);
	assert_int_equal(r->failed[REQ_TIMED_OUT], 0);
	assert_int_equal(f->res->db_refused, 33);
	assert_near(f->res->db_open_max, 47);
	const struct pool_result *p = &f->res->pools[0];
	assert_int_equal(p->connects, 47);
	assert_int_equal(p->refused, 33);
	assert_int_equal(p->checkouts, 47);
	assert_near(p->checked_out_max, 12);
	assert_int_equal(sample_at(f, 2)->checked_out, 12);

	f->sc.processes = 1;
	bfx_run(f);
	r = R(f);
	assert_int_equal(f->res->n_processes, 1);
	assert_int_equal(r->served, 20);
	assert_int_equal(r->failed[REQ_TIMED_OUT], 60);
	assert_int_equal(r->failed[REQ_REFUSED], 0);
	assert_int_equal(f->res->db_refused, 0);
	assert_near(f->res->db_open_max, 20);
}

/* [rr] 8 requests (at k/64, hold 100) over 4 processes: 2 per process. Pool figures: 8
 * connects in all, checked_out_max 2 (each instance), process 0 sampled at 2 connections;
 * with one process all 8 go to one pool: checked_out_max 8. */
static void test_deployment_round_robin(void **state)
{
	struct bfx *f = *state;
	double t[8], h[8];
	for (int k = 0; k < 8; k++) {
		t[k] = (k + 1) / 64.0;
		h[k] = 100;
	}
	bfx_requests_only(f);
	f->sc.processes = 4;
	f->sc.horizon_s = 10;
	set_pool(f, 10, 10, 30);
	bfx_requests(f, 8, t, h, 0, 0);
	bfx_run(f);
	assert_int_equal(R(f)->served, 8);
	assert_int_equal(f->res->pools[0].connects, 8);
	assert_near(f->res->pools[0].checked_out_max, 2);
	assert_int_equal(sample_at(f, 2)->checked_out, 2);
	assert_near(f->res->db_open_max, 8);

	f->sc.processes = 1;
	bfx_run(f);
	assert_near(f->res->pools[0].checked_out_max, 8);
	assert_int_equal(sample_at(f, 2)->checked_out, 8);
}

/* ------------------------------------------------------------------------------------------ */
/* 11. Determinism and common random numbers                                                  */

/* A stochastic scenario touching every path: Poisson records (2/s) and requests (40/s, 30 %
 * writes, 50 Zipf users), per_group batches of 30 up to 60 with random group sizes and record
 * times (gamma, mean 0.2 s), two workers, pool 2+1 timeout 0.25 s, rtt 1 ms, lognormal
 * connects, warm-up 30 s. Requests queue behind the batches' row locks holding their
 * connections, so the pool times requests out. */
static void stochastic_scenario(struct cfg_scenario *sc)
{
	cfg_scenario_defaults(sc);
	sc->horizon_s = 300;
	sc->warmup_s = 30;
	sc->seed = 42;
	sc->db.rtt_s = 0.001;
	sc->users.count = 50;
	sc->users.zipf_s = 1.1;
	sc->n_pools = 1;
	cfg_pool_defaults(&sc->pools[0]);
	memcpy(sc->pools[0].name, "main", sizeof "main");
	sc->pools[0].size = 2;
	sc->pools[0].max_overflow = 1;
	sc->pools[0].timeout_s = 0.25;
	sc->n_workloads = 2;
	struct cfg_workload *a = &sc->workloads[0], *q = &sc->workloads[1];
	memset(a, 0, sizeof *a);
	memcpy(a->name, "agg", sizeof "agg");
	a->kind = CFG_WORKLOAD_BATCH;
	cfg_batch_defaults(&a->batch);
	a->batch.records.rate_per_s = 2;
	a->batch.every_s = 15;
	a->batch.batch_size = 30;
	a->batch.max_batch_size = 60;
	assert_int_equal(dist_uniform(&a->batch.group_size, 1, 6), 0);
	assert_int_equal(dist_gamma_mean_cv(&a->batch.per_record, 0.2, 1), 0);
	a->batch.commit = CFG_COMMIT_PER_GROUP;
	a->batch.workers = 2;
	memset(q, 0, sizeof *q);
	memcpy(q->name, "api", sizeof "api");
	q->kind = CFG_WORKLOAD_REQUESTS;
	cfg_requests_defaults(&q->req);
	q->req.arrival.rate_per_s = 40;
	assert_int_equal(dist_exponential(&q->req.db_time, 0.02), 0);
	q->req.writes = 0.3;
}

/* Same scenario, same seed: byte-identical results (model_run zeroes the result, padding
 * included; model_result_equal); with the sampler on, identical but for peak_pending (model.h); replication 1
 * differs. The scenario exercises what it should: batches, lock waits, pool timeouts. */
static void test_same_seed_identical(void **state)
{
	(void)state;
	struct cfg_scenario *sc = calloc(1, sizeof *sc);
	struct model_result *r[4] = {0};
	struct sample_log log = {0};
	int st = -1;
	if (sc) {
		stochastic_scenario(sc);
		for (int i = 0; i < 4; i++)
			r[i] = model_result_create(sc);
	}
	if (sc && r[0] && r[1] && r[2] && r[3]) {
		struct model_hooks h = {.sample_step_s = 1, .on_sample = log_sample, .ctx = &log};
		st = model_run(sc, 0, r[0], NULL);
		if (st == 0)
			st = model_run(sc, 0, r[1], NULL);
		if (st == 0)
			st = model_run(sc, 0, r[2], &h);
		if (st == 0)
			st = model_run(sc, 1, r[3], NULL);
	}
	bool same = false, same_sampled = false, differs = false;
	struct batch_stats b = {0};
	struct requests_stats q = {0};
	if (st == 0) {
		same = model_result_equal(r[0], r[1]);
		r[2]->peak_pending = r[0]->peak_pending;
		same_sampled = model_result_equal(r[0], r[2]);
		differs = !model_result_equal(r[0], r[3]);
		b = r[0]->batches[0];
		q = r[0]->workloads[1];
	}
	free(log.s);
	free(sc);
	for (int i = 0; i < 4; i++)
		model_result_destroy(r[i]);
	assert_int_equal(st, 0);
	assert_true(same);
	assert_true(same_sampled);
	assert_true(differs);
	assert_true(b.batches > 10);
	assert_true(b.records > 300);
	assert_true(q.offered > 4000);
	assert_true(q.pool_timeouts > 0);
	assert_true(q.lock_waits > 0);
}

/* Common random numbers: pools 30+0 and 40+0 are both far above the peak demand (nobody ever
 * waits, fewer than 30 connections are ever idle), so every request and every batch meets
 * exactly the same events: the batch's and the requests' statistics are byte-identical (only
 * the pool's own figures could differ). */
static void test_crn_pool_size(void **state)
{
	(void)state;
	struct cfg_scenario *sc = calloc(1, sizeof *sc);
	struct model_result *r[2] = {0};
	int st = -1;
	if (sc) {
		stochastic_scenario(sc);
		r[0] = model_result_create(sc);
		r[1] = model_result_create(sc);
	}
	if (sc && r[0] && r[1]) {
		sc->pools[0].size = 30;
		sc->pools[0].max_overflow = 0;
		st = model_run(sc, 0, r[0], NULL);
		sc->pools[0].size = 40;
		if (st == 0)
			st = model_run(sc, 0, r[1], NULL);
	}
	bool same_b = false, same_q = false;
	double peak = 0;
	uint64_t timeouts = 1;
	if (st == 0) {
		same_b = memcmp(&r[0]->batches[0], &r[1]->batches[0], sizeof r[0]->batches[0]) == 0;
		same_q = memcmp(&r[0]->workloads[1], &r[1]->workloads[1],
				sizeof r[0]->workloads[1]) == 0;
		peak = r[0]->pools[0].checked_out_max;
		timeouts = r[0]->workloads[1].failed[REQ_TIMED_OUT] + r[1]->workloads[1].failed[REQ_TIMED_OUT];
	}
	free(sc);
	model_result_destroy(r[0]);
	model_result_destroy(r[1]);
	assert_int_equal(st, 0);
	assert_true(peak < 30);
	assert_int_equal(timeouts, 0);
	assert_true(same_b);
	assert_true(same_q);
}

/* ------------------------------------------------------------------------------------------ */
/* PostgreSQL timeouts, statements on the CPU, application concurrency, client patience       */

/* lock_timeout cancels a request's lock wait (issue 8 item 5). bfx_base's per_batch batch with
 * rtt 0.25: checkout at 10, BEGIN to 10.25, user 0 locked at its first write (10.25), records
 * 10.25..16.25, COMMIT 16.5. A writing request (db 0.5) arrives at 11: connection at 11, BEGIN
 * to 11.25, user 0 busy: waits. lock_timeout 2 s: cancelled at 13.25 ("canceling statement due
 * to lock timeout"), ROLLBACK to 13.5, connection returned: hold 2.5, lock wait 2. The batch
 * never notices: hold 6.5. Its worst windows see one outcome, the failure at 13.5: 100 %
 * (counted at its connection, 11, it read as served: 0 %). */
static void test_lock_timeout_request(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.db.rtt_s = 0.25;
	f->sc.db.lock_timeout_s = 2;
	static const double t[1] = {11};
	bfx_requests(f, 1, t, NULL, 0.5, 1.0);
	bfx_run(f);
	const struct requests_stats *r = R(f);
	assert_int_equal(r->served, 0); /* it got a connection, then failed */
	assert_int_equal(r->failed[REQ_LOCK_TIMEOUT], 1);
	assert_int_equal(r->failed[REQ_STATEMENT_TIMEOUT], 0);
	assert_near(r->worst[0].failure_rate, 1);
	assert_near(r->worst[0].outcomes, 1);
	assert_int_equal(r->lock_waits, 1);
	EXPECT_TALLY(r->lock_wait, 1, 2, 2, 2);
	EXPECT_TALLY(r->hold, 1, 2.5, 2.5, 2.5);
	EXPECT_TALLY(B(f)->hold, 1, 6.5, 6.5, 6.5);
	/* one transaction waited on [11.25, 13.25]: 2 s over the 20 s window */
	assert_near(f->res->db_lock_waiting_mean, 2.0 / 20);
	assert_near(f->res->db_lock_waiting_max, 1);
	assert_int_equal(r->h_lock_wait.n, 1);
	assert_near(r->h_lock_wait.max, 2);
	assert_int_equal(B(f)->failed, 0);
	EXPECT_OVER(f, F_OUT, 11, 13.5, 2);
	EXPECT_OVER(f, F_OUT, 13.5, 16.5, 1);
}

/* statement_timeout counts the lock wait: the same, with statement_timeout 1.5 s under a
 * lock_timeout of 2 s: the statement reached the server at 11.25, so it is cancelled at 12.75
 * ("due to statement timeout"), ROLLBACK to 13: hold 2, lock wait 1.5. A workload's own setting
 * wins over the database's: the request workload says 1.5, the database 10. */
static void test_statement_timeout_counts_lock_wait(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.db.rtt_s = 0.25;
	f->sc.db.lock_timeout_s = 2;
	f->sc.db.statement_timeout_s = 10;
	static const double t[1] = {11};
	bfx_requests(f, 1, t, NULL, 0.5, 1.0)->statement_timeout_s = 1.5;
	bfx_run(f);
	const struct requests_stats *r = R(f);
	assert_int_equal(r->failed[REQ_STATEMENT_TIMEOUT], 1);
	assert_int_equal(r->failed[REQ_LOCK_TIMEOUT], 0);
	EXPECT_TALLY(r->lock_wait, 1, 1.5, 1.5, 1.5);
	EXPECT_TALLY(r->hold, 1, 2, 2, 2);
	/* the batch's own statements (1 s records) stay under the database's 10 s */
	assert_int_equal(B(f)->failed, 0);
	assert_int_equal(B(f)->statement_timeouts, 0);
}

/* statement_timeout without a lock or a CPU: requests at 1 (db 3 s) and 5 (db 1 s), rtt 0.25,
 * statement_timeout 2 s. The first: BEGIN to 1.25, its statement would run to 4.25 > 1.25 + 2:
 * cancelled at 3.25, ROLLBACK to 3.5, hold 2.5. The second: 0.25 + 1 + 0.25 (its statement's
 * round trip) + 0.25 (COMMIT) = 1.75, not cancelled. */
static void test_statement_timeout_known_hold(void **state)
{
	struct bfx *f = *state;
	bfx_requests_only(f);
	f->sc.db.rtt_s = 0.25;
	f->sc.db.statement_timeout_s = 2;
	static const double t[2] = {1, 5};
	static const double h[2] = {3, 1};
	bfx_requests(f, 2, t, h, 0, 0);
	bfx_run(f);
	const struct requests_stats *r = R(f);
	assert_int_equal(r->failed[REQ_STATEMENT_TIMEOUT], 1);
	EXPECT_TALLY(r->hold, 2, (2.5 + 1.75) / 2, 1.75, 2.5);
}

/* Statements on the CPU run one by one, each followed by its round trip (issue 12's
 * reproducer): cores 1, 2 statements, db_time 0.4 (0.2 each), rtt 0.1, app_time 30 ms;
 * requests at 0 and 0.3 (connect 0).
 * - A: BEGIN to 0.1, statement 1 alone on [0.1, 0.3], round trip to 0.4; statement 2 from 0.4
 *   shares the core with B's first: 0.2 of work at rate 1/2, done at 0.8; round trip to 0.9,
 *   app 0.93, COMMIT 1.03: hold 1.03.
 * - B: BEGIN [0.3, 0.4], statement 1 done at 0.8 (shared), round trip to 0.9, statement 2
 *   alone [0.9, 1.1], round trip 1.2, app 1.23, COMMIT 1.33: hold 1.03.
 * (Run as one block, each would hold 0.93.) */
static void test_statements_alternate_on_cpu(void **state)
{
	struct bfx *f = *state;
	bfx_requests_only(f);
	f->sc.db.rtt_s = 0.1;
	f->sc.db.cores = 1;
	static const double t[2] = {0, 0.3};
	struct cfg_requests *rc = bfx_requests(f, 2, t, NULL, 0.4, 0);
	rc->statements = 2;
	assert_int_equal(dist_constant(&rc->app_time, 0.03), 0);
	bfx_run(f);
	EXPECT_TALLY(R(f)->hold, 2, 1.03, 1.03, 1.03);
}

/* statement_timeout on the CPU: cores 1, requests at 0 with db 2 s (A) and 0.5 s (B), rtt 0,
 * statement_timeout 1.5. Both statements start at 0 at rate 1/2: B has its 0.5 at 1.0 (hold
 * 1); A, alone from 1.0 with 1.5 left, would end at 2.5, but is cancelled at 1.5 and stops
 * taking the core: hold 1.5, one statement timeout; the CPU is idle from 1.5 (busy share
 * over [0, 20]: 1.5 / 20). */
static void test_statement_timeout_on_cpu(void **state)
{
	struct bfx *f = *state;
	bfx_requests_only(f);
	f->sc.db.cores = 1;
	f->sc.db.statement_timeout_s = 1.5;
	static const double t[2] = {0, 0};
	static const double h[2] = {2, 0.5};
	bfx_requests(f, 2, t, h, 0, 0);
	bfx_run(f);
	const struct requests_stats *r = R(f);
	assert_int_equal(r->failed[REQ_STATEMENT_TIMEOUT], 1);
	EXPECT_TALLY(r->hold, 2, 1.25, 1.0, 1.5);
	assert_near(f->res->db_cpu_busy_mean, 1.5 / 20);
}

/* A batch cancelled by lock_timeout puts its records back (issue 8 item 5). A writing request
 * holds user 0 on [9.5, 11.5] (db 2); the batch's BEGIN at 10 (rtt 0) finds user 0 busy and
 * waits; lock_timeout 1 s cancels it at 11: ROLLBACK (rtt 0), connection returned at 11, the
 * batch failed, its 6 records back in the backlog until the next tick (20: beyond the
 * horizon, so the backlog ends at 6). */
static void test_lock_timeout_batch(void **state)
{
	struct bfx *f = *state;
	bfx_base(f, CFG_COMMIT_PER_BATCH);
	f->sc.db.lock_timeout_s = 1;
	static const double t[1] = {9.5};
	bfx_requests(f, 1, t, NULL, 2, 1.0);
	bfx_run(f);
	const struct batch_stats *b = B(f);
	assert_int_equal(b->batches, 1);
	assert_int_equal(b->failed, 1);
	assert_int_equal(b->lock_timeouts, 1);
	assert_int_equal(b->records, 0);
	EXPECT_TALLY(b->lock_wait, 1, 1, 1, 1);
	assert_near(b->backlog_end, 6);
	EXPECT_OVER(f, F_OUT, 10, 11, 2);
	EXPECT_OVER(f, F_OUT, 11, 11.5, 1);
	EXPECT_OVER(f, F_BACKLOG, 11, 20, 6);
	assert_int_equal(R(f)->failed[REQ_LOCK_TIMEOUT], 0);
}

/* Application concurrency (issue 8 item 6): one worker thread per process (concurrency 1),
 * requests at 1, 1.25 and 1.5 with db 1 s, rtt 0. A runs [1, 2]; B waits in the application
 * from 1.25 to 2, runs [2, 3]; C waits 1.5 -> 3, runs [3, 4]. The pool never has a waiter
 * (one request at a time): pool waits 0; app waits 0, 0.75, 1.5; two requests queued. With
 * client_timeout 2 s, C (answered at 4, 2.5 after it arrived) has been given up; B (answered
 * 1.75 after) has not.
 * Worst windows see each outcome when the answer comes: A at 2, B at 3, C (failed) at 4. The
 * 1 s window [4, 5) holds C alone: failure rate 1, from 4; the 300 s window is the whole
 * period [0, 20]: 1 of 3. (Counted when they got their connections, at 1, 2 and 3, all three
 * were served: 0 %, although a third of them failed.) */
static void test_concurrency_and_client_timeout(void **state)
{
	struct bfx *f = *state;
	bfx_requests_only(f);
	static const double t[3] = {1, 1.25, 1.5};
	struct cfg_requests *rc = bfx_requests(f, 3, t, NULL, 1, 0);
	rc->concurrency = 1;
	rc->client_timeout_s = 2;
	rc->windows_s[0] = 1;
	bfx_run(f);
	const struct requests_stats *r = R(f);
	assert_int_equal(r->served, 2); /* C is given up */
	assert_near(r->worst[0].failure_rate, 1);
	assert_near(r->worst[0].failure_start_s, 4);
	assert_near(r->worst[1].failure_rate, 1.0 / 3);
	assert_near(r->worst[1].outcomes, 3);
	assert_int_equal(r->app_queued, 2);
	EXPECT_TALLY(r->app_wait, 3, 0.75, 0, 1.5);
	EXPECT_TALLY(r->wait_served, 3, 0, 0, 0);
	assert_int_equal(r->failed[REQ_GIVEN_UP], 1);
	EXPECT_OVER(f, F_OUT, 1, 4, 1);
	EXPECT_OVER(f, F_WAITERS, 0, 20, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_per_batch_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_group_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_record_sequence, setup, teardown),
		cmocka_unit_test_setup_teardown(test_groups_in_user_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtt_adds_begin_and_commit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_rtt_and_lock, setup, teardown),
		cmocka_unit_test(test_lock_lifetimes),
		cmocka_unit_test_setup_teardown(test_lock_wait_cascade_per_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_wait_cascade_per_group, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_waits_for_request_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_per_batch_waits_per_group_lock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_workers_lock_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incident_per_batch_times_out, setup, teardown),
		cmocka_unit_test_setup_teardown(test_incident_per_group_served_at_commit, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_attribution_boundary, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_batch_returns_records, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failed_batch_keeps_committed_groups, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failed_batch_records_return_to_front, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_failed_batch_on_refusal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refusal_not_retried_in_same_tick, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lock_timeout_request, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_timeout_counts_lock_wait, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_timeout_known_hold, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statements_alternate_on_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_statement_timeout_on_cpu, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lock_timeout_batch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrency_and_client_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_request_retries, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_size_catch_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_busy_worker_skips_tick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_batch_processes_share_backlog, setup, teardown),
		cmocka_unit_test_setup_teardown(test_warmup_counts_batches_started_after, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_record_at_tick_instant, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deployment_refusals_across_processes, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_deployment_round_robin, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_size_beyond_int, setup, teardown),
		cmocka_unit_test(test_same_seed_identical),
		cmocka_unit_test(test_crn_pool_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
