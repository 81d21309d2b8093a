#include "models/requests.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "models/arrivals.h"
#include "models/cpu.h"
#include "models/locks.h"
#include "models/pgbouncer.h"
#include "models/routing.h"
#include "sim/dist.h"
#include "sim/objpool.h"
#include "sim/status.h"

#define REQ_CHUNK 256

struct request {
	struct pool_client pc;  /* first: the pool hands back a pointer to it */
	struct requests *wl;
	struct pool *pool;
	struct pool_conn *conn;
	struct pgbouncer_client link; /* its server through PgBouncer, if any */
	struct database *db;    /* the server its transaction runs on (routing.h): its CPU */
	double rtt_s;           /* that server's round trip */
	struct request *next;   /* the application's queue of its process (concurrency) */
	double t_arrival;       /* the client's request: client_timeout counts from here */
	double t_first;         /* first checkout: waits are measured from here */
	double t_ready;         /* connection in hand */
	double t_lock;          /* started waiting for the row lock */
	double t_stmt;          /* the current statement reached the server (statement_timeout
				   counts from here, a lock wait included) */
	sim_handle cancel_ev;   /* the pending lock_timeout / statement_timeout, if any */
	uint64_t cpu_job;       /* the statement running on the CPU (cores > 0) */
	double db_s, app_s;
	double hold_s;          /* known in advance (nothing to contend for), else NAN */
	uint64_t txn;           /* non-zero while it holds (or waits for) a row lock */
	int user;
	int attempt;            /* retries done */
	int proc;               /* its application process */
	int stmt;               /* statements done (cores > 0: they run one by one) */
	int db_error;           /* 0, or the DB_ERR_* that cancelled its transaction */
	bool writes;
	bool counted;
	bool on_cpu;            /* cpu_job is running */
};

/* PostgreSQL errors that cancel a statement and roll its transaction back. */
enum { DB_ERR_LOCK_TIMEOUT = 1, DB_ERR_STATEMENT_TIMEOUT = 2 };

/* An application process's admission (cfg->concurrency): requests in flight and the FIFO of
 * requests waiting for a worker. */
struct app_proc {
	int active;
	struct request *head, *tail;
};

struct requests {
	const struct cfg_requests *cfg;
	struct sim *sim;
	struct database *db;
	struct pool *const *pools;
	int n_processes;
	int next_process;       /* round robin: the process of the next arrival */
	const struct users *users;
	struct arrivals *arr;
	gsl_rng *holds;
	double warmup_s, horizon_s;
	struct requests_stats *st;
	struct pgbouncer *bouncer;  /* NULL: the pools connect to the database directly */
	struct routing route;       /* read routing (cfg->reads); disabled by default */
	struct pool *const *read_pools[CFG_MAX_REPLICAS]; /* [k][process]: cfg->reads.pools[k] */
	struct database *read_db[CFG_MAX_REPLICAS];      /* their servers */
	double lock_to_s;           /* effective lock_timeout (the primary's: row locks live
				       there); 0 = off */
	struct app_proc *procs;      /* [n_processes] */
	struct objpool reqs;        /* request records: memory follows the requests in flight */
	struct windows *win;        /* worst windows over [warmup, horizon] */
	uint64_t in_flight;
	void (*observe)(void *ctx, double t);
	void *observe_ctx;
};

static void ev_arrival(struct sim *sim, void *obj, uint64_t arg);
static void ev_release(struct sim *sim, void *obj, uint64_t arg);
static void ev_write_start(struct sim *sim, void *obj, uint64_t arg);
static void ev_exec_done(struct sim *sim, void *obj, uint64_t arg);
static void ev_retry(struct sim *sim, void *obj, uint64_t arg);
static void ev_exec_start(struct sim *sim, void *obj, uint64_t arg);
static void ev_db_error(struct sim *sim, void *obj, uint64_t arg);
static void ev_next_statement(struct sim *sim, void *obj, uint64_t arg);

