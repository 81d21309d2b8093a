/* Tables of a report: one spec, three renderers (terminal, Markdown, HTML).
 *
 * A report section builds each of its tables once, in one function, and every output renders
 * that same table: the terminal report (app/report.c) as aligned plain text, report.md as a
 * Markdown pipe table, report.html as an escaped <table> (app/report_doc.c). A table is a
 * caption, columns (a header, an alignment, an optional unit, terminal widths) and rows of
 * cells. A cell is text formatted once by the caller, or an estimate with its 95 % interval,
 * formatted at rendering by one shared function (table_format_estimate), so "1.58% [1.2%,
 * 1.9%]" reads the same everywhere.
 *
 * Use:
 *
 *     struct table *t = table_create("workload api (pool main)");
 *     table_add_column(t, &(struct table_column){.header = "variant", .align = TABLE_LEFT});
 *     table_add_column(t, &(struct table_column){.header = "offered", .align = TABLE_RIGHT,
 *                                                .width = 9, .gap = 2});
 *     table_add_column(t, &(struct table_column){.header = "failure rate",
 *                                                .term = "failure rate [95% CI]"});
 *     for (each variant) {
 *             table_add_row(t);
 *             table_add_text(t, variant_name);          // user text: escaped
 *             table_add_value(t, "10400");              // a formatted number
 *             table_add_estimate(t, TABLE_RATE, &e);    // "1.58% [1.2%, 1.9%]"
 *     }
 *     int st = table_render(out, t, TABLE_MARKDOWN);     // 0 or PT_ENOMEM
 *     table_destroy(t);
 *
 * Errors: the table is sticky (SQLite's mallocFailed style). The first allocation failure
 * (or a cell beyond the last column, or a cell before any row) sets its status; later calls
 * do nothing and return it; table_render writes nothing and returns it. So a builder may add
 * its cells without checking each call and check once, at table_render or table_status.
 * Every function accepts t == NULL (what table_create returns when out of memory) as a table
 * that failed with PT_ENOMEM. Nothing aborts.
 *
 * Memory: a table grows with its rows (arrays doubled as needed); every string is copied, so
 * the caller's buffers may be reused at once. table_destroy frees it all.
 *
 * Escaping, per cell kind:
 *   text      user-supplied text (variant, workload, pool names, messages): escaped in every
 *             document format (Markdown: \ ` * _ [ ] < > | # backslashed, line breaks as
 *             spaces; HTML: & < > " ' as entities); the terminal writes it as is.
 *   value     text the program formatted (numbers, intervals, identifiers such as
 *             "per_batch"): written as is in the terminal and Markdown, escaped in HTML.
 *   code      a message quoted verbatim (SQLAlchemy's timeout text): Markdown `x`, HTML
 *             <code>x</code> (escaped), terminal as is.
 *   strong    a verdict to stand out: Markdown **x**, HTML <strong>x</strong> (escaped).
 *   markdown  inline Markdown composed by the caller (table_add_markdown).
 *
 * Headers and units are the program's words: written as they are in the terminal and Markdown
 * (like values), escaped in HTML.
 *
 * Not here: headings and paragraphs around a table (the section's business), the page
 * (app/report_doc.c). */
#ifndef POOLTIDE_TABLE_H
#define POOLTIDE_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "models/summary.h"

enum table_format {
	TABLE_TERMINAL, /* aligned plain text, a header line and one line per row */
	TABLE_MARKDOWN, /* "Table: caption" (HTML_MD_CAPTION), a blank line, a pipe table: | h | h |, |---|--:|,
			   | c | c | (right-aligned columns "--:", as HTML's class="num") */
	TABLE_HTML      /* <table> [<caption>] <thead> <tbody>; right-aligned cells class="num" */
};

enum table_align {
	/* Text and value columns: left. Estimate columns: in the terminal, right where an
	 * estimate shows as its mean alone (TABLE_BRIEF), left where it has its interval (the
	 * means then line up on the left); right in HTML and Markdown, which a reader sees
	 * rendered (report.md and report.html show the same alignment). */
	TABLE_AUTO = 0,
	TABLE_LEFT,
	TABLE_RIGHT
};

