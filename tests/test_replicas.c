/* Tests of several database servers: a primary and read replicas, and the routing of a
 * requests workload's read-only transactions to them (models/routing.h, wired by
 * models/model.c).
 *
 * Exact tests replay a trace of arrivals with their hold times through model_run, with
 * constant connect times that differ per server (primary 10 ms, replica1 20 ms, replica2
 * 30 ms) and no round trips, so every wait, connect and slot can be derived by hand (each
 * test says how). Random routing is checked against the routing stream rebuilt here (two
 * uniforms per transaction, routing.h). The statistical test runs three M/M/30+D queues
 * through one workload (writes on the primary, reads split over two replicas at random) and
 * checks each against the exact M/M/c+D of reference/queueing.md. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "models/budget.h"
#include "models/config.h"
#include "models/model.h"
#include "models/routing.h"
#include "models/summary.h"
#include "sim/rng.h"
#include "sim/stats.h"
#include "sim/status.h"
#include "tests/queueing_ref.h"

enum { MAIN, R1, R2 }; /* pool indices: main on the primary, r1 on replica1, r2 on replica2 */

/* One process, three pools of one connection each (size 1, no overflow, 30 s timeout), one
 * requests workload "api" on `main` that replays trace t[0..n) with holds h (db_time; no
 * round trips, no app time), reads routed to r1 and r2 (share 1, round-robin). */
static void scenario(struct cfg_scenario *sc, const double *t, const double *h, size_t n)
{
	cfg_scenario_defaults(sc);
	sc->horizon_s = 10;
	sc->replications = 1;
	dist_constant(&sc->db.connect_time, 0.010);
	sc->n_replicas = 2;
	static const char *replica_names[] = {"replica1", "replica2"};
	for (int k = 0; k < 2; k++) {
		cfg_replica_defaults(sc, &sc->replicas[k], replica_names[k]);
		dist_constant(&sc->replicas[k].db.connect_time, 0.020 + 0.010 * k);
	}
	static const char *names[] = {"main", "r1", "r2"};
	sc->n_pools = 3;
	for (int i = 0; i < 3; i++) {
		struct cfg_pool *p = &sc->pools[i];
		cfg_pool_defaults(p);
		snprintf(p->name, CFG_NAME_MAX, "%s", names[i]);
		p->size = 1;
		p->max_overflow = 0;
		p->server = i; /* main: 0 = primary, r1: replica1, r2: replica2 */
	}
	sc->n_workloads = 1;
	struct cfg_workload *w = &sc->workloads[0];
	snprintf(w->name, CFG_NAME_MAX, "api");
	w->kind = CFG_WORKLOAD_REQUESTS;
	w->pool = MAIN;
	cfg_requests_defaults(&w->req);
	w->req.arrival.trace_n = n;
	w->req.arrival.trace_t = t;
	w->req.arrival.trace_hold = h;
	w->req.reads.n_pools = 2;
	w->req.reads.pools[0] = R1;
	w->req.reads.pools[1] = R2;
	w->req.reads.share = 1;
	w->req.reads.routing = CFG_ROUTING_ROUND_ROBIN;
}

static struct model_result *run(const struct cfg_scenario *sc)
{
	struct model_result *r = model_result_create(sc);
	assert_non_null(r);
	assert_int_equal(model_run(sc, 0, r, NULL), 0);
	const struct requests_stats *s = &r->workloads[0];
	assert_true(s->offered == s->served + requests_failures(s));
	return r;
}

#define NEAR(a, b) assert_true(fabs((a) - (b)) < 1e-12)

static const double T5[] = {0, 1, 2, 3, 4};
static const double H5[] = {0.1, 0.1, 0.1, 0.1, 0.1};

/* Reads only (writes 0), share 1, round-robin over r1, r2. Derivation: the process's counter
 * starts at r1, so the requests at 0, 1, 2, 3, 4 s go to r1, r2, r1, r2, r1. Each pool is
 * empty at its first request: r1's at 0 s opens a connection on replica1 (20 ms: wait 0.020),
 * r2's at 1 s on replica2 (30 ms: wait 0.030); every later one finds its pool's connection
 * idle (the previous hold of 0.1 s ended long before): wait 0. So r1 3 checkouts 1 connect,
 * r2 2 checkouts 1 connect, main none; the primary never sees a backend, each replica one;
 * served waits: mean (0.020 + 0.030) / 5 = 0.010, max 0.030; holds 0.1 each. */
