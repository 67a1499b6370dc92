#include "web_post.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "block.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "featured.h"
#include "fed_deliver.h"
#include "fed_fetch.h"
#include "fed_html.h"
#include "fed_learning.h"
#include "group_view.h"
#include "http.h"
#include "hub.h"
#include "markdown.h"
#include "page.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_object.h"
#include "st_social.h"
#include "web.h"
#include "web_review.h"
#include "web_learn.h"
#include "worker.h"

#define THREAD_UP    8	 /* parents shown above a note */
#define THREAD_DEPTH 4	 /* levels of replies shown below */
#define REPLIES_MAX  50	 /* replies shown per note */
#define REPLIES_ALL  300 /* replies shown on one page */

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* ---- links ---- */

int
web_iri_local(const struct config *cfg, const char *iri)
{
	size_t n = strlen(cfg->base_url);

	return iri != NULL && !strncmp(iri, cfg->base_url, n) && iri[n] == '/';
}

void
web_note_path(struct buf *b, const struct config *cfg, const char *iri)
{
	if (cfg != NULL && web_iri_local(cfg, iri))
		buf_adds(b, iri + strlen(cfg->base_url));
	else {
		buf_adds(b, "/notes?id=");
		web_url_encode(b, iri ? iri : "");
	}
}

/* path + "?KEY=" + the encoded iri (key: "id", or "reply_to" for
 * /write). */
static void
path_with_id(struct buf *b, const char *path, const char *iri)
{
	buf_adds(b, path);
	buf_adds(b, strcmp(path, "/write") ? "?id=" : "?reply_to=");
	web_url_encode(b, iri);
}

/* ---- reading: who may see what ---- */

struct view {
	struct st_txn *t;
	const struct config *cfg;
	const struct page_viewer *v;
	uint64_t me; /* the viewer's actor id, 0 for a visitor */
	struct buf *b;
	int shown; /* replies shown: a long thread stops at REPLIES_ALL */
	const struct topics *topics; /* for learning posts' topic links */
};

/* The readable note at iri: its header and parsed JSON (a new
 * reference), or NULL. *gone is set for a deleted one. */
static json_t *
note_at(struct view *w, const char *iri, struct st_obj *o, int *gone)
{
	const char *js;
	size_t len;
	uint64_t id;

	*gone = 0;
	if (iri == NULL || st_iri_get(w->t, iri, &id) != 0 ||
	    st_object_peek(w->t, id, o, &js, &len) != 0)
		return NULL;
	if (o->kind == ST_K_TOMBSTONE) {
		*gone = 1;
		return NULL;
	}
	if (o->kind != ST_K_NOTE || !routes_may_read(w->t, o, w->me))
		return NULL;
	return json_loadb(js, len, 0, NULL);
}

/* ---- a note as HTML ---- */

static void
actor_link(struct view *w, const char *iri, int community)
{
	struct st_actor a;
	char host[256];

	if (iri == NULL || st_actor_by_iri(w->t, iri, &a) != 0) {
		if (iri == NULL ||
		    (strncmp(iri, "https://", 8) != 0 &&
			strncmp(iri, "http://", 7) != 0)) {
			page_text(w->b, iri); /* no link to what is not web */
			return;
		}
		buf_adds(w->b, "<a href=\"");
		page_text(w->b, iri);
		buf_adds(w->b, "\">");
		page_text(w->b, iri);
		buf_adds(w->b, "</a>");
		return;
	}
	fed_url_host(a.iri, host, sizeof(host));
	buf_adds(w->b, "<a href=\"");
	page_text(w->b, a.iri);
	buf_adds(w->b, community ? "\">" : "\" rel=\"author\">");
	page_text(w->b,
	    a.display_name && a.display_name[0] ? a.display_name : a.name);
	buf_adds(w->b, "</a> <span class=\"handle\">@");
	page_text(w->b, a.name);
	buf_adds(w->b, "@");
	page_text(w->b, host);
	buf_adds(w->b, "</span>");
	st_actor_clear(&a);
}

/* The hashtags of a note from another server, linked here. */
static void
note_tags(struct view *w, const json_t *note)
{
	const json_t *tag;
	const char *name;
	size_t i;
	int n = 0;

	json_array_foreach(json_object_get(note, "tag"), i, tag)
	{
		name = str(tag, "name");
		if (str(tag, "type") == NULL ||
		    strcmp(str(tag, "type"), "Hashtag") != 0 || name == NULL ||
		    name[0] != '#' || strchr(name, '/'))
			continue;
		buf_adds(w->b, n++ ? " " : "<p class=\"tags\">Tags: ");
		buf_adds(w->b, "<a href=\"/tags/");
		page_text(w->b, name + 1);
		buf_adds(w->b, "\">");
		page_text(w->b, name);
		buf_adds(w->b, "</a>");
	}
	if (n)
		buf_adds(w->b, "</p>");
}

