/* buf.h: a growable byte buffer with a hard size cap, for building
 * responses and holding remote input. */
#ifndef HUB_BUF_H
#define HUB_BUF_H

#include <stddef.h>

struct buf {
	char *data; /* always NUL-terminated when len > 0 */
	size_t len;
	size_t cap;
	size_t max; /* 0: no cap beyond SIZE_MAX / 2 */
	int failed; /* set once an append did not fit or malloc failed */
};

/* Start an empty buffer that will refuse to grow past max bytes. */
void buf_init(struct buf *b, size_t max);
/* Free the memory and reset to empty. */
void buf_free(struct buf *b);
/* Append; each returns 0, or -1 (and sets b->failed) when the cap or
 * memory runs out. A failed buffer ignores later appends. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_adds(struct buf *b, const char *s);
int buf_addc(struct buf *b, char c);
int buf_printf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Append s escaped for HTML text and attribute values (& < > " '). */
int buf_add_html(struct buf *b, const char *s, size_t n);
/* Append s escaped for XML 1.0 character data and attribute values (&
 * < > " ' as entities). What XML 1.0 does not allow (section 2.2,
 * Char) is left out: control characters other than tab, newline and
 * carriage return, and U+FFFE and U+FFFF (and DEL, which it
 * discourages); a byte that is not part of
 * valid UTF-8 becomes U+FFFD. The output is well-formed whatever s
 * holds. */
int buf_add_xml(struct buf *b, const char *s, size_t n);
/* Take the data out: the caller owns it (free()), the buffer is reset.
 * Returns NULL when the buffer failed. */
char *buf_steal(struct buf *b, size_t *len);

#endif
