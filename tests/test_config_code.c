/* Tests of app/config_code: each pool kind's code (create_engine(...), NullPool, HikariCP
 * properties, Go's *sql.DB setters) for a hand-made configuration, the connection budget line
 * (within, over, unbounded: models/budget.h's arithmetic, so only the closing words are this
 * module's), and the renderer table. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/config_code.h"
#include "models/config.h"
#include "models/pool.h"

/* What fn writes, as a malloc'ed string. */
static char *capture(void (*fn)(FILE *, const struct cfg_scenario *), const struct cfg_scenario *sc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	fn(f, sc);
	fclose(f);
	/* a copy: gcc's -Wdangling-pointer takes pointers into buf for pointers to the local */
	char *r = malloc(len + 1);
	assert_non_null(r);
	memcpy(r, buf, len + 1);
	free(buf);
	return r;
}

static void md(FILE *f, const struct cfg_scenario *sc)
{
	config_code_md(f, "Judged: after", sc);
}

/* n pools "main", "p1", ... each used by one requests workload, in `processes` processes */
static void scenario(struct cfg_scenario *sc, int processes, int n)
{
	cfg_scenario_defaults(sc);
	sc->processes = processes;
	sc->n_pools = n;
	sc->n_workloads = n;
	for (int i = 0; i < n; i++) {
		cfg_pool_defaults(&sc->pools[i]);
		snprintf(sc->pools[i].name, sizeof sc->pools[i].name, i ? "p%d" : "main", i);
		struct cfg_workload *w = &sc->workloads[i];
		memset(w, 0, sizeof *w);
		snprintf(w->name, sizeof w->name, "w%d", i);
		w->kind = CFG_WORKLOAD_REQUESTS;
		w->pool = i;
		cfg_requests_defaults(&w->req);
	}
}

static void test_sqlalchemy_and_budget_over(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, 4, 1);
	sc.pools[0].size = 20;
	sc.pools[0].max_overflow = 30;
	sc.pools[0].timeout_s = 45;
	sc.pools[0].recycle_s = 1800;
	sc.pools[0].pre_ping = true;
	char *s = capture(md, &sc);
	/* 4 processes x (20 + 30) = 200 against 100 - 3 - 0 = 97 usable: 103 over */
	assert_string_equal(s,
		"### Judged: after\n\n"
		"```python\n"
		"# pool \"main\": one engine per process (4 processes)\n"
		"engine = create_engine(\n"
		"    DATABASE_URL,\n"
		"    pool_size=20,\n"
		"    max_overflow=30,\n"
		"    pool_timeout=45,\n"
		"    pool_recycle=1800,\n"
		"    pool_pre_ping=True,\n"
		"    pool_use_lifo=False,\n"
		")\n"
		"```\n\n"
		"Connection budget: 4 processes x pool main (cap 50) = 200 > 97 usable slots "
		"(max_connections 100 - superuser_reserved_connections 3 - reserved_connections 0): "
		"103 over, at the peak the server refuses connects.\n\n");
	free(s);
}

static void test_budget_within_and_unbounded(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, 1, 2);
	sc.pools[0].timeout_s = 0.25; /* not whole: written as is */
	/* main 5 + 10, p1 2 + 0: 17 of 97, 80 to spare */
	sc.pools[1].size = 2;
	sc.pools[1].max_overflow = 0;
	char *s = capture(config_code_budget, &sc);
	assert_string_equal(s, "Connection budget: 1 process x pool main (cap 15) + 1 process x "
			       "pool p1 (cap 2) = 17 <= 97 usable slots (max_connections 100 - "
			       "superuser_reserved_connections 3 - reserved_connections 0): 80 to "
			       "spare.\n");
	free(s);
	s = capture(md, &sc);
	assert_non_null(strstr(s, "    pool_timeout=0.25,\n"));
	free(s);
	sc.pools[1].max_overflow = -1;
	s = capture(config_code_budget, &sc);
	assert_non_null(strstr(s, ": unbounded, a burst can exhaust the server.\n"));
	free(s);
}

