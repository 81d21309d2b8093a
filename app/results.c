/* syncfs(2): one sync of the result folder's file system (Linux). */
#if defined(__linux__) && !defined(_GNU_SOURCE)
#define _GNU_SOURCE
#endif
#include "app/results.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/outdir.h"
#include "app/report.h"
#include "app/report_doc.h"
#include "app/sha256.h"
#include "models/pool.h"
#include "models/summary.h"
#include "sim/stats.h"
#include "sim/status.h"

#define DEFAULT_ROOT "results"
#define MAX_SUFFIX 1000

struct results_dir {
	char *parent;       /* root/<scenario> */
	char *tmp;          /* parent/.tmp-<run-id>-<pid> */
	char *final;        /* parent/<run-id>[-N], chosen by results_begin (parent/.tmp-<run-id>[-N]
			       reserves it), the temporary folder's name after the commit */
	char run_id[64];
	char started_utc[32];
	char sha256[SHA256_HEX_LEN + 1];
	bool committed;
	/* replications.csv, open while the experiment runs */
	FILE *reps;
	const struct scenario *sc;
	struct rep_ctx {
		struct results_dir *rd;
		int v;
	} *rep_ctx;
};

/* ---------------------------------------------------------------------------------------- */
/* Paths and folders                                                                        */

/* A new string from a format; NULL when out of memory. */
static char *strf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return NULL;
	char *s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static int fail(char *err, size_t errlen, int status, const char *what, const char *path)
{
	snprintf(err, errlen, "%s %s: %s", what, path,
		 status == PT_ENOMEM ? "out of memory" : strerror(errno));
	return status;
}

/* mkdir -p: every missing component of path, as a directory. */
static int make_dirs(const char *path, char *err, size_t errlen)
{
	char *p = strf("%s", path);
	if (!p)
		return fail(err, errlen, PT_ENOMEM, "cannot create", path);
	int st = PT_OK;
	for (char *s = p + 1;; s++) {
		if (*s != '/' && *s != 0)
			continue;
		char c = *s;
		*s = 0;
		struct stat sb;
		if (mkdir(p, 0777) != 0 && !(errno == EEXIST && stat(p, &sb) == 0 &&
					     S_ISDIR(sb.st_mode))) {
			if (errno == EEXIST)
				errno = ENOTDIR;
			st = fail(err, errlen, PT_EIO, "cannot create", p);
			break;
		}
		*s = c;
		if (c == 0)
			break;
	}
	free(p);
	return st;
}

/* rm -r of a folder we wrote (no symbolic links are followed). Best effort: a run that is
 * failing already reports its first error. */
static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	if (d) {
		struct dirent *e;
		while ((e = readdir(d))) {
			if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
				continue;
			char *p = strf("%s/%s", path, e->d_name);
			struct stat sb;
			if (!p)
				continue;
			if (lstat(p, &sb) == 0 && S_ISDIR(sb.st_mode))
				remove_tree(p);
			else
				unlink(p);
			free(p);
		}
		closedir(d);
	}
	rmdir(path);
}

/* Make a scenario name safe as one path component. */
static void safe_name(const char *name, char *buf, size_t len)
{
	size_t i = 0;
	for (; name[i] && i + 1 < len; i++) {
		unsigned char c = (unsigned char)name[i];
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			  c == '-' || c == '_' || (c == '.' && i > 0);
		buf[i] = ok ? (char)c : '_';
	}
	buf[i] = 0;
	if (i == 0)
		snprintf(buf, len, "scenario");
}

void results_run_id(time_t started, unsigned long long seed, char *buf, size_t len)
{
	struct tm tm;
	char stamp[32] = "00000000-000000";
	if (gmtime_r(&started, &tm))
		strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	snprintf(buf, len, "%s-seed%llu", stamp, seed);
}

/* Choose the folder's final name now, before any file is written, so that summary.json and
 * report.md record the run id the folder will have. The temporary folder is the reservation:
 * ".tmp-<run-id>[-k]" made with mkdir(), which is atomic and fails on any existing name, for
 * the first k whose final name "<run-id>[-k]" is free (a folder or any other file). Two runs
 * in the same second with the same seed, or a stray file, so get -2, -3, ... each recording
 * its own id; a folder without the .tmp- prefix is still always complete. */
static int reserve(struct results_dir *rd, char *err, size_t errlen)
{
	char base[sizeof rd->run_id];
	memcpy(base, rd->run_id, sizeof base);
	for (int k = 1; k <= MAX_SUFFIX; k++) {
		char id[sizeof rd->run_id];
		struct stat sb;
		if (k == 1)
			memcpy(id, base, sizeof id);
		else
			snprintf(id, sizeof id, "%.50s-%d", base, k);
		char *dst = strf("%s/%s", rd->parent, id);
		char *tmp = strf("%s/.tmp-%s", rd->parent, id);
		if (!dst || !tmp) {
			free(dst);
			free(tmp);
			return fail(err, errlen, PT_ENOMEM, "cannot create", rd->parent);
		}
		int e = EEXIST;
		if (lstat(dst, &sb) == 0) {
			/* taken: by a finished run or by any other file */
		} else if (mkdir(tmp, 0777) == 0) {
			/* a run that held this .tmp- until just now may have committed it */
			if (lstat(dst, &sb) != 0) {
				rd->final = dst;
				rd->tmp = tmp;
				memcpy(rd->run_id, id, sizeof id);
				return PT_OK;
			}
			rmdir(tmp);
		} else {
			e = errno;
		}
		if (e != EEXIST) {
			errno = e;
			fail(err, errlen, PT_EIO, "cannot create", tmp);
			free(dst);
			free(tmp);
			return PT_EIO;
		}
		free(dst);
		free(tmp);
	}
	errno = EEXIST;
	return fail(err, errlen, PT_EIO, "cannot create", rd->parent);
}

int results_begin(struct results_dir **out, const char *root, const struct scenario *sc,
		  time_t started, char *err, size_t errlen)
{
	*out = NULL;
	const struct cfg_scenario *base = &sc->variants[0].cfg;
	struct results_dir *rd = calloc(1, sizeof *rd);
	char name[CFG_NAME_MAX];
	if (!rd)
		return fail(err, errlen, PT_ENOMEM, "cannot create", root ? root : DEFAULT_ROOT);
	safe_name(base->name, name, sizeof name);
	results_run_id(started, (unsigned long long)base->seed, rd->run_id, sizeof rd->run_id);
	struct tm tm;
	if (gmtime_r(&started, &tm))
		strftime(rd->started_utc, sizeof rd->started_utc, "%Y-%m-%dT%H:%M:%SZ", &tm);

	/* The loader hashed the bytes it parsed: reading the file again would block on a FIFO
	 * and hash nothing from /dev/stdin. */
	memcpy(rd->sha256, sc->sha256, sizeof rd->sha256);
	rd->parent = strf("%s/%s", root ? root : DEFAULT_ROOT, name);
	if (!rd->parent) {
		fail(err, errlen, PT_ENOMEM, "cannot create", root ? root : DEFAULT_ROOT);
		results_destroy(rd);
		return PT_ENOMEM;
	}
	int st = make_dirs(rd->parent, err, errlen);
	if (!st)
		st = reserve(rd, err, errlen);
	if (st) {
		/* Nothing of ours to remove: the temporary folder was not made. */
		rd->committed = true;
		results_destroy(rd);
		return st;
	}
	*out = rd;
	return PT_OK;
}

