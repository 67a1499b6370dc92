#include "fed_inbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "fed_as2.h"
#include "fed_deliver.h"
#include "fed_fetch.h"
#include "fed_group.h"
#include "fed_html.h"
#include "fed_learning.h"
#include "st_actor.h"
#include "st_block.h"
#include "st_db.h"
#include "st_featured.h"
#include "st_follow.h"
#include "st_instance.h"
#include "st_object.h"
#include "st_social.h"

/* ---- reading ---- */

/* An id: the string itself, or an object's "id". */
static const char *
id_of(const json_t *v)
{
	if (json_is_string(v))
		return json_string_value(v);
	return json_string_value(json_object_get(v, "id"));
}

static int
http_iri(const char *s)
{
	return s != NULL && strlen(s) <= 500 &&
	    (!strncmp(s, "https://", 8) || !strncmp(s, "http://", 7));
}

/* a is an Announce of an activity (FEP-1b12): read the activity inside.
 * Its id must be on its actor's host, and a note it creates or updates
 * must be that actor's; the note itself is not taken from here but from
 * its origin (fed_note_wanted), so a community cannot put words in a
 * member's mouth. */
static int
unwrap(struct fed_activity *a, struct err *e)
{
	const json_t *in = a->object, *obj = json_object_get(in, "object");
	const char *id = id_of(in), *by;
	char o1[300], o2[300];

	a->inner_type = json_string_value(json_object_get(in, "type"));
	a->inner_actor = id_of(json_object_get(in, "actor"));
	a->object_id = id_of(obj);
	a->object = NULL;
	if (!http_iri(id) || a->inner_type == NULL ||
	    strlen(a->inner_type) > 64 || !http_iri(a->inner_actor) ||
	    !http_iri(a->object_id))
		return err_set(e,
			   "the announced activity needs an http(s) id, a "
			   "type, an actor and an object"),
		       FED_IN_INVALID;
	if (fed_url_origin(id, o1, sizeof(o1)) < 0 ||
	    fed_url_origin(a->inner_actor, o2, sizeof(o2)) < 0 ||
	    strcmp(o1, o2) != 0)
		return err_set(e,
			   "the announced activity's id is not on its "
			   "actor's host"),
		       FED_IN_FORBIDDEN;
	by = id_of(json_object_get(obj, "attributedTo"));
	if ((!strcmp(a->inner_type, "Create") ||
		!strcmp(a->inner_type, "Update")) &&
	    json_is_object(obj) && (by == NULL || strcmp(by, a->inner_actor)))
		return err_set(e,
			   "the announced note is not its activity's "
			   "actor's"),
		       FED_IN_FORBIDDEN;
	return 0;
}

int
fed_activity_read(
    const char *body, size_t len, struct fed_activity *a, struct err *e)
{
	json_error_t je;
	const json_t *obj;
	int rc;

	memset(a, 0, sizeof(*a));
	a->doc = json_loadb(body ? body : "", len,
	    JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &je);
	if (a->doc == NULL)
		return err_set(e, "the body is not JSON: %s", je.text),
		       FED_IN_MALFORMED;
	if (!json_is_object(a->doc)) {
		fed_activity_free(a);
		return err_set(e, "the body is not a JSON object"),
		       FED_IN_MALFORMED;
	}
	a->id = json_string_value(json_object_get(a->doc, "id"));
	a->type = json_string_value(json_object_get(a->doc, "type"));
	a->actor = id_of(json_object_get(a->doc, "actor"));
	obj = json_object_get(a->doc, "object");
	a->object_id = id_of(obj);
	a->object = json_is_object(obj) ? obj : NULL;
	if (!http_iri(a->id) || a->type == NULL || strlen(a->type) > 64 ||
	    !http_iri(a->actor)) {
		fed_activity_free(a);
		return err_set(e,
			   "an activity needs an http(s) id, a type and "
			   "an actor"),
		       FED_IN_INVALID;
	}
	if (!strcmp(a->type, "Announce") && a->object != NULL &&
	    json_object_get(a->object, "actor") != NULL &&
	    (rc = unwrap(a, e)) != 0) {
		fed_activity_free(a);
		return rc;
	}
	return 0;
}

void
fed_activity_free(struct fed_activity *a)
{
	json_decref(a->note);
	free(a->note_js);
	json_decref(a->doc);
	memset(a, 0, sizeof(*a));
}

int
fed_activity_check_origin(
    const struct fed_activity *a, const char *signer_iri, struct err *e)
{
	char o1[300], o2[300];

	if (strcmp(a->actor, signer_iri) != 0)
		return err_set(e, "the activity's actor is not the signer"),
		       FED_IN_FORBIDDEN;
	if (fed_url_origin(a->id, o1, sizeof(o1)) < 0 ||
	    fed_url_origin(signer_iri, o2, sizeof(o2)) < 0 ||
	    strcmp(o1, o2) != 0)
		return err_set(e,
			   "the activity's id is not on the signer's "
			   "host"),
		       FED_IN_FORBIDDEN;
	return 0;
}

/* ---- storing and queueing ---- */

/* Store doc as an object (not served: DIRECT), under iri. */
static int
store_activity(struct st_txn *t, const json_t *doc, const char *iri, int local,
    uint64_t owner, uint64_t parent, uint64_t *id)
{
	struct st_obj o = { 0 };
	size_t len;
	char *js;
	int rc;

	if (st_iri_get(t, iri, id) == 0)
		return 0; /* stored already */
	if ((rc = st_id_next(t, id)) != 0)
		return rc;
	if ((js = fed_as2_dump(doc, &len)) == NULL)
		return ST_EIO;
	o = (struct st_obj){ .id = *id,
		.kind = ST_K_ACTIVITY,
		.ctx = local ? fed_as2_ctx_of(doc) : ST_CTX_NONE,
		.flags = local ? ST_OF_LOCAL : 0,
		.vis = ST_VIS_DIRECT,
		.owner = owner,
		.published = (uint64_t)time(NULL),
		.parent = parent };
	if ((rc = st_iri_put(t, iri, *id)) == 0)
		rc = st_object_put(t, &o, js, len);
	free(js);
	return rc;
}

/* A new local activity of actor: its IRI is <actor>/activities/<id>. */
int
fed_local_activity_cc(struct st_txn *t, const struct st_actor *actor,
    const char *type, json_t *object, const char *to, json_t *cc,
    uint64_t parent, uint64_t *id)
{
	return fed_local_activity_aud(t, actor, type, object,
	    to ? json_pack("[s]", to) : NULL, cc, parent, id);
}

int
fed_local_activity_aud(struct st_txn *t, const struct st_actor *actor,
    const char *type, json_t *object, json_t *to, json_t *cc, uint64_t parent,
    uint64_t *id)
{
	char iri[700], when[32];
	uint64_t n;
	json_t *doc;
	int rc;

	if ((rc = st_id_next(t, &n)) != 0) {
		json_decref(object);
		json_decref(to);
		json_decref(cc);
		return rc;
	}
	snprintf(iri, sizeof(iri), "%s/activities/%llu", actor->iri,
	    (unsigned long long)n);
	doc = fed_as2_activity(iri, type, actor->iri, object, NULL);
	if (to != NULL)
		json_object_set_new(doc, "to", to);
	if (cc != NULL)
		json_object_set_new(doc, "cc", cc);
	fed_as2_time(time(NULL), when, sizeof(when));
	json_object_set_new(doc, "published", json_string(when));
	rc = store_activity(t, doc, iri, 1, actor->id, parent, id);
	json_decref(doc);
	return rc;
}

int
fed_local_activity(struct st_txn *t, const struct st_actor *actor,
    const char *type, json_t *object, const char *to, uint64_t parent,
    uint64_t *id)
{
	return fed_local_activity_cc(
	    t, actor, type, object, to, NULL, parent, id);
}

static int
queue(struct st_txn *t, uint64_t signer, uint64_t activity, const char *inbox)
{
	struct st_job j = { 0 };

	if (fed_deliver_unavailable(t, inbox))
		return 0; /* given up on that host until it is back */
	j.due = (uint64_t)time(NULL);
	j.signer = signer;
	j.activity = activity;
	if (snprintf(j.inbox, sizeof(j.inbox), "%s", inbox) >=
	    (int)sizeof(j.inbox))
		return ST_INVAL;
	return st_queue_add(t, &j);
}

/* The stored JSON of object id, parsed. */
static json_t *
load_json(struct st_txn *t, uint64_t id, struct st_obj *o)
{
	const char *js;
	size_t len;

	if (st_object_peek(t, id, o, &js, &len) != 0)
		return NULL;
	return json_loadb(js, len, 0, NULL);
}

json_t *
fed_object_json(struct st_txn *t, uint64_t id, struct st_obj *o)
{
	return load_json(t, id, o);
}

static int
notify(
    struct st_txn *t, uint64_t owner, int type, uint64_t actor, uint64_t object)
{
	struct st_notification n = { .type = (uint8_t)type,
		.actor = actor,
		.object = object,
		.time = (uint64_t)time(NULL) };

	return st_notify_add(t, owner, &n);
}

/* ---- the effects ---- */

static int
local_target(
    struct st_txn *t, const char *iri, struct st_actor *x, struct err *e)
{
	if (iri == NULL || st_actor_by_iri(t, iri, x) != 0)
		return err_set(e, "there is no such actor here"),
		       FED_IN_NOTFOUND;
	if (!(x->flags & ST_AF_LOCAL) || x->kind == ST_AK_APPLICATION ||
	    strcmp(x->iri, iri) != 0) {
		st_actor_clear(x);
		return err_set(e, "that actor cannot be followed here"),
		       FED_IN_NOTFOUND;
	}
	if (x->flags & ST_AF_DELETED) {
		st_actor_clear(x);
		return err_set(e, "that account has been deleted"), ST_GONE;
	}
	return 0;
}

