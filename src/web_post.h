/* web_post.h: writing and reading posts in a browser: compose (with a
 * Markdown preview), edit, delete, like and boost, and a note's page
 * with its thread, for local notes and for those from other servers. */
#ifndef HUB_WEB_POST_H
#define HUB_WEB_POST_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct buf;
struct config;
struct http_req;
struct st_obj;
struct st_txn;

/* GET and POST /write (?reply_to=IRI, ?community=NAME). */
int web_write_get(struct http_req *r);
int web_write_post(struct http_req *r);
/* GET and POST /edit?id=IRI: the author's own notes only. */
int web_edit_get(struct http_req *r);
int web_edit_post(struct http_req *r);
/* GET /delete?id=IRI asks; POST /delete (field id) deletes. */
int web_delete_get(struct http_req *r);
int web_delete_post(struct http_req *r);
/* POST /like, /unlike, /boost, /unboost (field id): back to the note. */
int web_react_post(struct http_req *r);
/* POST /feature, /unfeature (field id): an admin or editor features a
 * public note on the home page (featured.h), or stops; back to it. */
int web_feature_post(struct http_req *r);
/* GET /notes?id=IRI: the page of any note stored here that the reader
 * may read (remote notes have no address on this hub). */
int web_notes_get(struct http_req *r);

/* The HTML page of the stored note (or Create) o, whose JSON is js, in
 * t (the caller's read transaction, which stays open): author,
 * community, content, counts, the member's buttons, and the thread.
 * Queues the response and returns what http_send returned. */
int web_note_page(struct http_req *r, struct st_txn *t, const struct st_obj *o,
    const char *js, size_t len);

/* Whether iri is an address on this hub (base_url + "/..."). */
int web_iri_local(const struct config *cfg, const char *iri);
/* Append the path of the page of the note at iri on this hub
 * (unescaped): the note's own address, or /notes?id=IRI for another
 * server's (and for every iri when cfg is NULL). */
void web_note_path(struct buf *b, const struct config *cfg, const char *iri);
/* The local communities the member name joined, as page_field select
 * options (value, label pairs, "" first for none; NULL-terminated), or
 * NULL when out of memory. Free the array; the strings live in *keep,
 * which the caller json_decref()s (also after NULL). */
const char **web_community_options(
    struct st_txn *t, const char *name, json_t **keep);

/* Whether reader (an actor id; 0: a visitor) may read o: routes.c's
 * rules for peers' fetches, also used for members' pages. */
int routes_may_read(struct st_txn *t, const struct st_obj *o, uint64_t reader);

#endif