static void test_round_robin_reads_go_to_replicas(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, T5, H5, 5);
	struct model_result *r = run(&sc);
	const struct requests_stats *s = &r->workloads[0];
	assert_int_equal(s->offered, 5);
	assert_int_equal(s->served, 5);
	assert_int_equal(s->routed_reads, 5);
	assert_int_equal(r->pools[MAIN].checkouts, 0);
	assert_int_equal(r->pools[R1].checkouts, 3);
	assert_int_equal(r->pools[R1].connects, 1);
	assert_int_equal(r->pools[R2].checkouts, 2);
	assert_int_equal(r->pools[R2].connects, 1);
	NEAR(r->db_open_max, 0);
	assert_int_equal(r->n_replicas, 2);
	NEAR(r->replicas[0].open_max, 1);
	NEAR(r->replicas[1].open_max, 1);
	NEAR(tally_mean(&s->wait_served), 0.010);
	NEAR(s->wait_served.max, 0.030);
	NEAR(tally_mean(&s->hold), 0.1);
	assert_true(isnan(r->replicas[0].cpu_busy_mean)); /* no cores: no CPU figure */
	model_result_destroy(r);
}

/* Writes always run on the primary, whatever the share: writes 1 (every transaction takes
 * its user's row lock, on the primary), the same trace. Derivation: all five use `main`; the
 * first opens a connection on the primary (10 ms), the others find it idle: main 5 checkouts
 * 1 connect, replicas none; waits mean 0.010 / 5 = 0.002, max 0.010. */
static void test_writes_stay_on_the_primary(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, T5, H5, 5);
	sc.workloads[0].req.writes = 1;
	struct model_result *r = run(&sc);
	const struct requests_stats *s = &r->workloads[0];
	assert_int_equal(s->served, 5);
	assert_int_equal(s->routed_reads, 0);
	assert_int_equal(r->pools[MAIN].checkouts, 5);
	assert_int_equal(r->pools[MAIN].connects, 1);
	assert_int_equal(r->pools[R1].checkouts + r->pools[R2].checkouts, 0);
	NEAR(r->db_open_max, 1);
	NEAR(r->replicas[0].open_max, 0);
	NEAR(r->replicas[1].open_max, 0);
	NEAR(tally_mean(&s->wait_served), 0.002);
	NEAR(s->wait_served.max, 0.010);
	model_result_destroy(r);
}

/* share 0: routing configured, nothing routed. Derivation as above with reads: every request
 * on main (5 checkouts, 1 connect of 10 ms). And the results of the workload are byte for
 * byte those of the same scenario without routing: the routing stream is the workload's own,
 * nothing else moves. */
static void test_share_zero_is_no_routing(void **state)
{
	(void)state;
	struct cfg_scenario sc, none;
	scenario(&sc, T5, H5, 5);
	sc.workloads[0].req.reads.share = 0;
	none = sc;
	none.workloads[0].req.reads.n_pools = 0;
	struct model_result *a = run(&sc), *b = run(&none);
	assert_int_equal(a->pools[MAIN].checkouts, 5);
	assert_int_equal(a->pools[MAIN].connects, 1);
	assert_int_equal(a->pools[R1].checkouts + a->pools[R2].checkouts, 0);
	assert_true(model_result_equal(a, b));
	model_result_destroy(a);
	model_result_destroy(b);
}

/* Round-robin is per process (each process's routing session keeps its own cycle), as an
 * application process's itertools.cycle would. Two processes; arrivals go to processes 0, 1,
 * 0, 1 (round-robin over processes, requests.h). Derivation: process 0's requests (0 s, 2 s)
 * go to r1 then r2, process 1's (1 s, 3 s) also r1 then r2. Each pool instance is used once:
 * r1 and r2 each open 2 connections (one per process instance), 2 checkouts each. (One
 * counter for the whole workload would give r1, r2, r1, r2 by arrival: r1's requests both in
 * process 0, 1 connect each.) Each pool instance keeps its connection (size 1), so each
 * replica ends with 2 backends open. */
