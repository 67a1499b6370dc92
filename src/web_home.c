#include "web_home.h"

#include <ctype.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/evp.h>

#include "buf.h"
#include "config.h"
#include "block.h"
#include "err.h"
#include "fed_deliver.h"
#include "fed_fetch.h"
#include "fed_group.h"
#include "fed_inbox.h"
#include "fed_learning.h"
#include "fed_webfinger.h"
#include "featured.h"
#include "group.h"
#include "group_view.h"
#include "http.h"
#include "hub.h"
#include "page.h"
#include "search.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_follow.h"
#include "st_object.h"
#include "st_social.h"
#include "text.h"
#include "topics.h"
#include "web.h"
#include "web_learn.h"
#include "worker.h"

#define PAGE	     20	 /* items of a page */
#define ACTIVE_SCAN  500 /* a community's newest posts ranked by activity */
#define SEARCH_MAX   200 /* characters of a query */
#define SEARCH_NAMES 20	 /* members and communities shown */

/* ---- small pieces ---- */

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int
parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9')
		return -1;
	*out = strtoull(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

/* Where a browser reads an actor: a local one's own page, a remote
 * one's copy here (/profile?id=). */
static void
actor_href(struct buf *b, const struct st_actor *a)
{
	if (a->flags & ST_AF_LOCAL)
		page_text(b, a->iri);
	else {
		buf_adds(b, "/profile?id=");
		web_url_encode(b, a->iri);
	}
}

static void
actor_link(struct buf *b, const struct st_actor *a)
{
	buf_adds(b, "<a href=\"");
	actor_href(b, a);
	buf_adds(b, "\">");
	page_text(b, a->display_name[0] ? a->display_name : a->name);
	buf_adds(b, "</a>");
}

static void
when(struct buf *b, uint64_t secs)
{
	char iso[32], shown[48];
	time_t tt = (time_t)secs;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(iso, sizeof(iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	strftime(shown, sizeof(shown), "%e %b %Y, %H:%M UTC", &tm);
	buf_printf(b, "<time datetime=\"%s\">%s</time>", iso,
	    shown[0] == ' ' ? shown + 1 : shown);
}

static void
count(struct buf *b, uint64_t n, const char *one, const char *many)
{
	buf_printf(b, "%llu %s", (unsigned long long)n, n == 1 ? one : many);
}

/* Whether the stored note JSON answers another note (a reply, not a
 * thread of its own): its inReplyTo is a string. */
static int
is_reply(const char *js, size_t len)
{
	static const char key[] = "\"inReplyTo\"";
	const char *p = memmem(js, len, key, sizeof(key) - 1), *end = js + len;

	if (p == NULL)
		return 0;
	for (p += sizeof(key) - 1; p < end && (*p == ' ' || *p == ':'); p++)
		;
	return p < end && *p == '"';
}

/* ---- a post, as every list shows it ---- */

/* The community a note was posted in (its audience), into *g. */
static int
community_of(struct st_txn *t, const json_t *note, struct st_actor *g)
{
	const char *aud = str(note, "audience");

	if (aud == NULL || st_actor_by_iri(t, aud, g) != 0)
		return -1;
	if (g->kind != ST_AK_GROUP) {
		st_actor_clear(g);
		return -1;
	}
	return 0;
}

static void
item_head(
    struct buf *b, struct st_txn *t, const struct st_obj *o, const json_t *note)
{
	struct st_actor a, g;
	char host[256];

	buf_adds(b, "<article><p class=\"meta\">");
	if (st_actor_get(t, o->owner, &a) == 0) {
		actor_link(b, &a);
		fed_url_host(a.iri, host, sizeof(host));
		buf_adds(b, " <span>@");
		page_text(b, a.name);
		buf_addc(b, '@');
		page_text(b, host);
		buf_adds(b, "</span>");
		st_actor_clear(&a);
	} else
		buf_adds(b, "Someone");
	if (community_of(t, note, &g) == 0) {
		buf_adds(b, " in ");
		actor_link(b, &g);
		st_actor_clear(&g);
	}
	buf_adds(b, "</p>");
}

static void
item_foot(
    struct buf *b, struct st_txn *t, const struct st_obj *o, const json_t *note)
{
	uint64_t replies = 0, likes = 0, boosts = 0;

	st_reply_count(t, o->id, &replies);
	st_react_count(t, o->id, ST_REACT_LIKE, &likes);
	st_react_count(t, o->id, ST_REACT_ANNOUNCE, &boosts);
	buf_adds(b, "<p class=\"meta\"><a href=\"");
	if (o->flags & ST_OF_LOCAL)
		page_text(b, str(note, "id"));
	else {
		buf_adds(b, "/notes?id=");
		web_url_encode(b, str(note, "id") ? str(note, "id") : "");
	}
	buf_adds(b, "\">");
	when(b, o->published);
	buf_adds(b, "</a> · ");
	count(b, replies, "reply", "replies");
	buf_adds(b, " · ");
	count(b, likes, "like", "likes");
	buf_adds(b, " · ");
	count(b, boosts, "boost", "boosts");
	buf_adds(b, "</p></article>");
}

/* The note id as an article: author, community, content warning,
 * content (stored sanitized HTML), time and counts. Returns 0, or -1
 * (nothing added) when it is not a note one with max_vis may see, or
 * its author's server is blocked (block.h). */
static int
post_item(struct buf *b, struct st_txn *t, uint64_t id, int max_vis)
{
	const char *js, *cw;
	struct st_obj o;
	json_t *note;
	size_t len;

	if (st_object_peek(t, id, &o, &js, &len) != 0 || o.kind != ST_K_NOTE ||
	    o.vis > max_vis || hub_actor_blocked(t, o.owner) ||
	    (note = json_loadb(js, len, 0, NULL)) == NULL)
		return -1;
	item_head(b, t, &o, note);
	/* A learning post: its title and excerpt (web_learn.c). */
	if (web_learn_item(b, NULL, note)) {
		item_foot(b, t, &o, note);
		json_decref(note);
		return 0;
	}
	if ((cw = str(note, "summary")) != NULL && cw[0] != '\0') {
		buf_adds(b, "<details><summary>");
		page_text(b, cw);
		buf_adds(b, "</summary>");
	}
	/* Rendered by the hub from escaped text, or sanitized on ingest
	 * (DESIGN.md: sanitize at the border). */
	if (str(note, "content") != NULL)
		buf_adds(b, str(note, "content"));
	if (cw != NULL && cw[0] != '\0')
		buf_adds(b, "</details>");
	item_foot(b, t, &o, note);
	json_decref(note);
	return 0;
}

static void
older_link(struct buf *b, const char *base, uint64_t before)
{
	buf_adds(b, "<p><a rel=\"next\" href=\"");
	page_text(b, base);
	buf_printf(b, "%sbefore=%llu\">Older posts</a></p>",
	    strchr(base, '?') ? "&amp;" : "?", (unsigned long long)before);
}

/* ---- the local public feed ---- */

/* The feed reads storage's index of public outbox entries (note, actor)
 * newest first, a range scan, and keeps a local member's own posts (not
 * what they boosted) and what a public community passed on (remote
 * members' posts too). Cost: one range read per FEED_BATCH entries, one
 * object header and one actor per entry, whatever the size of the hub. */
#define FEED_BATCH 32

struct feed {
	struct st_txn *t;
	struct st_public_item it[FEED_BATCH];
	int n, at, more;
	uint64_t pos, pos_actor; /* where the next batch starts */
	uint64_t last;		 /* the last note id given */
};

/* Whether the entry (note, actor) belongs in the feed. */
static int
feed_keep(struct st_txn *t, const struct st_public_item *p)
{
	struct st_actor a;
	struct st_obj o;
	const char *js;
	size_t len;
	int ok;

	if (st_object_peek(t, p->note, &o, &js, &len) != 0 ||
	    o.kind != ST_K_NOTE || o.vis != ST_VIS_PUBLIC ||
	    st_actor_get(t, p->actor, &a) != 0)
		return 0;
	ok = (a.flags & ST_AF_LOCAL) &&
	    !(a.flags & (ST_AF_DELETED | ST_AF_DISABLED | ST_AF_PENDING)) &&
	    (a.kind == ST_AK_GROUP ? !(a.flags & ST_AF_PRIVATE)
				   : o.owner == a.id);
	st_actor_clear(&a);
	return ok;
}

/* The feed of posts older than before (0: the newest). */
static void
feed_open(struct feed *f, struct st_txn *t, uint64_t before)
{
	memset(f, 0, sizeof(*f));
	f->t = t;
	f->pos = before;
	f->more = 1;
}

/* The next public post, newest first. 0 at the end. */
static uint64_t
feed_next(struct feed *f)
{
	const struct st_public_item *p;
	int n;

	for (;;) {
		if (f->at == f->n) {
			if (!f->more)
				return 0;
			n = st_public_page(f->t, f->pos, f->pos_actor, f->it,
			    FEED_BATCH, &f->more);
			if (n <= 0)
				return 0;
			f->n = n;
			f->at = 0;
			f->pos = f->it[n - 1].note;
			f->pos_actor = f->it[n - 1].actor;
		}
		p = &f->it[f->at++];
		if (p->note != f->last && feed_keep(f->t, p)) {
			f->last = p->note; /* a member's and a community's */
			return p->note;
		}
	}
}

/* The hub's communities, in name order: [{name, title, iri, private}]. */
struct comm_list {
	struct st_txn *t;
	json_t *comms;
};

static int
community_each(void *arg, const char *name, uint64_t id)
{
	struct comm_list *l = arg;
	struct st_actor a;

	(void)name;
	if (st_actor_get(l->t, id, &a) != 0)
		return 0;
	if (a.kind == ST_AK_GROUP &&
	    !(a.flags & (ST_AF_DELETED | ST_AF_DISABLED | ST_AF_PENDING)))
		json_array_append_new(l->comms,
		    json_pack("{s:s,s:s,s:s,s:b}", "name", a.name, "title",
			a.display_name[0] ? a.display_name : a.name, "iri",
			a.iri, "private", !!(a.flags & ST_AF_PRIVATE)));
	st_actor_clear(&a);
	return 0;
}

static json_t *
communities_list(struct st_txn *t)
{
	struct comm_list l = { t, json_array() };

	st_name_each(t, community_each, &l);
	return l.comms;
}

/* ---- home ---- */

static void
community_links(struct buf *b, const json_t *comms, int max)
{
	const json_t *c;
	size_t i;

	if (json_array_size(comms) == 0) {
		buf_adds(b, "<p>There are no communities here yet.</p>");
		return;
	}
	buf_adds(b, "<ul>");
	json_array_foreach(comms, i, c)
	{
		if ((int)i >= max)
			break;
		buf_adds(b, "<li><a href=\"");
		page_text(b, str(c, "iri"));
		buf_adds(b, "\">");
		page_text(b, str(c, "title"));
		buf_adds(b, "</a>");
		if (json_is_true(json_object_get(c, "private")))
			buf_adds(b, " <span class=\"badge\">private</span>");
		buf_adds(b, "</li>");
	}
	buf_adds(b, "</ul><p><a href=\"/communities\">All communities</a></p>");
}

/* ---- featured notes (featured.h) ---- */

#define FEATURED_SHOWN 5 /* featured notes on the home page */

struct featured_ctx {
	struct buf *b;
	struct st_txn *t;
	int n;
};

static int
featured_item(void *arg, const struct st_featured *f, const struct st_obj *o,
    const char *js, size_t len)
{
	struct featured_ctx *c = arg;

	(void)f;
	(void)js;
	(void)len;
	if (post_item(c->b, c->t, o->id, ST_VIS_PUBLIC) == 0)
		c->n++;
	return 0;
}

/* The Featured section, newest featured first, read in t; empty: the
 * empty state (empty_text), or nothing when it is NULL. */
static void
featured_section(struct buf *b, struct st_txn *t, const char *empty_text)
{
	struct buf items;
	struct featured_ctx c = { &items, t, 0 };

	buf_init(&items, 0);
	hub_featured_each(t, FEATURED_SHOWN, featured_item, &c);
	if (c.n > 0 || empty_text != NULL) {
		buf_adds(b,
		    "<section aria-labelledby=\"featured\"><h2 "
		    "id=\"featured\">Featured</h2>");
		if (c.n > 0)
			buf_add(b, items.data, items.len);
		else {
			buf_adds(b, "<p>");
			page_text(b, empty_text);
			buf_adds(b, "</p>");
		}
		buf_adds(b, "</section>");
	}
	buf_free(&items);
}

/* A visitor's home: the hub, what is featured, its latest public
 * learning, its communities. */
static void
home_visitor(
    struct buf *b, struct st_txn *t, const struct config *cfg, uint64_t before)
{
	json_t *comms = communities_list(t);
	struct feed f;
	uint64_t id, last = 0;
	int n = 0;

	feed_open(&f, t, before);
	buf_adds(b, "<h1>");
	page_text(b, cfg->instance_name);
	buf_adds(b, "</h1><p>");
	page_text(b, cfg->instance_description);
	buf_adds(b,
	    "</p><p><a href=\"/signin\">Sign in</a> or <a "
	    "href=\"/signup\">create an account</a> to share what you "
	    "learn.</p>");
	if (before == 0) /* featured first, on the first page only */
		featured_section(b, t, "Nothing is featured here yet.");
	buf_adds(b, "<h2>Latest learning</h2>");
	while (n < PAGE && (id = feed_next(&f)) != 0)
		if (post_item(b, t, id, ST_VIS_PUBLIC) == 0) {
			n++;
			last = id;
		}
	if (n == 0)
		buf_adds(b, "<p>Nothing has been shared in public yet.</p>");
	if (n == PAGE && feed_next(&f) != 0)
		older_link(b, "/", last);
	buf_adds(b, "<h2>Communities</h2>");
	community_links(b, comms, 20);
	json_decref(comms);
}

/* A member's home: their timeline (who they follow, the communities
 * they joined), newest first. */
static void
home_member(struct buf *b, struct st_txn *t, const struct page_viewer *v,
    uint64_t before)
{
	uint64_t ids[PAGE], me;
	json_t *comms;
	int n = 0, i, more = 0;

	buf_adds(b,
	    "<h1>Your home</h1><p><a href=\"/write\">Write</a> a short "
	    "note, or <a href=\"/learn/new\">share learning</a> in "
	    "sections: what happened, what you learned, what changed.</p>");
	if (before == 0)
		featured_section(b, t, NULL);
	if (st_name_get(t, v->name, &me) == 0)
		n = st_timeline_page(t, me, before, ids, PAGE, &more);
	for (i = 0; i < n; i++)
		post_item(b, t, ids[i], ST_VIS_DIRECT);
	if (n > 0 && more)
		older_link(b, "/", ids[n - 1]);
	if (n > 0 || before != 0)
		return;
	buf_adds(b,
	    "<p>Your timeline is empty. Follow people and join "
	    "communities to see what they share here.</p>"
	    "<h2>Communities you could join</h2>");
	comms = communities_list(t);
	community_links(b, comms, 10);
	json_decref(comms);
}

int
web_home(struct http_req *r)
{
	const struct page_viewer *v;
	const char *before_s = http_query(r, "before");
	uint64_t before = 0;
	struct st_txn *t;
	struct buf b;

	r->want_html = 1;
	if (before_s != NULL && parse_u64(before_s, &before) < 0)
		return http_error(r, 400,
		    "that page address is not right: go back to the home "
		    "page and follow its links");
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	v = web_viewer_tx(r, t); /* one read transaction for the page */
	buf_init(&b, 0);
	page_begin(&b, r->srv->cfg, v, "Home", NULL);
	if (v == NULL)
		home_visitor(&b, t, r->srv->cfg, before);
	else
		home_member(&b, t, v, before);
	st_read_end(t);
	page_end(&b);
	return web_send(r, 200, &b, NULL);
}

/* ---- the directory of communities ---- */

static void
badges(struct buf *b, int locked, int private_)
{
	buf_adds(b, " <span class=\"badge\">");
	buf_adds(b, private_ ? "private" : locked ? "closed" : "open");
	buf_adds(b, "</span>");
}

static void
directory_item(struct buf *b, const json_t *c)
{
	json_int_t members = json_integer_value(json_object_get(c, "members"));
	json_int_t posts = json_integer_value(json_object_get(c, "posts"));

	buf_adds(b, "<li><h2><a href=\"");
	page_text(b, str(c, "id"));
	buf_adds(b, "\">");
	page_text(b, str(c, "title"));
	buf_adds(b, "</a>");
	badges(b, json_is_true(json_object_get(c, "locked")),
	    json_is_true(json_object_get(c, "private")));
	buf_adds(b, "</h2>");
	if (str(c, "summary") != NULL && str(c, "summary")[0] != '\0') {
		buf_adds(b, "<p>");
		page_text(b, str(c, "summary"));
		buf_adds(b, "</p>");
	}
	buf_adds(b, "<p class=\"meta\">");
	count(b, (uint64_t)members, "member", "members");
	buf_adds(b, " · ");
	count(b, (uint64_t)posts, "post", "posts");
	buf_adds(b, "</p></li>");
}

int
web_communities(struct http_req *r)
{
	const struct page_viewer *v;
	const char *after = http_query(r, "after");
	struct st_txn *t;
	struct err e = { { 0 } };
	const json_t *c;
	json_t *doc;
	struct buf b;
	size_t i;
	int rc;

	r->want_html = 1;
	if (after != NULL && strlen(after) > 64)
		return http_error(
		    r, 404, "there is no such page of communities");
	/* The same list as /api/hub/communities, and the viewer, in one
	 * read transaction. */
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	v = web_viewer_tx(r, t);
	doc = hub_group_directory_tx(t, 0, after, PAGE, &rc, &e);
	st_read_end(t);
	if (doc == NULL)
		return http_error(r, rc == ST_NOTFOUND ? 404 : 503,
		    rc == ST_NOTFOUND ? "there is no such page of communities: "
					"start from the first page"
				      : e.msg);
	buf_init(&b, 0);
	page_begin(&b, r->srv->cfg, v, "Communities", NULL);
	buf_adds(&b,
	    "<h1>Communities</h1><p>Communities are where people share "
	    "learning about one topic. Open ones take anyone who joins; "
	    "closed ones ask their moderators first; private ones show "
	    "their posts to members only.</p>");
	if (json_array_size(json_object_get(doc, "items")) == 0)
		buf_adds(&b, "<p>There are no communities here yet.</p>");
	else
		buf_adds(&b, "<ul class=\"plain\">");
	json_array_foreach(json_object_get(doc, "items"), i, c)
	    directory_item(&b, c);
	if (json_array_size(json_object_get(doc, "items")) > 0)
		buf_adds(&b, "</ul>");
	if (str(doc, "next") != NULL) {
		buf_adds(&b, "<p><a rel=\"next\" href=\"/communities?after=");
		web_url_encode(&b, str(doc, "next"));
		buf_adds(&b, "\">More communities</a></p>");
	}
	page_end(&b);
	json_decref(doc);
	return web_send(r, 200, &b, NULL);
}

/* ---- a community's page ---- */

int
web_is_community(struct st_txn *t, unsigned long long id)
{
	struct st_actor a;
	int yes;

	if (st_actor_get(t, (uint64_t)id, &a) != 0)
		return 0;
	yes = a.kind == ST_AK_GROUP && (a.flags & ST_AF_LOCAL) &&
	    !(a.flags & ST_AF_DELETED);
	st_actor_clear(&a);
	return yes;
}

struct mods {
	struct st_txn *t;
	struct buf *b;
	int n;
};

static int
mod_each(void *arg, const char *what, size_t len)
{
	struct mods *m = arg;
	struct st_actor a;
	char iri[1024];

	if (len >= sizeof(iri))
		return 0;
	memcpy(iri, what, len);
	iri[len] = '\0';
	buf_adds(m->b, m->n++ ? "<li>" : "<ul><li>");
	if (st_actor_by_iri(m->t, iri, &a) == 0) {
		actor_link(m->b, &a);
		st_actor_clear(&a);
	} else
		page_text(m->b, iri);
	buf_adds(m->b, "</li>");
	return 0;
}

/* The viewer's membership of g: -1 none, else ST_FOLLOW_*. */
static int
membership(struct st_txn *t, const struct page_viewer *v, uint64_t g)
{
	uint64_t me;
	int state;

	if (v == NULL || st_name_get(t, v->name, &me) != 0 ||
	    st_follow_get(t, me, g, &state, NULL) != 0)
		return -1;
	return state;
}

static void
member_form(struct buf *b, const char *action, const char *csrf,
    const char *name, const char *label)
{
	page_form_begin(b, action, csrf);
	page_field(b,
	    &(struct page_field){
		.name = "community", .type = "hidden", .value = name });
	page_form_end(b, label);
}

static void
join_part(struct buf *b, const struct page_viewer *v, const struct st_actor *g,
    int state)
{
	if (v == NULL) {
		buf_adds(b, "<p><a href=\"/signin?next=/c/");
		page_text(b, g->name);
		buf_adds(b, "\">Sign in</a> to join this community.</p>");
	} else if (state == ST_FOLLOW_ACCEPTED) {
		buf_adds(b, "<p>You are a member.</p>");
		member_form(b, "/leave", v->csrf, g->name, "Leave");
	} else if (state >= 0) {
		buf_adds(b,
		    "<p><strong>Requested.</strong> Its moderators will "
		    "look at your request to join.</p>");
		member_form(b, "/leave", v->csrf, g->name, "Cancel request");
	} else
		member_form(b, "/join", v->csrf, g->name,
		    (g->flags & ST_AF_LOCKED) ? "Ask to join" : "Join");
}

/* A community's moderators (and the hub's) get a way to its moderation
 * page: the site's navigation links to it only for the hub's roles. */
static void
moderation_link(
    struct buf *b, struct st_txn *t, const struct page_viewer *v, uint64_t g)
{
	uint64_t me;

	if (v == NULL || st_name_get(t, v->name, &me) != 0 ||
	    (!hub_role_moderates(v->role) && !fed_group_is_mod(t, g, me)))
		return;
	buf_adds(b,
	    "<p>You moderate this community: its reports, removals and "
	    "bans are on the <a href=\"/moderation\">moderation page</a>.</p>");
}

static void
community_about(struct buf *b, struct st_txn *t, const struct st_actor *g)
{
	struct mods m = { t, b, 0 };
	uint64_t members = 0;

	buf_adds(b, "<h1>");
	page_text(b, g->display_name[0] ? g->display_name : g->name);
	buf_adds(b, "</h1><p class=\"meta\">Community");
	badges(b, !!(g->flags & ST_AF_LOCKED), !!(g->flags & ST_AF_PRIVATE));
	st_follow_count(t, g->id, 1, ST_FOLLOW_ACCEPTED, &members);
	buf_adds(b, " · ");
	count(b, members, "member", "members");
	buf_adds(b, "</p>");
	if (g->summary != NULL && g->summary[0] != '\0') {
		buf_adds(b, "<p>");
		page_text(b, g->summary); /* plain text for local actors */
		buf_adds(b, "</p>");
	}
	buf_adds(b, "<h2>Moderators</h2>");
	st_glist_each(t, g->id, ST_GL_MOD, mod_each, &m);
	buf_adds(b, m.n ? "</ul>" : "<p>The hub's admins look after it.</p>");
}

/* Newest threads (not replies) before note id before. */
static void
threads_newest(struct buf *b, struct st_txn *t, const struct st_actor *g,
    int max_vis, uint64_t before)
{
	struct st_outbox_item it[PAGE];
	struct st_obj o;
	const char *js;
	size_t len;
	int n, i, shown = 0, more = 1;
	char base[120];

	while (shown < PAGE && more) {
		n = st_outbox_page(t, g->id, before, max_vis, it, PAGE, &more);
		if (n <= 0)
			break;
		for (i = 0; i < n && shown < PAGE; i++) {
			before = it[i].note;
			if (st_object_peek(t, it[i].note, &o, &js, &len) == 0 &&
			    !is_reply(js, len) &&
			    post_item(b, t, it[i].note, max_vis) == 0)
				shown++;
		}
		more = more || i < n;
	}
	if (shown == 0)
		buf_adds(b, "<p>Nothing has been posted here yet.</p>");
	snprintf(base, sizeof(base), "/c/%s", g->name);
	if (more && shown > 0)
		older_link(b, base, before);
}

struct ranked {
	uint64_t id, replies;
};

static int
cmp_active(const void *x, const void *y)
{
	const struct ranked *a = x, *b = y;

	if (a->replies != b->replies)
		return a->replies < b->replies ? 1 : -1;
	return a->id < b->id ? 1 : a->id > b->id ? -1 : 0;
}

/* The newest ACTIVE_SCAN threads ranked by replies (then newest
 * first). Cost, in the page's read transaction: ACTIVE_SCAN outbox
 * entries, one object header and one reply count each (a range count),
 * about 3 µs a thread: a page of a busy community in under 2 ms. Older
 * threads are not ranked. */
static int
active_rank(struct st_txn *t, uint64_t g, int max_vis, struct ranked *v)
{
	struct st_outbox_item it[100];
	uint64_t before = 0;
	struct st_obj o;
	const char *js;
	size_t len;
	int n, i, k = 0, more = 1;

	while (k < ACTIVE_SCAN && more) {
		n = st_outbox_page(t, g, before, max_vis, it, 100, &more);
		for (i = 0; i < n && k < ACTIVE_SCAN; i++) {
			before = it[i].note;
			if (st_object_peek(t, it[i].note, &o, &js, &len) != 0 ||
			    o.kind != ST_K_NOTE || is_reply(js, len))
				continue;
			v[k].id = it[i].note;
			v[k].replies = 0;
			st_reply_count(t, it[i].note, &v[k].replies);
			k++;
		}
		if (n <= 0)
			break;
	}
	qsort(v, (size_t)k, sizeof(*v), cmp_active);
	return k;
}

static void
threads_active(struct buf *b, struct st_txn *t, const struct st_actor *g,
    int max_vis, uint64_t page)
{
	struct ranked *v = malloc(ACTIVE_SCAN * sizeof(*v));
	int k, i, shown = 0;

	k = v ? active_rank(t, g->id, max_vis, v) : 0;
	for (i = (int)(page * PAGE); i >= 0 && i < k && shown < PAGE; i++)
		if (post_item(b, t, v[i].id, max_vis) == 0)
			shown++;
	if (shown == 0)
		buf_adds(b, "<p>Nothing has been posted here yet.</p>");
	if (i < k && page < ACTIVE_SCAN) {
		buf_adds(b, "<p><a rel=\"next\" href=\"/c/");
		page_text(b, g->name);
		buf_printf(b,
		    "?sort=active&amp;page=%llu\">More threads</a></p>",
		    (unsigned long long)page + 1);
	}
	free(v);
}

static void
sort_switch(struct buf *b, const char *name, int active)
{
	buf_adds(b, "<nav aria-label=\"Sort threads\" class=\"sort\"><ul><li>");
	buf_adds(b, "<a href=\"/c/");
	page_text(b, name);
	buf_adds(b, active ? "\">" : "\" aria-current=\"page\">");
	buf_adds(b, "Newest first</a></li><li><a href=\"/c/");
	page_text(b, name);
	buf_adds(b,
	    active ? "?sort=active\" aria-current=\"page\">"
		   : "?sort=active\">");
	buf_adds(b, "Most active</a></li></ul></nav>");
}

int
web_community_page(struct http_req *r, struct st_txn *t, unsigned long long id)
{
	const struct page_viewer *v = web_viewer(r);
	const char *sort = http_query(r, "sort");
	uint64_t before = 0, page = 0;
	struct st_actor g;
	struct buf b;
	char feed[600];
	int state, active, max_vis;

	active = sort != NULL && !strcmp(sort, "active");
	if ((sort != NULL && !active && strcmp(sort, "newest") != 0) ||
	    (http_query(r, "before") != NULL &&
		parse_u64(http_query(r, "before"), &before) < 0) ||
	    (http_query(r, "page") != NULL &&
		parse_u64(http_query(r, "page"), &page) < 0))
		return http_error(r, 400,
		    "that page address is not right: go back to the "
		    "community and follow its links");
	if (st_actor_get(t, (uint64_t)id, &g) != 0)
		return http_error(r, 404, "there is no such community");
	state = membership(t, v, g.id);
	buf_init(&b, 0);
	snprintf(feed, sizeof(feed), "%s/feed", g.iri);
	page_begin_feeds(&b, r->srv->cfg, v,
	    g.display_name[0] ? g.display_name : g.name, g.iri,
	    (g.flags & ST_AF_PRIVATE) ? NULL : feed);
	community_about(&b, t, &g);
	if (!(g.flags & ST_AF_PRIVATE))
		page_feed_anchors(&b, feed);
	join_part(&b, v, &g, state);
	moderation_link(&b, t, v, g.id);
	buf_adds(&b, "<h2>Threads</h2>");
	max_vis = (g.flags & ST_AF_PRIVATE) ? ST_VIS_DIRECT : ST_VIS_UNLISTED;
	if ((g.flags & ST_AF_PRIVATE) && state != ST_FOLLOW_ACCEPTED)
		buf_adds(&b,
		    "<p>This community is private: its threads are for its "
		    "members only. Ask to join it to read them.</p>");
	else {
		sort_switch(&b, g.name, active);
		if (active)
			threads_active(&b, t, &g, max_vis, page);
		else
			threads_newest(&b, t, &g, max_vis, before);
	}
	page_end(&b);
	st_actor_clear(&g);
	return web_send(r, 200, &b, NULL);
}

/* ---- work on the api_worker: joining, leaving, remote lookups ---- */

enum job_kind { J_JOIN, J_LEAVE, J_RESOLVE };

struct job {
	struct http_req *r;
	struct hub *hub;
	int kind;
	struct page_viewer v;
	char what[SEARCH_MAX * 4 + 8]; /* a community's IRI, or the query */
	char back[96];		       /* where to go after joining */
};

static void
answer_error(struct job *j, unsigned status, const char *msg)
{
	struct buf b;

	buf_init(&b, 0);
	page_error(
	    &b, j->r->srv->cfg, j->v.name[0] ? &j->v : NULL, status, msg);
	web_resume_page(j->r, status, &b, NULL);
}

static void
join_job(struct job *j)
{
	struct err e = { { 0 } };
	int already = 0, rc;

	rc = hub_follow(
	    j->hub, j->v.name, j->what, j->kind == J_LEAVE, &already, &e);
	if (rc != 0) {
		answer_error(j, rc == HUB_FORBIDDEN ? 403 : 503,
		    e.msg[0] ? e.msg : "that did not work: try again");
		return;
	}
	if (!already)
		fed_deliver_kick(j->hub->deliver);
	web_resume_redirect(j->r, j->back, NULL);
}

static void resolve_job(struct job *j);

static void
job_run(void *arg)
{
	struct job *j = arg;

	if (j->kind == J_RESOLVE)
		resolve_job(j);
	else
		join_job(j);
	free(j);
}

static int
defer(struct http_req *r, struct job *j)
{
	j->r = r;
	j->hub = r->srv->hub;
	return web_defer(r,
	    j->kind == J_RESOLVE ? r->srv->hub->lookup_worker
				 : r->srv->hub->api_worker,
	    job_run, j, free);
}

/* POST /join, POST /leave: community=NAME. */
int
web_join_post(struct http_req *r)
{
	const struct page_viewer *v = web_viewer(r);
	char name[32], to[600];
	struct st_actor g;
	struct st_txn *t;
	struct job *j;
	json_t *form;
	int rc;

	r->want_html = 1;
	if (v == NULL) {
		snprintf(to, sizeof(to), "/signin?next=%s", "/communities");
		return web_redirect(r, to, NULL);
	}
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	rc = fed_name_normalize(
		 web_field(form, "community"), name, sizeof(name)) < 0
	    ? ST_NOTFOUND
	    : 0;
	json_decref(form);
	/* A banned member's join is refused by hub_follow() (403). */
	if (rc == 0 && (rc = st_read_begin(r->srv->hub->db, &t)) == 0) {
		rc = hub_named(t, name, &g);
		st_read_end(t);
	}
	if (rc == 0 && (g.kind != ST_AK_GROUP || (g.flags & ST_AF_DELETED))) {
		st_actor_clear(&g);
		rc = ST_NOTFOUND;
	}
	if (rc != 0)
		return http_error(r, 404,
		    "there is no community by that name here: see the "
		    "list of communities");
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		st_actor_clear(&g);
		return http_error(r, 503, "the hub is out of memory");
	}
	j->kind = !strcmp(r->path, "/leave") ? J_LEAVE : J_JOIN;
	j->v = *v;
	snprintf(j->what, sizeof(j->what), "%s", g.iri);
	snprintf(j->back, sizeof(j->back), "/c/%s", g.name);
	st_actor_clear(&g);
	return defer(r, j);
}

/* ---- tag pages ---- */

int
web_tag_posts(struct buf *b, struct st_txn *t, const char *tag, uint64_t before,
    const char *more_path)
{
	uint64_t ids[PAGE];
	int n, i, more = 0, shown = 0;

	n = st_tag_page(t, tag, before, ids, PAGE, &more);
	for (i = 0; i < n; i++)
		if (post_item(b, t, ids[i], ST_VIS_PUBLIC) == 0)
			shown++;
	if (shown == 0 && n <= 0)
		buf_adds(
		    b, "<p>Nothing has been shared with this tag yet.</p>");
	if (n > 0 && more) {
		buf_adds(b, "<p><a rel=\"next\" href=\"");
		page_text(b, more_path);
		buf_printf(b, "?before=%llu\">Older posts</a></p>",
		    (unsigned long long)ids[n - 1]);
	}
	return shown;
}

int
web_tag(struct http_req *r)
{
	const struct page_viewer *v;
	const char *before_s = http_query(r, "before");
	char raw[200], tag[200], title[210], feed[700], path[700];
	uint64_t before = 0;
	struct st_txn *t;
	struct buf b, items, p;
	int i, shown;

	if (http_path_arg(r, 0, raw, sizeof(raw)) < 0 || raw[0] == '\0')
		return http_error(r, 404, "there is no such tag");
	for (i = 0; raw[i] != '\0'; i++)
		tag[i] = (char)tolower((unsigned char)raw[i]);
	tag[i] = '\0';
	if (before_s != NULL && parse_u64(before_s, &before) < 0)
		return http_error(r, 400,
		    "that page address is not right: follow the links of "
		    "the tag's page");
	buf_init(&p, sizeof(path));
	buf_adds(&p, "/tags/");
	web_url_encode(&p, tag);
	snprintf(path, sizeof(path), "%s", p.data ? p.data : "/tags/");
	buf_free(&p);
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	v = web_viewer_tx(r, t);
	snprintf(title, sizeof(title), "#%s", tag);
	buf_init(&items, 0);
	shown = web_tag_posts(&items, t, tag, before, path);
	st_read_end(t);
	/* The tag's feeds exist once it has a public post (route_feed). */
	snprintf(
	    feed, sizeof(feed), "%s/tags/%s/feed", r->srv->cfg->base_url, tag);
	buf_init(&b, 0);
	page_begin_feeds(
	    &b, r->srv->cfg, v, title, NULL, shown > 0 ? feed : NULL);
	buf_adds(&b, "<h1>");
	page_text(&b, title);
	buf_adds(&b, "</h1>");
	if (shown > 0)
		page_feed_anchors(&b, feed);
	buf_add(&b, items.data ? items.data : "", items.len);
	buf_free(&items);
	page_end(&b);
	return web_send(r, 200, &b, NULL);
}

/* ---- search ---- */

/* What the search form holds: the query, its filters, and the field
 * at fault (with its message) when one is not right. */
struct search_view {
	const char *q, *topic, *type, *community, *author, *from, *to;
	const char *field, *error;
};

static const char *
field_error(const struct search_view *sv, const char *name)
{
	return sv->field != NULL && !strcmp(sv->field, name) ? sv->error : NULL;
}

static int
has_filters(const struct search_view *sv)
{
	const char *f[] = { sv->topic, sv->type, sv->community, sv->author,
		sv->from, sv->to };
	size_t i;

	for (i = 0; i < sizeof(f) / sizeof(*f); i++)
		if (f[i] != NULL && f[i][0] != '\0')
			return 1;
	return 0;
}

/* The topic and content type choices: value, label pairs. */
static const char **
filter_options(const struct topics *tp, int topics)
{
	size_t n = 0, i;
	const char **o;

	if (topics)
		n = tp ? tp->n : 0;
	else
		while (fed_learning_types[n].slug != NULL)
			n++;
	if ((o = calloc(2 * n + 3, sizeof(*o))) == NULL)
		return NULL;
	o[0] = "";
	o[1] = topics ? "Any topic" : "Any type";
	for (i = 0; i < n; i++) {
		o[2 + 2 * i] =
		    topics ? tp->v[i].slug : fed_learning_types[i].slug;
		o[3 + 2 * i] =
		    topics ? tp->v[i].label : fed_learning_types[i].label;
	}
	return o;
}

static void
search_filters(
    struct buf *b, const struct topics *tp, const struct search_view *sv)
{
	const char **topics = filter_options(tp, 1),
		   **types = filter_options(tp, 0);

	/* Not in a closed <details>, and dates as text (Chromium's date
	 * input holds Tab in its parts): every control reachable by Tab. */
	buf_adds(b, "<fieldset><legend>Filters</legend>");
	page_field(b,
	    &(struct page_field){ .name = "topic",
		.label = "Topic",
		.type = "select",
		.value = sv->topic,
		.options = topics,
		.error = field_error(sv, "topic") });
	page_field(b,
	    &(struct page_field){ .name = "type",
		.label = "Type of learning",
		.type = "select",
		.value = sv->type,
		.options = types,
		.error = field_error(sv, "type") });
	page_field(b,
	    &(struct page_field){ .name = "community",
		.label = "Community",
		.type = "text",
		.value = sv->community,
		.error = field_error(sv, "community"),
		.hint = "Its name, for example sepsis.",
		.maxlength = 200 });
	page_field(b,
	    &(struct page_field){ .name = "author",
		.label = "Author",
		.type = "text",
		.value = sv->author,
		.error = field_error(sv, "author"),
		.hint = "A member's name, or @name@server.",
		.maxlength = 200 });
	page_field(b,
	    &(struct page_field){ .name = "from",
		.label = "Shared on or after",
		.type = "text",
		.value = sv->from,
		.error = field_error(sv, "from"),
		.hint = "Year-month-day, for example 2026-01-31." });
	page_field(b,
	    &(struct page_field){ .name = "to",
		.label = "Shared on or before",
		.type = "text",
		.value = sv->to,
		.error = field_error(sv, "to"),
		.hint = "Year-month-day, for example 2026-12-31." });
	buf_adds(b, "</fieldset>");
	free(topics);
	free(types);
}

static void
search_form(
    struct buf *b, const struct topics *tp, const struct search_view *sv)
{
	json_t *errors = json_object();

	if (sv->field != NULL)
		json_object_set_new(errors, sv->field, json_string(sv->error));
	page_error_summary(b, errors);
	json_decref(errors);
	buf_adds(b, "<form method=\"get\" action=\"/search\" role=\"search\">");
	page_field(b,
	    &(struct page_field){ .name = "q",
		.label = "Search",
		.type = "search",
		.value = sv->q,
		.error = field_error(sv, "q"),
		.hint = "A name, a #tag, some words, @name@server or the web "
			"address of a profile or a post.",
		.maxlength = SEARCH_MAX });
	search_filters(b, tp, sv);
	buf_adds(b, "<button type=\"submit\">Search</button></form>");
}

static void
search_begin(struct buf *b, const struct config *cfg,
    const struct page_viewer *v, const struct topics *tp,
    const struct search_view *sv)
{
	page_begin(b, cfg, v, "Search", NULL);
	buf_adds(b, "<h1>Search</h1>");
	search_form(b, tp, sv);
}

static void result_href(struct buf *b, const json_t *r, int actor);

struct names {
	struct st_txn *t;
	struct buf *b;
	const char *q;
	int n;
	uint64_t shown[SEARCH_NAMES];
};

static int
name_each(void *arg, const char *name, uint64_t id)
{
	struct names *c = arg;
	struct st_actor a;

	if (st_actor_get(c->t, id, &a) != 0)
		return 0;
	if (!(a.flags & (ST_AF_DELETED | ST_AF_DISABLED | ST_AF_PENDING)) &&
	    (strcasestr(name, c->q) != NULL ||
		strcasestr(a.display_name, c->q) != NULL)) {
		buf_adds(c->b, c->n ? "<li>" : "<ul><li>");
		c->shown[c->n++] = id;
		actor_link(c->b, &a);
		buf_adds(c->b, " <span class=\"meta\">@");
		page_text(c->b, a.name);
		buf_adds(c->b,
		    a.kind == ST_AK_GROUP ? " · community</span></li>"
					  : " · member</span></li>");
	}
	st_actor_clear(&a);
	return c->n >= SEARCH_NAMES;
}

static int
name_shown(const struct names *c, const char *iri)
{
	uint64_t id;
	int i;

	if (iri == NULL || st_iri_get(c->t, iri, &id) != 0)
		return 1;
	for (i = 0; i < c->n; i++)
		if (c->shown[i] == id)
			return 1;
	return 0;
}

/* Members and communities (found by the index: words of their names
 * and profiles, here and known from elsewhere) not listed yet. */
static void
people_found(struct names *c, const json_t *people)
{
	const json_t *r;
	size_t i;

	json_array_foreach(json_object_get(people, "results"), i, r)
	{
		if (c->n >= SEARCH_NAMES || name_shown(c, str(r, "id")))
			continue;
		buf_adds(
		    c->b, c->n++ ? "<li><a href=\"" : "<ul><li><a href=\"");
		result_href(c->b, r, 1);
		buf_adds(c->b, "\">");
		page_text(c->b, str(r, "title"));
		buf_adds(c->b, "</a> <span class=\"meta\">");
		page_text(c->b, str(r, "handle"));
		buf_adds(c->b,
		    !strcmp(str(r, "type"), "community")
			? " · community</span></li>"
			: " · member</span></li>");
	}
}

/* Members and communities of this hub whose name or display name has
 * q in it, then those whose names or profiles have its words. */
static void
search_names(
    struct buf *b, struct st_txn *t, const char *q, const json_t *people)
{
	struct names c = { .t = t, .b = b, .q = q };

	buf_adds(b, "<h2>Members and communities</h2>");
	q += *q == '@';
	c.q = q;
	if (*q != '\0' && strchr(q, ' ') == NULL)
		st_name_each(t, name_each, &c);
	people_found(&c, people);
	buf_adds(b, c.n ? "</ul>" : "<p>No members or communities found.</p>");
}

/* The tag q names (with or without '#'), when something has it. */
static void
search_tag(struct buf *b, struct st_txn *t, const char *q)
{
	char tag[SEARCH_MAX * 4 + 1];
	uint64_t id;
	int more, i;

	buf_adds(b, "<h2>Tags</h2>");
	q += *q == '#';
	for (i = 0; q[i] != '\0' && q[i] != ' ' && i < (int)sizeof(tag) - 1;
	     i++)
		tag[i] = (char)tolower((unsigned char)q[i]);
	tag[i] = '\0';
	if (q[i] != '\0' || i == 0 ||
	    st_tag_page(t, tag, 0, &id, 1, &more) != 1) {
		buf_adds(b, "<p>No tags found.</p>");
		return;
	}
	buf_adds(b, "<ul><li><a href=\"/tags/");
	web_url_encode(b, tag);
	buf_adds(b, "\">#");
	page_text(b, tag);
	buf_adds(b, "</a></li></ul>");
}

/* Where a result links to: local things are at their address; remote
 * ones are shown from the copy here. */
static void
result_href(struct buf *b, const json_t *r, int actor)
{
	if (json_is_true(json_object_get(r, "local")))
		page_text(b, str(r, "id"));
	else {
		buf_adds(b, actor ? "/profile?id=" : "/notes?id=");
		web_url_encode(b, str(r, "id") ? str(r, "id") : "");
	}
}

static void
who_link(struct buf *b, const json_t *w, const char *cfg_host)
{
	const char *handle = str(w, "handle"), *at;
	int local = handle != NULL && (at = strchr(handle + 1, '@')) != NULL &&
	    !strcasecmp(at + 1, cfg_host);

	buf_adds(b, "<a href=\"");
	if (local)
		page_text(b, str(w, "id"));
	else {
		buf_adds(b, "/profile?id=");
		web_url_encode(b, str(w, "id") ? str(w, "id") : "");
	}
	buf_adds(b, "\">");
	page_text(b, str(w, "name"));
	buf_adds(b, "</a>");
}

static const char *
type_label(const json_t *r)
{
	const char *ct = str(r, "content_type");
	const struct fed_learning_term *lt =
	    ct ? fed_learning_term(fed_learning_types, ct) : NULL;

	if (lt != NULL)
		return lt->label;
	return !strcmp(str(r, "type"), "learning") ? "Learning" : "Post";
}

/* One result: its title (a link), what, who, where and when, and an
 * excerpt. */
static void
result_item(struct buf *b, const json_t *r, const char *host)
{
	const json_t *c = json_object_get(r, "community");
	struct tm tm = { 0 };
	char day[32] = "";
	const char *p;

	buf_adds(b, "<article class=\"result\"><h3><a href=\"");
	result_href(b, r, 0);
	buf_adds(b, "\">");
	page_text(b, str(r, "title")[0] ? str(r, "title") : "(no words)");
	buf_adds(b, "</a></h3><p class=\"meta\">");
	page_text(b, type_label(r));
	buf_adds(b, " by ");
	who_link(b, json_object_get(r, "author"), host);
	if (json_is_object(c)) {
		buf_adds(b, " in ");
		who_link(b, c, host);
	}
	if ((p = strptime(str(r, "published"), "%Y-%m-%dT%H:%M:%S", &tm)) !=
	    NULL)
		strftime(day, sizeof(day), "%-d %B %Y", &tm);
	buf_adds(b, " · <time datetime=\"");
	page_text(b, str(r, "published"));
	buf_adds(b, "\">");
	page_text(b, day);
	buf_adds(b, "</time></p><p>");
	page_text(b, str(r, "excerpt"));
	buf_adds(b, "</p></article>");
}

/* The link to the next page of results: the same search from next. */
static void
more_link(struct buf *b, const struct search_view *sv, json_int_t next)
{
	const char *names[] = { "q", "topic", "type", "community", "author",
		"from", "to" };
	const char *vals[] = { sv->q, sv->topic, sv->type, sv->community,
		sv->author, sv->from, sv->to };
	struct buf u;
	size_t i;

	buf_init(&u, 0);
	buf_adds(&u, "/search?");
	for (i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (vals[i] != NULL && vals[i][0] != '\0') {
			buf_printf(&u, "%s=", names[i]);
			web_url_encode(&u, vals[i]);
			buf_addc(&u, '&');
		}
	buf_printf(&u, "offset=%lld", (long long)next);
	buf_adds(b, "<p><a rel=\"next\" href=\"");
	page_text(b, u.data ? u.data : "/search");
	buf_adds(b, "\">More results</a></p>");
	buf_free(&u);
}

/* The posts found: rendered from search_run's answer. */
static void
search_posts(struct buf *b, const json_t *found, const struct search_view *sv,
    const char *host)
{
	const json_t *results = json_object_get(found, "results"), *r;
	const json_t *next = json_object_get(found, "next");
	size_t i;

	buf_adds(b, "<h2>Posts</h2>");
	json_array_foreach(results, i, r)
	{
		result_item(b, r, host);
	}
	if (json_array_size(results) == 0)
		buf_adds(b, "<p>No posts found.</p>");
	if (json_is_integer(next))
		more_link(b, sv, json_integer_value(next));
	else if (json_is_true(json_object_get(found, "window_full")))
		buf_adds(b,
		    "<p class=\"meta\">These are the best of the newest "
		    "matches: add words or filters to find older ones.</p>");
}

/* What to look up elsewhere: a web address, or @name@host of another
 * server. */
static int
remote_query(const struct config *cfg, const char *q)
{
	const char *at;

	if (!strncmp(q, "https://", 8) || !strncmp(q, "http://", 7))
		return strchr(q, ' ') == NULL;
	if (*q != '@' || (at = strchr(q + 1, '@')) == NULL || at == q + 1 ||
	    strchr(q, ' ') != NULL)
		return 0;
	return strcasecmp(at + 1, cfg->host) != 0;
}

static int
is_actor_type(const char *type)
{
	static const char *const types[] = { "Person", "Group", "Service",
		"Application", "Organization", NULL };
	int i;

	for (i = 0; type != NULL && types[i] != NULL; i++)
		if (!strcmp(type, types[i]))
			return 1;
	return 0;
}

/* A remote post at url (not stored): its type, when it is one. */
static int
remote_post(
    struct hub *h, const char *url, char *iri, size_t cap, struct err *e)
{
	static const char *const types[] = { "Note", "Article", "Page",
		"Question", NULL };
	char key_id[320], ua[400];
	struct fed_fetch_cfg c;
	struct st_txn *t;
	const char *type;
	json_t *doc;
	int i, rc = -1;

	if (st_read_begin(h->db, &t) != 0)
		return err_set(e, "storage is not available"), -1;
	i = hub_url_blocked(t, url);
	st_read_end(t);
	if (i) /* nothing is fetched from a blocked server (block.h) */
		return err_set(e, "this hub has blocked that server"), -1;
	if (hub_fetch_cfg(h, &c, key_id, sizeof(key_id), ua, sizeof(ua)) != 0)
		return err_set(e, "this hub is not set up to fetch"), -1;
	if ((doc = fed_fetch_json(&c, url, e)) != NULL) {
		type = str(doc, "type");
		for (i = 0; type != NULL && types[i] != NULL; i++)
			if (!strcmp(type, types[i]) && str(doc, "id") != NULL)
				rc = snprintf(iri, cap, "%s", str(doc, "id")) <
					(int)cap
				    ? 0
				    : -1;
		if (is_actor_type(type))
			rc = 1;
		json_decref(doc);
	}
	EVP_PKEY_free(c.key);
	return rc;
}

/* On the worker: the remote actor or post the query names. */
static void
resolve_job(struct job *j)
{
	const struct page_viewer *v = j->v.name[0] ? &j->v : NULL;
	struct err e = { { 0 } };
	struct st_actor a;
	char iri[1024], host[256];
	struct buf b;
	int rc = -1, url = j->what[0] != '@';

	if (url)
		rc = remote_post(j->hub, j->what, iri, sizeof(iri), &e);
	buf_init(&b, 0);
	search_begin(&b, j->r->srv->cfg, v, j->r->srv->topics,
	    &(struct search_view){ .q = j->what });
	buf_adds(&b, "<h2>Found elsewhere</h2>");
	if (rc == 0) {
		buf_adds(&b, "<ul><li><a href=\"/notes?id=");
		web_url_encode(&b, iri);
		buf_adds(&b, "\">A post at ");
		page_text(&b, iri);
		buf_adds(&b, "</a></li></ul>");
	} else if ((!url || rc == 1) &&
	    hub_resolve(j->hub, j->what, &a, &e) == 0) {
		fed_url_host(a.iri, host, sizeof(host));
		buf_adds(&b, "<ul><li><a href=\"/profile?id=");
		web_url_encode(&b, a.iri);
		buf_adds(&b, "\">");
		page_text(&b, a.display_name[0] ? a.display_name : a.name);
		buf_adds(&b, "</a> <span class=\"meta\">@");
		page_text(&b, a.name);
		buf_addc(&b, '@');
		page_text(&b, host);
		buf_adds(&b,
		    a.kind == ST_AK_GROUP ? " · community</span></li></ul>"
					  : "</span></li></ul>");
		st_actor_clear(&a);
	} else {
		buf_adds(&b,
		    "<p>We could not find anyone or any post there. Check "
		    "the address or handle and try again.</p>");
		if (e.msg[0] != '\0') {
			buf_adds(&b, "<p class=\"meta\">");
			page_text(&b, e.msg);
			buf_adds(&b, "</p>");
		}
	}
	page_end(&b);
	web_resume_page(
	    j->r, rc == 0 || e.msg[0] == '\0' ? 200 : 404, &b, NULL);
}

/* A known object at the URL q, shown from storage: 1 when found. */
static int
search_known(struct buf *b, struct st_txn *t, const char *q)
{
	struct st_actor a;
	struct st_obj o;
	const char *js;
	uint64_t id;
	size_t len;

	if (st_iri_get(t, q, &id) != 0 ||
	    st_object_peek(t, id, &o, &js, &len) != 0)
		return 0;
	if (hub_actor_blocked(t, id))
		return 0;
	if (o.kind == ST_K_ACTOR && st_actor_get(t, id, &a) == 0) {
		/* Not those waiting for approval, disabled or deleted. */
		if (a.flags &
		    (ST_AF_PENDING | ST_AF_DISABLED | ST_AF_DELETED)) {
			st_actor_clear(&a);
			return 1;
		}
		buf_adds(b, "<h2>Found</h2><ul><li>");
		actor_link(b, &a);
		buf_adds(b, "</li></ul>");
		st_actor_clear(&a);
		return 1;
	}
	if (o.kind == ST_K_NOTE && o.vis == ST_VIS_PUBLIC) {
		buf_adds(b, "<h2>Found</h2>");
		return post_item(b, t, id, ST_VIS_PUBLIC) == 0;
	}
	return 0;
}

/* The search the page's query asks for (offset parsed into *offset;
 * -1 when it is not a number). */
static void
search_view_of(struct http_req *r, struct search_view *sv, int *offset)
{
	const char *o = http_query(r, "offset");
	uint64_t n = 0;

	memset(sv, 0, sizeof(*sv));
	sv->q = http_query(r, "q");
	while (sv->q != NULL && *sv->q == ' ')
		sv->q++;
	sv->topic = http_query(r, "topic");
	sv->type = http_query(r, "type");
	sv->community = http_query(r, "community");
	sv->author = http_query(r, "author");
	sv->from = http_query(r, "from");
	sv->to = http_query(r, "to");
	*offset = 0;
	if (o != NULL && o[0] != '\0')
		*offset =
		    parse_u64(o, &n) == 0 && n < SEARCH_WINDOW ? (int)n : -1;
}

/* Run the page's search: the posts (and with no filters, members and
 * communities too). NULL with sv->field and sv->error set when a value
 * is not right. */
static json_t *
page_search(struct http_req *r, struct st_txn *t, const struct page_viewer *v,
    struct search_view *sv, int offset, json_t **people, struct err *e)
{
	struct search_req rq = { .q = sv->q,
		.topic = sv->topic,
		.type = sv->type,
		.community = sv->community,
		.author = sv->author,
		.from = sv->from,
		.to = sv->to,
		.viewer = web_viewer_id(t, v),
		.offset = offset };
	json_t *found;

	*people = NULL;
	if (offset < 0) {
		sv->field = "offset";
		err_set(e,
		    "that page address is not right: follow the links "
		    "of the results");
		sv->error = e->msg;
		return NULL;
	}
	found = search_run(r->srv->hub, r->srv->topics, t, &rq, &sv->field, e);
	if (found == NULL) {
		sv->error = e->msg;
		return NULL;
	}
	if (!has_filters(sv) && offset == 0) {
		rq.people = 1;
		*people = search_run(
		    r->srv->hub, r->srv->topics, t, &rq, &sv->field, e);
		sv->field = NULL;
	}
	return found;
}

/* A page that says what is wrong with the search (400), or that storage
 * failed (503). */
static int
search_refused(struct http_req *r, const struct page_viewer *v,
    struct search_view *sv, struct buf *b)
{
	if (sv->field == NULL) {
		buf_free(b);
		return http_error(r, 503, sv->error);
	}
	if (!strcmp(sv->field, "q") && sv->q != NULL &&
	    !text_utf8_valid(sv->q, strlen(sv->q)))
		sv->q = NULL; /* not shown back in the form */
	search_begin(b, r->srv->cfg, v, r->srv->topics, sv);
	page_end(b);
	return web_send(r, 400, b, NULL);
}

/* A handle of another server or a web address, looked up on the worker
 * (1: deferred, the answer is on its way); 0: not such a query. */
static int
search_lookup(struct http_req *r, struct st_txn *t, const struct page_viewer *v,
    const char *q, struct buf *b, int *sent)
{
	struct job *j;

	if (!remote_query(r->srv->cfg, q) || search_known(b, t, q))
		return 0;
	if (v == NULL) {
		buf_adds(b,
		    "<p class=\"notice\"><a href=\"/signin?next=/search\">Sign "
		    "in</a> to look up people and posts on other "
		    "servers.</p>");
		return 0;
	}
	st_read_end(t);
	buf_free(b);
	if (web_limit_lookup(r) > 0)
		*sent = http_error(r, 429,
		    "you have looked up many people and posts on "
		    "other servers: wait a few minutes and try again");
	else if ((j = calloc(1, sizeof(*j))) == NULL)
		*sent = http_error(r, 503, "the hub is out of memory");
	else {
		j->kind = J_RESOLVE;
		if (v != NULL)
			j->v = *v;
		snprintf(j->what, sizeof(j->what), "%s", q);
		*sent = defer(r, j);
	}
	return 1;
}

/* GET /search?q=&topic=&type=&community=&author=&from=&to=&offset=:
 * members and communities, tags, and posts from the full-text index
 * (search.h); a handle of another server or a web address is looked up
 * on the worker. */
int
web_search(struct http_req *r)
{
	const struct page_viewer *v;
	struct search_view sv;
	struct err e = { { 0 } };
	json_t *found, *people;
	struct st_txn *t;
	struct buf b;
	int offset, sent = 0;

	r->want_html = 1;
	search_view_of(r, &sv, &offset);
	/* One read transaction for the viewer and the results. */
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	v = web_viewer_tx(r, t);
	buf_init(&b, 0);
	if ((sv.q == NULL || *sv.q == '\0') && !has_filters(&sv)) {
		st_read_end(t);
		search_begin(&b, r->srv->cfg, v, r->srv->topics, &sv);
		if (sv.q != NULL)
			buf_adds(&b,
			    "<p>Type what you are looking for, then choose "
			    "Search.</p>");
		page_end(&b);
		return web_send(r, 200, &b, NULL);
	}
	if ((found = page_search(r, t, v, &sv, offset, &people, &e)) == NULL) {
		st_read_end(t);
		return search_refused(r, v, &sv, &b);
	}
	search_begin(&b, r->srv->cfg, v, r->srv->topics, &sv);
	if (sv.q != NULL && *sv.q != '\0' && !has_filters(&sv) &&
	    search_lookup(r, t, v, sv.q, &b, &sent)) {
		json_decref(found);
		json_decref(people);
		return sent;
	}
	buf_adds(&b, "<p class=\"meta\">Results for “");
	page_text(&b, sv.q ? sv.q : "");
	buf_adds(&b, "”</p>");
	if (people != NULL) {
		search_names(&b, t, sv.q, people);
		search_tag(&b, t, sv.q);
	}
	search_posts(&b, found, &sv, r->srv->cfg->host);
	st_read_end(t);
	json_decref(found);
	json_decref(people);
	page_end(&b);
	return web_send(r, 200, &b, NULL);
}

/* The member a bearer token stands for: 0 and *id (0 without a token),
 * or -1 when the token is not good. */
static int
api_viewer(struct http_req *r, struct st_txn *t, uint64_t *id)
{
	const char *auth = http_header(r, "Authorization");
	struct st_actor a;
	int ok;

	*id = 0;
	if (auth == NULL)
		return 0;
	if (strncmp(auth, "Bearer ", 7) != 0 ||
	    hub_token_check(r->srv->hub, auth + 7, id) != 0 ||
	    st_actor_get(t, *id, &a) != 0)
		return -1;
	ok = !(a.flags & (ST_AF_DISABLED | ST_AF_DELETED));
	st_actor_clear(&a);
	return ok ? 0 : -1;
}

static int
api_int(struct http_req *r, const char *name, int *v)
{
	const char *s = http_query(r, name);
	uint64_t n;

	if (s == NULL || s[0] == '\0')
		return 0;
	if (parse_u64(s, &n) != 0 || n > 100000)
		return -1;
	*v = (int)n;
	return 0;
}

int
web_api_search(struct http_req *r)
{
	static const char *const h401[] = { "WWW-Authenticate",
		"Bearer realm=\"hub\"", NULL };
	struct search_req rq = { .q = http_query(r, "q"),
		.topic = http_query(r, "topic"),
		.type = http_query(r, "type"),
		.community = http_query(r, "community"),
		.author = http_query(r, "author"),
		.from = http_query(r, "from"),
		.to = http_query(r, "to") };
	struct err e = { { 0 } };
	const char *field = NULL, *kind;
	struct st_txn *t;
	json_t *found;

	r->want_html = 0;
	if (api_int(r, "offset", &rq.offset) != 0)
		return http_send_json(r, 400,
		    json_pack("{s:s,s:s}", "error",
			"offset must be a number: use the \"next\" of the "
			"answer before",
			"field", "offset"),
		    NULL, NULL);
	if (api_int(r, "limit", &rq.limit) != 0)
		rq.limit = -1; /* search_run says what is wrong */
	if ((kind = http_query(r, "kind")) != NULL &&
	    strcmp(kind, "posts") != 0 && strcmp(kind, "people") != 0)
		return http_send_json(r, 400,
		    json_pack("{s:s,s:s}", "error",
			"kind must be posts (the default) or people (members "
			"and communities)",
			"field", "kind"),
		    NULL, NULL);
	rq.people = kind != NULL && !strcmp(kind, "people");
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	if (api_viewer(r, t, &rq.viewer) != 0) {
		st_read_end(t);
		return http_send_json(r, 401,
		    json_pack("{s:s}", "error",
			"that token is not valid: sign in again, or search "
			"without one"),
		    NULL, h401);
	}
	if ((rq.q == NULL || rq.q[0] == '\0') &&
	    !has_filters(&(struct search_view){ .topic = rq.topic,
		.type = rq.type,
		.community = rq.community,
		.author = rq.author,
		.from = rq.from,
		.to = rq.to })) {
		st_read_end(t);
		return http_send_json(r, 400,
		    json_pack("{s:s,s:s}", "error",
			"say what to look for: give q, some words", "field",
			"q"),
		    NULL, NULL);
	}
	found = search_run(r->srv->hub, r->srv->topics, t, &rq, &field, &e);
	st_read_end(t);
	if (found == NULL && field == NULL)
		return http_error(r, 503, e.msg);
	if (found == NULL)
		return http_send_json(r, 400,
		    json_pack("{s:s,s:s}", "error", e.msg, "field", field),
		    NULL, NULL);
	return http_send_json(r, 200, found, NULL, NULL);
}
