#include "routes.h"

#include <ctype.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "anon.h"
#include "block.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "featured.h"
#include "fed_as2.h"
#include "fed_fetch.h"
#include "fed_deliver.h"
#include "fed_group.h"
#include "fed_inbox.h"
#include "fed_webfinger.h"
#include "feed.h"
#include "group.h"
#include "group_view.h"
#include "http.h"
#include "hub.h"
#include "inbox.h"
#include "learning.h"
#include "review.h"
#include "page.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_featured.h"
#include "st_follow.h"
#include "st_object.h"
#include "st_review.h"
#include "st_social.h"
#include "web.h"
#include "web_account.h"
#include "web_post.h"
#include "web_social.h"
#include "web_home.h"
#include "web_admin.h"
#include "web_topics.h"
#include "web_learn.h"
#include "web_review.h"
#include "worker.h"

#define AS_TYPE	  "application/activity+json; charset=utf-8"
#define PAGE_SIZE 20

static int
route_css(struct http_req *r)
{
	static const char *const h[] = { "Cache-Control",
		"public, max-age=3600", NULL };

	return http_send(r, 200, "text/css; charset=utf-8", page_css(),
	    strlen(page_css()), h);
}

/* ---- WebFinger, host-meta, NodeInfo ---- */

static int
route_webfinger(struct http_req *r)
{
	const struct config *cfg = r->srv->cfg;
	const char *res = http_query(r, "resource");
	char name[32], subject[600], iri[512];
	struct st_actor a;
	struct st_txn *t;
	uint64_t id;
	int rc;

	r->want_html = 0;
	if (res == NULL || *res == '\0')
		return http_error(r, 400, "add ?resource=acct:NAME@HOST");
	switch (fed_webfinger_parse(
	    res, cfg->host, cfg->base_url, name, sizeof(name))) {
	case FED_WF_MALFORMED:
		return http_error(r, 400,
		    "the resource is not an acct: URI "
		    "or a URL of this hub");
	case FED_WF_ELSEWHERE:
		return http_error(r, 404, "that account is not on this hub");
	case FED_WF_INSTANCE:
		snprintf(iri, sizeof(iri), "%s/actor", cfg->base_url);
		snprintf(subject, sizeof(subject), "acct:%s@%s", cfg->host,
		    cfg->host);
		return http_send_json(r, 200,
		    fed_webfinger_jrd(subject, iri, cfg->base_url),
		    "application/jrd+json; charset=utf-8", NULL);
	case FED_WF_NAME: break;
	}
	if ((rc = st_read_begin(r->srv->hub->db, &t)) != 0)
		return http_error(r, 503, "storage is not available");
	rc = st_name_get(t, name, &id);
	if (rc == 0)
		rc = st_actor_get(t, id, &a);
	st_read_end(t);
	if (rc == 0 && (a.flags & ST_AF_PENDING)) {
		st_actor_clear(&a);
		rc = ST_NOTFOUND;
	}
	if (rc != 0)
		return http_error(r, 404,
		    "there is no member or community "
		    "by that name here");
	if (a.flags & ST_AF_DELETED) {
		st_actor_clear(&a);
		return http_error(r, 410, "that account has been deleted");
	}
	snprintf(subject, sizeof(subject), "acct:%s@%s", a.name, cfg->host);
	rc = http_send_json(r, 200, fed_webfinger_jrd(subject, a.iri, a.iri),
	    "application/jrd+json; charset=utf-8", NULL);
	st_actor_clear(&a);
	return rc;
}

static int
route_host_meta(struct http_req *r)
{
	struct buf b;
	int rc;

	buf_init(&b, 0);
	buf_adds(&b,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<XRD "
	    "xmlns=\"http://docs.oasis-open.org/ns/xri/xrd-1.0\"><Link "
	    "rel=\"lrdd\" template=\"");
	buf_add_html(&b, r->srv->cfg->base_url, strlen(r->srv->cfg->base_url));
	buf_adds(&b, "/.well-known/webfinger?resource={uri}\"/></XRD>\n");
	rc = http_send(
	    r, 200, "application/xrd+xml; charset=utf-8", b.data, b.len, NULL);
	buf_free(&b);
	return rc;
}

static int
route_nodeinfo_index(struct http_req *r)
{
	const char *base = r->srv->cfg->base_url;
	char v20[300], v21[300];

	snprintf(v20, sizeof(v20), "%s/nodeinfo/2.0", base);
	snprintf(v21, sizeof(v21), "%s/nodeinfo/2.1", base);
	return http_send_json(r, 200,
	    json_pack("{s:[{s:s,s:s},{s:s,s:s}]}", "links", "rel",
		"http://nodeinfo.diaspora.software/ns/schema/2.1", "href", v21,
		"rel", "http://nodeinfo.diaspora.software/ns/schema/2.0",
		"href", v20),
	    NULL, NULL);
}

struct usage {
	struct st_txn *t;
	time_t now;
	uint64_t month, halfyear;
};

static int
usage_each(void *ctx, const char *name, uint64_t id)
{
	struct usage *u = ctx;
	struct st_actor a;

	(void)name;
	if (st_actor_get(u->t, id, &a) != 0)
		return 0;
	if (a.kind == ST_AK_PERSON && !(a.flags & ST_AF_DELETED)) {
		if (a.last_active + 30 * 86400 >= (uint64_t)u->now)
			u->month++;
		if (a.last_active + 180 * 86400 >= (uint64_t)u->now)
			u->halfyear++;
	}
	st_actor_clear(&a);
	return 0;
}

/* Active members take a scan of every actor: do it at most once a
 * minute, however often NodeInfo is fetched. */
static void
active_counts(struct st_txn *t, uint64_t *month, uint64_t *halfyear)
{
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	static time_t at;
	static uint64_t m, hy;
	struct usage u = { t, time(NULL), 0, 0 };

	pthread_mutex_lock(&mu);
	if (at == 0 || u.now - at >= 60) {
		st_name_each(t, usage_each, &u);
		m = u.month;
		hy = u.halfyear;
		at = u.now;
	}
	*month = m;
	*halfyear = hy;
	pthread_mutex_unlock(&mu);
}

static int
route_nodeinfo(struct http_req *r)
{
	const struct config *cfg = r->srv->cfg;
	int v21 = r->path[strlen(r->path) - 1] == '1';
	uint64_t posts, users, month, halfyear;
	struct st_txn *t;
	json_t *doc, *sw;
	char type[160];

	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	users = st_counter_get(t, "users");
	posts = st_counter_get(t, "local_posts");
	active_counts(t, &month, &halfyear);
	st_read_end(t);
	sw = json_pack("{s:s,s:s}", "name", "hub", "version", PACKAGE_VERSION);
	if (v21) {
		json_object_set_new(sw, "repository", json_string(PACKAGE_URL));
		json_object_set_new(sw, "homepage", json_string(PACKAGE_URL));
	}
	doc = json_pack("{s:s,s:o,s:[s],s:{s:[],s:[]},s:b,s:{s:{s:I,s:I,"
			"s:I},s:I,s:I},s:{s:s,s:s}}",
	    "version", v21 ? "2.1" : "2.0", "software", sw, "protocols",
	    "activitypub", "services", "inbound", "outbound",
	    "openRegistrations", cfg->registrations == REG_OPEN, "usage",
	    "users", "total", (json_int_t)users, "activeMonth",
	    (json_int_t)month, "activeHalfyear", (json_int_t)halfyear,
	    "localPosts", (json_int_t)posts, "localComments", (json_int_t)0,
	    "metadata", "nodeName", cfg->instance_name, "nodeDescription",
	    cfg->instance_description);
	snprintf(type, sizeof(type),
	    "application/json; profile=\"http://"
	    "nodeinfo.diaspora.software/ns/schema/%s#\"",
	    v21 ? "2.1" : "2.0");
	return http_send_json(r, 200, doc, type, NULL);
}

/* ---- objects and collections ---- */

/* "id-version", with a mark for the HTML variant. */
static void
etag_of(const struct st_obj *o, int html, char *out, size_t cap)
{
	snprintf(out, cap, "\"%llx-%u%s\"", (unsigned long long)o->id, o->ver,
	    html ? "h" : "");
}

/* An actor's page lists its newest posts: its ETag must change with
 * them, not only with the actor document. */
static void
actor_page_etag(struct st_txn *t, const struct st_obj *o, char *out, size_t cap)
{
	struct st_outbox_item it;
	int more;

	if (st_outbox_page(t, o->id, 0, ST_VIS_UNLISTED, &it, 1, &more) != 1)
		it.note = 0;
	snprintf(out, cap, "\"%llx-%u-%llxh\"", (unsigned long long)o->id,
	    o->ver, (unsigned long long)it.note);
}

static int
not_modified(struct http_req *r, const char *etag)
{
	const char *inm = http_header(r, "If-None-Match");

	return inm != NULL && (strstr(inm, etag) != NULL || !strcmp(inm, "*"));
}

/* Up to PAGE_SIZE public/unlisted activities of actor before note id
 * "before", appended raw to raw (comma separated). Returns the count;
 * *last is the oldest note id given, *more whether older ones exist. */
static int
outbox_items(struct st_txn *t, uint64_t actor, uint64_t before, struct buf *raw,
    uint64_t *last, int *more)
{
	struct st_outbox_item items[PAGE_SIZE];
	int n, i;

	n = st_outbox_page(
	    t, actor, before, ST_VIS_UNLISTED, items, PAGE_SIZE, more);
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(raw, ',');
		buf_add(raw, items[i].json, items[i].len);
		*last = items[i].note;
	}
	return n < 0 ? 0 : n;
}

static int
send_as2(struct http_req *r, unsigned status, int ctx, const char *js,
    size_t len, const char *etag)
{
	const char *const h[] = { "ETag", etag, "Vary", "Accept",
		"Cache-Control",
		r->private_resp ? "private, no-store" : "public, max-age=60",
		NULL };
	struct buf b;
	int rc;

	buf_init(&b, 0);
	fed_as2_wrap_base(&b, ctx, r->srv->cfg->base_url, js, len);
	if (b.failed) {
		buf_free(&b);
		return http_error(r, 500, "out of memory");
	}
	rc = http_send(r, status, AS_TYPE, b.data, b.len, h);
	buf_free(&b);
	return rc;
}

/* A document built here, served with the AS context (steals doc). */
static int
send_doc(struct http_req *r, json_t *doc)
{
	size_t len;
	char *js = fed_as2_dump(doc, &len);
	int rc;

	json_decref(doc);
	if (js == NULL)
		return http_error(r, 500, "out of memory");
	rc = send_as2(r, 200, ST_CTX_AS, js, len, NULL);
	free(js);
	return rc;
}

/* Where the feeds of the local actor id are ("IRI/feed"), in out; NULL
 * when it has none: the instance actor, disabled members, private
 * communities (route_feed answers 404 for those). */
static const char *
actor_feed_base(struct st_txn *t, uint64_t id, char *out, size_t cap)
{
	struct st_actor a;
	int yes;

	if (st_actor_get(t, id, &a) != 0)
		return NULL;
	yes = !(a.flags & ST_AF_DELETED) &&
	    ((a.kind == ST_AK_PERSON && !(a.flags & ST_AF_DISABLED)) ||
		(a.kind == ST_AK_GROUP && !(a.flags & ST_AF_PRIVATE)));
	snprintf(out, cap, "%s/feed", a.iri);
	st_actor_clear(&a);
	return yes ? out : NULL;
}

/* A community's outbox holds Announces of notes by IRI: embed each note
 * that is stored here, not deleted, and public or unlisted, so that the
 * page can show it. */
static void
embed_announced(struct st_txn *t, json_t *items)
{
	json_t *a, *note;
	struct st_obj o;
	const char *iri, *js;
	uint64_t id;
	size_t i, len;

	json_array_foreach(items, i, a)
	{
		iri = json_string_value(json_object_get(a, "object"));
		if (iri == NULL || st_iri_get(t, iri, &id) != 0 ||
		    st_object_peek(t, id, &o, &js, &len) != 0 ||
		    (o.flags & ST_OF_DELETED) || o.vis > ST_VIS_UNLISTED)
			continue;
		note = json_loadb(js, len, 0, NULL);
		if (note != NULL)
			json_object_set_new(a, "object", note);
	}
}

