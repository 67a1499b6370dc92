#include "web_learn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "err.h"
#include "fed_deliver.h"
#include "fed_fetch.h"
#include "fed_learning.h"
#include "http.h"
#include "hub.h"
#include "learning.h"
#include "log.h"
#include "group_view.h"
#include "page.h"
#include "review.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_object.h"
#include "st_review.h"
#include "web_post.h"
#include "topics.h"
#include "web.h"
#include "worker.h"

/* ---- the JSON-LD context ---- */

int
web_learn_context(struct http_req *r)
{
	const char *const h[] = { "Cache-Control", "public, max-age=86400",
		"Access-Control-Allow-Origin", "*", NULL };
	const char *accept = http_header(r, "Accept");
	struct buf b;
	int rc;

	buf_init(&b, 64 * 1024);
	if (fed_learning_context_doc(r->srv->cfg->base_url, &b) != 0) {
		buf_free(&b);
		return http_error(r, 500, "out of memory");
	}
	/* JSON-LD processors ask for application/ld+json; a plain JSON
	 * client gets the same document as application/json. */
	rc = http_send(r, 200,
	    accept && strstr(accept, "application/json") &&
		    !strstr(accept, "ld+json")
		? "application/json"
		: "application/ld+json",
	    b.data, b.len, h);
	buf_free(&b);
	return rc;
}

/* ---- showing a learning post ---- */

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static const char *
term_label(const struct fed_learning_term *list, const char *slug)
{
	const struct fed_learning_term *t = fed_learning_term(list, slug);

	return t ? t->label : slug;
}

/* "Learning · Case study": the label lists show. */
static void
label_line(struct buf *b, const json_t *l)
{
	buf_adds(
	    b, "<p class=\"meta\"><span class=\"badge\">Learning</span> · ");
	page_text(b, term_label(fed_learning_types, str(l, "contentType")));
	buf_adds(b, "</p>");
}

int
web_learn_item(struct buf *b, const struct config *cfg, const json_t *note)
{
	const json_t *l = json_object_get(note, "learning");

	if (!fed_learning_is(note))
		return 0;
	label_line(b, l);
	buf_adds(b, "<p class=\"learning-title\"><a href=\"");
	{
		struct buf h;

		buf_init(&h, 0);
		web_note_path(&h, cfg, str(note, "id"));
		page_text(b, h.data);
		buf_free(&h);
	}
	buf_adds(b, "\">");
	page_text(b, str(note, "name") ? str(note, "name") : "Untitled");
	buf_adds(b, "</a></p><p>");
	page_text(b, str(note, "summary"));
	buf_adds(b, "</p>");
	return 1;
}

/* Content type, audience and context. */
static void
context_meta(struct buf *b, const json_t *l)
{
	const json_t *a;
	size_t i;
	int k;

	buf_adds(b, "<dl class=\"learning-meta\"><dt>Content type</dt><dd>");
	page_text(b, term_label(fed_learning_types, str(l, "contentType")));
	buf_adds(b, "</dd>");
	if (json_array_size(json_object_get(l, "audience")) > 0) {
		buf_adds(b, "<dt>Audience</dt><dd>");
		json_array_foreach(json_object_get(l, "audience"), i, a)
		{
			buf_adds(b, i ? ", " : "");
			page_text(b,
			    term_label(
				fed_learning_audiences, json_string_value(a)));
		}
		buf_adds(b, "</dd>");
	}
	for (k = 0; fed_learning_plain[k]; k++) {
		if (str(l, fed_learning_plain[k]) == NULL)
			continue;
		buf_adds(b, "<dt>");
		page_text(b, learning_field_label(fed_learning_plain[k]));
		buf_adds(b, "</dt><dd>");
		page_text(b, str(l, fed_learning_plain[k]));
		buf_adds(b, "</dd>");
	}
	buf_adds(b, "</dl>");
}

/* Topics: linked to this hub's topic page of the same slug when it has
 * one (the URL's last segment), else to the URL itself. */
static void
topic_links(struct buf *b, const struct topics *ts, const json_t *l)
{
	const struct topic *t;
	const json_t *u;
	const char *s, *slug;
	size_t i;

	if (json_array_size(json_object_get(l, "topics")) == 0)
		return;
	buf_adds(b, "<p class=\"tags\">Topics: ");
	json_array_foreach(json_object_get(l, "topics"), i, u)
	{
		s = json_string_value(u);
		slug = strrchr(s, '/') ? strrchr(s, '/') + 1 : s;
		t = ts ? topics_by_slug(ts, slug) : NULL;
		buf_adds(b, i ? ", <a href=\"" : "<a href=\"");
		if (t != NULL) {
			buf_adds(b, "/topics/");
			page_text(b, t->slug);
		} else
			page_text(b, s);
		buf_adds(b, "\">");
		page_text(b, t ? t->label : slug);
		buf_adds(b, "</a>");
	}
	buf_adds(b, "</p>");
}

