/* inbox.c: POST to an inbox. In order, cheapest first (DESIGN rule 4):
 * size and content type and the presence of a signature on the headers
 * (inbox_precheck); then the signature's form, time window and digest;
 * the key, from LMDB (verified on this pool thread) or, when unknown or
 * perhaps rotated, fetched on the worker thread while the connection is
 * suspended; then the activity, whose actor must be the key's owner; then
 * its effects, through the writer. 202 only after they are durable. */
#include "inbox.h"

#include <microhttpd.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "block.h"
#include "config.h"
#include "err.h"
#include "fed_as2.h"
#include "fed_deliver.h"
#include "fed_fetch.h"
#include "fed_inbox.h"
#include "fed_nodeinfo.h"
#include "fed_sig.h"
#include "http.h"
#include "hub.h"
#include "log.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_instance.h"
#include "st_object.h"
#include "worker.h"

#define KEY_REFETCH_AFTER 300 /* seconds: refetch a key once it is older */

struct inbox_job {
	struct http_req *r;
	struct fed_req req;
	struct fed_sig sig;
	struct fed_activity act;
	struct st_actor from;
	struct fed_inbox in;
	struct err e;
	time_t queued;	    /* when a key fetch was asked for */
	int object_fetched; /* a boosted note was fetched (or tried) */
	int edited;	    /* it is a new version of a note known here */
};

static void
job_free(void *p)
{
	struct inbox_job *j = p;

	fed_activity_free(&j->act);
	st_actor_clear(&j->from);
	free(j);
}

static const char *
header(void *ctx, const char *name)
{
	return http_header(ctx, name);
}

static unsigned
status_of(int rc)
{
	switch (rc) {
	case FED_IN_MALFORMED: return 400;
	case FED_IN_INVALID: return 422;
	case FED_IN_FORBIDDEN: return 403;
	case FED_IN_NOTFOUND:
	case ST_NOTFOUND: return 404;
	case ST_GONE: return 410;
	case ST_FULL: return 507;
	default: return 500;
	}
}

static void
finish(struct inbox_job *j, unsigned status, const char *msg)
{
	json_t *doc = msg ? json_pack("{s:s}", "error", msg) : json_object();

	http_resume(
	    j->r, status, http_response_json(doc, NULL, NULL, &j->r->bytes));
}

struct learn_job {
	struct hub *h;
	char origin[300];
};

/* On the fetcher: ask a community follower's instance which software it
 * runs, so the community sends it the form of its posts it reads. An
 * instance that does not say is asked no more (both forms go to it). */
static void
learn_software(void *arg)
{
	struct learn_job *l = arg;
	struct fed_nodeinfo_learnt out = { NULL, ST_GROUPS_ASKED };
	struct fed_fetch_cfg c;
	struct err e = { { 0 } };
	char name[80], ua[400], host[256];

	hub_fetch_settings(l->h, &c, ua, sizeof(ua));
	if (fed_nodeinfo_software(&c, l->origin, name, sizeof(name), &e) == 0)
		out.groups = fed_nodeinfo_groups(name);
	else
		log_msg(
		    LOG_INFO, "cannot tell what %s runs: %s", l->origin, e.msg);
	fed_url_host(l->origin, host, sizeof(host));
	out.host = host;
	if (st_write(l->h->db, fed_nodeinfo_apply, &out, &e) != 0)
		log_msg(
		    LOG_WARN, "cannot record what %s runs: %s", host, e.msg);
	free(l);
}

static void
learn_later(struct hub *h, const char *origin)
{
	struct learn_job *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return;
	l->h = h;
	snprintf(l->origin, sizeof(l->origin), "%s", origin);
	if (worker_submit(h->fetcher, learn_software, l) != 0)
		free(l);
}

