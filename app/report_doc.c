#include "app/report_doc.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/config_code.h"
#include "app/report_pgbouncer.h"
#include "app/plot.h"
#include "app/report.h"
#include "models/budget.h"
#include "models/pool.h"
#include "models/summary.h"
#include "sim/status.h"

/* Text in a Markdown table cell or paragraph: characters Markdown would act on escaped, line
 * breaks as spaces. */
static void md_text(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n' || *s == '\r')
			fputc(' ', out);
		else {
			if (strchr("\\`*_[]<>|#", *s))
				fputc('\\', out);
			fputc(*s, out);
		}
	}
}

/* A duration that may be negative (a paired difference). */
static void fmt_signed_duration(double s, bool plus, char *buf, size_t len)
{
	char b[24];
	report_format_duration(fabs(s), b, sizeof b);
	snprintf(buf, len, "%s%s", isnan(s) || s == 0 ? "" : s < 0 ? "-" : plus ? "+" : "", b);
}

enum md_kind { MD_RATE, MD_DURATION, MD_RATE_DIFF, MD_DURATION_DIFF, MD_NUMBER };

/* "x [lo, hi]"; rates and durations are >= 0, so a lower bound below 0 shows as 0 (as in the
 * terminal table); differences are signed, rates in percentage points. */
static void fmt_ci(enum md_kind kind, const struct estimate *e, char *buf, size_t len)
{
	char m[32], lo[32], hi[32];
	double l = e->lo;
	switch (kind) {
	case MD_RATE:
		report_format_rate(e->mean, m, sizeof m);
		report_format_rate(l < 0 ? 0 : l, lo, sizeof lo);
		report_format_rate(e->hi, hi, sizeof hi);
		break;
	case MD_DURATION:
		fmt_signed_duration(e->mean, false, m, sizeof m);
		fmt_signed_duration(l < 0 ? 0 : l, false, lo, sizeof lo);
		fmt_signed_duration(e->hi, false, hi, sizeof hi);
		break;
	case MD_RATE_DIFF: {
		const double x[3] = {e->mean, e->lo, e->hi};
		char *o[3] = {m, lo, hi};
		for (int i = 0; i < 3; i++)
			if (isnan(x[i]))
				snprintf(o[i], 32, "-");
			else if (x[i] == 0)
				snprintf(o[i], 32, "0 pp");
			else
				snprintf(o[i], 32, "%+.3g pp", x[i] * 100);
		break;
	}
	case MD_DURATION_DIFF:
		fmt_signed_duration(e->mean, true, m, sizeof m);
		fmt_signed_duration(e->lo, true, lo, sizeof lo);
		fmt_signed_duration(e->hi, true, hi, sizeof hi);
		break;
	case MD_NUMBER:
		report_format_number(e->mean, m, sizeof m);
		report_format_number(l < 0 ? 0 : l, lo, sizeof lo);
		report_format_number(e->hi, hi, sizeof hi);
		break;
	}
	if (isnan(e->mean))
		snprintf(buf, len, "-");
	else if (e->n < 2)
		snprintf(buf, len, "%s", m); /* one replication: no interval */
	else
		snprintf(buf, len, "%s [%s, %s]", m, lo, hi);
}

static void fmt_count(double x, char *buf, size_t len)
{
	report_format_count(x, buf, len);
}

