#include "app/html.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "sim/status.h"

#define SVG_MAX (64L << 20)

static void escape_n(FILE *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		switch (s[i]) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default: fputc(s[i], out);
		}
	}
}

void html_escape(FILE *out, const char *s) { escape_n(out, s, strlen(s)); }

/* Inline Markdown of n bytes. A `code` span is taken as it is (Markdown does not unescape
 * inside it); ** and * open a span only when a closing one follows. */
static void inline_n(FILE *out, const char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		char ch = s[i];
		if (ch == '\\' && i + 1 < n && ispunct((unsigned char)s[i + 1])) {
			escape_n(out, &s[i + 1], 1);
			i += 2;
			continue;
		}
		if (ch == '`') {
			const char *end = memchr(s + i + 1, '`', n - i - 1);
			if (end) {
				fputs("<code>", out);
				escape_n(out, s + i + 1, (size_t)(end - s - (long)i - 1));
				fputs("</code>", out);
				i = (size_t)(end - s) + 1;
				continue;
			}
		}
		if (ch == '*') {
			bool strong = i + 1 < n && s[i + 1] == '*';
			size_t open = strong ? 2 : 1;
			const char *end = NULL;
			for (size_t j = i + open; j + open <= n; j++) {
				if (s[j] == '\\') {
					j++;
					continue;
				}
				if (s[j] == '*' && (!strong || s[j + 1] == '*') &&
				    (strong || j + 1 >= n || s[j + 1] != '*')) {
					end = s + j;
					break;
				}
			}
			if (end && end > s + i + open) {
				fputs(strong ? "<strong>" : "<em>", out);
				inline_n(out, s + i + open, (size_t)(end - s) - i - open);
				fputs(strong ? "</strong>" : "</em>", out);
				i = (size_t)(end - s) + open;
				continue;
			}
		}
		escape_n(out, &s[i], 1);
		i++;
	}
}

void html_inline(FILE *out, const char *md) { inline_n(out, md, strlen(md)); }

#define MAX_ALIGN 64 /* columns whose alignment is kept; any further ones are left-aligned */

/* The alignment row (|---|--:|:-:|): per column 'l', 'r' (---:) or 'c' (:---:) into align. */
static void parse_align(const char *line, size_t n, char *align)
{
	memset(align, 'l', MAX_ALIGN);
	size_t i = 0;
	while (i < n && line[i] == ' ')
		i++;
	if (i < n && line[i] == '|')
		i++;
	for (int c = 0; i < n && c < MAX_ALIGN; c++) {
		size_t j = i;
		while (j < n && line[j] != '|')
			j++;
		size_t a = i, b = j;
		while (a < b && line[a] == ' ')
			a++;
		while (b > a && line[b - 1] == ' ')
			b--;
		if (b > a && line[b - 1] == ':')
			align[c] = line[a] == ':' && b - a > 1 ? 'c' : 'r';
		i = j + 1;
	}
}

/* The cells of a pipe-table line, each as inline Markdown in <tag>, of class "num" or "center"
 * where align (NULL: none) says so. */
static void table_line(FILE *out, const char *line, size_t n, const char *tag, const char *align)
{
	int col = 0;
	size_t i = 0;
	while (i < n && line[i] == ' ')
		i++;
	if (i < n && line[i] == '|')
		i++;
	fputs("<tr>", out);
	while (i < n) {
		size_t j = i;
		while (j < n && line[j] != '|') {
			if (line[j] == '\\' && j + 1 < n)
				j++;
			j++;
		}
		if (j >= n) { /* text after the last pipe */
			bool blank = true;
			for (size_t k = i; k < n; k++)
				blank &= line[k] == ' ';
			if (blank)
				break;
		}
		size_t a = i, b = j > n ? n : j;
		while (a < b && line[a] == ' ')
			a++;
		while (b > a && line[b - 1] == ' ')
			b--;
		char al = align && col < MAX_ALIGN ? align[col] : 'l';
		col++;
		fprintf(out, al == 'r' ? "<%s class=\"num\">" : al == 'c' ? "<%s class=\"center\">" : "<%s>",
			tag);
		inline_n(out, line + a, b - a);
		fprintf(out, "</%s>", tag);
		i = j + 1;
	}
	fputs("</tr>\n", out);
}

static bool starts(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	return n >= k && memcmp(s, p, k) == 0;
}