/* The HTML page of an actor object: its document and recent posts. */
static int
html_actor(struct http_req *r, struct st_txn *t, const struct st_obj *o,
    const char *js, size_t len, const char *etag)
{
	const char *const h[] = { "ETag", etag, "Vary", "Accept", NULL };
	json_t *actor, *items;
	uint64_t last = 0;
	struct buf raw, b;
	char older[700], feed[600];
	int more = 0;

	if (web_is_community(t, o->id)) /* web_home.c */
		return web_community_page(r, t, o->id);
	if (web_profile_is_person(js, len)) /* people: web_social.c */
		return web_profile_local(r, t, o->id, js, len, etag);
	actor = json_loadb(js, len, 0, NULL);
	buf_init(&raw, 0);
	buf_addc(&raw, '[');
	outbox_items(t, o->id, 0, &raw, &last, &more);
	buf_addc(&raw, ']');
	items = json_loadb(raw.data, raw.len, 0, NULL);
	buf_free(&raw);
	embed_announced(t, items);
	snprintf(older, sizeof(older), "%s/outbox?page=true&max_id=%llu",
	    json_string_value(json_object_get(actor, "id")),
	    (unsigned long long)last);
	buf_init(&b, 0);
	page_actor(&b, r->srv->cfg, web_viewer(r), actor, items,
	    more ? older : NULL, actor_feed_base(t, o->id, feed, sizeof(feed)));
	json_decref(actor);
	json_decref(items);
	return web_send(r, 200, &b, h);
}

static int
html_object(struct http_req *r, struct st_txn *t, const struct st_obj *o,
    const char *js, size_t len, const char *etag)
{
	const char *const h[] = { "ETag", etag, "Vary", "Accept", NULL };
	json_t *doc, *note;
	struct buf b;

	if (o->kind == ST_K_ACTOR)
		return html_actor(r, t, o, js, len, etag);
	buf_init(&b, 0);
	if (o->kind == ST_K_TOMBSTONE) {
		page_gone(&b, r->srv->cfg, web_viewer(r));
		return web_send(r, 410, &b, NULL);
	}
	if (o->kind == ST_K_NOTE || o->kind == ST_K_ACTIVITY) {
		buf_free(&b);
		return web_note_page(r, t, o, js, len);
	}
	doc = json_loadb(js, len, 0, NULL);
	note = o->kind == ST_K_ACTIVITY ? json_object_get(doc, "object") : doc;
	page_note(&b, r->srv->cfg, web_viewer(r), note);
	json_decref(doc);
	return web_send(r, 200, &b, h);
}

/* Whether an accepted follower of group is signer or on signer's host
 * (a member's server fetching for its members, as Mastodon's signed
 * fetches do with the instance actor). */
static int
member_or_members_host(struct st_txn *t, uint64_t group, uint64_t signer)
{
	char host[256], h2[256];
	uint64_t ids[256], after = 0;
	struct st_actor x;
	int n, i, state, found = 0;

	if (st_follow_get(t, signer, group, &state, NULL) == 0)
		return state == ST_FOLLOW_ACCEPTED;
	if (st_actor_get(t, signer, &x) != 0)
		return 0;
	fed_url_host(x.iri, host, sizeof(host));
	st_actor_clear(&x);
	do {
		n = st_follow_list(
		    t, group, 1, ST_FOLLOW_ACCEPTED, after, ids, 256);
		for (i = 0; i < n && !found; i++) {
			after = ids[i];
			if (st_actor_get(t, ids[i], &x) != 0)
				continue;
			fed_url_host(x.iri, h2, sizeof(h2));
			found = !(x.flags & ST_AF_LOCAL) && !strcmp(host, h2);
			st_actor_clear(&x);
		}
	} while (!found && n == 256);
	return found;
}

/* Whether o is a note posted in a private community here that signer
 * may read: a member's, or its server's. */
static int
members_may_read(struct st_txn *t, const struct st_obj *o, uint64_t signer)
{
	const char *js, *aud;
	struct st_actor g;
	struct st_obj h;
	json_t *doc;
	size_t len;
	int yes = 0;

	if (o->kind != ST_K_NOTE ||
	    st_object_peek(t, o->id, &h, &js, &len) != 0 ||
	    (doc = json_loadb(js, len, 0, NULL)) == NULL)
		return 0;
	aud = json_string_value(json_object_get(doc, "audience"));
	if (aud != NULL && st_actor_by_iri(t, aud, &g) == 0) {
		yes = (g.flags & ST_AF_LOCAL) && (g.flags & ST_AF_PRIVATE) &&
		    !strcmp(g.iri, aud) &&
		    member_or_members_host(t, g.id, signer);
		st_actor_clear(&g);
	}
	json_decref(doc);
	return yes;
}

/* Whether signer (0: anonymous) may read o: public and unlisted objects
 * anyone may; followers-only ones their author and accepted followers;
 * those of a private community its members (and their servers). */
/* A member who signed up and waits for an admin is not public yet. */
static int
waiting(struct st_txn *t, uint64_t id)
{
	struct st_actor a;
	int w;

	if (st_actor_get(t, id, &a) != 0)
		return 0;
	w = (a.flags & ST_AF_PENDING) != 0;
	st_actor_clear(&a);
	return w;
}

static int
may_read(struct st_txn *t, const struct st_obj *o, uint64_t signer)
{
	int state;

	if (o->kind == ST_K_ACTOR && waiting(t, o->id))
		return 0;
	if (o->vis <= ST_VIS_UNLISTED || o->kind == ST_K_TOMBSTONE)
		return 1;
	if (signer != 0 && members_may_read(t, o, signer))
		return 1;
	/* A local member reads what reached their home timeline: the
	 * direct notes addressed to them, among others. */
	if (signer != 0 && st_timeline_has(t, signer, o->id))
		return 1;
	if (signer == 0 || o->vis != ST_VIS_FOLLOWERS)
		return 0;
	return signer == o->owner ||
	    (st_follow_get(t, signer, o->owner, &state, NULL) == 0 &&
		state == ST_FOLLOW_ACCEPTED);
}

int
routes_may_read(struct st_txn *t, const struct st_obj *o, uint64_t reader)
{
	/* Pages hide what a blocked server's actors said (block.h). */
	return may_read(t, o, reader) && !hub_actor_blocked(t, o->owner);
}

/* Who reads: a signature is checked only when it matters (need: a
 * followers-only object; or authorized fetch), never for what is open to
 * all, such as actor documents: fetching a signer's key must not need a
 * signature in turn, or two hubs wait on each other. Returns 1 when the
 * request is handled (401, or suspended for a key fetch). */
static int
reader(struct http_req *r, int need, uint64_t *signer, int *rc)
{
	int af = r->srv->cfg->authorized_fetch;

	*signer = 0;
	if (!need && !af)
		return 0;
	if (signed_get(r, signer, rc))
		return 1;
	if (*signer == 0 && af) {
		r->want_html = 0;
		*rc = http_error(r, 401,
		    "this hub answers signed requests "
		    "only (authorized fetch)");
		return 1;
	}
	return 0;
}

static int
route_object(struct http_req *r)
{
	char iri[1024], etag[64];
	struct st_txn *t;
	struct st_obj o;
	const char *js;
	size_t len;
	uint64_t id, signer;
	int rc, actor_path;

	signer = 0;
	if ((size_t)snprintf(iri, sizeof(iri), "%s%s", r->srv->cfg->base_url,
		r->path) >= sizeof(iri))
		return http_error(r, 404, "there is nothing at this address");
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	if (r->want_html) /* the page's viewer, in its transaction */
		web_viewer_tx(r, t);
	rc = st_iri_get(t, iri, &id);
	if (rc == 0)
		rc = st_object_peek(t, id, &o, &js, &len);
	/* Actor documents stay readable unsigned, also with authorized fetch
	 * (keys are fetched that way). */
	actor_path = rc == 0 && o.kind == ST_K_ACTOR;
	if (rc == 0 && !actor_path && !r->want_html &&
	    (r->srv->cfg->authorized_fetch ||
		(o.vis > ST_VIS_UNLISTED && o.kind != ST_K_TOMBSTONE))) {
		st_read_end(t);
		if (reader(r, 1, &signer, &rc))
			return rc;
		if (st_read_begin(r->srv->hub->db, &t) != 0)
			return http_error(r, 503, "storage is not available");
		rc = st_iri_get(t, iri, &id);
		if (rc == 0)
			rc = st_object_peek(t, id, &o, &js, &len);
	}
	/* Followers-only notes: to their followers' signed fetches. */
	if (rc == 0 && o.vis > ST_VIS_UNLISTED)
		r->private_resp = 1;
	/* Pages: to the signed-in member what they may read (web_post). */
	if (rc == 0 && r->want_html && signer == 0 && web_viewer(r) != NULL &&
	    st_name_get(t, web_viewer(r)->name, &signer) != 0)
		signer = 0;
	if (rc != 0 || !may_read(t, &o, signer)) {
		st_read_end(t);
		return http_error(r, 404, "there is nothing at this address");
	}
	etag_of(&o, r->want_html, etag, sizeof(etag));
	if (r->want_html && o.kind == ST_K_ACTOR)
		actor_page_etag(t, &o, etag, sizeof(etag));
	/* A note's page changes with its replies, counts and reader. */
	if (!(r->want_html && o.kind != ST_K_ACTOR) && not_modified(r, etag)) {
		const char *const h[] = { "ETag", etag, "Vary", "Accept",
			NULL };
		st_read_end(t);
		return http_send(r, 304, NULL, NULL, 0, h);
	}
	if (r->want_html)
		rc = html_object(r, t, &o, js, len, etag);
	else
		rc = send_as2(r, o.kind == ST_K_TOMBSTONE ? 410 : 200, o.ctx,
		    js, len, etag);
	st_read_end(t);
	return rc;
}

/* The local actor named in the path, checked against the kind the path
 * prefix promises ("/users/" person, "/c/" group). */
static int
path_actor(struct http_req *r, struct st_txn *t, struct st_actor *a)
{
	int kind = !strncmp(r->path, "/c/", 3) ? ST_AK_GROUP : ST_AK_PERSON;
	char raw[64], name[32];
	uint64_t id;
	int rc;

	if (http_path_arg(r, 0, raw, sizeof(raw)) < 0 ||
	    fed_name_normalize(raw, name, sizeof(name)) < 0 ||
	    strcmp(raw, name) != 0)
		return ST_NOTFOUND;
	if ((rc = st_name_get(t, name, &id)) != 0 ||
	    (rc = st_actor_get(t, id, a)) != 0)
		return rc;
	if (a->kind != kind) {
		st_actor_clear(a);
		return ST_NOTFOUND;
	}
	if (a->flags & ST_AF_DELETED) {
		st_actor_clear(a);
		return ST_GONE;
	}
	if (a->flags & ST_AF_PENDING) {
		st_actor_clear(a);
		return ST_NOTFOUND;
	}
	return 0;
}

static int
parse_id(const char *s, uint64_t *out)
{
	char *end;

	if (s == NULL || *s < '0' || *s > '9' || strlen(s) > 20)
		return -1;
	*out = strtoull(s, &end, 10);
	return *end == '\0' ? 0 : -1;
}

