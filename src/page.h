/* page.h: the plain HTML pages served to browsers for now. Every piece of
 * text goes through buf_add_html; only HTML that the hub rendered itself
 * from escaped text (note content, summaries) is emitted as it is. */
#ifndef HUB_PAGE_H
#define HUB_PAGE_H

#include <jansson.h>

struct buf;
struct config;

/* The stylesheet served at /static/hub.css. */
const char *page_css(void);

void page_begin(struct buf *b, const struct config *cfg, const char *title,
    const char *alternate_json);
/* page_begin, and <link rel="alternate"> to the page's RSS and Atom
 * feeds, feed_base ".rss" and ".atom" (NULL: none). */
void page_begin_feeds(struct buf *b, const struct config *cfg,
    const char *title, const char *alternate_json, const char *feed_base);
void page_end(struct buf *b);
void page_error(
    struct buf *b, const struct config *cfg, unsigned status, const char *msg);
/* A note as an article; author_doc may be NULL. */
void page_note_item(struct buf *b, const json_t *note);
/* An actor's page: its document, then notes (Create activities);
 * feed_base: where its feeds are (NULL: it has none). */
void page_actor(struct buf *b, const struct config *cfg, const json_t *actor,
    const json_t *creates, const char *older_url, const char *feed_base);
void page_note(struct buf *b, const struct config *cfg, const json_t *note);
void page_gone(struct buf *b, const struct config *cfg);
/* Notes tagged #tag (an array of Note documents). */
void page_tag(struct buf *b, const struct config *cfg, const char *tag,
    const json_t *notes, const char *feed_base);
/* Home: instance name and description, and the local actors. */
void page_home(struct buf *b, const struct config *cfg, const json_t *actors,
    unsigned long long posts);

#endif
