#include "st_actor.h"

#include <openssl/crypto.h>
#include <stdlib.h>
#include <string.h>

#include "st_db.h"
#include "st_enc.h"
#include "st_internal.h"
#include "st_search.h"

/* Record layout: version byte, kind, flags, role, 4 reserved, created,
 * fetched (be64 each), then eight strings as be32 length + bytes: name,
 * display_name, summary, iri, pubkey_pem, inbox, shared_inbox, key_id;
 * then, since schema 3, two more the same way: icon, url. A record that
 * ends after the eight (written before) reads with both empty; older
 * programs read the eight and skip the rest.
 * The counters that change with every post (posts, last_active) live apart
 * in the stats database, so a post rewrites 16 bytes there, not this
 * record with its key. */
#define REC_VERSION 3
#define FIXED	    24
#define NSTR	    8
#define NALL	    10 /* with icon and url */

static const char *
str_of(const struct st_actor *a, int i)
{
	const char *s[NALL] = { a->name, a->display_name, a->summary, a->iri,
		a->pubkey_pem, a->inbox, a->shared_inbox, a->key_id, a->icon,
		a->url };

	return s[i] ? s[i] : "";
}

size_t
st_actor_encode(const struct st_actor *a, unsigned char *p, size_t cap)
{
	size_t need = FIXED, off, n;
	int i;

	for (i = 0; i < NALL; i++)
		need += 4 + strlen(str_of(a, i));
	if (need > cap)
		return need;
	p[0] = REC_VERSION;
	p[1] = a->kind;
	p[2] = a->flags;
	p[3] = a->role;
	memset(p + 4, 0, 4);
	st_put_be64(p + 8, a->created);
	st_put_be64(p + 16, a->fetched);
	off = FIXED;
	for (i = 0; i < NALL; i++) {
		n = strlen(str_of(a, i));
		st_put_be32(p + off, (uint32_t)n);
		memcpy(p + off + 4, str_of(a, i), n);
		off += 4 + n;
	}
	return need;
}

void
st_actor_clear(struct st_actor *a)
{
	free(a->name);
	free(a->display_name);
	free(a->summary);
	free(a->iri);
	free(a->pubkey_pem);
	free(a->inbox);
	free(a->shared_inbox);
	free(a->key_id);
	free(a->icon);
	free(a->url);
	memset(a, 0, sizeof(*a));
}

int
st_actor_decode(
    const unsigned char *p, size_t n, uint64_t id, struct st_actor *a)
{
	char **dst[NALL] = { &a->name, &a->display_name, &a->summary, &a->iri,
		&a->pubkey_pem, &a->inbox, &a->shared_inbox, &a->key_id,
		&a->icon, &a->url };
	size_t off = FIXED, len;
	int i;

	memset(a, 0, sizeof(*a));
	if (n < FIXED || p[0] != REC_VERSION)
		return ST_EIO;
	a->id = id;
	a->kind = p[1];
	a->flags = p[2];
	a->role = p[3];
	a->created = st_get_be64(p + 8);
	a->fetched = st_get_be64(p + 16);
	for (i = 0; i < NALL; i++) {
		if (i == NSTR && off == n) { /* a record of schema 2 */
			if ((a->icon = strdup("")) == NULL ||
			    (a->url = strdup("")) == NULL)
				goto fail;
			break;
		}
		if (n - off < 4)
			goto fail;
		len = st_get_be32(p + off);
		if (n - off - 4 < len || (*dst[i] = malloc(len + 1)) == NULL)
			goto fail;
		memcpy(*dst[i], p + off + 4, len);
		(*dst[i])[len] = '\0';
		off += 4 + len;
	}
	return 0;
fail:
	st_actor_clear(a);
	return ST_EIO;
}

static int
stats_put(struct st_txn *t, uint64_t id, uint64_t posts, uint64_t active)
{
	unsigned char kb[8], vb[16];
	MDB_val k = { 8, kb }, d = { 16, vb };

	st_put_be64(kb, id);
	st_put_be64(vb, posts);
	st_put_be64(vb + 8, active);
	return st_from_mdb(mdb_put(t->txn, st_dbi(t, DBI_STATS), &k, &d, 0));
}

static void
stats_get(struct st_txn *t, uint64_t id, uint64_t *posts, uint64_t *active)
{
	unsigned char kb[8];
	MDB_val k = { 8, kb }, d;

	st_put_be64(kb, id);
	*posts = *active = 0;
	if (mdb_get(t->txn, st_dbi(t, DBI_STATS), &k, &d) == 0 &&
	    d.mv_size == 16) {
		*posts = st_get_be64(d.mv_data);
		*active = st_get_be64((unsigned char *)d.mv_data + 8);
	}
}

