#include "app/table.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "app/html.h"
#include "app/report.h"
#include "sim/status.h"

enum cell_kind { CELL_TEXT, CELL_VALUE, CELL_CODE, CELL_STRONG, CELL_MARKDOWN, CELL_ESTIMATE };

struct cell {
	enum cell_kind kind;
	char *s; /* NULL for an estimate (and an empty cell) */
	enum table_value value;
	struct estimate e;
};

struct table {
	int status;
	char *caption;
	int caption_col;
	struct table_column *cols; /* strings owned */
	int *w;                    /* terminal widths, computed at rendering */
	int n_cols, cap_cols;
	struct cell *cells; /* rows x n_cols, row-major; kind CELL_VALUE, s NULL: empty */
	int n_rows, cap_rows;
	int next; /* the next cell of the last row */
};

const char table_html_style[] = "td.num, th.num { text-align: right; }\n"
				 "td.center, th.center { text-align: center; }\n";

static char *dup(const char *s)
{
	size_t n = strlen(s ? s : "") + 1;
	char *d = malloc(n);
	if (d)
		memcpy(d, s ? s : "", n);
	return d;
}

static int set_fail(struct table *t, int st)
{
	if (t && !t->status)
		t->status = st;
	return st;
}

struct table *table_create(const char *caption)
{
	struct table *t = calloc(1, sizeof *t);
	if (!t)
		return NULL;
	if (caption && !(t->caption = dup(caption))) {
		free(t);
		return NULL;
	}
	return t;
}

void table_destroy(struct table *t)
{
	if (!t)
		return;
	for (int c = 0; c < t->n_cols; c++) {
		free((char *)t->cols[c].header);
		free((char *)t->cols[c].term);
		free((char *)t->cols[c].unit);
	}
	for (long i = 0; i < (long)t->n_rows * t->n_cols; i++)
		free(t->cells[i].s);
	free(t->cols);
	free(t->w);
	free(t->cells);
	free(t->caption);
	free(t);
}

void table_caption_at(struct table *t, int col)
{
	if (t)
		t->caption_col = col;
}

int table_status(const struct table *t) { return t ? t->status : PT_ENOMEM; }

int table_rows(const struct table *t) { return t ? t->n_rows : 0; }

int table_add_column(struct table *t, const struct table_column *col)
{
	if (!t || t->status)
		return table_status(t);
	if (t->n_rows > 0)
		return set_fail(t, PT_EINVAL);
	if (t->n_cols == t->cap_cols) {
		int cap = t->cap_cols ? 2 * t->cap_cols : 8;
		struct table_column *c = realloc(t->cols, (size_t)cap * sizeof *c);
		if (!c)
			return set_fail(t, PT_ENOMEM);
		t->cols = c;
		int *w = realloc(t->w, (size_t)cap * sizeof *w);
		if (!w)
			return set_fail(t, PT_ENOMEM);
		t->w = w;
		t->cap_cols = cap;
	}
	char *h = dup(col->header);
	char *term = col->term ? dup(col->term) : NULL;
	char *unit = col->unit ? dup(col->unit) : NULL;
	if (!h || (col->term && !term) || (col->unit && !unit)) {
		free(h);
		free(term);
		free(unit);
		return set_fail(t, PT_ENOMEM);
	}
	struct table_column c = *col;
	c.header = h;
	c.term = term;
	c.unit = unit;
	t->cols[t->n_cols++] = c;
	return PT_OK;
}

int table_add_row(struct table *t)
{
	if (!t || t->status)
		return table_status(t);
	if (t->n_cols == 0)
		return set_fail(t, PT_EINVAL);
	if (t->n_rows == t->cap_rows) {
		int cap = t->cap_rows ? 2 * t->cap_rows : 8;
		if ((size_t)cap > SIZE_MAX / sizeof(struct cell) / (size_t)t->n_cols)
			return set_fail(t, PT_ENOMEM);
		struct cell *c = realloc(t->cells, (size_t)cap * (size_t)t->n_cols * sizeof *c);
		if (!c)
			return set_fail(t, PT_ENOMEM);
		t->cells = c;
		t->cap_rows = cap;
	}
	struct cell *row = &t->cells[(size_t)t->n_rows * (size_t)t->n_cols];
	for (int c = 0; c < t->n_cols; c++)
		row[c] = (struct cell){.kind = CELL_VALUE};
	t->n_rows++;
	t->next = 0;
	return PT_OK;
}

