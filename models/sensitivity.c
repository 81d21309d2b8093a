#include "models/sensitivity.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/aggregate.h"
#include "sim/stats.h"
#include "sim/status.h"

/* The holds of a configuration: every distribution of work done while a connection is held
 * (the header says which and why the others are not). */
static int holds(struct cfg_scenario *sc, struct dist **d, int max)
{
	int n = 0;
	for (int w = 0; w < sc->n_workloads; w++) {
		struct cfg_workload *wl = &sc->workloads[w];
		if (wl->kind == CFG_WORKLOAD_REQUESTS && n + 2 <= max) {
			d[n++] = &wl->req.db_time;
			d[n++] = &wl->req.app_time;
		} else if (wl->kind == CFG_WORKLOAD_BATCH && n + 1 <= max) {
			d[n++] = &wl->batch.per_record;
		}
	}
	return n;
}

/* Every arrival process of a configuration. */
static int arrivals(struct cfg_scenario *sc, struct cfg_arrival **a)
{
	int n = 0;
	for (int w = 0; w < sc->n_workloads; w++) {
		struct cfg_workload *wl = &sc->workloads[w];
		a[n++] = wl->kind == CFG_WORKLOAD_REQUESTS ? &wl->req.arrival : &wl->batch.records;
	}
	return n;
}

int sensitivity_scale(struct sensitivity_config *out, const struct cfg_scenario *base,
		      enum sensitivity_input in, double factor)
{
	struct dist *d[2 * CFG_MAX_WORKLOADS];
	struct cfg_arrival *a[CFG_MAX_WORKLOADS];

	out->owned = NULL;
	if (!(factor > 0) || !isfinite(factor))
		return PT_EINVAL;
	out->cfg = *base;
	int nd = holds(&out->cfg, d, 2 * CFG_MAX_WORKLOADS);
	int na = arrivals(&out->cfg, a);
	/* One block for every copied array: empirical values and trace holds (holds), or
	 * compressed traces (rates). */
	size_t need = 0;
	if (in == SENSITIVITY_HOLDS) {
		for (int i = 0; i < nd; i++)
			need += dist_scale_len(d[i]);
		for (int i = 0; i < na; i++)
			need += a[i]->trace_hold ? a[i]->trace_n : 0;
	} else {
		for (int i = 0; i < na; i++)
			need += a[i]->trace_n;
	}
	double *buf = NULL;
	if (need > 0 && !(buf = malloc(need * sizeof *buf)))
		return PT_ENOMEM;
	size_t at = 0;
	int st = PT_OK;
	if (in == SENSITIVITY_HOLDS) {
		for (int i = 0; !st && i < nd; i++) {
			st = dist_scale(d[i], d[i], factor, buf ? buf + at : NULL);
			at += dist_scale_len(d[i]);
		}
		for (int i = 0; !st && i < na; i++) {
			if (!a[i]->trace_hold)
				continue;
			double *h = buf + at;
			for (size_t k = 0; k < a[i]->trace_n; k++) {
				/* NAN: that arrival's hold is drawn from db_time (scaled above) */
				h[k] = a[i]->trace_hold[k] * factor;
				if (isinf(h[k]))
					st = PT_EINVAL;
			}
			a[i]->trace_hold = h;
			at += a[i]->trace_n;
		}
	} else {
		for (int i = 0; !st && i < na; i++) {
			struct cfg_arrival *ar = a[i];
			ar->rate_per_s *= factor;
			for (int k = 0; k < ar->n_profile; k++)
				ar->profile[k].rate_per_s *= factor;
			if (!isfinite(ar->rate_per_s))
				st = PT_EINVAL;
			for (int k = 0; k < ar->n_profile; k++)
				if (!isfinite(ar->profile[k].rate_per_s))
					st = PT_EINVAL;
			if (ar->trace_n == 0)
				continue;
			/* division keeps the order (t_i <= t_j gives t_i / f <= t_j / f) */
			double *t = buf + at;
			for (size_t k = 0; k < ar->trace_n; k++)
				t[k] = ar->trace_t[k] / factor;
			ar->trace_t = t;
			at += ar->trace_n;
		}
	}
	if (st) {
		free(buf);
		return st;
	}
	out->owned = buf;
	return PT_OK;
}

