#include "models/precision.h"

#include <math.h>

/* The headline metrics of a requests workload (the header paragraph says why these). */
static const char *const headline[] = {"failure_rate", "wait_mean", "wait_p99"};

/* The larger of two needs; PRECISION_UNKNOWN wins over any number (the next round doubles,
 * which is also what precision_next caps a large need to, give or take). */
static long long combine(long long a, long long b)
{
	if (a == PRECISION_UNKNOWN || b == PRECISION_UNKNOWN)
		return PRECISION_UNKNOWN;
	return a > b ? a : b;
}

long long precision_metric_need(const struct estimate *e, double rel)
{
	if (e->n == 0 || isnan(e->mean))
		return 0; /* undefined in every replication: nothing to estimate */
	if (e->mean == 0)
		return 0; /* 0 in every replication: [0, 0] */
	if (e->n < 2 || isnan(e->lo) || isnan(e->hi))
		return PRECISION_UNKNOWN;
	double h = (e->hi - e->lo) / 2, target = rel * fabs(e->mean);
	if (h <= target)
		return 0;
	/* the half-width shrinks as 1 / sqrt(n) */
	double need = ceil((double)e->n * (h / target) * (h / target));
	if (need <= e->n)
		need = e->n + 1;
	return need > 1e9 ? 1000000000LL : (long long)need;
}

long long precision_slo_need(const struct slo_result *res, int n_slo, enum slo_verdict all)
{
	if (all != SLO_INCONCLUSIVE)
		return 0;
	long long need = 0;
	for (int i = 0; i < n_slo; i++) {
		if (res[i].verdict != SLO_INCONCLUSIVE)
			continue;
		long long k = slo_replications_to_decide(&res[i]);
		need = combine(need, k > 0 ? k : PRECISION_UNKNOWN);
	}
	/* inconclusive overall means some limit is: need > 0 or unknown */
	return need ? need : PRECISION_UNKNOWN;
}

long long precision_variant_need(const struct aggregate *a, const struct cfg_scenario *sc,
				 double rel)
{
	if (sc->n_slo > 0) {
		struct slo_result res[CFG_MAX_SLO];
		enum slo_verdict all = slo_evaluate_aggregate(a, sc, res);
		return precision_slo_need(res, sc->n_slo, all);
	}
	long long need = 0;
	for (int w = 0; w < sc->n_workloads; w++) {
		if (sc->workloads[w].kind != CFG_WORKLOAD_REQUESTS)
			continue;
		for (size_t i = 0; i < sizeof headline / sizeof headline[0]; i++) {
			struct estimate e;
			aggregate_estimate(a, metric_find(headline[i]), w, &e);
			need = combine(need, precision_metric_need(&e, rel));
		}
	}
	return need;
}

int precision_next(int n, long long need, int max)
{
	if (n >= max)
		return n;
	double lo = n + ceil(n / 4.0), hi = need == PRECISION_UNKNOWN ? 2.0 * n : 4.0 * n;
	double next = need == PRECISION_UNKNOWN ? hi : ceil(1.2 * (double)need);
	if (next < lo)
		next = lo;
	if (next > hi)
		next = hi;
	if (next < n + 1)
		next = n + 1;
	return next > max ? max : (int)next;
}
