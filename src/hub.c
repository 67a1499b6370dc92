#include "hub.h"

#include <argon2.h>
#include <ctype.h>
#include <jansson.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "block.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "fed_as2.h"
#include "fed_fetch.h"
#include "fed_group.h"
#include "fed_inbox.h"
#include "fed_key.h"
#include "fed_sig.h"
#include "fed_webfinger.h"
#include "group.h"
#include "learning.h"
#include "log.h"
#include "markdown.h"
#include "pii.h"
#include "review.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_featured.h"
#include "st_follow.h"
#include "st_object.h"
#include "st_session.h"
#include "st_social.h"
#include "text.h"
#include "topics.h"

static const char *const role_names[] = { "member", "moderator", "editor",
	"admin", NULL };
static const char *const vis_names[] = { "public", "unlisted", "followers",
	"direct", NULL };

static int
word_index(const char *const *words, const char *s)
{
	int i;

	for (i = 0; words[i] != NULL; i++)
		if (!strcmp(words[i], s))
			return i;
	return -1;
}

int
hub_role_moderates(int role)
{
	return role == ST_ROLE_MODERATOR || role == ST_ROLE_ADMIN;
}

int
hub_role_reviews(int role)
{
	return role == ST_ROLE_EDITOR || role == ST_ROLE_ADMIN;
}

const char *
hub_role_name(int r)
{
	return r >= 0 && r < 4 ? role_names[r] : "?";
}
int
hub_role_parse(const char *s)
{
	return word_index(role_names, s);
}
const char *
hub_vis_name(int v)
{
	return v >= 0 && v < 4 ? vis_names[v] : "?";
}

int
hub_vis_parse(const char *s)
{
	if (!strcmp(s, "followers-only"))
		return ST_VIS_FOLLOWERS;
	return word_index(vis_names, s);
}

int
hub_open(struct hub *h, const struct config *cfg, int create, struct err *e)
{
	h->cfg = cfg;
	h->instance_key = NULL;
	return st_db_open(
	    &h->db, cfg->data_dir, cfg->map_size, create ? ST_CREATE : 0, e);
}

void
hub_close(struct hub *h)
{
	st_db_close(h->db);
	h->db = NULL;
	EVP_PKEY_free(h->instance_key);
	h->instance_key = NULL;
}

void
hub_actor_iri(
    const struct hub *h, int kind, const char *name, char *out, size_t cap)
{
	snprintf(out, cap, "%s/%s/%s", h->cfg->base_url,
	    kind == HUB_GROUP ? "c" : "users", name);
}

/* ---- creating actors ---- */

/* inbox, shared inbox and key id of a local actor, from its IRI. */
struct endpoints {
	char inbox[560], shared[300], key_id[560];
};

static void
local_endpoints(const struct hub *h, const char *iri, struct endpoints *ep)
{
	snprintf(ep->inbox, sizeof(ep->inbox), "%s/inbox", iri);
	snprintf(ep->shared, sizeof(ep->shared), "%s/inbox", h->cfg->base_url);
	snprintf(ep->key_id, sizeof(ep->key_id), "%s#main-key", iri);
}

struct actor_job {
	struct hub *h;
	struct st_actor a;
	const char *lookup_name; /* NULL: not in the name space */
	char *pw_hash;
	char *priv_pem;
};

static char *
summary_html(const struct hub *h, const char *summary)
{
	struct buf b;

	buf_init(&b, 64 * 1024);
	if (summary != NULL && *summary)
		text_to_html(summary, h->cfg->base_url, &b);
	return buf_steal(&b, NULL);
}

/* Store the actor record and its document (objects, iris). */
static int
put_actor_doc(
    struct st_txn *t, struct hub *h, const struct st_actor *a, struct err *e)
{
	struct st_obj o = { 0 };
	char *sum = summary_html(h, a->summary), *js;
	json_t *doc;
	size_t len;
	int rc;

	if (sum == NULL)
		return err_set(e, "the summary is too long"), HUB_INVALID;
	doc = fed_as2_actor(a, h->cfg->base_url, sum);
	free(sum);
	js = fed_as2_dump(doc, &len);
	json_decref(doc);
	if (js == NULL)
		return err_set(e, "out of memory"), ST_EIO;
	o.id = a->id;
	o.kind = ST_K_ACTOR;
	o.ctx = ST_CTX_ACTOR;
	o.flags = ST_OF_LOCAL;
	o.owner = a->id;
	o.published = a->created;
	rc = st_object_put(t, &o, js, len);
	free(js);
	if (rc == 0)
		rc = st_actor_put(t, a);
	if (rc != 0)
		err_set(e, "cannot store the actor: %s", st_strerror(rc));
	return rc;
}

static int
actor_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct actor_job *j = arg;
	int rc;

	if ((rc = st_id_next(t, &j->a.id)) != 0)
		return err_set(e, "%s", st_strerror(rc)), rc;
	if (j->lookup_name != NULL &&
	    (rc = st_name_put(t, j->lookup_name, j->a.id)) != 0) {
		if (rc == ST_EXISTS)
			return err_set(e,
				   "the name \"%s\" is already taken "
				   "by a member or community: choose another",
				   j->lookup_name),
			       HUB_TAKEN;
		return err_set(e, "%s", st_strerror(rc)), rc;
	}
	if (j->a.kind == ST_AK_PERSON &&
	    (rc = st_counter_add(t, "users", 1)) != 0)
		return err_set(e, "%s", st_strerror(rc)), rc;
	if ((rc = st_iri_put(t, j->a.key_id, j->a.id)) != 0)
		return err_set(
			   e, "the key id %s is already in use", j->a.key_id),
		       rc == ST_EXISTS ? HUB_TAKEN : rc;
	if ((rc = st_iri_put(t, j->a.iri, j->a.id)) != 0)
		return err_set(e, "the address %s is already in use", j->a.iri),
		       rc == ST_EXISTS ? HUB_TAKEN : rc;
	if ((rc = st_account_put(
		 t, j->a.id, j->pw_hash ? j->pw_hash : "", j->priv_pem)) != 0)
		return err_set(e, "%s", st_strerror(rc)), rc;
	return put_actor_doc(t, j->h, &j->a, e);
}

/* Returns 0, or -1 when the random generator failed. */
static int
make_password(char *out)
{
	/* 31 letters and digits without look-alikes; rejection sampling
	 * keeps them uniform: 20 of them are 99 bits. */
	static const char alpha[] = "abcdefghjkmnpqrstuvwxyz23456789";
	unsigned char r[64];
	int i = 0, k;

	while (i < HUB_PASSWORD_LEN) {
		if (RAND_bytes(r, sizeof(r)) != 1)
			return -1;
		for (k = 0; k < (int)sizeof(r) && i < HUB_PASSWORD_LEN; k++)
			if (r[k] < 248) /* 8 * 31 */
				out[i++] = alpha[r[k] % 31];
	}
	out[HUB_PASSWORD_LEN] = '\0';
	OPENSSL_cleanse(r, sizeof(r));
	return 0;
}

char *
hub_password_hash(const char *pw)
{
	unsigned char salt[16];
	char *enc;
	size_t n;

	/* OWASP's argon2id minimum: 19 MiB, 2 passes, 1 lane. */
	n = argon2_encodedlen(2, 19456, 1, sizeof(salt), 32, Argon2_id);
	if ((enc = malloc(n)) == NULL)
		return NULL;
	if (RAND_bytes(salt, sizeof(salt)) != 1) {
		free(enc);
		return NULL;
	}
	if (argon2id_hash_encoded(2, 19456, 1, pw, strlen(pw), salt,
		sizeof(salt), 32, enc, n) != ARGON2_OK) {
		free(enc);
		return NULL;
	}
	return enc;
}

static int
check_new_actor(const struct hub_actor_new *in, char *name, struct err *e)
{
	if (in->name == NULL || fed_name_normalize(in->name, name, 32) < 0)
		return err_set(e,
			   "\"%s\" is not a valid name: use 1 to 30 "
			   "letters a-z, digits or _",
			   in->name ? in->name : ""),
		       HUB_INVALID;
	if (fed_name_reserved(name))
		return err_set(e,
			   "the name \"%s\" is reserved by the hub: "
			   "choose another",
			   name),
		       HUB_TAKEN;
	if (in->display_name &&
	    (strlen(in->display_name) > 100 ||
		!text_utf8_valid(in->display_name, strlen(in->display_name))))
		return err_set(e,
			   "the display name must be at most 100 "
			   "bytes of text"),
		       HUB_INVALID;
	if (in->summary &&
	    (strlen(in->summary) > 2000 ||
		!text_utf8_valid(in->summary, strlen(in->summary))))
		return err_set(e,
			   "the summary must be at most 2000 bytes of "
			   "text"),
		       HUB_INVALID;
	if (in->kind != HUB_GROUP &&
	    (in->moderated || in->restricted || in->private_))
		return err_set(e,
			   "only communities can be moderated, private or "
			   "restricted to moderators"),
		       HUB_INVALID;
	if (in->password &&
	    (strlen(in->password) < 10 || strlen(in->password) > 256))
		return err_set(e,
			   "the password must be 10 to 256 "
			   "characters"),
		       HUB_INVALID;
	return 0;
}

int
hub_actor_create(struct hub *h, const struct hub_actor_new *in,
    char *gen_password, size_t cap, struct err *e)
{
	struct actor_job j = { 0 };
	struct endpoints ep;
	char name[32], iri[512], pw[HUB_PASSWORD_LEN + 1] = "";
	char *pub = NULL;
	int rc, login = in->kind == HUB_PERSON && !in->no_login;

	if ((rc = check_new_actor(in, name, e)) != 0)
		return rc;
	if (login && in->password == NULL) {
		if (gen_password == NULL || cap <= HUB_PASSWORD_LEN)
			return err_set(e, "no room for a password"),
			       HUB_INVALID;
		if (make_password(pw) < 0)
			return err_set(e, "the random generator failed"),
			       ST_EIO;
	}
	hub_actor_iri(h, in->kind, name, iri, sizeof(iri));
	/* Slow work first, outside any transaction: key and hash. */
	if (in->priv_pem != NULL && in->pub_pem != NULL) {
		j.priv_pem = strdup(in->priv_pem);
		pub = strdup(in->pub_pem);
		if (j.priv_pem == NULL || pub == NULL) {
			rc = (err_set(e, "out of memory"), ST_EIO);
			goto out;
		}
	} else if (fed_key_generate(&j.priv_pem, &pub, e) < 0)
		return ST_EIO;
	if (login &&
	    (j.pw_hash = hub_password_hash(in->password ? in->password : pw)) ==
		NULL) {
		rc = (err_set(e, "cannot hash the password"), ST_EIO);
		goto out;
	}
	j.h = h;
	j.lookup_name = name;
	j.a.kind = in->kind == HUB_GROUP ? ST_AK_GROUP : ST_AK_PERSON;
	j.a.flags = ST_AF_LOCAL |
	    (in->locked || in->private_ ? ST_AF_LOCKED : 0) |
	    (in->moderated ? ST_AF_MODERATED : 0) |
	    (in->restricted ? ST_AF_RESTRICTED : 0) |
	    (in->private_ ? ST_AF_PRIVATE : 0) |
	    (in->pending ? ST_AF_PENDING | ST_AF_DISABLED : 0);
	j.a.role = (uint8_t)in->role;
	j.a.created = j.a.last_active = (uint64_t)time(NULL);
	j.a.name = name;
	j.a.display_name = (char *)(in->display_name ? in->display_name : "");
	j.a.summary = (char *)(in->summary ? in->summary : "");
	j.a.iri = iri;
	j.a.pubkey_pem = pub;
	local_endpoints(h, iri, &ep);
	j.a.inbox = ep.inbox;
	j.a.shared_inbox = ep.shared;
	j.a.key_id = ep.key_id;
	rc = st_write(h->db, actor_apply, &j, e);
	if (rc == 0 && pw[0] != '\0')
		snprintf(gen_password, cap, "%s", pw);
	if (rc == 0)
		log_msg(LOG_INFO, "created %s %s",
		    in->kind == HUB_GROUP ? "community" : "member", name);
out:
	OPENSSL_cleanse(pw, sizeof(pw));
	fed_secret_free(j.pw_hash);
	fed_secret_free(j.priv_pem);
	free(pub);
	return rc;
}

