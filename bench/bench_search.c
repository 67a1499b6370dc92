/* bench_search.c: the full-text index (storage/st_search.c, src/search.c)
 * at scale. Built by bench/search.sh against build/libhub.a.
 *
 *   bench_search -d DIR -n NOTES [-q QUERIES] [-b BATCH] [-a AUTHORS]
 *
 * Stores NOTES posts of made-up clinical text (words drawn from a
 * vocabulary with Zipf-like frequencies; a title on 3 posts in 10; one
 * or two hashtags) through the hub's real storage path (hub_note_store:
 * the Note, its Create and the outbox entry, in batched write
 * transactions of BATCH), twice, in DIR/plain with indexing turned off
 * (st_search_enable) and in DIR/indexed with it on, and prints the time
 * per post of each and their ratio. Then, on the indexed store, it times
 * QUERIES one-word queries (common, mid and rare words, a third each)
 * and QUERIES three-word queries (three words of one random post) twice:
 * the index alone (st_search_run, up to the 1,000 newest matches) and
 * the whole search (search_run: the same, the ranking and the first page
 * of 20 results as JSON), and prints the median and p99 of each.
 * RESULT lines carry the figures for the script. Asserts nothing. */
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "hub.h"
#include "search.h"
#include "st_actor.h"
#include "st_db.h"
#include "st_object.h"
#include "st_search.h"

#define VOCAB	   20000
#define ZIPF_S	   1.0
#define MAP_SIZE   (64LL << 30)
#define HOST	   "bench.example"
#define COMMON_MAX 100	 /* ranks of common words: [0, 100) */
#define MID_LO	   1000	 /* mid: [1000, 3000) */
#define MID_HI	   3000
#define RARE_LO	   10000 /* rare: [10000, VOCAB) */

static const char *const clinical[] = { "patient", "ward", "nurse",
	"medication", "dose", "insulin", "sepsis", "fall", "handover",
	"incident", "theatre", "surgery", "infection", "hygiene", "audit",
	"pharmacy", "error", "alarm", "monitoring", "deterioration",
	"escalation", "pressure", "ulcer", "catheter", "discharge", "admission",
	"triage", "emergency", "ambulance", "delay", "diagnosis", "referral",
	"consent", "anaesthetic", "antibiotic", "allergy", "prescription",
	"chart", "observation", "oxygen", "ventilator", "infusion", "pump",
	"syringe", "checklist", "briefing", "debrief", "huddle", "staffing",
	"shift", "night", "weekend", "consultant", "registrar", "junior",
	"doctor", "midwife", "maternity", "labour", "neonatal", "paediatric",
	"child", "elderly", "dementia", "delirium", "frailty", "mental",
	"health", "community", "primary", "care", "home", "transfer",
	"communication", "learning", "review", "investigation", "harm", "risk",
	"safety", "culture", "report", "near", "miss", "never", "event",
	"wrong", "site", "retained", "swab", "tube", "feeding", "glucose",
	"hypoglycaemia", "potassium", "warfarin", "heparin", "opioid",
	"morphine", "sedation", "restraint", "fracture", "hip", "stroke",
	"cardiac", "arrest", "resuscitation", "blood", "transfusion", "sample",
	"label", "identification", "wristband", "bed", "mattress", "equipment",
	"device", "software", "record", "electronic", "system", "policy",
	"guideline", "training", "simulation", "team", "leadership", "speak",
	"concern", "family", "carer", "complaint", "outcome", "mortality",
	"morbidity", "readmission", "length", "stay", "flow", "capacity",
	"queue", "waiting", "clinic", "outpatient", "appointment", "test",
	"result", "imaging", "scan", "radiology", "pathology", "laboratory",
	"specimen", "cannula", "line", "central", "bundle", "screening", "tool",
	"score", "early", "warning", "vital", "sign" };
#define NCLINICAL (sizeof(clinical) / sizeof(*clinical))

