/* Tests of models/budget: the connection budget arithmetic, by hand.
 *
 * Each case builds a resolved scenario directly (no loader) and states where the expected
 * figures come from: processes x pool_cfg_cap summed over the pools some workload uses,
 * against max_connections - superuser_reserved_connections - reserved_connections. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "models/budget.h"
#include "models/config.h"

static void add_pool(struct cfg_scenario *sc, const char *name, int size, int overflow)
{
	struct cfg_pool *p = &sc->pools[sc->n_pools++];
	cfg_pool_defaults(p);
	snprintf(p->name, sizeof p->name, "%s", name);
	p->size = size;
	p->max_overflow = overflow;
}

static void add_requests(struct cfg_scenario *sc, int pool, int processes)
{
	struct cfg_workload *w = &sc->workloads[sc->n_workloads];
	snprintf(w->name, sizeof w->name, "w%d", sc->n_workloads);
	sc->n_workloads++;
	w->kind = CFG_WORKLOAD_REQUESTS;
	cfg_requests_defaults(&w->req);
	w->req.processes = processes;
	w->pool = pool;
}

static void add_batch(struct cfg_scenario *sc, int pool, int processes)
{
	struct cfg_workload *w = &sc->workloads[sc->n_workloads];
	snprintf(w->name, sizeof w->name, "w%d", sc->n_workloads);
	sc->n_workloads++;
	w->kind = CFG_WORKLOAD_BATCH;
	cfg_batch_defaults(&w->batch);
	w->batch.processes = processes;
	w->pool = pool;
}

/* The deployment: 4 processes x (20 + 30) = 200 against 100 - 3 - 0 = 97. */
static void test_four_processes(void **state)
{
	struct cfg_scenario sc;
	struct budget b;
	char line[512];
	(void)state;

	cfg_scenario_defaults(&sc);
	sc.processes = 4;
	sc.db.max_connections = 100;
	sc.db.superuser_reserved_connections = 3;
	sc.db.reserved_connections = 0;
	add_pool(&sc, "main", 20, 30);
	add_requests(&sc, 0, 0); /* 0: the deployment's 4 processes */
	budget_compute(&sc, &b);
	assert_int_equal(b.n_terms, 1);
	assert_int_equal(b.terms[0].processes, 4);
	assert_int_equal(b.terms[0].cap, 50);
	assert_true(b.most == 200);
	assert_int_equal(b.usable, 97);
	assert_false(b.unlimited);
	assert_true(budget_exceeded(&b));
	budget_format(line, sizeof line, &b, &sc);
	assert_string_equal(line, "4 processes x pool main (cap 50) = 200 > 97 usable slots "
				  "(max_connections 100 - superuser_reserved_connections 3 - "
				  "reserved_connections 0)");

	/* 4 x (10 + 14) = 96 <= 97: fits, exactly one slot to spare */
	sc.pools[0].size = 10;
	sc.pools[0].max_overflow = 14;
	budget_compute(&sc, &b);
	assert_true(b.most == 96);
	assert_false(budget_exceeded(&b));
	/* 97 exactly fits too (the limit is "more than usable") */
	sc.pools[0].max_overflow = 14;
	sc.db.superuser_reserved_connections = 4; /* usable 96 = most: fits */
	budget_compute(&sc, &b);
	assert_int_equal(b.usable, 96);
	assert_false(budget_exceeded(&b));
	sc.db.reserved_connections = 1; /* usable 95 < 96 */
	budget_compute(&sc, &b);
	assert_true(budget_exceeded(&b));
}

/* Several pools and process counts: api (10+20) used by requests on the deployment's 3
 * processes and by a batch on 1 (the larger count, 3, is the pool's); worker (2+3) used by a
 * batch on 5 processes; "spare" used by no workload (never connects, not counted).
 * 3 x 30 + 5 x 5 = 90 + 25 = 115 against 120 - 3 - 2 = 115: fits, exactly. */
static void test_pools_and_processes(void **state)
{
	struct cfg_scenario sc;
	struct budget b;
	char line[512];
	(void)state;

	cfg_scenario_defaults(&sc);
	sc.processes = 3;
	sc.db.max_connections = 120;
	sc.db.superuser_reserved_connections = 3;
	sc.db.reserved_connections = 2;
	add_pool(&sc, "api", 10, 20);
	add_pool(&sc, "worker", 2, 3);
	add_pool(&sc, "spare", 50, 50);
	add_requests(&sc, 0, 0);
	add_batch(&sc, 0, 1);
	add_batch(&sc, 1, 5);
	budget_compute(&sc, &b);
	assert_int_equal(b.n_terms, 2);
	assert_int_equal(b.terms[0].pool, 0);
	assert_int_equal(b.terms[0].processes, 3);
	assert_int_equal(b.terms[1].pool, 1);
	assert_int_equal(b.terms[1].processes, 5);
	assert_true(b.most == 115);
	assert_int_equal(b.usable, 115);
	assert_false(budget_exceeded(&b));
	budget_format(line, sizeof line, &b, &sc);
	assert_string_equal(line, "3 processes x pool api (cap 30) + 5 processes x pool worker "
				  "(cap 5) = 115 <= 115 usable slots (max_connections 120 - "
				  "superuser_reserved_connections 3 - reserved_connections 2)");
	/* a requests workload with its own count of processes: 8 x 30 + 25 = 265 */
	sc.workloads[0].req.processes = 8;
	budget_compute(&sc, &b);
	assert_true(b.most == 265);
	assert_true(budget_exceeded(&b));
}

/* max_overflow -1 (SQLAlchemy: unlimited) can always exceed; the limited pools still add up;
 * size 0 means unlimited too (the loader sets max_overflow -1, as SQLAlchemy 2.0 does). */
static void test_unlimited(void **state)
{
	struct cfg_scenario sc;
	struct budget b;
	char line[512];
	(void)state;

	cfg_scenario_defaults(&sc);
	sc.processes = 1;
	sc.db.max_connections = 1000;
	add_pool(&sc, "a", 5, -1);
	add_pool(&sc, "b", 2, 2);
	add_requests(&sc, 0, 2);
	add_requests(&sc, 1, 1);
	budget_compute(&sc, &b);
	assert_true(b.unlimited);
	assert_int_equal(b.terms[0].cap, -1);
	assert_true(b.most == 4); /* pool b alone */
	assert_true(budget_exceeded(&b));
	budget_format(line, sizeof line, &b, &sc);
	assert_string_equal(line, "2 processes x pool a (unlimited overflow) + 1 process x pool b "
				  "(cap 4) = unlimited > 997 usable slots (max_connections 1000 - "
				  "superuser_reserved_connections 3 - reserved_connections 0)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_four_processes),
		cmocka_unit_test(test_pools_and_processes),
		cmocka_unit_test(test_unlimited),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