const char *results_id(const struct results_dir *rd) { return rd->run_id; }

const char *results_path(const struct results_dir *rd)
{
	return rd->committed ? rd->final : rd->tmp;
}

void results_destroy(struct results_dir *rd)
{
	if (!rd)
		return;
	if (rd->reps)
		fclose(rd->reps);
	free(rd->rep_ctx);
	if (!rd->committed && rd->tmp)
		remove_tree(rd->tmp);
	free(rd->parent);
	free(rd->tmp);
	free(rd->final);
	free(rd);
}

/* Every file of the temporary folder on the disk, in one call: syncfs on Linux (the folder's
 * file system, once, instead of one fsync per file, each of which waits for its own device
 * flush: `make bench` measures both on this disk, the ten fsyncs several times slower);
 * elsewhere an fsync per file. Starting each file's writeback as it closes
 * (sync_file_range) was measured too: it moved the writeback's CPU time into the run and
 * saved less wall time at the sync than it cost. */
static int sync_folder(const char *dir)
{
#ifdef __linux__
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	int rc = syncfs(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
#else
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	int rc = 0;
	struct dirent *e;
	while (rc == 0 && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		char *p = strf("%s/%s", dir, e->d_name);
		int fd = p ? open(p, O_RDONLY) : -1;
		rc = fd < 0 || fsync(fd) != 0 ? -1 : 0;
		if (fd >= 0)
			close(fd);
		free(p);
	}
	closedir(d);
	return rc;
#endif
}

/* The rename itself on the disk: an fsync of the folder that holds it. */
static int sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	int rc = fsync(fd);
	int e = errno;
	close(fd);
	errno = e;
	return rc;
}

int results_commit(struct results_dir *rd, char *err, size_t errlen)
{
	/* Files first, then the name: a folder that has its final name is complete, even after a
	 * power loss. */
	if (sync_folder(rd->tmp) != 0)
		return fail(err, errlen, PT_EIO, "cannot write", rd->tmp);
	/* The name was chosen by results_begin; only a foreign writer can have taken it since
	 * (rename then fails, or replaces an empty folder). */
	if (rename(rd->tmp, rd->final) != 0)
		return fail(err, errlen, PT_EIO, "cannot rename", rd->tmp);
	rd->committed = true;
	if (sync_dir(rd->parent) != 0)
		return fail(err, errlen, PT_EIO, "cannot write", rd->parent);
	return PT_OK;
}

/* A file of the folder opened for writing, with a buffer that holds most files whole (one
 * write(2) instead of one per 4 KiB: timeline.csv is 55 KB for a 1000-arrival run). */
static FILE *open_out(const char *path)
{
	FILE *f = fopen(path, "w");
	if (f)
		setvbuf(f, NULL, _IOFBF, 1 << 16);
	return f;
}

/* Write one file of the folder through fn (which returns 0 or a status of its own, such as
 * PT_ENOMEM). It reaches the disk with the others, in one sync before the rename
 * (results_commit). */
static int write_file(struct results_dir *rd, const char *name, int (*fn)(FILE *, void *),
		      void *ctx, char *err, size_t errlen)
{
	char *p = strf("%s/%s", rd->tmp, name);
	if (!p)
		return fail(err, errlen, PT_ENOMEM, "cannot write", name);
	FILE *f = open_out(p);
	if (!f) {
		int st = fail(err, errlen, PT_EIO, "cannot write", p);
		free(p);
		return st;
	}
	int fst = fn(f, ctx);
	errno = 0;
	bool bad = fflush(f) != 0 || ferror(f);
	int e = errno;
	if (fclose(f) != 0 && !bad) {
		bad = true;
		e = errno;
	}
	int st = PT_OK;
	if (fst)
		st = fail(err, errlen, fst, "cannot write", p);
	else if (bad) {
		errno = e ? e : EIO;
		st = fail(err, errlen, PT_EIO, "cannot write", p);
	}
	free(p);
	return st;
}

int results_write_file(struct results_dir *rd, const char *name, int (*fn)(FILE *, void *),
		       void *ctx, char *err, size_t errlen)
{
	return write_file(rd, name, fn, ctx, err, errlen);
}

/* ---------------------------------------------------------------------------------------- */
/* Shared readings of the experiment                                                        */

/* ---------------------------------------------------------------------------------------- */
/* summary.json: the JSON report plus the manifest and pool health                          */

struct run_ctx {
	const struct results_info *info;
	const struct results_dir *rd;
};

static void json_key(FILE *out, const char *indent, const char *key)
{
	fprintf(out, ",\n%s\"%s\": ", indent, key);
}

