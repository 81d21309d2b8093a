/* PgBouncer between the application pools and PostgreSQL: one process shared by every
 * application process, with one [databases] entry per server it fronts (the primary, each
 * read replica a pool uses), so one pool (database, user) per server: its server connections,
 * its queue of waiting clients and its janitor passes (reference/pool-semantics.md §3.6).
 * default_pool_size, min_pool_size, reserve_pool_size, max_db_connections and
 * query_wait_timeout apply to each database's pool on its own; max_client_conn to the whole
 * process (its client connections to every database).
 *
 * The application pools connect to PgBouncer instead of a server: pgbouncer_clients gives
 * them, per database, a struct database that stands for PgBouncer's client side (slots taken
 * from the process's max_client_conn, the cheap client connect time, refusals with "no more
 * connections allowed (max_client_conn)"). A transaction asks its database's pool for a
 * server connection at BEGIN (pgbouncer_query) and ends at COMMIT (pgbouncer_release): in
 * transaction mode a server is held only for a transaction; in session mode the server linked
 * at the client connection's first query stays linked to it (the application pool's record,
 * struct pool_conn) until the application closes that connection, then runs
 * server_reset_query (one round trip, sv_tested) before it serves anyone else.
 *
 * Rules per database's pool (§3.6): a query takes an idle server if any, else waits FIFO; a
 * released server goes at once to the oldest waiter; at most one server connect is in flight,
 * launched while the pool has fewer than default_pool_size servers, or up to
 * default_pool_size + reserve_pool_size once the oldest waiter has waited
 * reserve_pool_timeout, and never beyond max_db_connections; the server connect pays the
 * server's connect_time and may be refused by PostgreSQL (then no new connect for
 * server_login_retry, and a client of a pool with no server at all is refused at once with the
 * cached error); the janitor runs every 1/3 s (at k/3 s) and disconnects clients that waited
 * longer than query_wait_timeout, checks the reserve and tops the pool up to min_pool_size one
 * connection at a time. In statement mode the BEGIN of a transaction block closes the server
 * after its round trip and the client gets "transaction blocks not allowed in statement
 * pooling mode".
 *
 * Not modelled: server_idle_timeout, server_lifetime, server_check_delay,
 * max_user_connections, max_db_client_connections, several users per database (so
 * max_db_connections never evicts a sibling pool's server). No I/O. */
#ifndef POOLTIDE_PGBOUNCER_H
#define POOLTIDE_PGBOUNCER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "models/config.h"
#include "models/database.h"
#include "sim/engine.h"
#include "sim/stats.h"

/* Why PgBouncer ended a client's query without a server (and disconnected the client). */
enum pgbouncer_error {
	PGBOUNCER_QUERY_WAIT_TIMEOUT = 1, /* waited longer than query_wait_timeout */
	PGBOUNCER_LOGIN_FAILING = 2,      /* no server and server logins failing */
	PGBOUNCER_STATEMENT_MODE = 3,     /* a transaction block in statement mode */
};

struct pgbouncer;
struct pgbouncer_client;
struct pgbouncer_db;
struct pool_conn;

/* Exactly one of these is called for each pgbouncer_query, possibly before it returns. */
typedef void (*pgbouncer_linked_fn)(struct pgbouncer_client *c);
typedef void (*pgbouncer_error_fn)(struct pgbouncer_client *c, enum pgbouncer_error e);

/* Embedded by whoever runs a transaction through PgBouncer. */
struct pgbouncer_client {
	pgbouncer_linked_fn on_linked; /* set before pgbouncer_query */
	pgbouncer_error_fn on_error;
	struct pool_conn *conn;        /* the client connection the query arrives on (set before
					  pgbouncer_query): in session mode its server stays
					  linked to it */
	const struct database *server; /* the server of the [databases] entry that connection is
					  to (set before pgbouncer_query): one of the servers
					  given to pgbouncer_create */
	double wait_start;             /* set by pgbouncer_query */
	/* private */
	struct pgbouncer_client *next;
	struct pgbouncer_db *db;
	double server_born;            /* when the linked server was launched */
	bool linked;
};