struct requests *requests_create(const struct cfg_requests *cfg, struct sim *sim,
				 struct database *db, struct pool *const *pools, int n_processes,
				 const struct users *users, gsl_rng *arrivals, gsl_rng *holds,
				 double warmup_s, double horizon_s, struct requests_stats *stats)
{
	struct requests *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->arr = arrivals_create(&cfg->arrival, arrivals, horizon_s);
	r->win = windows_create(cfg->windows_s, cfg->n_windows, warmup_s, horizon_s);
	if (!r->arr || !r->win) {
		arrivals_destroy(r->arr);
		windows_destroy(r->win);
		free(r);
		return NULL;
	}
	r->cfg = cfg;
	r->sim = sim;
	r->db = db;
	r->pools = pools;
	r->n_processes = n_processes > 0 ? n_processes : 1;
	r->users = users;
	r->holds = holds;
	r->warmup_s = warmup_s;
	r->horizon_s = horizon_s;
	r->st = stats;
	r->lock_to_s = cfg->lock_timeout_s >= 0 ? cfg->lock_timeout_s : db->cfg->lock_timeout_s;
	r->procs = calloc((size_t)r->n_processes, sizeof *r->procs);
	if (!r->procs) {
		arrivals_destroy(r->arr);
		free(r);
		return NULL;
	}
	static const struct cfg_reads no_reads; /* routing off until requests_route_reads */
	routing_init(&r->route, &no_reads, NULL, r->n_processes);
	objpool_init(&r->reqs, sizeof(struct request), REQ_CHUNK);
	*stats = (struct requests_stats){0};
	tally_init(&stats->lock_wait);
	tally_init(&stats->wait_served);
	tally_init(&stats->wait_all);
	tally_init(&stats->connect);
	tally_init(&stats->hold);
	tally_init(&stats->app_wait);
	histo_init(&stats->h_served);
	histo_init(&stats->h_hold);
	histo_init(&stats->h_lock_wait);
	histo_init(&stats->h_all);
	return r;
}

void requests_destroy(struct requests *r)
{
	if (!r)
		return;
	objpool_fini(&r->reqs);
	routing_fini(&r->route);
	arrivals_destroy(r->arr);
	free(r->procs);
	windows_destroy(r->win);
	free(r);
}

uint64_t requests_in_flight(const struct requests *r) { return r->in_flight; }

void requests_use_pgbouncer(struct requests *r, struct pgbouncer *b) { r->bouncer = b; }

int requests_route_reads(struct requests *r, gsl_rng *rng, struct pool *const *const *pools,
			 struct database *const *servers)
{
	for (int k = 0; k < r->cfg->reads.n_pools; k++) {
		r->read_pools[k] = pools[k];
		r->read_db[k] = servers[k];
	}
	return routing_init(&r->route, &r->cfg->reads, rng, r->n_processes);
}

void requests_observe_arrivals(struct requests *r, void (*fn)(void *ctx, double t), void *ctx)
{
	r->observe = fn;
	r->observe_ctx = ctx;
}

static const struct {
	const char *name, *rate, *label;
} failures[REQ_FAILURES] = {
#define REQUESTS_ROW_(id, name, rate, label) [id] = {name, rate, label},
	REQUESTS_FAILURES(REQUESTS_ROW_)
#undef REQUESTS_ROW_
};

const char *requests_failure_name(enum requests_failure f) { return failures[f].name; }

const char *requests_failure_rate_name(enum requests_failure f) { return failures[f].rate; }
const char *requests_failure_label(enum requests_failure f) { return failures[f].label; }

uint64_t requests_failures(const struct requests_stats *s)
{
	uint64_t n = 0;
	for (int f = 0; f < REQ_FAILURES; f++)
		n += s->failed[f];
	return n;
}

