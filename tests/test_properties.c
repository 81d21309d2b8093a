/* Property tests: a few hundred random configurations (fixed seed) of everything the model has,
 * run briefly, each checked against the invariants every run must satisfy whatever the
 * parameters: conservation of requests and batches, counts consistent with their tallies,
 * server connections within the usable slots (and within PgBouncer's pools behind it), pool
 * and PgBouncer levels within their caps and never negative, byte-identical reruns, and
 * byte-identical results with 1 and 2 threads. Under the sanitizers this doubles as a
 * memory-safety sweep of the model's corners (overflow -1, size 0, wakeup latency, recycle,
 * pre_ping, locks, cores, processes, retries, profiles and bursts, every commit strategy, read
 * replicas with routed reads, PgBouncer in every pool mode in front of them).
 *
 * The replicas, the routing and PgBouncer are drawn from a stream of their own (`extra`), after
 * the rest of the configuration: the configurations drawn before they existed are unchanged,
 * now with these on top. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "models/experiment.h"
#include "models/model.h"
#include "sim/rng.h"
#include "sim/status.h"

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

/* Read replicas, pools on them, read routing and PgBouncer, drawn from `x` on top of a
 * configuration: up to 2 replicas (each at least the primary's max_connections, as a hot
 * standby must be, with its own connect time, round trip, cores and statement_timeout), one or
 * two pools on each, every requests workload routing a share of its reads to one or more of
 * them (round-robin or random); and PgBouncer in front of every server a pool uses in a third
 * of the configurations, with or without replicas. Workloads keep their own pools, which are
 * on the primary, as the loader demands. */
static void random_extras(gsl_rng *x, struct cfg_scenario *sc)
{
	int n_primary = sc->n_pools;
	sc->n_replicas = pick(x, 2) ? 0 : 1 + pick(x, 2);
	for (int k = 0; k < sc->n_replicas; k++) {
		char name[16];
		snprintf(name, sizeof name, "r%d", k + 1);
		cfg_replica_defaults(sc, &sc->replicas[k], name);
		struct cfg_database *db = &sc->replicas[k].db;
		db->max_connections = sc->db.max_connections + pick(x, 20);
		random_dist(x, &db->connect_time, uni(x, 0.001, 0.03));
		db->rtt_s = pick(x, 2) ? 0 : uni(x, 0.0001, 0.01);
		db->cores = pick(x, 3) ? 0 : 1 + pick(x, 4);
		db->statement_timeout_s = pick(x, 3) ? 0 : uni(x, 0.005, 0.5);
		int n = 1 + pick(x, 2);
		for (int j = 0; j < n && sc->n_pools < CFG_MAX_POOLS; j++) {
			struct cfg_pool *p = &sc->pools[sc->n_pools];
			cfg_pool_defaults(p);
			snprintf(p->name, CFG_NAME_MAX, "p%d", sc->n_pools);
			p->server = k + 1;
			p->size = 1 + pick(x, 6);
			p->max_overflow = pick(x, 4) == 0 ? -1 : pick(x, 4);
			p->timeout_s = uni(x, 0.01, 3);
			p->use_lifo = pick(x, 2);
			sc->n_pools++;
		}
	}
	int n_read = sc->n_pools - n_primary;
	for (int i = 0; i < sc->n_workloads && n_read > 0; i++) {
		struct cfg_workload *w = &sc->workloads[i];
		if (w->kind != CFG_WORKLOAD_REQUESTS || pick(x, 4) == 0)
			continue;
		struct cfg_reads *rd = &w->req.reads;
		rd->n_pools = 1 + pick(x, n_read < CFG_MAX_REPLICAS ? n_read : CFG_MAX_REPLICAS);
		int first = pick(x, n_read);
		for (int k = 0; k < rd->n_pools; k++) /* distinct pools, in a random rotation */
			rd->pools[k] = n_primary + (first + k) % n_read;
		rd->share = pick(x, 3) == 0 ? 1 : uni(x, 0, 1);
		rd->routing = (enum cfg_routing)pick(x, 2);
	}
	if (pick(x, 3) != 0)
		return;
	struct cfg_pgbouncer *g = &sc->pgbouncer;
	cfg_pgbouncer_defaults(g);
	g->enabled = true;
	g->pool_mode = (enum cfg_pool_mode)pick(x, 3);
	g->default_pool_size = 1 + pick(x, 10);
	g->min_pool_size = pick(x, 3) ? 0 : pick(x, 4);
	g->reserve_pool_size = pick(x, 2) ? 0 : pick(x, 4);
	g->reserve_pool_timeout_s = uni(x, 0.1, 3);
	g->max_client_conn = 2 + pick(x, 100);
	g->max_db_connections = pick(x, 2) ? 0 : 1 + pick(x, 8);
	g->query_wait_timeout_s = pick(x, 3) == 0 ? 0 : uni(x, 0.2, 5);
	g->server_login_retry_s = uni(x, 0.5, 15);
	random_dist(x, &g->client_connect_time, uni(x, 0.0005, 0.003));
	if (pick(x, 2))
		g->server_reset_query[0] = '\0';
}

