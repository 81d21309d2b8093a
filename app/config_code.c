/* Configuration as code (see config_code.h). */
#include "app/config_code.h"

#include <ctype.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "models/budget.h"
#include "models/model.h"
#include "models/pool.h"

/* A number of seconds as SQLAlchemy takes it: an int when whole (pool_timeout=30). */
static void seconds(FILE *out, double s)
{
	if (s == (double)(long long)s)
		fprintf(out, "%lld", (long long)s);
	else
		fprintf(out, "%.9g", s);
}

/* Milliseconds, as HikariCP's properties take durations. */
static long long ms(double s)
{
	return llround(s * 1000);
}

/* A Go time.Duration constant expression: 30 * time.Second, 1500 * time.Millisecond. */
static void go_duration(FILE *out, double s)
{
	if (s == 0)
		fputs("0", out);
	else if (s / 3600 == (double)(long long)(s / 3600))
		fprintf(out, "%lld * time.Hour", (long long)(s / 3600));
	else if (s / 60 == (double)(long long)(s / 60))
		fprintf(out, "%lld * time.Minute", (long long)(s / 60));
	else if (s == (double)(long long)s)
		fprintf(out, "%lld * time.Second", (long long)s);
	else if (s * 1000 == (double)llround(s * 1000))
		fprintf(out, "%lld * time.Millisecond", llround(s * 1000));
	else
		fprintf(out, "%lld * time.Microsecond", llround(s * 1e6));
}

static void header(FILE *out, const char *comment, const struct cfg_scenario *sc, int p,
		   const char *what)
{
	fprintf(out, "%s pool \"%s\": %s per process (%d process%s)", comment, sc->pools[p].name,
		what, model_processes(sc), model_processes(sc) == 1 ? "" : "es");
	if (sc->pools[p].server > 0) /* one engine per server: this one's URL is the replica's */
		fprintf(out, ", on the read replica %s", cfg_server_name(sc, sc->pools[p].server));
	fputc('\n', out);
}

/* The URL variable of pool p's server: DATABASE_URL for the primary, NAME_URL (upper case,
 * '-' as '_') for a read replica. */
static void url_name(const struct cfg_scenario *sc, int p, char *buf, size_t n)
{
	if (sc->pools[p].server == 0) {
		snprintf(buf, n, "DATABASE_URL");
		return;
	}
	const char *name = cfg_server_name(sc, sc->pools[p].server);
	size_t k = 0;
	for (; name[k] && k + 5 < n; k++)
		buf[k] = name[k] == '-' ? '_' : (char)toupper((unsigned char)name[k]);
	snprintf(buf + k, n - k, "_URL");
}

/* SQLAlchemy QueuePool: create_engine's pool arguments. Every argument is written, defaults
 * too, so the review sees the whole configuration; pool_timeout and pool_recycle in seconds,
 * as create_engine takes them. */
static void queuepool(FILE *out, const struct cfg_scenario *sc, int p, const char *create)
{
	const struct cfg_pool *pc = &sc->pools[p];
	char url[CFG_NAME_MAX + 8];
	url_name(sc, p, url, sizeof url);
	header(out, "#", sc, p, "one engine");
	fprintf(out, "engine = %s(\n    %s,\n", create, url);
	fprintf(out, "    pool_size=%d,\n    max_overflow=%d,\n    pool_timeout=", pc->size,
		pc->max_overflow);
	seconds(out, pc->timeout_s);
	fputs(",\n    pool_recycle=", out);
	seconds(out, pc->recycle_s);
	fprintf(out, ",\n    pool_pre_ping=%s,\n    pool_use_lifo=%s,\n)\n",
		pc->pre_ping ? "True" : "False", pc->use_lifo ? "True" : "False");
}

static void sqlalchemy(FILE *out, const struct cfg_scenario *sc, int p)
{
	queuepool(out, sc, p, "create_engine");
}

/* asyncio: the same arguments to create_async_engine (AsyncAdaptedQueuePool). */
static void sqlalchemy_async(FILE *out, const struct cfg_scenario *sc, int p)
{
	queuepool(out, sc, p, "create_async_engine");
}

/* SQLAlchemy NullPool: a connection per checkout, closed at checkin. */
static void sqlalchemy_null(FILE *out, const struct cfg_scenario *sc, int p)
{
	char url[CFG_NAME_MAX + 8];
	url_name(sc, p, url, sizeof url);
	header(out, "#", sc, p, "one engine");
	fprintf(out, "from sqlalchemy.pool import NullPool\n\nengine = create_engine(\n"
		"    %s,\n    poolclass=NullPool,\n    pool_pre_ping=%s,\n)\n", url,
		sc->pools[p].pre_ping ? "True" : "False");
}

