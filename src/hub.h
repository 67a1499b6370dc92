/* hub.h: what members and admins do — create actors, publish and delete
 * notes, manage roles and tokens — on top of storage/ and federation/.
 * Used by hubd (HTTP) and hubctl (command line) alike. */
#ifndef HUB_HUB_H
#define HUB_HUB_H

#include <stddef.h>
#include <stdint.h>

struct config;
struct err;
struct st_db;
struct st_actor;
struct st_txn;
struct topics;
struct json_t;

/* Codes beyond storage's ST_* (which pass through unchanged). */
#define HUB_INVALID    (-20) /* the input is not acceptable; e says why */
#define HUB_TAKEN      (-21) /* the name is in use */
#define HUB_FORBIDDEN  (-22) /* the actor may not do this */
#define HUB_NEED_FETCH (-23) /* needs a remote lookup: retry may_fetch */
#define HUB_PII	       (-24) /* likely patient identifiers: e says where */
#define HUB_REVIEW     (-25) /* the content type is reviewed first (review.h) */

#define HUB_TEXT_MAX	 5000 /* characters of a note, as Mastodon's 500 x10 */
#define HUB_PASSWORD_LEN 20

struct fed_deliver;
struct fed_fetch_cfg;
struct worker;

struct hub {
	const struct config *cfg;
	struct st_db *db;
	struct fed_deliver *deliver; /* hubd only: the delivery worker */
	struct worker *fetcher;	     /* hubd only: blocking fetches */
	struct worker *api_worker;   /* hubd only: members' blocking calls */
	/* hubd only: web pages' lookups of people and posts elsewhere, so
	 * a slow server never holds up sign-ins and posts. */
	struct worker *lookup_worker;
	void *instance_key; /* EVP_PKEY, parsed once when first needed */
	/* The topic vocabulary (topics.h) learning posts are checked
	 * against; NULL: none (every topic is unknown). Borrowed. */
	const struct topics *topics;
};

/* Open the data of cfg (create: make it if missing). */
int hub_open(
    struct hub *h, const struct config *cfg, int create, struct err *e);
void hub_close(struct hub *h);
/* Make the instance actor if missing; safe to run again. */
int hub_init(struct hub *h, struct err *e);

enum hub_kind { HUB_PERSON = 1, HUB_GROUP = 2 };

struct hub_actor_new {
	int kind; /* enum hub_kind */
	const char *name;
	const char *display_name; /* NULL: none */
	const char *summary;	  /* plain text, NULL: none */
	int role;		  /* enum st_role */
	int locked;
	int moderated;	      /* communities: posts wait for a moderator */
	int restricted;	      /* communities: only moderators start threads */
	int private_;	      /* communities: members only (implies locked) */
	const char *password; /* NULL: generate (persons only) */
	int no_login;	      /* no password at all (imports) */
	int pending; /* members: signed up, waits for an admin (disabled) */
	const char *priv_pem, *pub_pem; /* NULL: make a new key pair */
};

/* Create a local actor with a fresh RSA-2048 key (or the given pair).
 * When in->password is NULL for a person (and no_login is not set), a
 * generated password is written to gen_password (cap > HUB_PASSWORD_LEN).
 * Returns 0, HUB_INVALID, HUB_TAKEN or ST_*. */
int hub_actor_create(struct hub *h, const struct hub_actor_new *in,
    char *gen_password, size_t cap, struct err *e);

/* An argon2id hash of pw (malloc'd; wipe with fed_secret_free), or NULL
 * when out of memory or randomness. */
char *hub_password_hash(const char *pw);

int hub_user_set_role(struct hub *h, const char *name, int role, struct err *e);
int hub_user_set_disabled(
    struct hub *h, const char *name, int disabled, struct err *e);
/* Delete a local actor: its documents become Tombstones (410), its
 * notes are deleted, its name stays taken. */
int hub_user_delete(struct hub *h, const char *name, struct err *e);
/* Approve a member who signed up and waits (ST_AF_PENDING): both
 * ST_AF_PENDING and ST_AF_DISABLED are cleared, so they can sign in.
 * HUB_INVALID when they are not waiting. */
int hub_user_approve(struct hub *h, const char *name, struct err *e);

