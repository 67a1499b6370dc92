/* The review state machine in storage: allowed and refused moves, the
 * queue's order and contents, a member's drafts, re-review dates, the
 * history's order, and the list of content types under review. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "st_db.h"
#include "st_review.h"
#include "tap.h"

static struct st_db *db;
static char dir[256];

struct ctx {
	struct st_draft *d;
	int state, to, rc;
	uint64_t now;
	const char *comment;
	int action;
	uint64_t ids[16];
	char comments[16][32];
	int n;
};

static int
put(struct st_txn *t, void *arg, struct err *e)
{
	struct ctx *c = arg;

	(void)e;
	return st_draft_put(t, c->d);
}

static int
move(struct st_txn *t, void *arg, struct err *e)
{
	struct ctx *c = arg;

	(void)e;
	return st_draft_move(t, c->d, c->to, c->now);
}

static int
log_add(struct st_txn *t, void *arg, struct err *e)
{
	struct ctx *c = arg;

	(void)e;
	return st_review_log_add(t, 42, 7, c->action, c->comment, c->now);
}

static int
types_set(struct st_txn *t, void *arg, struct err *e)
{
	(void)e;
	return st_review_types_set(t, arg);
}

static int
collect(void *arg, const struct st_draft *d)
{
	struct ctx *c = arg;

	if (c->n < 16)
		c->ids[c->n++] = d->id;
	return 0;
}

static int
collect_log(void *arg, const struct st_review_entry *e)
{
	struct ctx *c = arg;

	if (c->n < 16)
		snprintf(c->comments[c->n++], 32, "%s:%s",
		    st_review_action_name(e->action), e->comment);
	return 0;
}

static uint64_t
new_draft(uint64_t author, int state, uint64_t now, const char *content)
{
	struct st_draft d = { .author = author,
		.state = (uint8_t)state,
		.created = now,
		.updated = now,
		.since = now,
		.content = (char *)content };
	struct ctx c = { .d = &d };

	snprintf(d.type, sizeof(d.type), "tool");
	return st_write(db, put, &c, NULL) == 0 ? d.id : 0;
}

static int
move_to(uint64_t id, int to, uint64_t now)
{
	struct st_draft d;
	struct st_txn *t;
	struct ctx c = { .d = &d, .to = to, .now = now };
	int rc;

	if (st_read_begin(db, &t) != 0)
		return -100;
	rc = st_draft_get(t, id, &d);
	st_read_end(t);
	if (rc != 0)
		return rc;
	rc = st_write(db, move, &c, NULL);
	st_draft_clear(&d);
	return rc;
}

static void
walk(struct ctx *c, int state, uint64_t author, uint64_t due)
{
	struct st_txn *t;

	c->n = 0;
	if (st_read_begin(db, &t) == 0) {
		st_draft_each(t, state, author, due, 16, collect, c);
		st_read_end(t);
	}
}

static void
test_table(void)
{
	static const struct {
		int from, to, ok;
	} cases[] = {
		{ ST_DRAFT, ST_DRAFT_SUBMITTED, 1 },
		{ ST_DRAFT, ST_DRAFT_PUBLISHED, 0 },
		{ ST_DRAFT, ST_DRAFT_IN_REVIEW, 0 },
		{ ST_DRAFT_SUBMITTED, ST_DRAFT_IN_REVIEW, 1 },
		{ ST_DRAFT_SUBMITTED, ST_DRAFT_PUBLISHED, 1 },
		{ ST_DRAFT_IN_REVIEW, ST_DRAFT_RETURNED, 1 },
		{ ST_DRAFT_IN_REVIEW, ST_DRAFT_SUBMITTED, 0 },
		{ ST_DRAFT_RETURNED, ST_DRAFT_SUBMITTED, 1 },
		{ ST_DRAFT_RETURNED, ST_DRAFT_PUBLISHED, 0 },
		{ ST_DRAFT_HELD, ST_DRAFT_PUBLISHED, 1 },
		{ ST_DRAFT_HELD, ST_DRAFT_IN_REVIEW, 0 },
		{ ST_DRAFT_PUBLISHED, ST_DRAFT_WITHDRAWN, 0 },
		{ ST_DRAFT_PUBLISHED, ST_DRAFT_SUBMITTED, 0 },
		{ ST_DRAFT_WITHDRAWN, ST_DRAFT_SUBMITTED, 0 },
		{ 0, ST_DRAFT, 0 },
		{ ST_DRAFT, 99, 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ok(st_draft_can_move(cases[i].from, cases[i].to) == cases[i].ok,
		    "%s -> %s %s", st_draft_state_name(cases[i].from),
		    st_draft_state_name(cases[i].to),
		    cases[i].ok ? "allowed" : "refused");
	ok(st_draft_state_parse("in_review") == ST_DRAFT_IN_REVIEW &&
		st_draft_state_parse("nope") == -1,
	    "state names parse");
}

static void
test_flow(void)
{
	uint64_t a, b, h;
	struct st_draft d;
	struct st_txn *t;
	struct ctx c = { 0 };
	int rc;

	a = new_draft(5, ST_DRAFT, 100, "{\"learning\":{\"title\":\"A\"}}");
	b = new_draft(5, ST_DRAFT, 101, "{\"learning\":{\"title\":\"B\"}}");
	h = new_draft(6, ST_DRAFT_HELD, 102, "{\"text\":\"held\"}");
	ok(a && b && h && a != b, "drafts stored with fresh ids");
	ok(move_to(a, ST_DRAFT_PUBLISHED, 110) == ST_INVAL,
	    "a draft cannot skip review");
	ok(move_to(b, ST_DRAFT_SUBMITTED, 111) == 0 &&
		move_to(a, ST_DRAFT_SUBMITTED, 112) == 0,
	    "both submitted");
	walk(&c, ST_DRAFT_SUBMITTED, 0, 0);
	ok(c.n == 2 && c.ids[0] == b && c.ids[1] == a,
	    "the queue is oldest submitted first");
	walk(&c, 0, 5, 0);
	ok(c.n == 2 && c.ids[0] == b && c.ids[1] == a,
	    "a member's drafts, newest first");
	walk(&c, ST_DRAFT_HELD, 0, 0);
	ok(c.n == 1 && c.ids[0] == h, "the held draft is in its queue");
	ok(move_to(b, ST_DRAFT_IN_REVIEW, 120) == 0 &&
		move_to(b, ST_DRAFT_RETURNED, 121) == 0,
	    "taken, then returned");
	walk(&c, ST_DRAFT_SUBMITTED, 0, 0);
	ok(c.n == 1 && c.ids[0] == a, "a returned draft leaves the queue");
	ok(move_to(b, ST_DRAFT_PUBLISHED, 122) == ST_INVAL,
	    "a returned draft cannot be published");
	ok(move_to(b, ST_DRAFT_SUBMITTED, 123) == 0 &&
		move_to(b, ST_DRAFT_PUBLISHED, 124) == 0,
	    "resubmitted and published");
	ok(move_to(b, ST_DRAFT_WITHDRAWN, 125) == ST_INVAL,
	    "published is final");
	ok(move_to(999, ST_DRAFT_SUBMITTED, 1) == ST_NOTFOUND,
	    "an unknown draft is not found");

	/* A re-review date: in the due walk once it has come. */
	rc = st_read_begin(db, &t);
	rc = rc ? rc : st_draft_get(t, b, &d);
	st_read_end(t);
	d.review_by = 1000;
	c.d = &d;
	ok(rc == 0 && st_write(db, put, &c, NULL) == 0, "review-by set");
	st_draft_clear(&d);
	walk(&c, 0, 0, 999);
	ok(c.n == 0, "not due before its date");
	walk(&c, 0, 0, 1000);
	ok(c.n == 1 && c.ids[0] == b, "due on its date");
	rc = st_read_begin(db, &t);
	rc = rc ? rc : st_draft_get(t, b, &d);
	st_read_end(t);
	ok(rc == 0 && d.state == ST_DRAFT_PUBLISHED && d.since == 124 &&
		d.submitted == 123 && !strcmp(d.type, "tool") &&
		!strcmp(d.content, "{\"learning\":{\"title\":\"B\"}}"),
	    "the record reads back");
	st_draft_clear(&d);
}