static void manifest_json(FILE *out, void *pctx, const char *indent)
{
	const struct run_ctx *c = pctx;
	const struct results_info *info = c->info;
	const struct scenario *sc = info->sc;
	const struct cfg_scenario *base = &sc->variants[0].cfg;
	char in2[32];
	snprintf(in2, sizeof in2, "%s  ", indent);
	fprintf(out, ",\n%s\"manifest\": {\n%s\"pooltide_version\": ", indent, in2);
	report_json_string(out, POOLTIDE_VERSION);
	json_key(out, in2, "scenario_name");
	report_json_string(out, base->name);
	json_key(out, in2, "scenario_path");
	report_json_string(out, sc->path);
	json_key(out, in2, "scenario_sha256");
	report_json_string(out, c->rd->sha256);
	json_key(out, in2, "run_id");
	report_json_string(out, c->rd->run_id);
	json_key(out, in2, "seed");
	fprintf(out, "%llu", (unsigned long long)base->seed);
	json_key(out, in2, "replications");
	fprintf(out, "%d", info->ex->nrep);
	const struct experiment *ex = info->ex;
	if (ex->precision.rel > 0) {
		json_key(out, in2, "precision");
		report_json_precision(out, sc, ex);
	}
	json_key(out, in2, "horizon_s");
	report_json_number(out, base->horizon_s);
	json_key(out, in2, "warmup_s");
	report_json_number(out, base->warmup_s);
	json_key(out, in2, "started_utc");
	report_json_string(out, c->rd->started_utc);
	json_key(out, in2, "wall_time_s");
	report_json_number(out, info->wall_time_s);
	json_key(out, in2, "threads");
	fprintf(out, "%d", info->threads);
	json_key(out, in2, "timeline_step_s");
	report_json_number(out, info->timelines ? info->timelines[0].step_s : NAN);
	json_key(out, in2, "variants");
	fputc('[', out);
	for (int v = 0; v < sc->n_variants; v++) {
		fputs(v ? ", " : "", out);
		report_json_string(out, sc->variants[v].name);
	}
	fputc(']', out);
	/* The resolved scenario, embedded as an object: written back to a file it reruns the
	 * experiment (cJSON prints numbers so that they read back exactly). Its raw line breaks
	 * and tabs only separate tokens (strings escape theirs), so re-indenting is safe:
	 * leading tabs become two spaces, other tabs one. */
	json_key(out, in2, "scenario");
	bool line_start = false;
	for (const char *p = sc->resolved_json; *p; p++) {
		if (*p == '\t') {
			fputs(line_start ? "  " : " ", out);
			continue;
		}
		line_start = *p == '\n';
		fputc(*p, out);
		if (line_start)
			fputs(in2, out);
	}
	fprintf(out, "\n%s}", indent);
	if (info->sensitivity)
		report_sensitivity_json(out, info->sensitivity, indent);
}

static void pool_json(FILE *out, void *pctx, int v, int p, const char *indent)
{
	const struct run_ctx *c = pctx;
	const struct experiment *ex = c->info->ex;
	const struct cfg_pool *pc = &c->info->sc->variants[v].cfg.pools[p];
	struct report_pool_health h = report_pool_health(ex, v, p);
	/* the kind's sizing settings in its own words (SQLAlchemy: pool_size, max_overflow, as
	 * always), then the neutral cap and timeout */
	struct pool_setting set[POOL_SETTINGS_MAX];
	int ns = pool_cfg_settings(pc, set);
	fprintf(out, ",\n%s\"health\": {", indent);
	for (int i = 0; i < ns; i++)
		fprintf(out, "\"%s\": %d, ", set[i].name, set[i].value);
	fputs("\"cap\": ", out);
	if (pool_cfg_cap(pc) < 0)
		fputs("null", out);
	else
		fprintf(out, "%d", pool_cfg_cap(pc));
	fputs(", \"timeout_s\": ", out);
	report_json_number(out, pc->timeout_s);
	fputs(", \"checked_out\": ", out);
	report_json_number(out, h.checked_out);
	fputs(", \"checked_in\": ", out);
	report_json_number(out, h.checked_in);
	fputs(", \"overflow\": ", out);
	report_json_number(out, h.overflow);
	fputs(", \"waiters\": ", out);
	report_json_number(out, h.waiters);
	fprintf(out, ", \"status\": \"%s\", \"exhausted_replications\": %d",
		h.exhausted_reps ? "exhausted" : "healthy", h.exhausted_reps);
	fputs(", \"exhausted_share\": ", out);
	report_json_number(out, h.exhausted_share);
	fputs(", \"longest_exhausted_s\": ", out);
	report_json_number(out, h.longest_exhausted_s);
	fputs(", \"first_timeout\": ", out);
	if (h.first_timeout_overflow == INT_MIN) {
		fputs("null", out);
	} else {
		char msg[160];
		pool_timeout_message(pc, h.first_timeout_overflow, msg, sizeof msg);
		report_json_string(out, msg);
	}
	fputc('}', out);
}

