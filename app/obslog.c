/* Observation logs (see obslog.h): a small CSV reader (header line, RFC 4180 quotes, '#'
 * comment and blank lines and repeats of the header line skipped, CRLF accepted, gzip through
 * zlib) and the three readers on top of it. Numbers are read with strtod in the C locale (the program never sets another). */
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

static bool same_as_header(const struct csv *c)
{
	if (c->nf != c->nhdr)
		return false;
	for (int i = 0; i < c->nf; i++)
		if (strcmp(c->f[i], c->hdr[i]) != 0)
			return false;
	return true;
}

/* The next data line into c->f (a repeat of the header line skipped); 1 when there is one, 0
 * at the end, < 0 (minus a status) on error. */
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
		if (c->nhdr > 0 && same_as_header(c))
			continue; /* files concatenated (cat a.csv b.csv): each had its header */
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

/* Field `col` of the current row as a process id: a decimal integer >= 0. */
static int pid_number(struct csv *c, int col, long long *pid)
{
	char *end, q[GOT_MAX + 8];
	const char *s = col < c->nf ? c->f[col] : "";
	errno = 0;
	*pid = strtoll(s, &end, 10);
	if (end != s && !*end && !errno && *pid >= 0)
		return PT_OK;
	quote(s, q, sizeof q);
	return fail(c, PT_EINVAL, "%s:%d: column \"%s\": expected a process id (an integer >= 0), "
		    "got %s", c->path, c->line, c->hdr[col], q);
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
	unsigned *p = log->process ? realloc(log->process, ncap * sizeof *p) : NULL;
	if (p)
		log->process = p;
	if (!t || (log->wait_s && !w) || (log->hold_s && !h) || !o || (log->process && !p))
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
	free(log->process);
	free(log->processes);
	memset(log, 0, sizeof *log);
}

/* Each process's first and last request, from the rows (in order of time). */
static void process_spans(struct obslog *log)
{
	for (size_t j = 0; j < log->n_processes; j++)
		log->processes[j].first_s = NAN;
	for (size_t i = 0; i < log->n; i++) {
		struct obslog_process *p = &log->processes[log->process ? log->process[i] : 0];
		if (isnan(p->first_s))
			p->first_s = log->t_s[i];
		p->last_s = log->t_s[i];
	}
}

int obslog_merge(struct obslog *out, const struct obslog *logs, size_t n, char *err,
		 size_t errlen)
{
	memset(out, 0, sizeof *out);
	size_t total = 0, nproc = 0;
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
		nproc += l->n_processes ? l->n_processes : 1;
	}
	if (nproc > OBSLOG_PROCESSES_MAX) {
		snprintf(err, errlen, "%s and %zu more: expected at most %d processes in all (a log "
			 "and a pid each), got %zu", logs[0].path, n - 1, OBSLOG_PROCESSES_MAX, nproc);
		return PT_EINVAL;
	}
	size_t plen = strlen(logs[0].path) + 32;
	out->path = malloc(plen);
	out->t_s = malloc(total * sizeof *out->t_s);
	out->outcome = malloc(total);
	out->source = malloc(total * sizeof *out->source);
	out->process = malloc(total * sizeof *out->process);
	out->processes = malloc(nproc * sizeof *out->processes);
	if (logs[0].wait_s)
		out->wait_s = malloc(total * sizeof *out->wait_s);
	if (logs[0].hold_s)
		out->hold_s = malloc(total * sizeof *out->hold_s);
	size_t *at = calloc(n, sizeof *at), *base = calloc(n, sizeof *base);
	if (!out->path || !out->t_s || !out->outcome || !out->source || !out->process ||
	    !out->processes || !at || !base || (logs[0].wait_s && !out->wait_s) ||
	    (logs[0].hold_s && !out->hold_s)) {
		free(at);
		free(base);
		obslog_fini(out);
		snprintf(err, errlen, "out of memory");
		return PT_ENOMEM;
	}
	snprintf(out->path, plen, n > 1 ? "%s and %zu more" : "%s", logs[0].path, n - 1);
	/* the processes: log 0's, then log 1's, ... (a log built by hand is one process) */
	for (size_t k = 0, p = 0; k < n; k++) {
		const struct obslog *l = &logs[k];
		base[k] = p;
		if (l->processes)
			for (size_t j = 0; j < l->n_processes; j++) {
				out->processes[p] = l->processes[j];
				out->processes[p++].source = (unsigned)k;
			}
		else
			out->processes[p++] = (struct obslog_process){(unsigned)k, -1, l->n, 0, 0};
	}
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
		out->process[i] = (unsigned)(base[best] + (l->process ? l->process[r] : 0));
		if (out->wait_s)
			out->wait_s[i] = l->wait_s[r];
		if (out->hold_s)
			out->hold_s[i] = l->hold_s[r];
	}
	free(at);
	free(base);
	out->n = total;
	out->n_sources = n;
	out->n_processes = nproc;
	process_spans(out);
	out->have_status = logs[0].have_status;
	memcpy(out->cols, logs[0].cols, sizeof out->cols);
	return PT_OK;
}

