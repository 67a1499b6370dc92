/* bench_fed.c: the tools behind inbox.sh and delivery.sh. It links
 * libhub.a for the hub's own HTTP Signatures (fed_sig) and storage API, so
 * that what it signs and verifies is what the hub signs and verifies. It
 * prints figures and never judges them; each mode ends with one
 * "RESULT key=value ..." line for the scripts to read. Only 127.0.0.1 is
 * ever contacted or listened on.
 *
 *   bench_fed keys -n N -o PREFIX [-t THREADS]
 *	Generate N RSA-2048 key pairs (fed_key_generate) on THREADS threads
 *	into PREFIX.priv and PREFIX.pub (concatenated PEM, in order).
 *   bench_fed sign -H HOST -K PREFIX -a ACTORS -P PORT -n PORTS
 *       -r READER_IRI -s FIRST -N COUNT -o FILE [-t THREADS]
 *	Pre-sign COUNT requests "POST /inbox" to HOST, numbered FIRST..:
 *	request k is a Create(Note) by actor k % ACTORS, who lives at
 *	http://127.0.0.1:(PORT + actor % PORTS)/users/a<actor> and signs
 *	with key actor % (keys in PREFIX.priv); the note addresses READER.
 *	FILE holds the raw requests, each after its length (4 bytes).
 *   bench_fed blast -A 127.0.0.1:PORT -i FILE [-c CONNS] [-T SECONDS]
 *	Send the requests of FILE over CONNS keep-alive connections, one
 *	request in flight on each; count the answers by status.
 *   bench_fed serve -P PORT -n PORTS [-K PREFIX -a ACTORS]
 *       [-k PUB.pem -i KEY_ID[,KEY_ID...] -e EXPECT] [-T SECONDS]
 *	Listen on 127.0.0.1:PORT .. PORT+PORTS-1 (one epoll thread). With
 *	-K, GET /users/a<i> on actor i's port answers actor i's document
 *	(its key: PREFIX.pub). With -k, every POST to an inbox is checked
 *	as the hub checks one (fed_sig_parse, fed_sig_check, fed_sig_verify
 *	with the PUB.pem key of the same rank as the request's key id in
 *	the -i list, Host must be the port asked) and its (port, activity
 *	id) recorded: 202 when valid and new, 401 when the signature is bad,
 *	202 for a duplicate (counted). Prints "DONE" once EXPECT valid
 *	deliveries arrived, "ALL id=ID first=T last=T" once an activity
 *	reached every port (wall clock times of its first and last
 *	delivery), and the RESULT at SIGTERM or after SECONDS.
 *   bench_fed seed -c CONF -m NAME -f FOLLOWERS -P PORT -n INSTANCES
 *       -o PUB.pem [-g GROUP -j JOINER]
 *	Make the data of CONF (hub_init), a member NAME with a fresh key
 *	(written to PUB.pem, its key id printed), and FOLLOWERS remote
 *	actors following NAME (accepted), follower i on instance
 *	http://127.0.0.1:(PORT + i % INSTANCES) with that instance's shared
 *	inbox /inbox, through st_actor_upsert_remote and st_follow_put.
 *	With -g, also a community GROUP that the same FOLLOWERS follow (its
 *	public key appended to PUB.pem, its key id printed as group_key_id)
 *	and a member JOINER, without followers, who is a member of it.
 *
 * Every loop stops at its count or at -T seconds, whichever comes first.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "config.h"
#include "err.h"
#include "fed_key.h"
#include "fed_sig.h"
#include "hub.h"
#include "log.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_follow.h"
#include "st_instance.h"

#define IN_MAX	      (2 * 1024 * 1024) /* bytes of one request or answer */
#define HDR_MAX	      64		/* header fields we look at */
#define MAX_PORTS     4096
#define MAX_THREADS   64
#define AS_PUBLIC_IRI "https://www.w3.org/ns/activitystreams#Public"

struct opts {
	const char *out, *keys, *host, *reader, *addr, *in, *conf, *name;
	const char *pub, *key_id, *group, *joiner;
	long n, threads, actors, port, ports, first, count, conns, expect;
	long followers;
	double max_sec;
};

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
wall_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds (user + system) this process has used. */
static double
cpu_sec(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	    (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: bench_fed keys -n N -o PREFIX [-t THREADS]\n"
	    "       bench_fed sign -H HOST -K PREFIX -a ACTORS -P PORT "
	    "-n PORTS -r READER -s FIRST -N COUNT -o FILE [-t THREADS]\n"
	    "       bench_fed blast -A 127.0.0.1:PORT -i FILE [-c CONNS] "
	    "[-T SEC]\n"
	    "       bench_fed serve -P PORT -n PORTS [-K PREFIX -a ACTORS] "
	    "[-k PUB.pem -i KEY_ID[,...] -e EXPECT] [-T SEC]\n"
	    "       bench_fed seed -c CONF -m NAME -f FOLLOWERS -P PORT "
	    "-n INSTANCES -o PUB.pem [-g GROUP -j JOINER]\n");
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
		fprintf(stderr, "bench_fed: \"%s\" is not a number >= %ld\n", s,
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
	o->threads = 2;
	o->conns = 64;
	o->max_sec = 600;
	o->ports = 1;
	while ((c = getopt(argc, argv,
		    "n:o:t:H:K:a:P:r:s:N:A:i:c:T:k:e:m:f:g:j:")) != -1) {
		switch (c) {
		case 'n': o->n = o->ports = num_arg(optarg, 1); break;
		case 'o': o->out = optarg; break;
		case 't': o->threads = num_arg(optarg, 1); break;
		case 'H': o->host = optarg; break;
		case 'K': o->keys = optarg; break;
		case 'a': o->actors = num_arg(optarg, 1); break;
		case 'P': o->port = num_arg(optarg, 1); break;
		case 'r': o->reader = optarg; break;
		case 's': o->first = num_arg(optarg, 0); break;
		case 'N': o->count = num_arg(optarg, 1); break;
		case 'A': o->addr = optarg; break;
		case 'i': o->in = o->key_id = optarg; break;
		case 'c':
			o->conf = optarg;
			o->conns = strtol(optarg, NULL, 10);
			break;
		case 'T': o->max_sec = (double)num_arg(optarg, 1); break;
		case 'k': o->pub = optarg; break;
		case 'e': o->expect = num_arg(optarg, 1); break;
		case 'm': o->name = optarg; break;
		case 'f': o->followers = num_arg(optarg, 1); break;
		case 'g': o->group = optarg; break;
		case 'j': o->joiner = optarg; break;
		default: usage();
		}
	}
	if (optind != argc)
		usage();
	if (o->threads > MAX_THREADS)
		o->threads = MAX_THREADS;
}

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (p = malloc((size_t)n + 1)) == NULL) {
		if (f != NULL)
			fclose(f);
		return NULL;
	}
	*len = fread(p, 1, (size_t)n, f);
	p[*len] = '\0';
	fclose(f);
	return p;
}

