/* Tests of models/slo: verdicts of service-level objectives on constructed replications.
 *
 * The replication results are built by hand, setting only what the metric reads (offered and
 * timed_out for timeout_rate, the served-wait histogram for the wait quantiles), so the mean
 * and the 95 % Student-t interval are known in advance:
 *   timeout_rate over 5 replications of 10000 requests with 8, 9, 10, 11, 12 timeouts:
 *     mean 0.001, s^2 = (4 + 1 + 0 + 1 + 4) 1e-8 / 4 = 2.5e-8,
 *     half width = t_{0.975,4} sqrt(2.5e-8 / 5) = 2.7764451052 x 7.0710678e-5 = 1.963243e-4,
 *     interval [0.0008036757, 0.0011963243];
 *   wait_max (the exact largest served wait) of 80, 82, 84, 86, 88 ms:
 *     mean 84 ms, s^2 = 10 ms^2, half width = 2.7764451052 sqrt(2) ms = 3.926486 ms.
 * t_{0.975,4} = 2.7764451052 from any t table (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/config.h"
#include "models/model.h"
#include "models/aggregate.h"
#include "models/slo.h"
#include "models/summary.h"
#include "sim/stats.h"

#define NREP 5
#define T_975_4 2.7764451052

#define assert_near(a, b, tol)                                                                  \
	do {                                                                                    \
		double a_ = (a), b_ = (b);                                                      \
		if (!(fabs(a_ - b_) <= (tol)))                                                  \
			fail_msg("%s = %.17g, expected %.17g (line %d)", #a, a_, b_, __LINE__); \
	} while (0)

/* NREP zeroed results for n_workloads requests workloads and one pool, and the pointer array
 * the API takes. */
struct reps {
	struct model_result *r[NREP];
	const struct model_result *p[NREP];
	struct cfg_scenario shape;
};

/* An estimate with no pooled counts (a metric that is not a widened proportion). */
static struct estimate est(double mean, double lo, double hi, int n)
{
	return (struct estimate){.mean = mean, .lo = lo, .hi = hi, .n = n};
}

static void reps_init(struct reps *s, int n_workloads)
{
	cfg_scenario_defaults(&s->shape);
	s->shape.n_workloads = n_workloads;
	s->shape.n_pools = 1;
	for (int i = 0; i < NREP; i++) {
		s->r[i] = model_result_create(&s->shape);
		assert_non_null(s->r[i]);
		for (int w = 0; w < n_workloads; w++) {
			histo_init(&s->r[i]->workloads[w].h_served);
			histo_init(&s->r[i]->workloads[w].h_all);
			tally_init(&s->r[i]->workloads[w].wait_served);
		}
		s->p[i] = s->r[i];
	}
}

static void reps_fini(struct reps *s)
{
	for (int i = 0; i < NREP; i++)
		model_result_destroy(s->r[i]);
}

/* The same objectives judged from the replications folded into an aggregate, in order: the
 * same verdict and the same estimate, bit for bit (models/aggregate.h). */
static enum slo_verdict via_aggregate(const struct reps *s, const struct cfg_scenario *sc,
				      struct slo_result *out)
{
	struct cfg_scenario shape = *sc;
	shape.n_pools = 1;
	for (int w = 0; w < shape.n_workloads; w++)
		shape.workloads[w].kind = CFG_WORKLOAD_REQUESTS;
	struct aggregate *a = aggregate_create(&shape);
	assert_non_null(a);
	for (int i = 0; i < NREP; i++)
		aggregate_add(a, s->r[i], s->r[0]);
	struct slo_result direct[CFG_MAX_SLO];
	enum slo_verdict v = slo_evaluate_aggregate(a, sc, out);
	assert_int_equal(v, slo_evaluate_variant(s->p, NREP, sc, direct));
	for (int i = 0; out && i < sc->n_slo; i++) {
		assert_int_equal(out[i].verdict, direct[i].verdict);
		assert_memory_equal(&out[i].est, &direct[i].est, sizeof direct[i].est);
	}
	aggregate_destroy(a);
	return v;
}

/* Workload w: 10000 offered, 8..12 timed out (the interval in the header). */
static void set_timeouts(struct reps *s, int w)
{
	for (int i = 0; i < NREP; i++) {
		s->r[i]->workloads[w].offered = 10000;
		s->r[i]->workloads[w].failed[REQ_TIMED_OUT] = (uint64_t)(8 + i);
	}
}

/* Workload w: replication i serves 10 requests, the largest waiting `max_ms[i]` ms. */
static void set_waits(struct reps *s, int w, const double *max_ms)
{
	for (int i = 0; i < NREP; i++) {
		struct histo *h = &s->r[i]->workloads[w].h_served;
		for (int k = 0; k < 9; k++)
			histo_add(h, 0.001 * (k + 1));
		histo_add(h, max_ms[i] / 1000);
	}
}

static struct cfg_slo slo(int workload, const char *metric, double limit)
{
	struct cfg_slo s = {.workload = workload, .limit = limit};
	snprintf(s.metric, sizeof s.metric, "%s", metric);
	/* the table's name, as the loader resolves it with the default windows (1m, 5m) */
	if (strncmp(metric, "worst_1m.", 9) == 0 || strncmp(metric, "worst_5m.", 9) == 0)
		snprintf(s.table, sizeof s.table, "window%c.%s", metric[6] == '1' ? '1' : '2',
			 metric + 9);
	else
		snprintf(s.table, sizeof s.table, "%s", metric);
	return s;
}

static enum slo_verdict verdict(const struct reps *s, struct cfg_slo o)
{
	struct slo_result r;
	slo_evaluate(s->p, NREP, &o, &r);
	return r.verdict;
}

/* ---- tests -------------------------------------------------------------------------------- */

/* The metrics a limit may bound, in the documented order, each a workload metric of the table
 * with the unit the loader relies on (rates "1", waits "s"). */
static void test_metrics(void **state)
{
	static const char *const want[] = {"failure_rate", "timeout_rate", "refused_rate", "wait_mean",
					   "wait_p50",     "wait_p90",     "wait_p95",
					   "wait_p99",     "wait_p999",    "wait_max"};
	const char *const *m = slo_metrics();
	size_t i = 0;
	(void)state;

	for (; m[i]; i++) {
		const struct metric_def *d = metric_find(m[i]);
		assert_true(i < sizeof want / sizeof want[0]);
		assert_string_equal(m[i], want[i]);
		assert_non_null(d);
		assert_int_equal(d->scope, METRIC_WORKLOAD);
		assert_string_equal(d->unit, i < 3 || strstr(m[i], "failure_rate") ? "1" : "s");
		assert_true(strlen(m[i]) < CFG_SLO_METRIC_MAX);
	}
	assert_int_equal(i, sizeof want / sizeof want[0]);
	/* a window's limits: what they bound, each a window metric of the table */
	const char *const *w = slo_window_metrics();
	assert_string_equal(w[0], "failure_rate");
	assert_string_equal(w[1], "wait_p99");
	assert_null(w[2]);
}