static int
instance_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct actor_job *j = arg;
	uint64_t id;

	if (st_iri_get(t, j->a.iri, &id) == 0)
		return 0; /* made already */
	return actor_apply(t, arg, e);
}

int
hub_init(struct hub *h, struct err *e)
{
	struct actor_job j = { 0 };
	struct endpoints ep;
	char iri[512], *pub = NULL;
	int rc;

	snprintf(iri, sizeof(iri), "%s/actor", h->cfg->base_url);
	if (fed_key_generate(&j.priv_pem, &pub, e) < 0)
		return ST_EIO;
	j.h = h;
	j.a.kind = ST_AK_APPLICATION;
	j.a.flags = ST_AF_LOCAL | ST_AF_LOCKED;
	j.a.created = j.a.last_active = (uint64_t)time(NULL);
	j.a.name = (char *)h->cfg->host;
	j.a.display_name = (char *)h->cfg->instance_name;
	j.a.summary = (char *)h->cfg->instance_description;
	j.a.iri = iri;
	j.a.pubkey_pem = pub;
	local_endpoints(h, iri, &ep);
	j.a.inbox = ep.inbox;
	j.a.shared_inbox = ep.shared;
	j.a.key_id = ep.key_id;
	rc = st_write(h->db, instance_apply, &j, e);
	fed_secret_free(j.priv_pem);
	free(pub);
	return rc;
}

/* ---- changing actors ---- */

struct actor_change {
	struct hub *h;
	const char *name;
	int what; /* 0 role, 1 disabled, 2 delete, 3 approve */
	int value;
};

static int
load_local(
    struct st_txn *t, const char *name, struct st_actor *a, struct err *e)
{
	char norm[32];
	uint64_t id;
	int rc;

	if (fed_name_normalize(name, norm, sizeof(norm)) < 0)
		return err_set(e, "\"%s\" is not a valid name", name),
		       HUB_INVALID;
	if ((rc = st_name_get(t, norm, &id)) != 0)
		return err_set(e,
			   "there is no member or community called "
			   "\"%s\"",
			   norm),
		       rc;
	if ((rc = st_actor_get(t, id, a)) != 0)
		return err_set(
			   e, "cannot read \"%s\": %s", norm, st_strerror(rc)),
		       rc;
	if (a->flags & ST_AF_DELETED) {
		st_actor_clear(a);
		return err_set(e, "\"%s\" has been deleted", norm), ST_GONE;
	}
	return 0;
}

static int untag(struct st_txn *t, uint64_t id);
static int delete_notes(
    struct st_txn *t, struct hub *h, uint64_t actor, struct err *e);

static int
tombstone_actor(
    struct st_txn *t, struct hub *h, struct st_actor *a, struct err *e)
{
	struct st_obj o = { 0 };
	const char *former = a->kind == ST_AK_GROUP ? "Group" : "Person";
	json_t *ts = fed_as2_tombstone(a->iri, former, time(NULL));
	char *js;
	size_t len;
	int rc;

	if ((rc = delete_notes(t, h, a->id, e)) != 0) {
		json_decref(ts);
		return rc;
	}
	a->posts = 0; /* delete_notes counted them down in the stored copy */
	if (a->kind == ST_AK_PERSON &&
	    (rc = st_counter_add(t, "users", -1)) != 0) {
		json_decref(ts);
		return rc;
	}
	js = fed_as2_dump(ts, &len);
	json_decref(ts);
	if (js == NULL)
		return ST_EIO;
	o.id = a->id;
	o.kind = ST_K_TOMBSTONE;
	o.ctx = ST_CTX_AS;
	o.flags = ST_OF_LOCAL | ST_OF_DELETED;
	o.owner = a->id;
	o.published = a->created;
	rc = st_object_put(t, &o, js, len);
	free(js);
	a->flags |= ST_AF_DELETED;
	return rc ? rc : st_actor_put(t, a);
}

static int
change_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct actor_change *c = arg;
	struct st_actor a;
	int rc;

	if ((rc = load_local(t, c->name, &a, e)) != 0)
		return rc;
	if (c->what != 2 && a.kind != ST_AK_PERSON) {
		st_actor_clear(&a);
		return err_set(
			   e, "\"%s\" is a community, not a member", c->name),
		       HUB_INVALID;
	}
	if (c->what == 0)
		a.role = (uint8_t)c->value;
	else if (c->what == 1)
		a.flags = (uint8_t)(c->value ? a.flags | ST_AF_DISABLED
					     : a.flags & ~ST_AF_DISABLED);
	else if (c->what == 3 && !(a.flags & ST_AF_PENDING)) {
		st_actor_clear(&a);
		return err_set(e, "%s is not waiting for approval", c->name),
		       HUB_INVALID;
	} else if (c->what == 3)
		a.flags &= (uint8_t) ~(ST_AF_PENDING | ST_AF_DISABLED);
	if (c->what == 2)
		rc = tombstone_actor(t, c->h, &a, e);
	else
		rc = st_actor_put(t, &a);
	/* A disabled or deleted member is signed out everywhere: enabling
	 * the account again must not bring old sessions back. */
	if (rc == 0 && (c->what == 2 || (c->what == 1 && c->value)))
		rc = st_session_del_actor(t, a.id, NULL, 0, NULL);
	st_actor_clear(&a);
	return rc;
}

static int
change(struct hub *h, const char *name, int what, int value, struct err *e)
{
	static const char *const done[] = { "role set to",
		"disabled:", "deleted", "approved" };
	struct actor_change c = { h, name, what, value };
	int rc = st_write(h->db, change_apply, &c, e);

	if (rc == 0)
		log_msg(LOG_INFO, "%s %s %s", name, done[what],
		    what == 0	    ? hub_role_name(value)
			: what == 1 ? (value ? "yes" : "no")
				    : "");
	return rc;
}

int
hub_user_set_role(struct hub *h, const char *name, int role, struct err *e)
{
	return change(h, name, 0, role, e);
}

int
hub_user_set_disabled(
    struct hub *h, const char *name, int disabled, struct err *e)
{
	return change(h, name, 1, disabled, e);
}

int
hub_user_delete(struct hub *h, const char *name, struct err *e)
{
	return change(h, name, 2, 0, e);
}

int
hub_user_approve(struct hub *h, const char *name, struct err *e)
{
	return change(h, name, 3, 0, e);
}

/* ---- notes ---- */

#define MENTIONS_MAX (TEXT_MAX_MENTIONS + 1) /* and the replied-to author */

struct hub_post {
	struct hub *h;
	char name[32];
	char *html;
	char *cw;
	char *source; /* the member's Markdown */
	/* A learning post: its title, plain excerpt, "learning" extension
	 * object and API-shape source (learning.h); NULL for a note. */
	char *title, *summary;
	json_t *ext, *lsource;
	int vis;
	int ntags;
	char tags[TEXT_MAX_TAGS][TEXT_TAG_MAX + 1];
	/* Addressed actors: IRIs and "@user@host" names (read in prepare). */
	int nmentions;
	char mention_iri[MENTIONS_MAX][512];
	char mention_name[MENTIONS_MAX][320];
	char in_reply_to[600];
	char audience[512]; /* the community posted into, or "" */
	char members[560];  /* a private community's followers, or "" */
	int by_mention;	    /* audience: a community it merely mentions */
	uint64_t edit;	    /* the note edited; 0: a new note */
	char iri[600];
	time_t now;
	uint64_t note, act; /* ids, once stored */
	int queued;	    /* deliveries queued */
	uint64_t draft;	    /* the approved draft published (review.h) */
};

void
hub_post_free(struct hub_post *p)
{
	if (p == NULL)
		return;
	free(p->html);
	free(p->cw);
	free(p->source);
	free(p->title);
	free(p->summary);
	json_decref(p->ext);
	json_decref(p->lsource);
	free(p);
}

const char *
hub_post_iri(const struct hub_post *p)
{
	return p->iri;
}

int
hub_post_queued(const struct hub_post *p)
{
	return p->queued;
}

void
hub_post_event(const struct hub_post *p, char *out, size_t cap)
{
	snprintf(out, cap, "note %s by %s (%s): %s",
	    p->edit ? "edited" : "published", p->name, hub_vis_name(p->vis),
	    p->iri);
}

int
hub_text_check(const char *text, const char *cw, struct err *e)
{
	const char *p;

	if (text == NULL || !text_utf8_valid(text, strlen(text)))
		return err_set(e,
			   "the text must be UTF-8 without control "
			   "characters"),
		       HUB_INVALID;
	for (p = text; *p == ' ' || *p == '\n' || *p == '\r' || *p == '\t';)
		p++;
	if (*p == '\0')
		return err_set(e,
			   "the note is empty: write something to "
			   "share"),
		       HUB_INVALID;
	if (text_utf8_chars(text) > HUB_TEXT_MAX)
		return err_set(e,
			   "the note is %zu characters long; the "
			   "limit is %d",
			   text_utf8_chars(text), HUB_TEXT_MAX),
		       HUB_INVALID;
	if (cw != NULL &&
	    (strlen(cw) > 500 || !text_utf8_valid(cw, strlen(cw)) ||
		strchr(cw, '\n')))
		return err_set(e,
			   "the content warning must be one line of "
			   "at most 500 bytes"),
		       HUB_INVALID;
	return 0;
}

/* "@user@host" for the actor a (its host from its IRI). */
static void
handle_of(const struct st_actor *a, char *out, size_t cap)
{
	char host[300];

	fed_url_host(a->iri, host, sizeof(host));
	snprintf(out, cap, "@%s@%s", a->name, host[0] ? host : "?");
}

