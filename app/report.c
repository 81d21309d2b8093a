#include "app/report.h"

#include <limits.h>
#include <math.h>
#include <string.h>

#include "app/report_tables.h"
#include "app/sweep.h"
#include "app/table.h"
#include "models/aggregate.h"
#include "models/budget.h"
#include "models/plan.h"
#include "models/pool.h"
#include "models/slo.h"
#include "app/report_pgbouncer.h"
#include "models/summary.h"
#include "sim/status.h"

void report_format_duration(double s, char *buf, size_t len)
{
	if (isnan(s)) {
		snprintf(buf, len, "-");
	} else if (s < 0) { /* the sign, then the magnitude (never an int conversion) */
		char m[48];
		report_format_duration(-s, m, sizeof m);
		snprintf(buf, len, "-%s", m);
	} else if (isinf(s)) {
		snprintf(buf, len, "inf");
	} else if (s >= 3600 * 1e6) {
		snprintf(buf, len, "%.3gh", s / 3600); /* a million hours and more: no minutes */
	} else if (s == 0)
		snprintf(buf, len, "0");
	else if (s < 1e-3)
		snprintf(buf, len, "%.3gus", s * 1e6);
	else if (s < 1)
		snprintf(buf, len, "%.3gms", s * 1e3);
	else if (s < 60)
		snprintf(buf, len, "%.3gs", s);
	else if (s < 3600)
		snprintf(buf, len, "%dm%02ds", (int)(s / 60), (int)fmod(s, 60));
	else /* hours below a million: exact in a double, printed without an int conversion */
		snprintf(buf, len, "%.0fh%02dm", floor(s / 3600), (int)fmod(s / 60, 60));
}

void report_format_rate(double r, char *buf, size_t len)
{
	if (isnan(r))
		snprintf(buf, len, "-");
	else if (r == 0)
		snprintf(buf, len, "0%%");
	else if (fabs(r) < 1e-4)
		snprintf(buf, len, "%.2g%%", r * 100);
	else
		snprintf(buf, len, "%.3g%%", r * 100);
}

/* x with `sig` significant digits and never an exponent: whole from 10^(sig-1) on. */
static void format_sig(double x, int sig, char *buf, size_t len)
{
	double a = fabs(x);
	if (isnan(x))
		snprintf(buf, len, "-");
	else if (isinf(x))
		snprintf(buf, len, "%s", x > 0 ? "inf" : "-inf");
	else if (a >= pow(10, sig - 1) || a == 0)
		snprintf(buf, len, "%.0f", x);
	else {
		int dec = sig - 1 - (int)floor(log10(a));
		if (dec > 12)
			dec = 12;
		snprintf(buf, len, "%.*f", dec < 0 ? 0 : dec, x);
	}
}

void report_format_number(double x, char *buf, size_t len)
{
	format_sig(x, 3, buf, len);
}

void report_format_count(double x, char *buf, size_t len)
{
	if (!isnan(x) && fabs(x) >= 1e7 && fabs(x) < 1e9)
		snprintf(buf, len, "%.1fM", x / 1e6); /* 10.4M: fits the terminal's columns */
	else if (!isnan(x) && fabs(x) >= 100)
		snprintf(buf, len, "%.0f", x);
	else
		report_format_number(x, buf, len);
}



struct estimate report_est(const struct experiment *ex, int v, const char *metric, int idx)
{
	struct estimate e;
	aggregate_estimate(experiment_aggregate(ex, v), metric_find(metric), idx, &e);
	return e;
}

struct estimate report_diff(const struct experiment *ex, int v, const char *metric, int idx)
{
	struct estimate e;
	aggregate_diff(experiment_aggregate(ex, v), experiment_aggregate(ex, 0), metric_find(metric),
		       idx, &e);
	return e;
}

struct report_pool_health report_pool_health(const struct experiment *ex, int v, int p)
{
	struct report_pool_health h = {
		.checked_out = report_est(ex, v, "checked_out_mean", p).mean,
		.checked_in = report_est(ex, v, "checked_in_mean", p).mean,
		.overflow = report_est(ex, v, "overflow_mean", p).mean,
		.waiters = report_est(ex, v, "waiters_mean", p).mean,
		.exhausted_share = report_est(ex, v, "exhausted_share", p).mean,
		.longest_exhausted_s = report_est(ex, v, "longest_exhausted", p).mean,
	};
	const struct aggregate_pool *ap = &experiment_aggregate(ex, v)->pools[p];
	h.exhausted_reps = ap->exhausted_reps;
	h.first_timeout_overflow = ap->first_timeout_overflow;
	return h;
}

