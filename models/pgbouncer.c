#include "models/pgbouncer.h"

#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/pool.h"
#include "sim/dist.h"
#include "sim/status.h"

/* PgBouncer's janitor period (full_maint_period, src/janitor.c): query_wait_timeout and the
 * reserve are looked at only on its passes. */
#define JANITOR_HZ 3.0

/* An idle server: when it was launched (server_lifetime) and released (server_idle_timeout). */
struct idle_server {
	double born, since;
};

/* One [databases] entry: its pool (database, user). */
struct pgbouncer_db {
	const struct cfg_pgbouncer *cfg;
	struct sim *sim;
	struct database *server;
	gsl_rng *rng;
	struct cfg_database client_cfg; /* PgBouncer's client side of this database */
	struct database clients;        /* its client connections (slots also in b->clients) */
	int servers;                    /* open or being opened */
	int idle;                       /* idle[0 .. idle - 1], the most recently released last:
					   reuse takes the last (LIFO, PgBouncer's default) */
	struct idle_server *idle_sv;
	int idle_cap;
	double launched_at;             /* the server being opened: when it was launched */
	double last_lifetime_close;     /* life_over's spacing of lifetime closes */
	int active;                     /* linked to a client */
	int resetting;                  /* session mode: running server_reset_query (sv_tested) */
	bool connecting;                /* at most one server connect in flight (§3.4) */
	bool login_failing;             /* the last server connect failed */
	bool draining;                  /* after the horizon: no min_pool_size top-up */
	double last_fail_at;
	struct pgbouncer_client *w_head, *w_tail;
	int waiting;
	sim_handle janitor;
	struct pgbouncer_stats st;
};

struct pgbouncer {
	const struct cfg_pgbouncer *cfg;
	struct cfg_database all_cfg;    /* the process's client side: max_client_conn */
	struct database all;
	int n;
	struct pgbouncer_db db[PGBOUNCER_MAX_DATABASES];
};

static void ev_server_ready(struct sim *sim, void *obj, uint64_t arg);
static void arm_janitor(struct pgbouncer_db *b);
static void ev_janitor(struct sim *sim, void *obj, uint64_t arg);
static void ev_statement_refused(struct sim *sim, void *obj, uint64_t arg);
static void on_client_close(struct database *db, struct pool_conn *conn);

static inline void set_if_changed(struct level *l, double now, double v)
{
	if (v != l->value)
		level_set(l, now, v);
}

static int cl_active(const struct pgbouncer_db *b) { return b->clients.open - b->waiting; }

static void levels_update(struct pgbouncer_db *b)
{
	double now = sim_now(b->sim);
	struct pgbouncer_stats *s = &b->st;
	set_if_changed(&s->cl_active, now, cl_active(b));
	set_if_changed(&s->cl_waiting, now, b->waiting);
	set_if_changed(&s->sv_active, now, b->active);
	set_if_changed(&s->sv_idle, now, b->idle);
	set_if_changed(&s->sv_login, now, b->connecting);
}

static void stats_start(struct pgbouncer_db *b, double t)
{
	struct pgbouncer_stats *s = &b->st;
	*s = (struct pgbouncer_stats){0};
	tally_init(&s->wait);
	level_init(&s->cl_active, t, cl_active(b));
	level_init(&s->cl_waiting, t, b->waiting);
	level_init(&s->sv_active, t, b->active);
	level_init(&s->sv_idle, t, b->idle);
	level_init(&s->sv_login, t, b->connecting);
	/* a client waiting since before the reset still counts for the longest wait */
	if (b->w_head)
		s->maxwait_max = t - b->w_head->wait_start;
}

struct pgbouncer *pgbouncer_create(const struct cfg_pgbouncer *cfg, struct sim *sim, int n,
				   struct database *const servers[], gsl_rng *const rngs[])
{
	assert(n >= 1 && n <= PGBOUNCER_MAX_DATABASES);
	struct pgbouncer *b = calloc(1, sizeof *b);
	if (!b)
		return NULL;
	b->cfg = cfg;
	b->n = n;
	b->all_cfg = (struct cfg_database){.max_connections = cfg->max_client_conn};
	database_init(&b->all, &b->all_cfg, sim_now(sim));
	for (int k = 0; k < n; k++) {
		struct pgbouncer_db *d = &b->db[k];
		d->cfg = cfg;
		d->sim = sim;
		d->server = servers[k];
		d->rng = rngs[k];
		d->janitor = SIM_NO_EVENT;
		d->last_lifetime_close = -INFINITY;
		d->client_cfg = (struct cfg_database){
			.max_connections = cfg->max_client_conn,
			.connect_time = cfg->client_connect_time,
			.rtt_s = servers[k]->cfg->rtt_s,
		};
		database_init(&d->clients, &d->client_cfg, sim_now(sim));
		d->clients.on_client_close = on_client_close;
		d->clients.shared = &b->all;
		stats_start(d, sim_now(sim));
		arm_janitor(d); /* min_pool_size */
	}
	return b;
}

