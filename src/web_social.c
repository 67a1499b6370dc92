#include "web_social.h"

#include <jansson.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "block.h"
#include "err.h"
#include "fed_as2.h"
#include "fed_deliver.h"
#include "fed_fetch.h"
#include "fed_inbox.h"
#include "fed_webfinger.h"
#include "http.h"
#include "hub.h"
#include "log.h"
#include "page.h"
#include "profile.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_follow.h"
#include "st_object.h"
#include "st_social.h"
#include "web.h"
#include "worker.h"

#define POSTS_PAGE  20
#define PEOPLE_PAGE 50
#define NOTIFY_PAGE 30
#define ID_MAX	    600 /* bytes of an actor IRI or handle in a form */

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* s percent-encoded for a query string (safe in an attribute too). */
static void
urlenc(struct buf *b, const char *s)
{
	static const char hexd[] = "0123456789ABCDEF";
	unsigned char c;

	for (; s != NULL && *s; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) != NULL)
			buf_addc(b, (char)c);
		else
			buf_printf(b, "%%%c%c", hexd[c >> 4], hexd[c & 15]);
	}
}

/* Where a person's page is here: a member's actor URL, or /profile. */
static void
person_href(struct buf *b, const struct st_actor *a)
{
	if (a->flags & ST_AF_LOCAL) {
		page_text(b, a->iri);
		return;
	}
	buf_adds(b, "/profile?id=");
	urlenc(b, a->iri);
}

static void
handle_of(const struct st_actor *a, char *out, size_t cap)
{
	char host[256];

	fed_url_host(a->iri, host, sizeof(host));
	snprintf(out, cap, "@%s@%s", a->name, host);
}

/* A person's name linked to their page, with their handle. */
static void
person_link(struct buf *b, const struct st_actor *a)
{
	char handle[400];

	handle_of(a, handle, sizeof(handle));
	buf_adds(b, "<a href=\"");
	person_href(b, a);
	buf_adds(b, "\">");
	page_text(b, a->display_name[0] ? a->display_name : a->name);
	buf_adds(b, "</a> <span class=\"meta\">");
	page_text(b, handle);
	buf_adds(b, "</span>");
}