/* The next cell of the current row, or NULL (the status set). */
static struct cell *next_cell(struct table *t)
{
	if (!t || t->status)
		return NULL;
	if (t->n_rows == 0 || t->next >= t->n_cols) {
		set_fail(t, PT_EINVAL);
		return NULL;
	}
	return &t->cells[(size_t)(t->n_rows - 1) * (size_t)t->n_cols + (size_t)t->next++];
}

static int add_string(struct table *t, enum cell_kind kind, const char *s)
{
	struct cell *c = next_cell(t);
	if (!c)
		return table_status(t);
	c->kind = kind;
	if (!(c->s = dup(s)))
		return set_fail(t, PT_ENOMEM);
	return PT_OK;
}

int table_add_text(struct table *t, const char *text) { return add_string(t, CELL_TEXT, text); }
int table_add_value(struct table *t, const char *v) { return add_string(t, CELL_VALUE, v); }
int table_add_code(struct table *t, const char *text) { return add_string(t, CELL_CODE, text); }
int table_add_strong(struct table *t, const char *text)
{
	return add_string(t, CELL_STRONG, text);
}

int table_add_markdown(struct table *t, const char *md)
{
	return add_string(t, CELL_MARKDOWN, md);
}

int table_add_valuef(struct table *t, const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	if (n < 0)
		return set_fail(t, PT_EINVAL);
	if ((size_t)n < sizeof buf)
		return add_string(t, CELL_VALUE, buf);
	char *s = malloc((size_t)n + 1); /* longer than the buffer: the exact length */
	if (!s)
		return set_fail(t, PT_ENOMEM);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	int st = add_string(t, CELL_VALUE, s);
	free(s);
	return st;
}