static int
outbox_page(struct http_req *r, struct st_txn *t, const struct st_actor *a,
    const char *coll)
{
	const char *max_s = http_query(r, "max_id");
	char self[800], next[800];
	uint64_t before = 0, last = 0;
	struct buf b, raw;
	json_t *page;
	char *head;
	int more = 0, n, rc;

	if (max_s != NULL && parse_id(max_s, &before) < 0)
		return http_error(r, 400, "max_id must be a note id (digits)");
	buf_init(&raw, 0);
	n = outbox_items(t, a->id, before, &raw, &last, &more);
	snprintf(self, sizeof(self), "%s?page=true%s%s", coll,
	    max_s ? "&max_id=" : "", max_s ? max_s : "");
	snprintf(next, sizeof(next), "%s?page=true&max_id=%llu", coll,
	    (unsigned long long)last);
	page = json_pack("{s:s,s:s,s:s}", "id", self, "type",
	    "OrderedCollectionPage", "partOf", coll);
	if (more && n > 0)
		json_object_set_new(page, "next", json_string(next));
	head = fed_as2_dump(page, NULL);
	json_decref(page);
	if (head == NULL) {
		buf_free(&raw);
		return http_error(r, 500, "out of memory");
	}
	/* Splice the stored activities in as they are (DESIGN rule 5). */
	buf_init(&b, 0);
	buf_add(&b, head, strlen(head) - 1);
	buf_adds(&b, ",\"orderedItems\":[");
	buf_add(&b, raw.data, raw.len);
	buf_adds(&b, "]}");
	free(head);
	buf_free(&raw);
	/* Its Creates may embed learning posts (ST_CTX_LEARNING). */
	rc = send_as2(r, 200, ST_CTX_LEARNING, b.data, b.len, NULL);
	buf_free(&b);
	return rc;
}

static int
collection_error(struct http_req *r, int rc)
{
	if (rc == ST_GONE)
		return http_error(r, 410, "that account has been deleted");
	return http_error(r, 404,
	    "there is no member or community by that "
	    "name here");
}

static int
route_outbox(struct http_req *r)
{
	char coll[700];
	struct st_actor a;
	struct st_txn *t;
	uint64_t signer;
	json_t *doc;
	int rc;

	r->want_html = 0;
	if (reader(r, 0, &signer, &rc))
		return rc;
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	if ((rc = path_actor(r, t, &a)) != 0) {
		st_read_end(t);
		return collection_error(r, rc);
	}
	snprintf(coll, sizeof(coll), "%s/outbox", a.iri);
	if (http_query(r, "page") != NULL || http_query(r, "max_id") != NULL)
		rc = outbox_page(r, t, &a, coll);
	else {
		char first[720];
		snprintf(first, sizeof(first), "%s?page=true", coll);
		doc = fed_as2_collection(coll, a.posts, first, NULL);
		rc = send_doc(r, doc);
	}
	st_read_end(t);
	st_actor_clear(&a);
	return rc;
}

#define FOLLOW_PAGE 100

/* A page of accepted followers or followings: actor IRIs. */
static json_t *
follow_items(struct st_txn *t, uint64_t who, int followers, uint64_t after,
    uint64_t *last, int *more)
{
	uint64_t ids[FOLLOW_PAGE + 1];
	json_t *items = json_array();
	struct st_actor x;
	int n, i;

	n = st_follow_list(
	    t, who, followers, ST_FOLLOW_ACCEPTED, after, ids, FOLLOW_PAGE + 1);
	*more = n > FOLLOW_PAGE;
	for (i = 0; i < n && i < FOLLOW_PAGE; i++) {
		*last = ids[i];
		if (st_actor_get(t, ids[i], &x) == 0) {
			/* Who is in a private community is not shown. */
			if (!(x.flags & ST_AF_PRIVATE))
				json_array_append_new(
				    items, json_string(x.iri));
			st_actor_clear(&x);
		}
	}
	return items;
}

static int
add_iri(void *ctx, const char *what, size_t len)
{
	json_array_append_new(ctx, json_stringn(what, len));
	return 0;
}

/* followers, following (accepted only), moderators and featured (empty
 * until communities and editors land). */
static int
route_collection(struct http_req *r)
{
	const char *tail = strrchr(r->path, '/') + 1, *after_s;
	int followers = !strcmp(tail, "followers");
	int follows = followers || !strcmp(tail, "following"), more = 0, rc;
	char coll[700], first[720], next[760];
	uint64_t total = 0, after = 0, last = 0, signer;
	struct st_actor a;
	struct st_txn *t;
	json_t *doc, *items = NULL, *mods = NULL;

	/* A member's lists, for browsers: web_social.c */
	if (r->want_html && follows && !strncmp(r->path, "/users/", 7))
		return web_follow_list(r);
	r->want_html = 0;
	if (reader(r, 0, &signer, &rc))
		return rc;
	after_s = http_query(r, "after");
	if (after_s != NULL && parse_id(after_s, &after) < 0)
		return http_error(r, 400, "after must be an id (digits)");
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	if ((rc = path_actor(r, t, &a)) == 0 && !strcmp(tail, "moderators")) {
		mods = json_array();
		st_glist_each(t, a.id, ST_GL_MOD, add_iri, mods);
		total = json_array_size(mods);
	}
	if (rc == 0 && follows) {
		st_follow_count(t, a.id, followers, ST_FOLLOW_ACCEPTED, &total);
		/* Who is in a private community is not shown. */
		if (http_query(r, "page") != NULL && !(a.flags & ST_AF_PRIVATE))
			items = follow_items(
			    t, a.id, followers, after, &last, &more);
	}
	st_read_end(t);
	if (rc != 0)
		return collection_error(r, rc);
	snprintf(coll, sizeof(coll), "%s%s", r->srv->cfg->base_url, r->path);
	snprintf(first, sizeof(first), "%s?page=true", coll);
	doc = fed_as2_collection(coll, total, follows ? first : NULL, NULL);
	if (items != NULL) {
		json_object_set_new(
		    doc, "type", json_string("OrderedCollectionPage"));
		json_object_set_new(
		    doc, "id", json_string(after_s ? "" : first));
		json_object_set_new(doc, "partOf", json_string(coll));
		json_object_del(doc, "first");
		json_object_set_new(doc, "orderedItems", items);
		snprintf(next, sizeof(next), "%s&after=%llu", first,
		    (unsigned long long)last);
		if (more)
			json_object_set_new(doc, "next", json_string(next));
		if (after_s != NULL) {
			snprintf(
			    next, sizeof(next), "%s&after=%s", first, after_s);
			json_object_set_new(doc, "id", json_string(next));
		}
	} else if (!follows)
		json_object_set_new(
		    doc, "orderedItems", mods ? mods : json_array());
	rc = send_doc(r, doc);
	st_actor_clear(&a);
	return rc;
}

static int
featured_id(void *ctx, const struct st_featured *f, const struct st_obj *o,
    const char *js, size_t len)
{
	json_t *note = json_loadb(js, len, 0, NULL);
	json_t *id = json_object_get(note, "id");

	(void)f;
	(void)o;
	if (json_is_string(id))
		json_array_append(ctx, id);
	json_decref(note);
	return 0;
}

/* The instance actor's featured collection (its document names it):
 * the ids of the notes admins and editors feature (featured.h), newest
 * featured first; public notes only, so it is open to all. */
static int
route_featured(struct http_req *r)
{
	char coll[700];
	uint64_t signer;
	struct st_txn *t;
	json_t *doc, *items;
	int rc;

	r->want_html = 0;
	if (reader(r, 0, &signer, &rc))
		return rc;
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	items = json_array();
	rc = hub_featured_each(t, ST_FEATURED_MAX, featured_id, items);
	st_read_end(t);
	if (rc != 0) {
		json_decref(items);
		return http_error(r, 503, "storage is not available");
	}
	snprintf(coll, sizeof(coll), "%s/actor/collections/featured",
	    r->srv->cfg->base_url);
	doc = fed_as2_collection(coll, json_array_size(items), NULL, NULL);
	json_object_set_new(doc, "orderedItems", items);
	return send_doc(r, doc);
}

/* The replies, likes and shares of a note: /users/N/statuses/I/TAIL.
 * Replies are listed (public and unlisted ones, oldest first, paged
 * with ?page=true&after=ID); likes and shares are counts, as Mastodon
 * serves them. */
static int
route_note_collection(struct http_req *r)
{
	const char *tail = strrchr(r->path, '/') + 1, *after_s;
	char iri[1024], coll[1100], first[1130], next[1180];
	uint64_t id, signer = 0, total = 0, after = 0, ids[PAGE_SIZE];
	int rc, n = 0, i, more = 0, replies = !strcmp(tail, "replies");
	json_t *doc, *items = NULL;
	struct st_txn *t;
	struct st_obj o, x;
	const char *js;
	size_t len;

	r->want_html = 0;
	after_s = http_query(r, "after");
	if (after_s != NULL && parse_id(after_s, &after) < 0)
		return http_error(r, 400, "after must be an id (digits)");
	if ((size_t)snprintf(iri, sizeof(iri), "%s%.*s", r->srv->cfg->base_url,
		(int)(tail - 1 - r->path), r->path) >= sizeof(iri))
		return http_error(r, 404, "there is nothing at this address");
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	rc = st_iri_get(t, iri, &id);
	if (rc == 0)
		rc = st_object_peek(t, id, &o, NULL, NULL);
	st_read_end(t);
	if (rc != 0 || o.kind != ST_K_NOTE)
		return http_error(r,
		    rc == 0 && o.kind == ST_K_TOMBSTONE ? 410 : 404,
		    "there is no note at this address");
	if (reader(r, o.vis > ST_VIS_UNLISTED, &signer, &rc))
		return rc;
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	if (!may_read(t, &o, signer)) {
		st_read_end(t);
		return http_error(r, 404, "there is no note at this address");
	}
	if (o.vis > ST_VIS_UNLISTED)
		r->private_resp = 1;
	if (!replies)
		st_react_count(t, id,
		    !strcmp(tail, "likes") ? ST_REACT_LIKE : ST_REACT_ANNOUNCE,
		    &total);
	else if (http_query(r, "page") == NULL)
		st_reply_count(t, id, &total);
	else {
		items = json_array();
		do {
			n = st_reply_page(t, id, after, ids, PAGE_SIZE, &more);
			for (i = 0; i < n; i++) {
				after = ids[i];
				if (st_object_peek(t, ids[i], &x, &js, &len) ==
					0 &&
				    x.kind == ST_K_NOTE &&
				    x.vis <= ST_VIS_UNLISTED) {
					json_t *note =
					    json_loadb(js, len, 0, NULL);
					json_array_append(
					    items, json_object_get(note, "id"));
					json_decref(note);
				}
			}
		} while (more && json_array_size(items) == 0);
	}
	st_read_end(t);
	snprintf(coll, sizeof(coll), "%s/%s", iri, tail);
	snprintf(first, sizeof(first), "%s?page=true", coll);
	doc = fed_as2_collection(coll, total, replies ? first : NULL, NULL);
	if (items != NULL) {
		json_object_set_new(
		    doc, "type", json_string("OrderedCollectionPage"));
		json_object_del(doc, "totalItems");
		json_object_del(doc, "first");
		if (after_s != NULL)
			snprintf(
			    next, sizeof(next), "%s&after=%s", first, after_s);
		json_object_set_new(
		    doc, "id", json_string(after_s ? next : first));
		json_object_set_new(doc, "partOf", json_string(coll));
		json_object_set_new(doc, "orderedItems", items);
		snprintf(next, sizeof(next), "%s&after=%llu", first,
		    (unsigned long long)after);
		if (more)
			json_object_set_new(doc, "next", json_string(next));
	}
	return send_doc(r, doc);
}

/* /@name: where people type a handle, send them to the actor. */
static int
route_at(struct http_req *r)
{
	struct st_actor a;
	struct st_txn *t;
	const char *h[3] = { "Location", NULL, NULL };
	char name[64];
	uint64_t id;
	int rc;

	if (http_path_arg(r, 0, name + 1, sizeof(name) - 1) < 0 ||
	    name[1] != '@')
		return http_error(r, 404, "there is nothing at this address");
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	rc = fed_name_normalize(name + 2, name, 32) < 0
	    ? ST_NOTFOUND
	    : st_name_get(t, name, &id);
	if (rc == 0)
		rc = st_actor_get(t, id, &a);
	st_read_end(t);
	if (rc == 0 && (a.flags & ST_AF_PENDING)) {
		st_actor_clear(&a);
		rc = ST_NOTFOUND;
	}
	if (rc != 0)
		return http_error(r, 404,
		    "there is no member or community by "
		    "that name here");
	h[1] = a.iri;
	rc = http_send(r, 301, NULL, NULL, 0, h);
	st_actor_clear(&a);
	return rc;
}

