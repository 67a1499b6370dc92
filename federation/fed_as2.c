#include "fed_as2.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fed_learning.h"
#include "st_actor.h"
#include "st_object.h"

static const char ctx_as[] =
    "[\"https://www.w3.org/ns/activitystreams\",{\"sensitive\":"
    "\"as:sensitive\",\"Hashtag\":\"as:Hashtag\"}]";
static const char ctx_actor[] =
    "[\"https://www.w3.org/ns/activitystreams\","
    "\"https://w3id.org/security/v1\",{"
    "\"manuallyApprovesFollowers\":\"as:manuallyApprovesFollowers\","
    "\"toot\":\"http://joinmastodon.org/ns#\","
    "\"discoverable\":\"toot:discoverable\","
    "\"indexable\":\"toot:indexable\","
    "\"featured\":{\"@id\":\"toot:featured\",\"@type\":\"@id\"},"
    "\"lemmy\":\"https://join-lemmy.org/ns#\","
    "\"postingRestrictedToMods\":\"lemmy:postingRestrictedToMods\"}]";

const char *
fed_as2_context(int ctx)
{
	switch (ctx) {
	case ST_CTX_AS: return ctx_as;
	case ST_CTX_ACTOR: return ctx_actor;
	case ST_CTX_LEARNING: return ctx_as;
	default: return NULL;
	}
}

int
fed_as2_wrap(struct buf *out, int ctx, const char *json, size_t len)
{
	return fed_as2_wrap_base(out, ctx, NULL, json, len);
}

int
fed_as2_wrap_base(struct buf *out, int ctx, const char *base_url,
    const char *json, size_t len)
{
	const char *c = fed_as2_context(ctx);

	if (c == NULL || len < 2 || json[0] != '{')
		return buf_add(out, json, len);
	buf_adds(out, "{\"@context\":");
	if (ctx == ST_CTX_LEARNING && base_url != NULL) {
		/* ctx_as with the hub's own context second: its terms
		 * (learning, LearningPost, ...) are defined there. */
		size_t as =
		    sizeof("[\"https://www.w3.org/ns/activitystreams\"") - 1;

		buf_add(out, c, as);
		buf_adds(out, ",\"");
		buf_adds(out, base_url);
		buf_adds(out, FED_LEARNING_NS_PATH "\"");
		buf_adds(out, c + as);
	} else
		buf_adds(out, c);
	if (len > 2)
		buf_addc(out, ',');
	return buf_add(out, json + 1, len - 1);
}

char *
fed_as2_dump(const json_t *doc, size_t *len)
{
	char *s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);

	if (s != NULL && len != NULL)
		*len = strlen(s);
	return s;
}

void
fed_as2_time(time_t t, char *out, size_t cap)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const char *
actor_type(int kind)
{
	switch (kind) {
	case ST_AK_GROUP: return "Group";
	case ST_AK_APPLICATION: return "Application";
	default: return "Person";
	}
}

/* Set key to prefix + suffix. */
static void
set_iri(json_t *o, const char *key, const char *prefix, const char *suffix)
{
	size_t n = strlen(prefix) + strlen(suffix) + 1;
	char *s = malloc(n);

	if (s == NULL)
		return;
	snprintf(s, n, "%s%s", prefix, suffix);
	json_object_set_new(o, key, json_string(s));
	free(s);
}