int table_add_estimate(struct table *t, enum table_value kind, const struct estimate *e)
{
	struct cell *c = next_cell(t);
	if (!c)
		return table_status(t);
	c->kind = CELL_ESTIMATE;
	c->value = kind;
	c->e = *e;
	return PT_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* Estimates                                                                                */

/* A duration that may be negative (a paired difference): the sign, "+" too when `plus`. */
static void signed_duration(double s, bool plus, char *buf, size_t len)
{
	char b[40];
	report_format_duration(fabs(s), b, sizeof b);
	snprintf(buf, len, "%s%s", isnan(s) || s == 0 ? "" : s < 0 ? "-" : plus ? "+" : "", b);
}

void table_format_estimate(char *buf, size_t len, enum table_value kind,
			   const struct estimate *e, bool brief)
{
	char m[48], lo[48], hi[48];
	double l = e->lo < 0 ? 0 : e->lo; /* rates, durations and numbers are >= 0 */
	switch (kind) {
	case TABLE_RATE:
		report_format_rate(e->mean, m, sizeof m);
		report_format_rate(l, lo, sizeof lo);
		report_format_rate(e->hi, hi, sizeof hi);
		break;
	case TABLE_DURATION:
		signed_duration(e->mean, false, m, sizeof m);
		signed_duration(l, false, lo, sizeof lo);
		signed_duration(e->hi, false, hi, sizeof hi);
		break;
	case TABLE_RATE_DIFF: {
		const double x[3] = {e->mean, e->lo, e->hi};
		char *o[3] = {m, lo, hi};
		for (int i = 0; i < 3; i++)
			if (isnan(x[i]))
				snprintf(o[i], sizeof m, "-");
			else if (x[i] == 0)
				snprintf(o[i], sizeof m, "0 pp");
			else
				snprintf(o[i], sizeof m, "%+.3g pp", x[i] * 100);
		break;
	}
	case TABLE_DURATION_DIFF:
		signed_duration(e->mean, true, m, sizeof m);
		signed_duration(e->lo, true, lo, sizeof lo);
		signed_duration(e->hi, true, hi, sizeof hi);
		break;
	case TABLE_NUMBER:
	default:
		report_format_number(e->mean, m, sizeof m);
		report_format_number(l, lo, sizeof lo);
		report_format_number(e->hi, hi, sizeof hi);
		break;
	}
	if (isnan(e->mean))
		snprintf(buf, len, "-");
	else if (brief || e->n < 2)
		snprintf(buf, len, "%s", m); /* one replication: no interval */
	else
		snprintf(buf, len, "%s [%s, %s]", m, lo, hi);
}

/* ---------------------------------------------------------------------------------------- */
/* Rendering                                                                                */

void table_write_text(FILE *out, enum table_format fmt, const char *s)
{
	for (; *s; s++) {
		switch (fmt) {
		case TABLE_TERMINAL:
			fputc(*s, out);
			break;
		case TABLE_MARKDOWN:
			if (*s == '\n' || *s == '\r') {
				fputc(' ', out);
				break;
			}
			if (strchr("\\`*_[]<>|#", *s))
				fputc('\\', out);
			fputc(*s, out);
			break;
		case TABLE_HTML:
			switch (*s) {
			case '&': fputs("&amp;", out); break;
			case '<': fputs("&lt;", out); break;
			case '>': fputs("&gt;", out); break;
			case '"': fputs("&quot;", out); break;
			case '\'': fputs("&#39;", out); break;
			default: fputc(*s, out);
			}
			break;
		}
	}
}

static bool shown(const struct table_column *c, enum table_format fmt)
{
	return fmt == TABLE_TERMINAL ? !(c->flags & TABLE_DOC_ONLY) : !(c->flags & TABLE_TERM_ONLY);
}

/* The text of a cell in format fmt, before escaping: its string or its formatted estimate. */
static const char *cell_text(const struct cell *c, const struct table_column *col,
			     enum table_format fmt, char *buf, size_t len)
{
	if (c->kind == CELL_MARKDOWN && fmt == TABLE_TERMINAL) { /* escapes removed */
		size_t k = 0;
		for (const char *p = c->s; *p && k + 1 < len; p++) {
			if (*p == '\\' && p[1])
				p++;
			buf[k++] = *p;
		}
		buf[k] = 0;
		return buf;
	}
	if (c->kind != CELL_ESTIMATE)
		return c->s ? c->s : "";
	table_format_estimate(buf, len, c->value, &c->e,
			      fmt == TABLE_TERMINAL && (col->flags & TABLE_BRIEF));
	return buf;
}

/* Whether column c's cells (and header) are right-aligned in fmt. */
static bool right_aligned(const struct table *t, int c, enum table_format fmt)
{
	const struct table_column *col = &t->cols[c];
	if (col->align != TABLE_AUTO)
		return col->align == TABLE_RIGHT;
	bool estimates = false;
	for (int r = 0; r < t->n_rows && !estimates; r++)
		estimates = t->cells[(size_t)r * (size_t)t->n_cols + (size_t)c].kind == CELL_ESTIMATE;
	if (!estimates)
		return false;
	/* Markdown as HTML: a renderer shows report.md's tables as report.html shows its own,
	 * and a page rebuilt from report.md (app/html.c reads the alignment row) gets the same */
	if (fmt != TABLE_TERMINAL)
		return true;
	return col->flags & TABLE_BRIEF;
}

/* Characters of UTF-8 text (continuation bytes do not count). */
static int width_of(const char *s)
{
	int n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xC0) != 0x80;
	return n;
}

/* The bytes of s's first `chars` characters. */
static size_t prefix_bytes(const char *s, int chars)
{
	size_t i = 0;
	for (int n = 0; s[i]; i++) {
		if (((unsigned char)s[i] & 0xC0) != 0x80 && n++ == chars)
			break;
	}
	return i;
}

