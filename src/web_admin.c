#include "web_admin.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "anon.h"
#include "block.h"
#include "buf.h"
#include "config.h"
#include "err.h"
#include "fed_deliver.h"
#include "fed_fetch.h"
#include "fed_group.h"
#include "fed_inbox.h"
#include "group.h"
#include "group_view.h"
#include "http.h"
#include "hub.h"
#include "page.h"
#include "st_actor.h"
#include "st_block.h"
#include "st_db.h"
#include "st_follow.h"
#include "st_instance.h"
#include "st_object.h"
#include "st_social.h"
#include "web.h"
#include "web_review.h"
#include "web_post.h"
#include "worker.h"

#define LIST_MAX   50  /* items of one list shown */
#define GROUPS_MAX 50  /* communities shown on the moderation page */
#define USERS_MAX  500 /* members shown on the admin page */

/* A wide table scrolls inside a box of its own on a phone, not the
 * page: a named region that Tab reaches, so that it can be scrolled
 * with the keyboard (WCAG 2.2 1.4.10, 2.1.1). Closed by "</div>". */
static void
scroll_begin(struct buf *b, const char *label)
{
	buf_adds(b,
	    "<div class=\"scroll\" role=\"region\" tabindex=\"0\" "
	    "aria-label=\"");
	page_text(b, label);
	buf_adds(b, "\">");
}

/* ---- what an action is ---- */

enum act {
	A_ACCEPT,
	A_REJECT,
	A_APPROVE,
	A_DENY,
	A_REMOVE,
	A_BAN,
	A_UNBAN,
	A_DELETE,
	A_DISABLE,
	A_ROLE,
	A_U_DISABLE,
	A_U_ENABLE,
	A_U_APPROVE,
	A_U_REJECT,
	A_BLOCK,
	A_UNBLOCK
};

/* field: the form field the action takes ("%s-": prefixed with the
 * community's name, so that each community's form has its own ids);
 * text: a field typed in (an error is shown next to it), else hidden.
 * done: the confirmation shown after the redirect. */
static const struct action {
	const char *path; /* last segment */
	int kind, admin;
	const char *field;
	int text;
	const char *done;
} actions[] = {
	{ "accept", A_ACCEPT, 0, "object", 0,
	    "The post is accepted and passed on to the community." },
	{ "reject", A_REJECT, 0, "object", 0,
	    "The post is rejected: it leaves the queue." },
	{ "approve", A_APPROVE, 0, "actor", 0,
	    "The request to join is approved." },
	{ "deny", A_DENY, 0, "actor", 0, "The request to join is denied." },
	{ "remove", A_REMOVE, 0, "%s-remove", 1,
	    "The post is removed from the community." },
	{ "ban", A_BAN, 0, "%s-ban", 1,
	    "The ban is in place: their posts are no longer passed on." },
	{ "unban", A_UNBAN, 0, "ban", 0, "The ban is lifted." },
	{ "delete", A_DELETE, 0, "object", 1, "The post is deleted." },
	{ "disable", A_DISABLE, 0, "name", 1,
	    "The account is disabled: they can no longer sign in." },
	{ "role", A_ROLE, 1, "role", 0, "The role is changed." },
	{ "disable", A_U_DISABLE, 1, NULL, 0, "The account is disabled." },
	{ "enable", A_U_ENABLE, 1, NULL, 0, "The account is enabled." },
	{ "approve", A_U_APPROVE, 1, NULL, 0,
	    "The account is approved: they can sign in now." },
	{ "reject", A_U_REJECT, 1, NULL, 0,
	    "The sign-up is rejected and the account removed." },
	{ "block", A_BLOCK, 1, "host", 1,
	    "The server is blocked: nothing more is taken from it or sent "
	    "to it." },
	{ "unblock", A_UNBLOCK, 1, "host", 0, "The server is unblocked." },
};
#define NACTIONS (sizeof(actions) / sizeof(actions[0]))

/* What a page shows besides its data: the form typed in and its
 * problems, or the confirmation of the last action (?done=N). */
struct shown {
	const json_t *form;   /* or NULL */
	const json_t *errors; /* {"field": "message"}, or NULL */
	const char *done;     /* or NULL */
};

static const char *
err_of(const struct shown *s, const char *field)
{
	return json_string_value(json_object_get(s->errors, field));
}

/* The value typed into field, kept when the form comes back. */
static const char *
typed(const struct shown *s, const char *field)
{
	return s->errors != NULL ? web_field(s->form, field) : NULL;
}

static void
when_text(struct buf *b, uint64_t t)
{
	char s[32];

	if (t == 0) {
		buf_adds(b, "never");
		return;
	}
	strftime(s, sizeof(s), "%Y-%m-%d %H:%M", gmtime(&(time_t){ t }));
	buf_printf(b, "<time>%s UTC</time>", s);
}

