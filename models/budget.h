/* Connection budget: the most server connections a deployment can open, against the slots
 * PostgreSQL lets the application's role use.
 *
 * Each application process has its own instance of every pool its workloads use, so one
 * database server can be asked for up to the sum, over pools, of (processes using the pool) x
 * (the most connections one instance can open, pool_cfg_cap: SQLAlchemy size + max_overflow,
 * -1 when unlimited). The server accepts max_connections - superuser_reserved_connections -
 * reserved_connections of them and refuses the rest at once ("FATAL: remaining connection
 * slots are reserved..."): a configuration whose budget exceeds the usable slots will refuse
 * requests exactly when it is busiest. The arithmetic is per server; the deployment has one
 * server today, and pool kinds behind which the server sees fewer connections (PgBouncer)
 * plug into pool_cfg_cap.
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
	int n_terms;                 /* pools used by some workload, in pool order */
	struct budget_term terms[CFG_MAX_POOLS];
	long long most;              /* sum of processes x cap over the limited terms */
	bool unlimited;              /* some used pool has no cap (max_overflow -1) */
	int max_connections, superuser_reserved, reserved;
	int usable;                  /* max_connections - superuser_reserved - reserved */
};

/* The budget of one resolved scenario (a variant). */
void budget_compute(const struct cfg_scenario *sc, struct budget *b);

/* Whether the deployment can ask for more connections than the server accepts: an unlimited
 * pool, or most > usable. */
bool budget_exceeded(const struct budget *b);

/* The arithmetic in one line, without a newline, into buf[n] (truncated, always terminated
 * when n > 0); returns what snprintf returns. Pool names come from sc. For example
 *   4 processes x pool main (cap 50) = 200 > 97 usable slots (max_connections 100 -
 *   superuser_reserved_connections 3 - reserved_connections 0)
 * and "<= 97 usable slots" when it fits; an unlimited pool reads "pool main (unlimited
 * overflow)" and the total "unlimited". */
int budget_format(char *buf, size_t n, const struct budget *b, const struct cfg_scenario *sc);

#endif
