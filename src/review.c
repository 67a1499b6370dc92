#include "review.h"

#include <jansson.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "fed_deliver.h"
#include "fed_learning.h"
#include "hub.h"
#include "log.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_object.h"
#include "st_review.h"
#include "st_social.h"
#include "text.h"

/* ---- which content types need review ---- */

void
review_types(struct st_txn *t, char *out, size_t cap)
{
	/* Any failure to read the list falls back to the default: the
	 * gate fails closed. */
	if (st_review_types_get(t, out, cap) != 0)
		snprintf(out, cap, "%s", REVIEW_DEFAULT_TYPES);
}

int
review_type_in(const char *list, const char *type)
{
	size_t n = type ? strlen(type) : 0;
	const char *s;

	if (n == 0)
		return 0;
	for (s = list; (s = strstr(s, type)) != NULL; s += n)
		if ((s == list || s[-1] == ' ') &&
		    (s[n] == ' ' || s[n] == '\0'))
			return 1;
	return 0;
}

int
review_needed(struct st_txn *t, const char *type)
{
	char list[REVIEW_TYPES_MAX];

	if (type == NULL)
		return 0;
	review_types(t, list, sizeof(list));
	return review_type_in(list, type);
}

int
review_needed_now(struct hub *h, const char *type)
{
	struct st_txn *t;
	int need;

	if (st_read_begin(h->db, &t) != 0)
		return 1; /* when unsure, hold it */
	need = review_needed(t, type);
	st_read_end(t);
	return need;
}

static int
types_put(struct st_txn *t, void *arg, struct err *e)
{
	(void)e;
	return st_review_types_set(t, arg);
}

int
review_types_set(struct hub *h, const char *list, struct err *e)
{
	char in[REVIEW_TYPES_MAX], out[REVIEW_TYPES_MAX] = "", *s, *save;
	size_t n = 0;

	if (strlen(list) >= sizeof(in))
		return err_set(e, "the list is too long"), HUB_INVALID;
	snprintf(in, sizeof(in), "%s", list);
	for (s = strtok_r(in, " ,", &save); s;
	     s = strtok_r(NULL, " ,", &save)) {
		if (fed_learning_term(fed_learning_types, s) == NULL)
			return err_set(e,
				   "there is no content type \"%.40s\": choose "
				   "from those of the Share learning form",
				   s),
			       HUB_INVALID;
		n += (size_t)snprintf(
		    out + n, sizeof(out) - n, "%s%s", n ? " " : "", s);
	}
	return st_write(h->db, types_put, out, e);
}

/* ---- who may act ---- */

/* The local member name into *a (st_actor_clear): ST_NOTFOUND when
 * there is none. */
static int
member(struct st_txn *t, const char *name, struct st_actor *a)
{
	uint64_t id;
	int rc;

	if ((rc = st_name_get(t, name, &id)) != 0 ||
	    (rc = st_actor_get(t, id, a)) != 0)
		return rc;
	if (a->kind != ST_AK_PERSON || (a->flags & ST_AF_DISABLED)) {
		st_actor_clear(a);
		return HUB_FORBIDDEN;
	}
	return 0;
}

/* The content type of a draft's content: the learning post's, or
 * "note". */
static void
content_type(const json_t *content, char *out, size_t cap)
{
	const char *ct = json_string_value(json_object_get(
	    json_object_get(content, "learning"), "content_type"));

	snprintf(out, cap, "%s",
	    json_object_get(content, "learning") ? (ct ? ct : "") : "note");
}

/* ---- saving ---- */

struct save_job {
	const char *author;
	uint64_t id;
	char *content;
	char type[ST_DRAFT_TYPE_MAX + 1];
	int state;
};

