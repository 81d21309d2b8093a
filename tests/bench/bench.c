/* make bench: throughput and memory figures. Prints; asserts nothing about time.
 *
 * 0. The ratio of issue 11: pooltide's CPU time on the reference workload (M/M/30+D, 280/s,
 *    mean hold 0.1 s, timeout 0.5 s, one million arrivals, one replication, through
 *    model_run) over the CPU time of the hand-written loop of (3) on the same queue, both
 *    measured in this run, alternately, the best of BENCH_ROUNDS each (the best, because on
 *    a shared machine every disturbance only adds time). `bench ratio` prints only this,
 *    `bench model` runs only the model (for a profiler). Figures 1 to 4 are CPU times too;
 *    only the parallel figure is wall time (it measures a speed-up).
 * 1. The reference workload of DESIGN.md §6: M/M/30 with FIFO waiting and a deterministic
 *    timeout, 280 arrivals/s, mean hold 0.1 s, timeout 0.5 s and 0.05 s, one million arrivals,
 *    one replication, through the full model (pool, requests, statistics).
 * 2. The same workload at four times the length: peak pending events and resident memory
 *    should not grow with simulated time.
 * 3. A single-purpose baseline: the same M/M/30+D queue as a hand-written loop (a sorted
 *    array of 30 completion times, FIFO offered-wait recursion), to put (1) in proportion on
 *    this machine.
 * 4. Engine micro-benchmark: the classic "hold" model (pop the earliest event, schedule one a
 *    random time later) with 1 000 and 100 000 pending events.
 * 5. Scale (issue 11, items 2 and 3), each through the pooltide binary ($POOLTIDE, default
 *    build/pooltide) in a child process whose peak RSS and CPU time come from wait4():
 *    a 512-point x 10-replication sweep (peak memory); the incident with 2 000 000 users
 *    against 2000 (CPU time and peak memory, best of two); a run of 1000 arrivals with its
 *    result folder against the same simulation alone in this process. `bench scale` prints
 *    only these, `bench small` only the last. */
/* wait4(): a child's own rusage (peak RSS), not the sum over every child */
#define _DEFAULT_SOURCE
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "app/results.h"
#include "app/scenario.h"
#include "models/experiment.h"
#include "models/model.h"
#include "models/summary.h"
#include "models/timeline.h"
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
	double dt = run_model(&sc, r);
	const struct requests_stats *s = &r->workloads[0];
	printf("model  M/M/30+D timeout %-5g %8.0f arrivals  %6.3f s CPU  %6.2f M arrivals/s  "
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
	printf("loop   M/M/30+D timeout %-5g %8ld arrivals  %6.3f s CPU  %6.2f M arrivals/s  "
	       "(hand-written single-purpose loop, timeout rate %.3g)\n",
	       timeout, n, dt, (double)n / dt / 1e6, rate);
}

