/* fuzz_activity.c: inbound activity JSON, from the bytes to the effects.
 * Each input is read as an activity sent by a known remote actor
 * (https://remote.example/users/m), checked for its origin, cleaned, and
 * applied by fed_inbox_apply to a real store (one LMDB environment in a
 * temporary directory, made on the first input) holding a member, alice,
 * with a note that the remote actor follows. The write is rolled back
 * after each input, so inputs do not depend on each other. "@NOTE@" in
 * an input stands for the IRI of alice's note, "@ALICE@" for alice. */
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "err.h"
#include "fed_inbox.h"
#include "hub.h"
#include "log.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_follow.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define ROLLBACK (-1000)
#define SENDER	 "https://remote.example/users/m"

static struct config cfg;
static struct hub hub;
static struct st_actor sender;
static char note_iri[700], alice_iri[300];

static void
cleanup(void)
{
	char cmd[PATH_MAX + 16];

	st_actor_clear(&sender);
	hub_close(&hub);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", cfg.data_dir);
	if (system(cmd) != 0)
		fprintf(
		    stderr, "fuzz_activity: cannot remove %s\n", cfg.data_dir);
}

static int
add_sender(struct st_txn *t, void *arg, struct err *e)
{
	struct st_actor alice;
	uint64_t id;
	int rc;

	(void)arg;
	(void)e;
	if ((rc = st_actor_upsert_remote(t, &sender)) != 0)
		return rc;
	if ((rc = st_name_get(t, "alice", &id)) != 0 ||
	    (rc = st_actor_get(t, id, &alice)) != 0)
		return rc;
	snprintf(alice_iri, sizeof(alice_iri), "%s", alice.iri);
	st_actor_clear(&alice);
	return st_follow_put(t, sender.id, id, ST_FOLLOW_ACCEPTED, 0);
}

static int
setup(void)
{
	char dir[] = "/tmp/fuzz-activity-XXXXXX", text[400];
	struct hub_post_opts po = { .vis = 0 };
	struct hub_actor_new alice = {
		.kind = HUB_PERSON, .name = "alice", .no_login = 1
	};
	struct err e = { { 0 } };

	log_set_level(LOG_ERROR);
	if (mkdtemp(dir) == NULL)
		return -1;
	snprintf(text, sizeof(text),
	    "base_url = https://hub.example\ndata_dir = %s\n"
	    "map_size = 64M\nlog_level = error\n",
	    dir);
	if (config_parse(&cfg, text, strlen(text), "fuzz", NULL, &e) != 0 ||
	    hub_open(&hub, &cfg, 1, &e) != 0 || hub_init(&hub, &e) != 0 ||
	    hub_actor_create(&hub, &alice, NULL, 0, &e) != 0 ||
	    hub_post_publish(&hub, "alice", "a #note to like and boost", &po,
		note_iri, sizeof(note_iri), &e) != 0) {
		fprintf(stderr, "fuzz_activity: setup: %s\n", e.msg);
		return -1;
	}
	sender = (struct st_actor){ .kind = 1,
		.name = strdup("m"),
		.display_name = strdup(""),
		.summary = strdup(""),
		.iri = strdup(SENDER),
		.pubkey_pem = strdup("-----BEGIN PUBLIC KEY-----\n"),
		.inbox = strdup(SENDER "/inbox"),
		.shared_inbox = strdup("https://remote.example/inbox"),
		.key_id = strdup(SENDER "#main-key"),
		.fetched = 1 };
	if (st_write(hub.db, add_sender, NULL, &e) != 0) {
		fprintf(stderr, "fuzz_activity: setup: %s\n", e.msg);
		return -1;
	}
	atexit(cleanup);
	return 0;
}

struct run {
	struct fed_inbox in;
};

static int
apply_and_roll_back(struct st_txn *t, void *arg, struct err *e)
{
	struct run *r = arg;

	fed_inbox_apply(t, &r->in, e);
	return ROLLBACK;
}

/* data with the placeholders replaced, NUL-terminated. */
static char *
expand(const uint8_t *data, size_t size, size_t *len)
{
	struct buf b;
	size_t i = 0;

	buf_init(&b, 4 << 20);
	while (i < size) {
		if (size - i >= 6 && !memcmp(data + i, "@NOTE@", 6)) {
			buf_adds(&b, note_iri);
			i += 6;
		} else if (size - i >= 7 && !memcmp(data + i, "@ALICE@", 7)) {
			buf_adds(&b, alice_iri);
			i += 7;
		} else
			buf_add(&b, (const char *)data + i++, 1);
	}
	buf_add(&b, "", 1);
	*len = b.len ? b.len - 1 : 0;
	return buf_steal(&b, NULL);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	struct fed_activity act;
	struct run r = { { 0 } };
	struct err e = { { 0 } };
	size_t len;
	char *body;

	if (!ready) {
		if (setup() != 0)
			abort();
		ready = 1;
	}
	if ((body = expand(data, size, &len)) == NULL)
		return 0;
	if (fed_activity_read(body, len, &act, &e) == 0) {
		if (fed_activity_check_origin(&act, SENDER, &e) == 0 &&
		    fed_activity_clean(&act, &sender, &e) == 0) {
			r.in.act = &act;
			r.in.from = &sender;
			if (st_write(hub.db, apply_and_roll_back, &r, &e) !=
			    ROLLBACK)
				abort(); /* the store failed, not the input */
		}
		fed_activity_free(&act);
	}
	free(body);
	return 0;
}
