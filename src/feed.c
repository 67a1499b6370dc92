#include "feed.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "fed_as2.h"
#include "fed_html.h"
#include "fed_learning.h"
#include "st_actor.h"
#include "st_object.h"

#define SCAN_MAX  400 /* index entries read to find FEED_ITEMS, at most */
#define TITLE_MAX 80  /* characters of text in a title made from it */

const char *
feed_type(int format)
{
	return format == FEED_ATOM ? "application/atom+xml; charset=utf-8"
				   : "application/rss+xml; charset=utf-8";
}

/* Whether the stored object id is a note anyone may read (vis at most
 * max_vis) and, when owner is not 0, owner's. */
static int
readable(struct st_txn *t, uint64_t id, int max_vis, uint64_t owner)
{
	struct st_obj o;

	return st_object_peek(t, id, &o, NULL, NULL) == 0 &&
	    o.kind == ST_K_NOTE && o.vis <= max_vis &&
	    (owner == 0 || o.owner == owner);
}

int
feed_outbox(struct st_txn *t, struct feed *f, uint64_t actor, int own_only)
{
	struct st_outbox_item items[FEED_ITEMS];
	uint64_t before = 0;
	int n, i, more = 1, scanned = 0;

	f->n = 0;
	while (more && f->n < FEED_ITEMS && scanned < SCAN_MAX) {
		n = st_outbox_page(t, actor, before, ST_VIS_UNLISTED, items,
		    FEED_ITEMS, &more);
		if (n <= 0)
			break;
		for (i = 0; i < n && f->n < FEED_ITEMS; i++)
			if (readable(t, items[i].note, ST_VIS_UNLISTED,
				own_only ? actor : 0))
				f->notes[f->n++] = items[i].note;
		before = items[n - 1].note;
		scanned += n;
	}
	return f->n;
}

int
feed_tag(struct st_txn *t, struct feed *f, const char *tag)
{
	uint64_t ids[FEED_ITEMS], before = 0;
	int n, i, more = 1, scanned = 0;

	f->n = 0;
	while (more && f->n < FEED_ITEMS && scanned < SCAN_MAX) {
		n = st_tag_page(t, tag, before, ids, FEED_ITEMS, &more);
		if (n <= 0)
			break;
		for (i = 0; i < n && f->n < FEED_ITEMS; i++)
			if (readable(t, ids[i], ST_VIS_PUBLIC, 0))
				f->notes[f->n++] = ids[i];
		before = ids[n - 1];
		scanned += n;
	}
	return f->n;
}

/* ---- writing ---- */

static void
xml(struct buf *b, const char *s)
{
	if (s != NULL)
		buf_add_xml(b, s, strlen(s));
}

/* <name>text</name>, text escaped. */
static void
element(struct buf *b, const char *name, const char *text)
{
	buf_printf(b, "<%s>", name);
	xml(b, text);
	buf_printf(b, "</%s>\n", name);
}

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* An RFC 3339 date as ActivityPub gives it ("2026-11-26T10:00:00Z",
 * maybe with a fraction or an offset) in seconds, or 0. */
static time_t
parse_time(const char *s)
{
	int y, mo, d, h, mi, sec, oh = 0, om = 0, n = 0;
	char sign = 0;
	struct tm tm = { 0 };
	time_t when;

	if (s == NULL ||
	    sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
		&n) != 6)
		return 0;
	s += n;
	if (*s == '.')
		while (*++s >= '0' && *s <= '9')
			;
	if ((*s == '+' || *s == '-') &&
	    sscanf(s, "%c%2d:%2d", &sign, &oh, &om) != 3)
		return 0;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if ((when = timegm(&tm)) == (time_t)-1)
		return 0;
	return when - (sign == '-' ? -1 : 1) * (oh * 3600 + om * 60);
}

/* The date t in the form the format uses: RFC 822 (RSS 2.0, in English
 * whatever the locale) or RFC 3339 (Atom). */
