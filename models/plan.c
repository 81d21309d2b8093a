#include "models/plan.h"

#include <math.h>
#include <stdlib.h>

#include "models/experiment.h"
#include "models/summary.h"
#include "sim/status.h"

void plan_scale(struct cfg_scenario *sc, int w, double f)
{
	struct cfg_arrival *a = &sc->workloads[w].req.arrival;
	a->rate_per_s *= f;
	for (int i = 0; i < a->n_profile; i++)
		a->profile[i].rate_per_s *= f;
}

/* Run the base at factor f; record the probe. */
static int probe(struct plan *pl, const struct cfg_scenario *base, double f, int threads,
		 const struct experiment_backend *backend)
{
	struct precision pr = pl->precision;
	pr.per_variant = true;
	struct cfg_scenario *sc = malloc(sizeof *sc);
	if (!sc)
		return PT_ENOMEM;
	*sc = *base;
	plan_scale(sc, pl->workload, f);
	const struct cfg_scenario *cfgs[1] = {sc};
	struct experiment ex;
	int st = experiment_run_plan(&ex, 1, cfgs, threads,
				     &(struct experiment_plan){.backend = backend, .precision = &pr},
				     NULL, NULL);
	if (!st) {
		struct slo_result res[CFG_MAX_SLO];
		struct plan_probe *p = &pl->probes[pl->n++];
		p->factor = f;
		p->rate_per_s = sc->workloads[pl->workload].req.arrival.n_profile
					? sc->workloads[pl->workload].req.arrival.profile[0].rate_per_s
					: sc->workloads[pl->workload].req.arrival.rate_per_s;
		p->verdict = slo_evaluate_aggregate(experiment_aggregate(&ex, 0), sc, res);
		p->n_slo = sc->n_slo;
		for (int i = 0; i < sc->n_slo; i++)
			p->slo[i] = res[i];
		struct estimate e;
		aggregate_estimate(experiment_aggregate(&ex, 0), metric_find("failure_rate"),
				   pl->workload, &e);
		p->failure_rate = e.mean;
		p->failure_rate_hi = e.hi;
		p->replications = experiment_aggregate(&ex, 0)->nrep;
		p->decided = experiment_decided(&ex);
		if (p->verdict == SLO_PASS) {
			if (f > pl->pass_factor)
				pl->pass_factor = f;
		} else if (f < pl->fail_factor) {
			pl->fail_factor = f;
		}
	}
	experiment_fini(&ex);
	free(sc);
	return st;
}

bool plan_cpu_unmodelled(const struct cfg_scenario *sc, int w)
{
	const struct cfg_workload *wl = &sc->workloads[w];
	if (cfg_server(sc, sc->pools[wl->pool].server)->cores <= 0)
		return true;
	if (wl->kind == CFG_WORKLOAD_REQUESTS)
		for (int i = 0; i < wl->req.reads.n_pools; i++)
			if (cfg_server(sc, sc->pools[wl->req.reads.pools[i]].server)->cores <= 0)
				return true;
	return false;
}

int plan_search(struct plan *pl, const struct cfg_scenario *base, int w, double tolerance,
		int threads, void (*progress)(void *ctx, const struct plan *pl), void *ctx)
{
	return plan_search_on(pl, base, w, tolerance, threads, NULL, progress, ctx);
}

int plan_search_on(struct plan *pl, const struct cfg_scenario *base, int w, double tolerance,
		   int threads, const struct experiment_backend *backend,
		   void (*progress)(void *ctx, const struct plan *pl), void *ctx)
{
	return plan_search_precise(pl, base, w, tolerance, threads, backend, NULL, progress, ctx);
}

int plan_search_precise(struct plan *pl, const struct cfg_scenario *base, int w, double tolerance,
			int threads, const struct experiment_backend *backend,
			const struct precision *pr,
			void (*progress)(void *ctx, const struct plan *pl), void *ctx)
{
	*pl = (struct plan){.workload = w, .tolerance = tolerance, .fail_factor = INFINITY};
	if (pr && pr->rel > 0)
		pl->precision = *pr;
	if (base->n_slo == 0 || w < 0 || w >= base->n_workloads ||
	    base->workloads[w].kind != CFG_WORKLOAD_REQUESTS ||
	    base->workloads[w].req.arrival.trace_n > 0 || !(tolerance > 0))
		return PT_EINVAL;
	pl->cpu_unmodelled = plan_cpu_unmodelled(base, w);
	int st;
	/* Bracket: from 1, double while passing or halve while failing (2^-12 .. 2^12). */
	double f = 1;
	if ((st = probe(pl, base, f, threads, backend)))
		return st;
	if (progress)
		progress(ctx, pl);
	bool up = pl->probes[0].verdict == SLO_PASS;
	for (int k = 0; k < 12 && pl->n < PLAN_MAX_PROBES; k++) {
		if (pl->pass_factor > 0 && isfinite(pl->fail_factor))
			break;
		f = up ? f * 2 : f / 2;
		if ((st = probe(pl, base, f, threads, backend)))
			return st;
		if (progress)
			progress(ctx, pl);
	}
	/* Bisect geometrically between the largest pass and the smallest fail above it. */
	while (pl->pass_factor > 0 && isfinite(pl->fail_factor) &&
	       pl->fail_factor / pl->pass_factor > 1 + tolerance && pl->n < PLAN_MAX_PROBES) {
		if (pl->fail_factor < pl->pass_factor) {
			/* not monotone (an inconclusive probe inside passing loads): stop, report */
			break;
		}
		f = sqrt(pl->pass_factor * pl->fail_factor);
		if ((st = probe(pl, base, f, threads, backend)))
			return st;
		if (progress)
			progress(ctx, pl);
	}
	return PT_OK;
}

void plan_order(const struct plan *pl, int *order)
{
	for (int i = 0; i < pl->n; i++)
		order[i] = i;
	for (int i = 1; i < pl->n; i++) /* insertion sort: at most PLAN_MAX_PROBES */
		for (int j = i; j > 0 && pl->probes[order[j]].factor < pl->probes[order[j - 1]].factor;
		     j--) {
			int t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}