void sensitivity_config_fini(struct sensitivity_config *s)
{
	if (!s)
		return;
	free(s->owned);
	s->owned = NULL;
}

const char *sensitivity_input_key(enum sensitivity_input in)
{
	return in == SENSITIVITY_HOLDS ? "holds" : "rates";
}

const char *sensitivity_input_label(enum sensitivity_input in)
{
	return in == SENSITIVITY_HOLDS ? "10 % longer transactions (every hold time x1.1)"
				       : "10 % more traffic (every arrival rate x1.1)";
}

static const char *const request_metrics[SENSITIVITY_METRICS] = {"failure_rate", "wait_p99"};
static const char *const batch_metrics[SENSITIVITY_METRICS] = {"failed_batch_rate", "lag_max"};

int sensitivity_values_init(struct sensitivity_values *sv, const struct cfg_scenario *sc)
{
	sv->nrep = sc->replications;
	sv->n_workloads = sc->n_workloads;
	for (int w = 0; w < sc->n_workloads; w++) {
		bool req = sc->workloads[w].kind == CFG_WORKLOAD_REQUESTS;
		for (int k = 0; k < SENSITIVITY_METRICS; k++)
			sv->m[w][k] = metric_find(req ? request_metrics[k] : batch_metrics[k]);
	}
	size_t n = (size_t)sv->nrep * (size_t)sv->n_workloads * SENSITIVITY_METRICS;
	sv->v = malloc((n ? n : 1) * sizeof *sv->v);
	if (!sv->v)
		return PT_ENOMEM;
	for (size_t i = 0; i < n; i++)
		sv->v[i] = NAN;
	return PT_OK;
}

void sensitivity_values_fini(struct sensitivity_values *sv)
{
	if (!sv)
		return;
	free(sv->v);
	sv->v = NULL;
}

static double *value_at(const struct sensitivity_values *sv, int rep, int w, int k)
{
	return &sv->v[((size_t)rep * (size_t)sv->n_workloads + (size_t)w) * SENSITIVITY_METRICS +
		      (size_t)k];
}

void sensitivity_values_on_result(void *ctx, int rep, const struct model_result *r)
{
	struct sensitivity_values *sv = ctx;
	if (!r || rep < 0 || rep >= sv->nrep) /* NULL: a failed replication */
		return;
	for (int w = 0; w < sv->n_workloads; w++)
		for (int k = 0; k < SENSITIVITY_METRICS; k++)
			*value_at(sv, rep, w, k) = sv->m[w][k]->get(r, w);
}

