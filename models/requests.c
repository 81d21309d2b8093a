#include "models/requests.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/arrivals.h"
#include "models/cpu.h"
#include "models/locks.h"
#include "sim/dist.h"
#include "sim/objpool.h"
#include "sim/status.h"

#define REQ_CHUNK 256

struct request {
	struct pool_client pc;  /* first: the pool hands back a pointer to it */
	struct requests *wl;
	struct pool *pool;
	struct pool_conn *conn;
	double t_first;         /* first checkout: waits are measured from here */
	double t_ready;         /* connection in hand */
	double t_lock;          /* started waiting for the row lock */
	double db_s, app_s;
	double hold_s;          /* known in advance (nothing to contend for), else NAN */
	uint64_t txn;           /* non-zero while it holds (or waits for) a row lock */
	int user;
	int attempt;            /* retries done */
	bool writes;
	bool counted;
};

struct requests {
	const struct cfg_requests *cfg;
	struct sim *sim;
	struct database *db;
	struct pool *const *pools;
	int n_processes;
	uint64_t n_arrivals;
	const struct users *users;
	struct arrivals *arr;
	gsl_rng *holds;
	double rtt_s;
	double warmup_s, horizon_s;
	struct requests_stats *st;
	struct objpool reqs;        /* request records: memory follows the requests in flight */
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

struct requests *requests_create(const struct cfg_requests *cfg, struct sim *sim,
				 struct database *db, struct pool *const *pools, int n_processes,
				 const struct users *users, gsl_rng *arrivals, gsl_rng *holds,
				 double warmup_s, double horizon_s, struct requests_stats *stats)
{
	struct requests *r = calloc(1, sizeof *r);
	if (!r)
		return NULL;
	r->arr = arrivals_create(&cfg->arrival, arrivals, horizon_s);
	if (!r->arr) {
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
	r->rtt_s = db->cfg->rtt_s;
	r->warmup_s = warmup_s;
	r->horizon_s = horizon_s;
	r->st = stats;
	objpool_init(&r->reqs, sizeof(struct request), REQ_CHUNK);
	*stats = (struct requests_stats){0};
	tally_init(&stats->lock_wait);
	tally_init(&stats->wait_served);
	tally_init(&stats->wait_all);
	tally_init(&stats->connect);
	tally_init(&stats->hold);
	histo_init(&stats->h_served);
	histo_init(&stats->h_all);
	return r;
}

void requests_destroy(struct requests *r)
{
	if (!r)
		return;
	objpool_fini(&r->reqs);
	arrivals_destroy(r->arr);
	free(r);
}

uint64_t requests_in_flight(const struct requests *r) { return r->in_flight; }

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
	tally_merge(&r->st->wait_all, &r->st->wait_served);
	histo_merge(&r->st->h_all, &r->st->h_served);
}

/* The transaction's fixed delays, once the statements' work is done: one RTT per statement,
 * the application time, and COMMIT. */
static double tail_s(const struct request *q)
{
	return q->wl->cfg->statements * q->wl->rtt_s + q->app_s + q->wl->rtt_s;
}

static void exec(struct request *q);

static void cpu_done(void *ctx, uint64_t tag)
{
	(void)tag;
	struct request *q = ctx;
	ev_exec_done(q->wl->sim, q, 0);
}

static void ev_exec_done(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct request *q = obj;
	sim_schedule_in(sim, tail_s(q), PRIO_COMPLETION, ev_release, q, 0);
}

static void exec(struct request *q)
{
	struct requests *r = q->wl;
	if (r->db->cpu)
		cpu_submit(r->db->cpu, q->db_s, cpu_done, q, 0);
	else
		sim_schedule_in(r->sim, q->db_s, PRIO_COMPLETION, ev_exec_done, q, 0);
}

static void lock_granted(void *ctx, uint64_t tag)
{
	(void)tag;
	struct request *q = ctx;
	struct requests *r = q->wl;
	pool_set_holder_class(q->pool, q->conn, POOL_HOLDER_REQUEST);
	if (q->counted)
		tally_add(&r->st->lock_wait, sim_now(r->sim) - q->t_lock);
	exec(q);
}

/* After BEGIN: a writing transaction takes its user's row lock before its statements. */
static void ev_write_start(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct request *q = obj;
	struct requests *r = q->wl;
	q->txn = database_begin(r->db);
	if (!locks_acquire(r->db->locks, q->user, q->txn, lock_granted, q, 0)) {
		if (locks_status(r->db->locks)) { /* neither granted nor queued: out of memory */
			sim_fail(sim, locks_status(r->db->locks));
			return;
		}
		pool_set_holder_class(q->pool, q->conn, POOL_HOLDER_LOCK_WAIT);
		q->t_lock = sim_now(sim);
		if (q->counted)
			r->st->lock_waits++;
		return;
	}
	exec(q);
}

static void on_ready(struct pool_client *c, struct pool_conn *conn)
{
	struct request *q = (struct request *)c;
	struct requests *r = q->wl;
	double now = sim_now(r->sim);
	q->conn = conn;
	q->t_ready = now;
	if (q->counted) {
		double wait = now - q->t_first;
		struct requests_stats *s = r->st;
		s->served++;
		tally_add(&s->wait_served, wait);
		tally_add(&s->connect, c->connect_s);
		histo_add(&s->h_served, wait); /* joins h_all and wait_all in requests_finish */
	}
	bool lock = q->writes && r->db->locks;
	q->hold_s = NAN;
	if (!lock && !r->db->cpu) {
		/* Nothing to contend for inside the database: the hold is known now, one event. */
		q->hold_s = r->rtt_s + q->db_s + tail_s(q);
		sim_schedule_at(r->sim, now + q->hold_s, PRIO_COMPLETION, ev_release, q, 0);
	} else if (lock) {
		sim_schedule_in(r->sim, r->rtt_s, PRIO_COMPLETION, ev_write_start, q, 0);
	} else {
		/* BEGIN, then the statements on the CPU */
		q->txn = 0;
		if (r->rtt_s > 0)
			sim_schedule_in(r->sim, r->rtt_s, PRIO_COMPLETION, ev_exec_start, q, 0);
		else
			exec(q);
	}
}

static void ev_exec_start(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	exec(obj);
}

static void finish_failed(struct request *q, enum pool_failure why)
{
	struct requests *r = q->wl;
	if (q->counted) {
		double wait = sim_now(r->sim) - q->t_first;
		struct requests_stats *s = r->st;
		if (why == POOL_TIMEOUT)
			s->failed[REQ_TIMED_OUT]++;
		else
			s->failed[REQ_REFUSED]++;
		tally_add(&s->wait_all, wait);
		histo_add(&s->h_all, wait);
	}
	req_free(r, q);
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
	finish_failed(q, why);
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
		locks_release(r->db->locks, q->user, q->txn); /* COMMIT */
	/* The exact hold when it was known in advance: (t + h) - t need not equal h. */
	if (q->counted)
		tally_add(&r->st->hold, isnan(q->hold_s) ? sim_now(sim) - q->t_ready : q->hold_s);
	pool_checkin(q->pool, q->conn);
	req_free(r, q);
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
	q->t_first = now;
	q->counted = now >= r->warmup_s;
	q->pool = r->pools[r->n_arrivals++ % (uint64_t)r->n_processes];
	q->pc.on_ready = on_ready;
	q->pc.on_fail = on_fail;
	q->pc.holder_class = POOL_HOLDER_REQUEST;
	if (q->counted)
		r->st->offered++;
	pool_checkout(q->pool, &q->pc);
}
