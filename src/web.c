#include "web.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "account.h"
#include "buf.h"
#include "config.h"
#include "http.h"
#include "hub.h"
#include "page.h"
#include "st_actor.h"
#include "st_db.h"
#include "text.h"
#include "worker.h"

struct web_state {
	int looked_up;
	int signed_in;
	struct page_viewer v;
	char token[ACCOUNT_TOKEN_LEN + 1];
	char visitor_csrf[65];
};

/* On https the cookies take the __Host- prefix: a browser then accepts
 * them only from this very host, Secure, for the whole site, so a
 * sibling subdomain cannot plant a session or a CSRF cookie. */
static int
secure(const struct http_req *r)
{
	return strncmp(r->srv->cfg->base_url, "https:", 6) == 0;
}

static const char *
session_name(const struct http_req *r)
{
	return secure(r) ? "__Host-" WEB_SESSION_COOKIE : WEB_SESSION_COOKIE;
}

static const char *
csrf_name(const struct http_req *r)
{
	return secure(r) ? "__Host-" WEB_CSRF_COOKIE : WEB_CSRF_COOKIE;
}

static struct web_state *
state(struct http_req *r)
{
	if (r->web == NULL)
		r->web = calloc(1, sizeof(*r->web));
	return r->web;
}

static void
hex(const unsigned char *p, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		snprintf(out + 2 * i, 3, "%02x", p[i]);
}

/* A session's CSRF token: HMAC-SHA256 keyed by the session token, so it
 * needs no storage and reveals nothing of the token. */
static void
session_csrf(const char *token, char out[65])
{
	unsigned char mac[32];
	unsigned int n = sizeof(mac);

	HMAC(EVP_sha256(), token, (int)strlen(token),
	    (const unsigned char *)"hub csrf", 8, mac, &n);
	hex(mac, 32, out);
}

const char *
web_session_token(struct http_req *r)
{
	const char *c = http_cookie(r, session_name(r));

	return c != NULL && strlen(c) == ACCOUNT_TOKEN_LEN ? c : NULL;
}

static const struct page_viewer *
viewer_lookup(struct http_req *r, struct st_txn *t)
{
	struct web_state *s = state(r);
	struct account_who w;
	const char *tok;
	int rc;

	if (s == NULL)
		return NULL;
	if (s->looked_up)
		return s->signed_in ? &s->v : NULL;
	s->looked_up = 1;
	if ((tok = web_session_token(r)) == NULL)
		return NULL;
	rc = t != NULL ? account_session_check_tx(t, tok, &w)
		       : account_session_check(r->srv->hub, tok, &w);
	if (rc != 0)
		return NULL;
	s->signed_in = 1;
	snprintf(s->token, sizeof(s->token), "%s", tok);
	snprintf(s->v.name, sizeof(s->v.name), "%s", w.name);
	snprintf(s->v.display, sizeof(s->v.display), "%s", w.display);
	s->v.role = w.role;
	session_csrf(tok, s->v.csrf);
	snprintf(r->user, sizeof(r->user), "%s", w.name);
	return &s->v;
}

const struct page_viewer *
web_viewer(struct http_req *r)
{
	return viewer_lookup(r, NULL);
}

const struct page_viewer *
web_viewer_tx(struct http_req *r, struct st_txn *t)
{
	return viewer_lookup(r, t);
}

/* ---- forms ---- */

/* Fields a form may have: the learning form's every topic of the
 * vocabulary (41) and its other fields fit, with room. */
#define WEB_FORM_FIELDS 128

struct form_parse {
	json_t *form;
	char key[64];
	struct buf val;
	int bad; /* 1: not UTF-8, 2: too many fields */
};

