/* Scenario loader: JSON file -> one resolved struct cfg_scenario per variant (see scenario.h).
 *
 * The flow of scenario_load: read the file; parse it (syntax errors as line:column); reject
 * duplicate keys anywhere; detach "variants"; apply the command-line --set overrides to the
 * rest (the base); validate the base into a cfg and, at the same time, into a canonical
 * "resolved" tree (every default filled in, durations in seconds); then for each variant copy
 * the base, apply the variant's "set" and validate the copy into that variant's cfg. Trace files
 * named by arrival objects are read when first met (relative to the scenario file), once per
 * path, and handed to the struct scenario with the cfgs that point into them.
 *
 * Each object is checked the same way: its keys against the schema first (so a typo is
 * reported before anything else in that object), then its known keys in schema order, so the
 * first error, the only one reported, does not depend on how the file is laid out.
 *
 * Numbers are read and written in the C locale whatever the process locale is (uselocale), and
 * every number of the resolved JSON is written with the fewest digits that read back to the same
 * double, so loading the resolved JSON gives back the same cfg bit for bit. cJSON's own number
 * printer cannot promise that (its round-trip test is approximate), hence the raw items.
 *
 * Not here: anything about simulating; the cfg structs are the whole interface to models/. */

/* realpath() is XSI: ask for it (the Makefile sets _POSIX_C_SOURCE only). */
#define _XOPEN_SOURCE 700
#include "app/scenario.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "app/obslog.h"
#include "app/sha256.h"
#include "models/pool.h"
#include "models/slo.h"
#include "models/summary.h"
#include "sim/dist.h"
#include "sim/status.h"

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

#define STRINGIFY_(x) #x
#define STRINGIFY(x) STRINGIFY_(x)
#define PATH_LEN 384            /* a JSON path in a message; longer ones are truncated */
#define MSG_LEN (768 + 4096)    /* what is wrong at that path: room for a trace's path */
#define GOT_MAX 80              /* longest value quoted after "got" */
#define INT_CAP 1000000         /* upper bound of counts without a natural one (no overflow) */
#define REPLICATIONS_MAX 10000
#define SEED_MAX 9007199254740992.0 /* 2^53: every integer up to it is exact in a double */
#define FILE_MAX ((size_t)64 << 20) /* a scenario is a few KiB; this stops /dev/zero */
#define NUM_LEN 40              /* "%.17g" of any double */
#define USERS_MAX 10000000
#define CORES_MAX 4096
#define PROCESSES_MAX 1000      /* deployment.processes and a workload's processes */
#define WORKERS_MAX 1000
#define RETRIES_MAX 100
#define HORIZON_MIN 1e-6        /* a microsecond: below it the timeline has no readable step */
#define HORIZON_MAX 86400000.0  /* 1000 days: beyond it a scenario is a typo, not a plan */

#define DURATION_WHAT "a duration with a unit such as \"8ms\" or \"8s\" (us, ms, s, m, " \
	"min, h, d; a bare number only for 0)"
#define DURATION_POS_WHAT "a duration > 0 with a unit such as \"8ms\" or \"8s\" (us, ms, s, " \
	"m, min, h, d)"
#define RATE_WHAT "a rate > 0 such as \"120/s\" or a number per second"
#define RATE0_WHAT "a rate >= 0 such as \"120/s\" or a number per second"
#define WRITES_WHAT "a fraction from 0 to 1 such as 0.3, or a percentage such as \"30%\""
#define COUNTS_WHAT "a number > 0 or a distribution of counts such as " \
	"{\"dist\": \"uniform\", \"min\": 1, \"max\": 20}"
#define TRACE_WHAT "the path of a CSV file of arrival times, relative to the scenario file"
#define USERS_WHAT "an integer >= 1 or an object {\"count\": ..., \"zipf\": ...}"
#define POINT_WHAT "{\"at\": ..., \"rate\": ...}"
#define BURST_WHAT "{\"start\": ..., \"end\": ..., \"factor\": ...}"
#define NAME_WHAT "1 to 63 letters, digits, '_' or '-'"
#define SET_PATH_WHAT "a dotted path such as pools.main.size (not into variants)"
#define SLO_WHAT "an object mapping workload names to limits, such as " \
	"{\"api\": {\"timeout_rate\": 0.001, \"wait_p99\": \"100ms\"}}"
#define SLO_LIMITS_WHAT "an object mapping limits to values, such as " \
	"{\"timeout_rate\": 0.001, \"wait_p99\": \"100ms\"}"
#define FRACTION_WHAT "a fraction from 0 to 1 such as 0.001, or a percentage such as \"0.1%\""

/* A trace file read for an arrival process; one per distinct path, shared by every variant.
 * The same list holds the data of `empirical` distributions (column set): one column of a CSV
 * file (t_s = its values; one per distinct path and column), or values or a histogram given in
 * the JSON (path "", never shared: t_s = the values or the edges, hold_s = the cumulative
 * counts). */
struct scenario_trace {
	struct scenario_trace *next;
	char *path;          /* as opened: the scenario file's directory joined with the name */
	size_t n;
	double *t_s;         /* n ascending arrival times */
	double *hold_s;      /* n hold times, or NULL when the file has one column */
	char *column;        /* empirical data: the CSV column, or "" for inline data; else NULL */
};

/* The first error found: where (a JSON path, "" for the file as a whole) and what; and what
 * validation needs beyond the JSON: the scenario file (traces are relative to it) and the
 * traces read so far (handed to the struct scenario on success). */
struct ctx {
	char path[PATH_LEN];
	char msg[MSG_LEN];
	bool oom; /* building the resolved tree ran out of memory */
	const char *file;
	struct scenario_trace *traces;
	int hikari_pools; /* HikariCP pools read so far: the N of the default "HikariPool-N" */
};

/* ---- strings and numbers ------------------------------------------------------------------ */

/* Copy src into dst[n], truncated to fit, always terminated. */
static void copy_str(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);
	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Append src to the string in dst[n], truncated to fit. */
static void append(char *dst, size_t n, const char *src)
{
	size_t at = strlen(dst);
	if (at + 1 < n)
		copy_str(dst + at, n - at, src);
}

/* dst = parent "." key, or key alone when parent is "" (the top level). */
static void join(char *dst, size_t n, const char *parent, const char *key)
{
	copy_str(dst, n, parent);
	if (parent[0])
		append(dst, n, ".");
	append(dst, n, key);
}

/* dst = path "[" i "]", an array element's path. */
static void element(char *dst, size_t n, const char *path, int i)
{
	char idx[24];

	snprintf(idx, sizeof idx, "[%d]", i);
	copy_str(dst, n, path);
	append(dst, n, idx);
}

/* "a, b, c" from a NULL-terminated list. */
static void join_list(char *dst, size_t n, const char *const *items)
{
	dst[0] = '\0';
	for (size_t i = 0; items[i]; i++) {
		if (i > 0)
			append(dst, n, ", ");
		append(dst, n, items[i]);
	}
}

static bool is_digit(char ch)
{
	return ch >= '0' && ch <= '9';
}

/* Switch this thread to the C locale for numbers (strtod, printf) and back: scenario files
 * mean "1.5" whatever LC_NUMERIC the process runs under. */
struct c_numeric {
	locale_t c, old;
};

static void c_numeric_begin(struct c_numeric *cn)
{
	cn->c = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
	cn->old = cn->c ? uselocale(cn->c) : (locale_t)0;
}

static void c_numeric_end(struct c_numeric *cn)
{
	if (cn->c) {
		uselocale(cn->old);
		freelocale(cn->c);
	}
}

/* The shortest of %.15g, %.16g, %.17g that reads back as exactly v: a JSON number. */
static void fmt_num(char *buf, size_t n, double v)
{
	struct c_numeric cn;

	if (!isfinite(v)) { /* never reached for validated values; keeps the output JSON */
		copy_str(buf, n, "null");
		return;
	}
	v += 0.0; /* -0 -> 0 */
	c_numeric_begin(&cn);
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	c_numeric_end(&cn);
}

/* The decimal number at the start of s: digits with an optional fraction and exponent; no
 * sign, no hex, no inf or nan. Returns the number of bytes it takes, 0 if there is none. */
static size_t scan_number(const char *s, double *v)
{
	size_t i = 0, digits = 0;
	char buf[64];
	struct c_numeric cn;

	for (; is_digit(s[i]); i++)
		digits++;
	if (s[i] == '.')
		for (i++; is_digit(s[i]); i++)
			digits++;
	if (digits == 0)
		return 0;
	if (s[i] == 'e' || s[i] == 'E') {
		size_t j = i + 1;
		if (s[j] == '+' || s[j] == '-')
			j++;
		if (is_digit(s[j])) {
			while (is_digit(s[j]))
				j++;
			i = j;
		}
	}
	if (i >= sizeof buf)
		return 0;
	memcpy(buf, s, i);
	buf[i] = '\0';
	c_numeric_begin(&cn);
	*v = strtod(buf, NULL);
	c_numeric_end(&cn);
	return i;
}

/* Time units: seconds = number * mul / div (division keeps "150ms" exactly 0.15). */
static const struct unit {
	const char *name;
	double mul, div;
} units[] = {
	{"us", 1, 1e6}, {"ms", 1, 1e3}, {"s", 1, 1},      {"m", 60, 1},
	{"min", 60, 1}, {"h", 3600, 1}, {"d", 86400, 1},
};

static const struct unit *find_unit(const char *name)
{
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (strcmp(units[i].name, name) == 0)
			return &units[i];
	return NULL;
}

int scenario_parse_duration(const char *text, double *seconds)
{
	double v;
	size_t len;
	const struct unit *u;

	if (!text || (len = scan_number(text, &v)) == 0)
		return PT_EINVAL;
	/* A bare number is ambiguous ("8" meant 8 ms as often as 8 s): only 0 needs no unit. */
	if (text[len] == '\0') {
		if (v != 0)
			return PT_EINVAL;
		u = find_unit("s");
	} else if (!(u = find_unit(text + len))) {
		return PT_EINVAL;
	}
	v = v * u->mul / u->div;
	if (!isfinite(v))
		return PT_EINVAL;
	*seconds = v;
	return PT_OK;
}

int scenario_parse_rate(const char *text, double *per_second)
{
	double v;
	size_t len;
	const struct unit *u;

	if (!text || (len = scan_number(text, &v)) == 0)
		return PT_EINVAL;
	if (text[len] == '\0') {
		u = find_unit("s");
	} else if (text[len] != '/' || !(u = find_unit(text + len + 1))) {
		return PT_EINVAL;
	}
	v = v * u->div / u->mul;
	if (!isfinite(v))
		return PT_EINVAL;
	*per_second = v;
	return PT_OK;
}

/* ---- errors ------------------------------------------------------------------------------- */

/* JSON text of a value for "got ...", on one line, shortened past GOT_MAX bytes. */
static void describe(const cJSON *v, char *buf, size_t n)
{
	char *s;
	size_t len;

	if (!v) {
		copy_str(buf, n, "nothing");
		return;
	}
	if (cJSON_IsNumber(v)) {
		if (isfinite(v->valuedouble))
			fmt_num(buf, n, v->valuedouble);
		else
			copy_str(buf, n, "a number out of range");
		return;
	}
	s = cJSON_PrintUnformatted(v);
	if (!s) {
		copy_str(buf, n, "?");
		return;
	}
	len = strlen(s);
	if (len > GOT_MAX) {
		len = GOT_MAX - 3;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) /* UTF-8 boundary */
			len--;
		memcpy(s + len, "...", 4);
	}
	copy_str(buf, n, s);
	cJSON_free(s);
}

/* A string as a JSON string literal (quoted, escaped). */
static void quote(const char *str, char *buf, size_t n)
{
	cJSON *tmp = cJSON_CreateStringReference(str);
	describe(tmp, buf, n);
	cJSON_Delete(tmp);
}

static int fail(struct ctx *c, const char *path, const char *fmt, ...) PRINTF_LIKE(3, 4);
static int fail(struct ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	copy_str(c->path, sizeof c->path, path);
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof c->msg, fmt, ap);
	va_end(ap);
	return PT_EINVAL;
}

/* "expected <what>, got <JSON of got>" at path. */
static int expected(struct ctx *c, const char *path, const cJSON *got, const char *fmt, ...)
	PRINTF_LIKE(4, 5);
