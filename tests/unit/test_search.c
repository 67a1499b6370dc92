/* test_search.c: the tokenizer and the full-text index (st_search.h) in
 * a temporary LMDB: put, replace, remove, the join, filters, members-only
 * content, and the schema 4 migration. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_enc.h"
#include "st_follow.h"
#include "st_internal.h"
#include "st_object.h"
#include "st_search.h"
#include "st_social.h"
#include "tap.h"

/* ---- tokenizer ---- */

static int
collect(void *ctx, const char *w, size_t n)
{
	char *out = ctx;
	size_t l = strlen(out);

	if (l + n + 2 < 1024) {
		if (l > 0)
			out[l++] = ' ';
		memcpy(out + l, w, n);
		out[l + n] = '\0';
	}
	return 0;
}

static const char *
words(const char *text, int html)
{
	static char out[1024];

	out[0] = '\0';
	st_search_words(text, strlen(text), html, collect, out);
	return out;
}

static void
test_words(void)
{
	char longw[80];

	ok(!strcmp(words("The Nurses' hand-hygiene AUDITS", 0),
	       "nurse hand hygiene audit"),
	    "lowercased, split, stop words and one letter dropped, plurals "
	    "folded: %s",
	    words("The Nurses' hand-hygiene AUDITS", 0));
	ok(!strcmp(words("<p>Sepsis &amp; <b>policies</b></p><br>status", 1),
	       "sepsis policy status"),
	    "HTML tags skipped, entities split, -is/-us kept, -ies folded: %s",
	    words("<p>Sepsis &amp; <b>policies</b></p><br>status", 1));
	ok(!strcmp(words("a <b> c", 0), "") && !strcmp(words("x<y z>w", 0), ""),
	    "plain text keeps < as punctuation");
	ok(!strcmp(words("caf\xc3\xa9 \xe2\x80\x9cward\xe2\x80\x9d", 0),
	       "caf\xc3\xa9 ward"),
	    "UTF-8 letters kept, curly quotes split: %s",
	    words("caf\xc3\xa9 \xe2\x80\x9cward\xe2\x80\x9d", 0));
	memset(longw, 'k', 40);
	longw[40] = '\0';
	ok(strlen(words(longw, 0)) == ST_SEARCH_TERM_MAX,
	    "long words cut at %d bytes", ST_SEARCH_TERM_MAX);
	memset(longw, 'k', 31);
	memcpy(longw + 31, "\xc3\xa9x", 4);
	ok(strlen(words(longw, 0)) == 31, "never half a character");
	ok(st_search_words(
	       "one two three", 13, 0, collect, (char[1024]){ 0 }) == 3,
	    "counts the terms it gives");
}

/* ---- the index ---- */

static char dir[256];
static struct st_db *db;

#define AUTHOR	 100
#define OTHER	 101
#define GROUP	 102
#define PRIVATE	 103
#define MEMBER	 104
#define OUTSIDER 105

struct put {
	uint64_t id;
	int vis;
	int kind;
	uint64_t owner, published;
	const char *json;
};

static int
put_fn(struct st_txn *t, void *arg, struct err *e)
{
	struct put *p = arg;
	struct st_obj o = { .id = p->id,
		.kind = (uint8_t)(p->kind ? p->kind : ST_K_NOTE),
		.vis = (uint8_t)p->vis,
		.owner = p->owner,
		.published = p->published };

	(void)e;
	return st_object_put(t, &o, p->json, strlen(p->json));
}

static int
put(uint64_t id, int vis, uint64_t owner, uint64_t published, const char *json)
{
	struct put p = { id, vis, 0, owner, published, json };

	return st_write(db, put_fn, &p, NULL);
}

static int
actor_fn(struct st_txn *t, void *arg, struct err *e)
{
	struct st_actor *a = arg;
	char iri[80];
	int rc;

	(void)e;
	snprintf(iri, sizeof(iri), "https://h/%s", a->name);
	if ((rc = st_iri_put(t, iri, a->id)) != 0 && rc != ST_EXISTS)
		return rc;
	return st_actor_put(t, a);
}

