/* signreq: a test tool that plays a remote server's signing.
 *   signreq genkey PRIV.pem PUB.pem
 *   signreq sign PRIV.pem KEYID URL BODYFILE [UNIXTIME]
 *   signreq batch PRIV.pem < LINES
 * "sign" prints the headers of a signed POST of BODYFILE to URL: Host,
 * Date (now, or UNIXTIME), Digest, Content-Type and Signature. "batch"
 * reads lines "KEYID URL BODY" (BODY: the rest of the line, one-line
 * JSON) and prints, for each, the same headers on one line, separated by
 * tabs: thousands of signed requests from one process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "err.h"
#include "fed_key.h"
#include "fed_sig.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *p;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (p = malloc((size_t)n + 1)) == NULL) {
		if (f)
			fclose(f);
		return NULL;
	}
	*len = fread(p, 1, (size_t)n, f);
	p[*len] = '\0';
	fclose(f);
	return p;
}

static int
genkey(const char *priv, const char *pub)
{
	char *a, *b;
	struct err e;
	FILE *f;

	if (fed_key_generate(&a, &b, &e) < 0)
		return 1;
	if ((f = fopen(priv, "w")) == NULL)
		return 1;
	fputs(a, f);
	fclose(f);
	if ((f = fopen(pub, "w")) == NULL)
		return 1;
	fputs(b, f);
	fclose(f);
	fed_secret_free(a);
	free(b);
	return 0;
}

/* What every mode needs: the key, the Host and target of url, a date. */
struct prep {
	char host[300], date[40], *pem;
	const char *target;
	EVP_PKEY *key;
};

/* The Host and target of url (which must outlive p) and a date: now, or
 * the Unix time when. */
static int
prep_url(struct prep *p, const char *url, const char *when)
{
	const char *h = strstr(url, "://");

	if (h == NULL)
		return -1;
	h += 3;
	p->target = h + strcspn(h, "/");
	snprintf(p->host, sizeof(p->host), "%.*s", (int)(p->target - h), h);
	fed_sig_http_date(
	    when ? (time_t)atoll(when) : time(NULL), p->date, sizeof(p->date));
	return 0;
}

static int
prep_key(struct prep *p, const char *priv)
{
	size_t n;

	if ((p->pem = slurp(priv, &n)) == NULL ||
	    (p->key = fed_sig_private_key(p->pem)) == NULL)
		return -1;
	return 0;
}

static int
prepare(struct prep *p, const char *priv, const char *url, const char *when)
{
	return prep_key(p, priv) < 0 ? -1 : prep_url(p, url, when);
}

static void
prep_free(struct prep *p)
{
	EVP_PKEY_free(p->key);
	free(p->pem);
}

/* Print the headers of a POST of body signed as key_id, each followed by
 * sep. */
static int
print_signed(const struct prep *p, const char *key_id, const char *body,
    size_t len, char sep)
{
	char digest[64], *sig;
	struct err e;

	fed_sig_digest(body, len, digest, sizeof(digest));
	struct fed_sign in = { "POST", p->target, p->host, p->date, digest,
		"application/activity+json", NULL, key_id, p->key };
	if ((sig = fed_sig_sign(&in, &e)) == NULL)
		return 1;
	printf("Host: %s%cDate: %s%cDigest: %s%cContent-Type: "
	       "application/activity+json%cSignature: %s\n",
	    p->host, sep, p->date, sep, digest, sep, sep, sig);
	free(sig);
	return 0;
}

/* signreq sign PRIV KEYID URL BODYFILE [UNIXTIME]: a signed POST. */
static int
sign(char **argv, int argc)
{
	struct prep p = { 0 };
	size_t len;
	char *body;
	int rc;

	if (prepare(&p, argv[2], argv[4], argc > 6 ? argv[6] : NULL) < 0 ||
	    (body = slurp(argv[5], &len)) == NULL)
		return 1;
	rc = print_signed(&p, argv[3], body, len, '\n');
	free(body);
	prep_free(&p);
	return rc;
}

/* signreq batch PRIV < "KEYID URL BODY" lines: one line of headers
 * each, the key parsed once. */
static int
batch(const char *priv)
{
	char line[65536], *key_id, *url, *body;
	struct prep p = { 0 };
	int rc = 0;

	if (prep_key(&p, priv) < 0) {
		prep_free(&p);
		return 1;
	}
	while (rc == 0 && fgets(line, sizeof(line), stdin) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((key_id = strtok(line, " ")) == NULL ||
		    (url = strtok(NULL, " ")) == NULL ||
		    (body = strtok(NULL, "")) == NULL ||
		    prep_url(&p, url, NULL) < 0) {
			rc = 1;
			break;
		}
		rc = print_signed(&p, key_id, body, strlen(body), '\t');
	}
	prep_free(&p);
	return rc;
}

/* signreq get PRIV KEYID URL [UNIXTIME]: headers of a signed GET. */
static int
sign_get(char **argv, int argc)
{
	static const char accept[] = "application/activity+json";
	struct prep p = { 0 };
	struct err e;
	char *sig;

	if (prepare(&p, argv[2], argv[4], argc > 5 ? argv[5] : NULL) < 0)
		return 1;
	struct fed_sign in = { "GET", p.target, p.host, p.date, NULL, NULL,
		accept, argv[3], p.key };
	if ((sig = fed_sig_sign(&in, &e)) == NULL)
		return 1;
	printf("Host: %s\nDate: %s\nAccept: %s\nSignature: %s\n", p.host,
	    p.date, accept, sig);
	free(sig);
	prep_free(&p);
	return 0;
}

int
main(int argc, char **argv)
{
	if (argc >= 5 && !strcmp(argv[1], "get"))
		return sign_get(argv, argc);
	if (argc == 4 && !strcmp(argv[1], "genkey"))
		return genkey(argv[2], argv[3]);
	if (argc >= 6 && !strcmp(argv[1], "sign"))
		return sign(argv, argc);
	if (argc == 3 && !strcmp(argv[1], "batch"))
		return batch(argv[2]);
	fprintf(stderr,
	    "usage: signreq genkey PRIV PUB | signreq sign PRIV "
	    "KEYID URL BODYFILE [UNIXTIME] | signreq batch PRIV "
	    "< LINES\n");
	return 2;
}
