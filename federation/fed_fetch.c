#include "fed_fetch.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <curl/curl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "fed_html.h"
#include "fed_sig.h"
#include "st_actor.h"

/* ---- the address guard ---- */

static int
v4_private(uint32_t a)
{
	static const struct {
		uint32_t net, mask;
	} nets[] = {
		{ 0x00000000, 0xff000000 }, /* 0/8 "this network" */
		{ 0x0a000000, 0xff000000 }, /* 10/8 */
		{ 0x64400000, 0xffc00000 }, /* 100.64/10 CGNAT */
		{ 0x7f000000, 0xff000000 }, /* 127/8 loopback */
		{ 0xa9fe0000, 0xffff0000 }, /* 169.254/16 link-local */
		{ 0xac100000, 0xfff00000 }, /* 172.16/12 */
		{ 0xc0000000, 0xffffff00 }, /* 192.0.0/24 */
		{ 0xc0000200, 0xffffff00 }, /* 192.0.2/24 TEST-NET-1 */
		{ 0xc0a80000, 0xffff0000 }, /* 192.168/16 */
		{ 0xc6120000, 0xfffe0000 }, /* 198.18/15 benchmarking */
		{ 0xc6336400, 0xffffff00 }, /* 198.51.100/24 TEST-NET-2 */
		{ 0xcb007100, 0xffffff00 }, /* 203.0.113/24 TEST-NET-3 */
		{ 0xe0000000, 0xe0000000 }, /* 224/3: multicast, reserved */
	};
	size_t i;

	for (i = 0; i < sizeof(nets) / sizeof(nets[0]); i++)
		if ((a & nets[i].mask) == nets[i].net)
			return 1;
	return 0;
}

int
fed_address_private(const struct sockaddr *sa)
{
	const unsigned char *b;
	static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff };
	static const unsigned char nat64[12] = { 0, 0x64, 0xff, 0x9b };
	int zero = 1, i;

	if (sa->sa_family == AF_INET)
		return v4_private(
		    ntohl(((const struct sockaddr_in *)sa)->sin_addr.s_addr));
	if (sa->sa_family != AF_INET6)
		return 1;
	b = ((const struct sockaddr_in6 *)sa)->sin6_addr.s6_addr;
	if (!memcmp(b, mapped, 12) || !memcmp(b, nat64, 12))
		return v4_private((uint32_t)b[12] << 24 |
		    (uint32_t)b[13] << 16 | (uint32_t)b[14] << 8 | b[15]);
	if (b[0] == 0x20 && b[1] == 0x02) /* 2002::/16 6to4: v4 inside */
		return v4_private((uint32_t)b[2] << 24 | (uint32_t)b[3] << 16 |
		    (uint32_t)b[4] << 8 | b[5]);
	if ((b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) ||
	    (b[0] == 0 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b &&
		b[4] == 0 && b[5] == 1))
		return 1; /* Teredo 2001::/32, NAT64 local 64:ff9b:1::/48 */
	for (i = 0; i < 12; i++)
		if (b[i] != 0)
			zero = 0;
	if (zero) /* ::, ::1 and the deprecated IPv4-compatible ::a.b.c.d */
		return 1;
	return (b[0] & 0xfe) == 0xfc || /* fc00::/7 unique local */
	    (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) || /* fe80::/10 */
	    (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) || /* fec0::/10 */
	    b[0] == 0xff ||			       /* multicast */
	    (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d &&
		b[3] == 0xb8); /* 2001:db8::/32 documentation */
}

/* ---- one transfer ---- */

struct xfer {
	const struct fed_fetch_cfg *c;
	struct fed_doc *d;
	int refused;
	int too_big;
};

