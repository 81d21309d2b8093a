#include "app/report_tables.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "app/report.h"
#include "models/pool.h"
#include "models/requests.h"
#include "models/summary.h"

/* The variant column, `namew` wide in the terminal (cut there). */
static void variant_column(struct table *t, const char *term, int namew, unsigned flags)
{
	table_add_column(t, &(struct table_column){.header = "variant", .term = term,
						   .align = TABLE_LEFT, .width = namew,
						   .max = namew, .flags = flags});
}

static void col(struct table *t, const char *header, const char *term, enum table_align align,
		int width, int gap, unsigned flags)
{
	table_add_column(t, &(struct table_column){.header = header, .term = term, .align = align,
						   .width = width, .gap = gap, .flags = flags});
}

static void count(struct table *t, double x)
{
	char buf[32];
	report_format_count(x, buf, sizeof buf);
	table_add_value(t, buf);
}

static void estimate(struct table *t, enum table_value kind, const struct experiment *ex, int v,
		     const char *metric, int idx)
{
	struct estimate e = report_est(ex, v, metric, idx);
	table_add_estimate(t, kind, &e);
}

/* "timed_out" -> "timed out" */
static void spaced(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s", name);
	for (char *p = buf; *p; p++)
		*p = *p == '_' ? ' ' : *p;
}

struct table *report_tables_workload(const struct scenario *sc, const struct experiment *ex,
				     int w, int namew)
{
	const struct cfg_scenario *base = &sc->variants[0].cfg;
	const struct cfg_workload *wl = &base->workloads[w];
	char caption[(2 + CFG_MAX_POOLS) * CFG_NAME_MAX + 48];
	int n = snprintf(caption, sizeof caption, "workload %s (pool %s", wl->name,
			 base->pools[wl->pool].name);
	/* read routing (the first variant's): where its read-only transactions go */
	for (int k = 0; k < wl->req.reads.n_pools && n > 0 && (size_t)n < sizeof caption; k++)
		n += snprintf(caption + n, sizeof caption - (size_t)n, "%s%s", k ? ", " : "; reads: ",
			      base->pools[wl->req.reads.pools[k]].name);
	if (n > 0 && (size_t)n < sizeof caption)
		snprintf(caption + n, sizeof caption - (size_t)n, ")");
	struct table *t = table_create(caption);
	variant_column(t, NULL, namew, 0);
	col(t, "offered", NULL, TABLE_RIGHT, 9, 2, 0);
	col(t, "served", NULL, TABLE_RIGHT, 9, 1, TABLE_TERM_ONLY);
	/* one count column per final failure cause (models/requests.h), then their sum as a
	 * share of offered requests */
	for (int f = 0; f < REQ_FAILURES; f++) {
		if (!report_cause_shown(ex, f, w))
			continue;
		char head[48];
		spaced(requests_failure_name(f), head, sizeof head);
		col(t, head, NULL, TABLE_RIGHT, 9, 1, 0);
	}
	col(t, "failure rate", "failure rate [95% CI]", TABLE_AUTO, 26, 2, 0);
	col(t, "wait mean", "wait", TABLE_AUTO, 8, 2, TABLE_TERM_ONLY | TABLE_BRIEF);
	static const char *const qs[] = {"wait_p50", "wait_p95", "wait_p99", "wait_p999"};
	static const char *const qh[][2] = {
		{"wait p50", "p50"}, {"wait p95", "p95"}, {"wait p99", "p99"}, {"wait p99.9", "p99.9"}};
	for (int k = 0; k < 4; k++)
		col(t, qh[k][0], qh[k][1], TABLE_AUTO, 8, 1, TABLE_BRIEF);
	col(t, "wait max", "max", TABLE_AUTO, 8, 1, TABLE_TERM_ONLY | TABLE_BRIEF);
	for (int v = 0; v < ex->n_variants; v++) {
		table_add_row(t);
		table_add_text(t, sc->variants[v].name);
		count(t, report_est(ex, v, "offered", w).mean);
		count(t, report_est(ex, v, "served", w).mean);
		for (int f = 0; f < REQ_FAILURES; f++)
			if (report_cause_shown(ex, f, w))
				count(t, report_est(ex, v, requests_failure_name(f), w).mean);
		estimate(t, TABLE_RATE, ex, v, "failure_rate", w);
		estimate(t, TABLE_DURATION, ex, v, "wait_mean", w);
		for (int k = 0; k < 4; k++)
			estimate(t, TABLE_DURATION, ex, v, qs[k], w);
		estimate(t, TABLE_DURATION, ex, v, "wait_max", w);
	}
	return t;
}

