/* HikariCP, event by event (reference/pool-semantics.md §2, model rules §2.10): the pool kind
 * "hikaricp".
 *
 * Request threads never open connections: a single adder thread does, one creation task at a
 * time. A task runs while total < maximumPoolSize and (idle < minimumIdle or waiting > idle):
 * it connects (the database's connect time), adds the connection to the bag (a parked waiter
 * takes it at once) and sleeps 30 ms; a refused connect backs off 10 ms, doubling up to 5 s,
 * and tries again. Tasks are queued by a borrower that has to wait (when more threads wait
 * than tasks are queued, HikariPool.addBagItem), by fillPool (minimumIdle - idle tasks when
 * total < maximumPoolSize and idle < minimumIdle: after every close and at each housekeeper
 * run) and at start (one connection at once, then the housekeeper's first run 100 ms later
 * fills the pool).
 *
 * Borrow: the idle connection created earliest (ConcurrentBag scans its shared list in
 * creation order), validated with one round trip if it was last used more than 500 ms ago;
 * else park FIFO (the bag's fair SynchronousQueue) until connectionTimeout, then fail with
 * "HikariPool-1 - Connection is not available, request timed out after 30000ms." (HikariCP
 * 4.x's text; 5.x adds the pool's counts). A refused connect never fails a borrower.
 * Return: a connection past its maxLifetime is closed (then fillPool); else the oldest waiter
 * takes it; else it goes idle. Each connection retires at maxLifetime minus a random variance
 * of up to 2.5 % (when maxLifetime > 10 s): closed at once if idle, else marked and closed at
 * its return. The housekeeper (every 30 s from start + 100 ms) closes connections idle longer
 * than idleTimeout, down to minimumIdle, when minimumIdle < maximumPoolSize.
 *
 * Left out, and why: the thread-local list of a thread's own returned connections (requests
 * are not threads in the model, every request comes with a fresh one); barging by a borrower
 * arriving during the hand-off (§2.7: a same-instant race that continuous time never
 * produces); keepaliveTime (it only touches idle connections, for network middleboxes the
 * model does not have); the rollback on return of a dirty connection (requests commit). The
 * housekeeper runs only while it has idle connections to retire: a run with nothing to
 * retire and nothing to fill changes nothing, and a pool must let the run end. */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/pool_kind.h"
#include "sim/dist.h"
#include "sim/status.h"

#define ADDER_PAUSE_S 0.030       /* the adder's sleep after each connection it adds */
#define BACKOFF_FIRST_S 0.010     /* after a failed connect, doubling ... */
#define BACKOFF_MAX_S 5.0         /* ... up to this */
#define ALIVE_BYPASS_S 0.5        /* aliveBypassWindowMs: no validation when used this recently */
#define HOUSEKEEPING_S 30.0       /* housekeepingPeriodMs */
#define HOUSEKEEPER_FIRST_S 0.100 /* the housekeeper's first run after start */

struct hconn {
	struct pool_conn c;     /* first: a struct pool_conn * is a struct hconn * */
	struct pool *owner;     /* for its lifetime timer */
	double last_access;     /* lastAccessed: when it was created or last returned */
	sim_handle eol_ev;      /* its maxLifetime timer */
	bool idle;
	bool evicted;           /* past maxLifetime while in use: closed at its return */
};

struct hpool {
	struct pool p;          /* first */
	struct hconn **all;     /* the bag's shared list: every open connection, oldest first */
	int n_all, all_cap;
	int queued;             /* creation tasks queued for the adder, not yet running */
	bool adder_busy;        /* a task is running (connecting, pausing or backing off) */
	double backoff_s;       /* the running task's next backoff */
	struct pool_client opening; /* carries the adder's connect event */
	double t0;              /* when the pool started: the housekeeper's grid */
	sim_handle housekeeper;
	bool drained;
	gsl_rng *jitter;        /* maxLifetime's variance */
};

static void ev_created(struct sim *sim, void *obj, uint64_t arg);
static void ev_task_step(struct sim *sim, void *obj, uint64_t arg);
static void ev_validated(struct sim *sim, void *obj, uint64_t arg);
static void ev_deadline(struct sim *sim, void *obj, uint64_t arg);
static void ev_eol(struct sim *sim, void *obj, uint64_t arg);
static void ev_housekeeper(struct sim *sim, void *obj, uint64_t arg);
static void adder_next(struct pool *p);
static void arm_housekeeper(struct pool *p);