/* Whether the line p (n bytes) is "![alt](NAME.png)": alt and NAME into the buffers. */
static bool image_line(const char *p, size_t n, char *alt, size_t altlen, char *name,
		       size_t namelen)
{
	if (n < 9 || !starts(p, n, "![") || p[n - 1] != ')')
		return false;
	const char *close = NULL;
	for (size_t i = 2; i + 1 < n; i++)
		if (p[i] == ']' && p[i + 1] == '(')
			close = p + i;
	if (!close)
		return false;
	size_t a = (size_t)(close - p) - 2, b = n - (size_t)(close - p) - 3;
	if (a >= altlen || b >= namelen || b < 5 || memcmp(close + 2 + b - 4, ".png", 4) != 0)
		return false;
	memcpy(alt, p + 2, a);
	alt[a] = 0;
	memcpy(name, close + 2, b - 4);
	name[b - 4] = 0;
	return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
	       b - 4;
}

/* Whether the text after a "Table: " line is blank lines and then a table: the line is that
 * table's caption (a paragraph of its own, as Pandoc reads it), not text. */
static bool caption_before_table(const char *p)
{
	bool blank_seen = false;
	while (*p == '\n' || *p == '\r' || *p == ' ') {
		blank_seen |= *p == '\n';
		p++;
	}
	return blank_seen && *p == '|';
}

void html_markdown(FILE *out, const char *md, html_image_fn image, void *ctx)
{
	enum { NONE, PARA, LIST, QUOTE, TABLE, CODE } open = NONE;
	static const char *const close[] = {"", "</p>\n", "</ul>\n", "</blockquote>\n",
					    "</tbody>\n</table>\n", "</code></pre>\n"};
	const char *p = md;
	const char *caption = NULL; /* a caption paragraph's text, for the table that follows */
	size_t caption_n = 0;
	char align[MAX_ALIGN];
	bool aligned = false;
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		const char *next = nl ? nl + 1 : p + n;
		if (open == CODE) {
			if (starts(p, n, "```")) {
				fputs(close[CODE], out);
				open = NONE;
			} else {
				escape_n(out, p, n);
				fputc('\n', out);
			}
			p = next;
			continue;
		}
		bool blank = true;
		for (size_t k = 0; k < n; k++)
			blank &= p[k] == ' ' || p[k] == '\r';
		if (blank) {
			fputs(close[open], out);
			open = NONE;
			p = next;
			continue;
		}
		char alt[512], name[128];
		if (open == NONE && starts(p, n, HTML_MD_CAPTION) && nl && caption_before_table(next)) {
			caption = p + strlen(HTML_MD_CAPTION);
			caption_n = n - strlen(HTML_MD_CAPTION);
		} else if (starts(p, n, "```")) {
			fputs(close[open], out);
			fputs("<pre><code>", out);
			open = CODE;
		} else if (image && image_line(p, n, alt, sizeof alt, name, sizeof name)) {
			fputs(close[open], out);
			open = NONE;
			image(ctx, alt, name);
		} else if (p[0] == '#') {
			size_t level = 0;
			while (level < n && p[level] == '#')
				level++;
			fputs(close[open], out);
			open = NONE;
			if (level > 6)
				level = 6;
			size_t skip = level < n && p[level] == ' ' ? level + 1 : level;
			fprintf(out, "<h%zu>", level);
			inline_n(out, p + skip, n - skip);
			fprintf(out, "</h%zu>\n", level);
		} else if (p[0] == '|') {
			bool sep = nl && next[0] == '|' && strspn(next, "|-: ") >= 3 &&
				   (next[strspn(next, "|-: ")] == '\n' || !next[strspn(next, "|-: ")]);
			if (open != TABLE) {
				fputs(close[open], out);
				fputs("<table>\n", out);
				open = TABLE;
				aligned = false;
				if (caption) {
					fputs("<caption>", out);
					inline_n(out, caption, caption_n);
					fputs("</caption>\n", out);
					caption = NULL;
				}
				if (sep) { /* the header, then skip the |---| line */
					const char *nl2 = strchr(next, '\n');
					size_t sn = nl2 ? (size_t)(nl2 - next) : strlen(next);
					parse_align(next, sn, align);
					aligned = true;
					fputs("<thead>\n", out);
					table_line(out, p, n, "th", align);
					fputs("</thead>\n<tbody>\n", out);
					p = nl2 ? nl2 + 1 : next + sn;
					continue;
				}
				fputs("<tbody>\n", out);
			}
			table_line(out, p, n, "td", aligned ? align : NULL);
		} else if (starts(p, n, "- ")) {
			if (open != LIST) {
				fputs(close[open], out);
				fputs("<ul>\n", out);
				open = LIST;
			}
			fputs("<li>", out);
			inline_n(out, p + 2, n - 2);
			fputs("</li>\n", out);
		} else if (starts(p, n, "> ") || (n == 1 && p[0] == '>')) {
			if (open != QUOTE) {
				fputs(close[open], out);
				fputs("<blockquote>", out);
				open = QUOTE;
			} else {
				fputc('\n', out);
			}
			inline_n(out, p + (n > 1 ? 2 : 1), n > 1 ? n - 2 : 0);
		} else {
			if (open != PARA) {
				fputs(close[open], out);
				fputs("<p>", out);
				open = PARA;
			} else {
				fputc('\n', out);
			}
			inline_n(out, p, n);
		}
		p = next;
	}
	fputs(close[open], out);
}