/* Whether variants a and b of workload w have the same window lengths, in the same order. */
static bool same_windows(const struct scenario *sc, int w, int a, int b)
{
	const struct cfg_requests *x = &sc->variants[a].cfg.workloads[w].req,
				  *y = &sc->variants[b].cfg.workloads[w].req;
	if (x->n_windows != y->n_windows)
		return false;
	for (int i = 0; i < x->n_windows; i++)
		if (x->windows_s[i] != y->windows_s[i])
			return false;
	return true;
}

bool report_tables_worst_leads(const struct scenario *sc, const struct experiment *ex, int w,
			       int v)
{
	for (int u = 0; u < v && u < ex->n_variants; u++)
		if (same_windows(sc, w, u, v))
			return false;
	return v < ex->n_variants;
}

struct table *report_tables_worst(const struct scenario *sc, const struct experiment *ex, int w,
				  int namew, int lead)
{
	/* each window length of the workload (1 and 5 minutes unless slo.WORKLOAD.window says
	 * otherwise): variant `lead`'s lengths head the columns, and the rows are the variants
	 * with those lengths (a variant with other lengths has its own table: the headings of
	 * the first variant over another's windows would name lengths it did not measure) */
	const struct cfg_requests *rq = &sc->variants[lead].cfg.workloads[w].req;
	struct table *t =
		table_create("worst windows (sliding in 1 s steps; mean over replications):");
	table_caption_at(t, 1);
	variant_column(t, NULL, namew, 0);
	for (int i = 0; i < rq->n_windows; i++) {
		char label[24], h1[48], t1[48], h2[32];
		metric_window_label(rq->windows_s[i], label, sizeof label);
		snprintf(h1, sizeof h1, "%s failure rate", label);
		snprintf(t1, sizeof t1, "%s failure rate [95%% CI]", label);
		snprintf(h2, sizeof h2, "%s p99", label);
		col(t, h1, t1, TABLE_LEFT, 28, i ? 1 : 2, 0);
		col(t, h2, NULL, TABLE_LEFT, 10, 1, TABLE_BRIEF);
	}
	for (int v = lead; v < ex->n_variants; v++) {
		if (!same_windows(sc, w, lead, v))
			continue;
		table_add_row(t);
		table_add_text(t, sc->variants[v].name);
		for (int i = 0; i < rq->n_windows; i++) {
			char mr[32], mp[32];
			snprintf(mr, sizeof mr, "window%d.failure_rate", i + 1);
			snprintf(mp, sizeof mp, "window%d.wait_p99", i + 1);
			estimate(t, TABLE_RATE, ex, v, mr, w);
			estimate(t, TABLE_DURATION, ex, v, mp, w);
		}
	}
	return t;
}

bool report_tables_contention_shown(const struct experiment *ex, int w)
{
	bool any = false;
	for (int v = 0; v < ex->n_variants; v++)
		any |= report_est(ex, v, "retries", w).mean > 0 ||
		       report_est(ex, v, "lock_waits", w).mean > 0 ||
		       report_est(ex, v, "pool_timeouts", w).mean > 0;
	return any;
}

struct table *report_tables_contention(const struct scenario *sc, const struct experiment *ex,
				       int w, int namew)
{
	struct table *t = table_create(NULL);
	variant_column(t, "", namew, 0);
	col(t, "pool timeouts", NULL, TABLE_RIGHT, 13, 2, 0);
	col(t, "batches held >= half", "batches >= 1/2", TABLE_LEFT, 15, 1, TABLE_BRIEF);
	col(t, "batches + lock waits held >= half", "batches+locks >= 1/2", TABLE_LEFT, 21, 1,
	    TABLE_BRIEF);
	col(t, "retried", NULL, TABLE_RIGHT, 9, 1, 0);
	col(t, "lock waits", NULL, TABLE_RIGHT, 10, 1, 0);
	col(t, "lock wait mean", "lock wait", TABLE_AUTO, 9, 1, TABLE_BRIEF);
	col(t, "hold mean", "hold", TABLE_AUTO, 9, 1, TABLE_BRIEF);
	col(t, "hold max", NULL, TABLE_AUTO, 9, 1, TABLE_BRIEF);
	for (int v = 0; v < ex->n_variants; v++) {
		table_add_row(t);
		table_add_text(t, sc->variants[v].name);
		count(t, report_est(ex, v, "pool_timeouts", w).mean);
		estimate(t, TABLE_RATE, ex, v, "timeouts_batch_heavy_share", w);
		estimate(t, TABLE_RATE, ex, v, "timeouts_lock_heavy_share", w);
		count(t, report_est(ex, v, "retried", w).mean);
		count(t, report_est(ex, v, "lock_waits", w).mean);
		static const char *const ds[] = {"lock_wait_mean", "hold_mean", "hold_max"};
		for (int k = 0; k < 3; k++)
			estimate(t, TABLE_DURATION, ex, v, ds[k], w);
	}
	return t;
}

