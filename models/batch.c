#include "models/batch.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "models/arrivals.h"
#include "models/cpu.h"
#include "models/locks.h"
#include "models/pgbouncer.h"
#include "sim/dist.h"
#include "sim/status.h"

struct group {
	int user;
	int first, count;   /* its records: rec_t[first .. first + count) */
};

struct worker {
	struct pool_client pc;  /* first: the pool hands back a pointer to it */
	struct batch *b;
	struct pool *pool;
	bool busy;
	bool counted;
	double t_start;
	/* the batch */
	int n_rec, n_groups;
	double *rec_t;          /* arrival times of its records */
	bool *done;             /* committed? */
	struct group *groups;
	/* the cursor: group g, record k within it */
	int g, k;
	/* the transaction in progress */
	struct pool_conn *conn;
	struct pgbouncer_client link;  /* its server through PgBouncer, if any */
	uint64_t txn;
	int unit_g0, unit_k0;   /* where the transaction started */
	int locked_upto;        /* groups unit_g0 .. locked_upto-1 have their user locked */
	double t_ready, t_lock;
	double t_stmt;          /* the current statement reached the server */
	sim_handle cancel_ev;   /* pending lock_timeout / statement_timeout */
	uint64_t cpu_job;       /* the record's statement on the CPU (cores > 0) */
	bool on_cpu, waiting_lock;
};

/* PostgreSQL errors that cancel a batch's statement and roll its transaction back. */
enum { BATCH_ERR_LOCK_TIMEOUT = 1, BATCH_ERR_STATEMENT_TIMEOUT = 2 };

static void ev_db_error(struct sim *sim, void *obj, uint64_t arg);
static void ev_rollback(struct sim *sim, void *obj, uint64_t arg);

struct batch {
	const struct cfg_batch *cfg;
	struct sim *sim;
	struct database *db;
	struct pool *const *pools;
	const struct users *users;
	struct arrivals *arr;
	gsl_rng *work;
	double warmup_s, horizon_s;
	struct batch_stats *st;
	struct pgbouncer *bouncer;  /* NULL: the pools connect to the database directly */
	/* backlog: ring buffer of record arrival times, oldest at head */
	double *q;
	int q_head, q_n, q_cap;
	int n_workers;
	struct worker *workers;
	int active;
	uint64_t failures;      /* batches failed, counted or not */
	double lock_to_s, stmt_to_s; /* effective lock_timeout, statement_timeout; 0 = off */
};

static void ev_record(struct sim *sim, void *obj, uint64_t arg);
static void ev_tick(struct sim *sim, void *obj, uint64_t arg);
static void ev_begin_done(struct sim *sim, void *obj, uint64_t arg);
static void ev_record_done(struct sim *sim, void *obj, uint64_t arg);
static void ev_commit(struct sim *sim, void *obj, uint64_t arg);
static void begin_unit(struct worker *w);
static void step(struct worker *w);
static void cpu_record_done(void *ctx, uint64_t tag);

int batch_backlog(const struct batch *b) { return b->q_n; }
void batch_use_pgbouncer(struct batch *b, struct pgbouncer *pb) { b->bouncer = pb; }
int batch_active(const struct batch *b) { return b->active; }
double batch_backlog_age(const struct batch *b)
{
	return b->q_n ? sim_now(b->sim) - b->q[b->q_head] : 0;
}

static void set_levels(struct batch *b)
{
	double now = sim_now(b->sim);
	if (b->st->backlog.value != b->q_n)
		level_set(&b->st->backlog, now, b->q_n);
	if (b->st->active.value != b->active)
		level_set(&b->st->active, now, b->active);
}

void batch_reset_levels(struct batch *b)
{
	level_reset(&b->st->backlog, sim_now(b->sim));
	level_reset(&b->st->active, sim_now(b->sim));
}

void batch_snapshot_levels(struct batch *b)
{
	double now = sim_now(b->sim);
	struct batch_stats *s = b->st;
	s->backlog_mean = level_mean(&s->backlog, now);
	s->backlog_max = s->backlog.max;
	s->active_mean = level_mean(&s->active, now);
	s->backlog_end = b->q_n;
}

/* false when the backlog cannot grow (out of memory, or past INT_MAX records): the run is
 * then failed (sim_fail) and the record is not stored. */
