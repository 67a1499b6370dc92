#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "st_actor.h"
#include "st_check.h"
#include "st_db.h"
#include "st_enc.h"
#include "st_follow.h"
#include "st_instance.h"
#include "st_internal.h"
#include "st_object.h"
#include "st_session.h"
#include "st_block.h"
#include "st_social.h"
#include "tap.h"

static char dir[256];

static int
put_obj(struct st_txn *t, void *arg, struct err *e)
{
	uint64_t *id = arg;
	struct st_obj o = { .id = *id, .kind = ST_K_NOTE, .owner = 1 };
	char iri[64];

	snprintf(iri, sizeof(iri), "https://h/o/%llu", (unsigned long long)*id);
	if (st_iri_put(t, iri, *id) != 0)
		return err_set(e, "iri taken"), ST_EXISTS;
	return st_object_put(t, &o, "{\"a\":1}", 7);
}

static void *
writer_thread(void *arg)
{
	struct st_db *db = arg;
	static uint64_t next = 1000;
	static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
	uint64_t id;
	int i, bad = 0;

	for (i = 0; i < 50; i++) {
		pthread_mutex_lock(&mu);
		id = next++;
		pthread_mutex_unlock(&mu);
		if (st_write(db, put_obj, &id, NULL) != 0)
			bad++;
	}
	return (void *)(intptr_t)bad;
}

static int
failing(struct st_txn *t, void *arg, struct err *e)
{
	uint64_t id = 5;

	(void)arg;
	put_obj(t, &id, e); /* a change that must be discarded */
	return err_set(e, "no"), ST_INVAL;
}

static int
seed(struct st_txn *t, void *arg, struct err *e)
{
	int i, rc;

	(void)arg;
	(void)e;
	for (i = 1; i <= 45; i++)
		if ((rc = st_outbox_add(t, 9, (uint64_t)i * 10,
			 (uint64_t)i * 10 + 1,
			 i % 3 == 0 ? ST_VIS_FOLLOWERS : ST_VIS_PUBLIC,
			 "{\"n\":1}", 7)) != 0)
			return rc;
	st_outbox_add(t, 10, 5, 6, 0, "{}", 2); /* another actor */
	return st_counter_add(t, "n", 3);
}

static void
test_writer(struct st_db *db)
{
	pthread_t th[8];
	uint64_t batches, ops, id = 5;
	struct st_txn *t;
	struct st_obj o;
	struct buf b;
	void *bad;
	int i, failures = 0;

	ok(st_writer_start(db, NULL) == 0, "writer starts");
	for (i = 0; i < 8; i++)
		pthread_create(&th[i], NULL, writer_thread, db);
	for (i = 0; i < 8; i++) {
		pthread_join(th[i], &bad);
		failures += (int)(intptr_t)bad;
	}
	st_writer_stats(db, &batches, &ops);
	ok(failures == 0 && ops == 400,
	    "400 concurrent writes done (%d "
	    "failed)",
	    failures);
	ok(batches < ops, "group commit: %llu ops in %llu batches",
	    (unsigned long long)ops, (unsigned long long)batches);
	ok(st_write(db, failing, NULL, NULL) == ST_INVAL,
	    "a failing unit "
	    "reports its code");
	st_read_begin(db, &t);
	ok(st_object_get(t, 5, &o, NULL) == ST_NOTFOUND,
	    "and its changes "
	    "are discarded");
	buf_init(&b, 0);
	ok(st_object_get(t, 1234, &o, &b) == 0 && b.len == 7 &&
		!memcmp(b.data, "{\"a\":1}", 7) && o.ver == 1,
	    "stored object read back");
	buf_free(&b);
	st_read_end(t);
	ok(st_write(db, put_obj, &id, NULL) == 0, "the same id works after");
}

