/* Aggregates (models/aggregate.c) and the ordered fold of an experiment (models/experiment.c).
 *
 * - Every estimate read off an aggregate is the same bytes as the one computed from every
 *   replication's full result (estimate_metric, estimate_paired_diff), for every metric of the
 *   table and every workload and pool; the merged histograms, the refused connects, the first
 *   timeout's overflow and the exhausted replications are those of the results.
 * - An experiment's aggregates are the same bytes on 1, 2 and 3 threads, with more tasks than
 *   the fold's window (so results do wait for their turn), and equal to folding the results
 *   by hand in replication order.
 * - A result and an aggregate survive a trip through bytes (what MPI sends), and refuse bytes
 *   of another shape. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "models/aggregate.h"
#include "models/experiment.h"
#include "models/model.h"
#include "models/summary.h"
#include "sim/dist.h"
#include "sim/status.h"

#define NREP 12
#define NVAR 2

/* A small pool under pressure (timeouts, overflow, exhaustion), two pools and a second
 * workload so that pool and workload indices both go beyond 0; variant 1 has a bigger pool. */
static void scenario(struct cfg_scenario *sc, int variant)
{
	cfg_scenario_defaults(sc);
	sc->horizon_s = 30;
	sc->warmup_s = 2;
	sc->replications = NREP;
	sc->seed = 7;
	sc->db.max_connections = 8; /* some connects refused: db_refused is summed */
	sc->db.superuser_reserved_connections = 0;
	dist_constant(&sc->db.connect_time, 0.002);
	sc->n_pools = 2;
	for (int p = 0; p < 2; p++) {
		cfg_pool_defaults(&sc->pools[p]);
		snprintf(sc->pools[p].name, CFG_NAME_MAX, p ? "other" : "main");
		sc->pools[p].size = 3 + variant;
		sc->pools[p].max_overflow = 2;
		sc->pools[p].timeout_s = 0.05;
	}
	sc->n_workloads = 2;
	for (int w = 0; w < 2; w++) {
		struct cfg_workload *wl = &sc->workloads[w];
		snprintf(wl->name, CFG_NAME_MAX, w ? "b" : "a");
		wl->kind = CFG_WORKLOAD_REQUESTS;
		wl->pool = w;
		cfg_requests_defaults(&wl->req);
		wl->req.arrival.rate_per_s = w ? 30 : 70;
		dist_exponential(&wl->req.db_time, 0.06);
	}
}

struct fixture {
	struct cfg_scenario sc[NVAR];
	const struct cfg_scenario *cfgs[NVAR];
	struct model_result *r[NVAR][NREP];
	struct aggregate *agg[NVAR]; /* folded by hand, in replication order */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	if (!f)
		return -1;
	for (int v = 0; v < NVAR; v++) {
		scenario(&f->sc[v], v);
		f->cfgs[v] = &f->sc[v];
		f->agg[v] = aggregate_create(&f->sc[v]);
		if (!f->agg[v])
			return -1;
		for (int i = 0; i < NREP; i++) {
			f->r[v][i] = model_result_create(&f->sc[v]);
			if (!f->r[v][i] || model_run(&f->sc[v], (uint64_t)i, f->r[v][i], NULL))
				return -1;
		}
	}
	for (int i = 0; i < NREP; i++)
		for (int v = 0; v < NVAR; v++)
			aggregate_add(f->agg[v], f->r[v][i], f->r[0][i]);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	for (int v = 0; f && v < NVAR; v++) {
		aggregate_destroy(f->agg[v]);
		for (int i = 0; i < NREP; i++)
			model_result_destroy(f->r[v][i]);
	}
	free(f);
	return 0;
}

static int slots(const struct cfg_scenario *sc, enum metric_scope s)
{
	return s == METRIC_POOL ? sc->n_pools
	       : (s == METRIC_DATABASE || s == METRIC_PGBOUNCER) ? 1
							   : sc->n_workloads;
}