static void
counts(struct view *w, uint64_t id)
{
	uint64_t replies = 0, likes = 0, boosts = 0;

	st_reply_count(w->t, id, &replies);
	st_react_count(w->t, id, ST_REACT_LIKE, &likes);
	st_react_count(w->t, id, ST_REACT_ANNOUNCE, &boosts);
	buf_printf(w->b,
	    " · <span class=\"counts\">%llu repl%s, %llu like%s, %llu "
	    "boost%s</span>",
	    (unsigned long long)replies, replies == 1 ? "y" : "ies",
	    (unsigned long long)likes, likes == 1 ? "" : "s",
	    (unsigned long long)boosts, boosts == 1 ? "" : "s");
}

/* A one-button form that posts the note's id to action. */
static void
id_button(
    struct view *w, const char *action, const char *iri, const char *label)
{
	buf_adds(w->b, "<form class=\"inline\" method=\"post\" action=\"");
	page_text(w->b, action);
	buf_adds(w->b, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
	page_text(w->b, w->v->csrf);
	buf_adds(w->b, "\"><input type=\"hidden\" name=\"id\" value=\"");
	page_text(w->b, iri);
	buf_adds(w->b, "\"><button type=\"submit\">");
	page_text(w->b, label);
	buf_adds(w->b, "</button></form> ");
}

static void
link_with_id(
    struct view *w, const char *path, const char *iri, const char *label)
{
	struct buf u;

	buf_init(&u, 0);
	path_with_id(&u, path, iri);
	buf_adds(w->b, "<a href=\"");
	page_text(w->b, u.data);
	buf_adds(w->b, "\">");
	page_text(w->b, label);
	buf_adds(w->b, "</a> ");
	buf_free(&u);
}

/* Admins and editors feature public notes on the home page (or stop:
 * also a note no longer featurable, so it can come off the list). */
static void
feature_button(struct view *w, const struct st_obj *o, const char *iri)
{
	int on;

	if (!hub_role_features(w->v->role))
		return;
	on = hub_featured_has(w->t, o->id);
	if (on)
		id_button(w, "/unfeature", iri, "Stop featuring");
	else if (o->vis == ST_VIS_PUBLIC && !hub_actor_blocked(w->t, o->owner))
		id_button(w, "/feature", iri, "Feature on the home page");
}

/* What the signed-in member can do with the note. */
static void
actions(struct view *w, const struct st_obj *o, const char *iri)
{
	uint64_t act;
	int liked, boosted;

	if (w->v == NULL || w->me == 0)
		return;
	liked = st_react_get(w->t, o->id, ST_REACT_LIKE, w->me, &act) == 0;
	boosted =
	    st_react_get(w->t, o->id, ST_REACT_ANNOUNCE, w->me, &act) == 0;
	buf_adds(w->b, "<div class=\"actions\">");
	id_button(
	    w, liked ? "/unlike" : "/like", iri, liked ? "Unlike" : "Like");
	if (o->vis <= ST_VIS_UNLISTED)
		id_button(w, boosted ? "/unboost" : "/boost", iri,
		    boosted ? "Unboost" : "Boost");
	link_with_id(w, "/write", iri, "Reply");
	if (o->owner == w->me && (o->flags & ST_OF_LOCAL)) {
		link_with_id(w, "/edit", iri, "Edit");
		link_with_id(w, "/delete", iri, "Delete");
	}
	feature_button(w, o, iri);
	buf_adds(w->b, "</div>");
}

/* The structured view of a learning post into w->b (folded when a
 * peer marked it sensitive). Returns 0 when note is not one. */
static int
learning_view(struct view *w, const json_t *note, int full)
{
	const char *cw = str(note, "summary");
	int folded = json_is_true(json_object_get(note, "sensitive"));

	if (!fed_learning_is(note)) /* a note */
		return 0;
	if (folded) {
		buf_adds(w->b, "<details><summary>");
		page_text(w->b, cw && cw[0] ? cw : "Sensitive content");
		buf_adds(w->b, "</summary>");
	}
	if (full)
		web_learn_full(w->b, w->cfg, w->topics, note);
	else
		web_learn_item(w->b, w->cfg, note);
	if (folded)
		buf_adds(w->b, "</details>");
	return 1;
}

/* The note as an article; full: the page's own note (with its
 * community, tags and buttons). */
static void
note_article(
    struct view *w, const struct st_obj *o, const json_t *note, int full)
{
	const char *cw = str(note, "summary"), *iri = str(note, "id");
	const char *aud = str(note, "audience");
	struct buf p;

