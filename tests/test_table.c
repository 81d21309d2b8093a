/* The table spec and its three renderers (app/table.c): one table rendered as terminal text,
 * Markdown and HTML, each compared byte for byte with an expectation written by hand (the
 * widths and escapes are derived in the comments); the shared estimate format; the sticky
 * status (a misuse or an allocation failure: an error, nothing written, never an abort),
 * checked for every allocation of a build in turn with the allocation hook (tests/oomhook.h). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/html.h"
#include "app/table.h"
#include "sim/status.h"
#include "tests/oomhook.h"

/* An estimate with no pooled counts (a metric that is not a widened proportion). */
static struct estimate est(double mean, double lo, double hi, int n)
{
	return (struct estimate){.mean = mean, .lo = lo, .hi = hi, .n = n};
}

/* The rendering of t in fmt, as a new string (the table's status in *st). */
static char *render(struct table *t, enum table_format fmt, int *st)
{
	FILE *f = tmpfile();
	assert_non_null(f);
	*st = table_render(f, t, fmt);
	long n = ftell(f);
	assert_true(n >= 0);
	char *s = calloc(1, (size_t)n + 1);
	assert_non_null(s);
	rewind(f);
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

static void expect(struct table *t, enum table_format fmt, const char *want)
{
	int st;
	char *s = render(t, fmt, &st);
	assert_int_equal(st, PT_OK);
	if (strcmp(s, want) != 0)
		fail_msg("got:\n%s\nwant:\n%s", s, want);
	free(s);
}

/* The example table: a variant column cut at 10 characters, a count, a rate with its
 * interval, a p99 wait shown as its mean alone in the terminal, a column for documents only;
 * a hostile variant name; a name longer than the cut. Returns its status. */
static int build(struct table **out)
{
	struct table *t = table_create("workload api (pool main)");
	*out = t;
	table_add_column(t, &(struct table_column){.header = "variant", .align = TABLE_LEFT,
						   .width = 7, .max = 10});
	table_add_column(t, &(struct table_column){.header = "offered", .align = TABLE_RIGHT,
						   .width = 9, .gap = 2});
	table_add_column(t, &(struct table_column){.header = "failure rate",
						   .term = "failure rate [95% CI]", .gap = 2});
	table_add_column(t, &(struct table_column){.header = "wait p99", .term = "p99", .width = 8,
						   .flags = TABLE_BRIEF});
	table_add_column(t, &(struct table_column){.header = "backlog", .unit = "records",
						   .align = TABLE_RIGHT, .flags = TABLE_DOC_ONLY});
	const struct estimate r1 = est(0.0158, 0.012, 0.019, 3), d1 = est(0.0842, 0.0791, 0.0893, 3);
	const struct estimate r2 = est(0, -0.001, 0.002, 3), d2 = est(NAN, NAN, NAN, 0);
	table_add_row(t);
	table_add_text(t, "base");
	table_add_valuef(t, "%d", 10400);
	table_add_estimate(t, TABLE_RATE, &r1);
	table_add_estimate(t, TABLE_DURATION, &d1);
	table_add_value(t, "7");
	table_add_row(t);
	table_add_text(t, "a<b>&\"'|*_");
	table_add_value(t, "3");
	table_add_estimate(t, TABLE_RATE, &r2);
	table_add_estimate(t, TABLE_DURATION, &d2);
	table_add_value(t, "12");
	table_add_row(t);
	table_add_text(t, "a-very-long-name");
	table_add_value(t, "0"); /* the last two cells left out: empty */
	return table_status(t);
}

/* Terminal. Widths: variant max(7, 4, 10, 16) cut to 10; offered max(9, 7, 5) = 9, right;
 * failure rate: its terminal header (21) beats "1.58% [1.2%, 1.9%]" (18), left (an interval);
 * p99: width 8, right (the mean alone: TABLE_BRIEF). backlog is for documents only. Gaps 2
 * before offered and failure rate, 1 before p99; the last column is right-aligned. The
 * interval's lower end below 0 shows as 0 %. */
static void test_terminal(void **state)
{
	(void)state;
	struct table *t;
	assert_int_equal(build(&t), PT_OK);
	assert_int_equal(table_rows(t), 3);
	expect(t, TABLE_TERMINAL,
	       "workload api (pool main)\n"
	       "variant   " "  " "  offered" "  " "failure rate [95% CI]" " " "     p99\n"
	       "base      " "  " "    10400" "  " "1.58% [1.2%, 1.9%]   " " " "  84.2ms\n"
	       "a<b>&\"'|*_" "  " "        3" "  " "0% [0%, 0.2%]        " " " "       -\n"
	       "a-very-lon" "  " "        0" "  " "                     " " " "        \n");
	table_destroy(t);
}

/* Markdown: the caption as its own "Table: " paragraph (Pandoc's), user text backslashed
 * (< > | * _; & " ' are not Markdown's), values as they are, the interval in full, the unit
 * after the header; right-aligned columns "--:", estimate columns among them (as in HTML). */
static void test_markdown(void **state)
{
	(void)state;
	struct table *t;
	assert_int_equal(build(&t), PT_OK);
	expect(t, TABLE_MARKDOWN,
	       "Table: workload api (pool main)\n\n"
	       "| variant | offered | failure rate | wait p99 | backlog (records) |\n"
	       "|---|--:|--:|--:|--:|\n"
	       "| base | 10400 | 1.58% [1.2%, 1.9%] | 84.2ms [79.1ms, 89.3ms] | 7 |\n"
	       "| a\\<b\\>&\"'\\|\\*\\_ | 3 | 0% [0%, 0.2%] | - | 12 |\n"
	       "| a-very-long-name | 0 |  |  |  |\n");
	table_destroy(t);
}

/* HTML: everything escaped, the caption, numeric columns (right-aligned, estimates) of class
 * "num", no cut. */
static void test_html(void **state)
{
	(void)state;
	struct table *t;
	assert_int_equal(build(&t), PT_OK);
	expect(t, TABLE_HTML,
	       "<table>\n<caption>workload api (pool main)</caption>\n<thead>\n"
	       "<tr><th>variant</th><th class=\"num\">offered</th><th class=\"num\">failure "
	       "rate</th><th class=\"num\">wait p99</th><th class=\"num\">backlog "
	       "(records)</th></tr>\n</thead>\n<tbody>\n"
	       "<tr><td>base</td><td class=\"num\">10400</td><td class=\"num\">1.58% [1.2%, "
	       "1.9%]</td><td class=\"num\">84.2ms [79.1ms, 89.3ms]</td><td "
	       "class=\"num\">7</td></tr>\n"
	       "<tr><td>a&lt;b&gt;&amp;&quot;&#39;|*_</td><td class=\"num\">3</td><td "
	       "class=\"num\">0% [0%, 0.2%]</td><td class=\"num\">-</td><td "
	       "class=\"num\">12</td></tr>\n"
	       "<tr><td>a-very-long-name</td><td class=\"num\">0</td><td class=\"num\"></td><td "
	       "class=\"num\"></td><td class=\"num\"></td></tr>\n"
	       "</tbody>\n</table>\n");
	table_destroy(t);
}

/* The Markdown rendering read back by app/html.c (what `pooltide plot DIR` does with
 * report.md) is the HTML rendering, byte for byte: the caption, the right-aligned columns,
 * every escape undone and redone. Without a caption, no <caption>; a "Table: " line that no
 * table follows stays text. */
static void test_markdown_to_html(void **state)
{
	(void)state;
	struct table *t;
	assert_int_equal(build(&t), PT_OK);
	int st;
	char *md = render(t, TABLE_MARKDOWN, &st), *html = render(t, TABLE_HTML, &st);
	char *back = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&back, &n);
	assert_non_null(f);
	html_markdown(f, md, NULL, NULL);
	fclose(f);
	if (strcmp(back, html) != 0)
		fail_msg("from Markdown:\n%s\nHTML:\n%s", back, html);
	free(md);
	free(html);
	free(back);
	table_destroy(t);

	t = table_create(NULL);
	table_add_column(t, &(struct table_column){.header = "a", .align = TABLE_RIGHT});
	table_add_row(t);
	table_add_value(t, "1");
	md = render(t, TABLE_MARKDOWN, &st);
	html = render(t, TABLE_HTML, &st);
	assert_string_equal(md, "| a |\n|--:|\n| 1 |\n");
	f = open_memstream(&back, &n);
	html_markdown(f, md, NULL, NULL);
	fclose(f);
	assert_string_equal(back, html);
	free(back);
	f = open_memstream(&back, &n);
	html_markdown(f, "Table: no table\n\ntext\n", NULL, NULL);
	fclose(f);
	assert_string_equal(back, "<p>Table: no table</p>\n<p>text</p>\n");
	free(md);
	free(html);
	free(back);
	table_destroy(t);
}

