/* The scenario loader's context: the first error with its JSON path, the canonical "resolved"
 * tree built beside the cfg, and typed reads of JSON values (integers, numbers, durations,
 * rates, fractions, names) that report what they expected and what they got.
 *
 * Every part of the loader (app/scenario.c and app/load_*.c) reads values through these, so a
 * message has one form everywhere: "<file>: <json.path>: expected <what>, got <JSON>". The
 * resolved-tree writers (load_put_*) are no-ops when no tree is being built (res == NULL).
 *
 * Not here: the schema of any section (app/load_*.c), the file as a whole (app/scenario.c). */
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
#include "app/sha256.h"
#include "app/units.h"
#include "models/summary.h"

/* ---- strings ------------------------------------------------------------------------------ */

/* Copy src into dst[n], truncated to fit, always terminated. */
void load_copy_str(char *dst, size_t n, const char *src)
{
	size_t len = strlen(src);
	if (len >= n)
		len = n - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* Append src to the string in dst[n], truncated to fit. */
void load_append(char *dst, size_t n, const char *src)
{
	size_t at = strlen(dst);
	if (at + 1 < n)
		load_copy_str(dst + at, n - at, src);
}

/* dst = parent "." key, or key alone when parent is "" (the top level). */
void load_join(char *dst, size_t n, const char *parent, const char *key)
{
	load_copy_str(dst, n, parent);
	if (parent[0])
		load_append(dst, n, ".");
	load_append(dst, n, key);
}

/* dst = path "[" i "]", an array element's path. */
void load_element(char *dst, size_t n, const char *path, int i)
{
	char idx[24];

	snprintf(idx, sizeof idx, "[%d]", i);
	load_copy_str(dst, n, path);
	load_append(dst, n, idx);
}

/* "a, b, c" from a NULL-terminated list. */
void load_join_list(char *dst, size_t n, const char *const *items)
{
	dst[0] = '\0';
	for (size_t i = 0; items[i]; i++) {
		if (i > 0)
			load_append(dst, n, ", ");
		load_append(dst, n, items[i]);
	}
}

/* ---- errors ------------------------------------------------------------------------------- */

/* JSON text of a value for "got ...", on one line, shortened past GOT_MAX bytes. */
static void describe(const cJSON *v, char *buf, size_t n)
{
	char *s;
	size_t len;

	if (!v) {
		load_copy_str(buf, n, "nothing");
		return;
	}
	if (cJSON_IsNumber(v)) {
		if (isfinite(v->valuedouble))
			units_format_number(buf, n, v->valuedouble);
		else
			load_copy_str(buf, n, "a number out of range");
		return;
	}
	s = cJSON_PrintUnformatted(v);
	if (!s) {
		load_copy_str(buf, n, "?");
		return;
	}
	len = strlen(s);
	if (len > GOT_MAX) {
		len = GOT_MAX - 3;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80) /* UTF-8 boundary */
			len--;
		memcpy(s + len, "...", 4);
	}
	load_copy_str(buf, n, s);
	cJSON_free(s);
}

/* A string as a JSON string literal (quoted, escaped). */
void load_quote(const char *str, char *buf, size_t n)
{
	cJSON *tmp = cJSON_CreateStringReference(str);
	describe(tmp, buf, n);
	cJSON_Delete(tmp);
}

int load_fail(struct load_ctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	load_copy_str(c->path, sizeof c->path, path);
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof c->msg, fmt, ap);
	va_end(ap);
	return PT_EINVAL;
}

/* "expected <what>, got <JSON of got>" at path. */
int load_expected(struct load_ctx *c, const char *path, const cJSON *got, const char *fmt, ...)
{
	char what[MSG_LEN / 2], g[GOT_MAX + 8];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof what, fmt, ap);
	va_end(ap);
	describe(got, g, sizeof g);
	return load_fail(c, path, "expected %s, got %s", what, g);
}

int load_fail_oom(struct load_ctx *c)
{
	load_fail(c, "", "out of memory");
	return PT_ENOMEM;
}

