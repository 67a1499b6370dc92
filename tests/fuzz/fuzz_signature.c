/* fuzz_signature.c: the Signature (draft-cavage) and Signature-Input /
 * Signature (RFC 9421) parsers, then the signature base and the policy
 * over whatever parsed. Input: "INPUT\nSIGNATURE"; with no newline, the
 * whole input is a draft-cavage Signature header. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "err.h"
#include "fed_sig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct two {
	const char *input, *sig;
};

static const char *
lookup(void *ctx, const char *name)
{
	const struct two *t = ctx;

	if (!strcasecmp(name, "Signature-Input"))
		return t->input;
	if (!strcasecmp(name, "Signature"))
		return t->sig;
	if (!strcasecmp(name, "Host"))
		return "hub.example";
	if (!strcasecmp(name, "Date"))
		return "Sun, 05 Jan 2014 21:31:40 GMT";
	if (!strcasecmp(name, "Digest"))
		return "SHA-256=X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=";
	if (!strcasecmp(name, "Content-Digest"))
		return "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:";
	return NULL;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1), *nl;
	struct two t = { NULL, NULL };
	struct fed_req r = { "POST", "/inbox?x=1", "https", lookup, &t,
		"{\"hello\": \"world\"}", 18 };
	struct fed_sig sig;
	struct err e;
	struct buf b;

	if (s == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	if ((nl = strchr(s, '\n')) != NULL) {
		*nl = '\0';
		t.input = s;
		t.sig = nl + 1;
	} else
		t.sig = s;
	if (fed_sig_parse(&r, &sig, &e) == 0) {
		buf_init(&b, 64 * 1024);
		fed_sig_base(&r, &sig, &b, &e);
		buf_free(&b);
		fed_sig_check(&r, &sig, 1389000000, &e);
	}
	free(s);
	return 0;
}
