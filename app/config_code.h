/* Configuration as code: a variant's pools written the way their pool kind is configured, to
 * paste into the application, and the connection budget across processes.
 *
 * One renderer per pool kind, looked up by the kind's name (pools.NAME.kind) in one table
 * (config_code.c): "sqlalchemy" the create_engine(...) arguments, "sqlalchemy-async" the same
 * to create_async_engine, "sqlalchemy-null" create_engine(..., poolclass=NullPool), "hikaricp" HikariConfig properties, "go" the *sql.DB
 * setters and the checkout's context deadline. A new pool kind adds its renderer to the
 * table. PgBouncer (not a pool kind: one per deployment, the scenario's "pgbouncer" section)
 * is written as pgbouncer.ini lines and what the application side must set for it. The
 * budget is models/budget.h's arithmetic.
 *
 * Not here: choosing the variant (the caller: the judged one, a sweep's recommendation). */
#ifndef POOLTIDE_CONFIG_CODE_H
#define POOLTIDE_CONFIG_CODE_H

#include <stdio.h>

#include "models/config.h"

struct config_code_kind {
	const char *kind;  /* the pool kind's name, as in pools.NAME.kind */
	const char *lang;  /* the fenced block's language: "python", "properties", "ini", "go" */
	/* Pool p of sc as code: its lines only (no fence). */
	void (*render)(FILE *out, const struct cfg_scenario *sc, int p);
};

/* The renderer of a kind, or NULL. */
const struct config_code_kind *config_code_find(const char *kind);

/* The name of pool p's kind (pools.NAME.kind; "sqlalchemy" by default). */
const char *config_code_pool_kind(const struct cfg_scenario *sc, int p);

/* Markdown: "### <title>", each pool's code in a fenced block, then the budget. */
void config_code_md(FILE *out, const char *title, const struct cfg_scenario *sc);

/* With PgBouncer (sc->pgbouncer.enabled): the pgbouncer.ini lines in a fenced ini block (every
 * setting the model reads, defaults too, durations in seconds as PgBouncer takes them), then
 * what the application side must set: the pools pointing at port 6432, their client
 * connections against max_client_conn, and the pool mode's caveat (transaction mode: session
 * state and prepared statements). Nothing without PgBouncer. */
void config_code_pgbouncer(FILE *out, const struct cfg_scenario *sc);

/* One paragraph: budget_format's line (per pool in use, processes x its kind's cap, against
 * PostgreSQL's usable slots) and what it leaves to spare, or by how much it is over. */
void config_code_budget(FILE *out, const struct cfg_scenario *sc);

#endif
