/* The common part of every pool kind: creation and dispatch through the kind's table, the
 * status levels and counters, connection records, and the kinds' registry. The kinds' own
 * rules live in models/pool_<kind>.c. */
#include "models/pool.h"

#include <assert.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "models/pool_kind.h"
#include "sim/rng.h"
#include "sim/status.h"

/* Connection records come from an object pool: the pool allocates only while it grows to
 * its peak number of connections. */
#define CONN_CHUNK 64

const struct pool_kind *const pool_kinds[] = {
	&pool_kind_sqlalchemy,
	&pool_kind_sqlalchemy_null,
	&pool_kind_sqlalchemy_async,
	&pool_kind_hikaricp,
	&pool_kind_go,
	NULL,
};

const struct pool_kind *pool_kind_find(const char *name)
{
	for (int i = 0; pool_kinds[i]; i++)
		if (strcmp(pool_kinds[i]->name, name) == 0)
			return pool_kinds[i];
	return NULL;
}

static const struct pool_kind *kind_of(const struct cfg_pool *cfg)
{
	return cfg->kind ? cfg->kind : &pool_kind_sqlalchemy;
}

int pool_cfg_cap(const struct cfg_pool *cfg) { return kind_of(cfg)->cap(cfg); }

void pool_timeout_message(const struct cfg_pool *cfg, int overflow, char *buf, unsigned len)
{
	kind_of(cfg)->timeout_message(cfg, overflow, buf, len);
}

int pool_checked_in(const struct pool *p) { return p->idle_n; }
int pool_checked_out(const struct pool *p) { return p->total - p->idle_n; }
int pool_overflow(const struct pool *p) { return p->total > p->base ? p->total - p->base : 0; }
int pool_open(const struct pool *p) { return p->total; }
int pool_waiting(const struct pool *p) { return p->waiting; }
int pool_cap(const struct pool *p) { return p->cap; }
int pool_base(const struct pool *p) { return p->base; }
int pool_held_by(const struct pool *p, int cls) { return p->held[cls]; }
const struct pool_stats *pool_stats(const struct pool *p) { return &p->st; }
const struct cfg_pool *pool_config(const struct pool *p) { return p->cfg; }

void pool_set_holder_class(struct pool *p, struct pool_conn *conn, int cls)
{
	p->held[conn->holder_class]--;
	conn->holder_class = cls;
	p->held[cls]++;
}

/* Exhausted, as SQLAlchemy users mean it: every allowed connection checked out while
 * someone waits. A stretch is a state, not a function of the counts at one instant, because
 * a hand-off must not end it: a waiter woken for a returned connection (wakeup_latency > 0)
 * still waits while the connection sits idle for it, and a connection being replaced
 * (HikariCP closing one past maxLifetime while borrowers wait) leaves the borrowers waiting.
 * So:
 * - a stretch starts when someone waits (queued or woken) and every allowed connection is
 *   checked out, counting an idle connection promised to a woken waiter as checked out;
 * - it goes on while someone waits and no idle connection is left that no woken waiter will
 *   take; it ends when the last waiter holds a connection (or gave up), or when a connection
 *   sits idle with nobody to take it.
 * Never without a cap (NullPool, unlimited overflow): nobody waits for a connection there. */
static bool exhausted_next(const struct pool *p)
{
	if (p->cap < 0 || p->waiting + p->woken == 0)
		return false;
	int unclaimed = p->idle_n > p->woken ? p->idle_n - p->woken : 0;
	if (p->ex)
		return unclaimed == 0;
	return p->total - unclaimed >= p->cap;
}

static inline void set_if_changed(struct level *l, double now, double v)
{
	if (v != l->value)
		level_set(l, now, v);
}

/* The levels are functions of four counts: open = total, checked_in = idle_n, waiters =
 * waiting, checked_out = total - idle_n, overflow = max(0, total - base), and exhausted of
 * all four (with woken). A level changes only when a count it depends on does, and then only
 * if its value does (set_if_changed), so the levels record the same steps as comparing all
 * of them at every call, for four integer comparisons when nothing changed. */