static int expected(struct ctx *c, const char *path, const cJSON *got, const char *fmt, ...)
{
	char what[MSG_LEN / 2], g[GOT_MAX + 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	describe(got, g, sizeof g);
	return fail(c, path, "expected %s, got %s", what, g);
}

static int fail_oom(struct ctx *c)
{
	fail(c, "", "out of memory");
	return PT_ENOMEM;
}

/* The single line of err: "<file>: <prefix><json.path>: <msg>". prefix is "" or ends in ": ". */
static void report(const struct ctx *c, const char *file, const char *prefix, char *err,
		   size_t errlen)
{
	if (!err || errlen == 0)
		return;
	if (c->path[0])
		snprintf(err, errlen, "%s: %s%s: %s", file, prefix, c->path, c->msg);
	else
		snprintf(err, errlen, "%s: %s%s", file, prefix, c->msg);
}

/* ---- the resolved tree: no-ops when it is not being built (res == NULL) --------------------- */

static void put_raw(struct ctx *c, cJSON *res, const char *key, const char *raw)
{
	if (res && !cJSON_AddRawToObject(res, key, raw))
		c->oom = true;
}

static void put_num(struct ctx *c, cJSON *res, const char *key, double v)
{
	char b[NUM_LEN];
	fmt_num(b, sizeof b, v);
	put_raw(c, res, key, b);
}

static void put_int(struct ctx *c, cJSON *res, const char *key, long long v)
{
	char b[NUM_LEN];
	snprintf(b, sizeof b, "%lld", v);
	put_raw(c, res, key, b);
}

static void put_str(struct ctx *c, cJSON *res, const char *key, const char *s)
{
	if (res && !cJSON_AddStringToObject(res, key, s))
		c->oom = true;
}

static void put_bool(struct ctx *c, cJSON *res, const char *key, bool b)
{
	if (res && !cJSON_AddBoolToObject(res, key, b))
		c->oom = true;
}

/* A duration in the resolved tree: seconds with the unit ("0.015s"), so that the resolved tree
 * is itself a valid scenario (bare numbers are not durations) and reads back bit for bit. */
static void put_dur(struct ctx *c, cJSON *res, const char *key, double seconds)
{
	char b[NUM_LEN + 1];

	fmt_num(b, sizeof b - 1, seconds);
	append(b, sizeof b, "s");
	put_str(c, res, key, b);
}

static cJSON *put_obj(struct ctx *c, cJSON *res, const char *key)
{
	cJSON *o;
	if (!res)
		return NULL;
	if (!(o = cJSON_AddObjectToObject(res, key)))
		c->oom = true;
	return o;
}

static cJSON *put_arr(struct ctx *c, cJSON *res, const char *key)
{
	cJSON *a;
	if (!res)
		return NULL;
	if (!(a = cJSON_AddArrayToObject(res, key)))
		c->oom = true;
	return a;
}

/* A new object at the end of the array arr. */
static cJSON *put_elem(struct ctx *c, cJSON *arr)
{
	cJSON *o;
	if (!arr)
		return NULL;
	if (!(o = cJSON_CreateObject()) || !cJSON_AddItemToArray(arr, o)) {
		cJSON_Delete(o);
		c->oom = true;
		return NULL;
	}
	return o;
}

/* A deep copy in which every number is a raw item printed by fmt_num (exact round trip). */
static cJSON *copy_exact(const cJSON *v)
{
	char b[NUM_LEN];
	cJSON *out;

	if (cJSON_IsNumber(v)) {
		fmt_num(b, sizeof b, v->valuedouble);
		return cJSON_CreateRaw(b);
	}
	if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
		return cJSON_Duplicate(v, 0);
	out = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
	if (!out)
		return NULL;
	for (const cJSON *m = v->child; m; m = m->next) {
		cJSON *cm = copy_exact(m);
		bool ok = cm && (cJSON_IsArray(v) ? cJSON_AddItemToArray(out, cm)
						  : cJSON_AddItemToObject(out, m->string, cm));
		if (!ok) {
			cJSON_Delete(cm);
			cJSON_Delete(out);
			return NULL;
		}
	}
	return out;
}

/* ---- reading values ----------------------------------------------------------------------- */

static const cJSON *member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* Every key of obj is one of keys (NULL-terminated); a typo must never go unnoticed. */
static int check_keys(struct ctx *c, const cJSON *obj, const char *path, const char *const *keys)
{
	for (const cJSON *m = obj->child; m; m = m->next) {
		size_t i = 0;
		char p[PATH_LEN], list[MSG_LEN / 2];

		while (keys[i] && strcmp(keys[i], m->string) != 0)
			i++;
		if (keys[i])
			continue;
		join(p, sizeof p, path, m->string);
		join_list(list, sizeof list, keys);
		return fail(c, p, "unknown key (expected one of: %s)", list);
	}
	return PT_OK;
}

/* The first member of object v, in file order, whose key an earlier member has (NULL when all
 * keys differ): sorted by (key, position), it is the smallest position that follows an equal
 * key. O(n log n): the pairwise scan took 36 s on 100 000 keys. */
struct keyed {
	const cJSON *m;
	size_t pos;
};

static int cmp_keyed(const void *x, const void *y)
{
	const struct keyed *a = x, *b = y;
	int k = strcmp(a->m->string, b->m->string);
	if (k)
		return k;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int first_duplicate(const cJSON *v, const cJSON **dup)
{
	size_t n = 0, i;
	struct keyed *k;

	*dup = NULL;
	for (const cJSON *m = v->child; m; m = m->next)
		n++;
	if (n < 2)
		return PT_OK;
	if (!(k = malloc(n * sizeof *k)))
		return PT_ENOMEM;
	i = 0;
	for (const cJSON *m = v->child; m; m = m->next, i++)
		k[i] = (struct keyed){m, i};
	qsort(k, n, sizeof *k, cmp_keyed);
	size_t best = n;
	for (i = 1; i < n; i++)
		if (strcmp(k[i].m->string, k[i - 1].m->string) == 0 && k[i].pos < best) {
			best = k[i].pos;
			*dup = k[i].m;
		}
	free(k);
	return PT_OK;
}

/* No object anywhere below v has the same key twice (cJSON would silently keep the first).
 * path (a buffer of n bytes) holds v's path and is restored before returning. */
static int check_duplicates(struct ctx *c, const cJSON *v, char *path, size_t n)
{
	size_t len = strlen(path);
	int i = 0, rc;

	const cJSON *dup = NULL;
	if (cJSON_IsObject(v) && first_duplicate(v, &dup))
		return fail_oom(c);
	for (const cJSON *m = v->child; m; m = m->next, i++) {
		if (m == dup) { /* reported where the old pairwise scan met it: same first error */
			char p[PATH_LEN];
			join(p, sizeof p, path, m->string);
			return fail(c, p, "duplicate key");
		}
		if (cJSON_IsObject(v)) {
			if (len > 0)
				append(path, n, ".");
			append(path, n, m->string);
		} else {
			char idx[24];
			snprintf(idx, sizeof idx, "[%d]", i);
			append(path, n, idx);
		}
		rc = check_duplicates(c, m, path, n);
		path[len] = '\0';
		if (rc)
			return rc;
	}
	return PT_OK;
}

/* obj.key as an integer in [min, max]; def when absent. */
static int get_int(struct ctx *c, const cJSON *obj, const char *path, const char *key, int min,
		   int max, int def, int *out)
{
	const cJSON *v = member(obj, key);
	char p[PATH_LEN];
	double d;
	bool integral;

	if (!v) {
		*out = def;
		return PT_OK;
	}
	join(p, sizeof p, path, key);
	d = v->valuedouble;
	integral = cJSON_IsNumber(v) && isfinite(d) && floor(d) == d;
	if (integral && d >= min && d <= max) {
		*out = (int)d;
		return PT_OK;
	}
	/* Name the upper bound when it is part of the contract or is what was broken. */
	if (max < INT_CAP || (integral && d > max))
		return expected(c, p, v, "an integer from %d to %d", min, max);
	return expected(c, p, v, "an integer >= %d", min);
}

static int get_bool(struct ctx *c, const cJSON *obj, const char *path, const char *key, bool *out)
{
	const cJSON *v = member(obj, key);
	char p[PATH_LEN];

	if (!v)
		return PT_OK;
	if (!cJSON_IsBool(v)) {
		join(p, sizeof p, path, key);
		return expected(c, p, v, "true or false");
	}
	*out = cJSON_IsTrue(v);
	return PT_OK;
}

/* obj.key as a finite number >= min (> min when strict); unchanged when absent. */
static int get_number(struct ctx *c, const cJSON *obj, const char *path, const char *key,
		      double min, bool strict, double *out)
{
	const cJSON *v = member(obj, key);
	char p[PATH_LEN], m[NUM_LEN];
	double d;

	if (!v)
		return PT_OK;
	d = v->valuedouble;
	if (cJSON_IsNumber(v) && isfinite(d) && (strict ? d > min : d >= min)) {
		*out = d + 0.0;
		return PT_OK;
	}
	join(p, sizeof p, path, key);
	fmt_num(m, sizeof m, min);
	return expected(c, p, v, "a number %s %s", strict ? ">" : ">=", m);
}

/* "required" at path.key when obj has no such member. */
static int require(struct ctx *c, const cJSON *obj, const char *path, const char *key)
{
	char p[PATH_LEN];

	if (member(obj, key))
		return PT_OK;
	join(p, sizeof p, path, key);
	return fail(c, p, "required");
}

/* A rate value: a number per second >= 0 or a string with a unit ("120/s"). */
static int to_rate(const cJSON *v, double *per_second)
{
	double r;

	if (cJSON_IsNumber(v)) {
		r = v->valuedouble;
		if (!isfinite(r) || !(r >= 0))
			return PT_EINVAL;
		*per_second = r + 0.0;
		return PT_OK;
	}
	if (cJSON_IsString(v) && scenario_parse_rate(v->valuestring, &r) == PT_OK) {
		*per_second = r;
		return PT_OK;
	}
	return PT_EINVAL;
}

/* A fraction (an SLO rate limit, a share of writes): a number in [0, 1] or a string
 * "<number>%" with the number in [0, 100]. */
static int to_fraction(const cJSON *v, double *out)
{
	double x;
	size_t len;

	if (cJSON_IsNumber(v)) {
		x = v->valuedouble;
		if (!(x >= 0 && x <= 1))
			return PT_EINVAL;
		*out = x + 0.0;
		return PT_OK;
	}
	if (!cJSON_IsString(v) || (len = scan_number(v->valuestring, &x)) == 0 ||
	    strcmp(v->valuestring + len, "%") != 0 || !(x <= 100))
		return PT_EINVAL;
	{
		/* "0.1%" is the same double as 0.001 when the decimal text is read with the
		 * exponent shifted ("0.1e-2"); x / 100 can be an ulp away. */
		char buf[72];
		struct c_numeric cn;
		if (len + 4 > sizeof buf || memchr(v->valuestring, 'e', len) ||
		    memchr(v->valuestring, 'E', len)) {
			*out = x / 100;
			return PT_OK;
		}
		memcpy(buf, v->valuestring, len);
		memcpy(buf + len, "e-2", 4);
		c_numeric_begin(&cn);
		*out = strtod(buf, NULL);
		c_numeric_end(&cn);
	}
	return PT_OK;
}

/* A duration value: a string with a unit, or the number 0. A bare number other than 0 is an
 * error: "db_time": 8 meant 8 ms as often as 8 s, and "pool_timeout": 30000 (milliseconds, in
 * HikariCP's habit) would otherwise be 8 h 20 min. */
static int to_duration(const cJSON *v, double *seconds)
{
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble != 0)
			return PT_EINVAL;
		*seconds = 0;
		return PT_OK;
	}
	if (cJSON_IsString(v))
		return scenario_parse_duration(v->valuestring, seconds);
	return PT_EINVAL;
}

/* obj.key as a duration (> 0 when positive); unchanged when absent. */
static int get_duration(struct ctx *c, const cJSON *obj, const char *path, const char *key,
			bool positive, double *out)
{
	const cJSON *v = member(obj, key);
	char p[PATH_LEN];
	double s;

	if (!v)
		return PT_OK;
	join(p, sizeof p, path, key);
	if (to_duration(v, &s) != PT_OK || (positive && !(s > 0)))
		return expected(c, p, v, "%s", positive ? DURATION_POS_WHAT : DURATION_WHAT);
	*out = s;
	return PT_OK;
}

/* A required object member; "required" when absent. */
static int get_object(struct ctx *c, const cJSON *obj, const char *path, const char *key,
		      const cJSON **out)
{
	char p[PATH_LEN];

	join(p, sizeof p, path, key);
	*out = member(obj, key);
	if (!*out)
		return fail(c, p, "required");
	if (!cJSON_IsObject(*out))
		return expected(c, p, *out, "an object");
	return PT_OK;
}

