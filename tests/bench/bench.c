/* make bench: throughput and memory figures. Prints; asserts nothing about time.
 *
 * 0. The ratio of issue 11: pooltide's CPU time on the reference workload (M/M/30+D, 280/s,
 *    mean hold 0.1 s, timeout 0.5 s, one million arrivals, one replication, through
 *    model_run) over the CPU time of the hand-written loop of (3) on the same queue, both
 *    measured in this run, alternately, the best of BENCH_ROUNDS each (the best, because on
 *    a shared machine every disturbance only adds time). `bench ratio` prints only this.
 * 1. The reference workload of DESIGN.md §6: M/M/30 with FIFO waiting and a deterministic
 *    timeout, 280 arrivals/s, mean hold 0.1 s, timeout 0.5 s and 0.05 s, one million arrivals,
 *    one replication, through the full model (pool, requests, statistics).
 * 2. The same workload at four times the length: peak pending events and resident memory
 *    should not grow with simulated time.
 * 3. A single-purpose baseline: the same M/M/30+D queue as a hand-written loop (a sorted
 *    array of 30 completion times, FIFO offered-wait recursion), to put (1) in proportion on
 *    this machine.
 * 4. Engine micro-benchmark: the classic "hold" model (pop the earliest event, schedule one a
 *    random time later) with 1 000 and 100 000 pending events. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "app/scenario.h"
#include "models/experiment.h"
#include "models/model.h"
#include "sim/runner.h"
#include "sim/dist.h"
#include "sim/engine.h"
#include "sim/rng.h"

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU time of this process, seconds: what the ratio compares (wall time counts the other
 * processes of a shared machine too). */
static double cpu_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static long peak_rss_kib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

static void reference_config(struct cfg_scenario *sc, double timeout, double arrivals)
{
	cfg_scenario_defaults(sc);
	sc->horizon_s = arrivals / 280.0;
	sc->replications = 1;
	dist_constant(&sc->db.connect_time, 0);
	sc->n_pools = 1;
	cfg_pool_defaults(&sc->pools[0]);
	snprintf(sc->pools[0].name, CFG_NAME_MAX, "main");
	sc->pools[0].size = 30;
	sc->pools[0].max_overflow = 0;
	sc->pools[0].timeout_s = timeout;
	sc->n_workloads = 1;
	snprintf(sc->workloads[0].name, CFG_NAME_MAX, "api");
	sc->workloads[0].kind = CFG_WORKLOAD_REQUESTS;
	cfg_requests_defaults(&sc->workloads[0].req);
	sc->workloads[0].req.arrival.rate_per_s = 280;
	dist_exponential(&sc->workloads[0].req.db_time, 0.1);
}

/* One run of the model on the reference queue into r (made by model_result_create for sc);
 * CPU seconds. */
static double run_model(const struct cfg_scenario *sc, struct model_result *r)
{
	double t0 = cpu_s();
	model_run(sc, 0, r, NULL);
	return cpu_s() - t0;
}

static void bench_model(double timeout, double arrivals)
{
	struct cfg_scenario sc;
	reference_config(&sc, timeout, arrivals);
	struct model_result *r = model_result_create(&sc);
	if (!r)
		return;
	double t0 = now_s();
	run_model(&sc, r);
	double dt = now_s() - t0;
	const struct requests_stats *s = &r->workloads[0];
	printf("model  M/M/30+D timeout %-5g %8.0f arrivals  %6.3f s  %6.2f M arrivals/s  "
	       "%6.2f M events/s  peak pending %zu  timeout rate %.3g  peak RSS %ld KiB\n",
	       timeout, (double)s->offered, dt, (double)s->offered / dt / 1e6,
	       (double)r->events / dt / 1e6, r->peak_pending,
	       (double)s->failed[REQ_TIMED_OUT] / (double)s->offered, peak_rss_kib());
	model_result_destroy(r);
}

/* The same queue by hand: FIFO M/M/c+D via the offered-wait recursion on the sorted release
 * times of the c connections. Its generator is pinned to what it was when issue 11 measured
 * the ratio (GSL's mt19937 through gsl_ran_exponential), so the yardstick does not move when
 * pooltide's generator does. Returns CPU seconds; the timeout rate in *rate. */
static double run_loop(double timeout, long n, double *rate)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	if (!r)
		return NAN;
	gsl_rng_set(r, 1);
	double freeat[30] = {0};
	double t = 0, t0 = cpu_s();
	long timeouts = 0;
	for (long i = 0; i < n; i++) {
		t += gsl_ran_exponential(r, 1.0 / 280);
		double hold = gsl_ran_exponential(r, 0.1);
		/* freeat sorted ascending: the earliest-free connection serves FIFO */
		double start = freeat[0] > t ? freeat[0] : t;
		if (start - t > timeout) {
			timeouts++;
			continue;
		}
		freeat[0] = start + hold;
		/* re-insert freeat[0] into sorted order */
		for (int k = 0; k + 1 < 30 && freeat[k] > freeat[k + 1]; k++) {
			double tmp = freeat[k];
			freeat[k] = freeat[k + 1];
			freeat[k + 1] = tmp;
		}
	}
	double dt = cpu_s() - t0;
	*rate = (double)timeouts / (double)n;
	gsl_rng_free(r);
	return dt;
}

