/* bench_store.c: the load generator behind store_scale.sh and
 * write_path.sh. It links libhub.a and goes through the hub's real write
 * path (hub_actor_create, hub_post_prepare/apply, st_write*). It prints
 * figures and never judges them; each mode ends with one "RESULT
 * key=value ..." line for the scripts to read.
 *
 *   bench_store seed -c FILE -n NOTES -m MEMBERS [-w WINDOW] [-t THREADS]
 *       [-T SECONDS]
 *	Make the data of FILE (hub_init), MEMBERS members sharing one key
 *	pair, then NOTES notes round-robin over the members, submitted with
 *	st_write_async() keeping up to WINDOW in flight so that the writer's
 *	group commit batches them.
 *   bench_store get -u BASE_URL -m MEMBERS -n REQUESTS [-s SEED]
 *       [-W WARMUP] [-T SECONDS]
 *	GET outbox pages of random members m0..m(MEMBERS-1) over one
 *	keep-alive connection, timing each request; every fourth first page
 *	is followed by its second page (max_id). BASE_URL must be
 *	http://127.0.0.1:PORT.
 *   bench_store group -c FILE -t THREADS -n PER_THREAD [-T SECONDS]
 *	THREADS threads call hub_post_publish() in a loop through the
 *	writer thread (group commit).
 *   bench_store direct -c FILE -n NOTES [-T SECONDS]
 *	One thread calls hub_post_publish() without the writer thread: one
 *	durable write transaction per note.
 *
 * Every loop stops at its count or at -T seconds, whichever comes first.
 */
#include <curl/curl.h>
#include <errno.h>
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
#include "st_db.h"
#include "st_object.h"

#define MEMBER_THREADS 50 /* concurrent hub_actor_create() calls */
#define BODY_MAX       (4 * 1024 * 1024)
#define NOTE_MAX       600

struct opts {
	const char *conf;
	const char *url;
	long notes; /* seed, direct: notes; get: requests */
	long members;
	long threads;
	long window;
	long warmup;
	unsigned long long seed;
	double max_sec;
};

/* An open hub and the key pair every bench member shares. */
struct bench {
	struct config cfg;
	struct hub h;
	char *priv_pem, *pub_pem;
};

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Bytes this process has passed to write(2) and friends so far: with
 * LMDB (no MDB_WRITEMAP) that is every page its commits write. */
static long long
proc_wchar(void)
{
	char line[128];
	long long v = -1;
	FILE *f = fopen("/proc/self/io", "r");

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "wchar: %lld", &v) == 1)
			break;
	fclose(f);
	return v;
}

/* Print the bytes written per note between two proc_wchar() readings. */
static void
print_written(long long w0, long long w1, long notes)
{
	if (w0 < 0 || w1 < w0 || notes <= 0)
		return;
	printf("written: %.1f MiB, %.1f KiB per note (wchar of "
	       "/proc/self/io)\n",
	    (double)(w1 - w0) / 1048576.0,
	    (double)(w1 - w0) / 1024.0 / (double)notes);
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench_store seed -c FILE -n NOTES -m MEMBERS [-w WINDOW]"
	    " [-t THREADS] [-T SEC]\n"
	    "       bench_store get -u http://127.0.0.1:PORT -m MEMBERS "
	    "-n REQUESTS [-s SEED] [-W WARMUP] [-T SEC]\n"
	    "       bench_store group -c FILE -t THREADS -n PER_THREAD "
	    "[-T SEC]\n"
	    "       bench_store direct -c FILE -n NOTES [-T SEC]\n");
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
		fprintf(stderr, "bench_store: \"%s\" is not a number >= %ld\n",
		    s, min);
		exit(2);
	}
	return v;
}