static void
test_outbox(struct st_db *db)
{
	struct st_outbox_item it[20];
	struct st_txn *t;
	int n, more;
	uint64_t cnt;

	ok(st_write(db, seed, NULL, NULL) == 0, "seed outbox");
	st_read_begin(db, &t);
	n = st_outbox_page(t, 9, 0, ST_VIS_UNLISTED, it, 20, &more);
	ok(n == 20 && more && it[0].note == 440 && it[0].activity == 441 &&
		it[1].note == 430 && it[0].len == 7 &&
		!memcmp(it[0].json, "{\"n\":1}", 7),
	    "newest first, followers-only skipped");
	n = st_outbox_page(t, 9, it[19].note, ST_VIS_UNLISTED, it, 20, &more);
	ok(n == 10 && !more && it[9].note == 10, "second page ends (%d)", n);
	n = st_outbox_page(t, 9, 0, ST_VIS_DIRECT, it, 20, &more);
	ok(n == 20 && it[0].note == 450, "all visibilities when asked");
	st_outbox_count(t, 9, &cnt);
	ok(cnt == 45, "count per actor");
	ok(st_counter_get(t, "n") == 3, "counter");
	st_read_end(t);
}

static struct st_actor sample = { .id = 3,
	.kind = ST_AK_GROUP,
	.flags = 5,
	.role = 2,
	.created = 77,
	.last_active = 88,
	.posts = 99,
	.name = "sepsis",
	.display_name = "Sepsis \xe2\x9c\x93",
	.summary = "",
	.iri = "https://h/c/sepsis",
	.pubkey_pem = "-----BEGIN-----" };

static int
actor_write(struct st_txn *t, void *arg, struct err *e)
{
	int rc;

	(void)arg;
	(void)e;
	if ((rc = st_actor_put(t, &sample)) != 0 ||
	    (rc = st_actor_touch(t, 3, 1, 50)) != 0)
		return rc;
	return st_actor_touch(t, 3, -2, 100);
}

static void
test_actor_encoding(struct st_db *db)
{
	struct st_actor b;
	struct st_txn *t;
	unsigned char buf[512];
	size_t n = st_actor_encode(&sample, buf, sizeof(buf));

	ok(st_actor_decode(buf, n, 3, &b) == 0 && b.kind == ST_AK_GROUP &&
		b.flags == 5 && b.role == 2 && b.created == 77 &&
		!strcmp(b.display_name, sample.display_name) &&
		!strcmp(b.pubkey_pem, sample.pubkey_pem),
	    "actor record round trip");
	st_actor_clear(&b);
	ok(st_actor_decode(buf, n - 1, 3, &b) != 0, "truncated record refused");
	ok(st_actor_decode(buf, 10, 3, &b) != 0, "short record refused");
	/* A record of schema 2 ends after the eight strings (both extra
	 * ones empty here: 4 + 4 bytes): it reads with icon and url "". */
	ok(st_actor_decode(buf, n - 8, 3, &b) == 0 && b.icon != NULL &&
		b.icon[0] == '\0' && b.url != NULL && b.url[0] == '\0' &&
		!strcmp(b.pubkey_pem, sample.pubkey_pem),
	    "an actor record without icon and url still reads");
	st_actor_clear(&b);
	{
		struct st_actor c = sample;

		c.icon = "https://img.example/a.png";
		c.url = "https://social.example/@a";
		n = st_actor_encode(&c, buf, sizeof(buf));
		ok(n <= sizeof(buf) && st_actor_decode(buf, n, 3, &b) == 0 &&
			!strcmp(b.icon, c.icon) && !strcmp(b.url, c.url),
		    "icon and url round trip");
		st_actor_clear(&b);
	}
	ok(st_write(db, actor_write, NULL, NULL) == 0,
	    "actor and counters "
	    "written");
	st_read_begin(db, &t);
	ok(st_actor_get(t, 3, &b) == 0 && b.posts == 98 &&
		b.last_active == 100 && !strcmp(b.name, "sepsis"),
	    "counters kept apart: posts 99+1-2, last_active the latest");
	st_actor_clear(&b);
	st_read_end(t);
}

static int
instance_write(struct st_txn *t, void *arg, struct err *e)
{
	struct st_instance in = { 100, 50, 3, 1, ST_GROUPS_BOOST };

	(void)arg;
	(void)e;
	return st_instance_put(t, "b.example:8443", &in) ||
	    st_instance_put(t, "a.example", &(struct st_instance){ 0 });
}

static int
instance_count(void *ctx, const char *host, const struct st_instance *in)
{
	(void)host;
	(void)in;
	++*(int *)ctx;
	return 0;
}

