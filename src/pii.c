/* pii.c: likely patient identifiers in text, by hand-written scanning.
 * One pass left to right: at each word start the detectors are tried in
 * turn, and a match skips past itself, so findings come in order and
 * never overlap. Identifiers that are only identifying next to certain
 * words (dates of birth, hospital numbers, out-of-range NHS numbers)
 * look back for those words from where they start. */
#include "pii.h"

#include <stdint.h>
#include <string.h>

#define NHS_CONTEXT 30 /* bytes before an NHS number to look for words */
#define NEAR	    25 /* bytes between "DOB", "MRN" ... and the value */

static const char *const reasons[PII_KINDS] = {
	[PII_NHS] = "This looks like an NHS number (its check digit is valid).",
	[PII_CHI] = "This looks like a CHI number (it starts with a date of "
		    "birth and its check digit is valid).",
	[PII_DOB] = "This looks like a date of birth.",
	[PII_POSTCODE] = "This looks like a full postcode.",
	[PII_MRN] = "This looks like a hospital or record number.",
	[PII_EMAIL] = "This looks like an email address.",
	[PII_PHONE] = "This looks like a phone number.",
};

static const char *const advices[PII_KINDS] = {
	[PII_NHS] = "Remove it, or write 'NHS number removed'.",
	[PII_CHI] = "Remove it, or write 'CHI number removed'.",
	[PII_DOB] = "Remove it, or give an age range such as 'in her 70s'.",
	[PII_POSTCODE] = "Remove it, or name only the wider area.",
	[PII_MRN] = "Remove it, or write 'record number removed'.",
	[PII_EMAIL] = "Remove it: share contact details privately.",
	[PII_PHONE] = "Remove it: share contact details privately.",
};

static const char *const keys[PII_KINDS] = {
	[PII_NHS] = "nhs",
	[PII_CHI] = "chi",
	[PII_DOB] = "dob",
	[PII_POSTCODE] = "postcode",
	[PII_MRN] = "mrn",
	[PII_EMAIL] = "email",
	[PII_PHONE] = "phone",
};

static const char *const nhs_words[] = { "nhs", "number", "patient", "hcn",
	NULL };
static const char *const dob_words[] = { "dob", "d.o.b", "date of birth",
	"born", NULL };
static const char *const mrn_words[] = { "mrn", "hospital number",
	"hospital no", "hosp no", "hosp. no", "record number", "unit number",
	"unit no", NULL };

static int
dig(char c)
{
	return c >= '0' && c <= '9';
}

static int
alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
alnum(char c)
{
	return dig(c) || alpha(c);
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Whether one of words ends within the n bytes before t + i, its start
 * being anywhere up to n + its length before (case-insensitive). */
static int
word_before(const char *t, size_t i, size_t n, const char *const *words)
{
	size_t k, wl, from, s;

	for (k = 0; words[k] != NULL; k++) {
		wl = strlen(words[k]);
		from = i > n + wl ? i - n - wl : 0;
		for (s = from; s + wl <= i; s++) {
			size_t m = 0;

			while (m < wl && lower(t[s + m]) == words[k][m])
				m++;
			if (m == wl)
				return 1;
		}
	}
	return 0;
}

int
pii_mod11_ok(const char *d)
{
	int k, sum = 0, c;

	for (k = 0; k < 9; k++)
		sum += (d[k] - '0') * (10 - k);
	c = 11 - sum % 11;
	if (c == 11)
		c = 0;
	return c != 10 && c == d[9] - '0';
}

static int
two(const char *d)
{
	return (d[0] - '0') * 10 + (d[1] - '0');
}

static int
date_ok(int day, int mon, int year)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30,
		31 };

	if (mon < 1 || mon > 12 || day < 1 || day > mdays[mon - 1])
		return 0;
	return !(mon == 2 && day == 29 && year % 4 != 0);
}

/* Ten digits at t + i, contiguous or 3-3-4 with one space or dash, not
 * part of a longer run: copied to d, their length returned (or 0). */
static size_t
ten_digits(const char *t, size_t i, char *d)
{
	size_t k, n = 0;
	char sep;

	while (dig(t[i + n]))
		n++;
	if (n == 10) {
		memcpy(d, t + i, 10);
		return 10;
	}
	sep = t[i + 3];
	if (n != 3 || (sep != ' ' && sep != '-'))
		return 0;
	for (k = 4; k < 12; k++)
		if (k == 7 ? t[i + k] != sep : !dig(t[i + k]))
			return 0;
	if (dig(t[i + 12]) || (t[i + 12] == sep && dig(t[i + 13])))
		return 0;
	if (i >= 2 && (t[i - 1] == ' ' || t[i - 1] == '-') && dig(t[i - 2]))
		return 0;
	memcpy(d, t + i, 3);
	memcpy(d + 3, t + i + 4, 3);
	memcpy(d + 6, t + i + 8, 4);
	return 12;
}