/* One terminal cell: s aligned in w characters (cut at max); no right padding when last. */
static void term_cell(FILE *out, const char *s, int w, int max, bool right, bool last)
{
	int n = width_of(s);
	size_t bytes = strlen(s);
	if (max > 0 && n > max) {
		bytes = prefix_bytes(s, max);
		n = max;
	}
	if (right)
		fprintf(out, "%*s", w - n, "");
	fwrite(s, 1, bytes, out);
	if (!right && !last)
		fprintf(out, "%*s", w - n, "");
}

static const char *term_header(const struct table_column *c)
{
	return c->term ? c->term : c->header;
}

/* Spaces before column c in the terminal (none before the first shown). */
static int gap_before(const struct table *t, int c)
{
	for (int k = 0; k < c; k++)
		if (shown(&t->cols[k], TABLE_TERMINAL))
			return t->cols[c].gap > 0 ? t->cols[c].gap : 1;
	return 0;
}

static void render_terminal(FILE *out, struct table *t)
{
	char buf[160], prev[160];
	int *w = t->w, last = -1;
	for (int c = 0; c < t->n_cols; c++) {
		const struct table_column *col = &t->cols[c];
		w[c] = 0;
		if (!shown(col, TABLE_TERMINAL))
			continue;
		last = c;
		int x = width_of(term_header(col));
		if (col->width > x)
			x = col->width;
		for (int r = 0; r < t->n_rows; r++) {
			const char *s = cell_text(&t->cells[(size_t)r * (size_t)t->n_cols + (size_t)c],
						  col, TABLE_TERMINAL, buf, sizeof buf);
			if (width_of(s) > x)
				x = width_of(s);
		}
		if (col->max > 0 && x > col->max)
			x = col->max;
		w[c] = x;
	}
	if (t->caption) {
		int indent = 0; /* where column caption_col starts */
		for (int c = 0; c < t->caption_col && c < t->n_cols; c++)
			if (shown(&t->cols[c], TABLE_TERMINAL))
				indent += gap_before(t, c) + w[c];
		if (t->caption_col > 0 && t->caption_col < t->n_cols)
			indent += gap_before(t, t->caption_col);
		fprintf(out, "%*s%s\n", indent, "", t->caption);
	}
	for (int r = -1; r < t->n_rows; r++) {
		for (int c = 0; c < t->n_cols; c++) {
			const struct table_column *col = &t->cols[c];
			if (!shown(col, TABLE_TERMINAL))
				continue;
			fprintf(out, "%*s", gap_before(t, c), "");
			const char *s;
			if (r < 0) {
				s = term_header(col);
			} else {
				s = cell_text(&t->cells[(size_t)r * (size_t)t->n_cols + (size_t)c], col,
					      TABLE_TERMINAL, buf, sizeof buf);
				if ((col->flags & TABLE_GROUP) && r > 0) {
					const char *p = cell_text(
						&t->cells[(size_t)(r - 1) * (size_t)t->n_cols + (size_t)c],
						col, TABLE_TERMINAL, prev, sizeof prev);
					if (strcmp(p, s) == 0)
						s = "";
				}
			}
			term_cell(out, s, w[c], col->max, right_aligned(t, c, TABLE_TERMINAL),
				  c == last);
		}
			fputc('\n', out);
	}
}

static void put_raw(FILE *out, enum table_format fmt, const char *s)
{
	(void)fmt;
	fputs(s, out);
}

/* A document cell's content: escaped, with its kind's markup. */
static void doc_cell(FILE *out, enum table_format fmt, const struct cell *c,
		     const struct table_column *col)
{
	char buf[160];
	const char *s = cell_text(c, col, fmt, buf, sizeof buf);
	bool md = fmt == TABLE_MARKDOWN;
	switch (c->kind) {
	case CELL_TEXT:
		table_write_text(out, fmt, s);
		break;
	case CELL_CODE:
		if (md) {
			fputc('`', out);
			fputs(s, out);
			fputc('`', out);
		} else {
			fputs("<code>", out);
			table_write_text(out, fmt, s);
			fputs("</code>", out);
		}
		break;
	case CELL_STRONG:
		fputs(md ? "**" : "<strong>", out);
		table_write_text(out, fmt, s);
		fputs(md ? "**" : "</strong>", out);
		break;
	case CELL_MARKDOWN:
		if (md)
			fputs(s, out);
		else
			html_inline(out, s);
		break;
	case CELL_VALUE:
	case CELL_ESTIMATE:
		if (md)
			fputs(s, out);
		else
			table_write_text(out, fmt, s);
		break;
	}
}