json_t *
fed_as2_actor(
    const struct st_actor *a, const char *base_url, const char *summary_html)
{
	char when[32];
	json_t *o = json_object(), *key;

	fed_as2_time((time_t)a->created, when, sizeof(when));
	json_object_set_new(o, "id", json_string(a->iri));
	json_object_set_new(o, "type", json_string(actor_type(a->kind)));
	json_object_set_new(o, "preferredUsername", json_string(a->name));
	json_object_set_new(o, "name",
	    json_string(a->display_name[0] ? a->display_name : a->name));
	json_object_set_new(o, "summary", json_string(summary_html));
	json_object_set_new(o, "url", json_string(a->iri));
	set_iri(o, "inbox", a->iri, "/inbox");
	set_iri(o, "outbox", a->iri, "/outbox");
	set_iri(o, "followers", a->iri, "/followers");
	set_iri(o, "following", a->iri, "/following");
	set_iri(o, "featured", a->iri, "/collections/featured");
	if (a->kind == ST_AK_GROUP) {
		set_iri(o, "attributedTo", a->iri, "/moderators");
		json_object_set_new(o, "postingRestrictedToMods",
		    json_boolean(a->flags & ST_AF_RESTRICTED));
	}
	json_object_set_new(o, "manuallyApprovesFollowers",
	    json_boolean(a->flags & ST_AF_LOCKED));
	json_object_set_new(
	    o, "discoverable", json_boolean(a->kind != ST_AK_APPLICATION));
	json_object_set_new(o, "indexable",
	    json_boolean(a->kind == ST_AK_PERSON || a->kind == ST_AK_GROUP));
	json_object_set_new(o, "published", json_string(when));
	json_object_set_new(o, "endpoints", json_object());
	set_iri(
	    json_object_get(o, "endpoints"), "sharedInbox", base_url, "/inbox");
	key = json_object();
	set_iri(key, "id", a->iri, "#main-key");
	json_object_set_new(key, "owner", json_string(a->iri));
	json_object_set_new(key, "publicKeyPem", json_string(a->pubkey_pem));
	json_object_set_new(o, "publicKey", key);
	return o;
}

/* to/cc by visibility (INTEROP.md "Addressing"). */
static void
set_audience(json_t *o, const struct fed_note *n)
{
	json_t *to = json_array(), *cc = json_array();
	const char *followers = n->followers;
	int vis = n->vis;
	size_t i;

	switch (vis) {
	case ST_VIS_PUBLIC:
		json_array_append_new(to, json_string(AS_PUBLIC));
		json_array_append_new(cc, json_string(followers));
		break;
	case ST_VIS_UNLISTED:
		json_array_append_new(to, json_string(followers));
		json_array_append_new(cc, json_string(AS_PUBLIC));
		break;
	case ST_VIS_FOLLOWERS:
		json_array_append_new(to, json_string(followers));
		break;
	default: break;
	}
	if (n->members != NULL) /* a private community's post */
		json_array_append_new(to, json_string(n->members));
	for (i = 0; i < n->nmentions; i++)
		json_array_append_new(vis == ST_VIS_DIRECT ? to : cc,
		    json_string(n->mentions[i]));
	json_object_set_new(o, "to", to);
	json_object_set_new(o, "cc", cc);
}

static json_t *
hashtags(const struct fed_note *n)
{
	json_t *tags = json_array();
	char href[512], name[80];
	size_t i;

	for (i = 0; i < n->ntags; i++) {
		snprintf(
		    href, sizeof(href), "%s/tags/%s", n->base_url, n->tags[i]);
		snprintf(name, sizeof(name), "#%s", n->tags[i]);
		json_array_append_new(tags,
		    json_pack("{s:s,s:s,s:s}", "type", "Hashtag", "href", href,
			"name", name));
	}
	for (i = 0; i < n->nmentions; i++)
		json_array_append_new(tags,
		    json_pack("{s:s,s:s,s:s}", "type", "Mention", "href",
			n->mentions[i], "name", n->mention_names[i]));
	return tags;
}

