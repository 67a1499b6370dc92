#include "text.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

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

int
text_date_parse(const char *s, uint64_t *secs)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };
	struct tm tm = { 0 };
	int y, m, d, i, leap;
	time_t v;

	if (s == NULL)
		return -1;
	for (i = 0; i < 10; i++)
		if (s[i] == '\0' ||
		    ((i == 4 || i == 7) ? s[i] != '-'
					: !isdigit((unsigned char)s[i])))
			return -1;
	if (s[10] != '\0' || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return -1;
	leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1] ||
	    (m == 2 && d == 29 && !leap))
		return -1;
	tm.tm_year = y - 1900;
	tm.tm_mon = m - 1;
	tm.tm_mday = d;
	if ((v = timegm(&tm)) < 0)
		return -1;
	*secs = (uint64_t)v;
	return 0;
}

void
text_date_format(uint64_t secs, char out[TEXT_DATE_LEN + 1])
{
	time_t tt = (time_t)secs;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, TEXT_DATE_LEN + 1, "%Y-%m-%d", &tm);
}

size_t
text_utf8_chars(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Letters, digits, '_' and any non-ASCII byte (UTF-8 letters). */
static int
word_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c >= 0x80;
}

static int
user_byte(unsigned char c)
{
	return isalnum(c) || c == '_' || c == '.' || c == '-';
}

static int
host_byte(unsigned char c)
{
	return isalnum(c) || c == '.' || c == '-' || c == ':';
}

/* At text[i] == '@': parse "@user" or "@user@host" into *m (href NULL).
 * Returns the bytes it spans, or 0 when it is not a mention. */
static size_t
mention_at(const char *text, size_t i, struct text_mention *m)
{
	size_t u = 0, h = 0, at;

	if (i > 0 &&
	    (word_byte((unsigned char)text[i - 1]) ||
		strchr("@/.-", text[i - 1])))
		return 0;
	while (user_byte((unsigned char)text[i + 1 + u]))
		u++;
	while (u > 0 && strchr(".-", text[i + u]))
		u--;
	if (u == 0 || u >= sizeof(m->user))
		return 0;
	at = i + 1 + u;
	if (text[at] == '@') {
		while (host_byte((unsigned char)text[at + 1 + h]))
			h++;
		while (h > 0 && strchr(".-:", text[at + h]))
			h--;
		if (h >= sizeof(m->host))
			return 0;
		if (h > 0 &&
		    (memchr(text + at + 1, '.', h) ||
			memchr(text + at + 1, ':', h) ||
			(h == 9 && !strncmp(text + at + 1, "localhost", 9)))) {
			memcpy(m->host, text + at + 1, h);
			m->host[h] = '\0';
		} else
			h = 0;
	}
	if (h == 0) {
		m->host[0] = '\0';
		if (text[at] == '@')
			return 0; /* "@a@b" without a host: not a mention */
	}
	memcpy(m->user, text + i + 1, u);
	m->user[u] = '\0';
	m->href = NULL;
	return 1 + u + (h ? 1 + h : 0);
}

static int
same_mention(const struct text_mention *a, const struct text_mention *b)
{
	return !strcasecmp(a->user, b->user) && !strcasecmp(a->host, b->host);
}

int
text_mentions(const char *text, struct text_mention *m, int max)
{
	size_t i, n;
	int count = 0, j, dup;

	for (i = 0; text[i] != '\0' && count < max; i++) {
		if (text[i] != '@' || (n = mention_at(text, i, &m[count])) == 0)
			continue;
		for (dup = 0, j = 0; j < count; j++)
			dup |= same_mention(&m[j], &m[count]);
		if (!dup)
			count++;
		i += n - 1;
	}
	return count;
}

static void
add_mention(struct buf *out, const char *href, const char *user)
{
	buf_adds(out, "<span class=\"h-card\" translate=\"no\"><a href=\"");
	buf_add_html(out, href, strlen(href));
	buf_adds(out, "\" class=\"u-url mention\">@<span>");
	buf_add_html(out, user, strlen(user));
	buf_adds(out, "</span></a></span>");
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

	while (text[n] && !strchr("\n\r#h@", text[n]))
		n++;
	return n;
}

int
text_to_html(const char *text, const char *base_url, struct buf *out)
{
	return text_to_html_m(text, base_url, NULL, 0, out);
}

/* The mention of m that text[i] starts, linked; its length or 0. */
static size_t
linked_mention(const char *text, size_t i, const struct text_mention *m, int nm,
    struct buf *out)
{
	struct text_mention x;
	size_t n;
	int k;

	if (nm == 0 || (n = mention_at(text, i, &x)) == 0)
		return 0;
	for (k = 0; k < nm; k++)
		if (m[k].href != NULL && same_mention(&m[k], &x)) {
			add_mention(out, m[k].href, x.user);
			return n;
		}
	return 0;
}

/* One run of text: hashtags, mentions and URLs linked, the rest
 * escaped. */
static size_t
text_piece(const char *text, size_t i, const char *base_url,
    const struct text_mention *m, int nm, struct buf *out)
{
	size_t n;

	if (text[i] == '#' && (n = tag_at(text, i)) > 0) {
		add_tag(out, text + i + 1, n, base_url);
		return n + 1;
	}
	if (text[i] == '@' && (n = linked_mention(text, i, m, nm, out)) > 0)
		return n;
	if ((n = url_at(text, i)) > 0) {
		add_url(out, text + i, n);
		return n;
	}
	n = plain_run(text + i);
	buf_add_html(out, text + i, n);
	return n;
}

int
text_inline_html(const char *text, const char *base_url,
    const struct text_mention *m, int nm, struct buf *out)
{
	size_t i = 0;

	while (text[i] != '\0')
		i += text_piece(text, i, base_url, m, nm, out);
	return out->failed ? -1 : 0;
}

int
text_to_html_m(const char *text, const char *base_url,
    const struct text_mention *m, int nm, struct buf *out)
{
	size_t i = 0;
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
		} else
			i += text_piece(text, i, base_url, m, nm, out);
	}
	if (open)
		buf_adds(out, "</p>");
	return out->failed ? -1 : 0;
}
