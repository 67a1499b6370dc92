/* st_social.h: what people do with notes and to each other — replies,
 * likes and boosts, notifications, and reports (Flag) for moderators. */
#ifndef HUB_ST_SOCIAL_H
#define HUB_ST_SOCIAL_H

#include <stddef.h>
#include <stdint.h>

struct st_txn;

/* Replies: parent note id -> reply note id, oldest first. */
int st_reply_add(struct st_txn *t, uint64_t parent, uint64_t reply);
int st_reply_del(struct st_txn *t, uint64_t parent, uint64_t reply);
/* Up to max reply ids of parent after id "after" (0: from the oldest).
 * Returns the count or a negative code; *more when others remain. */
int st_reply_page(struct st_txn *t, uint64_t parent, uint64_t after,
    uint64_t *ids, int max, int *more);
int st_reply_count(struct st_txn *t, uint64_t parent, uint64_t *n);

/* Likes and boosts of a note, one per actor, with the activity's id. */
enum st_react { ST_REACT_LIKE = 1, ST_REACT_ANNOUNCE = 2 };
/* ST_EXISTS when actor already did it. */
int st_react_put(struct st_txn *t, uint64_t note, int type, uint64_t actor,
    uint64_t activity);
int st_react_get(struct st_txn *t, uint64_t note, int type, uint64_t actor,
    uint64_t *activity);
int st_react_del(struct st_txn *t, uint64_t note, int type, uint64_t actor);
int st_react_count(struct st_txn *t, uint64_t note, int type, uint64_t *n);

/* Notifications of a local actor, newest first. */
enum st_notify_type {
	ST_N_FOLLOW = 1,
	ST_N_FOLLOW_REQUEST = 2,
	ST_N_MENTION = 3,
	ST_N_REPLY = 4,
	ST_N_ANNOUNCE = 5,
	ST_N_LIKE = 6,
	ST_N_UPDATE = 7, /* a note they boosted or replied to was edited */
	ST_N_REVIEW_RETURNED = 8,  /* an editor returned their draft */
	ST_N_REVIEW_PUBLISHED = 9, /* an editor published it (object) */
};
struct st_notification {
	uint64_t id;	 /* set by st_notify_add */
	uint8_t type;	 /* enum st_notify_type */
	uint64_t actor;	 /* who did it */
	uint64_t object; /* the note concerned (0: none) */
	uint64_t time;	 /* seconds since 1970 */
};
int st_notify_add(struct st_txn *t, uint64_t owner, struct st_notification *n);
/* Up to max of owner's notifications older than before (0: newest).
 * Returns the count or a negative code; *more when older ones remain. */
int st_notify_page(struct st_txn *t, uint64_t owner, uint64_t before,
    struct st_notification *items, int max, int *more);
const char *st_notify_name(int type);

/* Reports for moderators: the Flag (an object id), who sent it, the
 * actor reported (0: unknown here) and the local community whose
 * moderators it is for (0: none, the hub's admins only). */
struct st_report {
	uint64_t id; /* set by st_report_add */
	uint64_t flag, reporter, target, time, group;
};
/* Kept in the hub's list and, when r->group is set, in that
 * community's. */
int st_report_add(struct st_txn *t, struct st_report *r);
/* Up to max reports older than before (0: newest), newest first. */
int st_report_page(struct st_txn *t, uint64_t before, struct st_report *items,
    int max, int *more);
/* The same, of one community's list. */
int st_report_page_of(struct st_txn *t, uint64_t group, uint64_t before,
    struct st_report *items, int max, int *more);

/* Posts held for review in a moderated community: the note, its author
 * and when it was held. */
struct st_pending {
	uint64_t note, author, time;
};
/* Hold p (holding it again changes nothing but its time). */
int st_pending_put(
    struct st_txn *t, uint64_t group, const struct st_pending *p);
/* ST_NOTFOUND when the note is not held there. */
int st_pending_get(
    struct st_txn *t, uint64_t group, uint64_t note, struct st_pending *p);
int st_pending_del(struct st_txn *t, uint64_t group, uint64_t note);
/* Up to max held posts of group after note id after (0: from the
 * oldest), oldest first. Returns the count or a negative code; *more
 * when others remain. */
int st_pending_page(struct st_txn *t, uint64_t group, uint64_t after,
    struct st_pending *items, int max, int *more);

/* A community's lists: its moderators (actor IRIs) and bans (actor IRIs
 * or hosts). */
enum st_glist { ST_GL_MOD = 1, ST_GL_BAN_ACTOR = 2, ST_GL_BAN_HOST = 3 };
int st_glist_put(struct st_txn *t, uint64_t group, int kind, const char *what);
int st_glist_del(struct st_txn *t, uint64_t group, int kind, const char *what);
/* 1 when listed, 0 when not. */
int st_glist_has(struct st_txn *t, uint64_t group, int kind, const char *what);
/* Call cb with each entry of the list, in order; stop when it returns
 * nonzero. */
int st_glist_each(struct st_txn *t, uint64_t group, int kind,
    int (*cb)(void *ctx, const char *what, size_t len), void *ctx);

#endif
