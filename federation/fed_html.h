/* fed_html.h: remote HTML made safe once, on ingest (DESIGN rule 6), with
 * an allowlist as strict as Mastodon's, parsed by gumbo. */
#ifndef HUB_FED_HTML_H
#define HUB_FED_HTML_H

#include <stddef.h>

struct buf;

/* Append to out the sanitized form of html (len bytes). Returns 0, or -1
 * when out is full or the input cannot be parsed. */
int fed_html_sanitize(const char *html, size_t len, struct buf *out);

/* Append to out the plain text of html: tags dropped, entities decoded,
 * white space collapsed, paragraphs and <br> as newlines. */
int fed_html_text(const char *html, size_t len, struct buf *out);

#endif