/* Column flags. */
enum {
	TABLE_DOC_ONLY = 1u << 0,  /* Markdown and HTML only, not the terminal (a wide column) */
	TABLE_TERM_ONLY = 1u << 1, /* the terminal only */
	TABLE_BRIEF = 1u << 2,     /* terminal: an estimate as its mean alone, no interval */
	TABLE_GROUP = 1u << 3      /* terminal: a cell equal to the one above it is left blank
				      (a variant's name on its first pool row only) */
};

struct table_column {
	const char *header; /* Markdown and HTML header; the terminal's unless `term` (copied) */
	const char *term;   /* the terminal's shorter header, or NULL: `header` ("" allowed) */
	const char *unit;   /* NULL, or shown after the header in documents: "hold (s)" */
	enum table_align align;
	/* Terminal layout. A column is as wide as its widest cell and header (in UTF-8
	 * characters), at least `width`, at most `max` (0: no limit; longer cells are cut);
	 * `gap` spaces precede it (0: one). The last column is not padded on the right. */
	int width, max, gap;
	unsigned flags;
};

/* What an estimate cell is, for table_format_estimate. Rates print as percentages, rate
 * differences in percentage points; durations as "12.3ms"; numbers with three significant
 * digits (app/report.h's formats). Rates, durations and numbers are >= 0, so a lower bound
 * below 0 shows as 0 (the interval respects its domain); differences are signed. */
enum table_value {
	TABLE_RATE,
	TABLE_DURATION,
	TABLE_NUMBER,
	TABLE_RATE_DIFF,
	TABLE_DURATION_DIFF
};

struct table;

/* A new empty table; caption may be NULL (copied). NULL when out of memory (every function
 * takes that NULL as a failed table). The terminal prints the caption on its own line above
 * the header, HTML as <caption>; Markdown has no table captions: the document introduces the
 * table in its own words. */
struct table *table_create(const char *caption);
/* Free t and everything in it. NULL is a no-op. */
void table_destroy(struct table *t);

/* The terminal caption starts where column `col` starts (0: at the left margin), for a
 * caption that labels the columns after the variant's ("            worst windows ..."). */
void table_caption_at(struct table *t, int col);

/* Append a column (its strings copied). Columns come before the first row. 0, or the
 * sticky status (PT_ENOMEM; PT_EINVAL after a row was added). */
int table_add_column(struct table *t, const struct table_column *col);

/* Start a row; the cells that follow fill it from the left. A row with fewer cells than
 * columns is completed with empty cells. 0 or the sticky status. */
int table_add_row(struct table *t);

/* The next cell of the current row, of each kind above (strings copied; NULL as ""). 0 or
 * the sticky status (PT_EINVAL: no row yet, or more cells than columns). */
int table_add_text(struct table *t, const char *text);
int table_add_value(struct table *t, const char *value);
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
int table_add_valuef(struct table *t, const char *fmt, ...);
int table_add_code(struct table *t, const char *text);
int table_add_strong(struct table *t, const char *text);
int table_add_estimate(struct table *t, enum table_value kind, const struct estimate *e);
/* Inline Markdown the caller composed, user text in it escaped with table_write_text
 * (TABLE_MARKDOWN): Markdown as it is, HTML converted (app/html.h: code, strong, emphasis,
 * everything else escaped), the terminal with its backslash escapes removed. */
int table_add_markdown(struct table *t, const char *md);

/* 0, or the first failure (PT_ENOMEM, PT_EINVAL). */
int table_status(const struct table *t);
/* Rows added so far. */
int table_rows(const struct table *t);

/* Write t on out in format fmt: every column of that format, every row. Returns the table's
 * status (nothing is written when it is not 0); a write error is the stream's (ferror).
 * Allocates nothing (the terminal's widths live in t, hence not const). */
int table_render(FILE *out, struct table *t, enum table_format fmt);

/* An estimate as every table shows it: "mean [lo, hi]"; the mean alone when `brief` or when
 * fewer than two replications define it (no interval); "-" when undefined. Into buf
 * (terminated; 160 bytes hold any). */
void table_format_estimate(char *buf, size_t len, enum table_value kind,
			   const struct estimate *e, bool brief);

/* Text as a document of format fmt needs it in a paragraph or cell: Markdown's characters
 * backslashed, HTML's as entities, the terminal's as is (the escaping of text cells). */
void table_write_text(FILE *out, enum table_format fmt, const char *s);

/* The CSS the HTML renderer's markup needs (class "num": right-aligned), for the page's
 * <style>. */
extern const char table_html_style[];

#endif
