#include "st_review.h"

#include <stdlib.h>
#include <string.h>

#include "st_db.h"
#include "st_enc.h"
#include "st_internal.h"

/* drafts: be64 id -> u8 version, u8 state, 10 x be64 (author, created,
 * updated, since, submitted, reviewer, decided, review_by, note,
 * override_by), u8 type length, type, be32 reason length, reason, the
 * content JSON (the rest).
 * review_index: 'S' u8 state be64 since be64 id (the queue, oldest
 * first), 'A' be64 author be64 ~id (a member's drafts, newest first),
 * 'R' be64 review_by be64 id (published drafts to look at again), all
 * -> (empty); and "types" -> the list of content types under review.
 * review_log: be64 draft, be64 seq -> be64 time, be64 actor, u8 action,
 * comment. */
#define REC_VERSION 1
#define HDR	    (2 + 10 * 8)
#define TYPES_KEY   "types"

static const char *const state_names[ST_DRAFT_NSTATES] = { "", "draft",
	"submitted", "in_review", "returned", "published", "withdrawn",
	"held" };
static const char *const action_names[ST_RA_NACTIONS] = { "", "saved",
	"submitted", "started", "comment", "returned", "published", "withdrawn",
	"held", "override", "review_by" };

/* allowed[from] is a bit set of the states a draft may move to. */
#define B(s) (1u << (s))
static const unsigned allowed[ST_DRAFT_NSTATES] = {
	[ST_DRAFT] = B(ST_DRAFT_SUBMITTED) | B(ST_DRAFT_WITHDRAWN),
	[ST_DRAFT_SUBMITTED] = B(ST_DRAFT_IN_REVIEW) | B(ST_DRAFT_RETURNED) |
	    B(ST_DRAFT_PUBLISHED) | B(ST_DRAFT_WITHDRAWN),
	[ST_DRAFT_IN_REVIEW] = B(ST_DRAFT_RETURNED) | B(ST_DRAFT_PUBLISHED) |
	    B(ST_DRAFT_WITHDRAWN),
	[ST_DRAFT_RETURNED] = B(ST_DRAFT_SUBMITTED) | B(ST_DRAFT_WITHDRAWN),
	[ST_DRAFT_HELD] = B(ST_DRAFT_PUBLISHED) | B(ST_DRAFT_RETURNED) |
	    B(ST_DRAFT_WITHDRAWN),
};

int
st_draft_can_move(int from, int to)
{
	return from > 0 && from < ST_DRAFT_NSTATES && to > 0 &&
	    to < ST_DRAFT_NSTATES && (allowed[from] & B(to)) != 0;
}

const char *
st_draft_state_name(int state)
{
	return state > 0 && state < ST_DRAFT_NSTATES ? state_names[state]
						     : "unknown";
}

int
st_draft_state_parse(const char *s)
{
	int i;

	for (i = 1; s != NULL && i < ST_DRAFT_NSTATES; i++)
		if (!strcmp(s, state_names[i]))
			return i;
	return -1;
}

const char *
st_review_action_name(int action)
{
	return action > 0 && action < ST_RA_NACTIONS ? action_names[action]
						     : "unknown";
}

void
st_draft_clear(struct st_draft *d)
{
	free(d->reason);
	free(d->content);
	d->reason = d->content = NULL;
}

/* ---- the record ---- */

static uint64_t *
fields(struct st_draft *d, int i)
{
	uint64_t *f[10] = { &d->author, &d->created, &d->updated, &d->since,
		&d->submitted, &d->reviewer, &d->decided, &d->review_by,
		&d->note, &d->override_by };

	return f[i];
}

static unsigned char *
encode(const struct st_draft *d, size_t *len)
{
	size_t tl = strlen(d->type), rl = d->reason ? strlen(d->reason) : 0;
	size_t cl = strlen(d->content);
	unsigned char *p, *q;
	int i;

	*len = HDR + 1 + tl + 4 + rl + cl;
	if ((p = malloc(*len)) == NULL)
		return NULL;
	p[0] = REC_VERSION;
	p[1] = d->state;
	for (i = 0; i < 10; i++)
		st_put_be64(p + 2 + 8 * i, *fields((struct st_draft *)d, i));
	q = p + HDR;
	*q++ = (unsigned char)tl;
	memcpy(q, d->type, tl);
	q += tl;
	st_put_be32(q, (uint32_t)rl);
	memcpy(q + 4, d->reason ? d->reason : "", rl);
	memcpy(q + 4 + rl, d->content, cl);
	return p;
}

static char *
dup_n(const unsigned char *p, size_t n)
{
	char *s = malloc(n + 1);

	if (s != NULL) {
		memcpy(s, p, n);
		s[n] = '\0';
	}
	return s;
}