static void
licence_cite(struct buf *b, const json_t *note, const json_t *l)
{
	const struct fed_learning_term *lic =
	    fed_learning_licence_by_url(str(l, "licence"));
	const char *iri = str(note, "id");
	int k;

	if (lic != NULL) {
		buf_adds(b, "<p>Licence: <a rel=\"license\" href=\"");
		page_text(b, lic->url);
		buf_adds(b, "\">");
		page_text(b, lic->label);
		buf_adds(b, "</a></p>");
	}
	buf_adds(b, "<p>Permanent link: <a href=\"");
	page_text(b, iri);
	buf_adds(b, "\">");
	page_text(b, iri);
	buf_adds(b, "</a></p>");
	buf_adds(b, "<p>Cite: ");
	for (k = 0; k < 2; k++) {
		struct buf h;

		buf_init(&h, 0);
		buf_adds(&h, "/cite?id=");
		web_url_encode(&h, iri);
		buf_adds(&h, k ? "&format=bib" : "&format=ris");
		buf_adds(
		    b, k ? " · <a download href=\"" : "<a download href=\"");
		page_text(b, h.data);
		buf_adds(b, k ? "\">BibTeX</a>" : "\">RIS</a>");
		buf_free(&h);
	}
	buf_adds(b, "</p>");
}

/* "of HOST " for a post from another server (its IRI's host). */
static void
reviewer_host(struct buf *b, const char *iri)
{
	char host[256];

	fed_url_host(iri, host, sizeof(host));
	buf_adds(b, "of ");
	page_text(b, host);
	buf_adds(b, " ");
}

int
web_learn_full(struct buf *b, const struct config *cfg, const struct topics *ts,
    const json_t *note)
{
	const struct fed_learning_section *s;
	const json_t *l = json_object_get(note, "learning");
	const char *iri = str(note, "id");

	if (!fed_learning_is(note))
		return 0;
	buf_adds(b, "<h1>");
	page_text(b, str(note, "name") ? str(note, "name") : "Untitled");
	buf_adds(b, "</h1>");
	label_line(b, l);
	/* "Reviewed by the editors": another server's claim is shown as
	 * its own, naming it. */
	if (str(l, "reviewed") != NULL && iri != NULL) {
		buf_adds(b, "<p class=\"reviewed\">Reviewed by the editors ");
		if (!web_iri_local(cfg, iri))
			reviewer_host(b, iri);
		buf_adds(b, "on <time>");
		page_text(b, str(l, "reviewed"));
		buf_adds(b, "</time></p>");
	}
	context_meta(b, l);
	/* Section HTML: rendered here from Markdown, or sanitized on
	 * ingest (fed_learning_clean), DESIGN rule 6. */
	for (s = fed_learning_sections; s->key; s++) {
		if (str(l, s->prop) == NULL)
			continue;
		buf_adds(b, "<section><h2>");
		page_text(b, s->label);
		buf_adds(b, "</h2>");
		buf_adds(b, str(l, s->prop));
		buf_adds(b, "</section>");
	}
	topic_links(b, ts, l);
	licence_cite(b, note, l);
	return 1;
}

/* ---- citations ---- */

/* The author's name for a citation: display name, else name. */
static void
author_of(struct st_txn *t, uint64_t owner, char *out, size_t cap)
{
	struct st_actor a;

	snprintf(out, cap, "Anonymous");
	if (st_actor_get(t, owner, &a) != 0)
		return;
	snprintf(out, cap, "%s",
	    a.display_name && a.display_name[0] ? a.display_name : a.name);
	st_actor_clear(&a);
}

/* Load the readable note at iri with its author's name. Returns the
 * parsed note (new reference) or NULL with *status and *msg set. */
static json_t *
cited_note(struct http_req *r, const char *iri, char *author, size_t cap,
    unsigned *status, const char **msg)
{
	const struct page_viewer *v;
	struct st_txn *t;
	struct st_obj o = { 0 };
	const char *js;
	json_t *doc = NULL;
	uint64_t id, me = 0;
	size_t len;

	*status = 404;
	*msg = "this hub has no post at that address that you can read";
	if (st_read_begin(r->srv->hub->db, &t) != 0) {
		*status = 503;
		*msg = "storage is not available";
		return NULL;
	}
	v = web_viewer_tx(r, t);
	me = web_viewer_id(t, v);
	if (st_iri_get(t, iri, &id) == 0 &&
	    st_object_peek(t, id, &o, &js, &len) == 0 && o.kind == ST_K_NOTE &&
	    routes_may_read(t, &o, me) &&
	    (doc = json_loadb(js, len, 0, NULL)) != NULL)
		author_of(t, o.owner, author, cap);
	if (o.kind == ST_K_TOMBSTONE && doc == NULL) {
		*status = 410;
		*msg = "that post has been deleted";
	}
	st_read_end(t);
	return doc;
}

/* Who published the post at iri: this hub (its name), or the server
 * it came from (its host, into buf). */
static const char *
publisher(const struct config *cfg, const char *iri, char buf[256])
{
	if (web_iri_local(cfg, iri))
		return cfg->instance_name[0] ? cfg->instance_name : cfg->host;
	fed_url_host(iri, buf, 256);
	return buf;
}

