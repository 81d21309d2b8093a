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

#include "models/requests.h"
#include "models/summary.h"
#include "sim/status.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

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

/* A 0/1 field. */
static int flag(const struct csv *c, size_t row, const char *name, double *v, struct err *e)
{
	const char *s = cell(c, row, col_of(c, name));
	if (strcmp(s, "0") != 0 && strcmp(s, "1") != 0)
		return fail(e, PT_EINVAL, "%s:%zu: %s: expected 0 or 1, got \"%.40s\"", c->path,
			    row_line(c, row), name, s);
	*v = s[0] == '1';
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
	double p0;      /* P(wait = 0) from the cdf column, NaN when unknown */
	double last_cdf;
	double zero;    /* requests that waited exactly 0 */
	double total;   /* every request of the series (the counts' sum) */
	/* The curve as counts, exact whatever the number of requests: (lo of the smallest
	 * positive bin, zero), then (hi of each bin, requests that waited at most hi). The
	 * complementary CDF at x is (total - y) / total. */
	struct pt *p;
	size_t n, cap;
};

/* One (variant, workload) of summary.csv's failures, as fractions of requests offered: the
 * failure rate (every final failure) with its CI, and each cause's rate (REQUESTS_FAILURES),
 * which add up to it. A folder written before failure_rate existed has timeout_rate only:
 * then that is the total, and the only cause. */
struct rate {
	size_t var, wl;
	double mean, lo, hi;         /* failure_rate; lo, hi NaN when no CI */
	double cause[REQ_FAILURES];  /* each cause's rate, 0 when the folder has no such row */
	bool total;                  /* a failure_rate row was read */
	double t_lo, t_hi;           /* timeout_rate's CI, the total of an older folder */
};

struct trow {
	double t, co, ov, w, batch, backlog;
	double srv; /* server connections, NaN when timeline.csv has no such column */
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
	bool pre_ping;  /* false when pools.csv has no such column (older folders) */
	double ping_s;  /* the ping's round trip with pre_ping, else 0 */
	bool used;      /* a workload of the variant runs on it (true without the column) */
	const char *kind;     /* pools.csv's kind ("" in older folders: SQLAlchemy's QueuePool) */
	const char *settings; /* the kind's sizing settings in its words ("" without the column) */
	const char *server;   /* the server it connects to ("" in older folders) */
};

/* One row of database.csv: the variant's server and deployment. */
struct dbinfo {
	size_t var;
	double processes, max_connections, usable;
};

/* One row of slo.csv: an upper limit on a workload's metric. */
struct slolimit {
	size_t var;
	const char *workload, *metric;
	double limit;
};

/* One row of worst_windows.csv: where replication 0's worst window of one length was. */
struct worstwin {
	size_t var;
	const char *workload;
	double len, fr, fr_start, p99, p99_start; /* NAN: none */
};

struct input {
	struct csv summary, waits, timeline, pools, database, slo, worst;
	bool have_pools, have_batch, have_backlog, have_server, have_database, have_slo,
		have_worst;
	struct worstwin *ww;
	size_t nww, wwcap;
	struct dbinfo *db;
	size_t ndb, dbcap;
	struct slolimit *sl;
	size_t nsl, slcap;
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
	free(in->db);
	free(in->sl);
	free(in->ww);
	free(in->var.v);
	free(in->wl.v);
	free(in->pool.v);
	csv_fini(&in->summary);
	csv_fini(&in->waits);
	csv_fini(&in->timeline);
	csv_fini(&in->pools);
	csv_fini(&in->database);
	csv_fini(&in->slo);
	csv_fini(&in->worst);
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
		const char *wl = cell(c, r, cw), *metric = cell(c, r, cm);
		if (strncmp(wl, "pool/", 5) == 0)
			continue;
		int cause = -1; /* -1: failure_rate; else the cause whose rate the row is */
		for (int f = 0; f < REQ_FAILURES && cause < 0; f++)
			if (strcmp(metric, requests_failure_rate_name((enum requests_failure)f)) == 0)
				cause = f;
		if (cause < 0 && strcmp(metric, "failure_rate") != 0)
			continue;
		if (strcmp(cell(c, r, cu), "1") != 0)
			return fail(e, PT_EINVAL, "%s:%zu: unit: expected \"1\" for %s, got \"%.40s\"",
				    c->path, row_line(c, r), metric, cell(c, r, cu));
		long w = names_add(&in->wl, wl);
		if (w < 0)
			return fail_oom(e);
		struct rate *x = NULL;
		for (size_t i = 0; i < in->nrt && !x; i++)
			if (in->rt[i].var == (size_t)v && in->rt[i].wl == (size_t)w)
				x = &in->rt[i];
		if (!x) {
			struct rate *rt = grow(in->rt, &in->rtcap, in->nrt + 1, sizeof *rt);
			if (!rt)
				return fail_oom(e);
			in->rt = rt;
			x = &in->rt[in->nrt++];
			*x = (struct rate){.var = (size_t)v, .wl = (size_t)w, .mean = NAN, .lo = NAN,
					   .hi = NAN, .t_lo = NAN, .t_hi = NAN};
			for (int f = 0; f < REQ_FAILURES; f++)
				x->cause[f] = NAN;
		}
		if (cause < 0 ? x->total : !isnan(x->cause[cause]))
			return fail(e, PT_EINVAL, "%s:%zu: a second %s row for this variant and workload",
				    c->path, row_line(c, r), metric);
		double mean, lo, hi;
		if ((rc = num(c, r, "mean", NUM_EMPTY, 0, &mean, e)) ||
		    (rc = num(c, r, "ci_low", NUM_EMPTY, NAN, &lo, e)) ||
		    (rc = num(c, r, "ci_high", NUM_EMPTY, NAN, &hi, e)))
			return rc;
		if (mean > 1)
			return fail(e, PT_EINVAL, "%s:%zu: mean: expected a rate in [0, 1] for %s, got \"%.40s\"",
				    c->path, row_line(c, r), metric, cell(c, r, col_of(c, "mean")));
		if (cause < 0) {
			x->total = true;
			x->mean = mean;
			x->lo = lo;
			x->hi = hi;
		} else {
			x->cause[cause] = mean;
			if (cause == REQ_TIMED_OUT) {
				x->t_lo = lo;
				x->t_hi = hi;
			}
		}
	}
	if (in->nrt == 0)
		return fail(e, PT_EINVAL, "%s: no failure_rate rows", c->path);
	for (size_t i = 0; i < in->nrt; i++) {
		struct rate *x = &in->rt[i];
		if (!x->total) { /* an older folder: the timeouts were every failure it counted */
			x->mean = x->cause[REQ_TIMED_OUT];
			x->lo = x->t_lo;
			x->hi = x->t_hi;
		}
		for (int f = 0; f < REQ_FAILURES; f++)
			if (isnan(x->cause[f]))
				x->cause[f] = 0;
	}
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
					      .p0 = cdf, .last_cdf = cdf, .zero = count,
					      .total = count};
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
		s->total += count;
		if (!served)
			continue;
		/* Zero waits cannot sit on a log axis: the curve starts at the smallest
		 * positive bin's lower edge with the zero waits counted. The overflow bin
		 * (hi_s infinite or empty) has no upper edge to draw. */
		if (s->n == 0 && lo > 0 && push_pt(s, lo, s->zero))
			return fail_oom(e);
		if (isfinite(hi) && hi > 0 && push_pt(s, hi, s->total))
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
	in->have_server = col_of(c, "server_connections") >= 0;
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
		struct trow x = {.batch = NAN, .backlog = NAN, .srv = NAN};
		if ((rc = num(c, r, "t_s", 0, 0, &x.t, e)) ||
		    (rc = num(c, r, "checked_out", 0, 0, &x.co, e)) ||
		    (rc = num(c, r, "overflow", 0, NAN, &x.ov, e)) ||
		    (rc = num(c, r, "waiters", 0, 0, &x.w, e)) ||
		    (in->have_batch && (rc = num(c, r, "batch_active", NUM_EMPTY, 0, &x.batch, e))) ||
		    (in->have_backlog && (rc = num(c, r, "backlog", NUM_EMPTY, 0, &x.backlog, e))) ||
		    (in->have_server &&
		     (rc = num(c, r, "server_connections", NUM_EMPTY, 0, &x.srv, e))))
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
		struct poolinfo x = {.pool = cell(c, r, cp), .used = true, .kind = "", .settings = "",
				     .server = ""};
		if (col_of(c, "kind") >= 0)
			x.kind = cell(c, r, col_of(c, "kind"));
		if (col_of(c, "settings") >= 0)
			x.settings = cell(c, r, col_of(c, "settings"));
		if (col_of(c, "server") >= 0)
			x.server = cell(c, r, col_of(c, "server"));
		double pre_ping = 0, used = 1;
		if ((rc = num(c, r, "size", 0, 0, &x.size, e)) ||
		    (rc = num(c, r, "max_overflow", 0, -1, &x.max_overflow, e)) ||
		    (rc = num(c, r, "cap", 0, -1, &x.cap, e)) ||
		    (rc = num(c, r, "timeout_s", NUM_EMPTY, 0, &x.timeout, e)) ||
		    (col_of(c, "pre_ping") >= 0 && (rc = flag(c, r, "pre_ping", &pre_ping, e))) ||
		    (col_of(c, "ping_s") >= 0 && (rc = num(c, r, "ping_s", 0, 0, &x.ping_s, e))) ||
		    (col_of(c, "used") >= 0 && (rc = flag(c, r, "used", &used, e))))
			return rc;
		x.pre_ping = pre_ping > 0;
		x.used = used > 0;
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

/* database.csv (optional): the server's usable connections per variant. */
static int load_database(struct input *in, const char *dir, struct err *e)
{
	static const char *const cols[] = {"variant", "processes", "max_connections",
					   "usable_connections", NULL};
	struct csv *c = &in->database;
	int rc = csv_load(c, dir, "database.csv", cols, true, &in->have_database, e);
	if (rc || !in->have_database)
		return rc;
	for (size_t r = 0; r < csv_rows(c); r++) {
		long v = names_find(&in->var, cell(c, r, col_of(c, "variant")));
		struct dbinfo x = {0};
		if ((rc = num(c, r, "processes", 0, 1, &x.processes, e)) ||
		    (rc = num(c, r, "max_connections", 0, 0, &x.max_connections, e)) ||
		    (rc = num(c, r, "usable_connections", 0, 0, &x.usable, e)))
			return rc;
		if (v < 0)
			continue;
		x.var = (size_t)v;
		for (size_t i = 0; i < in->ndb; i++)
			if (in->db[i].var == x.var)
				return fail(e, PT_EINVAL, "%s:%zu: a second row for this variant",
					    c->path, row_line(c, r));
		struct dbinfo *d = grow(in->db, &in->dbcap, in->ndb + 1, sizeof *d);
		if (!d)
			return fail_oom(e);
		in->db = d;
		in->db[in->ndb++] = x;
	}
	return 0;
}

/* An optional CSV file (csv_load with optional set) that may also hold its header alone: a
 * scenario without SLO limits, a run without request workloads. That is not an error: 0 with
 * *have false. */
static int csv_load_rows_optional(struct csv *c, const char *dir, const char *name,
				  const char *const *cols, bool *have, struct err *e)
{
	int rc = csv_load(c, dir, name, cols, true, have, e);
	if (rc == PT_EINVAL && c->nrec == 1) {
		bool header_ok = true;
		for (size_t i = 0; cols[i]; i++)
			header_ok &= col_of(c, cols[i]) >= 0;
		if (header_ok) {
			if (e->msg && e->len)
				e->msg[0] = 0;
			*have = false;
			return 0;
		}
	}
	return rc;
}

