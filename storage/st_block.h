/* st_block.h: domain blocks (defederation): the remote hosts this hub
 * has cut off, each with the public reason the admins gave. Keyed by
 * the host's authority, lowercase ("social.example", "10.0.0.5:8443"),
 * as fed_url_host() gives it. A database of its own, so that older
 * programs, which never open it, read the rest unchanged. */
#ifndef HUB_ST_BLOCK_H
#define HUB_ST_BLOCK_H

#include <stddef.h>
#include <stdint.h>

struct st_txn;

#define ST_BLOCK_REASON_MAX 500 /* bytes of a reason */

struct st_block {
	uint64_t since; /* seconds since 1970 */
	char reason[ST_BLOCK_REASON_MAX + 1];
};

/* Block host (replace the record: a new reason); ST_INVAL for a host
 * that is empty or too long. reason may be NULL (none). */
int st_block_put(
    struct st_txn *t, const char *host, const char *reason, uint64_t since);
/* The record of host into b (may be NULL: only whether it is blocked);
 * 0, or ST_NOTFOUND when host is not blocked. */
int st_block_get(struct st_txn *t, const char *host, struct st_block *b);
/* Unblock host; ST_NOTFOUND when it was not blocked. */
int st_block_del(struct st_txn *t, const char *host);
/* The host of url (or a bare host) as blocks name it: lowercase,
 * without user info, without the default port (443 for https, 80 for
 * http; either for a bare host), without a trailing dot; so that
 * "https://u@Evil.example.:443/x" is "evil.example". Other ports stay:
 * two servers on one address differ by port. */
void st_block_host(const char *url, char *out, size_t cap);
/* Whether the host of url (or a bare host) is blocked, itself or as a
 * subdomain of a blocked domain (not for IP literals or ports). */
int st_block_covers(struct st_txn *t, const char *url);
/* Call cb for every block, in host order; stop when cb returns nonzero.
 * Both pointers are valid during the call only. */
int st_block_each(struct st_txn *t,
    int (*cb)(void *ctx, const char *host, const struct st_block *b),
    void *ctx);

#endif
