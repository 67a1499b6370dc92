/* st_object.h: objects stored as the exact JSON served, the iri -> id
 * map, members' outboxes and hashtag index. */
#ifndef HUB_ST_OBJECT_H
#define HUB_ST_OBJECT_H

#include <stddef.h>
#include <stdint.h>

struct buf;
struct st_txn;

enum st_kind {
	ST_K_ACTOR = 1,
	ST_K_NOTE = 2,
	ST_K_ACTIVITY = 3,
	ST_K_TOMBSTONE = 4,
};

/* Which @context the served document starts with (the stored JSON has
 * none, so it can be embedded in collections as it is). */
enum st_ctx {
	ST_CTX_NONE = 0,
	ST_CTX_AS = 1,	  /* ActivityStreams + hub extensions */
	ST_CTX_ACTOR = 2, /* ActivityStreams + security */
	/* ActivityStreams + BASE/ns/learning (learning posts, and the
	 * activities that embed one) */
	ST_CTX_LEARNING = 3,
};

enum st_vis {
	ST_VIS_PUBLIC = 0,
	ST_VIS_UNLISTED = 1,
	ST_VIS_FOLLOWERS = 2,
	ST_VIS_DIRECT = 3,
};

#define ST_OF_LOCAL   0x01
#define ST_OF_DELETED 0x02

struct st_obj {
	uint64_t id;
	uint8_t kind;	    /* enum st_kind */
	uint8_t ctx;	    /* enum st_ctx */
	uint8_t flags;	    /* ST_OF_* */
	uint8_t vis;	    /* enum st_vis */
	uint32_t ver;	    /* bumped on every put: the ETag */
	uint64_t owner;	    /* actor id */
	uint64_t published; /* seconds since 1970 */
	uint64_t parent;    /* a Create's object, a note's Create */
};

/* iri -> id. put fails with ST_EXISTS when the iri is taken. */
int st_iri_get(struct st_txn *t, const char *iri, uint64_t *id);
int st_iri_put(struct st_txn *t, const char *iri, uint64_t id);

/* Store an object's header and JSON (without @context). The version is
 * set to one more than the stored one; o->ver is updated. */
int st_object_put(
    struct st_txn *t, struct st_obj *o, const char *json, size_t len);
/* st_object_put with json already parsed (doc, the same document; NULL:
 * none), so the full-text index does not parse it again. */
struct json_t;
int st_object_put_doc(struct st_txn *t, struct st_obj *o, const char *json,
    size_t len, const struct json_t *doc);
/* Fetch the header, and the JSON into json (appended; may be NULL).
 * ST_NOTFOUND when absent. */
int st_object_get(
    struct st_txn *t, uint64_t id, struct st_obj *o, struct buf *json);
/* Borrow the JSON bytes in place: valid until the transaction ends. */
int st_object_peek(struct st_txn *t, uint64_t id, struct st_obj *o,
    const char **json, size_t *len);

/* An actor's outbox, newest first. Each entry holds the activity's bytes
 * as served (json, len), so a page is one range scan of adjacent keys,
 * not a lookup per item in the large objects tree. */
int st_outbox_add(struct st_txn *t, uint64_t actor, uint64_t note,
    uint64_t activity, uint8_t vis, const char *json, size_t len);
int st_outbox_del(struct st_txn *t, uint64_t actor, uint64_t note);

struct st_outbox_item {
	uint64_t note, activity;
	uint8_t vis;
	const char *json; /* borrowed: valid until the transaction ends or,
			     in a write transaction, the next change */
	size_t len;
};
/* Up to max items of actor's outbox with note id < before (0: from the
 * newest), newest first, only those with vis <= max_vis. Returns the
 * count (>= 0) or a negative ST_* code. *more is set when older items
 * remain. */
int st_outbox_page(struct st_txn *t, uint64_t actor, uint64_t before,
    uint8_t max_vis, struct st_outbox_item *items, int max, int *more);
/* The public outbox entries of every actor, newest note first: the
 * local feed's index, kept by st_outbox_add/del. A note boosted or
 * passed on by several actors has one item per actor; readers check
 * the note and the actor (deleted, disabled, private community). */
struct st_public_item {
	uint64_t note, actor;
};
/* Up to max items before the position (before, before_actor), that is
 * note < before, or note == before and actor < before_actor; before 0:
 * from the newest. Returns the count (>= 0) or a negative ST_* code;
 * *more is set when older items remain. */
int st_public_page(struct st_txn *t, uint64_t before, uint64_t before_actor,
    struct st_public_item *items, int max, int *more);
/* Count of entries for actor (all visibilities). */
int st_outbox_count(struct st_txn *t, uint64_t actor, uint64_t *n);

/* The hashtag index: tag is lowercase UTF-8 without '#'. */
int st_tag_add(struct st_txn *t, const char *tag, uint64_t note);
int st_tag_del(struct st_txn *t, const char *tag, uint64_t note);
/* Up to max note ids tagged tag, older than before (0: newest), newest
 * first. Returns the count or a negative ST_* code; *more as above. */
int st_tag_page(struct st_txn *t, const char *tag, uint64_t before,
    uint64_t *notes, int max, int *more);

#endif
