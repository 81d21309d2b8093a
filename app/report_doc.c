#include "app/report_doc.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/config_code.h"
#include "app/html.h"
#include "app/report_pgbouncer.h"
#include "app/plot.h"
#include "app/report.h"
#include "app/report_tables.h"
#include "app/table.h"
#include "models/budget.h"
#include "models/pool.h"
#include "models/summary.h"
#include "sim/status.h"

/* Text in a Markdown paragraph: characters Markdown would act on escaped, line breaks as
 * spaces (as in a table's text cells). */
static void md_text(FILE *out, const char *s)
{
	table_write_text(out, TABLE_MARKDOWN, s);
}

/* The document being written: report.md, or report.html through the same sections. In HTML
 * the sections' Markdown prose collects in `out` (a memory stream) and is converted block by
 * block (app/html.h) before each table and image, which go straight to `file` through their
 * own HTML renderers. */
struct doc {
	enum table_format fmt; /* TABLE_MARKDOWN or TABLE_HTML */
	FILE *file;            /* the document */
	FILE *out;             /* where prose goes: file (Markdown) or the pending Markdown */
	char *buf;             /* HTML: the memory stream's buffer ... */
	size_t len, done;      /* ... its length, and how much of it is converted */
	int status;            /* the first failure (PT_ENOMEM) */
	int images;            /* SVG images inlined so far (their ids' prefix) */
	const struct report_doc *c;
};

static void image_html(void *ctx, const char *alt, const char *name);

/* HTML: convert the prose written since the last flush. */
static void flush(struct doc *d)
{
	if (d->fmt != TABLE_HTML)
		return;
	if (fflush(d->out) != 0 || ferror(d->out)) {
		if (!d->status)
			d->status = PT_ENOMEM;
		return;
	}
	if (d->len > d->done) /* other modules' image links (PgBouncer's plot) inlined too */
		html_markdown(d->file, d->buf + d->done, image_html, d);
	d->done = d->len;
}