/* A one-button form posting id (and where to come back to). */
static void
id_button(struct buf *b, const char *action, const char *csrf, const char *id,
    const char *next, const char *label)
{
	buf_adds(b, "<form class=\"inline\" method=\"post\" action=\"");
	page_text(b, action);
	buf_adds(b, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
	page_text(b, csrf);
	buf_adds(b, "\"><input type=\"hidden\" name=\"id\" value=\"");
	page_text(b, id);
	buf_adds(b, "\"><input type=\"hidden\" name=\"next\" value=\"");
	page_text(b, next);
	buf_adds(b, "\"><button type=\"submit\">");
	page_text(b, label);
	buf_adds(b, "</button></form>");
}

/* ---- profiles ---- */

/* What a profile shows, local or remote. */
struct person {
	const struct st_actor *a;
	const char *summary_html; /* rendered or sanitized here, or NULL */
	const char *avatar;	  /* checked URL, or NULL */
	int locked;
	uint64_t followers, following;
};

/* The follow state of viewer me towards them, as buttons. */
static void
follow_buttons(struct buf *b, struct st_txn *t, const struct page_viewer *v,
    uint64_t me, const struct st_actor *a, const char *next)
{
	int state;

	if (v == NULL || me == 0 || me == a->id)
		return;
	buf_adds(b, "<p>");
	if (st_follow_get(t, me, a->id, &state, NULL) != 0)
		id_button(b, "/follow", v->csrf, a->iri, next, "Follow");
	else if (state == ST_FOLLOW_ACCEPTED) {
		buf_adds(b, "You follow them. ");
		id_button(b, "/unfollow", v->csrf, a->iri, next, "Unfollow");
	} else {
		buf_adds(b,
		    "<strong>Requested</strong>: they have not answered "
		    "your request to follow them yet. ");
		id_button(
		    b, "/unfollow", v->csrf, a->iri, next, "Cancel request");
	}
	buf_adds(b, "</p>");
}

static void
person_head(struct buf *b, const struct person *p)
{
	const struct st_actor *a = p->a;
	const char *name = a->display_name[0] ? a->display_name : a->name;
	char handle[400];

	handle_of(a, handle, sizeof(handle));
	buf_adds(b, "<div class=\"h-card\">");
	if (p->avatar != NULL) {
		buf_adds(b,
		    "<img class=\"avatar\" width=\"96\" height=\"96\" "
		    "src=\"");
		page_text(b, p->avatar);
		buf_adds(b, "\" alt=\"");
		page_text(b, name);
		buf_adds(b, "\">");
	}
	buf_adds(b, "<h1>");
	page_text(b, name);
	buf_adds(b, "</h1><p class=\"meta\">");
	page_text(b, handle);
	if (p->locked)
		buf_adds(b,
		    " · locked account: they approve each new "
		    "follower");
	buf_adds(b, "</p>");
	/* HTML the hub rendered itself from escaped text. */
	if (p->summary_html != NULL)
		buf_adds(b, p->summary_html);
	buf_adds(b, "</div>");
}

static void
counts(struct buf *b, const struct person *p)
{
	const struct st_actor *a = p->a;
	int local = (a->flags & ST_AF_LOCAL) != 0;

	buf_adds(b, "<ul class=\"counts\">");
	if (local)
		buf_printf(b, "<li>%llu post%s</li>",
		    (unsigned long long)a->posts, a->posts == 1 ? "" : "s");
	buf_adds(b, "<li>");
	if (local) {
		buf_adds(b, "<a href=\"");
		page_text(b, a->iri);
		buf_adds(b, "/followers\">");
	}
	buf_printf(b, "%llu follower%s", (unsigned long long)p->followers,
	    p->followers == 1 ? "" : "s");
	buf_adds(b, local ? "</a></li><li><a href=\"" : "</li><li>");
	if (local) {
		page_text(b, a->iri);
		buf_adds(b, "/following\">");
	}
	buf_printf(b, "%llu following", (unsigned long long)p->following);
	buf_adds(b, local ? "</a></li></ul>" : "</li></ul>");
}

/* The member's public posts older than before, newest first. */
static void
local_posts(
    struct buf *b, struct st_txn *t, const struct st_actor *a, uint64_t before)
{
	struct st_outbox_item it[POSTS_PAGE];
	json_t *c;
	int n, i, more = 0;

	buf_adds(b, "<h2>Posts</h2>");
	n = st_outbox_page(
	    t, a->id, before, ST_VIS_UNLISTED, it, POSTS_PAGE, &more);
	if (n <= 0)
		buf_adds(b, "<p>Nothing shared here yet.</p>");
	for (i = 0; i < n; i++) {
		if ((c = json_loadb(it[i].json, it[i].len, 0, NULL)) == NULL)
			continue;
		page_note_item(b, json_object_get(c, "object"));
		json_decref(c);
	}
	if (more && n > 0) {
		buf_adds(b, "<p><a href=\"");
		page_text(b, a->iri);
		buf_printf(b, "?max_id=%llu\">Older posts</a></p>",
		    (unsigned long long)it[n - 1].note);
	}
}

/* An avatar the page may show: https:, or this hub's own. */
static const char *
avatar_of(const json_t *doc, const struct config *cfg)
{
	const char *u = str(json_object_get(doc, "icon"), "url");
	size_t blen = strlen(cfg->base_url);

	if (u == NULL || strcspn(u, " \"'<>\\") != strlen(u))
		return NULL;
	if (!strncasecmp(u, "https://", 8) ||
	    (!strncmp(u, cfg->base_url, blen) && u[blen] == '/'))
		return u;
	return NULL;
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

int
web_profile_is_person(const char *js, size_t len)
{
	json_t *doc = json_loadb(js, len, 0, NULL);
	int yes = doc != NULL && str(doc, "type") != NULL &&
	    !strcmp(str(doc, "type"), "Person");

	json_decref(doc);
	return yes;
}

int
web_profile_local(struct http_req *r, struct st_txn *t, uint64_t id,
    const char *js, size_t len, const char *etag)
{
	const struct page_viewer *v = web_viewer(r);
	json_t *doc = json_loadb(js, len, 0, NULL);
	struct person p = { 0 };
	struct st_actor a;
	uint64_t before = 0, me = 0;
	char tag[160], feed[600];
	const char *h[] = { "Vary", "Accept", "ETag", tag, NULL };
	const char *inm = http_header(r, "If-None-Match");
	struct buf b;

	if (parse_id(http_query(r, "max_id"), &before) < 0)
		before = 0;
	if (doc == NULL || st_actor_get(t, id, &a) != 0) {
		json_decref(doc);
		return http_error(r, 404, "there is nothing at this address");
	}
	p.a = &a;
	p.summary_html = str(doc, "summary");
	p.avatar = avatar_of(doc, r->srv->cfg);
	p.locked = (a.flags & ST_AF_LOCKED) != 0;
	st_follow_count(t, id, 1, ST_FOLLOW_ACCEPTED, &p.followers);
	st_follow_count(t, id, 0, ST_FOLLOW_ACCEPTED, &p.following);
	if (v != NULL)
		st_name_get(t, v->name, &me);
	/* The page shows counts the object's ETag does not follow: add
	 * them. A member's page (their follow state) gets none. */
	snprintf(tag, sizeof(tag), "%.*s-%llx-%llx-%llx\"",
	    (int)(etag ? strlen(etag) - 1 : 0), etag ? etag : "",
	    (unsigned long long)p.followers, (unsigned long long)p.following,
	    (unsigned long long)before);
	if (v != NULL || etag == NULL)
		h[2] = NULL;
	else if (inm != NULL && strstr(inm, tag) != NULL) {
		json_decref(doc);
		st_actor_clear(&a);
		return http_send(r, 304, NULL, NULL, 0, h);
	}
	buf_init(&b, 0);
	snprintf(feed, sizeof(feed), "%s/feed", a.iri);
	page_begin_feeds(&b, r->srv->cfg, v,
	    a.display_name[0] ? a.display_name : a.name, a.iri,
	    (a.flags & ST_AF_DISABLED) ? NULL : feed);
	person_head(&b, &p);
	counts(&b, &p);
	if (!(a.flags & ST_AF_DISABLED))
		page_feed_anchors(&b, feed);
	follow_buttons(&b, t, v, me, &a, r->path);
	if (v != NULL && me == id)
		buf_adds(&b,
		    "<p><a href=\"/settings\">Change your "
		    "profile</a></p>");
	local_posts(&b, t, &a, before);
	page_end(&b);
	json_decref(doc);
	st_actor_clear(&a);
	return web_send(r, 200, &b, h);
}

/* Notes of them in the viewer's home timeline (the posts of a remote
 * actor known here that the viewer may read), newest first. */
static void
remote_posts(struct buf *b, struct st_txn *t, uint64_t me, uint64_t them)
{
	uint64_t ids[100], before = 0;
	int n, i, k, more = 1, shown = 0;
	struct st_obj o;
	const char *js;
	json_t *note;
	size_t len;

	buf_adds(b, "<h2>Their posts you can see here</h2>");
	for (k = 0; k < 5 && more && me != 0 && shown < POSTS_PAGE; k++) {
		n = st_timeline_page(t, me, before, ids, 100, &more);
		for (i = 0; i < n && shown < POSTS_PAGE; i++) {
			before = ids[i];
			if (st_object_peek(t, ids[i], &o, &js, &len) != 0 ||
			    o.kind != ST_K_NOTE || o.owner != them ||
			    (note = json_loadb(js, len, 0, NULL)) == NULL)
				continue;
			page_note_item(b, note);
			json_decref(note);
			shown++;
		}
		if (n <= 0)
			break;
	}
	if (shown == 0)
		buf_adds(b,
		    "<p>None yet. When you follow them, their new posts "
		    "reach you here.</p>");
}

static void
remote_page(struct buf *b, struct http_req *r, struct st_txn *t,
    const struct page_viewer *v, const struct st_actor *a)
{
	struct person p = { .a = a, .locked = (a->flags & ST_AF_LOCKED) != 0 };
	const char *page = a->url != NULL && a->url[0] ? a->url : a->iri;
	uint64_t me = 0;

	/* Sanitized once, on ingest (fed_actor_from_json), and the avatar
	 * is an https URL with nothing that breaks out of an attribute. */
	if (a->summary != NULL && a->summary[0] != '\0')
		p.summary_html = a->summary;
	if (a->icon != NULL && a->icon[0] != '\0')
		p.avatar = a->icon;
	struct buf next;

	if (v != NULL)
		st_name_get(t, v->name, &me);
	st_follow_count(t, a->id, 1, ST_FOLLOW_ACCEPTED, &p.followers);
	st_follow_count(t, a->id, 0, ST_FOLLOW_ACCEPTED, &p.following);
	buf_init(&next, 0);
	buf_adds(&next, "/profile?id=");
	urlenc(&next, a->iri);
	buf_addc(&next, '\0');
	page_begin(b, r->srv->cfg, v,
	    a->display_name[0] ? a->display_name : a->name, NULL);
	person_head(b, &p);
	buf_adds(b, "<p class=\"meta\">Counted here: ");
	buf_printf(b, "%llu follower%s and %llu followed on this hub. ",
	    (unsigned long long)p.followers, p.followers == 1 ? "" : "s",
	    (unsigned long long)p.following);
	buf_adds(b, "<a href=\"");
	page_text(b, page);
	buf_adds(b, "\">Their profile on their own server</a></p>");
	follow_buttons(b, t, v, me, a, next.failed ? "/" : next.data);
	buf_free(&next);
	remote_posts(b, t, me, a->id);
	page_end(b);
}

/* ---- work on the worker (network lookups, durable writes) ---- */

enum job_kind {
	J_RESOLVE,
	J_FOLLOW,
	J_UNFOLLOW,
	J_APPROVE,
	J_REJECT,
	J_SETTINGS
};

struct job {
	struct http_req *r;
	struct hub *hub;
	int kind;
	json_t *form; /* J_SETTINGS */
	struct page_viewer v;
	char id[ID_MAX + 1];
	char next[512];
};

static void
answer_error(struct job *j, unsigned status, const char *msg)
{
	struct buf b;

	buf_init(&b, 0);
	page_error(&b, j->r->srv->cfg, &j->v, status, msg);
	web_resume_page(j->r, status, &b, NULL);
}

static unsigned
status_of(int rc)
{
	switch (rc) {
	case ST_NOTFOUND: return 404;
	case ST_GONE: return 410;
	case HUB_INVALID: return 422;
	case HUB_FORBIDDEN: return 403;
	default: return 503;
	}
}

static void settings_form(struct buf *b, const struct config *cfg,
    const struct page_viewer *v, const json_t *form, const json_t *errors,
    int saved);

static void
settings_job(struct job *j)
{
	const json_t *f = j->form;
	struct hub_profile p = { .display_name = web_field(f, "display_name"),
		.summary = web_field(f, "summary"),
		.avatar = web_field(f, "avatar"),
		.locked = web_field(f, "locked")[0] != '\0' };
	struct err e = { { 0 } };
	json_t *errors;
	struct buf b;
	int rc, queued = 0;

	rc = hub_profile_set(j->hub, j->v.name, &p, &queued, &e);
	if (rc == 0) {
		if (queued > 0)
			fed_deliver_kick(j->hub->deliver);
		web_resume_redirect(j->r, "/settings?saved=1", NULL);
		return;
	}
	errors = json_pack("{s:s}", rc == HUB_INVALID ? "display_name" : "_",
	    e.msg[0] ? e.msg : "the hub could not save it: try again");
	buf_init(&b, 0);
	settings_form(&b, j->r->srv->cfg, &j->v, f, errors, 0);
	json_decref(errors);
	web_resume_page(j->r, rc == HUB_INVALID ? 422 : 503, &b, NULL);
}

/* A handle looked up (WebFinger, then the actor document): show it. */
static void
resolve_job(struct job *j)
{
	struct err e = { { 0 } };
	struct st_actor a;
	struct buf to;
	int rc = hub_resolve(j->hub, j->id, &a, &e);

	if (rc != 0) {
		answer_error(j, 404,
		    "we could not find that person. Check the handle "
		    "(name@server) and try again.");
		return;
	}
	buf_init(&to, 0);
	buf_adds(&to, "/profile?id=");
	urlenc(&to, a.iri);
	buf_addc(&to, '\0');
	web_resume_redirect(j->r, to.failed ? "/" : to.data, NULL);
	buf_free(&to);
	st_actor_clear(&a);
}

static void
follow_job(struct job *j)
{
	struct err e = { { 0 } };
	int rc, already = 0, queued = 0;

	if (j->kind == J_FOLLOW || j->kind == J_UNFOLLOW) {
		rc = hub_follow(j->hub, j->v.name, j->id, j->kind == J_UNFOLLOW,
		    &already, &e);
		queued = rc == 0 && !already;
	} else
		rc = hub_follow_answer(j->hub, j->v.name, j->id,
		    j->kind == J_APPROVE, &queued, &e);
	if (rc != 0) {
		answer_error(j, status_of(rc),
		    e.msg[0] ? e.msg : "that did not work: try again");
		return;
	}
	if (queued > 0)
		fed_deliver_kick(j->hub->deliver);
	web_resume_redirect(j->r, j->next, NULL);
}

static void
job_run(void *arg)
{
	struct job *j = arg;

	if (j->kind == J_SETTINGS)
		settings_job(j);
	else if (j->kind == J_RESOLVE)
		resolve_job(j);
	else
		follow_job(j);
	json_decref(j->form);
	free(j);
}

static void
job_drop(void *arg)
{
	struct job *j = arg;

	json_decref(j->form);
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
	    job_run, j, job_drop);
}

static struct job *
job_new(int kind, const struct page_viewer *v, const char *id)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->kind = kind;
	if (v != NULL)
		j->v = *v;
	snprintf(j->id, sizeof(j->id), "%s", id ? id : "");
	snprintf(j->next, sizeof(j->next), "/");
	return j;
}