/* slo.csv (optional; a header alone when the scenario has no SLO): the limits drawn on the
 * wait plot. */
static int load_slo(struct input *in, const char *dir, struct err *e)
{
	static const char *const cols[] = {"variant", "workload", "metric", "limit", NULL};
	struct csv *c = &in->slo;
	int rc = csv_load_rows_optional(c, dir, "slo.csv", cols, &in->have_slo, e);
	if (rc || !in->have_slo)
		return rc;
	for (size_t r = 0; r < csv_rows(c); r++) {
		long v = names_find(&in->var, cell(c, r, col_of(c, "variant")));
		struct slolimit x = {.workload = cell(c, r, col_of(c, "workload")),
				     .metric = cell(c, r, col_of(c, "metric"))};
		if ((rc = num(c, r, "limit", 0, 0, &x.limit, e)))
			return rc;
		if (v < 0)
			continue;
		x.var = (size_t)v;
		struct slolimit *l = grow(in->sl, &in->slcap, in->nsl + 1, sizeof *l);
		if (!l)
			return fail_oom(e);
		in->sl = l;
		in->sl[in->nsl++] = x;
	}
	return 0;
}

/* worst_windows.csv (optional: older folders have none, and a header alone when no workload
 * takes requests): the reported worst windows, on which the pool timeline zooms. */
static int load_worst(struct input *in, const char *dir, struct err *e)
{
	static const char *const cols[] = {"variant",	      "workload", "length_s",
					   "failure_rate",    "failure_start_s",
					   "wait_p99",	      "wait_start_s", NULL};
	struct csv *c = &in->worst;
	int rc = csv_load_rows_optional(c, dir, "worst_windows.csv", cols, &in->have_worst, e);
	if (rc || !in->have_worst)
		return rc;
	for (size_t r = 0; r < csv_rows(c); r++) {
		long v = names_find(&in->var, cell(c, r, col_of(c, "variant")));
		struct worstwin x = {.workload = cell(c, r, col_of(c, "workload"))};
		if ((rc = num(c, r, "length_s", 0, 0, &x.len, e)) ||
		    (rc = num(c, r, "failure_rate", NUM_EMPTY, 0, &x.fr, e)) ||
		    (rc = num(c, r, "failure_start_s", NUM_EMPTY, 0, &x.fr_start, e)) ||
		    (rc = num(c, r, "wait_p99", NUM_EMPTY, 0, &x.p99, e)) ||
		    (rc = num(c, r, "wait_start_s", NUM_EMPTY, 0, &x.p99_start, e)))
			return rc;
		if (v < 0)
			continue;
		x.var = (size_t)v;
		struct worstwin *l = grow(in->ww, &in->wwcap, in->nww + 1, sizeof *l);
		if (!l)
			return fail_oom(e);
		in->ww = l;
		in->ww[in->nww++] = x;
	}
	return 0;
}

/* The reported worst window a variant's timeline zooms on: of its longest window length,
 * the workload whose worst window failed the most requests; when none failed, the one with
 * the longest p99 wait; NULL when nothing was reported or nothing happened. *by_failures
 * says which. */
static const struct worstwin *reported_window(const struct input *in, size_t var,
					      bool *by_failures)
{
	double len = 0;
	for (size_t i = 0; i < in->nww; i++)
		if (in->ww[i].var == var)
			len = fmax(len, in->ww[i].len);
	const struct worstwin *best = NULL;
	for (int pass = 0; pass < 2 && !best; pass++) {
		double top = 0;
		for (size_t i = 0; i < in->nww; i++) {
			const struct worstwin *w = &in->ww[i];
			double x = pass ? w->p99 : w->fr, at = pass ? w->p99_start : w->fr_start;
			if (w->var == var && w->len == len && x > top && isfinite(at)) {
				top = x;
				best = w;
			}
		}
		*by_failures = pass == 0;
	}
	return best;
}

