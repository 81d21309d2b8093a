/* Metrics: the named quantities a run reports, and their estimates across replications.
 *
 * One table lists every metric with its name, unit and how to read it off one replication's
 * result; the reports (terminal table, JSON, CSV) iterate over it, so a metric added here
 * appears everywhere. An estimate is the mean over replications with a 95 % Student-t
 * confidence interval; a paired difference is the same over per-replication differences
 * between two variants run on the same random numbers (common random numbers).
 *
 * Not here: formatting (app/report.c). */
#ifndef POOLTIDE_SUMMARY_H
#define POOLTIDE_SUMMARY_H

#include "models/model.h"

/* What a metric describes: a requests workload, a batch workload, a pool, a database server
 * (idx 0 the primary, k the read replica k - 1), PgBouncer's pool of a server's database (idx
 * as for servers; reported only for the servers PgBouncer fronts, cfg_pgbouncer_fronts). */
enum metric_scope { METRIC_WORKLOAD, METRIC_POOL, METRIC_BATCH, METRIC_DATABASE, METRIC_PGBOUNCER };

/* The scope of a workload's metrics: METRIC_WORKLOAD (requests) or METRIC_BATCH. */
enum metric_scope metric_scope_of(const struct cfg_workload *w);

struct metric_def {
	const char *name;     /* snake_case, stable: part of the JSON/CSV schema */
	const char *unit;     /* "s", "1" (a fraction), "requests", "connections", ... */
	enum metric_scope scope;
	/* The value in one replication for workload or pool `idx`; NAN when undefined (e.g. a
	 * quantile of no served request). */
	double (*get)(const struct model_result *r, int idx);
	/* For a proportion (events / trials, e.g. timed out / offered): the two counts of one
	 * replication; NULL for other metrics. See estimate_metric. */
	void (*counts)(const struct model_result *r, int idx, double *events, double *trials);
	/* 1..CFG_MAX_WINDOWS: the worst window of the workload's window length of that rank
	 * (slo.WORKLOAD.window), whose reported name follows the length (metric_name_of); its
	 * table name is "windowK.failure_rate", "windowK.wait_p99". 0: any other metric. */
	int window;
};

/* A window length as it appears in metric names: "1m", "5m", "10m", "90s", "1h". */
void metric_window_label(double length_s, char *buf, size_t len);
/* The name of m for workload w (NULL for pools and servers): m->name, but for a worst window
 * "worst_" + the length's label + "." + what it measures ("worst_10m.failure_rate"). Returns
 * m->name or buf (at least CFG_SLO_METRIC_MAX bytes). */
const char *metric_name_of(const struct metric_def *m, const struct cfg_workload *w, char *buf,
			   size_t len);
/* Whether m is reported for workload w: not a worst window beyond w's window lengths. */
bool metric_applies(const struct metric_def *m, const struct cfg_workload *w);
/* A workload metric by the name reports give it for w (metric_name_of), or NULL. */
const struct metric_def *metric_find_for(const char *name, const struct cfg_workload *w);

/* The metric table; *n receives its length. */
const struct metric_def *metric_table(int *n);
/* A metric by name, or NULL. */
const struct metric_def *metric_find(const char *name);

struct estimate {
	double mean, lo, hi;  /* NAN when no replication defines it */
	int n;                /* replications that define it */
	/* A proportion's counts pooled over the n replications, as the Wilson widening used them
	 * (estimate_widen_proportion): events in trials, trials_per_rep = trials / n; and which
	 * end of the interval is the Wilson interval's (it contained the Student-t end). All 0
	 * when no widening happened (every other metric). */
	double events, trials, trials_per_rep;
	bool wilson_lo, wilson_hi;
};

/* Estimate metric m of workload/pool idx over nrep replications: the mean over replications
 * and its 95 % Student-t interval. For a proportion the interval is widened to contain the
 * 95 % Wilson score interval of the counts pooled over replications: when events are rare the
 * replications barely vary (all zero: a zero-width t interval) and the t interval alone would
 * claim a certainty the data does not have; with 0 timeouts out of n requests the upper end
 * becomes about 3.84 / n instead of 0. A proportion's interval is then clipped to [0, 1]. */
void estimate_metric(const struct model_result *const *reps, int nrep,
		     const struct metric_def *m, int idx, struct estimate *e);
/* The widening above, for callers that keep the pooled counts themselves (models/aggregate.h):
 * e's interval grows to contain the Wilson interval of `events` in `trials`, then is clipped
 * to [0, 1]; unchanged when trials is 0 or e->mean is NAN. */
void estimate_widen_proportion(struct estimate *e, double events, double trials);
/* When the Wilson interval sets the end of e's interval on the side of `limit` (the upper end
 * for a mean below the limit, the lower end for one above): the fewest replications m > e->n
 * at which the Wilson interval of the same observed rate, events / trials, on m x
 * trials_per_rep trials would fall on the mean's side of the limit (upper end <= limit, or
 * lower end > limit, as slo_verdict_of decides), found by bisection, capped at 1e9. Returns
 * 0 when the Wilson end is not the binding one (no pooled counts, or the Student-t end is),
 * or when the mean sits on the limit. The Student-t half-width shrinks as 1 / sqrt(n), the
 * Wilson bound of 0 events as 1 / n: n (h / d)^2 misjudges the latter both ways. */
long long estimate_wilson_replications(const struct estimate *e, double limit);
/* Clip e's interval to m's domain: [0, inf) for every metric of the table (counts, durations,
 * levels, rates), at most 1 for a fraction (unit "1"). estimate_metric and aggregate_estimate
 * do it; a paired difference has its own clip (estimate_clip_diff). */
void estimate_clip(const struct metric_def *m, struct estimate *e);
/* For a quantile of a sample (wait_p50 ... wait_p999, wait_all_p*, hold_p*, lock_wait_p*, a
 * worst window's wait_p99), the metric giving the largest value of that sample, or of a
 * sample containing it, in the same replication (wait_max, wait_all_max, hold_max,
 * lock_wait_max, wait_max); NULL for any other metric. */
const struct metric_def *metric_sample_max(const struct metric_def *m);
/* Cut the upper end of a quantile's interval e at the upper end of its sample's maximum
 * (`max`, the estimate of metric_sample_max(m) over the same replications): in every
 * replication the quantile is at most the largest value (sim/stats.h histo_quantile reports
 * at most the exact maximum), so E[quantile] <= E[max] <= max->hi. Never below e's mean; a
 * NAN bound cuts nothing. estimate_metric and aggregate_estimate do it. */
void estimate_clip_quantile(struct estimate *e, const struct estimate *max);
/* Clip the interval of a paired difference d of metric m, variant - base, to what m's domain
 * allows given both sides' own estimates (`base`, `variant`: estimate_metric of each, already
 * clipped): d's interval is cut to [-base->hi, variant->hi], and for a fraction (unit "1")
 * also to [variant->lo - 1, 1 - base->lo]. A bound that is NAN (a side defined nowhere) cuts
 * nothing, a cut never passes d's mean, and an undefined interval stays undefined. The
 * derivation is in summary.c. Every paired difference a report shows goes through it
 * (estimate_paired_diff, aggregate_diff, the sensitivity section's changes). */
void estimate_clip_diff(const struct metric_def *m, const struct estimate *base,
			const struct estimate *variant, struct estimate *d);
/* Paired difference: metric(b) - metric(a) replication by replication, its interval clipped
 * by estimate_clip_diff against estimate_metric of a and of b. */
void estimate_paired_diff(const struct model_result *const *a, const struct model_result *const *b,
			  int nrep, const struct metric_def *m, int idx, struct estimate *e);

#endif
