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
 * This file holds the file as a whole: the top-level keys, deployment and users, overrides,
 * variants and the text checks the JSON parser cannot make; each section's schema is in its
 * own app/load_*.c (see app/load.h).
 *
 * Not here: anything about simulating; the cfg structs are the whole interface to models/. */
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

#include "app/load.h"
#include "app/sha256.h"
#include "app/units.h"
#include "models/pool.h"
#include "models/slo.h"
#include "models/summary.h"
#include "sim/dist.h"
#include "sim/status.h"

/* ---- the scenario schema ------------------------------------------------------------------ */

/* "variants" is detached before validation; it is listed for the unknown-key message. */
static const char *const top_keys[] = {"name",       "description", "horizon",  "warmup",
				       "replications", "seed",     "database", "replicas",
				       "pgbouncer", "deployment",
				       "users",      "pools",       "workloads", "slo",
				       "variants",   NULL};
static const char *const deployment_keys[] = {"processes", NULL};
static const char *const users_keys[] = {"count", "zipf", NULL};
static int get_deployment(struct load_ctx *c, const cJSON *v, struct cfg_scenario *cfg, cJSON *res)
{
	const char *path = "deployment";
	int rc;

	if (v && !cJSON_IsObject(v))
		return load_expected(c, path, v, "an object");
	if ((v && (rc = load_check_keys(c, v, path, deployment_keys))) ||
	    (rc = load_get_int(c, v, path, "processes", 1, PROCESSES_MAX, 1, &cfg->processes)))
		return rc;
	load_put_int(c, load_put_obj(c, res, path), "processes", cfg->processes);
	return PT_OK;
}

/* "users": {"count": n, "zipf": s}, or a bare count. */
static int get_users(struct load_ctx *c, const cJSON *root, struct cfg_users *u, cJSON *res)
{
	const char *path = "users";
	const cJSON *v = load_member(root, path);
	cJSON *r;
	int rc;

	if (cJSON_IsNumber(v)) {
		if ((rc = load_get_int(c, root, "", path, 1, USERS_MAX, 1000, &u->count)))
			return rc;
	} else if (cJSON_IsObject(v)) {
		if ((rc = load_check_keys(c, v, path, users_keys)) ||
		    (rc = load_get_int(c, v, path, "count", 1, USERS_MAX, 1000, &u->count)) ||
		    (rc = load_get_number(c, v, path, "zipf", 0, false, &u->zipf_s)))
			return rc;
	} else if (v) {
		return load_expected(c, path, v, USERS_WHAT);
	}
	r = load_put_obj(c, res, path);
	load_put_int(c, r, "count", u->count);
	load_put_num(c, r, "zipf", u->zipf_s);
	return PT_OK;
}

/* Validate a whole scenario tree into *cfg and, when res is not NULL, the resolved tree. */
static int get_scenario(struct load_ctx *c, const cJSON *root, const char *fallback_name,
			struct cfg_scenario *cfg, cJSON *res)
{
	const cJSON *v;
	int rc, i;
	cJSON *r;

	cfg_scenario_defaults(cfg);
	if (!cJSON_IsObject(root))
		return load_expected(c, "", root, "a JSON object at the top level");
	if ((rc = load_check_keys(c, root, "", top_keys)))
		return rc;

	v = load_member(root, "name");
	if (v && (!cJSON_IsString(v) || !v->valuestring[0] ||
		  strlen(v->valuestring) >= CFG_NAME_MAX))
		return load_expected(c, "name", v, "a non-empty string of at most %d bytes",
				     CFG_NAME_MAX - 1);
	load_copy_str(cfg->name, sizeof cfg->name, v ? v->valuestring : fallback_name);
	load_put_str(c, res, "name", cfg->name);

	v = load_member(root, "description");
	if (v && !cJSON_IsString(v))
		return load_expected(c, "description", v, "a string");
	load_put_str(c, res, "description", v ? v->valuestring : "");

	if ((rc = load_get_duration(c, root, "", "horizon", true, &cfg->horizon_s)) ||
	    (rc = load_get_duration(c, root, "", "warmup", false, &cfg->warmup_s)))
		return rc;
	if (!(cfg->horizon_s >= HORIZON_MIN && cfg->horizon_s <= HORIZON_MAX))
		return load_expected(c, "horizon", load_member(root, "horizon"),
				     "a duration from 1us to 1000d");
	if (!(cfg->warmup_s < cfg->horizon_s)) {
		char h[NUM_LEN];
		units_format_number(h, sizeof h, cfg->horizon_s);
		return load_expected(c, "warmup", load_member(root, "warmup"),
				     "a duration shorter than horizon (%s s)", h);
	}
	load_put_dur(c, res, "horizon", cfg->horizon_s);
	load_put_dur(c, res, "warmup", cfg->warmup_s);

