/* `pooltide validate` (see validate.h): observed estimates by batch means, the prediction by
 * the experiment runner, one verdict per metric. */
#include "app/validate.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>

#include "app/outdir.h"
#include "app/plot.h"
#include "app/scenario.h"
#include "models/experiment.h"
#include "models/model.h"
#include "models/summary.h"
#include "sim/stats.h"
#include "sim/status.h"

static const char *const names[VALIDATE_METRICS] = {"timeout_rate", "wait_p50", "wait_p95",
						    "wait_p99", "checked_out_mean",
						    "waiters_mean"};
/* the model's metric for each (models/summary.h) and whether it is a pool metric */
static const char *const model_names[VALIDATE_METRICS] = {
	"timeout_rate", "wait_all_p50", "wait_all_p95", "wait_all_p99", "checked_out_mean",
	"waiters_mean"};
static const double quantile_p[3] = {0.50, 0.95, 0.99};

const char *validate_metric_name(int i)
{
	return i >= 0 && i < VALIDATE_METRICS ? names[i] : "?";
}

const char *validate_verdict_name(enum validate_verdict v)
{
	return v == VALIDATE_AGREES ? "agrees" : v == VALIDATE_OVERLAPS ? "overlaps" : "differs";
}

enum validate_verdict validate_judge(const struct validate_interval *pred,
				     const struct validate_interval *obs)
{
	if (pred->mean >= obs->lo && pred->mean <= obs->hi)
		return VALIDATE_AGREES;
	if (pred->hi >= obs->lo && pred->lo <= obs->hi)
		return VALIDATE_OVERLAPS;
	return VALIDATE_DIFFERS;
}

/* The ratio estimator sum e / sum n over k bins and its batch-means SE. */
static double ratio_se(const double *e, const double *n, int k, double *r)
{
	double se = 0, sumn = 0;
	for (int b = 0; b < k; b++) {
		se += e[b];
		sumn += n[b];
	}
	*r = sumn > 0 ? se / sumn : NAN;
	double nbar = sumn / k, v = 0;
	for (int b = 0; b < k; b++)
		v += (e[b] - *r * n[b]) * (e[b] - *r * n[b]);
	return sqrt(v / ((double)k * (k - 1) * nbar * nbar));
}

/* The observed p-quantile of sorted[0..n-1]: the smallest value whose share reaches p. */
static double quantile(const double *sorted, size_t n, double p)
{
	double k = ceil(p * (double)n);
	if (k < 1)
		k = 1;
	if (k > (double)n)
		k = (double)n;
	return sorted[(size_t)k - 1];
}

/* Add the overlap of [a, b) with each bin to area[]. */
static void add_interval(double *area, int k, double w0, double width, double a, double b)
{
	if (!(b > a))
		return;
	int first = (int)floor((a - w0) / width), last = (int)floor((b - w0) / width);
	if (first < 0)
		first = 0;
	if (last > k - 1)
		last = k - 1;
	for (int i = first; i <= last; i++) {
		double lo = w0 + i * width, hi = lo + width;
		double o = fmin(b, hi) - fmax(a, lo);
		if (o > 0)
			area[i] += o;
	}
}

int validate_observe(const struct obslog *log, double warmup_s, double horizon_s, int bins,
		     struct validate_observed *out)
{
	int k = bins, rc = PT_ENOMEM;
	double width = (horizon_s - warmup_s) / k, t975;
	double *n = NULL, *e = NULL, *co = NULL, *wa = NULL, *waits = NULL;
	int *bin_of = NULL;
	size_t m = 0;

	memset(out, 0, sizeof *out);
	if (!log->wait_s || !log->hold_s || k < 2 || !(width > 0))
		return PT_EINVAL;
	n = calloc((size_t)k, sizeof *n);
	e = calloc((size_t)k, sizeof *e);
	co = calloc((size_t)k, sizeof *co);
	wa = calloc((size_t)k, sizeof *wa);
	waits = malloc(log->n * sizeof *waits);
	bin_of = malloc(log->n * sizeof *bin_of);
	if (!n || !e || !co || !wa || !waits || !bin_of)
		goto done;
	for (size_t i = 0; i < log->n; i++) {
		double t = log->t_s[i], w = log->wait_s[i];
		add_interval(wa, k, warmup_s, width, t, t + w);
		if (log->outcome[i] == OBSLOG_OK)
			add_interval(co, k, warmup_s, width, t + w, t + w + log->hold_s[i]);
		bin_of[i] = -1;
		if (t < warmup_s || t >= horizon_s)
			continue;
		int b = (int)((t - warmup_s) / width);
		b = b < k ? b : k - 1;
		bin_of[i] = b;
		n[b] += 1;
		e[b] += log->outcome[i] == OBSLOG_TIMEOUT;
		waits[m++] = w;
	}
	rc = PT_EINVAL;
	if (m == 0)
		goto done;
	out->requests = m;
	/* the pools that ran together: a worker replaced during the log is not a second pool */
	out->processes = obslog_processes_at_once(log);
	out->bins = k;
	t975 = gsl_cdf_tdist_Pinv(0.975, k - 1);