/* Add actor a to p's addressed actors, once. */
static void
address(struct hub_post *p, const struct st_actor *a)
{
	int i;

	for (i = 0; i < p->nmentions; i++)
		if (!strcmp(p->mention_iri[i], a->iri))
			return;
	if (p->nmentions == MENTIONS_MAX || strlen(a->iri) >= 512)
		return;
	snprintf(p->mention_iri[p->nmentions], 512, "%s", a->iri);
	handle_of(a, p->mention_name[p->nmentions], 320);
	p->nmentions++;
}

/* The actor m names: a member here, or a remote actor known here by its
 * handle. ST_NOTFOUND when not known (yet). */
static int
known_mention(struct hub *h, const struct text_mention *m, struct st_actor *a)
{
	char key[400];
	struct st_txn *t;
	uint64_t id;
	size_t i;
	int rc;

	if (m->host[0] == '\0' || !strcasecmp(m->host, h->cfg->host))
		snprintf(key, sizeof(key), "%s", m->user);
	else
		snprintf(key, sizeof(key), "acct:%s@%s", m->user, m->host);
	for (i = 0; key[i]; i++)
		key[i] = (char)tolower((unsigned char)key[i]);
	if ((rc = st_read_begin(h->db, &t)) != 0)
		return rc;
	rc = strncmp(key, "acct:", 5) ? st_name_get(t, key, &id)
				      : st_iri_get(t, key, &id);
	if (rc == 0)
		rc = st_actor_get(t, id, a);
	st_read_end(t);
	if (rc == 0 && (a->flags & ST_AF_DELETED)) {
		st_actor_clear(a);
		rc = ST_NOTFOUND;
	}
	return rc;
}

struct acct_job {
	char key[400];
	uint64_t id;
};

static int
acct_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct acct_job *j = arg;
	int rc = st_iri_put(t, j->key, j->id);

	(void)e;
	return rc == ST_EXISTS ? 0 : rc;
}

/* Remember that handle (user@host) is actor id, so mentions of it need
 * no WebFinger lookup next time. */
static void
remember_handle(struct hub *h, const char *user, const char *host, uint64_t id)
{
	struct acct_job j = { .id = id };
	struct err e;
	size_t i;

	snprintf(j.key, sizeof(j.key), "acct:%s@%s", user, host);
	for (i = 0; j.key[i]; i++)
		j.key[i] = (char)tolower((unsigned char)j.key[i]);
	if (st_write(h->db, acct_apply, &j, &e) != 0)
		log_msg(LOG_WARN, "cannot remember %s: %s", j.key, e.msg);
}

/* Resolve the mentions of text into p (linked in m). A remote handle not
 * known here is looked up over the network when may_fetch is set, else
 * HUB_NEED_FETCH is returned. Handles that do not resolve stay text. */
static int
resolve_mentions(struct hub_post *p, const char *text, struct text_mention *m,
    int *nm, int may_fetch)
{
	char handle[400];
	struct st_actor a;
	struct err e;
	int i, rc;

	*nm = text_mentions(text, m, TEXT_MAX_MENTIONS);
	for (i = 0; i < *nm; i++) {
		rc = known_mention(p->h, &m[i], &a);
		if (rc == ST_NOTFOUND && m[i].host[0] &&
		    strcasecmp(m[i].host, p->h->cfg->host)) {
			if (!may_fetch)
				return HUB_NEED_FETCH;
			snprintf(handle, sizeof(handle), "@%s@%s", m[i].user,
			    m[i].host);
			if ((rc = hub_resolve(p->h, handle, &a, &e)) == 0)
				remember_handle(
				    p->h, m[i].user, m[i].host, a.id);
		}
		if (rc != 0)
			continue; /* no such actor: left as text */
		address(p, &a);
		/* A top-level note mentioning a community is posted into
		 * it (as Mastodon users post into Lemmy's). */
		if (a.kind == ST_AK_GROUP && !p->audience[0] &&
		    !p->in_reply_to[0] && p->vis <= ST_VIS_UNLISTED) {
			snprintf(p->audience, sizeof(p->audience), "%s", a.iri);
			p->by_mention = 1;
		}
		st_actor_clear(&a);
	}
	for (i = 0; i < *nm; i++) /* link each to its actor */
		m[i].href = NULL;
	return 0;
}

/* p goes to the members of the private community at iri only: to its
 * followers collection (and the community, addressed), never the public
 * nor the author's followers. */
static void
members_only(struct hub_post *p, const char *iri)
{
	p->vis = ST_VIS_DIRECT;
	snprintf(p->audience, sizeof(p->audience), "%s", iri);
	snprintf(p->members, sizeof(p->members), "%s/followers", iri);
}

/* Whether doc (a note) is to the members of the community aud only. */
static int
to_members(const json_t *doc, const char *aud)
{
	char members[560];

	if (aud == NULL)
		return 0;
	snprintf(members, sizeof(members), "%s/followers", aud);
	return fed_note_addressed(doc, members);
}

/* The local community whose members doc (a note) is to, or 0: its
 * edit and its deletion go to them as the note did (through it). */
static uint64_t
members_of(struct st_txn *t, const json_t *doc)
{
	const char *aud = json_string_value(json_object_get(doc, "audience"));
	struct st_actor g;
	uint64_t id = 0;

	if (!to_members(doc, aud) || st_actor_by_iri(t, aud, &g) != 0)
		return 0;
	if ((g.flags & ST_AF_LOCAL) && g.kind == ST_AK_GROUP)
		id = g.id;
	st_actor_clear(&g);
	return id;
}

/* Whether the stored note o counts as a post (NodeInfo, the author's
 * count): all but a private community's members-only ones. */
static int
counted(struct st_txn *t, const struct st_obj *o)
{
	struct st_obj h;
	const char *js;
	json_t *doc;
	size_t len;
	int yes = 1;

	if (o->vis == ST_VIS_DIRECT &&
	    st_object_peek(t, o->id, &h, &js, &len) == 0 &&
	    (doc = json_loadb(js, len, 0, NULL)) != NULL) {
		yes = !to_members(
		    doc, json_string_value(json_object_get(doc, "audience")));
		json_decref(doc);
	}
	return yes;
}

/* p stays in the community doc (its parent, or the note it edits) was
 * posted into, addressing it; to its members only if doc was. */
static void
same_audience(struct hub_post *p, struct st_txn *t, const json_t *doc)
{
	const char *aud = json_string_value(json_object_get(doc, "audience"));
	struct st_actor g;

	if (aud == NULL || strlen(aud) >= sizeof(p->audience))
		return;
	if (to_members(doc, aud))
		members_only(p, aud);
	else if (!p->edit)
		return; /* a reply in a public thread names only people */
	snprintf(p->audience, sizeof(p->audience), "%s", aud);
	if (st_actor_by_iri(t, aud, &g) == 0) {
		address(p, &g);
		st_actor_clear(&g);
	}
}

/* The note replied to must be known here and visible to the author;
 * its author is addressed. */
static int
reply_target(struct hub_post *p, const char *iri, struct err *e)
{
	struct st_actor a;
	struct st_txn *t;
	struct st_obj o;
	const char *js = NULL;
	size_t len = 0;
	uint64_t id;
	int rc;

	if (strlen(iri) >= sizeof(p->in_reply_to) ||
	    (strncmp(iri, "https://", 8) && strncmp(iri, "http://", 7)))
		return err_set(e,
			   "\"in_reply_to\" must be the address (URL) "
			   "of a note"),
		       HUB_INVALID;
	if ((rc = st_read_begin(p->h->db, &t)) != 0)
		return err_set(e, "storage is not available"), rc;
	rc = st_iri_get(t, iri, &id);
	if (rc == 0)
		rc = st_object_peek(t, id, &o, &js, &len);
	if (rc == 0 && o.kind == ST_K_TOMBSTONE)
		rc = ST_GONE;
	else if (rc == 0 && o.kind != ST_K_NOTE)
		rc = ST_NOTFOUND;
	if (rc == 0 && (rc = st_actor_get(t, o.owner, &a)) == 0) {
		address(p, &a);
		st_actor_clear(&a);
		json_t *doc = o.vis > ST_VIS_UNLISTED
		    ? json_loadb(js, len, 0, NULL)
		    : NULL;

		same_audience(p, t, doc);
		json_decref(doc);
	}
	st_read_end(t);
	if (rc == ST_GONE)
		return err_set(e,
			   "the note you are replying to has been "
			   "deleted"),
		       ST_GONE;
	if (rc != 0)
		return err_set(e,
			   "the note you are replying to is not known "
			   "to this hub: open it here first"),
		       HUB_INVALID;
	snprintf(p->in_reply_to, sizeof(p->in_reply_to), "%s", iri);
	return 0;
}

/* The note goes into the community named group (of this hub): it is
 * addressed, and is its audience; in a private one, to members only. */
static int
post_into(struct hub_post *p, const char *group, struct err *e)
{
	struct st_actor g;
	struct st_txn *t;
	uint64_t id;
	int rc;

	if ((rc = st_read_begin(p->h->db, &t)) != 0)
		return err_set(e, "storage is not available"), rc;
	rc = st_name_get(t, group, &id);
	if (rc == 0)
		rc = st_actor_get(t, id, &g);
	st_read_end(t);
	if (rc == 0 && (g.kind != ST_AK_GROUP || (g.flags & ST_AF_DELETED))) {
		st_actor_clear(&g);
		rc = ST_NOTFOUND;
	}
	if (rc != 0)
		return err_set(e, "there is no community called \"%s\"", group),
		       HUB_INVALID;
	address(p, &g);
	snprintf(p->audience, sizeof(p->audience), "%s", g.iri);
	if (g.flags & ST_AF_PRIVATE)
		members_only(p, g.iri);
	st_actor_clear(&g);
	return 0;
}

/* Link each resolved mention in the HTML to its actor's IRI. */
static void
link_mentions(struct hub_post *p, struct text_mention *m, int nm)
{
	char want[320];
	int i, k;

	for (i = 0; i < nm; i++)
		for (k = 0; k < p->nmentions; k++) {
			snprintf(want, sizeof(want), "@%s@%s", m[i].user,
			    m[i].host[0] ? m[i].host : p->h->cfg->host);
			if (!strcasecmp(want, p->mention_name[k]))
				m[i].href = p->mention_iri[k];
		}
}

/* The first finding in s into e, its place told after where. */
static int
pii_refuse(const char *s, const char *where, struct err *e)
{
	struct pii_finding f[1];
	int n, line, col;
	char more[64] = "";

	if (s == NULL || (n = pii_scan(s, f, 1)) == 0)
		return 0;
	pii_where(s, f[0].off, &line, &col);
	if (n > 1)
		snprintf(
		    more, sizeof(more), " (%d more like this to check)", n - 1);
	return err_set(e, "%s %d, column %d: %s %s%s", where, line, col,
		   f[0].reason, f[0].advice, more),
	       HUB_PII;
}

int
hub_pii_check(const char *text, const char *cw, struct err *e)
{
	int rc = pii_refuse(text, "Line", e);

	return rc ? rc : pii_refuse(cw, "In the content warning, line", e);
}

