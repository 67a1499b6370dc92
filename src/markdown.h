/* markdown.h: a member's Markdown made into the HTML that is stored and
 * federated, once, on write (DESIGN rule 6). CommonMark by cmark in safe
 * mode: raw HTML is dropped and javascript:/vbscript:/data: links are
 * emptied; single newlines are line breaks, as people type them. In
 * text (not in code, not inside links) hashtags, http(s) URLs and the
 * given mentions are linked as text_to_html_m() links them. */
#ifndef HUB_MARKDOWN_H
#define HUB_MARKDOWN_H

struct buf;
struct text_mention;

/* Render text into out. m (nm of them, may be NULL) are the mentions to
 * link (those with an href). Returns 0, or -1 when out is full or out
 * of memory. The HTML still needs no sanitizing, but the hub runs it
 * through fed_html_sanitize() too (markdown_to_safe_html). */
int markdown_to_html(const char *text, const char *base_url,
    const struct text_mention *m, int nm, struct buf *out);

/* markdown_to_html, then fed_html_sanitize(): what a note stores, so a
 * local note looks as it will on every other hub (headings become bold
 * paragraphs, as Mastodon shows them). Returns 0 or -1. */
int markdown_to_safe_html(const char *text, const char *base_url,
    const struct text_mention *m, int nm, struct buf *out);

#endif
