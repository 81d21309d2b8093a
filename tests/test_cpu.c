/* Tests of models/cpu: processor sharing over `cores` with a virtual clock.
 *
 * Exact tests drive one CPU on an engine with hand-placed submissions. Every expected time is
 * worked out in the comment above the test from the rule in cpu.h: with n statements active,
 * each receives min(1, cores/n) seconds of work per second. All works and times are dyadic
 * (0.25, 0.5, 1.5, ...), so the expected values are exact in binary and are compared with ==;
 * one test uses non-dyadic works on purpose (equal tags must still finish at one instant).
 * A randomized test compares the virtual-clock implementation against a brute-force O(n)
 * processor-sharing simulation that updates every statement's remaining work at each event.
 *
 * Statistical tests: M/M/1-PS (reference/queueing.md, qref_mm1ps_sojourn: E[T] = 1/(mu-lam)) and
 * M/M/2-PS. With exponential work, c-core PS leaves the system at rate mu min(n, c), the same
 * birth-death process as M/M/c, so its mean number in system and (Little) its mean sojourn are
 * those of M/M/c: E[T] = E[Wq] + 1/mu with E[Wq] from Erlang C (qref_mmc). Each check: the exact
 * value lies in the 99.9 % Student-t interval over R = 10 independent replications (ci_student),
 * and that interval's half-width is below 5 % of the value, so a biased CPU cannot pass.
 *
 * Memory: a closed loop of 100 000 statements keeps exactly one engine event pending and never
 * grows the CPU's job records past their first allocation; the M/M/c runs bound both too. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "models/cpu.h"
#include "sim/engine.h"
#include "sim/rng.h"
#include "sim/stats.h"
#include "tests/queueing_ref.h"

/* ------------------------------------------------------------------------------------------ */
/* Harness: planned submissions (time, work, tag) and a log of completions (time, tag)         */

#define MAX_JOBS 64

struct fx;

/* Optional hook run inside a completion callback (re-entrancy tests). */
typedef void (*on_done_fn)(struct fx *fx, uint64_t tag);

struct fx {
	struct sim *sim;
	struct cpu *cpu;
	/* plan */
	int n_plan;
	double plan_t[MAX_JOBS], plan_w[MAX_JOBS];
	uint64_t plan_tag[MAX_JOBS];
	/* log */
	int n_done;
	double done_t[MAX_JOBS];
	uint64_t done_tag[MAX_JOBS];
	on_done_fn hook;
	/* the callback must never run before cpu_submit has returned */
	bool submitting;
};

static void on_done(void *ctx, uint64_t tag)
{
	struct fx *fx = ctx;
	assert_false(fx->submitting);
	assert_true(fx->n_done < MAX_JOBS);
	fx->done_t[fx->n_done] = sim_now(fx->sim);
	fx->done_tag[fx->n_done] = tag;
	fx->n_done++;
	if (fx->hook)
		fx->hook(fx, tag);
}

static void submit_now(struct fx *fx, double work_s, uint64_t tag)
{
	fx->submitting = true;
	cpu_submit(fx->cpu, work_s, on_done, fx, tag);
	fx->submitting = false;
}

static void ev_submit(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	struct fx *fx = obj;
	submit_now(fx, fx->plan_w[arg], fx->plan_tag[arg]);
}

static void fx_init(struct fx *fx, int cores)
{
	memset(fx, 0, sizeof *fx);
	fx->sim = sim_create();
	assert_non_null(fx->sim);
	fx->cpu = cpu_create(fx->sim, cores);
	assert_non_null(fx->cpu);
}

static void fx_fini(struct fx *fx)
{
	cpu_destroy(fx->cpu);
	sim_destroy(fx->sim);
}

/* Plan a submission at time t (priority 1: after completions at the same instant, like an
 * arrival). Submissions at t = 0 are planned as events too, so every submission runs inside
 * the engine as it would in the model. */
static void plan(struct fx *fx, double t, double work_s, uint64_t tag)
{
	assert_true(fx->n_plan < MAX_JOBS);
	int i = fx->n_plan++;
	fx->plan_t[i] = t;
	fx->plan_w[i] = work_s;
	fx->plan_tag[i] = tag;
	assert_true(sim_schedule_at(fx->sim, t, 1, ev_submit, fx, (uint64_t)i) != SIM_NO_EVENT);
}

static void expect_done(const struct fx *fx, int i, double t, uint64_t tag)
{
	assert_true(i < fx->n_done);
	if (fx->done_t[i] != t || fx->done_tag[i] != tag)
		fail_msg("completion %d: got tag %llu at %.17g, want tag %llu at %.17g", i,
			 (unsigned long long)fx->done_tag[i], fx->done_t[i],
			 (unsigned long long)tag, t);
}