static void
parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	memset(o, 0, sizeof(*o));
	o->threads = 2;
	o->window = 4096;
	o->warmup = 200;
	o->seed = 1;
	o->max_sec = 600;
	while ((c = getopt(argc, argv, "c:u:n:m:t:w:s:W:T:")) != -1) {
		switch (c) {
		case 'c': o->conf = optarg; break;
		case 'u': o->url = optarg; break;
		case 'n': o->notes = num_arg(optarg, 1); break;
		case 'm': o->members = num_arg(optarg, 1); break;
		case 't': o->threads = num_arg(optarg, 1); break;
		case 'w': o->window = num_arg(optarg, 1); break;
		case 's':
			o->seed = (unsigned long long)num_arg(optarg, 0);
			break;
		case 'W': o->warmup = num_arg(optarg, 0); break;
		case 'T': o->max_sec = (double)num_arg(optarg, 1); break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
}

static void
member_name(char *out, size_t cap, const char *prefix, long i)
{
	snprintf(out, cap, "%s%ld", prefix, i);
}

/* A note of about 150 characters with two hashtags, varied by i. */
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
	    "Note %ld: %s What did your team try? "
	    "#patientsafety #topic%ld",
	    i, lines[i % 5], i % 50);
}

/* ---- opening a hub ---- */

static int
bench_open(struct bench *b, const char *conf, int writer)
{
	struct err e;

	memset(b, 0, sizeof(*b));
	if (conf == NULL) {
		fprintf(stderr, "bench_store: -c FILE is required\n");
		return -1;
	}
	if (config_load(&b->cfg, conf, &e) < 0) {
		fprintf(stderr, "bench_store: %s\n", e.msg);
		return -1;
	}
	/* As hubd does: log_level = warn keeps per-member lines out. */
	log_set_level((enum log_level)b->cfg.log_level);
	if (hub_open(&b->h, &b->cfg, 1, &e) != 0 ||
	    (writer && st_writer_start(b->h.db, &e) != 0) ||
	    hub_init(&b->h, &e) != 0 ||
	    fed_key_generate(&b->priv_pem, &b->pub_pem, &e) < 0) {
		fprintf(stderr, "bench_store: %s\n", e.msg);
		if (b->h.db != NULL)
			hub_close(&b->h);
		return -1;
	}
	return 0;
}

static void
bench_close(struct bench *b)
{
	hub_close(&b->h);
	fed_secret_free(b->priv_pem);
	free(b->pub_pem);
}

/* ---- members: MEMBER_THREADS threads so that creations batch ---- */

struct members_job {
	struct bench *b;
	const char *prefix;
	atomic_long next;
	long count;
	double deadline;
	atomic_long made;
	atomic_int failed;
	struct err first; /* written by the first failure only */
};

static void *
members_main(void *arg)
{
	struct members_job *j = arg;
	struct hub_actor_new in = { 0 };
	char name[32];
	struct err e;
	long i;

	in.kind = HUB_PERSON;
	in.name = name;
	in.no_login = 1;
	in.priv_pem = j->b->priv_pem;
	in.pub_pem = j->b->pub_pem;
	while ((i = atomic_fetch_add(&j->next, 1)) < j->count &&
	    now_sec() < j->deadline) {
		member_name(name, sizeof(name), j->prefix, i);
		if (hub_actor_create(&j->b->h, &in, NULL, 0, &e) == 0)
			atomic_fetch_add(&j->made, 1);
		else if (atomic_fetch_add(&j->failed, 1) == 0)
			j->first = e;
	}
	return NULL;
}