static int summary_json(FILE *out, void *pctx)
{
	struct run_ctx *c = pctx;
	struct report_json_ext ext = {.top = manifest_json, .pool = pool_json, .ctx = c};
	report_json_ext(out, c->info->sc, c->info->ex, &ext);
	return PT_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* CSV (RFC 4180 quoting, LF line ends)                                                     */

void results_csv_field(FILE *out, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

/* Decimal digits of v, into buf (no terminator); returns their count. */
static size_t put_uint(char *buf, unsigned long long v)
{
	char tmp[24];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	return n;
}

static size_t put_int(char *buf, long long v)
{
	if (v < 0) {
		buf[0] = '-';
		return 1 + put_uint(buf + 1, 0ULL - (unsigned long long)v);
	}
	return put_uint(buf, (unsigned long long)v);
}

/* 10^k, k in [0, 27]: exact in a long double of 64 significant bits (5^27 < 2^64). */
static const long double POW10L[28] = {
	1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,
	1e10L, 1e11L, 1e12L, 1e13L, 1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L,
	1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L};

/* What "%.9g" writes for x, without printf, when that can be decided exactly; 0 otherwise.
 * The 9 significant digits are M = round(|x| 10^(8 - e)), e the decimal exponent: with a
 * 64-bit long double, 10^|8 - e| is exact for |x| in [1e-19, 1e36) and the product or quotient
 * is rounded once, to within 1e9 x 2^-64 < 1e-10 of the exact value; so M is printf's unless
 * the exact value lies within that of a tie (x.5), and then (|frac - 0.5| < 1e-6) printf
 * decides. The layout follows C's %g: fixed notation for exponents -4 .. 8, else
 * d.dddddddde+XX, trailing zeros removed. */
static size_t format_g9_general(char *buf, double x)
{
#if LDBL_MANT_DIG >= 64
	double a = fabs(x);
	if (!(a >= 1e-19 && a < 1e36))
		return 0; /* zero, NaN, infinities and the far ranges */
	int e2;
	frexp(a, &e2); /* a in [2^(e2 - 1), 2^e2): e is (e2 - 1) log10(2), give or take one */
	int e = (int)floor((e2 - 1) * 0.30102999566398120);
	long double p = 0;
	for (int tries = 0; tries < 3; tries++) {
		int k = 8 - e;
		if (k < -27 || k > 27)
			return 0;
		p = k >= 0 ? (long double)a * POW10L[k] : (long double)a / POW10L[-k];
		if (p < 1e8L)
			e--;
		else if (p >= 1e9L)
			e++;
		else
			break;
	}
	if (!(p >= 1e8L && p < 1e9L))
		return 0;
	long double fl = floorl(p), frac = p - fl;
	if (fabsl(frac - 0.5L) < 1e-6L)
		return 0;
	unsigned long m = (unsigned long)fl + (frac > 0.5L);
	if (m >= 1000000000UL) {
		m /= 10; /* 999999999.5 and up: 1.00000000 x 10^(e + 1) */
		e++;
	}
	char d[9];
	for (int i = 8; i >= 0; i--) {
		d[i] = (char)('0' + m % 10);
		m /= 10;
	}
	int nd = 9; /* significant digits left after the trailing zeros go */
	while (nd > 1 && d[nd - 1] == '0')
		nd--;
	size_t n = 0;
	if (x < 0)
		buf[n++] = '-';
	if (e >= -4 && e < 9) {
		if (e >= 0) {
			for (int i = 0; i <= e; i++)
				buf[n++] = i < nd ? d[i] : '0';
			if (nd > e + 1) {
				buf[n++] = '.';
				for (int i = e + 1; i < nd; i++)
					buf[n++] = d[i];
			}
		} else {
			buf[n++] = '0';
			buf[n++] = '.';
			for (int i = 0; i < -e - 1; i++)
				buf[n++] = '0';
			for (int i = 0; i < nd; i++)
				buf[n++] = d[i];
		}
	} else {
		buf[n++] = d[0];
		if (nd > 1) {
			buf[n++] = '.';
			for (int i = 1; i < nd; i++)
				buf[n++] = d[i];
		}
		buf[n++] = 'e';
		buf[n++] = e < 0 ? '-' : '+';
		int ae = e < 0 ? -e : e;
		if (ae >= 100)
			buf[n++] = (char)('0' + ae / 100);
		buf[n++] = (char)('0' + ae / 10 % 10);
		buf[n++] = (char)('0' + ae % 10);
	}
	buf[n] = 0;
	return n;
#else
	(void)buf;
	(void)x;
	return 0;
#endif
}

size_t results_format_g9(char *buf, double x)
{
	buf[0] = 0;
	if (isnan(x) || isinf(x))
		return 0;
	/* The common cases without printf: 0, and values in [1e-4, 1e9) that are within 1e-12
	 * (relative) of a decimal m / 10^6 of at most 9 significant digits, such as the
	 * timeline's instants (k x 0.1 s) and bucket counts. %.9g rounds x to 9 significant
	 * digits; the nearest 9-digit decimal of such an x is m / 10^6 itself, since the rounding
	 * boundaries lie half a 9th digit (> 1e-9 relative) away. Everything else: snprintf. */
	if (x == 0 && !signbit(x)) {
		buf[0] = '0';
		buf[1] = 0;
		return 1;
	}
	if (x >= 1e-4 && x < 1e9) {
		double m = nearbyint(x * 1e6);
		if (fabs(x * 1e6 - m) <= 1e-12 * x * 1e6 && m > 0 && m < 1e15) {
			unsigned long long um = (unsigned long long)m, ip = um / 1000000,
					   fp = um % 1000000;
			unsigned long long sig = um;
			int frac_digits = 6;
			while (fp && fp % 10 == 0) {
				fp /= 10;
				frac_digits--;
			}
			if (!fp)
				frac_digits = 0;
			while (sig % 10 == 0)
				sig /= 10;
			int digits = 0;
			for (unsigned long long t = sig; t; t /= 10)
				digits++;
			if (digits <= 9) {
				size_t n = put_uint(buf, ip);
				if (frac_digits) {
					buf[n++] = '.';
					char f[8];
					size_t k = put_uint(f, fp);
					for (size_t z = k; z < (size_t)frac_digits; z++)
						buf[n++] = '0'; /* leading zeros of the fraction */
					memcpy(buf + n, f, k);
					n += k;
				}
				buf[n] = 0;
				return n;
			}
		}
	}
	size_t n = format_g9_general(buf, x);
	if (n)
		return n;
	int k = snprintf(buf, 32, "%.9g", x);
	return k > 0 ? (size_t)k : 0;
}

void results_csv_number(FILE *out, double x)
{
	char buf[32];
	size_t n = results_format_g9(buf, x);
	if (n)
		fwrite(buf, 1, n, out);
}

/* A CSV field as results_csv_field writes it, into buf[cap] (truncated, terminated). */
static size_t csv_field_buf(char *buf, size_t cap, const char *s)
{
	size_t n = 0;
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	if (quote && n + 1 < cap)
		buf[n++] = '"';
	for (; *s && n + 3 < cap; s++) {
		if (quote && *s == '"')
			buf[n++] = '"';
		buf[n++] = *s;
	}
	if (quote && n + 1 < cap)
		buf[n++] = '"';
	buf[n] = 0;
	return n;
}

/* A row of summary.csv; `order` is the variant's place in the scenario, from 1 (a spreadsheet
 * sorted by variant name can be put back in the scenario's order). */
static void csv_estimate_row(FILE *out, const char *variant, int order,
			     const struct cfg_workload *wl, const char *workload, const char *prefix,
			     const struct metric_def *m, const struct estimate *e)
{
	char name[CFG_SLO_METRIC_MAX];
	results_csv_field(out, variant);
	fputc(',', out);
	results_csv_field(out, workload);
	fputc(',', out);
	fputs(prefix, out);
	results_csv_field(out, metric_name_of(m, wl, name, sizeof name));
	fputc(',', out);
	results_csv_number(out, e->mean);
	fputc(',', out);
	results_csv_number(out, e->lo);
	fputc(',', out);
	results_csv_number(out, e->hi);
	fputc(',', out);
	results_csv_field(out, m->unit);
	fprintf(out, ",%d\n", order);
}

static int summary_csv(FILE *out, void *pctx)
{
	const struct run_ctx *c = pctx;
	const struct experiment *ex = c->info->ex;
	const struct scenario *sc = c->info->sc;
	int nm, nd;
	const struct metric_def *t = metric_table(&nm);
	fputs("variant,workload,metric,mean,ci_low,ci_high,unit,variant_order\n", out);
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		const char *vname = sc->variants[v].name;
		for (int w = 0; w < cfg->n_workloads; w++) {
			enum metric_scope scope = metric_scope_of(&cfg->workloads[w]);
			const char *const *diffs = report_diff_metrics(scope, &nd);
			const struct cfg_workload *wl = &cfg->workloads[w];
			for (int k = 0; k < nm; k++) {
				if (t[k].scope != scope || !metric_applies(&t[k], wl))
					continue;
				struct estimate e;
				aggregate_estimate(experiment_aggregate(ex, v), &t[k], w, &e);
				csv_estimate_row(out, vname, v + 1, wl, wl->name, "", &t[k], &e);
			}
			for (int k = 0; v > 0 && k < nd; k++) {
				struct estimate e = report_diff(ex, v, diffs[k], w);
				csv_estimate_row(out, vname, v + 1, wl, wl->name, "diff_to_first.",
						 metric_find(diffs[k]), &e);
			}
		}
		for (int p = 0; p < cfg->n_pools; p++) {
			char wname[CFG_NAME_MAX + 8];
			snprintf(wname, sizeof wname, "pool/%s", cfg->pools[p].name);
			for (int k = 0; k < nm; k++) {
				if (t[k].scope != METRIC_POOL)
					continue;
				struct estimate e;
				aggregate_estimate(experiment_aggregate(ex, v), &t[k], p, &e);
				csv_estimate_row(out, vname, v + 1, NULL, wname, "", &t[k], &e);
			}
		}
		/* the primary as "database", each read replica as "replica/NAME" */
		for (int d = 0; d <= cfg->n_replicas; d++) {
			char dname[CFG_NAME_MAX + 8];
			snprintf(dname, sizeof dname, d ? "replica/%s" : "database",
				 cfg_server_name(cfg, d));
			for (int k = 0; k < nm; k++) {
				if (t[k].scope != METRIC_DATABASE)
					continue;
				struct estimate e;
				aggregate_estimate(experiment_aggregate(ex, v), &t[k], d, &e);
				csv_estimate_row(out, vname, v + 1, NULL, dname, "", &t[k], &e);
			}
		}
		/* PgBouncer's pool of each server's database it fronts: "pgbouncer" (the
		 * primary's), "pgbouncer/NAME" (replica NAME's) */
		for (int d = 0; d <= cfg->n_replicas; d++) {
			if (!cfg_pgbouncer_fronts(cfg, d))
				continue;
			char gname[CFG_NAME_MAX + 12];
			snprintf(gname, sizeof gname, d ? "pgbouncer/%s" : "pgbouncer",
				 cfg_server_name(cfg, d));
			for (int k = 0; k < nm; k++) {
				if (t[k].scope != METRIC_PGBOUNCER)
					continue;
				struct estimate e;
				aggregate_estimate(experiment_aggregate(ex, v), &t[k], d, &e);
				csv_estimate_row(out, vname, v + 1, NULL, gname, "", &t[k], &e);
			}
		}
	}
	return PT_OK;
}

/* The rows of waits.csv are many (every non-empty bucket of every histogram): each is built in
 * one buffer and written with one fwrite; the prefix (variant, workload, kind) and the
 * buckets' bounds are formatted once, not per row. */
struct waits_out {
	FILE *out;
	char prefix[3 * (SCENARIO_VARIANT_NAME_MAX + CFG_NAME_MAX) + 16];
	size_t prefix_len;
	char (*bound)[32];   /* [HISTO_NBUCKETS + 1]: bucket i's lo, and the last hi */
	size_t *bound_len;   /* 0: not formatted yet */
};

static void waits_row(struct waits_out *w, const char *lo, size_t nlo, const char *hi,
		      size_t nhi, uint64_t count, uint64_t cum, uint64_t n)
{
	char row[sizeof w->prefix + 128];
	size_t k = w->prefix_len;
	memcpy(row, w->prefix, k);
	memcpy(row + k, lo, nlo);
	k += nlo;
	row[k++] = ',';
	memcpy(row + k, hi, nhi);
	k += nhi;
	row[k++] = ',';
	k += put_uint(row + k, count);
	row[k++] = ',';
	k += results_format_g9(row + k, n ? (double)cum / (double)n : NAN);
	row[k++] = '\n';
	fwrite(row, 1, k, w->out);
}

static void waits_row_x(struct waits_out *w, double lo, double hi, uint64_t count, uint64_t cum,
			uint64_t n)
{
	char a[32], b[32];
	size_t na = results_format_g9(a, lo), nb = results_format_g9(b, hi);
	waits_row(w, a, na, b, nb, count, cum, n);
}

/* Bucket i's lower bound (i < HISTO_NBUCKETS) or the last upper bound, formatted once. */
static const char *bound_str(struct waits_out *w, int i, size_t *len)
{
	if (!w->bound_len[i])
		w->bound_len[i] = results_format_g9(w->bound[i], i < HISTO_NBUCKETS
									? histo_bucket_lo(i)
									: histo_bucket_hi(i - 1));
	*len = w->bound_len[i];
	return w->bound[i];
}

/* The merged histogram h as rows: exact zeros first, then the underflow cell (smallest value
 * seen .. HISTO_MIN), every non-empty bucket, the overflow cell (HISTO_MAX .. largest value
 * seen). The cdf is cumulative count / all values, so the last row has exactly 1. */
static void waits_rows(struct waits_out *w, const char *variant, const char *workload,
		       const char *kind, const struct histo *h)
{
	size_t k = csv_field_buf(w->prefix, sizeof w->prefix / 3, variant);
	w->prefix[k++] = ',';
	k += csv_field_buf(w->prefix + k, sizeof w->prefix / 3, workload);
	w->prefix[k++] = ',';
	k += (size_t)snprintf(w->prefix + k, sizeof w->prefix - k, "%s,", kind);
	w->prefix_len = k;
	uint64_t cum = h->zero;
	waits_row_x(w, 0, 0, h->zero, cum, h->n);
	if (h->under) {
		cum += h->under;
		waits_row_x(w, h->min_pos, HISTO_MIN, h->under, cum, h->n);
	}
	for (int i = 0; i < HISTO_NBUCKETS; i++) {
		if (!h->bucket[i])
			continue;
		cum += h->bucket[i];
		/* hi(i) is lo(i + 1) (stats.c computes both as HISTO_MIN x GAMMA^i) */
		size_t nlo, nhi;
		const char *lo = bound_str(w, i, &nlo);
		const char *hi = bound_str(w, i + 1, &nhi);
		waits_row(w, lo, nlo, hi, nhi, h->bucket[i], cum, h->n);
	}
	if (h->over) {
		cum += h->over;
		waits_row_x(w, HISTO_MAX, h->max, h->over, cum, h->n);
	}
}

static int waits_csv(FILE *out, void *pctx)
{
	const struct run_ctx *c = pctx;
	const struct experiment *ex = c->info->ex;
	const struct scenario *sc = c->info->sc;
	fputs("variant,workload,kind,lo_s,hi_s,count,cdf\n", out);
	struct waits_out wo = {.out = out};
	wo.bound = malloc((HISTO_NBUCKETS + 1) * sizeof *wo.bound);
	wo.bound_len = calloc(HISTO_NBUCKETS + 1, sizeof *wo.bound_len);
	if (!wo.bound || !wo.bound_len) {
		free(wo.bound);
		free(wo.bound_len);
		return PT_ENOMEM;
	}
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		const struct aggregate *a = experiment_aggregate(ex, v);
		for (int w = 0; w < cfg->n_workloads; w++) {
			if (cfg->workloads[w].kind != CFG_WORKLOAD_REQUESTS)
				continue; /* batches have no checkout-wait histogram */
			/* merged over the replications when they were folded */
			waits_rows(&wo, sc->variants[v].name, cfg->workloads[w].name, "served",
				   a->h_served[w]);
			waits_rows(&wo, sc->variants[v].name, cfg->workloads[w].name, "all",
				   a->h_all[w]);
		}
	}
	free(wo.bound);
	free(wo.bound_len);
	return PT_OK;
}