void pgbouncer_destroy(struct pgbouncer *b)
{
	if (!b)
		return;
	for (int k = 0; k < b->n; k++)
		free(b->db[k].idle_sv);
	free(b);
}

int pgbouncer_databases(const struct pgbouncer *b) { return b->n; }

struct database *pgbouncer_clients(struct pgbouncer *b, int d)
{
	assert(d >= 0 && d < b->n);
	return &b->db[d].clients;
}

const struct database *pgbouncer_all_clients(const struct pgbouncer *b) { return &b->all; }

static void waiter_append(struct pgbouncer_db *b, struct pgbouncer_client *c)
{
	c->next = NULL;
	if (b->w_tail)
		b->w_tail->next = c;
	else
		b->w_head = c;
	b->w_tail = c;
	b->waiting++;
}

static struct pgbouncer_client *waiter_pop(struct pgbouncer_db *b)
{
	struct pgbouncer_client *c = b->w_head;
	b->w_head = c->next;
	if (!b->w_head)
		b->w_tail = NULL;
	c->next = NULL;
	b->waiting--;
	return c;
}

static void note_wait(struct pgbouncer_db *b, double w)
{
	if (w > b->st.maxwait_max)
		b->st.maxwait_max = w;
}

/* Rule 2: the server becomes active for c. In statement mode the BEGIN runs (one round trip)
 * and the server is then closed for the transaction block; in session mode it stays linked to
 * c's client connection. */
static void link(struct pgbouncer_db *b, struct pgbouncer_client *c, double born)
{
	double w = sim_now(b->sim) - c->wait_start;
	b->active++;
	c->linked = true;
	c->server_born = born;
	if (b->cfg->pool_mode == CFG_POOL_MODE_SESSION) {
		c->conn->server_linked = true;
		c->conn->server_born = born;
		b->st.session_links++;
	}
	if (w > 0)
		b->st.waited++;
	tally_add(&b->st.wait, w);
	note_wait(b, w);
	if (b->cfg->pool_mode == CFG_POOL_MODE_STATEMENT) {
		sim_schedule_in(b->sim, b->server->cfg->rtt_s, PRIO_COMPLETION, ev_statement_refused,
				b, (uint64_t)(uintptr_t)c);
		return;
	}
	c->on_linked(c);
}

/* Whether the janitor has work: clients waiting (timeouts, the reserve, launches after a
 * failed login), the pool below min_pool_size, or idle servers it may close (not once the
 * run drains: a server kept for min_pool_size would keep it polling for ever). After the
 * horizon (draining), clients that wait without a query_wait_timeout need a pass only while a
 * reserve connect may still open (time alone opens it); otherwise only an event (a release, a
 * server ready) can serve them, and passes every 1/3 s would keep an engine that has nothing
 * else to do running forever (session pooling: every server linked to a client connection the
 * application keeps). */
static bool janitor_needed(const struct pgbouncer_db *b)
{
	const struct cfg_pgbouncer *cfg = b->cfg;
	if (b->draining && b->waiting > 0 && !(cfg->query_wait_timeout_s > 0)) {
		int cap = cfg->default_pool_size + cfg->reserve_pool_size;
		if (cfg->max_db_connections > 0 && cfg->max_db_connections < cap)
			cap = cfg->max_db_connections;
		return cfg->reserve_pool_size > 0 && !b->login_failing && b->servers < cap;
	}
	return b->waiting > 0 ||
	       (!b->draining && b->servers < cfg->min_pool_size &&
		b->servers < cfg->default_pool_size) ||
	       (!b->draining && b->idle > 0 &&
		(cfg->server_idle_timeout_s > 0 || isfinite(cfg->server_lifetime_s)));
}

/* The next janitor pass strictly after now: passes fall at k/3 s. */
static void arm_janitor(struct pgbouncer_db *b)
{
	if (b->janitor != SIM_NO_EVENT || !janitor_needed(b))
		return;
	double now = sim_now(b->sim);
	double k = floor(now * JANITOR_HZ) + 1;
	double t = k / JANITOR_HZ;
	if (t <= now) /* rounding */
		t = (k + 1) / JANITOR_HZ;
	b->janitor = sim_schedule_at(b->sim, t, PRIO_DEADLINE, ev_janitor, b, 0);
}

