/* Plots of a result folder (see plot.h).
 *
 * The flow of plot_dir: read and check the CSV files into plain arrays (a strict RFC 4180
 * reader: every record has the header's number of fields, quotes only around whole fields,
 * numbers parsed completely; an error names file:line); write each plot's `.dat` and `.gp`;
 * then, if gnuplot is on PATH, run each script in the folder and check that the images exist.
 *
 * The scripts draw both images in one `do for [ext in 'png svg']` loop, so a hand edit of a
 * script changes both. They use gnuplot's `noenhanced` text mode, because variant, workload
 * and pool names are the user's (an underscore would otherwise become a subscript), and every
 * such name is written as a single-quoted gnuplot string, in which only '' is special (no
 * backslash escapes, no macro or backquote substitution); control characters become spaces.
 * Names never go into the .dat files except inside comments, so gnuplot's data reader never
 * sees them.
 *
 * Colours follow the variant (Okabe-Ito palette, without its yellow) in the CDF and the
 * backlog plot, dash types the workload (the pool in the backlog plot), so one variant looks
 * the same in both. */
#include "app/plot.h"

#include <errno.h>
#include <fcntl.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include "sim/status.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* Panels of pool_timeline per image: beyond four, 1000 x 600 panels become unreadable. */
#define PANELS_PER_PAGE 4
/* The largest CSV file plot_dir reads: a run's files are a few MiB at most (timeline.csv
 * holds 2001 instants per variant and pool); this stops /dev/zero and its like. */
#define CSV_MAX ((size_t)256 << 20)
/* How long one gnuplot script may run before it is killed, seconds; the environment variable
 * POOLTIDE_GNUPLOT_TIMEOUT overrides it (a positive number of seconds). */
#define GNUPLOT_TIMEOUT_S 120.0

/* The error or warning being built; msg may be NULL (len 0). */
struct err {
	char *msg;
	size_t len;
};

static int fail(struct err *e, int status, const char *fmt, ...) PRINTF_LIKE(3, 4);
static int fail(struct err *e, int status, const char *fmt, ...)
{
	if (e->msg && e->len > 0) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(e->msg, e->len, fmt, ap);
		va_end(ap);
	}
	return status;
}

static int fail_oom(struct err *e)
{
	return fail(e, PT_ENOMEM, "out of memory");
}

/* Room for `need` elements of `size` bytes in p (capacity *cap): p itself or a larger block,
 * NULL when out of memory (p is then untouched). */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	if (n > SIZE_MAX / size)
		return NULL;
	void *q = realloc(p, n * size);
	if (q)
		*cap = n;
	return q;
}

/* "dir/name" in a new string, NULL when out of memory. */
static char *join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl > 0 && dir[dl - 1] != '/';
	char *p = malloc(dl + slash + nl + 1);
	if (!p)
		return NULL;
	memcpy(p, dir, dl);
	if (slash)
		p[dl] = '/';
	memcpy(p + dl + slash, name, nl + 1);
	return p;
}

/* ---------------------------------------------------------------- strict CSV reader */

struct csv {
	char *path;   /* dir/name, for messages */
	char *buf;    /* the file; fields are decoded in place */
	char **f;     /* fields, record by record; record 0 is the header */
	size_t nf, fcap;
	size_t *line; /* line on which each record starts */
	size_t nrec, lcap;
	size_t ncol;
};

static void csv_fini(struct csv *c)
{
	free(c->path);
	free(c->buf);
	free(c->f);
	free(c->line);
	memset(c, 0, sizeof *c);
}

static size_t csv_rows(const struct csv *c)
{
	return c->nrec ? c->nrec - 1 : 0;
}

static const char *cell(const struct csv *c, size_t row, int col)
{
	return c->f[(row + 1) * c->ncol + (size_t)col];
}

static size_t row_line(const struct csv *c, size_t row)
{
	return c->line[row + 1];
}

static int col_of(const struct csv *c, const char *name)
{
	for (size_t i = 0; i < c->ncol; i++)
		if (strcmp(c->f[i], name) == 0)
			return (int)i;
	return -1;
}

/* Read the whole file into c->buf (one spare byte for the last field's terminator). */
static int slurp(struct csv *c, size_t *len, struct err *e)
{
	/* O_NONBLOCK: opening a FIFO must not wait for a writer; only regular files are read. */
	int fd = open(c->path, O_RDONLY | O_NONBLOCK);
	if (fd < 0)
		return fail(e, PT_EIO, "%s: cannot open: %s", c->path, strerror(errno));
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(fd);
		return fail(e, PT_EIO, "%s: not a regular file", c->path);
	}
	if ((size_t)sb.st_size > CSV_MAX) {
		close(fd);
		return fail(e, PT_EIO, "%s: larger than %zu MiB: not a pooltide result file",
			    c->path, CSV_MAX >> 20);
	}
	int flags = fcntl(fd, F_GETFL);
	FILE *f = flags < 0 || fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 ? NULL : fdopen(fd, "rb");
	if (!f) {
		close(fd);
		return fail(e, PT_EIO, "%s: cannot open: %s", c->path, strerror(errno));
	}
	size_t n = 0, cap = 0;
	char *buf = NULL;
	for (;;) {
		if (n > CSV_MAX) { /* grew while being read */
			free(buf);
			fclose(f);
			return fail(e, PT_EIO, "%s: larger than %zu MiB: not a pooltide result file",
				    c->path, CSV_MAX >> 20);
		}
		char *b = grow(buf, &cap, n + 65536, 1);
		if (!b) {
			free(buf);
			fclose(f);
			return fail_oom(e);
		}
		buf = b;
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0)
			break;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		return fail(e, PT_EIO, "%s: cannot read", c->path);
	}
	c->buf = buf;
	*len = n;
	return 0;
}

static int push_field(struct csv *c, char *s)
{
	char **f = grow(c->f, &c->fcap, c->nf + 1, sizeof *c->f);
	if (!f)
		return PT_ENOMEM;
	c->f = f;
	c->f[c->nf++] = s;
	return 0;
}

static int push_record(struct csv *c, size_t line)
{
	size_t *l = grow(c->line, &c->lcap, c->nrec + 1, sizeof *c->line);
	if (!l)
		return PT_ENOMEM;
	c->line = l;
	c->line[c->nrec++] = line;
	return 0;
}

/* RFC 4180, strictly: LF or CRLF line ends, a final line end optional, no blank lines. Fields
 * are decoded in place: the write position never passes the read position, because every
 * decoded byte consumes at least one byte and each terminator replaces a delimiter (or the
 * spare byte at the end). */
static int csv_parse(struct csv *c, size_t len, struct err *e)
{
	char *r = c->buf, *end = c->buf + len;
	size_t line = 1;
	while (r < end) {
		size_t rec_line = line, nf = 0;
		if (push_record(c, rec_line))
			return fail_oom(e);
		for (;;) {
			char *start = r, *w = r;
			if (r < end && *r == '"') {
				size_t qline = line;
				r++;
				for (;;) {
					if (r == end)
						return fail(e, PT_EINVAL, "%s:%zu: unterminated quoted field",
							    c->path, qline);
					if (*r == '"') {
						if (r + 1 < end && r[1] == '"') {
							*w++ = '"';
							r += 2;
							continue;
						}
						r++;
						break;
					}
					if (*r == '\0')
						return fail(e, PT_EINVAL, "%s:%zu: NUL byte", c->path, line);
					if (*r == '\n')
						line++;
					*w++ = *r++;
				}
				if (r < end && *r != ',' && *r != '\n' && *r != '\r')
					return fail(e, PT_EINVAL,
						    "%s:%zu: unexpected character after a closing quote",
						    c->path, line);
			} else {
				while (r < end && *r != ',' && *r != '\n' && *r != '\r') {
					if (*r == '"')
						return fail(e, PT_EINVAL,
							    "%s:%zu: quote inside an unquoted field", c->path,
							    line);
					if (*r == '\0')
						return fail(e, PT_EINVAL, "%s:%zu: NUL byte", c->path, line);
					*w++ = *r++;
				}
			}
			bool more = false;
			size_t adv = 0;
			if (r < end) {
				if (*r == ',') {
					more = true;
					adv = 1;
				} else if (*r == '\n') {
					adv = 1;
				} else if (r + 1 < end && r[1] == '\n') {
					adv = 2; /* CRLF */
				} else {
					return fail(e, PT_EINVAL, "%s:%zu: carriage return without line feed",
						    c->path, line);
				}
			}
			*w = '\0'; /* w <= r: the delimiter at r was read above */
			r += adv;
			if (push_field(c, start))
				return fail_oom(e);
			nf++;
			if (!more) {
				if (adv)
					line++;
				break;
			}
		}
		if (c->nrec == 1)
			c->ncol = nf;
		else if (nf != c->ncol)
			return fail(e, PT_EINVAL, "%s:%zu: expected %zu fields as in the header, got %zu",
				    c->path, rec_line, c->ncol, nf);
	}
	if (c->nrec == 0)
		return fail(e, PT_EINVAL, "%s:1: empty file, expected a header line", c->path);
	return 0;
}

/* Load dir/name and check that its header has every column of `required` (a NULL-terminated
 * list, also the header shown in the message) and no column twice; at least one data row.
 * When `optional` and the file does not exist, returns 0 with *present false. */