static void expect_near(double got, double want, double tol, const char *what)
{
	if (!(fabs(got - want) <= tol))
		fail_msg("%s: got %.17g, want %.17g (tolerance %g)", what, got, want, tol);
}

/* ------------------------------------------------------------------------------------------ */
/* Exact                                                                                      */

static void test_create_destroy(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx, 2);
	assert_int_equal(cpu_active(fx.cpu), 0);
	assert_true(level_mean(cpu_active_level(fx.cpu), 0) == 0);
	assert_true(level_mean(cpu_busy_level(fx.cpu), 0) == 0);
	assert_int_equal(sim_pending(fx.sim), 0);
	fx_fini(&fx);
	cpu_destroy(NULL); /* documented no-op (STYLE.md lifecycle rule) */
}

/* cores = 1, two jobs of 1 s at t = 0: each runs at rate 1/2, so each has received 1 s of work
 * at t = 2; equal finish tags complete in submission order (tag 1, then 2). Levels over [0, 2]:
 * 2 active throughout, the core busy throughout. */
static void test_two_equal_jobs_one_core(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx, 1);
	plan(&fx, 0, 1.0, 1);
	plan(&fx, 0, 1.0, 2);
	sim_run(fx.sim, 1.0);
	assert_int_equal(cpu_active(fx.cpu), 2);
	assert_int_equal(fx.n_done, 0);
	sim_run(fx.sim, INFINITY);
	assert_int_equal(fx.n_done, 2);
	expect_done(&fx, 0, 2.0, 1);
	expect_done(&fx, 1, 2.0, 2);
	assert_int_equal(cpu_active(fx.cpu), 0);
	assert_true(level_mean(cpu_active_level(fx.cpu), 2.0) == 2.0);
	assert_true(level_mean(cpu_busy_level(fx.cpu), 2.0) == 1.0);
	assert_true(cpu_active_level(fx.cpu)->max == 2.0);
	fx_fini(&fx);
}

/* cpu_cancel (statement_timeout): cores = 1, jobs A (tag 1) 2 s, B (tag 2) 2 s and C (tag 3)
 * 4 s at t = 0, each at rate 1/3. At t = 1.5 each has received 0.5 s; C is cancelled. A and B
 * then share the core at 1/2: 1.5 s left each, 3 s of real time, both done at 4.5 (in
 * submission order). Without the cancel they would finish at 6. C's callback never runs, a
 * second cancel of it is refused, and the active level shows 3 over [0, 1.5], 2 over
 * [1.5, 4.5]: mean (4.5 + 6) / 4.5. */
struct cancel_ctx {
	struct fx *fx;
	uint64_t handle;
	bool first, second;
};

static void ev_cancel(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct cancel_ctx *cc = obj;
	cc->first = cpu_cancel(cc->fx->cpu, cc->handle);
	cc->second = cpu_cancel(cc->fx->cpu, cc->handle);
}

static void ev_submit_c(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct cancel_ctx *cc = obj;
	cc->fx->submitting = true;
	cc->handle = cpu_submit(cc->fx->cpu, 4.0, on_done, cc->fx, 3);
	cc->fx->submitting = false;
}

static void run_cancel(int cores, double want_ab)
{
	struct fx fx;
	struct cancel_ctx cc = {.fx = &fx};
	fx_init(&fx, cores);
	plan(&fx, 0, 2.0, 1);
	plan(&fx, 0, 2.0, 2);
	assert_true(sim_schedule_at(fx.sim, 0, 1, ev_submit_c, &cc, 0) != SIM_NO_EVENT);
	assert_true(sim_schedule_at(fx.sim, 1.5, 1, ev_cancel, &cc, 0) != SIM_NO_EVENT);
	sim_run(fx.sim, INFINITY);
	assert_true(cc.first);
	assert_false(cc.second);
	assert_int_equal(fx.n_done, 2);
	expect_done(&fx, 0, want_ab, 1);
	expect_done(&fx, 1, want_ab, 2);
	assert_int_equal(cpu_active(fx.cpu), 0);
	if (cores == 1)
		expect_near(level_mean(cpu_active_level(fx.cpu), 4.5), (4.5 + 6) / 4.5, 1e-12,
			    "active mean");
	fx_fini(&fx);
}

static void test_cancel_shared(void **state)
{
	(void)state;
	run_cancel(1, 4.5);
}

/* cores = 0 (no limit): A and B take exactly 2 s whatever C does; C's event is gone. */
static void test_cancel_unlimited(void **state)
{
	(void)state;
	run_cancel(0, 2.0);
}

/* cores = 1, jobs of 1 s and 3 s at t = 0: both at rate 1/2 until the short one has its 1 s at
 * t = 2; the long one then has 3 - 1 = 2 s left alone at rate 1: done at 4. */