bool report_cause_shown(const struct experiment *ex, int f, int w)
{
	if (f == REQ_TIMED_OUT || f == REQ_REFUSED)
		return true;
	for (int v = 0; v < ex->n_variants; v++)
		if (report_est(ex, v, requests_failure_name(f), w).mean > 0)
			return true;
	return false;
}

/* Render a built table on the terminal and free it; 0 or its status (PT_ENOMEM). */
static int term_table(FILE *out, struct table *t)
{
	int st = table_render(out, t, TABLE_TERMINAL);
	table_destroy(t);
	return st;
}

int report_table(FILE *out, const struct scenario *sc, const struct experiment *ex)
{
	const struct cfg_scenario *base = &sc->variants[0].cfg;
	char h[32], w[32];
	report_format_duration(base->horizon_s, h, sizeof h);
	report_format_duration(base->warmup_s, w, sizeof w);
	fprintf(out, "pooltide %s: %s (%s)\n", POOLTIDE_VERSION, base->name, sc->path);
	fprintf(out, "seed %llu, %d replications of %s after a %s warm-up; 95 %% confidence "
		     "intervals over replications\n",
		(unsigned long long)base->seed, ex->nrep, h, w);

	int namew = 7;
	for (int v = 0; v < ex->n_variants; v++) {
		int l = (int)strlen(sc->variants[v].name);
		if (l > namew)
			namew = l;
	}
	if (namew > 48)
		namew = 48;

	int st = PT_OK;
	for (int wi = 0; wi < base->n_workloads && !st; wi++) {
		const struct cfg_workload *wl = &base->workloads[wi];
		fputc('\n', out);
		if (wl->kind == CFG_WORKLOAD_BATCH) {
			st = term_table(out, report_tables_batch(sc, ex, wi, namew));
		} else {
			st = term_table(out, report_tables_workload(sc, ex, wi, namew));
			/* one table per set of window lengths (variants may choose their own) */
			for (int v = 0; !st && v < ex->n_variants; v++)
				if (report_tables_worst_leads(sc, ex, wi, v))
					st = term_table(out, report_tables_worst(sc, ex, wi, namew, v));
			if (!st && report_tables_contention_shown(ex, wi))
				st = term_table(out, report_tables_contention(sc, ex, wi, namew));
		}
		/* Paired differences to the first variant (common random numbers): what each
		 * change did. */
		if (!st && ex->n_variants >= 2 && ex->nrep >= 2)
			st = term_table(out, report_tables_diffs(sc, ex, wi, namew));
	}
	if (st)
		return st;
	fputc('\n', out);
	st = term_table(out, report_tables_pools(sc, ex, namew));
	if (st)
		return st;
	/* with read replicas, one row per server, named in its own column */
	bool servers = false;
	for (int v = 0; v < ex->n_variants; v++)
		servers |= sc->variants[v].cfg.n_replicas > 0;
	fprintf(out, "\ndatabase (server connections over all processes and pools)\n");
	fprintf(out, "%-*s  %s%9s %10s %12s %9s %9s  %s\n", namew, "variant",
		servers ? "server     " : "", "processes", "conn mean", "conn max/use", "refused",
		"cpu busy", "budget/usable");
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_scenario *c = &sc->variants[v].cfg;
		const struct aggregate *ag = experiment_aggregate(ex, v);
		for (int d = 0; d <= c->n_replicas; d++) {
			uint64_t refused = d ? ag->replica_refused[d - 1] : ag->db_refused;
			char mx[24], busy[16], bud[48], who[16] = "";
			struct budget b;
			budget_compute_server(c, d, &b);
			if (b.unlimited)
				snprintf(bud, sizeof bud, "unlimited/%d EXCEEDS", b.usable);
			else
				snprintf(bud, sizeof bud, "%lld/%d%s", b.most, b.usable,
					 budget_exceeded(&b) ? " EXCEEDS" : "");
			snprintf(mx, sizeof mx, "%.0f/%d",
				 report_est(ex, v, "server_connections_max", d).mean,
				 cfg_usable_connections(cfg_server(c, d)));
			report_format_rate(report_est(ex, v, "cpu_busy_mean", d).mean, busy, sizeof busy);
			if (servers)
				snprintf(who, sizeof who, "%-10.10s ", cfg_server_name(c, d));
			fprintf(out, "%-*.*s  %s%9d %10.2f %12s %9.0f %9s  %s\n", namew, namew,
				d ? "" : sc->variants[v].name, who, ag->n_processes,
				report_est(ex, v, "server_connections_mean", d).mean, mx,
				(double)refused / ag->nrep, busy, bud);
		}
	}
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_scenario *c = &sc->variants[v].cfg;
		const struct aggregate *ag = experiment_aggregate(ex, v);
		for (int d = 0; d <= c->n_replicas; d++) {
			uint64_t refused = d ? ag->replica_refused[d - 1] : ag->db_refused;
			if (refused)
				fprintf(out, "%s: %s%s refused %llu connects over all replications: %s\n",
					sc->variants[v].name, d ? "the replica " : "the database",
					d ? cfg_server_name(c, d) : "", (unsigned long long)refused,
					database_refusal_message(cfg_server(c, d)));
		}
	}
	return report_pgbouncer_terminal(out, sc, ex);
}

