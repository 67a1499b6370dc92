/* anon.h: anonymous sharing in communities. A member submits a post to a
 * community of this hub anonymously; it always waits for a moderator,
 * who sees "anonymous member"; once accepted it is the community's own
 * post (attributed to the Group actor, published at the approval time,
 * its id allocated then). The author alone, from their own account and
 * with the random handle they were given, can see, edit and delete it.
 * doc/communities.md ("Anonymous sharing") says what stays in LMDB. */
#ifndef HUB_ANON_H
#define HUB_ANON_H

#include <stddef.h>

#include <jansson.h>

struct err;
struct hub;
struct st_actor;
struct st_txn;

#define HUB_ANON_HANDLE_LEN 33 /* hex characters of a handle, and NUL */

/* name, a member of the local community group, submits text (vis:
 * public or unlisted) anonymously. Nothing is published and nothing is
 * logged; the draft waits in the community's queue. handle receives the
 * random handle. Returns 0, HUB_INVALID (text, mentions, visibility),
 * ST_NOTFOUND (no such community), HUB_FORBIDDEN (not a member, banned,
 * a restricted community) or ST_*; e says why, in plain words. */
int hub_anon_submit(struct hub *h, const char *name, const char *group,
    const char *text, int vis, char handle[HUB_ANON_HANDLE_LEN], struct err *e);

/* name's own anonymous posts as {"items": [{handle, community, state
 * (waiting, published, rejected, removed), url?, text, submitted}]};
 * NULL with *rc and e set. A new reference. */
json_t *hub_anon_list(struct hub *h, const char *name, int *rc, struct err *e);

/* name edits (text) or deletes (text NULL) their anonymous post handle:
 * a waiting one changes in the queue or is withdrawn; a published one
 * is updated or deleted by the community (Update, Delete). Returns 0,
 * ST_NOTFOUND for a handle that is not name's (whoever asks: the same
 * answer as for a handle that does not exist), ST_GONE when moderators
 * removed it (edit), HUB_INVALID, or ST_*; *queued counts deliveries. */
int hub_anon_change(struct hub *h, const char *name, const char *handle,
    const char *text, int *queued, struct err *e);

/* Moderators' side, inside the caller's transaction. Append the
 * anonymous posts waiting in g to items (as the pending list shows
 * them: {object: "anonymous:ID", author: "anonymous member",
 * anonymous: true, excerpt, held}). */
void hub_anon_pending(
    struct st_txn *t, const struct st_actor *g, json_t *items);
/* Whether what names a waiting anonymous post ("anonymous:ID"). */
int hub_anon_is_review(const char *what);
/* Accept (publish as g's post) or reject the waiting anonymous post
 * what. Returns 0, ST_NOTFOUND or ST_*. */
int hub_anon_review(struct st_txn *t, struct hub *h, const struct st_actor *g,
    const char *what, int accept, int *queued);

#endif
