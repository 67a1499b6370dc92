#include "account.h"

#include <argon2.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "err.h"
#include "fed_key.h"
#include "fed_webfinger.h"
#include "hub.h"
#include "log.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_session.h"

static void
digest_of(const char *token, unsigned char out[ST_SESSION_DIGEST])
{
	unsigned int n = ST_SESSION_DIGEST;

	EVP_Digest(token, strlen(token), out, &n, EVP_sha256(), NULL);
}

static void
who_of(const struct st_actor *a, struct account_who *w)
{
	w->id = a->id;
	w->role = a->role;
	snprintf(w->name, sizeof(w->name), "%s", a->name ? a->name : "");
	snprintf(w->display, sizeof(w->display), "%s",
	    a->display_name && a->display_name[0] ? a->display_name : w->name);
}

/* A hash of a random password, verified against when the name is
 * unknown, so that the answer takes as long as for a wrong password. */
static char *dummy_hash;
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void
make_dummy(void)
{
	unsigned char r[16];
	char pw[33];
	int i;

	if (RAND_bytes(r, sizeof(r)) != 1)
		memset(r, 0x5a, sizeof(r));
	for (i = 0; i < 16; i++)
		snprintf(pw + 2 * i, 3, "%02x", r[i]);
	dummy_hash = hub_password_hash(pw);
	OPENSSL_cleanse(pw, sizeof(pw));
}

/* The actor called name and its password hash (malloc'd), or
 * ST_NOTFOUND for unknown names, communities and accounts without one. */
static int
load_account(struct hub *h, const char *name, struct st_actor *a, char **hash)
{
	struct st_txn *t;
	char norm[32];
	uint64_t id;
	int rc;

	*hash = NULL;
	if (fed_name_normalize(name, norm, sizeof(norm)) < 0)
		return ST_NOTFOUND;
	if ((rc = st_read_begin(h->db, &t)) != 0)
		return rc;
	rc = st_name_get(t, norm, &id);
	if (rc == 0)
		rc = st_actor_get(t, id, a);
	if (rc == 0 && (a->kind != ST_AK_PERSON || (a->flags & ST_AF_DELETED)))
		rc = ST_NOTFOUND;
	if (rc == 0)
		rc = st_account_get(t, id, hash, NULL);
	if (rc == 0 && (*hash == NULL || (*hash)[0] == '\0'))
		rc = ST_NOTFOUND;
	st_read_end(t);
	return rc;
}

int
account_login(struct hub *h, const char *name, const char *password,
    struct account_who *w, struct err *e)
{
	struct st_actor a = { 0 };
	char *hash = NULL;
	int rc, ok;

	rc = load_account(h, name, &a, &hash);
	if (rc != 0 && rc != ST_NOTFOUND) {
		st_actor_clear(&a);
		return err_set(e, "the hub cannot read its data: try again"),
		       rc;
	}
	if (rc != 0) {
		pthread_once(&dummy_once, make_dummy);
		if (dummy_hash != NULL)
			(void)argon2id_verify(
			    dummy_hash, password, strlen(password));
		ok = 0;
	} else
		ok = argon2id_verify(hash, password, strlen(password)) ==
		    ARGON2_OK;
	fed_secret_free(hash);
	if (!ok)
		rc = (err_set(e,
			  "that name and password do not match an "
			  "account here: check both and try again"),
		    ACCOUNT_BAD);
	else if (a.flags & ST_AF_PENDING)
		rc = (err_set(e,
			  "your account is waiting for an admin to "
			  "approve it: try again later"),
		    ACCOUNT_PENDING);
	else if (a.flags & ST_AF_DISABLED)
		rc = (err_set(e,
			  "this account is disabled: ask the hub's admins "
			  "if you think this is a mistake"),
		    ACCOUNT_DISABLED);
	else
		who_of(&a, w);
	st_actor_clear(&a);
	return rc;
}

struct session_job {
	const unsigned char *digest;
	const unsigned char *keep;
	uint64_t actor;
	const char *hash; /* password changes */
};

static int
session_put_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct session_job *j = arg;
	uint64_t now = (uint64_t)time(NULL);
	int rc;

	(void)e;
	/* Expired sessions of this member go when a new one starts. */
	rc = st_session_del_actor(
	    t, j->actor, NULL, now - ACCOUNT_SESSION_DAYS * 86400ull, NULL);
	return rc ? rc : st_session_put(t, j->digest, j->actor, now);
}