struct table *report_tables_batch(const struct scenario *sc, const struct experiment *ex, int w,
				  int namew)
{
	const struct cfg_scenario *base = &sc->variants[0].cfg;
	const struct cfg_workload *wl = &base->workloads[w];
	static const char *const commit_names[] = {"per_batch", "per_group", "per_record"};
	char caption[2 * CFG_NAME_MAX + 40];
	snprintf(caption, sizeof caption, "batch workload %s (pool %s)", wl->name,
		 base->pools[wl->pool].name);
	struct table *t = table_create(caption);
	variant_column(t, NULL, namew, 0);
	col(t, "commit", NULL, TABLE_LEFT, 10, 2, 0);
	col(t, "batches", NULL, TABLE_RIGHT, 8, 1, 0);
	col(t, "failed", "failed [95% CI]", TABLE_AUTO, 22, 1, 0);
	col(t, "records/batch", "records", TABLE_AUTO, 8, 1, TABLE_BRIEF);
	col(t, "duration", NULL, TABLE_AUTO, 9, 1, TABLE_BRIEF);
	col(t, "hold per transaction", "txn hold", TABLE_AUTO, 9, 1, TABLE_BRIEF);
	col(t, "hold max", NULL, TABLE_AUTO, 9, 1, TABLE_BRIEF);
	col(t, "lag", NULL, TABLE_AUTO, 9, 1, TABLE_BRIEF);
	col(t, "records/s", NULL, TABLE_AUTO, 9, 1, TABLE_BRIEF);
	col(t, "backlog", NULL, TABLE_AUTO, 9, 1, TABLE_BRIEF);
	col(t, "backlog max", NULL, TABLE_AUTO, 9, 1, TABLE_DOC_ONLY);
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_batch *bc = &sc->variants[v].cfg.workloads[w].batch;
		table_add_row(t);
		table_add_text(t, sc->variants[v].name);
		table_add_value(t, commit_names[bc->commit]);
		count(t, report_est(ex, v, "batches", w).mean);
		estimate(t, TABLE_RATE, ex, v, "failed_batch_rate", w);
		estimate(t, TABLE_NUMBER, ex, v, "batch_size_mean", w);
		static const char *const ds[] = {"batch_duration_mean", "txn_hold_mean", "txn_hold_max",
						 "lag_mean"};
		for (int k = 0; k < 4; k++)
			estimate(t, TABLE_DURATION, ex, v, ds[k], w);
		static const char *const ns[] = {"records_per_s", "backlog_mean", "backlog_max"};
		for (int k = 0; k < 3; k++)
			estimate(t, TABLE_NUMBER, ex, v, ns[k], w);
	}
	return t;
}

struct table *report_tables_diffs(const struct scenario *sc, const struct experiment *ex, int w,
				  int namew)
{
	const struct cfg_scenario *base = &sc->variants[0].cfg;
	int nd;
	const char *const *diffs = report_diff_metrics(metric_scope_of(&base->workloads[w]), &nd);
	char caption[SCENARIO_VARIANT_NAME_MAX + 64];
	snprintf(caption, sizeof caption, "paired difference to \"%s\" [95%% CI]:",
		 sc->variants[0].name);
	struct table *t = table_create(caption);
	table_caption_at(t, 1);
	variant_column(t, NULL, namew, 0);
	for (int k = 0; k < nd; k++) {
		char head[48];
		spaced(diffs[k], head, sizeof head);
		col(t, head, diffs[k], TABLE_AUTO, 32, k ? 1 : 2, 0);
	}
	for (int v = 1; v < ex->n_variants; v++) {
		table_add_row(t);
		table_add_text(t, sc->variants[v].name);
		for (int k = 0; k < nd; k++) {
			struct estimate e = report_diff(ex, v, diffs[k], w);
			bool rate = strcmp(metric_find(diffs[k])->unit, "1") == 0;
			table_add_estimate(t, rate ? TABLE_RATE_DIFF : TABLE_DURATION_DIFF, &e);
		}
	}
	return t;
}