static void test_round_robin_is_per_process(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, T5, H5, 4);
	sc.processes = 2;
	struct model_result *r = run(&sc);
	assert_int_equal(r->pools[R1].checkouts, 2);
	assert_int_equal(r->pools[R1].connects, 2);
	assert_int_equal(r->pools[R2].checkouts, 2);
	assert_int_equal(r->pools[R2].connects, 2);
	NEAR(r->replicas[0].open_max, 2);
	NEAR(r->replicas[1].open_max, 2);
	model_result_destroy(r);
}

/* Slots and refusals are per server. replica1 accepts one connection (max_connections 4 -
 * superuser_reserved_connections 3); the primary keeps its 97. Two processes, reads only, one
 * replica pool (r1). Derivation: the request at 0 s (process 0) opens r1's connection on
 * replica1, holding it 1 s; the one at 0.5 s (process 1) needs its own instance's connection:
 * replica1 has no usable slot left and refuses at once. Served 1, refused 1; replica1 refused
 * 1, the primary none. */
static void test_refusals_are_per_server(void **state)
{
	(void)state;
	static const double t[] = {0, 0.5}, h[] = {1, 1};
	struct cfg_scenario sc;
	scenario(&sc, t, h, 2);
	sc.processes = 2;
	sc.replicas[0].db.max_connections = 4;
	sc.workloads[0].req.reads.n_pools = 1;
	struct model_result *r = run(&sc);
	const struct requests_stats *s = &r->workloads[0];
	assert_int_equal(s->served, 1);
	assert_int_equal(s->failed[REQ_REFUSED], 1);
	assert_int_equal(r->replicas[0].refused, 1);
	assert_int_equal(r->db_refused, 0);
	assert_int_equal(r->replicas[1].refused, 0);
	model_result_destroy(r);
}

/* CPU is per server: replica1 has 1 core, the primary no limit. One replica pool (r1) of size
 * 2, replica1's connect time 0. Derivation (processor sharing, cpu.h): the read at 0 s runs
 * alone on replica1's core until 0.05 s (0.05 of its 0.1 s done); from 0.05 s both reads share
 * the core at rate 1/2: the first's remaining 0.05 s of work ends at 0.15 s; the second has
 * done 0.05 by then and finishes its last 0.05 alone at 0.20 s. Holds 0.15 and 0.15; the core
 * is busy over [0, 0.20] of the 10 s horizon: busy share 0.02; statements active: 0.05 x 1 +
 * 0.10 x 2 + 0.05 x 1 = 0.30 statement-seconds, mean 0.03. A second workload writes at 0.06 s
 * (writes 1: the primary, no CPU limit there): not slowed by the replica's core, hold 0.1. */
static void test_cpu_is_per_server(void **state)
{
	(void)state;
	static const double t[] = {0, 0.05}, h[] = {0.1, 0.1}, tw[] = {0.06}, hw[] = {0.1};
	struct cfg_scenario sc;
	scenario(&sc, t, h, 2);
	sc.replicas[0].db.cores = 1;
	dist_constant(&sc.replicas[0].db.connect_time, 0);
	sc.pools[R1].size = 2;
	sc.workloads[0].req.reads.n_pools = 1;
	struct cfg_workload *w = &sc.workloads[1];
	*w = sc.workloads[0];
	snprintf(w->name, CFG_NAME_MAX, "writer");
	w->req.arrival.trace_n = 1;
	w->req.arrival.trace_t = tw;
	w->req.arrival.trace_hold = hw;
	w->req.writes = 1;
	w->req.reads.n_pools = 0;
	sc.n_workloads = 2;
	struct model_result *r = run(&sc);
	const struct requests_stats *s = &r->workloads[0];
	assert_int_equal(s->served, 2);
	NEAR(tally_mean(&s->hold), 0.15);
	NEAR(s->hold.max, 0.15);
	NEAR(r->replicas[0].cpu_busy_mean, 0.02);
	NEAR(r->replicas[0].cpu_active_mean, 0.03);
	assert_true(isnan(r->db_cpu_busy_mean));
	assert_int_equal(r->workloads[1].served, 1);
	NEAR(r->workloads[1].hold.max, 0.1);
	assert_int_equal(r->pools[MAIN].checkouts, 1);
	model_result_destroy(r);
}