static int csv_load(struct csv *c, const char *dir, const char *name,
		    const char *const *required, bool optional, bool *present, struct err *e)
{
	memset(c, 0, sizeof *c);
	if (present)
		*present = false;
	c->path = join(dir, name);
	if (!c->path)
		return fail_oom(e);
	if (optional && access(c->path, F_OK) != 0 && errno == ENOENT)
		return 0;
	size_t len = 0;
	int rc = slurp(c, &len, e);
	if (rc)
		return rc;
	rc = csv_parse(c, len, e);
	if (rc)
		return rc;
	for (size_t i = 0; i < c->ncol; i++)
		for (size_t j = 0; j < i; j++)
			if (strcmp(c->f[i], c->f[j]) == 0)
				return fail(e, PT_EINVAL, "%s:1: column \"%s\" appears twice", c->path,
					    c->f[i]);
	for (size_t i = 0; required[i]; i++) {
		if (col_of(c, required[i]) >= 0)
			continue;
		char want[256] = "";
		size_t n = 0;
		for (size_t j = 0; required[j] && n < sizeof want; j++)
			n += (size_t)snprintf(want + n, sizeof want - n, "%s%s", j ? "," : "",
					      required[j]);
		return fail(e, PT_EINVAL, "%s:1: missing column \"%s\" (expected the header %s)",
			    c->path, required[i], want);
	}
	if (csv_rows(c) == 0)
		return fail(e, PT_EINVAL, "%s:2: no data rows", c->path);
	if (present)
		*present = true;
	return 0;
}

enum { NUM_EMPTY = 1 /* empty field = NaN */, NUM_INF = 2 /* "inf" accepted */ };

/* The number in (row, column `name`), parsed completely; >= lo unless lo is NaN. */
static int num(const struct csv *c, size_t row, const char *name, unsigned flags, double lo,
	       double *v, struct err *e)
{
	int col = col_of(c, name);
	const char *s = cell(c, row, col);
	if (*s == '\0') {
		if (flags & NUM_EMPTY) {
			*v = NAN;
			return 0;
		}
		return fail(e, PT_EINVAL, "%s:%zu: %s: expected a number, got an empty field",
			    c->path, row_line(c, row), name);
	}
	char *end;
	errno = 0;
	double x = strtod(s, &end);
	bool ok = end != s && *end == '\0' && !(*s == ' ' || *s == '\t') && !isnan(x) &&
		  (isfinite(x) || (flags & NUM_INF));
	if (ok && !isnan(lo) && !(x >= lo))
		return fail(e, PT_EINVAL, "%s:%zu: %s: expected a number >= %g, got \"%.40s\"",
			    c->path, row_line(c, row), name, lo, s);
	if (!ok)
		return fail(e, PT_EINVAL, "%s:%zu: %s: expected a number, got \"%.40s\"", c->path,
			    row_line(c, row), name, s);
	*v = x;
	return 0;
}

/* ---------------------------------------------------------------- the input, checked */

/* Distinct names in order of first appearance; the strings belong to the CSV buffers. */
struct names {
	const char **v;
	size_t n, cap;
};

static long names_find(const struct names *ns, const char *s)
{
	for (size_t i = 0; i < ns->n; i++)
		if (strcmp(ns->v[i], s) == 0)
			return (long)i;
	return -1;
}

/* Index of s, appended when new; -1 when out of memory. */
static long names_add(struct names *ns, const char *s)
{
	long i = names_find(ns, s);
	if (i >= 0)
		return i;
	const char **v = grow(ns->v, &ns->cap, ns->n + 1, sizeof *ns->v);
	if (!v)
		return -1;
	ns->v = v;
	ns->v[ns->n] = s;
	return (long)ns->n++;
}

struct pt {
	double x, y;
};

/* One (variant, workload, kind) of waits.csv; only "served" ones are drawn. */
struct wseries {
	size_t var, wl;
	bool served;
	double p0;      /* P(wait = 0), NaN when unknown */
	double last_cdf;
	struct pt *p;   /* the curve: (lo of the smallest positive bin, p0), (hi, cdf)... */
	size_t n, cap;
};

struct rate {
	size_t var, wl;
	double mean, lo, hi; /* fractions; lo, hi NaN when no CI */
};

struct trow {
	double t, co, ov, w, batch, backlog;
};

/* One (variant, pool) of timeline.csv. */
struct tseries {
	size_t var, pool;
	struct trow *r;
	size_t n, cap;
	double max_co, max_ov, min_ov, max_w, max_backlog;
	bool any_batch;
};

struct poolinfo {
	size_t var;
	const char *pool;
	double size, max_overflow, cap, timeout; /* cap < 0: unlimited; timeout NaN: unknown */
};

struct input {
	struct csv summary, waits, timeline, pools;
	bool have_pools, have_batch, have_backlog;
	struct names var, wl, pool;
	struct wseries *ws;
	size_t nws, wscap;
	struct rate *rt;
	size_t nrt, rtcap;
	struct tseries *ts;
	size_t nts, tscap;
	struct poolinfo *pi;
	size_t npi, picap;
};

static void input_fini(struct input *in)
{
	for (size_t i = 0; i < in->nws; i++)
		free(in->ws[i].p);
	for (size_t i = 0; i < in->nts; i++)
		free(in->ts[i].r);
	free(in->ws);
	free(in->rt);
	free(in->ts);
	free(in->pi);
	free(in->var.v);
	free(in->wl.v);
	free(in->pool.v);
	csv_fini(&in->summary);
	csv_fini(&in->waits);
	csv_fini(&in->timeline);
	csv_fini(&in->pools);
}

static int load_summary(struct input *in, const char *dir, struct err *e)
{
	static const char *const cols[] = {"variant", "workload", "metric", "mean", "ci_low",
					   "ci_high", "unit", NULL};
	struct csv *c = &in->summary;
	int rc = csv_load(c, dir, "summary.csv", cols, false, NULL, e);
	if (rc)
		return rc;
	int cv = col_of(c, "variant"), cw = col_of(c, "workload"), cm = col_of(c, "metric"),
	    cu = col_of(c, "unit");
	for (size_t r = 0; r < csv_rows(c); r++) {
		long v = names_add(&in->var, cell(c, r, cv));
		if (v < 0)
			return fail_oom(e);
		const char *wl = cell(c, r, cw);
		if (strncmp(wl, "pool/", 5) == 0 || strcmp(cell(c, r, cm), "timeout_rate") != 0)
			continue;
		if (strcmp(cell(c, r, cu), "1") != 0)
			return fail(e, PT_EINVAL, "%s:%zu: unit: expected \"1\" for timeout_rate, got \"%.40s\"",
				    c->path, row_line(c, r), cell(c, r, cu));
		long w = names_add(&in->wl, wl);
		if (w < 0)
			return fail_oom(e);
		for (size_t i = 0; i < in->nrt; i++)
			if (in->rt[i].var == (size_t)v && in->rt[i].wl == (size_t)w)
				return fail(e, PT_EINVAL, "%s:%zu: a second timeout_rate row for this variant and workload",
					    c->path, row_line(c, r));
		struct rate x = {.var = (size_t)v, .wl = (size_t)w};
		if ((rc = num(c, r, "mean", NUM_EMPTY, 0, &x.mean, e)) ||
		    (rc = num(c, r, "ci_low", NUM_EMPTY, NAN, &x.lo, e)) ||
		    (rc = num(c, r, "ci_high", NUM_EMPTY, NAN, &x.hi, e)))
			return rc;
		if (x.mean > 1)
			return fail(e, PT_EINVAL, "%s:%zu: mean: expected a timeout rate in [0, 1], got \"%.40s\"",
				    c->path, row_line(c, r), cell(c, r, col_of(c, "mean")));
		struct rate *rt = grow(in->rt, &in->rtcap, in->nrt + 1, sizeof *rt);
		if (!rt)
			return fail_oom(e);
		in->rt = rt;
		in->rt[in->nrt++] = x;
	}
	if (in->nrt == 0)
		return fail(e, PT_EINVAL, "%s: no timeout_rate rows", c->path);
	return 0;
}

static int push_pt(struct wseries *s, double x, double y)
{
	struct pt *p = grow(s->p, &s->cap, s->n + 1, sizeof *p);
	if (!p)
		return PT_ENOMEM;
	s->p = p;
	s->p[s->n++] = (struct pt){x, y};
	return 0;
}