/* One database's pool: counters since the last reset and the SHOW POOLS levels over time. */
struct pgbouncer_stats {
	uint64_t queries;             /* transactions that asked for a server */
	uint64_t waited;              /* of those, linked after waiting */
	uint64_t query_wait_timeouts; /* FATAL query_wait_timeout */
	uint64_t login_failing;       /* refused with the cached login error */
	uint64_t statement_mode;      /* refused: transaction block in statement mode */
	uint64_t server_connects;     /* server connections launched */
	uint64_t server_refused;      /* of those, refused by PostgreSQL */
	uint64_t reserve_connects;    /* launched beyond default_pool_size ("taking connection
					 from reserve_pool") */
	uint64_t session_links;       /* session mode: servers linked to a client connection */
	uint64_t server_resets;       /* session mode: server_reset_query runs at disconnect */
	uint64_t idle_closes;         /* servers closed: "server idle timeout" */
	uint64_t lifetime_closes;     /* servers closed: "server lifetime over" */
	struct tally wait;            /* query to server linked, linked queries */
	double maxwait_max;           /* longest wait of any client (linked or dropped), s */
	struct level cl_active, cl_waiting, sv_active, sv_idle, sv_login;
};

/* One database's pool at one instant, SHOW POOLS' words: client connections open and not
 * waiting (cl_active), waiting for a server (cl_waiting), servers linked to a client
 * (sv_active), idle (sv_idle), running server_reset_query (sv_tested), being opened
 * (sv_login), and the age of the oldest waiting client (maxwait, s). */
struct pgbouncer_status {
	int cl_active, cl_waiting, sv_active, sv_idle, sv_tested, sv_login;
	double maxwait_s;
};

/* Databases one PgBouncer fronts at most: the primary and every read replica. */
#define PGBOUNCER_MAX_DATABASES (CFG_MAX_REPLICAS + 1)

/* A PgBouncer with n databases (1..PGBOUNCER_MAX_DATABASES): database d in front of
 * servers[d] (borrowed; its connect_time is the server connect time), drawing its server
 * connect times from rngs[d] (borrowed). NULL when out of memory. */
struct pgbouncer *pgbouncer_create(const struct cfg_pgbouncer *cfg, struct sim *sim, int n,
				   struct database *const servers[], gsl_rng *const rngs[]);
void pgbouncer_destroy(struct pgbouncer *b);
int pgbouncer_databases(const struct pgbouncer *b);

/* PgBouncer's client side for database d, what the application pools on its server connect
 * to (owned by b). */
struct database *pgbouncer_clients(struct pgbouncer *b, int d);
/* The whole process's client side: every database's client connections, max_client_conn
 * slots; its `refused` counts every refusal. */
const struct database *pgbouncer_all_clients(const struct pgbouncer *b);

/* Client c's transaction needs a server of its database (c->server) at BEGIN. In session
 * mode a client connection (c->conn) that has a server already is linked at once, without
 * waiting. */
void pgbouncer_query(struct pgbouncer *b, struct pgbouncer_client *c);
/* c's transaction ended (COMMIT or ROLLBACK): its server goes back to its database's pool
 * (transaction and statement modes) or stays linked to c->conn (session mode, until the
 * application closes the connection: pool_conn_disconnect tells PgBouncer). */
void pgbouncer_release(struct pgbouncer *b, struct pgbouncer_client *c);

/* Arrivals have stopped (the horizon): the janitor no longer tops the pools up to
 * min_pool_size, so the engine runs dry once the clients in flight are done. */
void pgbouncer_drain(struct pgbouncer *b);
void pgbouncer_reset(struct pgbouncer *b);   /* restart the statistics now (warm-up) */
/* Database d's pool (0 <= d < pgbouncer_databases). */
const struct pgbouncer_stats *pgbouncer_stats(const struct pgbouncer *b, int d);
void pgbouncer_status(const struct pgbouncer *b, int d, struct pgbouncer_status *s);
/* Server connections of database d open or being opened. */
int pgbouncer_servers(const struct pgbouncer *b, int d);

/* The error as PgBouncer words it to the client, into buf (NUL-terminated); `server` gives
 * PostgreSQL's refusal text that PgBouncer caches when its logins fail. */
void pgbouncer_error_message(enum pgbouncer_error e, const struct cfg_database *server,
			     char *buf, size_t len);
/* What an application connect refused by PgBouncer sees. */
const char *pgbouncer_client_refusal_message(void);

#endif