static void
apply_done(void *ctx, int rc, const struct err *e)
{
	struct inbox_job *j = ctx;
	char event[700];

	if (rc != 0) {
		finish(j, status_of(rc), e->msg);
		return;
	}
	snprintf(event, sizeof(event), "inbox: %s %s from %s%s", j->act.type,
	    j->act.id, j->from.iri,
	    j->in.duplicate	? " (seen before)"
		: j->in.ignored ? " (not acted on)"
				: "");
	j->r->event = strdup(event);
	if (j->in.queued > 0)
		fed_deliver_kick(j->r->srv->hub->deliver);
	if (j->in.learn[0])
		learn_later(j->r->srv->hub, j->in.learn);
	finish(j, 202, NULL);
}

static void
apply(struct inbox_job *j)
{
	j->in.act = &j->act;
	j->in.from = &j->from;
	if (st_write_async(j->r->srv->hub->db, fed_inbox_apply, &j->in,
		apply_done, j) != 0)
		finish(j, 503, "the hub is shutting down: try again later");
}

static const char *
object_wanted(struct inbox_job *j)
{
	const char *want;
	struct st_txn *t;

	if (st_read_begin(j->r->srv->hub->db, &t) != 0)
		return NULL;
	want = fed_note_wanted(t, &j->act, &j->from);
	if (want == NULL && (want = fed_note_edited(t, &j->act, &j->from)))
		j->edited = 1;
	st_read_end(t);
	return want;
}

static int note_author(struct hub *h, const struct fed_fetch_cfg *c,
    const json_t *doc, struct st_actor *a, struct err *e);

static int
known(struct hub *h, const char *iri)
{
	struct st_txn *t;
	uint64_t id;
	int rc = -1;

	if (st_read_begin(h->db, &t) == 0) {
		rc = st_iri_get(t, iri, &id);
		st_read_end(t);
	}
	return rc == 0;
}

/* Whether the host of url is blocked (one read). */
static int
url_blocked(struct hub *h, const char *url)
{
	struct st_txn *t;
	int b = 0;

	if (st_read_begin(h->db, &t) == 0) {
		b = hub_url_blocked(t, url);
		st_read_end(t);
	}
	return b;
}

/* Fetch the note at iri (signed GET), check it and store it (edit: as
 * the new version of the one known here); *parent receives the note it
 * replies to ("" when none). */
static int
fetch_note(struct hub *h, const struct fed_fetch_cfg *c, const char *iri,
    int edit, char *parent, size_t cap, struct err *e)
{
	struct fed_remote_note n = { .edit = edit };
	struct st_actor author = { 0 };
	const char *irt;
	json_t *doc;
	int rc = -1;

	parent[0] = '\0';
	if (url_blocked(h, iri)) /* nothing is fetched from it (block.h) */
		return err_set(e, "this hub has blocked that server"), -1;
	if ((doc = fed_fetch_json(c, iri, e)) != NULL &&
	    (rc = note_author(h, c, doc, &author, e)) == 0 &&
	    (n.note = fed_note_clean(doc, &author, e)) != NULL) {
		n.author = &author;
		rc = st_write(h->db, fed_note_store_apply, &n, e);
		irt = json_string_value(json_object_get(n.note, "inReplyTo"));
		if (rc == 0 && irt != NULL)
			snprintf(parent, cap, "%s", irt);
	} else if (rc == 0)
		rc = -1;
	json_decref(doc);
	json_decref(n.note);
	st_actor_clear(&author);
	return rc;
}

/* The author of a fetched note: known here, or fetched. */
static int
note_author(struct hub *h, const struct fed_fetch_cfg *c, const json_t *doc,
    struct st_actor *a, struct err *e)
{
	const json_t *v = json_object_get(doc, "attributedTo");
	const char *iri = json_is_string(v)
	    ? json_string_value(v)
	    : json_string_value(json_object_get(v, "id"));
	struct st_txn *t;
	int rc = ST_NOTFOUND;

	if (iri == NULL)
		return err_set(e, "the note has no author"), HUB_INVALID;
	if (st_read_begin(h->db, &t) == 0) {
		rc = st_actor_by_iri(t, iri, a);
		st_read_end(t);
	}
	if (rc == 0 && strcmp(a->iri, iri) != 0) { /* a key id, not an actor */
		st_actor_clear(a);
		rc = ST_NOTFOUND;
	}
	return rc == 0 ? 0 : hub_fetch_actor(h, c, iri, a, e);
}

