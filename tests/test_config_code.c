/* Tests of app/config_code: the create_engine(...) text of a pool, the connection budget
 * (within, over, unbounded), the renderer table, and the section report.md ends with. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

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
	return buf;
}

static void md(FILE *f, const struct cfg_scenario *sc)
{
	config_code_md(f, "Judged: after", sc);
}

static void scenario(struct cfg_scenario *sc, int processes)
{
	cfg_scenario_defaults(sc);
	sc->processes = processes;
	sc->n_pools = 1;
	cfg_pool_defaults(&sc->pools[0]);
	snprintf(sc->pools[0].name, sizeof sc->pools[0].name, "main");
}

static void test_sqlalchemy_and_budget(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, 4);
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
		"Connection budget: pool \"main\" 4 x (20 + 30) = 200; PostgreSQL allows 97 "
		"(max_connections 100 - superuser_reserved_connections 3 - reserved_connections 0): "
		"200 at most, 103 over: at the peak a connect fails with \"FATAL: sorry, too many "
		"clients already\".\n\n");
	free(s);
}

static void test_budget_within_and_unbounded(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, 1);
	sc.pools[0].timeout_s = 0.25; /* not whole: written as is */
	/* two pools: main 5 + 10, worker 2 + 0: 17 of 97, 80 to spare */
	sc.n_pools = 2;
	cfg_pool_defaults(&sc.pools[1]);
	snprintf(sc.pools[1].name, sizeof sc.pools[1].name, "worker");
	sc.pools[1].size = 2;
	sc.pools[1].max_overflow = 0;
	char *s = capture(config_code_budget, &sc);
	assert_string_equal(s, "Connection budget: pool \"main\" 1 x (5 + 10) = 15, pool \"worker\" "
			       "1 x (2 + 0) = 2; PostgreSQL allows 97 (max_connections 100 - "
			       "superuser_reserved_connections 3 - reserved_connections 0): 17 at "
			       "most, within it (80 to spare).\n");
	free(s);
	s = capture(md, &sc);
	assert_non_null(strstr(s, "    pool_timeout=0.25,\n"));
	free(s);
	sc.pools[1].max_overflow = -1;
	s = capture(config_code_budget, &sc);
	assert_non_null(strstr(s, "pool \"worker\" 1 x (2 + unlimited overflow); PostgreSQL "
				  "allows 97"));
	assert_non_null(strstr(s, "): unbounded (max_overflow = -1)"));
	free(s);
}

static void test_table(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, 1);
	assert_string_equal(config_code_pool_kind(&sc, 0), "sqlalchemy");
	assert_non_null(config_code_find("sqlalchemy"));
	assert_string_equal(config_code_find("sqlalchemy")->lang, "python");
	assert_string_equal(config_code_find("hikaricp")->lang, "properties");
	assert_string_equal(config_code_find("go")->lang, "go");
	assert_null(config_code_find("pgbouncer")); /* not yet: its model adds it */
	sc.pools[0].kind = &pool_kind_sqlalchemy;
	assert_string_equal(config_code_pool_kind(&sc, 0), "sqlalchemy");
}

/* Pool 0 of sc rendered by its kind's renderer. */
static char *render(const struct cfg_scenario *sc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	config_code_find(config_code_pool_kind(sc, 0))->render(f, sc, 0);
	fclose(f);
	return buf;
}

/* Each other kind in its own configuration language, with its documented names and units. */
static void test_other_kinds(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, 2);
	struct cfg_pool *pc = &sc.pools[0];

	pc->kind = &pool_kind_hikaricp;
	pc->size = 16;
	pc->min_idle = 16;
	pc->timeout_s = 0.25;
	pc->idle_timeout_s = 600;
	pc->max_lifetime_s = 1800;
	pc->keepalive_s = 0;
	snprintf(pc->pool_name, sizeof pc->pool_name, "HikariPool-1");
	char *s = render(&sc);
	assert_string_equal(s, "# pool \"main\": one HikariDataSource per JVM (2 processes)\n"
			       "poolName=HikariPool-1\nmaximumPoolSize=16\nminimumIdle=16\n"
			       "connectionTimeout=250\nidleTimeout=600000\nmaxLifetime=1800000\n"
			       "keepaliveTime=0\n");
	free(s);

	cfg_pool_defaults(pc);
	snprintf(pc->name, sizeof pc->name, "main");
	pc->kind = &pool_kind_go;
	pc->max_open = 10;
	pc->size = 10;
	pc->max_lifetime_s = 300;
	pc->idle_timeout_s = 0;
	pc->timeout_s = 0.1;
	s = render(&sc);
	assert_string_equal(s, "// pool \"main\": one *sql.DB per process (2 processes)\n"
			       "db.SetMaxOpenConns(10)\ndb.SetMaxIdleConns(10)\n"
			       "db.SetConnMaxLifetime(300 * time.Second)\ndb.SetConnMaxIdleTime(0)\n"
			       "// each request:\n"
			       "ctx, cancel := context.WithTimeout(ctx, 100 * time.Millisecond)\n"
			       "defer cancel()\n");
	free(s);

	pc->kind = &pool_kind_sqlalchemy_null;
	s = render(&sc);
	assert_string_equal(s, "# pool \"main\": one engine per process (2 processes)\n"
			       "from sqlalchemy.pool import NullPool\n\n"
			       "engine = create_engine(DATABASE_URL, poolclass=NullPool)\n");
	free(s);

	cfg_pool_defaults(pc);
	snprintf(pc->name, sizeof pc->name, "main");
	pc->kind = &pool_kind_sqlalchemy_async;
	s = render(&sc);
	assert_non_null(strstr(s, "engine = create_async_engine(\n    DATABASE_URL,\n"
				  "    pool_size=5,\n"));
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlalchemy_and_budget),
		cmocka_unit_test(test_budget_within_and_unbounded),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_other_kinds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
