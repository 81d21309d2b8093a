/* The scenario loader's data files: arrival traces (a CSV of times, optionally with hold
 * times) and the samples of `empirical` distributions (a CSV column, inline values, or a
 * histogram). Each file is read once per scenario, relative to the scenario file, and shared
 * by every variant; a CSV error names file:line.
 *
 * Not here: which arrival process uses a trace (app/load_workload.c). */
/* realpath() is XSI: ask for it (the Makefile sets _POSIX_C_SOURCE only). */
#define _XOPEN_SOURCE 700
#include "app/load.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "app/obslog.h"

/* ---- traces ------------------------------------------------------------------------------- */

void load_free_traces(struct scenario_trace *t)
{
	while (t) {
		struct scenario_trace *next = t->next;
		free(t->path);
		free(t->t_s);
		free(t->hold_s);
		free(t->column);
		free(t);
		t = next;
	}
}

/* s without the blanks around it (s is modified: the trailing ones are cut). */
static char *trim(char *s)
{
	size_t len;

	while (*s == ' ' || *s == '\t')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

/* The whole of s is a plain decimal number (no sign), finite. */
static bool plain_number(const char *s, double *v)
{
	size_t len = units_scan_number(s, v);
	return len > 0 && s[len] == '\0' && isfinite(*v);
}

/* s looks like a number, even a malformed one ("1.2.3", "1 s", "-.5", "nan", "Inf"): a first
 * line with such a field is data (and an error when it is bad), never a header, so that a
 * broken first time is reported rather than skipped. */
static bool number_like(const char *s)
{
	s += *s == '-' || *s == '+';
	return units_is_digit(*s) || (*s == '.' && units_is_digit(s[1])) || strcasecmp(s, "nan") == 0 ||
	       strcasecmp(s, "inf") == 0 || strcasecmp(s, "infinity") == 0;
}

/* "<csv>:<line>: expected <what>, got <text as a JSON string>", at the trace's JSON path. */
static int csv_fail(struct load_ctx *c, const char *path, const char *csv, int line, const char *text,
		    const char *fmt, ...) PRINTF_LIKE(6, 7);
static int csv_fail(struct load_ctx *c, const char *path, const char *csv, int line, const char *text,
		    const char *fmt, ...)
{
	char what[MSG_LEN / 2], q[GOT_MAX + 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	load_quote(text, q, sizeof q);
	return load_fail(c, path, "%s:%d: expected %s, got %s", csv, line, what, q);
}

/* Append (t, hold) to the trace, growing its arrays. */
static int trace_push(struct scenario_trace *t, size_t *cap, double at, bool two, double hold)
{
	if (t->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 1024;
		double *nt = realloc(t->t_s, ncap * sizeof *nt);
		if (!nt)
			return PT_ENOMEM;
		t->t_s = nt;
		if (two) {
			double *nh = realloc(t->hold_s, ncap * sizeof *nh);
			if (!nh)
				return PT_ENOMEM;
			t->hold_s = nh;
		}
		*cap = ncap;
	}
	t->t_s[t->n] = at;
	if (two)
		t->hold_s[t->n] = hold;
	t->n++;
	return PT_OK;
}

/* Parse the CSV text (modified in place) into t: lines "t_s" or "t_s,hold_s", seconds as
 * plain numbers, times ascending (equal times allowed) from 0; an optional header line with
 * no number-like field; blank lines and lines starting with '#' skipped; every row with
 * the number of fields of the first (the header's, when there is one). Blanks around fields,
 * CRLF line ends and a UTF-8 byte order mark are accepted. */
static int parse_trace(struct load_ctx *c, const char *path, char *text, size_t len,
		       struct scenario_trace *t)
{
	const char *csv = t->path;
	char *end = text + len, *next;
	int line = 0, cols = 0, cols_line = 0;
	size_t cap = 0;
	double prev = 0;

	if (strlen(text) != len)
		return load_fail(c, path, "%s: expected a text file, got a NUL byte", csv);
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte order mark */
		text += 3;
	for (char *s = text; s; s = next) {
		char *nl = memchr(s, '\n', (size_t)(end - s)), *row, *f[2] = {NULL, NULL};
		int nf = 1;
		double at, hold = 0;

		next = nl ? nl + 1 : NULL;
		*(nl ? nl : end) = '\0';
		line++;
		row = trim(s);
		if (row[0] == '\0' || row[0] == '#')
			continue;
		for (const char *p = row; *p; p++)
			nf += *p == ',';
		if (nf > 2 && !cols)
			return csv_fail(c, path, csv, line, row, "1 or 2 fields (t_s or t_s,hold_s)");
		if (cols && nf != cols)
			return csv_fail(c, path, csv, line, row, "%d field%s as on line %d", cols,
					cols == 1 ? "" : "s", cols_line);
		f[0] = row;
		if (nf == 2) {
			f[1] = strchr(row, ',');
			*f[1]++ = '\0';
			f[1] = trim(f[1]);
		}
		f[0] = trim(f[0]);
		if (!cols) {
			cols = nf;
			cols_line = line;
			if (!number_like(f[0]) && !(f[1] && number_like(f[1]))) /* a header */
				continue;
		}
		if (!plain_number(f[0], &at) || at < prev)
			return csv_fail(c, path, csv, line, f[0], "a time in seconds >= %s",
					t->n ? "the previous one" : "0");
		if (nf == 2 && !plain_number(f[1], &hold))
			return csv_fail(c, path, csv, line, f[1], "a hold time in seconds >= 0");
		if (trace_push(t, &cap, at + 0.0, nf == 2, hold + 0.0))
			return load_fail_oom(c);
		prev = at;
	}
	if (t->n == 0)
		return load_fail(c, path, "%s: expected at least one arrival time, got none", csv);
	return PT_OK;
}

/* The trace `name` (relative to the scenario file's directory unless absolute), read once per
 * load and shared by every variant that names it. Errors are reported at the JSON path. */
int load_trace(struct load_ctx *c, const char *path, const char *name,
	       const struct scenario_trace **out)
{
	const char *slash = strrchr(c->file, '/');
	size_t dir = name[0] != '/' && slash ? (size_t)(slash - c->file) + 1 : 0;
	struct scenario_trace *t;
	char *text = NULL;
	size_t len;
	int rc, errnum = 0;

	if (!(t = calloc(1, sizeof *t)) || !(t->path = malloc(dir + strlen(name) + 1))) {
		free(t);
		return load_fail_oom(c);
	}
	memcpy(t->path, c->file, dir);
	memcpy(t->path + dir, name, strlen(name) + 1);
	for (const struct scenario_trace *o = c->traces; o; o = o->next) {
		if (!o->column && strcmp(o->path, t->path) == 0) {
			load_free_traces(t);
			*out = o;
			return PT_OK;
		}
	}
	if (load_read_file(t->path, &text, &len, &errnum)) {
		load_fail(c, path, "%s: cannot read: %s", t->path, strerror(errnum));
		load_free_traces(t);
		return PT_EIO;
	}
	rc = parse_trace(c, path, text, len, t);
	free(text);
	if (rc) {
		load_free_traces(t);
		return rc;
	}
	t->next = c->traces;
	c->traces = t;
	*out = t;
	return PT_OK;
}

/* ---- empirical distributions -------------------------------------------------------------- */

/* res[key] = ["x0s", "x1s", ...]: durations as load_put_dur writes them (read back bit for bit). */
static void put_durations(struct load_ctx *c, cJSON *res, const char *key, const double *x, size_t n)
{
	cJSON *a = load_put_arr(c, res, key);
	for (size_t i = 0; a && i < n; i++) {
		char b[NUM_LEN + 1];
		cJSON *e;
		units_format_number(b, sizeof b - 1, x[i]);
		load_append(b, sizeof b, "s");
		if (!(e = cJSON_CreateString(b)) || !cJSON_AddItemToArray(a, e)) {
			cJSON_Delete(e);
			c->oom = true;
		}
	}
}

/* A new node of the data list for inline data (never shared), taking over the arrays. */
static int keep_inline(struct load_ctx *c, double *a, double *b, size_t n)
{
	struct scenario_trace *t = calloc(1, sizeof *t);
	if (!t || !(t->path = strdup("")) || !(t->column = strdup(""))) {
		if (t)
			free(t->path);
		free(t);
		free(a);
		free(b);
		return load_fail_oom(c);
	}
	t->n = n;
	t->t_s = a;
	t->hold_s = b;
	t->next = c->traces;
	c->traces = t;
	return PT_OK;
}

/* An array of durations at path (at least `min` of them) into a new array *out. */
static int get_durations(struct load_ctx *c, const cJSON *v, const char *path, int min, double **out,
			 size_t *n)
{
	int k = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0, i = 0;
	double *a;

	if (!cJSON_IsArray(v) || k < min)
		return load_expected(c, path, v, "an array of at least %d duration%s such as \"12ms\"", min,
				     min == 1 ? "" : "s");
	if (!(a = malloc((size_t)k * sizeof *a)))
		return load_fail_oom(c);
	for (const cJSON *e = v->child; e; e = e->next, i++) {
		if (load_to_duration(e, &a[i]) != PT_OK) {
			char p[PATH_LEN];
			load_element(p, sizeof p, path, i);
			free(a);
			return load_expected(c, p, e, DURATION_WHAT);
		}
		a[i] += 0.0;
	}
	*out = a;
	*n = (size_t)k;
	return PT_OK;
}

/* {"dist": "empirical", ...} with exactly one of "file" (+ "column", default "hold"),
 * "values" or "histogram" ({"edges": [...], "counts": [...]}). */
int load_get_empirical(struct load_ctx *c, const cJSON *v, const char *path, struct dist *d,
		       cJSON *res, const char *key)
{
	const cJSON *file = load_member(v, "file"), *column = load_member(v, "column");
	const cJSON *values = load_member(v, "values"), *hist = load_member(v, "histogram");
	char p[PATH_LEN];
	cJSON *o;
	int rc;

	if ((file != NULL) + (values != NULL) + (hist != NULL) != 1)
		return load_expected(c, path, v, "an empirical distribution given by one of \"file\" "
				     "(with \"column\"), \"values\" or \"histogram\"");
	if (column && !file) {
		load_join(p, sizeof p, path, "column");
		return load_fail(c, p, "only with \"file\"");
	}
	if (file) {
		const char *col = "hold", *slash = strrchr(c->file, '/');
		struct scenario_trace *t;
		char err[MSG_LEN / 2];
		size_t dir;

		load_join(p, sizeof p, path, "file");
		if (!cJSON_IsString(file) || !file->valuestring[0])
			return load_expected(c, p, file, "the path of a CSV file (relative to the scenario "
					     "file, may be gzip-compressed)");
		if (column) {
			char cp[PATH_LEN];
			load_join(cp, sizeof cp, path, "column");
			if (!cJSON_IsString(column) || !column->valuestring[0])
				return load_expected(c, cp, column, "the name of a column of the file");
			col = column->valuestring;
		}
		dir = file->valuestring[0] != '/' && slash ? (size_t)(slash - c->file) + 1 : 0;
		if (!(t = calloc(1, sizeof *t)) || !(t->column = strdup(col)) ||
		    !(t->path = malloc(dir + strlen(file->valuestring) + 1))) {
			if (t)
				free(t->column);
			free(t);
			return load_fail_oom(c);
		}
		memcpy(t->path, c->file, dir);
		memcpy(t->path + dir, file->valuestring, strlen(file->valuestring) + 1);
		const struct scenario_trace *found = NULL;
		for (const struct scenario_trace *q = c->traces; q && !found; q = q->next)
			if (q->column && q->column[0] && strcmp(q->path, t->path) == 0 &&
			    strcmp(q->column, col) == 0)
				found = q;
		if (found) {
			load_free_traces(t);
			t = (struct scenario_trace *)found;
		} else {
			rc = obslog_read_column(t->path, col, &t->t_s, &t->n, err, sizeof err);
			if (rc) {
				load_free_traces(t);
				load_fail(c, p, "%s", err);
				return rc;
			}
			t->next = c->traces;
			c->traces = t;
		}
		if (dist_empirical_sample(d, t->t_s, t->n) != PT_OK)
			return load_expected(c, path, v, "an empirical distribution of finite values >= 0");
		o = load_put_obj(c, res, key);
		load_put_str(c, o, "dist", "empirical");
		/* absolute, as for traces: a manifest must find the file from anywhere */
		char *abs = realpath(t->path, NULL);
		load_put_str(c, o, "file", abs ? abs : t->path);
		free(abs);
		load_put_str(c, o, "column", col);
		return PT_OK;
	}
	if (values) {
		double *x;
		size_t n;
		load_join(p, sizeof p, path, "values");
		if ((rc = get_durations(c, values, p, 1, &x, &n)))
			return rc;
		if ((rc = keep_inline(c, x, NULL, n)))
			return rc;
		dist_empirical_sample(d, x, n);
		o = load_put_obj(c, res, key);
		load_put_str(c, o, "dist", "empirical");
		put_durations(c, o, "values", x, n);
		return PT_OK;
	}
	/* a histogram: edges (durations, ascending) and counts, one fewer */
	const cJSON *edges, *counts;
	double *e = NULL, *cum = NULL;
	size_t ne;
	load_join(p, sizeof p, path, "histogram");
	if (!cJSON_IsObject(hist))
		return load_expected(c, p, hist, "an object {\"edges\": [...], \"counts\": [...]}");
	if ((rc = load_check_keys(c, hist, p, load_histogram_keys)) || (rc = load_require(c, hist, p, "edges")) ||
	    (rc = load_require(c, hist, p, "counts")))
		return rc;
	edges = load_member(hist, "edges");
	counts = load_member(hist, "counts");
	{
		char ep[PATH_LEN];
		load_join(ep, sizeof ep, p, "edges");
		if ((rc = get_durations(c, edges, ep, 2, &e, &ne)))
			return rc;
		for (size_t i = 1; i < ne; i++) {
			if (!(e[i] > e[i - 1])) {
				char q[PATH_LEN];
				load_element(q, sizeof q, ep, (int)i);
				free(e);
				return load_fail(c, q, "expected edges in strictly ascending order");
			}
		}
	}
	{
		char cp[PATH_LEN];
		double total = 0;
		int i = 0;
		load_join(cp, sizeof cp, p, "counts");
		if (!cJSON_IsArray(counts) || (size_t)cJSON_GetArraySize(counts) != ne - 1) {
			free(e);
			return load_expected(c, cp, counts, "an array of %zu counts (one per bin between "
					     "the edges)", ne - 1);
		}
		if (!(cum = malloc((ne - 1) * sizeof *cum))) {
			free(e);
			return load_fail_oom(c);
		}
		for (const cJSON *k = counts->child; k; k = k->next, i++) {
			if (!cJSON_IsNumber(k) || !(k->valuedouble >= 0) || !isfinite(k->valuedouble)) {
				char q[PATH_LEN];
				load_element(q, sizeof q, cp, i);
				free(e);
				free(cum);
				return load_expected(c, q, k, "a count >= 0");
			}
			total += k->valuedouble;
			cum[i] = total;
		}
		if (!(total > 0)) {
			free(e);
			free(cum);
			return load_expected(c, cp, counts, "counts with a total > 0");
		}
	}
	if ((rc = keep_inline(c, e, cum, ne - 1)))
		return rc;
	if (dist_empirical_histogram(d, e, cum, ne - 1) != PT_OK)
		return load_expected(c, p, hist, "a histogram of finite edges >= 0");
	o = load_put_obj(c, res, key);
	load_put_str(c, o, "dist", "empirical");
	o = load_put_obj(c, o, "histogram");
	put_durations(c, o, "edges", e, ne);
	{
		cJSON *cc = load_copy_exact(counts);
		if (o && (!cc || !cJSON_AddItemToObject(o, "counts", cc))) {
			cJSON_Delete(cc);
			c->oom = true;
		}
	}
	return PT_OK;
}