/* ---------------------------------------------------------------------------------------- */
/* SVG                                                                                      */

/* Whether the tag at s (n bytes, from '<' to '>') is safe to inline: no script or foreign
 * content, no event handler, no reference outside the image. */
static bool safe_tag(const char *s, size_t n)
{
	static const char *const banned[] = {"<script", "<foreignobject", "<iframe", "<a ",
					     "<a\n", "<style"};
	for (size_t k = 0; k < sizeof banned / sizeof *banned; k++) {
		size_t l = strlen(banned[k]);
		if (n >= l && strncasecmp(s, banned[k], l) == 0)
			return false;
	}
	for (size_t i = 1; i + 3 < n; i++) {
		bool sp = isspace((unsigned char)s[i - 1]);
		if (sp && tolower((unsigned char)s[i]) == 'o' && tolower((unsigned char)s[i + 1]) == 'n' &&
		    isalpha((unsigned char)s[i + 2]))
			return false; /* onload=, onclick=, ... */
		/* a reference inside the image, or a PNG carried in it (gnuplot's heat maps) */
		if (strncasecmp(s + i, "href=", 5) == 0 && i + 6 < n && s[i + 6] != '#' &&
		    strncmp(s + i + 6, "data:image/png;base64,", 22) != 0)
			return false;
		if (strncasecmp(s + i, "url(", 4) == 0 && s[i + 4] != '#')
			return false;
	}
	return true;
}

/* A tag with its ids and references to them prefixed. */
static void rewrite_tag(FILE *out, const char *s, size_t n, const char *prefix)
{
	for (size_t i = 0; i < n; i++) {
		fputc(s[i], out);
		bool id = i >= 3 && isspace((unsigned char)s[i - 3]) && s[i - 2] == 'i' &&
			  s[i - 1] == 'd' && s[i] == '=';
		if (id && i + 1 < n && (s[i + 1] == '\'' || s[i + 1] == '"')) {
			fputc(s[++i], out);
			fputs(prefix, out);
			continue;
		}
		if (s[i] == '#' && i >= 1 &&
		    (s[i - 1] == '(' || ((s[i - 1] == '\'' || s[i - 1] == '"') && i >= 6 &&
					 strncmp(s + i - 6, "href=", 5) == 0)))
			fputs(prefix, out);
	}
}

int html_svg(FILE *out, const char *path, const char *prefix)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return PT_EIO;
	struct stat sb;
	if (fstat(fileno(f), &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size > SVG_MAX) {
		fclose(f);
		return PT_EIO;
	}
	size_t n = (size_t)sb.st_size;
	char *buf = malloc(n + 1);
	if (!buf) {
		fclose(f);
		return PT_ENOMEM;
	}
	size_t got = fread(buf, 1, n, f);
	fclose(f);
	buf[got] = 0;
	int st = PT_EIO;
	char *svg = strstr(buf, "<svg");
	char *end = NULL;
	for (char *q = svg; q && (q = strstr(q, "</svg>")); q++)
		end = q;
	if (!svg || !end || strlen(svg) != got - (size_t)(svg - buf))
		goto done; /* no image, or a NUL inside */
	end += strlen("</svg>");
	/* first pass: every tag safe */
	for (char *q = svg; q < end; q++) {
		if (*q != '<')
			continue;
		char *gt = memchr(q, '>', (size_t)(end - q));
		if (!gt || !safe_tag(q, (size_t)(gt - q + 1)))
			goto done;
		q = gt;
	}
	for (char *q = svg; q < end;) {
		if (*q != '<') {
			if (*q == '>') /* legal in XML text; written as the entity all the same */
				fputs("&gt;", out);
			else
				fputc(*q, out);
			q++;
			continue;
		}
		char *gt = memchr(q, '>', (size_t)(end - q));
		rewrite_tag(out, q, (size_t)(gt - q + 1), prefix);
		q = gt + 1;
	}
	fputc('\n', out);
	st = PT_OK;
done:
	free(buf);
	return st;
}
