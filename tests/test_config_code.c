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
	assert_null(config_code_find("hikaricp")); /* not yet: its pool kind adds it */
	sc.pools[0].kind = &pool_kind_sqlalchemy;
	assert_string_equal(config_code_pool_kind(&sc, 0), "sqlalchemy");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sqlalchemy_and_budget),
		cmocka_unit_test(test_budget_within_and_unbounded),
		cmocka_unit_test(test_table),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