/* A private community's note its origin would not give us (it cannot
 * know who the community's members are): the copy the community itself
 * wrapped in its Announce, taken when it is a members-only note posted in
 * that community by the wrapped Create's actor (doc/communities.md: the
 * community's server is trusted for what is said inside it). */
static int
embedded_note(struct hub *h, const struct fed_fetch_cfg *c,
    const struct inbox_job *j, struct err *e)
{
	const json_t *doc =
	    json_object_get(json_object_get(j->act.doc, "object"), "object");
	const char *aud = json_string_value(json_object_get(doc, "audience"));
	const char *lists[] = { "to", "cc" };
	struct fed_remote_note n = { 0 };
	struct st_actor author = { 0 };
	const json_t *v;
	size_t i;
	int k, rc = -1, open = 0;

	if (j->from.kind != ST_AK_GROUP || j->act.inner_type == NULL ||
	    strcmp(j->act.inner_type, "Create") || !json_is_object(doc) ||
	    aud == NULL || strcmp(aud, j->from.iri) != 0)
		return -1;
	if (note_author(h, c, doc, &author, e) != 0)
		return -1;
	if ((n.note = fed_note_clean(doc, &author, e)) != NULL) {
		for (k = 0; k < 2; k++)
			json_array_foreach(json_object_get(n.note, lists[k]), i,
			    v) open |= json_is_string(v) &&
			    !strcmp(json_string_value(v), AS_PUBLIC);
		char members[600];

		snprintf(members, sizeof(members), "%s/followers", aud);
		n.author = &author;
		rc = open || !fed_note_addressed(n.note, members)
		    ? (err_set(e,
			   "only a note to the community's members is "
			   "taken from its wrapper; others come from their "
			   "origin"),
			  -1)
		    : st_write(h->db, fed_note_store_apply, &n, e);
	}
	json_decref(n.note);
	st_actor_clear(&author);
	return rc;
}

/* Notes fetched upwards through a thread for one activity, at most:
 * bounded recursion (DESIGN: never fetch blindly). */
#define CHAIN_MAX 5

/* On the worker: fetch the note a followed actor boosted (again, when a
 * community passed on its edit), or the notes a
 * reply kept here answers (upwards, until one is known here, CHAIN_MAX at
 * most), each with a signed GET, checked and stored; then apply the
 * activity. Whatever fails, the activity is still applied. */
static void
fetch_object(void *arg)
{
	struct inbox_job *j = arg;
	struct hub *h = j->r->srv->hub;
	struct fed_fetch_cfg c;
	char kid[320], ua[400], iri[600], next[600];
	struct err e = { { 0 } };
	const char *want = object_wanted(j);
	int depth;

	if (want != NULL && strlen(want) < sizeof(iri) &&
	    hub_fetch_cfg(h, &c, kid, sizeof(kid), ua, sizeof(ua)) == 0) {
		snprintf(iri, sizeof(iri), "%s", want);
		/* An edit: its note once, from its origin. */
		if (j->edited &&
		    fetch_note(h, &c, iri, 1, next, sizeof(next), &e) != 0)
			log_msg(LOG_INFO, "cannot fetch the edited note %s: %s",
			    iri, e.msg);
		for (depth = 0; depth < CHAIN_MAX && iri[0] && !known(h, iri);
		     depth++) {
			if (fetch_note(h, &c, iri, 0, next, sizeof(next), &e) !=
			    0) {
				if (depth == 0 &&
				    embedded_note(h, &c, j, &e) == 0)
					break;
				log_msg(LOG_INFO, "cannot fetch note %s: %s",
				    iri, e.msg);
				break;
			}
			memcpy(iri, next, sizeof(iri));
		}
		EVP_PKEY_free(c.key);
	}
	apply(j);
}

/* The signature is verified: read the activity and apply it. Runs on a
 * pool thread or the worker; the request is suspended. */
