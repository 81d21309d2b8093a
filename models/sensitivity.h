/* Sensitivity: how much a verdict moves when its inputs are a little off.
 *
 * A scenario's hold times and arrival rates are estimates, and near saturation the answer is
 * hypersensitive to them. Two perturbations of a configuration, each a pure operation on a
 * resolved configuration (struct cfg_scenario):
 *
 *  - SENSITIVITY_HOLDS: every duration of work done while a connection is held is `factor`
 *    times longer: a request's db_time (the statements' database time, which is also their
 *    CPU demand when database.cores is set) and app_time, a replayed trace's per-arrival hold
 *    times, a batch's per_record. Not scaled: timeouts and deadlines, connect times, the
 *    network round trip (rtt), the pool's own costs (checkout_cost, close_time,
 *    wakeup_latency), the client's patience and a retry's backoff: they are not the
 *    transaction's work.
 *  - SENSITIVITY_RATES: every arrival process runs `factor` times faster: a request
 *    workload's and a batch's record rate, every rate of a profile (and so every burst, which
 *    multiplies them), and a replayed trace compressed in time (arrival i at t_i / factor: the
 *    same arrivals in order, with their holds, sooner; arrivals compressed into the horizon
 *    that were beyond it now run).
 *
 * Each distribution keeps its shape (sim/dist.h, dist_scale), and the random streams are the
 * same (common random numbers), so a run of the perturbed configuration at the base's seed
 * differs from the base by the perturbation, not by luck.
 *
 * sensitivity_run_paired then runs both perturbations (two more runs of the judged
 * configuration, at its seed) and keeps, per workload, the base and perturbed estimates and
 * their paired differences: failure_rate and wait_p99 for a request workload,
 * failed_batch_rate and lag_max for a batch. The base is not run again: its run (the caller's
 * experiment) records its values replication by replication (struct sensitivity_values,
 * through the experiment's on_result hook), and each difference is formed replication by
 * replication in replication order, the same bytes as an experiment's own paired difference
 * (aggregate_diff) of the perturbed variant to the base.
 *
 * Not here: formatting (app/report_sensitivity.c); the breaking load of a plan with longer
 * holds (the caller runs plan_search on the SENSITIVITY_HOLDS configuration). */
#ifndef POOLTIDE_SENSITIVITY_H
#define POOLTIDE_SENSITIVITY_H

#include <stddef.h>

#include "models/config.h"
#include "models/experiment.h"
#include "models/summary.h"

#define SENSITIVITY_FACTOR 1.1 /* "10 % longer", "10 % more" */
#define SENSITIVITY_METRICS 2  /* metrics per workload */

enum sensitivity_input { SENSITIVITY_HOLDS, SENSITIVITY_RATES, SENSITIVITY_INPUTS };

/* A perturbed configuration. cfg borrows `owned` (scaled empirical values, compressed traces
 * and their holds) and whatever of the base it did not need to change. */
struct sensitivity_config {
	struct cfg_scenario cfg;
	double *owned; /* NULL when nothing had to be copied */
};

/* *out = base with input `in` scaled by factor (> 0, finite). Returns 0, PT_ENOMEM, or
 * PT_EINVAL when a scaled value overflows; on failure *out holds nothing to free. Release with
 * sensitivity_config_fini. */
int sensitivity_scale(struct sensitivity_config *out, const struct cfg_scenario *base,
		      enum sensitivity_input in, double factor);
void sensitivity_config_fini(struct sensitivity_config *s);

/* "holds" / "rates" (JSON keys), and the words a report uses ("10 % longer transactions (every
 * hold time x1.1)"), for factor SENSITIVITY_FACTOR. */
const char *sensitivity_input_key(enum sensitivity_input in);
const char *sensitivity_input_label(enum sensitivity_input in);

/* One metric of one workload: the base's estimate, each perturbation's, and each paired
 * difference (perturbed - base, replication by replication; a 95 % Student-t interval,
 * clipped by estimate_clip_diff: it may be negative, not beyond what the two sides' own
 * intervals allow). */
struct sensitivity_metric {
	const struct metric_def *m;
	struct estimate base;
	struct estimate scaled[SENSITIVITY_INPUTS];
	struct estimate diff[SENSITIVITY_INPUTS];
};

struct sensitivity_workload {
	int workload; /* index into the configuration's workloads */
	struct sensitivity_metric metrics[SENSITIVITY_METRICS];
};

struct sensitivity {
	double factor;
	int nrep;                /* replications of each of the three variants */
	int extra_replications;  /* replications run for it: 2 x nrep (each perturbation), 3 x
				    nrep when the base ran again (sensitivity_run) */
	bool base_rerun;         /* the base ran again for it (sensitivity_run) */
	int status;              /* 0, or why the perturbed runs failed (PT_EOVERLOAD, ...): then
				    `failure` says what and the estimates are not set */
	char failure[640];       /* the perturbation, then the run's own failure text */
	int n_workloads;
	struct sensitivity_workload workloads[CFG_MAX_WORKLOADS];
};

/* The section's metrics of one configuration, replication by replication: what a paired
 * difference needs once the results are freed. */
struct sensitivity_values {
	int nrep, n_workloads;
	const struct metric_def *m[CFG_MAX_WORKLOADS][SENSITIVITY_METRICS];
	double *v;               /* [rep][workload][metric]; NAN until recorded */
};
/* For sc's replications and workloads. 0 or PT_ENOMEM. */
int sensitivity_values_init(struct sensitivity_values *sv, const struct cfg_scenario *sc);
void sensitivity_values_fini(struct sensitivity_values *sv);
/* A model_hooks.on_result (ctx: a struct sensitivity_values): records replication rep (r
 * NULL, a failed replication: nothing). */
void sensitivity_values_on_result(void *ctx, int rep, const struct model_result *r);

/* Run both perturbations by `factor` of `base` (its replications and seed) as one experiment
 * on `threads` threads or through `backend` (models/experiment.h; NULL: threads of this
 * process) and fill *s, pairing them with the base's run: its aggregate `base_agg` and its
 * values `base_values` (recorded by sensitivity_values_on_result). A process of a cluster that
 * does not fold (models/experiment.h) has no values: its changes are left undefined, and it
 * reports nothing. A failing simulation (overload, ...) is recorded in s->status and
 * s->failure and returns 0: the report says the sensitivity could not be computed, and why.
 * Returns PT_ENOMEM when memory ran out (s->status too). */
int sensitivity_run_paired(struct sensitivity *s, const struct cfg_scenario *base,
			   const struct aggregate *base_agg,
			   const struct sensitivity_values *base_values, double factor,
			   int threads, const struct experiment_backend *backend,
			   runner_progress_fn progress, void *pctx);
/* The same, running the base first (nrep more replications, counted in extra_replications):
 * for callers without a run of the base's values (a sweep, whose recommended point is known
 * only once every point ran). */
int sensitivity_run(struct sensitivity *s, const struct cfg_scenario *base, double factor,
		    int threads, const struct experiment_backend *backend,
		    runner_progress_fn progress, void *pctx);

#endif
