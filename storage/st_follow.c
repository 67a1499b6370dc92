#include "st_follow.h"

#include <errno.h>
#include <string.h>

#include "st_db.h"
#include "st_enc.h"
#include "st_internal.h"

int
st_follow_put(struct st_txn *t, uint64_t follower, uint64_t followee, int state,
    uint64_t follow_obj)
{
	unsigned char kb[16], vb[9];
	MDB_val k = { 16, kb }, d = { 9, vb };
	int rc;

	vb[0] = (unsigned char)state;
	st_put_be64(vb + 1, follow_obj);
	st_pair_key(kb, follower, followee);
	if ((rc = mdb_put(t->txn, st_dbi(t, DBI_FOLLOWS), &k, &d, 0)) != 0)
		return st_from_mdb(rc);
	st_pair_key(kb, followee, follower);
	return st_from_mdb(
	    mdb_put(t->txn, st_dbi(t, DBI_FOLLOWERS), &k, &d, 0));
}

int
st_follow_get(struct st_txn *t, uint64_t follower, uint64_t followee,
    int *state, uint64_t *follow_obj)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb }, d;
	int rc;

	st_pair_key(kb, follower, followee);
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_FOLLOWS), &k, &d)) != 0)
		return st_from_mdb(rc);
	if (d.mv_size != 9)
		return ST_EIO;
	if (state != NULL)
		*state = ((unsigned char *)d.mv_data)[0];
	if (follow_obj != NULL)
		*follow_obj = st_get_be64((unsigned char *)d.mv_data + 1);
	return 0;
}

int
st_follow_del(struct st_txn *t, uint64_t follower, uint64_t followee)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb };
	int rc;

	st_pair_key(kb, follower, followee);
	rc = mdb_del(t->txn, st_dbi(t, DBI_FOLLOWS), &k, NULL);
	if (rc != 0)
		return st_from_mdb(rc);
	st_pair_key(kb, followee, follower);
	rc = mdb_del(t->txn, st_dbi(t, DBI_FOLLOWERS), &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

/* Walk who's entries; cb returns nonzero to stop. */
static int
walk(struct st_txn *t, uint64_t who, int followers, uint64_t after,
    int (*cb)(void *ctx, uint64_t other, int state), void *ctx)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb }, d;
	MDB_cursor *c;
	int rc;

	st_pair_key(kb, who, after == 0 ? 0 : after + 1);
	rc = mdb_cursor_open(
	    t->txn, st_dbi(t, followers ? DBI_FOLLOWERS : DBI_FOLLOWS), &c);
	if (rc != 0)
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE); rc == 0;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size != 16 || st_get_be64(k.mv_data) != who ||
		    d.mv_size != 9)
			break;
		if (cb(ctx, st_get_be64((unsigned char *)k.mv_data + 8),
			((unsigned char *)d.mv_data)[0]))
			break;
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

struct lister {
	int state, n, max;
	uint64_t *ids, count;
};

static int
list_cb(void *ctx, uint64_t other, int state)
{
	struct lister *l = ctx;

	if (l->state >= 0 && state != l->state)
		return 0;
	if (l->ids != NULL) {
		if (l->n == l->max)
			return 1;
		l->ids[l->n++] = other;
	}
	l->count++;
	return 0;
}

int
st_follow_list(struct st_txn *t, uint64_t who, int followers, int state,
    uint64_t after, uint64_t *ids, int max)
{
	struct lister l = { state, 0, max, ids, 0 };
	int rc = walk(t, who, followers, after, list_cb, &l);

	return rc != 0 ? rc : l.n;
}

int
st_follow_count(
    struct st_txn *t, uint64_t who, int followers, int state, uint64_t *n)
{
	struct lister l = { state, 0, 0, NULL, 0 };
	int rc = walk(t, who, followers, 0, list_cb, &l);

	*n = l.count;
	return rc;
}

int
st_seen_add(struct st_txn *t, const char *iri, uint64_t now)
{
	unsigned char vb[8];
	MDB_val k = { strlen(iri), (void *)iri }, d = { 8, vb };

	if (k.mv_size == 0 || k.mv_size > 511)
		return ST_INVAL;
	st_put_be64(vb, now);
	return st_from_mdb(
	    mdb_put(t->txn, st_dbi(t, DBI_SEEN), &k, &d, MDB_NOOVERWRITE));
}