/* An approved draft: the learning object says when the editors
 * reviewed it, as an ISO date, for this hub's pages and other hubs. */
static void
reviewed_on(struct hub_post *p)
{
	char day[TEXT_DATE_LEN + 1];

	text_date_format((uint64_t)p->now, day);
	json_object_set_new(p->ext, "reviewed", json_string(day));
}

/* Whether the learning post p may be published: a content type that
 * needs review (review.h) only as an approved draft. */
static int
review_gate(struct st_txn *t, const struct hub_post *p, struct err *e)
{
	const char *ct =
	    json_string_value(json_object_get(p->ext, "contentType"));

	if (p->ext == NULL || p->draft != 0 || !review_needed(t, ct))
		return 0;
	return err_set(e,
		   "this kind of post (%s) is checked by the editors before "
		   "it is published: submit it for review",
		   ct),
	       HUB_REVIEW;
}

/* p is a learning post with the fields v (API shape): validate, check
 * for patient identifiers, render (learning.h). No mentions are
 * resolved in learning posts: they are articles, not conversations. */
static int
prepare_learning(
    struct hub_post *p, const json_t *v, int pii_override, struct err *e)
{
	struct learning_error le[1];
	struct learning_doc d;
	struct learning l;
	int n;

	if (p->vis == ST_VIS_DIRECT)
		return err_set(e,
			   "a learning post is for sharing: choose public, "
			   "unlisted or followers"),
		       HUB_INVALID;
	if ((n = learning_parse(v, p->h->topics, &l, le, 1)) != 0) {
		learning_clear(&l);
		return err_set(e, "%s", le[0].msg), HUB_INVALID;
	}
	if (!pii_override && learning_pii(&l, le, NULL) > 0) {
		learning_clear(&l);
		return err_set(e, "%s", le[0].msg), HUB_PII;
	}
	if (learning_render(&l, p->h->cfg->base_url, &d) != 0) {
		learning_clear(&l);
		return err_set(e, "the learning post is too large to store"),
		       HUB_INVALID;
	}
	p->ntags = learning_hashtags(&l, p->tags, TEXT_MAX_TAGS);
	p->title = strdup(l.title);
	p->source = strdup(l.section[0]);
	p->html = d.content;
	p->summary = d.summary;
	p->ext = d.ext;
	p->lsource = d.source;
	learning_clear(&l);
	if (p->title == NULL || p->source == NULL)
		return err_set(e, "out of memory"), ST_EIO;
	return 0;
}

struct hub_post *
hub_post_prepare(struct hub *h, const char *name, const char *text,
    const struct hub_post_opts *opts, int *rc, struct err *e)
{
	struct text_mention m[TEXT_MAX_MENTIONS];
	struct hub_post *p;
	struct buf b;
	int nm = 0;

	if (opts->learning == NULL &&
	    ((*rc = hub_text_check(text, opts->cw, e)) != 0 ||
		(!opts->pii_override &&
		    (*rc = hub_pii_check(text, opts->cw, e)) != 0)))
		return NULL;
	if (opts->vis < ST_VIS_PUBLIC || opts->vis > ST_VIS_DIRECT) {
		*rc = HUB_INVALID;
		err_set(e,
		    "visibility must be public, unlisted, followers or "
		    "direct");
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		*rc = ST_EIO;
		err_set(e, "out of memory");
		return NULL;
	}
	p->h = h;
	p->vis = opts->vis;
	p->now = time(NULL);
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->draft = opts->draft;
	if (opts->learning != NULL &&
	    (*rc = prepare_learning(
		 p, opts->learning, opts->pii_override, e)) != 0) {
		hub_post_free(p);
		return NULL;
	}
	if (p->ext != NULL && p->draft != 0)
		reviewed_on(p);
	if (opts->in_reply_to != NULL && opts->in_reply_to[0] &&
	    (*rc = reply_target(p, opts->in_reply_to, e)) != 0) {
		hub_post_free(p);
		return NULL;
	}
	if (opts->group != NULL && opts->group[0] &&
	    (*rc = post_into(p, opts->group, e)) != 0) {
		hub_post_free(p);
		return NULL;
	}
	if (p->ext != NULL)
		return p; /* a learning post: rendered already */
	if ((*rc = resolve_mentions(p, text, m, &nm, opts->may_fetch)) != 0) {
		err_set(e,
		    "the note mentions someone on another server: "
		    "looking them up");
		hub_post_free(p);
		return NULL;
	}
	if (p->vis == ST_VIS_DIRECT && p->nmentions == 0) {
		*rc = HUB_INVALID;
		err_set(e,
		    "a direct note goes only to the people it "
		    "mentions: mention someone (@name@host)");
		hub_post_free(p);
		return NULL;
	}
	link_mentions(p, m, nm);
	p->ntags = text_hashtags(text, p->tags, TEXT_MAX_TAGS);
	buf_init(&b, 256 * 1024);
	/* Every local note is Markdown, from the web, the API and hubctl
	 * alike, rendered once, here (DESIGN rule 6). */
	if (markdown_to_safe_html(text, h->cfg->base_url, m, nm, &b) != 0)
		b.failed = 1;
	p->html = buf_steal(&b, NULL);
	p->cw = opts->cw && *opts->cw ? strdup(opts->cw) : NULL;
	p->source = strdup(text);
	if (p->html == NULL || p->source == NULL ||
	    (opts->cw && *opts->cw && p->cw == NULL)) {
		hub_post_free(p);
		*rc = ST_EIO;
		err_set(e, "out of memory");
		return NULL;
	}
	return p;
}

int
hub_note_store(struct st_txn *t, struct st_obj *o, const char *act_iri,
    const json_t *note, int replace)
{
	size_t nl, cl;
	char *njs = fed_as2_dump(note, &nl), *cjs = NULL;
	struct st_obj c = *o;
	int rc = ST_EIO;

	if (njs == NULL ||
	    (cjs = fed_as2_create_dump(act_iri,
		 json_string_value(json_object_get(note, "attributedTo")), note,
		 njs, nl, &cl)) == NULL)
		goto out;
	c.id = o->parent;
	c.kind = ST_K_ACTIVITY;
	c.parent = o->id;
	if (replace)
		st_outbox_del(t, o->owner, o->id);
	if ((rc = st_object_put_doc(t, o, njs, nl, note)) == 0 &&
	    (rc = st_object_put(t, &c, cjs, cl)) == 0)
		rc = st_outbox_add(t, o->owner, o->id, c.id, o->vis, cjs, cl);
out:
	free(njs);
	free(cjs);
	return rc;
}

static int
store_docs(struct st_txn *t, struct hub_post *p, struct st_obj *o,
    const char *act_iri, const json_t *note)
{
	return hub_note_store(t, o, act_iri, note, p->edit != 0);
}

/* Make note the Article of the learning post p: name, a plain summary
 * (not a content warning: no "sensitive"), the "learning" extension,
 * the sections' Markdown in source.learning, and topic hashtags spelt
 * as the vocabulary spells them ("#MedicationSafety"). */
static void
as_article(struct hub_post *p, json_t *note)
{
	const struct topic *t;
	const char *name;
	json_t *tag;
	char spelt[TOPIC_HASHTAG_MAX + 2];
	size_t i;

	json_object_set_new(note, "type", json_string("Article"));
	json_object_set_new(note, "name", json_string(p->title));
	json_object_set_new(note, "summary", json_string(p->summary));
	json_object_del(note, "sensitive");
	json_object_set_new(note, "learning", json_deep_copy(p->ext));
	json_object_set_new(json_object_get(note, "source"), "learning",
	    json_deep_copy(p->lsource));
	json_array_foreach(json_object_get(note, "tag"), i, tag)
	{
		name = json_string_value(json_object_get(tag, "name"));
		if (name == NULL || *name != '#' || p->h->topics == NULL ||
		    (t = topics_by_hashtag(p->h->topics, name + 1)) == NULL)
			continue;
		snprintf(spelt, sizeof(spelt), "#%s", t->hashtag);
		json_object_set_new(tag, "name", json_string(spelt));
	}
}

/* The Note of p as JSON. */
static json_t *
note_doc(struct hub_post *p, const struct st_actor *a, time_t published)
{
	const char *tags[TEXT_MAX_TAGS], *miri[MENTIONS_MAX],
	    *mname[MENTIONS_MAX];
	char followers[560];
	json_t *note;
	int i;

	snprintf(followers, sizeof(followers), "%s/followers", a->iri);
	for (i = 0; i < p->ntags; i++)
		tags[i] = p->tags[i];
	for (i = 0; i < p->nmentions; i++) {
		miri[i] = p->mention_iri[i];
		mname[i] = p->mention_name[i];
	}
	note = fed_as2_note(&(struct fed_note){ .id = p->iri,
	    .url = p->iri,
	    .attributed_to = a->iri,
	    .followers = followers,
	    .content = p->html,
	    .summary = p->cw,
	    .in_reply_to = p->in_reply_to[0] ? p->in_reply_to : NULL,
	    .audience = p->audience[0] ? p->audience : NULL,
	    .members = p->members[0] ? p->members : NULL,
	    .base_url = p->h->cfg->base_url,
	    .tags = tags,
	    .ntags = (size_t)p->ntags,
	    .mentions = miri,
	    .mention_names = mname,
	    .nmentions = (size_t)p->nmentions,
	    .published = published,
	    .updated = p->edit ? p->now : 0,
	    .vis = p->vis });
	/* The Markdown it was written in, as Mastodon and Misskey keep it
	 * (AS2 "source"): what the edit form shows again. */
	if (note != NULL && p->source != NULL)
		json_object_set_new(note, "source",
		    json_pack("{s:s,s:s}", "content", p->source, "mediaType",
			"text/markdown"));
	if (note != NULL && p->ext != NULL)
		as_article(p, note);
	return note;
}

/* Store the Note and its Create under fresh ids. */
static int
store_note(struct st_txn *t, struct hub_post *p, const struct st_actor *a)
{
	char act_iri[640];
	struct st_obj o = { 0 };
	uint64_t id, act;
	json_t *note;
	int rc, i;

	if ((rc = st_id_next(t, &id)) || (rc = st_id_next(t, &act)))
		return rc;
	snprintf(p->iri, sizeof(p->iri), "%s/statuses/%llu", a->iri,
	    (unsigned long long)id);
	snprintf(act_iri, sizeof(act_iri), "%s/activity", p->iri);
	note = note_doc(p, a, p->now);
	o = (struct st_obj){ .id = id,
		.kind = ST_K_NOTE,
		.ctx = p->ext ? ST_CTX_LEARNING : ST_CTX_AS,
		.flags = ST_OF_LOCAL,
		.vis = (uint8_t)p->vis,
		.owner = a->id,
		.published = (uint64_t)p->now,
		.parent = act };
	if ((rc = st_iri_put(t, p->iri, id)) == 0 &&
	    (rc = st_iri_put(t, act_iri, act)) == 0)
		rc = store_docs(t, p, &o, act_iri, note);
	p->note = id;
	p->act = act;
	json_decref(note);
	for (i = 0; rc == 0 && i < p->ntags; i++)
		rc = st_tag_add(t, p->tags[i], id);
	return rc;
}