/* A pool's configuration in its kind's own words. */
static void pool_config_text(FILE *out, const struct cfg_pool *pc)
{
	char t[32], u[32], v[32];
	report_format_duration(pc->timeout_s, t, sizeof t);
	md_text(out, pc->name);
	if (pc->kind == &pool_kind_sqlalchemy_null) {
		fputs(": NullPool", out);
		return;
	}
	if (pc->kind == &pool_kind_hikaricp) {
		report_format_duration(pc->idle_timeout_s, u, sizeof u);
		report_format_duration(pc->max_lifetime_s, v, sizeof v);
		fprintf(out, ": HikariCP maximumPoolSize %d, minimumIdle %d, connectionTimeout %s, "
			"idleTimeout %s, maxLifetime %s", pc->size, pc->min_idle, t, u, v);
		return;
	}
	if (pc->kind == &pool_kind_go) {
		fprintf(out, ": database/sql MaxOpenConns %d, MaxIdleConns %d", pc->max_open,
			pc->size);
		if (isfinite(pc->timeout_s))
			fprintf(out, ", context timeout %s", t);
		if (pc->max_lifetime_s > 0) {
			report_format_duration(pc->max_lifetime_s, u, sizeof u);
			fprintf(out, ", ConnMaxLifetime %s", u);
		}
		if (pc->idle_timeout_s > 0) {
			report_format_duration(pc->idle_timeout_s, u, sizeof u);
			fprintf(out, ", ConnMaxIdleTime %s", u);
		}
		if (pc->fifo_waiters)
			fputs(", first-come waiters", out);
		return;
	}
	fprintf(out, ": %spool_size %d, max_overflow %d, pool_timeout %s",
		pc->kind == &pool_kind_sqlalchemy_async ? "async " : "", pc->size, pc->max_overflow,
		t);
	if (pc->use_lifo)
		fputs(", LIFO", out);
	if (pc->pre_ping)
		fputs(", pre_ping", out);
	if (pc->recycle_s >= 0) {
		report_format_duration(pc->recycle_s, t, sizeof t);
		fprintf(out, ", pool_recycle %s", t);
	}
}

static void md_scenario(FILE *out, const struct report_doc *c)
{
	const struct scenario *sc = c->info->sc;
	const struct experiment *ex = c->info->ex;
	const struct cfg_scenario *base = &sc->variants[0].cfg;
	char h[32], w[32], wall[32];
	report_format_duration(base->horizon_s, h, sizeof h);
	report_format_duration(base->warmup_s, w, sizeof w);
	report_format_duration(c->info->wall_time_s, wall, sizeof wall);

	fputs("# ", out);
	md_text(out, base->name);
	fputs(": pooltide report\n\n", out);
	if (sc->description[0]) {
		fputs(sc->description, out);
		fputs("\n\n", out);
	}
	fprintf(out, "Each replication simulates %s of traffic", h);
	if (base->warmup_s > 0)
		fprintf(out, ", of which the first %s is a warm-up that is not counted", w);
	fprintf(out, "; %d replication%s per variant, master seed %llu. Variants run on the same "
		     "random numbers (common random numbers), so their differences are the "
		     "configuration's. Intervals are 95 %% confidence intervals over replications "
		     "(Student t).\n\n",
		ex->nrep, ex->nrep == 1 ? "" : "s", (unsigned long long)base->seed);
	fputs("Scenario file `", out);
	md_text(out, sc->path);
	fprintf(out, "` (SHA-256 `%s`); pooltide %s; started %s, %s wall time on %d thread%s. "
		     "Run id `%s`.\n\n",
		c->sha256, POOLTIDE_VERSION, c->started_utc, wall, c->info->threads,
		c->info->threads == 1 ? "" : "s", c->run_id);

	fputs("| # | variant | pools |\n|--:|---|---|\n", out);
	for (int v = 0; v < sc->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		fprintf(out, "| %d | ", v + 1);
		md_text(out, sc->variants[v].name);
		fputs(" | ", out);
		for (int p = 0; p < cfg->n_pools; p++) {
			fputs(p ? "; " : "", out);
			pool_config_text(out, &cfg->pools[p]);
			if (cfg->pools[p].server > 0) /* one engine per server: say whose */
				fprintf(out, " (on %s)", cfg_server_name(cfg, cfg->pools[p].server));
		}
		/* read routing, what tells variants with the same pools apart */
		for (int k0 = 0; k0 < cfg->n_workloads; k0++) {
			const struct cfg_workload *wl = &cfg->workloads[k0];
			if (wl->kind != CFG_WORKLOAD_REQUESTS || wl->req.reads.n_pools == 0)
				continue;
			fputs("; ", out);
			md_text(out, wl->name);
			fprintf(out, " reads: %.4g %% of read-only transactions to ",
				100 * wl->req.reads.share);
			for (int k = 0; k < wl->req.reads.n_pools; k++) {
				fputs(k ? ", " : "", out);
				md_text(out, cfg->pools[wl->req.reads.pools[k]].name);
			}
			fputs(wl->req.reads.routing == CFG_ROUTING_RANDOM ? " (random)" : " (round-robin)",
			      out);
		}
		fputs(" |\n", out);
	}
	fputc('\n', out);
}