/* Create count members named prefix0, prefix1, ... Returns 0 or -1. */
static int
members_create(struct bench *b, const char *prefix, long count, double max_sec)
{
	pthread_t th[MEMBER_THREADS];
	struct members_job j = { .b = b, .prefix = prefix, .count = count };
	double t0 = now_sec();
	int i, n = count < MEMBER_THREADS ? (int)count : MEMBER_THREADS;

	j.deadline = t0 + max_sec;
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, members_main, &j) != 0)
			break;
	n = i;
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	printf("created %ld member(s) in %.2f s from %d threads (one RSA-2048 "
	       "key pair, generated once, shared by all: no per-member "
	       "keygen)\n",
	    (long)atomic_load(&j.made), now_sec() - t0, n);
	if (atomic_load(&j.failed) > 0) {
		fprintf(stderr, "bench_store: %d member(s) failed; first: %s\n",
		    atomic_load(&j.failed), j.first.msg);
		return -1;
	}
	if (atomic_load(&j.made) < count) {
		fprintf(stderr,
		    "bench_store: stopped at -T %.0f s with %ld "
		    "of %ld members\n",
		    max_sec, (long)atomic_load(&j.made), count);
		return -1;
	}
	return 0;
}

/* ---- seed: notes through st_write_async, a window in flight ---- */

struct seeder {
	struct bench *b;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	long next, total, members;
	long inflight, window;
	long done, failed;
	int producers; /* still running */
	double deadline;
	struct err first;
};

struct seed_op {
	struct seeder *s;
	struct hub_post *p;
};

