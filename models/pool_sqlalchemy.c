/* SQLAlchemy QueuePool, event by event (reference/pool-semantics.md §1.12): the pool kind
 * "sqlalchemy", the default.
 *
 * Checkout: an idle connection if any (FIFO = returned longest ago, LIFO = returned last);
 * else, below the cap size + max_overflow (max_overflow -1: no cap), open a new connection in
 * the requester's name, who pays the connect latency; else wait, FIFO, until
 * request time + timeout. A waiter whose deadline comes when capacity has been freed
 * meanwhile opens a connection instead of failing; otherwise it fails with SQLAlchemy's
 * message "QueuePool limit of size P overflow O reached, connection timed out, timeout T".
 * Checkin: the connection joins the idle queue if fewer than `size` are idle (and the oldest
 * waiter takes it), else it is closed (overflow churn). Health steps at checkout: a connection
 * older than `recycle` (or one that lost its server connection) reconnects; `pre_ping` costs
 * one round trip for a connection that was not opened by this checkout.
 * With wakeup_latency > 0 a woken waiter needs that long to take the connection and a
 * newcomer arriving meanwhile takes it first (barging); a waiter that loses re-waits at the
 * back of the queue, as Python's Condition does, until its original deadline.
 *
 * The same table, named "sqlalchemy-async", is AsyncAdaptedQueuePool (at the end). */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/pool_kind.h"
#include "sim/dist.h"
#include "sim/status.h"

struct qpool {
	struct pool p;             /* first: a struct pool * is a struct qpool * */
	/* idle queue: ring buffer, head = returned longest ago; p.idle_n entries */
	struct pool_conn **idle;
	int idle_head, idle_cap;
	/* With strict FIFO hand-off every waiter has the same timeout and joins at the back, so
	 * the queue is in deadline order and one timer, armed for the head, replaces a deadline
	 * event per waiter: served waiters cost no heap operation at all. When the timer fires
	 * for a waiter already served it re-arms for the current head. With wakeup_latency > 0
	 * a barged waiter re-joins at the back with its old deadline, the order breaks, and
	 * each waiter gets its own deadline event instead. */
	sim_handle timer;
};

static void ev_connected(struct sim *sim, void *obj, uint64_t arg);
static void ev_pinged(struct sim *sim, void *obj, uint64_t arg);
static void ev_deadline(struct sim *sim, void *obj, uint64_t arg);
static void ev_wake(struct sim *sim, void *obj, uint64_t arg);
static void ev_timer(struct sim *sim, void *obj, uint64_t arg);

static struct qpool *Q(struct pool *p) { return (struct qpool *)p; }

static int cap(const struct cfg_pool *cfg)
{
	return cfg->max_overflow < 0 ? -1 : cfg->size + cfg->max_overflow;
}

static int base(const struct cfg_pool *cfg) { return cfg->size; }

static int settings(const struct cfg_pool *cfg, struct pool_setting *out)
{
	out[0] = (struct pool_setting){"pool_size", cfg->size};
	out[1] = (struct pool_setting){"max_overflow", cfg->max_overflow};
	return 2;
}

static void timeout_message(const struct cfg_pool *cfg, int overflow, char *buf, unsigned len)
{
	snprintf(buf, len,
		 "QueuePool limit of size %d overflow %d reached, connection timed out, timeout %0.2f",
		 cfg->size, overflow, cfg->timeout_s);
}

static int init(struct pool *p)
{
	struct qpool *q = Q(p);
	q->idle_cap = p->cfg->size > 0 ? p->cfg->size : 16;
	q->idle = malloc((size_t)q->idle_cap * sizeof *q->idle);
	return q->idle ? PT_OK : PT_ENOMEM;
}

static void fini(struct pool *p) { free(Q(p)->idle); }

static bool at_cap(const struct pool *p) { return p->cap >= 0 && p->total >= p->cap; }

/* Index i of the idle ring (0 <= i < 2 idle_cap): a compare, not `%`, which is an integer
 * division on every checkout and checkin (tens of cycles, 10 % of the reference run). */
static inline int ring(const struct qpool *q, int i)
{
	return i < q->idle_cap ? i : i - q->idle_cap;
}

static bool idle_push(struct pool *p, struct pool_conn *conn)
{
	struct qpool *q = Q(p);
	if (p->idle_n == q->idle_cap) {
		int n = 2 * q->idle_cap;
		struct pool_conn **a = malloc((size_t)n * sizeof *a);
		if (!a) {
			sim_fail(p->sim, PT_ENOMEM);
			return false;
		}
		for (int i = 0; i < p->idle_n; i++)
			a[i] = q->idle[(q->idle_head + i) % q->idle_cap];
		free(q->idle);
		q->idle = a;
		q->idle_cap = n;
		q->idle_head = 0;
	}
	q->idle[ring(q, q->idle_head + p->idle_n)] = conn;
	p->idle_n++;
	return true;
}

