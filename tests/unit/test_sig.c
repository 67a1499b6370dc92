/* HTTP Signatures: published vectors (draft-cavage-12 appendix C; RFC 9421
 * test-key-ed25519 as signed by curl), round trips and tampering. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "err.h"
#include "fed_key.h"
#include "fed_sig.h"
#include "tap.h"

struct hdrs {
	const char *name[12];
	const char *value[12];
	int n;
};

static const char *
lookup(void *ctx, const char *name)
{
	struct hdrs *h = ctx;
	int i;

	for (i = 0; i < h->n; i++)
		if (!strcasecmp(h->name[i], name))
			return h->value[i];
	return NULL;
}

static void
set(struct hdrs *h, const char *name, const char *value)
{
	int i;

	for (i = 0; i < h->n; i++)
		if (!strcasecmp(h->name[i], name)) {
			h->value[i] = value;
			return;
		}
	h->name[h->n] = name;
	h->value[h->n++] = value;
}

/* draft-cavage-http-signatures-12, appendix C (a 1024-bit test key). */
static const char draft_priv[] =
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "MIICXgIBAAKBgQDCFENGw33yGihy92pDjZQhl0C36rPJj+CvfSC8+q28hxA161QF\n"
    "NUd13wuCTUcq0Qd2qsBe/2hFyc2DCJJg0h1L78+6Z4UMR7EOcpfdUE9Hf3m/hs+F\n"
    "UR45uBJeDK1HSFHD8bHKD6kv8FPGfJTotc+2xjJwoYi+1hqp1fIekaxsyQIDAQAB\n"
    "AoGBAJR8ZkCUvx5kzv+utdl7T5MnordT1TvoXXJGXK7ZZ+UuvMNUCdN2QPc4sBiA\n"
    "QWvLw1cSKt5DsKZ8UETpYPy8pPYnnDEz2dDYiaew9+xEpubyeW2oH4Zx71wqBtOK\n"
    "kqwrXa/pzdpiucRRjk6vE6YY7EBBs/g7uanVpGibOVAEsqH1AkEA7DkjVH28WDUg\n"
    "f1nqvfn2Kj6CT7nIcE3jGJsZZ7zlZmBmHFDONMLUrXR/Zm3pR5m0tCmBqa5RK95u\n"
    "412jt1dPIwJBANJT3v8pnkth48bQo/fKel6uEYyboRtA5/uHuHkZ6FQF7OUkGogc\n"
    "mSJluOdc5t6hI1VsLn0QZEjQZMEOWr+wKSMCQQCC4kXJEsHAve77oP6HtG/IiEn7\n"
    "kpyUXRNvFsDE0czpJJBvL/aRFUJxuRK91jhjC68sA7NsKMGg5OXb5I5Jj36xAkEA\n"
    "gIT7aFOYBFwGgQAQkWNKLvySgKbAZRTeLBacpHMuQdl1DfdntvAyqpAZ0lY0RKmW\n"
    "G6aFKaqQfOXKCyWoUiVknQJAXrlgySFci/2ueKlIE1QqIiLSZ8V8OlpFLRnb1pzI\n"
    "7U1yQXnTAEFYM560yJlzUpOb1V4cScGd365tiSMvxLOvTA==\n"
    "-----END RSA PRIVATE KEY-----\n";
static const char draft_basic[] =
    "qdx+H7PHHDZgy4y/Ahn9Tny9V3GP6YgBPyUXMmoxWtLbHpUnXS2mg2+SbrQDMCJypx"
    "BLSPQR2aAjn7ndmw2iicw3HMbe8VfEdKFYRqzic+efkb3nndiv/x1xSHDJWeSWkx3B"
    "utlYSuBskLu6kd9Fswtemr3lgdDEmn04swr2Os0=";
static const char draft_all[] =
    "vSdrb+dS3EceC9bcwHSo4MlyKS59iFIrhgYkz8+oVLEEzmYZZvRs8rgOp+63LEM3v+"
    "MFHB32NfpB2bEKBIvB1q52LaEUHFv120V01IL+TAD48XaERZFukWgHoBTLMhYS2Gb5"
    "1gWxpeIq8knRmPnYePbF5MOkR0Zkly4zKH7s1dE=";

static const char body[] = "{\"hello\": \"world\"}";

