/* Plot tests: a small result folder built by hand in a mkdtemp directory (two variants whose
 * names hold a comma and both quote characters, two workloads, one pool), drawn with the real
 * gnuplot, with no gnuplot on PATH, with a gnuplot that fails, and with malformed CSV files.
 * Images are checked by their PNG signature and IHDR size, and by the SVG root element. */
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/plot.h"
#include "sim/status.h"

/* The variants as they appear in the CSV files, quoted per RFC 4180. */
#define V1 "\"a,b\""
#define V2 "\"q\"\"uo'te\""
#define V1_NAME "a,b"
#define V2_NAME "q\"uo'te"

static void write_file(const char *dir, const char *name, const char *text)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *dir, const char *name)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	b[n] = 0;
	fclose(f);
	return b;
}

static bool exists(const char *dir, const char *name)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	return access(p, F_OK) == 0;
}

/* A PNG file of width x height: the signature, then IHDR's big-endian width and height. */
static void assert_png(const char *dir, const char *name, uint32_t width, uint32_t height)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, name);
	FILE *f = fopen(p, "rb");
	assert_non_null(f);
	unsigned char h[24];
	assert_int_equal(fread(h, 1, sizeof h, f), sizeof h);
	fclose(f);
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	assert_memory_equal(h, sig, 8);
	assert_memory_equal(h + 12, "IHDR", 4);
	uint32_t w = (uint32_t)h[16] << 24 | (uint32_t)h[17] << 16 | (uint32_t)h[18] << 8 | h[19];
	uint32_t hh = (uint32_t)h[20] << 24 | (uint32_t)h[21] << 16 | (uint32_t)h[22] << 8 | h[23];
	assert_int_equal(w, width);
	assert_int_equal(hh, height);
}

static void assert_svg(const char *dir, const char *name)
{
	char *s = read_file(dir, name);
	assert_non_null(s);
	assert_non_null(strstr(s, "<svg"));
	assert_non_null(strstr(s, "</svg>"));
	free(s);
}

static void rm_rf(const char *dir)
{
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static bool gnuplot_on_path(void)
{
	const char *path = getenv("PATH");
	char buf[4096];
	snprintf(buf, sizeof buf, "%s", path ? path : "");
	for (char *d = strtok(buf, ":"); d; d = strtok(NULL, ":")) {
		char p[4200];
		snprintf(p, sizeof p, "%s/gnuplot", d);
		if (access(p, X_OK) == 0)
			return true;
	}
	return false;
}

/* Append printf-style text to a growing string. */
struct text {
	char *s;
	size_t n, cap;
};

static void add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	assert_true(n >= 0);
	if (t->n + (size_t)n + 1 > t->cap) {
		t->cap = (t->n + (size_t)n + 1) * 2;
		t->s = realloc(t->s, t->cap);
		assert_non_null(t->s);
	}
	va_start(ap, fmt);
	vsnprintf(t->s + t->n, (size_t)n + 1, fmt, ap);
	va_end(ap);
	t->n += (size_t)n;
}

struct folder {
	bool extra_columns; /* batch_active and backlog in timeline.csv */
	bool pools;         /* write pools.csv */
	int variants;       /* 2, or more for the page test (names v3, v4, ...) */
};

/* A result folder as app/results.c writes it, small enough to read. */
static void make_folder(char *dir, const struct folder *spec)
{
	strcpy(dir, "/tmp/pooltide-plot-XXXXXX");
	assert_non_null(mkdtemp(dir));
	char names[8][16] = {V1, V2};
	for (int v = 2; v < spec->variants; v++)
		snprintf(names[v], sizeof names[v], "v%d", v + 1);
	static const char *const wl[] = {"api", "batch_job"};

	struct text t = {0};
	add(&t, "variant,workload,metric,mean,ci_low,ci_high,unit\n");
	for (int v = 0; v < spec->variants; v++) {
		for (int w = 0; w < 2; w++) {
			/* Failures by cause: timeouts 1 % x (v + 1)(w + 1), refusals 0.5 % for the
			 * first variant's second workload only, no lock timeouts; failure_rate is
			 * their sum with a CI of +-40 %. */
			double to = 0.01 * (v + 1) * (w + 1), rf = v == 0 && w == 1 ? 0.005 : 0;
			if (v == 1 && w == 0) { /* no CI: one replication */
				add(&t, "%s,%s,failure_rate,0,,,1\n", names[v], wl[w]);
				add(&t, "%s,%s,timeout_rate,0,,,1\n", names[v], wl[w]);
			} else {
				add(&t, "%s,%s,failure_rate,%.9g,%.9g,%.9g,1\n", names[v], wl[w],
				    to + rf, 0.6 * (to + rf), 1.4 * (to + rf));
				add(&t, "%s,%s,timeout_rate,%.9g,%.9g,%.9g,1\n", names[v], wl[w], to,
				    0.6 * to, 1.4 * to);
			}
			add(&t, "%s,%s,refused_rate,%.9g,0,%.9g,1\n", names[v], wl[w], rf, 2 * rf);
			add(&t, "%s,%s,lock_timeout_rate,0,0,0.001,1\n", names[v], wl[w]);
			add(&t, "%s,%s,wait_p99,%.9g,%.9g,%.9g,s\n", names[v], wl[w], 2.0 + v, 1.5 + v,
			    2.5 + v);
		}
		add(&t, "%s,pool/main,checked_out_mean,12,11,13,1\n", names[v]);
	}
	write_file(dir, "summary.csv", t.s);

	t.n = 0;
	add(&t, "variant,workload,kind,lo_s,hi_s,count,cdf\n");
	for (int v = 0; v < spec->variants; v++)
		for (int w = 0; w < 2; w++)
			for (int k = 0; k < 2; k++) {
				const char *kind = k ? "all" : "served";
				/* 1000 requests: P(wait = 0) = zero / 1000, the counts and the cdf
				 * column consistent. */
				int zero = 500 + 100 * v + 50 * w, cum = zero;
				double cdf = zero / 1000.0;
				add(&t, "%s,%s,%s,0,0,%d,%.9g\n", names[v], wl[w], kind, zero, cdf);
				/* Bins 1 ms .. 10 s, the CDF climbing geometrically to 1. */
				double lo = 0.001;
				for (int b = 0; b < 12; b++) {
					double hi = lo * 2.15443469; /* 10^(1/3) */
					cdf = b == 11 ? 1 : cdf + (1 - cdf) * 0.35;
					int next = b == 11 ? 1000 : (int)(cdf * 1000);
					add(&t, "%s,%s,%s,%.9g,%.9g,%d,%.9g\n", names[v], wl[w], kind, lo,
					    hi, next - cum, next / 1000.0);
					cum = next;
					lo = hi;
				}
			}
	write_file(dir, "waits.csv", t.s);

	t.n = 0;
	add(&t, "variant,t_s,pool,checked_out,checked_in,overflow,waiters,open%s\n",
	    spec->extra_columns ? ",batch_active,backlog,server_connections" : "");
	for (int v = 0; v < spec->variants; v++)
		for (int s = 0; s <= 60; s++) {
			double tt = 10.0 * s;
			bool batch = (s >= 10 && s < 20) || (s >= 40 && s < 45);
			int co = batch ? 30 - 10 * (v % 2) : 5 + s % 4;
			int ov = co > 10 ? co - 10 : 0, waiters = batch ? 40 + s % 7 : 0;
			add(&t, "%s,%.9g,main,%d,%d,%d,%d,%d", names[v], tt, co, 10 - (co < 10 ? co : 10),
			    ov, waiters, co + 2);
			if (spec->extra_columns)
				add(&t, ",%d,%d,%d", batch ? 1 : 0, batch ? 3 * (s % 10) : 0, co + 2);
			add(&t, "\n");
		}
	write_file(dir, "timeline.csv", t.s);

	if (spec->pools) {
		t.n = 0;
		add(&t, "variant,pool,size,max_overflow,cap,timeout_s\n");
		for (int v = 0; v < spec->variants; v++)
			add(&t, "%s,main,%d,%d,%d,%d\n", names[v], v ? 20 : 10, v ? 30 : 20,
			    v ? 50 : 30, v ? 45 : 30);
		write_file(dir, "pools.csv", t.s);
	}
	free(t.s);
}