static void test_short_and_long_one_core(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx, 1);
	plan(&fx, 0, 3.0, 7); /* the long one first: order is by finish, not submission */
	plan(&fx, 0, 1.0, 8);
	sim_run(fx.sim, INFINITY);
	assert_int_equal(fx.n_done, 2);
	expect_done(&fx, 0, 2.0, 8);
	expect_done(&fx, 1, 4.0, 7);
	fx_fini(&fx);
}

/* cores = 2, three jobs of 1 s at t = 0: each at rate 2/3, so 1 s of work takes 1.5 s; all three
 * finish at 1.5, in submission order. The busy share is 1 (3 > 2 cores) and the active level 3
 * over [0, 1.5]. */
static void test_three_jobs_two_cores(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx, 2);
	plan(&fx, 0, 1.0, 1);
	plan(&fx, 0, 1.0, 2);
	plan(&fx, 0, 1.0, 3);
	sim_run(fx.sim, INFINITY);
	assert_int_equal(fx.n_done, 3);
	expect_done(&fx, 0, 1.5, 1);
	expect_done(&fx, 1, 1.5, 2);
	expect_done(&fx, 2, 1.5, 3);
	assert_true(level_mean(cpu_active_level(fx.cpu), 1.5) == 3.0);
	assert_true(level_mean(cpu_busy_level(fx.cpu), 1.5) == 1.0);
	fx_fini(&fx);
}

/* The same with works that are not exact in binary: n jobs of w seconds on `cores` cores have
 * equal finish tags, so they complete at one instant (bit-identical times) near n w / cores,
 * in submission order, from one completion event. For 7 x 0.03 s on 3 cores and 11 x 0.03 s on
 * 1 core the virtual clock lands a rounding short of the tag, and the remaining 1e-18 s of
 * virtual time, scaled by n/cores, would otherwise not round away: the peers of the tag just
 * reached are completed with it (cpu.c, ev_shared). */
static void test_equal_tags_same_instant(void **state)
{
	(void)state;
	static const struct {
		int n, cores;
		double w;
	} cases[] = {{3, 2, 0.1}, {7, 3, 0.03}, {11, 1, 0.03}};
	for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
		struct fx fx;
		fx_init(&fx, cases[k].cores);
		for (int i = 0; i < cases[k].n; i++)
			plan(&fx, 0, cases[k].w, (uint64_t)i);
		uint64_t ran = sim_run(fx.sim, INFINITY);
		assert_int_equal(fx.n_done, cases[k].n);
		expect_near(fx.done_t[0], cases[k].n * cases[k].w / cases[k].cores, 1e-15,
			    "first completion");
		for (int i = 0; i < cases[k].n; i++)
			expect_done(&fx, i, fx.done_t[0], (uint64_t)i);
		/* n submissions, one completion event for all */
		assert_int_equal(ran, (uint64_t)cases[k].n + 1);
		fx_fini(&fx);
	}
}

/* Staggered, cores = 1: A (2 s) at 0 runs alone at rate 1 until B (1 s) arrives at 1; A then has
 * 2 - 1 = 1 s left and B 1 s, both at rate 1/2, so both reach their work at 1 + 1/(1/2) = 3.
 * Their finish tags are equal (A: 0 + 2, B: V(1) + 1 = 2), so A (submitted first) completes
 * first. */
static void test_staggered_tie(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx, 1);
	plan(&fx, 0, 2.0, 'A');
	plan(&fx, 1, 1.0, 'B');
	sim_run(fx.sim, INFINITY);
	assert_int_equal(fx.n_done, 2);
	expect_done(&fx, 0, 3.0, 'A');
	expect_done(&fx, 1, 3.0, 'B');
	fx_fini(&fx);
}

/* Staggered, cores = 1: A (3 s) at 0 alone until 1 (2 s left), B (1 s) at 1; both at rate 1/2:
 * B has its 1 s at 3, when A has received 1 more second (1 s left); A alone then finishes at 4.
 * Levels over [0, 4]: active 1, 2, 2, 1 on the four unit intervals: mean 6/4 = 1.5. */
static void test_staggered(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx, 1);
	plan(&fx, 0, 3.0, 'A');
	plan(&fx, 1, 1.0, 'B');
	sim_run(fx.sim, INFINITY);
	assert_int_equal(fx.n_done, 2);
	expect_done(&fx, 0, 3.0, 'B');
	expect_done(&fx, 1, 4.0, 'A');
	assert_true(level_mean(cpu_active_level(fx.cpu), 4.0) == 1.5);
	assert_true(level_mean(cpu_busy_level(fx.cpu), 4.0) == 1.0);
	fx_fini(&fx);
}

