#include "models/aggregate.h"

#include <assert.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/status.h"

/* One metric of one workload or pool: its values, its paired differences to the baseline,
 * and for a proportion the pooled counts (summed in replication order, as estimate_metric
 * sums them). */
struct aggregate_cell {
	struct tally value, diff;
	double events, trials;
};

static size_t align_up(size_t n)
{
	const size_t a = _Alignof(max_align_t);
	return (n + a - 1) / a * a;
}

/* Layout: header | cells | pools | histograms. */
static size_t layout(const struct aggregate *a, size_t *off_cells, size_t *off_pools,
		     size_t *off_h)
{
	size_t n = align_up(sizeof *a);
	*off_cells = n;
	n = align_up(n + (size_t)a->n_metrics * (size_t)a->n_slots * sizeof(struct aggregate_cell));
	*off_pools = n;
	n = align_up(n + (size_t)a->n_pools * sizeof(struct aggregate_pool));
	*off_h = n;
	return n + 2 * (size_t)a->n_histo * sizeof(struct histo);
}

static void rebase(struct aggregate *a)
{
	size_t oc, op, oh;
	layout(a, &oc, &op, &oh);
	char *base = (char *)a;
	a->cells = (struct aggregate_cell *)(void *)(base + oc);
	a->pools = (struct aggregate_pool *)(void *)(base + op);
	struct histo *h = (struct histo *)(void *)(base + oh);
	for (int w = 0; w < CFG_MAX_WORKLOADS; w++) {
		int k = w < a->n_workloads ? a->hslot[w] : -1;
		a->h_served[w] = k >= 0 ? &h[2 * k] : NULL;
		a->h_all[w] = k >= 0 ? &h[2 * k + 1] : NULL;
	}
}

struct aggregate *aggregate_create(const struct cfg_scenario *sc)
{
	struct aggregate hdr = {.n_pools = sc->n_pools, .n_workloads = sc->n_workloads,
				.n_replicas = sc->n_replicas};
	metric_table(&hdr.n_metrics);
	hdr.n_slots = sc->n_pools > sc->n_workloads ? sc->n_pools : sc->n_workloads;
	if (hdr.n_slots < 1 + sc->n_replicas)
		hdr.n_slots = 1 + sc->n_replicas;
	for (int w = 0; w < CFG_MAX_WORKLOADS; w++)
		hdr.hslot[w] = w < sc->n_workloads && sc->workloads[w].kind == CFG_WORKLOAD_REQUESTS
				       ? hdr.n_histo++
				       : -1;
	size_t oc, op, oh;
	hdr.bytes = layout(&hdr, &oc, &op, &oh);
	struct aggregate *a = calloc(1, hdr.bytes);
	if (!a)
		return NULL;
	memcpy(a, &hdr, sizeof hdr);
	rebase(a);
	for (int i = 0; i < a->n_metrics * a->n_slots; i++) {
		tally_init(&a->cells[i].value);
		tally_init(&a->cells[i].diff);
	}
	for (int p = 0; p < a->n_pools; p++)
		a->pools[p].first_timeout_overflow = INT_MIN;
	for (int w = 0; w < a->n_workloads; w++)
		if (a->h_served[w]) {
			histo_init(a->h_served[w]);
			histo_init(a->h_all[w]);
		}
	return a;
}

void aggregate_destroy(struct aggregate *a)
{
	free(a);
}

/* The number of workloads or pools a metric of this scope is defined for. */
static int slots_of(const struct aggregate *a, enum metric_scope scope)
{
	switch (scope) {
	case METRIC_WORKLOAD:
	case METRIC_BATCH:
		return a->n_workloads;
	case METRIC_POOL:
		return a->n_pools;
	case METRIC_DATABASE:
	case METRIC_PGBOUNCER:
		return 1 + a->n_replicas; /* the primary, then each replica */
	}
	return 0;
}

