#include "fed_webfinger.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#define NAME_MAX_LEN 30

int
fed_name_normalize(const char *in, char *out, size_t cap)
{
	size_t i;

	for (i = 0; in[i] != '\0'; i++) {
		unsigned char c = (unsigned char)tolower((unsigned char)in[i]);
		if (i >= NAME_MAX_LEN || i + 1 >= cap)
			return -1;
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
			c == '_'))
			return -1;
		out[i] = (char)c;
	}
	if (i == 0)
		return -1;
	out[i] = '\0';
	return 0;
}

/* Names that would collide with the hub's own routes, or mislead. */
static const char *const reserved[] = {
	"about",
	"actor",
	"admin_api",
	"api",
	"c",
	"explore",
	"feeds",
	"groups",
	"hub",
	"inbox",
	"instance",
	"login",
	"logout",
	"new",
	"nodeinfo",
	"notifications",
	"oauth",
	"outbox",
	"post",
	"posts",
	"root",
	"search",
	"settings",
	"signin",
	"signout",
	"signup",
	"static",
	"support",
	"system",
	"tags",
	"topics",
	"users",
	"webfinger",
	"well_known",
	NULL,
};

int
fed_name_reserved(const char *name)
{
	int i;

	for (i = 0; reserved[i] != NULL; i++)
		if (!strcmp(reserved[i], name))
			return 1;
	return 0;
}

/* "name@host" -> name, when host is ours. */
static enum fed_wf
parse_acct(const char *s, const char *host, char *name, size_t cap)
{
	const char *at = strrchr(s, '@');
	char tmp[64];
	size_t n;

	if (*s == '@')
		s++;
	if (at == NULL || at <= s || at[1] == '\0')
		return FED_WF_MALFORMED;
	n = (size_t)(at - s);
	if (n >= sizeof(tmp))
		return FED_WF_MALFORMED;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	/* The instance actor is HOST@HOST, as Mastodon's is. */
	if (!strcasecmp(tmp, host) && !strcasecmp(at + 1, host))
		return FED_WF_INSTANCE;
	if (fed_name_normalize(tmp, name, cap) < 0)
		return FED_WF_MALFORMED;
	if (strcasecmp(at + 1, host) != 0)
		return FED_WF_ELSEWHERE;
	return FED_WF_NAME;
}

static enum fed_wf
parse_url(const char *s, const char *base_url, char *name, size_t cap)
{
	static const char *const prefixes[] = { "/users/", "/c/", "/@", 0 };
	size_t bl = strlen(base_url), i, pl;

	if (strncasecmp(s, base_url, bl) != 0 ||
	    (s[bl] != '/' && s[bl] != '\0'))
		return FED_WF_ELSEWHERE;
	s += bl;
	if (!strcmp(s, "/actor"))
		return FED_WF_INSTANCE;
	for (i = 0; prefixes[i] != NULL; i++) {
		pl = strlen(prefixes[i]);
		if (!strncmp(s, prefixes[i], pl))
			return fed_name_normalize(s + pl, name, cap) == 0
			    ? FED_WF_NAME
			    : FED_WF_ELSEWHERE;
	}
	return FED_WF_ELSEWHERE;
}

enum fed_wf
fed_webfinger_parse(const char *resource, const char *host,
    const char *base_url, char *name, size_t cap)
{
	size_t i, n;

	if (resource == NULL || cap < NAME_MAX_LEN + 1)
		return FED_WF_MALFORMED;
	n = strlen(resource);
	if (n == 0 || n > 512)
		return FED_WF_MALFORMED;
	for (i = 0; i < n; i++)
		if ((unsigned char)resource[i] <= ' ' ||
		    (unsigned char)resource[i] >= 0x7f)
			return FED_WF_MALFORMED;
	if (!strncasecmp(resource, "acct:", 5))
		return parse_acct(resource + 5, host, name, cap);
	if (!strncasecmp(resource, "https://", 8) ||
	    !strncasecmp(resource, "http://", 7))
		return parse_url(resource, base_url, name, cap);
	if (strchr(resource, ':') == NULL || strchr(resource, '@') != NULL)
		return parse_acct(resource, host, name, cap);
	return FED_WF_MALFORMED;
}

json_t *
fed_webfinger_jrd(
    const char *subject, const char *actor_iri, const char *profile_url)
{
	json_t *aliases = strcmp(actor_iri, profile_url) == 0
	    ? json_pack("[s]", actor_iri)
	    : json_pack("[s,s]", actor_iri, profile_url);

	return json_pack("{s:s, s:o, s:[{s:s, s:s, s:s}, {s:s, s:s, "
			 "s:s}]}",
	    "subject", subject, "aliases", aliases, "links", "rel", "self",
	    "type", "application/activity+json", "href", actor_iri, "rel",
	    "http://webfinger.net/rel/profile-page", "type", "text/html",
	    "href", profile_url);
}
