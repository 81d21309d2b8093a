/* Exact tests of the PgBouncer model (models/pgbouncer.c) and of its wiring into the request
 * workload (models/requests.c, models/model.c).
 *
 * The first tests drive one PgBouncer directly on an engine: test clients ask for a server at
 * chosen instants (pgbouncer_query, priority PRIO_ARRIVAL), hold it for a chosen time after
 * on_linked and release it. Connect times and round trips are constants, so every event time
 * is known in advance; the expected values are derived in the comment above each test from
 * the model rules of reference/pool-semantics.md §3.6 (cited as "rule 1" ... "rule 7") and
 * §3.3-3.5. Janitor passes fall at k/3 s (§3.5). Times are dyadic or thirds; thirds are
 * compared with a tolerance of 1e-9 s.
 *
 * Then whole replications (model_run) on a trace of arrivals with known holds, and a
 * statistical test against M/M/c+D (reference/queueing.md §4). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "models/config.h"
#include "models/database.h"
#include "models/model.h"
#include "models/pgbouncer.h"
#include "models/pool.h"
#include "sim/dist.h"
#include "sim/engine.h"
#include "sim/rng.h"
#include "sim/stats.h"
#include "sim/status.h"
#include "models/summary.h"
#include "tests/queueing_ref.h"
#include <stdio.h>
#include "tests/testutil.h"

#define TOL 1e-9
#define MAX_CLIENTS 8

enum outcome { PENDING = 0, LINKED, FAILED };

struct fx;

struct client {
	struct pgbouncer_client link;
	struct fx *fx;
	double hold_s;
	enum outcome outcome;
	enum pgbouncer_error error;
	double t_done;
};

struct fx {
	struct cfg_database dbcfg;
	struct cfg_pgbouncer cfg;
	struct sim *sim;
	struct database db;
	gsl_rng *rng;
	struct pgbouncer *b;
	struct client cl[MAX_CLIENTS];
};

#define assert_near(a, b) assert_near_at((a), (b), #a, __FILE__, __LINE__)
static void assert_near_at(double a, double b, const char *expr, const char *file, int line)
{
	if (!(fabs(a - b) <= TOL)) {
		print_error("%s = %.17g, expected %.17g\n", expr, a, b);
		_fail(file, line);
	}
}

static struct client *of_link(struct pgbouncer_client *l)
{
	return (struct client *)(void *)((char *)l - offsetof(struct client, link));
}

static void ev_release(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct client *c = obj;
	pgbouncer_release(c->fx->b, &c->link);
}

static void on_linked(struct pgbouncer_client *l)
{
	struct client *c = of_link(l);
	c->outcome = LINKED;
	c->t_done = sim_now(c->fx->sim);
	if (isfinite(c->hold_s))
		sim_schedule_in(c->fx->sim, c->hold_s, PRIO_COMPLETION, ev_release, c, 0);
}

static void on_error(struct pgbouncer_client *l, enum pgbouncer_error e)
{
	struct client *c = of_link(l);
	c->outcome = FAILED;
	c->error = e;
	c->t_done = sim_now(c->fx->sim);
}

static void ev_query(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct client *c = obj;
	c->link.on_linked = on_linked;
	c->link.on_error = on_error;
	if (!c->link.server)
		c->link.server = &c->fx->db; /* the one database's server, unless the test chose */
	pgbouncer_query(c->fx->b, &c->link);
}

static void ev_nothing(struct sim *sim, void *obj, uint64_t arg);

/* Run until t (exactly: an event there moves the clock) and return the servers open. */
static int open_at(struct fx *f, double t)
{
	sim_schedule_at(f->sim, t, SIM_PRIO_MAX, ev_nothing, NULL, 0);
	sim_run(f->sim, t);
	return f->db.open;
}

/* Defaults: a server with one slot per test need (max_connections 10, nothing reserved),
 * connect time 0.125 s, no round trip; PgBouncer in transaction mode with its defaults. */
static void fx_init(struct fx *f)
{
	memset(f, 0, sizeof *f);
	f->dbcfg.max_connections = 10;
	dist_constant(&f->dbcfg.connect_time, 0.125);
	cfg_pgbouncer_defaults(&f->cfg);
	f->cfg.enabled = true;
	f->cfg.pool_mode = CFG_POOL_MODE_TRANSACTION;
	dist_constant(&f->cfg.client_connect_time, 0);
	/* servers are never closed for their age unless a test says so: no idle timeout, an
	 * infinite lifetime (PgBouncer's 0 means "used once") */
	f->cfg.server_idle_timeout_s = 0;
	f->cfg.server_lifetime_s = INFINITY;
}

static void fx_start(struct fx *f)
{
	f->sim = sim_create();
	assert_non_null(f->sim);
	database_init(&f->db, &f->dbcfg, 0);
	f->rng = rng_stream_create(1, 0, 1);
	assert_non_null(f->rng);
	struct database *servers[] = {&f->db};
	f->b = pgbouncer_create(&f->cfg, f->sim, 1, servers, &f->rng);
	assert_non_null(f->b);
}

static void fx_query(struct fx *f, int i, double t, double hold_s)
{
	struct client *c = &f->cl[i];
	c->fx = f;
	c->hold_s = hold_s;
	sim_schedule_at(f->sim, t, PRIO_ARRIVAL, ev_query, c, 0);
}

static void fx_free(struct fx *f)
{
	pgbouncer_destroy(f->b);
	gsl_rng_free(f->rng);
	sim_destroy(f->sim);
}

#define EXPECT_LINKED(f, i, t)                                                                \
	do {                                                                                  \
		assert_int_equal((f)->cl[i].outcome, LINKED);                                 \
		assert_near((f)->cl[i].t_done, (t));                                          \
	} while (0)
#define EXPECT_ERROR(f, i, t, e)                                                              \
	do {                                                                                  \
		assert_int_equal((f)->cl[i].outcome, FAILED);                                 \
		assert_int_equal((f)->cl[i].error, (e));                                      \
		assert_near((f)->cl[i].t_done, (t));                                          \
	} while (0)

static void ev_nothing(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)obj;
	(void)arg;
}

/* Transaction pooling with default_pool_size 2, server connect 0.125 s. A and B query at 0,
 * hold 1 s; C queries at 0.5, holds 1 s.
 * - 0: A finds no idle server and waits (rule 1); a loop pass launches a connect (rule 4:
 *   0 < pool_size). B waits behind A; no second launch: one connect in flight (§3.4).
 * - 0.125: the server is ready and goes to the oldest waiter, A (rule 3); the loop pass
 *   launches the second connect (1 < 2, B waiting).
 * - 0.25: B linked (waited 0.25: the ramp-up costs one connect time per server).
 * - 0.5: C finds both servers active and 2 = pool_size: waits, nothing launched.
 * - 1.125: A releases; the server goes at once to C (rule 3): C linked, waited 0.625.
 * - 1.25: B releases, no waiter: the server is idle. 2.125: C releases: 2 idle.
 * Server connections to PostgreSQL: 2 (rule 7), whatever the number of clients. */
static void test_transaction_pooling_hand_off(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.cfg.default_pool_size = 2;
	fx_start(&f);
	fx_query(&f, 0, 0, 1);
	fx_query(&f, 1, 0, 1);
	fx_query(&f, 2, 0.5, 1);
	sim_schedule_at(f.sim, 0.75, SIM_PRIO_MAX, ev_nothing, NULL, 0); /* the clock at 0.75 */
	sim_run(f.sim, 0.75);
	struct pgbouncer_status s;
	pgbouncer_status(f.b, 0, &s);
	assert_int_equal(s.cl_waiting, 1);
	assert_int_equal(s.sv_active, 2);
	assert_int_equal(s.sv_idle, 0);
	assert_near(s.maxwait_s, 0.25); /* C, waiting since 0.5 */
	sim_run(f.sim, INFINITY);
	EXPECT_LINKED(&f, 0, 0.125);
	EXPECT_LINKED(&f, 1, 0.25);
	EXPECT_LINKED(&f, 2, 1.125);
	pgbouncer_status(f.b, 0, &s);
	assert_int_equal(s.cl_waiting, 0);
	assert_int_equal(s.sv_active, 0);
	assert_int_equal(s.sv_idle, 2);
	assert_int_equal(f.db.open, 2);
	const struct pgbouncer_stats *st = pgbouncer_stats(f.b, 0);
	assert_int_equal(st->queries, 3);
	assert_int_equal(st->waited, 3);
	assert_int_equal(st->server_connects, 2);
	assert_near(tally_mean(&st->wait), (0.125 + 0.25 + 0.625) / 3);
	assert_near(st->maxwait_max, 0.625);
	fx_free(&f);
}

/* query_wait_timeout 1 s, one server (connect 0), A holds it for 10 s from 0; B queries at 0.
 * The janitor passes at 1/3, 2/3, 1, 4/3 (§3.5, every 1/3 s); at 1 B's age is exactly 1.0,
 * not more than the timeout (pool_client_maint compares age > query_wait_timeout), so B is
 * disconnected at 4/3 with "query_wait_timeout" (rule 6). C, queried at 1.5, finds A's server
 * still active and is dropped at the first pass with age > 1: passes 5/3, 2, 7/3 (age 0.833),
 * 8/3 (age 1.167), so at 8/3, not at 2.5 = 1.5 + 1. */