static void
test_instances(struct st_db *db)
{
	struct st_instance in;
	struct st_txn *t;
	int n = 0;

	ok(st_write(db, instance_write, NULL, NULL) == 0, "instances put");
	if (st_read_begin(db, &t) != 0)
		return;
	ok(st_instance_get(t, "b.example:8443", &in) == 0 &&
		in.first_failure == 100 && in.last_success == 50 &&
		in.failures == 3 && in.unavailable &&
		in.groups == ST_GROUPS_BOOST,
	    "an instance record reads back");
	ok(st_instance_get(t, "c.example", &in) == ST_NOTFOUND,
	    "an unknown host has none");
	ok(st_instance_each(t, instance_count, &n) == 0 && n == 2,
	    "each instance is listed once");
	st_read_end(t);
}

/* Write schema version (uintptr_t)arg. */
static int
set_schema(struct st_txn *t, void *arg, struct err *e)
{
	unsigned char v[8];
	MDB_val k = { 6, "schema" }, d = { 8, v };

	(void)e;
	st_put_be64(v, (uint64_t)(uintptr_t)arg);
	return st_from_mdb(mdb_put(t->txn, st_dbi(t, DBI_META), &k, &d, 0));
}

static int
seen_write(struct st_txn *t, void *arg, struct err *e)
{
	char iri[64];
	int i, rc = 0;

	(void)arg;
	(void)e;
	for (i = 0; i < 1000 && rc == 0; i++) {
		snprintf(iri, sizeof(iri), "https://r/a/%04d", i);
		rc = st_seen_add(t, iri, i % 2 ? 100 : 200); /* odd ones old */
	}
	return rc;
}

struct prune {
	char resume[512];
	size_t len;
	int deleted, passes;
};

static int
seen_prune(struct st_txn *t, void *arg, struct err *e)
{
	struct prune *p = arg;
	int n;

	(void)e;
	p->passes++;
	if (st_seen_prune(t, 150, p->resume, &p->len, 64, &n) != 0)
		return ST_EIO;
	p->deleted += n;
	return 0;
}

static int
seen_count(struct st_txn *t, void *arg, struct err *e)
{
	char iri[64];
	int i, *n = arg;

	(void)e;
	for (*n = 0, i = 0; i < 1000; i++) {
		snprintf(iri, sizeof(iri), "https://r/a/%04d", i);
		*n += st_seen_has(t, iri) ? 1 + (i % 2) * 1000 : 0;
	}
	return 0;
}

static void
test_seen(struct st_db *db)
{
	struct prune p = { .len = 0 };
	int n = 0;

	ok(st_write(db, seen_write, NULL, NULL) == 0, "1000 ids seen");
	do {
		if (st_write(db, seen_prune, &p, NULL) != 0)
			break;
	} while (p.len != 0 && p.passes < 100);
	ok(p.deleted == 500 && p.passes == 16,
	    "pruned in slices of 64: %d deleted in %d passes", p.deleted,
	    p.passes);
	if (st_write(db, seen_count, &n, NULL) != 0)
		n = -1;
	ok(n == 500, "the 500 recent ids remain, no old one (%d)", n);
}

/* Community moderation: posts held for review, reports per community. */
static int
mod_write(struct st_txn *t, void *arg, struct err *e)
{
	struct st_report r = { .flag = 90, .reporter = 91, .time = 5 };
	struct st_pending p = { .author = 7, .time = 100 };
	int i, rc = 0;

	(void)arg;
	(void)e;
	for (i = 1; i <= 5 && rc == 0; i++) {
		p.note = (uint64_t)i * 10;
		rc = st_pending_put(t, 42, &p);
	}
	p.note = 10;
	p.time = 200; /* held again: one entry, its time changed */
	if (rc == 0)
		rc = st_pending_put(t, 42, &p);
	p.note = 11;
	if (rc == 0)
		rc = st_pending_put(t, 43, &p); /* another community */
	if (rc == 0)
		rc = st_pending_del(t, 42, 30);
	if (rc == 0 && st_pending_put(t, 0, &p) != ST_INVAL)
		rc = ST_EIO;
	if (rc == 0)
		rc = st_report_add(t, &r); /* the hub's only */
	r.group = 42;
	if (rc == 0)
		rc = st_report_add(t, &r); /* the hub's and community 42's */
	return rc;
}