/* A header is the program's words: escaped in HTML, as it is in Markdown (like a value). */
static void doc_header(FILE *out, enum table_format fmt, const struct table_column *col)
{
	void (*put)(FILE *, enum table_format, const char *) =
		fmt == TABLE_HTML ? table_write_text : put_raw;
	put(out, fmt, col->header);
	if (col->unit) {
		fputs(" (", out);
		put(out, fmt, col->unit);
		fputc(')', out);
	}
}

static void render_markdown(FILE *out, const struct table *t)
{
	/* The caption as Pandoc writes one: a paragraph "Table: ..." before the table (other
	 * renderers show it as a line of text; app/html.c makes it the <caption> again) */
	if (t->caption) {
		fputs(HTML_MD_CAPTION, out);
		table_write_text(out, TABLE_MARKDOWN, t->caption);
		fputs("\n\n", out);
	}
	fputc('|', out);
	for (int c = 0; c < t->n_cols; c++) {
		if (!shown(&t->cols[c], TABLE_MARKDOWN))
			continue;
		fputc(' ', out);
		doc_header(out, TABLE_MARKDOWN, &t->cols[c]);
		fputs(" |", out);
	}
	fputs("\n|", out);
	for (int c = 0; c < t->n_cols; c++)
		if (shown(&t->cols[c], TABLE_MARKDOWN))
			fputs(right_aligned(t, c, TABLE_MARKDOWN) ? "--:|" : "---|", out);
	fputc('\n', out);
	for (int r = 0; r < t->n_rows; r++) {
		fputc('|', out);
		for (int c = 0; c < t->n_cols; c++) {
			if (!shown(&t->cols[c], TABLE_MARKDOWN))
				continue;
			fputc(' ', out);
			doc_cell(out, TABLE_MARKDOWN, &t->cells[(size_t)r * (size_t)t->n_cols + (size_t)c],
				 &t->cols[c]);
			fputs(" |", out);
		}
		fputc('\n', out);
	}
}

static void render_html(FILE *out, const struct table *t)
{
	fputs("<table>\n", out);
	if (t->caption) {
		fputs("<caption>", out);
		table_write_text(out, TABLE_HTML, t->caption);
		fputs("</caption>\n", out);
	}
	fputs("<thead>\n<tr>", out);
	for (int c = 0; c < t->n_cols; c++) {
		if (!shown(&t->cols[c], TABLE_HTML))
			continue;
		fputs(right_aligned(t, c, TABLE_HTML) ? "<th class=\"num\">" : "<th>", out);
		doc_header(out, TABLE_HTML, &t->cols[c]);
		fputs("</th>", out);
	}
	fputs("</tr>\n</thead>\n<tbody>\n", out);
	for (int r = 0; r < t->n_rows; r++) {
		fputs("<tr>", out);
		for (int c = 0; c < t->n_cols; c++) {
			if (!shown(&t->cols[c], TABLE_HTML))
				continue;
			fputs(right_aligned(t, c, TABLE_HTML) ? "<td class=\"num\">" : "<td>", out);
			doc_cell(out, TABLE_HTML, &t->cells[(size_t)r * (size_t)t->n_cols + (size_t)c],
				 &t->cols[c]);
			fputs("</td>", out);
		}
		fputs("</tr>\n", out);
	}
	fputs("</tbody>\n</table>\n", out);
}

int table_render(FILE *out, struct table *t, enum table_format fmt)
{
	if (!t || t->status)
		return table_status(t);
	switch (fmt) {
	case TABLE_TERMINAL:
		render_terminal(out, t);
		break;
	case TABLE_MARKDOWN:
		render_markdown(out, t);
		break;
	case TABLE_HTML:
		render_html(out, t);
		break;
	}
	return t->status;
}
