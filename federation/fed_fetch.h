/* fed_fetch.h: fetching remote documents, never blindly (DESIGN rule 7):
 * only http(s); addresses checked after DNS resolution (no private,
 * loopback, link-local or multicast address unless allowed); at most 3
 * redirects, each checked and signed again; bodies capped at 1 MiB after
 * decompression; connect and total timeouts; every GET signed with the
 * instance actor's key (draft-cavage), so servers in authorized-fetch
 * mode answer. On top: the WebFinger client and remote actor documents. */
#ifndef HUB_FED_FETCH_H
#define HUB_FED_FETCH_H

#include <stddef.h>
#include <sys/socket.h>

#include <curl/curl.h>
#include <jansson.h>
#include <openssl/evp.h>

#include "buf.h"

struct err;
struct fed_post;
struct st_actor;

#define FED_FETCH_MAX	    (1024 * 1024)
#define FED_FETCH_REDIRECTS 3
#define FED_ACCEPT_AS                                                          \
	"application/activity+json, application/ld+json; "                     \
	"profile=\"https://www.w3.org/ns/activitystreams\""

struct fed_fetch_cfg {
	int allow_private;   /* tests and closed networks only */
	long timeout;	     /* seconds, whole request */
	const char *ca_file; /* NULL or "": the system's */
	const char *user_agent;
	const char *key_id; /* sign GETs as this key (NULL: unsigned) */
	EVP_PKEY *key;
	/* The hub's base URL (deliveries: the learning context's URL), or
	 * NULL. */
	const char *base_url;
};

struct fed_doc {
	long status;
	char type[128];	 /* Content-Type, lowercase, no parameters */
	char url[1024];	 /* where the document came from at last */
	struct buf body; /* free with buf_free */
};

/* GET url with Accept: accept. Returns 0 with d filled (any status), or -1
 * with e saying why nothing usable came back (refused address, too many
 * redirects, too large, timeout, connection failure). */
int fed_fetch(const struct fed_fetch_cfg *c, const char *url,
    const char *accept, struct fed_doc *d, struct err *e);

/* A signed POST of an activity to inbox (draft-cavage, with a Digest),
 * for a curl multi handle: the address guard, timeouts, CA file and user
 * agent of fed_fetch, and no redirects. Date and Signature are made now,
 * so create it right before adding it (sign at send time). c and body
 * must outlive it. Returns NULL with e set. */
struct fed_post *fed_post_new(const struct fed_fetch_cfg *c, const char *inbox,
    const char *body, size_t len, const char *key_id, EVP_PKEY *key,
    struct err *e);
/* Its easy handle, owned by p (CURLOPT_PRIVATE is the caller's). */
CURL *fed_post_handle(const struct fed_post *p);
/* Once the transfer is done with rc: 0 with *status and *retry_after (the
 * answer's Retry-After in seconds from now, 0 when none), or -1 with e
 * set when nothing came back (refused address, timeout, no connection). */
int fed_post_result(struct fed_post *p, CURLcode rc, long *status,
    long *retry_after, struct err *e);
/* Free p; remove its handle from any multi handle first. */
void fed_post_free(struct fed_post *p);

/* An ActivityPub document: status 200, an ActivityStreams content type,
 * a JSON object whose "id" is url. Returns a new reference or NULL. */
/* After a failed fed_fetch_json on this thread: 1 when the host did not
 * answer at all (refused address, no connection, timeout), 0 when it
 * answered (an error status, a wrong document). */
int fed_fetch_no_answer(void);
json_t *fed_fetch_json(
    const struct fed_fetch_cfg *c, const char *url, struct err *e);

/* "user@host" or "@user@host" to the actor's IRI through WebFinger
 * (https; http when private addresses are allowed, as in tests). */
int fed_webfinger_resolve(const struct fed_fetch_cfg *c, const char *handle,
    char *iri, size_t cap, struct err *e);

/* Read an actor document into a (remote, id 0; strings owned by a):
 * type, inbox, publicKey whose owner is the actor, ids on the actor's
 * host. Returns 0 or -1 with e set. */
int fed_actor_from_json(const json_t *doc, const char *expect_id,
    struct st_actor *a, struct err *e);

/* scheme://authority of an http(s) url, lowercase, into out; -1 when it
 * is not one. */
int fed_url_origin(const char *url, char *out, size_t cap);

/* The authority of url (after "://", up to / ? or #), lowercase, into
 * out. */
void fed_url_host(const char *url, char *out, size_t cap);

/* Whether an address may not be fetched unless private ones are allowed:
 * loopback, private, link-local, CGNAT, multicast, reserved, and the IPv4
 * forms inside IPv6 (mapped, NAT64). */
int fed_address_private(const struct sockaddr *sa);

#endif
