/* Tests of the scenario loader's read replicas (app/load_replicas.c): the "replicas" section,
 * pools.NAME.server and workloads.NAME.reads, their defaults (a replica copies the primary),
 * the resolved JSON (loads back to the same values), overrides, and every error path with its
 * exact one-line message. JSON is written with single quotes (turned into double quotes).
 * Last, the reports per server through the command line ($POOLTIDE, set by tests/run_all.sh,
 * or build/pooltide): exit 2 and no result folder for a bad scenario, and summary.json's and
 * summary.csv's replica members for a good one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#include "app/scenario.h"
#include "models/config.h"
#include "sim/status.h"

static char *write_temp(const char *json)
{
	char tmpl[] = "/tmp/pooltide-test-replicas-XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0);
	char *text = strdup(json);
	assert_non_null(text);
	for (char *p = text; *p; p++)
		if (*p == '\'')
			*p = '"';
	size_t n = strlen(text);
	assert_int_equal(write(fd, text, n), (ssize_t)n);
	assert_int_equal(close(fd), 0);
	free(text);
	char *path = strdup(tmpl);
	assert_non_null(path);
	return path;
}

static struct scenario *load_sets(const char *json, const char *const *sets, int n_sets)
{
	struct scenario *sc = NULL;
	char err[1024] = "";
	char *path = write_temp(json);
	if (scenario_load(&sc, path, sets, n_sets, err, sizeof err) != PT_OK)
		fail_msg("scenario_load failed: %s", err);
	assert_int_equal(remove(path), 0);
	free(path);
	return sc;
}

/* Must fail with PT_EINVAL and "<path>: " want. */
static void expect_sets(const char *json, const char *const *sets, int n_sets, const char *want)
{
	struct scenario *sc = NULL;
	char err[1024] = "", full[1200];
	char *path = write_temp(json);
	int rc = scenario_load(&sc, path, sets, n_sets, err, sizeof err);
	snprintf(full, sizeof full, "%s: %s", path, want);
	assert_int_equal(remove(path), 0);
	free(path);
	assert_string_equal(err, full);
	assert_int_equal(rc, PT_EINVAL);
	assert_null(sc);
}

static void expect(const char *json, const char *want) { expect_sets(json, NULL, 0, want); }

/* A primary, replicas r1 and r2 (x: the replicas' members), pools main (primary), a (on r1),
 * b (on r2), workload api on main with reads y. */
#define SC(x, y)                                                                              \
	"{'database': {'max_connections': 100, 'cores': 4, 'rtt': '1ms', "                     \
	"'connect_time': {'dist': 'constant', 'value': '8ms'}}, "                              \
	"'replicas': {" x "}, "                                                               \
	"'pools': {'main': {'size': 5}, 'a': {'server': 'r1'}, 'b': {'server': 'r2'}}, "       \
	"'workloads': {'api': {'type': 'requests', 'pool': 'main', 'arrival': {'rate': 10}, "  \
	"'transaction': {'db_time': {'dist': 'constant', 'value': '10ms'}}" y "}}}"
#define TWO "'r1': {}, 'r2': {'max_connections': 200, 'cores': 8, 'rtt': '2ms'}"
#define READS ", 'reads': {'pools': ['a', 'b']}"