static bool q_grow(struct batch *b)
{
	if (b->q_cap > INT_MAX / 2) {
		sim_fail(b->sim, PT_ENOMEM);
		return false;
	}
	int cap = b->q_cap ? 2 * b->q_cap : 1024;
	double *nq = malloc((size_t)cap * sizeof *nq);
	if (!nq) {
		sim_fail(b->sim, PT_ENOMEM);
		return false;
	}
	for (int i = 0; i < b->q_n; i++)
		nq[i] = b->q[(b->q_head + i) % b->q_cap];
	free(b->q);
	b->q = nq;
	b->q_cap = cap;
	b->q_head = 0;
	return true;
}

static void q_push_back(struct batch *b, double t)
{
	if (b->q_n == b->q_cap && !q_grow(b))
		return;
	b->q[(b->q_head + b->q_n) % b->q_cap] = t;
	b->q_n++;
}

static void q_push_front(struct batch *b, double t)
{
	if (b->q_n == b->q_cap && !q_grow(b))
		return;
	b->q_head = (b->q_head + b->q_cap - 1) % b->q_cap;
	b->q[b->q_head] = t;
	b->q_n++;
}

static double q_pop_front(struct batch *b)
{
	double t = b->q[b->q_head];
	b->q_head = (b->q_head + 1) % b->q_cap;
	b->q_n--;
	return t;
}

struct batch *batch_create(const struct cfg_batch *cfg, struct sim *sim, struct database *db,
			   struct pool *const *pools, const struct users *users,
			   gsl_rng *arrivals, gsl_rng *work, double warmup_s, double horizon_s,
			   struct batch_stats *stats)
{
	struct batch *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->cfg = cfg;
	b->sim = sim;
	b->db = db;
	b->pools = pools;
	b->users = users;
	b->work = work;
	b->warmup_s = warmup_s;
	b->horizon_s = horizon_s;
	b->st = stats;
	b->lock_to_s = cfg->lock_timeout_s >= 0 ? cfg->lock_timeout_s : db->cfg->lock_timeout_s;
	b->stmt_to_s = cfg->statement_timeout_s >= 0 ? cfg->statement_timeout_s
						     : db->cfg->statement_timeout_s;
	b->arr = arrivals_create(&cfg->records, arrivals, horizon_s);
	int procs = cfg->processes > 0 ? cfg->processes : 1;
	int per = cfg->workers > 0 ? cfg->workers : 1;
	b->n_workers = procs * per;
	b->workers = calloc((size_t)b->n_workers, sizeof *b->workers);
	if (!b->arr || !b->workers)
		goto fail;
	assert(cfg->batch_size >= 1 && cfg->max_batch_size >= cfg->batch_size);
	int cap = cfg->max_batch_size;
	for (int i = 0; i < b->n_workers; i++) {
		struct worker *w = &b->workers[i];
		w->b = b;
		w->pool = pools[i / per];
		w->rec_t = malloc((size_t)cap * sizeof *w->rec_t);
		w->done = malloc((size_t)cap * sizeof *w->done);
		w->groups = malloc((size_t)cap * sizeof *w->groups);
		if (!w->rec_t || !w->done || !w->groups)
			goto fail;
	}
	*stats = (struct batch_stats){0};
	tally_init(&stats->size);
	tally_init(&stats->duration);
	tally_init(&stats->hold);
	tally_init(&stats->lock_wait);
	tally_init(&stats->lag);
	level_init(&stats->backlog, sim_now(sim), 0);
	level_init(&stats->active, sim_now(sim), 0);
	return b;
fail:
	batch_destroy(b);
	return NULL;
}

void batch_destroy(struct batch *b)
{
	if (!b)
		return;
	for (int i = 0; b->workers && i < b->n_workers; i++) {
		free(b->workers[i].rec_t);
		free(b->workers[i].done);
		free(b->workers[i].groups);
	}
	free(b->workers);
	free(b->q);
	arrivals_destroy(b->arr);
	free(b);
}

static void schedule_record(struct batch *b)
{
	double t = arrivals_next(b->arr, NULL);
	if (t < b->horizon_s)
		sim_schedule_at(b->sim, t, PRIO_ARRIVAL, ev_record, b, 0);
}

void batch_start(struct batch *b)
{
	schedule_record(b);
	if (b->cfg->every_s < b->horizon_s)
		sim_schedule_at(b->sim, b->cfg->every_s, PRIO_TICK, ev_tick, b, 1);
}

static void ev_record(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct batch *b = obj;
	q_push_back(b, sim_now(sim));
	set_levels(b);
	schedule_record(b);
}

static int cmp_group(const void *x, const void *y)
{
	const struct group *a = x, *c = y;
	if (a->user != c->user)
		return a->user < c->user ? -1 : 1;
	return a->first < c->first ? -1 : (a->first > c->first); /* stable: by position */
}