/* Accept a Follow (stored as follow_obj) on behalf of x. */
static int
send_accept(struct st_txn *t, struct fed_inbox *f, const struct st_actor *x,
    uint64_t follow_obj)
{
	json_t *follow = json_pack("{s:s,s:s,s:s,s:s}", "id", f->act->id,
	    "type", "Follow", "actor", f->from->iri, "object", x->iri);
	uint64_t acc;
	int rc;

	if ((rc = fed_local_activity(t, x, "Accept", follow, f->from->iri,
		 follow_obj, &acc)) != 0 ||
	    (rc = queue(t, x->id, acc, f->from->inbox)) != 0)
		return rc;
	f->queued++;
	return 0;
}

/* A community's new follower: if its instance's software is not known,
 * it is to be asked (what form of the community's posts it reads), once:
 * marked as asked now, so the follows that come before the answer do not
 * ask again. */
static int
software_wanted(struct st_txn *t, struct fed_inbox *f)
{
	struct st_instance in;
	char host[256];
	int rc;

	fed_url_host(f->from->iri, host, sizeof(host));
	if ((rc = st_instance_get(t, host, &in)) != 0 && rc != ST_NOTFOUND)
		return rc;
	if (in.groups != ST_GROUPS_UNKNOWN)
		return 0;
	in.groups = ST_GROUPS_ASKED;
	if ((rc = st_instance_put(t, host, &in)) == 0)
		fed_url_origin(f->from->iri, f->learn, sizeof(f->learn));
	return rc;
}

static int
follow_in(struct st_txn *t, struct fed_inbox *f, struct err *e)
{
	struct st_actor x;
	json_t *reduced;
	uint64_t obj;
	int rc, state;

	if ((rc = local_target(t, f->act->object_id, &x, e)) != 0)
		return rc;
	if (f->owner != 0 && f->owner != x.id) {
		st_actor_clear(&x);
		return err_set(e, "this Follow is for another actor"),
		       FED_IN_INVALID;
	}
	if (x.kind == ST_AK_GROUP && fed_group_banned(t, x.id, f->from->id)) {
		st_actor_clear(&x);
		return err_set(e, "you are banned from this community"),
		       FED_IN_FORBIDDEN;
	}
	/* Only what a Follow means is kept (and echoed in the Accept): a
	 * 1 MiB Follow must not cost 1 MiB twice. */
	reduced = json_pack("{s:s,s:s,s:s,s:s}", "id", f->act->id, "type",
	    "Follow", "actor", f->from->iri, "object", x.iri);
	rc = reduced
	    ? store_activity(t, reduced, f->act->id, 0, f->from->id, x.id, &obj)
	    : ST_EIO;
	if (rc == 0 && st_follow_get(t, f->from->id, x.id, &state, NULL) == 0 &&
	    state == ST_FOLLOW_ACCEPTED)
		rc = send_accept(t, f, &x, obj); /* a repeated Follow */
	else if (rc == 0 && (x.flags & ST_AF_LOCKED)) {
		if ((rc = st_follow_put(
			 t, f->from->id, x.id, ST_FOLLOW_PENDING, obj)) == 0)
			rc = notify(
			    t, x.id, ST_N_FOLLOW_REQUEST, f->from->id, 0);
	} else if (rc == 0 &&
	    (rc = st_follow_put(
		 t, f->from->id, x.id, ST_FOLLOW_ACCEPTED, obj)) == 0 &&
	    (rc = send_accept(t, f, &x, obj)) == 0)
		rc = notify(t, x.id, ST_N_FOLLOW, f->from->id, 0);
	if (rc == 0 && x.kind == ST_AK_GROUP)
		rc = software_wanted(t, f);
	json_decref(reduced);
	st_actor_clear(&x);
	return rc;
}

/* The activity of type an Undo, Accept or Reject refers to: embedded,
 * or by the id of one stored here. Returns a new reference or NULL. */
