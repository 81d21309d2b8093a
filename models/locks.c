/* Row locks, one per user, with FIFO waiters (see locks.h).
 *
 * Each user has a small record: the holding transaction and a FIFO of waiter nodes. Waiter
 * nodes come from a free list fed by chunks whose addresses never move, so a wait allocates
 * only while the number of simultaneous waiters grows past its previous peak.
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
#include <stdlib.h>

#include "sim/objpool.h"
#include "sim/status.h"

/* 128 nodes of 40 bytes: about 5 KiB per chunk. */
#define WAITER_CHUNK 128

struct waiter {
	uint64_t txn;
	locks_grant_fn grant;
	void *ctx;
	uint64_t tag;
	struct waiter *next; /* next in the user's queue */
};

struct user_lock {
	uint64_t holder;            /* 0 = free */
	struct waiter *head, *tail; /* FIFO: head waited longest */
};

struct locks {
	struct user_lock *users;
	int n_users;
	int waiting;                /* waiters over all users */
	struct objpool nodes;       /* waiter nodes */
	int status;                 /* 0, or PT_ENOMEM once a waiter could not be allocated */
};

struct locks *locks_create(int users)
{
	assert(users >= 0);
	struct locks *lk = calloc(1, sizeof *lk);
	if (!lk)
		return NULL;
	/* calloc: zero pages for a million idle users cost nothing until touched; max 1 so that
	 * zero users is not mistaken for out of memory. */
	lk->users = calloc(users > 0 ? (size_t)users : 1, sizeof *lk->users);
	if (!lk->users) {
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
	free(lk->users);
	free(lk);
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
	struct user_lock *u = &lk->users[user];
	if (u->holder == 0) {
		assert(!u->head); /* a free lock has no waiters: release hands it on */
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
	struct user_lock *u = &lk->users[user];
	assert(txn != 0 && u->holder == txn);
	(void)txn; /* only checked */
	struct waiter *w = u->head;
	if (!w) {
		u->holder = 0;
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

uint64_t locks_holder(const struct locks *lk, int user)
{
	assert(lk && user >= 0 && user < lk->n_users);
	return lk->users[user].holder;
}

int locks_waiting(const struct locks *lk, int user)
{
	assert(lk && user >= 0 && user < lk->n_users);
	/* Walks the queue: the record stays at 24 bytes per user, and queues are short. */
	int n = 0;
	for (const struct waiter *w = lk->users[user].head; w; w = w->next)
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
