/* make bench: throughput and memory figures. Prints; asserts nothing about time.
 *
 * 0. The ratio of issue 11: pooltide's CPU time on the reference workload (M/M/30+D, 280/s,
 *    mean hold 0.1 s, timeout 0.5 s, one million arrivals, one replication, through
 *    model_run) over the CPU time of the hand-written loop of (3) on the same queue, both
 *    measured in this run, alternately, the best of BENCH_ROUNDS each (the best, because on
 *    a shared machine every disturbance only adds time). `bench ratio` prints only this,
 *    `bench model` runs only the model (for a profiler), `bench engine` only figure 4. Figures 1 to 4 are CPU times too;
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
 *    against 2000 (CPU time and peak memory, best of two; and one Zipf draw, in this
 *    process); a run of 1000 arrivals with its result folder against the same simulation
 *    alone in this process (CPU and wall time), and how a folder's files can be made durable
 *    on this disk. `bench scale` prints only these, `bench small` and `bench users` a part. */
/* wait4(): a child's own rusage (peak RSS), not the sum over every child; syncfs (Linux) */
#define _GNU_SOURCE
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
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
#include "models/users.h"
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

/* rm -r of a scratch folder made here, in this process (a fork would make the next round pay
 * copy-on-write faults on every page it writes). */
static void remove_dir(const char *dir)
{
	DIR *d = opendir(dir);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char p[PATH_MAX];
			struct stat sb;
			snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
			if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
				remove_dir(p);
			else
				unlink(p);
		}
		closedir(d);
	}
	rmdir(dir);
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

static volatile long zipf_sink;

/* One Zipf draw (s = 1, the incident's) from 2000 and from 2 000 000 users: CPU time per
 * draw over 10 million draws, best of 3. */
static void bench_zipf(void)
{
	const int counts[2] = {2000, 2000000};
	double ns[2];
	for (int k = 0; k < 2; k++) {
		struct cfg_users cfg = {.count = counts[k], .zipf_s = 1.0};
		struct users *u = users_create(&cfg);
		gsl_rng *r = rng_stream_create(1, 0, 1);
		if (!u || !r) {
			users_destroy(u);
			gsl_rng_free(r);
			return;
		}
		double best = INFINITY;
		long sum = 0;
		for (int round = 0; round < 3; round++) {
			double c0 = cpu_s();
			for (int i = 0; i < 10000000; i++)
				sum += users_draw(u, r);
			best = fmin(best, cpu_s() - c0);
		}
		ns[k] = best / 1e7 * 1e9;
		zipf_sink = sum; /* the draws are used: not optimised away */
		users_destroy(u);
		gsl_rng_free(r);
	}
	printf("users  one Zipf draw (s = 1, rejection-inversion), best of 3 x 1e7: %.1f ns from "
	       "2000 users, %.1f ns from 2 000 000\n", ns[0], ns[1]);
}

/* The bundled incident (7 variants x 10 replications of 2 h, one thread) with 2000 users and
 * with 2 000 000: CPU time and peak memory, the best of two runs each. */
