#include "web_learn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "fed_learning.h"
#include "http.h"
#include "hub.h"
#include "learning.h"
#include "page.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_object.h"
#include "web_post.h"
#include "topics.h"
#include "web.h"

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

static void
url_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	unsigned char c;

	for (; s != NULL && *s; s++) {
		c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c))
			buf_addc(b, (char)c);
		else
			buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
}

/* The page of the note at iri here: its own path, or /notes?id=. */
static void
note_href(struct buf *b, const struct config *cfg, const char *iri)
{
	size_t n = cfg ? strlen(cfg->base_url) : 0;

	if (cfg != NULL && iri != NULL && !strncmp(iri, cfg->base_url, n) &&
	    iri[n] == '/')
		buf_adds(b, iri + n);
	else {
		buf_adds(b, "/notes?id=");
		url_encode(b, iri);
	}
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
	    b, "<p class=\"meta\"><span class=\"label\">Learning</span> · ");
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
		note_href(&h, cfg, str(note, "id"));
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
	static const char *const labels[] = { "Care setting", "Specialty",
		"Country" };
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
		page_text(b, labels[k]);
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
licence_cite(struct buf *b, const json_t *note, const json_t *l, int local)
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
	if (!local)
		return;
	buf_adds(b, "<p>Cite: ");
	for (k = 0; k < 2; k++) {
		struct buf h;

		buf_init(&h, 0);
		buf_adds(&h, "/cite?id=");
		url_encode(&h, iri);
		buf_adds(&h, k ? "&format=bib" : "&format=ris");
		buf_adds(
		    b, k ? " · <a download href=\"" : "<a download href=\"");
		page_text(b, h.data);
		buf_adds(b, k ? "\">BibTeX</a>" : "\">RIS</a>");
		buf_free(&h);
	}
	buf_adds(b, "</p>");
}

int
web_learn_full(struct buf *b, const struct config *cfg, const struct topics *ts,
    const json_t *note)
{
	const struct fed_learning_section *s;
	const json_t *l = json_object_get(note, "learning");
	size_t n = strlen(cfg->base_url);
	const char *iri = str(note, "id");

	if (!fed_learning_is(note))
		return 0;
	buf_adds(b, "<h1>");
	page_text(b, str(note, "name") ? str(note, "name") : "Untitled");
	buf_adds(b, "</h1>");
	label_line(b, l);
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
	licence_cite(b, note, l,
	    iri != NULL && !strncmp(iri, cfg->base_url, n) && iri[n] == '/');
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
	if (v != NULL && st_name_get(t, v->name, &me) != 0)
		me = 0;
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

int
web_learn_cite(struct http_req *r)
{
	const char *iri = http_query(r, "id"), *f = http_query(r, "format");
	const char *msg;
	char author[200], disp[160];
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
	rc = learning_cite(doc, author,
	    r->srv->cfg->instance_name[0] ? r->srv->cfg->instance_name
					  : r->srv->cfg->host,
	    format, &b);
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
