/* PgBouncer's part of the reports, for the variants that have one: its SHOW POOLS status
 * (one table spec, app/table.h, rendered in the terminal report and in report.md), the errors
 * it gave in its own words, and in report.md what PgBouncer changed (the server connections
 * PostgreSQL saw against what the pools could have opened, where the clients waited, which
 * failures were PgBouncer's) and its timeline plot.
 *
 * Everything comes from the experiment's metrics (models/summary.h: workload "pgbouncer").
 * Nothing is written when no variant has PgBouncer.
 *
 * Not here: the model (models/pgbouncer.c), timeline.csv (app/results.c), the plot itself
 * (app/plot.c), pgbouncer.ini (app/config_code.c). */
#ifndef POOLTIDE_REPORT_PGBOUNCER_H
#define POOLTIDE_REPORT_PGBOUNCER_H

#include <stdio.h>

#include "app/scenario.h"
#include "models/experiment.h"

/* The terminal report's PgBouncer table and error lines. Returns 0 or PT_ENOMEM. */
int report_pgbouncer_terminal(FILE *out, const struct scenario *sc, const struct experiment *ex);

/* report.md's "## PgBouncer" section. Returns 0 or PT_ENOMEM. */
int report_pgbouncer_md(FILE *out, const struct scenario *sc, const struct experiment *ex);

#endif