static int
mod_read(struct st_txn *t, void *arg, struct err *e)
{
	struct st_pending items[8], one;
	struct st_report r[8];
	int *got = arg, more, n;

	(void)e;
	n = st_pending_page(t, 42, 0, items, 3, &more);
	got[0] = n == 3 && more && items[0].note == 10 &&
	    items[0].time == 200 && items[0].author == 7 &&
	    items[1].note == 20 && items[2].note == 40;
	n = st_pending_page(t, 42, 40, items, 8, &more);
	got[1] = n == 1 && !more && items[0].note == 50;
	got[2] = st_pending_get(t, 42, 30, &one) == ST_NOTFOUND &&
	    st_pending_get(t, 43, 11, &one) == 0 && one.author == 7 &&
	    st_pending_get(t, 42, 11, &one) == ST_NOTFOUND;
	n = st_report_page(t, 0, r, 8, &more);
	got[3] =
	    n == 2 && r[0].group == 42 && r[1].group == 0 && r[0].flag == 90;
	n = st_report_page_of(t, 42, 0, r, 8, &more);
	got[4] = n == 1 && r[0].group == 42 && r[0].reporter == 91;
	got[5] = st_report_page_of(t, 43, 0, r, 8, &more) == 0;
	return 0;
}

static void
test_moderation(struct st_db *db)
{
	int got[6] = { 0 };

	ok(st_write(db, mod_write, NULL, NULL) == 0,
	    "posts held, reports kept");
	ok(st_write(db, mod_read, got, NULL) == 0, "and read back");
	ok(got[0], "held posts page oldest first; holding again keeps one");
	ok(got[1], "the next page starts after the last one seen");
	ok(got[2], "a post let go is no longer held; communities apart");
	ok(got[3], "the hub's list has every report, with its community");
	ok(got[4], "a community's list has its own report only");
	ok(got[5], "and another community's is empty");
}

/* Sessions: put, get, end one, end all but one, end the old ones. */
static int
session_write(struct st_txn *t, void *arg, struct err *e)
{
	unsigned char d[4][ST_SESSION_DIGEST];
	int *got = arg, i;
	uint64_t who, when;
	unsigned n = 0;

	(void)e;
	for (i = 0; i < 4; i++) {
		memset(d[i], 'a' + i, ST_SESSION_DIGEST);
		if (st_session_put(t, d[i], i < 3 ? 7 : 8, 100 + i) != 0)
			return -1;
	}
	got[0] = st_session_get(t, d[1], &who, &when) == 0 && who == 7 &&
	    when == 101 && st_session_put(t, d[1], 7, 1) == ST_EXISTS;
	got[1] = st_session_del(t, d[0]) == 0 &&
	    st_session_get(t, d[0], &who, NULL) == ST_NOTFOUND &&
	    st_session_del(t, d[0]) == ST_NOTFOUND;
	/* d[1] (101) is older than 102: it goes; d[2] stays. */
	got[2] = st_session_del_actor(t, 7, NULL, 102, &n) == 0 && n == 1 &&
	    st_session_get(t, d[1], &who, NULL) == ST_NOTFOUND &&
	    st_session_get(t, d[2], &who, NULL) == 0;
	got[3] = st_session_put(t, d[0], 7, 200) == 0 &&
	    st_session_del_actor(t, 7, d[2], 0, &n) == 0 && n == 1 &&
	    st_session_get(t, d[2], &who, NULL) == 0 &&
	    st_session_get(t, d[0], &who, NULL) == ST_NOTFOUND &&
	    st_session_get(t, d[3], &who, NULL) == 0 && who == 8;
	return 0;
}

static void
test_sessions(struct st_db *db)
{
	int got[4] = { 0 };

	ok(st_write(db, session_write, got, NULL) == 0, "sessions written");
	ok(got[0], "a session is found by its digest, and only once");
	ok(got[1], "ending a session forgets it");
	ok(got[2], "a member's sessions older than a time end, newer stay");
	ok(got[3], "all but one of a member's sessions end; others' stay");
}