static void test_replicas_loaded_with_defaults(void **state)
{
	(void)state;
	struct scenario *s = load_sets(SC(TWO, READS), NULL, 0);
	const struct cfg_scenario *c = &s->variants[0].cfg;
	assert_int_equal(c->n_replicas, 2);
	assert_string_equal(c->replicas[0].name, "r1");
	/* r1 copies the primary */
	assert_int_equal(c->replicas[0].db.max_connections, 100);
	assert_int_equal(c->replicas[0].db.superuser_reserved_connections, 3);
	assert_int_equal(c->replicas[0].db.cores, 4);
	assert_true(c->replicas[0].db.rtt_s == 0.001);
	assert_int_equal(c->replicas[0].db.connect_time.kind, c->db.connect_time.kind);
	assert_true(c->replicas[0].db.connect_time.mean == 0.008);
	assert_false(c->replicas[0].db.row_locks);
	/* r2 its own */
	assert_int_equal(c->replicas[1].db.max_connections, 200);
	assert_int_equal(c->replicas[1].db.cores, 8);
	assert_true(c->replicas[1].db.rtt_s == 0.002);
	assert_int_equal(c->pools[0].server, 0);
	assert_int_equal(c->pools[1].server, 1);
	assert_int_equal(c->pools[2].server, 2);
	const struct cfg_reads *rd = &c->workloads[0].req.reads;
	assert_int_equal(rd->n_pools, 2);
	assert_int_equal(rd->pools[0], 1);
	assert_int_equal(rd->pools[1], 2);
	assert_true(rd->share == 1);
	assert_int_equal(rd->routing, CFG_ROUTING_ROUND_ROBIN);
	/* the resolved form names every default and loads back to the same values */
	assert_non_null(strstr(s->resolved_json, "\"server\":\t\"r1\""));
	assert_non_null(strstr(s->resolved_json, "\"routing\":\t\"round-robin\""));
	FILE *f = NULL;
	char tmpl[] = "/tmp/pooltide-test-replicas-XXXXXX";
	int fd = mkstemp(tmpl);
	assert_true(fd >= 0 && (f = fdopen(fd, "w")) != NULL);
	fputs(s->resolved_json, f);
	assert_int_equal(fclose(f), 0);
	struct scenario *back = NULL;
	char err[512];
	assert_int_equal(scenario_load(&back, tmpl, NULL, 0, err, sizeof err), PT_OK);
	assert_int_equal(remove(tmpl), 0);
	const struct cfg_scenario *b = &back->variants[0].cfg;
	assert_int_equal(b->n_replicas, 2);
	assert_true(b->replicas[0].db.connect_time.mean == 0.008);
	assert_int_equal(b->replicas[1].db.cores, 8);
	assert_int_equal(b->pools[2].server, 2);
	assert_int_equal(b->workloads[0].req.reads.n_pools, 2);
	assert_string_equal(back->resolved_json, s->resolved_json);
	scenario_destroy(back);
	scenario_destroy(s);
}

static void test_reads_share_routing_and_overrides(void **state)
{
	(void)state;
	static const char *const sets[] = {"workloads.api.reads.pools=[\"b\"]",
					   "workloads.api.reads.share=80%",
					   "workloads.api.reads.routing=random",
					   "replicas.r1.cores=2"};
	struct scenario *s = load_sets(SC(TWO, READS), sets, 4);
	const struct cfg_scenario *c = &s->variants[0].cfg;
	const struct cfg_reads *rd = &c->workloads[0].req.reads;
	assert_int_equal(rd->n_pools, 1);
	assert_int_equal(rd->pools[0], 2);
	assert_true(rd->share == 0.8);
	assert_int_equal(rd->routing, CFG_ROUTING_RANDOM);
	assert_int_equal(c->replicas[0].db.cores, 2);
	scenario_destroy(s);
	/* no replicas: nothing routed, no server in the resolved pools */
	s = load_sets("{'pools': {'main': {}}, 'workloads': {'api': {'type': 'requests', "
		      "'arrival': {'rate': 1}, 'transaction': {'db_time': {'dist': 'constant', "
		      "'value': '1ms'}}}}}", NULL, 0);
	assert_int_equal(s->variants[0].cfg.n_replicas, 0);
	assert_int_equal(s->variants[0].cfg.workloads[0].req.reads.n_pools, 0);
	assert_null(strstr(s->resolved_json, "server"));
	assert_null(strstr(s->resolved_json, "\"replicas\":"));
	scenario_destroy(s);
}