static void start_batch(struct worker *w)
{
	struct batch *b = w->b;
	const struct cfg_batch *cfg = b->cfg;
	int n = b->q_n <= cfg->batch_size ? b->q_n
					  : (b->q_n < cfg->max_batch_size ? b->q_n : cfg->max_batch_size);
	w->busy = true;
	b->active++;
	w->t_start = sim_now(b->sim);
	w->counted = w->t_start >= b->warmup_s;
	w->n_rec = n;
	for (int i = 0; i < n; i++) {
		w->rec_t[i] = q_pop_front(b);
		w->done[i] = false;
	}
	/* user-date groups, then ascending user order */
	w->n_groups = 0;
	for (int first = 0; first < n;) {
		double gs = dist_sample(&cfg->group_size, b->work);
		/* Compared as a double before any conversion: a draw beyond INT_MAX (a heavy
		 * tail) must not wrap around into a negative count. */
		int count = !(gs < (double)(n - first)) ? n - first : gs >= 1 ? (int)lround(gs) : 1;
		if (count > n - first)
			count = n - first;
		w->groups[w->n_groups++] = (struct group){
			.user = users_draw(b->users, b->work), .first = first, .count = count};
		first += count;
	}
	qsort(w->groups, (size_t)w->n_groups, sizeof *w->groups, cmp_group);
	w->g = w->k = 0;
	if (w->counted) {
		b->st->batches++;
		tally_add(&b->st->size, n);
	}
	set_levels(b);
	begin_unit(w);
}

static void ev_tick(struct sim *sim, void *obj, uint64_t arg)
{
	struct batch *b = obj;
	/* A batch that fails at once (the database refused its connect) puts its records back
	 * during the tick; they wait for the next tick rather than fail again at this one. */
	uint64_t failures = b->failures;
	for (int i = 0; i < b->n_workers && b->q_n > 0 && b->failures == failures; i++)
		if (!b->workers[i].busy)
			start_batch(&b->workers[i]);
	double next = (double)(arg + 1) * b->cfg->every_s;
	if (next < b->horizon_s)
		sim_schedule_at(sim, next, PRIO_TICK, ev_tick, b, arg + 1);
}

static void finish_batch(struct worker *w, bool completed)
{
	struct batch *b = w->b;
	if (w->counted && completed) {
		b->st->completed++;
		tally_add(&b->st->duration, sim_now(b->sim) - w->t_start);
	}
	w->busy = false;
	b->active--;
	set_levels(b);
}

static bool unit_is_done(const struct worker *w)
{
	switch (w->b->cfg->commit) {
	case CFG_COMMIT_PER_BATCH:
		return w->g >= w->n_groups;
	case CFG_COMMIT_PER_GROUP:
		return w->g > w->unit_g0;
	case CFG_COMMIT_PER_RECORD:
		return w->g > w->unit_g0 || w->k > w->unit_k0;
	}
	return true;
}

/* The transaction starts: the connection is usable (with PgBouncer, linked to a server). */
static void start_unit(struct worker *w)
{
	struct batch *b = w->b;
	w->t_ready = sim_now(b->sim);
	w->txn = database_begin(b->db);
	w->unit_g0 = w->g;
	w->unit_k0 = w->k;
	w->locked_upto = w->g;
	sim_schedule_in(b->sim, b->db->cfg->rtt_s, PRIO_COMPLETION, ev_begin_done, w, 0); /* BEGIN */
}

static void on_fail(struct pool_client *c, enum pool_failure why);

static struct worker *of_link(struct pgbouncer_client *c)
{
	return (struct worker *)(void *)((char *)c - offsetof(struct worker, link));
}

static void on_linked(struct pgbouncer_client *c) { start_unit(of_link(c)); }

static void fail_batch(struct worker *w);

/* PgBouncer disconnected the client: the pool's connection is dead and the batch fails as
 * at a failed checkout; a query_wait_timeout is counted as PgBouncer's, not the pool's. */
static void on_pgbouncer_error(struct pgbouncer_client *c, enum pgbouncer_error e)
{
	struct worker *w = of_link(c);
	pool_checkin_closed(w->pool, w->conn);
	w->conn = NULL;
	if (w->counted && e == PGBOUNCER_QUERY_WAIT_TIMEOUT)
		w->b->st->pgbouncer_timeouts++;
	fail_batch(w);
}

static void on_ready(struct pool_client *c, struct pool_conn *conn)
{
	struct worker *w = (struct worker *)c;
	w->conn = conn;
	if (w->b->bouncer) {
		/* BEGIN needs a server connection */
		w->link.on_linked = on_linked;
		w->link.on_error = on_pgbouncer_error;
		w->link.conn = conn;
		w->link.server = w->b->db;
		pgbouncer_query(w->b->bouncer, &w->link);
		return;
	}
	start_unit(w);
}