static json_t *
referenced(struct st_txn *t, const struct fed_activity *a, const char *type)
{
	struct st_obj o;
	uint64_t id;
	json_t *doc;

	if (a->object != NULL)
		doc = json_incref((json_t *)a->object);
	else if (a->object_id == NULL ||
	    st_iri_get(t, a->object_id, &id) != 0 ||
	    (doc = load_json(t, id, &o)) == NULL)
		return NULL;
	if (json_string_value(json_object_get(doc, "type")) == NULL ||
	    strcmp(json_string_value(json_object_get(doc, "type")), type) !=
		0) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

static json_t *
referenced_follow(struct st_txn *t, const struct fed_activity *a)
{
	return referenced(t, a, "Follow");
}

static int undo_react(struct st_txn *t, struct fed_inbox *f, struct err *e);
static int delete_actor(struct st_txn *t, struct fed_inbox *f);

static int
undo_in(struct st_txn *t, struct fed_inbox *f, struct err *e)
{
	json_t *follow = referenced_follow(t, f->act);
	struct st_actor x;
	int rc;

	if (follow == NULL)
		return undo_react(t, f, e);
	if (id_of(json_object_get(follow, "actor")) == NULL ||
	    strcmp(id_of(json_object_get(follow, "actor")), f->from->iri)) {
		json_decref(follow);
		return err_set(e, "only the follower can undo a Follow"),
		       FED_IN_FORBIDDEN;
	}
	rc = local_target(t, id_of(json_object_get(follow, "object")), &x, e);
	json_decref(follow);
	if (rc != 0)
		return rc;
	rc = st_follow_del(t, f->from->id, x.id);
	st_actor_clear(&x);
	return rc == ST_NOTFOUND ? 0 : rc;
}

/* Accept or Reject of a Follow one of our members sent to f->from. */
static int
answer_in(struct st_txn *t, struct fed_inbox *f, int accept, struct err *e)
{
	json_t *follow = referenced_follow(t, f->act);
	const char *who, *whom;
	struct st_actor a;
	uint64_t obj;
	int rc;

	if (follow == NULL) {
		f->ignored = 1;
		return 0;
	}
	who = id_of(json_object_get(follow, "actor"));
	whom = id_of(json_object_get(follow, "object"));
	if (whom == NULL || strcmp(whom, f->from->iri) != 0) {
		json_decref(follow);
		return err_set(e,
			   "only the followed actor can answer a "
			   "Follow"),
		       FED_IN_FORBIDDEN;
	}
	rc = who ? st_actor_by_iri(t, who, &a) : ST_NOTFOUND;
	json_decref(follow);
	if (rc != 0)
		return err_set(e, "that Follow is not from here"),
		       FED_IN_NOTFOUND;
	if (!(a.flags & ST_AF_LOCAL) ||
	    st_follow_get(t, a.id, f->from->id, NULL, &obj) != 0) {
		st_actor_clear(&a);
		f->ignored = 1; /* answered already, or never asked */
		return 0;
	}
	rc = accept
	    ? st_follow_put(t, a.id, f->from->id, ST_FOLLOW_ACCEPTED, obj)
	    : st_follow_del(t, a.id, f->from->id);
	st_actor_clear(&a);
	return rc;
}

/* ---- notes ---- */

#define CONTENT_MAX (256 * 1024)

static int
is_public(const char *s)
{
	return !strcmp(s, AS_PUBLIC) || !strcmp(s, "as:Public") ||
	    !strcmp(s, "Public");
}

/* to or cc as an array of id strings (a single value allowed). */
static json_t *
audience(const json_t *v)
{
	json_t *out = json_array();
	const json_t *x;
	size_t i;

	if (json_is_string(v) || json_is_object(v)) {
		if (id_of(v) != NULL)
			json_array_append_new(out, json_string(id_of(v)));
		return out;
	}
	json_array_foreach(
	    v, i, x) if (id_of(x) != NULL && json_array_size(out) < 200)
	    json_array_append_new(out, json_string(id_of(x)));
	return out;
}

static int
has_public(const json_t *list)
{
	const json_t *x;
	size_t i;

	json_array_foreach(
	    list, i, x) if (is_public(json_string_value(x))) return 1;
	return 0;
}

/* Public in to: public; in cc: unlisted; else a followers collection:
 * followers only; else direct (INTEROP.md, addressing). */
static int
visibility(const json_t *to, const json_t *cc, const char *followers)
{
	const json_t *x;
	size_t i;

	if (has_public(to))
		return ST_VIS_PUBLIC;
	if (has_public(cc))
		return ST_VIS_UNLISTED;
	json_array_foreach(to, i, x) if (followers &&
	    !strcmp(json_string_value(x), followers)) return ST_VIS_FOLLOWERS;
	json_array_foreach(cc, i, x) if (followers &&
	    !strcmp(json_string_value(x), followers)) return ST_VIS_FOLLOWERS;
	return ST_VIS_DIRECT;
}

/* The visibility of a note by author (its followers collection assumed
 * at <author>/followers, as Mastodon and this hub serve it). */
static int
note_visibility(const json_t *note, const char *author)
{
	char followers[600];

	snprintf(followers, sizeof(followers), "%s/followers", author);
	return visibility(json_object_get(note, "to"),
	    json_object_get(note, "cc"), followers);
}

static json_t *
clean_html(const json_t *v, int text)
{
	const char *s = json_string_value(v);
	struct buf b;
	json_t *out;

	if (s == NULL)
		return json_null();
	buf_init(&b, CONTENT_MAX);
	if ((text ? fed_html_text(s, strlen(s), &b)
		  : fed_html_sanitize(s, strlen(s), &b)) < 0 ||
	    b.data == NULL) {
		buf_free(&b);
		return json_string("");
	}
	out = json_string(b.data);
	buf_free(&b);
	return out ? out : json_string("");
}

/* An http(s) URL value (a string, or an object's id), or NULL. */
static json_t *
url_value(const json_t *v)
{
	const char *s = json_is_string(v) ? json_string_value(v) : NULL;

	return http_iri(s) ? json_string(s) : NULL;
}

/* A short timestamp string, or NULL. */
static json_t *
time_value(const json_t *v)
{
	const char *s = json_string_value(v);

	return s != NULL && strlen(s) <= 40 ? json_string(s) : NULL;
}

static json_t *
clean_tags(const json_t *v)
{
	json_t *out = json_array();
	const json_t *tag;
	const char *type;
	size_t i;

	json_array_foreach(v, i, tag)
	{
		type = json_string_value(json_object_get(tag, "type"));
		if (type == NULL ||
		    (strcmp(type, "Hashtag") && strcmp(type, "Mention")) ||
		    json_array_size(out) >= 64)
			continue;
		json_array_append_new(out,
		    json_pack("{s:s,s:o*,s:o*}", "type", type, "name",
			time_value(json_object_get(tag, "name")), "href",
			url_value(json_object_get(tag, "href"))));
	}
	return out;
}

static const char *const note_types[] = { "Note", "Article", "Page", "Question",
	NULL };

/* The note as this hub keeps it: only known fields, HTML sanitized. */
static json_t *
clean_note(const json_t *o, const struct st_actor *from, struct err *e)
{
	const char *type = json_string_value(json_object_get(o, "type"));
	const char *id = id_of(o),
		   *by = id_of(json_object_get(o, "attributedTo"));
	char o1[300], o2[300];
	int i, known = 0;

	for (i = 0; type && note_types[i]; i++)
		known |= !strcmp(type, note_types[i]);
	if (!known)
		return err_set(e, "only notes and articles are taken"), NULL;
	if (!http_iri(id) || by == NULL || strcmp(by, from->iri) != 0)
		return err_set(e,
			   "the note must be attributed to the "
			   "sender"),
		       NULL;
	if (fed_url_origin(id, o1, sizeof(o1)) < 0 ||
	    fed_url_origin(from->iri, o2, sizeof(o2)) < 0 || strcmp(o1, o2))
		return err_set(e,
			   "the note's id is not on the sender's "
			   "host"),
		       NULL;
	/* A learning post from another hub keeps its structured fields;
	 * a malformed "learning" object is dropped (fed_learning_clean). */
	return json_pack("{s:s,s:s,s:s,s:o*,s:o*,s:o*,s:o*,s:o,s:o,s:o,s:o,"
			 "s:o,s:b,s:o,s:o*}",
	    "id", id, "type", type, "attributedTo", by, "url",
	    url_value(json_object_get(o, "url")), "published",
	    time_value(json_object_get(o, "published")), "inReplyTo",
	    url_value(json_object_get(o, "inReplyTo")), "audience",
	    url_value(json_is_array(json_object_get(o, "audience"))
		    ? json_array_get(json_object_get(o, "audience"), 0)
		    : json_object_get(o, "audience")),
	    "to", audience(json_object_get(o, "to")), "cc",
	    audience(json_object_get(o, "cc")), "name",
	    clean_html(json_object_get(o, "name"), 1), "summary",
	    clean_html(json_object_get(o, "summary"), 1), "content",
	    clean_html(json_object_get(o, "content"), 0), "sensitive",
	    json_is_true(json_object_get(o, "sensitive")), "tag",
	    clean_tags(json_object_get(o, "tag")), "learning",
	    fed_learning_clean(json_object_get(o, "learning")));
}

/* The activity's note, cleaned (before the write, or now). */
static json_t *
cleaned(struct fed_inbox *f, struct err *e)
{
	return f->act->note ? json_incref(f->act->note)
			    : clean_note(f->act->object, f->from, e);
}

int
fed_activity_clean(
    struct fed_activity *a, const struct st_actor *from, struct err *e)
{
	if (a->object == NULL || a->type == NULL ||
	    (strcmp(a->type, "Create") && strcmp(a->type, "Update")))
		return 0;
	if (!strcmp(a->type, "Update")) {
		/* An actor's own Update is not a note. */
		const char *t =
		    json_string_value(json_object_get(a->object, "type"));
		int i, note = 0;

		for (i = 0; t && note_types[i]; i++)
			note |= !strcmp(t, note_types[i]);
		if (!note)
			return 0;
	}
	if ((a->note = clean_note(a->object, from, e)) == NULL)
		return FED_IN_INVALID;
	a->note_js = fed_as2_dump(a->note, &a->note_len); /* NULL: later */
	return 0;
}

/* Local actors named in to/cc, added to the timelines set with the
 * sender's local followers. Returns how many timelines got the note. */
static int
deliver_home(struct st_txn *t, const struct st_actor *from, const json_t *note,
    int vis, uint64_t id)
{
	const char *lists[] = { "to", "cc" };
	uint64_t ids[256], after = 0;
	struct st_actor x;
	const json_t *v;
	int n, i, k, homes = 0;
	size_t j;

	if (vis != ST_VIS_DIRECT)
		do {
			n = st_follow_list(t, from->id, 1, ST_FOLLOW_ACCEPTED,
			    after, ids, 256);
			for (i = 0; i < n; i++) {
				after = ids[i];
				if (st_timeline_add(t, ids[i], id) == 0)
					homes++;
			}
		} while (n == 256);
	for (k = 0; k < 2; k++)
		json_array_foreach(json_object_get(note, lists[k]), j, v)
		{
			if (st_actor_by_iri(t, json_string_value(v), &x) != 0)
				continue;
			if ((x.flags & ST_AF_LOCAL) &&
			    st_timeline_add(t, x.id, id) == 0)
				homes++;
			st_actor_clear(&x);
		}
	return homes;
}

/* The stored note a note replies to (0: none known here). */
static uint64_t
parent_note(struct st_txn *t, const json_t *note, struct st_obj *po)
{
	const char *irt = json_string_value(json_object_get(note, "inReplyTo"));
	uint64_t id;

	if (irt == NULL || st_iri_get(t, irt, &id) != 0 ||
	    st_object_peek(t, id, po, NULL, NULL) != 0 || po->kind != ST_K_NOTE)
		return 0;
	return id;
}

/* Whether a local member follows from, or the note addresses one, or it
 * replies to a note of this hub. */
static int
interested(struct st_txn *t, const struct st_actor *from, const json_t *note)
{
	struct st_obj po;

	if (parent_note(t, note, &po) != 0 && (po.flags & ST_OF_LOCAL))
		return 1;
	const char *lists[] = { "to", "cc" };
	struct st_actor x;
	const json_t *v;
	uint64_t one;
	size_t i;
	int k, local;

	if (st_follow_list(t, from->id, 1, ST_FOLLOW_ACCEPTED, 0, &one, 1) > 0)
		return 1;
	for (k = 0; k < 2; k++)
		json_array_foreach(json_object_get(note, lists[k]), i, v)
		{
			if (st_actor_by_iri(t, json_string_value(v), &x) != 0)
				continue;
			local = (x.flags & ST_AF_LOCAL) != 0;
			st_actor_clear(&x);
			if (local)
				return 1;
		}
	return 0;
}

/* The Create a community wraps in its Announce (FEP-1b12): the note as
 * stored here, in the Create that made it: for a local note its own,
 * for a remote one the id it came under (create_iri), or else one on the
 * note's host. */
static json_t *
wrapped_create(struct st_txn *t, uint64_t note_id, const char *create_iri,
    const char *group)
{
	char iri[700];
	struct st_obj o, co;
	json_t *note = load_json(t, note_id, &o), *made, *doc;
	const char *nid = json_string_value(json_object_get(note, "id"));

	if (note == NULL || nid == NULL) {
		json_decref(note);
		return NULL;
	}
	json_object_del(note, "@context");
	made = (o.flags & ST_OF_LOCAL) && o.parent ? load_json(t, o.parent, &co)
						   : NULL;
	if (json_string_value(json_object_get(made, "id")) != NULL)
		create_iri = json_string_value(json_object_get(made, "id"));
	if (create_iri != NULL)
		snprintf(iri, sizeof(iri), "%s", create_iri);
	else
		snprintf(iri, sizeof(iri), "%s#create", nid);
	json_decref(made);
	doc = json_pack("{s:s,s:s,s:O,s:O*,s:O*,s:O*,s:s,s:o}", "id", iri,
	    "type", "Create", "actor", json_object_get(note, "attributedTo"),
	    "published", json_object_get(note, "published"), "to",
	    json_object_get(note, "to"), "cc", json_object_get(note, "cc"),
	    "audience", group, "object", note);
	return doc;
}

/* Whether the stored note id is addressed to the collection members. */
static int
to_members(struct st_txn *t, uint64_t id, const char *members)
{
	struct st_obj o;
	json_t *doc = load_json(t, id, &o);
	int yes = doc != NULL && fed_note_addressed(doc, members);

	json_decref(doc);
	return yes;
}

static int queue_forms(struct st_txn *t, uint64_t group, uint64_t wrapped,
    uint64_t boost, int *queued);

/* A local group the note is posted into (named in to, cc or audience)
 * whose accepted follower the author is: relay it, in both forms
 * (reviewed: a moderator accepted it, so the community's gate is
 * passed). */
static int
relay_into(struct st_txn *t, const char *iri, const json_t *note,
    uint64_t note_id, uint64_t author, const char *create_iri, int reviewed,
    int *queued)
{
	char followers[600];
	struct st_actor g;
	struct st_obj o;
	const char *js;
	size_t len;
	uint64_t act, wrapped;
	json_t *create, *to, *cc;
	int rc, state, private_;

	if (iri == NULL || st_actor_by_iri(t, iri, &g) != 0)
		return 0;
	rc = 0;
	if (fed_group_banned(t, g.id, author))
		goto out; /* banned: its posts are not announced */
	if (!(g.flags & ST_AF_LOCAL) || g.kind != ST_AK_GROUP ||
	    (g.flags & ST_AF_DELETED) || strcmp(g.iri, iri) != 0 ||
	    st_follow_get(t, author, g.id, &state, NULL) != 0 ||
	    state != ST_FOLLOW_ACCEPTED ||
	    st_react_get(t, note_id, ST_REACT_ANNOUNCE, g.id, NULL) == 0)
		goto out; /* not a member, or relayed already */
	/* A private community passes on only what is for its members; a
	 * public one only what is public. */
	private_ = (g.flags & ST_AF_PRIVATE) != 0;
	snprintf(followers, sizeof(followers), "%s/followers", g.iri);
	if (st_object_peek(t, note_id, &o, NULL, NULL) != 0 ||
	    private_ != (o.vis > ST_VIS_UNLISTED) ||
	    (private_ && !to_members(t, note_id, followers)))
		goto out; /* a direct note, say, stays direct */
	if (!reviewed &&
	    (rc = fed_group_gate(t, &g, note, note_id, author)) != 0) {
		rc = rc < 0 ? rc : 0;
		goto out; /* held for review, or not a moderator's thread */
	}
	if ((create = wrapped_create(t, note_id, create_iri, g.iri)) == NULL) {
		rc = ST_EIO;
		goto out;
	}
	/* In a private community, only the wrapped form, to its members:
	 * the boost of a members-only note means nothing to microblogs. */
	act = 0;
	fed_group_address(&g, &to, &cc);
	if ((rc = fed_local_activity_aud(
		 t, &g, "Announce", create, to, cc, note_id, &wrapped)) != 0 ||
	    (!private_ &&
		(rc = fed_local_activity_aud(t, &g, "Announce",
		     json_incref(json_object_get(note, "id")),
		     json_pack("[s]", AS_PUBLIC), json_pack("[s]", followers),
		     note_id, &act)) != 0) ||
	    (rc = st_react_put(t, note_id, ST_REACT_ANNOUNCE, g.id,
		 act ? act : wrapped)) != 0 ||
	    (rc = st_object_peek(t, act ? act : wrapped, &o, &js, &len)) != 0 ||
	    (rc = st_outbox_add(t, g.id, note_id, act ? act : wrapped,
		 private_ ? ST_VIS_DIRECT : ST_VIS_PUBLIC, js, len)) != 0 ||
	    (rc = private_ ? fed_fanout_to(t, g.id, wrapped, 1, NULL, 0, queued)
			   : queue_forms(t, g.id, wrapped, act, queued)) != 0)
		goto out;
	rc = fed_home_fanout(t, g.id, note_id);
out:
	st_actor_clear(&g);
	return rc;
}

int
fed_group_relay_reviewed(struct st_txn *t, const char *group,
    const json_t *note, uint64_t note_id, uint64_t author, int *queued)
{
	return relay_into(t, group, note, note_id, author, NULL, 1, queued);
}

int
fed_group_banned(struct st_txn *t, uint64_t group, uint64_t actor)
{
	struct st_actor a;
	char host[256];
	int banned;

	if (st_actor_get(t, actor, &a) != 0)
		return 0;
	fed_url_host(a.iri, host, sizeof(host));
	banned = st_glist_has(t, group, ST_GL_BAN_ACTOR, a.iri) ||
	    (host[0] && st_glist_has(t, group, ST_GL_BAN_HOST, host));
	st_actor_clear(&a);
	return banned;
}

int
fed_note_groups_each(struct st_txn *t, const json_t *note,
    int (*cb)(struct st_txn *t, const char *iri, void *ctx), void *ctx)
{
	const char *lists[] = { "to", "cc" };
	const char *irt = json_string_value(json_object_get(note, "inReplyTo"));
	const json_t *v;
	struct st_obj po;
	json_t *parent;
	uint64_t pid;
	size_t i;
	int k, rc;

	rc = cb(t, json_string_value(json_object_get(note, "audience")), ctx);
	/* A reply in a community's thread belongs to the community too,
	 * addressed to it or not (Mastodon's replies name only people). */
	if (rc == 0 && irt != NULL && st_iri_get(t, irt, &pid) == 0 &&
	    (parent = load_json(t, pid, &po)) != NULL) {
		rc = cb(t,
		    json_string_value(json_object_get(parent, "audience")),
		    ctx);
		json_decref(parent);
	}
	for (k = 0; k < 2 && rc == 0; k++)
		json_array_foreach(json_object_get(note, lists[k]), i, v)
		{
			if (rc == 0 && json_is_string(v))
				rc = cb(t, json_string_value(v), ctx);
		}
	return rc;
}

struct relay_ctx {
	const json_t *note;
	uint64_t note_id, author;
	const char *create_iri;
	int *queued;
};

static int
relay_each(struct st_txn *t, const char *iri, void *arg)
{
	struct relay_ctx *c = arg;

	return relay_into(t, iri, c->note, c->note_id, c->author, c->create_iri,
	    0, c->queued);
}

int
fed_group_relay(struct st_txn *t, const json_t *note, uint64_t note_id,
    uint64_t author, const char *create_iri, int *queued)
{
	struct relay_ctx c = { note, note_id, author, create_iri, queued };

	return fed_note_groups_each(t, note, relay_each, &c);
}

int
fed_note_addressed(const json_t *note, const char *iri)
{
	const char *lists[] = { "to", "cc" };
	const json_t *v;
	size_t i;
	int k;

	for (k = 0; k < 2; k++)
		json_array_foreach(json_object_get(note, lists[k]), i,
		    v) if (json_is_string(v) &&
		    !strcmp(json_string_value(v), iri)) return 1;
	return 0;
}

/* A new note id from from: index it as a reply, and tell the local
 * author replied to and the local actors mentioned (when it is for them
 * to see). */
static int
thread_and_notify(struct st_txn *t, const struct st_actor *from,
    const json_t *note, uint64_t id, int vis)
{
	const json_t *tag;
	struct st_actor x;
	struct st_obj po;
	uint64_t parent, told[16];
	const char *href, *type;
	size_t i;
	int rc = 0, ntold = 0, k;

	if ((parent = parent_note(t, note, &po)) != 0) {
		if ((rc = st_reply_add(t, parent, id)) != 0)
			return rc;
		/* Told only when the reply is for them to see: a direct
		 * reply to someone else is not. */
		if ((po.flags & ST_OF_LOCAL) && po.owner != from->id &&
		    st_actor_get(t, po.owner, &x) == 0) {
			k = vis <= ST_VIS_UNLISTED ||
			    fed_note_addressed(note, x.iri);
			st_actor_clear(&x);
			if (k &&
			    (rc = notify(
				 t, po.owner, ST_N_REPLY, from->id, id)))
				return rc;
			if (k)
				told[ntold++] = po.owner;
		}
	}
	json_array_foreach(json_object_get(note, "tag"), i, tag)
	{
		type = json_string_value(json_object_get(tag, "type"));
		href = json_string_value(json_object_get(tag, "href"));
		if (type == NULL || strcmp(type, "Mention") || href == NULL ||
		    ntold == 16 || st_actor_by_iri(t, href, &x) != 0)
			continue;
		for (k = 0; k < ntold && told[k] != x.id; k++)
			;
		if ((x.flags & ST_AF_LOCAL) && k == ntold &&
		    x.kind == ST_AK_PERSON &&
		    (vis <= ST_VIS_UNLISTED ||
			fed_note_addressed(note, x.iri))) {
			rc = notify(t, x.id, ST_N_MENTION, from->id, id);
			told[ntold++] = x.id;
		}
		st_actor_clear(&x);
		if (rc != 0)
			return rc;
	}
	return 0;
}

int
fed_store_json(struct st_txn *t, struct st_obj *o, const json_t *doc)
{
	size_t len;
	char *js = fed_as2_dump(doc, &len);
	int rc;

	if (js == NULL)
		return ST_EIO;
	rc = st_object_put_doc(t, o, js, len, doc);
	free(js);
	return rc;
}

/* A Create sent to a private community's inbox, or posted into it (its
 * audience), by someone who is not its member (or is banned from it) is
 * refused. */
static int
private_gate(struct st_txn *t, const struct fed_inbox *f, struct err *e)
{
	const char *aud =
	    json_string_value(json_object_get(f->act->object, "audience"));
	struct st_actor g;
	int state = -1, private_;

	if (f->owner != 0 ? st_actor_get(t, f->owner, &g) != 0
			  : aud == NULL || st_actor_by_iri(t, aud, &g) != 0)
		return 0;
	private_ = g.kind == ST_AK_GROUP && (g.flags & ST_AF_PRIVATE) &&
	    (g.flags & ST_AF_LOCAL);
	if (private_ &&
	    (st_follow_get(t, f->from->id, g.id, &state, NULL) != 0 ||
		fed_group_banned(t, g.id, f->from->id)))
		state = -1;
	st_actor_clear(&g);
	if (private_ && state != ST_FOLLOW_ACCEPTED)
		return err_set(e,
			   "only members post in this private community: "
			   "ask to join it first"),
		       FED_IN_FORBIDDEN;
	return 0;
}

/* Index (add) or unindex the hashtags of the remote note id, as local
 * notes' are (lowercase ASCII, without '#'), so that tag pages and
 * feeds list remote notes too. Names too long to be a hashtag here
 * (64 bytes), or holding '/', are not indexed. */
static int
index_tags(struct st_txn *t, const json_t *note, uint64_t id, int add)
{
	const char *type, *name;
	const json_t *tag;
	char low[65];
	size_t i, k;
	int rc = 0;

	json_array_foreach(json_object_get(note, "tag"), i, tag)
	{
		type = json_string_value(json_object_get(tag, "type"));
		name = json_string_value(json_object_get(tag, "name"));
		if (type == NULL || strcmp(type, "Hashtag") != 0 ||
		    name == NULL)
			continue;
		name += name[0] == '#';
		for (k = 0; name[k] != '\0' && k < sizeof(low) - 1; k++)
			low[k] = name[k] >= 'A' && name[k] <= 'Z'
			    ? (char)(name[k] - 'A' + 'a')
			    : name[k];
		low[k] = '\0';
		if (k == 0 || name[k] != '\0' || strchr(low, '/') != NULL)
			continue;
		if ((rc = add ? st_tag_add(t, low, id)
			      : st_tag_del(t, low, id)))
			return rc;
	}
	return 0;
}

static int
create_in(struct st_txn *t, struct fed_inbox *f, struct err *e)
{
	const struct st_actor *from = f->from;
	struct st_obj o = { 0 };
	json_t *note;
	uint64_t id;
	int rc;

	if (f->act->object == NULL)
		return err_set(e, "a Create must embed its object"),
		       FED_IN_INVALID;
	if ((rc = private_gate(t, f, e)) != 0)
		return rc;
	if ((note = cleaned(f, e)) == NULL)
		return FED_IN_INVALID;
	if (st_iri_get(
		t, json_string_value(json_object_get(note, "id")), &id) == 0) {
		json_decref(note);
		f->duplicate = 1;
		return 0;
	}
	o.kind = ST_K_NOTE;
	o.vis = (uint8_t)note_visibility(note, from->iri);
	o.owner = from->id;
	o.published = (uint64_t)time(NULL);
	if (!interested(t, from, note)) {
		/* Nobody here follows the sender or is addressed: taken
		 * (202), not kept, as Mastodon does with unsolicited notes. */
		json_decref(note);
		f->ignored = 1;
		return 0;
	}
	if ((rc = st_id_next(t, &o.id)) == 0 &&
	    (rc = st_iri_put(t, json_string_value(json_object_get(note, "id")),
		 o.id)) == 0 &&
	    (rc = f->act->note_js != NULL
		    ? st_object_put_doc(
			  t, &o, f->act->note_js, f->act->note_len, note)
		    : fed_store_json(t, &o, note)) == 0) {
		deliver_home(t, from, note, o.vis, o.id);
		if ((rc = index_tags(t, note, o.id, 1)) == 0 &&
		    (rc = thread_and_notify(t, from, note, o.id, o.vis)) == 0)
			rc = fed_group_relay(
			    t, note, o.id, from->id, f->act->id, &f->queued);
	}
	json_decref(note);
	return rc;
}

/* The stored note of id, if from owns it. */
static int
owned_note(struct st_txn *t, const char *id, const struct st_actor *from,
    struct st_obj *o, uint64_t *oid)
{
	if (id == NULL || st_iri_get(t, id, oid) != 0 ||
	    st_object_peek(t, *oid, o, NULL, NULL) != 0)
		return ST_NOTFOUND;
	if (o->owner != from->id || (o->flags & ST_OF_LOCAL))
		return FED_IN_FORBIDDEN;
	return 0;
}

/* The sender's new actor document (profile, inbox, key): checked as a
 * fetched one is, and stored over the old record. */
static int
update_actor(struct st_txn *t, struct fed_inbox *f, struct err *e)
{
	struct st_actor a;
	int rc;

	if (fed_actor_from_json(f->act->object, f->from->iri, &a, e) != 0)
		return FED_IN_INVALID;
	a.fetched = (uint64_t)time(NULL);
	rc = st_actor_upsert_remote(t, &a);
	st_actor_clear(&a);
	if (rc == ST_EXISTS)
		return err_set(e, "that key belongs to another actor here"),
		       FED_IN_FORBIDDEN;
	return rc;
}

/* Store note (cleaned) as the new version of the stored note o, sent or
 * served by its author (IRI author). An edit may narrow who sees the
 * note, never widen it. */
static int
store_edit(
    struct st_txn *t, struct st_obj *o, const json_t *note, const char *author)
{
	int vis = note_visibility(note, author);

	if (vis > o->vis)
		o->vis = (uint8_t)vis;
	return fed_store_json(t, o, note);
}

/* The local communities that passed the note (id) on pass its edit on,
 * as the Update its author sent, with the note as cleaned here. */
static int
pass_update(
    struct st_txn *t, struct fed_inbox *f, const json_t *note, uint64_t id)
{
	json_t *upd = json_pack("{s:s,s:s,s:s,s:O*,s:O*,s:O}", "id", f->act->id,
	    "type", "Update", "actor", f->from->iri, "to",
	    json_object_get(note, "to"), "cc", json_object_get(note, "cc"),
	    "object", note);
	int rc;

	if (upd == NULL)
		return ST_EIO;
	rc = fed_group_update(t, id, upd, &f->queued);
	json_decref(upd);
	return rc;
}

/* The hashtags of the stored note id become those of note, its new
 * version. */
static int
retag(struct st_txn *t, const json_t *note, uint64_t id)
{
	struct st_obj o;
	json_t *old = load_json(t, id, &o);
	int rc = old != NULL ? index_tags(t, old, id, 0) : 0;

	json_decref(old);
	return rc != 0 ? rc : index_tags(t, note, id, 1);
}

static int
update_in(struct st_txn *t, struct fed_inbox *f, struct err *e)
{
	struct st_obj o;
	json_t *note;
	uint64_t id;
	int rc;

	if (f->act->object != NULL && f->act->object_id != NULL &&
	    !strcmp(f->act->object_id, f->from->iri))
		return update_actor(t, f, e);
	if (f->act->object == NULL ||
	    owned_note(t, f->act->object_id, f->from, &o, &id) != 0 ||
	    o.kind != ST_K_NOTE) {
		f->ignored = 1; /* unknown here */
		return 0;
	}
	if ((note = cleaned(f, e)) == NULL)
		return FED_IN_INVALID;
	if ((rc = retag(t, note, id)) == 0 &&
	    (rc = store_edit(t, &o, note, f->from->iri)) == 0 &&
	    o.vis <= ST_VIS_UNLISTED)
		rc = pass_update(t, f, note, id);
	json_decref(note);
	return rc;
}

/* The stored note o (at iri) becomes a Tombstone. */
static int
tombstone(struct st_txn *t, struct st_obj *o, const char *iri)
{
	json_t *ts = fed_as2_tombstone(iri, "Note", time(NULL));
	int rc;

	o->kind = ST_K_TOMBSTONE;
	o->flags |= ST_OF_DELETED;
	rc = fed_store_json(t, o, ts);
	json_decref(ts);
	return rc;
}

struct pass_ctx {
	struct fed_inbox *f;
	uint64_t note;
	uint64_t done[8]; /* communities that passed it on already */
	size_t ndone;
};

/* A community here that passed on the note its remote author deleted
 * passes the Delete on (wrapped, as FEP-1b12 says): its members on other
 * servers may not follow the author, and in a private community cannot
 * fetch the note to find it gone. */
static int
pass_delete(struct st_txn *t, const char *iri, void *arg)
{
	struct pass_ctx *c = arg;
	struct st_actor g;
	json_t *inner, *to, *cc;
	uint64_t ann;
	size_t i;
	int rc;

	if (iri == NULL || st_actor_by_iri(t, iri, &g) != 0)
		return 0;
	for (i = 0; i < c->ndone && c->done[i] != g.id; i++)
		;
	rc = 0;
	if (!(g.flags & ST_AF_LOCAL) || g.kind != ST_AK_GROUP || i < c->ndone ||
	    c->ndone == 8 ||
	    st_react_get(t, c->note, ST_REACT_ANNOUNCE, g.id, NULL) != 0)
		goto out;
	c->done[c->ndone++] = g.id;
	inner = json_deep_copy(c->f->act->doc);
	json_object_del(inner, "@context");
	fed_group_address(&g, &to, &cc);
	if ((rc = fed_local_activity_aud(
		 t, &g, "Announce", inner, to, cc, c->note, &ann)) == 0)
		rc = (g.flags & ST_AF_PRIVATE)
		    ? fed_fanout_to(t, g.id, ann, 1, NULL, 0, &c->f->queued)
		    : fed_group_forms(t, g.id, ann, 0, &c->f->queued);
out:
	st_actor_clear(&g);
	return rc;
}

static int
delete_in(struct st_txn *t, struct fed_inbox *f, struct err *e)
{
	struct pass_ctx c = { 0 };
	struct st_obj o;
	json_t *doc;
	uint64_t id;
	int rc;

	if (f->act->object_id != NULL &&
	    !strcmp(f->act->object_id, f->from->iri))
		return delete_actor(t, f);
	if ((rc = owned_note(t, f->act->object_id, f->from, &o, &id)) != 0) {
		if (rc == FED_IN_FORBIDDEN)
			return err_set(e, "only the author can delete a note"),
			       rc;
		f->ignored = 1; /* never seen here, or an actor: later */
		return 0;
	}
	if (o.kind == ST_K_TOMBSTONE)
		return 0;
	c.f = f;
	c.note = id;
	/* Off the hub's featured list with it (st_featured.h). */
	if ((rc = st_featured_del(t, id)) != 0 && rc != ST_NOTFOUND)
		return rc;
	doc = load_json(t, id, &o);
	if (doc != NULL && (rc = index_tags(t, doc, id, 0)) != 0) {
		json_decref(doc);
		return rc;
	}
	if ((rc = tombstone(t, &o, f->act->object_id)) == 0 && doc != NULL)
		rc = fed_note_groups_each(t, doc, pass_delete, &c);
	json_decref(doc);
	return rc;
}

/* Whether the host of url is blocked (st_block.h): nothing is fetched
 * from it and none of its notes is taken, even passed on by others. */
static int
host_blocked(struct st_txn *t, const char *url)
{
	return url != NULL && st_block_covers(t, url);
}

/* Whether actor id is a remote one of a blocked host. */
static int
actor_blocked(struct st_txn *t, uint64_t id)
{
	struct st_actor a;
	int b;

	if (st_actor_get(t, id, &a) != 0)
		return 0;
	b = !(a.flags & ST_AF_LOCAL) && host_blocked(t, a.iri);
	st_actor_clear(&a);
	return b;
}

const char *
fed_note_wanted(
    struct st_txn *t, const struct fed_activity *a, const struct st_actor *from)
{
	const char *irt;
	uint64_t id, one;

	if (a->type == NULL)
		return NULL;
	if (!strcmp(a->type, "Announce"))
		return http_iri(a->object_id) &&
			!host_blocked(t, a->object_id) &&
			(a->inner_type == NULL ||
			    !strcmp(a->inner_type, "Create") ||
			    !strcmp(a->inner_type, "Update")) &&
			st_iri_get(t, a->object_id, &id) != 0 &&
			st_follow_list(
			    t, from->id, 1, ST_FOLLOW_ACCEPTED, 0, &one, 1) > 0
		    ? a->object_id
		    : NULL;
	if (strcmp(a->type, "Create") || a->note == NULL)
		return NULL;
	/* Only for senders someone here follows: a stranger who merely
	 * addresses a member must not make the hub fetch threads. */
	irt = json_string_value(json_object_get(a->note, "inReplyTo"));
	return http_iri(irt) && !host_blocked(t, irt) &&
		st_iri_get(t, irt, &id) != 0 &&
		st_follow_list(t, from->id, 1, ST_FOLLOW_ACCEPTED, 0, &one, 1) >
		    0
	    ? irt
	    : NULL;
}

const char *
fed_note_edited(
    struct st_txn *t, const struct fed_activity *a, const struct st_actor *from)
{
	struct st_obj o;
	uint64_t id, one;

	if (a->type == NULL || strcmp(a->type, "Announce") ||
	    a->inner_type == NULL || strcmp(a->inner_type, "Update") ||
	    !http_iri(a->object_id) || host_blocked(t, a->object_id) ||
	    st_iri_get(t, a->object_id, &id) != 0 ||
	    st_object_peek(t, id, &o, NULL, NULL) != 0 || o.kind != ST_K_NOTE ||
	    (o.flags & ST_OF_LOCAL))
		return NULL;
	/* Only from communities someone here follows, as for new notes. */
	return st_follow_list(t, from->id, 1, ST_FOLLOW_ACCEPTED, 0, &one, 1) >
		0
	    ? a->object_id
	    : NULL;
}

json_t *
fed_note_clean(const json_t *doc, const struct st_actor *author, struct err *e)
{
	return clean_note(doc, author, e);
}

/* A fetched new version of the stored note id: kept only when the note
 * is a remote one of the same author. */
static int
store_fetched_edit(
    struct st_txn *t, const struct fed_remote_note *n, uint64_t id)
{
	struct st_obj o;
	int rc;

	if (st_object_peek(t, id, &o, NULL, NULL) != 0 || o.kind != ST_K_NOTE ||
	    (o.flags & ST_OF_LOCAL) || o.owner != n->author->id)
		return 0;
	if ((rc = retag(t, n->note, id)) != 0)
		return rc;
	return store_edit(t, &o, n->note, n->author->iri);
}

int
fed_note_store_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct fed_remote_note *n = arg;
	const char *iri = json_string_value(json_object_get(n->note, "id"));
	struct st_obj o = { 0 }, po;
	uint64_t id, parent;
	int rc;

	if (iri == NULL)
		return ST_INVAL;
	if (host_blocked(t, iri) || host_blocked(t, n->author->iri))
		return err_set(e, "this hub has blocked the note's server"),
		       FED_IN_FORBIDDEN;
	if (st_iri_get(t, iri, &id) == 0)
		return n->edit ? store_fetched_edit(t, n, id) : 0;
	o.kind = ST_K_NOTE;
	o.vis = (uint8_t)note_visibility(n->note, n->author->iri);
	o.owner = n->author->id;
	o.published = (uint64_t)time(NULL);
	if ((rc = st_id_next(t, &o.id)) == 0 &&
	    (rc = st_iri_put(t, iri, o.id)) == 0 &&
	    (rc = fed_store_json(t, &o, n->note)) == 0 &&
	    (rc = index_tags(t, n->note, o.id, 1)) == 0 &&
	    (parent = parent_note(t, n->note, &po)) != 0)
		rc = st_reply_add(t, parent, o.id);
	return rc;
}