	buf_adds(w->b, full ? "<article class=\"note main\">" : "<article>");
	buf_adds(w->b, "<p class=\"meta\">");
	actor_link(w, str(note, "attributedTo"), 0);
	if (aud != NULL && full) {
		buf_adds(w->b, " in ");
		actor_link(w, aud, 1);
	}
	buf_adds(w->b, "</p>");
	/* A learning post: structured (web_learn.c); its summary is an
	 * excerpt, not a content warning, unless a peer marked it
	 * sensitive: then it stays folded behind that summary. */
	if (learning_view(w, note, full))
		cw = NULL;
	else {
		if (cw != NULL && cw[0]) {
			buf_adds(w->b, "<details><summary>");
			page_text(w->b, cw);
			buf_adds(w->b, "</summary>");
		}
		/* Stored HTML: rendered from Markdown here, or sanitized on
		 * ingest (DESIGN rule 6). */
		if (str(note, "content") != NULL)
			buf_adds(w->b, str(note, "content"));
		if (cw != NULL && cw[0])
			buf_adds(w->b, "</details>");
	}
	if (full && !(o->flags & ST_OF_LOCAL))
		note_tags(w, note);
	buf_init(&p, 0);
	web_note_path(&p, w->cfg, iri);
	buf_adds(w->b, "<p class=\"meta\"><a href=\"");
	page_text(w->b, p.data);
	buf_adds(w->b, "\"><time datetime=\"");
	page_text(w->b, str(note, "published"));
	buf_adds(w->b, "\">");
	page_text(w->b, str(note, "published"));
	buf_adds(w->b, "</time></a>");
	if (str(note, "updated") != NULL)
		buf_adds(w->b, " (edited)");
	counts(w, o->id);
	buf_adds(w->b, "</p>");
	buf_free(&p);
	if (full)
		actions(w, o, iri);
	buf_adds(w->b, "</article>");
}

/* The notes note answers, oldest first, as far as they are known. */
static void
parents(struct view *w, const json_t *note)
{
	json_t *chain[THREAD_UP];
	struct st_obj os[THREAD_UP];
	const char *up = str(note, "inReplyTo");
	int n = 0, gone, i;

	while (up != NULL && n < THREAD_UP &&
	    (chain[n] = note_at(w, up, &os[n], &gone)) != NULL) {
		up = str(chain[n], "inReplyTo");
		n++;
	}
	if (n == 0 && up == NULL)
		return;
	buf_adds(w->b,
	    "<section aria-labelledby=\"earlier\"><h2 id=\"earlier\">Earlier "
	    "in the thread</h2>");
	if (n < THREAD_UP && up != NULL)
		buf_adds(w->b,
		    "<p class=\"meta\">It answers a post this hub does not "
		    "have.</p>");
	if (n > 0)
		buf_adds(w->b, "<ol class=\"thread\">");
	for (i = n - 1; i >= 0; i--) {
		buf_adds(w->b, "<li>");
		note_article(w, &os[i], chain[i], 0);
		buf_adds(w->b, "</li>");
		json_decref(chain[i]);
	}
	if (n > 0)
		buf_adds(w->b, "</ol>");
	buf_adds(w->b, "</section>");
}

/* The replies to note id, from every server, nested depth levels. */
static int
replies(struct view *w, uint64_t id, int depth)
{
	uint64_t ids[REPLIES_MAX];
	struct st_obj o;
	const char *js;
	json_t *doc;
	size_t len;
	int n, i, more = 0, shown = 0;

	n = st_reply_page(w->t, id, 0, ids, REPLIES_MAX, &more);
	for (i = 0; i < n && w->shown < REPLIES_ALL; i++) {
		if (st_object_peek(w->t, ids[i], &o, &js, &len) != 0 ||
		    o.kind != ST_K_NOTE || !routes_may_read(w->t, &o, w->me) ||
		    (doc = json_loadb(js, len, 0, NULL)) == NULL)
			continue;
		buf_adds(w->b, shown++ ? "<li>" : "<ol class=\"replies\"><li>");
		w->shown++;
		note_article(w, &o, doc, 0);
		json_decref(doc);
		if (depth > 1)
			replies(w, o.id, depth - 1);
		buf_adds(w->b, "</li>");
	}
	if (shown)
		buf_adds(w->b, "</ol>");
	return shown;
}

static void
note_body(struct view *w, const struct st_obj *o, const json_t *note)
{
	parents(w, note);
	if (!fed_learning_is(note)) /* else its title is the h1 */
		buf_adds(w->b, "<h1 class=\"vh\">Post</h1>");
	note_article(w, o, note, 1);
	buf_adds(w->b,
	    "<section aria-labelledby=\"replies\"><h2 "
	    "id=\"replies\">Replies</h2>");
	if (!replies(w, o->id, THREAD_DEPTH))
		buf_adds(w->b, "<p>No replies yet.</p>");
	buf_adds(w->b, "</section>");
}

int
web_note_page(struct http_req *r, struct st_txn *t, const struct st_obj *o,
    const char *js, size_t len)
{
	const struct page_viewer *v = web_viewer(r);
	struct view w = { t, r->srv->cfg, v, web_viewer_id(t, v), NULL, 0,
		r->srv->topics };
	struct st_obj no = *o;
	json_t *doc, *note;
	struct buf b;

	doc = json_loadb(js, len, 0, NULL);
	note = doc;
	if (o->kind == ST_K_ACTIVITY) { /* a Create: its note's page */
		note = json_object_get(doc, "object");
		if (st_object_peek(t, o->parent, &no, &js, &len) != 0)
			no = *o;
	}
	if (!json_is_object(note)) {
		json_decref(doc);
		return http_error(r, 404, "there is nothing at this address");
	}
	buf_init(&b, 0);
	w.b = &b;
	page_begin(&b, w.cfg, v,
	    fed_learning_is(note) && str(note, "name") ? str(note, "name")
						       : "Post",
	    str(note, "id"));
	note_body(&w, &no, note);
	page_end(&b);
	json_decref(doc);
	return web_send(r, 200, &b, NULL);
}

int
web_notes_get(struct http_req *r)
{
	const char *iri = http_query(r, "id");
	struct st_txn *t;
	struct st_obj o;
	const char *js;
	size_t len;
	uint64_t id, me;
	int rc;

	r->want_html = 1;
	if (iri == NULL || iri[0] == '\0')
		return http_error(
		    r, 404, "add the address of a post: /notes?id=URL");
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	/* One read transaction, the viewer included. */
	me = web_viewer_id(t, web_viewer_tx(r, t));
	rc = st_iri_get(t, iri, &id);
	if (rc == 0)
		rc = st_object_peek(t, id, &o, &js, &len);
	if (rc == 0 && o.kind == ST_K_TOMBSTONE) {
		struct buf b;

		st_read_end(t);
		buf_init(&b, 0);
		page_gone(&b, r->srv->cfg, web_viewer(r));
		return web_send(r, 410, &b, NULL);
	}
	if (rc != 0 || o.kind != ST_K_NOTE || !routes_may_read(t, &o, me)) {
		st_read_end(t);
		return http_error(r, 404,
		    "this hub has no post at that address that you can "
		    "read");
	}
	rc = web_note_page(r, t, &o, js, len);
	st_read_end(t);
	return rc;
}

/* ---- forms ---- */

static const char *
err_of(const json_t *errors, const char *field)
{
	return json_string_value(json_object_get(errors, field));
}

/* What the compose or edit form shows. */
struct compose {
	const json_t *form;   /* the member's values, or NULL */
	const json_t *errors; /* or NULL */
	const char *preview;  /* rendered Markdown, or NULL */
	const char *edit;     /* the note edited (IRI), or NULL */
	const char *text;     /* initial text when form is NULL */
	const char *cw;
	const char *reply_to;
	const char *community;
	int pii; /* the guard stopped it: offer to ask an editor */
};

static const char *
value(const struct compose *c, const char *field, const char *dflt)
{
	return c->form != NULL ? web_field(c->form, field) : dflt;
}

/* The note being answered, shown above the form. */
static void
answering(struct view *w, const char *iri)
{
	struct st_obj o;
	json_t *note;
	int gone;

	buf_adds(w->b,
	    "<section aria-labelledby=\"answering\"><h2 "
	    "id=\"answering\">Replying to</h2>");
	if ((note = note_at(w, iri, &o, &gone)) != NULL) {
		note_article(w, &o, note, 0);
		json_decref(note);
	} else
		buf_adds(w->b,
		    gone ? "<p>That post has been deleted.</p>"
			 : "<p>This hub does not have that post.</p>");
	buf_adds(w->b, "</section>");
}

const char **
web_community_options(struct st_txn *t, const char *name, json_t **keep)
{
	const json_t *it;
	const char **opt;
	struct err e;
	size_t i, n = 2;
	int rc;

	*keep = hub_group_joined_tx(t, name, &rc, &e);
	opt = calloc(2 * json_array_size(json_object_get(*keep, "items")) + 3,
	    sizeof(*opt));
	if (opt == NULL)
		return NULL;
	opt[0] = "";
	opt[1] = "None: my followers and the public";
	json_array_foreach(json_object_get(*keep, "items"), i, it)
	{
		if (!json_is_true(json_object_get(it, "local")) ||
		    strcmp(str(it, "state"), "accepted") != 0)
			continue;
		opt[n++] = str(it, "name");
		opt[n++] = str(it, "title");
	}
	return opt;
}

static const char *const vis_options[] = { "public",
	"Public: anyone can see it", "unlisted",
	"Unlisted: anyone with the link, not in public lists", "followers",
	"Followers only", "direct", "Direct: only the people you @mention",
	NULL };

static void
compose_fields(struct buf *b, struct st_txn *t, const struct page_viewer *v,
    const struct compose *c)
{
	const char **copt;
	json_t *keep = NULL;

	page_field(b,
	    &(struct page_field){ .name = "text",
		.label = c->edit ? "Your post" : "What do you want to share?",
		.type = "textarea",
		.hint = "Markdown works: **bold**, *italic*, # heading, - "
			"lists, [link](https://...). Mention people with "
			"@name and add #tags.",
		.value = value(c, "text", c->text),
		.error = err_of(c->errors, "text"),
		.required = 1,
		.rows = 10 });
	page_field(b,
	    &(struct page_field){ .name = "cw",
		.label = "Content warning (optional)",
		.type = "text",
		.hint = "If set, readers see this first and open the post "
			"to read it.",
		.value = value(c, "cw", c->cw),
		.error = err_of(c->errors, "cw"),
		.maxlength = 500 });
	if (c->edit != NULL)
		return;
	page_field(b,
	    &(struct page_field){ .name = "visibility",
		.label = "Who can see it",
		.type = "select",
		.value = value(c, "visibility", "public"),
		.error = err_of(c->errors, "visibility"),
		.options = vis_options });
	copt = web_community_options(t, v->name, &keep);
	page_field(b,
	    &(struct page_field){ .name = "community",
		.label = "Post in a community",
		.type = "select",
		.value = value(c, "community", c->community),
		.error = err_of(c->errors, "community"),
		.options = copt });
	free(copt);
	json_decref(keep);
}

/* The compose (or edit) page, read in t. */
static void
compose_page(struct buf *b, struct st_txn *t, const struct config *cfg,
    const struct page_viewer *v, const struct compose *c)
{
	const char *reply = value(c, "reply_to", c->reply_to);
	struct view w = { t, cfg, v, 0, b, 0, NULL };
	const char *action = c->edit ? "/edit" : "/write";

	page_begin(
	    b, cfg, v, c->edit ? "Edit your post" : "Write a post", NULL);
	buf_adds(
	    b, c->edit ? "<h1>Edit your post</h1>" : "<h1>Write a post</h1>");
	if (!c->edit && (reply == NULL || !reply[0]))
		buf_adds(b,
		    "<p>Sharing a story, a case or a project? <a "
		    "href=\"/learn/new\">Share learning</a> in sections "
		    "instead.</p>");
	page_error_summary(b, c->errors);
	if (c->pii && !c->edit && c->form != NULL)
		web_review_hold_form(b, v->csrf, c->form);
	if (c->preview != NULL) {
		buf_adds(b,
		    "<section class=\"preview\" aria-labelledby=\"pv\"><h2 "
		    "id=\"pv\">Preview</h2><article>");
		buf_adds(b, c->preview); /* rendered and sanitized */
		buf_adds(b,
		    "</article><p class=\"hint\">Not published yet: "
		    "check it, then press Publish.</p></section>");
	}
	if (reply != NULL && reply[0]) {
		w.me = web_viewer_id(t, v);
		answering(&w, reply);
	}
	page_form_begin(b, action, v->csrf);
	if (c->edit)
		page_field(b,
		    &(struct page_field){
			.name = "id", .type = "hidden", .value = c->edit });
	else
		page_field(b,
		    &(struct page_field){
			.name = "reply_to", .type = "hidden", .value = reply });
	compose_fields(b, t, v, c);
	buf_adds(b,
	    "<p><button type=\"submit\" name=\"preview\" value=\"1\">"
	    "Preview</button></p>");
	page_form_end(b, c->edit ? "Save changes" : "Publish");
	page_end(b);
}

/* The compose page, read in one transaction with the viewer (v NULL:
 * look the member up in it, or send them to sign in). */
static int
send_compose(struct http_req *r, const struct page_viewer *v,
    const struct compose *c, unsigned status)
{
	struct st_txn *t;
	struct buf b;
	int rc;

	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	if (v == NULL && (v = web_member_tx(r, t, &rc)) == NULL) {
		st_read_end(t);
		return rc;
	}
	buf_init(&b, 0);
	compose_page(&b, t, r->srv->cfg, v, c);
	st_read_end(t);
	return web_send(r, status, &b, NULL);
}

/* ---- work on the worker ---- */

enum job_kind { J_PUBLISH, J_EDIT, J_DELETE, J_FEATURE, J_UNFEATURE, J_REACT };

struct job {
	struct http_req *r;
	struct hub *hub;
	int kind;
	json_t *form;
	struct page_viewer v;
	int react, undo;
	int pii;	 /* the guard stopped the post */
	char path[1400]; /* where to go after: the note's page */
};

static void
job_free(struct job *j)
{
	json_decref(j->form);
	free(j);
}

/* Which field a problem of hub_post_prepare is about. */
static const char *
field_of(const char *msg)
{
	if (strstr(msg, "community"))
		return "community";
	if (strstr(msg, "content warning"))
		return "cw";
	if (strstr(msg, "direct") || strstr(msg, "visibility"))
		return "visibility";
	if (strstr(msg, "replying"))
		return "_";
	return "text";
}

/* Show the form again, on the worker, with one problem. */
static void
again(struct job *j, unsigned status, const char *msg)
{
	json_t *errors = json_object();
	struct compose c = { .form = j->form, .errors = errors, .pii = j->pii };
	struct st_txn *t;
	struct buf b;

	if (j->kind == J_EDIT)
		c.edit = web_field(j->form, "id");
	json_object_set_new(errors, field_of(msg), json_string(msg));
	buf_init(&b, 0);
	if (st_read_begin(j->hub->db, &t) == 0) {
		compose_page(&b, t, j->r->srv->cfg, &j->v, &c);
		st_read_end(t);
	} else
		page_error(&b, j->r->srv->cfg, &j->v, 503,
		    "storage is not available: try again");
	json_decref(errors);
	web_resume_page(j->r, status, &b, NULL);
}

/* On the writer thread, after the commit: to the note's page. */
static void
post_done(void *ctx, int rc, const struct err *e)
{
	struct job *j = ctx;
	struct buf p;

	if (rc != 0) {
		/* On the writer thread: no reads here, a plain page. */
		buf_init(&p, 0);
		page_error(&p, j->r->srv->cfg, &j->v, web_status(rc, 503),
		    e->msg[0] ? e->msg : "the post was not saved: try again");
		web_resume_page(j->r, web_status(rc, 503), &p, NULL);
		job_free(j);
		return;
	}
	if (hub_post_queued(j->r->ctx) > 0)
		fed_deliver_kick(j->hub->deliver);
	buf_init(&p, 0);
	web_note_path(&p, j->r->srv->cfg, hub_post_iri(j->r->ctx));
	web_resume_redirect(j->r, p.data, NULL);
	buf_free(&p);
	job_free(j);
}

static void
publish_job(struct job *j)
{
	const char *group = web_field(j->form, "community");
	const char *cw = web_field(j->form, "cw");
	struct hub_post_opts o = { .vis = hub_vis_parse(
				       web_field(j->form, "visibility")),
		.cw = cw[0] ? cw : NULL,
		.in_reply_to = web_field(j->form, "reply_to"),
		.group = group[0] ? group : NULL,
		.may_fetch = 1 };
	struct err e = { { 0 } };
	struct hub_post *p;
	int rc;

	if (j->kind == J_EDIT)
		o = (struct hub_post_opts){ .vis = ST_VIS_PUBLIC,
			.cw = cw[0] ? cw : NULL,
			.may_fetch = 1 };
	p = hub_post_prepare(
	    j->hub, j->v.name, web_field(j->form, "text"), &o, &rc, &e);
	if (p != NULL && j->kind == J_EDIT)
		rc = hub_post_set_edit(j->hub, p, web_field(j->form, "id"), &e);
	if (p == NULL || rc != 0) {
		hub_post_free(p);
		j->pii = rc == HUB_PII;
		again(j, web_status(rc, 503), e.msg);
		job_free(j);
		return;
	}
	j->r->ctx = p;
	j->r->ctx_free = (void (*)(void *))hub_post_free;
	if (st_write_async(j->hub->db,
		j->kind == J_EDIT ? hub_edit_apply : hub_post_apply, p,
		post_done, j) != 0) {
		err_set(&e, "the hub is shutting down: try again");
		post_done(j, ST_EIO, &e);
	}
}

static void
act_job(struct job *j)
{
	const char *iri = web_field(j->form, "id");
	struct err e = { { 0 } };
	struct buf b;
	int rc, already = 0, queued = 1;
	uint64_t me;

	if (j->kind == J_DELETE) {
		rc = hub_member_id(j->hub, j->v.name, &me);
		if (rc == 0)
			rc = hub_post_delete(j->hub, iri, me, &e);
	} else if (j->kind == J_FEATURE || j->kind == J_UNFEATURE) {
		rc = hub_feature(
		    j->hub, j->v.name, iri, j->kind == J_FEATURE, &e);
		queued = 0;
	} else
		rc = hub_react(j->hub, j->v.name, iri, j->react, j->undo,
		    &already, &queued, &e);
	if (rc == 0 && queued > 0)
		fed_deliver_kick(j->hub->deliver);
	if (rc == 0) {
		web_resume_redirect(j->r, j->path, NULL);
		return;
	}
	buf_init(&b, 0);
	page_error(&b, j->r->srv->cfg, &j->v, web_status(rc, 503),
	    e.msg[0] ? e.msg : "that did not work: try again");
	web_resume_page(j->r, web_status(rc, 503), &b, NULL);
}

static void
job_run(void *arg)
{
	struct job *j = arg;

	if (j->kind == J_PUBLISH || j->kind == J_EDIT) {
		publish_job(j); /* frees j, now or after the commit */
		return;
	}
	act_job(j);
	job_free(j);
}

static void
job_drop(void *j)
{
	job_free(j);
}

/* Hand the form to the worker; back: where to go after (or NULL). */
static int
defer(struct http_req *r, const struct page_viewer *v, int kind, json_t *form,
    const char *back)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j == NULL) {
		json_decref(form);
		return http_error(r, 503, "the hub is out of memory");
	}
	j->r = r;
	j->hub = r->srv->hub;
	j->kind = kind;
	j->form = form;
	j->v = *v;
	snprintf(j->path, sizeof(j->path), "%s", back ? back : "/");
	if (kind >= J_REACT) {
		j->react =
		    kind - J_REACT >= 2 ? ST_REACT_ANNOUNCE : ST_REACT_LIKE;
		j->undo = (kind - J_REACT) % 2;
		j->kind = J_REACT;
	}
	return web_defer(r, r->srv->hub->api_worker, job_run, j, job_drop);
}

