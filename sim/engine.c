#include "sim/engine.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/status.h"

/* A heap entry carries its own sort key so sift operations touch only the heap array. The time
 * is kept as the bits of the (non-negative) double: for doubles >= +0 the IEEE 754 order is the
 * order of their bits read as unsigned integers, so comparing entries is integer work that the
 * compiler turns into flag arithmetic instead of branches (the heap's comparisons are
 * unpredictable, and mispredicted branches were most of the pop's cost). The key packs the
 * priority into the top 8 bits and the insertion sequence into the low 56 bits: one integer
 * compare breaks time ties in (priority, sequence) order. 2^56 events is far beyond any run. */
struct heap_entry {
	uint64_t tbits;
	uint64_t key;
	uint32_t slot;
};

static inline uint64_t time_bits(double t)
{
	t += 0.0; /* -0 becomes +0, whose bits are 0 */
	uint64_t b;
	memcpy(&b, &t, sizeof b);
	return b;
}

static inline double bits_time(uint64_t b)
{
	double t;
	memcpy(&t, &b, sizeof t);
	return t;
}

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
	struct sim_clock clock;  /* first: sim_now reads it through engine.h */
	uint64_t seq;
	uint64_t events_run;
	uint64_t event_limit; /* sim_run fails with PT_ELIMIT when events_run reaches it */
	bool stopped;
	int status;         /* sticky failure: 0, or the first status given to sim_fail */
	struct heap_entry *heap;
	size_t n, cap;
	/* While a handler runs, its event's entry stays at the root, stale (vacant): the
	 * handler's first sim_schedule_at takes its place and sifts down, one heap operation
	 * instead of a pop and a push (most handlers schedule the next event of their process).
	 * A stale root still precedes every other entry, so the heap stays valid around it; it
	 * is popped after the handler if nothing took its place. n counts it. */
	bool vacant;
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
	sim->event_limit = UINT64_MAX;
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

uint64_t sim_events_run(const struct sim *sim) { return sim->events_run; }
size_t sim_pending(const struct sim *sim) { return sim->n - sim->vacant; }
size_t sim_peak_pending(const struct sim *sim) { return sim->peak; }
void sim_stop(struct sim *sim) { sim->stopped = true; }
void sim_set_event_limit(struct sim *sim, uint64_t n) { sim->event_limit = n ? n : UINT64_MAX; }

void sim_fail(struct sim *sim, int status)
{
	assert(status != 0);
	if (sim->status == 0)
		sim->status = status;
	sim->stopped = true;
}

int sim_status(const struct sim *sim) { return sim->status; }

#ifdef __SIZEOF_INT128__
/* (tbits, key) as one 128-bit integer: the comparison is a subtract with borrow. */
__extension__ typedef unsigned __int128 u128;
static inline bool before(const struct heap_entry *a, const struct heap_entry *b)
{
	return (((u128)a->tbits << 64) | a->key) < (((u128)b->tbits << 64) | b->key);
}
#else
static inline bool before(const struct heap_entry *a, const struct heap_entry *b)
{
	return (a->tbits < b->tbits) | ((a->tbits == b->tbits) & (a->key < b->key));
}
#endif

static inline void place(struct sim *sim, size_t pos, struct heap_entry e)
{
	sim->heap[pos] = e;
	sim->slab[e.slot].heap_pos = (uint32_t)pos;
}

/* The heap is 4-ary: the children of i are 4i + 1 .. 4i + 4, its parent (i - 1) / 4. Half the
 * depth of a binary heap, so half the moves (each also writes a back-pointer) and half the
 * loop exits to mispredict, for three comparisons a level, branch-free, on one or two cache
 * lines. Entries [n, cap) are sentinels that compare after every event, so a level never
 * checks which of the four children exist. */
static const struct heap_entry SENTINEL = {.tbits = UINT64_MAX, .key = UINT64_MAX,
					   .slot = NO_SLOT};

/* The earliest of the four children starting at c (c < n: at least one is an event). */
static inline size_t min_child(const struct heap_entry *h, size_t c)
{
	size_t a = c + before(&h[c + 1], &h[c]);
	size_t b = c + 2 + before(&h[c + 3], &h[c + 2]);
	/* a mask, not ?:, which compilers turn into a branch that mispredicts half the time */
	return a ^ ((a ^ b) & -(size_t)before(&h[b], &h[a]));
}

static void sift_hole_then_up(struct sim *sim, struct heap_entry moved);

static void sift_up(struct sim *sim, size_t pos)
{
	struct heap_entry e = sim->heap[pos];
	while (pos > 0) {
		size_t parent = (pos - 1) / 4;
		if (!before(&e, &sim->heap[parent]))
			break;
		place(sim, pos, sim->heap[parent]);
		pos = parent;
	}
	place(sim, pos, e);
}

