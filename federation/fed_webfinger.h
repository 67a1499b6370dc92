/* fed_webfinger.h: local names, the WebFinger resource parser and the
 * JRD document (RFC 7033). */
#ifndef HUB_FED_WEBFINGER_H
#define HUB_FED_WEBFINGER_H

#include <stddef.h>
#include <jansson.h>

/* Local names: 1 to 30 of a-z, 0-9 and '_', compared without case.
 * Copy in, lowercased, to out (cap >= 31). Returns 0, or -1 when in is
 * not a valid name. */
int fed_name_normalize(const char *in, char *out, size_t cap);

/* Whether a valid name is reserved for the hub's own pages and routes. */
int fed_name_reserved(const char *name);

enum fed_wf {
	FED_WF_NAME = 0,       /* a local name, in name */
	FED_WF_INSTANCE = 1,   /* the instance actor */
	FED_WF_MALFORMED = -1, /* not a resource we can read: 400 */
	FED_WF_ELSEWHERE = -2, /* another host, or not an actor: 404 */
};

/* Read a WebFinger resource: "acct:name@host" (also without "acct:" and
 * with a leading '@'), or an actor URL of this hub (base_url + "/users/
 * name", "/c/name", "/@name", "/actor"). host is our authority as in
 * base_url ("hub.example", "127.0.0.1:8080"). Writes the lowercased name
 * to name (cap >= 31) for FED_WF_NAME. */
enum fed_wf fed_webfinger_parse(const char *resource, const char *host,
    const char *base_url, char *name, size_t cap);

/* The JRD for an actor: subject (e.g. "acct:alice@hub.example"), aliases
 * and links rel=self (application/activity+json) and profile-page.
 * Returns a new reference, or NULL when out of memory. */
json_t *fed_webfinger_jrd(
    const char *subject, const char *actor_iri, const char *profile_url);

#endif
