/* bench_web.c: the seeder behind home_page.sh. It links libhub.a and
 * builds a store the web pages can be measured on, through the hub's
 * real write path (hub_actor_create, hub_follow, hub_post_prepare/apply
 * with st_write_async so that the writer's group commit batches them):
 *
 *   bench_web seed -c FILE -n NOTES -m MEMBERS -g COMMUNITIES
 *       -f FOLLOWS -r REMOTE -p PASSWORD [-T SECONDS]
 *
 *   - MEMBERS members m0.. (one shared key pair, no password) and one
 *     member "reader" with PASSWORD, who follows m0..m(FOLLOWS-1) and
 *     joins the first five communities, so their home timeline is full;
 *   - COMMUNITIES public communities c0..; member i joins c(i % COMM.)
 *     and follows three other members;
 *   - NOTES notes: one "hot" note by m0 first, 40 replies to it, then the
 *     rest round-robin over the members, every fourth of each member's
 *     posted into the author's community; each has two hashtags (#patientsafety
 * and #topicN) and the words "handover" or "insulin";
 *   - REMOTE remote actors (stored as if fetched) with 20 public notes
 *     each, on reader's timeline, tagged, some replying to the hot note.
 *
 * It prints figures and ends with "RESULT key=value ..." (hot=IRI of the
 * hot note). Every loop stops at its count or at -T seconds. */
#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "fed_key.h"
#include "hub.h"
#include "log.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_follow.h"
#include "st_object.h"
#include "st_social.h"

#define THREADS	     32 /* concurrent blocking calls, so writes batch */
#define NOTE_MAX     600
#define HOT_REPLIES  40
#define REMOTE_NOTES 20 /* per remote actor */
#define READER_JOINS 5

struct opts {
	const char *conf, *password;
	long notes, members, groups, follows, remote;
	double max_sec;
};

struct bench {
	struct config cfg;
	struct hub h;
	char *priv_pem, *pub_pem;
	const struct opts *o;
	char hot[512]; /* IRI of the hot note */
	double deadline;
};

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench_web seed -c FILE -n NOTES -m MEMBERS -g COMMUNITIES "
	    "-f FOLLOWS -r REMOTE -p PASSWORD [-T SEC]\n");
	exit(2);
}

static long
num_arg(const char *s, long min)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min) {
		fprintf(stderr, "bench_web: \"%s\" is not a number >= %ld\n", s,
		    min);
		exit(2);
	}
	return v;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->max_sec = 900;
	while ((c = getopt(argc, argv, "c:n:m:g:f:r:p:T:")) != -1) {
		switch (c) {
		case 'c': o->conf = optarg; break;
		case 'n': o->notes = num_arg(optarg, 1); break;
		case 'm': o->members = num_arg(optarg, 2); break;
		case 'g': o->groups = num_arg(optarg, READER_JOINS); break;
		case 'f': o->follows = num_arg(optarg, 0); break;
		case 'r': o->remote = num_arg(optarg, 0); break;
		case 'p': o->password = optarg; break;
		case 'T': o->max_sec = (double)num_arg(optarg, 1); break;
		default: usage();
		}
	}
	if (optind != argc || o->conf == NULL || o->password == NULL ||
	    o->notes <= HOT_REPLIES || o->members == 0 || o->groups == 0 ||
	    o->follows > o->members)
		usage();
}

/* About 150 characters with two hashtags, varied by i. */
static void
note_text(char *out, size_t cap, long i)
{
	static const char *const lines[] = {
		"Checklists before every handover cut our near misses.",
		"We now read back verbal orders; two errors caught this week.",
		"Labelling syringes at the bedside, not in the corridor.",
		"A second check on insulin doses found one mix-up in March.",
		"Falls dropped after we moved the night rounds earlier.",
	};

	snprintf(out, cap,
	    "Note %ld: %s What did your team try? #patientsafety #topic%ld", i,
	    lines[i % 5], i % 50);
}

/* ---- parallel blocking calls: actors and follows ---- */

struct par {
	struct bench *b;
	int (*fn)(struct bench *b, long i, struct err *e);
	atomic_long next, made, failed;
	long count;
	struct err first; /* written by the first failure only */
};

static void *
par_main(void *arg)
{
	struct par *p = arg;
	struct err e;
	long i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->count &&
	    now_sec() < p->b->deadline) {
		if (p->fn(p->b, i, &e) == 0)
			atomic_fetch_add(&p->made, 1);
		else if (atomic_fetch_add(&p->failed, 1) == 0)
			p->first = e;
	}
	return NULL;
}

