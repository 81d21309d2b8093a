/* Row locks, one per user, with FIFO waiters (see locks.h).
 *
 * Each held lock has a small record in a hash table (open addressing on the user id): the
 * holding transaction and a FIFO of waiter nodes; a free lock has no record, so the table's
 * size follows the locks held at once, not the user population. Waiter nodes come from a free
 * list fed by chunks whose addresses never move, so a wait allocates only while the number of
 * simultaneous waiters grows past its previous peak.
 *
 * Contract details beyond the header (all are assertions, i.e. caller bugs):
 *   - user must be in 0 .. users-1, txn must be non-zero, grant must be non-NULL (also when the
 *     lock happens to be free: a missing callback would otherwise only show under contention);
 *   - a transaction already queued for a user must not ask for that user again (it is blocked
 *     inside the database and cannot issue a second statement); checking this walks the user's
 *     queue, which costs nothing under NDEBUG;
 *   - a transaction may only release a lock it holds.
 * Grant callbacks run after the lock's state is final (new holder set, node recycled, counts
 * updated), so a callback may acquire or release any lock, including this one. A callback
 * that releases at once nests one more locks_release on the C stack; a model that does that
 * for long queues should defer the release through the event engine instead. */
#include "models/locks.h"

#include <assert.h>
#include <stdbool.h>
#include <stdlib.h>

#include "sim/objpool.h"
#include "sim/status.h"

/* 128 nodes of 40 bytes: about 5 KiB per chunk. */
#define WAITER_CHUNK 128
/* The table starts with 64 slots (2 KiB) and doubles when half full. */
#define TABLE_MIN 64

struct waiter {
	uint64_t txn;
	locks_grant_fn grant;
	void *ctx;
	uint64_t tag;
	struct waiter *next; /* next in the user's queue */
};

/* A held lock. A lock with waiters always has a holder (a release hands it on), so a user
 * without a slot is free with no waiters. */
struct user_lock {
	int user;                   /* -1: an empty slot */
	uint64_t holder;            /* != 0 */
	struct waiter *head, *tail; /* FIFO: head waited longest */
};

struct locks {
	struct user_lock *slots;    /* open addressing, linear probing, cap a power of 2 */
	size_t cap, used;
	int bits;                   /* cap = 2^bits */
	int n_users;
	int waiting;                /* waiters over all users */
	struct objpool nodes;       /* waiter nodes */
	int status;                 /* 0, or PT_ENOMEM once a waiter could not be allocated */
};

/* Fibonacci hashing: user ids are small consecutive integers, hot ones (Zipf) the smallest. */
static size_t home(const struct locks *lk, int user)
{
	return (size_t)(((uint64_t)(uint32_t)user * UINT64_C(0x9E3779B97F4A7C15)) >> (64 - lk->bits));
}

static struct user_lock *table_alloc(size_t cap)
{
	struct user_lock *t = malloc(cap * sizeof *t);
	if (t)
		for (size_t i = 0; i < cap; i++)
			t[i].user = -1;
	return t;
}

struct locks *locks_create(int users)
{
	assert(users >= 0);
	struct locks *lk = calloc(1, sizeof *lk);
	if (!lk)
		return NULL;
	/* Memory follows the locks held at once, not the user population: a table of held
	 * locks, not a record per user (2 million users would be 48 MB, zeroed per run). */
	lk->cap = TABLE_MIN;
	lk->bits = 6;
	lk->slots = table_alloc(lk->cap);
	if (!lk->slots) {
		free(lk);
		return NULL;
	}
	lk->n_users = users;
	objpool_init(&lk->nodes, sizeof(struct waiter), WAITER_CHUNK);
	return lk;
}

void locks_destroy(struct locks *lk)
{
	if (!lk)
		return;
	objpool_fini(&lk->nodes);
	free(lk->slots);
	free(lk);
}

/* The slot of user's lock, or NULL when it is free. */
static struct user_lock *find(const struct locks *lk, int user)
{
	size_t mask = lk->cap - 1;
	for (size_t i = home(lk, user);; i = (i + 1) & mask) {
		struct user_lock *u = &lk->slots[i];
		if (u->user == user)
			return u;
		if (u->user < 0)
			return NULL;
	}
}

static void place(struct locks *lk, const struct user_lock *e)
{
	size_t mask = lk->cap - 1, i = home(lk, e->user);
	while (lk->slots[i].user >= 0)
		i = (i + 1) & mask;
	lk->slots[i] = *e;
}

/* A new slot for user (free now); NULL when the table cannot grow (out of memory: the sticky
 * status is set, and locks_acquire neither grants nor queues, as for a waiter node). */
static struct user_lock *insert(struct locks *lk, int user)
{
	if (2 * (lk->used + 1) > lk->cap) {
		struct user_lock *old = lk->slots;
		size_t old_cap = lk->cap;
		struct user_lock *t = table_alloc(2 * old_cap);
		if (!t) {
			lk->status = PT_ENOMEM;
			return NULL;
		}
		lk->slots = t;
		lk->cap = 2 * old_cap;
		lk->bits++;
		for (size_t i = 0; i < old_cap; i++)
			if (old[i].user >= 0)
				place(lk, &old[i]);
		free(old);
	}
	lk->used++;
	size_t mask = lk->cap - 1, i = home(lk, user);
	while (lk->slots[i].user >= 0)
		i = (i + 1) & mask;
	lk->slots[i] = (struct user_lock){.user = user};
	return &lk->slots[i];
}

