#include "profile.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "config.h"
#include "err.h"
#include "fed_as2.h"
#include "fed_inbox.h"
#include "fed_webfinger.h"
#include "hub.h"
#include "log.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_object.h"
#include "text.h"

#define AS_PUBLIC "https://www.w3.org/ns/activitystreams#Public"

/* Whether url is one an avatar may have: https:, or on this hub; no
 * spaces, quotes or angle brackets (it goes into an attribute). */
static int
avatar_ok(const char *url, const char *base_url)
{
	size_t blen = strlen(base_url);

	if (strcspn(url, " \t\r\n\"'<>\\`") != strlen(url))
		return 0;
	if (!strncasecmp(url, "https://", 8))
		return url[8] != '\0' && url[8] != '/';
	return !strncmp(url, base_url, blen) && url[blen] == '/';
}

int
hub_profile_check(const struct hub_profile *p, const char *base_url,
    char *field, struct err *e)
{
	const char *dn = p->display_name, *av = p->avatar;

	if (dn != NULL &&
	    (!text_utf8_valid(dn, strlen(dn)) ||
		strcspn(dn, "\t\r\n") != strlen(dn)))
		return snprintf(field, 16, "display_name"),
		       err_set(e, "use one line of text, without tabs"),
		       HUB_INVALID;
	if (dn != NULL && text_utf8_chars(dn) > HUB_DISPLAY_MAX)
		return snprintf(field, 16, "display_name"),
		       err_set(e, "use at most %d characters", HUB_DISPLAY_MAX),
		       HUB_INVALID;
	if (p->summary != NULL &&
	    (!text_utf8_valid(p->summary, strlen(p->summary)) ||
		text_utf8_chars(p->summary) > HUB_BIO_MAX))
		return snprintf(field, 16, "summary"),
		       err_set(
			   e, "use at most %d characters of text", HUB_BIO_MAX),
		       HUB_INVALID;
	if (av != NULL && strlen(av) > HUB_AVATAR_MAX)
		return snprintf(field, 16, "avatar"),
		       err_set(e,
			   "this address is too long: use one of at most "
			   "%d characters",
			   HUB_AVATAR_MAX),
		       HUB_INVALID;
	if (av != NULL && av[0] != '\0' && !avatar_ok(av, base_url))
		return snprintf(field, 16, "avatar"),
		       err_set(e,
			   "use the address of a picture that starts with "
			   "https://, or leave it empty"),
		       HUB_INVALID;
	return 0;
}

struct profile_job {
	struct hub *h;
	const char *name;
	const struct hub_profile *p;
	int queued;
};

/* Replace *s with a copy of v (when v is not NULL). */
static int
set_str(char **s, const char *v)
{
	char *n;

	if (v == NULL)
		return 0;
	if ((n = strdup(v)) == NULL)
		return -1;
	free(*s);
	*s = n;
	return 0;
}

static int
load_member(
    struct st_txn *t, const char *name, struct st_actor *a, struct err *e)
{
	char norm[32];
	uint64_t id;
	int rc;

	if (fed_name_normalize(name, norm, sizeof(norm)) < 0 ||
	    (rc = st_name_get(t, norm, &id)) != 0 ||
	    (rc = st_actor_get(t, id, a)) != 0)
		return err_set(e, "there is no member called \"%s\"", name),
		       ST_NOTFOUND;
	if (a->kind != ST_AK_PERSON || (a->flags & ST_AF_DELETED)) {
		rc = (a->flags & ST_AF_DELETED) ? ST_GONE : ST_NOTFOUND;
		st_actor_clear(a);
		return err_set(e, "there is no member called \"%s\"", name), rc;
	}
	return 0;
}

/* The actor document of a, with the avatar (icon) kept or changed. */
static json_t *
profile_doc(struct st_txn *t, struct hub *h, const struct st_actor *a,
    const char *avatar)
{
	struct st_obj o;
	json_t *old = fed_object_json(t, a->id, &o), *doc, *icon;
	struct buf sum;

	buf_init(&sum, 64 * 1024);
	if (a->summary[0] != '\0')
		text_to_html(a->summary, h->cfg->base_url, &sum);
	doc = fed_as2_actor(a, h->cfg->base_url, sum.data ? sum.data : "");
	buf_free(&sum);
	icon = json_object_get(old, "icon");
	if (avatar != NULL && avatar[0] != '\0')
		json_object_set_new(doc, "icon",
		    json_pack("{s:s,s:s}", "type", "Image", "url", avatar));
	else if (avatar == NULL && json_is_object(icon))
		json_object_set(doc, "icon", icon);
	json_decref(old);
	return doc;
}

static int
store_doc(struct st_txn *t, const struct st_actor *a, const json_t *doc)
{
	struct st_obj o = { .id = a->id,
		.kind = ST_K_ACTOR,
		.ctx = ST_CTX_ACTOR,
		.flags = ST_OF_LOCAL,
		.owner = a->id,
		.published = a->created };

	return fed_store_json(t, &o, doc);
}

static int
profile_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct profile_job *j = arg;
	const struct hub_profile *p = j->p;
	char followers[600];
	struct st_actor a;
	uint64_t upd;
	json_t *doc;
	int rc;

	if ((rc = load_member(t, j->name, &a, e)) != 0)
		return rc;
	if (set_str(&a.display_name, p->display_name) != 0 ||
	    set_str(&a.summary, p->summary) != 0) {
		st_actor_clear(&a);
		return err_set(e, "out of memory"), ST_EIO;
	}
	if (p->locked >= 0)
		a.flags = (uint8_t)(p->locked ? a.flags | ST_AF_LOCKED
					      : a.flags & ~ST_AF_LOCKED);
	doc = profile_doc(t, j->h, &a, p->avatar);
	snprintf(followers, sizeof(followers), "%s/followers", a.iri);
	if ((rc = store_doc(t, &a, doc)) == 0 &&
	    (rc = st_actor_put(t, &a)) == 0 &&
	    (rc = fed_local_activity_aud(t, &a, "Update", json_incref(doc),
		 json_pack("[s]", AS_PUBLIC), json_pack("[s]", followers), 0,
		 &upd)) == 0)
		/* DESIGN rule 2: the Update is queued in this transaction,
		 * once per inbox (followers share their sharedInbox). */
		rc = fed_fanout(t, a.id, upd, &j->queued);
	if (rc != 0)
		err_set(e, "cannot store the profile: %s", st_strerror(rc));
	json_decref(doc);
	st_actor_clear(&a);
	return rc;
}

int
hub_profile_set(struct hub *h, const char *name, const struct hub_profile *p,
    int *queued, struct err *e)
{
	struct profile_job j = { h, name, p, 0 };
	char field[16];
	int rc;

	if ((rc = hub_profile_check(p, h->cfg->base_url, field, e)) != 0)
		return rc;
	if ((rc = st_write(h->db, profile_apply, &j, e)) != 0)
		return rc;
	log_msg(LOG_INFO, "%s changed their profile (%d deliveries)", name,
	    j.queued);
	if (queued != NULL)
		*queued = j.queued;
	return 0;
}