static struct hpool *H(struct pool *p) { return (struct hpool *)p; }

static int cap(const struct cfg_pool *cfg) { return cfg->size; }
static int base(const struct cfg_pool *cfg) { return cfg->size; }

static int settings(const struct cfg_pool *cfg, struct pool_setting *out)
{
	out[0] = (struct pool_setting){"maximumPoolSize", cfg->size};
	out[1] = (struct pool_setting){"minimumIdle", cfg->min_idle};
	return 2;
}

static void timeout_message(const struct cfg_pool *cfg, int overflow, char *buf, unsigned len)
{
	(void)overflow;
	snprintf(buf, len, "%s - Connection is not available, request timed out after %lldms.",
		 cfg->pool_name, (long long)llround(cfg->timeout_s * 1000));
}

/* ---- the bag ------------------------------------------------------------------------------- */

static bool all_push(struct pool *p, struct hconn *h)
{
	struct hpool *hp = H(p);
	if (hp->n_all == hp->all_cap) {
		int n = hp->all_cap ? 2 * hp->all_cap : 16;
		struct hconn **a = realloc(hp->all, (size_t)n * sizeof *a);
		if (!a) {
			sim_fail(p->sim, PT_ENOMEM);
			return false;
		}
		hp->all = a;
		hp->all_cap = n;
	}
	hp->all[hp->n_all++] = h;
	return true;
}

static void all_remove(struct pool *p, struct hconn *h)
{
	struct hpool *hp = H(p);
	int i = 0;
	while (i < hp->n_all && hp->all[i] != h)
		i++;
	assert(i < hp->n_all);
	for (; i + 1 < hp->n_all; i++)
		hp->all[i] = hp->all[i + 1];
	hp->n_all--;
}

/* closeConnection: the server connection goes, then fillPool. */
static void fill_pool(struct pool *p);

static void close_conn(struct pool *p, struct hconn *h)
{
	sim_cancel(p->sim, h->eol_ev);
	if (h->idle) {
		h->idle = false;
		p->idle_n--;
	}
	all_remove(p, h);
	pool_conn_disconnect(p, &h->c);
	p->total--;
	p->st.closes++;
	pool_conn_free(p, &h->c);
	fill_pool(p);
}

/* ---- the adder ----------------------------------------------------------------------------- */

/* PoolEntryCreator.shouldContinueCreating. */
static bool should_create(const struct pool *p)
{
	return p->total < p->cfg->size &&
	       (p->idle_n < p->cfg->min_idle || p->waiting > p->idle_n);
}

static void submit_task(struct pool *p)
{
	H(p)->queued++;
	adder_next(p);
}

/* HikariPool.fillPool. */
static void fill_pool(struct pool *p)
{
	if (p->total < p->cfg->size && p->idle_n < p->cfg->min_idle)
		for (int i = p->cfg->min_idle - p->idle_n; i > 0; i--)
			submit_task(p);
}

/* One step of the running task: create while the condition holds, else finish. */
static void task_step(struct pool *p)
{
	struct hpool *hp = H(p);
	if (!should_create(p)) {
		hp->adder_busy = false;
		adder_next(p);
		return;
	}
	if (!database_connect(p->db, sim_now(p->sim))) {
		/* the failure is only logged: borrowers keep waiting for their own timeout */
		sim_schedule_in(p->sim, hp->backoff_s, PRIO_COMPLETION, ev_task_step, p, 0);
		hp->backoff_s = fmin(2 * hp->backoff_s, BACKOFF_MAX_S);
		return;
	}
	struct pool_conn *conn = pool_conn_new(p);
	if (!conn)
		return; /* the run has failed */
	p->total++;
	p->st.connects++;
	hp->opening.conn = conn;
	double dt = dist_sample(&p->db->cfg->connect_time, p->rng);
	sim_schedule_in(p->sim, dt, PRIO_COMPLETION, ev_created, p, 0);
}

/* The adder thread takes the next queued task when it is free. */
static void adder_next(struct pool *p)
{
	struct hpool *hp = H(p);
	if (hp->adder_busy || hp->queued == 0)
		return;
	hp->queued--;
	hp->adder_busy = true;
	hp->backoff_s = BACKOFF_FIRST_S;
	task_step(p);
}

