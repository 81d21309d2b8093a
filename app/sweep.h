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

#include <stddef.h>
#include <stdio.h>

#include "app/scenario.h"
#include "models/experiment.h"

#define SWEEP_MAX_AXES 3
#define SWEEP_MAX_VALUES 64
#define SWEEP_MAX_POINTS 512
#define SWEEP_VALUE_MAX 64
#define SWEEP_PATH_MAX 128

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

/* The index of the smallest grid point that passes every SLO limit: the one with the lowest
 * sum of its numeric axis values (connections, for pool axes), the first in grid order among
 * equals; -1 when none passes or the scenario has no limits. */
int sweep_smallest_passing(const struct sweep *sw, const struct experiment *ex);

/* sweep.csv: one row per grid point: the axis values, then per requests workload the timeout
 * rate and wait p99 (mean, ci_low, ci_high) and the point's SLO verdict. */
void sweep_write_csv(FILE *out, const struct sweep *sw, const struct experiment *ex);

#endif