struct table *report_tables_pools(const struct scenario *sc, const struct experiment *ex,
				  int namew)
{
	struct table *t = table_create("pools (time averages over the run after warm-up)");
	variant_column(t, NULL, namew, TABLE_GROUP);
	col(t, "pool", NULL, TABLE_LEFT, 10, 2, 0);
	col(t, "cap", NULL, TABLE_RIGHT, 5, 1, TABLE_TERM_ONLY);
	col(t, "sizing (the kind's settings)", NULL, TABLE_RIGHT, 0, 1, TABLE_DOC_ONLY);
	col(t, "checked out", NULL, TABLE_RIGHT, 11, 1, 0);
	col(t, "checked in", NULL, TABLE_RIGHT, 0, 1, TABLE_DOC_ONLY);
	col(t, "overflow", NULL, TABLE_RIGHT, 9, 1, 0);
	col(t, "waiters", NULL, TABLE_RIGHT, 9, 1, 0);
	col(t, "status", NULL, TABLE_LEFT, 0, 1, TABLE_DOC_ONLY);
	col(t, "exhausted (share of time)", "exhausted", TABLE_RIGHT, 9, 1, 0);
	/* hand-offs a newcomer took per replication (wakeup_latency > 0), to check against a
	 * real pool's log */
	col(t, "barged", NULL, TABLE_RIGHT, 9, 1, TABLE_TERM_ONLY);
	col(t, "longest exhausted", NULL, TABLE_RIGHT, 0, 1, TABLE_DOC_ONLY);
	col(t, "first timeout", NULL, TABLE_LEFT, 0, 2, 0);
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_scenario *c = &sc->variants[v].cfg;
		for (int p = 0; p < c->n_pools; p++) {
			const struct cfg_pool *pc = &c->pools[p];
			struct report_pool_health h = report_pool_health(ex, v, p);
			char buf[160];
			table_add_row(t);
			table_add_text(t, sc->variants[v].name);
			table_add_text(t, pc->name);
			if (pool_cfg_cap(pc) < 0)
				table_add_value(t, "inf");
			else
				table_add_valuef(t, "%d", pool_cfg_cap(pc));
			/* the kind's own words: "pool_size 10 + max_overflow 20",
			 * "maximumPoolSize 10, minimumIdle 10", "max_open_conns 0 ..." */
			struct pool_setting set[POOL_SETTINGS_MAX];
			int ns = pool_cfg_settings(pc, set);
			bool queuepool = ns == 2 && strcmp(set[0].name, "pool_size") == 0 &&
					 strcmp(set[1].name, "max_overflow") == 0;
			if (queuepool && pc->max_overflow < 0) {
				table_add_valuef(t, "pool_size %d + max_overflow unlimited", pc->size);
			} else if (queuepool) {
				table_add_valuef(t, "pool_size %d + max_overflow %d", pc->size,
						 pc->max_overflow);
			} else if (ns == 0) {
				table_add_value(t, "none (a connection per checkout)");
			} else {
				char sz[160];
				size_t at = 0;
				sz[0] = '\0';
				for (int i = 0; i < ns && at < sizeof sz; i++) {
					int k = snprintf(sz + at, sizeof sz - at, "%s%s %d", i ? ", " : "",
							 set[i].name, set[i].value);
					if (k < 0)
						break;
					at += (size_t)k;
				}
				table_add_value(t, sz);
			}
			table_add_valuef(t, "%.2f", h.checked_out);
			table_add_valuef(t, "%.2f", h.checked_in);
			table_add_valuef(t, "%.2f", h.overflow);
			table_add_valuef(t, "%.2f", h.waiters);
			table_add_value(t, h.exhausted_reps ? "exhausted" : "healthy");
			report_format_rate(h.exhausted_share, buf, sizeof buf);
			table_add_value(t, buf);
			count(t, report_est(ex, v, "barged", p).mean);
			report_format_duration(h.longest_exhausted_s, buf, sizeof buf);
			table_add_value(t, buf);
			/* The first timeout's message, from the first replication that had one. */
			if (h.first_timeout_overflow != INT_MIN) {
				pool_timeout_message(pc, h.first_timeout_overflow, buf, sizeof buf);
				table_add_code(t, buf);
			} else {
				table_add_value(t, "-");
			}
		}
	}
	return t;
}
