#include "fed_sig.h"

#include <ctype.h>
#include <openssl/bio.h>
#include <openssl/decoder.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "err.h"

/* ---- base64 (RFC 4648, standard alphabet, padded) ---- */

static size_t
b64_encode(const unsigned char *in, size_t len, char *out, size_t cap)
{
	if (cap < 4 * ((len + 2) / 3) + 1)
		return 0;
	return (size_t)EVP_EncodeBlock((unsigned char *)out, in, (int)len);
}

/* Decode n characters of in; returns the byte count or -1. */
static long
b64_decode(const char *in, size_t n, unsigned char *out, size_t cap)
{
	size_t i, pad = 0;
	int got;

	if (n == 0 || n % 4 != 0 || n / 4 * 3 > cap)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)in[i];
		if (c == '=' && i >= n - 2) {
			pad++;
			continue;
		}
		if (pad > 0 || !(isalnum(c) || c == '+' || c == '/'))
			return -1;
	}
	got = EVP_DecodeBlock(out, (const unsigned char *)in, (int)n);
	if (got < 0)
		return -1;
	return got - (long)pad;
}

/* ---- draft-cavage: Signature: keyId="..",algorithm="..",... ---- */

static int
copy_to(char *dst, size_t cap, const char *s, size_t n)
{
	if (n >= cap)
		return -1;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return 0;
}

/* Split a space-separated header list into s->comp. */
static int
cavage_headers(struct fed_sig *s, const char *v, size_t n, struct err *e)
{
	size_t i = 0, start, k;

	while (i < n) {
		while (i < n && v[i] == ' ')
			i++;
		if (i == n)
			break;
		for (start = i; i < n && v[i] != ' '; i++)
			;
		if (s->ncomp == FED_SIG_COMP_MAX ||
		    copy_to(s->comp[s->ncomp], sizeof(s->comp[0]), v + start,
			i - start) < 0)
			return err_set(e, "the signature covers too many "
					  "headers or too long a name");
		for (k = 0; s->comp[s->ncomp][k]; k++)
			s->comp[s->ncomp][k] = (char)tolower(
			    (unsigned char)s->comp[s->ncomp][k]);
		s->ncomp++;
	}
	return s->ncomp > 0 ? 0 : err_set(e, "the signature covers nothing");
}

static int
cavage_number(const char *v, size_t n, long long *out)
{
	char tmp[24], *end;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	*out = strtoll(tmp, &end, 10);
	return *end == '\0' && *out >= 0 ? 0 : -1;
}

/* One name=value pair. seen: a bit per known name, for duplicates. */
static int
cavage_param(struct fed_sig *s, const char *name, size_t nl, const char *v,
    size_t vl, unsigned *seen, struct err *e)
{
	static const char *const names[] = { "keyId", "algorithm", "headers",
		"signature", "created", "expires" };
	long sl;
	size_t i;

	for (i = 0; i < 6; i++)
		if (strlen(names[i]) == nl && !strncmp(names[i], name, nl))
			break;
	if (i == 6)
		return 0; /* unknown parameters are ignored (draft 2.1) */
	if (*seen & (1u << i))
		return err_set(e, "the signature gives %s twice", names[i]);
	*seen |= 1u << i;
	switch (i) {
	case 0:
		if (vl == 0 || copy_to(s->key_id, sizeof(s->key_id), v, vl))
			return err_set(e, "the keyId is empty or too long");
		return 0;
	case 1:
		if (copy_to(s->alg, sizeof(s->alg), v, vl) < 0)
			return err_set(e, "the algorithm name is too long");
		for (i = 0; s->alg[i]; i++)
			s->alg[i] = (char)tolower((unsigned char)s->alg[i]);
		return 0;
	case 2: return cavage_headers(s, v, vl, e);
	case 3:
		if ((sl = b64_decode(v, vl, s->sig, sizeof(s->sig))) <= 0)
			return err_set(e, "the signature is not base64");
		s->sig_len = (size_t)sl;
		return 0;
	case 4:
		return cavage_number(v, vl, &s->created) < 0 ?
			   err_set(e, "created is not a number") : 0;
	default:
		return cavage_number(v, vl, &s->expires) < 0 ?
			   err_set(e, "expires is not a number") : 0;
	}
}

