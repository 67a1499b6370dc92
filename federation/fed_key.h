/* fed_key.h: RSA key pairs for actors (OpenSSL 3 EVP). */
#ifndef HUB_FED_KEY_H
#define HUB_FED_KEY_H

struct err;

/* Make an RSA-2048 key pair. On success *priv_pem and *pub_pem are
 * malloc'd PEM strings (PKCS#8 private, SubjectPublicKeyInfo public);
 * wipe the private one with OPENSSL_cleanse before free. Returns 0 or -1
 * with e set. */
int fed_key_generate(char **priv_pem, char **pub_pem, struct err *e);

/* Wipe and free a secret string (NULL is fine). */
void fed_secret_free(char *s);

#endif