json_t *
fed_as2_note(const struct fed_note *n)
{
	char when[32], iri[700];
	json_t *o = json_object();

	fed_as2_time(n->published, when, sizeof(when));
	json_object_set_new(o, "id", json_string(n->id));
	json_object_set_new(o, "type", json_string("Note"));
	json_object_set_new(o, "url", json_string(n->url));
	json_object_set_new(o, "attributedTo", json_string(n->attributed_to));
	json_object_set_new(o, "published", json_string(when));
	if (n->updated != 0) {
		fed_as2_time(n->updated, when, sizeof(when));
		json_object_set_new(o, "updated", json_string(when));
	}
	set_audience(o, n);
	if (n->audience != NULL)
		json_object_set_new(o, "audience", json_string(n->audience));
	json_object_set_new(o, "inReplyTo",
	    n->in_reply_to ? json_string(n->in_reply_to) : json_null());
	json_object_set_new(
	    o, "summary", n->summary ? json_string(n->summary) : json_null());
	json_object_set_new(o, "sensitive", json_boolean(n->summary != NULL));
	json_object_set_new(o, "content", json_string(n->content));
	json_object_set_new(o, "tag", hashtags(n));
	snprintf(iri, sizeof(iri), "%s/replies", n->id);
	json_object_set_new(o, "replies", json_string(iri));
	snprintf(iri, sizeof(iri), "%s/likes", n->id);
	json_object_set_new(o, "likes", json_string(iri));
	snprintf(iri, sizeof(iri), "%s/shares", n->id);
	json_object_set_new(o, "shares", json_string(iri));
	return o;
}

json_t *
fed_as2_create(const char *id, const char *actor, json_t *note)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "type", json_string("Create"));
	json_object_set_new(o, "actor", json_string(actor));
	json_object_set(o, "published", json_object_get(note, "published"));
	json_object_set(o, "to", json_object_get(note, "to"));
	json_object_set(o, "cc", json_object_get(note, "cc"));
	json_object_set(o, "object", note);
	return o;
}

char *
fed_as2_create_dump(const char *id, const char *actor, const json_t *note,
    const char *note_js, size_t note_len, size_t *len)
{
	json_t *env = json_object();
	size_t hl, n;
	char *head, *out;

	json_object_set_new(env, "id", json_string(id));
	json_object_set_new(env, "type", json_string("Create"));
	json_object_set_new(env, "actor", json_string(actor));
	json_object_set(env, "published", json_object_get(note, "published"));
	json_object_set(env, "to", json_object_get(note, "to"));
	json_object_set(env, "cc", json_object_get(note, "cc"));
	head = fed_as2_dump(env, &hl);
	json_decref(env);
	if (head == NULL || hl < 2)
		return free(head), NULL;
	/* head is {...}: drop its '}', add ,"object":NOTE} */
	n = hl - 1 + 10 + note_len + 1;
	if ((out = malloc(n + 1)) != NULL) {
		memcpy(out, head, hl - 1);
		memcpy(out + hl - 1, ",\"object\":", 10);
		memcpy(out + hl - 1 + 10, note_js, note_len);
		out[n - 1] = '}';
		out[n] = '\0';
		*len = n;
	}
	free(head);
	return out;
}

json_t *
fed_as2_activity(const char *id, const char *type, const char *actor,
    json_t *object, const char *to)
{
	json_t *o = json_object();

	json_object_set_new(o, "id", json_string(id));
	json_object_set_new(o, "type", json_string(type));
	json_object_set_new(o, "actor", json_string(actor));
	json_object_set_new(o, "object", object);
	if (to != NULL)
		json_object_set_new(o, "to", json_pack("[s]", to));
	return o;
}

json_t *
fed_as2_tombstone(const char *id, const char *former_type, time_t deleted)
{
	char when[32];

	fed_as2_time(deleted, when, sizeof(when));
	return json_pack("{s:s,s:s,s:s,s:s}", "id", id, "type", "Tombstone",
	    "formerType", former_type, "deleted", when);
}

json_t *
fed_as2_collection(
    const char *id, uint64_t total, const char *first, const char *last)
{
	json_t *o = json_pack("{s:s,s:s,s:I}", "id", id, "type",
	    "OrderedCollection", "totalItems", (json_int_t)total);

	if (first != NULL)
		json_object_set_new(o, "first", json_string(first));
	if (last != NULL)
		json_object_set_new(o, "last", json_string(last));
	return o;
}

int
fed_as2_ctx_of(const json_t *doc)
{
	const json_t *o = doc;
	int depth;

	for (depth = 0; depth < 3 && json_is_object(o); depth++) {
		if (fed_learning_is(o))
			return ST_CTX_LEARNING;
		o = json_object_get(o, "object");
	}
	return ST_CTX_AS;
}
