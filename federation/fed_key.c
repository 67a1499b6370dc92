#include "fed_key.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

static char *
bio_take(BIO *bio)
{
	char *data, *s;
	long n = BIO_get_mem_data(bio, &data);

	if (n <= 0 || (s = malloc((size_t)n + 1)) == NULL)
		return NULL;
	memcpy(s, data, (size_t)n);
	s[n] = '\0';
	return s;
}

int
fed_key_generate(char **priv_pem, char **pub_pem, struct err *e)
{
	EVP_PKEY *pkey;
	BIO *bpriv = NULL, *bpub = NULL;
	int rc = -1;

	*priv_pem = *pub_pem = NULL;
	if ((pkey = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)2048)) == NULL)
		return err_set(e, "cannot make an RSA key");
	bpriv = BIO_new(BIO_s_mem());
	bpub = BIO_new(BIO_s_mem());
	if (bpriv == NULL || bpub == NULL ||
	    !PEM_write_bio_PrivateKey(bpriv, pkey, NULL, NULL, 0, NULL, NULL) ||
	    !PEM_write_bio_PUBKEY(bpub, pkey)) {
		err_set(e, "cannot write the RSA key");
		goto out;
	}
	*priv_pem = bio_take(bpriv);
	*pub_pem = bio_take(bpub);
	if (*priv_pem == NULL || *pub_pem == NULL) {
		fed_secret_free(*priv_pem);
		free(*pub_pem);
		*priv_pem = *pub_pem = NULL;
		err_set(e, "out of memory");
		goto out;
	}
	rc = 0;
out:
	BIO_free_all(bpub);
	if (bpriv != NULL) {
		char *data;
		long n = BIO_get_mem_data(bpriv, &data);
		if (n > 0)
			OPENSSL_cleanse(data, (size_t)n);
		BIO_free_all(bpriv);
	}
	EVP_PKEY_free(pkey);
	return rc;
}

void
fed_secret_free(char *s)
{
	if (s == NULL)
		return;
	OPENSSL_cleanse(s, strlen(s));
	free(s);
}
