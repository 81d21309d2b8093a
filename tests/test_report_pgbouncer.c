/* Tests of app/report_pgbouncer.c: PgBouncer's status table in the terminal and in report.md,
 * its errors in its own words, and "What PgBouncer changed", on an experiment whose every
 * figure is known by hand.
 *
 * The experiment: two variants of one process with a QueuePool 5 + 0 and two requests from a
 * trace (at 0 and 0.1 s, database time 1 s each; client connect 0.0625 s, server connect
 * 0.125 s, no round trip), two replications (a trace: both the same, so every interval is
 * its mean). Variant "direct" has no PgBouncer and must not appear; variant "pgb" runs
 * through PgBouncer in transaction mode with one server and query_wait_timeout 0.5 s. As
 * derived in tests/test_pgbouncer.c (test_model_query_wait_timeout_fails_request): request 1
 * waits at PgBouncer from 0.0625 to 0.1875 (the server connect: 125 ms) and is served;
 * request 2 waits from 0.1625 and is disconnected by the janitor at 2/3 (its wait 0.504 s:
 * maxwait 504ms), so one query_wait_timeout per replication, 2 over both; PostgreSQL sees one
 * server connection, where the pool alone could open 5. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/report_pgbouncer.h"
#include "app/scenario.h"
#include "models/config.h"
#include "models/experiment.h"
#include "sim/dist.h"
#include "tests/testutil.h"

static double trace_t[2] = {0, 0.1}, trace_hold[2] = {1, 1};

static void base(struct cfg_scenario *sc)
{
	testutil_one_workload(sc);
	sc->horizon_s = 10;
	sc->replications = 2;
	dist_constant(&sc->db.connect_time, 0.125);
	sc->db.row_locks = false;
	struct cfg_workload *w = &sc->workloads[0];
	w->req.arrival.trace_n = 2;
	w->req.arrival.trace_t = trace_t;
	w->req.arrival.trace_hold = trace_hold;
}

struct fx {
	struct scenario sc;
	struct scenario_variant v[2];
	struct experiment ex;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	base(&f->v[0].cfg);
	snprintf(f->v[0].name, sizeof f->v[0].name, "direct");
	base(&f->v[1].cfg);
	snprintf(f->v[1].name, sizeof f->v[1].name, "pgb");
	struct cfg_pgbouncer *g = &f->v[1].cfg.pgbouncer;
	g->enabled = true;
	g->pool_mode = CFG_POOL_MODE_TRANSACTION;
	g->default_pool_size = 1;
	g->query_wait_timeout_s = 0.5;
	dist_constant(&g->client_connect_time, 0.0625);
	dist_constant(&f->v[0].cfg.db.connect_time, 0.0625); /* direct: the same connect */
	f->sc.n_variants = 2;
	f->sc.variants = f->v;
	const struct cfg_scenario *cfgs[2] = {&f->v[0].cfg, &f->v[1].cfg};
	if (experiment_run(&f->ex, 2, cfgs, 1, NULL, NULL) != 0)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	experiment_fini(&f->ex);
	free(f);
	return 0;
}

static char *capture(int (*fn)(FILE *, const struct scenario *, const struct experiment *),
		     const struct fx *f)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	assert_non_null(out);
	assert_int_equal(fn(out, &f->sc, &f->ex), 0);
	fclose(out);
	/* a copy: gcc's -Wdangling-pointer takes pointers into buf for pointers to the local */
	char *r = malloc(len + 1);
	assert_non_null(r);
	memcpy(r, buf, len + 1);
	free(buf);
	return r;
}

static void test_terminal(void **state)
{
	struct fx *f = *state;
	char *s = capture(report_pgbouncer_terminal, f);
	assert_non_null(strstr(s, "\nPgBouncer (SHOW POOLS: time averages, max over the run after "
				  "warm-up)\nvariant  pool_mode"));
	assert_null(strstr(s, "direct"));
	assert_non_null(strstr(s, "\npgb      transaction "));
	assert_non_null(strstr(s, "504ms"));
	assert_non_null(strstr(s, "\npgb: PgBouncer 2 times over all replications: "
				  "query_wait_timeout\n"));
	free(s);
}

static void test_markdown(void **state)
{
	struct fx *f = *state;
	char *s = capture(report_pgbouncer_md, f);
	assert_true(strncmp(s, "## PgBouncer\n\n", 14) == 0);
	/* headers are the program's words, written as they are (app/table.h) */
	assert_non_null(strstr(s, "\n| variant | pool_mode | cl_active | cl_waiting | "
				  "cl_waiting max | sv_active | sv_idle | maxwait | "
				  "query_wait_timeout per replication | max_client_conn "
				  "refusals per replication |\n"));
	assert_null(strstr(s, "direct"));
	/* both replications the same: each interval is its mean */
	assert_non_null(strstr(s, "| pgb | transaction | "));
	assert_non_null(strstr(s, " | 504ms [504ms, 504ms] | 1.00 [1.00, 1.00] | 0 [0, 0] |\n"));
	assert_non_null(strstr(s, "\nWhat PgBouncer changed:\n\n- pgb (transaction pooling): "
				  "PostgreSQL saw at most 1 server connections (the largest in a "
				  "replication, mean over replications; PgBouncer allows 1, where the "
				  "pools alone could open 5); transactions that got a server waited "
				  "125ms for it on average, the longest wait of any client was 504ms; "
				  "PgBouncer: `query_wait_timeout` 2 times over all replications.\n"));
	assert_non_null(strstr(s, "](pgbouncer.png)\n"));
	free(s);
}

