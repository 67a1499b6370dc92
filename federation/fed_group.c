#include "fed_group.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "fed_as2.h"
#include "fed_html.h"
#include "fed_inbox.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_follow.h"
#include "st_object.h"
#include "st_social.h"

#define EXCERPT_MAX 140 /* bytes of a held post shown to moderators */

/* Set key (value stolen) on the stored local activity id. */
static int
set_property(struct st_txn *t, uint64_t id, const char *key, json_t *value)
{
	struct st_obj o;
	json_t *doc = fed_object_json(t, id, &o);
	int rc;

	if (doc == NULL) {
		json_decref(value);
		return ST_EIO;
	}
	json_object_set_new(doc, key, value);
	rc = fed_store_json(t, &o, doc);
	json_decref(doc);
	return rc;
}

int
fed_group_is_mod(struct st_txn *t, uint64_t group, uint64_t actor)
{
	struct st_actor a;
	int mod;

	if (st_actor_get(t, actor, &a) != 0)
		return 0;
	mod = st_glist_has(t, group, ST_GL_MOD, a.iri);
	st_actor_clear(&a);
	return mod;
}

int
fed_group_gate(struct st_txn *t, const struct st_actor *g, const json_t *note,
    uint64_t note_id, uint64_t author)
{
	struct st_pending p = { note_id, author, (uint64_t)time(NULL) };
	int rc;

	if (!(g->flags & (ST_AF_MODERATED | ST_AF_RESTRICTED)) ||
	    fed_group_is_mod(t, g->id, author))
		return 0;
	/* Lemmy's postingRestrictedToMods: only moderators start threads;
	 * replies in them stay open to members. */
	if ((g->flags & ST_AF_RESTRICTED) &&
	    json_string_value(json_object_get(note, "inReplyTo")) == NULL)
		return 1;
	if (!(g->flags & ST_AF_MODERATED))
		return 0;
	if ((rc = st_pending_put(t, g->id, &p)) != 0)
		return rc;
	return 1;
}

int
fed_group_review(struct st_txn *t, const struct st_actor *g, const char *iri,
    int accept, int *queued)
{
	struct st_pending p;
	struct st_obj o;
	uint64_t note;
	json_t *doc;
	int rc, state;

	if (st_iri_get(t, iri, &note) != 0 ||
	    st_pending_get(t, g->id, note, &p) != 0)
		return ST_NOTFOUND;
	if (accept) {
		if ((doc = fed_object_json(t, note, &o)) == NULL ||
		    o.kind != ST_K_NOTE) {
			json_decref(doc);
			return ST_GONE;
		}
		if (st_follow_get(t, p.author, g->id, &state, NULL) != 0 ||
		    state != ST_FOLLOW_ACCEPTED) {
			json_decref(doc);
			return FED_IN_FORBIDDEN;
		}
		rc = fed_group_relay_reviewed(
		    t, g->iri, doc, note, p.author, queued);
		json_decref(doc);
		if (rc != 0)
			return rc;
	}
	return st_pending_del(t, g->id, note);
}

/* The first EXCERPT_MAX bytes of the note's text, cut on a character. */
static json_t *
excerpt(const json_t *note)
{
	const char *html = json_string_value(json_object_get(note, "content"));
	struct buf b;
	json_t *out;
	size_t n;

	buf_init(&b, 64 * 1024);
	if (html != NULL)
		fed_html_text(html, strlen(html), &b);
	n = b.len;
	if (n > EXCERPT_MAX) {
		n = EXCERPT_MAX;
		while (n > 0 && ((unsigned char)b.data[n] & 0xc0) == 0x80)
			n--;
	}
	out = json_stringn(b.data ? b.data : "", n);
	buf_free(&b);
	return out;
}

/* The IRI of actor id ("" when not known). */
static json_t *
actor_iri(struct st_txn *t, uint64_t id)
{
	struct st_actor a;
	json_t *s;

	if (id == 0 || st_actor_get(t, id, &a) != 0)
		return json_string("");
	s = json_string(a.iri);
	st_actor_clear(&a);
	return s;
}

json_t *
fed_group_pending_json(struct st_txn *t, const struct st_pending *p)
{
	struct st_obj o;
	json_t *note = fed_object_json(t, p->note, &o), *it;
	char when[32];

	if (note == NULL ||
	    json_string_value(json_object_get(note, "id")) == NULL) {
		json_decref(note);
		return NULL;
	}
	fed_as2_time((time_t)p->time, when, sizeof(when));
	it = json_pack("{s:O,s:o,s:o,s:s}", "object",
	    json_object_get(note, "id"), "author", actor_iri(t, p->author),
	    "excerpt", excerpt(note), "held", when);
	if (o.kind != ST_K_NOTE)
		json_object_set_new(it, "deleted", json_true());
	json_decref(note);
	return it;
}

