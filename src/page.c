#include "page.h"

#include <string.h>

#include "buf.h"
#include "config.h"
#include "hub.h"
#include "st_actor.h"
#include "web_learn.h"

static const char css[] =
    "body{font:17px/1.5 system-ui,sans-serif;max-width:46rem;margin:0 "
    "auto;padding:0 1rem;color:#1b1b1b;background:#fff;"
    "overflow-wrap:break-word}\n"
    "header,footer{padding:1rem 0;border-bottom:1px solid #ccc}\n"
    "footer{border:0;border-top:1px solid #ccc;color:#555}\n"
    "a{color:#0b4f9c}\n"
    /* WCAG 2.2 2.4.7 and 1.4.11: a focus ring on everything that takes
     * focus, with 3:1 contrast or more against the page. */
    ":focus-visible{outline:3px solid #1b1b1b;outline-offset:2px}\n"
    ".skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:.5rem;"
    "background:#fff;padding:.25rem}\n"
    ".site{font-weight:700;font-size:1.2rem}\n"
    "nav ul{list-style:none;padding:0;margin:.5rem 0;display:flex;"
    "flex-wrap:wrap;gap:.25rem 1rem}\n"
    ".who{margin:0;color:#555;font-size:.9rem}\n"
    "article{border-bottom:1px solid #e2e2e2;padding:.75rem 0;"
    "overflow-wrap:anywhere}\n"
    ".meta{color:#555;font-size:.9rem}\n"
    "form.inline{display:inline}\n"
    "button{font:inherit;padding:.35rem .9rem;border:2px solid #0b4f9c;"
    "border-radius:4px;background:#0b4f9c;color:#fff;cursor:pointer}\n"
    "form.inline button{padding:0 .4rem;background:#fff;color:#0b4f9c}\n"
    ".field{margin:0 0 1rem}.field label{display:block;font-weight:600}\n"
    "input[type=checkbox]+label{display:inline;font-weight:400;"
    "margin-left:.4rem}\n"
    "input:not([type=checkbox]),textarea,select{font:inherit;width:100%;"
    "box-sizing:border-box;padding:.4rem;border:2px solid #555;"
    "border-radius:3px}\n"
    ".hint{margin:0;color:#555;font-size:.9rem}\n"
    ".invalid{border-left:4px solid #b00020;padding-left:.75rem}\n"
    ".error{margin:0;color:#b00020;font-weight:600}\n"
    ".problems{border:3px solid #b00020;padding:0 1rem;margin:1rem 0}\n"
    ".notice{border-left:4px solid #0b4f9c;padding:.25rem .75rem}\n"
    ".vh{position:absolute;width:1px;height:1px;overflow:hidden;"
    "clip:rect(0 0 0 0)}\n"
    /* posts (web_post.c): threads as nested lists */
    ".thread,.replies{list-style:none;margin:0;padding:0}\n"
    ".replies .replies{padding-left:1rem;border-left:3px solid #e2e2e2}\n"
    ".handle{color:#555}.actions{margin:.5rem 0}\n"
    ".preview{border:2px dashed #555;padding:0 1rem;margin:1rem 0}\n"
    /* people (web_social.c) */
    ".avatar{float:right;border-radius:8px;max-width:30vw;height:auto}\n"
    ".counts{list-style:none;padding:0;display:flex;flex-wrap:wrap;"
    "gap:.25rem 1.5rem}\n"
    ".people,.notifications{list-style:none;padding:0}\n"
    ".people li,.notification{border-bottom:1px solid #e2e2e2;"
    "padding:.5rem 0;overflow-wrap:anywhere}\n"
    /* web_home.c: badges, plain lists, the sort switch */
    ".badge{font-size:.8rem;border:1px solid #555;border-radius:3px;"
    "padding:0 .3rem;color:#333}\n"
    ".plain{list-style:none;padding:0}\n"
    /* learning posts (web_learn.c) */
    ".learning-title{font-weight:700;font-size:1.1rem;margin:.25rem 0}\n"
    ".learning-meta dt{font-weight:600}.learning-meta dd{margin:0 0 .4rem}\n"
    ".sort ul{list-style:none;padding:0;display:flex;gap:1rem}\n"
    "[aria-current=page]{font-weight:700}\n"
    /* tables (web_admin.c) scroll in their own box on a phone; it
     * holds the visually hidden (absolute) labels in them too */
    ".scroll{overflow-x:auto;max-width:100%;position:relative}\n"
    "table{border-collapse:collapse}\n"
    "th,td{text-align:left;vertical-align:top;padding:.3rem .5rem;"
    "border-bottom:1px solid #e2e2e2}\n";

