#include "page.h"

#include <string.h>

#include "buf.h"
#include "config.h"

static const char css[] =
    "body{font:17px/1.5 system-ui,sans-serif;max-width:42rem;margin:0 "
    "auto;padding:0 1rem;color:#1b1b1b;background:#fff;"
    "overflow-wrap:break-word}\n"
    "header,footer{padding:1rem 0;border-bottom:1px solid #ccc}\n"
    "footer{border:0;border-top:1px solid #ccc;color:#555}\n"
    "a{color:#0b4f9c}\n"
    /* WCAG 2.2 2.4.7 and 1.4.11: a focus ring on everything that takes
     * focus, with 3:1 contrast or more against the page. */
    ":focus-visible{outline:3px solid #1b1b1b;outline-offset:2px}\n"
    "article{border-bottom:1px solid #e2e2e2;padding:.75rem 0}\n"
    ".meta{color:#555;font-size:.9rem}\n";

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

void
page_begin(struct buf *b, const struct config *cfg, const char *title,
    const char *alternate_json)
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
	buf_adds(b, "</head><body><header><a href=\"/\">");
	text(b, cfg->instance_name);
	buf_adds(b, "</a></header><main>");
}

void
page_end(struct buf *b)
{
	buf_adds(b,
	    "</main><footer>A hub for sharing learning about "
	    "patient safety.</footer></body></html>\n");
}

void
page_error(
    struct buf *b, const struct config *cfg, unsigned status, const char *msg)
{
	page_begin(b, cfg, status == 404 ? "Not found" : "Sorry", NULL);
	buf_adds(b, "<h1>");
	text(b,
	    status == 404 ? "We could not find that page"
			  : "That did not work");
	buf_adds(b, "</h1><p>");
	text(b, msg);
	buf_adds(b, "</p><p><a href=\"/\">Go to the home page</a></p>");
	page_end(b);
}

void
page_note_item(struct buf *b, const json_t *note)
{
	const char *cw = str(note, "summary");

	buf_adds(b, "<article>");
	if (cw != NULL) {
		buf_adds(b, "<details><summary>");
		text(b, cw);
		buf_adds(b, "</summary>");
	}
	/* Content the hub rendered from escaped text (and, for remote
	 * notes, sanitized on ingest). */
	if (str(note, "content") != NULL)
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
page_actor(struct buf *b, const struct config *cfg, const json_t *actor,
    const json_t *creates, const char *older_url)
{
	const char *name = str(actor, "name");
	const json_t *c;
	size_t i;

	page_begin(b, cfg, name, str(actor, "id"));
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
page_note(struct buf *b, const struct config *cfg, const json_t *note)
{
	page_begin(b, cfg, "Post", str(note, "id"));
	buf_adds(b, "<h1>Post</h1><p class=\"meta\">By <a href=\"");
	text(b, str(note, "attributedTo"));
	buf_adds(b, "\">");
	text(b, str(note, "attributedTo"));
	buf_adds(b, "</a></p>");
	page_note_item(b, note);
	page_end(b);
}

void
page_gone(struct buf *b, const struct config *cfg)
{
	page_begin(b, cfg, "Deleted", NULL);
	buf_adds(b,
	    "<h1>This has been deleted</h1><p>Its author or a "
	    "moderator removed it.</p><p><a href=\"/\">Go to the home "
	    "page</a></p>");
	page_end(b);
}

void
page_tag(struct buf *b, const struct config *cfg, const char *tag,
    const json_t *notes)
{
	const json_t *n;
	size_t i;
	char title[200];

	snprintf(title, sizeof(title), "#%s", tag);
	page_begin(b, cfg, title, NULL);
	buf_adds(b, "<h1>");
	text(b, title);
	buf_adds(b, "</h1>");
	if (json_array_size(notes) == 0)
		buf_adds(b, "<p>Nothing shared with this tag yet.</p>");
	json_array_foreach(notes, i, n) page_note_item(b, n);
	page_end(b);
}

void
page_home(struct buf *b, const struct config *cfg, const json_t *actors,
    unsigned long long posts)
{
	const json_t *a;
	size_t i;

	page_begin(b, cfg, "Home", NULL);
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
