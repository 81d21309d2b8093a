/* Observation logs (see obslog.h): a small CSV reader (header line, RFC 4180 quotes, '#'
 * comment and blank lines skipped, CRLF accepted, gzip through zlib) and the three readers on
 * top of it. Numbers are read with strtod in the C locale (the program never sets another). */
#include "app/obslog.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "sim/status.h"

#define FILE_MAX ((size_t)1 << 31) /* 2 GiB of text: far beyond any log this is meant for */
#define MAX_COLS 256
#define GOT_MAX 60

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

struct csv {
	const char *path;
	char *text;          /* the whole file, NUL-terminated; fields are cut in place */
	char *next;          /* where the next line starts, NULL at the end */
	int line;            /* the line just read (1-based) */
	char *hdr[MAX_COLS]; /* header fields */
	int nhdr;
	char *f[MAX_COLS];   /* the current row's fields */
	int nf;
	char *err;
	size_t errlen;
};

static int fail(struct csv *c, int status, const char *fmt, ...) PRINTF_LIKE(3, 4);
static int fail(struct csv *c, int status, const char *fmt, ...)
{
	va_list ap;
	if (!c->err || c->errlen == 0)
		return status;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return status;
}

/* text as a JSON-like quoted string, cut at GOT_MAX characters */
static void quote(const char *s, char *buf, size_t n)
{
	size_t k = 0;
	buf[k++] = '"';
	for (; *s && k + 6 < n && k < GOT_MAX; s++) {
		if (*s == '"' || *s == '\\')
			buf[k++] = '\\';
		buf[k++] = (unsigned char)*s < 0x20 ? '?' : *s;
	}
	if (*s && k + 5 < n) {
		memcpy(buf + k, "...", 3);
		k += 3;
	}
	buf[k++] = '"';
	buf[k] = 0;
}