const char *
page_css(void)
{
	return css;
}

static void
text(struct buf *b, const char *s)
{
	if (s != NULL)
		buf_add_html(b, s, strlen(s));
}

static const char *
str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* <link rel="alternate"> to the RSS and Atom feeds at feed_base
 * ".rss" and ".atom", for browsers and feed readers to find. */
static void
feed_links(struct buf *b, const char *title, const char *feed_base)
{
	static const char *const fmt[][2] = {
		{ "application/rss+xml", ".rss" },
		{ "application/atom+xml", ".atom" },
	};
	size_t i;

	for (i = 0; i < 2; i++) {
		buf_printf(b, "<link rel=\"alternate\" type=\"%s\" title=\"",
		    fmt[i][0]);
		text(b, title);
		buf_printf(b, " (%s)\" href=\"", i == 0 ? "RSS" : "Atom");
		text(b, feed_base);
		buf_printf(b, "%s\">", fmt[i][1]);
	}
}

void
page_feed_anchors(struct buf *b, const char *feed_base)
{
	buf_adds(b, "<p class=\"meta\">Follow in a feed reader: <a href=\"");
	text(b, feed_base);
	buf_adds(b, ".rss\">RSS</a> · <a href=\"");
	text(b, feed_base);
	buf_adds(b, ".atom\">Atom</a></p>");
}

void
page_text(struct buf *b, const char *s)
{
	text(b, s);
}

/* The site's navigation: what a visitor or a member can go to. */
static void
nav(struct buf *b, const struct page_viewer *v)
{
	buf_adds(b, "<nav aria-label=\"Main\"><ul>");
	buf_adds(b,
	    "<li><a href=\"/\">Home</a></li>"
	    "<li><a href=\"/communities\">Communities</a></li>"
	    "<li><a href=\"/topics\">Topics</a></li>"
	    "<li><a href=\"/search\">Search</a></li>");
	if (v == NULL) {
		buf_adds(b,
		    "<li><a href=\"/signin\">Sign in</a></li>"
		    "<li><a href=\"/signup\">Sign up</a></li>"
		    "</ul></nav>");
		return;
	}
	buf_adds(b,
	    "<li><a href=\"/write\">Write</a></li>"
	    "<li><a href=\"/learn/new\">Share learning</a></li>"
	    "<li><a href=\"/drafts\">Drafts</a></li>"
	    "<li><a href=\"/notifications\">Notifications</a></li>");
	if (hub_role_reviews(v->role))
		buf_adds(b, "<li><a href=\"/review\">Review</a></li>");
	if (hub_role_moderates(v->role))
		buf_adds(b, "<li><a href=\"/moderation\">Moderation</a></li>");
	if (v->role == ST_ROLE_ADMIN)
		buf_adds(b, "<li><a href=\"/admin\">Admin</a></li>");
	buf_adds(b, "<li><a href=\"/users/");
	text(b, v->name);
	buf_adds(b,
	    "\">Profile</a></li>"
	    "<li><a href=\"/settings\">Settings</a></li><li>");
	page_button(b, "/signout", v->csrf, "Sign out");
	buf_adds(b, "</li></ul></nav>");
}

void
page_begin(struct buf *b, const struct config *cfg, const struct page_viewer *v,
    const char *title, const char *alternate_json)
{
	page_begin_feeds(b, cfg, v, title, alternate_json, NULL);
}

