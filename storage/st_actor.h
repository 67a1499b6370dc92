/* st_actor.h: actor records (local members, communities, the instance
 * actor), the one name space of local names, accounts (secrets) and API
 * tokens. Secrets live only in the accounts database and never in an
 * st_actor. */
#ifndef HUB_ST_ACTOR_H
#define HUB_ST_ACTOR_H

#include <stddef.h>
#include <stdint.h>

struct st_txn;

enum st_actor_kind {
	ST_AK_PERSON = 1,
	ST_AK_GROUP = 2,
	ST_AK_APPLICATION = 3,
};

#define ST_AF_LOCAL    0x01
#define ST_AF_DISABLED 0x02
#define ST_AF_DELETED  0x04
#define ST_AF_LOCKED   0x08 /* manuallyApprovesFollowers */
/* Communities only: members' posts wait for a moderator; only moderators
 * start threads (Lemmy's postingRestrictedToMods). */
#define ST_AF_MODERATED	 0x10
#define ST_AF_RESTRICTED 0x20
/* Communities only: a safe place to discuss: posts go to members only,
 * are served to members' signed fetches only; joining is approved. */
#define ST_AF_PRIVATE 0x40
/* Members only: signed up, waiting for an admin's approval (with
 * ST_AF_DISABLED until then). */
#define ST_AF_PENDING 0x80

enum st_role {
	ST_ROLE_MEMBER,
	ST_ROLE_MODERATOR,
	ST_ROLE_EDITOR,
	ST_ROLE_ADMIN
};

struct st_actor {
	uint64_t id;
	uint8_t kind;	      /* enum st_actor_kind */
	uint8_t flags;	      /* ST_AF_* */
	uint8_t role;	      /* enum st_role */
	uint64_t created;     /* seconds since 1970 */
	uint64_t last_active; /* seconds since 1970 */
	uint64_t posts;	      /* local notes published, not deleted */
	char *name;	      /* local name, or preferredUsername */
	char *display_name;
	char *summary; /* plain text for local actors */
	char *iri;
	char *pubkey_pem;
	char *inbox;
	char *shared_inbox; /* "" when the actor has none */
	char *key_id;	    /* publicKey.id, "<actor>#main-key" */
	uint64_t fetched;   /* remote actors: when the document was read */
	/* Remote actors (NULL or "" when unknown): their avatar (an https
	 * URL, at most ST_ACTOR_URL_MAX bytes) and their profile page's URL
	 * (url). Their summary is HTML, sanitized on ingest. */
	char *icon;
	char *url;
};

#define ST_ACTOR_URL_MAX 500

/* Free the strings of a (and zero it). */
void st_actor_clear(struct st_actor *a);
/* Store a (insert or replace), with its counters. */
int st_actor_put(struct st_txn *t, const struct st_actor *a);
/* Change only the counters: posts by posts_delta (not below 0), and
 * last_active to active when that is later. */
int st_actor_touch(
    struct st_txn *t, uint64_t id, int64_t posts_delta, uint64_t active);
/* Load actor id into a (strings owned by a: st_actor_clear). */
int st_actor_get(struct st_txn *t, uint64_t id, struct st_actor *a);

/* Encode/decode the record (without the counters), exposed for the unit
 * tests. encode returns the size written (or needed, when cap is too
 * small), decode 0 or ST_EIO. */
size_t st_actor_encode(const struct st_actor *a, unsigned char *p, size_t cap);
int st_actor_decode(
    const unsigned char *p, size_t n, uint64_t id, struct st_actor *a);

/* A remote actor, by its IRI: insert with a fresh id, or update the one
 * stored (a->id is set). Its IRI and key id both map to it; a key id
 * already claimed by another actor is refused (ST_EXISTS). */
int st_actor_upsert_remote(struct st_txn *t, struct st_actor *a);
/* The actor whose IRI or key id is iri (strings owned by a). */
int st_actor_by_iri(struct st_txn *t, const char *iri, struct st_actor *a);

/* The local name space: members and communities share it. put fails
 * with ST_EXISTS when the name is taken (even by a deleted actor). */
int st_name_get(struct st_txn *t, const char *name, uint64_t *id);
int st_name_put(struct st_txn *t, const char *name, uint64_t id);
/* Call cb for each local actor id in name order; stop when cb != 0. */
int st_name_each(struct st_txn *t,
    int (*cb)(void *ctx, const char *name, uint64_t id), void *ctx);

/* Account secrets. Strings returned by get are malloc'd: the caller wipes
 * and frees them. */
int st_account_put(struct st_txn *t, uint64_t id, const char *pw_hash,
    const char *privkey_pem);
int st_account_get(
    struct st_txn *t, uint64_t id, char **pw_hash, char **privkey_pem);

/* API tokens, stored by their SHA-256 digest (32 bytes). */
int st_token_put(struct st_txn *t, const unsigned char digest[32],
    uint64_t actor, uint64_t created);
int st_token_get(
    struct st_txn *t, const unsigned char digest[32], uint64_t *actor);

#endif
