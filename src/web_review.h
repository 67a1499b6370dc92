/* web_review.h: editorial review on the web. Members: /drafts (their
 * drafts, the editors' feedback, Submit and Withdraw) and /drafts/hold
 * (a note the patient-identifier check stopped, sent to an editor).
 * Editors and admins: /review (the queue) and /review/item?id=N (the
 * draft as it would be published, its history, comment, start, approve
 * with a review-by date, return with feedback, publish a held post
 * with a reason). Every action is a POST form with the CSRF token. */
#ifndef HUB_WEB_REVIEW_H
#define HUB_WEB_REVIEW_H

#include <jansson.h>

struct buf;
struct http_req;

int web_drafts(struct http_req *r);
int web_drafts_act(struct http_req *r);
int web_drafts_hold(struct http_req *r);
int web_review(struct http_req *r);
int web_review_item(struct http_req *r);
int web_review_act(struct http_req *r);

/* The "Ask an editor to check it" form for the /write form (text, cw,
 * visibility, community kept), after the check stopped the post. */
void web_review_hold_form(struct buf *b, const char *csrf, const json_t *form);

/* The admin page's "Editorial review" section: a checkbox per content
 * type, posted to /review/types (admins only). */
struct st_txn;
void web_review_admin_section(
    struct buf *b, struct st_txn *t, const char *csrf);
int web_review_types_post(struct http_req *r);

#endif
