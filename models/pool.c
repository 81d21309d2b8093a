#include "models/pool.h"

#include <assert.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/dist.h"
#include "sim/objpool.h"

/* Connection records come from an object pool: the pool allocates only while it grows to
 * its peak number of connections. */
#define CONN_CHUNK 64

struct pool {
	const struct cfg_pool *cfg;
	struct sim *sim;
	struct database *db;
	gsl_rng *rng;
	int total;                 /* connection records in existence (SQLAlchemy: size + _overflow) */
	/* idle queue: ring buffer, head = returned longest ago */
	struct pool_conn **idle;
	int idle_n, idle_head, idle_cap;
	/* waiters, FIFO */
	struct pool_client *w_head, *w_tail;
	int waiting;
	/* With strict FIFO hand-off every waiter has the same timeout and joins at the back, so
	 * the queue is in deadline order and one timer, armed for the head, replaces a deadline
	 * event per waiter: served waiters cost no heap operation at all. When the timer fires
	 * for a waiter already served it re-arms for the current head. With wakeup_latency > 0
	 * a barged waiter re-joins at the back with its old deadline, the order breaks, and
	 * each waiter gets its own deadline event instead. */
	sim_handle timer;
	struct objpool conns;
	uint32_t next_id;
	int held[POOL_HOLDER_CLASSES];
	struct pool_stats st;
};

static void ev_connected(struct sim *sim, void *obj, uint64_t arg);
static void ev_pinged(struct sim *sim, void *obj, uint64_t arg);
static void ev_deadline(struct sim *sim, void *obj, uint64_t arg);
static void ev_wake(struct sim *sim, void *obj, uint64_t arg);
static void ev_timer(struct sim *sim, void *obj, uint64_t arg);

int pool_checked_in(const struct pool *p) { return p->idle_n; }
int pool_checked_out(const struct pool *p) { return p->total - p->idle_n; }
int pool_overflow(const struct pool *p)
{
	return p->total > p->cfg->size ? p->total - p->cfg->size : 0;
}
int pool_open(const struct pool *p) { return p->total; }
int pool_held_by(const struct pool *p, int cls) { return p->held[cls]; }

void pool_set_holder_class(struct pool *p, struct pool_conn *conn, int cls)
{
	p->held[conn->holder_class]--;
	conn->holder_class = cls;
	p->held[cls]++;
}
int pool_waiting(const struct pool *p) { return p->waiting; }
int pool_cap(const struct pool *p)
{
	return p->cfg->max_overflow < 0 ? -1 : p->cfg->size + p->cfg->max_overflow;
}
const struct pool_stats *pool_stats(const struct pool *p) { return &p->st; }
const struct cfg_pool *pool_config(const struct pool *p) { return p->cfg; }

static bool at_cap(const struct pool *p)
{
	return p->cfg->max_overflow >= 0 && p->total >= p->cfg->size + p->cfg->max_overflow;
}

static bool exhausted(const struct pool *p)
{
	return p->cfg->max_overflow >= 0 && pool_checked_out(p) >= pool_cap(p);
}

static inline void set_if_changed(struct level *l, double now, double v)
{
	if (v != l->value)
		level_set(l, now, v);
}

/* Every public entry point and event handler ends here (state changes within one instant
 * need only the final state), so the levels are exact step functions of time. */
static void update_levels(struct pool *p)
{
	double now = sim_now(p->sim);
	struct pool_stats *s = &p->st;
	set_if_changed(&s->checked_out, now, pool_checked_out(p));
	set_if_changed(&s->checked_in, now, p->idle_n);
	set_if_changed(&s->overflow, now, pool_overflow(p));
	set_if_changed(&s->waiters, now, p->waiting);
	set_if_changed(&s->open, now, p->total);
	bool ex = exhausted(p);
	set_if_changed(&s->exhausted, now, ex);
	if (ex && s->exhausted_since < 0) {
		s->exhausted_since = now;
	} else if (!ex && s->exhausted_since >= 0) {
		double d = now - s->exhausted_since;
		if (d > s->longest_exhausted_s)
			s->longest_exhausted_s = d;
		s->exhausted_since = -1;
	}
}

static void stats_start(struct pool *p, double t)
{
	struct pool_stats *s = &p->st;
	double ex_since = s->exhausted_since;
	*s = (struct pool_stats){.first_timeout_overflow = INT_MIN};
	level_init(&s->checked_out, t, pool_checked_out(p));
	level_init(&s->checked_in, t, p->idle_n);
	level_init(&s->overflow, t, pool_overflow(p));
	level_init(&s->waiters, t, p->waiting);
	level_init(&s->open, t, p->total);
	level_init(&s->exhausted, t, exhausted(p));
	s->exhausted_since = ex_since >= 0 ? t : (exhausted(p) ? t : -1);
}

