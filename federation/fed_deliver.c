#include "fed_deliver.h"

#include <curl/curl.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "fed_as2.h"
#include "fed_fetch.h"
#include "fed_key.h"
#include "fed_sig.h"
#include "log.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_follow.h"
#include "st_block.h"
#include "st_instance.h"
#include "st_object.h"

#define MAX_XFERS	64   /* requests in flight, all hosts */
#define IDLE_CONNS	256  /* connections kept open between requests */
#define MAX_HELD	1024 /* jobs taken from the queue, waiting or sent */
#define HOST_WAITING	16   /* jobs taken per host beyond those in flight */
#define SCAN_ROWS	4096 /* queue rows read per look, at most */
#define FLUSH_JOBS	64   /* outcomes written in one batch */
#define FLUSH_MS	50   /* or once the oldest waited this long */
#define POLL_MS		1000 /* jobs queued by another process (hubctl) */
#define RESCAN_MS	100  /* due jobs were left behind: look again soon */
#define RETRY_AFTER_MAX (86400)
#define MAX_AGE		(3 * 86400) /* Retry-After retries end after this */
#define SUCCESS_EVERY	60	    /* seconds between writes of last_success */
#define HOST_BUCKETS	256
#define HELD_BUCKETS	1024

/* UNTRIED: not sent, because its host did not answer another job just
 * now (one dead host must not cost every job a timeout); DROP: its host
 * is unavailable. */
enum outcome { SENT, RETRY, GIVE_UP, NO_ANSWER, UNTRIED, DROP };

struct host {
	char name[256];
	int held;     /* jobs of this host held, in any state */
	int inflight; /* of them, in flight */
	int waiting;  /* of them, waiting for a free slot */
	int answered; /* it answered lately: per_host at once, not one */
	int unavailable;
	struct job *head, *tail; /* waiting, earliest first */
	struct host *next;	 /* in its bucket */
};

struct job {
	struct st_job j;
	struct host *h;
	struct fed_post *post; /* while in flight */
	struct buf body;
	enum outcome out;
	long status, retry_after;
	int marked;	   /* this outcome made the host unavailable */
	struct job *next;  /* waiting list or done list */
	struct job *hnext; /* held table */
	/* While being started: what fed_post_new needs (key referenced). */
	EVP_PKEY *key;
	char key_id[600]; /* a copy: the signer cache may change meanwhile */
	struct err e;
};

/* Signers' parsed keys, kept by the worker: parsing a PEM key and the
 * blinding set-up of a fresh key cost more than the signature itself. */
#define SIGNERS 16
struct signer {
	uint64_t id, used;
	EVP_PKEY *key;
	char key_id[600];
};

struct fed_deliver {
	struct st_db *db;
	struct fed_fetch_cfg cfg;
	int per_host;
	uint64_t unavailable_after;
	CURLM *multi;
	pthread_t thread;
	pthread_mutex_t mu;
	int stop, kicked; /* under mu */
	/* The rest belongs to the worker thread. */
	struct host *hosts[HOST_BUCKETS];
	struct job *held[HELD_BUCKETS];
	int nheld, inflight;
	struct job *done, **done_tail;
	int ndone;
	uint64_t done_since, next_look; /* milliseconds */
	int behind; /* the last look left due jobs in the queue */
	struct signer signers[SIGNERS];
	uint64_t clock;
	uint64_t body_of;  /* the activity whose body is cached */
	uint32_t body_ver; /* and its version */
	struct buf body;   /* its bytes with @context */
	/* Starting a batch: jobs signed by the worker and a helper thread
	 * at once (signing is the CPU cost of delivery). */
	struct job *pending[MAX_XFERS]; /* being gathered (worker only) */
	int npending;
	struct job *batch[MAX_XFERS]; /* published, under smu */
	int nbatch, taken, signed_n;  /* under smu */
	unsigned gen;		      /* batch generation, under smu */
	int sstop;		      /* under smu */
	pthread_t signer_thread;
	pthread_mutex_t smu;
	pthread_cond_t scv, sdone;
};

