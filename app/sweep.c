#include "app/sweep.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app/results.h"
#include "models/budget.h"
#include "models/slo.h"
#include "models/summary.h"
#include "sim/status.h"

int sweep_parse_axis(const char *arg, struct sweep_axis *ax, char *err, size_t errlen)
{
	memset(ax, 0, sizeof *ax);
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1]) {
		snprintf(err, errlen, "--vary expects PATH=V1,V2,..., such as "
				      "pools.main.size=10,20,30, got '%s'", arg);
		return PT_EINVAL;
	}
	size_t plen = (size_t)(eq - arg);
	if (plen >= sizeof ax->path) {
		snprintf(err, errlen, "--vary: path too long in '%s'", arg);
		return PT_EINVAL;
	}
	memcpy(ax->path, arg, plen);
	for (const char *p = eq + 1;;) {
		const char *comma = strchr(p, ',');
		size_t len = comma ? (size_t)(comma - p) : strlen(p);
		if (len == 0 || len >= SWEEP_VALUE_MAX) {
			snprintf(err, errlen, "--vary %s: expected values separated by commas, each 1 to "
					      "%d characters, got '%s'", ax->path, SWEEP_VALUE_MAX - 1, eq + 1);
			return PT_EINVAL;
		}
		if (ax->n == SWEEP_MAX_VALUES) {
			snprintf(err, errlen, "--vary %s: at most %d values", ax->path, SWEEP_MAX_VALUES);
			return PT_EINVAL;
		}
		memcpy(ax->values[ax->n], p, len);
		ax->values[ax->n][len] = 0;
		ax->n++;
		if (!comma)
			break;
		p = comma + 1;
	}
	return PT_OK;
}

/* The last component of a dotted path: "pools.main.size" -> "size". */
static const char *short_name(const char *path)
{
	const char *dot = strrchr(path, '.');
	return dot ? dot + 1 : path;
}

/* The loader names an override "--set PATH=VALUE"; an axis's value came from --vary, so say
 * so (the user never typed that --set). */
static void vary_not_set(char *err, size_t errlen,
			 char (*axis_sets)[SWEEP_PATH_MAX + SWEEP_VALUE_MAX + 2], int n_axes)
{
	for (int a = 0; a < n_axes; a++) {
		char from[SWEEP_PATH_MAX + SWEEP_VALUE_MAX + 16];
		snprintf(from, sizeof from, "--set %s: ", axis_sets[a]);
		char *at = strstr(err, from);
		if (at && strlen(err) + 2 < errlen) {
			/* "--set " -> "--vary ": one byte longer */
			memmove(at + 7, at + 6, strlen(at + 6) + 1);
			memcpy(at, "--vary ", 7);
			return;
		}
	}
}

/* The axis value indices of grid point k (first axis slowest). */
static void point_indices(const struct sweep *sw, int k, int *idx)
{
	for (int a = sw->n_axes - 1; a >= 0; a--) {
		idx[a] = k % sw->axes[a].n;
		k /= sw->axes[a].n;
	}
}