/* The stored note an activity's object names: *id, its header. */
static int
object_note(struct st_txn *t, const char *iri, uint64_t *id, struct st_obj *o)
{
	if (iri == NULL || st_iri_get(t, iri, id) != 0 ||
	    st_object_peek(t, *id, o, NULL, NULL) != 0)
		return ST_NOTFOUND;
	return o->kind == ST_K_NOTE ? 0 : ST_NOTFOUND;
}

/* Keep only what a Like or Announce means, so an Undo by id finds it. */
static int
store_reduced(
    struct st_txn *t, struct fed_inbox *f, uint64_t note, uint64_t *act)
{
	json_t *doc = json_pack("{s:s,s:s,s:s,s:s}", "id", f->act->id, "type",
	    f->act->type, "actor", f->from->iri, "object", f->act->object_id);
	int rc = doc
	    ? store_activity(t, doc, f->act->id, 0, f->from->id, note, act)
	    : ST_EIO;

	json_decref(doc);
	return rc;
}

int
fed_home_fanout(struct st_txn *t, uint64_t who, uint64_t note)
{
	uint64_t ids[256], after = 0;
	struct st_actor x;
	int n, i, rc = 0;

	do {
		n = st_follow_list(
		    t, who, 1, ST_FOLLOW_ACCEPTED, after, ids, 256);
		for (i = 0; rc == 0 && i < n; i++) {
			after = ids[i];
			if (st_actor_get(t, ids[i], &x) != 0)
				continue;
			if (x.flags & ST_AF_LOCAL)
				rc = st_timeline_add(t, x.id, note);
			st_actor_clear(&x);
		}
	} while (rc == 0 && n == 256);
	return rc;
}

