/* review.h: editorial review of learning posts, and the editors'
 * override of the patient-identifier guard, on top of st_review.h.
 *
 * A learning post whose content type needs review (REVIEW_DEFAULT_TYPES
 * until an admin sets the list) is never published by its author:
 * hub_post_apply refuses it (HUB_REVIEW) unless an editor approves the
 * draft here, which publishes it as its author through the normal path
 * (hub_post_prepare and hub_post_apply) in one write with the draft's
 * new state. A post refused by the PII guard can be held as a draft for
 * an editor, who may publish it past the guard only with a reason,
 * recorded in the draft's history (never logged). */
#ifndef HUB_REVIEW_H
#define HUB_REVIEW_H

#include <stddef.h>
#include <stdint.h>

struct err;
struct hub;
struct st_txn;
struct json_t;

#define REVIEW_DEFAULT_TYPES "tool"
#define REVIEW_TYPES_MAX     256  /* bytes of the list */
#define REVIEW_TEXT_MAX	     2000 /* characters of a comment or reason */

/* Whether a learning post of content type type needs review (1) or not
 * (0), read in t. */
int review_needed(struct st_txn *t, const char *type);
/* review_needed in a read transaction of its own on h's store; 1 (hold
 * it) when the store cannot be read. */
int review_needed_now(struct hub *h, const char *type);
/* The space-separated list of content types that need review. */
void review_types(struct st_txn *t, char *out, size_t cap);
/* Whether type is one of the space-separated list (review_types). */
int review_type_in(const char *list, const char *type);
/* Set the list (space- or comma-separated content type slugs; "" for
 * none). Returns 0 or HUB_INVALID (an unknown type: e names it). */
int review_types_set(struct hub *h, const char *list, struct err *e);

/* Save the member author's draft: a new one when id is 0 (*out receives
 * its id), else their draft id, which must be a draft or returned
 * (HUB_INVALID otherwise; ST_NOTFOUND when it is not theirs). content
 * is {"learning": {...}, "visibility", "community"} or, for a note held
 * by the guard, {"text", "visibility", "content_warning", "community"};
 * state is ST_DRAFT, ST_DRAFT_SUBMITTED or ST_DRAFT_HELD (new drafts
 * only). Returns 0 or HUB_*, ST_*. */
int review_save(struct hub *h, const char *author, uint64_t id,
    const struct json_t *content, int state, uint64_t *out, struct err *e);

/* review_save of a learning post: content {"learning": learning (API
 * shape, learning.h), "visibility": visibility, "community": community
 * (NULL: none)}. */
int review_save_learning(struct hub *h, const char *author, uint64_t id,
    const struct json_t *learning, const char *visibility,
    const char *community, int state, uint64_t *out, struct err *e);

/* One step on draft id by the member named by (NULL: the operator, with
 * an editor's rights): action is ST_RA_SUBMITTED
 * or ST_RA_WITHDRAWN (the author), ST_RA_COMMENT (the author or an
 * editor), ST_RA_STARTED, ST_RA_RETURNED (comment: the feedback,
 * required) or ST_RA_REVIEW_BY (when: the new date; 0 clears) (editors).
 * Returns 0, ST_NOTFOUND, HUB_FORBIDDEN (e says who may), HUB_INVALID
 * (wrong state or missing text: e says why) or ST_*. */
int review_act(struct hub *h, uint64_t id, const char *by, int action,
    const char *comment, uint64_t when, struct err *e);

/* The version of a draft's content an editor reads (review_version: hex
 * of the first bytes of its SHA-256), so an approval publishes only
 * what was read. */
#define REVIEW_VERSION_LEN 16
#define REVIEW_STALE_MSG                                                       \
	"the author changed this draft after you opened it: read it "          \
	"again before you approve it"
struct st_draft;
void review_version(const struct st_draft *d, char out[REVIEW_VERSION_LEN + 1]);

/* The editor named by approves draft id, at the version seen (the
 * review_version the editor read; another is refused with HUB_STALE, as
 * is a change between reading and writing): it is published as its
 * author (review_by: when editors should look at it again, 0: never),
 * durable before this returns; iri receives the note's IRI, *queued the
 * deliveries queued. A held draft needs reason (written, at most
 * REVIEW_TEXT_MAX characters). An editor cannot approve their own
 * draft. Returns 0, ST_NOTFOUND, HUB_FORBIDDEN, HUB_INVALID, HUB_STALE,
 * HUB_PII (found by the guard: return it to the author or publish it
 * with a reason) or ST_*; e says why. */
int review_approve(struct hub *h, uint64_t id, const char *by, const char *seen,
    uint64_t review_by, const char *reason, char *iri, size_t cap, int *queued,
    struct err *e);

#endif