/* Random routing: each transaction draws (u_share, u_pick) from rng_stream_id("api",
 * STREAM_ROUTING); it is routed when u_share < share, to reads.pools[floor(2 u_pick)]. The
 * expected split is computed here from the same stream, request by request; 200 reads 40 ms
 * apart holding 10 ms (never overlapping) with share 0.5. */
static void test_random_routing_follows_its_stream(void **state)
{
	(void)state;
	enum { N = 200 };
	static double t[N], h[N];
	for (int i = 0; i < N; i++) {
		t[i] = i * 0.04;
		h[i] = 0.01;
	}
	struct cfg_scenario sc;
	scenario(&sc, t, h, N);
	sc.workloads[0].req.reads.share = 0.5;
	sc.workloads[0].req.reads.routing = CFG_ROUTING_RANDOM;
	gsl_rng *g = rng_stream_create(sc.seed, 0, rng_stream_id("api", STREAM_ROUTING));
	assert_non_null(g);
	uint64_t want[3] = {0, 0, 0};
	for (int i = 0; i < N; i++) {
		double us = gsl_rng_uniform(g), up = gsl_rng_uniform(g);
		want[us < 0.5 ? (up < 0.5 ? R1 : R2) : MAIN]++;
	}
	gsl_rng_free(g);
	struct model_result *r = run(&sc);
	printf("    random routing, share 0.5: main %llu, r1 %llu, r2 %llu\n",
	       (unsigned long long)want[MAIN], (unsigned long long)want[R1],
	       (unsigned long long)want[R2]);
	for (int i = 0; i < 3; i++)
		assert_int_equal(r->pools[i].checkouts, want[i]);
	/* not a degenerate split: each share is drawn, so none is empty */
	assert_true(want[MAIN] > 0 && want[R1] > 0 && want[R2] > 0);
	model_result_destroy(r);
}

/* routing_pick alone: two draws per call whatever happens, writes never routed, round-robin
 * per process. */
static void test_routing_pick_draws_two_uniforms(void **state)
{
	(void)state;
	struct cfg_reads rd = {.n_pools = 2, .pools = {1, 2}, .share = 1,
			       .routing = CFG_ROUTING_ROUND_ROBIN};
	gsl_rng *g = rng_stream_create(1, 0, 99), *ref = rng_stream_create(1, 0, 99);
	assert_non_null(g);
	assert_non_null(ref);
	struct routing rt;
	assert_int_equal(routing_init(&rt, &rd, g, 2), 0);
	assert_int_equal(routing_pick(&rt, 0, false), 0);
	assert_int_equal(routing_pick(&rt, 0, true), -1); /* a write: the primary */
	assert_int_equal(routing_pick(&rt, 1, false), 0); /* process 1's own cycle */
	assert_int_equal(routing_pick(&rt, 0, false), 1);
	assert_int_equal(routing_pick(&rt, 0, false), 0);
	for (int i = 0; i < 2 * 5; i++)
		gsl_rng_uniform(ref);
	assert_true(gsl_rng_uniform(g) == gsl_rng_uniform(ref)); /* exactly 10 draws so far */
	routing_fini(&rt);
	/* no routing: nothing drawn, the primary */
	struct cfg_reads off = {0};
	assert_int_equal(routing_init(&rt, &off, g, 2), 0);
	assert_false(routing_enabled(&rt));
	assert_int_equal(routing_pick(&rt, 0, false), -1);
	assert_true(gsl_rng_uniform(g) == gsl_rng_uniform(ref));
	routing_fini(&rt);
	gsl_rng_free(g);
	gsl_rng_free(ref);
}

/* Common random numbers: a workload's arrivals and holds do not depend on whether it routes
 * reads (the routing stream is its own). Poisson arrivals, exponential db_time: the arrival
 * times seen with and without two replicas are identical, and so is the primary's write
 * traffic (with writes = 1 nothing is routed whatever the routing: the whole result equals
 * the run without routing). */