/* Whether the note was posted into the community group (its audience):
 * a community may pass on even a members-only note posted in it. */
static int
posted_in(struct st_txn *t, uint64_t note, const struct st_actor *group)
{
	struct st_obj o;
	json_t *doc;
	const char *aud;
	int in;

	if (group->kind != ST_AK_GROUP ||
	    (doc = load_json(t, note, &o)) == NULL)
		return 0;
	aud = json_string_value(json_object_get(doc, "audience"));
	in = aud != NULL && !strcmp(aud, group->iri);
	json_decref(doc);
	return in;
}

/* Like or Announce of a note known here. A boost of a note nobody here
 * has seen is taken and not kept (fetching it is for later). */
static int
react_in(struct st_txn *t, struct fed_inbox *f, int type, struct err *e)
{
	struct st_obj o;
	uint64_t note, act;
	int rc;

	/* A reaction to a blocked server's note, passed on by another
	 * server, is taken and not kept (st_block.h). */
	if (object_note(t, f->act->object_id, &note, &o) != 0 ||
	    host_blocked(t, f->act->object_id) || actor_blocked(t, o.owner)) {
		f->ignored = 1;
		return 0;
	}
	if (type == ST_REACT_ANNOUNCE && o.vis > ST_VIS_UNLISTED &&
	    !posted_in(t, note, f->from))
		return err_set(e, "only public notes can be boosted"),
		       FED_IN_FORBIDDEN;
	if ((rc = store_reduced(t, f, note, &act)) != 0)
		return rc;
	rc = st_react_put(t, note, type, f->from->id, act);
	if (rc == ST_EXISTS) {
		f->duplicate = 1;
		return 0;
	}
	if (rc == 0 && (o.flags & ST_OF_LOCAL))
		rc = notify(t, o.owner,
		    type == ST_REACT_LIKE ? ST_N_LIKE : ST_N_ANNOUNCE,
		    f->from->id, note);
	if (rc == 0 && type == ST_REACT_ANNOUNCE)
		rc = fed_home_fanout(t, f->from->id, note);
	return rc;
}