static void
accept_activity(struct inbox_job *j)
{
	int rc;

	if ((rc = fed_activity_read(
		 j->r->body.data, j->r->body.len, &j->act, &j->e)) != 0 ||
	    (rc = fed_activity_check_origin(&j->act, j->from.iri, &j->e)) !=
		0 ||
	    (rc = fed_activity_clean(&j->act, &j->from, &j->e)) != 0) {
		finish(j, status_of(rc), j->e.msg);
		return;
	}
	if (!j->object_fetched && object_wanted(j)) {
		j->object_fetched = 1;
		if (worker_submit(j->r->srv->hub->fetcher, fetch_object, j) ==
		    0)
			return;
	}
	apply(j);
}

/* Parsed public keys, by actor and the time its document was fetched
 * (a refetch makes a new entry): PEM is parsed once, not per request
 * (DESIGN: cache parsed keys). A set-associative table: actor ids are
 * mixed (snowflake ids share their low bits) to pick a set of KEY_WAYS
 * entries, the least recently used of which is replaced. 8 ways: with 4,
 * 1,000 actors overflowed about 5% of the sets (the birthday problem) and
 * their actors missed on every request. A key handed out holds its own
 * reference. */
#define KEY_SETS 1024
#define KEY_WAYS 8

static struct {
	uint64_t actor, fetched, used;
	EVP_PKEY *key;
} keys[KEY_SETS * KEY_WAYS];
static uint64_t keys_clock;
static pthread_mutex_t keys_mu = PTHREAD_MUTEX_INITIALIZER;

static unsigned
key_set(uint64_t id)
{
	id ^= id >> 33;
	id *= 0xff51afd7ed558ccdULL;
	id ^= id >> 33;
	id *= 0xc4ceb9fe1a85ec53ULL;
	id ^= id >> 33;
	return (unsigned)(id % KEY_SETS) * KEY_WAYS;
}

static EVP_PKEY *
public_key(const struct st_actor *a)
{
	unsigned set = key_set(a->id), i, victim = set;
	EVP_PKEY *k = NULL;

	pthread_mutex_lock(&keys_mu);
	for (i = set; i < set + KEY_WAYS && k == NULL; i++)
		if (keys[i].key != NULL && keys[i].actor == a->id &&
		    keys[i].fetched == a->fetched &&
		    EVP_PKEY_up_ref(keys[i].key)) {
			k = keys[i].key;
			keys[i].used = ++keys_clock;
		}
	pthread_mutex_unlock(&keys_mu);
	if (k != NULL || (k = fed_sig_public_key(a->pubkey_pem)) == NULL)
		return k;
	pthread_mutex_lock(&keys_mu);
	for (i = set; i < set + KEY_WAYS; i++) {
		if (keys[i].actor == a->id) { /* an older key of the actor */
			victim = i;
			break;
		}
		if (keys[i].used < keys[victim].used)
			victim = i;
	}
	EVP_PKEY_free(keys[victim].key);
	keys[victim].actor = a->id;
	keys[victim].fetched = a->fetched;
	keys[victim].used = ++keys_clock;
	keys[victim].key = EVP_PKEY_up_ref(k) ? k : NULL;
	pthread_mutex_unlock(&keys_mu);
	return k;
}

void
inbox_keys_free(void)
{
	int i;

	pthread_mutex_lock(&keys_mu);
	for (i = 0; i < KEY_SETS * KEY_WAYS; i++) {
		EVP_PKEY_free(keys[i].key);
		keys[i].key = NULL;
	}
	pthread_mutex_unlock(&keys_mu);
}

/* Verify with the stored key of j->from. */
static int
verify(struct inbox_job *j)
{
	EVP_PKEY *key = public_key(&j->from);
	int rc = key ? fed_sig_verify(&j->req, &j->sig, key, &j->e) : -1;

	if (key == NULL)
		err_set(&j->e, "the sender's stored key is unreadable");
	EVP_PKEY_free(key);
	return rc;
}

/* Hosts whose key fetch failed lately: no fetch again for a while, so a
 * flood of requests naming keys on a host that does not answer (or does
 * not have them) costs one fetch, not one each (INTEROP: circuit breaker,
 * 5 minutes per source). A small table, replaced oldest first. */
#define COOL_HOSTS 64
#define COOL_SECS  300