int
st_actor_put(struct st_txn *t, const struct st_actor *a)
{
	unsigned char kb[8];
	MDB_val k = { 8, kb }, d;
	size_t n = st_actor_encode(a, NULL, 0);
	int rc;

	st_put_be64(kb, a->id);
	d.mv_size = n;
	rc = mdb_put(t->txn, st_dbi(t, DBI_ACTORS), &k, &d, MDB_RESERVE);
	if (rc != 0)
		return st_from_mdb(rc);
	st_actor_encode(a, d.mv_data, n);
	if ((rc = stats_put(t, a->id, a->posts, a->last_active)) != 0)
		return rc;
	/* The full-text index follows, in the same transaction. */
	return st_search_actor(t, a);
}

int
st_actor_touch(
    struct st_txn *t, uint64_t id, int64_t posts_delta, uint64_t active)
{
	uint64_t posts, last;

	stats_get(t, id, &posts, &last);
	if (posts_delta < 0 && (uint64_t)-posts_delta > posts)
		posts = 0;
	else
		posts += (uint64_t)posts_delta;
	return stats_put(t, id, posts, active > last ? active : last);
}

int
st_actor_get(struct st_txn *t, uint64_t id, struct st_actor *a)
{
	unsigned char kb[8];
	MDB_val k = { 8, kb }, d;
	int rc;

	memset(a, 0, sizeof(*a));
	st_put_be64(kb, id);
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_ACTORS), &k, &d)) != 0)
		return st_from_mdb(rc);
	if ((rc = st_actor_decode(d.mv_data, d.mv_size, id, a)) != 0)
		return rc;
	stats_get(t, id, &a->posts, &a->last_active);
	return 0;
}

static int
iri_to(struct st_txn *t, const char *iri, uint64_t id)
{
	unsigned char b[8];
	MDB_val k = { strlen(iri), (void *)iri }, d;

	if (k.mv_size == 0 || k.mv_size > 511)
		return ST_INVAL;
	if (mdb_get(t->txn, st_dbi(t, DBI_IRIS), &k, &d) == 0)
		return d.mv_size == 8 && st_get_be64(d.mv_data) == id
		    ? 0
		    : ST_EXISTS;
	st_put_be64(b, id);
	d.mv_size = 8;
	d.mv_data = b;
	return st_from_mdb(mdb_put(t->txn, st_dbi(t, DBI_IRIS), &k, &d, 0));
}

int
st_actor_upsert_remote(struct st_txn *t, struct st_actor *a)
{
	struct st_actor old;
	MDB_val k = { strlen(a->iri), a->iri }, d;
	int rc;

	a->id = 0;
	if (k.mv_size > 0 && k.mv_size <= 511 &&
	    mdb_get(t->txn, st_dbi(t, DBI_IRIS), &k, &d) == 0 &&
	    d.mv_size == 8) {
		a->id = st_get_be64(d.mv_data);
		if ((rc = st_actor_get(t, a->id, &old)) != 0)
			return rc == ST_NOTFOUND ? ST_EXISTS : rc;
		/* The IRI may be another actor's key id: never overwrite
		 * another actor, nor a local one. */
		rc = (old.flags & ST_AF_LOCAL) || old.iri == NULL ||
			strcmp(old.iri, a->iri) != 0
		    ? ST_EXISTS
		    : 0;
		a->created = old.created;
		a->posts = old.posts;
		a->last_active = old.last_active;
		st_actor_clear(&old);
		if (rc != 0) /* never overwrite a local actor */
			return rc;
	} else if ((rc = st_id_next(t, &a->id)) != 0)
		return rc;
	a->flags &= (uint8_t)~ST_AF_LOCAL;
	if ((rc = iri_to(t, a->iri, a->id)) != 0 ||
	    (a->key_id && a->key_id[0] &&
		(rc = iri_to(t, a->key_id, a->id)) != 0))
		return rc;
	return st_actor_put(t, a);
}

int
st_actor_by_iri(struct st_txn *t, const char *iri, struct st_actor *a)
{
	MDB_val k = { strlen(iri), (void *)iri }, d;
	int rc;

	memset(a, 0, sizeof(*a));
	if (k.mv_size == 0 || k.mv_size > 511)
		return ST_NOTFOUND;
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_IRIS), &k, &d)) != 0)
		return st_from_mdb(rc);
	if (d.mv_size != 8)
		return ST_EIO;
	return st_actor_get(t, st_get_be64(d.mv_data), a);
}