static const char *const plots[] = {"waits_cdf", "failures", "pool_timeline"};

static void test_draws_every_plot(void **state)
{
	(void)state;
	if (!gnuplot_on_path())
		skip();
	char dir[64], warn[512] = "x";
	make_folder(dir, &(struct folder){.extra_columns = true, .pools = true, .variants = 2});
	write_file(dir, PLOT_MISSING_MARKER, ""); /* left by an earlier run without gnuplot */
	assert_int_equal(plot_dir(dir, true, warn, sizeof warn), 0);
	assert_string_equal(warn, "");
	const char *all[] = {"waits_cdf", "failures", "pool_timeline", "backlog",
			     "server_connections"};
	for (size_t i = 0; i < 5; i++) {
		char f[64];
		static const char *const ext[] = {"dat", "gp", "log"};
		for (size_t k = 0; k < 3; k++) {
			snprintf(f, sizeof f, "%s.%s", all[i], ext[k]);
			assert_true(exists(dir, f));
		}
		snprintf(f, sizeof f, "%s.png", all[i]);
		/* the pool timeline: a 70 px head and a 250 px row per variant and pool */
		assert_png(dir, f, 1000, i == 2 ? 70 + 2 * 250 : 600);
		snprintf(f, sizeof f, "%s.svg", all[i]);
		assert_svg(dir, f);
	}
	assert_false(exists(dir, PLOT_MISSING_MARKER));
	assert_false(exists(dir, "pool_timeline-2.png"));

	/* Names are gnuplot single-quoted strings with the quote doubled. */
	char *dat, *gp = read_file(dir, "waits_cdf.gp");
	assert_non_null(strstr(gp, "'a,b / api   P(wait > 0) = 50.0 %'"));
	assert_non_null(strstr(gp, "'q\"uo''te / batch_job   P(wait > 0) = 35.0 %'"));
	assert_non_null(strstr(gp, "'pool timeout 45 s (q\"uo''te)'"));
	assert_non_null(strstr(gp, "set logscale xy"));
	assert_non_null(strstr(gp, "set terminal pngcairo size 1000,600"));
	assert_non_null(strstr(gp, "set terminal svg size 1000,600"));
	free(gp);
	gp = read_file(dir, "pool_timeline.gp");
	assert_non_null(strstr(gp, "'a,b: pool main, cap 30 (size 10 + max_overflow 20)'"));
	assert_non_null(strstr(gp, "'batch running'"));
	assert_non_null(strstr(gp, "'pool cap (the most connections it may open)'"));
	free(gp);
	gp = read_file(dir, "failures.gp");
	assert_non_null(strstr(gp, "set ytics ('a,b' 0, 'q\"uo''te' 1)"));
	/* Stacked by the causes that occurred: timeouts and refusals, not lock timeouts. The
	 * refusals' segment starts where the timeouts' ends (column 5 + column 6). */
	assert_non_null(strstr(gp, "title 'timed_out'"));
	assert_non_null(strstr(gp, "using ((0+$5+0+$5+$6)/2):($1-0.2):(0+$5):(0+$5+$6):"));
	assert_non_null(strstr(gp, "title 'refused'"));
	assert_null(strstr(gp, "lock_timed_out"));
	assert_null(strstr(gp, "set arrow")); /* no slo.csv: no limit marks */
	assert_null(strstr(gp, "keyentry"));
	/* Two workloads: the label names the workload. */
	assert_non_null(strstr(gp, "set label ' batch_job: 2.5 % [1.5, 3.5]' at 3.5,"));
	free(gp);
	dat = read_file(dir, "failures.dat");
	assert_non_null(strstr(dat, "ci_high_pct (95 % CI; NaN when there is none) timeout_rate_pct "
				    "refused_rate_pct\n"));
	/* a,b / batch_job: 2.5 % failed = 2 % timed out + 0.5 % refused, CI [1.5, 3.5] */
	assert_non_null(strstr(dat, "# variant 0: a,b\n0 2.5 1.5 3.5 2 0.5\n"));
	/* q"uo'te / api: one replication, no CI */
	assert_non_null(strstr(dat, "# variant 1: q\"uo'te\n1 0 NaN NaN 0 0\n"));
	free(dat);

	/* The curve starts at the smallest positive bin at height P(wait > 0) = 1 - 500/1000. */
	dat = read_file(dir, "waits_cdf.dat");
	assert_non_null(strstr(dat, "# index 0: variant a,b, workload api, 1000 requests, 500 waited 0\n0.001 0.5\n"));
	free(dat);
	rm_rf(dir);
}

static void test_without_optional_inputs(void **state)
{
	(void)state;
	if (!gnuplot_on_path())
		skip();
	char dir[64], warn[512];
	make_folder(dir, &(struct folder){.variants = 2});
	assert_int_equal(plot_dir(dir, true, warn, sizeof warn), 0);
	assert_string_equal(warn, "");
	for (size_t i = 0; i < 3; i++) {
		char f[64];
		snprintf(f, sizeof f, "%s.png", plots[i]);
		assert_png(dir, f, 1000, i == 2 ? 570 : 600);
	}
	/* No backlog or server column, no plot; no pools.csv, no cap line and no timeout mark. */
	assert_false(exists(dir, "server_connections.gp"));
	assert_false(exists(dir, "backlog.gp"));
	assert_false(exists(dir, "backlog.png"));
	char *gp = read_file(dir, "pool_timeline.gp");
	assert_null(strstr(gp, "cap"));
	assert_null(strstr(gp, "batch running"));
	free(gp);
	gp = read_file(dir, "waits_cdf.gp");
	assert_null(strstr(gp, "timeout"));
	free(gp);
	rm_rf(dir);
}