/* Blocks match the host however a URL spells it, and subdomains. */
static int
block_write(struct st_txn *t, void *arg, struct err *e)
{
	static const char *const in[] = { "https://u@Evil.example.:443/k",
		"https://evil.example:443/users/x#main-key",
		"https://a.b.evil.example/x", "evil.example", "EVIL.example." };
	static const char *const out[] = { "http://127.0.0.1:8080/x",
		"https://evil.example:8443/x", "https://notevil.example/x",
		"https://example/x", "https://evil.example.org/x" };
	int *got = arg, i, all = 1;
	char h[64];

	(void)e;
	st_block_host("https://u@Evil.example.:443/x", h, sizeof(h));
	got[0] = !strcmp(h, "evil.example");
	st_block_host("http://[::1]:80/x", h, sizeof(h));
	got[0] = got[0] && !strcmp(h, "[::1]");
	st_block_host("http://127.0.0.1:8080/x", h, sizeof(h));
	got[0] = got[0] && !strcmp(h, "127.0.0.1:8080");
	if (st_block_put(t, "evil.example", "spam", 1) != 0 ||
	    st_block_put(t, "127.0.0.1:9090", NULL, 1) != 0)
		return -1;
	for (i = 0; i < 5; i++)
		all = all && st_block_covers(t, in[i]);
	got[1] = all;
	for (i = 0, all = 1; i < 5; i++)
		all = all && !st_block_covers(t, out[i]);
	got[2] = all && st_block_covers(t, "http://127.0.0.1:9090/inbox");
	return 0;
}

static void
test_blocks(struct st_db *db)
{
	int got[3] = { 0 };

	ok(st_write(db, block_write, got, NULL) == 0, "blocks written");
	ok(got[0],
	    "a URL's host is named without user info, default port, "
	    "case or trailing dot");
	ok(got[1],
	    "a blocked host is matched however a URL spells it, and "
	    "its subdomains too");
	ok(got[2], "other hosts, other ports and look-alikes are not");
}

static void
report(void *ctx, const char *msg)
{
	(void)ctx;
	printf("# %s\n", msg);
}

int
main(void)
{
	struct st_db *db, *db2;
	char bdir[300], cmd[700];
	unsigned ver = 0;
	struct err e;

	snprintf(dir, sizeof(dir), "/tmp/hub-test-storage-%d", getpid());
	ok(st_db_open(&db, dir, 64 << 20, 0, &e) == ST_NOINIT,
	    "no data, no ST_CREATE: %s", e.msg);
	ok(st_db_open(&db, dir, 64 << 20, ST_CREATE, &e) == 0, "created");
	test_writer(db);
	test_outbox(db);
	test_actor_encoding(db);
	test_instances(db);
	test_seen(db);
	test_moderation(db);
	test_sessions(db);
	test_blocks(db);
	ok(st_check(db, report, NULL) > 0,
	    "check reports an outbox whose "
	    "notes are missing");
	snprintf(bdir, sizeof(bdir), "%s-backup", dir);
	ok(st_db_backup(db, bdir, &e) == 0, "hot backup");
	ok(st_db_backup(db, bdir, &e) == ST_EXISTS,
	    "backup refuses to "
	    "overwrite: %s",
	    e.msg);
	ok(st_write(db, set_schema, (void *)1, NULL) == 0 &&
		(st_db_close(db), st_db_open(&db, dir, 64 << 20, 0, &e)) == 0 &&
		st_db_schema(db, &ver) == 0 && ver == ST_SCHEMA_VERSION,
	    "an older schema (1) is brought up to %d on open",
	    ST_SCHEMA_VERSION);
	ok(st_write(db, set_schema, (void *)(ST_SCHEMA_VERSION + 1), NULL) == 0,
	    "write a newer schema");
	st_db_close(db);
	ok(st_db_open(&db2, dir, 64 << 20, 0, &e) == ST_SCHEMA &&
		strstr(e.msg, "newer") != NULL,
	    "newer schema refused: %s", e.msg);
	ok(st_db_open(&db2, bdir, 64 << 20, 0, &e) == 0, "backup opens");
	st_db_close(db2);
	snprintf(cmd, sizeof(cmd), "rm -rf %s %s", dir, bdir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
	return done_testing();
}
