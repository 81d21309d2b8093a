/* Result folders: every run leaves results/<scenario>/<run-id>/, complete and self-describing
 * (schema in README.md, "Result folder").
 *
 * The folder is written into a temporary sibling, results/<scenario>/.tmp-<run-id>-<pid>, and
 * renamed into place at the end, so an interrupted or failed run never leaves a folder that
 * looks complete: only a ".tmp-" folder, which a failed run removes and a killed one cannot.
 * run-id is the UTC start time and the master seed, 20250131-142501-seed1, with "-2", "-3", ...
 * appended when that name is taken.
 *
 * The order of use is: results_begin (creates the temporary folder; do it before simulating,
 * so an unwritable root fails at once) -> results_write_data (summary.json, summary.csv,
 * waits.csv, timeline.csv, pools.csv) -> the plot module draws into results_path(), or
 * results_mark_plots_missing -> results_write_report (report.md, written by app/report_doc.c,
 * which links the plots and says when they are missing) -> results_commit -> results_destroy. results_destroy without a
 * commit removes the temporary folder.
 *
 * Numbers in data files are "%.9g" in the C locale (the program never calls setlocale); an
 * undefined value is an empty CSV field or a JSON null.
 *
 * Not here: drawing plots (app/plot.c), SLO verdicts (a callback writes that report section). */
#ifndef POOLTIDE_RESULTS_H
#define POOLTIDE_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "app/report_sensitivity.h"
#include "app/scenario.h"
#include "app/table.h"
#include "models/experiment.h"
#include "models/timeline.h"

/* The marker file whose presence says the plots were not drawn; its first line says why. */
#define RESULTS_PLOTS_MISSING "plots-missing"

/* Everything a result folder records about one run (all borrowed). */
struct results_info {
	const struct scenario *sc;
	const struct experiment *ex;
	const struct timeline *timelines; /* one per variant (replication 0), or NULL */
	time_t started;                   /* wall-clock start of the run */
	double wall_time_s;               /* wall time of the simulation */
	int threads;                      /* worker threads used */
	int judged;                       /* the variant whose configuration report.md ends
					     with, as code (app/config_code.h) */
	int recommended;                  /* a sweep's recommended variant, written too when it
					     is >= 0 and not `judged` */
	const struct report_sensitivity *sensitivity; /* summary.json's "sensitivity" block, or
							 NULL */
};

/* Writes the report's SLO section (report.md: beginning with the line "## SLO"), between the
 * comparison tables and the pool health, in format fmt (TABLE_MARKDOWN for report.md,
 * TABLE_HTML for report.html: HTML blocks); ctx is what was given to results_write_report.
 * Returns 0 or PT_ENOMEM. */
typedef int (*results_section_fn)(FILE *out, enum table_format fmt, const struct scenario *sc,
				  const struct experiment *ex, void *ctx);

struct results_dir;

/* Create root/<scenario name>/.tmp-<run-id>-<pid> (root NULL: "results"; missing parents are
 * created) and hash the scenario file. The scenario name is sc's base name with every byte
 * outside [A-Za-z0-9._-] replaced by '_' (and a leading '.' too). Returns 0, or PT_EIO /
 * PT_ENOMEM with one line in err ("cannot create results/x: Permission denied"). */
int results_begin(struct results_dir **out, const char *root, const struct scenario *sc,
		  time_t started, char *err, size_t errlen);

/* The folder's path: the temporary one until results_commit, then the final one. */
const char *results_path(const struct results_dir *rd);
/* The run id written inside the folder (summary.json, report.md): the final folder's name,
 * "-2", "-3", ... included, fixed by results_begin (which reserves that name). */
const char *results_id(const struct results_dir *rd);

/* replications.csv, every metric of every replication (results_write_data has only their
 * estimates): opened here before the experiment runs (sc borrowed until the end), fed by the
 * experiment through hooks[v].on_result (results_hook_replications fills it for variant v;
 * call it after timeline_prepare, which resets the hooks), closed and flushed by
 * results_replications_end after the run. Rows come in the experiment's fold order
 * (replication 0 of every variant, then replication 1, ...), so the file is the same bytes for
 * any number of threads. 0, or PT_EIO/PT_ENOMEM and err. */