static struct {
	char what[512]; /* a host, or a key id */
	time_t until;
} cool[COOL_HOSTS];
static pthread_mutex_t cool_mu = PTHREAD_MUTEX_INITIALIZER;

static int
cooling(const char *key_id)
{
	char host[128];
	time_t now = time(NULL);
	int i, hit = 0;

	fed_url_host(key_id, host, sizeof(host));
	pthread_mutex_lock(&cool_mu);
	for (i = 0; i < COOL_HOSTS && !hit; i++)
		hit = cool[i].until > now &&
		    (!strcasecmp(cool[i].what, host) ||
			!strcmp(cool[i].what, key_id));
	pthread_mutex_unlock(&cool_mu);
	return hit;
}

/* Cool down the host of key_id when it did not answer at all (a flood
 * naming keys there costs one fetch), else only that key id: a host that
 * answers must not be shut out for everyone by one request naming a key
 * it does not have. */
static void
cool_down(const char *key_id, int no_answer)
{
	char what[sizeof(cool[0].what)];
	int i, oldest = 0;

	if (no_answer)
		fed_url_host(key_id, what, sizeof(what));
	else
		snprintf(what, sizeof(what), "%s", key_id);
	pthread_mutex_lock(&cool_mu);
	for (i = 0; i < COOL_HOSTS; i++) {
		if (!strcmp(cool[i].what, what)) {
			oldest = i;
			break;
		}
		if (cool[i].until < cool[oldest].until)
			oldest = i;
	}
	snprintf(cool[oldest].what, sizeof(cool[oldest].what), "%s", what);
	cool[oldest].until = time(NULL) + COOL_SECS;
	pthread_mutex_unlock(&cool_mu);
}

/* Whether the actor owning key_id was fetched since queued: then requests
 * that waited for the same fetch share it (coalesced, not one each). */
static int
fetched_since(struct hub *h, const char *key_id, time_t queued)
{
	struct st_actor a;
	struct st_txn *t;
	int fresh = 0;

	if (st_read_begin(h->db, &t) != 0)
		return 0;
	if (st_actor_by_iri(t, key_id, &a) == 0) {
		fresh = a.fetched >= (uint64_t)queued && a.key_id != NULL &&
		    !strcmp(a.key_id, key_id);
		st_actor_clear(&a);
	}
	st_read_end(t);
	return fresh;
}

/* On the worker: fetch the signer (new, or a key that may have changed),
 * then run the request again from the start on a pool thread, with the
 * key stored. Once per request: r->key_fetched. */
static void
fetch_key(struct http_req *r, const char *key_id, time_t queued)
{
	struct hub *h = r->srv->hub;
	struct fed_fetch_cfg c;
	char kid[320], ua[400];
	struct st_actor a;
	struct err e = { { 0 } };
	int rc = -1, owns = 0;

	if (fetched_since(h, key_id, queued)) {
		http_rerun(r);
		return;
	}

	if (hub_fetch_cfg(h, &c, kid, sizeof(kid), ua, sizeof(ua)) == 0) {
		rc = hub_fetch_actor(h, &c, key_id, &a, &e);
		EVP_PKEY_free(c.key);
	}
	if (rc == 0) {
		owns = a.key_id != NULL && !strcmp(a.key_id, key_id);
		st_actor_clear(&a);
	} else {
		log_msg(LOG_INFO, "cannot fetch signer %s: %s", key_id, e.msg);
		cool_down(key_id, fed_fetch_no_answer());
	}
	if (rc == 0 && owns)
		http_rerun(r);
	else /* the details stay in the log: no fetch oracle */
		http_resume(r, 401,
		    http_response_json(json_pack("{s:s}", "error",
					   "cannot verify the signature: "
					   "the signer's key was not found"),
			NULL, NULL, &r->bytes));
}

static void
fetch_signer(void *arg)
{
	struct inbox_job *j = arg;

	fetch_key(j->r, j->sig.key_id, j->queued);
}

