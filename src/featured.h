/* featured.h: the notes admins and editors feature for everyone: first
 * on the home page and in the instance actor's featured collection
 * (/actor/collections/featured). Public notes only, local or remote;
 * deleting a note takes it off the list in the same transaction, and
 * readers skip any that stopped being a public note another way. */
#ifndef HUB_FEATURED_H
#define HUB_FEATURED_H

#include <stddef.h>
#include <stdint.h>

struct err;
struct hub;
struct st_featured;
struct st_obj;
struct st_txn;

/* Feature the note at iri (on), or stop featuring it (!on), for the
 * local member by (who must be an admin or an editor), or for the
 * operator (by NULL: hubctl). Featuring a featured note changes
 * nothing. Returns 0; ST_NOTFOUND (no note at iri, or, to stop, it is
 * not featured); ST_GONE (deleted); HUB_INVALID (not a public note, or
 * its server is blocked); HUB_FORBIDDEN; or ST_*; e says why, kindly. */
int hub_feature(
    struct hub *h, const char *by, const char *iri, int on, struct err *e);

/* Whether the member with role may feature notes. */
int hub_role_features(int role);

/* Call cb for the featured notes that are still public notes of a
 * server that is not blocked, newest featured first, until max were
 * given or cb returns nonzero. js, len: the note's stored JSON, valid
 * during the call only. Returns 0 or a negative ST_* code. */
int hub_featured_each(struct st_txn *t, int max,
    int (*cb)(void *ctx, const struct st_featured *f, const struct st_obj *o,
	const char *js, size_t len),
    void *ctx);

/* Whether the note id is featured (one short scan in t). */
int hub_featured_has(struct st_txn *t, uint64_t id);

#endif