void pool_levels_update(struct pool *p)
{
	bool total = p->total != p->rec_total, idle = p->idle_n != p->rec_idle;
	bool wait = p->waiting != p->rec_waiting, woken = p->woken != p->rec_woken;
	if (!(total | idle | wait | woken))
		return;
	double now = sim_now(p->sim);
	struct pool_stats *s = &p->st;
	if (wait) {
		level_set(&s->waiters, now, p->waiting);
		p->rec_waiting = p->waiting;
	}
	p->rec_woken = p->woken;
	if (total) {
		level_set(&s->open, now, p->total);
		set_if_changed(&s->overflow, now, pool_overflow(p));
		p->rec_total = p->total;
	}
	if (idle) {
		level_set(&s->checked_in, now, p->idle_n);
		p->rec_idle = p->idle_n;
	}
	if (total | idle)
		set_if_changed(&s->checked_out, now, pool_checked_out(p));
	bool ex = exhausted_next(p);
	if (ex == p->ex)
		return;
	p->ex = ex;
	level_set(&s->exhausted, now, ex);
	if (ex) {
		s->exhausted_since = now;
	} else {
		double d = now - s->exhausted_since;
		if (d > s->longest_exhausted_s)
			s->longest_exhausted_s = d;
		s->exhausted_since = -1;
	}
}

static void stats_start(struct pool *p, double t)
{
	struct pool_stats *s = &p->st;
	*s = (struct pool_stats){.first_timeout_overflow = INT_MIN};
	level_init(&s->checked_out, t, pool_checked_out(p));
	level_init(&s->checked_in, t, p->idle_n);
	level_init(&s->overflow, t, pool_overflow(p));
	level_init(&s->waiters, t, p->waiting);
	level_init(&s->open, t, p->total);
	level_init(&s->exhausted, t, p->ex);
	s->exhausted_since = p->ex ? t : -1; /* a stretch in progress restarts at the reset */
	p->rec_total = p->total;
	p->rec_idle = p->idle_n;
	p->rec_waiting = p->waiting;
	p->rec_woken = p->woken;
}

struct pool *pool_create(const struct cfg_pool *cfg, struct sim *sim, struct database *db,
			 gsl_rng *rng)
{
	const struct pool_kind *kind = kind_of(cfg);
	assert(kind->size >= sizeof(struct pool));
	struct pool *p = calloc(1, kind->size);
	if (!p)
		return NULL;
	p->kind = kind;
	p->cfg = cfg;
	p->sim = sim;
	p->db = db;
	p->rng = rng;
	p->cap = kind->cap(cfg);
	p->base = kind->base(cfg);
	assert(kind->conn_size == 0 || kind->conn_size >= sizeof(struct pool_conn));
	objpool_init(&p->conns, kind->conn_size ? kind->conn_size : sizeof(struct pool_conn),
		     CONN_CHUNK);
	stats_start(p, sim_now(sim));
	if (kind->init(p) != PT_OK) {
		objpool_fini(&p->conns);
		free(p);
		return NULL;
	}
	return p;
}

int pool_cfg_settings(const struct cfg_pool *cfg, struct pool_setting *out)
{
	const struct pool_kind *k = cfg->kind ? cfg->kind : &pool_kind_sqlalchemy;
	int n = k->settings(cfg, out);
	assert(n >= 0 && n <= POOL_SETTINGS_MAX);
	return n;
}

void pool_destroy(struct pool *p)
{
	if (!p)
		return;
	if (p->kind->fini)
		p->kind->fini(p);
	objpool_fini(&p->conns);
	free(p);
}

void pool_reset(struct pool *p) { stats_start(p, sim_now(p->sim)); }

void pool_drain(struct pool *p)
{
	if (p->kind->drain)
		p->kind->drain(p);
	pool_levels_update(p);
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
	p->kind->checkout(p, c);
	pool_levels_update(p);
}