static int load_waits(struct input *in, const char *dir, struct err *e)
{
	static const char *const cols[] = {"variant", "workload", "kind", "lo_s", "hi_s", "count",
					   "cdf", NULL};
	struct csv *c = &in->waits;
	int rc = csv_load(c, dir, "waits.csv", cols, false, NULL, e);
	if (rc)
		return rc;
	int cv = col_of(c, "variant"), cw = col_of(c, "workload"), ck = col_of(c, "kind");
	struct wseries *s = NULL;
	for (size_t r = 0; r < csv_rows(c); r++) {
		size_t line = row_line(c, r);
		const char *kind = cell(c, r, ck);
		bool served = strcmp(kind, "served") == 0;
		if (!served && strcmp(kind, "all") != 0)
			return fail(e, PT_EINVAL, "%s:%zu: kind: expected \"served\" or \"all\", got \"%.40s\"",
				    c->path, line, kind);
		long v = names_add(&in->var, cell(c, r, cv)), w = names_add(&in->wl, cell(c, r, cw));
		if (v < 0 || w < 0)
			return fail_oom(e);
		/* Rows of one series normally follow each other: look at the last one first. */
		if (!s || s->var != (size_t)v || s->wl != (size_t)w || s->served != served) {
			s = NULL;
			for (size_t i = 0; i < in->nws && !s; i++)
				if (in->ws[i].var == (size_t)v && in->ws[i].wl == (size_t)w &&
				    in->ws[i].served == served)
					s = &in->ws[i];
		}
		double lo, hi, count, cdf;
		if ((rc = num(c, r, "lo_s", 0, 0, &lo, e)) ||
		    (rc = num(c, r, "hi_s", NUM_EMPTY | NUM_INF, 0, &hi, e)) ||
		    (rc = num(c, r, "count", 0, 0, &count, e)) ||
		    (rc = num(c, r, "cdf", NUM_EMPTY, 0, &cdf, e)))
			return rc;
		if (cdf > 1 + 1e-9)
			return fail(e, PT_EINVAL, "%s:%zu: cdf: expected a number in [0, 1], got \"%.40s\"",
				    c->path, line, cell(c, r, col_of(c, "cdf")));
		if (hi < lo)
			return fail(e, PT_EINVAL, "%s:%zu: hi_s is below lo_s", c->path, line);
		bool zero = lo == 0 && hi == 0;
		if (!s) {
			if (!zero)
				return fail(e, PT_EINVAL,
					    "%s:%zu: the first row of variant \"%.60s\", workload \"%.60s\", kind %s must be the zero-wait row (lo_s = hi_s = 0)",
					    c->path, line, cell(c, r, cv), cell(c, r, cw), kind);
			struct wseries *ws = grow(in->ws, &in->wscap, in->nws + 1, sizeof *ws);
			if (!ws)
				return fail_oom(e);
			in->ws = ws;
			s = &in->ws[in->nws++];
			*s = (struct wseries){.var = (size_t)v, .wl = (size_t)w, .served = served,
					      .p0 = cdf, .last_cdf = cdf};
			continue;
		}
		if (zero)
			return fail(e, PT_EINVAL, "%s:%zu: a second zero-wait row (lo_s = hi_s = 0) for this variant, workload and kind",
				    c->path, line);
		if (!isnan(cdf)) {
			if (!isnan(s->last_cdf) && cdf < s->last_cdf - 1e-9)
				return fail(e, PT_EINVAL, "%s:%zu: cdf: decreases (%.9g after %.9g)",
					    c->path, line, cdf, s->last_cdf);
			s->last_cdf = cdf;
		}
		if (!served)
			continue;
		/* Zero waits cannot sit on a log axis: the curve starts at the smallest
		 * positive bin's lower edge at height P(wait = 0). The overflow bin (hi_s
		 * infinite or empty) has no upper edge to draw. */
		if (s->n == 0 && lo > 0 && !isnan(s->p0) && push_pt(s, lo, s->p0))
			return fail_oom(e);
		if (isfinite(hi) && hi > 0 && !isnan(cdf) && push_pt(s, hi, cdf))
			return fail_oom(e);
	}
	return 0;
}

static int load_timeline(struct input *in, const char *dir, struct err *e)
{
	static const char *const cols[] = {"variant", "t_s", "pool", "checked_out", "overflow",
					   "waiters", NULL};
	struct csv *c = &in->timeline;
	int rc = csv_load(c, dir, "timeline.csv", cols, false, NULL, e);
	if (rc)
		return rc;
	in->have_batch = col_of(c, "batch_active") >= 0;
	in->have_backlog = col_of(c, "backlog") >= 0;
	int cv = col_of(c, "variant"), cp = col_of(c, "pool");
	struct tseries *s = NULL;
	for (size_t r = 0; r < csv_rows(c); r++) {
		long v = names_add(&in->var, cell(c, r, cv)), p = names_add(&in->pool, cell(c, r, cp));
		if (v < 0 || p < 0)
			return fail_oom(e);
		if (!s || s->var != (size_t)v || s->pool != (size_t)p) {
			s = NULL;
			for (size_t i = 0; i < in->nts && !s; i++)
				if (in->ts[i].var == (size_t)v && in->ts[i].pool == (size_t)p)
					s = &in->ts[i];
			if (!s) {
				struct tseries *ts = grow(in->ts, &in->tscap, in->nts + 1, sizeof *ts);
				if (!ts)
					return fail_oom(e);
				in->ts = ts;
				s = &in->ts[in->nts++];
				*s = (struct tseries){.var = (size_t)v, .pool = (size_t)p};
			}
		}
		struct trow x = {.batch = NAN, .backlog = NAN};
		if ((rc = num(c, r, "t_s", 0, 0, &x.t, e)) ||
		    (rc = num(c, r, "checked_out", 0, 0, &x.co, e)) ||
		    (rc = num(c, r, "overflow", 0, NAN, &x.ov, e)) ||
		    (rc = num(c, r, "waiters", 0, 0, &x.w, e)) ||
		    (in->have_batch && (rc = num(c, r, "batch_active", NUM_EMPTY, 0, &x.batch, e))) ||
		    (in->have_backlog && (rc = num(c, r, "backlog", NUM_EMPTY, 0, &x.backlog, e))))
			return rc;
		if (s->n > 0 && x.t < s->r[s->n - 1].t)
			return fail(e, PT_EINVAL, "%s:%zu: t_s: goes back in time (%.9g after %.9g)",
				    c->path, row_line(c, r), x.t, s->r[s->n - 1].t);
		struct trow *tr = grow(s->r, &s->cap, s->n + 1, sizeof *tr);
		if (!tr)
			return fail_oom(e);
		s->r = tr;
		if (s->n == 0 || x.co > s->max_co)
			s->max_co = x.co;
		if (s->n == 0 || x.ov > s->max_ov)
			s->max_ov = x.ov;
		if (s->n == 0 || x.ov < s->min_ov)
			s->min_ov = x.ov;
		if (s->n == 0 || x.w > s->max_w)
			s->max_w = x.w;
		if (x.backlog > s->max_backlog)
			s->max_backlog = x.backlog;
		s->any_batch |= x.batch > 0;
		s->r[s->n++] = x;
	}
	return 0;
}

static int load_pools(struct input *in, const char *dir, struct err *e)
{
	static const char *const cols[] = {"variant", "pool", "size", "max_overflow", "cap",
					   "timeout_s", NULL};
	struct csv *c = &in->pools;
	int rc = csv_load(c, dir, "pools.csv", cols, true, &in->have_pools, e);
	if (rc || !in->have_pools)
		return rc;
	int cv = col_of(c, "variant"), cp = col_of(c, "pool");
	for (size_t r = 0; r < csv_rows(c); r++) {
		/* A variant only pools.csv knows has nothing to draw: skip it. */
		long v = names_find(&in->var, cell(c, r, cv));
		struct poolinfo x = {.pool = cell(c, r, cp)};
		if ((rc = num(c, r, "size", 0, 0, &x.size, e)) ||
		    (rc = num(c, r, "max_overflow", 0, -1, &x.max_overflow, e)) ||
		    (rc = num(c, r, "cap", 0, -1, &x.cap, e)) ||
		    (rc = num(c, r, "timeout_s", NUM_EMPTY, 0, &x.timeout, e)))
			return rc;
		if (v < 0)
			continue;
		x.var = (size_t)v;
		for (size_t i = 0; i < in->npi; i++)
			if (in->pi[i].var == x.var && strcmp(in->pi[i].pool, x.pool) == 0)
				return fail(e, PT_EINVAL, "%s:%zu: a second row for this variant and pool",
					    c->path, row_line(c, r));
		struct poolinfo *pi = grow(in->pi, &in->picap, in->npi + 1, sizeof *pi);
		if (!pi)
			return fail_oom(e);
		in->pi = pi;
		in->pi[in->npi++] = x;
	}
	return 0;
}

static const struct poolinfo *pool_info(const struct input *in, size_t var, const char *pool)
{
	for (size_t i = 0; i < in->npi; i++)
		if (in->pi[i].var == var && strcmp(in->pi[i].pool, pool) == 0)
			return &in->pi[i];
	return NULL;
}

/* ---------------------------------------------------------------- writing */

/* An output file being written; the first failure sticks in status. */
struct out {
	FILE *f;
	char *path;
	int status;
};

static int out_open(struct out *o, const char *dir, const char *name, const char *ext,
		    struct err *e)
{
	char file[128];
	snprintf(file, sizeof file, "%s.%s", name, ext);
	o->status = 0;
	o->f = NULL;
	o->path = join(dir, file);
	if (!o->path)
		return fail_oom(e);
	o->f = fopen(o->path, "w");
	if (!o->f) {
		int rc = fail(e, PT_EIO, "%s: cannot write: %s", o->path, strerror(errno));
		free(o->path);
		o->path = NULL;
		return rc;
	}
	return 0;
}

/* Close o; a write error or an earlier out-of-memory becomes the status. */
static int out_close(struct out *o, int rc, struct err *e)
{
	if (!o->f) {
		free(o->path);
		o->path = NULL;
		return rc;
	}
	bool bad = ferror(o->f) != 0;
	int errnum = errno;
	if (fclose(o->f) != 0 && !bad) {
		bad = true;
		errnum = errno;
	}
	o->f = NULL;
	if (!rc && o->status)
		rc = fail_oom(e);
	if (!rc && bad)
		rc = fail(e, PT_EIO, "%s: cannot write: %s", o->path, strerror(errnum));
	free(o->path);
	o->path = NULL;
	return rc;
}

static void put_num(FILE *f, double v)
{
	if (isnan(v))
		fputs("NaN", f);
	else if (isinf(v))
		fputs(v > 0 ? "Inf" : "-Inf", f);
	else
		fprintf(f, "%.9g", v);
}

/* s as a single-quoted gnuplot string: '' for ', control characters as spaces. */
static void gp_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '\'')
			fputs("''", f);
		else if (*p < 0x20 || *p == 0x7f)
			fputc(' ', f);
		else
			fputc(*p, f);
	}
	fputc('\'', f);
}

/* A formatted string, quoted as by gp_quote. */
static void gp_quotef(struct out *o, const char *fmt, ...) PRINTF_LIKE(2, 3);
static void gp_quotef(struct out *o, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (!s) {
		o->status = PT_ENOMEM;
		fputs("''", o->f);
		return;
	}
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	gp_quote(o->f, s);
	free(s);
}