static int
nhs_range(const char *d)
{
	uint64_t v = 0;
	int k;

	for (k = 0; k < 10; k++)
		v = v * 10 + (uint64_t)(d[k] - '0');
	return (v >= 4000000000u && v <= 4999999999u) ||
	    (v >= 6000000000u && v <= 7999999999u) ||
	    (v >= 3200000001u && v <= 3999999999u) || v >= 9990000000u;
}

/* NHS or CHI number at t + i: its kind, *len set. */
static int
nhs_chi(const char *t, size_t i, size_t *len)
{
	char d[10];

	if ((*len = ten_digits(t, i, d)) == 0 || !pii_mod11_ok(d))
		return 0;
	if (nhs_range(d))
		return PII_NHS;
	if (date_ok(two(d), two(d + 2), two(d + 4)))
		return PII_CHI;
	return word_before(t, i, NHS_CONTEXT, nhs_words) ? PII_NHS : 0;
}

/* A UK phone number: 0 then 1, 2, 3 or 7 and 11 digits in all, or
 * +44 (0) and 10 more, in groups split by one space, dash or ")". */
static int
phone(const char *t, size_t i, size_t *len)
{
	size_t p = i;
	int n = 0, want = 11;
	char first;

	if (t[p] == '+' && t[p + 1] == '4' && t[p + 2] == '4') {
		p += 3;
		want = 10;
		if (t[p] == ' ')
			p++;
		if (!strncmp(t + p, "(0)", 3))
			p += 3 + (t[p + 3] == ' ');
		first = t[p];
	} else {
		if (t[p] == '(' && t[p + 1] == '0')
			p++;
		if (t[p] != '0')
			return 0;
		first = t[p + 1];
	}
	if (first == '\0' || strchr("1237", first) == NULL)
		return 0;
	for (;;) {
		while (dig(t[p]) && n <= want)
			p++, n++;
		if (t[p] == ')' && dig(t[p + 1 + (t[p + 1] == ' ')]))
			p += 1 + (t[p + 1] == ' ');
		else if ((t[p] == ' ' || t[p] == '-') && dig(t[p + 1]))
			p++;
		else
			break;
	}
	if (n != want || dig(t[p]))
		return 0;
	*len = p - i;
	return PII_PHONE;
}

static int
local_char(char c)
{
	return alnum(c) || (c && strchr("._%+-", c) != NULL);
}

/* name@domain.tld; not a mention (@name@host). */
static int
email(const char *t, size_t i, size_t *len)
{
	size_t p = i, dot = 0, lab = 0;

	if (i > 0 && t[i - 1] == '@')
		return 0;
	while (local_char(t[p]))
		p++;
	if (p == i || t[p] != '@')
		return 0;
	for (p++; alnum(t[p]) || t[p] == '-' || t[p] == '.'; p++) {
		if (t[p] == '.') {
			if (!alnum(t[p + 1]))
				break;
			dot = p;
		}
	}
	if (dot == 0)
		return 0;
	for (lab = dot + 1; lab < p; lab++)
		if (!alpha(t[lab]))
			return 0;
	if (p - dot - 1 < 2)
		return 0;
	*len = p - i;
	return PII_EMAIL;
}

static size_t
digits(const char *t, size_t p, size_t max)
{
	size_t n = 0;

	while (n < max && dig(t[p + n]))
		n++;
	return dig(t[p + n]) ? 0 : n;
}

static int
num(const char *t, size_t p, size_t n)
{
	int v = 0;

	while (n--)
		v = v * 10 + (t[p++] - '0');
	return v;
}

/* dd/mm/yyyy, d-m-yy, d.m.yyyy or yyyy-mm-dd at t + i: its length. */
static size_t
date_numeric(const char *t, size_t i)
{
	size_t a = digits(t, i, 4), b, c, p;
	char sep = t[i + a];

	if (a == 0 || (sep != '/' && sep != '-' && sep != '.'))
		return 0;
	p = i + a + 1;
	if ((b = digits(t, p, 2)) == 0 || t[p + b] != sep)
		return 0;
	if ((c = digits(t, p + b + 1, 4)) == 0 || alpha(t[p + b + 1 + c]))
		return 0;
	if (a == 4 && c <= 2 && date_ok(num(t, p + b + 1, c), num(t, p, b), 0))
		return a + b + c + 2;
	if (a <= 2 && (c == 2 || c == 4) &&
	    date_ok(num(t, i, a), num(t, p, b), 0))
		return a + b + c + 2;
	return 0;
}

/* A month's name (or its first three letters, or "sept") at t + p: its
 * length, with a trailing "." */
static size_t
month(const char *t, size_t p)
{
	static const char *const names[] = { "january", "february", "march",
		"april", "may", "june", "july", "august", "september",
		"october", "november", "december", NULL };
	size_t n = 0, k, m;

	while (alpha(t[p + n]))
		n++;
	for (k = 0; names[k] != NULL; k++) {
		for (m = 0; m < n && lower(t[p + m]) == names[k][m]; m++)
			;
		if (m == n &&
		    (n == 3 || n == strlen(names[k]) || (n == 4 && k == 8)))
			return n + (t[p + n] == '.');
	}
	return 0;
}