/* Pool and workload names: they appear in dotted --set paths, CSV columns and file names. */
static bool valid_name(const char *s)
{
	size_t i = 0;
	for (; s[i]; i++) {
		char ch = s[i];
		if (!is_digit(ch) && !(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    ch != '_' && ch != '-')
			return false;
	}
	return i >= 1 && i < CFG_NAME_MAX;
}

/* ---- distributions ------------------------------------------------------------------------ */

static const char *const dist_names = "constant, exponential, uniform, lognormal, gamma, "
				       "empirical";
static const char *const constant_keys[] = {"dist", "value", NULL};
static const char *const exponential_keys[] = {"dist", "mean", NULL};
static const char *const uniform_keys[] = {"dist", "min", "max", NULL};
static const char *const lognormal_keys[] = {"dist", "mean", "sd", "median", "p99", NULL};
static const char *const gamma_keys[] = {"dist", "mean", "cv", NULL};
static const char *const empirical_keys[] = {"dist", "file", "column", "values", "histogram",
					     NULL};
static const char *const histogram_keys[] = {"edges", "counts", NULL};

/* A required parameter of a distribution: a duration, or with counts a plain number >= 0. */
static int dist_param(struct ctx *c, const cJSON *v, const char *path, const char *key,
		      bool counts, double *x)
{
	int rc;

	if ((rc = require(c, v, path, key)))
		return rc;
	return counts ? get_number(c, v, path, key, 0, false, x)
		      : get_duration(c, v, path, key, false, x);
}

/* One parameter of a distribution in the resolved tree: a duration unless the distribution
 * counts things or the parameter is the (dimensionless) coefficient of variation. */
static void put_param(struct ctx *c, cJSON *o, bool counts, const char *k, double v)
{
	if (counts || strcmp(k, "cv") == 0)
		put_num(c, o, k, v);
	else
		put_dur(c, o, k, v);
}

/* res[key] = {"dist": kind, k1: v1 [, k2: v2]}, the canonical form. */
static void put_dist(struct ctx *c, cJSON *res, const char *key, const char *kind, bool counts,
		     const char *k1, double v1, const char *k2, double v2)
{
	cJSON *o = put_obj(c, res, key);
	put_str(c, o, "dist", kind);
	put_param(c, o, counts, k1, v1);
	if (k2)
		put_param(c, o, counts, k2, v2);
}

static int get_empirical(struct ctx *c, const cJSON *v, const char *path, struct dist *d,
			 cJSON *res, const char *key);

/* The distribution at path: {"dist": ...} or a bare duration (a constant). Fills *d with the
 * sim/dist.h constructor and res[key] with the canonical object. With counts (records per
 * group, say), the values are numbers of things, not durations: parameters are plain numbers
 * and a constant must be > 0. */
static int get_dist(struct ctx *c, const cJSON *v, const char *path, bool counts, struct dist *d,
		    cJSON *res, const char *key)
{
	const cJSON *kind;
	char p[PATH_LEN];
	double x = 0, y = 0;
	int rc;

	if (!cJSON_IsObject(v)) {
		if (counts) {
			x = v ? v->valuedouble : 0;
			if (!cJSON_IsNumber(v) || !isfinite(x) || !(x > 0))
				return expected(c, path, v, COUNTS_WHAT);
			x += 0.0;
		} else if (to_duration(v, &x) != PT_OK) {
			return expected(c, path, v, "a distribution such as {\"dist\": \"exponential\", "
					"\"mean\": \"20ms\"} or a duration with a unit such as \"8ms\" or \"8s\"");
		}
		dist_constant(d, x);
		put_dist(c, res, key, "constant", counts, "value", x, NULL, 0);
		return PT_OK;
	}
	join(p, sizeof p, path, "dist");
	kind = member(v, "dist");
	if (!kind)
		return fail(c, p, "required");
	if (!cJSON_IsString(kind))
		return expected(c, p, kind, "one of: %s", dist_names);

	if (strcmp(kind->valuestring, "constant") == 0) {
		if ((rc = check_keys(c, v, path, constant_keys)) ||
		    (rc = dist_param(c, v, path, "value", counts, &x)))
			return rc;
		if ((counts && !(x > 0)) || dist_constant(d, x) != PT_OK)
			return expected(c, path, v, "a constant distribution with value %s 0",
					counts ? ">" : ">=");
		put_dist(c, res, key, "constant", counts, "value", x, NULL, 0);
	} else if (strcmp(kind->valuestring, "exponential") == 0) {
		if ((rc = check_keys(c, v, path, exponential_keys)) ||
		    (rc = dist_param(c, v, path, "mean", counts, &x)))
			return rc;
		if (dist_exponential(d, x) != PT_OK)
			return expected(c, path, v, "an exponential distribution with mean > 0");
		put_dist(c, res, key, "exponential", counts, "mean", x, NULL, 0);
	} else if (strcmp(kind->valuestring, "uniform") == 0) {
		if ((rc = check_keys(c, v, path, uniform_keys)) ||
		    (rc = dist_param(c, v, path, "min", counts, &x)) ||
		    (rc = dist_param(c, v, path, "max", counts, &y)))
			return rc;
		if (dist_uniform(d, x, y) != PT_OK)
			return expected(c, path, v, "a uniform distribution with min <= max");
		put_dist(c, res, key, "uniform", counts, "min", x, "max", y);
	} else if (strcmp(kind->valuestring, "lognormal") == 0) {
		bool by_mean = member(v, "mean") || member(v, "sd");
		bool by_median = member(v, "median") || member(v, "p99");
		if ((rc = check_keys(c, v, path, lognormal_keys)))
			return rc;
		if (by_mean == by_median)
			return expected(c, path, v, "a lognormal distribution given by mean and sd, "
					"or by median and p99");
		if (by_mean) {
			if ((rc = dist_param(c, v, path, "mean", counts, &x)) ||
			    (rc = dist_param(c, v, path, "sd", counts, &y)))
				return rc;
			if (dist_lognormal_mean_sd(d, x, y) != PT_OK)
				return x > 0 && y > 0 /* then only sd/mean can be at fault */
					? expected(c, path, v, "a lognormal distribution with sd/mean "
						   "below 1e154 (its sigma overflows)")
					: expected(c, path, v, "a lognormal distribution with mean > 0 "
						   "and sd > 0");
			put_dist(c, res, key, "lognormal", counts, "mean", x, "sd", y);
		} else {
			if ((rc = dist_param(c, v, path, "median", counts, &x)) ||
			    (rc = dist_param(c, v, path, "p99", counts, &y)))
				return rc;
			if (dist_lognormal_median_p99(d, x, y) != PT_OK)
				return x > 0 && y > x
					? expected(c, path, v, "a lognormal distribution with a finite "
						   "mean (p99/median is too large)")
					: expected(c, path, v, "a lognormal distribution with "
						   "0 < median < p99");
			put_dist(c, res, key, "lognormal", counts, "median", x, "p99", y);
		}
	} else if (strcmp(kind->valuestring, "gamma") == 0) {
		const cJSON *cv = member(v, "cv");
		if ((rc = check_keys(c, v, path, gamma_keys)) ||
		    (rc = dist_param(c, v, path, "mean", counts, &x)))
			return rc;
		join(p, sizeof p, path, "cv");
		if (!cv)
			return fail(c, p, "required");
		if (!cJSON_IsNumber(cv) || !isfinite(cv->valuedouble))
			return expected(c, p, cv, "a number (the coefficient of variation)");
		y = cv->valuedouble;
		if (dist_gamma_mean_cv(d, x, y) != PT_OK) {
			/* shape 1/cv^2 and scale mean cv^2 must be finite and > 0 */
			if (x > 0 && y > 0 && y < 1)
				return expected(c, path, v, "a gamma distribution with cv >= 1e-154 "
						"(its shape 1/cv^2 overflows)");
			if (x > 0 && y > 0)
				return expected(c, path, v, "a gamma distribution with a finite scale "
						"mean x cv^2 (cv is too large)");
			return expected(c, path, v, "a gamma distribution with mean > 0 and cv > 0");
		}
		put_dist(c, res, key, "gamma", counts, "mean", x, "cv", y);
	} else if (strcmp(kind->valuestring, "empirical") == 0) {
		if (counts)
			return expected(c, p, kind, "one of: constant, exponential, uniform, "
					"lognormal, gamma (counts have no empirical form)");
		if ((rc = check_keys(c, v, path, empirical_keys)))
			return rc;
		return get_empirical(c, v, path, d, res, key);
	} else {
		return expected(c, p, kind, "one of: %s", dist_names);
	}
	return PT_OK;
}

/* ---- the scenario schema ------------------------------------------------------------------ */

/* "variants" is detached before validation; it is listed for the unknown-key message. */
static const char *const top_keys[] = {"name",       "description", "horizon",  "warmup",
				       "replications", "seed",     "database", "pgbouncer",
				       "deployment",
				       "users",      "pools",       "workloads", "slo",
				       "variants",   NULL};
static const char *const database_keys[] = {"max_connections", "superuser_reserved_connections",
					    "reserved_connections", "connect_time", "rtt",
					    "cores", "row_locks", "lock_timeout",
					    "statement_timeout", NULL};
/* PgBouncer's own parameter names (doc/config.md), plus the client-side connect time. */
static const char *const pgbouncer_keys[] = {
	"pool_mode",	      "max_client_conn",      "default_pool_size",  "min_pool_size",
	"reserve_pool_size",  "reserve_pool_timeout", "max_db_connections", "query_wait_timeout",
	"server_login_retry", "client_connect_time",  NULL};
/* indexed by enum cfg_pool_mode */
static const char *const pool_mode_names[] = {"session", "transaction", "statement", NULL};
static const char *const deployment_keys[] = {"processes", NULL};
static const char *const users_keys[] = {"count", "zipf", NULL};
/* SQLAlchemy's create_engine() argument names, read as the pool keys they set (max_overflow
 * is the same word in both). The file's pools are renamed before anything else; an override
 * path pools.NAME.pool_size sets pools.NAME.size. */
static const char *const pool_aliases[][2] = {
	{"pool_size", "size"},	   {"pool_timeout", "timeout"},	  {"pool_recycle", "recycle"},
	{"pool_pre_ping", "pre_ping"}, {"pool_use_lifo", "use_lifo"},
};
#define N_POOL_ALIASES (sizeof pool_aliases / sizeof pool_aliases[0])

/* The pool key an alias stands for, or key itself. */
static const char *pool_key(const char *key)
{
	for (size_t i = 0; i < N_POOL_ALIASES; i++)
		if (strcmp(key, pool_aliases[i][0]) == 0)
			return pool_aliases[i][1];
	return key;
}

static const char *const pool_keys[] = {"kind",     "max_waiting", "size",    "max_overflow",
					"timeout",  "use_lifo",    "pre_ping", "recycle",
					"wakeup_latency", "checkout_cost", "close_time", NULL};
static const char *const requests_keys[] = {"type",         "pool",        "arrival",
					    "transaction",  "retries",     "backoff",
					    "processes",    "lock_timeout", "statement_timeout",
					    "concurrency",  "client_timeout", NULL};
static const char *const batch_keys[] = {"type",       "pool",           "every",
					 "backlog_rate", "records",      "batch_size",
					 "max_batch_size", "group_size", "per_record",
					 "commit",     "workers",        "processes",
					 "lock_timeout", "statement_timeout", NULL};
static const char *const arrival_keys[] = {"rate", "profile", "period", "bursts", "trace", NULL};
static const char *const point_keys[] = {"at", "rate", NULL};
static const char *const burst_keys[] = {"start", "end", "factor", NULL};
static const char *const transaction_keys[] = {"db_time", "app_time", "statements", "writes",
					       NULL};
/* indexed by enum cfg_workload_kind and enum cfg_commit */
static const char *const workload_types[] = {"requests", "batch", NULL};
static const char *const commit_names[] = {"per_batch", "per_group", "per_record", NULL};

/* Index of s in the NULL-terminated names, or -1. */
static int find_name(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}

static int get_database(struct ctx *c, const cJSON *v, struct cfg_database *db, cJSON *res)
{
	const char *path = "database";
	cJSON *r = put_obj(c, res, path);
	int rc, reserved;

	if (v && !cJSON_IsObject(v))
		return expected(c, path, v, "an object");
	if ((v && (rc = check_keys(c, v, path, database_keys))) ||
	    (rc = get_int(c, v, path, "max_connections", 1, INT_CAP, 100, &db->max_connections)) ||
	    (rc = get_int(c, v, path, "superuser_reserved_connections", 0, INT_CAP, 3,
			  &db->superuser_reserved_connections)) ||
	    (rc = get_int(c, v, path, "reserved_connections", 0, INT_CAP, 0,
			  &db->reserved_connections)))
		return rc;
	reserved = db->superuser_reserved_connections + db->reserved_connections;
	if (db->max_connections <= reserved)
		return fail(c, "database.max_connections",
			    "expected an integer > superuser_reserved_connections + "
			    "reserved_connections (%d), so that one connection slot is usable, got %d",
			    reserved, db->max_connections);
	put_int(c, r, "max_connections", db->max_connections);
	put_int(c, r, "superuser_reserved_connections", db->superuser_reserved_connections);
	put_int(c, r, "reserved_connections", db->reserved_connections);

	if (member(v, "connect_time")) {
		if ((rc = get_dist(c, member(v, "connect_time"), "database.connect_time", false,
				   &db->connect_time, r, "connect_time")))
			return rc;
	} else {
		/* the default of cfg_scenario_defaults: lognormal, mean 5 ms, sd 2 ms */
		dist_lognormal_mean_sd(&db->connect_time, 0.005, 0.002);
		put_dist(c, r, "connect_time", "lognormal", false, "mean", 0.005, "sd", 0.002);
	}
	if ((rc = get_duration(c, v, path, "rtt", false, &db->rtt_s)) ||
	    (rc = get_int(c, v, path, "cores", 0, CORES_MAX, 0, &db->cores)) ||
	    (rc = get_bool(c, v, path, "row_locks", &db->row_locks)))
		return rc;
	put_dur(c, r, "rtt", db->rtt_s);
	put_int(c, r, "cores", db->cores);
	put_bool(c, r, "row_locks", db->row_locks);
	if ((rc = get_duration(c, v, path, "lock_timeout", false, &db->lock_timeout_s)) ||
	    (rc = get_duration(c, v, path, "statement_timeout", false, &db->statement_timeout_s)))
		return rc;
	put_dur(c, r, "lock_timeout", db->lock_timeout_s);
	put_dur(c, r, "statement_timeout", db->statement_timeout_s);
	return PT_OK;
}

/* "pgbouncer": absent, PgBouncer is not there; present (even {}), every pool connects to it
 * and its defaults are PgBouncer's. */
static int get_pgbouncer(struct ctx *c, const cJSON *v, struct cfg_pgbouncer *b, cJSON *res)
{
	const char *path = "pgbouncer";
	const cJSON *x;
	char p[PATH_LEN];
	int rc;

	cfg_pgbouncer_defaults(b);
	if (!v)
		return PT_OK;
	if (!cJSON_IsObject(v))
		return expected(c, path, v, "an object");
	if ((rc = check_keys(c, v, path, pgbouncer_keys)))
		return rc;
	b->enabled = true;
	cJSON *r = put_obj(c, res, path);
	if ((x = member(v, "pool_mode"))) {
		int k = cJSON_IsString(x) ? find_name(pool_mode_names, x->valuestring) : -1;
		char list[MSG_LEN / 2];
		if (k < 0) {
			join(p, sizeof p, path, "pool_mode");
			join_list(list, sizeof list, pool_mode_names);
			return expected(c, p, x, "one of: %s", list);
		}
		b->pool_mode = (enum cfg_pool_mode)k;
	}
	if (b->pool_mode == CFG_POOL_MODE_SESSION)
		return fail(c, "pgbouncer.pool_mode",
			    "session pooling is not modelled yet (a server held by a client "
			    "connection until it disconnects); expected \"transaction\" or "
			    "\"statement\" (PgBouncer's default is session, so pool_mode is required)");
	put_str(c, r, "pool_mode", pool_mode_names[b->pool_mode]);
	if ((rc = get_int(c, v, path, "max_client_conn", 1, INT_CAP, 100, &b->max_client_conn)) ||
	    (rc = get_int(c, v, path, "default_pool_size", 1, INT_CAP, 20,
			  &b->default_pool_size)) ||
	    (rc = get_int(c, v, path, "min_pool_size", 0, INT_CAP, 0, &b->min_pool_size)) ||
	    (rc = get_int(c, v, path, "reserve_pool_size", 0, INT_CAP, 0,
			  &b->reserve_pool_size)) ||
	    (rc = get_duration(c, v, path, "reserve_pool_timeout", false,
			       &b->reserve_pool_timeout_s)) ||
	    (rc = get_int(c, v, path, "max_db_connections", 0, INT_CAP, 0,
			  &b->max_db_connections)) ||
	    (rc = get_duration(c, v, path, "query_wait_timeout", false,
			       &b->query_wait_timeout_s)) ||
	    (rc = get_duration(c, v, path, "server_login_retry", false,
			       &b->server_login_retry_s)))
		return rc;
	put_int(c, r, "max_client_conn", b->max_client_conn);
	put_int(c, r, "default_pool_size", b->default_pool_size);
	put_int(c, r, "min_pool_size", b->min_pool_size);
	put_int(c, r, "reserve_pool_size", b->reserve_pool_size);
	put_dur(c, r, "reserve_pool_timeout", b->reserve_pool_timeout_s);
	put_int(c, r, "max_db_connections", b->max_db_connections);
	put_dur(c, r, "query_wait_timeout", b->query_wait_timeout_s);
	put_dur(c, r, "server_login_retry", b->server_login_retry_s);
	if (member(v, "client_connect_time")) {
		if ((rc = get_dist(c, member(v, "client_connect_time"),
				   "pgbouncer.client_connect_time", false, &b->client_connect_time,
				   r, "client_connect_time")))
			return rc;
	} else {
		/* the default of cfg_pgbouncer_defaults: lognormal, mean 1 ms, sd 0.5 ms */
		put_dist(c, r, "client_connect_time", "lognormal", false, "mean", 0.001, "sd",
			 0.0005);
	}
	return PT_OK;
}

static int get_deployment(struct ctx *c, const cJSON *v, struct cfg_scenario *cfg, cJSON *res)
{
	const char *path = "deployment";
	int rc;

	if (v && !cJSON_IsObject(v))
		return expected(c, path, v, "an object");
	if ((v && (rc = check_keys(c, v, path, deployment_keys))) ||
	    (rc = get_int(c, v, path, "processes", 1, PROCESSES_MAX, 1, &cfg->processes)))
		return rc;
	put_int(c, put_obj(c, res, path), "processes", cfg->processes);
	return PT_OK;
}

/* "users": {"count": n, "zipf": s}, or a bare count. */
static int get_users(struct ctx *c, const cJSON *root, struct cfg_users *u, cJSON *res)
{
	const char *path = "users";
	const cJSON *v = member(root, path);
	cJSON *r;
	int rc;

	if (cJSON_IsNumber(v)) {
		if ((rc = get_int(c, root, "", path, 1, USERS_MAX, 1000, &u->count)))
			return rc;
	} else if (cJSON_IsObject(v)) {
		if ((rc = check_keys(c, v, path, users_keys)) ||
		    (rc = get_int(c, v, path, "count", 1, USERS_MAX, 1000, &u->count)) ||
		    (rc = get_number(c, v, path, "zipf", 0, false, &u->zipf_s)))
			return rc;
	} else if (v) {
		return expected(c, path, v, USERS_WHAT);
	}
	r = put_obj(c, res, path);
	put_int(c, r, "count", u->count);
	put_num(c, r, "zipf", u->zipf_s);
	return PT_OK;
}

/* SQLAlchemy QueuePool: create_engine's pool_* arguments (models/pool_sqlalchemy.c). */
static int get_pool_sqlalchemy(struct ctx *c, const cJSON *v, const char *path,
			       struct cfg_pool *pool, cJSON *r)
{
	const cJSON *recycle;
	int rc;

	if ((rc = get_int(c, v, path, "size", 0, INT_CAP, 5, &pool->size)) ||
	    (rc = get_int(c, v, path, "max_overflow", -1, INT_CAP, 10, &pool->max_overflow)) ||
	    (rc = get_duration(c, v, path, "timeout", false, &pool->timeout_s)) ||
	    (rc = get_bool(c, v, path, "use_lifo", &pool->use_lifo)) ||
	    (rc = get_bool(c, v, path, "pre_ping", &pool->pre_ping)))
		return rc;
	/* SQLAlchemy 2.0 QueuePool: pool_size=0 means "no size limit", and the pool sets
	 * max_overflow to -1 whatever was given; do the same so the model matches. */
	if (pool->size == 0)
		pool->max_overflow = -1;
	recycle = member(v, "recycle");
	if (recycle) {
		/* -1 is SQLAlchemy's "off"; any other value is a maximum connection age */
		if (cJSON_IsNumber(recycle) && recycle->valuedouble == -1) {
			pool->recycle_s = -1;
		} else if (to_duration(recycle, &pool->recycle_s) != PT_OK) {
			char p[PATH_LEN];
			join(p, sizeof p, path, "recycle");
			return expected(c, p, recycle, "%s, or -1 (off)", DURATION_WHAT);
		}
	}

	put_int(c, r, "size", pool->size);
	put_int(c, r, "max_overflow", pool->max_overflow);
	put_dur(c, r, "timeout", pool->timeout_s);
	put_bool(c, r, "use_lifo", pool->use_lifo);
	put_bool(c, r, "pre_ping", pool->pre_ping);
	if (pool->recycle_s < 0)
		put_int(c, r, "recycle", -1);
	else
		put_dur(c, r, "recycle", pool->recycle_s);
	if (member(v, "wakeup_latency")) {
		char p[PATH_LEN];
		join(p, sizeof p, path, "wakeup_latency");
		if ((rc = get_dist(c, member(v, "wakeup_latency"), p, false, &pool->wakeup_latency, r,
				   "wakeup_latency")))
			return rc;
	} else {
		put_dist(c, r, "wakeup_latency", "constant", false, "value", 0, NULL, 0);
	}
	if ((rc = get_duration(c, v, path, "checkout_cost", false, &pool->checkout_cost_s)) ||
	    (rc = get_duration(c, v, path, "close_time", false, &pool->close_time_s)))
		return rc;
	put_dur(c, r, "checkout_cost", pool->checkout_cost_s);
	put_dur(c, r, "close_time", pool->close_time_s);
	return PT_OK;
}

/* SQLAlchemy AsyncAdaptedQueuePool: QueuePool's keys but wakeup_latency (a waiting coroutine
 * is resumed by the event loop at once, models/pool_sqlalchemy.c). */
static const char *const pool_async_keys[] = {"kind",     "max_waiting", "size",
					      "max_overflow", "timeout", "use_lifo",
					      "pre_ping", "recycle", "checkout_cost",
					      "close_time", NULL};

static int get_pool_sqlalchemy_async(struct ctx *c, const cJSON *v, const char *path,
				     struct cfg_pool *pool, cJSON *r)
{
	int rc = get_pool_sqlalchemy(c, v, path, pool, r);
	if (!rc && r)
		cJSON_DeleteItemFromObjectCaseSensitive(r, "wakeup_latency");
	return rc;
}

/* SQLAlchemy NullPool: nothing to set; no cap, no waiting. */
static const char *const pool_null_keys[] = {"kind", "max_waiting", NULL};

static int get_pool_sqlalchemy_null(struct ctx *c, const cJSON *v, const char *path,
				    struct cfg_pool *pool, cJSON *r)
{
	(void)c;
	(void)v;
	(void)path;
	(void)r;
	pool->size = 0;
	pool->max_overflow = -1;
	return PT_OK;
}

/* HikariCP's own property names (HikariConfig); durations need a unit, since HikariCP's bare
 * numbers are milliseconds and pooltide's would be seconds. */
static const char *const pool_hikaricp_keys[] = {
	"kind",        "max_waiting", "maximumPoolSize", "minimumIdle", "connectionTimeout",
	"idleTimeout", "maxLifetime", "keepaliveTime",   "poolName",    NULL};

/* connectionTimeout 0: HikariCP waits Integer.MAX_VALUE ms. */
#define HIKARI_FOREVER_S 2147483.647

static int get_pool_hikaricp(struct ctx *c, const cJSON *v, const char *path,
			     struct cfg_pool *pool, cJSON *r)
{
	char p[PATH_LEN];
	const cJSON *name;
	double timeout = 30, idle = 600, life = 1800, keepalive = 0;
	int rc;

	c->hikari_pools++;
	if ((rc = get_int(c, v, path, "maximumPoolSize", 1, INT_CAP, 10, &pool->size)) ||
	    (rc = get_int(c, v, path, "minimumIdle", 0, pool->size, pool->size, &pool->min_idle)) ||
	    (rc = get_duration(c, v, path, "connectionTimeout", false, &timeout)) ||
	    (rc = get_duration(c, v, path, "idleTimeout", false, &idle)) ||
	    (rc = get_duration(c, v, path, "maxLifetime", false, &life)) ||
	    (rc = get_duration(c, v, path, "keepaliveTime", false, &keepalive)))
		return rc;
	/* HikariConfig.validateNumerics raises these to its floors with a warning; a scenario
	 * says what it means instead */
	if (timeout != 0 && timeout < 0.250) {
		join(p, sizeof p, path, "connectionTimeout");
		return expected(c, p, member(v, "connectionTimeout"),
				"0 (no timeout) or a duration >= 250ms (HikariCP's minimum)");
	}
	if (idle != 0 && idle < 10) {
		join(p, sizeof p, path, "idleTimeout");
		return expected(c, p, member(v, "idleTimeout"),
				"0 (never retire idle connections) or a duration >= 10s "
				"(HikariCP's minimum)");
	}
	if (life != 0 && life < 30) {
		join(p, sizeof p, path, "maxLifetime");
		return expected(c, p, member(v, "maxLifetime"),
				"0 (no limit) or a duration >= 30s (HikariCP's minimum)");
	}
	if (keepalive != 0 && (keepalive < 30 || (life > 0 && keepalive >= life))) {
		join(p, sizeof p, path, "keepaliveTime");
		return expected(c, p, member(v, "keepaliveTime"),
				"0 (off) or a duration >= 30s and below maxLifetime");
	}
	/* HikariCP: "idleTimeout is close to or more than maxLifetime, disabling it" */
	if (life > 0 && idle + 1 > life && pool->min_idle < pool->size)
		idle = 0;
	name = member(v, "poolName");
	if (name) {
		if (!cJSON_IsString(name) || !valid_name(name->valuestring)) {
			join(p, sizeof p, path, "poolName");
			return expected(c, p, name, "a pool name of %s", NAME_WHAT);
		}
		copy_str(pool->pool_name, sizeof pool->pool_name, name->valuestring);
	} else {
		snprintf(pool->pool_name, sizeof pool->pool_name, "HikariPool-%d", c->hikari_pools);
	}
	pool->max_overflow = 0;
	pool->timeout_s = timeout == 0 ? HIKARI_FOREVER_S : timeout;
	pool->idle_timeout_s = idle;
	pool->max_lifetime_s = life;
	pool->keepalive_s = keepalive;

	put_int(c, r, "maximumPoolSize", pool->size);
	put_int(c, r, "minimumIdle", pool->min_idle);
	put_dur(c, r, "connectionTimeout", timeout);
	put_dur(c, r, "idleTimeout", idle);
	put_dur(c, r, "maxLifetime", life);
	put_dur(c, r, "keepaliveTime", keepalive);
	put_str(c, r, "poolName", pool->pool_name);
	return PT_OK;
}

/* Go database/sql: the DB setters in snake case (SetMaxOpenConns -> max_open_conns, ...), and
 * the request's context.WithTimeout, which is what ends a wait in Go. */
static const char *const pool_go_keys[] = {"kind",           "max_waiting",
					   "max_open_conns", "max_idle_conns",
					   "conn_max_lifetime", "conn_max_idle_time",
					   "context_timeout", "waiter_order", NULL};
static const char *const waiter_orders[] = {"random", "fifo", NULL};

static int get_pool_go(struct ctx *c, const cJSON *v, const char *path, struct cfg_pool *pool,
		       cJSON *r)
{
	char p[PATH_LEN];
	const cJSON *order;
	double life = 0, idle_time = 0, ctx_timeout = 0;
	int idle, rc;

	if ((rc = get_int(c, v, path, "max_open_conns", 0, INT_CAP, 0, &pool->max_open)) ||
	    (rc = get_int(c, v, path, "max_idle_conns", 0, INT_CAP, 2, &idle)) ||
	    (rc = get_duration(c, v, path, "conn_max_lifetime", false, &life)) ||
	    (rc = get_duration(c, v, path, "conn_max_idle_time", false, &idle_time)) ||
	    (rc = get_duration(c, v, path, "context_timeout", false, &ctx_timeout)))
		return rc;
	order = member(v, "waiter_order");
	if (order) {
		if (!cJSON_IsString(order) || find_name(waiter_orders, order->valuestring) < 0) {
			join(p, sizeof p, path, "waiter_order");
			return expected(c, p, order, "one of: random, fifo");
		}
		pool->fifo_waiters = strcmp(order->valuestring, "fifo") == 0;
	}
	put_int(c, r, "max_open_conns", pool->max_open);
	put_int(c, r, "max_idle_conns", idle);
	/* SetMaxIdleConns(0) keeps none; SetMaxOpenConns clips it to max_open */
	if (pool->max_open > 0 && idle > pool->max_open)
		idle = pool->max_open;
	pool->size = idle;
	pool->max_overflow = pool->max_open > 0 ? pool->max_open - idle : -1;
	pool->max_lifetime_s = life;
	pool->idle_timeout_s = idle_time;
	/* no context deadline (0, Go's context.Background): a waiter waits for ever */
	pool->timeout_s = ctx_timeout > 0 ? ctx_timeout : INFINITY;
	put_dur(c, r, "conn_max_lifetime", life);
	put_dur(c, r, "conn_max_idle_time", idle_time);
	put_dur(c, r, "context_timeout", ctx_timeout);
	put_str(c, r, "waiter_order", pool->fifo_waiters ? "fifo" : "random");
	return PT_OK;
}

/* Each pool kind's keys (with the keys every kind has: kind, max_waiting) and reader. Adding
 * a kind is one entry here and its file in models/. */
static const struct pool_loader {
	const char *kind; /* a struct pool_kind's name */
	const char *const *keys;
	int (*get)(struct ctx *c, const cJSON *v, const char *path, struct cfg_pool *pool,
		   cJSON *r);
} pool_loaders[] = {
	{"sqlalchemy", pool_keys, get_pool_sqlalchemy},
	{"sqlalchemy-null", pool_null_keys, get_pool_sqlalchemy_null},
	{"sqlalchemy-async", pool_async_keys, get_pool_sqlalchemy_async},
	{"hikaricp", pool_hikaricp_keys, get_pool_hikaricp},
	{"go", pool_go_keys, get_pool_go},
};
#define N_POOL_LOADERS (sizeof pool_loaders / sizeof pool_loaders[0])

static int get_pool(struct ctx *c, const cJSON *v, struct cfg_pool *pool, cJSON *res)
{
	char path[PATH_LEN], p[PATH_LEN], q[GOT_MAX + 8];
	const struct pool_loader *ld = &pool_loaders[0];
	const cJSON *kind;
	cJSON *r;
	int rc;

	join(path, sizeof path, "pools", v->string);
	if (!valid_name(v->string)) {
		quote(v->string, q, sizeof q);
		return fail(c, "pools", "expected pool names of %s, got %s", NAME_WHAT, q);
	}
	if (!cJSON_IsObject(v))
		return expected(c, path, v, "an object");
	cfg_pool_defaults(pool);
	copy_str(pool->name, sizeof pool->name, v->string);
	/* the kind decides which keys are allowed, so it comes first */
	kind = member(v, "kind");
	if (kind) {
		ld = NULL;
		for (size_t i = 0; cJSON_IsString(kind) && i < N_POOL_LOADERS; i++)
			if (strcmp(pool_loaders[i].kind, kind->valuestring) == 0)
				ld = &pool_loaders[i];
		if (!ld) {
			const char *names[N_POOL_LOADERS + 1];
			char list[MSG_LEN / 2];
			for (size_t i = 0; i < N_POOL_LOADERS; i++)
				names[i] = pool_loaders[i].kind;
			names[N_POOL_LOADERS] = NULL;
			join_list(list, sizeof list, names);
			join(p, sizeof p, path, "kind");
			return expected(c, p, kind, "one of: %s", list);
		}
	}
	pool->kind = pool_kind_find(ld->kind);
	if ((rc = check_keys(c, v, path, ld->keys)) ||
	    (rc = get_int(c, v, path, "max_waiting", 0, INT_CAP, 100000, &pool->max_waiting)))
		return rc;
	r = put_obj(c, res, v->string);
	put_str(c, r, "kind", ld->kind);
	put_int(c, r, "max_waiting", pool->max_waiting);
	return ld->get(c, v, path, pool, r);
}

/* "main, replica": the pool names for a message. */
static void pool_list(const struct cfg_scenario *cfg, char *buf, size_t n)
{
	buf[0] = '\0';
	for (int i = 0; i < cfg->n_pools; i++) {
		if (i > 0)
			append(buf, n, ", ");
		append(buf, n, cfg->pools[i].name);
	}
}

/* ---- reading files ------------------------------------------------------------------------ */

/* The whole file, NUL-terminated, in *text (length *len). On failure, errno-style *errnum. */
static int read_file(const char *path, char **text, size_t *len, int *errnum)
{
	size_t cap = 4096, n = 0;
	char *buf, *grown;
	FILE *f = fopen(path, "rb");

	if (!f) {
		*errnum = errno;
		return PT_EIO;
	}
	if (!(buf = malloc(cap))) {
		*errnum = ENOMEM;
		goto fail;
	}
	for (;;) {
		size_t got;
		if (n + 1 >= cap) {
			if (cap > FILE_MAX) {
				*errnum = EFBIG;
				goto fail;
			}
			if (!(grown = realloc(buf, cap * 2))) {
				*errnum = ENOMEM;
				goto fail;
			}
			buf = grown;
			cap *= 2;
		}
		errno = 0;
		got = fread(buf + n, 1, cap - n - 1, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				*errnum = errno ? errno : EIO;
				goto fail;
			}
			break;
		}
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return PT_OK;
fail:
	fclose(f);
	free(buf);
	return PT_EIO;
}

/* ---- traces ------------------------------------------------------------------------------- */

static void free_traces(struct scenario_trace *t)
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
	size_t len = scan_number(s, v);
	return len > 0 && s[len] == '\0' && isfinite(*v);
}