struct arr_log {
	double t[4096];
	int n;
};

static void log_arrival(void *ctx, int wl, double t)
{
	(void)wl;
	struct arr_log *a = ctx;
	if (a->n < 4096)
		a->t[a->n++] = t;
}

static void test_routing_keeps_other_streams(void **state)
{
	(void)state;
	struct cfg_scenario with, without;
	scenario(&with, NULL, NULL, 0);
	with.workloads[0].req.arrival.rate_per_s = 50;
	dist_exponential(&with.workloads[0].req.db_time, 0.01);
	with.workloads[0].req.writes = 0.3;
	with.workloads[0].req.reads.routing = CFG_ROUTING_RANDOM;
	without = with;
	without.workloads[0].req.reads.n_pools = 0;
	static struct arr_log la, lb;
	struct model_hooks ha = {.on_arrival = log_arrival, .ctx = &la};
	struct model_hooks hb = {.on_arrival = log_arrival, .ctx = &lb};
	struct model_result *a = model_result_create(&with), *b = model_result_create(&without);
	assert_int_equal(model_run(&with, 0, a, &ha), 0);
	assert_int_equal(model_run(&without, 0, b, &hb), 0);
	assert_true(la.n > 300 && la.n < 4096);
	assert_int_equal(la.n, lb.n);
	assert_memory_equal(la.t, lb.t, sizeof la.t[0] * (size_t)la.n);
	assert_int_equal(a->workloads[0].offered, b->workloads[0].offered);
	assert_true(a->pools[R1].checkouts > 0 && a->pools[R2].checkouts > 0);
	model_result_destroy(a);
	model_result_destroy(b);

	with.workloads[0].req.writes = 1;
	without.workloads[0].req.writes = 1;
	a = model_result_create(&with);
	b = model_result_create(&without);
	assert_int_equal(model_run(&with, 0, a, NULL), 0);
	assert_int_equal(model_run(&without, 0, b, NULL), 0);
	assert_true(model_result_equal(a, b));
	model_result_destroy(a);
	model_result_destroy(b);
}

/* Budgets are per server: the primary counts the pools on it that workloads use, a replica
 * the pools on it that reads are routed to. Two processes, pools of cap 1 (size 1, no
 * overflow): the primary 2 x main = 2 of its 97 usable slots; replica1 2 x r1 = 2 of
 * 4 - 3 = 1 usable: exceeded, on that server only. With share 0 the replica pools are never
 * used and count for nothing. */
static void test_budget_per_server(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, T5, H5, 5);
	sc.processes = 2;
	sc.replicas[0].db.max_connections = 4;
	struct budget b;
	char line[512];
	budget_compute_server(&sc, 0, &b);
	budget_format(line, sizeof line, &b, &sc);
	assert_string_equal(line, "primary: 2 processes x pool main (cap 1) = 2 <= 97 usable slots "
				  "(max_connections 100 - superuser_reserved_connections 3 - "
				  "reserved_connections 0)");
	assert_false(budget_exceeded(&b));
	budget_compute_server(&sc, 1, &b);
	budget_format(line, sizeof line, &b, &sc);
	assert_string_equal(line, "replica1: 2 processes x pool r1 (cap 1) = 2 > 1 usable slots "
				  "(max_connections 4 - superuser_reserved_connections 3 - "
				  "reserved_connections 0)");
	assert_true(budget_exceeded(&b));
	assert_true(budget_any_exceeded(&sc));
	sc.workloads[0].req.reads.share = 0;
	budget_compute_server(&sc, 1, &b);
	assert_int_equal(b.n_terms, 0);
	assert_false(budget_any_exceeded(&sc));
}

/* ---- statistical: three independent M/M/30+D queues ---------------------------------- */

#define REPS 10
#define CONF 0.999
#ifndef VALIDATION_SEED
#define VALIDATION_SEED 20261129
#endif