#define BENCH_ROUNDS 11

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
	double t0 = cpu_s();
	uint64_t ran = sim_run(sim, INFINITY);
	double dt = cpu_s() - t0;
	printf("engine hold model, %6d pending  %8.0f events  %6.3f s CPU  %6.2f M events/s\n", pending,
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

/* ---- 5. scale: the pooltide binary in a child ------------------------------------------ */

struct child_cost {
	int status;           /* exit status, or -1 */
	double wall_s, cpu_s; /* CPU: user + system of the child */
	long peak_kib;        /* the child's peak resident set */
};

/* Run argv (argv[0] a path) with stdout and stderr to /dev/null. */
static struct child_cost run_child(char *const *argv)
{
	struct child_cost c = {.status = -1};
	double t0 = now_s();
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(127);
		execv(argv[0], argv);
		_exit(127);
	}
	int st = 0;
	struct rusage ru;
	if (pid < 0 || wait4(pid, &st, 0, &ru) != pid)
		return c;
	c.wall_s = now_s() - t0;
	c.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
	c.cpu_s = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
		  (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	c.peak_kib = ru.ru_maxrss;
	return c;
}

static const char *pooltide_bin(void)
{
	const char *p = getenv("POOLTIDE");
	return p && *p ? p : "build/pooltide";
}

/* rm -r of a scratch folder made here. */
static void remove_dir(const char *dir)
{
	char *argv[] = {"/bin/rm", "-rf", (char *)dir, NULL};
	run_child(argv);
}

/* 512 points (8 x 8 x 8) x 10 replications of the M/M/30 validation scenario, 20 s each, on
 * every processor, result folder included: the peak resident memory. */
static void bench_sweep_memory(void)
{
	char dir[] = "/tmp/pooltide-bench-XXXXXX";
	if (!mkdtemp(dir))
		return;
	char *argv[] = {(char *)pooltide_bin(), "sweep", "scenarios/mmc-validation.json",
			"--horizon", "20s", "--set", "warmup=2s",
			"--vary", "pools.main.size=23,24,25,26,27,28,29,30",
			"--vary", "pools.main.max_overflow=0,1,2,3,4,5,6,7",
			"--vary", "pools.main.timeout=10ms,20ms,50ms,100ms,200ms,300ms,400ms,500ms",
			"-r", "10", "--no-plot", "-q", "-o", dir, NULL};
	struct child_cost c = run_child(argv);
	printf("sweep  512 points x 10 replications (mmc-validation, 20 s each): %.1f s, "
	       "peak RSS %.1f MiB%s\n", c.wall_s, (double)c.peak_kib / 1024,
	       c.status ? "  (FAILED)" : "");
	remove_dir(dir);
}

/* The bundled incident (7 variants x 10 replications of 2 h, one thread) with 2000 users and
 * with 2 000 000: CPU time and peak memory, the best of two runs each. */
static void bench_users(void)
{
	char dir[] = "/tmp/pooltide-bench-XXXXXX";
	if (!mkdtemp(dir))
		return;
	struct child_cost best[2];
	const char *counts[2] = {"users.count=2000", "users.count=2000000"};
	for (int k = 0; k < 2; k++)
		best[k] = (struct child_cost){.status = -1, .cpu_s = INFINITY};
	for (int round = 0; round < 2; round++)
		for (int k = 0; k < 2; k++) {
			char *argv[] = {(char *)pooltide_bin(), "run", "scenarios/incident.json", "--set",
					(char *)counts[k], "-j", "1", "--no-plot", "-q", "-o", dir, NULL};
			struct child_cost c = run_child(argv);
			if (c.cpu_s < best[k].cpu_s)
				best[k] = c;
			if (c.peak_kib > best[k].peak_kib)
				best[k].peak_kib = c.peak_kib;
		}
	for (int k = 0; k < 2; k++)
		printf("users  incident with %-9s CPU %6.2f s  peak RSS %6.1f MiB%s\n",
		       counts[k] + 12, best[k].cpu_s, (double)best[k].peak_kib / 1024,
		       best[k].status ? "  (FAILED)" : "");
	printf("users  2 000 000 against 2000: %.2f x the CPU time, %.2f x the peak memory\n",
	       best[1].cpu_s / best[0].cpu_s, (double)best[1].peak_kib / (double)best[0].peak_kib);
	remove_dir(dir);
}

/* A run of 1000 arrivals (the reference queue, 280/s for 3.571 s, one replication) with its
 * result folder, against the same simulation alone (loaded once, run in this process). */
static void bench_small_run(void)
{
	char dir[] = "/tmp/pooltide-bench-XXXXXX";
	if (!mkdtemp(dir))
		return;
	char path[sizeof dir + 32], out[sizeof dir + 32];
	snprintf(path, sizeof path, "%s/small.json", dir);
	snprintf(out, sizeof out, "%s/results", dir);
	FILE *f = fopen(path, "w");
	if (!f)
		return;
	fputs("{\"name\": \"small\", \"horizon\": \"3571ms\", \"replications\": 1, \"seed\": 1,\n"
	      " \"database\": {\"connect_time\": 0, \"max_connections\": 1000},\n"
	      " \"pools\": {\"main\": {\"size\": 30, \"max_overflow\": 0, \"timeout\": \"500ms\"}},\n"
	      " \"workloads\": {\"api\": {\"type\": \"requests\", \"arrival\": {\"rate\": \"280/s\"},\n"
	      "   \"transaction\": {\"db_time\": {\"dist\": \"exponential\", \"mean\": \"100ms\"}}}}}\n",
	      f);
	fclose(f);
	char err[512];
	struct scenario *sc;
	if (scenario_load(&sc, path, NULL, 0, err, sizeof err)) {
		printf("small  skipped (%s)\n", err);
		remove_dir(dir);
		return;
	}
	const struct cfg_scenario *cfgs[1] = {&sc->variants[0].cfg};
	double sim = INFINITY;
	uint64_t offered = 0;
	for (int i = 0; i < 20; i++) {
		struct experiment ex;
		double t0 = now_s();
		experiment_run(&ex, 1, cfgs, 1, NULL, NULL);
		double dt = now_s() - t0;
		if (dt < sim)
			sim = dt;
		struct estimate e;
		aggregate_estimate(experiment_aggregate(&ex, 0), metric_find("offered"), 0, &e);
		offered = (uint64_t)e.mean;
		experiment_fini(&ex);
	}
	/* The run as `pooltide run --no-plot` does it, in this process: the timeline sampled
	 * during the replication, the result folder written and committed (one sync). */
	double run = INFINITY, sync = INFINITY, run_cpu = INFINITY;
	for (int i = 0; i < 20; i++) {
		struct timeline tl;
		struct model_hooks hooks;
		struct experiment ex;
		struct results_dir *rd = NULL;
		double t0 = now_s(), c0 = cpu_s(), ts = 0;
		int st = timeline_prepare(&tl, cfgs[0], 0, &hooks);
		if (!st)
			st = experiment_run_sampled(&ex, 1, cfgs, 1, &hooks, NULL, NULL);
		struct results_info info = {.sc = sc, .ex = &ex, .timelines = &tl,
					    .started = time(NULL), .threads = 1, .recommended = -1};
		if (!st)
			st = results_begin(&rd, out, sc, info.started, err, sizeof err) ||
			     results_write_data(rd, &info, err, sizeof err) ||
			     results_write_report(rd, &info, NULL, NULL, err, sizeof err);
		if (!st) {
			ts = now_s();
			st = results_commit(rd, err, sizeof err);
			ts = now_s() - ts;
		}
		double dt = now_s() - t0, dc = cpu_s() - c0;
		results_destroy(rd);
		experiment_fini(&ex);
		timeline_fini(&tl);
		if (st) {
			printf("small  failed: %s\n", err);
			break;
		}
		run = fmin(run, dt);
		sync = fmin(sync, ts);
		run_cpu = fmin(run_cpu, dc);
	}
	printf("small  %llu arrivals: simulation alone %.2f ms; the run with its result folder "
	       "%.2f ms (%.1f x), of which the one sync %.2f ms; without it %.1f x; CPU %.2f ms "
	       "(%.1f x)\n", (unsigned long long)offered, sim * 1e3, run * 1e3, run / sim,
	       sync * 1e3, (run - sync) / sim, run_cpu * 1e3, run_cpu / sim);
	/* The same through the binary: process start, loading and hashing the scenario too. */
	struct child_cost best = {.wall_s = INFINITY, .cpu_s = INFINITY};
	for (int i = 0; i < 10; i++) {
		char *argv[] = {(char *)pooltide_bin(), "run", path, "-j", "1", "--no-plot", "-q",
				"-o", out, NULL};
		struct child_cost c = run_child(argv);
		best.status |= c.status;
		best.wall_s = fmin(best.wall_s, c.wall_s);
		best.cpu_s = fmin(best.cpu_s, c.cpu_s);
	}
	printf("small  the same as a command (process start, scenario load included): %.2f ms "
	       "wall, %.2f ms CPU%s\n", best.wall_s * 1e3, best.cpu_s * 1e3,
	       best.status ? "  (FAILED)" : "");
	scenario_destroy(sc);
	remove_dir(dir);
}

static void bench_scale(void)
{
	bench_small_run();
	bench_users();
	bench_sweep_memory();
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
	if (argc > 1 && strcmp(argv[1], "scale") == 0) {
		bench_scale();
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "small") == 0) {
		bench_small_run();
		return 0;
	}
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
	bench_scale();
	return 0;
}