int
web_learn_cite(struct http_req *r)
{
	const char *iri = http_query(r, "id"), *f = http_query(r, "format");
	const char *msg;
	char author[200], disp[160], pub[256];
	unsigned status;
	int format, rc;
	struct buf b;
	json_t *doc;

	if (f == NULL || (strcmp(f, "ris") && strcmp(f, "bib")))
		return http_error(r, 400,
		    "say which format: /cite?id=URL&format=ris or "
		    "format=bib");
	format = !strcmp(f, "ris") ? LEARNING_RIS : LEARNING_BIBTEX;
	if (iri == NULL || *iri == '\0')
		return http_error(r, 400,
		    "add the address of a post: /cite?id=URL&format=ris");
	if ((doc = cited_note(r, iri, author, sizeof(author), &status, &msg)) ==
	    NULL)
		return http_error(r, status, msg);
	buf_init(&b, 256 * 1024);
	rc = learning_cite(
	    doc, author, publisher(r->srv->cfg, iri, pub), format, &b);
	json_decref(doc);
	if (rc != 0) {
		buf_free(&b);
		return http_error(r, 500, "cannot make the citation");
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"citation.%s\"",
	    format == LEARNING_RIS ? "ris" : "bib");
	{
		const char *const h[] = { "Content-Disposition", disp,
			"Cache-Control", "private, max-age=60", NULL };
		rc = http_send(r, 200,
		    format == LEARNING_RIS
			? "application/x-research-info-systems; charset=utf-8"
			: "application/x-bibtex; charset=utf-8",
		    b.data, b.len, h);
	}
	buf_free(&b);
	return rc;
}

/* ---- the "Share learning" form ---- */

/* The form travels as the flat object web_form() reads: "title", the
 * sections and context fields by their API names, "content_type",
 * "licence", "visibility", "community", and one "audience-SLUG" or
 * "topic-SLUG" per ticked box. */

/* The API-shape object (learning.h) of a form. Unknown ticked topics
 * (a crafted form) are kept, so validation names them. */
static json_t *
learning_of_form(const json_t *form)
{
	const struct fed_learning_section *s;
	json_t *v = json_object(), *aud = json_array(), *top = json_array();
	const struct fed_learning_term *t;
	const char *k;
	json_t *x;
	int i;

	json_object_set_new(v, "title", json_string(web_field(form, "title")));
	for (s = fed_learning_sections; s->key; s++)
		json_object_set_new(
		    v, s->key, json_string(web_field(form, s->key)));
	for (i = 0; fed_learning_plain[i]; i++)
		json_object_set_new(v, fed_learning_plain[i],
		    json_string(web_field(form, fed_learning_plain[i])));
	json_object_set_new(
	    v, "content_type", json_string(web_field(form, "content_type")));
	json_object_set_new(
	    v, "licence", json_string(web_field(form, "licence")));
	for (t = fed_learning_audiences; t->slug; t++) {
		char key[64];

		snprintf(key, sizeof(key), "audience-%s", t->slug);
		if (web_field(form, key)[0])
			json_array_append_new(aud, json_string(t->slug));
	}
	json_object_foreach((json_t *)form, k, x)
	{
		if (!strncmp(k, "topic-", 6) && json_string_value(x)[0])
			json_array_append_new(top, json_string(k + 6));
	}
	json_object_set_new(v, "audience", aud);
	json_object_set_new(v, "topics", top);
	return v;
}

/* The form object of a stored learning post's source (API shape). */
static json_t *
form_of_learning(const json_t *src, const char *id)
{
	json_t *form = json_object(), *x;
	const char *k;
	char key[96];
	size_t i;

	json_object_foreach((json_t *)src, k, x)
	{
		if (json_is_string(x))
			json_object_set_new(form, k, json_copy(x));
	}
	json_array_foreach(json_object_get(src, "audience"), i, x)
	{
		snprintf(key, sizeof(key), "audience-%s", json_string_value(x));
		json_object_set_new(form, key, json_string("1"));
	}
	json_array_foreach(json_object_get(src, "topics"), i, x)
	{
		snprintf(key, sizeof(key), "topic-%s", json_string_value(x));
		json_object_set_new(form, key, json_string("1"));
	}
	json_object_set_new(form, "id", json_string(id));
	return form;
}

struct learn_form {
	const json_t *form;   /* values shown */
	const json_t *errors; /* {"field": "message"}, or NULL */
	const struct learning_doc *preview;
	int edit;
	int pii; /* the guard found patient identifiers: offer an editor */
};

static const char *
err_of(const struct learn_form *f, const char *name)
{
	return json_string_value(json_object_get(f->errors, name));
}

/* select options (value, label pairs) of a term list; owned array. */
static const char **
term_options(const struct fed_learning_term *list, int blank)
{
	const struct fed_learning_term *t;
	const char **o;
	size_t n = 0, k = 0;

	for (t = list; t->slug; t++)
		n++;
	if ((o = calloc(2 * n + 3, sizeof(*o))) == NULL)
		return NULL;
	if (blank) {
		o[k++] = "";
		o[k++] = "Choose one";
	}
	for (t = list; t->slug; t++) {
		o[k++] = t->slug;
		o[k++] = t->label;
	}
	return o;
}

