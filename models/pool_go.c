/* Go's database/sql pool, event by event (reference/pool-semantics.md §4, model rules §4.6;
 * golang/go src/database/sql/sql.go, Go 1.23+): the pool kind "go".
 *
 * numOpen (p->total) counts connections open, being opened, and promised to the background
 * opener. Checkout (DB.conn inside DB.retry): the most recently returned free connection; one
 * older than SetConnMaxLifetime is closed and the next tried (two such attempts, then a new
 * connection is forced); with no free connection, below SetMaxOpenConns (0 = no limit) the
 * requester connects itself (it pays the connect time), else it joins the waiter set until a
 * connection is handed to it or its context deadline passes ("context deadline exceeded";
 * Go has no pool timeout, and without a deadline a waiter waits for ever). A refused connect
 * fails the requester at once.
 * Return (putConn): a connection older than SetConnMaxLifetime is closed, and the background
 * opener opens min(waiters, maxOpen - numOpen) replacements, one at a time, each handed to a
 * random waiter (a refused one fails a random waiter). Else a waiter gets it: a uniformly
 * random one (connRequestSet.TakeRandom; with fifo_waiters, the one that asked first, as the
 * list of Go's first releases did). Else it joins the free list if fewer than SetMaxIdleConns
 * (default 2) are free, otherwise it is closed: with more than 2 requests in flight at once,
 * connections are opened and closed all the time (the churn of the default).
 * The cleaner (when SetConnMaxLifetime or SetConnMaxIdleTime is set) runs every
 * max(1 s, the time to the next expiry) from the moment a connection first goes free, while
 * connections are open, and closes free connections idle longer than SetConnMaxIdleTime or
 * older than SetConnMaxLifetime, with Go's own list operations.
 *
 * Left out: the context deadline cancelling the query once a connection is held (that is the
 * request's client timeout, not the pool's); the driver's session reset (no round trip for
 * pgx/lib/pq in the common case). */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/pool_kind.h"
#include "sim/dist.h"
#include "sim/status.h"

#define CLEANER_MIN_S 1.0  /* connectionCleaner's minInterval */
#define BAD_CONN_RETRIES 2 /* maxBadConnRetries: attempts that may reuse a free connection */

struct gconn {
	struct pool_conn c;    /* first: a struct pool_conn * is a struct gconn * */
	double returned_at;    /* returnedAt */
};

struct gpool {
	struct pool p;          /* first */
	struct gconn **free;    /* freeConn: appended at return, taken from the end */
	int free_cap;           /* p.idle_n entries */
	struct pool_client **w; /* connRequests: a set, each client knows its slot */
	size_t n_w, w_cap;
	int to_open;            /* background opens promised (counted in numOpen), not started */
	bool opener_busy;       /* the opener goroutine is connecting */
	struct pool_conn *opening;
	sim_handle cleaner;
	bool drained;
	gsl_rng *pick;          /* rand.IntN of TakeRandom */
};

static void ev_opened(struct sim *sim, void *obj, uint64_t arg);
static void ev_deadline(struct sim *sim, void *obj, uint64_t arg);
static void ev_cleaner(struct sim *sim, void *obj, uint64_t arg);

static struct gpool *G(struct pool *p) { return (struct gpool *)p; }

/* maxOpen: 0 = unlimited. maxIdle (maxIdleConnsLocked, clipped to maxOpen by the loader) is
 * kept in cfg->size. */
static int cap(const struct cfg_pool *cfg) { return cfg->max_open > 0 ? cfg->max_open : -1; }
static int base(const struct cfg_pool *cfg) { return cfg->size; }

/* SetMaxOpenConns (0: unlimited) and SetMaxIdleConns as Go clips it */
static int settings(const struct cfg_pool *cfg, struct pool_setting *out)
{
	out[0] = (struct pool_setting){"max_open_conns", cfg->max_open};
	out[1] = (struct pool_setting){"max_idle_conns", cfg->size};
	return 2;
}
static int max_idle(const struct pool *p) { return p->cfg->size; }