/* A one-button form posting name=value (escaped) to action. */
static void
button(struct buf *b, const char *action, const char *csrf, const char *name,
    const char *value, const char *label)
{
	buf_adds(b, "<form class=\"inline\" method=\"post\" action=\"");
	page_text(b, action);
	buf_adds(b, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
	page_text(b, csrf);
	buf_adds(b, "\">");
	if (name != NULL) {
		buf_adds(b, "<input type=\"hidden\" name=\"");
		page_text(b, name);
		buf_adds(b, "\" value=\"");
		page_text(b, value);
		buf_adds(b, "\">");
	}
	buf_adds(b, "<button type=\"submit\">");
	page_text(b, label);
	buf_adds(b, "</button></form> ");
}

static void
notice(struct buf *b, const char *done)
{
	size_t i = done ? (size_t)strtoul(done, NULL, 10) : NACTIONS;

	if (done == NULL || done[0] < '0' || done[0] > '9' || i >= NACTIONS)
		return;
	buf_adds(b, "<p class=\"notice\" role=\"status\">");
	page_text(b, actions[i].done);
	buf_adds(b, "</p>");
}

/* ---- the moderation page ---- */

static void
actor_link(struct buf *b, struct st_txn *t, const char *iri)
{
	struct st_actor a;

	if (iri == NULL || iri[0] == '\0') {
		buf_adds(b, "someone not known here");
		return;
	}
	buf_adds(b, "<a href=\"");
	page_text(b, iri);
	buf_adds(b, "\">");
	if (st_actor_by_iri(t, iri, &a) == 0) {
		page_text(b, a.display_name[0] ? a.display_name : a.name);
		buf_adds(b, " (");
		page_text(b, a.name);
		buf_adds(b, ")");
		st_actor_clear(&a);
	} else
		page_text(b, iri);
	buf_adds(b, "</a>");
}

/* A reported object: the note's content as stored (sanitized on ingest
 * or rendered from escaped text), with a delete button for the hub's
 * moderators when it is a local note. */
static void
reported_object(struct buf *b, struct st_txn *t, const char *iri,
    const char *csrf, int hub_mod, uint64_t reporter)
{
	struct st_obj o;
	uint64_t id;
	json_t *note;

	if (st_iri_get(t, iri, &id) != 0 ||
	    (note = fed_object_json(t, id, &o)) == NULL) {
		buf_adds(b, "<p>About <a href=\"");
		page_text(b, iri);
		buf_adds(b, "\">");
		page_text(b, iri);
		buf_adds(b, "</a></p>");
		return;
	}
	/* A report shows moderators only what its reporter may read: a
	 * report must not be a way to read someone's followers-only or
	 * direct posts, or a private community's. */
	if (o.kind == ST_K_NOTE && o.vis > ST_VIS_UNLISTED &&
	    !routes_may_read(t, &o, reporter)) {
		buf_adds(b,
		    "<p>About a post the reporter cannot see: <a "
		    "href=\"");
		page_text(b, iri);
		buf_adds(b, "\">");
		page_text(b, iri);
		buf_adds(b, "</a></p>");
	} else if (o.kind == ST_K_NOTE) {
		page_note_item(b, note);
		if (hub_mod && (o.flags & ST_OF_LOCAL))
			button(b, "/moderation/delete", csrf, "object", iri,
			    "Delete this post");
	} else if (o.kind == ST_K_TOMBSTONE)
		buf_adds(b, "<p>The reported post has been deleted.</p>");
	json_decref(note);
}

static void
report_item(struct buf *b, struct st_txn *t, const struct st_report *rep,
    const char *csrf, int hub_mod)
{
	json_t *it = fed_report_json(t, rep), *o;
	const char *comment = json_string_value(json_object_get(it, "comment"));
	size_t i;

	if (it == NULL)
		return;
	buf_adds(b, "<li class=\"report\"><p>");
	actor_link(b, t, json_string_value(json_object_get(it, "reporter")));
	buf_adds(b, " reported ");
	actor_link(b, t, json_string_value(json_object_get(it, "target")));
	buf_adds(b, " on ");
	when_text(b, rep->time);
	buf_adds(b, ".</p><p>Reason: ");
	page_text(b, comment && comment[0] ? comment : "(none given)");
	buf_adds(b, "</p>");
	json_array_foreach(json_object_get(it, "objects"), i, o)
	{
		if (json_is_string(o))
			reported_object(b, t, json_string_value(o), csrf,
			    hub_mod, rep->reporter);
	}
	buf_adds(b, "</li>");
	json_decref(it);
}

static void
reports(struct buf *b, struct st_txn *t, uint64_t group, const char *csrf,
    int hub_mod)
{
	struct st_report reps[LIST_MAX];
	int n, i, more = 0;

	n = group ? st_report_page_of(t, group, 0, reps, LIST_MAX, &more)
		  : st_report_page(t, 0, reps, LIST_MAX, &more);
	if (n <= 0) {
		buf_adds(b, "<p>No reports.</p>");
		return;
	}
	buf_adds(b, "<ul>");
	for (i = 0; i < n; i++)
		report_item(b, t, &reps[i], csrf, hub_mod);
	buf_adds(b, "</ul>");
}

/* The action URL of a community's call. */
static void
caction(char *out, size_t cap, const char *group, const char *call)
{
	snprintf(out, cap, "/moderation/c/%s/%s", group, call);
}

static void
held_posts(
    struct buf *b, struct st_txn *t, const struct st_actor *g, const char *csrf)
{
	struct st_pending held[LIST_MAX];
	json_t *items = json_array(), *it;
	char acc[128], rej[128];
	int n, i, more = 0;
	size_t k;

	n = st_pending_page(t, g->id, 0, held, LIST_MAX, &more);
	for (i = 0; i < n; i++)
		if ((it = fed_group_pending_json(t, &held[i])) != NULL)
			json_array_append_new(items, it);
	hub_anon_pending(t, g, items);
	buf_adds(b, "<h3>Posts waiting for review</h3>");
	if (json_array_size(items) == 0)
		buf_adds(b, "<p>None.</p>");
	caction(acc, sizeof(acc), g->name, "accept");
	caction(rej, sizeof(rej), g->name, "reject");
	buf_adds(b, json_array_size(items) ? "<ul>" : "");
	json_array_foreach(items, k, it)
	{
		const char *obj =
		    json_string_value(json_object_get(it, "object"));

		buf_adds(b, "<li><p>");
		page_text(b, json_string_value(json_object_get(it, "excerpt")));
		buf_adds(b, "</p><p class=\"meta\">By ");
		actor_link(
		    b, t, json_string_value(json_object_get(it, "author")));
		buf_adds(b, "</p>");
		button(b, acc, csrf, "object", obj, "Accept");
		button(b, rej, csrf, "object", obj, "Reject");
		buf_adds(b, "</li>");
	}
	buf_adds(b, json_array_size(items) ? "</ul>" : "");
	json_decref(items);
}

static void
join_requests(
    struct buf *b, struct st_txn *t, const struct st_actor *g, const char *csrf)
{
	uint64_t ids[LIST_MAX];
	char yes[128], no[128];
	struct st_actor a;
	int n, i;

	n = st_follow_list(t, g->id, 1, ST_FOLLOW_PENDING, 0, ids, LIST_MAX);
	buf_adds(b, "<h3>Requests to join</h3>");
	if (n <= 0) {
		buf_adds(b, "<p>None.</p>");
		return;
	}
	caction(yes, sizeof(yes), g->name, "approve");
	caction(no, sizeof(no), g->name, "deny");
	buf_adds(b, "<ul>");
	for (i = 0; i < n; i++) {
		if (st_actor_get(t, ids[i], &a) != 0)
			continue;
		buf_adds(b, "<li>");
		actor_link(b, t, a.iri);
		buf_adds(b, " ");
		button(b, yes, csrf, "actor", a.iri, "Approve");
		button(b, no, csrf, "actor", a.iri, "Deny");
		buf_adds(b, "</li>");
		st_actor_clear(&a);
	}
	buf_adds(b, "</ul>");
}

struct ban_ctx {
	struct buf *b;
	const char *action, *csrf;
	int n;
};

static int
ban_each(void *arg, const char *what, size_t len)
{
	struct ban_ctx *c = arg;
	char v[600];

	snprintf(v, sizeof(v), "%.*s", (int)len, what);
	buf_adds(c->b, c->n++ ? "<li>" : "<ul><li>");
	page_text(c->b, v);
	buf_adds(c->b, " ");
	button(c->b, c->action, c->csrf, "ban", v, "Lift the ban");
	buf_adds(c->b, "</li>");
	return 0;
}

static void
community_forms(struct buf *b, const struct st_actor *g, const char *csrf,
    const struct shown *s)
{
	char action[128], field[96], label[160];

	caction(action, sizeof(action), g->name, "remove");
	snprintf(field, sizeof(field), "%s-remove", g->name);
	snprintf(label, sizeof(label), "Remove a post from %s", g->name);
	buf_adds(b, "<h3>Remove a post or ban an account</h3>");
	page_form_begin(b, action, csrf);
	page_field(b,
	    &(struct page_field){ .name = field,
		.label = label,
		.type = "url",
		.hint = "The post's address (URL). It stays its author's, "
			"but the community no longer passes it on.",
		.value = typed(s, field),
		.error = err_of(s, field),
		.required = 1,
		.maxlength = 600 });
	page_form_end(b, "Remove post");
	caction(action, sizeof(action), g->name, "ban");
	snprintf(field, sizeof(field), "%s-ban", g->name);
	snprintf(label, sizeof(label), "Ban from %s", g->name);
	page_form_begin(b, action, csrf);
	page_field(b,
	    &(struct page_field){ .name = field,
		.label = label,
		.type = "text",
		.hint = "A member's name, @user@server, an account's URL, or "
			"a whole server (like social.example).",
		.value = typed(s, field),
		.error = err_of(s, field),
		.required = 1,
		.maxlength = 600 });
	page_form_end(b, "Ban");
}

static void
community_section(struct buf *b, struct st_txn *t, const struct st_actor *g,
    const char *csrf, const struct shown *s)
{
	char action[128];
	struct ban_ctx c = { b, action, csrf, 0 };

	buf_adds(b, "<section><h2>Community: ");
	page_text(b, g->display_name[0] ? g->display_name : g->name);
	buf_adds(b, " (<a href=\"/c/");
	page_text(b, g->name);
	buf_adds(b, "\">");
	page_text(b, g->name);
	buf_adds(b, "</a>)</h2>");
	held_posts(b, t, g, csrf);
	join_requests(b, t, g, csrf);
	buf_adds(b, "<h3>Reports about this community</h3>");
	reports(b, t, g->id, csrf, 0);
	community_forms(b, g, csrf, s);
	caction(action, sizeof(action), g->name, "unban");
	buf_adds(b, "<h3>Bans</h3>");
	st_glist_each(t, g->id, ST_GL_BAN_ACTOR, ban_each, &c);
	st_glist_each(t, g->id, ST_GL_BAN_HOST, ban_each, &c);
	buf_adds(b, c.n ? "</ul>" : "<p>No one is banned.</p>");
	buf_adds(b, "</section>");
}

/* The communities the member (me, admin) moderates. */
struct mods {
	struct st_txn *t;
	uint64_t me;
	int admin, n;
	uint64_t ids[GROUPS_MAX];
};

static int
mods_each(void *arg, const char *name, uint64_t id)
{
	struct mods *m = arg;
	struct st_actor g;

	(void)name;
	if (st_actor_get(m->t, id, &g) != 0)
		return 0;
	if (g.kind == ST_AK_GROUP && !(g.flags & ST_AF_DELETED) &&
	    (m->admin || fed_group_is_mod(m->t, id, m->me)))
		m->ids[m->n++] = id;
	st_actor_clear(&g);
	return m->n == GROUPS_MAX;
}

static void
hub_section(
    struct buf *b, struct st_txn *t, const char *csrf, const struct shown *s)
{
	buf_adds(b, "<section><h2>Reports to the hub</h2>");
	reports(b, t, 0, csrf, 1);
	buf_adds(b, "<h2>Delete a post or disable an account</h2>");
	page_form_begin(b, "/moderation/delete", csrf);
	page_field(b,
	    &(struct page_field){ .name = "object",
		.label = "Delete a post of this hub",
		.type = "url",
		.hint = "The post's address (URL). Everyone who received it "
			"is told it is deleted.",
		.value = typed(s, "object"),
		.error = err_of(s, "object"),
		.required = 1,
		.maxlength = 600 });
	page_form_end(b, "Delete post");
	page_form_begin(b, "/moderation/disable", csrf);
	page_field(b,
	    &(struct page_field){ .name = "name",
		.label = "Disable a member's account",
		.type = "text",
		.hint = "Their name on this hub. They can no longer sign in "
			"until an admin enables the account again.",
		.value = typed(s, "name"),
		.error = err_of(s, "name"),
		.required = 1,
		.maxlength = 64 });
	page_form_end(b, "Disable account");
	buf_adds(b, "</section>");
}

/* The moderation page into b, read in t; 0, HUB_FORBIDDEN for a member
 * who moderates nothing, or ST_*. */
static int
moderation_page(struct buf *b, struct hub *h, struct st_txn *t,
    const struct page_viewer *v, const struct shown *s)
{
	struct mods m = { 0 };
	struct st_actor me, g;
	int i, hub_mod;

	m.t = t;
	if (hub_named(m.t, v->name, &me) != 0) {
		return HUB_FORBIDDEN;
	}
	m.me = me.id;
	m.admin = me.role == ST_ROLE_ADMIN;
	hub_mod = hub_role_moderates(me.role);
	st_actor_clear(&me);
	st_name_each(m.t, mods_each, &m);
	if (!hub_mod && m.n == 0) {
		return HUB_FORBIDDEN;
	}
	page_begin(b, h->cfg, v, "Moderation", NULL);
	buf_adds(b, "<h1>Moderation</h1>");
	notice(b, s->done);
	page_error_summary(b, s->errors);
	if (hub_mod)
		hub_section(b, m.t, v->csrf, s);
	for (i = 0; i < m.n; i++)
		if (st_actor_get(m.t, m.ids[i], &g) == 0) {
			community_section(b, m.t, &g, v->csrf, s);
			st_actor_clear(&g);
		}
	page_end(b);
	return 0;
}

/* ---- the admin page ---- */

struct names {
	uint64_t ids[USERS_MAX];
	int n;
};

static int
names_each(void *arg, const char *name, uint64_t id)
{
	struct names *l = arg;

	(void)name;
	l->ids[l->n++] = id;
	return l->n == USERS_MAX;
}

static const char *
state_of(const struct st_actor *a)
{
	if (a->flags & ST_AF_PENDING)
		return "waiting for approval";
	return a->flags & ST_AF_DISABLED ? "disabled" : "active";
}

static void
role_form(struct buf *b, const struct st_actor *a, const char *csrf)
{
	char action[96];
	int r;

	snprintf(action, sizeof(action), "/admin/users/%s/role", a->name);
	buf_adds(b, "<form class=\"inline\" method=\"post\" action=\"");
	page_text(b, action);
	buf_adds(b, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
	page_text(b, csrf);
	buf_printf(
	    b, "\"><label class=\"vh\" for=\"role-%s\">Role of ", a->name);
	page_text(b, a->name);
	buf_printf(b, "</label><select id=\"role-%s\" name=\"role\">", a->name);
	for (r = ST_ROLE_MEMBER; r <= ST_ROLE_ADMIN; r++)
		buf_printf(b, "<option value=\"%s\"%s>%s</option>",
		    hub_role_name(r), r == a->role ? " selected" : "",
		    hub_role_name(r));
	buf_adds(b,
	    "</select> <button type=\"submit\">Change role</button>"
	    "</form> ");
}

static void
member_row(struct buf *b, const struct st_actor *a, const char *csrf)
{
	char action[96];

	buf_adds(b, "<tr><td><a href=\"/users/");
	page_text(b, a->name);
	buf_adds(b, "\">");
	page_text(b, a->name);
	buf_adds(b, "</a>");
	if (a->display_name[0]) {
		buf_adds(b, "<br>");
		page_text(b, a->display_name);
	}
	buf_printf(b, "</td><td>%s</td><td>%s</td><td>", hub_role_name(a->role),
	    state_of(a));
	when_text(b, a->created);
	buf_printf(b, "</td><td>%llu</td><td>", (unsigned long long)a->posts);
	if (a->flags & ST_AF_PENDING) {
		snprintf(
		    action, sizeof(action), "/admin/users/%s/approve", a->name);
		button(b, action, csrf, NULL, NULL, "Approve");
		snprintf(
		    action, sizeof(action), "/admin/users/%s/reject", a->name);
		button(b, action, csrf, NULL, NULL, "Reject");
	} else {
		role_form(b, a, csrf);
		snprintf(action, sizeof(action), "/admin/users/%s/%s", a->name,
		    a->flags & ST_AF_DISABLED ? "enable" : "disable");
		button(b, action, csrf, NULL, NULL,
		    a->flags & ST_AF_DISABLED ? "Enable" : "Disable");
	}
	buf_adds(b, "</td></tr>");
}

static void
members(struct buf *b, struct st_txn *t, const char *csrf)
{
	struct names *l = calloc(1, sizeof(*l));
	struct st_actor a;
	int i;

	buf_adds(b, "<section><h2>Members</h2>");
	scroll_begin(b, "Members");
	buf_adds(b,
	    "<table><thead><tr><th scope=\"col\">"
	    "Name</th><th scope=\"col\">Role</th><th scope=\"col\">State</th>"
	    "<th scope=\"col\">Created</th><th scope=\"col\">Posts</th>"
	    "<th scope=\"col\">Actions</th></tr></thead><tbody>");
	if (l != NULL)
		st_name_each(t, names_each, l);
	for (i = 0; l != NULL && i < l->n; i++) {
		if (st_actor_get(t, l->ids[i], &a) != 0)
			continue;
		if (a.kind == ST_AK_PERSON && !(a.flags & ST_AF_DELETED))
			member_row(b, &a, csrf);
		st_actor_clear(&a);
	}
	buf_adds(b, "</tbody></table></div></section>");
	free(l);
}

struct blocks_ctx {
	struct buf *b;
	const char *csrf;
	int n;
};

static int
block_row(void *arg, const char *host, const struct st_block *bl)
{
	struct blocks_ctx *c = arg;

	if (c->n++ == 0) {
		scroll_begin(c->b, "Blocked servers");
		buf_adds(c->b,
		    "<table><thead><tr><th scope=\"col\">Server</th>"
		    "<th scope=\"col\">Reason</th><th scope=\"col\">Since"
		    "</th><th scope=\"col\">Action</th></tr></thead><tbody>");
	}
	buf_adds(c->b, "<tr><td>");
	page_text(c->b, host);
	buf_adds(c->b, "</td><td>");
	page_text(c->b, bl->reason);
	buf_adds(c->b, "</td><td>");
	when_text(c->b, bl->since);
	buf_adds(c->b, "</td><td>");
	button(c->b, "/admin/unblock", c->csrf, "host", host, "Unblock");
	buf_adds(c->b, "</td></tr>");
	return 0;
}

static void
blocks(struct buf *b, struct st_txn *t, const char *csrf, const struct shown *s)
{
	struct blocks_ctx c = { b, csrf, 0 };

	buf_adds(b, "<section><h2>Blocked servers</h2>");
	st_block_each(t, block_row, &c);
	buf_adds(
	    b, c.n ? "</tbody></table></div>" : "<p>No server is blocked.</p>");
	page_form_begin(b, "/admin/block", csrf);
	page_field(b,
	    &(struct page_field){ .name = "host",
		.label = "Block a server",
		.type = "text",
		.hint = "Its name, like social.example. Its activities are "
			"refused, nothing is sent to it, and its accounts' "
			"follows with members here end.",
		.value = typed(s, "host"),
		.error = err_of(s, "host"),
		.required = 1,
		.maxlength = 253 });
	page_field(b,
	    &(struct page_field){ .name = "reason",
		.label = "Reason (public)",
		.type = "text",
		.value = typed(s, "reason"),
		.error = err_of(s, "reason"),
		.maxlength = ST_BLOCK_REASON_MAX });
	page_form_end(b, "Block server");
	buf_adds(b, "</section>");
}

/* Per host: jobs queued and the next due time, from one queue walk. */
static int
queue_each(void *arg, const struct st_job *j)
{
	json_t *hosts = arg, *it;
	char host[256];

	fed_url_host(j->inbox, host, sizeof(host));
	if ((it = json_object_get(hosts, host)) == NULL) {
		it = json_pack("{s:I,s:I}", "n", (json_int_t)0, "next",
		    (json_int_t)j->due);
		json_object_set_new(hosts, host, it);
	}
	json_object_set_new(it, "n",
	    json_integer(json_integer_value(json_object_get(it, "n")) + 1));
	return 0;
}

static int
instance_each(void *arg, const char *host, const struct st_instance *in)
{
	json_t *hosts = arg, *it = json_object_get(hosts, host);

	if (it == NULL) {
		it = json_object();
		json_object_set_new(hosts, host, it);
	}
	json_object_set_new(it, "in",
	    json_pack("{s:I,s:I,s:b,s:i}", "failures", (json_int_t)in->failures,
		"last", (json_int_t)in->last_success, "unavailable",
		in->unavailable, "groups", in->groups));
	return 0;
}

static void
instance_row(struct buf *b, const char *host, const json_t *it)
{
	static const char *const sw[] = { "not asked yet",
		"FEP-1b12 (Lemmy, hubs)", "microblog (Mastodon)", "not known" };
	const json_t *in = json_object_get(it, "in");
	json_int_t n = json_integer_value(json_object_get(it, "n"));

	buf_adds(b, "<tr><td>");
	page_text(b, host);
	buf_printf(b, "</td><td>%lld</td><td>%lld</td><td>", (long long)n,
	    (long long)json_integer_value(json_object_get(in, "failures")));
	when_text(b, (uint64_t)json_integer_value(json_object_get(in, "last")));
	buf_adds(b, "</td><td>");
	if (n > 0)
		when_text(b,
		    (uint64_t)json_integer_value(json_object_get(it, "next")));
	else
		buf_adds(b, "-");
	buf_printf(b, "</td><td>%s</td><td>%s</td></tr>",
	    json_is_true(json_object_get(in, "unavailable")) ? "unavailable"
		: json_integer_value(json_object_get(in, "failures")) > 0
		? "failing"
		: "ok",
	    sw[json_integer_value(json_object_get(in, "groups")) & 3]);
}

static void
instances(struct buf *b, struct st_txn *t)
{
	json_t *hosts = json_object(), *it;
	const char *host;

	st_queue_each(t, queue_each, hosts);
	st_instance_each(t, instance_each, hosts);
	buf_adds(b, "<section><h2>Delivery to other servers</h2>");
	scroll_begin(b, "Delivery to other servers");
	buf_adds(b,
	    "<table><thead><tr>"
	    "<th scope=\"col\">Server</th><th scope=\"col\">Queued</th>"
	    "<th scope=\"col\">Failures in a row</th><th scope=\"col\">Last "
	    "success</th><th scope=\"col\">Next try</th><th scope=\"col\">"
	    "Health</th><th scope=\"col\">Software</th></tr></thead><tbody>");
	json_object_foreach(hosts, host, it) instance_row(b, host, it);
	buf_adds(b, "</tbody></table></div></section>");
	json_decref(hosts);
}

static int
admin_page(struct buf *b, struct hub *h, struct st_txn *t,
    const struct page_viewer *v, const struct shown *s)
{
	page_begin(b, h->cfg, v, "Administration", NULL);
	buf_adds(b, "<h1>Administration</h1>");
	notice(b, s->done);
	page_error_summary(b, s->errors);
	members(b, t, v->csrf);
	blocks(b, t, v->csrf, s);
	web_review_admin_section(b, t, v->csrf);
	instances(b, t);
	page_end(b);
	return 0;
}

/* ---- actions, on the worker ---- */

struct job {
	struct http_req *r;
	struct hub *hub;
	const struct action *a;
	char group[64];
	char target[64]; /* /admin/users/NAME */
	char field[100]; /* the form field the action reads */
	json_t *form;
	struct page_viewer v;
};

static void
job_free(struct job *j)
{
	json_decref(j->form);
	free(j);
}

/* Answer r with the page of j's area: the form again with its problem
 * (status), or an error page when the problem is not about a field. */
static void
answer_error(struct job *j, int rc, const struct err *e)
{
	unsigned status = web_status(rc, 503);
	json_t *errors = json_object();
	struct shown s = { j->form, errors, NULL };
	struct st_txn *t;
	struct buf b;
	int prc = -1;

	buf_init(&b, 0);
	json_object_set_new(errors, j->field, json_string(e->msg));
	if (j->a->text && status != 403 && st_read_begin(j->hub->db, &t) == 0) {
		prc = j->a->admin ? admin_page(&b, j->hub, t, &j->v, &s)
				  : moderation_page(&b, j->hub, t, &j->v, &s);
		st_read_end(t);
	}
	if (prc != 0) {
		buf_free(&b);
		buf_init(&b, 0);
		page_error(&b, j->hub->cfg, &j->v, status, e->msg);
	}
	json_decref(errors);
	web_resume_page(j->r, status, &b, NULL);
}

static void
answer_done(struct job *j)
{
	char to[64];

	snprintf(to, sizeof(to), "/%s?done=%d",
	    j->a->admin ? "admin" : "moderation", (int)(j->a - actions));
	web_resume_redirect(j->r, to, NULL);
}

/* Whether what names a whole server for a ban (as hubctl tells them). */
static int
ban_host(const char *what)
{
	return !strchr(what, '/') && !strchr(what, '@') && strchr(what, '.');
}

/* The role and flags of the member name; ST_NOTFOUND when there is no
 * such member (communities are not). */
static int
member_of(struct hub *h, const char *name, int *role, int *flags)
{
	struct st_actor a;
	struct st_txn *t;
	int rc;

	if ((rc = st_read_begin(h->db, &t)) != 0)
		return rc;
	if ((rc = hub_named(t, name, &a)) == 0) {
		*role = a.role;
		*flags = a.flags;
		rc = a.kind == ST_AK_PERSON ? 0 : ST_NOTFOUND;
		st_actor_clear(&a);
	}
	st_read_end(t);
	return rc;
}

/* A hub moderator disables a member; only an admin disables anyone
 * with a role. */
static int
disable(struct job *j, const char *name, struct err *e)
{
	int role = 0, flags = 0;

	if (member_of(j->hub, name, &role, &flags) != 0)
		return err_set(e,
			   "there is no member called \"%s\" here: check "
			   "the name",
			   name),
		       ST_NOTFOUND;
	if (j->v.role != ST_ROLE_ADMIN && role != ST_ROLE_MEMBER)
		return err_set(e,
			   "only an admin may disable a %s's account: ask "
			   "one",
			   hub_role_name(role)),
		       HUB_FORBIDDEN;
	if (!strcmp(name, j->v.name))
		return err_set(e, "you cannot disable your own account"),
		       HUB_INVALID;
	return hub_user_set_disabled(j->hub, name, 1, e);
}

/* An admin rejects a sign-up that waits: the account goes. */
static int
reject(struct job *j, struct err *e)
{
	int role = 0, flags = 0;

	if (member_of(j->hub, j->target, &role, &flags) != 0)
		return err_set(e, "there is no member called \"%s\" here",
			   j->target),
		       ST_NOTFOUND;
	if (!(flags & ST_AF_PENDING))
		return err_set(e,
			   "%s is not waiting for approval: disable the "
			   "account instead",
			   j->target),
		       HUB_INVALID;
	return hub_user_delete(j->hub, j->target, e);
}

static int
run_moderation(struct job *j, const char *what, int *queued, struct err *e)
{
	const char *by = j->v.name;
	char host[256];

	switch (j->a->kind) {
	case A_ACCEPT:
	case A_REJECT:
		return hub_group_review(j->hub, j->group, what,
		    j->a->kind == A_ACCEPT, by, queued, e);
	case A_APPROVE:
	case A_DENY:
		return hub_group_answer(j->hub, j->group, what,
		    j->a->kind == A_APPROVE, by, queued, e);
	case A_REMOVE: return hub_group_remove(j->hub, j->group, what, by, e);
	case A_BAN:
	case A_UNBAN:
		if (ban_host(what) &&
		    hub_block_host(what, host, sizeof(host), e) == 0)
			return hub_group_list(j->hub, j->group, ST_GL_BAN_HOST,
			    host, j->a->kind == A_BAN, by, e);
		return hub_group_list(j->hub, j->group, ST_GL_BAN_ACTOR, what,
		    j->a->kind == A_BAN, by, e);
	case A_DELETE: return hub_post_delete(j->hub, what, 0, e);
	default: return disable(j, what, e);
	}
}

static int
run_admin(struct job *j, const char *what, struct err *e)
{
	char host[256];
	int role;

	switch (j->a->kind) {
	case A_ROLE:
		if ((role = hub_role_parse(what)) < 0)
			return err_set(e,
				   "choose member, moderator, editor or admin"),
			       HUB_INVALID;
		return hub_user_set_role(j->hub, j->target, role, e);
	case A_U_DISABLE:
	case A_U_ENABLE:
		return hub_user_set_disabled(
		    j->hub, j->target, j->a->kind == A_U_DISABLE, e);
	case A_U_APPROVE: return hub_user_approve(j->hub, j->target, e);
	case A_U_REJECT: return reject(j, e);
	case A_BLOCK:
	case A_UNBLOCK:
		if (hub_block_host(what, host, sizeof(host), e) != 0)
			return HUB_INVALID;
		if (j->a->kind == A_UNBLOCK)
			return hub_unblock(j->hub, host, e);
		what = web_field(j->form, "reason");
		return hub_block(
		    j->hub, host, what[0] ? what : NULL, NULL, NULL, e);
	default: return HUB_INVALID;
	}
}

static void
job_run(void *arg)
{
	struct job *j = arg;
	struct err e = { { 0 } };
	const char *what = j->field[0] ? web_field(j->form, j->field) : "";
	int rc, queued = 0;

	rc = j->a->admin ? run_admin(j, what, &e)
			 : run_moderation(j, what, &queued, &e);
	if (rc == 0) {
		fed_deliver_kick(j->hub->deliver);
		answer_done(j);
	} else {
		if (e.msg[0] == '\0')
			err_set(&e, "that did not work: %s", st_strerror(rc));
		answer_error(j, rc, &e);
	}
	job_free(j);
}

static void
job_drop(void *j)
{
	job_free(j);
}

static int
defer(struct http_req *r, struct job *j)
{
	j->r = r;
	j->hub = r->srv->hub;
	return web_defer(r, r->srv->hub->api_worker, job_run, j, job_drop);
}

/* ---- routes ---- */

static int
send_page(struct http_req *r, const struct page_viewer *v, int admin,
    const struct shown *s, unsigned status)
{
	struct st_txn *t;
	struct buf b;
	int rc;

	/* One read transaction for the page, the viewer included (when
	 * v is NULL: a GET). */
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(
		    r, 503, "storage is not available: try again");
	if (v == NULL && (v = web_member_tx(r, t, &rc)) == NULL) {
		st_read_end(t);
		return rc;
	}
	if (admin && v->role != ST_ROLE_ADMIN) {
		st_read_end(t);
		return http_error(
		    r, 403, "only the hub's admins may see this page.");
	}
	buf_init(&b, 0);
	rc = admin ? admin_page(&b, r->srv->hub, t, v, s)
		   : moderation_page(&b, r->srv->hub, t, v, s);
	st_read_end(t);
	if (rc == HUB_FORBIDDEN) {
		buf_free(&b);
		return http_error(r, 403,
		    "only the hub's moderators and admins, and the moderators "
		    "of a community, may moderate. Ask an admin if you should "
		    "be one.");
	}
	if (rc != 0) {
		buf_free(&b);
		return http_error(
		    r, 503, "storage is not available: try again");
	}
	return web_send(r, status, &b, NULL);
}

int
web_moderation_get(struct http_req *r)
{
	struct shown s = { NULL, NULL, http_query(r, "done") };

	return send_page(r, NULL, 0, &s, 200);
}

int
web_admin_get(struct http_req *r)
{
	struct shown s = { NULL, NULL, http_query(r, "done") };

	return send_page(r, NULL, 1, &s, 200);
}

/* The action of a POST path: /moderation/CALL, /moderation/c/G/CALL,
 * /admin/CALL or /admin/users/NAME/CALL; j's group or target set. */
static const struct action *
action_of(struct http_req *r, int admin, struct job *j)
{
	const char *call = strrchr(r->path, '/') + 1;
	int scoped = r->nargs == 2;
	size_t i;

	if (scoped && (r->argl[0] == 0 || r->argl[0] >= sizeof(j->group)))
		return NULL;
	if (scoped)
		snprintf(admin ? j->target : j->group, sizeof(j->group), "%.*s",
		    (int)r->argl[0], r->argp[0]);
	for (i = 0; i < NACTIONS; i++)
		if (actions[i].admin == admin &&
		    !strcmp(actions[i].path, call) &&
		    /* community calls take a community, the hub's not */
		    (admin ? (actions[i].kind < A_BLOCK) == scoped
			   : (actions[i].kind < A_DELETE) == scoped))
			return &actions[i];
	return NULL;
}

/* Checks on the pool thread, before any work: the field is filled in;
 * the member may act. Returns 0, or a status with msg set. */
static unsigned
precheck(const struct job *j, const struct page_viewer *v, const char **msg)
{
	const char *what = j->field[0] ? web_field(j->form, j->field) : "x";

	if ((j->a->admin && v->role != ST_ROLE_ADMIN) ||
	    (!j->a->admin && j->a->kind >= A_DELETE &&
		!hub_role_moderates(v->role)))
		return *msg = "only the hub's moderators and admins may do "
			      "this. Ask an admin if you should be one.",
		       403;
	if (j->a->admin && j->target[0] && !strcmp(j->target, v->name) &&
	    j->a->kind != A_U_ENABLE)
		return *msg = "you cannot change your own account here: ask "
			      "another admin",
		       403;
	if (what[0] != '\0' && strlen(what) <= 600)
		return 0;
	*msg = j->a->kind == A_BLOCK  ? "enter a server's name, like "
					"social.example"
	    : j->a->kind == A_DISABLE ? "enter the member's name"
	    : j->a->kind == A_BAN     ? "enter who to ban: a name, "
					"@user@server, a URL or a server"
				      : "enter the address (URL) of the post";
	return 422;
}

static int
action_post(struct http_req *r, int admin)
{
	const struct page_viewer *v;
	struct job *j;
	const char *msg = NULL;
	json_t *errors;
	unsigned status;
	int rc;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	if ((j = calloc(1, sizeof(*j))) == NULL)
		return http_error(r, 503, "the hub is out of memory");
	if ((j->a = action_of(r, admin, j)) == NULL) {
		free(j);
		return http_error(r, 404, "there is no such page");
	}
	if ((j->form = web_form(r, &rc)) == NULL ||
	    !web_csrf_ok(r, j->form, &rc)) {
		job_free(j);
		return rc;
	}
	j->v = *v;
	if (j->a->field != NULL && !strncmp(j->a->field, "%s-", 3))
		snprintf(j->field, sizeof(j->field), "%s-%s", j->group,
		    j->a->field + 3);
	else if (j->a->field != NULL)
		snprintf(j->field, sizeof(j->field), "%s", j->a->field);
	if ((status = precheck(j, v, &msg)) == 0)
		return defer(r, j);
	if (status == 403 || !j->a->text) {
		job_free(j);
		return http_error(r, status, msg);
	}
	errors = json_pack("{s:s}", j->field, msg);
	rc = send_page(
	    r, v, admin, &(struct shown){ j->form, errors, NULL }, status);
	json_decref(errors);
	job_free(j);
	return rc;
}

int
web_moderation_post(struct http_req *r)
{
	return action_post(r, 0);
}

int
web_admin_post(struct http_req *r)
{
	return action_post(r, 1);
}
