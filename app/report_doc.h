/* The written report of a result folder: report.md, read by people and pasted into reviews,
 * and report.html, the same report as one self-contained page with the plots inline.
 *
 * Sections in order: the scenario and its variants, one per workload (the table of requests
 * or batches, contention, paired differences), the SLO verdicts (a callback: their own
 * module), pool health, the connection budget, the plots (or why they are missing), the
 * folder's files, and the judged configuration as code. Everything it shows comes from the
 * experiment's aggregates (models/summary.h), as in the terminal report (app/report.c).
 *
 * Not here: the folder itself and its data files (app/results.c, which calls this module
 * through results_write_report), drawing the plots (app/plot.c). */
#ifndef POOLTIDE_REPORT_DOC_H
#define POOLTIDE_REPORT_DOC_H

#include <stdbool.h>
#include <stdio.h>

#include "app/results.h"

/* What the report needs beyond the experiment (all borrowed). */
struct report_doc {
	const struct results_info *info;
	const char *run_id;        /* the folder's name (results_id) */
	const char *started_utc;   /* "2025-01-31T14:25:01Z" */
	const char *sha256;        /* the scenario file's SHA-256, hex */
	const char *folder;        /* where the plots and sweep.csv are (looked at, not written) */
	results_section_fn slo;    /* the SLO section, or NULL */
	void *slo_ctx;
	const char *plots_missing; /* the marker's reason, or NULL when the plots were drawn */
};

/* Write report.md for d on out. Returns 0 or PT_ENOMEM (the caller checks the stream). */
int report_doc_md(FILE *out, const struct report_doc *d);

/* Write report.html: the same sections and tables as report.md (the same builders, rendered
 * by the HTML renderers), the plots' SVG images inline (read from d->folder; when they are
 * missing the page says so), one small inline style; no script, nothing fetched, every name
 * from the scenario escaped. 0 or PT_ENOMEM. */
int report_doc_html(FILE *out, const struct report_doc *d);

/* report.md's text `md` (NUL-terminated) with its Plots section saying what `pooltide plot
 * DIR` just found: the note that the plots were not drawn removed when every plot was drawn
 * (`missing` NULL), else that note with `missing` as its reason, in place of the old one or
 * after the section's heading (a run whose plots were drawn, redrawn without gnuplot). The
 * note is the one report_doc_md writes, word for word. *out receives the new text
 * (malloc'ed), or NULL when nothing changes (the same note, or md has no Plots section).
 * 0 or PT_ENOMEM. */
int report_doc_md_replot(const char *md, const char *missing, char **out);

/* Rebuild report.html from the text of a folder's report.md (`md`, NUL-terminated, its plot
 * note brought up to date by report_doc_md_replot) and the SVG images in `folder`, for
 * `pooltide plot DIR`, which redraws the images after the run: the page of report_doc_html's
 * frame (title from report.md's first heading, the same style), report.md converted by
 * app/html.h (its pipe tables as tables with their "Table: " captions and alignment, each
 * image link "![alt](NAME.png)" as NAME.svg inline, or a note when that is missing or not a
 * plain SVG). 0 or PT_ENOMEM. */
int report_doc_html_from_md(FILE *out, const char *md, const char *folder);

#endif