/* Free slot u: later slots of the probe run move back so every lookup still finds them
 * (backward-shift deletion, no tombstones). */
static void erase(struct locks *lk, struct user_lock *u)
{
	size_t mask = lk->cap - 1, i = (size_t)(u - lk->slots);
	for (size_t j = (i + 1) & mask; lk->slots[j].user >= 0; j = (j + 1) & mask) {
		size_t k = home(lk, lk->slots[j].user);
		/* slot j may move to i when its home is not in (i, j] (cyclically) */
		bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
		if (!stays) {
			lk->slots[i] = lk->slots[j];
			i = j;
		}
	}
	lk->slots[i].user = -1;
	lk->used--;
}

static struct waiter *node_get(struct locks *lk)
{
	struct waiter *w = objpool_get(&lk->nodes);
	if (!w)
		lk->status = PT_ENOMEM; /* sticky: the caller fails its run */
	return w;
}

int locks_status(const struct locks *lk) { return lk->status; }

static void node_put(struct locks *lk, struct waiter *w) { objpool_put(&lk->nodes, w); }

#ifndef NDEBUG
static bool is_queued(const struct user_lock *u, uint64_t txn)
{
	for (const struct waiter *w = u->head; w; w = w->next)
		if (w->txn == txn)
			return true;
	return false;
}
#endif

bool locks_acquire(struct locks *lk, int user, uint64_t txn, locks_grant_fn grant, void *ctx,
		   uint64_t tag)
{
	assert(lk && user >= 0 && user < lk->n_users);
	assert(txn != 0 && grant);
	struct user_lock *u = find(lk, user);
	if (!u) {
		u = insert(lk, user);
		if (!u)
			return false; /* neither granted nor queued: locks_status says why */
		u->holder = txn;
		return true;
	}
	if (u->holder == txn)
		return true; /* re-entrant: the transaction already holds the row */
	assert(!is_queued(u, txn));
	struct waiter *w = node_get(lk);
	if (!w)
		return false; /* neither granted nor queued: locks_status says why */
	w->txn = txn;
	w->grant = grant;
	w->ctx = ctx;
	w->tag = tag;
	w->next = NULL;
	if (u->tail)
		u->tail->next = w;
	else
		u->head = w;
	u->tail = w;
	lk->waiting++;
	return false;
}

void locks_release(struct locks *lk, int user, uint64_t txn)
{
	assert(lk && user >= 0 && user < lk->n_users);
	struct user_lock *u = find(lk, user);
	assert(txn != 0 && u && u->holder == txn);
	(void)txn; /* only checked */
	struct waiter *w = u->head;
	if (!w) {
		erase(lk, u);
		return;
	}
	u->head = w->next;
	if (!u->head)
		u->tail = NULL;
	lk->waiting--;
	u->holder = w->txn;
	/* Copy out and recycle the node before the callback: the callback may queue new waiters
	 * (which may reuse this node) or release this very lock again. */
	locks_grant_fn grant = w->grant;
	void *ctx = w->ctx;
	uint64_t tag = w->tag;
	node_put(lk, w);
	grant(ctx, tag);
}

bool locks_cancel(struct locks *lk, int user, uint64_t txn)
{
	assert(lk && user >= 0 && user < lk->n_users && txn != 0);
	struct user_lock *u = find(lk, user);
	if (!u)
		return false; /* free: nobody waits */
	struct waiter *prev = NULL;
	for (struct waiter *w = u->head; w; prev = w, w = w->next) {
		if (w->txn != txn)
			continue;
		if (prev)
			prev->next = w->next;
		else
			u->head = w->next;
		if (u->tail == w)
			u->tail = prev;
		lk->waiting--;
		node_put(lk, w);
		return true;
	}
	return false;
}

uint64_t locks_holder(const struct locks *lk, int user)
{
	assert(lk && user >= 0 && user < lk->n_users);
	const struct user_lock *u = find(lk, user);
	return u ? u->holder : 0;
}

int locks_waiting(const struct locks *lk, int user)
{
	assert(lk && user >= 0 && user < lk->n_users);
	/* Walks the queue: queues are short. */
	const struct user_lock *u = find(lk, user);
	int n = 0;
	for (const struct waiter *w = u ? u->head : NULL; w; w = w->next)
		n++;
	return n;
}

int locks_total_waiting(const struct locks *lk)
{
	assert(lk);
	return lk->waiting;
}

size_t locks_pool_capacity(const struct locks *lk)
{
	assert(lk);
	return objpool_capacity(&lk->nodes);
}

size_t locks_table_capacity(const struct locks *lk)
{
	assert(lk);
	return lk->cap;
}