	if ((rc = load_get_int(c, root, "", "replications", 1, REPLICATIONS_MAX, 10,
			       &cfg->replications)))
		return rc;
	load_put_int(c, res, "replications", cfg->replications);

	v = load_member(root, "seed");
	if (v) {
		double d = v->valuedouble;
		if (!cJSON_IsNumber(v) || !isfinite(d) || floor(d) != d || d < 1 || d > SEED_MAX)
			return load_expected(c, "seed", v, "an integer from 1 to 9007199254740992 (2^53)");
		cfg->seed = (uint64_t)d;
	}
	load_put_int(c, res, "seed", (long long)cfg->seed);

	if ((rc = load_get_database(c, load_member(root, "database"), &cfg->db, res)) ||
	    (rc = load_get_pgbouncer(c, load_member(root, "pgbouncer"), &cfg->pgbouncer, res)) ||
	    (rc = load_get_replicas(c, load_member(root, "replicas"), cfg, res)) ||
	    (rc = get_deployment(c, load_member(root, "deployment"), cfg, res)) ||
	    (rc = get_users(c, root, &cfg->users, res)))
		return rc;

	v = load_member(root, "pools");
	if ((rc = load_get_section(c, v, "pools", CFG_MAX_POOLS, "pool")))
		return rc;
	r = load_put_obj(c, res, "pools");
	i = 0;
	c->hikari_pools = 0;
	for (const cJSON *m = v->child; m; m = m->next, i++)
		if ((rc = load_get_pool(c, m, cfg, &cfg->pools[i], r)))
			return rc;
	cfg->n_pools = i;

	v = load_member(root, "workloads");
	if ((rc = load_get_section(c, v, "workloads", CFG_MAX_WORKLOADS, "workload")))
		return rc;
	r = load_put_obj(c, res, "workloads");
	i = 0;
	for (const cJSON *m = v->child; m; m = m->next, i++)
		if ((rc = load_get_workload(c, m, cfg, &cfg->workloads[i], r)))
			return rc;
	cfg->n_workloads = i;

	if ((rc = load_get_slo(c, load_member(root, "slo"), cfg, res)))
		return rc;