static int
cavage_parse(const char *h, struct fed_sig *s, struct err *e)
{
	const char *p = h, *name, *v;
	unsigned seen = 0;
	size_t nl, vl;

	while (*p) {
		while (*p == ' ' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		for (name = p; isalnum((unsigned char)*p) || *p == '-'; p++)
			;
		nl = (size_t)(p - name);
		if (nl == 0 || *p++ != '=')
			return err_set(e, "the Signature header is malformed "
					  "(expected name=\"value\")");
		if (*p == '"') {
			for (v = ++p; *p && *p != '"'; p++)
				;
			if (*p != '"')
				return err_set(e, "the Signature header has an "
						  "unterminated string");
			vl = (size_t)(p++ - v);
		} else { /* bare: only the numbers created and expires */
			for (v = p; isdigit((unsigned char)*p); p++)
				;
			vl = (size_t)(p - v);
			if (vl == 0)
				return err_set(e, "the Signature header has "
						  "an unquoted value");
		}
		if (cavage_param(s, name, nl, v, vl, &seen, e) < 0)
			return -1;
		if (*p != '\0' && *p != ',' && *p != ' ')
			return err_set(e, "the Signature header is malformed");
	}
	if (s->key_id[0] == '\0' || s->sig_len == 0)
		return err_set(e, "the Signature header needs keyId and "
				  "signature");
	if (!(seen & 4u)) { /* Mastodon's default: only the date */
		strcpy(s->comp[0], "date");
		s->ncomp = 1;
	}
	return 0;
}

/* ---- RFC 9421 / RFC 8941 Structured Fields (the subset used) ---- */

struct sf {
	const char *p;
};

static void
sf_ows(struct sf *f)
{
	while (*f->p == ' ' || *f->p == '\t')
		f->p++;
}

/* key = ( lcalpha / "*" ) *( lcalpha / DIGIT / "_" / "-" / "." / "*" ) */
static int
sf_key(struct sf *f, char *out, size_t cap)
{
	size_t n = 0;

	if (!(islower((unsigned char)*f->p) || *f->p == '*'))
		return -1;
	while (islower((unsigned char)*f->p) || isdigit((unsigned char)*f->p) ||
	    strchr("_-.*", *f->p) != NULL) {
		if (*f->p == '\0' || n + 1 >= cap)
			return -1;
		out[n++] = *f->p++;
	}
	out[n] = '\0';
	return 0;
}

static int
sf_string(struct sf *f, char *out, size_t cap)
{
	size_t n = 0;

	if (*f->p++ != '"')
		return -1;
	while (*f->p != '"') {
		char c = *f->p++;
		if (c == '\\') {
			c = *f->p++;
			if (c != '"' && c != '\\')
				return -1;
		} else if ((unsigned char)c < 0x20 || (unsigned char)c > 0x7e)
			return -1;
		if (n + 1 >= cap)
			return -1;
		out[n++] = c;
	}
	f->p++;
	out[n] = '\0';
	return 0;
}

/* Parameters of the signature: integers and strings we know. Appends
 * their canonical serialization to ser. */
static int
sf_params(struct sf *f, struct fed_sig *s, struct buf *ser, struct err *e)
{
	char key[32], str[512];
	long long n;
	char *end;

	while (*f->p == ';') {
		f->p++;
		sf_ows(f);
		if (sf_key(f, key, sizeof(key)) < 0 || *f->p++ != '=')
			return err_set(e, "Signature-Input has a malformed "
					  "parameter");
		if (*f->p == '"') {
			if (sf_string(f, str, sizeof(str)) < 0)
				return err_set(e, "Signature-Input has a "
						  "malformed string");
			if ((!strcmp(key, "keyid") &&
				copy_to(s->key_id, sizeof(s->key_id), str,
				    strlen(str)) < 0) ||
			    (!strcmp(key, "alg") &&
				copy_to(s->alg, sizeof(s->alg), str,
				    strlen(str)) < 0))
				return err_set(e, "Signature-Input has too "
						  "long a %s",
				    key);
			buf_printf(ser, ";%s=\"", key);
			for (end = str; *end; end++) {
				if (*end == '"' || *end == '\\')
					buf_addc(ser, '\\');
				buf_addc(ser, *end);
			}
			buf_addc(ser, '"');
		} else {
			n = strtoll(f->p, &end, 10);
			if (end == f->p || end - f->p > 15 || n < 0)
				return err_set(e, "Signature-Input has a "
						  "malformed number");
			f->p = end;
			if (!strcmp(key, "created"))
				s->created = n;
			else if (!strcmp(key, "expires"))
				s->expires = n;
			buf_printf(ser, ";%s=%lld", key, n);
		}
	}
	return 0;
}

/* inner-list = "(" *SP [ sf-string *( 1*SP sf-string ) *SP ] ")" params */
static int
sf_inner_list(struct sf *f, struct fed_sig *s, struct buf *ser,
    struct err *e)
{
	if (*f->p++ != '(')
		return err_set(e, "Signature-Input is not an inner list");
	buf_addc(ser, '(');
	for (;;) {
		while (*f->p == ' ')
			f->p++;
		if (*f->p == ')')
			break;
		if (s->ncomp == FED_SIG_COMP_MAX ||
		    sf_string(f, s->comp[s->ncomp], sizeof(s->comp[0])) < 0)
			return err_set(e, "Signature-Input lists a malformed "
					  "or too many components");
		if (*f->p == ';')
			return err_set(e, "component parameters are not "
					  "supported");
		buf_printf(ser, "%s\"%s\"", s->ncomp ? " " : "",
		    s->comp[s->ncomp]);
		s->ncomp++;
		if (*f->p != ' ' && *f->p != ')')
			return err_set(e, "Signature-Input is malformed");
	}
	f->p++;
	buf_addc(ser, ')');
	return sf_params(f, s, ser, e);
}

/* Skip one dictionary member's value we do not use. */
static int
sf_skip_member(struct sf *f)
{
	int depth = 0, in_str = 0;

	for (; *f->p; f->p++) {
		if (in_str) {
			if (*f->p == '\\' && f->p[1])
				f->p++;
			else if (*f->p == '"')
				in_str = 0;
		} else if (*f->p == '"')
			in_str = 1;
		else if (*f->p == '(')
			depth++;
		else if (*f->p == ')')
			depth--;
		else if (*f->p == ',' && depth == 0)
			return 0;
	}
	return in_str || depth ? -1 : 0;
}

/* The first member of Signature-Input, and the Signature of its label. */
static int
rfc9421_parse(const char *input, const char *sigh, struct fed_sig *s,
    struct err *e)
{
	struct sf f = { input };
	struct buf ser;
	char label[64];
	const char *b, *q;
	long n;

	sf_ows(&f);
	if (sf_key(&f, s->label, sizeof(s->label)) < 0 || *f.p++ != '=')
		return err_set(e, "Signature-Input is malformed");
	buf_init(&ser, sizeof(s->params) - 1);
	if (sf_inner_list(&f, s, &ser, e) < 0 || ser.failed) {
		buf_free(&ser);
		return ser.failed ? err_set(e, "Signature-Input is too long")
				  : -1;
	}
	memcpy(s->params, ser.data, ser.len + 1);
	buf_free(&ser);
	for (f.p = sigh; *f.p;) {
		sf_ows(&f);
		if (sf_key(&f, label, sizeof(label)) < 0 || *f.p++ != '=')
			return err_set(e, "the Signature header is malformed");
		if (!strcmp(label, s->label) && *f.p == ':') {
			b = ++f.p;
			if ((q = strchr(b, ':')) == NULL ||
			    (n = b64_decode(b, (size_t)(q - b), s->sig,
				 sizeof(s->sig))) <= 0)
				return err_set(e, "the signature is not "
						  "base64");
			s->sig_len = (size_t)n;
			break;
		}
		if (sf_skip_member(&f) < 0)
			return err_set(e, "the Signature header is malformed");
		if (*f.p == ',')
			f.p++;
	}
	if (s->sig_len == 0)
		return err_set(e, "no Signature for label %s", s->label);
	if (s->key_id[0] == '\0')
		return err_set(e, "Signature-Input needs a keyid");
	return 0;
}

int
fed_sig_parse(const struct fed_req *r, struct fed_sig *s, struct err *e)
{
	const char *input = r->header(r->ctx, "Signature-Input");
	const char *sig = r->header(r->ctx, "Signature");
	const char *auth = r->header(r->ctx, "Authorization");

	memset(s, 0, sizeof(*s));
	s->created = s->expires = -1;
	if (input != NULL && sig != NULL) {
		if (strlen(input) > FED_SIG_HEADER_MAX ||
		    strlen(sig) > FED_SIG_HEADER_MAX)
			return err_set(e, "the signature headers are too long");
		s->scheme = FED_SIG_RFC9421;
		return rfc9421_parse(input, sig, s, e);
	}
	if (sig == NULL && auth != NULL && !strncasecmp(auth, "Signature ", 10))
		sig = auth + 10;
	if (sig == NULL)
		return err_set(e, "the request is not signed");
	if (strlen(sig) > FED_SIG_HEADER_MAX)
		return err_set(e, "the Signature header is too long");
	s->scheme = FED_SIG_CAVAGE;
	return cavage_parse(sig, s, e);
}

/* ---- what is signed ---- */

/* A header's value with surrounding spaces trimmed, into out. */
static int
field(const struct fed_req *r, const char *name, struct buf *out)
{
	const char *v = r->header(r->ctx, name);
	size_t n;

	if (v == NULL)
		return -1;
	while (*v == ' ' || *v == '\t')
		v++;
	n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	return buf_add(out, v, n);
}

static int
cavage_line(const struct fed_req *r, const struct fed_sig *s,
    const char *c, struct buf *out)
{
	size_t i;

	buf_printf(out, "%s: ", c);
	if (!strcmp(c, "(request-target)")) {
		for (i = 0; r->method[i]; i++)
			buf_addc(out, (char)tolower((unsigned char)r->method[i]));
		return buf_printf(out, " %s", r->target);
	}
	if (!strcmp(c, "(created)"))
		return s->created < 0 ? -1 : buf_printf(out, "%lld", s->created);
	if (!strcmp(c, "(expires)"))
		return s->expires < 0 ? -1 : buf_printf(out, "%lld", s->expires);
	return field(r, c, out);
}

/* An RFC 9421 component's value (section 2). */
static int
component(const struct fed_req *r, const char *c, struct buf *out)
{
	const char *host = r->header(r->ctx, "Host");
	const char *q = strchr(r->target, '?');
	size_t i;

	if (c[0] != '@')
		return field(r, c, out);
	if (!strcmp(c, "@method"))
		return buf_adds(out, r->method);
	if (!strcmp(c, "@request-target"))
		return buf_adds(out, r->target);
	if (!strcmp(c, "@path"))
		return buf_add(out, r->target,
		    q ? (size_t)(q - r->target) : strlen(r->target));
	if (!strcmp(c, "@query"))
		return buf_adds(out, q ? q : "?");
	if (!strcmp(c, "@scheme"))
		return buf_adds(out, r->scheme);
	if (host == NULL)
		return -1;
	if (!strcmp(c, "@target-uri"))
		buf_printf(out, "%s://", r->scheme);
	else if (strcmp(c, "@authority") != 0)
		return -1; /* @query-param, @status: not supported */
	for (i = 0; host[i]; i++)
		buf_addc(out, (char)tolower((unsigned char)host[i]));
	if (!strcmp(c, "@target-uri"))
		buf_adds(out, r->target);
	return 0;
}

int
fed_sig_base(const struct fed_req *r, const struct fed_sig *s,
    struct buf *out, struct err *e)
{
	int i;

	for (i = 0; i < s->ncomp; i++) {
		if (i > 0)
			buf_addc(out, '\n');
		if (s->scheme == FED_SIG_CAVAGE) {
			if (cavage_line(r, s, s->comp[i], out) < 0)
				return err_set(e, "the signed field %s is "
						  "missing",
				    s->comp[i]);
			continue;
		}
		buf_printf(out, "\"%s\": ", s->comp[i]);
		if (component(r, s->comp[i], out) < 0)
			return err_set(e, "the signed component %s is "
					  "missing or not supported",
			    s->comp[i]);
	}
	if (s->scheme == FED_SIG_RFC9421)
		buf_printf(out, "%s\"@signature-params\": %s",
		    s->ncomp ? "\n" : "", s->params);
	return out->failed ? err_set(e, "the signed fields are too long") : 0;
}

/* ---- the policy ---- */

static int
covers(const struct fed_sig *s, const char *c)
{
	int i;

	for (i = 0; i < s->ncomp; i++)
		if (!strcmp(s->comp[i], c))
			return 1;
	return 0;
}

static int
in_window(long long t, time_t now)
{
	return t >= (long long)now - FED_SIG_PAST &&
	       t <= (long long)now + FED_SIG_FUTURE;
}

/* The next item of a comma-separated list at *p: its start and length,
 * spaces trimmed; NULL at the end. */
static const char *
list_item(const char **p, size_t *len)
{
	const char *start, *end;

	while (**p == ' ' || **p == ',')
		(*p)++;
	if (**p == '\0')
		return NULL;
	start = *p;
	while (**p != '\0' && **p != ',')
		(*p)++;
	for (end = *p; end > start && end[-1] == ' '; end--)
		;
	*len = (size_t)(end - start);
	return start;
}

/* Digest: SHA-256=..., possibly among other algorithms (RFC 3230). */
static int
digest_matches(const struct fed_req *r, const char *v)
{
	char want[64];
	const char *it;
	size_t n;

	fed_sig_digest(r->body, r->body_len, want, sizeof(want));
	while ((it = list_item(&v, &n)) != NULL)
		if (n > 8 && !strncasecmp(it, "SHA-256=", 8))
			return n == strlen(want) &&
			       !memcmp(it + 8, want + 8, n - 8);
	return 0;
}

/* Content-Digest: sha-256=:...:, sha-512=:...: (RFC 9530). */
static int
content_digest_matches(const struct fed_req *r, const char *v)
{
	unsigned char md[EVP_MAX_MD_SIZE], got[EVP_MAX_MD_SIZE + 3];
	const char *it;
	unsigned mdl;
	size_t n;
	long gl;
	int sha512;

	while ((it = list_item(&v, &n)) != NULL) {
		sha512 = n > 10 && !strncmp(it, "sha-512=:", 9);
		if (!sha512 && !(n > 10 && !strncmp(it, "sha-256=:", 9)))
			continue;
		if (it[n - 1] != ':')
			return 0;
		gl = b64_decode(it + 9, n - 10, got, sizeof(got));
		EVP_Digest(r->body, r->body_len, md, &mdl,
		    sha512 ? EVP_sha512() : EVP_sha256(), NULL);
		return gl == (long)mdl && !memcmp(md, got, mdl);
	}
	return 0;
}

static int
check_cavage(const struct fed_req *r, const struct fed_sig *s, time_t now,
    struct err *e)
{
	const char *date = r->header(r->ctx, "Date");
	int get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");

	if (!covers(s, "(request-target)"))
		return err_set(e, "the signature must cover (request-target)");
	if (covers(s, "date")) {
		if (date == NULL || !in_window(fed_sig_parse_date(date), now))
			return err_set(e, "the signed Date is missing or not "
					  "within an hour of now");
	} else if (!covers(s, "(created)"))
		return err_set(e, "the signature must cover date or "
				  "(created)");
	if (covers(s, "(created)") && !in_window(s->created, now))
		return err_set(e, "the signature's created time is not within "
				  "an hour of now");
	if (s->expires >= 0 && s->expires < (long long)now)
		return err_set(e, "the signature has expired");
	if (!covers(s, "host"))
		return err_set(e, "the signature must cover host");
	if (!get) {
		const char *d = r->header(r->ctx, "Digest");
		if (!covers(s, "digest") || d == NULL)
			return err_set(e, "a signed POST must cover a Digest");
		if (!digest_matches(r, d))
			return err_set(e, "the Digest does not match the "
					  "body");
	}
	return 0;
}

static int
check_rfc9421(const struct fed_req *r, const struct fed_sig *s, time_t now,
    struct err *e)
{
	int get = !strcmp(r->method, "GET") || !strcmp(r->method, "HEAD");

	if (!covers(s, "@method") || !(covers(s, "@target-uri") ||
	    (covers(s, "@authority") && (covers(s, "@path") ||
	    covers(s, "@request-target")))))
		return err_set(e, "the signature must cover @method and "
				  "@target-uri");
	if (s->created < 0 || !in_window(s->created, now))
		return err_set(e, "the signature's created time is missing "
				  "or not within an hour of now");
	if (s->expires >= 0 && s->expires < (long long)now)
		return err_set(e, "the signature has expired");
	if (!get) {
		const char *d = r->header(r->ctx, "Content-Digest");
		if (!covers(s, "content-digest") || d == NULL)
			return err_set(e, "a signed POST must cover "
					  "Content-Digest");
		if (!content_digest_matches(r, d))
			return err_set(e, "the Content-Digest does not match "
					  "the body");
	}
	return 0;
}

int
fed_sig_check(const struct fed_req *r, const struct fed_sig *s, time_t now,
    struct err *e)
{
	return s->scheme == FED_SIG_RFC9421 ? check_rfc9421(r, s, now, e)
					    : check_cavage(r, s, now, e);
}

/* ---- signing and verifying bytes ---- */

enum alg { ALG_NONE, ALG_RSA_SHA256, ALG_RSA_PSS_SHA512, ALG_ED25519 };

/* The algorithm for a signature and key, or ALG_NONE. hs2019 and a
 * missing algorithm follow the key, as Mastodon does. */
static enum alg
pick_alg(const struct fed_sig *s, EVP_PKEY *key)
{
	int rsa = EVP_PKEY_is_a(key, "RSA");
	int ed = EVP_PKEY_is_a(key, "ED25519");
	int cavage = s->scheme == FED_SIG_CAVAGE;

	if (s->alg[0] == '\0' || (cavage && !strcmp(s->alg, "hs2019")))
		return rsa ? ALG_RSA_SHA256 : ed ? ALG_ED25519 : ALG_NONE;
	if (cavage && !strcmp(s->alg, "rsa-sha256"))
		return rsa ? ALG_RSA_SHA256 : ALG_NONE;
	if (!cavage && !strcmp(s->alg, "rsa-v1_5-sha256"))
		return rsa ? ALG_RSA_SHA256 : ALG_NONE;
	if (!cavage && !strcmp(s->alg, "rsa-pss-sha512"))
		return rsa ? ALG_RSA_PSS_SHA512 : ALG_NONE;
	if (!strcmp(s->alg, "ed25519"))
		return ed ? ALG_ED25519 : ALG_NONE;
	return ALG_NONE;
}

static int
setup(EVP_MD_CTX *ctx, enum alg a, EVP_PKEY *key, int sign)
{
	const EVP_MD *md = a == ALG_RSA_SHA256 ? EVP_sha256() :
			   a == ALG_RSA_PSS_SHA512 ? EVP_sha512() :
						     NULL;
	EVP_PKEY_CTX *pctx = NULL;
	int ok = sign ? EVP_DigestSignInit(ctx, &pctx, md, NULL, key)
		      : EVP_DigestVerifyInit(ctx, &pctx, md, NULL, key);

	if (ok != 1)
		return -1;
	if (a == ALG_RSA_PSS_SHA512 &&
	    (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
		EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 64) != 1))
		return -1;
	return 0;
}