static void
actor(uint64_t id, int kind, int flags, const char *name, const char *dn,
    const char *summary)
{
	char iri[80];
	struct st_actor a = { .id = id,
		.kind = (uint8_t)kind,
		.flags = (uint8_t)(ST_AF_LOCAL | flags),
		.name = (char *)name,
		.display_name = (char *)dn,
		.summary = (char *)summary,
		.iri = iri };

	snprintf(iri, sizeof(iri), "https://h/%s", name);
	if (st_write(db, actor_fn, &a, NULL) != 0)
		ok(0, "store actor %s", name);
}

static int
follow_fn(struct st_txn *t, void *arg, struct err *e)
{
	uint64_t *v = arg;

	(void)e;
	return st_follow_put(t, v[0], v[1], (int)v[2], 0);
}

/* v[0] (a community) announces (v[2] set) or takes back the Announce
 * of note v[1], as fed_group and hub_group_remove do. */
static int
announce_fn(struct st_txn *t, void *arg, struct err *e)
{
	uint64_t *v = arg;

	(void)e;
	return v[2] ? st_react_put(t, v[1], ST_REACT_ANNOUNCE, v[0], v[1] + 1)
		    : st_react_del(t, v[1], ST_REACT_ANNOUNCE, v[0]);
}

static int
announce(uint64_t group, uint64_t note, int on)
{
	uint64_t v[3] = { group, note, (uint64_t)on };

	return st_write(db, announce_fn, v, NULL);
}

/* Run a query of space-separated terms (words by default; a term
 * starting with '=' is taken as it is, without the '='). Returns the
 * count and the ids, newest first, in ids. */
struct qopt {
	uint64_t from, to, viewer, before;
	long steps;
	int max;
};

static int
query(
    const char *q, const struct qopt *opt, uint64_t *ids, int *title, int *more)
{
	static char terms[ST_SEARCH_Q_TERMS][64];
	struct st_search_hit hits[64];
	struct st_search_q sq = { 0 };
	struct st_txn *t;
	const char *p = q;
	int n, i, m = 0;

	while (*p != '\0' && sq.nterms < ST_SEARCH_Q_TERMS) {
		size_t l = strcspn(p, " ");
		char *s = terms[sq.nterms];

		if (*p == '=') {
			memcpy(s, p + 1, l - 1);
			s[l - 1] = '\0';
			/* "=a:ID" stands for an author meta term, and so on */
			if (s[0] == 'a' || s[0] == 'c' || s[0] == 'k' ||
			    s[0] == 't') {
				char tmp[64];

				snprintf(
				    tmp, sizeof(tmp), "\001%c%s", s[0], s + 2);
				if (s[0] == 'a' || s[0] == 'c')
					snprintf(tmp, sizeof(tmp),
					    "\001%c%016llx", s[0],
					    strtoull(s + 2, NULL, 10));
				snprintf(s, 64, "%s", tmp);
			}
		} else {
			memcpy(s, p, l);
			s[l] = '\0';
			sq.words |= 1u << sq.nterms;
		}
		sq.terms[sq.nterms] = s;
		sq.nterms++;
		p += l;
		while (*p == ' ')
			p++;
	}
	if (opt != NULL) {
		sq.from = opt->from;
		sq.to = opt->to;
		sq.viewer = opt->viewer;
		sq.before = opt->before;
		sq.max_steps = opt->steps;
		m = opt->max;
	}
	if (st_read_begin(db, &t) != 0)
		return -100;
	n = st_search_run(t, &sq, hits, m ? m : 64, more ? more : &(int){ 0 });
	st_read_end(t);
	for (i = 0; i < n; i++) {
		ids[i] = hits[i].id;
		if (title != NULL)
			title[i] = hits[i].title_hits;
	}
	return n;
}

static void
setup(void)
{
	struct err e;

	snprintf(dir, sizeof(dir), "/tmp/hub-search-%d", (int)getpid());
	if (st_db_open(&db, dir, 256 << 20, ST_CREATE, &e) != 0 ||
	    st_writer_start(db, &e) != 0) {
		printf("Bail out! %s\n", e.msg);
		exit(1);
	}
	actor(AUTHOR, ST_AK_PERSON, 0, "annie", "Annie Nurse",
	    "Ward sister on a surgical ward");
	actor(OTHER, ST_AK_PERSON, 0, "bob", "Bob Pharmacist",
	    "Medicines and infusions");
	actor(GROUP, ST_AK_GROUP, 0, "sepsis", "Sepsis learning", "");
	actor(PRIVATE, ST_AK_GROUP, ST_AF_PRIVATE, "secret", "Secret room", "");
	actor(MEMBER, ST_AK_PERSON, 0, "mia", "Mia", "");
	actor(OUTSIDER, ST_AK_PERSON, 0, "otto", "Otto", "");
}