/* ---- compose ---- */

int
web_write_get(struct http_req *r)
{
	struct compose c = { 0 };

	c.reply_to = http_query(r, "reply_to");
	c.community = http_query(r, "community");
	return send_compose(r, NULL, &c, 200);
}

/* The form's own rules, checked before any work. */
static void
compose_check(const json_t *form, int edit, json_t *errors)
{
	const char *cw = web_field(form, "cw");
	struct err e;

	if (hub_text_check(web_field(form, "text"), NULL, &e) != 0)
		json_object_set_new(errors, "text", json_string(e.msg));
	if (cw[0] && hub_text_check("x", cw, &e) != 0)
		json_object_set_new(errors, "cw", json_string(e.msg));
	if (!edit && hub_vis_parse(web_field(form, "visibility")) < 0)
		json_object_set_new(errors, "visibility",
		    json_string("choose who can see the post"));
}

/* The preview: the same renderer as publishing (mentions are linked
 * only once published, when they are looked up). */
static char *
preview_of(struct http_req *r, const char *text)
{
	struct buf b;

	buf_init(&b, 256 * 1024);
	if (markdown_to_safe_html(text, r->srv->cfg->base_url, NULL, 0, &b) !=
	    0)
		b.failed = 1;
	return buf_steal(&b, NULL);
}