/* ---- remote profiles ---- */

/* The actor a handle or IRI names, if known here. */
static int
known_actor(
    struct st_txn *t, const char *id, const char *acct, struct st_actor *a)
{
	char key[400];
	uint64_t n;
	size_t i;

	if (id != NULL)
		return st_actor_by_iri(t, id, a);
	snprintf(key, sizeof(key), "acct:%s", acct + (acct[0] == '@'));
	for (i = 0; key[i]; i++)
		if (key[i] >= 'A' && key[i] <= 'Z')
			key[i] = (char)(key[i] - 'A' + 'a');
	if (st_iri_get(t, key, &n) != 0)
		return ST_NOTFOUND;
	return st_actor_get(t, n, a);
}

/* A handle's "user@host" on this hub: send to the member's page. */
static int
local_handle(const struct http_req *r, const char *acct, char to[64])
{
	const char *user = acct + (acct[0] == '@'), *at = strchr(user, '@');
	char name[64];

	if (at == NULL || strcasecmp(at + 1, r->srv->cfg->host) != 0 ||
	    (size_t)(at - user) >= sizeof(name))
		return 0;
	snprintf(name, sizeof(name), "%.*s", (int)(at - user), user);
	memcpy(to, "/users/", 8);
	return fed_name_normalize(name, to + 7, 64 - 7) >= 0;
}