/* ---- tag pages ---- */

static int
route_tag(struct http_req *r)
{
	uint64_t ids[PAGE_SIZE], id;
	char raw[200], tag[200], self[512];
	const char *js, *max_s = http_query(r, "max_id");
	struct st_txn *t;
	struct st_obj o;
	json_t *items, *doc;
	size_t len, i;
	struct feed f;
	struct buf b;
	int n, more, k, has_feed;

	if (r->want_html)
		return web_tag(r); /* web_home.c */
	if (http_path_arg(r, 0, raw, sizeof(raw)) < 0)
		return http_error(r, 404, "there is nothing at this address");
	for (i = 0; raw[i] != '\0'; i++)
		tag[i] = (char)tolower((unsigned char)raw[i]);
	tag[i] = '\0';
	id = 0;
	if (max_s != NULL && parse_id(max_s, &id) < 0)
		return http_error(r, 400, "max_id must be a note id (digits)");
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	n = st_tag_page(t, tag, id, ids, PAGE_SIZE, &more);
	/* The page links to the tag's feeds when they have posts. */
	has_feed = r->want_html && feed_tag(t, &f, tag) > 0;
	items = json_array();
	for (k = 0; k < n; k++)
		if (st_object_peek(t, ids[k], &o, &js, &len) == 0 &&
		    o.kind == ST_K_NOTE && o.vis <= ST_VIS_UNLISTED)
			json_array_append_new(
			    items, json_loadb(js, len, 0, NULL));
	st_read_end(t);
	snprintf(self, sizeof(self), "%s/tags/%s", r->srv->cfg->base_url, tag);
	if (!r->want_html) {
		doc = fed_as2_collection(
		    self, (uint64_t)json_array_size(items), NULL, NULL);
		json_object_set_new(doc, "orderedItems", items);
		return send_doc(r, doc);
	}
	buf_init(&b, 0);
	snprintf(
	    self, sizeof(self), "%s/tags/%s/feed", r->srv->cfg->base_url, tag);
	page_tag(
	    &b, r->srv->cfg, web_viewer(r), tag, items, has_feed ? self : NULL);
	json_decref(items);
	return web_send(r, 200, &b, NULL);
}

/* ---- RSS and Atom feeds ---- */

/* What a feed's channel says, with room for it. */
struct feed_text {
	char title[400], link[600], self[700], desc[700];
};

/* A member's or a public community's feed. Disabled members and
 * private communities have none (a feed is read unsigned, by anyone). */
static int
actor_feed(struct http_req *r, struct st_txn *t, struct st_actor *a,
    struct feed *f, struct feed_text *x)
{
	const struct config *cfg = r->srv->cfg;
	const char *name;
	int rc, group;

	if ((rc = path_actor(r, t, a)) != 0)
		return rc;
	group = a->kind == ST_AK_GROUP;
	if (a->flags & (group ? ST_AF_PRIVATE : ST_AF_DISABLED))
		return ST_NOTFOUND;
	name = a->display_name[0] ? a->display_name : a->name;
	if (group)
		snprintf(x->title, sizeof(x->title), "%s", name);
	else
		snprintf(x->title, sizeof(x->title), "%s (@%s@%s)", name,
		    a->name, cfg->host);
	snprintf(x->link, sizeof(x->link), "%s", a->iri);
	snprintf(x->self, sizeof(x->self), "%s%s", cfg->base_url, r->path);
	if (a->summary != NULL && a->summary[0] != '\0')
		snprintf(x->desc, sizeof(x->desc), "%s", a->summary);
	else
		snprintf(x->desc, sizeof(x->desc), "%s %s on %s",
		    group ? "Posts shared in the community" : "Public posts by",
		    name, cfg->instance_name);
	f->since = a->created;
	feed_outbox(t, f, a->id, !group);
	return 0;
}

/* The feed of the public posts tagged with the path's tag; a tag with
 * none is not known here (ST_NOTFOUND). */
static int
tag_feed(
    struct http_req *r, struct st_txn *t, struct feed *f, struct feed_text *x)
{
	const struct config *cfg = r->srv->cfg;
	char tag[200];
	size_t i;

	if (http_path_arg(r, 0, tag, sizeof(tag)) < 0 || tag[0] == '\0')
		return ST_NOTFOUND;
	for (i = 0; tag[i] != '\0'; i++)
		tag[i] = (char)tolower((unsigned char)tag[i]);
	if (feed_tag(t, f, tag) == 0)
		return ST_NOTFOUND;
	snprintf(
	    x->title, sizeof(x->title), "#%s · %s", tag, cfg->instance_name);
	snprintf(x->link, sizeof(x->link), "%s/tags/%s", cfg->base_url, tag);
	snprintf(x->self, sizeof(x->self), "%s/tags/%s/%s", cfg->base_url, tag,
	    strrchr(r->path, '/') + 1);
	snprintf(x->desc, sizeof(x->desc), "Public posts tagged #%s on %s", tag,
	    cfg->instance_name);
	return 0;
}

/* A feed's ETag: FNV-1a of its bytes, so it changes whenever anything
 * it shows does (a post, an edit, an author's name). */
static void
feed_etag(const struct buf *b, int format, char *out, size_t cap)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < b->len; i++)
		h = (h ^ (unsigned char)b->data[i]) * 0x100000001b3ULL;
	snprintf(out, cap, "\"%016llx-%c\"", (unsigned long long)h,
	    format == FEED_ATOM ? 'a' : 'r');
}

/* /users/N/feed.{rss,atom}, /c/N/feed.{rss,atom}, /tags/T/feed.{...} */
static int
route_feed(struct http_req *r)
{
	struct feed f = { 0 };
	struct feed_text x;
	struct st_actor a = { 0 };
	struct st_txn *t;
	struct buf b;
	char etag[40];
	int rc, tag = !strncmp(r->path, "/tags/", 6);

	f.format =
	    !strcmp(strrchr(r->path, '.'), ".atom") ? FEED_ATOM : FEED_RSS;
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	rc = tag ? tag_feed(r, t, &f, &x) : actor_feed(r, t, &a, &f, &x);
	if (rc == 0) {
		f.title = x.title;
		f.link = x.link;
		f.self = x.self;
		f.description = x.desc;
		buf_init(&b, 0);
		feed_write(t, &f, &b);
	}
	st_read_end(t);
	st_actor_clear(&a);
	if (rc != 0 && tag)
		return http_error(r, 404,
		    "nobody has shared public posts with that tag here");
	if (rc != 0)
		return collection_error(r, rc);
	if (b.failed) {
		buf_free(&b);
		return http_error(r, 500, "the feed is too large to serve");
	}
	feed_etag(&b, f.format, etag, sizeof(etag));
	{
		const char *const h[] = { "ETag", etag, "Cache-Control",
			"public, max-age=60", NULL };
		rc = not_modified(r, etag)
		    ? http_send(r, 304, NULL, NULL, 0, h)
		    : http_send(r, 200, feed_type(f.format), b.data, b.len, h);
	}
	buf_free(&b);
	return rc;
}

/* ---- the member API: POST /api/hub/notes ---- */

static void
api_post_done(void *ctx, int rc, const struct err *e)
{
	struct http_req *r = ctx;
	const char *iri = hub_post_iri(r->ctx);
	const char *const h[] = { "Location", iri, NULL };
	char event[800];

	/* On the writer thread: build the answer and the log line, do no
	 * I/O (a slow log must not stall group commit). */
	if (rc == 0) {
		hub_post_event(r->ctx, event, sizeof(event));
		r->event = strdup(event);
		if (hub_post_queued(r->ctx) > 0)
			fed_deliver_kick(r->srv->hub->deliver);
		http_resume(r, 201,
		    http_response_json(
			json_pack("{s:s,s:s}", "id", iri, "url", iri), NULL, h,
			&r->bytes));
	} else
		http_resume(r, web_status(rc, 500),
		    http_response_json(json_pack("{s:s}", "error", e->msg),
			NULL, NULL, &r->bytes));
}

/* Pre-check of API writes, on the headers alone: a valid bearer token of
 * an enabled member, and a JSON body. Sets r->user. */
static int
api_precheck(struct http_req *r)
{
	static const char *const h401[] = { "WWW-Authenticate",
		"Bearer realm=\"hub\"", NULL };
	const char *auth = http_header(r, "Authorization");
	const char *type = http_header(r, "Content-Type");
	struct st_actor a;
	struct st_txn *t;
	uint64_t id;
	int rc;

	r->want_html = 0;
	if (auth == NULL || strncmp(auth, "Bearer ", 7) != 0 ||
	    hub_token_check(r->srv->hub, auth + 7, &id) != 0)
		return http_send_json(r, 401,
		    json_pack("{s:s}", "error",
			"sign in first: send Authorization: Bearer with your "
			"API "
			"token"),
		    NULL, h401);
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	rc = st_actor_get(t, id, &a);
	st_read_end(t);
	if (rc != 0)
		return http_send_json(r, 401,
		    json_pack("{s:s}", "error",
			"this token's account no longer exists"),
		    NULL, h401);
	rc = a.flags & (ST_AF_DISABLED | ST_AF_DELETED);
	snprintf(r->user, sizeof(r->user), "%s", a.name);
	st_actor_clear(&a);
	if (rc)
		return http_error(r, 403,
		    "this account is disabled: ask an "
		    "admin");
	if (!strcmp(r->method, "GET") || !strcmp(r->method, "HEAD"))
		return HTTP_CONTINUE;
	if (type == NULL || strncasecmp(type, "application/json", 16) != 0)
		return http_error(r, 415, "send the note as application/json");
	return HTTP_CONTINUE;
}

/* A timeline item: the note and who wrote it. */
static json_t *
timeline_item(struct st_txn *t, uint64_t id)
{
	struct st_obj o;
	const char *js;
	size_t len;
	json_t *note, *author;

	if (st_object_peek(t, id, &o, &js, &len) != 0 || o.kind != ST_K_NOTE ||
	    (note = json_loadb(js, len, 0, NULL)) == NULL)
		return NULL; /* deleted since, or gone */
	if ((author = fed_actor_brief(t, o.owner)) != NULL)
		json_object_set_new(note, "author", author);
	json_object_set_new(note, "timeline_id", json_integer((json_int_t)id));
	return note;
}

/* GET /api/hub/timeline: the member's home timeline, newest first. */
static int
route_api_timeline(struct http_req *r)
{
	const char *max_s = http_query(r, "max_id");
	uint64_t ids[PAGE_SIZE], me, before = 0;
	json_t *items = json_array(), *doc, *it;
	struct st_txn *t;
	char next[80];
	int n, i, more = 0;

	if (max_s != NULL && parse_id(max_s, &before) < 0)
		return http_error(r, 400, "max_id must be an id (digits)");
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	n = st_name_get(t, r->user, &me) == 0
	    ? st_timeline_page(t, me, before, ids, PAGE_SIZE, &more)
	    : 0;
	for (i = 0; i < n; i++)
		if ((it = timeline_item(t, ids[i])) != NULL)
			json_array_append_new(items, it);
	st_read_end(t);
	doc = json_pack("{s:o}", "items", items);
	if (more && n > 0) {
		snprintf(next, sizeof(next), "/api/hub/timeline?max_id=%llu",
		    (unsigned long long)ids[n - 1]);
		json_object_set_new(doc, "next", json_string(next));
	}
	return http_send_json(r, 200, doc, NULL, NULL);
}

static const char *
opt_string(json_t *body, const char *key, int *bad)
{
	json_t *v = json_object_get(body, key);

	if (v == NULL || json_is_null(v))
		return NULL;
	if (!json_is_string(v))
		*bad = 1;
	return json_string_value(v);
}