static const char *const syll[] = { "ka", "lo", "mi", "nu", "pe", "ra", "ti",
	"vo", "de", "fu", "ga", "ho", "ji", "ke", "la", "me", "no", "pu", "ri",
	"to", "be", "ci", "do", "fa", "gu", "he", "ko", "li", "ma", "ne", "pa",
	"ro", "tu", "va", "we", "xi", "yo", "zu", "bo", "da" };
#define NSYLL 40

static const char *const tags[] = { "MedicationSafety", "FallsPrevention",
	"DeteriorationAndSepsis", "InfectionPrevention", "HumanFactors",
	"SafetyCulture", "Maternity", "MentalHealth", "Diagnosis",
	"PressureUlcers" };

static char vocab[VOCAB][16];
static double cdf[VOCAB];

static void
vocab_make(void)
{
	double sum = 0;
	int r;

	for (r = 0; r < VOCAB; r++) {
		if ((size_t)r < NCLINICAL)
			snprintf(vocab[r], sizeof(vocab[r]), "%s", clinical[r]);
		else
			snprintf(vocab[r], sizeof(vocab[r]), "%s%s%s",
			    syll[r % NSYLL], syll[(r / NSYLL) % NSYLL],
			    syll[(r / (NSYLL * NSYLL)) % NSYLL]);
		sum += 1.0 / pow(r + 1, ZIPF_S);
		cdf[r] = sum;
	}
	for (r = 0; r < VOCAB; r++)
		cdf[r] /= sum;
}

/* xorshift64*: the words of post i come from a generator seeded by i,
 * so a query can name words a given post has. */
static uint64_t
rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ULL;
}

static double
unit(uint64_t *s)
{
	return (double)(rnd(s) >> 11) / (double)(1ULL << 53);
}

static int
zipf_word(uint64_t *s)
{
	double u = unit(s);
	int lo = 0, hi = VOCAB - 1;

	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (cdf[mid] < u)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct post {
	int words[96], nwords, title[8], ntitle, tag[2], ntags;
};

static void
post_make(long i, struct post *p)
{
	uint64_t s = 0x9E3779B97F4A7C15ULL * (uint64_t)(i + 1) + 1;
	int k;

	rnd(&s);
	p->nwords = 30 + (int)(rnd(&s) % 60);
	for (k = 0; k < p->nwords; k++)
		p->words[k] = zipf_word(&s);
	p->ntitle = rnd(&s) % 10 < 3 ? 4 + (int)(rnd(&s) % 4) : 0;
	for (k = 0; k < p->ntitle; k++)
		p->title[k] = zipf_word(&s);
	p->ntags = 1 + (int)(rnd(&s) % 2);
	for (k = 0; k < p->ntags; k++)
		p->tag[k] = (int)(rnd(&s) % (sizeof(tags) / sizeof(*tags)));
}

static void
words_text(char *out, size_t cap, const int *w, int n, int html)
{
	size_t off = 0;
	int k;

	off += (size_t)snprintf(out, cap, "%s", html ? "<p>" : "");
	for (k = 0; k < n && off + 40 < cap; k++) {
		off += (size_t)snprintf(out + off, cap - off, "%s%s",
		    k ? " " : "", vocab[w[k]]);
		if (html && k % 12 == 11)
			off += (size_t)snprintf(out + off, cap - off, ".");
	}
	snprintf(out + off, cap - off, "%s", html ? "</p>" : "");
}

/* ---- seeding ---- */

struct seed {
	long from, to, authors;
};

static json_t *
note_json(long i, const char *iri, const char *author, time_t when)
{
	char body[2048], title[256], ts[32];
	struct post p;
	json_t *tg = json_array(), *note;
	int k;

	post_make(i, &p);
	words_text(body, sizeof(body), p.words, p.nwords, 1);
	for (k = 0; k < p.ntags; k++) {
		char name[64], href[128];

		snprintf(name, sizeof(name), "#%s", tags[p.tag[k]]);
		snprintf(href, sizeof(href), "https://" HOST "/tags/%s",
		    tags[p.tag[k]]);
		json_array_append_new(tg,
		    json_pack("{s:s,s:s,s:s}", "type", "Hashtag", "name", name,
			"href", href));
	}
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime(&when));
	note = json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s],s:[s],s:o}", "id", iri,
	    "type", "Note", "attributedTo", author, "content", body,
	    "published", ts, "to", "https://www.w3.org/ns/activitystreams#Public",
	    "cc", "https://" HOST "/followers", "tag", tg);
	if (p.ntitle > 0) {
		words_text(title, sizeof(title), p.title, p.ntitle, 0);
		json_object_set_new(note, "name", json_string(title));
		json_object_set_new(note, "type", json_string("Article"));
	}
	return note;
}

