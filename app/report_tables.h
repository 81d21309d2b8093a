/* The tables of a report, each built by one function and rendered by every output: the
 * terminal report (app/report.c), report.md and report.html (app/report_doc.c), through the
 * table spec (app/table.h).
 *
 * A table holds what every output shows; columns that only fit one (the terminal's served
 * count and maximum wait, the documents' intervals on every quantile) carry TABLE_TERM_ONLY,
 * TABLE_DOC_ONLY or TABLE_BRIEF. `namew` is the terminal width of the variant column (the
 * terminal report computes it once over every variant, so its tables line up); documents
 * ignore it.
 *
 * Each builder returns a new table (the caller renders and destroys it), or NULL when out of
 * memory; a table that failed half-way has a sticky status that table_render returns. */
#ifndef POOLTIDE_REPORT_TABLES_H
#define POOLTIDE_REPORT_TABLES_H

#include <stdbool.h>

#include "app/scenario.h"
#include "app/table.h"
#include "models/experiment.h"

/* A request workload w: offered, failures by cause, the failure rate, wait quantiles. */
struct table *report_tables_workload(const struct scenario *sc, const struct experiment *ex,
				     int w, int namew);
/* A batch workload w: batches, failures, sizes, durations, holds, lag, throughput, backlog. */
struct table *report_tables_batch(const struct scenario *sc, const struct experiment *ex, int w,
				  int namew);
/* Pool timeouts attributed to batches and lock waits, retries, row-lock waits, holds; worth
 * showing only when report_tables_contention_shown. */
bool report_tables_contention_shown(const struct experiment *ex, int w);
struct table *report_tables_contention(const struct scenario *sc, const struct experiment *ex,
				       int w, int namew);
/* The worst windows of request workload w (1 and 5 minutes unless slo.WORKLOAD.window says
 * otherwise) of the variants whose window lengths are those of variant `lead`, headed by
 * those lengths. A report prints one such table per lead: a variant is a lead when no
 * earlier variant has its lengths (report_tables_worst_leads). */
struct table *report_tables_worst(const struct scenario *sc, const struct experiment *ex, int w,
				  int namew, int lead);
bool report_tables_worst_leads(const struct scenario *sc, const struct experiment *ex, int w,
			       int v);
/* Paired differences of workload w to the first variant (variants 2..n). */
struct table *report_tables_diffs(const struct scenario *sc, const struct experiment *ex, int w,
				  int namew);
/* Pool health: one row per variant and pool. */
struct table *report_tables_pools(const struct scenario *sc, const struct experiment *ex,
				  int namew);

#endif
