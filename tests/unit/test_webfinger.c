#include <string.h>

#include "fed_webfinger.h"
#include "tap.h"

#define H "hub.example:8443"
#define B "https://hub.example:8443"

int
main(void)
{
	char n[32];
	json_t *j;

	ok(fed_webfinger_parse("acct:alice@" H, H, B, n, sizeof(n)) ==
		    FED_WF_NAME &&
		!strcmp(n, "alice"),
	    "acct:");
	ok(fed_webfinger_parse("acct:Alice@HUB.example:8443", H, B, n,
	       sizeof(n)) == FED_WF_NAME &&
		!strcmp(n, "alice"),
	    "case-insensitive name and host");
	ok(fed_webfinger_parse("alice@" H, H, B, n, sizeof(n)) == FED_WF_NAME,
	    "without acct:");
	ok(fed_webfinger_parse("@alice@" H, H, B, n, sizeof(n)) == FED_WF_NAME,
	    "leading @");
	ok(fed_webfinger_parse(B "/users/bob", H, B, n, sizeof(n)) ==
		    FED_WF_NAME &&
		!strcmp(n, "bob"),
	    "actor URL");
	ok(fed_webfinger_parse(B "/c/sepsis", H, B, n, sizeof(n)) ==
		    FED_WF_NAME &&
		!strcmp(n, "sepsis"),
	    "community URL");
	ok(fed_webfinger_parse(B "/actor", H, B, n, sizeof(n)) ==
		FED_WF_INSTANCE,
	    "instance actor URL");
	ok(fed_webfinger_parse("acct:alice@other.example", H, B, n,
	       sizeof(n)) == FED_WF_ELSEWHERE,
	    "other host: 404");
	ok(fed_webfinger_parse("https://other.example/users/a", H, B, n,
	       sizeof(n)) == FED_WF_ELSEWHERE,
	    "other URL: 404");
	ok(fed_webfinger_parse(B "/users/bob/outbox", H, B, n, sizeof(n)) ==
		FED_WF_ELSEWHERE,
	    "not an actor URL");
	ok(fed_webfinger_parse("", H, B, n, sizeof(n)) == FED_WF_MALFORMED,
	    "empty");
	ok(fed_webfinger_parse("acct:", H, B, n, sizeof(n)) == FED_WF_MALFORMED,
	    "acct: alone");
	ok(fed_webfinger_parse("acct:@" H, H, B, n, sizeof(n)) ==
		FED_WF_MALFORMED,
	    "no name");
	ok(fed_webfinger_parse("acct:al ice@" H, H, B, n, sizeof(n)) ==
		FED_WF_MALFORMED,
	    "space");
	ok(fed_webfinger_parse("acct:al<ice@" H, H, B, n, sizeof(n)) ==
		FED_WF_MALFORMED,
	    "bad character");
	ok(fed_webfinger_parse("acct:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@" H, H, B,
	       n, sizeof(n)) == FED_WF_MALFORMED,
	    "31 characters");
	ok(fed_webfinger_parse("mailto:x", H, B, n, sizeof(n)) ==
		FED_WF_MALFORMED,
	    "other scheme");
	ok(fed_webfinger_parse("acct:\xc3\xa9@" H, H, B, n, sizeof(n)) ==
		FED_WF_MALFORMED,
	    "non-ASCII");
	ok(fed_name_normalize("Sepsis_2", n, sizeof(n)) == 0 &&
		!strcmp(n, "sepsis_2"),
	    "name normalised");
	ok(fed_name_normalize("a-b", n, sizeof(n)) < 0, "dash refused");
	ok(fed_name_reserved("actor") && !fed_name_reserved("alice"),
	    "reserved names");
	j = fed_webfinger_jrd(
	    "acct:a@h", "https://h/users/a", "https://h/users/a");
	ok(!strcmp(json_string_value(json_object_get(
		       json_array_get(json_object_get(j, "links"), 0), "rel")),
	       "self") &&
		json_array_size(json_object_get(j, "aliases")) == 1,
	    "JRD self link, one alias when URLs agree");
	json_decref(j);
	return done_testing();
}
