#include "st_search.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "st_actor.h"
#include "st_db.h"
#include "st_enc.h"
#include "st_follow.h"
#include "st_internal.h"
#include "st_object.h"
#include "st_social.h"

/* ---- the tokenizer ---- */

/* Short English stop words: too common to narrow a search. Sorted, for
 * bsearch. */
static const char *const stop_words[] = { "about", "after", "all", "also", "am",
	"an", "and", "any", "are", "as", "at", "be", "been", "but", "by", "can",
	"could", "did", "do", "does", "for", "from", "had", "has", "have", "he",
	"her", "his", "how", "if", "in", "into", "is", "it", "its", "me", "my",
	"no", "not", "of", "on", "or", "our", "she", "so", "than", "that",
	"the", "their", "them", "then", "there", "these", "they", "this", "to",
	"too", "us", "was", "we", "were", "what", "when", "which", "who",
	"will", "with", "would", "you", "your" };

static int
cmp_stop(const void *key, const void *elem)
{
	return strcmp(key, *(const char *const *)elem);
}

static int
is_stop(const char *w, size_t n)
{
	char s[8];

	if (n >= sizeof(s))
		return 0;
	memcpy(s, w, n);
	s[n] = '\0';
	return bsearch(s, stop_words, sizeof(stop_words) / sizeof(*stop_words),
		   sizeof(*stop_words), cmp_stop) != NULL;
}

/* Fold a simple English plural: "incidents" -> "incident", "policies"
 * -> "policy"; not "-ss", "-us", "-is" ("process", "status", "sepsis"). */
static size_t
fold_plural(char *w, size_t n)
{
	if (n > 4 && !memcmp(w + n - 3, "ies", 3)) {
		w[n - 3] = 'y';
		return n - 2;
	}
	if (n > 3 && w[n - 1] == 's' && w[n - 2] != 's' && w[n - 2] != 'u' &&
	    w[n - 2] != 'i' && (unsigned char)w[n - 2] < 0x80)
		return n - 1;
	return n;
}

/* Bytes of UTF-8 punctuation at p that split words (0 if none): no-break
 * space, quotes, dashes, the ellipsis and the bullet. */
static size_t
utf8_punct(const unsigned char *p, size_t left)
{
	if (left >= 2 && p[0] == 0xC2 &&
	    (p[1] == 0xA0 || p[1] == 0xAB || p[1] == 0xBB || p[1] == 0xB7))
		return 2;
	if (left >= 3 && p[0] == 0xE2 && p[1] == 0x80 && p[2] >= 0x90 &&
	    p[2] <= 0xBA)
		return 3;
	return 0;
}

/* The character an entity at p stands for, when it is one of the
 * common ones; *skip gets its length. 0: not an entity we know. */