int
fed_sig_verify(const struct fed_req *r, const struct fed_sig *s,
    EVP_PKEY *key, struct err *e)
{
	enum alg a = pick_alg(s, key);
	EVP_MD_CTX *ctx;
	struct buf base;
	int ok = 0;

	if (a == ALG_NONE)
		return err_set(e, "the algorithm \"%s\" does not fit the key "
				  "or is not supported",
		    s->alg);
	if (EVP_PKEY_is_a(key, "RSA") && EVP_PKEY_get_bits(key) <
					     FED_SIG_MIN_RSA)
		return err_set(e, "the RSA key is shorter than %d bits",
		    FED_SIG_MIN_RSA);
	buf_init(&base, 64 * 1024);
	if (fed_sig_base(r, s, &base, e) < 0) {
		buf_free(&base);
		return -1;
	}
	if ((ctx = EVP_MD_CTX_new()) != NULL && setup(ctx, a, key, 0) == 0)
		ok = EVP_DigestVerify(ctx, s->sig, s->sig_len,
			 (const unsigned char *)base.data, base.len) == 1;
	EVP_MD_CTX_free(ctx);
	buf_free(&base);
	return ok ? 0 : err_set(e, "the signature does not verify");
}

/* Sign data with key (RSA: PKCS#1 v1.5 SHA-256); base64 into out. */
static int
sign_b64(EVP_PKEY *key, const char *data, size_t len, char *out, size_t cap)
{
	unsigned char sig[1024];
	size_t sl = sizeof(sig);
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	enum alg a = EVP_PKEY_is_a(key, "RSA") ? ALG_RSA_SHA256 : ALG_ED25519;
	int ok;

	ok = ctx != NULL && setup(ctx, a, key, 1) == 0 &&
	     EVP_DigestSign(ctx, sig, &sl, (const unsigned char *)data, len) ==
		 1;
	EVP_MD_CTX_free(ctx);
	return ok && b64_encode(sig, sl, out, cap) > 0 ? 0 : -1;
}