static void
test_log(void)
{
	static const char *const comments[] = { "first", "", "third" };
	struct st_txn *t;
	struct ctx c = { 0 };
	int i, bad = 0;

	for (i = 0; i < 3; i++) {
		c.action = i == 1 ? ST_RA_STARTED : ST_RA_COMMENT;
		c.comment = comments[i];
		c.now = 500 - (uint64_t)i; /* times may run backwards */
		bad += st_write(db, log_add, &c, NULL) != 0;
	}
	c.n = 0;
	if (st_read_begin(db, &t) == 0) {
		st_review_log_each(t, 42, collect_log, &c);
		st_read_end(t);
	}
	ok(!bad && c.n == 3 && !strcmp(c.comments[0], "comment:first") &&
		!strcmp(c.comments[1], "started:") &&
		!strcmp(c.comments[2], "comment:third"),
	    "the history comes out in the order written");
	c.n = 0;
	if (st_read_begin(db, &t) == 0) {
		st_review_log_each(t, 43, collect_log, &c);
		st_read_end(t);
	}
	ok(c.n == 0, "another draft's history is empty");
}

static void
test_types(void)
{
	char out[64];
	struct st_txn *t;
	int rc;

	rc = st_read_begin(db, &t);
	ok(rc == 0 && st_review_types_get(t, out, sizeof(out)) == ST_NOTFOUND,
	    "no list until one is set");
	st_read_end(t);
	ok(st_write(db, types_set, "tool opinion", NULL) == 0, "list set");
	rc = st_read_begin(db, &t);
	ok(rc == 0 && st_review_types_get(t, out, sizeof(out)) == 0 &&
		!strcmp(out, "tool opinion"),
	    "list read back");
	ok(st_review_types_get(t, out, 4) == ST_INVAL, "a short buffer");
	st_read_end(t);
	ok(st_write(db, types_set, "", NULL) == 0, "empty list set");
	rc = st_read_begin(db, &t);
	ok(rc == 0 && st_review_types_get(t, out, sizeof(out)) == 0 &&
		out[0] == '\0',
	    "empty list read back (not the default)");
	st_read_end(t);
}

int
main(void)
{
	struct err e;
	char cmd[300];

	snprintf(dir, sizeof(dir), "/tmp/test_review.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	ok(st_db_open(&db, dir, 64 << 20, ST_CREATE, &e) == 0, "db opened");
	test_table();
	test_flow();
	test_log();
	test_types();
	st_db_close(db);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 1;
	return done_testing();
}