void pool_checkin(struct pool *p, struct pool_conn *conn)
{
	p->held[conn->holder_class]--;
	p->kind->checkin(p, conn);
	pool_levels_update(p);
}

void pool_checkin_closed(struct pool *p, struct pool_conn *conn)
{
	pool_conn_disconnect(p, conn);
	pool_checkin(p, conn);
}

void pool_conn_disconnect(struct pool *p, struct pool_conn *conn)
{
	if (!conn->alive)
		return;
	database_disconnect(p->db, sim_now(p->sim));
	conn->alive = false;
	if (p->db->on_client_close)
		p->db->on_client_close(p->db, conn);
}

struct pool_conn *pool_conn_new(struct pool *p)
{
	struct pool_conn *conn = objpool_get(&p->conns);
	if (!conn) {
		sim_fail(p->sim, PT_ENOMEM);
		return NULL;
	}
	if (p->kind->conn_size)
		memset(conn, 0, p->kind->conn_size); /* the kind's part starts zeroed too */
	*conn = (struct pool_conn){.id = ++p->next_id, .alive = false};
	return conn;
}

void pool_conn_free(struct pool *p, struct pool_conn *conn) { objpool_put(&p->conns, conn); }

void pool_grant(struct pool *p, struct pool_client *c, struct pool_conn *conn)
{
	p->st.checkouts++;
	c->conn = NULL;
	conn->holder_class = c->holder_class;
	p->held[conn->holder_class]++;
	c->on_ready(c, conn);
}

void pool_connect_record(struct pool *p, struct pool_client *c, struct pool_conn *conn,
			 sim_event_fn done)
{
	double dt = dist_sample(&p->db->cfg->connect_time, p->rng);
	c->conn = conn;
	c->connect_s += dt;
	p->st.connects++;
	sim_schedule_in(p->sim, dt, PRIO_COMPLETION, done, c, 0);
}

/* pool_open_for's common ending: the connection is up, the requester gets it. */
static void ev_opened(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct pool_client *c = obj;
	struct pool *p = c->pool;
	struct pool_conn *conn = c->conn;
	conn->alive = true;
	conn->created_at = sim_now(sim);
	pool_grant(p, c, conn);
	pool_levels_update(p);
}

enum pool_open pool_open_for(struct pool *p, struct pool_client *c, sim_event_fn done)
{
	if (!database_connect(p->db, sim_now(p->sim)))
		return POOL_OPEN_REFUSED;
	struct pool_conn *conn = pool_conn_new(p);
	if (!conn)
		return POOL_OPEN_FAILED;
	p->total++;
	pool_connect_record(p, c, conn, done ? done : ev_opened);
	return POOL_OPENING;
}

void pool_fail(struct pool *p, struct pool_client *c, enum pool_failure why)
{
	if (why == POOL_TIMEOUT) {
		p->st.timeouts++;
		if (p->st.first_timeout_overflow == INT_MIN)
			p->st.first_timeout_overflow = p->total - p->base;
	} else {
		p->st.refused++;
	}
	c->on_fail(c, why);
}

bool pool_admit_waiter(struct pool *p)
{
	if (p->cfg->max_waiting > 0 && p->waiting >= p->cfg->max_waiting) {
		sim_fail(p->sim, PT_EOVERLOAD);
		return false;
	}
	return true;
}

gsl_rng *pool_stream_new(struct pool *p)
{
	uint64_t hi = gsl_rng_get(p->rng), lo = gsl_rng_get(p->rng);
	gsl_rng *r = gsl_rng_alloc(&rng_xoshiro256ss);
	if (!r) {
		sim_fail(p->sim, PT_ENOMEM);
		return NULL;
	}
	rng_seed(r, hi << 32 ^ lo);
	return r;
}

void pool_waiter_append(struct pool *p, struct pool_client *c)
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

void pool_waiter_remove(struct pool *p, struct pool_client *c)
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