/* NULL when out of memory: the run is then failed (sim_fail), never cut short in silence. */
static struct request *req_new(struct requests *r)
{
	struct request *q = objpool_get(&r->reqs);
	if (!q) {
		sim_fail(r->sim, PT_ENOMEM);
		return NULL;
	}
	r->in_flight++;
	return q;
}

static void req_free(struct requests *r, struct request *q)
{
	objpool_put(&r->reqs, q);
	r->in_flight--;
}

/* The next arrival carries a trace's hold time (or NAN) in the event argument. */
static void schedule_next(struct requests *r)
{
	double hold = NAN;
	double t = arrivals_next(r->arr, &hold);
	uint64_t bits;
	memcpy(&bits, &hold, sizeof bits);
	if (t < r->horizon_s)
		sim_schedule_at(r->sim, t, PRIO_ARRIVAL, ev_arrival, r, bits);
}

void requests_start(struct requests *r) { schedule_next(r); }

/* Served waits are recorded once, in the served tally and histogram, and merged into the
 * all-requests ones at the end: the same result as adding each wait to both, for half the
 * work on the hot path. */
void requests_finish(struct requests *r)
{
	for (int i = 0; i < CFG_MAX_WINDOWS; i++)
		r->st->worst[i] = (struct window_result){0, NAN, NAN, 0, 0, NAN, NAN};
	windows_finish(r->win, r->st->worst);
	tally_merge(&r->st->wait_all, &r->st->wait_served);
	histo_merge(&r->st->h_all, &r->st->h_served);
}

/* The transaction's fixed delays, once the statements' work is done: one RTT per statement,
 * the application time, and COMMIT. */
static double tail_s(const struct request *q)
{
	return q->wl->cfg->statements * q->rtt_s + q->app_s + q->rtt_s;
}

/* The statement_timeout the transaction runs under (0 = off): the workload's own (a role's
 * setting, which replicates to standbys and overrides the server's), else the setting of the
 * server it runs on: the primary's database.statement_timeout, or a routed read's replica's
 * (replicas.NAME.statement_timeout, a server setting a replica may have of its own). */
static double stmt_timeout_s(const struct request *q)
{
	double own = q->wl->cfg->statement_timeout_s;
	return own >= 0 ? own : q->db->cfg->statement_timeout_s;
}

/* When the current statement is cancelled by statement_timeout (INFINITY: off). */
static double stmt_deadline(const struct request *q)
{
	double to = stmt_timeout_s(q);
	return to > 0 ? q->t_stmt + to : INFINITY;
}

/* Arm the cancellation of the current statement at t (a DB_ERR_* in the argument). */
static void arm_cancel(struct request *q, double t, int err)
{
	q->cancel_ev = sim_schedule_at(q->wl->sim, t, PRIO_DEADLINE, ev_db_error, q, (uint64_t)err);
}

static void disarm_cancel(struct request *q)
{
	if (q->cancel_ev != SIM_NO_EVENT)
		sim_cancel(q->wl->sim, q->cancel_ev);
	q->cancel_ev = SIM_NO_EVENT;
}

/* cores > 0: the statements run one by one, each its share db_time / statements of CPU work
 * followed by its round trip (a backend sits idle while the client reads the result and
 * sends the next statement); then the application time and COMMIT. Each statement's
 * statement_timeout runs from its start (the first one's from its lock wait). */
static void start_cpu_statement(struct request *q);

static void cpu_done(void *ctx, uint64_t tag)
{
	(void)tag;
	struct request *q = ctx;
	struct requests *r = q->wl;
	q->on_cpu = false;
	disarm_cancel(q);
	if (++q->stmt < r->cfg->statements) {
		sim_schedule_in(r->sim, q->rtt_s, PRIO_COMPLETION, ev_next_statement, q, 0);
		return;
	}
	sim_schedule_in(r->sim, q->rtt_s + q->app_s + q->rtt_s, PRIO_COMPLETION, ev_release, q, 0);
}