static curl_socket_t
open_cb(void *p, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct xfer *x = p;

	(void)purpose;
	/* After DNS: a name that resolves to a private address is refused
	 * here, so no lookup trick reaches the inside. */
	if (!x->c->allow_private && fed_address_private(&a->addr)) {
		x->refused = 1;
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

static size_t
write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct xfer *x = arg;

	if (buf_add(&x->d->body, p, size * n) < 0) {
		x->too_big = 1;
		return 0; /* abort: decompressed bodies are capped too */
	}
	return size * n;
}

/* Host header and request target of url, as they will be sent. */
static int
url_parts(const char *url, char *host, size_t hcap, char *target, size_t tcap)
{
	char *h = NULL, *port = NULL, *path = NULL, *query = NULL, *user = NULL,
	     *scheme = NULL;
	CURLU *u = curl_url();
	int rc = -1;

	if (u == NULL || curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK)
		goto out;
	curl_url_get(u, CURLUPART_USER, &user, 0);
	if (user != NULL ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    (strcmp(scheme, "https") && strcmp(scheme, "http")) ||
	    curl_url_get(u, CURLUPART_HOST, &h, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		goto out;
	curl_url_get(u, CURLUPART_PORT, &port, 0); /* only when explicit */
	curl_url_get(u, CURLUPART_QUERY, &query, 0);
	if ((size_t)snprintf(host, hcap, "%s%s%s", h, port ? ":" : "",
		port ? port : "") >= hcap ||
	    (size_t)snprintf(target, tcap, "%s%s%s", path, query ? "?" : "",
		query ? query : "") >= tcap)
		goto out;
	for (char *c = host; *c; c++)
		*c = (char)tolower((unsigned char)*c);
	rc = 0;
out:
	curl_free(h);
	curl_free(port);
	curl_free(path);
	curl_free(query);
	curl_free(user);
	curl_free(scheme);
	curl_url_cleanup(u);
	return rc;
}

/* Append "name: value" to h. */
static struct curl_slist *
header(struct curl_slist *h, const char *name, const char *value)
{
	char line[3072];

	snprintf(line, sizeof(line), "%s: %s", name, value);
	return curl_slist_append(h, line);
}

/* Date, Accept, Host and (with a key) Signature headers for url. */
static struct curl_slist *
request_headers(const struct fed_fetch_cfg *c, const char *url,
    const char *accept, struct err *e)
{
	char host[300], target[2048], date[40], *sig;
	struct fed_sign in = { "GET", target, host, date, NULL, NULL, accept,
		c->key_id, c->key };
	struct curl_slist *h = NULL;

	if (url_parts(url, host, sizeof(host), target, sizeof(target)) < 0) {
		err_set(e, "%.200s is not an http(s) URL we fetch", url);
		return NULL;
	}
	fed_sig_http_date(time(NULL), date, sizeof(date));
	h = header(h, "Accept", accept);
	h = header(h, "Date", date);
	h = header(h, "Host", host);
	if (c->key != NULL && c->key_id != NULL) {
		if ((sig = fed_sig_sign(&in, e)) == NULL) {
			curl_slist_free_all(h);
			return NULL;
		}
		h = header(h, "Signature", sig);
		free(sig);
	}
	return h;
}

static void
set_options(CURL *h, const struct fed_fetch_cfg *c, struct xfer *x,
    const char *url, struct curl_slist *hdrs)
{
	long total = c->timeout > 0 ? c->timeout : 10;

	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L); /* by hand */
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_PROXY, ""); /* ignore *_proxy */
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, total < 5 ? total : 5L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, total);
	curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(
	    h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)FED_FETCH_MAX);
	curl_easy_setopt(
	    h, CURLOPT_USERAGENT, c->user_agent ? c->user_agent : "hub");
	if (c->ca_file != NULL && c->ca_file[0] != '\0')
		curl_easy_setopt(h, CURLOPT_CAINFO, c->ca_file);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, open_cb);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, x);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, write_cb);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, x);
	curl_easy_setopt(h, CURLOPT_HTTPHEADER, hdrs);
}

/* Whether this thread's last fetch got no answer at all (see
 * fed_fetch_no_answer). */
static _Thread_local int no_answer;