/* Render a built table in the document's format and free it. */
static void put_table(struct doc *d, struct table *t)
{
	flush(d);
	int st = table_render(d->file, t, d->fmt);
	table_destroy(t);
	if (st && !d->status)
		d->status = st;
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

static void md_scenario(struct doc *d)
{
	FILE *out = d->out;
	const struct report_doc *c = d->c;
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

	struct table *t = table_create("Variants");
	table_add_column(t, &(struct table_column){.header = "#", .align = TABLE_RIGHT});
	table_add_column(t, &(struct table_column){.header = "variant"});
	table_add_column(t, &(struct table_column){.header = "pools"});
	for (int v = 0; v < sc->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		table_add_row(t);
		table_add_valuef(t, "%d", v + 1);
		table_add_text(t, sc->variants[v].name);
		/* each pool's name (escaped) and configuration, in Markdown */
		char *cell = NULL;
		size_t len = 0;
		FILE *m = open_memstream(&cell, &len);
		if (!m) {
			table_destroy(t);
			d->status = PT_ENOMEM;
			return;
		}
		for (int p = 0; p < cfg->n_pools; p++) {
			fputs(p ? "; " : "", m);
			pool_config_text(m, &cfg->pools[p]);
			if (cfg->pools[p].server > 0) /* one engine per server: say whose */
				fprintf(m, " (on %s)", cfg_server_name(cfg, cfg->pools[p].server));
		}
		/* read routing, what tells variants with the same pools apart */
		for (int k0 = 0; k0 < cfg->n_workloads; k0++) {
			const struct cfg_workload *wl = &cfg->workloads[k0];
			if (wl->kind != CFG_WORKLOAD_REQUESTS || wl->req.reads.n_pools == 0)
				continue;
			fputs("; ", m);
			md_text(m, wl->name);
			fprintf(m, " reads: %.4g %% of read-only transactions to ",
				100 * wl->req.reads.share);
			for (int k = 0; k < wl->req.reads.n_pools; k++) {
				fputs(k ? ", " : "", m);
				md_text(m, cfg->pools[wl->req.reads.pools[k]].name);
			}
			fputs(wl->req.reads.routing == CFG_ROUTING_RANDOM ? " (random)" : " (round-robin)",
			      m);
		}
		if (fclose(m) != 0 || !cell)
			d->status = PT_ENOMEM;
		table_add_markdown(t, cell ? cell : "");
		free(cell);
	}
	put_table(d, t);
	fputc('\n', out);
}

/* Retries, row-lock waits and the attribution of timeouts to batches, when any occurred. */
static void md_contention(struct doc *d, int w)
{
	const struct report_doc *c = d->c;
	if (!report_tables_contention_shown(c->info->ex, w))
		return;
	fputs("Contention: pool timeouts (retried ones included) and the share of them that "
	      "happened while batch workloads held at least half of the pool's connections, and "
	      "while batches and transactions waiting for a row lock together held at least half "
	      "(the lock cascade: requests that wait inside PostgreSQL keep their connections); "
	      "requests that retried; transactions that waited for a row lock, and how long; "
	      "connection hold time (lock waits included).\n\n",
	      d->out);
	put_table(d, report_tables_contention(c->info->sc, c->info->ex, w, 0));
	fputc('\n', d->out);
}

/* A batch workload: batches, failures, how long transactions held connections and locks,
 * how far the backlog lagged. */
static void md_batch(struct doc *d, int w)
{
	FILE *out = d->out;
	const struct report_doc *c = d->c;
	const struct cfg_scenario *base = &c->info->sc->variants[0].cfg;
	fputs("## Batch workload ", out);
	md_text(out, base->workloads[w].name);
	fputs(" (pool ", out);
	md_text(out, base->pools[base->workloads[w].pool].name);
	fputs(")\n\nPer replication (mean, 95 % CI): batches started after the warm-up and the "
	      "share that failed (a worker timed out acquiring a connection: its records went "
	      "back to the backlog); records per batch; batch duration; connection hold per "
	      "transaction (what the pool sees); lag of a record from arrival to commit; records "
	      "committed per second; backlog (time average and largest).\n\n",
	      out);
	put_table(d, report_tables_batch(c->info->sc, c->info->ex, w, 0));
	fputc('\n', out);
}

static void md_workloads(struct doc *d)
{
	FILE *out = d->out;
	const struct report_doc *c = d->c;
	const struct scenario *sc = c->info->sc;
	const struct experiment *ex = c->info->ex;
	const struct cfg_scenario *base = &sc->variants[0].cfg;
	for (int w = 0; w < base->n_workloads && !d->status; w++) {
		if (metric_scope_of(&base->workloads[w]) == METRIC_BATCH) {
			md_batch(d, w);
		} else {
			fputs("## Workload ", out);
			md_text(out, base->workloads[w].name);
			fputs(" (pool ", out);
			md_text(out, base->pools[base->workloads[w].pool].name);
			fputs(")\n\n", out);
			fputs("Per replication: requests offered (arrived after the warm-up) and finally "
			      "failed, by cause (mean), the failure rate (every final failure over "
			      "offered), and quantiles of the wait for a connection of served requests "
			      "(mean over replications of each replication's quantile).\n\n",
			      out);
			put_table(d, report_tables_workload(sc, ex, w, 0));
			fputc('\n', out);
			md_contention(d, w);
		}
		if (ex->n_variants < 2)
			continue;
		fputs("Paired differences to the first variant (", out);
		md_text(out, sc->variants[0].name);
		fputs("), variant minus first, replication by replication; an interval that "
		      "excludes 0 is a difference the replications resolve.\n\n",
		      out);
		put_table(d, report_tables_diffs(sc, ex, w, 0));
		fputc('\n', out);
	}
}

static void md_pools(struct doc *d)
{
	FILE *out = d->out;
	const struct report_doc *c = d->c;
	const struct scenario *sc = c->info->sc;
	const struct experiment *ex = c->info->ex;
	fputs("## Pool health\n\n"
	      "SQLAlchemy's pool status as time averages after the warm-up (mean over "
	      "replications): connections checked out, checked in (idle in the pool), overflow "
	      "(beyond pool_size) and requests waiting. A pool is *exhausted* while every allowed "
	      "connection (its cap: pool_size + max_overflow for SQLAlchemy's QueuePool, "
	      "maximumPoolSize for HikariCP, max_open_conns for Go) is checked out and requests "
	      "wait for one (they fail after the pool's timeout); handing a returned connection "
	      "to the next waiter "
	      "does not end it. Status is \"exhausted\" when that happened in at least one "
	      "replication; the share of time and the longest stretch are means over "
	      "replications.\n\n",
	      out);
	put_table(d, report_tables_pools(sc, ex, 0));
	fputc('\n', out);
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		for (int k = 0; k <= cfg->n_replicas; k++) { /* each server refuses on its own */
			const struct aggregate *ag = experiment_aggregate(ex, v);
			uint64_t refused = k ? ag->replica_refused[k - 1] : ag->db_refused;
			if (!refused)
				continue;
			md_text(out, sc->variants[v].name);
			fprintf(out, ": %s%s refused %llu connects over all replications: `%s`\n\n",
				k ? "the replica " : "the database", k ? cfg_server_name(cfg, k) : "",
				(unsigned long long)refused, database_refusal_message(cfg_server(cfg, k)));
		}
	}
}