/* The stored draft d takes the job's content (its author's edit). */
static int
save_edit(struct st_txn *t, struct save_job *j, struct st_draft *d,
    uint64_t now, struct err *e)
{
	int rc;

	if (d->state != ST_DRAFT && d->state != ST_DRAFT_RETURNED)
		return err_set(e,
			   "this draft is %s: it can be changed only while "
			   "it is a draft or returned to you",
			   st_draft_state_name(d->state)),
		       HUB_INVALID;
	free(d->content);
	d->content = j->content;
	j->content = NULL;
	snprintf(d->type, sizeof(d->type), "%s", j->type);
	d->updated = now;
	if (j->state == ST_DRAFT_SUBMITTED)
		return st_draft_move(t, d, ST_DRAFT_SUBMITTED, now);
	if ((rc = st_draft_put(t, d)) != 0)
		return rc;
	return 0;
}

static int
save_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct save_job *j = arg;
	uint64_t now = (uint64_t)time(NULL);
	struct st_draft d = { 0 };
	struct st_actor a;
	int rc;

	if ((rc = member(t, j->author, &a)) != 0)
		return err_set(e, "only members can save drafts"),
		       rc == ST_NOTFOUND ? HUB_FORBIDDEN : rc;
	if (j->id != 0) {
		if ((rc = st_draft_get(t, j->id, &d)) != 0 ||
		    d.author != a.id) {
			st_draft_clear(&d);
			st_actor_clear(&a);
			err_set(
			    e, "there is no draft of yours with that number");
			return rc && rc != ST_NOTFOUND ? rc : ST_NOTFOUND;
		}
		rc = save_edit(t, j, &d, now, e);
	} else {
		d = (struct st_draft){ .author = a.id,
			.state = (uint8_t)j->state,
			.created = now,
			.updated = now,
			.since = now,
			.submitted = j->state == ST_DRAFT_SUBMITTED ? now : 0,
			.content = j->content };
		j->content = NULL;
		snprintf(d.type, sizeof(d.type), "%s", j->type);
		rc = st_draft_put(t, &d);
	}
	if (rc == 0)
		rc = st_review_log_add(t, d.id, a.id,
		    j->state == ST_DRAFT_SUBMITTED  ? ST_RA_SUBMITTED
			: j->state == ST_DRAFT_HELD ? ST_RA_HELD
						    : ST_RA_SAVED,
		    NULL, now);
	j->id = d.id;
	st_draft_clear(&d);
	st_actor_clear(&a);
	return rc;
}

int
review_save(struct hub *h, const char *author, uint64_t id,
    const json_t *content, int state, uint64_t *out, struct err *e)
{
	struct save_job j = { .author = author, .id = id, .state = state };
	int rc;

	if (state != ST_DRAFT && state != ST_DRAFT_SUBMITTED &&
	    (state != ST_DRAFT_HELD || id != 0))
		return err_set(e, "a draft is saved, submitted or held"),
		       HUB_INVALID;
	content_type(content, j.type, sizeof(j.type));
	if ((j.content = json_dumps(content, JSON_COMPACT)) == NULL)
		return err_set(e, "out of memory"), ST_EIO;
	rc = st_write(h->db, save_apply, &j, e);
	free(j.content);
	if (rc == 0 && out != NULL)
		*out = j.id;
	return rc;
}

int
review_save_learning(struct hub *h, const char *author, uint64_t id,
    const json_t *learning, const char *visibility, const char *community,
    int state, uint64_t *out, struct err *e)
{
	json_t *c = json_pack("{s:O,s:s,s:s*}", "learning", learning,
	    "visibility", visibility, "community", community);
	int rc;

	if (c == NULL)
		return err_set(e, "out of memory"), ST_EIO;
	rc = review_save(h, author, id, c, state, out, e);
	json_decref(c);
	return rc;
}

/* ---- steps ---- */

struct act_job {
	uint64_t id;
	const char *by;
	int action;
	const char *comment;
	uint64_t when;
};