static int timeline_csv(FILE *out, void *pctx)
{
	const struct run_ctx *c = pctx;
	const struct scenario *sc = c->info->sc;
	/* Batch columns only when some variant runs batches: plots shade batch windows and draw
	 * the backlog when the columns exist. */
	bool batch = false, bouncer = false;
	for (int v = 0; v < sc->n_variants; v++) {
		for (int w = 0; w < sc->variants[v].cfg.n_workloads; w++)
			batch |= sc->variants[v].cfg.workloads[w].kind == CFG_WORKLOAD_BATCH;
		bouncer |= sc->variants[v].cfg.pgbouncer.enabled;
	}
	fputs("variant,t_s,pool,checked_out,checked_in,overflow,waiters,open,server_connections",
	      out);
	if (batch)
		fputs(",backlog,backlog_age_s,batch_active", out);
	/* PgBouncer's SHOW POOLS at the instant of the pool's server's database (the same on
	 * the rows of every pool on one server at an instant), only when some variant has
	 * PgBouncer; 0 in the rows of a variant without it */
	if (bouncer)
		fputs(",cl_active,cl_waiting,sv_active,sv_idle,sv_tested,sv_login,maxwait_s", out);
	fputc('\n', out);
	if (!c->info->timelines)
		return PT_OK;
	/* Many rows: each built in one buffer from preformatted names, one fwrite each. */
	char vname[2 * SCENARIO_VARIANT_NAME_MAX + 4], pname[CFG_MAX_POOLS][2 * CFG_NAME_MAX + 4];
	for (int v = 0; v < sc->n_variants; v++) {
		const struct timeline *tl = &c->info->timelines[v];
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		size_t nv = csv_field_buf(vname, sizeof vname, sc->variants[v].name);
		size_t np[CFG_MAX_POOLS] = {0};
		for (int p = 0; p < cfg->n_pools; p++)
			np[p] = csv_field_buf(pname[p], sizeof pname[p], cfg->pools[p].name);
		for (size_t i = 0; i < tl->n; i++) {
			const struct model_sample *s = &tl->samples[i];
			char row[sizeof vname + sizeof pname[0] + 320];
			size_t k = nv;
			memcpy(row, vname, nv);
			row[k++] = ',';
			k += results_format_g9(row + k, s->t_s);
			row[k++] = ',';
			memcpy(row + k, pname[s->pool], np[s->pool]);
			k += np[s->pool];
			const int cols[] = {s->checked_out, s->checked_in, s->overflow, s->waiters,
					    s->open, s->server_connections};
			for (int j = 0; j < 6; j++) {
				row[k++] = ',';
				k += put_int(row + k, cols[j]);
			}
			if (batch) {
				row[k++] = ',';
				k += put_int(row + k, s->backlog);
				row[k++] = ',';
				k += results_format_g9(row + k, s->backlog_age_s);
				row[k++] = ',';
				k += put_int(row + k, s->batch_active);
			}
			if (bouncer) {
				const struct pgbouncer_status *g = &s->pgbouncer;
				const int gc[] = {g->cl_active, g->cl_waiting, g->sv_active,
						  g->sv_idle,   g->sv_tested,  g->sv_login};
				for (int j = 0; j < 6; j++) {
					row[k++] = ',';
					k += put_int(row + k, gc[j]);
				}
				row[k++] = ',';
				k += results_format_g9(row + k, g->maxwait_s);
			}
			row[k++] = '\n';
			fwrite(row, 1, k, out);
		}
	}
	return PT_OK;
}