static void
seed_finish(struct seeder *s, int rc, const struct err *e)
{
	pthread_mutex_lock(&s->mu);
	if (rc != 0 && s->failed++ == 0)
		s->first = *e;
	else if (rc == 0)
		s->done++;
	s->inflight--;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

/* On the writer thread, once the note's batch is durable. */
static void
seed_done(void *ctx, int rc, const struct err *e)
{
	struct seed_op *op = ctx;

	hub_post_free(op->p);
	seed_finish(op->s, rc, e);
	free(op);
}

/* Claim the next note index, waiting for room in the window; -1 when
 * there is nothing left to do. */
static long
seed_claim(struct seeder *s)
{
	long i = -1;

	pthread_mutex_lock(&s->mu);
	while (s->inflight >= s->window)
		pthread_cond_wait(&s->cv, &s->mu);
	if (s->next < s->total && s->failed == 0 && now_sec() < s->deadline) {
		i = s->next++;
		s->inflight++;
	}
	pthread_mutex_unlock(&s->mu);
	return i;
}

static void *
seed_main(void *arg)
{
	struct seeder *s = arg;
	char name[32], text[NOTE_MAX];
	struct seed_op *op;
	struct err e;
	long i;
	int rc;

	while ((i = seed_claim(s)) >= 0) {
		member_name(name, sizeof(name), "m", i % s->members);
		note_text(text, sizeof(text), i);
		if ((op = calloc(1, sizeof(*op))) == NULL) {
			seed_finish(
			    s, ST_EIO, &(struct err){ "out of memory" });
			continue;
		}
		op->s = s;
		op->p = hub_post_prepare(&s->b->h, name, text,
		    &(struct hub_post_opts){ .vis = ST_VIS_PUBLIC }, &rc, &e);
		if (op->p == NULL) {
			free(op);
			seed_finish(s, rc, &e);
		} else if (st_write_async(s->b->h.db, hub_post_apply, op->p,
			       seed_done, op) != 0) {
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

/* Wait for the producers and the writer, printing progress every 5 s. */
static void
seed_wait(struct seeder *s, double t0)
{
	struct timespec ts;
	double last = t0, now;

	pthread_mutex_lock(&s->mu);
	while (s->producers > 0 || s->inflight > 0) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_sec += 1;
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
		if ((now = now_sec()) - last >= 5) {
			printf("  %ld of %ld notes durable after %.0f s "
			       "(%.0f notes/s so far)\n",
			    s->done, s->total, now - t0,
			    (double)s->done / (now - t0));
			fflush(stdout);
			last = now;
		}
	}
	pthread_mutex_unlock(&s->mu);
}

static int
seed_notes(struct bench *b, const struct opts *o)
{
	struct seeder s = { .b = b,
		.total = o->notes,
		.members = o->members,
		.window = o->window };
	pthread_t th[64];
	uint64_t b0, ops0, b1, ops1;
	long long w0;
	double t0, dt;
	int i, n = o->threads > 64 ? 64 : (int)o->threads;

	pthread_mutex_init(&s.mu, NULL);
	pthread_cond_init(&s.cv, NULL);
	st_writer_stats(b->h.db, &b0, &ops0);
	w0 = proc_wchar();
	t0 = now_sec();
	s.deadline = t0 + o->max_sec;
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, seed_main, &s) != 0)
			break;
	s.producers = n = i;
	seed_wait(&s, t0);
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	dt = now_sec() - t0;
	st_writer_stats(b->h.db, &b1, &ops1);
	print_written(w0, proc_wchar(), s.done);
	printf("seeded %ld notes in %.2f s: %.0f notes/s (%d preparing "
	       "threads, window %ld; writer: %llu batches, %.1f notes/batch)\n",
	    s.done, dt, (double)s.done / dt, n, s.window,
	    (unsigned long long)(b1 - b0),
	    b1 > b0 ? (double)(ops1 - ops0) / (double)(b1 - b0) : 0.0);
	printf("RESULT mode=seed notes=%ld members=%ld seconds=%.2f "
	       "notes_per_s=%.0f batches=%llu failed=%ld\n",
	    s.done, o->members, dt, (double)s.done / dt,
	    (unsigned long long)(b1 - b0), s.failed);
	if (s.failed > 0)
		fprintf(stderr, "bench_store: %ld note(s) failed; first: %s\n",
		    s.failed, s.first.msg);
	pthread_cond_destroy(&s.cv);
	pthread_mutex_destroy(&s.mu);
	return s.failed > 0 || s.done < s.total ? -1 : 0;
}

static int
mode_seed(const struct opts *o)
{
	struct bench b;
	double t0 = now_sec();
	int rc;

	if (o->notes <= 0 || o->members <= 0) {
		fprintf(stderr, "bench_store seed: give -n NOTES -m MEMBERS\n");
		return 2;
	}
	if (bench_open(&b, o->conf, 1) < 0)
		return 1;
	rc = members_create(&b, "m", o->members, o->max_sec);
	if (rc == 0)
		rc = seed_notes(&b, o);
	bench_close(&b);
	printf("seed total (open, members, notes, close): %.2f s\n",
	    now_sec() - t0);
	return rc == 0 ? 0 : 1;
}

/* ---- get: timed outbox pages over one keep-alive connection ---- */

struct client {
	CURL *curl;
	struct curl_slist *hdrs;
	char *body;
	size_t len;
	int overflow;
};

static size_t
on_body(char *p, size_t size, size_t n, void *arg)
{
	struct client *c = arg;
	size_t add = size * n;

	if (c->len + add + 1 > BODY_MAX) {
		c->overflow = 1;
		return 0;
	}
	memcpy(c->body + c->len, p, add);
	c->len += add;
	c->body[c->len] = '\0';
	return add;
}

static int
client_init(struct client *c)
{
	memset(c, 0, sizeof(*c));
	if ((c->body = malloc(BODY_MAX)) == NULL ||
	    (c->curl = curl_easy_init()) == NULL)
		return -1;
	c->hdrs = curl_slist_append(NULL, "Accept: application/activity+json");
	curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->hdrs);
	curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
	curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c->curl, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, 10L);
	curl_easy_setopt(c->curl, CURLOPT_FOLLOWLOCATION, 0L);
	return 0;
}

static void
client_free(struct client *c)
{
	curl_slist_free_all(c->hdrs);
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	free(c->body);
}

/* GET url; *us is curl's total time for it. Returns the HTTP status, or
 * -1 when the transfer failed. */