/* The inbox's own actor (0: the shared inbox), or -1 when it is not here. */
static int
inbox_owner(struct http_req *r, uint64_t *owner)
{
	char iri[700];
	struct st_actor a;
	struct st_txn *t;
	int rc;

	*owner = 0;
	if (!strcmp(r->path, "/inbox"))
		return 0;
	snprintf(iri, sizeof(iri), "%s%.*s", r->srv->cfg->base_url,
	    (int)(strlen(r->path) - 6), r->path); /* without "/inbox" */
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return -1;
	rc = st_actor_by_iri(t, iri, &a);
	st_read_end(t);
	if (rc != 0)
		return -1;
	rc = (a.flags & ST_AF_LOCAL) && !(a.flags & ST_AF_DELETED) &&
		!strcmp(a.iri, iri)
	    ? 0
	    : -1;
	*owner = a.id;
	st_actor_clear(&a);
	return rc;
}

/* Whether the signer's server is blocked (block.h): the host of the key
 * id of the Signature or Authorization header (keyId="...") or of RFC
 * 9421's Signature-Input (keyid="..."). Cheap: one read, before the
 * body is read or any signature checked. */
static int
signer_blocked(struct http_req *r)
{
	static const char *const hdrs[] = { "Signature", "Authorization",
		"Signature-Input" };
	const char *v, *p;
	char url[600];
	struct st_txn *t;
	size_t i, n;
	int b = 0;

	for (i = 0; i < sizeof(hdrs) / sizeof(hdrs[0]) && !b; i++) {
		if ((v = http_header(r, hdrs[i])) == NULL ||
		    ((p = strstr(v, "keyId=\"")) == NULL &&
			(p = strstr(v, "keyid=\"")) == NULL))
			continue;
		p += 7;
		n = strcspn(p, "\"");
		snprintf(url, sizeof(url), "%.*s", (int)n, p);
		if (st_read_begin(r->srv->hub->db, &t) != 0)
			return 0;
		b = hub_url_blocked(t, url);
		st_read_end(t);
	}
	return b;
}

int
inbox_precheck(struct http_req *r)
{
	const char *type = http_header(r, "Content-Type");
	uint64_t owner;

	r->want_html = 0;
	if (type == NULL ||
	    ((strncasecmp(type, "application/activity+json", 25) != 0 ||
		 (type[25] != '\0' && type[25] != ';' && type[25] != ' ')) &&
		(strncasecmp(type, "application/ld+json", 19) != 0 ||
		    (type[19] != '\0' && type[19] != ';' && type[19] != ' '))))
		return http_error(r, 415,
		    "send an activity as "
		    "application/activity+json");
	if (http_header(r, "Signature") == NULL &&
	    http_header(r, "Authorization") == NULL)
		return http_error(r, 401,
		    "sign the request (HTTP "
		    "Signatures)");
	if (signer_blocked(r))
		return http_error(r, 403,
		    "this hub does not accept activities from your server");
	if (inbox_owner(r, &owner) != 0)
		return http_error(r, 404, "there is no such inbox here");
	return HTTP_CONTINUE;
}

static int
stored_signer(struct inbox_job *j)
{
	struct st_txn *t;
	int rc;

	if (st_read_begin(j->r->srv->hub->db, &t) != 0)
		return -1;
	rc = st_actor_by_iri(t, j->sig.key_id, &j->from);
	st_read_end(t);
	if (rc == 0 &&
	    ((j->from.flags & ST_AF_LOCAL) ||
		strcmp(j->from.key_id, j->sig.key_id) != 0)) {
		st_actor_clear(&j->from);
		rc = -1; /* our own actors do not post to our inboxes */
	}
	return rc;
}

