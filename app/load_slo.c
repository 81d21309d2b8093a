/* The scenario loader's service-level objectives: "slo.WORKLOAD" objects of limits (failure
 * and timeout rates, wait quantiles, worst windows, batch metrics), checked against the
 * metrics that apply to the workload's type.
 *
 * Not here: judging a result against them (models/slo.c). */
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

#include "models/slo.h"
#include "models/summary.h"

/* Index of the workload called name, or -1. */
static int find_workload(const struct cfg_scenario *cfg, const char *name)
{
	for (int i = 0; i < cfg->n_workloads; i++)
		if (strcmp(cfg->workloads[i].name, name) == 0)
			return i;
	return -1;
}

#define WINDOW_WHAT "a window length or a list of 1 to 3 different ones, each a duration in " \
	"whole seconds from 1s to 1h, such as [\"1m\", \"5m\"]"

/* The limits a request workload may have, in the order of cfg->slo: slo_metrics(), then for
 * each of its window lengths worst_<length>.failure_rate and worst_<length>.wait_p99; and
 * the name of each in models/summary.h's table. */
#define N_NAMES (16 + 2 * CFG_MAX_WINDOWS)
struct limit_names {
	char buf[N_NAMES][CFG_SLO_METRIC_MAX];
	char table[N_NAMES][CFG_SLO_METRIC_MAX];
	const char *v[N_NAMES + 1];
	int n;
};

static void limit_names(const struct cfg_requests *rq, struct limit_names *o)
{
	const char *const *base = slo_metrics(), *const *win = slo_window_metrics();
	o->n = 0;
	for (int k = 0; base[k] && o->n < N_NAMES; k++, o->n++) {
		load_copy_str(o->buf[o->n], CFG_SLO_METRIC_MAX, base[k]);
		load_copy_str(o->table[o->n], CFG_SLO_METRIC_MAX, base[k]);
	}
	for (int i = 0; i < rq->n_windows; i++) {
		char label[24];
		metric_window_label(rq->windows_s[i], label, sizeof label);
		for (int k = 0; win[k] && o->n < N_NAMES; k++, o->n++) {
			snprintf(o->buf[o->n], CFG_SLO_METRIC_MAX, "worst_%s.%s", label, win[k]);
			snprintf(o->table[o->n], CFG_SLO_METRIC_MAX, "window%d.%s", i + 1, win[k]);
		}
	}
	for (int k = 0; k < o->n; k++)
		o->v[k] = o->buf[k];
	o->v[o->n] = NULL;
}

static bool is_limit(const struct limit_names *ln, const char *name)
{
	return load_find_name(ln->v, name) >= 0;
}

/* One window length at path: whole seconds in [CFG_WINDOW_MIN_S, CFG_WINDOW_MAX_S]. */
static int window_length(struct load_ctx *c, const char *path, const cJSON *v, double *out)
{
	double s;
	if (load_to_duration(v, &s) != PT_OK || !(s >= CFG_WINDOW_MIN_S && s <= CFG_WINDOW_MAX_S) ||
	    s != floor(s))
		return load_expected(c, path, v, WINDOW_WHAT);
	*out = s;
	return PT_OK;
}

/* slo.WORKLOAD.window (or "WORKLOAD.window"): the lengths of the workload's worst windows,
 * replacing the default 1 and 5 minutes; into rq and, as given, into the resolved tree. */