/* The most connections each variant's deployment can open against the database's usable
 * slots (models/budget.h). */
static void md_budget(struct doc *d)
{
	const struct scenario *sc = d->c->info->sc;
	fputs("## Connection budget\n\n"
	      "The most server connections each variant can open: per pool, the processes that "
	      "use it times the most connections one instance opens (pool_size + max_overflow; "
	      "HikariCP's maximumPoolSize; Go's max_open_conns), "
	      "against the slots PostgreSQL gives ordinary roles (max_connections - "
	      "superuser_reserved_connections - reserved_connections). Beyond them every connect "
	      "is refused at once, and the request fails.\n\n",
	      d->out);
	struct table *t = table_create("Connection budget");
	table_add_column(t, &(struct table_column){.header = "variant"});
	table_add_column(t, &(struct table_column){.header = "budget"});
	table_add_column(t, &(struct table_column){.header = "usable slots", .align = TABLE_RIGHT});
	table_add_column(t, &(struct table_column){.header = "verdict"});
	for (int v = 0; v < sc->n_variants; v++) {
		const struct cfg_scenario *cfg = &sc->variants[v].cfg;
		for (int k = 0; k <= cfg->n_replicas; k++) { /* one row per server */
			struct budget b;
			char line[1200];
			budget_compute_server(cfg, k, &b);
			budget_format(line, sizeof line, &b, cfg);
			char *cut = strstr(line, budget_exceeded(&b) ? " > " : " <= ");
			if (cut) /* the usable slots have their own column */
				*cut = 0;
			table_add_row(t);
			table_add_text(t, sc->variants[v].name);
			table_add_text(t, line);
			table_add_valuef(t, "%d", b.usable);
			if (b.unlimited)
				table_add_strong(t, "unlimited overflow: can exceed");
			else if (budget_exceeded(&b))
				table_add_strong(t, "exceeds: connects will be refused");
			else
				table_add_value(t, "fits");
		}
	}
	put_table(d, t);
	fputc('\n', d->out);
}

/* The figure of image NAME of `folder`: NAME.svg inline (its ids prefixed "imgK-", K counting
 * the page's images in *images), or why it is not (`missing`: the plots were not drawn), then
 * its caption. PT_ENOMEM or 0. */
static int figure(FILE *out, const char *folder, int *images, bool missing, const char *alt,
		  const char *name)
{
	char path[PATH_MAX], prefix[32];
	int n = snprintf(path, sizeof path, "%s/%s.svg", folder, name);
	snprintf(prefix, sizeof prefix, "img%d-", ++*images);
	fputs("<figure>\n", out);
	int st = PT_EIO;
	if (n > 0 && (size_t)n < sizeof path && !missing)
		st = html_svg(out, path, prefix);
	if (st) {
		fputs("<p class=\"missing\">", out);
		html_escape(out, name);
		fputs(missing ? ".svg: not drawn (see above).</p>\n"
			      : ".svg: missing or not a plain SVG image; not shown.</p>\n",
		      out);
	}
	fputs("<figcaption>", out);
	html_inline(out, alt);
	fputs("</figcaption>\n</figure>\n", out);
	return st == PT_ENOMEM ? st : 0;
}

/* HTML: the figure of image NAME (html_image_fn). */
static void image_html(void *ctx, const char *alt, const char *name)
{
	struct doc *d = ctx;
	int st = figure(d->file, d->c->folder, &d->images, d->c->plots_missing != NULL, alt, name);
	if (st && !d->status)
		d->status = st;
}

/* An image of the folder: Markdown links NAME.png; HTML inlines NAME.svg (or says why not). */
static void image(struct doc *d, const char *alt, const char *name)
{
	if (d->fmt == TABLE_MARKDOWN) {
		fprintf(d->out, "![%s](%s.png)\n\n", alt, name);
		return;
	}
	flush(d);
	image_html(d, alt, name);
}

/* The Plots section's heading, and the opening of its note when the plots were not drawn (a
 * quote paragraph): report_doc_md_replot finds them in report.md by these words. */
static const char plots_heading[] = "## Plots\n\n";
static const char plots_note[] = "> **The plots were not drawn**";