struct pool *pool_create(const struct cfg_pool *cfg, struct sim *sim, struct database *db,
			 gsl_rng *rng)
{
	struct pool *p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	p->cfg = cfg;
	p->sim = sim;
	p->db = db;
	p->rng = rng;
	p->idle_cap = cfg->size > 0 ? cfg->size : 16;
	p->idle = malloc((size_t)p->idle_cap * sizeof *p->idle);
	if (!p->idle) {
		free(p);
		return NULL;
	}
	objpool_init(&p->conns, sizeof(struct pool_conn), CONN_CHUNK);
	p->st.exhausted_since = -1;
	stats_start(p, sim_now(sim));
	return p;
}

void pool_destroy(struct pool *p)
{
	if (!p)
		return;
	objpool_fini(&p->conns);
	free(p->idle);
	free(p);
}

void pool_reset(struct pool *p) { stats_start(p, sim_now(p->sim)); }

void pool_timeout_message(const struct cfg_pool *cfg, int overflow, char *buf, unsigned len)
{
	snprintf(buf, len,
		 "QueuePool limit of size %d overflow %d reached, connection timed out, timeout %0.2f",
		 cfg->size, overflow, cfg->timeout_s);
}

static struct pool_conn *conn_new(struct pool *p)
{
	struct pool_conn *conn = objpool_get(&p->conns);
	if (!conn)
		abort(); /* out of memory inside an event handler: nothing sensible to do */
	*conn = (struct pool_conn){.id = ++p->next_id, .alive = false};
	return conn;
}

static void conn_free(struct pool *p, struct pool_conn *conn) { objpool_put(&p->conns, conn); }

static void idle_push(struct pool *p, struct pool_conn *conn)
{
	if (p->idle_n == p->idle_cap) {
		int cap = 2 * p->idle_cap;
		struct pool_conn **q = malloc((size_t)cap * sizeof *q);
		if (!q)
			abort();
		for (int i = 0; i < p->idle_n; i++)
			q[i] = p->idle[(p->idle_head + i) % p->idle_cap];
		free(p->idle);
		p->idle = q;
		p->idle_cap = cap;
		p->idle_head = 0;
	}
	p->idle[(p->idle_head + p->idle_n) % p->idle_cap] = conn;
	p->idle_n++;
}

/* FIFO: the connection returned longest ago; LIFO: the one returned last. */
static struct pool_conn *idle_take(struct pool *p)
{
	assert(p->idle_n > 0);
	struct pool_conn *conn;
	if (p->cfg->use_lifo) {
		conn = p->idle[(p->idle_head + p->idle_n - 1) % p->idle_cap];
	} else {
		conn = p->idle[p->idle_head];
		p->idle_head = (p->idle_head + 1) % p->idle_cap;
	}
	p->idle_n--;
	return conn;
}

static void waiter_append(struct pool *p, struct pool_client *c)
{
	c->next = NULL;
	c->prev = p->w_tail;
	if (p->w_tail)
		p->w_tail->next = c;
	else
		p->w_head = c;
	p->w_tail = c;
	p->waiting++;
}

static void waiter_remove(struct pool *p, struct pool_client *c)
{
	if (c->prev)
		c->prev->next = c->next;
	else
		p->w_head = c->next;
	if (c->next)
		c->next->prev = c->prev;
	else
		p->w_tail = c->prev;
	c->prev = c->next = NULL;
	p->waiting--;
}

static void grant(struct pool *p, struct pool_client *c, struct pool_conn *conn)
{
	p->st.checkouts++;
	c->conn = NULL;
	conn->holder_class = c->holder_class;
	p->held[conn->holder_class]++;
	c->on_ready(c, conn);
}

static void fail(struct pool *p, struct pool_client *c, enum pool_failure why)
{
	if (why == POOL_TIMEOUT) {
		p->st.timeouts++;
		if (p->st.first_timeout_overflow == INT_MIN)
			p->st.first_timeout_overflow = p->total - p->cfg->size;
	} else {
		p->st.refused++;
	}
	c->on_fail(c, why);
}

/* Open a server connection for record `conn` on behalf of c (new record or reconnect); the
 * database slot is already taken. The requester pays the connect time. */
static void start_connect(struct pool *p, struct pool_client *c, struct pool_conn *conn)
{
	double dt = dist_sample(&p->db->cfg->connect_time, p->rng);
	c->conn = conn;
	c->connect_s += dt;
	p->st.connects++;
	sim_schedule_in(p->sim, dt, PRIO_COMPLETION, ev_connected, c, 0);
}

/* SQLAlchemy _do_get's overflow branch: a new record, counted before the connect. A refusal
 * is immediate (PostgreSQL does not queue connects): the count goes back, no record was
 * made, no retry, no wait. */
static void open_new(struct pool *p, struct pool_client *c)
{
	if (!database_connect(p->db, sim_now(p->sim))) {
		fail(p, c, POOL_REFUSED);
		return;
	}
	p->total++;
	start_connect(p, c, conn_new(p));
}