static char *
sign_raw(EVP_PKEY *k, const EVP_MD *md, const char *data, size_t len)
{
	unsigned char sig[1024];
	size_t sl = sizeof(sig);
	char *out = malloc(1400);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();

	EVP_DigestSignInit(ctx, NULL, md, NULL, k);
	EVP_DigestSign(ctx, sig, &sl, (const unsigned char *)data, len);
	EVP_MD_CTX_free(ctx);
	EVP_EncodeBlock((unsigned char *)out, sig, (int)sl);
	return out;
}

static void
draft_vectors(void)
{
	struct hdrs h = { .n = 0 };
	struct fed_req r = { "POST", "/foo?param=value&pet=dog", "https",
		lookup, &h, body, sizeof(body) - 1 };
	EVP_PKEY *k = fed_sig_private_key(draft_priv);
	char digest[64], hv[600], *sig;
	struct fed_sig s;
	struct err e = { { 0 } };
	struct buf b;

	fed_sig_digest(body, sizeof(body) - 1, digest, sizeof(digest));
	ok(!strcmp(digest, "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9D"
			   "BPE="),
	    "Digest of the draft's body");
	set(&h, "Host", "example.com");
	set(&h, "Date", "Sun, 05 Jan 2014 21:31:40 GMT");
	set(&h, "Content-Type", "application/json");
	set(&h, "Digest", digest);
	set(&h, "Content-Length", "18");
	snprintf(hv, sizeof(hv), "keyId=\"Test\",algorithm=\"rsa-sha256\","
	    "headers=\"(request-target) host date\",signature=\"%s\"",
	    draft_basic);
	set(&h, "Signature", hv);
	ok(fed_sig_parse(&r, &s, &e) == 0 && s.ncomp == 3 &&
		!strcmp(s.key_id, "Test"),
	    "draft basic test parses");
	buf_init(&b, 0);
	fed_sig_base(&r, &s, &b, &e);
	ok(!strcmp(b.data, "(request-target): post /foo?param=value&pet=dog\n"
			   "host: example.com\n"
			   "date: Sun, 05 Jan 2014 21:31:40 GMT"),
	    "draft basic signing string");
	sig = sign_raw(k, EVP_sha256(), b.data, b.len);
	ok(!strcmp(sig, draft_basic), "draft basic signature reproduced");
	free(sig);
	buf_free(&b);
	ok(fed_sig_verify(&r, &s, k, &e) < 0 && strstr(e.msg, "2048"),
	    "a 1024-bit key is refused: %s", e.msg);
	snprintf(hv, sizeof(hv), "keyId=\"Test\",algorithm=\"rsa-sha256\","
	    "headers=\"(request-target) host date content-type digest "
	    "content-length\",signature=\"%s\"", draft_all);
	set(&h, "Signature", hv);
	buf_init(&b, 0);
	ok(fed_sig_parse(&r, &s, &e) == 0 && fed_sig_base(&r, &s, &b, &e) ==
		0, "draft all-headers test parses");
	sig = sign_raw(k, EVP_sha256(), b.data, b.len);
	ok(!strcmp(sig, draft_all), "draft all-headers signature reproduced");
	free(sig);
	buf_free(&b);
	EVP_PKEY_free(k);
}

/* RFC 9421 test-key-ed25519 (appendix B.1.4); curl's tests/data/test5004
 * signs a POST to /5004/foo with it. */
static const unsigned char ed_seed[32] = { 0x9f, 0x83, 0x62, 0xf8, 0x7a,
	0x48, 0x4a, 0x95, 0x4e, 0x6e, 0x74, 0x0c, 0x5b, 0x4c, 0x0e, 0x84,
	0x22, 0x91, 0x39, 0xa2, 0x0a, 0xa8, 0xab, 0x56, 0xff, 0x66, 0x58,
	0x6f, 0x6a, 0x7d, 0x29, 0xc5 };