/* HikariCP: HikariConfig's properties (hikari.properties), durations in milliseconds. */
static void hikaricp(FILE *out, const struct cfg_scenario *sc, int p)
{
	const struct cfg_pool *pc = &sc->pools[p];
	header(out, "#", sc, p, "one HikariDataSource");
	fprintf(out, "poolName=%s\nmaximumPoolSize=%d\nminimumIdle=%d\nconnectionTimeout=%lld\n"
		"idleTimeout=%lld\nmaxLifetime=%lld\nkeepaliveTime=%lld\n", pc->pool_name, pc->size,
		pc->min_idle, ms(pc->timeout_s), ms(pc->idle_timeout_s), ms(pc->max_lifetime_s),
		ms(pc->keepalive_s));
}

/* Go database/sql: the *sql.DB setters, and the request's context deadline. */
static void go(FILE *out, const struct cfg_scenario *sc, int p)
{
	const struct cfg_pool *pc = &sc->pools[p];
	header(out, "//", sc, p, "one *sql.DB");
	fprintf(out, "db.SetMaxOpenConns(%d) // 0: unlimited\ndb.SetMaxIdleConns(%d)\n"
		"db.SetConnMaxLifetime(", pc->max_open, pc->size);
	go_duration(out, pc->max_lifetime_s);
	fputs(")\ndb.SetConnMaxIdleTime(", out);
	go_duration(out, pc->idle_timeout_s);
	fputs(")\n", out);
	if (isfinite(pc->timeout_s)) {
		fputs("// each request: ctx, cancel := context.WithTimeout(ctx, ", out);
		go_duration(out, pc->timeout_s);
		fputs("); defer cancel(); conn, err := db.Conn(ctx)\n", out);
	} else {
		fputs("// each request: no deadline on the checkout (context.Background())\n", out);
	}
}

static const struct config_code_kind kinds[] = {
	{"sqlalchemy", "python", sqlalchemy},
	{"sqlalchemy-null", "python", sqlalchemy_null},
	{"sqlalchemy-async", "python", sqlalchemy_async},
	{"hikaricp", "properties", hikaricp},
	{"go", "go", go},
};

const struct config_code_kind *config_code_find(const char *kind)
{
	for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
		if (strcmp(kinds[i].kind, kind) == 0)
			return &kinds[i];
	return NULL;
}

const char *config_code_pool_kind(const struct cfg_scenario *sc, int p)
{
	const struct pool_kind *k = sc->pools[p].kind;
	return k ? k->name : pool_kind_sqlalchemy.name;
}

void config_code_budget(FILE *out, const struct cfg_scenario *sc)
{
	for (int d = 0; d <= sc->n_replicas; d++) { /* one line per server */
		struct budget b;
		char line[1024];
		/* the same arithmetic as check, run and the budget section */
		budget_compute_server(sc, d, &b);
		budget_format(line, sizeof line, &b, sc);
		fprintf(out, "Connection budget: %s", line);
		if (b.unlimited)
			fputs(": unbounded, a burst can exhaust the server.\n", out);
		else if (budget_exceeded(&b))
			fprintf(out, ": %lld over, at the peak the server refuses connects.\n",
				b.most - b.usable);
		else
			fprintf(out, ": %lld to spare.\n", (long long)b.usable - b.most);
	}
}

/* PgBouncer's pool_mode words, indexed by enum cfg_pool_mode. */
static const char *const pool_modes[] = {"session", "transaction", "statement"};

/* The host placeholder of replica NAME in [databases]: NAME in capitals, other characters
 * than letters and digits as '_', then _HOST ("replica-1" -> REPLICA_1_HOST). */
static void replica_host(FILE *out, const char *name)
{
	for (const char *c = name; *c; c++)
		fputc(isalnum((unsigned char)*c) ? toupper((unsigned char)*c) : '_', out);
	fputs("_HOST", out);
}