void
page_begin_feeds(struct buf *b, const struct config *cfg,
    const struct page_viewer *v, const char *title, const char *alternate_json,
    const char *feed_base)
{
	buf_adds(b,
	    "<!doctype html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width,initial-scale=1\"><title>");
	text(b, title);
	buf_adds(b, " · ");
	text(b, cfg->instance_name);
	buf_adds(b,
	    "</title><link rel=\"stylesheet\" "
	    "href=\"/static/hub.css\">");
	if (alternate_json != NULL) {
		buf_adds(b,
		    "<link rel=\"alternate\" "
		    "type=\"application/activity+json\" href=\"");
		text(b, alternate_json);
		buf_adds(b, "\">");
	}
	if (feed_base != NULL)
		feed_links(b, title, feed_base);
	buf_adds(b,
	    "</head><body><a class=\"skip\" href=\"#main\">Skip to "
	    "content</a><header><a class=\"site\" href=\"/\">");
	text(b, cfg->instance_name);
	buf_adds(b, "</a>");
	nav(b, v);
	if (v != NULL) {
		buf_adds(b, "<p class=\"who\">Signed in as ");
		text(b, v->display);
		buf_adds(b, "</p>");
	}
	buf_adds(b, "</header><main id=\"main\">");
}

/* ---- forms ---- */

