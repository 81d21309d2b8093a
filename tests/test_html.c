/* The HTML pieces of report.html (app/html.c): escaping, inline Markdown, Markdown blocks as
 * other modules write them, and the SVG inliner (prolog dropped, ids prefixed, anything
 * active or external refused). Each expectation is the exact output, written by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "app/html.h"
#include "sim/status.h"

/* What fn writes for arg, as a new string. */
static char *capture(void (*fn)(FILE *, const char *), const char *arg)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_non_null(f);
	fn(f, arg);
	assert_int_equal(fclose(f), 0);
	return buf;
}

/* html_markdown without an image hook. */
static void markdown(FILE *out, const char *md) { html_markdown(out, md, NULL, NULL); }

static void image_hook(void *ctx, const char *alt, const char *name)
{
	fprintf(ctx, "[image %s: %s]\n", name, alt);
}

/* html_markdown with a hook that names the image. */
static void markdown_images(FILE *out, const char *md) { html_markdown(out, md, image_hook, out); }

static void expect(void (*fn)(FILE *, const char *), const char *in, const char *want)
{
	char *got = capture(fn, in);
	if (strcmp(got, want) != 0)
		fail_msg("for:\n%s\ngot:\n%s\nwant:\n%s", in, got, want);
	free(got);
}

static void test_escape_and_inline(void **state)
{
	(void)state;
	expect(html_escape, "<b>&\"'", "&lt;b&gt;&amp;&quot;&#39;");
	/* code spans taken as they are, strong and emphasis, escapes undone then escaped, "_"
	 * never emphasis, a lone "*" plain */
	expect(html_inline, "run `pooltide plot DIR` **now**, a *pool* of pool_size 5 * 2",
	       "run <code>pooltide plot DIR</code> <strong>now</strong>, a <em>pool</em> of "
	       "pool_size 5 * 2");
	expect(html_inline, "\\<b\\>&\\|\\*x\\*", "&lt;b&gt;&amp;|*x*");
	expect(html_inline, "`a<b>`", "<code>a&lt;b&gt;</code>");
	expect(html_inline, "P(wait > x)", "P(wait &gt; x)");
}

/* The blocks of the SLO, sensitivity and configuration sections: heading, paragraph of two
 * lines, table, list, fenced code (escaped, not converted), quote. */
static void test_markdown_blocks(void **state)
{
	(void)state;
	expect(markdown,
	       "## SLO\n\nA limit *passes*\nwhen it holds.\n\n"
	       "| variant | verdict |\n|---|---|\n| a \\| b | **pass** |\n\n"
	       "- `x`: one\n- two\n\n"
	       "```python\ncreate_engine(url, pool_size=5)  # <a & b>\n```\n\n"
	       "> **Not drawn** (why).\n",
	       "<h2>SLO</h2>\n<p>A limit <em>passes</em>\nwhen it holds.</p>\n"
	       "<table>\n<thead>\n<tr><th>variant</th><th>verdict</th></tr>\n</thead>\n<tbody>\n"
	       "<tr><td>a | b</td><td><strong>pass</strong></td></tr>\n</tbody>\n</table>\n"
	       "<ul>\n<li><code>x</code>: one</li>\n<li>two</li>\n</ul>\n"
	       "<pre><code>create_engine(url, pool_size=5)  # &lt;a &amp; b&gt;\n</code></pre>\n"
	       "<blockquote><strong>Not drawn</strong> (why).</blockquote>\n");
	/* an image alone on its line goes to the hook (which inlines its SVG); anything else
	 * that looks like one stays text */
	expect(markdown_images, "Text.\n![PgBouncer over time](pgbouncer.png)\n\n![x](a b.png)\n",
	       "<p>Text.</p>\n[image pgbouncer: PgBouncer over time]\n<p>![x](a b.png)</p>\n");
	/* the alignment row: "--:" right (class "num", as app/table.c writes its numbers),
	 * ":-:" centre, ":--" and "---" left, cells beyond the row's left; a "Table: " paragraph
	 * of one line just before a table is its caption (escapes undone, then escaped); one
	 * whose table does not follow is text, and the caption goes to that table only */
	expect(markdown,
	       "Table: pools \\[95% CI\\] & *more*\n\n"
	       "| a | b | c | d | e |\n|--:|:-:|:--|---|\n| 1 | 2 | 3 | 4 | 5 |\n\n"
	       "| x |\n|---|\n| y |\n\nTable: alone\nand more\n\n| z |\n",
	       "<table>\n<caption>pools [95% CI] &amp; <em>more</em></caption>\n<thead>\n"
	       "<tr><th class=\"num\">a</th><th class=\"center\">b</th><th>c</th><th>d</th>"
	       "<th>e</th></tr>\n</thead>\n<tbody>\n"
	       "<tr><td class=\"num\">1</td><td class=\"center\">2</td><td>3</td><td>4</td>"
	       "<td>5</td></tr>\n</tbody>\n</table>\n"
	       "<table>\n<thead>\n<tr><th>x</th></tr>\n</thead>\n<tbody>\n<tr><td>y</td></tr>\n"
	       "</tbody>\n</table>\n"
	       "<p>Table: alone\nand more</p>\n<table>\n<tbody>\n<tr><td>z</td></tr>\n</tbody>\n"
	       "</table>\n");
	/* an unterminated block is closed at the end */
	expect(markdown, "```\nx", "<pre><code>x\n</code></pre>\n");
}