/* A fieldset of checkboxes: prefix-SLUG per term. The error of name is
 * shown under the legend. */
static void
box_group_begin(struct buf *b, const char *id, const char *legend,
    const char *hint, const char *error)
{
	buf_adds(b, "<fieldset id=\"");
	page_text(b, id);
	buf_adds(b, "\"");
	if (hint || error) {
		buf_adds(b, " aria-describedby=\"");
		if (hint)
			buf_printf(b, "%s-hint ", id);
		if (error)
			buf_printf(b, "%s-error", id);
		buf_adds(b, "\"");
	}
	buf_adds(b, error ? " class=\"invalid\"><legend>" : "><legend>");
	page_text(b, legend);
	buf_adds(b, "</legend>");
	if (hint) {
		buf_printf(b, "<p class=\"hint\" id=\"%s-hint\">", id);
		page_text(b, hint);
		buf_adds(b, "</p>");
	}
	if (error) {
		buf_printf(b,
		    "<p class=\"error\" id=\"%s-error\"><span "
		    "class=\"vh\">Error: </span>",
		    id);
		page_text(b, error);
		buf_adds(b, "</p>");
	}
}

static void
box(struct buf *b, const json_t *form, const char *prefix, const char *slug,
    const char *label)
{
	char name[96];

	snprintf(name, sizeof(name), "%s-%s", prefix, slug);
	page_field(b,
	    &(struct page_field){ .name = name,
		.label = label,
		.type = "checkbox",
		.value = web_field(form, name) });
}

static void
section_fields(struct buf *b, const struct learn_form *f)
{
	const struct fed_learning_section *s;

	for (s = fed_learning_sections; s->key; s++) {
		char label[80];

		snprintf(label, sizeof(label), "%s%s", s->label,
		    s->required ? "" : " (optional)");
		page_field(b,
		    &(struct page_field){ .name = s->key,
			.label = label,
			.type = "textarea",
			.hint = s->hint,
			.value = web_field(f->form, s->key),
			.error = err_of(f, s->key),
			.required = s->required,
			.rows = s->required ? 8 : 5 });
	}
}

static void
context_fields(struct buf *b, const struct learn_form *f)
{
	static const char *const labels[] = { "Care setting (optional)",
		"Specialty (optional)", "Country (optional)" };
	static const char *const hints[] = {
		"For example: acute hospital, GP practice, care home, "
		"ambulance service.",
		"For example: maternity, mental health, pharmacy.",
		"Where it happened: helps readers judge if it applies to "
		"them."
	};
	int i;

	buf_adds(b, "<fieldset><legend>Context</legend>");
	for (i = 0; fed_learning_plain[i]; i++)
		page_field(b,
		    &(struct page_field){ .name = fed_learning_plain[i],
			.label = labels[i],
			.type = "text",
			.hint = hints[i],
			.value = web_field(f->form, fed_learning_plain[i]),
			.error = err_of(f, fed_learning_plain[i]),
			.maxlength = LEARNING_FIELD_MAX });
	buf_adds(b, "</fieldset>");
}

static void
kind_fields(struct buf *b, const struct learn_form *f)
{
	const struct fed_learning_term *t;
	const char **o = term_options(fed_learning_types, 1);

	page_field(b,
	    &(struct page_field){ .name = "content_type",
		.label = "Content type",
		.type = "select",
		.hint = "Personal experience, case study, good practice, "
			"improvement project, tool, opinion or research "
			"summary.",
		.value = web_field(f->form, "content_type"),
		.error = err_of(f, "content_type"),
		.options = o });
	free(o);
	box_group_begin(b, "audience", "Who is it for?",
	    "Tick everyone it may help.", err_of(f, "audience"));
	for (t = fed_learning_audiences; t->slug; t++)
		box(b, f->form, "audience", t->slug, t->label);
	buf_adds(b, "</fieldset>");
	o = term_options(fed_learning_licences, 0);
	page_field(b,
	    &(struct page_field){ .name = "licence",
		.label = "Licence",
		.type = "select",
		.hint = "How others may reuse it. CC BY 4.0 (the default): "
			"anyone may share and adapt it, crediting you. "
			"CC0 gives up your rights; All rights reserved lets "
			"others read and link only.",
		.value = web_field(f->form, "licence"),
		.error = err_of(f, "licence"),
		.options = o });
	free(o);
}

static void
topic_fields(struct buf *b, const struct topics *ts, const struct learn_form *f)
{
	size_t g, i;

	box_group_begin(b, "topics", "Topics",
	    "Choose up to 12. Each topic is a hashtag people can follow, "
	    "and your post appears on the topic's page.",
	    err_of(f, "topics"));
	for (g = 0; ts != NULL && topics_groups[g]; g++) {
		buf_adds(b, "<fieldset><legend>");
		page_text(b, topics_group_label(topics_groups[g]));
		buf_adds(b, "</legend>");
		for (i = 0; i < ts->n; i++)
			if (!strcmp(ts->v[i].group, topics_groups[g]))
				box(b, f->form, "topic", ts->v[i].slug,
				    ts->v[i].label);
		buf_adds(b, "</fieldset>");
	}
	buf_adds(b, "</fieldset>");
}

