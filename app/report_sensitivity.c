#include "app/report_sensitivity.h"

#include <math.h>
#include <string.h>

#include "app/report.h"

/* The words of a metric in the section. */
static const char *metric_words(const struct metric_def *m)
{
	static const struct {
		const char *name, *words;
	} w[] = {{"failure_rate", "failures"},
		 {"wait_p99", "p99 wait"},
		 {"failed_batch_rate", "failed batches"},
		 {"lag_max", "max lag"}};
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
		if (strcmp(m->name, w[i].name) == 0)
			return w[i].words;
	return m->name;
}

/* A value of m for people: a rate as a percentage, a duration with its unit; with a sign
 * ("+1.7%", "-3ms") when `sign`. */
static void fmt(const struct metric_def *m, double x, bool sign, char *buf, size_t len)
{
	char v[40];
	bool rate = strcmp(m->unit, "1") == 0;
	if (rate)
		report_format_rate(fabs(x), v, sizeof v);
	else
		report_format_duration(fabs(x), v, sizeof v);
	if (isnan(x))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%s%s", x < 0 ? "-" : sign ? "+" : "", v);
}

/* "0.41% [0.3%, 0.52%]" or, with sign, "+1.7% [+1.2%, +2.2%]"; without an interval when
 * fewer than 2 replications define it. */
static void fmt_ci(const struct metric_def *m, const struct estimate *e, bool sign, char *buf,
		   size_t len)
{
	char a[48], b[48], c[48];
	fmt(m, e->mean, sign, a, sizeof a);
	if (e->n < 2 || isnan(e->lo) || isnan(e->hi)) {
		snprintf(buf, len, "%s", a);
		return;
	}
	fmt(m, e->lo, sign, b, sizeof b);
	fmt(m, e->hi, sign, c, sizeof c);
	snprintf(buf, len, "%s [%s, %s]", a, b, c);
}

static void header(FILE *out, const struct report_sensitivity *r, bool markdown)
{
	const struct sensitivity *s = r->s;
	if (markdown)
		fprintf(out, "\n## Sensitivity\n\nThe inputs are estimates, and near saturation the "
			     "answer is hypersensitive to them. Variant `%s` ran again with every hold "
			     "time 10 %% longer (db_time, app_time, a trace's hold times, per_record: "
			     "the work done while a connection is held) and with every arrival rate "
			     "10 %% higher (rates, profiles and so bursts, batch records; a trace "
			     "compressed in time), on the same random numbers: each change is paired "
			     "replication by replication, with its 95 %% interval. Cost: %d extra "
			     "replications (the base again, then each perturbation, %d each; "
			     "`--sensitivity off` skips them).\n\n",
			r->variant, s->extra_replications, s->nrep);
	else
		fprintf(out, "\nSensitivity of '%s' (the inputs are estimates): paired changes on "
			     "common random numbers, 95 %% CI; %d extra replications (the base again, "
			     "then each perturbation, %d each; --sensitivity off skips them)\n",
			r->variant, s->extra_replications, s->nrep);
}

static void section_terminal(FILE *out, const struct report_sensitivity *r)
{
	const struct sensitivity *s = r->s;
	size_t wlen = 0;
	for (int k = 0; k < s->n_workloads; k++) {
		size_t l = strlen(r->cfg->workloads[s->workloads[k].workload].name);
		wlen = l > wlen ? l : wlen;
	}
	for (int i = 0; i < SENSITIVITY_INPUTS; i++) {
		fprintf(out, "  %s\n", sensitivity_input_label((enum sensitivity_input)i));
		for (int k = 0; k < s->n_workloads; k++) {
			const struct sensitivity_workload *sw = &s->workloads[k];
			fprintf(out, "    %-*s ", (int)wlen, r->cfg->workloads[sw->workload].name);
			for (int j = 0; j < SENSITIVITY_METRICS; j++) {
				const struct sensitivity_metric *sm = &sw->metrics[j];
				char b[48], a[48], d[160];
				fmt(sm->m, sm->base.mean, false, b, sizeof b);
				fmt(sm->m, sm->scaled[i].mean, false, a, sizeof a);
				fmt_ci(sm->m, &sm->diff[i], true, d, sizeof d);
				fprintf(out, "%s%s %s -> %s, change %s", j ? "; " : " ", metric_words(sm->m),
					b, a, d);
			}
			fputc('\n', out);
		}
	}
}