/* Who may take each step, and where it leads (0: the state stays). */
static const struct step {
	int action;
	int author, editor; /* who may */
	int to;
	int needs_text;
	const char *what;
} steps[] = {
	{ ST_RA_SUBMITTED, 1, 0, ST_DRAFT_SUBMITTED, 0, "submitted" },
	{ ST_RA_WITHDRAWN, 1, 0, ST_DRAFT_WITHDRAWN, 0, "withdrawn" },
	{ ST_RA_COMMENT, 1, 1, 0, 1, "commented on" },
	{ ST_RA_STARTED, 0, 1, ST_DRAFT_IN_REVIEW, 0, "taken for review" },
	{ ST_RA_RETURNED, 0, 1, ST_DRAFT_RETURNED, 1, "returned" },
	{ ST_RA_REVIEW_BY, 0, 1, 0, 0, "given a review-by date" },
	{ 0, 0, 0, 0, 0, NULL },
};

static const struct step *
step_of(int action)
{
	const struct step *s;

	for (s = steps; s->action; s++)
		if (s->action == action)
			return s;
	return NULL;
}

/* Whether a (loaded) may take step s on d; e says why not. */
static int
may(const struct step *s, const struct st_actor *a, const struct st_draft *d,
    struct err *e)
{
	int mine = d->author == a->id, editor = hub_role_reviews(a->role);

	if ((s->author && mine) || (s->editor && editor))
		return 0;
	return err_set(e,
		   s->editor && !s->author
		       ? "only the editors can do this"
		       : "only the author of the draft can do this"),
	       HUB_FORBIDDEN;
}

static int
state_step(struct st_txn *t, const struct step *s, struct act_job *j,
    const struct st_actor *a, struct st_draft *d, uint64_t now, struct err *e)
{
	if (s->action == ST_RA_REVIEW_BY) {
		if (d->state != ST_DRAFT_PUBLISHED)
			return err_set(e,
				   "a review-by date is for published posts"),
			       HUB_INVALID;
		d->review_by = j->when;
		return st_draft_put(t, d);
	}
	if (s->to == 0) {
		if (d->state == ST_DRAFT_WITHDRAWN)
			return err_set(e, "this draft was withdrawn"),
			       HUB_INVALID;
		return 0;
	}
	if (s->action == ST_RA_SUBMITTED && !strcmp(d->type, "note"))
		return err_set(e,
			   "a note the patient-identifier check stopped "
			   "cannot be sent again: write it again without the "
			   "identifiers"),
		       HUB_INVALID;
	if (!st_draft_can_move(d->state, s->to))
		return err_set(e, "this draft is %s: it cannot be %s now",
			   st_draft_state_name(d->state), s->what),
		       HUB_INVALID;
	if (s->action == ST_RA_STARTED || s->action == ST_RA_RETURNED)
		d->reviewer = a->id;
	/* A held post the author takes back: its text (which the check
	 * found identifiers in) is not kept. */
	if (s->action == ST_RA_WITHDRAWN && d->state == ST_DRAFT_HELD) {
		free(d->content);
		if ((d->content = strdup("{\"withdrawn\":true}")) == NULL)
			return ST_EIO;
	}
	if (s->action == ST_RA_RETURNED)
		d->decided = now;
	return st_draft_move(t, d, s->to, now);
}

static int
act_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct act_job *j = arg;
	const struct step *s = step_of(j->action);
	uint64_t now = (uint64_t)time(NULL);
	struct st_draft d = { 0 };
	struct st_actor a;
	char day[16] = "";
	int rc;

	if (j->by == NULL) /* the operator (hubctl): an editor's rights */
		a = (struct st_actor){ .role = ST_ROLE_ADMIN };
	else if ((rc = member(t, j->by, &a)) != 0)
		return err_set(e, "only members can do this"),
		       rc == ST_NOTFOUND ? HUB_FORBIDDEN : rc;
	if ((rc = st_draft_get(t, j->id, &d)) != 0)
		err_set(e, "there is no draft with that number");
	else if ((rc = may(s, &a, &d, e)) == 0 &&
	    (rc = state_step(t, s, j, &a, &d, now, e)) == 0) {
		if (s->action == ST_RA_REVIEW_BY && j->when)
			text_date_format(j->when, day);
		rc = st_review_log_add(t, d.id, a.id, s->action,
		    s->action == ST_RA_REVIEW_BY ? day
			: s->needs_text		 ? j->comment
						 : NULL,
		    now);
	}
	if (rc == 0 && s->action == ST_RA_RETURNED)
		rc = st_notify_add(t, d.author,
		    &(struct st_notification){ .type = ST_N_REVIEW_RETURNED,
			.actor = a.id,
			.time = now });
	st_draft_clear(&d);
	st_actor_clear(&a);
	return rc;
}