/* The addressed actors of p: remote ones (ids) for delivery; local ones
 * get the note in their home timeline and a notification. */
static int
reach_addressed(struct st_txn *t, struct hub_post *p, const struct st_actor *a,
    uint64_t parent_owner, uint64_t *remote, size_t *nremote)
{
	struct st_notification n;
	struct st_actor x;
	uint64_t id;
	int i, rc = 0;

	*nremote = 0;
	for (i = 0; rc == 0 && i < p->nmentions; i++) {
		if (st_actor_by_iri(t, p->mention_iri[i], &x) != 0)
			continue;
		id = x.id;
		if (!(x.flags & ST_AF_LOCAL))
			remote[(*nremote)++] = id;
		else if (id != a->id && x.kind == ST_AK_PERSON &&
		    (rc = st_timeline_add(t, id, p->note)) == 0 && !p->edit) {
			n = (struct st_notification){ .type = id == parent_owner
				    ? ST_N_REPLY
				    : ST_N_MENTION,
				.actor = a->id,
				.object = p->note,
				.time = (uint64_t)p->now };
			rc = st_notify_add(t, id, &n);
		}
		st_actor_clear(&x);
	}
	return rc;
}

/* Only members (accepted followers) post into a community here; a
 * community elsewhere checks for itself. */
static int
community_member(struct st_txn *t, struct hub_post *p, const struct st_actor *a,
    struct err *e)
{
	struct st_actor g;
	int state = -1, private_;

	if (st_actor_by_iri(t, p->audience, &g) != 0)
		return err_set(e, "that community no longer exists"), ST_GONE;
	private_ = (g.flags & ST_AF_PRIVATE) != 0;
	if (!(g.flags & ST_AF_LOCAL))
		state = ST_FOLLOW_ACCEPTED; /* its own hub decides */
	else if (st_follow_get(t, a->id, g.id, &state, NULL) != 0 ||
	    state != ST_FOLLOW_ACCEPTED)
		state = -1;
	/* A restricted community: only moderators start threads. */
	if (state >= 0 && (g.flags & ST_AF_RESTRICTED) && !p->in_reply_to[0] &&
	    !fed_group_is_mod(t, g.id, a->id))
		state = -2;
	st_actor_clear(&g);
	if (state == -2)
		return err_set(e,
			   "only the moderators of this community start "
			   "new threads in it: reply to one of their posts "
			   "instead"),
		       HUB_FORBIDDEN;
	if (state < 0)
		return err_set(e,
			   "join the community first (follow it), "
			   "then post into it"),
		       HUB_FORBIDDEN;
	if (private_ && !p->members[0])
		return err_set(e,
			   "posts in a private community go to its members "
			   "only"),
		       HUB_INVALID;
	if (!p->members[0] && p->vis > ST_VIS_UNLISTED)
		return err_set(e,
			   "posts into a community are public or "
			   "unlisted: choose one of those"),
		       HUB_INVALID;
	return 0;
}

/* The note p replies to: its id and its author's (0 when none). */
static void
parent_of(struct st_txn *t, const struct hub_post *p, uint64_t *parent,
    uint64_t *owner)
{
	struct st_obj o;

	*parent = *owner = 0;
	if (p->in_reply_to[0] && st_iri_get(t, p->in_reply_to, parent) == 0 &&
	    st_object_peek(t, *parent, &o, NULL, NULL) == 0)
		*owner = o.owner;
}

static int
post_member(
    struct st_txn *t, const char *name, struct st_actor *a, struct err *e)
{
	int rc;

	if ((rc = load_local(t, name, a, e)) != 0)
		return rc;
	if (a->kind != ST_AK_PERSON || (a->flags & ST_AF_DISABLED)) {
		err_set(e,
		    a->kind != ST_AK_PERSON
			? "only members can post notes"
			: "this account is disabled: ask an admin");
		st_actor_clear(a);
		return HUB_FORBIDDEN;
	}
	return 0;
}

int
hub_post_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct hub_post *p = arg;
	uint64_t remote[MENTIONS_MAX], parent, parent_owner;
	struct st_actor a;
	size_t nremote = 0;
	int rc;

	if ((rc = review_gate(t, p, e)) != 0 ||
	    (rc = post_member(t, p->name, &a, e)) != 0)
		return rc;
	if (p->audience[0] && (rc = community_member(t, p, &a, e)) != 0 &&
	    p->by_mention) {
		p->audience[0] = '\0'; /* a mention only, not a post into it */
		rc = 0;
	}
	if (rc != 0) {
		st_actor_clear(&a);
		return rc;
	}
	p->queued = 0;
	parent_of(t, p, &parent, &parent_owner);
	if ((rc = store_note(t, p, &a)) == 0 &&
	    (p->members[0] || /* members-only: not counted (counted()) */
		(rc = st_counter_add(t, "local_posts", 1)) == 0) &&
	    (rc = st_actor_touch(
		 t, a.id, p->members[0] ? 0 : 1, (uint64_t)p->now)) == 0 &&
	    (rc = st_timeline_add(t, a.id, p->note)) == 0 &&
	    (parent == 0 || (rc = st_reply_add(t, parent, p->note)) == 0) &&
	    (rc = reach_addressed(t, p, &a, parent_owner, remote, &nremote)) ==
		0)
		rc = fed_fanout_to(t, a.id, p->act, p->vis != ST_VIS_DIRECT,
		    remote, nremote, &p->queued);
	if (rc == 0 && (p->audience[0] || p->in_reply_to[0])) {
		json_t *doc = json_pack("{s:s,s:s*,s:s*}", "id", p->iri,
		    "audience", p->audience[0] ? p->audience : NULL,
		    "inReplyTo", p->in_reply_to[0] ? p->in_reply_to : NULL);

		rc = doc
		    ? fed_group_relay(t, doc, p->note, a.id, NULL, &p->queued)
		    : ST_EIO;
		json_decref(doc);
	}
	st_actor_clear(&a);
	if (rc != 0 && rc != HUB_FORBIDDEN)
		err_set(e, "cannot store the note: %s", st_strerror(rc));
	return rc;
}

/* The communities here that passed the note on pass its edit (the
 * stored Update upd) on. */
static int
pass_edit(struct st_txn *t, uint64_t upd, int *queued)
{
	struct st_obj o;
	json_t *doc = fed_object_json(t, upd, &o);
	int rc;

	if (doc == NULL)
		return ST_EIO;
	json_object_del(doc, "@context");
	rc = fed_group_update(t, o.parent, doc, queued);
	json_decref(doc);
	return rc;
}

/* Replace the note p->edit with p's text, keeping its id, audience,
 * reply and publication time; send Update to whom it reached. */
int
hub_edit_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct hub_post *p = arg;
	uint64_t remote[MENTIONS_MAX], upd;
	char act_iri[640];
	struct st_actor a;
	struct st_obj o;
	struct buf b;
	json_t *old, *note;
	size_t nremote = 0;
	int rc, i;

	if ((rc = post_member(t, p->name, &a, e)) != 0)
		return rc;
	buf_init(&b, 0);
	rc = st_object_get(t, p->edit, &o, &b);
	old = rc == 0 ? json_loadb(b.data, b.len, 0, NULL) : NULL;
	buf_free(&b);
	if (rc != 0 || o.kind != ST_K_NOTE || old == NULL)
		rc = (err_set(e, "there is no note there"),
		    rc == 0 && o.kind == ST_K_TOMBSTONE ? ST_GONE
							: ST_NOTFOUND);
	else if (o.owner != a.id || !(o.flags & ST_OF_LOCAL))
		rc = (err_set(e, "you can edit only your own notes"),
		    HUB_FORBIDDEN);
	else if (p->ext != NULL && (rc = review_gate(t, p, e)) != 0)
		err_set(e,
		    "this kind of post is checked by the editors: share the "
		    "new version as a draft and submit it for review");
	else if ((json_object_get(old, "learning") != NULL) != (p->ext != NULL))
		rc = (err_set(e,
			  p->ext ? "a note cannot become a learning post: "
				   "share the learning as a new post"
				 : "this is a learning post: edit it with "
				   "the learning form (its fields)"),
		    HUB_INVALID);
	if (rc != 0) {
		json_decref(old);
		st_actor_clear(&a);
		return rc;
	}
	snprintf(p->iri, sizeof(p->iri), "%s",
	    json_string_value(json_object_get(old, "id")));
	if (json_string_value(json_object_get(old, "inReplyTo")))
		snprintf(p->in_reply_to, sizeof(p->in_reply_to), "%s",
		    json_string_value(json_object_get(old, "inReplyTo")));
	same_audience(p, t, old);
	p->vis = o.vis;
	json_decref(old);
	p->note = o.id;
	p->act = o.parent;
	snprintf(act_iri, sizeof(act_iri), "%s/activity", p->iri);
	if ((rc = untag(t, o.id)) != 0) {
		st_actor_clear(&a);
		return rc;
	}
	note = note_doc(p, &a, (time_t)o.published);
	o.ctx = p->ext ? ST_CTX_LEARNING : ST_CTX_AS;
	rc = store_docs(t, p, &o, act_iri, note);
	for (i = 0; rc == 0 && i < p->ntags; i++)
		rc = st_tag_add(t, p->tags[i], p->note);
	if (rc == 0)
		rc = reach_addressed(t, p, &a, 0, remote, &nremote);
	if (rc == 0 &&
	    (rc = fed_local_activity_aud(t, &a, "Update", json_incref(note),
		 json_deep_copy(json_object_get(note, "to")),
		 json_deep_copy(json_object_get(note, "cc")), p->note, &upd)) ==
		0)
		rc = fed_fanout_with(t, a.id, upd, p->vis != ST_VIS_DIRECT,
		    members_of(t, note), remote, nremote, &p->queued);
	if (rc == 0 && p->vis <= ST_VIS_UNLISTED)
		rc = pass_edit(t, upd, &p->queued);
	json_decref(note);
	st_actor_clear(&a);
	if (rc != 0 && rc != ST_GONE && rc != ST_NOTFOUND &&
	    rc != HUB_FORBIDDEN)
		err_set(e, "cannot store the edit: %s", st_strerror(rc));
	return rc;
}

int
hub_post_set_edit(
    struct hub *h, struct hub_post *p, const char *iri, struct err *e)
{
	struct st_txn *t;
	int rc;

	if ((rc = st_read_begin(h->db, &t)) != 0)
		return err_set(e, "storage is not available"), rc;
	rc = st_iri_get(t, iri, &p->edit);
	st_read_end(t);
	if (rc != 0)
		return err_set(e, "there is no note at %s", iri), rc;
	snprintf(p->iri, sizeof(p->iri), "%s", iri);
	return 0;
}

