/* st_session.h: members' browser sessions, stored by the SHA-256 digest
 * of their random token (the token itself is never stored). */
#ifndef HUB_ST_SESSION_H
#define HUB_ST_SESSION_H

#include <stdint.h>

struct st_txn;

#define ST_SESSION_DIGEST 32

/* A new session of actor, created at the given time (seconds). Returns
 * 0, ST_EXISTS or ST_*. */
int st_session_put(struct st_txn *t, const unsigned char *digest,
    uint64_t actor, uint64_t created);
/* The actor and creation time of a session, or ST_NOTFOUND. */
int st_session_get(struct st_txn *t, const unsigned char *digest,
    uint64_t *actor, uint64_t *created);
/* End one session (ST_NOTFOUND if there was none). */
int st_session_del(struct st_txn *t, const unsigned char *digest);
/* End every session of actor except keep (NULL: none kept) and, when
 * before is not 0, except those created at or after before; *n (may be
 * NULL) receives how many ended. */
int st_session_del_actor(struct st_txn *t, uint64_t actor,
    const unsigned char *keep, uint64_t before, unsigned *n);

#endif