static void svg_file(char *path, size_t len, const char *text)
{
	snprintf(path, len, "/tmp/pooltide-html-XXXXXX");
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
}

static int inline_svg(const char *text, char **out)
{
	char path[64];
	svg_file(path, sizeof path, text);
	size_t len = 0;
	*out = NULL;
	FILE *f = open_memstream(out, &len);
	assert_non_null(f);
	int st = html_svg(f, path, "p1-");
	assert_int_equal(fclose(f), 0);
	unlink(path);
	return st;
}

/* A gnuplot-like SVG: the prolog and DOCTYPE dropped, ids and the references to them
 * prefixed (id='x' -> id='p1-x', href='#x', url(#x)), '>' in text as &gt;. */
static void test_svg_inline(void **state)
{
	(void)state;
	char *out;
	int st = inline_svg(
		"<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
		"<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x.dtd\">\n"
		"<svg viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n"
		"<defs><path id='gpPt0' d='M0,0'/></defs>\n"
		"<use xlink:href='#gpPt0' fill=\"url(#grad)\"/><text>P(wait > 0)</text>\n"
		"</svg>\n",
		&out);
	assert_int_equal(st, PT_OK);
	assert_string_equal(out,
			    "<svg viewBox=\"0 0 10 10\" xmlns=\"http://www.w3.org/2000/svg\">\n"
			    "<defs><path id='p1-gpPt0' d='M0,0'/></defs>\n"
			    "<use xlink:href='#p1-gpPt0' fill=\"url(#p1-grad)\"/><text>P(wait &gt; "
			    "0)</text>\n</svg>\n");
	free(out);
	/* a heat map's pixels, a PNG inside the image, stay */
	static const char heat[] =
		"<svg><image x='1' xlink:href='data:image/png;base64,iVBORw0K'/></svg>";
	assert_int_equal(inline_svg(heat, &out), PT_OK);
	assert_string_equal(out, "<svg><image x='1' xlink:href='data:image/png;base64,iVBORw0K'/></svg>\n");
	free(out);
}

/* Anything that could run or fetch is refused, and nothing is written: a script, an event
 * handler, an external link or image; a file that is not an SVG; a missing file. */
static void test_svg_refused(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"<svg><script>alert(1)</script></svg>",
		"<svg onload=\"alert(1)\"></svg>",
		"<svg><a href=\"http://example.com\">x</a></svg>",
		"<svg><use xlink:href='http://example.com/x.svg#a'/></svg>",
		"<svg><image href='x.png'/></svg>",
		"<svg><image xlink:href='data:text/html,<b>'/></svg>",
		"<svg><rect fill='url(http://example.com/p)'/></svg>",
		"<html>not an image</html>",
	};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		char *out;
		assert_int_equal(inline_svg(bad[i], &out), PT_EIO);
		assert_string_equal(out, "");
		free(out);
	}
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	assert_int_equal(html_svg(f, "/nonexistent/x.svg", "p-"), PT_EIO);
	fclose(f);
	assert_string_equal(buf, "");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape_and_inline),
		cmocka_unit_test(test_markdown_blocks),
		cmocka_unit_test(test_svg_inline),
		cmocka_unit_test(test_svg_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