static int
entity(const char *p, size_t left, size_t *skip)
{
	static const struct {
		const char *s;
		char c;
	} ents[] = { { "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' },
		{ "&quot;", '"' }, { "&#39;", '\'' }, { "&#x27;", '\'' },
		{ "&apos;", '\'' }, { "&nbsp;", ' ' } };
	size_t i, n;

	for (i = 0; i < sizeof(ents) / sizeof(*ents); i++) {
		n = strlen(ents[i].s);
		if (n <= left && !memcmp(p, ents[i].s, n)) {
			*skip = n;
			return ents[i].c;
		}
	}
	return 0;
}

struct word {
	char w[ST_SEARCH_TERM_MAX + 4];
	size_t n;
	int (*cb)(void *, const char *, size_t);
	void *ctx;
	int count, stop;
};

/* The length of w[0..n) without a half character at its end (where a
 * longer text was cut). */
static size_t
utf8_whole(const char *w, size_t n)
{
	size_t j, need;
	unsigned char lead;

	if (n == 0)
		return 0;
	for (j = n - 1; j > 0 && ((unsigned char)w[j] & 0xC0) == 0x80; j--)
		;
	lead = (unsigned char)w[j];
	need = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
	return j + need > n ? j : n;
}

/* The word gathered so far (at most ST_SEARCH_TERM_MAX bytes, the rest
 * of a longer one dropped), given to cb if it is one. */
static void
word_end(struct word *s)
{
	size_t n = s->n;

	s->n = 0;
	if (s->stop || n == 0)
		return;
	n = utf8_whole(s->w, n);
	n = fold_plural(s->w, n);
	if (n < 2 || is_stop(s->w, n))
		return;
	s->count++;
	s->stop = s->cb(s->ctx, s->w, n) != 0;
}

static void
word_add(struct word *s, unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		c = (unsigned char)(c - 'A' + 'a');
	if (s->n < ST_SEARCH_TERM_MAX)
		s->w[s->n++] = (char)c;
}

static int
is_word_byte(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z') || c >= 0x80;
}

int
st_search_words(const char *text, size_t len, int html,
    int (*cb)(void *ctx, const char *term, size_t n), void *ctx)
{
	struct word s = { .cb = cb, .ctx = ctx };
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, skip;

	while (i < len && !s.stop) {
		if (html && p[i] == '<') {
			word_end(&s);
			while (i < len && p[i] != '>')
				i++;
			i += i < len;
		} else if (html && p[i] == '&' &&
		    entity(text + i, len - i, &skip) != 0) {
			word_end(&s); /* none of them is a letter */
			i += skip;
		} else if ((skip = utf8_punct(p + i, len - i)) != 0) {
			word_end(&s);
			i += skip;
		} else if (is_word_byte(p[i]))
			word_add(&s, p[i++]);
		else {
			word_end(&s);
			i++;
		}
	}
	word_end(&s);
	return s.count;
}

/* ---- a doc: its metadata and terms ---- */

#define TERM_CAP (ST_SEARCH_TERM_MAX + 24)

struct term {
	uint8_t len, bits;
	char s[TERM_CAP];
};

struct doc {
	char kind;
	uint8_t flags;
	uint64_t published, author, community, group;
	char ctype[ST_SEARCH_CTYPE_MAX + 1];
	struct term *v;
	int n, cap;
	uint8_t bits; /* for doc_word */
};

static void
doc_term(struct doc *d, const char *s, size_t n, uint8_t bits)
{
	struct term *x;

	if (n == 0 || n >= TERM_CAP || memchr(s, '\0', n) != NULL)
		return;
	if (d->n == d->cap) {
		int cap = d->cap ? d->cap * 2 : 64;

		if (d->cap >= ST_SEARCH_DOC_TERMS * 4 ||
		    (x = realloc(d->v, (size_t)cap * sizeof(*x))) == NULL)
			return;
		d->v = x;
		d->cap = cap;
	}
	x = &d->v[d->n++];
	x->len = (uint8_t)n;
	x->bits = bits;
	memcpy(x->s, s, n);
}

static int
doc_word(void *ctx, const char *w, size_t n)
{
	struct doc *d = ctx;

	doc_term(d, w, n, d->bits);
	return d->n >= ST_SEARCH_DOC_TERMS * 4;
}

static void
doc_text(struct doc *d, const char *text, int html, uint8_t bits)
{
	if (text == NULL)
		return;
	d->bits = bits;
	st_search_words(text, strlen(text), html, doc_word, d);
}

static void
doc_meta(struct doc *d, const char *prefix, const char *val, uint64_t id)
{
	char s[TERM_CAP];
	int n;

	if (val != NULL)
		n = snprintf(s, sizeof(s), "%s%s", prefix, val);
	else
		n = snprintf(
		    s, sizeof(s), "%s%016llx", prefix, (unsigned long long)id);
	if (n > 0 && n < (int)sizeof(s))
		doc_term(d, s, (size_t)n, 0);
}

static int
cmp_term(const void *x, const void *y)
{
	const struct term *a = x, *b = y;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->s, b->s, n);

	return c ? c : (int)a->len - (int)b->len;
}

/* Sort, merge duplicates (their bits or'ed), keep the first
 * ST_SEARCH_DOC_TERMS, and flag every term as the doc is flagged. */