int
fed_home_unfanout(
    struct st_txn *t, uint64_t who, uint64_t note, uint64_t author)
{
	uint64_t ids[256], after = 0;
	int n, i, rc = 0, state;

	do {
		n = st_follow_list(
		    t, who, 1, ST_FOLLOW_ACCEPTED, after, ids, 256);
		for (i = 0; rc == 0 && i < n; i++) {
			after = ids[i];
			if (ids[i] == author ||
			    (st_follow_get(t, ids[i], author, &state, NULL) ==
				    0 &&
				state == ST_FOLLOW_ACCEPTED))
				continue; /* they have it from the author */
			rc = st_timeline_del(t, ids[i], note);
		}
	} while (rc == 0 && n == 256);
	return rc;
}

/* Undo of a Like or Announce from f->from. */
static int
undo_react(struct st_txn *t, struct fed_inbox *f, struct err *e)
{
	json_t *doc = referenced(t, f->act, "Like");
	struct st_obj o;
	uint64_t note;
	int type = ST_REACT_LIKE, rc;

	if (doc == NULL) {
		doc = referenced(t, f->act, "Announce");
		type = ST_REACT_ANNOUNCE;
	}
	if (doc == NULL) {
		f->ignored = 1;
		return 0;
	}
	if (id_of(json_object_get(doc, "actor")) == NULL ||
	    strcmp(id_of(json_object_get(doc, "actor")), f->from->iri)) {
		json_decref(doc);
		return err_set(e, "only its actor can undo an activity"),
		       FED_IN_FORBIDDEN;
	}
	rc = object_note(t, id_of(json_object_get(doc, "object")), &note, &o);
	json_decref(doc);
	if (rc != 0) {
		f->ignored = 1;
		return 0;
	}
	rc = st_react_del(t, note, type, f->from->id);
	if (rc == 0 && type == ST_REACT_ANNOUNCE) /* a boost taken back */
		rc = fed_home_unfanout(t, f->from->id, note, o.owner);
	return rc == ST_NOTFOUND ? 0 : rc;
}

