/* inbox.h: the inbox routes (per actor and shared). */
#ifndef HUB_INBOX_H
#define HUB_INBOX_H

struct http_req;

/* On headers alone: content type, a signature, an inbox that exists. */
int inbox_precheck(struct http_req *r);
/* The whole request: verify, read, apply; answers 202 when durable. */
int inbox_route(struct http_req *r);

#endif
