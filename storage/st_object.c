#include "st_object.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "st_db.h"
#include "st_enc.h"
#include "st_internal.h"
#include "st_search.h"

/* On-disk header of an object: 40 bytes, then the JSON. */
#define HDR 40

static void
hdr_put(unsigned char *p, const struct st_obj *o)
{
	p[0] = o->kind;
	p[1] = o->ctx;
	p[2] = o->flags;
	p[3] = o->vis;
	st_put_be32(p + 4, o->ver);
	st_put_be64(p + 8, o->owner);
	st_put_be64(p + 16, o->published);
	st_put_be64(p + 24, o->parent);
	memset(p + 32, 0, 8); /* reserved */
}

static void
hdr_get(const unsigned char *p, uint64_t id, struct st_obj *o)
{
	o->id = id;
	o->kind = p[0];
	o->ctx = p[1];
	o->flags = p[2];
	o->vis = p[3];
	o->ver = st_get_be32(p + 4);
	o->owner = st_get_be64(p + 8);
	o->published = st_get_be64(p + 16);
	o->parent = st_get_be64(p + 24);
}

int
st_iri_get(struct st_txn *t, const char *iri, uint64_t *id)
{
	MDB_val k = { strlen(iri), (void *)iri }, d;
	int rc;

	if (k.mv_size == 0 || k.mv_size > 511) /* LMDB's key limit */
		return ST_NOTFOUND;
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_IRIS), &k, &d)) != 0)
		return st_from_mdb(rc);
	if (d.mv_size != 8)
		return ST_EIO;
	*id = st_get_be64(d.mv_data);
	return 0;
}

int
st_iri_put(struct st_txn *t, const char *iri, uint64_t id)
{
	unsigned char b[8];
	MDB_val k = { strlen(iri), (void *)iri }, d = { 8, b };

	if (k.mv_size == 0 || k.mv_size > 511)
		return ST_INVAL;
	st_put_be64(b, id);
	return st_from_mdb(
	    mdb_put(t->txn, st_dbi(t, DBI_IRIS), &k, &d, MDB_NOOVERWRITE));
}

int
st_object_put(struct st_txn *t, struct st_obj *o, const char *json, size_t len)
{
	return st_object_put_doc(t, o, json, len, NULL);
}

int
st_object_put_doc(struct st_txn *t, struct st_obj *o, const char *json,
    size_t len, const struct json_t *doc)
{
	unsigned char kb[8];
	MDB_val k = { 8, kb }, d;
	int rc;

	st_put_be64(kb, o->id);
	o->ver = 1;
	if (mdb_get(t->txn, st_dbi(t, DBI_OBJECTS), &k, &d) == 0 &&
	    d.mv_size >= HDR)
		o->ver = st_get_be32((unsigned char *)d.mv_data + 4) + 1;
	d.mv_size = HDR + len;
	rc = mdb_put(t->txn, st_dbi(t, DBI_OBJECTS), &k, &d, MDB_RESERVE);
	if (rc != 0)
		return st_from_mdb(rc);
	hdr_put(d.mv_data, o);
	memcpy((unsigned char *)d.mv_data + HDR, json, len);
	/* The full-text index follows, in the same transaction. */
	return st_search_note_doc(t, o, doc, json, len);
}

int
st_object_peek(struct st_txn *t, uint64_t id, struct st_obj *o,
    const char **json, size_t *len)
{
	unsigned char kb[8];
	MDB_val k = { 8, kb }, d;
	int rc;

	st_put_be64(kb, id);
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_OBJECTS), &k, &d)) != 0)
		return st_from_mdb(rc);
	if (d.mv_size < HDR)
		return ST_EIO;
	hdr_get(d.mv_data, id, o);
	if (json != NULL)
		*json = (const char *)d.mv_data + HDR;
	if (len != NULL)
		*len = d.mv_size - HDR;
	return 0;
}

int
st_object_get(struct st_txn *t, uint64_t id, struct st_obj *o, struct buf *json)
{
	const char *p;
	size_t n;
	int rc;

	if ((rc = st_object_peek(t, id, o, &p, &n)) != 0)
		return rc;
	if (json != NULL && buf_add(json, p, n) < 0)
		return ST_INVAL;
	return 0;
}

/* Ascending (actor, note id): a new post goes at the end of its actor's
 * range. LMDB splits a full page in the middle, so inserting at the front
 * of a range (as inverted ids did) left pages half empty for good: about
 * one entry per 4 KiB page. Pages are read backwards, newest first. */
static void
outbox_key(unsigned char *k, uint64_t actor, uint64_t note)
{
	st_put_be64(k, actor);
	st_put_be64(k + 8, note);
}

int
st_outbox_add(struct st_txn *t, uint64_t actor, uint64_t note,
    uint64_t activity, uint8_t vis, const char *json, size_t len)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb }, d = { 9 + len, NULL };
	int rc;

	outbox_key(kb, actor, note);
	rc = mdb_put(t->txn, st_dbi(t, DBI_OUTBOX), &k, &d, MDB_RESERVE);
	if (rc != 0)
		return st_from_mdb(rc);
	st_put_be64(d.mv_data, activity);
	((unsigned char *)d.mv_data)[8] = vis;
	memcpy((unsigned char *)d.mv_data + 9, json, len);
	/* The feed's index, in the same transaction as the entry. */
	return vis == ST_VIS_PUBLIC ? st_pair_put(t, DBI_PUBLIC, note, actor)
				    : 0;
}