/* Split concatenated PEM blocks of text (modified) into v (at most max).
 * Returns the count. */
static long
split_pem(char *text, char **v, long max)
{
	long n = 0;
	char *p = text, *end;

	while (n < max && (p = strstr(p, "-----BEGIN ")) != NULL) {
		if ((end = strstr(p, "-----END ")) == NULL ||
		    (end = strstr(end + 9, "-----")) == NULL)
			break;
		end += 5;
		if (*end == '\n')
			end++;
		v[n] = strndup(p, (size_t)(end - p));
		if (v[n] == NULL)
			break;
		n++;
		p = end;
	}
	return n;
}

/* The PEM blocks of path, *n of them (malloc'd array of malloc'd). */
static char **
load_pems(const char *path, long *n)
{
	size_t len;
	char *text = slurp(path, &len), **v;

	*n = 0;
	if (text == NULL)
		return NULL;
	if ((v = calloc(len / 64 + 1, sizeof(*v))) != NULL)
		*n = split_pem(text, v, (long)(len / 64 + 1));
	free(text);
	return v;
}

/* ---- keys ---- */

struct keygen {
	long n;
	atomic_long next;
	atomic_int failed;
	char **priv, **pub;
};

static void *
keygen_main(void *arg)
{
	struct keygen *k = arg;
	struct err e;
	long i;

	while ((i = atomic_fetch_add(&k->next, 1)) < k->n)
		if (fed_key_generate(&k->priv[i], &k->pub[i], &e) < 0)
			atomic_store(&k->failed, 1);
	return NULL;
}