static void test_err_replicas(void **state)
{
	(void)state;
	expect("{'replicas': 3, 'pools': {'main': {}}, 'workloads': {}}",
	       "replicas: expected an object mapping replica names to replicas, got 3");
	expect(SC("'r1': {}, 'r2': {}, 'r3': {}, 'r4': {}, 'r5': {}", ""),
	       "replicas: expected 0 to 4 replicas, got 5");
	expect(SC("'r 1': {}", ""),
	       "replicas: expected replica names of 1 to 63 letters, digits, '_' or '-', got "
	       "\"r 1\"");
	expect(SC("'primary': {}", ""),
	       "replicas.primary: \"primary\" names the database section's server; expected "
	       "another name for a replica");
	expect(SC("'r1': 1", ""), "replicas.r1: expected an object, got 1");
	expect(SC("'r1': {'row_locks': false}", ""),
	       "replicas.r1.row_locks: unknown key (expected one of: max_connections, "
	       "superuser_reserved_connections, reserved_connections, connect_time, rtt, cores, "
	       "statement_timeout)");
	/* no lock_timeout on a replica: it takes no row lock */
	expect(SC("'r1': {'lock_timeout': '1s'}", ""),
	       "replicas.r1.lock_timeout: unknown key (expected one of: max_connections, "
	       "superuser_reserved_connections, reserved_connections, connect_time, rtt, cores, "
	       "statement_timeout)");
	expect(SC("'r1': {'statement_timeout': '-1s'}", ""),
	       "replicas.r1.statement_timeout: expected a duration with a unit such as \"8ms\" or "
	       "\"8s\" (us, ms, s, m, min, h, d; a bare number only for 0), got \"-1s\"");
	expect(SC("'r1': {'max_connections': 50}", ""),
	       "replicas.r1.max_connections: expected an integer >= database.max_connections "
	       "(100): a hot standby with fewer does not start (\"hot standby is not possible "
	       "because of insufficient parameter settings\"), got 50");
	expect(SC("'r1': {'superuser_reserved_connections': 100}", ""),
	       "replicas.r1.max_connections: expected an integer > superuser_reserved_connections "
	       "+ reserved_connections (100), so that one connection slot is usable, got 100");
	expect(SC("'r1': {'cores': -1}", ""), "replicas.r1.cores: expected an integer from 0 to "
					       "4096, got -1");
	expect(SC("'r1': {'connect_time': 'x'}", ""),
	       "replicas.r1.connect_time: expected a distribution such as {\"dist\": "
	       "\"exponential\", \"mean\": \"20ms\"} or a duration with a unit such as \"8ms\" "
	       "or \"8s\", got \"x\"");
	static const char *const typo[] = {"replicas.r9.cores=2"};
	expect_sets(SC(TWO, ""), typo, 1,
		    "--set replicas.r9.cores=2: replicas.r9: unknown key (expected one of: r1, r2)");
}

/* replicas.NAME.statement_timeout: a replica's own server setting; absent, the primary's
 * database.statement_timeout (here set by --set, which the replica's default follows); the
 * resolved form names it per replica. */
static void test_replica_statement_timeout(void **state)
{
	(void)state;
	static const char *const sets[] = {"database.statement_timeout=5s",
					   "replicas.r2.statement_timeout=30s"};
	struct scenario *s = load_sets(SC(TWO, READS), sets, 2);
	const struct cfg_scenario *c = &s->variants[0].cfg;
	assert_true(c->db.statement_timeout_s == 5);
	assert_true(c->replicas[0].db.statement_timeout_s == 5);
	assert_true(c->replicas[1].db.statement_timeout_s == 30);
	assert_non_null(strstr(s->resolved_json, "\"statement_timeout\":\t\"30s\""));
	scenario_destroy(s);
	s = load_sets(SC(TWO, READS), NULL, 0);
	c = &s->variants[0].cfg;
	assert_true(c->replicas[0].db.statement_timeout_s == 0); /* the primary's: off */
	scenario_destroy(s);
}

/* PgBouncer in front of replicas: a pool on a replica behind a "pgbouncer" section loads (it
 * was refused before PgBouncer had one pool per database); PgBouncer fronts the primary and
 * every replica a pool uses (r1 and r2 here; with pool b moved to the primary, r2 no more). */
static void test_pgbouncer_fronts_the_replicas_pools_use(void **state)
{
	(void)state;
	static const char *const sets[] = {"pgbouncer.pool_mode=transaction"};
	struct scenario *s = load_sets(SC(TWO, READS), sets, 1);
	const struct cfg_scenario *c = &s->variants[0].cfg;
	assert_true(c->pgbouncer.enabled);
	assert_true(cfg_pgbouncer_fronts(c, 0));
	assert_true(cfg_pgbouncer_fronts(c, 1));
	assert_true(cfg_pgbouncer_fronts(c, 2));
	scenario_destroy(s);
	static const char *const moved[] = {"pgbouncer.pool_mode=transaction",
					    "pools.b.server=primary",
					    "workloads.api.reads.pools=[\"a\"]"};
	s = load_sets(SC(TWO, READS), moved, 3);
	c = &s->variants[0].cfg;
	assert_true(cfg_pgbouncer_fronts(c, 1));
	assert_false(cfg_pgbouncer_fronts(c, 2));
	scenario_destroy(s);
}

