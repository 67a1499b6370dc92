/* st_anon.h: anonymous posts to communities. The one place where an
 * anonymous post and its author meet: a draft, keyed by its author and a
 * random handle that only the author is told, and, while it waits for a
 * moderator, a queue entry keyed by the community and a second random
 * id (the review id moderators see). Nothing else in the hub links the
 * two; doc/communities.md ("Anonymous sharing") says what this table
 * still tells whoever can read the LMDB files. */
#ifndef HUB_ST_ANON_H
#define HUB_ST_ANON_H

#include <stddef.h>
#include <stdint.h>

struct st_txn;

#define ST_ANON_ID 16 /* bytes of a handle or a review id (random) */

enum st_anon_state {
	ST_ANON_WAITING = 1,   /* in the community's queue */
	ST_ANON_PUBLISHED = 2, /* note is the community's post */
	ST_ANON_REJECTED = 3,  /* a moderator said no */
};

struct st_anon {
	unsigned char handle[ST_ANON_ID]; /* the author's reference */
	unsigned char review[ST_ANON_ID]; /* the moderators' reference */
	uint64_t author, group;
	uint64_t note; /* the published note's id (0 until published) */
	uint64_t day;  /* day submitted (seconds since 1970, at midnight) */
	uint8_t state, vis;
	char *text; /* the author's text (owned: st_anon_clear) */
};

/* Store d (a new draft or a changed one). The queue entry is written
 * while d->state is ST_ANON_WAITING and removed otherwise. */
int st_anon_put(struct st_txn *t, const struct st_anon *d);
/* The author's draft with this handle into *d (st_anon_clear), or
 * ST_NOTFOUND. */
int st_anon_get(struct st_txn *t, uint64_t author,
    const unsigned char handle[ST_ANON_ID], struct st_anon *d);
/* The waiting draft of group with this review id, or ST_NOTFOUND. */
int st_anon_by_review(struct st_txn *t, uint64_t group,
    const unsigned char review[ST_ANON_ID], struct st_anon *d);
/* Forget the draft (and its queue entry). */
int st_anon_del(struct st_txn *t, const struct st_anon *d);
/* Call cb with each of author's drafts (author 0, group set: each
 * draft waiting in group, in the order of their random review ids);
 * d is valid during the call only. Stops when cb returns nonzero. */
int st_anon_each(struct st_txn *t, uint64_t author, uint64_t group,
    int (*cb)(void *ctx, const struct st_anon *d), void *ctx);
void st_anon_clear(struct st_anon *d);

#endif