static void bench_baseline(double timeout, long n)
{
	double rate;
	double dt = run_loop(timeout, n, &rate);
	printf("loop   M/M/30+D timeout %-5g %8ld arrivals  %6.3f s  %6.2f M arrivals/s  "
	       "(hand-written single-purpose loop, timeout rate %.3g)\n",
	       timeout, n, dt, (double)n / dt / 1e6, rate);
}

#define BENCH_ROUNDS 5

static void bench_ratio(void)
{
	struct cfg_scenario sc;
	reference_config(&sc, 0.5, 1e6);
	struct model_result *r = model_result_create(&sc);
	if (!r)
		return;
	double best_model = INFINITY, best_loop = INFINITY, rate = 0;
	for (int i = 0; i < BENCH_ROUNDS; i++) {
		double m = run_model(&sc, r);
		double l = run_loop(0.5, 1000000, &rate);
		best_model = fmin(best_model, m);
		best_loop = fmin(best_loop, l);
	}
	printf("ratio  reference M/M/30+D (280/s, hold 0.1 s, timeout 0.5 s, 1e6 arrivals, 1 "
	       "replication), CPU time, best of %d:\n"
	       "       pooltide %.3f s, hand-written loop %.3f s: ratio %.2f\n",
	       BENCH_ROUNDS, best_model, best_loop, best_model / best_loop);
	model_result_destroy(r);
}

struct hold_ctx {
	gsl_rng *r;
	long remaining;
};

static void hold_ev(struct sim *sim, void *obj, uint64_t arg)
{
	struct hold_ctx *h = obj;
	if (h->remaining-- > 0)
		sim_schedule_in(sim, dist_exp_draw(h->r, 1.0), (int)(arg & 3), hold_ev, h, arg + 1);
}

static void bench_engine(int pending, long events)
{
	struct sim *sim = sim_create();
	struct hold_ctx h = {.r = rng_stream_create(1, 0, 2), .remaining = events};
	for (int i = 0; i < pending; i++)
		sim_schedule_at(sim, dist_exp_draw(h.r, 1.0), 0, hold_ev, &h, (uint64_t)i);
	double t0 = now_s();
	uint64_t ran = sim_run(sim, INFINITY);
	double dt = now_s() - t0;
	printf("engine hold model, %6d pending  %8.0f events  %6.3f s  %6.2f M events/s\n", pending,
	       (double)ran, dt, (double)ran / dt / 1e6);
	gsl_rng_free(h.r);
	sim_destroy(sim);
}

/* Replications in parallel: the bundled incident (7 variants, shortened) on 1 thread and on
 * every processor; the results must be the same bytes. */
static void bench_parallel(void)
{
	const char *sets[] = {"horizon=\"30m\"", "warmup=\"5m\"", "replications=8"};
	char err[512];
	struct scenario *sc;
	if (scenario_load(&sc, "scenarios/incident.json", sets, 3, err, sizeof err)) {
		printf("parallel: skipped (%s)\n", err);
		return;
	}
	const struct cfg_scenario *cfgs[16];
	for (int v = 0; v < sc->n_variants && v < 16; v++)
		cfgs[v] = &sc->variants[v].cfg;
	int threads = runner_default_threads();
	struct experiment one, all;
	double t0 = now_s();
	experiment_run(&one, sc->n_variants, cfgs, 1, NULL, NULL);
	double t1 = now_s();
	experiment_run(&all, sc->n_variants, cfgs, threads, NULL, NULL);
	double t2 = now_s();
	bool same = true;
	for (int v = 0; v < sc->n_variants; v++)
		same &= aggregate_equal(experiment_aggregate(&one, v), experiment_aggregate(&all, v));
	printf("parallel incident (%d variants x %d replications, 30 min): 1 thread %.3f s, "
	       "%d threads %.3f s, speed-up %.2f, results %s\n",
	       sc->n_variants, one.nrep, t1 - t0, threads, t2 - t1, (t1 - t0) / (t2 - t1),
	       same ? "identical" : "DIFFERENT");
	experiment_fini(&one);
	experiment_fini(&all);
	scenario_destroy(sc);
}

/* `bench model`: only the model on the reference workload, BENCH_ROUNDS times, for a profiler
 * (perf stat, callgrind) to see it alone. */
static void model_only(void)
{
	struct cfg_scenario sc;
	reference_config(&sc, 0.5, 1e6);
	struct model_result *r = model_result_create(&sc);
	if (!r)
		return;
	double best = INFINITY;
	for (int i = 0; i < BENCH_ROUNDS; i++)
		best = fmin(best, run_model(&sc, r));
	printf("model  reference workload, best of %d: %.3f s CPU, %llu events\n", BENCH_ROUNDS, best,
	       (unsigned long long)r->events);
	model_result_destroy(r);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "model") == 0) {
		model_only();
		return 0;
	}
	printf("pooltide bench (one thread; figures vary with the machine)\n");
	bench_ratio();
	if (argc > 1 && strcmp(argv[1], "ratio") == 0)
		return 0;
	bench_model(0.5, 1e6);
	bench_model(0.05, 1e6);
	bench_model(0.5, 4e6);
	bench_baseline(0.5, 1000000);
	bench_baseline(0.05, 1000000);
	bench_engine(1000, 5000000);
	bench_engine(100000, 5000000);
	bench_parallel();
	return 0;
}