static const struct dbinfo *db_info(const struct input *in, size_t var)
{
	for (size_t i = 0; i < in->ndb; i++)
		if (in->db[i].var == var)
			return &in->db[i];
	return NULL;
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

/* A probability as a percentage for a key, three significant digits without an exponent,
 * more when that would round to 0 or 100 %: "57.0 %", "0.00109 %", "99.995 %". */
static void fmt_pct(char *buf, size_t len, double p)
{
	double pct = p * 100;
	if (!(pct > 0) || !isfinite(pct)) {
		snprintf(buf, len, "%g %%", pct);
		return;
	}
	int dec = 2 - (int)floor(log10(pct));
	if (dec < 0)
		dec = 0;
	for (; dec < 12; dec++) {
		snprintf(buf, len, "%.*f %%", dec, pct);
		if (p >= 1 || strtod(buf, NULL) < 100)
			break;
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

/* One line of a plot and its legend entry (drawn by draw_legend). */
enum line_kind { LINE_CURVE, LINE_TIMEOUT, LINE_SLO };
struct legend_line {
	char *name;      /* the part of the legend text that may be shortened */
	char suffix[96]; /* the part that may not ("   P(wait > 0) = 0.566") */
	long block;      /* its block in waits_cdf.dat; -1: none (a legend entry only) */
	char lc[32];
	int dt;
	enum line_kind kind;
};

/* Legend text per column: in the two-column layout (font 8) a column holds some 415 px of
 * text, and names average about 5.1 px a character there (measured), so 78 fit; one column
 * (font 9) has the whole width. */
#define LEGEND_CHARS_2 78
#define LEGEND_CHARS_1 140

/* Next free tags of arrows, labels and objects in a script. */
struct legend_tags {
	size_t arrow, label, object;
};

/* The legend drawn by hand under a 1000 x 600 plot, from screen height `bottom` up (a line
 * sample, or a shaded box for LINE_SLO, and a label per entry, at screen positions): gnuplot's
 * own key guesses text widths and silently drops the columns that do not fit. Two columns
 * from six entries on, each text shortened to what a column holds; the variable part (name)
 * goes, never the suffix. *top receives the screen height of its upper edge. 0 or
 * PT_ENOMEM. */
static int draw_legend(struct out *g, const struct legend_line *ln, size_t n, double bottom,
		       size_t max_cols, struct legend_tags *tags, double *top)
{
	FILE *s = g->f;
	size_t cols = n > 5 && max_cols > 1 ? 2 : 1, rows = n ? (n + cols - 1) / cols : 1;
	double row_h = cols == 2 ? 0.024 : 0.027;
	*top = bottom + 0.012 + (double)rows * row_h;
	for (size_t i = 0; i < n; i++) {
		size_t row = i % rows, col = i / rows;
		double x = col ? 0.53 : 0.06, y = *top - ((double)row + 0.5) * row_h;
		size_t room = (cols == 2 ? LEGEND_CHARS_2 : LEGEND_CHARS_1);
		size_t sl = text_len(ln[i].suffix);
		char *name = shorten(ln[i].name, room > sl + 8 ? room - sl : 8);
		if (!name)
			return PT_ENOMEM;
		if (ln[i].kind == LINE_SLO)
			fprintf(s, "set object %zu rect from screen %.4f, %.4f to screen %.4f, %.4f "
				   "fc rgb '#d7191c' fs transparent solid 0.10 border lc rgb '#d7191c'\n",
				tags->object++, x, y - 0.008, x + 0.035, y + 0.008);
		else
			fprintf(s, "set arrow %zu from screen %.4f, %.4f to screen %.4f, %.4f nohead %s dt %d lw %s\n",
				tags->arrow++, x, y, x + 0.035, y, ln[i].lc, ln[i].dt,
				ln[i].kind == LINE_TIMEOUT ? "1.5" : "2");
		fprintf(s, "set label %zu ", tags->label++);
		gp_quotef(g, "%s%s", name, ln[i].suffix);
		fprintf(s, " at screen %.4f, %.4f left font ',%d'\n", x + 0.045, y, cols == 2 ? 8 : 9);
		free(name);
	}
	return 0;
}

/* The SLO metrics the wait plot can draw: a limit L on quantile q of the served waits says
 * P(wait > L) <= 1 - q; wait_max (q = 1) says P(wait > L) = 0. */
static double slo_quantile(const char *metric)
{
	static const struct {
		const char *name;
		double q;
	} qs[] = {{"wait_p50", 0.5}, {"wait_p90", 0.9}, {"wait_p95", 0.95}, {"wait_p99", 0.99},
		  {"wait_p999", 0.999}, {"wait_max", 1}};
	for (size_t i = 0; i < sizeof qs / sizeof *qs; i++)
		if (strcmp(metric, qs[i].name) == 0)
			return qs[i].q;
	return NAN;
}

/* Variants that have served requests and a pool with pre_ping (and a ping that costs time),
 * "a; b" into a new string ("" when none); *ping_s receives their largest ping. */
static char *pre_ping_variants(const struct input *in, const bool *served, double *ping_s)
{
	char *list = strf("%s", "");
	*ping_s = 0;
	for (size_t v = 0; list && v < in->var.n; v++) {
		bool has = false;
		for (size_t i = 0; i < in->npi; i++)
			if (in->pi[i].var == v && in->pi[i].used && in->pi[i].pre_ping &&
			    in->pi[i].ping_s > 0) {
				has = true;
				*ping_s = fmax(*ping_s, in->pi[i].ping_s);
			}
		if (!has || !served[v])
			continue;
		char *x = strf("%s%s%s", list, list[0] ? "; " : "", in->var.v[v]);
		free(list);
		list = x;
	}
	return list;
}

/* The ping of variant v's pools (the largest), 0 without pre_ping. */
static double variant_ping(const struct input *in, size_t v)
{
	double p = 0;
	for (size_t i = 0; i < in->npi; i++)
		if (in->pi[i].var == v && in->pi[i].used && in->pi[i].pre_ping)
			p = fmax(p, in->pi[i].ping_s);
	return p;
}

/* The complementary CDF of the served waits, P(wait > x), on log-log axes: the tail a review
 * is about (p99, p99.9, the timeouts) gets as much room as the body, and a variant that
 * rarely waits is a low curve instead of a line hugging y = 1. */
static int write_waits_cdf(const struct input *in, const char *dir, struct err *e)
{
	struct out d = {0}, g = {0};
	size_t cap = in->nws + in->npi + in->nsl + 1;
	struct legend_line *ln = calloc(cap, sizeof *ln);
	double *touts = calloc(cap, sizeof *touts);
	bool *served = calloc(in->var.n + 1, sizeof *served); /* per variant */
	size_t n = 0, ntout = 0;
	long nblock = 0;
	char *pp = NULL;
	int rc = ln && touts && served ? 0 : fail_oom(e);
	if (rc || (rc = out_open(&d, dir, "waits_cdf", "dat", e)) ||
	    (rc = out_open(&g, dir, "waits_cdf", "gp", e)))
		goto done;
	FILE *f = d.f, *s = g.f;
	fputs("# pooltide waits_cdf.dat: the wait for a connection of served requests, from waits.csv,\n"
	      "# as a complementary CDF: P(wait > x). One block per series, blocks separated by two\n"
	      "# blank lines (gnuplot `index N`).\n"
	      "# Curve blocks: wait_s p_longer. The first row is the lower edge of the smallest\n"
	      "# non-empty histogram bin at height P(wait > 0) (zero waits cannot be drawn on a log\n"
	      "# axis), then the upper edge of each bin with the share of requests that waited longer.\n"
	      "# Where that share is 0 (past the longest wait) the curve drops to the bottom of the\n"
	      "# axis, the value given as y_floor below, and ends.\n"
	      "# Timeout blocks: timeout_s y_floor and timeout_s 1, a vertical line.\n",
	      f);
	size_t nwl_served = 0;
	for (size_t k = 0; k < in->wl.n; k++)
		for (size_t i = 0; i < in->nws; i++)
			if (in->ws[i].served && in->ws[i].wl == k) {
				nwl_served++;
				break;
			}
	for (size_t i = 0; i < in->nws; i++)
		served[in->ws[i].var] |= in->ws[i].served && in->ws[i].total > 0;

	/* The bottom of the y axis: a decade below the smallest positive share drawn (or an SLO
	 * mark), so that the smallest one is visible above the drop to zero. At most 0.1. */
	double minpos = 0.1;
	for (size_t i = 0; i < in->nws; i++) {
		const struct wseries *w = &in->ws[i];
		for (size_t j = 0; w->served && w->total > 0 && j < w->n; j++) {
			double c = (w->total - w->p[j].y) / w->total;
			if (c > 0)
				minpos = fmin(minpos, c);
		}
	}
	for (size_t i = 0; i < in->nsl; i++) {
		double q = slo_quantile(in->sl[i].metric);
		if (q < 1)
			minpos = fmin(minpos, 1 - q);
	}
	double yfloor = pow(10, floor(log10(minpos) - 1e-9));
	fprintf(f, "# y_floor %.9g\n", yfloor);

	double xmin = INFINITY, xmax = -INFINITY;
	bool drawn = false;
	for (size_t v = 0; v < in->var.n; v++)
		for (size_t i = 0; i < in->nws; i++) {
			const struct wseries *w = &in->ws[i];
			if (!w->served || w->var != v)
				continue;
			bool curve = w->total > w->zero && w->n > 0;
			struct legend_line *l = &ln[n++];
			*l = (struct legend_line){.block = curve ? nblock++ : -1, .dt = workload_dt(w->wl)};
			snprintf(l->lc, sizeof l->lc, "lc %d", variant_lc(v));
			/* A series without a curve still gets its legend entry: "P(wait > 0) = 0"
			 * says why there is no line. */
			char p[32] = "unknown";
			if (w->total > 0)
				fmt_pct(p, sizeof p, (w->total - w->zero) / w->total);
			double ping = variant_ping(in, v);
			if (w->total <= 0) {
				snprintf(l->suffix, sizeof l->suffix, "   nothing served");
			} else if (ping > 0) {
				/* With pre_ping every checkout of a pooled connection waits for its
				 * ping: what matters is the share that waited longer than that. The
				 * bin holding the ping counts as "at once" (1 % resolution). */
				double at = w->zero;
				for (size_t j = 0; j < w->n && w->p[j].x <= ping * 1.02; j++)
					at = w->p[j].y;
				char pl[32], pd[32];
				fmt_pct(pl, sizeof pl, (w->total - at) / w->total);
				fmt_dur(pd, sizeof pd, ping);
				snprintf(l->suffix, sizeof l->suffix, "   P(wait > %s ping) = %s", pd, pl);
			} else {
				snprintf(l->suffix, sizeof l->suffix, "   P(wait > 0) = %s", p);
			}
			l->name = nwl_served > 1 ? strf("%s / %s", in->var.v[v], in->wl.v[w->wl])
						 : strf("%s", in->var.v[v]);
			if (!l->name) {
				rc = fail_oom(e);
				goto done;
			}
			if (!curve)
				continue;
			fprintf(f, "\n\n# index %ld: variant ", l->block);
			comment_name(f, in->var.v[v]);
			fputs(", workload ", f);
			comment_name(f, in->wl.v[w->wl]);
			fprintf(f, ", %.9g requests, %.9g waited 0\n", w->total, w->zero);
			for (size_t j = 0; j < w->n; j++) {
				double c = (w->total - w->p[j].y) / w->total;
				put_num(f, w->p[j].x);
				fputc(' ', f);
				put_num(f, c > 0 ? c : yfloor);
				fputc('\n', f);
				xmin = fmin(xmin, w->p[j].x);
				xmax = fmax(xmax, w->p[j].x);
				if (!(c > 0))
					break;
			}
			drawn = true;
		}
	/* Pool timeouts: one dotted vertical line per distinct value, naming its variants,
	 * in the variant's colour when it is one variant's only (several variants sharing a
	 * timeout would draw the same line on top of each other anyway). */
	size_t nvar_served = 0;
	for (size_t v = 0; v < in->var.n; v++) {
		nvar_served += served[v];
		for (size_t i = 0; served[v] && i < in->npi; i++) {
			const struct poolinfo *p = &in->pi[i];
			bool known = false;
			for (size_t j = 0; j < ntout; j++)
				known |= touts[j] == p->timeout;
			if (p->var == v && p->used && !isnan(p->timeout) && p->timeout > 0 && !known)
				touts[ntout++] = p->timeout;
		}
	}
	for (size_t t = 0; t < ntout; t++) {
		/* The variants (with served requests) that have a pool with this timeout. */
		size_t nv = 0, last = 0, len = 0;
		for (size_t v = 0; v < in->var.n; v++) {
			bool has = false;
			for (size_t i = 0; i < in->npi; i++)
				has |= in->pi[i].var == v && in->pi[i].used &&
				       in->pi[i].timeout == touts[t];
			if (has && served[v]) {
				len += text_len(in->var.v[v]) + 2;
				nv++;
				last = v;
			}
		}
		char tt[32];
		fmt_dur(tt, sizeof tt, touts[t]);
		struct legend_line *l = &ln[n++];
		*l = (struct legend_line){.block = nblock++, .dt = 3, .kind = LINE_TIMEOUT};
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
					has |= in->pi[i].var == v && in->pi[i].used &&
					       in->pi[i].timeout == touts[t];
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
				if (in->pi[i].var == v && in->pi[i].used &&
				    in->pi[i].timeout == touts[t]) {
					fputs(k++ ? "; " : "", f);
					comment_name(f, in->var.v[v]);
					break;
				}
		fputc('\n', f);
		put_num(f, touts[t]);
		fputc(' ', f);
		put_num(f, yfloor);
		fputc('\n', f);
		put_num(f, touts[t]);
		fputs(" 1\n", f);
		xmin = fmin(xmin, touts[t]);
		xmax = fmax(xmax, touts[t]);
	}
	/* SLO limits on wait quantiles: the curve of a variant meeting "wait_pQ <= L" passes
	 * at or below (L, 1 - Q), so the shaded corner right of L and above 1 - Q is where no
	 * curve may go; wait_max <= L shades everything right of L. One mark per distinct
	 * (workload, metric, limit), naming its variants unless every variant has it. */
	size_t slo0 = n;
	for (size_t i = 0; i < in->nsl; i++) {
		const struct slolimit *sl = &in->sl[i];
		double q = slo_quantile(sl->metric);
		long wl = names_find(&in->wl, sl->workload);
		if (isnan(q) || wl < 0 || !served[sl->var] || !(sl->limit > 0))
			continue;
		bool known = false;
		for (size_t j = 0; j < i; j++)
			known |= strcmp(in->sl[j].workload, sl->workload) == 0 &&
				 strcmp(in->sl[j].metric, sl->metric) == 0 &&
				 in->sl[j].limit == sl->limit && served[in->sl[j].var];
		if (known)
			continue;
		size_t nv = 0;
		for (size_t j = 0; j < in->nsl; j++)
			nv += strcmp(in->sl[j].workload, sl->workload) == 0 &&
			      strcmp(in->sl[j].metric, sl->metric) == 0 &&
			      in->sl[j].limit == sl->limit && served[in->sl[j].var];
		char lim[32];
		fmt_dur(lim, sizeof lim, sl->limit);
		struct legend_line *l = &ln[n++];
		*l = (struct legend_line){.block = -1, .kind = LINE_SLO};
		snprintf(l->lc, sizeof l->lc, "lc rgb '#d7191c'");
		l->name = strf("SLO %s%s%s <= %s", sl->metric, nwl_served > 1 ? " of " : "",
			       nwl_served > 1 ? sl->workload : "", lim);
		if (l->name && nv < nvar_served) {
			char *x = strf("%s (", l->name);
			free(l->name);
			l->name = x;
			for (size_t j = 0, k = 0; l->name && j < in->nsl; j++) {
				if (strcmp(in->sl[j].workload, sl->workload) != 0 ||
				    strcmp(in->sl[j].metric, sl->metric) != 0 ||
				    in->sl[j].limit != sl->limit || !served[in->sl[j].var])
					continue;
				x = strf("%s%s%s", l->name, k++ ? "; " : "", in->var.v[in->sl[j].var]);
				free(l->name);
				l->name = x;
			}
			snprintf(l->suffix, sizeof l->suffix, "): curves stay out of the shading");
		} else {
			snprintf(l->suffix, sizeof l->suffix, ": curves stay out of the shading");
		}
		if (!l->name) {
			rc = fail_oom(e);
			goto done;
		}
		/* The corner is kept for the script below: its x and y in the dat comment. */
		fprintf(f, "# SLO mark %zu: ", n - slo0);
		comment_name(f, l->name);
		fprintf(f, ": P(wait > %.9g) <= %.9g\n", sl->limit, q < 1 ? 1 - q : 0);
		xmin = fmin(xmin, sl->limit);
		xmax = fmax(xmax, sl->limit);
	}

	gp_begin(s, "waits_cdf", "complementary CDF of the wait for a connection");
	fputs("set output 'waits_cdf.'.ext\n"
	      "set title 'Wait for a connection, served requests: share that waited longer than x'\n"
	      "set xlabel 'x: wait from the checkout request to a usable connection, connect included (log scale)'\n"
	      "set ylabel 'P(wait > x), served requests (log scale)'\n"
	      "set logscale xy\n"
	      "set grid xtics ytics mxtics\n"
	      "unset key\n",
	      s);
	/* Axes: decades, labelled as durations and percentages. */
	if (!isfinite(xmin)) {
		xmin = 1e-3;
		xmax = 10;
	}
	double x0 = pow(10, floor(log10(xmin))), x1 = pow(10, ceil(log10(xmax * 1.5)));
	if (x1 <= x0 * 10)
		x1 = x0 * 100;
	fprintf(s, "set xrange [%.9g:%.9g]\nset yrange [%.9g:1]\nset xtics (", x0, x1, yfloor);
	for (double x = x0, k = 0; x <= x1 * 1.001; x *= 10, k++) {
		char t[32];
		fmt_dur(t, sizeof t, x);
		fprintf(s, "%s'%s' %.9g", k ? ", " : "", t, x);
	}
	fputs(")\nset ytics (", s);
	/* Tic labels are formats to gnuplot: the percent sign doubled. */
	for (int k = 0; pow(10, -k) >= yfloor * 0.999; k++)
		fprintf(s, "%s'%.*f %%%%' %.9g", k ? ", " : "", k > 2 ? k - 2 : 0,
			100 * pow(10, -k), pow(10, -k));
	fputs(")\n", s);
	/* The SLO corners, behind the curves. */
	size_t obj = 1;
	for (size_t i = 0; i < in->nsl; i++) {
		const struct slolimit *sl = &in->sl[i];
		double q = slo_quantile(sl->metric);
		if (isnan(q) || names_find(&in->wl, sl->workload) < 0 || !served[sl->var] ||
		    !(sl->limit > 0))
			continue;
		bool known = false;
		for (size_t j = 0; j < i; j++)
			known |= strcmp(in->sl[j].workload, sl->workload) == 0 &&
				 strcmp(in->sl[j].metric, sl->metric) == 0 &&
				 in->sl[j].limit == sl->limit && served[in->sl[j].var];
		if (known)
			continue;
		if (q < 1)
			fprintf(s, "set object %zu rect from first %.9g, first %.9g to graph 1, graph 1 "
				   "behind fc rgb '#d7191c' fs transparent solid 0.10 border lc rgb '#d7191c' lw 1\n",
				obj++, sl->limit, 1 - q);
		else
			fprintf(s, "set object %zu rect from first %.9g, graph 0 to graph 1, graph 1 "
				   "behind fc rgb '#d7191c' fs transparent solid 0.10 border lc rgb '#d7191c' lw 1\n",
				obj++, sl->limit);
	}
	/* What a zero wait means: the caption under the legend. */
	double ping = 0;
	pp = pre_ping_variants(in, served, &ping);
	if (!pp) {
		rc = fail_oom(e);
		goto done;
	}
	char pd[32];
	fmt_dur(pd, sizeof pd, ping);
	char *cap1 = strf("wait = 0: an idle connection was handed over at once (no queue, no "
			  "connect). Such requests lie under no curve: each curve starts at "
			  "P(wait > 0).");
	/* A long list of variants would push the point of the sentence off the image. */
	if (text_len(pp) > 50) {
		size_t nv = 1;
		for (const char *c = pp; (c = strstr(c, "; ")); c += 2)
			nv++;
		char *x = strf("%zu variants", nv);
		if (x) {
			free(pp);
			pp = x;
		}
	}
	char *cap2 = pp[0] ? strf("With pre_ping (%s) a checkout of a pooled connection includes "
				  "its ping (one round trip, %s): no wait is 0; one ping = at once.",
				  pp, pd)
			   : strf("%s", "");
	/* The legend under the plot, the caption (one or two lines at font 8) under it. */
	double cap_h = pp[0] ? 0.05 : 0.025, top;
	struct legend_tags tags = {1, 1, obj};
	if (draw_legend(&g, ln, n, cap_h, 2, &tags, &top)) {
		rc = fail_oom(e);
		free(cap1);
		free(cap2);
		goto done;
	}
	fprintf(s, "set bmargin at screen %.4f\n", top + 0.085);
	char *c1 = cap1 ? shorten(cap1, LEGEND_CHARS_1 + 25) : NULL;
	char *c2 = cap2 ? shorten(cap2, LEGEND_CHARS_1 + 25) : NULL;
	if (c1 && c2) {
		fprintf(s, "set label %zu ", tags.label++);
		gp_quote(s, c1);
		fprintf(s, " at screen 0.02, %.4f left font ',8' tc rgb '#333333'\n", cap_h - 0.008);
		if (c2[0]) {
			fprintf(s, "set label %zu ", tags.label++);
			gp_quote(s, c2);
			fprintf(s, " at screen 0.02, %.4f left font ',8' tc rgb '#333333'\n", 0.017);
		}
	}
	bool caps_ok = c1 && c2;
	free(cap1);
	free(cap2);
	free(c1);
	free(c2);
	if (!caps_ok) {
		rc = fail_oom(e);
		goto done;
	}
	bool first = true;
	for (size_t i = 0; i < n; i++) {
		if (ln[i].block < 0)
			continue;
		gp_next(s, &first);
		fprintf(s, "'waits_cdf.dat' index %ld using 1:2 with lines %s dt %d%s notitle",
			ln[i].block, ln[i].lc, ln[i].dt, ln[i].kind == LINE_TIMEOUT ? " lw 1.5" : "");
	}
	if (first) /* nothing to draw: an empty frame with the legend */
		fputs("plot NaN notitle", s);
	fputc('\n', s);
	(void)drawn;
	gp_end(s);
done:
	for (size_t i = 0; i < n; i++)
		free(ln[i].name);
	free(ln);
	free(touts);
	free(served);
	free(pp);
	rc = out_close(&d, rc, e);
	return out_close(&g, rc, e);
}

/* ---- failures */

/* A colour per cause (Okabe-Ito), the same in every plot of every folder: timed out
 * vermillion, refused blue, then the rarer causes. */
static const char *const cause_colour[REQ_FAILURES] = {
	"#D55E00", "#0072B2", "#E69F00", "#CC79A7", "#56B4E9", "#009E73", "#882255",
};
#define SLO_COLOUR "#C00000"

/* The limit on the whole run's failures for (variant, workload): slo.csv's failure_rate, or
 * timeout_rate, which is judged on every failure too (models/slo.c); NaN without one. */
static double failure_limit(const struct input *in, size_t var, size_t wl)
{
	double lim = NAN;
	for (size_t i = 0; i < in->nsl; i++) {
		const struct slolimit *l = &in->sl[i];
		if (l->var == var && strcmp(l->workload, in->wl.v[wl]) == 0 &&
		    (strcmp(l->metric, "failure_rate") == 0 || strcmp(l->metric, "timeout_rate") == 0))
			lim = isnan(lim) ? l->limit : fmin(lim, l->limit);
	}
	return lim;
}

/* The value label of rate r in failures.png: "api: 2.5 % [1.5, 3.5], SLO 1 %" (the workload's
 * name when there are several, "(no CI)" without an interval, the SLO limit on failures when
 * there is one) into buf; returns its length. */
static int failure_label(const struct input *in, const struct rate *r, size_t nw, char *buf,
			 size_t len)
{
	char name[160] = "";
	if (nw > 1) {
		char *sh = shorten(in->wl.v[r->wl], 40);
		snprintf(name, sizeof name, "%s: ", sh ? sh : in->wl.v[r->wl]);
		free(sh);
	}
	char slo[64] = "";
	double lim = failure_limit(in, r->var, r->wl);
	if (isfinite(lim))
		snprintf(slo, sizeof slo, ", SLO %.3g %%", lim * 100);
	if (isfinite(r->lo) && isfinite(r->hi))
		return snprintf(buf, len, " %s%.3g %% [%.3g, %.3g]%s", name, r->mean * 100,
				r->lo * 100, r->hi * 100, slo);
	return snprintf(buf, len, " %s%.3g %% (no CI)%s", name, r->mean * 100, slo);
}

/* failures.png: per variant (rows) and workload (bars within a row), the requests that failed
 * finally, stacked by cause (only the causes that occurred somewhere), the 95 % CI of the
 * total as an error bar, and the SLO limit on failures as a dashed mark across the bar. */
static int write_failures(const struct input *in, const char *dir, struct err *e)
{
	struct out d, g;
	int rc = out_open(&d, dir, "failures", "dat", e);
	if (rc)
		return rc;
	rc = out_open(&g, dir, "failures", "gp", e);
	if (rc)
		return out_close(&d, rc, e);
	FILE *f = d.f, *s = g.f;
	/* The causes that occurred, in REQUESTS_FAILURES order: the columns after the fourth. */
	int drawn[REQ_FAILURES], nc = 0;
	for (int c = 0; c < REQ_FAILURES; c++) {
		bool any = false;
		for (size_t i = 0; i < in->nrt && !any; i++)
			any = in->rt[i].cause[c] > 0;
		if (any)
			drawn[nc++] = c;
	}
	fputs("# pooltide failures.dat: requests that failed finally (every cause), in percent of the\n"
	      "# requests offered, from summary.csv (metric failure_rate, and one rate per cause).\n"
	      "# One block per workload (gnuplot `index N`), one row per variant:\n"
	      "# variant_index failure_pct ci_low_pct ci_high_pct (95 % CI; NaN when there is none)",
	      f);
	for (int j = 0; j < nc; j++)
		fprintf(f, " %s_pct", requests_failure_rate_name((enum requests_failure)drawn[j]));
	fputs("\n# (the causes that occurred, in pooltide's order; they add up to failure_pct)\n", f);
	/* Workloads with a failure rate, in order; the others (waits only) are not drawn. */
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
				double sum = 0;
				for (int j = 0; j < nc; j++) {
					fputc(' ', f);
					put_num(f, r->cause[drawn[j]] * 100);
					sum += r->cause[drawn[j]];
				}
				fputc('\n', f);
				double top = fmax(isfinite(r->hi) ? r->hi : 0, fmax(r->mean, sum));
				double lim = failure_limit(in, v, k);
				if (isfinite(lim))
					top = fmax(top, lim);
				if (isfinite(top))
					xmax = fmax(xmax, top * 100);
			}
	}
	gp_begin(s, "failures", "failed requests per variant and workload, stacked by cause, with "
				"the 95 % CI of the total and the SLO limit");
	fputs("set output 'failures.'.ext\n"
	      "set title 'Requests that failed, by cause (mean over replications; error bar: 95 % CI of the total)'\n"
	      "set xlabel 'failed requests (% of requests offered)'\n"
	      "set format x '%g %%'\n"
	      "set grid xtics\n"
	      "set key below center horizontal\n"
	      "set style fill solid 0.7 border -1\n"
	      "set ytics nomirror\n"
	      "set xtics nomirror\n"
	      "set border 3\n",
	      s);
	/* Room on the right for the value labels: beside the bars, on an axis 1.45 times the
	 * longest bar; when that axis would pass 100 % (a share of requests cannot), the axis
	 * ends at 100 % and the labels stand in a column in the right margin, level with their
	 * bars, the margin as wide as the longest label (in characters of the 10 pt font; the
	 * labels are 9 pt), at most 60. */
	bool margin = xmax * 1.45 > 100;
	int longest = 0;
	for (size_t k = 0; margin && k < nw; k++)
		for (size_t i = 0; i < in->nrt; i++) {
			char text[512];
			const struct rate *r = &in->rt[i];
			if (r->wl != wl[k] || isnan(r->mean))
				continue;
			int n = failure_label(in, r, nw, text, sizeof text);
			longest = n > longest ? n : longest;
		}
	fputs("set xrange [0:", s);
	put_num(s, margin ? 100 : xmax > 0 ? xmax * 1.45 : 1);
	fputs("]\n", s);
	if (margin)
		fprintf(s, "set rmargin %d\n", longest * 9 / 10 + 3 < 60 ? longest * 9 / 10 + 3 : 60);
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
	 * value labels (with the workload's name when there are several) and the SLO marks are
	 * `set label`s and `set arrow`s written here: gnuplot skips a whole data row when a
	 * column it reads is NaN (a rate without CI). */
	double h = 0.8 / (double)(nw ? nw : 1);
	bool any_limit = false;
	for (size_t k = 0; k < nw; k++) {
		double off = -0.4 + h * ((double)k + 0.5), hh = h * 0.42;
		for (size_t i = 0; i < in->nrt; i++) {
			const struct rate *r = &in->rt[i];
			if (r->wl != wl[k] || isnan(r->mean))
				continue;
			double y = (double)r->var + off;
			double lim = failure_limit(in, r->var, wl[k]);
			double x = isfinite(r->hi) && r->hi > r->mean ? r->hi : r->mean;
			if (isfinite(lim) && lim > x)
				x = lim;
			char text[512];
			failure_label(in, r, nw, text, sizeof text);
			fputs("set label ", s);
			gp_quote(s, text);
			if (margin) /* the right margin's column, level with the bar */
				fprintf(s, " at graph 1, first %.9g offset character 1, 0 left font ',9'\n",
					y);
			else
				fprintf(s, " at %.9g, %.9g left font ',9'\n", fmax(x, 0) * 100, y);
			if (isfinite(lim)) {
				any_limit = true;
				fprintf(s, "set arrow from %.9g, %.9g to %.9g, %.9g nohead front "
					   "lc rgb '%s' lw 2 dt 2\n",
					lim * 100, y - hh * 1.2, lim * 100, y + hh * 1.2, SLO_COLOUR);
			}
		}
	}
	bool first = true;
	for (size_t k = 0; k < nw; k++) {
		double off = -0.4 + h * ((double)k + 0.5), hh = h * 0.42;
		char y[64];
		snprintf(y, sizeof y, "($1%+.9g)", off);
		/* Cause j spans [sum of the causes before it, that sum + its own]: columns 5... */
		char lo[256] = "0", hi[256];
		for (int j = 0; j < nc; j++) {
			int len = snprintf(hi, sizeof hi, "%s+$%d", lo, 5 + j);
			if (len < 0 || (size_t)len >= sizeof hi)
				break; /* never: a few causes, a few bytes each */
			gp_next(s, &first);
			fprintf(s, "'failures.dat' index %zu using ((%s+%s)/2):%s:(%s):(%s):($1%+.9g):($1%+.9g) "
				   "with boxxyerror lc rgb '%s' ",
				k, lo, hi, y, lo, hi, off - hh, off + hh, cause_colour[drawn[j]]);
			if (k == 0) {
				fputs("title ", s);
				gp_quote(s, requests_failure_name((enum requests_failure)drawn[j]));
			} else
				fputs("notitle", s);
			snprintf(lo, sizeof lo, "%s", hi);
		}
		gp_next(s, &first);
		fprintf(s, "'failures.dat' index %zu using 2:%s:3:4 with xerrorbars lc rgb 'black' lw 1 pt 7 ps 0.5 notitle",
			k, y);
	}
	if (any_limit) {
		gp_next(s, &first);
		fprintf(s, "keyentry with lines lc rgb '%s' lw 2 dt 2 title 'SLO limit on failures'",
			SLO_COLOUR);
	}
	fputc('\n', s);
	gp_end(s);
	free(wl);
	rc = out_close(&d, 0, e);
	return out_close(&g, rc, e);
}

/* ---- pool_timeline, server_connections and backlog */

/* A pool a variant runs no workload on has nothing to show (true without pools.csv). */
static bool series_used(const struct input *in, const struct tseries *t)
{
	const struct poolinfo *pi = pool_info(in, t->var, in->pool.v[t->pool]);
	return !pi || pi->used;
}

/* The series to draw, in variant order, then pool order, only pools their variant uses: their
 * indices into in->ts, *n of them; NULL when out of memory. */
static size_t *timeline_order(const struct input *in, size_t *n)
{
	size_t *o = malloc((in->nts ? in->nts : 1) * sizeof *o);
	*n = 0;
	if (!o)
		return NULL;
	for (size_t v = 0; v < in->var.n; v++)
		for (size_t p = 0; p < in->pool.n; p++)
			for (size_t i = 0; i < in->nts; i++)
				if (in->ts[i].var == v && in->ts[i].pool == p &&
				    series_used(in, &in->ts[i]))
					o[(*n)++] = i;
	return o;
}

/* Pages of the pool timeline: ceil(rows / PLOT_TIMELINE_ROWS), at least one. */
static size_t timeline_pages(const struct input *in)
{
	size_t n = 0;
	for (size_t i = 0; i < in->nts; i++)
		n += series_used(in, &in->ts[i]);
	return n ? (n + PLOT_TIMELINE_ROWS - 1) / PLOT_TIMELINE_ROWS : 1;
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

/* The sampling step of a series (its first interval; the sampler's step is fixed). */
static double step_of(const struct tseries *t)
{
	return t->n > 1 && t->r[1].t > t->r[0].t ? t->r[1].t - t->r[0].t : 1;
}

/* The bin of the whole-run view: a readable width (1, 2, 5 x 10^k below a second; 1, 2, 5,
 * 10, 15, 30 s; 1, 2, 5, 10, 15, 30 min; 1, 2, 3, 6, 12 h; days) giving at most about 120
 * bins, and never below the sampling step: a 2 h run gets one bin a minute. */
static double bin_width(double tmax_s, double step_s)
{
	static const double w[] = {1,    2,    5,    10,    15,    30,    60,    120,  300,
				   600,  900,  1800, 3600,  7200,  10800, 21600, 43200, 86400};
	double want = fmax(tmax_s / 120, step_s);
	if (!(want > 0))
		return 1;
	if (want < 1) {
		double dec = pow(10, floor(log10(want)));
		static const double m[] = {1, 2, 5, 10};
		for (int i = 0; i < 4; i++)
			if (m[i] * dec >= want * (1 - 1e-12))
				return m[i] * dec;
	}
	for (size_t i = 0; i < sizeof w / sizeof *w; i++)
		if (w[i] >= want * (1 - 1e-12))
			return w[i];
	return 86400 * ceil(want / 86400);
}

/* "1 min", "5 s", "200 ms": a bin or window length for titles. */
static void fmt_len(char *buf, size_t len, double s)
{
	if (s >= 3600 && fmod(s, 3600) == 0)
		snprintf(buf, len, "%g h", s / 3600);
	else if (s >= 60 && fmod(s, 60) == 0)
		snprintf(buf, len, "%g min", s / 60);
	else
		fmt_dur(buf, len, s);
}

/* "1:01:00" or "61:00" or "12.5 s": an instant of simulated time for titles. */
static void fmt_clock(char *buf, size_t len, double s)
{
	long t = lround(s);
	if (fabs(s - (double)t) > 1e-6 || s < 60)
		snprintf(buf, len, "%g s", s);
	else if (t >= 3600)
		snprintf(buf, len, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, len, "%ld:%02ld", t / 60, t % 60);
}

/* Per-bin maxima of a series: bins [k w, (k + 1) w) up to tmax (the last one closed), each
 * the largest sample in it (NaN when it holds none). The samples are instants, so a bin's
 * maximum is the largest sampled value, not the largest value reached between samples. */
struct bin {
	double co, ov, w, srv, backlog;
};

static struct bin *bin_max(const struct tseries *t, double w, double tmax, size_t *nb)
{
	size_t n = (size_t)ceil(tmax / w * (1 - 1e-12));
	if (n == 0)
		n = 1;
	struct bin *b = malloc(n * sizeof *b);
	if (!b)
		return NULL;
	for (size_t k = 0; k < n; k++)
		b[k] = (struct bin){NAN, NAN, NAN, NAN, NAN};
	for (size_t j = 0; j < t->n; j++) {
		const struct trow *r = &t->r[j];
		size_t k = (size_t)(r->t / w * (1 + 1e-12));
		if (k >= n)
			k = n - 1;
		b[k].co = fmax(b[k].co, r->co);
		b[k].ov = fmax(b[k].ov, r->ov);
		b[k].w = fmax(b[k].w, r->w);
		b[k].srv = fmax(b[k].srv, r->srv);
		b[k].backlog = fmax(b[k].backlog, r->backlog);
	}
	*nb = n;
	return b;
}

/* The zoom window of a series, `len` seconds long (a whole number of samples): the one with
 * the most waiting (the largest sum of sampled waiters, i.e. waiter-seconds / step), the
 * earliest of equals; when nobody ever waited, the one with the most connections checked out.
 * Returns its start. This is the plot's only choice of the window: a reported worst window
 * can replace it. */
static double worst_window(const struct tseries *t, double len, bool *waiting)
{
	*waiting = false;
	if (t->n == 0)
		return 0;
	size_t m = (size_t)lround(len / step_of(t));
	if (m < 1)
		m = 1;
	if (m > t->n)
		m = t->n;
	for (int pass = 0; pass < 2; pass++) {
		double sum = 0, best = -1;
		size_t at = 0;
		for (size_t j = 0; j < t->n; j++) {
			sum += pass ? t->r[j].co : t->r[j].w;
			if (j >= m)
				sum -= pass ? t->r[j - m].co : t->r[j - m].w;
			if (j + 1 >= m && sum > best) {
				best = sum;
				at = j + 1 - m;
			}
		}
		if (best > 0 || pass == 1) {
			*waiting = pass == 0;
			return t->r[at].t;
		}
	}
	return 0;
}

/* The zoom length: 5 min, or a quarter of a shorter run (readable), at least four samples. */
static double zoom_len(double tmax_s, double step_s)
{
	double len = tmax_s >= 1200 ? 300 : bin_width(tmax_s / 4 * 120 / 100, step_s);
	return fmax(len, 4 * step_s);
}

/* A terminal of another size than gp_begin's, inside its loop over the two formats. */
static void gp_size(FILE *s, int w, int h)
{
	fprintf(s, "if (ext eq 'png') {\n"
		   "\tset terminal pngcairo size %d,%d noenhanced font 'Sans,10'\n"
		   "} else {\n"
		   "\tset terminal svg size %d,%d noenhanced dynamic font 'Sans,10' background rgb 'white'\n"
		   "}\n",
		w, h, w, h);
}

/* One row of the pool timeline is this many pixels (a title line, then the panels), the band
 * of the title and the legend above the rows this many. */
#define TL_ROW_PX 250
#define TL_HEAD_PX 70

static int write_pool_timeline(const struct input *in, const char *dir, struct err *e)
{
	struct out d, g;
	int rc = out_open(&d, dir, "pool_timeline", "dat", e);
	if (rc)
		return rc;
	rc = out_open(&g, dir, "pool_timeline", "gp", e);
	if (rc)
		return out_close(&d, rc, e);
	size_t nsel;
	size_t *order = timeline_order(in, &nsel);
	/* Per pool, over every variant, so panels of one pool share their scales. */
	double *y1 = calloc(in->pool.n ? in->pool.n : 1, sizeof *y1);
	double *y1min = calloc(in->pool.n ? in->pool.n : 1, sizeof *y1min);
	double *y2 = calloc(in->pool.n ? in->pool.n : 1, sizeof *y2);
	double *z0 = calloc(nsel ? nsel : 1, sizeof *z0);
	bool *zw = calloc(nsel ? nsel : 1, sizeof *zw); /* chosen by waiting (else by checkouts) */
	/* the reported worst window each zoom shows, when the folder has them */
	const struct worstwin **zr = calloc(nsel ? nsel : 1, sizeof *zr);
	bool *zf = calloc(nsel ? nsel : 1, sizeof *zf); /* zr chosen by failures (else by p99) */
	if (!order || !y1 || !y1min || !y2 || !z0 || !zw || !zr || !zf) {
		free(zr);
		free(zf);
		free(zw);
		free(order);
		free(y1);
		free(y1min);
		free(y2);
		free(z0);
		return out_close(&g, out_close(&d, fail_oom(e), e), e);
	}
	FILE *f = d.f, *s = g.f;
	double tmax_s = tmax_of(in), step = nsel ? step_of(&in->ts[order[0]]) : 1;
	double bw = bin_width(tmax_s, step), zl = zoom_len(tmax_s, step);
	char bws[32], zls[32];
	fmt_len(bws, sizeof bws, bw);
	fmt_len(zls, sizeof zls, zl);
	fprintf(f, "# pooltide pool_timeline.dat: pool status sampled every %.9g s in the first\n"
		   "# replication, from timeline.csv. Two blocks per variant and pool (gnuplot `index N`):\n"
		   "# the whole run as the largest sample in each %s (t_s is the bin's start; a last\n"
		   "# row at the end repeats the last bin, for steps), then every sample of the zoom\n"
		   "# window (%s centred on the worst window that worst_windows.csv reports, else\n"
		   "# the %s with the most waiting). Columns:\n"
		   "# t_s checked_out overflow waiters%s\n",
		step, bws, zls, zls, in->have_batch ? " batch_active" : "");
	int status = 0;
	for (size_t k = 0; k < nsel; k++) {
		const struct tseries *t = &in->ts[order[k]];
		const struct poolinfo *pi = pool_info(in, t->var, in->pool.v[t->pool]);
		size_t nb = 0;
		struct bin *b = bin_max(t, bw, tmax_s, &nb);
		if (!b) {
			status = PT_ENOMEM;
			break;
		}
		z0[k] = worst_window(t, zl, &zw[k]);
		zr[k] = reported_window(in, t->var, &zf[k]);
		if (zr[k]) {
			/* centred on the reported window (replication 0 is the timeline's too) */
			const struct worstwin *w = zr[k];
			double at = zf[k] ? w->fr_start : w->p99_start;
			z0[k] = fmin(fmax(at + w->len / 2 - zl / 2, 0), fmax(tmax_s - zl, 0));
		}
		fprintf(f, "\n\n# index %zu: variant ", 2 * k);
		comment_name(f, in->var.v[t->var]);
		fputs(", pool ", f);
		comment_name(f, in->pool.v[t->pool]);
		if (pi && pi->cap >= 0)
			fprintf(f, ", cap %.9g", pi->cap);
		fprintf(f, ": largest sample per %s\n", bws);
		for (size_t j = 0; j <= nb; j++) {
			const struct bin *x = &b[j < nb ? j : nb - 1];
			fprintf(f, "%.9g ", j < nb ? (double)j * bw : tmax_s);
			put_num(f, x->co);
			fputc(' ', f);
			put_num(f, x->ov);
			fputc(' ', f);
			put_num(f, x->w);
			fputc('\n', f);
		}
		free(b);
		fprintf(f, "\n\n# index %zu: the same, every sample from %.9g s to %.9g s\n", 2 * k + 1,
			z0[k], z0[k] + zl);
		for (size_t j = 0; j < t->n; j++) {
			const struct trow *r = &t->r[j];
			if (r->t < z0[k] - 1e-9 || r->t > z0[k] + zl + 1e-9)
				continue;
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
	struct tunit u = time_unit(tmax_s);
	gp_begin(s, "pool_timeline", "checked out, overflow and waiters over time, per variant and pool");
	size_t pages = timeline_pages(in);
	for (size_t pg = 0; pg < pages && !status; pg++) {
		size_t k0 = pg * PLOT_TIMELINE_ROWS;
		size_t n = nsel - k0 < PLOT_TIMELINE_ROWS ? nsel - k0 : PLOT_TIMELINE_ROWS;
		if (nsel == 0)
			n = 0;
		size_t rows = n ? n : 1;
		int height = TL_HEAD_PX + (int)rows * TL_ROW_PX;
		double H = height, head = TL_HEAD_PX / H, rowh = TL_ROW_PX / H;
		bool batch = false, cap = false;
		for (size_t k = k0; k < k0 + n; k++) {
			const struct tseries *t = &in->ts[order[k]];
			const struct poolinfo *pi = pool_info(in, t->var, in->pool.v[t->pool]);
			batch |= t->any_batch;
			cap |= pi && pi->cap >= 0;
		}
		char name[64];
		page_name(name, sizeof name, "pool_timeline", pg);
		gp_size(s, 1000, height);
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
		fprintf(s, "\n# the legend\n"
			   "set origin 0, %.4f\nset size 1, %.4f\n"
			   "unset border\nunset xtics\nunset ytics\nunset y2tics\nunset grid\nunset title\n"
			   "unset xlabel\nunset ylabel\nunset y2label\n"
			   "set lmargin 0\nset rmargin 0\nset tmargin 0\nset bmargin 0\n"
			   "set xrange [0:1]\nset yrange [0:1]\n"
			   "set key center center horizontal maxrows 1 font ',9' samplen 3\n"
			   "plot NaN with lines lc 1 title 'checked out', \\\n"
			   "     NaN with lines lc 3 title 'overflow in use', \\\n"
			   "     NaN with lines lc 2 lw 1.5 title 'waiters (right axis)'",
			1 - head + 0.005, 0.45 * head);
		if (cap)
			fputs(", \\\n     NaN with lines lc rgb 'black' lw 1.5 dt 2 "
			      "title 'pool cap (the most connections it may open)'",
			      s);
		fputs(", \\\n     NaN with boxes fs transparent solid 0.5 noborder "
		      "lc rgb '#ffd54f' title 'zoom window'",
		      s);
		if (batch)
			fputs(", \\\n     NaN with boxes fs transparent solid 0.3 noborder "
			      "lc rgb '#a0a0a0' title 'batch running'",
			      s);
		fputs("\n# the panels\n"
		      "unset key\nset border\nset xtics\nset ytics nomirror\nset y2tics\n"
		      "set grid xtics ytics\n"
		      "set lmargin 9\nset rmargin 9\nset tmargin 1.6\nset bmargin 3\n"
		      "set ylabel 'connections'\nset y2label 'waiters'\n",
		      s);
		fprintf(s, "set xlabel 'simulated time (%s)'\n", u.name);
		for (size_t k = k0; k < k0 + n; k++) {
			const struct tseries *t = &in->ts[order[k]];
			const struct poolinfo *pi = pool_info(in, t->var, in->pool.v[t->pool]);
			const struct dbinfo *db = db_info(in, t->var);
			double top = y1[t->pool] > 0 ? y1[t->pool] * 1.1 : 1;
			double y0 = 1 - head - (double)(k - k0 + 1) * rowh, ph = rowh - 22 / H;
			/* The row's title: variant, pool, cap, and which process the samples are of. */
			char capt[160] = "", proc[96] = "";
			/* the cap in the kind's words: SQLAlchemy's size + max_overflow, else the
			 * kind's own settings from pools.csv (HikariCP maximumPoolSize=10 ...) */
			bool queuepool = pi && (pi->kind[0] == '\0' || strcmp(pi->kind, "sqlalchemy") == 0 ||
						strcmp(pi->kind, "sqlalchemy-async") == 0);
			if (pi && queuepool && pi->cap >= 0)
				snprintf(capt, sizeof capt, ", cap %.9g (size %.9g + max_overflow %.9g)",
					 pi->cap, pi->size, pi->max_overflow);
			else if (pi && queuepool)
				snprintf(capt, sizeof capt, ", no cap (max_overflow -1)");
			else if (pi && pi->cap >= 0)
				snprintf(capt, sizeof capt, ", %.40s, cap %.9g (%.80s)", pi->kind, pi->cap,
					 pi->settings);
			else if (pi)
				snprintf(capt, sizeof capt, ", %.40s, no cap (%.80s)", pi->kind,
					 pi->settings[0] ? pi->settings : "none");
			if (db && db->processes > 1)
				snprintf(proc, sizeof proc, "; samples of process 1 of %.9g (each has its own pool)",
					 db->processes);
			char *head_txt = strf("%s: pool %s%s%s", in->var.v[t->var], in->pool.v[t->pool],
					      capt, proc);
			char *short_txt = head_txt ? shorten(head_txt, 150) : NULL;
			free(head_txt);
			if (!short_txt) {
				status = PT_ENOMEM;
				break;
			}
			fprintf(s, "\n# row %zu\nset label 1 ", k - k0 + 1);
			gp_quote(s, short_txt);
			free(short_txt);
			fprintf(s, " at screen 0.01, %.4f left font ',10'\n", y0 + rowh - 11 / H);
			fprintf(s, "set yrange [%.9g:%.9g]\n", y1min[t->pool] < 0 ? y1min[t->pool] * 1.1 : 0,
				top);
			fprintf(s, "set y2range [0:%.9g]\n", y2[t->pool] > 0 ? y2[t->pool] * 1.1 : 1);
			char x[64], zs[32], ze[32];
			snprintf(x, sizeof x, "($1/%.9g)", u.div);
			fmt_clock(zs, sizeof zs, z0[k]);
			fmt_clock(ze, sizeof ze, z0[k] + zl);
			/* left: the whole run, per-bin maxima; the zoom window shaded */
			fprintf(s, "set origin 0, %.4f\nset size 0.62, %.4f\n", y0, ph);
			fprintf(s, "set title 'whole run: largest sample per %s' font ',9'\n", bws);
			fprintf(s, "set xrange [0:%.9g]\n", tmax_s > 0 ? tmax_s / u.div : 1);
			fprintf(s, "set object 1 rect from first %.9g, graph 0 to first %.9g, graph 1 behind "
				   "fc rgb '#ffd54f' fs transparent solid 0.5 noborder\n",
				z0[k] / u.div, (z0[k] + zl) / u.div);
			fprintf(s, "plot 'pool_timeline.dat' index %zu using %s:2 with steps lc 1, \\\n"
				   "     '' index %zu using %s:3 with steps lc 3, \\\n"
				   "     '' index %zu using %s:4 axes x1y2 with steps lc 2 lw 1.5",
				2 * (k), x, 2 * (k), x, 2 * (k), x);
			if (pi && pi->cap >= 0)
				fprintf(s, ", \\\n     %.9g with lines lc rgb 'black' lw 1.5 dt 2", pi->cap);
			fputs("\nunset object 1\nunset label 1\n", s);
			/* right: the zoom, every sample */
			fprintf(s, "set origin 0.62, %.4f\nset size 0.38, %.4f\n", y0, ph);
			if (zr[k]) {
				char wl[32];
				metric_window_label(zr[k]->len, wl, sizeof wl);
				fputs("set title ", s);
				if (zf[k])
					gp_quotef(&g, "zoom %s-%s: %s's worst %s window, %.3g%% failed",
						  zs, ze, zr[k]->workload, wl, zr[k]->fr * 100);
				else
					gp_quotef(&g, "zoom %s-%s: %s's worst %s window, p99 wait %.3g s",
						  zs, ze, zr[k]->workload, wl, zr[k]->p99);
				fputs(" font ',9'\n", s);
			} else if (zw[k])
				fprintf(s, "set title 'zoom %s-%s: the %s with the most waiting' font ',9'\n",
					zs, ze, zls);
			else
				fprintf(s, "set title 'zoom %s-%s: the busiest %s (nobody waited)' font ',9'\n",
					zs, ze, zls);
			fprintf(s, "set xrange [%.9g:%.9g]\n", z0[k] / u.div, (z0[k] + zl) / u.div);
			bool first = true;
			if (t->any_batch) {
				/* Sample-and-hold: a sample describes the pool until the next one,
				 * which is what fillsteps and steps draw. */
				gp_next(s, &first);
				fprintf(s, "'pool_timeline.dat' index %zu using %s:(($5>0)?%.9g:0) with fillsteps "
					   "fs transparent solid 0.3 noborder lc rgb '#a0a0a0'",
					2 * k + 1, x, top);
			}
			gp_next(s, &first);
			fprintf(s, "'pool_timeline.dat' index %zu using %s:2 with steps lc 1", 2 * k + 1, x);
			gp_next(s, &first);
			fprintf(s, "'' index %zu using %s:3 with steps lc 3", 2 * k + 1, x);
			gp_next(s, &first);
			fprintf(s, "'' index %zu using %s:4 axes x1y2 with steps lc 2 lw 1.5", 2 * k + 1, x);
			if (pi && pi->cap >= 0) {
				gp_next(s, &first);
				fprintf(s, "%.9g with lines lc rgb 'black' lw 1.5 dt 2", pi->cap);
			}
			fputc('\n', s);
		}
		if (n == 0) /* nothing sampled: an empty frame says so */
			fputs("set origin 0, 0\nset size 1, 0.7\nset title 'no pool is used by any workload'\n"
			      "plot NaN notitle\n",
			      s);
		fputs("unset multiplot\n", s);
	}
	gp_end(s);
	free(order);
	free(y1);
	free(y1min);
	free(y2);
	free(z0);
	free(zw);
	free(zr);
	free(zf);
	if (status)
		rc = fail_oom(e);
	rc = out_close(&d, rc, e);
	return out_close(&g, rc, e);
}

/* One line per variant of a whole-run quantity (per-bin maxima of one column of the first
 * drawn series of each variant, which is the same in every pool's rows): the data blocks and
 * the legend entries, variants whose binned series are identical sharing one line and one
 * entry ("a = b"), so none hides another. `col` picks the column (offsetof into struct bin). */
struct vline {
	size_t var;
	char *names;   /* "a", or "a = b = c" */
	long block;
	double max;
};

/* The double at byte offset col of a row struct (offsetof of one of its double members): read
 * with memcpy, not through a cast pointer. */
static double col_value(const void *row, size_t col)
{
	double x;
	memcpy(&x, (const char *)row + col, sizeof x);
	return x;
}

static int variant_lines(const struct input *in, FILE *f, double bw, double tmax_s, size_t col,
			 struct vline **out, size_t *nout)
{
	size_t nsel;
	size_t *order = timeline_order(in, &nsel);
	struct vline *vl = calloc(in->var.n + 1, sizeof *vl);
	struct bin **bins = calloc(in->var.n + 1, sizeof *bins);
	size_t n = 0, nb = 0;
	int rc = order && vl && bins ? 0 : PT_ENOMEM;
	for (size_t v = 0; !rc && v < in->var.n; v++) {
		const struct tseries *t = NULL;
		for (size_t k = 0; k < nsel && !t; k++)
			if (in->ts[order[k]].var == v)
				t = &in->ts[order[k]];
		if (!t)
			continue;
		struct bin *b = bin_max(t, bw, tmax_s, &nb);
		if (!b) {
			rc = PT_ENOMEM;
			break;
		}
		/* identical to a line already drawn? */
		size_t same = n;
		for (size_t i = 0; i < n && same == n; i++) {
			bool eq = true;
			for (size_t j = 0; j < nb && eq; j++) {
				double a = col_value(&b[j], col);
				double c = col_value(&bins[i][j], col);
				eq = a == c || (isnan(a) && isnan(c));
			}
			if (eq)
				same = i;
		}
		if (same < n) {
			char *x = strf("%s = %s", vl[same].names, in->var.v[v]);
			free(b);
			if (!x) {
				rc = PT_ENOMEM;
				break;
			}
			free(vl[same].names);
			vl[same].names = x;
			continue;
		}
		vl[n] = (struct vline){.var = v, .names = strf("%s", in->var.v[v]),
				       .block = (long)n, .max = 0};
		bins[n] = b;
		if (!vl[n].names) {
			rc = PT_ENOMEM;
			n++;
			break;
		}
		fprintf(f, "\n\n# index %zu: variant ", n);
		comment_name(f, in->var.v[v]);
		fputc('\n', f);
		for (size_t j = 0; j <= nb; j++) {
			double x = col_value(&b[j < nb ? j : nb - 1], col);
			fprintf(f, "%.9g ", j < nb ? (double)j * bw : tmax_s);
			put_num(f, x);
			fputc('\n', f);
			if (x > vl[n].max)
				vl[n].max = x;
		}
		n++;
	}
	for (size_t i = 0; i < n; i++)
		free(bins[i]);
	free(bins);
	free(order);
	if (rc) {
		for (size_t i = 0; i < n; i++)
			free(vl[i].names);
		free(vl);
		return rc;
	}
	/* One line for every variant: say so rather than list them all. */
	if (n == 1 && in->var.n > 2 && strchr(vl[0].names, '=')) {
		char *x = strf("every variant (%zu identical lines)", in->var.n);
		if (x) {
			free(vl[0].names);
			vl[0].names = x;
		}
	}
	/* the comment lines name the merged variants too */
	for (size_t i = 0; i < n; i++)
		if (strchr(vl[i].names, '=')) {
			fprintf(f, "# index %zu is also: ", i);
			comment_name(f, vl[i].names);
			fputc('\n', f);
		}
	*out = vl;
	*nout = n;
	return 0;
}

/* Dash type of the k-th variant line: solid, dashed, dash-dot, dash-dot-dot, in turn with
 * the palette, so lines of neighbouring variants differ in colour and in pattern. */
static int variant_dt(size_t k)
{
	static const int dt[] = {1, 2, 4, 5};
	return dt[k % 4];
}

static int write_server_connections(const struct input *in, const char *dir, struct err *e)
{
	struct out d, g;
	int rc = out_open(&d, dir, "server_connections", "dat", e);
	if (rc)
		return rc;
	rc = out_open(&g, dir, "server_connections", "gp", e);
	if (rc)
		return out_close(&d, rc, e);
	FILE *f = d.f, *s = g.f;
	double tmax_s = tmax_of(in), step = in->nts ? step_of(&in->ts[0]) : 1;
	double bw = bin_width(tmax_s, step);
	char bws[32];
	fmt_len(bws, sizeof bws, bw);
	fprintf(f, "# pooltide server_connections.dat: connections open on the database server (every\n"
		   "# process and pool, connections being opened included), sampled every %.9g s in the\n"
		   "# first replication, from timeline.csv; the largest sample in each %s (t_s is the\n"
		   "# bin's start). One block per variant (gnuplot `index N`): t_s connections\n",
		step, bws);
	struct vline *vl = NULL;
	size_t n = 0;
	rc = variant_lines(in, f, bw, tmax_s, offsetof(struct bin, srv), &vl, &n);
	struct legend_line *ln = rc ? NULL : calloc(n + in->ndb + 1, sizeof *ln);
	double *usable = rc ? NULL : calloc(in->ndb + 1, sizeof *usable);
	size_t nl = 0, nu = 0;
	if (!rc && (!ln || !usable))
		rc = PT_ENOMEM;
	double ymax = 0;
	bool merged = false; /* merged names are long: one column then */
	for (size_t i = 0; !rc && i < n; i++) {
		merged |= strchr(vl[i].names, '=') != NULL;
		ln[nl] = (struct legend_line){.name = strf("%s", vl[i].names), .block = vl[i].block,
					      .dt = variant_dt(i)};
		snprintf(ln[nl].lc, sizeof ln[nl].lc, "lc %d", variant_lc(vl[i].var));
		ymax = fmax(ymax, vl[i].max);
		if (!ln[nl++].name)
			rc = PT_ENOMEM;
	}
	/* usable max_connections: one dashed line per distinct value */
	for (size_t i = 0; !rc && i < in->ndb; i++) {
		bool known = false;
		for (size_t j = 0; j < nu; j++)
			known |= usable[j] == in->db[i].usable;
		if (known)
			continue;
		usable[nu++] = in->db[i].usable;
		ymax = fmax(ymax, in->db[i].usable);
		size_t nv = 0;
		for (size_t j = 0; j < in->ndb; j++)
			nv += in->db[j].usable == in->db[i].usable;
		ln[nl] = (struct legend_line){.block = -1, .dt = 2, .kind = LINE_TIMEOUT};
		snprintf(ln[nl].lc, sizeof ln[nl].lc, "lc rgb 'black'");
		ln[nl].name = strf("usable connections %.9g (max_connections %.9g minus reserved)%s",
				   in->db[i].usable, in->db[i].max_connections,
				   nv < in->ndb ? " in some variants" : "");
		if (!ln[nl++].name)
			rc = PT_ENOMEM;
	}
	if (!rc) {
		gp_begin(s, "server_connections", "database server connections over time, per variant");
		struct tunit u = time_unit(tmax_s);
		fputs("set output 'server_connections.'.ext\n", s);
		fprintf(s, "set title 'Connections on the database server, every process and pool "
			   "(largest sample per %s, first replication)'\n",
			bws);
		fprintf(s, "set xlabel 'simulated time (%s)'\n", u.name);
		fputs("set ylabel 'server connections'\nset grid xtics ytics\nunset key\n", s);
		fprintf(s, "set xrange [0:%.9g]\nset yrange [0:%.9g]\n", tmax_s > 0 ? tmax_s / u.div : 1,
			ymax > 0 ? ymax * 1.1 : 1);
		struct legend_tags tags = {1, 1, 1};
		double top;
		rc = draw_legend(&g, ln, nl, 0, merged ? 1 : 2, &tags, &top);
		fprintf(s, "set bmargin at screen %.4f\n", top + 0.085);
		/* The usable lines first, so that a variant at the limit is drawn over them. */
		bool first = true;
		for (size_t i = n; i < nl; i++) {
			gp_next(s, &first);
			fprintf(s, "%.9g with lines lc rgb 'black' dt 2 lw 1.5 notitle", usable[i - n]);
		}
		for (size_t i = 0; i < n; i++) {
			gp_next(s, &first);
			if (ln[i].block >= 0)
				fprintf(s, "'server_connections.dat' index %ld using ($1/%.9g):2 with steps "
					   "%s dt %d notitle",
					ln[i].block, u.div, ln[i].lc, ln[i].dt);
		}
		if (first)
			fputs("plot NaN notitle", s);
		fputc('\n', s);
		gp_end(s);
	}
	for (size_t i = 0; i < n; i++)
		free(vl[i].names);
	free(vl);
	for (size_t i = 0; ln && i < nl; i++)
		free(ln[i].name);
	free(ln);
	free(usable);
	if (rc)
		rc = fail_oom(e);
	rc = out_close(&d, rc, e);
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
	FILE *f = d.f, *s = g.f;
	double tmax_s = tmax_of(in), step = in->nts ? step_of(&in->ts[0]) : 1;
	double bw = bin_width(tmax_s, step);
	char bws[32];
	fmt_len(bws, sizeof bws, bw);
	fprintf(f, "# pooltide backlog.dat: records waiting in the batch workloads' backlogs, sampled\n"
		   "# every %.9g s in the first replication, from timeline.csv; the largest sample in\n"
		   "# each %s (t_s is the bin's start). One block per variant (gnuplot `index N`):\n"
		   "# t_s backlog. Variants with identical lines share a block.\n",
		step, bws);
	struct vline *vl = NULL;
	size_t n = 0;
	rc = variant_lines(in, f, bw, tmax_s, offsetof(struct bin, backlog), &vl, &n);
	struct legend_line *ln = rc ? NULL : calloc(n + 1, sizeof *ln);
	if (!rc && !ln)
		rc = PT_ENOMEM;
	double ymax = 0;
	bool merged = false; /* merged names are long: one column then */
	for (size_t i = 0; !rc && i < n; i++) {
		bool same = strchr(vl[i].names, '=') != NULL;
		merged |= same;
		ln[i] = (struct legend_line){.name = strf("%s", vl[i].names), .block = vl[i].block,
					     .dt = variant_dt(i)};
		if (same)
			snprintf(ln[i].suffix, sizeof ln[i].suffix, "  (identical lines)");
		snprintf(ln[i].lc, sizeof ln[i].lc, "lc %d", variant_lc(vl[i].var));
		ymax = fmax(ymax, vl[i].max);
		if (!ln[i].name)
			rc = PT_ENOMEM;
	}
	if (!rc) {
		struct tunit u = time_unit(tmax_s);
		gp_begin(s, "backlog", "backlog over time, one line per variant");
		fputs("set output 'backlog.'.ext\n", s);
		fprintf(s, "set title 'Backlog of the batch workloads (largest sample per %s, first "
			   "replication)'\n",
			bws);
		fprintf(s, "set xlabel 'simulated time (%s)'\n", u.name);
		fputs("set ylabel 'records waiting'\nset grid xtics ytics\nunset key\n", s);
		fprintf(s, "set xrange [0:%.9g]\nset yrange [0:%.9g]\n", tmax_s > 0 ? tmax_s / u.div : 1,
			ymax > 0 ? ymax * 1.1 : 1);
		struct legend_tags tags = {1, 1, 1};
		double top;
		rc = draw_legend(&g, ln, n, 0, merged ? 1 : 2, &tags, &top);
		fprintf(s, "set bmargin at screen %.4f\n", top + 0.085);
		bool first = true;
		for (size_t i = 0; i < n; i++) {
			gp_next(s, &first);
			fprintf(s, "'backlog.dat' index %ld using ($1/%.9g):2 with steps %s dt %d",
				ln[i].block, u.div, ln[i].lc, ln[i].dt);
		}
		if (first)
			fputs("plot NaN", s);
		fputs(" notitle\n", s);
		gp_end(s);
	}
	for (size_t i = 0; i < n; i++)
		free(vl[i].names);
	free(vl);
	for (size_t i = 0; ln && i < n; i++)
		free(ln[i].name);
	free(ln);
	if (rc)
		rc = fail_oom(e);
	rc = out_close(&d, rc, e);
	return out_close(&g, rc, e);
}

/* ---- pgbouncer: PgBouncer's SHOW POOLS over time */

/* Panels drawn at most in pgbouncer.png (220 px a panel). */
#define PGB_PANELS_MAX 9

/* One panel of pgbouncer.png: a variant, the pool whose timeline rows are read, and the
 * database they describe (NULL when pools.csv does not say: older folders). */
struct pgb_panel {
	size_t var;
	const char *pool, *database;
};

/* The panels a variant may get, in pools.csv order: PgBouncer has one pool per database it
 * fronts (one [databases] entry per server) and a pool's timeline rows carry its server's
 * database's status, so the first pool on each server stands for that database. Without
 * pools.csv's server column, the variant's first pool in timeline.csv. Returns how many. */
static size_t pgb_candidates(const struct input *in, size_t v, struct pgb_panel *out,
			     size_t max)
{
	const struct csv *c = &in->timeline;
	size_t n = 0;
	for (size_t i = 0; i < in->npi && n < max; i++) {
		const struct poolinfo *p = &in->pi[i];
		if (p->var != v || !p->server[0])
			continue;
		bool seen = false;
		for (size_t k = 0; k < n && !seen; k++)
			seen = strcmp(out[k].database, p->server) == 0;
		if (!seen)
			out[n++] = (struct pgb_panel){v, p->pool, p->server};
	}
	if (n > 0)
		return n;
	int cv = col_of(c, "variant"), cp = col_of(c, "pool");
	for (size_t r = 0; r < csv_rows(c) && max > 0; r++)
		if (strcmp(cell(c, r, cv), in->var.v[v]) == 0) {
			out[0] = (struct pgb_panel){v, cell(c, r, cp), NULL};
			return 1;
		}
	return 0;
}

/* PgBouncer's status over the first replication, from timeline.csv's cl_active, cl_waiting,
 * sv_active, sv_idle and maxwait_s (written when a variant has PgBouncer): one panel per
 * variant and database PgBouncer fronts (pgb_candidates) whose PgBouncer pool was ever busy
 * (the columns are 0 in the rows of a variant without one, and of a database nothing used),
 * the first PGB_PANELS_MAX of them; every sample, steps; maxwait on the right axis. */
static int write_pgbouncer(const struct input *in, const char *dir, struct err *e)
{
	static const char *const cols[] = {"cl_active", "cl_waiting", "sv_active", "sv_idle",
					   "maxwait_s"};
	const struct csv *c = &in->timeline;
	int cv = col_of(c, "variant"), cp = col_of(c, "pool");
	struct out d, g;
	int rc = out_open(&d, dir, "pgbouncer", "dat", e);
	if (rc)
		return rc;
	rc = out_open(&g, dir, "pgbouncer", "gp", e);
	if (rc)
		return out_close(&d, rc, e);
	FILE *f = d.f, *s = g.f;
	fputs("# pooltide pgbouncer.dat: PgBouncer's SHOW POOLS sampled in the first replication,\n"
	      "# from timeline.csv. One block per variant and database with PgBouncer (gnuplot\n"
	      "# `index N`), named by the comment line before it:\n"
	      "# t_s cl_active cl_waiting sv_active sv_idle maxwait_s\n", f);
	struct pgb_panel panel[PGB_PANELS_MAX];
	size_t np = 0;
	double tmax_s = 0;
	for (size_t v = 0; v < in->var.n && np < PGB_PANELS_MAX && !rc; v++) {
		struct pgb_panel cand[PGB_PANELS_MAX];
		size_t nc = pgb_candidates(in, v, cand, PGB_PANELS_MAX - np);
		for (size_t k = 0; k < nc && !rc; k++) {
			const char *pool = cand[k].pool;
			bool busy = false;
			for (size_t r = 0; r < csv_rows(c) && !rc; r++) {
				if (strcmp(cell(c, r, cv), in->var.v[v]) != 0 ||
				    strcmp(cell(c, r, cp), pool) != 0)
					continue;
				double x[5], t;
				if ((rc = num(c, r, "t_s", 0, 0, &t, e)))
					break;
				for (int m = 0; m < 5 && !rc; m++)
					rc = num(c, r, cols[m], 0, 0, &x[m], e);
				if (rc)
					break;
				busy |= x[0] > 0 || x[1] > 0 || x[2] > 0 || x[3] > 0;
				tmax_s = fmax(tmax_s, t);
			}
			if (rc || !busy)
				continue;
			/* the block: every row of the pool standing for the database */
			fputs("# ", f);
			comment_name(f, in->var.v[v]);
			if (cand[k].database) {
				fputs(", database ", f);
				comment_name(f, cand[k].database);
			}
			fputs(" (pool ", f);
			comment_name(f, pool);
			fputs(")\n", f);
			for (size_t r = 0; r < csv_rows(c); r++) {
				if (strcmp(cell(c, r, cv), in->var.v[v]) != 0 ||
				    strcmp(cell(c, r, cp), pool) != 0)
					continue;
				fprintf(f, "%s", cell(c, r, col_of(c, "t_s")));
				for (int m = 0; m < 5; m++)
					fprintf(f, " %s", cell(c, r, col_of(c, cols[m])));
				fputc('\n', f);
			}
			fputs("\n\n", f);
			panel[np++] = cand[k];
		}
	}
	if (!rc) {
		struct tunit u = time_unit(tmax_s);
		gp_begin(s, "pgbouncer",
			 "PgBouncer's clients and servers over time, per variant and database");
		int h = 60 + 220 * (int)(np ? np : 1);
		fprintf(s, "if (ext eq 'png') {\n"
			   "\tset terminal pngcairo size 1000,%d noenhanced font 'Sans,10'\n"
			   "} else {\n"
			   "\tset terminal svg size 1000,%d noenhanced dynamic font 'Sans,10' "
			   "background rgb 'white'\n}\n", h, h);
		fputs("set output 'pgbouncer.'.ext\n", s);
		fprintf(s, "set multiplot layout %zu,1 title 'PgBouncer (SHOW POOLS), first "
			   "replication: every sample'\n", np ? np : 1);
		fprintf(s, "set xlabel 'simulated time (%s)'\nset ylabel 'connections'\n"
			   "set y2label 'maxwait (s)'\nset ytics nomirror\nset y2tics\n"
			   "set grid xtics ytics\nset key outside right top vertical\n"
			   "set xrange [0:%.9g]\nset yrange [0:*]\nset y2range [0:*]\n",
			u.name, tmax_s > 0 ? tmax_s / u.div : 1);
		for (size_t i = 0; i < np; i++) {
			fputs("set title ", s);
			if (panel[i].database)
				gp_quotef(&g, "%s: database %s", in->var.v[panel[i].var],
					  panel[i].database);
			else
				gp_quote(s, in->var.v[panel[i].var]);
			fprintf(s, "\nplot 'pgbouncer.dat' index %zu using ($1/%.9g):4 with steps lc 1 "
				   "title 'sv_active', \\\n"
				   "     '' index %zu using ($1/%.9g):5 with steps lc 2 title 'sv_idle', \\\n"
				   "     '' index %zu using ($1/%.9g):2 with steps lc 3 title 'cl_active', \\\n"
				   "     '' index %zu using ($1/%.9g):3 with steps lc 4 title 'cl_waiting', \\\n"
				   "     '' index %zu using ($1/%.9g):6 axes x1y2 with steps lc rgb 'black' "
				   "dt 2 title 'maxwait'\n",
				i, u.div, i, u.div, i, u.div, i, u.div, i, u.div);
		}
		if (np == 0)
			fputs("plot NaN notitle\n", s);
		fputs("unset multiplot\n", s);
		gp_end(s);
	}
	rc = out_close(&d, rc, e);
	return out_close(&g, rc, e);
}

/* ---------------------------------------------------------------- running gnuplot */

/* The absolute path of an executable "gnuplot" on PATH (as execvp would search it) in a new
 * string; *found false when there is none. */
#define SWEEP_PLOT_MAX 64 /* values per axis (a sweep allows 64) */

/* A sweep over two axes (sweep.csv with exactly two axis columns before the first
 * "<workload>.failure_rate" column): a heat map of the first request workload's failure rate,
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
		if (n > 13 && strcmp(h + n - 13, ".failure_rate") == 0) {
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
	gp_begin(s, "sweep_heatmap", "failure rate over a two-axis sweep");
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
	      "set cbrange [0:*]\nset cblabel 'failure rate (%)'\n"
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
	    (rc = load_timeline(&in, dir, &e)) || (rc = load_pools(&in, dir, &e)) ||
	    (rc = load_database(&in, dir, &e)) || (rc = load_slo(&in, dir, &e)) ||
	    (rc = load_worst(&in, dir, &e)))
		goto done;

	struct plot plots[7];
	size_t np = 0;
	bool heatmap = false;
	if ((rc = write_sweep_heatmap(dir, &heatmap, &e)))
		goto done;
	if (heatmap)
		plots[np++] = (struct plot){"sweep_heatmap", 1};
	plots[np++] = (struct plot){"waits_cdf", 1};
	plots[np++] = (struct plot){"failures", 1};
	plots[np++] = (struct plot){"pool_timeline", timeline_pages(&in)};
	if (in.have_server)
		plots[np++] = (struct plot){"server_connections", 1};
	if (in.have_backlog)
		plots[np++] = (struct plot){"backlog", 1};
	/* PgBouncer's columns, when a variant has PgBouncer */
	bool have_pgbouncer = col_of(&in.timeline, "cl_waiting") >= 0;
	if (have_pgbouncer)
		plots[np++] = (struct plot){"pgbouncer", 1};
	if ((rc = write_waits_cdf(&in, dir, &e)) || (rc = write_failures(&in, dir, &e)) ||
	    (rc = write_pool_timeline(&in, dir, &e)) ||
	    (in.have_server && (rc = write_server_connections(&in, dir, &e))) ||
	    (in.have_backlog && (rc = write_backlog(&in, dir, &e))) ||
	    (have_pgbouncer && (rc = write_pgbouncer(&in, dir, &e))))
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