static void test_query_wait_timeout_on_janitor_passes(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.cfg.default_pool_size = 1;
	f.cfg.query_wait_timeout_s = 1;
	dist_constant(&f.dbcfg.connect_time, 0);
	fx_start(&f);
	fx_query(&f, 0, 0, 10);
	fx_query(&f, 1, 0, 1);
	fx_query(&f, 2, 1.5, 1);
	sim_run(f.sim, INFINITY);
	EXPECT_LINKED(&f, 0, 0);
	EXPECT_ERROR(&f, 1, 4.0 / 3, PGBOUNCER_QUERY_WAIT_TIMEOUT);
	EXPECT_ERROR(&f, 2, 8.0 / 3, PGBOUNCER_QUERY_WAIT_TIMEOUT);
	assert_int_equal(pgbouncer_stats(f.b, 0)->query_wait_timeouts, 2);
	char msg[160];
	pgbouncer_error_message(PGBOUNCER_QUERY_WAIT_TIMEOUT, &f.dbcfg, msg, sizeof msg);
	assert_string_equal(msg, "query_wait_timeout");
	fx_free(&f);
}

/* reserve_pool_size 1, reserve_pool_timeout 0.5 s, default_pool_size 1, connect 0. A takes
 * the one server at 0 for 10 s; B queries at 0.1 and waits (rule 4: 1 = pool_size). The
 * reserve opens once the oldest waiter has waited 0.5 s, looked at on janitor passes: at 1/3
 * B has waited 0.233, at 2/3 0.567 >= 0.5: a reserve connect is launched ("taking connection
 * from reserve_pool") and B is linked at 2/3. D queries at 1 and waits: 2 = pool_size +
 * reserve, nothing more opens; B's release at 2/3 + 1 hands D the server (rule 3). */
static void test_reserve_pool_after_timeout(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.cfg.default_pool_size = 1;
	f.cfg.reserve_pool_size = 1;
	f.cfg.reserve_pool_timeout_s = 0.5;
	dist_constant(&f.dbcfg.connect_time, 0);
	fx_start(&f);
	fx_query(&f, 0, 0, 10);
	fx_query(&f, 1, 0.1, 1);
	fx_query(&f, 2, 1, 1);
	sim_run(f.sim, INFINITY);
	EXPECT_LINKED(&f, 0, 0);
	EXPECT_LINKED(&f, 1, 2.0 / 3);
	EXPECT_LINKED(&f, 2, 2.0 / 3 + 1);
	assert_int_equal(pgbouncer_stats(f.b, 0)->server_connects, 2);
	assert_int_equal(pgbouncer_stats(f.b, 0)->reserve_connects, 1);
	assert_int_equal(pgbouncer_servers(f.b, 0), 2);
	fx_free(&f);
}

/* max_db_connections 1 caps the pool below default_pool_size 3 (rule 4, the database cap):
 * A linked at 0.125 (connect), B (at 0.25) waits until A releases at 1.125, and only one
 * server connection is ever opened. */
static void test_max_db_connections_caps_servers(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.cfg.default_pool_size = 3;
	f.cfg.max_db_connections = 1;
	fx_start(&f);
	fx_query(&f, 0, 0, 1);
	fx_query(&f, 1, 0.25, 1);
	sim_run(f.sim, INFINITY);
	EXPECT_LINKED(&f, 0, 0.125);
	EXPECT_LINKED(&f, 1, 1.125);
	assert_int_equal(pgbouncer_stats(f.b, 0)->server_connects, 1);
	assert_int_equal(f.db.open, 1);
	fx_free(&f);
}

/* A connection to the database obj closes (its slot is free). */
static void ev_free_slot(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	database_disconnect(obj, sim_now(sim));
}

/* PostgreSQL full (max_connections 1, its slot taken by someone else until 1 s). A queries at
 * 0: PgBouncer launches a connect, PostgreSQL refuses it (§5.5 rule 1), so logins are failing
 * (rule 5) and A stays queued (query_wait_timeout 0: forever). B queries at 0.1: the pool has
 * no server at all and logins fail, so B is refused at once with the cached error
 * (check_fast_fail, §3.4). No new connect before server_login_retry (15 s) after the failure:
 * the janitor pass at 15 (45/3) launches it, it is ready at 15.125 and A gets it. */
static void test_login_failing_cached_error_and_retry(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.dbcfg.max_connections = 1;
	f.cfg.default_pool_size = 2;
	f.cfg.query_wait_timeout_s = 0;
	fx_start(&f);
	assert_true(database_connect(&f.db, 0)); /* someone else holds the only slot */
	sim_schedule_at(f.sim, 1, PRIO_COMPLETION, ev_free_slot, &f.db, 0);
	fx_query(&f, 0, 0, 1);
	fx_query(&f, 1, 0.1, 1);
	sim_run(f.sim, INFINITY);
	EXPECT_LINKED(&f, 0, 15.125);
	EXPECT_ERROR(&f, 1, 0.1, PGBOUNCER_LOGIN_FAILING);
	const struct pgbouncer_stats *st = pgbouncer_stats(f.b, 0);
	assert_int_equal(st->server_connects, 2);
	assert_int_equal(st->server_refused, 1);
	assert_int_equal(st->login_failing, 1);
	assert_int_equal(f.db.refused, 1);
	char msg[200];
	pgbouncer_error_message(PGBOUNCER_LOGIN_FAILING, &f.dbcfg, msg, sizeof msg);
	assert_string_equal(msg, "server login has been failing, cached error: sorry, too many "
				 "clients already (server_login_retry)");
	f.dbcfg.superuser_reserved_connections = 3;
	pgbouncer_error_message(PGBOUNCER_LOGIN_FAILING, &f.dbcfg, msg, sizeof msg);
	assert_string_equal(msg, "server login has been failing, cached error: remaining "
				 "connection slots are reserved for roles with the SUPERUSER "
				 "attribute (server_login_retry)");
	fx_free(&f);
}

/* Statement mode (§3.2): the transaction's BEGIN gets a server (connect 0, linked at 0), runs
 * one round trip (0.25 s), and the server answers "in transaction": PgBouncer closes the
 * server and the client gets the error at 0.25; the server slot on PostgreSQL is given back. */
static void test_statement_mode_refuses_transaction_blocks(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.cfg.pool_mode = CFG_POOL_MODE_STATEMENT;
	f.dbcfg.rtt_s = 0.25;
	dist_constant(&f.dbcfg.connect_time, 0);
	fx_start(&f);
	fx_query(&f, 0, 0, 1);
	sim_run(f.sim, INFINITY);
	EXPECT_ERROR(&f, 0, 0.25, PGBOUNCER_STATEMENT_MODE);
	assert_int_equal(pgbouncer_servers(f.b, 0), 0);
	assert_int_equal(f.db.open, 0);
	assert_int_equal(pgbouncer_stats(f.b, 0)->statement_mode, 1);
	char msg[120];
	pgbouncer_error_message(PGBOUNCER_STATEMENT_MODE, &f.dbcfg, msg, sizeof msg);
	assert_string_equal(msg, "transaction blocks not allowed in statement pooling mode");
	fx_free(&f);
}

/* min_pool_size 2: nothing opens while no client is connected; a client connects at 0.5
 * (PgBouncer's client side, a "database" slot), and the janitor launches one connection per
 * pass (§3.4, one in flight): at 2/3 (ready 2/3 + 0.125) and at 1 (ready 1.125). Then the pool
 * has 2 idle servers and stops growing. max_client_conn 2: a third client connect is refused
 * with PgBouncer's text. */
static void ev_client_connect(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	assert_true(database_connect(obj, sim_now(sim)));
}

static void test_min_pool_size_and_max_client_conn(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.cfg.min_pool_size = 2;
	f.cfg.default_pool_size = 5;
	f.cfg.max_client_conn = 2;
	fx_start(&f);
	struct database *clients = pgbouncer_clients(f.b, 0);
	sim_schedule_at(f.sim, 0.5, PRIO_ARRIVAL, ev_client_connect, clients, 0);
	sim_run(f.sim, 0.75);
	assert_int_equal(pgbouncer_servers(f.b, 0), 1); /* launched at 2/3, still logging in */
	sim_run(f.sim, 5);
	struct pgbouncer_status s;
	pgbouncer_status(f.b, 0, &s);
	assert_int_equal(s.sv_idle, 2);
	assert_int_equal(s.cl_active, 1);
	assert_int_equal(pgbouncer_stats(f.b, 0)->server_connects, 2);
	assert_int_equal(sim_pending(f.sim), 0); /* the janitor stopped */
	assert_true(database_connect(clients, 5));
	assert_false(database_connect(clients, 5));
	assert_int_equal(clients->refused, 1);
	assert_string_equal(pgbouncer_client_refusal_message(),
			    "no more connections allowed (max_client_conn)");
	fx_free(&f);
}

static void ev_drain(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	pgbouncer_drain(obj);
}

/* min_pool_size 2 and no client ever connects: the janitor passes every 1/3 s waiting for one
 * (at 1/3 and 2/3, nothing launched); the horizon (pgbouncer_drain at 1, a completion, so
 * before the pass due at 1) cancels the next pass and the engine runs dry. */
static void test_drain_stops_the_janitor(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.cfg.min_pool_size = 2;
	fx_start(&f);
	sim_schedule_at(f.sim, 1, PRIO_COMPLETION, ev_drain, f.b, 0);
	sim_run(f.sim, INFINITY);
	assert_near(sim_now(f.sim), 1);
	assert_int_equal(sim_events_run(f.sim), 3); /* passes at 1/3, 2/3 and the drain */
	assert_int_equal(pgbouncer_servers(f.b, 0), 0);
	fx_free(&f);
}