void aggregate_add(struct aggregate *a, const struct model_result *r,
		   const struct model_result *base)
{
	assert(r->n_pools == a->n_pools && r->n_workloads == a->n_workloads);
	int nm;
	const struct metric_def *t = metric_table(&nm);
	assert(nm == a->n_metrics);
	for (int k = 0; k < nm; k++) {
		int ns = slots_of(a, t[k].scope);
		for (int i = 0; i < ns; i++) {
			struct aggregate_cell *c = &a->cells[k * a->n_slots + i];
			double x = t[k].get(r, i);
			if (!isnan(x))
				tally_add(&c->value, x);
			if (base) {
				double d = x - t[k].get(base, i);
				if (!isnan(d))
					tally_add(&c->diff, d);
			}
			if (t[k].counts) {
				double e, n;
				t[k].counts(r, i, &e, &n);
				c->events += e;
				c->trials += n;
			}
		}
	}
	for (int p = 0; p < a->n_pools; p++) {
		const struct pool_result *pr = &r->pools[p];
		if (pr->exhausted_share > 0 || pr->longest_exhausted_s > 0)
			a->pools[p].exhausted_reps++;
		if (a->pools[p].first_timeout_overflow == INT_MIN)
			a->pools[p].first_timeout_overflow = pr->first_timeout_overflow;
	}
	for (int w = 0; w < a->n_workloads; w++)
		if (a->h_served[w]) {
			histo_merge(a->h_served[w], &r->workloads[w].h_served);
			histo_merge(a->h_all[w], &r->workloads[w].h_all);
		}
	if (a->nrep == 0) {
		a->n_processes = r->n_processes;
		for (int w = 0; w < a->n_workloads; w++)
			memcpy(a->first_worst[w], r->workloads[w].worst, sizeof a->first_worst[w]);
	}
	a->db_refused += r->db_refused;
	for (int k = 0; k < a->n_replicas; k++)
		a->replica_refused[k] += r->replicas[k].refused;
	a->nrep++;
}

static const struct aggregate_cell *cell(const struct aggregate *a, const struct metric_def *m,
					 int idx)
{
	int nm;
	const struct metric_def *t = metric_table(&nm);
	long k = m - t;
	assert(k >= 0 && k < nm && idx >= 0 && idx < slots_of(a, m->scope));
	return &a->cells[k * a->n_slots + idx];
}

void aggregate_estimate(const struct aggregate *a, const struct metric_def *m, int idx,
			struct estimate *e)
{
	const struct aggregate_cell *c = cell(a, m, idx);
	e->n = (int)c->value.n;
	e->mean = ci_student_tally(&c->value, 0.95, &e->lo, &e->hi);
	if (m->counts)
		estimate_widen_proportion(e, c->events, c->trials);
	estimate_clip(m, e);
	const struct metric_def *mx = metric_sample_max(m);
	if (mx) {
		struct estimate emax;
		aggregate_estimate(a, mx, idx, &emax);
		estimate_clip_quantile(e, &emax);
	}
}

void aggregate_diff(const struct aggregate *a, const struct aggregate *base,
		    const struct metric_def *m, int idx, struct estimate *e)
{
	const struct aggregate_cell *c = cell(a, m, idx);
	e->n = (int)c->diff.n;
	e->mean = ci_student_tally(&c->diff, 0.95, &e->lo, &e->hi);
	struct estimate eb, ev;
	aggregate_estimate(base, m, idx, &eb);
	aggregate_estimate(a, m, idx, &ev);
	estimate_clip_diff(m, &eb, &ev, e);
}

const void *aggregate_data(const struct aggregate *a, size_t *n)
{
	*n = a->bytes;
	return a;
}

int aggregate_load(struct aggregate *a, const void *data, size_t n)
{
	const struct aggregate *src = data;
	if (n != a->bytes || n < sizeof *a || src->bytes != a->bytes ||
	    src->n_metrics != a->n_metrics || src->n_slots != a->n_slots ||
	    src->n_histo != a->n_histo)
		return PT_EINVAL;
	memcpy(a, data, n);
	rebase(a);
	return PT_OK;
}

bool aggregate_equal(const struct aggregate *a, const struct aggregate *b)
{
	if (a->bytes != b->bytes || a->n_metrics != b->n_metrics || a->n_slots != b->n_slots ||
	    a->n_histo != b->n_histo || a->nrep != b->nrep || a->n_pools != b->n_pools ||
	    a->n_workloads != b->n_workloads || a->n_processes != b->n_processes ||
	    a->db_refused != b->db_refused || a->n_replicas != b->n_replicas ||
	    memcmp(a->replica_refused, b->replica_refused, sizeof a->replica_refused) != 0)
		return false;
	for (int w = 0; w < CFG_MAX_WORKLOADS; w++)
		if (a->hslot[w] != b->hslot[w])
			return false;
	size_t hdr = align_up(sizeof *a);
	return memcmp((const char *)a + hdr, (const char *)b + hdr, a->bytes - hdr) == 0;
}
