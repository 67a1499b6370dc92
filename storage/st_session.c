#include "st_session.h"

#include <string.h>

#include "st_db.h"
#include "st_enc.h"
#include "st_internal.h"

/* Keys of the "sessions" database:
 *   's' digest           -> be64 actor, be64 created
 *   'a' be64 actor digest -> (empty): an actor's sessions, to end them
 *                            all when the password changes */
#define S_KEY (1 + ST_SESSION_DIGEST)
#define A_KEY (1 + 8 + ST_SESSION_DIGEST)

static void
s_key(unsigned char *k, const unsigned char *digest)
{
	k[0] = 's';
	memcpy(k + 1, digest, ST_SESSION_DIGEST);
}

static void
a_key(unsigned char *k, uint64_t actor, const unsigned char *digest)
{
	k[0] = 'a';
	st_put_be64(k + 1, actor);
	memcpy(k + 9, digest, ST_SESSION_DIGEST);
}

int
st_session_put(struct st_txn *t, const unsigned char *digest, uint64_t actor,
    uint64_t created)
{
	unsigned char sk[S_KEY], ak[A_KEY], v[16];
	MDB_val k = { S_KEY, sk }, d = { 16, v }, k2 = { A_KEY, ak },
		e = { 0, (void *)"" };
	MDB_dbi dbi = st_dbi(t, DBI_SESSIONS);
	int rc;

	s_key(sk, digest);
	a_key(ak, actor, digest);
	st_put_be64(v, actor);
	st_put_be64(v + 8, created);
	if ((rc = mdb_put(t->txn, dbi, &k, &d, MDB_NOOVERWRITE)) != 0)
		return st_from_mdb(rc);
	return st_from_mdb(mdb_put(t->txn, dbi, &k2, &e, 0));
}

int
st_session_get(struct st_txn *t, const unsigned char *digest, uint64_t *actor,
    uint64_t *created)
{
	unsigned char sk[S_KEY];
	MDB_val k = { S_KEY, sk }, d;
	int rc;

	s_key(sk, digest);
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_SESSIONS), &k, &d)) != 0)
		return st_from_mdb(rc);
	if (d.mv_size != 16)
		return ST_EIO;
	*actor = st_get_be64(d.mv_data);
	if (created != NULL)
		*created = st_get_be64((const unsigned char *)d.mv_data + 8);
	return 0;
}

int
st_session_del(struct st_txn *t, const unsigned char *digest)
{
	unsigned char sk[S_KEY], ak[A_KEY];
	MDB_val k = { S_KEY, sk }, k2 = { A_KEY, ak };
	uint64_t actor;
	int rc;

	if ((rc = st_session_get(t, digest, &actor, NULL)) != 0)
		return rc;
	s_key(sk, digest);
	a_key(ak, actor, digest);
	if ((rc = mdb_del(t->txn, st_dbi(t, DBI_SESSIONS), &k, NULL)) != 0)
		return st_from_mdb(rc);
	rc = mdb_del(t->txn, st_dbi(t, DBI_SESSIONS), &k2, NULL);
	return rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

/* Whether the session at sk was created at or after before. */
static int
recent(struct st_txn *t, MDB_val *sk, uint64_t before)
{
	MDB_val d;

	if (before == 0 || mdb_get(t->txn, st_dbi(t, DBI_SESSIONS), sk, &d) ||
	    d.mv_size != 16)
		return 0;
	return st_get_be64((const unsigned char *)d.mv_data + 8) >= before;
}

int
st_session_del_actor(struct st_txn *t, uint64_t actor,
    const unsigned char *keep, uint64_t before, unsigned *n)
{
	unsigned char ak[A_KEY], at[A_KEY], sk[S_KEY];
	MDB_val k = { 9, ak }, d, k2 = { S_KEY, sk }, k3 = { A_KEY, at };
	MDB_dbi dbi = st_dbi(t, DBI_SESSIONS);
	unsigned count = 0;
	MDB_cursor *c;
	int rc;

	a_key(ak, actor, (const unsigned char[ST_SESSION_DIGEST]){ 0 });
	if ((rc = mdb_cursor_open(t->txn, dbi, &c)) != 0)
		return st_from_mdb(rc);
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	while (rc == 0 && k.mv_size == A_KEY && !memcmp(k.mv_data, ak, 9)) {
		memcpy(at, k.mv_data, A_KEY);
		s_key(sk, at + 9);
		if ((keep != NULL &&
			!memcmp(at + 9, keep, ST_SESSION_DIGEST)) ||
		    recent(t, &k2, before)) {
			rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
			continue;
		}
		/* Deleting through the transaction, then seeking past the
		 * deleted key, keeps the cursor valid whatever LMDB does
		 * with a cursor whose item was deleted. */
		if ((rc = mdb_del(t->txn, dbi, &k2, NULL)) != 0 &&
		    rc != MDB_NOTFOUND)
			break;
		if ((rc = mdb_del(t->txn, dbi, &k3, NULL)) != 0)
			break;
		count++;
		k = k3;
		rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	}
	mdb_cursor_close(c);
	if (n != NULL)
		*n = count;
	return rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}