static int
seed_batch(struct st_txn *t, void *arg, struct err *e)
{
	struct seed *s = arg;
	char iri[160], act[180], author[120];
	time_t now = time(NULL);
	uint64_t id, aid;
	long i;
	int rc;

	for (i = s->from; i < s->to; i++) {
		struct st_obj o = { 0 };
		json_t *note;

		if ((rc = st_id_next(t, &id)) != 0 ||
		    (rc = st_id_next(t, &aid)) != 0)
			return err_set(e, "id: %s", st_strerror(rc)), rc;
		snprintf(author, sizeof(author), "https://" HOST "/users/m%ld",
		    i % s->authors);
		snprintf(iri, sizeof(iri), "%s/statuses/%llu", author,
		    (unsigned long long)id);
		snprintf(act, sizeof(act), "%s/activity", iri);
		o = (struct st_obj){ .id = id,
			.kind = ST_K_NOTE,
			.ctx = ST_CTX_AS,
			.flags = ST_OF_LOCAL,
			.vis = ST_VIS_PUBLIC,
			.owner = 1000 + (uint64_t)(i % s->authors),
			.published = (uint64_t)now,
			.parent = aid };
		note = note_json(i, iri, author, now);
		rc = st_iri_put(t, iri, id);
		if (rc == 0)
			rc = hub_note_store(t, &o, act, note, 0);
		json_decref(note);
		if (rc != 0)
			return err_set(e, "store: %s", st_strerror(rc)), rc;
	}
	return 0;
}

static int
authors_fn(struct st_txn *t, void *arg, struct err *e)
{
	long n = *(long *)arg, i;
	char name[32], iri[120];
	int rc;

	for (i = 0; i < n; i++) {
		struct st_actor a = { .id = 1000 + (uint64_t)i,
			.kind = ST_AK_PERSON,
			.flags = ST_AF_LOCAL,
			.name = name,
			.display_name = name,
			.summary = "A member",
			.iri = iri };

		snprintf(name, sizeof(name), "m%ld", i);
		snprintf(iri, sizeof(iri), "https://" HOST "/users/m%ld", i);
		if ((rc = st_actor_put(t, &a)) != 0)
			return err_set(e, "actor: %s", st_strerror(rc)), rc;
	}
	return 0;
}

static double
now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Store n posts into dir (indexed or not); the seconds the posts took. */
static double
seed(const char *dir, long n, long batch, long authors, int indexed,
    struct st_db **keep)
{
	struct st_db *db;
	struct err e;
	struct seed s = { 0, 0, authors };
	double t0, t;

	mkdir(dir, 0700);
	if (st_db_open(&db, dir, MAP_SIZE, ST_CREATE, &e) != 0 ||
	    st_write(db, authors_fn, &authors, &e) != 0) {
		fprintf(stderr, "bench_search: %s\n", e.msg);
		exit(1);
	}
	st_search_enable(db, indexed);
	t0 = now_sec();
	for (s.from = 0; s.from < n; s.from = s.to) {
		s.to = s.from + batch < n ? s.from + batch : n;
		if (st_write(db, seed_batch, &s, &e) != 0) {
			fprintf(stderr, "bench_search: %s\n", e.msg);
			exit(1);
		}
	}
	t = now_sec() - t0;
	if (keep != NULL)
		*keep = db;
	else
		st_db_close(db);
	return t;
}