int results_replications_begin(struct results_dir *rd, const struct scenario *sc, char *err,
			       size_t errlen);
void results_hook_replications(struct results_dir *rd, int v, struct model_hooks *hooks);
int results_replications_end(struct results_dir *rd, char *err, size_t errlen);

/* Write summary.json, summary.csv, waits.csv, timeline.csv and pools.csv. 0, or
 * PT_EIO/PT_ENOMEM and err. */
int results_write_data(struct results_dir *rd, const struct results_info *info, char *err,
		       size_t errlen);

/* Write the RESULTS_PLOTS_MISSING marker with `reason` (one line; "DIR" stands for the
 * folder), replacing one the plot module left. 0 or PT_EIO and err. */
int results_mark_plots_missing(struct results_dir *rd, const char *reason, char *err,
			       size_t errlen);

/* Write report.md and report.html (app/report_doc.h: the same report, as one page with the
 * plots' SVG inline, so call it after the plots are drawn). slo may be NULL (no SLO
 * section). 0 or PT_EIO/PT_ENOMEM and err. */
int results_write_report(struct results_dir *rd, const struct results_info *info,
			 results_section_fn slo, void *slo_ctx, char *err, size_t errlen);

/* After `pooltide plot DIR` redrew the plots of the finished folder `dir`: bring report.md's
 * plot note up to date (report_doc_md_replot: removed when every plot was drawn, `missing`
 * NULL; else saying `missing`, why not), then rebuild report.html from that report.md and the
 * new SVG images (report_doc_html_from_md), each file replaced atomically
 * (outdir_replace_file; report.md only when its text changes), so both files and the plots
 * say the same. *md_updated says whether report.md was rewritten, *rebuilt whether there was a
 * report.md (a folder without one, such as a fit's, keeps what it has: 0, nothing written).
 * 0, or PT_EIO (report.md unreadable, not a regular file or above 64 MiB; a file cannot be
 * written) / PT_ENOMEM with err; the file that failed then stays as it was (report.md first:
 * when it fails, report.html is not touched). */
int results_refresh_html(const char *dir, const char *missing, bool *md_updated, bool *rebuilt,
			 char *err, size_t errlen);

/* Write one more file `name` into the (temporary) folder through fn(file, ctx), which returns
 * a status; a write error is reported like the others (err, non-zero status). */
int results_write_file(struct results_dir *rd, const char *name, int (*fn)(FILE *, void *),
		       void *ctx, char *err, size_t errlen);

/* Rename the temporary folder to root/<scenario>/<run-id>[-N]. 0 or PT_EIO and err (the
 * temporary folder is then still there, for results_destroy to remove). */
int results_commit(struct results_dir *rd, char *err, size_t errlen);

/* Free rd; remove the temporary folder and what is in it unless committed. NULL is a no-op. */
void results_destroy(struct results_dir *rd);

/* One CSV field (RFC 4180 quoting when it holds a comma, a quote or a line break) / one number
 * ("%.9g", C locale; empty for NAN or infinity). Shared by every CSV pooltide writes. */
void results_csv_field(FILE *out, const char *s);
void results_csv_number(FILE *out, double x);
/* x as printf's "%.9g" writes it (nothing for NAN and infinities), into buf (at least 32
 * bytes, terminated); returns the length. Common values (0, k x 0.1, ...) without printf. */
size_t results_format_g9(char *buf, double x);

/* Whether variant cfg runs a workload on pool p: plots and reports leave out pools nobody
 * uses. */
bool results_pool_used(const struct cfg_scenario *cfg, int p);

/* "20250131-142501-seed7" for a start time (UTC) and a seed, into buf. */
void results_run_id(time_t started, unsigned long long seed, char *buf, size_t len);

#endif