static void
form_flush(struct form_parse *p)
{
	json_t *s;

	if (p->key[0] == '\0')
		return;
	s = json_stringn(p->val.data ? p->val.data : "", p->val.len);
	if (s == NULL)
		p->bad = 1;
	else if (json_object_size(p->form) >= WEB_FORM_FIELDS)
		p->bad = 2, json_decref(s);
	else
		json_object_set_new(p->form, p->key, s);
	p->key[0] = '\0';
	buf_free(&p->val);
	buf_init(&p->val, 0);
}

static enum MHD_Result
form_each(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *filename, const char *type, const char *enc, const char *data,
    uint64_t off, size_t size)
{
	struct form_parse *p = cls;

	(void)kind, (void)type, (void)enc;
	if (filename != NULL) /* no uploads: avatars are URLs */
		return MHD_YES;
	if (off == 0 || strcmp(key, p->key) != 0) {
		form_flush(p);
		snprintf(p->key, sizeof(p->key), "%s", key);
	}
	buf_add(&p->val, data, size);
	return MHD_YES;
}

json_t *
web_form(struct http_req *r, int *rc)
{
	struct form_parse p = { json_object(), "", { 0 }, 0 };
	struct MHD_PostProcessor *pp;

	buf_init(&p.val, 0);
	pp = MHD_create_post_processor(r->conn, 4096, form_each, &p);
	if (pp == NULL) {
		json_decref(p.form);
		*rc = http_error(r, 415,
		    "this address takes a form "
		    "(application/x-www-form-urlencoded)");
		return NULL;
	}
	if (r->body.len > 0 &&
	    MHD_post_process(pp, r->body.data, r->body.len) != MHD_YES)
		p.bad = 3;
	MHD_destroy_post_processor(pp);
	form_flush(&p);
	buf_free(&p.val);
	if (p.bad) {
		json_decref(p.form);
		*rc = http_error(r, 400,
		    p.bad == 1 ? "the form held text that is not UTF-8: "
				 "send it again from the page"
			       : "the form could not be read: send it again "
				 "from the page");
		return NULL;
	}
	return p.form;
}

const char *
web_field(const json_t *form, const char *name)
{
	const char *s = json_string_value(json_object_get(form, name));

	return s ? s : "";
}

unsigned
web_status(int rc, unsigned fallback)
{
	switch (rc) {
	case ST_NOTFOUND: return 404;
	case ST_GONE: return 410;
	case ST_EXISTS:
	case HUB_TAKEN: return 409;
	case ST_INVAL:
	case HUB_INVALID:
	case HUB_PII: return 422;
	case HUB_REVIEW: return 409;
	case HUB_STALE: return 409;
	case HUB_FORBIDDEN: return 403;
	case ST_FULL: return 507;
	default: return fallback;
	}
}

json_t *
web_checked_form(struct http_req *r, int *rc)
{
	json_t *form = web_form(r, rc);

	if (form != NULL && !web_csrf_ok(r, form, rc)) {
		json_decref(form);
		return NULL;
	}
	return form;
}

/* s percent-encoded, letters, digits and the characters of keep kept. */
static void
url_encode_keep(struct buf *b, const char *s, const char *keep)
{
	static const char hexd[] = "0123456789ABCDEF";

	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr(keep, c) != NULL)
			buf_addc(b, (char)c);
		else
			buf_printf(b, "%%%c%c", hexd[c >> 4], hexd[c & 15]);
	}
}

void
web_url_encode(struct buf *b, const char *s)
{
	url_encode_keep(b, s, "-._~");
}

uint64_t
web_viewer_id(struct st_txn *t, const struct page_viewer *v)
{
	uint64_t id = 0;

	if (v != NULL && st_name_get(t, v->name, &id) != 0)
		id = 0;
	return id;
}

const struct page_viewer *
web_member(struct http_req *r, int *rc)
{
	return web_member_tx(r, NULL, rc);
}