static void sift_down(struct sim *sim, size_t pos)
{
	struct heap_entry *h = sim->heap;
	struct heap_entry e = h[pos];
	size_t n = sim->n;
	for (;;) {
		size_t child = 4 * pos + 1;
		if (child >= n)
			break;
		child = min_child(h, child);
		if (!before(&h[child], &e))
			break;
		place(sim, pos, h[child]);
		pos = child;
	}
	place(sim, pos, e);
}

/* Room for one more event: a heap slot with the three sentinels after it, and a free slab
 * slot. */
static bool grow(struct sim *sim)
{
	if (sim->n + 4 > sim->cap) {
		size_t cap = sim->cap ? 2 * sim->cap : 64;
		struct heap_entry *h = realloc(sim->heap, cap * sizeof *h);
		if (!h)
			return false;
		for (size_t i = sim->cap; i < cap; i++)
			h[i] = SENTINEL;
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
	assert(t >= sim->clock.now && "scheduling in the past");
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
	struct heap_entry e = {
		.tbits = time_bits(t), .key = ((uint64_t)prio << 56) | sim->seq++, .slot = slot};
	if (sim->vacant) {
		/* The next event of a process is often among the earliest of all (an arrival
		 * stream: the next arrival is a fraction of a hold ahead, within a level or two of
		 * the root), so it goes down from the root and stops where it belongs. (The hole's
		 * descent to a leaf and a sift up, as in pop_root, costs fewer comparisons for an
		 * event that belongs near the bottom, but more on the reference workload: 4 % more
		 * instructions there, 5 % fewer in the engine's hold benchmark, whose new events
		 * are a random hold ahead; measured with cachegrind.) */
		sim->vacant = false;
		sim->heap[0] = e;
		sift_down(sim, 0);
	} else {
		size_t pos = sim->n++;
		sim->heap[pos] = e;
		sift_up(sim, pos);
	}
	if (sim->n > sim->peak)
		sim->peak = sim->n; /* not vacant here */
	return ((uint64_t)ev->gen << 32) | ((uint64_t)slot + 1);
}

sim_handle sim_schedule_in(struct sim *sim, double dt, int prio, sim_event_fn fn, void *obj,
			   uint64_t arg)
{
	assert(dt >= 0);
	return sim_schedule_at(sim, sim->clock.now + dt, prio, fn, obj, arg);
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
	struct heap_entry moved = sim->heap[last];
	sim->heap[last] = SENTINEL;
	if (pos != last) {
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

/* Remove the root (Floyd's bottom-up variant): move the hole down along the earliest children
 * to a leaf, then sift the last element up from there. The last element usually belongs near
 * the bottom, so this does fewer comparisons than the textbook sift-down. The last element is
 * taken out (its place becomes a sentinel) before the descent, which so never picks it. */
static void pop_root(struct sim *sim)
{
	size_t n = --sim->n;
	struct heap_entry *h = sim->heap;
	struct heap_entry moved = h[n];
	h[n] = SENTINEL;
	if (n == 0)
		return;
	sift_hole_then_up(sim, moved);
}

/* The root is a hole: move it down along the earliest children to a leaf, then put `moved`
 * there and sift it up. Used by pop_root (moved = the last entry, which belongs near the
 * bottom): three comparisons a level instead of the four of a top-down sift. */
static void sift_hole_then_up(struct sim *sim, struct heap_entry moved)
{
	struct heap_entry *h = sim->heap;
	size_t n = sim->n;
	size_t pos = 0;
	for (;;) {
		size_t child = 4 * pos + 1;
		if (child >= n)
			break;
		child = min_child(h, child);
		place(sim, pos, h[child]);
		pos = child;
	}
	while (pos > 0) {
		size_t parent = (pos - 1) / 4;
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
	assert(!sim->vacant && "sim_run called from an event handler");
	sim->stopped = sim->status != 0;
	while (sim->n > 0 && !sim->stopped) {
		struct heap_entry top = sim->heap[0];
		double t = bits_time(top.tbits);
		if (t > until)
			break;
		if (sim->events_run >= sim->event_limit) { /* the event is left pending */
			sim_fail(sim, PT_ELIMIT);
			break;
		}
		const struct event *ev = &sim->slab[top.slot];
		sim_event_fn fn = ev->fn;
		void *obj = ev->obj;
		uint64_t arg = ev->arg;
		free_slot(sim, top.slot);
		sim->clock.now = t;
		sim->vacant = true;
		fn(sim, obj, arg);
		if (sim->vacant) {
			sim->vacant = false;
			pop_root(sim);
		}
		ran++;
		/* Counted per event, not once at the end, so a handler reading sim_events_run sees
		 * the events run earlier in this same call too. */
		sim->events_run++;
	}
	return ran;
}
