/* Property tests: a few hundred random configurations (fixed seed) of everything the model has,
 * run briefly, each checked against the invariants every run must satisfy whatever the
 * parameters: conservation of requests and batches, counts consistent with their tallies,
 * server connections within the usable slots, pool levels within the cap, byte-identical
 * reruns. Under the sanitizers this doubles as a memory-safety sweep of the model's corners
 * (overflow -1, size 0, wakeup latency, recycle, pre_ping, locks, cores, processes, retries,
 * profiles and bursts, every commit strategy). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "models/model.h"
#include "sim/rng.h"

#define CASES 1000

static double uni(gsl_rng *r, double a, double b) { return a + (b - a) * gsl_rng_uniform(r); }
static int pick(gsl_rng *r, int n) { return (int)gsl_rng_uniform_int(r, (unsigned long)n); }

static void random_dist(gsl_rng *r, struct dist *d, double mean)
{
	switch (pick(r, 5)) {
	case 0:
		dist_constant(d, mean);
		break;
	case 1:
		dist_exponential(d, mean);
		break;
	case 2:
		dist_uniform(d, 0, 2 * mean);
		break;
	case 3:
		dist_lognormal_mean_sd(d, mean, mean * uni(r, 0.2, 2));
		break;
	default:
		dist_gamma_mean_cv(d, mean, uni(r, 0.3, 2));
		break;
	}
}

static void random_scenario(gsl_rng *r, struct cfg_scenario *sc)
{
	cfg_scenario_defaults(sc);
	sc->horizon_s = uni(r, 20, 120);
	sc->warmup_s = pick(r, 2) ? 0 : uni(r, 0, sc->horizon_s / 3);
	sc->seed = 1 + (uint64_t)pick(r, 1000);
	sc->processes = 1 + pick(r, 3);
	sc->users.count = 1 + pick(r, 50);
	sc->users.zipf_s = pick(r, 2) ? 0 : uni(r, 0.5, 1.5);
	sc->db.max_connections = 5 + pick(r, 60);
	sc->db.superuser_reserved_connections = pick(r, 4);
	sc->db.reserved_connections = pick(r, 2);
	if (cfg_usable_connections(&sc->db) < 1)
		sc->db.superuser_reserved_connections = sc->db.reserved_connections = 0;
	random_dist(r, &sc->db.connect_time, uni(r, 0.001, 0.02));
	sc->db.rtt_s = pick(r, 2) ? 0 : uni(r, 0.0001, 0.005);
	sc->db.cores = pick(r, 3) ? 0 : 1 + pick(r, 8);
	sc->db.row_locks = pick(r, 4) != 0;
	sc->n_pools = 1 + pick(r, 2);
	for (int i = 0; i < sc->n_pools; i++) {
		struct cfg_pool *p = &sc->pools[i];
		cfg_pool_defaults(p);
		snprintf(p->name, CFG_NAME_MAX, "p%d", i);
		p->size = pick(r, 8);
		p->max_overflow = pick(r, 5) == 0 ? -1 : pick(r, 6);
		if (p->size == 0)
			p->max_overflow = -1; /* SQLAlchemy 2.0, as the loader does */
		p->timeout_s = pick(r, 6) == 0 ? 0 : uni(r, 0.01, 3);
		p->use_lifo = pick(r, 2);
		p->pre_ping = pick(r, 2);
		p->recycle_s = pick(r, 3) == 0 ? uni(r, 0.5, 10) : -1;
		dist_constant(&p->wakeup_latency, pick(r, 3) == 0 ? uni(r, 0.0001, 0.01) : 0);
	}
	sc->n_workloads = 1 + pick(r, 3);
	for (int i = 0; i < sc->n_workloads; i++) {
		struct cfg_workload *w = &sc->workloads[i];
		memset(w, 0, sizeof *w);
		snprintf(w->name, CFG_NAME_MAX, "w%d", i);
		w->pool = pick(r, sc->n_pools);
		if (pick(r, 3) == 0) {
			w->kind = CFG_WORKLOAD_BATCH;
			cfg_batch_defaults(&w->batch);
			w->batch.records.rate_per_s = uni(r, 0.5, 20);
			w->batch.every_s = uni(r, 2, 15);
			w->batch.batch_size = 1 + pick(r, 30);
			w->batch.max_batch_size = w->batch.batch_size + pick(r, 40);
			random_dist(r, &w->batch.group_size, uni(r, 1, 6));
			random_dist(r, &w->batch.per_record, uni(r, 0.005, 0.2));
			w->batch.commit = (enum cfg_commit)pick(r, 3);
			w->batch.workers = 1 + pick(r, 3);
			w->batch.processes = 1 + pick(r, 2);
			continue;
		}
		w->kind = CFG_WORKLOAD_REQUESTS;
		cfg_requests_defaults(&w->req);
		struct cfg_arrival *a = &w->req.arrival;
		a->rate_per_s = uni(r, 1, 150);
		if (pick(r, 3) == 0) {
			a->n_profile = 1 + pick(r, 4);
			for (int k = 0; k < a->n_profile; k++)
				a->profile[k] = (struct cfg_rate_point){k * sc->horizon_s / 5,
									uni(r, 0, 100)};
			a->profile[0].rate_per_s += 1;
			a->profile_period_s = pick(r, 2) ? 0 : sc->horizon_s / 4 + 1;
			if (a->profile_period_s > 0)
				for (int k = 0; k < a->n_profile; k++)
					if (a->profile[k].t_s >= a->profile_period_s)
						a->n_profile = k > 0 ? k : 1;
		}
		if (pick(r, 4) == 0) {
			a->n_bursts = 1;
			double s = uni(r, 0, sc->horizon_s);
			a->bursts[0] = (struct cfg_burst){s, s + uni(r, 1, 20), uni(r, 0.5, 4)};
		}
		random_dist(r, &w->req.db_time, uni(r, 0.002, 0.2));
		random_dist(r, &w->req.app_time, pick(r, 2) ? 0.001 : uni(r, 0.001, 0.05));
		w->req.statements = 1 + pick(r, 5);
		w->req.writes = pick(r, 2) ? 0 : uni(r, 0, 1);
		w->req.retries = pick(r, 3) ? 0 : pick(r, 3);
		w->req.backoff_s = uni(r, 0.01, 1);
		w->req.processes = pick(r, 3) ? 0 : 1 + pick(r, 3);
	}
}

