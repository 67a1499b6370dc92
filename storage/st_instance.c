#include "st_instance.h"

#include <string.h>

#include "st_db.h"
#include "st_enc.h"
#include "st_internal.h"

#define HOST_MAX       255
#define VAL_SIZE       21 /* be64 first failure, be64 last success, be32, flags */
#define F_UNAVAILABLE  1
#define F_GROUPS_SHIFT 1 /* two bits: ST_GROUPS_* */

static int
decode(const MDB_val *d, struct st_instance *in)
{
	const unsigned char *p = d->mv_data;

	if (d->mv_size != VAL_SIZE)
		return ST_EIO;
	in->first_failure = st_get_be64(p);
	in->last_success = st_get_be64(p + 8);
	in->failures = st_get_be32(p + 16);
	in->unavailable = (p[20] & F_UNAVAILABLE) != 0;
	in->groups = (p[20] >> F_GROUPS_SHIFT) & 3;
	return 0;
}

int
st_instance_get(struct st_txn *t, const char *host, struct st_instance *in)
{
	MDB_val k = { strlen(host), (void *)host }, d;
	int rc;

	memset(in, 0, sizeof(*in));
	if (k.mv_size == 0 || k.mv_size > HOST_MAX)
		return ST_NOTFOUND;
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_INSTANCES), &k, &d)) != 0)
		return st_from_mdb(rc);
	return decode(&d, in);
}

int
st_instance_put(
    struct st_txn *t, const char *host, const struct st_instance *in)
{
	unsigned char vb[VAL_SIZE];
	MDB_val k = { strlen(host), (void *)host }, d = { VAL_SIZE, vb };

	if (k.mv_size == 0 || k.mv_size > HOST_MAX)
		return ST_INVAL;
	st_put_be64(vb, in->first_failure);
	st_put_be64(vb + 8, in->last_success);
	st_put_be32(vb + 16, in->failures);
	vb[20] = (unsigned char)((in->unavailable ? F_UNAVAILABLE : 0) |
	    ((in->groups & 3) << F_GROUPS_SHIFT));
	return st_from_mdb(
	    mdb_put(t->txn, st_dbi(t, DBI_INSTANCES), &k, &d, 0));
}

int
st_instance_each(struct st_txn *t,
    int (*cb)(void *, const char *, const struct st_instance *), void *ctx)
{
	struct st_instance in;
	char host[HOST_MAX + 1];
	MDB_cursor *c;
	MDB_val k, d;
	int rc;

	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_INSTANCES), &c)) != 0)
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size == 0 || k.mv_size > HOST_MAX ||
		    decode(&d, &in) != 0)
			continue;
		memcpy(host, k.mv_data, k.mv_size);
		host[k.mv_size] = '\0';
		if (cb(ctx, host, &in))
			break;
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}
