/* st_check.h: consistency checks across the named databases. */
#ifndef HUB_ST_CHECK_H
#define HUB_ST_CHECK_H

struct st_db;

/* Check that every name points to an actor, every outbox entry to a live
 * note and its activity, and that the local post counter matches the
 * outboxes. report(ctx, message) is called per problem. Returns the
 * number of problems (0: consistent) or a negative ST_* code. */
int st_check(
    struct st_db *db, void (*report)(void *ctx, const char *msg), void *ctx);

#endif