/* FIFO: the connection returned longest ago; LIFO: the one returned last. */
static struct pool_conn *idle_take(struct pool *p)
{
	struct qpool *q = Q(p);
	assert(p->idle_n > 0);
	struct pool_conn *conn;
	if (p->cfg->use_lifo) {
		conn = q->idle[ring(q, q->idle_head + p->idle_n - 1)];
	} else {
		conn = q->idle[q->idle_head];
		q->idle_head = ring(q, q->idle_head + 1);
	}
	p->idle_n--;
	return conn;
}

/* SQLAlchemy _do_get's overflow branch: a new record, counted before the connect. A refusal
 * is immediate (PostgreSQL does not queue connects): the count goes back, no record was
 * made, no retry, no wait. */
static void open_new(struct pool *p, struct pool_client *c)
{
	if (pool_open_for(p, c, ev_connected) == POOL_OPEN_REFUSED)
		pool_fail(p, c, POOL_REFUSED);
}

static void ev_closed(struct sim *sim, void *obj, uint64_t arg);
static void ev_checked_out(struct sim *sim, void *obj, uint64_t arg);

/* Does a woken waiter need time to take its connection (so a newcomer may barge)? */
static bool barging(const struct cfg_pool *cfg)
{
	return !(cfg->wakeup_latency.kind == DIST_CONSTANT && cfg->wakeup_latency.mean <= 0);
}

/* The requester has its connection after the checkout's own cost (checkout_cost). */
static void grant(struct pool *p, struct pool_client *c, struct pool_conn *conn)
{
	if (p->cfg->checkout_cost_s > 0) {
		c->conn = conn;
		sim_schedule_in(p->sim, p->cfg->checkout_cost_s, PRIO_COMPLETION, ev_checked_out, c,
				0);
		return;
	}
	pool_grant(p, c, conn);
}

static void ev_checked_out(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct pool_client *c = obj;
	pool_grant(c->pool, c, c->conn);
	pool_levels_update(c->pool);
}

static void close_now(struct pool *p, struct pool_conn *conn)
{
	pool_conn_disconnect(p, conn);
	p->total--;
	p->st.closes++;
	pool_conn_free(p, conn);
}

/* Close a record at checkin. With close_time the record keeps its slot (it still counts in
 * `total`, so nobody can open a connection in its place) until the close completes. */
static void close_conn(struct pool *p, struct pool_conn *conn)
{
	if (p->cfg->close_time_s > 0) {
		sim_schedule_in(p->sim, p->cfg->close_time_s, PRIO_COMPLETION, ev_closed, conn, 0);
		conn->closing_pool = p;
		return;
	}
	close_now(p, conn);
}

static void ev_closed(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct pool_conn *conn = obj;
	struct pool *p = conn->closing_pool;
	close_now(p, conn);
	pool_levels_update(p);
}

static void checkin_record(struct pool *p, struct pool_conn *conn);

/* Health steps on a record taken from the idle queue, slot already held. */
static void health(struct pool *p, struct pool_client *c, struct pool_conn *conn)
{
	double now = sim_now(p->sim);
	const struct cfg_pool *cfg = p->cfg;
	if (!conn->alive || (cfg->recycle_s >= 0 && now - conn->created_at > cfg->recycle_s)) {
		pool_conn_disconnect(p, conn);
		p->st.reconnects++;
		if (!database_connect(p->db, now)) {
			/* The record goes back without a server connection; the requester fails. */
			checkin_record(p, conn);
			pool_fail(p, c, POOL_REFUSED);
			return;
		}
		pool_connect_record(p, c, conn, ev_connected);
		return;
	}
	if (cfg->pre_ping && p->db->cfg->rtt_s > 0) {
		p->st.pings++;
		c->conn = conn;
		sim_schedule_in(p->sim, p->db->cfg->rtt_s, PRIO_COMPLETION, ev_pinged, c, 0);
		return;
	}
	if (cfg->pre_ping)
		p->st.pings++;
	grant(p, c, conn);
}

static void take_idle_for(struct pool *p, struct pool_client *c)
{
	struct pool_conn *conn = idle_take(p);
	health(p, c, conn);
}

static void ev_connected(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct pool_client *c = obj;
	struct pool *p = c->pool;
	struct pool_conn *conn = c->conn;
	conn->alive = true;
	conn->created_at = sim_now(sim);
	grant(p, c, conn); /* a fresh connection is not pinged */
	pool_levels_update(p);
}

static void ev_pinged(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct pool_client *c = obj;
	struct pool *p = c->pool;
	grant(p, c, c->conn);
	pool_levels_update(p);
}

/* Hand the idle queue's connection to the oldest waiter (Condition.notify). */
static void wake_head(struct pool *p)
{
	struct pool_client *c = p->w_head;
	pool_waiter_remove(p, c);
	sim_cancel(p->sim, c->deadline_ev);
	c->deadline_ev = SIM_NO_EVENT;
	if (!barging(p->cfg)) {
		take_idle_for(p, c);
		return;
	}
	p->woken++; /* still waiting, for the connection now idle (pool.c: exhausted) */
	c->wake_ev = sim_schedule_in(p->sim, dist_sample(&p->cfg->wakeup_latency, p->rng),
				     PRIO_COMPLETION, ev_wake, c, 0);
}