int sweep_load(struct sweep *sw, const char *path, const char *const *sets, int n_sets,
	       const char *variant, char *err, size_t errlen)
{
	int n = 1;
	for (int a = 0; a < sw->n_axes; a++)
		n *= sw->axes[a].n;
	if (sw->n_axes == 0 || n > SWEEP_MAX_POINTS) {
		snprintf(err, errlen, "sweep: expected 1 to %d axes (--vary) making at most %d "
				      "points, got %d axes and %d points",
			 SWEEP_MAX_AXES, SWEEP_MAX_POINTS, sw->n_axes, n);
		return PT_EINVAL;
	}
	sw->n_points = n;
	sw->loads = calloc((size_t)n, sizeof *sw->loads);
	const char **all = calloc((size_t)(n_sets + sw->n_axes), sizeof *all);
	char (*buf)[SWEEP_PATH_MAX + SWEEP_VALUE_MAX + 2] = calloc((size_t)sw->n_axes, sizeof *buf);
	struct scenario_variant *points = calloc((size_t)n, sizeof *points);
	int st = PT_ENOMEM;
	if (!sw->loads || !all || !buf || !points)
		goto fail;
	for (int i = 0; i < n_sets; i++)
		all[i] = sets[i];
	for (int k = 0; k < n; k++) {
		int idx[SWEEP_MAX_AXES];
		point_indices(sw, k, idx);
		char *name = points[k].name;
		size_t used = 0;
		name[0] = 0;
		for (int a = 0; a < sw->n_axes; a++) {
			const struct sweep_axis *ax = &sw->axes[a];
			snprintf(buf[a], sizeof buf[a], "%s=%s", ax->path, ax->values[idx[a]]);
			all[n_sets + a] = buf[a];
			int w = snprintf(name + used, sizeof points[k].name - used, "%s%s=%s",
					 a ? " " : "", short_name(ax->path), ax->values[idx[a]]);
			if (w > 0 && used + (size_t)w < sizeof points[k].name)
				used += (size_t)w;
		}
		st = scenario_load(&sw->loads[k], path, all, n_sets + sw->n_axes, err, errlen);
		if (st) {
			vary_not_set(err, errlen, buf, sw->n_axes);
			goto fail;
		}
		const struct scenario *ld = sw->loads[k];
		int v = 0;
		if (variant) {
			for (v = 0; v < ld->n_variants; v++)
				if (strcmp(ld->variants[v].name, variant) == 0)
					break;
			if (v == ld->n_variants) {
				snprintf(err, errlen, "--variant: %s has no variant named '%s'", ld->path,
					 variant);
				st = PT_EINVAL;
				goto fail;
			}
		}
		points[k].cfg = ld->variants[v].cfg;
		/* Memory follows the grid: a load is kept only when the point's cfg points into it
		 * (its traces); the first is kept as the grid itself. */
		if (k > 0 && !ld->traces) {
			scenario_destroy(sw->loads[k]);
			sw->loads[k] = NULL;
		}
	}
	/* An axis must change the configuration (a variant that sets the same path itself would
	 * silently undo it): the first point against its neighbour along each axis. */
	for (int a = 0, stride = n; a < sw->n_axes; a++) {
		stride /= sw->axes[a].n;
		if (sw->axes[a].n > 1 &&
		    memcmp(&points[0].cfg, &points[stride].cfg, sizeof points[0].cfg) == 0) {
			snprintf(err, errlen, "--vary %s: the values change nothing in the configuration "
					      "(does the variant set %s itself?)",
				 sw->axes[a].path, sw->axes[a].path);
			st = PT_EINVAL;
			goto fail;
		}
	}
	/* The grid: the first load, its variants replaced by the points. */
	sw->grid = sw->loads[0];
	free(sw->grid->variants);
	sw->grid->variants = points;
	sw->grid->n_variants = n;
	points = NULL;
	st = PT_OK;
fail:
	free(points);
	free(buf);
	free(all);
	if (st)
		sweep_fini(sw);
	return st;
}

void sweep_fini(struct sweep *sw)
{
	if (sw->loads)
		for (int k = 0; k < sw->n_points; k++)
			scenario_destroy(sw->loads[k]);
	free(sw->loads);
	sw->loads = NULL;
	sw->grid = NULL;
}

/* The sum of a point's numeric axis values; non-numeric values count 0. */
static double point_size(const struct sweep *sw, int k)
{
	int idx[SWEEP_MAX_AXES];
	point_indices(sw, k, idx);
	double sum = 0;
	for (int a = 0; a < sw->n_axes; a++) {
		char *end;
		double x = strtod(sw->axes[a].values[idx[a]], &end);
		if (end != sw->axes[a].values[idx[a]] && isfinite(x))
			sum += x;
	}
	return sum;
}

void sweep_failed_limits(const struct cfg_scenario *c, const struct slo_result *res, char *buf,
			 size_t n)
{
	buf[0] = 0;
	for (int i = 0; i < c->n_slo; i++) {
		if (res[i].verdict != SLO_FAIL)
			continue;
		size_t at = strlen(buf);
		snprintf(buf + at, n - at, "%s%s.%s", at ? " " : "", c->workloads[res[i].slo.workload].name,
			 res[i].slo.metric);
	}
}