static long
client_get(struct client *c, const char *url, long long *us)
{
	curl_off_t t = 0;
	long code = 0;

	c->len = 0;
	c->overflow = 0;
	c->body[0] = '\0';
	curl_easy_setopt(c->curl, CURLOPT_URL, url);
	if (curl_easy_perform(c->curl) != CURLE_OK || c->overflow)
		return -1;
	curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_getinfo(c->curl, CURLINFO_TOTAL_TIME_T, &t);
	*us = (long long)t;
	return code;
}

/* The page's "next" link into out; -1 when it has none. */
static int
next_link(const char *body, char *out, size_t cap)
{
	const char *p = strstr(body, "\"next\":\""), *q;

	if (p == NULL)
		return -1;
	p += 8;
	if ((q = strchr(p, '"')) == NULL || (size_t)(q - p) >= cap)
		return -1;
	memcpy(out, p, (size_t)(q - p));
	out[q - p] = '\0';
	return 0;
}

static unsigned long long
rnd(unsigned long long *s)
{
	/* xorshift64*: reproducible across runs for one -s SEED. */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static int
cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted v[0..n). */
static long long
pct(const long long *v, long n, double p)
{
	long k = (long)((p / 100.0) * (double)n + 0.999999);

	if (k < 1)
		k = 1;
	return v[k > n ? n - 1 : k - 1];
}

struct get_run {
	struct client c;
	const struct opts *o;
	long long *lat; /* first pages, then second pages */
	long nfirst, nsecond;
	long long *second;
	long errors, empty;
	char first_error[300];
};

/* One timed request; records it when rec is set. Returns 0 when the
 * answer was a 200 with a body. */
static int
get_one(struct get_run *g, const char *url, int rec, int second)
{
	long long us = 0;
	long code = client_get(&g->c, url, &us);

	if (code != 200) {
		if (rec && g->errors++ == 0)
			snprintf(g->first_error, sizeof(g->first_error),
			    "GET %s: %s %ld", url,
			    code < 0 ? "transfer failed" : "HTTP", code);
		return -1;
	}
	if (!rec)
		return 0;
	if (strstr(g->c.body, "\"orderedItems\":[{") == NULL)
		g->empty++;
	if (second)
		g->second[g->nsecond++] = us;
	else
		g->lat[g->nfirst++] = us;
	return 0;
}

/* Requests until count are recorded (rec) or the deadline passes. */
static void
get_loop(struct get_run *g, long count, int rec, unsigned long long *rs,
    double deadline)
{
	char url[600], next[800];
	long done = 0, round;

	for (round = 0; done < count && now_sec() < deadline; round++) {
		snprintf(url, sizeof(url), "%s/users/m%llu/outbox?page=true",
		    g->o->url, rnd(rs) % (unsigned long long)g->o->members);
		done++;
		if (get_one(g, url, rec, 0) != 0 || (round & 3) != 3 ||
		    done >= count)
			continue;
		/* The next page, only ever on our own hub. */
		if (next_link(g->c.body, next, sizeof(next)) != 0 ||
		    strncmp(next, g->o->url, strlen(g->o->url)) != 0)
			continue;
		get_one(g, next, rec, 1);
		done++;
	}
}

static void
print_lat(const char *label, long long *v, long n)
{
	long long sum = 0;
	long i;

	if (n == 0) {
		printf("  %-13s      0 requests\n", label);
		return;
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_ll);
	for (i = 0; i < n; i++)
		sum += v[i];
	printf("  %-13s %6ld requests  p50 %6lld us  p90 %6lld us  "
	       "p99 %6lld us  max %6lld us  mean %6.0f us\n",
	    label, n, pct(v, n, 50), pct(v, n, 90), pct(v, n, 99), v[n - 1],
	    (double)sum / (double)n);
}

static void
get_report(struct get_run *g)
{
	long n = g->nfirst + g->nsecond;
	long long *all = g->lat;

	print_lat("first pages", g->lat, g->nfirst);
	print_lat("second pages", g->second, g->nsecond);
	/* lat has room for both: append the second pages, sort all. */
	memcpy(all + g->nfirst, g->second, (size_t)g->nsecond * sizeof(*all));
	print_lat("all", all, n);
	if (n == 0)
		return;
	printf(
	    "RESULT mode=get requests=%ld p50_us=%lld p90_us=%lld "
	    "p99_us=%lld max_us=%lld second_pages=%ld errors=%ld empty=%ld\n",
	    n, pct(all, n, 50), pct(all, n, 90), pct(all, n, 99), all[n - 1],
	    g->nsecond, g->errors, g->empty);
}

static int
mode_get(const struct opts *o)
{
	struct get_run g = { .o = o };
	unsigned long long rs = o->seed * 2 + 1, ws = o->seed * 2 + 2;
	double t0, deadline;
	int rc = 1;

	if (o->url == NULL || strncmp(o->url, "http://127.0.0.1:", 17) != 0 ||
	    o->notes <= 0 || o->members <= 0) {
		fprintf(stderr,
		    "bench_store get: give -u http://127.0.0.1:PORT "
		    "-m MEMBERS -n REQUESTS (loopback only)\n");
		return 2;
	}
	g.lat = calloc((size_t)o->notes, sizeof(*g.lat));
	g.second = calloc((size_t)o->notes, sizeof(*g.second));
	if (g.lat == NULL || g.second == NULL || client_init(&g.c) < 0)
		goto out;
	t0 = now_sec();
	deadline = t0 + o->max_sec;
	get_loop(&g, o->warmup, 0, &ws, deadline);
	get_loop(&g, o->notes, 1, &rs, deadline);
	printf("%ld timed requests in %.2f s (after %ld warm-up requests), "
	       "members m0..m%ld, seed %llu, one keep-alive connection\n",
	    g.nfirst + g.nsecond, now_sec() - t0, o->warmup, o->members - 1,
	    o->seed);
	if (g.errors > 0)
		printf("  %ld failed requests; first: %s\n", g.errors,
		    g.first_error);
	if (g.empty > 0)
		printf("  %ld pages had no items\n", g.empty);
	get_report(&g);
	rc = g.nfirst + g.nsecond < o->notes || g.errors > 0 ? 1 : 0;
out:
	client_free(&g.c);
	free(g.lat);
	free(g.second);
	return rc;
}

/* ---- group and direct: notes per second through hub_post_publish ---- */

struct pub_run {
	struct bench *b;
	const char *prefix;
	long per_thread;
	double deadline;
	pthread_barrier_t start;
	atomic_long next_id; /* thread number */
	atomic_long published, failed;
	struct err first;
};

static void *
pub_main(void *arg)
{
	struct pub_run *r = arg;
	long me = atomic_fetch_add(&r->next_id, 1), i;
	char name[32], text[NOTE_MAX];
	struct err e;

	member_name(name, sizeof(name), r->prefix, me);
	pthread_barrier_wait(&r->start);
	for (i = 0; i < r->per_thread && now_sec() < r->deadline; i++) {
		note_text(text, sizeof(text), me * r->per_thread + i);
		if (hub_post_publish(&r->b->h, name, text,
			&(struct hub_post_opts){ .vis = ST_VIS_PUBLIC }, NULL,
			0, &e) == 0)
			atomic_fetch_add(&r->published, 1);
		else if (atomic_fetch_add(&r->failed, 1) == 0)
			r->first = e;
	}
	return NULL;
}

/* Run n threads of pub_main; returns the seconds from start to the last
 * thread's end, or -1. */
static double
pub_run(struct pub_run *r, int n, double max_sec)
{
	pthread_t *th = calloc((size_t)n, sizeof(*th));
	double t0;
	int i;

	if (th == NULL)
		return -1;
	pthread_barrier_init(&r->start, NULL, (unsigned)n + 1);
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, pub_main, r) != 0) {
			fprintf(
			    stderr, "bench_store: cannot start thread %d\n", i);
			exit(1); /* the barrier would never open */
		}
	r->deadline = now_sec() + max_sec;
	pthread_barrier_wait(&r->start);
	t0 = now_sec();
	for (i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	t0 = now_sec() - t0;
	pthread_barrier_destroy(&r->start);
	free(th);
	return t0;
}