int
inbox_route(struct http_req *r)
{
	struct inbox_job *j = calloc(1, sizeof(*j));
	time_t now = time(NULL);
	uint64_t owner;

	if (j == NULL)
		return http_error(r, 503, "out of memory");
	if (r->ctx != NULL) { /* run again after a key fetch */
		r->ctx_free(r->ctx);
		r->ctx = NULL;
	}
	j->r = r;
	j->req = (struct fed_req){ r->method, r->target,
		r->srv->cfg->https ? "https" : "http", header, r,
		r->body.data ? r->body.data : "", r->body.len };
	r->ctx = j;
	r->ctx_free = job_free;
	if (fed_sig_parse(&j->req, &j->sig, &j->e) != 0 ||
	    fed_sig_check(&j->req, &j->sig, now, &j->e) != 0)
		return http_error(r, 401, j->e.msg);
	/* The signature covers Host: it must name this hub, or a delivery
	 * signed for another server could be replayed here. */
	if (http_header(r, "Host") == NULL ||
	    strcasecmp(http_header(r, "Host"), r->srv->cfg->host) != 0)
		return http_error(r, 401, "the signed Host is not this hub");
	if (inbox_owner(r, &owner) != 0)
		return http_error(r, 404, "there is no such inbox here");
	j->in.owner = owner;
	http_suspend(r);
	if (stored_signer(j) == 0) {
		if (verify(j) == 0) {
			fed_deliver_revive(r->srv->hub->db, j->sig.key_id);
			accept_activity(j);
			return HTTP_SUSPENDED;
		}
		/* A failure with a key fetched recently is final; an older
		 * key may have been rotated: fetch it once more. */
		if ((uint64_t)now < j->from.fetched + KEY_REFETCH_AFTER ||
		    r->key_fetched) {
			finish(j, 401, j->e.msg);
			return HTTP_SUSPENDED;
		}
	}
	if (r->key_fetched || cooling(j->sig.key_id)) {
		finish(j, 401, "the signer's key was not found");
		return HTTP_SUSPENDED;
	}
	r->key_fetched = 1;
	j->queued = time(NULL);
	if (worker_submit(r->srv->hub->fetcher, fetch_signer, j) != 0)
		finish(j, 503, "the hub is busy: try again later");
	return HTTP_SUSPENDED;
}

/* ---- signed GETs ---- */

struct get_job {
	struct http_req *r;
	char key_id[512];
	time_t queued;
};

static void
fetch_for_get(void *arg)
{
	struct get_job *g = arg;

	fetch_key(g->r, g->key_id, g->queued);
	free(g);
}

int
signed_get(struct http_req *r, uint64_t *signer, int *rc)
{
	struct inbox_job j = { 0 };
	struct get_job *g;
	time_t now = time(NULL);

	*signer = 0;
	if (http_header(r, "Signature") == NULL &&
	    http_header(r, "Signature-Input") == NULL &&
	    http_header(r, "Authorization") == NULL)
		return 0;
	j.r = r;
	j.req = (struct fed_req){ r->method, r->target,
		r->srv->cfg->https ? "https" : "http", header, r, "", 0 };
	r->want_html = 0;
	if (fed_sig_parse(&j.req, &j.sig, &j.e) != 0 ||
	    fed_sig_check(&j.req, &j.sig, now, &j.e) != 0) {
		*rc = http_error(r, 401, j.e.msg);
		return 1;
	}
	if (stored_signer(&j) == 0) {
		if (verify(&j) == 0) {
			*signer = j.from.id;
			st_actor_clear(&j.from);
			return 0;
		}
		if ((uint64_t)now < j.from.fetched + KEY_REFETCH_AFTER ||
		    r->key_fetched) {
			st_actor_clear(&j.from);
			*rc = http_error(r, 401, j.e.msg);
			return 1;
		}
		st_actor_clear(&j.from);
	}
	if (r->key_fetched || cooling(j.sig.key_id)) {
		*rc = http_error(r, 401, "the signer's key was not found");
		return 1;
	}
	r->key_fetched = 1;
	if ((g = calloc(1, sizeof(*g))) == NULL) {
		*rc = http_error(r, 503, "out of memory");
		return 1;
	}
	g->r = r;
	g->queued = time(NULL);
	snprintf(g->key_id, sizeof(g->key_id), "%s", j.sig.key_id);
	http_suspend(r);
	if (worker_submit(r->srv->hub->fetcher, fetch_for_get, g) != 0) {
		free(g);
		http_resume(r, 503,
		    http_response_json(json_pack("{s:s}", "error",
					   "the hub is busy: try again "
					   "later"),
			NULL, NULL, &r->bytes));
	}
	*rc = HTTP_SUSPENDED;
	return 1;
}