/* How a note is published. */
struct hub_post_opts {
	int vis;		 /* enum st_vis; direct: only those mentioned */
	const char *cw;		 /* content warning, or NULL */
	const char *in_reply_to; /* IRI of a note known here, or NULL */
	const char *edit;	 /* hub_post_publish: IRI of the note to edit */
	const char *group; /* a community of this hub to post into, or NULL */
	int may_fetch;	   /* look up unknown remote mentions (blocks) */
	/* A learning post: its fields in the API shape (learning.h), not
	 * yet validated; text is then unused (may be NULL). NULL: a note. */
	const struct json_t *learning;
	/* Set only by review.c when an editor approves draft (never from a
	 * request): a learning post of a type that needs review may then be
	 * published, with "reviewed" in its learning object; pii_override
	 * skips the patient-identifier guard (the editor gave a reason). */
	uint64_t draft;
	int pii_override;
};

/* Publishing a note in two steps, so HTTP handlers can do the CPU work
 * on their own thread and hand only the write to the writer:
 * prepare (validate, render, resolve mentions) then apply (st_write_fn).
 * Mentions ("@name", "@user@host") become Mention tags and links and are
 * addressed (cc, or to for direct notes) and delivered to; a reply
 * addresses the author replied to. prepare returns NULL with
 * HUB_NEED_FETCH when a mentioned remote actor is not known yet and
 * may_fetch is not set. */
struct hub_post;
struct hub_post *hub_post_prepare(struct hub *h, const char *name,
    const char *text, const struct hub_post_opts *opts, int *rc, struct err *e);
int hub_post_apply(struct st_txn *t, void *post, struct err *e);
/* Make p an edit of the note at iri (before hub_edit_apply). */
int hub_post_set_edit(
    struct hub *h, struct hub_post *p, const char *iri, struct err *e);
/* st_write_fn: replace the note's text (author only), keeping its id,
 * audience and time, with "updated" set; send Update where it went. */
int hub_edit_apply(struct st_txn *t, void *post, struct err *e);
/* After a successful apply: the note's IRI (borrowed from p). */
const char *hub_post_iri(const struct hub_post *p);
void hub_post_free(struct hub_post *p);
/* Deliveries the note's publication queued (after a successful apply). */
int hub_post_queued(const struct hub_post *p);
/* The log line for a published note (no I/O: safe on the writer). */
void hub_post_event(const struct hub_post *p, char *out, size_t cap);
/* prepare + durable write (an edit when opts->edit is set); iri_out
 * receives the note's IRI. */
int hub_post_publish(struct hub *h, const char *name, const char *text,
    const struct hub_post_opts *opts, char *iri_out, size_t cap, struct err *e);

/* name likes or boosts (type: ST_REACT_LIKE, ST_REACT_ANNOUNCE) the note
 * at iri, known here, or with undo takes it back. The Like goes to the
 * author; a boost to the member's followers and the author. */
int hub_react(struct hub *h, const char *name, const char *iri, int type,
    int undo, int *already, int *queued, struct err *e);

/* Whether text (and cw, may be NULL) may be a note's: UTF-8 without
 * control characters, not empty, at most HUB_TEXT_MAX characters.
 * Returns 0 or HUB_INVALID (e says why). */
int hub_text_check(const char *text, const char *cw, struct err *e);
/* Whether text and cw (may be NULL) are free of likely patient
 * identifiers (pii.h). Returns 0, or HUB_PII with e saying the first
 * finding's place (line, column), kind and advice, never the matched
 * text itself (so it is safe to log). */
int hub_pii_check(const char *text, const char *cw, struct err *e);
/* Inside t: delete the local note id as its author would (Delete to
 * whom it reached, Tombstone, 410). */
int hub_note_delete_tx(struct st_txn *t, uint64_t id, struct err *e);
/* Store the local note o (its JSON note), its Create (o->parent, at
 * act_iri: the note serialized once, the Create spliced around it) and
 * its owner's outbox entry (the Create's bytes again, so outbox pages
 * are one range scan), replacing the old entry when replace is set. */
struct st_obj;
struct json_t;
int hub_note_store(struct st_txn *t, struct st_obj *o, const char *act_iri,
    const struct json_t *note, int replace);