/* A name inside a comment line of a .dat or .gp file: control characters as spaces. */
static void comment_name(FILE *f, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
}

/* Okabe-Ito colours without the yellow, which is unreadable on white; then black and grey. */
static const char *const palette[] = {"#0072B2", "#D55E00", "#009E73", "#CC79A7",
				      "#E69F00", "#56B4E9", "#000000", "#999999"};
#define PALETTE_N (sizeof palette / sizeof *palette)

/* Dash type of workload k: solid, dashed, dash-dot, dash-dot-dot. Dotted (3) is left to the
 * timeout marks. */
static int workload_dt(size_t k)
{
	static const int dt[] = {1, 2, 4, 5};
	return dt[k % 4];
}

static int variant_lc(size_t v)
{
	return (int)(v % PALETTE_N) + 1;
}

static void gp_begin(FILE *f, const char *name, const char *what)
{
	fprintf(f, "# pooltide plot %s: %s.\n", name, what);
	fprintf(f, "# Data: %s.dat (its header explains the columns). Draws %s.png (pngcairo) and\n"
		   "# %s.svg: run `gnuplot %s.gp` in this folder, or `pooltide plot DIR`, which\n"
		   "# rewrites this script and the data first.\n",
		name, name, name, name);
	fputs("set encoding utf8\n", f);
	for (size_t i = 0; i < PALETTE_N; i++)
		fprintf(f, "set linetype %zu lc rgb '%s' lw 2 dt solid pt 7\n", i + 1, palette[i]);
	fprintf(f, "set linetype cycle %zu\n", PALETTE_N);
	fputs("do for [ext in 'png svg'] {\n"
	      "if (ext eq 'png') {\n"
	      "\tset terminal pngcairo size 1000,600 noenhanced font 'Sans,10'\n"
	      "} else {\n"
	      "\tset terminal svg size 1000,600 noenhanced dynamic font 'Sans,10' background rgb 'white'\n"
	      "}\n",
	      f);
}

static void gp_end(FILE *f)
{
	fputs("unset output\n}\n", f);
}

/* Element separator inside a plot command. */
static void gp_next(FILE *f, bool *first)
{
	fputs(*first ? "plot " : ", \\\n     ", f);
	*first = false;
}

/* A probability for the key: three significant digits, more when that would round to 0 or 1
 * (0.99995 is not "1"). */
static void fmt_prob(char *buf, size_t len, double p)
{
	for (int prec = 3; prec <= 9; prec++) {
		snprintf(buf, len, "%.*g", prec, p);
		if ((p >= 1 || strcmp(buf, "1") != 0) && (p <= 0 || strcmp(buf, "0") != 0))
			return;
	}
}

/* A duration for a key: "30 s", "250 ms", "80 us". */
static void fmt_dur(char *buf, size_t len, double s)
{
	if (s >= 1 || s == 0)
		snprintf(buf, len, "%.6g s", s);
	else if (s >= 1e-3)
		snprintf(buf, len, "%.6g ms", s * 1e3);
	else
		snprintf(buf, len, "%.6g us", s * 1e6);
}

/* The time unit of the timeline axes, from the longest time drawn. */
struct tunit {
	double div;
	const char *name;
};

static struct tunit time_unit(double tmax_s)
{
	if (tmax_s > 36000)
		return (struct tunit){3600, "h"};
	if (tmax_s > 600)
		return (struct tunit){60, "min"};
	return (struct tunit){1, "s"};
}

/* ---- waits_cdf */

/* A formatted string in a new block; NULL when out of memory. */
static char *strf(const char *fmt, ...) PRINTF_LIKE(1, 2);
static char *strf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *p = n >= 0 ? malloc((size_t)n + 1) : NULL;
	if (!p)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

/* Characters (UTF-8 code points) of s, for sizing the key. */
static size_t text_len(const char *s)
{
	size_t n = 0;
	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* The first `max` characters of s (a new string), "..." replacing the rest when longer. */
static char *shorten(const char *s, size_t max)
{
	if (text_len(s) <= max)
		return strf("%s", s);
	size_t keep = max > 3 ? max - 3 : 0, bytes = 0;
	for (size_t chars = 0; s[bytes] && chars <= keep; bytes++)
		if (((unsigned char)s[bytes] & 0xc0) != 0x80 && ++chars > keep)
			break;
	return strf("%.*s...", (int)bytes, s);
}

/* One line of the CDF plot and its legend entry. */
struct cdf_line {
	char *name;      /* the part of the legend text that may be shortened */
	char suffix[96]; /* the part that may not ("   P(wait = 0) = 0.9") */
	long block;      /* its block in waits_cdf.dat; -1: none (a legend entry only) */
	char lc[32];
	int dt;
	bool timeout;
};

/* Legend text per column: in the two-column layout (font 8) a column holds some 415 px of
 * text, and names average about 5.1 px a character there (measured), so 78 fit; one column
 * (font 9) has the whole width. */
#define LEGEND_CHARS_2 78
#define LEGEND_CHARS_1 140

static int write_waits_cdf(const struct input *in, const char *dir, struct err *e)
{
	struct out d = {0}, g = {0};
	size_t cap = in->nws + in->npi + 1;
	struct cdf_line *ln = calloc(cap, sizeof *ln);
	double *touts = calloc(cap, sizeof *touts);
	bool *served = calloc(in->var.n + 1, sizeof *served); /* per variant */
	size_t n = 0, ntout = 0;
	long nblock = 0;
	int rc = ln && touts && served ? 0 : fail_oom(e);
	if (rc || (rc = out_open(&d, dir, "waits_cdf", "dat", e)) ||
	    (rc = out_open(&g, dir, "waits_cdf", "gp", e)))
		goto done;
	FILE *f = d.f, *s = g.f;
	fputs("# pooltide waits_cdf.dat: the wait for a connection of served requests, from waits.csv.\n"
	      "# One block per series, blocks separated by two blank lines (gnuplot `index N`).\n"
	      "# CDF blocks: wait_s cdf. The first row is the lower edge of the smallest non-empty\n"
	      "# histogram bin at height P(wait = 0) (zero waits cannot be drawn on a log axis),\n"
	      "# then the upper edge of each bin with the CDF there.\n"
	      "# Timeout blocks: timeout_s 0 and timeout_s 1, a vertical line.\n",
	      f);
	size_t nwl_served = 0;
	for (size_t k = 0; k < in->wl.n; k++)
		for (size_t i = 0; i < in->nws; i++)
			if (in->ws[i].served && in->ws[i].wl == k) {
				nwl_served++;
				break;
			}
	double xmin = INFINITY, xmax = -INFINITY, ymin = 1;
	bool drawn = false;
	for (size_t v = 0; v < in->var.n; v++)
		for (size_t i = 0; i < in->nws; i++) {
			const struct wseries *w = &in->ws[i];
			if (!w->served || w->var != v)
				continue;
			char p0[32] = "unknown";
			if (!isnan(w->p0))
				fmt_prob(p0, sizeof p0, w->p0);
			struct cdf_line *l = &ln[n++];
			*l = (struct cdf_line){.block = w->n ? nblock++ : -1, .dt = workload_dt(w->wl)};
			snprintf(l->lc, sizeof l->lc, "lc %d", variant_lc(v));
			/* A series without a curve still gets its legend entry: "P(wait = 0) = 1"
			 * says why there is no line. */
			snprintf(l->suffix, sizeof l->suffix, "   P(wait = 0) = %s%s", p0,
				 w->n == 0 && isnan(w->p0) ? " (nothing served)" : "");
			l->name = nwl_served > 1 ? strf("%s / %s", in->var.v[v], in->wl.v[w->wl])
						 : strf("%s", in->var.v[v]);
			if (!l->name) {
				rc = fail_oom(e);
				goto done;
			}
			if (w->n == 0)
				continue;
			fprintf(f, "\n\n# index %ld: variant ", l->block);
			comment_name(f, in->var.v[v]);
			fputs(", workload ", f);
			comment_name(f, in->wl.v[w->wl]);
			fputs(", P(wait = 0) = ", f);
			put_num(f, w->p0);
			fputc('\n', f);
			for (size_t j = 0; j < w->n; j++) {
				put_num(f, w->p[j].x);
				fputc(' ', f);
				put_num(f, w->p[j].y);
				fputc('\n', f);
				xmin = fmin(xmin, w->p[j].x);
				xmax = fmax(xmax, w->p[j].x);
			}
			ymin = fmin(ymin, w->p[0].y);
			drawn = true;
		}
	/* Pool timeouts: one dotted vertical line per distinct value, naming its variants,
	 * in the variant's colour when it is one variant's only (several variants sharing a
	 * timeout would draw the same line on top of each other anyway). */
	size_t nvar_served = 0;
	for (size_t i = 0; i < in->nws; i++)
		served[in->ws[i].var] |= in->ws[i].served;
	for (size_t v = 0; v < in->var.n; v++) {
		nvar_served += served[v];
		for (size_t i = 0; served[v] && i < in->npi; i++) {
			const struct poolinfo *p = &in->pi[i];
			bool known = false;
			for (size_t j = 0; j < ntout; j++)
				known |= touts[j] == p->timeout;
			if (p->var == v && !isnan(p->timeout) && p->timeout > 0 && !known)
				touts[ntout++] = p->timeout;
		}
	}
	for (size_t t = 0; t < ntout; t++) {
		/* The variants (with served requests) that have a pool with this timeout. */
		size_t nv = 0, last = 0, len = 0;
		for (size_t v = 0; v < in->var.n; v++) {
			bool has = false;
			for (size_t i = 0; i < in->npi; i++)
				has |= in->pi[i].var == v && in->pi[i].timeout == touts[t];
			if (has && served[v]) {
				len += text_len(in->var.v[v]) + 2;
				nv++;
				last = v;
			}
		}
		char tt[32];
		fmt_dur(tt, sizeof tt, touts[t]);
		struct cdf_line *l = &ln[n++];
		*l = (struct cdf_line){.block = nblock++, .dt = 3, .timeout = true};
		if (nv == 1)
			snprintf(l->lc, sizeof l->lc, "lc %d", variant_lc(last));
		else
			snprintf(l->lc, sizeof l->lc, "lc rgb '#555555'");
		if (nv == nvar_served && nv > 1) {
			l->name = strf("pool timeout %s (every variant)", tt);
		} else if (len + 20 <= LEGEND_CHARS_2 || nv == 1) {
			l->name = strf("pool timeout %s (", tt);
			for (size_t v = 0, k = 0; l->name && v < in->var.n; v++) {
				bool has = false;
				for (size_t i = 0; i < in->npi; i++)
					has |= in->pi[i].var == v && in->pi[i].timeout == touts[t];
				if (!has || !served[v])
					continue;
				char *x = strf("%s%s%s", l->name, k++ ? "; " : "", in->var.v[v]);
				free(l->name);
				l->name = x;
			}
			snprintf(l->suffix, sizeof l->suffix, ")");
		} else {
			l->name = strf("pool timeout %s (%zu variants)", tt, nv);
		}
		if (!l->name) {
			rc = fail_oom(e);
			goto done;
		}
		fprintf(f, "\n\n# index %ld: pool timeout %s, variants ", l->block, tt);
		for (size_t v = 0, k = 0; v < in->var.n; v++)
			for (size_t i = 0; served[v] && i < in->npi; i++)
				if (in->pi[i].var == v && in->pi[i].timeout == touts[t]) {
					fputs(k++ ? "; " : "", f);
					comment_name(f, in->var.v[v]);
					break;
				}
		fputc('\n', f);
		for (int y = 0; y <= 1; y++) {
			put_num(f, touts[t]);
			fprintf(f, " %d\n", y);
		}
		xmin = fmin(xmin, touts[t]);
		xmax = fmax(xmax, touts[t]);
	}

	gp_begin(s, "waits_cdf", "cumulative distribution of the wait for a connection");
	fputs("set output 'waits_cdf.'.ext\n"
	      "set title 'Wait for a connection, served requests: cumulative distribution'\n"
	      "set xlabel 'wait for a connection (s, log scale)'\n"
	      "set ylabel 'share of served requests that waited at most this long'\n"
	      "set logscale x\n"
	      "set format x '%g'\n"
	      "set grid xtics ytics\n"
	      "unset key\n",
	      s);
	/* The legend is drawn by hand under the plot (a line sample and a label per entry, at
	 * screen positions): gnuplot's own key guesses text widths and silently drops the
	 * columns that do not fit. Two columns from six entries on, each text shortened to what
	 * a column holds; the variable part goes, never the P(wait = 0) figure. */
	size_t cols = n > 5 ? 2 : 1, rows = n ? (n + cols - 1) / cols : 1;
	double row_h = cols == 2 ? 0.024 : 0.027, top = 0.015 + (double)rows * row_h;
	fprintf(s, "set bmargin at screen %.4f\n", top + 0.085);
	for (size_t i = 0; i < n; i++) {
		size_t row = i % rows, col = i / rows;
		double x = col ? 0.53 : 0.06, y = top - ((double)row + 0.5) * row_h;
		size_t room = (cols == 2 ? LEGEND_CHARS_2 : LEGEND_CHARS_1);
		size_t sl = text_len(ln[i].suffix);
		char *name = shorten(ln[i].name, room > sl + 8 ? room - sl : 8);
		if (!name) {
			rc = fail_oom(e);
			goto done;
		}
		fprintf(s, "set arrow %zu from screen %.4f, %.4f to screen %.4f, %.4f nohead %s dt %d lw %s\n",
			i + 1, x, y, x + 0.035, y, ln[i].lc, ln[i].dt, ln[i].timeout ? "1.5" : "2");
		fprintf(s, "set label %zu ", i + 1);
		gp_quotef(&g, "%s%s", name, ln[i].suffix);
		fprintf(s, " at screen %.4f, %.4f left font ',%d'\n", x + 0.045, y, cols == 2 ? 8 : 9);
		free(name);
	}
	/* Most requests usually get a connection at once: a y axis from 0 would squeeze every
	 * curve into its top tenth. It starts at the lowest curve's start, rounded down to a
	 * tenth, and says so with its tick labels. */
	fprintf(s, "set yrange [%.9g:1]\n",
		drawn ? fmin(floor(fmax(ymin, 0) * 10 + 1e-9) / 10, 0.9) : 0);
	if (!drawn) {
		/* Nothing to autoscale on (every wait was zero, or nothing was served). */
		fprintf(s, "set xrange [%.9g:%.9g]\n", isfinite(xmin) ? xmin / 100 : 1e-3,
			isfinite(xmax) ? xmax * 10 : 100);
	}
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (ln[i].block < 0)
			continue;
		gp_next(s, &first);
		fprintf(s, "'waits_cdf.dat' index %ld using 1:2 with lines %s dt %d%s notitle",
			ln[i].block, ln[i].lc, ln[i].dt, ln[i].timeout ? " lw 1.5" : "");
	}
	if (first) /* nothing to draw: an empty frame with the legend */
		fputs("plot NaN notitle", s);
	fputc('\n', s);
	gp_end(s);
done:
	for (size_t i = 0; i < n; i++)
		free(ln[i].name);
	free(ln);
	free(touts);
	free(served);
	rc = out_close(&d, rc, e);
	return out_close(&g, rc, e);
}