static void
doc_finish(struct doc *d)
{
	int i, n = 0;

	if (d->n > 1)
		qsort(d->v, (size_t)d->n, sizeof(*d->v), cmp_term);
	for (i = 0; i < d->n; i++) {
		if (n > 0 && cmp_term(&d->v[n - 1], &d->v[i]) == 0) {
			d->v[n - 1].bits |= d->v[i].bits;
			continue;
		}
		d->v[n++] = d->v[i];
	}
	d->n = n < ST_SEARCH_DOC_TERMS ? n : ST_SEARCH_DOC_TERMS;
	for (i = 0; i < d->n; i++)
		d->v[i].bits |= d->flags;
}

/* Record: version, kind, flags, ctype length, published, author,
 * community, group (be64 each), ctype, be16 term count, then per term
 * its length, bytes and bits. */
#define REC_FIXED 36

static size_t
doc_encode(const struct doc *d, unsigned char *p, size_t cap)
{
	size_t need = REC_FIXED + strlen(d->ctype) + 2, off, cl;
	int i;

	for (i = 0; i < d->n; i++)
		need += 2 + d->v[i].len;
	if (p == NULL || need > cap)
		return need;
	cl = strlen(d->ctype);
	p[0] = 1;
	p[1] = (unsigned char)d->kind;
	p[2] = d->flags;
	p[3] = (unsigned char)cl;
	st_put_be64(p + 4, d->published);
	st_put_be64(p + 12, d->author);
	st_put_be64(p + 20, d->community);
	st_put_be64(p + 28, d->group);
	memcpy(p + REC_FIXED, d->ctype, cl);
	off = REC_FIXED + cl;
	p[off] = (unsigned char)(d->n >> 8);
	p[off + 1] = (unsigned char)d->n;
	off += 2;
	for (i = 0; i < d->n; i++) {
		p[off] = d->v[i].len;
		memcpy(p + off + 1, d->v[i].s, d->v[i].len);
		p[off + 1 + d->v[i].len] = d->v[i].bits;
		off += 2 + d->v[i].len;
	}
	return need;
}

/* Decode the metadata (and with terms set, the terms) of a record. */
static int
doc_decode(const unsigned char *p, size_t n, struct doc *d, int terms)
{
	size_t cl, off;
	int i, nt;

	if (n < REC_FIXED + 2 || p[0] != 1 ||
	    (cl = p[3]) > ST_SEARCH_CTYPE_MAX || n < REC_FIXED + cl + 2)
		return ST_EIO;
	d->kind = (char)p[1];
	d->flags = p[2];
	d->published = st_get_be64(p + 4);
	d->author = st_get_be64(p + 12);
	d->community = st_get_be64(p + 20);
	d->group = st_get_be64(p + 28);
	memcpy(d->ctype, p + REC_FIXED, cl);
	d->ctype[cl] = '\0';
	if (!terms)
		return 0;
	off = REC_FIXED + cl;
	nt = (p[off] << 8) | p[off + 1];
	off += 2;
	for (i = 0; i < nt; i++) {
		if (off >= n || off + 2 + p[off] > n)
			return ST_EIO;
		doc_term(
		    d, (const char *)p + off + 1, p[off], p[off + 1 + p[off]]);
		off += 2 + p[off];
	}
	return 0;
}

/* ---- postings ---- */

/* A posting: be64 doc id, then its bits; a term's postings are sorted
 * duplicates of the term's key (MDB_DUPSORT | MDB_DUPFIXED), so ids
 * ascend and each takes 9 bytes, the term stored once. */
#define POSTING 9

static void
posting(unsigned char *v, uint64_t id, uint8_t bits)
{
	st_put_be64(v, id);
	v[8] = bits;
}

static int
postings(struct st_txn *t, const struct doc *d, uint64_t id, int put)
{
	unsigned char vb[POSTING];
	MDB_val k, v = { POSTING, vb };
	int i, rc = 0;

	for (i = 0; i < d->n && rc == 0; i++) {
		k = (MDB_val){ d->v[i].len, (void *)d->v[i].s };
		posting(vb, id, d->v[i].bits);
		if (put)
			rc = mdb_put(
			    t->txn, st_dbi(t, DBI_SEARCH_TERMS), &k, &v, 0);
		else if ((rc = mdb_del(t->txn, st_dbi(t, DBI_SEARCH_TERMS), &k,
			      &v)) == MDB_NOTFOUND)
			rc = 0;
	}
	return st_from_mdb(rc);
}

