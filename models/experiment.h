/* An experiment: every replication of every variant of a scenario, run in parallel.
 *
 * Replication r of every variant uses the same master seed and replication index, hence the
 * same random streams (common random numbers): the difference between two variants in one
 * replication is due to the configuration, not to luck. Results are indexed
 * [variant][replication] and do not depend on the number of threads.
 *
 * Not here: loading the scenario, formatting the results. */
#ifndef POOLTIDE_EXPERIMENT_H
#define POOLTIDE_EXPERIMENT_H

#include "models/config.h"
#include "models/model.h"
#include "sim/runner.h"

struct experiment {
	int n_variants;
	int nrep;                          /* replications per variant */
	const struct cfg_scenario *const *cfgs; /* one per variant (borrowed) */
	struct model_result **results;     /* n_variants x nrep, results[v * nrep + r] */
	int status;                        /* the first failing replication's status (in index
					      order, whatever the threads), or 0 */
	int failed;                        /* that replication's index into results, or -1 */
	const struct model_hooks *hooks;   /* per variant, for replication 0; or NULL */
};

/* Run the experiment on `threads` threads (0 = all processors). nrep is taken from the first
 * variant's replications. Returns 0 or PT_ENOMEM. */
int experiment_run(struct experiment *ex, int n_variants, const struct cfg_scenario *const *cfgs,
		   int threads, runner_progress_fn progress, void *pctx);
/* The same, with replication 0 of variant v sampled through hooks[v] (model_hooks; NULL: no
 * sampling), so a timeline costs no extra replication. Sampling changes no result. */
int experiment_run_sampled(struct experiment *ex, int n_variants,
			   const struct cfg_scenario *const *cfgs, int threads,
			   const struct model_hooks *hooks, runner_progress_fn progress, void *pctx);
void experiment_fini(struct experiment *ex);

/* Replication results of variant v, as an array of nrep pointers. */
const struct model_result *const *experiment_variant(const struct experiment *ex, int v);

#endif
