/* Aggregates: what the replications of one variant add up to, in memory that does not grow
 * with the number of replications.
 *
 * Each replication's result is folded in once, in replication order, and may then be freed: per
 * metric of the metric table (models/summary.h) a running tally of its values and of its paired
 * differences to the baseline variant's same replication, the pooled counts of a proportion,
 * the wait histograms merged over replications, and the few per-replication facts the reports
 * quote (the first timeout's overflow, replications with an exhausted pool, connects refused).
 * The estimates read off an aggregate are the same bytes as those computed from every
 * replication's full result (estimate_metric): the same values are folded in the same order.
 * That order is the caller's contract: fold replications 0, 1, 2, ... whatever order they
 * finished in, and the aggregate does not depend on threads or processes.
 *
 * An aggregate is one block of memory (sized to the scenario's metrics, workloads and pools),
 * so it can be sent to another process as bytes (aggregate_data, aggregate_load).
 *
 * Not here: running replications (models/experiment.h); formatting. */
#ifndef POOLTIDE_AGGREGATE_H
#define POOLTIDE_AGGREGATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/model.h"
#include "models/summary.h"
#include "sim/stats.h"

struct aggregate_pool {
	int exhausted_reps;          /* replications in which the pool was exhausted at some time */
	int first_timeout_overflow;  /* from the first replication with a timeout, or INT_MIN */
};

struct aggregate {
	int nrep;                    /* replications folded */
	int n_pools, n_workloads, n_processes;
	uint64_t db_refused;         /* connects refused, summed over replications */
	int n_replicas;              /* read replicas: METRIC_DATABASE has 1 + n_replicas slots */
	uint64_t replica_refused[CFG_MAX_REPLICAS]; /* the same per replica */
	struct aggregate_pool *pools;      /* [n_pools] */
	/* The waits of requests workload w merged over replications: h_served[w], h_all[w]; NULL
	 * for a batch workload. */
	struct histo *h_served[CFG_MAX_WORKLOADS], *h_all[CFG_MAX_WORKLOADS];
	/* Replication 0's worst windows per requests workload (models/window.h): where the
	 * worst stretch was, for a plot to zoom on. */
	struct window_result first_worst[CFG_MAX_WORKLOADS][CFG_MAX_WINDOWS];
	size_t bytes;                /* the whole block */
	/* private: the metric cells, [metric][slot]; the histogram pair of workload w, or -1 */
	int n_metrics, n_slots, n_histo;
	int hslot[CFG_MAX_WORKLOADS];
	struct aggregate_cell *cells;
};

/* An empty aggregate for sc's workloads and pools; NULL when out of memory. */
struct aggregate *aggregate_create(const struct cfg_scenario *sc);
void aggregate_destroy(struct aggregate *a);

/* Fold in the next replication r (made for the same scenario). `base` is the baseline
 * variant's result of the same replication, for paired differences (r itself for the baseline
 * variant). */
void aggregate_add(struct aggregate *a, const struct model_result *r,
		   const struct model_result *base);

/* Metric m of workload/pool idx over the folded replications: the same as estimate_metric
 * over them. */
void aggregate_estimate(const struct aggregate *a, const struct metric_def *m, int idx,
			struct estimate *e);
/* The paired difference metric(this variant) - metric(baseline): the same as
 * estimate_paired_diff, its interval clipped (estimate_clip_diff) against the estimates of
 * `a` and of `base`, the baseline variant's aggregate (the one whose results were passed to
 * aggregate_add as `base`). */
void aggregate_diff(const struct aggregate *a, const struct aggregate *base,
		    const struct metric_def *m, int idx, struct estimate *e);

/* Same values, byte for byte (the blocks' own pointers aside). */
bool aggregate_equal(const struct aggregate *a, const struct aggregate *b);

/* The block as bytes, and its copy back into an aggregate created for the same scenario
 * (PT_EINVAL when the sizes differ). */
const void *aggregate_data(const struct aggregate *a, size_t *n);
int aggregate_load(struct aggregate *a, const void *data, size_t n);

#endif
