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
 * The last tests run whole replications (model_run) on a trace of arrivals with known holds. */
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
	pgbouncer_query(c->fx->b, &c->link);
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
}

static void fx_start(struct fx *f)
{
	f->sim = sim_create();
	assert_non_null(f->sim);
	database_init(&f->db, &f->dbcfg, 0);
	f->rng = rng_stream_create(1, 0, 1);
	assert_non_null(f->rng);
	f->b = pgbouncer_create(&f->cfg, f->sim, &f->db, f->rng);
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
	pgbouncer_status(f.b, &s);
	assert_int_equal(s.cl_waiting, 1);
	assert_int_equal(s.sv_active, 2);
	assert_int_equal(s.sv_idle, 0);
	assert_near(s.maxwait_s, 0.25); /* C, waiting since 0.5 */
	sim_run(f.sim, INFINITY);
	EXPECT_LINKED(&f, 0, 0.125);
	EXPECT_LINKED(&f, 1, 0.25);
	EXPECT_LINKED(&f, 2, 1.125);
	pgbouncer_status(f.b, &s);
	assert_int_equal(s.cl_waiting, 0);
	assert_int_equal(s.sv_active, 0);
	assert_int_equal(s.sv_idle, 2);
	assert_int_equal(f.db.open, 2);
	const struct pgbouncer_stats *st = pgbouncer_stats(f.b);
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
	assert_int_equal(pgbouncer_stats(f.b)->query_wait_timeouts, 2);
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
	assert_int_equal(pgbouncer_stats(f.b)->server_connects, 2);
	assert_int_equal(pgbouncer_stats(f.b)->reserve_connects, 1);
	assert_int_equal(pgbouncer_servers(f.b), 2);
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
	assert_int_equal(pgbouncer_stats(f.b)->server_connects, 1);
	assert_int_equal(f.db.open, 1);
	fx_free(&f);
}

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
	const struct pgbouncer_stats *st = pgbouncer_stats(f.b);
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
	assert_int_equal(pgbouncer_servers(f.b), 0);
	assert_int_equal(f.db.open, 0);
	assert_int_equal(pgbouncer_stats(f.b)->statement_mode, 1);
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
	struct database *clients = pgbouncer_clients(f.b);
	sim_schedule_at(f.sim, 0.5, PRIO_ARRIVAL, ev_client_connect, clients, 0);
	sim_run(f.sim, 0.75);
	assert_int_equal(pgbouncer_servers(f.b), 1); /* launched at 2/3, still logging in */
	sim_run(f.sim, 5);
	struct pgbouncer_status s;
	pgbouncer_status(f.b, &s);
	assert_int_equal(s.sv_idle, 2);
	assert_int_equal(s.cl_active, 1);
	assert_int_equal(pgbouncer_stats(f.b)->server_connects, 2);
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
	assert_int_equal(pgbouncer_servers(f.b), 0);
	fx_free(&f);
}

/* ------------------------------------------------------------------------------------------ */
/* Through model_run: requests over a QueuePool, PgBouncer and PostgreSQL                      */

static double trace_t[2], trace_hold[2];

/* One process, pool main (QueuePool 5 + 0), PgBouncer in transaction mode with one server;
 * client connect 0.0625 s, server connect 0.125 s, no round trip; two requests from a trace
 * (at 0 and 0.1, database time 1 s each, no warm-up). */
static void trace_scenario(struct cfg_scenario *sc)
{
	cfg_scenario_defaults(sc);
	sc->horizon_s = 10;
	sc->replications = 1;
	dist_constant(&sc->db.connect_time, 0.125);
	sc->db.row_locks = false;
	sc->pgbouncer.enabled = true;
	sc->pgbouncer.pool_mode = CFG_POOL_MODE_TRANSACTION;
	sc->pgbouncer.default_pool_size = 1;
	dist_constant(&sc->pgbouncer.client_connect_time, 0.0625);
	sc->n_pools = 1;
	cfg_pool_defaults(&sc->pools[0]);
	memcpy(sc->pools[0].name, "main", sizeof "main");
	sc->pools[0].max_overflow = 0;
	sc->n_workloads = 1;
	struct cfg_workload *w = &sc->workloads[0];
	memset(w, 0, sizeof *w);
	memcpy(w->name, "api", sizeof "api");
	w->kind = CFG_WORKLOAD_REQUESTS;
	cfg_requests_defaults(&w->req);
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
	assert_int_equal(r->pgbouncer.queries, 2);
	assert_int_equal(r->pgbouncer.server_connects, 1);
	assert_near(r->pgbouncer.maxwait_max, 1.0875 - 0.0625);
	assert_near(r->pgbouncer.sv_active_max, 1);
	assert_near(r->pgbouncer.cl_waiting_max, 2); /* both, from 0.1625 to 0.1875 */
	model_result_destroy(r);
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
	assert_int_equal(r->pgbouncer.query_wait_timeouts, 1);
	assert_int_equal(r->workloads[0].hold.n, 1);
	assert_int_equal(r->pools[0].closes, 0);
	assert_int_equal(r->pgbouncer.client_refused, 0);
	model_result_destroy(r);
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
		cmocka_unit_test(test_model_transaction_pooling),
		cmocka_unit_test(test_model_query_wait_timeout_fails_request),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