static int get_windows(struct load_ctx *c, const cJSON *v, const char *path,
		       struct cfg_requests *rq, cJSON *res)
{
	double len[CFG_MAX_WINDOWS];
	int n = 0, st;
	if (cJSON_IsArray(v)) {
		int size = cJSON_GetArraySize(v);
		if (size < 1 || size > CFG_MAX_WINDOWS)
			return load_expected(c, path, v, WINDOW_WHAT);
		for (const cJSON *e = v->child; e; e = e->next, n++) {
			char q[PATH_LEN];
			load_element(q, sizeof q, path, n);
			if ((st = window_length(c, q, e, &len[n])))
				return st;
			for (int i = 0; i < n; i++)
				if (len[i] == len[n])
					return load_fail(c, q, "the length %gs is given twice (expected "
							 "different window lengths)", len[n]);
		}
	} else {
		if ((st = window_length(c, path, v, &len[0])))
			return st;
		n = 1;
	}
	rq->n_windows = n;
	cJSON *arr = load_put_arr(c, res, "window");
	for (int i = 0; i < n; i++) {
		rq->windows_s[i] = len[i];
		char d[32];
		snprintf(d, sizeof d, "%.0fs", len[i]); /* as load_put_dur writes a duration */
		cJSON *e = arr ? cJSON_CreateString(d) : NULL;
		if (arr && (!e || !cJSON_AddItemToArray(arr, e))) {
			cJSON_Delete(e);
			c->oom = true;
		}
	}
	return PT_OK;
}

/* "slo": upper bounds on workload metrics, in two forms that may be mixed,
 *   {"api": {"timeout_rate": 0.001, "wait_p99": "100ms"}}   and
 *   {"api.timeout_rate": 0.001, "api.wait_p99": "100ms"}     (DESIGN.md section 3);
 * either way a limit's path is slo.api.timeout_rate. Keys are checked first (in file order,
 * like load_check_keys), then the values by workload and by limit in slo_metrics() order, which is
 * also the order of cfg->slo, so neither the first error nor the cfg depends on the layout.
 * The resolved tree gets the nested form, with rates as fractions and waits in seconds. */