int
fed_fetch_no_answer(void)
{
	return no_answer;
}

static int
transfer_error(
    CURLcode rc, const struct xfer *x, const char *url, struct err *e)
{
	no_answer = !x->too_big && rc != CURLE_FILESIZE_EXCEEDED;
	if (x->refused)
		return err_set(e,
		    "%.200s resolves to a private or local "
		    "address, which this hub does not fetch",
		    url);
	if (x->too_big || rc == CURLE_FILESIZE_EXCEEDED)
		return err_set(e, "%.200s sent more than 1 MiB", url);
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return err_set(e, "%.200s did not answer in time", url);
	return err_set(
	    e, "cannot fetch %.200s: %s", url, curl_easy_strerror(rc));
}

/* One GET without following redirects. */
static int
get_once(CURL *h, const struct fed_fetch_cfg *c, const char *url,
    const char *accept, struct fed_doc *d, struct err *e)
{
	struct xfer x = { c, d, 0, 0 };
	struct curl_slist *hdrs;
	const char *type = NULL;
	CURLcode rc;
	size_t i;

	if ((hdrs = request_headers(c, url, accept, e)) == NULL)
		return -1;
	buf_free(&d->body);
	buf_init(&d->body, FED_FETCH_MAX);
	curl_easy_reset(h);
	set_options(h, c, &x, url, hdrs);
	rc = curl_easy_perform(h);
	curl_slist_free_all(hdrs);
	if (rc != CURLE_OK)
		return transfer_error(rc, &x, url, e);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &d->status);
	curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &type);
	snprintf(d->type, sizeof(d->type), "%s", type ? type : "");
	for (i = 0; d->type[i]; i++)
		d->type[i] = d->type[i] == ';'
		    ? '\0'
		    : (char)tolower((unsigned char)d->type[i]);
	snprintf(d->url, sizeof(d->url), "%s", url);
	return 0;
}

/* The absolute URL of a redirect from d->url, into next. */
static int
redirect_target(CURL *h, const struct fed_doc *d, char *next, size_t cap)
{
	const char *loc = NULL;
	char *abs = NULL;
	CURLU *u;
	int rc = -1;

	curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &loc);
	if (loc == NULL || (u = curl_url()) == NULL)
		return -1;
	if (curl_url_set(u, CURLUPART_URL, d->url, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_URL, loc, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &abs, 0) == CURLUE_OK &&
	    strlen(abs) < cap) {
		memcpy(next, abs, strlen(abs) + 1);
		rc = 0;
	}
	curl_free(abs);
	curl_url_cleanup(u);
	return rc;
}

/* Headers of a signed POST of body to url. */
static struct curl_slist *
post_headers(const char *url, const char *body, size_t len, const char *key_id,
    EVP_PKEY *key, struct err *e)
{
	char host[300], target[2048], date[40], digest[64], *sig;
	static const char type[] = "application/activity+json";
	struct fed_sign in = { "POST", target, host, date, digest, type, NULL,
		key_id, key };
	struct curl_slist *h = NULL;

	if (url_parts(url, host, sizeof(host), target, sizeof(target)) < 0) {
		err_set(e, "%.200s is not an http(s) URL we deliver to", url);
		return NULL;
	}
	fed_sig_http_date(time(NULL), date, sizeof(date));
	fed_sig_digest(body, len, digest, sizeof(digest));
	if ((sig = fed_sig_sign(&in, e)) == NULL)
		return NULL;
	h = header(h, "Signature", sig);
	free(sig);
	h = header(h, "Date", date);
	h = header(h, "Host", host);
	h = header(h, "Digest", digest);
	h = header(h, "Content-Type", type);
	/* curl waits for 100 Continue on bodies over 1 KiB: a round trip. */
	h = curl_slist_append(h, "Expect:");
	return h;
}

struct fed_post {
	CURL *h;
	struct curl_slist *hdrs;
	struct fed_doc d; /* what the inbox says, capped */
	struct xfer x;
	char url[1024];
};