bool results_pool_used(const struct cfg_scenario *cfg, int p)
{
	for (int w = 0; w < cfg->n_workloads; w++)
		if (cfg->workloads[w].pool == p)
			return true;
	return false;
}

/* Each variant's pool configuration, for the plots (the cap line, the timeout marks, what
 * "wait = 0" means with pre_ping, which pools to draw, which database PgBouncer's columns of
 * a pool's timeline rows describe). */
static int pools_csv(FILE *out, void *pctx)
{
	const struct run_ctx *c = pctx;
	const struct scenario *sc = c->info->sc;
	/* size and max_overflow are the common model's (cfg_pool: connections kept, and allowed
	 * beyond them; the cap's two terms); kind and settings say the same in the kind's words */
	fputs("variant,pool,size,max_overflow,cap,timeout_s,pre_ping,ping_s,used,kind,settings,"
	      "server\n", out);
	for (int v = 0; v < sc->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		for (int p = 0; p < cfg->n_pools; p++) {
			const struct cfg_pool *pc = &cfg->pools[p];
			results_csv_field(out, sc->variants[v].name);
			fputc(',', out);
			results_csv_field(out, pc->name);
			fprintf(out, ",%d,%d,%d,", pc->size, pc->max_overflow, pool_cfg_cap(pc));
			results_csv_number(out, pc->timeout_s);
			/* The ping is one round trip per checkout of a pooled connection. */
			fprintf(out, ",%d,", pc->pre_ping ? 1 : 0);
			results_csv_number(out, pc->pre_ping ? cfg->db.rtt_s : 0);
			fprintf(out, ",%d,%s,", results_pool_used(cfg, p) ? 1 : 0,
				pc->kind ? pc->kind->name : pool_kind_sqlalchemy.name);
			struct pool_setting set[POOL_SETTINGS_MAX];
			int ns = pool_cfg_settings(pc, set);
			for (int i = 0; i < ns; i++)
				fprintf(out, "%s%s=%d", i ? " " : "", set[i].name, set[i].value);
			/* the server it connects to (through PgBouncer: that server's database) */
			fputc(',', out);
			results_csv_field(out, cfg_server_name(cfg, pc->server));
			fputc('\n', out);
		}
	}
	return PT_OK;
}

/* Each variant's database server and deployment, for the server-connections plot. */
static int database_csv(FILE *out, void *pctx)
{
	const struct run_ctx *c = pctx;
	const struct scenario *sc = c->info->sc;
	fputs("variant,processes,max_connections,usable_connections\n", out);
	for (int v = 0; v < sc->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		results_csv_field(out, sc->variants[v].name);
		fprintf(out, ",%d,%d,%d\n", model_processes(cfg), cfg->db.max_connections,
			cfg_usable_connections(&cfg->db));
	}
	return PT_OK;
}

