/* st_featured.h: the notes this hub's admins and editors feature on the
 * home page and in the instance actor's featured collection, newest
 * featured first, at most ST_FEATURED_MAX. A database of its own, so
 * that older programs, which never open it, read the rest unchanged:
 * no schema bump (a program without it shows no featured notes, and
 * a note it deletes stays listed until a reader skips it: readers
 * check every note anyway, see st_featured_page). */
#ifndef HUB_ST_FEATURED_H
#define HUB_ST_FEATURED_H

#include <stdint.h>

struct st_txn;

#define ST_FEATURED_MAX 50 /* notes kept; featuring more drops the oldest */

struct st_featured {
	uint64_t note;	/* object id */
	uint64_t since; /* seconds since 1970 */
	uint64_t by;	/* actor id of who featured it, 0: the operator */
};

/* Feature note (a write transaction), newest first. ST_EXISTS when it
 * is featured already (nothing changes); when ST_FEATURED_MAX are
 * featured, the one featured longest ago is dropped. */
int st_featured_add(
    struct st_txn *t, uint64_t note, uint64_t by, uint64_t since);
/* Stop featuring note; ST_NOTFOUND when it was not featured. */
int st_featured_del(struct st_txn *t, uint64_t note);
/* Whether note is featured (1) or not (0). */
int st_featured_has(struct st_txn *t, uint64_t note);
/* Up to max entries, newest featured first. Returns the count (>= 0) or
 * a negative ST_* code. Entries are not checked: the note may have
 * been deleted or made private since (by an older program), so callers
 * skip what is no longer a public note. */
int st_featured_page(struct st_txn *t, struct st_featured *items, int max);

#endif