/* Call fn(b, 0..count-1) from THREADS threads; 0, or -1 (said why). */
static int
par_run(struct bench *b, const char *what, long count,
    int (*fn)(struct bench *, long, struct err *))
{
	struct par p = { .b = b, .fn = fn, .count = count };
	pthread_t th[THREADS];
	double t0 = now_sec();
	int i, n;

	for (n = 0; n < THREADS; n++)
		if (pthread_create(&th[n], NULL, par_main, &p) != 0)
			break;
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("%s: %ld in %.2f s\n", what, (long)p.made, now_sec() - t0);
	if (p.failed > 0 || p.made < count) {
		fprintf(stderr,
		    "bench_web: %s: %ld of %ld done; first error: "
		    "%s\n",
		    what, (long)p.made, count,
		    p.failed > 0 ? p.first.msg : "time limit (-T)");
		return -1;
	}
	return 0;
}

static int
make_member(struct bench *b, long i, struct err *e)
{
	char name[32];
	struct hub_actor_new in = { .kind = HUB_PERSON,
		.name = name,
		.no_login = 1,
		.priv_pem = b->priv_pem,
		.pub_pem = b->pub_pem };

	snprintf(name, sizeof(name), "m%ld", i);
	return hub_actor_create(&b->h, &in, NULL, 0, e);
}

static int
make_group(struct bench *b, long i, struct err *e)
{
	char name[32], title[64];
	struct hub_actor_new in = { .kind = HUB_GROUP,
		.name = name,
		.display_name = title,
		.summary = "Where teams share what they learned.",
		.priv_pem = b->priv_pem,
		.pub_pem = b->pub_pem };

	snprintf(name, sizeof(name), "c%ld", i);
	snprintf(title, sizeof(title), "Community %ld", i);
	return hub_actor_create(&b->h, &in, NULL, 0, e);
}

static int
follow(struct bench *b, const char *who, int group, long i, struct err *e)
{
	char iri[256], name[32];
	int already;

	snprintf(name, sizeof(name), "%s%ld", group ? "c" : "m", i);
	hub_actor_iri(
	    &b->h, group ? HUB_GROUP : HUB_PERSON, name, iri, sizeof(iri));
	return hub_follow(&b->h, who, iri, 0, &already, e);
}

/* Follow i: reader's first (members, then communities), then each
 * member's: one community and three members. */
static int
make_follow(struct bench *b, long i, struct err *e)
{
	const struct opts *o = b->o;
	static const long step[] = { 1, 17, 101 };
	char who[32];
	long m;

	if (i < o->follows)
		return follow(b, "reader", 0, i, e);
	i -= o->follows;
	if (i < READER_JOINS)
		return follow(b, "reader", 1, i, e);
	i -= READER_JOINS;
	m = i / 4;
	snprintf(who, sizeof(who), "m%ld", m);
	if (i % 4 == 0)
		return follow(b, who, 1, m % o->groups, e);
	return follow(b, who, 0, (m + step[i % 4 - 1]) % o->members, e);
}

/* ---- notes through st_write_async, a window in flight ---- */

struct seeder {
	struct bench *b;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	long next, total, inflight, done, failed;
	int producers;
	struct err first;
};

struct seed_op {
	struct seeder *s;
	struct hub_post *p;
};