static int
decode(const MDB_val *v, uint64_t id, struct st_draft *d)
{
	const unsigned char *p = v->mv_data, *q;
	size_t tl, rl;
	int i;

	memset(d, 0, sizeof(*d));
	if (v->mv_size < HDR + 5 || p[0] != REC_VERSION)
		return ST_EIO;
	d->id = id;
	d->state = p[1];
	for (i = 0; i < 10; i++)
		*fields(d, i) = st_get_be64(p + 2 + 8 * i);
	q = p + HDR;
	tl = *q++;
	if (tl > ST_DRAFT_TYPE_MAX || HDR + 1 + tl + 4 > v->mv_size)
		return ST_EIO;
	memcpy(d->type, q, tl);
	q += tl;
	rl = st_get_be32(q);
	q += 4;
	if (rl > v->mv_size - (size_t)(q - p))
		return ST_EIO;
	if ((rl > 0 && (d->reason = dup_n(q, rl)) == NULL) ||
	    (d->content = dup_n(q + rl, v->mv_size - (size_t)(q - p) - rl)) ==
		NULL) {
		st_draft_clear(d);
		return ST_EIO;
	}
	return 0;
}

int
st_draft_get(struct st_txn *t, uint64_t id, struct st_draft *d)
{
	unsigned char kb[8];
	MDB_val k = { 8, kb }, v;
	int rc;

	memset(d, 0, sizeof(*d));
	st_put_be64(kb, id);
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_DRAFTS), &k, &v)) != 0)
		return st_from_mdb(rc);
	return decode(&v, id, d);
}

/* ---- the index ---- */

/* The index keys of d into k (each up to 18 bytes); returns how many. */
static int
index_keys(const struct st_draft *d, unsigned char k[3][18], size_t len[3])
{
	int n = 0;

	k[n][0] = 'S';
	k[n][1] = d->state;
	st_put_be64(k[n] + 2, d->since);
	st_put_be64(k[n] + 10, d->id);
	len[n++] = 18;
	k[n][0] = 'A';
	st_put_be64(k[n] + 1, d->author);
	st_put_be64(k[n] + 9, UINT64_MAX - d->id);
	len[n++] = 17;
	if (d->state == ST_DRAFT_PUBLISHED && d->review_by != 0) {
		k[n][0] = 'R';
		st_put_be64(k[n] + 1, d->review_by);
		st_put_be64(k[n] + 9, d->id);
		len[n++] = 17;
	}
	return n;
}

static int
index_set(struct st_txn *t, const struct st_draft *d, int add)
{
	unsigned char k[3][18];
	size_t len[3];
	int i, n = index_keys(d, k, len), rc;

	for (i = 0; i < n; i++) {
		MDB_val key = { len[i], k[i] }, v = { 0, "" };

		rc = add
		    ? mdb_put(t->txn, st_dbi(t, DBI_REVIEW_INDEX), &key, &v, 0)
		    : mdb_del(t->txn, st_dbi(t, DBI_REVIEW_INDEX), &key, NULL);
		if (rc != 0 && !(rc == MDB_NOTFOUND && !add))
			return st_from_mdb(rc);
	}
	return 0;
}

int
st_draft_put(struct st_txn *t, struct st_draft *d)
{
	unsigned char kb[8], *rec;
	MDB_val k = { 8, kb }, v;
	struct st_draft old;
	int rc;

	if (d->content == NULL || d->state == 0 || d->state >= ST_DRAFT_NSTATES)
		return ST_INVAL;
	if (d->id == 0) {
		if ((rc = st_id_next(t, &d->id)) != 0)
			return rc;
	} else if ((rc = st_draft_get(t, d->id, &old)) == 0) {
		rc = index_set(t, &old, 0);
		st_draft_clear(&old);
		if (rc != 0)
			return rc;
	} else if (rc != ST_NOTFOUND)
		return rc;
	if ((rec = encode(d, &v.mv_size)) == NULL)
		return ST_EIO;
	v.mv_data = rec;
	st_put_be64(kb, d->id);
	rc = mdb_put(t->txn, st_dbi(t, DBI_DRAFTS), &k, &v, 0);
	free(rec);
	if (rc != 0)
		return st_from_mdb(rc);
	return index_set(t, d, 1);
}

int
st_draft_move(struct st_txn *t, struct st_draft *d, int to, uint64_t now)
{
	if (!st_draft_can_move(d->state, to))
		return ST_INVAL;
	d->state = (uint8_t)to;
	d->since = d->updated = now;
	if (to == ST_DRAFT_SUBMITTED)
		d->submitted = now;
	return st_draft_put(t, d);
}

