#include "text.h"

#include <ctype.h>
#include <string.h>

#include "buf.h"

int
text_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, k, len;
	unsigned cp;

	while (i < n) {
		unsigned char c = p[i];
		if (c < 0x80) {
			if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
				return 0;
			if (c == 0x7f)
				return 0;
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			len = 2;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			len = 3;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			len = 4;
			cp = c & 0x07;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* overlong, surrogates, beyond U+10FFFF */
		if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return 0;
		i += len;
	}
	return 1;
}

/* Letters, digits, '_' and any non-ASCII byte (UTF-8 letters). */
static int
word_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

/* At text[i] == '#': the length of the tag name after it, or 0. A tag
 * starts a word and holds at least one non-digit. */
static size_t
tag_at(const char *text, size_t i)
{
	size_t n = 0;
	int letters = 0;

	if (i > 0 &&
	    (word_byte((unsigned char)text[i - 1]) || text[i - 1] == '&' ||
		text[i - 1] == '/'))
		return 0;
	while (word_byte((unsigned char)text[i + 1 + n])) {
		if (!isdigit((unsigned char)text[i + 1 + n]))
			letters = 1;
		n++;
	}
	if (!letters || n > TEXT_TAG_MAX)
		return 0;
	return n;
}

int
text_hashtags(const char *text, char tags[][TEXT_TAG_MAX + 1], int max)
{
	size_t i, n, k;
	int count = 0, j, dup;

	for (i = 0; text[i] != '\0' && count < max; i++) {
		if (text[i] != '#' || (n = tag_at(text, i)) == 0)
			continue;
		for (k = 0; k < n; k++)
			tags[count][k] =
			    (char)tolower((unsigned char)text[i + 1 + k]);
		tags[count][n] = '\0';
		for (dup = 0, j = 0; j < count; j++)
			if (!strcmp(tags[j], tags[count]))
				dup = 1;
		if (!dup)
			count++;
		i += n;
	}
	return count;
}

/* At text[i]: the length of an http(s) URL, or 0. Trailing punctuation
 * is left out, as people end sentences after links. */
static size_t
url_at(const char *text, size_t i)
{
	size_t n;

	if (i > 0 && word_byte((unsigned char)text[i - 1]))
		return 0;
	if (strncmp(text + i, "https://", 8) && strncmp(text + i, "http://", 7))
		return 0;
	for (n = 0; text[i + n] && !isspace((unsigned char)text[i + n]) &&
	     text[i + n] != '<' && text[i + n] != '>' && text[i + n] != '"';
	     n++)
		;
	while (n > 0 && strchr(".,;:!?)'", text[i + n - 1]))
		n--;
	return n > 8 ? n : 0;
}

static void
add_tag(struct buf *out, const char *text, size_t n, const char *base_url)
{
	char tag[TEXT_TAG_MAX + 1];
	size_t k;

	for (k = 0; k < n; k++)
		tag[k] = (char)tolower((unsigned char)text[k]);
	tag[n] = '\0';
	buf_adds(out, "<a href=\"");
	buf_add_html(out, base_url, strlen(base_url));
	buf_adds(out, "/tags/");
	buf_add_html(out, tag, n);
	buf_adds(out, "\" class=\"mention hashtag\" rel=\"tag\">#<span>");
	buf_add_html(out, text, n);
	buf_adds(out, "</span></a>");
}

static void
add_url(struct buf *out, const char *url, size_t n)
{
	buf_adds(out, "<a href=\"");
	buf_add_html(out, url, n);
	buf_adds(out,
	    "\" rel=\"nofollow noopener noreferrer\" "
	    "target=\"_blank\">");
	buf_add_html(out, url, n);
	buf_adds(out, "</a>");
}

/* At a newline: skip the run of line breaks; two or more end a paragraph.
 * Returns the bytes skipped, *para says which. */
static size_t
line_breaks(const char *text, int *para)
{
	size_t n = 0;
	int lines = 0;

	while (text[n] == '\n' || text[n] == '\r')
		if (text[n++] == '\n')
			lines++;
	*para = lines >= 2;
	return n;
}

/* Plain text up to the next byte that may start markup. */
static size_t
plain_run(const char *text)
{
	size_t n = 1;

	while (text[n] && !strchr("\n\r#h", text[n]))
		n++;
	return n;
}

int
text_to_html(const char *text, const char *base_url, struct buf *out)
{
	size_t i = 0, n;
	int para, open = 0;

	while (text[i] == '\n' || text[i] == '\r' || text[i] == ' ')
		i++;
	while (text[i] != '\0') {
		if (!open) {
			buf_adds(out, "<p>");
			open = 1;
		}
		if (text[i] == '\n' || text[i] == '\r') {
			i += line_breaks(text + i, &para);
			if (text[i] == '\0')
				break;
			if (para) {
				buf_adds(out, "</p>");
				open = 0;
			} else
				buf_adds(out, "<br>");
		} else if (text[i] == '#' && (n = tag_at(text, i)) > 0) {
			add_tag(out, text + i + 1, n, base_url);
			i += n + 1;
		} else if ((n = url_at(text, i)) > 0) {
			add_url(out, text + i, n);
			i += n;
		} else {
			n = plain_run(text + i);
			buf_add_html(out, text + i, n);
			i += n;
		}
	}
	if (open)
		buf_adds(out, "</p>");
	return out->failed ? -1 : 0;
}