int
hub_post_publish(struct hub *h, const char *name, const char *text,
    const struct hub_post_opts *opts, char *iri_out, size_t cap, struct err *e)
{
	struct hub_post *p;
	int rc;

	if ((p = hub_post_prepare(h, name, text, opts, &rc, e)) == NULL)
		return rc;
	if (opts->edit != NULL &&
	    (rc = hub_post_set_edit(h, p, opts->edit, e)) != 0) {
		hub_post_free(p);
		return rc;
	}
	rc =
	    st_write(h->db, opts->edit ? hub_edit_apply : hub_post_apply, p, e);
	if (rc == 0 && log_enabled(LOG_INFO)) {
		char event[800];
		hub_post_event(p, event, sizeof(event));
		log_msg(LOG_INFO, "%s", event);
	}
	if (rc == 0 && iri_out != NULL)
		snprintf(iri_out, cap, "%s", p->iri);
	hub_post_free(p);
	return rc;
}

/* Replace object id with a Tombstone of former type. */
static int
tombstone(struct st_txn *t, struct st_obj *o, const char *former)
{
	struct buf b;
	json_t *doc, *ts;
	const char *iri;
	int rc;

	buf_init(&b, 0);
	if ((rc = st_object_get(t, o->id, o, &b)) != 0)
		return rc;
	doc = json_loadb(b.data, b.len, 0, NULL);
	buf_free(&b);
	iri = doc ? json_string_value(json_object_get(doc, "id")) : NULL;
	if (iri == NULL) {
		json_decref(doc);
		return ST_EIO;
	}
	/* A learning post was an Article. */
	if (!strcmp(former, "Note") && json_object_get(doc, "learning"))
		former = "Article";
	ts = fed_as2_tombstone(iri, former, time(NULL));
	json_decref(doc);
	o->kind = ST_K_TOMBSTONE;
	o->ctx = ST_CTX_AS;
	o->flags |= ST_OF_DELETED;
	rc = fed_store_json(t, o, ts);
	json_decref(ts);
	return rc;
}

static int
untag(struct st_txn *t, uint64_t id)
{
	const json_t *tag;
	const char *name;
	struct st_obj o;
	struct buf b;
	json_t *doc;
	size_t i;
	int rc = 0;

	buf_init(&b, 0);
	if (st_object_get(t, id, &o, &b) != 0)
		return 0;
	doc = json_loadb(b.data, b.len, 0, NULL);
	buf_free(&b);
	json_array_foreach(json_object_get(doc, "tag"), i, tag)
	{
		name = json_string_value(json_object_get(tag, "name"));
		if (name != NULL && name[0] == '#' && rc == 0)
			rc = st_tag_del(t, name + 1, id);
	}
	json_decref(doc);
	return rc;
}

/* The remote actors a note's to/cc name, at most max. */
static size_t
remote_audience(struct st_txn *t, const json_t *doc, uint64_t *ids, size_t max)
{
	const char *lists[] = { "to", "cc" };
	struct st_actor x;
	const json_t *v;
	size_t i, n = 0;
	int k;

	for (k = 0; k < 2; k++)
		json_array_foreach(json_object_get(doc, lists[k]), i, v)
		{
			if (n == max || !json_is_string(v) ||
			    st_actor_by_iri(t, json_string_value(v), &x) != 0)
				continue;
			if (!(x.flags & ST_AF_LOCAL))
				ids[n++] = x.id;
			st_actor_clear(&x);
		}
	return n;
}

/* Tell those who got the note that it is gone: Delete with a Tombstone,
 * as Mastodon sends it, addressed as the note was, to its author's
 * followers (unless it was direct) and the remote actors it named. */
static int
announce_delete(struct st_txn *t, const struct st_obj *note)
{
	uint64_t remote[MENTIONS_MAX * 2];
	struct st_actor a;
	struct buf b;
	json_t *doc = NULL, *ts;
	uint64_t del;
	size_t n = 0;
	int rc;

	buf_init(&b, 0);
	if ((rc = st_actor_get(t, note->owner, &a)) != 0)
		return rc;
	if ((rc = st_object_get(t, note->id, &(struct st_obj){ 0 }, &b)) == 0)
		doc = json_loadb(b.data, b.len, 0, NULL);
	buf_free(&b);
	ts = json_pack(
	    "{s:O,s:s}", "id", json_object_get(doc, "id"), "type", "Tombstone");
	if (ts == NULL) {
		json_decref(doc);
		st_actor_clear(&a);
		return ST_EIO;
	}
	n = remote_audience(t, doc, remote, sizeof(remote) / sizeof(*remote));
	if ((rc = fed_local_activity_aud(t, &a, "Delete", ts,
		 json_deep_copy(json_object_get(doc, "to")),
		 json_deep_copy(json_object_get(doc, "cc")), note->id, &del)) ==
	    0)
		rc = fed_fanout_with(t, a.id, del, note->vis != ST_VIS_DIRECT,
		    members_of(t, doc), remote, n, NULL);
	json_decref(doc);
	st_actor_clear(&a);
	return rc;
}

static int
delete_note(struct st_txn *t, uint64_t id, uint64_t by, struct err *e)
{
	struct st_obj o, act;
	int rc, n;

	if ((rc = st_object_get(t, id, &o, NULL)) != 0)
		return err_set(e, "no such note"), rc;
	if (o.kind == ST_K_TOMBSTONE)
		return err_set(e, "this note was deleted already"), ST_GONE;
	if (o.kind != ST_K_NOTE || !(o.flags & ST_OF_LOCAL))
		return err_set(e, "that address is not a note of this hub"),
		       HUB_INVALID;
	if (by != 0 && o.owner != by)
		return err_set(e, "you can delete only your own notes"),
		       HUB_FORBIDDEN;
	n = counted(t, &o);
	/* Off the featured list in the same transaction (featured.h). */
	if ((rc = st_featured_del(t, id)) != 0 && rc != ST_NOTFOUND)
		return err_set(e, "%s", st_strerror(rc)), rc;
	/* The Delete first: it is addressed from the note's audience. */
	if ((rc = announce_delete(t, &o)) != 0 || (rc = untag(t, id)) != 0 ||
	    (rc = st_outbox_del(t, o.owner, id)) != 0 ||
	    (rc = tombstone(t, &o, "Note")) != 0)
		return err_set(e, "%s", st_strerror(rc)), rc;
	act.id = o.parent;
	if ((rc = tombstone(t, &act, "Create")) != 0 ||
	    (rc = st_counter_add(t, "local_posts", -n)) != 0)
		return err_set(e, "%s", st_strerror(rc)), rc;
	return st_actor_touch(t, o.owner, -n, 0);
}

int
hub_note_delete_tx(struct st_txn *t, uint64_t id, struct err *e)
{
	return delete_note(t, id, 0, e);
}

static int
delete_notes(struct st_txn *t, struct hub *h, uint64_t actor, struct err *e)
{
	struct st_outbox_item items[64];
	int n, i, more, rc;

	(void)h;
	do {
		n = st_outbox_page(
		    t, actor, 0, ST_VIS_DIRECT, items, 64, &more);
		if (n < 0)
			return n;
		for (i = 0; i < n; i++) {
			struct st_obj o;

			/* A boost of someone else's note: only unlisted. */
			if (st_object_peek(t, items[i].note, &o, NULL, NULL) !=
				0 ||
			    o.owner != actor)
				rc = st_outbox_del(t, actor, items[i].note);
			else
				rc = delete_note(t, items[i].note, 0, e);
			if (rc != 0)
				return rc;
		}
	} while (more);
	return 0;
}

struct delete_job {
	const char *iri;
	uint64_t by;
};

static int
delete_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct delete_job *d = arg;
	uint64_t id;
	int rc;

	if ((rc = st_iri_get(t, d->iri, &id)) != 0)
		return err_set(e, "there is no note at %s", d->iri), rc;
	return delete_note(t, id, d->by, e);
}

int
hub_post_delete(struct hub *h, const char *iri, uint64_t by, struct err *e)
{
	struct delete_job d = { iri, by };
	int rc = st_write(h->db, delete_apply, &d, e);

	if (rc == 0)
		log_msg(LOG_INFO, "note deleted: %s", iri);
	return rc;
}

/* ---- likes and boosts ---- */

struct react_job {
	const char *name;
	const char *iri;
	int type; /* enum st_react */
	int undo;
	int already; /* out */
	int queued;  /* out */
};

/* The Like or Announce of note by me, or its Undo, stored and sent. */
static int
react_send(struct st_txn *t, struct react_job *j, const struct st_actor *me,
    const struct st_actor *owner, uint64_t note, uint64_t *act)
{
	int boost = j->type == ST_REACT_ANNOUNCE;
	char followers[560];
	uint64_t remote[1];
	struct st_obj o;
	const char *js;
	size_t len;
	json_t *obj;
	int rc;

	snprintf(followers, sizeof(followers), "%s/followers", me->iri);
	if (j->undo) {
		if ((rc = st_object_peek(t, *act, &o, &js, &len)) != 0)
			return rc;
		if ((obj = json_loadb(js, len, 0, NULL)) == NULL)
			return ST_EIO;
	} else
		obj = json_string(j->iri);
	rc = fed_local_activity_cc(t, me,
	    j->undo	? "Undo"
		: boost ? "Announce"
			: "Like",
	    obj, boost ? AS_PUBLIC : owner->iri,
	    boost ? json_pack("[s,s]", owner->iri, followers) : NULL, note,
	    act);
	if (rc != 0)
		return rc;
	remote[0] = owner->id;
	return fed_fanout_to(t, me->id, *act, boost,
	    (owner->flags & ST_AF_LOCAL) ? NULL : remote,
	    (owner->flags & ST_AF_LOCAL) ? 0 : 1, &j->queued);
}