static int
mode_keys(const struct opts *o)
{
	struct keygen k = { .n = o->n };
	pthread_t th[MAX_THREADS];
	char path[4096];
	FILE *fp, *fq;
	double t0 = now_sec();
	long i;
	int t, nt = (int)o->threads;

	if (o->n <= 0 || o->out == NULL)
		usage();
	k.priv = calloc((size_t)o->n, sizeof(char *));
	k.pub = calloc((size_t)o->n, sizeof(char *));
	if (k.priv == NULL || k.pub == NULL)
		return 1;
	for (t = 0; t < nt; t++)
		if (pthread_create(&th[t], NULL, keygen_main, &k) != 0)
			break;
	nt = t;
	for (t = 0; t < nt; t++)
		pthread_join(th[t], NULL);
	if (atomic_load(&k.failed) || nt == 0) {
		fprintf(stderr, "bench_fed: key generation failed\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s.priv", o->out);
	fp = fopen(path, "w");
	snprintf(path, sizeof(path), "%s.pub", o->out);
	fq = fopen(path, "w");
	if (fp == NULL || fq == NULL) {
		fprintf(stderr, "bench_fed: cannot write %s.*\n", o->out);
		return 1;
	}
	for (i = 0; i < o->n; i++) {
		fputs(k.priv[i], fp);
		fputs(k.pub[i], fq);
		fed_secret_free(k.priv[i]);
		free(k.pub[i]);
	}
	if (fclose(fp) != 0 || fclose(fq) != 0)
		return 1;
	printf("RESULT mode=keys keys=%ld seconds=%.2f threads=%d\n", o->n,
	    now_sec() - t0, nt);
	return 0;
}

/* ---- sign: pre-signed Create(Note) requests ---- */

struct signer {
	const struct opts *o;
	EVP_PKEY **keys;
	long nkeys;
	char **req; /* request k - first */
	size_t *len;
	atomic_long next;
	atomic_int failed;
	struct err first;
};

static void
actor_iri(char *out, size_t cap, long port, long ports, long i)
{
	snprintf(
	    out, cap, "http://127.0.0.1:%ld/users/a%ld", port + i % ports, i);
}

/* The body of request k: a Create of a Note, about 1.5 KiB, shaped as
 * Mastodon sends them. Returns the length or -1. */
static int
create_body(const struct opts *o, long k, char *out, size_t cap)
{
	static const char *const lines[] = {
		"Checklists before every handover cut our near misses.",
		"We now read back verbal orders; two errors caught this week.",
		"Labelling syringes at the bedside, not in the corridor.",
		"A second check on insulin doses found one mix-up in March.",
		"Falls dropped after we moved the night rounds earlier.",
	};
	long i = k % o->actors;
	char a[200], host[64];
	int n;

	actor_iri(a, sizeof(a), o->port, o->ports, i);
	snprintf(host, sizeof(host), "127.0.0.1:%ld", o->port + i % o->ports);
	n = snprintf(out, cap,
	    "{\"@context\":[\"https://www.w3.org/ns/activitystreams\","
	    "{\"ostatus\":\"http://ostatus.org#\",\"atomUri\":"
	    "\"ostatus:atomUri\",\"sensitive\":\"as:sensitive\","
	    "\"Hashtag\":\"as:Hashtag\"}],"
	    "\"id\":\"%s/statuses/%ld/activity\",\"type\":\"Create\","
	    "\"actor\":\"%s\",\"published\":\"2024-05-01T12:00:00Z\","
	    "\"to\":[\"" AS_PUBLIC_IRI "\"],"
	    "\"cc\":[\"%s/followers\",\"%s\"],"
	    "\"object\":{\"id\":\"%s/statuses/%ld\",\"type\":\"Note\","
	    "\"summary\":null,\"inReplyTo\":null,"
	    "\"published\":\"2024-05-01T12:00:00Z\","
	    "\"url\":\"http://%s/@a%ld/%ld\",\"attributedTo\":\"%s\","
	    "\"to\":[\"" AS_PUBLIC_IRI "\"],"
	    "\"cc\":[\"%s/followers\",\"%s\"],\"sensitive\":false,"
	    "\"atomUri\":\"%s/statuses/%ld\",\"conversation\":"
	    "\"tag:%s,2024-05-01:objectId=%ld:objectType=Conversation\","
	    "\"content\":\"<p>Note %ld: %s What did your team try? "
	    "<a href=\\\"http://%s/tags/patientsafety\\\" class=\\\"mention "
	    "hashtag\\\" rel=\\\"tag\\\">#<span>patientsafety</span></a></p>\","
	    "\"contentMap\":{\"en\":\"<p>Note %ld: %s</p>\"},"
	    "\"attachment\":[],\"tag\":[{\"type\":\"Hashtag\","
	    "\"href\":\"http://%s/tags/patientsafety\","
	    "\"name\":\"#patientsafety\"}],"
	    "\"replies\":{\"id\":\"%s/statuses/%ld/replies\","
	    "\"type\":\"Collection\",\"first\":{\"type\":\"CollectionPage\","
	    "\"next\":\"%s/statuses/%ld/replies?only_other_accounts=true"
	    "&page=true\",\"partOf\":\"%s/statuses/%ld/replies\","
	    "\"items\":[]}}}}",
	    a, k, a, a, o->reader, a, k, host, i, k, a, a, o->reader, a, k,
	    host, k, k, lines[k % 5], host, k, lines[k % 5], host, a, k, a, k,
	    a, k);
	return n > 0 && (size_t)n < cap ? n : -1;
}

static int
sign_one(struct signer *s, long k, char **req, size_t *len, struct err *e)
{
	const struct opts *o = s->o;
	char body[4096], a[200], key_id[256], date[40], digest[64], *sig, *r;
	struct fed_sign in = { "POST", "/inbox", o->host, date, digest,
		"application/activity+json", NULL, key_id, NULL };
	long i = k % o->actors;
	int n = create_body(o, k, body, sizeof(body)), m;

	if (n < 0)
		return err_set(e, "request %ld: the body is too long", k);
	actor_iri(a, sizeof(a), o->port, o->ports, i);
	snprintf(key_id, sizeof(key_id), "%s#main-key", a);
	in.key = s->keys[i % s->nkeys];
	fed_sig_http_date(time(NULL), date, sizeof(date));
	fed_sig_digest(body, (size_t)n, digest, sizeof(digest));
	if ((sig = fed_sig_sign(&in, e)) == NULL)
		return -1;
	m = asprintf(&r,
	    "POST /inbox HTTP/1.1\r\nHost: %s\r\nDate: %s\r\nDigest: %s\r\n"
	    "Content-Type: application/activity+json\r\nSignature: %s\r\n"
	    "User-Agent: bench_fed\r\nContent-Length: %d\r\n\r\n%s",
	    o->host, date, digest, sig, n, body);
	free(sig);
	if (m < 0)
		return err_set(e, "out of memory");
	*req = r;
	*len = (size_t)m;
	return 0;
}

static void *
sign_main(void *arg)
{
	struct signer *s = arg;
	struct err e;
	long j;

	while ((j = atomic_fetch_add(&s->next, 1)) < s->o->count &&
	    !atomic_load(&s->failed))
		if (sign_one(s, s->o->first + j, &s->req[j], &s->len[j], &e) <
			0 &&
		    atomic_exchange(&s->failed, 1) == 0)
			s->first = e;
	return NULL;
}

static int
write_requests(const struct signer *s, const char *path)
{
	FILE *f = fopen(path, "wb");
	uint32_t n;
	long j;

	if (f == NULL)
		return -1;
	for (j = 0; j < s->o->count; j++) {
		n = (uint32_t)s->len[j];
		fwrite(&n, sizeof(n), 1, f);
		fwrite(s->req[j], 1, s->len[j], f);
	}
	return fclose(f);
}

static int
mode_sign(const struct opts *o)
{
	struct signer s = { .o = o };
	pthread_t th[MAX_THREADS];
	char **pems;
	char path[4096];
	double t0 = now_sec(), dt;
	size_t bytes = 0;
	long j;
	int t, nt = (int)o->threads;

	if (o->host == NULL || o->keys == NULL || o->actors <= 0 ||
	    o->port <= 0 || o->reader == NULL || o->count <= 0 ||
	    o->out == NULL)
		usage();
	snprintf(path, sizeof(path), "%s.priv", o->keys);
	if ((pems = load_pems(path, &s.nkeys)) == NULL || s.nkeys == 0) {
		fprintf(stderr, "bench_fed: no keys in %s\n", path);
		return 1;
	}
	s.keys = calloc((size_t)s.nkeys, sizeof(*s.keys));
	for (j = 0; j < s.nkeys; j++) {
		s.keys[j] = fed_sig_private_key(pems[j]);
		fed_secret_free(pems[j]);
		if (s.keys[j] == NULL) {
			fprintf(
			    stderr, "bench_fed: key %ld is unreadable\n", j);
			return 1;
		}
	}
	free(pems);
	s.req = calloc((size_t)o->count, sizeof(*s.req));
	s.len = calloc((size_t)o->count, sizeof(*s.len));
	if (s.req == NULL || s.len == NULL)
		return 1;
	t0 = now_sec();
	for (t = 0; t < nt; t++)
		if (pthread_create(&th[t], NULL, sign_main, &s) != 0)
			break;
	nt = t;
	for (t = 0; t < nt; t++)
		pthread_join(th[t], NULL);
	dt = now_sec() - t0;
	if (atomic_load(&s.failed) || nt == 0) {
		fprintf(stderr, "bench_fed: signing failed: %s\n", s.first.msg);
		return 1;
	}
	if (write_requests(&s, o->out) != 0) {
		fprintf(stderr, "bench_fed: cannot write %s\n", o->out);
		return 1;
	}
	for (j = 0; j < o->count; j++) {
		bytes += s.len[j];
		free(s.req[j]);
	}
	for (j = 0; j < s.nkeys; j++)
		EVP_PKEY_free(s.keys[j]);
	printf("RESULT mode=sign requests=%ld seconds=%.2f signs_per_s=%.0f "
	       "threads=%d keys=%ld mean_bytes=%.0f\n",
	    o->count, dt, (double)o->count / dt, nt, s.nkeys,
	    (double)bytes / (double)o->count);
	free(s.req);
	free(s.len);
	free(s.keys);
	return 0;
}

/* ---- HTTP/1.1 bits shared by the client and the server ---- */

struct conn {
	int fd;
	int port; /* server: the local port; client: unused */
	char *in;
	size_t in_len, in_cap;
	char *out;
	size_t out_len, out_off;
	int close_after, continued;
	long req;    /* client: the request in flight, -1 none */
	size_t sent; /* client: bytes of it written */
};

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Read what is there into c->in. Returns 1 when something came, 0 when
 * nothing yet, -1 at EOF or error (or past IN_MAX). */
static int
conn_read(struct conn *c)
{
	ssize_t n;
	int got = 0;

	for (;;) {
		if (c->in_cap - c->in_len < 16384) {
			size_t cap = c->in_cap ? c->in_cap * 2 : 32768;
			char *p;
			if (cap > IN_MAX + 65536 ||
			    (p = realloc(c->in, cap + 1)) == NULL)
				return -1;
			c->in = p;
			c->in_cap = cap;
		}
		n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
		if (n > 0) {
			c->in_len += (size_t)n;
			c->in[c->in_len] = '\0';
			got = 1;
			continue;
		}
		if (n == 0)
			return -1;
		if (errno == EINTR)
			continue;
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return got;
		return -1;
	}
}

/* Write what is pending. Returns 1 when all is out, 0 when the socket is
 * full, -1 on error. */
static int
conn_flush(struct conn *c)
{
	ssize_t n;

	while (c->out_off < c->out_len) {
		n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (n > 0) {
			c->out_off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		return -1;
	}
	c->out_len = c->out_off = 0;
	return 1;
}

static int
conn_queue(struct conn *c, const char *p, size_t n)
{
	if (c->out_len + n > (size_t)IN_MAX)
		return -1;
	if (c->out == NULL && (c->out = malloc(IN_MAX)) == NULL)
		return -1;
	memcpy(c->out + c->out_len, p, n);
	c->out_len += n;
	return 0;
}

static void
conn_consume(struct conn *c, size_t n)
{
	memmove(c->in, c->in + n, c->in_len - n);
	c->in_len -= n;
	c->in[c->in_len] = '\0';
}

/* A parsed head: the first line's parts and the fields, pointing into a
 * private copy. */
struct head {
	char buf[16384];
	char *first[3];
	int nh;
	char *name[HDR_MAX], *value[HDR_MAX];
	size_t head_len;     /* bytes up to and with the blank line */
	long content_length; /* -1 when not given */
	int chunked, close;
};

static const char *
head_get(const struct head *h, const char *name)
{
	int i;

	for (i = 0; i < h->nh; i++)
		if (!strcasecmp(h->name[i], name))
			return h->value[i];
	return NULL;
}

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		*--e = '\0';
	return s;
}

/* Parse the head at the start of in. Returns 1 when parsed, 0 when it is
 * not all there yet, -1 when malformed or too long. */
static int
head_parse(const char *in, size_t len, struct head *h)
{
	const char *end = memmem(in, len, "\r\n\r\n", 4);
	char *line, *next, *colon, *sp;
	const char *v;
	int k;

	if (end == NULL)
		return len > sizeof(h->buf) - 1 ? -1 : 0;
	h->head_len = (size_t)(end - in) + 4;
	if (h->head_len > sizeof(h->buf) - 1)
		return -1;
	memcpy(h->buf, in, h->head_len - 2);
	h->buf[h->head_len - 2] = '\0';
	h->nh = 0;
	line = h->buf;
	next = strstr(line, "\r\n");
	*next = '\0';
	for (k = 0, sp = line; k < 3; k++) {
		h->first[k] = sp;
		if (k < 2 && (sp = strchr(sp, ' ')) == NULL)
			return -1;
		if (k < 2)
			*sp++ = '\0';
	}
	for (line = next + 2; *line != '\0'; line = next + 2) {
		if ((next = strstr(line, "\r\n")) == NULL)
			return -1;
		*next = '\0';
		if ((colon = strchr(line, ':')) == NULL || h->nh >= HDR_MAX)
			continue;
		*colon = '\0';
		h->name[h->nh] = line;
		h->value[h->nh++] = trim(colon + 1);
	}
	v = head_get(h, "Content-Length");
	h->content_length = v ? strtol(v, NULL, 10) : -1;
	v = head_get(h, "Transfer-Encoding");
	h->chunked = v != NULL && strcasestr(v, "chunked") != NULL;
	v = head_get(h, "Connection");
	h->close = v != NULL && strcasestr(v, "close") != NULL;
	return 1;
}

/* ---- blast: the load generator ---- */

struct blast {
	const struct opts *o;
	char **req;
	size_t *len;
	long n, next, done, errors;
	long status[600];
	char first_error[300];
	double t_first, t_last;
	struct sockaddr_in sa;
	int ep;
	struct head h;
};

static int
load_requests(const char *path, struct blast *b)
{
	size_t len, off = 0;
	char *data = slurp(path, &len);
	uint32_t n;
	long cap = 1024;

	if (data == NULL)
		return -1;
	b->req = malloc((size_t)cap * sizeof(*b->req));
	b->len = malloc((size_t)cap * sizeof(*b->len));
	while (off + 4 <= len) {
		memcpy(&n, data + off, 4);
		off += 4;
		if (off + n > len)
			break;
		if (b->n == cap) {
			cap *= 2;
			b->req = realloc(b->req, (size_t)cap * sizeof(*b->req));
			b->len = realloc(b->len, (size_t)cap * sizeof(*b->len));
		}
		b->req[b->n] = data + off; /* data stays allocated */
		b->len[b->n++] = n;
		off += n;
	}
	return b->n > 0 ? 0 : -1;
}

static void
blast_error(struct blast *b, const char *fmt, long a)
{
	if (b->errors++ == 0)
		snprintf(b->first_error, sizeof(b->first_error), fmt, a);
}

static int
blast_connect(struct blast *b, struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET };
	int one = 1;

	c->fd = socket(AF_INET, SOCK_STREAM, 0);
	if (c->fd < 0 ||
	    connect(c->fd, (struct sockaddr *)&b->sa, sizeof(b->sa)) != 0) {
		if (c->fd >= 0)
			close(c->fd);
		c->fd = -1;
		return -1;
	}
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	set_nonblock(c->fd);
	ev.data.ptr = c;
	c->in_len = 0;
	c->req = -1;
	return epoll_ctl(b->ep, EPOLL_CTL_ADD, c->fd, &ev);
}

