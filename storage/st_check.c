#include "st_check.h"

#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "st_db.h"
#include "st_enc.h"
#include "st_internal.h"
#include "st_actor.h"
#include "st_object.h"

struct checker {
	void (*report)(void *, const char *);
	void *ctx;
	int problems;
};

static void
problem(struct checker *c, const char *fmt, unsigned long long a,
    unsigned long long b)
{
	char msg[200];

	snprintf(msg, sizeof(msg), fmt, a, b);
	c->report(c->ctx, msg);
	c->problems++;
}

static int
check_names(MDB_txn *txn, struct st_db *db, struct checker *c)
{
	MDB_cursor *cur;
	MDB_val k, d, ak;
	int rc;

	if ((rc = mdb_cursor_open(txn, db->dbi[DBI_NAMES], &cur)) != 0)
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) {
		MDB_val av;
		if (d.mv_size != 8) {
			problem(c, "a name has a bad value (%llu bytes)%.0llu",
			    d.mv_size, 0);
			continue;
		}
		ak = d;
		if (mdb_get(txn, db->dbi[DBI_ACTORS], &ak, &av) != 0)
			problem(c, "name points to missing actor %llu%.0llu",
			    st_get_be64(d.mv_data), 0);
	}
	mdb_cursor_close(cur);
	return 0;
}

/* Local members not deleted, for the "users" counter. */
static int
count_users(MDB_txn *txn, struct st_db *db, uint64_t *users)
{
	struct st_actor a;
	MDB_cursor *cur;
	MDB_val k, d;
	int rc;

	*users = 0;
	if ((rc = mdb_cursor_open(txn, db->dbi[DBI_ACTORS], &cur)) != 0)
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) {
		if (st_actor_decode(d.mv_data, d.mv_size, 0, &a) != 0)
			continue;
		if (a.kind == ST_AK_PERSON && (a.flags & ST_AF_LOCAL) &&
		    !(a.flags & ST_AF_DELETED))
			(*users)++;
		st_actor_clear(&a);
	}
	mdb_cursor_close(cur);
	return 0;
}

/* Whether a direct note went to a community's members only (its
 * audience's followers collection): such notes are not counted as
 * local posts (hub.c counted()), so the check must not count them. */
static int
members_only(struct st_txn *t, uint64_t note)
{
	char members[600];
	const char *js, *aud;
	struct st_obj o;
	json_t *doc, *v;
	size_t len, i;
	int yes = 0;
	static const char *const keys[] = { "to", "cc" };

	if (st_object_peek(t, note, &o, &js, &len) != 0 ||
	    o.vis != ST_VIS_DIRECT ||
	    (doc = json_loadb(js, len, 0, NULL)) == NULL)
		return 0;
	aud = json_string_value(json_object_get(doc, "audience"));
	if (aud != NULL) {
		snprintf(members, sizeof(members), "%s/followers", aud);
		for (i = 0; i < 2 && !yes; i++) {
			json_t *to = json_object_get(doc, keys[i]);
			size_t k;

			if (json_is_string(to))
				yes = !strcmp(json_string_value(to), members);
			json_array_foreach(to, k, v)
			{
				if (json_is_string(v) &&
				    !strcmp(json_string_value(v), members))
					yes = 1;
			}
		}
	}
	json_decref(doc);
	return yes;
}

static int
check_outbox(MDB_txn *txn, struct st_db *db, struct checker *c,
    unsigned long long *entries)
{
	struct st_txn t = { txn, db, 0 };
	MDB_cursor *cur;
	MDB_val k, d;
	struct st_obj o;
	uint64_t note, act;
	int rc, boost;

	*entries = 0;
	if ((rc = mdb_cursor_open(txn, db->dbi[DBI_OUTBOX], &cur)) != 0)
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(cur, &k, &d, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(cur, &k, &d, MDB_NEXT)) {
		if (k.mv_size != 16 || d.mv_size < 9) {
			problem(c, "outbox entry %llu has a bad size%.0llu",
			    *entries, 0);
			continue;
		}
		note = st_get_be64((unsigned char *)k.mv_data + 8);
		act = st_get_be64(d.mv_data);
		/* A boost of someone else's note (which may be deleted
		 * since): only its Announce must be there. */
		boost = st_object_get(&t, note, &o, NULL) == 0 &&
		    o.owner != st_get_be64(k.mv_data);
		if (!boost && !members_only(&t, note))
			(*entries)++;
		if (!boost &&
		    (st_object_get(&t, note, &o, NULL) != 0 ||
			o.kind != ST_K_NOTE))
			problem(c,
			    "outbox lists note %llu, which is missing "
			    "or not a note%.0llu",
			    note, 0);
		if (st_object_get(&t, act, &o, NULL) != 0 ||
		    o.kind != ST_K_ACTIVITY || o.parent != note)
			problem(c,
			    "note %llu has a missing or wrong activity "
			    "%llu",
			    note, act);
	}
	mdb_cursor_close(cur);
	return 0;
}

int
st_check(struct st_db *db, void (*report)(void *, const char *), void *ctx)
{
	struct checker c = { report, ctx, 0 };
	struct st_txn t;
	unsigned long long entries;
	MDB_txn *txn;
	uint64_t counted, users;
	int rc;

	if ((rc = st_txn_open(db, MDB_RDONLY, &txn)) != 0)
		return st_from_mdb(rc);
	if ((rc = check_names(txn, db, &c)) == 0)
		rc = check_outbox(txn, db, &c, &entries);
	t = (struct st_txn){ txn, db, 0 };
	counted = st_counter_get(&t, "local_posts");
	if (rc == 0 && counted != entries)
		problem(&c,
		    "the local post counter says %llu but the outboxes "
		    "hold %llu",
		    counted, entries);
	if (rc == 0 && (rc = count_users(txn, db, &users)) == 0 &&
	    users != st_counter_get(&t, "users"))
		problem(&c,
		    "the member counter says %llu but %llu members "
		    "exist",
		    st_counter_get(&t, "users"), users);
	st_txn_abort(db, txn);
	return rc != 0 ? rc : c.problems;
}
