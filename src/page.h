/* page.h: the plain HTML pages served to browsers for now. Every piece of
 * text goes through buf_add_html; only HTML that the hub rendered itself
 * from escaped text (note content, summaries) is emitted as it is. */
#ifndef HUB_PAGE_H
#define HUB_PAGE_H

#include <jansson.h>

struct buf;
struct config;

/* The member reading a page, when signed in (pages take NULL for a
 * visitor). csrf is the token every state-changing form carries. */
struct page_viewer {
	char name[32];
	char display[128];
	int role; /* enum st_role */
	char csrf[65];
};

/* A form field. Every string is escaped when shown; value is what the
 * member typed, shown again when the form comes back with an error
 * (never set it for passwords). */
struct page_field {
	const char *name;
	const char *label;
	const char *type;  /* "text", "password", "url", "textarea",
			      "checkbox", "hidden", or "select" */
	const char *value; /* checkbox: non-NULL and not "" when ticked */
	const char *error; /* shown next to the field, or NULL */
	const char *hint;  /* or NULL */
	const char *autocomplete;   /* or NULL */
	const char *const *options; /* select: value, label pairs, NULL */
	int required;
	int maxlength; /* 0: none */
	int rows;      /* textarea */
};

/* The stylesheet served at /static/hub.css. */
const char *page_css(void);

void page_begin(struct buf *b, const struct config *cfg,
    const struct page_viewer *v, const char *title, const char *alternate_json);
/* page_begin, and <link rel="alternate"> to the page's RSS and Atom
 * feeds, feed_base ".rss" and ".atom" (NULL: none). */
void page_begin_feeds(struct buf *b, const struct config *cfg,
    const struct page_viewer *v, const char *title, const char *alternate_json,
    const char *feed_base);
void page_end(struct buf *b);
/* Visible links to the RSS and Atom feeds at feed_base. */
void page_feed_anchors(struct buf *b, const char *feed_base);
void page_error(struct buf *b, const struct config *cfg,
    const struct page_viewer *v, unsigned status, const char *msg);

/* Escaped text (NULL is nothing): the only way text reaches a page. */
void page_text(struct buf *b, const char *s);
/* <form method="post" action=...> with the CSRF token as a hidden
 * field; page_form_end closes it with a submit button. */
void page_form_begin(struct buf *b, const char *action, const char *csrf);
void page_form_end(struct buf *b, const char *submit);
void page_field(struct buf *b, const struct page_field *f);
/* "There is a problem" with a link to each field in errors
 * ({"field": "message"}); nothing when errors is NULL or empty. */
void page_error_summary(struct buf *b, const json_t *errors);
/* A one-button form (sign out, follow, like...): posts to action. */
void page_button(
    struct buf *b, const char *action, const char *csrf, const char *label);
/* A note as an article; author_doc may be NULL. */
void page_note_item(struct buf *b, const json_t *note);
/* An actor's page: its document, then notes (Create activities);
 * feed_base: where its feeds are (NULL: it has none). */
void page_actor(struct buf *b, const struct config *cfg,
    const struct page_viewer *v, const json_t *actor, const json_t *creates,
    const char *older_url, const char *feed_base);
void page_note(struct buf *b, const struct config *cfg,
    const struct page_viewer *v, const json_t *note);
void page_gone(
    struct buf *b, const struct config *cfg, const struct page_viewer *v);
/* Notes tagged #tag (an array of Note documents). */
void page_tag(struct buf *b, const struct config *cfg,
    const struct page_viewer *v, const char *tag, const json_t *notes,
    const char *feed_base);
/* Home: instance name and description, and the local actors. */
void page_home(struct buf *b, const struct config *cfg,
    const struct page_viewer *v, const json_t *actors,
    unsigned long long posts);

#endif