/* ---- queries ---- */

static int
cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double
pct(double *v, int n, double p)
{
	int k = (int)ceil(p * n) - 1;

	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return v[k < 0 ? 0 : k >= n ? n - 1 : k];
}

/* The i-th query of a kind: one word of a band, or three of a post. */
static void
query_text(int three, int i, long notes, char *out, size_t cap)
{
	uint64_t s = 0xC0FFEEULL + (uint64_t)i * 7919 + (uint64_t)three;
	struct post p;
	int w[3], k, band;

	rnd(&s);
	if (!three) {
		band = i % 3;
		w[0] = band == 0 ? (int)(rnd(&s) % COMMON_MAX)
		    : band == 1 ? MID_LO + (int)(rnd(&s) % (MID_HI - MID_LO))
				: RARE_LO + (int)(rnd(&s) % (VOCAB - RARE_LO));
		snprintf(out, cap, "%s", vocab[w[0]]);
		return;
	}
	post_make((long)(rnd(&s) % (uint64_t)notes), &p);
	w[0] = p.words[rnd(&s) % (uint64_t)p.nwords];
	do
		w[1] = p.words[rnd(&s) % (uint64_t)p.nwords];
	while (w[1] == w[0] && p.nwords > 2);
	do
		w[2] = p.words[rnd(&s) % (uint64_t)p.nwords];
	while ((w[2] == w[0] || w[2] == w[1]) && p.nwords > 3);
	out[0] = '\0';
	for (k = 0; k < 3; k++)
		snprintf(out + strlen(out), cap - strlen(out), "%s%s",
		    k ? " " : "", vocab[w[k]]);
}

struct qterms {
	struct st_search_q q;
	char s[ST_SEARCH_Q_TERMS][ST_SEARCH_TERM_MAX + 1];
};

static int
qterm(void *ctx, const char *w, size_t n)
{
	struct qterms *t = ctx;

	if (t->q.nterms == 8)
		return 1;
	memcpy(t->s[t->q.nterms], w, n);
	t->s[t->q.nterms][n] = '\0';
	t->q.terms[t->q.nterms] = t->s[t->q.nterms];
	t->q.words |= 1u << t->q.nterms;
	t->q.nterms++;
	return 0;
}

/* Time queries of a kind: the index alone (idx) and the whole search
 * (full), in microseconds; *hits: the mean matches. */
static void
run_queries(struct hub *h, int three, int nq, long notes, double *idx,
    double *full, double *hits)
{
	struct st_search_hit *v = calloc(SEARCH_WINDOW, sizeof(*v));
	char text[200];
	const char *field;
	struct st_txn *t;
	struct err e;
	double t0, sum = 0;
	int i, n, more;

	for (i = 0; i < nq; i++) {
		struct qterms qt;
		json_t *r;

		query_text(three, i, notes, text, sizeof(text));
		memset(&qt, 0, sizeof(qt));
		qt.q.without = ST_SB_ACTOR;
		st_read_begin(h->db, &t);
		t0 = now_sec();
		st_search_words(text, strlen(text), 0, qterm, &qt);
		n = st_search_run(t, &qt.q, v, SEARCH_WINDOW, &more);
		idx[i] = (now_sec() - t0) * 1e6;
		st_read_end(t);
		sum += n > 0 ? n : 0;

		st_read_begin(h->db, &t);
		t0 = now_sec();
		r = search_run(h, NULL, t, &(struct search_req){ .q = text },
		    &field, &e);
		full[i] = (now_sec() - t0) * 1e6;
		st_read_end(t);
		if (r == NULL) {
			fprintf(stderr, "bench_search: %s\n", e.msg);
			exit(1);
		}
		json_decref(r);
	}
	*hits = sum / nq;
	free(v);
}