void report_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\r': fputs("\\r", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

void report_json_number(FILE *out, double x)
{
	if (isnan(x) || isinf(x))
		fputs("null", out);
	else
		fprintf(out, "%.9g", x);
}

void report_json_estimate(FILE *out, const struct estimate *e)
{
	fputs("{\"mean\": ", out);
	report_json_number(out, e->mean);
	fputs(", \"ci_low\": ", out);
	report_json_number(out, e->lo);
	fputs(", \"ci_high\": ", out);
	report_json_number(out, e->hi);
	fputc('}', out);
}

static void json_metrics(FILE *out, const struct experiment *ex, int v, enum metric_scope scope,
			 int idx, const char *indent)
{
	int n;
	const struct metric_def *t = metric_table(&n);
	/* a workload's worst windows are named by its window lengths */
	const struct cfg_workload *wl =
		scope == METRIC_WORKLOAD || scope == METRIC_BATCH ? &ex->cfgs[v]->workloads[idx] : NULL;
	bool first = true;
	for (int k = 0; k < n; k++) {
		if (t[k].scope != scope || !metric_applies(&t[k], wl))
			continue;
		struct estimate e;
		char name[CFG_SLO_METRIC_MAX];
		aggregate_estimate(experiment_aggregate(ex, v), &t[k], idx, &e);
		fprintf(out, "%s%s\"%s\": ", first ? "" : ",\n", indent,
			metric_name_of(&t[k], wl, name, sizeof name));
		report_json_estimate(out, &e);
		first = false;
	}
	if ((scope == METRIC_WORKLOAD || scope == METRIC_BATCH) && v > 0) {
		/* Paired differences to the first variant (common random numbers). */
		int nd;
		const char *const *diffs = report_diff_metrics(scope, &nd);
		fprintf(out, ",\n%s\"diff_to_first\": {", indent);
		for (int k = 0; k < nd; k++) {
			struct estimate e;
			aggregate_diff(experiment_aggregate(ex, v), experiment_aggregate(ex, 0),
				       metric_find(diffs[k]), idx, &e);
			fprintf(out, "%s\"%s\": ", k ? ", " : "", diffs[k]);
			report_json_estimate(out, &e);
		}
		fputc('}', out);
	}
}

const char *const *report_diff_metrics(enum metric_scope scope, int *n)
{
	static const char *const req[] = {"failure_rate", "wait_mean", "wait_p99", "hold_mean"};
	static const char *const batch[] = {"failed_batch_rate", "batch_duration_mean",
					    "txn_hold_mean", "lag_mean"};
	if (scope == METRIC_BATCH) {
		*n = (int)(sizeof batch / sizeof batch[0]);
		return batch;
	}
	*n = (int)(sizeof req / sizeof req[0]);
	return req;
}