/* The body as a JSON object, or NULL with an error queued in *rc. */
static json_t *
api_body(struct http_req *r, int *rc)
{
	json_error_t je;
	char msg[300];
	json_t *body;

	body = json_loadb(r->body.data ? r->body.data : "", r->body.len,
	    JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (body == NULL) {
		snprintf(msg, sizeof(msg),
		    "the body is not valid JSON: %s "
		    "(line %d, column %d)",
		    je.text, je.line, je.column);
		*rc = http_error(r, 400, msg);
		return NULL;
	}
	if (!json_is_object(body)) {
		json_decref(body);
		*rc = http_error(r, 422, "the body must be a JSON object");
		return NULL;
	}
	return body;
}

/* ---- API calls that block (network lookups, writes) run on the
 * fetch worker; the request waits suspended. ---- */

struct api_job {
	struct http_req *r;
	struct hub *hub;
	char user[64];
	char *a, *b, *c, *d, *g; /* the call's strings (owned) */
	int kind, vis;
	int locked, moderated, restricted, private_; /* new communities */
	int which; /* community moderation: which of the call's keys came */
	struct hub_post *post; /* notes: prepared on the worker */
	json_t *learning;      /* a learning post's fields, or NULL */
};

enum api_kind {
	API_NOTE,
	API_EDIT,
	API_DELETE,
	API_LIKE,
	API_UNLIKE,
	API_BOOST,
	API_UNBOOST,
	API_FOLLOW,
	API_UNFOLLOW,
	API_APPROVE,
	API_REJECT,
	API_COMMUNITY,	 /* an admin creates a community */
	API_HELD_ACCEPT, /* a moderator answers about a held post */
	API_HELD_REJECT,
	API_REPORT,
	API_ANON_NOTE, /* anonymous posts: submitted, edited, deleted */
	API_ANON_EDIT,
	API_ANON_DELETE,
	API_GROUP_REMOVE, /* a community's moderators (group_api_*) */
	API_GROUP_BAN,
	API_GROUP_UNBAN,
	API_GROUP_MODS,
	API_GROUP_APPROVE,
	API_GROUP_DENY,
	API_DRAFT /* a learning post that needs review: submitted */
};

static void
api_job_free(struct api_job *j)
{
	free(j->a);
	free(j->b);
	free(j->c);
	free(j->d);
	free(j->g);
	hub_post_free(j->post);
	json_decref(j->learning);
	free(j);
}

static void
api_answer(struct http_req *r, unsigned status, json_t *doc)
{
	http_resume(r, status, http_response_json(doc, NULL, NULL, &r->bytes));
}

static void
api_fail(struct http_req *r, int rc, const struct err *e)
{
	api_answer(r, web_status(rc, 500), json_pack("{s:s}", "error", e->msg));
}

/* A note or an edit, on the worker: prepare (with remote lookups), then
 * the write through the writer, answered by api_post_done. */
static void
api_note_job(struct api_job *j)
{
	struct hub_post_opts o = { .vis = j->vis,
		.cw = j->b,
		.in_reply_to = j->c,
		.group = j->g,
		.may_fetch = 1,
		.learning = j->learning };
	struct http_req *r = j->r;
	struct err e = { { 0 } };
	int rc;

	j->post = hub_post_prepare(j->hub, j->user, j->a, &o, &rc, &e);
	if (j->post != NULL && j->kind == API_EDIT)
		rc = hub_post_set_edit(j->hub, j->post, j->d, &e);
	if (j->post == NULL || rc != 0) {
		if (rc == HUB_INVALID || rc == HUB_PII)
			api_answer(r, 422,
			    learning_refusal(j->learning, j->hub->topics, j->a,
				j->b, rc == HUB_PII, e.msg));
		else
			api_fail(r, rc, &e);
		api_job_free(j);
		return;
	}
	r->ctx = j->post;
	r->ctx_free = (void (*)(void *))hub_post_free;
	j->post = NULL;
	if (st_write_async(j->hub->db,
		j->kind == API_EDIT ? hub_edit_apply : hub_post_apply, r->ctx,
		api_post_done, r) != 0) {
		err_set(&e, "the hub is shutting down: try again");
		api_post_done(r, ST_EIO, &e);
	}
	api_job_free(j);
}

/* A new community (its key is made here, on the worker). */
static void
api_community_job(struct api_job *j)
{
	struct hub_actor_new in = { .kind = HUB_GROUP,
		.name = j->a,
		.display_name = j->b,
		.summary = j->c,
		.locked = j->locked,
		.moderated = j->moderated,
		.restricted = j->restricted,
		.private_ = j->private_ };
	struct err e = { { 0 } };
	char name[32], iri[600];
	int rc = hub_actor_create(j->hub, &in, NULL, 0, &e);

	if (rc != 0)
		api_fail(j->r, rc, &e);
	else {
		fed_name_normalize(j->a, name, sizeof(name));
		hub_actor_iri(j->hub, HUB_GROUP, name, iri, sizeof(iri));
		api_answer(
		    j->r, 201, json_pack("{s:s,s:s}", "id", iri, "name", name));
	}
	api_job_free(j);
}

/* An anonymous post's submission, edit or deletion. The answer is the
 * author's alone, and no event is logged: the access log line has no
 * user, and the handle travels in bodies, never in paths. */
static void
api_anon_job(struct api_job *j)
{
	char handle[HUB_ANON_HANDLE_LEN];
	struct err e = { { 0 } };
	int rc, queued = 0;

	if (j->kind == API_ANON_NOTE)
		rc = hub_anon_submit(
		    j->hub, j->user, j->g, j->b, j->vis, handle, &e);
	else
		rc = hub_anon_change(j->hub, j->user, j->a,
		    j->kind == API_ANON_EDIT ? j->b : NULL, &queued, &e);
	if (rc == 0 && queued > 0)
		fed_deliver_kick(j->hub->deliver);
	if (rc != 0)
		api_fail(j->r, rc, &e);
	else if (j->kind == API_ANON_NOTE)
		api_answer(j->r, 201,
		    json_pack(
			"{s:s,s:s}", "handle", handle, "state", "waiting"));
	else
		api_answer(j->r, 200,
		    json_pack("{s:s,s:b}", "handle", j->a, "deleted",
			j->kind == API_ANON_DELETE));
	api_job_free(j);
}

static void api_group_job(struct api_job *j);

/* A learning post whose content type needs review: stored as a
 * submitted draft (review.h), never published here; 202. */
static void
api_draft_job(struct api_job *j)
{
	struct err e = { { 0 } };
	char id[24];
	uint64_t draft = 0;
	int rc;

	rc = review_save_learning(j->hub, j->user, 0, j->learning,
	    hub_vis_name(j->vis), j->g, ST_DRAFT_SUBMITTED, &draft, &e);
	snprintf(id, sizeof(id), "%llu", (unsigned long long)draft);
	if (rc != 0)
		api_fail(j->r, rc, &e);
	else
		api_answer(j->r, 202,
		    json_pack("{s:s,s:s,s:s}", "state", "submitted", "draft",
			id, "message",
			"This kind of post is checked by the editors before it "
			"is published. It waits for review: you will be told "
			"when it is published or returned (see /drafts)."));
	api_job_free(j);
}

/* Whether the prepared learning post (fields v) needs review first. */
static int
needs_review(struct http_req *r, const json_t *v)
{
	return v != NULL &&
	    review_needed_now(r->srv->hub,
		json_string_value(json_object_get(v, "content_type")));
}

static void
api_run(void *arg)
{
	struct api_job *j = arg;
	struct http_req *r = j->r;
	struct err e = { { 0 } };
	int rc, already = 0, queued = 0, undo;
	uint64_t me;

	switch (j->kind) {
	case API_NOTE:
	case API_EDIT: api_note_job(j); return;
	case API_COMMUNITY: api_community_job(j); return;
	case API_DRAFT: api_draft_job(j); return;
	case API_ANON_NOTE:
	case API_ANON_EDIT:
	case API_ANON_DELETE: api_anon_job(j); return;
	case API_GROUP_REMOVE:
	case API_GROUP_BAN:
	case API_GROUP_UNBAN:
	case API_GROUP_MODS:
	case API_GROUP_APPROVE:
	case API_GROUP_DENY: api_group_job(j); return;
	case API_HELD_ACCEPT:
	case API_HELD_REJECT:
		rc = hub_group_review(j->hub, j->g, j->a,
		    j->kind == API_HELD_ACCEPT, j->user, &queued, &e);
		break;
	case API_REPORT:
		rc = hub_report(j->hub, j->user, j->a, j->b, &e);
		break;
	case API_DELETE:
		rc = hub_member_id(j->hub, j->user, &me);
		if (rc == 0)
			rc = hub_post_delete(j->hub, j->a, me, &e);
		else
			err_set(&e, "this account no longer exists");
		break;
	case API_APPROVE:
	case API_REJECT:
		rc = hub_follow_answer(
		    j->hub, j->user, j->a, j->kind == API_APPROVE, &queued, &e);
		break;
	case API_FOLLOW:
	case API_UNFOLLOW:
		rc = hub_follow(j->hub, j->user, j->a, j->kind == API_UNFOLLOW,
		    &already, &e);
		queued = !already;
		break;
	default:
		undo = j->kind == API_UNLIKE || j->kind == API_UNBOOST;
		rc = hub_react(j->hub, j->user, j->a,
		    j->kind == API_LIKE || j->kind == API_UNLIKE
			? ST_REACT_LIKE
			: ST_REACT_ANNOUNCE,
		    undo, &already, &queued, &e);
	}
	if (rc == 0 && queued > 0)
		fed_deliver_kick(j->hub->deliver);
	if (rc != 0)
		api_fail(r, rc, &e);
	else
		api_answer(r, 200,
		    json_pack("{s:s,s:b}", "id", j->a, "changed", !already));
	api_job_free(j);
}

static int
api_defer(struct http_req *r, struct api_job *j)
{
	j->r = r;
	j->hub = r->srv->hub;
	snprintf(j->user, sizeof(j->user), "%s", r->user);
	http_suspend(r);
	if (worker_submit(r->srv->hub->api_worker, api_run, j) != 0) {
		api_job_free(j);
		api_answer(r, 503,
		    json_pack("{s:s}", "error",
			"the hub is shutting down: try again"));
	}
	return HTTP_SUSPENDED;
}

static char *
dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* POST /api/hub/notes {"anonymous": true, "community", "text",
 * "visibility"?}: an anonymous post, waiting for the community's
 * moderators; 201 {"handle", "state"}. */
static int opt_bool(json_t *body, const char *key, int *bad);

static int
api_anon_note(struct http_req *r, json_t *body)
{
	const char *text, *vis_s, *group;
	struct api_job *j;
	int bad = 0, anon, vis = ST_VIS_PUBLIC;

	anon = opt_bool(body, "anonymous", &bad);
	text = opt_string(body, "text", &bad);
	vis_s = opt_string(body, "visibility", &bad);
	group = opt_string(body, "community", &bad);
	if (bad || !anon || text == NULL)
		return http_error(r, 422,
		    "\"anonymous\" must be true, \"text\" and "
		    "\"community\" strings");
	if (json_object_get(body, "in_reply_to") != NULL ||
	    json_object_get(body, "content_warning") != NULL)
		return http_error(r, 422,
		    "anonymous posts cannot be replies or carry a content "
		    "warning yet: leave out \"in_reply_to\" and "
		    "\"content_warning\"");
	if (group == NULL || group[0] == '\0')
		return http_error(r, 422,
		    "an anonymous post goes into a community: add "
		    "\"community\"");
	if (vis_s != NULL && (vis = hub_vis_parse(vis_s)) < 0)
		return http_error(
		    r, 422, "\"visibility\" must be public or unlisted");
	if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->b = strdup(text)) == NULL || (j->g = strdup(group)) == NULL) {
		if (j != NULL)
			free(j->b);
		free(j);
		return http_error(r, 500, "out of memory");
	}
	j->kind = API_ANON_NOTE;
	j->vis = vis;
	return api_defer(r, j);
}