/* Delete a local note by its IRI. by: the member asking (their own notes
 * only), or 0 for an admin. */
int hub_post_delete(struct hub *h, const char *iri, uint64_t by, struct err *e);

/* name (a locked member) accepts or rejects the pending follow request
 * of the actor whose IRI is who; the answer is queued to them. */
int hub_follow_answer(struct hub *h, const char *name, const char *who,
    int accept, int *queued, struct err *e);

/* A community's moderators and bans (kind: ST_GL_MOD, ST_GL_BAN_ACTOR
 * with what a member's name, an actor's URL or a handle @user@host
 * (looked up: blocks), ST_GL_BAN_HOST with what a host), added or
 * removed, by the member named by (NULL: the operator): bans by the
 * community's moderators and the hub's admins, moderators by admins
 * only. A ban also ends the membership; banned actors' posts are not
 * announced and their Follows are refused. Returns 0, ST_NOTFOUND (no
 * such community or actor), HUB_FORBIDDEN or ST_*; e says why. */
int hub_group_list(struct hub *h, const char *group, int kind, const char *what,
    int add, const char *by, struct err *e);

/* A moderator (the member named by; NULL: the operator) removes the post
 * at iri from the community: it is no longer announced (Undo of the
 * community's Announce for microblog software, Announce{Delete} for
 * FEP-1b12 software, fed_group_take_out). Returns 0, ST_NOTFOUND,
 * HUB_FORBIDDEN or ST_*; e says why. */
int hub_group_remove(struct hub *h, const char *group, const char *iri,
    const char *by, struct err *e);

/* The actor id of the local actor name. */
int hub_member_id(struct hub *h, const char *name, uint64_t *id);

/* A new API token for name, written (64 hex chars + NUL) to out. Only
 * its SHA-256 is stored. */
int hub_token_create(
    struct hub *h, const char *name, char out[65], struct err *e);
/* The actor id of a token, or ST_NOTFOUND. */
int hub_token_check(struct hub *h, const char *token, uint64_t *actor);

/* The fetch settings of this hub, unsigned (ua: a buffer for the user
 * agent the settings point to). */
void hub_fetch_settings(
    struct hub *h, struct fed_fetch_cfg *c, char *ua, size_t ucap);
/* The fetch settings of this hub, signing as the instance actor. The key
 * is loaded into c->key (EVP_PKEY_free it); key_id and ua are buffers
 * the settings point into. Returns 0 or ST_NOINIT. */
int hub_fetch_cfg(struct hub *h, struct fed_fetch_cfg *c, char *key_id,
    size_t kcap, char *ua, size_t ucap);
/* Fetch the actor document at iri (or, for a key id, its owner's), check
 * and store it. */
int hub_fetch_actor(struct hub *h, const struct fed_fetch_cfg *c,
    const char *iri, struct st_actor *a, struct err *e);

/* Look up a remote actor by handle ("@bob@host.example") or URL, fetch
 * and check its document (signed GET as the instance actor), and store
 * it. *a receives it (strings owned by a: st_actor_clear). */
int hub_resolve(
    struct hub *h, const char *what, struct st_actor *a, struct err *e);

/* name (local member) follows, or with undo stops following, the remote
 * actor what (handle or URL, resolved first). The Follow or Undo is
 * queued for delivery by hubd. *already is set when nothing was to do. */
int hub_follow(struct hub *h, const char *name, const char *what, int undo,
    int *already, struct err *e);

/* Names of roles and visibilities, and their parsers (-1 when unknown). */
const char *hub_role_name(int role);
/* Whether a member with role moderates the hub: moderators and admins
 * (editors review learning, they do not moderate). */
int hub_role_moderates(int role);
/* Whether a member with role reviews learning posts: editors and
 * admins. */
int hub_role_reviews(int role);
int hub_role_parse(const char *s);
const char *hub_vis_name(int vis);
int hub_vis_parse(const char *s);

/* The IRI of a local actor: BASE/users/NAME or BASE/c/NAME. */
void hub_actor_iri(
    const struct hub *h, int kind, const char *name, char *out, size_t cap);

#endif