#define PUB ST_VIS_PUBLIC

static void
test_index(void)
{
	uint64_t ids[64];
	int title[64], n, more;

	ok(put(1000, PUB, AUTHOR, 1700000000,
	       "{\"content\":\"<p>Our hand hygiene audit on ward "
	       "nine</p>\"}") == 0 &&
		put(2000, PUB, OTHER, 1700100000,
		    "{\"name\":\"Audit of infusion pumps\",\"content\":\"<p>A "
		    "near miss with a pump</p>\",\"audience\":\"https://h/"
		    "sepsis\",\"tag\":[{\"type\":\"Hashtag\",\"name\":"
		    "\"#Sepsis\"}]}") == 0 &&
		put(3000, ST_VIS_UNLISTED, AUTHOR, 1700200000,
		    "{\"content\":\"unlisted hygiene notes\"}") == 0 &&
		put(4000, ST_VIS_FOLLOWERS, AUTHOR, 1700300000,
		    "{\"content\":\"followers hygiene secret\"}") == 0 &&
		put(5000, ST_VIS_DIRECT, AUTHOR, 1700400000,
		    "{\"content\":\"direct hygiene secret\"}") == 0,
	    "five notes stored");
	n = query("hygiene", NULL, ids, NULL, NULL);
	ok(n == 2 && ids[0] == 3000 && ids[1] == 1000,
	    "a body word finds public and unlisted notes, newest first, "
	    "never followers-only or direct: %d",
	    n);
	n = query("audit", NULL, ids, title, NULL);
	ok(n == 2 && ids[0] == 2000 && title[0] == 1 && ids[1] == 1000 &&
		title[1] == 0,
	    "a title word counts as a title hit");
	ok(query("audit pump", NULL, ids, NULL, NULL) == 1 && ids[0] == 2000,
	    "two words: both must be there (plural folded: pumps)");
	ok(query("audit zebra", NULL, ids, NULL, NULL) == 0,
	    "an unknown word matches nothing");
	ok(query("=#sepsis", NULL, ids, NULL, NULL) == 1 && ids[0] == 2000 &&
		query("sepsis =k:n", NULL, ids, NULL, NULL) == 1,
	    "a hashtag is a tag term and a word");
	ok(query("audit =a:101", NULL, ids, NULL, NULL) == 1 && ids[0] == 2000,
	    "author filter");
	ok(query("audit =c:102", NULL, ids, NULL, NULL) == 0 &&
		query("audit", NULL, ids, NULL, NULL) == 2,
	    "a post the community did not announce (held for review) is "
	    "not found as the community's, but is as a public post");
	ok(announce(GROUP, 2000, 1) == 0 &&
		query("audit =c:102", NULL, ids, NULL, NULL) == 1 &&
		ids[0] == 2000 &&
		query("hygiene =c:102", NULL, ids, NULL, NULL) == 0,
	    "community filter: once the community announced it");
	ok(announce(GROUP, 2000, 0) == 0 &&
		query("audit =c:102", NULL, ids, NULL, NULL) == 0 &&
		announce(GROUP, 2000, 1) == 0,
	    "and no more when a moderator took it out (Announce undone)");
	ok(query("audit", &(struct qopt){ .from = 1700050000 }, ids, NULL,
	       NULL) == 1 &&
		ids[0] == 2000 &&
		query("audit", &(struct qopt){ .to = 1700050000 }, ids, NULL,
		    NULL) == 1 &&
		ids[0] == 1000,
	    "date range");
	ok(query("=k:n", NULL, ids, NULL, NULL) == 3,
	    "the kind term lists every indexed note");
	n = query("audit", &(struct qopt){ .max = 1 }, ids, NULL, &more);
	ok(n == 1 && ids[0] == 2000 && more, "a page of one, more to come");
	n = query("audit", &(struct qopt){ .before = 2000 }, ids, NULL, &more);
	ok(n == 1 && ids[0] == 1000 && !more, "the next page, before its id");
	n = query("=k:n", &(struct qopt){ .steps = 1 }, ids, NULL, &more);
	ok(n < 3 && more, "the step budget stops a scan, saying so");

	/* Edit: the old words go, the new ones come. */
	ok(put(1000, PUB, AUTHOR, 1700000000,
	       "{\"content\":\"<p>Falls prevention on ward nine</p>\"}") == 0,
	    "edit stored");
	ok(query("fall", NULL, ids, NULL, NULL) == 1 &&
		query("hygiene", NULL, ids, NULL, NULL) == 1 && ids[0] == 3000,
	    "an edited note is found by its new words, not the old");
	ok(put(1000, ST_VIS_FOLLOWERS, AUTHOR, 1700000000,
	       "{\"content\":\"<p>Falls prevention</p>\"}") == 0 &&
		query("fall", NULL, ids, NULL, NULL) == 0,
	    "a note made followers-only leaves the index");
	{
		struct put p = { 2000, PUB, ST_K_TOMBSTONE, OTHER, 0,
			"{\"type\":\"Tombstone\"}" };
		struct st_txn *t;
		struct st_search_doc d;
		int gone;

		ok(st_write(db, put_fn, &p, NULL) == 0 &&
			query("audit", NULL, ids, NULL, NULL) == 0 &&
			query("=#sepsis", NULL, ids, NULL, NULL) == 0,
		    "a tombstone removes every posting of the note");
		st_read_begin(db, &t);
		gone = st_search_doc_get(t, 2000, &d) == ST_NOTFOUND;
		st_read_end(t);
		ok(gone, "and its doc record");
	}
}