/* A community's moderator took a note out of it, or its author deleted
 * it (FEP-1b12: Announce{Delete}). Trusted because the community itself
 * signed the Announce, and only for notes it passed on or that were
 * posted in it: the community's boost is taken back everywhere here. If
 * the note's author is on the community's own host, that host's word is
 * the author's, and the note is deleted. */
static int
group_delete_in(struct st_txn *t, struct fed_inbox *f, struct err *e)
{
	struct st_actor author;
	struct st_obj o;
	char o1[300], o2[300];
	uint64_t id;
	int in_group, own, rc;

	if (f->from->kind != ST_AK_GROUP)
		return err_set(e,
			   "only a community can pass on a removal: send the "
			   "Delete yourself"),
		       FED_IN_FORBIDDEN;
	if (object_note(t, f->act->object_id, &id, &o) != 0) {
		f->ignored = 1; /* never seen here, or gone already */
		return 0;
	}
	in_group =
	    st_react_get(t, id, ST_REACT_ANNOUNCE, f->from->id, NULL) == 0 ||
	    posted_in(t, id, f->from);
	if (!in_group)
		return err_set(e,
			   "a community can only remove what was posted in "
			   "it"),
		       FED_IN_FORBIDDEN;
	rc = st_react_del(t, id, ST_REACT_ANNOUNCE, f->from->id);
	if (rc != 0 && rc != ST_NOTFOUND)
		return rc;
	if ((rc = fed_home_unfanout(t, f->from->id, id, o.owner)) != 0)
		return rc;
	if (o.flags & ST_OF_LOCAL || st_actor_get(t, o.owner, &author) != 0)
		return 0;
	own = !strcmp(author.iri, f->act->inner_actor) &&
	    fed_url_origin(author.iri, o1, sizeof(o1)) == 0 &&
	    fed_url_origin(f->from->iri, o2, sizeof(o2)) == 0 &&
	    !strcmp(o1, o2);
	st_actor_clear(&author);
	return own ? tombstone(t, &o, f->act->object_id) : 0;
}

/* An Announce: a boost of a note (by id, or, from a community, wrapping
 * the Create or Update that made it: the note was fetched from its
 * origin), or a community passing on a Delete. Other wrapped activities
 * (votes, moderator changes of remote communities) are not acted on. */
static int
announce_in(struct st_txn *t, struct fed_inbox *f, struct err *e)
{
	const char *in = f->act->inner_type;

	if (in == NULL || !strcmp(in, "Create") || !strcmp(in, "Update"))
		return react_in(t, f, ST_REACT_ANNOUNCE, e);
	if (!strcmp(in, "Delete"))
		return group_delete_in(t, f, e);
	f->ignored = 1;
	return 0;
}

/* The ids a Flag's object names (one, or a list), at most 50. */
static json_t *
flag_objects(const json_t *obj)
{
	json_t *out = json_array();
	const json_t *v;
	size_t i;

	if (json_is_string(obj) || json_is_object(obj)) {
		if (http_iri(id_of(obj)))
			json_array_append_new(out, json_string(id_of(obj)));
		return out;
	}
	json_array_foreach(
	    obj, i, v) if (http_iri(id_of(v)) && json_array_size(out) < 50)
	    json_array_append_new(out, json_string(id_of(v)));
	return out;
}

/* A report: kept for the moderators (content as plain text, objects as
 * ids), about the first local actor it names or whose note it names.
 * Reports about nobody here are taken and not kept. */
static int
flag_in(struct st_txn *t, struct fed_inbox *f, struct err *e)
{
	json_t *objects = flag_objects(json_object_get(f->act->doc, "object"));
	struct st_report r = { 0 };
	struct st_actor x;
	const json_t *v;
	struct st_obj o;
	json_t *doc;
	uint64_t id;
	size_t i;
	int rc;

	(void)e;
	json_array_foreach(objects, i, v)
	{
		if (r.target != 0)
			break;
		if (st_actor_by_iri(t, json_string_value(v), &x) == 0) {
			if (x.flags & ST_AF_LOCAL)
				r.target = x.id;
			st_actor_clear(&x);
		} else if (st_iri_get(t, json_string_value(v), &id) == 0 &&
		    st_object_peek(t, id, &o, NULL, NULL) == 0 &&
		    (o.flags & ST_OF_LOCAL))
			r.target = o.owner;
	}
	/* Also for the moderators of the community it concerns. */
	r.group = fed_group_of_report(t, objects, &r.target);
	if (r.target == 0 && r.group == 0) {
		json_decref(objects);
		f->ignored = 1;
		return 0;
	}
	doc = json_pack("{s:s,s:s,s:s,s:o,s:o}", "id", f->act->id, "type",
	    "Flag", "actor", f->from->iri, "object", objects, "content",
	    clean_html(json_object_get(f->act->doc, "content"), 1));
	rc = doc
	    ? store_activity(t, doc, f->act->id, 0, f->from->id, 0, &r.flag)
	    : ST_EIO;
	json_decref(doc);
	r.reporter = f->from->id;
	r.time = (uint64_t)time(NULL);
	return rc != 0 ? rc : st_report_add(t, &r);
}

/* The sender deletes itself: follows end both ways, and its record is
 * kept, marked deleted, so nothing more is taken from it. */
static int
delete_actor(struct st_txn *t, struct fed_inbox *f)
{
	uint64_t ids[256];
	struct st_actor a;
	int n, i, dir, rc = 0;

	for (dir = 0; dir < 2 && rc == 0; dir++)
		do {
			n = st_follow_list(
			    t, f->from->id, dir, -1, 0, ids, 256);
			for (i = 0; rc == 0 && i < n; i++)
				rc = dir
				    ? st_follow_del(t, ids[i], f->from->id)
				    : st_follow_del(t, f->from->id, ids[i]);
		} while (rc == 0 && n == 256);
	if (rc != 0 || (rc = st_actor_get(t, f->from->id, &a)) != 0)
		return rc;
	a.flags |= ST_AF_DELETED;
	rc = st_actor_put(t, &a);
	st_actor_clear(&a);
	return rc;
}

/* A remote actor blocks one of ours: follows end both ways (Mastodon). */
static int
block_in(struct st_txn *t, struct fed_inbox *f, struct err *e)
{
	struct st_actor x;
	int rc;

	if ((rc = local_target(t, f->act->object_id, &x, e)) != 0)
		return rc;
	rc = st_follow_del(t, f->from->id, x.id);
	if (rc == 0 || rc == ST_NOTFOUND)
		rc = st_follow_del(t, x.id, f->from->id);
	st_actor_clear(&x);
	return rc == ST_NOTFOUND ? 0 : rc;
}

