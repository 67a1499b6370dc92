#include "group.h"

#include <string.h>

#include "anon.h"
#include "err.h"
#include "fed_group.h"
#include "fed_inbox.h"
#include "fed_webfinger.h"
#include "hub.h"
#include "log.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_social.h"
#include "text.h"

#define LIST_MAX 100 /* items of a moderation list shown at once */

int
hub_named(struct st_txn *t, const char *name, struct st_actor *a)
{
	char norm[32];
	uint64_t id;
	int rc;

	if (name == NULL || fed_name_normalize(name, norm, sizeof(norm)) < 0 ||
	    st_name_get(t, norm, &id) != 0)
		return ST_NOTFOUND;
	if ((rc = st_actor_get(t, id, a)) != 0)
		return rc;
	if (a->flags & ST_AF_DELETED) {
		st_actor_clear(a);
		return ST_NOTFOUND;
	}
	return 0;
}

int
hub_group_moderator(struct st_txn *t, const char *group, const char *by,
    struct st_actor *g, struct err *e)
{
	struct st_actor me;
	int may = 0;

	if (hub_named(t, group, g) != 0)
		return err_set(e,
			   "there is no community called \"%s\": check the "
			   "name (hubctl group list shows them)",
			   group),
		       ST_NOTFOUND;
	if (g->kind != ST_AK_GROUP) {
		st_actor_clear(g);
		return err_set(e,
			   "\"%s\" is a member, not a community: check "
			   "the name",
			   group),
		       ST_NOTFOUND;
	}
	if (by == NULL)
		return 0;
	if (hub_named(t, by, &me) == 0) {
		may = me.role == ST_ROLE_ADMIN ||
		    fed_group_is_mod(t, g->id, me.id);
		st_actor_clear(&me);
	}
	if (!may) {
		st_actor_clear(g);
		return err_set(e,
			   "only the moderators of \"%s\" and the hub's "
			   "admins may do this: ask one of them",
			   group),
		       HUB_FORBIDDEN;
	}
	return 0;
}

/* {"items": [...]} of one of a community's moderation lists. */
static json_t *
mod_list(struct hub *h, const char *group, const char *by, int pending, int *rc,
    struct err *e)
{
	struct st_pending held[LIST_MAX];
	struct st_report reps[LIST_MAX];
	json_t *items = json_array(), *it;
	struct st_actor g;
	struct st_txn *t;
	int n, i, more;

	if ((*rc = st_read_begin(h->db, &t)) != 0) {
		json_decref(items);
		return err_set(e, "storage is not available"), NULL;
	}
	if ((*rc = hub_group_moderator(t, group, by, &g, e)) != 0) {
		st_read_end(t);
		json_decref(items);
		return NULL;
	}
	n = pending ? st_pending_page(t, g.id, 0, held, LIST_MAX, &more)
		    : st_report_page_of(t, g.id, 0, reps, LIST_MAX, &more);
	for (i = 0; i < n; i++) {
		it = pending ? fed_group_pending_json(t, &held[i])
			     : fed_report_json(t, &reps[i]);
		if (it != NULL)
			json_array_append_new(items, it);
	}
	if (pending) /* and the anonymous posts, always held */
		hub_anon_pending(t, &g, items);
	st_read_end(t);
	st_actor_clear(&g);
	return json_pack("{s:o}", "items", items);
}

json_t *
hub_group_pending(
    struct hub *h, const char *group, const char *by, int *rc, struct err *e)
{
	return mod_list(h, group, by, 1, rc, e);
}

json_t *
hub_group_reports(
    struct hub *h, const char *group, const char *by, int *rc, struct err *e)
{
	return mod_list(h, group, by, 0, rc, e);
}

struct review_job {
	struct hub *h;
	const char *group, *iri, *by;
	int accept, queued;
};

static int
review_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct review_job *j = arg;
	struct st_actor g;
	int rc;

	if ((rc = hub_group_moderator(t, j->group, j->by, &g, e)) != 0)
		return rc;
	rc = hub_anon_is_review(j->iri)
	    ? hub_anon_review(t, j->h, &g, j->iri, j->accept, &j->queued)
	    : fed_group_review(t, &g, j->iri, j->accept, &j->queued);
	st_actor_clear(&g);
	switch (rc) {
	case 0: return 0;
	case ST_NOTFOUND:
		return err_set(e,
			   "that post is not waiting for review in \"%s\": "
			   "check the URL (the pending list shows them)",
			   j->group),
		       ST_NOTFOUND;
	case ST_GONE:
		return err_set(e,
			   "its author has deleted this post, so it cannot "
			   "be accepted: reject it to clear it from the list"),
		       ST_GONE;
	case FED_IN_FORBIDDEN:
		return err_set(e,
			   "its author is no longer a member of the "
			   "community, so it cannot be announced: reject it "
			   "instead"),
		       HUB_FORBIDDEN;
	default: return err_set(e, "%s", st_strerror(rc)), rc;
	}
}

int
hub_group_review(struct hub *h, const char *group, const char *iri, int accept,
    const char *by, int *queued, struct err *e)
{
	struct review_job j = { h, group, iri, by, accept, 0 };
	int rc = st_write(h->db, review_apply, &j, e);

	if (rc == 0)
		log_msg(LOG_INFO, "community %s: %s %s", group,
		    accept ? "accepted" : "rejected", iri);
	if (queued != NULL)
		*queued = j.queued;
	return rc;
}

struct report_job {
	const char *by, *iri, *comment;
};

static int
report_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct report_job *j = arg;
	struct st_report r;
	struct st_actor me;
	int rc;

	if (hub_named(t, j->by, &me) != 0)
		return err_set(e, "this account no longer exists"), ST_NOTFOUND;
	rc = fed_report_local(t, &me, j->iri, j->comment, &r);
	st_actor_clear(&me);
	if (rc == ST_NOTFOUND)
		return err_set(e,
			   "that post or account is not known on this hub: "
			   "check the URL"),
		       ST_NOTFOUND;
	if (rc != 0)
		err_set(e, "cannot keep the report: %s", st_strerror(rc));
	return rc;
}

int
hub_report(struct hub *h, const char *by, const char *iri, const char *comment,
    struct err *e)
{
	struct report_job j = { by, iri, comment };
	int rc;

	if (comment != NULL &&
	    (strlen(comment) > 1000 ||
		!text_utf8_valid(comment, strlen(comment))))
		return err_set(e,
			   "the comment must be at most 1000 bytes of text: "
			   "shorten it"),
		       HUB_INVALID;
	if ((rc = st_write(h->db, report_apply, &j, e)) == 0)
		log_msg(LOG_INFO, "%s reports %s", by, iri);
	return rc;
}
