#include "app/report_plan.h"

#include <math.h>
#include <string.h>

#include "app/report.h"
#include "models/slo.h"

const char *report_plan_warning(const struct plan *pl)
{
	return pl->cpu_unmodelled
		       ? "the database has no `cores`: its CPU is not modelled, so this breaking "
			 "load is set only by the pools and by refused connections; a real server "
			 "may saturate well before it (set database.cores)"
		       : "";
}

/* x with four significant digits, never an exponent: "40", "25600", "0.1234". */
static void sig4(double x, char *buf, size_t len)
{
	double a = fabs(x);
	if (!isfinite(x))
		snprintf(buf, len, "%s", isnan(x) ? "-" : x > 0 ? "inf" : "-inf");
	else if (a >= 1000 || a == 0)
		snprintf(buf, len, "%.0f", x);
	else {
		int dec = 3 - (int)floor(log10(a));
		snprintf(buf, len, "%.*f", dec > 12 ? 12 : dec, x);
	}
}

static void rate_text(const struct plan_probe *p, char *buf, size_t len)
{
	char num[32];
	sig4(p->rate_per_s, num, sizeof num);
	snprintf(buf, len, "%s/s", num);
}

static void answer(const struct plan *pl, char *buf, size_t len)
{
	double base_rate = pl->probes[0].rate_per_s / pl->probes[0].factor;
	char pass[32], failr[32];
	sig4(base_rate * pl->pass_factor, pass, sizeof pass);
	sig4(base_rate * pl->fail_factor, failr, sizeof failr);
	if (pl->pass_factor > 0 && isfinite(pl->fail_factor) && pl->fail_factor > pl->pass_factor)
		snprintf(buf, len, "the SLO holds up to %s/s (x%.3g) and breaks by %s/s (x%.3g)",
			 pass, pl->pass_factor, failr, pl->fail_factor);
	else if (pl->pass_factor > 0 && !isfinite(pl->fail_factor))
		snprintf(buf, len, "the SLO still holds at %s/s (x%.3g), the largest load tried",
			 pass, pl->pass_factor);
	else if (pl->pass_factor == 0)
		snprintf(buf, len, "the SLO fails even at %s/s (x%.3g), the smallest load tried",
			 failr, pl->fail_factor);
	else
		snprintf(buf, len, "the verdicts are not monotone in the load (an inconclusive "
				   "probe): run more replications");
}

void report_plan(FILE *out, const struct scenario *sc, const struct plan *pl)
{
	const struct cfg_scenario *cfg = &sc->variants[0].cfg;
	const struct cfg_workload *w = &cfg->workloads[pl->workload];
	bool precise = pl->precision.rel > 0; /* --precision: each probe's own count */
	if (precise)
		fprintf(out, "\nplan: the load of workload %s at which the SLO breaks (%d probes, each "
			     "from %d replications until its verdict is decided, at most %d; "
			     "inconclusive counts as not passing)\n",
			w->name, pl->n, cfg->replications, pl->precision.max_reps);
	else
		fprintf(out, "\nplan: the load of workload %s at which the SLO breaks (%d probes, "
			     "each %d replications; inconclusive counts as not passing)\n",
			w->name, pl->n, cfg->replications);
	if (pl->cpu_unmodelled)
		fprintf(out, "warning: %s\n", report_plan_warning(pl));
	fprintf(out, "%-10s %-12s %-28s %s%s\n", "load", "rate", "failure rate (CI upper end)",
		precise ? "reps  " : "", "SLO");
	int order[PLAN_MAX_PROBES];
	plan_order(pl, order);
	for (int i = 0; i < pl->n; i++) {
		const struct plan_probe *p = &pl->probes[order[i]];
		char f[24], r[40], t0[16], t1[16], tr[48];
		snprintf(f, sizeof f, "x%.3g", p->factor);
		rate_text(p, r, sizeof r);
		report_format_rate(p->failure_rate, t0, sizeof t0);
		report_format_rate(p->failure_rate_hi, t1, sizeof t1);
		snprintf(tr, sizeof tr, "%s (<%s)", t0, t1);
		char reps[16] = "";
		if (precise)
			snprintf(reps, sizeof reps, "%-5d ", p->replications);
		fprintf(out, "%-10s %-12s %-28s %s%s\n", f, r, tr, reps, slo_verdict_name(p->verdict));
		/* why it did not pass: each limit that did not, with its value */
		for (int k = 0; k < p->n_slo; k++) {
			if (p->slo[k].verdict == SLO_PASS)
				continue;
			char line[320];
			slo_format(line, sizeof line, cfg, &p->slo[k]);
			fprintf(out, "%-10s   %s\n", "", line);
		}
	}
	char a[200];
	answer(pl, a, sizeof a);
	fprintf(out, "%s\n", a);
}

/* Text in a Markdown table cell: the characters Markdown acts on escaped. */
static void md_cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (strchr("\\`*_[]<>|#", *s))
			fputc('\\', out);
		fputc(*s == '\n' ? ' ' : *s, out);
	}
}