bool sweep_axis_is_capacity(const char *path)
{
	/* pool_size: SQLAlchemy's name for size, which scenario files accept */
	static const char *const caps[] = {"size", "pool_size", "max_overflow", "workers",
					   "processes", "cores", "max_connections", NULL};
	const char *last = strrchr(path, '.');
	last = last ? last + 1 : path;
	if (strncmp(path, "users.", 6) == 0 || strncmp(path, "slo.", 4) == 0)
		return false;
	for (int i = 0; caps[i]; i++)
		if (strcmp(last, caps[i]) == 0)
			return true;
	return false;
}

bool sweep_all_capacity(const struct sweep *sw)
{
	for (int a = 0; a < sw->n_axes; a++)
		if (!sweep_axis_is_capacity(sw->axes[a].path))
			return false;
	return true;
}

bool sweep_point_over_budget(const struct sweep *sw, int k)
{
	return budget_any_exceeded(&sw->grid->variants[k].cfg);
}

int sweep_smallest_passing(const struct sweep *sw, const struct experiment *ex)
{
	int best = -1;
	if (!sweep_all_capacity(sw))
		return -1;
	for (int k = 0; k < sw->n_points; k++) {
		const struct cfg_scenario *c = &sw->grid->variants[k].cfg;
		if (c->n_slo == 0)
			return -1;
		if (sweep_point_over_budget(sw, k))
			continue;
		struct slo_result res[CFG_MAX_SLO];
		if (slo_evaluate_aggregate(experiment_aggregate(ex, k), c, res) != SLO_PASS)
			continue;
		if (best < 0 || point_size(sw, k) < point_size(sw, best))
			best = k;
	}
	return best;
}

void sweep_write_csv(FILE *out, const struct sweep *sw, const struct experiment *ex)
{
	const struct cfg_scenario *base = &sw->grid->variants[0].cfg;
	static const char *const metrics[] = {"failure_rate", "wait_p99"};
	for (int a = 0; a < sw->n_axes; a++) {
		results_csv_field(out, sw->axes[a].path);
		fputc(',', out);
	}
	for (int w = 0; w < base->n_workloads; w++) {
		if (base->workloads[w].kind != CFG_WORKLOAD_REQUESTS)
			continue;
		for (int m = 0; m < 2; m++)
			fprintf(out, "%s.%s,%s.%s_ci_low,%s.%s_ci_high,", base->workloads[w].name,
				metrics[m], base->workloads[w].name, metrics[m],
				base->workloads[w].name, metrics[m]);
	}
	fputs("slo,failed_limits,over_budget,replications\n", out);
	for (int k = 0; k < sw->n_points; k++) {
		int idx[SWEEP_MAX_AXES];
		point_indices(sw, k, idx);
		for (int a = 0; a < sw->n_axes; a++) {
			results_csv_field(out, sw->axes[a].values[idx[a]]);
			fputc(',', out);
		}
		for (int w = 0; w < base->n_workloads; w++) {
			if (base->workloads[w].kind != CFG_WORKLOAD_REQUESTS)
				continue;
			for (int m = 0; m < 2; m++) {
				struct estimate e;
				aggregate_estimate(experiment_aggregate(ex, k), metric_find(metrics[m]), w, &e);
				results_csv_number(out, e.mean);
				fputc(',', out);
				results_csv_number(out, e.lo);
				fputc(',', out);
				results_csv_number(out, e.hi);
				fputc(',', out);
			}
		}
		const struct cfg_scenario *c = &sw->grid->variants[k].cfg;
		char failed[512] = "";
		if (c->n_slo) {
			struct slo_result res[CFG_MAX_SLO];
			fputs(slo_verdict_name(
				      slo_evaluate_aggregate(experiment_aggregate(ex, k), c, res)),
			      out);
			sweep_failed_limits(c, res, failed, sizeof failed);
		}
		fputc(',', out);
		results_csv_field(out, failed);
		fprintf(out, ",%d,%d\n", sweep_point_over_budget(sw, k) ? 1 : 0,
			experiment_aggregate(ex, k)->nrep);
	}
}
