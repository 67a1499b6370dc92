/* inbox.h: the inbox routes (per actor and shared). */
#ifndef HUB_INBOX_H
#define HUB_INBOX_H

#include <stdint.h>

struct http_req;

/* On headers alone: content type, a signature, an inbox that exists. */
int inbox_precheck(struct http_req *r);
/* The whole request: verify, read, apply; answers 202 when durable. */
int inbox_route(struct http_req *r);

/* The signer of a GET, when it is signed. Returns 0 with *signer the
 * verified actor's id (0: not signed); or 1 when the request is handled
 * already (*rc to return: a 401 queued, or suspended while the signer's
 * key is fetched, after which the handler runs again). */
int signed_get(struct http_req *r, uint64_t *signer, int *rc);

/* Free the cache of parsed keys (at exit). */
void inbox_keys_free(void);

#endif