/* Hand the call kind about a (in community g, or NULL) to the worker;
 * which: community moderation's key (api_job.which). */
static int
api_call(struct http_req *r, int kind, const char *a, const char *g, int which)
{
	struct api_job *j = calloc(1, sizeof(*j));

	if (j == NULL || (j->a = strdup(a)) == NULL ||
	    (g != NULL && (j->g = strdup(g)) == NULL)) {
		if (j != NULL)
			api_job_free(j);
		return http_error(r, 500, "out of memory");
	}
	j->kind = kind;
	j->which = which;
	return api_defer(r, j);
}

/* POST /api/hub/notes {text, visibility?, content_warning?,
 * in_reply_to?} and POST /api/hub/edit {id, text, content_warning?};
 * a learning post has {"learning": {...}} (learning.h) instead of text. */
static int
api_note(struct http_req *r, int edit)
{
	const char *text, *vis_s, *cw, *reply, *id, *group;
	json_t *learning;
	struct hub_post_opts o = { 0 };
	struct err e = { { 0 } };
	struct api_job *j;
	struct hub_post *p;
	int bad = 0, rc = MHD_NO, draft = 0;
	json_t *body;

	if ((body = api_body(r, &rc)) == NULL)
		return rc;
	if (!edit && json_object_get(body, "anonymous") != NULL) {
		rc = api_anon_note(r, body);
		goto out;
	}
	text = opt_string(body, "text", &bad);
	vis_s = opt_string(body, "visibility", &bad);
	cw = opt_string(body, "content_warning", &bad);
	reply = opt_string(body, "in_reply_to", &bad);
	id = opt_string(body, "id", &bad);
	group = opt_string(body, "community", &bad);
	learning = json_object_get(body, "learning");
	o = (struct hub_post_opts){ .vis = ST_VIS_PUBLIC,
		.cw = cw,
		.in_reply_to = reply,
		.group = group,
		.learning = learning };
	if (learning != NULL && text == NULL)
		text = "";
	if (bad || text == NULL || (edit && id == NULL)) {
		rc = http_error(r, 422,
		    edit
			? "\"id\" (the note's URL) and \"text\" must be strings"
			: "\"text\" must be a string; \"visibility\", "
			  "\"content_warning\" and \"in_reply_to\" are "
			  "optional strings");
		goto out;
	}
	if (vis_s != NULL && (o.vis = hub_vis_parse(vis_s)) < 0) {
		rc = http_error(r, 422,
		    "\"visibility\" must be public, "
		    "unlisted, followers or direct");
		goto out;
	}
	p = edit ? NULL
		 : hub_post_prepare(r->srv->hub, r->user, text, &o, &rc, &e);
	if (!edit && p == NULL && (rc == HUB_INVALID || rc == HUB_PII)) {
		rc = http_send_json(r, 422,
		    learning_refusal(learning, r->srv->hub->topics, text, cw,
			rc == HUB_PII, e.msg),
		    NULL, NULL);
		goto out;
	}
	if (!edit && p == NULL && rc != HUB_NEED_FETCH) {
		rc = http_error(r, web_status(rc, 500), e.msg);
		goto out;
	}
	if (p != NULL && needs_review(r, learning)) {
		hub_post_free(p);
		p = NULL;
		draft = 1;
	}
	if (p != NULL) {
		r->ctx = p;
		r->ctx_free = (void (*)(void *))hub_post_free;
		http_suspend(r);
		if (st_write_async(r->srv->hub->db, hub_post_apply, p,
			api_post_done, r) != 0) {
			err_set(&e, "the hub is shutting down: try again");
			api_post_done(r, ST_EIO, &e);
		}
		rc = HTTP_SUSPENDED;
		goto out;
	}
	/* An edit, or a mention to look up: on the worker. */
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		rc = http_error(r, 500, "out of memory");
		goto out;
	}
	j->kind = draft ? API_DRAFT : edit ? API_EDIT : API_NOTE;
	j->vis = o.vis;
	j->a = strdup(text);
	j->b = dup_or_null(cw);
	j->c = dup_or_null(reply);
	j->d = dup_or_null(id);
	j->g = dup_or_null(group);
	j->learning = json_incref(learning);
	rc = api_defer(r, j);
out:
	json_decref(body);
	return rc;
}

static int
route_api_notes(struct http_req *r)
{
	return api_note(r, 0);
}

static int
route_api_edit(struct http_req *r)
{
	return api_note(r, 1);
}

/* Whether the member r->user may read the note at iri, when it is
 * stored here (an unknown one is fetched by the call): reacting to a
 * hidden note would tell that it exists. */
static int
member_reads(struct http_req *r, const char *iri)
{
	struct st_txn *t;
	struct st_obj o;
	uint64_t id, me = 0;
	int ok = 1;

	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return 0;
	if (st_iri_get(t, iri, &id) == 0 && st_object_get(t, id, &o, NULL) == 0)
		ok = st_name_get(t, r->user, &me) == 0 && may_read(t, &o, me);
	st_read_end(t);
	return ok;
}

/* POST /api/hub/{like,unlike,boost,unboost,delete} {"id": URL},
 * /api/hub/{follow,unfollow} {"account": "@user@host" or URL} and
 * /api/hub/{approve,reject} {"account": URL} (follow requests). */
static int
route_api_act(struct http_req *r)
{
	static const struct {
		const char *path;
		int kind;
	} calls[] = { { "/api/hub/like", API_LIKE },
		{ "/api/hub/unlike", API_UNLIKE },
		{ "/api/hub/boost", API_BOOST },
		{ "/api/hub/unboost", API_UNBOOST },
		{ "/api/hub/delete", API_DELETE },
		{ "/api/hub/follow", API_FOLLOW },
		{ "/api/hub/unfollow", API_UNFOLLOW },
		{ "/api/hub/approve", API_APPROVE },
		{ "/api/hub/reject", API_REJECT } };
	const char *what;
	int bad = 0, rc = MHD_NO, kind = -1, account;
	size_t i;
	json_t *body;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		if (!strcmp(r->path, calls[i].path))
			kind = calls[i].kind;
	if (kind < 0)
		return http_error(r, 404, "there is no such API call");
	if ((body = api_body(r, &rc)) == NULL)
		return rc;
	account = kind >= API_FOLLOW;
	what = opt_string(body, account ? "account" : "id", &bad);
	if (bad || what == NULL || strlen(what) > 600)
		rc = http_error(r, 422,
		    kind >= API_APPROVE
			? "\"account\" must be the URL of the actor who asked "
			  "to follow"
			: account ? "\"account\" must be a handle (@user@host) "
				    "or an actor's URL"
				  : "\"id\" must be the URL of a note");
	else if (kind >= API_LIKE && kind <= API_UNBOOST &&
	    !member_reads(r, what))
		rc = http_error(r, 404, "there is no such note here");
	else
		rc = api_call(r, kind, what, NULL, 0);
	json_decref(body);
	return rc;
}

/* GET /api/hub/notifications: newest first, ?max_id= for older. */
static int
route_api_notifications(struct http_req *r)
{
	const char *max_s = http_query(r, "max_id");
	struct st_notification n[PAGE_SIZE];
	uint64_t me, before = 0;
	json_t *items = json_array(), *doc, *it;
	struct st_actor a;
	struct st_obj o;
	struct st_txn *t;
	const char *js;
	size_t len;
	char next[80], when[32], my_iri[600];
	json_t *note;
	int k, i, more = 0;

	if (max_s != NULL && parse_id(max_s, &before) < 0)
		return http_error(r, 400, "max_id must be an id (digits)");
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	k = st_name_get(t, r->user, &me) == 0
	    ? st_notify_page(t, me, before, n, PAGE_SIZE, &more)
	    : 0;
	my_iri[0] = '\0';
	if (k > 0 && st_actor_get(t, me, &a) == 0) {
		snprintf(my_iri, sizeof(my_iri), "%s", a.iri);
		st_actor_clear(&a);
	}
	for (i = 0; i < k; i++) {
		fed_as2_time((time_t)n[i].time, when, sizeof(when));
		it = json_pack("{s:I,s:s,s:s}", "id", (json_int_t)n[i].id,
		    "type", st_notify_name(n[i].type), "created_at", when);
		if (st_actor_get(t, n[i].actor, &a) == 0) {
			json_object_set_new(it, "account",
			    json_pack("{s:s,s:s}", "id", a.iri,
				"preferredUsername", a.name));
			st_actor_clear(&a);
		}
		if (n[i].object != 0 &&
		    st_object_peek(t, n[i].object, &o, &js, &len) == 0 &&
		    o.kind == ST_K_NOTE &&
		    (note = json_loadb(js, len, 0, NULL)) != NULL) {
			/* Only what the member may see (defence in depth:
			 * notifications are made only for those). */
			if (o.vis <= ST_VIS_UNLISTED || o.owner == me ||
			    (my_iri[0] && fed_note_addressed(note, my_iri)))
				json_object_set_new(it, "note", note);
			else
				json_decref(note);
		}
		json_array_append_new(items, it);
	}
	st_read_end(t);
	doc = json_pack("{s:o}", "items", items);
	if (more && k > 0) {
		snprintf(next, sizeof(next),
		    "/api/hub/notifications?max_id=%llu",
		    (unsigned long long)n[k - 1].id);
		json_object_set_new(doc, "next", json_string(next));
	}
	return http_send_json(r, 200, doc, NULL, NULL);
}

/* ---- communities: creation (admins) and moderation (moderators) ---- */

/* An optional boolean of body: 0 or 1, or -1 when of another type. */
static int
opt_bool(json_t *body, const char *key, int *bad)
{
	json_t *v = json_object_get(body, key);

	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_boolean(v))
		*bad = 1;
	return json_is_true(v);
}

/* Whether the API's member is one of the hub's admins. */
static int
api_admin(struct http_req *r)
{
	struct st_actor a;
	struct st_txn *t;
	uint64_t id;
	int admin = 0;

	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return 0;
	if (st_name_get(t, r->user, &id) == 0 && st_actor_get(t, id, &a) == 0) {
		admin = a.role == ST_ROLE_ADMIN;
		st_actor_clear(&a);
	}
	st_read_end(t);
	return admin;
}

/* POST /api/hub/communities {name, title?, summary?, locked?, moderated?,
 * restricted?, private?}: 201 with the community's id. */
static int
route_api_communities(struct http_req *r)
{
	const char *name, *title, *summary;
	struct api_job *j;
	int bad = 0, rc = MHD_NO, locked, moderated, restricted, private_;
	json_t *body;

	if (!api_admin(r))
		return http_error(r, 403,
		    "only the hub's admins create communities: ask one of "
		    "them");
	if ((body = api_body(r, &rc)) == NULL)
		return rc;
	name = opt_string(body, "name", &bad);
	title = opt_string(body, "title", &bad);
	summary = opt_string(body, "summary", &bad);
	locked = opt_bool(body, "locked", &bad);
	moderated = opt_bool(body, "moderated", &bad);
	restricted = opt_bool(body, "restricted", &bad);
	private_ = opt_bool(body, "private", &bad);
	if (bad || name == NULL)
		rc = http_error(r, 422,
		    "\"name\" must be a string; \"title\" and \"summary\" "
		    "are optional strings; \"locked\", \"moderated\", "
		    "\"restricted\" and \"private\" are optional true or "
		    "false");
	else if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->a = strdup(name)) == NULL) {
		free(j);
		rc = http_error(r, 500, "out of memory");
	} else {
		j->kind = API_COMMUNITY;
		j->b = dup_or_null(title);
		j->c = dup_or_null(summary);
		j->locked = locked;
		j->moderated = moderated;
		j->restricted = restricted;
		j->private_ = private_;
		rc = api_defer(r, j);
	}
	json_decref(body);
	return rc;
}

