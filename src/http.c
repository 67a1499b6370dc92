#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "log.h"
#include "page.h"
#include "web.h"

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *
http_query(const struct http_req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, key);
}

const char *
http_header(const struct http_req *r, const char *key)
{
	return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, key);
}

const char *
http_cookie(const struct http_req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, name);
}

void
http_client_ip(const struct http_req *r, char *out, size_t cap)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
	    r->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	const char *xff, *last;
	int loop = 0;

	snprintf(out, cap, "unknown");
	if (sa != NULL && sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const void *)sa;
		inet_ntop(AF_INET, &in->sin_addr, out, (socklen_t)cap);
		loop = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const void *)sa;
		inet_ntop(AF_INET6, &in6->sin6_addr, out, (socklen_t)cap);
		loop = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
	}
	/* nginx in front (conf/nginx-hub.conf) appends the client. */
	xff = loop ? http_header(r, "X-Forwarded-For") : NULL;
	if (xff == NULL)
		return;
	last = strrchr(xff, ',');
	last = last ? last + 1 : xff;
	while (*last == ' ')
		last++;
	if (*last != '\0' && strlen(last) < cap &&
	    strspn(last, "0123456789abcdefABCDEF:.") == strlen(last))
		snprintf(out, cap, "%s", last);
}

int
http_path_arg(const struct http_req *r, int i, char *out, size_t cap)
{
	if (i < 0 || i >= r->nargs || r->argl[i] >= cap)
		return -1;
	memcpy(out, r->argp[i], r->argl[i]);
	out[r->argl[i]] = '\0';
	return 0;
}

/* Security headers on every response (DESIGN: pages escape by
 * construction; these are the second line). */
static void
add_common_headers(struct MHD_Response *resp, const char *type)
{
	int html = type != NULL && !strncmp(type, "text/html", 9);

	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(
	    resp, "Referrer-Policy", "strict-origin-when-cross-origin");
	/* JSON is public or bearer-authenticated (no cookies): any origin
	 * may read it, as Mastodon allows for its API and ActivityPub. */
	if (!html)
		MHD_add_response_header(
		    resp, "Access-Control-Allow-Origin", "*");
	if (html)
		MHD_add_response_header(resp, "Content-Security-Policy",
		    "default-src 'none'; style-src 'self'; img-src 'self' "
		    "https:; form-action 'self'; base-uri 'none'; "
		    "frame-ancestors 'none'");
}

static struct MHD_Response *
make_response(
    const char *type, const void *data, size_t len, const char *const *headers)
{
	struct MHD_Response *resp;
	int i;

	resp = MHD_create_response_from_buffer(
	    len, (void *)data, MHD_RESPMEM_MUST_COPY);
	if (resp == NULL)
		return NULL;
	if (type != NULL)
		MHD_add_response_header(resp, "Content-Type", type);
	add_common_headers(resp, type);
	for (i = 0; headers != NULL && headers[i] != NULL; i += 2)
		if (headers[i + 1] != NULL)
			MHD_add_response_header(
			    resp, headers[i], headers[i + 1]);
	return resp;
}

static int
queue(struct http_req *r, unsigned status, struct MHD_Response *resp)
{
	int rc;

	if (resp == NULL)
		return MHD_NO;
	r->status = status;
	rc = MHD_queue_response(r->conn, status, resp);
	MHD_destroy_response(resp);
	return rc;
}

int
http_send(struct http_req *r, unsigned status, const char *type,
    const void *data, size_t len, const char *const *headers)
{
	struct MHD_Response *resp = make_response(type, data, len, headers);

	r->bytes = len;
	/* A page shown to a signed-in member carries their name and a CSRF
	 * token: never for a shared cache, never for another member. */
	if (resp != NULL && type != NULL && !strncmp(type, "text/html", 9) &&
	    (http_cookie(r, "hub_session") != NULL ||
		http_cookie(r, "__Host-hub_session") != NULL)) {
		const char *cc = MHD_get_response_header(resp, "Cache-Control");

		if (cc != NULL)
			MHD_del_response_header(resp, "Cache-Control", cc);
		MHD_add_response_header(
		    resp, "Cache-Control", "private, no-store");
		MHD_add_response_header(resp, "Vary", "Cookie");
	}
	return queue(r, status, resp);
}

struct MHD_Response *
http_response_html(const struct buf *b, const char *const *headers, size_t *len)
{
	static const char *const none[] = { NULL };
	const char *const *h = headers ? headers : none;
	struct MHD_Response *resp;

	if (b->failed)
		return NULL;
	if (len != NULL)
		*len = b->len;
	resp = make_response(HTML_TYPE, b->data ? b->data : "", b->len, h);
	if (resp != NULL)
		MHD_add_response_header(
		    resp, "Cache-Control", "private, no-store");
	return resp;
}

