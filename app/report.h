/* Reports of an experiment: the terminal comparison table and the JSON document.
 *
 * Both read the metric table (models/summary.h), so they show the same numbers; JSON numbers
 * are printed with "%.9g" in the C locale (NAN as null) so the same run gives the same bytes
 * on any machine. */
#ifndef POOLTIDE_REPORT_H
#define POOLTIDE_REPORT_H

#include <stdio.h>

#include "app/scenario.h"
#include "models/experiment.h"

#define POOLTIDE_VERSION "0.1.0"

/* The comparison table, per workload: one row per variant. */
void report_table(FILE *out, const struct scenario *sc, const struct experiment *ex);
/* The JSON document (schema in README.md). */
void report_json(FILE *out, const struct scenario *sc, const struct experiment *ex);

/* "12.3ms", "1.20s", "3m05s": a duration for people. */
void report_format_duration(double s, char *buf, size_t len);

#endif