/* ---- timeout_rate */

static int write_timeout_rate(const struct input *in, const char *dir, struct err *e)
{
	struct out d, g;
	int rc = out_open(&d, dir, "timeout_rate", "dat", e);
	if (rc)
		return rc;
	rc = out_open(&g, dir, "timeout_rate", "gp", e);
	if (rc)
		return out_close(&d, rc, e);
	FILE *f = d.f, *s = g.f;
	fputs("# pooltide timeout_rate.dat: share of requests that timed out waiting for a connection,\n"
	      "# from summary.csv (metric timeout_rate), in percent.\n"
	      "# One block per workload (gnuplot `index N`), one row per variant:\n"
	      "# variant_index mean_pct ci_low_pct ci_high_pct (95 % CI; NaN when there is none)\n",
	      f);
	/* Workloads with a timeout rate, in order; the others (waits only) are not drawn. */
	size_t nw = 0;
	size_t *wl = malloc((in->wl.n ? in->wl.n : 1) * sizeof *wl);
	if (!wl)
		return out_close(&g, out_close(&d, fail_oom(e), e), e);
	double xmax = 0;
	for (size_t k = 0; k < in->wl.n; k++) {
		bool any = false;
		for (size_t i = 0; i < in->nrt && !any; i++)
			any = in->rt[i].wl == k;
		if (!any)
			continue;
		fprintf(f, "\n\n# index %zu: workload ", nw);
		comment_name(f, in->wl.v[k]);
		fputc('\n', f);
		wl[nw++] = k;
		for (size_t v = 0; v < in->var.n; v++)
			for (size_t i = 0; i < in->nrt; i++) {
				const struct rate *r = &in->rt[i];
				if (r->var != v || r->wl != k)
					continue;
				fprintf(f, "# variant %zu: ", v);
				comment_name(f, in->var.v[v]);
				fprintf(f, "\n%zu ", v);
				put_num(f, r->mean * 100);
				fputc(' ', f);
				put_num(f, r->lo * 100);
				fputc(' ', f);
				put_num(f, r->hi * 100);
				fputc('\n', f);
				double top = isfinite(r->hi) ? r->hi : r->mean;
				if (isfinite(top))
					xmax = fmax(xmax, top * 100);
			}
	}
	gp_begin(s, "timeout_rate", "timeout rate per variant and workload with 95 % CI");
	fputs("set output 'timeout_rate.'.ext\n"
	      "set title 'Requests that timed out waiting for a connection (mean over replications, 95 % CI)'\n"
	      "set xlabel 'timeout rate (% of requests offered)'\n"
	      "set format x '%g %%'\n"
	      "set grid xtics\n"
	      "set key bmargin center horizontal\n"
	      "set bmargin 5\n"
	      "set style fill solid 0.55 border -1\n"
	      "set ytics nomirror\n"
	      "set xtics nomirror\n"
	      "set border 3\n",
	      s);
	/* Room on the right for the value labels. */
	fputs("set xrange [0:", s);
	put_num(s, xmax > 0 ? xmax * 1.45 : 1);
	fputs("]\n", s);
	fprintf(s, "set yrange [%.9g:-0.5]\n", (double)in->var.n - 0.5);
	fputs("set ytics (", s);
	for (size_t v = 0; v < in->var.n; v++) {
		if (v)
			fputs(", ", s);
		gp_quote(s, in->var.v[v]);
		fprintf(s, " %zu", v);
	}
	fputs(")\n", s);
	/* Bars of one variant side by side within 0.8 of its row, first workload on top. The
	 * value labels are `set label`s written here rather than a `with labels` element:
	 * gnuplot skips a whole data row when a column it reads is NaN (a rate without CI). */
	double h = 0.8 / (double)(nw ? nw : 1);
	for (size_t k = 0; k < nw; k++) {
		double off = -0.4 + h * ((double)k + 0.5);
		for (size_t i = 0; i < in->nrt; i++) {
			const struct rate *r = &in->rt[i];
			if (r->wl != wl[k] || isnan(r->mean))
				continue;
			double x = isfinite(r->hi) && r->hi > r->mean ? r->hi : r->mean;
			fputs("set label ", s);
			if (isfinite(r->lo) && isfinite(r->hi))
				gp_quotef(&g, " %.3g %% [%.3g, %.3g]", r->mean * 100, r->lo * 100,
					  r->hi * 100);
			else
				gp_quotef(&g, " %.3g %% (no CI)", r->mean * 100);
			fprintf(s, " at %.9g, %.9g left font ',9'\n", fmax(x, 0) * 100,
				(double)r->var + off);
		}
	}
	bool first = true;
	for (size_t k = 0; k < nw; k++) {
		double off = -0.4 + h * ((double)k + 0.5), hh = h * 0.42;
		char y[64];
		snprintf(y, sizeof y, "($1%+.9g)", off);
		gp_next(s, &first);
		fprintf(s, "'timeout_rate.dat' index %zu using ($2/2):%s:(0):2:($1%+.9g):($1%+.9g) "
			   "with boxxyerror lc %zu title ",
			k, y, off - hh, off + hh, (k % PALETTE_N) + 1);
		gp_quotef(&g, "workload %s", in->wl.v[wl[k]]);
		gp_next(s, &first);
		fprintf(s, "'' index %zu using 2:%s:3:4 with xerrorbars lc rgb 'black' lw 1 pt 7 ps 0.5 notitle",
			k, y);
	}
	fputc('\n', s);
	gp_end(s);
	free(wl);
	rc = out_close(&d, 0, e);
	return out_close(&g, rc, e);
}

