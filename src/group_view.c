#include "group_view.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "fed_as2.h"
#include "fed_fetch.h"
#include "fed_group.h"
#include "group.h"
#include "hub.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_follow.h"
#include "st_object.h"

/* ---- the directory ---- */

struct dir_entry {
	uint64_t id, created;
	json_t *item;
};

struct dir_ctx {
	struct st_txn *t;
	struct dir_entry *v;
	size_t n, cap;
	int failed;
};

/* A community as the directory shows it; a new reference. */
static json_t *
dir_item(struct st_txn *t, const struct st_actor *a)
{
	uint64_t members = 0, posts = 0;
	char when[32];

	st_follow_count(t, a->id, 1, ST_FOLLOW_ACCEPTED, &members);
	st_outbox_count(t, a->id, &posts);
	fed_as2_time((time_t)a->created, when, sizeof(when));
	return json_pack("{s:b,s:s,s:s,s:s,s:s,s:I,s:I,s:b,s:b,s:b,s:s}",
	    "private", !!(a->flags & ST_AF_PRIVATE), "name", a->name, "id",
	    a->iri, "title", a->display_name[0] ? a->display_name : a->name,
	    "summary", a->summary ? a->summary : "", "members",
	    (json_int_t)members, "posts", (json_int_t)posts, "locked",
	    !!(a->flags & ST_AF_LOCKED), "moderated",
	    !!(a->flags & ST_AF_MODERATED), "restricted",
	    !!(a->flags & ST_AF_RESTRICTED), "created", when);
}

static int
dir_each(void *arg, const char *name, uint64_t id)
{
	struct dir_ctx *c = arg;
	struct dir_entry *v;
	struct st_actor a;

	(void)name;
	if (st_actor_get(c->t, id, &a) != 0)
		return 0;
	if (a.kind == ST_AK_GROUP && !(a.flags & ST_AF_DELETED)) {
		if (c->n == c->cap) {
			c->cap = c->cap ? c->cap * 2 : 32;
			if ((v = realloc(c->v, c->cap * sizeof(*v))) == NULL) {
				c->failed = 1;
				st_actor_clear(&a);
				return 1;
			}
			c->v = v;
		}
		c->v[c->n++] =
		    (struct dir_entry){ a.id, a.created, dir_item(c->t, &a) };
	}
	st_actor_clear(&a);
	return 0;
}