static void test_err_pool_server(void **state)
{
	(void)state;
	expect("{'replicas': {'r1': {}}, 'pools': {'main': {'server': 'r2'}}, 'workloads': {}}",
	       "pools.main.server: expected \"primary\" or the name of a replica (primary, r1), "
	       "got \"r2\"");
	expect("{'pools': {'main': {'server': 1}}, 'workloads': {}}",
	       "pools.main.server: expected \"primary\" or the name of a replica (primary), got 1");
	expect("{'replicas': {'r1': {}}, 'pools': {'r': {'server': 'r1'}}, 'workloads': {'api': "
	       "{'type': 'requests', 'arrival': {'rate': 1}, 'transaction': {'db_time': "
	       "{'dist': 'constant', 'value': '1ms'}}}}}",
	       "workloads.api.pool: expected a pool on the primary (pools.r.server is \"r1\": a "
	       "workload's own pool runs its writes, and a replica is read-only; route reads with "
	       "\"reads\"), got \"r\"");
}

static void test_err_reads(void **state)
{
	(void)state;
	expect(SC(TWO, ", 'reads': ['a']"),
	       "workloads.api.reads: expected an object such as {\"pools\": [\"api_replica1\"], "
	       "\"share\": 1, \"routing\": \"round-robin\"}, got [\"a\"]");
	expect(SC(TWO, ", 'reads': {'share': 1}"), "workloads.api.reads.pools: required");
	expect(SC(TWO, ", 'reads': {'pools': ['a'], 'when': 1}"),
	       "workloads.api.reads.when: unknown key (expected one of: pools, share, routing)");
	expect(SC(TWO, ", 'reads': {'pools': []}"),
	       "workloads.api.reads.pools: expected an array of 1 to 4 pool names, each pool on a "
	       "read replica, got []");
	expect(SC(TWO, ", 'reads': {'pools': 'a'}"),
	       "workloads.api.reads.pools: expected an array of 1 to 4 pool names, each pool on a "
	       "read replica, got \"a\"");
	expect(SC(TWO, ", 'reads': {'pools': ['a', 'c']}"),
	       "workloads.api.reads.pools[1]: expected the name of a pool (main, a, b), got \"c\"");
	expect(SC(TWO, ", 'reads': {'pools': ['main']}"),
	       "workloads.api.reads.pools[0]: expected a pool on a read replica (pools.main.server "
	       "is \"primary\"), got \"main\"");
	expect(SC(TWO, ", 'reads': {'pools': ['a', 'a']}"),
	       "workloads.api.reads.pools[1]: expected a pool not listed before, got \"a\"");
	expect(SC(TWO, ", 'reads': {'pools': ['a'], 'share': 1.5}"),
	       "workloads.api.reads.share: expected a fraction from 0 to 1 such as 0.8, or a "
	       "percentage such as \"80%\", got 1.5");
	expect(SC(TWO, ", 'reads': {'pools': ['a'], 'routing': 'least-connections'}"),
	       "workloads.api.reads.routing: expected one of: round-robin, random, got "
	       "\"least-connections\"");
}