/* cores = 4, jobs of 1 s and 2 s at t = 0: n = 2 <= 4, rate 1 each (no slowdown): done at 1 and
 * 2. Busy share: 2/4 on [0, 1], 1/4 on [1, 2]: mean 3/8; active mean (2 + 1)/2 = 1.5. */
static void test_spare_cores_no_slowdown(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx, 4);
	plan(&fx, 0, 2.0, 1);
	plan(&fx, 0, 1.0, 2);
	sim_run(fx.sim, INFINITY);
	assert_int_equal(fx.n_done, 2);
	expect_done(&fx, 0, 1.0, 2);
	expect_done(&fx, 1, 2.0, 1);
	assert_true(level_mean(cpu_busy_level(fx.cpu), 2.0) == 0.375);
	assert_true(level_mean(cpu_active_level(fx.cpu), 2.0) == 1.5);
	fx_fini(&fx);
}

/* cores = 0 (unlimited): every statement takes exactly its work, whatever else runs: 3 s, 0.5 s
 * and 1 s at t = 0 finish at 3, 0.5, 1; 2 s at t = 1 finishes at 3 too, after the t = 0 one
 * (same instant: submission order). Active: 3 on [0, 0.5], 2 on [0.5, 1], 2 on [1, 3]: mean
 * (1.5 + 1 + 4)/3 = 13/6. The busy share of an unlimited CPU stays 0 (cpu.c). */
static void test_unlimited(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx, 0);
	plan(&fx, 0, 3.0, 1);
	plan(&fx, 0, 0.5, 2);
	plan(&fx, 0, 1.0, 3);
	plan(&fx, 1, 2.0, 4);
	sim_run(fx.sim, INFINITY);
	assert_int_equal(fx.n_done, 4);
	expect_done(&fx, 0, 0.5, 2);
	expect_done(&fx, 1, 1.0, 3);
	expect_done(&fx, 2, 3.0, 1);
	expect_done(&fx, 3, 3.0, 4);
	expect_near(level_mean(cpu_active_level(fx.cpu), 3.0), 13.0 / 6, 1e-15, "active mean");
	assert_true(level_mean(cpu_busy_level(fx.cpu), 3.0) == 0);
	assert_int_equal(cpu_active(fx.cpu), 0);
	fx_fini(&fx);
}

/* A zero-work statement finishes at the instant it is submitted, but only after cpu_submit has
 * returned (on_done fails if called while `submitting`). cores = 1 with a 1 s job running
 * since 0: the zero job at 0.25 has finish tag V(0.25) = 0.25, due at once; the 1 s job is
 * slowed for no time and still finishes at 1. cores = 0: finishes at 0.25 as well. */
static void test_zero_work(void **state)
{
	(void)state;
	for (int cores = 0; cores <= 1; cores++) {
		struct fx fx;
		fx_init(&fx, cores);
		plan(&fx, 0, 1.0, 1);
		plan(&fx, 0.25, 0.0, 2);
		sim_run(fx.sim, 0.25);
		assert_int_equal(fx.n_done, 1);
		expect_done(&fx, 0, 0.25, 2);
		sim_run(fx.sim, INFINITY);
		assert_int_equal(fx.n_done, 2);
		expect_done(&fx, 1, 1.0, 1);
		fx_fini(&fx);
	}
}

/* Ties on the finish tag complete in submission order, not by tag value or address: four
 * 0.5 s jobs on 2 cores at t = 0 (rate 1/2 each, all done at 1), submitted with tags 3, 2, 1, 0.
 * The same for cores = 0 (equal due times keep scheduling order in the engine). */
static void test_tie_order(void **state)
{
	(void)state;
	for (int cores = 0; cores <= 2; cores += 2) {
		struct fx fx;
		fx_init(&fx, cores);
		for (uint64_t tag = 4; tag-- > 0;)
			plan(&fx, 0, 0.5, tag);
		sim_run(fx.sim, INFINITY);
		double t = cores ? 1.0 : 0.5;
		assert_int_equal(fx.n_done, 4);
		for (int i = 0; i < 4; i++)
			expect_done(&fx, i, t, (uint64_t)(3 - i));
		fx_fini(&fx);
	}
}

/* Re-entrancy: a completion callback submits. cores = 1, A and B (1 s each) at 0 share the core
 * until both finish at 2 (finish tags 1 and 1). A's callback (the first at 2) submits C (0.5 s,
 * tag V + 0.5 = 1.5) and D (0 s, tag 1). B is still due at 2 and completes next, then D (tag 1,
 * submitted after B), both at 2. C then runs alone: done at 2.5. C's own callback submits E
 * (0.25 s), which runs alone: done at 2.75. */