int
account_session_new(struct hub *h, uint64_t actor,
    char out[ACCOUNT_TOKEN_LEN + 1], struct err *e)
{
	unsigned char raw[32], d[ST_SESSION_DIGEST];
	struct session_job j = { d, NULL, actor, NULL };
	int i, rc;

	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return err_set(e, "the random generator failed"), ST_EIO;
	for (i = 0; i < 32; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
	OPENSSL_cleanse(raw, sizeof(raw));
	digest_of(out, d);
	if ((rc = st_write(h->db, session_put_apply, &j, e)) != 0)
		OPENSSL_cleanse(out, ACCOUNT_TOKEN_LEN + 1);
	return rc;
}

static int
token_ok(const char *token)
{
	size_t i;

	if (token == NULL || strlen(token) != ACCOUNT_TOKEN_LEN)
		return 0;
	for (i = 0; i < ACCOUNT_TOKEN_LEN; i++)
		if (!((token[i] >= '0' && token[i] <= '9') ||
			(token[i] >= 'a' && token[i] <= 'f')))
			return 0;
	return 1;
}

int
account_session_check_tx(
    struct st_txn *t, const char *token, struct account_who *w)
{
	unsigned char d[ST_SESSION_DIGEST];
	struct st_actor a;
	uint64_t actor, created;
	int rc;

	if (!token_ok(token))
		return ST_NOTFOUND;
	digest_of(token, d);
	rc = st_session_get(t, d, &actor, &created);
	if (rc == 0 &&
	    created + ACCOUNT_SESSION_DAYS * 86400ull < (uint64_t)time(NULL))
		rc = ST_NOTFOUND;
	if (rc == 0 && (rc = st_actor_get(t, actor, &a)) == 0) {
		if (a.flags & (ST_AF_DISABLED | ST_AF_DELETED))
			rc = ST_NOTFOUND;
		else
			who_of(&a, w);
		st_actor_clear(&a);
	}
	return rc;
}

int
account_session_check(struct hub *h, const char *token, struct account_who *w)
{
	struct st_txn *t;
	int rc;

	if (!token_ok(token))
		return ST_NOTFOUND;
	if ((rc = st_read_begin(h->db, &t)) != 0)
		return rc;
	rc = account_session_check_tx(t, token, w);
	st_read_end(t);
	return rc;
}

static int
session_del_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct session_job *j = arg;
	int rc = st_session_del(t, j->digest);

	(void)e;
	return rc == ST_NOTFOUND ? 0 : rc;
}

int
account_session_end(struct hub *h, const char *token)
{
	unsigned char d[ST_SESSION_DIGEST];
	struct session_job j = { d, NULL, 0, NULL };
	struct err e;

	if (!token_ok(token))
		return 0;
	digest_of(token, d);
	return st_write(h->db, session_del_apply, &j, &e);
}

int
account_password_rules(const char *name, const char *password, struct err *e)
{
	size_t n = strlen(password);

	if (n < 10)
		return err_set(e,
			   "use at least 10 characters: a few unrelated "
			   "words make a strong password that is easy to "
			   "remember"),
		       HUB_INVALID;
	if (n > 256)
		return err_set(e, "use at most 256 characters"), HUB_INVALID;
	if (name != NULL && !strcasecmp(name, password))
		return err_set(e, "your password must not be your name"),
		       HUB_INVALID;
	return 0;
}

static int
password_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct session_job *j = arg;
	char *priv = NULL;
	int rc;

	(void)e;
	if ((rc = st_account_get(t, j->actor, NULL, &priv)) != 0)
		return rc;
	rc = st_account_put(t, j->actor, j->hash, priv);
	fed_secret_free(priv);
	if (rc == 0)
		rc = st_session_del_actor(t, j->actor, j->keep, 0, NULL);
	return rc;
}

int
account_password_change(struct hub *h, uint64_t actor, const char *current,
    const char *fresh, const char *keep_token, struct err *e)
{
	unsigned char keep[ST_SESSION_DIGEST];
	struct session_job j = { NULL, NULL, actor, NULL };
	struct account_who w;
	struct st_actor a = { 0 };
	struct st_txn *t;
	char *hash = NULL;
	int rc;

	if ((rc = st_read_begin(h->db, &t)) != 0)
		return err_set(e, "the hub cannot read its data"), rc;
	rc = st_actor_get(t, actor, &a);
	st_read_end(t);
	if (rc != 0)
		return err_set(e, "this account no longer exists"), rc;
	rc = account_login(h, a.name, current, &w, e);
	if (rc == 0)
		rc = account_password_rules(a.name, fresh, e);
	st_actor_clear(&a);
	if (rc == ACCOUNT_BAD)
		err_set(e, "that is not your current password");
	if (rc != 0)
		return rc;
	if ((hash = hub_password_hash(fresh)) == NULL)
		return err_set(e, "cannot hash the password"), ST_EIO;
	j.hash = hash;
	if (keep_token != NULL && token_ok(keep_token)) {
		digest_of(keep_token, keep);
		j.keep = keep;
	}
	rc = st_write(h->db, password_apply, &j, e);
	fed_secret_free(hash);
	if (rc == 0)
		log_msg(LOG_INFO, "%s changed their password", w.name);
	return rc;
}