json_t *
fed_report_json(struct st_txn *t, const struct st_report *r)
{
	struct st_obj o;
	json_t *flag = fed_object_json(t, r->flag, &o), *it;
	json_t *objects = json_object_get(flag, "object");
	const char *says = json_string_value(json_object_get(flag, "content"));
	char when[32];

	fed_as2_time((time_t)r->time, when, sizeof(when));
	it = json_pack("{s:I,s:s,s:o,s:o,s:o,s:s}", "id", (json_int_t)r->id,
	    "created_at", when, "reporter", actor_iri(t, r->reporter), "target",
	    actor_iri(t, r->target), "objects",
	    json_is_array(objects) ? json_incref(objects)
		: objects	   ? json_pack("[O]", objects)
				   : json_array(),
	    "comment", says ? says : "");
	if (r->group != 0)
		json_object_set_new(it, "community", actor_iri(t, r->group));
	json_decref(flag);
	return it;
}

int
fed_group_mod_announce(struct st_txn *t, const struct st_actor *g,
    const char *member, int add, int *queued)
{
	char followers[600], mods[600];
	uint64_t act;
	int rc;

	snprintf(followers, sizeof(followers), "%s/followers", g->iri);
	snprintf(mods, sizeof(mods), "%s/moderators", g->iri);
	if ((rc = fed_local_activity_aud(t, g, add ? "Add" : "Remove",
		 json_string(member), json_pack("[s]", AS_PUBLIC),
		 json_pack("[s]", followers), 0, &act)) != 0 ||
	    (rc = set_property(t, act, "target", json_string(mods))) != 0)
		return rc;
	return fed_fanout_to(t, g->id, act, 1, NULL, 0, queued);
}

/* The id of the local community whose IRI is iri, or 0. */
static uint64_t
local_group(struct st_txn *t, const char *iri)
{
	struct st_actor g;
	uint64_t id = 0;

	if (iri == NULL || st_actor_by_iri(t, iri, &g) != 0)
		return 0;
	if ((g.flags & ST_AF_LOCAL) && g.kind == ST_AK_GROUP &&
	    !(g.flags & ST_AF_DELETED) && !strcmp(g.iri, iri))
		id = g.id;
	st_actor_clear(&g);
	return id;
}

/* The local community a note is in: named in its audience, to or cc
 * (each an id or a list), or, for a reply, its parent's. */
static uint64_t
note_group(struct st_txn *t, const json_t *note, int depth)
{
	static const char *const keys[] = { "audience", "to", "cc" };
	const char *irt = json_string_value(json_object_get(note, "inReplyTo"));
	const json_t *v, *x;
	struct st_obj o;
	uint64_t g = 0, pid;
	json_t *parent;
	size_t i, k;

	for (k = 0; k < 3 && g == 0; k++) {
		v = json_object_get(note, keys[k]);
		if (json_is_string(v))
			g = local_group(t, json_string_value(v));
		json_array_foreach(v, i, x) if (g == 0) g =
		    local_group(t, json_string_value(x));
	}
	if (g == 0 && depth == 0 && irt != NULL &&
	    st_iri_get(t, irt, &pid) == 0 &&
	    (parent = fed_object_json(t, pid, &o)) != NULL) {
		g = note_group(t, parent, 1);
		json_decref(parent);
	}
	return g;
}

uint64_t
fed_group_of_report(struct st_txn *t, const json_t *objects, uint64_t *target)
{
	const json_t *v;
	struct st_obj o;
	uint64_t g, id;
	json_t *doc;
	size_t i;

	json_array_foreach(objects, i, v)
	{
		if ((g = local_group(t, json_string_value(v))) != 0)
			return g;
		if (st_iri_get(t, json_string_value(v), &id) != 0 ||
		    (doc = fed_object_json(t, id, &o)) == NULL)
			continue;
		g = o.kind == ST_K_NOTE ? note_group(t, doc, 0) : 0;
		json_decref(doc);
		if (g != 0) {
			if (*target == 0)
				*target = o.owner;
			return g;
		}
	}
	return 0;
}

int
fed_report_local(struct st_txn *t, const struct st_actor *by, const char *iri,
    const char *comment, struct st_report *r)
{
	struct st_actor x;
	struct st_obj o;
	json_t *objects;
	uint64_t id;
	int rc;

	memset(r, 0, sizeof(*r));
	if (st_actor_by_iri(t, iri, &x) == 0) {
		r->target = x.id;
		st_actor_clear(&x);
	} else if (st_iri_get(t, iri, &id) == 0 &&
	    st_object_peek(t, id, &o, NULL, NULL) == 0 && o.kind == ST_K_NOTE)
		r->target = o.owner;
	else
		return ST_NOTFOUND;
	objects = json_pack("[s]", iri);
	r->group = fed_group_of_report(t, objects, &r->target);
	r->reporter = by->id;
	r->time = (uint64_t)time(NULL);
	if ((rc = fed_local_activity(
		 t, by, "Flag", objects, NULL, 0, &r->flag)) != 0 ||
	    (rc = set_property(t, r->flag, "content",
		 json_string(comment ? comment : ""))) != 0)
		return rc;
	return st_report_add(t, r);
}

/* A new Announce by the local group g of object (stolen), addressed as
 * its other Announces are: to Public, cc its followers. */
