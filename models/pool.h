/* A connection pool as the application sees it, whatever its kind: checkout, checkin, the
 * common status (checked out, idle, waiters, open) and counters (checkouts, timeouts, refusals,
 * connects, closes), kept as time-weighted levels.
 *
 * A kind of pool (SQLAlchemy's QueuePool, HikariCP, Go's database/sql, ...) is a const table of
 * operations, struct pool_kind, in the spirit of GSL's gsl_rng_type, implemented in one file
 * models/pool_<kind>.c against models/pool_kind.h; pools.NAME.kind selects it. Workloads, the
 * model, statistics and reports speak only this header. "overflow" is the kind's own extra:
 * connections open beyond the number the kind keeps (SQLAlchemy: pool_size).
 *
 * Requesters embed a struct pool_client and are called back, possibly before pool_checkout
 * returns. No I/O. */
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
	struct pool *closing_pool; /* while a close takes time (close_time): its pool */
	bool server_linked;   /* behind PgBouncer in session pooling: a server connection is
				 linked to this client connection until it closes */
	double server_born;   /* and when that server was launched (its server_lifetime) */
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
	size_t slot;          /* a kind's index of the client in its waiter array (Go's set) */
};

/* Counters and time-weighted levels since the last pool_reset (every kind keeps the same). */
struct pool_stats {
	uint64_t checkouts, timeouts, refused, connects, closes, reconnects, pings;
	uint64_t barged;            /* hand-offs to a woken waiter taken by a newcomer first */
	struct level checked_out, checked_in, overflow, waiters, open, exhausted;
	double exhausted_since;     /* start of the current exhausted stretch, or -1 */
	double longest_exhausted_s; /* longest stretch with every allowed connection out while
				       someone waits (pool.c, exhausted_next) */
	int first_timeout_overflow; /* SQLAlchemy's overflow() at the first timeout, or INT_MIN */
};

/* One of a kind's sizing settings, in the kind's own words (struct pool_kind's settings). */
struct pool_setting {
	const char *name;     /* "pool_size", "maximumPoolSize", "max_open_conns", ... */
	int value;
};
#define POOL_SETTINGS_MAX 4

/* A kind of pool: a const table of operations, one per file models/pool_<kind>.c. */
struct pool_kind {
	const char *name;   /* the value of pools.NAME.kind: "sqlalchemy" */
	const char *title;  /* for reports: "SQLAlchemy QueuePool" */
	size_t size;        /* bytes of the kind's pool object, which begins with struct pool */
	size_t conn_size;   /* bytes of the kind's connection record, which begins with struct
			       pool_conn; 0: a plain struct pool_conn */
	/* Set up the kind's state after the common part; 0 or PT_ENOMEM. */
	int (*init)(struct pool *p);
	void (*fini)(struct pool *p);   /* may be NULL */
	void (*checkout)(struct pool *p, struct pool_client *c);
	void (*checkin)(struct pool *p, struct pool_conn *conn);
	/* Arrivals have stopped: stop the kind's own background timers (housekeeper, lifetime
	 * timers, cleaner) so that the run can end once every request is done. May be NULL. */
	void (*drain)(struct pool *p);
	/* Most connections one pool of this configuration can have open, -1 when unlimited. */
	int (*cap)(const struct cfg_pool *cfg);
	/* Connections the kind keeps (beyond them: "overflow"). */
	int (*base)(const struct cfg_pool *cfg);
	/* The kind's sizing settings in its own words (its scenario keys), for reports that
	 * would otherwise print SQLAlchemy's pool_size/max_overflow for every kind: at most
	 * POOL_SETTINGS_MAX written to out; returns how many. */
	int (*settings)(const struct cfg_pool *cfg, struct pool_setting *out);
	/* The application's error text for a pool timeout; `overflow` is the pool's overflow
	 * at that moment (as SQLAlchemy prints it). NUL-terminated, truncated to len. */
	void (*timeout_message)(const struct cfg_pool *cfg, int overflow, char *buf, unsigned len);
};

/* The kinds there are, in the order `check` lists them; NULL-terminated. */
extern const struct pool_kind *const pool_kinds[];
extern const struct pool_kind pool_kind_sqlalchemy; /* SQLAlchemy QueuePool: the default */
extern const struct pool_kind pool_kind_sqlalchemy_null;  /* SQLAlchemy NullPool */
extern const struct pool_kind pool_kind_sqlalchemy_async; /* AsyncAdaptedQueuePool */
extern const struct pool_kind pool_kind_hikaricp;         /* HikariCP */
extern const struct pool_kind pool_kind_go;               /* Go database/sql */

/* The kind named `name`, or NULL. */
const struct pool_kind *pool_kind_find(const char *name);

/* Most connections one pool of configuration cfg can open (cfg->kind's rule), -1 when
 * unlimited: what a connection budget adds up over processes and pools. */
int pool_cfg_cap(const struct cfg_pool *cfg);

/* cfg->kind's sizing settings in its words (SQLAlchemy: pool_size, max_overflow; HikariCP:
 * maximumPoolSize, minimumIdle; Go: max_open_conns (0 = unlimited), max_idle_conns (as
 * clipped by Go); NullPool: none) into out[POOL_SETTINGS_MAX]; returns how many. */
int pool_cfg_settings(const struct cfg_pool *cfg, struct pool_setting *out);

/* A new pool of kind cfg->kind on engine `sim` and database `db`, drawing connect times from
 * `rng`. Borrowed pointers must outlive the pool. NULL when out of memory. */
struct pool *pool_create(const struct cfg_pool *cfg, struct sim *sim, struct database *db,
			 gsl_rng *rng);
void pool_destroy(struct pool *p);

/* Ask for a connection for c at the current time. Exactly one of c->on_ready / c->on_fail is
 * called later (or before this returns). */
void pool_checkout(struct pool *p, struct pool_client *c);

/* Return a connection handed out by on_ready. */
void pool_checkin(struct pool *p, struct pool_conn *conn);

/* Return a connection whose server end has gone (PgBouncer disconnected the client): its slot
 * is given back at once and the kind takes the record back without a server connection, so
 * its next checkout reconnects (or the kind closes it). */
void pool_checkin_closed(struct pool *p, struct pool_conn *conn);

/* Arrivals have stopped (the horizon): the pool stops its background timers (HikariCP's
 * housekeeper and lifetime timers, Go's cleaner), so that the engine runs dry once the
 * requests in flight are done. Checkout and checkin keep working. */
void pool_drain(struct pool *p);

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
/* pool_cfg_cap of the pool's configuration: -1 when unlimited. */
int pool_cap(const struct pool *p);
/* Connections the kind keeps (SQLAlchemy: pool_size); beyond them, overflow. */
int pool_base(const struct pool *p);
/* Connections handed out now to clients of holder class `cls` (POOL_HOLDER_*). */
int pool_held_by(const struct pool *p, int cls);
/* A checked-out connection's holder changes class (a request starts or stops waiting for a
 * row lock). */
void pool_set_holder_class(struct pool *p, struct pool_conn *conn, int cls);

/* The kind's timeout error text for a given overflow value, into buf (NUL-terminated). */
void pool_timeout_message(const struct cfg_pool *cfg, int overflow, char *buf, unsigned len);

#endif