static int
handle_ok(const char *acct)
{
	const char *u = acct + (acct[0] == '@'), *at = strchr(u, '@');

	return at != NULL && at > u && at[1] != '\0' &&
	    strchr(at + 1, '@') == NULL && strlen(acct) <= 300 &&
	    strcspn(u, " /\\?#\"'<>\t\r\n") == strlen(u);
}

int
web_profile_remote(struct http_req *r)
{
	const char *id = http_query(r, "id"), *acct = http_query(r, "acct");
	const struct page_viewer *v;
	char to[64];
	struct st_actor a;
	struct st_txn *t;
	struct job *j;
	struct buf b;
	int rc;

	r->want_html = 1;
	if (id != NULL && id[0] == '\0')
		id = NULL;
	if (id == NULL && (acct == NULL || !handle_ok(acct)))
		return http_error(r, 404,
		    "give a person's handle (name@server) or the address of "
		    "their profile");
	if (id == NULL && local_handle(r, acct, to))
		return web_redirect(r, to, NULL);
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	v = web_viewer_tx(r, t); /* one read transaction for the page */
	rc = known_actor(t, id, acct, &a);
	if (rc == 0 && !(a.flags & ST_AF_LOCAL) && hub_url_blocked(t, a.iri)) {
		st_read_end(t);
		st_actor_clear(&a);
		return http_error(
		    r, 404, "this hub has blocked that person's server");
	}
	if (rc == 0 && (a.flags & ST_AF_LOCAL)) {
		st_read_end(t);
		rc = web_redirect(r, a.iri, NULL);
		st_actor_clear(&a);
		return rc;
	}
	if (rc == 0) {
		buf_init(&b, 0);
		remote_page(&b, r, t, v, &a);
		st_read_end(t);
		st_actor_clear(&a);
		return web_send(r, 200, &b, NULL);
	}
	st_read_end(t);
	/* Unknown: only members may make the hub look someone up. */
	if (v == NULL || id != NULL)
		return http_error(r, 404,
		    v == NULL ? "that person is not known here yet. Sign in "
				"to look them up."
			      : "that person is not known here yet. Search "
				"for their handle (name@server) instead.");
	if (web_limit_lookup(r) > 0)
		return http_error(r, 429,
		    "you have looked up many people and posts on other "
		    "servers: wait a few minutes and try again");
	if ((j = job_new(J_RESOLVE, v, acct)) == NULL)
		return http_error(r, 503, "the hub is out of memory");
	return defer(r, j);
}

