/* Sweeps: axis parsing, the grid's order and names, the guard against an axis that changes
 * nothing, and the answer to "the smallest pool meeting the SLO" checked against queueing
 * theory (M/M/c+D, reference/queueing.md). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/sweep.h"
#include "models/experiment.h"
#include "sim/status.h"
#include "tests/queueing_ref.h"

static void test_parse_axis(void **state)
{
	(void)state;
	struct sweep_axis ax;
	char err[256];
	assert_int_equal(sweep_parse_axis("pools.main.size=10,20,30", &ax, err, sizeof err), 0);
	assert_string_equal(ax.path, "pools.main.size");
	assert_int_equal(ax.n, 3);
	assert_string_equal(ax.values[2], "30");
	assert_int_equal(sweep_parse_axis("pools.main.timeout=30s", &ax, err, sizeof err), 0);
	assert_int_equal(ax.n, 1);
	assert_string_equal(ax.values[0], "30s");

	assert_int_equal(sweep_parse_axis("pools.main.size", &ax, err, sizeof err), PT_EINVAL);
	assert_string_equal(err, "--vary expects PATH=V1,V2,..., such as pools.main.size=10,20,30, "
				 "got 'pools.main.size'");
	assert_int_equal(sweep_parse_axis("=1,2", &ax, err, sizeof err), PT_EINVAL);
	assert_int_equal(sweep_parse_axis("a.b=1,,2", &ax, err, sizeof err), PT_EINVAL);
	assert_string_equal(err, "--vary a.b: expected values separated by commas, each 1 to 63 "
				 "characters, got '1,,2'");
}

/* Two axes: first axis slowest; names from the last path component; each point's cfg has its
 * values; variants other than the chosen one are not part of the grid. */
static void test_grid(void **state)
{
	(void)state;
	struct sweep sw = {0};
	char err[512];
	assert_int_equal(sweep_parse_axis("pools.main.size=28,30", &sw.axes[0], err, sizeof err), 0);
	assert_int_equal(sweep_parse_axis("pools.main.max_overflow=0,5,10", &sw.axes[1], err,
					  sizeof err), 0);
	sw.n_axes = 2;
	assert_int_equal(sweep_load(&sw, "scenarios/mmc-validation.json", NULL, 0, NULL, err,
				    sizeof err), 0);
	assert_int_equal(sw.n_points, 6);
	assert_int_equal(sw.grid->n_variants, 6);
	assert_string_equal(sw.grid->variants[0].name, "size=28 max_overflow=0");
	assert_string_equal(sw.grid->variants[1].name, "size=28 max_overflow=5");
	assert_string_equal(sw.grid->variants[5].name, "size=30 max_overflow=10");
	assert_int_equal(sw.grid->variants[4].cfg.pools[0].size, 30);
	assert_int_equal(sw.grid->variants[4].cfg.pools[0].max_overflow, 5);
	/* the first variant ("timeout 50ms"), not the second */
	assert_true(sw.grid->variants[4].cfg.pools[0].timeout_s == 0.05);
	sweep_fini(&sw);

	/* --variant picks another one */
	struct sweep sw2 = {0};
	assert_int_equal(sweep_parse_axis("pools.main.size=28,30", &sw2.axes[0], err, sizeof err), 0);
	sw2.n_axes = 1;
	assert_int_equal(sweep_load(&sw2, "scenarios/mmc-validation.json", NULL, 0,
				    "timeout 500ms", err, sizeof err), 0);
	assert_true(sw2.grid->variants[1].cfg.pools[0].timeout_s == 0.5);
	sweep_fini(&sw2);
}

