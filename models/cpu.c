#include "models/cpu.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "sim/status.h"

/* Same-instant order: CPU completions run with the other releases and completions
 * (PRIO_COMPLETION = 0 in models/pool.h), before deadlines and arrivals. Not taken from pool.h
 * because the CPU knows nothing of pools. */
#define CPU_PRIO 0

#define NO_JOB UINT32_MAX

/* What to call back; records are recycled through a free list, addressed by index (the array
 * may move when it grows, the indices do not). */
struct job {
	cpu_done_fn done;
	void *ctx;
	uint64_t tag;
	uint64_t seq;         /* the submission's handle; FREE_JOB when the record is free */
	sim_handle ev;        /* cores = 0: its completion event */
	uint32_t next_free;
};

#define FREE_JOB UINT64_MAX

/* A heap entry carries its key, so sifting touches only the heap array. The key (f, seq) is a
 * total order: equal finish tags complete in submission order, never by pointer or position. */
struct heap_entry {
	double f;     /* virtual finish tag: v at submission + work */
	uint64_t seq; /* submission sequence */
	uint32_t job;
};

struct cpu {
	struct sim *sim;
	int cores;               /* 0 = unlimited */
	int n;                   /* statements active */
	/* Virtual time: the work each active statement has received, advanced at the per-statement
	 * rate min(1, cores/n). Rebased to 0 whenever the CPU goes idle (no tag is alive then), so
	 * tags stay as small as a busy period and a short statement late in a long run keeps its
	 * digits. */
	double v;
	double t_last;           /* real time up to which v is accounted, s */
	uint64_t seq;
	struct job *jobs;        /* cap records */
	struct heap_entry *heap; /* n entries (cores > 0 only), min at [0] */
	uint32_t cap;
	uint32_t free_head;      /* NO_JOB when every record is in use */
	/* The one engine event, armed for heap[0] at ev_t; ev_seq names the job it was armed for,
	 * so an unchanged (job, time) keeps its event instead of being moved. */
	sim_handle ev;
	double ev_t;
	uint64_t ev_seq;
	bool in_handler;         /* completing: re-entrant submits leave the arming to the handler */
	struct level active, busy;
};

static void ev_shared(struct sim *sim, void *obj, uint64_t arg);
static void ev_unlimited(struct sim *sim, void *obj, uint64_t arg);

struct cpu *cpu_create(struct sim *sim, int cores)
{
	assert(sim);
	assert(cores >= 0);
	struct cpu *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->sim = sim;
	c->cores = cores;
	c->free_head = NO_JOB;
	c->ev = SIM_NO_EVENT;
	double now = sim_now(sim);
	c->t_last = now;
	level_init(&c->active, now, 0);
	level_init(&c->busy, now, 0);
	return c;
}

/* Does not touch the engine, so it may run before or after sim_destroy; pending completions
 * then refer to a freed CPU, so the engine must not run again (the same contract as
 * pool_destroy). */
void cpu_destroy(struct cpu *c)
{
	if (!c)
		return;
	free(c->jobs);
	free(c->heap);
	free(c);
}

int cpu_active(const struct cpu *c) { return c->n; }
const struct level *cpu_active_level(const struct cpu *c) { return &c->active; }
const struct level *cpu_busy_level(const struct cpu *c) { return &c->busy; }
size_t cpu_job_slots(const struct cpu *c) { return c->cap; }

void cpu_reset(struct cpu *c)
{
	double now = sim_now(c->sim);
	level_reset(&c->active, now);
	level_reset(&c->busy, now);
}

/* ---- job records ------------------------------------------------------------------------- */

/* NO_JOB when out of memory (or past 2^31 jobs): the run is then failed (sim_fail). */
static uint32_t job_new(struct cpu *c)
{
	if (c->free_head == NO_JOB) {
		uint32_t old = c->cap;
		if (old >= UINT32_MAX / 2) {
			sim_fail(c->sim, PT_ENOMEM);
			return NO_JOB;
		}
		uint32_t cap = old ? 2 * old : 16;
		if (c->cores > 0) { /* the heap first: a failure leaves both arrays as they were */
			struct heap_entry *h = realloc(c->heap, (size_t)cap * sizeof *h);
			if (!h) {
				sim_fail(c->sim, PT_ENOMEM);
				return NO_JOB;
			}
			c->heap = h;
		}
		struct job *jobs = realloc(c->jobs, (size_t)cap * sizeof *jobs);
		if (!jobs) {
			sim_fail(c->sim, PT_ENOMEM);
			return NO_JOB;
		}
		c->jobs = jobs;
		for (uint32_t i = old; i < cap; i++) {
			jobs[i].next_free = i + 1 < cap ? i + 1 : NO_JOB;
			jobs[i].seq = FREE_JOB;
		}
		c->free_head = old;
		c->cap = cap;
	}
	uint32_t j = c->free_head;
	c->free_head = c->jobs[j].next_free;
	return j;
}