void report_json_precision(FILE *out, const struct scenario *sc, const struct experiment *ex)
{
	/* --precision: the target, the rounds, and how each variant ended */
	fputs("{\"target\": ", out);
	report_json_number(out, ex->precision.rel);
	fprintf(out, ", \"max_replications\": %d, \"rounds\": %d, \"stopped\": ",
		ex->precision.max_reps, ex->rounds);
	report_json_string(out, experiment_decided(ex) ? "decided"
				: ex->event_limited   ? "max_events"
						      : "max_replications");
	fputs(", \"variant_replications\": [", out);
	for (int v = 0; v < ex->n_variants; v++)
		fprintf(out, "%s%d", v ? ", " : "", experiment_aggregate(ex, v)->nrep);
	fputs("], \"undecided\": [", out);
	for (int v = 0, k = 0; v < ex->n_variants; v++)
		if (!ex->decided[v]) {
			fputs(k++ ? ", " : "", out);
			report_json_string(out, sc->variants[v].name);
		}
	fputs("]}", out);
}

void report_json(FILE *out, const struct scenario *sc, const struct experiment *ex)
{
	report_json_ext(out, sc, ex, NULL);
}

/* ,"slo": {"verdict": ..., "limits": [...]} of variant v, when it has limits. */
/* Where replication 0's worst windows were (models/window.h), for a plot to zoom on. */
static void json_worst_first(FILE *out, const struct aggregate *a, const struct cfg_workload *wl,
			     int w)
{
	fputs(",\n          \"worst_windows_first_replication\": [", out);
	for (int i = 0; i < wl->req.n_windows; i++) {
		const struct window_result *r = &a->first_worst[w][i];
		fprintf(out, "%s{\"length_s\": ", i ? ", " : "");
		report_json_number(out, r->length_s);
		fputs(", \"failure_rate\": ", out);
		report_json_number(out, r->failure_rate);
		fputs(", \"failure_rate_start_s\": ", out);
		report_json_number(out, r->failure_start_s);
		fputs(", \"wait_p99\": ", out);
		report_json_number(out, r->wait_p99);
		fputs(", \"wait_p99_start_s\": ", out);
		report_json_number(out, r->wait_start_s);
		fputc('}', out);
	}
	fputc(']', out);
}

/* One server's connection budget (models/budget.h) as a JSON object. */
static void json_budget_object(FILE *out, const struct cfg_scenario *c, const struct budget *b)
{
	fputs("{\"most\": ", out);
	if (b->unlimited)
		fputs("null", out);
	else
		fprintf(out, "%lld", b->most);
	fprintf(out, ", \"unlimited\": %s, \"usable\": %d, \"max_connections\": %d, "
		     "\"superuser_reserved_connections\": %d, \"reserved_connections\": %d, "
		     "\"exceeded\": %s, \"pools\": [",
		b->unlimited ? "true" : "false", b->usable, b->max_connections, b->superuser_reserved,
		b->reserved, budget_exceeded(b) ? "true" : "false");
	for (int i = 0; i < b->n_terms; i++) {
		fputs(i ? ", {\"pool\": " : "{\"pool\": ", out);
		report_json_string(out, c->pools[b->terms[i].pool].name);
		fprintf(out, ", \"processes\": %d, \"cap\": ", b->terms[i].processes);
		if (b->terms[i].cap < 0)
			fputs("null}", out);
		else
			fprintf(out, "%d}", b->terms[i].cap);
	}
	fputs("]}", out);
}

/* The variant's connection budget on the primary ("budget") and on each read replica
 * ("replica_budgets"). */
static void json_budget(FILE *out, const struct scenario *sc, int v)
{
	const struct cfg_scenario *c = &sc->variants[v].cfg;
	struct budget b;
	budget_compute(c, &b);
	fputs(",\n      \"budget\": ", out);
	json_budget_object(out, c, &b);
	if (c->n_replicas == 0)
		return;
	fputs(",\n      \"replica_budgets\": {", out);
	for (int d = 1; d <= c->n_replicas; d++) {
		budget_compute_server(c, d, &b);
		fputs(d > 1 ? ", " : "", out);
		report_json_string(out, cfg_server_name(c, d));
		fputs(": ", out);
		json_budget_object(out, c, &b);
	}
	fputc('}', out);
}