/* s looks like a number, even a malformed one ("1.2.3", "1 s", "-.5", "nan", "Inf"): a first
 * line with such a field is data (and an error when it is bad), never a header, so that a
 * broken first time is reported rather than skipped. */
static bool number_like(const char *s)
{
	s += *s == '-' || *s == '+';
	return is_digit(*s) || (*s == '.' && is_digit(s[1])) || strcasecmp(s, "nan") == 0 ||
	       strcasecmp(s, "inf") == 0 || strcasecmp(s, "infinity") == 0;
}

/* "<csv>:<line>: expected <what>, got <text as a JSON string>", at the trace's JSON path. */
static int csv_fail(struct ctx *c, const char *path, const char *csv, int line, const char *text,
		    const char *fmt, ...) PRINTF_LIKE(6, 7);
static int csv_fail(struct ctx *c, const char *path, const char *csv, int line, const char *text,
		    const char *fmt, ...)
{
	char what[MSG_LEN / 2], q[GOT_MAX + 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	quote(text, q, sizeof q);
	return fail(c, path, "%s:%d: expected %s, got %s", csv, line, what, q);
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
static int parse_trace(struct ctx *c, const char *path, char *text, size_t len,
		       struct scenario_trace *t)
{
	const char *csv = t->path;
	char *end = text + len, *next;
	int line = 0, cols = 0, cols_line = 0;
	size_t cap = 0;
	double prev = 0;

	if (strlen(text) != len)
		return fail(c, path, "%s: expected a text file, got a NUL byte", csv);
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
			return fail_oom(c);
		prev = at;
	}
	if (t->n == 0)
		return fail(c, path, "%s: expected at least one arrival time, got none", csv);
	return PT_OK;
}

/* The trace `name` (relative to the scenario file's directory unless absolute), read once per
 * load and shared by every variant that names it. Errors are reported at the JSON path. */
static int load_trace(struct ctx *c, const char *path, const char *name,
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
		return fail_oom(c);
	}
	memcpy(t->path, c->file, dir);
	memcpy(t->path + dir, name, strlen(name) + 1);
	for (const struct scenario_trace *o = c->traces; o; o = o->next) {
		if (!o->column && strcmp(o->path, t->path) == 0) {
			free_traces(t);
			*out = o;
			return PT_OK;
		}
	}
	if (read_file(t->path, &text, &len, &errnum)) {
		fail(c, path, "%s: cannot read: %s", t->path, strerror(errnum));
		free_traces(t);
		return PT_EIO;
	}
	rc = parse_trace(c, path, text, len, t);
	free(text);
	if (rc) {
		free_traces(t);
		return rc;
	}
	t->next = c->traces;
	c->traces = t;
	*out = t;
	return PT_OK;
}

