/* text.h: a member's plain text made into the HTML that is stored and
 * federated, with hashtags and links; hashtag extraction; UTF-8 checks. */
#ifndef HUB_TEXT_H
#define HUB_TEXT_H

#include <stddef.h>
#include <stdint.h>

struct buf;

#define TEXT_MAX_TAGS 32
#define TEXT_TAG_MAX  64 /* bytes in a tag name */

/* Whether s[0..n) is well-formed UTF-8 with no NUL and no control
 * characters other than tab, newline and carriage return. */
int text_utf8_valid(const char *s, size_t n);

/* Characters (code points, not bytes) of the UTF-8 string s. */
size_t text_utf8_chars(const char *s);

#define TEXT_DATE_LEN 10 /* "YYYY-MM-DD" */

/* Parse "YYYY-MM-DD" (exactly) into seconds since 1970 at 00:00 UTC:
 * 0, or -1 when s is NULL or not a real date from 1970 on (2027-02-31
 * is refused, not rolled over). */
int text_date_parse(const char *s, uint64_t *secs);
/* The UTC day of secs as "YYYY-MM-DD" into out. */
void text_date_format(uint64_t secs, char out[TEXT_DATE_LEN + 1]);

/* Collect the distinct hashtags of text (lowercased ASCII, no '#'), at
 * most max of them, into tags[i] (each TEXT_TAG_MAX + 1 bytes). Returns
 * how many. */
int text_hashtags(const char *text, char tags[][TEXT_TAG_MAX + 1], int max);

#define TEXT_MAX_MENTIONS 16

/* "@user" (a member here) or "@user@host" in a member's text. href is
 * the actor's page to link to, set by the caller (NULL: left as text). */
struct text_mention {
	char user[64];
	char host[256]; /* "" for a local name */
	const char *href;
};

/* Collect the distinct mentions of text, at most max. Returns how many. */
int text_mentions(const char *text, struct text_mention *m, int max);

/* Render text as HTML into out: paragraphs on blank lines, <br> on single
 * newlines, escaped text, hashtags linked to base_url/tags/NAME, http(s)
 * URLs linked. Returns 0 or -1 when out is full. */
int text_to_html(const char *text, const char *base_url, struct buf *out);
/* The same, with the mentions of m that have an href linked to it. */
int text_to_html_m(const char *text, const char *base_url,
    const struct text_mention *m, int nm, struct buf *out);
/* One run of inline text (no paragraphs: newlines stay as they are),
 * escaped, with hashtags, URLs and the mentions of m linked. */
int text_inline_html(const char *text, const char *base_url,
    const struct text_mention *m, int nm, struct buf *out);

#endif
