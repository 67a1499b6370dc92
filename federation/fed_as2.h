/* fed_as2.h: ActivityStreams 2 documents the hub serves: actors, notes,
 * activities, tombstones, collections. Documents are built without
 * @context; fed_as2_wrap() adds it when a document is served alone, so the
 * stored bytes can also be embedded in collections as they are. */
#ifndef HUB_FED_AS2_H
#define HUB_FED_AS2_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <jansson.h>

struct buf;
struct st_actor;

#define AS_PUBLIC "https://www.w3.org/ns/activitystreams#Public"

/* The @context value (a JSON text) for an st_ctx number. */
const char *fed_as2_context(int ctx);

/* Append {"@context":CTX, ...json...} to out: json is an object's bytes
 * without @context. Returns 0 or -1. ST_CTX_LEARNING needs the hub's
 * base URL (its context lives at BASE/ns/learning): fed_as2_wrap_base;
 * fed_as2_wrap gives it the plain AS context. */
int fed_as2_wrap(struct buf *out, int ctx, const char *json, size_t len);
int fed_as2_wrap_base(struct buf *out, int ctx, const char *base_url,
    const char *json, size_t len);
/* The st_ctx a stored document doc needs: ST_CTX_LEARNING when it, or
 * the object it embeds (to two levels: Announce{Create{Article}}), is a
 * learning post, else ST_CTX_AS. */
int fed_as2_ctx_of(const json_t *doc);

/* Serialize compactly in insertion order; returns malloc'd text. */
char *fed_as2_dump(const json_t *doc, size_t *len);

/* ISO 8601 UTC ("2026-11-26T08:38:21Z") into out (cap >= 21). */
void fed_as2_time(time_t t, char *out, size_t cap);

/* The actor document for a (local) actor. base_url is the hub's;
 * summary_html is the rendered summary ("" for none). */
json_t *fed_as2_actor(
    const struct st_actor *a, const char *base_url, const char *summary_html);

struct fed_note {
	const char *id;
	const char *url;
	const char *attributed_to;
	const char *followers;	 /* the author's followers collection */
	const char *content;	 /* HTML */
	const char *summary;	 /* content warning, or NULL */
	const char *in_reply_to; /* or NULL */
	const char *audience;	 /* the group posted into, or NULL */
	const char *members;	 /* a private group's followers (to), or NULL */
	const char *base_url;	 /* for hashtag hrefs */
	const char *const *tags; /* lowercase, without '#' */
	size_t ntags;
	/* Mentioned actors: IRIs, and names ("@user@host") for the tags. */
	const char *const *mentions;
	const char *const *mention_names;
	size_t nmentions;
	time_t published;
	time_t updated; /* 0: never edited */
	int vis;	/* enum st_vis */
};

/* A Note and the Create that wraps it (same to/cc). The Note links its
 * replies, likes and shares collections at <id>/replies, /likes,
 * /shares. Mentioned actors are in cc (in to for direct notes). */
json_t *fed_as2_note(const struct fed_note *n);
json_t *fed_as2_create(const char *id, const char *actor, json_t *note);
/* A plain activity {id, type, actor, object} (object stolen: an id
 * string or an embedded object), addressed to to (or none). */
json_t *fed_as2_activity(const char *id, const char *type, const char *actor,
    json_t *object, const char *to);
/* What a deleted object becomes. */
json_t *fed_as2_tombstone(
    const char *id, const char *former_type, time_t deleted);
/* The Create's bytes around the Note's own serialization (note_js,
 * note_len, as dumped from note): the Note is serialized once. Returns
 * malloc'd JSON, or NULL. */
char *fed_as2_create_dump(const char *id, const char *actor, const json_t *note,
    const char *note_js, size_t note_len, size_t *len);
/* An OrderedCollection with totalItems and first (and last) page. */
json_t *fed_as2_collection(
    const char *id, uint64_t total, const char *first, const char *last);

#endif