	/* the timeout rate */
	struct validate_interval *v = &out->m[0];
	double se = ratio_se(e, n, k, &v->mean);
	v->lo = fmax(0, v->mean - t975 * se);
	v->hi = fmin(1, v->mean + t975 * se);

	/* the quantiles */
	gsl_sort(waits, 1, m);
	for (int j = 0; j < 3; j++) {
		double p = quantile_p[j], q = quantile(waits, m, p), share;
		for (int b = 0; b < k; b++)
			e[b] = 0;
		for (size_t i = 0; i < log->n; i++)
			if (bin_of[i] >= 0 && log->wait_s[i] <= q)
				e[bin_of[i]] += 1;
		se = ratio_se(e, n, k, &share);
		v = &out->m[1 + j];
		v->mean = q;
		v->lo = quantile(waits, m, p - t975 * se);
		v->hi = quantile(waits, m, p + t975 * se);
	}

	/* the levels: time averages per bin and per process pool (the model's pool metrics are
	 * the mean over the processes' pools), Student t over the bins */
	for (int b = 0; b < k; b++) {
		co[b] /= width * (double)out->processes;
		wa[b] /= width * (double)out->processes;
	}
	v = &out->m[4];
	v->mean = ci_student(co, k, 0.95, &v->lo, &v->hi);
	v = &out->m[5];
	v->mean = ci_student(wa, k, 0.95, &v->lo, &v->hi);
	rc = PT_OK;
done:
	free(n);
	free(e);
	free(co);
	free(wa);
	free(waits);
	free(bin_of);
	return rc;
}

/* ---- the command ---------------------------------------------------------------------------- */

static void fmt_value(int i, double x, char *buf, size_t len)
{
	if (isnan(x))
		snprintf(buf, len, "-");
	else if (i == 0)
		snprintf(buf, len, "%.3g %%", 100 * x);
	else if (i <= 3)
		snprintf(buf, len, "%.4g ms", 1e3 * x);
	else
		snprintf(buf, len, "%.4g", x);
}

static void fmt_interval(int i, const struct validate_interval *v, char *buf, size_t len)
{
	char a[24], b[24], c[24];
	fmt_value(i, v->mean, a, sizeof a);
	fmt_value(i, v->lo, b, sizeof b);
	fmt_value(i, v->hi, c, sizeof c);
	snprintf(buf, len, "%s [%s, %s]", a, b, c);
}

static FILE *open_in(const struct outdir *od, const char *name)
{
	char *p = outdir_file(od, name);
	FILE *f = p ? fopen(p, "w") : NULL;
	free(p);
	return f;
}

static int close_ok(FILE *f)
{
	if (!f)
		return PT_EIO;
	int bad = ferror(f);
	return fclose(f) != 0 || bad ? PT_EIO : PT_OK;
}

