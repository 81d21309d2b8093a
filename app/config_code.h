/* Configuration as code: a variant's pools written the way their pool kind is configured, to
 * paste into the application, and the connection budget across processes.
 *
 * One renderer per pool kind, looked up by the kind's name in one table (config_code.c):
 * "sqlalchemy" writes the create_engine(...) arguments. A new pool kind (HikariCP properties,
 * Go's db.SetMaxOpenConns(...) calls, pgbouncer.ini lines) adds its renderer to the table;
 * config_code_md picks each pool's by its kind.
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

/* One paragraph: per pool, processes x its cap; the sum against PostgreSQL's usable
 * connections (max_connections - superuser_reserved_connections - reserved_connections). */
void config_code_budget(FILE *out, const struct cfg_scenario *sc);

#endif