char *
fed_sig_sign(const struct fed_sign *in, struct err *e)
{
	struct fed_sig s = { .scheme = FED_SIG_CAVAGE, .created = -1,
		.expires = -1 };
	struct buf str, out;
	const char *hv[6];
	char b64[1400];
	int post = !strcmp(in->method, "POST"), i;
	const char *names[] = { "(request-target)", "host", "date",
		post ? "digest" : "accept", post ? "content-type" : NULL };

	hv[0] = NULL;
	hv[1] = in->host;
	hv[2] = in->date;
	hv[3] = post ? in->digest : in->accept;
	hv[4] = in->content_type;
	buf_init(&str, 16 * 1024);
	for (i = 0; i < 5 && names[i] != NULL; i++) {
		if (i > 0 && hv[i] == NULL) {
			buf_free(&str);
			err_set(e, "cannot sign: %s is not set", names[i]);
			return NULL;
		}
		if (i == 0) {
			size_t k;
			buf_adds(&str, "(request-target): ");
			for (k = 0; in->method[k]; k++)
				buf_addc(&str, (char)tolower(
				    (unsigned char)in->method[k]));
			buf_printf(&str, " %s", in->target);
		} else
			buf_printf(&str, "\n%s: %s", names[i], hv[i]);
		snprintf(s.comp[s.ncomp++], sizeof(s.comp[0]), "%s", names[i]);
	}
	if (str.failed || sign_b64(in->key, str.data, str.len, b64,
			      sizeof(b64)) < 0) {
		buf_free(&str);
		err_set(e, "cannot sign the request");
		return NULL;
	}
	buf_free(&str);
	buf_init(&out, 0);
	buf_printf(&out, "keyId=\"%s\",algorithm=\"rsa-sha256\",headers=\"",
	    in->key_id);
	for (i = 0; i < s.ncomp; i++)
		buf_printf(&out, "%s%s", i ? " " : "", s.comp[i]);
	buf_printf(&out, "\",signature=\"%s\"", b64);
	return buf_steal(&out, NULL);
}