static void timeout_message(const struct cfg_pool *cfg, int overflow, char *buf, unsigned len)
{
	(void)cfg;
	(void)overflow;
	snprintf(buf, len, "context deadline exceeded");
}

static bool expired(const struct pool *p, const struct pool_conn *conn)
{
	double life = p->cfg->max_lifetime_s;
	return life > 0 && conn->created_at + life < sim_now(p->sim);
}

/* ---- the waiter set ------------------------------------------------------------------------ */

static bool set_add(struct pool *p, struct pool_client *c)
{
	struct gpool *g = G(p);
	if (g->n_w == g->w_cap) {
		size_t n = g->w_cap ? 2 * g->w_cap : 16;
		struct pool_client **a = realloc(g->w, n * sizeof *a);
		if (!a) {
			sim_fail(p->sim, PT_ENOMEM);
			return false;
		}
		g->w = a;
		g->w_cap = n;
	}
	c->slot = g->n_w;
	g->w[g->n_w++] = c;
	p->waiting++;
	return true;
}

/* connRequestSet.deleteIndex: the last element moves into the hole. With fifo_waiters the
 * order is kept instead (a list). */
static void set_delete(struct pool *p, size_t i)
{
	struct gpool *g = G(p);
	assert(i < g->n_w);
	if (p->cfg->fifo_waiters) {
		memmove(&g->w[i], &g->w[i + 1], (g->n_w - i - 1) * sizeof *g->w);
		for (size_t k = i; k + 1 < g->n_w; k++)
			g->w[k]->slot = k;
	} else if (i + 1 < g->n_w) {
		g->w[i] = g->w[g->n_w - 1];
		g->w[i]->slot = i;
	}
	g->n_w--;
	p->waiting--;
}

/* TakeRandom (rand.IntN(len)), or the first with fifo_waiters; NULL when nobody waits. */
static struct pool_client *set_take(struct pool *p)
{
	struct gpool *g = G(p);
	if (g->n_w == 0)
		return NULL;
	size_t i = p->cfg->fifo_waiters ? 0 : gsl_rng_uniform_int(g->pick, g->n_w);
	struct pool_client *c = g->w[i];
	set_delete(p, i);
	sim_cancel(p->sim, c->deadline_ev);
	c->deadline_ev = SIM_NO_EVENT;
	return c;
}

/* ---- opening and closing ------------------------------------------------------------------- */

static void start_cleaner(struct pool *p);

/* maybeOpenNewConnections: promise min(waiters, maxOpen - numOpen) background opens. */
static void opener_run(struct pool *p);

static void maybe_open(struct pool *p)
{
	struct gpool *g = G(p);
	long n = (long)g->n_w;
	if (p->cap >= 0 && n > p->cap - p->total)
		n = p->cap - p->total;
	for (; n > 0; n--) {
		p->total++; /* optimistically */
		g->to_open++;
	}
	opener_run(p);
}

/* finalClose: numOpen--, then maybeOpenNewConnections. */
static void close_conn(struct pool *p, struct pool_conn *conn)
{
	pool_conn_disconnect(p, conn);
	p->total--;
	p->st.closes++;
	pool_conn_free(p, conn);
	maybe_open(p);
}

/* putConnDBLocked(conn, nil): a waiter, else the free list, else false (the caller closes). */
static bool put_conn(struct pool *p, struct pool_conn *conn)
{
	struct gpool *g = G(p);
	if (p->cap >= 0 && p->total > p->cap)
		return false;
	struct pool_client *c = set_take(p);
	if (c) {
		pool_grant(p, c, conn);
		return true;
	}
	if (p->idle_n < max_idle(p)) {
		if (p->idle_n == g->free_cap) {
			int n = g->free_cap ? 2 * g->free_cap : 8;
			struct gconn **a = realloc(g->free, (size_t)n * sizeof *a);
			if (!a) {
				sim_fail(p->sim, PT_ENOMEM);
				return true; /* the run has failed; the connection is dropped */
			}
			g->free = a;
			g->free_cap = n;
		}
		((struct gconn *)conn)->returned_at = sim_now(p->sim);
		g->free[p->idle_n++] = (struct gconn *)conn;
		start_cleaner(p);
		return true;
	}
	return false; /* maxIdleClosed++ */
}