static void start_cpu_statement(struct request *q)
{
	struct requests *r = q->wl;
	q->on_cpu = true;
	q->cpu_job = cpu_submit(q->db->cpu, q->db_s / r->cfg->statements, cpu_done, q, 0);
	double dl = stmt_deadline(q);
	if (isfinite(dl))
		arm_cancel(q, dl, DB_ERR_STATEMENT_TIMEOUT);
}

static void ev_next_statement(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct request *q = obj;
	q->t_stmt = sim_now(sim);
	start_cpu_statement(q);
}

static void ev_exec_done(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct request *q = obj;
	sim_schedule_in(sim, tail_s(q), PRIO_COMPLETION, ev_release, q, 0);
}

/* The statements' work, once the transaction may run them (after BEGIN, and the row lock
 * for a writer). Without a CPU limit it is one block of db_time; statement_timeout then
 * cancels the first statement (db_time / statements, after the lock wait) if it would run
 * past its deadline: with equal shares the first statement is the one to go past first. */
static void exec(struct request *q)
{
	struct requests *r = q->wl;
	if (q->db->cpu) {
		start_cpu_statement(q);
		return;
	}
	double now = sim_now(r->sim), dl = stmt_deadline(q);
	if (now + q->db_s / r->cfg->statements > dl) {
		arm_cancel(q, dl, DB_ERR_STATEMENT_TIMEOUT);
		return;
	}
	sim_schedule_in(r->sim, q->db_s, PRIO_COMPLETION, ev_exec_done, q, 0);
}

static void lock_granted(void *ctx, uint64_t tag)
{
	(void)tag;
	struct request *q = ctx;
	struct requests *r = q->wl;
	disarm_cancel(q);
	pool_set_holder_class(q->pool, q->conn, POOL_HOLDER_REQUEST);
	database_lock_wait(r->db, sim_now(r->sim), -1);
	if (q->counted) {
		tally_add(&r->st->lock_wait, sim_now(r->sim) - q->t_lock);
		histo_add(&r->st->h_lock_wait, sim_now(r->sim) - q->t_lock);
	}
	exec(q);
}

/* After BEGIN: a writing transaction takes its user's row lock before its statements. The
 * statement has reached the server: its lock wait counts against statement_timeout, and
 * lock_timeout bounds the wait itself (the smaller decides; equal: lock_timeout). */
static void ev_write_start(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct request *q = obj;
	struct requests *r = q->wl;
	q->txn = database_begin(r->db);
	q->t_stmt = sim_now(sim);
	if (!locks_acquire(r->db->locks, q->user, q->txn, lock_granted, q, 0)) {
		if (locks_status(r->db->locks)) { /* neither granted nor queued: out of memory */
			sim_fail(sim, locks_status(r->db->locks));
			return;
		}
		pool_set_holder_class(q->pool, q->conn, POOL_HOLDER_LOCK_WAIT);
		q->t_lock = sim_now(sim);
		database_lock_wait(r->db, q->t_lock, +1);
		if (q->counted)
			r->st->lock_waits++;
		double lock_dl = r->lock_to_s > 0 ? q->t_lock + r->lock_to_s : INFINITY;
		double stmt_dl = stmt_deadline(q);
		if (isfinite(lock_dl) || isfinite(stmt_dl))
			arm_cancel(q, fmin(lock_dl, stmt_dl),
				   lock_dl <= stmt_dl ? DB_ERR_LOCK_TIMEOUT : DB_ERR_STATEMENT_TIMEOUT);
		return;
	}
	exec(q);
}

/* PostgreSQL cancels the statement ("canceling statement due to lock timeout" or "... due to
 * statement timeout"): a lock wait is withdrawn, a running statement stops taking CPU, the
 * client sends ROLLBACK (one round trip; a held row lock is released at its end) and returns
 * the connection. The request has failed. */
