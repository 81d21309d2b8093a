/* Tests of app/scenario's readers of the pool kinds other than QueuePool (sqlalchemy-null,
 * sqlalchemy-async, hikaricp, go): their keys, their defaults as the real systems document
 * them (reference/pool-semantics.md §1.1, §2.1, §4.1), what they set in the resolved
 * configuration, and every error with its exact one-line message. The style of
 * tests/test_scenario.c: JSON written with single quotes, turned into double quotes, written
 * to a temporary file and loaded. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/scenario.h"
#include "models/config.h"
#include "models/pool.h"
#include "sim/status.h"

#define WORKLOADS                                                                           \
	"'workloads': {'api': {'type': 'requests', 'arrival': {'rate': 10}, "                  \
	"'transaction': {'db_time': '10ms'}}}"
/* a pool "main" with members x */
#define POOL(x) "{'pools': {'main': {" x "}}, " WORKLOADS "}"
#define DUR_WHAT "a duration with a unit such as \"8ms\" or \"8s\" (us, ms, s, m, min, h, d; " \
	"a bare number only for 0)"

static char *write_temp(const char *json)
{
	char *s = strdup(json);
	assert_non_null(s);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	char tmpl[] = "/tmp/pooltide-test-kinds-XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	size_t len = strlen(s);
	assert_int_equal(write(fd, s, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
	free(s);
	char *path = strdup(tmpl);
	assert_non_null(path);
	return path;
}

static struct scenario *load(const char *json)
{
	struct scenario *sc = NULL;
	char err[1024] = "";
	char *path = write_temp(json);
	int rc = scenario_load(&sc, path, NULL, 0, err, sizeof err);
	assert_int_equal(remove(path), 0);
	free(path);
	if (rc != PT_OK)
		fail_msg("scenario_load failed: %s", err);
	return sc;
}

/* Must fail with PT_EINVAL and "<path>: " want. */
static void expect(const char *json, const char *want_after_path)
{
	struct scenario *sc = NULL;
	char err[1024] = "", want[1024];
	char *path = write_temp(json);
	int rc = scenario_load(&sc, path, NULL, 0, err, sizeof err);
	snprintf(want, sizeof want, "%s: %s", path, want_after_path);
	assert_int_equal(remove(path), 0);
	free(path);
	assert_string_equal(err, want);
	assert_int_equal(rc, PT_EINVAL);
	assert_null(sc);
}

static const struct cfg_pool *pool0(const struct scenario *sc)
{
	return &sc->variants[0].cfg.pools[0];
}

/* HikariCP's defaults (HikariConfig): maximumPoolSize 10, minimumIdle = maximumPoolSize,
 * connectionTimeout 30 s, idleTimeout 10 min, maxLifetime 30 min, keepaliveTime 0; the pool
 * named HikariPool-1; cap 10, no overflow. */
static void test_hikaricp_defaults(void **state)
{
	(void)state;
	struct scenario *sc = load(POOL("'kind': 'hikaricp'"));
	const struct cfg_pool *p = pool0(sc);
	assert_ptr_equal(p->kind, &pool_kind_hikaricp);
	assert_int_equal(p->size, 10);
	assert_int_equal(p->min_idle, 10);
	assert_int_equal(p->max_overflow, 0);
	assert_true(p->timeout_s == 30);
	assert_true(p->idle_timeout_s == 600);
	assert_true(p->max_lifetime_s == 1800);
	assert_true(p->keepalive_s == 0);
	assert_string_equal(p->pool_name, "HikariPool-1");
	assert_int_equal(pool_cfg_cap(p), 10);
	scenario_destroy(sc);
}

/* Set values; minimumIdle below the maximum; the second HikariCP pool of a process is
 * HikariPool-2 (HikariCP numbers its pools per JVM); connectionTimeout 0 is Integer.MAX_VALUE
 * ms; idleTimeout within 1 s of maxLifetime is disabled, as HikariCP does. */
static void test_hikaricp_values(void **state)
{
	(void)state;
	struct scenario *sc = load(
		"{'pools': {'a': {'kind': 'sqlalchemy'}, "
		"'b': {'kind': 'hikaricp', 'maximumPoolSize': 40, 'minimumIdle': 5, "
		"'connectionTimeout': '2s', 'idleTimeout': '1min', 'maxLifetime': '15min', "
		"'keepaliveTime': '2min'}, "
		"'c': {'kind': 'hikaricp', 'connectionTimeout': 0, 'maxLifetime': '60s', "
		"'idleTimeout': '59.5s', 'minimumIdle': 0, 'poolName': 'orders'}, "
		"'d': {'kind': 'hikaricp'}}, "
		"'workloads': {'api': {'type': 'requests', 'pool': 'b', 'arrival': {'rate': 10}, "
		"'transaction': {'db_time': '10ms'}}}}");
	const struct cfg_pool *b = &sc->variants[0].cfg.pools[1], *c = b + 1, *d = b + 2;
	assert_int_equal(b->size, 40);
	assert_int_equal(b->min_idle, 5);
	assert_true(b->timeout_s == 2);
	assert_true(b->idle_timeout_s == 60);
	assert_true(b->max_lifetime_s == 900);
	assert_true(b->keepalive_s == 120);
	assert_string_equal(b->pool_name, "HikariPool-1");
	assert_true(c->timeout_s == 2147483.647);
	assert_true(c->idle_timeout_s == 0); /* 59.5 + 1 > 60 */
	assert_string_equal(c->pool_name, "orders");
	assert_string_equal(d->pool_name, "HikariPool-3");
	char msg[160];
	pool_timeout_message(b, 0, msg, sizeof msg);
	assert_string_equal(msg, "HikariPool-1 - Connection is not available, request timed out "
				 "after 2000ms.");
	scenario_destroy(sc);
}

static void test_hikaricp_errors(void **state)
{
	(void)state;
	expect(POOL("'kind': 'hikaricp', 'size': 10"),
	       "pools.main.size: unknown key (expected one of: kind, max_waiting, server, maximumPoolSize, "
	       "minimumIdle, connectionTimeout, idleTimeout, maxLifetime, keepaliveTime, "
	       "poolName)");
	expect(POOL("'kind': 'hikaricp', 'maximumPoolSize': 0"),
	       "pools.main.maximumPoolSize: expected an integer >= 1, got 0");
	expect(POOL("'kind': 'hikaricp', 'maximumPoolSize': 5, 'minimumIdle': 6"),
	       "pools.main.minimumIdle: expected an integer from 0 to 5, got 6");
	/* HikariCP's bare numbers are milliseconds: a unit is required */
	expect(POOL("'kind': 'hikaricp', 'connectionTimeout': 30000"),
	       "pools.main.connectionTimeout: expected " DUR_WHAT ", got 30000");
	expect(POOL("'kind': 'hikaricp', 'connectionTimeout': '100ms'"),
	       "pools.main.connectionTimeout: expected 0 (no timeout) or a duration >= 250ms "
	       "(HikariCP's minimum), got \"100ms\"");
	expect(POOL("'kind': 'hikaricp', 'idleTimeout': '5s'"),
	       "pools.main.idleTimeout: expected 0 (never retire idle connections) or a duration "
	       ">= 10s (HikariCP's minimum), got \"5s\"");
	expect(POOL("'kind': 'hikaricp', 'maxLifetime': '10s'"),
	       "pools.main.maxLifetime: expected 0 (no limit) or a duration >= 30s (HikariCP's "
	       "minimum), got \"10s\"");
	expect(POOL("'kind': 'hikaricp', 'keepaliveTime': '40min'"),
	       "pools.main.keepaliveTime: expected 0 (off) or a duration >= 30s and below "
	       "maxLifetime, got \"40min\"");
	expect(POOL("'kind': 'hikaricp', 'poolName': 'a b'"),
	       "pools.main.poolName: expected a pool name of 1 to 63 letters, digits, '_' or "
	       "'-', got \"a b\"");
}

/* Go's defaults: SetMaxOpenConns 0 (unlimited), SetMaxIdleConns 2, no lifetime limits, no
 * context deadline (a waiter waits for ever), random waiter. */
static void test_go_defaults(void **state)
{
	(void)state;
	struct scenario *sc = load(POOL("'kind': 'go'"));
	const struct cfg_pool *p = pool0(sc);
	assert_ptr_equal(p->kind, &pool_kind_go);
	assert_int_equal(p->max_open, 0);
	assert_int_equal(p->size, 2);
	assert_int_equal(p->max_overflow, -1);
	assert_int_equal(pool_cfg_cap(p), -1);
	assert_true(isinf(p->timeout_s));
	assert_true(p->max_lifetime_s == 0);
	assert_true(p->idle_timeout_s == 0);
	assert_false(p->fifo_waiters);
	scenario_destroy(sc);
}

/* SetMaxOpenConns clips MaxIdleConns (10 -> 4); SetMaxIdleConns(0) keeps none. */
static void test_go_values(void **state)
{
	(void)state;
	struct scenario *sc = load(POOL("'kind': 'go', 'max_open_conns': 4, 'max_idle_conns': 10, "
					"'conn_max_lifetime': '5m', 'conn_max_idle_time': '30s', "
					"'context_timeout': '2s', 'waiter_order': 'fifo'"));
	const struct cfg_pool *p = pool0(sc);
	assert_int_equal(p->max_open, 4);
	assert_int_equal(p->size, 4);
	assert_int_equal(p->max_overflow, 0);
	assert_true(p->timeout_s == 2);
	assert_true(p->max_lifetime_s == 300);
	assert_true(p->idle_timeout_s == 30);
	assert_true(p->fifo_waiters);
	scenario_destroy(sc);
	sc = load(POOL("'kind': 'go', 'max_open_conns': 8, 'max_idle_conns': 0"));
	assert_int_equal(pool0(sc)->size, 0);
	assert_int_equal(pool0(sc)->max_overflow, 8);
	scenario_destroy(sc);
}

static void test_go_errors(void **state)
{
	(void)state;
	expect(POOL("'kind': 'go', 'max_open': 10"),
	       "pools.main.max_open: unknown key (expected one of: kind, max_waiting, server, "
	       "max_open_conns, max_idle_conns, conn_max_lifetime, conn_max_idle_time, "
	       "context_timeout, waiter_order)");
	expect(POOL("'kind': 'go', 'max_open_conns': -1"),
	       "pools.main.max_open_conns: expected an integer >= 0, got -1");
	expect(POOL("'kind': 'go', 'max_idle_conns': 1.5"),
	       "pools.main.max_idle_conns: expected an integer >= 0, got 1.5");
	expect(POOL("'kind': 'go', 'context_timeout': 5"),
	       "pools.main.context_timeout: expected " DUR_WHAT ", got 5");
	expect(POOL("'kind': 'go', 'waiter_order': 'lifo'"),
	       "pools.main.waiter_order: expected one of: random, fifo, got \"lifo\"");
}

/* NullPool has no keys of its own; the async pool has QueuePool's but wakeup_latency. */
static void test_sqlalchemy_kinds(void **state)
{
	(void)state;
	struct scenario *sc = load(POOL("'kind': 'sqlalchemy-null'"));
	assert_ptr_equal(pool0(sc)->kind, &pool_kind_sqlalchemy_null);
	assert_int_equal(pool_cfg_cap(pool0(sc)), -1);
	scenario_destroy(sc);
	sc = load(POOL("'kind': 'sqlalchemy-async', 'pool_size': 20, 'max_overflow': 30"));
	assert_ptr_equal(pool0(sc)->kind, &pool_kind_sqlalchemy_async);
	assert_int_equal(pool_cfg_cap(pool0(sc)), 50);
	scenario_destroy(sc);
	expect(POOL("'kind': 'sqlalchemy-null', 'pool_size': 5"),
	       "pools.main.size: unknown key (expected one of: kind, max_waiting, server)");
	expect(POOL("'kind': 'sqlalchemy-async', 'wakeup_latency': '1ms'"),
	       "pools.main.wakeup_latency: unknown key (expected one of: kind, max_waiting, server, size, "
	       "max_overflow, timeout, use_lifo, pre_ping, recycle, checkout_cost, "
	       "close_time)");
}

/* The resolved tree of each kind is itself a valid scenario that loads back to the same
 * pool configuration (what `pooltide check` prints can be run). */
static void test_resolved_round_trip(void **state)
{
	(void)state;
	const char *kinds[] = {
		POOL("'kind': 'hikaricp', 'maximumPoolSize': 40, 'minimumIdle': 5, "
		     "'connectionTimeout': 0, 'keepaliveTime': '5min'"),
		POOL("'kind': 'go', 'max_open_conns': 4, 'conn_max_lifetime': '5m', "
		     "'context_timeout': '2s', 'waiter_order': 'fifo'"),
		POOL("'kind': 'go'"),
		POOL("'kind': 'sqlalchemy-null'"),
		POOL("'kind': 'sqlalchemy-async', 'pool_size': 7"),
	};
	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		struct scenario *a = load(kinds[k]);
		struct scenario *b = load(a->resolved_json);
		const struct cfg_pool *x = pool0(a), *y = pool0(b);
		assert_ptr_equal(x->kind, y->kind);
		assert_int_equal(x->size, y->size);
		assert_int_equal(x->max_overflow, y->max_overflow);
		assert_int_equal(x->min_idle, y->min_idle);
		assert_int_equal(x->max_open, y->max_open);
		assert_true(x->timeout_s == y->timeout_s);
		assert_true(x->idle_timeout_s == y->idle_timeout_s);
		assert_true(x->max_lifetime_s == y->max_lifetime_s);
		assert_true(x->keepalive_s == y->keepalive_s);
		assert_int_equal(x->fifo_waiters, y->fifo_waiters);
		assert_string_equal(x->pool_name, y->pool_name);
		assert_string_equal(a->resolved_json, b->resolved_json);
		scenario_destroy(a);
		scenario_destroy(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hikaricp_defaults), cmocka_unit_test(test_hikaricp_values),
		cmocka_unit_test(test_hikaricp_errors),   cmocka_unit_test(test_go_defaults),
		cmocka_unit_test(test_go_values),         cmocka_unit_test(test_go_errors),
		cmocka_unit_test(test_sqlalchemy_kinds), cmocka_unit_test(test_resolved_round_trip),
	};
	return cmocka_run_group_tests_name("scenario_kinds", tests, NULL, NULL);
}