static void test_estimates_equal_full_results(void **state)
{
	struct fixture *f = *state;
	int nm, compared = 0, defined = 0;
	const struct metric_def *t = metric_table(&nm);
	for (int v = 0; v < NVAR; v++) {
		const struct model_result *const *reps = (const struct model_result *const *)f->r[v];
		const struct model_result *const *base = (const struct model_result *const *)f->r[0];
		for (int k = 0; k < nm; k++)
			for (int i = 0; i < slots(&f->sc[v], t[k].scope); i++) {
				struct estimate a, b;
				estimate_metric(reps, NREP, &t[k], i, &a);
				aggregate_estimate(f->agg[v], &t[k], i, &b);
				if (memcmp(&a, &b, sizeof a) != 0)
					fail_msg("%s[%d] variant %d: %.17g [%.17g, %.17g] n %d, folded "
						 "%.17g [%.17g, %.17g] n %d", t[k].name, i, v, a.mean,
						 a.lo, a.hi, a.n, b.mean, b.lo, b.hi, b.n);
				estimate_paired_diff(base, reps, NREP, &t[k], i, &a);
				aggregate_diff(f->agg[v], f->agg[0], &t[k], i, &b);
				assert_memory_equal(&a, &b, sizeof a);
				compared++;
				defined += a.n > 0;
			}
	}
	assert_true(compared > 100);
	assert_true(defined > 50); /* not a comparison of NANs */

	/* The per-replication facts. */
	for (int v = 0; v < NVAR; v++) {
		const struct aggregate *a = f->agg[v];
		assert_int_equal(a->nrep, NREP);
		uint64_t refused = 0;
		for (int i = 0; i < NREP; i++)
			refused += f->r[v][i]->db_refused;
		assert_int_equal(a->db_refused, refused);
		for (int p = 0; p < 2; p++) {
			int exhausted = 0, first = INT_MIN;
			for (int i = 0; i < NREP; i++) {
				const struct pool_result *pr = &f->r[v][i]->pools[p];
				exhausted += pr->exhausted_share > 0 || pr->longest_exhausted_s > 0;
				if (first == INT_MIN)
					first = pr->first_timeout_overflow;
			}
			assert_int_equal(a->pools[p].exhausted_reps, exhausted);
			assert_int_equal(a->pools[p].first_timeout_overflow, first);
		}
		for (int w = 0; w < 2; w++) {
			struct histo h;
			histo_init(&h);
			for (int i = 0; i < NREP; i++)
				histo_merge(&h, &f->r[v][i]->workloads[w].h_all);
			assert_memory_equal(&h, a->h_all[w], sizeof h);
			assert_true(h.n > 1000);
		}
	}
	/* The scenario does exercise what is aggregated. */
	assert_true(f->agg[0]->pools[0].exhausted_reps > 0);
	assert_true(f->agg[0]->pools[0].first_timeout_overflow != INT_MIN);
}

/* The order of the fold is the contract: floating-point sums are not associative, so the same
 * replications folded in reverse order give other bytes (here they do), which is why an
 * experiment folds in replication order whatever order its tasks finish in. */
static void test_order_matters(void **state)
{
	struct fixture *f = *state;
	struct aggregate *a = aggregate_create(&f->sc[0]), *b = aggregate_create(&f->sc[0]);
	assert_true(a && b);
	for (int i = 0; i < NREP; i++) {
		aggregate_add(a, f->r[0][i], f->r[0][i]);
		aggregate_add(b, f->r[0][NREP - 1 - i], f->r[0][NREP - 1 - i]);
	}
	assert_true(aggregate_equal(a, f->agg[0]));
	assert_false(aggregate_equal(b, f->agg[0]));
	aggregate_destroy(a);
	aggregate_destroy(b);
}

static void test_experiment_threads(void **state)
{
	struct fixture *f = *state;
	for (int threads = 1; threads <= 3; threads++) {
		struct experiment ex;
		assert_int_equal(experiment_run(&ex, NVAR, f->cfgs, threads, NULL, NULL), 0);
		/* 24 tasks against a window of 4 x threads + 4 (8 .. 16): results wait their turn */
		assert_true(experiment_tasks(&ex) > 4 * threads + 4);
		for (int v = 0; v < NVAR; v++)
			assert_true(aggregate_equal(experiment_aggregate(&ex, v), f->agg[v]));
		experiment_fini(&ex);
	}
}

static void test_bytes_round_trip(void **state)
{
	struct fixture *f = *state;
	size_t n;
	const void *data = aggregate_data(f->agg[1], &n);
	struct aggregate *copy = aggregate_create(&f->sc[1]);
	assert_non_null(copy);
	assert_false(aggregate_equal(copy, f->agg[1]));
	assert_int_equal(aggregate_load(copy, data, n), 0);
	assert_true(aggregate_equal(copy, f->agg[1]));
	/* the copy's pointers are its own: reading through them reads the copy */
	assert_ptr_not_equal(copy->h_all[1], f->agg[1]->h_all[1]);
	assert_memory_equal(copy->h_all[1], f->agg[1]->h_all[1], sizeof(struct histo));
	assert_int_equal(aggregate_load(copy, data, n - 1), PT_EINVAL);
	aggregate_destroy(copy);

	/* Another shape: one workload, one pool. */
	struct cfg_scenario small = f->sc[0];
	small.n_workloads = 1;
	small.n_pools = 1;
	struct aggregate *other = aggregate_create(&small);
	assert_non_null(other);
	assert_int_equal(aggregate_load(other, data, n), PT_EINVAL);
	aggregate_destroy(other);

	struct model_result *r = model_result_create(&f->sc[0]);
	const void *rd = model_result_data(f->r[0][3], &n);
	assert_non_null(r);
	assert_int_equal(model_result_load(r, rd, n), 0);
	assert_true(model_result_equal(r, f->r[0][3]));
	assert_ptr_equal(r->workloads, (void *)((char *)r + ((char *)f->r[0][3]->workloads -
							    (char *)f->r[0][3])));
	r->workloads[1].served++;
	assert_false(model_result_equal(r, f->r[0][3]));
	assert_int_equal(model_result_load(r, rd, n - 8), PT_EINVAL);
	struct model_result *rs = model_result_create(&small);
	assert_non_null(rs);
	assert_true(rs->bytes < r->bytes); /* sized to the scenario */
	assert_int_equal(model_result_load(rs, rd, n), PT_EINVAL);
	model_result_destroy(rs);
	model_result_destroy(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_estimates_equal_full_results),
		cmocka_unit_test(test_order_matters),
		cmocka_unit_test(test_experiment_threads),
		cmocka_unit_test(test_bytes_round_trip),
	};
	return cmocka_run_group_tests_name("aggregate", tests, setup, teardown);
}