/* ---- empirical distributions -------------------------------------------------------------- */

/* res[key] = ["x0s", "x1s", ...]: durations as put_dur writes them (read back bit for bit). */
static void put_durations(struct ctx *c, cJSON *res, const char *key, const double *x, size_t n)
{
	cJSON *a = put_arr(c, res, key);
	for (size_t i = 0; a && i < n; i++) {
		char b[NUM_LEN + 1];
		cJSON *e;
		fmt_num(b, sizeof b - 1, x[i]);
		append(b, sizeof b, "s");
		if (!(e = cJSON_CreateString(b)) || !cJSON_AddItemToArray(a, e)) {
			cJSON_Delete(e);
			c->oom = true;
		}
	}
}

/* A new node of the data list for inline data (never shared), taking over the arrays. */
static int keep_inline(struct ctx *c, double *a, double *b, size_t n)
{
	struct scenario_trace *t = calloc(1, sizeof *t);
	if (!t || !(t->path = strdup("")) || !(t->column = strdup(""))) {
		if (t)
			free(t->path);
		free(t);
		free(a);
		free(b);
		return fail_oom(c);
	}
	t->n = n;
	t->t_s = a;
	t->hold_s = b;
	t->next = c->traces;
	c->traces = t;
	return PT_OK;
}

/* An array of durations at path (at least `min` of them) into a new array *out. */
static int get_durations(struct ctx *c, const cJSON *v, const char *path, int min, double **out,
			 size_t *n)
{
	int k = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0, i = 0;
	double *a;

	if (!cJSON_IsArray(v) || k < min)
		return expected(c, path, v, "an array of at least %d duration%s such as \"12ms\"", min,
				min == 1 ? "" : "s");
	if (!(a = malloc((size_t)k * sizeof *a)))
		return fail_oom(c);
	for (const cJSON *e = v->child; e; e = e->next, i++) {
		if (to_duration(e, &a[i]) != PT_OK) {
			char p[PATH_LEN];
			element(p, sizeof p, path, i);
			free(a);
			return expected(c, p, e, DURATION_WHAT);
		}
		a[i] += 0.0;
	}
	*out = a;
	*n = (size_t)k;
	return PT_OK;
}

/* {"dist": "empirical", ...} with exactly one of "file" (+ "column", default "hold"),
 * "values" or "histogram" ({"edges": [...], "counts": [...]}). */
static int get_empirical(struct ctx *c, const cJSON *v, const char *path, struct dist *d,
			 cJSON *res, const char *key)
{
	const cJSON *file = member(v, "file"), *column = member(v, "column");
	const cJSON *values = member(v, "values"), *hist = member(v, "histogram");
	char p[PATH_LEN];
	cJSON *o;
	int rc;

	if ((file != NULL) + (values != NULL) + (hist != NULL) != 1)
		return expected(c, path, v, "an empirical distribution given by one of \"file\" "
				"(with \"column\"), \"values\" or \"histogram\"");
	if (column && !file) {
		join(p, sizeof p, path, "column");
		return fail(c, p, "only with \"file\"");
	}
	if (file) {
		const char *col = "hold", *slash = strrchr(c->file, '/');
		struct scenario_trace *t;
		char err[MSG_LEN / 2];
		size_t dir;

		join(p, sizeof p, path, "file");
		if (!cJSON_IsString(file) || !file->valuestring[0])
			return expected(c, p, file, "the path of a CSV file (relative to the scenario "
					"file, may be gzip-compressed)");
		if (column) {
			char cp[PATH_LEN];
			join(cp, sizeof cp, path, "column");
			if (!cJSON_IsString(column) || !column->valuestring[0])
				return expected(c, cp, column, "the name of a column of the file");
			col = column->valuestring;
		}
		dir = file->valuestring[0] != '/' && slash ? (size_t)(slash - c->file) + 1 : 0;
		if (!(t = calloc(1, sizeof *t)) || !(t->column = strdup(col)) ||
		    !(t->path = malloc(dir + strlen(file->valuestring) + 1))) {
			if (t)
				free(t->column);
			free(t);
			return fail_oom(c);
		}
		memcpy(t->path, c->file, dir);
		memcpy(t->path + dir, file->valuestring, strlen(file->valuestring) + 1);
		const struct scenario_trace *found = NULL;
		for (const struct scenario_trace *q = c->traces; q && !found; q = q->next)
			if (q->column && q->column[0] && strcmp(q->path, t->path) == 0 &&
			    strcmp(q->column, col) == 0)
				found = q;
		if (found) {
			free_traces(t);
			t = (struct scenario_trace *)found;
		} else {
			rc = obslog_read_column(t->path, col, &t->t_s, &t->n, err, sizeof err);
			if (rc) {
				free_traces(t);
				fail(c, p, "%s", err);
				return rc;
			}
			t->next = c->traces;
			c->traces = t;
		}
		if (dist_empirical_sample(d, t->t_s, t->n) != PT_OK)
			return expected(c, path, v, "an empirical distribution of finite values >= 0");
		o = put_obj(c, res, key);
		put_str(c, o, "dist", "empirical");
		/* absolute, as for traces: a manifest must find the file from anywhere */
		char *abs = realpath(t->path, NULL);
		put_str(c, o, "file", abs ? abs : t->path);
		free(abs);
		put_str(c, o, "column", col);
		return PT_OK;
	}
	if (values) {
		double *x;
		size_t n;
		join(p, sizeof p, path, "values");
		if ((rc = get_durations(c, values, p, 1, &x, &n)))
			return rc;
		if ((rc = keep_inline(c, x, NULL, n)))
			return rc;
		dist_empirical_sample(d, x, n);
		o = put_obj(c, res, key);
		put_str(c, o, "dist", "empirical");
		put_durations(c, o, "values", x, n);
		return PT_OK;
	}
	/* a histogram: edges (durations, ascending) and counts, one fewer */
	const cJSON *edges, *counts;
	double *e = NULL, *cum = NULL;
	size_t ne;
	join(p, sizeof p, path, "histogram");
	if (!cJSON_IsObject(hist))
		return expected(c, p, hist, "an object {\"edges\": [...], \"counts\": [...]}");
	if ((rc = check_keys(c, hist, p, histogram_keys)) || (rc = require(c, hist, p, "edges")) ||
	    (rc = require(c, hist, p, "counts")))
		return rc;
	edges = member(hist, "edges");
	counts = member(hist, "counts");
	{
		char ep[PATH_LEN];
		join(ep, sizeof ep, p, "edges");
		if ((rc = get_durations(c, edges, ep, 2, &e, &ne)))
			return rc;
		for (size_t i = 1; i < ne; i++) {
			if (!(e[i] > e[i - 1])) {
				char q[PATH_LEN];
				element(q, sizeof q, ep, (int)i);
				free(e);
				return fail(c, q, "expected edges in strictly ascending order");
			}
		}
	}
	{
		char cp[PATH_LEN];
		double total = 0;
		int i = 0;
		join(cp, sizeof cp, p, "counts");
		if (!cJSON_IsArray(counts) || (size_t)cJSON_GetArraySize(counts) != ne - 1) {
			free(e);
			return expected(c, cp, counts, "an array of %zu counts (one per bin between "
					"the edges)", ne - 1);
		}
		if (!(cum = malloc((ne - 1) * sizeof *cum))) {
			free(e);
			return fail_oom(c);
		}
		for (const cJSON *k = counts->child; k; k = k->next, i++) {
			if (!cJSON_IsNumber(k) || !(k->valuedouble >= 0) || !isfinite(k->valuedouble)) {
				char q[PATH_LEN];
				element(q, sizeof q, cp, i);
				free(e);
				free(cum);
				return expected(c, q, k, "a count >= 0");
			}
			total += k->valuedouble;
			cum[i] = total;
		}
		if (!(total > 0)) {
			free(e);
			free(cum);
			return expected(c, cp, counts, "counts with a total > 0");
		}
	}
	if ((rc = keep_inline(c, e, cum, ne - 1)))
		return rc;
	if (dist_empirical_histogram(d, e, cum, ne - 1) != PT_OK)
		return expected(c, p, hist, "a histogram of finite edges >= 0");
	o = put_obj(c, res, key);
	put_str(c, o, "dist", "empirical");
	o = put_obj(c, o, "histogram");
	put_durations(c, o, "edges", e, ne);
	{
		cJSON *cc = copy_exact(counts);
		if (o && (!cc || !cJSON_AddItemToObject(o, "counts", cc))) {
			cJSON_Delete(cc);
			c->oom = true;
		}
	}
	return PT_OK;
}

/* ---- workloads ---------------------------------------------------------------------------- */

/* "trace" of the arrival object at path: the file read into a (as shared pointers), the name as
 * given into r. Without holds (batch records), a second column is an error. */
static int get_trace(struct ctx *c, const cJSON *v, const char *path, bool holds,
		     struct cfg_arrival *a, cJSON *r)
{
	const struct scenario_trace *t;
	char p[PATH_LEN];
	int rc;

	join(p, sizeof p, path, "trace");
	if (!cJSON_IsString(v) || !v->valuestring[0])
		return expected(c, p, v, TRACE_WHAT);
	if ((rc = load_trace(c, p, v->valuestring, &t)))
		return rc;
	if (t->hold_s && !holds)
		return fail(c, p, "%s: expected 1 field per line (records have no hold time), got 2",
			    t->path);
	a->trace_n = t->n;
	a->trace_t = t->t_s;
	a->trace_hold = t->hold_s;
	/* The resolved scenario names the file absolutely: a manifest written into a result
	 * folder must find it again from there (a relative name would be taken relative to the
	 * manifest's own folder). */
	char *abs = realpath(t->path, NULL);
	put_str(c, r, "trace", abs ? abs : t->path);
	free(abs);
	return PT_OK;
}

/* "profile": [{"at": 0, "rate": r0}, {"at": t1, "rate": r1}, ...], ats strictly ascending
 * from 0, rates >= 0, one of them > 0. */
static int get_profile(struct ctx *c, const cJSON *v, const char *path, struct cfg_arrival *a)
{
	char ip[PATH_LEN], h[NUM_LEN];
	double rate_sum = 0;
	int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0, i = 0, rc;

	if (!cJSON_IsArray(v) || n < 1 || n > CFG_MAX_PROFILE)
		return expected(c, path, v, "an array of 1 to %d points " POINT_WHAT,
				CFG_MAX_PROFILE);
	for (const cJSON *e = v->child; e; e = e->next, i++) {
		struct cfg_rate_point *pt = &a->profile[i];
		char atp[PATH_LEN], rp[PATH_LEN];

		element(ip, sizeof ip, path, i);
		if (!cJSON_IsObject(e))
			return expected(c, ip, e, "an object " POINT_WHAT);
		if ((rc = check_keys(c, e, ip, point_keys)) || (rc = require(c, e, ip, "at")) ||
		    (rc = get_duration(c, e, ip, "at", false, &pt->t_s)))
			return rc;
		join(atp, sizeof atp, ip, "at");
		if (i == 0 && pt->t_s != 0)
			return expected(c, atp, member(e, "at"), "0 (a profile starts at time 0)");
		if (i > 0 && !(pt->t_s > a->profile[i - 1].t_s)) {
			fmt_num(h, sizeof h, a->profile[i - 1].t_s);
			return expected(c, atp, member(e, "at"),
					"a duration > the previous point's (%s s)", h);
		}
		if ((rc = require(c, e, ip, "rate")))
			return rc;
		join(rp, sizeof rp, ip, "rate");
		if (to_rate(member(e, "rate"), &pt->rate_per_s))
			return expected(c, rp, member(e, "rate"), RATE0_WHAT);
		rate_sum += pt->rate_per_s;
	}
	if (!(rate_sum > 0))
		return expected(c, path, v, "a profile with at least one rate > 0");
	a->n_profile = n;
	return PT_OK;
}

/* "bursts": [{"start": t0, "end": t1, "factor": f}, ...]: the rate times f in [t0, t1). */
static int get_bursts(struct ctx *c, const cJSON *v, const char *path, struct cfg_arrival *a)
{
	char ip[PATH_LEN], h[NUM_LEN];
	int n = cJSON_IsArray(v) ? cJSON_GetArraySize(v) : 0, i = 0, rc;

	if (!cJSON_IsArray(v) || n > CFG_MAX_BURSTS)
		return expected(c, path, v, "an array of at most %d windows " BURST_WHAT,
				CFG_MAX_BURSTS);
	for (const cJSON *e = v->child; e; e = e->next, i++) {
		struct cfg_burst *b = &a->bursts[i];
		char ep[PATH_LEN];

		element(ip, sizeof ip, path, i);
		if (!cJSON_IsObject(e))
			return expected(c, ip, e, "an object " BURST_WHAT);
		if ((rc = check_keys(c, e, ip, burst_keys)) || (rc = require(c, e, ip, "start")) ||
		    (rc = get_duration(c, e, ip, "start", false, &b->start_s)) ||
		    (rc = require(c, e, ip, "end")) ||
		    (rc = get_duration(c, e, ip, "end", false, &b->end_s)))
			return rc;
		if (!(b->end_s > b->start_s)) {
			join(ep, sizeof ep, ip, "end");
			fmt_num(h, sizeof h, b->start_s);
			return expected(c, ep, member(e, "end"), "a duration > start (%s s)", h);
		}
		if ((rc = require(c, e, ip, "factor")) ||
		    (rc = get_number(c, e, ip, "factor", 0, true, &b->factor)))
			return rc;
	}
	a->n_bursts = n;
	return PT_OK;
}