/* Without PgBouncer in any variant: nothing at all. */
static void test_nothing_without_pgbouncer(void **state)
{
	struct fx *f = *state;
	struct fx g = *f;
	g.sc.n_variants = 1;
	g.ex.n_variants = 1;
	char *s = capture(report_pgbouncer_md, &g);
	assert_string_equal(s, "");
	free(s);
	s = capture(report_pgbouncer_terminal, &g);
	assert_string_equal(s, "");
	free(s);
}

/* PgBouncer in front of the primary and a replica r1 (server connect 0.25 s), one pool per
 * database: variant "pgb" plus pool "ro" (QueuePool 5 + 0) on r1 and a workload "reader" whose
 * reads all go to it, from a trace at 0 and 0.2375 s (1 s each). The primary's database runs
 * as above (maxwait 504ms, one query_wait_timeout a replication, waits 125ms). r1's: reader's
 * first request connects to PgBouncer (0.0625) and waits for r1's server connect (linked at
 * 0.3125: waited 250ms); its second connects at 0.3 and waits; the janitor passes at 2/3 (age
 * 0.367) and at 1 (0.7 > 0.5): dropped, maxwait 700ms. Each database's row and its errors are
 * named; r1's pools alone could open 5, PgBouncer allows 1. */
static double rtrace_t[2] = {0, 0.2375}, rtrace_hold[2] = {1, 1};

static void test_per_database(void **state)
{
	(void)state;
	struct fx *f = calloc(1, sizeof *f);
	assert_non_null(f);
	struct cfg_scenario *c = &f->v[0].cfg;
	base(c);
	snprintf(f->v[0].name, sizeof f->v[0].name, "pgb");
	struct cfg_pgbouncer *g = &c->pgbouncer;
	g->enabled = true;
	g->pool_mode = CFG_POOL_MODE_TRANSACTION;
	g->default_pool_size = 1;
	g->query_wait_timeout_s = 0.5;
	dist_constant(&g->client_connect_time, 0.0625);
	c->n_replicas = 1;
	cfg_replica_defaults(c, &c->replicas[0], "r1");
	dist_constant(&c->replicas[0].db.connect_time, 0.25);
	c->n_pools = 2;
	c->pools[1] = c->pools[0];
	snprintf(c->pools[1].name, CFG_NAME_MAX, "ro");
	c->pools[1].server = 1;
	c->n_workloads = 2;
	c->workloads[1] = c->workloads[0];
	snprintf(c->workloads[1].name, CFG_NAME_MAX, "reader");
	c->workloads[1].req.arrival.trace_t = rtrace_t;
	c->workloads[1].req.arrival.trace_hold = rtrace_hold;
	c->workloads[1].req.reads.n_pools = 1;
	c->workloads[1].req.reads.pools[0] = 1;
	c->workloads[1].req.reads.share = 1;
	f->sc.n_variants = 1;
	f->sc.variants = f->v;
	const struct cfg_scenario *cfgs[1] = {c};
	assert_int_equal(experiment_run(&f->ex, 1, cfgs, 1, NULL, NULL), 0);
	char *s = capture(report_pgbouncer_md, f);
	assert_non_null(strstr(s, "\n| variant | database | pool_mode | cl_active | "));
	assert_non_null(strstr(s, "\n| pgb | primary | transaction | "));
	assert_non_null(strstr(s, "\n| pgb | r1 | transaction | "));
	assert_non_null(strstr(s, " | 504ms [504ms, 504ms] | 1.00 [1.00, 1.00] | 0 [0, 0] |\n"));
	assert_non_null(strstr(s, " | 700ms [700ms, 700ms] | 1.00 [1.00, 1.00] | 0 [0, 0] |\n"));
	assert_non_null(strstr(s, "\n- pgb, database of r1 (transaction pooling): PostgreSQL saw at "
				  "most 1 server connections (the largest in a replication, mean "
				  "over replications; PgBouncer allows 1, where the pools alone could "
				  "open 5); transactions that got a server waited 250ms for it on "
				  "average, the longest wait of any client was 700ms; PgBouncer: "
				  "`query_wait_timeout` 2 times over all replications.\n"));
	assert_non_null(strstr(s, "\n- pgb, database of primary (transaction pooling): "));
	free(s);
	s = capture(report_pgbouncer_terminal, f);
	assert_non_null(strstr(s, "\npgb: PgBouncer, database of primary 2 times over all "
				  "replications: query_wait_timeout\n"));
	assert_non_null(strstr(s, "\npgb: PgBouncer, database of r1 2 times over all "
				  "replications: query_wait_timeout\n"));
	free(s);
	experiment_fini(&f->ex);
	free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminal),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_nothing_without_pgbouncer),
	};
	const struct CMUnitTest alone[] = {
		cmocka_unit_test(test_per_database),
	};
	int failed = cmocka_run_group_tests(tests, setup, teardown);
	return failed + cmocka_run_group_tests(alone, NULL, NULL);
}