static void ev_db_error(struct sim *sim, void *obj, uint64_t arg)
{
	struct request *q = obj;
	struct requests *r = q->wl;
	double now = sim_now(sim);
	q->cancel_ev = SIM_NO_EVENT;
	q->db_error = (int)arg;
	if (q->txn && locks_cancel(r->db->locks, q->user, q->txn)) {
		/* it never got the lock: nothing to release at ROLLBACK */
		q->txn = 0;
		pool_set_holder_class(q->pool, q->conn, POOL_HOLDER_REQUEST);
		database_lock_wait(r->db, now, -1);
		if (q->counted) {
			tally_add(&r->st->lock_wait, now - q->t_lock);
			histo_add(&r->st->h_lock_wait, now - q->t_lock);
		}
	}
	if (q->on_cpu) {
		cpu_cancel(q->db->cpu, q->cpu_job);
		q->on_cpu = false;
	}
	if (q->counted) {
		/* it was counted served when it got its connection */
		r->st->served--;
		r->st->failed[q->db_error == DB_ERR_LOCK_TIMEOUT ? REQ_LOCK_TIMEOUT
								 : REQ_STATEMENT_TIMEOUT]++;
	}
	sim_schedule_in(sim, q->rtt_s, PRIO_COMPLETION, ev_release, q, 0);
}

/* The transaction starts: the connection is usable (with PgBouncer, linked to a server). */
static void start_txn(struct request *q)
{
	struct requests *r = q->wl;
	struct pool_client *c = &q->pc;
	double now = sim_now(r->sim);
	q->t_ready = now;
	if (q->counted) {
		double wait = now - q->t_first;
		struct requests_stats *s = r->st;
		s->served++;
		tally_add(&s->wait_served, wait);
		tally_add(&s->connect, c->connect_s);
		histo_add(&s->h_served, wait); /* joins h_all and wait_all in requests_finish */
		/* its worst-window outcome comes at its end (ev_release): it may still fail */
	}
	bool lock = q->writes && r->db->locks;
	q->hold_s = NAN;
	if (!lock && !q->db->cpu) {
		/* Nothing to contend for inside the database: the hold is known now, one event
		 * (or, when statement_timeout cancels the first statement, its error). */
		double to = stmt_timeout_s(q);
		if (to > 0 && q->db_s / r->cfg->statements > to) {
			q->t_stmt = now + q->rtt_s;
			arm_cancel(q, q->t_stmt + to, DB_ERR_STATEMENT_TIMEOUT);
			return;
		}
		q->hold_s = q->rtt_s + q->db_s + tail_s(q);
		sim_schedule_at(r->sim, now + q->hold_s, PRIO_COMPLETION, ev_release, q, 0);
	} else if (lock) {
		sim_schedule_in(r->sim, q->rtt_s, PRIO_COMPLETION, ev_write_start, q, 0);
	} else {
		/* BEGIN, then the statements on the CPU */
		q->txn = 0;
		if (q->rtt_s > 0) {
			sim_schedule_in(r->sim, q->rtt_s, PRIO_COMPLETION, ev_exec_start, q, 0);
		} else {
			q->t_stmt = now;
			exec(q);
		}
	}
}

static void finish_failed(struct request *q, enum requests_failure why);

static struct request *of_link(struct pgbouncer_client *c)
{
	return (struct request *)(void *)((char *)c - offsetof(struct request, link));
}

static void on_linked(struct pgbouncer_client *c) { start_txn(of_link(c)); }

/* PgBouncer disconnected the client: the pool's connection is dead, the request fails; a
 * query_wait_timeout is a timeout waiting for a connection, the other errors refusals. */
static void on_pgbouncer_error(struct pgbouncer_client *c, enum pgbouncer_error e)
{
	struct request *q = of_link(c);
	pool_checkin_closed(q->pool, q->conn);
	q->conn = NULL;
	finish_failed(q, e == PGBOUNCER_QUERY_WAIT_TIMEOUT ? REQ_PGBOUNCER_TIMED_OUT
							   : REQ_PGBOUNCER_REFUSED);
}