/* A failed checkout fails the batch: uncommitted records go back to the front of the
 * backlog, oldest first. */
static void fail_batch(struct worker *w)
{
	struct batch *b = w->b;
	b->failures++;
	if (w->counted)
		b->st->failed++;
	/* Uncommitted records sorted by arrival time, pushed to the front newest first. */
	int m = 0;
	for (int i = 0; i < w->n_rec; i++)
		if (!w->done[i])
			w->rec_t[m++] = w->rec_t[i];
	for (int i = 1; i < m; i++) { /* insertion sort: batches are small and nearly sorted */
		double x = w->rec_t[i];
		int j = i - 1;
		while (j >= 0 && w->rec_t[j] > x) {
			w->rec_t[j + 1] = w->rec_t[j];
			j--;
		}
		w->rec_t[j + 1] = x;
	}
	for (int i = m - 1; i >= 0; i--)
		q_push_front(b, w->rec_t[i]);
	finish_batch(w, false);
}

static void on_fail(struct pool_client *c, enum pool_failure why)
{
	struct worker *w = (struct worker *)c;
	if (w->counted && why == POOL_TIMEOUT)
		w->b->st->pool_timeouts++;
	fail_batch(w);
}

static void begin_unit(struct worker *w)
{
	w->pc.on_ready = on_ready;
	w->pc.on_fail = on_fail;
	w->pc.holder_class = POOL_HOLDER_BATCH;
	pool_checkout(w->pool, &w->pc);
}

/* When the current statement is cancelled by statement_timeout (INFINITY: off). */
static double stmt_deadline(const struct worker *w)
{
	return w->b->stmt_to_s > 0 ? w->t_stmt + w->b->stmt_to_s : INFINITY;
}

static void arm_cancel(struct worker *w, double t, int err)
{
	w->cancel_ev = sim_schedule_at(w->b->sim, t, PRIO_DEADLINE, ev_db_error, w, (uint64_t)err);
}

static void disarm_cancel(struct worker *w)
{
	if (w->cancel_ev != SIM_NO_EVENT)
		sim_cancel(w->b->sim, w->cancel_ev);
	w->cancel_ev = SIM_NO_EVENT;
}

/* One record's statement: its work drawn now (the same draws whatever the timeouts), then
 * statement_timeout counted from when it reached the server (its lock wait included). */
static void process_record(struct worker *w)
{
	struct batch *b = w->b;
	double work = dist_sample(&b->cfg->per_record, b->work);
	double now = sim_now(b->sim), dl = stmt_deadline(w);
	if (b->db->cpu) {
		w->on_cpu = true;
		w->cpu_job = cpu_submit(b->db->cpu, work, cpu_record_done, w, 0);
		if (isfinite(dl))
			arm_cancel(w, dl, BATCH_ERR_STATEMENT_TIMEOUT);
	} else if (now + work > dl) {
		arm_cancel(w, dl, BATCH_ERR_STATEMENT_TIMEOUT);
	} else {
		sim_schedule_in(b->sim, work, PRIO_COMPLETION, ev_record_done, w, 0);
	}
}

static void lock_granted(void *ctx, uint64_t tag)
{
	(void)tag;
	struct worker *w = ctx;
	struct batch *b = w->b;
	disarm_cancel(w);
	w->waiting_lock = false;
	database_lock_wait(b->db, sim_now(b->sim), -1);
	if (w->counted)
		tally_add(&b->st->lock_wait, sim_now(b->sim) - w->t_lock);
	w->locked_upto = w->g + 1;
	process_record(w);
}

/* The next thing the transaction does: commit, or take the next group's lock, or process the
 * next record. */
