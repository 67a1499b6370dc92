#include "web_review.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "err.h"
#include "fed_as2.h"
#include "fed_deliver.h"
#include "fed_learning.h"
#include "http.h"
#include "hub.h"
#include "learning.h"
#include "markdown.h"
#include "page.h"
#include "review.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_object.h"
#include "st_review.h"
#include "text.h"
#include "web.h"

#define QUEUE_MAX 100 /* items listed per part of a page */

/* ---- shared pieces ---- */

static const char *
jstr(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static void
day(struct buf *b, uint64_t t)
{
	char s[TEXT_DATE_LEN + 1];

	text_date_format(t, s);
	buf_adds(b, "<time>");
	page_text(b, s);
	buf_adds(b, "</time>");
}

static void
num(struct buf *b, uint64_t n)
{
	char s[24];

	snprintf(s, sizeof(s), "%llu", (unsigned long long)n);
	buf_adds(b, s);
}

/* What a state means to its reader. */
static const char *
state_label(int state)
{
	static const char *const labels[ST_DRAFT_NSTATES] = { "",
		"Draft (not sent yet)", "Submitted: waits for an editor",
		"In review", "Returned to the author with feedback",
		"Published", "Withdrawn",
		"Held: an editor checks it for patient identifiers" };

	return state > 0 && state < ST_DRAFT_NSTATES ? labels[state] : "";
}

static void
name_of(struct st_txn *t, uint64_t id, struct buf *b)
{
	struct st_actor a;

	if (id == 0) {
		buf_adds(b, "the operator");
		return;
	}
	if (st_actor_get(t, id, &a) != 0) {
		buf_adds(b, "someone no longer here");
		return;
	}
	page_text(
	    b, a.display_name && *a.display_name ? a.display_name : a.name);
	st_actor_clear(&a);
}

/* The title of a draft's parsed content c (NULL: none): the learning
 * post's, or the note's first words. */
static void
title_of(struct buf *b, const json_t *c)
{
	const char *s = jstr(json_object_get(c, "learning"), "title");
	char cut[81];

	if (s == NULL && jstr(c, "text") != NULL) {
		snprintf(cut, sizeof(cut), "%s", jstr(c, "text"));
		s = cut;
	}
	page_text(b, s && *s ? s : "Untitled");
}

/* The title of d, for a list: its content parsed for this row. */
static void
draft_title(struct buf *b, const struct st_draft *d)
{
	json_t *c = json_loads(d->content, 0, NULL);

	title_of(b, c);
	json_decref(c);
}

static int
history_item(void *arg, const struct st_review_entry *e)
{
	void **a = arg;
	struct buf *b = a[0];

	buf_adds(b, "<li>");
	day(b, e->time);
	buf_addc(b, ' ');
	name_of(a[1], e->actor, b);
	buf_addc(b, ' ');
	page_text(b, st_review_action_name(e->action));
	if (e->comment[0]) {
		buf_adds(b, ": <q>");
		page_text(b, e->comment);
		buf_adds(b, "</q>");
	}
	buf_adds(b, "</li>");
	return 0;
}

static void
history(struct buf *b, struct st_txn *t, uint64_t id)
{
	void *a[2] = { b, t };

	buf_adds(b, "<h3>History and feedback</h3><ol class=\"history\">");
	st_review_log_each(t, id, history_item, a);
	buf_adds(b, "</ol>");
}

/* The hidden id of a form on the item page, and the version of the
 * draft shown (for approvals: only what the editor read is published). */
static void
id_fields(struct buf *b, uint64_t id, const char *version)
{
	char s[24];

	snprintf(s, sizeof(s), "%llu", (unsigned long long)id);
	page_field(b,
	    &(struct page_field){ .name = "id", .type = "hidden", .value = s });
	if (version != NULL)
		page_field(b,
		    &(struct page_field){ .name = "version",
			.type = "hidden",
			.value = version });
}

/* The start of a form posting action for draft id to path: the hidden
 * id, version (when not NULL) and action. */
static void
form_head(struct buf *b, const char *path, const char *csrf, uint64_t id,
    const char *version, const char *action)
{
	page_form_begin(b, path, csrf);
	id_fields(b, id, version);
	page_field(b,
	    &(struct page_field){
		.name = "action", .type = "hidden", .value = action });
}

/* An inline form posting action for draft id to path. */
static void
act_button(struct buf *b, const char *path, const char *csrf, uint64_t id,
    const char *action, const char *label)
{
	form_head(b, path, csrf, id, NULL, action);
	page_form_end(b, label);
}

/* ---- the member's drafts ---- */

struct mine {
	struct buf *b;
	struct st_txn *t;
	const struct page_viewer *v;
	int n;
};

static int
my_draft(void *arg, const struct st_draft *d)
{
	struct mine *m = arg;
	struct buf *b = m->b;
	char href[64];

	m->n++;
	buf_adds(b, "<li class=\"draft\"><h2>");
	draft_title(b, d);
	buf_adds(b, "</h2><p>");
	page_text(b, state_label(d->state));
	buf_adds(b, " · updated ");
	day(b, d->updated);
	buf_adds(b, " · number ");
	num(b, d->id);
	buf_adds(b, "</p>");
	history(b, m->t, d->id);
	if ((d->state == ST_DRAFT || d->state == ST_DRAFT_RETURNED) &&
	    strcmp(d->type, "note")) {
		snprintf(href, sizeof(href), "/drafts/edit?id=%llu",
		    (unsigned long long)d->id);
		buf_adds(b, "<p><a href=\"");
		buf_adds(b, href);
		buf_adds(b, "\">Edit</a></p>");
	}
	if (st_draft_can_move(d->state, ST_DRAFT_SUBMITTED) &&
	    strcmp(d->type, "note"))
		act_button(b, "/drafts/act", m->v->csrf, d->id, "submit",
		    "Submit for review");
	if (st_draft_can_move(d->state, ST_DRAFT_WITHDRAWN))
		act_button(b, "/drafts/act", m->v->csrf, d->id, "withdraw",
		    "Withdraw");
	buf_adds(b, "</li>");
	return 0;
}

static const char *
done_text(const char *done)
{
	if (done == NULL)
		return NULL;
	if (!strcmp(done, "submitted"))
		return "Submitted. The editors check it before it is "
		       "published; you are told when they publish it or ask "
		       "for changes.";
	if (!strcmp(done, "held"))
		return "Sent to an editor, who checks it for anything that "
		       "could identify someone, then publishes it or returns "
		       "it to you.";
	if (!strcmp(done, "saved"))
		return "Draft saved. Only you can see it until you submit it; "
		       "editors see what is sent to them.";
	return NULL;
}

int
web_drafts(struct http_req *r)
{
	const struct page_viewer *v;
	const char *done;
	struct st_txn *t;
	struct buf b;
	uint64_t me;
	int rc;

	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	if ((v = web_member_tx(r, t, &rc)) == NULL) {
		st_read_end(t);
		return rc;
	}
	struct mine m = { &b, t, v, 0 };

	buf_init(&b, 0);
	page_begin(&b, r->srv->cfg, v, "Your drafts", NULL);
	buf_adds(&b, "<h1>Your drafts</h1>");
	if ((done = done_text(http_query(r, "done"))) != NULL) {
		buf_adds(&b, "<p class=\"notice\" role=\"status\">");
		page_text(&b, done);
		buf_adds(&b, "</p>");
	}
	buf_adds(&b,
	    "<p>Posts you saved, sent for review or asked an editor to "
	    "check. Only you and the editors see them. <a "
	    "href=\"/learn/new\">Share learning</a></p><ul class=\"drafts\">");
	if ((me = web_viewer_id(t, v)) != 0)
		st_draft_each(t, 0, me, 0, QUEUE_MAX, my_draft, &m);
	buf_adds(&b, "</ul>");
	if (m.n == 0)
		buf_adds(&b, "<p>You have no drafts.</p>");
	page_end(&b);
	st_read_end(t);
	return web_send(r, 200, &b, NULL);
}

/* ---- actions, on the worker ---- */

enum rjob_kind { RJ_ACT, RJ_APPROVE, RJ_HOLD };

struct rjob {
	struct http_req *r;
	struct hub *hub;
	struct page_viewer v;
	json_t *form;
	int kind, action;
	uint64_t id, when;
	char back[64];
};

static void
rjob_free(void *arg)
{
	struct rjob *j = arg;

	json_decref(j->form);
	free(j);
}

/* The editor's page of a draft, with errors next to their fields.
 * Returns its status: 200, or 404 for an unknown draft. */
static unsigned item_page(struct buf *b, struct st_txn *t, struct http_req *r,
    const struct page_viewer *v, uint64_t id, const json_t *form,
    const json_t *errors);

/* Show the item page (editors) again with msg next to field, or an
 * error page (members). */
static void
rjob_again(struct rjob *j, unsigned status, const char *field, const char *msg)
{
	json_t *errors = json_pack("{s:s}", field, msg);
	struct st_txn *t;
	struct buf b;

	buf_init(&b, 0);
	if (!strncmp(j->back, "/review", 7) &&
	    st_read_begin(j->hub->db, &t) == 0) {
		if (item_page(&b, t, j->r, &j->v, j->id, j->form, errors) ==
		    404)
			status = 404;
		st_read_end(t);
	} else
		page_error(&b, j->r->srv->cfg, &j->v, status, msg);
	json_decref(errors);
	web_resume_page(j->r, status, &b, NULL);
}

/* Resume j's request: to (303) when rc is 0, else an error page saying
 * e's message (or fallback). */
static void
resume_done(struct rjob *j, int rc, const struct err *e, const char *to,
    const char *fallback)
{
	struct buf b;

	if (rc == 0) {
		web_resume_redirect(j->r, to, NULL);
		return;
	}
	buf_init(&b, 0);
	page_error(&b, j->r->srv->cfg, &j->v, web_status(rc, 503),
	    e->msg[0] ? e->msg : fallback);
	web_resume_page(j->r, web_status(rc, 503), &b, NULL);
}

static const char *
field_of(int rc, const struct rjob *j)
{
	if (rc != HUB_INVALID || strstr(j->back, "/review") == NULL)
		return "_";
	if (j->kind == RJ_APPROVE)
		return j->action ? "reason" : "review_by";
	return j->action == ST_RA_RETURNED ? "feedback" : "comment";
}

static void
rjob_run(void *arg)
{
	struct rjob *j = arg;
	const char *f = j->form
	    ? web_field(
		  j->form, j->action == ST_RA_RETURNED ? "feedback" : "comment")
	    : "";
	struct err e = { { 0 } };
	char iri[700];
	int rc, queued = 0;

	if (j->kind == RJ_APPROVE)
		rc = review_approve(j->hub, j->id, j->v.name,
		    web_field(j->form, "version"), j->when,
		    web_field(j->form, "reason"), iri, sizeof(iri), &queued,
		    &e);
	else
		rc = review_act(
		    j->hub, j->id, j->v.name, j->action, f, j->when, &e);
	if (rc == 0 && queued > 0)
		fed_deliver_kick(j->hub->deliver);
	if (rc == 0)
		web_resume_redirect(j->r, j->back, NULL);
	else
		rjob_again(j, web_status(rc, 503), field_of(rc, j),
		    e.msg[0] ? e.msg : "that did not work: try again");
	rjob_free(j);
}

/* Run fn(j) on the API worker for the member v; j is freed with
 * rjob_free when the request ends without it. */
static int
rdefer(struct http_req *r, const struct page_viewer *v, struct rjob *j,
    void (*fn)(void *))
{
	j->r = r;
	j->hub = r->srv->hub;
	j->v = *v;
	return web_defer(r, r->srv->hub->api_worker, fn, j, rjob_free);
}

/* The draft number of a form, or 0 with a 404 queued. */
static uint64_t
form_id(struct http_req *r, const json_t *form, int *rc)
{
	char *end;
	const char *s = web_field(form, "id");
	unsigned long long n = strtoull(s, &end, 10);

	if (!*s || *end || n == 0) {
		*rc = http_error(r, 404, "there is no draft with that number");
		return 0;
	}
	return n;
}

static const struct {
	const char *name;
	int action, editor;
} actions[] = {
	{ "submit", ST_RA_SUBMITTED, 0 },
	{ "withdraw", ST_RA_WITHDRAWN, 0 },
	{ "comment", ST_RA_COMMENT, 1 },
	{ "start", ST_RA_STARTED, 1 },
	{ "return", ST_RA_RETURNED, 1 },
	{ "review_by", ST_RA_REVIEW_BY, 1 },
	{ "approve", 0, 1 },
	{ "override", 0, 1 },
	{ NULL, 0, 0 },
};

/* The item page again: the review-by date is not a date. */
static int
bad_date(struct http_req *r, const struct page_viewer *v, uint64_t id,
    const json_t *form)
{
	json_t *errors = json_pack("{s:s}", "review_by",
	    "The review-by date is a date such as 2027-01-31.");
	struct st_txn *t;
	struct buf b;

	buf_init(&b, 0);
	if (st_read_begin(r->srv->hub->db, &t) == 0) {
		item_page(&b, t, r, v, id, form, errors);
		st_read_end(t);
	}
	json_decref(errors);
	return web_send(r, 422, &b, NULL);
}

/* POST /drafts/act and /review/act: id, action, comment, review_by,
 * reason. */
static int
act_post(struct http_req *r, int editor)
{
	const struct page_viewer *v;
	const char *a, *rb;
	struct rjob *j;
	json_t *form;
	uint64_t id;
	int rc, i;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	if (editor && !hub_role_reviews(v->role))
		return http_error(r, 403,
		    "only the editors can review posts: ask an admin if you "
		    "should be one");
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	a = web_field(form, "action");
	for (i = 0; actions[i].name && strcmp(actions[i].name, a); i++)
		;
	if ((id = form_id(r, form, &rc)) == 0 || actions[i].name == NULL ||
	    actions[i].editor != editor) {
		json_decref(form);
		return id == 0 ? rc
			       : http_error(r, 422,
				     "that is not something you can do here");
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		json_decref(form);
		return http_error(r, 503, "the hub is out of memory");
	}
	j->form = form;
	j->id = id;
	j->action = actions[i].action;
	j->kind = j->action ? RJ_ACT : RJ_APPROVE;
	if (j->kind == RJ_APPROVE)
		j->action = !strcmp(a, "override"); /* a reason is needed */
	rb = web_field(form, "review_by");
	if (rb[0] && text_date_parse(rb, &j->when) != 0) {
		rjob_free(j);
		return bad_date(r, v, id, form);
	}
	snprintf(
	    j->back, sizeof(j->back), "%s", editor ? "/review" : "/drafts");
	if (editor && j->kind == RJ_ACT && j->action != ST_RA_RETURNED)
		snprintf(j->back, sizeof(j->back), "/review/item?id=%llu",
		    (unsigned long long)id);
	return rdefer(r, v, j, rjob_run);
}

int
web_drafts_act(struct http_req *r)
{
	return act_post(r, 0);
}

int
web_review_act(struct http_req *r)
{
	return act_post(r, 1);
}

/* ---- holding a note the guard refused ---- */

static void
hold_run(void *arg)
{
	struct rjob *j = arg;
	const char *cw = web_field(j->form, "cw"),
		   *g = web_field(j->form, "community");
	json_t *c = json_pack("{s:s,s:s,s:s*,s:s*}", "text",
	    web_field(j->form, "text"), "visibility",
	    web_field(j->form, "visibility"), "content_warning",
	    cw[0] ? cw : NULL, "community", g[0] ? g : NULL);
	struct err e = { { 0 } };
	int rc;

	rc = c ? review_save(j->hub, j->v.name, 0, c, ST_DRAFT_HELD, NULL, &e)
	       : ST_EIO;
	json_decref(c);
	resume_done(
	    j, rc, &e, "/drafts?done=held", "it was not saved: try again");
	rjob_free(j);
}

/* POST /drafts/hold {text, cw, visibility, community}: a note the guard
 * refused, for an editor to check. Only a note the guard refuses is
 * held (anything else is published from /write as usual). */
int
web_drafts_hold(struct http_req *r)
{
	const struct page_viewer *v;
	struct rjob *j;
	struct err e;
	json_t *form;
	int rc, vis;
	const char *text, *cw;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	text = web_field(form, "text");
	cw = web_field(form, "cw");
	vis = hub_vis_parse(web_field(form, "visibility"));
	if (hub_text_check(text, cw[0] ? cw : NULL, &e) != 0 ||
	    hub_pii_check(text, cw[0] ? cw : NULL, &e) != HUB_PII ||
	    vis < ST_VIS_PUBLIC || vis > ST_VIS_FOLLOWERS) {
		json_decref(form);
		return http_error(r, 422,
		    "only a post the patient-identifier check stopped is "
		    "sent to an editor: publish it from Write a post");
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		json_decref(form);
		return http_error(r, 503, "the hub is out of memory");
	}
	j->form = form;
	return rdefer(r, v, j, hold_run);
}

void
web_review_hold_form(struct buf *b, const char *csrf, const json_t *form)
{
	static const char *const keep[] = { "text", "cw", "visibility",
		"community", NULL };
	int i;

	buf_adds(b,
	    "<section class=\"hold\" aria-labelledby=\"hold\"><h2 "
	    "id=\"hold\">Sure it identifies no one?</h2><p>Change the text "
	    "above, or ask an editor to check it. The editor reads it and "
	    "either publishes it, recording why, or returns it to "
	    "you.</p>");
	page_form_begin(b, "/drafts/hold", csrf);
	for (i = 0; keep[i]; i++)
		page_field(b,
		    &(struct page_field){ .name = keep[i],
			.type = "hidden",
			.value = web_field(form, keep[i]) });
	page_form_end(b, "Ask an editor to check it");
	buf_adds(b, "</section>");
}

/* ---- the editors' queue ---- */

struct queue {
	struct buf *b;
	struct st_txn *t;
	int n, due;
};

static int
queue_item(void *arg, const struct st_draft *d)
{
	struct queue *q = arg;
	struct buf *b = q->b;
	char href[64];

	q->n++;
	snprintf(href, sizeof(href), "/review/item?id=%llu",
	    (unsigned long long)d->id);
	buf_adds(b, "<li><a href=\"");
	buf_adds(b, href);
	buf_adds(b, "\">");
	draft_title(b, d);
	buf_adds(b, "</a> <span class=\"meta\">");
	page_text(b, d->type);
	buf_adds(b, " by ");
	name_of(q->t, d->author, b);
	buf_adds(b, ", since ");
	day(b, d->since);
	if (d->state == ST_DRAFT_IN_REVIEW) {
		buf_adds(b, ", taken by ");
		name_of(q->t, d->reviewer, b);
	}
	if (q->due) {
		buf_adds(b, ", <strong>due for re-review</strong> (review by ");
		day(b, d->review_by);
		buf_adds(b, ")");
	}
	buf_adds(b, "</span></li>");
	return 0;
}

static void
queue_part(struct buf *b, struct st_txn *t, const char *title, int state,
    const char *none)
{
	struct queue q = { b, t, 0, state == 0 };

	buf_adds(b, "<section><h2>");
	page_text(b, title);
	buf_adds(b, "</h2><ul class=\"queue\">");
	st_draft_each(t, state, 0, state ? 0 : (uint64_t)time(NULL), QUEUE_MAX,
	    queue_item, &q);
	buf_adds(b, "</ul>");
	if (q.n == 0) {
		buf_adds(b, "<p>");
		page_text(b, none);
		buf_adds(b, "</p>");
	}
	buf_adds(b, "</section>");
}

/* The viewer, who must be an editor (or admin), or NULL with a 403 page
 * (or the sign-in redirect) queued. */
static const struct page_viewer *
editor_tx(struct http_req *r, struct st_txn *t, int *rc)
{
	const struct page_viewer *v = web_member_tx(r, t, rc);

	if (v != NULL && !hub_role_reviews(v->role)) {
		*rc = http_error(r, 403,
		    "only the editors can review posts: ask an admin if you "
		    "should be one");
		return NULL;
	}
	return v;
}

int
web_review(struct http_req *r)
{
	const struct page_viewer *v;
	struct st_txn *t;
	struct buf b;
	int rc;

	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	if ((v = editor_tx(r, t, &rc)) == NULL) {
		st_read_end(t);
		return rc;
	}
	buf_init(&b, 0);
	page_begin(&b, r->srv->cfg, v, "Review", NULL);
	buf_adds(&b,
	    "<h1>Review</h1><p>Posts waiting for the editors, oldest "
	    "first. Open one to read it as it would be published, comment, "
	    "and approve it or return it to its author.</p>");
	queue_part(
	    &b, t, "Submitted", ST_DRAFT_SUBMITTED, "Nothing is waiting.");
	queue_part(
	    &b, t, "In review", ST_DRAFT_IN_REVIEW, "Nothing is in review.");
	queue_part(&b, t, "Held by the patient-identifier check", ST_DRAFT_HELD,
	    "Nothing is held.");
	queue_part(&b, t, "Due for re-review", 0,
	    "No published post is past its review-by date.");
	page_end(&b);
	st_read_end(t);
	return web_send(r, 200, &b, NULL);
}

/* ---- one item ---- */

/* The draft as it would be published (the guard's findings aside). */
static void
rendered(struct buf *b, struct http_req *r, const json_t *c)
{
	struct learning_error le[1];
	struct learning_doc d = { 0 };
	struct learning l;
	struct buf h;

	buf_adds(b, "<article class=\"draft-preview\">");
	if (json_object_get(c, "learning") != NULL) {
		if (learning_parse(json_object_get(c, "learning"),
			r->srv->topics, &l, le, 1) == 0 &&
		    learning_render(&l, r->srv->cfg->base_url, &d) == 0) {
			buf_adds(b, "<h2>");
			page_text(b, l.title);
			buf_adds(b, "</h2>");
			buf_adds(b, d.content); /* rendered and sanitized */
		} else {
			buf_adds(b, "<p>This draft is not complete: ");
			page_text(b, le[0].msg);
			buf_adds(b, "</p>");
		}
		learning_doc_clear(&d);
		learning_clear(&l);
	} else {
		if (jstr(c, "content_warning")) {
			buf_adds(b, "<p><strong>Content warning:</strong> ");
			page_text(b, jstr(c, "content_warning"));
			buf_adds(b, "</p>");
		}
		buf_init(&h, 256 * 1024);
		if (markdown_to_safe_html(
			jstr(c, "text") ? jstr(c, "text") : "",
			r->srv->cfg->base_url, NULL, 0, &h) == 0 &&
		    h.data != NULL)
			buf_adds(b, h.data); /* rendered and sanitized */
		buf_free(&h);
	}
	buf_adds(b, "</article>");
}

/* Where the guard found something, and what kind: never the text in a
 * log, but the editor reads the draft itself above. */
static void
findings(struct buf *b, struct http_req *r, const json_t *c)
{
	json_t *f = learning_refusal(json_object_get(c, "learning"),
	    r->srv->topics, jstr(c, "text"), jstr(c, "content_warning"), 1, "");
	json_t *x;
	size_t i;
	char where[160];

	buf_adds(b,
	    "<section aria-labelledby=\"pii\"><h2 id=\"pii\">What the "
	    "patient-identifier check found</h2><ul>");
	json_array_foreach(json_object_get(f, "findings"), i, x)
	{
		const char *fld = jstr(x, "field");

		snprintf(where, sizeof(where), "%s, line %lld, column %lld: ",
		    !strcmp(fld ? fld : "", "text") ? "Text"
			: !strcmp(fld ? fld : "", "content_warning")
			? "Content warning"
			: learning_field_label(fld ? fld : ""),
		    json_integer_value(json_object_get(x, "line")),
		    json_integer_value(json_object_get(x, "column")));
		buf_adds(b, "<li>");
		page_text(b, where);
		page_text(b, jstr(x, "kind"));
		buf_adds(b, ". ");
		page_text(b, jstr(x, "advice"));
		buf_adds(b, "</li>");
	}
	buf_adds(b, "</ul></section>");
	json_decref(f);
}

static const char *
err_of(const json_t *errors, const char *k)
{
	return jstr(errors, k);
}

static const char *
val(const json_t *form, const char *k)
{
	return form ? web_field(form, k) : "";
}

static void
text_form(struct buf *b, const struct page_viewer *v, uint64_t id,
    const char *version, const char *action, const char *name,
    const char *label, const char *hint, const json_t *form,
    const json_t *errors, const char *submit)
{
	form_head(b, "/review/act", v->csrf, id, version, action);
	page_field(b,
	    &(struct page_field){ .name = name,
		.label = label,
		.type = "textarea",
		.hint = hint,
		.value =
		    !strcmp(val(form, "action"), action) ? val(form, name) : "",
		.error = !strcmp(val(form, "action"), action)
		    ? err_of(errors, name)
		    : NULL,
		.rows = 4,
		.maxlength = REVIEW_TEXT_MAX });
	page_form_end(b, submit);
}

static void
approve_form(struct buf *b, const struct page_viewer *v, uint64_t id,
    const char *version, const json_t *form, const json_t *errors)
{
	form_head(b, "/review/act", v->csrf, id, version, "approve");
	page_field(b,
	    &(struct page_field){ .name = "review_by",
		.label = "Review by (optional)",
		.type = "text",
		.hint = "A date such as 2027-01-31: the post is listed for "
			"the editors to look at again then.",
		.value = val(form, "review_by"),
		.error = err_of(errors, "review_by") });
	page_form_end(b, "Approve and publish");
}

/* The buttons and forms an editor has for d. */
static void
editor_forms(struct buf *b, const struct page_viewer *v,
    const struct st_draft *d, const json_t *form, const json_t *errors)
{
	char ver[REVIEW_VERSION_LEN + 1];

	review_version(d, ver);
	if (d->state == ST_DRAFT_SUBMITTED)
		act_button(
		    b, "/review/act", v->csrf, d->id, "start", "Start review");
	if (d->state == ST_DRAFT_HELD)
		text_form(b, v, d->id, ver, "override", "reason",
		    "Reason for publishing it anyway",
		    "Required. Say why nobody can be identified from it; the "
		    "reason is kept in the post's history.",
		    form, errors, "Publish anyway");
	else if (st_draft_can_move(d->state, ST_DRAFT_PUBLISHED))
		approve_form(b, v, d->id, ver, form, errors);
	if (st_draft_can_move(d->state, ST_DRAFT_RETURNED))
		text_form(b, v, d->id, NULL, "return", "feedback",
		    "Feedback for the author",
		    "Required. Say what to change; the author sees it with "
		    "the draft.",
		    form, errors, "Return to the author");
	if (d->state != ST_DRAFT_WITHDRAWN)
		text_form(b, v, d->id, NULL, "comment", "comment", "Comment",
		    "Seen by the author and the editors.", form, errors,
		    "Add comment");
}

static unsigned
item_page(struct buf *b, struct st_txn *t, struct http_req *r,
    const struct page_viewer *v, uint64_t id, const json_t *form,
    const json_t *errors)
{
	struct st_draft d = { 0 };
	json_t *c;

	/* Editors see what was sent to them: not a draft the author is
	 * still writing, nor one taken back. */
	if (st_draft_get(t, id, &d) != 0 || d.state == ST_DRAFT ||
	    d.state == ST_DRAFT_WITHDRAWN ||
	    (c = json_loads(d.content, 0, NULL)) == NULL) {
		st_draft_clear(&d);
		page_error(b, r->srv->cfg, v, 404,
		    "there is no draft with that number");
		return 404;
	}
	page_begin(b, r->srv->cfg, v, "Review a post", NULL);
	buf_adds(b, "<h1>");
	title_of(b, c);
	buf_adds(b, "</h1>");
	page_error_summary(b, errors);
	buf_adds(b, "<p>");
	page_text(b, state_label(d.state));
	buf_adds(b, " · ");
	page_text(b, d.type);
	buf_adds(b, " by ");
	name_of(t, d.author, b);
	buf_adds(b, " · <a href=\"/review\">Back to the queue</a></p>");
	if (d.state == ST_DRAFT_HELD)
		findings(b, r, c);
	rendered(b, r, c);
	history(b, t, d.id);
	editor_forms(b, v, &d, form, errors);
	page_end(b);
	json_decref(c);
	st_draft_clear(&d);
	return 200;
}

int
web_review_item(struct http_req *r)
{
	const struct page_viewer *v;
	const char *q = http_query(r, "id");
	struct st_txn *t;
	struct buf b;
	uint64_t id;
	unsigned status;
	int rc;

	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	if ((v = editor_tx(r, t, &rc)) == NULL) {
		st_read_end(t);
		return rc;
	}
	id = q ? strtoull(q, NULL, 10) : 0;
	buf_init(&b, 0);
	status = item_page(&b, t, r, v, id, NULL, NULL);
	st_read_end(t);
	return web_send(r, status, &b, NULL);
}

/* ---- the admin's choice of content types to review ---- */

void
web_review_admin_section(struct buf *b, struct st_txn *t, const char *csrf)
{
	const struct fed_learning_term *ty;
	char key[64], list[REVIEW_TYPES_MAX];

	review_types(t, list, sizeof(list));
	buf_adds(b,
	    "<section id=\"review\"><h2>Editorial review</h2><p>Learning "
	    "posts of the kinds ticked here go to the editors (at "
	    "/review) before they are published.</p>");
	page_form_begin(b, "/review/types", csrf);
	buf_adds(b,
	    "<fieldset><legend>Kinds of post the editors "
	    "review</legend>");
	for (ty = fed_learning_types; ty->slug; ty++) {
		snprintf(key, sizeof(key), "type-%s", ty->slug);
		page_field(b,
		    &(struct page_field){ .name = key,
			.label = ty->label,
			.type = "checkbox",
			.value = review_type_in(list, ty->slug) ? "1" : "" });
	}
	buf_adds(b, "</fieldset>");
	page_form_end(b, "Save the kinds reviewed");
	buf_adds(b, "</section>");
}

static void
types_run(void *arg)
{
	struct rjob *j = arg;
	const struct fed_learning_term *ty;
	char list[REVIEW_TYPES_MAX] = "", key[64];
	struct err e = { { 0 } };
	size_t n = 0;
	int rc;

	for (ty = fed_learning_types; ty->slug; ty++) {
		snprintf(key, sizeof(key), "type-%s", ty->slug);
		if (web_field(j->form, key)[0] && n < sizeof(list))
			n += (size_t)snprintf(list + n, sizeof(list) - n,
			    "%s%s", n ? " " : "", ty->slug);
	}
	rc = review_types_set(j->hub, list, &e);
	resume_done(j, rc, &e, "/admin#review", "not saved: try again");
	rjob_free(j);
}

/* POST /review/types: type-SLUG ticked for each kind to review. */
int
web_review_types_post(struct http_req *r)
{
	const struct page_viewer *v;
	struct rjob *j;
	json_t *form;
	int rc;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	if (v->role != ST_ROLE_ADMIN)
		return http_error(r, 403,
		    "only the hub's admins choose what the editors review");
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		json_decref(form);
		return http_error(r, 503, "the hub is out of memory");
	}
	j->form = form;
	return rdefer(r, v, j, types_run);
}