int load_get_slo(struct load_ctx *c, const cJSON *v, struct cfg_scenario *cfg, cJSON *res)
{
	char p[PATH_LEN], q[PATH_LEN], list[MSG_LEN / 2];
	cJSON *r = load_put_obj(c, res, "slo");
	cJSON *rws[CFG_MAX_WORKLOADS] = {NULL};
	int n = 0, st;

	cfg->n_slo = 0;
	if (!v)
		return PT_OK;
	if (!cJSON_IsObject(v))
		return load_expected(c, "slo", v, SLO_WHAT);

	/* The window lengths first: the names of a workload's window limits follow them. */
	for (int w = 0; w < cfg->n_workloads; w++) {
		const char *wname = cfg->workloads[w].name;
		const cJSON *nested = load_member(v, wname), *flat, *inner;
		char key[PATH_LEN];
		if (cfg->workloads[w].kind != CFG_WORKLOAD_REQUESTS)
			continue;
		load_join(key, sizeof key, wname, "window");
		flat = load_member(v, key);
		inner = cJSON_IsObject(nested) ? load_member(nested, "window") : NULL;
		if (!flat && !inner)
			continue;
		load_join(p, sizeof p, "slo", key);
		if (flat && inner)
			return load_fail(c, p, "duplicate window (given both as \"%s\" and inside "
					 "\"%s\")", key, wname);
		rws[w] = load_put_obj(c, r, wname);
		if ((st = get_windows(c, flat ? flat : inner, p, &cfg->workloads[w].req, rws[w])))
			return st;
	}

	for (const cJSON *m = v->child; m; m = m->next) {
		const char *dot = strchr(m->string, '.');
		char wname[PATH_LEN];
		struct limit_names ln;

		load_copy_str(wname, sizeof wname, m->string);
		if (dot && (size_t)(dot - m->string) < sizeof wname)
			wname[dot - m->string] = '\0';
		load_join(p, sizeof p, "slo", wname);
		int w = find_workload(cfg, wname);
		if (w < 0) {
			list[0] = '\0';
			for (int i = 0; i < cfg->n_workloads; i++) {
				load_append(list, sizeof list, i > 0 ? ", " : "");
				load_append(list, sizeof list, cfg->workloads[i].name);
			}
			return load_fail(c, p, "unknown workload (expected one of: %s)", list);
		}
		if (cfg->workloads[w].kind != CFG_WORKLOAD_REQUESTS) {
			/* Every limit is a request metric: on a batch workload each verdict would
			 * stay "inconclusive" for ever (no estimate), so refuse it here. The list
			 * names the windows of the default lengths. */
			struct cfg_requests def;
			cfg_requests_defaults(&def);
			limit_names(&def, &ln);
			load_join_list(list, sizeof list, ln.v);
			return load_fail(c, p, "a batch workload has no SLO limits (%s apply to request "
					 "workloads)", list);
		}
		limit_names(&cfg->workloads[w].req, &ln);
		load_join_list(list, sizeof list, ln.v);
		if (dot) {
			if (strcmp(dot + 1, "window") != 0 && !is_limit(&ln, dot + 1)) {
				load_join(p, sizeof p, "slo", m->string);
				return load_fail(c, p, "unknown limit (expected one of: %s)", list);
			}
			continue;
		}
		if (!cJSON_IsObject(m))
			return load_expected(c, p, m, SLO_LIMITS_WHAT);
		for (const cJSON *l = m->child; l; l = l->next) {
			if (strcmp(l->string, "window") == 0)
				continue;
			if (cJSON_IsObject(l) && strchr(l->string, '.') == NULL) {
				/* {"worst_5m": {"failure_rate": ...}}: a window's limits nested
				 * (what --set slo.api.worst_5m.failure_rate=1% builds) */
				for (const cJSON *x = l->child; x; x = x->next) {
					char full[PATH_LEN];
					load_join(full, sizeof full, l->string, x->string);
					if (!is_limit(&ln, full)) {
						load_join(q, sizeof q, p, full);
						return load_fail(c, q, "unknown limit (expected one of: %s)",
								 list);
					}
				}
				continue;
			}
			if (!is_limit(&ln, l->string)) {
				load_join(q, sizeof q, p, l->string);
				return load_fail(c, q, "unknown limit (expected one of: %s)", list);
			}
		}
	}

	for (int w = 0; w < cfg->n_workloads; w++) {
		const char *wname = cfg->workloads[w].name;
		const cJSON *nested = load_member(v, wname);
		cJSON *rw = rws[w];
		struct limit_names ln;

		if (cfg->workloads[w].kind != CFG_WORKLOAD_REQUESTS)
			continue;
		limit_names(&cfg->workloads[w].req, &ln);
		for (int k = 0; k < ln.n; k++) {
			const char *name = ln.v[k];
			const cJSON *flat, *inner = nested ? load_member(nested, name) : NULL, *val;
			const char *dot = strchr(name, '.');
			if (!inner && nested && dot) {
				char win[PATH_LEN];
				load_copy_str(win, sizeof win, name);
				win[dot - name] = '\0';
				const cJSON *wo = load_member(nested, win);
				inner = cJSON_IsObject(wo) ? load_member(wo, dot + 1) : NULL;
			}
			char key[PATH_LEN];
			double limit;
			bool rate = strcmp(metric_find(ln.table[k])->unit, "s") != 0;

			load_join(key, sizeof key, wname, name);
			flat = load_member(v, key);
			if (!flat && !inner)
				continue;
			load_join(p, sizeof p, "slo", key);
			if (flat && inner)
				return load_fail(c, p, "duplicate limit (given both as \"%s\" and inside "
						 "\"%s\")", key, wname);
			val = flat ? flat : inner;
			if (rate ? load_to_fraction(val, &limit) != PT_OK
				 : load_to_duration(val, &limit) != PT_OK)
				return load_expected(c, p, val, "%s", rate ? FRACTION_WHAT : DURATION_WHAT);
			if (n < CFG_MAX_SLO) {
				struct cfg_slo *s = &cfg->slo[n];
				s->workload = w;
				load_copy_str(s->metric, sizeof s->metric, name);
				load_copy_str(s->table, sizeof s->table, ln.table[k]);
				s->limit = limit;
			}
			n++;
			if (!rw)
				rw = rws[w] = load_put_obj(c, r, wname);
			if (rate)
				load_put_num(c, rw, name, limit);
			else
				load_put_dur(c, rw, name, limit);
		}
	}
	if (n > CFG_MAX_SLO)
		return load_fail(c, "slo", "expected at most %d limits, got %d", CFG_MAX_SLO, n);
	cfg->n_slo = n;
	return PT_OK;
}