static void
print_queries(struct hub *h, long notes, int nq)
{
	double *idx = calloc((size_t)nq, sizeof(double)),
	       *full = calloc((size_t)nq, sizeof(double)), hits;
	int three;

	for (three = 0; three < 2; three++) {
		run_queries(h, three, nq, notes, idx, full, &hits);
		printf("  %s queries (%d): mean matches %.0f (window %d)\n",
		    three ? "three-word" : "one-word", nq, hits, SEARCH_WINDOW);
		printf("    index (st_search_run): median %.1f us, p99 %.1f us\n",
		    pct(idx, nq, 0.5), pct(idx, nq, 0.99));
		printf("    search (search_run, ranked, 20 results as JSON): "
		       "median %.1f us, p99 %.1f us\n",
		    pct(full, nq, 0.5), pct(full, nq, 0.99));
		printf("RESULT notes=%ld words=%d idx_p50_us=%.1f "
		       "idx_p99_us=%.1f full_p50_us=%.1f full_p99_us=%.1f "
		       "mean_hits=%.0f\n",
		    notes, three ? 3 : 1, pct(idx, nq, 0.5), pct(idx, nq, 0.99),
		    pct(full, nq, 0.5), pct(full, nq, 0.99), hits);
	}
	free(idx);
	free(full);
}

static long
file_size(const char *dir)
{
	char path[600];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	return stat(path, &sb) == 0 ? (long)sb.st_size : 0;
}

static void
entries(void *ctx, const char *name, size_t n)
{
	if (!strncmp(name, "search_", 7) || !strcmp(name, "objects"))
		printf("    %s: %zu entries\n", name, n);
	(void)ctx;
}

int
main(int argc, char **argv)
{
	const char *dir = NULL;
	long notes = 0, batch = 1000, authors = 1000;
	int nq = 1000, c;
	char plain[512], indexed[512];
	double tp, ti;
	struct config *cfg = calloc(1, sizeof(*cfg));
	struct hub h = { 0 };

	while ((c = getopt(argc, argv, "d:n:q:b:a:")) != -1) {
		switch (c) {
		case 'd': dir = optarg; break;
		case 'n': notes = atol(optarg); break;
		case 'q': nq = atoi(optarg); break;
		case 'b': batch = atol(optarg); break;
		case 'a': authors = atol(optarg); break;
		default: goto usage;
		}
	}
	if (dir == NULL || notes <= 0 || nq <= 0 || batch <= 0 || authors <= 0)
		goto usage;
	vocab_make();
	snprintf(plain, sizeof(plain), "%s/plain", dir);
	snprintf(indexed, sizeof(indexed), "%s/indexed", dir);
	printf("== %ld posts, batches of %ld, %ld authors\n", notes, batch,
	    authors);
	tp = seed(plain, notes, batch, authors, 0, NULL);
	printf("  store without the index: %.2f s, %.1f us per post\n", tp,
	    tp * 1e6 / notes);
	ti = seed(indexed, notes, batch, authors, 1, &h.db);
	printf("  store with the index:    %.2f s, %.1f us per post\n", ti,
	    ti * 1e6 / notes);
	printf("  indexing cost: (store + index) / store = %.2f\n", ti / tp);
	printf("  data.mdb: %.0f MiB without, %.0f MiB with the index\n",
	    file_size(plain) / 1048576.0, file_size(indexed) / 1048576.0);
	st_db_stat(h.db, entries, NULL);
	printf("RESULT notes=%ld plain_us=%.1f indexed_us=%.1f ratio=%.2f\n",
	    notes, tp * 1e6 / notes, ti * 1e6 / notes, ti / tp);
	snprintf(cfg->host, sizeof(cfg->host), "%s", HOST);
	h.cfg = cfg;
	print_queries(&h, notes, nq);
	st_db_close(h.db);
	free(cfg);
	return 0;
usage:
	fprintf(stderr, "usage: bench_search -d DIR -n NOTES [-q QUERIES] "
			"[-b BATCH] [-a AUTHORS]\n");
	return 2;
}