int
st_seen_has(struct st_txn *t, const char *iri)
{
	MDB_val k = { strlen(iri), (void *)iri }, d;

	if (k.mv_size == 0 || k.mv_size > 511)
		return 0;
	return mdb_get(t->txn, st_dbi(t, DBI_SEEN), &k, &d) == 0;
}

int
st_seen_prune(struct st_txn *t, uint64_t before, char *resume,
    size_t *resume_len, int max, int *deleted)
{
	MDB_val k = { *resume_len, resume }, d;
	MDB_cursor *c;
	int rc, n = 0;

	*deleted = 0;
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_SEEN), &c)) != 0)
		return st_from_mdb(rc);
	rc = mdb_cursor_get(c, &k, &d, *resume_len ? MDB_SET_RANGE : MDB_FIRST);
	while (rc == 0 && n++ < max) {
		if (d.mv_size == 8 && st_get_be64(d.mv_data) < before) {
			if ((rc = mdb_cursor_del(c, 0)) != 0)
				break;
			(*deleted)++;
			/* The cursor now stands on the next row, if any. */
			rc = mdb_cursor_get(c, &k, &d, MDB_GET_CURRENT);
			if (rc == MDB_NOTFOUND || rc == EINVAL)
				rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
			continue;
		}
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	*resume_len = 0;
	if (rc == 0 && k.mv_size <= 511) { /* stopped at max: go on there */
		memcpy(resume, k.mv_data, k.mv_size);
		*resume_len = k.mv_size;
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

/* Job value: signer, activity (be64), tries (be32), inbox bytes. */
static int
job_put(struct st_txn *t, const struct st_job *j)
{
	unsigned char kb[16], vb[20 + sizeof(j->inbox)];
	size_t il = strlen(j->inbox);
	MDB_val k = { 16, kb }, d = { 20 + il, vb };

	st_pair_key(kb, j->due, j->id);
	st_put_be64(vb, j->signer);
	st_put_be64(vb + 8, j->activity);
	st_put_be32(vb + 16, j->tries);
	memcpy(vb + 20, j->inbox, il);
	return st_from_mdb(mdb_put(t->txn, st_dbi(t, DBI_QUEUE), &k, &d, 0));
}

int
st_queue_add(struct st_txn *t, struct st_job *job)
{
	int rc;

	if (strlen(job->inbox) == 0 || strlen(job->inbox) >= sizeof(job->inbox))
		return ST_INVAL;
	if ((rc = st_id_next(t, &job->id)) != 0)
		return rc;
	return job_put(t, job);
}

/* A queue row into j; -1 when it is not one. */
static int
job_decode(const MDB_val *k, const MDB_val *d, struct st_job *j)
{
	const unsigned char *kp = k->mv_data, *dp = d->mv_data;
	size_t il;

	if (k->mv_size != 16 || d->mv_size < 20 ||
	    (il = d->mv_size - 20) >= sizeof(j->inbox))
		return -1;
	j->due = st_get_be64(kp);
	j->id = st_get_be64(kp + 8);
	j->signer = st_get_be64(dp);
	j->activity = st_get_be64(dp + 8);
	j->tries = st_get_be32(dp + 16);
	memcpy(j->inbox, dp + 20, il);
	j->inbox[il] = '\0';
	return 0;
}

int
st_queue_scan(struct st_txn *t, uint64_t now, int max,
    int (*cb)(void *, const struct st_job *), void *ctx, uint64_t *next)
{
	struct st_job j;
	MDB_cursor *c;
	MDB_val k, d;
	int rc, n = 0, visited = 0, r;

	*next = 0;
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_QUEUE), &c)) != 0)
		return st_from_mdb(rc);
	/* Skipped rows (a host with enough jobs taken) do not count toward
	 * max, so one host's backlog cannot hide every other host's jobs;
	 * they are bounded apart. */
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST);
	     rc == 0 && n < max && visited < max * ST_SCAN_SKIP_FACTOR;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT), visited++) {
		if (job_decode(&k, &d, &j) != 0)
			continue;
		if (j.due > now) {
			*next = j.due;
			break;
		}
		if ((r = cb(ctx, &j)) == ST_SCAN_SKIP)
			continue;
		if (r != 0)
			break;
		n++;
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

int
st_queue_each(
    struct st_txn *t, int (*cb)(void *, const struct st_job *), void *ctx)
{
	struct st_job j[16];
	uint64_t after_due = 0, after_id = 0;
	unsigned char kb[16];
	MDB_cursor *c;
	MDB_val k, d;
	int rc, n, i, stop = 0;

	/* In chunks, so cb may not hold the cursor's pages for long. */
	do {
		if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_QUEUE), &c)))
			return st_from_mdb(rc);
		st_pair_key(kb, after_due, after_id);
		k.mv_size = 16;
		k.mv_data = kb;
		n = 0;
		for (rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
		     rc == 0 && n < 16;
		     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
			if (job_decode(&k, &d, &j[n]) != 0)
				continue;
			if (j[n].due == after_due && j[n].id == after_id &&
			    (after_due | after_id) != 0)
				continue;
			n++;
		}
		mdb_cursor_close(c);
		for (i = 0; i < n && !stop; i++)
			stop = cb(ctx, &j[i]);
		if (n > 0) {
			after_due = j[n - 1].due;
			after_id = j[n - 1].id;
		}
	} while (n == 16 && !stop);
	return 0;
}