const struct page_viewer *
web_member_tx(struct http_req *r, struct st_txn *t, int *rc)
{
	const struct page_viewer *v = viewer_lookup(r, t);
	struct buf to;

	r->want_html = 1;
	if (v != NULL)
		return v;
	buf_init(&to, 0);
	buf_adds(&to, "/signin?next=");
	/* Back to the same page, with its query, after signing in. */
	url_encode_keep(&to,
	    r->target && r->target[0] == '/' && !strcmp(r->method, "GET")
		? r->target
		: r->path,
	    "-._~/");
	*rc = web_redirect(r, to.failed ? "/signin" : to.data, NULL);
	buf_free(&to);
	return NULL;
}

int
web_defer(struct http_req *r, struct worker *w, void (*fn)(void *), void *arg,
    void (*drop)(void *))
{
	struct buf b;

	http_suspend(r);
	if (worker_submit(w, fn, arg) == 0)
		return HTTP_SUSPENDED;
	drop(arg);
	buf_init(&b, 0);
	page_error(&b, r->srv->cfg, NULL, 503,
	    "the hub is restarting: try again in a moment");
	web_resume_page(r, 503, &b, NULL);
	return HTTP_SUSPENDED;
}

void
web_resume_page(struct http_req *r, unsigned status, struct buf *b,
    const char *const *headers)
{
	http_resume(r, status, http_response_html(b, headers, &r->bytes));
	buf_free(b);
}

void
web_resume_redirect(
    struct http_req *r, const char *path, const char *const *extra)
{
	struct MHD_Response *resp =
	    MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	int i;

	if (resp != NULL) {
		MHD_add_response_header(
		    resp, "Location", web_local_path(path) ? path : "/");
		MHD_add_response_header(resp, "Cache-Control", "no-store");
		for (i = 0; extra != NULL && extra[i] != NULL; i += 2)
			if (extra[i + 1] != NULL)
				MHD_add_response_header(
				    resp, extra[i], extra[i + 1]);
	}
	http_resume(r, 303, resp);
}

/* ---- CSRF ---- */

static int
visitor_token_ok(const char *c)
{
	return c != NULL && strlen(c) == 64 &&
	    strspn(c, "0123456789abcdef") == 64;
}

const char *
web_visitor_csrf(struct http_req *r, char *set_cookie, size_t cap)
{
	struct web_state *s = state(r);
	const char *c = http_cookie(r, csrf_name(r));
	unsigned char raw[32];

	if (set_cookie != NULL && cap > 0)
		set_cookie[0] = '\0';
	if (s == NULL)
		return "";
	if (s->visitor_csrf[0] != '\0')
		return s->visitor_csrf;
	if (visitor_token_ok(c)) {
		snprintf(s->visitor_csrf, sizeof(s->visitor_csrf), "%s", c);
		return s->visitor_csrf;
	}
	if (RAND_bytes(raw, sizeof(raw)) != 1)
		return "";
	hex(raw, 32, s->visitor_csrf);
	if (set_cookie != NULL)
		snprintf(set_cookie, cap,
		    "%s=%s; Path=/; HttpOnly; SameSite=Lax%s", csrf_name(r),
		    s->visitor_csrf, secure(r) ? "; Secure" : "");
	return s->visitor_csrf;
}

/* The Origin header, when a browser sends one, must be the hub's. */
static int
origin_ok(struct http_req *r)
{
	const char *o = http_header(r, "Origin");

	return o == NULL || !strcmp(o, r->srv->cfg->base_url);
}

int
web_csrf_ok(struct http_req *r, const json_t *form, int *rc)
{
	const struct page_viewer *v = web_viewer(r);
	const char *sent = web_field(form, "csrf");
	const char *want;

	if (v != NULL)
		want = v->csrf;
	else {
		want = http_cookie(r, csrf_name(r));
		if (!visitor_token_ok(want))
			want = NULL;
	}
	if (origin_ok(r) && want != NULL && strlen(sent) == strlen(want) &&
	    CRYPTO_memcmp(sent, want, strlen(want)) == 0)
		return 1;
	r->want_html = 1;
	*rc = http_error(r, 403,
	    "this form has expired or came from another site. Go back, "
	    "reload the page and send it again.");
	return 0;
}

