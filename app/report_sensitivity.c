#include "app/report_sensitivity.h"

#include <math.h>
#include <string.h>

#include "app/report.h"
#include "sim/status.h"

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

/* A value of m for people (the words line): a rate as a percentage, a duration with its
 * unit. */
static void fmt(const struct metric_def *m, double x, char *buf, size_t len)
{
	if (strcmp(m->unit, "1") == 0)
		report_format_rate(x, buf, len);
	else
		report_format_duration(x, buf, len);
}

static enum table_value kind_of(const struct metric_def *m, bool diff)
{
	bool rate = strcmp(m->unit, "1") == 0;
	if (diff)
		return rate ? TABLE_RATE_DIFF : TABLE_DURATION_DIFF;
	return rate ? TABLE_RATE : TABLE_DURATION;
}

/* The headers of a perturbation's columns. */
static const char *const column_words[SENSITIVITY_INPUTS] = {"10 % longer transactions",
							     "10 % more traffic"};
static const char *const column_term[SENSITIVITY_INPUTS] = {"holds x1.1", "rates x1.1"};

/* The section's one table: per workload and metric, the base, then each perturbation and
 * its paired change. The terminal shows the base and the perturbed values as means (their
 * intervals are in the documents), the changes with theirs. NULL when out of memory. */
static struct table *sensitivity_table(const struct report_sensitivity *r)
{
	const struct sensitivity *s = r->s;
	struct table *t = table_create(NULL);
	table_add_column(t, &(struct table_column){.header = "workload", .align = TABLE_LEFT,
						   .flags = TABLE_GROUP});
	table_add_column(t, &(struct table_column){.header = "metric", .align = TABLE_LEFT});
	table_add_column(t, &(struct table_column){.header = "base", .flags = TABLE_BRIEF,
						   .gap = 2});
	for (int i = 0; i < SENSITIVITY_INPUTS; i++) {
		table_add_column(t, &(struct table_column){.header = column_words[i],
							   .term = column_term[i],
							   .flags = TABLE_BRIEF, .gap = 2});
		table_add_column(t, &(struct table_column){.header = "change",
							   .term = "change [95% CI]",
							   .align = TABLE_LEFT, .gap = 2});
	}
	for (int k = 0; k < s->n_workloads; k++) {
		const struct sensitivity_workload *sw = &s->workloads[k];
		for (int j = 0; j < SENSITIVITY_METRICS; j++) {
			const struct sensitivity_metric *sm = &sw->metrics[j];
			table_add_row(t);
			table_add_text(t, r->cfg->workloads[sw->workload].name);
			table_add_value(t, metric_words(sm->m));
			table_add_estimate(t, kind_of(sm->m, false), &sm->base);
			for (int i = 0; i < SENSITIVITY_INPUTS; i++) {
				table_add_estimate(t, kind_of(sm->m, false), &sm->scaled[i]);
				table_add_estimate(t, kind_of(sm->m, true), &sm->diff[i]);
			}
		}
	}
	return t;
}

static void heading(FILE *out, enum table_format f)
{
	if (f == TABLE_MARKDOWN)
		fputs("\n## Sensitivity\n\n", out);
	else if (f == TABLE_HTML)
		fputs("\n<h2>Sensitivity</h2>\n<p>", out);
}

static void paragraph_end(FILE *out, enum table_format f)
{
	fputs(f == TABLE_HTML ? "</p>\n" : f == TABLE_MARKDOWN ? "\n\n" : "\n", out);
}

/* The first line of each perturbation in words, as a review quotes it: "10 % longer
 * transactions: api failures 0.4% -> 2.1%, ..." (the first metric of every workload). */
static void words(FILE *out, const struct report_sensitivity *r, enum table_format f)
{
	const struct sensitivity *s = r->s;
	for (int i = 0; i < SENSITIVITY_INPUTS; i++) {
		fputs(f == TABLE_TERMINAL ? "  " : f == TABLE_MARKDOWN ? "- " : "<p>", out);
		fprintf(out, "%s:", column_words[i]);
		for (int k = 0; k < s->n_workloads; k++) {
			const struct sensitivity_metric *sm = &s->workloads[k].metrics[0];
			char b[48], a[48];
			fmt(sm->m, sm->base.mean, b, sizeof b);
			fmt(sm->m, sm->scaled[i].mean, a, sizeof a);
			fputs(k ? ", " : " ", out);
			table_write_text(out, f, r->cfg->workloads[s->workloads[k].workload].name);
			fprintf(out, " %s %s -> %s", metric_words(sm->m), b, a);
		}
		fputs(f == TABLE_HTML ? "</p>\n" : "\n", out);
	}
}

