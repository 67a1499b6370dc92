/* http.h: the HTTP server core over libmicrohttpd: request state, body
 * limits, content negotiation, responses, routing, and handing writes to
 * the writer without blocking a pool thread (suspend/resume). */
#ifndef HUB_HTTP_H
#define HUB_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#include "buf.h"

struct MHD_Connection;
struct MHD_Response;
struct config;
struct err;
struct hub;
struct srv;
struct topics;

#define HTTP_BODY_MAX (1024 * 1024)
#define HTML_TYPE     "text/html; charset=utf-8"

struct http_route;

struct http_req {
	struct srv *srv;
	struct MHD_Connection *conn;
	const struct http_route *route;
	const char *method;
	const char *path; /* without the query, decoded */
	char *target;	  /* as sent: path and query, encoded */
	int want_html;	  /* Accept prefers text/html */
	struct buf body;  /* up to route->max_body */
	int too_big;
	unsigned status; /* of the response queued */
	size_t bytes;
	uint64_t start_ns;
	/* Set by the writer's callback before it resumes the connection. */
	struct MHD_Response *pending;
	unsigned pending_status;
	int suspended;
	int resumed;
	int rerun;	  /* resumed to run the handler again */
	int private_resp; /* not for shared caches */
	int key_fetched;  /* a signer's key was fetched for this request */
	char *event;	  /* logged when the request completes (malloc'd) */
	char user[32];	  /* the member authenticated by a pre-check */
	int nargs;	  /* '*' segments matched */
	const char *argp[4];
	size_t argl[4];
	struct web_state *web; /* web.c: the viewer, once looked up */
	void *ctx;	       /* the handler's own state */
	void (*ctx_free)(void *);
};

/* A route handler queues exactly one response with the http_send*
 * functions (and returns what they return), or suspends the request
 * with http_suspend() and returns HTTP_SUSPENDED. A pre-check runs on
 * the headers alone, before any body is read: it returns HTTP_CONTINUE,
 * or queues a response (an error) and returns what that returned. */
#define HTTP_SUSPENDED 2
#define HTTP_CONTINUE  3
typedef int (*http_handler)(struct http_req *r);

struct http_route {
	const char *method;
	const char *pattern; /* '*' matches one path segment */
	http_handler fn;
	size_t max_body;       /* 0: the route takes no body */
	http_handler precheck; /* or NULL */
};

struct srv {
	const struct config *cfg;
	struct hub *hub;
	struct MHD_Daemon *daemon;
	const struct http_route *routes;
	size_t nroutes;
	_Atomic int stopping;  /* new requests get 503 */
	_Atomic int inflight;  /* requests begun, not yet completed */
	_Atomic int suspended; /* waiting for the writer */
	/* The topic vocabulary (topics.h), loaded at start. */
	const struct topics *topics;
};

/* Start serving routes on cfg->listen. Returns 0 or -1 with e set. */
int http_start(struct srv *s, struct err *e);
/* Stop accepting, wait for suspended requests, stop. */
void http_stop(struct srv *s);

/* The segment-th '*' of the matched pattern, copied into out. */
int http_path_arg(const struct http_req *r, int segment, char *out, size_t cap);
/* A query argument, or NULL. */
const char *http_query(const struct http_req *r, const char *key);
const char *http_header(const struct http_req *r, const char *key);
/* A cookie sent with the request, or NULL. */
const char *http_cookie(const struct http_req *r, const char *name);
/* The client's address as text: the peer's, or, when the peer is on
 * loopback (a reverse proxy), the last X-Forwarded-For entry. */
void http_client_ip(const struct http_req *r, char *out, size_t cap);

/* Queue a response. data is copied. headers: NULL-terminated pairs of
 * name, value (or NULL). */
int http_send(struct http_req *r, unsigned status, const char *type,
    const void *data, size_t len, const char *const *headers);
/* JSON body (steals doc); type NULL means application/json. */
int http_send_json(struct http_req *r, unsigned status, json_t *doc,
    const char *type, const char *const *headers);
/* An error: {"error": msg} for API clients, a readable page for
 * browsers. */
int http_error(struct http_req *r, unsigned status, const char *msg);

/* Build a response object for later (e.g. from the writer thread);
 * steals doc; *len (may be NULL) receives the body's size. */
struct MHD_Response *http_response_json(
    json_t *doc, const char *type, const char *const *headers, size_t *len);
/* An HTML page for later (e.g. from a worker): copies b's bytes. */
struct MHD_Response *http_response_html(
    const struct buf *b, const char *const *headers, size_t *len);
/* Suspend r; call http_resume() with a response from any thread. */
void http_suspend(struct http_req *r);
void http_resume(
    struct http_req *r, unsigned status, struct MHD_Response *resp);
/* Resume r to run its handler again from the start, on a pool thread
 * (after a worker fetched what the handler needs). */
void http_rerun(struct http_req *r);

#endif