/* A walk is a range of the index: the keys starting with pre (plen
 * bytes), and for due walks those up to and including the time due. */
int
st_draft_each(struct st_txn *t, int state, uint64_t author, uint64_t due,
    int max, int (*cb)(void *ctx, const struct st_draft *d), void *ctx)
{
	unsigned char pre[9];
	size_t plen;
	MDB_cursor *c;
	MDB_val k, v;
	struct st_draft d;
	int rc, n = 0, stop = 0;

	if (state != 0) {
		pre[0] = 'S';
		pre[1] = (unsigned char)state;
		plen = 2;
	} else if (author != 0) {
		pre[0] = 'A';
		st_put_be64(pre + 1, author);
		plen = 9;
	} else {
		pre[0] = 'R';
		plen = 1;
	}
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_REVIEW_INDEX), &c)))
		return st_from_mdb(rc);
	k.mv_size = plen;
	k.mv_data = pre;
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE);
	     rc == 0 && !stop && n < max;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const unsigned char *p = k.mv_data;
		uint64_t id;

		if (k.mv_size < plen + 8 || memcmp(p, pre, plen) != 0)
			break;
		if (pre[0] == 'R' && st_get_be64(p + 1) > due)
			break;
		id = st_get_be64(p + k.mv_size - 8);
		if (pre[0] == 'A')
			id = UINT64_MAX - id;
		if (st_draft_get(t, id, &d) != 0)
			continue;
		n++;
		stop = cb(ctx, &d);
		st_draft_clear(&d);
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

/* ---- history ---- */

int
st_review_log_add(struct st_txn *t, uint64_t draft, uint64_t actor, int action,
    const char *comment, uint64_t time)
{
	size_t cl = comment ? strlen(comment) : 0;
	unsigned char kb[16], *vb;
	MDB_val k = { 16, kb }, v;
	uint64_t seq;
	int rc;

	if ((rc = st_id_next(t, &seq)) != 0)
		return rc;
	if ((vb = malloc(17 + cl)) == NULL)
		return ST_EIO;
	st_pair_key(kb, draft, seq);
	st_put_be64(vb, time);
	st_put_be64(vb + 8, actor);
	vb[16] = (unsigned char)action;
	memcpy(vb + 17, comment ? comment : "", cl);
	v.mv_size = 17 + cl;
	v.mv_data = vb;
	rc = mdb_put(t->txn, st_dbi(t, DBI_REVIEW_LOG), &k, &v, 0);
	free(vb);
	return st_from_mdb(rc);
}

int
st_review_log_each(struct st_txn *t, uint64_t draft,
    int (*cb)(void *ctx, const struct st_review_entry *e), void *ctx)
{
	unsigned char kb[16];
	MDB_cursor *c;
	MDB_val k = { 16, kb }, v;
	int rc, stop = 0;

	st_pair_key(kb, draft, 0);
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_REVIEW_LOG), &c)))
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(c, &k, &v, MDB_SET_RANGE); rc == 0 && !stop;
	     rc = mdb_cursor_get(c, &k, &v, MDB_NEXT)) {
		const unsigned char *p = v.mv_data;
		struct st_review_entry e;
		char *comment;

		if (k.mv_size != 16 || st_get_be64(k.mv_data) != draft)
			break;
		if (v.mv_size < 17)
			continue;
		if ((comment = dup_n(p + 17, v.mv_size - 17)) == NULL) {
			mdb_cursor_close(c);
			return ST_EIO;
		}
		e = (struct st_review_entry){
			.seq = st_get_be64((unsigned char *)k.mv_data + 8),
			.time = st_get_be64(p),
			.actor = st_get_be64(p + 8),
			.action = p[16],
			.comment = comment
		};
		stop = cb(ctx, &e);
		free(comment);
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

/* ---- the content types under review ---- */

int
st_review_types_get(struct st_txn *t, char *out, size_t cap)
{
	MDB_val k = { sizeof(TYPES_KEY) - 1, TYPES_KEY }, v;
	int rc;

	if (cap == 0)
		return ST_INVAL;
	out[0] = '\0';
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_REVIEW_INDEX), &k, &v)) != 0)
		return st_from_mdb(rc);
	if (v.mv_size >= cap)
		return ST_INVAL;
	memcpy(out, v.mv_data, v.mv_size);
	out[v.mv_size] = '\0';
	return 0;
}

int
st_review_types_set(struct st_txn *t, const char *list)
{
	MDB_val k = { sizeof(TYPES_KEY) - 1, TYPES_KEY },
		v = { strlen(list), (void *)list };

	return st_from_mdb(
	    mdb_put(t->txn, st_dbi(t, DBI_REVIEW_INDEX), &k, &v, 0));
}