/* A checked form to publish (or save, edit): steals form. */
static int
compose_post(
    struct http_req *r, const struct page_viewer *v, json_t *form, int edit)
{
	json_t *errors = json_object();
	struct compose c = { 0 };
	char *pv = NULL;
	int rc;

	compose_check(form, edit, errors);
	c.form = form;
	c.errors = errors;
	c.edit = edit ? web_field(form, "id") : NULL;
	if (json_object_size(errors) > 0 || web_field(form, "preview")[0]) {
		if (json_object_size(errors) == 0)
			c.preview = pv = preview_of(r, web_field(form, "text"));
		rc = send_compose(r, v, &c, c.preview ? 200 : 422);
		free(pv);
		json_decref(errors);
		json_decref(form);
		return rc;
	}
	json_decref(errors);
	return defer(r, v, edit ? J_EDIT : J_PUBLISH, form, NULL);
}

int
web_write_post(struct http_req *r)
{
	const struct page_viewer *v;
	json_t *form;
	int rc;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	return compose_post(r, v, form, 0);
}

/* ---- edit and delete: the author's own notes ---- */

/* The viewer's own local note at iri: its JSON (a new reference), or
 * NULL with an error page queued (*rc). */
static json_t *
own_note_tx(struct http_req *r, struct st_txn *t, const struct page_viewer *v,
    const char *iri, int *rc)
{
	struct st_obj o;
	const char *js;
	json_t *doc = NULL;
	size_t len;
	uint64_t id, me;
	int st;

	if (iri == NULL) {
		*rc =
		    http_error(r, 404, "add the address of your post: ?id=URL");
		return NULL;
	}
	me = web_viewer_id(t, v);
	st = st_iri_get(t, iri, &id);
	if (st == 0)
		st = st_object_peek(t, id, &o, &js, &len);
	if (st == 0 && o.kind == ST_K_NOTE && routes_may_read(t, &o, me) &&
	    (o.owner != me || !(o.flags & ST_OF_LOCAL)))
		st = HUB_FORBIDDEN;
	else if (st == 0 && o.kind == ST_K_NOTE && o.owner == me)
		doc = json_loadb(js, len, 0, NULL);
	if (doc == NULL)
		*rc = http_error(r, st == HUB_FORBIDDEN ? 403 : 404,
		    st == HUB_FORBIDDEN
			? "only its author can change or delete this post"
			: "there is no post of yours at that address");
	return doc;
}