int
fed_inbox_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct fed_inbox *f = arg;
	const char *type = f->act->type;
	int rc;

	if (f->from->flags & ST_AF_DELETED)
		return err_set(e, "this actor has been deleted"),
		       FED_IN_FORBIDDEN;
	/* Idempotent by id: a redelivery changes nothing. */
	if ((rc = st_seen_add(t, f->act->id, (uint64_t)time(NULL))) != 0) {
		if (rc == ST_EXISTS)
			f->duplicate = 1;
		return rc == ST_EXISTS ? 0 : rc;
	}
	if (!strcmp(type, "Follow"))
		return follow_in(t, f, e);
	if (!strcmp(type, "Undo"))
		return undo_in(t, f, e);
	if (!strcmp(type, "Accept"))
		return answer_in(t, f, 1, e);
	if (!strcmp(type, "Reject"))
		return answer_in(t, f, 0, e);
	if (!strcmp(type, "Create"))
		return create_in(t, f, e);
	if (!strcmp(type, "Update"))
		return update_in(t, f, e);
	if (!strcmp(type, "Delete"))
		return delete_in(t, f, e);
	if (!strcmp(type, "Block"))
		return block_in(t, f, e);
	if (!strcmp(type, "Like"))
		return react_in(t, f, ST_REACT_LIKE, e);
	if (!strcmp(type, "Announce"))
		return announce_in(t, f, e);
	if (!strcmp(type, "Flag"))
		return flag_in(t, f, e);
	f->ignored = 1;
	return 0;
}

/* ---- our side ---- */

int
fed_follow_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct fed_follow *f = arg;
	struct st_actor me, them;
	struct st_obj o;
	uint64_t act, follow_obj;
	json_t *follow;
	int rc, state;

	if ((rc = st_actor_get(t, f->follower, &me)) != 0)
		return rc;
	if ((rc = st_actor_get(t, f->target, &them)) != 0) {
		st_actor_clear(&me);
		return rc;
	}
	rc = st_follow_get(t, me.id, them.id, &state, &follow_obj);
	if (them.flags & ST_AF_LOCAL) {
		/* On this hub: no activity to send, the same rules. */
		if (f->undo)
			f->already = rc != 0;
		else
			f->already = rc == 0;
		if (f->undo && rc == 0)
			rc = st_follow_del(t, me.id, them.id);
		else if (!f->undo && rc != 0 && me.id == them.id)
			rc = (err_set(e, "you cannot follow yourself"),
			    ST_INVAL);
		else if (!f->undo && rc != 0 &&
		    (rc = st_follow_put(t, me.id, them.id,
			 (them.flags & ST_AF_LOCKED) ? ST_FOLLOW_PENDING
						     : ST_FOLLOW_ACCEPTED,
			 0)) == 0)
			rc = notify(t, them.id,
			    (them.flags & ST_AF_LOCKED) ? ST_N_FOLLOW_REQUEST
							: ST_N_FOLLOW,
			    me.id, 0);
		else
			rc = 0;
	} else if (!f->undo && rc == 0 && state == ST_FOLLOW_ACCEPTED) {
		f->already = 1;
		rc = 0;
	} else if (!f->undo) { /* new, or pending: (re)send the Follow */
		rc = fed_local_activity(t, &me, "Follow", json_string(them.iri),
		    them.iri, them.id, &act);
		if (rc == 0 &&
		    (rc = st_follow_put(
			 t, me.id, them.id, ST_FOLLOW_PENDING, act)) == 0)
			rc = queue(t, me.id, act, them.inbox);
	} else if (rc != 0) {
		f->already = 1; /* not following: nothing to undo */
		rc = 0;
	} else if ((follow = load_json(t, follow_obj, &o)) == NULL)
		rc = (err_set(e, "the Follow to undo is missing"), ST_EIO);
	else if ((rc = fed_local_activity(
		      t, &me, "Undo", follow, them.iri, them.id, &act)) == 0 &&
	    (rc = st_follow_del(t, me.id, them.id)) == 0)
		rc = queue(t, me.id, act, them.inbox);
	st_actor_clear(&me);
	st_actor_clear(&them);
	return rc;
}

int
fed_answer_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct fed_answer *a = arg;
	struct st_actor me, them;
	struct st_obj o;
	uint64_t obj, act;
	json_t *follow;
	int rc, state;

	if (st_follow_get(t, a->follower, a->me, &state, &obj) != 0 ||
	    state != ST_FOLLOW_PENDING)
		return err_set(e, "there is no follow request from them"),
		       ST_NOTFOUND;
	if ((rc = st_actor_get(t, a->me, &me)) != 0)
		return rc;
	if ((rc = st_actor_get(t, a->follower, &them)) != 0) {
		st_actor_clear(&me);
		return rc;
	}
	rc = a->accept
	    ? st_follow_put(t, a->follower, a->me, ST_FOLLOW_ACCEPTED, obj)
	    : st_follow_del(t, a->follower, a->me);
	if (rc == 0 && !(them.flags & ST_AF_LOCAL)) {
		if ((follow = load_json(t, obj, &o)) == NULL)
			rc = (err_set(e, "the follow request is missing"),
			    ST_EIO);
		else if ((rc = fed_local_activity(t, &me,
			      a->accept ? "Accept" : "Reject", follow, them.iri,
			      obj, &act)) == 0 &&
		    (rc = queue(t, me.id, act, them.inbox)) == 0)
			a->queued++;
	}
	st_actor_clear(&me);
	st_actor_clear(&them);
	return rc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct inboxes {
	char **v;
	size_t n, cap;
};

/* Add the inbox of remote actor id (its shared inbox when it has one). */
static void
add_inbox(struct st_txn *t, struct inboxes *x, uint64_t id)
{
	struct st_actor f;
	char **nv, *box;

	if (st_actor_get(t, id, &f) != 0)
		return;
	box = (f.flags & (ST_AF_LOCAL | ST_AF_DELETED))
	    ? NULL
	    : strdup(f.shared_inbox[0] ? f.shared_inbox : f.inbox);
	st_actor_clear(&f);
	if (box == NULL)
		return;
	if (x->n == x->cap) {
		x->cap = x->cap ? x->cap * 2 : 64;
		if ((nv = realloc(x->v, x->cap * sizeof(*nv))) == NULL) {
			free(box);
			return;
		}
		x->v = nv;
	}
	x->v[x->n++] = box;
}

/* The distinct inboxes of the accepted remote followers of the actors
 * of[0] and of[1] (0: none) and of the actors extra, sorted. */
static void
collect_inboxes(struct st_txn *t, const uint64_t of[2], const uint64_t *extra,
    size_t nextra, struct inboxes *x)
{
	uint64_t ids[256], after;
	size_t k, i;
	int got, j, s;

	memset(x, 0, sizeof(*x));
	for (s = 0; s < 2; s++)
		for (after = 0, got = of[s] ? 256 : 0; got == 256;) {
			got = st_follow_list(
			    t, of[s], 1, ST_FOLLOW_ACCEPTED, after, ids, 256);
			for (j = 0; j < got; j++) {
				after = ids[j];
				add_inbox(t, x, ids[j]);
			}
		}
	for (k = 0; k < nextra; k++)
		add_inbox(t, x, extra[k]);
	if (x->n > 1)
		qsort(x->v, x->n, sizeof(*x->v), cmp_str);
	for (k = 1, i = 1; x->n > 0 && k < x->n; k++) {
		if (strcmp(x->v[k], x->v[i - 1]) == 0)
			free(x->v[k]);
		else
			x->v[i++] = x->v[k];
	}
	if (x->n > 0)
		x->n = i;
}

int
fed_fanout_to(struct st_txn *t, uint64_t actor, uint64_t activity,
    int followers, const uint64_t *extra, size_t nextra, int *queued)
{
	return fed_fanout_with(
	    t, actor, activity, followers, 0, extra, nextra, queued);
}

int
fed_fanout_with(struct st_txn *t, uint64_t actor, uint64_t activity,
    int followers, uint64_t group, const uint64_t *extra, size_t nextra,
    int *queued)
{
	const uint64_t of[2] = { followers ? actor : 0, group };
	struct inboxes x;
	size_t i;
	int rc = 0;

	collect_inboxes(t, of, extra, nextra, &x);
	for (i = 0; i < x.n; i++) {
		if (rc == 0 && (rc = queue(t, actor, activity, x.v[i])) == 0 &&
		    queued != NULL)
			(*queued)++;
		free(x.v[i]);
	}
	free(x.v);
	return rc;
}

/* Queue to each inbox of group's followers the form its software reads:
 * wrapped (the Announce of the Create) to FEP-1b12 software, boost (the
 * Announce of the note's id) to microblog software, both where it is not
 * known. Either may be 0: nothing of that form is sent. */
static int
queue_forms(struct st_txn *t, uint64_t group, uint64_t wrapped, uint64_t boost,
    int *queued)
{
	struct st_instance in;
	struct inboxes x;
	char host[256];
	size_t i;
	int rc = 0, n = 0;

	collect_inboxes(t, (const uint64_t[2]){ group, 0 }, NULL, 0, &x);
	for (i = 0; i < x.n; i++) {
		fed_url_host(x.v[i], host, sizeof(host));
		if (st_instance_get(t, host, &in) != 0)
			in.groups = ST_GROUPS_UNKNOWN;
		if (rc == 0 && wrapped != 0 && in.groups != ST_GROUPS_BOOST &&
		    (rc = queue(t, group, wrapped, x.v[i])) == 0)
			n++;
		if (rc == 0 && boost != 0 && in.groups != ST_GROUPS_WRAPPED &&
		    (rc = queue(t, group, boost, x.v[i])) == 0)
			n++;
		free(x.v[i]);
	}
	free(x.v);
	if (queued != NULL)
		*queued += n;
	return rc;
}

int
fed_group_forms(struct st_txn *t, uint64_t group, uint64_t wrapped,
    uint64_t boost, int *queued)
{
	return queue_forms(t, group, wrapped, boost, queued);
}

int
fed_fanout(struct st_txn *t, uint64_t actor, uint64_t activity, int *queued)
{
	return fed_fanout_to(t, actor, activity, 1, NULL, 0, queued);
}
