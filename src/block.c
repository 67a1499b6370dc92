#include "block.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "fed_fetch.h"
#include "hub.h"
#include "log.h"
#include "st_actor.h"
#include "st_block.h"
#include "st_db.h"
#include "st_follow.h"
#include "text.h"

int
hub_block_host(const char *what, char *out, size_t cap, struct err *e)
{
	size_t n;

	st_block_host(what ? what : "", out, cap);
	n = strspn(out, "abcdefghijklmnopqrstuvwxyz0123456789.-:[]");
	if (n == 0 || n > 253 || out[n] != '\0' || out[0] == '.' ||
	    out[0] == '-')
		return err_set(e, "enter a server's name, like social.example"),
		       HUB_INVALID;
	return 0;
}

int
hub_url_blocked(struct st_txn *t, const char *url)
{
	return st_block_covers(t, url);
}

int
hub_actor_blocked(struct st_txn *t, uint64_t id)
{
	struct st_actor a;
	int b;

	if (id == 0 || st_actor_get(t, id, &a) != 0)
		return 0;
	b = !(a.flags & ST_AF_LOCAL) && hub_url_blocked(t, a.iri);
	st_actor_clear(&a);
	return b;
}

struct block_job {
	const char *host, *reason;
	int dropped, unfollowed;
};

/* Jobs queued for the host, to delete after the walk. */
struct drop {
	const char *host;
	struct st_job *jobs;
	size_t n, cap;
};

static int
drop_each(void *arg, const struct st_job *j)
{
	struct drop *dr = arg;
	struct st_job *nj;
	char host[256];
	size_t hl, bl = strlen(dr->host);

	st_block_host(j->inbox, host, sizeof(host));
	hl = strlen(host);
	/* The host itself, or a subdomain of it (st_block_covers). */
	if (strcmp(host, dr->host) != 0 &&
	    (hl <= bl || host[hl - bl - 1] != '.' ||
		strcmp(host + hl - bl, dr->host) != 0))
		return 0;
	if (dr->n == dr->cap) {
		dr->cap = dr->cap ? dr->cap * 2 : 64;
		if ((nj = realloc(dr->jobs, dr->cap * sizeof(*nj))) == NULL)
			return 1;
		dr->jobs = nj;
	}
	dr->jobs[dr->n++] = *j;
	return 0;
}

static int
drop_jobs(struct st_txn *t, struct block_job *b)
{
	struct drop dr = { b->host, NULL, 0, 0 };
	size_t i;
	int rc = st_queue_each(t, drop_each, &dr);

	for (i = 0; i < dr.n && rc == 0; i++)
		rc = st_queue_del(t, &dr.jobs[i]);
	free(dr.jobs);
	b->dropped = (int)dr.n;
	return rc;
}

/* Local actor ids, to walk their follows after the names. */
struct ids {
	uint64_t *v;
	size_t n, cap;
};

static int
local_each(void *arg, const char *name, uint64_t id)
{
	struct ids *l = arg;
	uint64_t *nv;

	(void)name;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		if ((nv = realloc(l->v, l->cap * sizeof(*nv))) == NULL)
			return 1;
		l->v = nv;
	}
	l->v[l->n++] = id;
	return 0;
}

/* End the follows (both ways, any state) of local actor me with actors
 * of the blocked host. */
static int
unfollow_host(struct st_txn *t, uint64_t me, struct block_job *b)
{
	uint64_t ids[100], after;
	struct st_actor a;
	int dir, n, i, rc, on_host;

	for (dir = 0; dir < 2; dir++) {
		after = 0;
		do {
			n = st_follow_list(t, me, dir, -1, after, ids, 100);
			if (n < 0)
				return n;
			for (i = 0; i < n; i++) {
				after = ids[i];
				if (st_actor_get(t, ids[i], &a) != 0)
					continue;
				on_host = !(a.flags & ST_AF_LOCAL) &&
				    hub_url_blocked(t, a.iri);
				st_actor_clear(&a);
				if (!on_host)
					continue;
				rc = dir ? st_follow_del(t, ids[i], me)
					 : st_follow_del(t, me, ids[i]);
				if (rc != 0 && rc != ST_NOTFOUND)
					return rc;
				b->unfollowed++;
			}
		} while (n == 100);
	}
	return 0;
}

static int
block_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct block_job *b = arg;
	struct ids l = { NULL, 0, 0 };
	size_t i;
	int rc;

	b->dropped = b->unfollowed = 0;
	if ((rc = st_block_put(t, b->host, b->reason, (uint64_t)time(NULL))) !=
		0 ||
	    (rc = drop_jobs(t, b)) != 0 ||
	    (rc = st_name_each(t, local_each, &l)) != 0)
		goto out;
	for (i = 0; i < l.n && rc == 0; i++)
		rc = unfollow_host(t, l.v[i], b);
out:
	free(l.v);
	if (rc != 0)
		err_set(e, "cannot block %s: %s", b->host, st_strerror(rc));
	return rc;
}

int
hub_block(struct hub *h, const char *host, const char *reason, int *dropped,
    int *unfollowed, struct err *e)
{
	struct block_job b = { host, reason, 0, 0 };
	int rc;

	if (reason != NULL &&
	    (strlen(reason) > ST_BLOCK_REASON_MAX ||
		!text_utf8_valid(reason, strlen(reason))))
		return err_set(e,
			   "the reason must be at most %d bytes of text: "
			   "shorten it",
			   ST_BLOCK_REASON_MAX),
		       HUB_INVALID;
	if ((rc = st_write(h->db, block_apply, &b, e)) != 0)
		return rc;
	log_msg(LOG_INFO, "%s blocked: %d deliveries dropped, %d follows ended",
	    host, b.dropped, b.unfollowed);
	if (dropped != NULL)
		*dropped = b.dropped;
	if (unfollowed != NULL)
		*unfollowed = b.unfollowed;
	return 0;
}

static int
unblock_apply(struct st_txn *t, void *arg, struct err *e)
{
	int rc = st_block_del(t, arg);

	if (rc == ST_NOTFOUND)
		err_set(e, "%s is not blocked", (const char *)arg);
	else if (rc != 0)
		err_set(e, "cannot unblock: %s", st_strerror(rc));
	return rc;
}

int
hub_unblock(struct hub *h, const char *host, struct err *e)
{
	int rc = st_write(h->db, unblock_apply, (void *)host, e);

	if (rc == 0)
		log_msg(LOG_INFO, "%s unblocked", host);
	return rc;
}
