#include "models/slo.h"

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The order in which the scenario format documents them; the loader stores a scenario's
 * objectives in this order too. */
static const char *const metrics[] = {
	"failure_rate", "timeout_rate", "refused_rate", "wait_mean", "wait_p50", "wait_p90",
	"wait_p95",     "wait_p99",     "wait_p999",    "wait_max", NULL,
};

/* What a worst window's limit may bound (worst_<length>.NAME). */
static const char *const window_metrics[] = {"failure_rate", "wait_p99", NULL};

/* The metric a limit is judged on: a limit on timeouts is a limit on failures (a request the
 * database refused failed as surely as one that timed out in the pool). */
static const char *judged_metric(const char *limit)
{
	return strcmp(limit, "timeout_rate") == 0 ? "failure_rate" : limit;
}

const char *const *slo_metrics(void)
{
	return metrics;
}

const char *const *slo_window_metrics(void)
{
	return window_metrics;
}

enum slo_verdict slo_verdict_of(const struct estimate *e, double limit)
{
	/* One value has no interval (ci_student returns the point): deciding on it would be
	 * deciding on luck. */
	if (e->n < 2 || isnan(e->lo) || isnan(e->hi))
		return SLO_INCONCLUSIVE;
	if (e->hi <= limit)
		return SLO_PASS;
	if (e->lo > limit)
		return SLO_FAIL;
	return SLO_INCONCLUSIVE;
}

/* Where the estimates come from: every replication's result, or their aggregate. */
struct source {
	const struct model_result *const *reps;
	int nrep;
	const struct aggregate *agg;
};

/* The table's metric an objective is judged on: by cfg_slo.table (the loader's), or, for an
 * objective built without it, by its name with the default window lengths (1m, 5m). */
static const struct metric_def *judged_def(const struct cfg_slo *slo)
{
	if (slo->table[0])
		return metric_find(judged_metric(slo->table));
	struct cfg_workload w = {.kind = CFG_WORKLOAD_REQUESTS};
	cfg_requests_defaults(&w.req);
	const struct metric_def *m = metric_find_for(judged_metric(slo->metric), &w);
	return m ? m : metric_find(judged_metric(slo->metric));
}

static void evaluate(const struct source *src, const struct cfg_slo *slo, struct slo_result *out)
{
	const struct metric_def *m = judged_def(slo);
	const struct metric_def *refused = metric_find(requests_failure_name(REQ_REFUSED));
	struct estimate re;

	assert(m && m->scope == METRIC_WORKLOAD);
	assert(slo->workload >= 0 && slo->workload < CFG_MAX_WORKLOADS);
	out->slo = *slo;
	if (src->agg)
		aggregate_estimate(src->agg, m, slo->workload, &out->est);
	else
		estimate_metric(src->reps, src->nrep, m, slo->workload, &out->est);
	out->verdict = slo_verdict_of(&out->est, slo->limit);
	if (src->agg)
		aggregate_estimate(src->agg, refused, slo->workload, &re);
	else
		estimate_metric(src->reps, src->nrep, refused, slo->workload, &re);
	out->refused_mean = isnan(re.mean) ? 0 : re.mean;
}

static enum slo_verdict evaluate_all(const struct source *src, const struct cfg_scenario *sc,
				     struct slo_result *out)
{
	bool fail = false, inconclusive = false;

	for (int i = 0; i < sc->n_slo; i++) {
		struct slo_result r;
		evaluate(src, &sc->slo[i], &r);
		fail |= r.verdict == SLO_FAIL;
		inconclusive |= r.verdict == SLO_INCONCLUSIVE;
		if (out)
			out[i] = r;
	}
	return fail ? SLO_FAIL : inconclusive ? SLO_INCONCLUSIVE : SLO_PASS;
}

void slo_evaluate(const struct model_result *const *reps, int nrep, const struct cfg_slo *slo,
		  struct slo_result *out)
{
	evaluate(&(struct source){.reps = reps, .nrep = nrep}, slo, out);
}

enum slo_verdict slo_evaluate_variant(const struct model_result *const *reps, int nrep,
				      const struct cfg_scenario *sc, struct slo_result *out)
{
	return evaluate_all(&(struct source){.reps = reps, .nrep = nrep}, sc, out);
}

enum slo_verdict slo_evaluate_aggregate(const struct aggregate *agg, const struct cfg_scenario *sc,
					struct slo_result *out)
{
	return evaluate_all(&(struct source){.agg = agg}, sc, out);
}

const char *slo_verdict_name(enum slo_verdict v)
{
	switch (v) {
	case SLO_PASS:
		return "pass";
	case SLO_FAIL:
		return "fail";
	case SLO_INCONCLUSIVE:
		return "inconclusive";
	}
	return "?";
}

