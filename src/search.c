#include "search.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "block.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "fed_as2.h"
#include "fed_fetch.h"
#include "fed_learning.h"
#include "hub.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_object.h"
#include "st_search.h"
#include "text.h"
#include "topics.h"

#define EXCERPT_CHARS 240
#define TITLE_CHARS   100

/* The terms of a query being built: words first, then filters. */
struct terms {
	struct st_search_q q;
	char s[ST_SEARCH_Q_TERMS][ST_SEARCH_TERM_MAX + 24];
	int words;
};

static int
add_term(struct terms *t, const char *s, size_t n, int word)
{
	int i;

	for (i = 0; i < t->q.nterms; i++)
		if (strlen(t->s[i]) == n && !memcmp(t->s[i], s, n))
			return 0; /* once is enough */
	if (t->q.nterms == ST_SEARCH_Q_TERMS || n >= sizeof(t->s[0]))
		return -1;
	memcpy(t->s[t->q.nterms], s, n);
	t->s[t->q.nterms][n] = '\0';
	t->q.terms[t->q.nterms] = t->s[t->q.nterms];
	if (word)
		t->q.words |= 1u << t->q.nterms;
	t->q.nterms++;
	return 0;
}

static int
add_word(void *ctx, const char *w, size_t n)
{
	struct terms *t = ctx;
	int before = t->q.nterms;

	if (add_term(t, w, n, 1) != 0 || t->words > SEARCH_WORDS)
		return t->words = SEARCH_WORDS + 1;
	t->words += t->q.nterms > before;
	return 0;
}

static int
bad(const char **field, const char *name, struct err *e, const char *msg)
{
	*field = name;
	err_set(e, "%s", msg);
	return -1;
}

static int
words_of(const struct search_req *rq, struct terms *t, const char **field,
    struct err *e)
{
	if (rq->q == NULL)
		return 0;
	if (!text_utf8_valid(rq->q, strlen(rq->q)))
		return bad(field, "q", e,
		    "your search has characters we cannot read: type it "
		    "again, or paste it as plain text");
	if (strlen(rq->q) > SEARCH_Q_BYTES ||
	    text_utf8_chars(rq->q) > SEARCH_Q_CHARS)
		return bad(field, "q", e,
		    "your search is too long: use at most 200 characters");
	st_search_words(rq->q, strlen(rq->q), 0, add_word, t);
	if (t->words > SEARCH_WORDS)
		return bad(field, "q", e,
		    "your search has too many words: use at most 8 that "
		    "matter most");
	return 0;
}

static int
dates_of(const struct search_req *rq, struct terms *t, const char **field,
    struct err *e)
{
	static const char *const msg = "write the date as year-month-day, "
				       "for example 2026-03-31";

	if (rq->from != NULL && rq->from[0] != '\0' &&
	    text_date_parse(rq->from, &t->q.from) != 0)
		return bad(field, "from", e, msg);
	if (rq->to != NULL && rq->to[0] != '\0') {
		if (text_date_parse(rq->to, &t->q.to) != 0)
			return bad(field, "to", e, msg);
		t->q.to += 86399; /* the whole day */
	}
	if (t->q.from && t->q.to && t->q.from > t->q.to)
		return bad(field, "to", e,
		    "the end date is before the start date: swap them");
	return 0;
}

/* The actor a filter names: a local name (with or without @ and this
 * hub's host), @name@host of a known remote actor, or an IRI. */
static int
actor_named(struct hub *h, struct st_txn *t, const char *s, uint64_t *id)
{
	char key[400];
	const char *at;
	size_t i;

	if (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7))
		return st_iri_get(t, s, id);
	s += *s == '@';
	at = strchr(s, '@');
	if (at != NULL && strcasecmp(at + 1, h->cfg->host) != 0)
		snprintf(key, sizeof(key), "acct:%s", s);
	else
		snprintf(key, sizeof(key), "%.*s",
		    at ? (int)(at - s) : (int)strlen(s), s);
	for (i = 0; key[i] != '\0'; i++)
		key[i] = (char)tolower((unsigned char)key[i]);
	return at != NULL && strncmp(key, "acct:", 5) == 0
	    ? st_iri_get(t, key, id)
	    : st_name_get(t, key, id);
}

/* The author of id, when its content may be shown: not deleted,
 * disabled or of a blocked server. */