/* Terminal grouping (a name on its first row only), a caption over the second column,
 * columns for the terminal only, code and strong cells, UTF-8 widths (é is one character:
 * "café" pads like "cafe"). */
static void test_terminal_group_caption(void **state)
{
	(void)state;
	struct table *t = table_create("pools");
	table_caption_at(t, 1);
	table_add_column(t, &(struct table_column){.header = "variant", .flags = TABLE_GROUP});
	table_add_column(t, &(struct table_column){.header = "pool", .gap = 2});
	table_add_column(t, &(struct table_column){.header = "cap", .align = TABLE_RIGHT,
						   .flags = TABLE_TERM_ONLY});
	table_add_column(t, &(struct table_column){.header = "first timeout", .gap = 2});
	static const char *const rows[][4] = {{"café", "main", "30", "QueuePool limit"},
					      {"café", "jobs", "5", "-"},
					      {"b", "main", "inf", "-"}};
	for (int r = 0; r < 3; r++) {
		table_add_row(t);
		table_add_text(t, rows[r][0]);
		table_add_text(t, rows[r][1]);
		table_add_value(t, rows[r][2]);
		if (r == 0)
			table_add_code(t, rows[r][3]);
		else
			table_add_strong(t, rows[r][3]);
	}
	/* variant: 7 wide; pool starts at 7 + 2 = 9; the last column unpadded. */
	expect(t, TABLE_TERMINAL,
	       "         pools\n"
	       "variant  pool cap  first timeout\n"
	       "café     main  30  QueuePool limit\n"
	       "         jobs   5  -\n"
	       "b        main inf  -\n");
	expect(t, TABLE_MARKDOWN,
	       "Table: pools\n\n| variant | pool | first timeout |\n|---|---|---|\n"
	       "| café | main | `QueuePool limit` |\n"
	       "| café | jobs | **-** |\n"
	       "| b | main | **-** |\n");
	int st;
	char *h = render(t, TABLE_HTML, &st);
	assert_int_equal(st, PT_OK);
	assert_non_null(strstr(h, "<td><code>QueuePool limit</code></td>"));
	assert_non_null(strstr(h, "<td><strong>-</strong></td>"));
	assert_null(strstr(h, ">cap<"));
	free(h);
	table_destroy(t);
}