/* Five variants: three rows in pool_timeline.png, two in pool_timeline-2.png. */
static void test_timeline_pages(void **state)
{
	(void)state;
	if (!gnuplot_on_path())
		skip();
	char dir[64], warn[512];
	make_folder(dir, &(struct folder){.pools = true, .variants = 5});
	assert_int_equal(plot_dir(dir, true, warn, sizeof warn), 0);
	assert_string_equal(warn, "");
	assert_png(dir, "pool_timeline.png", 1000, 70 + 3 * 250);
	assert_png(dir, "pool_timeline-2.png", 1000, 70 + 2 * 250);
	assert_svg(dir, "pool_timeline-2.svg");
	assert_false(exists(dir, "pool_timeline-3.png"));
	rm_rf(dir);
}

/* Nothing to autoscale on: no request ever waited, nothing timed out, one timeline sample,
 * an unlimited pool and a pool without a timeout. gnuplot must still draw every plot. */
static void test_degenerate_inputs(void **state)
{
	(void)state;
	if (!gnuplot_on_path())
		skip();
	char dir[64], warn[512];
	make_folder(dir, &(struct folder){.extra_columns = true, .pools = true, .variants = 2});
	write_file(dir, "summary.csv",
		   "variant,workload,metric,mean,ci_low,ci_high,unit\n"
		   "a,api,timeout_rate,0,0,0,1\n"
		   "b,api,timeout_rate,,,,1\n");
	write_file(dir, "waits.csv",
		   "variant,workload,kind,lo_s,hi_s,count,cdf\n"
		   "a,api,served,0,0,10,1\n"
		   "a,api,all,0,0,10,1\n"
		   "b,api,served,0,0,0,\n"
		   "b,api,all,0,0,0,\n");
	write_file(dir, "timeline.csv",
		   "variant,t_s,pool,checked_out,overflow,waiters,batch_active,backlog\n"
		   "a,0,main,0,0,0,0,\n"
		   "b,0,main,0,0,0,,\n");
	write_file(dir, "pools.csv",
		   "variant,pool,size,max_overflow,cap,timeout_s\n"
		   "a,main,0,-1,-1,30\n"
		   "b,main,5,10,15,\n");
	assert_int_equal(plot_dir(dir, true, warn, sizeof warn), 0);
	assert_string_equal(warn, "");
	const char *all[] = {"waits_cdf", "failures", "pool_timeline", "backlog"};
	for (size_t i = 0; i < 4; i++) {
		char f[64];
		snprintf(f, sizeof f, "%s.png", all[i]);
		assert_png(dir, f, 1000, i == 2 ? 570 : 600);
	}
	char *gp = read_file(dir, "waits_cdf.gp");
	assert_non_null(strstr(gp, "'a   P(wait > 0) = 0 %'"));
	assert_non_null(strstr(gp, "'b   nothing served'"));
	assert_non_null(strstr(gp, "'pool timeout 30 s (a)'"));
	free(gp);
	gp = read_file(dir, "pool_timeline.gp");
	assert_non_null(strstr(gp, "'a: pool main, no cap (max_overflow -1)'"));
	assert_non_null(strstr(gp, "'b: pool main, cap 15 (size 5 + max_overflow 10)'"));
	free(gp);
	/* A folder without failure_rate rows (written before it existed): its timeout_rate is the
	 * total and the only cause. */
	gp = read_file(dir, "failures.gp");
	assert_non_null(strstr(gp, "set label ' 0 % [0, 0]'"));
	assert_null(strstr(gp, "(no CI)")); /* b has no mean either: no label */
	free(gp);
	rm_rf(dir);
}

/* A process locale with a decimal comma changes nothing in the files (plot_dir switches its
 * thread to the C locale). Skipped where no such locale is installed. */
static void test_decimal_comma_locale(void **state)
{
	(void)state;
	const char *const comma[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "de_DE", "fr_FR", "nl_NL.UTF-8"};
	bool set = false;
	for (size_t i = 0; i < sizeof comma / sizeof *comma && !set; i++)
		set = setlocale(LC_NUMERIC, comma[i]) != NULL;
	if (!set)
		skip();
	char dir[64], warn[512];
	make_folder(dir, &(struct folder){.pools = true, .variants = 2});
	int rc = plot_dir(dir, true, warn, sizeof warn);
	setlocale(LC_NUMERIC, "C");
	assert_int_equal(rc, 0);
	char *dat = read_file(dir, "waits_cdf.dat");
	assert_non_null(strstr(dat, "\n0.001 0.5\n"));
	free(dat);
	rm_rf(dir);
}

/* PATH without gnuplot: a warning, the marker, every .dat and .gp, no image; then with
 * gnuplot back on PATH the images are drawn and the marker goes. */
static void test_gnuplot_missing(void **state)
{
	(void)state;
	char dir[64], empty[] = "/tmp/pooltide-plot-path-XXXXXX", warn[512];
	make_folder(dir, &(struct folder){.extra_columns = true, .pools = true, .variants = 2});
	assert_non_null(mkdtemp(empty));
	const char *p = getenv("PATH");
	char *saved = p ? strdup(p) : NULL;
	assert_int_equal(setenv("PATH", empty, 1), 0);
	int rc = plot_dir(dir, true, warn, sizeof warn);
	if (saved)
		assert_int_equal(setenv("PATH", saved, 1), 0);
	else
		unsetenv("PATH");
	free(saved);
	rmdir(empty);

	assert_int_equal(rc, 0);
	char want[512];
	snprintf(want, sizeof want,
		 "gnuplot not found on PATH: wrote the data and scripts; install gnuplot-nox and run `pooltide plot %s`",
		 dir);
	assert_string_equal(warn, want);
	assert_true(exists(dir, PLOT_MISSING_MARKER));
	const char *all[] = {"waits_cdf", "failures", "pool_timeline", "backlog",
			     "server_connections"};
	for (size_t i = 0; i < 5; i++) {
		char f[64];
		snprintf(f, sizeof f, "%s.dat", all[i]);
		assert_true(exists(dir, f));
		snprintf(f, sizeof f, "%s.gp", all[i]);
		assert_true(exists(dir, f));
		snprintf(f, sizeof f, "%s.png", all[i]);
		assert_false(exists(dir, f));
	}

	if (gnuplot_on_path()) {
		assert_int_equal(plot_dir(dir, true, warn, sizeof warn), 0);
		assert_string_equal(warn, "");
		assert_false(exists(dir, PLOT_MISSING_MARKER));
		assert_png(dir, "waits_cdf.png", 1000, 600);
	}
	rm_rf(dir);
}