/* Launch one server connection (rule 4's "Launch"); false when PostgreSQL refused it. */
static bool launch(struct pgbouncer_db *b)
{
	double now = sim_now(b->sim);
	b->st.server_connects++;
	if (b->servers >= b->cfg->default_pool_size)
		b->st.reserve_connects++;
	if (!database_connect(b->server, now)) {
		b->st.server_refused++;
		b->login_failing = true;
		b->last_fail_at = now;
		return false;
	}
	b->servers++;
	b->connecting = true;
	b->launched_at = now;
	double dt = dist_sample(&b->server->cfg->connect_time, b->rng);
	sim_schedule_in(b->sim, dt, PRIO_COMPLETION, ev_server_ready, b, 0);
	return true;
}

static bool may_connect(const struct pgbouncer_db *b, int limit)
{
	const struct cfg_pgbouncer *cfg = b->cfg;
	if (b->connecting || b->servers >= limit)
		return false;
	if (cfg->max_db_connections > 0 && b->servers >= cfg->max_db_connections)
		return false;
	return !b->login_failing ||
	       sim_now(b->sim) - b->last_fail_at >= cfg->server_login_retry_s;
}

/* Rule 4, a loop pass: with clients waiting and no idle server, launch a connection below
 * default_pool_size, or into the reserve once the oldest waiter waited reserve_pool_timeout. */
static void activate(struct pgbouncer_db *b)
{
	const struct cfg_pgbouncer *cfg = b->cfg;
	/* per_loop_activate: each waiter beyond the idle servers is first counted against a
	 * server running its reset query (sv_tested); only a waiter left over launches */
	if (!b->w_head || b->idle > 0 || b->waiting <= b->resetting)
		return;
	int limit = cfg->default_pool_size;
	if (cfg->reserve_pool_size > 0 &&
	    sim_now(b->sim) - b->w_head->wait_start >= cfg->reserve_pool_timeout_s)
		limit += cfg->reserve_pool_size;
	if (may_connect(b, limit))
		launch(b);
}

/* Close one of the servers (idle, or just released): PostgreSQL's slot is free at once. */
static void server_close(struct pgbouncer_db *b)
{
	b->servers--;
	database_disconnect(b->server, sim_now(b->sim));
}

/* life_over (src/objects.c): a server launched at `born` has outlived server_lifetime, and
 * the last lifetime close was at least server_lifetime / default_pool_size ago (PgBouncer
 * spaces them so that a pool opened at once is not closed at once). server_lifetime 0: every
 * server is used once, then closed. */
static bool life_over(const struct pgbouncer_db *b, double born)
{
	const struct cfg_pgbouncer *cfg = b->cfg;
	double now = sim_now(b->sim);
	return now - born >= cfg->server_lifetime_s &&
	       now - b->last_lifetime_close >= cfg->server_lifetime_s / cfg->default_pool_size;
}

static bool idle_push(struct pgbouncer_db *b, double born)
{
	if (b->idle == b->idle_cap) {
		int cap = b->idle_cap ? 2 * b->idle_cap : 16;
		struct idle_server *n = realloc(b->idle_sv, (size_t)cap * sizeof *n);
		if (!n) {
			sim_fail(b->sim, PT_ENOMEM);
			return false;
		}
		b->idle_sv = n;
		b->idle_cap = cap;
	}
	b->idle_sv[b->idle++] = (struct idle_server){born, sim_now(b->sim)};
	return true;
}

/* Rule 3: a server free for reuse (launched at `born`) is closed if its lifetime is over
 * (release_server; not a server just opened), else goes to the oldest waiting client, else
 * to the idle stack. */
static void server_free(struct pgbouncer_db *b, double born, bool fresh)
{
	if (!fresh && life_over(b, born)) {
		server_close(b);
		b->last_lifetime_close = sim_now(b->sim);
		b->st.lifetime_closes++;
		activate(b); /* a waiter needs a server launched in its place */
		return;
	}
	if (b->w_head) {
		link(b, waiter_pop(b), born);
		return;
	}
	idle_push(b, born);
}

static void ev_server_ready(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct pgbouncer_db *b = obj;
	b->connecting = false;
	b->login_failing = false;
	server_free(b, b->launched_at, true);
	activate(b);
	arm_janitor(b);
	levels_update(b);
}