struct MHD_Response *
http_response_json(
    json_t *doc, const char *type, const char *const *headers, size_t *len)
{
	struct MHD_Response *resp;
	char *s;

	s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(doc);
	if (s == NULL)
		return NULL;
	if (len != NULL)
		*len = strlen(s);
	resp = make_response(type ? type : "application/json; charset=utf-8", s,
	    strlen(s), headers);
	free(s);
	return resp;
}

int
http_send_json(struct http_req *r, unsigned status, json_t *doc,
    const char *type, const char *const *headers)
{
	return queue(
	    r, status, http_response_json(doc, type, headers, &r->bytes));
}

int
http_error(struct http_req *r, unsigned status, const char *msg)
{
	struct buf b;
	int rc;

	if (!r->want_html)
		return http_send_json(
		    r, status, json_pack("{s:s}", "error", msg), NULL, NULL);
	buf_init(&b, 0);
	page_error(&b, r->srv->cfg, web_viewer(r), status, msg);
	rc = http_send(
	    r, status, "text/html; charset=utf-8", b.data, b.len, NULL);
	buf_free(&b);
	return rc;
}

void
http_suspend(struct http_req *r)
{
	atomic_fetch_add(&r->srv->suspended, 1);
	r->suspended = 1;
	MHD_suspend_connection(r->conn);
}

void
http_resume(struct http_req *r, unsigned status, struct MHD_Response *resp)
{
	struct srv *s = r->srv;

	r->pending = resp;
	r->pending_status = status;
	r->resumed = 1;
	MHD_resume_connection(r->conn);
	atomic_fetch_sub(&s->suspended, 1);
}

void
http_rerun(struct http_req *r)
{
	struct srv *s = r->srv;

	r->rerun = 1;
	MHD_resume_connection(r->conn);
	atomic_fetch_sub(&s->suspended, 1);
}

/* Accept: an ActivityPub type wins; else text/html means a browser. */
static int
wants_html(const char *accept)
{
	if (accept == NULL)
		return 0;
	if (strstr(accept, "application/activity+json") ||
	    strstr(accept, "application/ld+json"))
		return 0;
	return strstr(accept, "text/html") != NULL;
}

/* Match path against pattern; '*' is one non-empty segment. */
static int
match(struct http_req *r, const char *pat, const char *path)
{
	r->nargs = 0;
	while (*pat && *path) {
		if (*pat == '*') {
			size_t n = strcspn(path, "/");
			if (n == 0 || r->nargs == 4)
				return 0;
			r->argp[r->nargs] = path;
			r->argl[r->nargs++] = n;
			path += n;
			pat++;
		} else if (*pat++ != *path++)
			return 0;
	}
	return *pat == '\0' && *path == '\0';
}

/* The route for r's method and path; NULL with *allow listing the
 * methods the path takes (empty when the path is unknown). */
static const struct http_route *
find_route(struct http_req *r, char *allow, size_t cap)
{
	const struct srv *s = r->srv;
	const char *m = strcmp(r->method, "HEAD") ? r->method : "GET";
	size_t i;

	allow[0] = '\0';
	for (i = 0; i < s->nroutes; i++) {
		if (!match(r, s->routes[i].pattern, r->path))
			continue;
		if (!strcmp(s->routes[i].method, m))
			return &s->routes[i];
		if (strstr(allow, s->routes[i].method) == NULL &&
		    strlen(allow) + strlen(s->routes[i].method) + 3 < cap) {
			if (allow[0] != '\0')
				strcat(allow, ", ");
			strcat(allow, s->routes[i].method);
		}
	}
	return NULL;
}

/* OPTIONS: what a path allows, and a CORS preflight answer. */
static int
options(struct http_req *r, const char *allow)
{
	char methods[160];
	const char *const h[] = { "Allow", methods,
		"Access-Control-Allow-Methods", methods,
		"Access-Control-Allow-Headers", "Authorization, Content-Type",
		"Access-Control-Max-Age", "86400", NULL };

	snprintf(methods, sizeof(methods), "%s%sOPTIONS", allow,
	    allow[0] ? ", " : "");
	return http_send(r, 204, NULL, NULL, 0, h);
}

static void
req_free(struct http_req *r)
{
	if (r->ctx_free != NULL)
		r->ctx_free(r->ctx);
	if (r->pending != NULL)
		MHD_destroy_response(r->pending);
	free(r->web);
	free(r->event);
	free(r->target);
	buf_free(&r->body);
	free(r);
}

