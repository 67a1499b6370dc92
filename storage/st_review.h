/* st_review.h: editorial review. A draft is a member's learning post (or
 * a note held by the patient-identifier guard) that is not published:
 * nothing of it is served as ActivityPub or delivered until an editor
 * approves it. Drafts live in databases of their own ("drafts",
 * "review_index", "review_log"), so older programs, which never open
 * them, read the rest unchanged: no schema bump.
 *
 * States and who moves them (st_draft_can_move is the one table):
 *   draft     -> submitted, withdrawn          (the author)
 *   submitted -> in_review, returned, published, withdrawn
 *   in_review -> returned, published, withdrawn
 *   returned  -> submitted, withdrawn          (the author edits first)
 *   held      -> published, returned, withdrawn (PII: an editor decides)
 *   published, withdrawn: final. */
#ifndef HUB_ST_REVIEW_H
#define HUB_ST_REVIEW_H

#include <stddef.h>
#include <stdint.h>

struct st_txn;

enum st_draft_state {
	ST_DRAFT = 1,	    /* the author is still writing it */
	ST_DRAFT_SUBMITTED, /* waits for an editor */
	ST_DRAFT_IN_REVIEW, /* an editor (reviewer) took it */
	ST_DRAFT_RETURNED,  /* sent back with feedback */
	ST_DRAFT_PUBLISHED, /* note is the published post */
	ST_DRAFT_WITHDRAWN, /* the author took it back */
	ST_DRAFT_HELD,	    /* refused by the PII guard; asks an editor */
	ST_DRAFT_NSTATES
};

#define ST_DRAFT_TYPE_MAX 31 /* bytes of a content type slug ("note") */

struct st_draft {
	uint64_t id;			  /* set by st_draft_put when 0 */
	uint64_t author;		  /* actor id */
	uint8_t state;			  /* enum st_draft_state */
	uint64_t created, updated, since; /* seconds; since: in this state */
	uint64_t submitted;		  /* last submission (0: never) */
	uint64_t reviewer;		  /* editor who took or decided it */
	uint64_t decided;		  /* time published or returned */
	uint64_t review_by;   /* published: when editors look again (0: no) */
	uint64_t note;	      /* the published note's id */
	uint64_t override_by; /* editor who published past the PII guard */
	char type[ST_DRAFT_TYPE_MAX + 1]; /* content type, or "note" */
	char *reason;  /* the PII override's reason (owned), or NULL */
	char *content; /* JSON (owned): {"learning": {...}, "visibility",
			  "community"} or {"text", "visibility", ...} */
};

/* Store d (write txn): a new draft when d->id is 0 (id and created are
 * set), else replacing the stored one and its index entries. Returns 0,
 * ST_INVAL (no content or an unknown state) or ST_*. */
int st_draft_put(struct st_txn *t, struct st_draft *d);
/* The draft id into *d (st_draft_clear), or ST_NOTFOUND. */
int st_draft_get(struct st_txn *t, uint64_t id, struct st_draft *d);
void st_draft_clear(struct st_draft *d);

/* Whether a draft may go from state from to state to (1) or not (0). */
int st_draft_can_move(int from, int to);
/* Move d to state to at time now and store it: ST_INVAL when the table
 * above does not allow it (nothing changes). */
int st_draft_move(struct st_txn *t, struct st_draft *d, int to, uint64_t now);

/* Call cb with each draft in state, oldest in that state first; author
 * set (state 0): each of author's drafts, newest first; due set (state
 * and author 0): each published draft whose review_by is at or before
 * due, earliest first. d is valid during the call only; a nonzero
 * return from cb stops the walk. At most max drafts are visited.
 * Returns 0 or ST_*. */
int st_draft_each(struct st_txn *t, int state, uint64_t author, uint64_t due,
    int max, int (*cb)(void *ctx, const struct st_draft *d), void *ctx);

/* The history of a draft: comments and decisions, in order. */
enum st_review_action {
	ST_RA_SAVED = 1,
	ST_RA_SUBMITTED,
	ST_RA_STARTED,
	ST_RA_COMMENT,
	ST_RA_RETURNED,
	ST_RA_PUBLISHED,
	ST_RA_WITHDRAWN,
	ST_RA_HELD,
	ST_RA_OVERRIDE, /* published past the PII guard; comment: reason */
	ST_RA_REVIEW_BY,
	ST_RA_NACTIONS
};
struct st_review_entry {
	uint64_t seq, time, actor;
	uint8_t action;
	const char *comment; /* borrowed, NUL-terminated; "" when none */
};
int st_review_log_add(struct st_txn *t, uint64_t draft, uint64_t actor,
    int action, const char *comment, uint64_t time);
/* Call cb with each entry of draft's history, oldest first (e valid
 * during the call only). Returns 0 or ST_*. */
int st_review_log_each(struct st_txn *t, uint64_t draft,
    int (*cb)(void *ctx, const struct st_review_entry *e), void *ctx);

/* Names: "draft", "submitted", ... and "saved", "comment", ...; the
 * parsers return -1 when unknown. */
const char *st_draft_state_name(int state);
int st_draft_state_parse(const char *s);
const char *st_review_action_name(int action);

/* The content types that need review, as a space-separated list of
 * slugs, into out (NUL-terminated). Never set: ST_NOTFOUND (callers use
 * their default). */
int st_review_types_get(struct st_txn *t, char *out, size_t cap);
int st_review_types_set(struct st_txn *t, const char *list);

#endif