int report_budget_warnings(FILE *out, const struct scenario *sc)
{
	int n = 0;
	for (int v = 0; v < sc->n_variants; v++) {
		const struct cfg_scenario *c = &sc->variants[v].cfg;
		for (int d = 0; d <= c->n_replicas; d++) { /* every server has its own slots */
			struct budget b;
			char line[1200];
			budget_compute_server(c, d, &b);
			if (!budget_exceeded(&b))
				continue;
			budget_format(line, sizeof line, &b, c);
			fprintf(out, "pooltide: warning: variant '%s': connection budget %s: PostgreSQL "
				     "refuses the connects beyond %d at once\n", sc->variants[v].name,
				line, b.usable);
			n++;
		}
	}
	return n;
}

static void json_slo(FILE *out, const struct scenario *sc, const struct experiment *ex, int v)
{
	const struct cfg_scenario *c = &sc->variants[v].cfg;
	if (c->n_slo == 0)
		return;
	struct slo_result res[CFG_MAX_SLO];
	enum slo_verdict all = slo_evaluate_aggregate(experiment_aggregate(ex, v), c, res);
	fprintf(out, ",\n      \"slo\": {\"verdict\": \"%s\", \"limits\": [", slo_verdict_name(all));
	for (int i = 0; i < c->n_slo; i++) {
		fputs(i ? ",\n        {\"workload\": " : "\n        {\"workload\": ", out);
		report_json_string(out, c->workloads[res[i].slo.workload].name);
		fprintf(out, ", \"metric\": \"%s\", \"limit\": ", res[i].slo.metric);
		report_json_number(out, res[i].slo.limit);
		fputs(", \"estimate\": ", out);
		report_json_estimate(out, &res[i].est);
		fprintf(out, ", \"verdict\": \"%s\"}", slo_verdict_name(res[i].verdict));
	}
	fputs("]}", out);
}

enum slo_verdict report_slo(FILE *out, const struct scenario *sc, const struct experiment *ex,
			    enum table_format fmt, int gate)
{
	enum slo_verdict gate_verdict = SLO_PASS;
	bool any = false;
	for (int v = 0; v < ex->n_variants; v++)
		any |= sc->variants[v].cfg.n_slo > 0;
	if (!any)
		return SLO_PASS;
	static const char intro[] = "A limit passes only when the upper end of its 95 % confidence "
				    "interval meets it, fails when the lower end exceeds it, and is "
				    "inconclusive when the interval straddles it (more replications "
				    "narrow it).";
	struct table *t = NULL;
	if (fmt == TABLE_MARKDOWN)
		fprintf(out, "## SLO\n\n%s\n\n", intro);
	else if (fmt == TABLE_HTML)
		fprintf(out, "<h2>SLO</h2>\n<p>%s</p>\n", intro);
	else
		fputs("\nSLO (pass: the upper end of the 95 % CI meets the limit; inconclusive: "
		      "the CI straddles it)\n", out);
	if (fmt != TABLE_TERMINAL) {
		t = table_create("SLO");
		static const char *const heads[] = {"variant", "objective", "estimate [95 % CI]",
						    "verdict"};
		for (int k = 0; k < 4; k++)
			table_add_column(t, &(struct table_column){.header = heads[k]});
	}
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_scenario *c = &sc->variants[v].cfg;
		struct slo_result res[CFG_MAX_SLO];
		enum slo_verdict all =
			slo_evaluate_aggregate(experiment_aggregate(ex, v), c, res);
		if (v == gate)
			gate_verdict = all;
		if (fmt == TABLE_TERMINAL)
			fprintf(out, "%s: %s\n", sc->variants[v].name, slo_verdict_name(all));
		for (int i = 0; i < c->n_slo; i++) {
			char line[256];
			slo_format(line, sizeof line, c, &res[i]);
			if (fmt == TABLE_TERMINAL) {
				fprintf(out, "  %s\n", line);
				continue;
			}
			/* "api wait_p99 <= 100ms: 84.2ms [79.1ms, 89.3ms] pass" -> table cells; the
			 * verdict is its word and what follows ("inconclusive (about 6
			 * replications would decide it)") */
			char word[32];
			snprintf(word, sizeof word, " %s", slo_verdict_name(res[i].verdict));
			char *colon = strstr(line, ": ");
			char *verdict = colon ? strstr(colon, word) : NULL;
			table_add_row(t);
			table_add_text(t, sc->variants[v].name);
			if (!verdict) {
				table_add_value(t, line);
				continue;
			}
			*colon = 0;
			*verdict = 0;
			table_add_value(t, line);
			table_add_value(t, colon + 2);
			char cell[300];
			snprintf(cell, sizeof cell, "**%s**%s", word + 1, verdict + strlen(word));
			table_add_markdown(t, cell);
		}
	}
	if (t) {
		table_render(out, t, fmt); /* out of memory: the section ends without its table */
		table_destroy(t);
		if (fmt == TABLE_MARKDOWN)
			fputc('\n', out);
	}
	return gate_verdict;
}

