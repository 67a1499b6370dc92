/* bench_pii.c: the PII guard (src/pii.c) on its labelled corpus
 * (tests/data/pii/corpus.tsv): precision and recall per kind, then scan
 * speed in MB/s against a plain byte-count loop over the same bytes.
 * Usage: bench_pii CORPUS [MB]. Prints no matched text. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pii.h"

#define LINES 4096

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *texts[LINES];
static int labels[LINES], nlines;

static int
load(const char *path)
{
	char line[2048], *tab;
	FILE *f = fopen(path, "r");

	if (f == NULL)
		return -1;
	while (nlines < LINES && fgets(line, sizeof(line), f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '#' || (tab = strchr(line, '\t')) == NULL)
			continue;
		*tab = '\0';
		labels[nlines] = pii_kind_of(line); /* NONE: 0 */
		texts[nlines++] = strdup(tab + 1);
	}
	fclose(f);
	return 0;
}

static void
quality(void)
{
	int tp[PII_KINDS] = { 0 }, fp[PII_KINDS] = { 0 },
	    pos[PII_KINDS] = { 0 };
	struct pii_finding f[16];
	int i, k, n, hit;

	for (i = 0; i < nlines; i++) {
		n = pii_scan(texts[i], f, 16);
		pos[labels[i]]++;
		for (hit = 0, k = 0; k < n && k < 16; k++) {
			if (f[k].kind == labels[i])
				hit = 1;
			else
				fp[f[k].kind]++;
		}
		tp[labels[i]] += hit;
	}
	printf("%-9s %9s %5s %5s %9s %7s\n", "kind", "positives", "found",
	    "false", "precision", "recall");
	for (k = 1; k < PII_KINDS; k++)
		printf("%-9s %9d %5d %5d %9.3f %7.3f\n", pii_kind_key(k),
		    pos[k], tp[k], fp[k],
		    tp[k] + fp[k] ? (double)tp[k] / (tp[k] + fp[k]) : 1.0,
		    pos[k] ? (double)tp[k] / pos[k] : 1.0);
	for (n = 0, k = 1; k < PII_KINDS; k++)
		n += fp[k];
	printf("negatives %d lines\n", pos[0]);
	printf("RESULT false_positives=%d\n", n);
}

static void
speed(size_t mb)
{
	struct pii_finding f[1];
	size_t len = 0, want = mb << 20, i;
	volatile size_t sink = 0;
	char *all;
	double t0, scan, ref;
	int k, n = 0;

	if ((all = malloc(want + 1)) == NULL)
		return;
	while (len < want)
		for (k = 0; k < nlines && len < want; k++) {
			size_t l = strlen(texts[k]);

			if (l + 1 > want - len)
				l = want - len - 1;
			memcpy(all + len, texts[k], l);
			len += l;
			all[len++] = '\n';
		}
	all[len] = '\0';
	t0 = now();
	for (i = 0; i < len; i++)
		sink += all[i] == '\n';
	ref = now() - t0;
	t0 = now();
	n = pii_scan(all, f, 1);
	scan = now() - t0;
	printf("scan: %zu MB in %.3f s = %.1f MB/s (%d findings)\n", mb, scan,
	    mb / scan, n);
	printf("reference byte-count loop: %.1f MB/s; the scan is %.1fx "
	       "slower (%zu lines)\n",
	    mb / ref, scan / ref, (size_t)sink);
	free(all);
}

int
main(int argc, char **argv)
{
	if (argc < 2 || load(argv[1]) != 0) {
		fprintf(stderr, "usage: bench_pii CORPUS [MB]\n");
		return 2;
	}
	quality();
	speed(argc > 2 ? (size_t)atoi(argv[2]) : 32);
	return 0;
}
