/* The sensitivity section of a report: how the judged variant's failures and waits move when
 * every hold time, or every arrival rate, is 10 % higher (models/sensitivity.h), and how a
 * plan's breaking load moves with 10 % longer transactions. The terminal and report.md show
 * it as words and a table; summary.json (and `--format json`) as a "sensitivity" block.
 *
 * Not here: running the perturbations (models/sensitivity.c, app/main.c). */
#ifndef POOLTIDE_REPORT_SENSITIVITY_H
#define POOLTIDE_REPORT_SENSITIVITY_H

#include <stdbool.h>
#include <stdio.h>

#include "models/config.h"
#include "models/plan.h"
#include "models/sensitivity.h"

/* What a report says about sensitivity (all borrowed; a NULL member is not shown). */
struct report_sensitivity {
	const struct sensitivity *s;    /* the judged variant's paired changes, or NULL */
	const struct cfg_scenario *cfg; /* that variant's configuration */
	const char *variant;            /* its name */
	const struct plan *plan;        /* plan: the breaking load of the base ... */
	const struct plan *plan_longer; /* ... and with every hold time x SENSITIVITY_FACTOR */
	const char *plan_workload;      /* the plan's scaled workload */
	double plan_base_rate;          /* that workload's rate at factor 1, 1/s */
};

/* The section, for the terminal (markdown false) or report.md ("## Sensitivity"). Nothing when
 * r has neither a sensitivity nor a plan pair. */
void report_sensitivity(FILE *out, const struct report_sensitivity *r, bool markdown);

/* The "sensitivity" member of a JSON document: ",\n" indent "\"sensitivity\": {...}" (nothing
 * when r shows nothing); numbers as in app/report.h. */
void report_sensitivity_json(FILE *out, const struct report_sensitivity *r, const char *indent);

#endif