/* ------------------------------------------------------------------------------------------ */
/* One PgBouncer in front of two servers: one [databases] entry, so one pool, per server       */

/* Two servers behind one PgBouncer: database 0 in front of f->db (the primary), database 1 in
 * front of *replica (its own connect time), each with its own server connect stream. */
static void fx_start2(struct fx *f, struct database *replica, gsl_rng **rng2)
{
	f->sim = sim_create();
	assert_non_null(f->sim);
	database_init(&f->db, &f->dbcfg, 0);
	f->rng = rng_stream_create(1, 0, 1);
	*rng2 = rng_stream_create(1, 0, 2);
	assert_non_null(f->rng);
	assert_non_null(*rng2);
	struct database *servers[] = {&f->db, replica};
	gsl_rng *rngs[] = {f->rng, *rng2};
	f->b = pgbouncer_create(&f->cfg, f->sim, 2, servers, rngs);
	assert_non_null(f->b);
	assert_int_equal(pgbouncer_databases(f->b), 2);
}

/* Transaction pooling, default_pool_size 2 but max_db_connections 1 (per database, as
 * PgBouncer's [databases] entries each have their own), max_client_conn 4 (the whole process).
 * Primary: server connect 0.125 s; replica: 0.25 s.
 * Client connections at 0: two to the primary's database, two to the replica's (4 = the
 * process's max_client_conn); a fifth, to the replica's, is refused although that database
 * has only two: max_client_conn counts every database (the refusal counts on the replica's
 * client side and on the process's, not on the primary's). At 1.5 a primary client
 * disconnects and the same connect to the replica's database succeeds.
 * Queries: A on the primary at 0 (holds 1 s), C on the replica at 0 (holds 0.5 s), B on the
 * primary at 0.5 (holds 1), D on the replica at 0.5 (holds 0.25).
 * - 0: A finds no server and waits; the primary's pool launches a connect (rule 4, 0 < 1).
 *   C, on the other database, launches its own at once: "one connect in flight" is per pool
 *   (§3.4); a shared limit would hold C's back until 0.125.
 * - 0.125: A linked (waited 0.125). 0.25: C linked (waited 0.25, the replica's connect).
 * - 0.5: B waits (the primary's one server is A's; max_db_connections 1 forbids a second
 *   although default_pool_size is 2); D waits likewise on the replica.
 *   At 0.6: each database has cl_waiting 1, sv_active 1, maxwait 0.1, cl_active 2 - 1 = 1.
 * - 0.75: C releases: the replica's server goes to D (rule 3), not to B, who waits on
 *   another database. At 0.9: primary cl_waiting 1, maxwait 0.4; replica cl_waiting 0.
 * - 1.0: D releases: the replica's server idle. 1.125: A releases: B linked (waited 0.625).
 * Each server sees exactly one connection (rule 7, per database). Waits: primary 0.125 and
 * 0.625 (mean 0.375, maxwait 0.625); replica 0.25 and 0.25 (maxwait 0.25). */
static void test_two_databases_pools_independent_max_client_conn_shared(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.cfg.default_pool_size = 2;
	f.cfg.max_db_connections = 1;
	f.cfg.max_client_conn = 4;
	struct cfg_database rcfg = f.dbcfg;
	dist_constant(&rcfg.connect_time, 0.25);
	struct database replica;
	database_init(&replica, &rcfg, 0);
	gsl_rng *rng2;
	fx_start2(&f, &replica, &rng2);
	struct database *cp = pgbouncer_clients(f.b, 0), *cr = pgbouncer_clients(f.b, 1);
	for (int k = 0; k < 2; k++) {
		assert_true(database_connect(cp, 0));
		assert_true(database_connect(cr, 0));
	}
	assert_false(database_connect(cr, 0)); /* the fifth client connection */
	assert_int_equal(cr->refused, 1);
	assert_int_equal(cp->refused, 0);
	assert_int_equal(pgbouncer_all_clients(f.b)->refused, 1);
	assert_int_equal(pgbouncer_all_clients(f.b)->open, 4);
	for (int i = 0; i < 4; i++)
		f.cl[i].link.server = i % 2 ? &replica : &f.db;
	fx_query(&f, 0, 0, 1);    /* A, primary */
	fx_query(&f, 1, 0, 0.5);  /* C, replica */
	fx_query(&f, 2, 0.5, 1);  /* B, primary */
	fx_query(&f, 3, 0.5, 0.25); /* D, replica */
	sim_schedule_at(f.sim, 0.6, SIM_PRIO_MAX, ev_nothing, NULL, 0);
	sim_run(f.sim, 0.6);
	struct pgbouncer_status sp, sr;
	pgbouncer_status(f.b, 0, &sp);
	pgbouncer_status(f.b, 1, &sr);
	assert_int_equal(sp.cl_waiting, 1);
	assert_int_equal(sp.sv_active, 1);
	assert_int_equal(sp.cl_active, 1);
	assert_near(sp.maxwait_s, 0.1);
	assert_int_equal(sr.cl_waiting, 1);
	assert_int_equal(sr.sv_active, 1);
	assert_int_equal(sr.cl_active, 1);
	assert_near(sr.maxwait_s, 0.1);
	sim_schedule_at(f.sim, 0.9, SIM_PRIO_MAX, ev_nothing, NULL, 0);
	sim_run(f.sim, 0.9);
	pgbouncer_status(f.b, 0, &sp);
	pgbouncer_status(f.b, 1, &sr);
	assert_int_equal(sp.cl_waiting, 1);
	assert_near(sp.maxwait_s, 0.4);
	assert_int_equal(sr.cl_waiting, 0);
	assert_int_equal(sr.sv_active, 1); /* D's */
	sim_schedule_at(f.sim, 1.5, PRIO_COMPLETION, ev_free_slot, cp, 0); /* a client leaves */
	sim_run(f.sim, INFINITY);
	EXPECT_LINKED(&f, 0, 0.125);
	EXPECT_LINKED(&f, 1, 0.25);
	EXPECT_LINKED(&f, 2, 1.125);
	EXPECT_LINKED(&f, 3, 0.75);
	assert_true(database_connect(cr, sim_now(f.sim))); /* a slot of max_client_conn is free */
	assert_int_equal(cr->open, 3);
	assert_int_equal(pgbouncer_all_clients(f.b)->open, 4);
	assert_int_equal(f.db.open, 1);
	assert_int_equal(replica.open, 1);
	assert_int_equal(pgbouncer_servers(f.b, 0), 1);
	assert_int_equal(pgbouncer_servers(f.b, 1), 1);
	const struct pgbouncer_stats *p0 = pgbouncer_stats(f.b, 0), *p1 = pgbouncer_stats(f.b, 1);
	assert_int_equal(p0->queries, 2);
	assert_int_equal(p1->queries, 2);
	assert_int_equal(p0->server_connects, 1);
	assert_int_equal(p1->server_connects, 1);
	assert_near(tally_mean(&p0->wait), (0.125 + 0.625) / 2);
	assert_near(tally_mean(&p1->wait), 0.25);
	assert_near(p0->maxwait_max, 0.625);
	assert_near(p1->maxwait_max, 0.25);
	pgbouncer_status(f.b, 1, &sr);
	assert_int_equal(sr.sv_idle, 1);
	fx_free(&f);
	gsl_rng_free(rng2);
}

/* The janitor's query_wait_timeout and min_pool_size are per database too: query_wait_timeout
 * 1 s, default_pool_size 1, connects 0. The primary's database: A takes its server at 0 for
 * 10 s, B queries at 0 and waits (dropped at 4/3, as in
 * test_query_wait_timeout_on_janitor_passes). The replica's database: C queries at 0.5, finds
 * no server, one is launched at once (its pool has none: the primary's busy server is not
 * its), linked at 0.5, wait 0. Only the primary's database counts a timeout. */
static void test_two_databases_query_wait_timeout_per_database(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.cfg.default_pool_size = 1;
	f.cfg.query_wait_timeout_s = 1;
	dist_constant(&f.dbcfg.connect_time, 0);
	struct cfg_database rcfg = f.dbcfg;
	struct database replica;
	database_init(&replica, &rcfg, 0);
	gsl_rng *rng2;
	fx_start2(&f, &replica, &rng2);
	f.cl[2].link.server = &replica;
	fx_query(&f, 0, 0, 10);
	fx_query(&f, 1, 0, 1);
	fx_query(&f, 2, 0.5, 1);
	sim_run(f.sim, INFINITY);
	EXPECT_LINKED(&f, 0, 0);
	EXPECT_ERROR(&f, 1, 4.0 / 3, PGBOUNCER_QUERY_WAIT_TIMEOUT);
	EXPECT_LINKED(&f, 2, 0.5);
	assert_int_equal(pgbouncer_stats(f.b, 0)->query_wait_timeouts, 1);
	assert_int_equal(pgbouncer_stats(f.b, 1)->query_wait_timeouts, 0);
	assert_int_equal(pgbouncer_stats(f.b, 1)->waited, 0);
	fx_free(&f);
	gsl_rng_free(rng2);
}

/* ------------------------------------------------------------------------------------------ */
/* Session pooling (§3.2, rule 3): a server stays linked to a client connection                */

/* The application's connection records to PgBouncer, standing for an application pool's. */
static struct pool_conn sess_conn[2];

/* Client i's query arrives on client connection k (the application pool's record). */
static void fx_query_on(struct fx *f, int i, double t, double hold_s, int k)
{
	f->cl[i].link.conn = &sess_conn[k];
	fx_query(f, i, t, hold_s);
}