static json_t *
own_note(
    struct http_req *r, const struct page_viewer *v, const char *iri, int *rc)
{
	struct st_txn *t;
	json_t *doc;

	if (st_read_begin(r->srv->hub->db, &t) != 0) {
		*rc = http_error(r, 503, "storage is not available");
		return NULL;
	}
	doc = own_note_tx(r, t, v, iri, rc);
	st_read_end(t);
	return doc;
}

/* The text to edit: the Markdown kept in "source", else the text of
 * the HTML (notes written before Markdown). */
static char *
source_of(const json_t *note)
{
	const json_t *src = json_object_get(note, "source");
	const char *html = str(note, "content");
	struct buf b;

	if (str(src, "content") != NULL)
		return strdup(str(src, "content"));
	buf_init(&b, 0);
	if (html != NULL)
		fed_html_text(html, strlen(html), &b);
	buf_addc(&b, '\0');
	return buf_steal(&b, NULL);
}

int
web_edit_get(struct http_req *r)
{
	const struct page_viewer *v;
	struct compose c = { 0 };
	struct st_txn *t;
	struct buf b;
	json_t *note;
	char *text;
	int rc;

	/* One read transaction: the viewer, the note, the page. */
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	if ((v = web_member_tx(r, t, &rc)) == NULL ||
	    (note = own_note_tx(r, t, v, http_query(r, "id"), &rc)) == NULL) {
		st_read_end(t);
		return rc;
	}
	if (json_object_get(note, "learning") != NULL) {
		/* A learning post has its own form (web_learn.c). */
		buf_init(&b, 0);
		path_with_id(&b, "/learn/edit", str(note, "id"));
		st_read_end(t);
		json_decref(note);
		rc = web_redirect(r, b.data, NULL);
		buf_free(&b);
		return rc;
	}
	text = source_of(note);
	c.edit = str(note, "id");
	c.text = text;
	c.cw = str(note, "summary");
	buf_init(&b, 0);
	compose_page(&b, t, r->srv->cfg, v, &c);
	st_read_end(t);
	free(text);
	json_decref(note);
	return web_send(r, 200, &b, NULL);
}