/* A comment or a reason: not empty, plain text of bounded length. */
static int
text_ok(const char *s, const char *what, struct err *e)
{
	if (s == NULL || strspn(s, " \t\r\n") == strlen(s))
		return err_set(e, "write the %s", what), HUB_INVALID;
	if (!text_utf8_valid(s, strlen(s)))
		return err_set(e, "the %s is not valid text", what),
		       HUB_INVALID;
	if (text_utf8_chars(s) > REVIEW_TEXT_MAX)
		return err_set(e, "the %s is too long (at most %d characters)",
			   what, REVIEW_TEXT_MAX),
		       HUB_INVALID;
	return 0;
}

int
review_act(struct hub *h, uint64_t id, const char *by, int action,
    const char *comment, uint64_t when, struct err *e)
{
	const struct step *s = step_of(action);
	struct act_job j = { id, by, action, comment, when };
	int rc;

	if (s == NULL)
		return err_set(e, "unknown step"), HUB_INVALID;
	if (s->needs_text &&
	    (rc = text_ok(comment,
		 action == ST_RA_RETURNED ? "feedback for the author"
					  : "comment",
		 e)) != 0)
		return rc;
	return st_write(h->db, act_apply, &j, e);
}

/* ---- approval ---- */

struct approve_job {
	struct hub_post *p;
	uint64_t id, editor, review_by;
	const char *reason, *editor_name;
	int held;
	char version[REVIEW_VERSION_LEN + 1]; /* of the content read */
};

void
review_version(const struct st_draft *d, char out[REVIEW_VERSION_LEN + 1])
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	size_t i;

	SHA256((const unsigned char *)(d->content ? d->content : ""),
	    d->content ? strlen(d->content) : 0, md);
	for (i = 0; i < REVIEW_VERSION_LEN / 2; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

/* The draft's decision, in the same write as its publication. */
static int
record_approval(
    struct st_txn *t, struct approve_job *j, struct st_draft *d, uint64_t now)
{
	char day[16] = "";
	int rc;

	if ((rc = st_iri_get(t, hub_post_iri(j->p), &d->note)) != 0)
		return rc;
	d->reviewer = j->editor;
	d->decided = now;
	d->review_by = j->review_by;
	if (j->held) {
		d->override_by = j->editor;
		free(d->reason);
		if ((d->reason = strdup(j->reason)) == NULL)
			return ST_EIO;
	}
	if ((rc = st_draft_move(t, d, ST_DRAFT_PUBLISHED, now)) != 0 ||
	    (rc = st_review_log_add(t, d->id, j->editor,
		 j->held ? ST_RA_OVERRIDE : ST_RA_PUBLISHED,
		 j->held ? j->reason : NULL, now)) != 0)
		return rc;
	if (j->review_by) {
		text_date_format(j->review_by, day);
		if ((rc = st_review_log_add(
			 t, d->id, j->editor, ST_RA_REVIEW_BY, day, now)) != 0)
			return rc;
	}
	return st_notify_add(t, d->author,
	    &(struct st_notification){ .type = ST_N_REVIEW_PUBLISHED,
		.actor = j->editor,
		.object = d->note,
		.time = now });
}

static int
approve_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct approve_job *j = arg;
	char now_v[REVIEW_VERSION_LEN + 1];
	struct st_draft d;
	int rc;

	if ((rc = st_draft_get(t, j->id, &d)) != 0)
		return err_set(e, "there is no draft with that number"), rc;
	review_version(&d, now_v);
	if (strcmp(now_v, j->version))
		rc = (err_set(e, REVIEW_STALE_MSG), HUB_STALE);
	else if (!st_draft_can_move(d.state, ST_DRAFT_PUBLISHED) ||
	    (d.state == ST_DRAFT_HELD) != j->held)
		rc = (err_set(e, "this draft is %s now: it cannot be published",
			  st_draft_state_name(d.state)),
		    HUB_INVALID);
	else if ((rc = hub_post_apply(t, j->p, e)) == 0)
		rc = record_approval(t, j, &d, (uint64_t)time(NULL));
	st_draft_clear(&d);
	return rc;
}

