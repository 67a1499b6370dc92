#include "st_social.h"

#include <string.h>

#include "st_db.h"
#include "st_enc.h"
#include "st_internal.h"

/* ---- keys of (a, b) pairs, scanned by prefix a ---- */

/* Walk the keys with prefix (first 8 bytes) a, ascending from after+1
 * (desc = 0) or descending from before-1 (desc = 1; 0 means the newest).
 * cb gets each key and value; it returns nonzero to stop. */
static int
scan(struct st_txn *t, enum st_dbi dbi, size_t klen, uint64_t a, uint64_t from,
    int desc, int (*cb)(void *ctx, const unsigned char *k, const MDB_val *d),
    void *ctx)
{
	unsigned char kb[32] = { 0 };
	MDB_val k = { klen, kb }, d;
	MDB_cursor *c;
	int rc, stop = 0;

	st_put_be64(kb, a);
	if (desc)
		st_put_be64(kb + 8, from == 0 ? UINT64_MAX : from);
	else
		st_put_be64(kb + 8, from == UINT64_MAX ? from : from + 1);
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, dbi), &c)) != 0)
		return st_from_mdb(rc);
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	if (desc)
		rc = mdb_cursor_get(
		    c, &k, &d, rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
	while (rc == 0 && !stop && k.mv_size == klen &&
	    st_get_be64(k.mv_data) == a) {
		stop = cb(ctx, k.mv_data, &d);
		if (!stop)
			rc = mdb_cursor_get(
			    c, &k, &d, desc ? MDB_PREV : MDB_NEXT);
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

/* Collecting ids from a scan: the second half of each key. */
struct ids {
	uint64_t *ids;
	int n, max, more;
};

static int
take_id(void *ctx, const unsigned char *k, const MDB_val *d)
{
	struct ids *x = ctx;

	(void)d;
	if (x->n == x->max)
		return x->more = 1;
	x->ids[x->n++] = st_get_be64(k + 8);
	return 0;
}

static int
count_one(void *ctx, const unsigned char *k, const MDB_val *d)
{
	(void)k;
	(void)d;
	(*(uint64_t *)ctx)++;
	return 0;
}

/* ---- replies ---- */

int
st_reply_add(struct st_txn *t, uint64_t parent, uint64_t reply)
{
	return st_pair_put(t, DBI_REPLIES, parent, reply);
}

int
st_reply_del(struct st_txn *t, uint64_t parent, uint64_t reply)
{
	return st_pair_del(t, DBI_REPLIES, parent, reply);
}

int
st_reply_page(struct st_txn *t, uint64_t parent, uint64_t after, uint64_t *ids,
    int max, int *more)
{
	struct ids x = { ids, 0, max, 0 };
	int rc = scan(t, DBI_REPLIES, 16, parent, after, 0, take_id, &x);

	*more = x.more;
	return rc != 0 ? rc : x.n;
}

int
st_reply_count(struct st_txn *t, uint64_t parent, uint64_t *n)
{
	*n = 0;
	return scan(t, DBI_REPLIES, 16, parent, 0, 0, count_one, n);
}

/* ---- likes and boosts: be64 note, u8 type, be64 actor -> be64 act ---- */

static void
react_key(unsigned char *k, uint64_t note, int type, uint64_t actor)
{
	st_put_be64(k, note);
	k[8] = (unsigned char)type;
	st_put_be64(k + 9, actor);
}

int
st_react_put(struct st_txn *t, uint64_t note, int type, uint64_t actor,
    uint64_t activity)
{
	unsigned char kb[17], vb[8];
	MDB_val k = { 17, kb }, d = { 8, vb };

	react_key(kb, note, type, actor);
	st_put_be64(vb, activity);
	return st_from_mdb(
	    mdb_put(t->txn, st_dbi(t, DBI_REACTS), &k, &d, MDB_NOOVERWRITE));
}

int
st_react_get(struct st_txn *t, uint64_t note, int type, uint64_t actor,
    uint64_t *activity)
{
	unsigned char kb[17];
	MDB_val k = { 17, kb }, d;
	int rc;

	react_key(kb, note, type, actor);
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_REACTS), &k, &d)) != 0)
		return st_from_mdb(rc);
	if (d.mv_size != 8)
		return ST_EIO;
	if (activity != NULL)
		*activity = st_get_be64(d.mv_data);
	return 0;
}

int
st_react_del(struct st_txn *t, uint64_t note, int type, uint64_t actor)
{
	unsigned char kb[17];
	MDB_val k = { 17, kb };

	react_key(kb, note, type, actor);
	return st_from_mdb(mdb_del(t->txn, st_dbi(t, DBI_REACTS), &k, NULL));
}