/* Where replication 0's worst windows were, per variant, request workload and window length
 * (models/window.h; the same values as summary.json's worst_windows_first_replication): the
 * pool timeline's zoomed panel shows the reported window, not one of its own choosing. Empty
 * fields: no outcome (no failure rate) or nothing served (no p99) in the period. */
static int worst_windows_csv(FILE *out, void *pctx)
{
	const struct run_ctx *c = pctx;
	const struct experiment *ex = c->info->ex;
	const struct scenario *sc = c->info->sc;
	fputs("variant,workload,length_s,failure_rate,failure_start_s,wait_p99,wait_start_s\n", out);
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		const struct aggregate *a = experiment_aggregate(ex, v);
		for (int w = 0; w < cfg->n_workloads; w++) {
			if (cfg->workloads[w].kind != CFG_WORKLOAD_REQUESTS)
				continue;
			for (int i = 0; i < cfg->workloads[w].req.n_windows; i++) {
				const struct window_result *r = &a->first_worst[w][i];
				const double x[] = {r->length_s, r->failure_rate, r->failure_start_s,
						    r->wait_p99, r->wait_start_s};
				results_csv_field(out, sc->variants[v].name);
				fputc(',', out);
				results_csv_field(out, cfg->workloads[w].name);
				for (size_t k = 0; k < sizeof x / sizeof *x; k++) {
					fputc(',', out);
					if (isfinite(x[k]))
						results_csv_number(out, x[k]);
				}
				fputc('\n', out);
			}
		}
	}
	return PT_OK;
}

/* Each variant's SLO limits (none: only the header), for the marks on the wait plot. */
static int slo_csv(FILE *out, void *pctx)
{
	const struct run_ctx *c = pctx;
	const struct scenario *sc = c->info->sc;
	fputs("variant,workload,metric,limit,unit\n", out);
	for (int v = 0; v < sc->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		for (int i = 0; i < cfg->n_slo; i++) {
			const struct cfg_slo *l = &cfg->slo[i];
			const struct metric_def *m = metric_find(l->table);
			results_csv_field(out, sc->variants[v].name);
			fputc(',', out);
			results_csv_field(out, cfg->workloads[l->workload].name);
			fputc(',', out);
			results_csv_field(out, l->metric);
			fputc(',', out);
			results_csv_number(out, l->limit);
			fputc(',', out);
			results_csv_field(out, m ? m->unit : "");
			fputc('\n', out);
		}
	}
	return PT_OK;
}

/* ---------------------------------------------------------------------------------------- */
/* replications.csv: every metric of every replication, written as the experiment folds them */

int results_replications_begin(struct results_dir *rd, const struct scenario *sc, char *err,
			       size_t errlen)
{
	char *p = strf("%s/replications.csv", rd->tmp);
	if (!p)
		return fail(err, errlen, PT_ENOMEM, "cannot write", "replications.csv");
	rd->rep_ctx = calloc((size_t)sc->n_variants, sizeof *rd->rep_ctx);
	rd->reps = rd->rep_ctx ? open_out(p) : NULL;
	int st = PT_OK;
	if (!rd->rep_ctx)
		st = fail(err, errlen, PT_ENOMEM, "cannot write", p);
	else if (!rd->reps)
		st = fail(err, errlen, PT_EIO, "cannot write", p);
	free(p);
	if (st)
		return st;
	rd->sc = sc;
	for (int v = 0; v < sc->n_variants; v++)
		rd->rep_ctx[v] = (struct rep_ctx){rd, v};
	fputs("variant,variant_order,replication,workload,metric,value,unit\n", rd->reps);
	return PT_OK;
}

static void rep_row(FILE *out, const char *variant, int order, int rep,
		    const struct cfg_workload *wl, const char *workload, const struct metric_def *m,
		    double x)
{
	char name[CFG_SLO_METRIC_MAX];
	results_csv_field(out, variant);
	fprintf(out, ",%d,%d,", order, rep);
	results_csv_field(out, workload);
	fputc(',', out);
	results_csv_field(out, metric_name_of(m, wl, name, sizeof name));
	fputc(',', out);
	results_csv_number(out, x);
	fputc(',', out);
	results_csv_field(out, m->unit);
	fputc('\n', out);
}

/* model_hooks.on_result: the rows of one replication, in the order of summary.csv. */
static void on_replication(void *ctx, int rep, const struct model_result *r)
{
	const struct rep_ctx *rc = ctx;
	FILE *out = rc->rd->reps;
	if (!r || !out)
		return;
	const struct scenario *sc = rc->rd->sc;
	const struct cfg_scenario *cfg = &sc->variants[rc->v].cfg;
	const char *vname = sc->variants[rc->v].name;
	int nm;
	const struct metric_def *t = metric_table(&nm);
	for (int w = 0; w < cfg->n_workloads; w++) {
		enum metric_scope scope = metric_scope_of(&cfg->workloads[w]);
		for (int k = 0; k < nm; k++)
			if (t[k].scope == scope && metric_applies(&t[k], &cfg->workloads[w]))
				rep_row(out, vname, rc->v + 1, rep, &cfg->workloads[w],
					cfg->workloads[w].name, &t[k], t[k].get(r, w));
	}
	for (int p = 0; p < cfg->n_pools; p++) {
		char wname[CFG_NAME_MAX + 8];
		snprintf(wname, sizeof wname, "pool/%s", cfg->pools[p].name);
		for (int k = 0; k < nm; k++)
			if (t[k].scope == METRIC_POOL)
				rep_row(out, vname, rc->v + 1, rep, NULL, wname, &t[k], t[k].get(r, p));
	}
	for (int d = 0; d <= cfg->n_replicas; d++) {
		char dname[CFG_NAME_MAX + 8];
		snprintf(dname, sizeof dname, d ? "replica/%s" : "database", cfg_server_name(cfg, d));
		for (int k = 0; k < nm; k++)
			if (t[k].scope == METRIC_DATABASE)
				rep_row(out, vname, rc->v + 1, rep, NULL, dname, &t[k], t[k].get(r, d));
	}
	for (int d = 0; d <= cfg->n_replicas; d++) {
		if (!cfg_pgbouncer_fronts(cfg, d))
			continue;
		char gname[CFG_NAME_MAX + 12];
		snprintf(gname, sizeof gname, d ? "pgbouncer/%s" : "pgbouncer", cfg_server_name(cfg, d));
		for (int k = 0; k < nm; k++)
			if (t[k].scope == METRIC_PGBOUNCER)
				rep_row(out, vname, rc->v + 1, rep, NULL, gname, &t[k], t[k].get(r, d));
	}
}

void results_hook_replications(struct results_dir *rd, int v, struct model_hooks *hooks)
{
	if (!rd->rep_ctx)
		return;
	hooks->on_result = on_replication;
	hooks->result_ctx = &rd->rep_ctx[v];
}