/* One workload at 840/s, hold exponential mean 0.1 s, writes 1/3 (row locks off, so a write
 * is only a routing fact), reads share 1, routed at random over two replicas: Poisson
 * splitting makes the primary's writes and each replica's reads three independent Poisson
 * streams of 280/s, each on its own pool of 30 connections with a 50 ms timeout (QueuePool
 * size 30, no overflow; zero connect time on every server): three M/M/30+D queues, the worked
 * example of queueing.md (P(abandon) 0.01932). Round-robin would not do: every second read of
 * a process goes to one replica, Erlang-2 arrivals, smoother than Poisson. */
static void mmcd_scenario(struct cfg_scenario *sc)
{
	scenario(sc, NULL, NULL, 0);
	sc->horizon_s = 1000;
	sc->warmup_s = 50;
	sc->replications = REPS;
	sc->seed = VALIDATION_SEED;
	sc->db.row_locks = false;
	dist_constant(&sc->db.connect_time, 0);
	sc->db.max_connections = 10000;
	for (int k = 0; k < 2; k++) {
		dist_constant(&sc->replicas[k].db.connect_time, 0);
		sc->replicas[k].db.max_connections = 10000;
	}
	for (int i = 0; i < 3; i++) {
		sc->pools[i].size = 30;
		sc->pools[i].timeout_s = 0.05;
	}
	struct cfg_requests *q = &sc->workloads[0].req;
	q->arrival.trace_n = 0;
	q->arrival.trace_t = q->arrival.trace_hold = NULL;
	q->arrival.rate_per_s = 840;
	dist_exponential(&q->db_time, 0.1);
	q->writes = 1.0 / 3;
	q->reads.routing = CFG_ROUTING_RANDOM;
}

/* Per pool and replication: timeouts / attempts (the pool's own counters after the warm-up)
 * and the time-average of connections checked out. */
static void pool_interval(struct model_result *const *r, int pool, bool rate, double *mean,
			  double *lo, double *hi)
{
	double v[REPS];
	for (int i = 0; i < REPS; i++) {
		const struct pool_result *p = &r[i]->pools[pool];
		v[i] = rate ? (double)p->timeouts / (double)(p->timeouts + p->checkouts + p->refused)
			    : p->checked_out_mean;
	}
	*mean = ci_student(v, REPS, CONF, lo, hi);
}

/* Tolerance: the exact value must lie in the 99.9 % Student-t interval over the 10
 * replications, and the interval be no wider than test_validation.c's bounds for this very
 * case (M/M/30+D, 280/s, T 50 ms, 1000 s, warm-up 50 s: half-width <= 14.3 % of the exact
 * timeout rate, 0.62 % of the mean checked out; twice the median half-width over 26 seeds).
 * Each pool here is that queue on its own Poisson stream of the same rate over the same
 * window, so its half-width has the same distribution. The workload's overall timeout rate
 * (every request of three queues with the same answer) must match too. */
static void test_two_replicas_half_the_reads_each_are_independent_queues(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	mmcd_scenario(&sc);
	struct qref_mmcd q;
	assert_int_equal(qref_mmcd(30, 280, 10, 0.05, &q), QREF_OK);
	struct model_result *r[REPS];
	for (int i = 0; i < REPS; i++) {
		r[i] = model_result_create(&sc);
		assert_non_null(r[i]);
		assert_int_equal(model_run(&sc, (uint64_t)i, r[i], NULL), 0);
	}
	static const char *names[] = {"main (primary, writes)", "r1 (replica1, reads)",
				      "r2 (replica2, reads)"};
	for (int p = 0; p < 3; p++) {
		double m, lo, hi;
		pool_interval(r, p, true, &m, &lo, &hi);
		printf("    %-24s timeout rate exact %.5f sim %.5f 99.9%% CI [%.5f, %.5f]\n",
		       names[p], q.p_abandon, m, lo, hi);
		assert_true(lo <= q.p_abandon && q.p_abandon <= hi);
		assert_true((hi - lo) / 2 <= 0.143 * q.p_abandon);
		pool_interval(r, p, false, &m, &lo, &hi);
		printf("    %-24s checked out  exact %.4f sim %.4f 99.9%% CI [%.4f, %.4f]\n",
		       names[p], 30 * q.utilization, m, lo, hi);
		assert_true(lo <= 30 * q.utilization && 30 * q.utilization <= hi);
		assert_true((hi - lo) / 2 <= 0.0062 * 30 * q.utilization);
	}
	const struct metric_def *m = metric_find("timeout_rate");
	double v[REPS], lo, hi;
	for (int i = 0; i < REPS; i++)
		v[i] = m->get(r[i], 0);
	double mean = ci_student(v, REPS, CONF, &lo, &hi);
	printf("    %-24s timeout rate exact %.5f sim %.5f 99.9%% CI [%.5f, %.5f]\n",
	       "api (all requests)", q.p_abandon, mean, lo, hi);
	assert_true(lo <= q.p_abandon && q.p_abandon <= hi);
	for (int i = 0; i < REPS; i++)
		model_result_destroy(r[i]);
}

