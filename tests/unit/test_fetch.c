/* The fetch guard's address check and remote actor validation. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "fed_fetch.h"
#include "fed_key.h"
#include "fed_nodeinfo.h"
#include "st_actor.h"
#include "st_instance.h"
#include "tap.h"

static int
priv(const char *addr)
{
	struct sockaddr_in in4 = { .sin_family = AF_INET };
	struct sockaddr_in6 in6 = { .sin6_family = AF_INET6 };

	if (inet_pton(AF_INET, addr, &in4.sin_addr) == 1)
		return fed_address_private((struct sockaddr *)&in4);
	if (inet_pton(AF_INET6, addr, &in6.sin6_addr) == 1)
		return fed_address_private((struct sockaddr *)&in6);
	return -1;
}

static void
addresses(void)
{
	static const char *const refused[] = { "127.0.0.1", "127.1.2.3",
		"10.0.0.1", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"169.254.169.254", "100.64.0.1", "0.0.0.0", "224.0.0.1",
		"255.255.255.255", "198.18.0.1", "::1", "::", "fe80::1",
		"fc00::1", "fd12:3456::1", "ff02::1", "::ffff:127.0.0.1",
		"::ffff:10.1.2.3", "64:ff9b::7f00:1", "2001:db8::1",
		"2002:7f00:1::", "2002:a00:1::1", "::7f00:1", "::a00:1",
		"2001:0:4136:e378::1", "64:ff9b:1::1", NULL };
	static const char *const allowed[] = { "93.184.216.34", "1.1.1.1",
		"172.15.255.255", "172.32.0.1", "100.128.0.1", "8.8.8.8",
		"2a00:1450:4001:82b::200e", "2606:4700::1111",
		"::ffff:93.184.216.34", "2002:5db8:d822::1", NULL };
	int i, bad = 0;

	for (i = 0; refused[i]; i++)
		if (priv(refused[i]) != 1) {
			printf("# not refused: %s\n", refused[i]);
			bad++;
		}
	ok(bad == 0,
	    "private, loopback, link-local, multicast and mapped "
	    "addresses are refused");
	for (bad = 0, i = 0; allowed[i]; i++)
		if (priv(allowed[i]) != 0) {
			printf("# refused: %s\n", allowed[i]);
			bad++;
		}
	ok(bad == 0, "public addresses are allowed");
}

static json_t *
actor_doc(const char *pem)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:s},s:{s:s,s:s,s:s}}", "id",
	    "https://a.example/users/bob", "type", "Person",
	    "preferredUsername", "bob", "name", "Bob", "inbox",
	    "https://a.example/users/bob/inbox", "endpoints", "sharedInbox",
	    "https://a.example/inbox", "publicKey", "id",
	    "https://a.example/users/bob#main-key", "owner",
	    "https://a.example/users/bob", "publicKeyPem", pem);
}

static int
refuses(json_t *doc, const char *why, const char *what)
{
	struct st_actor a;
	struct err e = { { 0 } };
	int rc =
	    fed_actor_from_json(doc, "https://a.example/users/bob", &a, &e);

	if (rc == 0)
		st_actor_clear(&a);
	ok(rc < 0 && strstr(e.msg, why) != NULL, "%s: %s", what, e.msg);
	json_decref(doc);
	return rc;
}

static void
actors(void)
{
	static const char weak[] =
	    "-----BEGIN PUBLIC KEY-----\n"
	    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDCFENGw33yGihy92pDjZQhl0C3\n"
	    "6rPJj+CvfSC8+q28hxA161QFNUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6\n"
	    "Z4UMR7EOcpfdUE9Hf3m/hs+FUR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJw\n"
	    "oYi+1hqp1fIekaxsyQIDAQAB\n"
	    "-----END PUBLIC KEY-----\n";
	char *priv_pem, *pub;
	struct st_actor a;
	struct err e = { { 0 } };
	json_t *doc;

	fed_key_generate(&priv_pem, &pub, &e);
	doc = actor_doc(pub);
	ok(fed_actor_from_json(doc, "https://a.example/users/bob", &a, &e) ==
		    0 &&
		a.kind == ST_AK_PERSON && !strcmp(a.name, "bob") &&
		!strcmp(a.shared_inbox, "https://a.example/inbox") &&
		!strcmp(a.key_id, "https://a.example/users/bob#main-key") &&
		!(a.flags & ST_AF_LOCAL),
	    "a good actor is read (%s)", e.msg);
	st_actor_clear(&a);
	json_decref(doc);
	doc = actor_doc(pub);
	json_object_set_new(doc, "type", json_string("Note"));
	refuses(doc, "not an actor", "a Note");
	doc = actor_doc(pub);
	json_object_del(doc, "inbox");
	refuses(doc, "inbox", "no inbox");
	doc = actor_doc(pub);
	json_object_set_new(doc, "inbox", json_string("ftp://a.example/in"));
	refuses(doc, "inbox", "an ftp inbox");
	doc = actor_doc(pub);
	json_object_del(doc, "publicKey");
	refuses(doc, "publicKey", "no key");
	doc = actor_doc(pub);
	json_object_set_new(json_object_get(doc, "publicKey"), "owner",
	    json_string("https://a.example/users/eve"));
	refuses(doc, "someone else", "a key owned by another actor");
	doc = actor_doc(pub);
	json_object_set_new(json_object_get(doc, "publicKey"), "id",
	    json_string("https://evil.example/k"));
	refuses(doc, "another host", "a key id on another host");
	doc = actor_doc(weak);
	refuses(doc, "too weak", "a 1024-bit key");
	doc = actor_doc("not a key");
	refuses(doc, "not a key", "garbage PEM");
	doc = actor_doc(pub);
	json_object_set_new(doc, "id", json_string("https://b.example/u"));
	refuses(doc, "URL asked for", "an id that is not the URL fetched");
	doc = actor_doc(pub);
	json_object_set_new(doc, "publicKey",
	    json_pack("[{s:s,s:s,s:s}]", "id", "https://a.example/users/bob#k2",
		"owner", "https://a.example/users/bob", "publicKeyPem", pub));
	ok(fed_actor_from_json(doc, NULL, &a, &e) == 0 &&
		!strcmp(a.key_id, "https://a.example/users/bob#k2"),
	    "a publicKey array is read");
	st_actor_clear(&a);
	json_decref(doc);
	fed_secret_free(priv_pem);
	free(pub);
}

/* What a community sends an instance, by the software it names. */
static void
software(void)
{
	ok(fed_nodeinfo_groups("lemmy") == ST_GROUPS_WRAPPED &&
		fed_nodeinfo_groups("Mbin") == ST_GROUPS_WRAPPED &&
		fed_nodeinfo_groups("hub") == ST_GROUPS_WRAPPED,
	    "Lemmy, Mbin and hubs get the Announce of the Create");
	ok(fed_nodeinfo_groups("mastodon") == ST_GROUPS_BOOST &&
		fed_nodeinfo_groups("GoToSocial") == ST_GROUPS_BOOST &&
		fed_nodeinfo_groups("akkoma") == ST_GROUPS_BOOST,
	    "Mastodon, GoToSocial and Akkoma get the boost");
	ok(fed_nodeinfo_groups("somethingnew") == ST_GROUPS_ASKED &&
		fed_nodeinfo_groups("") == ST_GROUPS_ASKED &&
		fed_nodeinfo_groups(NULL) == ST_GROUPS_ASKED,
	    "software not known, or not named: both forms");
	ok(fed_nodeinfo_groups("lemmyx") == ST_GROUPS_ASKED,
	    "names match whole, not by prefix");
}

int
main(void)
{
	addresses();
	actors();
	software();
	return done_testing();
}