static int
react_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct react_job *j = arg;
	struct st_actor me, owner;
	struct st_notification n;
	struct st_obj o;
	uint64_t note, act = 0;
	const char *js;
	size_t len;
	int rc;

	if ((rc = post_member(t, j->name, &me, e)) != 0)
		return rc;
	if ((rc = st_iri_get(t, j->iri, &note)) != 0 ||
	    (rc = st_object_peek(t, note, &o, NULL, NULL)) != 0 ||
	    o.kind != ST_K_NOTE) {
		st_actor_clear(&me);
		if (rc == 0 && o.kind == ST_K_TOMBSTONE)
			return err_set(e, "that note has been deleted"),
			       ST_GONE;
		return err_set(e,
			   "that note is not known to this hub: open "
			   "it here first"),
		       rc == 0 ? ST_NOTFOUND : rc;
	}
	if (j->type == ST_REACT_ANNOUNCE && o.vis > ST_VIS_UNLISTED) {
		st_actor_clear(&me);
		return err_set(e,
			   "only public and unlisted notes can be "
			   "boosted"),
		       HUB_FORBIDDEN;
	}
	if ((rc = st_actor_get(t, o.owner, &owner)) != 0) {
		st_actor_clear(&me);
		return rc;
	}
	rc = st_react_get(t, note, j->type, me.id, &act);
	if (j->undo ? rc == ST_NOTFOUND : rc == 0) {
		j->already = 1;
		rc = 0;
	} else if (rc == 0 || rc == ST_NOTFOUND) {
		rc = react_send(t, j, &me, &owner, note, &act);
		if (rc == 0 && j->undo)
			rc = st_react_del(t, note, j->type, me.id);
		else if (rc == 0)
			rc = st_react_put(t, note, j->type, me.id, act);
		/* A boost is listed in the outbox, where the booster's own
		 * note already is (under the same key) when it is theirs:
		 * that entry stays as it is. */
		if (rc == 0 && j->type == ST_REACT_ANNOUNCE && j->undo &&
		    owner.id != me.id)
			rc = st_outbox_del(t, me.id, note);
		else if (rc == 0 && j->type == ST_REACT_ANNOUNCE && !j->undo &&
		    owner.id != me.id &&
		    (rc = st_object_peek(t, act, &o, &js, &len)) == 0 &&
		    (rc = st_outbox_add(
			 t, me.id, note, act, ST_VIS_PUBLIC, js, len)) == 0)
			rc = fed_home_fanout(t, me.id, note);
		if (rc == 0 && !j->undo && (owner.flags & ST_AF_LOCAL) &&
		    owner.id != me.id) {
			n = (struct st_notification){ .type = j->type ==
					ST_REACT_LIKE
				    ? ST_N_LIKE
				    : ST_N_ANNOUNCE,
				.actor = me.id,
				.object = note,
				.time = (uint64_t)time(NULL) };
			rc = st_notify_add(t, owner.id, &n);
		}
	}
	st_actor_clear(&me);
	st_actor_clear(&owner);
	if (rc != 0 && rc != HUB_FORBIDDEN)
		err_set(e, "cannot store it: %s", st_strerror(rc));
	return rc;
}

int
hub_react(struct hub *h, const char *name, const char *iri, int type, int undo,
    int *already, int *queued, struct err *e)
{
	struct react_job j = { name, iri, type, undo, 0, 0 };
	static const char *const done[] = { "", "likes", "boosts" };
	int rc = st_write(h->db, react_apply, &j, e);

	if (rc == 0 && !j.already)
		log_msg(LOG_INFO, "%s %s%s %s", name, undo ? "no longer " : "",
		    done[type], iri);
	if (already != NULL)
		*already = j.already;
	if (queued != NULL)
		*queued = j.queued;
	return rc;
}

struct answer_job {
	const char *name;
	const char *who;
	struct fed_answer a;
};

static int
answer_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct answer_job *j = arg;
	struct st_actor me, them;
	int rc;

	/* A locked member, or a closed community (its moderators answer
	 * through hubctl for now). */
	if ((rc = load_local(t, j->name, &me, e)) != 0)
		return rc;
	rc = me.kind == ST_AK_APPLICATION || (me.flags & ST_AF_DISABLED);
	j->a.me = me.id;
	st_actor_clear(&me);
	if (rc)
		return err_set(e, "that account cannot answer follow requests"),
		       HUB_FORBIDDEN;
	if (st_actor_by_iri(t, j->who, &them) != 0)
		return err_set(e, "there is no follow request from %s", j->who),
		       ST_NOTFOUND;
	j->a.follower = them.id;
	st_actor_clear(&them);
	return fed_answer_apply(t, &j->a, e);
}

int
hub_follow_answer(struct hub *h, const char *name, const char *who, int accept,
    int *queued, struct err *e)
{
	struct answer_job j = { name, who, { 0, 0, accept, 0 } };
	int rc = st_write(h->db, answer_apply, &j, e);

	if (rc == 0)
		log_msg(LOG_INFO, "%s %s the follow request of %s", name,
		    accept ? "accepts" : "rejects", who);
	if (queued != NULL)
		*queued = j.a.queued;
	return rc;
}

/* Whether the local member name is one of the hub's admins. */
static int
is_admin(struct st_txn *t, const char *name)
{
	struct st_actor a;
	struct err e;
	int admin;

	if (load_local(t, name, &a, &e) != 0)
		return 0;
	admin = a.kind == ST_AK_PERSON && a.role == ST_ROLE_ADMIN;
	st_actor_clear(&a);
	return admin;
}

struct glist_job {
	const char *group, *what, *by;
	int kind, add;
	char iri[512]; /* what, as stored */
	int queued;
};

/* Put or take what (j->iri) on g's list. A change of moderators is
 * announced to the community's followers (Add or Remove, FEP-1b12). */
static int
glist_change(struct st_txn *t, struct glist_job *j, const struct st_actor *g)
{
	int was = st_glist_has(t, g->id, j->kind, j->iri), rc;

	rc = j->add ? st_glist_put(t, g->id, j->kind, j->iri)
		    : st_glist_del(t, g->id, j->kind, j->iri);
	if (rc == ST_NOTFOUND && !j->add)
		return 0;
	if (rc == 0 && j->kind == ST_GL_MOD && was != j->add)
		rc = fed_group_mod_announce(t, g, j->iri, j->add, &j->queued);
	return rc;
}

static int
glist_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct glist_job *j = arg;
	struct st_actor g, x;
	uint64_t id;
	int rc;

	if ((rc = hub_group_moderator(t, j->group, j->by, &g, e)) != 0)
		return rc;
	if (j->kind == ST_GL_MOD && j->by != NULL && !is_admin(t, j->by)) {
		st_actor_clear(&g);
		return err_set(e,
			   "only the hub's admins choose a community's "
			   "moderators: ask one of them"),
		       HUB_FORBIDDEN;
	}
	if (j->kind == ST_GL_BAN_HOST)
		snprintf(j->iri, sizeof(j->iri), "%s", j->what);
	else if (st_actor_by_iri(t, j->what, &x) == 0 ||
	    (st_name_get(t, j->what, &id) == 0 &&
		st_actor_get(t, id, &x) == 0)) {
		snprintf(j->iri, sizeof(j->iri), "%s", x.iri);
		/* A ban ends the membership too. */
		if (j->kind == ST_GL_BAN_ACTOR && j->add)
			st_follow_del(t, x.id, g.id);
		st_actor_clear(&x);
	} else
		rc = (err_set(e,
			  "no one called %s is known here: give a member's "
			  "name, an actor's URL or @user@host",
			  j->what),
		    ST_NOTFOUND);
	if (rc == 0)
		rc = glist_change(t, j, &g);
	st_actor_clear(&g);
	return rc;
}

/* The actor a ban names, as glist_apply looks it up: a handle
 * (@user@host) becomes the local name, or the remote actor's URL
 * (WebFinger and a signed GET: it blocks); anything else is kept. */
static int
ban_target(
    struct hub *h, const char *what, char *out, size_t cap, struct err *e)
{
	const char *p = what[0] == '@' ? what + 1 : what, *at = strchr(p, '@');
	char host[256], mine[256];
	struct st_actor a;
	int rc;

	snprintf(out, cap, "%s", what);
	if (at == NULL || at == p || strchr(what, '/') != NULL)
		return 0;
	fed_url_host(h->cfg->base_url, mine, sizeof(mine));
	snprintf(host, sizeof(host), "%s", at + 1);
	if (!strcasecmp(host, mine)) {
		snprintf(out, cap, "%.*s", (int)(at - p), p);
		return 0;
	}
	if ((rc = hub_resolve(h, what, &a, e)) != 0) {
		char why[sizeof(e->msg)];

		snprintf(why, sizeof(why), "%s", e->msg);
		return err_set(e, "cannot find %s: check the handle (%s)", what,
			   why),
		       rc == HUB_INVALID ? ST_NOTFOUND : rc;
	}
	snprintf(out, cap, "%s", a.iri);
	st_actor_clear(&a);
	return 0;
}

int
hub_group_list(struct hub *h, const char *group, int kind, const char *what,
    int add, const char *by, struct err *e)
{
	struct glist_job j = { group, what, by, kind, add, "", 0 };
	char target[600];
	int rc;

	if (kind == ST_GL_BAN_ACTOR &&
	    (rc = ban_target(h, what, target, sizeof(target), e)) != 0)
		return rc;
	if (kind == ST_GL_BAN_ACTOR)
		j.what = target;
	rc = st_write(h->db, glist_apply, &j, e);

	if (rc == 0)
		log_msg(LOG_INFO, "community %s: %s %s %s", group,
		    add ? "adds" : "removes", j.iri,
		    kind == ST_GL_MOD ? "as moderator" : "ban");
	return rc;
}

struct remove_job {
	const char *group, *iri, *by;
	int queued;
};

/* A moderator's removal: the community takes its Announce back (Undo,
 * which Mastodon reads as an unboost and hubs as the post leaving the
 * community), out of its outbox and its members' home timelines. The
 * author's note itself stays theirs. */
static int
remove_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct remove_job *j = arg;
	struct st_actor g, by = { 0 };
	struct st_obj o, ao;
	uint64_t note, act, undo;
	json_t *announce = NULL, *to, *cc;
	const char *js;
	size_t len;
	int rc;

	if ((rc = hub_group_moderator(t, j->group, j->by, &g, e)) != 0)
		return rc;
	if (st_iri_get(t, j->iri, &note) == 0 &&
	    st_object_peek(t, note, &o, NULL, NULL) == 0 &&
	    o.kind == ST_K_NOTE && o.owner == g.id)
		rc = delete_note(t, note, 0, e); /* its own (anonymous) post */
	else if (st_iri_get(t, j->iri, &note) != 0 ||
	    st_object_peek(t, note, &o, NULL, NULL) != 0 ||
	    st_react_get(t, note, ST_REACT_ANNOUNCE, g.id, &act) != 0)
		rc = (err_set(e,
			  "that post is not in the community: check the URL "
			  "(its timeline lists its posts)"),
		    ST_NOTFOUND);
	else if ((rc = st_object_peek(t, act, &ao, &js, &len)) == 0 &&
	    (announce = json_loadb(js, len, 0, NULL)) == NULL)
		rc = ST_EIO;
	if (rc != 0 || o.owner == g.id) {
		st_actor_clear(&g);
		return rc;
	}
	/* The Delete is the moderator's, unless they wrote the note: the
	 * community's then, lest peers read it as the author's own. */
	if (j->by != NULL &&
	    load_local(t, j->by, &by, &(struct err){ { 0 } }) == 0 &&
	    by.id == o.owner)
		st_actor_clear(&by);
	fed_group_address(&g, &to, &cc);
	if ((rc = fed_local_activity_aud(
		 t, &g, "Undo", announce, to, cc, note, &undo)) == 0 &&
	    (rc = fed_group_take_out(t, &g, by.iri != NULL ? &by : NULL, j->iri,
		 note, undo, &j->queued)) == 0 &&
	    (rc = st_react_del(t, note, ST_REACT_ANNOUNCE, g.id)) == 0 &&
	    (rc = st_outbox_del(t, g.id, note)) == 0)
		rc = fed_home_unfanout(t, g.id, note, o.owner);
	st_actor_clear(&by);
	st_actor_clear(&g);
	return rc;
}

