#include "models/experiment.h"

#include <stdlib.h>

#include "sim/status.h"

static void run_one(void *ctx, int index)
{
	struct experiment *ex = ctx;
	int v = index / ex->nrep, r = index % ex->nrep;
	const struct model_hooks *h = ex->hooks && r == 0 ? &ex->hooks[v] : NULL;
	/* The status is kept in the result; experiment_run picks the first failure in index
	 * order, so the message does not depend on the threads. */
	(void)model_run(ex->cfgs[v], (uint64_t)r, ex->results[index], h);
}

int experiment_run(struct experiment *ex, int n_variants, const struct cfg_scenario *const *cfgs,
		   int threads, runner_progress_fn progress, void *pctx)
{
	return experiment_run_sampled(ex, n_variants, cfgs, threads, NULL, progress, pctx);
}

int experiment_run_sampled(struct experiment *ex, int n_variants,
			   const struct cfg_scenario *const *cfgs, int threads,
			   const struct model_hooks *hooks, runner_progress_fn progress, void *pctx)
{
	*ex = (struct experiment){.n_variants = n_variants, .cfgs = cfgs, .hooks = hooks};
	ex->nrep = cfgs[0]->replications;
	int n = n_variants * ex->nrep;
	ex->results = calloc((size_t)n, sizeof *ex->results);
	if (!ex->results)
		return PT_ENOMEM;
	for (int i = 0; i < n; i++) {
		ex->results[i] = malloc(sizeof *ex->results[i]);
		if (!ex->results[i]) {
			experiment_fini(ex);
			return PT_ENOMEM;
		}
	}
	ex->failed = -1;
	runner_run(n, threads, run_one, ex, progress, pctx, 0.25);
	for (int i = 0; i < n && !ex->status; i++)
		if (ex->results[i]->status) {
			ex->status = ex->results[i]->status;
			ex->failed = i;
		}
	return ex->status;
}

void experiment_fini(struct experiment *ex)
{
	if (ex->results) {
		for (int i = 0; i < ex->n_variants * ex->nrep; i++)
			free(ex->results[i]);
		free(ex->results);
	}
	ex->results = NULL;
}

const struct model_result *const *experiment_variant(const struct experiment *ex, int v)
{
	return (const struct model_result *const *)&ex->results[v * ex->nrep];
}
