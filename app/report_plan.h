/* A plan's report (models/plan.h): its probes in order of load with the verdict and, for each
 * probe that did not pass, the limits that did not (which limit, its value against it), the
 * load at which the SLO breaks, and a warning when the database's CPU is not modelled; with
 * --precision each probe's replications (a "reps" column; JSON "replications" always). The
 * same content as terminal text, as report.md's "## Plan" section and as the JSON report's
 * "plan" member.
 *
 * Not here: the search (models/plan.c); the probes' own SLO sections (app/report.h). */
#ifndef POOLTIDE_REPORT_PLAN_H
#define POOLTIDE_REPORT_PLAN_H

#include <stdio.h>

#include "app/scenario.h"
#include "models/plan.h"

/* Terminal text. sc: the scenario whose variant 0 was scaled (names of workloads). */
void report_plan(FILE *out, const struct scenario *sc, const struct plan *pl);
/* report.md's "## Plan" section. */
void report_plan_md(FILE *out, const struct scenario *sc, const struct plan *pl);
/* ",\n" indent "\"plan\": {...}": the warning, the probes with the limits that did not pass,
 * and the passing and failing factors (null when not found). */
void report_plan_json(FILE *out, const struct scenario *sc, const struct plan *pl,
		      const char *indent);

/* The warning, without a newline (empty when the CPU is modelled):
 *   the database has no `cores`: its CPU is not modelled, so this breaking load is set only
 *   by the pools and by refused connections (...) */
const char *report_plan_warning(const struct plan *pl);

#endif
