/* pii.h: a scanner for likely patient identifiers in text a member is
 * about to publish (DOMAIN.md "Patient-identifiable information"): NHS
 * and CHI numbers, dates of birth, postcodes, hospital numbers, e-mail
 * addresses and phone numbers. Plain hand-written scanning, no regex.
 * The matched text is never logged: callers report kind and place. */
#ifndef HUB_PII_H
#define HUB_PII_H

#include <stddef.h>

enum pii_kind {
	PII_NHS = 1,
	PII_CHI,
	PII_DOB,
	PII_POSTCODE,
	PII_MRN,
	PII_EMAIL,
	PII_PHONE,
	PII_KINDS /* one past the last */
};

struct pii_finding {
	int kind;	    /* enum pii_kind */
	size_t off, len;    /* bytes of the text */
	const char *reason; /* static, plain English */
	const char *advice; /* static, plain English */
};

/* Scan text (NUL-terminated). Stores up to max findings in out, in
 * order of offset, none overlapping; returns how many were found (may
 * be more than max). */
int pii_scan(const char *text, struct pii_finding *out, int max);

/* Whether d (10 ASCII digits) passes the NHS modulus-11 check: weights
 * 10..2 on digits 1-9, check digit 11 - sum % 11 (11 -> 0, 10 never
 * issued). Scottish CHI numbers use the same check. */
int pii_mod11_ok(const char *d);

/* The short name of a kind ("nhs", "chi", "dob", "postcode", "mrn",
 * "email", "phone"), as the corpus and the API spell it; NULL if none. */
const char *pii_kind_key(int kind);
/* The kind named key, or 0. */
int pii_kind_of(const char *key);

/* The 1-based line and column (in characters) of byte off of text. */
void pii_where(const char *text, size_t off, int *line, int *col);

#endif