void config_code_pgbouncer(FILE *out, const struct cfg_scenario *sc)
{
	const struct cfg_pgbouncer *g = &sc->pgbouncer;
	if (!g->enabled)
		return;
	int n_db = 0;
	for (int d = 0; d <= sc->n_replicas; d++)
		n_db += cfg_pgbouncer_fronts(sc, d);
	if (n_db == 1) {
		fputs("```ini\n; pgbouncer.ini: one pool (database x user) in front of PostgreSQL, "
		      "shared by every process\n; POSTGRES_HOST and the database name app are "
		      "yours\n[databases]\napp = host=POSTGRES_HOST port=5432 dbname=app\n", out);
	} else {
		/* one [databases] entry per server: each its own pool of default_pool_size */
		fputs("```ini\n; pgbouncer.ini: one [databases] entry, so one pool (database x user), "
		      "per server, shared by every process\n; the hosts and the database name app are "
		      "yours\n[databases]\napp = host=POSTGRES_HOST port=5432 dbname=app\n", out);
		for (int d = 1; d <= sc->n_replicas; d++) {
			if (!cfg_pgbouncer_fronts(sc, d))
				continue;
			fprintf(out, "app_%s = host=", cfg_server_name(sc, d));
			replica_host(out, cfg_server_name(sc, d));
			fputs(" port=5432 dbname=app\n", out);
		}
	}
	fputs("\n[pgbouncer]\nlisten_port = 6432\n", out);
	fprintf(out, "pool_mode = %s\ndefault_pool_size = %d\nmin_pool_size = %d\n"
		"reserve_pool_size = %d\nreserve_pool_timeout = ", pool_modes[g->pool_mode],
		g->default_pool_size, g->min_pool_size, g->reserve_pool_size);
	seconds(out, g->reserve_pool_timeout_s);
	fprintf(out, "\nmax_client_conn = %d\nmax_db_connections = %d\nquery_wait_timeout = ",
		g->max_client_conn, g->max_db_connections);
	seconds(out, g->query_wait_timeout_s);
	fputs("\nserver_login_retry = ", out);
	seconds(out, g->server_login_retry_s);
	fputs("\nserver_idle_timeout = ", out);
	seconds(out, g->server_idle_timeout_s);
	fputs("\nserver_lifetime = ", out);
	seconds(out, g->server_lifetime_s);
	fputc('\n', out);
	if (g->pool_mode == CFG_POOL_MODE_SESSION)
		fprintf(out, "server_reset_query = %s\n", g->server_reset_query);
	fputs("```\n\n", out);

	/* the application side: client connections are what the pools open, against
	 * max_client_conn, one count over every database (budget.h: with PgBouncer the terms
	 * are client connections) */
	long long clients = 0;
	bool unlimited = false;
	for (int d = 0; d <= sc->n_replicas; d++) {
		if (!cfg_pgbouncer_fronts(sc, d))
			continue;
		struct budget b;
		budget_compute_server(sc, d, &b);
		for (int i = 0; i < b.n_terms; i++) {
			if (b.terms[i].cap < 0)
				unlimited = true;
			else
				clients += (long long)b.terms[i].processes * b.terms[i].cap;
		}
	}
	if (n_db == 1) {
		fputs("Application side: every pool's DATABASE_URL points at PgBouncer (port 6432, "
		      "database app), not at PostgreSQL. ", out);
	} else {
		fputs("Application side: every pool's DATABASE_URL points at PgBouncer (port 6432), "
		      "not at PostgreSQL: database app for the pools on the primary", out);
		for (int d = 1; d <= sc->n_replicas; d++)
			if (cfg_pgbouncer_fronts(sc, d))
				fprintf(out, ", app_%s for those on %s", cfg_server_name(sc, d),
					cfg_server_name(sc, d));
		fputs(". Each database has its own default_pool_size servers; max_client_conn "
		      "counts the client connections of all of them. ", out);
	}
	if (unlimited)
		fprintf(out, "A pool without a cap can open any number of client connections: "
			"beyond max_client_conn %d PgBouncer refuses them (`no more connections "
			"allowed (max_client_conn)`).", g->max_client_conn);
	else if (clients > g->max_client_conn)
		fprintf(out, "The pools can open %lld client connections, %lld over max_client_conn "
			"%d: PgBouncer refuses the rest (`no more connections allowed "
			"(max_client_conn)`).", clients, clients - g->max_client_conn,
			g->max_client_conn);
	else
		fprintf(out, "The pools can open %lld client connections, within max_client_conn "
			"%d.", clients, g->max_client_conn);
	switch (g->pool_mode) {
	case CFG_POOL_MODE_TRANSACTION:
		fputs(" Transaction pooling: a server connection is held for one transaction, so "
		      "session state does not survive between transactions (SET, LISTEN, session "
		      "advisory locks, WITH HOLD cursors, SQL PREPARE); protocol-level prepared "
		      "statements need PgBouncer 1.21 or later with max_prepared_statements > 0, "
		      "else turn them off in the driver (asyncpg: connect_args={\"statement_cache_"
		      "size\": 0}; psycopg 3: prepare_threshold=None; PgJDBC: prepareThreshold=0; "
		      "pgx: default_query_exec_mode=simple_protocol). NullPool, or a small pool per "
		      "process, is the usual application side.\n", out);
		break;
	case CFG_POOL_MODE_SESSION:
		fputs(" Session pooling: a server connection stays with a client connection from "
		      "its first query until it closes, so a pool's idle connections keep theirs "
		      "and client connections beyond default_pool_size wait up to "
		      "query_wait_timeout; NullPool gives one server connection per checkout.\n",
		      out);
		break;
	case CFG_POOL_MODE_STATEMENT:
		fputs(" Statement pooling: every transaction block is refused (`transaction blocks "
		      "not allowed in statement pooling mode`): autocommit only.\n", out);
		break;
	}
	fputc('\n', out);
}

void config_code_md(FILE *out, const char *title, const struct cfg_scenario *sc)
{
	fprintf(out, "### %s\n\n", title);
	for (int p = 0; p < sc->n_pools; p++) {
		const char *kind = config_code_pool_kind(sc, p);
		const struct config_code_kind *k = config_code_find(kind);
		if (!k) {
			fprintf(out, "Pool \"%s\" (kind %s): no renderer for this kind yet.\n\n",
				sc->pools[p].name, kind);
			continue;
		}
		fprintf(out, "```%s\n", k->lang);
		k->render(out, sc, p);
		fputs("```\n\n", out);
	}
	config_code_pgbouncer(out, sc);
	config_code_budget(out, sc);
	fputc('\n', out);
}
