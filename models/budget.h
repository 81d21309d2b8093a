/* Connection budget: the most server connections a deployment can open, against the slots
 * PostgreSQL lets the application's role use.
 *
 * Each application process has its own instance of every pool its workloads use, so one
 * database server can be asked for up to the sum, over pools, of (processes using the pool) x
 * (the most connections one instance can open, pool_cfg_cap: SQLAlchemy size + max_overflow,
 * -1 when unlimited). The server accepts max_connections - superuser_reserved_connections -
 * reserved_connections of them and refuses the rest at once ("FATAL: remaining connection
 * slots are reserved..."): a configuration whose budget exceeds the usable slots will refuse
 * requests exactly when it is busiest. The arithmetic is per server: the primary counts the
 * pools on it (pools.NAME.server, default the primary) that workloads use, a read replica the
 * pools on it that workloads route reads to. PgBouncer has one [databases] entry, so one pool
 * of server connections, per server it fronts (cfg_pgbouncer_fronts).
 *
 * Not here: simulating the refusals (models/database.h); printing (app/). No I/O. */
#ifndef POOLTIDE_BUDGET_H
#define POOLTIDE_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

#include "models/config.h"

struct budget_term {
	int pool;       /* index into cfg_scenario.pools */
	int processes;  /* processes with an instance of it that a workload uses */
	int cap;        /* pool_cfg_cap: most connections one instance opens, -1 unlimited */
};

struct budget {
	int server;                  /* 0: the primary, k: replica k - 1 (cfg_server) */
	int n_terms;                 /* pools used by some workload, in pool order */
	struct budget_term terms[CFG_MAX_POOLS];
	long long most;              /* sum of processes x cap over the limited terms */
	bool unlimited;              /* some used pool has no cap (max_overflow -1) */
	int pgbouncer;               /* > 0: PgBouncer stands between the pools and the server,
					which sees at most default_pool_size + reserve_pool_size
					(capped by max_db_connections) whatever the pools (§3.6
					rule 7): `most` is that, the terms are client connections */
	int max_connections, superuser_reserved, reserved;
	int usable;                  /* max_connections - superuser_reserved - reserved */
};

/* The budget of one resolved scenario (a variant) on its primary. */
void budget_compute(const struct cfg_scenario *sc, struct budget *b);
/* The same on server k: 0 the primary, k the replica k - 1. */
void budget_compute_server(const struct cfg_scenario *sc, int server, struct budget *b);
/* Whether any server's budget is exceeded. */
bool budget_any_exceeded(const struct cfg_scenario *sc);

/* Whether the deployment can ask for more connections than the server accepts: an unlimited
 * pool, or most > usable. */
bool budget_exceeded(const struct budget *b);

/* The arithmetic in one line, without a newline, into buf[n] (truncated, always terminated
 * when n > 0); returns what snprintf returns. Pool names come from sc. For example
 *   4 processes x pool main (cap 50) = 200 > 97 usable slots (max_connections 100 -
 *   superuser_reserved_connections 3 - reserved_connections 0)
 * and "<= 97 usable slots" when it fits; an unlimited pool reads "pool main (unlimited
 * overflow)" and the total "unlimited". With read replicas the line starts with the server's
 * name ("primary: ", "replica1: "). */
int budget_format(char *buf, size_t n, const struct budget *b, const struct cfg_scenario *sc);

#endif