int
st_name_get(struct st_txn *t, const char *name, uint64_t *id)
{
	MDB_val k = { strlen(name), (void *)name }, d;
	int rc;

	if (k.mv_size == 0 || k.mv_size > 64)
		return ST_NOTFOUND;
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_NAMES), &k, &d)) != 0)
		return st_from_mdb(rc);
	if (d.mv_size != 8)
		return ST_EIO;
	*id = st_get_be64(d.mv_data);
	return 0;
}

int
st_name_put(struct st_txn *t, const char *name, uint64_t id)
{
	unsigned char b[8];
	MDB_val k = { strlen(name), (void *)name }, d = { 8, b };

	if (k.mv_size == 0 || k.mv_size > 64)
		return ST_INVAL;
	st_put_be64(b, id);
	return st_from_mdb(
	    mdb_put(t->txn, st_dbi(t, DBI_NAMES), &k, &d, MDB_NOOVERWRITE));
}

int
st_name_each(
    struct st_txn *t, int (*cb)(void *, const char *, uint64_t), void *ctx)
{
	MDB_cursor *c;
	MDB_val k, d;
	char name[80];
	int rc;

	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_NAMES), &c)) != 0)
		return st_from_mdb(rc);
	rc = mdb_cursor_get(c, &k, &d, MDB_FIRST);
	while (rc == 0) {
		if (k.mv_size < sizeof(name) && d.mv_size == 8) {
			memcpy(name, k.mv_data, k.mv_size);
			name[k.mv_size] = '\0';
			if (cb(ctx, name, st_get_be64(d.mv_data)) != 0)
				break;
		}
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

int
st_account_put(
    struct st_txn *t, uint64_t id, const char *pw_hash, const char *privkey_pem)
{
	unsigned char kb[8];
	size_t hl = strlen(pw_hash), kl = strlen(privkey_pem);
	MDB_val k = { 8, kb }, d = { 8 + hl + kl, NULL };
	unsigned char *p;
	int rc;

	st_put_be64(kb, id);
	rc = mdb_put(t->txn, st_dbi(t, DBI_ACCOUNTS), &k, &d, MDB_RESERVE);
	if (rc != 0)
		return st_from_mdb(rc);
	p = d.mv_data;
	st_put_be32(p, (uint32_t)hl);
	memcpy(p + 4, pw_hash, hl);
	st_put_be32(p + 4 + hl, (uint32_t)kl);
	memcpy(p + 8 + hl, privkey_pem, kl);
	return 0;
}

static char *
take_str(const unsigned char *p, size_t n, size_t *off)
{
	size_t len;
	char *s;

	if (n - *off < 4)
		return NULL;
	len = st_get_be32(p + *off);
	if (n - *off - 4 < len || (s = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(s, p + *off + 4, len);
	s[len] = '\0';
	*off += 4 + len;
	return s;
}

int
st_account_get(
    struct st_txn *t, uint64_t id, char **pw_hash, char **privkey_pem)
{
	unsigned char kb[8];
	MDB_val k = { 8, kb }, d;
	size_t off = 0;
	char *h, *pk;
	int rc;

	st_put_be64(kb, id);
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_ACCOUNTS), &k, &d)) != 0)
		return st_from_mdb(rc);
	h = take_str(d.mv_data, d.mv_size, &off);
	pk = h ? take_str(d.mv_data, d.mv_size, &off) : NULL;
	if (h == NULL || pk == NULL) {
		free(h);
		return ST_EIO;
	}
	if (pw_hash != NULL)
		*pw_hash = h;
	else {
		OPENSSL_cleanse(h, strlen(h));
		free(h);
	}
	if (privkey_pem != NULL)
		*privkey_pem = pk;
	else {
		OPENSSL_cleanse(pk, strlen(pk));
		free(pk);
	}
	return 0;
}

int
st_token_put(struct st_txn *t, const unsigned char digest[32], uint64_t actor,
    uint64_t created)
{
	unsigned char vb[16];
	MDB_val k = { 32, (void *)digest }, d = { 16, vb };

	st_put_be64(vb, actor);
	st_put_be64(vb + 8, created);
	return st_from_mdb(
	    mdb_put(t->txn, st_dbi(t, DBI_TOKENS), &k, &d, MDB_NOOVERWRITE));
}

int
st_token_get(struct st_txn *t, const unsigned char digest[32], uint64_t *actor)
{
	MDB_val k = { 32, (void *)digest }, d;
	int rc;

	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_TOKENS), &k, &d)) != 0)
		return st_from_mdb(rc);
	if (d.mv_size != 16)
		return ST_EIO;
	*actor = st_get_be64(d.mv_data);
	return 0;
}