static void
blast_close(struct blast *b, struct conn *c)
{
	epoll_ctl(b->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

/* Start the next request on c, if any is left. */
static int
blast_send(struct blast *b, struct conn *c)
{
	ssize_t n;

	if (c->req < 0) {
		if (b->next >= b->n)
			return 0;
		c->req = b->next++;
		c->sent = 0;
		if (b->t_first == 0)
			b->t_first = now_sec();
	}
	while (c->sent < b->len[c->req]) {
		n = write(
		    c->fd, b->req[c->req] + c->sent, b->len[c->req] - c->sent);
		if (n > 0)
			c->sent += (size_t)n;
		else if (n < 0 && errno == EINTR)
			continue;
		else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		else
			return -1;
	}
	return 0;
}

/* Take complete answers off c->in. Returns -1 when the connection must
 * be dropped. */
static int
blast_answers(struct blast *b, struct conn *c)
{
	struct head *h = &b->h;
	long code;
	int rc;

	while ((rc = head_parse(c->in, c->in_len, h)) == 1) {
		if (h->chunked || h->content_length < 0) {
			blast_error(b,
			    "an answer without Content-Length "
			    "(request %ld)",
			    c->req);
			return -1;
		}
		if (c->in_len < h->head_len + (size_t)h->content_length)
			return 0;
		code = strtol(h->first[1], NULL, 10);
		if (code < 100 || code > 599)
			code = 0;
		if (code == 100) { /* 100 Continue: the real answer follows */
			conn_consume(c, h->head_len);
			continue;
		}
		b->status[code]++;
		if (code != 202 && b->status[code] == 1)
			fprintf(stderr, "bench_fed: first %ld answer: %.200s\n",
			    code, c->in + h->head_len);
		b->done++;
		b->t_last = now_sec();
		conn_consume(c, h->head_len + (size_t)h->content_length);
		if (c->req < 0) {
			blast_error(b, "an answer nobody asked for%.0ld", 0);
			return -1;
		}
		c->req = -1;
		if (h->close)
			return -1;
		if (blast_send(b, c) < 0)
			return -1;
	}
	return rc < 0 ? -1 : 0;
}

static void
blast_event(struct blast *b, struct conn *c, unsigned ev)
{
	int r = 0;

	if (ev & EPOLLOUT)
		r = blast_send(b, c);
	if (r == 0 && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
		r = conn_read(c);
		if (blast_answers(b, c) < 0)
			r = -1;
	}
	if (r >= 0)
		return;
	if (c->req >= 0) {
		blast_error(b,
		    "the connection closed with request %ld "
		    "unanswered",
		    c->req);
		b->done++;
	}
	blast_close(b, c);
	if (b->next < b->n && blast_connect(b, c) == 0 && blast_send(b, c) == 0)
		return;
}

static int
mode_blast(const struct opts *o)
{
	struct blast *b = calloc(1, sizeof(*b));
	struct epoll_event evs[256];
	struct conn *cs;
	double deadline, dt;
	const char *colon;
	long i, other = 0;
	int n, k, nc;

	if (b == NULL || o->addr == NULL || o->in == NULL ||
	    strncmp(o->addr, "127.0.0.1:", 10) != 0)
		usage();
	b->o = o;
	colon = strchr(o->addr, ':');
	b->sa.sin_family = AF_INET;
	b->sa.sin_port = htons((uint16_t)atoi(colon + 1));
	b->sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (load_requests(o->in, b) != 0) {
		fprintf(stderr, "bench_fed: no requests in %s\n", o->in);
		return 1;
	}
	nc = o->conns < 1 ? 1 : o->conns > b->n ? (int)b->n : (int)o->conns;
	cs = calloc((size_t)nc, sizeof(*cs));
	b->ep = epoll_create1(0);
	for (k = 0; k < nc; k++)
		if (blast_connect(b, &cs[k]) != 0) {
			fprintf(stderr, "bench_fed: cannot connect to %s\n",
			    o->addr);
			return 1;
		}
	deadline = now_sec() + o->max_sec;
	for (k = 0; k < nc; k++)
		blast_send(b, &cs[k]);
	while (b->done < b->n && now_sec() < deadline) {
		n = epoll_wait(b->ep, evs, 256, 200);
		for (k = 0; k < n; k++)
			blast_event(b, evs[k].data.ptr, evs[k].events);
		for (k = 0, i = 0; k < nc; k++)
			i += cs[k].fd >= 0;
		if (i == 0 && b->next >= b->n)
			break;
	}
	for (k = 0; k < nc; k++)
		if (cs[k].fd >= 0)
			close(cs[k].fd);
	dt = b->t_last > b->t_first ? b->t_last - b->t_first : 0;
	printf("RESULT mode=blast requests=%ld answered=%ld accepted=%ld "
	       "seconds=%.3f accepted_per_s=%.0f conns=%d errors=%ld "
	       "client_cpu_s=%.2f",
	    b->n, b->done, b->status[202], dt,
	    dt > 0 ? (double)b->status[202] / dt : 0.0, nc, b->errors,
	    cpu_sec());
	for (i = 100; i < 600; i++)
		if (i != 202 && b->status[i] > 0) {
			printf(" status_%ld=%ld", i, b->status[i]);
			other += b->status[i];
		}
	printf(" other=%ld\n", other);
	if (b->errors > 0)
		fprintf(stderr,
		    "bench_fed: %ld transport error(s); first: %s\n", b->errors,
		    b->first_error);
	if (b->done < b->n)
		fprintf(stderr,
		    "bench_fed: stopped at -T %.0f s with %ld of %ld "
		    "answered\n",
		    o->max_sec, b->done, b->n);
	return b->done == b->n && b->errors == 0 ? 0 : 1;
}

/* ---- serve: actor documents and a verifying inbox sink ---- */

#define SEEN_BITS 18   /* 262,144 slots: (port, id) pairs recorded */
#define SIGNERS	  8    /* keys the sink verifies with (-k, -i) */
#define ACTS	  4096 /* activities followed until they reach all ports */

/* An activity on its way to every port. */
struct act {
	char *id;
	long ports;
	double first, last;
};

struct sink {
	const struct opts *o;
	int ep;
	int lfd[MAX_PORTS];
	char **pubs; /* actors' public keys (-K) */
	long npubs;
	EVP_PKEY *keys[SIGNERS]; /* the signers' keys (-k) */
	char *key_ids[SIGNERS];	 /* and their ids (-i), in the same order */
	int nkeys;
	struct act acts[ACTS];
	long nacts;
	long good, bad, dup, requests, gets, other;
	long *per_port;
	char **seen;
	double t_first, t_done, t_last;
	int done_said;
	char first_bad[300];
	struct head h;
};

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static unsigned long
hash_str(const char *s)
{
	unsigned long h = 1469598103934665603UL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211UL;
	return h;
}

/* Record key; 1 when new, 0 when seen before, -1 when the table is full. */
static int
seen_add(struct sink *s, const char *key)
{
	unsigned long mask = (1UL << SEEN_BITS) - 1, i = hash_str(key) & mask;
	unsigned long tries;

	for (tries = 0; tries <= mask; tries++, i = (i + 1) & mask) {
		if (s->seen[i] == NULL) {
			s->seen[i] = strdup(key);
			return s->seen[i] != NULL ? 1 : -1;
		}
		if (!strcmp(s->seen[i], key))
			return 0;
	}
	return -1;
}

static void
respond(struct conn *c, int code, const char *reason, const char *type,
    const char *body, size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
	    "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
	    "%s\r\n",
	    code, reason, type, len,
	    c->close_after ? "Connection: close\r\n" : "");

	if (conn_queue(c, head, (size_t)n) != 0 ||
	    conn_queue(c, body, len) != 0)
		c->close_after = 1;
}

static void
serve_actor(struct sink *s, struct conn *c, const char *target)
{
	char iri[200], inbox[240], shared[100], kid[240], name[32];
	long i;
	char *end, *js;
	json_t *doc;

	if (strncmp(target, "/users/a", 8) != 0 || s->pubs == NULL ||
	    (i = strtol(target + 8, &end, 10)) < 0 || *end != '\0' ||
	    i >= s->o->actors || s->o->port + i % s->o->ports != c->port) {
		respond(c, 404, "Not Found", "application/json", "{}", 2);
		return;
	}
	actor_iri(iri, sizeof(iri), s->o->port, s->o->ports, i);
	snprintf(inbox, sizeof(inbox), "%s/inbox", iri);
	snprintf(kid, sizeof(kid), "%s#main-key", iri);
	snprintf(shared, sizeof(shared), "http://127.0.0.1:%d/inbox", c->port);
	snprintf(name, sizeof(name), "a%ld", i);
	doc = json_pack("{s:[s,s],s:s,s:s,s:s,s:s,s:s,s:{s:s},s:{s:s,s:s,s:s}}",
	    "@context", "https://www.w3.org/ns/activitystreams",
	    "https://w3id.org/security/v1", "id", iri, "type", "Person",
	    "preferredUsername", name, "name", name, "inbox", inbox,
	    "endpoints", "sharedInbox", shared, "publicKey", "id", kid, "owner",
	    iri, "publicKeyPem", s->pubs[i % s->npubs]);
	js = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	json_decref(doc);
	if (js == NULL) {
		respond(c, 500, "Error", "application/json", "{}", 2);
		return;
	}
	s->gets++;
	respond(c, 200, "OK", "application/activity+json", js, strlen(js));
	free(js);
}

static const char *
sink_header(void *ctx, const char *name)
{
	return head_get(ctx, name);
}

static void
sink_bad(struct sink *s, const char *why, const char *detail)
{
	if (s->bad++ == 0)
		snprintf(s->first_bad, sizeof(s->first_bad), "%s: %.200s", why,
		    detail);
}

/* The key that verifies a request signed as key_id: the -k key of the
 * same rank as key_id in the -i list, or the first key when there is no
 * -i. NULL when key_id is not in the list. */
static EVP_PKEY *
sink_key(const struct sink *s, const char *key_id)
{
	int i;

	if (s->o->key_id == NULL)
		return s->nkeys > 0 ? s->keys[0] : NULL;
	for (i = 0; i < s->nkeys; i++)
		if (s->key_ids[i] != NULL && !strcmp(s->key_ids[i], key_id))
			return s->keys[i];
	return NULL;
}

/* A first delivery of activity id to one port: say ALL once it has
 * reached every port. */
static void
act_arrived(struct sink *s, const char *id, double now)
{
	struct act *a = NULL;
	long i;

	for (i = s->nacts - 1; i >= 0 && a == NULL; i--) /* newest first */
		if (!strcmp(s->acts[i].id, id))
			a = &s->acts[i];
	if (a == NULL) {
		if (s->nacts == ACTS)
			return;
		a = &s->acts[s->nacts];
		if ((a->id = strdup(id)) == NULL)
			return;
		s->nacts++;
		a->first = now;
	}
	a->last = now;
	if (++a->ports == s->o->ports)
		printf("ALL id=%s first=%.6f last=%.6f\n", a->id, a->first,
		    a->last);
}

/* A POST to an inbox: check it as the hub would, then record it. */
static void
serve_inbox(struct sink *s, struct conn *c, const char *body, size_t len)
{
	struct head *h = &s->h;
	struct fed_req r = { "POST", h->first[1], "http", sink_header, h, body,
		len };
	struct fed_sig sig;
	struct err e = { { 0 } };
	char host[64], key[800];
	EVP_PKEY *pk = NULL;
	const char *id;
	json_t *doc;
	int rc;

	if (s->t_first == 0)
		s->t_first = wall_sec();
	snprintf(host, sizeof(host), "127.0.0.1:%d", c->port);
	if (s->nkeys == 0)
		sink_bad(s, "no key to verify with (-k)", "");
	else if (head_get(h, "Host") == NULL ||
	    strcmp(head_get(h, "Host"), host) != 0)
		sink_bad(s, "the Host is not the port asked", host);
	else if (fed_sig_parse(&r, &sig, &e) != 0 ||
	    fed_sig_check(&r, &sig, time(NULL), &e) != 0)
		sink_bad(s, "signature", e.msg);
	else if ((pk = sink_key(s, sig.key_id)) == NULL)
		sink_bad(s, "another key id", sig.key_id);
	else if (fed_sig_verify(&r, &sig, pk, &e) != 0)
		sink_bad(s, "verify", e.msg);
	else {
		doc = json_loadb(body, len, 0, NULL);
		id = json_string_value(json_object_get(doc, "id"));
		snprintf(key, sizeof(key), "%d %s", c->port, id ? id : "");
		rc = id ? seen_add(s, key) : -1;
		if (rc < 0)
			sink_bad(
			    s, "an activity without id (or too many)", body);
		else if (rc == 0)
			s->dup++;
		else {
			s->good++;
			s->per_port[c->port - s->o->port]++;
			s->t_last = wall_sec();
			act_arrived(s, id, s->t_last);
		}
		json_decref(doc); /* id points into it */
		respond(c, 202, "Accepted", "application/json", "{}", 2);
		return;
	}
	respond(c, 401, "Unauthorized", "application/json", "{}", 2);
}

/* Handle every complete request in c->in. Returns -1 to drop c. */
static int
serve_requests(struct sink *s, struct conn *c)
{
	struct head *h = &s->h;
	const char *expect;
	size_t need;
	int rc;

	while ((rc = head_parse(c->in, c->in_len, h)) == 1) {
		if (h->chunked)
			return -1; /* curl sends Content-Length */
		need = h->head_len +
		    (size_t)(h->content_length > 0 ? h->content_length : 0);
		if (need > IN_MAX)
			return -1;
		expect = head_get(h, "Expect");
		if (c->in_len < need) {
			if (expect && !c->continued &&
			    !strcasecmp(expect, "100-continue")) {
				c->continued = 1;
				conn_queue(
				    c, "HTTP/1.1 100 Continue\r\n\r\n", 25);
			}
			return 0;
		}
		c->continued = 0;
		c->close_after = h->close || !strcmp(h->first[2], "HTTP/1.0");
		s->requests++;
		if (!strcmp(h->first[0], "GET"))
			serve_actor(s, c, h->first[1]);
		else if (!strcmp(h->first[0], "POST") &&
		    (!strcmp(h->first[1], "/inbox") ||
			(strstr(h->first[1], "/inbox") != NULL)))
			serve_inbox(
			    s, c, c->in + h->head_len, need - h->head_len);
		else {
			s->other++;
			respond(
			    c, 404, "Not Found", "application/json", "{}", 2);
		}
		conn_consume(c, need);
		if (c->close_after)
			break;
	}
	return rc < 0 ? -1 : 0;
}

static void
conn_free(struct sink *s, struct conn *c)
{
	epoll_ctl(s->ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	free(c->in);
	free(c->out);
	free(c);
}

static void
sink_accept(struct sink *s, int lfd, int port)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLET };
	struct conn *c;
	int fd, one = 1;

	while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
		if ((c = calloc(1, sizeof(*c))) == NULL) {
			close(fd);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c->fd = fd;
		c->port = port;
		ev.data.ptr = c;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, fd, &ev) != 0) {
			close(fd);
			free(c);
		}
	}
}