static const double T4[] = {0, 1, 2, 3};
static const double H4[] = {0.1, 0.1, 1.0, 1.0};

/* statement_timeout per server: the primary's 0.5 s, replica1's own 0.05 s, replica2 the
 * primary's (0.5 s, set here as the loader's default would copy it). Reads only, round-robin:
 * the requests at 0, 1, 2, 3 s (db_time 0.1, 0.1, 1, 1; one statement, no round trips) go to
 * r1, r2, r1, r2. Derivation (the statement reaches the server when the connection is ready;
 * it is cancelled at that instant + the timeout if its db_time is longer):
 * - 0 s, r1: connect 20 ms, statement from 0.020, 0.1 > 0.05: cancelled at 0.070.
 * - 1 s, r2: connect 30 ms, 0.1 <= 0.5: served (wait 0.030).
 * - 2 s, r1: its connection idle, statement from 2, 1 > 0.05: cancelled at 2.05.
 * - 3 s, r2: statement from 3, 1 > 0.5: cancelled at 3.5.
 * So 1 served, 3 statement_timed_out; connections held 0.05, 0.1, 0.05 and 0.5 s (from the
 * statement's start to its end or its cancel, the ROLLBACK free: no round trip). The same
 * with cores 1 on
 * each server (one statement alone runs at full speed; the deadline is armed when it starts).
 * Then the workload's own statement_timeout 2 s (a role's setting, which replicates and
 * overrides the server's) serves all four; and with reads.share 0 every request runs on the
 * primary under its 0.5 s: the two of db_time 1 s fail, the others are served. */
static void test_statement_timeout_per_server(void **state)
{
	(void)state;
	for (int cores = 0; cores <= 1; cores++) {
		struct cfg_scenario sc;
		scenario(&sc, T4, H4, 4);
		sc.db.statement_timeout_s = 0.5;
		sc.db.cores = cores;
		sc.replicas[0].db.statement_timeout_s = 0.05;
		sc.replicas[1].db.statement_timeout_s = 0.5;
		for (int k = 0; k < 2; k++)
			sc.replicas[k].db.cores = cores;
		struct model_result *r = run(&sc);
		const struct requests_stats *s = &r->workloads[0];
		assert_int_equal(s->served, 1);
		assert_int_equal(s->failed[REQ_STATEMENT_TIMEOUT], 3);
		NEAR(s->wait_served.max, 0.030);
		/* each holds its connection until the cancel (no ROLLBACK round trip here) */
		assert_int_equal(s->hold.n, 4);
		NEAR(s->hold.max, 0.5);
		NEAR(tally_mean(&s->hold), (0.05 + 0.1 + 0.05 + 0.5) / 4);
		assert_int_equal(r->pools[R1].checkouts, 2);
		assert_int_equal(r->pools[R2].checkouts, 2);
		model_result_destroy(r);

		sc.workloads[0].req.statement_timeout_s = 2; /* the role's own */
		r = run(&sc);
		assert_int_equal(r->workloads[0].served, 4);
		model_result_destroy(r);

		sc.workloads[0].req.statement_timeout_s = -1; /* the servers' again */
		sc.workloads[0].req.reads.share = 0;
		r = run(&sc);
		s = &r->workloads[0];
		assert_int_equal(s->served, 2);
		assert_int_equal(s->failed[REQ_STATEMENT_TIMEOUT], 2);
		assert_int_equal(r->pools[MAIN].checkouts, 4);
		model_result_destroy(r);
	}
}