/* ---- pool_timeline and backlog */

/* Pages of the pool timeline: ceil(nts / PANELS_PER_PAGE), at least one. */
static size_t timeline_pages(const struct input *in)
{
	return in->nts ? (in->nts + PANELS_PER_PAGE - 1) / PANELS_PER_PAGE : 1;
}

static void page_name(char *buf, size_t len, const char *name, size_t page)
{
	if (page == 0)
		snprintf(buf, len, "%s", name);
	else
		snprintf(buf, len, "%s-%zu", name, page + 1);
}

static double tmax_of(const struct input *in)
{
	double t = 0;
	for (size_t i = 0; i < in->nts; i++)
		if (in->ts[i].n)
			t = fmax(t, in->ts[i].r[in->ts[i].n - 1].t);
	return t;
}

/* Series of timeline.csv in variant order, then pool order: their indices into in->ts. */
static size_t *timeline_order(const struct input *in)
{
	size_t *o = malloc((in->nts ? in->nts : 1) * sizeof *o), n = 0;
	if (!o)
		return NULL;
	for (size_t v = 0; v < in->var.n; v++)
		for (size_t p = 0; p < in->pool.n; p++)
			for (size_t i = 0; i < in->nts; i++)
				if (in->ts[i].var == v && in->ts[i].pool == p)
					o[n++] = i;
	return o;
}

static int write_pool_timeline(const struct input *in, const char *dir, struct err *e)
{
	struct out d, g;
	int rc = out_open(&d, dir, "pool_timeline", "dat", e);
	if (rc)
		return rc;
	rc = out_open(&g, dir, "pool_timeline", "gp", e);
	if (rc)
		return out_close(&d, rc, e);
	size_t *order = timeline_order(in);
	/* Per pool, over every variant, so panels of one pool share their scales. */
	double *y1 = calloc(in->pool.n ? in->pool.n : 1, sizeof *y1);
	double *y1min = calloc(in->pool.n ? in->pool.n : 1, sizeof *y1min);
	double *y2 = calloc(in->pool.n ? in->pool.n : 1, sizeof *y2);
	if (!order || !y1 || !y1min || !y2) {
		free(order);
		free(y1);
		free(y1min);
		free(y2);
		return out_close(&g, out_close(&d, fail_oom(e), e), e);
	}
	FILE *f = d.f, *s = g.f;
	fputs("# pooltide pool_timeline.dat: pool status sampled at a fixed step, first replication,\n"
	      "# from timeline.csv. One block per variant and pool (gnuplot `index N`), columns:\n",
	      f);
	fprintf(f, "# t_s checked_out overflow waiters%s\n",
		in->have_batch ? " batch_active" : "");
	for (size_t k = 0; k < in->nts; k++) {
		const struct tseries *t = &in->ts[order[k]];
		const struct poolinfo *pi = pool_info(in, t->var, in->pool.v[t->pool]);
		fprintf(f, "\n\n# index %zu: variant ", k);
		comment_name(f, in->var.v[t->var]);
		fputs(", pool ", f);
		comment_name(f, in->pool.v[t->pool]);
		if (pi && pi->cap >= 0)
			fprintf(f, ", cap %.9g", pi->cap);
		fputc('\n', f);
		for (size_t j = 0; j < t->n; j++) {
			const struct trow *r = &t->r[j];
			fprintf(f, "%.9g %.9g %.9g %.9g", r->t, r->co, r->ov, r->w);
			if (in->have_batch) {
				fputc(' ', f);
				put_num(f, r->batch);
			}
			fputc('\n', f);
		}
		double top = fmax(t->max_co, t->max_ov);
		if (pi && pi->cap >= 0)
			top = fmax(top, pi->cap);
		y1[t->pool] = fmax(y1[t->pool], top);
		y1min[t->pool] = fmin(y1min[t->pool], t->min_ov);
		y2[t->pool] = fmax(y2[t->pool], t->max_w);
	}
	struct tunit u = time_unit(tmax_of(in));
	double tmax = tmax_of(in) / u.div;
	gp_begin(s, "pool_timeline", "checked out, overflow and waiters over time, per variant");
	fprintf(s, "set xlabel 'simulated time (%s)'\n", u.name);
	size_t pages = timeline_pages(in);
	for (size_t pg = 0; pg < pages; pg++) {
		size_t k0 = pg * PANELS_PER_PAGE;
		size_t n = in->nts - k0 < PANELS_PER_PAGE ? in->nts - k0 : PANELS_PER_PAGE;
		size_t rows = n == 4 ? 2 : (n ? n : 1), cols = n == 4 ? 2 : 1;
		bool batch = false, cap = false;
		for (size_t k = k0; k < k0 + n; k++) {
			const struct tseries *t = &in->ts[order[k]];
			const struct poolinfo *pi = pool_info(in, t->var, in->pool.v[t->pool]);
			batch |= t->any_batch;
			cap |= pi && pi->cap >= 0;
		}
		char name[64];
		page_name(name, sizeof name, "pool_timeline", pg);
		fprintf(s, "\nset output '%s.'.ext\nset multiplot title ", name);
		if (pages > 1)
			gp_quotef(&g, "Pool status over time, first replication (page %zu of %zu)",
				  pg + 1, pages);
		else
			gp_quote(s, "Pool status over time, first replication");
		/* One legend for the page, in a band of its own under the title: a key inside
		 * a panel would be squeezed to the panel's width. Its entries are NaN functions
		 * (a plot of `keyentry`s alone trips an assertion in gnuplot 5.4). Panels are
		 * placed by hand (origin, size) with fixed margins so that their axes line up. */
		fputs("\n# the legend\n"
		      "set origin 0, 0.865\nset size 1, 0.075\n"
		      "unset border\nunset xtics\nunset ytics\nunset y2tics\nunset grid\nunset title\n"
		      "unset xlabel\nunset ylabel\nunset y2label\n"
		      "set lmargin 0\nset rmargin 0\nset tmargin 0\nset bmargin 0\n"
		      "set xrange [0:1]\nset yrange [0:1]\n"
		      "set key center center horizontal maxrows 1 font ',9' samplen 3\n"
		      "plot NaN with lines lc 1 title 'checked out', \\\n"
		      "     NaN with lines lc 3 title 'overflow in use', \\\n"
		      "     NaN with lines lc 2 lw 1.5 title 'waiters (right axis)'",
		      s);
		if (cap)
			fputs(", \\\n     NaN with lines lc rgb 'black' lw 1.5 dt 2 "
			      "title 'pool cap = size + max_overflow'",
			      s);
		if (batch)
			fputs(", \\\n     NaN with boxes fs transparent solid 0.3 noborder "
			      "lc rgb '#a0a0a0' title 'batch running'",
			      s);
		fputs("\n# the panels\n"
		      "unset key\nset border\nset xtics\nset ytics nomirror\nset y2tics\n"
		      "set grid xtics ytics\n"
		      "set lmargin 9\nset rmargin 9\nset tmargin 2\nset bmargin 3.5\n"
		      "set ylabel 'connections'\nset y2label 'waiters (requests)'\n",
		      s);
		fprintf(s, "set xlabel 'simulated time (%s)'\n", u.name);
		fprintf(s, "set xrange [0:%.9g]\n", tmax > 0 ? tmax : 1);
		for (size_t k = k0; k < k0 + n; k++) {
			const struct tseries *t = &in->ts[order[k]];
			const struct poolinfo *pi = pool_info(in, t->var, in->pool.v[t->pool]);
			double top = y1[t->pool] > 0 ? y1[t->pool] * 1.1 : 1;
			size_t row = (k - k0) / cols, col = (k - k0) % cols;
			double w = 1.0 / (double)cols, h = 0.86 / (double)rows;
			fprintf(s, "set origin %.9g, %.9g\nset size %.9g, %.9g\nset title ",
				(double)col * w, 0.86 - (double)(row + 1) * h, w, h);
			char pool[256] = "";
			if (in->pool.n > 1)
				snprintf(pool, sizeof pool, ", pool %s", in->pool.v[t->pool]);
			if (pi && pi->cap >= 0)
				gp_quotef(&g, "%s%s: cap %.9g (size %.9g + max_overflow %.9g)",
					  in->var.v[t->var], pool, pi->cap, pi->size, pi->max_overflow);
			else if (pi)
				gp_quotef(&g, "%s%s: no cap (max_overflow -1)", in->var.v[t->var], pool);
			else
				gp_quotef(&g, "%s%s", in->var.v[t->var], pool);
			fprintf(s, " font ',9'\nset yrange [%.9g:%.9g]\n",
				y1min[t->pool] < 0 ? y1min[t->pool] * 1.1 : 0, top);
			fprintf(s, "set y2range [0:%.9g]\n", y2[t->pool] > 0 ? y2[t->pool] * 1.1 : 1);
			bool first = true;
			char x[64];
			snprintf(x, sizeof x, "($1/%.9g)", u.div);
			if (t->any_batch) {
				/* Sample-and-hold: a sample describes the pool until the next one,
				 * which is what fillsteps and steps draw. */
				gp_next(s, &first);
				fprintf(s, "'pool_timeline.dat' index %zu using %s:(($5>0)?%.9g:0) with fillsteps "
					   "fs transparent solid 0.3 noborder lc rgb '#a0a0a0'",
					k, x, top);
			}
			gp_next(s, &first);
			fprintf(s, "'pool_timeline.dat' index %zu using %s:2 with steps lc 1", k, x);
			gp_next(s, &first);
			fprintf(s, "'' index %zu using %s:3 with steps lc 3", k, x);
			gp_next(s, &first);
			fprintf(s, "'' index %zu using %s:4 axes x1y2 with steps lc 2 lw 1.5", k, x);
			if (pi && pi->cap >= 0) {
				gp_next(s, &first);
				fprintf(s, "%.9g with lines lc rgb 'black' lw 1.5 dt 2", pi->cap);
			}
			fputc('\n', s);
		}
		fputs("unset multiplot\n", s);
	}
	gp_end(s);
	free(order);
	free(y1);
	free(y1min);
	free(y2);
	rc = out_close(&d, 0, e);
	return out_close(&g, rc, e);
}