static void expect_estimate(enum table_value k, struct estimate e, bool brief, const char *want)
{
	char buf[160];
	table_format_estimate(buf, sizeof buf, k, &e, brief);
	assert_string_equal(buf, want);
}

/* The shared estimate format: rates in %, differences signed (rates in percentage points),
 * domains respected (a rate's, a duration's, a number's lower end below 0 shows as 0; a
 * difference keeps its sign), one replication or brief: the mean alone, undefined: "-". */
static void test_estimates(void **state)
{
	(void)state;
	expect_estimate(TABLE_RATE, est(0.0158, 0.012, 0.019, 3), false,
			"1.58% [1.2%, 1.9%]");
	expect_estimate(TABLE_RATE, est(0.0158, 0.012, 0.019, 3), true, "1.58%");
	expect_estimate(TABLE_RATE, est(0.0158, NAN, NAN, 1), false, "1.58%");
	expect_estimate(TABLE_RATE, est(NAN, NAN, NAN, 0), false, "-");
	expect_estimate(TABLE_DURATION, est(0.002, -0.001, 0.005, 4), false,
			"2ms [0, 5ms]");
	expect_estimate(TABLE_NUMBER, est(37.5, -3, 80.26, 4), false,
			"37.5 [0, 80.3]");
	expect_estimate(TABLE_RATE_DIFF, est(-0.0197, -0.0385, -0.001, 5), false,
			"-1.97 pp [-3.85 pp, -0.1 pp]");
	expect_estimate(TABLE_RATE_DIFF, est(0, 0, 0, 5), false, "0 pp [0 pp, 0 pp]");
	expect_estimate(TABLE_DURATION_DIFF, est(-29.8, -31, 1.2, 5), false,
			"-29.8s [-31s, +1.2s]");
}