/* Retries, row-lock waits and the attribution of timeouts to batches, when any occurred. */
static void md_contention(FILE *out, const struct report_doc *c, int w)
{
	const struct scenario *sc = c->info->sc;
	const struct experiment *ex = c->info->ex;
	bool any = false;
	for (int v = 0; v < ex->n_variants; v++)
		any |= report_est(ex, v, "retries", w).mean > 0 || report_est(ex, v, "lock_waits", w).mean > 0 ||
		       report_est(ex, v, "pool_timeouts", w).mean > 0;
	if (!any)
		return;
	fputs("Contention: pool timeouts (retried ones included) and the share of them that "
	      "happened while batch workloads held at least half of the pool's connections, and "
	      "while batches and transactions waiting for a row lock together held at least half "
	      "(the lock cascade: requests that wait inside PostgreSQL keep their connections); "
	      "requests that retried; transactions that waited for a row lock, and how long; "
	      "connection hold time (lock waits included).\n\n"
	      "| variant | pool timeouts | batches held >= half | batches + lock waits held >= "
	      "half | retried | lock waits | lock wait mean | hold mean | hold max |\n"
	      "|---|--:|---|---|--:|--:|---|---|---|\n",
	      out);
	char cell[160];
	for (int v = 0; v < ex->n_variants; v++) {
		fputs("| ", out);
		md_text(out, sc->variants[v].name);
		fmt_count(report_est(ex, v, "pool_timeouts", w).mean, cell, sizeof cell);
		fprintf(out, " | %s", cell);
		struct estimate e = report_est(ex, v, "timeouts_batch_heavy_share", w);
		fmt_ci(MD_RATE, &e, cell, sizeof cell);
		fprintf(out, " | %s", cell);
		e = report_est(ex, v, "timeouts_lock_heavy_share", w);
		fmt_ci(MD_RATE, &e, cell, sizeof cell);
		fprintf(out, " | %s", cell);
		fmt_count(report_est(ex, v, "retried", w).mean, cell, sizeof cell);
		fprintf(out, " | %s", cell);
		fmt_count(report_est(ex, v, "lock_waits", w).mean, cell, sizeof cell);
		fprintf(out, " | %s", cell);
		static const char *const ds[] = {"lock_wait_mean", "hold_mean", "hold_max"};
		for (int k = 0; k < 3; k++) {
			e = report_est(ex, v, ds[k], w);
			fmt_ci(MD_DURATION, &e, cell, sizeof cell);
			fprintf(out, " | %s", cell);
		}
		fputs(" |\n", out);
	}
	fputc('\n', out);
}

/* A batch workload: batches, failures, how long transactions held connections and locks,
 * how far the backlog lagged. */