static void
sink_event(struct sink *s, struct conn *c, unsigned ev)
{
	int r = 0;

	if (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
		r = conn_read(c);
		if (c->in_len > 0 && serve_requests(s, c) < 0)
			r = -1;
	}
	if (c->out_len > 0 && conn_flush(c) < 0)
		r = -1;
	if (r < 0 || (c->close_after && c->out_len == 0))
		conn_free(s, c);
}

static int
sink_listen(struct sink *s)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	struct epoll_event ev = { .events = EPOLLIN };
	long i;
	int one = 1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	for (i = 0; i < s->o->ports; i++) {
		sa.sin_port = htons((uint16_t)(s->o->port + i));
		if ((s->lfd[i] = socket(AF_INET, SOCK_STREAM, 0)) < 0 ||
		    setsockopt(s->lfd[i], SOL_SOCKET, SO_REUSEADDR, &one,
			sizeof(one)) != 0 ||
		    bind(s->lfd[i], (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
		    listen(s->lfd[i], 1024) != 0 ||
		    set_nonblock(s->lfd[i]) != 0) {
			fprintf(stderr,
			    "bench_fed: cannot listen on "
			    "127.0.0.1:%ld: %s\n",
			    s->o->port + i, strerror(errno));
			return -1;
		}
		/* Listening sockets are told apart from connections by a
		 * tagged pointer: the low bit set, the index above it. */
		ev.data.u64 = ((uint64_t)i << 1) | 1;
		if (epoll_ctl(s->ep, EPOLL_CTL_ADD, s->lfd[i], &ev) != 0)
			return -1;
	}
	return 0;
}

/* The signers' keys (-k) and key ids (-i, comma-separated). */
static int
sink_signers(struct sink *s)
{
	char **pems, *ids, *id, *save = NULL;
	long n = 0, i;

	if ((pems = load_pems(s->o->pub, &n)) == NULL || n == 0 ||
	    n > SIGNERS) {
		fprintf(stderr,
		    "bench_fed: no public key (or more than %d) "
		    "in %s\n",
		    SIGNERS, s->o->pub);
		return -1;
	}
	for (i = 0; i < n; i++) {
		s->keys[i] = fed_sig_public_key(pems[i]);
		free(pems[i]);
		if (s->keys[i] == NULL) {
			fprintf(stderr,
			    "bench_fed: key %ld of %s is "
			    "unreadable\n",
			    i, s->o->pub);
			return -1;
		}
	}
	free(pems);
	s->nkeys = (int)n;
	if (s->o->key_id == NULL || (ids = strdup(s->o->key_id)) == NULL)
		return 0;
	for (i = 0, id = strtok_r(ids, ",", &save); id != NULL && i < n;
	     i++, id = strtok_r(NULL, ",", &save))
		s->key_ids[i] = strdup(id);
	free(ids);
	return 0;
}

static int
sink_keys(struct sink *s)
{
	char path[4096];

	if (s->o->keys != NULL) {
		snprintf(path, sizeof(path), "%s.pub", s->o->keys);
		if ((s->pubs = load_pems(path, &s->npubs)) == NULL ||
		    s->npubs == 0 || s->o->actors <= 0) {
			fprintf(stderr, "bench_fed: no keys in %s (or no -a)\n",
			    path);
			return -1;
		}
	}
	return s->o->pub != NULL ? sink_signers(s) : 0;
}

static void
sink_report(struct sink *s, double cpu0)
{
	long i, lo = -1, hi = 0;

	for (i = 0; i < s->o->ports; i++) {
		if (lo < 0 || s->per_port[i] < lo)
			lo = s->per_port[i];
		if (s->per_port[i] > hi)
			hi = s->per_port[i];
	}
	if (s->bad > 0)
		fprintf(stderr, "bench_fed: %ld bad request(s); first: %s\n",
		    s->bad, s->first_bad);
	printf("RESULT mode=serve requests=%ld verified=%ld bad=%ld dup=%ld "
	       "gets=%ld other=%ld per_port_min=%ld per_port_max=%ld "
	       "t_first=%.6f t_done=%.6f t_last=%.6f cpu_s=%.2f\n",
	    s->requests, s->good, s->bad, s->dup, s->gets, s->other, lo, hi,
	    s->t_first, s->t_done, s->t_last, cpu_sec() - cpu0);
}

static int
mode_serve(const struct opts *o)
{
	struct sink *s = calloc(1, sizeof(*s));
	struct epoll_event evs[256];
	double deadline, cpu0 = cpu_sec();
	uint64_t tag;
	int n, k;

	if (s == NULL || o->port <= 0 || o->ports > MAX_PORTS ||
	    o->port + o->ports > 65535)
		usage();
	s->o = o;
	s->per_port = calloc((size_t)o->ports, sizeof(long));
	s->seen = calloc((size_t)1 << SEEN_BITS, sizeof(char *));
	signal(SIGTERM, on_signal);
	signal(SIGINT, on_signal);
	signal(SIGPIPE, SIG_IGN);
	if (s->per_port == NULL || s->seen == NULL || sink_keys(s) != 0 ||
	    (s->ep = epoll_create1(0)) < 0 || sink_listen(s) != 0)
		return 1;
	printf("READY ports=%ld..%ld\n", o->port, o->port + o->ports - 1);
	deadline = now_sec() + o->max_sec;
	while (!stop && now_sec() < deadline) {
		n = epoll_wait(s->ep, evs, 256, 200);
		for (k = 0; k < n; k++) {
			tag = evs[k].data.u64;
			if (tag & 1)
				sink_accept(s, s->lfd[tag >> 1],
				    (int)(o->port + (long)(tag >> 1)));
			else
				sink_event(s, evs[k].data.ptr, evs[k].events);
		}
		if (o->expect > 0 && s->good >= o->expect && !s->done_said) {
			s->t_done = s->t_last;
			s->done_said = 1;
			printf("DONE verified=%ld t_done=%.6f\n", s->good,
			    s->t_done);
		}
	}
	sink_report(s, cpu0);
	return 0;
}

/* ---- seed: a member and its remote followers ---- */

struct follower_batch {
	const struct opts *o;
	uint64_t member, group; /* group 0: none */
	const char *pem;
	long from, to;
};

/* The instance on port runs software that reads a community's posts as
 * the Announce of the Create (as a hub would say in its NodeInfo): the
 * community sends it that one form. */
static int
read_wrapped(struct st_txn *t, long port)
{
	struct st_instance in;
	char host[64];
	int rc;

	snprintf(host, sizeof(host), "127.0.0.1:%ld", port);
	if ((rc = st_instance_get(t, host, &in)) != 0 && rc != ST_NOTFOUND)
		return rc;
	in.groups = ST_GROUPS_WRAPPED;
	return st_instance_put(t, host, &in);
}

static int
followers_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct follower_batch *b = arg;
	char iri[200], inbox[240], shared[100], kid[240], name[32];
	struct st_actor a;
	long i;
	int rc;

	for (i = b->from; i < b->to; i++) {
		long port = b->o->port + i % b->o->ports;
		snprintf(iri, sizeof(iri), "http://127.0.0.1:%ld/users/f%ld",
		    port, i);
		snprintf(inbox, sizeof(inbox), "%s/inbox", iri);
		snprintf(
		    shared, sizeof(shared), "http://127.0.0.1:%ld/inbox", port);
		snprintf(kid, sizeof(kid), "%s#main-key", iri);
		snprintf(name, sizeof(name), "f%ld", i);
		memset(&a, 0, sizeof(a));
		a.kind = ST_AK_PERSON;
		a.created = a.fetched = (uint64_t)time(NULL);
		a.name = name;
		a.display_name = name;
		a.summary = (char *)"";
		a.iri = iri;
		a.pubkey_pem = (char *)b->pem;
		a.inbox = inbox;
		a.shared_inbox = shared;
		a.key_id = kid;
		if ((rc = st_actor_upsert_remote(t, &a)) != 0 ||
		    (rc = st_follow_put(
			 t, a.id, b->member, ST_FOLLOW_ACCEPTED, 0)) != 0 ||
		    (b->group != 0 &&
			(rc = st_follow_put(
			     t, a.id, b->group, ST_FOLLOW_ACCEPTED, 0)) != 0) ||
		    (b->group != 0 && (rc = read_wrapped(t, port)) != 0))
			return err_set(
				   e, "follower %ld: %s", i, st_strerror(rc)),
			       rc;
	}
	return 0;
}