static const char *bin(void)
{
	const char *b = getenv("POOLTIDE");
	return b && *b ? b : "build/pooltide";
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof buf - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* One replica taking every read of a small run: summary.json has "replicas": {"r1": {...}} and
 * "replica_budgets", summary.csv rows replica/r1 whose connections are the replica's own; a
 * replica with fewer max_connections than the primary exits 2 and writes nothing. */
static void test_reports_per_server(void **state)
{
	(void)state;
	char dir[] = "/tmp/pooltide-test-replicas-dir-XXXXXX", cmd[1024], path[600];
	assert_non_null(mkdtemp(dir));
	char *bad = write_temp(SC("'r1': {'max_connections': 10}, 'r2': {}", ""));
	snprintf(cmd, sizeof cmd, "%s run %s -o %s/bad --quiet --no-plot 2>/dev/null", bin(), bad,
		 dir);
	int rc = system(cmd);
	assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 2);
	snprintf(path, sizeof path, "%s/bad", dir);
	assert_int_equal(access(path, F_OK), -1);
	assert_int_equal(remove(bad), 0);
	free(bad);

	char *good = write_temp("{'horizon': '60s', 'replications': 2, "
				"'replicas': {'r1': {'cores': 2}}, 'pools': {'main': {}, "
				"'a': {'server': 'r1'}}, 'workloads': {'api': {'type': 'requests', "
				"'pool': 'main', 'arrival': {'rate': 20}, 'transaction': {'db_time': "
				"{'dist': 'constant', 'value': '10ms'}}, 'reads': {'pools': ['a']}}}}");
	snprintf(cmd, sizeof cmd, "%s run %s -o %s/good --quiet --no-plot >/dev/null 2>&1", bin(),
		 good, dir);
	rc = system(cmd);
	assert_true(WIFEXITED(rc) && WEXITSTATUS(rc) == 0);
	snprintf(cmd, sizeof cmd, "cat %s/good/*/*/summary.json > %s/s.json && "
		 "cat %s/good/*/*/summary.csv > %s/s.csv", dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof path, "%s/s.json", dir);
	const char *j = slurp(path);
	assert_non_null(strstr(j, "\"replicas\": {"));
	assert_non_null(strstr(j, "\"r1\": {"));
	assert_non_null(strstr(j, "\"replica_budgets\": {\"r1\": {\"most\": 15"));
	snprintf(path, sizeof path, "%s/s.csv", dir);
	const char *csv = slurp(path);
	/* every read on the replica: its own connections, its own CPU; none on the primary */
	assert_non_null(strstr(csv, ",replica/r1,server_connections_max,"));
	assert_non_null(strstr(csv, ",replica/r1,cpu_busy_mean,"));
	assert_non_null(strstr(csv, ",database,server_connections_max,0,0,0,"));
	/* the same behind PgBouncer: its pool of r1's database in summary.json
	 * ("pgbouncer_replicas") and summary.csv ("pgbouncer/r1"), r1's budget its pool's 3 */
	snprintf(cmd, sizeof cmd, "%s run %s -o %s/pgb --quiet --no-plot --set "
		 "pgbouncer.pool_mode=transaction --set pgbouncer.default_pool_size=3 >/dev/null "
		 "2>&1 && cat %s/pgb/*/*/summary.json > %s/p.json && cat %s/pgb/*/*/summary.csv > "
		 "%s/p.csv", bin(), good, dir, dir, dir, dir, dir);
	assert_int_equal(system(cmd), 0);
	snprintf(path, sizeof path, "%s/p.json", dir);
	j = slurp(path);
	assert_non_null(strstr(j, "\"pgbouncer\": {\n        \"queries\": "));
	assert_non_null(strstr(j, "\"pgbouncer_replicas\": {\n        \"r1\": {\n          "
				  "\"queries\": "));
	assert_non_null(strstr(j, "\"replica_budgets\": {\"r1\": {\"most\": 3"));
	snprintf(path, sizeof path, "%s/p.csv", dir);
	csv = slurp(path);
	assert_non_null(strstr(csv, ",pgbouncer,queries,"));
	assert_non_null(strstr(csv, ",pgbouncer/r1,queries,"));
	assert_non_null(strstr(csv, ",pgbouncer/r1,sv_active_max,"));
	assert_int_equal(remove(good), 0);
	free(good);
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replicas_loaded_with_defaults),
		cmocka_unit_test(test_reads_share_routing_and_overrides),
		cmocka_unit_test(test_err_replicas),
		cmocka_unit_test(test_pgbouncer_fronts_the_replicas_pools_use),
		cmocka_unit_test(test_replica_statement_timeout),
		cmocka_unit_test(test_err_pool_server),
		cmocka_unit_test(test_err_reads),
		cmocka_unit_test(test_reports_per_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