static void
seed_done(void *ctx, int rc, const struct err *e)
{
	struct seed_op *op = ctx;
	struct seeder *s = op->s;

	hub_post_free(op->p);
	free(op);
	pthread_mutex_lock(&s->mu);
	if (rc != 0 && s->failed++ == 0)
		s->first = *e;
	else if (rc == 0)
		s->done++;
	s->inflight--;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static long
seed_claim(struct seeder *s)
{
	long i = -1;

	pthread_mutex_lock(&s->mu);
	while (s->inflight >= 4096)
		pthread_cond_wait(&s->cv, &s->mu);
	if (s->next < s->total && s->failed == 0 &&
	    now_sec() < s->b->deadline) {
		i = s->next++;
		s->inflight++;
	}
	pthread_mutex_unlock(&s->mu);
	return i;
}

/* Note i (1..): the first HOT_REPLIES reply to the hot note, every
 * fourth of each member's goes into their community. */
static struct hub_post *
note_prepare(struct bench *b, long i, int *rc, struct err *e)
{
	char name[32], group[32], text[NOTE_MAX];
	long m = i % b->o->members;
	struct hub_post_opts po = { .vis = ST_VIS_PUBLIC };

	snprintf(name, sizeof(name), "m%ld", m);
	snprintf(group, sizeof(group), "c%ld", m % b->o->groups);
	note_text(text, sizeof(text), i);
	if (i <= HOT_REPLIES)
		po.in_reply_to = b->hot;
	else if ((i / b->o->members) % 4 == 0) /* each member's 4th */
		po.group = group;
	return hub_post_prepare(&b->h, name, text, &po, rc, e);
}

static void *
seed_main(void *arg)
{
	struct seeder *s = arg;
	struct seed_op *op;
	struct err e;
	long i;
	int rc;

	while ((i = seed_claim(s)) >= 0) {
		if ((op = calloc(1, sizeof(*op))) == NULL ||
		    (op->p = note_prepare(s->b, i + 1, &rc, &e)) == NULL) {
			free(op);
			op = calloc(1, sizeof(*op));
			if (op == NULL)
				abort();
			op->s = s;
			seed_done(op, ST_EIO, &e);
			continue;
		}
		op->s = s;
		if (st_write_async(s->b->h.db, hub_post_apply, op->p, seed_done,
			op) != 0) {
			err_set(&e, "st_write_async refused the note");
			seed_done(op, ST_EIO, &e);
		}
	}
	pthread_mutex_lock(&s->mu);
	s->producers--;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

static int
seed_notes(struct bench *b, long total)
{
	struct seeder s = { .b = b, .total = total };
	pthread_t th[2];
	double t0 = now_sec();
	int i, n;

	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.cv, NULL);
	for (n = 0; n < 2; n++)
		if (pthread_create(&th[n], NULL, seed_main, &s) != 0)
			break;
	s.producers = n;
	pthread_mutex_lock(&s.mu);
	while (s.producers > 0 || s.inflight > 0)
		pthread_cond_wait(&s.cv, &s.mu);
	pthread_mutex_unlock(&s.mu);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("notes: %ld in %.2f s (%.0f notes/s)\n", s.done, now_sec() - t0,
	    (double)s.done / (now_sec() - t0));
	if (s.failed > 0 || s.done < total)
		fprintf(stderr,
		    "bench_web: notes: %ld of %ld; first error: %s\n", s.done,
		    total, s.failed ? s.first.msg : "time limit (-T)");
	pthread_cond_destroy(&s.cv);
	pthread_mutex_destroy(&s.mu);
	return s.failed > 0 || s.done < total ? -1 : 0;
}

/* ---- remote actors and their notes, in one write transaction ---- */

static int
remote_note(struct st_txn *t, struct bench *b, const struct st_actor *a, long k,
    uint64_t reader, uint64_t hot)
{
	char iri[256], js[1024], text[NOTE_MAX];
	struct st_obj o = { .kind = ST_K_NOTE,
		.ctx = ST_CTX_AS,
		.vis = ST_VIS_PUBLIC,
		.owner = a->id,
		.published = (uint64_t)time(NULL) };
	int rc, reply = hot != 0 && k % 25 == 0;
	json_t *n;
	char *s;

	snprintf(iri, sizeof(iri), "%s/notes/%ld", a->iri, k);
	note_text(text, sizeof(text), k);
	n = json_pack("{s:s,s:s,s:s,s:s,s:[s],s:[{s:s,s:s}]}", "id", iri,
	    "type", "Note", "attributedTo", a->iri, "content", text, "to",
	    "https://www.w3.org/ns/activitystreams#Public", "tag", "type",
	    "Hashtag", "name", "#patientsafety");
	if (n == NULL)
		return ST_EIO;
	if (reply)
		json_object_set_new(n, "inReplyTo", json_string(b->hot));
	s = json_dumps(n, JSON_COMPACT);
	json_decref(n);
	snprintf(js, sizeof(js), "%s", s ? s : "");
	free(s);
	if ((rc = st_id_next(t, &o.id)) != 0 ||
	    (rc = st_object_put(t, &o, js, strlen(js))) != 0 ||
	    (rc = st_iri_put(t, iri, o.id)) != 0 ||
	    (rc = st_tag_add(t, "patientsafety", o.id)) != 0 ||
	    (rc = st_timeline_add(t, reader, o.id)) != 0)
		return rc;
	return reply ? st_reply_add(t, hot, o.id) : 0;
}

static int
remote_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct bench *b = arg;
	uint64_t reader = 0, hot = 0;
	char iri[128], name[32];
	struct st_actor a;
	long i, k;
	int rc = 0;

	if (st_name_get(t, "reader", &reader) != 0 ||
	    st_iri_get(t, b->hot, &hot) != 0) {
		err_set(e, "reader or the hot note is missing");
		return ST_EIO;
	}
	for (i = 0; rc == 0 && i < b->o->remote; i++) {
		snprintf(iri, sizeof(iri), "http://127.0.0.1:9/users/r%ld", i);
		snprintf(name, sizeof(name), "r%ld", i);
		a = (struct st_actor){ .kind = ST_AK_PERSON,
			.created = (uint64_t)time(NULL),
			.fetched = (uint64_t)time(NULL),
			.name = name,
			.display_name = name,
			.summary = "",
			.iri = iri,
			.pubkey_pem = b->pub_pem,
			.inbox = iri,
			.shared_inbox = "",
			.key_id = iri };
		if ((rc = st_actor_upsert_remote(t, &a)) != 0)
			break;
		for (k = 0; rc == 0 && k < REMOTE_NOTES; k++)
			rc = remote_note(t, b, &a, k, reader, k < 2 ? hot : 0);
	}
	if (rc != 0)
		err_set(e, "storing remote actors failed (%d)", rc);
	return rc;
}