/* The connectionOpener goroutine: one open at a time. A refused connect fails one random
 * waiter with the error and asks again for the others (openNewConnection). */
static void opener_run(struct pool *p)
{
	struct gpool *g = G(p);
	while (!g->opener_busy && g->to_open > 0) {
		g->to_open--;
		if (!database_connect(p->db, sim_now(p->sim))) {
			p->total--;
			struct pool_client *c = set_take(p);
			if (c)
				pool_fail(p, c, POOL_REFUSED);
			maybe_open(p);
			continue;
		}
		struct pool_conn *conn = pool_conn_new(p);
		if (!conn)
			return; /* the run has failed */
		g->opener_busy = true;
		g->opening = conn;
		p->st.connects++;
		double dt = dist_sample(&p->db->cfg->connect_time, p->rng);
		sim_schedule_in(p->sim, dt, PRIO_COMPLETION, ev_opened, p, 0);
	}
}

static void ev_opened(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct pool *p = obj;
	struct gpool *g = G(p);
	struct pool_conn *conn = g->opening;
	g->opening = NULL;
	g->opener_busy = false;
	conn->alive = true;
	conn->created_at = sim_now(sim);
	if (!put_conn(p, conn)) {
		/* nobody waits any more and the free list is full: numOpen--, close */
		pool_conn_disconnect(p, conn);
		p->total--;
		p->st.closes++;
		pool_conn_free(p, conn);
	}
	opener_run(p);
	pool_levels_update(p);
}

/* ---- checkout and checkin ------------------------------------------------------------------ */

/* The requester opens a connection itself (numOpen++ optimistically, connect inline). */
static void open_inline(struct pool *p, struct pool_client *c)
{
	if (pool_open_for(p, c, NULL) == POOL_OPEN_REFUSED) {
		maybe_open(p); /* numOpen-- is implicit: it was never counted here */
		pool_fail(p, c, POOL_REFUSED);
	}
}

static void checkout(struct pool *p, struct pool_client *c)
{
	struct gpool *g = G(p);
	/* DB.retry: two attempts that may take a free connection, then alwaysNewConn */
	for (int attempt = 0; attempt < BAD_CONN_RETRIES && p->idle_n > 0; attempt++) {
		struct pool_conn *conn = &g->free[--p->idle_n]->c;
		if (!expired(p, conn)) {
			pool_grant(p, c, conn);
			return;
		}
		close_conn(p, conn); /* maxLifetimeClosed++, driver.ErrBadConn: retry */
	}
	if (p->cap >= 0 && p->total >= p->cap) {
		if (!pool_admit_waiter(p) || !set_add(p, c))
			return; /* the run has failed */
		if (isfinite(c->deadline_t))
			c->deadline_ev = sim_schedule_at(p->sim, c->deadline_t, PRIO_DEADLINE,
							 ev_deadline, c, 0);
		return;
	}
	open_inline(p, c);
}

/* The context is done: the request leaves the set and gets ctx.Err(). */
static void ev_deadline(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct pool_client *c = obj;
	struct pool *p = c->pool;
	c->deadline_ev = SIM_NO_EVENT;
	set_delete(p, c->slot);
	pool_fail(p, c, POOL_TIMEOUT);
	pool_levels_update(p);
}

static void checkin(struct pool *p, struct pool_conn *conn)
{
	/* a bad connection (its server end gone: driver.ErrBadConn) or an expired one is closed;
	 * the replacement opens after the close (finalClose) */
	if (!conn->alive || expired(p, conn) || !put_conn(p, conn))
		close_conn(p, conn);
}

/* ---- the cleaner --------------------------------------------------------------------------- */

