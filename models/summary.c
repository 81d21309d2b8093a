#include "models/summary.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/stats.h"

#define W(r, i) (&(r)->workloads[i])
#define P(r, i) (&(r)->pools[i])

static double ratio(uint64_t a, uint64_t b) { return b ? (double)a / (double)b : NAN; }
static double q_or_nan(const struct histo *h, double q) { return h->n ? histo_quantile(h, q) : NAN; }

static double w_offered(const struct model_result *r, int i) { return (double)W(r, i)->offered; }
static double w_served(const struct model_result *r, int i) { return (double)W(r, i)->served; }
static double w_timed_out(const struct model_result *r, int i) { return (double)W(r, i)->timed_out; }
static double w_refused(const struct model_result *r, int i) { return (double)W(r, i)->refused; }
static double w_timeout_rate(const struct model_result *r, int i)
{
	return ratio(W(r, i)->timed_out, W(r, i)->offered);
}
static double w_refused_rate(const struct model_result *r, int i)
{
	return ratio(W(r, i)->refused, W(r, i)->offered);
}
static double w_wait_mean(const struct model_result *r, int i)
{
	return W(r, i)->wait_served.n ? W(r, i)->wait_served.mean : NAN;
}
static double w_p_wait(const struct model_result *r, int i)
{
	const struct histo *h = &W(r, i)->h_all;
	return h->n ? 1.0 - (double)h->zero / (double)h->n : NAN;
}
static double w_wait_p50(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_served, 0.50); }
static double w_wait_p90(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_served, 0.90); }
static double w_wait_p95(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_served, 0.95); }
static double w_wait_p99(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_served, 0.99); }
static double w_wait_p999(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_served, 0.999); }
static double w_wait_max(const struct model_result *r, int i)
{
	return W(r, i)->h_served.n ? W(r, i)->h_served.max : NAN;
}
static double w_wait_all_mean(const struct model_result *r, int i)
{
	return W(r, i)->wait_all.n ? W(r, i)->wait_all.mean : NAN;
}
static double w_wait_all_p99(const struct model_result *r, int i) { return q_or_nan(&W(r, i)->h_all, 0.99); }
static double w_connect_mean(const struct model_result *r, int i)
{
	return W(r, i)->connect.n ? W(r, i)->connect.mean : NAN;
}
static double w_hold_mean(const struct model_result *r, int i)
{
	return W(r, i)->hold.n ? W(r, i)->hold.mean : NAN;
}

static double p_checked_out_mean(const struct model_result *r, int i) { return P(r, i)->checked_out_mean; }
static double p_checked_out_max(const struct model_result *r, int i) { return P(r, i)->checked_out_max; }
static double p_checked_in_mean(const struct model_result *r, int i) { return P(r, i)->checked_in_mean; }
static double p_overflow_mean(const struct model_result *r, int i) { return P(r, i)->overflow_mean; }
static double p_overflow_max(const struct model_result *r, int i) { return P(r, i)->overflow_max; }
static double p_waiters_mean(const struct model_result *r, int i) { return P(r, i)->waiters_mean; }
static double p_waiters_max(const struct model_result *r, int i) { return P(r, i)->waiters_max; }
static double p_open_mean(const struct model_result *r, int i) { return P(r, i)->open_mean; }
static double p_open_max(const struct model_result *r, int i) { return P(r, i)->open_max; }
static double p_exhausted_share(const struct model_result *r, int i) { return P(r, i)->exhausted_share; }
static double p_longest_exhausted(const struct model_result *r, int i) { return P(r, i)->longest_exhausted_s; }
static double p_connects(const struct model_result *r, int i) { return (double)P(r, i)->connects; }
static double p_closes(const struct model_result *r, int i) { return (double)P(r, i)->closes; }

