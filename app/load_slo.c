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
 * like load_check_keys), then the values by workload and by limit in slo_metrics() order, which is
 * also the order of cfg->slo, so neither the first error nor the cfg depends on the layout.
 * The resolved tree gets the nested form, with rates as fractions and waits in seconds. */
int load_get_slo(struct load_ctx *c, const cJSON *v, struct cfg_scenario *cfg, cJSON *res)
{
	const char *const *names = slo_metrics();
	char p[PATH_LEN], q[PATH_LEN], list[MSG_LEN / 2];
	cJSON *r = load_put_obj(c, res, "slo");
	int n = 0;

	cfg->n_slo = 0;
	if (!v)
		return PT_OK;
	if (!cJSON_IsObject(v))
		return load_expected(c, "slo", v, SLO_WHAT);

	for (const cJSON *m = v->child; m; m = m->next) {
		const char *dot = strchr(m->string, '.');
		char wname[PATH_LEN];

		load_copy_str(wname, sizeof wname, m->string);
		if (dot && (size_t)(dot - m->string) < sizeof wname)
			wname[dot - m->string] = '\0';
		load_join(p, sizeof p, "slo", wname);
		if (find_workload(cfg, wname) < 0) {
			list[0] = '\0';
			for (int i = 0; i < cfg->n_workloads; i++) {
				load_append(list, sizeof list, i > 0 ? ", " : "");
				load_append(list, sizeof list, cfg->workloads[i].name);
			}
			return load_fail(c, p, "unknown workload (expected one of: %s)", list);
		}
		load_join_list(list, sizeof list, names);
		/* Every limit is a request metric: on a batch workload each verdict would stay
		 * "inconclusive" for ever (no estimate), so refuse it here. */
		if (cfg->workloads[find_workload(cfg, wname)].kind != CFG_WORKLOAD_REQUESTS)
			return load_fail(c, p, "a batch workload has no SLO limits (%s apply to request "
					 "workloads)", list);
		if (dot) {
			if (!is_slo_metric(dot + 1)) {
				load_join(p, sizeof p, "slo", m->string);
				return load_fail(c, p, "unknown limit (expected one of: %s)", list);
			}
			continue;
		}
		if (!cJSON_IsObject(m))
			return load_expected(c, p, m, SLO_LIMITS_WHAT);
		for (const cJSON *l = m->child; l; l = l->next) {
			if (cJSON_IsObject(l) && strchr(l->string, '.') == NULL) {
				/* {"worst_5m": {"failure_rate": ...}}: a window's limits nested
				 * (what --set slo.api.worst_5m.failure_rate=1% builds) */
				for (const cJSON *x = l->child; x; x = x->next) {
					char full[PATH_LEN];
					load_join(full, sizeof full, l->string, x->string);
					if (!is_slo_metric(full)) {
						load_join(q, sizeof q, p, full);
						return load_fail(c, q, "unknown limit (expected one of: %s)",
								 list);
					}
				}
				continue;
			}
			if (!is_slo_metric(l->string)) {
				load_join(q, sizeof q, p, l->string);
				return load_fail(c, q, "unknown limit (expected one of: %s)", list);
			}
		}
	}

	for (int w = 0; w < cfg->n_workloads; w++) {
		const char *wname = cfg->workloads[w].name;
		const cJSON *nested = load_member(v, wname);
		cJSON *rw = NULL;

		for (int k = 0; names[k]; k++) {
			const cJSON *flat, *inner = nested ? load_member(nested, names[k]) : NULL, *val;
			const char *dot = strchr(names[k], '.');
			if (!inner && nested && dot) {
				char win[PATH_LEN];
				load_copy_str(win, sizeof win, names[k]);
				win[dot - names[k]] = '\0';
				const cJSON *wo = load_member(nested, win);
				inner = cJSON_IsObject(wo) ? load_member(wo, dot + 1) : NULL;
			}
			char key[PATH_LEN];
			double limit;
			bool rate = strcmp(metric_find(names[k])->unit, "s") != 0;

			load_join(key, sizeof key, wname, names[k]);
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
				load_copy_str(s->metric, sizeof s->metric, names[k]);
				s->limit = limit;
			}
			n++;
			if (!rw)
				rw = load_put_obj(c, r, wname);
			if (rate)
				load_put_num(c, rw, names[k], limit);
			else
				load_put_dur(c, rw, names[k], limit);
		}
	}
	if (n > CFG_MAX_SLO)
		return load_fail(c, "slo", "expected at most %d limits, got %d", CFG_MAX_SLO, n);
	cfg->n_slo = n;
	return PT_OK;
}