/* The process of pid `pid` in log (added when new, with (*lastv)[index] = -INFINITY: its
 * latest request time so far, grown with it): its index, or -1 past OBSLOG_PROCESSES_MAX, or
 * -2 out of memory. The last one found is tried first (rows of one process often come
 * together); otherwise a linear search, as there are few processes. */
static long process_of(struct obslog *log, long long pid, size_t *cap, size_t *last,
		       double **lastv)
{
	if (*last < log->n_processes && log->processes[*last].pid == pid)
		return (long)*last;
	for (size_t j = 0; j < log->n_processes; j++)
		if (log->processes[j].pid == pid)
			return (long)(*last = j);
	if (log->n_processes == OBSLOG_PROCESSES_MAX)
		return -1;
	if (log->n_processes == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct obslog_process *g = realloc(log->processes, ncap * sizeof *g);
		if (!g)
			return -2;
		log->processes = g;
		double *l = realloc(*lastv, ncap * sizeof *l);
		if (!l)
			return -2;
		*lastv = l;
		*cap = ncap;
	}
	(*lastv)[log->n_processes] = -INFINITY;
	log->processes[log->n_processes] = (struct obslog_process){0, pid, 0, 0, 0};
	return (long)(*last = log->n_processes++);
}

struct row_key {
	double t;
	size_t i;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row_key *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i; /* equal times in file order: a stable sort */
}

/* The rows of log (times as written) in order of request time, equal times in file order.
 * 0 or PT_ENOMEM (then log is unchanged). */