static void ev_task_step(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct pool *p = obj;
	task_step(p);
	pool_levels_update(p);
}

/* The task is done after its pause. */
static void ev_task_done(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct pool *p = obj;
	H(p)->adder_busy = false;
	adder_next(p);
	pool_levels_update(p);
}

/* Give h to the oldest parked borrower, else make it idle. A connection just created or
 * returned is never validated (used less than 500 ms ago). */
static void offer(struct pool *p, struct hconn *h)
{
	struct pool_client *c = p->w_head;
	if (c) {
		pool_waiter_remove(p, c);
		sim_cancel(p->sim, c->deadline_ev);
		c->deadline_ev = SIM_NO_EVENT;
		pool_grant(p, c, &h->c);
		return;
	}
	h->idle = true;
	p->idle_n++;
	arm_housekeeper(p);
}

/* maxLifetime - random(0, maxLifetime / 40) when maxLifetime > 10 s (PoolBase). */
static void arm_eol(struct pool *p, struct hconn *h)
{
	double life = p->cfg->max_lifetime_s;
	struct hpool *hp = H(p);
	if (life <= 0 || hp->drained)
		return;
	if (life > 10)
		life -= gsl_rng_uniform(hp->jitter) * (life / 40);
	h->eol_ev = sim_schedule_in(p->sim, life, PRIO_COMPLETION, ev_eol, h, 0);
}

static void ev_created(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct pool *p = obj;
	struct hpool *hp = H(p);
	struct hconn *h = (struct hconn *)hp->opening.conn;
	hp->opening.conn = NULL;
	h->owner = p;
	h->c.alive = true;
	h->c.created_at = sim_now(sim);
	h->last_access = sim_now(sim);
	if (!all_push(p, h))
		return; /* the run has failed */
	arm_eol(p, h);
	offer(p, h);
	sim_schedule_in(sim, ADDER_PAUSE_S, PRIO_COMPLETION, ev_task_done, p, 0);
	pool_levels_update(p);
}

/* ---- borrow and return --------------------------------------------------------------------- */

static void take(struct pool *p, struct pool_client *c, struct hconn *h)
{
	double now = sim_now(p->sim);
	h->idle = false;
	p->idle_n--;
	if (now - h->last_access > ALIVE_BYPASS_S && p->db->cfg->rtt_s > 0) {
		/* isConnectionDead: one round trip (Connection.isValid) */
		p->st.pings++;
		c->conn = &h->c;
		sim_schedule_in(p->sim, p->db->cfg->rtt_s, PRIO_COMPLETION, ev_validated, c, 0);
		return;
	}
	pool_grant(p, c, &h->c);
}

static void ev_validated(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct pool_client *c = obj;
	struct pool *p = c->pool;
	pool_grant(p, c, c->conn);
	pool_levels_update(p);
}

static void checkout(struct pool *p, struct pool_client *c)
{
	struct hpool *hp = H(p);
	for (int i = 0; i < hp->n_all; i++)
		if (hp->all[i]->idle) {
			take(p, c, hp->all[i]);
			return;
		}
	if (!pool_admit_waiter(p))
		return; /* the run has failed: overloaded */
	pool_waiter_append(p, c);
	c->deadline_ev = sim_schedule_at(p->sim, c->deadline_t, PRIO_DEADLINE, ev_deadline, c, 0);
	/* addBagItem(waiting): one more creation task when more threads wait than are queued */
	if (p->waiting > hp->queued)
		submit_task(p);
}

static void ev_deadline(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct pool_client *c = obj;
	struct pool *p = c->pool;
	c->deadline_ev = SIM_NO_EVENT;
	pool_waiter_remove(p, c);
	pool_fail(p, c, POOL_TIMEOUT);
	pool_levels_update(p);
}

static void checkin(struct pool *p, struct pool_conn *conn)
{
	struct hconn *h = (struct hconn *)conn;
	h->last_access = sim_now(p->sim);
	/* evicted, or broken in use (pool_checkin_closed): ProxyConnection evicts a connection
	 * whose server end has gone */
	if (h->evicted || !h->c.alive)
		close_conn(p, h);
	else
		offer(p, h);
}

/* ---- lifetime and housekeeping ------------------------------------------------------------- */