static void md_batch(FILE *out, const struct report_doc *c, int w)
{
	const struct scenario *sc = c->info->sc;
	const struct experiment *ex = c->info->ex;
	const struct cfg_scenario *base = &sc->variants[0].cfg;
	fputs("## Batch workload ", out);
	md_text(out, base->workloads[w].name);
	fputs(" (pool ", out);
	md_text(out, base->pools[base->workloads[w].pool].name);
	fputs(")\n\nPer replication (mean, 95 % CI): batches started after the warm-up and the "
	      "share that failed (a worker timed out acquiring a connection: its records went "
	      "back to the backlog); records per batch; batch duration; connection hold per "
	      "transaction (what the pool sees); lag of a record from arrival to commit; records "
	      "committed per second; backlog (time average and largest).\n\n"
	      "| variant | commit | batches | failed | records/batch | duration | hold per "
	      "transaction | hold max | lag | records/s | backlog | backlog max |\n"
	      "|---|---|--:|---|---|---|---|---|---|---|---|---|\n",
	      out);
	static const char *const commit_names[] = {"per_batch", "per_group", "per_record"};
	char cell[160];
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_batch *bc = &sc->variants[v].cfg.workloads[w].batch;
		fputs("| ", out);
		md_text(out, sc->variants[v].name);
		fprintf(out, " | %s", commit_names[bc->commit]);
		fmt_count(report_est(ex, v, "batches", w).mean, cell, sizeof cell);
		fprintf(out, " | %s", cell);
		struct estimate e = report_est(ex, v, "failed_batch_rate", w);
		fmt_ci(MD_RATE, &e, cell, sizeof cell);
		fprintf(out, " | %s", cell);
		e = report_est(ex, v, "batch_size_mean", w);
		fmt_ci(MD_NUMBER, &e, cell, sizeof cell);
		fprintf(out, " | %s", cell);
		static const char *const ds[] = {"batch_duration_mean", "txn_hold_mean", "txn_hold_max",
						 "lag_mean"};
		for (int k = 0; k < 4; k++) {
			e = report_est(ex, v, ds[k], w);
			fmt_ci(MD_DURATION, &e, cell, sizeof cell);
			fprintf(out, " | %s", cell);
		}
		static const char *const ns[] = {"records_per_s", "backlog_mean", "backlog_max"};
		for (int k = 0; k < 3; k++) {
			e = report_est(ex, v, ns[k], w);
			fmt_ci(MD_NUMBER, &e, cell, sizeof cell);
			fprintf(out, " | %s", cell);
		}
		fputs(" |\n", out);
	}
	fputc('\n', out);
}

