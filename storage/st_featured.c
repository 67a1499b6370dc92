#include "st_featured.h"

#include <string.h>

#include "st_db.h"
#include "st_enc.h"
#include "st_internal.h"

/* be64 ~position -> be64 note, be64 since, be64 by. The position is a
 * fresh st_id_next id (time-ordered, unique), stored inverted so that a
 * scan from the first key comes out newest first. The list is short
 * (ST_FEATURED_MAX), so finding a note is a scan of it. */
#define VAL_SIZE 24

static void
decode(const MDB_val *d, struct st_featured *f)
{
	const unsigned char *p = d->mv_data;

	memset(f, 0, sizeof(*f));
	if (d->mv_size < VAL_SIZE)
		return;
	f->note = st_get_be64(p);
	f->since = st_get_be64(p + 8);
	f->by = st_get_be64(p + 16);
}

/* Walk the list newest first: the key of note into key (when found),
 * and the count and the last (oldest) key. Returns 1 when found, 0 when
 * not, or a negative ST_* code. */
struct walk {
	unsigned char key[8], oldest[8];
	int count;
};

static int
walk(struct st_txn *t, uint64_t note, struct walk *w)
{
	struct st_featured f;
	MDB_cursor *c;
	MDB_val k, d;
	int rc, found = 0;

	memset(w, 0, sizeof(*w));
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_FEATURED), &c)) != 0)
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size != 8)
			continue;
		decode(&d, &f);
		memcpy(w->oldest, k.mv_data, 8);
		w->count++;
		if (f.note == note && note != 0 && !found) {
			memcpy(w->key, k.mv_data, 8);
			found = 1;
		}
	}
	mdb_cursor_close(c);
	if (rc != MDB_NOTFOUND)
		return st_from_mdb(rc);
	return found;
}

int
st_featured_add(struct st_txn *t, uint64_t note, uint64_t by, uint64_t since)
{
	unsigned char kb[8], vb[VAL_SIZE];
	MDB_val k = { 8, kb }, d = { VAL_SIZE, vb };
	struct walk w;
	uint64_t pos;
	int rc;

	if (note == 0)
		return ST_INVAL;
	if ((rc = walk(t, note, &w)) != 0)
		return rc < 0 ? rc : ST_EXISTS;
	if (w.count >= ST_FEATURED_MAX) {
		MDB_val ok = { 8, w.oldest };

		if ((rc = mdb_del(
			 t->txn, st_dbi(t, DBI_FEATURED), &ok, NULL)) != 0)
			return st_from_mdb(rc);
	}
	if ((rc = st_id_next(t, &pos)) != 0)
		return rc;
	st_put_be64(kb, UINT64_MAX - pos);
	st_put_be64(vb, note);
	st_put_be64(vb + 8, since);
	st_put_be64(vb + 16, by);
	return st_from_mdb(mdb_put(t->txn, st_dbi(t, DBI_FEATURED), &k, &d, 0));
}

int
st_featured_del(struct st_txn *t, uint64_t note)
{
	struct walk w;
	MDB_val k = { 8, w.key };
	int rc;

	if ((rc = walk(t, note, &w)) <= 0)
		return rc < 0 ? rc : ST_NOTFOUND;
	return st_from_mdb(mdb_del(t->txn, st_dbi(t, DBI_FEATURED), &k, NULL));
}

int
st_featured_has(struct st_txn *t, uint64_t note)
{
	struct walk w;

	return walk(t, note, &w) == 1;
}

int
st_featured_page(struct st_txn *t, struct st_featured *items, int max)
{
	MDB_cursor *c;
	MDB_val k, d;
	int rc, n = 0;

	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_FEATURED), &c)) != 0)
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0 && n < max;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
		if (k.mv_size == 8)
			decode(&d, &items[n++]);
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? n : st_from_mdb(rc);
}