static const struct metric_def table[] = {
	{"offered", "requests", METRIC_WORKLOAD, w_offered},
	{"served", "requests", METRIC_WORKLOAD, w_served},
	{"timed_out", "requests", METRIC_WORKLOAD, w_timed_out},
	{"refused", "requests", METRIC_WORKLOAD, w_refused},
	{"timeout_rate", "1", METRIC_WORKLOAD, w_timeout_rate},
	{"refused_rate", "1", METRIC_WORKLOAD, w_refused_rate},
	{"p_wait", "1", METRIC_WORKLOAD, w_p_wait},
	{"wait_mean", "s", METRIC_WORKLOAD, w_wait_mean},
	{"wait_p50", "s", METRIC_WORKLOAD, w_wait_p50},
	{"wait_p90", "s", METRIC_WORKLOAD, w_wait_p90},
	{"wait_p95", "s", METRIC_WORKLOAD, w_wait_p95},
	{"wait_p99", "s", METRIC_WORKLOAD, w_wait_p99},
	{"wait_p999", "s", METRIC_WORKLOAD, w_wait_p999},
	{"wait_max", "s", METRIC_WORKLOAD, w_wait_max},
	{"wait_all_mean", "s", METRIC_WORKLOAD, w_wait_all_mean},
	{"wait_all_p99", "s", METRIC_WORKLOAD, w_wait_all_p99},
	{"connect_mean", "s", METRIC_WORKLOAD, w_connect_mean},
	{"hold_mean", "s", METRIC_WORKLOAD, w_hold_mean},
	{"checked_out_mean", "connections", METRIC_POOL, p_checked_out_mean},
	{"checked_out_max", "connections", METRIC_POOL, p_checked_out_max},
	{"checked_in_mean", "connections", METRIC_POOL, p_checked_in_mean},
	{"overflow_mean", "connections", METRIC_POOL, p_overflow_mean},
	{"overflow_max", "connections", METRIC_POOL, p_overflow_max},
	{"waiters_mean", "requests", METRIC_POOL, p_waiters_mean},
	{"waiters_max", "requests", METRIC_POOL, p_waiters_max},
	{"open_mean", "connections", METRIC_POOL, p_open_mean},
	{"open_max", "connections", METRIC_POOL, p_open_max},
	{"exhausted_share", "1", METRIC_POOL, p_exhausted_share},
	{"longest_exhausted", "s", METRIC_POOL, p_longest_exhausted},
	{"connects", "connections", METRIC_POOL, p_connects},
	{"closes", "connections", METRIC_POOL, p_closes},
};

const struct metric_def *metric_table(int *n)
{
	*n = (int)(sizeof table / sizeof table[0]);
	return table;
}

const struct metric_def *metric_find(const char *name)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

static void estimate_values(double *v, int n, struct estimate *e)
{
	e->n = 0;
	for (int i = 0; i < n; i++)
		e->n += !isnan(v[i]);
	e->mean = ci_student(v, n, 0.95, &e->lo, &e->hi);
}

void estimate_metric(const struct model_result *const *reps, int nrep,
		     const struct metric_def *m, int idx, struct estimate *e)
{
	double *v = malloc((size_t)(nrep > 0 ? nrep : 1) * sizeof *v);
	if (!v) {
		*e = (struct estimate){NAN, NAN, NAN, 0};
		return;
	}
	for (int i = 0; i < nrep; i++)
		v[i] = m->get(reps[i], idx);
	estimate_values(v, nrep, e);
	free(v);
}

void estimate_paired_diff(const struct model_result *const *a, const struct model_result *const *b,
			  int nrep, const struct metric_def *m, int idx, struct estimate *e)
{
	double *v = malloc((size_t)(nrep > 0 ? nrep : 1) * sizeof *v);
	if (!v) {
		*e = (struct estimate){NAN, NAN, NAN, 0};
		return;
	}
	for (int i = 0; i < nrep; i++)
		v[i] = m->get(b[i], idx) - m->get(a[i], idx);
	estimate_values(v, nrep, e);
	free(v);
}