/* A gnuplot that fails: the first failure and its log in the warning, the marker, status 0. */
static void test_gnuplot_fails(void **state)
{
	(void)state;
	char dir[64], bin[] = "/tmp/pooltide-plot-bin-XXXXXX", warn[512];
	make_folder(dir, &(struct folder){.variants = 2});
	assert_non_null(mkdtemp(bin));
	write_file(bin, "gnuplot", "#!/bin/sh\necho \"fake gnuplot: cannot draw $1\" >&2\nexit 3\n");
	char fake[128];
	snprintf(fake, sizeof fake, "%s/gnuplot", bin);
	assert_int_equal(chmod(fake, 0755), 0);

	const char *p = getenv("PATH");
	char *saved = p ? strdup(p) : NULL;
	assert_int_equal(setenv("PATH", bin, 1), 0);
	int rc = plot_dir(dir, true, warn, sizeof warn);
	if (saved)
		assert_int_equal(setenv("PATH", saved, 1), 0);
	free(saved);
	unlink(fake);
	rmdir(bin);

	assert_int_equal(rc, 0);
	char want[512];
	snprintf(want, sizeof want,
		 "gnuplot failed on %s/waits_cdf.gp (exit status 3): see %s/waits_cdf.log (and 2 more plots failed)",
		 dir, dir);
	assert_string_equal(warn, want);
	assert_true(exists(dir, PLOT_MISSING_MARKER));
	char *log = read_file(dir, "waits_cdf.log");
	assert_string_equal(log, "fake gnuplot: cannot draw waits_cdf.gp\n");
	free(log);
	rm_rf(dir);
}

/* Issue 10 item 7 (regressions): a gnuplot that never exits hung `pooltide plot`; it is
 * killed after POOLTIDE_GNUPLOT_TIMEOUT seconds (1 here), a warning naming it. A CSV that is a
 * FIFO blocked for ever, /dev/zero grew without bound: only regular files are read, and the
 * error names the file. The alarm turns a hang back into a failure. */
static void test_hangs_refused(void **state)
{
	(void)state;
	char dir[64], bin[] = "/tmp/pooltide-plot-bin-XXXXXX", warn[1024];
	make_folder(dir, &(struct folder){.variants = 2});
	assert_non_null(mkdtemp(bin));
	write_file(bin, "gnuplot", "#!/bin/sh\nexec /bin/sleep 300\n");
	char fake[128];
	snprintf(fake, sizeof fake, "%s/gnuplot", bin);
	assert_int_equal(chmod(fake, 0755), 0);
	const char *p = getenv("PATH");
	char *saved = p ? strdup(p) : NULL;
	assert_int_equal(setenv("PATH", bin, 1), 0);
	assert_int_equal(setenv("POOLTIDE_GNUPLOT_TIMEOUT", "1", 1), 0);
	alarm(60);
	int rc = plot_dir(dir, true, warn, sizeof warn);
	alarm(0);
	unsetenv("POOLTIDE_GNUPLOT_TIMEOUT");
	if (saved)
		assert_int_equal(setenv("PATH", saved, 1), 0);
	free(saved);
	unlink(fake);
	rmdir(bin);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(warn, "waits_cdf.gp (did not finish within 1 s: killed (set "
				     "POOLTIDE_GNUPLOT_TIMEOUT to allow longer))"));

	char csv[128];
	snprintf(csv, sizeof csv, "%s/waits.csv", dir);
	assert_int_equal(unlink(csv), 0);
	assert_int_equal(mkfifo(csv, 0600), 0);
	alarm(60);
	rc = plot_dir(dir, true, warn, sizeof warn);
	alarm(0);
	assert_int_equal(rc, PT_EIO);
	char want[256];
	snprintf(want, sizeof want, "%s: not a regular file", csv);
	assert_string_equal(warn, want);
	assert_int_equal(unlink(csv), 0);
	assert_int_equal(symlink("/dev/zero", csv), 0);
	alarm(60);
	rc = plot_dir(dir, true, warn, sizeof warn);
	alarm(0);
	assert_int_equal(rc, PT_EIO);
	assert_string_equal(warn, want);
}

/* The wait plot, exactly: 1000 requests, 900 of them at once, 50 in the bin of the 1 ms ping,
 * then 40, 9 and 1 in later bins. P(wait > x) after each upper edge: 1 - 950/1000 = 0.05,
 * 1 - 990/1000 = 0.01, 1 - 999/1000 = 0.001, then 0, drawn at the floor: a decade below the
 * smallest positive share 0.001, so 1e-4. The SLO wait_p99 <= 100 ms is the corner
 * (0.1 s, 1 - 0.99); wait_max <= 1.5 s shades everything right of 1.5 s. With pre_ping and
 * a 1 ms ping, the legend gives P(wait > ping) = 1 - 950/1000 = 5 % and the caption says
 * what a zero wait means. */
