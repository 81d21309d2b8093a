/* `pooltide fit`: from an observation log to a scenario file and a fit report.
 *
 * Reads the log (app/obslog.h), fits the arrival process and the hold-time distribution
 * (app/fit.h), infers the pool configuration the log shows (the most connections checked out
 * at once, the wait at which requests timed out) unless given, and writes a folder
 * ROOT/<log name>/fit-<UTC time>/ with
 *   scenario.json   the fitted scenario, ready for `pooltide run` and `pooltide validate`
 *   fit.md          every fit's parameters with standard errors, log-likelihood, AIC and KS
 *                   distance, the choice and why, the arrival process, the pool
 *   holds_qq, holds_hist, arrivals   plots (.dat, .gp, .png, .svg)
 * written under a temporary name and renamed into place (app/outdir.h).
 *
 * Not here: the estimators (app/fit.h), reading CSV (app/obslog.h). */
#ifndef POOLTIDE_FIT_REPORT_H
#define POOLTIDE_FIT_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "app/obslog.h"

struct fit_options {
	const char *log;            /* the observation log (the first of `logs`) */
	const char *const *logs;    /* n_logs > 1: one log per process of one service, merged by
				       time (obslog_merge); the fitted scenario has that many
				       processes; NULL or 1: `log` alone */
	size_t n_logs;
	struct obslog_map map;      /* its columns */
	double warmup_s;            /* the scenario's warm-up (and validate's comparison window
				       starts there); default 0 */
	double bin_s;               /* arrival bins; 0: the window / 30 */
	const char *pgss;           /* a pg_stat_statements export, or NULL: the hold time when
				       the log has none */
	int pool_size;              /* < 0: the most connections checked out at once */
	int max_overflow;           /* < -1: 0 (the log cannot tell size from overflow) */
	double pool_timeout_s;      /* < 0: the median wait of the timed-out requests, to 1 ms
				       (30 s, SQLAlchemy's default, when none timed out) */
	const char *output_root;    /* NULL: "results" */
	bool no_plot, quiet;
};

/* Run it. The summary goes to out; the folder's path into dir (dirlen bytes). Returns 0,
 * PT_EINVAL (a bad log or option: exit 2), PT_EIO / PT_ENOMEM (exit 1) with one line in err.
 * A plot that could not be drawn is a warning in warn ("" when none), not a failure. */
int fit_report_run(const struct fit_options *o, FILE *out, char *dir, size_t dirlen,
		   char *warn, size_t warnlen, char *err, size_t errlen);

#endif
