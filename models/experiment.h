/* An experiment: every replication of every variant of a scenario, run in parallel.
 *
 * Replication r of every variant uses the same master seed and replication index, hence the
 * same random streams (common random numbers): the difference between two variants in one
 * replication is due to the configuration, not to luck.
 *
 * Memory follows the scenario, not the replications: each replication's result is folded into
 * its variant's aggregate (models/aggregate.h) and freed. Tasks are numbered replication-major
 * (task k is replication k / n_variants of variant k % n_variants) and folded in that order
 * whatever order they finish in, so the aggregates are the same bytes for any number of
 * threads or processes; a task starts only when it is fewer than a window of tasks ahead of
 * the next one to fold, so at most that many results wait in memory.
 *
 * Tasks run on threads of this process, or through a backend that runs some of them elsewhere
 * (app/cluster.c: MPI ranks) and hands their results back with experiment_deliver.
 *
 * In precision mode (models/precision.h) the replications run in rounds: the first round runs
 * the scenario's replications, and after each round the stopping rule, reading only the
 * aggregates, sets how many replications each variant has after the next one. A round's tasks
 * are (replication, variant) pairs in that order, so replication i of a variant keeps its seed
 * and its place in the fold: a run that stopped at n replications folds exactly what a plain
 * run of n folds. A backend runs each round as one experiment, and every process takes the
 * same decisions from the same aggregates.
 *
 * Not here: loading the scenario, formatting the results. */
#ifndef POOLTIDE_EXPERIMENT_H
#define POOLTIDE_EXPERIMENT_H

#include <stdbool.h>

#include "models/aggregate.h"
#include "models/config.h"
#include "models/model.h"
#include "models/precision.h"
#include "sim/runner.h"

struct experiment_fold; /* private: the fold in progress */

struct experiment {
	int n_variants;
	int nrep;                          /* replications per variant: the most any variant
					      ran (each variant's own count: aggs[v]->nrep) */
	const struct cfg_scenario *const *cfgs; /* one per variant (borrowed) */
	struct aggregate **aggs;           /* one per variant */
	int status;                        /* the first failing task's status (in task order,
					      whatever the threads), or 0 */
	int failed;                        /* that task, or -1 */
	char failure[512];                 /* what went wrong in it (model_failure_text) */
	const struct model_hooks *hooks;   /* per variant, for replication 0 (on_result: every
					      replication); or NULL */
	struct experiment_fold *fold;      /* during a run */
	const struct users **users;        /* per variant: its population, shared */
	struct users **own_users;          /* the tables to free (one per distinct population) */
	/* The current round's tasks: task k is replication task_rep[k] of variant task_var[k],
	 * in (replication, variant) order; n_tasks of them. */
	int n_tasks;
	int *task_var, *task_rep;
	/* Precision mode (rel > 0): the rule, the rounds run, and per variant whether it was
	 * decided (1) or stopped at the maximum undecided (0). */
	struct precision precision;
	int rounds;
	bool event_limited;                /* a round was not run: it would have gone beyond
					      precision.max_events */
	unsigned char *decided;            /* [n_variants], NULL outside precision mode */
};

/* How an experiment runs: NULL members and zero fields are the defaults. */
struct experiment_plan {
	const struct model_hooks *hooks;          /* as experiment_run_sampled */
	const struct experiment_backend *backend; /* as experiment_run_on */
	const struct precision *precision;        /* rounds until decided; NULL: one round */
	const int *reps;                          /* replications of each variant; NULL: the
						     first variant's `replications` for all */
};

/* Runs an experiment's tasks somewhere else, in part or in whole. `run` is called once the
 * experiment is ready to fold; it must see every task k in 0 .. experiment_tasks(ex) - 1
 * computed exactly once (here with experiment_compute, or elsewhere and then loaded into a
 * result) and passed to experiment_deliver on this process, or, on a process that does not
 * fold, leave ex->aggs to be filled by copies of the folding process's aggregates. `slots`:
 * tasks that may be in flight elsewhere at once (widens the window). */
struct experiment_backend {
	int (*run)(void *ctx, struct experiment *ex, int threads, runner_progress_fn progress,
		   void *pctx);
	void *ctx;
	int slots;
};

/* Run the experiment on `threads` threads (0 = all processors). nrep is taken from the first
 * variant's replications. Returns 0 or PT_ENOMEM. */
int experiment_run(struct experiment *ex, int n_variants, const struct cfg_scenario *const *cfgs,
		   int threads, runner_progress_fn progress, void *pctx);
/* The same, with replication 0 of variant v sampled through hooks[v] (model_hooks; NULL: no
 * sampling), so a timeline costs no extra replication. Sampling changes no result. When
 * hooks[v].on_result is set, it sees every replication's result of variant v as it is folded
 * (in replication order, under the fold's lock), e.g. to write it out before it is freed. */
int experiment_run_sampled(struct experiment *ex, int n_variants,
			   const struct cfg_scenario *const *cfgs, int threads,
			   const struct model_hooks *hooks, runner_progress_fn progress, void *pctx);
/* The same through `backend` (NULL: threads of this process). */
int experiment_run_on(struct experiment *ex, int n_variants,
		      const struct cfg_scenario *const *cfgs, int threads,
		      const struct model_hooks *hooks, const struct experiment_backend *backend,
		      runner_progress_fn progress, void *pctx);
/* The general form: the run as `plan` says (NULL: the defaults). With plan->reps, paired
 * differences are folded over the replications the baseline variant also ran. Returns 0,
 * PT_ENOMEM or the first failing task's status. */
int experiment_run_plan(struct experiment *ex, int n_variants,
			const struct cfg_scenario *const *cfgs, int threads,
			const struct experiment_plan *plan, runner_progress_fn progress,
			void *pctx);
void experiment_fini(struct experiment *ex);

/* Precision mode only: whether every variant was decided (false: at least one stopped at the
 * maximum undecided; its verdict stays inconclusive). */
bool experiment_decided(const struct experiment *ex);

/* Variant v's aggregate over its replications. */
const struct aggregate *experiment_aggregate(const struct experiment *ex, int v);

/* For backends, within the current round. The number of tasks; the variant of task k. */
int experiment_tasks(const struct experiment *ex);
int experiment_task_variant(const struct experiment *ex, int k);
/* Block until task k may start (it is within the window of the next task to fold). */
void experiment_wait_turn(struct experiment *ex, int k);
/* Whether task k may start now, without blocking. */
bool experiment_may_start(struct experiment *ex, int k);
/* Compute task k into a new result (NULL, with ex->status set, when it fails). Thread-safe. */
struct model_result *experiment_compute(struct experiment *ex, int k);
/* Record the failure of task k computed elsewhere, with its text (NULL: the status's): the
 * first failing task in task order is the one reported. Thread-safe. */
void experiment_set_failure(struct experiment *ex, int k, int status, const char *text);
/* Hand over task k's result (ownership passes; NULL for a failed task) and fold every task
 * that is now next in order. Thread-safe. */
void experiment_deliver(struct experiment *ex, int k, struct model_result *r);

#endif