static void test_wait_ccdf_exact(void **state)
{
	(void)state;
	if (!gnuplot_on_path())
		skip();
	char dir[64] = "/tmp/pooltide-plot-XXXXXX", warn[512];
	assert_non_null(mkdtemp(dir));
	write_file(dir, "summary.csv",
		   "variant,workload,metric,mean,ci_low,ci_high,unit\nv,api,timeout_rate,0,0,0,1\n");
	write_file(dir, "waits.csv",
		   "variant,workload,kind,lo_s,hi_s,count,cdf\n"
		   "v,api,served,0,0,900,0.9\n"
		   "v,api,served,0.00099,0.00101,50,0.95\n"
		   "v,api,served,0.01,0.02,40,0.99\n"
		   "v,api,served,0.1,0.2,9,0.999\n"
		   "v,api,served,1,2,1,1\n"
		   "v,api,all,0,0,1000,1\n");
	write_file(dir, "timeline.csv",
		   "variant,t_s,pool,checked_out,overflow,waiters\nv,0,main,0,0,0\nv,5,main,1,0,0\n");
	write_file(dir, "pools.csv",
		   "variant,pool,size,max_overflow,cap,timeout_s,pre_ping,ping_s,used\n"
		   "v,main,5,0,5,30,1,0.001,1\n");
	write_file(dir, "slo.csv",
		   "variant,workload,metric,limit,unit\n"
		   "v,api,timeout_rate,0.001,1\nv,api,wait_p99,0.1,s\nv,api,wait_max,1.5,s\n");
	assert_int_equal(plot_dir(dir, true, warn, sizeof warn), 0);
	assert_string_equal(warn, "");
	assert_png(dir, "waits_cdf.png", 1000, 600);
	char *dat = read_file(dir, "waits_cdf.dat");
	assert_non_null(strstr(dat, "# y_floor 0.0001\n"));
	assert_non_null(strstr(dat, "1000 requests, 900 waited 0\n"
				    "0.00099 0.1\n0.00101 0.05\n0.02 0.01\n0.2 0.001\n2 0.0001\n"));
	free(dat);
	char *gp = read_file(dir, "waits_cdf.gp");
	assert_non_null(strstr(gp, "set logscale xy\n"));
	assert_non_null(strstr(gp, "set yrange [0.0001:1]\n"));
	assert_non_null(strstr(gp, "set ytics ('100 %%' 1, '10 %%' 0.1, '1 %%' 0.01, '0.1 %%' 0.001, '0.01 %%' 0.0001)"));
	assert_non_null(strstr(gp, "rect from first 0.1, first 0.01 to graph 1, graph 1"));
	assert_non_null(strstr(gp, "rect from first 1.5, graph 0 to graph 1, graph 1"));
	assert_non_null(strstr(gp, "'SLO wait_p99 <= 100 ms: curves stay out of the shading'"));
	assert_null(strstr(gp, "SLO timeout_rate")); /* not a wait: not drawn */
	assert_non_null(strstr(gp, "'v   P(wait > 1 ms ping) = 5.00 %'"));
	assert_non_null(strstr(gp, "With pre_ping (v) a checkout of a pooled connection includes its ping (one round trip, 1 ms): no wait is 0; one ping = at once."));
	free(gp);
	/* The failures plot draws the timeout_rate limit (judged on every failure) as a dashed
	 * mark across the bar's row: one workload, so the bar is 0.8 x 0.42 x 2 high around row
	 * 0 and the mark 1.2 times that: from -0.4032 to 0.4032, at 0.1 %. Nothing failed: no
	 * cause is drawn, only the total's error bar. */
	gp = read_file(dir, "failures.gp");
	assert_non_null(strstr(gp, "set label ' 0 % [0, 0], SLO 0.1 %' at 0.1, 0 left"));
	assert_non_null(strstr(gp, "set arrow from 0.1, -0.4032 to 0.1, 0.4032 nohead front lc rgb '#C00000' lw 2 dt 2\n"));
	assert_non_null(strstr(gp, "keyentry with lines lc rgb '#C00000' lw 2 dt 2 title 'SLO limit on failures'"));
	assert_null(strstr(gp, "boxxyerror"));
	free(gp);
	assert_png(dir, "failures.png", 1000, 600);
	rm_rf(dir);
}

/* failures.png's axis stays within [0, 100] %: it was 1.45 times the longest bar, so a variant
 * failing 90 % [75, 100] drew an axis to 145 %. Now the axis ends at 100 % and the value labels
 * stand in the right margin, level with their bars (one workload: rows at y = 0 and 1), the
 * margin as wide as the longest label: " 0.5 % [0.3, 0.7], SLO 1 %" has 26 characters, 26 x
 * 9 / 10 + 3 = 26 characters of margin. A folder whose bars leave room keeps the labels beside
 * them (test_draws_every_plot: "at 3.5, ..."). */
static void test_failures_axis_within_100(void **state)
{
	(void)state;
	if (!gnuplot_on_path())
		skip();
	char dir[64] = "/tmp/pooltide-plot-XXXXXX", warn[512];
	assert_non_null(mkdtemp(dir));
	write_file(dir, "summary.csv",
		   "variant,workload,metric,mean,ci_low,ci_high,unit\n"
		   "down,api,failure_rate,0.9,0.75,1,1\ndown,api,timeout_rate,0.1,0.05,0.15,1\n"
		   "down,api,refused_rate,0.8,0.7,0.9,1\n"
		   "up,api,failure_rate,0.005,0.003,0.007,1\nup,api,timeout_rate,0.005,0.003,0.007,1\n"
		   "up,api,refused_rate,0,0,0,1\n");
	write_file(dir, "waits.csv",
		   "variant,workload,kind,lo_s,hi_s,count,cdf\n"
		   "down,api,served,0,0,10,1\ndown,api,all,0,0,10,1\n"
		   "up,api,served,0,0,10,1\nup,api,all,0,0,10,1\n");
	write_file(dir, "timeline.csv",
		   "variant,t_s,pool,checked_out,overflow,waiters\ndown,0,main,0,0,0\n"
		   "up,0,main,0,0,0\n");
	write_file(dir, "slo.csv",
		   "variant,workload,metric,limit,unit\ndown,api,failure_rate,0.01,1\n"
		   "up,api,failure_rate,0.01,1\n");
	assert_int_equal(plot_dir(dir, true, warn, sizeof warn), 0);
	assert_string_equal(warn, "");
	char *gp = read_file(dir, "failures.gp");
	assert_non_null(strstr(gp, "set xrange [0:100]\n"));
	const char *longest = " 0.5 % [0.3, 0.7], SLO 1 %";
	char want[128];
	snprintf(want, sizeof want, "set rmargin %zu\n", strlen(longest) * 9 / 10 + 3);
	assert_non_null(strstr(gp, want));
	assert_non_null(strstr(gp, "set label ' 90 % [75, 100], SLO 1 %' at graph 1, first 0 "
				   "offset character 1, 0 left font ',9'\n"));
	assert_non_null(strstr(gp, "set label ' 0.5 % [0.3, 0.7], SLO 1 %' at graph 1, first 1 "
				   "offset character 1, 0 left font ',9'\n"));
	/* the stack still reaches 90 %: timed out 10 %, then refused from 10 to 90 % */
	char *dat = read_file(dir, "failures.dat");
	assert_non_null(strstr(dat, "\n0 90 75 100 10 80\n"));
	free(dat);
	free(gp);
	assert_png(dir, "failures.png", 1000, 600);
	rm_rf(dir);
}

/* The pool timeline, exactly: 20 min sampled every 5 s gives 10 s bins for the whole run
 * (bin_width: the readable width >= max(1200 / 120, 5)) and a 5 min zoom. checked_out of
 * sample j is j % 3, so bin 0 (samples 0, 1) has largest 1, bin 1 (samples 2, 3: 2, 0) 2,
 * bin 2 (4, 5: 1, 2) 2. Waiters are 3 from 600 s to 700 s and 0 elsewhere: every 300 s
 * window holding all of them has the most waiting, the earliest starts at 700 - 295 = 405 s
 * (6:45). Pool "jobs" is used by no workload of v: it gets no row. Backlogs: a and b are
 * identical and share a line, c differs. The zoom follows worst_windows.csv where it reports
 * one: b's longest length (5 min) failed most at 900 s, so b's zoom is 900 + 150 - 150 =
 * 900 s (15:00) to 20:00; c's 5 min window failed nothing, its p99 window starts at 1100 s,
 * so its zoom is centred there but ends at the run's end: max(1100, 1200 - 300) -> 900 s; a
 * has no row and keeps its own choice. */
