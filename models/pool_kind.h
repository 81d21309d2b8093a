/* What a pool kind is written against: the common part of every pool object and the steps
 * every kind shares (connection records, grant and failure with their counters, the status
 * levels). Included only by models/pool.c and the models/pool_<kind>.c files; everything else
 * speaks models/pool.h.
 *
 * A kind's object begins with a struct pool (so a struct pool * is also a pointer to it) and
 * keeps the status counts below current: `total` connection records, `idle_n` of them idle in
 * the pool, `waiting` requesters, `woken` requesters handed a connection that they have not
 * yet taken (a wake-up in flight). Every entry point and event handler of a kind ends with
 * pool_levels_update, so the levels are exact step functions of time. */
#ifndef POOLTIDE_POOL_KIND_H
#define POOLTIDE_POOL_KIND_H

#include "models/pool.h"
#include "sim/objpool.h"

struct pool {
	const struct pool_kind *kind;
	const struct cfg_pool *cfg;
	struct sim *sim;
	struct database *db;
	gsl_rng *rng;
	int total;                 /* connection records (open or being opened) */
	int idle_n;                /* records idle in the pool */
	int waiting;               /* requesters waiting */
	int woken;                 /* waiters woken for an idle connection, not yet holding it
				      (QueuePool's wakeup_latency): they still wait, and the
				      connection is theirs unless a newcomer barges */
	struct pool_client *w_head, *w_tail; /* a FIFO of waiters, for the kinds that keep one
						(pool_waiter_append / _remove) */
	int cap;                   /* pool_cfg_cap(cfg): -1 unlimited */
	int base;                  /* kind->base(cfg): beyond it, overflow */
	struct objpool conns;      /* connection records: allocation only while growing */
	uint32_t next_id;
	int held[POOL_HOLDER_CLASSES];
	struct pool_stats st;
	/* The counts as the levels last recorded them (pool_levels_update). */
	int rec_total, rec_idle, rec_waiting, rec_woken;
	bool ex;                   /* inside an exhausted stretch (pool.c, exhausted_next) */
};

/* A new connection record (id 1, 2, ... in order of creation), not alive, the kind's part of
 * it (conn_size) zeroed; NULL and the run failed (PT_ENOMEM) when out of memory. */
struct pool_conn *pool_conn_new(struct pool *p);
void pool_conn_free(struct pool *p, struct pool_conn *conn);

/* conn's connection closes (if it has one): its slot on p->db is given back, conn->alive
 * becomes false, and a proxy standing for the database (PgBouncer's client side, database.h's
 * on_client_close) hears of it. Every kind closes its connections through this. */
void pool_conn_disconnect(struct pool *p, struct pool_conn *conn);

/* Hand conn to c: counts the checkout and the holder class, calls c->on_ready. */
void pool_grant(struct pool *p, struct pool_client *c, struct pool_conn *conn);

/* Open a server connection for record conn in requester c's name: c pays the connect time
 * (c->connect_s, a draw from the database's connect_time), the pool counts a connect, and when
 * it completes `done(sim, c, 0)` runs with c->conn == conn. The database slot is already
 * taken. Used for a new record and for a reconnect of an old one. */
void pool_connect_record(struct pool *p, struct pool_client *c, struct pool_conn *conn,
			 sim_event_fn done);

/* What pool_open_for did. */
enum pool_open {
	POOL_OPENING,      /* a new connection is being opened for c */
	POOL_OPEN_REFUSED, /* the database refused the connect (PostgreSQL does not queue
			      connects): nothing changed, the caller fails c its own way */
	POOL_OPEN_FAILED,  /* out of memory: the run has failed (sim_status) */
};

/* The requester opens a new connection itself, as SQLAlchemy's overflow branch, NullPool and
 * Go's database/sql do: take a slot on the database, make a record (p->total++), and connect
 * in c's name (pool_connect_record). When the connect completes the connection is alive,
 * created then, and `done` runs; done NULL means the common ending: pool_grant, then
 * pool_levels_update. */
enum pool_open pool_open_for(struct pool *p, struct pool_client *c, sim_event_fn done);

/* c fails (POOL_TIMEOUT or POOL_REFUSED): counts it (the first timeout's overflow too), calls
 * c->on_fail. */
void pool_fail(struct pool *p, struct pool_client *c, enum pool_failure why);

/* Called before a requester joins the waiters: false, and the run failed with
 * PT_EOVERLOAD, when cfg->max_waiting requesters already wait (memory must follow the
 * scenario, never the length of an overload). */
bool pool_admit_waiter(struct pool *p);

/* A generator for a kind's own random choices (HikariCP's lifetime variance, Go's random
 * waiter), apart from the connect times: a rng_xoshiro256ss stream seeded from two draws of
 * the pool's stream, taken at creation. NULL (the run failed with PT_ENOMEM) when out of
 * memory; free with gsl_rng_free. */
gsl_rng *pool_stream_new(struct pool *p);

/* The common FIFO of waiters (w_head waited longest): append c at the back, or take c out
 * from anywhere; both keep `waiting` current. */
void pool_waiter_append(struct pool *p, struct pool_client *c);
void pool_waiter_remove(struct pool *p, struct pool_client *c);

/* Record the current status in the time-weighted levels: only the levels that depend on a
 * count that changed since the last call (most calls change one or two of the four), and
 * the exhausted stretches (README, Conventions: a stretch starts when every allowed
 * connection is checked out while someone waits, and ends only when nobody waits or a
 * connection sits idle that no woken waiter will take). */
void pool_levels_update(struct pool *p);

#endif
