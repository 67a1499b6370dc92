/* signreq: a test tool that plays a remote server's signing.
 *   signreq genkey PRIV.pem PUB.pem
 *   signreq sign PRIV.pem KEYID URL BODYFILE [UNIXTIME]
 * "sign" prints the headers of a signed POST of BODYFILE to URL: Host,
 * Date (now, or UNIXTIME), Digest, Content-Type and Signature. */
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

static int
sign(char **argv, int argc)
{
	char host[300], date[40], digest[64], *pem, *body, *sig;
	const char *url = argv[4], *p, *target;
	struct err e;
	size_t len, plen;
	EVP_PKEY *key;
	time_t when = argc > 6 ? (time_t)atoll(argv[6]) : time(NULL);

	if ((pem = slurp(argv[2], &plen)) == NULL ||
	    (body = slurp(argv[5], &len)) == NULL ||
	    (key = fed_sig_private_key(pem)) == NULL)
		return 1;
	p = strstr(url, "://") + 3;
	target = p + strcspn(p, "/");
	snprintf(host, sizeof(host), "%.*s", (int)(target - p), p);
	fed_sig_http_date(when, date, sizeof(date));
	fed_sig_digest(body, len, digest, sizeof(digest));
	struct fed_sign in = { "POST", target, host, date, digest,
		"application/activity+json", NULL, argv[3], key };
	if ((sig = fed_sig_sign(&in, &e)) == NULL)
		return 1;
	printf("Host: %s\nDate: %s\nDigest: %s\nContent-Type: "
	       "application/activity+json\nSignature: %s\n",
	    host, date, digest, sig);
	free(sig);
	free(body);
	EVP_PKEY_free(key);
	free(pem);
	return 0;
}

/* signreq get PRIV KEYID URL [UNIXTIME]: headers of a signed GET. */
static int
sign_get(char **argv, int argc)
{
	char host[300], date[40], *pem, *sig;
	const char *url = argv[4], *p, *target;
	static const char accept[] = "application/activity+json";
	struct err e;
	size_t plen;
	EVP_PKEY *key;
	time_t when = argc > 5 ? (time_t)atoll(argv[5]) : time(NULL);

	if ((pem = slurp(argv[2], &plen)) == NULL ||
	    (key = fed_sig_private_key(pem)) == NULL)
		return 1;
	p = strstr(url, "://") + 3;
	target = p + strcspn(p, "/");
	snprintf(host, sizeof(host), "%.*s", (int)(target - p), p);
	fed_sig_http_date(when, date, sizeof(date));
	struct fed_sign in = { "GET", target, host, date, NULL, NULL, accept,
		argv[3], key };
	if ((sig = fed_sig_sign(&in, &e)) == NULL)
		return 1;
	printf("Host: %s\nDate: %s\nAccept: %s\nSignature: %s\n", host, date,
	    accept, sig);
	free(sig);
	EVP_PKEY_free(key);
	free(pem);
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
	fprintf(stderr, "usage: signreq genkey PRIV PUB | signreq sign PRIV "
			"KEYID URL BODYFILE [UNIXTIME]\n");
	return 2;
}