static void reentry_hook(struct fx *fx, uint64_t tag)
{
	if (tag == 'A') {
		submit_now(fx, 0.5, 'C');
		submit_now(fx, 0.0, 'D');
		assert_int_equal(cpu_active(fx->cpu), 3); /* B, C, D */
	} else if (tag == 'C') {
		submit_now(fx, 0.25, 'E');
	}
}

static void test_reentrant_submit(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx, 1);
	fx.hook = reentry_hook;
	plan(&fx, 0, 1.0, 'A');
	plan(&fx, 0, 1.0, 'B');
	sim_run(fx.sim, INFINITY);
	assert_int_equal(fx.n_done, 5);
	expect_done(&fx, 0, 2.0, 'A');
	expect_done(&fx, 1, 2.0, 'B');
	expect_done(&fx, 2, 2.0, 'D');
	expect_done(&fx, 3, 2.5, 'C');
	expect_done(&fx, 4, 2.75, 'E');
	assert_int_equal(cpu_active(fx.cpu), 0);
	assert_int_equal(sim_pending(fx.sim), 0);
	fx_fini(&fx);
}

/* A submission at the very instant of a pending completion, run before it (priority 0, and
 * scheduled earlier): cores = 1, A (1 s) at 0 is due at 1; B (1 s) arrives at 1 first. A has
 * received all its work by 1, so the extra sharer does not delay it: A at 1, then B alone
 * at 2. */
static void instant_hook(struct fx *fx, uint64_t tag)
{
	if (tag == 'A') /* B was submitted first, so it is running when A completes */
		assert_int_equal(cpu_active(fx->cpu), 1);
}

static void test_submit_at_completion_instant(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx, 1);
	fx.hook = instant_hook;
	fx.plan_w[0] = 1.0;
	fx.plan_tag[0] = 'B';
	fx.n_plan = 1;
	assert_true(sim_schedule_at(fx.sim, 1.0, 0, ev_submit, &fx, 0) != SIM_NO_EVENT);
	submit_now(&fx, 1.0, 'A');
	sim_run(fx.sim, INFINITY);
	assert_int_equal(fx.n_done, 2);
	expect_done(&fx, 0, 1.0, 'A');
	expect_done(&fx, 1, 2.0, 'B');
	fx_fini(&fx);
}

/* cpu_reset restarts both level windows at the current time and keeps the current level:
 * 2 cores, 2 s and 1 s at 0 (n = 2 <= 2: rate 1 each); the 1 s job ends at 1; a probe at 1
 * (priority SIM_PRIO_MAX: after that completion) resets. Over [1, 2] one job is active:
 * active mean 1, busy share 1/2, and the window's max is 1 (the 2 before the reset is
 * forgotten). */
static void ev_reset(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	struct fx *fx = obj;
	assert_int_equal(cpu_active(fx->cpu), 1);
	cpu_reset(fx->cpu);
}

static void test_reset(void **state)
{
	(void)state;
	struct fx fx;
	fx_init(&fx, 2);
	plan(&fx, 0, 2.0, 1);
	plan(&fx, 0, 1.0, 2);
	assert_true(sim_schedule_at(fx.sim, 1.0, SIM_PRIO_MAX, ev_reset, &fx, 0) != SIM_NO_EVENT);
	sim_run(fx.sim, INFINITY);
	expect_done(&fx, 0, 1.0, 2);
	expect_done(&fx, 1, 2.0, 1);
	assert_true(level_mean(cpu_active_level(fx.cpu), 2.0) == 1.0);
	assert_true(level_mean(cpu_busy_level(fx.cpu), 2.0) == 0.5);
	assert_true(cpu_active_level(fx.cpu)->max == 1.0);
	fx_fini(&fx);
}

/* ------------------------------------------------------------------------------------------ */
/* Against a brute-force processor-sharing simulation                                         */

#define BF_N 3000

/* Completion times of jobs (arrival[i], work[i]), arrivals non-decreasing, by stepping from
 * event to event and decreasing every active job's remaining work: O(n) per event, no virtual
 * clock. At equal instants completions come before arrivals (as in the CPU test, where
 * arrivals run at priority 1). */