static int
refuse_early(struct http_req *r, const char *allow)
{
	char msg[120];
	const char *const h[] = { "Allow", allow, NULL };

	if (atomic_load(&r->srv->stopping)) {
		const char *const h503[] = { "Retry-After", "5", "Connection",
			"close", NULL };
		return http_send_json(r, 503,
		    json_pack("{s:s}", "error",
			"the hub is restarting: try again in a moment"),
		    NULL, h503);
	}
	if (r->route == NULL && !strcmp(r->method, "OPTIONS") && allow[0])
		return options(r, allow);
	if (r->route == NULL && allow[0] != '\0') {
		if (r->want_html)
			return http_error(r, 405,
			    "this address does not "
			    "accept that method");
		snprintf(msg, sizeof(msg), "this address takes only %s", allow);
		return http_send_json(
		    r, 405, json_pack("{s:s}", "error", msg), NULL, h);
	}
	if (r->route == NULL)
		return http_error(r, 404, "there is nothing at this address");
	return HTTP_CONTINUE;
}

static int
body_too_big(struct http_req *r)
{
	char msg[100];
	size_t max = r->route->max_body;

	if (max == 0)
		return http_error(r, 413,
		    "this address takes no request "
		    "body");
	snprintf(msg, sizeof(msg),
	    "the request body is larger than %zu "
	    "%s",
	    max >= 1 << 20 ? max >> 20 : max >> 10,
	    max >= 1 << 20 ? "MiB" : "KiB");
	return http_error(r, 413, msg);
}

/* First call: headers only. Find the route, refuse what can be refused
 * now (unknown path, method, size, credentials), before any body is
 * read or buffered (DESIGN rule 4: cheapest checks first). */
static enum MHD_Result
first_call(struct MHD_Connection *conn, const char *method, const char *url,
    void **con_cls, struct srv *s)
{
	struct http_req *r = *con_cls;
	const char *cl;
	char allow[80];
	int rc;

	r->conn = conn;
	r->method = method;
	r->path = url;
	r->start_ns = now_ns();
	r->want_html = wants_html(
	    MHD_lookup_connection_value(conn, MHD_HEADER_KIND, "Accept"));
	*con_cls = r;
	r->route = find_route(r, allow, sizeof(allow));
	if ((rc = refuse_early(r, allow)) != HTTP_CONTINUE)
		return (enum MHD_Result)rc;
	buf_init(&r->body, r->route->max_body);
	if (r->route->precheck != NULL &&
	    (rc = r->route->precheck(r)) != HTTP_CONTINUE)
		return (enum MHD_Result)rc;
	cl = MHD_lookup_connection_value(
	    conn, MHD_HEADER_KIND, "Content-Length");
	if (cl != NULL && strtoull(cl, NULL, 10) > r->route->max_body &&
	    r->route->max_body > 0) {
		r->too_big = 1;
		return (enum MHD_Result)body_too_big(r);
	}
	return MHD_YES;
}

static enum MHD_Result
resumed_call(struct http_req *r)
{
	struct MHD_Response *resp = r->pending;

	r->pending = NULL;
	if (resp == NULL) { /* the callback could not build one */
		r->pending_status = 500;
		resp = MHD_create_response_from_buffer(
		    0, NULL, MHD_RESPMEM_PERSISTENT);
	}
	return (enum MHD_Result)queue(r, r->pending_status, resp);
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct http_req *r = *con_cls;
	int rc;

	if (r == NULL)
		return MHD_NO; /* uri_cb could not allocate */
	if (r->conn == NULL)
		return first_call(conn, method, url, con_cls, cls);
	if (r->rerun) {
		r->rerun = r->suspended = 0;
		rc = r->route->fn(r);
		return rc == HTTP_SUSPENDED ? MHD_YES : (enum MHD_Result)rc;
	}
	if (r->resumed)
		return resumed_call(r);
	if (r->status != 0 || r->suspended) { /* answered, or waiting */
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size > 0) {
		/* Routes without a body never buffer one. */
		if (r->route->max_body == 0 ||
		    buf_add(&r->body, upload_data, *upload_data_size) < 0)
			r->too_big = 1;
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->too_big)
		return (enum MHD_Result)body_too_big(r);
	rc = r->route->fn(r);
	return rc == HTTP_SUSPENDED ? MHD_YES : (enum MHD_Result)rc;
}

/* The path for the log: control bytes (decoded %0a and such) escaped,
 * so a request cannot forge log lines. */
static void
log_safe(const char *in, char *out, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	size_t o = 0;

	for (; *in != '\0' && o + 5 < cap; in++) {
		unsigned char c = (unsigned char)*in;
		if (c < 0x20 || c == 0x7f || c == '\\') {
			out[o++] = '\\';
			out[o++] = 'x';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		} else
			out[o++] = (char)c;
	}
	out[o] = '\0';
}