static int slurp(struct csv *c)
{
	gzFile g = gzopen(c->path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *buf;

	if (!g)
		return fail(c, PT_EIO, "%s: cannot read: %s", c->path,
			    errno ? strerror(errno) : "out of memory");
	if (!(buf = malloc(cap))) {
		gzclose(g);
		return fail(c, PT_ENOMEM, "%s: out of memory", c->path);
	}
	for (;;) {
		int got;
		if (n + 1 >= cap) {
			char *grown = cap < FILE_MAX ? realloc(buf, cap * 2) : NULL;
			if (!grown) {
				free(buf);
				gzclose(g);
				return fail(c, PT_ENOMEM, "%s: too large to read", c->path);
			}
			buf = grown;
			cap *= 2;
		}
		got = gzread(g, buf + n, (unsigned)(cap - n - 1 > (1u << 30) ? (1u << 30)
									     : cap - n - 1));
		if (got < 0) {
			int zerr;
			const char *msg = gzerror(g, &zerr);
			fail(c, PT_EIO, "%s: cannot read: %s", c->path,
			     zerr == Z_ERRNO ? strerror(errno) : msg);
			free(buf);
			gzclose(g);
			return PT_EIO;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	gzclose(g);
	buf[n] = 0;
	if (strlen(buf) != n) {
		free(buf);
		return fail(c, PT_EINVAL, "%s: expected a text file, got a NUL byte", c->path);
	}
	c->text = buf;
	c->next = buf;
	if (n >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
		c->next += 3;
	return PT_OK;
}

/* Split the line s (NUL-terminated, modified) into fields: commas, RFC 4180 quotes. */
static int split(struct csv *c, char *s)
{
	c->nf = 0;
	for (;;) {
		char *out = s, *start = s;
		if (c->nf == MAX_COLS)
			return fail(c, PT_EINVAL, "%s:%d: expected at most %d fields", c->path,
				    c->line, MAX_COLS);
		if (*s == '"') {
			s++;
			for (;;) {
				if (!*s)
					return fail(c, PT_EINVAL, "%s:%d: expected a closing quote",
						    c->path, c->line);
				if (*s == '"' && s[1] == '"') {
					*out++ = '"';
					s += 2;
				} else if (*s == '"') {
					s++;
					break;
				} else {
					*out++ = *s++;
				}
			}
			if (*s && *s != ',')
				return fail(c, PT_EINVAL, "%s:%d: expected a comma after a quoted "
					    "field", c->path, c->line);
		} else {
			while (*s && *s != ',')
				s++;
			out = s;
		}
		char sep = *s;
		*out = 0;
		/* blanks around an unquoted field are not part of it */
		while (*start == ' ' || *start == '\t')
			start++;
		for (char *e = start + strlen(start); e > start && (e[-1] == ' ' || e[-1] == '\t');)
			*--e = 0;
		c->f[c->nf++] = start;
		if (!sep)
			return PT_OK;
		s++;
	}
}

/* The next data line into c->f; 1 when there is one, 0 at the end, < 0 (minus a status) on
 * error. */
static int next_row(struct csv *c)
{
	while (c->next) {
		char *s = c->next, *nl = strchr(s, '\n');
		int rc;
		c->next = nl ? nl + 1 : NULL;
		if (nl)
			*nl = 0;
		if (nl && nl > s && nl[-1] == '\r')
			nl[-1] = 0;
		c->line++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s || *s == '#')
			continue;
		if ((rc = split(c, s)))
			return -rc;
		return 1;
	}
	return 0;
}

static int open_csv(struct csv *c, const char *path, char *err, size_t errlen)
{
	int rc;
	memset(c, 0, sizeof *c);
	c->path = path;
	c->err = err;
	c->errlen = errlen;
	if (err && errlen)
		err[0] = 0;
	if ((rc = slurp(c)))
		return rc;
	rc = next_row(c);
	if (rc < 0)
		return -rc;
	if (rc == 0)
		return fail(c, PT_EINVAL, "%s: expected a header line, got an empty file", path);
	c->nhdr = c->nf;
	memcpy(c->hdr, c->f, sizeof c->f[0] * (size_t)c->nf);
	return PT_OK;
}

static int col_index(const struct csv *c, const char *name)
{
	for (int i = 0; i < c->nhdr; i++)
		if (strcmp(c->hdr[i], name) == 0)
			return i;
	return -1;
}

static int missing_column(struct csv *c, const char *name, const char *option)
{
	char cols[512] = "";
	size_t k = 0;
	for (int i = 0; i < c->nhdr && k + 4 < sizeof cols; i++)
		k += (size_t)snprintf(cols + k, sizeof cols - k, "%s%s", i ? ", " : "", c->hdr[i]);
	if (k >= sizeof cols)
		memcpy(cols + sizeof cols - 4, "...", 4);
	return fail(c, PT_EINVAL, "%s:%d: expected a column \"%s\"%s%s%s, got columns: %s",
		    c->path, 1, name, option ? " (" : "", option ? option : "", option ? ")" : "",
		    cols);
}

/* Field `col` of the current row as a finite number; 0 or PT_EINVAL with the message. */
static int number(struct csv *c, int col, const char *what, double min, double *v)
{
	char *end, q[GOT_MAX + 8];
	const char *s = col < c->nf ? c->f[col] : "";
	errno = 0;
	*v = strtod(s, &end);
	if (end != s && !*end && isfinite(*v) && *v >= min)
		return PT_OK;
	quote(s, q, sizeof q);
	return fail(c, PT_EINVAL, "%s:%d: column \"%s\": expected %s, got %s", c->path, c->line,
		    c->hdr[col], what, q);
}

static int fields_check(struct csv *c)
{
	if (c->nf != c->nhdr)
		return fail(c, PT_EINVAL, "%s:%d: expected %d fields as in the header, got %d",
			    c->path, c->line, c->nhdr, c->nf);
	return PT_OK;
}

/* ---- the observation log ------------------------------------------------------------------- */

static int grow(struct obslog *log, size_t *cap)
{
	size_t ncap = *cap ? *cap * 2 : 4096;
	double *t = realloc(log->t_s, ncap * sizeof *t);
	if (t)
		log->t_s = t;
	double *w = log->wait_s ? realloc(log->wait_s, ncap * sizeof *w) : NULL;
	if (w)
		log->wait_s = w;
	double *h = log->hold_s ? realloc(log->hold_s, ncap * sizeof *h) : NULL;
	if (h)
		log->hold_s = h;
	unsigned char *o = realloc(log->outcome, ncap);
	if (o)
		log->outcome = o;
	if (!t || (log->wait_s && !w) || (log->hold_s && !h) || !o)
		return PT_ENOMEM;
	*cap = ncap;
	return PT_OK;
}

void obslog_fini(struct obslog *log)
{
	if (!log)
		return;
	free(log->path);
	free(log->t_s);
	free(log->wait_s);
	free(log->hold_s);
	free(log->outcome);
	free(log->source);
	memset(log, 0, sizeof *log);
}

int obslog_merge(struct obslog *out, const struct obslog *logs, size_t n, char *err,
		 size_t errlen)
{
	memset(out, 0, sizeof *out);
	size_t total = 0;
	for (size_t k = 0; k < n; k++) {
		const struct obslog *l = &logs[k];
		for (int c = 0; c < 4; c++)
			if (strcmp(l->cols[c], logs[0].cols[c]) != 0 ||
			    l->have_status != logs[0].have_status) {
				snprintf(err, errlen, "%s: expected the columns of %s (time %s, wait %s, "
					 "hold %s, status %s), got time %s, wait %s, hold %s, status %s",
					 l->path, logs[0].path, logs[0].cols[0],
					 logs[0].cols[1][0] ? logs[0].cols[1] : "-",
					 logs[0].cols[2][0] ? logs[0].cols[2] : "-",
					 logs[0].cols[3][0] ? logs[0].cols[3] : "-", l->cols[0],
					 l->cols[1][0] ? l->cols[1] : "-", l->cols[2][0] ? l->cols[2] : "-",
					 l->cols[3][0] ? l->cols[3] : "-");
				return PT_EINVAL;
			}
		total += l->n;
	}
	size_t plen = strlen(logs[0].path) + 32;
	out->path = malloc(plen);
	out->t_s = malloc(total * sizeof *out->t_s);
	out->outcome = malloc(total);
	out->source = malloc(total * sizeof *out->source);
	if (logs[0].wait_s)
		out->wait_s = malloc(total * sizeof *out->wait_s);
	if (logs[0].hold_s)
		out->hold_s = malloc(total * sizeof *out->hold_s);
	size_t *at = calloc(n, sizeof *at);
	if (!out->path || !out->t_s || !out->outcome || !out->source || !at ||
	    (logs[0].wait_s && !out->wait_s) || (logs[0].hold_s && !out->hold_s)) {
		free(at);
		obslog_fini(out);
		snprintf(err, errlen, "out of memory");
		return PT_ENOMEM;
	}
	snprintf(out->path, plen, n > 1 ? "%s and %zu more" : "%s", logs[0].path, n - 1);
	/* the earliest time as written is the origin */
	out->t0_s = logs[0].t0_s;
	for (size_t k = 1; k < n; k++)
		if (logs[k].t0_s < out->t0_s)
			out->t0_s = logs[k].t0_s;
	/* an n-way merge: each step takes the earliest next row, the lowest log on a tie (each
	 * log is ascending already, so the merge is too) */
	for (size_t i = 0; i < total; i++) {
		size_t best = n;
		double bt = 0;
		for (size_t k = 0; k < n; k++) {
			if (at[k] == logs[k].n)
				continue;
			double t = logs[k].t0_s + logs[k].t_s[at[k]];
			if (best == n || t < bt) {
				best = k;
				bt = t;
			}
		}
		const struct obslog *l = &logs[best];
		size_t r = at[best]++;
		out->t_s[i] = bt - out->t0_s;
		out->outcome[i] = l->outcome[r];
		out->source[i] = (unsigned)best;
		if (out->wait_s)
			out->wait_s[i] = l->wait_s[r];
		if (out->hold_s)
			out->hold_s[i] = l->hold_s[r];
	}
	free(at);
	out->n = total;
	out->n_sources = n;
	out->have_status = logs[0].have_status;
	memcpy(out->cols, logs[0].cols, sizeof out->cols);
	return PT_OK;
}

int obslog_read(struct obslog *log, const char *path, const struct obslog_map *map, char *err,
		size_t errlen)
{
	static const struct obslog_map defaults = {"time", "wait", "hold", "status", false, false,
						   false};
	struct csv c;
	const char *names[4];
	const char *opts[4] = {"--time", "--wait", "--hold", "--status"};
	bool must[4];
	int col[4], rc;
	size_t cap = 0;
	double prev = -INFINITY;

	if (!map)
		map = &defaults;
	names[0] = map->time ? map->time : defaults.time;
	names[1] = map->wait ? map->wait : defaults.wait;
	names[2] = map->hold ? map->hold : defaults.hold;
	names[3] = map->status ? map->status : defaults.status;
	must[0] = true;
	must[1] = map->explicit_wait;
	must[2] = map->explicit_hold;
	must[3] = map->explicit_status;
	memset(log, 0, sizeof *log);
	log->n_sources = 1;
	if ((rc = open_csv(&c, path, err, errlen)))
		goto fail;
	for (int k = 0; k < 4; k++) {
		col[k] = col_index(&c, names[k]);
		if (col[k] < 0 && must[k]) {
			rc = missing_column(&c, names[k], opts[k]);
			goto fail;
		}
		snprintf(log->cols[k], sizeof log->cols[k], "%s", col[k] >= 0 ? names[k] : "");
	}
	if (!(log->path = strdup(path))) {
		rc = fail(&c, PT_ENOMEM, "%s: out of memory", path);
		goto fail;
	}
	log->have_status = col[3] >= 0;
	/* a non-NULL array marks the columns that are read: grow() only grows those */
	if ((col[1] >= 0 && !(log->wait_s = malloc(sizeof(double)))) ||
	    (col[2] >= 0 && !(log->hold_s = malloc(sizeof(double))))) {
		rc = fail(&c, PT_ENOMEM, "%s: out of memory", path);
		goto fail;
	}
	while ((rc = next_row(&c)) > 0) {
		double t, w = 0, h = NAN;
		int outcome;
		char q[GOT_MAX + 8];

		if ((rc = fields_check(&c)))
			goto fail;
		if ((rc = number(&c, col[0], "a time in seconds", -INFINITY, &t)))
			goto fail;
		if (t < prev) {
			char what[96];
			snprintf(what, sizeof what, "a time >= the previous one (%.9g): rows in order "
				 "of request time", prev);
			rc = number(&c, col[0], what, INFINITY, &t);
			goto fail;
		}
		prev = t;
		if (col[1] >= 0 && (rc = number(&c, col[1], "a number of seconds >= 0", 0, &w)))
			goto fail;
		if (col[3] >= 0) {
			const char *s = c.f[col[3]];
			outcome = strcmp(s, "ok") == 0	    ? OBSLOG_OK
				  : strcmp(s, "timeout") == 0 ? OBSLOG_TIMEOUT
				  : strcmp(s, "error") == 0   ? OBSLOG_ERROR
							      : -1;
			if (outcome < 0) {
				quote(s, q, sizeof q);
				rc = fail(&c, PT_EINVAL, "%s:%d: column \"%s\": expected ok, timeout "
					  "or error, got %s", path, c.line, names[3], q);
				goto fail;
			}
		} else {
			outcome = col[2] >= 0 && c.f[col[2]][0] == 0 ? OBSLOG_TIMEOUT : OBSLOG_OK;
		}
		if (col[2] >= 0 && outcome == OBSLOG_OK &&
		    (rc = number(&c, col[2], "a number of seconds >= 0 (the row is ok)", 0, &h)))
			goto fail;
		if (log->n == cap && grow(log, &cap)) {
			rc = fail(&c, PT_ENOMEM, "%s: out of memory", path);
			goto fail;
		}
		if (log->n == 0)
			log->t0_s = t;
		log->t_s[log->n] = t - log->t0_s;
		if (log->wait_s)
			log->wait_s[log->n] = w;
		if (log->hold_s)
			log->hold_s[log->n] = h;
		log->outcome[log->n] = (unsigned char)outcome;
		log->n++;
	}
	if (rc < 0) {
		rc = -rc;
		goto fail;
	}
	if (log->n == 0) {
		rc = fail(&c, PT_EINVAL, "%s: expected at least one row after the header, got none",
			  path);
		goto fail;
	}
	free(c.text);
	return PT_OK;
fail:
	free(c.text);
	obslog_fini(log);
	return rc;
}

int obslog_read_column(const char *path, const char *column, double **values, size_t *n,
		       char *err, size_t errlen)
{
	struct csv c;
	size_t cap = 0, k = 0;
	double *v = NULL;
	int col, rc;

	*values = NULL;
	*n = 0;
	if ((rc = open_csv(&c, path, err, errlen)))
		return rc;
	if ((col = col_index(&c, column)) < 0) {
		rc = missing_column(&c, column, NULL);
		goto fail;
	}
	while ((rc = next_row(&c)) > 0) {
		double x;
		if ((rc = fields_check(&c)))
			goto fail;
		if (!c.f[col][0])
			continue;
		if ((rc = number(&c, col, "a number of seconds >= 0", 0, &x)))
			goto fail;
		if (k == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			double *g = realloc(v, ncap * sizeof *g);
			if (!g) {
				rc = fail(&c, PT_ENOMEM, "%s: out of memory", path);
				goto fail;
			}
			v = g;
			cap = ncap;
		}
		v[k++] = x;
	}
	if (rc < 0) {
		rc = -rc;
		goto fail;
	}
	if (k == 0) {
		rc = fail(&c, PT_EINVAL, "%s: column \"%s\": expected at least one number, got none",
			  path, column);
		goto fail;
	}
	free(c.text);
	*values = v;
	*n = k;
	return PT_OK;
fail:
	free(c.text);
	free(v);
	return rc;
}

int obslog_read_pgss(const char *path, struct obslog_pgss *out, char *err, size_t errlen)
{
	struct csv c;
	int cc, cm, cs, rc;
	double calls = 0, sum = 0, sumsq = 0;

	memset(out, 0, sizeof *out);
	if ((rc = open_csv(&c, path, err, errlen)))
		return rc;
	cc = col_index(&c, "calls");
	cm = col_index(&c, "mean_exec_time");
	cs = col_index(&c, "stddev_exec_time");
	if (cm < 0 && cs < 0) { /* PostgreSQL 12 and older */
		cm = col_index(&c, "mean_time");
		cs = col_index(&c, "stddev_time");
	}
	if (cc < 0 || cm < 0 || cs < 0) {
		rc = missing_column(&c, cc < 0 ? "calls" : cm < 0 ? "mean_exec_time"
								   : "stddev_exec_time", NULL);
		goto done;
	}
	while ((rc = next_row(&c)) > 0) {
		double k, m, s;
		if ((rc = fields_check(&c)) || (rc = number(&c, cc, "a number of calls >= 0", 0, &k)) ||
		    (rc = number(&c, cm, "milliseconds >= 0", 0, &m)) ||
		    (rc = number(&c, cs, "milliseconds >= 0", 0, &s)))
			goto done;
		/* pooled: E[X] = sum k m / sum k; E[X^2] = sum k (s^2 + m^2) / sum k
		 * (pg_stat_statements' stddev is the population one over the calls) */
		calls += k;
		sum += k * m;
		sumsq += k * (s * s + m * m);
		out->statements++;
	}
	if (rc < 0) {
		rc = -rc;
		goto done;
	}
	if (!(calls > 0)) {
		rc = fail(&c, PT_EINVAL, "%s: expected at least one statement with calls > 0, got "
			  "none", path);
		goto done;
	}
	out->calls = calls;
	out->mean_s = sum / calls / 1000;
	out->sd_s = sqrt(fmax(0, sumsq / calls - (sum / calls) * (sum / calls))) / 1000;
	rc = PT_OK;
done:
	free(c.text);
	return rc;
}
