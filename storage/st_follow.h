/* st_follow.h: who follows whom (both directions, kept together), which
 * activities were seen (idempotency), and the delivery queue. */
#ifndef HUB_ST_FOLLOW_H
#define HUB_ST_FOLLOW_H

#include <stddef.h>
#include <stdint.h>

struct st_txn;

enum st_follow_state { ST_FOLLOW_PENDING = 0, ST_FOLLOW_ACCEPTED = 1 };

/* follower follows followee: state and the id of the Follow activity
 * object (to answer or undo it). put replaces. */
int st_follow_put(struct st_txn *t, uint64_t follower, uint64_t followee,
    int state, uint64_t follow_obj);
int st_follow_get(struct st_txn *t, uint64_t follower, uint64_t followee,
    int *state, uint64_t *follow_obj);
int st_follow_del(struct st_txn *t, uint64_t follower, uint64_t followee);

/* Up to max actor ids following who (followers = 1) or followed by who
 * (followers = 0), after id "after" (0: from the start), in id order, of
 * the given state (-1: any). Returns the count or a negative code. */
int st_follow_list(struct st_txn *t, uint64_t who, int followers, int state,
    uint64_t after, uint64_t *ids, int max);
/* How many, of the state (-1: any). */
int st_follow_count(
    struct st_txn *t, uint64_t who, int followers, int state, uint64_t *n);

/* Remember an activity id; ST_EXISTS when it was seen before. */
int st_seen_add(struct st_txn *t, const char *iri, uint64_t now);
int st_seen_has(struct st_txn *t, const char *iri);
/* Forget activity ids seen before `before`, a slice at a time: scan at
 * most max rows from the key in resume (resume_len bytes; 0: from the
 * start), deleting old ones. resume (cap >= 512) receives where to go on
 * (*resume_len 0 once the end was reached); *deleted counts. */
int st_seen_prune(struct st_txn *t, uint64_t before, char *resume,
    size_t *resume_len, int max, int *deleted);

/* A delivery: POST activity (an object id) signed as signer to inbox. */
struct st_job {
	uint64_t id;
	uint64_t due;	   /* seconds since 1970 */
	uint64_t signer;   /* local actor id */
	uint64_t activity; /* object id of the activity's JSON */
	uint32_t tries;
	char inbox[512];
};

/* Queue a delivery due at due; job->id is set. */
int st_queue_add(struct st_txn *t, struct st_job *job);
/* Call cb for each job due at or before now, earliest first, taking at
 * most max; stop when cb returns nonzero, other than ST_SCAN_SKIP (the
 * job was passed over: not counted in max, though at most
 * max * ST_SCAN_SKIP_FACTOR rows are read in all). *next receives the
 * due time of the first job not due yet (0 when none was reached).
 * Returns 0 or a negative code. */
#define ST_SCAN_SKIP	    2
#define ST_SCAN_SKIP_FACTOR 16
int st_queue_scan(struct st_txn *t, uint64_t now, int max,
    int (*cb)(void *ctx, const struct st_job *job), void *ctx, uint64_t *next);
/* The earliest due time, or 0 when the queue is empty. */
uint64_t st_queue_next(struct st_txn *t);
/* Remove a job (sent, or given up). */
int st_queue_del(struct st_txn *t, const struct st_job *job);
/* Move a job to a new due time with tries counted. */
int st_queue_retry(struct st_txn *t, struct st_job *job, uint64_t due);
/* Move a job to a new due time, tries unchanged (it was not sent). */
int st_queue_move(struct st_txn *t, struct st_job *job, uint64_t due);
/* Call cb for every job, earliest first; stop when cb returns nonzero. */
int st_queue_each(struct st_txn *t,
    int (*cb)(void *ctx, const struct st_job *job), void *ctx);
/* Jobs queued, in all. */
int st_queue_count(struct st_txn *t, uint64_t *n);

/* Home timelines: note ids per local actor, newest first on reading. */
int st_timeline_add(struct st_txn *t, uint64_t owner, uint64_t note);
int st_timeline_del(struct st_txn *t, uint64_t owner, uint64_t note);
/* Whether note is on owner's home timeline (1) or not (0). */
int st_timeline_has(struct st_txn *t, uint64_t owner, uint64_t note);
/* Up to max note ids of owner's timeline older than before (0: newest).
 * Returns the count or a negative code; *more when older ones remain. */
int st_timeline_page(struct st_txn *t, uint64_t owner, uint64_t before,
    uint64_t *notes, int max, int *more);

#endif