void report_plan_md(FILE *out, const struct scenario *sc, const struct plan *pl)
{
	const struct cfg_scenario *cfg = &sc->variants[0].cfg;
	fputs("## Plan\n\n", out);
	fprintf(out, "The arrival rate of workload ");
	md_cell(out, cfg->workloads[pl->workload].name);
	bool precise = pl->precision.rel > 0;
	if (precise)
		fprintf(out, " scaled until the SLO breaks: %d probes, each from %d replications until "
			     "its verdict is decided (--precision, at most %d), on common random "
			     "numbers; inconclusive counts as not passing. ",
			pl->n, cfg->replications, pl->precision.max_reps);
	else
		fprintf(out, " scaled until the SLO breaks: %d probes of %d replications each, on "
			     "common random numbers; inconclusive counts as not passing. ",
			pl->n, cfg->replications);
	char a[200];
	answer(pl, a, sizeof a);
	fprintf(out, "%c%s.\n\n", a[0] == 't' ? 'T' : a[0], a + 1);
	if (pl->cpu_unmodelled) {
		fprintf(out, "**Warning:** %s.\n\n", report_plan_warning(pl)); /* our own text */
	}
	fputs(precise ? "| load | rate | failure rate | CI upper end | replications | SLO | limits not met "
			"|\n|--:|--:|--:|--:|--:|---|---|\n"
		      : "| load | rate | failure rate | CI upper end | SLO | limits not met |\n"
			"|--:|--:|--:|--:|---|---|\n",
	      out);
	int order[PLAN_MAX_PROBES];
	plan_order(pl, order);
	for (int i = 0; i < pl->n; i++) {
		const struct plan_probe *p = &pl->probes[order[i]];
		char r[40], t0[16], t1[16];
		rate_text(p, r, sizeof r);
		report_format_rate(p->failure_rate, t0, sizeof t0);
		report_format_rate(p->failure_rate_hi, t1, sizeof t1);
		fprintf(out, "| x%.3g | %s | %s | %s | ", p->factor, r, t0, t1);
		if (precise)
			fprintf(out, "%d | ", p->replications);
		fprintf(out, "%s | ", slo_verdict_name(p->verdict));
		bool any = false;
		for (int k = 0; k < p->n_slo; k++) {
			if (p->slo[k].verdict == SLO_PASS)
				continue;
			char line[320];
			slo_format(line, sizeof line, cfg, &p->slo[k]);
			if (any)
				fputs("; ", out);
			md_cell(out, line);
			any = true;
		}
		fputs(any ? " |\n" : "- |\n", out);
	}
	fputc('\n', out);
}

static void json_factor(FILE *out, double f)
{
	report_json_number(out, f > 0 && isfinite(f) ? f : NAN);
}

void report_plan_json(FILE *out, const struct scenario *sc, const struct plan *pl,
		      const char *indent)
{
	const struct cfg_scenario *cfg = &sc->variants[0].cfg;
	fprintf(out, ",\n%s\"plan\": {\"workload\": ", indent);
	report_json_string(out, cfg->workloads[pl->workload].name);
	fputs(", \"warning\": ", out);
	if (pl->cpu_unmodelled)
		report_json_string(out, report_plan_warning(pl));
	else
		fputs("null", out);
	fputs(", \"pass_factor\": ", out);
	json_factor(out, pl->pass_factor);
	fputs(", \"fail_factor\": ", out);
	json_factor(out, pl->fail_factor);
	fprintf(out, ",\n%s  \"probes\": [", indent);
	int order[PLAN_MAX_PROBES];
	plan_order(pl, order);
	for (int i = 0; i < pl->n; i++) {
		const struct plan_probe *p = &pl->probes[order[i]];
		fprintf(out, "%s\n%s    {\"factor\": ", i ? "," : "", indent);
		report_json_number(out, p->factor);
		fputs(", \"rate_per_s\": ", out);
		report_json_number(out, p->rate_per_s);
		fprintf(out, ", \"verdict\": \"%s\", \"failure_rate\": ", slo_verdict_name(p->verdict));
		report_json_number(out, p->failure_rate);
		fputs(", \"failure_rate_ci_high\": ", out);
		report_json_number(out, p->failure_rate_hi);
		fprintf(out, ", \"replications\": %d", p->replications);
		fputs(", \"not_met\": [", out);
		bool any = false;
		for (int k = 0; k < p->n_slo; k++) {
			const struct slo_result *r = &p->slo[k];
			if (r->verdict == SLO_PASS)
				continue;
			fprintf(out, "%s{\"workload\": ", any ? ", " : "");
			report_json_string(out, cfg->workloads[r->slo.workload].name);
			fputs(", \"metric\": ", out);
			report_json_string(out, r->slo.metric);
			fputs(", \"limit\": ", out);
			report_json_number(out, r->slo.limit);
			fprintf(out, ", \"verdict\": \"%s\", \"estimate\": ", slo_verdict_name(r->verdict));
			report_json_estimate(out, &r->est);
			fputc('}', out);
			any = true;
		}
		fputs("]}", out);
	}
	fprintf(out, "\n%s  ]}", indent);
}