static void md_workloads(FILE *out, const struct report_doc *c)
{
	const struct scenario *sc = c->info->sc;
	const struct experiment *ex = c->info->ex;
	const struct cfg_scenario *base = &sc->variants[0].cfg;
	static const char *const qs[] = {"wait_p50", "wait_p95", "wait_p99", "wait_p999"};
	int nd;
	char cell[160];
	for (int w = 0; w < base->n_workloads; w++) {
		enum metric_scope scope = metric_scope_of(&base->workloads[w]);
		const char *const *diffs = report_diff_metrics(scope, &nd);
		if (scope == METRIC_BATCH) {
			md_batch(out, c, w);
			goto diffs;
		}
		fputs("## Workload ", out);
		md_text(out, base->workloads[w].name);
		fputs(" (pool ", out);
		md_text(out, base->pools[base->workloads[w].pool].name);
		fputs(")\n\n", out);
		fputs("Per replication: requests offered (arrived after the warm-up) and finally "
		      "failed, by cause (mean), the failure rate (every final failure over offered), "
		      "and quantiles of the wait for a connection of served requests (mean over "
		      "replications of each replication's quantile).\n\n",
		      out);
		fputs("| variant | offered |", out);
		int shown = 0;
		for (int f = 0; f < REQ_FAILURES; f++) {
			if (!report_cause_shown(ex, f, w))
				continue;
			shown++;
			fputc(' ', out);
			for (const char *p = requests_failure_name(f); *p; p++)
				fputc(*p == '_' ? ' ' : *p, out);
			fputs(" |", out);
		}
		fputs(" failure rate | wait p50 | wait p95 | wait p99 | wait p99.9 |\n|---|--:|", out);
		for (int f = 0; f < shown; f++)
			fputs("--:|", out);
		fputs("---|---|---|---|---|\n", out);
		for (int v = 0; v < ex->n_variants; v++) {
			fputs("| ", out);
			md_text(out, sc->variants[v].name);
			fmt_count(report_est(ex, v, "offered", w).mean, cell, sizeof cell);
			fprintf(out, " | %s", cell);
			for (int f = 0; f < REQ_FAILURES; f++) {
				if (!report_cause_shown(ex, f, w))
					continue;
				fmt_count(report_est(ex, v, requests_failure_name(f), w).mean, cell,
					  sizeof cell);
				fprintf(out, " | %s", cell);
			}
			struct estimate e = report_est(ex, v, "failure_rate", w);
			fmt_ci(MD_RATE, &e, cell, sizeof cell);
			fprintf(out, " | %s", cell);
			for (int k = 0; k < 4; k++) {
				e = report_est(ex, v, qs[k], w);
				fmt_ci(MD_DURATION, &e, cell, sizeof cell);
				fprintf(out, " | %s", cell);
			}
			fputs(" |\n", out);
		}
		fputc('\n', out);
		md_contention(out, c, w);
	diffs:
		if (ex->n_variants < 2)
			continue;
		fputs("Paired differences to the first variant (", out);
		md_text(out, sc->variants[0].name);
		fputs("), variant minus first, replication by replication; an interval that "
		      "excludes 0 is a difference the replications resolve.\n\n| variant |",
		      out);
		for (int k = 0; k < nd; k++) {
			fputc(' ', out);
			for (const char *p = diffs[k]; *p; p++)
				fputc(*p == '_' ? ' ' : *p, out);
			fputs(" |", out);
		}
		fputs("\n|---|", out);
		for (int k = 0; k < nd; k++)
			fputs("---|", out);
		fputc('\n', out);
		for (int v = 1; v < ex->n_variants; v++) {
			fputs("| ", out);
			md_text(out, sc->variants[v].name);
			fputs(" |", out);
			for (int k = 0; k < nd; k++) {
				struct estimate e = report_diff(ex, v, diffs[k], w);
				bool rate = strcmp(metric_find(diffs[k])->unit, "1") == 0;
				fmt_ci(rate ? MD_RATE_DIFF : MD_DURATION_DIFF, &e, cell, sizeof cell);
				fprintf(out, " %s |", cell);
			}
			fputc('\n', out);
		}
		fputc('\n', out);
	}
}

static void md_pools(FILE *out, const struct report_doc *c)
{
	const struct scenario *sc = c->info->sc;
	const struct experiment *ex = c->info->ex;
	fputs("## Pool health\n\n"
	      "SQLAlchemy's pool status as time averages after the warm-up (mean over "
	      "replications): connections checked out, checked in (idle in the pool), overflow "
	      "(beyond pool_size) and requests waiting. A pool is *exhausted* while every allowed "
	      "connection (pool_size + max_overflow) is checked out and requests wait for one "
	      "(they fail after pool_timeout); handing a returned connection to the next waiter "
	      "does not end it. Status is \"exhausted\" when that happened in at least one "
	      "replication; the share of time and the longest stretch are means over "
	      "replications.\n\n"
	      "| variant | pool | pool_size + max_overflow | checked out | checked in | overflow | "
	      "waiters | status | exhausted (share of time) | longest exhausted | first timeout "
	      "|\n|---|---|--:|--:|--:|--:|--:|---|--:|--:|---|\n",
	      out);
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		for (int p = 0; p < cfg->n_pools; p++) {
			const struct cfg_pool *pc = &cfg->pools[p];
			struct report_pool_health h = report_pool_health(ex, v, p);
			char share[32], longest[32], cap[32], msg[160] = "-";
			report_format_rate(h.exhausted_share, share, sizeof share);
			report_format_duration(h.longest_exhausted_s, longest, sizeof longest);
			if (pc->max_overflow < 0)
				snprintf(cap, sizeof cap, "%d + unlimited", pc->size);
			else
				snprintf(cap, sizeof cap, "%d + %d", pc->size, pc->max_overflow);
			fputs("| ", out);
			md_text(out, sc->variants[v].name);
			fputs(" | ", out);
			md_text(out, pc->name);
			fprintf(out, " | %s | %.2f | %.2f | %.2f | %.2f | %s | %s | %s | ", cap,
				h.checked_out, h.checked_in, h.overflow, h.waiters,
				h.exhausted_reps ? "exhausted" : "healthy", share, longest);
			if (h.first_timeout_overflow != INT_MIN) {
				pool_timeout_message(pc, h.first_timeout_overflow, msg, sizeof msg);
				fprintf(out, "`%s` |\n", msg);
			} else {
				fputs("- |\n", out);
			}
		}
	}
	fputc('\n', out);
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		for (int d = 0; d <= cfg->n_replicas; d++) { /* each server refuses on its own */
			const struct aggregate *ag = experiment_aggregate(ex, v);
			uint64_t refused = d ? ag->replica_refused[d - 1] : ag->db_refused;
			if (!refused)
				continue;
			md_text(out, sc->variants[v].name);
			fprintf(out, ": %s%s refused %llu connects over all replications: `%s`\n\n",
				d ? "the replica " : "the database", d ? cfg_server_name(cfg, d) : "",
				(unsigned long long)refused, database_refusal_message(cfg_server(cfg, d)));
		}
	}
}