uint64_t
fed_deliver_backoff(uint32_t tries)
{
	uint64_t n = tries;

	return n * n * n * n + 15;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* Job ids are time-ordered (st_id_next): mix them before bucketing. */
static unsigned
id_bucket(uint64_t id)
{
	return (unsigned)(((id ^ (id >> 16)) * 0x9e3779b97f4a7c15ULL) >> 40) %
	    HELD_BUCKETS;
}

static unsigned
hash(const char *s)
{
	unsigned h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

/* ---- jobs held by the worker: taken from the queue, not yet recorded */

static struct job *
held_find(struct fed_deliver *d, uint64_t id)
{
	struct job *j = d->held[id_bucket(id)];

	while (j != NULL && j->j.id != id)
		j = j->hnext;
	return j;
}

static void
held_add(struct fed_deliver *d, struct job *j)
{
	struct job **b = &d->held[id_bucket(j->j.id)];

	j->hnext = *b;
	*b = j;
	d->nheld++;
	j->h->held++;
}

/* Free h once it holds no job. */
static void
host_release(struct fed_deliver *d, struct host *h)
{
	struct host **hp;

	if (h->held > 0)
		return;
	for (hp = &d->hosts[hash(h->name) % HOST_BUCKETS]; *hp != h;
	     hp = &(*hp)->next)
		;
	*hp = h->next;
	free(h);
}

/* Forget j (and its host once it holds nothing). */
static void
held_free(struct fed_deliver *d, struct job *j)
{
	struct job **p = &d->held[id_bucket(j->j.id)];
	struct host *h = j->h;

	while (*p != j)
		p = &(*p)->hnext;
	*p = j->hnext;
	d->nheld--;
	buf_free(&j->body);
	free(j);
	h->held--;
	host_release(d, h);
}

static void
done_add(struct fed_deliver *d, struct job *j, enum outcome out)
{
	j->out = out;
	j->next = NULL;
	if (d->ndone++ == 0) {
		d->done_since = now_ms();
		d->done_tail = &d->done;
	}
	*d->done_tail = j;
	d->done_tail = &j->next;
}

/* The host of name, made when new (its record says whether it is
 * unavailable). NULL when out of memory. */
static struct host *
host_get(struct fed_deliver *d, struct st_txn *t, const char *name)
{
	struct host **b = &d->hosts[hash(name) % HOST_BUCKETS], *h;
	struct st_instance in;

	for (h = *b; h != NULL; h = h->next)
		if (!strcmp(h->name, name))
			return h;
	/* Made here, freed by host_release once it holds no job. */
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	snprintf(h->name, sizeof(h->name), "%s", name);
	/* A blocked host (st_block.h) is as an unavailable one: its jobs
	 * are dropped. */
	h->unavailable =
	    (st_instance_get(t, name, &in) == 0 && in.unavailable) ||
	    st_block_covers(t, name);
	h->next = *b;
	*b = h;
	return h;
}

/* ---- taking due jobs ---- */

struct look {
	struct fed_deliver *d;
	struct st_txn *t;
};

static int
take(void *arg, const struct st_job *sj)
{
	struct look *l = arg;
	struct fed_deliver *d = l->d;
	char name[256];
	struct host *h;
	struct job *j;

	if (held_find(d, sj->id) != NULL)
		return ST_SCAN_SKIP; /* waiting or in flight already */
	if (d->nheld >= MAX_HELD) {
		d->behind = 1;
		return 1;
	}
	fed_url_host(sj->inbox, name, sizeof(name));
	if ((h = host_get(d, l->t, name)) == NULL) {
		d->behind = 1;
		return 1;
	}
	if (!h->unavailable && h->waiting >= HOST_WAITING) {
		d->behind = 1; /* a slow host must not fill the worker */
		return ST_SCAN_SKIP;
	}
	if ((j = calloc(1, sizeof(*j))) == NULL) {
		host_release(d, h);
		d->behind = 1;
		return 1;
	}
	j->j = *sj;
	j->h = h;
	held_add(d, j);
	if (h->unavailable) {
		done_add(d, j, DROP);
		return 0;
	}
	if (h->tail != NULL)
		h->tail->next = j;
	else
		h->head = j;
	h->tail = j;
	h->waiting++;
	return 0;
}

/* Read the queue for due jobs; plan the next look. */
static void
look(struct fed_deliver *d)
{
	struct look l = { d, NULL };
	uint64_t now = now_ms(), next = 0;

	d->behind = 0;
	d->next_look = now + POLL_MS;
	if (st_read_begin(d->db, &l.t) != 0)
		return;
	if (st_queue_scan(l.t, now / 1000, SCAN_ROWS, take, &l, &next) != 0)
		d->behind = 1;
	st_read_end(l.t);
	if (d->behind)
		d->next_look = now + RESCAN_MS;
	else if (next != 0 && next * 1000 < d->next_look)
		d->next_look = next * 1000;
}

/* ---- sending ---- */

/* The signer's key (a new reference) and key id, parsed once. */
static EVP_PKEY *
signer_key(struct fed_deliver *d, struct st_txn *t, uint64_t id, char *key_id,
    size_t cap)
{
	struct signer *v = &d->signers[0];
	struct st_actor a;
	char *pem = NULL, kid[600];
	EVP_PKEY *k;
	int i;

	for (i = 0; i < SIGNERS; i++) {
		if (d->signers[i].key != NULL && d->signers[i].id == id) {
			d->signers[i].used = ++d->clock;
			snprintf(key_id, cap, "%s", d->signers[i].key_id);
			return EVP_PKEY_up_ref(d->signers[i].key)
			    ? d->signers[i].key
			    : NULL;
		}
		if (d->signers[i].used < v->used)
			v = &d->signers[i];
	}
	if (st_actor_get(t, id, &a) != 0)
		return NULL;
	snprintf(kid, sizeof(kid), "%s", a.key_id);
	st_actor_clear(&a);
	if (st_account_get(t, id, NULL, &pem) != 0)
		return NULL;
	k = fed_sig_private_key(pem);
	fed_secret_free(pem);
	if (k == NULL)
		return NULL;
	/* The slot changes only now, all of it at once. */
	EVP_PKEY_free(v->key);
	v->key = k;
	v->id = id;
	v->used = ++d->clock;
	memcpy(v->key_id, kid, sizeof(kid));
	snprintf(key_id, cap, "%s", kid);
	return EVP_PKEY_up_ref(k) ? k : NULL;
}

/* What a job sends: the activity's bytes with @context (the last
 * activity's kept: a fan-out sends one to many inboxes), and its signer's
 * key id and private key. */
static int
load(struct fed_deliver *d, struct job *j)
{
	struct st_txn *t;
	struct st_obj o;
	const char *js;
	size_t len;
	int rc;

	buf_init(&j->body, 4 * 1024 * 1024);
	if ((rc = st_read_begin(d->db, &t)) != 0)
		return rc;
	rc = st_object_peek(t, j->j.activity, &o, &js, &len);
	if (rc == 0 &&
	    (d->body_of != j->j.activity || d->body_ver != o.ver ||
		d->body.data == NULL)) {
		buf_free(&d->body);
		buf_init(&d->body, 4 * 1024 * 1024);
		d->body_of = 0;
		if (fed_as2_wrap_base(
			&d->body, o.ctx, d->cfg.base_url, js, len) != 0 ||
		    d->body.failed)
			rc = ST_INVAL;
		d->body_of = rc == 0 ? j->j.activity : 0;
		d->body_ver = o.ver;
	}
	if (rc == 0 && buf_add(&j->body, d->body.data, d->body.len) < 0)
		rc = ST_INVAL;
	if (rc == 0 &&
	    (j->key = signer_key(
		 d, t, j->j.signer, j->key_id, sizeof(j->key_id))) == NULL)
		rc = ST_INVAL;
	st_read_end(t);
	return rc;
}

/* Sign and make the requests of the batch, taking jobs one by one; the
 * worker and the helper thread run this at once. */
static void
sign_some(struct fed_deliver *d, unsigned gen)
{
	struct job *j;
	int i;

	for (;;) {
		pthread_mutex_lock(&d->smu);
		i = d->gen == gen && d->taken < d->nbatch ? d->taken++ : -1;
		pthread_mutex_unlock(&d->smu);
		if (i < 0)
			return;
		j = d->batch[i];
		j->e.msg[0] = '\0';
		j->post = fed_post_new(&d->cfg, j->j.inbox, j->body.data,
		    j->body.len, j->key_id, j->key, &j->e);
		pthread_mutex_lock(&d->smu);
		if (++d->signed_n == d->nbatch)
			pthread_cond_broadcast(&d->sdone);
		pthread_mutex_unlock(&d->smu);
	}
}

static void *
signer_main(void *arg)
{
	struct fed_deliver *d = arg;
	unsigned seen = 0;

	pthread_mutex_lock(&d->smu);
	for (;;) {
		while (!d->sstop && d->gen == seen)
			pthread_cond_wait(&d->scv, &d->smu);
		if (d->sstop)
			break;
		seen = d->gen;
		pthread_mutex_unlock(&d->smu);
		sign_some(d, seen);
		pthread_mutex_lock(&d->smu);
	}
	pthread_mutex_unlock(&d->smu);
	return NULL;
}

/* Hand the batch's requests to curl, signed now; a job that cannot be
 * sent goes. */
static void
start_batch(struct fed_deliver *d)
{
	struct job *j;
	unsigned gen;
	int i;

	pthread_mutex_lock(&d->smu);
	memcpy(d->batch, d->pending, (size_t)d->npending * sizeof(*d->batch));
	d->nbatch = d->npending;
	d->taken = d->signed_n = 0;
	gen = ++d->gen;
	pthread_cond_signal(&d->scv);
	pthread_mutex_unlock(&d->smu);
	d->npending = 0;
	sign_some(d, gen);
	pthread_mutex_lock(&d->smu);
	while (d->signed_n < d->nbatch)
		pthread_cond_wait(&d->sdone, &d->smu);
	pthread_mutex_unlock(&d->smu);
	/* Every job of this generation is signed: the helper is done with
	 * them, and d->batch changes only in the next start_batch. */
	for (i = 0; i < d->nbatch; i++) {
		j = d->batch[i];
		EVP_PKEY_free(j->key);
		j->key = NULL;
		if (j->post == NULL) {
			log_msg(LOG_WARN, "delivery to %s dropped: %s",
			    j->j.inbox, j->e.msg);
			j->h->inflight--;
			d->inflight--;
			done_add(d, j, GIVE_UP);
			continue;
		}
		curl_easy_setopt(fed_post_handle(j->post), CURLOPT_PRIVATE, j);
		if (curl_multi_add_handle(d->multi, fed_post_handle(j->post)) !=
		    CURLM_OK) {
			fed_post_free(j->post);
			j->post = NULL;
			j->h->inflight--;
			d->inflight--;
			done_add(d, j, UNTRIED);
		}
	}
}

/* Take j into the batch being started (counted in flight from now). */
static void
start(struct fed_deliver *d, struct job *j)
{
	int rc;

	if ((rc = load(d, j)) != 0) {
		log_msg(LOG_WARN, "delivery to %s dropped: %s", j->j.inbox,
		    rc == ST_INVAL ? "the activity or the signer's key is "
				     "unreadable"
				   : st_strerror(rc));
		EVP_PKEY_free(j->key);
		j->key = NULL;
		done_add(d, j, GIVE_UP);
		return;
	}
	j->h->inflight++;
	d->inflight++;
	d->pending[d->npending++] = j;
}

/* Take h's waiting jobs off with outcome out: UNTRIED when h did not
 * answer just now (one dead host must not cost every job a timeout),
 * DROP when it was marked unavailable. */
static void
drain(struct fed_deliver *d, struct host *h, enum outcome out)
{
	struct job *j;

	while ((j = h->head) != NULL) {
		h->head = j->next;
		h->waiting--;
		done_add(d, j, out);
	}
	h->tail = NULL;
}

/* Start waiting jobs, one per host in turn, within the limits. A host
 * that has not answered lately gets one request at a time. */
static void
start_waiting(struct fed_deliver *d)
{
	struct host *h;
	struct job *j;
	int i, started;

	do {
		started = 0;
		for (i = 0; i < HOST_BUCKETS && d->inflight < MAX_XFERS; i++)
			for (h = d->hosts[i]; h != NULL; h = h->next) {
				if (h->unavailable)
					drain(d, h, DROP);
				if (h->head == NULL ||
				    d->inflight >= MAX_XFERS ||
				    h->inflight >=
					(h->answered ? d->per_host : 1))
					continue;
				j = h->head;
				if ((h->head = j->next) == NULL)
					h->tail = NULL;
				h->waiting--;
				start(d, j);
				started = 1;
			}
	} while (started && d->inflight < MAX_XFERS);
	if (d->npending > 0)
		start_batch(d);
}

/* The outcome of j's answer; status 0: none came, e says why. */
static enum outcome
classify(struct job *j, const struct err *e)
{
	long st = j->status;

	if (st >= 200 && st < 300) {
		log_msg(LOG_INFO, "delivered to %s (%ld)", j->j.inbox, st);
		return SENT;
	}
	if ((st >= 400 && st < 500 && st != 401 && st != 408 && st != 429) ||
	    (st >= 300 && st < 400)) { /* inboxes do not move */
		log_msg(LOG_WARN, "delivery to %s refused (%ld): not retried",
		    j->j.inbox, st);
		return GIVE_UP;
	}
	if (st == 0)
		log_msg(LOG_INFO, "delivery to %s failed (try %u): %s",
		    j->j.inbox, j->j.tries + 1, e->msg);
	else
		log_msg(LOG_INFO,
		    "delivery to %s failed (try %u): status "
		    "%ld%s",
		    j->j.inbox, j->j.tries + 1, st,
		    j->retry_after > 0 ? ", with Retry-After" : "");
	return st == 0 ? NO_ANSWER : RETRY;
}

/* Collect the transfers curl has finished. */
static void
harvest(struct fed_deliver *d)
{
	struct err e;
	struct job *j;
	CURLMsg *m;
	char *priv;
	int left;

	while ((m = curl_multi_info_read(d->multi, &left)) != NULL) {
		if (m->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, &priv);
		j = (struct job *)priv;
		e.msg[0] = '\0';
		/* -1 leaves status 0, which classify reads as no answer */
		fed_post_result(
		    j->post, m->data.result, &j->status, &j->retry_after, &e);
		curl_multi_remove_handle(d->multi, m->easy_handle);
		fed_post_free(j->post);
		j->post = NULL;
		buf_free(&j->body);
		j->h->inflight--;
		d->inflight--;
		done_add(d, j, classify(j, &e));
		if (j->out == NO_ANSWER)
			drain(d, j->h, UNTRIED); /* back without a try */
		j->h->answered = j->out != NO_ANSWER;
	}
}

/* ---- recording outcomes ---- */

/* A host answered (a success, or a refusal that is final). */
static int
host_ok(struct st_txn *t, const char *host, uint64_t now)
{
	struct st_instance in;
	int rc = st_instance_get(t, host, &in);

	if (rc != 0 && rc != ST_NOTFOUND)
		return rc;
	if (rc == 0 && in.failures == 0 && !in.unavailable &&
	    now < in.last_success + SUCCESS_EVERY)
		return 0; /* nothing new worth a write */
	in = (struct st_instance){ .last_success = now,
		.groups = in.groups }; /* what else it knows stays */
	return st_instance_put(t, host, &in);
}

/* A host failed once more; *unavailable when it is (now) unavailable. */
static int
host_failed(struct fed_deliver *d, struct st_txn *t, struct job *j,
    uint64_t now, int *unavailable)
{
	struct st_instance in;
	int rc = st_instance_get(t, j->h->name, &in);

	if (rc != 0 && rc != ST_NOTFOUND)
		return rc;
	if (j->out != UNTRIED) {
		if (in.failures++ == 0 || in.first_failure == 0)
			in.first_failure = now;
		if (!in.unavailable && now >= in.first_failure &&
		    now - in.first_failure >= d->unavailable_after) {
			in.unavailable = 1;
			j->marked = 1;
		}
		if ((rc = st_instance_put(t, j->h->name, &in)) != 0)
			return rc;
	}
	*unavailable = in.unavailable;
	return 0;
}

struct drop {
	const char *host;
	struct st_job *jobs;
	size_t n, cap;
};

static int
drop_each(void *arg, const struct st_job *j)
{
	struct drop *dr = arg;
	struct st_job *nj;
	char host[256];

	fed_url_host(j->inbox, host, sizeof(host));
	if (strcmp(host, dr->host) != 0)
		return 0;
	if (dr->n == dr->cap) {
		dr->cap = dr->cap ? dr->cap * 2 : 64;
		if ((nj = realloc(dr->jobs, dr->cap * sizeof(*nj))) == NULL)
			return 1;
		dr->jobs = nj;
	}
	dr->jobs[dr->n++] = *j;
	return 0;
}

/* host became unavailable: drop every job queued for it. Rare (once in
 * days per host), so a walk of the whole queue is fine. */
static int
drop_host(struct st_txn *t, const char *host)
{
	struct drop dr = { host, NULL, 0, 0 };
	size_t i;
	int rc = st_queue_each(t, drop_each, &dr);

	for (i = 0; i < dr.n && rc == 0; i++)
		rc = st_queue_del(t, &dr.jobs[i]);
	free(dr.jobs);
	if (rc == 0)
		log_msg(LOG_WARN,
		    "%s has failed for too long: marked "
		    "unavailable, %zu deliveries to it dropped",
		    host, dr.n);
	return rc;
}

/* When to try j again; *give_up when it should not be. */
static uint64_t
retry_due(const struct job *j, uint64_t now, int *give_up)
{
	uint64_t made = (j->j.id >> 16) / 1000; /* st_id_next: ms << 16 */
	uint32_t jitter;

	if (j->retry_after > 0 && (j->status == 429 || j->status == 503)) {
		/* The host said when: not earlier. Such retries are rate
		 * limits more than failures, so they end by age. */
		*give_up = now > made + MAX_AGE;
		/* + 1: due times are whole seconds, and now was rounded
		 * down. */
		return now + 1 +
		    (j->retry_after < RETRY_AFTER_MAX ? (uint64_t)j->retry_after
						      : RETRY_AFTER_MAX);
	}
	*give_up = j->j.tries + 1 >= FED_DELIVER_TRIES;
	if (RAND_bytes((unsigned char *)&jitter, sizeof(jitter)) != 1)
		jitter = 0;
	return now + fed_deliver_backoff(j->j.tries + 1) +
	    jitter % (30 * (j->j.tries + 2));
}

static int
record_retry(
    struct fed_deliver *d, struct st_txn *t, struct job *j, uint64_t now)
{
	int unavailable = 0, give_up, rc;
	uint64_t due;

	if ((rc = host_failed(d, t, j, now, &unavailable)) != 0)
		return rc;
	if (j->marked)
		return drop_host(t, j->h->name); /* j among them */
	if (unavailable)
		return st_queue_del(t, &j->j);
	due = retry_due(j, now, &give_up);
	if (!give_up)
		return st_queue_retry(t, &j->j, due);
	log_msg(LOG_WARN, "delivery to %s given up after %u tries", j->j.inbox,
	    j->j.tries + 1);
	return st_queue_del(t, &j->j);
}

static int
record(struct st_txn *t, void *arg, struct err *e)
{
	struct fed_deliver *d = arg;
	uint64_t now = (uint64_t)time(NULL);
	struct job *j;
	int rc = 0;

	(void)e;
	for (j = d->done; j != NULL && rc == 0; j = j->next) {
		j->marked = 0;
		switch (j->out) {
		case SENT:
		case GIVE_UP:
			if ((rc = st_queue_del(t, &j->j)) == 0 && j->status)
				rc = host_ok(t, j->h->name, now);
			break;
		case DROP:
			log_msg(LOG_INFO,
			    "delivery to %s dropped: %s is "
			    "unavailable",
			    j->j.inbox, j->h->name);
			rc = st_queue_del(t, &j->j);
			break;
		case UNTRIED:
			/* Not sent: back when its host's failed job is
			 * tried again, without a try counted. */
			rc = st_queue_move(t, &j->j,
			    now + fed_deliver_backoff(j->j.tries + 1));
			break;
		default: rc = record_retry(d, t, j, now); break;
		}
	}
	return rc;
}

/* Write the outcomes held, then forget their jobs. */
static void
flush(struct fed_deliver *d)
{
	struct job *j, *next;
	struct err e;
	int failed;

	if (d->ndone == 0)
		return;
	if ((failed = st_write(d->db, record, d, &e) != 0)) {
		log_msg(LOG_ERROR, "cannot record deliveries: %s", e.msg);
		d->next_look = now_ms() + POLL_MS; /* not at once again */
	}
	for (j = d->done; j != NULL; j = next) {
		next = j->next;
		if (j->marked && !failed)
			j->h->unavailable = 1; /* its waiting jobs go */
		if (!failed && j->out != SENT && j->out != GIVE_UP &&
		    j->out != DROP && j->j.due * 1000 < d->next_look)
			d->next_look = j->j.due * 1000; /* a retry is due */
		held_free(d, j);
	}
	d->done = NULL;
	d->ndone = 0;
	if (d->behind && !failed)
		d->next_look = 0; /* room again: look now */
}

/* ---- the loop ---- */

static int
wait_ms(const struct fed_deliver *d, uint64_t now, int stop)
{
	/* Stopping: no more looks; curl's own timers wake the poll. */
	uint64_t until = stop ? now + POLL_MS : d->next_look;

	if (d->ndone > 0 && d->done_since + FLUSH_MS < until)
		until = d->done_since + FLUSH_MS;
	if (until <= now)
		return 0;
	return until - now > POLL_MS ? POLL_MS : (int)(until - now);
}

static void
release_waiting(struct fed_deliver *d)
{
	struct host *h;
	struct job *j;
	int i;

	for (i = 0; i < HOST_BUCKETS; i++)
		for (h = d->hosts[i]; h != NULL;) {
			struct host *next = h->next;
			while ((j = h->head) != NULL) {
				h->head = j->next;
				held_free(d, j); /* may free h */
			}
			h = next;
		}
}

static void *
deliver_main(void *arg)
{
	struct fed_deliver *d = arg;
	int running, stop, kicked;
	uint64_t now;

	for (;;) {
		pthread_mutex_lock(&d->mu);
		stop = d->stop;
		kicked = d->kicked;
		d->kicked = 0;
		pthread_mutex_unlock(&d->mu);
		if (stop && d->inflight == 0)
			break;
		if (!stop && (kicked || now_ms() >= d->next_look))
			look(d);
		if (!stop)
			start_waiting(d);
		curl_multi_perform(d->multi, &running);
		harvest(d);
		if (!stop) /* refill the slots just freed, before waiting */
			start_waiting(d);
		now = now_ms();
		if (d->ndone >= FLUSH_JOBS || d->inflight == 0 ||
		    (d->ndone > 0 && now >= d->done_since + FLUSH_MS))
			flush(d);
		if (d->inflight > 0 || !stop)
			curl_multi_poll(d->multi, NULL, 0,
			    wait_ms(d, now_ms(), stop), NULL);
	}
	flush(d);
	release_waiting(d); /* they stay queued for the next start */
	return NULL;
}

static void
stop_signer(struct fed_deliver *d)
{
	pthread_mutex_lock(&d->smu);
	d->sstop = 1;
	pthread_cond_signal(&d->scv);
	pthread_mutex_unlock(&d->smu);
	pthread_join(d->signer_thread, NULL);
}

/* Free d, its threads stopped (or never started). */
static void
destroy(struct fed_deliver *d)
{
	int i;

	for (i = 0; i < SIGNERS; i++)
		EVP_PKEY_free(d->signers[i].key);
	buf_free(&d->body);
	pthread_cond_destroy(&d->scv);
	pthread_cond_destroy(&d->sdone);
	pthread_mutex_destroy(&d->smu);
	pthread_mutex_destroy(&d->mu);
	curl_multi_cleanup(d->multi);
	free(d);
}

struct fed_deliver *
fed_deliver_start(struct st_db *db, const struct fed_fetch_cfg *cfg,
    int per_host, long unavailable_after, struct err *e)
{
	struct fed_deliver *d = calloc(1, sizeof(*d));

	if (d == NULL || (d->multi = curl_multi_init()) == NULL) {
		free(d);
		err_set(e, "out of memory");
		return NULL;
	}
	d->db = db;
	d->cfg = *cfg;
	d->cfg.key = NULL;
	d->cfg.key_id = NULL;
	d->per_host = per_host > 0 ? per_host : FED_DELIVER_PER_HOST;
	d->unavailable_after = unavailable_after > 0
	    ? (uint64_t)unavailable_after
	    : FED_DELIVER_UNAVAILABLE_AFTER;
	/* Kept for the worker's life: its connections are reused. */
	curl_multi_setopt(
	    d->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)d->per_host);
	/* Idle connections are kept for IDLE_CONNS hosts: a fan-out sends
	 * to each instance again with the next post. In flight is capped by
	 * MAX_XFERS, not here. */
	curl_multi_setopt(d->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, 0L);
	curl_multi_setopt(d->multi, CURLMOPT_MAXCONNECTS, (long)IDLE_CONNS);
	pthread_mutex_init(&d->mu, NULL);
	pthread_mutex_init(&d->smu, NULL);
	pthread_cond_init(&d->scv, NULL);
	pthread_cond_init(&d->sdone, NULL);
	buf_init(&d->body, 4 * 1024 * 1024);
	if (pthread_create(&d->signer_thread, NULL, signer_main, d) != 0) {
		err_set(e, "cannot start the delivery signer");
		goto fail;
	}
	if (pthread_create(&d->thread, NULL, deliver_main, d) != 0) {
		err_set(e, "cannot start the delivery worker");
		stop_signer(d);
		goto fail;
	}
	return d;
fail:
	destroy(d);
	return NULL;
}

void
fed_deliver_kick(struct fed_deliver *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->mu);
	d->kicked = 1;
	pthread_mutex_unlock(&d->mu);
	curl_multi_wakeup(d->multi);
}