static void bench_users(void)
{
	bench_zipf();
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

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define SMALL_ROUNDS 21

/* How a folder of files can be made durable on this disk: ten files of the small run's sizes
 * (written anew each round, so that they are dirty), then either one syncfs of their file
 * system (what results_commit does) or an fdatasync of each file and an fsync of the folder
 * (the portable way), alternately, wall time. */
static void bench_sync_choices(const char *root)
{
	static const size_t sizes[] = {55120, 20359, 9658, 4273, 3897, 3125, 94, 69, 35, 20};
	enum { NF = sizeof sizes / sizeof sizes[0] };
	static char data[55120];
	memset(data, 'x', sizeof data);
	double t_fs[SMALL_ROUNDS], t_each[SMALL_ROUNDS];
	for (int r = 0; r < 2 * SMALL_ROUNDS; r++) {
		char dir[256];
		snprintf(dir, sizeof dir, "%s/sync-%d", root, r);
		if (mkdir(dir, 0777) != 0)
			return;
		int fds[NF];
		for (int i = 0; i < NF; i++) {
			char p[300];
			snprintf(p, sizeof p, "%s/f%d", dir, i);
			fds[i] = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0666);
			if (fds[i] < 0 || write(fds[i], data, sizes[i]) != (ssize_t)sizes[i])
				return;
		}
		int dfd = open(dir, O_RDONLY | O_DIRECTORY);
		double t0 = now_s();
		if (r % 2 == 0) {
#ifdef __linux__
			(void)syncfs(dfd);
#else
			sync();
#endif
		} else {
			for (int i = 0; i < NF; i++)
				(void)fdatasync(fds[i]);
			(void)fsync(dfd);
		}
		(r % 2 == 0 ? t_fs : t_each)[r / 2] = now_s() - t0;
		close(dfd);
		for (int i = 0; i < NF; i++)
			close(fds[i]);
		remove_dir(dir);
	}
	double m_fs = median(t_fs, SMALL_ROUNDS), m_each = median(t_each, SMALL_ROUNDS);
	printf("small  making 10 such files durable, wall, median (best) of %d: one syncfs %.2f ms "
	       "(%.2f), fdatasync of each file + fsync of the folder %.2f ms (%.2f)\n",
	       SMALL_ROUNDS, m_fs * 1e3, t_fs[0] * 1e3, m_each * 1e3, t_each[0] * 1e3);
}