/* The overload factor counts routed reads (model_offered_erlangs). 100 requests/s per the
 * deployment's 2 processes (50/s each), db_time 0.1 s, one statement, a fifth writing, half
 * the reads routed over r1 and r2; the primary no round trip, replica1 10 ms. Routed:
 * (1 - 0.2) x 0.5 = 0.4 of the transactions, 0.2 to each replica pool. Per process:
 * main 0.6 x 50 x 0.1 = 3 Erlangs; r1 0.2 x 50 x (0.1 + 3 x 0.01) = 1.3 (three round trips:
 * BEGIN, the statement, COMMIT); r2 0.2 x 50 x 0.1 = 1. With routing off (n_pools 0) main
 * takes all: 5, the replicas' pools 0. */
static void test_offered_erlangs_count_routed_reads(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, T5, H5, 0);
	sc.processes = 2;
	sc.replicas[0].db.rtt_s = 0.01;
	struct cfg_requests *q = &sc.workloads[0].req;
	q->arrival.rate_per_s = 100;
	dist_constant(&q->db_time, 0.1);
	q->writes = 0.2;
	q->reads.share = 0.5;
	NEAR(model_offered_erlangs(&sc, MAIN), 3);
	NEAR(model_offered_erlangs(&sc, R1), 1.3);
	NEAR(model_offered_erlangs(&sc, R2), 1);
	q->reads.n_pools = 0;
	NEAR(model_offered_erlangs(&sc, MAIN), 5);
	NEAR(model_offered_erlangs(&sc, R1), 0);
}

/* A replica pool overloaded by routed reads gets the overload message with its factor: every
 * read (writes 0, share 1) of 1000/s, 1 s each, goes to pool r1 alone (one connection, a
 * timeout of 100 days, max_waiting 100): 1000 x 1 = 1000 connections busy against a cap of
 * 1, a factor of 1000. Before routed reads were counted, r1 was offered 0 Erlangs and the
 * message had no factor. */
static void test_overload_message_of_a_replica_pool(void **state)
{
	(void)state;
	struct cfg_scenario sc;
	scenario(&sc, T5, H5, 0);
	struct cfg_requests *q = &sc.workloads[0].req;
	q->arrival.rate_per_s = 1000;
	dist_constant(&q->db_time, 1);
	q->reads.n_pools = 1;
	sc.pools[R1].timeout_s = 100 * 86400;
	sc.pools[R1].max_waiting = 100;
	struct model_result *r = model_result_create(&sc);
	assert_non_null(r);
	assert_int_equal(model_run(&sc, 0, r, NULL), PT_EOVERLOAD);
	assert_int_equal(r->overloaded_pool, R1);
	char msg[512];
	model_failure_text(&sc, r, msg, sizeof msg);
	assert_string_equal(msg, "pool r1: the queue of waiting requests grew past 100 "
			    "(pools.r1.max_waiting): the pool is overloaded by a factor of 1000 "
			    "(1000 connections busy offered at the peak rate, against a cap of 1)");
	model_result_destroy(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_statement_timeout_per_server),
		cmocka_unit_test(test_offered_erlangs_count_routed_reads),
		cmocka_unit_test(test_overload_message_of_a_replica_pool),
		cmocka_unit_test(test_round_robin_reads_go_to_replicas),
		cmocka_unit_test(test_writes_stay_on_the_primary),
		cmocka_unit_test(test_share_zero_is_no_routing),
		cmocka_unit_test(test_round_robin_is_per_process),
		cmocka_unit_test(test_refusals_are_per_server),
		cmocka_unit_test(test_cpu_is_per_server),
		cmocka_unit_test(test_random_routing_follows_its_stream),
		cmocka_unit_test(test_routing_pick_draws_two_uniforms),
		cmocka_unit_test(test_routing_keeps_other_streams),
		cmocka_unit_test(test_budget_per_server),
		cmocka_unit_test(test_two_replicas_half_the_reads_each_are_independent_queues),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