int results_replications_end(struct results_dir *rd, char *err, size_t errlen)
{
	if (!rd->reps)
		return PT_OK;
	errno = 0;
	/* on the disk with the other files: one sync of the folder (results_commit) */
	bool bad = fflush(rd->reps) != 0 || ferror(rd->reps);
	int e = errno;
	if (fclose(rd->reps) != 0 && !bad) {
		bad = true;
		e = errno;
	}
	rd->reps = NULL;
	if (!bad)
		return PT_OK;
	errno = e ? e : EIO;
	char *p = strf("%s/replications.csv", rd->tmp);
	int st = fail(err, errlen, PT_EIO, "cannot write", p ? p : "replications.csv");
	free(p);
	return st;
}

int results_write_data(struct results_dir *rd, const struct results_info *info, char *err,
		       size_t errlen)
{
	struct run_ctx c = {.info = info, .rd = rd};
	int st = write_file(rd, "summary.json", summary_json, &c, err, errlen);
	if (!st)
		st = write_file(rd, "summary.csv", summary_csv, &c, err, errlen);
	if (!st)
		st = write_file(rd, "waits.csv", waits_csv, &c, err, errlen);
	if (!st)
		st = write_file(rd, "timeline.csv", timeline_csv, &c, err, errlen);
	if (!st)
		st = write_file(rd, "pools.csv", pools_csv, &c, err, errlen);
	if (!st)
		st = write_file(rd, "database.csv", database_csv, &c, err, errlen);
	if (!st)
		st = write_file(rd, "slo.csv", slo_csv, &c, err, errlen);
	if (!st)
		st = write_file(rd, "worst_windows.csv", worst_windows_csv, &c, err, errlen);
	return st;
}

int results_mark_plots_missing(struct results_dir *rd, const char *reason, char *err,
			       size_t errlen)
{
	char *p = strf("%s/%s", rd->tmp, RESULTS_PLOTS_MISSING);
	if (!p)
		return fail(err, errlen, PT_ENOMEM, "cannot write", RESULTS_PLOTS_MISSING);
	/* The plot module leaves the marker empty; the reason goes in for the report. */
	int st = PT_OK;
	FILE *f = fopen(p, "w");
	if (!f)
		st = fail(err, errlen, PT_EIO, "cannot write", p);
	else {
		bool bad = fprintf(f, "%s\n", reason) < 0;
		if (fclose(f) != 0 || bad) /* close in any case */
			st = fail(err, errlen, PT_EIO, "cannot write", p);
	}
	free(p);
	return st;
}

static int write_md(FILE *out, void *ctx)
{
	return report_doc_md(out, ctx);
}

static int write_html(FILE *out, void *ctx)
{
	return report_doc_html(out, ctx);
}

int results_write_report(struct results_dir *rd, const struct results_info *info,
			 results_section_fn slo, void *slo_ctx, char *err, size_t errlen)
{
	struct report_doc c = {.info = info,
			       .run_id = rd->run_id,
			       .started_utc = rd->started_utc,
			       .sha256 = rd->sha256,
			       .folder = rd->tmp,
			       .slo = slo,
			       .slo_ctx = slo_ctx};
	char reason[512] = "";
	char *marker = strf("%s/%s", rd->tmp, RESULTS_PLOTS_MISSING);
	if (!marker)
		return fail(err, errlen, PT_ENOMEM, "cannot write", "report.md");
	FILE *f = fopen(marker, "r");
	if (f) {
		if (fgets(reason, sizeof reason, f))
			reason[strcspn(reason, "\r\n")] = 0;
		fclose(f);
		c.plots_missing = reason;
	}
	free(marker);
	int st = write_file(rd, "report.md", write_md, &c, err, errlen);
	if (!st)
		st = write_file(rd, "report.html", write_html, &c, err, errlen);
	return st;
}

/* The text of report.md for results_refresh_html. */
struct md_source {
	const char *md, *folder;
};

static int write_html_from_md(FILE *out, void *ctx)
{
	const struct md_source *m = ctx;
	return report_doc_html_from_md(out, m->md, m->folder);
}

static int write_text(FILE *out, void *ctx)
{
	fputs(ctx, out);
	return PT_OK;
}

#define REPORT_MD_MAX (64u << 20) /* bytes of report.md read back: far above any report */

int results_refresh_html(const char *dir, const char *missing, bool *md_updated, bool *rebuilt,
			 char *err, size_t errlen)
{
	*rebuilt = *md_updated = false;
	char *md2 = NULL;
	char *path = strf("%s/report.md", dir);
	if (!path)
		return fail(err, errlen, PT_ENOMEM, "cannot read", "report.md");
	int st = PT_OK;
	char *md = NULL;
	/* O_NONBLOCK: a FIFO put in its place must not hang the open (it is refused below) */
	int fd = open(path, O_RDONLY | O_NONBLOCK);
	struct stat sb;
	if (fd < 0) {
		if (errno != ENOENT)
			st = fail(err, errlen, PT_EIO, "cannot read", path);
		goto out;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size < 0 ||
	    (uintmax_t)sb.st_size > REPORT_MD_MAX) {
		snprintf(err, errlen, "%s: not a regular file of at most 64 MiB", path);
		st = PT_EIO;
		goto out;
	}
	size_t n = (size_t)sb.st_size, got = 0;
	if (!(md = malloc(n + 1))) {
		st = fail(err, errlen, PT_ENOMEM, "cannot read", path);
		goto out;
	}
	while (got < n) {
		ssize_t k = read(fd, md + got, n - got);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		got += (size_t)k;
	}
	if (got != n) {
		st = fail(err, errlen, PT_EIO, "cannot read", path);
		goto out;
	}
	if (memchr(md, 0, n)) {
		snprintf(err, errlen, "%s: not a text file (it holds a NUL byte)", path);
		st = PT_EIO;
		goto out;
	}
	md[n] = 0;
	/* report.md first: its note must not keep saying "not drawn" beside drawn plots (nor
	 * stay silent about plots that failed now), and the page is made from it */
	if ((st = report_doc_md_replot(md, missing, &md2))) {
		st = fail(err, errlen, st, "cannot write", path);
		goto out;
	}
	if (md2) {
		if ((st = outdir_replace_file(dir, "report.md", write_text, md2, err, errlen)))
			goto out;
		*md_updated = true;
	}
	struct md_source m = {.md = md2 ? md2 : md, .folder = dir};
	st = outdir_replace_file(dir, "report.html", write_html_from_md, &m, err, errlen);
	*rebuilt = st == PT_OK;
out:
	if (fd >= 0)
		close(fd);
	free(md2);
	free(md);
	free(path);
	return st;
}
