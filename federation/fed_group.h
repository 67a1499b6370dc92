/* fed_group.h: a community's moderation (FEP-1b12 groups, with Lemmy's
 * postingRestrictedToMods): posts held for review in moderated
 * communities, threads restricted to moderators, moderators announced
 * with Add and Remove, and reports routed to the community they concern.
 * Every function runs inside the caller's transaction and queues what
 * it sends there (DESIGN rule 2). */
#ifndef HUB_FED_GROUP_H
#define HUB_FED_GROUP_H

#include <stdint.h>

#include <jansson.h>

struct st_actor;
struct st_pending;
struct st_report;
struct st_txn;

/* Whether the actor id moderates the local group g. */
int fed_group_is_mod(struct st_txn *t, uint64_t group, uint64_t actor);

/* The relay's check before a member's post (note, stored as note_id) is
 * announced by the local group g. Returns 0 to announce it now; 1 when
 * it is not announced: held for review in a moderated community (the
 * hold is written in t), or a new thread by a non-moderator in a
 * restricted one (dropped); or a negative ST_* code. Moderators' posts
 * always pass. */
int fed_group_gate(struct st_txn *t, const struct st_actor *g,
    const json_t *note, uint64_t note_id, uint64_t author);

/* A moderator's answer about the post at iri held by g: accept, and the
 * group announces it as it does any member's post; reject, and it leaves
 * the queue (the note itself stays its author's). Returns 0,
 * ST_NOTFOUND when it is not held, ST_GONE when its author deleted it
 * (accept only) or FED_IN_FORBIDDEN when its author is no longer a
 * member (accept only). *queued counts the deliveries. */
int fed_group_review(struct st_txn *t, const struct st_actor *g,
    const char *iri, int accept, int *queued);

/* A held post as JSON for moderators: {object, author, excerpt, held,
 * deleted?}; a new reference. */
json_t *fed_group_pending_json(struct st_txn *t, const struct st_pending *p);
/* A report as JSON for moderators: {id, created_at, reporter, target?,
 * objects, comment}; a new reference. */
json_t *fed_report_json(struct st_txn *t, const struct st_report *r);

/* The group g announces a change of its moderators to its followers:
 * Add (add) or Remove {actor: g, object: member, target: g's moderators
 * collection}. */
int fed_group_mod_announce(struct st_txn *t, const struct st_actor *g,
    const char *member, int add, int *queued);

/* The addressing of what the local group g sends its followers: to
 * Public, cc its followers; a private one's to its followers only. */
void fed_group_address(const struct st_actor *g, json_t **to, json_t **cc);
/* A moderator (by; NULL: the operator, or the note's author) takes the
 * note (note_iri, stored as note) out of the local group g, whose Undo
 * of its boost is stored as undo: g sends Announce{Delete{actor: by or
 * g, object: note_iri}} to its followers whose software reads FEP-1b12,
 * the Undo to microblog software, each instance the form it reads
 * (fed_group_forms). *queued counts the deliveries. */
int fed_group_take_out(struct st_txn *t, const struct st_actor *g,
    const struct st_actor *by, const char *note_iri, uint64_t note,
    uint64_t undo, int *queued);

/* The note (stored as note, as edited) was changed by update, an Update
 * activity with the note embedded (borrowed): each local community that
 * passed the note on passes the edit on, as Announce{update}, to its
 * followers whose software reads FEP-1b12 (microblog software fetches
 * edits from the author). */
int fed_group_update(
    struct st_txn *t, uint64_t note, const json_t *update, int *queued);

/* The actor id as {id, preferredUsername, name}, as the member API
 * names authors; NULL when not known. A new reference. */
json_t *fed_actor_brief(struct st_txn *t, uint64_t id);

/* A community's post as its members' API shows it: {id, published,
 * updated?, summary?, content, inReplyTo?, url?, excerpt, author: {id,
 * preferredUsername, name}, replies_count}; NULL when the note is gone.
 * A new reference. */
json_t *fed_group_post_json(struct st_txn *t, uint64_t note);

/* The local community a report about the ids in objects (a JSON array
 * of strings) is for: the first that is a local community, or a note
 * posted into one (its audience, to or cc), or announced or held by
 * one. Returns its id, or 0. When *target is 0 it is set to that note's
 * author. */
uint64_t fed_group_of_report(
    struct st_txn *t, const json_t *objects, uint64_t *target);

/* A local member's report (Flag) about the object at iri (a note or an
 * actor known here), with comment (plain text, may be NULL), kept for
 * the hub's admins and the community it concerns. Returns 0,
 * ST_NOTFOUND when iri is not known here, or ST_*. */
int fed_report_local(struct st_txn *t, const struct st_actor *by,
    const char *iri, const char *comment, struct st_report *r);

#endif