static void test_timeline_bins_zoom_unused(void **state)
{
	(void)state;
	if (!gnuplot_on_path())
		skip();
	char dir[64] = "/tmp/pooltide-plot-XXXXXX", warn[512];
	assert_non_null(mkdtemp(dir));
	write_file(dir, "summary.csv",
		   "variant,workload,metric,mean,ci_low,ci_high,unit\n"
		   "a,api,timeout_rate,0,0,0,1\nb,api,timeout_rate,0,0,0,1\nc,api,timeout_rate,0,0,0,1\n");
	write_file(dir, "waits.csv",
		   "variant,workload,kind,lo_s,hi_s,count,cdf\n"
		   "a,api,served,0,0,10,1\nb,api,served,0,0,10,1\nc,api,served,0,0,10,1\n");
	struct text t = {0};
	add(&t, "variant,t_s,pool,checked_out,overflow,waiters,backlog,server_connections\n");
	static const char *const vs[] = {"a", "b", "c"};
	for (int v = 0; v < 3; v++)
		for (int j = 0; j <= 240; j++) {
			int w = j * 5 >= 600 && j * 5 <= 700 ? 3 : 0;
			add(&t, "%s,%d,main,%d,0,%d,%d,%d\n", vs[v], j * 5, j % 3, w,
			    v == 2 ? 7 : j % 5, 4 + v);
			add(&t, "%s,%d,jobs,0,0,0,%d,%d\n", vs[v], j * 5, v == 2 ? 7 : j % 5, 4 + v);
		}
	write_file(dir, "timeline.csv", t.s);
	free(t.s);
	write_file(dir, "pools.csv",
		   "variant,pool,size,max_overflow,cap,timeout_s,pre_ping,ping_s,used,kind,settings\n"
		   "a,main,5,0,5,30,0,0,1,sqlalchemy,pool_size=5 max_overflow=0\n"
		   "a,jobs,1,0,1,30,0,0,0,sqlalchemy,pool_size=1 max_overflow=0\n"
		   "b,main,5,0,5,30,0,0,1,sqlalchemy,pool_size=5 max_overflow=0\n"
		   "b,jobs,1,0,1,30,0,0,0,sqlalchemy,pool_size=1 max_overflow=0\n"
		   "c,main,5,0,5,30,0,0,1,hikaricp,maximumPoolSize=5 minimumIdle=5\n"
		   "c,jobs,1,0,1,30,0,0,0,hikaricp,maximumPoolSize=1 minimumIdle=1\n");
	write_file(dir, "database.csv",
		   "variant,processes,max_connections,usable_connections\n"
		   "a,1,100,97\nb,4,100,97\nc,1,20,17\n");
	write_file(dir, "worst_windows.csv",
		   "variant,workload,length_s,failure_rate,failure_start_s,wait_p99,wait_start_s\n"
		   "b,api,60,0.5,100,1,100\nb,api,300,0.2,900,1,100\n"
		   "c,api,60,,,2.5,1100\nc,api,300,,,2.5,1100\n");
	assert_int_equal(plot_dir(dir, true, warn, sizeof warn), 0);
	assert_string_equal(warn, "");
	assert_png(dir, "pool_timeline.png", 1000, 70 + 3 * 250); /* 3 variants x 1 used pool */
	assert_false(exists(dir, "pool_timeline-2.png"));
	char *dat = read_file(dir, "pool_timeline.dat");
	assert_non_null(strstr(dat, "largest sample per 10 s\n0 1 0 0\n10 2 0 0\n20 2 0 0\n"));
	assert_null(strstr(dat, "pool jobs"));
	free(dat);
	char *gp = read_file(dir, "pool_timeline.gp");
	assert_non_null(strstr(gp, "zoom 6:45-11:45: the 5 min with the most waiting"));
	assert_non_null(strstr(gp, "'zoom 15:00-20:00: api''s worst 5m window, 20% failed'"));
	assert_non_null(strstr(gp, "'zoom 15:00-20:00: api''s worst 5m window, p99 wait 2.5 s'"));
	assert_non_null(strstr(gp, "set xrange [15:20]"));
	assert_null(strstr(gp, "worst 1m window")); /* the longest length is the one shown */
	assert_non_null(strstr(gp, "whole run: largest sample per 10 s"));
	assert_non_null(strstr(gp, "'b: pool main, cap 5 (size 5 + max_overflow 0); samples of process 1 of 4 (each has its own pool)'"));
	assert_null(strstr(gp, "'a: pool main, cap 5 (size 5 + max_overflow 0); samples"));
	/* a pool of another kind is captioned in its own words (pools.csv's kind and settings) */
	assert_non_null(strstr(gp, "'c: pool main, hikaricp, cap 5 (maximumPoolSize=5 minimumIdle=5)'"));
	assert_null(strstr(gp, "pool jobs"));
	free(gp);
	gp = read_file(dir, "backlog.gp");
	assert_non_null(strstr(gp, "'a = b  (identical lines)'"));
	assert_non_null(strstr(gp, "'c'"));
	free(gp);
	gp = read_file(dir, "server_connections.gp");
	assert_non_null(strstr(gp, "'usable connections 97 (max_connections 100 minus reserved) in some variants'"));
	assert_non_null(strstr(gp, "'usable connections 17 (max_connections 20 minus reserved) in some variants'"));
	free(gp);
	assert_png(dir, "server_connections.png", 1000, 600);
	assert_png(dir, "backlog.png", 1000, 600);
	rm_rf(dir);
}

struct bad {
	const char *file, *text;
	int status;
	const char *msg; /* after "DIR/" */
};