static int write_backlog(const struct input *in, const char *dir, struct err *e)
{
	struct out d, g;
	int rc = out_open(&d, dir, "backlog", "dat", e);
	if (rc)
		return rc;
	rc = out_open(&g, dir, "backlog", "gp", e);
	if (rc)
		return out_close(&d, rc, e);
	size_t *order = timeline_order(in);
	if (!order)
		return out_close(&g, out_close(&d, fail_oom(e), e), e);
	FILE *f = d.f, *s = g.f;
	fputs("# pooltide backlog.dat: backlog sampled at a fixed step, first replication, from\n"
	      "# timeline.csv. One block per variant and pool (gnuplot `index N`): t_s backlog\n",
	      f);
	double ymax = 0;
	for (size_t k = 0; k < in->nts; k++) {
		const struct tseries *t = &in->ts[order[k]];
		fprintf(f, "\n\n# index %zu: variant ", k);
		comment_name(f, in->var.v[t->var]);
		fputs(", pool ", f);
		comment_name(f, in->pool.v[t->pool]);
		fputc('\n', f);
		for (size_t j = 0; j < t->n; j++) {
			fprintf(f, "%.9g ", t->r[j].t);
			put_num(f, t->r[j].backlog);
			fputc('\n', f);
		}
		ymax = fmax(ymax, t->max_backlog);
	}
	struct tunit u = time_unit(tmax_of(in));
	double tmax = tmax_of(in) / u.div;
	gp_begin(s, "backlog", "backlog over time, per variant");
	fputs("set output 'backlog.'.ext\n"
	      "set title 'Backlog over time, first replication'\n",
	      s);
	fprintf(s, "set xlabel 'simulated time (%s)'\n", u.name);
	fputs("set ylabel 'backlog (records waiting)'\n"
	      "set grid xtics ytics\n"
	      "set key top left opaque box font ',9'\n",
	      s);
	fprintf(s, "set xrange [0:%.9g]\n", tmax > 0 ? tmax : 1);
	fprintf(s, "set yrange [0:%.9g]\n", ymax > 0 ? ymax * 1.25 : 1); /* room for the key */
	bool first = true;
	for (size_t k = 0; k < in->nts; k++) {
		const struct tseries *t = &in->ts[order[k]];
		gp_next(s, &first);
		fprintf(s, "'backlog.dat' index %zu using ($1/%.9g):2 with steps lc %d dt %d title ", k,
			u.div, variant_lc(t->var), workload_dt(t->pool));
		if (in->pool.n > 1)
			gp_quotef(&g, "%s, pool %s", in->var.v[t->var], in->pool.v[t->pool]);
		else
			gp_quote(s, in->var.v[t->var]);
	}
	fputc('\n', s);
	gp_end(s);
	free(order);
	rc = out_close(&d, 0, e);
	return out_close(&g, rc, e);
}

/* ---------------------------------------------------------------- running gnuplot */

/* The absolute path of an executable "gnuplot" on PATH (as execvp would search it) in a new
 * string; *found false when there is none. */
#define SWEEP_PLOT_MAX 64 /* values per axis (a sweep allows 64) */

/* A sweep over two axes (sweep.csv with exactly two axis columns before the first
 * "<workload>.timeout_rate" column): a heat map of the first request workload's timeout rate,
 * the axes' values as categories (their spacing need not be regular), each cell labelled with
 * its rate and the SLO verdict. *drawn says whether there was anything to draw. */
static int write_sweep_heatmap(const char *dir, bool *drawn, struct err *e)
{
	struct csv c;
	bool present;
	*drawn = false;
	static const char *const required[] = {"slo", NULL};
	int rc = csv_load(&c, dir, "sweep.csv", required, true, &present, e);
	if (rc || !present) {
		csv_fini(&c);
		return rc;
	}
	int rate = -1, verdict = col_of(&c, "slo");
	for (size_t i = 0; i < c.ncol; i++) {
		const char *h = c.f[i];
		size_t n = strlen(h);
		if (n > 13 && strcmp(h + n - 13, ".timeout_rate") == 0) {
			rate = (int)i;
			break;
		}
	}
	size_t rows = csv_rows(&c);
	if (rate != 2 || rows < 1) { /* not a two-axis sweep of requests */
		csv_fini(&c);
		return 0;
	}
	/* distinct values of each axis, in order of appearance */
	const char *xs[SWEEP_PLOT_MAX] = {0}, *ys[SWEEP_PLOT_MAX] = {0};
	size_t nx = 0, ny = 0;
	for (size_t r = 0; r < rows; r++) {
		const char *x = cell(&c, r, 0), *y = cell(&c, r, 1);
		size_t i, j;
		for (i = 0; i < nx && strcmp(xs[i], x) != 0; i++)
			;
		if (i == nx && nx < SWEEP_PLOT_MAX)
			xs[nx++] = x;
		for (j = 0; j < ny && strcmp(ys[j], y) != 0; j++)
			;
		if (j == ny && ny < SWEEP_PLOT_MAX)
			ys[ny++] = y;
	}
	struct out d, g;
	if ((rc = out_open(&d, dir, "sweep_heatmap", "dat", e))) {
		csv_fini(&c);
		return rc;
	}
	if ((rc = out_open(&g, dir, "sweep_heatmap", "gp", e))) {
		csv_fini(&c);
		return out_close(&d, rc, e);
	}
	FILE *f = d.f, *s = g.f;
	fputs("# pooltide sweep_heatmap.dat: from sweep.csv. Columns: x index, y index, timeout\n"
	      "# rate, label (the rate and the point's SLO verdict)\n",
	      f);
	for (size_t r = 0; r < rows; r++) {
		size_t i, j;
		for (i = 0; i < nx && strcmp(xs[i], cell(&c, r, 0)) != 0; i++)
			;
		for (j = 0; j < ny && strcmp(ys[j], cell(&c, r, 1)) != 0; j++)
			;
		char *end;
		const char *txt = cell(&c, r, rate);
		double v = strtod(txt, &end);
		if (end == txt)
			v = NAN;
		fprintf(f, "%zu %zu ", i, j);
		put_num(f, v);
		char label[64];
		if (isnan(v))
			snprintf(label, sizeof label, "-");
		else
			snprintf(label, sizeof label, "%.3g%%", 100 * v);
		const char *vd = verdict >= 0 ? cell(&c, r, verdict) : "";
		fprintf(f, " \"%s%s%s\"\n", label, vd[0] ? "\\n" : "", vd);
	}
	gp_begin(s, "sweep_heatmap", "timeout rate over a two-axis sweep");
	fputs("set output 'sweep_heatmap.'.ext\nset title ", s);
	char t[256];
	snprintf(t, sizeof t, "Timeout rate of %.*s over the sweep (label: rate and SLO verdict)",
		 (int)(strlen(c.f[rate]) - 13), c.f[rate]);
	gp_quote(s, t);
	fputs("\nset xlabel ", s);
	gp_quote(s, c.f[0]);
	fputs("\nset ylabel ", s);
	gp_quote(s, c.f[1]);
	fputs("\nset xtics (", s);
	for (size_t i = 0; i < nx; i++) {
		fputs(i ? ", " : "", s);
		gp_quote(s, xs[i]);
		fprintf(s, " %zu", i);
	}
	fputs(")\nset ytics (", s);
	for (size_t j = 0; j < ny; j++) {
		fputs(j ? ", " : "", s);
		gp_quote(s, ys[j]);
		fprintf(s, " %zu", j);
	}
	fprintf(s, ")\nset xrange [-0.5:%.1f]\nset yrange [-0.5:%.1f]\n", (double)nx - 0.5,
		(double)ny - 0.5);
	fputs("set palette defined (0 '#f7fbff', 0.5 '#fdae61', 1 '#d7191c')\n"
	      "set cbrange [0:*]\nset cblabel 'timeout rate (%)'\n"
	      "set key off\n"
	      "plot 'sweep_heatmap.dat' using 1:2:($3*100) with image, \\\n"
	      "     '' using 1:2:4 with labels font ',9'\n",
	      s);
	gp_end(s);
	csv_fini(&c);
	rc = out_close(&d, 0, e);
	rc = out_close(&g, rc, e);
	if (!rc)
		*drawn = true;
	return rc;
}