/* A run of 1000 arrivals (the reference queue, 280/s for 3.571 s, one replication) with its
 * result folder, against the same simulation alone (loaded once, run in this process),
 * alternately: CPU time and wall time, medians of SMALL_ROUNDS (the sync's wall time is the
 * disk's, and varies). Each round's folder is removed before the next (not timed), so every
 * round creates its folder under a free name, as a run does. */
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
	double sim_cpu[SMALL_ROUNDS], sim_wall[SMALL_ROUNDS];
	double run_cpu[SMALL_ROUNDS], run_wall[SMALL_ROUNDS], sync_wall[SMALL_ROUNDS];
	double write_cpu[SMALL_ROUNDS], write_wall[SMALL_ROUNDS], sampled_cpu[SMALL_ROUNDS];
	uint64_t offered = 0;
	int ok = 1;
	for (int i = 0; i < SMALL_ROUNDS && ok; i++) {
		/* the simulation alone */
		struct experiment ex;
		double t0 = now_s(), c0 = cpu_s();
		experiment_run(&ex, 1, cfgs, 1, NULL, NULL);
		sim_cpu[i] = cpu_s() - c0;
		sim_wall[i] = now_s() - t0;
		struct estimate e;
		aggregate_estimate(experiment_aggregate(&ex, 0), metric_find("offered"), 0, &e);
		offered = (uint64_t)e.mean;
		experiment_fini(&ex);
		/* The run as `pooltide run --no-plot` does it, in this process: the timeline
		 * sampled during the replication, the result folder written and committed. */
		struct timeline tl;
		struct model_hooks hooks;
		struct results_dir *rd = NULL;
		t0 = now_s();
		c0 = cpu_s();
		int st = timeline_prepare(&tl, cfgs[0], 0, &hooks);
		if (!st)
			st = experiment_run_sampled(&ex, 1, cfgs, 1, &hooks, NULL, NULL);
		struct results_info info = {.sc = sc, .ex = &ex, .timelines = &tl,
					    .started = time(NULL), .threads = 1, .recommended = -1};
		double tw = now_s(), cw = cpu_s(), ts = tw;
		sampled_cpu[i] = cw - c0;
		if (!st)
			st = results_begin(&rd, out, sc, info.started, err, sizeof err) ||
			     results_write_data(rd, &info, err, sizeof err) ||
			     results_write_report(rd, &info, NULL, NULL, err, sizeof err);
		if (!st) {
			ts = now_s();
			write_cpu[i] = cpu_s() - cw;
			write_wall[i] = ts - tw;
			st = results_commit(rd, err, sizeof err);
		}
		double te = now_s();
		run_cpu[i] = cpu_s() - c0;
		run_wall[i] = te - t0;
		sync_wall[i] = te - ts;
		results_destroy(rd);
		experiment_fini(&ex);
		timeline_fini(&tl);
		remove_dir(out);
		if (st) {
			printf("small  failed: %s\n", err);
			ok = 0;
		}
	}
	if (ok) {
		/* Medians: this machine's CPU clock now and then reads a round far too low, so a
		 * best-of would pick a glitch; best values are given for the wall times too. */
		double b_sim_w = INFINITY, b_run_w = INFINITY, b_sync = INFINITY;
		for (int i = 0; i < SMALL_ROUNDS; i++) {
			b_sim_w = fmin(b_sim_w, sim_wall[i]);
			b_run_w = fmin(b_run_w, run_wall[i]);
			b_sync = fmin(b_sync, sync_wall[i]);
		}
		double m_sim_c = median(sim_cpu, SMALL_ROUNDS), m_sim_w = median(sim_wall, SMALL_ROUNDS),
		       m_run_c = median(run_cpu, SMALL_ROUNDS), m_run_w = median(run_wall, SMALL_ROUNDS),
		       m_sync = median(sync_wall, SMALL_ROUNDS),
		       m_sampled = median(sampled_cpu, SMALL_ROUNDS),
		       m_wc = median(write_cpu, SMALL_ROUNDS), m_ww = median(write_wall, SMALL_ROUNDS);
		printf("small  %llu arrivals, medians of %d rounds: simulation alone %.3f ms CPU, "
		       "%.3f ms wall; the run with its result folder %.3f ms CPU (%.1f x), %.3f ms "
		       "wall (%.1f x); best wall times %.3f and %.3f ms (%.1f x)\n",
		       (unsigned long long)offered, SMALL_ROUNDS, m_sim_c * 1e3, m_sim_w * 1e3,
		       m_run_c * 1e3, m_run_c / m_sim_c, m_run_w * 1e3, m_run_w / m_sim_w,
		       b_sim_w * 1e3, b_run_w * 1e3, b_run_w / b_sim_w);
		printf("small  of the run (medians): the simulation with its sampled timeline %.3f ms "
		       "CPU; writing the folder's files %.3f ms CPU, %.3f ms wall; the commit (syncfs, "
		       "rename, fsync of the parent) %.3f ms wall (best %.3f)\n",
		       m_sampled * 1e3, m_wc * 1e3, m_ww * 1e3, m_sync * 1e3, b_sync * 1e3);
		bench_sync_choices(dir);
	}
	/* The same through the binary: process start, loading and hashing the scenario too. */
	struct child_cost best = {.wall_s = INFINITY, .cpu_s = INFINITY};
	for (int i = 0; i < 10; i++) {
		char *argv[] = {(char *)pooltide_bin(), "run", path, "-j", "1", "--no-plot", "-q",
				"-o", out, NULL};
		struct child_cost c = run_child(argv);
		best.status |= c.status;
		best.wall_s = fmin(best.wall_s, c.wall_s);
		best.cpu_s = fmin(best.cpu_s, c.cpu_s);
		remove_dir(out);
	}
	printf("small  the same as a command (process start, scenario load, replications.csv "
	       "included), best of 10: %.2f ms wall, %.2f ms CPU%s\n", best.wall_s * 1e3,
	       best.cpu_s * 1e3, best.status ? "  (FAILED)" : "");
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
	if (argc > 1 && strcmp(argv[1], "users") == 0) {
		bench_users();
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "engine") == 0) {
		bench_engine(1000, 5000000);
		bench_engine(100000, 5000000);
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
