#include "st_anon.h"

#include <stdlib.h>
#include <string.h>

#include "st_db.h"
#include "st_enc.h"
#include "st_internal.h"

/* Keys of the "anon" database:
 *   'd' be64 author, handle -> be64 group, be64 note, be64 day, u8 state,
 *                              u8 vis, review, text
 *   'q' be64 group, review  -> be64 author, handle (waiting drafts) */
#define KEY_LEN	  (1 + 8 + ST_ANON_ID)
#define VAL_FIXED (8 + 8 + 8 + 1 + 1 + ST_ANON_ID)

static void
key(unsigned char *k, char kind, uint64_t who, const unsigned char *id)
{
	k[0] = (unsigned char)kind;
	st_put_be64(k + 1, who);
	memcpy(k + 9, id, ST_ANON_ID);
}

/* Decode a draft value into d (its key parts already set). */
static int
decode(const MDB_val *v, struct st_anon *d)
{
	const unsigned char *p = v->mv_data;
	size_t n;

	if (v->mv_size < VAL_FIXED)
		return ST_EIO;
	d->group = st_get_be64(p);
	d->note = st_get_be64(p + 8);
	d->day = st_get_be64(p + 16);
	d->state = p[24];
	d->vis = p[25];
	memcpy(d->review, p + 26, ST_ANON_ID);
	n = v->mv_size - VAL_FIXED;
	if ((d->text = malloc(n + 1)) == NULL)
		return ST_EIO;
	memcpy(d->text, p + VAL_FIXED, n);
	d->text[n] = '\0';
	return 0;
}

int
st_anon_put(struct st_txn *t, const struct st_anon *d)
{
	unsigned char kb[KEY_LEN], qv[8 + ST_ANON_ID], *vb;
	size_t tl = d->text ? strlen(d->text) : 0;
	MDB_val k = { KEY_LEN, kb }, v = { VAL_FIXED + tl, NULL };
	int rc;

	if ((vb = malloc(VAL_FIXED + tl)) == NULL)
		return ST_EIO;
	st_put_be64(vb, d->group);
	st_put_be64(vb + 8, d->note);
	st_put_be64(vb + 16, d->day);
	vb[24] = d->state;
	vb[25] = d->vis;
	memcpy(vb + 26, d->review, ST_ANON_ID);
	if (tl)
		memcpy(vb + VAL_FIXED, d->text, tl);
	v.mv_data = vb;
	key(kb, 'd', d->author, d->handle);
	rc = mdb_put(t->txn, st_dbi(t, DBI_ANON), &k, &v, 0);
	free(vb);
	if (rc != 0)
		return st_from_mdb(rc);
	key(kb, 'q', d->group, d->review);
	if (d->state != ST_ANON_WAITING) {
		rc = mdb_del(t->txn, st_dbi(t, DBI_ANON), &k, NULL);
		return rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
	}
	st_put_be64(qv, d->author);
	memcpy(qv + 8, d->handle, ST_ANON_ID);
	v = (MDB_val){ sizeof(qv), qv };
	return st_from_mdb(mdb_put(t->txn, st_dbi(t, DBI_ANON), &k, &v, 0));
}

int
st_anon_get(struct st_txn *t, uint64_t author,
    const unsigned char handle[ST_ANON_ID], struct st_anon *d)
{
	unsigned char kb[KEY_LEN];
	MDB_val k = { KEY_LEN, kb }, v;
	int rc;

	memset(d, 0, sizeof(*d));
	key(kb, 'd', author, handle);
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_ANON), &k, &v)) != 0)
		return st_from_mdb(rc);
	d->author = author;
	memcpy(d->handle, handle, ST_ANON_ID);
	return decode(&v, d);
}

int
st_anon_by_review(struct st_txn *t, uint64_t group,
    const unsigned char review[ST_ANON_ID], struct st_anon *d)
{
	unsigned char kb[KEY_LEN], handle[ST_ANON_ID];
	MDB_val k = { KEY_LEN, kb }, v;
	uint64_t author;
	int rc;

	key(kb, 'q', group, review);
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_ANON), &k, &v)) != 0)
		return st_from_mdb(rc);
	if (v.mv_size != 8 + ST_ANON_ID)
		return ST_EIO;
	author = st_get_be64(v.mv_data);
	memcpy(handle, (const unsigned char *)v.mv_data + 8, ST_ANON_ID);
	if ((rc = st_anon_get(t, author, handle, d)) != 0)
		return rc == ST_NOTFOUND ? ST_EIO : rc;
	return 0;
}

int
st_anon_del(struct st_txn *t, const struct st_anon *d)
{
	unsigned char kb[KEY_LEN];
	MDB_val k = { KEY_LEN, kb };
	int rc;

	key(kb, 'q', d->group, d->review);
	rc = mdb_del(t->txn, st_dbi(t, DBI_ANON), &k, NULL);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return st_from_mdb(rc);
	key(kb, 'd', d->author, d->handle);
	return st_from_mdb(mdb_del(t->txn, st_dbi(t, DBI_ANON), &k, NULL));
}

/* One entry of a scan: a draft ('d') or a queue entry ('q'). */
static int
each_one(struct st_txn *t, const MDB_val *k, const MDB_val *v,
    int (*cb)(void *ctx, const struct st_anon *d), void *ctx)
{
	const unsigned char *kp = k->mv_data;
	struct st_anon d = { 0 };
	int rc, stop;

	if (kp[0] == 'q') {
		if (v->mv_size != 8 + ST_ANON_ID)
			return 0;
		rc = st_anon_get(t, st_get_be64(v->mv_data),
		    (const unsigned char *)v->mv_data + 8, &d);
	} else {
		d.author = st_get_be64(kp + 1);
		memcpy(d.handle, kp + 9, ST_ANON_ID);
		rc = decode(v, &d);
	}
	if (rc != 0)
		return 0; /* a broken entry is skipped, not fatal */
	stop = cb(ctx, &d);
	st_anon_clear(&d);
	return stop;
}

int
st_anon_each(struct st_txn *t, uint64_t author, uint64_t group,
    int (*cb)(void *ctx, const struct st_anon *d), void *ctx)
{
	unsigned char kb[KEY_LEN] = { 0 };
	MDB_val k = { KEY_LEN, kb }, v;
	MDB_cursor *c;
	int rc;

	kb[0] = author != 0 ? 'd' : 'q';
	st_put_be64(kb + 1, author != 0 ? author : group);
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_ANON), &c)) != 0)
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	     rc == 0 && k.mv_size == KEY_LEN && !memcmp(k.mv_data, kb, 9);
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT))
		if (each_one(t, &k, &v, cb, ctx))
			break;
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

void
st_anon_clear(struct st_anon *d)
{
	free(d->text);
	d->text = NULL;
}
