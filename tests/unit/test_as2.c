#include <string.h>

#include "buf.h"
#include "fed_as2.h"
#include "st_actor.h"
#include "st_object.h"
#include "tap.h"

int
main(void)
{
	struct st_actor a = { .id = 7,
		.kind = ST_AK_PERSON,
		.flags = ST_AF_LOCAL,
		.created = 1700000000,
		.name = "alice",
		.display_name = "Alice",
		.summary = "",
		.iri = "https://h/users/alice",
		.pubkey_pem = "PEM" };
	const char *tags[] = { "sepsis" };
	struct fed_note n = { .id = "https://h/users/alice/statuses/1",
		.url = "https://h/users/alice/statuses/1",
		.attributed_to = a.iri,
		.followers = "https://h/users/alice/"
			     "followers",
		.content = "<p>hi</p>",
		.base_url = "https://h",
		.tags = tags,
		.ntags = 1,
		.published = 1700000000,
		.vis = ST_VIS_PUBLIC };
	json_t *doc, *note, *create, *back;
	const char *fields[] = { "preferredUsername", "name", "summary", "url",
		"inbox", "outbox", "followers", "following", "featured",
		"manuallyApprovesFollowers", "discoverable", "published",
		"publicKey", "endpoints" };
	struct buf b;
	char *s;
	size_t i, len;
	int all = 1;

	doc = fed_as2_actor(&a, "https://h", "<p>bio</p>");
	for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (json_object_get(doc, fields[i]) == NULL) {
			all = 0;
			printf("# missing %s\n", fields[i]);
		}
	ok(all, "actor has every field Mastodon reads");
	ok(!strcmp(json_string_value(json_object_get(
		       json_object_get(doc, "publicKey"), "id")),
	       "https://h/users/alice#main-key"),
	    "keyId is <actor>#main-key");
	ok(!strcmp(json_string_value(json_object_get(
		       json_object_get(doc, "endpoints"), "sharedInbox")),
	       "https://h/inbox"),
	    "sharedInbox");
	ok(!strcmp(json_string_value(json_object_get(doc, "published")),
	       "2023-11-14T22:13:20Z"),
	    "published in ISO 8601 UTC");
	s = fed_as2_dump(doc, &len);
	buf_init(&b, 0);
	fed_as2_wrap(&b, ST_CTX_ACTOR, s, len);
	back = json_loadb(b.data, b.len, 0, NULL);
	ok(back != NULL && json_is_array(json_object_get(back, "@context")) &&
		json_equal(json_object_get(back, "publicKey"),
		    json_object_get(doc, "publicKey")),
	    "wrapped with @context, still "
	    "valid JSON");
	json_decref(back);
	buf_free(&b);
	free(s);
	json_decref(doc);

	note = fed_as2_note(&n);
	create = fed_as2_create(
	    "https://h/users/alice/statuses/1/activity", a.iri, note);
	ok(!strcmp(json_string_value(
		       json_array_get(json_object_get(note, "to"), 0)),
	       AS_PUBLIC),
	    "public: Public in to");
	ok(!strcmp(
	       json_string_value(json_object_get(
		   json_array_get(json_object_get(note, "tag"), 0), "name")),
	       "#sepsis") &&
		!strcmp(json_string_value(json_object_get(
			    json_array_get(json_object_get(note, "tag"), 0),
			    "type")),
		    "Hashtag"),
	    "Hashtag tag");
	ok(json_equal(json_object_get(create, "object"), note) &&
		json_equal(
		    json_object_get(create, "to"), json_object_get(note, "to")),
	    "Create wraps the note with the same audience");
	json_decref(note);
	json_decref(create);
	n.vis = ST_VIS_UNLISTED;
	note = fed_as2_note(&n);
	ok(!strcmp(json_string_value(
		       json_array_get(json_object_get(note, "cc"), 0)),
	       AS_PUBLIC),
	    "unlisted: Public in cc");
	json_decref(note);
	n.vis = ST_VIS_FOLLOWERS;
	note = fed_as2_note(&n);
	ok(json_array_size(json_object_get(note, "cc")) == 0 &&
		!strcmp(json_string_value(
			    json_array_get(json_object_get(note, "to"), 0)),
		    n.followers),
	    "followers-only: followers alone");
	json_decref(note);
	doc = fed_as2_tombstone("https://h/x", "Note", 0);
	ok(!strcmp(
	       json_string_value(json_object_get(doc, "type")), "Tombstone") &&
		!strcmp(json_string_value(json_object_get(doc, "formerType")),
		    "Note"),
	    "Tombstone");
	json_decref(doc);
	buf_init(&b, 0);
	fed_as2_wrap(&b, ST_CTX_AS, "{}", 2);
	back = json_loadb(b.data, b.len, 0, NULL);
	ok(back != NULL && json_object_size(back) == 1, "wrap of {}");
	json_decref(back);
	buf_free(&b);
	return done_testing();
}
