/* Reports of an experiment: the terminal comparison table and the JSON document.
 *
 * Both read the metric table (models/summary.h), so they show the same numbers; JSON numbers
 * are printed with "%.9g" in the C locale (NAN as null) so the same run gives the same bytes
 * on any machine. */
#ifndef POOLTIDE_REPORT_H
#define POOLTIDE_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "app/scenario.h"
#include "app/table.h"
#include "models/experiment.h"
#include "models/slo.h"
#include "models/summary.h"

#define POOLTIDE_VERSION "0.1.0"

/* The comparison tables (app/report_tables.h), per workload: one row per variant; then pool,
 * database and PgBouncer tables. 0, or PT_ENOMEM (the report then stops short). */
int report_table(FILE *out, const struct scenario *sc, const struct experiment *ex);
/* The JSON document (schema in README.md). */
void report_json(FILE *out, const struct scenario *sc, const struct experiment *ex);

/* Extension points of the JSON document, so that the result folder's summary.json is this
 * document plus a manifest and pool health, not a second copy of it. Each callback may be
 * NULL; each writes complete members, every one preceded by ",\n" and `indent`. */
struct report_json_ext {
	/* Extra top-level members (indent "  "), after "warmup_s". */
	void (*top)(FILE *out, void *ctx, const char *indent);
	/* Extra members of pool p of variant v, after its metrics. */
	void (*pool)(FILE *out, void *ctx, int v, int p, const char *indent);
	void *ctx;
};
/* report_json with extensions (ext NULL: exactly report_json). */
void report_json_ext(FILE *out, const struct scenario *sc, const struct experiment *ex,
		     const struct report_json_ext *ext);

/* How a --precision run went (ex->precision.rel > 0): the object {"target",
 * "max_replications", "rounds", "stopped": "decided" | "max_replications" | "max_events",
 * "variant_replications", "undecided"}, summary.json's manifest member and the top-level member
 * of --format json alike. */
void report_json_precision(FILE *out, const struct scenario *sc, const struct experiment *ex);

/* JSON pieces shared with app/results.c: a string with JSON escapes; a number as "%.9g" in
 * the C locale, null for NAN and infinities; an estimate {"mean", "ci_low", "ci_high"}. */
void report_json_string(FILE *out, const char *s);
void report_json_number(FILE *out, double x);
void report_json_estimate(FILE *out, const struct estimate *e);

/* The estimate of `metric` (a name of models/summary.h's table) for variant v at index idx
 * (workload or pool), and its paired difference variant v - first variant. */
struct estimate report_est(const struct experiment *ex, int v, const char *metric, int idx);
struct estimate report_diff(const struct experiment *ex, int v, const char *metric, int idx);

/* Pool health of pool p in variant v, in SQLAlchemy's words (summary.json, report.md). */
struct report_pool_health {
	double checked_out, checked_in, overflow, waiters; /* time averages, mean over reps */
	double exhausted_share, longest_exhausted_s;       /* mean over replications */
	int exhausted_reps;   /* replications in which the pool was exhausted at some point */
	int first_timeout_overflow; /* from the first replication with a timeout, or INT_MIN */
};
struct report_pool_health report_pool_health(const struct experiment *ex, int v, int p);

/* The metrics of which every report gives the paired difference variant - first variant;
 * *n receives the count. */
const char *const *report_diff_metrics(enum metric_scope scope, int *n);

/* "12.3ms", "1.20s", "3m05s": a duration for people. */
void report_format_duration(double s, char *buf, size_t len);
/* A number for people, three significant digits and never an exponent ("0.00123", "12.3",
 * "10400"; "-" for NAN); a count per replication likewise, whole from 100 on, "10.4M" from
 * ten million ("252038", "10400", "3.25"). */
void report_format_number(double x, char *buf, size_t len);
void report_format_count(double x, char *buf, size_t len);
/* A fraction as a percentage for people: "1.58%", "0.0012%", "0%", "-" for NAN. */
void report_format_rate(double r, char *buf, size_t len);

/* One warning line on `out` per variant whose connection budget (models/budget.h) can exceed
 * the database's usable slots, naming the numbers:
 *   pooltide: warning: variant 'V': connection budget 4 processes x pool main (cap 50) = 200
 *   > 97 usable slots (...): PostgreSQL refuses the connects beyond 97 at once
 * Returns the number of such variants. */
int report_budget_warnings(FILE *out, const struct scenario *sc);

/* The SLO verdicts of every variant that has limits (scenario "slo"): one line per limit with
 * its estimate, 95 % CI and verdict, as terminal text, or as the "## SLO" section of report.md
 * (TABLE_MARKDOWN) or report.html (TABLE_HTML: a heading, a paragraph and a table). Prints
 * nothing when no variant has limits. Returns the overall verdict of variant `gate`
 * (SLO_PASS when it has no limits). */
enum slo_verdict report_slo(FILE *out, const struct scenario *sc, const struct experiment *ex,
			    enum table_format fmt, int gate);

/* Precision mode (--precision, models/precision.h): the target, the rule, the replications
 * used (and rounds), and whether the run stopped because every variant was decided or at the
 * maximum, naming the variants left undecided (their verdicts stay inconclusive). As a
 * paragraph of terminal text, or as the "## Precision" section of report.md. Nothing outside
 * precision mode. */
void report_precision(FILE *out, const struct scenario *sc, const struct experiment *ex,
		      bool markdown);

struct sweep;
struct plan;

/* A sweep's grid as compact tables (the timeout rate, its CI's upper end and the p99 wait at
 * every point; a matrix for two axes) and the smallest point meeting every SLO limit. */
void report_sweep(FILE *out, const struct sweep *sw, const struct experiment *ex);


/* Whether a request workload's table shows a column for failure cause f: always for pool
 * timeouts and refusals, else only when some variant had such a failure (a scenario without
 * lock_timeout shows no column of zeros for it; failure_rate counts every cause anyway). */
bool report_cause_shown(const struct experiment *ex, int f, int w);

#endif