/* An arrival object at path (requests' "arrival", a batch's "records") into a and r: exactly
 * one of "rate" (Poisson), "profile" (piecewise rates, "period" to repeat it) or "trace";
 * "bursts" with a rate or a profile. holds: whether a trace may carry hold times. */
static int get_arrival(struct ctx *c, const cJSON *v, const char *path, bool holds,
		       struct cfg_arrival *a, cJSON *r)
{
	static const char *const not_with_trace[] = {"rate", "profile", "period", "bursts", NULL};
	const cJSON *rate = member(v, "rate"), *profile = member(v, "profile");
	char p[PATH_LEN], h[NUM_LEN];
	cJSON *arr;
	int rc;

	if ((rc = check_keys(c, v, path, arrival_keys)))
		return rc;
	if (member(v, "trace")) {
		for (int i = 0; not_with_trace[i]; i++) {
			if (member(v, not_with_trace[i])) {
				join(p, sizeof p, path, not_with_trace[i]);
				return fail(c, p, "not allowed with \"trace\" (the trace gives the "
					    "arrival times)");
			}
		}
		return get_trace(c, member(v, "trace"), path, holds, a, r);
	}

	join(p, sizeof p, path, "rate");
	if (rate && profile)
		return fail(c, p, "not allowed with \"profile\" (the profile gives the rates)");
	if (!rate && !profile)
		return fail(c, p, "required unless a profile or a trace is given");
	if (rate) {
		if (to_rate(rate, &a->rate_per_s) || !(a->rate_per_s > 0))
			return expected(c, p, rate, RATE_WHAT);
		put_num(c, r, "rate", a->rate_per_s);
	}
	if (profile) {
		join(p, sizeof p, path, "profile");
		if ((rc = get_profile(c, profile, p, a)))
			return rc;
	}
	if (member(v, "period")) {
		join(p, sizeof p, path, "period");
		if (!profile)
			return fail(c, p, "allowed only with a profile");
		if ((rc = get_duration(c, v, path, "period", true, &a->profile_period_s)))
			return rc;
		fmt_num(h, sizeof h, a->profile_period_s);
		for (int i = 0; i < a->n_profile; i++) {
			if (!(a->profile[i].t_s < a->profile_period_s)) {
				char pp[PATH_LEN];
				join(pp, sizeof pp, path, "profile");
				element(p, sizeof p, pp, i);
				append(p, sizeof p, ".at");
				return expected(c, p, member(cJSON_GetArrayItem(profile, i), "at"),
						"a duration < period (%s s)", h);
			}
		}
	}
	if (member(v, "bursts")) {
		join(p, sizeof p, path, "bursts");
		if ((rc = get_bursts(c, member(v, "bursts"), p, a)))
			return rc;
	}

	if (profile) {
		arr = put_arr(c, r, "profile");
		for (int i = 0; i < a->n_profile; i++) {
			cJSON *o = put_elem(c, arr);
			put_dur(c, o, "at", a->profile[i].t_s);
			put_num(c, o, "rate", a->profile[i].rate_per_s);
		}
		if (a->profile_period_s > 0)
			put_dur(c, r, "period", a->profile_period_s);
	}
	arr = put_arr(c, r, "bursts");
	for (int i = 0; i < a->n_bursts; i++) {
		cJSON *o = put_elem(c, arr);
		put_dur(c, o, "start", a->bursts[i].start_s);
		put_dur(c, o, "end", a->bursts[i].end_s);
		put_num(c, o, "factor", a->bursts[i].factor);
	}
	return PT_OK;
}

/* The members of a "requests" workload after type and pool, into req (holding its defaults). */
/* A workload's own lock_timeout and statement_timeout (PostgreSQL's SET for its role):
 * -1 (not given) follows the database's; printed only when given, so that a variant that
 * changes the database's means the same when the resolved JSON is loaded again. */
static int get_pg_timeouts(struct ctx *c, const cJSON *v, const char *path, double *lock_s,
			   double *stmt_s, cJSON *r)
{
	int rc;
	if ((rc = get_duration(c, v, path, "lock_timeout", false, lock_s)) ||
	    (rc = get_duration(c, v, path, "statement_timeout", false, stmt_s)))
		return rc;
	if (*lock_s >= 0)
		put_dur(c, r, "lock_timeout", *lock_s);
	if (*stmt_s >= 0)
		put_dur(c, r, "statement_timeout", *stmt_s);
	return PT_OK;
}

static int get_requests(struct ctx *c, const cJSON *v, const char *path,
			struct cfg_requests *req, cJSON *r)
{
	const cJSON *arrival, *tx, *writes;
	char p[PATH_LEN], dp[PATH_LEN];
	cJSON *rt;
	int rc;

	join(p, sizeof p, path, "arrival");
	if ((rc = get_object(c, v, path, "arrival", &arrival)) ||
	    (rc = get_arrival(c, arrival, p, true, &req->arrival, put_obj(c, r, "arrival"))))
		return rc;

	join(p, sizeof p, path, "transaction");
	if ((rc = get_object(c, v, path, "transaction", &tx)) ||
	    (rc = check_keys(c, tx, p, transaction_keys)) ||
	    (rc = require(c, tx, p, "db_time")))
		return rc;
	rt = put_obj(c, r, "transaction");
	join(dp, sizeof dp, p, "db_time");
	if ((rc = get_dist(c, member(tx, "db_time"), dp, false, &req->db_time, rt, "db_time")))
		return rc;
	join(dp, sizeof dp, p, "app_time");
	if (member(tx, "app_time")) {
		if ((rc = get_dist(c, member(tx, "app_time"), dp, false, &req->app_time, rt,
				   "app_time")))
			return rc;
	} else {
		dist_constant(&req->app_time, 0);
		put_dist(c, rt, "app_time", "constant", false, "value", 0, NULL, 0);
	}
	if ((rc = get_int(c, tx, p, "statements", 1, INT_CAP, 1, &req->statements)))
		return rc;
	put_int(c, rt, "statements", req->statements);
	join(dp, sizeof dp, p, "writes");
	if ((writes = member(tx, "writes")) && to_fraction(writes, &req->writes))
		return expected(c, dp, writes, "%s", WRITES_WHAT);
	put_num(c, rt, "writes", req->writes);

	if ((rc = get_int(c, v, path, "retries", 0, RETRIES_MAX, 0, &req->retries)) ||
	    (rc = get_duration(c, v, path, "backoff", false, &req->backoff_s)) ||
	    (rc = get_int(c, v, path, "processes", 0, PROCESSES_MAX, 0, &req->processes)))
		return rc;
	put_int(c, r, "retries", req->retries);
	put_dur(c, r, "backoff", req->backoff_s);
	put_int(c, r, "processes", req->processes);
	if ((rc = get_pg_timeouts(c, v, path, &req->lock_timeout_s, &req->statement_timeout_s,
				  r)) ||
	    (rc = get_int(c, v, path, "concurrency", 0, INT_CAP, 0, &req->concurrency)) ||
	    (rc = get_duration(c, v, path, "client_timeout", false, &req->client_timeout_s)))
		return rc;
	put_int(c, r, "concurrency", req->concurrency);
	put_dur(c, r, "client_timeout", req->client_timeout_s);
	return PT_OK;
}

/* The members of a "batch" workload after type and pool, into b (holding its defaults). */
static int get_batch(struct ctx *c, const cJSON *v, const char *path, struct cfg_batch *b,
		     cJSON *r)
{
	const cJSON *backlog = member(v, "backlog_rate"), *records = member(v, "records"), *x;
	char p[PATH_LEN];
	int rc;

	if ((rc = require(c, v, path, "every")) ||
	    (rc = get_duration(c, v, path, "every", true, &b->every_s)))
		return rc;
	put_dur(c, r, "every", b->every_s);

	if (!backlog && !records) {
		join(p, sizeof p, path, "backlog_rate");
		return fail(c, p, "required unless \"records\" is given");
	}
	if (backlog && records) {
		join(p, sizeof p, path, "records");
		return fail(c, p, "not allowed with \"backlog_rate\" (give one of the two)");
	}
	if (backlog) {
		join(p, sizeof p, path, "backlog_rate");
		if (to_rate(backlog, &b->records.rate_per_s) || !(b->records.rate_per_s > 0))
			return expected(c, p, backlog, RATE_WHAT);
		put_num(c, r, "backlog_rate", b->records.rate_per_s);
	} else {
		join(p, sizeof p, path, "records");
		if (!cJSON_IsObject(records))
			return expected(c, p, records, "an object");
		if ((rc = get_arrival(c, records, p, false, &b->records,
				      put_obj(c, r, "records"))))
			return rc;
	}

	if ((rc = get_int(c, v, path, "batch_size", 1, INT_CAP, 100, &b->batch_size)))
		return rc;
	put_int(c, r, "batch_size", b->batch_size);
	/* the cap follows batch_size unless given: printed only then, so that a variant that
	 * changes batch_size alone means the same when the resolved JSON is loaded again */
	b->max_batch_size = b->batch_size;
	if ((x = member(v, "max_batch_size"))) {
		double d = x->valuedouble;
		join(p, sizeof p, path, "max_batch_size");
		if (!cJSON_IsNumber(x) || !isfinite(d) || floor(d) != d || d < b->batch_size)
			return expected(c, p, x, "an integer >= batch_size (%d)", b->batch_size);
		if (d > INT_CAP)
			return expected(c, p, x, "an integer from %d to %d", b->batch_size, INT_CAP);
		b->max_batch_size = (int)d;
		put_int(c, r, "max_batch_size", b->max_batch_size);
	}

	join(p, sizeof p, path, "group_size");
	if ((x = member(v, "group_size"))) {
		if ((rc = get_dist(c, x, p, true, &b->group_size, r, "group_size")))
			return rc;
		/* A group never holds more than a batch's records; a larger size is a typo, and
		 * the model converts each draw to an int. */
		double most = b->group_size.kind == DIST_UNIFORM ? b->group_size.b
								 : b->group_size.mean;
		if (!(most <= INT_CAP))
			return expected(c, p, x, "records per group up to %d (%s)", INT_CAP,
					b->group_size.kind == DIST_UNIFORM ? "the uniform max"
					: b->group_size.kind == DIST_CONSTANT ? "the value"
									      : "the mean");
	} else {
		put_dist(c, r, "group_size", "constant", true, "value", b->group_size.mean, NULL, 0);
	}
	join(p, sizeof p, path, "per_record");
	if ((rc = require(c, v, path, "per_record")) ||
	    (rc = get_dist(c, member(v, "per_record"), p, false, &b->per_record, r,
			   "per_record")))
		return rc;

	if ((x = member(v, "commit"))) {
		int k = cJSON_IsString(x) ? find_name(commit_names, x->valuestring) : -1;
		char list[MSG_LEN / 2];
		if (k < 0) {
			join(p, sizeof p, path, "commit");
			join_list(list, sizeof list, commit_names);
			return expected(c, p, x, "one of: %s", list);
		}
		b->commit = (enum cfg_commit)k;
	}
	put_str(c, r, "commit", commit_names[b->commit]);
	if ((rc = get_int(c, v, path, "workers", 1, WORKERS_MAX, 1, &b->workers)) ||
	    (rc = get_int(c, v, path, "processes", 1, PROCESSES_MAX, 1, &b->processes)))
		return rc;
	put_int(c, r, "workers", b->workers);
	put_int(c, r, "processes", b->processes);
	return get_pg_timeouts(c, v, path, &b->lock_timeout_s, &b->statement_timeout_s, r);
}

static int get_workload(struct ctx *c, const cJSON *v, const struct cfg_scenario *cfg,
			struct cfg_workload *w, cJSON *res)
{
	char path[PATH_LEN], p[PATH_LEN], q[GOT_MAX + 8], list[MSG_LEN / 2];
	const cJSON *type, *pool;
	cJSON *r;
	int rc, kind;

	join(path, sizeof path, "workloads", v->string);
	if (!valid_name(v->string)) {
		quote(v->string, q, sizeof q);
		return fail(c, "workloads", "expected workload names of %s, got %s", NAME_WHAT, q);
	}
	if (!cJSON_IsObject(v))
		return expected(c, path, v, "an object");
	/* both halves get their defaults; the models read the one of w->kind */
	memset(w, 0, sizeof *w);
	copy_str(w->name, sizeof w->name, v->string);
	cfg_requests_defaults(&w->req);
	cfg_batch_defaults(&w->batch);

	/* the type decides which keys are allowed, so it comes first */
	join(p, sizeof p, path, "type");
	type = member(v, "type");
	if (!type)
		return fail(c, p, "required");
	kind = cJSON_IsString(type) ? find_name(workload_types, type->valuestring) : -1;
	if (kind < 0) {
		join_list(list, sizeof list, workload_types);
		return expected(c, p, type, "one of: %s", list);
	}
	w->kind = (enum cfg_workload_kind)kind;
	if ((rc = check_keys(c, v, path,
			     w->kind == CFG_WORKLOAD_BATCH ? batch_keys : requests_keys)))
		return rc;

	join(p, sizeof p, path, "pool");
	pool = member(v, "pool");
	if (!pool) {
		if (cfg->n_pools > 1)
			return fail(c, p, "required when there is more than one pool");
		w->pool = 0;
	} else {
		w->pool = -1;
		for (int i = 0; cJSON_IsString(pool) && i < cfg->n_pools; i++)
			if (strcmp(cfg->pools[i].name, pool->valuestring) == 0)
				w->pool = i;
		if (w->pool < 0) {
			pool_list(cfg, list, sizeof list);
			return expected(c, p, pool, "the name of a pool (%s)", list);
		}
	}

	r = put_obj(c, res, v->string);
	put_str(c, r, "type", workload_types[w->kind]);
	put_str(c, r, "pool", cfg->pools[w->pool].name);
	if (w->kind == CFG_WORKLOAD_BATCH)
		return get_batch(c, v, path, &w->batch, r);
	return get_requests(c, v, path, &w->req, r);
}

/* A name-keyed section ("pools", "workloads"): required, 1..max members. */
static int get_section(struct ctx *c, const cJSON *v, const char *key, int max, const char *what)
{
	int n;

	if (!v)
		return fail(c, key, "required");
	if (!cJSON_IsObject(v))
		return expected(c, key, v, "an object mapping %s names to %ss", what, what);
	n = cJSON_GetArraySize(v);
	if (n < 1 || n > max)
		return fail(c, key, "expected 1 to %d %ss, got %d", max, what, n);
	return PT_OK;
}

/* ---- service-level objectives ------------------------------------------------------------- */

/* Index of the workload called name, or -1. */
static int find_workload(const struct cfg_scenario *cfg, const char *name)
{
	for (int i = 0; i < cfg->n_workloads; i++)
		if (strcmp(cfg->workloads[i].name, name) == 0)
			return i;
	return -1;
}

static bool is_slo_metric(const char *name)
{
	for (const char *const *m = slo_metrics(); *m; m++)
		if (strcmp(*m, name) == 0)
			return true;
	return false;
}