/* Queue.put + notify, or close when `size` are already idle (size 0: the queue is unbounded,
 * SQLAlchemy 2.0 with max_overflow forced to -1). */
static void checkin_record(struct pool *p, struct pool_conn *conn)
{
	if (p->cfg->size == 0 || p->idle_n < p->cfg->size) {
		if (!idle_push(p, conn))
			return; /* the run has failed */
		if (p->w_head)
			wake_head(p);
	} else {
		close_conn(p, conn);
	}
}

static void wait_for(struct pool *p, struct pool_client *c)
{
	struct qpool *q = Q(p);
	if (!pool_admit_waiter(p))
		return; /* the run has failed: overloaded */
	pool_waiter_append(p, c);
	if (barging(p->cfg))
		c->deadline_ev =
			sim_schedule_at(p->sim, c->deadline_t, PRIO_DEADLINE, ev_deadline, c, 0);
	else if (q->timer == SIM_NO_EVENT)
		q->timer = sim_schedule_at(p->sim, c->deadline_t, PRIO_DEADLINE, ev_timer, p, 0);
}

static void checkout(struct pool *p, struct pool_client *c)
{
	if (p->idle_n > 0)
		take_idle_for(p, c);
	else if (at_cap(p))
		wait_for(p, c);
	else
		open_new(p, c);
}

/* The end of the blocking get: take an idle connection if one is there (the queue is
 * checked before the clock), else open one if capacity was freed, else time out. */
static void give_up_or_retry(struct pool *p, struct pool_client *c)
{
	if (p->idle_n > 0)
		take_idle_for(p, c);
	else if (!at_cap(p))
		open_new(p, c);
	else
		pool_fail(p, c, POOL_TIMEOUT);
}

static void ev_deadline(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct pool_client *c = obj;
	struct pool *p = c->pool;
	c->deadline_ev = SIM_NO_EVENT;
	pool_waiter_remove(p, c);
	give_up_or_retry(p, c);
	pool_levels_update(p);
}

/* The FIFO deadline timer: fail (or serve, if capacity was freed) every waiter whose
 * deadline has come, in queue order, then re-arm for the new head. */
static void ev_timer(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct pool *p = obj;
	struct qpool *q = Q(p);
	double now = sim_now(sim);
	q->timer = SIM_NO_EVENT;
	while (p->w_head && p->w_head->deadline_t <= now) {
		struct pool_client *c = p->w_head;
		pool_waiter_remove(p, c);
		give_up_or_retry(p, c);
	}
	if (p->w_head && q->timer == SIM_NO_EVENT)
		q->timer = sim_schedule_at(sim, p->w_head->deadline_t, PRIO_DEADLINE, ev_timer, p, 0);
	pool_levels_update(p);
}

/* A woken waiter runs: the connection may have been taken by a newcomer meanwhile. */
static void ev_wake(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct pool_client *c = obj;
	struct pool *p = c->pool;
	c->wake_ev = SIM_NO_EVENT;
	p->woken--;
	if (p->idle_n == 0)
		p->st.barged++; /* a newcomer took the connection it was woken for */
	if (p->idle_n > 0) {
		take_idle_for(p, c);
	} else if (sim_now(sim) >= c->deadline_t) {
		give_up_or_retry(p, c);
	} else {
		wait_for(p, c); /* back of the queue, original deadline */
	}
	pool_levels_update(p);
}

const struct pool_kind pool_kind_sqlalchemy = {
	.name = "sqlalchemy",
	.title = "SQLAlchemy QueuePool",
	.size = sizeof(struct qpool),
	.init = init,
	.fini = fini,
	.checkout = checkout,
	.checkin = checkin_record,
	.cap = cap,
	.base = base,
	.settings = settings,
	.timeout_message = timeout_message,
};

/* AsyncAdaptedQueuePool (create_async_engine's pool; §1.10, §1.12 rule 9): a subclass of
 * QueuePool in SQLAlchemy's own impl.py whose only difference is the queue, an asyncio.Queue
 * behind asyncio.wait_for(queue.get(), timeout). So: the same checkout, checkin, cap and the
 * same error text. What the model leaves out of the threaded pool is the wake-up latency: a
 * waiter is a coroutine the event loop resumes at the same instant, not an OS thread to be
 * scheduled, so the loader offers no wakeup_latency and the hand-off is FIFO (asyncio wakes the
 * first getter; only a coroutine already ready in the same loop iteration could barge, which
 * continuous arrival times never produce). The difference that matters for sizing lies
 * outside the pool: an async service has no worker-thread limit in front of it. Leaked
 * connections of cancelled tasks (§1.10) are not modelled. */
const struct pool_kind pool_kind_sqlalchemy_async = {
	.name = "sqlalchemy-async",
	.title = "SQLAlchemy AsyncAdaptedQueuePool",
	.size = sizeof(struct qpool),
	.init = init,
	.fini = fini,
	.checkout = checkout,
	.checkin = checkin_record,
	.cap = cap,
	.base = base,
	.settings = settings,
	.timeout_message = timeout_message,
};
