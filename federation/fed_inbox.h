/* fed_inbox.h: what a verified activity does. The HTTP layer checks size,
 * type and signature first; this reads the activity (every property may be
 * an id string or an embedded object: normalised here, at the border) and
 * applies its effects in one write transaction, queueing the deliveries
 * they cause in the same transaction (DESIGN rule 2). */
#ifndef HUB_FED_INBOX_H
#define HUB_FED_INBOX_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct err;
struct st_actor;
struct st_txn;

/* Codes beyond storage's. */
#define FED_IN_MALFORMED (-40) /* not a JSON activity: 400 */
#define FED_IN_INVALID	 (-41) /* a wrong or inconsistent activity: 422 */
#define FED_IN_FORBIDDEN (-42) /* not the signer's to send: 403 */
#define FED_IN_NOTFOUND	 (-43) /* its target is not here: 404 */

struct fed_activity {
	json_t *doc;
	const char *id, *type, *actor;
	const char *object_id; /* the object's id, embedded or not */
	const json_t *object;  /* the embedded object, or NULL */
	/* An Announce wrapping an activity (FEP-1b12: a community passing
	 * on what was done in it): that activity's type and actor, and
	 * object_id is then its object's id (the note). NULL otherwise. */
	const char *inner_type, *inner_actor;
	json_t
	    *note; /* Create/Update: the object cleaned (fed_activity_clean) */
	char *note_js; /* and serialized, as stored */
	size_t note_len;
};

/* Read body into a (a->doc owned: fed_activity_free). Returns 0, or
 * FED_IN_MALFORMED / FED_IN_INVALID with e saying what is wrong. */
int fed_activity_read(
    const char *body, size_t len, struct fed_activity *a, struct err *e);
void fed_activity_free(struct fed_activity *a);
/* The CPU work done before the write, off the writer thread: a Create's
 * or Update's note is checked and its HTML sanitized into a->note.
 * Returns 0 or FED_IN_INVALID (e says why). */
int fed_activity_clean(
    struct fed_activity *a, const struct st_actor *from, struct err *e);

/* The signer may send a: its actor is the key's owner and its id is on
 * the same host. Returns 0 or FED_IN_FORBIDDEN. */
int fed_activity_check_origin(
    const struct fed_activity *a, const char *signer_iri, struct err *e);

struct fed_inbox {
	const struct fed_activity *act;
	const struct st_actor *from; /* verified sender, stored */
	uint64_t owner;		     /* the inbox's local actor; 0: shared */
	int queued;		     /* out: deliveries queued */
	int ignored;		     /* out: a type this hub does not act on */
	int duplicate;		     /* out: seen before, nothing done */
	/* out: the origin of a community's new follower whose software is
	 * not known yet: ask its NodeInfo (fed_nodeinfo) */
	char learn[300];
};

/* st_write_fn: apply in (arg is a struct fed_inbox). Follow (accepted at
 * once, or pending for locked accounts), Undo of a Follow, Accept and
 * Reject of our Follows; other types are recorded as seen only. */
int fed_inbox_apply(struct st_txn *t, void *arg, struct err *e);

/* The note to fetch before applying a, or NULL: for an Announce by an
 * actor someone here follows, its object when not known here; for a
 * Create by such an actor, the note it replies to when not known here
 * (the thread is fetched upwards from there, a few levels). Borrowed
 * from a. */
const char *fed_note_wanted(struct st_txn *t, const struct fed_activity *a,
    const struct st_actor *from);
/* The note to fetch again before applying a, or NULL: for an Announce,
 * by an actor someone here follows (a community), of an Update of a
 * remote note known here, the note's IRI: its new version is read from
 * its origin, never from the wrapper. Borrowed from a. */
const char *fed_note_edited(struct st_txn *t, const struct fed_activity *a,
    const struct st_actor *from);
/* A fetched note checked (attributed to author, on author's host) and
 * cleaned as an inbound Create's is; NULL with e set when refused. */
json_t *fed_note_clean(
    const json_t *doc, const struct st_actor *author, struct err *e);
/* st_write_fn storing a cleaned remote note (arg: struct
 * fed_remote_note), unless known already; with edit set, a known one is
 * replaced by it when author wrote it (its audience may narrow, never
 * widen, as with an Update). */
struct fed_remote_note {
	json_t *note;
	const struct st_actor *author;
	int edit;
};
int fed_note_store_apply(struct st_txn *t, void *arg, struct err *e);

/* Local side of following, for hubctl and the API: follower (local)
 * follows or stops following target (remote, stored). Queues the Follow
 * or the Undo to target's inbox in the same transaction. */
struct fed_follow {
	uint64_t follower, target;
	int undo;
	int already; /* out: already following (nothing sent) */
};
int fed_follow_apply(struct st_txn *t, void *arg, struct err *e);

/* A locked member's answer to a pending follow request: accept (the
 * follow becomes accepted) or reject (it goes); the Accept or Reject,
 * embedding the Follow, is queued to the follower. ST_NOTFOUND when
 * there is no pending request. */