struct fed_post *
fed_post_new(const struct fed_fetch_cfg *c, const char *inbox, const char *body,
    size_t len, const char *key_id, EVP_PKEY *key, struct err *e)
{
	struct fed_post *p;

	if (strlen(inbox) >= sizeof(p->url)) {
		err_set(e, "the inbox URL is too long");
		return NULL;
	}
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	memcpy(p->url, inbox, strlen(inbox) + 1);
	p->x = (struct xfer){ c, &p->d, 0, 0 };
	buf_init(&p->d.body, 64 * 1024);
	if ((p->hdrs = post_headers(inbox, body, len, key_id, key, e)) ==
	    NULL) {
		fed_post_free(p);
		return NULL;
	}
	if ((p->h = curl_easy_init()) == NULL) {
		err_set(e, "cannot start a transfer");
		fed_post_free(p);
		return NULL;
	}
	set_options(p->h, c, &p->x, p->url, p->hdrs);
	curl_easy_setopt(p->h, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(p->h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len);
	return p;
}

CURL *
fed_post_handle(const struct fed_post *p)
{
	return p->h;
}

int
fed_post_result(struct fed_post *p, CURLcode rc, long *status,
    long *retry_after, struct err *e)
{
	curl_off_t after = 0;

	*status = 0;
	*retry_after = 0;
	if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && p->x.too_big))
		curl_easy_getinfo(p->h, CURLINFO_RESPONSE_CODE, status);
	if (*status == 0)
		return transfer_error(rc, &p->x, p->url, e);
	/* RFC 9110 10.2.3: seconds or an HTTP date; curl reads both. */
	if (curl_easy_getinfo(p->h, CURLINFO_RETRY_AFTER, &after) == CURLE_OK &&
	    after > 0)
		*retry_after = after > LONG_MAX ? LONG_MAX : (long)after;
	return 0;
}

void
fed_post_free(struct fed_post *p)
{
	if (p == NULL)
		return;
	curl_easy_cleanup(p->h);
	curl_slist_free_all(p->hdrs);
	buf_free(&p->d.body);
	free(p);
}

int
fed_fetch(const struct fed_fetch_cfg *c, const char *url, const char *accept,
    struct fed_doc *d, struct err *e)
{
	char cur[1024], next[1024];
	CURL *h;
	int hop, rc = -1;

	memset(d, 0, sizeof(*d));
	buf_init(&d->body, FED_FETCH_MAX);
	if (strlen(url) >= sizeof(cur))
		return err_set(e, "the URL is too long");
	if ((h = curl_easy_init()) == NULL)
		return err_set(e, "cannot start a transfer");
	memcpy(cur, url, strlen(url) + 1);
	for (hop = 0;; hop++) {
		if (get_once(h, c, cur, accept, d, e) < 0)
			break;
		if (d->status < 300 || d->status > 399 || d->status == 304) {
			rc = 0;
			break;
		}
		if (hop == FED_FETCH_REDIRECTS) {
			err_set(e, "%.200s redirects more than %d times", url,
			    FED_FETCH_REDIRECTS);
			break;
		}
		if (redirect_target(h, d, next, sizeof(next)) < 0) {
			err_set(e, "%.200s redirects nowhere we fetch", cur);
			break;
		}
		if (!strncmp(cur, "https://", 8) &&
		    strncmp(next, "https://", 8)) {
			err_set(e, "%.200s redirects from https to http", cur);
			break;
		}
		memcpy(cur, next, strlen(next) + 1);
	}
	curl_easy_cleanup(h);
	if (rc < 0)
		buf_free(&d->body);
	return rc;
}

/* ---- ActivityPub documents ---- */

static int
as_type(const char *t)
{
	return !strcmp(t, "application/activity+json") ||
	    !strcmp(t, "application/ld+json");
}