void
page_form_begin(struct buf *b, const char *action, const char *csrf)
{
	buf_adds(b, "<form method=\"post\" action=\"");
	text(b, action);
	buf_adds(b, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
	text(b, csrf);
	buf_adds(b, "\">");
}

void
page_form_end(struct buf *b, const char *submit)
{
	buf_adds(b, "<button type=\"submit\">");
	text(b, submit);
	buf_adds(b, "</button></form>");
}

void
page_button(
    struct buf *b, const char *action, const char *csrf, const char *label)
{
	buf_adds(b, "<form class=\"inline\" method=\"post\" action=\"");
	text(b, action);
	buf_adds(b, "\"><input type=\"hidden\" name=\"csrf\" value=\"");
	text(b, csrf);
	buf_adds(b, "\"><button type=\"submit\">");
	text(b, label);
	buf_adds(b, "</button></form>");
}

static void
attr(struct buf *b, const char *name, const char *value)
{
	if (value == NULL)
		return;
	buf_printf(b, " %s=\"", name);
	text(b, value);
	buf_addc(b, '"');
}

/* The attributes an input shares with a textarea or a select. */
static void
field_attrs(struct buf *b, const struct page_field *f)
{
	attr(b, "id", f->name);
	attr(b, "name", f->name);
	attr(b, "autocomplete", f->autocomplete);
	if (f->required)
		buf_adds(b, " required");
	if (f->maxlength > 0)
		buf_printf(b, " maxlength=\"%d\"", f->maxlength);
	if (f->error != NULL || f->hint != NULL) {
		buf_adds(b, " aria-describedby=\"");
		if (f->hint != NULL)
			buf_printf(b, "%s-hint ", f->name);
		if (f->error != NULL)
			buf_printf(b, "%s-error", f->name);
		buf_addc(b, '"');
	}
	if (f->error != NULL)
		buf_adds(b, " aria-invalid=\"true\"");
}

static void
field_control(struct buf *b, const struct page_field *f)
{
	size_t i;

	if (!strcmp(f->type, "textarea")) {
		buf_printf(b, "<textarea rows=\"%d\"", f->rows ? f->rows : 6);
		field_attrs(b, f);
		buf_addc(b, '>');
		text(b, f->value);
		buf_adds(b, "</textarea>");
	} else if (!strcmp(f->type, "select")) {
		buf_adds(b, "<select");
		field_attrs(b, f);
		buf_addc(b, '>');
		for (i = 0; f->options && f->options[i]; i += 2) {
			attr(b, "<option value", f->options[i]);
			if (f->value && !strcmp(f->value, f->options[i]))
				buf_adds(b, " selected");
			buf_addc(b, '>');
			text(b, f->options[i + 1]);
			buf_adds(b, "</option>");
		}
		buf_adds(b, "</select>");
	} else {
		attr(b, "<input type", f->type);
		field_attrs(b, f);
		if (!strcmp(f->type, "checkbox")) {
			buf_adds(b, " value=\"1\"");
			if (f->value != NULL && f->value[0] != '\0')
				buf_adds(b, " checked");
		} else if (strcmp(f->type, "password") != 0)
			attr(b, "value", f->value ? f->value : "");
		buf_addc(b, '>');
	}
}

void
page_field(struct buf *b, const struct page_field *f)
{
	int box = !strcmp(f->type, "checkbox");

	if (!strcmp(f->type, "hidden")) {
		attr(b, "<input type", "hidden");
		attr(b, "name", f->name);
		attr(b, "value", f->value ? f->value : "");
		buf_addc(b, '>');
		return;
	}
	buf_adds(b,
	    f->error ? "<div class=\"field invalid\">"
		     : "<div class=\"field\">");
	if (box)
		field_control(b, f);
	attr(b, "<label for", f->name);
	buf_addc(b, '>');
	text(b, f->label);
	buf_adds(b, "</label>");
	if (f->hint != NULL) {
		buf_adds(b, "<p class=\"hint\" id=\"");
		text(b, f->name);
		buf_adds(b, "-hint\">");
		text(b, f->hint);
		buf_adds(b, "</p>");
	}
	if (f->error != NULL) {
		buf_adds(b, "<p class=\"error\" id=\"");
		text(b, f->name);
		buf_adds(b, "-error\"><span class=\"vh\">Error: </span>");
		text(b, f->error);
		buf_adds(b, "</p>");
	}
	if (!box)
		field_control(b, f);
	buf_adds(b, "</div>");
}

void
page_error_summary(struct buf *b, const json_t *errors)
{
	const char *k;
	json_t *m;

	if (json_object_size(errors) == 0)
		return;
	buf_adds(b,
	    "<div class=\"problems\" role=\"alert\" "
	    "tabindex=\"-1\"><h2>There is a problem</h2><ul>");
	json_object_foreach((json_t *)errors, k, m)
	{
		buf_adds(b, "<li>");
		if (k[0] != '\0' && k[0] != '_') {
			buf_adds(b, "<a href=\"#");
			text(b, k);
			buf_adds(b, "\">");
		}
		text(b, json_string_value(m));
		if (k[0] != '\0' && k[0] != '_')
			buf_adds(b, "</a>");
		buf_adds(b, "</li>");
	}
	buf_adds(b, "</ul></div>");
}

void
page_end(struct buf *b)
{
	buf_adds(b,
	    "</main><footer>A hub for sharing learning about "
	    "patient safety.</footer></body></html>\n");
}

/* An error page's title and heading: the title names what happened
 * (WCAG 2.2 2.4.2), the heading says it kindly. */
static const struct {
	unsigned status;
	const char *title, *heading;
} errors[] = {
	{ 403, "Not allowed", "You do not have permission for this" },
	{ 404, "Not found", "We could not find that page" },
	{ 0, "Sorry", "That did not work" },
};

void
page_error(struct buf *b, const struct config *cfg, const struct page_viewer *v,
    unsigned status, const char *msg)
{
	size_t i = 0;

	while (errors[i].status != 0 && errors[i].status != status)
		i++;
	page_begin(b, cfg, v, errors[i].title, NULL);
	buf_adds(b, "<h1>");
	text(b, errors[i].heading);
	buf_adds(b, "</h1><p>");
	text(b, msg);
	buf_adds(b, "</p><p><a href=\"/\">Go to the home page</a></p>");
	page_end(b);
}

void
page_note_item(struct buf *b, const json_t *note)
{
	const char *cw = str(note, "summary");
	int learning;

	buf_adds(b, "<article>");
	/* A learning post: title, label and excerpt (web_learn.c). */
	if ((learning = web_learn_item(b, NULL, note)) != 0)
		cw = NULL;
	else if (cw != NULL) {
		buf_adds(b, "<details><summary>");
		text(b, cw);
		buf_adds(b, "</summary>");
	}
	/* Content the hub rendered from escaped text (and, for remote
	 * notes, sanitized on ingest). */
	if (str(note, "content") != NULL && !learning)
		buf_adds(b, str(note, "content"));
	if (cw != NULL)
		buf_adds(b, "</details>");
	buf_adds(b, "<p class=\"meta\"><a href=\"");
	text(b, str(note, "url"));
	buf_adds(b, "\"><time>");
	text(b, str(note, "published"));
	buf_adds(b, "</time></a></p></article>");
}

void
page_actor(struct buf *b, const struct config *cfg, const struct page_viewer *v,
    const json_t *actor, const json_t *creates, const char *older_url,
    const char *feed_base)
{
	const char *name = str(actor, "name");
	const json_t *c;
	size_t i;

	page_begin_feeds(b, cfg, v, name, str(actor, "id"), feed_base);
	buf_adds(b, "<h1>");
	text(b, name);
	buf_adds(b, "</h1><p class=\"meta\">@");
	text(b, str(actor, "preferredUsername"));
	buf_adds(b, "@");
	text(b, cfg->host);
	if (!strcmp(str(actor, "type") ? str(actor, "type") : "", "Group"))
		buf_adds(b, " · community");
	buf_adds(b, "</p>");
	if (str(actor, "summary") != NULL)
		buf_adds(b, str(actor, "summary"));
	if (feed_base != NULL)
		page_feed_anchors(b, feed_base);
	buf_adds(b, "<h2>Posts</h2>");
	if (json_array_size(creates) == 0)
		buf_adds(b, "<p>Nothing shared here yet.</p>");
	json_array_foreach(creates, i, c)
	{
		/* An Announce of a note this hub does not hold has only its
		 * IRI: nothing to show, and no empty link. */
		if (json_is_object(json_object_get(c, "object")))
			page_note_item(b, json_object_get(c, "object"));
	}
	if (older_url != NULL) {
		buf_adds(b, "<p><a href=\"");
		text(b, older_url);
		buf_adds(b, "\">Older posts</a></p>");
	}
	page_end(b);
}

void
page_note(struct buf *b, const struct config *cfg, const struct page_viewer *v,
    const json_t *note)
{
	page_begin(b, cfg, v, "Post", str(note, "id"));
	buf_adds(b, "<h1>Post</h1><p class=\"meta\">By <a href=\"");
	text(b, str(note, "attributedTo"));
	buf_adds(b, "\">");
	text(b, str(note, "attributedTo"));
	buf_adds(b, "</a></p>");
	page_note_item(b, note);
	page_end(b);
}

void
page_gone(struct buf *b, const struct config *cfg, const struct page_viewer *v)
{
	page_begin(b, cfg, v, "Deleted", NULL);
	buf_adds(b,
	    "<h1>This has been deleted</h1><p>Its author or a "
	    "moderator removed it.</p><p><a href=\"/\">Go to the home "
	    "page</a></p>");
	page_end(b);
}

void
page_tag(struct buf *b, const struct config *cfg, const struct page_viewer *v,
    const char *tag, const json_t *notes, const char *feed_base)
{
	const json_t *n;
	size_t i;
	char title[200];

	snprintf(title, sizeof(title), "#%s", tag);
	page_begin_feeds(b, cfg, v, title, NULL, feed_base);
	buf_adds(b, "<h1>");
	text(b, title);
	buf_adds(b, "</h1>");
	if (feed_base != NULL)
		page_feed_anchors(b, feed_base);
	if (json_array_size(notes) == 0)
		buf_adds(b, "<p>Nothing shared with this tag yet.</p>");
	json_array_foreach(notes, i, n) page_note_item(b, n);
	page_end(b);
}

void
page_home(struct buf *b, const struct config *cfg, const struct page_viewer *v,
    const json_t *actors, unsigned long long posts)
{
	const json_t *a;
	size_t i;

	page_begin(b, cfg, v, "Home", NULL);
	buf_adds(b, "<h1>");
	text(b, cfg->instance_name);
	buf_adds(b, "</h1><p>");
	text(b, cfg->instance_description);
	buf_printf(b, "</p><p class=\"meta\">%llu post%s shared here.</p>",
	    posts, posts == 1 ? "" : "s");
	buf_adds(b, "<h2>Members and communities</h2><ul>");
	json_array_foreach(actors, i, a)
	{
		buf_adds(b, "<li><a href=\"");
		text(b, str(a, "url"));
		buf_adds(b, "\">");
		text(b, str(a, "name"));
		buf_adds(b, "</a>");
		if (json_is_true(json_object_get(a, "group")))
			buf_adds(b, " (community)");
		buf_adds(b, "</li>");
	}
	buf_adds(b, "</ul>");
	page_end(b);
}