static void close_conn(struct pool *p, struct pool_conn *conn)
{
	if (conn->alive)
		database_disconnect(p->db, sim_now(p->sim));
	p->total--;
	p->st.closes++;
	conn_free(p, conn);
}

static void checkin_record(struct pool *p, struct pool_conn *conn);

/* Health steps on a record taken from the idle queue, slot already held. */
static void health(struct pool *p, struct pool_client *c, struct pool_conn *conn)
{
	double now = sim_now(p->sim);
	const struct cfg_pool *cfg = p->cfg;
	if (!conn->alive || (cfg->recycle_s >= 0 && now - conn->created_at > cfg->recycle_s)) {
		if (conn->alive) {
			database_disconnect(p->db, now);
			conn->alive = false;
		}
		p->st.reconnects++;
		if (!database_connect(p->db, now)) {
			/* The record goes back without a server connection; the requester fails. */
			checkin_record(p, conn);
			fail(p, c, POOL_REFUSED);
			return;
		}
		start_connect(p, c, conn);
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
	update_levels(p);
}

static void ev_pinged(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct pool_client *c = obj;
	struct pool *p = c->pool;
	grant(p, c, c->conn);
	update_levels(p);
}

/* Hand the idle queue's connection to the oldest waiter (Condition.notify). */
static void wake_head(struct pool *p)
{
	struct pool_client *c = p->w_head;
	waiter_remove(p, c);
	sim_cancel(p->sim, c->deadline_ev);
	c->deadline_ev = SIM_NO_EVENT;
	if (p->cfg->wakeup_latency_s <= 0) {
		take_idle_for(p, c);
		return;
	}
	c->wake_ev = sim_schedule_in(p->sim, p->cfg->wakeup_latency_s, PRIO_COMPLETION, ev_wake,
				     c, 0);
}

/* Queue.put + notify, or close when `size` are already idle (size 0: the queue is unbounded,
 * SQLAlchemy 2.0 with max_overflow forced to -1). */
static void checkin_record(struct pool *p, struct pool_conn *conn)
{
	if (p->cfg->size == 0 || p->idle_n < p->cfg->size) {
		idle_push(p, conn);
		if (p->w_head)
			wake_head(p);
	} else {
		close_conn(p, conn);
	}
}

void pool_checkin(struct pool *p, struct pool_conn *conn)
{
	p->held[conn->holder_class]--;
	checkin_record(p, conn);
	update_levels(p);
}

static void wait_for(struct pool *p, struct pool_client *c)
{
	waiter_append(p, c);
	if (p->cfg->wakeup_latency_s > 0)
		c->deadline_ev =
			sim_schedule_at(p->sim, c->deadline_t, PRIO_DEADLINE, ev_deadline, c, 0);
	else if (p->timer == SIM_NO_EVENT)
		p->timer = sim_schedule_at(p->sim, c->deadline_t, PRIO_DEADLINE, ev_timer, p, 0);
}

void pool_checkout(struct pool *p, struct pool_client *c)
{
	c->pool = p;
	c->t_request = sim_now(p->sim);
	c->connect_s = 0;
	c->conn = NULL;
	c->prev = c->next = NULL;
	c->deadline_ev = c->wake_ev = SIM_NO_EVENT;
	c->deadline_t = c->t_request + p->cfg->timeout_s;
	if (p->idle_n > 0)
		take_idle_for(p, c);
	else if (at_cap(p))
		wait_for(p, c);
	else
		open_new(p, c);
	update_levels(p);
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
		fail(p, c, POOL_TIMEOUT);
}

static void ev_deadline(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct pool_client *c = obj;
	struct pool *p = c->pool;
	c->deadline_ev = SIM_NO_EVENT;
	waiter_remove(p, c);
	give_up_or_retry(p, c);
	update_levels(p);
}

/* The FIFO deadline timer: fail (or serve, if capacity was freed) every waiter whose
 * deadline has come, in queue order, then re-arm for the new head. */
static void ev_timer(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct pool *p = obj;
	double now = sim_now(sim);
	p->timer = SIM_NO_EVENT;
	while (p->w_head && p->w_head->deadline_t <= now) {
		struct pool_client *c = p->w_head;
		waiter_remove(p, c);
		give_up_or_retry(p, c);
	}
	if (p->w_head && p->timer == SIM_NO_EVENT)
		p->timer = sim_schedule_at(sim, p->w_head->deadline_t, PRIO_DEADLINE, ev_timer, p, 0);
	update_levels(p);
}

/* A woken waiter runs: the connection may have been taken by a newcomer meanwhile. */
static void ev_wake(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct pool_client *c = obj;
	struct pool *p = c->pool;
	c->wake_ev = SIM_NO_EVENT;
	if (p->idle_n > 0) {
		take_idle_for(p, c);
	} else if (sim_now(sim) >= c->deadline_t) {
		give_up_or_retry(p, c);
	} else {
		wait_for(p, c); /* back of the queue, original deadline */
	}
	update_levels(p);
}