int
st_react_count(struct st_txn *t, uint64_t note, int type, uint64_t *n)
{
	unsigned char kb[17];
	MDB_val k = { 17, kb }, d;
	MDB_cursor *c;
	int rc;

	*n = 0;
	react_key(kb, note, type, 0);
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_REACTS), &c)) != 0)
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	     rc == 0 && k.mv_size == 17 && !memcmp(k.mv_data, kb, 9);
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
		(*n)++;
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

/* ---- notifications: be64 owner, be64 id -> type, actor, object, time -- */

int
st_notify_add(struct st_txn *t, uint64_t owner, struct st_notification *n)
{
	unsigned char kb[16], vb[25];
	MDB_val k = { 16, kb }, d = { 25, vb };
	int rc;

	if ((rc = st_id_next(t, &n->id)) != 0)
		return rc;
	st_pair_key(kb, owner, n->id);
	vb[0] = n->type;
	st_put_be64(vb + 1, n->actor);
	st_put_be64(vb + 9, n->object);
	st_put_be64(vb + 17, n->time);
	return st_from_mdb(mdb_put(t->txn, st_dbi(t, DBI_NOTIFY), &k, &d, 0));
}

struct notes_page {
	struct st_notification *items;
	int n, max, more;
};

static int
take_notification(void *ctx, const unsigned char *k, const MDB_val *d)
{
	struct notes_page *x = ctx;
	const unsigned char *v = d->mv_data;

	if (d->mv_size != 25)
		return 0;
	if (x->n == x->max)
		return x->more = 1;
	x->items[x->n++] = (struct st_notification){
		.id = st_get_be64(k + 8),
		.type = v[0],
		.actor = st_get_be64(v + 1),
		.object = st_get_be64(v + 9),
		.time = st_get_be64(v + 17),
	};
	return 0;
}

int
st_notify_page(struct st_txn *t, uint64_t owner, uint64_t before,
    struct st_notification *items, int max, int *more)
{
	struct notes_page x = { items, 0, max, 0 };
	int rc =
	    scan(t, DBI_NOTIFY, 16, owner, before, 1, take_notification, &x);

	*more = x.more;
	return rc != 0 ? rc : x.n;
}

const char *
st_notify_name(int type)
{
	static const char *const names[] = { "", "follow", "follow_request",
		"mention", "reply", "boost", "like", "update",
		"review_returned", "review_published" };

	return type > 0 && type <= ST_N_REVIEW_PUBLISHED ? names[type]
							 : "unknown";
}

/* ---- reports: be64 0 or group, be64 id -> flag, reporter, target, time,
 * group (32 bytes without the group: reports kept before communities had
 * their own lists) ---- */

int
st_report_add(struct st_txn *t, struct st_report *r)
{
	unsigned char kb[16], vb[40];
	MDB_val k = { 16, kb }, d = { 40, vb };
	int rc;

	if ((rc = st_id_next(t, &r->id)) != 0)
		return rc;
	st_put_be64(vb, r->flag);
	st_put_be64(vb + 8, r->reporter);
	st_put_be64(vb + 16, r->target);
	st_put_be64(vb + 24, r->time);
	st_put_be64(vb + 32, r->group);
	st_pair_key(kb, 0, r->id);
	rc = mdb_put(t->txn, st_dbi(t, DBI_REPORTS), &k, &d, 0);
	if (rc == 0 && r->group != 0) {
		st_pair_key(kb, r->group, r->id);
		rc = mdb_put(t->txn, st_dbi(t, DBI_REPORTS), &k, &d, 0);
	}
	return st_from_mdb(rc);
}

struct reports_page {
	struct st_report *items;
	int n, max, more;
};

static int
take_report(void *ctx, const unsigned char *k, const MDB_val *d)
{
	struct reports_page *x = ctx;
	const unsigned char *v = d->mv_data;

	if (d->mv_size != 32 && d->mv_size != 40)
		return 0;
	if (x->n == x->max)
		return x->more = 1;
	x->items[x->n++] = (struct st_report){
		.id = st_get_be64(k + 8),
		.flag = st_get_be64(v),
		.reporter = st_get_be64(v + 8),
		.target = st_get_be64(v + 16),
		.time = st_get_be64(v + 24),
		.group = d->mv_size == 40 ? st_get_be64(v + 32) : 0,
	};
	return 0;
}

int
st_report_page_of(struct st_txn *t, uint64_t group, uint64_t before,
    struct st_report *items, int max, int *more)
{
	struct reports_page x = { items, 0, max, 0 };
	int rc = scan(t, DBI_REPORTS, 16, group, before, 1, take_report, &x);

	*more = x.more;
	return rc != 0 ? rc : x.n;
}