static void job_free(struct cpu *c, uint32_t j)
{
	c->jobs[j].seq = FREE_JOB;
	c->jobs[j].next_free = c->free_head;
	c->free_head = j;
}

/* ---- the heap of finish tags ------------------------------------------------------------- */

static inline bool before(const struct heap_entry *a, const struct heap_entry *b)
{
	if (a->f != b->f)
		return a->f < b->f;
	return a->seq < b->seq;
}

/* Insert e; the caller has already counted it in c->n. */
static void heap_push(struct cpu *c, struct heap_entry e)
{
	struct heap_entry *h = c->heap;
	size_t pos = (size_t)c->n - 1;
	while (pos > 0) {
		size_t parent = (pos - 1) / 2;
		if (!before(&e, &h[parent]))
			break;
		h[pos] = h[parent];
		pos = parent;
	}
	h[pos] = e;
}

/* Remove the root; the caller has already uncounted it from c->n (h[n] is the last entry). */
static void heap_pop(struct cpu *c)
{
	struct heap_entry *h = c->heap;
	size_t n = (size_t)c->n;
	if (n == 0)
		return;
	struct heap_entry e = h[n];
	size_t pos = 0;
	for (;;) {
		size_t child = 2 * pos + 1;
		if (child >= n)
			break;
		if (child + 1 < n && before(&h[child + 1], &h[child]))
			child++;
		if (!before(&h[child], &e))
			break;
		h[pos] = h[child];
		pos = child;
	}
	h[pos] = e;
}

/* ---- virtual time ------------------------------------------------------------------------ */

/* Real seconds for every active statement to receive dv more seconds of work at the current
 * rate min(1, cores/n). Written as dv * n / cores, not dv / (cores / n): one rounding less. */
static double real_for(const struct cpu *c, double dv)
{
	return c->n <= c->cores ? dv : dv * c->n / c->cores;
}

static void advance(struct cpu *c, double now)
{
	double dt = now - c->t_last;
	if (c->n > 0 && dt > 0)
		c->v += c->n <= c->cores ? dt : dt * c->cores / c->n;
	c->t_last = now;
}

static void set_active(struct cpu *c, double now, int n)
{
	c->n = n;
	level_set(&c->active, now, n);
	/* cores = 0 (no limit) keeps the busy share at 0: the limit of min(n, cores)/cores as
	 * cores grows, i.e. an unlimited CPU is never the bottleneck. */
	if (c->cores > 0)
		level_set(&c->busy, now, (double)(n < c->cores ? n : c->cores) / c->cores);
}

/* Point the one engine event at the completion of heap[0] under the current n. */
static void arm(struct cpu *c, double now)
{
	if (c->n == 0) {
		sim_cancel(c->sim, c->ev);
		c->ev = SIM_NO_EVENT;
		return;
	}
	const struct heap_entry *top = &c->heap[0];
	double due = now + real_for(c, top->f - c->v);
	if (due < now)
		due = now; /* a tag a rounding below v: due now */
	if (c->ev != SIM_NO_EVENT) {
		if (c->ev_t == due && c->ev_seq == top->seq)
			return;
		sim_cancel(c->sim, c->ev);
	}
	c->ev = sim_schedule_at(c->sim, due, CPU_PRIO, ev_shared, c, 0);
	if (c->ev == SIM_NO_EVENT)
		return; /* out of memory: the engine has failed the run (sim_status) */
	c->ev_t = due;
	c->ev_seq = top->seq;
}

/* Complete heap[0]: uncount it, recycle its record, then call back (last, so the callback sees
 * a consistent CPU and may submit). */
static void finish_top(struct cpu *c, double now)
{
	uint32_t j = c->heap[0].job;
	set_active(c, now, c->n - 1);
	heap_pop(c);
	if (c->n == 0)
		c->v = 0;
	struct job jb = c->jobs[j];
	job_free(c, j);
	jb.done(jb.ctx, jb.tag);
}