/* Worst-window metric names follow the workload's window lengths (slo.WORKLOAD.window):
 * the table's window2.failure_rate is worst_5m.failure_rate with the default 1 and 5 minutes,
 * worst_10m.failure_rate with lengths 90 s and 10 min, and a third slot does not apply. */
static void test_window_metric_names(void **state)
{
	(void)state;
	struct cfg_workload w = {.kind = CFG_WORKLOAD_REQUESTS};
	cfg_requests_defaults(&w.req);
	char buf[CFG_SLO_METRIC_MAX];
	const struct metric_def *m2 = metric_find("window2.failure_rate"),
				*m3 = metric_find("window3.wait_p99"),
				*plain = metric_find("wait_p99");
	assert_non_null(m2);
	assert_non_null(m3);
	assert_string_equal(metric_name_of(m2, &w, buf, sizeof buf), "worst_5m.failure_rate");
	assert_true(metric_applies(m2, &w));
	assert_false(metric_applies(m3, &w));
	assert_true(metric_applies(plain, &w));
	assert_true(metric_find_for("worst_5m.failure_rate", &w) == m2);
	assert_null(metric_find_for("worst_10m.failure_rate", &w));
	w.req.windows_s[0] = 90;
	w.req.windows_s[1] = 600;
	assert_string_equal(metric_name_of(m2, &w, buf, sizeof buf), "worst_10m.failure_rate");
	assert_string_equal(metric_name_of(metric_find("window1.wait_p99"), &w, buf, sizeof buf),
			    "worst_90s.wait_p99");
	assert_true(metric_find_for("worst_10m.failure_rate", &w) == m2);
	assert_null(metric_find_for("worst_5m.failure_rate", &w));
	w.req.n_windows = 3;
	w.req.windows_s[2] = 3600;
	assert_string_equal(metric_name_of(m3, &w, buf, sizeof buf), "worst_1h.wait_p99");
	assert_string_equal(metric_name_of(plain, &w, buf, sizeof buf), "wait_p99");
	metric_window_label(61, buf, sizeof buf);
	assert_string_equal(buf, "61s");
}

static void test_verdict_names(void **state)
{
	(void)state;
	assert_string_equal(slo_verdict_name(SLO_PASS), "pass");
	assert_string_equal(slo_verdict_name(SLO_FAIL), "fail");
	assert_string_equal(slo_verdict_name(SLO_INCONCLUSIVE), "inconclusive");
}

/* The interval of the header, and the verdict on each side of it. */
/* 95 % Wilson score interval of k events in n trials, written out independently of
 * models/summary.c. */
static void wilson(double k, double n, double *lo, double *hi)
{
	double z = 1.959963984540054, p = k / n;
	double denom = 1 + z * z / n;
	double centre = (p + z * z / (2 * n)) / denom;
	double half = z / denom * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
	*lo = centre - half < 0 ? 0 : centre - half;
	*hi = centre + half;
}

static void test_timeout_rate(void **state)
{
	struct reps s;
	struct slo_result r;
	struct cfg_slo o = slo(0, "timeout_rate", 0.0014);
	double half = T_975_4 * sqrt(2.5e-8 / 5);
	(void)state;

	reps_init(&s, 1);
	set_timeouts(&s, 0);
	slo_evaluate(s.p, NREP, &o, &r);
	assert_int_equal(r.est.n, NREP);
	assert_near(r.est.mean, 0.001, 1e-15);
	/* The interval is the union of the Student-t interval over replications,
	 * 0.001 -/+ half = [0.0008036757, 0.0011963243], and the Wilson interval of the pooled
	 * counts, 50 of 50000 = [0.000758, 0.001318] (summary.h): here Wilson's is the wider. */
	double wlo, whi;
	wilson(50, 50000, &wlo, &whi);
	assert_true(wlo < 0.001 - half && whi > 0.001 + half);
	assert_near(r.est.lo, wlo, 1e-12);
	assert_near(r.est.hi, whi, 1e-12);
	assert_near(r.est.lo, 0.000758, 1e-6);
	assert_near(r.est.hi, 0.001318, 1e-6);
	assert_string_equal(r.slo.metric, "timeout_rate");
	assert_int_equal(r.slo.workload, 0);
	assert_true(r.slo.limit == 0.0014);
	assert_int_equal(r.verdict, SLO_PASS);                          /* all below 0.14 % */
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", 0.0007)), SLO_FAIL); /* all above */
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", 0.0013)), SLO_INCONCLUSIVE);
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", 0.001)), SLO_INCONCLUSIVE);
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", 0.0009)), SLO_INCONCLUSIVE);
	/* another metric of the same results: no request refused in 50000: [0, 3.84 / 50004],
	 * so a limit of 0 is not met with certainty, 0.01 % is */
	assert_int_equal(verdict(&s, slo(0, "refused_rate", 0)), SLO_INCONCLUSIVE);
	assert_int_equal(verdict(&s, slo(0, "refused_rate", 0.0001)), SLO_PASS);
	reps_fini(&s);
}

/* A worst window's failure rate is read off the requests of that window only: with a handful
 * of them it cannot resolve a small rate. Each of the 5 replications' worst 1-minute window
 * holds 10 outcomes. None failed: every replication reads 0, the Student-t interval is [0, 0]
 * and a 5 % limit would pass. The counts pooled over replications are 0 of 50, whose Wilson
 * upper end is z^2 / (50 + z^2) = 3.841459 / 53.841459 = 0.071347 (p = 0: centre = half =
 * (z^2 / 2n) / (1 + z^2 / n)): so a 5 % limit is inconclusive, 8 % passes. One failure in each
 * window: 0.1 everywhere, t interval [0.1, 0.1], pooled 5 of 50: Wilson centre
 * (0.1 + 0.038415) / 1.076829 = 0.128539, half 1.959964 x sqrt(0.0018 + 0.000384146) /
 * 1.076829 = 0.085063, so [0.043476, 0.213602]: a 15 % limit is no longer a pass but
 * inconclusive, 4 % still fails, 25 % passes. Both ways (replications, aggregate) agree. */