static void header(FILE *out, const struct report_sensitivity *r, enum table_format f)
{
	const struct sensitivity *s = r->s;
	heading(out, f);
	if (f == TABLE_TERMINAL) {
		fputs("\nSensitivity of '", out);
		table_write_text(out, f, r->variant);
		fprintf(out, "' (the inputs are estimates): paired changes on common random "
			     "numbers, 95 %% CI; %d extra replications (%s, %d each; --sensitivity "
			     "off skips them)",
			s->extra_replications, s->base_rerun ? "the base again, then each "
							      "perturbation" : "each perturbation",
			s->nrep);
		paragraph_end(out, f);
		return;
	}
	fputs("The inputs are estimates, and near saturation the answer is hypersensitive to "
	      "them. Variant ", out);
	fputs(f == TABLE_MARKDOWN ? "`" : "<code>", out);
	if (f == TABLE_MARKDOWN) /* in a code span only a backtick would need care */
		for (const char *p = r->variant; *p; p++)
			fputc(*p == '`' ? '\'' : *p, out);
	else
		table_write_text(out, f, r->variant);
	fputs(f == TABLE_MARKDOWN ? "`" : "</code>", out);
	fprintf(out, " ran again with every hold time 10 %% longer (db_time, app_time, a "
		     "trace's hold times, per_record: the work done while a connection is held) "
		     "and with every arrival rate 10 %% higher (rates, profiles and so bursts, "
		     "batch records; a trace compressed in time), on the same random numbers: each "
		     "change is paired replication by replication, with its 95 %% interval. Cost: "
		     "%d extra replications (%s, %d each; --sensitivity off skips them).",
		s->extra_replications,
		s->base_rerun ? "the base again, then each perturbation" : "each perturbation",
		s->nrep);
	paragraph_end(out, f);
}

/* "350/s (x1.75)" for a plan factor. */
static void plan_load(const struct report_sensitivity *r, double f, char *buf, size_t len)
{
	snprintf(buf, len, "%.4g/s (x%.3g)", r->plan_base_rate * f, f);
}

static void plan_section(FILE *out, const struct report_sensitivity *r, enum table_format f)
{
	const struct plan *a = r->plan, *b = r->plan_longer;
	char pa[64], pb[64];
	heading(out, f);
	if (f == TABLE_TERMINAL)
		fprintf(out, "\nSensitivity: the search again with every hold time 10 %% longer "
			     "(%d more probes, --sensitivity off skips them)\n  ",
			b->n);
	else
		fprintf(out, "The plan's search again with every hold time 10 %% longer (db_time, "
			     "app_time, per_record), on the same random numbers (%d more probes). ",
			b->n);
	if (a->pass_factor > 0 && b->pass_factor > 0) {
		plan_load(r, a->pass_factor, pa, sizeof pa);
		plan_load(r, b->pass_factor, pb, sizeof pb);
		fputs("10 % longer transactions: ", out);
		table_write_text(out, f, r->plan_workload);
		fprintf(out, " holds its SLO up to %s instead of %s: the breaking load moves x%.3g",
			pb, pa, b->pass_factor / a->pass_factor);
	} else if (a->pass_factor > 0) {
		plan_load(r, a->pass_factor, pa, sizeof pa);
		plan_load(r, b->fail_factor, pb, sizeof pb);
		fputs("10 % longer transactions: ", out);
		table_write_text(out, f, r->plan_workload);
		fprintf(out, ", which holds its SLO up to %s, fails it even at %s, the smallest load "
			     "tried", pa, pb);
	} else {
		fputs("10 % longer transactions: the SLO already fails at the smallest load tried "
		      "without them", out);
	}
	if (b->pass_factor > 0 && isfinite(b->fail_factor)) {
		plan_load(r, b->fail_factor, pb, sizeof pb);
		fprintf(out, "%s(with them it breaks by %s", f == TABLE_TERMINAL ? "\n  " : " ", pb);
		if (isfinite(a->fail_factor)) {
			plan_load(r, a->fail_factor, pa, sizeof pa);
			fprintf(out, ", against %s", pa);
		}
		fputs(")", out);
	}
	paragraph_end(out, f);
}

int report_sensitivity(FILE *out, const struct report_sensitivity *r, enum table_format f)
{
	if (r->plan && r->plan_longer) {
		plan_section(out, r, f);
		return PT_OK;
	}
	if (!r->s)
		return PT_OK;
	if (r->s->status) {
		heading(out, f);
		fputs(f == TABLE_TERMINAL ? "\nSensitivity of '" : "Not computed for variant '", out);
		table_write_text(out, f, r->variant);
		fputs(f == TABLE_TERMINAL ? "': not computed: " : "': ", out);
		table_write_text(out, f, r->s->failure);
		paragraph_end(out, f);
		return PT_OK;
	}
	header(out, r, f);
	words(out, r, f);
	if (f != TABLE_TERMINAL)
		fputc('\n', out);
	struct table *t = sensitivity_table(r);
	int st = table_render(out, t, f);
	table_destroy(t);
	if (st)
		return st;
	if (f != TABLE_TERMINAL) {
		if (f == TABLE_HTML)
			fputs("<p>", out);
		else
			fputc('\n', out);
		fputs("A change whose interval excludes 0 is the input's, not luck's. Timeouts, "
		      "connect times, the network round trip (rtt), the pool's own costs and the "
		      "client's patience are not scaled.", out);
		paragraph_end(out, f);
	}
	return PT_OK;
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