static const char *const vis_options[] = { "public",
	"Public: anyone can see it", "unlisted",
	"Unlisted: anyone with the link, not in public lists", "followers",
	"Followers only", NULL };

/* Where it goes: visibility and community (new posts only). */
static void
audience_fields(struct buf *b, struct st_txn *t, const struct page_viewer *v,
    const struct learn_form *f)
{
	const char **o;
	json_t *keep = NULL;

	page_field(b,
	    &(struct page_field){ .name = "visibility",
		.label = "Who can see it",
		.type = "select",
		.value = web_field(f->form, "visibility"),
		.error = err_of(f, "visibility"),
		.options = vis_options });
	o = web_community_options(t, v->name, &keep);
	if (o != NULL)
		page_field(b,
		    &(struct page_field){ .name = "community",
			.label = "Share in a community (optional)",
			.type = "select",
			.value = web_field(f->form, "community"),
			.error = err_of(f, "community"),
			.options = o });
	free(o);
	json_decref(keep);
}

static void
preview(struct buf *b, const json_t *form, const struct learning_doc *d)
{
	buf_adds(b,
	    "<section class=\"preview\" aria-labelledby=\"pv\"><h2 "
	    "id=\"pv\">Preview</h2><article><p "
	    "class=\"learning-title\"><strong>");
	page_text(b, web_field(form, "title"));
	buf_adds(b, "</strong></p><p>");
	page_text(b, d->summary);
	buf_adds(b, "</p>");
	buf_adds(b, d->content); /* rendered and sanitized */
	buf_adds(b,
	    "</article><p class=\"hint\">Not published yet: check it, then "
	    "press Publish.</p></section>");
}

/* A new post's (or a draft's) buttons: Save draft, Ask an editor
 * (after the guard found patient identifiers), and Publish, which is
 * "Submit for review" for a content type the editors review. */
static void
draft_buttons(struct buf *b, struct st_txn *t, const struct learn_form *f)
{
	char types[REVIEW_TYPES_MAX], *s, *save = NULL;
	const struct fed_learning_term *term;
	int n = 0, need;

	review_types(t, types, sizeof(types));
	need = review_type_in(types, web_field(f->form, "content_type"));
	if (types[0]) {
		buf_adds(b,
		    "<p class=\"hint\">Some kinds of post are checked "
		    "by the editors before they are published: ");
		for (s = strtok_r(types, " ", &save); s;
		     s = strtok_r(NULL, " ", &save)) {
			term = fed_learning_term(fed_learning_types, s);
			buf_adds(b, n++ ? ", " : "");
			page_text(b, term ? term->label : s);
		}
		buf_adds(b,
		    ". For those, Publish sends your post to the "
		    "editors, and you are told when it is published "
		    "or if they ask for changes.</p>");
	}
	if (f->pii && !web_field(f->form, "draft")[0])
		buf_adds(b,
		    "<p>Sure it identifies no one? <button type=\"submit\" "
		    "name=\"hold\" value=\"1\">Ask an editor to check "
		    "it</button> (an editor reads it and publishes it or "
		    "returns it to you).</p>");
	buf_adds(b,
	    "<p><button type=\"submit\" name=\"save\" value=\"1\">Save "
	    "draft</button></p>");
	page_form_end(b, need ? "Submit for review" : "Publish");
}

static void
learn_page(struct buf *b, struct st_txn *t, struct http_req *r,
    const struct page_viewer *v, const struct learn_form *f)
{
	const char *title =
	    f->edit ? "Edit your learning post" : "Share learning";

	page_begin(b, r->srv->cfg, v, title, NULL);
	buf_adds(b, "<h1>");
	page_text(b, title);
	buf_adds(b,
	    "</h1><p>Share what happened, what you learned and what "
	    "changed, so others can learn from it too. Leave out anything "
	    "that could identify a patient, a family or a colleague.</p>");
	page_error_summary(b, f->errors);
	if (f->preview != NULL)
		preview(b, f->form, f->preview);
	page_form_begin(b, f->edit ? "/learn/edit" : "/learn/new", v->csrf);
	if (f->edit)
		page_field(b,
		    &(struct page_field){ .name = "id",
			.type = "hidden",
			.value = web_field(f->form, "id") });
	if (web_field(f->form, "draft")[0])
		page_field(b,
		    &(struct page_field){ .name = "draft",
			.type = "hidden",
			.value = web_field(f->form, "draft") });
	page_field(b,
	    &(struct page_field){ .name = "title",
		.label = "Title",
		.type = "text",
		.hint = "A short, plain title that says what the learning is "
			"about.",
		.value = web_field(f->form, "title"),
		.error = err_of(f, "title"),
		.required = 1,
		.maxlength = LEARNING_TITLE_MAX });
	section_fields(b, f);
	context_fields(b, f);
	kind_fields(b, f);
	topic_fields(b, r->srv->topics, f);
	if (!f->edit)
		audience_fields(b, t, v, f);
	buf_adds(b,
	    "<p><button type=\"submit\" name=\"preview\" value=\"1\">"
	    "Preview</button></p>");
	if (f->edit)
		page_form_end(b, "Save changes");
	else
		draft_buttons(b, t, f);
	page_end(b);
}