static void test_worst_window_counts(void **state)
{
	struct reps s;
	struct slo_result r;
	struct cfg_scenario sc;
	(void)state;

	reps_init(&s, 1);
	for (int i = 0; i < NREP; i++)
		s.r[i]->workloads[0].worst[0] = (struct window_result){
			.length_s = 60, .failure_rate = 0, .failure_start_s = 0, .failed = 0,
			.outcomes = 10, .wait_p99 = 0, .wait_start_s = 0};
	struct cfg_slo o = slo(0, "worst_1m.failure_rate", 0.05);
	slo_evaluate(s.p, NREP, &o, &r);
	assert_near(r.est.mean, 0, 0);
	assert_near(r.est.lo, 0, 0);
	assert_near(r.est.hi, 0.071347, 1e-6);
	double wlo, whi;
	wilson(0, 50, &wlo, &whi);
	assert_near(r.est.hi, whi, 1e-12);
	assert_int_equal(r.verdict, SLO_INCONCLUSIVE); /* was pass on [0, 0] */
	assert_int_equal(verdict(&s, slo(0, "worst_1m.failure_rate", 0.08)), SLO_PASS);
	cfg_scenario_defaults(&sc);
	sc.n_workloads = 1;
	sc.n_slo = 1;
	sc.slo[0] = o;
	struct slo_result ra;
	assert_int_equal(via_aggregate(&s, &sc, &ra), SLO_INCONCLUSIVE);
	assert_near(ra.est.hi, whi, 0);

	for (int i = 0; i < NREP; i++) {
		s.r[i]->workloads[0].worst[0].failure_rate = 0.1;
		s.r[i]->workloads[0].worst[0].failed = 1;
	}
	o = slo(0, "worst_1m.failure_rate", 0.15);
	slo_evaluate(s.p, NREP, &o, &r);
	assert_near(r.est.mean, 0.1, 1e-15);
	assert_near(r.est.lo, 0.043476, 1e-6);
	assert_near(r.est.hi, 0.213602, 1e-6);
	assert_int_equal(r.verdict, SLO_INCONCLUSIVE);
	assert_int_equal(verdict(&s, slo(0, "worst_1m.failure_rate", 0.04)), SLO_FAIL);
	assert_int_equal(verdict(&s, slo(0, "worst_1m.failure_rate", 0.25)), SLO_PASS);
	sc.slo[0] = o;
	assert_int_equal(via_aggregate(&s, &sc, &ra), SLO_INCONCLUSIVE);
	reps_fini(&s);
}

/* How many replications would decide a limit when the interval's end on the limit's side is the
 * Wilson bound of the pooled counts (5 replications x 10 outcomes in the worst minute, as
 * above). The Wilson bound u of an observed rate p on N trials solves
 * (p - u)^2 = z^2 u (1 - u) / N, so the trials at which it reaches a limit L are
 * N = z^2 L (1 - L) / (p - L)^2 (z^2 = 3.841459); with 10 trials per replication the answer
 * is the first m with 10 m past that N (the verdict passes on hi <= L, fails on lo > L):
 *  - 0 of 50, L = 5 %: N = 3.841459 x 0.0475 / 0.0025 = 72.99, m = 8 (70 trials: hi =
 *    3.841459 / 73.841459 = 0.0520 > 5 %; 80: 3.841459 / 83.841459 = 0.0458). The Student
 *    rule said 5 x (0.035674 / 0.05)^2 = 2.5 -> 6.
 *  - 0 of 50, L = 1 %: N = 3.841459 x 0.99 / 0.01 = 380.30, m = 39 (380 trials: hi =
 *    3.841459 / 383.841459 = 0.010008 > 1 %). The Student rule said 5 x (0.035674 /
 *    0.01)^2 = 63.6 -> 64.
 *  - 5 of 50 (0.1 each), L = 15 %: N = 3.841459 x 0.1275 / 0.0025 = 195.91, m = 20.
 *  - 5 of 50, L = 5 % (fails once the lower end clears it): N = 3.841459 x 0.0475 / 0.0025
 *    = 72.99, m = 8.
 * A Student-bound limit keeps n (h / d)^2 (test_format). */
static void test_wilson_replications(void **state)
{
	static const struct {
		int failed;
		double limit;
		long long want;
	} cases[] = {{0, 0.05, 8}, {0, 0.01, 39}, {1, 0.15, 20}, {1, 0.05, 8}};
	struct reps s;
	struct slo_result r;
	struct cfg_scenario sc;
	char buf[200], want[200];
	(void)state;

	reps_init(&s, 1);
	cfg_scenario_defaults(&sc);
	sc.n_workloads = 1;
	sc.n_slo = 1;
	snprintf(sc.workloads[0].name, sizeof sc.workloads[0].name, "api");
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		for (int i = 0; i < NREP; i++)
			s.r[i]->workloads[0].worst[0] = (struct window_result){
				.length_s = 60, .failure_rate = cases[c].failed / 10.0,
				.failed = (uint64_t)cases[c].failed, .outcomes = 10};
		struct cfg_slo o = slo(0, "worst_1m.failure_rate", cases[c].limit);
		slo_evaluate(s.p, NREP, &o, &r);
		assert_int_equal(r.verdict, SLO_INCONCLUSIVE);
		assert_near(r.est.events, 5.0 * cases[c].failed, 0);
		assert_near(r.est.trials, 50, 0);
		assert_near(r.est.trials_per_rep, 10, 0);
		assert_true(cases[c].failed ? r.est.wilson_lo && r.est.wilson_hi : r.est.wilson_hi);
		assert_int_equal(slo_replications_to_decide(&r), cases[c].want);
		/* the aggregate carries the same counts (via_aggregate compares them bit for bit) */
		sc.slo[0] = o;
		struct slo_result ra;
		assert_int_equal(via_aggregate(&s, &sc, &ra), SLO_INCONCLUSIVE);
		assert_int_equal(slo_replications_to_decide(&ra), cases[c].want);
		/* and the answer is right: m replications of the same counts decide, m - 1 do not
		 * (identical replications: the t interval is the point) */
		struct estimate e = {.mean = r.est.mean, .lo = r.est.mean, .hi = r.est.mean};
		e.n = (int)cases[c].want;
		estimate_widen_proportion(&e, e.n * cases[c].failed, e.n * 10.0);
		assert_int_not_equal(slo_verdict_of(&e, cases[c].limit), SLO_INCONCLUSIVE);
		e = (struct estimate){.mean = r.est.mean, .lo = r.est.mean, .hi = r.est.mean};
		e.n = (int)cases[c].want - 1;
		estimate_widen_proportion(&e, e.n * cases[c].failed, e.n * 10.0);
		assert_int_equal(slo_verdict_of(&e, cases[c].limit), SLO_INCONCLUSIVE);
	}
	/* the sentence the SLO section prints */
	for (int i = 0; i < NREP; i++)
		s.r[i]->workloads[0].worst[0].failed = 0, s.r[i]->workloads[0].worst[0].failure_rate = 0;
	struct cfg_slo o = slo(0, "worst_1m.failure_rate", 0.05);
	slo_evaluate(s.p, NREP, &o, &r);
	slo_format(buf, sizeof buf, &sc, &r);
	snprintf(want, sizeof want, "api worst_1m.failure_rate <= 5%%: 0%% [0%%, 7.13%%] "
		 "inconclusive (about 8 replications would decide it)");
	assert_string_equal(buf, want);
	reps_fini(&s);
}