static void
rfc9421_vectors(void)
{
	struct hdrs h = { .n = 0 };
	struct fed_req r = { "POST", "/5004/foo", "http", lookup, &h, body,
		sizeof(body) - 1 };
	EVP_PKEY *k = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, NULL,
	    ed_seed, sizeof(ed_seed));
	struct fed_sig s;
	struct err e = { { 0 } };
	struct buf b;

	set(&h, "Host", "example.com");
	set(&h, "Date", "Tue, 20 Apr 2021 02:07:55 GMT");
	set(&h, "Content-Type", "application/json");
	set(&h, "Content-Length", "18");
	set(&h, "Signature-Input", "sig1=(\"date\" \"@method\" \"@path\" "
	    "\"@authority\" \"content-type\" \"content-length\");created="
	    "1618884473;keyid=\"test-key-ed25519\";alg=\"ed25519\"");
	set(&h, "Signature", "sig1=:6QriGerNuao/A02UMre01lQOwlVQ0L9Cx3WJPQonQ"
	    "pUdKxSNg/XXXqjKdcC9PELzmAKJ10loLIq10yYLTzmzCA==:");
	ok(fed_sig_parse(&r, &s, &e) == 0 && s.scheme == FED_SIG_RFC9421 &&
		s.ncomp == 6 && s.created == 1618884473 &&
		!strcmp(s.key_id, "test-key-ed25519"),
	    "RFC 9421 Signature-Input parses");
	buf_init(&b, 0);
	fed_sig_base(&r, &s, &b, &e);
	ok(b.data && !strcmp(b.data,
	    "\"date\": Tue, 20 Apr 2021 02:07:55 GMT\n"
	    "\"@method\": POST\n"
	    "\"@path\": /5004/foo\n"
	    "\"@authority\": example.com\n"
	    "\"content-type\": application/json\n"
	    "\"content-length\": 18\n"
	    "\"@signature-params\": (\"date\" \"@method\" \"@path\" "
	    "\"@authority\" \"content-type\" \"content-length\");created="
	    "1618884473;keyid=\"test-key-ed25519\";alg=\"ed25519\""),
	    "RFC 9421 signature base");
	buf_free(&b);
	ok(fed_sig_verify(&r, &s, k, &e) == 0,
	    "curl's Ed25519 signature verifies (%s)", e.msg);
	set(&h, "Content-Length", "19");
	ok(fed_sig_verify(&r, &s, k, &e) < 0, "a changed covered header fails");
	set(&h, "Content-Length", "18");
	r.target = "/5004/bar";
	ok(fed_sig_verify(&r, &s, k, &e) < 0, "a changed path fails");
	EVP_PKEY_free(k);
}

struct pair {
	EVP_PKEY *priv, *pub, *other;
};

static void
make_keys(struct pair *p)
{
	char *priv, *pub, *priv2, *pub2;
	struct err e = { { 0 } };

	fed_key_generate(&priv, &pub, &e);
	fed_key_generate(&priv2, &pub2, &e);
	p->priv = fed_sig_private_key(priv);
	p->pub = fed_sig_public_key(pub);
	p->other = fed_sig_public_key(pub2);
	fed_secret_free(priv);
	fed_secret_free(priv2);
	free(pub);
	free(pub2);
}

/* A signed POST as hubs send it, with date d. */
static char *
signed_post(struct pair *k, struct hdrs *h, char *date, char *digest,
    const char *b)
{
	struct fed_sign in = { "POST", "/users/alice/inbox", "hub.example",
		date, digest, "application/activity+json", NULL,
		"https://other.example/users/bob#main-key", k->priv };
	struct err e = { { 0 } };
	char *sig;

	fed_sig_digest(b, strlen(b), digest, 64);
	sig = fed_sig_sign(&in, &e);
	h->n = 0;
	set(h, "Host", "hub.example");
	set(h, "Date", date);
	set(h, "Digest", digest);
	set(h, "Content-Type", "application/activity+json");
	set(h, "Signature", sig);
	return sig;
}

static int
accepts(struct fed_req *r, EVP_PKEY *key, time_t now, struct err *e)
{
	struct fed_sig s;

	return fed_sig_parse(r, &s, e) == 0 && fed_sig_check(r, &s, now, e) ==
		   0 && fed_sig_verify(r, &s, key, e) == 0;
}