/* "slo": upper bounds on workload metrics, in two forms that may be mixed,
 *   {"api": {"timeout_rate": 0.001, "wait_p99": "100ms"}}   and
 *   {"api.timeout_rate": 0.001, "api.wait_p99": "100ms"}     (DESIGN.md section 3);
 * either way a limit's path is slo.api.timeout_rate. Keys are checked first (in file order,
 * like check_keys), then the values by workload and by limit in slo_metrics() order, which is
 * also the order of cfg->slo, so neither the first error nor the cfg depends on the layout.
 * The resolved tree gets the nested form, with rates as fractions and waits in seconds. */
static int get_slo(struct ctx *c, const cJSON *v, struct cfg_scenario *cfg, cJSON *res)
{
	const char *const *names = slo_metrics();
	char p[PATH_LEN], q[PATH_LEN], list[MSG_LEN / 2];
	cJSON *r = put_obj(c, res, "slo");
	int n = 0;

	cfg->n_slo = 0;
	if (!v)
		return PT_OK;
	if (!cJSON_IsObject(v))
		return expected(c, "slo", v, SLO_WHAT);

	for (const cJSON *m = v->child; m; m = m->next) {
		const char *dot = strchr(m->string, '.');
		char wname[PATH_LEN];

		copy_str(wname, sizeof wname, m->string);
		if (dot && (size_t)(dot - m->string) < sizeof wname)
			wname[dot - m->string] = '\0';
		join(p, sizeof p, "slo", wname);
		if (find_workload(cfg, wname) < 0) {
			list[0] = '\0';
			for (int i = 0; i < cfg->n_workloads; i++) {
				append(list, sizeof list, i > 0 ? ", " : "");
				append(list, sizeof list, cfg->workloads[i].name);
			}
			return fail(c, p, "unknown workload (expected one of: %s)", list);
		}
		join_list(list, sizeof list, names);
		/* Every limit is a request metric: on a batch workload each verdict would stay
		 * "inconclusive" for ever (no estimate), so refuse it here. */
		if (cfg->workloads[find_workload(cfg, wname)].kind != CFG_WORKLOAD_REQUESTS)
			return fail(c, p, "a batch workload has no SLO limits (%s apply to request "
				    "workloads)", list);
		if (dot) {
			if (!is_slo_metric(dot + 1)) {
				join(p, sizeof p, "slo", m->string);
				return fail(c, p, "unknown limit (expected one of: %s)", list);
			}
			continue;
		}
		if (!cJSON_IsObject(m))
			return expected(c, p, m, SLO_LIMITS_WHAT);
		for (const cJSON *l = m->child; l; l = l->next) {
			if (cJSON_IsObject(l) && strchr(l->string, '.') == NULL) {
				/* {"worst_5m": {"failure_rate": ...}}: a window's limits nested
				 * (what --set slo.api.worst_5m.failure_rate=1% builds) */
				for (const cJSON *x = l->child; x; x = x->next) {
					char full[PATH_LEN];
					join(full, sizeof full, l->string, x->string);
					if (!is_slo_metric(full)) {
						join(q, sizeof q, p, full);
						return fail(c, q, "unknown limit (expected one of: %s)",
							    list);
					}
				}
				continue;
			}
			if (!is_slo_metric(l->string)) {
				join(q, sizeof q, p, l->string);
				return fail(c, q, "unknown limit (expected one of: %s)", list);
			}
		}
	}

	for (int w = 0; w < cfg->n_workloads; w++) {
		const char *wname = cfg->workloads[w].name;
		const cJSON *nested = member(v, wname);
		cJSON *rw = NULL;

		for (int k = 0; names[k]; k++) {
			const cJSON *flat, *inner = nested ? member(nested, names[k]) : NULL, *val;
			const char *dot = strchr(names[k], '.');
			if (!inner && nested && dot) {
				char win[PATH_LEN];
				copy_str(win, sizeof win, names[k]);
				win[dot - names[k]] = '\0';
				const cJSON *wo = member(nested, win);
				inner = cJSON_IsObject(wo) ? member(wo, dot + 1) : NULL;
			}
			char key[PATH_LEN];
			double limit;
			bool rate = strcmp(metric_find(names[k])->unit, "s") != 0;

			join(key, sizeof key, wname, names[k]);
			flat = member(v, key);
			if (!flat && !inner)
				continue;
			join(p, sizeof p, "slo", key);
			if (flat && inner)
				return fail(c, p, "duplicate limit (given both as \"%s\" and inside "
					    "\"%s\")", key, wname);
			val = flat ? flat : inner;
			if (rate ? to_fraction(val, &limit) != PT_OK
				 : to_duration(val, &limit) != PT_OK)
				return expected(c, p, val, "%s", rate ? FRACTION_WHAT : DURATION_WHAT);
			if (n < CFG_MAX_SLO) {
				struct cfg_slo *s = &cfg->slo[n];
				s->workload = w;
				copy_str(s->metric, sizeof s->metric, names[k]);
				s->limit = limit;
			}
			n++;
			if (!rw)
				rw = put_obj(c, r, wname);
			if (rate)
				put_num(c, rw, names[k], limit);
			else
				put_dur(c, rw, names[k], limit);
		}
	}
	if (n > CFG_MAX_SLO)
		return fail(c, "slo", "expected at most %d limits, got %d", CFG_MAX_SLO, n);
	cfg->n_slo = n;
	return PT_OK;
}

/* Validate a whole scenario tree into *cfg and, when res is not NULL, the resolved tree. */
static int get_scenario(struct ctx *c, const cJSON *root, const char *fallback_name,
			struct cfg_scenario *cfg, cJSON *res)
{
	const cJSON *v;
	int rc, i;
	cJSON *r;

	cfg_scenario_defaults(cfg);
	if (!cJSON_IsObject(root))
		return expected(c, "", root, "a JSON object at the top level");
	if ((rc = check_keys(c, root, "", top_keys)))
		return rc;

	v = member(root, "name");
	if (v && (!cJSON_IsString(v) || !v->valuestring[0] ||
		  strlen(v->valuestring) >= CFG_NAME_MAX))
		return expected(c, "name", v, "a non-empty string of at most %d bytes",
				CFG_NAME_MAX - 1);
	copy_str(cfg->name, sizeof cfg->name, v ? v->valuestring : fallback_name);
	put_str(c, res, "name", cfg->name);

	v = member(root, "description");
	if (v && !cJSON_IsString(v))
		return expected(c, "description", v, "a string");
	put_str(c, res, "description", v ? v->valuestring : "");

	if ((rc = get_duration(c, root, "", "horizon", true, &cfg->horizon_s)) ||
	    (rc = get_duration(c, root, "", "warmup", false, &cfg->warmup_s)))
		return rc;
	if (!(cfg->horizon_s >= HORIZON_MIN && cfg->horizon_s <= HORIZON_MAX))
		return expected(c, "horizon", member(root, "horizon"),
				"a duration from 1us to 1000d");
	if (!(cfg->warmup_s < cfg->horizon_s)) {
		char h[NUM_LEN];
		fmt_num(h, sizeof h, cfg->horizon_s);
		return expected(c, "warmup", member(root, "warmup"),
				"a duration shorter than horizon (%s s)", h);
	}
	put_dur(c, res, "horizon", cfg->horizon_s);
	put_dur(c, res, "warmup", cfg->warmup_s);

	if ((rc = get_int(c, root, "", "replications", 1, REPLICATIONS_MAX, 10,
			  &cfg->replications)))
		return rc;
	put_int(c, res, "replications", cfg->replications);

	v = member(root, "seed");
	if (v) {
		double d = v->valuedouble;
		if (!cJSON_IsNumber(v) || !isfinite(d) || floor(d) != d || d < 1 || d > SEED_MAX)
			return expected(c, "seed", v, "an integer from 1 to 9007199254740992 (2^53)");
		cfg->seed = (uint64_t)d;
	}
	put_int(c, res, "seed", (long long)cfg->seed);

	if ((rc = get_database(c, member(root, "database"), &cfg->db, res)) ||
	    (rc = get_pgbouncer(c, member(root, "pgbouncer"), &cfg->pgbouncer, res)) ||
	    (rc = get_deployment(c, member(root, "deployment"), cfg, res)) ||
	    (rc = get_users(c, root, &cfg->users, res)))
		return rc;

	v = member(root, "pools");
	if ((rc = get_section(c, v, "pools", CFG_MAX_POOLS, "pool")))
		return rc;
	r = put_obj(c, res, "pools");
	i = 0;
	c->hikari_pools = 0;
	for (const cJSON *m = v->child; m; m = m->next, i++)
		if ((rc = get_pool(c, m, &cfg->pools[i], r)))
			return rc;
	cfg->n_pools = i;

	v = member(root, "workloads");
	if ((rc = get_section(c, v, "workloads", CFG_MAX_WORKLOADS, "workload")))
		return rc;
	r = put_obj(c, res, "workloads");
	i = 0;
	for (const cJSON *m = v->child; m; m = m->next, i++)
		if ((rc = get_workload(c, m, cfg, &cfg->workloads[i], r)))
			return rc;
	cfg->n_workloads = i;

	if ((rc = get_slo(c, member(root, "slo"), cfg, res)))
		return rc;

	return c->oom ? fail_oom(c) : PT_OK;
}

/* ---- overrides ---------------------------------------------------------------------------- */

/* A dotted path an override may use: non-empty segments, not into "variants" (which are not
 * part of the base scenario). */
static bool valid_set_path(const char *s, size_t len)
{
	if (len == 0 || len >= PATH_LEN || s[0] == '.' || s[len - 1] == '.')
		return false;
	for (size_t i = 1; i < len; i++)
		if (s[i] == '.' && s[i - 1] == '.')
			return false;
	return !(strncmp(s, "variants", 8) == 0 && (len == 8 || s[8] == '.'));
}

/* "slo" takes a limit either nested, slo.api.timeout_rate, or flat, slo["api.timeout_rate"];
 * an override always comes as a nested path. Before it is applied, drop the flat members it
 * replaces (slo["api.timeout_rate"] for slo.api.timeout_rate, every slo["api.*"] for slo.api),
 * so that a variant can override a limit in whichever form the base gave it. */
static void drop_flat_slo(cJSON *root, const char *path)
{
	cJSON *slo = cJSON_GetObjectItemCaseSensitive(root, "slo"), *m, *next;
	const char *rest = path + 4;
	size_t len;

	if (strncmp(path, "slo.", 4) != 0 || !cJSON_IsObject(slo))
		return;
	len = strlen(rest);
	for (m = slo->child; m; m = next) {
		next = m->next;
		if (strchr(rest, '.') ? strcmp(m->string, rest) == 0
				      : strncmp(m->string, rest, len) == 0 && m->string[len] == '.')
			cJSON_Delete(cJSON_DetachItemViaPointer(slo, m));
	}
}

/* Set the member at `path` (already checked by valid_set_path) of root to value, which this
 * takes over (deleted on failure). Missing intermediate objects are created, except a pool or
 * workload name: `pools.mian.size` must not silently add a pool "mian". An intermediate that
 * exists and is not an object is an error. */
static int apply_set(struct ctx *c, cJSON *root, const char *path, cJSON *value)
{
	char buf[PATH_LEN], sofar[PATH_LEN] = "";
	char *seg = buf, *dot;
	cJSON *obj = root, *next;
	int depth = 0;

	drop_flat_slo(root, path);
	copy_str(buf, sizeof buf, path);
	for (; (dot = strchr(seg, '.')) != NULL; seg = dot + 1, depth++) {
		*dot = '\0';
		append(sofar, sizeof sofar, depth > 0 ? "." : "");
		append(sofar, sizeof sofar, seg);
		next = cJSON_GetObjectItemCaseSensitive(obj, seg);
		if (!next && depth == 1 &&
		    (strcmp(buf, "pools") == 0 || strcmp(buf, "workloads") == 0)) {
			char list[MSG_LEN / 2] = "";
			for (const cJSON *m = obj->child; m; m = m->next) {
				append(list, sizeof list, m == obj->child ? "" : ", ");
				append(list, sizeof list, m->string);
			}
			cJSON_Delete(value);
			if (!list[0])
				return fail(c, sofar, "unknown key (%s is empty)", buf);
			return fail(c, sofar, "unknown key (expected one of: %s)", list);
		}
		if (!next) {
			if (!(next = cJSON_AddObjectToObject(obj, seg))) {
				cJSON_Delete(value);
				return fail_oom(c);
			}
		} else if (!cJSON_IsObject(next)) {
			cJSON_Delete(value);
			return expected(c, sofar, next, "an object");
		}
		obj = next;
	}
	if (depth == 2 && strcmp(buf, "pools") == 0 && pool_key(seg) != seg) {
		/* --set pools.main.pool_size=20; pool_timeout=30 is seconds, as in the file */
		seg = (char *)pool_key(seg);
		if (cJSON_IsNumber(value) && (strcmp(seg, "timeout") == 0 ||
					      (strcmp(seg, "recycle") == 0 &&
					       value->valuedouble != -1))) {
			char b[NUM_LEN + 1];
			fmt_num(b, sizeof b - 1, value->valuedouble);
			append(b, sizeof b, "s");
			cJSON_Delete(value);
			if (!(value = cJSON_CreateString(b)))
				return fail_oom(c);
		}
	}
	if (cJSON_GetObjectItemCaseSensitive(obj, seg)
		    ? !cJSON_ReplaceItemInObjectCaseSensitive(obj, seg, value)
		    : !cJSON_AddItemToObject(obj, seg, value)) {
		cJSON_Delete(value);
		return fail_oom(c);
	}
	return PT_OK;
}

/* Rename SQLAlchemy's argument names in every pool object of root to the pool keys; both
 * forms of one setting in one pool is an error at the alias. */
static int rename_pool_aliases(struct ctx *c, cJSON *root)
{
	cJSON *pools = cJSON_GetObjectItemCaseSensitive(root, "pools");
	if (!cJSON_IsObject(pools))
		return PT_OK;
	for (cJSON *pool = pools->child; pool; pool = pool->next) {
		cJSON *m, *next;
		if (!cJSON_IsObject(pool))
			continue;
		for (m = pool->child; m; m = next) {
			const char *key = pool_key(m->string);
			next = m->next;
			if (key == m->string)
				continue;
			if (cJSON_GetObjectItemCaseSensitive(pool, key)) {
				char p[PATH_LEN], q[PATH_LEN];
				join(q, sizeof q, "pools", pool->string);
				join(p, sizeof p, q, m->string);
				return fail(c, p, "not allowed with \"%s\" (the same setting, by "
					    "SQLAlchemy's name)", key);
			}
			cJSON *item = cJSON_DetachItemViaPointer(pool, m);
			/* SQLAlchemy's pool_timeout and pool_recycle are numbers of seconds
			 * (pool_recycle=3600); under those names a bare number means seconds, as
			 * it does in create_engine (-1, recycle off, stays -1) */
			if (cJSON_IsNumber(item) && (strcmp(key, "timeout") == 0 ||
						     (strcmp(key, "recycle") == 0 &&
						      item->valuedouble != -1))) {
				char b[NUM_LEN + 1];
				fmt_num(b, sizeof b - 1, item->valuedouble);
				append(b, sizeof b, "s");
				cJSON_Delete(item);
				if (!(item = cJSON_CreateString(b)))
					return fail_oom(c);
			}
			if (!cJSON_AddItemToObject(pool, key, item)) {
				cJSON_Delete(item);
				return fail_oom(c);
			}
		}
	}
	return PT_OK;
}