/* The ends of the interval, to the last bit: ci_high == limit passes, ci_low == limit does not
 * fail. */
static void test_boundary(void **state)
{
	struct reps s;
	struct slo_result r;
	struct cfg_slo o = slo(0, "timeout_rate", 1);
	(void)state;

	reps_init(&s, 1);
	set_timeouts(&s, 0);
	slo_evaluate(s.p, NREP, &o, &r);
	double lo = r.est.lo, hi = r.est.hi;
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", hi)), SLO_PASS);
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", nextafter(hi, 0))), SLO_INCONCLUSIVE);
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", lo)), SLO_INCONCLUSIVE);
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", nextafter(lo, 0))), SLO_FAIL);

	/* slo_verdict_of on its own */
	struct estimate e = est(2, 1, 3, 5);
	assert_int_equal(slo_verdict_of(&e, 3), SLO_PASS);
	assert_int_equal(slo_verdict_of(&e, 2.5), SLO_INCONCLUSIVE);
	assert_int_equal(slo_verdict_of(&e, 1), SLO_INCONCLUSIVE);
	assert_int_equal(slo_verdict_of(&e, 0.5), SLO_FAIL);
	reps_fini(&s);
}

/* Every replication the same: the Student-t interval is the point, but a proportion keeps the
 * Wilson interval of its pooled counts, so zero variance is not mistaken for certainty. */
static void test_zero_variance(void **state)
{
	struct reps s;
	(void)state;

	reps_init(&s, 1);
	for (int i = 0; i < NREP; i++)
		s.r[i]->workloads[0].offered = 5000;
	/* no timeout in 25000 requests: [0, 3.84 / 25004 = 0.0154 %] (rule of three) */
	double lo, hi;
	wilson(0, 25000, &lo, &hi);
	assert_near(hi, 1.536e-4, 1e-6);
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", 0)), SLO_INCONCLUSIVE);
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", 1.5e-4)), SLO_INCONCLUSIVE);
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", 1.6e-4)), SLO_PASS);
	for (int i = 0; i < NREP; i++)
		s.r[i]->workloads[0].failed[REQ_TIMED_OUT] = 10; /* 0.2 % in each: Wilson [0.152 %, 0.262 %] */
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", 0.002)), SLO_INCONCLUSIVE);
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", 0.003)), SLO_PASS);
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", 0.001)), SLO_FAIL);
	reps_fini(&s);
}

/* A metric undefined in every replication (a wait quantile when nothing was served, a rate
 * when nothing was offered) is inconclusive whatever the limit. */
static void test_undefined(void **state)
{
	struct reps s;
	struct slo_result r;
	struct cfg_slo o = slo(0, "wait_p99", 1e9);
	(void)state;

	reps_init(&s, 1);
	slo_evaluate(s.p, NREP, &o, &r);
	assert_true(isnan(r.est.mean));
	assert_int_equal(r.est.n, 0);
	assert_int_equal(r.verdict, SLO_INCONCLUSIVE);
	assert_int_equal(verdict(&s, slo(0, "wait_mean", 1e9)), SLO_INCONCLUSIVE);
	assert_int_equal(verdict(&s, slo(0, "wait_max", 1e9)), SLO_INCONCLUSIVE);
	assert_int_equal(verdict(&s, slo(0, "timeout_rate", 1)), SLO_INCONCLUSIVE);
	reps_fini(&s);
}

/* Defined in only one replication: one value has no interval, so no verdict. Defined in two:
 * an interval over those two. */
static void test_one_value(void **state)
{
	struct reps s;
	struct slo_result r;
	struct cfg_slo o = slo(0, "wait_max", 1e9);
	(void)state;

	reps_init(&s, 1);
	histo_add(&s.r[2]->workloads[0].h_served, 0.010);
	slo_evaluate(s.p, NREP, &o, &r);
	assert_int_equal(r.est.n, 1);
	assert_near(r.est.mean, 0.010, 0);
	assert_int_equal(r.verdict, SLO_INCONCLUSIVE);
	/* nrep 1: the same */
	slo_evaluate(s.p + 2, 1, &o, &r);
	assert_int_equal(r.verdict, SLO_INCONCLUSIVE);

	histo_add(&s.r[4]->workloads[0].h_served, 0.012);
	slo_evaluate(s.p, NREP, &o, &r);
	assert_int_equal(r.est.n, 2);
	assert_near(r.est.mean, 0.011, 1e-15);
	assert_int_equal(r.verdict, SLO_PASS);
	reps_fini(&s);
}

/* Waits: the interval of wait_max in the header; a quantile reads the served histogram of the
 * right workload. */
