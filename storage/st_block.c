#include "st_block.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "st_db.h"
#include "st_enc.h"
#include "st_internal.h"

/* host -> be64 since, reason bytes (no NUL). */
#define HOST_MAX 255

static void
decode(const MDB_val *d, struct st_block *b)
{
	size_t n = d->mv_size > 8 ? d->mv_size - 8 : 0;

	memset(b, 0, sizeof(*b));
	if (d->mv_size < 8)
		return;
	b->since = st_get_be64(d->mv_data);
	if (n > ST_BLOCK_REASON_MAX)
		n = ST_BLOCK_REASON_MAX;
	memcpy(b->reason, (const unsigned char *)d->mv_data + 8, n);
	b->reason[n] = '\0';
}

int
st_block_put(
    struct st_txn *t, const char *host, const char *reason, uint64_t since)
{
	unsigned char vb[8 + ST_BLOCK_REASON_MAX];
	size_t n = reason ? strlen(reason) : 0;
	MDB_val k = { strlen(host), (void *)host }, d;

	if (k.mv_size == 0 || k.mv_size > HOST_MAX)
		return ST_INVAL;
	if (n > ST_BLOCK_REASON_MAX)
		n = ST_BLOCK_REASON_MAX;
	st_put_be64(vb, since);
	if (n > 0)
		memcpy(vb + 8, reason, n);
	d = (MDB_val){ 8 + n, vb };
	return st_from_mdb(mdb_put(t->txn, st_dbi(t, DBI_BLOCKS), &k, &d, 0));
}

int
st_block_get(struct st_txn *t, const char *host, struct st_block *b)
{
	MDB_val k = { strlen(host), (void *)host }, d;
	int rc;

	if (k.mv_size == 0 || k.mv_size > HOST_MAX)
		return ST_NOTFOUND;
	if ((rc = mdb_get(t->txn, st_dbi(t, DBI_BLOCKS), &k, &d)) != 0)
		return st_from_mdb(rc);
	if (b != NULL)
		decode(&d, b);
	return 0;
}

int
st_block_del(struct st_txn *t, const char *host)
{
	MDB_val k = { strlen(host), (void *)host };

	if (k.mv_size == 0 || k.mv_size > HOST_MAX)
		return ST_NOTFOUND;
	return st_from_mdb(mdb_del(t->txn, st_dbi(t, DBI_BLOCKS), &k, NULL));
}

int
st_block_each(struct st_txn *t,
    int (*cb)(void *, const char *, const struct st_block *), void *ctx)
{
	struct st_block b;
	char host[HOST_MAX + 1];
	MDB_cursor *c;
	MDB_val k, d;
	int rc;

	if ((rc = mdb_cursor_open(t->txn, st_dbi(t, DBI_BLOCKS), &c)) != 0)
		return st_from_mdb(rc);
	for (rc = mdb_cursor_get(c, &k, &d, MDB_FIRST); rc == 0;
	     rc = mdb_cursor_get(c, &k, &d, MDB_NEXT)) {
		if (k.mv_size == 0 || k.mv_size > HOST_MAX)
			continue;
		memcpy(host, k.mv_data, k.mv_size);
		host[k.mv_size] = '\0';
		decode(&d, &b);
		if (cb(ctx, host, &b))
			break;
	}
	mdb_cursor_close(c);
	return rc == 0 || rc == MDB_NOTFOUND ? 0 : st_from_mdb(rc);
}

void
st_block_host(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url, "://"), *at;
	char host[256], *port;
	size_t n, i;
	int https = !strncmp(url, "https://", 8), bare = p == NULL;

	p = p ? p + 3 : url;
	n = strcspn(p, "/?#");
	at = memchr(p, '@', n);
	while (at != NULL) { /* user info: the host follows the last '@' */
		n -= (size_t)(at + 1 - p);
		p = at + 1;
		at = memchr(p, '@', n);
	}
	if (n >= sizeof(host))
		n = sizeof(host) - 1;
	for (i = 0; i < n; i++)
		host[i] = (char)tolower((unsigned char)p[i]);
	host[n] = '\0';
	port = host[0] == '[' ? strstr(host, "]:") : strrchr(host, ':');
	if (port != NULL && host[0] == '[')
		port++;
	if (port != NULL &&
	    (((https || bare) && !strcmp(port, ":443")) ||
		(!https && !strcmp(port, ":80"))))
		*port = '\0';
	n = strlen(host);
	if (n > 1 && host[n - 1] == '.')
		host[n - 1] = '\0';
	snprintf(out, cap, "%s", host);
}

int
st_block_covers(struct st_txn *t, const char *url)
{
	char host[256];
	const char *p;

	st_block_host(url, host, sizeof(host));
	if (host[0] == '\0')
		return 0;
	if (st_block_get(t, host, NULL) == 0)
		return 1;
	/* A blocked domain covers its subdomains, as on Mastodon. */
	if (strchr(host, ':') != NULL ||
	    strspn(host, "0123456789.") == strlen(host))
		return 0;
	for (p = strchr(host, '.'); p != NULL; p = strchr(p + 1, '.'))
		if (strchr(p + 1, '.') != NULL &&
		    st_block_get(t, p + 1, NULL) == 0)
			return 1;
	return 0;
}