static void
cavage_round_trip(struct pair *k)
{
	const char *act = "{\"type\":\"Follow\"}";
	struct hdrs h = { .n = 0 };
	struct fed_req r = { "POST", "/users/alice/inbox", "https", lookup, &h,
		act, strlen(act) };
	time_t now = time(NULL);
	char date[32], old[32], digest[64], *sig, bad[2000];
	struct err e = { { 0 } };

	fed_sig_http_date(now, date, sizeof(date));
	ok(fed_sig_parse_date(date) == now, "HTTP date round trip (%s)", date);
	ok(fed_sig_parse_date("Sun, 05 Jan 2014 21:31:40 UTC") == -1 &&
		fed_sig_parse_date("garbage") == -1,
	    "malformed dates refused");
	sig = signed_post(k, &h, date, digest, act);
	ok(sig && strstr(sig, "headers=\"(request-target) host date digest "
			      "content-type\""),
	    "we sign (request-target) host date digest content-type");
	ok(accepts(&r, k->pub, now, &e), "our POST signature verifies (%s)",
	    e.msg);
	ok(!accepts(&r, k->other, now, &e), "not with another key");
	r.body = "{\"type\":\"Fellow\"}"; /* same length, other bytes */
	ok(!accepts(&r, k->pub, now, &e) && strstr(e.msg, "Digest"),
	    "tampered body: %s", e.msg);
	r.body = act;
	set(&h, "Date", "Sun, 05 Jan 2014 21:31:40 GMT");
	ok(!accepts(&r, k->pub, now, &e), "tampered Date: %s", e.msg);
	set(&h, "Date", date);
	r.target = "/users/carol/inbox";
	ok(!accepts(&r, k->pub, now, &e), "replayed to another inbox: %s",
	    e.msg);
	r.target = "/users/alice/inbox";
	ok(!accepts(&r, k->pub, now + 2 * 3600, &e) && strstr(e.msg, "hour"),
	    "a Date two hours old: %s", e.msg);
	ok(!accepts(&r, k->pub, now - 2 * 3600, &e),
	    "a Date two hours ahead");
	free(sig);
	fed_sig_http_date(now - 3 * 3600, old, sizeof(old));
	sig = signed_post(k, &h, old, digest, act);
	ok(!accepts(&r, k->pub, now, &e), "a replayed old request");
	free(sig);
	sig = signed_post(k, &h, date, digest, act);
	snprintf(bad, sizeof(bad), "%s", sig);
	memcpy(strstr(bad, "rsa-sha256"), "rsa-sha512", 10);
	set(&h, "Signature", bad);
	ok(!accepts(&r, k->pub, now, &e) && strstr(e.msg, "algorithm"),
	    "an algorithm we do not take: %s", e.msg);
	snprintf(bad, sizeof(bad), "keyId=\"a\",algorithm=\"hs2019\",%s",
	    strstr(sig, "headers="));
	set(&h, "Signature", bad);
	ok(accepts(&r, k->pub, now, &e), "hs2019 with an RSA key (%s)", e.msg);
	snprintf(bad, sizeof(bad), "keyId=\"a\",headers=\"(request-target) "
	    "host date content-type\",signature=\"%s",
	    strstr(sig, "signature=\"") + 11);
	set(&h, "Signature", bad);
	ok(!accepts(&r, k->pub, now, &e) && strstr(e.msg, "Digest"),
	    "a POST without a signed Digest: %s", e.msg);
	snprintf(bad, sizeof(bad), "keyId=\"a\",headers=\"host date digest\","
	    "signature=\"%s", strstr(sig, "signature=\"") + 11);
	set(&h, "Signature", bad);
	ok(!accepts(&r, k->pub, now, &e) && strstr(e.msg, "request-target"),
	    "without (request-target): %s", e.msg);
	free(sig);
}

static void
cavage_get(struct pair *k)
{
	struct hdrs h = { .n = 0 };
	struct fed_req r = { "GET", "/users/alice", "https", lookup, &h, NULL,
		0 };
	char date[32], *sig;
	time_t now = time(NULL);
	struct fed_sign in = { "GET", "/users/alice", "hub.example", date,
		NULL, NULL, "application/activity+json",
		"https://hub.example/actor#main-key", k->priv };
	struct err e = { { 0 } };

	fed_sig_http_date(now, date, sizeof(date));
	sig = fed_sig_sign(&in, &e);
	set(&h, "Host", "hub.example");
	set(&h, "Date", date);
	set(&h, "Accept", "application/activity+json");
	set(&h, "Signature", sig);
	ok(sig && strstr(sig, "(request-target) host date accept") &&
		accepts(&r, k->pub, now, &e),
	    "our signed GET verifies (%s)", e.msg);
	set(&h, "Host", "evil.example");
	ok(!accepts(&r, k->pub, now, &e), "with another Host it fails");
	free(sig);
}