/* ---- helpers ---- */

void
fed_sig_digest(const void *body, size_t len, char *out, size_t cap)
{
	unsigned char md[32];
	unsigned mdl = sizeof(md);
	char b64[48];

	EVP_Digest(body, len, md, &mdl, EVP_sha256(), NULL);
	b64_encode(md, mdl, b64, sizeof(b64));
	snprintf(out, cap, "SHA-256=%s", b64);
}

void
fed_sig_http_date(time_t t, char *out, size_t cap)
{
	static const char *const days[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
		"Fri", "Sat" };
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
		"May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	struct tm tm;

	/* Not strftime: the names must be English whatever the locale. */
	gmtime_r(&t, &tm);
	snprintf(out, cap, "%s, %02d %s %04d %02d:%02d:%02d GMT",
	    days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
	    tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

time_t
fed_sig_parse_date(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4], day[4], gmt[4];
	const char *m;
	struct tm tm;
	int n = 0;

	memset(&tm, 0, sizeof(tm));
	if (strlen(s) != 29 ||
	    sscanf(s, "%3s, %2d %3s %4d %2d:%2d:%2d %3s%n", day, &tm.tm_mday,
		mon, &tm.tm_year, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, gmt,
		&n) != 8 ||
	    n != 29 || strcmp(gmt, "GMT") != 0 ||
	    (m = strstr(months, mon)) == NULL || (m - months) % 3 != 0 ||
	    tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 ||
	    tm.tm_min > 59 || tm.tm_sec > 60)
		return -1;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_year -= 1900;
	return timegm(&tm);
}

EVP_PKEY *
fed_sig_public_key(const char *pem)
{
	OSSL_DECODER_CTX *dctx;
	EVP_PKEY *k = NULL;
	BIO *bio;

	/* SubjectPublicKeyInfo ("PUBLIC KEY") or PKCS#1 ("RSA PUBLIC KEY") */
	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL)
		return NULL;
	dctx = OSSL_DECODER_CTX_new_for_pkey(&k, "PEM", NULL, NULL,
	    EVP_PKEY_PUBLIC_KEY, NULL, NULL);
	if (dctx == NULL || OSSL_DECODER_from_bio(dctx, bio) != 1)
		k = NULL;
	OSSL_DECODER_CTX_free(dctx);
	BIO_free(bio);
	return k;
}

EVP_PKEY *
fed_sig_private_key(const char *pem)
{
	BIO *bio = BIO_new_mem_buf(pem, -1);
	EVP_PKEY *k;

	if (bio == NULL)
		return NULL;
	k = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return k;
}