/* MaxLifetimeTask: softEvictConnection, then a creation task if threads wait. */
static void ev_eol(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct hconn *h = obj;
	struct pool *p = h->owner;
	h->eol_ev = SIM_NO_EVENT;
	if (h->idle)
		close_conn(p, h);
	else
		h->evicted = true;
	if (p->waiting > 0 && p->waiting > H(p)->queued)
		submit_task(p);
	pool_levels_update(p);
}

/* The housekeeper retires idle connections only when minimumIdle < maximumPoolSize and
 * idleTimeout > 0, and only while more than minimumIdle are idle. */
static bool retiring(const struct pool *p)
{
	const struct cfg_pool *cfg = p->cfg;
	return cfg->idle_timeout_s > 0 && cfg->min_idle < cfg->size && p->idle_n > cfg->min_idle;
}

/* The next run on the grid start + 100 ms + k x 30 s, strictly after now. */
static void arm_housekeeper(struct pool *p)
{
	struct hpool *hp = H(p);
	if (hp->housekeeper != SIM_NO_EVENT || hp->drained || !retiring(p))
		return;
	double now = sim_now(p->sim), first = hp->t0 + HOUSEKEEPER_FIRST_S;
	double k = now < first ? 0 : floor((now - first) / HOUSEKEEPING_S) + 1;
	double t = first + k * HOUSEKEEPING_S;
	if (t <= now)
		t += HOUSEKEEPING_S;
	hp->housekeeper = sim_schedule_at(p->sim, t, PRIO_COMPLETION, ev_housekeeper, p, 0);
}

/* HouseKeeper.run: close connections idle longer than idleTimeout, oldest created first,
 * never below minimumIdle; then fillPool. */
static void ev_housekeeper(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct pool *p = obj;
	struct hpool *hp = H(p);
	double now = sim_now(sim);
	hp->housekeeper = SIM_NO_EVENT;
	if (retiring(p)) {
		int to_remove = p->idle_n - p->cfg->min_idle;
		for (int i = 0; i < hp->n_all && to_remove > 0;) {
			struct hconn *h = hp->all[i];
			if (h->idle && now - h->last_access > p->cfg->idle_timeout_s) {
				close_conn(p, h); /* shifts the list: i stays */
				to_remove--;
			} else {
				i++;
			}
		}
	}
	fill_pool(p);
	arm_housekeeper(p);
	pool_levels_update(p);
}

static void drain(struct pool *p)
{
	struct hpool *hp = H(p);
	hp->drained = true;
	sim_cancel(p->sim, hp->housekeeper);
	hp->housekeeper = SIM_NO_EVENT;
	for (int i = 0; i < hp->n_all; i++) {
		sim_cancel(p->sim, hp->all[i]->eol_ev);
		hp->all[i]->eol_ev = SIM_NO_EVENT;
	}
}

/* Start: one connection at once (the fail-fast check), the housekeeper's first run 100 ms
 * later fills the pool to minimumIdle. */
static void ev_start_fill(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct pool *p = obj;
	H(p)->housekeeper = SIM_NO_EVENT;
	fill_pool(p);
	arm_housekeeper(p);
	pool_levels_update(p);
}

static int init(struct pool *p)
{
	struct hpool *hp = H(p);
	hp->t0 = sim_now(p->sim);
	hp->jitter = pool_stream_new(p);
	if (!hp->jitter)
		return PT_ENOMEM;
	hp->housekeeper = sim_schedule_in(p->sim, HOUSEKEEPER_FIRST_S, PRIO_COMPLETION,
					  ev_start_fill, p, 0);
	if (p->cfg->min_idle > 0)
		submit_task(p);
	return PT_OK;
}

static void fini(struct pool *p)
{
	struct hpool *hp = H(p);
	free(hp->all);
	if (hp->jitter)
		gsl_rng_free(hp->jitter);
}

const struct pool_kind pool_kind_hikaricp = {
	.name = "hikaricp",
	.title = "HikariCP",
	.size = sizeof(struct hpool),
	.conn_size = sizeof(struct hconn),
	.init = init,
	.fini = fini,
	.checkout = checkout,
	.checkin = checkin,
	.drain = drain,
	.cap = cap,
	.base = base,
	.settings = settings,
	.timeout_message = timeout_message,
};