	return c->oom ? load_fail_oom(c) : PT_OK;
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
static int apply_set(struct load_ctx *c, cJSON *root, const char *path, cJSON *value)
{
	char buf[PATH_LEN], sofar[PATH_LEN] = "";
	char *seg = buf, *dot;
	cJSON *obj = root, *next;
	int depth = 0;

	drop_flat_slo(root, path);
	load_copy_str(buf, sizeof buf, path);
	for (; (dot = strchr(seg, '.')) != NULL; seg = dot + 1, depth++) {
		*dot = '\0';
		load_append(sofar, sizeof sofar, depth > 0 ? "." : "");
		load_append(sofar, sizeof sofar, seg);
		next = cJSON_GetObjectItemCaseSensitive(obj, seg);
		if (!next && depth == 1 &&
		    (strcmp(buf, "pools") == 0 || strcmp(buf, "workloads") == 0 ||
		     strcmp(buf, "replicas") == 0)) {
			char list[MSG_LEN / 2] = "";
			for (const cJSON *m = obj->child; m; m = m->next) {
				load_append(list, sizeof list, m == obj->child ? "" : ", ");
				load_append(list, sizeof list, m->string);
			}
			cJSON_Delete(value);
			if (!list[0])
				return load_fail(c, sofar, "unknown key (%s is empty)", buf);
			return load_fail(c, sofar, "unknown key (expected one of: %s)", list);
		}
		if (!next) {
			if (!(next = cJSON_AddObjectToObject(obj, seg))) {
				cJSON_Delete(value);
				return load_fail_oom(c);
			}
		} else if (!cJSON_IsObject(next)) {
			cJSON_Delete(value);
			return load_expected(c, sofar, next, "an object");
		}
		obj = next;
	}
	if (depth == 2 && strcmp(buf, "pools") == 0 && load_pool_key(seg) != seg) {
		/* --set pools.main.pool_size=20; pool_timeout=30 is seconds, as in the file */
		seg = (char *)load_pool_key(seg);
		if (cJSON_IsNumber(value) && (strcmp(seg, "timeout") == 0 ||
					      (strcmp(seg, "recycle") == 0 &&
					       value->valuedouble != -1))) {
			char b[NUM_LEN + 1];
			units_format_number(b, sizeof b - 1, value->valuedouble);
			load_append(b, sizeof b, "s");
			cJSON_Delete(value);
			if (!(value = cJSON_CreateString(b)))
				return load_fail_oom(c);
		}
	}
	if (cJSON_GetObjectItemCaseSensitive(obj, seg)
		    ? !cJSON_ReplaceItemInObjectCaseSensitive(obj, seg, value)
		    : !cJSON_AddItemToObject(obj, seg, value)) {
		cJSON_Delete(value);
		return load_fail_oom(c);
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
static int check_variants(struct load_ctx *c, const cJSON *vs, struct scenario_variant *out)
{
	char p[PATH_LEN], prefix[PATH_LEN], q[GOT_MAX + 8];
	int i = 0, rc;

	for (const cJSON *v = vs->child; v; v = v->next, i++) {
		const cJSON *name, *set;

		snprintf(p, sizeof p, "variants[%d]", i);
		if (!cJSON_IsObject(v))
			return load_expected(c, p, v, "an object {\"name\": ..., \"set\": {...}}");
		if ((rc = load_check_keys(c, v, p, variant_keys)))
			return rc;
		load_append(p, sizeof p, ".name");
		name = load_member(v, "name");
		if (!name)
			return load_fail(c, p, "required");
		if (!cJSON_IsString(name) || !name->valuestring[0] ||
		    strlen(name->valuestring) >= SCENARIO_VARIANT_NAME_MAX)
			return load_expected(c, p, name, "a non-empty string of at most %d bytes",
					     SCENARIO_VARIANT_NAME_MAX - 1);
		for (int j = 0; j < i; j++) {
			if (strcmp(out[j].name, name->valuestring) == 0) {
				char other[32];
				snprintf(other, sizeof other, "variants[%d]", j);
				return load_expected(c, p, name, "a name not used by an earlier variant "
						     "(%s has it)", other);
			}
		}
		load_copy_str(out[i].name, sizeof out[i].name, name->valuestring);

		load_quote(out[i].name, q, sizeof q);
		snprintf(prefix, sizeof prefix, "variants[%d] (%s).set", i, q);
		set = load_member(v, "set");
		if (set && !cJSON_IsObject(set))
			return load_expected(c, prefix, set, "an object mapping dotted paths such as "
					     "\"pools.main.size\" to values");
		for (const cJSON *m = set ? set->child : NULL; m; m = m->next) {
			if (!valid_set_path(m->string, strlen(m->string))) {
				load_quote(m->string, q, sizeof q);
				return load_fail(c, prefix, "expected %s, got %s", SET_PATH_WHAT, q);
			}
		}
	}
	return PT_OK;
}

/* Variant i: the base tree with the variant's set applied, validated into out->cfg. On error,
 * the prefix names the variant. */
static int load_variant(struct load_ctx *c, const cJSON *base, const cJSON *v, int i,
			const char *fallback_name, struct scenario_variant *out, char *prefix,
			size_t prefix_len)
{
	cJSON *tree = cJSON_Duplicate(base, 1);
	const cJSON *set = load_member(v, "set");
	char q[GOT_MAX + 8];
	int rc = PT_OK;

	load_quote(out->name, q, sizeof q);
	snprintf(prefix, prefix_len, "variants[%d] (%s).set: ", i, q);
	if (!tree)
		return load_fail_oom(c);
	for (const cJSON *m = set ? set->child : NULL; m && rc == PT_OK; m = m->next) {
		cJSON *value = cJSON_Duplicate(m, 1);
		rc = value ? apply_set(c, tree, m->string, value) : load_fail_oom(c);
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
	struct load_ctx c = {.oom = false, .file = path, .traces = NULL};
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

	if ((rc = load_read_file(path, &text, &len, &errnum))) {
		if (err && errlen > 0)
			snprintf(err, errlen, "%s: cannot read: %s", path, strerror(errnum));
		goto load_fail;
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
			goto load_fail;
		}
	}
	{
		char dpath[PATH_LEN] = "";
		if ((rc = load_check_duplicates(&c, root, dpath, sizeof dpath)))
			goto load_report;
	}
	if (!cJSON_IsObject(root)) {
		rc = load_expected(&c, "", root, "a JSON object at the top level");
		goto load_report;
	}
	variants = cJSON_DetachItemFromObjectCaseSensitive(root, "variants");
	if ((rc = load_rename_pool_aliases(&c, root)))
		goto load_report;

	/* command-line overrides, in order, on the base */
	for (int i = 0; i < n_sets; i++) {
		const char *eq = strchr(sets[i], '=');
		cJSON *value;

		snprintf(prefix, sizeof prefix, "--set %s: ", sets[i]);
		if (!eq) {
			rc = load_fail(&c, "", "expected path=value, such as pools.main.size=20");
			goto load_report;
		}
		load_copy_str(setpath, sizeof setpath, sets[i]);
		if ((size_t)(eq - sets[i]) < sizeof setpath)
			setpath[eq - sets[i]] = '\0';
		if (!valid_set_path(sets[i], (size_t)(eq - sets[i]))) {
			char q[GOT_MAX + 8];
			load_quote(setpath, q, sizeof q);
			rc = load_fail(&c, "", "expected %s, got %s", SET_PATH_WHAT, q);
			goto load_report;
		}
		/* the same rules as in the file: UTF-8, no NUL, no duplicate key */
		size_t slen = strlen(sets[i]);
		if (utf8_invalid_at((const unsigned char *)sets[i], slen) < slen) {
			rc = load_fail(&c, "", "expected UTF-8 text, got a byte sequence that is not");
			goto load_report;
		}
		if (nul_escape_at(eq + 1, strlen(eq + 1)) < strlen(eq + 1)) {
			rc = load_fail(&c, setpath, "expected a value without \\u0000 (a NUL character)");
			goto load_report;
		}
		/* the value is JSON when it parses as JSON, else a string: timeout=45s */
		value = cJSON_ParseWithOpts(eq + 1, NULL, 1);
		if (!value)
			value = cJSON_CreateString(eq + 1);
		if (!value) {
			rc = load_fail_oom(&c);
			goto load_report;
		}
		{
			char dpath[PATH_LEN];
			load_copy_str(dpath, sizeof dpath, setpath);
			if ((rc = load_check_duplicates(&c, value, dpath, sizeof dpath))) {
				cJSON_Delete(value);
				goto load_report;
			}
		}
		if ((rc = apply_set(&c, root, setpath, value)))
			goto load_report;
	}
	prefix[0] = '\0';

	default_name(path, defname, sizeof defname);
	if (!(res = cJSON_CreateObject())) {
		rc = load_fail_oom(&c);
		goto load_report;
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
		goto load_report;
	}

	if (!(sc = calloc(1, sizeof *sc))) {
		rc = load_fail_oom(&c);
		goto load_report;
	}
	{
		const cJSON *d = load_member(root, "description");
		sc->path = strdup(path);
		sc->description = strdup(d ? d->valuestring : "");
		memcpy(sc->sha256, hash, sizeof sc->sha256);
		if (!sc->path || !sc->description) {
			rc = load_fail_oom(&c);
			goto load_report;
		}
	}

	if (!variants) {
		sc->n_variants = 1;
		if (!(sc->variants = calloc(1, sizeof *sc->variants))) {
			rc = load_fail_oom(&c);
			goto load_report;
		}
		load_copy_str(sc->variants[0].name, sizeof sc->variants[0].name, "base");
		sc->variants[0].cfg = base_cfg;
	} else {
		int n = cJSON_IsArray(variants) ? cJSON_GetArraySize(variants) : 0, i = 0;
		if (!cJSON_IsArray(variants) || n == 0) {
			rc = load_expected(&c, "variants", variants, "a non-empty array of "
					   "{\"name\": ..., \"set\": {...}} objects");
			goto load_report;
		}
		if (!(sc->variants = calloc((size_t)n, sizeof *sc->variants))) {
			rc = load_fail_oom(&c);
			goto load_report;
		}
		sc->n_variants = n;
		if ((rc = check_variants(&c, variants, sc->variants)))
			goto load_report;
		for (const cJSON *v = variants->child; v; v = v->next, i++)
			if ((rc = load_variant(&c, root, v, i, defname, &sc->variants[i], prefix,
					       sizeof prefix)))
				goto load_report;
		prefix[0] = '\0';
		if (!(copy = load_copy_exact(variants)) || !cJSON_AddItemToObject(res, "variants", copy)) {
			cJSON_Delete(copy);
			rc = load_fail_oom(&c);
			goto load_report;
		}
	}

	if (!(printed = cJSON_Print(res))) {
		rc = load_fail_oom(&c);
		goto load_report;
	}
	sc->resolved_json = printed;
	sc->traces = c.traces;
	cJSON_Delete(res);
	cJSON_Delete(variants);
	cJSON_Delete(root);
	free(text);
	*out = sc;
	return PT_OK;

load_report:
	load_report(&c, path, prefix, err, errlen);
load_fail:
	scenario_destroy(sc);
	load_free_traces(c.traces);
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
	load_free_traces(sc->traces);
	free(sc);
}