/* The most connections each variant's deployment can open against the database's usable
 * slots (models/budget.h). */
static void md_budget(FILE *out, const struct report_doc *c)
{
	const struct scenario *sc = c->info->sc;
	fputs("## Connection budget\n\n"
	      "The most server connections each variant can open: per pool, the processes that "
	      "use it times the most connections one instance opens (pool_size + max_overflow), "
	      "against the slots PostgreSQL gives ordinary roles (max_connections - "
	      "superuser_reserved_connections - reserved_connections). Beyond them every connect "
	      "is refused at once, and the request fails.\n\n"
	      "| variant | budget | usable slots | verdict |\n|---|---|--:|---|\n", out);
	for (int v = 0; v < sc->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		for (int d = 0; d <= cfg->n_replicas; d++) { /* one row per server */
			struct budget b;
			char line[1200];
			budget_compute_server(cfg, d, &b);
			budget_format(line, sizeof line, &b, cfg);
			char *cut = strstr(line, budget_exceeded(&b) ? " > " : " <= ");
			if (cut) /* the usable slots have their own column */
				*cut = 0;
			fputs("| ", out);
			md_text(out, sc->variants[v].name);
			fputs(" | ", out);
			md_text(out, line);
			fprintf(out, " | %d | %s |\n", b.usable,
				b.unlimited ? "**unlimited overflow: can exceed**"
				: budget_exceeded(&b) ? "**exceeds: connects will be refused**" : "fits");
		}
	}
	fputc('\n', out);
}