/* That note, with its reason (may be ""), as Markdown for a document in fmt. */
static void plots_note_md(FILE *out, enum table_format fmt, const char *reason)
{
	fputs(plots_note, out);
	if (reason[0]) {
		fputs(" (", out);
		md_text(out, reason);
		fputc(')', out);
	}
	fputs(fmt == TABLE_HTML
		      ? ". The images below stay empty until they are: draw them with "
			"`pooltide plot DIR`, DIR being this folder (needs gnuplot).\n\n"
		      : ". The links below stay empty until they are: draw them with "
			"`pooltide plot DIR`, DIR being this folder (needs gnuplot).\n\n",
	      out);
}

static void md_plots(struct doc *d)
{
	FILE *out = d->out;
	const struct report_doc *c = d->c;
	fputs(plots_heading, out);
	if (c->plots_missing)
		plots_note_md(out, d->fmt, c->plots_missing);
	image(d, "Wait for a connection: P(wait > x) per variant and workload, log-log, with the "
		 "pool timeouts and the SLO limits", "waits_cdf");
	image(d, "Failed requests per variant and workload, stacked by cause, with the 95 % "
		 "confidence interval of the total and the SLO limit", "failures");
	/* One row per variant and pool it uses, PLOT_TIMELINE_ROWS per image (app/plot.h):
	 * pool_timeline.png, pool_timeline-2.png, ... */
	int rows = 0;
	for (int v = 0; v < c->info->sc->n_variants; v++)
		for (int p = 0; p < c->info->sc->variants[v].cfg.n_pools; p++)
			rows += results_pool_used(&c->info->sc->variants[v].cfg, p);
	for (int k = 1; k == 1 || k <= (rows + PLOT_TIMELINE_ROWS - 1) / PLOT_TIMELINE_ROWS; k++) {
		char name[32];
		if (k > 1)
			snprintf(name, sizeof name, "pool_timeline-%d", k);
		else
			snprintf(name, sizeof name, "pool_timeline");
		image(d, "Pool status over time, first replication: the whole run (largest sample per "
			 "bin) and a zoom on the worst window", name);
	}
	image(d, "Connections on the database server over time against the usable "
		 "max_connections", "server_connections");
	bool batch = false;
	for (int v = 0; v < c->info->sc->n_variants; v++)
		for (int w = 0; w < c->info->sc->variants[v].cfg.n_workloads; w++)
			batch |= c->info->sc->variants[v].cfg.workloads[w].kind == CFG_WORKLOAD_BATCH;
	if (batch)
		image(d, "Backlog of the batch workloads over time, first replication", "backlog");
	/* A two-axis sweep (pooltide sweep) also has its heat map. */
	char sweep[PATH_MAX];
	int n = snprintf(sweep, sizeof sweep, "%s/sweep.csv", c->folder);
	if (n > 0 && (size_t)n < sizeof sweep && access(sweep, F_OK) == 0)
		image(d, "Sweep: timeout rate at every grid point, with its SLO verdict (drawn for two "
			 "axes)", "sweep_heatmap");
}

static void md_files(FILE *out)
{
	fputs("## Files\n\n"
	      "- `report.html`: this report as one page for a browser, the plots inline "
	      "(readable offline, no scripts).\n"
	      "- `summary.json`: the manifest (version, scenario and its SHA-256, the resolved "
	      "scenario, seed, replications) and every metric with its confidence interval.\n"
	      "- `summary.csv`: the same metrics, one row per variant, workload and metric.\n"
	      "- `waits.csv`: the wait histograms and CDFs, all replications merged.\n"
	      "- `timeline.csv`: pool status at a fixed step over the first replication.\n"
	      "- `pools.csv`: each variant's pool configuration (size, max_overflow, cap, "
	      "timeout, pre_ping and its ping, whether a workload uses the pool, its kind and "
	      "settings in the kind's own words, and the server it connects to).\n"
	      "- `database.csv`: each variant's processes, max_connections and usable "
	      "connections.\n"
	      "- `slo.csv`: each variant's SLO limits.\n"
	      "- `worst_windows.csv`: where replication 0's worst windows were (the timeline's "
	      "zoom).\n"
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

/* Every section, in order, in d's format. */
static int sections(struct doc *d)
{
	const struct report_doc *c = d->c;
	md_scenario(d);
	md_workloads(d);
	/* The SLO verdicts (written by their own module): after the numbers they judge. */
	if (c->slo) { /* HTML: its own blocks, straight into the page */
		flush(d);
		int st = c->slo(d->fmt == TABLE_HTML ? d->file : d->out, d->fmt, c->info->sc,
				c->info->ex, c->slo_ctx);
		if (st && !d->status)
			d->status = st;
		fputc('\n', d->fmt == TABLE_HTML ? d->file : d->out);
	}
	md_pools(d);
	md_budget(d);
	/* PgBouncer's section (its own module) writes Markdown: report.html converts it */
	if (report_pgbouncer_md(d->out, c->info->sc, c->info->ex) && !d->status)
		d->status = PT_ENOMEM;
	md_plots(d);
	md_files(d->out);
	md_config_code(d->out, c);
	flush(d);
	return d->status;
}

int report_doc_md(FILE *out, const struct report_doc *c)
{
	struct doc d = {.fmt = TABLE_MARKDOWN, .file = out, .out = out, .c = c};
	return sections(&d);
}

/* The page's style: readable on screen and printed, nothing fetched. */
static const char page_style[] =
	"body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 75em; "
	"padding: 0 1em; line-height: 1.4; color: #222; }\n"
	"table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }\n"
	"caption { text-align: left; font-weight: bold; padding: 0.3em 0; }\n"
	"th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; vertical-align: top; }\n"
	"th { background: #f3f3f3; }\n"
	"code, pre { font-family: ui-monospace, monospace; background: #f6f6f6; }\n"
	"pre { padding: 0.6em; overflow-x: auto; }\n"
	"blockquote { border-left: 4px solid #c33; margin: 1em 0; padding: 0.3em 1em; }\n"
	"figure { margin: 1em 0 2em; }\n"
	"figure svg { max-width: 100%; height: auto; }\n"
	"figcaption { font-style: italic; }\n"
	".missing { color: #c33; }\n";

/* The page up to <body>, titled `title` (plain text, escaped here). */
static void page_begin(FILE *out, const char *title)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
	      out);
	html_escape(out, title);
	fputs("</title>\n<style>\n", out);
	fputs(page_style, out);
	fputs(table_html_style, out);
	fputs("</style>\n</head>\n<body>\n", out);
}

