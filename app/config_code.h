/* Configuration as code: a variant's pools written the way their pool kind is configured, to
 * paste into the application, and the connection budget across processes.
 *
 * One renderer per pool kind, looked up by the kind's name (pools.NAME.kind) in one table
 * (config_code.c): "sqlalchemy" the create_engine(...) arguments, "sqlalchemy-async" the same
 * to create_async_engine, "sqlalchemy-null" create_engine(..., poolclass=NullPool), "hikaricp" HikariConfig properties, "go" the *sql.DB
 * setters and the checkout's context deadline. A new pool kind (PgBouncer: pgbouncer.ini
 * lines) adds its renderer to the table. The budget is models/budget.h's arithmetic.
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

/* One paragraph: budget_format's line (per pool in use, processes x its kind's cap, against
 * PostgreSQL's usable slots) and what it leaves to spare, or by how much it is over. */
void config_code_budget(FILE *out, const struct cfg_scenario *sc);

#endif
