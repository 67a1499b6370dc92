/* fed_sig.h: HTTP Signatures. Outbound requests are signed with
 * draft-cavage-http-signatures-12 (what every Fediverse server verifies);
 * inbound ones are verified in either draft-cavage (rsa-sha256, hs2019) or
 * RFC 9421 form (Signature-Input/Signature; rsa-v1_5-sha256, rsa-pss-sha512,
 * ed25519), with Digest (RFC 3230) or Content-Digest (RFC 9530).
 *
 * Verification has three steps, cheapest first (DESIGN rule 4):
 * fed_sig_parse() reads the headers, fed_sig_check() applies the policy
 * (what must be covered, the time window, the body digest) and
 * fed_sig_verify() checks the signature with the key of s->key_id. */
#ifndef HUB_FED_SIG_H
#define HUB_FED_SIG_H

#include <stddef.h>
#include <time.h>

#include <openssl/evp.h>

struct buf;
struct err;

#define FED_SIG_HEADER_MAX 8192 /* bytes of a signature header we read */
#define FED_SIG_COMP_MAX   24	/* covered components */
#define FED_SIG_PAST	   (65 * 60) /* how old a Date may be (Mastodon) */
#define FED_SIG_FUTURE	   (60 * 60) /* how far ahead of our clock */
#define FED_SIG_MIN_RSA	   2048	     /* bits */

enum fed_sig_scheme { FED_SIG_CAVAGE = 1, FED_SIG_RFC9421 = 2 };

/* A parsed signature. Component names are lowercase: header names,
 * "(request-target)", "(created)", "(expires)" (cavage) or "@method",
 * "@target-uri", ... (RFC 9421). */
struct fed_sig {
	int scheme;
	char key_id[512];
	char alg[32];		/* lowercase, "" when not given */
	char label[64];		/* RFC 9421 signature label */
	int ncomp;
	char comp[FED_SIG_COMP_MAX][64];
	long long created, expires; /* -1 when not given */
	unsigned char sig[1024];
	size_t sig_len;
	char params[2048];	/* RFC 9421: the @signature-params value */
};

/* The request as received. header() looks a field up by name without
 * case and returns its value or NULL. */
struct fed_req {
	const char *method;	/* "POST" */
	const char *target;	/* path and query as sent: "/inbox?x=1" */
	const char *scheme;	/* "https", for @target-uri */
	const char *(*header)(void *ctx, const char *name);
	void *ctx;
	const void *body;
	size_t body_len;
};

/* Read the request's signature: RFC 9421 when Signature-Input is
 * present, else draft-cavage from Signature (or Authorization: Signature).
 * Returns 0, or -1 with e saying what is wrong (unsigned, malformed,
 * unsupported). */
int fed_sig_parse(const struct fed_req *r, struct fed_sig *s, struct err *e);

/* The policy: the request target, the method and (for GET) the host are
 * covered; a Date or created within FED_SIG_PAST/FUTURE of now and not
 * expired; for requests with a body, a covered Digest or Content-Digest
 * that matches the body. Returns 0 or -1 with e set. */
int fed_sig_check(const struct fed_req *r, const struct fed_sig *s,
    time_t now, struct err *e);

/* Check s against key (RSA of at least FED_SIG_MIN_RSA bits, or
 * Ed25519). Returns 0 when the signature is valid, -1 with e set. */
int fed_sig_verify(const struct fed_req *r, const struct fed_sig *s,
    EVP_PKEY *key, struct err *e);

/* The string signed (cavage) or the signature base (RFC 9421) of s over r,
 * appended to out. Returns 0 or -1 (a covered field is missing). */
int fed_sig_base(const struct fed_req *r, const struct fed_sig *s,
    struct buf *out, struct err *e);

/* What to sign on an outbound request (draft-cavage rsa-sha256). POSTs
 * cover "(request-target) host date digest content-type", GETs
 * "(request-target) host date accept". */
struct fed_sign {
	const char *method;	/* "POST" or "GET" */
	const char *target;	/* path and query */
	const char *host;	/* the Host header sent */
	const char *date;	/* the Date header sent (fed_sig_http_date) */
	const char *digest;	/* POST: the Digest header sent */
	const char *content_type; /* POST */
	const char *accept;	/* GET */
	const char *key_id;	/* "<actor>#main-key" */
	EVP_PKEY *key;		/* the actor's private key */
};

/* The Signature header value for in (malloc'd), or NULL with e set. */
char *fed_sig_sign(const struct fed_sign *in, struct err *e);

/* "SHA-256=<base64>" of body into out (cap >= 64). */
void fed_sig_digest(const void *body, size_t len, char *out, size_t cap);
/* An IMF-fixdate ("Tue, 20 Apr 2021 02:07:55 GMT") into out (cap >= 32). */
void fed_sig_http_date(time_t t, char *out, size_t cap);
/* Parse an IMF-fixdate; -1 when malformed. */
time_t fed_sig_parse_date(const char *s);

/* Keys from PEM (SubjectPublicKeyInfo, PKCS#1 or PKCS#8); NULL when the
 * text is not a key. Free with EVP_PKEY_free. */
EVP_PKEY *fed_sig_public_key(const char *pem);
EVP_PKEY *fed_sig_private_key(const char *pem);

#endif