static void step(struct worker *w)
{
	struct batch *b = w->b;
	if (unit_is_done(w)) {
		sim_schedule_in(b->sim, b->db->cfg->rtt_s, PRIO_COMPLETION, ev_commit, w, 0);
		return;
	}
	if (b->db->locks && w->locked_upto <= w->g) {
		/* the first write of this group in this transaction */
		w->locked_upto = w->g + 1;
		w->t_stmt = sim_now(b->sim);
		if (!locks_acquire(b->db->locks, w->groups[w->g].user, w->txn, lock_granted, w, 0)) {
			if (locks_status(b->db->locks)) { /* neither granted nor queued */
				sim_fail(b->sim, locks_status(b->db->locks));
				return;
			}
			w->locked_upto = w->g; /* not yet */
			w->t_lock = sim_now(b->sim);
			w->waiting_lock = true;
			database_lock_wait(b->db, w->t_lock, +1);
			if (w->counted)
				b->st->lock_waits++;
			double lock_dl = b->lock_to_s > 0 ? w->t_lock + b->lock_to_s : INFINITY;
			double stmt_dl = stmt_deadline(w);
			if (isfinite(lock_dl) || isfinite(stmt_dl))
				arm_cancel(w, fmin(lock_dl, stmt_dl),
					   lock_dl <= stmt_dl ? BATCH_ERR_LOCK_TIMEOUT
							      : BATCH_ERR_STATEMENT_TIMEOUT);
			return;
		}
		process_record(w);
		return;
	}
	w->t_stmt = sim_now(b->sim);
	process_record(w);
}

/* Release the row locks this transaction took (COMMIT or ROLLBACK). */
static void release_locks(struct worker *w)
{
	struct batch *b = w->b;
	if (!b->db->locks)
		return;
	int last_user = -1;
	for (int g = w->unit_g0; g < w->locked_upto && g < w->n_groups; g++) {
		int u = w->groups[g].user;
		if (u != last_user) /* groups are in user order: a user's groups are adjacent */
			locks_release(b->db->locks, u, w->txn);
		last_user = u;
	}
}

/* PostgreSQL cancelled the transaction's statement (lock_timeout, or statement_timeout): a lock
 * wait is withdrawn, a running statement stops taking CPU, and the worker sends ROLLBACK (one
 * round trip); then it releases the locks of this transaction, returns the connection, and the
 * batch fails: its uncommitted records go back to the front of the backlog. */
static void ev_db_error(struct sim *sim, void *obj, uint64_t arg)
{
	struct worker *w = obj;
	struct batch *b = w->b;
	w->cancel_ev = SIM_NO_EVENT;
	if (w->waiting_lock) {
		locks_cancel(b->db->locks, w->groups[w->g].user, w->txn);
		w->waiting_lock = false;
		database_lock_wait(b->db, sim_now(sim), -1);
		if (w->counted)
			tally_add(&b->st->lock_wait, sim_now(sim) - w->t_lock);
	}
	if (w->on_cpu) {
		cpu_cancel(b->db->cpu, w->cpu_job);
		w->on_cpu = false;
	}
	if (w->counted) {
		if (arg == BATCH_ERR_LOCK_TIMEOUT)
			b->st->lock_timeouts++;
		else
			b->st->statement_timeouts++;
	}
	sim_schedule_in(sim, b->db->cfg->rtt_s, PRIO_COMPLETION, ev_rollback, w, 0);
}

static void ev_rollback(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct worker *w = obj;
	release_locks(w);
	w->txn = 0;
	pool_checkin(w->pool, w->conn);
	w->conn = NULL;
	fail_batch(w);
}

static void ev_begin_done(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	step(obj);
}

static void record_done(struct worker *w)
{
	if (++w->k >= w->groups[w->g].count) {
		w->g++;
		w->k = 0;
	}
	step(w);
}

static void ev_record_done(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	record_done(obj);
}

static void cpu_record_done(void *ctx, uint64_t tag)
{
	(void)tag;
	struct worker *w = ctx;
	w->on_cpu = false;
	disarm_cancel(w);
	record_done(w);
}

/* COMMIT: locks released, connection returned, the transaction's records committed. */
static void ev_commit(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct worker *w = obj;
	struct batch *b = w->b;
	double now = sim_now(sim);
	release_locks(w);
	/* records from (unit_g0, unit_k0) up to the cursor (g, k) are committed */
	int g = w->unit_g0, k = w->unit_k0;
	while (g < w->g || (g == w->g && k < w->k)) {
		if (g >= w->n_groups)
			break;
		int idx = w->groups[g].first + k;
		w->done[idx] = true;
		if (w->counted) {
			b->st->records++;
			tally_add(&b->st->lag, now - w->rec_t[idx]);
		}
		if (++k >= w->groups[g].count) {
			g++;
			k = 0;
		}
	}
	if (w->counted) {
		b->st->transactions++;
		tally_add(&b->st->hold, now - w->t_ready);
	}
	w->txn = 0;
	if (b->bouncer)
		pgbouncer_release(b->bouncer, &w->link); /* server back (session: at the close) */
	pool_checkin(w->pool, w->conn);
	w->conn = NULL;
	if (w->g >= w->n_groups)
		finish_batch(w, true);
	else
		begin_unit(w);
}