/* Server connections PgBouncer may open to one server (§3.6 rule 7). */
static int pgbouncer_server_cap(const struct cfg_pgbouncer *g)
{
	int n = g->default_pool_size + g->reserve_pool_size;
	return g->max_db_connections > 0 && g->max_db_connections < n ? g->max_db_connections : n;
}

static void check_invariants(const struct cfg_scenario *sc, const struct model_result *m)
{
	for (int i = 0; i < sc->n_workloads; i++) {
		if (sc->workloads[i].kind == CFG_WORKLOAD_REQUESTS) {
			const struct requests_stats *s = &m->workloads[i];
			assert_true(s->offered == s->served + requests_failures(s));
			assert_true(s->wait_all.n == s->offered && s->h_all.n == s->offered);
			/* a transaction cancelled by PostgreSQL (a replica's statement_timeout here) or
			 * given up by its client got its connection and held it: its wait and hold are
			 * tallied, but it counts as failed */
			uint64_t got = s->served + s->failed[REQ_LOCK_TIMEOUT] +
				       s->failed[REQ_STATEMENT_TIMEOUT] + s->failed[REQ_GIVEN_UP];
			assert_true(s->wait_served.n == got && s->hold.n == got);
			assert_true(s->lock_wait.n == s->lock_waits);
			assert_true(s->retried <= s->retries);
			assert_true(s->timeouts_batch_heavy <= s->timeouts_lock_heavy &&
				    s->timeouts_lock_heavy <= s->pool_timeouts);
			assert_true(s->failed[REQ_TIMED_OUT] <= s->pool_timeouts);
			assert_true(s->routed_reads <= s->offered);
			if (sc->workloads[i].req.reads.n_pools == 0)
				assert_true(s->routed_reads == 0);
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
	for (int k = 0; k < sc->n_replicas; k++) {
		const struct server_result *sr = &m->replicas[k];
		assert_true(sr->open_max <= cfg_usable_connections(&sc->replicas[k].db));
		assert_true(sr->open_mean >= -1e-12 && sr->open_mean <= sr->open_max + 1e-9);
	}
	for (int k = 0; k <= sc->n_replicas; k++) {
		const struct pgbouncer_result *g = &m->pgbouncer[k];
		if (!cfg_pgbouncer_fronts(sc, k)) {
			/* nothing of PgBouncer's for a server it does not front */
			assert_true(g->queries == 0 && g->server_connects == 0 &&
				    g->client_refused == 0 && g->sv_active_max == 0);
			continue;
		}
		/* behind PgBouncer every pool connects to it: the server sees only its pool */
		int cap = pgbouncer_server_cap(&sc->pgbouncer);
		double open_max = k ? m->replicas[k - 1].open_max : m->db_open_max;
		assert_true(open_max <= cap);
		assert_true(g->sv_active_max <= cap);
		/* counters restart at the warm-up's end: a client that queried before it may be
		 * linked or dropped after, so the bound holds from time 0 only */
		if (sc->warmup_s == 0)
			assert_true(g->waited <= g->queries && g->query_wait_timeouts <= g->queries);
		assert_true(g->server_refused <= g->server_connects);
		assert_true(g->cl_active_mean >= -1e-12 && g->cl_waiting_mean >= -1e-12 &&
			    g->sv_active_mean >= -1e-12 && g->sv_idle_mean >= -1e-12 &&
			    g->sv_login_mean >= -1e-12);
		assert_true(g->cl_waiting_max >= g->cl_waiting_mean - 1e-9);
		assert_true(g->maxwait_max >= 0);
	}
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

/* Every replication's result, copied as it is folded (model_hooks.on_result). */
struct collected {
	const struct cfg_scenario *sc;
	struct model_result *r[3];
	int n;
	bool oom;
};

static void collect(void *ctx, int rep, const struct model_result *r)
{
	struct collected *c = ctx;
	assert_true(r != NULL && rep == c->n && c->n < 3);
	size_t n;
	const void *data = model_result_data(r, &n);
	c->r[c->n] = model_result_create(c->sc);
	if (!c->r[c->n] || model_result_load(c->r[c->n], data, n)) {
		c->oom = true;
		return;
	}
	c->n++;
}

/* sc's 3 replications through the experiment with `threads` threads, each result copied. */
static void run_threads(const struct cfg_scenario *sc, int threads, struct collected *c)
{
	memset(c, 0, sizeof *c);
	c->sc = sc;
	struct model_hooks h = {.on_result = collect, .result_ctx = c};
	struct experiment ex;
	assert_int_equal(experiment_run_sampled(&ex, 1, &sc, threads, &h, NULL, NULL), 0);
	experiment_fini(&ex);
	assert_false(c->oom);
	assert_int_equal(c->n, 3);
}

static void test_random_configurations(void **state)
{
	(void)state;
	gsl_rng *r = rng_stream_create(20261129, 0, 99);
	gsl_rng *extra = rng_stream_create(20261207, 0, 98);
	assert_non_null(r);
	assert_non_null(extra);
	int with_replicas = 0, with_pgbouncer = 0, both = 0, stuck = 0;
	uint64_t events = 0;
	for (int k = 0; k < CASES; k++) {
		struct cfg_scenario sc;
		random_scenario(r, &sc);
		random_extras(extra, &sc);
		with_replicas += sc.n_replicas > 0;
		with_pgbouncer += sc.pgbouncer.enabled;
		both += sc.n_replicas > 0 && sc.pgbouncer.enabled;
		/* results sized to each configuration */
		struct model_result *a = model_result_create(&sc), *b = model_result_create(&sc);
		assert_true(a && b);
		int rc = model_run(&sc, (uint64_t)k % 3, a, NULL);
		if (rc == PT_ESTUCK) {
			/* clients that wait forever at PgBouncer: only without query_wait_timeout */
			assert_true(sc.pgbouncer.enabled && sc.pgbouncer.query_wait_timeout_s == 0);
			assert_true(a->stuck_server >= 0 && a->stuck_clients > 0);
			stuck++;
			model_result_destroy(a);
			model_result_destroy(b);
			continue;
		}
		assert_int_equal(rc, 0);
		check_invariants(&sc, a);
		events += a->events;
		if (k % 10 == 0) { /* and the same bytes again */
			assert_int_equal(model_run(&sc, (uint64_t)k % 3, b, NULL), 0);
			assert_true(model_result_equal(a, b));
		}
		if (k % 25 == 0) { /* the same bytes with 1 and 2 threads, 3 replications */
			sc.replications = 3;
			struct collected one, two;
			run_threads(&sc, 1, &one);
			run_threads(&sc, 2, &two);
			for (int i = 0; i < 3; i++) {
				check_invariants(&sc, one.r[i]);
				assert_true(model_result_equal(one.r[i], two.r[i]));
				model_result_destroy(one.r[i]);
				model_result_destroy(two.r[i]);
			}
		}
		model_result_destroy(a);
		model_result_destroy(b);
	}
	printf("    %d random configurations (%d with read replicas, %d with PgBouncer, %d both; "
	       "%d stopped as stuck), %llu events\n", CASES, with_replicas, with_pgbouncer, both,
	       stuck, (unsigned long long)events);
	gsl_rng_free(r);
	gsl_rng_free(extra);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_configurations),
	};
	return cmocka_run_group_tests_name("properties", tests, NULL, NULL);
}
