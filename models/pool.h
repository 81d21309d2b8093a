/* SQLAlchemy QueuePool, event by event (reference/pool-semantics.md §1.12).
 *
 * Checkout: an idle connection if any (FIFO = returned longest ago, LIFO = returned last);
 * else, below the cap size + max_overflow (max_overflow -1: no cap), open a new connection in
 * the requester's name, who pays the connect latency; else wait, FIFO, until
 * request time + timeout. A waiter whose deadline comes when capacity has been freed
 * meanwhile opens a connection instead of failing; otherwise it fails with SQLAlchemy's
 * message "QueuePool limit of size P overflow O reached, connection timed out, timeout T".
 * Checkin: the connection joins the idle queue if fewer than `size` are idle (and the oldest
 * waiter takes it), else it is closed (overflow churn). Health steps at checkout: a connection
 * older than `recycle` (or one that lost its server connection) reconnects; `pre_ping` costs
 * one round trip for a connection that was not opened by this checkout.
 * With wakeup_latency > 0 a woken waiter needs that long to take the connection and a
 * newcomer arriving meanwhile takes it first (barging); a waiter that loses re-waits at the
 * back of the queue, as Python's Condition does, until its original deadline.
 *
 * Requesters embed a struct pool_client and are called back, possibly before pool_checkout
 * returns. The pool keeps SQLAlchemy's status as time-weighted levels. No I/O. */
#ifndef POOLTIDE_POOL_H
#define POOLTIDE_POOL_H

#include <stdbool.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "models/config.h"
#include "models/database.h"
#include "sim/engine.h"
#include "sim/stats.h"

/* Event priorities (lower runs first at the same instant): releases and completions first,
 * then deadlines, then arrivals (a connection freed exactly at a waiter's deadline serves
 * it). Shared by every model. */
enum {
	PRIO_COMPLETION = 0,
	PRIO_DEADLINE = 1,
	PRIO_ARRIVAL = 2,
	PRIO_TICK = 3,        /* a batch worker's tick sees every record arriving at its instant */
};

struct pool_conn {
	uint32_t id;          /* 1, 2, ... in order of first creation */
	double created_at;    /* when its server connection was (re)opened, seconds */
	bool alive;           /* has a server connection */
	int holder_class;     /* the class of the client holding it (while checked out) */
};

enum pool_failure {
	POOL_TIMEOUT = 1,     /* waited `timeout` at the cap */
	POOL_REFUSED = 2,     /* the database refused the connect */
};

struct pool;
struct pool_client;

typedef void (*pool_ready_fn)(struct pool_client *c, struct pool_conn *conn);
typedef void (*pool_fail_fn)(struct pool_client *c, enum pool_failure why);

/* Who holds a connection, for attribution ("how many connections did the batches hold when
 * this API request timed out?"). */
enum {
	POOL_HOLDER_REQUEST = 0,
	POOL_HOLDER_BATCH = 1,
	POOL_HOLDER_LOCK_WAIT = 2, /* a request whose transaction waits for a row lock */
	POOL_HOLDER_CLASSES = 3
};

struct pool_client {
	/* Set by the requester before pool_checkout. */
	pool_ready_fn on_ready;
	pool_fail_fn on_fail;
	int holder_class;     /* POOL_HOLDER_*; 0 by default */
	/* Set by the pool. */
	double t_request;     /* when pool_checkout was called */
	double connect_s;     /* time spent opening a server connection during this checkout */
	/* Private to the pool. */
	struct pool *pool;
	struct pool_client *prev, *next;
	struct pool_conn *conn;
	double deadline_t;
	sim_handle deadline_ev;
	sim_handle wake_ev;
};

/* Counters and time-weighted levels since the last pool_reset. */
struct pool_stats {
	uint64_t checkouts, timeouts, refused, connects, closes, reconnects, pings;
	struct level checked_out, checked_in, overflow, waiters, open, exhausted;
	double exhausted_since;     /* start of the current exhausted stretch, or -1 */
	double longest_exhausted_s; /* longest stretch with every allowed connection out */
	int first_timeout_overflow; /* SQLAlchemy's overflow() at the first timeout, or INT_MIN */
};

/* A new pool on engine `sim` and database `db`, drawing connect times from `rng`. Borrowed
 * pointers must outlive the pool. NULL when out of memory. */
struct pool *pool_create(const struct cfg_pool *cfg, struct sim *sim, struct database *db,
			 gsl_rng *rng);
void pool_destroy(struct pool *p);

/* Ask for a connection for c at the current time. Exactly one of c->on_ready / c->on_fail is
 * called later (or before this returns). */
void pool_checkout(struct pool *p, struct pool_client *c);

/* Return a connection handed out by on_ready. */
void pool_checkin(struct pool *p, struct pool_conn *conn);

/* Restart statistics at the current time (warm-up). */
void pool_reset(struct pool *p);
const struct pool_stats *pool_stats(const struct pool *p);
const struct cfg_pool *pool_config(const struct pool *p);

/* SQLAlchemy's status words: connections idle in the pool (checkedin), handed out or being
 * opened for a requester (checkedout), beyond pool_size (overflow, >= 0), all connection
 * records (open), requesters waiting. */
int pool_checked_in(const struct pool *p);
int pool_checked_out(const struct pool *p);
int pool_overflow(const struct pool *p);
int pool_open(const struct pool *p);
int pool_waiting(const struct pool *p);
/* size + max_overflow, or -1 when unlimited. */
int pool_cap(const struct pool *p);
/* Connections handed out now to clients of holder class `cls` (POOL_HOLDER_*). */
int pool_held_by(const struct pool *p, int cls);
/* A checked-out connection's holder changes class (a request starts or stops waiting for a
 * row lock). */
void pool_set_holder_class(struct pool *p, struct pool_conn *conn, int cls);

/* SQLAlchemy's TimeoutError text for a given overflow() value, into buf (NUL-terminated). */
void pool_timeout_message(const struct cfg_pool *cfg, int overflow, char *buf, unsigned len);

#endif
