#include "fed_deliver.h"

#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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
#include "st_object.h"

#define BATCH 32
#define POLL  2 /* seconds: jobs queued by another process (hubctl) */

/* NO_ANSWER is a RETRY where the host did not answer at all. */
enum outcome { SENT, RETRY, GIVE_UP, NO_ANSWER };

struct fed_deliver {
	struct st_db *db;
	struct fed_fetch_cfg cfg;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop, kicked;
};

uint64_t
fed_deliver_backoff(uint32_t tries)
{
	uint64_t n = tries;

	return n * n * n * n + 15;
}

/* What a job sends: the activity's bytes with @context, and its signer's
 * key id and private key (PEM, to wipe). */
struct payload {
	struct buf body;
	char key_id[600];
	char *pem;
};

static int
load(struct st_db *db, const struct st_job *j, struct payload *p)
{
	struct st_actor a;
	struct st_txn *t;
	struct st_obj o;
	const char *js;
	size_t len;
	int rc;

	buf_init(&p->body, 4 * 1024 * 1024);
	p->pem = NULL;
	if ((rc = st_read_begin(db, &t)) != 0)
		return rc;
	if ((rc = st_object_peek(t, j->activity, &o, &js, &len)) == 0)
		fed_as2_wrap(&p->body, o.ctx, js, len);
	if (rc == 0 && (rc = st_actor_get(t, j->signer, &a)) == 0) {
		snprintf(p->key_id, sizeof(p->key_id), "%s", a.key_id);
		st_actor_clear(&a);
		rc = st_account_get(t, j->signer, NULL, &p->pem);
	}
	st_read_end(t);
	if (rc == 0 && p->body.failed)
		rc = ST_INVAL;
	return rc;
}

static enum outcome
send_one(struct fed_deliver *d, const struct st_job *j)
{
	struct payload p;
	struct err e = { { 0 } };
	EVP_PKEY *key = NULL;
	long status = 0;
	int rc;

	if ((rc = load(d->db, j, &p)) != 0) {
		log_msg(LOG_WARN, "delivery to %s dropped: %s", j->inbox,
		    st_strerror(rc));
		rc = -1;
	} else if ((key = fed_sig_private_key(p.pem)) == NULL) {
		log_msg(LOG_WARN, "delivery to %s dropped: the signer's key "
				  "is unreadable",
		    j->inbox);
		rc = -1;
	} else
		rc = fed_post(&d->cfg, j->inbox, p.body.data, p.body.len,
		    p.key_id, key, &status, &e);
	EVP_PKEY_free(key);
	fed_secret_free(p.pem);
	buf_free(&p.body);
	if (rc < 0 && status == 0 && e.msg[0] == '\0')
		return GIVE_UP;
	if (status >= 200 && status < 300) {
		log_msg(LOG_INFO, "delivered to %s (%ld)", j->inbox, status);
		return SENT;
	}
	if ((status >= 400 && status < 500 && status != 401 &&
		status != 408 && status != 429) ||
	    (status >= 300 && status < 400)) { /* inboxes do not move */
		log_msg(LOG_WARN, "delivery to %s refused (%ld): not retried",
		    j->inbox, status);
		return GIVE_UP;
	}
	if (e.msg[0] != '\0')
		log_msg(LOG_INFO, "delivery to %s failed (try %u): %s",
		    j->inbox, j->tries + 1, e.msg);
	else
		log_msg(LOG_INFO, "delivery to %s failed (try %u): status %ld",
		    j->inbox, j->tries + 1, status);
	return status == 0 ? NO_ANSWER : RETRY;
}

struct results {
	struct st_job *jobs;
	enum outcome *out;
	int n;
};

static int
record(struct st_txn *t, void *arg, struct err *e)
{
	struct results *r = arg;
	uint32_t jitter;
	uint64_t now = (uint64_t)time(NULL);
	int i, rc = 0;

