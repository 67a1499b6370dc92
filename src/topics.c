#include "topics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "err.h"

#define TOPICS_MAX   1000 /* topics in a file, at most */
#define LINE_MAX_LEN 2048 /* bytes in a line, at most */
#define FILE_MAX     (1 << 20)

/* src/topics_data.c, made from conf/topics.tsv at build time. */
extern const char topics_data[];

const char *const topics_groups[] = { "area", "psirf", "lfpse", "who-icps",
	NULL };
static const char *const group_labels[] = { "Areas of care",
	"PSIRF learning responses", "LFPSE event types",
	"WHO patient safety classes" };

const char *
topics_group_label(const char *group)
{
	size_t i;

	for (i = 0; topics_groups[i] != NULL; i++)
		if (!strcmp(topics_groups[i], group))
			return group_labels[i];
	return "";
}

const char *
topics_default_text(void)
{
	return topics_data;
}

static int
slug_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= '0' && s[i] <= '9') ||
			(s[i] == '-' && i > 0 && s[i + 1] != '\0')))
			return 0;
	return i > 0;
}

/* A hashtag: ASCII letters and digits, starting with a letter. */
static int
hashtag_ok(const char *s)
{
	size_t i;

	for (i = 0; s[i] != '\0'; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
			(s[i] >= 'A' && s[i] <= 'Z') ||
			(i > 0 && s[i] >= '0' && s[i] <= '9')))
			return 0;
	return i > 0;
}

/* Copy field f (the column called what) into out (cap bytes). */
static int
field(char *out, size_t cap, const char *f, const char *what, struct err *e)
{
	size_t n = strlen(f);

	if (n == 0)
		return err_set(e, "the %s is empty", what);
	if (n >= cap)
		return err_set(
		    e, "the %s is longer than %zu bytes", what, cap - 1);
	memcpy(out, f, n + 1);
	return 0;
}

static const char *
group_find(const char *g)
{
	size_t i;

	for (i = 0; topics_groups[i] != NULL; i++)
		if (!strcmp(topics_groups[i], g))
			return topics_groups[i];
	return NULL;
}

/* One data line (tabs split in place) into tp; e says what is wrong. */
static int
parse_line(char *line, struct topic *tp, struct err *e)
{
	char *col[6], *p = line;
	int n = 0;

	while (n < 6) {
		col[n++] = p;
		if ((p = strchr(p, '\t')) == NULL)
			break;
		*p++ = '\0';
	}
	if (n < 6 || p != NULL)
		return err_set(e,
		    "expected 6 columns separated by tabs (slug, hashtag, "
		    "label, group, description, source)");
	if (field(tp->slug, sizeof(tp->slug), col[0], "slug", e) < 0 ||
	    field(tp->hashtag, sizeof(tp->hashtag), col[1], "hashtag", e) < 0 ||
	    field(tp->label, sizeof(tp->label), col[2], "label", e) < 0 ||
	    field(tp->desc, sizeof(tp->desc), col[4], "description", e) < 0 ||
	    field(tp->source, sizeof(tp->source), col[5], "source", e) < 0)
		return -1;
	if (!slug_ok(tp->slug))
		return err_set(e,
		    "the slug \"%.64s\" must be lowercase letters, digits "
		    "and inner hyphens",
		    tp->slug);
	if (!hashtag_ok(tp->hashtag))
		return err_set(e,
		    "the hashtag \"%.64s\" must be ASCII letters and digits, "
		    "without '#'",
		    tp->hashtag);
	if ((tp->group = group_find(col[3])) == NULL)
		return err_set(e,
		    "unknown group \"%.32s\" (area, psirf, lfpse or who-icps)",
		    col[3]);
	return 0;
}

static int
check_unique(const struct topics *t, const struct topic *tp, struct err *e)
{
	if (topics_by_slug(t, tp->slug) != NULL)
		return err_set(e, "the slug \"%s\" is used twice", tp->slug);
	if (topics_by_hashtag(t, tp->hashtag) != NULL)
		return err_set(
		    e, "the hashtag \"%s\" is used twice", tp->hashtag);
	return 0;
}

/* Add line (not yet terminated, ll bytes) to t, unless it is blank or a
 * comment. */
static int
add_line(struct topics *t, const char *text, size_t ll, struct err *e)
{
	char line[LINE_MAX_LEN];
	struct topic tp;

	if (ll >= sizeof(line) || memchr(text, '\0', ll) != NULL)
		return err_set(e, "the line is too long or holds a NUL byte");
	memcpy(line, text, ll);
	if (ll > 0 && line[ll - 1] == '\r')
		ll--;
	line[ll] = '\0';
	if (line[0] == '\0' || line[0] == '#')
		return 0;
	if (t->n == TOPICS_MAX)
		return err_set(e, "more than %d topics", TOPICS_MAX);
	if (parse_line(line, &tp, e) < 0 || check_unique(t, &tp, e) < 0)
		return -1;
	t->v[t->n++] = tp;
	return 0;
}

struct topics *
topics_parse(const char *text, size_t len, const char *name, struct err *e)
{
	struct topics *t;
	struct err le;
	size_t pos = 0, ll;
	int lineno = 0;

	if ((t = calloc(1, sizeof(*t))) == NULL ||
	    (t->v = calloc(TOPICS_MAX, sizeof(*t->v))) == NULL) {
		free(t);
		err_set(e, "%s: out of memory", name);
		return NULL;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		ll = nl ? (size_t)(nl - (text + pos)) : len - pos;
		lineno++;
		if (add_line(t, text + pos, ll, &le) < 0) {
			err_set(e, "%s:%d: %s", name, lineno, le.msg);
			topics_free(t);
			return NULL;
		}
		pos += ll + 1;
	}
	if (t->n == 0) {
		err_set(e, "%s: there are no topics in the file", name);
		topics_free(t);
		return NULL;
	}
	return t;
}

struct topics *
topics_load(const char *path, struct err *e)
{
	struct topics *t;
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f;

	if (path == NULL || *path == '\0')
		return topics_parse(
		    topics_data, strlen(topics_data), "(built-in topics)", e);
	if ((f = fopen(path, "r")) == NULL) {
		err_set(e, "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, FILE_MAX);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) < 0)
			break;
	fclose(f);
	if (b.failed) {
		buf_free(&b);
		err_set(e, "%s: file is larger than 1 MiB", path);
		return NULL;
	}
	t = topics_parse(b.data ? b.data : "", b.len, path, e);
	buf_free(&b);
	return t;
}

void
topics_free(struct topics *t)
{
	if (t == NULL)
		return;
	free(t->v);
	free(t);
}

const struct topic *
topics_by_slug(const struct topics *t, const char *slug)
{
	size_t i;

	for (i = 0; t != NULL && i < t->n; i++)
		if (!strcmp(t->v[i].slug, slug))
			return &t->v[i];
	return NULL;
}

const struct topic *
topics_by_hashtag(const struct topics *t, const char *hashtag)
{
	size_t i;

	if (hashtag[0] == '#')
		hashtag++;
	for (i = 0; t != NULL && i < t->n; i++)
		if (!strcasecmp(t->v[i].hashtag, hashtag))
			return &t->v[i];
	return NULL;
}