static void brute_force(int cores, int n, const double *arrival, const double *work, double *done)
{
	double *rem = malloc((size_t)n * sizeof *rem);
	assert_non_null(rem);
	double t = 0;
	int first = 0, next = 0, active = 0, finished = 0; /* [first, next): may be active */
	while (finished < n) {
		while (first < next && !isnan(done[first]))
			first++;
		double rate = active <= cores ? 1.0 : (double)cores / active;
		int jmin = -1;
		for (int i = first; i < next; i++)
			if (isnan(done[i]) && (jmin < 0 || rem[i] < rem[jmin]))
				jmin = i;
		double t_c = jmin >= 0 ? t + rem[jmin] / rate : INFINITY;
		double t_a = next < n ? arrival[next] : INFINITY;
		double t_new = t_c <= t_a ? t_c : t_a;
		for (int i = first; i < next; i++)
			if (isnan(done[i]))
				rem[i] -= (t_new - t) * rate;
		t = t_new;
		if (t_c <= t_a) {
			rem[jmin] = 0;
			for (int i = first; i < next; i++)
				if (isnan(done[i]) && rem[i] <= 1e-12) {
					done[i] = t;
					active--;
					finished++;
				}
		} else {
			rem[next] = work[next];
			done[next] = NAN;
			next++;
			active++;
		}
	}
	free(rem);
}

struct bf {
	struct sim *sim;
	struct cpu *cpu;
	const double *work;
	double done[BF_N];
};

static void bf_on_done(void *ctx, uint64_t tag)
{
	struct bf *b = ctx;
	assert_true(isnan(b->done[tag]));
	b->done[tag] = sim_now(b->sim);
}

static void bf_submit(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	struct bf *b = obj;
	cpu_submit(b->cpu, b->work[arg], bf_on_done, b, arg);
}

/* Random arrivals (Poisson, 10/s) and works (5 % exactly zero, the rest exponential, mean
 * 0.09 s per core: load 0.9), cores 1, 2, 3: every completion time agrees with the brute force
 * to 1e-9 s. */
static void test_against_brute_force(void **state)
{
	(void)state;
	static double arrival[BF_N], work[BF_N], want[BF_N];
	static struct bf b;
	gsl_rng *r = rng_stream_create(20240601, 0, 99);
	assert_non_null(r);
	for (int cores = 1; cores <= 3; cores++) {
		double t = 0;
		for (int i = 0; i < BF_N; i++) {
			t += gsl_ran_exponential(r, 0.1);
			arrival[i] = t;
			work[i] = gsl_rng_uniform(r) < 0.05 ? 0.0
							      : gsl_ran_exponential(r, 0.09 * cores);
			want[i] = NAN;
		}
		brute_force(cores, BF_N, arrival, work, want);

		b.sim = sim_create();
		assert_non_null(b.sim);
		b.cpu = cpu_create(b.sim, cores);
		assert_non_null(b.cpu);
		b.work = work;
		for (int i = 0; i < BF_N; i++) {
			b.done[i] = NAN;
			assert_true(sim_schedule_at(b.sim, arrival[i], 1, bf_submit, &b,
						    (uint64_t)i) != SIM_NO_EVENT);
		}
		sim_run(b.sim, INFINITY);
		double worst = 0;
		for (int i = 0; i < BF_N; i++) {
			assert_false(isnan(b.done[i]));
			double d = fabs(b.done[i] - want[i]);
			if (d > worst)
				worst = d;
			/* never before its arrival + work (a PS job cannot beat running alone) */
			assert_true(b.done[i] >= arrival[i] + work[i] - 1e-9);
		}
		print_message("cores %d: %d statements, worst |cpu - brute force| = %.3g s\n", cores,
			      BF_N, worst);
		if (!(worst <= 1e-9))
			fail_msg("cores %d: worst |cpu - brute force| = %g s", cores, worst);
		assert_int_equal(cpu_active(b.cpu), 0);
		cpu_destroy(b.cpu);
		sim_destroy(b.sim);
	}
	gsl_rng_free(r);
}

/* ------------------------------------------------------------------------------------------ */
/* Memory: one engine event whatever the number of statements; job records recycled           */

struct loop {
	struct sim *sim;
	struct cpu *cpu;
	long left;    /* submissions still to make */
	long done;
};

static double loop_work(long k) { return 0.001 * (double)(1 + k % 7); }

static void loop_done(void *ctx, uint64_t tag)
{
	struct loop *l = ctx;
	l->done++;
	if (l->left > 0) {
		l->left--;
		cpu_submit(l->cpu, loop_work(l->left), loop_done, l, tag);
	}
}

/* A closed loop: 4 clients on 2 cores, each resubmitting at once when its statement completes,
 * 100 000 statements in all. At most 4 are active, so the CPU holds exactly one engine event
 * (peak pending 1) and its job records never grow past the first allocation (16 records).
 * Unlimited cores: one event per statement (peak 4), same records. */