/* Newest first; of two made in the same second, the later id first. */
static int
cmp_newest(const void *x, const void *y)
{
	const struct dir_entry *a = x, *b = y;

	if (a->created != b->created)
		return a->created < b->created ? 1 : -1;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

/* Where the page after the community called after starts: in name
 * order, at the first name after it (it may have gone since); newest
 * first, after its place. -1 when it is not in the list. */
static long
page_start(const struct dir_ctx *c, int by_name, const char *after)
{
	const char *name;
	size_t i;

	if (after == NULL)
		return 0;
	for (i = 0; i < c->n; i++) {
		name = json_string_value(json_object_get(c->v[i].item, "name"));
		if (by_name ? strcmp(name, after) > 0 : !strcmp(name, after))
			return by_name ? (long)i : (long)i + 1;
	}
	return by_name ? (long)c->n : -1;
}

json_t *
hub_group_directory(struct hub *h, int by_name, const char *after, int limit,
    int *rc, struct err *e)
{
	struct st_txn *t;
	json_t *doc;

	if ((*rc = st_read_begin(h->db, &t)) != 0)
		return err_set(e, "storage is not available"), NULL;
	doc = hub_group_directory_tx(t, by_name, after, limit, rc, e);
	st_read_end(t);
	return doc;
}

json_t *
hub_group_directory_tx(struct st_txn *t, int by_name, const char *after,
    int limit, int *rc, struct err *e)
{
	struct dir_ctx c = { 0 };
	json_t *items = NULL, *doc = NULL;
	size_t i;
	long at;

	c.t = t;
	*rc = st_name_each(c.t, dir_each, &c);
	if (*rc == 0 && c.failed)
		*rc = ST_EIO;
	if (*rc != 0) {
		err_set(e, "cannot read the communities: %s", st_strerror(*rc));
		goto out;
	}
	if (!by_name)
		qsort(c.v, c.n, sizeof(*c.v), cmp_newest);
	if ((at = page_start(&c, by_name, after)) < 0) {
		*rc = ST_NOTFOUND;
		err_set(e,
		    "there is no community called \"%s\" to start after: "
		    "use the \"next\" of the page before",
		    after);
		goto out;
	}
	items = json_array();
	for (i = (size_t)at; i < c.n && (int)json_array_size(items) < limit;
	     i++)
		json_array_append(items, c.v[i].item);
	doc = json_pack("{s:o}", "items", items);
	if (i < c.n && i > 0)
		json_object_set(
		    doc, "next", json_object_get(c.v[i - 1].item, "name"));
out:
	for (i = 0; i < c.n; i++)
		json_decref(c.v[i].item);
	free(c.v);
	return doc;
}

/* ---- the communities a member joined ---- */

/* A joined community as JSON; NULL when id is not a community. */
static json_t *
joined_item(struct st_txn *t, uint64_t me, uint64_t id)
{
	struct st_actor g;
	char host[256], handle[400];
	int state = ST_FOLLOW_PENDING;
	json_t *it = NULL;

	if (st_actor_get(t, id, &g) != 0)
		return NULL;
	if (g.kind == ST_AK_GROUP && !(g.flags & ST_AF_DELETED)) {
		st_follow_get(t, me, id, &state, NULL);
		fed_url_host(g.iri, host, sizeof(host));
		snprintf(handle, sizeof(handle), "@%s@%s", g.name, host);
		it = json_pack("{s:s,s:s,s:s,s:s,s:b,s:s}", "id", g.iri, "name",
		    g.name, "handle", handle, "title",
		    g.display_name[0] ? g.display_name : g.name, "local",
		    !!(g.flags & ST_AF_LOCAL), "state",
		    state == ST_FOLLOW_ACCEPTED ? "accepted" : "pending");
	}
	st_actor_clear(&g);
	return it;
}

json_t *
hub_group_joined(struct hub *h, const char *who, int *rc, struct err *e)
{
	struct st_txn *t;
	json_t *doc;

	if ((*rc = st_read_begin(h->db, &t)) != 0)
		return err_set(e, "storage is not available"), NULL;
	doc = hub_group_joined_tx(t, who, rc, e);
	st_read_end(t);
	return doc;
}

json_t *
hub_group_joined_tx(struct st_txn *t, const char *who, int *rc, struct err *e)
{
	uint64_t ids[256], me, after = 0;
	json_t *items, *it;
	int n, i;

	if ((*rc = st_name_get(t, who, &me)) != 0)
		return err_set(e, "there is no member called \"%s\"", who),
		       NULL;
	items = json_array();
	do {
		n = st_follow_list(t, me, 0, -1, after, ids, 256);
		for (i = 0; i < n; i++) {
			after = ids[i];
			if ((it = joined_item(t, me, ids[i])) != NULL)
				json_array_append_new(items, it);
		}
	} while (n == 256);
	return json_pack("{s:o}", "items", items);
}

/* ---- a community's posts ---- */

/* Whether the member named name is an accepted member of group. */
static int
member_of(struct st_txn *t, const char *name, uint64_t group)
{
	struct st_actor me;
	int state = -1;

	if (hub_named(t, name, &me) != 0)
		return 0;
	if (st_follow_get(t, me.id, group, &state, NULL) != 0)
		state = -1;
	st_actor_clear(&me);
	return state == ST_FOLLOW_ACCEPTED;
}

json_t *
hub_group_timeline(struct hub *h, const char *group, const char *reader,
    uint64_t before, int limit, int *rc, struct err *e)
{
	struct st_outbox_item page[HUB_PAGE_MAX];
	json_t *items, *doc, *it;
	struct st_actor g;
	struct st_txn *t;
	char next[32];
	int n, i, more = 0;

	if ((*rc = st_read_begin(h->db, &t)) != 0)
		return err_set(e, "storage is not available"), NULL;
	/* Public communities: any member may read them (by NULL). */
	if ((*rc = hub_group_moderator(t, group, NULL, &g, e)) != 0) {
		st_read_end(t);
		return NULL;
	}
	/* A private community's posts: for its members only. */
	if ((g.flags & ST_AF_PRIVATE) && reader != NULL &&
	    !member_of(t, reader, g.id)) {
		st_read_end(t);
		st_actor_clear(&g);
		*rc = HUB_FORBIDDEN;
		return err_set(e,
			   "this community is private: its posts are for its "
			   "members only (ask to join it)"),
		       NULL;
	}
	if (limit < 1 || limit > HUB_PAGE_MAX)
		limit = HUB_PAGE_MAX;
	n = st_outbox_page(t, g.id, before,
	    (g.flags & ST_AF_PRIVATE) ? ST_VIS_DIRECT : ST_VIS_UNLISTED, page,
	    limit, &more);
	items = json_array();
	for (i = 0; i < n; i++)
		if ((it = fed_group_post_json(t, page[i].note)) != NULL)
			json_array_append_new(items, it);
	st_read_end(t);
	st_actor_clear(&g);
	doc = json_pack("{s:o}", "items", items);
	if (more && n > 0) {
		snprintf(next, sizeof(next), "%llu",
		    (unsigned long long)page[n - 1].note);
		json_object_set_new(doc, "next", json_string(next));
	}
	return doc;
}

/* ---- join requests ---- */

int
hub_group_answer(struct hub *h, const char *group, const char *who, int accept,
    const char *by, int *queued, struct err *e)
{
	struct st_actor g;
	struct st_txn *t;
	int rc;

	if ((rc = st_read_begin(h->db, &t)) != 0)
		return err_set(e, "storage is not available"), rc;
	rc = hub_group_moderator(t, group, by, &g, e);
	st_read_end(t);
	if (rc != 0)
		return rc;
	rc = hub_follow_answer(h, g.name, who, accept, queued, e);
	st_actor_clear(&g);
	return rc;
}