/* The application closes client connection k: what pool_conn_disconnect does (models/pool.c)
 * for a pool over PgBouncer's client side. */
static void ev_close_conn(struct sim *sim, void *obj, uint64_t arg)
{
	struct database *clients = obj;
	struct pool_conn *conn = &sess_conn[arg];
	conn->alive = false;
	database_disconnect(clients, sim_now(sim));
	clients->on_client_close(clients, conn);
}

static void sess_start(struct fx *f)
{
	fx_start(f);
	memset(sess_conn, 0, sizeof sess_conn);
	struct database *clients = pgbouncer_clients(f->b, 0);
	for (int k = 0; k < 2; k++) {
		sess_conn[k].alive = true;
		assert_true(database_connect(clients, 0));
	}
}

/* server_idle_timeout 10 s (check_unused_servers), default_pool_size 2, connect 0.125 s.
 * - A queries at 0 and holds 1 s, B at 0 and holds 2 s: S1 ready and A linked at 0.125, S2
 *   launched then, B linked at 0.25. A releases at 1.125: S1 idle since 1.125; B at 2.25: S2
 *   idle since 2.25, on top.
 * - C queries at 5 and takes the most recently released server, S2 (LIFO); it releases at 6:
 *   S2 idle since 6, S1 still since 1.125.
 * - The janitor closes a server idle strictly longer than 10 s on its passes at k/3 s: S1 at
 *   the first pass after 11.125, 34/3 = 11.333; S2 at the first after 16, 49/3 = 16.333.
 *   Had C taken S1 (FIFO), S2 (idle since 2.25) would have closed first, at 37/3 = 12.333:
 *   two servers would still be open at 11.34.
 * With min_pool_size 1 the second close would take the pool below it: S2 stays, for ever
 * (until the run drains). */
static void test_server_idle_timeout_closes_lifo_idle(void **state)
{
	(void)state;
	for (int min = 0; min <= 1; min++) {
		struct fx f;
		fx_init(&f);
		f.cfg.default_pool_size = 2;
		f.cfg.min_pool_size = min;
		f.cfg.server_idle_timeout_s = 10;
		fx_start(&f);
		fx_query(&f, 0, 0, 1);
		fx_query(&f, 1, 0, 2);
		fx_query(&f, 2, 5, 1);
		assert_int_equal(open_at(&f, 11.33), 2);
		assert_int_equal(open_at(&f, 11.34), 1);
		assert_int_equal(pgbouncer_stats(f.b, 0)->idle_closes, 1);
		assert_int_equal(open_at(&f, 16.33), 1);
		assert_int_equal(open_at(&f, 16.34), min);
		assert_int_equal(open_at(&f, 100), min);
		EXPECT_LINKED(&f, 2, 5);
		const struct pgbouncer_stats *st = pgbouncer_stats(f.b, 0);
		assert_int_equal(st->idle_closes, 2 - min);
		assert_int_equal(st->server_connects, 2);
		assert_int_equal(pgbouncer_servers(f.b, 0), min);
		/* draining stops the polling a kept server would cause */
		pgbouncer_drain(f.b);
		sim_run(f.sim, INFINITY);
		assert_int_equal(sim_pending(f.sim), 0);
		fx_free(&f);
	}
}

/* server_lifetime 10 s, default_pool_size 2 (life_over spaces lifetime closes by 10 / 2 =
 * 5 s), connect 0.125 s; no idle timeout.
 * - A and B query at 0, hold 11 s: S1 launched at 0, A linked at 0.125; S2 launched at 0.125,
 *   B linked at 0.25.
 * - A releases at 11.125: S1 is 11.125 s old, no lifetime close yet: closed at release
 *   (release_server, "server lifetime over").
 * - B releases at 11.25: S2 is 11.125 s old, but the last lifetime close was 0.125 s ago
 *   (< 5 s): it goes idle. The janitor closes it on the first pass at least 5 s after 11.125,
 *   49/3 = 16.333 (16.125 is not a pass).
 * - C queries at 12 and takes S2 (idle since 11.25); at its release at 13 S2 is over its
 *   lifetime but the last lifetime close was 1.875 s ago (< 5 s): idle again, and the pass
 *   at 49/3 closes it.
 * A waiter when a server's life is over: the second part. */
static void test_server_lifetime_at_release_and_spaced(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.cfg.default_pool_size = 2;
	f.cfg.server_lifetime_s = 10;
	fx_start(&f);
	fx_query(&f, 0, 0, 11);
	fx_query(&f, 1, 0, 11);
	fx_query(&f, 2, 12, 1);
	assert_int_equal(open_at(&f, 11.2), 1);
	assert_int_equal(pgbouncer_stats(f.b, 0)->lifetime_closes, 1);
	assert_int_equal(open_at(&f, 16.33), 1);
	EXPECT_LINKED(&f, 2, 12);
	assert_int_equal(open_at(&f, 16.34), 0);
	sim_run(f.sim, INFINITY);
	const struct pgbouncer_stats *st = pgbouncer_stats(f.b, 0);
	assert_int_equal(st->lifetime_closes, 2);
	assert_int_equal(st->server_connects, 2);
	fx_free(&f);

	/* default_pool_size 1, lifetime 10 s: A holds S1 from 0.125 to 11.125; B queries at 5 and
	 * waits. At A's release S1 is over its lifetime: closed, and the loop pass launches S2 for
	 * B (rule 4), ready 0.125 s later: B linked at 11.25, waited 6.25. */
	fx_init(&f);
	f.cfg.default_pool_size = 1;
	f.cfg.server_lifetime_s = 10;
	fx_start(&f);
	fx_query(&f, 0, 0, 11);
	fx_query(&f, 1, 5, 1);
	sim_run(f.sim, 20);
	EXPECT_LINKED(&f, 0, 0.125);
	EXPECT_LINKED(&f, 1, 11.25);
	st = pgbouncer_stats(f.b, 0);
	assert_int_equal(st->lifetime_closes, 1);
	assert_int_equal(st->server_connects, 2);
	assert_int_equal(f.db.open, 1);
	pgbouncer_drain(f.b);
	sim_run(f.sim, INFINITY);
	fx_free(&f);

	/* server_lifetime 0 (doc/config.md: "used only once, then closed"): A at 0 on S1 (linked
	 * 0.125, released 1.125: closed), B at 2 launches S2 (linked 2.125, released 3.125:
	 * closed). Two connects, two lifetime closes, nothing open. */
	fx_init(&f);
	f.cfg.default_pool_size = 1;
	f.cfg.server_lifetime_s = 0;
	fx_start(&f);
	fx_query(&f, 0, 0, 1);
	fx_query(&f, 1, 2, 1);
	assert_int_equal(open_at(&f, 1.2), 0);
	sim_run(f.sim, INFINITY);
	EXPECT_LINKED(&f, 1, 2.125);
	st = pgbouncer_stats(f.b, 0);
	assert_int_equal(st->lifetime_closes, 2);
	assert_int_equal(st->server_connects, 2);
	assert_int_equal(f.db.open, 0);
	fx_free(&f);
}

/* Session mode: the server's launch time travels with the client connection it is linked to
 * and comes back with it at the close. default_pool_size 1, lifetime 10 s, connect 0.125 s, a
 * round trip 0.25 s (DISCARD ALL). A on X at 0, linked at 0.125 (S1 born at 0), transaction to
 * 1.125; X closes at 12: the reset runs to 12.25, then release_server finds S1 12.25 s old:
 * closed, no server left; B on Y at 13 launches S2, linked at 13.125. */
static void test_server_lifetime_session_mode(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.cfg.pool_mode = CFG_POOL_MODE_SESSION;
	f.cfg.default_pool_size = 1;
	f.cfg.server_lifetime_s = 10;
	f.dbcfg.rtt_s = 0.25;
	sess_start(&f);
	fx_query_on(&f, 0, 0, 1, 0);
	fx_query_on(&f, 1, 13, 1, 1);
	sim_schedule_at(f.sim, 12, PRIO_COMPLETION, ev_close_conn, pgbouncer_clients(f.b, 0), 0);
	assert_int_equal(open_at(&f, 12.2), 1);
	assert_int_equal(open_at(&f, 12.3), 0);
	sim_run(f.sim, 20);
	EXPECT_LINKED(&f, 1, 13.125);
	const struct pgbouncer_stats *st = pgbouncer_stats(f.b, 0);
	assert_int_equal(st->lifetime_closes, 1);
	assert_int_equal(st->server_connects, 2);
	pgbouncer_drain(f.b);
	sim_run(f.sim, INFINITY);
	fx_free(&f);
}

/* Session pooling, default_pool_size 1, server connect 0.125 s, one round trip 0.25 s (the
 * reset query's). Client connections X and Y.
 * - 0: A's query on X finds no server: waits, a connect is launched (rules 1, 4); ready at
 *   0.125, A linked (rule 3 hand-off), and the server is X's from now on.
 * - 0.5: B's query on Y: no idle server, 1 = pool_size, nothing launched: B waits.
 * - 1.125: A's transaction ends; in session mode the server stays linked to X (§3.2), so B
 *   keeps waiting although no transaction runs.
 * - 2: A2's query on X: X has its server, linked at once, wait 0; ends at 3.
 * - 4: the application closes X: the server runs server_reset_query (DISCARD ALL, one round
 *   trip: sv_tested) and at 4.25 goes to the oldest waiter, B (release_server: SV_TESTED,
 *   then SV_IDLE and reuse_on_release). B waited 4.25 - 0.5 = 3.75.
 * Queries 3, of which 2 waited (A 0.125, B 3.75); one server connection ever; two links of a
 * server to a client connection; one reset. */