/* ---- seed ---- */

static int
open_hub(struct bench *b, const struct opts *o)
{
	struct err e;

	memset(b, 0, sizeof(*b));
	b->o = o;
	b->deadline = now_sec() + o->max_sec;
	if (config_load(&b->cfg, o->conf, &e) < 0) {
		fprintf(stderr, "bench_web: %s\n", e.msg);
		return -1;
	}
	log_set_level((enum log_level)b->cfg.log_level);
	if (hub_open(&b->h, &b->cfg, 1, &e) != 0 ||
	    st_writer_start(b->h.db, &e) != 0 || hub_init(&b->h, &e) != 0 ||
	    fed_key_generate(&b->priv_pem, &b->pub_pem, &e) < 0) {
		fprintf(stderr, "bench_web: %s\n", e.msg);
		if (b->h.db != NULL)
			hub_close(&b->h);
		return -1;
	}
	return 0;
}

static int
seed(struct bench *b)
{
	const struct opts *o = b->o;
	struct hub_actor_new rd = { .kind = HUB_PERSON,
		.name = "reader",
		.display_name = "Rita Reader",
		.password = o->password,
		.priv_pem = b->priv_pem,
		.pub_pem = b->pub_pem };
	struct hub_post_opts po = { .vis = ST_VIS_PUBLIC };
	struct err e;

	if (par_run(b, "members", o->members, make_member) != 0 ||
	    par_run(b, "communities", o->groups, make_group) != 0)
		return -1;
	if (hub_actor_create(&b->h, &rd, NULL, 0, &e) != 0 ||
	    par_run(b, "follows and joins",
		o->follows + READER_JOINS + 4 * o->members, make_follow) != 0)
		goto fail;
	if (hub_post_publish(&b->h, "m0",
		"What is the one check that saved a patient on your ward? "
		"#patientsafety #handover",
		&po, b->hot, sizeof(b->hot), &e) != 0)
		goto fail;
	if (seed_notes(b, o->notes - 1) != 0)
		return -1;
	if (o->remote > 0 && st_write(b->h.db, remote_apply, b, &e) != 0)
		goto fail;
	printf("remote: %ld actors, %ld notes\n", o->remote,
	    o->remote * REMOTE_NOTES);
	return 0;
fail:
	fprintf(stderr, "bench_web: %s\n", e.msg);
	return -1;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct bench b;
	double t0 = now_sec();
	int rc;

	if (argc < 2 || strcmp(argv[1], "seed") != 0)
		usage();
	parse_opts(argc - 1, argv + 1, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (open_hub(&b, &o) != 0)
		return 1;
	rc = seed(&b);
	hub_close(&b.h);
	fed_secret_free(b.priv_pem);
	free(b.pub_pem);
	printf("RESULT mode=seed notes=%ld members=%ld seconds=%.1f hot=%s\n",
	    o.notes + o.remote * REMOTE_NOTES, o.members, now_sec() - t0,
	    b.hot);
	return rc == 0 ? 0 : 1;
}
