/* The sensitivity section of a report: how the judged variant's failures and waits move when
 * every hold time, or every arrival rate, is 10 % higher (models/sensitivity.h), and how a
 * plan's breaking load moves with 10 % longer transactions. The terminal, report.md (and an
 * HTML page) show it as words and one table spec (app/table.h); summary.json (and `--format
 * json`) as a "sensitivity" block.
 *
 * Not here: running the perturbations (models/sensitivity.c, app/main.c). */
#ifndef POOLTIDE_REPORT_SENSITIVITY_H
#define POOLTIDE_REPORT_SENSITIVITY_H

#include <stdbool.h>
#include <stdio.h>

#include "app/table.h"
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

/* The section in format f: the terminal's, report.md's ("## Sensitivity", a paragraph, the
 * changes in words, the table) or HTML's. Nothing when r has neither a sensitivity nor a plan
 * pair. 0, or PT_ENOMEM when its table could not be built (nothing of the table written). */
int report_sensitivity(FILE *out, const struct report_sensitivity *r, enum table_format f);

/* The "sensitivity" member of a JSON document: ",\n" indent "\"sensitivity\": {...}" (nothing
 * when r shows nothing); numbers as in app/report.h. */
void report_sensitivity_json(FILE *out, const struct report_sensitivity *r, const char *indent);

#endif