static void test_session_pooling_server_follows_the_client_connection(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.cfg.pool_mode = CFG_POOL_MODE_SESSION;
	f.cfg.default_pool_size = 1;
	f.dbcfg.rtt_s = 0.25;
	sess_start(&f);
	fx_query_on(&f, 0, 0, 1, 0);
	fx_query_on(&f, 1, 0.5, 1, 1);
	fx_query_on(&f, 2, 2, 1, 0);
	sim_schedule_at(f.sim, 4, PRIO_COMPLETION, ev_close_conn, pgbouncer_clients(f.b, 0), 0);
	struct pgbouncer_status s;
	sim_schedule_at(f.sim, 1.5, SIM_PRIO_MAX, ev_nothing, NULL, 0);
	sim_run(f.sim, 1.5);
	pgbouncer_status(f.b, 0, &s);
	assert_int_equal(s.sv_active, 1); /* linked to X, whose transaction is over */
	assert_int_equal(s.sv_idle, 0);
	assert_int_equal(s.cl_waiting, 1);
	assert_near(s.maxwait_s, 1);
	sim_schedule_at(f.sim, 4.125, SIM_PRIO_MAX, ev_nothing, NULL, 0);
	sim_run(f.sim, 4.125);
	pgbouncer_status(f.b, 0, &s);
	assert_int_equal(s.sv_tested, 1); /* DISCARD ALL running */
	assert_int_equal(s.sv_active, 0);
	assert_int_equal(s.cl_waiting, 1);
	assert_int_equal(s.cl_active, 0); /* X closed, Y waiting */
	assert_false(sess_conn[0].server_linked);
	sim_run(f.sim, INFINITY);
	EXPECT_LINKED(&f, 0, 0.125);
	EXPECT_LINKED(&f, 1, 4.25);
	EXPECT_LINKED(&f, 2, 2);
	assert_true(sess_conn[1].server_linked);
	pgbouncer_status(f.b, 0, &s);
	assert_int_equal(s.sv_active, 1); /* Y keeps it after its transaction */
	assert_int_equal(s.sv_tested, 0);
	const struct pgbouncer_stats *st = pgbouncer_stats(f.b, 0);
	assert_int_equal(st->queries, 3);
	assert_int_equal(st->waited, 2);
	assert_int_equal(st->server_connects, 1);
	assert_int_equal(st->session_links, 2);
	assert_int_equal(st->server_resets, 1);
	assert_near(tally_mean(&st->wait), (0.125 + 3.75 + 0) / 3);
	assert_near(st->maxwait_max, 3.75);
	assert_int_equal(f.db.open, 1);
	fx_free(&f);
}

/* Session pooling with server_reset_query "" (none): the closed client connection's server is
 * free at the close's instant. Also the waiting client's query_wait_timeout (1 s) counts from
 * its query as in transaction mode: default_pool_size 1, connect 0; A (on X) linked at 0 and
 * its transaction ends at 0.25, but X keeps the server; B (on Y) queries at 0.5 and is
 * dropped at the first janitor pass with age > 1: 1.5 (age 1.0) is not, 5/3 is. X closes at
 * 2; nobody waits: the server is idle at 2. */
static void test_session_pooling_query_wait_timeout_and_no_reset(void **state)
{
	(void)state;
	struct fx f;
	fx_init(&f);
	f.cfg.pool_mode = CFG_POOL_MODE_SESSION;
	f.cfg.default_pool_size = 1;
	f.cfg.query_wait_timeout_s = 1;
	f.cfg.server_reset_query[0] = '\0';
	f.dbcfg.rtt_s = 0.25;
	dist_constant(&f.dbcfg.connect_time, 0);
	sess_start(&f);
	fx_query_on(&f, 0, 0, 0.25, 0);
	fx_query_on(&f, 1, 0.5, 1, 1);
	sim_schedule_at(f.sim, 2, PRIO_COMPLETION, ev_close_conn, pgbouncer_clients(f.b, 0), 0);
	sim_schedule_at(f.sim, 2, SIM_PRIO_MAX, ev_nothing, NULL, 0);
	sim_run(f.sim, 2);
	EXPECT_LINKED(&f, 0, 0);
	EXPECT_ERROR(&f, 1, 5.0 / 3, PGBOUNCER_QUERY_WAIT_TIMEOUT);
	assert_false(sess_conn[1].server_linked);
	struct pgbouncer_status s;
	pgbouncer_status(f.b, 0, &s);
	assert_int_equal(s.sv_idle, 1);
	assert_int_equal(s.sv_active, 0);
	assert_int_equal(s.sv_tested, 0);
	assert_int_equal(pgbouncer_stats(f.b, 0)->server_resets, 0);
	assert_int_equal(pgbouncer_stats(f.b, 0)->query_wait_timeouts, 1);
	fx_free(&f);
}

/* ------------------------------------------------------------------------------------------ */
/* Through model_run: requests over a QueuePool, PgBouncer and PostgreSQL                      */

static double trace_t[3], trace_hold[3];

/* One process, pool main (QueuePool 5 + 0), PgBouncer in transaction mode with one server;
 * client connect 0.0625 s, server connect 0.125 s, no round trip; two requests from a trace
 * (at 0 and 0.1, database time 1 s each, no warm-up). */
static void trace_scenario(struct cfg_scenario *sc)
{
	testutil_one_workload(sc);
	sc->horizon_s = 10;
	sc->replications = 1;
	dist_constant(&sc->db.connect_time, 0.125);
	sc->db.row_locks = false;
	sc->pgbouncer.enabled = true;
	sc->pgbouncer.pool_mode = CFG_POOL_MODE_TRANSACTION;
	sc->pgbouncer.default_pool_size = 1;
	dist_constant(&sc->pgbouncer.client_connect_time, 0.0625);
	struct cfg_workload *w = &sc->workloads[0];
	trace_t[0] = 0;
	trace_t[1] = 0.1;
	trace_hold[0] = trace_hold[1] = 1;
	w->req.arrival.trace_n = 2;
	w->req.arrival.trace_t = trace_t;
	w->req.arrival.trace_hold = trace_hold;
}

/* Request 1 (t = 0): the QueuePool opens a client connection to PgBouncer (0.0625), BEGIN asks
 * for a server: none, PgBouncer launches one (ready 0.1875): wait 0.1875 (the wait runs to the
 * linked server). Its transaction ends at 1.1875. Request 2 (0.1): its own client connection
 * (ready 0.1625), waits for the one server (pool_size 1), gets it at 1.1875 from request 1's
 * COMMIT (rule 3): wait 1.0875 (1.025 of it at PgBouncer: maxwait), done at 2.1875. Both wait
 * at PgBouncer from 0.1625 to 0.1875. Two client connections, one server connection on
 * PostgreSQL (transaction pooling, rule 7). */
static void test_model_transaction_pooling(void **state)
{
	(void)state;
	struct cfg_scenario *sc = malloc(sizeof *sc);
	assert_non_null(sc);
	trace_scenario(sc);
	struct model_result *r = model_result_create(sc);
	assert_non_null(r);
	assert_int_equal(model_run(sc, 0, r, NULL), 0);
	const struct requests_stats *st = &r->workloads[0];
	assert_int_equal(st->offered, 2);
	assert_int_equal(st->served, 2);
	assert_near(tally_mean(&st->wait_served), (0.1875 + 1.0875) / 2);
	assert_near(st->wait_served.max, 1.0875);
	assert_int_equal(r->workloads[0].hold.n, 2); /* both transactions ran their 1 s */
	assert_near(r->workloads[0].hold.max, 1);
	assert_near(r->db_open_max, 1);
	assert_near(r->pools[0].open_max, 2);
	assert_int_equal(r->pgbouncer[0].queries, 2);
	assert_int_equal(r->pgbouncer[0].server_connects, 1);
	assert_near(r->pgbouncer[0].maxwait_max, 1.0875 - 0.0625);
	assert_near(r->pgbouncer[0].sv_active_max, 1);
	assert_near(r->pgbouncer[0].cl_waiting_max, 2); /* both, from 0.1625 to 0.1875 */
	model_result_destroy(r);
	free(sc);
}

static double trace2_t[2], trace2_hold[2];

/* trace_scenario with a read replica r1 (server connect 0.25 s) behind the same PgBouncer:
 * pool "ro" (QueuePool 5 + 0) on r1, and a second workload "reader" (pool main) whose reads
 * all go to "ro" (share 1, one pool: round-robin picks it), from a trace of two read-only
 * requests at 0 and 0.1, database time 1 s each. */
static void trace_scenario_replica(struct cfg_scenario *sc)
{
	trace_scenario(sc);
	sc->n_replicas = 1;
	cfg_replica_defaults(sc, &sc->replicas[0], "r1");
	dist_constant(&sc->replicas[0].db.connect_time, 0.25);
	sc->n_pools = 2;
	sc->pools[1] = sc->pools[0];
	memcpy(sc->pools[1].name, "ro", sizeof "ro");
	sc->pools[1].server = 1;
	sc->n_workloads = 2;
	struct cfg_workload *w = &sc->workloads[1];
	*w = sc->workloads[0];
	memcpy(w->name, "reader", sizeof "reader");
	trace2_t[0] = 0;
	trace2_t[1] = 0.1;
	trace2_hold[0] = trace2_hold[1] = 1;
	w->req.arrival.trace_t = trace2_t;
	w->req.arrival.trace_hold = trace2_hold;
	w->req.reads.n_pools = 1;
	w->req.reads.pools[0] = 1;
	w->req.reads.share = 1;
}