/* "3 March 1950", "3rd Mar 1950", "March 3, 1950", "3 March": length. */
static size_t
date_words(const char *t, size_t i)
{
	size_t p = i, n, m;

	if ((n = digits(t, p, 2)) > 0) {
		p += n;
		if (alpha(t[p]) && alpha(t[p + 1]) && !alpha(t[p + 2]) &&
		    strchr("snrt", lower(t[p])))
			p += 2;
		if (t[p] != ' ' || (m = month(t, p + 1)) == 0)
			return 0;
		p += 1 + m;
	} else if ((m = month(t, p)) > 0) {
		p += m;
		if (t[p] != ' ' || (n = digits(t, p + 1, 2)) == 0)
			return 0;
		p += 1 + n;
		if (t[p] == ',')
			p++;
	} else
		return 0;
	if (t[p] == ' ' && (n = digits(t, p + 1, 4)) >= 2)
		p += 1 + n;
	return p - i;
}

static int
dob(const char *t, size_t i, size_t *len)
{
	if ((*len = date_numeric(t, i)) == 0 && (*len = date_words(t, i)) == 0)
		return 0;
	return word_before(t, i, NEAR, dob_words) ? PII_DOB : 0;
}

/* A token of 6+ letters and digits, 5+ of them digits, after "MRN"... */
static int
mrn(const char *t, size_t i, size_t *len)
{
	size_t n = 0, nd = 0;

	for (; alnum(t[i + n]) || t[i + n] == '-' || t[i + n] == '/'; n++)
		nd += dig(t[i + n]);
	while (n > 0 && !alnum(t[i + n - 1]))
		n--;
	if (n < 6 || nd < 5 || !word_before(t, i, NEAR, mrn_words))
		return 0;
	*len = n;
	return PII_MRN;
}

static int
same_case(const char *t, size_t i, size_t n, int up)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (alpha(t[i + k]) &&
		    (t[i + k] >= 'A' && t[i + k] <= 'Z') != up)
			return 0;
	return 1;
}

/* The inward code (9AA, not C I K M O V) at t + p. */
static int
inward(const char *t, size_t p)
{
	return dig(t[p]) && alpha(t[p + 1]) && alpha(t[p + 2]) &&
	    !strchr("cikmov", lower(t[p + 1])) &&
	    !strchr("cikmov", lower(t[p + 2])) && !alnum(t[p + 3]);
}

/* A full postcode: A9, A9A, A99, AA9, AA9A or AA99, then 9AA. */
static int
postcode(const char *t, size_t i, size_t *len)
{
	size_t nl = alpha(t[i + 1]) ? 2 : 1, e, s;

	if (!alpha(t[i]) || strchr("qvx", lower(t[i])) ||
	    (nl == 2 && strchr("ijz", lower(t[i + 1]))) || !dig(t[i + nl]))
		return 0;
	for (e = i + nl + 2; e >= i + nl + 1; e--) {
		if (e == i + nl + 2 && !alnum(t[e - 1]))
			continue;
		s = e + (t[e] == ' ');
		if (inward(t, s) &&
		    same_case(t, i, s + 3 - i, t[i] >= 'A' && t[i] <= 'Z')) {
			*len = s + 3 - i;
			return PII_POSTCODE;
		}
	}
	return 0;
}

typedef int (*detector)(const char *t, size_t i, size_t *len);

static const detector detectors[] = { email, phone, nhs_chi, dob, mrn,
	postcode };

int
pii_scan(const char *text, struct pii_finding *out, int max)
{
	size_t i = 0, len, k;
	int n = 0, kind;

	while (text[i] != '\0') {
		if (i > 0 && alnum(text[i - 1])) {
			i++;
			continue;
		}
		kind = 0;
		for (k = 0; k < sizeof(detectors) / sizeof(detectors[0]); k++)
			if ((kind = detectors[k](text, i, &len)) != 0)
				break;
		if (kind == 0) {
			i++;
			continue;
		}
		if (n < max)
			out[n] = (struct pii_finding){ kind, i, len,
				reasons[kind], advices[kind] };
		n++;
		i += len;
	}
	return n;
}

const char *
pii_kind_key(int kind)
{
	return kind > 0 && kind < PII_KINDS ? keys[kind] : NULL;
}

int
pii_kind_of(const char *key)
{
	int k;

	for (k = 1; k < PII_KINDS; k++)
		if (!strcmp(keys[k], key))
			return k;
	return 0;
}

void
pii_where(const char *text, size_t off, int *line, int *col)
{
	size_t i;

	*line = 1;
	*col = 1;
	for (i = 0; i < off && text[i]; i++) {
		if (text[i] == '\n') {
			++*line;
			*col = 1;
		} else if (((unsigned char)text[i] & 0xC0) != 0x80)
			++*col;
	}
}