/* The first thing MHD tells of a request: its target exactly as sent
 * (path and query, still percent-encoded), which signatures cover. The
 * request's state starts here. */
static void *
uri_cb(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct srv *s = cls;
	struct http_req *r = calloc(1, sizeof(*r));

	(void)conn;
	if (r == NULL)
		return NULL;
	r->srv = s;
	r->target = strndup(uri ? uri : "", 8192);
	atomic_fetch_add(&s->inflight, 1);
	return r;
}

static void
completed_cb(void *cls, struct MHD_Connection *conn, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_req *r = *con_cls;
	char path[256], method[16];

	if (r == NULL)
		return;
	if (log_enabled(LOG_INFO)) {
		/* A request that never parsed has only its target. */
		log_safe(r->path    ? r->path
			: r->target ? r->target
				    : "-",
		    path, sizeof(path));
		log_safe(r->method ? r->method : "-", method, sizeof(method));
		log_msg(LOG_INFO, "%s %s %u %zu %.3fms%s", method, path,
		    r->status, r->bytes, (double)(now_ns() - r->start_ns) / 1e6,
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? ""
							       : " (aborted)");
		if (r->event != NULL)
			log_msg(LOG_INFO, "%s", r->event);
	}
	atomic_fetch_sub(&r->srv->inflight, 1);
	req_free(r);
	*con_cls = NULL;
}

static int
hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decoding of paths and query values, in place. "%00" is kept
 * as it is: a NUL would cut the C string short and make "/users/a%00x"
 * look like "/users/a". */
static size_t
unescape_cb(void *cls, struct MHD_Connection *conn, char *s)
{
	char *r = s, *w = s;
	int hi, lo;

	(void)cls;
	(void)conn;
	while (*r != '\0') {
		if (r[0] == '%' && (hi = hexval(r[1])) >= 0 &&
		    (lo = hexval(r[2])) >= 0 && (hi | lo) != 0) {
			*w++ = (char)(hi * 16 + lo);
			r += 3;
		} else
			*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

static int
listen_addr(
    const struct config *cfg, struct sockaddr_storage *ss, unsigned *flags)
{
	struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (inet_pton(AF_INET, cfg->listen_host, &in4->sin_addr) == 1) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)cfg->listen_port);
		return 0;
	}
	if (inet_pton(AF_INET6, cfg->listen_host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)cfg->listen_port);
		*flags |= MHD_USE_IPv6;
		return 0;
	}
	if (!strcmp(cfg->listen_host, "localhost")) {
		in4->sin_family = AF_INET;
		in4->sin_port = htons((uint16_t)cfg->listen_port);
		in4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		return 0;
	}
	return -1;
}

int
http_start(struct srv *s, struct err *e)
{
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
	    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;
	long threads = s->cfg->threads;

	if (threads <= 0)
		threads = sysconf(_SC_NPROCESSORS_ONLN);
	if (threads <= 0)
		threads = 2;
	if (listen_addr(s->cfg, &ss, &flags) < 0)
		return err_set(e, "listen: \"%s\" is not an IP address",
		    s->cfg->listen_host);
	s->daemon = MHD_start_daemon(flags, 0, NULL, NULL, access_cb, s,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads,
	    MHD_OPTION_CONNECTION_TIMEOUT, 30u, MHD_OPTION_CONNECTION_LIMIT,
	    4096u, MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    MHD_OPTION_NOTIFY_COMPLETED, completed_cb, s,
	    MHD_OPTION_UNESCAPE_CALLBACK, unescape_cb, NULL,
	    MHD_OPTION_URI_LOG_CALLBACK, uri_cb, s, MHD_OPTION_END);
	if (s->daemon == NULL)
		return err_set(e,
		    "cannot listen on %s (is the port in "
		    "use?)",
		    s->cfg->listen);
	return 0;
}

void
http_stop(struct srv *s)
{
	int i;

	if (s->daemon == NULL)
		return;
	/* Refuse new requests, stop accepting, let the ones begun finish:
	 * a write that was committed gets its answer. */
	atomic_store(&s->stopping, 1);
	MHD_quiesce_daemon(s->daemon);
	for (i = 0; atomic_load(&s->inflight) > 0 && i < 6000; i++) {
		if (i > 0 && i % 500 == 0)
			log_msg(LOG_INFO, "waiting for %d requests to finish",
			    atomic_load(&s->inflight));
		usleep(10000);
	}
	/* MHD must never be stopped with a suspended connection; the
	 * writer resumes each one, so this ends. */
	while (atomic_load(&s->suspended) > 0)
		usleep(10000);
	MHD_stop_daemon(s->daemon);
	s->daemon = NULL;
}