json_t *
fed_fetch_json(const struct fed_fetch_cfg *c, const char *url, struct err *e)
{
	struct fed_doc d;
	json_t *doc = NULL;
	const char *id;

	no_answer = 0;
	if (fed_fetch(c, url, FED_ACCEPT_AS, &d, e) < 0)
		return NULL;
	if (d.status != 200)
		err_set(e, "%.200s answered %ld", url, d.status);
	else if (!as_type(d.type))
		err_set(e, "%.200s is not ActivityPub (Content-Type %s)", url,
		    d.type[0] ? d.type : "none");
	else if ((doc = json_loadb(d.body.data ? d.body.data : "", d.body.len,
		      0, NULL)) == NULL ||
	    !json_is_object(doc))
		err_set(e, "%.200s did not send a JSON object", url);
	else if ((id = json_string_value(json_object_get(doc, "id"))) == NULL ||
	    strcmp(id, d.url) != 0) /* where it was served at last */
		err_set(e, "the document at %.200s says its id is %.200s", url,
		    id ? id : "missing");
	else {
		buf_free(&d.body);
		return doc;
	}
	json_decref(doc);
	buf_free(&d.body);
	return NULL;
}

/* ---- WebFinger ---- */

static int
split_handle(
    const char *handle, char *user, size_t ucap, char *host, size_t hcap)
{
	const char *at;
	size_t i, n;

	if (*handle == '@')
		handle++;
	if (!strncmp(handle, "acct:", 5))
		handle += 5;
	if ((at = strchr(handle, '@')) == NULL || at == handle ||
	    strchr(at + 1, '@') != NULL)
		return -1;
	n = (size_t)(at - handle);
	if (n >= ucap || strlen(at + 1) >= hcap || at[1] == '\0')
		return -1;
	for (i = 0; i < n; i++)
		if (!(isalnum((unsigned char)handle[i]) ||
			strchr("_.-~", handle[i])))
			return -1;
	for (i = 1; at[i]; i++)
		if (!(isalnum((unsigned char)at[i]) || strchr(".-:[]", at[i])))
			return -1;
	memcpy(user, handle, n);
	user[n] = '\0';
	memcpy(host, at + 1, strlen(at + 1) + 1);
	return 0;
}

static const char *
self_link(const json_t *jrd)
{
	const json_t *l;
	const char *type;
	size_t i;

	json_array_foreach(json_object_get(jrd, "links"), i, l)
	{
		const char *rel = json_string_value(json_object_get(l, "rel"));
		type = json_string_value(json_object_get(l, "type"));
		if (rel != NULL && !strcmp(rel, "self") && type != NULL &&
		    (!strcmp(type, "application/activity+json") ||
			!strncmp(type, "application/ld+json", 19)))
			return json_string_value(json_object_get(l, "href"));
	}
	return NULL;
}

int
fed_webfinger_resolve(const struct fed_fetch_cfg *c, const char *handle,
    char *iri, size_t cap, struct err *e)
{
	char user[128], host[256], url[800];
	struct fed_doc d;
	const char *href;
	json_t *jrd;
	int rc = -1;

	if (split_handle(handle, user, sizeof(user), host, sizeof(host)) < 0)
		return err_set(e,
		    "\"%.100s\" is not a handle like "
		    "@name@host.example",
		    handle);
	snprintf(url, sizeof(url),
	    "%s://%s/.well-known/webfinger?resource="
	    "acct:%s%%40%s",
	    c->allow_private ? "http" : "https", host, user, host);
	if (fed_fetch(c, url, "application/jrd+json, application/json", &d, e) <
	    0)
		return -1;
	jrd = d.status == 200
	    ? json_loadb(d.body.data ? d.body.data : "", d.body.len, 0, NULL)
	    : NULL;
	if (d.status == 404 || d.status == 410)
		err_set(e, "%.100s has no account %.100s", host, user);
	else if (jrd == NULL)
		err_set(
		    e, "%.100s sent no WebFinger answer (%ld)", host, d.status);
	else if ((href = self_link(jrd)) == NULL ||
	    (strncmp(href, "https://", 8) && strncmp(href, "http://", 7)))
		err_set(e, "%.100s names no ActivityPub actor for %.100s", host,
		    user);
	else if (strlen(href) >= cap)
		err_set(e, "the actor's URL is too long");
	else {
		memcpy(iri, href, strlen(href) + 1);
		rc = 0;
	}
	json_decref(jrd);
	buf_free(&d.body);
	return rc;
}