/* A hashtag longer than a term is cut on a character boundary. */
static void
test_long_tag(void)
{
	char json[200], tag[64];
	uint64_t ids[64];

	snprintf(json, sizeof(json),
	    "{\"content\":\"euro\",\"tag\":[{\"type\":\"Hashtag\","
	    "\"name\":\"#%.30s\xe2\x82\xac\"},{\"type\":\"Hashtag\","
	    "\"name\":\"#%.29s\xe2\x82\xac\"}]}",
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	ok(put(6500, PUB, AUTHOR, 1700450000, json) == 0,
	    "a note with two long hashtags stored");
	snprintf(
	    tag, sizeof(tag), "=#%.30s", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
	ok(query(tag, NULL, ids, NULL, NULL) == 1 && ids[0] == 6500,
	    "'#' + 30 ASCII + a 3-byte character: the tag term is cut before "
	    "the character, valid UTF-8");
	snprintf(tag, sizeof(tag), "=#%.29s\xe2\x82\xac",
	    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
	ok(query(tag, NULL, ids, NULL, NULL) == 1 && ids[0] == 6500,
	    "one that fits whole is kept whole");
}

static void
test_learning(void)
{
	uint64_t ids[64];
	struct st_search_doc d;
	struct st_txn *t;
	int rc;

	ok(put(6000, PUB, OTHER, 1700500000,
	       "{\"type\":\"Article\",\"name\":\"Sepsis screening\","
	       "\"summary\":\"What we learned\",\"content\":\"<h2>What "
	       "happened</h2><p>Late antibiotics</p>\",\"learning\":{"
	       "\"contentType\":\"case-study\"}}") == 0,
	    "a learning post stored");
	ok(query("antibiotic =k:l", NULL, ids, NULL, NULL) == 1 &&
		query("learned =t:case-study", NULL, ids, NULL, NULL) == 1 &&
		query("learned =t:tool", NULL, ids, NULL, NULL) == 0,
	    "found by section words, kind and content type");
	st_read_begin(db, &t);
	rc = st_search_doc_get(t, 6000, &d);
	st_read_end(t);
	ok(rc == 0 && d.kind == ST_SK_LEARNING &&
		!strcmp(d.ctype, "case-study") && d.author == OTHER &&
		d.published == 1700500000,
	    "its metadata");
}

static void
test_members_only(void)
{
	uint64_t ids[64], f[3] = { MEMBER, PRIVATE, ST_FOLLOW_ACCEPTED };

	ok(put(7000, ST_VIS_DIRECT, MEMBER, 1700600000,
	       "{\"content\":\"a safe place to talk about "
	       "burnout\",\"audience\":\"https://h/secret\",\"to\":["
	       "\"https://h/secret/followers\"]}") == 0,
	    "a members-only post stored");
	ok(st_write(db, follow_fn, f, NULL) == 0, "mia is a member");
	f[0] = OUTSIDER;
	f[2] = ST_FOLLOW_PENDING;
	ok(st_write(db, follow_fn, f, NULL) == 0, "otto asked to join");
	ok(query("burnout", NULL, ids, NULL, NULL) == 0,
	    "hidden from visitors");
	ok(query("burnout", &(struct qopt){ .viewer = OUTSIDER }, ids, NULL,
	       NULL) == 0,
	    "hidden from a member not accepted");
	ok(query("burnout", &(struct qopt){ .viewer = MEMBER }, ids, NULL,
	       NULL) == 0,
	    "while held for review, not even by a member");
	ok(announce(PRIVATE, 7000, 1) == 0 &&
		query("burnout", &(struct qopt){ .viewer = MEMBER }, ids, NULL,
		    NULL) == 1 &&
		ids[0] == 7000,
	    "found by a member once the community announced it");
	ok(announce(PRIVATE, 7000, 0) == 0 &&
		query("burnout", &(struct qopt){ .viewer = MEMBER }, ids, NULL,
		    NULL) == 0,
	    "and by nobody once it was taken out");
	ok(announce(PRIVATE, 7000, 1) == 0, "announced again");
}

static void
test_actors(void)
{
	uint64_t ids[64];
	int title[64];

	ok(query("pharmacist =k:p", NULL, ids, title, NULL) == 1 &&
		ids[0] == OTHER && title[0] == 1,
	    "a member by display name (a title hit)");
	ok(query("surgical", NULL, ids, NULL, NULL) == 1 && ids[0] == AUTHOR,
	    "a member by bio");
	ok(query("secret =k:g", NULL, ids, NULL, NULL) == 1 &&
		ids[0] == PRIVATE,
	    "a community by name");
	actor(OTHER, ST_AK_PERSON, ST_AF_DELETED, "bob", "Bob Pharmacist", "");
	ok(query("pharmacist", NULL, ids, NULL, NULL) == 0,
	    "a deleted member is not found");
}

static int
schema3_fn(struct st_txn *t, void *arg, struct err *e)
{
	unsigned char v[8];
	MDB_val k = { 6, "schema" }, d = { 8, v };

	(void)arg;
	(void)e;
	st_put_be64(v, 3);
	return mdb_put(t->txn, st_dbi(t, DBI_META), &k, &d, 0) ? ST_EIO : 0;
}

static void
test_migration(void)
{
	uint64_t ids[64];
	unsigned ver = 0;
	struct err e;

	st_search_enable(db, 0);
	ok(put(8000, PUB, AUTHOR, 1700700000,
	       "{\"content\":\"pressure ulcer bundle\"}") == 0 &&
		query("ulcer", NULL, ids, NULL, NULL) == 0,
	    "with indexing off a note is stored, not indexed");
	st_search_enable(db, 1);
	ok(st_write(db, schema3_fn, NULL, NULL) == 0, "schema set back to 3");
	st_db_close(db);
	ok(st_db_open(&db, dir, 256 << 20, 0, &e) == 0 &&
		st_db_schema(db, &ver) == 0 && ver == 4,
	    "opening migrates to 4");
	ok(query("ulcer", NULL, ids, NULL, NULL) == 1 && ids[0] == 8000 &&
		query("burnout", &(struct qopt){ .viewer = MEMBER }, ids, NULL,
		    NULL) == 1 &&
		query("surgical", NULL, ids, NULL, NULL) == 1,
	    "the migration indexed the notes and actors stored before");
	ok(query("pharmacist", NULL, ids, NULL, NULL) == 0 &&
		query("audit", NULL, ids, NULL, NULL) == 0,
	    "and nothing it should not");
}

int
main(void)
{
	char cmd[300];

	test_words();
	setup();
	test_index();
	test_long_tag();
	test_learning();
	test_members_only();
	test_actors();
	test_migration();
	st_db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		ok(0, "clean up");
	return done_testing();
}