static int
shown_author(struct st_txn *t, uint64_t id, struct st_actor *a)
{
	if (st_actor_get(t, id, a) != 0)
		return -1;
	if ((a->flags & (ST_AF_DELETED | ST_AF_DISABLED | ST_AF_PENDING)) ||
	    (!(a->flags & ST_AF_LOCAL) && hub_url_blocked(t, a->iri))) {
		st_actor_clear(a);
		return -1;
	}
	return 0;
}

/* A cache of authors shown_author() said yes or no to, for
 * st_search_run's keep(): a window's matches share authors. */
#define AUTHOR_CACHE 1024

struct authors {
	uint64_t id[AUTHOR_CACHE];
	unsigned char ok[AUTHOR_CACHE];
};

static int
author_keep(void *ctx, struct st_txn *t, uint64_t doc, uint64_t author)
{
	struct authors *c = ctx;
	size_t i = (size_t)(author % AUTHOR_CACHE);
	struct st_actor a;

	(void)doc;
	if (author == 0 || c->id[i] != author) {
		c->id[i] = author;
		c->ok[i] = shown_author(t, author, &a) == 0;
		if (c->ok[i])
			st_actor_clear(&a);
	}
	return c->ok[i];
}

static int
who_of(struct hub *h, struct st_txn *t, const char *s, const char *prefix,
    int group, struct terms *q)
{
	struct st_actor a;
	char term[40];
	uint64_t id;
	int ok;

	/* One whose content is hidden is no one: the same answer. */
	if (strlen(s) > 500 || actor_named(h, t, s, &id) != 0 ||
	    shown_author(t, id, &a) != 0)
		return -1;
	ok = group ? a.kind == ST_AK_GROUP : 1;
	st_actor_clear(&a);
	if (!ok)
		return -1;
	snprintf(
	    term, sizeof(term), "%s%016llx", prefix, (unsigned long long)id);
	return add_term(q, term, strlen(term), 0);
}

static int
filters_of(struct hub *h, const struct topics *topics, struct st_txn *t,
    const struct search_req *rq, struct terms *q, const char **field,
    struct err *e)
{
	const struct topic *tp;
	char term[80];
	size_t i;

	if (rq->topic && rq->topic[0]) {
		if ((tp = topics ? topics_by_slug(topics, rq->topic) : NULL) ==
		    NULL)
			return bad(field, "topic", e,
			    "there is no such topic: choose one from the "
			    "list");
		term[0] = '#';
		for (i = 0; tp->hashtag[i] && i < ST_SEARCH_TERM_MAX; i++)
			term[i + 1] =
			    (char)tolower((unsigned char)tp->hashtag[i]);
		add_term(q, term, i + 1, 0);
	}
	if (rq->type && rq->type[0]) {
		if (fed_learning_term(fed_learning_types, rq->type) == NULL)
			return bad(field, "type", e,
			    "there is no such content type: choose one from "
			    "the list");
		snprintf(term, sizeof(term), "%s%s", ST_ST_TYPE, rq->type);
		add_term(q, term, strlen(term), 0);
	}
	if (rq->community && rq->community[0] &&
	    who_of(h, t, rq->community, ST_ST_COMM, 1, q) != 0)
		return bad(field, "community", e,
		    "there is no community of that name here: check the "
		    "name, or leave it empty");
	if (rq->author && rq->author[0] &&
	    who_of(h, t, rq->author, ST_ST_AUTHOR, 0, q) != 0)
		return bad(field, "author", e,
		    "we know no one of that name here: use a member's name "
		    "or @name@server, or leave it empty");
	return dates_of(rq, q, field, e);
}

/* ---- ranking ---- */