	(void)e;
	for (i = 0; i < r->n && rc == 0; i++) {
		struct st_job *j = &r->jobs[i];
		int retry = r->out[i] == RETRY || r->out[i] == NO_ANSWER;
		if (retry && j->tries + 1 < FED_DELIVER_TRIES) {
			if (RAND_bytes((unsigned char *)&jitter,
				sizeof(jitter)) != 1)
				jitter = 0;
			rc = st_queue_retry(t, j, now +
				fed_deliver_backoff(j->tries + 1) +
				jitter % (30 * (j->tries + 2)));
		} else {
			if (retry)
				log_msg(LOG_WARN, "delivery to %s given up "
						  "after %d tries",
				    j->inbox, FED_DELIVER_TRIES);
			rc = st_queue_del(t, j);
		}
	}
	return rc;
}

/* Whether an earlier job of this pass to the same host got no answer. */
static int
host_down(const struct st_job *jobs, const enum outcome *out, int i)
{
	char host[256], other[256];
	int k;

	fed_url_host(jobs[i].inbox, host, sizeof(host));
	for (k = 0; k < i; k++) {
		if (out[k] != NO_ANSWER)
			continue;
		fed_url_host(jobs[k].inbox, other, sizeof(other));
		if (!strcasecmp(host, other))
			return 1;
	}
	return 0;
}

/* Send what is due; returns how many jobs were handled. */
static int
pass(struct fed_deliver *d)
{
	struct st_job jobs[BATCH];
	enum outcome out[BATCH];
	struct results r = { jobs, out, 0 };
	struct st_txn *t;
	struct err e;
	int i;

	if (st_read_begin(d->db, &t) != 0)
		return 0;
	r.n = st_queue_due(t, (uint64_t)time(NULL), jobs, BATCH);
	st_read_end(t);
	if (r.n <= 0)
		return 0;
	for (i = 0; i < r.n; i++) {
		/* A host that did not answer in this pass is not tried again
		 * in it: one dead host must not cost every job a timeout. */
		out[i] = host_down(jobs, out, i) ? NO_ANSWER :
						    send_one(d, &jobs[i]);
	}
	if (st_write(d->db, record, &r, &e) != 0)
		log_msg(LOG_ERROR, "cannot record deliveries: %s", e.msg);
	return r.n;
}

static void *
deliver_main(void *arg)
{
	struct fed_deliver *d = arg;
	struct timespec until;

	pthread_mutex_lock(&d->mu);
	while (!d->stop) {
		d->kicked = 0;
		pthread_mutex_unlock(&d->mu);
		if (pass(d) == BATCH) { /* more may be due */
			pthread_mutex_lock(&d->mu);
			continue;
		}
		pthread_mutex_lock(&d->mu);
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += POLL;
		while (!d->stop && !d->kicked)
			if (pthread_cond_timedwait(&d->cv, &d->mu, &until) != 0)
				break;
	}
	pthread_mutex_unlock(&d->mu);
	return NULL;
}

struct fed_deliver *
fed_deliver_start(struct st_db *db, const struct fed_fetch_cfg *cfg,
    struct err *e)
{
	struct fed_deliver *d = calloc(1, sizeof(*d));

	if (d == NULL) {
		err_set(e, "out of memory");
		return NULL;
	}
	d->db = db;
	d->cfg = *cfg;
	d->cfg.key = NULL;
	d->cfg.key_id = NULL;
	pthread_mutex_init(&d->mu, NULL);
	pthread_cond_init(&d->cv, NULL);
	if (pthread_create(&d->thread, NULL, deliver_main, d) != 0) {
		err_set(e, "cannot start the delivery worker");
		pthread_cond_destroy(&d->cv);
		pthread_mutex_destroy(&d->mu);
		free(d);
		return NULL;
	}
	return d;
}

void
fed_deliver_kick(struct fed_deliver *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->mu);
	d->kicked = 1;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
}

void
fed_deliver_stop(struct fed_deliver *d)
{
	if (d == NULL)
		return;
	pthread_mutex_lock(&d->mu);
	d->stop = 1;
	pthread_cond_signal(&d->cv);
	pthread_mutex_unlock(&d->mu);
	pthread_join(d->thread, NULL);
	pthread_cond_destroy(&d->cv);
	pthread_mutex_destroy(&d->mu);
	free(d);
}