/* ---- followers and following ---- */

/* The local member named in the path (/users/NAME/...). */
static int
path_member(struct http_req *r, struct st_txn *t, struct st_actor *a)
{
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
	if (a->kind != ST_AK_PERSON ||
	    (a->flags & (ST_AF_DELETED | ST_AF_PENDING))) {
		rc = (a->flags & ST_AF_DELETED) ? ST_GONE : ST_NOTFOUND;
		st_actor_clear(a);
		return rc;
	}
	return 0;
}

static void
people(struct buf *b, struct st_txn *t, const struct st_actor *a, int followers,
    uint64_t after, const char *self)
{
	uint64_t ids[PEOPLE_PAGE + 1], last = 0;
	struct st_actor x;
	int n, i;

	n = st_follow_list(t, a->id, followers, ST_FOLLOW_ACCEPTED, after, ids,
	    PEOPLE_PAGE + 1);
	if (n <= 0)
		buf_adds(b,
		    followers ? "<p>No followers yet.</p>"
			      : "<p>Not following anyone yet.</p>");
	else
		buf_adds(b, "<ul class=\"people\">");
	for (i = 0; i < n && i < PEOPLE_PAGE; i++) {
		last = ids[i];
		if (st_actor_get(t, ids[i], &x) != 0)
			continue;
		/* Who is in a private community is not shown (as the
		 * collection does). */
		if (!(x.flags & ST_AF_PRIVATE)) {
			buf_adds(b, "<li>");
			person_link(b, &x);
			buf_adds(b, "</li>");
		}
		st_actor_clear(&x);
	}
	if (n > 0)
		buf_adds(b, "</ul>");
	if (n > PEOPLE_PAGE) {
		buf_adds(b, "<p><a href=\"");
		page_text(b, self);
		buf_printf(
		    b, "?after=%llu\">More</a></p>", (unsigned long long)last);
	}
}