void report_json_ext(FILE *out, const struct scenario *sc, const struct experiment *ex,
		     const struct report_json_ext *ext)
{
	const struct cfg_scenario *base = &sc->variants[0].cfg;
	fprintf(out, "{\n  \"pooltide\": \"%s\",\n  \"scenario\": ", POOLTIDE_VERSION);
	report_json_string(out, base->name);
	fputs(",\n  \"path\": ", out);
	report_json_string(out, sc->path);
	fprintf(out, ",\n  \"seed\": %llu,\n  \"replications\": %d,\n  \"horizon_s\": ",
		(unsigned long long)base->seed, ex->nrep);
	report_json_number(out, base->horizon_s);
	fputs(",\n  \"warmup_s\": ", out);
	report_json_number(out, base->warmup_s);
	if (ext && ext->top)
		ext->top(out, ext->ctx, "  ");
	fputs(",\n  \"variants\": [\n", out);
	for (int v = 0; v < ex->n_variants; v++) {
		const struct cfg_scenario *c = &sc->variants[v].cfg;
		fputs("    {\n      \"name\": ", out);
		report_json_string(out, sc->variants[v].name);
		fputs(",\n      \"workloads\": {\n", out);
		for (int w = 0; w < c->n_workloads; w++) {
			fputs("        ", out);
			report_json_string(out, c->workloads[w].name);
			fputs(": {\n          \"pool\": ", out);
			report_json_string(out, c->pools[c->workloads[w].pool].name);
			fputs(",\n", out);
			fputs("          \"type\": ", out);
			report_json_string(out, c->workloads[w].kind == CFG_WORKLOAD_BATCH ? "batch"
											: "requests");
			fputs(",\n", out);
			json_metrics(out, ex, v, metric_scope_of(&c->workloads[w]), w, "          ");
			if (c->workloads[w].kind == CFG_WORKLOAD_REQUESTS)
				json_worst_first(out, experiment_aggregate(ex, v), &c->workloads[w], w);
			fputc('\n', out);
			fprintf(out, "        }%s\n", w + 1 < c->n_workloads ? "," : "");
		}
		fputs("      },\n      \"pools\": {\n", out);
		for (int p = 0; p < c->n_pools; p++) {
			fputs("        ", out);
			report_json_string(out, c->pools[p].name);
			fputs(": {\n", out);
			json_metrics(out, ex, v, METRIC_POOL, p, "          ");
			if (ext && ext->pool)
				ext->pool(out, ext->ctx, v, p, "          ");
			fputc('\n', out);
			fprintf(out, "        }%s\n", p + 1 < c->n_pools ? "," : "");
		}
		fputs("      },\n      \"database\": {\n", out);
		json_metrics(out, ex, v, METRIC_DATABASE, 0, "        ");
		fputs("\n      }", out);
		if (c->n_replicas > 0) { /* the same metrics per read replica */
			fputs(",\n      \"replicas\": {\n", out);
			for (int d = 1; d <= c->n_replicas; d++) {
				fputs("        ", out);
				report_json_string(out, cfg_server_name(c, d));
				fputs(": {\n", out);
				json_metrics(out, ex, v, METRIC_DATABASE, d, "          ");
				fprintf(out, "\n        }%s\n", d < c->n_replicas ? "," : "");
			}
			fputs("      }", out);
		}
		if (c->pgbouncer.enabled) {
			/* its pool of the primary's database; then, as "replicas" beside
			 * "database", its pool of each replica's database it fronts */
			fputs(",\n      \"pgbouncer\": {\n", out);
			json_metrics(out, ex, v, METRIC_PGBOUNCER, 0, "        ");
			fputs("\n      }", out);
			bool first = true;
			for (int d = 1; d <= c->n_replicas; d++) {
				if (!cfg_pgbouncer_fronts(c, d))
					continue;
				fputs(first ? ",\n      \"pgbouncer_replicas\": {\n" : ",\n", out);
				first = false;
				fputs("        ", out);
				report_json_string(out, cfg_server_name(c, d));
				fputs(": {\n", out);
				json_metrics(out, ex, v, METRIC_PGBOUNCER, d, "          ");
				fputs("\n        }", out);
			}
			if (!first)
				fputs("\n      }", out);
		}
		json_budget(out, sc, v);
		json_slo(out, sc, ex, v);
		fprintf(out, "\n    }%s\n", v + 1 < ex->n_variants ? "," : "");
	}
	fputs("  ]\n}\n", out);
}