/* Misuse is a status, sticky, and nothing is written: a cell before any row, a cell beyond
 * the last column, a column after a row; a NULL table (what table_create gives when out of
 * memory) is a table that failed for want of memory. */
static void test_sticky_status(void **state)
{
	(void)state;
	struct table *t = table_create(NULL);
	table_add_column(t, &(struct table_column){.header = "a"});
	assert_int_equal(table_add_text(t, "x"), PT_EINVAL); /* no row yet */
	assert_int_equal(table_add_row(t), PT_EINVAL);       /* sticky */
	int st;
	char *s = render(t, TABLE_MARKDOWN, &st);
	assert_int_equal(st, PT_EINVAL);
	assert_string_equal(s, "");
	free(s);
	table_destroy(t);

	t = table_create("c");
	table_add_column(t, &(struct table_column){.header = "a"});
	assert_int_equal(table_add_row(t), PT_OK);
	assert_int_equal(table_add_text(t, "x"), PT_OK);
	assert_int_equal(table_add_text(t, "y"), PT_EINVAL); /* one column only */
	assert_int_equal(table_status(t), PT_EINVAL);
	table_destroy(t);

	t = table_create("c");
	table_add_column(t, &(struct table_column){.header = "a"});
	table_add_row(t);
	assert_int_equal(table_add_column(t, &(struct table_column){.header = "b"}), PT_EINVAL);
	table_destroy(t);

	assert_int_equal(table_add_column(NULL, &(struct table_column){.header = "b"}), PT_ENOMEM);
	assert_int_equal(table_add_row(NULL), PT_ENOMEM);
	assert_int_equal(table_add_text(NULL, "x"), PT_ENOMEM);
	assert_int_equal(table_status(NULL), PT_ENOMEM);
	s = render(NULL, TABLE_HTML, &st);
	assert_int_equal(st, PT_ENOMEM);
	assert_string_equal(s, "");
	free(s);
	table_destroy(NULL);
}

/* A table of 1000 rows (the arrays grow by doubling) renders every row. */
static void test_growth(void **state)
{
	(void)state;
	struct table *t = table_create(NULL);
	table_add_column(t, &(struct table_column){.header = "n", .align = TABLE_RIGHT});
	for (int i = 0; i < 1000; i++) {
		table_add_row(t);
		table_add_valuef(t, "%d", i);
	}
	assert_int_equal(table_status(t), PT_OK);
	int st;
	char *s = render(t, TABLE_TERMINAL, &st);
	assert_int_equal(st, PT_OK);
	assert_non_null(strstr(s, "  n\n  0\n  1\n"));
	assert_non_null(strstr(s, "998\n999\n"));
	free(s);
	table_destroy(t);
}

/* Every allocation of the example's build fails in turn: each time the build reports
 * PT_ENOMEM and the rendering writes nothing (or, past the last allocation, all succeeds);
 * never an abort or a partial table. */
static void test_out_of_memory(void **state)
{
	(void)state;
#if OOM_HOOK
	FILE *null = fopen("/dev/null", "w");
	assert_non_null(null);
	fputc('x', null); /* the stream's buffer, before the countdown */
	long k;
	for (k = 0; k < 200; k++) {
		struct table *t;
		oomhook_arm(k);
		int st = build(&t);
		long pos = ftell(null);
		int rst = table_render(null, t, TABLE_TERMINAL);
		long after = ftell(null);
		oomhook_disarm();
		table_destroy(t);
		if (st == PT_OK) { /* enough allocations: nothing failed */
			assert_int_equal(st, PT_OK);
			assert_int_equal(rst, PT_OK);
			break;
		}
		assert_int_equal(st, PT_ENOMEM);
		assert_int_equal(rst, PT_ENOMEM);
		assert_int_equal(after, pos);
	}
	assert_true(k > 5 && k < 200); /* the build allocates, and fits the sweep */
	fclose(null);
#else
	skip();
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_terminal),
		cmocka_unit_test(test_markdown),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_markdown_to_html),
		cmocka_unit_test(test_terminal_group_caption),
		cmocka_unit_test(test_estimates),
		cmocka_unit_test(test_sticky_status),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_out_of_memory),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