/* ---- responses ---- */

int
web_send(struct http_req *r, unsigned status, struct buf *b,
    const char *const *headers)
{
	int rc;

	if (b->failed) {
		buf_free(b);
		return http_error(r, 500, "the page is too large to show");
	}
	rc = http_send(r, status, HTML_TYPE, b->data, b->len, headers);
	buf_free(b);
	return rc;
}

int
web_local_path(const char *path)
{
	const char *p;

	/* Browsers drop tabs and line breaks from URLs and read '\\' as
	 * '/': allow none of them, nor any other control or space, so no
	 * path can turn into "//elsewhere". */
	if (path == NULL || path[0] != '/' || path[1] == '/' ||
	    strlen(path) >= 512)
		return 0;
	for (p = path; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || *p == 0x7f || *p == '\\')
			return 0;
	return 1;
}

int
web_redirect(struct http_req *r, const char *path, const char *const *extra)
{
	const char *h[12] = { "Location", web_local_path(path) ? path : "/",
		"Cache-Control", "no-store" };
	int i, n = 4;

	for (i = 0; extra != NULL && extra[i] != NULL && n < 10; i += 2) {
		h[n++] = extra[i];
		h[n++] = extra[i + 1];
	}
	h[n] = NULL;
	return http_send(r, 303, NULL, NULL, 0, h);
}

void
web_session_cookie(
    const struct http_req *r, const char *token, char *out, size_t cap)
{
	const char *sec = secure(r) ? "; Secure" : "";

	if (token == NULL)
		snprintf(out, cap,
		    "%s=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0%s",
		    session_name(r), sec);
	else
		snprintf(out, cap,
		    "%s=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s",
		    session_name(r), token, ACCOUNT_SESSION_DAYS * 86400, sec);
}

/* ---- rate limits ----
 * A fixed table of counters in memory, keyed by a keyed hash (a random
 * key per process, so slots cannot be aimed at) of "ip:addr" or
 * "acct:name". Checking never inserts; only counting does, and it never
 * evicts a counter that is over its limit: when no slot is free the
 * answer is "wait" (fail closed). A restart forgets the counters, which
 * costs an attacker nothing they could not get by waiting. */

#define LIMIT_SLOTS 8192
#define LIMIT_PROBE 16

struct limit {
	uint64_t key;
	time_t start;
	unsigned count;
	unsigned max;
	time_t window;
};

static struct limit limits[LIMIT_SLOTS];
static pthread_mutex_t limit_mu = PTHREAD_MUTEX_INITIALIZER;
static unsigned char limit_secret[32];
static pthread_once_t limit_once = PTHREAD_ONCE_INIT;

static void
limit_init(void)
{
	if (RAND_bytes(limit_secret, sizeof(limit_secret)) != 1)
		memset(limit_secret, 0x6b, sizeof(limit_secret));
}

static uint64_t
key_hash(const char *kind, const char *s)
{
	unsigned char d[32];
	unsigned int n = sizeof(d);
	char msg[400];
	uint64_t k = 0;
	int i;

	pthread_once(&limit_once, limit_init);
	snprintf(msg, sizeof(msg), "%s:%s", kind, s);
	HMAC(EVP_sha256(), limit_secret, sizeof(limit_secret),
	    (const unsigned char *)msg, strlen(msg), d, &n);
	for (i = 0; i < 8; i++)
		k = k << 8 | d[i];
	return k | 1; /* 0 marks a free slot */
}

static int
expired(const struct limit *l, time_t now)
{
	return l->key == 0 || now - l->start >= l->window;
}

/* The slot of key, or NULL. Called with limit_mu held. */
static struct limit *
limit_find(uint64_t key)
{
	struct limit *l;
	int i;

	for (i = 0; i < LIMIT_PROBE; i++) {
		l = &limits[(key + (uint64_t)i) % LIMIT_SLOTS];
		if (l->key == key)
			return l;
	}
	return NULL;
}

