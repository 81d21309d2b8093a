/* `pooltide validate SCENARIO --observed LOG`: does the model predict what the service saw?
 *
 * Runs the scenario (its first variant, first requests workload and that workload's pool)
 * over the observed window (horizon = the log's span; the scenario's warm-up), and compares,
 * for the requests that arrived in [warmup, horizon]:
 *   timeout_rate                  timed out / requests
 *   wait_p50, wait_p95, wait_p99  quantiles of every request's wait (a timeout counting its
 *                                 wait until it failed: the model's wait_all_*)
 *   checked_out_mean              connections checked out, time average over the window
 *   waiters_mean                  requests waiting for a connection, time average
 * Each side with its own 95 % interval: the prediction's over replications (models/summary.h,
 * Student t, Wilson-widened for the rate); the observation's own sampling interval by batch
 * means over `bins` equal time bins of the window (default 30): neighbouring requests are
 * correlated through the pool, bins of many holds are nearly independent, so
 *   a rate:      the ratio estimator r = sum T_b / sum N_b with
 *                SE^2 = sum (T_b - r N_b)^2 / (k (k - 1) Nbar^2), interval r -/+ t_{k-1} SE;
 *   a quantile:  q = the observed p-quantile; the share of requests with wait <= q has the SE
 *                of a rate as above (per-bin counts), and the interval is the observed
 *                quantiles at p -/+ t_{k-1} SE (the batch-means version of the
 *                distribution-free order-statistic interval);
 *   a level:     its time average per bin; mean and Student t over the k bins. The levels
 *                are per process pool, as the model's pool metrics (the mean over the
 *                processes' pools): the sum over the log's processes (a log and a pid each,
 *                app/obslog.h) divided by the most that were alive at once (a worker
 *                replaced during the log is not a second pool).
 * Verdict per metric: "agrees" when the predicted mean lies inside the observation's
 * interval, "overlaps" when only the two intervals overlap, "differs" otherwise.
 *
 * Writes ROOT/<scenario>/validate-<UTC time>/ with validate.csv, validate.md and the plot
 * waits_pred_obs (predicted against observed CDF of the wait). */
#ifndef POOLTIDE_VALIDATE_H
#define POOLTIDE_VALIDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "app/obslog.h"

#define VALIDATE_METRICS 6

enum validate_verdict { VALIDATE_AGREES, VALIDATE_OVERLAPS, VALIDATE_DIFFERS };

struct validate_interval {
	double mean, lo, hi;
};

/* The observed side of each metric, in the order timeout_rate, wait_p50, wait_p95, wait_p99,
 * checked_out_mean, waiters_mean. */
struct validate_observed {
	size_t requests;   /* arriving in the window */
	size_t processes;  /* the log's that ran together (obslog_processes_at_once), each its
			      own pool: the levels are per process */
	int bins;
	struct validate_interval m[VALIDATE_METRICS];
};

/* The metric names, in that order. */
const char *validate_metric_name(int i);

/* The observed estimates (see the header paragraph) of the rows arriving in
 * [warmup_s, horizon_s) (times relative to the log's first row), with `bins` >= 2 equal bins.
 * The levels count every row's interval that overlaps the window (a request that arrived
 * before the warm-up may hold a connection after it), divided by
 * obslog_processes_at_once(log). 0, PT_EINVAL (no wait or hold column, no request in the
 * window or fewer than 2 bins) or PT_ENOMEM. */
int validate_observe(const struct obslog *log, double warmup_s, double horizon_s, int bins,
		     struct validate_observed *out);

/* The verdict of a predicted interval against an observed one. */
enum validate_verdict validate_judge(const struct validate_interval *pred,
				     const struct validate_interval *obs);
const char *validate_verdict_name(enum validate_verdict v);

struct validate_options {
	const char *scenario;
	const char *const *sets;
	int n_sets;
	const char *observed;      /* the log (the first of `logs`) */
	const char *const *logs;   /* n_logs > 1: the service's logs, merged by time
				      (obslog_read_all); NULL or 1: `observed` alone */
	size_t n_logs;
	struct obslog_map map;
	int bins;                  /* 0: 30 */
	int threads;
	const char *output_root;   /* NULL: "results" */
	bool no_plot, quiet;
	double max_events;         /* each replication's event limit (cfg max_events); 0: none */
};

/* Run it; the table to out. Returns 0 when done (whatever the verdicts; *differs counts the
 * metrics that differ), PT_EINVAL (bad scenario, log or option: exit 2) or PT_EIO / PT_ENOMEM
 * (exit 1), with one line in err. Plot trouble is a warning in warn. */
int validate_run(const struct validate_options *o, FILE *out, int *differs, char *dir,
		 size_t dirlen, char *warn, size_t warnlen, char *err, size_t errlen);

#endif
