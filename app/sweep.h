/* Sweeps: one scenario over a grid of parameter values, to answer "what is the smallest pool
 * that keeps timeouts under 0.1 %?".
 *
 * Each axis is a scenario path and a list of values (--vary pools.main.size=10,20,30); the
 * grid is their cartesian product, first axis slowest. Every grid point is the scenario's
 * chosen variant (the first, or --variant NAME) with the point's values applied as --set
 * overrides, so a point is an ordinary resolved configuration and the whole grid runs as one
 * experiment, on common random numbers: neighbouring points differ by the parameter, not by
 * luck. The grid comes back as a struct scenario whose variants are the points, so the
 * terminal table, the result folder and the SLO verdicts work on it unchanged.
 *
 * Not here: running (models/experiment.h); the heat map (app/plot.h). */
#ifndef POOLTIDE_SWEEP_H
#define POOLTIDE_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "app/scenario.h"
#include "models/experiment.h"
#include "models/slo.h"

#define SWEEP_MAX_AXES 3
#define SWEEP_MAX_VALUES 64
#define SWEEP_MAX_POINTS 512
#define SWEEP_VALUE_MAX 64
#define SWEEP_PATH_MAX 128
/* A point's timeline (replication 0) has at most this many instants (timeline_step_for): 512
 * points of 2000 instants would be a timeline.csv of a million rows and most of a sweep's
 * memory; a sweep is read in its table and heat map. */
#define SWEEP_TIMELINE_INSTANTS 200

struct sweep_axis {
	char path[SWEEP_PATH_MAX];
	int n;
	char values[SWEEP_MAX_VALUES][SWEEP_VALUE_MAX]; /* as given: JSON or a bare string */
};

struct sweep {
	int n_axes;
	struct sweep_axis axes[SWEEP_MAX_AXES];
	int n_points;
	struct scenario *grid;       /* variants = grid points, named "size=10 max_overflow=20" */
	struct scenario **loads;     /* one load per point that reads traces (they own the
					points' trace data), NULL for the others; loads[0] is the
					grid */
};

/* Parse "dotted.path=v1,v2,..." into an axis. 0, or PT_EINVAL with a message in err. */
int sweep_parse_axis(const char *arg, struct sweep_axis *ax, char *err, size_t errlen);

/* Build the grid of `path` under the command-line sets, for variant `variant` (NULL: the first).
 * Returns 0; PT_EINVAL (invalid scenario, unknown variant, a value the scenario rejects, an
 * axis that changes nothing) or PT_EIO, with one line in err. */
int sweep_load(struct sweep *sw, const char *path, const char *const *sets, int n_sets,
	       const char *variant, char *err, size_t errlen);
void sweep_fini(struct sweep *sw);

/* Whether an axis path is a capacity: something more of which means more resources (a pool's
 * size or max_overflow, a workload's workers or processes, deployment.processes,
 * database.cores or max_connections). "The smallest configuration" means something only when
 * every axis is one: the sum of users.zipf and a write share is not a size. */
bool sweep_axis_is_capacity(const char *path);
bool sweep_all_capacity(const struct sweep *sw);

/* The limits of c that res (c->n_slo results) fails, as "api.failure_rate api.wait_p99"
 * into buf[n] ("" when none). */
void sweep_failed_limits(const struct cfg_scenario *c, const struct slo_result *res, char *buf,
			 size_t n);

/* Whether grid point k can open more connections than its database accepts
 * (models/budget.h). */
bool sweep_point_over_budget(const struct sweep *sw, int k);

/* The index of the smallest grid point that passes every SLO limit and fits its connection
 * budget: the one with the lowest sum of its numeric axis values (connections, for pool axes),
 * the first in grid order among equals; -1 when none passes, the scenario has no limits or an
 * axis is not a capacity (sweep_all_capacity). */
int sweep_smallest_passing(const struct sweep *sw, const struct experiment *ex);

/* sweep.csv: one row per grid point: the axis values, then per requests workload the failure
 * rate and wait p99 (mean, ci_low, ci_high), the point's SLO verdict, the limits it fails
 * (space-separated "workload.metric", empty when none) and whether it breaks its connection
 * budget (over_budget: 1 or 0), and the replications it ran (with --precision an undecided point
 * runs more). */
void sweep_write_csv(FILE *out, const struct sweep *sw, const struct experiment *ex);

#endif