static const struct bad bad_inputs[] = {
	{"waits.csv", "variant,workload,kind,lo_s,hi_s,count,cdf\nv,api,served,0,0,1,0.5\nv,api,served,0.1,0.2,1\n",
	 PT_EINVAL, "waits.csv:3: expected 7 fields as in the header, got 6"},
	{"waits.csv", "variant,workload,kind,lo_s,hi_s,count,cdf\n\"v,api,served,0,0,1,0.5\n",
	 PT_EINVAL, "waits.csv:2: unterminated quoted field"},
	{"waits.csv", "variant,workload,kind,lo_s,hi_s,count,cdf\nv\"x,api,served,0,0,1,0.5\n",
	 PT_EINVAL, "waits.csv:2: quote inside an unquoted field"},
	{"waits.csv", "variant,workload,kind,lo_s,hi_s,count,cdf\n\"v\"x,api,served,0,0,1,0.5\n",
	 PT_EINVAL, "waits.csv:2: unexpected character after a closing quote"},
	{"waits.csv", "variant,workload,kind,lo_s,hi_s,count,cdf\r\nv,api,served,0,0,1,0.5\r\nv,api,served,0.1,0.2,1,1.5\r\n",
	 PT_EINVAL, "waits.csv:3: cdf: expected a number in [0, 1], got \"1.5\""},
	{"waits.csv", "variant,workload,kind,lo_s,hi_s,count,cdf\n\"multi\nline\",api,served,0,0,1,0.5\n\"multi\nline\",api,served,0.1,0.2,1,0,4\n",
	 PT_EINVAL, "waits.csv:4: expected 7 fields as in the header, got 8"},
	{"waits.csv", "variant,workload,kind,lo_s,hi_s,count,cdf\nv,api,served,0.1,0.2,1,0.5\n",
	 PT_EINVAL, "waits.csv:2: the first row of variant \"v\", workload \"api\", kind served must be the zero-wait row (lo_s = hi_s = 0)"},
	{"waits.csv", "variant,workload,kind,lo_s,hi_s,count,cdf\nv,api,served,0,0,1,0.5\nv,api,served,0.1,0.2,1,0.4\n",
	 PT_EINVAL, "waits.csv:3: cdf: decreases (0.4 after 0.5)"},
	{"waits.csv", "variant,workload,kind,lo_s,hi_s,count,cdf\nv,api,queued,0,0,1,0.5\n",
	 PT_EINVAL, "waits.csv:2: kind: expected \"served\" or \"all\", got \"queued\""},
	{"waits.csv", "variant,workload,kind,lo_s,hi_s,count\n",
	 PT_EINVAL, "waits.csv:1: missing column \"cdf\" (expected the header variant,workload,kind,lo_s,hi_s,count,cdf)"},
	{"waits.csv", "", PT_EINVAL, "waits.csv:1: empty file, expected a header line"},
	{"summary.csv", "variant,workload,metric,mean,ci_low,ci_high,unit\nv,api,timeout_rate,0.1x,,,1\n",
	 PT_EINVAL, "summary.csv:2: mean: expected a number, got \"0.1x\""},
	{"summary.csv", "variant,workload,metric,mean,ci_low,ci_high,unit\nv,api,timeout_rate,1.5,,,%\n",
	 PT_EINVAL, "summary.csv:2: unit: expected \"1\" for timeout_rate, got \"%\""},
	{"summary.csv", "variant,workload,metric,mean,ci_low,ci_high,unit\n",
	 PT_EINVAL, "summary.csv:2: no data rows"},
	{"summary.csv", "variant,workload,metric,mean,ci_low,ci_high,unit\nv,api,failure_rate,0.1,,,1\nv,api,failure_rate,0.1,,,1\n",
	 PT_EINVAL, "summary.csv:3: a second failure_rate row for this variant and workload"},
	{"summary.csv", "variant,workload,metric,mean,ci_low,ci_high,unit\nv,api,refused_rate,1.5,,,1\n",
	 PT_EINVAL, "summary.csv:2: mean: expected a rate in [0, 1] for refused_rate, got \"1.5\""},
	{"summary.csv", "variant,workload,metric,mean,ci_low,ci_high,unit\nv,api,wait_p99,1.5,,,s\n",
	 PT_EINVAL, "summary.csv: no failure_rate rows"},
	{"timeline.csv", "variant,t_s,pool,checked_out,overflow,waiters\nv,10,main,1,0,0\nv,5,main,1,0,0\n",
	 PT_EINVAL, "timeline.csv:3: t_s: goes back in time (5 after 10)"},
	{"timeline.csv", "variant,t_s,pool,checked_out,overflow,waiters\nv,10,main,-1,0,0\n",
	 PT_EINVAL, "timeline.csv:2: checked_out: expected a number >= 0, got \"-1\""},
	{"timeline.csv", "variant,t_s,pool,checked_out,overflow,waiters\nv,10,main,,0,0\n",
	 PT_EINVAL, "timeline.csv:2: checked_out: expected a number, got an empty field"},
	{"pools.csv", "variant,pool,size,max_overflow,cap,timeout_s\n\"a,b\",main,10,20,thirty,30\n",
	 PT_EINVAL, "pools.csv:2: cap: expected a number, got \"thirty\""},
};

static void test_malformed_csv(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_inputs / sizeof *bad_inputs; i++) {
		const struct bad *b = &bad_inputs[i];
		char dir[64], warn[512], want[512];
		make_folder(dir, &(struct folder){.pools = true, .variants = 2});
		write_file(dir, b->file, b->text);
		int rc = plot_dir(dir, true, warn, sizeof warn);
		snprintf(want, sizeof want, "%s/%s", dir, b->msg);
		if (rc != b->status || strcmp(warn, want) != 0)
			print_error("case %zu: got %d \"%s\"\n", i, rc, warn);
		assert_int_equal(rc, b->status);
		assert_string_equal(warn, want);
		rm_rf(dir);
	}
}

static void test_missing_csv(void **state)
{
	(void)state;
	char dir[64], warn[512], want[512];
	make_folder(dir, &(struct folder){.variants = 2});
	char p[128];
	snprintf(p, sizeof p, "%s/timeline.csv", dir);
	assert_int_equal(unlink(p), 0);
	assert_int_equal(plot_dir(dir, true, warn, sizeof warn), PT_EIO);
	snprintf(want, sizeof want, "%s/timeline.csv: cannot open: No such file or directory", dir);
	assert_string_equal(warn, want);
	/* A NULL warning buffer is allowed. */
	assert_int_equal(plot_dir(dir, true, NULL, 0), PT_EIO);
	rm_rf(dir);
}

/* PgBouncer's panel (pgbouncer.png): timeline.csv's PgBouncer columns, one panel per variant
 * whose PgBouncer was ever busy ("direct" has only zeros: no panel). Without pools.csv (older
 * folders: no pool's server known) the variant's first pool's rows are read (pool "jobs" is
 * skipped), every sample in the .dat block; one panel: 60 + 220 px high. */
static void test_pgbouncer_panel(void **state)
{
	(void)state;
	if (!gnuplot_on_path())
		skip();
	char dir[64] = "/tmp/pooltide-plot-XXXXXX", warn[512];
	assert_non_null(mkdtemp(dir));
	write_file(dir, "summary.csv",
		   "variant,workload,metric,mean,ci_low,ci_high,unit\n"
		   "direct,api,timeout_rate,0,0,0,1\npgb,api,timeout_rate,0,0,0,1\n");
	write_file(dir, "waits.csv",
		   "variant,workload,kind,lo_s,hi_s,count,cdf\n"
		   "direct,api,served,0,0,10,1\npgb,api,served,0,0,10,1\n");
	write_file(dir, "timeline.csv",
		   "variant,t_s,pool,checked_out,overflow,waiters,cl_active,cl_waiting,sv_active,"
		   "sv_idle,sv_tested,sv_login,maxwait_s\n"
		   "direct,0,main,0,0,0,0,0,0,0,0,0,0\n"
		   "direct,1,main,2,0,0,0,0,0,0,0,0,0\n"
		   "pgb,0,main,0,0,0,0,0,0,0,0,0,0\n"
		   "pgb,0,jobs,0,0,0,0,0,0,0,0,0,0\n"
		   "pgb,1,main,2,0,0,1,1,1,0,0,0,0.25\n"
		   "pgb,1,jobs,0,0,0,1,1,1,0,0,0,0.25\n"
		   "pgb,2,main,0,0,0,2,0,0,1,0,0,0\n"
		   "pgb,2,jobs,0,0,0,2,0,0,1,0,0,0\n");
	assert_int_equal(plot_dir(dir, true, warn, sizeof warn), 0);
	assert_string_equal(warn, "");
	assert_png(dir, "pgbouncer.png", 1000, 60 + 220);
	char *dat = read_file(dir, "pgbouncer.dat");
	assert_non_null(strstr(dat, "# t_s cl_active cl_waiting sv_active sv_idle maxwait_s\n"
				    "# pgb (pool main)\n"
				    "0 0 0 0 0 0\n1 1 1 1 0 0.25\n2 2 0 0 1 0\n\n\n"));
	free(dat);
	char *gp = read_file(dir, "pgbouncer.gp");
	assert_non_null(strstr(gp, "set multiplot layout 1,1 "));
	assert_non_null(strstr(gp, "set title 'pgb'\nplot 'pgbouncer.dat' index 0 using ($1/1):4 "
				   "with steps lc 1 title 'sv_active'"));
	assert_null(strstr(gp, "'direct'"));
	free(gp);
	rm_rf(dir);
}