/* Does an error at path `p` concern the override of `s` (s[0..slen))? Either one contains the
 * other: an error below a replaced object or array, or at a distribution whose parameter was
 * set. */
static bool concerns(const char *p, const char *s, size_t slen)
{
	size_t plen = strlen(p);

	if (plen == 0)
		return false;
	if (plen >= slen)
		return strncmp(p, s, slen) == 0 &&
		       (p[slen] == '\0' || p[slen] == '.' || p[slen] == '[');
	return strncmp(s, p, plen) == 0 && s[plen] == '.';
}

/* ---- text the JSON parser must not see ---------------------------------------------------- */

/* Offset of the first byte of text[0..len) that is not part of well-formed UTF-8 (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or len when all of it is. JSON text
 * is UTF-8 (RFC 8259); names and descriptions are written into summary.json as they are. */
static size_t utf8_invalid_at(const unsigned char *t, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char b = t[i];
		size_t n;
		unsigned lo = 0x80, hi = 0xBF;
		if (b < 0x80) {
			i++;
			continue;
		}
		if (b >= 0xC2 && b <= 0xDF)
			n = 1;
		else if (b >= 0xE0 && b <= 0xEF)
			n = 2, lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
		else if (b >= 0xF0 && b <= 0xF4)
			n = 3, lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
		else
			return i;
		if (i + n >= len)
			return i;
		for (size_t k = 1; k <= n; k++) {
			unsigned char x = t[i + k];
			if (k == 1 ? (x < lo || x > hi) : (x < 0x80 || x > 0xBF))
				return i;
		}
		i += n + 1;
	}
	return len;
}

/* Offset of the first "\u0000" escape inside a JSON string of text, or len when none: cJSON
 * would decode it into a NUL and every C string after it would end there (a pool name
 * "ma\u0000in" would become "ma"). An escape is a backslash preceded by an even number of
 * backslashes. */
static size_t nul_escape_at(const char *text, size_t len)
{
	for (const char *p = text; (p = strstr(p, "\\u0000")) != NULL; p++) {
		size_t back = 0;
		while (p - back > text && p[-1 - (ptrdiff_t)back] == '\\')
			back++;
		if (back % 2 == 0)
			return (size_t)(p - text);
	}
	return len;
}

/* Depth of [ and { (outside strings) at text[pos]: tells a nesting past cJSON's limit from
 * another syntax error. */
static int nesting_at(const char *text, size_t pos)
{
	int depth = 0;
	bool str = false;
	for (size_t i = 0; i < pos && text[i]; i++) {
		char ch = text[i];
		if (str) {
			if (ch == '\\' && text[i + 1])
				i++;
			else if (ch == '"')
				str = false;
		} else if (ch == '"') {
			str = true;
		} else if (ch == '[' || ch == '{') {
			depth++;
		} else if (ch == ']' || ch == '}') {
			depth--;
		}
	}
	return depth;
}

/* ---- positions and names ------------------------------------------------------------------ */

/* 1-based line and column (in bytes) of text[pos]. */
static void line_col(const char *text, size_t pos, int *line, int *col)
{
	size_t start = 0;
	*line = 1;
	for (size_t i = 0; i < pos; i++) {
		if (text[i] == '\n') {
			(*line)++;
			start = i + 1;
		}
	}
	*col = (int)(pos - start) + 1;
}

/* "incident" from "scenarios/incident.json": the default scenario name. */
static void default_name(const char *path, char *out, size_t n)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base ? base + 1 : path;
	len = strlen(base);
	if (len >= 5 && strcmp(base + len - 5, ".json") == 0)
		len -= 5;
	if (len == 0) {
		base = "scenario";
		len = strlen(base);
	}
	if (len >= n) { /* keep the name valid: cut on a UTF-8 boundary */
		len = n - 1;
		while (len > 0 && ((unsigned char)base[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(out, base, len);
	out[len] = '\0';
}

/* ---- variants ----------------------------------------------------------------------------- */

static const char *const variant_keys[] = {"name", "set", NULL};

/* Check the variants array (names, unique, set objects with valid paths) and fill the names. */
static int check_variants(struct ctx *c, const cJSON *vs, struct scenario_variant *out)
{
	char p[PATH_LEN], prefix[PATH_LEN], q[GOT_MAX + 8];
	int i = 0, rc;

	for (const cJSON *v = vs->child; v; v = v->next, i++) {
		const cJSON *name, *set;

		snprintf(p, sizeof p, "variants[%d]", i);
		if (!cJSON_IsObject(v))
			return expected(c, p, v, "an object {\"name\": ..., \"set\": {...}}");
		if ((rc = check_keys(c, v, p, variant_keys)))
			return rc;
		append(p, sizeof p, ".name");
		name = member(v, "name");
		if (!name)
			return fail(c, p, "required");
		if (!cJSON_IsString(name) || !name->valuestring[0] ||
		    strlen(name->valuestring) >= SCENARIO_VARIANT_NAME_MAX)
			return expected(c, p, name, "a non-empty string of at most %d bytes",
					SCENARIO_VARIANT_NAME_MAX - 1);
		for (int j = 0; j < i; j++) {
			if (strcmp(out[j].name, name->valuestring) == 0) {
				char other[32];
				snprintf(other, sizeof other, "variants[%d]", j);
				return expected(c, p, name, "a name not used by an earlier variant "
						"(%s has it)", other);
			}
		}
		copy_str(out[i].name, sizeof out[i].name, name->valuestring);

		quote(out[i].name, q, sizeof q);
		snprintf(prefix, sizeof prefix, "variants[%d] (%s).set", i, q);
		set = member(v, "set");
		if (set && !cJSON_IsObject(set))
			return expected(c, prefix, set, "an object mapping dotted paths such as "
					"\"pools.main.size\" to values");
		for (const cJSON *m = set ? set->child : NULL; m; m = m->next) {
			if (!valid_set_path(m->string, strlen(m->string))) {
				quote(m->string, q, sizeof q);
				return fail(c, prefix, "expected %s, got %s", SET_PATH_WHAT, q);
			}
		}
	}
	return PT_OK;
}

/* Variant i: the base tree with the variant's set applied, validated into out->cfg. On error,
 * the prefix names the variant. */
static int load_variant(struct ctx *c, const cJSON *base, const cJSON *v, int i,
			const char *fallback_name, struct scenario_variant *out, char *prefix,
			size_t prefix_len)
{
	cJSON *tree = cJSON_Duplicate(base, 1);
	const cJSON *set = member(v, "set");
	char q[GOT_MAX + 8];
	int rc = PT_OK;

	quote(out->name, q, sizeof q);
	snprintf(prefix, prefix_len, "variants[%d] (%s).set: ", i, q);
	if (!tree)
		return fail_oom(c);
	for (const cJSON *m = set ? set->child : NULL; m && rc == PT_OK; m = m->next) {
		cJSON *value = cJSON_Duplicate(m, 1);
		rc = value ? apply_set(c, tree, m->string, value) : fail_oom(c);
	}
	if (rc == PT_OK)
		rc = get_scenario(c, tree, fallback_name, &out->cfg, NULL);
	cJSON_Delete(tree);
	return rc;
}

/* ---- the public functions ----------------------------------------------------------------- */

int scenario_load(struct scenario **out, const char *path, const char *const *sets, int n_sets,
		  char *err, size_t errlen)
{
	struct ctx c = {.oom = false, .file = path, .traces = NULL};
	char prefix[PATH_LEN + 64] = "", defname[CFG_NAME_MAX], setpath[PATH_LEN];
	char *text = NULL, *printed = NULL, hash[SHA256_HEX_LEN + 1];
	cJSON *root = NULL, *variants = NULL, *res = NULL, *copy;
	struct scenario *sc = NULL;
	struct cfg_scenario base_cfg;
	const char *end = NULL;
	size_t len = 0;
	int rc, errnum = 0, line, col;

	*out = NULL;
	if (err && errlen > 0)
		err[0] = '\0';
	if (!sets)
		n_sets = 0;

	if ((rc = read_file(path, &text, &len, &errnum))) {
		if (err && errlen > 0)
			snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errnum));
		goto fail;
	}
	/* The bytes read are the bytes hashed: the file is opened once (a FIFO or /dev/stdin
	 * has nothing left to give a second time). */
	sha256_hex(text, len, hash);
	/* cJSON reads up to the first NUL; a NUL inside the file is a syntax error there */
	{
		size_t bad = strlen(text), at;
		const char *why = "";
		if (bad == len && (at = utf8_invalid_at((const unsigned char *)text, len)) < len)
			bad = at, why = ": not valid UTF-8";
		else if (bad == len && (at = nul_escape_at(text, len)) < len)
			bad = at, why = ": \\u0000 (a NUL character) is not allowed in a string";
		root = bad == len ? cJSON_ParseWithOpts(text, &end, 1) : NULL;
		if (!root) {
			size_t pos = bad < len ? bad : end ? (size_t)(end - text) : 0;
			line_col(text, pos, &line, &col);
			if (!why[0] && pos < len && nesting_at(text, pos + 1) > CJSON_NESTING_LIMIT)
				why = ": arrays and objects nested deeper than "
				      STRINGIFY(CJSON_NESTING_LIMIT) " levels";
			if (err && errlen > 0)
				snprintf(err, errlen, "%s:%d:%d: invalid JSON%s", path, line, col, why);
			rc = PT_EINVAL;
			goto fail;
		}
	}
	{
		char dpath[PATH_LEN] = "";
		if ((rc = check_duplicates(&c, root, dpath, sizeof dpath)))
			goto report;
	}
	if (!cJSON_IsObject(root)) {
		rc = expected(&c, "", root, "a JSON object at the top level");
		goto report;
	}
	variants = cJSON_DetachItemFromObjectCaseSensitive(root, "variants");
	if ((rc = rename_pool_aliases(&c, root)))
		goto report;

	/* command-line overrides, in order, on the base */
	for (int i = 0; i < n_sets; i++) {
		const char *eq = strchr(sets[i], '=');
		cJSON *value;

		snprintf(prefix, sizeof prefix, "--set %s: ", sets[i]);
		if (!eq) {
			rc = fail(&c, "", "expected path=value, such as pools.main.size=20");
			goto report;
		}
		copy_str(setpath, sizeof setpath, sets[i]);
		if ((size_t)(eq - sets[i]) < sizeof setpath)
			setpath[eq - sets[i]] = '\0';
		if (!valid_set_path(sets[i], (size_t)(eq - sets[i]))) {
			char q[GOT_MAX + 8];
			quote(setpath, q, sizeof q);
			rc = fail(&c, "", "expected %s, got %s", SET_PATH_WHAT, q);
			goto report;
		}
		/* the same rules as in the file: UTF-8, no NUL, no duplicate key */
		size_t slen = strlen(sets[i]);
		if (utf8_invalid_at((const unsigned char *)sets[i], slen) < slen) {
			rc = fail(&c, "", "expected UTF-8 text, got a byte sequence that is not");
			goto report;
		}
		if (nul_escape_at(eq + 1, strlen(eq + 1)) < strlen(eq + 1)) {
			rc = fail(&c, setpath, "expected a value without \\u0000 (a NUL character)");
			goto report;
		}
		/* the value is JSON when it parses as JSON, else a string: timeout=45s */
		value = cJSON_ParseWithOpts(eq + 1, NULL, 1);
		if (!value)
			value = cJSON_CreateString(eq + 1);
		if (!value) {
			rc = fail_oom(&c);
			goto report;
		}
		{
			char dpath[PATH_LEN];
			copy_str(dpath, sizeof dpath, setpath);
			if ((rc = check_duplicates(&c, value, dpath, sizeof dpath))) {
				cJSON_Delete(value);
				goto report;
			}
		}
		if ((rc = apply_set(&c, root, setpath, value)))
			goto report;
	}
	prefix[0] = '\0';

	default_name(path, defname, sizeof defname);
	if (!(res = cJSON_CreateObject())) {
		rc = fail_oom(&c);
		goto report;
	}
	if ((rc = get_scenario(&c, root, defname, &base_cfg, res))) {
		/* name the override an error comes from, when one does */
		for (int i = n_sets - 1; i >= 0; i--) {
			const char *eq = strchr(sets[i], '=');
			if (concerns(c.path, sets[i], (size_t)(eq - sets[i]))) {
				snprintf(prefix, sizeof prefix, "--set %s: ", sets[i]);
				break;
			}
		}
		goto report;
	}

	if (!(sc = calloc(1, sizeof *sc))) {
		rc = fail_oom(&c);
		goto report;
	}
	{
		const cJSON *d = member(root, "description");
		sc->path = strdup(path);
		sc->description = strdup(d ? d->valuestring : "");
		memcpy(sc->sha256, hash, sizeof sc->sha256);
		if (!sc->path || !sc->description) {
			rc = fail_oom(&c);
			goto report;
		}
	}

	if (!variants) {
		sc->n_variants = 1;
		if (!(sc->variants = calloc(1, sizeof *sc->variants))) {
			rc = fail_oom(&c);
			goto report;
		}
		copy_str(sc->variants[0].name, sizeof sc->variants[0].name, "base");
		sc->variants[0].cfg = base_cfg;
	} else {
		int n = cJSON_IsArray(variants) ? cJSON_GetArraySize(variants) : 0, i = 0;
		if (!cJSON_IsArray(variants) || n == 0) {
			rc = expected(&c, "variants", variants, "a non-empty array of "
				      "{\"name\": ..., \"set\": {...}} objects");
			goto report;
		}
		if (!(sc->variants = calloc((size_t)n, sizeof *sc->variants))) {
			rc = fail_oom(&c);
			goto report;
		}
		sc->n_variants = n;
		if ((rc = check_variants(&c, variants, sc->variants)))
			goto report;
		for (const cJSON *v = variants->child; v; v = v->next, i++)
			if ((rc = load_variant(&c, root, v, i, defname, &sc->variants[i], prefix,
					       sizeof prefix)))
				goto report;
		prefix[0] = '\0';
		if (!(copy = copy_exact(variants)) || !cJSON_AddItemToObject(res, "variants", copy)) {
			cJSON_Delete(copy);
			rc = fail_oom(&c);
			goto report;
		}
	}

	if (!(printed = cJSON_Print(res))) {
		rc = fail_oom(&c);
		goto report;
	}
	sc->resolved_json = printed;
	sc->traces = c.traces;
	cJSON_Delete(res);
	cJSON_Delete(variants);
	cJSON_Delete(root);
	free(text);
	*out = sc;
	return PT_OK;

report:
	report(&c, path, prefix, err, errlen);
fail:
	scenario_destroy(sc);
	free_traces(c.traces);
	cJSON_Delete(res);
	cJSON_Delete(variants);
	cJSON_Delete(root);
	free(text);
	return rc;
}

void scenario_destroy(struct scenario *sc)
{
	if (!sc)
		return;
	free(sc->path);
	free(sc->description);
	free(sc->variants);
	cJSON_free(sc->resolved_json);
	free_traces(sc->traces);
	free(sc);
}