/* The form page (v NULL: look the member up, or send them to sign in). */
static int
send_learn(struct http_req *r, const struct page_viewer *v,
    const struct learn_form *f, unsigned status)
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
	learn_page(&b, t, r, v, f);
	st_read_end(t);
	return web_send(r, status, &b, NULL);
}

int
web_learn_new_get(struct http_req *r)
{
	json_t *form = json_pack("{s:s,s:s,s:s}", "licence", "cc-by-4.0",
	    "audience-everyone", "1", "visibility", "public");
	struct learn_form f = { .form = form };
	const char *c = http_query(r, "community");
	int rc;

	if (c != NULL)
		json_object_set_new(form, "community", json_string(c));
	rc = send_learn(r, NULL, &f, 200);
	json_decref(form);
	return rc;
}

/* Field errors of the form (v: its API-shape object) into errors, the
 * first one of each field; none: l is valid (learning_clear it). */
static int
check_form(struct http_req *r, const json_t *form, const json_t *v, int edit,
    json_t *errors, struct learning *l)
{
	struct learning_error le[LEARNING_ERRORS_MAX];
	int n, i, vis, pii = 0;

	n = learning_parse(v, r->srv->topics, l, le, LEARNING_ERRORS_MAX);
	for (i = 0; i < n && i < LEARNING_ERRORS_MAX; i++)
		if (json_object_get(errors, le[i].field) == NULL)
			json_object_set_new(
			    errors, le[i].field, json_string(le[i].msg));
	if (n == 0 && learning_pii(l, le, NULL) > 0) {
		json_object_set_new(
		    errors, le[0].field, json_string(le[0].msg));
		pii = 1;
	}
	vis = hub_vis_parse(web_field(form, "visibility"));
	if (!edit && (vis < ST_VIS_PUBLIC || vis > ST_VIS_FOLLOWERS))
		json_object_set_new(errors, "visibility",
		    json_string("Choose who can see the post: public, "
				"unlisted or followers."));
	return pii && json_object_size(errors) == 1;
}

/* ---- publishing, on the worker ---- */

struct learn_job {
	struct http_req *r;
	struct hub *hub;
	json_t *form, *learning;
	struct page_viewer v;
	int edit;
	int keep;	/* a draft's state to save (review.h), 0: publish */
	uint64_t draft; /* the member's draft this form edits, or 0 */
};

static void
learn_job_free(void *arg)
{
	struct learn_job *j = arg;

	json_decref(j->form);
	json_decref(j->learning);
	free(j);
}

/* The form again, on the worker, with one problem (field "_": none). */
static void
learn_again(struct learn_job *j, unsigned status, const char *msg)
{
	json_t *errors = json_pack(
	    "{s:s}", strstr(msg, "community") ? "community" : "_", msg);
	struct learn_form f = {
		.form = j->form, .errors = errors, .edit = j->edit
	};
	struct st_txn *t;
	struct buf b;

	buf_init(&b, 0);
	if (st_read_begin(j->hub->db, &t) == 0) {
		learn_page(&b, t, j->r, &j->v, &f);
		st_read_end(t);
	} else
		page_error(&b, j->r->srv->cfg, &j->v, 503,
		    "storage is not available: try again");
	json_decref(errors);
	web_resume_page(j->r, status, &b, NULL);
}

static void
withdraw_run(void *arg)
{
	struct learn_job *j = arg;
	struct err e;

	if (review_act(
		j->hub, j->draft, j->v.name, ST_RA_WITHDRAWN, NULL, 0, &e) != 0)
		log_msg(LOG_WARN, "draft %llu stays listed: %s",
		    (unsigned long long)j->draft, e.msg);
	free(j);
}

/* A draft published directly (its content type needs no review) is
 * withdrawn from the drafts, on the worker (not on the writer). */
static void
withdraw_later(const struct learn_job *j)
{
	struct learn_job *w = calloc(1, sizeof(*w));

	if (w == NULL)
		return;
	w->hub = j->hub;
	w->v = j->v;
	w->draft = j->draft;
	if (worker_submit(j->hub->api_worker, withdraw_run, w) != 0)
		free(w);
}

/* On the writer thread, after the commit: to the post's page. */
static void
learn_done(void *ctx, int rc, const struct err *e)
{
	struct learn_job *j = ctx;
	struct buf p;

	buf_init(&p, 0);
	if (rc != 0) {
		page_error(&p, j->r->srv->cfg, &j->v, web_status(rc, 503),
		    e->msg[0] ? e->msg : "the post was not saved: try again");
		web_resume_page(j->r, web_status(rc, 503), &p, NULL);
	} else {
		if (hub_post_queued(j->r->ctx) > 0)
			fed_deliver_kick(j->hub->deliver);
		if (j->draft != 0) /* published directly: the draft is done */
			withdraw_later(j);
		web_note_path(&p, j->r->srv->cfg, hub_post_iri(j->r->ctx));
		web_resume_redirect(j->r, p.data, NULL);
		buf_free(&p);
	}
	learn_job_free(j);
}

