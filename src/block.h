/* block.h: domain blocks (defederation), as the admins set them from
 * hubctl and the admin page: a blocked host's inbox POSTs are refused,
 * nothing is delivered to it or fetched from it, and its follow
 * relationships with local actors end when it is blocked. */
#ifndef HUB_BLOCK_H
#define HUB_BLOCK_H

#include <stddef.h>
#include <stdint.h>

struct err;
struct hub;
struct st_txn;

/* The host of what (a host, "host:port" or a URL) as blocks key it:
 * lowercase authority into out. Returns 0, or HUB_INVALID (e says why)
 * when it is not a server's name. */
int hub_block_host(const char *what, char *out, size_t cap, struct err *e);

/* Block host (hub_block_host form) with a public reason (plain text, at
 * most ST_BLOCK_REASON_MAX bytes; may be NULL), by the operator or an
 * admin: in one transaction its queued deliveries are dropped
 * (*dropped) and the follows between its actors and local ones removed
 * (*unfollowed). Blocking again changes the reason. Returns 0,
 * HUB_INVALID or ST_*; e says why. dropped, unfollowed may be NULL. */
int hub_block(struct hub *h, const char *host, const char *reason, int *dropped,
    int *unfollowed, struct err *e);
/* Unblock host; ST_NOTFOUND when it was not blocked. */
int hub_unblock(struct hub *h, const char *host, struct err *e);

/* Whether the host of url is blocked (one read in t). */
int hub_url_blocked(struct st_txn *t, const char *url);
/* Whether actor id is a remote actor of a blocked host (two reads in t;
 * nothing cached, so an unblock shows at once). 0 for local actors and
 * unknown ids. Pages use it to hide a blocked server's content. */
int hub_actor_blocked(struct st_txn *t, uint64_t id);

#endif