/* The NAME of /api/hub/communities/NAME/..., or -1. */
static int
path_community(const struct http_req *r, char *name, size_t cap)
{
	static const char prefix[] = "/api/hub/communities/";
	const char *p = r->path + sizeof(prefix) - 1, *slash;

	if (strncmp(r->path, prefix, sizeof(prefix) - 1) != 0 ||
	    (slash = strchr(p, '/')) == NULL || slash == p ||
	    (size_t)(slash - p) >= cap)
		return -1;
	memcpy(name, p, (size_t)(slash - p));
	name[slash - p] = '\0';
	return 0;
}

/* GET /api/hub/communities/NAME/pending and .../reports: moderators and
 * admins only. */
static int
route_api_community_list(struct http_req *r)
{
	struct err e = { { 0 } };
	char name[64];
	json_t *doc;
	int rc;

	if (path_community(r, name, sizeof(name)) < 0)
		return http_error(r, 404, "there is no such community");
	doc = !strcmp(strrchr(r->path, '/'), "/pending")
	    ? hub_group_pending(r->srv->hub, name, r->user, &rc, &e)
	    : hub_group_reports(r->srv->hub, name, r->user, &rc, &e);
	if (doc == NULL)
		return http_error(r, web_status(rc, 500), e.msg);
	return http_send_json(r, 200, doc, NULL, NULL);
}

/* POST /api/hub/communities/NAME/accept|reject {"object": URL}. */
static int
route_api_community_review(struct http_req *r)
{
	const char *what;
	char name[64];
	int bad = 0, rc = MHD_NO;
	json_t *body;

	if (path_community(r, name, sizeof(name)) < 0)
		return http_error(r, 404, "there is no such community");
	if ((body = api_body(r, &rc)) == NULL)
		return rc;
	what = opt_string(body, "object", &bad);
	if (bad || what == NULL || strlen(what) > 600)
		rc = http_error(r, 422,
		    "\"object\" must be the URL of a post waiting for "
		    "review");
	else
		rc = api_call(r,
		    !strcmp(strrchr(r->path, '/'), "/accept") ? API_HELD_ACCEPT
							      : API_HELD_REJECT,
		    what, name, 0);
	json_decref(body);
	return rc;
}

/* POST /api/hub/report {"object": URL, "comment": text?}: a member
 * reports a note or an account to the moderators. */
static int
route_api_report(struct http_req *r)
{
	const char *what, *comment;
	struct api_job *j;
	int bad = 0, rc = MHD_NO;
	json_t *body;

	if ((body = api_body(r, &rc)) == NULL)
		return rc;
	what = opt_string(body, "object", &bad);
	comment = opt_string(body, "comment", &bad);
	if (bad || what == NULL || strlen(what) > 600)
		rc = http_error(r, 422,
		    "\"object\" must be the URL of a post or an account; "
		    "\"comment\" is an optional string");
	else if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->a = strdup(what)) == NULL) {
		free(j);
		rc = http_error(r, 500, "out of memory");
	} else {
		j->kind = API_REPORT;
		j->b = dup_or_null(comment);
		rc = api_defer(r, j);
	}
	json_decref(body);
	return rc;
}

/* GET /api/hub/anonymous: the member's own anonymous posts. */
static int
route_api_anon_list(struct http_req *r)
{
	struct err e = { { 0 } };
	json_t *doc;
	int rc;

	if ((doc = hub_anon_list(r->srv->hub, r->user, &rc, &e)) == NULL)
		return http_error(r, web_status(rc, 500), e.msg);
	r->private_resp = 1;
	return http_send_json(r, 200, doc, NULL, NULL);
}

/* POST /api/hub/anonymous/edit {"handle", "text"} and .../delete
 * {"handle"}: the author's own anonymous post. */
static int
route_api_anon_change(struct http_req *r)
{
	int bad = 0, rc = MHD_NO,
	    edit = !strcmp(strrchr(r->path, '/'), "/edit");
	const char *handle, *text;
	struct api_job *j;
	json_t *body;

	if ((body = api_body(r, &rc)) == NULL)
		return rc;
	handle = opt_string(body, "handle", &bad);
	text = opt_string(body, "text", &bad);
	if (bad || handle == NULL || strlen(handle) > 64 ||
	    (edit && text == NULL))
		rc = http_error(r, 422,
		    edit ? "\"handle\" and \"text\" must be strings"
			 : "\"handle\" must be a string");
	else if ((j = calloc(1, sizeof(*j))) == NULL ||
	    (j->a = strdup(handle)) == NULL ||
	    (edit && (j->b = strdup(text)) == NULL)) {
		if (j != NULL)
			free(j->a);
		free(j);
		rc = http_error(r, 500, "out of memory");
	} else {
		j->kind = edit ? API_ANON_EDIT : API_ANON_DELETE;
		rc = api_defer(r, j);
	}
	json_decref(body);
	return rc;
}

/* ---- communities: what members see, and their moderators' calls ---- */

/* ?limit=: 1 to HUB_PAGE_MAX, PAGE_SIZE when absent; -1 when bad. */
static int
query_limit(const struct http_req *r)
{
	const char *s = http_query(r, "limit");
	uint64_t n;

	if (s == NULL)
		return PAGE_SIZE;
	if (parse_id(s, &n) < 0 || n < 1 || n > HUB_PAGE_MAX)
		return -1;
	return (int)n;
}

/* GET /api/hub/communities?order=newest|name&limit=&after=NAME: this
 * hub's communities (hub_group_directory, as hubctl group list). */
static int
route_api_directory(struct http_req *r)
{
	const char *order = http_query(r, "order"), *after;
	struct err e = { { 0 } };
	int limit = query_limit(r), by_name, rc;
	char next[200];
	json_t *doc;

	after = http_query(r, "after");
	if (limit < 0)
		return http_error(
		    r, 400, "limit must be a number from 1 to 100");
	if (order != NULL && strcmp(order, "name") && strcmp(order, "newest"))
		return http_error(r, 400,
		    "order must be \"newest\" (the default) or \"name\"");
	by_name = order != NULL && !strcmp(order, "name");
	if (after != NULL && strlen(after) > 64)
		return http_error(r, 400,
		    "after must be a community's name: use the \"next\" of "
		    "the page before");
	if ((doc = hub_group_directory(
		 r->srv->hub, by_name, after, limit, &rc, &e)) == NULL)
		return http_error(
		    r, rc == ST_NOTFOUND ? 400 : web_status(rc, 500), e.msg);
	if (json_string_value(json_object_get(doc, "next")) != NULL) {
		snprintf(next, sizeof(next),
		    "/api/hub/communities?order=%s&limit=%d&after=%s",
		    by_name ? "name" : "newest", limit,
		    json_string_value(json_object_get(doc, "next")));
		json_object_set_new(doc, "next", json_string(next));
	}
	return http_send_json(r, 200, doc, NULL, NULL);
}

/* GET /api/hub/communities/joined: the communities the member joined,
 * here and elsewhere, accepted or pending. */
static int
route_api_joined(struct http_req *r)
{
	struct err e = { { 0 } };
	json_t *doc;
	int rc;

	if ((doc = hub_group_joined(r->srv->hub, r->user, &rc, &e)) == NULL)
		return http_error(r, web_status(rc, 500), e.msg);
	return http_send_json(r, 200, doc, NULL, NULL);
}

/* GET /api/hub/communities/NAME/timeline?limit=&max_id=: what the
 * community passed on, newest first. */
static int
route_api_community_timeline(struct http_req *r)
{
	const char *max_s = http_query(r, "max_id");
	struct err e = { { 0 } };
	int limit = query_limit(r), rc;
	char name[64], next[200];
	uint64_t before = 0;
	json_t *doc;

	if (path_community(r, name, sizeof(name)) < 0)
		return http_error(r, 404, "there is no such community");
	if (limit < 0)
		return http_error(
		    r, 400, "limit must be a number from 1 to 100");
	if (max_s != NULL && parse_id(max_s, &before) < 0)
		return http_error(r, 400,
		    "max_id must be a number: use the \"next\" of the page "
		    "before");
	if ((doc = hub_group_timeline(
		 r->srv->hub, name, r->user, before, limit, &rc, &e)) == NULL)
		return http_error(r, web_status(rc, 500), e.msg);
	if (json_string_value(json_object_get(doc, "next")) != NULL) {
		snprintf(next, sizeof(next),
		    "/api/hub/communities/%s/timeline?limit=%d&max_id=%s", name,
		    limit, json_string_value(json_object_get(doc, "next")));
		json_object_set_new(doc, "next", json_string(next));
	}
	return http_send_json(r, 200, doc, NULL, NULL);
}

/* The moderators' calls: POST /api/hub/communities/NAME/CALL with one
 * of the call's keys (which says what it is about). */
static const struct group_call {
	const char *call;
	int kind;
	const char *keys[2];
	const char *help;
} group_calls[] = {
	{ "remove", API_GROUP_REMOVE, { "object", NULL },
	    "send {\"object\": the URL of the post to take out of the "
	    "community}" },
	{ "ban", API_GROUP_BAN, { "actor", "host" },
	    "send {\"actor\": an actor's URL, @user@host or a member's "
	    "name} or {\"host\": a server's name, like example.org}" },
	{ "unban", API_GROUP_UNBAN, { "actor", "host" },
	    "send {\"actor\": an actor's URL, @user@host or a member's "
	    "name} or {\"host\": a server's name, like example.org}" },
	{ "mods", API_GROUP_MODS, { "add", "remove" },
	    "send {\"add\": a member} or {\"remove\": a member} (their name "
	    "or URL)" },
	{ "approve", API_GROUP_APPROVE, { "actor", NULL },
	    "send {\"actor\": the URL of the actor who asked to join}" },
	{ "deny", API_GROUP_DENY, { "actor", NULL },
	    "send {\"actor\": the URL of the actor who asked to join}" },
};

/* A server's name as a host ban takes it: letters, digits, dots,
 * hyphens and a port. */