/* An RFC 9421 POST signed here with rsa-v1_5-sha256. */
static void
rfc9421_round_trip(struct pair *k)
{
	const char *act = "{\"type\":\"Create\"}";
	struct hdrs h = { .n = 0 };
	struct fed_req r = { "POST", "/inbox", "https", lookup, &h, act,
		strlen(act) };
	time_t now = time(NULL);
	char input[400], sigh[800], cd[100], *sig;
	unsigned char md[32];
	unsigned mdl;
	struct fed_sig s;
	struct err e = { { 0 } };
	struct buf b;

	EVP_Digest(act, strlen(act), md, &mdl, EVP_sha256(), NULL);
	strcpy(cd, "sha-256=:");
	EVP_EncodeBlock((unsigned char *)cd + 9, md, 32);
	strcat(cd, ":");
	set(&h, "Host", "hub.example");
	set(&h, "Content-Digest", cd);
	snprintf(input, sizeof(input), "sig1=(\"@method\" \"@target-uri\" "
	    "\"content-digest\");created=%lld;keyid=\"https://o.example/u#k\""
	    ";alg=\"rsa-v1_5-sha256\"", (long long)now);
	set(&h, "Signature-Input", input);
	set(&h, "Signature", "sig1=:AAAA:");
	fed_sig_parse(&r, &s, &e);
	buf_init(&b, 0);
	fed_sig_base(&r, &s, &b, &e);
	ok(strstr(b.data, "\"@target-uri\": https://hub.example/inbox\n") !=
		NULL, "@target-uri from scheme, Host and target");
	sig = sign_raw(k->priv, EVP_sha256(), b.data, b.len);
	buf_free(&b);
	snprintf(sigh, sizeof(sigh), "other=:AAAA:, sig1=:%s:", sig);
	free(sig);
	set(&h, "Signature", sigh);
	ok(accepts(&r, k->pub, now, &e), "an RFC 9421 rsa-v1_5-sha256 POST "
					 "verifies (%s)", e.msg);
	r.body = "{}";
	r.body_len = 2;
	ok(!accepts(&r, k->pub, now, &e) && strstr(e.msg, "Content-Digest"),
	    "tampered body: %s", e.msg);
	r.body = act;
	r.body_len = strlen(act);
	ok(!accepts(&r, k->pub, now + 7200, &e), "created two hours ago");
	snprintf(input, sizeof(input), "sig1=(\"@method\" \"@target-uri\");"
	    "created=%lld;keyid=\"k\"", (long long)now);
	set(&h, "Signature-Input", input);
	ok(!accepts(&r, k->pub, now, &e) && strstr(e.msg, "Content-Digest"),
	    "a POST without Content-Digest covered: %s", e.msg);
}

static void
malformed(void)
{
	static const char *const cases[] = {
		"",
		"keyId=\"a\"",
		"signature=\"AAAA\"",
		"keyId=\"a\",signature=\"not base64!\"",
		"keyId=\"a\",keyId=\"b\",signature=\"AAAA\"",
		"keyId=\"a,signature=\"AAAA\"",
		"keyId=a\"b\",signature=\"AAAA\"",
		"=\"x\"",
		"keyId=\"a\",signature=\"AAAA\",created=\"-5\"",
		"keyId=\"\",signature=\"AAAA\"",
		NULL,
	};
	struct hdrs h = { .n = 0 };
	struct fed_req r = { "GET", "/", "https", lookup, &h, NULL, 0 };
	struct fed_sig s;
	struct err e = { { 0 } };
	char big[FED_SIG_HEADER_MAX + 10];
	int i, all = 1;

	ok(fed_sig_parse(&r, &s, &e) < 0 && strstr(e.msg, "not signed"),
	    "an unsigned request: %s", e.msg);
	for (i = 0; cases[i] != NULL; i++) {
		set(&h, "Signature", cases[i]);
		if (fed_sig_parse(&r, &s, &e) == 0) {
			all = 0;
			printf("# accepted: %s\n", cases[i]);
		}
	}
	ok(all, "malformed Signature headers refused");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	set(&h, "Signature", big);
	ok(fed_sig_parse(&r, &s, &e) < 0 && strstr(e.msg, "too long"),
	    "an oversized header");
	h.n = 0;
	set(&h, "Signature", "sig1=:AAAA:");
	set(&h, "Signature-Input", "sig1=(\"@method\";req);keyid=\"k\"");
	ok(fed_sig_parse(&r, &s, &e) < 0, "component parameters refused");
	set(&h, "Signature-Input", "sig1=(\"@method\" \"@path\";keyid=\"k\"");
	ok(fed_sig_parse(&r, &s, &e) < 0, "unterminated inner list");
	set(&h, "Signature-Input", "sig2=(\"@method\");keyid=\"k\"");
	ok(fed_sig_parse(&r, &s, &e) < 0 && strstr(e.msg, "label"),
	    "no Signature for the label: %s", e.msg);
}

int
main(void)
{
	struct pair k;

	draft_vectors();
	rfc9421_vectors();
	make_keys(&k);
	cavage_round_trip(&k);
	cavage_get(&k);
	rfc9421_round_trip(&k);
	malformed();
	EVP_PKEY_free(k.priv);
	EVP_PKEY_free(k.pub);
	EVP_PKEY_free(k.other);
	return done_testing();
}
