/* web.h: what every browser page and form shares: who is signed in
 * (the session cookie), form bodies, CSRF tokens, login rate limits,
 * and sending pages and redirects. */
#ifndef HUB_WEB_H
#define HUB_WEB_H

#include <jansson.h>
#include <stdint.h>

struct buf;
struct http_req;
struct page_viewer;

#define WEB_SESSION_COOKIE "hub_session"
#define WEB_CSRF_COOKIE	   "hub_csrf"

/* The signed-in member reading this request, or NULL for a visitor.
 * Looked up once per request (one read transaction). */
const struct page_viewer *web_viewer(struct http_req *r);
/* web_viewer() read inside the page's read transaction t (one
 * transaction per page); later web_viewer() calls reuse the answer. */
struct st_txn;
const struct page_viewer *web_viewer_tx(struct http_req *r, struct st_txn *t);
/* The actor id of the member v in t; 0 for a visitor (v NULL) or a
 * name not found. */
uint64_t web_viewer_id(struct st_txn *t, const struct page_viewer *v);
/* The session token of the request's cookie, or NULL. */
const char *web_session_token(struct http_req *r);

/* s (NULL: nothing) percent-encoded for a query value: RFC 3986
 * unreserved characters kept, every other byte as %XX. */
void web_url_encode(struct buf *b, const char *s);

/* The form in the request body (application/x-www-form-urlencoded or
 * multipart/form-data) as {"name": "value"}; NULL with an error queued
 * on r (415, 400) and *rc set to what to return. Every value is
 * checked to be UTF-8 text. */
json_t *web_form(struct http_req *r, int *rc);
/* Whether the form's "csrf" field is this request's token (the
 * session's, or the visitor's cookie) and the Origin, if sent, is the
 * hub's own. When not, a 403 page is queued and *rc set. */
int web_csrf_ok(struct http_req *r, const json_t *form, int *rc);
/* The CSRF token for a visitor's forms (sign in, sign up): the
 * cookie's, or a new one; *set_cookie (may be NULL) receives the
 * Set-Cookie header value to send with the page when new. */
const char *web_visitor_csrf(struct http_req *r, char *set_cookie, size_t cap);

/* web_form and web_csrf_ok together: the checked form, or NULL when an
 * answer was queued (*rc set). */
json_t *web_checked_form(struct http_req *r, int *rc);
/* The signed-in member for a member's page, or NULL with a 303 to the
 * sign-in page queued (*rc set), which brings them back here after. */
const struct page_viewer *web_member(struct http_req *r, int *rc);
/* The same, read in the page's own transaction t. */
const struct page_viewer *web_member_tx(
    struct http_req *r, struct st_txn *t, int *rc);

struct worker;
/* Run fn(arg) on worker w while r waits suspended (fn answers with
 * web_resume_*); when w is stopping, drop(arg) and answer 503. Returns
 * HTTP_SUSPENDED. */
int web_defer(struct http_req *r, struct worker *w, void (*fn)(void *),
    void *arg, void (*drop)(void *));
/* From a worker: answer the suspended r with the page in b (freed), or
 * with a 303 to a path of this hub; headers/extra: pairs or NULL. */
void web_resume_page(struct http_req *r, unsigned status, struct buf *b,
    const char *const *headers);
void web_resume_redirect(
    struct http_req *r, const char *path, const char *const *extra);

/* The HTTP status for a hub or storage code (0 is not one): 404, 410,
 * 409, 422, 403, 507, or fallback for the rest. */
unsigned web_status(int rc, unsigned fallback);

/* A string field of a form, "" when absent. */
const char *web_field(const json_t *form, const char *name);

/* Send a page (b is freed). Signed-in pages are private, no-store. */
int web_send(struct http_req *r, unsigned status, struct buf *b,
    const char *const *headers);
/* 303 See Other to a path of this hub; extra: header pairs or NULL. */
int web_redirect(
    struct http_req *r, const char *path, const char *const *extra);
/* Whether path is a safe place to send a member after a form: a path
 * on this hub ("/..." but not "//..." nor "/\\..."). */
int web_local_path(const char *path);
/* A Set-Cookie value for the session cookie (token NULL: expire it). */
void web_session_cookie(
    const struct http_req *r, const char *token, char *out, size_t cap);

/* Login attempts: web_limit_check returns 0, or how many seconds to
 * wait, for the client's address and the account name; failures are
 * counted with web_limit_fail. */
unsigned web_limit_check(struct http_req *r, const char *account);
void web_limit_fail(struct http_req *r, const char *account);
/* Sign-ups from one address: 0, or how many seconds to wait. Counts. */
unsigned web_limit_signup(struct http_req *r);
/* Remote lookups (a fetch from another server) from one address: 0, or
 * how many seconds to wait. Counts. */
unsigned web_limit_lookup(struct http_req *r);

#endif