static void test_memory_steady(void **state)
{
	(void)state;
	for (int cores = 0; cores <= 2; cores += 2) {
		struct loop l = {.left = 100000};
		l.sim = sim_create();
		assert_non_null(l.sim);
		l.cpu = cpu_create(l.sim, cores);
		assert_non_null(l.cpu);
		for (uint64_t k = 0; k < 4; k++) {
			l.left--;
			cpu_submit(l.cpu, loop_work(l.left), loop_done, &l, k);
		}
		sim_run(l.sim, INFINITY);
		assert_int_equal(l.done, 100000);
		assert_int_equal(cpu_active(l.cpu), 0);
		assert_int_equal(sim_pending(l.sim), 0);
		assert_int_equal(sim_peak_pending(l.sim), cores ? 1 : 4);
		assert_int_equal(cpu_job_slots(l.cpu), 16);
		assert_true(cpu_active_level(l.cpu)->max == 4.0);
		cpu_destroy(l.cpu);
		sim_destroy(l.sim);
	}
}

/* ------------------------------------------------------------------------------------------ */
/* Statistical: M/M/c-PS                                                                      */

#define REPS 10
#define MASTER_SEED 0x5eedc0deULL

struct mm {
	struct sim *sim;
	struct cpu *cpu;
	gsl_rng *r_arr, *r_work;
	double lam, mean_work_s, warm_s, horizon_s;
	struct tally sojourn;      /* statements submitted in [warm, horizon) */
	double active_mean, busy_mean; /* time averages over [warm, horizon] */
};

/* The submission time travels in the tag (its bits): no per-statement record in the test. */
static uint64_t time_tag(double t)
{
	uint64_t u;
	memcpy(&u, &t, sizeof u);
	return u;
}

static double tag_time(uint64_t u)
{
	double t;
	memcpy(&t, &u, sizeof t);
	return t;
}

static void mm_done(void *ctx, uint64_t tag)
{
	struct mm *m = ctx;
	double t0 = tag_time(tag);
	if (t0 >= m->warm_s)
		tally_add(&m->sojourn, sim_now(m->sim) - t0);
}

static void mm_arrival(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct mm *m = obj;
	double now = sim_now(sim);
	cpu_submit(m->cpu, gsl_ran_exponential(m->r_work, m->mean_work_s), mm_done, m,
		   time_tag(now));
	double next = now + gsl_ran_exponential(m->r_arr, 1 / m->lam);
	if (next < m->horizon_s)
		assert_true(sim_schedule_at(sim, next, 2, mm_arrival, m, 0) != SIM_NO_EVENT);
}

static void mm_warm(struct sim *sim, void *obj, uint64_t arg)
{
	(void)sim;
	(void)arg;
	cpu_reset(((struct mm *)obj)->cpu);
}

static void mm_probe(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct mm *m = obj;
	m->active_mean = level_mean(cpu_active_level(m->cpu), sim_now(sim));
	m->busy_mean = level_mean(cpu_busy_level(m->cpu), sim_now(sim));
}

struct mm_out {
	double sojourn, active, busy;
	uint64_t n;
};

/* One replication: Poisson arrivals (lam) of exponential work (mean 1/mu) from an empty CPU, a
 * 100 s warm-up (the M/M/1 relaxation time at rho = 0.8 is 1/(mu (1 - sqrt(rho))^2) = 9 s),
 * then run_s observed seconds; arrivals stop at the horizon and the run drains, so every
 * counted statement completes. Streams 1 (arrivals) and 2 (work) of replication `rep`. */
static struct mm_out mm_run(int cores, double lam, double mu, double run_s, uint64_t rep)
{
	struct mm m = {.lam = lam, .mean_work_s = 1 / mu, .warm_s = 100, .horizon_s = 100 + run_s};
	m.sim = sim_create();
	m.cpu = cpu_create(m.sim, cores);
	m.r_arr = rng_stream_create(MASTER_SEED, rep, 1);
	m.r_work = rng_stream_create(MASTER_SEED, rep, 2);
	assert_true(m.sim && m.cpu && m.r_arr && m.r_work);
	tally_init(&m.sojourn);
	/* the test's own events: first arrival, warm-up reset, horizon probe (at most these three
	 * and the next arrival are ever pending besides the CPU's one event) */
	assert_true(sim_schedule_at(m.sim, gsl_ran_exponential(m.r_arr, 1 / lam), 2, mm_arrival,
				    &m, 0) != SIM_NO_EVENT);
	assert_true(sim_schedule_at(m.sim, m.warm_s, SIM_PRIO_MAX, mm_warm, &m, 0) !=
		    SIM_NO_EVENT);
	assert_true(sim_schedule_at(m.sim, m.horizon_s, SIM_PRIO_MAX, mm_probe, &m, 0) !=
		    SIM_NO_EVENT);
	sim_run(m.sim, INFINITY);
	assert_int_equal(cpu_active(m.cpu), 0);
	/* 1 CPU event + next arrival + warm-up + probe */
	assert_true(sim_peak_pending(m.sim) <= 4);
	/* records grow by doubling to the peak concurrency, no further */
	double peak = cpu_active_level(m.cpu)->max;
	assert_true((double)cpu_job_slots(m.cpu) < fmax(17, 2 * peak + 1));
	struct mm_out out = {.sojourn = tally_mean(&m.sojourn), .active = m.active_mean,
			     .busy = m.busy_mean, .n = m.sojourn.n};
	gsl_rng_free(m.r_arr);
	gsl_rng_free(m.r_work);
	cpu_destroy(m.cpu);
	sim_destroy(m.sim);
	return out;
}