static int
same_terms(const struct doc *a, const struct doc *b)
{
	int i;

	if (a->n != b->n)
		return 0;
	for (i = 0; i < a->n; i++)
		if (a->v[i].bits != b->v[i].bits ||
		    cmp_term(&a->v[i], &b->v[i]) != 0)
			return 0;
	return 1;
}

/* The stored doc id (with its terms) into old: 0, or ST_NOTFOUND. */
static int
doc_load(struct st_txn *t, uint64_t id, struct doc *old, int terms)
{
	unsigned char kb[8];
	MDB_val k = { 8, kb }, v;
	int rc;

	st_put_be64(kb, id);
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_SEARCH_DOCS), &k, &v)) != 0)
		return st_from_mdb(rc);
	return doc_decode(v.mv_data, v.mv_size, old, terms);
}

/* Replace doc id's postings and record with d's (NULL: remove them). */
static int
doc_store(struct st_txn *t, uint64_t id, const struct doc *d)
{
	struct doc old = { 0 };
	unsigned char kb[8];
	MDB_val k = { 8, kb }, v;
	int rc, had;

	st_put_be64(kb, id);
	rc = doc_load(t, id, &old, 1);
	if (rc != 0 && rc != ST_NOTFOUND)
		goto out;
	had = rc == 0;
	if (d != NULL && had && same_terms(&old, d))
		rc = 0; /* metadata only */
	else if ((rc = had ? postings(t, &old, id, 0) : 0) == 0 && d != NULL)
		rc = postings(t, d, id, 1);
	if (rc != 0)
		goto out;
	if (d == NULL) {
		rc = had ? st_from_mdb(mdb_del(
			       t->txn, st_dbi(t, DBI_SEARCH_DOCS), &k, NULL))
			 : 0;
		goto out;
	}
	v.mv_size = doc_encode(d, NULL, 0);
	if ((rc = mdb_put(
		 t->txn, st_dbi(t, DBI_SEARCH_DOCS), &k, &v, MDB_RESERVE)) == 0)
		doc_encode(d, v.mv_data, v.mv_size);
	rc = st_from_mdb(rc);
out:
	free(old.v);
	return rc;
}

int
st_search_drop(struct st_txn *t, uint64_t id)
{
	return doc_store(t, id, NULL);
}

void
st_search_enable(struct st_db *db, int on)
{
	db->search_off = !on;
}

/* ---- notes ---- */