static void section_markdown(FILE *out, const struct report_sensitivity *r)
{
	const struct sensitivity *s = r->s;
	fputs("| workload | metric | base |", out);
	for (int i = 0; i < SENSITIVITY_INPUTS; i++)
		fprintf(out, " %s | change |",
			i == SENSITIVITY_HOLDS ? "10 % longer transactions" : "10 % more traffic");
	fputs("\n|---|---|---|---|---|---|---|\n", out);
	for (int k = 0; k < s->n_workloads; k++) {
		const struct sensitivity_workload *sw = &s->workloads[k];
		for (int j = 0; j < SENSITIVITY_METRICS; j++) {
			const struct sensitivity_metric *sm = &sw->metrics[j];
			char b[160];
			fmt_ci(sm->m, &sm->base, false, b, sizeof b);
			fprintf(out, "| %s | %s | %s |", r->cfg->workloads[sw->workload].name,
				metric_words(sm->m), b);
			for (int i = 0; i < SENSITIVITY_INPUTS; i++) {
				char a[160], d[160];
				fmt_ci(sm->m, &sm->scaled[i], false, a, sizeof a);
				fmt_ci(sm->m, &sm->diff[i], true, d, sizeof d);
				fprintf(out, " %s | %s |", a, d);
			}
			fputc('\n', out);
		}
	}
	fputs("\nA change whose interval excludes 0 is the configuration's, not luck's. Timeouts, "
	      "connect times, the network round trip (rtt), the pool's own costs and the "
	      "client's patience are not scaled.\n", out);
}

/* "350/s (x1.75)" for a plan factor. */
static void plan_load(const struct report_sensitivity *r, double f, char *buf, size_t len)
{
	snprintf(buf, len, "%.4g/s (x%.3g)", r->plan_base_rate * f, f);
}

static void plan_section(FILE *out, const struct report_sensitivity *r, bool markdown)
{
	const struct plan *a = r->plan, *b = r->plan_longer;
	char pa[64], pb[64];
	if (markdown)
		fprintf(out, "\n## Sensitivity\n\nThe plan's search again with every hold time 10 %% "
			     "longer (db_time, app_time, per_record), on the same random numbers (%d "
			     "more probes):\n\n",
			b->n);
	else
		fprintf(out, "\nSensitivity: the search again with every hold time 10 %% longer "
			     "(%d more probes, --sensitivity off skips them)\n",
			b->n);
	const char *dash = markdown ? "- " : "  ";
	if (a->pass_factor > 0 && b->pass_factor > 0) {
		plan_load(r, a->pass_factor, pa, sizeof pa);
		plan_load(r, b->pass_factor, pb, sizeof pb);
		fprintf(out, "%s10 %% longer transactions: %s holds its SLO up to %s instead of %s: "
			     "the breaking load moves x%.3g\n",
			dash, r->plan_workload, pb, pa, b->pass_factor / a->pass_factor);
	} else if (a->pass_factor > 0) {
		plan_load(r, a->pass_factor, pa, sizeof pa);
		plan_load(r, b->fail_factor, pb, sizeof pb);
		fprintf(out, "%s10 %% longer transactions: %s, which holds its SLO up to %s, fails "
			     "it even at %s, the smallest load tried\n",
			dash, r->plan_workload, pa, pb);
	} else {
		fprintf(out, "%s10 %% longer transactions: the SLO already fails at the smallest load "
			     "tried without them\n", dash);
	}
	if (b->pass_factor > 0 && isfinite(b->fail_factor)) {
		plan_load(r, b->fail_factor, pb, sizeof pb);
		fprintf(out, "  (with them it breaks by %s", pb);
		if (isfinite(a->fail_factor)) {
			plan_load(r, a->fail_factor, pa, sizeof pa);
			fprintf(out, ", against %s", pa);
		}
		fputs(")\n", out);
	}
}