static int
pub_failed(struct pub_run *r)
{
	if (atomic_load(&r->failed) == 0)
		return 0;
	fprintf(stderr, "bench_store: %ld note(s) failed; first: %s\n",
	    (long)atomic_load(&r->failed), r->first.msg);
	return 1;
}

static int
mode_group(const struct opts *o)
{
	struct pub_run r = { .prefix = "w", .per_thread = o->notes };
	struct bench b;
	uint64_t b0, ops0, b1, ops1;
	long long w0;
	long n;
	double dt;

	if (o->notes <= 0 || bench_open(&b, o->conf, 1) < 0)
		return o->notes <= 0 ? 2 : 1;
	r.b = &b;
	if (members_create(&b, "w", o->threads, o->max_sec) < 0) {
		bench_close(&b);
		return 1;
	}
	st_writer_stats(b.h.db, &b0, &ops0);
	w0 = proc_wchar();
	dt = pub_run(&r, (int)o->threads, o->max_sec);
	st_writer_stats(b.h.db, &b1, &ops1);
	n = atomic_load(&r.published);
	print_written(w0, proc_wchar(), n);
	printf("group commit: %ld notes from %ld threads in %.2f s: %.0f "
	       "notes/s\n",
	    n, o->threads, dt, (double)n / dt);
	printf("writer: %llu batches, %llu ops, %.1f ops/batch (during the "
	       "run)\n",
	    (unsigned long long)(b1 - b0), (unsigned long long)(ops1 - ops0),
	    b1 > b0 ? (double)(ops1 - ops0) / (double)(b1 - b0) : 0.0);
	printf("RESULT mode=group threads=%ld notes=%ld seconds=%.3f "
	       "notes_per_s=%.0f batches=%llu ops=%llu\n",
	    o->threads, n, dt, (double)n / dt, (unsigned long long)(b1 - b0),
	    (unsigned long long)(ops1 - ops0));
	bench_close(&b);
	return pub_failed(&r);
}