struct fed_answer {
	uint64_t me, follower;
	int accept;
	int queued; /* out */
};
int fed_answer_apply(struct st_txn *t, void *arg, struct err *e);

/* Communities (FEP-1b12): each local group a note is posted into (named
 * in its audience, to or cc) by one of its members (an accepted
 * follower) passes it on to the group's followers, in two forms:
 * Announce{object: the Create that made the note (create_iri: the id it
 * came under; NULL: the stored one, or one on the note's host)} for
 * software that reads communities as FEP-1b12 says (Lemmy, Mbin, hubs),
 * and Announce{object: the note's id} for microblog software (Mastodon
 * shows it as a boost). Each instance gets the form its software reads
 * (st_instance.groups, learnt from its NodeInfo), both when that is not
 * known. The boost form is listed in the group's outbox; the note goes on
 * the home timelines of the group's members here. Once per group and
 * note. A public community passes on public and unlisted notes only; a
 * private one only notes to its members (its followers collection), in
 * the wrapped form only, addressed to its followers. */
int fed_group_relay(struct st_txn *t, const json_t *note, uint64_t note_id,
    uint64_t author, const char *create_iri, int *queued);
/* Call cb with the IRI of each actor a note is posted into: its
 * audience (may be NULL), the audience of the note it replies to, and
 * each of its to and cc. Stops at cb's first nonzero return, which it
 * returns. */
int fed_note_groups_each(struct st_txn *t, const json_t *note,
    int (*cb)(struct st_txn *t, const char *iri, void *ctx), void *ctx);
/* Queue the local group's activities to its followers, each instance
 * the form its software reads (as fed_group_relay does): wrapped to
 * FEP-1b12 software, boost to microblog software, both where that is not
 * known. Either may be 0: nothing of that form. */
int fed_group_forms(struct st_txn *t, uint64_t group, uint64_t wrapped,
    uint64_t boost, int *queued);
/* The same for one group (IRI group), of a post a moderator accepted:
 * announced without the community's review. */
int fed_group_relay_reviewed(struct st_txn *t, const char *group,
    const json_t *note, uint64_t note_id, uint64_t author, int *queued);
/* Whether actor (or its host) is banned from the local group. */
int fed_group_banned(struct st_txn *t, uint64_t group, uint64_t actor);

/* Whether iri is in the note's to or cc. */
int fed_note_addressed(const json_t *note, const char *iri);

/* Store doc's compact JSON as object o (st_object_put). */
struct st_obj;
/* The stored JSON of object id, parsed, with its header in o; NULL when
 * there is none. A new reference. */
json_t *fed_object_json(struct st_txn *t, uint64_t id, struct st_obj *o);
int fed_store_json(struct st_txn *t, struct st_obj *o, const json_t *doc);

/* Queue the stored activity (object id) signed as the local actor to the
 * inboxes of its accepted remote followers: a shared inbox once for all
 * its followers. *queued (may be NULL) counts the jobs. */
int fed_fanout(
    struct st_txn *t, uint64_t actor, uint64_t activity, int *queued);
/* The same, to followers only when followers is set, and to the remote
 * actors extra (mentioned, replied to), each inbox once. */
int fed_fanout_to(struct st_txn *t, uint64_t actor, uint64_t activity,
    int followers, const uint64_t *extra, size_t nextra, int *queued);
/* The same, and to the followers of the local group (0: none) too: a
 * member's members-only note, its edit or its deletion, to the private
 * community's members, signed by the member. */
int fed_fanout_with(struct st_txn *t, uint64_t actor, uint64_t activity,
    int followers, uint64_t group, const uint64_t *extra, size_t nextra,
    int *queued);

/* Put note in the home timelines of who's followers on this hub. */
int fed_home_fanout(struct st_txn *t, uint64_t who, uint64_t note);
/* Take it out again (a boost undone, a post removed from a community),
 * but not from the author's, nor from those who follow the author. */
int fed_home_unfanout(
    struct st_txn *t, uint64_t who, uint64_t note, uint64_t author);

/* A new local activity {id: <actor>/activities/<n>, type, actor, object
 * (stolen), to} stored (not served); *id its object id. */
int fed_local_activity(struct st_txn *t, const struct st_actor *actor,
    const char *type, json_t *object, const char *to, uint64_t parent,
    uint64_t *id);
/* The same with to and cc lists (stolen; NULL: none). */
int fed_local_activity_aud(struct st_txn *t, const struct st_actor *actor,
    const char *type, json_t *object, json_t *to, json_t *cc, uint64_t parent,
    uint64_t *id);
/* The same with a cc list (stolen; NULL: none). */
int fed_local_activity_cc(struct st_txn *t, const struct st_actor *actor,
    const char *type, json_t *object, const char *to, json_t *cc,
    uint64_t parent, uint64_t *id);

#endif