int
hub_group_remove(struct hub *h, const char *group, const char *iri,
    const char *by, struct err *e)
{
	struct remove_job j = { group, iri, by, 0 };
	int rc = st_write(h->db, remove_apply, &j, e);

	if (rc == 0)
		log_msg(LOG_INFO, "community %s: removed %s", group, iri);
	return rc;
}

int
hub_member_id(struct hub *h, const char *name, uint64_t *id)
{
	struct st_txn *t;
	int rc;

	if ((rc = st_read_begin(h->db, &t)) != 0)
		return rc;
	rc = st_name_get(t, name, id);
	st_read_end(t);
	return rc;
}

/* ---- API tokens ---- */

struct token_job {
	const char *name;
	unsigned char digest[32];
};

static int
token_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct token_job *j = arg;
	struct st_actor a;
	int rc;

	if ((rc = load_local(t, j->name, &a, e)) != 0)
		return rc;
	if (a.kind != ST_AK_PERSON)
		rc = (err_set(e, "only members can have tokens"), HUB_INVALID);
	else
		rc = st_token_put(t, j->digest, a.id, (uint64_t)time(NULL));
	st_actor_clear(&a);
	return rc;
}

static void
token_digest(const char *token, unsigned char out[32])
{
	unsigned int n = 32;

	EVP_Digest(token, strlen(token), out, &n, EVP_sha256(), NULL);
}

int
hub_token_create(struct hub *h, const char *name, char out[65], struct err *e)
{
	struct token_job j = { name, { 0 } };
	unsigned char raw[32];
	int i, rc;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return err_set(e, "the random generator failed"), ST_EIO;
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	OPENSSL_cleanse(raw, sizeof(raw));
	token_digest(out, j.digest);
	if ((rc = st_write(h->db, token_apply, &j, e)) != 0)
		OPENSSL_cleanse(out, 65);
	else
		log_msg(LOG_INFO, "API token created for %s", name);
	return rc;
}

int
hub_token_check(struct hub *h, const char *token, uint64_t *actor)
{
	unsigned char d[32];
	struct st_txn *t;
	int rc;

	if (strlen(token) != 64)
		return ST_NOTFOUND;
	token_digest(token, d);
	if ((rc = st_read_begin(h->db, &t)) != 0)
		return rc;
	rc = st_token_get(t, d, actor);
	st_read_end(t);
	return rc;
}

/* ---- remote actors ---- */

static pthread_mutex_t ikey_mu = PTHREAD_MUTEX_INITIALIZER;

/* The instance actor's private key, to sign fetches (a reference). */
static EVP_PKEY *
instance_key(struct hub *h, char *key_id, size_t cap)
{
	char iri[300], *pem = NULL;
	struct st_txn *t;
	EVP_PKEY *k = NULL;
	uint64_t id;

	snprintf(iri, sizeof(iri), "%s/actor", h->cfg->base_url);
	snprintf(key_id, cap, "%s#main-key", iri);
	/* Parsed once: parsing and blinding setup cost more than a
	 * signature. */
	pthread_mutex_lock(&ikey_mu);
	if (h->instance_key != NULL && EVP_PKEY_up_ref(h->instance_key))
		k = h->instance_key;
	pthread_mutex_unlock(&ikey_mu);
	if (k != NULL || st_read_begin(h->db, &t) != 0)
		return k;
	if (st_iri_get(t, iri, &id) == 0 &&
	    st_account_get(t, id, NULL, &pem) == 0)
		k = fed_sig_private_key(pem);
	st_read_end(t);
	fed_secret_free(pem);
	pthread_mutex_lock(&ikey_mu);
	if (k != NULL && h->instance_key == NULL && EVP_PKEY_up_ref(k))
		h->instance_key = k;
	pthread_mutex_unlock(&ikey_mu);
	return k;
}

static int
upsert_apply(struct st_txn *t, void *arg, struct err *e)
{
	int rc = st_actor_upsert_remote(t, arg);

	if (rc == ST_EXISTS)
		return err_set(e,
			   "that address or key belongs to another "
			   "actor here"),
		       rc;
	return rc;
}

void
hub_fetch_settings(
    struct hub *h, struct fed_fetch_cfg *c, char *ua, size_t ucap)
{
	memset(c, 0, sizeof(*c));
	snprintf(ua, ucap, "hub/%s (+%s)", PACKAGE_VERSION, h->cfg->base_url);
	c->allow_private = h->cfg->allow_private_addresses;
	c->timeout = h->cfg->fetch_timeout;
	c->ca_file = h->cfg->ca_file;
	c->user_agent = ua;
}

int
hub_fetch_cfg(struct hub *h, struct fed_fetch_cfg *c, char *key_id, size_t kcap,
    char *ua, size_t ucap)
{
	hub_fetch_settings(h, c, ua, ucap);
	c->key_id = key_id;
	if ((c->key = instance_key(h, key_id, kcap)) == NULL)
		return ST_NOINIT;
	return 0;
}

/* Whether the host of url is blocked (block.h): nothing is fetched
 * from it. */
static int
blocked(struct hub *h, const char *url, struct err *e)
{
	struct st_txn *t;
	int b;

	if (st_read_begin(h->db, &t) != 0)
		return 0;
	b = hub_url_blocked(t, url);
	st_read_end(t);
	if (b)
		err_set(e, "this hub has blocked the server of %s", url);
	return b;
}

int
hub_fetch_actor(struct hub *h, const struct fed_fetch_cfg *c, const char *iri,
    struct st_actor *a, struct err *e)
{
	char url[1024];
	const char *owner;
	json_t *doc;
	int rc;

	memset(a, 0, sizeof(*a));
	if (blocked(h, iri, e))
		return HUB_FORBIDDEN;
	/* A key id is often <actor>#main-key: the document is the actor. */
	snprintf(url, sizeof(url), "%.*s", (int)strcspn(iri, "#"), iri);
	if ((doc = fed_fetch_json(c, url, e)) == NULL)
		return HUB_INVALID;
	owner = json_string_value(json_object_get(doc, "owner"));
	if (json_object_get(doc, "inbox") == NULL && owner != NULL &&
	    strlen(owner) < sizeof(url)) { /* a key document */
		snprintf(url, sizeof(url), "%s", owner);
		json_decref(doc);
		if ((doc = fed_fetch_json(c, url, e)) == NULL)
			return HUB_INVALID;
	}
	rc = fed_actor_from_json(doc, NULL, a, e);
	json_decref(doc);
	if (rc != 0)
		return HUB_INVALID;
	if ((rc = st_write(h->db, upsert_apply, a, e)) != 0)
		st_actor_clear(a);
	else
		log_msg(LOG_INFO, "fetched actor %s", a->iri);
	return rc;
}

int
hub_resolve(struct hub *h, const char *what, struct st_actor *a, struct err *e)
{
	char iri[1024], key_id[320], ua[400];
	struct fed_fetch_cfg c;
	int rc;

	memset(a, 0, sizeof(*a));
	if (hub_fetch_cfg(h, &c, key_id, sizeof(key_id), ua, sizeof(ua)) != 0)
		return err_set(e,
			   "the instance actor's key is missing: run "
			   "\"hubctl init\""),
		       ST_NOINIT;
	if (!strncmp(what, "https://", 8) || !strncmp(what, "http://", 7))
		rc = snprintf(iri, sizeof(iri), "%s", what) >= (int)sizeof(iri)
		    ? err_set(e, "the URL is too long")
		    : 0;
	else if (strchr(what + 1, '@') != NULL &&
	    blocked(h, strchr(what + 1, '@') + 1, e))
		rc = -1;
	else
		rc = fed_webfinger_resolve(&c, what, iri, sizeof(iri), e);
	if (rc == 0)
		rc = hub_fetch_actor(h, &c, iri, a, e);
	else
		rc = HUB_INVALID;
	EVP_PKEY_free(c.key);
	return rc;
}

struct follow_job {
	const char *name;
	struct fed_follow f;
};

static int
follow_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct follow_job *j = arg;
	struct st_actor me;
	int rc;

	if ((rc = load_local(t, j->name, &me, e)) != 0)
		return rc;
	if (me.kind != ST_AK_PERSON || (me.flags & ST_AF_DISABLED)) {
		st_actor_clear(&me);
		return err_set(e, "only enabled members can follow"),
		       HUB_FORBIDDEN;
	}
	j->f.follower = me.id;
	st_actor_clear(&me);
	/* A remote banned actor's Follow is refused in fed_inbox.c; a
	 * local member's join is refused here, whatever asks (web, API,
	 * hubctl). Leaving stays possible. */
	if (!j->f.undo && fed_group_banned(t, j->f.target, j->f.follower))
		return err_set(e,
			   "you are banned from this community, so you "
			   "cannot join it"),
		       HUB_FORBIDDEN;
	return fed_follow_apply(t, &j->f, e);
}

/* The actor of this hub that what names: its URL, or a handle on this
 * hub's host. ST_NOTFOUND otherwise. */
static int
local_actor(struct hub *h, const char *what, struct st_actor *a)
{
	size_t blen = strlen(h->cfg->base_url);
	const char *at, *user = what;
	char name[64];
	struct st_txn *t;
	uint64_t id;
	size_t i;
	int rc = ST_NOTFOUND;

	if (st_read_begin(h->db, &t) != 0)
		return ST_EIO;
	if (!strncmp(what, h->cfg->base_url, blen) && what[blen] == '/')
		rc = st_actor_by_iri(t, what, a);
	else {
		user += *user == '@';
		at = strchr(user, '@');
		if (at != NULL && (size_t)(at - user) < sizeof(name) &&
		    !strcasecmp(at + 1, h->cfg->host)) {
			for (i = 0; user + i < at; i++)
				name[i] = (char)tolower((unsigned char)user[i]);
			name[i] = '\0';
			if ((rc = st_name_get(t, name, &id)) == 0)
				rc = st_actor_get(t, id, a);
		}
	}
	st_read_end(t);
	if (rc == 0 &&
	    (!(a->flags & ST_AF_LOCAL) || (a->flags & ST_AF_DELETED))) {
		st_actor_clear(a);
		rc = ST_NOTFOUND;
	}
	return rc;
}

int
hub_follow(struct hub *h, const char *name, const char *what, int undo,
    int *already, struct err *e)
{
	struct follow_job j = { name, { 0, 0, undo, 0 } };
	struct st_actor them;
	int rc;

	if (local_actor(h, what, &them) != 0 &&
	    (rc = hub_resolve(h, what, &them, e)) != 0)
		return rc;
	j.f.target = them.id;
	rc = st_write(h->db, follow_apply, &j, e);
	if (rc == 0 && !j.f.already)
		log_msg(LOG_INFO, "%s %s %s", name,
		    undo ? "stops following" : "follows", them.iri);
	st_actor_clear(&them);
	*already = j.f.already;
	return rc;
}
