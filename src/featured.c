#include "featured.h"

#include <string.h>
#include <time.h>

#include "block.h"
#include "err.h"
#include "hub.h"
#include "log.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_featured.h"
#include "st_object.h"

int
hub_role_features(int role)
{
	/* Editors review learning (issue 6); admins run the hub. */
	return role == ST_ROLE_ADMIN || role == ST_ROLE_EDITOR;
}

struct feature_job {
	const char *by, *iri;
	int on;
};

/* The actor id of the member by, if they may feature notes (0 for the
 * operator). */
static int
featurer(struct st_txn *t, const char *by, uint64_t *id, struct err *e)
{
	struct st_actor a;
	int ok;

	*id = 0;
	if (by == NULL)
		return 0;
	if (st_name_get(t, by, id) != 0 || st_actor_get(t, *id, &a) != 0)
		return err_set(e, "only admins and editors can feature posts"),
		       HUB_FORBIDDEN;
	ok = (a.flags & ST_AF_LOCAL) && a.kind == ST_AK_PERSON &&
	    !(a.flags & (ST_AF_DISABLED | ST_AF_DELETED)) &&
	    hub_role_features(a.role);
	st_actor_clear(&a);
	if (!ok)
		return err_set(e, "only admins and editors can feature posts"),
		       HUB_FORBIDDEN;
	return 0;
}

/* The note at iri, featurable: public, not deleted, not blocked. */
static int
featurable(struct st_txn *t, const char *iri, uint64_t *id, struct err *e)
{
	struct st_obj o;

	if (st_iri_get(t, iri, id) != 0 ||
	    st_object_peek(t, *id, &o, NULL, NULL) != 0 ||
	    (o.kind != ST_K_NOTE && o.kind != ST_K_TOMBSTONE))
		return err_set(e, "there is no post at that address here"),
		       ST_NOTFOUND;
	if (o.kind == ST_K_TOMBSTONE)
		return err_set(e, "that post has been deleted"), ST_GONE;
	if (o.vis != ST_VIS_PUBLIC)
		return err_set(e, "only public posts can be featured"),
		       HUB_INVALID;
	if (hub_actor_blocked(t, o.owner))
		return err_set(e, "that post comes from a blocked server"),
		       HUB_INVALID;
	return 0;
}

static int
feature_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct feature_job *j = arg;
	uint64_t by, id;
	int rc;

	if ((rc = featurer(t, j->by, &by, e)) != 0)
		return rc;
	if (!j->on) {
		if (st_iri_get(t, j->iri, &id) != 0 ||
		    (rc = st_featured_del(t, id)) == ST_NOTFOUND)
			return err_set(e, "that post is not featured"),
			       ST_NOTFOUND;
		if (rc != 0)
			err_set(e, "%s", st_strerror(rc));
		return rc;
	}
	if ((rc = featurable(t, j->iri, &id, e)) != 0)
		return rc;
	rc = st_featured_add(t, id, by, (uint64_t)time(NULL));
	if (rc == ST_EXISTS)
		return 0; /* featured already: the same outcome */
	if (rc != 0)
		err_set(e, "%s", st_strerror(rc));
	return rc;
}

int
hub_feature(
    struct hub *h, const char *by, const char *iri, int on, struct err *e)
{
	struct feature_job j = { by, iri, on };
	int rc;

	if (iri == NULL || iri[0] == '\0' || strlen(iri) > 1000)
		return err_set(e, "give the address of a post"), HUB_INVALID;
	rc = st_write(h->db, feature_apply, &j, e);
	if (rc == 0)
		log_msg(LOG_INFO, "%s %s%s%s", on ? "featured" : "unfeatured",
		    iri, by ? " by " : "", by ? by : "");
	return rc;
}

int
hub_featured_has(struct st_txn *t, uint64_t id)
{
	return st_featured_has(t, id);
}

int
hub_featured_each(struct st_txn *t, int max,
    int (*cb)(void *, const struct st_featured *, const struct st_obj *,
	const char *, size_t),
    void *ctx)
{
	struct st_featured items[ST_FEATURED_MAX];
	struct st_obj o;
	const char *js;
	size_t len;
	int n, i, given = 0;

	if ((n = st_featured_page(t, items, ST_FEATURED_MAX)) < 0)
		return n;
	for (i = 0; i < n && given < max; i++) {
		/* Deleted by an older program, or made private: skip. */
		if (st_object_peek(t, items[i].note, &o, &js, &len) != 0 ||
		    o.kind != ST_K_NOTE || o.vis != ST_VIS_PUBLIC ||
		    (o.flags & ST_OF_DELETED) || hub_actor_blocked(t, o.owner))
			continue;
		given++;
		if (cb(ctx, &items[i], &o, js, len))
			break;
	}
	return 0;
}