/* want inside the 99.9 % interval of x[0..REPS), and the interval narrower than +-5 % of want */
static void check_ci(const char *what, const double *x, double want)
{
	double lo, hi;
	double mean = ci_student(x, REPS, 0.999, &lo, &hi);
	print_message("%-28s exact %.5f  mean %.5f  99.9%% CI [%.5f, %.5f]  half-width %.2f%%\n",
		      what, want, mean, lo, hi, 100 * (hi - lo) / 2 / want);
	if (!(lo <= want && want <= hi))
		fail_msg("%s: exact %.6f outside the 99.9 %% CI [%.6f, %.6f]", what, want, lo, hi);
	if (!((hi - lo) / 2 < 0.05 * want))
		fail_msg("%s: CI half-width %.6f not below 5 %% of %.6f", what, (hi - lo) / 2, want);
}

static void check_mmc_ps(int cores, double lam, double mu, double run_s, double want_sojourn)
{
	double soj[REPS], act[REPS], busy[REPS];
	uint64_t n = 0;
	for (int r = 0; r < REPS; r++) {
		struct mm_out o = mm_run(cores, lam, mu, run_s, (uint64_t)r);
		soj[r] = o.sojourn;
		act[r] = o.active;
		busy[r] = o.busy;
		n += o.n;
	}
	print_message("M/M/%d-PS lam %g mu %g: %llu statements over %d replications\n", cores, lam,
		      mu, (unsigned long long)n, REPS);
	check_ci("mean sojourn (s)", soj, want_sojourn);
	check_ci("mean active (Little)", act, lam * want_sojourn);
	check_ci("busy share (rho)", busy, lam / (cores * mu));
}

/* M/M/1-PS, lam = 8/s, mu = 10/s: E[T] = 1/(mu - lam) = 0.5 s (qref_mm1ps_sojourn), L = lam E[T]
 * = 4, busy share rho = 0.8. 40 000 s per replication: at 20 000 s the half-width was 4.5 %,
 * too close to the 5 % bound for comfort. */
static void test_mm1_ps(void **state)
{
	(void)state;
	double want = qref_mm1ps_sojourn(8, 10);
	assert_true(fabs(want - 0.5) < 1e-15);
	check_mmc_ps(1, 8, 10, 40000, want);
}

/* M/M/2-PS, lam = 16/s, mu = 10/s (rho = 0.8): E[T] = E[Wq] + 1/mu of M/M/2 (qref_mmc): Erlang C
 * = 2 rho^2/(1 + rho) = 0.7111, E[Wq] = C/(2 mu - lam) = 0.1778 s, E[T] = 0.2778 s; L = 4.444;
 * busy share = E[min(n, 2)]/2 = rho. */
static void test_mm2_ps(void **state)
{
	(void)state;
	struct qref_mmc q;
	assert_int_equal(qref_mmc(2, 16, 10, &q), QREF_OK);
	double want = q.mean_wait + 1.0 / 10;
	assert_true(fabs(want - (2 * 0.64 / 1.8 / 4 + 0.1)) < 1e-12);
	check_mmc_ps(2, 16, 10, 20000, want);
}

/* ------------------------------------------------------------------------------------------ */

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_destroy),
		cmocka_unit_test(test_two_equal_jobs_one_core),
		cmocka_unit_test(test_cancel_shared),
		cmocka_unit_test(test_cancel_unlimited),
		cmocka_unit_test(test_short_and_long_one_core),
		cmocka_unit_test(test_three_jobs_two_cores),
		cmocka_unit_test(test_equal_tags_same_instant),
		cmocka_unit_test(test_staggered_tie),
		cmocka_unit_test(test_staggered),
		cmocka_unit_test(test_spare_cores_no_slowdown),
		cmocka_unit_test(test_unlimited),
		cmocka_unit_test(test_zero_work),
		cmocka_unit_test(test_tie_order),
		cmocka_unit_test(test_reentrant_submit),
		cmocka_unit_test(test_submit_at_completion_instant),
		cmocka_unit_test(test_reset),
		cmocka_unit_test(test_against_brute_force),
		cmocka_unit_test(test_memory_steady),
		cmocka_unit_test(test_mm1_ps),
		cmocka_unit_test(test_mm2_ps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
