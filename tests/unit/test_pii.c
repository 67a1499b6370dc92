/* test_pii.c: the PII guard (src/pii.c): specific cases, the check
 * digit, and the labelled corpus (tests/data/pii/corpus.tsv): recall
 * >= 0.98 for NHS and CHI numbers, no false positives on negatives. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pii.h"
#include "tap.h"

/* The kind of the first finding in s, or 0. */
static int
first(const char *s, size_t *off, size_t *len)
{
	struct pii_finding f[4];

	if (pii_scan(s, f, 4) == 0)
		return 0;
	*off = f[0].off;
	*len = f[0].len;
	return f[0].kind;
}

static void
cases(void)
{
	size_t off = 0, len = 0;
	int line, col;

	ok(pii_mod11_ok("9434765919"), "943 476 5919 passes (DOMAIN.md)");
	ok(!pii_mod11_ok("9434765918"), "a wrong check digit fails");
	ok(first("NHS no 943 476 5919.", &off, &len) == PII_NHS && off == 7 &&
		len == 12,
	    "spaced NHS number with context: %zu+%zu", off, len);
	ok(first("9434765919", &off, &len) == 0,
	    "valid but out of range, no context: not flagged");
	ok(first("x 4010232137 y", &off, &len) == PII_NHS,
	    "in the England range, no context");
	ok(first("ref 401-023-2137", &off, &len) == PII_NHS, "dashed");
	ok(first("ref 40102321371", &off, &len) == 0, "11 digits: not one");
	ok(first("CHI 0101010028", &off, &len) == PII_CHI, "CHI number");
	ok(first("DOB: 3/4/1950", &off, &len) == PII_DOB, "date of birth");
	ok(first("meeting on 3/4/2024", &off, &len) == 0, "a meeting date");
	ok(first("at SW1A 1AA today", &off, &len) == PII_POSTCODE && len == 8,
	    "postcode");
	ok(first("NICE NG12 and CG174", &off, &len) == 0, "guideline codes");
	ok(first("MRN K1234567", &off, &len) == PII_MRN, "MRN");
	ok(first("mail jo@example.org", &off, &len) == PII_EMAIL, "email");
	ok(first("see @jo@hub.example", &off, &len) == 0, "a mention");
	ok(first("on 07700 900123", &off, &len) == PII_PHONE, "mobile");
	ok(first("10 mg, 0.5 ml/kg, 2019-2023, bleep 4455", &off, &len) == 0,
	    "doses, ranges, bleeps");
	pii_where("ab\ncd\xc3\xa9"
		  "f",
	    7, &line, &col);
	ok(line == 2 && col == 4, "line 2 column 4: %d %d", line, col);
	ok(pii_scan("", NULL, 0) == 0, "empty text");
}

static void
corpus(void)
{
	const char *dir = getenv("srcdir");
	char path[1024], line[2048], *tab;
	struct pii_finding f[16];
	int pos[PII_KINDS] = { 0 }, tp[PII_KINDS] = { 0 };
	int falsepos = 0, label, n, k, hit;
	FILE *fp;

	snprintf(
	    path, sizeof(path), "%s/data/pii/corpus.tsv", dir ? dir : "tests");
	if ((fp = fopen(path, "r")) == NULL) {
		ok(0, "cannot open %s", path);
		return;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || (tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		label = pii_kind_of(line);
		n = pii_scan(tab + 1, f, 16);
		pos[label]++;
		for (hit = 0, k = 0; k < n && k < 16; k++)
			if (f[k].kind == label)
				hit = 1;
			else
				falsepos++;
		tp[label] += hit;
	}
	fclose(fp);
	ok(pos[PII_NHS] >= 60 && pos[PII_CHI] >= 30 && pos[0] >= 150,
	    "corpus size: %d NHS, %d CHI, %d negatives", pos[PII_NHS],
	    pos[PII_CHI], pos[0]);
	ok(tp[PII_NHS] >= 0.98 * pos[PII_NHS], "NHS recall %d/%d", tp[PII_NHS],
	    pos[PII_NHS]);
	ok(tp[PII_CHI] >= 0.98 * pos[PII_CHI], "CHI recall %d/%d", tp[PII_CHI],
	    pos[PII_CHI]);
	for (k = PII_DOB; k < PII_KINDS; k++)
		ok(pos[k] >= 20 && tp[k] >= 0.9 * pos[k], "%s recall %d/%d",
		    pii_kind_key(k), tp[k], pos[k]);
	ok(falsepos == 0, "no false positives (%d)", falsepos);
}

int
main(void)
{
	cases();
	corpus();
	return done_testing();
}