static void ev_statement_refused(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	struct pgbouncer_db *b = obj;
	struct pgbouncer_client *c = (struct pgbouncer_client *)(uintptr_t)arg;
	c->linked = false;
	b->active--;
	server_close(b);
	b->st.statement_mode++;
	c->on_error(c, PGBOUNCER_STATEMENT_MODE);
	activate(b);
	arm_janitor(b);
	levels_update(b);
}

/* Rule 6, check_unused_servers on the idle list: from the most recently released, close a
 * server idle longer than server_idle_timeout unless the pool would go below min_pool_size
 * (strictly longer, and "servers > min_pool_size" with min_pool_size 0 meaning none, as
 * PgBouncer compares), else one whose lifetime is over (life_over). */
static void close_unused(struct pgbouncer_db *b)
{
	const struct cfg_pgbouncer *cfg = b->cfg;
	double now = sim_now(b->sim);
	int kept = b->idle;
	for (int i = b->idle - 1; i >= 0; i--) {
		const struct idle_server *v = &b->idle_sv[i];
		bool close = false;
		if (cfg->server_idle_timeout_s > 0 && now - v->since > cfg->server_idle_timeout_s &&
		    (cfg->min_pool_size == 0 || b->servers > cfg->min_pool_size)) {
			close = true;
			b->st.idle_closes++;
		} else if (life_over(b, v->born)) {
			close = true;
			b->last_lifetime_close = now;
			b->st.lifetime_closes++;
		}
		if (close) {
			server_close(b);
			b->idle_sv[i].since = NAN; /* removed below, keeping the others' order */
			kept--;
		}
	}
	if (kept == b->idle)
		return;
	int j = 0;
	for (int i = 0; i < b->idle; i++)
		if (!isnan(b->idle_sv[i].since))
			b->idle_sv[j++] = b->idle_sv[i];
	b->idle = j;
}

/* Rule 6: drop clients older than query_wait_timeout (age > timeout, as pool_client_maint
 * compares), close unused servers (close_unused), top up to min_pool_size, then a loop pass
 * (the reserve). */
static void ev_janitor(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct pgbouncer_db *b = obj;
	const struct cfg_pgbouncer *cfg = b->cfg;
	double now = sim_now(sim);
	b->janitor = SIM_NO_EVENT;
	while (cfg->query_wait_timeout_s > 0 && b->w_head &&
	       now - b->w_head->wait_start > cfg->query_wait_timeout_s) {
		struct pgbouncer_client *c = waiter_pop(b);
		note_wait(b, now - c->wait_start);
		b->st.query_wait_timeouts++;
		c->on_error(c, PGBOUNCER_QUERY_WAIT_TIMEOUT);
	}
	close_unused(b);
	if (!b->draining && b->servers < cfg->min_pool_size && b->clients.open > 0 &&
	    may_connect(b, cfg->default_pool_size))
		launch(b);
	activate(b);
	arm_janitor(b);
	levels_update(b);
}

/* Session mode, the end of rule 3: the application closed client connection conn; its server
 * (if one is linked) runs server_reset_query, one round trip (release_server: SV_TESTED), then
 * goes to the oldest waiter or the idle stack. Without a reset query it is free at once; it
 * is handed over by an event at this instant all the same, so that PgBouncer never calls a
 * client back from inside the application pool's close. */
static void ev_reset_done(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	struct pgbouncer_db *b = obj;
	double born;
	memcpy(&born, &arg, sizeof born); /* the server's launch time, as bits */
	b->resetting--;
	server_free(b, born, false);
	activate(b);
	arm_janitor(b);
	levels_update(b);
}

static void on_client_close(struct database *db, struct pool_conn *conn)
{
	struct pgbouncer_db *b = (struct pgbouncer_db *)(void *)((char *)db -
								  offsetof(struct pgbouncer_db, clients));
	if (!conn->server_linked)
		return;
	conn->server_linked = false;
	b->active--;
	b->resetting++;
	double dt = 0;
	if (b->cfg->server_reset_query[0]) {
		b->st.server_resets++;
		dt = b->server->cfg->rtt_s;
	}
	uint64_t born;
	memcpy(&born, &conn->server_born, sizeof born);
	sim_schedule_in(b->sim, dt, PRIO_COMPLETION, ev_reset_done, b, born);
	levels_update(b);
}