/* PgBouncer in front of the primary and a replica, through model_run. Workload api on the
 * primary's database runs exactly as in test_model_transaction_pooling (waits 0.1875 and
 * 1.0875, maxwait 1.025): the replica's database changes nothing for it. Workload reader's
 * two requests go to pool ro, so to the replica's database: request 1 connects to PgBouncer
 * (0.0625), its BEGIN finds no server in that database's pool, which launches one to r1 (0.25):
 * linked at 0.3125, wait 0.3125; it ends at 1.3125. Request 2's client connection is ready at
 * 0.1625; it waits for the one server (default_pool_size 1 per database) until 1.3125: wait
 * 1.2125, 1.15 of it at PgBouncer (that database's maxwait). Each server sees one connection;
 * PgBouncer's figures per database: 2 queries, 1 server connect each; cl_waiting max 2 each. */
static void test_model_pgbouncer_in_front_of_a_replica(void **state)
{
	(void)state;
	struct cfg_scenario *sc = malloc(sizeof *sc);
	assert_non_null(sc);
	trace_scenario_replica(sc);
	assert_true(cfg_pgbouncer_fronts(sc, 0));
	assert_true(cfg_pgbouncer_fronts(sc, 1));
	struct model_result *r = model_result_create(sc);
	assert_non_null(r);
	assert_int_equal(model_run(sc, 0, r, NULL), 0);
	const struct requests_stats *a = &r->workloads[0], *b = &r->workloads[1];
	assert_int_equal(a->served, 2);
	assert_near(tally_mean(&a->wait_served), (0.1875 + 1.0875) / 2);
	assert_near(a->wait_served.max, 1.0875);
	assert_int_equal(b->served, 2);
	assert_int_equal(b->routed_reads, 2);
	assert_near(tally_mean(&b->wait_served), (0.3125 + 1.2125) / 2);
	assert_near(b->wait_served.max, 1.2125);
	assert_near(r->db_open_max, 1);
	assert_near(r->replicas[0].open_max, 1);
	for (int d = 0; d < 2; d++) {
		assert_int_equal(r->pgbouncer[d].queries, 2);
		assert_int_equal(r->pgbouncer[d].server_connects, 1);
		assert_near(r->pgbouncer[d].cl_waiting_max, 2);
		assert_near(r->pgbouncer[d].sv_active_max, 1);
	}
	assert_near(r->pgbouncer[0].maxwait_max, 1.0875 - 0.0625);
	assert_near(r->pgbouncer[1].maxwait_max, 1.2125 - 0.0625);
	/* the per-database metrics read each database's pool (summary.h, METRIC_PGBOUNCER) */
	const struct metric_def *m = metric_find("maxwait");
	assert_near(m->get(r, 1), 1.15);
	model_result_destroy(r);
	free(sc);
}

/* max_client_conn is the whole process's: 3 client connections for the two databases. At 0
 * api's and reader's first requests each open one (QueuePool keeps them); at 0.1 api's second
 * (api's arrival first: workloads in order at one instant) takes the third, and reader's
 * second is refused by PgBouncer ("no more connections allowed (max_client_conn)") although
 * its database has a single client: counted on the replica's database, and as a PgBouncer
 * refusal of the reader workload. */
static void test_model_max_client_conn_counts_every_database(void **state)
{
	(void)state;
	struct cfg_scenario *sc = malloc(sizeof *sc);
	assert_non_null(sc);
	trace_scenario_replica(sc);
	sc->pgbouncer.max_client_conn = 3;
	struct model_result *r = model_result_create(sc);
	assert_non_null(r);
	assert_int_equal(model_run(sc, 0, r, NULL), 0);
	assert_int_equal(r->workloads[0].served, 2);
	assert_int_equal(r->workloads[1].served, 1);
	assert_int_equal(r->workloads[1].failed[REQ_PGBOUNCER_REFUSED], 1);
	assert_int_equal(r->pgbouncer[0].client_refused, 0);
	assert_int_equal(r->pgbouncer[1].client_refused, 1);
	model_result_destroy(r);
	free(sc);
}

/* Session pooling with query_wait_timeout 0 (wait forever), one server: request 1 (t = 0)
 * links the server to its QueuePool connection, which the pool keeps open after its
 * transaction (1.1875); request 2 (0.1) opens a second client connection and waits for the
 * server at 0.1625, forever: nothing will close request 1's connection. After the horizon the
 * janitor has nothing to do (no timeout to enforce, no reserve), so it stops instead of
 * passing every 1/3 s for ever, the engine runs dry with a client still waiting, and the run
 * fails (PT_ESTUCK) saying so rather than dropping the request. With query_wait_timeout 1 s
 * the same request is disconnected at the first pass after 1.1625 (4/3) and the run ends. */
static void test_model_session_wait_forever_is_an_error(void **state)
{
	(void)state;
	struct cfg_scenario *sc = malloc(sizeof *sc);
	assert_non_null(sc);
	trace_scenario(sc);
	sc->pgbouncer.pool_mode = CFG_POOL_MODE_SESSION;
	sc->pgbouncer.query_wait_timeout_s = 0;
	struct model_result *r = model_result_create(sc);
	assert_non_null(r);
	assert_int_equal(model_run(sc, 0, r, NULL), PT_ESTUCK);
	assert_int_equal(r->stuck_server, 0);
	assert_int_equal(r->stuck_clients, 1);
	char msg[512];
	model_failure_text(sc, r, msg, sizeof msg);
	assert_string_equal(msg, "PgBouncer: 1 client of the primary's database still waited for "
			    "a server when nothing was left to free one, and query_wait_timeout 0 "
			    "waits forever (session pooling: each server stays linked to a client "
			    "connection until the application closes it): their requests would never "
			    "end (set query_wait_timeout, or more servers)");
	sc->pgbouncer.query_wait_timeout_s = 1;
	assert_int_equal(model_run(sc, 0, r, NULL), 0);
	assert_int_equal(r->workloads[0].served, 1);
	assert_int_equal(r->workloads[0].failed[REQ_PGBOUNCER_TIMED_OUT], 1);
	assert_int_equal(r->stuck_server, -1);
	model_result_destroy(r);
	free(sc);
}

struct status_log {
	struct model_sample s[64];
	int n;
};

static void log_status(void *ctx, const struct model_sample *s)
{
	struct status_log *l = ctx;
	if (l->n < 64)
		l->s[l->n++] = *s;
}

/* PgBouncer's status in the timeline's samples (timeline.csv's cl_active ... maxwait_s), on
 * the run of test_model_transaction_pooling sampled every 0.25 s (after every event of the
 * instant). At 0.25: request 1 linked since 0.1875 (sv_active 1), request 2 waiting since
 * 0.1625 (cl_waiting 1, maxwait 0.0875), two client connections of which one waits
 * (cl_active 1), no idle server. At 1.25: request 2 linked at 1.1875 (sv_active 1, nobody
 * waiting, maxwait 0). At 2.25: both done, the server idle (sv_idle 1), the QueuePool keeps
 * both client connections (cl_active 2). */
static void test_model_timeline_samples_pgbouncer_status(void **state)
{
	(void)state;
	struct cfg_scenario *sc = malloc(sizeof *sc);
	struct status_log *l = calloc(1, sizeof *l);
	assert_non_null(sc);
	assert_non_null(l);
	trace_scenario(sc);
	struct model_result *r = model_result_create(sc);
	assert_non_null(r);
	struct model_hooks h = {.sample_step_s = 0.25, .on_sample = log_status, .ctx = l};
	assert_int_equal(model_run(sc, 0, r, &h), 0);
	assert_true(l->n > 9);
	const struct pgbouncer_status *g = &l->s[1].pgbouncer; /* t = 0.25 */
	assert_near(l->s[1].t_s, 0.25);
	assert_int_equal(g->sv_active, 1);
	assert_int_equal(g->cl_waiting, 1);
	assert_int_equal(g->cl_active, 1);
	assert_int_equal(g->sv_idle, 0);
	assert_near(g->maxwait_s, 0.25 - 0.1625);
	g = &l->s[5].pgbouncer; /* 1.25 */
	assert_int_equal(g->sv_active, 1);
	assert_int_equal(g->cl_waiting, 0);
	assert_near(g->maxwait_s, 0);
	g = &l->s[9].pgbouncer; /* 2.25 */
	assert_int_equal(g->sv_active, 0);
	assert_int_equal(g->sv_idle, 1);
	assert_int_equal(g->cl_active, 2);
	model_result_destroy(r);
	free(l);
	free(sc);
}

/* The same with query_wait_timeout 0.5: request 2 waits at PgBouncer from 0.1625; the janitor
 * passes at 1/3, 2/3 (age 0.504 > 0.5): it is disconnected at 2/3 and fails as "timed out at
 * PgBouncer (query_wait_timeout)", its wait 2/3 - 0.1; the QueuePool takes back its dead
 * connection and gives its slot on PgBouncer back. */