int
web_edit_post(struct http_req *r)
{
	const struct page_viewer *v;
	json_t *form, *note;
	int rc;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	if ((note = own_note(r, v, web_field(form, "id"), &rc)) == NULL) {
		json_decref(form);
		return rc;
	}
	json_decref(note);
	return compose_post(r, v, form, 1);
}

int
web_delete_get(struct http_req *r)
{
	const struct page_viewer *v;
	struct st_obj o = { 0 };
	struct view w = { NULL, r->srv->cfg, NULL, 0, NULL, 0, NULL };
	const char *js;
	json_t *note;
	struct buf b, p;
	size_t len;
	int rc;

	/* One read transaction: the viewer, the note, the page. */
	if (st_read_begin(r->srv->hub->db, &w.t) != 0)
		return http_error(r, 503, "storage is not available");
	if ((v = web_member_tx(r, w.t, &rc)) == NULL ||
	    (note = own_note_tx(r, w.t, v, http_query(r, "id"), &rc)) == NULL) {
		st_read_end(w.t);
		return rc;
	}
	buf_init(&b, 0);
	w.b = &b;
	w.v = v;
	page_begin(&b, w.cfg, v, "Delete your post", NULL);
	buf_adds(&b,
	    "<h1>Delete this post?</h1><p>It is removed here and the "
	    "servers it reached are asked to remove it too. This cannot be "
	    "undone.</p>");
	w.me = web_viewer_id(w.t, v);
	if (st_iri_get(w.t, str(note, "id"), &o.id) == 0 &&
	    st_object_peek(w.t, o.id, &o, &js, &len) == 0)
		note_article(&w, &o, note, 0);
	st_read_end(w.t);
	page_form_begin(&b, "/delete", v->csrf);
	page_field(&b,
	    &(struct page_field){
		.name = "id", .type = "hidden", .value = str(note, "id") });
	page_form_end(&b, "Delete post");
	buf_init(&p, 0);
	web_note_path(&p, w.cfg, str(note, "id"));
	buf_adds(&b, "<p><a href=\"");
	page_text(&b, p.data);
	buf_adds(&b, "\">Keep it and go back</a></p>");
	buf_free(&p);
	page_end(&b);
	json_decref(note);
	return web_send(r, 200, &b, NULL);
}