static void test_other_kinds(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, 2, 3);
	/* HikariCP: maximumPoolSize 12 (size), connectionTimeout 2.5 s, idleTimeout 600 s,
	 * maxLifetime 1800 s, in milliseconds */
	sc.pools[0].kind = pool_kind_find("hikaricp");
	assert_non_null(sc.pools[0].kind);
	sc.pools[0].size = 12;
	sc.pools[0].max_overflow = 0;
	sc.pools[0].min_idle = 4;
	sc.pools[0].timeout_s = 2.5;
	sc.pools[0].idle_timeout_s = 600;
	sc.pools[0].max_lifetime_s = 1800;
	snprintf(sc.pools[0].pool_name, sizeof sc.pools[0].pool_name, "HikariPool-1");
	/* Go: 8 open, 2 idle, lifetime 30 min, idle time 90 s, a 1.5 s context deadline */
	sc.pools[1].kind = pool_kind_find("go");
	assert_non_null(sc.pools[1].kind);
	sc.pools[1].max_open = 8;
	sc.pools[1].size = 2;
	sc.pools[1].max_overflow = 6;
	sc.pools[1].max_lifetime_s = 1800;
	sc.pools[1].idle_timeout_s = 90;
	sc.pools[1].timeout_s = 1.5;
	sc.pools[2].kind = pool_kind_find("sqlalchemy-null");
	assert_non_null(sc.pools[2].kind);
	char *s = capture(md, &sc);
	assert_non_null(strstr(s, "```properties\n# pool \"main\": one HikariDataSource per process "
				  "(2 processes)\npoolName=HikariPool-1\nmaximumPoolSize=12\n"
				  "minimumIdle=4\nconnectionTimeout=2500\nidleTimeout=600000\n"
				  "maxLifetime=1800000\nkeepaliveTime=0\n```\n"));
	assert_non_null(strstr(s, "```go\n// pool \"p1\": one *sql.DB per process (2 processes)\n"
				  "db.SetMaxOpenConns(8) // 0: unlimited\ndb.SetMaxIdleConns(2)\n"
				  "db.SetConnMaxLifetime(30 * time.Minute)\n"
				  "db.SetConnMaxIdleTime(90 * time.Second)\n"
				  "// each request: ctx, cancel := context.WithTimeout(ctx, 1500 * "
				  "time.Millisecond); defer cancel(); conn, err := db.Conn(ctx)\n```\n"));
	assert_non_null(strstr(s, "```python\n# pool \"p2\": one engine per process (2 processes)\n"
				  "from sqlalchemy.pool import NullPool\n\nengine = create_engine(\n"
				  "    DATABASE_URL,\n    poolclass=NullPool,\n"));
	free(s);
	/* Go without a deadline (its default) */
	sc.pools[1].timeout_s = INFINITY;
	s = capture(md, &sc);
	assert_non_null(strstr(s, "// each request: no deadline on the checkout"));
	free(s);
}

/* A pool on a read replica: its engine takes the replica's URL, and every server has its own
 * budget line. Pool p1 on replica "replica-1", used by w0's reads (w1 removed). */
static void test_replica_pool(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, 1, 2);
	sc.n_workloads = 1;
	sc.n_replicas = 1;
	cfg_replica_defaults(&sc, &sc.replicas[0], "replica-1");
	sc.pools[1].server = 1;
	sc.workloads[0].req.reads.n_pools = 1;
	sc.workloads[0].req.reads.pools[0] = 1;
	char *s = capture(md, &sc);
	assert_non_null(strstr(s, "# pool \"p1\": one engine per process (1 process), on the read "
				  "replica replica-1\nengine = create_engine(\n    REPLICA_1_URL,\n"));
	assert_non_null(strstr(s, "# pool \"main\": one engine per process (1 process)\n"
				  "engine = create_engine(\n    DATABASE_URL,\n"));
	assert_non_null(strstr(s, "Connection budget: primary: 1 process x pool main (cap 15) = 15 "
				  "<= 97 usable slots"));
	assert_non_null(strstr(s, "Connection budget: replica-1: 1 process x pool p1 (cap 15) = 15 "
				  "<= 97 usable slots"));
	free(s);
}

static void test_table(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, 1, 1);
	assert_string_equal(config_code_pool_kind(&sc, 0), "sqlalchemy"); /* kind NULL: default */
	sc.pools[0].kind = &pool_kind_sqlalchemy;
	assert_string_equal(config_code_pool_kind(&sc, 0), "sqlalchemy");
	assert_string_equal(config_code_find("sqlalchemy")->lang, "python");
	assert_string_equal(config_code_find("hikaricp")->lang, "properties");
	assert_string_equal(config_code_find("go")->lang, "go");
	assert_null(config_code_find("pgbouncer")); /* not a pool kind: config_code_pgbouncer */
	sc.pools[0].kind = pool_kind_find("sqlalchemy-async");
	char *s = capture(md, &sc);
	assert_non_null(strstr(s, "engine = create_async_engine(\n    DATABASE_URL,\n    pool_size=5,\n"));
	free(s);
	/* every kind there is has a renderer */
	for (int i = 0; pool_kinds[i]; i++)
		assert_non_null(config_code_find(pool_kinds[i]->name));
}

