/* PostgreSQL server as the pools see it: a fixed number of backend slots.
 *
 * A connect attempt takes a slot at once or is refused at once with SQLSTATE 53300; PostgreSQL
 * never queues connection attempts. Slots usable by the application's (ordinary) role are
 * max_connections - superuser_reserved_connections - reserved_connections. The connect latency
 * is drawn by the caller (the pool) from `connect_time`, because the requester pays it.
 *
 * It also carries what transactions meet on the server: the CPU (processor sharing, cpu.h;
 * NULL when unlimited), the row locks (locks.h; NULL when disabled) and transaction ids.
 * No I/O. */
#ifndef POOLTIDE_DATABASE_H
#define POOLTIDE_DATABASE_H

#include <stdbool.h>
#include <stdint.h>

#include "models/config.h"
#include "sim/stats.h"

struct cpu;
struct locks;
struct pool_conn;

struct database {
	const struct cfg_database *cfg;
	struct cpu *cpu;     /* NULL: no CPU limit (borrowed, set by the model) */
	struct locks *locks; /* NULL: row locks off (borrowed, set by the model) */
	uint64_t next_txn;   /* last transaction id handed out */
	int usable;          /* slots for ordinary roles */
	int open;            /* backends now (connections being opened included) */
	uint64_t refused;    /* connect attempts refused since the last reset */
	struct level open_level;
	int lock_waiting;    /* transactions waiting for a row lock now */
	struct level lock_waiting_level;
	/* Set when this "database" is a proxy's client side (PgBouncer, pgbouncer.h): told of
	 * each client connection (the application pool's record) that closes, after its slot is
	 * given back. NULL for a real server. */
	void (*on_client_close)(struct database *db, struct pool_conn *conn);
	/* Set when this is a proxy's client side for one of its databases (PgBouncer's
	 * [databases] entry): a client connection also takes a slot of `shared`, the proxy's
	 * whole client side (max_client_conn over every database), and is refused when either
	 * is full (both count the refusal). NULL otherwise. */
	struct database *shared;
};

void database_init(struct database *db, const struct cfg_database *cfg, double t0);
/* Take a slot at time now (and one of db->shared); false (and refused + 1) when none is
 * left. */
bool database_connect(struct database *db, double now);
/* Give a slot back. */
void database_disconnect(struct database *db, double now);
/* A transaction starts (+1) or stops (-1) waiting for a row lock at time now. */
void database_lock_wait(struct database *db, double now, int delta);
/* A new transaction id (never 0). */
uint64_t database_begin(struct database *db);

/* Restart counters and levels at t (warm-up). */
void database_reset(struct database *db, double t);

/* The message a refused client sees, as PostgreSQL 16+ words it for a pool that holds every
 * usable slot: with reserved_connections, "... reserved for roles with privileges of the
 * "pg_use_reserved_connections" role"; else with superuser_reserved_connections,
 * "FATAL:  remaining connection slots are reserved for roles with the SUPERUSER attribute";
 * else "FATAL:  sorry, too many clients already". */
const char *database_refusal_message(const struct cfg_database *cfg);

#endif
