/* Golden test: every bundled scenario, run at a fixed seed, gives the metrics pinned in
 * tests/golden/<scenario>.csv, value for value.
 *
 * Each golden file is a summary.csv (variant, workload, metric, mean, ci_low, ci_high, unit)
 * of a run of the bundled scenario with the arguments in the table below. Every pinned row
 * must come out with the same text, so a change in the draw order, an event order or a model
 * rule cannot pass unnoticed; rows the run adds (a new metric) are not compared, nor columns it
 * adds after the golden header's (summary.csv's variant_order), so adding a metric or a column
 * does not mean regenerating the files. A failure prints the scenario, the row's key and
 * both values.
 *
 * Regenerate only on purpose (a new generator, a deliberate change of a rule), in a commit of
 * its own that says why:  POOLTIDE_GOLDEN_WRITE=1 build/tests/test_golden
 * The binary is $POOLTIDE (set by tests/run_all.sh) or build/pooltide. */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

/* Shorter horizons keep the suite quick where the full run takes seconds; every scenario
 * still runs through its warm-up and its batches. */
static const struct golden {
	const char *scenario;
	const char *args;
} goldens[] = {
	{"async", ""},
	{"cpu-bound", "--horizon 30m"},
	{"daily-profile", "--horizon 6h"},
	{"four-processes", "--horizon 30m"},
	{"go-database-sql", ""},
	{"hikaricp", ""},
	{"incident", ""},
	{"lock-timeout", "--horizon 1h"},
	{"mmc-validation", ""},
	{"pgbouncer", "--horizon 30m"},
	{"read-replicas", "--horizon 30m"},
	{"separate-pools", ""},
	{"trace-replay", ""},
};

static const char *bin(void)
{
	const char *b = getenv("POOLTIDE");
	return b && *b ? b : "build/pooltide";
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* The one result folder under root (root/<scenario>/<run-id>/), its summary.csv's path. */
static void find_summary(const char *root, char *path, size_t len)
{
	char sub[512];
	DIR *d = opendir(root);
	assert_non_null(d);
	struct dirent *e;
	sub[0] = 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			snprintf(sub, sizeof sub, "%s/%s", root, e->d_name);
	closedir(d);
	assert_true(sub[0]);
	d = opendir(sub);
	assert_non_null(d);
	path[0] = 0;
	while ((e = readdir(d)))
		if (e->d_name[0] != '.')
			snprintf(path, len, "%s/%s/summary.csv", sub, e->d_name);
	closedir(d);
	assert_true(path[0]);
}

/* Length of a row's key: up to the third comma outside quotes (variant,workload,metric). */
static size_t key_len(const char *row)
{
	int commas = 0;
	bool quoted = false;
	for (size_t i = 0; row[i] && row[i] != '\n'; i++) {
		if (row[i] == '"')
			quoted = !quoted;
		else if (row[i] == ',' && !quoted && ++commas == 3)
			return i;
	}
	return 0;
}

/* The row of `text` whose key equals the key of `row`, or NULL. */
static const char *find_row(const char *text, const char *row, size_t klen)
{
	for (const char *p = text; *p;) {
		if (key_len(p) == klen && strncmp(p, row, klen) == 0)
			return p;
		const char *nl = strchr(p, '\n');
		if (!nl)
			break;
		p = nl + 1;
	}
	return NULL;
}

static size_t line_len(const char *p)
{
	const char *nl = strchr(p, '\n');
	return nl ? (size_t)(nl - p) : strlen(p);
}

/* Fields of a row (commas outside quotes, plus one). */
static int fields_of(const char *row)
{
	int n = 1;
	bool quoted = false;
	for (size_t i = 0; row[i] && row[i] != '\n'; i++) {
		if (row[i] == '"')
			quoted = !quoted;
		else if (row[i] == ',' && !quoted)
			n++;
	}
	return n;
}

/* Length of a row's first n fields: the row up to its n-th comma outside quotes, or all of
 * it. */
static size_t fields_len(const char *row, int n)
{
	int commas = 0;
	bool quoted = false;
	size_t i = 0;
	for (; row[i] && row[i] != '\n'; i++) {
		if (row[i] == '"')
			quoted = !quoted;
		else if (row[i] == ',' && !quoted && ++commas == n)
			return i;
	}
	return i;
}

static void check_one(const struct golden *g)
{
	char root[] = "/tmp/pooltide-golden-XXXXXX";
	assert_non_null(mkdtemp(root));
	char cmd[1024];
	snprintf(cmd, sizeof cmd,
		 "%s run scenarios/%s.json --seed 1 --replications 2 --no-plot --quiet %s -o %s "
		 ">/dev/null 2>&1 </dev/null",
		 bin(), g->scenario, g->args, root);
	int st = system(cmd);
	assert_true(st != -1 && WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
	char path[1024], golden[256];
	find_summary(root, path, sizeof path);
	snprintf(golden, sizeof golden, "tests/golden/%s.csv", g->scenario);
	char *now = slurp(path);
	assert_non_null(now);
	const char *w = getenv("POOLTIDE_GOLDEN_WRITE");
	if (w && *w) {
		FILE *f = fopen(golden, "wb");
		assert_non_null(f);
		assert_int_equal(fputs(now, f) >= 0, 1);
		assert_int_equal(fclose(f), 0);
		fprintf(stderr, "golden: wrote %s\n", golden);
	}
	char *want = slurp(golden);
	if (!want)
		fail_msg("%s: missing (regenerate on purpose: POOLTIDE_GOLDEN_WRITE=1)", golden);
	int bad = 0, rows = 0;
	/* Skip the header line, then every pinned row must be in the run with the same text in
	 * the golden header's columns. */
	int ncol = fields_of(want);
	const char *p = strchr(want, '\n');
	for (p = p ? p + 1 : want; *p; p += line_len(p) + (p[line_len(p)] == '\n')) {
		size_t kl = key_len(p);
		if (!kl)
			continue;
		rows++;
		const char *got = find_row(now, p, kl);
		size_t wl = line_len(p), gl = got ? fields_len(got, ncol) : 0;
		if (!got) {
			print_message("%s: %.*s: pinned, missing from the run\n", g->scenario, (int)kl, p);
			bad++;
		} else if (gl != wl || strncmp(got, p, wl) != 0) {
			print_message("%s: %.*s: golden %.*s, now %.*s\n", g->scenario, (int)kl, p,
				      (int)(wl - kl - 1), p + kl + 1, (int)(gl - kl - 1), got + kl + 1);
			bad++;
		}
	}
	free(want);
	free(now);
	snprintf(cmd, sizeof cmd, "rm -rf %s", root);
	assert_int_equal(system(cmd), 0);
	assert_true(rows > 50);
	if (bad)
		fail_msg("%s: %d of %d pinned metrics differ (see above)", g->scenario, bad, rows);
}

static void test_golden(void **state)
{
	check_one(*state);
}

int main(void)
{
	struct CMUnitTest tests[sizeof goldens / sizeof goldens[0]];
	for (size_t i = 0; i < sizeof goldens / sizeof goldens[0]; i++)
		tests[i] = (struct CMUnitTest){
			.name = goldens[i].scenario,
			.test_func = test_golden,
			.initial_state = (void *)&goldens[i],
		};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