void report_sensitivity(FILE *out, const struct report_sensitivity *r, bool markdown)
{
	if (r->plan && r->plan_longer) {
		plan_section(out, r, markdown);
		return;
	}
	if (!r->s)
		return;
	if (r->s->status) {
		if (markdown)
			fprintf(out, "\n## Sensitivity\n\nNot computed for variant `%s`: %s.\n",
				r->variant, r->s->failure);
		else
			fprintf(out, "\nSensitivity of '%s': not computed: %s\n", r->variant,
				r->s->failure);
		return;
	}
	header(out, r, markdown);
	if (markdown)
		section_markdown(out, r);
	else
		section_terminal(out, r);
}

static void json_plan(FILE *out, const char *key, const struct plan *p, const char *in)
{
	fprintf(out, ",\n%s\"%s\": {\"pass_factor\": ", in, key);
	report_json_number(out, p->pass_factor > 0 ? p->pass_factor : NAN);
	fputs(", \"fail_factor\": ", out);
	report_json_number(out, p->fail_factor);
	fprintf(out, ", \"probes\": %d}", p->n);
}

void report_sensitivity_json(FILE *out, const struct report_sensitivity *r, const char *indent)
{
	char in2[32], in3[40], in4[48];
	snprintf(in2, sizeof in2, "%s  ", indent);
	snprintf(in3, sizeof in3, "%s  ", in2);
	snprintf(in4, sizeof in4, "%s  ", in3);
	if (r->plan && r->plan_longer) {
		fprintf(out, ",\n%s\"sensitivity\": {\n%s\"factor\": ", indent, in2);
		report_json_number(out, SENSITIVITY_FACTOR);
		fprintf(out, ",\n%s\"workload\": ", in2);
		report_json_string(out, r->plan_workload);
		json_plan(out, "base", r->plan, in2);
		json_plan(out, "holds", r->plan_longer, in2);
		fprintf(out, ",\n%s\"breaking_load_ratio\": ", in2);
		report_json_number(out, r->plan->pass_factor > 0 && r->plan_longer->pass_factor > 0
						? r->plan_longer->pass_factor / r->plan->pass_factor
						: NAN);
		fprintf(out, "\n%s}", indent);
		return;
	}
	const struct sensitivity *s = r->s;
	if (!s)
		return;
	fprintf(out, ",\n%s\"sensitivity\": {\n%s\"variant\": ", indent, in2);
	report_json_string(out, r->variant);
	fprintf(out, ",\n%s\"factor\": ", in2);
	report_json_number(out, s->factor);
	fprintf(out, ",\n%s\"replications\": %d,\n%s\"extra_replications\": %d,\n%s\"failure\": ",
		in2, s->nrep, in2, s->extra_replications, in2);
	if (s->status)
		report_json_string(out, s->failure);
	else
		fputs("null", out);
	fprintf(out, ",\n%s\"workloads\": {", in2);
	for (int k = 0; k < s->n_workloads; k++) {
		const struct sensitivity_workload *sw = &s->workloads[k];
		fprintf(out, "%s\n%s", k ? "," : "", in3);
		report_json_string(out, r->cfg->workloads[sw->workload].name);
		fputs(": {", out);
		for (int j = 0; j < SENSITIVITY_METRICS; j++) {
			const struct sensitivity_metric *sm = &sw->metrics[j];
			fprintf(out, "%s\n%s\"%s\": {\"base\": ", j ? "," : "", in4, sm->m->name);
			report_json_estimate(out, &sm->base);
			for (int i = 0; i < SENSITIVITY_INPUTS; i++) {
				fprintf(out, ", \"%s\": ", sensitivity_input_key((enum sensitivity_input)i));
				report_json_estimate(out, &sm->scaled[i]);
				fprintf(out, ", \"%s_change\": ",
					sensitivity_input_key((enum sensitivity_input)i));
				report_json_estimate(out, &sm->diff[i]);
			}
			fputc('}', out);
		}
		fprintf(out, "\n%s}", in3);
	}
	if (s->n_workloads)
		fprintf(out, "\n%s", in2);
	fprintf(out, "}\n%s}", indent);
}