static void test_model_query_wait_timeout_fails_request(void **state)
{
	(void)state;
	struct cfg_scenario *sc = malloc(sizeof *sc);
	assert_non_null(sc);
	trace_scenario(sc);
	sc->pgbouncer.query_wait_timeout_s = 0.5;
	struct model_result *r = model_result_create(sc);
	assert_non_null(r);
	assert_int_equal(model_run(sc, 0, r, NULL), 0);
	const struct requests_stats *st = &r->workloads[0];
	assert_int_equal(st->offered, 2);
	assert_int_equal(st->served, 1);
	assert_int_equal(st->failed[REQ_PGBOUNCER_TIMED_OUT], 1);
	assert_int_equal(st->failed[REQ_TIMED_OUT], 0);
	assert_near(st->wait_all.max, 2.0 / 3 - 0.1);
	assert_int_equal(r->pgbouncer[0].query_wait_timeouts, 1);
	assert_int_equal(r->workloads[0].hold.n, 1);
	assert_int_equal(r->pools[0].closes, 0);
	assert_int_equal(r->pgbouncer[0].client_refused, 0);
	model_result_destroy(r);
	free(sc);
}

/* Session pooling behind a QueuePool that keeps its connections (5 + 0), one server,
 * query_wait_timeout 5 s, a third request at 6 (hold 1). Request 1 as in transaction mode:
 * client connection 1 ready at 0.0625, server ready 0.1875, done 1.1875; its connection goes
 * back to the QueuePool (fewer than pool_size idle) and stays open, so the server stays
 * linked to it. Request 2 (0.1): client connection 2 ready 0.1625, waits at PgBouncer; no
 * server ever frees (the application keeps connection 1): the first janitor pass with age
 * > 5 after 0.1625 is 16/3 (5.1667 is not a pass): request 2 fails as pgbouncer_timed_out
 * at 16/3, its wait 16/3 - 0.1, and its dead record goes back to the QueuePool's idle queue
 * behind connection 1. Request 3 (6) takes connection 1 (FIFO: returned first), whose server
 * is linked: no wait at all, done at 7. PgBouncer adds only a cap here (§3.2, rule 7): one
 * server, kept by whichever client connection used it first. */
static void test_model_session_pooling_queuepool_pins_servers(void **state)
{
	(void)state;
	struct cfg_scenario *sc = malloc(sizeof *sc);
	assert_non_null(sc);
	trace_scenario(sc);
	sc->pgbouncer.pool_mode = CFG_POOL_MODE_SESSION;
	sc->pgbouncer.query_wait_timeout_s = 5;
	trace_t[2] = 6;
	trace_hold[2] = 1;
	sc->workloads[0].req.arrival.trace_n = 3;
	struct model_result *r = model_result_create(sc);
	assert_non_null(r);
	assert_int_equal(model_run(sc, 0, r, NULL), 0);
	const struct requests_stats *st = &r->workloads[0];
	assert_int_equal(st->offered, 3);
	assert_int_equal(st->served, 2);
	assert_int_equal(st->failed[REQ_PGBOUNCER_TIMED_OUT], 1);
	assert_near(st->wait_all.max, 16.0 / 3 - 0.1);
	assert_near(st->wait_served.min, 0); /* request 3 */
	assert_int_equal(r->pgbouncer[0].queries, 3);
	assert_int_equal(r->pgbouncer[0].server_connects, 1);
	assert_int_equal(r->pgbouncer[0].query_wait_timeouts, 1);
	assert_near(r->pgbouncer[0].sv_active_max, 1);
	assert_near(r->db_open_max, 1);
	model_result_destroy(r);
	free(sc);
}

/* Session pooling behind NullPool (connect at checkout, close at checkin): one server
 * connection per checkout. No round trip, so server_reset_query takes no time. Request 1 as
 * before, done 1.1875; the NullPool closes its client connection at checkin, the server is
 * reset and handed at once to request 2 (waiting since 0.1625): linked 1.1875, wait 1.0875,
 * done 2.1875, the same as transaction pooling with one transaction per checkout. Two links,
 * two resets, one server connection. */
static void test_model_session_pooling_nullpool(void **state)
{
	(void)state;
	struct cfg_scenario *sc = malloc(sizeof *sc);
	assert_non_null(sc);
	trace_scenario(sc);
	sc->pgbouncer.pool_mode = CFG_POOL_MODE_SESSION;
	sc->pools[0].kind = &pool_kind_sqlalchemy_null;
	struct model_result *r = model_result_create(sc);
	assert_non_null(r);
	assert_int_equal(model_run(sc, 0, r, NULL), 0);
	const struct requests_stats *st = &r->workloads[0];
	assert_int_equal(st->served, 2);
	assert_near(tally_mean(&st->wait_served), (0.1875 + 1.0875) / 2);
	assert_near(st->wait_served.max, 1.0875);
	assert_int_equal(r->pgbouncer[0].queries, 2);
	assert_int_equal(r->pgbouncer[0].server_connects, 1);
	assert_int_equal(r->pools[0].closes, 2);
	assert_near(r->pgbouncer[0].maxwait_max, 1.0875 - 0.0625);
	model_result_destroy(r);
	free(sc);
}

/* A batch behind PgBouncer (transaction mode, one server, query_wait_timeout 0.5 s): its
 * query_wait_timeout counts as PgBouncer's (batch_pgbouncer_timeouts), not as a timeout of
 * the application pool. Request 1 (trace, at 0, db_time 10 s) holds the one server from
 * 0.1875 to 10.1875. The batch (one record at 0.5, a tick every 1 s, horizon 2.5: ticks at 1
 * and 2) takes the record at 1; its checkout opens a second client connection to PgBouncer
 * (ready 1.0625) and BEGIN waits for the server; janitor passes 4/3 (age 0.27) and 5/3 (age
 * 0.60 > 0.5): disconnected at 5/3, the batch fails and puts its record back. At 2 the same:
 * the QueuePool reconnects the dead record (ready 2.0625), dropped at 8/3. Two batches, both
 * failed, both by PgBouncer's query_wait_timeout; no pool timeout. */
static void test_model_batch_query_wait_timeout_is_its_own_cause(void **state)
{
	(void)state;
	struct cfg_scenario *sc = malloc(sizeof *sc);
	assert_non_null(sc);
	trace_scenario(sc);
	sc->horizon_s = 2.5;
	sc->pgbouncer.query_wait_timeout_s = 0.5;
	sc->workloads[0].req.arrival.trace_n = 1;
	trace_hold[0] = 10;
	static double rec_t[1] = {0.5};
	sc->n_workloads = 2;
	struct cfg_workload *w = &sc->workloads[1];
	memset(w, 0, sizeof *w);
	memcpy(w->name, "agg", sizeof "agg");
	w->kind = CFG_WORKLOAD_BATCH;
	w->pool = 0;
	cfg_batch_defaults(&w->batch);
	w->batch.records.trace_n = 1;
	w->batch.records.trace_t = rec_t;
	w->batch.every_s = 1;
	w->batch.batch_size = 1;
	w->batch.max_batch_size = 1;
	dist_constant(&w->batch.group_size, 1);
	dist_constant(&w->batch.per_record, 0.25);
	struct model_result *r = model_result_create(sc);
	assert_non_null(r);
	assert_int_equal(model_run(sc, 0, r, NULL), 0);
	const struct batch_stats *b = &r->batches[1];
	assert_int_equal(b->batches, 2);
	assert_int_equal(b->failed, 2);
	assert_int_equal(b->pgbouncer_timeouts, 2);
	assert_int_equal(b->pool_timeouts, 0);
	assert_int_equal(r->pgbouncer[0].query_wait_timeouts, 2);
	assert_near(r->pgbouncer[0].maxwait_max, 8.0 / 3 - 2.0625);
	assert_int_equal(r->workloads[0].served, 1);
	const struct metric_def *m = metric_find("batch_pgbouncer_timeouts");
	assert_non_null(m);
	assert_near(m->get(r, 1), 2);
	model_result_destroy(r);
	free(sc);
}

/* ------------------------------------------------------------------------------------------ */
/* Statistical: transaction pooling with c servers is M/M/c+D                                 */

#define REPS 10
#define CONF 0.999
#define STAT_SEED 20261207

/* Poisson arrivals at lam, exponential database time of mean 1/mu, no round trip, free
 * connects on both sides, a QueuePool far larger than any queue (its checkout never waits):
 * every transaction asks PgBouncer for a server at once, and PgBouncer's pool of c servers
 * with FIFO waiters and query_wait_timeout T is the M/M/c+D queue. min_pool_size c opens the
 * servers before the warm-up ends. */
static void pgb_mmcd_config(struct cfg_scenario *sc, int c, double lam, double mu, double T,
			    double horizon, double warmup)
{
	cfg_scenario_defaults(sc);
	sc->horizon_s = horizon;
	sc->warmup_s = warmup;
	sc->replications = REPS;
	sc->seed = STAT_SEED;
	dist_constant(&sc->db.connect_time, 0);
	sc->db.max_connections = 10000;
	sc->db.row_locks = false;
	sc->pgbouncer.enabled = true;
	sc->pgbouncer.pool_mode = CFG_POOL_MODE_TRANSACTION;
	sc->pgbouncer.default_pool_size = c;
	sc->pgbouncer.min_pool_size = c;
	sc->pgbouncer.max_client_conn = 100000;
	sc->pgbouncer.query_wait_timeout_s = T;
	dist_constant(&sc->pgbouncer.client_connect_time, 0);
	sc->n_pools = 1;
	cfg_pool_defaults(&sc->pools[0]);
	snprintf(sc->pools[0].name, CFG_NAME_MAX, "main");
	sc->pools[0].size = 2000;
	sc->pools[0].max_overflow = 0;
	sc->pools[0].timeout_s = 1e9;
	sc->n_workloads = 1;
	struct cfg_workload *w = &sc->workloads[0];
	memset(w, 0, sizeof *w);
	snprintf(w->name, CFG_NAME_MAX, "api");
	w->kind = CFG_WORKLOAD_REQUESTS;
	cfg_requests_defaults(&w->req);
	w->req.arrival.rate_per_s = lam;
	dist_exponential(&w->req.db_time, 1.0 / mu);
}