/* ---- actors ---- */

void
fed_url_host(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url, "://");

	p = p ? p + 3 : url;
	snprintf(out, cap, "%.*s", (int)strcspn(p, "/?#"), p);
	for (; *out != '\0'; out++) /* RFC 3986 3.2.2: case-insensitive */
		*out = (char)tolower((unsigned char)*out);
}

int
fed_url_origin(const char *url, char *out, size_t cap)
{
	const char *p = strstr(url, "://"), *end;
	size_t n;

	if (p == NULL ||
	    (strncmp(url, "https://", 8) && strncmp(url, "http://", 7)))
		return -1;
	end = p + 3 + strcspn(p + 3, "/?#");
	n = (size_t)(end - url);
	if (n >= cap || end == p + 3)
		return -1;
	for (size_t i = 0; i < n; i++)
		out[i] = (char)tolower((unsigned char)url[i]);
	out[n] = '\0';
	return 0;
}

static int
actor_kind(const char *type)
{
	if (type == NULL)
		return 0;
	if (!strcmp(type, "Person") || !strcmp(type, "Organization"))
		return ST_AK_PERSON;
	if (!strcmp(type, "Group"))
		return ST_AK_GROUP;
	if (!strcmp(type, "Application") || !strcmp(type, "Service"))
		return ST_AK_APPLICATION;
	return 0;
}

/* The publicKey whose owner is id (an object, or one in an array). */
static const json_t *
public_key(const json_t *doc, const char *id)
{
	const json_t *pk = json_object_get(doc, "publicKey"), *k;
	size_t i;

	if (json_is_object(pk))
		return pk;
	json_array_foreach(pk, i, k)
	{
		const char *o = json_string_value(json_object_get(k, "owner"));
		if (o != NULL && !strcmp(o, id))
			return k;
	}
	return NULL;
}

static char *
dup_str(const json_t *v, size_t max)
{
	const char *s = json_string_value(v);

	return s != NULL && strlen(s) <= max ? strdup(s) : strdup("");
}

#define BIO_MAX 8000 /* bytes of a remote bio, as sent and as kept */

/* A remote actor's bio: its summary sanitized once, here (DESIGN rule
 * 6); "" when it has none, or one too long or that cannot be parsed. */
static char *
bio_of(const json_t *doc)
{
	const char *s = json_string_value(json_object_get(doc, "summary"));
	struct buf b;
	char *out;

	if (s == NULL || s[0] == '\0' || strlen(s) > BIO_MAX)
		return strdup("");
	buf_init(&b, BIO_MAX);
	if (fed_html_sanitize(s, strlen(s), &b) != 0 ||
	    (out = buf_steal(&b, NULL)) == NULL) {
		buf_free(&b);
		return strdup("");
	}
	return out;
}

/* A URL of v, a string or a Link or Image object ("href", "url"; the
 * first of a list), kept when it is of scheme (https:// or http(s)://),
 * short and holds nothing that could break out of an attribute. */
static char *
link_of(const json_t *v, int https_only)
{
	const char *u;

	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_object(v))
		v = json_object_get(
		    v, json_object_get(v, "href") ? "href" : "url");
	if (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_object(v))
		v = json_object_get(v, "href");
	u = json_string_value(v);
	if (u == NULL || strlen(u) > ST_ACTOR_URL_MAX ||
	    strcspn(u, " \t\r\n\"'<>\\`") != strlen(u) ||
	    (strncasecmp(u, "https://", 8) != 0 &&
		(https_only || strncasecmp(u, "http://", 7) != 0)))
		return strdup("");
	return strdup(u);
}