/* The grid as compact tables, one per requests workload: the timeout rate (and the upper end
 * of its interval) at every point; for two axes a matrix, first axis down. Then the smallest
 * point meeting every SLO limit. */
void report_sweep(FILE *out, const struct sweep *sw, const struct experiment *ex)
{
	const struct cfg_scenario *base = &sw->grid->variants[0].cfg;
	const struct metric_def *tr = metric_find("failure_rate"), *p99 = metric_find("wait_p99");
	fprintf(out, "\nsweep: %d configurations on common random numbers\n", sw->n_points);
	for (int w = 0; w < base->n_workloads; w++) {
		if (base->workloads[w].kind != CFG_WORKLOAD_REQUESTS)
			continue;
		fprintf(out, "workload %s: failure rate (upper end of its 95 %% CI), wait p99\n",
			base->workloads[w].name);
		bool matrix = sw->n_axes == 2;
		int cols = matrix ? sw->axes[1].n : 1;
		if (matrix) {
			fprintf(out, "%-22.22s", sw->axes[0].path);
			for (int j = 0; j < cols; j++) {
				char h[SWEEP_PATH_MAX + SWEEP_VALUE_MAX + 2];
				snprintf(h, sizeof h, "%s=%s", strrchr(sw->axes[1].path, '.')
								   ? strrchr(sw->axes[1].path, '.') + 1
								   : sw->axes[1].path,
					 sw->axes[1].values[j]);
				fprintf(out, " %-24.24s", h);
			}
			fputc('\n', out);
		}
		for (int k = 0; k < sw->n_points; k++) {
			if (k % cols == 0)
				fprintf(out, "%-22.22s",
					matrix ? sw->axes[0].values[k / cols] : sw->grid->variants[k].name);
			struct estimate e, q;
			aggregate_estimate(experiment_aggregate(ex, k), tr, w, &e);
			aggregate_estimate(experiment_aggregate(ex, k), p99, w, &q);
			char r0[16], r1[16], d[16], cell[64];
			report_format_rate(e.mean, r0, sizeof r0);
			report_format_rate(e.hi, r1, sizeof r1);
			report_format_duration(q.mean, d, sizeof d);
			snprintf(cell, sizeof cell, "%s (<%s) %s", r0, r1, d);
			fprintf(out, " %-24.24s", cell);
			if (k % cols == cols - 1)
				fputc('\n', out);
		}
	}
	int over = 0;
	for (int k = 0; k < sw->n_points; k++)
		over += sweep_point_over_budget(sw, k);
	if (base->n_slo == 0) {
		fprintf(out, "no \"slo\" in the scenario: add limits to find the smallest configuration "
			     "meeting them\n");
		if (over)
			fprintf(out, "%d point%s can open more connections than the database accepts "
				     "(see the budget in report.md)\n", over, over == 1 ? "" : "s");
		return;
	}
	/* Every point's verdict, the limits it fails, and its connection budget. */
	fprintf(out, "SLO per point (every limit judged; \"over budget\": can open more "
		     "connections than the database accepts, never recommended)\n");
	int n_pass = 0;
	for (int k = 0; k < sw->n_points; k++) {
		const struct cfg_scenario *c = &sw->grid->variants[k].cfg;
		struct slo_result res[CFG_MAX_SLO];
		enum slo_verdict v = slo_evaluate_aggregate(experiment_aggregate(ex, k), c, res);
		char failed[512];
		sweep_failed_limits(c, res, failed, sizeof failed);
		bool ob = sweep_point_over_budget(sw, k);
		n_pass += v == SLO_PASS && !ob;
		char reps[48] = "";
		if (ex->precision.rel > 0) /* each point's own count: undecided ones ran more */
			snprintf(reps, sizeof reps, " (%d replications%s)",
				 experiment_aggregate(ex, k)->nrep,
				 ex->decided[k] ? "" : ", stopped at the maximum");
		fprintf(out, "  %-36s %-12s%s%s%s%s\n", sw->grid->variants[k].name, slo_verdict_name(v),
			failed[0] ? " fails " : "", failed, ob ? " (over budget)" : "", reps);
	}
	if (!sweep_all_capacity(sw)) {
		fprintf(out, "passing region (an axis is not a capacity, so there is no smallest "
			     "configuration): ");
		int shown = 0;
		for (int k = 0; k < sw->n_points; k++) {
			const struct cfg_scenario *c = &sw->grid->variants[k].cfg;
			struct slo_result res[CFG_MAX_SLO];
			if (slo_evaluate_aggregate(experiment_aggregate(ex, k), c, res) != SLO_PASS ||
			    sweep_point_over_budget(sw, k))
				continue;
			fprintf(out, "%s%s", shown++ ? "; " : "", sw->grid->variants[k].name);
		}
		fprintf(out, "%s\n", shown ? "" : "none");
		return;
	}
	int best = sweep_smallest_passing(sw, ex);
	if (best < 0)
		fprintf(out, "no configuration of the grid passes every SLO limit within its "
			     "connection budget (inconclusive ones need more replications)\n");
	else
		fprintf(out, "smallest configuration meeting every SLO limit: %s\n",
			sw->grid->variants[best].name);
}