static void test_waits(void **state)
{
	static const double max_ms[NREP] = {80, 82, 84, 86, 88};
	struct reps s;
	struct slo_result r;
	struct cfg_slo o = slo(1, "wait_max", 0.1);
	double half = T_975_4 * sqrt(10.0 / 5) / 1000;
	(void)state;

	reps_init(&s, 2);
	set_waits(&s, 1, max_ms);
	slo_evaluate(s.p, NREP, &o, &r);
	assert_int_equal(r.est.n, NREP);
	assert_near(r.est.mean, 0.084, 1e-15);
	assert_near(r.est.lo, 0.084 - half, 1e-12);
	assert_near(r.est.hi, 0.084 + half, 1e-12);
	assert_int_equal(r.verdict, SLO_PASS);
	assert_int_equal(verdict(&s, slo(1, "wait_max", 0.080)), SLO_FAIL);
	assert_int_equal(verdict(&s, slo(1, "wait_max", 0.085)), SLO_INCONCLUSIVE);
	/* p99 of 10 values is the largest (rank ceil(9.9) = 10), reported exactly */
	assert_int_equal(verdict(&s, slo(1, "wait_p99", 0.088 + half)), SLO_PASS);
	/* p50 of 1..9 ms and the max is 5 ms (within the histogram's 1 %) in every replication */
	assert_int_equal(verdict(&s, slo(1, "wait_p50", 0.0051)), SLO_PASS);
	assert_int_equal(verdict(&s, slo(1, "wait_p50", 0.0049)), SLO_FAIL);
	/* workload 0 served nothing */
	assert_int_equal(verdict(&s, slo(0, "wait_max", 1)), SLO_INCONCLUSIVE);
	reps_fini(&s);
}

/* A variant: fail if any fails, else inconclusive if any is, else pass; results in order. */
static void test_variant(void **state)
{
	static const double max_ms[NREP] = {80, 82, 84, 86, 88};
	struct cfg_scenario sc;
	struct slo_result out[4];
	struct reps s;
	(void)state;

	cfg_scenario_defaults(&sc);
	sc.n_workloads = 2;
	snprintf(sc.workloads[0].name, sizeof sc.workloads[0].name, "api");
	snprintf(sc.workloads[1].name, sizeof sc.workloads[1].name, "worker");
	reps_init(&s, 2);
	set_timeouts(&s, 0);
	set_waits(&s, 0, max_ms);

	/* no objective: nothing to miss */
	assert_int_equal(slo_evaluate_variant(s.p, NREP, &sc, NULL), SLO_PASS);

	sc.n_slo = 2;
	sc.slo[0] = slo(0, "timeout_rate", 0.0014); /* pass: above the Wilson bound 0.001318 */
	sc.slo[1] = slo(0, "wait_max", 0.1);        /* pass */
	assert_int_equal(slo_evaluate_variant(s.p, NREP, &sc, out), SLO_PASS);
	assert_int_equal(out[0].verdict, SLO_PASS);
	assert_string_equal(out[0].slo.metric, "timeout_rate");
	assert_int_equal(out[1].verdict, SLO_PASS);
	assert_string_equal(out[1].slo.metric, "wait_max");

	sc.n_slo = 3;
	sc.slo[2] = slo(1, "wait_p99", 0.1);        /* inconclusive: worker served nothing */
	assert_int_equal(slo_evaluate_variant(s.p, NREP, &sc, out), SLO_INCONCLUSIVE);
	assert_int_equal(out[2].verdict, SLO_INCONCLUSIVE);
	assert_int_equal(out[2].slo.workload, 1);

	sc.n_slo = 4;
	sc.slo[3] = slo(0, "timeout_rate", 0.0007); /* fail */
	assert_int_equal(slo_evaluate_variant(s.p, NREP, &sc, out), SLO_FAIL);
	assert_int_equal(via_aggregate(&s, &sc, out), SLO_FAIL);
	assert_int_equal(out[0].verdict, SLO_PASS);
	assert_int_equal(out[2].verdict, SLO_INCONCLUSIVE);
	assert_int_equal(out[3].verdict, SLO_FAIL);

	sc.slo[2] = slo(0, "wait_max", 0.085);      /* fail outranks inconclusive either way */
	assert_int_equal(slo_evaluate_variant(s.p, NREP, &sc, NULL), SLO_FAIL);
	sc.slo[3] = slo(0, "refused_rate", 0);
	assert_int_equal(slo_evaluate_variant(s.p, NREP, &sc, NULL), SLO_INCONCLUSIVE);
	reps_fini(&s);
}

/* The line for people, from hand-made results. */
/* Every final failure counts (issue 7): a workload with no pool timeout at all but refusals
 * (the 4 x (20+30) deployment against 97 usable slots) has failure_rate = refused / offered,
 * and a limit on timeouts is judged on it. Replications: 10000 offered, 1700 refused each
 * (17 %, the figure of the issue) and 0 timed out: failure_rate 0.17 with a zero-width t
 * interval widened to the Wilson interval of 8500 / 50000, about [0.1667, 0.1733]; a 0.1 %
 * limit on timeout_rate fails, and the line says refusals happened. */
static void test_refusals_fail_timeout_limit(void **state)
{
	struct reps s;
	struct cfg_scenario sc = {0};
	char buf[256];
	(void)state;

	reps_init(&s, 1);
	for (int i = 0; i < NREP; i++) {
		s.r[i]->workloads[0].offered = 10000;
		s.r[i]->workloads[0].failed[REQ_REFUSED] = 1700;
	}
	struct estimate e;
	estimate_metric(s.p, NREP, metric_find("failure_rate"), 0, &e);
	assert_near(e.mean, 0.17, 1e-15);
	assert_true(e.lo > 0.166 && e.lo < 0.17 && e.hi > 0.17 && e.hi < 0.174);
	estimate_metric(s.p, NREP, metric_find("timeout_rate"), 0, &e);
	assert_near(e.mean, 0, 0);

	struct slo_result r;
	struct cfg_slo o = slo(0, "timeout_rate", 0.001);
	slo_evaluate(s.p, NREP, &o, &r);
	assert_int_equal(r.verdict, SLO_FAIL);
	assert_near(r.refused_mean, 1700, 0);
	sc.n_workloads = 1;
	snprintf(sc.workloads[0].name, sizeof sc.workloads[0].name, "api");
	slo_format(buf, sizeof buf, &sc, &r);
	assert_string_equal(buf, "api timeout_rate <= 0.1%: 17% [16.7%, 17.3%]; 1700 refused by "
				 "the database per replication fail");
	o = slo(0, "failure_rate", 0.2);
	assert_int_equal(verdict(&s, o), SLO_PASS);
	reps_fini(&s);
}

/* Intervals are clipped to the metric's domain. wait_max of 0, 0, 0, 0, 50 ms: mean 10 ms,
 * deviations -10 (x4) and 40, sum of squares 400 + 1600 = 2000 ms^2, s^2 = 500 ms^2, half
 * width = 2.7764451052 sqrt(500 / 5) ms = 27.764 ms: the t interval [-17.76 ms, 37.76 ms] is
 * cut to [0, 37.76 ms]. A count (timed_out
 * 0, 0, 0, 0, 50: the same numbers) likewise starts at 0. */