/* PgBouncer in transaction mode in front of 4 processes x QueuePool 5 + 0: the whole
 * pgbouncer.ini block (every setting, durations in seconds: 2.5 written as is), then the
 * application side: 4 x 5 = 20 client connections within max_client_conn 100, and the
 * transaction-mode caveat. The budget counts PgBouncer's servers, 20 + 2 = 22 of 97. */
static void test_pgbouncer_ini_transaction(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, 4, 1);
	sc.pools[0].max_overflow = 0;
	sc.pgbouncer.enabled = true;
	sc.pgbouncer.pool_mode = CFG_POOL_MODE_TRANSACTION;
	sc.pgbouncer.reserve_pool_size = 2;
	sc.pgbouncer.reserve_pool_timeout_s = 2.5;
	sc.pgbouncer.query_wait_timeout_s = 10;
	char *s = capture(config_code_pgbouncer, &sc);
	assert_string_equal(s,
		"```ini\n"
		"; pgbouncer.ini: one pool (database x user) in front of PostgreSQL, shared by every "
		"process\n"
		"; POSTGRES_HOST and the database name app are yours\n"
		"[databases]\n"
		"app = host=POSTGRES_HOST port=5432 dbname=app\n"
		"\n"
		"[pgbouncer]\n"
		"listen_port = 6432\n"
		"pool_mode = transaction\n"
		"default_pool_size = 20\n"
		"min_pool_size = 0\n"
		"reserve_pool_size = 2\n"
		"reserve_pool_timeout = 2.5\n"
		"max_client_conn = 100\n"
		"max_db_connections = 0\n"
		"query_wait_timeout = 10\n"
		"server_login_retry = 15\n"
		"server_idle_timeout = 600\n"
		"server_lifetime = 3600\n"
		"```\n"
		"\n"
		"Application side: every pool's DATABASE_URL points at PgBouncer (port 6432, database "
		"app), not at PostgreSQL. The pools can open 20 client connections, within "
		"max_client_conn 100. Transaction pooling: a server connection is held for one "
		"transaction, so session state does not survive between transactions (SET, LISTEN, "
		"session advisory locks, WITH HOLD cursors, SQL PREPARE); protocol-level prepared "
		"statements need PgBouncer 1.21 or later with max_prepared_statements > 0, else turn "
		"them off in the driver (asyncpg: connect_args={\"statement_cache_size\": 0}; "
		"psycopg 3: prepare_threshold=None; PgJDBC: prepareThreshold=0; pgx: "
		"default_query_exec_mode=simple_protocol). NullPool, or a small pool per process, is "
		"the usual application side.\n\n");
	free(s);
	/* in the Markdown section: after the pools' code, before the budget */
	s = capture(md, &sc);
	const char *py = strstr(s, "```python\n");
	assert_non_null(py);
	const char *ini = strstr(py, "```ini\n");
	assert_non_null(ini);
	assert_non_null(strstr(ini, "Connection budget: PgBouncer's default_pool_size 20 + "
				    "reserve_pool_size 2 (the pools connect to PgBouncer) = 22 <= 97 "
				    "usable slots"));
	free(s);
	/* without PgBouncer: nothing */
	sc.pgbouncer.enabled = false;
	s = capture(config_code_pgbouncer, &sc);
	assert_string_equal(s, "");
	free(s);
}

/* PgBouncer in front of the primary and a read replica "replica-1" (4 processes, pool main
 * on the primary, pool p1 on the replica, both QueuePool 5 + 0, the workload's reads routed to
 * p1): one [databases] entry per server (the replica's host placeholder in capitals with '_'
 * for '-'), the application side names each pool's database, and its client connections are
 * counted over both databases against max_client_conn: 4 x 5 + 4 x 5 = 40. Each server's
 * budget is PgBouncer's default_pool_size 20 of that server's 97 usable slots. */