/* v with `digits` significant digits: a rate as a percentage ("0.1%"), a duration in us, ms
 * or s, whichever keeps it between 1 and 1000 (seconds beyond that stay seconds). */
static void fmt_value(char *buf, size_t n, double v, bool rate, int digits)
{
	char tmp[48];
	double a;

	v += 0.0; /* -0 -> 0 */
	if (rate) {
		snprintf(buf, n, "%.*g%%", digits, v * 100);
		return;
	}
	/* pick the unit on the rounded value: 999.96 ms is "1s", not "1e+03ms" */
	snprintf(tmp, sizeof tmp, "%.*e", digits - 1, v);
	a = fabs(strtod(tmp, NULL));
	if (a == 0)
		snprintf(buf, n, "0s");
	else if (a < 1e-3)
		snprintf(buf, n, "%.*gus", digits, v * 1e6);
	else if (a < 1)
		snprintf(buf, n, "%.*gms", digits, v * 1e3);
	else if (a < 1000)
		snprintf(buf, n, "%.*gs", digits, v);
	else
		snprintf(buf, n, "%.0fs", v);
}

static void append_str(char *dst, size_t n, const char *src)
{
	size_t at = strlen(dst);
	if (at + 1 < n)
		snprintf(dst + at, n - at, "%s", src);
}

int slo_format(char *buf, size_t n, const struct cfg_scenario *sc, const struct slo_result *r)
{
	const struct metric_def *m = judged_def(&r->slo);
	bool rate;
	char limit[48], mean[48], lo[48], hi[48], value[256];

	assert(m && r->slo.workload >= 0 && r->slo.workload < sc->n_workloads);
	rate = strcmp(m->unit, "s") != 0;
	/* the limit as given (6 digits); estimates to 3, which is all a CI supports */
	fmt_value(limit, sizeof limit, r->slo.limit, rate, 6);
	if (r->est.n == 0 || isnan(r->est.mean)) {
		snprintf(value, sizeof value, "undefined");
	} else {
		fmt_value(mean, sizeof mean, r->est.mean, rate, 3);
		if (r->est.n < 2) {
			snprintf(value, sizeof value, "%s (1 replication, no interval)", mean);
		} else {
			fmt_value(lo, sizeof lo, r->est.lo, rate, 3);
			fmt_value(hi, sizeof hi, r->est.hi, rate, 3);
			snprintf(value, sizeof value, "%s [%s, %s]", mean, lo, hi);
		}
	}
	if (r->refused_mean > 0 && strcmp(m->name, "failure_rate") == 0) {
		char refused[96];
		snprintf(refused, sizeof refused, "; %.*f refused by the database per replication",
			 r->refused_mean >= 10 ? 0 : 1, r->refused_mean);
		append_str(value, sizeof value, refused);
	}
	char need[96] = "";
	long long reps = slo_replications_to_decide(r);
	if (r->verdict == SLO_INCONCLUSIVE && reps > 1000000)
		snprintf(need, sizeof need, " (more than a million replications would be needed)");
	else if (r->verdict == SLO_INCONCLUSIVE && reps > 0)
		snprintf(need, sizeof need, " (about %lld replications would decide it)", reps);
	else if (r->verdict == SLO_INCONCLUSIVE && reps == 0 && r->est.n >= 2)
		snprintf(need, sizeof need, " (the estimate sits on the limit)");
	return snprintf(buf, n, "%s %s <= %s: %s %s%s", sc->workloads[r->slo.workload].name,
			r->slo.metric, limit, value, slo_verdict_name(r->verdict), need);
}

long long slo_replications_to_decide(const struct slo_result *r)
{
	const struct estimate *e = &r->est;
	if (r->verdict != SLO_INCONCLUSIVE || e->n < 2 || isnan(e->mean) || isnan(e->lo) ||
	    isnan(e->hi))
		return -1;
	/* The half-width shrinks as 1 / sqrt(n) (the t quantile barely moves beyond a few
	 * replications): the interval clears the limit once its half-width is below the distance
	 * d from the mean to the limit, at about n (h / d)^2 replications. */
	double h = (e->hi - e->lo) / 2, d = fabs(e->mean - r->slo.limit);
	if (!(d > 0))
		return 0;
	/* A proportion whose end on the limit's side is the Wilson bound of its pooled counts:
	 * that bound does not shrink as 1 / sqrt(n) (as 1 / n with no events), so solve for the
	 * replications at which it clears the limit, with the same observed rate. */
	long long w = estimate_wilson_replications(e, r->slo.limit);
	if (w > 0)
		return w;
	double need = ceil((double)e->n * (h / d) * (h / d));
	if (need <= e->n)
		need = e->n + 1;
	return need > 1e9 ? 1000000000LL : (long long)need;
}