int
st_report_page(struct st_txn *t, uint64_t before, struct st_report *items,
    int max, int *more)
{
	return st_report_page_of(t, 0, before, items, max, more);
}

/* ---- held posts: be64 group, be64 note -> be64 author, be64 time ---- */

int
st_pending_put(struct st_txn *t, uint64_t group, const struct st_pending *p)
{
	unsigned char kb[16], vb[16];
	MDB_val k = { 16, kb }, d = { 16, vb };

	if (group == 0 || p->note == 0)
		return ST_INVAL;
	st_pair_key(kb, group, p->note);
	st_put_be64(vb, p->author);
	st_put_be64(vb + 8, p->time);
	return st_from_mdb(mdb_put(t->txn, st_dbi(t, DBI_PENDING), &k, &d, 0));
}

int
st_pending_get(
    struct st_txn *t, uint64_t group, uint64_t note, struct st_pending *p)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb }, d;
	int rc;

	st_pair_key(kb, group, note);
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_PENDING), &k, &d)) != 0)
		return st_from_mdb(rc);
	if (d.mv_size != 16)
		return ST_EIO;
	p->note = note;
	p->author = st_get_be64(d.mv_data);
	p->time = st_get_be64((const unsigned char *)d.mv_data + 8);
	return 0;
}

int
st_pending_del(struct st_txn *t, uint64_t group, uint64_t note)
{
	return st_pair_del(t, DBI_PENDING, group, note);
}

struct pending_page {
	struct st_pending *items;
	int n, max, more;
};

static int
take_pending(void *ctx, const unsigned char *k, const MDB_val *d)
{
	struct pending_page *x = ctx;
	const unsigned char *v = d->mv_data;

	if (d->mv_size != 16)
		return 0;
	if (x->n == x->max)
		return x->more = 1;
	x->items[x->n++] = (struct st_pending){
		.note = st_get_be64(k + 8),
		.author = st_get_be64(v),
		.time = st_get_be64(v + 8),
	};
	return 0;
}

int
st_pending_page(struct st_txn *t, uint64_t group, uint64_t after,
    struct st_pending *items, int max, int *more)
{
	struct pending_page x = { items, 0, max, 0 };
	int rc = scan(t, DBI_PENDING, 16, group, after, 0, take_pending, &x);

	*more = x.more;
	return rc != 0 ? rc : x.n;
}

/* ---- a community's lists: be64 group, u8 kind, bytes -> (empty) ---- */

#define GLIST_MAX 480

static int
glist_key(
    unsigned char *k, uint64_t group, int kind, const char *what, size_t *len)
{
	size_t n = strlen(what);

	if (n == 0 || n > GLIST_MAX)
		return ST_INVAL;
	st_put_be64(k, group);
	k[8] = (unsigned char)kind;
	memcpy(k + 9, what, n);
	*len = 9 + n;
	return 0;
}

int
st_glist_put(struct st_txn *t, uint64_t group, int kind, const char *what)
{
	unsigned char kb[9 + GLIST_MAX];
	MDB_val k = { 0, kb }, d = { 0, "" };

	if (glist_key(kb, group, kind, what, &k.mv_size) != 0)
		return ST_INVAL;
	return st_from_mdb(mdb_put(t->txn, st_dbi(t, DBI_GLISTS), &k, &d, 0));
}

int
st_glist_del(struct st_txn *t, uint64_t group, int kind, const char *what)
{
	unsigned char kb[9 + GLIST_MAX];
	MDB_val k = { 0, kb };

	if (glist_key(kb, group, kind, what, &k.mv_size) != 0)
		return ST_INVAL;
	return st_from_mdb(mdb_del(t->txn, st_dbi(t, DBI_GLISTS), &k, NULL));
}

int
st_glist_has(struct st_txn *t, uint64_t group, int kind, const char *what)
{
	unsigned char kb[9 + GLIST_MAX];
	MDB_val k = { 0, kb }, d;

	if (glist_key(kb, group, kind, what, &k.mv_size) != 0)
		return 0;
	return mdb_get(t->txn, st_dbi(t, DBI_GLISTS), &k, &d) == 0;
}

int
st_glist_each(struct st_txn *t, uint64_t group, int kind,
    int (*cb)(void *ctx, const char *what, size_t len), void *ctx)
{
	unsigned char kb[9];
	MDB_val k = { 9, kb }, d;
	MDB_cursor *c;
	int rc;

	st_put_be64(kb, group);
	kb[8] = (unsigned char)kind;
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_GLISTS), &c)) != 0)
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	     rc == 0 && k.mv_size > 9 && !memcmp(k.mv_data, kb, 9);
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT))
		if (cb(ctx, (const char *)k.mv_data + 9, k.mv_size - 9))
			break;
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}
