#include "anon.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "config.h"
#include "err.h"
#include "fed_as2.h"
#include "fed_group.h"
#include "fed_inbox.h"
#include "group.h"
#include "hub.h"
#include "markdown.h"
#include "st_actor.h"
#include "st_anon.h"
#include "st_db.h"
#include "st_follow.h"
#include "st_object.h"
#include "st_social.h"
#include "text.h"

#define REVIEW_PREFIX "anonymous:"
#define EXCERPT_MAX   140 /* bytes of a waiting post shown to moderators */
#define DAY	      86400

/* Why a handle is not found: the same words whether it does not exist
 * or is someone else's (so nobody learns which). */
#define NO_SUCH_HANDLE                                                         \
	"you have no anonymous post with that handle: \"hubctl anon list\" "   \
	"(GET /api/hub/anonymous) shows yours"

static const char *const state_names[] = { "", "waiting", "published",
	"rejected" };

static void
hex_of(const unsigned char *id, char *out)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < ST_ANON_ID; i++) {
		out[2 * i] = digits[id[i] >> 4];
		out[2 * i + 1] = digits[id[i] & 15];
	}
	out[2 * ST_ANON_ID] = '\0';
}

/* 32 lowercase hex digits into id; -1 when s is not that. */
static int
id_of_hex(const char *s, unsigned char *id)
{
	int i, hi, lo;

	if (s == NULL || strlen(s) != 2 * ST_ANON_ID)
		return -1;
	for (i = 0; i < ST_ANON_ID; i++) {
		hi = OPENSSL_hexchar2int((unsigned char)s[2 * i]);
		lo = OPENSSL_hexchar2int((unsigned char)s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		id[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

/* The text may be an anonymous post's: a note's text that names nobody
 * (a mention would notify someone, at the time of writing). */
static int
check_anon_text(const char *text, struct err *e)
{
	struct text_mention m[1];
	int rc;

	if ((rc = hub_text_check(text, NULL, e)) != 0 ||
	    (rc = hub_pii_check(text, NULL, e)) != 0)
		return rc;
	if (text_mentions(text, m, 1) > 0)
		return err_set(e,
			   "an anonymous post cannot mention anyone (a "
			   "mention notifies them when you write it): take "
			   "out the @name"),
		       HUB_INVALID;
	return 0;
}

/* The local member name, who may post: *a (st_actor_clear). */
static int
author_of(struct st_txn *t, const char *name, struct st_actor *a, struct err *e)
{
	if (hub_named(t, name, a) != 0)
		return err_set(e, "this account no longer exists"), ST_NOTFOUND;
	if (a->kind != ST_AK_PERSON || (a->flags & ST_AF_DISABLED)) {
		st_actor_clear(a);
		return err_set(e, "only members' accounts can post"),
		       HUB_FORBIDDEN;
	}
	return 0;
}

/* ---- the community's post ---- */

/* The Note of an anonymous post: the community's own, in it. */
static json_t *
note_doc(struct hub *h, const struct st_actor *g, const char *iri,
    const char *text, int vis, time_t published, time_t updated)
{
	char tags[TEXT_MAX_TAGS][TEXT_TAG_MAX + 1], followers[600];
	const char *tagp[TEXT_MAX_TAGS];
	int i, ntags = text_hashtags(text, tags, TEXT_MAX_TAGS);
	struct buf b;
	json_t *note;

	for (i = 0; i < ntags; i++)
		tagp[i] = tags[i];
	snprintf(followers, sizeof(followers), "%s/followers", g->iri);
	buf_init(&b, 256 * 1024);
	if (markdown_to_safe_html(text, h->cfg->base_url, NULL, 0, &b) < 0 ||
	    b.data == NULL) {
		buf_free(&b);
		return NULL;
	}
	note = fed_as2_note(&(struct fed_note){ .id = iri,
	    .url = iri,
	    .attributed_to = g->iri,
	    .followers = followers,
	    .content = b.data,
	    .audience = g->iri,
	    /* In a private community, to its members only. */
	    .members = (g->flags & ST_AF_PRIVATE) ? followers : NULL,
	    .base_url = h->cfg->base_url,
	    .tags = tagp,
	    .ntags = (size_t)ntags,
	    .published = published,
	    .updated = updated,
	    .vis = vis });
	buf_free(&b);
	return note;
}

/* Index (add) or unindex the hashtags of note id. */
static int
index_tags(struct st_txn *t, const json_t *note, uint64_t id, int add)
{
	const json_t *tag;
	const char *name;
	size_t i;
	int rc = 0;

	json_array_foreach(json_object_get(note, "tag"), i, tag)
	{
		name = json_string_value(json_object_get(tag, "name"));
		if (name != NULL && name[0] == '#' && rc == 0)
			rc = add ? st_tag_add(t, name + 1, id)
				 : st_tag_del(t, name + 1, id);
	}
	return rc;
}

/* Store the note (o), its Create (o->parent, at act_iri), the
 * community's outbox entry and its tags, as a member's note is stored. */
static int
store_docs(
    struct st_txn *t, struct st_obj *o, const char *act_iri, const json_t *note)
{
	int rc = hub_note_store(t, o, act_iri, note, 1);

	return rc != 0 ? rc : index_tags(t, note, o->id, 1);
}

/* A moderator accepted d: it becomes g's post now, under an id made now
 * (nothing in it dates from the submission), and g sends it: its Create
 * to microblog software (Mastodon shows it as g's post) and the Announce
 * of that Create to FEP-1b12 software, each instance the form it reads. */
static int
publish(struct st_txn *t, struct hub *h, const struct st_actor *g,
    struct st_anon *d, int *queued)
{
	char iri[600], act_iri[640], followers[600];
	time_t now = time(NULL);
	uint64_t id, act, wrapped;
	struct st_obj o, co;
	json_t *note, *create;
	int rc, private_ = (g->flags & ST_AF_PRIVATE) != 0;

	if ((rc = st_id_next(t, &id)) != 0 || (rc = st_id_next(t, &act)) != 0)
		return rc;
	snprintf(
	    iri, sizeof(iri), "%s/posts/%llu", g->iri, (unsigned long long)id);
	snprintf(act_iri, sizeof(act_iri), "%s/activity", iri);
	snprintf(followers, sizeof(followers), "%s/followers", g->iri);
	if ((note = note_doc(h, g, iri, d->text, d->vis, now, 0)) == NULL)
		return ST_EIO;
	o = (struct st_obj){ .id = id,
		.kind = ST_K_NOTE,
		.ctx = ST_CTX_AS,
		.flags = ST_OF_LOCAL,
		.vis = d->vis,
		.owner = g->id,
		.published = (uint64_t)now,
		.parent = act };
	if ((rc = st_iri_put(t, iri, id)) == 0 &&
	    (rc = st_iri_put(t, act_iri, act)) == 0 &&
	    (rc = store_docs(t, &o, act_iri, note)) == 0 &&
	    (private_ || (rc = st_counter_add(t, "local_posts", 1)) == 0) &&
	    (rc = st_actor_touch(t, g->id, private_ ? 0 : 1, (uint64_t)now)) ==
		0 &&
	    (rc = fed_home_fanout(t, g->id, id)) == 0)
		rc = (create = fed_object_json(t, act, &co)) == NULL
		    ? ST_EIO
		    : fed_local_activity_aud(t, g, "Announce", create,
			  json_pack("[s]", private_ ? followers : AS_PUBLIC),
			  private_ ? NULL : json_pack("[s]", followers), id,
			  &wrapped);
	json_decref(note);
	if (rc == 0)
		rc = fed_group_forms(t, g->id, wrapped, act, queued);
	d->note = id;
	d->state = ST_ANON_PUBLISHED;
	return rc != 0 ? rc : st_anon_put(t, d);
}

/* The author edited the published post: g stores and sends the Update. */
static int
update(struct st_txn *t, struct hub *h, const struct st_actor *g,
    const struct st_anon *d, const char *text, int *queued)
{
	char act_iri[640];
	struct st_obj o;
	json_t *old, *note = NULL;
	uint64_t upd;
	int rc;

	if ((old = fed_object_json(t, d->note, &o)) == NULL ||
	    o.kind != ST_K_NOTE) {
		json_decref(old);
		return ST_GONE;
	}
	snprintf(act_iri, sizeof(act_iri), "%s/activity",
	    json_string_value(json_object_get(old, "id")));
	rc = index_tags(t, old, o.id, 0);
	if (rc == 0 &&
	    (note = note_doc(h, g,
		 json_string_value(json_object_get(old, "id")), text, o.vis,
		 (time_t)o.published, time(NULL))) == NULL)
		rc = ST_EIO;
	json_decref(old);
	if (rc == 0 && (rc = store_docs(t, &o, act_iri, note)) == 0 &&
	    (rc = fed_local_activity_aud(t, g, "Update", json_incref(note),
		 json_deep_copy(json_object_get(note, "to")),
		 json_deep_copy(json_object_get(note, "cc")), o.id, &upd)) == 0)
		rc = fed_fanout(t, g->id, upd, queued);
	json_decref(note);
	return rc;
}

/* ---- the author's side ---- */

struct submit_job {
	const char *name, *group, *text;
	int vis;
	unsigned char handle[ST_ANON_ID];
};

/* The community named group, which the member a may post into. */
static int
community_for(struct st_txn *t, const char *group, const struct st_actor *a,
    struct st_actor *g, struct err *e)
{
	int state = -1, rc;

	if ((rc = hub_group_moderator(t, group, NULL, g, e)) != 0)
		return rc;
	if (st_follow_get(t, a->id, g->id, &state, NULL) != 0 ||
	    state != ST_FOLLOW_ACCEPTED || fed_group_banned(t, g->id, a->id))
		rc = (err_set(e,
			  "only members of \"%s\" may post into it "
			  "anonymously: join the community first (follow it)",
			  group),
		    HUB_FORBIDDEN);
	else if ((g->flags & ST_AF_RESTRICTED) &&
	    !fed_group_is_mod(t, g->id, a->id))
		rc = (err_set(e,
			  "only the moderators of \"%s\" start threads in it",
			  group),
		    HUB_FORBIDDEN);
	if (rc != 0)
		st_actor_clear(g);
	return rc;
}

static int
submit_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct submit_job *j = arg;
	time_t now = time(NULL);
	struct st_actor a, g;
	struct st_anon d = { 0 };
	int rc;

	if ((rc = author_of(t, j->name, &a, e)) != 0)
		return rc;
	if ((rc = community_for(t, j->group, &a, &g, e)) != 0) {
		st_actor_clear(&a);
		return rc;
	}
	/* Both ids random: neither says who, nor when. */
	if (RAND_bytes(d.handle, ST_ANON_ID) != 1 ||
	    RAND_bytes(d.review, ST_ANON_ID) != 1)
		rc = (err_set(e, "no randomness available"), ST_EIO);
	d.author = a.id;
	d.group = g.id;
	d.day = (uint64_t)(now - now % DAY);
	d.state = ST_ANON_WAITING;
	/* A private community's posts are for its members only. */
	d.vis = (uint8_t)((g.flags & ST_AF_PRIVATE) ? ST_VIS_DIRECT : j->vis);
	d.text = (char *)j->text;
	if (rc == 0 && (rc = st_anon_put(t, &d)) != 0)
		err_set(e, "cannot keep the post: %s", st_strerror(rc));
	memcpy(j->handle, d.handle, ST_ANON_ID);
	st_actor_clear(&a);
	st_actor_clear(&g);
	return rc;
}

int
hub_anon_submit(struct hub *h, const char *name, const char *group,
    const char *text, int vis, char handle[HUB_ANON_HANDLE_LEN], struct err *e)
{
	struct submit_job j = { name, group, text, vis, { 0 } };
	int rc;

	if (group == NULL || group[0] == '\0')
		return err_set(e,
			   "an anonymous post goes into a community: name "
			   "it (--group COMMUNITY, or \"community\")"),
		       HUB_INVALID;
	if (vis != ST_VIS_PUBLIC && vis != ST_VIS_UNLISTED)
		return err_set(e,
			   "anonymous posts are public or unlisted: "
			   "communities have no private posts yet"),
		       HUB_INVALID;
	if ((rc = check_anon_text(text, e)) != 0)
		return rc;
	/* No log line here, at any level: the request is the author's. */
	if ((rc = st_write(h->db, submit_apply, &j, e)) == 0)
		hex_of(j.handle, handle);
	return rc;
}

/* The state of d as its author sees it. */
static const char *
state_of(struct st_txn *t, const struct st_anon *d, json_t **url)
{
	struct st_obj o;
	json_t *note;

	*url = NULL;
	if (d->state != ST_ANON_PUBLISHED)
		return d->state <= ST_ANON_REJECTED ? state_names[d->state]
						    : "unknown";
	if ((note = fed_object_json(t, d->note, &o)) == NULL)
		return "removed";
	*url = json_incref(json_object_get(note, "id"));
	json_decref(note);
	return o.kind == ST_K_NOTE ? "published" : "removed";
}

struct list_ctx {
	struct st_txn *t;
	json_t *items;
};

static int
list_one(void *ctx, const struct st_anon *d)
{
	struct list_ctx *x = ctx;
	char handle[HUB_ANON_HANDLE_LEN], day[32];
	struct st_actor g;
	json_t *url, *it;

	hex_of(d->handle, handle);
	fed_as2_time((time_t)d->day, day, sizeof(day));
	it = json_pack("{s:s,s:s,s:s,s:s}", "handle", handle, "state",
	    state_of(x->t, d, &url), "text", d->text ? d->text : "",
	    "submitted", day);
	if (url != NULL)
		json_object_set_new(it, "url", url);
	if (st_actor_get(x->t, d->group, &g) == 0) {
		json_object_set_new(it, "community", json_string(g.iri));
		st_actor_clear(&g);
	}
	json_array_append_new(x->items, it);
	return json_array_size(x->items) >= 1000;
}

json_t *
hub_anon_list(struct hub *h, const char *name, int *rc, struct err *e)
{
	struct list_ctx x = { NULL, json_array() };
	struct st_actor a;

	if ((*rc = st_read_begin(h->db, &x.t)) != 0) {
		json_decref(x.items);
		return err_set(e, "storage is not available"), NULL;
	}
	if ((*rc = author_of(x.t, name, &a, e)) == 0) {
		*rc = st_anon_each(x.t, a.id, 0, list_one, &x);
		st_actor_clear(&a);
	}
	st_read_end(x.t);
	if (*rc != 0) {
		json_decref(x.items);
		return NULL;
	}
	return json_pack("{s:o}", "items", x.items);
}

struct change_job {
	struct hub *h;
	const char *name, *text; /* text NULL: delete */
	unsigned char handle[ST_ANON_ID];
	int queued;
};

/* A published post: g updates or deletes it; a removed one is only
 * forgotten (delete) or refused (edit). */
static int
change_published(
    struct st_txn *t, struct change_job *j, struct st_anon *d, struct err *e)
{
	struct st_actor g;
	struct st_obj o;
	int rc;

	if (st_object_get(t, d->note, &o, NULL) != 0 || o.kind != ST_K_NOTE) {
		if (j->text != NULL)
			return err_set(e,
				   "the community's moderators removed this "
				   "post: it can only be deleted from your "
				   "list"),
			       ST_GONE;
		return st_anon_del(t, d);
	}
	if (j->text == NULL) {
		if ((rc = hub_note_delete_tx(t, d->note, e)) == 0)
			rc = st_anon_del(t, d);
		return rc;
	}
	if ((rc = st_actor_get(t, d->group, &g)) != 0)
		return err_set(e, "the community no longer exists"), ST_GONE;
	rc = update(t, j->h, &g, d, j->text, &j->queued);
	st_actor_clear(&g);
	if (rc != 0)
		err_set(e, "cannot store the edit: %s", st_strerror(rc));
	return rc;
}

static int
change_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct change_job *j = arg;
	struct st_actor a;
	struct st_anon d;
	int rc;

	if ((rc = author_of(t, j->name, &a, e)) != 0)
		return rc;
	rc = st_anon_get(t, a.id, j->handle, &d);
	st_actor_clear(&a);
	if (rc != 0)
		return err_set(e, NO_SUCH_HANDLE), ST_NOTFOUND;
	if (d.state == ST_ANON_PUBLISHED)
		rc = change_published(t, j, &d, e);
	else if (j->text == NULL)
		rc = st_anon_del(t, &d); /* withdrawn, or a rejected one */
	else if (d.state == ST_ANON_REJECTED)
		rc = (err_set(e,
			  "the moderators rejected this post, so it cannot "
			  "be edited: delete it, or submit a new one"),
		    HUB_INVALID);
	else {
		free(d.text);
		d.text = strdup(j->text);
		rc = d.text ? st_anon_put(t, &d) : ST_EIO;
	}
	st_anon_clear(&d);
	return rc;
}

int
hub_anon_change(struct hub *h, const char *name, const char *handle,
    const char *text, int *queued, struct err *e)
{
	struct change_job j = { h, name, text, { 0 }, 0 };
	int rc;

	if (id_of_hex(handle, j.handle) < 0)
		return err_set(e, NO_SUCH_HANDLE), ST_NOTFOUND;
	if (text != NULL && (rc = check_anon_text(text, e)) != 0)
		return rc;
	rc = st_write(h->db, change_apply, &j, e);
	if (queued != NULL)
		*queued = j.queued;
	return rc;
}

/* ---- the moderators' side ---- */

struct pending_ctx {
	json_t *items;
};

static int
pending_one(void *ctx, const struct st_anon *d)
{
	struct pending_ctx *x = ctx;
	char what[sizeof(REVIEW_PREFIX) + 2 * ST_ANON_ID], day[32];
	size_t n = d->text ? strlen(d->text) : 0;

	memcpy(what, REVIEW_PREFIX, sizeof(REVIEW_PREFIX) - 1);
	hex_of(d->review, what + sizeof(REVIEW_PREFIX) - 1);
	if (n > EXCERPT_MAX) {
		n = EXCERPT_MAX;
		while (n > 0 && ((unsigned char)d->text[n] & 0xc0) == 0x80)
			n--;
	}
	/* The day only: the hour could point at who was at work. */
	fed_as2_time((time_t)d->day, day, sizeof(day));
	json_array_append_new(x->items,
	    json_pack("{s:s,s:s,s:b,s:s%,s:s}", "object", what, "author",
		"anonymous member", "anonymous", 1, "excerpt",
		d->text ? d->text : "", n, "held", day));
	return json_array_size(x->items) >= 1000;
}

void
hub_anon_pending(struct st_txn *t, const struct st_actor *g, json_t *items)
{
	struct pending_ctx x = { items };

	st_anon_each(t, 0, g->id, pending_one, &x);
}

int
hub_anon_is_review(const char *what)
{
	return what != NULL &&
	    !strncmp(what, REVIEW_PREFIX, sizeof(REVIEW_PREFIX) - 1);
}

int
hub_anon_review(struct st_txn *t, struct hub *h, const struct st_actor *g,
    const char *what, int accept, int *queued)
{
	unsigned char review[ST_ANON_ID];
	struct st_anon d;
	int rc;

	if (!hub_anon_is_review(what) ||
	    id_of_hex(what + sizeof(REVIEW_PREFIX) - 1, review) < 0 ||
	    st_anon_by_review(t, g->id, review, &d) != 0)
		return ST_NOTFOUND;
	/* Whether its author is still a member, or banned since, is not
	 * asked: an answer that depended on it would tell moderators who
	 * wrote it. They judge the words. */
	if (accept)
		rc = publish(t, h, g, &d, queued);
	else {
		d.state = ST_ANON_REJECTED;
		rc = st_anon_put(t, &d);
	}
	st_anon_clear(&d);
	return rc;
}
