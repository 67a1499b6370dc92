/* group_view.h: what a member sees of communities — the directory of this
 * hub's communities, the communities they have joined, a community's
 * posts — and moderators' answers to join requests. Used by hubd (the
 * member API) and hubctl alike, so both show the same data. */
#ifndef HUB_GROUP_VIEW_H
#define HUB_GROUP_VIEW_H

#include <stdint.h>

#include <jansson.h>

struct err;
struct hub;
struct st_txn;

#define HUB_PAGE_MAX 100 /* items of one page, at most */

/* The directory of this hub's communities: {"items": [{name, id, title,
 * summary, members (accepted followers), posts, locked, moderated,
 * restricted, created}], "next"?: the name to pass as after for the next
 * page}. by_name: in name order (after: names after it), else newest
 * first (after: the name the previous page ended with). limit is 1 to
 * HUB_PAGE_MAX. Returns NULL with *rc set (ST_NOTFOUND: after is not a
 * community) and e saying why. A new reference. */
json_t *hub_group_directory(struct hub *h, int by_name, const char *after,
    int limit, int *rc, struct err *e);
/* The same, read in the caller's transaction t. */
json_t *hub_group_directory_tx(struct st_txn *t, int by_name, const char *after,
    int limit, int *rc, struct err *e);

/* The communities (here and elsewhere) the member named who follows:
 * {"items": [{id, name, handle, title, local, state: "accepted" |
 * "pending"}]}, in the order they are known here. NULL with *rc and e set
 * when there is no such member. A new reference. */
json_t *hub_group_joined(
    struct hub *h, const char *who, int *rc, struct err *e);
/* The same, read in the caller's transaction t. */
json_t *hub_group_joined_tx(
    struct st_txn *t, const char *who, int *rc, struct err *e);

/* The posts the local community group passed on, newest first: {"items":
 * [fed_group_post_json], "next"?: the max_id of the next page}; before:
 * 0 for the newest, else a max_id given as next. Any member (reader)
 * may read a public community's; a private one's only its members (and
 * the operator: reader NULL), else HUB_FORBIDDEN. NULL with *rc
 * (ST_NOTFOUND: no such community) and e set. A new reference. */
json_t *hub_group_timeline(struct hub *h, const char *group, const char *reader,
    uint64_t before, int limit, int *rc, struct err *e);

/* A moderator of the closed community group (the member named by; NULL:
 * the operator) accepts or rejects the join request of the actor whose
 * URL is who (hub_follow_answer). Returns 0, ST_NOTFOUND, HUB_FORBIDDEN
 * or ST_*; e says why. */
int hub_group_answer(struct hub *h, const char *group, const char *who,
    int accept, const char *by, int *queued, struct err *e);

#endif