static void check_invariants(const struct cfg_scenario *sc, const struct model_result *m)
{
	for (int i = 0; i < sc->n_workloads; i++) {
		if (sc->workloads[i].kind == CFG_WORKLOAD_REQUESTS) {
			const struct requests_stats *s = &m->workloads[i];
			assert_true(s->offered == s->served + requests_failures(s));
			assert_true(s->wait_all.n == s->offered && s->h_all.n == s->offered);
			assert_true(s->wait_served.n == s->served && s->hold.n == s->served);
			assert_true(s->lock_wait.n == s->lock_waits);
			assert_true(s->retried <= s->retries);
			assert_true(s->timeouts_batch_heavy <= s->timeouts_lock_heavy &&
				    s->timeouts_lock_heavy <= s->pool_timeouts);
			assert_true(s->failed[REQ_TIMED_OUT] <= s->pool_timeouts);
			if (s->served)
				assert_true(s->wait_served.min >= 0 && s->hold.min >= 0);
		} else {
			const struct batch_stats *b = &m->batches[i];
			assert_true(b->batches == b->failed + b->completed);
			assert_true(b->duration.n == b->completed && b->lag.n == b->records);
			assert_true(b->hold.n == b->transactions && b->size.n == b->batches);
			assert_true(b->backlog_end >= 0 && b->backlog_max >= b->backlog_mean - 1e-9);
		}
	}
	int usable = cfg_usable_connections(&sc->db);
	assert_true(m->db_open_max <= usable);
	for (int p = 0; p < sc->n_pools; p++) {
		const struct pool_result *pr = &m->pools[p];
		int cap = sc->pools[p].max_overflow < 0 ? -1 : sc->pools[p].size + sc->pools[p].max_overflow;
		if (cap >= 0) {
			assert_true(pr->checked_out_max <= cap && pr->open_max <= cap);
			assert_true(pr->overflow_max <= sc->pools[p].max_overflow);
		}
		assert_true(pr->exhausted_share >= 0 && pr->exhausted_share <= 1 + 1e-12);
		assert_true(pr->checked_out_mean >= -1e-12 && pr->waiters_mean >= -1e-12);
	}
}

static void test_random_configurations(void **state)
{
	(void)state;
	gsl_rng *r = rng_stream_create(20261129, 0, 99);
	assert_non_null(r);
	uint64_t events = 0;
	for (int k = 0; k < CASES; k++) {
		struct cfg_scenario sc;
		random_scenario(r, &sc);
		/* results sized to each configuration */
		struct model_result *a = model_result_create(&sc), *b = model_result_create(&sc);
		assert_true(a && b);
		assert_int_equal(model_run(&sc, (uint64_t)k % 3, a, NULL), 0);
		check_invariants(&sc, a);
		events += a->events;
		if (k % 10 == 0) { /* and the same bytes again */
			assert_int_equal(model_run(&sc, (uint64_t)k % 3, b, NULL), 0);
			assert_true(model_result_equal(a, b));
		}
		model_result_destroy(a);
		model_result_destroy(b);
	}
	printf("    %d random configurations, %llu events\n", CASES, (unsigned long long)events);
	gsl_rng_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_configurations),
	};
	return cmocka_run_group_tests_name("properties", tests, NULL, NULL);
}