void report_precision(FILE *out, const struct scenario *sc, const struct experiment *ex,
		      bool markdown)
{
	const struct precision *pr = &ex->precision;
	if (!(pr->rel > 0))
		return;
	int lo = INT_MAX, hi = 0, undecided = 0;
	for (int v = 0; v < ex->n_variants; v++) {
		int n = experiment_aggregate(ex, v)->nrep;
		lo = n < lo ? n : lo;
		hi = n > hi ? n : hi;
		undecided += !ex->decided[v];
	}
	char target[32], used[48];
	snprintf(target, sizeof target, "%.3g%%", pr->rel * 100);
	if (lo == hi)
		snprintf(used, sizeof used, "%d replication%s", hi, hi == 1 ? "" : "s");
	else
		snprintf(used, sizeof used, "%d to %d replications", lo, hi);
	fputs(markdown ? "## Precision\n\n" : "\n", out);
	fprintf(out, "precision: --precision %s, at most %d replications: %s%s", target,
		pr->max_reps, used, ex->n_variants > 1 && lo != hi ? " per variant" : "");
	if (ex->rounds > 1)
		fprintf(out, " in %d rounds", ex->rounds);
	if (undecided == 0) {
		fputs("; stopped because every verdict was decided", out);
	} else {
		fprintf(out, "; stopped at %s with %d variant%s undecided: ",
			ex->event_limited ? "the --max-events budget" : "the maximum", undecided,
			undecided == 1 ? "" : "s");
		for (int v = 0, k = 0; v < ex->n_variants; v++)
			if (!ex->decided[v])
				fprintf(out, "%s%s", k++ ? ", " : "", sc->variants[v].name);
		fputs(" (an undecided SLO verdict stays inconclusive; without limits, the intervals "
		      "are wider than asked)", out);
	}
	fprintf(out, "%s(rounds until every SLO verdict is pass or fail; without limits, until the "
		     "95 %% half-widths of failure_rate, wait_mean and wait_p99 are within %s of "
		     "their means)\n", markdown ? "\n" : "\n  ", target);
	if (markdown)
		fputc('\n', out);
}
