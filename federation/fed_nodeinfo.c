#include "fed_nodeinfo.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "err.h"
#include "fed_fetch.h"
#include "st_db.h"
#include "st_instance.h"

/* Software that reads communities as FEP-1b12 says: it verifies and
 * applies the Create inside a group's Announce (hub is this hub). */
static const char *const wrapped[] = { "hub", "lemmy", "mbin", "kbin", "piefed",
	"nodebb", "lotide", "sublinks", NULL };
/* Microblog software: it takes a group's Announce of a note's id as a
 * boost, and ignores (or fetches in vain) an Announce of a Create. */
static const char *const boost[] = { "mastodon", "hometown", "glitchsoc",
	"pleroma", "akkoma", "misskey", "sharkey", "firefish", "iceshrimp",
	"calckey", "foundkey", "gotosocial", "snac", "takahe", "honk",
	"microblogpub", "fedibird", NULL };

static int
listed(const char *const *list, const char *name)
{
	for (; *list != NULL; list++)
		if (!strcasecmp(*list, name))
			return 1;
	return 0;
}

int
fed_nodeinfo_groups(const char *software)
{
	if (software == NULL || !software[0])
		return ST_GROUPS_ASKED;
	if (listed(wrapped, software))
		return ST_GROUPS_WRAPPED;
	return listed(boost, software) ? ST_GROUPS_BOOST : ST_GROUPS_ASKED;
}

/* GET url as JSON (any JSON content type), status 200, an object. */
static json_t *
get_json(const struct fed_fetch_cfg *c, const char *url, struct err *e)
{
	struct fed_doc d;
	json_t *doc = NULL;

	if (fed_fetch(c, url, "application/json", &d, e) < 0)
		return NULL;
	if (d.status != 200)
		err_set(e, "%.200s answered %ld", url, d.status);
	else if ((doc = json_loadb(d.body.data ? d.body.data : "", d.body.len,
		      0, NULL)) == NULL ||
	    !json_is_object(doc)) {
		json_decref(doc);
		doc = NULL;
		err_set(e, "%.200s did not send a JSON object", url);
	}
	buf_free(&d.body);
	return doc;
}

int
fed_nodeinfo_software(const struct fed_fetch_cfg *c, const char *origin,
    char *name, size_t cap, struct err *e)
{
	char url[600], o[300];
	const char *rel, *href = NULL, *sw;
	const json_t *link;
	json_t *index, *doc;
	size_t i;

	snprintf(url, sizeof(url), "%s/.well-known/nodeinfo", origin);
	if ((index = get_json(c, url, e)) == NULL)
		return -1;
	/* The newest 2.x schema it links, on its own host. */
	json_array_foreach(json_object_get(index, "links"), i, link)
	{
		rel = json_string_value(json_object_get(link, "rel"));
		if (rel != NULL &&
		    !strncmp(rel,
			"http://nodeinfo.diaspora.software/ns/schema/2.", 46) &&
		    json_string_value(json_object_get(link, "href")) != NULL)
			href = json_string_value(json_object_get(link, "href"));
	}
	if (href == NULL || fed_url_origin(href, o, sizeof(o)) < 0 ||
	    strcmp(o, origin) != 0 || strlen(href) >= sizeof(url)) {
		json_decref(index);
		return err_set(
			   e, "%s links no NodeInfo 2.x of its own", origin),
		       -1;
	}
	snprintf(url, sizeof(url), "%s", href);
	json_decref(index);
	if ((doc = get_json(c, url, e)) == NULL)
		return -1;
	sw = json_string_value(
	    json_object_get(json_object_get(doc, "software"), "name"));
	if (sw == NULL || strlen(sw) >= cap || strlen(sw) > 64) {
		json_decref(doc);
		return err_set(e, "%s names no software", url), -1;
	}
	snprintf(name, cap, "%s", sw);
	json_decref(doc);
	return 0;
}

int
fed_nodeinfo_apply(struct st_txn *t, void *arg, struct err *e)
{
	const struct fed_nodeinfo_learnt *l = arg;
	struct st_instance in;
	int rc = st_instance_get(t, l->host, &in);

	(void)e;
	if (rc != 0 && rc != ST_NOTFOUND)
		return rc;
	in.groups = l->groups;
	return st_instance_put(t, l->host, &in);
}