static void
format_time(int format, time_t t, char *out, size_t cap)
{
	static const char days[] = "SunMonTueWedThuFriSat";
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm;

	if (format == FEED_ATOM) {
		fed_as2_time(t, out, cap);
		return;
	}
	gmtime_r(&t, &tm);
	snprintf(out, cap, "%.3s, %02d %.3s %04d %02d:%02d:%02d +0000",
	    days + 3 * tm.tm_wday, tm.tm_mday, months + 3 * tm.tm_mon,
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* A title for the note: its content warning, else the start of its
 * text (TITLE_MAX characters, on one line). */
static void
title_of(const json_t *note, struct buf *out)
{
	const char *cw = str(note, "summary"), *html = str(note, "content");
	struct buf text;
	size_t i, chars = 0;

	/* A learning post: its title (its summary is an excerpt). */
	if (fed_learning_is(note) && str(note, "name") != NULL) {
		buf_adds(out, str(note, "name"));
		return;
	}
	if (cw != NULL && *cw != '\0') {
		buf_adds(out, cw);
		return;
	}
	buf_init(&text, 64 * 1024);
	if (html != NULL)
		fed_html_text(html, strlen(html), &text);
	for (i = 0; i < text.len && chars <= TITLE_MAX; i++) {
		if (((unsigned char)text.data[i] & 0xc0) != 0x80 &&
		    ++chars > TITLE_MAX)
			break;
		buf_addc(out, text.data[i] == '\n' ? ' ' : text.data[i]);
	}
	if (i < text.len)
		buf_adds(out, "…");
	if (text.len == 0)
		buf_adds(out, "Untitled post");
	buf_free(&text);
}

/* When the note was published and last updated. */
static void
note_times(const json_t *note, const struct st_obj *o, time_t *published,
    time_t *updated)
{
	*published = parse_time(str(note, "published"));
	if (*published == 0)
		*published = (time_t)o->published;
	*updated = parse_time(str(note, "updated"));
	if (*updated < *published)
		*updated = *published;
}

struct item {
	json_t *note;
	struct st_obj o;
	struct st_actor author; /* zeroed when not known */
	time_t published, updated;
	struct buf title;
};

static int
item_load(struct st_txn *t, uint64_t id, struct item *it)
{
	const char *js;
	size_t len;

	memset(it, 0, sizeof(*it));
	if (st_object_peek(t, id, &it->o, &js, &len) != 0 ||
	    (it->note = json_loadb(js, len, 0, NULL)) == NULL)
		return -1;
	if (st_actor_get(t, it->o.owner, &it->author) != 0)
		memset(&it->author, 0, sizeof(it->author));
	note_times(it->note, &it->o, &it->published, &it->updated);
	buf_init(&it->title, 0);
	title_of(it->note, &it->title);
	return 0;
}

static void
item_free(struct item *it)
{
	json_decref(it->note);
	st_actor_clear(&it->author);
	buf_free(&it->title);
}

static const char *
author_name(const struct item *it)
{
	if (it->author.display_name != NULL && *it->author.display_name)
		return it->author.display_name;
	return it->author.name ? it->author.name : "";
}

/* The note's hashtags (names without '#') as categories. */
static void
categories(struct buf *b, int format, const json_t *note)
{
	const json_t *tag;
	const char *name;
	size_t i;

	json_array_foreach(json_object_get(note, "tag"), i, tag)
	{
		name = str(tag, "name");
		if (name == NULL ||
		    strcmp(str(tag, "type") ? str(tag, "type") : "",
			"Hashtag") != 0)
			continue;
		name += name[0] == '#';
		if (format == FEED_ATOM) {
			buf_adds(b, "<category term=\"");
			xml(b, name);
			buf_adds(b, "\"/>\n");
		} else
			element(b, "category", name);
	}
}

static void
rss_item(struct buf *b, const struct item *it)
{
	const char *id = str(it->note, "id"), *url = str(it->note, "url");
	char when[64];

	if (url == NULL)
		url = id;
	buf_adds(b, "<item>\n");
	buf_adds(b, "<title>");
	buf_add_xml(b, it->title.data ? it->title.data : "", it->title.len);
	buf_adds(b, "</title>\n");
	element(b, "link", url);
	buf_printf(b, "<guid isPermaLink=\"%s\">",
	    url != NULL && id != NULL && !strcmp(url, id) ? "true" : "false");
	xml(b, id);
	buf_adds(b, "</guid>\n");
	format_time(FEED_RSS, it->published, when, sizeof(when));
	element(b, "pubDate", when);
	format_time(FEED_ATOM, it->updated, when, sizeof(when));
	element(b, "atom:updated", when);
	element(b, "dc:creator", author_name(it));
	/* The sanitized HTML, escaped: readers unescape it once. */
	element(b, "description", str(it->note, "content"));
	categories(b, FEED_RSS, it->note);
	buf_adds(b, "</item>\n");
}

static void
atom_entry(struct buf *b, const struct item *it)
{
	const char *id = str(it->note, "id"), *url = str(it->note, "url");
	char when[64];

	buf_adds(b, "<entry>\n");
	element(b, "id", id);
	buf_adds(b, "<title type=\"text\">");
	buf_add_xml(b, it->title.data ? it->title.data : "", it->title.len);
	buf_adds(b,
	    "</title>\n<link rel=\"alternate\" type=\"text/html\" "
	    "href=\"");
	xml(b, url ? url : id);
	buf_adds(b, "\"/>\n");
	format_time(FEED_ATOM, it->published, when, sizeof(when));
	element(b, "published", when);
	format_time(FEED_ATOM, it->updated, when, sizeof(when));
	element(b, "updated", when);
	buf_adds(b, "<author>\n");
	element(b, "name", author_name(it));
	if (it->author.iri != NULL)
		element(b, "uri", it->author.iri);
	buf_adds(b, "</author>\n<content type=\"html\">");
	xml(b, str(it->note, "content"));
	buf_adds(b, "</content>\n");
	categories(b, FEED_ATOM, it->note);
	buf_adds(b, "</entry>\n");
}

static void
head(struct buf *b, const struct feed *f, time_t updated)
{
	char when[64];

	format_time(f->format, updated, when, sizeof(when));
	buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	if (f->format == FEED_ATOM) {
		buf_adds(b,
		    "<feed xmlns=\"http://www.w3.org/2005/Atom\" "
		    "xml:lang=\"en\">\n");
		element(b, "id", f->self);
		element(b, "title", f->title);
		element(b, "subtitle", f->description);
		buf_adds(
		    b, "<link rel=\"alternate\" type=\"text/html\" href=\"");
		xml(b, f->link);
		buf_adds(b,
		    "\"/>\n<link rel=\"self\" "
		    "type=\"application/atom+xml\" href=\"");
		xml(b, f->self);
		buf_adds(b, "\"/>\n");
		element(b, "updated", when);
		element(b, "generator", "hub");
		return;
	}
	buf_adds(b,
	    "<rss version=\"2.0\" "
	    "xmlns:atom=\"http://www.w3.org/2005/Atom\" "
	    "xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"
	    "<channel>\n");
	element(b, "title", f->title);
	element(b, "link", f->link);
	buf_adds(b,
	    "<atom:link rel=\"self\" type=\"application/rss+xml\" "
	    "href=\"");
	xml(b, f->self);
	buf_adds(b, "\"/>\n");
	element(b, "description", f->description);
	element(b, "language", "en");
	element(b, "lastBuildDate", when);
	element(b, "generator", "hub");
}

void
feed_write(struct st_txn *t, const struct feed *f, struct buf *out)
{
	struct item items[FEED_ITEMS];
	time_t updated = (time_t)f->since;
	int i, n = 0;

	for (i = 0; i < f->n && i < FEED_ITEMS; i++)
		if (item_load(t, f->notes[i], &items[n]) == 0)
			n++;
		else
			item_free(&items[n]);
	for (i = 0; i < n; i++)
		if (items[i].updated > updated)
			updated = items[i].updated;
	head(out, f, updated);
	for (i = 0; i < n; i++) {
		if (f->format == FEED_ATOM)
			atom_entry(out, &items[i]);
		else
			rss_item(out, &items[i]);
		item_free(&items[i]);
	}
	buf_adds(
	    out, f->format == FEED_ATOM ? "</feed>\n" : "</channel>\n</rss>\n");
}