/* Save the form as the member's draft (j->keep: ST_DRAFT,
 * ST_DRAFT_SUBMITTED or ST_DRAFT_HELD), then to /drafts. */
static void
draft_run(struct learn_job *j)
{
	const char *group = web_field(j->form, "community");
	struct err e = { { 0 } };
	struct buf b;
	int rc;

	rc = review_save_learning(j->hub, j->v.name, j->draft, j->learning,
	    web_field(j->form, "visibility"), group[0] ? group : NULL, j->keep,
	    NULL, &e);
	if (rc == 0) {
		web_resume_redirect(j->r,
		    j->keep == ST_DRAFT_SUBMITTED  ? "/drafts?done=submitted"
			: j->keep == ST_DRAFT_HELD ? "/drafts?done=held"
						   : "/drafts?done=saved",
		    NULL);
	} else {
		buf_init(&b, 0);
		page_error(&b, j->r->srv->cfg, &j->v, web_status(rc, 503),
		    e.msg[0] ? e.msg : "the draft was not saved: try again");
		web_resume_page(j->r, web_status(rc, 503), &b, NULL);
	}
	learn_job_free(j);
}

static void
learn_run(void *arg)
{
	struct learn_job *j = arg;
	const char *group = web_field(j->form, "community");
	struct hub_post_opts o = { .vis = j->edit
		    ? ST_VIS_PUBLIC
		    : hub_vis_parse(web_field(j->form, "visibility")),
		.group = !j->edit && group[0] ? group : NULL,
		.may_fetch = 1,
		.learning = j->learning };
	struct err e = { { 0 } };
	struct hub_post *p;
	int rc;

	if (j->keep != 0) {
		draft_run(j);
		return;
	}
	p = hub_post_prepare(j->hub, j->v.name, NULL, &o, &rc, &e);
	if (p != NULL && j->edit)
		rc = hub_post_set_edit(j->hub, p, web_field(j->form, "id"), &e);
	if (p == NULL || rc != 0) {
		hub_post_free(p);
		learn_again(j, web_status(rc, 503), e.msg);
		learn_job_free(j);
		return;
	}
	j->r->ctx = p;
	j->r->ctx_free = (void (*)(void *))hub_post_free;
	if (st_write_async(j->hub->db,
		j->edit ? hub_edit_apply : hub_post_apply, p, learn_done,
		j) != 0) {
		err_set(&e, "the hub is shutting down: try again");
		learn_done(j, ST_EIO, &e);
	}
}

/* What the form asks for: a draft's state to save it in (Save draft:
 * ST_DRAFT; Ask an editor, after the guard found something (pii):
 * ST_DRAFT_HELD; Publish of a content type the editors review:
 * ST_DRAFT_SUBMITTED), or 0 to publish. */
static int
draft_state(struct http_req *r, const json_t *form, int pii)
{
	if (web_field(form, "save")[0])
		return ST_DRAFT;
	if (web_field(form, "hold")[0] && pii)
		return ST_DRAFT_HELD;
	return review_needed_now(r->srv->hub, web_field(form, "content_type"))
	    ? ST_DRAFT_SUBMITTED
	    : 0;
}

/* A checked form: errors or a preview are answered here; else the post
 * is published (or saved as a draft) on the worker. Steals form. */
static int
learn_post(
    struct http_req *r, const struct page_viewer *v, json_t *form, int edit)
{
	json_t *learning = learning_of_form(form), *errors = json_object();
	struct learn_form f = { .form = form, .errors = errors, .edit = edit };
	struct learning_doc d = { 0 };
	struct learn_job *j;
	struct learning l;
	int rc, keep = 0;

	f.pii = check_form(r, form, learning, edit, errors, &l);
	if (!edit)
		keep = draft_state(r, form, f.pii);
	if (keep == ST_DRAFT || keep == ST_DRAFT_HELD)
		json_object_clear(errors); /* a draft may be unfinished */
	if (json_object_size(errors) > 0 || web_field(form, "preview")[0]) {
		if (json_object_size(errors) == 0 &&
		    learning_render(&l, r->srv->cfg->base_url, &d) == 0)
			f.preview = &d;
		rc = send_learn(
		    r, v, &f, json_object_size(errors) > 0 ? 422 : 200);
		learning_doc_clear(&d);
		learning_clear(&l);
		json_decref(errors);
		json_decref(learning);
		json_decref(form);
		return rc;
	}
	learning_clear(&l);
	json_decref(errors);
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		json_decref(learning);
		json_decref(form);
		return http_error(r, 503, "the hub is out of memory");
	}
	*j = (struct learn_job){ .r = r,
		.hub = r->srv->hub,
		.form = form,
		.learning = learning,
		.v = *v,
		.edit = edit,
		.keep = keep,
		.draft = strtoull(web_field(form, "draft"), NULL, 10) };
	return web_defer(
	    r, r->srv->hub->api_worker, learn_run, j, learn_job_free);
}

int
web_learn_new_post(struct http_req *r)
{
	const struct page_viewer *v;
	json_t *form;
	int rc;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	return learn_post(r, v, form, 0);
}