/* The single line of err: "<file>: <prefix><json.path>: <msg>". prefix is "" or ends in ": ". */
void load_report(const struct load_ctx *c, const char *file, const char *prefix, char *err,
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

static void put_raw(struct load_ctx *c, cJSON *res, const char *key, const char *raw)
{
	if (res && !cJSON_AddRawToObject(res, key, raw))
		c->oom = true;
}

void load_put_num(struct load_ctx *c, cJSON *res, const char *key, double v)
{
	char b[NUM_LEN];
	units_format_number(b, sizeof b, v);
	put_raw(c, res, key, b);
}

void load_put_int(struct load_ctx *c, cJSON *res, const char *key, long long v)
{
	char b[NUM_LEN];
	snprintf(b, sizeof b, "%lld", v);
	put_raw(c, res, key, b);
}

void load_put_str(struct load_ctx *c, cJSON *res, const char *key, const char *s)
{
	if (res && !cJSON_AddStringToObject(res, key, s))
		c->oom = true;
}

void load_put_bool(struct load_ctx *c, cJSON *res, const char *key, bool b)
{
	if (res && !cJSON_AddBoolToObject(res, key, b))
		c->oom = true;
}

/* A duration in the resolved tree: seconds with the unit ("0.015s"), so that the resolved tree
 * is itself a valid scenario (bare numbers are not durations) and reads back bit for bit. */
void load_put_dur(struct load_ctx *c, cJSON *res, const char *key, double seconds)
{
	char b[NUM_LEN + 1];

	units_format_number(b, sizeof b - 1, seconds);
	load_append(b, sizeof b, "s");
	load_put_str(c, res, key, b);
}

cJSON *load_put_obj(struct load_ctx *c, cJSON *res, const char *key)
{
	cJSON *o;
	if (!res)
		return NULL;
	if (!(o = cJSON_AddObjectToObject(res, key)))
		c->oom = true;
	return o;
}

cJSON *load_put_arr(struct load_ctx *c, cJSON *res, const char *key)
{
	cJSON *a;
	if (!res)
		return NULL;
	if (!(a = cJSON_AddArrayToObject(res, key)))
		c->oom = true;
	return a;
}

/* A new object at the end of the array arr. */
cJSON *load_put_elem(struct load_ctx *c, cJSON *arr)
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

/* A deep copy in which every number is a raw item printed by units_format_number (exact round trip). */
cJSON *load_copy_exact(const cJSON *v)
{
	char b[NUM_LEN];
	cJSON *out;

	if (cJSON_IsNumber(v)) {
		units_format_number(b, sizeof b, v->valuedouble);
		return cJSON_CreateRaw(b);
	}
	if (!cJSON_IsArray(v) && !cJSON_IsObject(v))
		return cJSON_Duplicate(v, 0);
	out = cJSON_IsArray(v) ? cJSON_CreateArray() : cJSON_CreateObject();
	if (!out)
		return NULL;
	for (const cJSON *m = v->child; m; m = m->next) {
		cJSON *cm = load_copy_exact(m);
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

const cJSON *load_member(const cJSON *obj, const char *key)
{
	return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* Every key of obj is one of keys (NULL-terminated); a typo must never go unnoticed. */
int load_check_keys(struct load_ctx *c, const cJSON *obj, const char *path, const char *const *keys)
{
	for (const cJSON *m = obj->child; m; m = m->next) {
		size_t i = 0;
		char p[PATH_LEN], list[MSG_LEN / 2];

		while (keys[i] && strcmp(keys[i], m->string) != 0)
			i++;
		if (keys[i])
			continue;
		load_join(p, sizeof p, path, m->string);
		load_join_list(list, sizeof list, keys);
		return load_fail(c, p, "unknown key (expected one of: %s)", list);
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
int load_check_duplicates(struct load_ctx *c, const cJSON *v, char *path, size_t n)
{
	size_t len = strlen(path);
	int i = 0, rc;

	const cJSON *dup = NULL;
	if (cJSON_IsObject(v) && first_duplicate(v, &dup))
		return load_fail_oom(c);
	for (const cJSON *m = v->child; m; m = m->next, i++) {
		if (m == dup) { /* reported where the old pairwise scan met it: same first error */
			char p[PATH_LEN];
			load_join(p, sizeof p, path, m->string);
			return load_fail(c, p, "duplicate key");
		}
		if (cJSON_IsObject(v)) {
			if (len > 0)
				load_append(path, n, ".");
			load_append(path, n, m->string);
		} else {
			char idx[24];
			snprintf(idx, sizeof idx, "[%d]", i);
			load_append(path, n, idx);
		}
		rc = load_check_duplicates(c, m, path, n);
		path[len] = '\0';
		if (rc)
			return rc;
	}
	return PT_OK;
}

/* obj.key as an integer in [min, max]; def when absent. */
int load_get_int(struct load_ctx *c, const cJSON *obj, const char *path, const char *key, int min,
		 int max, int def, int *out)
{
	const cJSON *v = load_member(obj, key);
	char p[PATH_LEN];
	double d;
	bool integral;

	if (!v) {
		*out = def;
		return PT_OK;
	}
	load_join(p, sizeof p, path, key);
	d = v->valuedouble;
	integral = cJSON_IsNumber(v) && isfinite(d) && floor(d) == d;
	if (integral && d >= min && d <= max) {
		*out = (int)d;
		return PT_OK;
	}
	/* Name the upper bound when it is part of the contract or is what was broken. */
	if (max < INT_CAP || (integral && d > max))
		return load_expected(c, p, v, "an integer from %d to %d", min, max);
	return load_expected(c, p, v, "an integer >= %d", min);
}

int load_get_bool(struct load_ctx *c, const cJSON *obj, const char *path, const char *key, bool *out)
{
	const cJSON *v = load_member(obj, key);
	char p[PATH_LEN];

	if (!v)
		return PT_OK;
	if (!cJSON_IsBool(v)) {
		load_join(p, sizeof p, path, key);
		return load_expected(c, p, v, "true or false");
	}
	*out = cJSON_IsTrue(v);
	return PT_OK;
}

/* obj.key as a finite number >= min (> min when strict); unchanged when absent. */
int load_get_number(struct load_ctx *c, const cJSON *obj, const char *path, const char *key,
		    double min, bool strict, double *out)
{
	const cJSON *v = load_member(obj, key);
	char p[PATH_LEN], m[NUM_LEN];
	double d;

	if (!v)
		return PT_OK;
	d = v->valuedouble;
	if (cJSON_IsNumber(v) && isfinite(d) && (strict ? d > min : d >= min)) {
		*out = d + 0.0;
		return PT_OK;
	}
	load_join(p, sizeof p, path, key);
	units_format_number(m, sizeof m, min);
	return load_expected(c, p, v, "a number %s %s", strict ? ">" : ">=", m);
}

/* "required" at path.key when obj has no such member. */
int load_require(struct load_ctx *c, const cJSON *obj, const char *path, const char *key)
{
	char p[PATH_LEN];

	if (load_member(obj, key))
		return PT_OK;
	load_join(p, sizeof p, path, key);
	return load_fail(c, p, "required");
}

/* A rate value: a number per second >= 0 or a string with a unit ("120/s"). */
int load_to_rate(const cJSON *v, double *per_second)
{
	double r;

	if (cJSON_IsNumber(v)) {
		r = v->valuedouble;
		if (!isfinite(r) || !(r >= 0))
			return PT_EINVAL;
		*per_second = r + 0.0;
		return PT_OK;
	}
	if (cJSON_IsString(v) && units_parse_rate(v->valuestring, &r) == PT_OK) {
		*per_second = r;
		return PT_OK;
	}
	return PT_EINVAL;
}

/* A fraction (an SLO rate limit, a share of writes): a number in [0, 1] or a string
 * "<number>%" with the number in [0, 100]. */
int load_to_fraction(const cJSON *v, double *out)
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
	if (!cJSON_IsString(v) || (len = units_scan_number(v->valuestring, &x)) == 0 ||
	    strcmp(v->valuestring + len, "%") != 0 || !(x <= 100))
		return PT_EINVAL;
	{
		/* "0.1%" is the same double as 0.001 when the decimal text is read with the
		 * exponent shifted ("0.1e-2"); x / 100 can be an ulp away. */
		char buf[72];
		struct units_c_numeric cn;
		if (len + 4 > sizeof buf || memchr(v->valuestring, 'e', len) ||
		    memchr(v->valuestring, 'E', len)) {
			*out = x / 100;
			return PT_OK;
		}
		memcpy(buf, v->valuestring, len);
		memcpy(buf + len, "e-2", 4);
		units_c_numeric_begin(&cn);
		*out = strtod(buf, NULL);
		units_c_numeric_end(&cn);
	}
	return PT_OK;
}

/* A duration value: a string with a unit, or the number 0. A bare number other than 0 is an
 * error: "db_time": 8 meant 8 ms as often as 8 s, and "pool_timeout": 30000 (milliseconds, in
 * HikariCP's habit) would otherwise be 8 h 20 min. */
int load_to_duration(const cJSON *v, double *seconds)
{
	if (cJSON_IsNumber(v)) {
		if (v->valuedouble != 0)
			return PT_EINVAL;
		*seconds = 0;
		return PT_OK;
	}
	if (cJSON_IsString(v))
		return units_parse_duration(v->valuestring, seconds);
	return PT_EINVAL;
}

/* obj.key as a duration (> 0 when positive); unchanged when absent. */
int load_get_duration(struct load_ctx *c, const cJSON *obj, const char *path, const char *key,
		      bool positive, double *out)
{
	const cJSON *v = load_member(obj, key);
	char p[PATH_LEN];
	double s;

	if (!v)
		return PT_OK;
	load_join(p, sizeof p, path, key);
	if (load_to_duration(v, &s) != PT_OK || (positive && !(s > 0)))
		return load_expected(c, p, v, "%s", positive ? DURATION_POS_WHAT : DURATION_WHAT);
	*out = s;
	return PT_OK;
}

/* A required object member; "required" when absent. */
int load_get_object(struct load_ctx *c, const cJSON *obj, const char *path, const char *key,
		    const cJSON **out)
{
	char p[PATH_LEN];

	load_join(p, sizeof p, path, key);
	*out = load_member(obj, key);
	if (!*out)
		return load_fail(c, p, "required");
	if (!cJSON_IsObject(*out))
		return load_expected(c, p, *out, "an object");
	return PT_OK;
}

/* Pool and workload names: they appear in dotted --set paths, CSV columns and file names. */
bool load_valid_name(const char *s)
{
	size_t i = 0;
	for (; s[i]; i++) {
		char ch = s[i];
		if (!units_is_digit(ch) && !(ch >= 'a' && ch <= 'z') && !(ch >= 'A' && ch <= 'Z') &&
		    ch != '_' && ch != '-')
			return false;
	}
	return i >= 1 && i < CFG_NAME_MAX;
}


/* Index of s in the NULL-terminated names, or -1. */
int load_find_name(const char *const *names, const char *s)
{
	for (int i = 0; names[i]; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	return -1;
}
/* ---- reading files ------------------------------------------------------------------------ */

/* The whole file, NUL-terminated, in *text (length *len). On failure, errno-style *errnum. */
int load_read_file(const char *path, char **text, size_t *len, int *errnum)
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
		goto load_fail;
	}
	for (;;) {
		size_t got;
		if (n + 1 >= cap) {
			if (cap > FILE_MAX) {
				*errnum = EFBIG;
				goto load_fail;
			}
			if (!(grown = realloc(buf, cap * 2))) {
				*errnum = ENOMEM;
				goto load_fail;
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
				goto load_fail;
			}
			break;
		}
	}
	fclose(f);
	buf[n] = '\0';
	*text = buf;
	*len = n;
	return PT_OK;
load_fail:
	fclose(f);
	free(buf);
	return PT_EIO;
}