static int
host_name(const char *s)
{
	size_t n = strspn(
	    s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:");

	return n > 0 && n <= 253 && s[n] == '\0' && s[0] != '.' && s[0] != '-';
}

/* Which of c's keys body has, alone, as a string (what): 0 or 1, or -1. */
static int
call_key(const struct group_call *c, json_t *body, const char **what)
{
	const json_t *v0 = json_object_get(body, c->keys[0]);
	const json_t *v1 =
	    c->keys[1] ? json_object_get(body, c->keys[1]) : NULL;
	const json_t *v = v0 ? v0 : v1;

	if ((v0 == NULL) == (v1 == NULL) || !json_is_string(v) ||
	    json_string_length(v) == 0 || json_string_length(v) > 600)
		return -1;
	*what = json_string_value(v);
	return v0 ? 0 : 1;
}

/* POST /api/hub/communities/NAME/{remove,ban,unban,mods,approve,deny}:
 * checked here, done on the worker (api_group_job). */
static int
route_api_community_mod(struct http_req *r)
{
	const struct group_call *c = NULL;
	const char *what = NULL, *call = strrchr(r->path, '/') + 1;
	char name[64];
	int rc = MHD_NO, which;
	json_t *body;
	size_t i;

	for (i = 0; i < sizeof(group_calls) / sizeof(group_calls[0]); i++)
		if (!strcmp(call, group_calls[i].call))
			c = &group_calls[i];
	if (c == NULL || path_community(r, name, sizeof(name)) < 0)
		return http_error(r, 404, "there is no such API call");
	if ((body = api_body(r, &rc)) == NULL)
		return rc;
	if ((which = call_key(c, body, &what)) < 0)
		rc = http_error(r, 422, c->help);
	else if (c->kind <= API_GROUP_UNBAN && which == 1 && !host_name(what))
		rc = http_error(r, 422,
		    "\"host\" must be a server's name, like example.org");
	else
		rc = api_call(r, c->kind, what, name, which);
	json_decref(body);
	return rc;
}

/* A moderator's call, on the worker, through the functions hubctl's
 * group commands use. */
static void
api_group_job(struct api_job *j)
{
	static const char *const done[] = { "removed", "banned", "unbanned",
		"moderators changed", "approved", "denied" };
	struct err e = { { 0 } };
	int rc, queued = 0, k = j->kind;

	if (k == API_GROUP_REMOVE)
		rc = hub_group_remove(j->hub, j->g, j->a, j->user, &e);
	else if (k == API_GROUP_BAN || k == API_GROUP_UNBAN)
		rc = hub_group_list(j->hub, j->g,
		    j->which ? ST_GL_BAN_HOST : ST_GL_BAN_ACTOR, j->a,
		    k == API_GROUP_BAN, j->user, &e);
	else if (k == API_GROUP_MODS)
		rc = hub_group_list(
		    j->hub, j->g, ST_GL_MOD, j->a, j->which == 0, j->user, &e);
	else
		rc = hub_group_answer(j->hub, j->g, j->a,
		    k == API_GROUP_APPROVE, j->user, &queued, &e);
	if (rc == 0) {
		fed_deliver_kick(j->hub->deliver);
		api_answer(j->r, 200,
		    json_pack("{s:s,s:s,s:s}", "community", j->g, "done",
			done[k - API_GROUP_REMOVE], "about", j->a));
	} else
		api_fail(j->r, rc, &e);
	api_job_free(j);
}

/* Longest note body: 5000 characters, each escaped as a surrogate pair
 * (12 bytes), plus the other fields. */
#define NOTE_BODY_MAX (128 * 1024)
/* A learning post: sections of up to LEARNING_TOTAL_MAX characters,
 * up to 4 bytes each, percent-encoded in forms. */
#define LEARN_BODY_MAX (1024 * 1024)
#define WEB_FORM_MAX   (16 * 1024)

const struct http_route routes[] = {
	{ "GET", "/", web_home, 0, NULL },
	{ "GET", "/signin", web_signin_get, 0, NULL },
	{ "POST", "/signin", web_signin_post, WEB_FORM_MAX, NULL },
	{ "POST", "/signout", web_signout_post, WEB_FORM_MAX, NULL },
	{ "GET", "/signup", web_signup_get, 0, NULL },
	{ "POST", "/signup", web_signup_post, WEB_FORM_MAX, NULL },
	{ "GET", "/settings/password", web_password_get, 0, NULL },
	{ "POST", "/settings/password", web_password_post, WEB_FORM_MAX, NULL },
	/* Writing and reading posts (web_post.c). */
	{ "GET", "/write", web_write_get, 0, NULL },
	{ "POST", "/write", web_write_post, NOTE_BODY_MAX, NULL },
	{ "GET", "/edit", web_edit_get, 0, NULL },
	{ "POST", "/edit", web_edit_post, NOTE_BODY_MAX, NULL },
	{ "GET", "/delete", web_delete_get, 0, NULL },
	{ "POST", "/delete", web_delete_post, WEB_FORM_MAX, NULL },
	{ "POST", "/like", web_react_post, WEB_FORM_MAX, NULL },
	{ "POST", "/unlike", web_react_post, WEB_FORM_MAX, NULL },
	{ "POST", "/boost", web_react_post, WEB_FORM_MAX, NULL },
	{ "POST", "/unboost", web_react_post, WEB_FORM_MAX, NULL },
	{ "POST", "/feature", web_feature_post, WEB_FORM_MAX, NULL },
	{ "POST", "/unfeature", web_feature_post, WEB_FORM_MAX, NULL },
	{ "GET", "/notes", web_notes_get, 0, NULL },
	{ "GET", "/static/hub.css", route_css, 0, NULL },
	{ "GET", "/.well-known/webfinger", route_webfinger, 0, NULL },
	{ "GET", "/.well-known/host-meta", route_host_meta, 0, NULL },
	{ "GET", "/.well-known/nodeinfo", route_nodeinfo_index, 0, NULL },
	{ "GET", "/nodeinfo/2.0", route_nodeinfo, 0, NULL },
	{ "GET", "/nodeinfo/2.1", route_nodeinfo, 0, NULL },
	{ "GET", "/actor", route_object, 0, NULL },
	{ "GET", "/actor/collections/featured", route_featured, 0, NULL },
	{ "GET", "/users/*", route_object, 0, NULL },
	{ "GET", "/users/*/statuses/*", route_object, 0, NULL },
	{ "GET", "/users/*/statuses/*/activity", route_object, 0, NULL },
	{ "GET", "/users/*/statuses/*/replies", route_note_collection, 0,
	    NULL },
	{ "GET", "/users/*/statuses/*/likes", route_note_collection, 0, NULL },
	{ "GET", "/users/*/statuses/*/shares", route_note_collection, 0, NULL },
	{ "GET", "/users/*/outbox", route_outbox, 0, NULL },
	{ "GET", "/users/*/followers", route_collection, 0, NULL },
	{ "GET", "/users/*/following", route_collection, 0, NULL },
	{ "GET", "/users/*/collections/featured", route_collection, 0, NULL },
	{ "GET", "/c/*", route_object, 0, NULL },
	{ "GET", "/c/*/posts/*", route_object, 0, NULL },
	{ "GET", "/c/*/posts/*/activity", route_object, 0, NULL },
	{ "GET", "/c/*/posts/*/replies", route_note_collection, 0, NULL },
	{ "GET", "/c/*/posts/*/likes", route_note_collection, 0, NULL },
	{ "GET", "/c/*/posts/*/shares", route_note_collection, 0, NULL },
	{ "GET", "/c/*/outbox", route_outbox, 0, NULL },
	{ "GET", "/c/*/followers", route_collection, 0, NULL },
	{ "GET", "/c/*/following", route_collection, 0, NULL },
	{ "GET", "/c/*/moderators", route_collection, 0, NULL },
	{ "GET", "/c/*/collections/featured", route_collection, 0, NULL },
	{ "GET", "/tags/*", route_tag, 0, NULL },
	/* Learning posts (web_learn.c). */
	{ "GET", "/ns/learning", web_learn_context, 0, NULL },
	{ "GET", "/cite", web_learn_cite, 0, NULL },
	{ "GET", "/learn/new", web_learn_new_get, 0, NULL },
	{ "POST", "/learn/new", web_learn_new_post, LEARN_BODY_MAX, NULL },
	{ "GET", "/learn/edit", web_learn_edit_get, 0, NULL },
	{ "POST", "/learn/edit", web_learn_edit_post, LEARN_BODY_MAX, NULL },
	/* Editorial review (web_review.c). */
	{ "GET", "/drafts", web_drafts, 0, NULL },
	{ "GET", "/drafts/edit", web_learn_draft_get, 0, NULL },
	{ "POST", "/drafts/act", web_drafts_act, WEB_FORM_MAX, NULL },
	{ "POST", "/drafts/hold", web_drafts_hold, WEB_FORM_MAX, NULL },
	{ "GET", "/review", web_review, 0, NULL },
	{ "GET", "/review/item", web_review_item, 0, NULL },
	{ "POST", "/review/act", web_review_act, WEB_FORM_MAX, NULL },
	{ "POST", "/review/types", web_review_types_post, WEB_FORM_MAX, NULL },
	{ "POST", "/inbox", inbox_route, HTTP_BODY_MAX, inbox_precheck },
	{ "POST", "/actor/inbox", inbox_route, HTTP_BODY_MAX, inbox_precheck },
	{ "POST", "/users/*/inbox", inbox_route, HTTP_BODY_MAX,
	    inbox_precheck },
	{ "POST", "/c/*/inbox", inbox_route, HTTP_BODY_MAX, inbox_precheck },
	{ "POST", "/api/hub/notes", route_api_notes, LEARN_BODY_MAX,
	    api_precheck },
	{ "GET", "/api/hub/timeline", route_api_timeline, 0, api_precheck },
	{ "GET", "/api/hub/search", web_api_search, 0, NULL },
	{ "GET", "/api/hub/notifications", route_api_notifications, 0,
	    api_precheck },
	{ "POST", "/api/hub/edit", route_api_edit, LEARN_BODY_MAX,
	    api_precheck },
	{ "POST", "/api/hub/communities", route_api_communities, 16384,
	    api_precheck },
	{ "GET", "/api/hub/communities", route_api_directory, 0, api_precheck },
	{ "GET", "/api/hub/communities/joined", route_api_joined, 0,
	    api_precheck },
	{ "GET", "/api/hub/communities/*/timeline",
	    route_api_community_timeline, 0, api_precheck },
	{ "GET", "/api/hub/communities/*/pending", route_api_community_list, 0,
	    api_precheck },
	{ "GET", "/api/hub/communities/*/reports", route_api_community_list, 0,
	    api_precheck },
	{ "POST", "/api/hub/communities/*/accept", route_api_community_review,
	    4096, api_precheck },
	{ "POST", "/api/hub/communities/*/reject", route_api_community_review,
	    4096, api_precheck },
	{ "POST", "/api/hub/communities/*/*", route_api_community_mod, 4096,
	    api_precheck },
	{ "POST", "/api/hub/report", route_api_report, 8192, api_precheck },
	{ "GET", "/api/hub/anonymous", route_api_anon_list, 0, api_precheck },
	{ "POST", "/api/hub/anonymous/edit", route_api_anon_change,
	    NOTE_BODY_MAX, api_precheck },
	{ "POST", "/api/hub/anonymous/delete", route_api_anon_change, 4096,
	    api_precheck },
	{ "POST", "/api/hub/*", route_api_act, 4096, api_precheck },
	{ "GET", "/users/*/feed.rss", route_feed, 0, NULL },
	{ "GET", "/users/*/feed.atom", route_feed, 0, NULL },
	{ "GET", "/c/*/feed.rss", route_feed, 0, NULL },
	{ "GET", "/c/*/feed.atom", route_feed, 0, NULL },
	{ "GET", "/tags/*/feed.rss", route_feed, 0, NULL },
	{ "GET", "/tags/*/feed.atom", route_feed, 0, NULL },
	/* people: profiles, follows, notifications, settings (web_social) */
	{ "GET", "/profile", web_profile_remote, 0, NULL },
	{ "GET", "/notifications", web_notifications, 0, NULL },
	{ "POST", "/follow", web_follow_post, WEB_FORM_MAX, NULL },
	{ "POST", "/unfollow", web_follow_post, WEB_FORM_MAX, NULL },
	{ "POST", "/follow-requests/approve", web_follow_post, WEB_FORM_MAX,
	    NULL },
	{ "POST", "/follow-requests/reject", web_follow_post, WEB_FORM_MAX,
	    NULL },
	{ "GET", "/settings", web_settings_get, 0, NULL },
	{ "POST", "/settings", web_settings_post, WEB_FORM_MAX, NULL },
	/* The home page, communities, tags and search (web_home.c). */
	{ "GET", "/communities", web_communities, 0, NULL },
	{ "POST", "/join", web_join_post, WEB_FORM_MAX, NULL },
	{ "POST", "/leave", web_join_post, WEB_FORM_MAX, NULL },
	{ "GET", "/search", web_search, 0, NULL },
	/* moderation and administration (web_admin.c) */
	{ "GET", "/moderation", web_moderation_get, 0, NULL },
	{ "POST", "/moderation/*", web_moderation_post, WEB_FORM_MAX, NULL },
	{ "POST", "/moderation/c/*/*", web_moderation_post, WEB_FORM_MAX,
	    NULL },
	{ "GET", "/admin", web_admin_get, 0, NULL },
	{ "POST", "/admin/*", web_admin_post, WEB_FORM_MAX, NULL },
	{ "POST", "/admin/users/*/*", web_admin_post, WEB_FORM_MAX, NULL },
	/* the patient-safety topics (web_topics.c) */
	{ "GET", "/topics", web_topics, 0, NULL },
	{ "GET", "/topics/*", web_topic, 0, NULL },
	{ "GET", "/*", route_at, 0, NULL },
};
const size_t nroutes = sizeof(routes) / sizeof(routes[0]);