/* Seconds to wait before key may try again (0: it may), without
 * counting anything. */
static unsigned
limit_wait(uint64_t key)
{
	time_t now = time(NULL);
	struct limit *l;
	unsigned left = 0;

	pthread_mutex_lock(&limit_mu);
	l = limit_find(key);
	if (l != NULL && !expired(l, now) && l->count >= l->max)
		left = (unsigned)(l->window - (now - l->start));
	pthread_mutex_unlock(&limit_mu);
	return left;
}

/* Count one event for key (at most max in window seconds). Returns 0,
 * or the seconds to wait when key is over its limit or no slot could
 * be found for it (then nothing is counted). */
static unsigned
limit_add(uint64_t key, unsigned max, time_t window)
{
	time_t now = time(NULL);
	struct limit *l, *victim = NULL;
	unsigned left = 0;
	int i;

	pthread_mutex_lock(&limit_mu);
	if ((l = limit_find(key)) == NULL)
		for (i = 0; i < LIMIT_PROBE; i++) {
			struct limit *c =
			    &limits[(key + (uint64_t)i) % LIMIT_SLOTS];

			if (expired(c, now)) {
				victim = c;
				break;
			}
			/* Under its limit and least used: may go. */
			if (c->count < c->max &&
			    (victim == NULL || c->count < victim->count))
				victim = c;
		}
	if (l == NULL && victim != NULL) {
		l = victim;
		l->key = key;
		l->count = 0;
		l->start = now;
	}
	if (l == NULL)
		left = (unsigned)window; /* every slot is busy: fail closed */
	else {
		l->max = max;
		l->window = window;
		if (expired(l, now)) {
			l->start = now;
			l->count = 0;
		}
		if (l->count >= max)
			left = (unsigned)(window - (now - l->start));
		else
			l->count++;
	}
	pthread_mutex_unlock(&limit_mu);
	return left;
}

/* The client's address, IPv6 grouped by /64 (one host's usual share). */
static void
client_key(struct http_req *r, char *out, size_t cap)
{
	unsigned char a[16];

	http_client_ip(r, out, cap);
	if (strchr(out, ':') != NULL && inet_pton(AF_INET6, out, a) == 1) {
		memset(a + 8, 0, 8);
		inet_ntop(AF_INET6, a, out, (socklen_t)cap);
	}
}

#define LOGIN_IP_MAX	  30 /* attempts per address per window */
#define LOGIN_ACCOUNT_MAX 10 /* failures per account per window */
#define LOGIN_WINDOW	  (15 * 60)
#define SIGNUP_IP_MAX	  5
#define SIGNUP_WINDOW	  (60 * 60)
#define LOOKUP_IP_MAX	  30 /* remote lookups per address per window */
#define LOOKUP_WINDOW	  (10 * 60)

unsigned
web_limit_check(struct http_req *r, const char *account)
{
	char ip[64];
	unsigned wait;

	client_key(r, ip, sizeof(ip));
	wait = limit_wait(key_hash("acct", account));
	if (wait == 0)
		wait =
		    limit_add(key_hash("ip", ip), LOGIN_IP_MAX, LOGIN_WINDOW);
	return wait;
}

void
web_limit_fail(struct http_req *r, const char *account)
{
	(void)r;
	limit_add(key_hash("acct", account), LOGIN_ACCOUNT_MAX, LOGIN_WINDOW);
}

unsigned
web_limit_signup(struct http_req *r)
{
	char ip[64];

	client_key(r, ip, sizeof(ip));
	return limit_add(key_hash("signup", ip), SIGNUP_IP_MAX, SIGNUP_WINDOW);
}

unsigned
web_limit_lookup(struct http_req *r)
{
	char ip[64];

	client_key(r, ip, sizeof(ip));
	return limit_add(key_hash("lookup", ip), LOOKUP_IP_MAX, LOOKUP_WINDOW);
}