static void test_errors(void **state)
{
	(void)state;
	char err[512];
	/* a variant that sets the swept path itself undoes the axis */
	struct sweep sw = {0};
	assert_int_equal(sweep_parse_axis("pools.main.timeout=1s,2s", &sw.axes[0], err, sizeof err),
			 0);
	sw.n_axes = 1;
	assert_int_equal(sweep_load(&sw, "scenarios/mmc-validation.json", NULL, 0, "timeout 500ms",
				    err, sizeof err),
			 PT_EINVAL);
	assert_string_equal(err, "--vary pools.main.timeout: the values change nothing in the "
				 "configuration (does the variant set pools.main.timeout itself?)");
	/* a value the scenario rejects names the --vary it came from (issue 10 item 15,
	 * regression: it spoke of a --set the user never gave) */
	struct sweep sw2 = {0};
	assert_int_equal(sweep_parse_axis("pools.main.size=10,-3", &sw2.axes[0], err, sizeof err), 0);
	sw2.n_axes = 1;
	assert_int_equal(sweep_load(&sw2, "scenarios/mmc-validation.json", NULL, 0, NULL, err,
				    sizeof err),
			 PT_EINVAL);
	assert_non_null(strstr(err, ": --vary pools.main.size=-3: pools.main.size: "));
	assert_null(strstr(err, "--set"));
	assert_non_null(strstr(err, "expected an integer >= 0, got -3"));
	/* unknown variant */
	struct sweep sw3 = {0};
	assert_int_equal(sweep_parse_axis("pools.main.size=10", &sw3.axes[0], err, sizeof err), 0);
	sw3.n_axes = 1;
	assert_int_equal(sweep_load(&sw3, "scenarios/mmc-validation.json", NULL, 0, "nope", err,
				    sizeof err),
			 PT_EINVAL);
	assert_non_null(strstr(err, "has no variant named 'nope'"));
}

/* The question the sweep answers, against theory: M/M/c+D with lam = 280/s, mean hold 0.1 s,
 * timeout 50 ms (scenarios/mmc-validation.json) and an SLO of 1.5 % timeouts. The exact
 * P(abandon) (queueing_ref) falls below 1.5 % first at c = 31; the neighbours are far from
 * the limit (c = 30: 1.93 %, c = 31: about 1.1 %) compared with the intervals of 10
 * replications of 20 minutes (about +/- 0.05 %), so the sweep must name c = 31. */
static void test_smallest_matches_theory(void **state)
{
	(void)state;
	int exact = -1;
	for (int c = 28; c <= 33 && exact < 0; c++) {
		struct qref_mmcd q;
		assert_int_equal(qref_mmcd(c, 280, 10, 0.05, &q), QREF_OK);
		if (q.p_abandon <= 0.015)
			exact = c;
	}
	assert_int_equal(exact, 31);

	struct sweep sw = {0};
	char err[512];
	assert_int_equal(sweep_parse_axis("pools.main.size=28,29,30,31,32,33", &sw.axes[0], err,
					  sizeof err), 0);
	sw.n_axes = 1;
	const char *sets[] = {"slo={\"api\": {\"timeout_rate\": \"1.5%\"}}"};
	assert_int_equal(sweep_load(&sw, "scenarios/mmc-validation.json", sets, 1, NULL, err,
				    sizeof err), 0);
	const struct cfg_scenario *cfgs[6];
	for (int k = 0; k < 6; k++)
		cfgs[k] = &sw.grid->variants[k].cfg;
	struct experiment ex;
	assert_int_equal(experiment_run(&ex, 6, cfgs, 0, NULL, NULL), 0);
	int best = sweep_smallest_passing(&sw, &ex);
	assert_true(best >= 0);
	assert_string_equal(sw.grid->variants[best].name, "size=31");

	/* sweep.csv: a header and one row per point, the verdict last */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	sweep_write_csv(f, &sw, &ex);
	fclose(f);
	assert_true(strncmp(buf, "pools.main.size,api.failure_rate,api.failure_rate_ci_low,"
				 "api.failure_rate_ci_high,api.wait_p99,api.wait_p99_ci_low,"
				 "api.wait_p99_ci_high,slo,failed_limits,over_budget,replications\n",
			 175) == 0);
	int rows = 0;
	for (char *p = buf; *p; p++)
		rows += *p == '\n';
	assert_int_equal(rows, 7);
	assert_non_null(strstr(buf, "\n31,"));
	assert_non_null(strstr(buf, ",fail,api.timeout_rate,0,10\n"));
	assert_non_null(strstr(buf, ",pass,,0,10\n"));
	free(buf);
	experiment_fini(&ex);
	sweep_fini(&sw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_axis),
		cmocka_unit_test(test_grid),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_smallest_matches_theory),
	};
	return cmocka_run_group_tests_name("sweep", tests, NULL, NULL);
}