static int find_gnuplot(char **out, bool *found)
{
	*out = NULL;
	*found = false;
	const char *path = getenv("PATH");
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	char cwd[4096];
	while (true) {
		const char *colon = strchr(path, ':');
		size_t n = colon ? (size_t)(colon - path) : strlen(path);
		const char *d = n ? path : ".";
		size_t dn = n ? n : 1;
		const char *pre = "";
		if (d[0] != '/') {
			if (!getcwd(cwd, sizeof cwd))
				goto next;
			pre = cwd;
		}
		size_t len = strlen(pre) + 1 + dn + sizeof "/gnuplot";
		char *cand = malloc(len);
		if (!cand)
			return PT_ENOMEM;
		snprintf(cand, len, "%s%s%.*s/gnuplot", pre, *pre ? "/" : "", (int)dn, d);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0) {
			*out = cand;
			*found = true;
			return 0;
		}
		free(cand);
next:
		if (!colon)
			return 0;
		path = colon + 1;
	}
}

/* Run `gnuplot NAME.gp` in dir, its stdout and stderr into NAME.log there, stdin from
 * /dev/null. 0 when it exited with status 0; otherwise a description in why. */
static int run_gnuplot(const char *gnuplot, const char *dir, const char *name, char *why,
		       size_t whylen)
{
	/* Everything the child needs is prepared here: between fork and exec only
	 * async-signal-safe calls are allowed. */
	char script[128], log[128];
	snprintf(script, sizeof script, "%s.gp", name);
	snprintf(log, sizeof log, "%s.log", name);
	char *argv[] = {"gnuplot", script, NULL};
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(why, whylen, "cannot start gnuplot: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		if (chdir(dir) != 0)
			_exit(126);
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		int nul = open("/dev/null", O_RDONLY);
		if (fd < 0 || nul < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0 || dup2(nul, 0) < 0)
			_exit(126);
		execv(gnuplot, argv);
		_exit(127);
	}
	/* A gnuplot that never exits (waiting on a terminal, a runaway script) is killed after
	 * the timeout; polled every 10 ms, which costs nothing next to drawing a plot. */
	double limit = GNUPLOT_TIMEOUT_S, waited = 0;
	const char *env = getenv("POOLTIDE_GNUPLOT_TIMEOUT");
	if (env) {
		char *end;
		double v = strtod(env, &end);
		if (end != env && !*end && v > 0 && v <= 86400)
			limit = v;
	}
	int st;
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR) {
			snprintf(why, whylen, "cannot wait for gnuplot: %s", strerror(errno));
			return -1;
		}
		if (waited >= limit) {
			kill(pid, SIGKILL);
			while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
				;
			snprintf(why, whylen, "did not finish within %g s: killed (set "
				 "POOLTIDE_GNUPLOT_TIMEOUT to allow longer)", limit);
			return -1;
		}
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
		waited += 0.01;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return 0;
	if (WIFEXITED(st))
		snprintf(why, whylen, "exit status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(why, whylen, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(why, whylen, "wait status %d", st);
	return -1;
}

/* 0 when dir/file exists and is not empty. */
static int nonempty(const char *dir, const char *file)
{
	char *p = join(dir, file);
	if (!p)
		return -1;
	struct stat st;
	int rc = stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 ? 0 : -1;
	free(p);
	return rc;
}

/* One plot to draw: its name and the images its script writes (NAME[-k].png and .svg). */
struct plot {
	const char *name;
	size_t pages;
};

/* ---------------------------------------------------------------- plot_dir */

int plot_dir(const char *dir, bool quiet, char *warn, size_t warnlen)
{
	struct err e = {warn, warnlen};
	if (warn && warnlen)
		warn[0] = '\0';
	/* C locale for numbers in this thread only: the process locale is the caller's. */
	locale_t cloc = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	locale_t old = cloc ? uselocale(cloc) : (locale_t)0;

	struct input in = {0};
	char *gnuplot = NULL, *marker = NULL;
	int rc;
	if ((rc = load_summary(&in, dir, &e)) || (rc = load_waits(&in, dir, &e)) ||
	    (rc = load_timeline(&in, dir, &e)) || (rc = load_pools(&in, dir, &e)))
		goto done;

	struct plot plots[5];
	size_t np = 0;
	bool heatmap = false;
	if ((rc = write_sweep_heatmap(dir, &heatmap, &e)))
		goto done;
	if (heatmap)
		plots[np++] = (struct plot){"sweep_heatmap", 1};
	plots[np++] = (struct plot){"waits_cdf", 1};
	plots[np++] = (struct plot){"timeout_rate", 1};
	plots[np++] = (struct plot){"pool_timeline", timeline_pages(&in)};
	if (in.have_backlog)
		plots[np++] = (struct plot){"backlog", 1};
	if ((rc = write_waits_cdf(&in, dir, &e)) || (rc = write_timeout_rate(&in, dir, &e)) ||
	    (rc = write_pool_timeline(&in, dir, &e)) ||
	    (in.have_backlog && (rc = write_backlog(&in, dir, &e))))
		goto done;

	marker = join(dir, PLOT_MISSING_MARKER);
	if (!marker) {
		rc = fail_oom(&e);
		goto done;
	}
	bool found;
	if ((rc = find_gnuplot(&gnuplot, &found))) {
		rc = fail_oom(&e);
		goto done;
	}
	char first_fail[1024] = "";
	size_t failed = 0;
	if (!found) {
		snprintf(first_fail, sizeof first_fail,
			 "gnuplot not found on PATH: wrote the data and scripts; install gnuplot-nox and run `pooltide plot %s`",
			 dir);
		failed = 1;
	}
	for (size_t i = 0; found && i < np; i++) {
		char why[256] = "", file[128];
		bool ok = run_gnuplot(gnuplot, dir, plots[i].name, why, sizeof why) == 0;
		for (size_t pg = 0; ok && pg < plots[i].pages; pg++) {
			char base[64];
			page_name(base, sizeof base, plots[i].name, pg);
			for (int k = 0; k < 2 && ok; k++) {
				snprintf(file, sizeof file, "%s.%s", base, k ? "svg" : "png");
				if (nonempty(dir, file) != 0) {
					ok = false;
					snprintf(why, sizeof why, "no %s written", file);
				}
			}
			if (ok && !quiet)
				fprintf(stderr, "plot: %s%s%s.png and .svg\n", dir,
					dir[0] && dir[strlen(dir) - 1] == '/' ? "" : "/", base);
		}
		if (!ok && failed++ == 0) {
			char *base = join(dir, plots[i].name);
			const char *b = base ? base : plots[i].name;
			snprintf(first_fail, sizeof first_fail, "gnuplot failed on %s.gp (%s): see %s.log",
				 b, why, b);
			free(base);
		}
	}
	if (failed) {
		if (failed > 1) {
			size_t n = strlen(first_fail);
			snprintf(first_fail + n, sizeof first_fail - n, " (and %zu more plot%s failed)",
				 failed - 1, failed > 2 ? "s" : "");
		}
		int fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (fd < 0) {
			rc = fail(&e, PT_EIO, "%s: cannot create: %s", marker, strerror(errno));
			goto done;
		}
		close(fd);
		fail(&e, 0, "%s", first_fail);
	} else if (unlink(marker) != 0 && errno != ENOENT) {
		rc = fail(&e, PT_EIO, "%s: cannot remove: %s", marker, strerror(errno));
		goto done;
	}
	rc = 0;
done:
	free(gnuplot);
	free(marker);
	input_fini(&in);
	if (cloc) {
		uselocale(old);
		freelocale(cloc);
	}
	return rc;
}

/* ---------------------------------------------------------------- helpers for other plots */

void plot_script_begin(FILE *f, const char *name, const char *what)
{
	gp_begin(f, name, what);
}

void plot_script_end(FILE *f)
{
	gp_end(f);
}

int plot_run(const char *dir, const char *const *names, int n, bool quiet, char *warn,
	     size_t warnlen)
{
	char *gnuplot = NULL;
	bool found;
	if (warn && warnlen)
		warn[0] = '\0';
	if (find_gnuplot(&gnuplot, &found))
		return PT_ENOMEM;
	if (!found) {
		if (warn && warnlen)
			snprintf(warn, warnlen, "gnuplot not found on PATH: wrote the data and "
				 "scripts; install gnuplot-nox and run `gnuplot NAME.gp` in %s", dir);
		return 0;
	}
	for (int i = 0; i < n; i++) {
		char why[256] = "", file[160];
		bool ok = run_gnuplot(gnuplot, dir, names[i], why, sizeof why) == 0;
		for (int k = 0; k < 2 && ok; k++) {
			snprintf(file, sizeof file, "%s.%s", names[i], k ? "svg" : "png");
			if (nonempty(dir, file) != 0) {
				ok = false;
				snprintf(why, sizeof why, "no %s written", file);
			}
		}
		if (ok && !quiet)
			fprintf(stderr, "plot: %s/%s.png and .svg\n", dir, names[i]);
		if (!ok && warn && warnlen && !warn[0])
			snprintf(warn, warnlen, "gnuplot failed on %s/%s.gp (%s): see %s/%s.log", dir,
				 names[i], why, dir, names[i]);
	}
	free(gnuplot);
	return 0;
}