static void on_ready(struct pool_client *c, struct pool_conn *conn)
{
	struct request *q = (struct request *)c;
	struct requests *r = q->wl;
	q->conn = conn;
	if (r->bouncer) {
		/* BEGIN needs a server connection */
		q->link.on_linked = on_linked;
		q->link.on_error = on_pgbouncer_error;
		q->link.conn = conn;
		q->link.server = q->db; /* the primary's database or a replica's */
		pgbouncer_query(r->bouncer, &q->link);
		return;
	}
	start_txn(q);
}

static void ev_exec_start(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct request *q = obj;
	q->t_stmt = sim_now(sim);
	exec(q);
}

static void start(struct request *q);

/* The request leaves its process: a worker is free for the next one in the application's
 * queue (FIFO). */
static void leave(struct request *q)
{
	struct requests *r = q->wl;
	struct app_proc *ap = &r->procs[q->proc];
	ap->active--;
	req_free(r, q);
	struct request *n = ap->head;
	if (!n)
		return;
	ap->head = n->next;
	if (!ap->head)
		ap->tail = NULL;
	ap->active++;
	start(n);
}

static void finish_failed(struct request *q, enum requests_failure why)
{
	struct requests *r = q->wl;
	if (q->counted) {
		double wait = sim_now(r->sim) - q->t_first;
		struct requests_stats *s = r->st;
		s->failed[why]++;
		tally_add(&s->wait_all, wait);
		histo_add(&s->h_all, wait);
		windows_add(r->win, sim_now(r->sim), true, wait);
	}
	leave(q);
}

static void on_fail(struct pool_client *c, enum pool_failure why)
{
	struct request *q = (struct request *)c;
	struct requests *r = q->wl;
	if (why == POOL_TIMEOUT && q->counted) {
		struct requests_stats *s = r->st;
		s->pool_timeouts++;
		/* Attribution: did batches hold at least half the pool when this one timed out? */
		int cap = pool_cap(q->pool);
		int all = cap > 0 ? cap : pool_base(q->pool);
		int batch = pool_held_by(q->pool, POOL_HOLDER_BATCH);
		int lockwait = pool_held_by(q->pool, POOL_HOLDER_LOCK_WAIT);
		if (all > 0 && 2 * batch >= all)
			s->timeouts_batch_heavy++;
		if (all > 0 && 2 * (batch + lockwait) >= all)
			s->timeouts_lock_heavy++;
	}
	if (why == POOL_TIMEOUT && q->attempt < r->cfg->retries) {
		q->attempt++;
		if (q->counted) {
			r->st->retries++;
			if (q->attempt == 1)
				r->st->retried++;
		}
		double backoff = r->cfg->backoff_s * ldexp(1.0, q->attempt - 1);
		sim_schedule_in(r->sim, backoff, PRIO_ARRIVAL, ev_retry, q, 0);
		return;
	}
	/* behind PgBouncer the pools connect to PgBouncer: a refused connect is its
	 * max_client_conn */
	finish_failed(q, why == POOL_TIMEOUT ? REQ_TIMED_OUT
					     : r->bouncer ? REQ_PGBOUNCER_REFUSED : REQ_REFUSED);
}

static void ev_retry(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct request *q = obj;
	pool_checkout(q->pool, &q->pc);
}

