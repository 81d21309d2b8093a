#include "sim/engine.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>

#include "sim/status.h"

/* A heap entry carries its own sort key so sift operations touch only the heap array. The key
 * packs the priority into the top 8 bits and the insertion sequence into the low 56 bits: one
 * integer compare breaks time ties in (priority, sequence) order. 2^56 events is far beyond any
 * run. */
struct heap_entry {
	double t;
	uint64_t key;
	uint32_t slot;
};

struct event {
	sim_event_fn fn;
	void *obj;
	uint64_t arg;
	uint32_t heap_pos; /* index in the heap while pending */
	uint32_t gen;      /* bumped each time the slot is freed: stale handles mismatch */
	uint32_t next_free;
	bool pending;
};

struct sim {
	double now;
	uint64_t seq;
	uint64_t events_run;
	bool stopped;
	int status;         /* sticky failure: 0, or the first status given to sim_fail */
	struct heap_entry *heap;
	size_t n, cap;
	struct event *slab;
	uint32_t slab_cap;
	uint32_t free_head; /* UINT32_MAX when empty */
	size_t peak;
};

#define NO_SLOT UINT32_MAX

struct sim *sim_create(void)
{
	struct sim *sim = calloc(1, sizeof *sim);
	if (!sim)
		return NULL;
	sim->free_head = NO_SLOT;
	return sim;
}

void sim_destroy(struct sim *sim)
{
	if (!sim)
		return;
	free(sim->heap);
	free(sim->slab);
	free(sim);
}

double sim_now(const struct sim *sim) { return sim->now; }
uint64_t sim_events_run(const struct sim *sim) { return sim->events_run; }
size_t sim_pending(const struct sim *sim) { return sim->n; }
size_t sim_peak_pending(const struct sim *sim) { return sim->peak; }
void sim_stop(struct sim *sim) { sim->stopped = true; }

void sim_fail(struct sim *sim, int status)
{
	assert(status != 0);
	if (sim->status == 0)
		sim->status = status;
	sim->stopped = true;
}

int sim_status(const struct sim *sim) { return sim->status; }

static inline bool before(const struct heap_entry *a, const struct heap_entry *b)
{
	if (a->t != b->t)
		return a->t < b->t;
	return a->key < b->key;
}

static inline void place(struct sim *sim, size_t pos, struct heap_entry e)
{
	sim->heap[pos] = e;
	sim->slab[e.slot].heap_pos = (uint32_t)pos;
}

static void sift_up(struct sim *sim, size_t pos)
{
	struct heap_entry e = sim->heap[pos];
	while (pos > 0) {
		size_t parent = (pos - 1) / 2;
		if (!before(&e, &sim->heap[parent]))
			break;
		place(sim, pos, sim->heap[parent]);
		pos = parent;
	}
	place(sim, pos, e);
}

static void sift_down(struct sim *sim, size_t pos)
{
	struct heap_entry e = sim->heap[pos];
	size_t n = sim->n;
	for (;;) {
		size_t child = 2 * pos + 1;
		if (child >= n)
			break;
		if (child + 1 < n && before(&sim->heap[child + 1], &sim->heap[child]))
			child++;
		if (!before(&sim->heap[child], &e))
			break;
		place(sim, pos, sim->heap[child]);
		pos = child;
	}
	place(sim, pos, e);
}

static bool grow(struct sim *sim)
{
	if (sim->n == sim->cap) {
		size_t cap = sim->cap ? 2 * sim->cap : 64;
		struct heap_entry *h = realloc(sim->heap, cap * sizeof *h);
		if (!h)
			return false;
		sim->heap = h;
		sim->cap = cap;
	}
	if (sim->free_head == NO_SLOT) {
		uint32_t old = sim->slab_cap;
		uint32_t cap = old ? 2 * old : 64;
		struct event *s = realloc(sim->slab, (size_t)cap * sizeof *s);
		if (!s)
			return false;
		for (uint32_t i = old; i < cap; i++) {
			s[i] = (struct event){.next_free = i + 1 < cap ? i + 1 : NO_SLOT, .gen = 1};
		}
		sim->slab = s;
		sim->slab_cap = cap;
		sim->free_head = old;
	}
	return true;
}