int
web_follow_list(struct http_req *r)
{
	const struct page_viewer *v;
	int followers = !strcmp(strrchr(r->path, '/'), "/followers"), rc;
	uint64_t after = 0, total = 0;
	struct st_actor a;
	struct st_txn *t;
	char title[200];
	struct buf b;

	if (http_query(r, "after") != NULL &&
	    parse_id(http_query(r, "after"), &after) < 0)
		return http_error(r, 400, "after must be an id (digits)");
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	v = web_viewer_tx(r, t); /* one read transaction for the page */
	if ((rc = path_member(r, t, &a)) != 0) {
		st_read_end(t);
		return http_error(r, rc == ST_GONE ? 410 : 404,
		    rc == ST_GONE ? "that account has been deleted"
				  : "there is no member by that name here");
	}
	st_follow_count(t, a.id, followers, ST_FOLLOW_ACCEPTED, &total);
	snprintf(title, sizeof(title), "%s %s",
	    followers ? "Followers of" : "Followed by",
	    a.display_name[0] ? a.display_name : a.name);
	buf_init(&b, 0);
	page_begin(&b, r->srv->cfg, v, title, NULL);
	buf_adds(&b, "<h1>");
	page_text(&b, title);
	buf_adds(&b, "</h1><p class=\"meta\"><a href=\"");
	page_text(&b, a.iri);
	buf_adds(&b, "\">Back to the profile</a> · ");
	buf_printf(&b, "%llu in all</p>", (unsigned long long)total);
	people(&b, t, &a, followers, after, r->path);
	page_end(&b);
	st_read_end(t);
	st_actor_clear(&a);
	return web_send(r, 200, &b, NULL);
}

/* ---- notifications ---- */

static const char *
what_happened(int type)
{
	switch (type) {
	case ST_N_FOLLOW: return "followed you";
	case ST_N_FOLLOW_REQUEST: return "asked to follow you";
	case ST_N_MENTION: return "mentioned you";
	case ST_N_REPLY: return "replied to your post";
	case ST_N_ANNOUNCE: return "boosted your post";
	case ST_N_LIKE: return "liked your post";
	case ST_N_UPDATE: return "edited a post you shared or replied to";
	case ST_N_REVIEW_RETURNED:
		return "returned your draft with feedback: see your drafts";
	case ST_N_REVIEW_PUBLISHED: return "approved and published your post";
	default: return "did something";
	}
}

/* The note of a notification, when the member may see it (defence in
 * depth, as the API does). */
static void
notify_note(struct buf *b, struct st_txn *t, const struct st_notification *n,
    uint64_t me, const char *my_iri)
{
	struct st_obj o;
	const char *js;
	json_t *note;
	size_t len;

	if (n->object == 0 ||
	    st_object_peek(t, n->object, &o, &js, &len) != 0 ||
	    o.kind != ST_K_NOTE ||
	    (note = json_loadb(js, len, 0, NULL)) == NULL)
		return;
	if (o.vis <= ST_VIS_UNLISTED || o.owner == me ||
	    fed_note_addressed(note, my_iri))
		page_note_item(b, note);
	json_decref(note);
}

static void
notify_item(struct buf *b, struct st_txn *t, const struct page_viewer *v,
    const struct st_notification *n, uint64_t me, const char *my_iri)
{
	struct st_actor a;
	char when[32];
	int state;

	buf_adds(b, "<li class=\"notification\">");
	if (st_actor_get(t, n->actor, &a) != 0) {
		buf_adds(b, "Someone no longer known here ");
		page_text(b, what_happened(n->type));
	} else {
		person_link(b, &a);
		buf_addc(b, ' ');
		page_text(b, what_happened(n->type));
		if (n->type == ST_N_FOLLOW_REQUEST &&
		    st_follow_get(t, n->actor, me, &state, NULL) == 0 &&
		    state == ST_FOLLOW_PENDING) {
			buf_adds(b, "<p>");
			id_button(b, "/follow-requests/approve", v->csrf, a.iri,
			    "/notifications", "Approve");
			buf_addc(b, ' ');
			id_button(b, "/follow-requests/reject", v->csrf, a.iri,
			    "/notifications", "Reject");
			buf_adds(b, "</p>");
		}
		st_actor_clear(&a);
	}
	fed_as2_time((time_t)n->time, when, sizeof(when));
	buf_adds(b, " <span class=\"meta\"><time>");
	page_text(b, when);
	buf_adds(b, "</time></span>");
	if (n->type == ST_N_REVIEW_RETURNED)
		buf_adds(b, " <a href=\"/drafts\">Your drafts</a>");
	notify_note(b, t, n, me, my_iri);
	buf_adds(b, "</li>");
}