/* PgBouncer in front of a primary and two replicas (as read-replicas.json's variant behind
 * PgBouncer): one PgBouncer pool per database, and a pool's timeline rows carry its server's
 * database's status, so pgbouncer.png has one panel per database, read from the first pool on
 * each server in pools.csv order: "main" for the primary (not "jobs", also on the primary,
 * whose rows differ here only to show they are not read), "api_r1" for replica1, "api_r2"
 * for replica2; the titles name the variant and the database. replica3's pool "api_r3" never
 * had a client or a server: no panel. Three panels: 60 + 3 x 220 px high. */
static void test_pgbouncer_per_database(void **state)
{
	(void)state;
	if (!gnuplot_on_path())
		skip();
	char dir[64] = "/tmp/pooltide-plot-XXXXXX", warn[512];
	assert_non_null(mkdtemp(dir));
	write_file(dir, "summary.csv",
		   "variant,workload,metric,mean,ci_low,ci_high,unit\n"
		   "pgb,api,timeout_rate,0,0,0,1\n");
	write_file(dir, "waits.csv",
		   "variant,workload,kind,lo_s,hi_s,count,cdf\n"
		   "pgb,api,served,0,0,10,1\n");
	write_file(dir, "pools.csv",
		   "variant,pool,size,max_overflow,cap,timeout_s,pre_ping,ping_s,used,kind,settings,"
		   "server\n"
		   "pgb,main,5,0,5,30,0,0,1,sqlalchemy,pool_size=5 max_overflow=0,primary\n"
		   "pgb,jobs,1,0,1,30,0,0,1,sqlalchemy,pool_size=1 max_overflow=0,primary\n"
		   "pgb,api_r1,5,0,5,30,0,0,0,sqlalchemy,pool_size=5 max_overflow=0,replica1\n"
		   "pgb,api_r2,5,0,5,30,0,0,0,sqlalchemy,pool_size=5 max_overflow=0,replica2\n"
		   "pgb,api_r3,5,0,5,30,0,0,0,sqlalchemy,pool_size=5 max_overflow=0,replica3\n");
	write_file(dir, "timeline.csv",
		   "variant,t_s,pool,checked_out,overflow,waiters,cl_active,cl_waiting,sv_active,"
		   "sv_idle,sv_tested,sv_login,maxwait_s\n"
		   "pgb,0,main,0,0,0,0,0,0,0,0,0,0\n"
		   "pgb,0,jobs,0,0,0,0,0,0,0,0,0,0\n"
		   "pgb,0,api_r1,0,0,0,0,0,0,0,0,0,0\n"
		   "pgb,0,api_r2,0,0,0,0,0,0,0,0,0,0\n"
		   "pgb,0,api_r3,0,0,0,0,0,0,0,0,0,0\n"
		   "pgb,1,main,2,0,0,3,1,2,0,0,0,0.5\n"
		   "pgb,1,jobs,0,0,0,9,9,9,9,0,0,9\n"
		   "pgb,1,api_r1,1,0,0,1,0,1,1,0,0,0\n"
		   "pgb,1,api_r2,1,0,0,2,0,1,0,0,0,0\n"
		   "pgb,1,api_r3,0,0,0,0,0,0,0,0,0,0\n");
	assert_int_equal(plot_dir(dir, true, warn, sizeof warn), 0);
	assert_string_equal(warn, "");
	assert_png(dir, "pgbouncer.png", 1000, 60 + 3 * 220);
	char *dat = read_file(dir, "pgbouncer.dat");
	assert_non_null(strstr(dat, "# t_s cl_active cl_waiting sv_active sv_idle maxwait_s\n"
				    "# pgb, database primary (pool main)\n"
				    "0 0 0 0 0 0\n1 3 1 2 0 0.5\n\n\n"
				    "# pgb, database replica1 (pool api_r1)\n"
				    "0 0 0 0 0 0\n1 1 0 1 1 0\n\n\n"
				    "# pgb, database replica2 (pool api_r2)\n"
				    "0 0 0 0 0 0\n1 2 0 1 0 0\n\n\n"));
	assert_null(strstr(dat, "replica3"));
	assert_null(strstr(dat, " 9 9"));
	free(dat);
	char *gp = read_file(dir, "pgbouncer.gp");
	assert_non_null(strstr(gp, "set multiplot layout 3,1 "));
	assert_non_null(strstr(gp, "set title 'pgb: database primary'\n"
				   "plot 'pgbouncer.dat' index 0 using ($1/1):4 "));
	assert_non_null(strstr(gp, "set title 'pgb: database replica1'\n"
				   "plot 'pgbouncer.dat' index 1 using ($1/1):4 "));
	assert_non_null(strstr(gp, "set title 'pgb: database replica2'\n"
				   "plot 'pgbouncer.dat' index 2 using ($1/1):4 "));
	assert_null(strstr(gp, "replica3"));
	free(gp);
	rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pgbouncer_panel),
		cmocka_unit_test(test_pgbouncer_per_database),
		cmocka_unit_test(test_draws_every_plot),
		cmocka_unit_test(test_without_optional_inputs),
		cmocka_unit_test(test_timeline_pages),
		cmocka_unit_test(test_degenerate_inputs),
		cmocka_unit_test(test_wait_ccdf_exact),
		cmocka_unit_test(test_failures_axis_within_100),
		cmocka_unit_test(test_timeline_bins_zoom_unused),
		cmocka_unit_test(test_decimal_comma_locale),
		cmocka_unit_test(test_gnuplot_missing),
		cmocka_unit_test(test_gnuplot_fails),
		cmocka_unit_test(test_hangs_refused),
		cmocka_unit_test(test_malformed_csv),
		cmocka_unit_test(test_missing_csv),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