static void test_clipping(void **state)
{
	struct reps s;
	static const double max_ms[NREP] = {0, 0, 0, 0, 50};
	(void)state;

	reps_init(&s, 1);
	for (int i = 0; i < NREP; i++) {
		struct histo *h = &s.r[i]->workloads[0].h_served;
		histo_add(h, max_ms[i] / 1000);
		s.r[i]->workloads[0].offered = 100;
		s.r[i]->workloads[0].failed[REQ_TIMED_OUT] = (uint64_t)max_ms[i];
	}
	struct estimate e;
	estimate_metric(s.p, NREP, metric_find("wait_max"), 0, &e);
	assert_near(e.mean, 0.010, 1e-12);
	assert_near(e.lo, 0, 0);
	assert_near(e.hi, 0.010 + T_975_4 * 0.010, 1e-9);
	estimate_metric(s.p, NREP, metric_find("timed_out"), 0, &e);
	assert_near(e.mean, 10, 1e-12);
	assert_near(e.lo, 0, 0);
	assert_near(e.hi, 10 + T_975_4 * 10, 1e-7);
	/* a rate: 0.5 mean with t half width 0.5 x 2.776 > 0.5 on both sides: [0, 1] */
	for (int i = 0; i < NREP; i++)
		s.r[i]->workloads[0].failed[REQ_TIMED_OUT] = i == 4 ? 100 : i == 3 ? 100 : 50 * (i % 2);
	estimate_metric(s.p, NREP, metric_find("timeout_rate"), 0, &e);
	assert_true(e.lo >= 0 && e.hi <= 1);
	assert_near(e.hi, 1, 0);
	/* a paired difference may be negative (its own clip: test_paired_clipping) */
	struct reps z;
	reps_init(&z, 1);
	for (int i = 0; i < NREP; i++)
		z.r[i]->workloads[0].offered = 100;
	estimate_paired_diff(s.p, z.p, NREP, metric_find("timeout_rate"), 0, &e);
	assert_true(e.mean < 0 && e.lo < 0);
	reps_fini(&z);
	reps_fini(&s);
}

/* The paired difference of base and variant, computed from the results and from aggregates
 * (the path every report takes): the same bytes. */
static void paired(const struct reps *base, const struct reps *var, const char *metric,
		   struct estimate *e)
{
	const struct metric_def *m = metric_find(metric);
	estimate_paired_diff(base->p, var->p, NREP, m, 0, e);
	struct cfg_scenario shape = base->shape;
	shape.workloads[0].kind = CFG_WORKLOAD_REQUESTS;
	struct aggregate *ab = aggregate_create(&shape), *av = aggregate_create(&shape);
	assert_non_null(ab);
	assert_non_null(av);
	for (int i = 0; i < NREP; i++) {
		aggregate_add(ab, base->r[i], base->r[i]);
		aggregate_add(av, var->r[i], base->r[i]);
	}
	struct estimate f;
	aggregate_diff(av, ab, m, 0, &f);
	assert_memory_equal(&e->mean, &f.mean, sizeof f.mean);
	assert_memory_equal(&e->lo, &f.lo, sizeof f.lo);
	assert_memory_equal(&e->hi, &f.hi, sizeof f.hi);
	assert_int_equal(e->n, f.n);
	aggregate_destroy(ab);
	aggregate_destroy(av);
}

/* A paired difference's interval is cut to what the two sides' own intervals allow
 * (estimate_clip_diff, the derivation in models/summary.c).
 *
 * A: the base never times out (0 of 100 in each of 5 replications), the variant times out
 * 0, 0, 0, 0, 50 of 100: differences 0, 0, 0, 0, 0.5, mean 0.1, s^2 = (4 x 0.01 + 0.16) / 4
 * = 0.05, half width 2.7764451052 x sqrt(0.05 / 5) = 0.27764: t interval [-0.17764,
 * 0.37764], whose lower end would mean the variant times out 17.8 points less than a base
 * that never times out. The base's interval is the Wilson interval of 0 in 500: [0,
 * z^2 / (500 + z^2)] = [0, 3.8415 / 503.8415 = 0.0076243], so D = E[V] - E[B] >= -E[B] >=
 * -0.0076243: the clipped interval is [-0.0076243, 0.37764] (not [0, ...]: the base's true
 * rate may be up to its upper bound). The upper end: E[V] <= the variant's own upper bound
 * 0.37764 (its t interval, wider than its Wilson interval [0.077, 0.129]) and 1 - E[B] <= 1:
 * unchanged.
 * B: the mirror (the variant never times out): [-0.37764, 0.0076243], mean -0.1.
 * C: a count without the Wilson widening (timed_out 0 in every replication of the base,
 * 0, 0, 0, 0, 50 in the variant): the base's interval is [0, 0], so the difference's t
 * interval [10 - 27.764, 10 + 27.764] starts at 0 (a positive zero). */
