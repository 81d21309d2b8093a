/* Plans: the load at which a configuration breaks its SLO.
 *
 * The arrival rate of one request workload (its constant rate, or every rate of its profile)
 * is multiplied by a factor f; each probe runs the scenario's chosen variant at f as an
 * experiment and asks whether every SLO limit passes. From f = 1 the factor doubles (or
 * halves) until the verdict changes, then bisects geometrically until the passing and the
 * failing factor are within the tolerance. Every probe runs on the same random streams as the
 * others (common random numbers: the arrivals are the same process, scaled), so the verdict
 * changes with the load, not with luck. "Inconclusive" counts as not passing: a plan only
 * promises loads that pass; in precision mode a probe runs more replications until its verdict
 * is decided (or the maximum), so fewer probes stay inconclusive. Each probe keeps every
 * limit's verdict, so a report can say why a probe failed (which limit, its value). A plan on
 * a database without `cores` finds a breaking load set only by the pool and by refused
 * connections: the database's CPU is not modelled (plan.cpu_unmodelled, for the caller's
 * warning). No I/O: the caller prints the probes.
 *
 * Not here: a search over pool sizes (that is a sweep, app/sweep.h). */
#ifndef POOLTIDE_PLAN_H
#define POOLTIDE_PLAN_H

#include <stdbool.h>

#include "models/config.h"
#include "models/experiment.h"
#include "models/slo.h"

#define PLAN_MAX_PROBES 40

struct plan_probe {
	double factor;          /* load multiplier */
	double rate_per_s;      /* the workload's (first) rate at that factor */
	enum slo_verdict verdict;
	double failure_rate, failure_rate_hi; /* every final failure / offered: mean and upper
						 end of the 95 % CI */
	int n_slo;              /* the scenario's limits, each judged: */
	struct slo_result slo[CFG_MAX_SLO]; /* in the order of cfg->slo; those not passing say
					       why the probe did not pass */
	int replications;       /* replications the probe ran */
	bool decided;           /* precision mode: its verdict was decided (false: it stopped at
				   the maximum, inconclusive); true otherwise */
};

struct plan {
	int workload;           /* index of the scaled workload */
	double tolerance;       /* relative: stop when fail / pass <= 1 + tolerance */
	int n;
	struct plan_probe probes[PLAN_MAX_PROBES];
	double pass_factor;     /* largest passing factor found, or 0 */
	double fail_factor;     /* smallest failing factor found, or INFINITY */
	/* The database server of the scaled workload's pool (or of a pool it routes reads to)
	 * has no `cores`: its CPU is not modelled, so the breaking load is limited only by the
	 * pools and by refused connections, and the real server may saturate well before. */
	bool cpu_unmodelled;
	struct precision precision; /* rel > 0: each probe ran in rounds until its verdict was
				       decided (models/precision.h) */
};

/* Does workload w of sc run on a database server without `cores` (its own pool's server, or
 * the server of a pool it routes reads to)? */
bool plan_cpu_unmodelled(const struct cfg_scenario *sc, int w);

/* Scale workload w's arrival rates by f, in place. */
void plan_scale(struct cfg_scenario *sc, int w, double f);

/* Search the breaking load of `base` (which must have SLO limits) for workload `w`, running each
 * probe on `threads` threads; `progress` (may be NULL) is called after each probe with the
 * probes done so far. Returns 0 or PT_ENOMEM / PT_EINVAL (no limits, w not a requests workload
 * with a rate or profile). */
int plan_search(struct plan *pl, const struct cfg_scenario *base, int w, double tolerance,
		int threads, void (*progress)(void *ctx, const struct plan *pl), void *ctx);
/* The same with each probe's tasks run through `backend` (models/experiment.h; NULL: threads of
 * this process): every process of a cluster takes the same steps. */
int plan_search_on(struct plan *pl, const struct cfg_scenario *base, int w, double tolerance,
		   int threads, const struct experiment_backend *backend,
		   void (*progress)(void *ctx, const struct plan *pl), void *ctx);

/* The same, each probe running replications in rounds until its verdict is pass or fail, up to
 * pr->max_reps (pr NULL or pr->rel 0: the scenario's replications): replications are added
 * only to probes that are still inconclusive. */
int plan_search_precise(struct plan *pl, const struct cfg_scenario *base, int w, double tolerance,
			int threads, const struct experiment_backend *backend,
			const struct precision *pr,
			void (*progress)(void *ctx, const struct plan *pl), void *ctx);

/* The probes' indices in order of increasing load, into order[0 .. pl->n-1]. */
void plan_order(const struct plan *pl, int *order);

#endif