void
fed_deliver_stop(struct fed_deliver *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->mu);
	d->stop = 1;
	pthread_mutex_unlock(&d->mu);
	curl_multi_wakeup(d->multi);
	pthread_join(d->thread, NULL);
	stop_signer(d);
	destroy(d);
}

/* ---- instance health, for the inbox, fan-out and hubctl ---- */

int
fed_deliver_unavailable(struct st_txn *t, const char *inbox)
{
	struct st_instance in;
	char host[256];

	fed_url_host(inbox, host, sizeof(host));
	return (st_instance_get(t, host, &in) == 0 && in.unavailable) ||
	    st_block_covers(t, inbox);
}

int
fed_deliver_revive_txn(struct st_txn *t, const char *host, int *was_unavailable)
{
	struct st_instance in;
	int rc;

	if (was_unavailable != NULL)
		*was_unavailable = 0;
	if ((rc = st_instance_get(t, host, &in)) != 0)
		return rc;
	if (in.failures == 0 && !in.unavailable)
		return ST_NOTFOUND;
	if (was_unavailable != NULL)
		*was_unavailable = in.unavailable;
	in.failures = 0;
	in.first_failure = 0;
	in.unavailable = 0;
	return st_instance_put(t, host, &in);
}

static int
revive_write(struct st_txn *t, void *arg, struct err *e)
{
	int was = 0, rc = fed_deliver_revive_txn(t, arg, &was);

	(void)e;
	if (rc == 0 && was)
		log_msg(
		    LOG_INFO, "%s contacted us: available again", (char *)arg);
	return rc == ST_NOTFOUND ? 0 : rc;
}

static void
revive_done(void *ctx, int rc, const struct err *e)
{
	if (rc != 0)
		log_msg(LOG_WARN, "cannot revive %s: %s", (char *)ctx, e->msg);
	free(ctx);
}

void
fed_deliver_revive(struct st_db *db, const char *url)
{
	struct st_instance in;
	struct st_txn *t;
	char host[256], *arg;
	int rc;

	fed_url_host(url, host, sizeof(host));
	if (st_read_begin(db, &t) != 0)
		return;
	rc = st_instance_get(t, host, &in);
	st_read_end(t);
	if (rc != 0 || (in.failures == 0 && !in.unavailable))
		return; /* the usual case: one read, no write */
	if ((arg = strdup(host)) != NULL &&
	    st_write_async(db, revive_write, arg, revive_done, arg) != 0)
		free(arg);
}