int validate_run(const struct validate_options *o, FILE *out, int *differs, char *dir,
		 size_t dirlen, char *warn, size_t warnlen, char *err, size_t errlen)
{
	struct scenario *sc = NULL;
	struct obslog log = {0};
	struct experiment ex = {0};
	struct validate_observed obs;
	struct validate_interval pred[VALIDATE_METRICS];
	enum validate_verdict verdict[VALIDATE_METRICS];
	const struct histo *hall = NULL;
	struct outdir od = {0};
	struct cfg_scenario cfg;
	int rc, w = -1, pool;
	FILE *f;

	*differs = 0;
	if (warn && warnlen)
		warn[0] = 0;
	if (dir && dirlen)
		dir[0] = 0;
	/* an unreadable input is bad input (exit 2), as for `pooltide run` */
	if ((rc = scenario_load(&sc, o->scenario, o->sets, o->n_sets, err, errlen))) {
		rc = rc == PT_ENOMEM ? rc : PT_EINVAL;
		goto done;
	}
	cfg = sc->variants[0].cfg;
	cfg.max_events = o->max_events;
	for (int i = 0; i < cfg.n_workloads && w < 0; i++)
		if (cfg.workloads[i].kind == CFG_WORKLOAD_REQUESTS)
			w = i;
	if (w < 0) {
		snprintf(err, errlen, "%s: expected a requests workload to compare, got none",
			 o->scenario);
		rc = PT_EINVAL;
		goto done;
	}
	pool = cfg.workloads[w].pool;
	if ((rc = o->n_logs > 1 ? obslog_read_all(&log, o->logs, o->n_logs, &o->map, err, errlen)
				: obslog_read(&log, o->observed, &o->map, err, errlen))) {
		rc = rc == PT_ENOMEM ? rc : PT_EINVAL;
		goto done;
	}
	if (!log.wait_s || !log.hold_s) {
		snprintf(err, errlen, "%s: expected a wait and a hold column (--wait COL --hold COL) "
			 "to compare, got %s%s%s", log.path, log.wait_s ? "" : "no wait column",
			 !log.wait_s && !log.hold_s ? " and " : "", log.hold_s ? "" : "no hold column");
		rc = PT_EINVAL;
		goto done;
	}
	/* the observed window: the log's span, the scenario's warm-up */
	cfg.horizon_s = log.t_s[log.n - 1];
	if (!(cfg.horizon_s > cfg.warmup_s)) {
		snprintf(err, errlen, "%s: expected requests after the scenario's warm-up (%.6g s), "
			 "got %.6g s of them", log.path, cfg.warmup_s, cfg.horizon_s);
		rc = PT_EINVAL;
		goto done;
	}
	if ((rc = validate_observe(&log, cfg.warmup_s, cfg.horizon_s, o->bins > 0 ? o->bins : 30,
				   &obs))) {
		snprintf(err, errlen, "%s: expected requests in the window [%.6g s, %.6g s) and "
			 "--bins >= 2", log.path, cfg.warmup_s, cfg.horizon_s);
		goto done;
	}

	/* the prediction */
	const struct cfg_scenario *cfgs[1] = {&cfg};
	if ((rc = experiment_run(&ex, 1, cfgs, o->threads, NULL, NULL)) || (rc = ex.status)) {
		snprintf(err, errlen, "simulation failed: %s", pt_strerror(rc));
		rc = rc == PT_EINVAL ? PT_EIO : rc;
		goto done;
	}
	const struct aggregate *agg = experiment_aggregate(&ex, 0);
	for (int i = 0; i < VALIDATE_METRICS; i++) {
		struct estimate est;
		const struct metric_def *m = metric_find(model_names[i]);
		aggregate_estimate(agg, m, i >= 4 ? pool : w, &est);
		pred[i] = (struct validate_interval){est.mean, est.lo, est.hi};
		if (i >= 1 && i <= 3) {
			/* a predicted quantile is a histogram bucket's midpoint, within a relative
			 * sqrt(HISTO_GAMMA) - 1 of the true order statistic (sim/stats.h): the
			 * prediction is not known more closely than that */
			double eps = sqrt(HISTO_GAMMA) - 1;
			pred[i].lo /= 1 + eps;
			pred[i].hi *= 1 + eps;
		}
		verdict[i] = validate_judge(&pred[i], &obs.m[i]);
		*differs += verdict[i] == VALIDATE_DIFFERS;
	}
	hall = agg->h_all[w]; /* the waits of every replication, merged */

	/* the table */
	char head[1024], line[3][128], procs[160] = "";
	if (obs.processes > 1 || model_processes(&cfg) > 1)
		snprintf(procs, sizeof procs, "; levels per process pool: %zu process%s at once in "
			 "the log (a log and a pid each), %d in the scenario", obs.processes,
			 obs.processes > 1 ? "es" : "", model_processes(&cfg));
	snprintf(head, sizeof head, "%s against %s: %zu requests in [%.6g s, %.6g s), %d bins of "
		 "%.4g s; prediction: %d replications of workload '%s', pool '%s'%s",
		 o->scenario, log.path, obs.requests, cfg.warmup_s, cfg.horizon_s, obs.bins,
		 (cfg.horizon_s - cfg.warmup_s) / obs.bins, ex.nrep, cfg.workloads[w].name,
		 cfg.pools[pool].name, procs);
	if (!o->quiet) {
		fprintf(out, "%s\n\n%-17s %-34s %-34s %s\n", head, "metric",
			"predicted [95 % CI]", "observed [95 % CI]", "verdict");
		for (int i = 0; i < VALIDATE_METRICS; i++) {
			fmt_interval(i, &pred[i], line[0], sizeof line[0]);
			fmt_interval(i, &obs.m[i], line[1], sizeof line[1]);
			fprintf(out, "%-17s %-34s %-34s %s\n", names[i], line[0], line[1],
				validate_verdict_name(verdict[i]));
		}
		fflush(out);
	}

	/* the folder */
	if ((rc = outdir_begin(&od, o->output_root, cfg.name, "validate", time(NULL), err,
			       errlen)))
		goto done;
	rc = PT_EIO;
	if (!(f = open_in(&od, "validate.csv")))
		goto write_fail;
	fputs("metric,predicted,predicted_lo,predicted_hi,observed,observed_lo,observed_hi,unit,"
	      "verdict\n", f);
	for (int i = 0; i < VALIDATE_METRICS; i++)
		fprintf(f, "%s,%.9g,%.9g,%.9g,%.9g,%.9g,%.9g,%s,%s\n", names[i], pred[i].mean,
			pred[i].lo, pred[i].hi, obs.m[i].mean, obs.m[i].lo, obs.m[i].hi,
			i == 0 ? "1" : i <= 3 ? "s" : i == 4 ? "connections" : "requests",
			validate_verdict_name(verdict[i]));
	if (close_ok(f))
		goto write_fail;
	if (!(f = open_in(&od, "validate.md")))
		goto write_fail;
	fprintf(f, "# pooltide validate\n\n%s.\n\n| metric | predicted [95 %% CI] | observed [95 %% "
		"CI] | verdict |\n|---|---|---|---|\n", head);
	for (int i = 0; i < VALIDATE_METRICS; i++) {
		fmt_interval(i, &pred[i], line[0], sizeof line[0]);
		fmt_interval(i, &obs.m[i], line[1], sizeof line[1]);
		fprintf(f, "| %s | %s | %s | %s |\n", names[i], line[0], line[1],
			validate_verdict_name(verdict[i]));
	}
	fputs("\nThe observation's interval: batch means over the time bins (see README, "
	      "\"pooltide validate\"). agrees: the predicted mean is inside the observed interval; "
	      "overlaps: only the intervals overlap; differs: they do not.\n\n"
	      "![waits](waits_pred_obs.png)\n", f);
	if (close_ok(f))
		goto write_fail;
	/* the plot: CDFs of the wait, log time axis from 10 us to the largest wait */
	if (!(f = open_in(&od, "waits_pred_obs.dat")))
		goto write_fail;
	{
		double *sorted = malloc(log.n * sizeof *sorted);
		size_t m = 0;
		if (!sorted) {
			fclose(f);
			rc = PT_ENOMEM;
			snprintf(err, errlen, "out of memory");
			goto done;
		}
		for (size_t i = 0; i < log.n; i++)
			if (log.t_s[i] >= cfg.warmup_s)
				sorted[m++] = log.wait_s[i];
		gsl_sort(sorted, 1, m);
		double top = fmax(sorted[m - 1], hall->max) * 1.1;
		fputs("# pooltide validate: CDF of the wait. Block 0: observed (wait s, CDF); block 1: "
		      "predicted (all replications merged)\n", f);
		for (int b = 0; b < 2; b++) {
			size_t j = 0;
			for (int g = 0; g <= 300; g++) {
				double x = 1e-5 * pow(top / 1e-5, g / 300.0), c;
				if (b == 0) {
					while (j < m && sorted[j] <= x)
						j++;
					c = (double)j / (double)m;
				} else {
					c = histo_cdf(hall, x);
				}
				fprintf(f, "%.9g %.9g\n", x, c);
			}
			fputs("\n\n", f);
		}
		free(sorted);
	}
	if (close_ok(f))
		goto write_fail;
	if (!(f = open_in(&od, "waits_pred_obs.gp")))
		goto write_fail;
	plot_script_begin(f, "waits_pred_obs", "predicted against observed CDF of the wait");
	fprintf(f, "set output 'waits_pred_obs.'.ext\nset title 'Wait for a connection: predicted "
		"(%d replications) against observed (%zu requests)'\nset logscale x\nset xlabel "
		"'wait (s, log scale)'\nset ylabel 'P(wait <= x)'\nset yrange [0:1.02]\nset key "
		"bottom right\nset grid\nplot 'waits_pred_obs.dat' index 0 with lines title "
		"'observed', 'waits_pred_obs.dat' index 1 with lines dt 2 title 'predicted'\n",
		ex.nrep, obs.requests);
	plot_script_end(f);
	if (close_ok(f))
		goto write_fail;
	if (!o->no_plot) {
		static const char *const plots[] = {"waits_pred_obs"};
		if ((rc = plot_run(od.path, plots, 1, true, warn, warnlen))) {
			snprintf(err, errlen, "out of memory");
			goto done;
		}
	}
	if ((rc = outdir_commit(&od, err, errlen)))
		goto done;
	if (dir && dirlen)
		snprintf(dir, dirlen, "%s", od.path);
	rc = PT_OK;
	goto done;
write_fail:
	snprintf(err, errlen, "%s: cannot write the results", od.path);
	rc = PT_EIO;
done:
	outdir_fini(&od);
	experiment_fini(&ex);
	obslog_fini(&log);
	scenario_destroy(sc);
	return rc;
}