static const char *
jstr(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Whether the list (string or array) at key of doc holds iri. */
static int
listed(const json_t *doc, const char *key, const char *iri)
{
	const json_t *l = json_object_get(doc, key), *v;
	size_t i;

	if (json_is_string(l))
		return !strcmp(json_string_value(l), iri);
	json_array_foreach(l, i, v)
	{
		if (json_is_string(v) && !strcmp(json_string_value(v), iri))
			return 1;
	}
	return 0;
}

/* A direct note to a community's members only (to its followers
 * collection): *group gets the community's id. */
static int
members_only(struct st_txn *t, const json_t *doc, uint64_t *group)
{
	const char *aud = jstr(doc, "audience");
	char members[600];

	if (aud == NULL ||
	    snprintf(members, sizeof(members), "%s/followers", aud) >=
		(int)sizeof(members) ||
	    (!listed(doc, "to", members) && !listed(doc, "cc", members)))
		return 0;
	return st_iri_get(t, aud, group) == 0;
}

/* A content type slug: [a-z0-9-], at most ST_SEARCH_CTYPE_MAX bytes. */
static void
content_type(const json_t *doc, char *out)
{
	const char *s = jstr(json_object_get(doc, "learning"), "contentType");
	size_t i;

	out[0] = '\0';
	if (s == NULL || strlen(s) > ST_SEARCH_CTYPE_MAX)
		return;
	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return;
	memcpy(out, s, i + 1);
}

/* Each Hashtag: "#tag" (lowercased, cut) and its words. */
static void
note_tags(struct doc *d, const json_t *doc)
{
	char s[TERM_CAP];
	const json_t *tag;
	const char *name;
	size_t i, n;

	json_array_foreach(json_object_get(doc, "tag"), i, tag)
	{
		name = jstr(tag, "name");
		if (name == NULL || name[0] != '#' ||
		    (jstr(tag, "type") && strcmp(jstr(tag, "type"), "Hashtag")))
			continue;
		s[0] = '#';
		for (n = 1; name[n] != '\0' && n <= ST_SEARCH_TERM_MAX; n++)
			s[n] = (char)(name[n] >= 'A' && name[n] <= 'Z'
				? name[n] - 'A' + 'a'
				: name[n]);
		n = utf8_whole(s, n); /* no half character at the end */
		if (n > 2)
			doc_term(d, s, n, ST_SB_TAG);
		doc_text(d, name + 1, 0, ST_SB_TAG);
	}
}

/* When the note says it was published (a remote one was stored when it
 * came): its "published", if it is a time no later than that. */
static uint64_t
published_of(const struct st_obj *o, const json_t *doc)
{
	const char *s = jstr(doc, "published");
	struct tm tm = { 0 };
	time_t v;

	if (s == NULL || strptime(s, "%Y-%m-%dT%H:%M:%S", &tm) == NULL ||
	    (v = timegm(&tm)) <= 0 || (uint64_t)v > o->published)
		return o->published;
	return (uint64_t)v;
}

/* The doc of note o (parsed as doc); 0 when it is not to be indexed. */
static int
note_doc(
    struct st_txn *t, const struct st_obj *o, const json_t *doc, struct doc *d)
{
	int html = !(o->flags & ST_OF_LOCAL);
	const char *aud = jstr(doc, "audience");

	if (o->vis == ST_VIS_DIRECT && members_only(t, doc, &d->group))
		d->flags = ST_SB_MEMBERS;
	else if (o->vis != ST_VIS_PUBLIC && o->vis != ST_VIS_UNLISTED)
		return 0;
	d->kind = json_is_object(json_object_get(doc, "learning"))
	    ? ST_SK_LEARNING
	    : ST_SK_NOTE;
	d->published = published_of(o, doc);
	d->author = o->owner;
	if (aud != NULL && st_iri_get(t, aud, &d->community) != 0)
		d->community = 0;
	content_type(doc, d->ctype);
	doc_text(d, jstr(doc, "name"), 0, ST_SB_TITLE);
	doc_text(d, jstr(doc, "summary"), html, ST_SB_BODY);
	doc_text(d, jstr(doc, "content"), 1, ST_SB_BODY);
	note_tags(d, doc);
	doc_meta(d, ST_ST_KIND, (char[]){ d->kind, '\0' }, 0);
	if (d->ctype[0] != '\0')
		doc_meta(d, ST_ST_TYPE, d->ctype, 0);
	doc_meta(d, ST_ST_AUTHOR, NULL, d->author);
	if (d->community != 0)
		doc_meta(d, ST_ST_COMM, NULL, d->community);
	doc_finish(d);
	return 1;
}

int
st_search_note_doc(struct st_txn *t, const struct st_obj *o, const json_t *doc,
    const char *json, size_t len)
{
	struct doc d = { 0 }, old = { 0 };
	json_t *own = NULL;
	int rc;

	if (t->db->search_off || o->kind == ST_K_ACTOR)
		return 0;
	if (o->kind != ST_K_NOTE) {
		/* A Tombstone (or anything) over an indexed note. */
		if (doc_load(t, o->id, &old, 0) != 0 ||
		    old.kind == ST_SK_PERSON || old.kind == ST_SK_GROUP)
			return 0;
		return st_search_drop(t, o->id);
	}
	/* The caller's parsed document, when it has one: a note is not
	 * parsed again on every store. */
	if (doc == NULL && (doc = own = json_loadb(json, len, 0, NULL)) == NULL)
		return st_search_drop(t, o->id);
	rc = note_doc(t, o, doc, &d) ? doc_store(t, o->id, &d)
				     : st_search_drop(t, o->id);
	json_decref(own);
	free(d.v);
	return rc;
}

int
st_search_note(
    struct st_txn *t, const struct st_obj *o, const char *json, size_t len)
{
	return st_search_note_doc(t, o, NULL, json, len);
}

int
st_search_actor(struct st_txn *t, const struct st_actor *a)
{
	struct doc d = { 0 };
	int rc, html = !(a->flags & ST_AF_LOCAL);

	if (t->db->search_off)
		return 0;
	if ((a->kind != ST_AK_PERSON && a->kind != ST_AK_GROUP) ||
	    (a->flags & (ST_AF_DELETED | ST_AF_DISABLED | ST_AF_PENDING)))
		return st_search_drop(t, a->id);
	d.kind = a->kind == ST_AK_GROUP ? ST_SK_GROUP : ST_SK_PERSON;
	d.flags = ST_SB_ACTOR;
	d.published = a->created;
	d.author = a->id;
	doc_text(&d, a->name, 0, ST_SB_TITLE);
	doc_text(&d, a->display_name, 0, ST_SB_TITLE);
	doc_text(&d, a->summary, html, ST_SB_BODY);
	doc_meta(&d, ST_ST_KIND, (char[]){ d.kind, '\0' }, 0);
	doc_finish(&d);
	rc = doc_store(t, a->id, &d);
	free(d.v);
	return rc;
}

int
st_search_doc_get(struct st_txn *t, uint64_t id, struct st_search_doc *out)
{
	struct doc d = { 0 };
	int rc;

	if ((rc = doc_load(t, id, &d, 0)) != 0)
		return rc;
	out->kind = d.kind;
	out->flags = d.flags;
	out->published = d.published;
	out->author = d.author;
	out->community = d.community;
	out->group = d.group;
	memcpy(out->ctype, d.ctype, sizeof(out->ctype));
	return 0;
}

/* ---- the migration ---- */

static int
backfill_notes(struct st_txn *t)
{
	MDB_cursor *c;
	MDB_val k, v;
	struct st_obj o;
	int rc;

	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_OBJECTS), &c)) != 0)
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const char *js;
		size_t len;

		if (k.mv_size != 8 ||
		    ((unsigned char *)v.mv_data)[0] != ST_K_NOTE)
			continue;
		if ((rc = st_object_peek(
			 t, st_get_be64(k.mv_data), &o, &js, &len)) != 0 ||
		    (rc = st_search_note(t, &o, js, len)) != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

static int
backfill_actors(struct st_txn *t)
{
	struct st_actor a;
	MDB_cursor *c;
	MDB_val k, v;
	int rc;

	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_ACTORS), &c)) != 0)
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		if (k.mv_size != 8 ||
		    st_actor_decode(
			v.mv_data, v.mv_size, st_get_be64(k.mv_data), &a) != 0)
			continue;
		rc = st_search_actor(t, &a);
		st_actor_clear(&a);
		if (rc != 0)
			break;
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