int report_doc_html(FILE *out, const struct report_doc *c)
{
	struct doc d = {.fmt = TABLE_HTML, .file = out, .c = c};
	d.out = open_memstream(&d.buf, &d.len);
	if (!d.out)
		return PT_ENOMEM;
	const struct cfg_scenario *base = &c->info->sc->variants[0].cfg;
	char title[512];
	snprintf(title, sizeof title, "%s: pooltide report", base->name);
	page_begin(out, title);
	int st = sections(&d);
	fputs("</body>\n</html>\n", out);
	fclose(d.out);
	free(d.buf);
	return st;
}

/* What the page rebuilt from report.md needs for its images. */
struct md_page {
	FILE *out;
	const char *folder;
	int images, status;
};

static void md_page_image(void *ctx, const char *alt, const char *name)
{
	struct md_page *pg = ctx;
	int st = figure(pg->out, pg->folder, &pg->images, false, alt, name);
	if (st && !pg->status)
		pg->status = st;
}

int report_doc_md_replot(const char *md, const char *missing, char **out)
{
	*out = NULL;
	const char *h = md;
	while ((h = strstr(h, plots_heading)) && h != md && h[-1] != '\n')
		h++;
	if (!h)
		return PT_OK;
	const char *a = h + strlen(plots_heading), *b = a; /* the old note: [a, b) */
	if (strncmp(a, plots_note, strlen(plots_note)) == 0) {
		const char *end = strstr(a, "\n\n");
		b = end ? end + 2 : a + strlen(a);
	}
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	if (!f)
		return PT_ENOMEM;
	fwrite(md, 1, (size_t)(a - md), f);
	if (missing)
		plots_note_md(f, TABLE_MARKDOWN, missing);
	fputs(b, f);
	bool bad = ferror(f) != 0;
	if (fclose(f) != 0 || bad || !text) {
		free(text);
		return PT_ENOMEM;
	}
	if (strcmp(text, md) == 0) /* the same note, or none before and none now */
		free(text);
	else
		*out = text;
	return PT_OK;
}

int report_doc_html_from_md(FILE *out, const char *md, const char *folder)
{
	/* The title: the first heading's text without its Markdown escapes ("# NAME: pooltide
	 * report", NAME written by md_text), as report_doc_html titles the page. */
	char title[512] = "pooltide report";
	if (md[0] == '#' && md[1] == ' ') {
		size_t k = 0;
		for (const char *p = md + 2; *p && *p != '\n' && k + 1 < sizeof title; p++) {
			if (*p == '\\' && p[1] && p[1] != '\n' && ispunct((unsigned char)p[1]))
				p++;
			title[k++] = *p;
		}
		title[k] = 0;
	}
	struct md_page pg = {.out = out, .folder = folder};
	page_begin(out, title);
	html_markdown(out, md, md_page_image, &pg);
	fputs("</body>\n</html>\n", out);
	return pg.status;
}