static int
cmp_rank(const void *x, const void *y)
{
	const struct st_search_hit *a = x, *b = y;

	if (a->title_hits != b->title_hits)
		return b->title_hits - a->title_hits;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

/* ---- results ---- */

/* Plain text of stored (sanitized) HTML, or of plain text: tags
 * dropped, common entities decoded, white space folded, at most max
 * characters (then an ellipsis). */
static void
plain(struct buf *b, const char *s, int html, size_t max)
{
	static const struct {
		const char *ent, *ch;
	} ents[] = { { "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" },
		{ "&quot;", "\"" }, { "&#39;", "'" }, { "&#x27;", "'" },
		{ "&nbsp;", " " } };
	size_t chars = 0, i;
	int space = 1;

	if (s == NULL)
		s = "";
	while (*s != '\0' && chars < max) {
		if (html && *s == '<') {
			while (*s != '\0' && *s != '>')
				s++;
			s += *s == '>';
			if (!space)
				buf_addc(b, ' '), chars++;
			space = 1;
			continue;
		}
		for (i = 0;
		     html && *s == '&' && i < sizeof(ents) / sizeof(*ents); i++)
			if (!strncmp(s, ents[i].ent, strlen(ents[i].ent)))
				break;
		if (html && *s == '&' && i < sizeof(ents) / sizeof(*ents)) {
			buf_adds(b, ents[i].ch);
			s += strlen(ents[i].ent);
			chars++;
			space = 0;
		} else if (isspace((unsigned char)*s)) {
			if (!space)
				buf_addc(b, ' '), chars++;
			space = 1;
			s++;
		} else {
			chars += ((unsigned char)*s & 0xC0) != 0x80;
			buf_addc(b, *s++);
			space = 0;
		}
	}
	while (((unsigned char)*s & 0xC0) == 0x80)
		buf_addc(b, *s++); /* finish the character */
	while (b->len > 0 && b->data[b->len - 1] == ' ')
		b->len--;
	if (*s != '\0')
		buf_adds(b, "\xe2\x80\xa6");
	buf_addc(b, '\0');
	b->len--;
}

static json_t *
text_json(const char *s, int html, size_t max)
{
	struct buf b;
	json_t *v;

	buf_init(&b, 0);
	plain(&b, s, html, max);
	v = json_string(b.failed || b.data == NULL ? "" : b.data);
	buf_free(&b);
	return v;
}

/* "@name@host" of a into out. */
static void
handle_of(const struct st_actor *a, char *out, size_t cap)
{
	char host[256];

	fed_url_host(a->iri, host, sizeof(host));
	snprintf(out, cap, "@%s@%s", a->name, host);
}

static json_t *
who_json(const struct st_actor *a)
{
	char handle[400];

	handle_of(a, handle, sizeof(handle));
	return json_pack("{s:s,s:s,s:s}", "name",
	    a->display_name && a->display_name[0] ? a->display_name : a->name,
	    "handle", handle, "id", a->iri ? a->iri : "");
}

static json_t *
actor_result(struct st_txn *t, uint64_t id)
{
	struct st_actor a;
	char when[32];
	json_t *r;

	if (shown_author(t, id, &a) != 0)
		return NULL;
	fed_as2_time((time_t)a.created, when, sizeof(when));
	r = json_pack("{s:s,s:s,s:o,s:o,s:n,s:n,s:s,s:n,s:s,s:b}", "id",
	    a.iri ? a.iri : "", "type",
	    a.kind == ST_AK_GROUP ? "community" : "member", "title",
	    json_string(
		a.display_name && a.display_name[0] ? a.display_name : a.name),
	    "excerpt",
	    text_json(a.summary, !(a.flags & ST_AF_LOCAL), EXCERPT_CHARS),
	    "author", "community", "published", when, "content_type", "url",
	    a.url && a.url[0] ? a.url
		: a.iri	      ? a.iri
			      : "",
	    "local", (a.flags & ST_AF_LOCAL) != 0);
	if (r != NULL) { /* its handle, to show under its name */
		char handle[400];

		handle_of(&a, handle, sizeof(handle));
		json_object_set_new(r, "handle", json_string(handle));
	}
	st_actor_clear(&a);
	return r;
}

/* The note's title: its name (plain text), or the first words of its
 * content (HTML, local or not: tags dropped, entities decoded). */
static json_t *
title_json(const json_t *note)
{
	const char *name = json_string_value(json_object_get(note, "name"));

	if (name != NULL && name[0] != '\0')
		return text_json(name, 0, TITLE_CHARS);
	return text_json(
	    json_string_value(json_object_get(note, "content")), 1, 80);
}

static json_t *
note_result(struct st_txn *t, uint64_t id)
{
	struct st_search_doc d;
	struct st_actor a, g;
	struct st_obj o;
	const char *js, *url, *summary;
	char when[32];
	json_t *note, *r = NULL;
	size_t len;

	if (st_search_doc_get(t, id, &d) != 0 ||
	    st_object_peek(t, id, &o, &js, &len) != 0 || o.kind != ST_K_NOTE ||
	    shown_author(t, o.owner, &a) != 0)
		return NULL;
	if ((note = json_loadb(js, len, 0, NULL)) == NULL)
		goto out;
	url = json_string_value(json_object_get(note, "url"));
	if (url == NULL || strncmp(url, "http", 4) != 0)
		url = json_string_value(json_object_get(note, "id"));
	summary = json_string_value(json_object_get(note, "summary"));
	fed_as2_time((time_t)d.published, when, sizeof(when));
	r = json_pack("{s:s?,s:s,s:o,s:o,s:o,s:s,s:s?,s:s?,s:b}", "id",
	    json_string_value(json_object_get(note, "id")), "type",
	    d.kind == ST_SK_LEARNING ? "learning" : "note", "title",
	    title_json(note), "excerpt",
	    d.kind == ST_SK_LEARNING && summary != NULL
		? text_json(summary, 0, EXCERPT_CHARS)
		: text_json(json_string_value(json_object_get(note, "content")),
		      1, EXCERPT_CHARS),
	    "author", who_json(&a), "published", when, "content_type",
	    d.ctype[0] ? d.ctype : NULL, "url", url, "local",
	    (o.flags & ST_OF_LOCAL) != 0);
	if (r != NULL && d.community != 0 &&
	    st_search_in_community(t, id, d.author, d.community) &&
	    st_actor_get(t, d.community, &g) == 0) {
		json_object_set_new(r, "community", who_json(&g));
		st_actor_clear(&g);
	} else if (r != NULL)
		json_object_set_new(r, "community", json_null());
	json_decref(note);
out:
	st_actor_clear(&a);
	return r;
}

/* The page of the ranked hits from rq's offset: results, and where the
 * next page starts (-1: none). Hidden authors' hits were left out by
 * the scan (author_keep), so offsets count only what may be shown. */
static json_t *
page_of(struct st_txn *t, const struct search_req *rq,
    const struct st_search_hit *hits, int n, int limit, int *next)
{
	json_t *results = json_array(), *r;
	int i;

	*next = rq->offset + limit < n ? rq->offset + limit : -1;
	for (i = rq->offset; i < n && i < rq->offset + limit; i++) {
		r = hits[i].kind == 'A' ? actor_result(t, hits[i].id)
					: note_result(t, hits[i].id);
		if (r != NULL)
			json_array_append_new(results, r);
	}
	return results;
}

static int
limits_of(
    const struct search_req *rq, int *limit, const char **field, struct err *e)
{
	*limit = rq->limit ? rq->limit : SEARCH_LIMIT;
	if (*limit < 1 || *limit > SEARCH_LIMIT_MAX)
		return bad(field, "limit", e,
		    "ask for between 1 and 50 results at a time");
	if (rq->offset < 0 || rq->offset >= SEARCH_WINDOW)
		return bad(field, "offset", e,
		    "that page is beyond the 1,000 best matches: add words or "
		    "filters to narrow the search");
	return 0;
}

json_t *
search_run(struct hub *h, const struct topics *topics, struct st_txn *t,
    const struct search_req *rq, const char **field, struct err *e)
{
	struct st_search_hit *hits;
	struct authors *seen;
	struct terms q;
	json_t *out;
	int n, i, more = 0, limit, next;

	*field = NULL;
	memset(&q, 0, sizeof(q));
	if (limits_of(rq, &limit, field, e) != 0 ||
	    words_of(rq, &q, field, e) != 0 ||
	    filters_of(h, topics, t, rq, &q, field, e) != 0)
		return NULL;
	q.q.viewer = rq->viewer;
	q.q.without = rq->people ? 0 : ST_SB_ACTOR;
	q.q.need = rq->people ? ST_SB_ACTOR : 0;
	hits = calloc(SEARCH_WINDOW, sizeof(*hits));
	if ((seen = calloc(1, sizeof(*seen))) == NULL || hits == NULL) {
		free(hits);
		free(seen);
		return err_set(e, "the hub is out of memory"), NULL;
	}
	q.q.keep = author_keep;
	q.q.keep_ctx = seen;
	n = q.q.nterms == 0
	    ? 0
	    : st_search_run(t, &q.q, hits, SEARCH_WINDOW, &more);
	free(seen);
	if (n < 0) {
		free(hits);
		err_set(
		    e, "the search index cannot be read: %s", st_strerror(n));
		return NULL;
	}
	for (i = 0; i < n; i++)
		hits[i].kind = rq->people ? 'A' : 'N';
	qsort(hits, (size_t)n, sizeof(*hits), cmp_rank);
	out = json_pack("{s:s,s:o,s:b}", "query", rq->q ? rq->q : "", "results",
	    page_of(t, rq, hits, n, limit, &next), "window_full", more);
	free(hits);
	if (out == NULL ||
	    json_object_set_new(out, "next",
		next >= 0 ? json_integer(next) : json_null()) != 0) {
		json_decref(out);
		return err_set(e, "the hub is out of memory"), NULL;
	}
	return out;
}