/* ---- editing ---- */

/* The viewer's own local learning post at iri (a new reference), or
 * NULL with an error answer queued in *rc. */
static json_t *
own_learning(struct http_req *r, struct st_txn *t, const struct page_viewer *v,
    const char *iri, int *rc)
{
	struct st_obj o = { 0 };
	const char *js;
	json_t *doc = NULL;
	uint64_t id, me = 0;
	size_t len;

	if (iri == NULL || *iri == '\0') {
		*rc = http_error(
		    r, 404, "add the address of your post: /learn/edit?id=URL");
		return NULL;
	}
	if ((me = web_viewer_id(t, v)) != 0 && st_iri_get(t, iri, &id) == 0 &&
	    st_object_peek(t, id, &o, &js, &len) == 0 && o.kind == ST_K_NOTE &&
	    o.owner == me && (o.flags & ST_OF_LOCAL))
		doc = json_loadb(js, len, 0, NULL);
	if (doc != NULL &&
	    json_is_object(
		json_object_get(json_object_get(doc, "source"), "learning")))
		return doc;
	json_decref(doc);
	*rc = http_error(r, doc ? 422 : 404,
	    doc ? "that post is a note, not a learning post: edit it at /edit"
		: "there is no learning post of yours at that address");
	return NULL;
}

int
web_learn_edit_get(struct http_req *r)
{
	const struct page_viewer *v;
	struct learn_form f = { .edit = 1 };
	struct st_txn *t;
	struct buf b;
	json_t *note, *form;
	int rc;

	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	if ((v = web_member_tx(r, t, &rc)) == NULL ||
	    (note = own_learning(r, t, v, http_query(r, "id"), &rc)) == NULL) {
		st_read_end(t);
		return rc;
	}
	form = form_of_learning(
	    json_object_get(json_object_get(note, "source"), "learning"),
	    str(note, "id"));
	f.form = form;
	buf_init(&b, 0);
	learn_page(&b, t, r, v, &f);
	st_read_end(t);
	json_decref(form);
	json_decref(note);
	return web_send(r, 200, &b, NULL);
}

int
web_learn_edit_post(struct http_req *r)
{
	const struct page_viewer *v;
	struct st_txn *t;
	json_t *form, *note = NULL;
	int rc;

	if ((v = web_member(r, &rc)) == NULL)
		return rc;
	if ((form = web_checked_form(r, &rc)) == NULL)
		return rc;
	if (st_read_begin(r->srv->hub->db, &t) == 0) {
		note = own_learning(r, t, v, web_field(form, "id"), &rc);
		st_read_end(t);
	} else
		rc = http_error(r, 503, "storage is not available");
	if (note == NULL) {
		json_decref(form);
		return rc;
	}
	json_decref(note);
	return learn_post(r, v, form, 1);
}

/* ---- a member's draft, edited in the same form ---- */

/* The form of the viewer's learning draft id (a new object), or NULL
 * with an error page queued in *rc. */
static json_t *
draft_form(struct http_req *r, struct st_txn *t, const struct page_viewer *v,
    const char *id, int *rc)
{
	struct st_draft d = { 0 };
	json_t *c = NULL, *form = NULL;
	uint64_t me = 0;
	char num[24];

	if ((me = web_viewer_id(t, v)) == 0 || id == NULL ||
	    st_draft_get(t, strtoull(id, NULL, 10), &d) != 0 ||
	    d.author != me || (c = json_loads(d.content, 0, NULL)) == NULL ||
	    !json_is_object(json_object_get(c, "learning")))
		*rc = http_error(r, 404,
		    "there is no learning draft of yours with that number: "
		    "see your drafts at /drafts");
	else if (d.state != ST_DRAFT && d.state != ST_DRAFT_RETURNED)
		*rc = http_error(r, 409,
		    "this draft is with the editors or done: it can be "
		    "changed only while it is a draft or returned to you");
	else {
		form = form_of_learning(json_object_get(c, "learning"), "");
		json_object_del(form, "id");
		snprintf(num, sizeof(num), "%llu", (unsigned long long)d.id);
		json_object_set_new(form, "draft", json_string(num));
		json_object_set_new(form, "visibility",
		    json_string(str(c, "visibility") ? str(c, "visibility")
						     : "public"));
		if (str(c, "community"))
			json_object_set_new(form, "community",
			    json_string(str(c, "community")));
	}
	json_decref(c);
	st_draft_clear(&d);
	return form;
}

int
web_learn_draft_get(struct http_req *r)
{
	const struct page_viewer *v;
	struct learn_form f = { 0 };
	struct st_txn *t;
	struct buf b;
	json_t *form;
	int rc;

	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	if ((v = web_member_tx(r, t, &rc)) == NULL ||
	    (form = draft_form(r, t, v, http_query(r, "id"), &rc)) == NULL) {
		st_read_end(t);
		return rc;
	}
	f.form = form;
	buf_init(&b, 0);
	learn_page(&b, t, r, v, &f);
	st_read_end(t);
	json_decref(form);
	return web_send(r, 200, &b, NULL);
}