static int sort_rows(struct obslog *log)
{
	size_t n = log->n;
	struct row_key *idx = malloc(n * sizeof *idx);
	double *d = malloc(n * sizeof *d);
	unsigned *u = malloc(n * sizeof *u);
	if (!idx || !d || !u) {
		free(idx);
		free(d);
		free(u);
		return PT_ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		idx[i] = (struct row_key){log->t_s[i], i};
	qsort(idx, n, sizeof *idx, cmp_row);
	double *cols[3] = {log->t_s, log->wait_s, log->hold_s};
	for (int k = 0; k < 3; k++) {
		if (!cols[k])
			continue;
		for (size_t i = 0; i < n; i++)
			d[i] = cols[k][idx[i].i];
		memcpy(cols[k], d, n * sizeof *d);
	}
	if (log->process) {
		for (size_t i = 0; i < n; i++)
			u[i] = log->process[idx[i].i];
		memcpy(log->process, u, n * sizeof *u);
	}
	for (size_t i = 0; i < n; i++)
		u[i] = log->outcome[idx[i].i];
	for (size_t i = 0; i < n; i++)
		log->outcome[i] = (unsigned char)u[i];
	free(idx);
	free(d);
	free(u);
	return PT_OK;
}

int obslog_read(struct obslog *log, const char *path, const struct obslog_map *map, char *err,
		size_t errlen)
{
	static const struct obslog_map defaults = {"time",  "wait", "hold", "status", "pid",
						   false,   false,  false,  false};
	struct csv c;
	const char *names[5];
	const char *opts[5] = {"--time", "--wait", "--hold", "--status", "--pid"};
	bool must[5];
	int col[5], rc;
	size_t cap = 0, pcap = 0, plast = 0;
	double prev = -INFINITY, latest = -INFINITY, *lastv = NULL;
	bool in_order = true;
	long long pid = -1;
	long j = 0;

	if (!map)
		map = &defaults;
	names[0] = map->time ? map->time : defaults.time;
	names[1] = map->wait ? map->wait : defaults.wait;
	names[2] = map->hold ? map->hold : defaults.hold;
	names[3] = map->status ? map->status : defaults.status;
	names[4] = map->pid ? map->pid : defaults.pid;
	must[0] = true;
	must[1] = map->explicit_wait;
	must[2] = map->explicit_hold;
	must[3] = map->explicit_status;
	must[4] = map->explicit_pid;
	memset(log, 0, sizeof *log);
	log->n_sources = 1;
	if ((rc = open_csv(&c, path, err, errlen)))
		goto fail;
	for (int k = 0; k < 5; k++) {
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
	    (col[2] >= 0 && !(log->hold_s = malloc(sizeof(double)))) ||
	    (col[4] >= 0 && !(log->process = malloc(sizeof(unsigned))))) {
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
		if (log->process) {
			if ((rc = pid_number(&c, col[4], &pid)))
				goto fail;
			if ((j = process_of(log, pid, &pcap, &plast, &lastv)) < 0) {
				quote(c.f[col[4]], q, sizeof q);
				rc = j == -2 ? fail(&c, PT_ENOMEM, "%s: out of memory", path)
					     : fail(&c, PT_EINVAL, "%s:%d: column \"%s\": expected at "
						    "most %d processes (pids), got one more, %s", path,
						    c.line, names[4], OBSLOG_PROCESSES_MAX, q);
				goto fail;
			}
		}
		/* each process writes its rows in order of request; processes appending to one
		 * file, or logs concatenated, interleave (sorted below) */
		double *before = log->process ? &lastv[j] : &prev;
		if (t < *before) {
			char what[128];
			if (log->process)
				snprintf(what, sizeof what, "a time >= pid %lld's previous one (%.9g): "
					 "each process's rows in order of request time", pid, *before);
			else
				snprintf(what, sizeof what, "a time >= the previous one (%.9g): rows in "
					 "order of request time", *before);
			rc = number(&c, col[0], what, INFINITY, &t);
			goto fail;
		}
		*before = t;
		in_order = in_order && t >= latest;
		latest = fmax(latest, t);
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
		if (log->process) {
			log->process[log->n] = (unsigned)j;
			log->processes[j].rows++;
		}
		log->t_s[log->n] = t; /* as written until the rows are in order */
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
	if (!log->process) { /* no pid column: one process */
		if (!(log->processes = malloc(sizeof *log->processes))) {
			rc = fail(&c, PT_ENOMEM, "%s: out of memory", path);
			goto fail;
		}
		log->processes[0] = (struct obslog_process){0, -1, log->n, 0, 0};
		log->n_processes = 1;
	}
	if (!in_order && (rc = sort_rows(log))) {
		rc = fail(&c, rc, "%s: out of memory", path);
		goto fail;
	}
	/* times from the first request's, subtracted once */
	log->t0_s = log->t_s[0];
	for (size_t i = 0; i < log->n; i++)
		log->t_s[i] -= log->t0_s;
	process_spans(log);
	free(c.text);
	free(lastv);
	return PT_OK;
fail:
	free(c.text);
	free(lastv);
	obslog_fini(log);
	return rc;
}

int obslog_read_all(struct obslog *log, const char *const *paths, size_t n,
		    const struct obslog_map *map, char *err, size_t errlen)
{
	if (n == 1)
		return obslog_read(log, paths[0], map, err, errlen);
	memset(log, 0, sizeof *log);
	struct obslog *parts = calloc(n, sizeof *parts);
	if (!parts) {
		snprintf(err, errlen, "out of memory");
		return PT_ENOMEM;
	}
	int rc = PT_OK;
	size_t k = 0;
	for (; k < n && !rc; k++)
		rc = obslog_read(&parts[k], paths[k], map, err, errlen);
	if (!rc)
		rc = obslog_merge(log, parts, n, err, errlen);
	for (size_t i = 0; i < k; i++)
		obslog_fini(&parts[i]);
	free(parts);
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

size_t obslog_processes_at_once(const struct obslog *log)
{
	size_t n = log->n_processes;
	if (!log->processes || n <= 1)
		return n ? n : 1;
	/* The most overlapping spans is reached at some span's start: count, at each start, the
	 * spans that hold it. At most OBSLOG_PROCESSES_MAX spans, so n^2 needs no memory. */
	size_t most = 1;
	for (size_t j = 0; j < n; j++) {
		double t = log->processes[j].first_s;
		size_t alive = 0;
		for (size_t k = 0; k < n; k++)
			alive += log->processes[k].first_s <= t && t <= log->processes[k].last_s;
		if (alive > most)
			most = alive;
	}
	return most;
}
