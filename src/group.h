/* group.h: what a community's moderators do — review the posts a
 * moderated community holds, read the reports about it — and members'
 * own reports, on top of federation/fed_group. Used by hubd (the member
 * API) and hubctl alike. */
#ifndef HUB_GROUP_H
#define HUB_GROUP_H

#include <jansson.h>

struct err;
struct hub;
struct st_actor;
struct st_txn;

/* The local actor called name (normalized, not deleted) into *a
 * (st_actor_clear), or ST_NOTFOUND. */
int hub_named(struct st_txn *t, const char *name, struct st_actor *a);

/* Whether the member named by may moderate the community named group:
 * its moderators and the hub's admins may (by NULL: the operator, at
 * the command line). Returns 0 with the community in *g (strings owned:
 * st_actor_clear), ST_NOTFOUND when there is no such community, or
 * HUB_FORBIDDEN; e says why, in plain words. */
int hub_group_moderator(struct st_txn *t, const char *group, const char *by,
    struct st_actor *g, struct err *e);

/* The community's posts held for review, oldest first, as {"items":
 * [{object, author, excerpt, held, deleted?}]}; or NULL with *rc and e
 * set (hub_group_moderator's codes). A new reference. */
json_t *hub_group_pending(
    struct hub *h, const char *group, const char *by, int *rc, struct err *e);
/* The community's reports, newest first, as {"items": [{id, created_at,
 * reporter, target, objects, comment, community}]}; as above. */
json_t *hub_group_reports(
    struct hub *h, const char *group, const char *by, int *rc, struct err *e);

/* A moderator accepts (the community announces it) or rejects (it leaves
 * the queue) the held post at iri. Returns 0, hub_group_moderator's
 * codes, ST_NOTFOUND when the post is not held, ST_GONE or
 * HUB_FORBIDDEN when it can no longer be accepted; e says why. */
int hub_group_review(struct hub *h, const char *group, const char *iri,
    int accept, const char *by, int *queued, struct err *e);

/* The member named by reports the note or actor at iri (known here),
 * with comment (plain text, at most 1000 bytes; may be NULL): kept for
 * the hub's admins and for the moderators of the community it concerns.
 * Returns 0, HUB_INVALID, ST_NOTFOUND or ST_*; e says why. */
int hub_report(struct hub *h, const char *by, const char *iri,
    const char *comment, struct err *e);

#endif