int sensitivity_run_paired(struct sensitivity *s, const struct cfg_scenario *base,
			   const struct aggregate *base_agg,
			   const struct sensitivity_values *base_values, double factor,
			   int threads, const struct experiment_backend *backend,
			   runner_progress_fn progress, void *pctx)
{
	struct sensitivity_config sc[SENSITIVITY_INPUTS] = {{.owned = NULL}};
	struct sensitivity_values vals[SENSITIVITY_INPUTS] = {{.v = NULL}};
	struct model_hooks hooks[SENSITIVITY_INPUTS];
	struct experiment ex = {0};
	int st;

	memset(s, 0, sizeof *s);
	memset(hooks, 0, sizeof hooks);
	s->factor = factor;
	s->nrep = base->replications;
	s->extra_replications = SENSITIVITY_INPUTS * base->replications;
	const struct cfg_scenario *cfgs[SENSITIVITY_INPUTS];
	for (int i = 0; i < SENSITIVITY_INPUTS; i++) {
		st = sensitivity_scale(&sc[i], base, (enum sensitivity_input)i, factor);
		if (st == PT_EINVAL) { /* a value 1.1 times larger overflows: say so */
			s->status = st;
			snprintf(s->failure, sizeof s->failure,
				 "a value %g times larger is not a finite number", factor);
			st = PT_OK;
			goto out;
		}
		if (st || (st = sensitivity_values_init(&vals[i], base)))
			goto out;
		cfgs[i] = &sc[i].cfg;
		hooks[i].on_result = sensitivity_values_on_result;
		hooks[i].result_ctx = &vals[i];
	}
	st = experiment_run_on(&ex, SENSITIVITY_INPUTS, cfgs, threads, hooks, backend, progress,
			       pctx);
	if (st) {
		s->status = st;
		if (ex.failed >= 0 && ex.failure[0]) /* which perturbation, and what happened */
			snprintf(s->failure, sizeof s->failure, "with %s, %s",
				 sensitivity_input_label(
					 (enum sensitivity_input)experiment_task_variant(&ex, ex.failed)),
				 ex.failure);
		else
			snprintf(s->failure, sizeof s->failure, "%s", pt_strerror(st));
		if (st != PT_ENOMEM)
			st = PT_OK;
		goto out;
	}
	for (int w = 0; w < base->n_workloads; w++) {
		struct sensitivity_workload *sw = &s->workloads[s->n_workloads++];
		sw->workload = w;
		for (int k = 0; k < SENSITIVITY_METRICS; k++) {
			struct sensitivity_metric *sm = &sw->metrics[k];
			sm->m = base_values->m[w][k];
			aggregate_estimate(base_agg, sm->m, w, &sm->base);
			for (int i = 0; i < SENSITIVITY_INPUTS; i++) {
				aggregate_estimate(experiment_aggregate(&ex, i), sm->m, w,
						   &sm->scaled[i]);
				/* as aggregate_add forms a paired difference: replication order,
				 * undefined pairs left out */
				struct tally t;
				tally_init(&t);
				for (int r = 0; r < s->nrep; r++) {
					double d = *value_at(&vals[i], r, w, k) -
						   *value_at(base_values, r, w, k);
					if (!isnan(d))
						tally_add(&t, d);
				}
				sm->diff[i].n = (int)t.n;
				sm->diff[i].mean = ci_student_tally(&t, 0.95, &sm->diff[i].lo,
								    &sm->diff[i].hi);
				estimate_clip_diff(sm->m, &sm->base, &sm->scaled[i], &sm->diff[i]);
			}
		}
	}
out:
	experiment_fini(&ex);
	for (int i = 0; i < SENSITIVITY_INPUTS; i++) {
		sensitivity_config_fini(&sc[i]);
		sensitivity_values_fini(&vals[i]);
	}
	if (st == PT_ENOMEM)
		s->status = st;
	return st;
}

int sensitivity_run(struct sensitivity *s, const struct cfg_scenario *base, double factor,
		    int threads, const struct experiment_backend *backend,
		    runner_progress_fn progress, void *pctx)
{
	struct sensitivity_values bv;
	struct experiment ex = {0};
	struct model_hooks hooks;
	int st;

	memset(s, 0, sizeof *s);
	if ((st = sensitivity_values_init(&bv, base))) {
		s->status = st;
		return st;
	}
	memset(&hooks, 0, sizeof hooks);
	hooks.on_result = sensitivity_values_on_result;
	hooks.result_ctx = &bv;
	const struct cfg_scenario *cfgs[1] = {base};
	st = experiment_run_on(&ex, 1, cfgs, threads, &hooks, backend, progress, pctx);
	if (st) {
		s->status = st;
		snprintf(s->failure, sizeof s->failure, "%s",
			 ex.failed >= 0 && ex.failure[0] ? ex.failure : pt_strerror(st));
		if (st != PT_ENOMEM)
			st = PT_OK;
	} else {
		st = sensitivity_run_paired(s, base, experiment_aggregate(&ex, 0), &bv, factor,
					    threads, backend, progress, pctx);
		s->extra_replications += base->replications;
		s->base_rerun = true;
	}
	experiment_fini(&ex);
	sensitivity_values_fini(&bv);
	return st;
}