/* Read draft id and its author for the editor by; the options it is
 * published with (strings borrowed from *content, a new reference). */
static int
approval_of(struct hub *h, struct approve_job *j, const char *seen,
    char *author, size_t cap, json_t **content, struct err *e)
{
	struct st_actor ed, au;
	struct st_draft d = { 0 };
	struct st_txn *t;
	int rc;

	if ((rc = st_read_begin(h->db, &t)) != 0)
		return err_set(e, "storage is not available"), rc;
	if ((rc = member(t, j->editor_name, &ed)) != 0) {
		st_read_end(t);
		return err_set(e, "only the editors can do this"),
		       HUB_FORBIDDEN;
	}
	if (!hub_role_reviews(ed.role))
		rc =
		    (err_set(e, "only the editors can do this"), HUB_FORBIDDEN);
	else if ((rc = st_draft_get(t, j->id, &d)) != 0)
		err_set(e, "there is no draft with that number");
	else if (d.author == ed.id)
		rc = (err_set(
			  e, "you wrote this: another editor must approve it"),
		    HUB_FORBIDDEN);
	else if ((rc = st_actor_get(t, d.author, &au)) == 0) {
		snprintf(author, cap, "%s", au.name ? au.name : "");
		st_actor_clear(&au);
		j->held = d.state == ST_DRAFT_HELD;
		j->editor = ed.id;
		review_version(&d, j->version);
		if (!st_draft_can_move(d.state, ST_DRAFT_PUBLISHED))
			rc = (err_set(e,
				  "this draft is %s now: it cannot be "
				  "published",
				  st_draft_state_name(d.state)),
			    HUB_INVALID);
		else if (seen == NULL || strcmp(seen, j->version))
			rc = (err_set(e, REVIEW_STALE_MSG), HUB_STALE);
		else if ((*content = json_loads(d.content, 0, NULL)) == NULL)
			rc = (err_set(e, "the draft cannot be read"), ST_EIO);
	}
	st_draft_clear(&d);
	st_actor_clear(&ed);
	st_read_end(t);
	return rc;
}

static const char *
jstr(const json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s && *s ? s : NULL;
}

int
review_approve(struct hub *h, uint64_t id, const char *by, const char *seen,
    uint64_t review_by, const char *reason, char *iri, size_t cap, int *queued,
    struct err *e)
{
	struct approve_job j = { .id = id,
		.review_by = review_by,
		.reason = reason,
		.editor_name = by };
	struct hub_post_opts o = { 0 };
	json_t *c = NULL;
	char author[64];
	int rc;

	if ((rc = approval_of(h, &j, seen, author, sizeof(author), &c, e)) != 0)
		return rc;
	if (j.held && (rc = text_ok(reason, "reason for publishing it", e))) {
		json_decref(c);
		return rc;
	}
	o = (struct hub_post_opts){ .vis = hub_vis_parse(jstr(c, "visibility")
					    ? jstr(c, "visibility")
					    : "public"),
		.cw = jstr(c, "content_warning"),
		.group = jstr(c, "community"),
		.learning = json_object_get(c, "learning"),
		.draft = id,
		.pii_override = j.held };
	if ((j.p = hub_post_prepare(h, author, jstr(c, "text"), &o, &rc, e)) !=
		NULL &&
	    (rc = st_write(h->db, approve_apply, &j, e)) == 0) {
		snprintf(iri, cap, "%s", hub_post_iri(j.p));
		*queued = hub_post_queued(j.p);
		if (j.held)
			log_msg(LOG_INFO,
			    "pii override by %s for draft %llu: reason "
			    "recorded",
			    by, (unsigned long long)id);
	}
	hub_post_free(j.p);
	json_decref(c);
	return rc;
}