/* The exact value lies in [lo_ex, hi_ex] (see below); the check: the simulation's 99.9 %
 * Student-t interval over REPS replications meets that bracket, and its half-width is at most
 * max_rel_half of the bracket's middle (so the test cannot pass by being vague). */
static void check_bracket(struct model_result *const *r, const char *name, int idx, double a,
			  double b, double max_rel_half)
{
	const struct metric_def *m = metric_find(name);
	assert_non_null(m);
	double v[REPS], lo, hi;
	for (int i = 0; i < REPS; i++)
		v[i] = m->get(r[i], idx);
	double mean = ci_student(v, REPS, CONF, &lo, &hi);
	double lo_ex = fmin(a, b), hi_ex = fmax(a, b), mid = (lo_ex + hi_ex) / 2;
	printf("    %-24s exact [%.6g, %.6g] sim %.6g 99.9%% CI [%.6g, %.6g]\n", name, lo_ex, hi_ex,
	       mean, lo, hi);
	assert_true(lo <= hi_ex && lo_ex <= hi);
	assert_true((hi - lo) / 2 <= max_rel_half * mid);
}

/* PgBouncer checks query_wait_timeout only on janitor passes every 1/3 s (§3.5): a client
 * whose wait reaches T at s + T is dropped at the first pass after it, so its patience is
 * T + U with U in (0, 1/3] (uniform: Poisson arrivals fall anywhere between passes). The
 * M/M/c+D answer is monotone in the timeout, so the exact value lies between M/M/c+D with T
 * and with T + 1/3; the test takes that bracket. c = 10, mean hold 1 s, 10.5 arrivals/s
 * (offered 10.5 Erlangs on 10 servers: overloaded, the timeout does the work), T = 5 s,
 * 20000 s per replication. Half-width bounds: twice the half-width seen with this seed
 * (10.4 %, 3.9 %, 0.12 % of the value), the argument of tests/test_validation.c: the
 * half-width is proportional to the sample sd of 10 replications and P(s > 2 sigma) =
 * P(chi2_9 > 36) < 1e-4, so a correct model does not trip it with another seed (taken from one
 * seed here, not the median of 26). */
static void test_transaction_pooling_is_mmcd(void **state)
{
	(void)state;
	const int c = 10;
	const double lam = 10.5, mu = 1, T = 5;
	struct qref_mmcd q0, q1;
	assert_int_equal(qref_mmcd(c, lam, mu, T, &q0), QREF_OK);
	assert_int_equal(qref_mmcd(c, lam, mu, T + 1.0 / 3, &q1), QREF_OK);
	struct cfg_scenario *sc = malloc(sizeof *sc);
	assert_non_null(sc);
	pgb_mmcd_config(sc, c, lam, mu, T, 20000, 200);
	struct model_result *r[REPS];
	for (int i = 0; i < REPS; i++) {
		r[i] = model_result_create(sc);
		assert_non_null(r[i]);
		assert_int_equal(model_run(sc, (uint64_t)i, r[i], NULL), 0);
		const struct requests_stats *s = &r[i]->workloads[0];
		/* every failure is PgBouncer's: the application pool never times out */
		assert_true(s->offered == s->served + s->failed[REQ_PGBOUNCER_TIMED_OUT]);
		assert_true(s->failed[REQ_PGBOUNCER_TIMED_OUT] > 0);
		assert_true(r[i]->pgbouncer[0].sv_active_max <= c);
	}
	printf("  PgBouncer transaction pooling, M/M/%d+D lam %g mu %g T %g (+ janitor 1/3 s)\n", c,
	       lam, mu, T);
	check_bracket(r, "pgbouncer_timeout_rate", 0, q0.p_abandon, q1.p_abandon, 0.21);
	check_bracket(r, "wait_mean", 0, q0.mean_wait_served, q1.mean_wait_served, 0.08);
	check_bracket(r, "sv_active_mean", 0, c * q0.utilization, c * q1.utilization, 0.0025);
	for (int i = 0; i < REPS; i++)
		model_result_destroy(r[i]);
	free(sc);
}

/* Two databases behind one PgBouncer, each its own M/M/c+D. One workload at 2 lam, half of
 * its transactions writing (row locks off, so a write waits for nothing on the server), every
 * read routed to pool "ro" on replica r1: by Poisson splitting (the write draw is independent
 * of arrivals and holds) the primary's database and the replica's each see Poisson arrivals
 * at lam with exponential holds, and each PgBouncer pool of c servers with query_wait_timeout
 * T is an M/M/c+D queue of its own (§3.6: pools, waits, connects and janitor checks per
 * database), the same bracket [T, T + 1/3] as above. Checked per database on PgBouncer's own
 * metrics: query_wait_timeout_rate (timeouts / queries), server_wait_mean (linked queries)
 * and sv_active_mean. 10000 s per replication (half the test above: twice the databases),
 * so the half-width bounds are the test above's times sqrt(2) (variance inversely
 * proportional to the run length), rounded up: 0.30, 0.12, 0.0036. */
static void test_two_databases_each_mmcd(void **state)
{
	(void)state;
	const int c = 10;
	const double lam = 10.5, mu = 1, T = 5;
	struct qref_mmcd q0, q1;
	assert_int_equal(qref_mmcd(c, lam, mu, T, &q0), QREF_OK);
	assert_int_equal(qref_mmcd(c, lam, mu, T + 1.0 / 3, &q1), QREF_OK);
	struct cfg_scenario *sc = malloc(sizeof *sc);
	assert_non_null(sc);
	pgb_mmcd_config(sc, c, 2 * lam, mu, T, 10000, 200);
	sc->n_replicas = 1;
	cfg_replica_defaults(sc, &sc->replicas[0], "r1");
	sc->n_pools = 2;
	sc->pools[1] = sc->pools[0];
	snprintf(sc->pools[1].name, CFG_NAME_MAX, "ro");
	sc->pools[1].server = 1;
	struct cfg_requests *q = &sc->workloads[0].req;
	q->writes = 0.5;
	q->reads.n_pools = 1;
	q->reads.pools[0] = 1;
	q->reads.share = 1;
	struct model_result *r[REPS];
	for (int i = 0; i < REPS; i++) {
		r[i] = model_result_create(sc);
		assert_non_null(r[i]);
		assert_int_equal(model_run(sc, (uint64_t)i, r[i], NULL), 0);
		const struct requests_stats *st = &r[i]->workloads[0];
		assert_true(st->offered == st->served + st->failed[REQ_PGBOUNCER_TIMED_OUT]);
		for (int d = 0; d < 2; d++)
			assert_true(r[i]->pgbouncer[d].sv_active_max <= c);
	}
	for (int d = 0; d < 2; d++) {
		printf("  %s's database: M/M/%d+D lam %g mu %g T %g (+ janitor 1/3 s)\n",
		       d ? "r1" : "primary", c, lam, mu, T);
		check_bracket(r, "query_wait_timeout_rate", d, q0.p_abandon, q1.p_abandon, 0.30);
		check_bracket(r, "server_wait_mean", d, q0.mean_wait_served, q1.mean_wait_served,
			      0.12);
		check_bracket(r, "sv_active_mean", d, c * q0.utilization, c * q1.utilization,
			      0.0036);
	}
	for (int i = 0; i < REPS; i++)
		model_result_destroy(r[i]);
	free(sc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_transaction_pooling_hand_off),
		cmocka_unit_test(test_query_wait_timeout_on_janitor_passes),
		cmocka_unit_test(test_reserve_pool_after_timeout),
		cmocka_unit_test(test_max_db_connections_caps_servers),
		cmocka_unit_test(test_login_failing_cached_error_and_retry),
		cmocka_unit_test(test_statement_mode_refuses_transaction_blocks),
		cmocka_unit_test(test_min_pool_size_and_max_client_conn),
		cmocka_unit_test(test_drain_stops_the_janitor),
		cmocka_unit_test(test_session_pooling_server_follows_the_client_connection),
		cmocka_unit_test(test_server_idle_timeout_closes_lifo_idle),
		cmocka_unit_test(test_server_lifetime_at_release_and_spaced),
		cmocka_unit_test(test_server_lifetime_session_mode),
		cmocka_unit_test(test_session_pooling_query_wait_timeout_and_no_reset),
		cmocka_unit_test(test_two_databases_pools_independent_max_client_conn_shared),
		cmocka_unit_test(test_two_databases_query_wait_timeout_per_database),
		cmocka_unit_test(test_model_transaction_pooling),
		cmocka_unit_test(test_model_pgbouncer_in_front_of_a_replica),
		cmocka_unit_test(test_model_max_client_conn_counts_every_database),
		cmocka_unit_test(test_model_session_wait_forever_is_an_error),
		cmocka_unit_test(test_model_query_wait_timeout_fails_request),
		cmocka_unit_test(test_model_timeline_samples_pgbouncer_status),
		cmocka_unit_test(test_model_session_pooling_queuepool_pins_servers),
		cmocka_unit_test(test_model_session_pooling_nullpool),
		cmocka_unit_test(test_model_batch_query_wait_timeout_is_its_own_cause),
		cmocka_unit_test(test_transaction_pooling_is_mmcd),
		cmocka_unit_test(test_two_databases_each_mmcd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