static int
mode_direct(const struct opts *o)
{
	struct pub_run r = { .prefix = "d", .per_thread = o->notes };
	struct bench b;
	long long w0;
	long n;
	double dt;

	if (o->notes <= 0 || bench_open(&b, o->conf, 0) < 0)
		return o->notes <= 0 ? 2 : 1;
	r.b = &b;
	if (members_create(&b, "d", 1, o->max_sec) < 0) {
		bench_close(&b);
		return 1;
	}
	w0 = proc_wchar();
	dt = pub_run(&r, 1, o->max_sec);
	n = atomic_load(&r.published);
	print_written(w0, proc_wchar(), n);
	printf("one commit per note (no writer thread): %ld notes in %.2f s: "
	       "%.0f notes/s\n",
	    n, dt, (double)n / dt);
	printf("RESULT mode=direct notes=%ld seconds=%.3f notes_per_s=%.0f\n",
	    n, dt, (double)n / dt);
	bench_close(&b);
	return pub_failed(&r);
}

int
main(int argc, char **argv)
{
	struct opts o;
	const char *mode;
	int rc;

	if (argc < 2)
		usage();
	mode = argv[1];
	parse_opts(argc - 1, argv + 1, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "seed"))
		return mode_seed(&o);
	if (!strcmp(mode, "group"))
		return mode_group(&o);
	if (!strcmp(mode, "direct"))
		return mode_direct(&o);
	if (strcmp(mode, "get") != 0)
		usage();
	curl_global_init(CURL_GLOBAL_DEFAULT);
	rc = mode_get(&o);
	curl_global_cleanup();
	return rc;
}