/* shortestIdleTimeLocked: the smaller of the limits that are set; 0 when none is. */
static double shortest(const struct pool *p)
{
	double a = p->cfg->idle_timeout_s, b = p->cfg->max_lifetime_s;
	if (a <= 0)
		return b > 0 ? b : 0;
	return b > 0 && b < a ? b : a;
}

/* startCleanerLocked: when a limit is set, connections are open and no cleaner runs. */
static void start_cleaner(struct pool *p)
{
	struct gpool *g = G(p);
	double d = shortest(p);
	if (g->cleaner != SIM_NO_EVENT || g->drained || d <= 0 || p->total == 0)
		return;
	g->cleaner = sim_schedule_in(p->sim, d < CLEANER_MIN_S ? CLEANER_MIN_S : d,
				     PRIO_COMPLETION, ev_cleaner, p, 0);
}

/* connectionCleaner's loop body and connectionCleanerRunLocked, list operations included. */
static void ev_cleaner(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct pool *p = obj;
	struct gpool *g = G(p);
	double now = sim_now(sim);
	g->cleaner = SIM_NO_EVENT;
	double d = shortest(p);
	if (p->total == 0 || d <= 0) {
		pool_levels_update(p);
		return; /* the goroutine exits */
	}
	struct pool_conn *closing[64];
	struct pool_conn **cl = closing;
	int n_cl = 0;
	if (p->idle_n > (int)(sizeof closing / sizeof *closing)) {
		cl = malloc((size_t)p->idle_n * sizeof *cl);
		if (!cl) {
			sim_fail(p->sim, PT_ENOMEM);
			return;
		}
	}
	if (p->cfg->idle_timeout_s > 0) {
		double idle_since = now - p->cfg->idle_timeout_s;
		for (int i = p->idle_n - 1; i >= 0; i--) {
			if (g->free[i]->returned_at < idle_since) {
				/* everything up to i goes */
				for (int k = 0; k <= i; k++)
					cl[n_cl++] = &g->free[k]->c;
				memmove(g->free, g->free + i + 1,
					(size_t)(p->idle_n - i - 1) * sizeof *g->free);
				p->idle_n -= i + 1;
				break;
			}
		}
		if (p->idle_n > 0) {
			double d2 = g->free[0]->returned_at - idle_since;
			if (d2 < d)
				d = d2;
		}
	}
	if (p->cfg->max_lifetime_s > 0) {
		double expired_since = now - p->cfg->max_lifetime_s;
		for (int i = 0; i < p->idle_n; i++) {
			struct gconn *c = g->free[i];
			if (c->c.created_at < expired_since) {
				cl[n_cl++] = &c->c;
				g->free[i] = g->free[p->idle_n - 1]; /* swap with the last */
				p->idle_n--;
				i--;
			} else {
				double d2 = c->c.created_at - expired_since;
				if (d2 < d)
					d = d2;
			}
		}
	}
	for (int i = 0; i < n_cl; i++)
		close_conn(p, cl[i]);
	if (cl != closing)
		free(cl);
	if (d < CLEANER_MIN_S)
		d = CLEANER_MIN_S;
	if (!g->drained)
		g->cleaner = sim_schedule_in(sim, d, PRIO_COMPLETION, ev_cleaner, p, 0);
	pool_levels_update(p);
}

static void drain(struct pool *p)
{
	struct gpool *g = G(p);
	g->drained = true;
	sim_cancel(p->sim, g->cleaner);
	g->cleaner = SIM_NO_EVENT;
}

static int init(struct pool *p)
{
	struct gpool *g = G(p);
	g->pick = pool_stream_new(p);
	return g->pick ? PT_OK : PT_ENOMEM;
}

static void fini(struct pool *p)
{
	struct gpool *g = G(p);
	free(g->free);
	free(g->w);
	if (g->pick)
		gsl_rng_free(g->pick);
}

const struct pool_kind pool_kind_go = {
	.name = "go",
	.title = "Go database/sql",
	.size = sizeof(struct gpool),
	.conn_size = sizeof(struct gconn),
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
