/* Precision: when a variant has had enough replications (`--precision REL`).
 *
 * Replications run in rounds (models/experiment.h); after each round this rule looks at a
 * variant's aggregate and says whether it is decided, and if not, about how many replications
 * in all would decide it, from the current variance:
 *   - a variant with SLO limits is decided when its verdict is pass or fail (models/slo.h; one
 *     failing limit fails the variant, whatever the others say). An inconclusive limit needs
 *     about n (h / d)^2 replications (slo_replications_to_decide: h the half-width, d the
 *     distance from the mean to the limit), or, when the end on the limit's side is a
 *     proportion's Wilson bound, the replications at which that bound clears the limit
 *     (estimate_wilson_replications);
 *   - a variant without limits is decided when the headline metrics of every requests workload
 *     (failure_rate, wait_mean, wait_p99: the terminal table's rate with its interval and its
 *     mean and p99 wait) each have a 95 % half-width h <= REL x mean; such a metric needs about
 *     n (h / (REL mean))^2. A metric that is 0 in every replication (its Student-t interval is
 *     [0, 0]; every metric is >= 0, so a mean of 0 means exactly that) counts as decided: no
 *     relative precision exists around 0 (a rate's reported interval still reaches the Wilson
 *     upper end, about 3.84 / requests). A metric undefined in every replication (a wait
 *     quantile when nothing was served) is left out; one defined in a single replication has
 *     no interval and no estimate of what it needs.
 * The next round's size (precision_next) follows the estimate with a margin, grows by at least
 * a quarter (so a run of optimistic estimates still takes few rounds) and at most four-fold (an
 * estimate from few replications is rough), and never beyond the maximum.
 *
 * Decisions read only the aggregates, which are folded in replication order: they do not
 * depend on threads or MPI ranks, and replication i keeps its seed, so a run that stopped at n
 * replications is the same as a plain run of n.
 *
 * Not here: running the rounds (models/experiment.c); reporting them (app/). */
#ifndef POOLTIDE_PRECISION_H
#define POOLTIDE_PRECISION_H

#include <stdbool.h>

#include "models/aggregate.h"
#include "models/config.h"
#include "models/slo.h"
#include "models/summary.h"

#define PRECISION_DEFAULT_MAX 1000 /* --max-replications */
#define PRECISION_MAX_MAX 100000   /* the largest --max-replications accepted */

struct precision {
	double rel;       /* the relative half-width asked for, in (0, 1); 0: precision mode off */
	int max_reps;     /* at most this many replications per variant */
	bool per_variant; /* add replications only to the variants not yet decided (sweep, plan);
			     false: every variant keeps the same count (run: paired differences
			     over every replication, and the same bytes as a plain run) */
	double max_events; /* no round that would take the events of every round so far beyond
			      this (model_estimate_events; --max-events); 0: no limit */
};

/* What a rule returns for "not decided, and no estimate of what would decide it": no interval
 * yet, or a mean exactly on an SLO limit. The next round then doubles the count. */
#define PRECISION_UNKNOWN (-1LL)

/* Metric estimate e against the relative target rel: 0 when decided (rules above), else about
 * how many replications in all would decide it (> e->n), or PRECISION_UNKNOWN. */
long long precision_metric_need(const struct estimate *e, double rel);

/* A variant's n_slo judged limits, res[] (models/slo.h), with overall verdict `all`: 0 when
 * decided, else the most any inconclusive limit needs, or PRECISION_UNKNOWN when one of them
 * has no estimate. */
long long precision_slo_need(const struct slo_result *res, int n_slo, enum slo_verdict all);

/* A variant (its aggregate and configuration) against rel: 0 when decided, else about how many
 * replications in all, or PRECISION_UNKNOWN. */
long long precision_variant_need(const struct aggregate *a, const struct cfg_scenario *sc,
				 double rel);

/* The replications in all after the next round, from n done and `need` (as returned above, not
 * 0): ceil(1.2 need), at least n + ceil(n / 4), at most 4 n (2 n for PRECISION_UNKNOWN), never
 * more than max. Returns n when n >= max (no further round). */
int precision_next(int n, long long need, int max);

#endif