static void ev_release(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct request *q = obj;
	struct requests *r = q->wl;
	if (q->txn && q->writes && r->db->locks)
		locks_release(r->db->locks, q->user, q->txn); /* COMMIT or ROLLBACK */
	/* The exact hold when it was known in advance: (t + h) - t need not equal h. */
	if (q->counted) {
		double hold = isnan(q->hold_s) ? sim_now(sim) - q->t_ready : q->hold_s;
		tally_add(&r->st->hold, hold);
		histo_add(&r->st->h_hold, hold);
		/* The client gave up before the answer came: the work was wasted (a proxy's 504;
		 * the server never knew). A failed transaction was counted as such already. */
		bool given_up = !q->db_error && r->cfg->client_timeout_s > 0 &&
				sim_now(sim) > q->t_arrival + r->cfg->client_timeout_s;
		if (given_up) {
			r->st->served--;
			r->st->failed[REQ_GIVEN_UP]++;
		}
		/* The outcome a monitor sees, when the answer (or the error) comes back: cancelled
		 * by lock_timeout or statement_timeout, given up, or served after its wait. */
		windows_add(r->win, sim_now(sim), q->db_error || given_up, q->t_ready - q->t_first);
	}
	if (r->bouncer)
		pgbouncer_release(r->bouncer, &q->link); /* server back (session: at the close) */
	pool_checkin(q->pool, q->conn);
	leave(q);
}

/* The request reaches the pool (at once, or when a worker of its process is free). */
static void start(struct request *q)
{
	struct requests *r = q->wl;
	double now = sim_now(r->sim);
	q->t_first = now;
	if (q->counted)
		tally_add(&r->st->app_wait, now - q->t_arrival);
	pool_checkout(q->pool, &q->pc);
}

static void ev_arrival(struct sim *sim, void *obj, uint64_t arg)
{
	struct requests *r = obj;
	double trace_hold;
	memcpy(&trace_hold, &arg, sizeof trace_hold);
	double now = sim_now(sim);
	if (r->observe)
		r->observe(r->observe_ctx, now);
	const struct cfg_requests *cfg = r->cfg;
	/* This request's random numbers, in a fixed order, before anything else: the n-th
	 * request draws the same numbers in every variant. */
	struct request *q = req_new(r);
	if (!q)
		return; /* the run stops after this event */
	q->db_s = isnan(trace_hold) ? dist_sample(&cfg->db_time, r->holds) : trace_hold;
	q->app_s = dist_sample(&cfg->app_time, r->holds);
	q->writes = false;
	q->user = 0;
	if (cfg->writes > 0) {
		q->user = users_draw(r->users, r->holds);
		q->writes = gsl_rng_uniform(r->holds) < cfg->writes;
	}
	schedule_next(r);
	q->wl = r;
	q->conn = NULL;
	q->txn = 0;
	q->attempt = 0;
	q->t_arrival = now;
	q->t_stmt = now;
	q->cancel_ev = SIM_NO_EVENT;
	q->stmt = 0;
	q->db_error = 0;
	q->on_cpu = false;
	q->next = NULL;
	q->counted = now >= r->warmup_s;
	q->proc = r->next_process;
	q->pool = r->pools[q->proc];
	q->db = r->db;
	int k = routing_pick(&r->route, q->proc, q->writes); /* the routing stream's two draws */
	if (k >= 0) {
		q->pool = r->read_pools[k][q->proc];
		q->db = r->read_db[k];
	}
	q->rtt_s = q->db->cfg->rtt_s;
	if (++r->next_process == r->n_processes) /* not `%`: a division on every arrival */
		r->next_process = 0;
	q->pc.on_ready = on_ready;
	q->pc.on_fail = on_fail;
	q->pc.holder_class = POOL_HOLDER_REQUEST;
	if (q->counted) {
		r->st->offered++;
		if (k >= 0)
			r->st->routed_reads++;
	}
	struct app_proc *ap = &r->procs[q->proc];
	if (cfg->concurrency > 0 && ap->active >= cfg->concurrency) {
		/* every worker of its process is busy: it waits in the application */
		if (ap->tail)
			ap->tail->next = q;
		else
			ap->head = q;
		ap->tail = q;
		if (q->counted)
			r->st->app_queued++;
		return;
	}
	ap->active++;
	start(q);
}