/* The member's id, public key and key id (after hub_actor_create). */
static int
member_key(
    struct hub *h, const char *name, uint64_t *id, char **pem, char **key_id)
{
	struct st_actor a;
	struct st_txn *t;
	int rc;

	if ((rc = st_read_begin(h->db, &t)) != 0)
		return rc;
	if ((rc = st_name_get(t, name, id)) == 0 &&
	    (rc = st_actor_get(t, *id, &a)) == 0) {
		*pem = strdup(a.pubkey_pem);
		*key_id = strdup(a.key_id);
		st_actor_clear(&a);
	}
	st_read_end(t);
	return rc;
}

/* Follow ids[1] as ids[0], accepted. */
static int
join_apply(struct st_txn *t, void *arg, struct err *e)
{
	const uint64_t *ids = arg;
	int rc = st_follow_put(t, ids[0], ids[1], ST_FOLLOW_ACCEPTED, 0);

	return rc != 0 ? (err_set(e, "join: %s", st_strerror(rc)), rc) : 0;
}

/* The community o->group and its member o->joiner (-g, -j): the group's
 * id, public key and key id. */
static int
seed_group(struct hub *h, const struct opts *o, uint64_t *group, char **pem,
    char **key_id, struct err *e)
{
	struct hub_actor_new in = { .kind = HUB_GROUP, .no_login = 1 };
	uint64_t ids[2];
	char *jpem = NULL, *jkid = NULL;
	int rc;

	in.name = o->group;
	in.display_name = "Bench community";
	if ((rc = hub_actor_create(h, &in, NULL, 0, e)) != 0 ||
	    (rc = member_key(h, o->group, group, pem, key_id)) != 0)
		return rc;
	in.kind = HUB_PERSON;
	in.name = o->joiner;
	in.display_name = NULL;
	if ((rc = hub_actor_create(h, &in, NULL, 0, e)) != 0 ||
	    (rc = member_key(h, o->joiner, &ids[0], &jpem, &jkid)) != 0)
		return rc;
	free(jpem);
	free(jkid);
	ids[1] = *group;
	return st_write(h->db, join_apply, ids, e);
}