int
web_delete_post(struct http_req *r)
{
	const struct page_viewer *v;
	char back[64];
	json_t *form, *note;
	int rc;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	if ((note = own_note(r, v, web_field(form, "id"), &rc)) == NULL) {
		json_decref(form);
		return rc;
	}
	json_decref(note);
	snprintf(back, sizeof(back), "/users/%s", v->name);
	return defer(r, v, J_DELETE, form, back);
}

/* ---- likes and boosts ---- */

/* Whether the member v may read the note at iri (stored here). */
static int
readable(struct http_req *r, const struct page_viewer *v, const char *iri)
{
	struct st_txn *t;
	struct st_obj o;
	uint64_t id, me = 0;
	int ok;

	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return 0;
	ok = st_name_get(t, v->name, &me) == 0 &&
	    st_iri_get(t, iri, &id) == 0 &&
	    st_object_get(t, id, &o, NULL) == 0 && routes_may_read(t, &o, me);
	st_read_end(t);
	return ok;
}

/* An action on the note in the form's "id" (steals form): only a post
 * the member may read, else the answer would tell that a hidden post
 * exists; then on the worker, and back to the post. */
static int
note_action(
    struct http_req *r, const struct page_viewer *v, int kind, json_t *form)
{
	const char *iri = web_field(form, "id");
	struct buf back;
	int rc;

	if (iri[0] == '\0' || strlen(iri) > 1000) {
		json_decref(form);
		return http_error(r, 422,
		    "the form did not say which post: go back to the post "
		    "and try again");
	}
	if (!readable(r, v, iri)) {
		json_decref(form);
		return http_error(r, 404, "there is no such post here");
	}
	buf_init(&back, 0);
	web_note_path(&back, r->srv->cfg, iri);
	rc = defer(r, v, kind, form, back.data);
	buf_free(&back);
	return rc;
}

int
web_react_post(struct http_req *r)
{
	static const char *const paths[] = { "/like", "/unlike", "/boost",
		"/unboost" };
	const struct page_viewer *v;
	json_t *form;
	int rc, i, kind = -1;

	for (i = 0; i < 4; i++)
		if (!strcmp(r->path, paths[i]))
			kind = J_REACT + i;
	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	if (kind < 0)
		return http_error(r, 404, "there is no such action");
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	return note_action(r, v, kind, form);
}

/* ---- featuring ---- */

int
web_feature_post(struct http_req *r)
{
	const struct page_viewer *v;
	json_t *form;
	int kind, rc;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	if (!hub_role_features(v->role)) {
		json_decref(form);
		return http_error(r, 403,
		    "only admins and editors can feature posts on the home "
		    "page");
	}
	kind = strcmp(r->path, "/unfeature") ? J_FEATURE : J_UNFEATURE;
	return note_action(r, v, kind, form);
}