/* Whether a notification is about a blocked server's actor or note: it
 * is not shown (block.h; nothing is deleted, so an unblock brings it
 * back). */
static int
from_blocked(struct st_txn *t, const struct st_notification *n)
{
	struct st_obj o;

	return hub_actor_blocked(t, n->actor) ||
	    (n->object != 0 &&
		st_object_peek(t, n->object, &o, NULL, NULL) == 0 &&
		hub_actor_blocked(t, o.owner));
}

int
web_notifications(struct http_req *r)
{
	const struct page_viewer *v;
	struct st_notification n[NOTIFY_PAGE];
	uint64_t me = 0, before = 0;
	struct st_actor a;
	char my_iri[600] = "";
	struct st_txn *t;
	struct buf b;
	int rc, k = 0, i, more = 0;

	if (parse_id(http_query(r, "max_id"), &before) < 0)
		before = 0;
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	/* One read transaction for the page, the viewer included. */
	if ((v = web_member_tx(r, t, &rc)) == NULL) {
		st_read_end(t);
		return rc;
	}
	if (st_name_get(t, v->name, &me) == 0 && st_actor_get(t, me, &a) == 0) {
		snprintf(my_iri, sizeof(my_iri), "%s", a.iri);
		st_actor_clear(&a);
		k = st_notify_page(t, me, before, n, NOTIFY_PAGE, &more);
	}
	buf_init(&b, 0);
	page_begin(&b, r->srv->cfg, v, "Notifications", NULL);
	buf_adds(&b, "<h1>Notifications</h1>");
	if (k <= 0)
		buf_adds(&b,
		    "<p>Nothing new. When people follow you, mention you, "
		    "reply to, like or boost your posts, you will see it "
		    "here.</p>");
	else
		buf_adds(&b, "<ul class=\"notifications\">");
	for (i = 0; i < k; i++)
		if (!from_blocked(t, &n[i]))
			notify_item(&b, t, v, &n[i], me, my_iri);
	if (k > 0)
		buf_adds(&b, "</ul>");
	if (more && k > 0)
		buf_printf(&b,
		    "<p><a href=\"/notifications?max_id=%llu\">Older "
		    "notifications</a></p>",
		    (unsigned long long)n[k - 1].id);
	page_end(&b);
	st_read_end(t);
	return web_send(r, 200, &b, NULL);
}

/* ---- follow, unfollow, approve, reject ---- */

static int
follow_target_ok(const char *id)
{
	size_t n = strlen(id);

	if (n == 0 || n > ID_MAX || strcspn(id, " \t\r\n\"'<>") != n)
		return 0;
	return !strncmp(id, "https://", 8) || !strncmp(id, "http://", 7) ||
	    handle_ok(id);
}

int
web_follow_post(struct http_req *r)
{
	static const struct {
		const char *path;
		int kind;
	} acts[] = { { "/follow", J_FOLLOW }, { "/unfollow", J_UNFOLLOW },
		{ "/follow-requests/approve", J_APPROVE },
		{ "/follow-requests/reject", J_REJECT } };
	const struct page_viewer *v;
	const char *id, *next;
	json_t *form;
	struct job *j;
	int rc, kind = J_FOLLOW;
	size_t i;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	for (i = 0; i < sizeof(acts) / sizeof(acts[0]); i++)
		if (!strcmp(r->path, acts[i].path))
			kind = acts[i].kind;
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	id = web_field(form, "id");
	next = web_field(form, "next");
	if (!follow_target_ok(id)) {
		json_decref(form);
		return http_error(r, 422,
		    "that is not a person we can follow: give their handle "
		    "(name@server) or the address of their profile");
	}
	if ((j = job_new(kind, v, id)) == NULL) {
		json_decref(form);
		return http_error(r, 503, "the hub is out of memory");
	}
	if (web_local_path(next))
		snprintf(j->next, sizeof(j->next), "%s", next);
	else if (kind >= J_APPROVE)
		snprintf(j->next, sizeof(j->next), "/notifications");
	json_decref(form);
	return defer(r, j);
}

/* ---- settings ---- */

static const char *
err_of(const json_t *errors, const char *field)
{
	return json_string_value(json_object_get(errors, field));
}