int
st_outbox_del(struct st_txn *t, uint64_t actor, uint64_t note)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb };
	int rc, prc;

	outbox_key(kb, actor, note);
	rc = st_from_mdb(mdb_del(t->txn, st_dbi(t, DBI_OUTBOX), &k, NULL));
	prc = st_pair_del(t, DBI_PUBLIC, note, actor);
	return rc != 0 ? rc : prc == ST_NOTFOUND ? 0 : prc;
}

int
st_public_page(struct st_txn *t, uint64_t before, uint64_t before_actor,
    struct st_public_item *items, int max, int *more)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb }, d;
	MDB_cursor *c;
	int rc, n = 0;

	*more = 0;
	st_pair_key(kb, before == 0 ? UINT64_MAX : before,
	    before == 0 ? UINT64_MAX : before_actor);
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_PUBLIC), &c)) != 0)
		return st_from_mdb(rc);
	/* The first key >= the position, then step back below it. */
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	rc =
	    mdb_cursor_get(c, &k, &d, rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
	while (rc == 0 && k.mv_size == 16) {
		if (n == max) {
			*more = 1;
			break;
		}
		items[n].note = st_get_be64(k.mv_data);
		items[n].actor = st_get_be64((unsigned char *)k.mv_data + 8);
		n++;
		rc = mdb_cursor_get(c, &k, &d, MDB_PREV);
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return st_from_mdb(rc);
	return n;
}

int
st_outbox_page(struct st_txn *t, uint64_t actor, uint64_t before,
    uint8_t max_vis, struct st_outbox_item *items, int max, int *more)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb }, d;
	MDB_cursor *c;
	int rc, n = 0;

	*more = 0;
	outbox_key(kb, actor, before == 0 ? UINT64_MAX : before);
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_OUTBOX), &c)) != 0)
		return st_from_mdb(rc);
	/* The first key >= (actor, before), then step back below it. */
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	rc =
	    mdb_cursor_get(c, &k, &d, rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
	while (rc == 0) {
		const unsigned char *kp = k.mv_data, *dp = d.mv_data;
		if (k.mv_size != 16 || st_get_be64(kp) != actor)
			break;
		if (d.mv_size >= 9 && dp[8] <= max_vis) {
			if (n == max) {
				*more = 1;
				break;
			}
			items[n].note = st_get_be64(kp + 8);
			items[n].activity = st_get_be64(dp);
			items[n].vis = dp[8];
			items[n].json = (const char *)dp + 9;
			items[n].len = d.mv_size - 9;
			n++;
		}
		rc = mdb_cursor_get(c, &k, &d, MDB_PREV);
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return st_from_mdb(rc);
	return n;
}

int
st_outbox_count(struct st_txn *t, uint64_t actor, uint64_t *n)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb }, d;
	MDB_cursor *c;
	int rc;

	*n = 0;
	outbox_key(kb, actor, 0);
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_OUTBOX), &c)) != 0)
		return st_from_mdb(rc);
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	while (rc == 0 && k.mv_size == 16 && st_get_be64(k.mv_data) == actor) {
		(*n)++;
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

static int
tag_key(unsigned char *kb, size_t cap, const char *tag, uint64_t note)
{
	size_t n = strlen(tag);

	if (n == 0 || n + 9 > cap)
		return -1;
	memcpy(kb, tag, n);
	kb[n] = '\0';
	st_put_be64(kb + n + 1, UINT64_MAX - note);
	return (int)(n + 9);
}

int
st_tag_add(struct st_txn *t, const char *tag, uint64_t note)
{
	unsigned char kb[256];
	MDB_val k, d = { 0, "" };
	int n;

	if ((n = tag_key(kb, sizeof(kb), tag, note)) < 0)
		return ST_INVAL;
	k.mv_size = (size_t)n;
	k.mv_data = kb;
	return st_from_mdb(mdb_put(t->txn, st_dbi(t, DBI_TAGS), &k, &d, 0));
}

int
st_tag_del(struct st_txn *t, const char *tag, uint64_t note)
{
	unsigned char kb[256];
	MDB_val k;
	int n, rc;

	if ((n = tag_key(kb, sizeof(kb), tag, note)) < 0)
		return ST_INVAL;
	k.mv_size = (size_t)n;
	k.mv_data = kb;
	rc = mdb_del(t->txn, st_dbi(t, DBI_TAGS), &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

int
st_tag_page(struct st_txn *t, const char *tag, uint64_t before, uint64_t *notes,
    int max, int *more)
{
	unsigned char kb[256];
	size_t tl = strlen(tag);
	MDB_cursor *c;
	MDB_val k, d;
	int n, rc, count = 0;

	*more = 0;
	if (before == 1)
		return 0;
	if ((n = tag_key(kb, sizeof(kb), tag,
		 before == 0 ? UINT64_MAX : before - 1)) < 0)
		return ST_INVAL;
	k.mv_size = (size_t)n;
	k.mv_data = kb;
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_TAGS), &c)) != 0)
		return st_from_mdb(rc);
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	while (rc == 0 && k.mv_size == tl + 9 && !memcmp(k.mv_data, tag, tl) &&
	    ((unsigned char *)k.mv_data)[tl] == '\0') {
		if (count == max) {
			*more = 1;
			break;
		}
		notes[count++] = UINT64_MAX -
		    st_get_be64((unsigned char *)k.mv_data + tl + 1);
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(c);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return st_from_mdb(rc);
	return count;
}
