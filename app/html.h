/* HTML pieces of report.html: escaped text, the inline Markdown of the report's own prose,
 * Markdown blocks that other modules write (the SLO and sensitivity sections, configuration
 * as code) converted, and gnuplot's SVG images inlined.
 *
 * The Markdown understood is the subset pooltide writes, not CommonMark: headings (#, ##,
 * ###), paragraphs separated by blank lines, images alone on their line, "- " list items, "> " quotes, ``` fenced code,
 * pipe tables (a header, a |---| line whose "--:" and ":-:" cells right-align and centre their
 * column, as class="num" and class="center", rows; a caption as Pandoc writes it, a paragraph
 * of one line "Table: ..." just before the table), and inline `code`, **strong**, *emphasis* and
 * backslash escapes. Everything else is text, escaped; no markup passes through, so nothing a
 * scenario names can become a tag. "_" is never emphasis (pool_size stays pool_size).
 *
 * Not here: the page's sections (app/report_doc.c), tables built by pooltide (app/table.h). */
#ifndef POOLTIDE_HTML_H
#define POOLTIDE_HTML_H

#include <stdio.h>

/* The opening of a table's caption paragraph in Markdown (Pandoc's convention), written by
 * app/table.c and read back by html_markdown. */
#define HTML_MD_CAPTION "Table: "

/* s with & < > " ' as entities. */
void html_escape(FILE *out, const char *s);
/* One line or paragraph of inline Markdown (code, strong, emphasis, escapes) as HTML. */
void html_inline(FILE *out, const char *md);
/* Markdown blocks (the subset above) as HTML blocks. A line that is an image alone,
 * "![alt](NAME.png)", goes to image(ctx, alt, "NAME") when image is not NULL (the caller
 * inlines its SVG), else it is text. */
typedef void (*html_image_fn)(void *ctx, const char *alt, const char *name);
void html_markdown(FILE *out, const char *md, html_image_fn image, void *ctx);

/* Inline the SVG image at `path`: everything from its <svg element on (the XML prolog and
 * DOCTYPE dropped, a '>' in text as &gt;), every id (and every reference to one) prefixed with
 * `prefix` so that the images of one page do not share ids. Returns 0; PT_EIO when the file
 * cannot be read, is not an SVG, or holds a script, event handler or external reference
 * (nothing written then: the page stays free of JavaScript and offline; a PNG carried inside
 * as data:image/png, as in gnuplot's heat maps, is allowed); PT_ENOMEM. At most 64 MiB. */
int html_svg(FILE *out, const char *path, const char *prefix);

#endif
