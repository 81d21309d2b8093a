/* Row locks of PostgreSQL, one lock per user (the rows of one user-date).
 *
 * A writing transaction takes a user's lock when its write starts and holds it until it
 * commits or rolls back; another transaction that writes the same user's rows waits, FIFO per
 * user, inside the database, while keeping its own connection (and any locks it holds). Plain
 * reads never wait (MVCC). Transactions are opaque non-zero ids chosen by the caller; the
 * caller remembers which users it locked and releases each at commit.
 *
 * Memory: one small record per lock held at that moment (a hash table that doubles when half
 * full, and never shrinks) plus pooled waiter nodes (no allocation per wait once the pool has
 * grown to the peak number of waiters), whatever the number of users. No I/O. */
#ifndef POOLTIDE_LOCKS_H
#define POOLTIDE_LOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct locks;

/* Called when a queued request for a lock is granted (from inside locks_release). */
typedef void (*locks_grant_fn)(void *ctx, uint64_t tag);

/* Locks for users 0 .. users-1. NULL when out of memory. */
struct locks *locks_create(int users);
void locks_destroy(struct locks *lk);

/* Ask for `user`'s lock for transaction `txn`. Returns true when it is granted at once (free,
 * or already held by txn); otherwise queues the request FIFO and returns false, and
 * grant(ctx, tag) is called when it is granted. */
bool locks_acquire(struct locks *lk, int user, uint64_t txn, locks_grant_fn grant, void *ctx,
		   uint64_t tag);

/* 0, or PT_ENOMEM once a request could be neither granted nor queued (no memory for its
 * lock's slot or its waiter): locks_acquire then returned false without queueing, and the
 * caller must fail its run (sim_fail) rather than wait for a grant that will never come.
 * Sticky. */
int locks_status(const struct locks *lk);

/* Release `user`'s lock held by txn; the oldest waiter, if any, gets it (its grant callback
 * runs before this returns). Releasing a lock txn does not hold is an assertion failure. */
void locks_release(struct locks *lk, int user, uint64_t txn);

/* Withdraw txn's queued request for user's lock (PostgreSQL's lock_timeout or
 * statement_timeout cancelling a statement blocked on a row lock): its grant will never be
 * called, the waiters behind it move up. Walks the user's queue (short). Returns false when txn
 * was not queued there (already granted, or never asked). */
bool locks_cancel(struct locks *lk, int user, uint64_t txn);

/* The holder of user's lock (0 = free) and the number of transactions waiting for it. */
uint64_t locks_holder(const struct locks *lk, int user);
int locks_waiting(const struct locks *lk, int user);
/* Transactions waiting for any lock now. */
int locks_total_waiting(const struct locks *lk);
/* Waiter nodes allocated so far (free or in use): grows to the peak of locks_total_waiting,
 * rounded up to whole chunks, and never shrinks. For tests and memory figures. */
size_t locks_pool_capacity(const struct locks *lk);
/* Slots of the table of held locks: at least twice the peak number of locks held at once (and
 * 64), whatever the number of users. For tests and memory figures. */
size_t locks_table_capacity(const struct locks *lk);

#endif