uint64_t
st_queue_next(struct st_txn *t)
{
	MDB_cursor *c;
	MDB_val k, d;
	uint64_t due = 0;

	if (mdb_cursor_open(t->txn, st_dbi(t, DBI_QUEUE), &c) != 0)
		return 0;
	if (mdb_cursor_get(c, &k, &d, MDB_FIRST) == 0 && k.mv_size == 16)
		due = st_get_be64(k.mv_data);
	mdb_cursor_close(c);
	return due;
}

int
st_queue_del(struct st_txn *t, const struct st_job *job)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb };
	int rc;

	st_pair_key(kb, job->due, job->id);
	rc = mdb_del(t->txn, st_dbi(t, DBI_QUEUE), &k, NULL);
	return rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

int
st_queue_retry(struct st_txn *t, struct st_job *job, uint64_t due)
{
	int rc;

	if ((rc = st_queue_del(t, job)) != 0)
		return rc;
	job->due = due;
	job->tries++;
	return job_put(t, job);
}

int
st_queue_move(struct st_txn *t, struct st_job *job, uint64_t due)
{
	int rc;

	if ((rc = st_queue_del(t, job)) != 0)
		return rc;
	job->due = due;
	return job_put(t, job);
}

int
st_queue_count(struct st_txn *t, uint64_t *n)
{
	MDB_stat ms;
	int rc = mdb_stat(t->txn, st_dbi(t, DBI_QUEUE), &ms);

	*n = rc == 0 ? ms.ms_entries : 0;
	return st_from_mdb(rc);
}

int
st_timeline_add(struct st_txn *t, uint64_t owner, uint64_t note)
{
	return st_pair_put(t, DBI_TIMELINE, owner, note);
}

int
st_timeline_has(struct st_txn *t, uint64_t owner, uint64_t note)
{
	return st_pair_has(t, DBI_TIMELINE, owner, note);
}

int
st_timeline_del(struct st_txn *t, uint64_t owner, uint64_t note)
{
	int rc = st_pair_del(t, DBI_TIMELINE, owner, note);

	return rc == ST_NOTFOUND ? 0 : rc;
}

int
st_timeline_page(struct st_txn *t, uint64_t owner, uint64_t before,
    uint64_t *notes, int max, int *more)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb }, d;
	MDB_cursor *c;
	int rc, n = 0;

	*more = 0;
	st_pair_key(kb, owner, before == 0 ? UINT64_MAX : before);
	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_TIMELINE), &c)) != 0)
		return st_from_mdb(rc);
	/* Keys ascend: the first >= (owner, before), then step back. */
	rc = mdb_cursor_get(c, &k, &d, MDB_SET_RANGE);
	rc =
	    mdb_cursor_get(c, &k, &d, rc == MDB_NOTFOUND ? MDB_LAST : MDB_PREV);
	while (rc == 0 && k.mv_size == 16 && st_get_be64(k.mv_data) == owner) {
		if (n == max) {
			*more = 1;
			break;
		}
		notes[n++] = st_get_be64((unsigned char *)k.mv_data + 8);
		rc = mdb_cursor_get(c, &k, &d, MDB_PREV);
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? n : st_from_mdb(rc);
}