static int
check_key(const json_t *pk, const char *id, const char *org, struct err *e)
{
	const char *kid = json_string_value(json_object_get(pk, "id"));
	const char *owner = json_string_value(json_object_get(pk, "owner"));
	const char *pem =
	    json_string_value(json_object_get(pk, "publicKeyPem"));
	char korg[300];
	EVP_PKEY *k;
	int ok;

	if (kid == NULL || owner == NULL || pem == NULL || strlen(pem) > 16384)
		return err_set(e,
		    "the actor's publicKey needs id, owner and "
		    "publicKeyPem");
	if (strcmp(owner, id) != 0)
		return err_set(e, "the actor's key belongs to someone else");
	if (fed_url_origin(kid, korg, sizeof(korg)) < 0 ||
	    strcmp(korg, org) != 0)
		return err_set(e, "the actor's key id is on another host");
	if ((k = fed_sig_public_key(pem)) == NULL)
		return err_set(e, "the actor's publicKeyPem is not a key");
	ok = EVP_PKEY_is_a(k, "ED25519") ||
	    (EVP_PKEY_is_a(k, "RSA") &&
		EVP_PKEY_get_bits(k) >= FED_SIG_MIN_RSA);
	EVP_PKEY_free(k);
	return ok ? 0 : err_set(e, "the actor's key is too weak");
}

int
fed_actor_from_json(
    const json_t *doc, const char *expect_id, struct st_actor *a, struct err *e)
{
	const char *id = json_string_value(json_object_get(doc, "id"));
	const char *inbox = json_string_value(json_object_get(doc, "inbox"));
	const json_t *pk, *shared;
	char org[300], iorg[300];

	memset(a, 0, sizeof(*a));
	if (id == NULL || (expect_id != NULL && strcmp(id, expect_id) != 0))
		return err_set(e,
		    "the actor's id is missing or not the URL "
		    "asked for");
	if (fed_url_origin(id, org, sizeof(org)) < 0 || strlen(id) > 500)
		return err_set(e, "the actor's id is not an http(s) URL");
	if ((a->kind = (uint8_t)actor_kind(
		 json_string_value(json_object_get(doc, "type")))) == 0)
		return err_set(e, "the document is not an actor");
	if (inbox == NULL || fed_url_origin(inbox, iorg, sizeof(iorg)) < 0 ||
	    strlen(inbox) > 500)
		return err_set(e, "the actor has no inbox");
	if ((pk = public_key(doc, id)) == NULL || check_key(pk, id, org, e))
		return pk == NULL ? err_set(e, "the actor has no publicKey")
				  : -1;
	shared =
	    json_object_get(json_object_get(doc, "endpoints"), "sharedInbox");
	a->iri = strdup(id);
	a->inbox = strdup(inbox);
	a->shared_inbox = dup_str(shared, 500);
	a->key_id = dup_str(json_object_get(pk, "id"), 500);
	a->pubkey_pem = dup_str(json_object_get(pk, "publicKeyPem"), 16384);
	a->name = dup_str(json_object_get(doc, "preferredUsername"), 255);
	a->display_name = dup_str(json_object_get(doc, "name"), 255);
	a->summary = bio_of(doc);
	a->icon = link_of(json_object_get(doc, "icon"), 1);
	a->url = link_of(json_object_get(doc, "url"), 0);
	a->created = a->fetched = (uint64_t)time(NULL);
	if (json_is_true(json_object_get(doc, "manuallyApprovesFollowers")))
		a->flags |= ST_AF_LOCKED;
	if (!a->iri || !a->inbox || !a->shared_inbox || !a->key_id ||
	    !a->pubkey_pem || !a->name || !a->display_name || !a->summary ||
	    !a->icon || !a->url) {
		st_actor_clear(a);
		return err_set(e, "out of memory");
	}
	return 0;
}