void
fed_group_address(const struct st_actor *g, json_t **to, json_t **cc)
{
	char followers[600];

	snprintf(followers, sizeof(followers), "%s/followers", g->iri);
	if (g->flags & ST_AF_PRIVATE) {
		*to = json_pack("[s]", followers);
		*cc = NULL;
	} else {
		*to = json_pack("[s]", AS_PUBLIC);
		*cc = json_pack("[s]", followers);
	}
}

static int
group_announce(struct st_txn *t, const struct st_actor *g, json_t *object,
    uint64_t parent, uint64_t *id)
{
	json_t *to, *cc;

	fed_group_address(g, &to, &cc);
	return fed_local_activity_aud(
	    t, g, "Announce", object, to, cc, parent, id);
}

/* The stored local activity id as JSON to embed (no @context). */
static json_t *
embeddable(struct st_txn *t, uint64_t id)
{
	struct st_obj o;
	json_t *doc = fed_object_json(t, id, &o);

	json_object_del(doc, "@context");
	return doc;
}

int
fed_group_take_out(struct st_txn *t, const struct st_actor *g,
    const struct st_actor *by, const char *note_iri, uint64_t note,
    uint64_t undo, int *queued)
{
	uint64_t del, ann;
	json_t *doc, *to, *cc;
	int rc;

	fed_group_address(g, &to, &cc);
	if ((rc = fed_local_activity_aud(t, by != NULL ? by : g, "Delete",
		 json_string(note_iri), to, cc, note, &del)) != 0)
		return rc;
	if ((doc = embeddable(t, del)) == NULL)
		return ST_EIO;
	if ((rc = group_announce(t, g, doc, note, &ann)) != 0)
		return rc;
	return fed_group_forms(t, g->id, ann, undo, queued);
}

struct update_ctx {
	uint64_t note;
	const json_t *update;
	uint64_t done[8]; /* groups that passed it on already */
	size_t ndone;
	int *queued;
};

/* One of the actors the edited note is posted into: if it is a local
 * community that passed the note on, it passes the edit on. */
static int
update_each(struct st_txn *t, const char *iri, void *arg)
{
	struct update_ctx *c = arg;
	struct st_actor g;
	struct st_obj o;
	uint64_t id = local_group(t, iri), act;
	size_t i;
	int rc;

	for (i = 0; i < c->ndone && c->done[i] != id; i++)
		;
	/* Not for an author banned since: their edits are not passed on. */
	if (id == 0 || i < c->ndone || c->ndone == 8 ||
	    st_react_get(t, c->note, ST_REACT_ANNOUNCE, id, NULL) != 0 ||
	    st_object_peek(t, c->note, &o, NULL, NULL) != 0 ||
	    fed_group_banned(t, id, o.owner) || st_actor_get(t, id, &g) != 0)
		return 0;
	c->done[c->ndone++] = id;
	if ((rc = group_announce(
		 t, &g, json_deep_copy(c->update), c->note, &act)) == 0)
		rc = fed_group_forms(t, g.id, act, 0, c->queued);
	st_actor_clear(&g);
	return rc;
}

int
fed_group_update(
    struct st_txn *t, uint64_t note, const json_t *update, int *queued)
{
	struct update_ctx c = { note, update, { 0 }, 0, queued };
	const json_t *obj = json_object_get(update, "object");

	if (!json_is_object(obj))
		return ST_INVAL;
	return fed_note_groups_each(t, obj, update_each, &c);
}

json_t *
fed_actor_brief(struct st_txn *t, uint64_t id)
{
	struct st_actor a;
	json_t *doc;

	if (st_actor_get(t, id, &a) != 0)
		return NULL;
	doc = json_pack("{s:s,s:s,s:s}", "id", a.iri, "preferredUsername",
	    a.name, "name", a.display_name[0] ? a.display_name : a.name);
	st_actor_clear(&a);
	return doc;
}

json_t *
fed_group_post_json(struct st_txn *t, uint64_t note)
{
	static const char *const keys[] = { "id", "published", "updated",
		"summary", "content", "inReplyTo", "url" };
	uint64_t replies = 0;
	struct st_obj o;
	json_t *doc = fed_object_json(t, note, &o), *it, *author;
	size_t i;

	if (doc == NULL || o.kind != ST_K_NOTE ||
	    json_string_value(json_object_get(doc, "id")) == NULL) {
		json_decref(doc);
		return NULL; /* deleted since */
	}
	it = json_object();
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (json_object_get(doc, keys[i]) != NULL &&
		    !json_is_null(json_object_get(doc, keys[i])))
			json_object_set(
			    it, keys[i], json_object_get(doc, keys[i]));
	json_object_set_new(it, "excerpt", excerpt(doc));
	if ((author = fed_actor_brief(t, o.owner)) != NULL)
		json_object_set_new(it, "author", author);
	st_reply_count(t, note, &replies);
	json_object_set_new(
	    it, "replies_count", json_integer((json_int_t)replies));
	json_decref(doc);
	return it;
}