int
st_search_backfill(struct st_txn *t)
{
	int rc;

	if ((rc = backfill_notes(t)) != 0)
		return rc;
	return backfill_actors(t);
}

/* ---- queries ---- */

/* A cursor over one term's postings, moving backwards. */
struct plist {
	MDB_cursor *c;
	const char *term;
	size_t n;
	uint64_t id; /* where it stands; valid when at is set */
	uint8_t bits;
	int at, done;
	int word;     /* a word of the query (counts title hits) */
	size_t count; /* its postings */
};

/* p stands on the posting v (of its term). */
static int
on_posting(struct plist *p, const MDB_val *v)
{
	if (v->mv_size != POSTING)
		return 0;
	p->id = st_get_be64(v->mv_data);
	p->bits = ((const unsigned char *)v->mv_data)[8];
	p->at = 1;
	return 1;
}

/* Move p to its newest posting with id <= target: 1 when there, 0 when
 * it has none, or a negative code. Cursor moves are counted in *steps.
 * Targets only go down, so a list that steps off its term's first
 * posting is done. */
static int
plist_seek(struct plist *p, uint64_t target, long *steps)
{
	unsigned char vb[POSTING];
	MDB_val k = { p->n, (void *)p->term }, v;
	int rc;

	if (p->at && p->id <= target)
		return 1;
	if (p->done)
		return 0;
	(*steps)++;
	if (p->at) { /* the usual case: the one before will do */
		rc = mdb_cursor_get(p->c, &k, &v, MDB_PREV_DUP);
		if (rc == MDB_NOTFOUND)
			return p->done = 1, p->at = 0;
		if (rc != 0)
			return st_from_mdb(rc);
		if (on_posting(p, &v) && p->id <= target)
			return 1;
		(*steps)++;
	}
	/* Else jump: the first posting above target, then one back; or,
	 * when none is above it, the last. */
	k = (MDB_val){ p->n, (void *)p->term };
	posting(vb, target == UINT64_MAX ? target : target + 1, 0);
	v = (MDB_val){ POSTING, vb };
	if (target == UINT64_MAX)
		rc = MDB_NOTFOUND;
	else
		rc = mdb_cursor_get(p->c, &k, &v, MDB_GET_BOTH_RANGE);
	if (rc == 0)
		rc = mdb_cursor_get(p->c, &k, &v, MDB_PREV_DUP);
	else if (rc == MDB_NOTFOUND) {
		k = (MDB_val){ p->n, (void *)p->term };
		rc = mdb_cursor_get(p->c, &k, &v, MDB_SET_KEY);
		if (rc == 0)
			rc = mdb_cursor_get(p->c, &k, &v, MDB_LAST_DUP);
	}
	if (rc == 0 && on_posting(p, &v) && p->id <= target)
		return 1;
	p->at = 0;
	p->done = 1;
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

/* Whether group is a local actor: 1, 0, or -1 when unknown (cached in
 * c: a query's matches are mostly of one or two communities). */
struct gcache {
	uint64_t id;
	int local;
};

static int
group_local(struct st_txn *t, uint64_t group, struct gcache *c)
{
	struct st_actor g;
	int local;

	if (c != NULL && c->id == group && group != 0)
		return c->local;
	if (st_actor_get(t, group, &g) != 0)
		return -1;
	local = (g.flags & ST_AF_LOCAL) != 0;
	st_actor_clear(&g);
	if (c != NULL) {
		c->id = group;
		c->local = local;
	}
	return local;
}

static int
in_community(struct st_txn *t, uint64_t note, uint64_t author, uint64_t group,
    struct gcache *c)
{
	int local = group != 0 ? group_local(t, group, c) : -1;

	if (local < 0)
		return 0;
	if (!local || author == group)
		return 1;
	return st_react_get(t, note, ST_REACT_ANNOUNCE, group, NULL) == 0;
}

int
st_search_in_community(
    struct st_txn *t, uint64_t note, uint64_t author, uint64_t group)
{
	return in_community(t, note, author, group, NULL);
}

/* What passes() needs besides the query. */
struct scan {
	int comm; /* the query names a community (ST_ST_COMM) */
	struct gcache gc;
};

/* Whether the doc all lists stand on passes the filters the postings
 * cannot answer: the date range, a community that took the post in,
 * members-only content, and the caller's keep(). */
static int
passes(struct st_txn *t, const struct st_search_q *q, struct scan *sc,
    struct plist *l, uint64_t id, struct st_search_hit *h)
{
	struct doc d = { 0 };
	int state = -1;

	h->published = 0;
	h->kind = 0;
	if ((l[0].bits & q->need) != q->need || (l[0].bits & q->without))
		return 0;
	if (!(l[0].bits & ST_SB_MEMBERS) && q->from == 0 && q->to == 0 &&
	    !sc->comm && q->keep == NULL)
		return 1;
	if (doc_load(t, id, &d, 0) != 0)
		return 0;
	h->published = d.published;
	h->kind = d.kind;
	if ((q->from && d.published < q->from) ||
	    (q->to && d.published > q->to))
		return 0;
	if (sc->comm && !in_community(t, id, d.author, d.community, &sc->gc))
		return 0; /* held, refused or taken out by its moderators */
	if ((d.flags & ST_SB_MEMBERS) &&
	    (q->viewer == 0 ||
		!in_community(t, id, d.author, d.group, &sc->gc) ||
		st_follow_get(t, q->viewer, d.group, &state, NULL) != 0 ||
		state != ST_FOLLOW_ACCEPTED))
		return 0;
	return q->keep == NULL || q->keep(q->keep_ctx, t, id, d.author);
}

static void
hit_fill(const struct st_search_q *q, struct plist *l, uint64_t id,
    struct st_search_hit *h)
{
	int i;

	h->id = id;
	h->title_hits = 0;
	for (i = 0; i < q->nterms; i++)
		if (l[i].word && (l[i].bits & ST_SB_TITLE))
			h->title_hits++;
}

/* Leapfrog join, newest first: every list moves to the newest posting
 * at or below the target; a list below it lowers the target; when all
 * agree, the doc matches. */
static int
join(struct st_txn *t, const struct st_search_q *q, struct scan *sc,
    struct plist *l, struct st_search_hit *hits, int max, int *more)
{
	uint64_t target = q->before ? q->before - 1 : UINT64_MAX;
	long steps = 0, limit = q->max_steps > 0 ? q->max_steps : 200000;
	struct st_search_hit h;
	int i = 0, agree = 0, n = 0, rc;

	while (target > 0) {
		if (steps > limit) {
			*more = 1;
			break;
		}
		if ((rc = plist_seek(&l[i], target, &steps)) <= 0)
			return rc < 0 ? rc : n;
		if (l[i].id < target) { /* the others must come down to it */
			target = l[i].id;
			agree = 0;
		}
		if (++agree == q->nterms) {
			if (passes(t, q, sc, l, target, &h)) {
				if (n == max) {
					*more = 1;
					break;
				}
				hit_fill(q, l, target, &h);
				hits[n++] = h;
			}
			target--;
			agree = 0;
		}
		i = (i + 1) % q->nterms;
	}
	return n;
}

/* How many postings p's term has (LMDB keeps the count of a key's
 * duplicates): 0, ST_NOTFOUND when none, or a code. */
static int
plist_count(struct plist *p)
{
	MDB_val k = { p->n, (void *)p->term }, v;
	size_t n = 0;
	int rc;

	if ((rc = mdb_cursor_get(p->c, &k, &v, MDB_SET_KEY)) != 0 ||
	    (rc = mdb_cursor_count(p->c, &n)) != 0)
		return st_from_mdb(rc);
	p->count = (size_t)n;
	return 0;
}

static void
plist_sort(struct plist *l, int n)
{
	struct plist x;
	int i, j;

	for (i = 1; i < n; i++) {
		x = l[i];
		for (j = i; j > 0 && l[j - 1].count > x.count; j--)
			l[j] = l[j - 1];
		l[j] = x;
	}
}

int
st_search_run(struct st_txn *t, const struct st_search_q *q,
    struct st_search_hit *hits, int max, int *more)
{
	struct plist l[ST_SEARCH_Q_TERMS];
	struct scan sc = { 0 };
	int i, n = 0, rc = 0;

	*more = 0;
	if (q->nterms <= 0 || q->nterms > ST_SEARCH_Q_TERMS || max <= 0)
		return ST_INVAL;
	memset(l, 0, sizeof(l));
	for (i = 0; i < q->nterms; i++) {
		l[i].term = q->terms[i];
		l[i].n = strlen(q->terms[i]);
		l[i].word = (q->words & (1u << i)) != 0;
		sc.comm |= !strncmp(l[i].term, ST_ST_COMM, strlen(ST_ST_COMM));
		if (l[i].n == 0 || l[i].n >= TERM_CAP) {
			rc = ST_INVAL;
			goto out;
		}
		if ((rc = mdb_cursor_open(
			 t->txn, st_dbi(t, DBI_SEARCH_TERMS), &l[i].c)) != 0) {
			rc = st_from_mdb(rc);
			goto out;
		}
	}
	/* Rarest first: it sets the targets the others seek to. A term
	 * with no postings: nothing matches. */
	for (i = 0; i < q->nterms; i++)
		if ((rc = plist_count(&l[i])) != 0) {
			rc = rc == ST_NOTFOUND ? 0 : rc;
			goto out;
		}
	plist_sort(l, q->nterms);
	n = join(t, q, &sc, l, hits, max, more);
out:
	for (i = 0; i < q->nterms; i++)
		if (l[i].c != NULL)
			mdb_cursor_close(l[i].c);
	return rc != 0 ? rc : n;
}