static void
settings_form(struct buf *b, const struct config *cfg,
    const struct page_viewer *v, const json_t *form, const json_t *errors,
    int saved)
{
	page_begin(b, cfg, v, "Settings", NULL);
	buf_adds(b, "<h1>Settings</h1>");
	if (saved)
		buf_adds(b,
		    "<p class=\"notice\" role=\"status\">Your profile is "
		    "saved and sent to your followers.</p>");
	page_error_summary(b, errors);
	buf_adds(b, "<h2>Your profile</h2>");
	page_form_begin(b, "/settings", v->csrf);
	page_field(b,
	    &(struct page_field){ .name = "display_name",
		.label = "Display name",
		.type = "text",
		.hint = "How your name is shown, e.g. \"Sam Jones, ward "
			"sister\". Leave it empty to show your name.",
		.value = web_field(form, "display_name"),
		.error = err_of(errors, "display_name"),
		.autocomplete = "name",
		.maxlength = HUB_DISPLAY_MAX });
	page_field(b,
	    &(struct page_field){ .name = "summary",
		.label = "About you",
		.type = "textarea",
		.hint = "Plain text, up to 2000 characters. Links and "
			"#hashtags are linked for you.",
		.value = web_field(form, "summary"),
		.error = err_of(errors, "summary"),
		.maxlength = HUB_BIO_MAX,
		.rows = 6 });
	page_field(b,
	    &(struct page_field){ .name = "avatar",
		.label = "Picture address (optional)",
		.type = "url",
		.hint = "The address of a picture of you, starting with "
			"https://.",
		.value = web_field(form, "avatar"),
		.error = err_of(errors, "avatar"),
		.autocomplete = "photo" });
	page_field(b,
	    &(struct page_field){ .name = "locked",
		.label = "Approve each new follower yourself (locked "
			 "account)",
		.type = "checkbox",
		.value = web_field(form, "locked") });
	page_form_end(b, "Save profile");
	buf_adds(b,
	    "<h2>Your account</h2><p><a href=\"/settings/password\">Change "
	    "your password</a></p>");
	page_end(b);
}

/* The member's profile as form values. */
static json_t *
current_profile(struct st_txn *t, const struct page_viewer *v)
{
	json_t *form = json_object(), *doc;
	struct st_actor a;
	struct st_obj o;
	const char *js, *icon;
	uint64_t id;
	size_t len;

	if (st_name_get(t, v->name, &id) == 0 && st_actor_get(t, id, &a) == 0) {
		json_object_set_new(
		    form, "display_name", json_string(a.display_name));
		json_object_set_new(form, "summary", json_string(a.summary));
		if (a.flags & ST_AF_LOCKED)
			json_object_set_new(form, "locked", json_string("1"));
		st_actor_clear(&a);
		if (st_object_peek(t, id, &o, &js, &len) == 0 &&
		    (doc = json_loadb(js, len, 0, NULL)) != NULL) {
			icon = str(json_object_get(doc, "icon"), "url");
			json_object_set_new(
			    form, "avatar", json_string(icon ? icon : ""));
			json_decref(doc);
		}
	}
	return form;
}

int
web_settings_get(struct http_req *r)
{
	const struct page_viewer *v;
	struct st_txn *t;
	json_t *form;
	struct buf b;
	int rc;

	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	/* One read transaction for the page, the viewer included. */
	if ((v = web_member_tx(r, t, &rc)) == NULL) {
		st_read_end(t);
		return rc;
	}
	form = current_profile(t, v);
	st_read_end(t);
	buf_init(&b, 0);
	settings_form(
	    &b, r->srv->cfg, v, form, NULL, http_query(r, "saved") != NULL);
	json_decref(form);
	return web_send(r, 200, &b, NULL);
}

int
web_settings_post(struct http_req *r)
{
	static const char *const parts[] = { "display_name", "summary",
		"avatar" };
	const struct page_viewer *v;
	json_t *form, *errors;
	char field[16];
	struct err e;
	struct job *j;
	struct buf b;
	size_t i;
	int rc;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	/* Each part checked alone, so each problem shows by its field. */
	errors = json_object();
	for (i = 0; i < 3; i++) {
		struct hub_profile p = { .locked = -1 };
		const char *val = web_field(form, parts[i]);

		memset(&e, 0, sizeof(e));
		if (i == 0)
			p.display_name = val;
		else if (i == 1)
			p.summary = val;
		else
			p.avatar = val;
		if (hub_profile_check(&p, r->srv->cfg->base_url, field, &e))
			json_object_set_new(errors, field, json_string(e.msg));
	}
	if (json_object_size(errors) > 0) {
		buf_init(&b, 0);
		settings_form(&b, r->srv->cfg, v, form, errors, 0);
		json_decref(errors);
		json_decref(form);
		return web_send(r, 422, &b, NULL);
	}
	json_decref(errors);
	if ((j = job_new(J_SETTINGS, v, NULL)) == NULL) {
		json_decref(form);
		return http_error(r, 503, "the hub is out of memory");
	}
	j->form = form;
	return defer(r, j);
}