static void test_paired_clipping(void **state)
{
	const double z = 1.959963984540054, wilson0 = z * z / (500 + z * z);
	const double half = T_975_4 * sqrt(0.05 / 5);
	struct reps zero, some;
	struct estimate e;
	(void)state;

	reps_init(&zero, 1);
	reps_init(&some, 1);
	for (int i = 0; i < NREP; i++) {
		zero.r[i]->workloads[0].offered = 100;
		some.r[i]->workloads[0].offered = 100;
		some.r[i]->workloads[0].failed[REQ_TIMED_OUT] = i == 4 ? 50 : 0;
	}
	assert_near(wilson0, 0.0076243, 1e-7);
	/* A */
	paired(&zero, &some, "timeout_rate", &e);
	assert_int_equal(e.n, NREP);
	assert_near(e.mean, 0.1, 1e-15);
	assert_near(e.lo, -wilson0, 1e-15);
	assert_near(e.hi, 0.1 + half, 1e-12);
	assert_near(e.hi, 0.37764, 1e-5);
	/* the same for failure_rate, which counts the timeouts too */
	paired(&zero, &some, "failure_rate", &e);
	assert_near(e.lo, -wilson0, 1e-15);
	/* B */
	paired(&some, &zero, "timeout_rate", &e);
	assert_near(e.mean, -0.1, 1e-15);
	assert_near(e.lo, -0.1 - half, 1e-12);
	assert_near(e.hi, wilson0, 1e-15);
	/* C */
	paired(&zero, &some, "timed_out", &e);
	assert_near(e.mean, 10, 1e-12);
	assert_true(e.lo == 0 && !signbit(e.lo));
	assert_near(e.hi, 10 + T_975_4 * 10, 1e-7);
	/* D: the base at a steady 10 of 100 (Wilson interval of 50 in 500: [0.0767, 0.1294]),
	 * the variant 10, ..., 10, 60: the t interval [-0.17764, 0.37764] is cut at -B.hi =
	 * -0.12942 (E[V] >= 0); the variant's upper bound 0.37764 leaves the top. */
	for (int i = 0; i < NREP; i++) {
		zero.r[i]->workloads[0].failed[REQ_TIMED_OUT] = 10;
		some.r[i]->workloads[0].failed[REQ_TIMED_OUT] = i == 4 ? 60 : 10;
	}
	const double zz = z * z / 500;
	const double bh = ((0.1 + zz / 2) + z * sqrt(0.1 * 0.9 / 500 + zz / 2000)) / (1 + zz);
	assert_near(bh, 0.12942, 1e-5);
	paired(&zero, &some, "timeout_rate", &e);
	assert_near(e.lo, -bh, 1e-15);
	assert_near(e.hi, 0.1 + half, 1e-12);
	/* E: nothing to cut. Base 10, 10, 10, 10, 60 (mean 0.2, t [-0.078, 0.478] -> [0,
	 * 0.47764]), variant 10, 10, 10, 60, 60 (mean 0.3, s^2 = (3 x 0.04 + 2 x 0.09) / 4 =
	 * 0.075, half 2.7764 x sqrt(0.015) = 0.340: [0, 0.640]): differences 0, 0, 0, 0.5, 0,
	 * t interval [-0.17764, 0.37764] within [-0.478, 0.640]. */
	for (int i = 0; i < NREP; i++) {
		zero.r[i]->workloads[0].failed[REQ_TIMED_OUT] = i == 4 ? 60 : 10;
		some.r[i]->workloads[0].failed[REQ_TIMED_OUT] = i >= 3 ? 60 : 10;
	}
	paired(&zero, &some, "timeout_rate", &e);
	assert_near(e.mean, 0.1, 1e-15);
	assert_near(e.lo, 0.1 - half, 1e-12);
	assert_near(e.hi, 0.1 + half, 1e-12);
	reps_fini(&zero);
	reps_fini(&some);

	/* The rule on its own. A fraction: D <= 1 - B.lo (base 0.9 [0.8, 1]: at most 0.2) and
	 * D >= V.lo - 1 (variant [0.05, 0.3]: at least -0.95), D <= V.hi = 0.3. */
	const struct metric_def *rate = metric_find("timeout_rate");
	struct estimate b = est(0.9, 0.8, 1, 5), v = est(0.1, 0.05, 0.3, 5);
	struct estimate d = est(0.1, -2, 2, 5);
	estimate_clip_diff(rate, &b, &v, &d);
	assert_near(d.lo, -0.95, 1e-15); /* max(-B.hi = -1, V.lo - 1 = -0.95) */
	assert_near(d.hi, 0.2, 1e-15);   /* min(V.hi = 0.3, 1 - B.lo = 0.2) */
	d = est(0.1, -2, 2, 5);
	b.hi = 0.9;
	estimate_clip_diff(rate, &b, &v, &d);
	assert_near(d.lo, -0.9, 1e-15); /* -B.hi = -0.9 > V.lo - 1 = -0.95 */
	assert_near(d.hi, 0.2, 1e-15);  /* min(V.hi = 0.3, 1 - B.lo = 0.2) */
	/* a cut never passes the mean (sides defined in different replications) */
	d = est(-0.95, -2, 2, 5);
	estimate_clip_diff(rate, &b, &v, &d);
	assert_near(d.lo, -0.95, 0);
	/* an undefined side cuts nothing; an undefined difference stays undefined */
	struct estimate u = est(NAN, NAN, NAN, 0);
	d = est(0.1, -2, 2, 5);
	estimate_clip_diff(metric_find("wait_p99"), &u, &u, &d);
	assert_near(d.lo, -2, 0);
	assert_near(d.hi, 2, 0);
	d = est(NAN, NAN, NAN, 0);
	estimate_clip_diff(rate, &b, &v, &d);
	assert_true(isnan(d.lo) && isnan(d.hi));
}

/* A quantile's interval ends at its sample's maximum (estimate_clip_quantile). Replications
 * 0..3 serve 98 requests at once and 2 after exactly 30 s (a pool timeout's bound); the last
 * serves 99 at once and one after 30 s. wait_max is 30 s in every replication: [30 s, 30 s].
 * wait_p99 (rank ceil(0.99 x 100) = 99) is 30 s, 30 s, 30 s, 30 s, 0: mean 24 s, deviations
 * 6 (x4) and -24, s^2 = (4 x 36 + 576) / 4 = 180 s^2, half width 2.7764451052 x sqrt(180 / 5)
 * = 16.659 s: the t interval [7.34 s, 40.66 s] claims a p99 of up to 40 s when no wait
 * exceeded 30 s; it is cut to [7.34 s, 30 s]. wait_p50 (0 everywhere) is untouched. */