static void test_pgbouncer_ini_replica(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, 4, 2);
	sc.n_workloads = 1;
	sc.n_replicas = 1;
	cfg_replica_defaults(&sc, &sc.replicas[0], "replica-1");
	sc.pools[0].max_overflow = 0;
	sc.pools[1].max_overflow = 0;
	sc.pools[1].server = 1;
	sc.workloads[0].req.reads.n_pools = 1;
	sc.workloads[0].req.reads.pools[0] = 1;
	sc.workloads[0].req.reads.share = 1;
	sc.pgbouncer.enabled = true;
	sc.pgbouncer.pool_mode = CFG_POOL_MODE_TRANSACTION;
	char *s = capture(config_code_pgbouncer, &sc);
	assert_non_null(strstr(s,
		"```ini\n"
		"; pgbouncer.ini: one [databases] entry, so one pool (database x user), per server, "
		"shared by every process\n"
		"; the hosts and the database name app are yours\n"
		"[databases]\n"
		"app = host=POSTGRES_HOST port=5432 dbname=app\n"
		"app_replica-1 = host=REPLICA_1_HOST port=5432 dbname=app\n"
		"\n"
		"[pgbouncer]\n"
		"listen_port = 6432\n"
		"pool_mode = transaction\n"));
	assert_non_null(strstr(s,
		"Application side: every pool's DATABASE_URL points at PgBouncer (port 6432), not at "
		"PostgreSQL: database app for the pools on the primary, app_replica-1 for those on "
		"replica-1. Each database has its own default_pool_size servers; max_client_conn "
		"counts the client connections of all of them. The pools can open 40 client "
		"connections, within max_client_conn 100."));
	free(s);
	s = capture(md, &sc);
	assert_non_null(strstr(s, "Connection budget: primary: PgBouncer's default_pool_size 20 + "
				  "reserve_pool_size 0 (the pools connect to PgBouncer) = 20 <= 97 "
				  "usable slots"));
	assert_non_null(strstr(s, "Connection budget: replica-1: PgBouncer's default_pool_size 20 "
				  "+ reserve_pool_size 0 (the pools connect to PgBouncer) = 20 <= 97 "
				  "usable slots"));
	free(s);
	/* a replica no pool uses has no [databases] entry */
	sc.pools[1].server = 0;
	assert_false(cfg_pgbouncer_fronts(&sc, 1));
	s = capture(config_code_pgbouncer, &sc);
	assert_null(strstr(s, "app_replica-1"));
	free(s);
}

/* Session mode writes server_reset_query; 4 processes x (5 + 30) = 140 client connections
 * are 40 over max_client_conn 100; a NullPool (no cap) can open any number; statement mode
 * says autocommit only. */
static void test_pgbouncer_ini_session_and_client_side(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, 4, 1);
	sc.pools[0].max_overflow = 30;
	sc.pgbouncer.enabled = true; /* cfg_pgbouncer_defaults: session, DISCARD ALL */
	char *s = capture(config_code_pgbouncer, &sc);
	assert_non_null(strstr(s, "pool_mode = session\n"));
	assert_non_null(strstr(s, "server_login_retry = 15\nserver_idle_timeout = 600\n"
				    "server_lifetime = 3600\nserver_reset_query = DISCARD ALL\n"
				  "```\n"));
	assert_non_null(strstr(s, "The pools can open 140 client connections, 40 over "
				  "max_client_conn 100: PgBouncer refuses the rest (`no more "
				  "connections allowed (max_client_conn)`). Session pooling: a server "
				  "connection stays with a client connection from its first query "
				  "until it closes, so a pool's idle connections keep theirs and "
				  "client connections beyond default_pool_size wait up to "
				  "query_wait_timeout; NullPool gives one server connection per "
				  "checkout.\n\n"));
	free(s);
	sc.pools[0].kind = pool_kind_find("sqlalchemy-null");
	sc.pgbouncer.pool_mode = CFG_POOL_MODE_STATEMENT;
	s = capture(config_code_pgbouncer, &sc);
	assert_null(strstr(s, "server_reset_query"));
	assert_non_null(strstr(s, "A pool without a cap can open any number of client "
				  "connections: beyond max_client_conn 100 PgBouncer refuses them "
				  "(`no more connections allowed (max_client_conn)`). Statement "
				  "pooling: every transaction block is refused (`transaction blocks "
				  "not allowed in statement pooling mode`): autocommit only.\n\n"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlalchemy_and_budget_over),
		cmocka_unit_test(test_budget_within_and_unbounded),
		cmocka_unit_test(test_other_kinds),
		cmocka_unit_test(test_replica_pool),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_pgbouncer_ini_transaction),
		cmocka_unit_test(test_pgbouncer_ini_session_and_client_side),
		cmocka_unit_test(test_pgbouncer_ini_replica),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
