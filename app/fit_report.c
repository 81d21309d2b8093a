/* `pooltide fit` (see fit_report.h): read, fit, infer the pool, write the folder. */
/* realpath() is XSI */
#define _XOPEN_SOURCE 700
#include "app/fit_report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>

#include "app/fit.h"
#include "app/outdir.h"
#include "app/plot.h"
#include "sim/status.h"

#define QQ_POINTS 400
#define HIST_BINS 60
#define PDF_POINTS 200

/* What the log shows about the pool. */
struct observed_pool {
	int max_checked_out;   /* the most connections held at once in one process */
	int *proc_max;         /* [log->n_processes]: each process's most held at once */
	size_t timeouts, errors, ok;
	double timeout_wait_s; /* median wait of the timeouts, NAN when none */
};

struct event {
	double t;
	int delta;
	unsigned proc; /* the row's process (log x pid): each has its own pool */
};

static int cmp_event(const void *a, const void *b)
{
	const struct event *x = a, *y = b;
	if (x->t != y->t)
		return x->t < y->t ? -1 : 1;
	return x->delta - y->delta; /* a checkin before a checkout at the same instant */
}

/* p->proc_max: an array of log->n_processes ints, filled here (zeros without wait and hold). */
static int observe_pool(const struct obslog *log, struct observed_pool *p)
{
	struct event *ev = NULL;
	size_t k = 0;
	int *level = NULL;
	double *tw = NULL;
	size_t nt = 0, np = log->n_processes ? log->n_processes : 1;

	p->max_checked_out = 0;
	p->timeouts = p->errors = p->ok = 0;
	memset(p->proc_max, 0, np * sizeof *p->proc_max);
	p->timeout_wait_s = NAN;
	for (size_t i = 0; i < log->n; i++) {
		p->ok += log->outcome[i] == OBSLOG_OK;
		p->timeouts += log->outcome[i] == OBSLOG_TIMEOUT;
		p->errors += log->outcome[i] == OBSLOG_ERROR;
	}
	if (log->wait_s && log->hold_s) {
		/* checked out at once per process (each has its own pool): the largest of them */
		ev = malloc(2 * log->n * sizeof *ev);
		level = calloc(np, sizeof *level);
		if (!ev || !level) {
			free(ev);
			free(level);
			return PT_ENOMEM;
		}
		for (size_t i = 0; i < log->n; i++) {
			if (log->outcome[i] != OBSLOG_OK)
				continue;
			double got = log->t_s[i] + log->wait_s[i];
			unsigned proc = log->process ? log->process[i] : 0;
			ev[k++] = (struct event){got, +1, proc};
			ev[k++] = (struct event){got + log->hold_s[i], -1, proc};
		}
		/* the order of equal events of different processes does not matter: each
		 * process's level is its own */
		qsort(ev, k, sizeof *ev, cmp_event);
		for (size_t i = 0; i < k; i++) {
			unsigned j = ev[i].proc;
			level[j] += ev[i].delta;
			if (level[j] > p->proc_max[j])
				p->proc_max[j] = level[j];
		}
		for (size_t j = 0; j < np; j++)
			if (p->proc_max[j] > p->max_checked_out)
				p->max_checked_out = p->proc_max[j];
		free(ev);
		free(level);
	}
	if (log->wait_s && p->timeouts) {
		if (!(tw = malloc(p->timeouts * sizeof *tw)))
			return PT_ENOMEM;
		for (size_t i = 0; i < log->n; i++)
			if (log->outcome[i] == OBSLOG_TIMEOUT)
				tw[nt++] = log->wait_s[i];
		gsl_sort(tw, 1, nt);
		p->timeout_wait_s = nt % 2 ? tw[nt / 2] : (tw[nt / 2 - 1] + tw[nt / 2]) / 2;
		free(tw);
	}
	return PT_OK;
}