static void md_plots(FILE *out, const struct report_doc *c)
{
	fputs("## Plots\n\n", out);
	if (c->plots_missing) {
		fputs("> **The plots were not drawn**", out);
		if (c->plots_missing[0]) {
			fputs(" (", out);
			md_text(out, c->plots_missing);
			fputc(')', out);
		}
		fputs(". The links below stay empty until they are: draw them with "
		      "`pooltide plot DIR`, DIR being this folder (needs gnuplot).\n\n",
		      out);
	}
	fputs("![Wait for a connection: P(wait > x) per variant and workload, log-log, with the "
	      "pool timeouts and the SLO limits](waits_cdf.png)\n\n"
	      "![Failed requests per variant and workload, stacked by cause, with the 95 % "
	      "confidence interval of the total and the SLO limit](failures.png)\n\n",
	      out);
	/* One row per variant and pool it uses, PLOT_TIMELINE_ROWS per image (app/plot.h):
	 * pool_timeline.png, pool_timeline-2.png, ... */
	int rows = 0;
	for (int v = 0; v < c->info->sc->n_variants; v++)
		for (int p = 0; p < c->info->sc->variants[v].cfg.n_pools; p++)
			rows += results_pool_used(&c->info->sc->variants[v].cfg, p);
	for (int k = 1; k == 1 || k <= (rows + PLOT_TIMELINE_ROWS - 1) / PLOT_TIMELINE_ROWS; k++) {
		fputs("![Pool status over time, first replication: the whole run (largest sample per "
		      "bin) and a zoom on the worst window](pool_timeline",
		      out);
		if (k > 1)
			fprintf(out, "-%d", k);
		fputs(".png)\n\n", out);
	}
	fputs("![Connections on the database server over time against the usable "
	      "max_connections](server_connections.png)\n\n",
	      out);
	bool batch = false;
	for (int v = 0; v < c->info->sc->n_variants; v++)
		for (int w = 0; w < c->info->sc->variants[v].cfg.n_workloads; w++)
			batch |= c->info->sc->variants[v].cfg.workloads[w].kind == CFG_WORKLOAD_BATCH;
	if (batch)
		fputs("![Backlog of the batch workloads over time, first replication](backlog.png)\n\n",
		      out);
	/* A two-axis sweep (pooltide sweep) also has its heat map. */
	char sweep[PATH_MAX];
	int n = snprintf(sweep, sizeof sweep, "%s/sweep.csv", c->folder);
	if (n > 0 && (size_t)n < sizeof sweep && access(sweep, F_OK) == 0)
		fputs("![Sweep: timeout rate at every grid point, with its SLO verdict (drawn for two "
		      "axes)](sweep_heatmap.png)\n\n",
		      out);
}

static void md_files(FILE *out)
{
	fputs("## Files\n\n"
	      "- `summary.json`: the manifest (version, scenario and its SHA-256, the resolved "
	      "scenario, seed, replications) and every metric with its confidence interval.\n"
	      "- `summary.csv`: the same metrics, one row per variant, workload and metric.\n"
	      "- `waits.csv`: the wait histograms and CDFs, all replications merged.\n"
	      "- `timeline.csv`: pool status at a fixed step over the first replication.\n"
	      "- `pools.csv`: each variant's pool configuration (size, max_overflow, cap, "
	      "timeout, pre_ping and its ping, whether a workload uses the pool).\n"
	      "- `database.csv`: each variant's processes, max_connections and usable "
	      "connections.\n"
	      "- `slo.csv`: each variant's SLO limits.\n"
	      "- `*.dat`, `*.gp`: the plots' data and gnuplot scripts (`pooltide plot DIR` "
	      "redraws them).\n",
	      out);
}

/* The end of the report: the judged (and a sweep's recommended) configuration as code. */
static void md_config_code(FILE *out, const struct report_doc *c)
{
	const struct scenario *sc = c->info->sc;
	int v[2] = {c->info->judged, c->info->recommended}, n = 1;
	if (v[1] >= 0 && v[1] < sc->n_variants && v[1] != v[0])
		n = 2;
	fputs("\n## Configuration as code\n\n", out);
	for (int i = 0; i < n; i++) {
		char title[SCENARIO_VARIANT_NAME_MAX + 64];
		if (v[i] < 0 || v[i] >= sc->n_variants)
			continue;
		snprintf(title, sizeof title, "%s: %s", i ? "Recommended" : "Judged",
			 sc->variants[v[i]].name);
		config_code_md(out, title, &sc->variants[v[i]].cfg);
	}
}

int report_doc_md(FILE *out, const struct report_doc *c)
{
	md_scenario(out, c);
	md_workloads(out, c);
	/* The SLO verdicts (written by their own module): after the numbers they judge. */
	if (c->slo) {
		c->slo(out, c->info->sc, c->info->ex, c->slo_ctx);
		fputc('\n', out);
	}
	md_pools(out, c);
	md_budget(out, c);
	if (report_pgbouncer_md(out, c->info->sc, c->info->ex))
		return PT_ENOMEM;
	md_plots(out, c);
	md_files(out);
	md_config_code(out, c);
	return PT_OK;
}

