/* Service-level objectives: is a variant's metric below its limit, with 95 % confidence?
 *
 * A scenario's objectives (struct cfg_slo, filled by the loader) are upper bounds on a metric of
 * one workload: a timeout rate, a wait quantile. A variant is judged on the estimate across its
 * replications (models/summary.h: mean and 95 % Student-t interval), never on the mean alone:
 *   pass          the whole interval meets the limit (ci_high <= limit)
 *   fail          the whole interval exceeds it     (ci_low > limit)
 *   inconclusive  the interval straddles the limit, or there is no interval: the metric is
 *                 undefined in every replication (a wait quantile when nothing was served) or
 *                 defined in only one (a single value has no interval)
 * More replications narrow the interval and turn "inconclusive" into pass or fail. A variant
 * as a whole fails if any objective fails, else is inconclusive if any is, else passes (also
 * when there is no objective).
 *
 * Not here: reading the limits (app/load_slo.c), printing tables and reports (app/). */
#ifndef POOLTIDE_SLO_H
#define POOLTIDE_SLO_H

#include <stddef.h>

#include "models/aggregate.h"
#include "models/config.h"
#include "models/model.h"
#include "models/summary.h"

enum slo_verdict { SLO_PASS, SLO_FAIL, SLO_INCONCLUSIVE };

/* One objective judged on one variant. */
struct slo_result {
	struct cfg_slo slo;          /* the objective (a copy) */
	struct estimate est;         /* the judged metric across replications */
	enum slo_verdict verdict;
	double refused_mean;         /* the workload's requests refused by the database, per
					replication: shown next to a limit on failures */
};

/* The whole-run metrics an objective may bound, NULL-terminated, in the order the scenario
 * format documents them: failure_rate, timeout_rate, refused_rate, wait_mean, wait_p50,
 * wait_p90, wait_p95, wait_p99, wait_p999, wait_max; then, per window length of the workload
 * (slo.WORKLOAD.window), worst_<length>.failure_rate and worst_<length>.wait_p99
 * (slo_window_metrics; cfg_slo.table names the metric_table() row). Each is a workload
 * metric of metric_table(); the
 * rates have unit "1" (a fraction), the waits "s". A timeout_rate limit is judged on
 * failure_rate: every final failure counts (a refused connection is no better than a pool
 * timeout), so a configuration that refuses connections never passes a limit on failures. */
const char *const *slo_metrics(void);
/* What a worst window's limit may bound: failure_rate, wait_p99; NULL-terminated. */
const char *const *slo_window_metrics(void);

/* The verdict of estimate e against upper bound `limit` (rules above). */
enum slo_verdict slo_verdict_of(const struct estimate *e, double limit);

/* Judge objective `slo` on one variant's nrep replications; fills *out. slo->metric must be
 * one of slo_metrics() and slo->workload a workload of the replications (assertions). */
void slo_evaluate(const struct model_result *const *reps, int nrep, const struct cfg_slo *slo,
		  struct slo_result *out);

/* Judge every objective of sc on one variant's replications and return the overall verdict.
 * out, when not NULL, receives sc->n_slo results in the order of sc->slo. */
enum slo_verdict slo_evaluate_variant(const struct model_result *const *reps, int nrep,
				      const struct cfg_scenario *sc, struct slo_result *out);

/* The same from a variant's aggregate (models/aggregate.h): the same verdicts and estimates. */
enum slo_verdict slo_evaluate_aggregate(const struct aggregate *agg, const struct cfg_scenario *sc,
					struct slo_result *out);

/* For an inconclusive verdict: about how many replications would decide it, from the current
 * variance: n (h / d)^2 with h the interval's half-width and d the distance from the mean to
 * the limit (at least n + 1); but when the interval's end on the limit's side is a
 * proportion's Wilson bound, the fewest replications at which that bound clears the limit
 * (estimate_wilson_replications, models/summary.h). 0 when the mean sits exactly on the limit
 * (no number of replications decides it); -1 when not inconclusive or there is no interval. */
long long slo_replications_to_decide(const struct slo_result *r);

/* "pass", "fail", "inconclusive". */
const char *slo_verdict_name(enum slo_verdict v);

/* One line for people, without a newline, into buf[n] (truncated, always terminated when
 * n > 0), e.g.
 *   api wait_p99 <= 100ms: 84.2ms [79.1ms, 89.3ms] pass
 *   api timeout_rate <= 0.1%: 0.25% [0.19%, 0.31%] fail
 *   api wait_p99 <= 100ms: undefined inconclusive
 *   api wait_p99 <= 100ms: 84.2ms (1 replication, no interval) inconclusive
 *   api failure_rate <= 1%: 0.9% [0.7%, 1.1%] inconclusive (about 10 replications would
 *   decide it)
 * Durations in us, ms or s with 3 significant digits, rates as percentages. The workload name
 * comes from sc. Returns what snprintf returns: the length of the whole line. */
int slo_format(char *buf, size_t n, const struct cfg_scenario *sc, const struct slo_result *r);

#endif