static void test_quantile_within_max(void **state)
{
	struct reps s;
	const double half = T_975_4 * 6;
	(void)state;

	reps_init(&s, 1);
	for (int i = 0; i < NREP; i++) {
		struct histo *h = &s.r[i]->workloads[0].h_served;
		int slow = i < 4 ? 2 : 1;
		for (int k = 0; k < 100; k++)
			histo_add(h, k < 100 - slow ? 0 : 30);
		s.r[i]->workloads[0].offered = 100;
		s.r[i]->workloads[0].served = 100;
	}
	const struct metric_def *p99 = metric_find("wait_p99");
	assert_ptr_equal(metric_sample_max(p99), metric_find("wait_max"));
	assert_ptr_equal(metric_sample_max(metric_find("wait_all_p999")),
			 metric_find("wait_all_max"));
	assert_ptr_equal(metric_sample_max(metric_find("hold_p95")), metric_find("hold_max"));
	assert_ptr_equal(metric_sample_max(metric_find("lock_wait_p50")),
			 metric_find("lock_wait_max"));
	assert_ptr_equal(metric_sample_max(metric_find("window2.wait_p99")),
			 metric_find("wait_max"));
	assert_null(metric_sample_max(metric_find("wait_mean")));
	assert_null(metric_sample_max(metric_find("wait_max")));
	assert_null(metric_sample_max(metric_find("window1.failure_rate")));

	struct estimate e, mx;
	estimate_metric(s.p, NREP, metric_find("wait_max"), 0, &mx);
	assert_near(mx.lo, 30, 0);
	assert_near(mx.hi, 30, 0);
	estimate_metric(s.p, NREP, p99, 0, &e);
	assert_near(e.mean, 24, 1e-12);
	assert_near(e.lo, 24 - half, 1e-9);
	assert_near(e.hi, 30, 0); /* not 24 + 16.659 = 40.66 */
	estimate_metric(s.p, NREP, metric_find("wait_p50"), 0, &e);
	assert_near(e.hi, 0, 0);
	/* the aggregate (what every report reads) says the same */
	struct cfg_scenario shape = s.shape;
	shape.workloads[0].kind = CFG_WORKLOAD_REQUESTS;
	struct aggregate *a = aggregate_create(&shape);
	assert_non_null(a);
	for (int i = 0; i < NREP; i++)
		aggregate_add(a, s.r[i], s.r[i]);
	struct estimate f;
	aggregate_estimate(a, p99, 0, &f);
	assert_near(f.lo, 24 - half, 1e-9);
	assert_near(f.hi, 30, 0);
	aggregate_destroy(a);
	reps_fini(&s);

	/* The rule alone: never below the mean; a NAN maximum cuts nothing. */
	struct estimate q = est(10, 5, 15, 5), m = est(8, 7, 9, 5);
	estimate_clip_quantile(&q, &m);
	assert_near(q.hi, 10, 0);
	q = est(10, 5, 15, 5);
	m = est(NAN, NAN, NAN, 0);
	estimate_clip_quantile(&q, &m);
	assert_near(q.hi, 15, 0);
}

static void test_format(void **state)
{
	static const struct {
		const char *metric;
		double limit, mean, lo, hi;
		int n;
		enum slo_verdict v;
		const char *want;
	} cases[] = {
		{"wait_p99", 0.1, 0.08423, 0.07914, 0.08931, 20, SLO_PASS,
		 "api wait_p99 <= 100ms: 84.2ms [79.1ms, 89.3ms] pass"},
		{"timeout_rate", 0.001, 0.0025, 0.0019, 0.0031, 20, SLO_FAIL,
		 "api timeout_rate <= 0.1%: 0.25% [0.19%, 0.31%] fail"},
		{"refused_rate", 0, 0, 0, 0, 5, SLO_PASS,
		 "api refused_rate <= 0%: 0% [0%, 0%] pass"},
		{"timeout_rate", 0.00125, 0.00042, -0.00012, 0.00096, 5, SLO_PASS,
		 "api timeout_rate <= 0.125%: 0.042% [-0.012%, 0.096%] pass"},
		{"wait_p50", 0.0005, 0.000251, 0.0000004, 0.0009996, 5, SLO_INCONCLUSIVE,
		 /* h = 0.4996 ms, d = 0.249 ms: 5 x (h / d)^2 = 20.1 -> 21 */
		 "api wait_p50 <= 500us: 251us [0.4us, 1ms] inconclusive (about 21 replications "
		 "would decide it)"},
		{"wait_max", 30, 29.996, 12.3456, 1234.4, 5, SLO_INCONCLUSIVE,
		 /* h = 611 s, d = 4 ms: 5 x (h / d)^2 = 1.2e11 */
		 "api wait_max <= 30s: 30s [12.3s, 1234s] inconclusive (more than a million "
		 "replications would be needed)"},
		{"wait_mean", 1.5, 0.9996, -0.0021, 2, 5, SLO_INCONCLUSIVE,
		 /* h = 1.00105 s, d = 0.5004 s: 5 x (h / d)^2 = 20.01 -> 21 */
		 "api wait_mean <= 1.5s: 1s [-2.1ms, 2s] inconclusive (about 21 replications would "
		 "decide it)"},
		{"wait_p999", 0.2505, 0, 0, 0, 5, SLO_PASS,
		 "api wait_p999 <= 250.5ms: 0s [0s, 0s] pass"},
		{"wait_p99", 0.1, NAN, NAN, NAN, 0, SLO_INCONCLUSIVE,
		 "api wait_p99 <= 100ms: undefined inconclusive"},
		{"wait_p99", 0.1, 0.0842, 0.0842, 0.0842, 1, SLO_INCONCLUSIVE,
		 "api wait_p99 <= 100ms: 84.2ms (1 replication, no interval) inconclusive"},
	};
	struct cfg_scenario sc;
	char buf[160], small[12];
	(void)state;

	cfg_scenario_defaults(&sc);
	sc.n_workloads = 2;
	snprintf(sc.workloads[0].name, sizeof sc.workloads[0].name, "api");
	snprintf(sc.workloads[1].name, sizeof sc.workloads[1].name, "worker");
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct slo_result r = {
			.slo = slo(0, cases[i].metric, cases[i].limit),
			.est = {cases[i].mean, cases[i].lo, cases[i].hi, cases[i].n},
			.verdict = cases[i].v,
		};
		int len = slo_format(buf, sizeof buf, &sc, &r);
		assert_string_equal(buf, cases[i].want);
		assert_int_equal(len, (int)strlen(cases[i].want));
	}

	/* the workload by index; a short buffer is truncated and terminated */
	struct slo_result r = {.slo = slo(1, "timeout_rate", 0.001),
			       .est = {0.0004, 0.0003, 0.0005, 10},
			       .verdict = SLO_PASS};
	const char *want = "worker timeout_rate <= 0.1%: 0.04% [0.03%, 0.05%] pass";
	assert_int_equal(slo_format(buf, sizeof buf, &sc, &r), (int)strlen(want));
	assert_string_equal(buf, want);
	assert_int_equal(slo_format(small, sizeof small, &sc, &r), (int)strlen(want));
	assert_string_equal(small, "worker time");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_window_metric_names),
		cmocka_unit_test(test_verdict_names),
		cmocka_unit_test(test_timeout_rate),
		cmocka_unit_test(test_boundary),
		cmocka_unit_test(test_zero_variance),
		cmocka_unit_test(test_undefined),
		cmocka_unit_test(test_one_value),
		cmocka_unit_test(test_waits),
		cmocka_unit_test(test_variant),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_refusals_fail_timeout_limit),
		cmocka_unit_test(test_clipping),
		cmocka_unit_test(test_paired_clipping),
		cmocka_unit_test(test_quantile_within_max),
		cmocka_unit_test(test_worst_window_counts),
		cmocka_unit_test(test_wilson_replications),
	};
	return cmocka_run_group_tests_name("slo", tests, NULL, NULL);
}