/* The database a client's connection is to. */
static struct pgbouncer_db *database_of(struct pgbouncer *pb, const struct pgbouncer_client *c)
{
	for (int k = 0; k < pb->n; k++)
		if (pb->db[k].server == c->server)
			return &pb->db[k];
	assert(!"pgbouncer_query: a server PgBouncer does not front");
	return &pb->db[0];
}

void pgbouncer_query(struct pgbouncer *pb, struct pgbouncer_client *c)
{
	struct pgbouncer_db *b = database_of(pb, c);
	c->db = b;
	c->wait_start = sim_now(b->sim);
	c->next = NULL;
	c->linked = false;
	b->st.queries++;
	if (b->cfg->pool_mode == CFG_POOL_MODE_SESSION) {
		assert(c->conn);
		if (c->conn->server_linked) {
			/* the client connection has its server: nothing to wait for */
			c->linked = true;
			tally_add(&b->st.wait, 0);
			c->on_linked(c);
			return;
		}
	}
	if (b->idle > 0) {
		b->idle--;
		link(b, c, b->idle_sv[b->idle].born);
	} else if (b->login_failing && b->servers == 0) {
		/* check_fast_fail: nothing to wait for */
		b->st.login_failing++;
		c->on_error(c, PGBOUNCER_LOGIN_FAILING);
	} else {
		waiter_append(b, c);
		activate(b);
	}
	arm_janitor(b);
	levels_update(b);
}

void pgbouncer_release(struct pgbouncer *pb, struct pgbouncer_client *c)
{
	(void)pb;
	struct pgbouncer_db *b = c->db;
	assert(c->linked);
	c->linked = false;
	if (b->cfg->pool_mode == CFG_POOL_MODE_SESSION)
		return; /* the server stays with the client connection until it closes */
	b->active--;
	server_free(b, c->server_born, false);
	arm_janitor(b); /* an idle server to watch */
	levels_update(b);
}

void pgbouncer_drain(struct pgbouncer *pb)
{
	for (int k = 0; k < pb->n; k++) {
		struct pgbouncer_db *b = &pb->db[k];
		b->draining = true;
		if (b->janitor != SIM_NO_EVENT && !janitor_needed(b)) {
			sim_cancel(b->sim, b->janitor);
			b->janitor = SIM_NO_EVENT;
		}
	}
}

void pgbouncer_reset(struct pgbouncer *pb)
{
	for (int k = 0; k < pb->n; k++) {
		struct pgbouncer_db *b = &pb->db[k];
		stats_start(b, sim_now(b->sim));
		database_reset(&b->clients, sim_now(b->sim));
	}
	database_reset(&pb->all, sim_now(pb->db[0].sim));
}

const struct pgbouncer_stats *pgbouncer_stats(const struct pgbouncer *pb, int d)
{
	assert(d >= 0 && d < pb->n);
	return &pb->db[d].st;
}

void pgbouncer_status(const struct pgbouncer *pb, int d, struct pgbouncer_status *s)
{
	assert(d >= 0 && d < pb->n);
	const struct pgbouncer_db *b = &pb->db[d];
	s->cl_active = cl_active(b);
	s->cl_waiting = b->waiting;
	s->sv_active = b->active;
	s->sv_idle = b->idle;
	s->sv_tested = b->resetting;
	s->sv_login = b->connecting;
	s->maxwait_s = b->w_head ? sim_now(b->sim) - b->w_head->wait_start : 0;
}

int pgbouncer_servers(const struct pgbouncer *pb, int d)
{
	assert(d >= 0 && d < pb->n);
	return pb->db[d].servers;
}

void pgbouncer_error_message(enum pgbouncer_error e, const struct cfg_database *server,
			     char *buf, size_t len)
{
	switch (e) {
	case PGBOUNCER_QUERY_WAIT_TIMEOUT:
		snprintf(buf, len, "query_wait_timeout");
		return;
	case PGBOUNCER_LOGIN_FAILING: {
		/* PgBouncer caches the ErrorResponse's message field, without the severity */
		const char *m = database_refusal_message(server);
		if (strncmp(m, "FATAL:  ", 8) == 0)
			m += 8;
		snprintf(buf, len, "server login has been failing, cached error: %s "
			 "(server_login_retry)", m);
		return;
	}
	case PGBOUNCER_STATEMENT_MODE:
		snprintf(buf, len, "transaction blocks not allowed in statement pooling mode");
		return;
	}
	snprintf(buf, len, "?");
}

const char *pgbouncer_client_refusal_message(void)
{
	return "no more connections allowed (max_client_conn)";
}
