/* st_search.h: the full-text index of public posts, members and
 * communities, kept in the same write transaction as what it indexes.
 *
 * st_object_put() and st_actor_put() call st_search_note() and
 * st_search_actor(), so every write path (local posts, edits, deletes,
 * received Creates, Updates and Deletes, hubctl, migrations) keeps the
 * index without knowing of it. Two named databases, touched only here:
 *
 *   search_terms: term -> its postings, sorted duplicates (MDB_DUPSORT
 *       | MDB_DUPFIXED) of 9 bytes: be64 doc id, u8 bits (ST_SB_*). Ids
 *       grow with time, so a term's postings are in time order and are
 *       read backwards, newest first; the term is stored once and each
 *       posting takes 9 bytes, so a batch of posts dirties few pages.
 *   search_docs: be64 doc id -> the doc's metadata and its term list
 *       (to remove its postings on edit or delete).
 *
 * Besides words (title, body, tags), each doc has meta terms, so that
 * every filter but the date range is one more posting list to join:
 * ST_ST_KIND + kind letter, ST_ST_TYPE + content type, ST_ST_AUTHOR +
 * 16 hex digits, ST_ST_COMM + 16 hex digits, and "#tag" for each
 * hashtag. */
#ifndef HUB_ST_SEARCH_H
#define HUB_ST_SEARCH_H

#include <stddef.h>
#include <stdint.h>

struct json_t;
struct st_actor;
struct st_db;
struct st_obj;
struct st_txn;

#define ST_SEARCH_TERM_MAX  32	 /* bytes of a word; longer are cut */
#define ST_SEARCH_DOC_TERMS 1500 /* distinct terms of one doc, at most */
#define ST_SEARCH_Q_TERMS   12	 /* terms of one query, meta terms too */
#define ST_SEARCH_CTYPE_MAX 32	 /* bytes of a content type slug */

/* Bits of a posting: where the term was found. */
#define ST_SB_TITLE   0x01
#define ST_SB_BODY    0x02
#define ST_SB_TAG     0x04
#define ST_SB_ACTOR   0x40 /* a member or community, not a post */
#define ST_SB_MEMBERS 0x80 /* members-only community content */

/* Doc kinds, as the letter after ST_ST_KIND. */
#define ST_SK_NOTE     'n'
#define ST_SK_LEARNING 'l'
#define ST_SK_PERSON   'p'
#define ST_SK_GROUP    'g'

/* Meta term prefixes (never the start of a word). */
#define ST_ST_KIND   "\001k"
#define ST_ST_TYPE   "\001t"
#define ST_ST_AUTHOR "\001a"
#define ST_ST_COMM   "\001c"

/* Split text (len bytes; HTML when html is set: tags skipped, common
 * entities decoded) into index terms: ASCII lowercased, UTF-8 bytes
 * kept as letters (only ASCII is case-folded), split on everything else
 * (and on common UTF-8 punctuation), words of one character and English
 * stop words dropped, a plural "s"/"ies" folded, cut at
 * ST_SEARCH_TERM_MAX bytes (on a character boundary). cb gets each
 * term (not NUL-terminated; duplicates included) until it returns
 * non-zero. Returns the number of terms given. Pure: no storage. */
int st_search_words(const char *text, size_t len, int html,
    int (*cb)(void *ctx, const char *term, size_t n), void *ctx);

/* Index (or re-index, or drop) the note o with its stored JSON: public
 * and unlisted notes, and notes to a community's members only (flagged
 * ST_SB_MEMBERS with the community's id); anything else (followers,
 * direct, tombstones) has its postings removed. Other kinds of object
 * are ignored, unless they replace an indexed note (a Tombstone): then
 * its postings go. Returns 0 or an ST_* code. */
int st_search_note(
    struct st_txn *t, const struct st_obj *o, const char *json, size_t len);
/* st_search_note with the note already parsed (doc: the same document as
 * json; NULL: parse json). */
int st_search_note_doc(struct st_txn *t, const struct st_obj *o,
    const struct json_t *doc, const char *json, size_t len);
/* The same for a member or community (name, display name, summary);
 * deleted, disabled and pending actors are dropped. */
int st_search_actor(struct st_txn *t, const struct st_actor *a);
/* Remove doc id's postings and record (0 when it had none). */
int st_search_drop(struct st_txn *t, uint64_t id);

/* Turn indexing by st_object_put/st_actor_put off (0) or on (1, the
 * default): for benchmarks measuring its cost only. */
void st_search_enable(struct st_db *db, int on);

/* Fill the index from every stored note and actor (schema 4's
 * migration). Runs in the caller's write transaction. */
int st_search_backfill(struct st_txn *t);

/* Whether community group took note (by author) in, as the rest of the
 * hub sees it: a local community when it announced the note (a held
 * or refused post has no Announce; a removed one's is undone) or wrote
 * it itself; a remote one by the note's audience alone. 1 or 0 (0 when
 * group is unknown). st_search_run applies it to members-only docs and,
 * when a query names a community (ST_ST_COMM), to every match. */
int st_search_in_community(
    struct st_txn *t, uint64_t note, uint64_t author, uint64_t group);

struct st_search_q {
	/* Terms that must all be there (words and meta terms), each a
	 * NUL-terminated term as st_search_words gives them. */
	const char *terms[ST_SEARCH_Q_TERMS];
	int nterms;
	unsigned words;	   /* bit i: terms[i] is a word (counts title hits) */
	uint64_t from, to; /* published in [from, to] seconds; 0: open */
	uint64_t viewer;   /* actor id: members-only docs of communities it
			      is an accepted member of (and that took them
			      in) are found; 0: none */
	uint64_t before;   /* only doc ids below; 0: from the newest */
	long max_steps;	   /* cursor moves allowed; 0: a default */
	/* Whether a match may take a place (nonzero: keep it), given its
	 * doc id and author (for a member or community: itself); NULL:
	 * every match. Asked before max or the step budget count it, so
	 * what it drops shifts no page. */
	int (*keep)(void *ctx, struct st_txn *t, uint64_t doc, uint64_t author);
	void *keep_ctx;
	uint8_t need;	 /* ST_SB_* bits the doc's postings must have */
	uint8_t without; /* and must not have (ST_SB_ACTOR: posts only) */
};

struct st_search_hit {
	uint64_t id;
	uint64_t published;
	int title_hits; /* words of the query in the doc's title */
	char kind;	/* ST_SK_* */
};

/* Up to max docs with every term that pass the filters, newest first
 * (by doc id). Returns the count (>= 0) or a negative ST_* code; *more
 * is set when the scan stopped with matches possibly left (max reached
 * or max_steps spent). */
int st_search_run(struct st_txn *t, const struct st_search_q *q,
    struct st_search_hit *hits, int max, int *more);

/* The metadata of doc id (for results): ST_NOTFOUND when not indexed.
 * ctype gets the content type ("" when none), cap bytes. */
struct st_search_doc {
	char kind;
	uint8_t flags; /* ST_SB_MEMBERS */
	uint64_t published, author, community, group;
	char ctype[ST_SEARCH_CTYPE_MAX + 1];
};
int st_search_doc_get(struct st_txn *t, uint64_t id, struct st_search_doc *d);

#endif