sim_handle sim_schedule_at(struct sim *sim, double t, int prio, sim_event_fn fn, void *obj,
			   uint64_t arg)
{
	assert(fn);
	assert(!isnan(t)); /* first: NaN would otherwise be reported as "in the past" */
	assert(t >= sim->now && "scheduling in the past");
	assert(prio >= 0 && prio <= SIM_PRIO_MAX);
	if (!grow(sim)) {
		sim_fail(sim, PT_ENOMEM); /* an event lost is a run lost: never a silent drop */
		return SIM_NO_EVENT;
	}
	uint32_t slot = sim->free_head;
	struct event *ev = &sim->slab[slot];
	sim->free_head = ev->next_free;
	ev->fn = fn;
	ev->obj = obj;
	ev->arg = arg;
	ev->pending = true;
	size_t pos = sim->n++;
	sim->heap[pos] = (struct heap_entry){
		.t = t, .key = ((uint64_t)prio << 56) | sim->seq++, .slot = slot};
	sift_up(sim, pos);
	if (sim->n > sim->peak)
		sim->peak = sim->n;
	return ((uint64_t)ev->gen << 32) | ((uint64_t)slot + 1);
}

sim_handle sim_schedule_in(struct sim *sim, double dt, int prio, sim_event_fn fn, void *obj,
			   uint64_t arg)
{
	assert(dt >= 0);
	return sim_schedule_at(sim, sim->now + dt, prio, fn, obj, arg);
}

static void free_slot(struct sim *sim, uint32_t slot)
{
	struct event *ev = &sim->slab[slot];
	ev->pending = false;
	ev->gen++;
	if (ev->gen == 0)
		ev->gen = 1;
	ev->next_free = sim->free_head;
	sim->free_head = slot;
}

static void remove_at(struct sim *sim, size_t pos)
{
	size_t last = --sim->n;
	if (pos != last) {
		struct heap_entry moved = sim->heap[last];
		bool up = before(&moved, &sim->heap[pos]);
		place(sim, pos, moved);
		if (up)
			sift_up(sim, pos);
		else
			sift_down(sim, pos);
	}
}

bool sim_cancel(struct sim *sim, sim_handle h)
{
	if (h == SIM_NO_EVENT)
		return false;
	uint64_t slot64 = (h & 0xffffffffu) - 1;
	uint32_t gen = (uint32_t)(h >> 32);
	if (slot64 >= sim->slab_cap)
		return false;
	uint32_t slot = (uint32_t)slot64;
	struct event *ev = &sim->slab[slot];
	if (!ev->pending || ev->gen != gen)
		return false;
	remove_at(sim, ev->heap_pos);
	free_slot(sim, slot);
	return true;
}

/* Remove the root (Floyd's bottom-up variant): move the hole down along the smaller children
 * to a leaf, one comparison per level, then sift the last element up from there. The last
 * element usually belongs near the bottom, so this does about half the comparisons of the
 * textbook sift-down. */
static void pop_root(struct sim *sim)
{
	size_t n = --sim->n;
	if (n == 0)
		return;
	struct heap_entry *h = sim->heap;
	size_t pos = 0;
	for (;;) {
		size_t child = 2 * pos + 1;
		if (child >= n)
			break;
		if (child + 1 < n && before(&h[child + 1], &h[child]))
			child++;
		place(sim, pos, h[child]);
		pos = child;
	}
	struct heap_entry moved = h[n];
	while (pos > 0) {
		size_t parent = (pos - 1) / 2;
		if (!before(&moved, &h[parent]))
			break;
		place(sim, pos, h[parent]);
		pos = parent;
	}
	place(sim, pos, moved);
}

uint64_t sim_run(struct sim *sim, double until)
{
	uint64_t ran = 0;
	sim->stopped = sim->status != 0;
	while (sim->n > 0 && !sim->stopped) {
		struct heap_entry top = sim->heap[0];
		if (top.t > until)
			break;
		pop_root(sim);
		struct event ev = sim->slab[top.slot];
		free_slot(sim, top.slot);
		sim->now = top.t;
		ev.fn(sim, ev.obj, ev.arg);
		ran++;
		/* Counted per event, not once at the end, so a handler reading sim_events_run sees
		 * the events run earlier in this same call too. */
		sim->events_run++;
	}
	return ran;
}
