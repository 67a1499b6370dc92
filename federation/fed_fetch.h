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

#include <jansson.h>
#include <openssl/evp.h>

#include "buf.h"

struct err;
struct st_actor;

#define FED_FETCH_MAX	    (1024 * 1024)
#define FED_FETCH_REDIRECTS 3
#define FED_ACCEPT_AS \
	"application/activity+json, application/ld+json; " \
	"profile=\"https://www.w3.org/ns/activitystreams\""

struct fed_fetch_cfg {
	int allow_private;	/* tests and closed networks only */
	long timeout;		/* seconds, whole request */
	const char *ca_file;	/* NULL or "": the system's */
	const char *user_agent;
	const char *key_id;	/* sign GETs as this key (NULL: unsigned) */
	EVP_PKEY *key;
};

struct fed_doc {
	long status;
	char type[128];		/* Content-Type, lowercase, no parameters */
	char url[1024];		/* where the document came from at last */
	struct buf body;	/* free with buf_free */
};

/* GET url with Accept: accept. Returns 0 with d filled (any status), or -1
 * with e saying why nothing usable came back (refused address, too many
 * redirects, too large, timeout, connection failure). */
int fed_fetch(const struct fed_fetch_cfg *c, const char *url,
    const char *accept, struct fed_doc *d, struct err *e);

/* POST an activity to inbox, signed as key_id/key (draft-cavage, with a
 * Digest). No redirects are followed. Returns 0 with *status set, or -1
 * with e set (refused address, timeout, connection failure). */
int fed_post(const struct fed_fetch_cfg *c, const char *inbox,
    const char *body, size_t len, const char *key_id, EVP_PKEY *key,
    long *status, struct err *e);

/* An ActivityPub document: status 200, an ActivityStreams content type,
 * a JSON object whose "id" is url. Returns a new reference or NULL. */
json_t *fed_fetch_json(const struct fed_fetch_cfg *c, const char *url,
    struct err *e);

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

/* The authority of url (after "://", up to / ? or #) into out. */
void fed_url_host(const char *url, char *out, size_t cap);

/* Whether an address may not be fetched unless private ones are allowed:
 * loopback, private, link-local, CGNAT, multicast, reserved, and the IPv4
 * forms inside IPv6 (mapped, NAT64). */
int fed_address_private(const struct sockaddr *sa);

#endif