/* The log's base name without directories and .gz/.csv. */
static void log_name(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/');
	snprintf(buf, len, "%s", slash ? slash + 1 : path);
	for (const char *ext = ".gz"; ext; ext = strcmp(ext, ".gz") == 0 ? ".csv" : NULL) {
		size_t n = strlen(buf), e = strlen(ext);
		if (n > e && strcmp(buf + n - e, ext) == 0)
			buf[n - e] = 0;
	}
	for (char *s = buf; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_'))
			*s = '_';
}

static void dur(FILE *f, double s)
{
	fprintf(f, "\"%.9gs\"", s);
}

/* The fitted hold as a scenario distribution (after "db_time": ). */
static void write_db_time(FILE *f, const struct fit_result *h, const char *abs_log,
			  const char *hold_col)
{
	switch (h->kind) {
	case FIT_EXPONENTIAL:
		fputs("{\"dist\": \"exponential\", \"mean\": ", f);
		dur(f, h->p[0]);
		break;
	case FIT_SHIFTED_EXPONENTIAL:
		fputs("{\"dist\": \"exponential\", \"mean\": ", f);
		dur(f, h->p[1]);
		break;
	case FIT_LOGNORMAL:
		fputs("{\"dist\": \"lognormal\", \"mean\": ", f);
		dur(f, h->mean);
		fputs(", \"sd\": ", f);
		dur(f, h->sd);
		break;
	case FIT_GAMMA:
		fputs("{\"dist\": \"gamma\", \"mean\": ", f);
		dur(f, h->mean);
		fprintf(f, ", \"cv\": %.9g", 1 / sqrt(h->p[0]));
		break;
	default:
		fprintf(f, "{\"dist\": \"empirical\", \"file\": \"%s\", \"column\": \"%s\"", abs_log,
			hold_col);
		break;
	}
	fputc('}', f);
}

struct fit_state {
	const struct fit_options *o;
	struct obslog log;
	double window_s;
	struct fit_arrivals arr;
	double *holds, *sorted;
	size_t nh;
	struct fit_result fits[FIT_KINDS];
	enum fit_kind chosen;
	bool from_pgss;
	struct obslog_pgss pgss;
	struct observed_pool pool;
	int size, max_overflow;
	double timeout_s;
	char name[96];
	char *abs_log;
};

static int write_scenario(const struct fit_state *s, FILE *f)
{
	const struct fit_arrivals *a = &s->arr;
	fprintf(f, "{\n  \"name\": \"%s-fit\",\n", s->name);
	fprintf(f, "  \"description\": \"Fitted by pooltide fit from %s: %zu requests over %.6g s",
		s->name, s->log.n, s->window_s);
	if (s->log.cols[4][0])
		fprintf(f, " from %zu process%s (a log and a pid each)%s", s->log.n_processes,
			s->log.n_processes > 1 ? "es" : "",
			s->log.n_sources > 1 ? ", the logs merged by time" : "");
	else if (s->log.n_sources > 1)
		fprintf(f, " in %zu logs, one per process (merged by time)", s->log.n_sources);
	if (s->from_pgss)
		fputs(", holds from pg_stat_statements", f);
	fputs(".\",\n  \"horizon\": ", f);
	dur(f, s->window_s);
	fputs(",\n  \"warmup\": ", f);
	dur(f, s->o->warmup_s);
	fputs(",\n  \"replications\": 20,\n  \"seed\": 1,\n", f);
	/* a log and a pid each, each with its own pool: those that ran together */
	if (obslog_processes_at_once(&s->log) > 1)
		fprintf(f, "  \"deployment\": {\"processes\": %zu},\n",
			obslog_processes_at_once(&s->log));
	if (!s->from_pgss && s->chosen == FIT_SHIFTED_EXPONENTIAL) {
		/* the shift is the round trips every transaction pays: BEGIN, the statement and
		 * COMMIT, three rtt with one statement (models/requests.h) */
		fputs("  \"database\": {\"rtt\": ", f);
		dur(f, s->fits[FIT_SHIFTED_EXPONENTIAL].p[0] / 3);
		fputs("},\n", f);
	}
	fprintf(f, "  \"pools\": {\"main\": {\"kind\": \"sqlalchemy\", \"size\": %d, "
		"\"max_overflow\": %d, \"timeout\": ",
		s->size, s->max_overflow);
	dur(f, s->timeout_s);
	fputs("}},\n  \"workloads\": {\"api\": {\"type\": \"requests\", \"pool\": \"main\",\n"
	      "    \"arrival\": {", f);
	if (a->shape == FIT_ARRIVAL_PROFILE) {
		fputs("\"profile\": [", f);
		for (int i = 0; i < a->n_profile; i++) {
			fputs(i ? ",\n      {\"at\": " : "\n      {\"at\": ", f);
			dur(f, a->profile[i].t_s);
			fprintf(f, ", \"rate\": \"%.9g/s\"}", a->profile[i].rate_per_s);
		}
		fputs("]", f);
	} else {
		fprintf(f, "\"rate\": \"%.9g/s\"", a->base_rate);
		if (a->shape == FIT_ARRIVAL_BURSTS) {
			fputs(", \"bursts\": [", f);
			for (int i = 0; i < a->n_bursts; i++) {
				fputs(i ? ", {\"start\": " : "{\"start\": ", f);
				dur(f, a->bursts[i].start_s);
				fputs(", \"end\": ", f);
				dur(f, a->bursts[i].end_s);
				fprintf(f, ", \"factor\": %.9g}", a->bursts[i].factor);
			}
			fputs("]", f);
		}
	}
	fputs("},\n    \"transaction\": {\"db_time\": ", f);
	if (s->from_pgss) {
		fputs("{\"dist\": \"lognormal\", \"mean\": ", f);
		dur(f, s->pgss.mean_s);
		fputs(", \"sd\": ", f);
		dur(f, s->pgss.sd_s);
		fputs("}", f);
	} else {
		/* several logs: the holds of all of them, written beside the scenario */
		write_db_time(f, &s->fits[s->chosen],
			      s->log.n_sources > 1 ? "holds.csv" : s->abs_log,
			      s->log.n_sources > 1 ? "hold" : s->log.cols[2]);
	}
	fputs("}}}\n}\n", f);
	return ferror(f) ? PT_EIO : PT_OK;
}

static void fmt_params(const struct fit_result *f, char *buf, size_t len)
{
	switch (f->kind) {
	case FIT_EXPONENTIAL:
		snprintf(buf, len, "mean %.4g ms ± %.2g", f->p[0] * 1e3, f->se[0] * 1e3);
		break;
	case FIT_SHIFTED_EXPONENTIAL:
		snprintf(buf, len, "shift %.4g ms ± %.2g, excess mean %.4g ms ± %.2g",
			 f->p[0] * 1e3, f->se[0] * 1e3, f->p[1] * 1e3, f->se[1] * 1e3);
		break;
	case FIT_LOGNORMAL:
		snprintf(buf, len, "mu %.5g ± %.2g (ln s), sigma %.4g ± %.2g", f->p[0], f->se[0],
			 f->p[1], f->se[1]);
		break;
	case FIT_GAMMA:
		snprintf(buf, len, "shape %.4g ± %.2g, scale %.4g ms ± %.2g", f->p[0], f->se[0],
			 f->p[1] * 1e3, f->se[1] * 1e3);
		break;
	default:
		snprintf(buf, len, "the %s observed values", "");
		break;
	}
}

static void why_chosen(const struct fit_state *s, char *buf, size_t len)
{
	const struct fit_result *c = &s->fits[s->chosen];
	if (s->chosen == FIT_EMPIRICAL)
		snprintf(buf, len, "no parametric fit is within a KS distance of %.2g of the "
			 "observed CDF, so the observations themselves", FIT_KS_MAX);
	else
		snprintf(buf, len, "the lowest AIC (%.6g) of the parametric fits, and a KS distance "
			 "of %.4f (<= %.2g)", c->aic, c->ks, FIT_KS_MAX);
}

static const char *shape_text(enum fit_arrival_shape sh)
{
	return sh == FIT_ARRIVAL_CONSTANT ? "constant rate (Poisson)"
	       : sh == FIT_ARRIVAL_BURSTS ? "constant rate with bursts"
					  : "piecewise profile";
}

/* The processes (a log and a pid each) and their rows; the terminal lists the first
 * PROCESSES_LISTED, fit.md every one. */
#define PROCESSES_LISTED 8
static void summary_processes(const struct fit_state *s, FILE *f, bool md)
{
	const struct obslog *l = &s->log;
	size_t np = l->n_processes;
	fprintf(f, "\n%sProcesses\n%s", md ? "## " : "", md ? "\n" : "");
	fprintf(f, "%s%zu process%s (a log and a pid each), each with its own pool%s\n",
		md ? "" : "  ", np, np > 1 ? "es" : "", md ? ":\n" : ":");
	size_t at_once = obslog_processes_at_once(l);
	if (at_once < np)
		fprintf(f, "%sat most %zu at once (each from its first to its last request): "
			"workers replaced during the log? deployment.processes is %zu, the most "
			"alive together, not the %zu seen%s\n", md ? "" : "  ", at_once, at_once, np,
			md ? "\n" : "");
	if (md)
		fputs("| log | pid | rows | most checked out at once |\n|---|---|---|---|\n", f);
	for (size_t j = 0; j < np; j++) {
		const struct obslog_process *p = &l->processes[j];
		const char *path = s->o->n_logs > 1 ? s->o->logs[p->source] : s->o->log;
		char pid[32];
		if (p->pid >= 0)
			snprintf(pid, sizeof pid, "%lld", p->pid);
		else
			snprintf(pid, sizeof pid, "-");
		if (md) {
			fprintf(f, "| %s | %s | %zu | %d |\n", path, pid, p->rows, s->pool.proc_max[j]);
		} else if (j < PROCESSES_LISTED) {
			fprintf(f, "    %s%s%s: %zu rows, at most %d checked out at once\n", path,
				p->pid >= 0 ? " pid " : " (no pid column)", p->pid >= 0 ? pid : "",
				p->rows, s->pool.proc_max[j]);
		} else {
			fprintf(f, "    and %zu more (fit.md lists every one)\n", np - j);
			break;
		}
	}
}

static void summary(const struct fit_state *s, FILE *f, bool md)
{
	const struct fit_arrivals *a = &s->arr;
	char buf[256];
	const char *h = md ? "## " : "";
	fprintf(f, "%sArrivals\n%s", h, md ? "\n" : "");
	fprintf(f, "%s%zu requests over %.6g s: %.6g/s ± %.2g (SE, Poisson counts)\n",
		md ? "- " : "  ", a->n, a->window_s, a->rate, a->rate_se);
	fprintf(f, "%s%d bins of %.6g s: dispersion index %.4g, p = %.3g for a constant rate: "
		"%s\n", md ? "- " : "  ", a->nbins, a->bin_s, a->dispersion, a->p_constant,
		shape_text(a->shape));
	for (int i = 0; i < a->n_bursts; i++)
		fprintf(f, "%sburst [%.6g s, %.6g s): x%.3g over %.6g/s\n", md ? "- " : "  ",
			a->bursts[i].start_s, a->bursts[i].end_s, a->bursts[i].factor, a->base_rate);
	fprintf(f, "\n%sHold times\n%s", h, md ? "\n" : "");
	if (s->from_pgss) {
		fprintf(f, "%sfrom pg_stat_statements (%s): %d statements, %.0f calls, mean %.4g ms, "
			"sd %.4g ms: lognormal by its mean and sd (aggregates allow no likelihood)\n",
			md ? "- " : "  ", s->o->pgss, s->pgss.statements, s->pgss.calls,
			s->pgss.mean_s * 1e3, s->pgss.sd_s * 1e3);
	} else {
		fprintf(f, "%s%zu holds: mean %.4g ms, sd %.4g ms, min %.4g ms, max %.4g ms\n\n",
			md ? "- " : "  ", s->nh, s->fits[FIT_EMPIRICAL].mean * 1e3,
			s->fits[FIT_EMPIRICAL].sd * 1e3, s->sorted[0] * 1e3,
			s->sorted[s->nh - 1] * 1e3);
		if (md)
			fputs("| fit | parameters (± SE) | mean | sd | ln L | AIC | KS |\n"
			      "|---|---|---|---|---|---|---|\n", f);
		for (int k = 0; k < FIT_KINDS; k++) {
			const struct fit_result *r = &s->fits[k];
			if (!r->ok)
				continue;
			fmt_params(r, buf, sizeof buf);
			if (md && k == FIT_EMPIRICAL)
				fprintf(f, "| %s%s%s | the observations | %.4g ms | %.4g ms | - | - | 0 |\n",
					k == (int)s->chosen ? "**" : "", fit_kind_name(r->kind),
					k == (int)s->chosen ? "**" : "", r->mean * 1e3, r->sd * 1e3);
			else if (md)
				fprintf(f, "| %s%s%s | %s | %.4g ms | %.4g ms | %.8g | %.8g | %.4f |\n",
					k == (int)s->chosen ? "**" : "", fit_kind_name(r->kind),
					k == (int)s->chosen ? "**" : "", buf, r->mean * 1e3, r->sd * 1e3,
					r->loglik, r->aic, r->ks);
			else if (k == FIT_EMPIRICAL)
				fprintf(f, "  %s %-20s AIC %-14s KS %.4f  the observations\n",
					k == (int)s->chosen ? "*" : " ", fit_kind_name(r->kind), "-",
					r->ks);
			else
				fprintf(f, "  %s %-20s AIC %-14.8g KS %.4f  %s\n",
					k == (int)s->chosen ? "*" : " ", fit_kind_name(r->kind), r->aic,
					r->ks, buf);
		}
		why_chosen(s, buf, sizeof buf);
		fprintf(f, "\n%schosen: %s: %s.\n", md ? "" : "  ", fit_kind_name(s->chosen), buf);
		if (s->chosen == FIT_SHIFTED_EXPONENTIAL)
			fprintf(f, "%sthe shift becomes database.rtt = %.4g ms (BEGIN, the statement and "
				"COMMIT pay one round trip each), the excess the exponential db_time.\n",
				md ? "" : "  ", s->fits[FIT_SHIFTED_EXPONENTIAL].p[0] / 3 * 1e3);
	}
	if (s->log.cols[4][0] || s->log.n_sources > 1)
		summary_processes(s, f, md);
	fprintf(f, "\n%sPool\n%s", h, md ? "\n" : "");
	fprintf(f, "%s%zu ok, %zu timeouts (%.3g %%), %zu errors\n", md ? "- " : "  ", s->pool.ok,
		s->pool.timeouts, 100.0 * (double)s->pool.timeouts / (double)s->log.n,
		s->pool.errors);
	fprintf(f, "%ssize %d%s, max_overflow %d%s, timeout %.6g s%s\n", md ? "- " : "  ", s->size,
		s->o->pool_size >= 0	  ? ""
		: s->log.n_processes > 1 ? " (the most connections checked out at once in one "
					   "process)"
					 : " (the most connections checked out at once)",
		s->max_overflow, s->o->max_overflow < -1 ? " (the log cannot tell overflow from size)"
							: "",
		s->timeout_s,
		s->o->pool_timeout_s >= 0 ? ""
		: isnan(s->pool.timeout_wait_s) ? " (no timeout observed: SQLAlchemy's default)"
						 : " (the median wait of the timeouts, to 1 ms)");
}

/* ---- plots ---------------------------------------------------------------------------------- */

static FILE *open_in(const struct outdir *od, const char *name, int *rc)
{
	char *p = outdir_file(od, name);
	FILE *f = p ? fopen(p, "w") : NULL;
	free(p);
	if (!f)
		*rc = PT_EIO;
	return f;
}

static int close_ok(FILE *f, int rc)
{
	if (!f)
		return rc;
	if (ferror(f))
		rc = rc ? rc : PT_EIO;
	if (fclose(f) != 0)
		rc = rc ? rc : PT_EIO;
	return rc;
}

static int write_plots(const struct fit_state *s, const struct outdir *od)
{
	int rc = 0;
	FILE *f;
	size_t n = s->nh;

	/* QQ: the fitted quantile against the observed one at p = (j + 1/2) / m */
	if ((f = open_in(od, "holds_qq.dat", &rc))) {
		fputs("# pooltide fit: QQ plot of the holds. One block per fit: fitted quantile (s), "
		      "observed quantile (s)\n", f);
		for (int k = 0; k < FIT_EMPIRICAL; k++) {
			if (!s->fits[k].ok)
				continue;
			fprintf(f, "# %s\n", fit_kind_name((enum fit_kind)k));
			for (int j = 0; j < QQ_POINTS; j++) {
				double p = (j + 0.5) / QQ_POINTS;
				fprintf(f, "%.9g %.9g\n", fit_quantile(&s->fits[k], p, s->sorted, n),
					fit_quantile(&s->fits[FIT_EMPIRICAL], p, s->sorted, n));
			}
			fputs("\n\n", f);
		}
	}
	rc = close_ok(f, rc);
	if (!rc && (f = open_in(od, "holds_qq.gp", &rc))) {
		plot_script_begin(f, "holds_qq", "observed against fitted quantiles of the hold time");
		fputs("set output 'holds_qq.'.ext\nset title 'Hold time: observed against fitted "
		      "quantiles (on the line = a perfect fit)'\nset xlabel 'fitted quantile (ms)'\n"
		      "set ylabel 'observed quantile (ms)'\nset key top left\nset grid\nplot ", f);
		int b = 0;
		for (int k = 0; k < FIT_EMPIRICAL; k++) {
			if (!s->fits[k].ok)
				continue;
			fprintf(f, "'holds_qq.dat' index %d using ($1*1000):($2*1000) with lines "
				"title '%s%s', ", b++, fit_kind_name((enum fit_kind)k),
				k == (int)s->chosen ? " (chosen)" : "");
		}
		fputs("x with lines dt 2 lc rgb 'gray' title 'observed = fitted'\n", f);
		plot_script_end(f);
	}
	rc = close_ok(f, rc);

	/* histogram (density) with each fitted density, up to the 99.5th percentile */
	double top = fit_quantile(&s->fits[FIT_EMPIRICAL], 0.995, s->sorted, n);
	double w = top / HIST_BINS;
	if (!rc && (f = open_in(od, "holds_hist.dat", &rc))) {
		fputs("# pooltide fit: histogram of the holds (block 0: bin centre s, density 1/s) "
		      "and the fitted densities (one block per fit: x s, density 1/s)\n# observed\n",
		      f);
		size_t i = 0;
		for (int b = 0; b < HIST_BINS; b++) {
			size_t c = 0;
			while (i < n && s->sorted[i] < (b + 1) * w) {
				c++;
				i++;
			}
			fprintf(f, "%.9g %.9g\n", (b + 0.5) * w, (double)c / ((double)n * w));
		}
		fputs("\n\n", f);
		for (int k = 0; k < FIT_EMPIRICAL; k++) {
			if (!s->fits[k].ok)
				continue;
			fprintf(f, "# %s\n", fit_kind_name((enum fit_kind)k));
			for (int j = 1; j <= PDF_POINTS; j++) {
				double x = top * j / PDF_POINTS;
				fprintf(f, "%.9g %.9g\n", x, fit_pdf(&s->fits[k], x));
			}
			fputs("\n\n", f);
		}
	}
	rc = close_ok(f, rc);
	if (!rc && (f = open_in(od, "holds_hist.gp", &rc))) {
		plot_script_begin(f, "holds_hist", "histogram of the hold time with the fitted "
				  "densities");
		fputs("set output 'holds_hist.'.ext\nset title 'Hold time: observed histogram and "
		      "fitted densities (to the 99.5th percentile)'\nset xlabel 'hold (ms)'\n"
		      "set ylabel 'density (1/s)'\nset key top right\nset grid\nset style fill "
		      "solid 0.3 noborder\nplot 'holds_hist.dat' index 0 using ($1*1000):2 with boxes "
		      "lc rgb 'gray' title 'observed'", f);
		int b = 1;
		for (int k = 0; k < FIT_EMPIRICAL; k++) {
			if (!s->fits[k].ok)
				continue;
			fprintf(f, ", 'holds_hist.dat' index %d using ($1*1000):2 with lines title "
				"'%s%s'", b++, fit_kind_name((enum fit_kind)k),
				k == (int)s->chosen ? " (chosen)" : "");
		}
		fputc('\n', f);
		plot_script_end(f);
	}
	return close_ok(f, rc);
}

static int write_arrival_plot(const struct fit_state *s, const struct outdir *od)
{
	const struct fit_arrivals *a = &s->arr;
	int rc = 0, nb = (int)ceil(s->window_s / a->bin_s - 1e-9);
	FILE *f = open_in(od, "arrivals.dat", &rc);
	if (f) {
		fputs("# pooltide fit: arrivals. Block 0: bin start s, observed rate 1/s; block 1: "
		      "the fitted rate, t s, rate 1/s (steps)\n", f);
		size_t i = 0;
		for (int b = 0; b < nb && nb > 0; b++) {
			double lo = b * a->bin_s, hi = fmin(s->window_s, lo + a->bin_s), c = 0;
			while (i < s->log.n && (s->log.t_s[i] < hi || b == nb - 1)) {
				c++;
				i++;
			}
			fprintf(f, "%.9g %.9g\n", lo, hi > lo ? c / (hi - lo) : 0.0);
		}
		fputs("\n\n", f);
		if (a->shape == FIT_ARRIVAL_PROFILE) {
			for (int k = 0; k < a->n_profile; k++) {
				double end = k + 1 < a->n_profile ? a->profile[k + 1].t_s : s->window_s;
				fprintf(f, "%.9g %.9g\n%.9g %.9g\n", a->profile[k].t_s,
					a->profile[k].rate_per_s, end, a->profile[k].rate_per_s);
			}
		} else {
			double t = 0;
			for (int k = 0; k < a->n_bursts; k++) {
				const struct cfg_burst *bu = &a->bursts[k];
				fprintf(f, "%.9g %.9g\n%.9g %.9g\n", t, a->base_rate, bu->start_s,
					a->base_rate);
				fprintf(f, "%.9g %.9g\n%.9g %.9g\n", bu->start_s,
					a->base_rate * bu->factor, bu->end_s, a->base_rate * bu->factor);
				t = bu->end_s;
			}
			fprintf(f, "%.9g %.9g\n%.9g %.9g\n", t, a->base_rate, s->window_s, a->base_rate);
		}
	}
	rc = close_ok(f, rc);
	if (!rc && (f = open_in(od, "arrivals.gp", &rc))) {
		plot_script_begin(f, "arrivals", "the observed arrival rate per bin and the fitted "
				  "rate");
		fprintf(f, "set output 'arrivals.'.ext\nset title 'Arrivals: observed per bin of "
			"%.4g s, and the fitted %s'\nset xlabel 'time since the first request (s)'\n"
			"set ylabel 'requests per second'\nset key bottom right\nset grid\nset yrange "
			"[0:*]\nplot 'arrivals.dat' index 0 using ($1+%.9g):2 with points title "
			"'observed', 'arrivals.dat' index 1 using 1:2 with lines title 'fitted'\n",
			a->bin_s, shape_text(a->shape), a->bin_s / 2);
		plot_script_end(f);
	}
	return close_ok(f, rc);
}

/* ---- the command ---------------------------------------------------------------------------- */

/* The ok rows' holds, one per line under "hold": the empirical distribution's file when the
 * holds come from several logs. */
static int write_holds(const struct fit_state *s, FILE *f)
{
	fputs("hold\n", f);
	for (size_t i = 0; i < s->nh; i++)
		fprintf(f, "%.9g\n", s->holds[i]);
	return ferror(f) ? PT_EIO : PT_OK;
}

int fit_report_run(const struct fit_options *o, FILE *out, char *dir, size_t dirlen,
		   char *warn, size_t warnlen, char *err, size_t errlen)
{
	struct fit_state *s = calloc(1, sizeof *s);
	struct outdir od = {0};
	FILE *f = NULL;
	int rc;

	if (warn && warnlen)
		warn[0] = 0;
	if (dir && dirlen)
		dir[0] = 0;
	if (!s) {
		snprintf(err, errlen, "out of memory");
		return PT_ENOMEM;
	}
	s->o = o;
	/* an unreadable input is bad input (exit 2), as for `pooltide run` */
	if ((rc = o->n_logs > 1 ? obslog_read_all(&s->log, o->logs, o->n_logs, &o->map, err,
						  errlen)
				: obslog_read(&s->log, o->log, &o->map, err, errlen))) {
		rc = rc == PT_ENOMEM ? rc : PT_EINVAL;
		goto done;
	}
	s->window_s = s->log.t_s[s->log.n - 1];
	if (!(s->window_s > o->warmup_s)) {
		snprintf(err, errlen, "%s: expected requests over more than the warm-up (%.6g s), "
			 "got %zu over %.6g s", o->log, o->warmup_s, s->log.n, s->window_s);
		rc = PT_EINVAL;
		goto done;
	}
	double bin = o->bin_s > 0 ? o->bin_s : s->window_s / 30;
	if ((rc = fit_arrivals(s->log.t_s, s->log.n, s->window_s, bin, &s->arr))) {
		snprintf(err, errlen, "--bin: expected a bin width giving at most %d bins over "
			 "the %.6g s of %s, got %.6g s", FIT_MAX_BINS, s->window_s, o->log, bin);
		goto done;
	}
	/* holds */
	if (s->log.hold_s) {
		if (!(s->holds = malloc(s->log.n * sizeof *s->holds)) ||
		    !(s->sorted = malloc(s->log.n * sizeof *s->sorted))) {
			rc = PT_ENOMEM;
			snprintf(err, errlen, "out of memory");
			goto done;
		}
		for (size_t i = 0; i < s->log.n; i++)
			if (s->log.outcome[i] == OBSLOG_OK)
				s->holds[s->nh++] = s->log.hold_s[i];
	}
	if (s->nh >= 2) {
		if ((rc = fit_holds(s->holds, s->nh, s->sorted, s->fits))) {
			snprintf(err, errlen, "%s: column \"%s\": expected hold times that are not "
				 "all equal%s", o->log, s->log.cols[2],
				 rc == PT_ERANGE ? " (the gamma fit did not converge)" : "");
			rc = PT_EINVAL;
			goto done;
		}
		s->chosen = fit_choose(s->fits);
	} else if (o->pgss) {
		if ((rc = obslog_read_pgss(o->pgss, &s->pgss, err, errlen))) {
			rc = rc == PT_ENOMEM ? rc : PT_EINVAL;
			goto done;
		}
		if (!(s->pgss.sd_s > 0)) {
			snprintf(err, errlen, "%s: expected execution times that vary (stddev > 0)",
				 o->pgss);
			rc = PT_EINVAL;
			goto done;
		}
		s->from_pgss = true;
	} else {
		snprintf(err, errlen, "%s: expected at least 2 hold times (a \"%s\" column, --hold "
			 "COL) or --pg-stat-statements FILE, got %zu", o->log,
			 o->map.hold ? o->map.hold : "hold", s->nh);
		rc = PT_EINVAL;
		goto done;
	}
	if (!(s->pool.proc_max = calloc(s->log.n_processes, sizeof *s->pool.proc_max)) ||
	    (rc = observe_pool(&s->log, &s->pool))) {
		rc = PT_ENOMEM;
		snprintf(err, errlen, "out of memory");
		goto done;
	}
	s->size = o->pool_size >= 0 ? o->pool_size
				    : (s->pool.max_checked_out > 0 ? s->pool.max_checked_out : 5);
	s->max_overflow = o->max_overflow >= -1 ? o->max_overflow : 0;
	s->timeout_s = o->pool_timeout_s >= 0 ? o->pool_timeout_s
		       : isnan(s->pool.timeout_wait_s) ? 30
						       : round(s->pool.timeout_wait_s * 1000) / 1000;
	log_name(o->log, s->name, sizeof s->name);
	s->abs_log = realpath(o->log, NULL);

	/* the folder */
	if ((rc = outdir_begin(&od, o->output_root, s->name, "fit", time(NULL), err, errlen)))
		goto done;
	if (s->log.n_sources > 1 && s->nh > 0 &&
	    (!(f = open_in(&od, "holds.csv", &rc)) || (rc = write_holds(s, f)) ||
	     (rc = close_ok(f, rc)))) {
		f = NULL;
		snprintf(err, errlen, "%s/holds.csv: cannot write", od.path);
		rc = PT_EIO;
		goto done;
	}
	if (!(f = open_in(&od, "scenario.json", &rc)) || (rc = write_scenario(s, f)) ||
	    (rc = close_ok(f, rc))) {
		f = NULL;
		snprintf(err, errlen, "%s/scenario.json: cannot write", od.path);
		rc = PT_EIO;
		goto done;
	}
	if (!(f = open_in(&od, "fit.md", &rc))) {
		snprintf(err, errlen, "%s/fit.md: cannot write", od.path);
		goto done;
	}
	fprintf(f, "# pooltide fit: %s\n\nFrom `%s`: %zu rows, columns time = `%s`, wait = `%s`, "
		"hold = `%s`, status = `%s`, pid = `%s`. The fitted scenario is `scenario.json`.\n\n",
		s->name, s->log.path, s->log.n, s->log.cols[0], s->log.cols[1][0] ? s->log.cols[1] : "-",
		s->log.cols[2][0] ? s->log.cols[2] : "-", s->log.cols[3][0] ? s->log.cols[3] : "-",
		s->log.cols[4][0] ? s->log.cols[4] : "-");
	summary(s, f, true);
	fputs("\n## Plots\n\n![QQ plot](holds_qq.png)\n\n![histogram](holds_hist.png)\n\n"
	      "![arrivals](arrivals.png)\n\nCriterion: among exponential, exponential shifted by "
	      "its minimum, lognormal and gamma (maximum likelihood), the lowest AIC = 2 k - 2 ln "
	      "L; the empirical distribution instead when even that fit is off the observed CDF "
	      "by a Kolmogorov-Smirnov distance above 0.05. Standard errors from the Fisher "
	      "information (the shift's from the distribution of the minimum).\n", f);
	if ((rc = close_ok(f, 0))) {
		f = NULL;
		snprintf(err, errlen, "%s/fit.md: cannot write", od.path);
		goto done;
	}
	f = NULL;
	if (!s->from_pgss && (rc = write_plots(s, &od))) {
		snprintf(err, errlen, "%s: cannot write the plot files", od.path);
		goto done;
	}
	if ((rc = write_arrival_plot(s, &od))) {
		snprintf(err, errlen, "%s: cannot write the plot files", od.path);
		goto done;
	}
	if (!o->no_plot) {
		static const char *const all[] = {"arrivals", "holds_qq", "holds_hist"};
		if ((rc = plot_run(od.path, all, s->from_pgss ? 1 : 3, true, warn, warnlen))) {
			snprintf(err, errlen, "out of memory");
			goto done;
		}
	}
	if ((rc = outdir_commit(&od, err, errlen)))
		goto done;
	if (dir && dirlen)
		snprintf(dir, dirlen, "%s", od.path);
	if (!o->quiet) {
		summary(s, out, false);
		fprintf(out, "\nscenario: %s/scenario.json\nreport:   %s/fit.md\n", od.path, od.path);
	}
done:
	if (f)
		fclose(f);
	outdir_fini(&od);
	obslog_fini(&s->log);
	free(s->holds);
	free(s->sorted);
	free(s->abs_log);
	free(s->pool.proc_max);
	free(s);
	return rc;
}