static int
mode_seed(const struct opts *o)
{
	struct hub_actor_new in = { .kind = HUB_PERSON, .no_login = 1 };
	struct follower_batch b = { .o = o };
	struct config cfg;
	struct hub h;
	struct err e = { { 0 } };
	char *pem = NULL, *kid = NULL, *fpriv = NULL, *fpub = NULL;
	char *gpem = NULL, *gkid = NULL;
	uint64_t count = 0, gcount = 0;
	struct st_txn *t;
	double t0 = now_sec();
	FILE *f;
	int rc;

	if (o->conf == NULL || o->name == NULL || o->followers <= 0 ||
	    o->port <= 0 || o->out == NULL ||
	    (o->group != NULL) != (o->joiner != NULL))
		usage();
	if (config_load(&cfg, o->conf, &e) < 0) {
		fprintf(stderr, "bench_fed: %s\n", e.msg);
		return 1;
	}
	log_set_level((enum log_level)cfg.log_level);
	in.name = o->name;
	if (hub_open(&h, &cfg, 1, &e) != 0 || hub_init(&h, &e) != 0 ||
	    hub_actor_create(&h, &in, NULL, 0, &e) != 0 ||
	    member_key(&h, o->name, &b.member, &pem, &kid) != 0 ||
	    (o->group != NULL &&
		seed_group(&h, o, &b.group, &gpem, &gkid, &e) != 0) ||
	    fed_key_generate(&fpriv, &fpub, &e) < 0) {
		fprintf(stderr, "bench_fed: %s\n", e.msg);
		return 1;
	}
	/* The followers never sign here: one public key serves them all. */
	b.pem = fpub;
	for (b.from = 0; b.from < o->followers; b.from = b.to) {
		b.to =
		    b.from + 500 < o->followers ? b.from + 500 : o->followers;
		if ((rc = st_write(h.db, followers_apply, &b, &e)) != 0) {
			fprintf(stderr, "bench_fed: %s\n", e.msg);
			return 1;
		}
	}
	if (st_read_begin(h.db, &t) == 0) {
		st_follow_count(t, b.member, 1, ST_FOLLOW_ACCEPTED, &count);
		if (b.group != 0)
			st_follow_count(
			    t, b.group, 1, ST_FOLLOW_ACCEPTED, &gcount);
		st_read_end(t);
	}
	if ((f = fopen(o->out, "w")) == NULL || fputs(pem, f) < 0 ||
	    (gpem != NULL && fputs(gpem, f) < 0) || fclose(f) != 0) {
		fprintf(stderr, "bench_fed: cannot write %s\n", o->out);
		return 1;
	}
	printf("RESULT mode=seed followers=%llu instances=%ld seconds=%.2f "
	       "key_id=%s",
	    (unsigned long long)count, o->ports, now_sec() - t0, kid);
	if (gkid != NULL)
		printf(" group_followers=%llu group_key_id=%s",
		    (unsigned long long)gcount, gkid);
	printf("\n");
	hub_close(&h);
	fed_secret_free(fpriv);
	free(fpub);
	free(pem);
	free(kid);
	free(gpem);
	free(gkid);
	return (long)count == o->followers &&
		(o->group == NULL || (long)gcount == o->followers + 1)
	    ? 0
	    : 1;
}

int
main(int argc, char **argv)
{
	struct opts o;
	const char *mode;

	if (argc < 2)
		usage();
	mode = argv[1];
	parse_opts(argc - 1, argv + 1, &o);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (!strcmp(mode, "keys"))
		return mode_keys(&o);
	if (!strcmp(mode, "sign"))
		return mode_sign(&o);
	if (!strcmp(mode, "blast"))
		return mode_blast(&o);
	if (!strcmp(mode, "serve"))
		return mode_serve(&o);
	if (!strcmp(mode, "seed"))
		return mode_seed(&o);
	usage();
	return 2;
}