static void ev_shared(struct sim *sim, void *obj, uint64_t arg)
{
	(void)arg;
	struct cpu *c = obj;
	double now = sim_now(sim);
	c->ev = SIM_NO_EVENT;
	assert(c->n > 0);
	advance(c, now);
	/* The event was armed for heap[0] (every change of n or of the minimum re-arms it), so v
	 * has reached its tag f0 up to rounding. Complete it without re-testing f0 <= v, which
	 * rounding could miss. v is left as the clock made it, not snapped onto f0: snapping
	 * in one direction would make v creep ahead of the real clock by a rounding per
	 * completion (measured against the brute force in test_cpu.c). */
	double f0 = c->heap[0].f;
	uint64_t seq0 = c->seq; /* statements submitted from here on are not among f0's peers */
	assert(fabs(f0 - c->v) <= 1e-9 * (1 + fabs(f0) + now));
	c->in_handler = true;
	finish_top(c, now);
	/* Done at this same instant, in tag order (equal tags: submission order): statements that
	 * were already running with the tag f0 just reached, and any whose remaining real time
	 * rounds to nothing. The second test is on the real due time, so nothing finishes earlier
	 * than its due time by more than one rounding of the clock. (Statements submitted by the
	 * callbacks are excluded from the first test: if the CPU went idle in between, v was
	 * rebased to 0 and their tags are no longer comparable with f0.) */
	while (c->n > 0 && ((c->heap[0].seq < seq0 && c->heap[0].f <= f0) ||
			    now + real_for(c, c->heap[0].f - c->v) <= now))
		finish_top(c, now);
	c->in_handler = false;
	arm(c, now);
}

static void ev_unlimited(struct sim *sim, void *obj, uint64_t arg)
{
	struct cpu *c = obj;
	uint32_t j = (uint32_t)arg;
	set_active(c, sim_now(sim), c->n - 1);
	struct job jb = c->jobs[j];
	job_free(c, j);
	jb.done(jb.ctx, jb.tag);
}

uint64_t cpu_submit(struct cpu *c, double work_s, cpu_done_fn done, void *ctx, uint64_t tag)
{
	assert(done);
	assert(work_s >= 0 && isfinite(work_s));
	double now = sim_now(c->sim);
	uint32_t j = job_new(c);
	if (j == NO_JOB)
		return c->seq++; /* out of memory (sim_status): a handle no job has */
	uint64_t seq = c->seq++;
	c->jobs[j].done = done;
	c->jobs[j].ctx = ctx;
	c->jobs[j].tag = tag;
	c->jobs[j].seq = seq;
	if (c->cores == 0) {
		/* No sharing: the completion time is known now. Ties run in scheduling order, i.e.
		 * submission order. */
		set_active(c, now, c->n + 1);
		/* out of memory: the engine has failed the run (sim_status); nothing to undo */
		c->jobs[j].ev = sim_schedule_in(c->sim, work_s, CPU_PRIO, ev_unlimited, c, j);
		return seq;
	}
	advance(c, now);
	set_active(c, now, c->n + 1);
	heap_push(c, (struct heap_entry){.f = c->v + work_s, .seq = seq, .job = j});
	if (!c->in_handler)
		arm(c, now);
	return seq;
}

/* Remove heap[pos]; the caller has already uncounted it from c->n (h[n] is the last entry):
 * the last entry takes its place and moves up or down. */
static void heap_remove_at(struct cpu *c, size_t pos)
{
	struct heap_entry *h = c->heap;
	size_t n = (size_t)c->n;
	if (pos == n)
		return;
	struct heap_entry e = h[n];
	while (pos > 0 && before(&e, &h[(pos - 1) / 2])) {
		h[pos] = h[(pos - 1) / 2];
		pos = (pos - 1) / 2;
	}
	for (;;) {
		size_t child = 2 * pos + 1;
		if (child >= n)
			break;
		if (child + 1 < n && before(&h[child + 1], &h[child]))
			child++;
		if (!before(&h[child], &e))
			break;
		h[pos] = h[child];
		pos = child;
	}
	h[pos] = e;
}

bool cpu_cancel(struct cpu *c, uint64_t handle)
{
	double now = sim_now(c->sim);
	/* A linear search: cancellations are rare (a statement_timeout) and n is the number of
	 * statements running, so the hot path keeps no back-pointers. */
	if (c->cores == 0) {
		for (uint32_t j = 0; j < c->cap; j++)
			if (c->jobs[j].seq == handle) {
				sim_cancel(c->sim, c->jobs[j].ev);
				set_active(c, now, c->n - 1);
				job_free(c, j);
				return true;
			}
		return false;
	}
	for (size_t pos = 0; pos < (size_t)c->n; pos++) {
		if (c->heap[pos].seq != handle)
			continue;
		uint32_t j = c->heap[pos].job;
		advance(c, now);
		set_active(c, now, c->n - 1);
		heap_remove_at(c, pos);
		if (c->n == 0)
			c->v = 0;
		job_free(c, j);
		if (!c->in_handler)
			arm(c, now);
		return true;
	}
	return false;
}
