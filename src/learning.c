#include "learning.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fed_html.h"
#include "markdown.h"
#include "pii.h"
#include "text.h"
#include "topics.h"

static const char *const plain_labels[LEARNING_NPLAIN] = { "Care setting",
	"Specialty", "Country" };

const char *
learning_field_label(const char *field)
{
	const struct fed_learning_section *s;
	int i;

	static const char *const other[][2] = { { "title", "Title" },
		{ "content_type", "Content type" }, { "audience", "Audience" },
		{ "licence", "Licence" }, { "topics", "Topics" },
		{ "learning", "Learning post" } };

	if (field == NULL)
		return "";
	for (s = fed_learning_sections; s->key; s++)
		if (!strcmp(s->key, field))
			return s->label;
	for (i = 0; i < LEARNING_NPLAIN; i++)
		if (!strcmp(fed_learning_plain[i], field))
			return plain_labels[i];
	for (i = 0; i < (int)(sizeof(other) / sizeof(other[0])); i++)
		if (!strcmp(other[i][0], field))
			return other[i][1];
	return field;
}

static int
blank(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	return *s == '\0';
}

/* How many bytes of s, at most max, end on a whole UTF-8 character. */
static int
utf8_prefix(const char *s, int max)
{
	int n = (int)strnlen(s, (size_t)max);

	if (s[n] != '\0')
		while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	return n;
}

/* Collects errors (up to max; counts all). */
struct errs {
	struct learning_error *v;
	int n, max;
};

static void add_err(struct errs *x, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
add_err(struct errs *x, const char *field, const char *fmt, ...)
{
	va_list ap;

	if (x->n < x->max) {
		x->v[x->n].field = field;
		va_start(ap, fmt);
		vsnprintf(x->v[x->n].msg, sizeof(x->v[x->n].msg), fmt, ap);
		va_end(ap);
	}
	x->n++;
}

/* A text field: NULL when absent (or blank), else a copy; errors added
 * for wrong type, bad UTF-8, newlines in one-line fields, length. */
static char *
text_field(const json_t *v, const char *key, size_t max, int one_line,
    int required, struct errs *x)
{
	const json_t *f = json_object_get(v, key);
	const char *s = json_string_value(f);
	const char *label = learning_field_label(key);
	char *out;

	if (f != NULL && !json_is_null(f) && s == NULL) {
		add_err(x, key, "%s must be text.", label);
		return NULL;
	}
	if (s == NULL || blank(s)) {
		if (required)
			add_err(x, key,
			    "%s is needed: write it in your own words.", label);
		return NULL;
	}
	if (!text_utf8_valid(s, strlen(s)) ||
	    (one_line && strpbrk(s, "\r\n\t"))) {
		add_err(x, key,
		    one_line ? "%s must be one line of text, without control "
			       "characters."
			     : "%s must be text without control characters.",
		    label);
		return NULL;
	}
	if (text_utf8_chars(s) > max) {
		add_err(x, key,
		    "%s is %zu characters long; the limit is %zu. Shorten it, "
		    "or link to a longer document under Resources.",
		    label, text_utf8_chars(s), max);
		return NULL;
	}
	if ((out = strdup(s)) == NULL)
		add_err(x, key, "out of memory");
	return out;
}

/* A slug of list in key: default dflt when absent. */
static const struct fed_learning_term *
slug_field(const json_t *v, const char *key,
    const struct fed_learning_term *list, const char *dflt, struct errs *x)
{
	const json_t *f = json_object_get(v, key);
	const struct fed_learning_term *t;
	char choices[200] = "";

	if ((f == NULL || json_is_null(f) ||
		(json_is_string(f) && !*json_string_value(f))) &&
	    dflt != NULL)
		return fed_learning_term(list, dflt);
	if ((t = fed_learning_term(list, json_string_value(f))) != NULL)
		return t;
	for (t = list; t->slug; t++)
		snprintf(choices + strlen(choices),
		    sizeof(choices) - strlen(choices), "%s%s",
		    t == list ? "" : ", ", t->slug);
	add_err(x, key, "Choose the %s: one of %s.",
	    !strcmp(key, "licence") ? "licence" : "content type", choices);
	return NULL;
}

static void
audience_field(const json_t *v, struct learning *l, struct errs *x)
{
	const json_t *f = json_object_get(v, "audience"), *a;
	const struct fed_learning_term *t;
	size_t i;
	int k, dup;

	if (f == NULL || json_is_null(f) ||
	    (json_is_array(f) && json_array_size(f) == 0)) {
		l->aud[l->naud++] =
		    fed_learning_term(fed_learning_audiences, "everyone");
		return;
	}
	if (!json_is_array(f)) {
		add_err(x, "audience", "Audience must be a list of audiences.");
		return;
	}
	json_array_foreach(f, i, a)
	{
		t = fed_learning_term(
		    fed_learning_audiences, json_string_value(a));
		if (t == NULL) {
			add_err(x, "audience",
			    "Audience: choose from everyone, staff, patients, "
			    "leaders, safety-leads, researchers.");
			return;
		}
		for (dup = 0, k = 0; k < l->naud; k++)
			dup |= l->aud[k] == t;
		if (!dup && l->naud < LEARNING_AUD_MAX)
			l->aud[l->naud++] = t;
	}
}

static void
topics_field(const json_t *v, const struct topics *topics, struct learning *l,
    struct errs *x)
{
	const json_t *f = json_object_get(v, "topics"), *a;
	const struct topic *t;
	const char *s;
	size_t i;
	int k, dup;

	if (f == NULL || json_is_null(f))
		return;
	if (!json_is_array(f)) {
		add_err(x, "topics", "Topics must be a list of topic names.");
		return;
	}
	if (json_array_size(f) > LEARNING_TOPICS_MAX) {
		add_err(x, "topics",
		    "Choose at most %d topics: the ones this post is most "
		    "about.",
		    LEARNING_TOPICS_MAX);
		return;
	}
	json_array_foreach(f, i, a)
	{
		s = json_string_value(a);
		t = s && topics ? topics_by_slug(topics, s) : NULL;
		if (t == NULL) {
			add_err(x, "topics",
			    "There is no topic called \"%.*s\": choose topics "
			    "from the list (see /topics).",
			    utf8_prefix(s ? s : "(not text)", 60),
			    s ? s : "(not text)");
			return;
		}
		for (dup = 0, k = 0; k < l->ntopics; k++)
			dup |= l->topics[k] == t;
		if (!dup)
			l->topics[l->ntopics++] = t;
	}
}

int
learning_parse(const json_t *v, const struct topics *topics, struct learning *l,
    struct learning_error *errs, int max)
{
	const struct fed_learning_section *s;
	struct errs x = { errs, 0, max };
	size_t total = 0;
	int i;

	memset(l, 0, sizeof(*l));
	if (!json_is_object(v)) {
		add_err(&x, "learning",
		    "A learning post must be a JSON object of its fields.");
		return x.n;
	}
	l->title = text_field(v, "title", LEARNING_TITLE_MAX, 1, 1, &x);
	for (i = 0, s = fed_learning_sections; s->key; s++, i++) {
		l->section[i] = text_field(
		    v, s->key, LEARNING_SECTION_MAX, 0, s->required, &x);
		total += l->section[i] ? text_utf8_chars(l->section[i]) : 0;
	}
	if (total > LEARNING_TOTAL_MAX)
		add_err(&x, "what_happened",
		    "All sections together are %zu characters; the limit is "
		    "%d. Shorten them, or link to a longer document under "
		    "Resources.",
		    total, LEARNING_TOTAL_MAX);
	for (i = 0; i < LEARNING_NPLAIN; i++)
		l->plain[i] = text_field(
		    v, fed_learning_plain[i], LEARNING_FIELD_MAX, 1, 0, &x);
	l->type = slug_field(v, "content_type", fed_learning_types, NULL, &x);
	audience_field(v, l, &x);
	l->licence =
	    slug_field(v, "licence", fed_learning_licences, "cc-by-4.0", &x);
	topics_field(v, topics, l, &x);
	return x.n;
}

void
learning_clear(struct learning *l)
{
	int i;

	free(l->title);
	for (i = 0; i < LEARNING_NSECTIONS; i++)
		free(l->section[i]);
	for (i = 0; i < LEARNING_NPLAIN; i++)
		free(l->plain[i]);
	memset(l, 0, sizeof(*l));
}

/* Scan one field; returns how many findings. */
static int
scan_field(const char *text, const char *field, struct learning_error *err,
    int first, json_t *findings)
{
	struct pii_finding f[16];
	int n, i, line, col;

	if (text == NULL || (n = pii_scan(text, f, 16)) == 0)
		return 0;
	for (i = 0; i < n && i < 16; i++) {
		pii_where(text, f[i].off, &line, &col);
		if (i == 0 && first && err != NULL) {
			err->field = field;
			snprintf(err->msg, sizeof(err->msg),
			    "%s, line %d, column %d: %s %s",
			    learning_field_label(field), line, col, f[0].reason,
			    f[0].advice);
		}
		if (findings != NULL)
			json_array_append_new(findings,
			    json_pack("{s:s,s:i,s:i,s:s,s:s}", "field", field,
				"line", line, "column", col, "kind",
				pii_kind_key(f[i].kind), "advice",
				f[i].advice));
	}
	return n;
}

int
learning_pii(
    const struct learning *l, struct learning_error *err, json_t *findings)
{
	const struct fed_learning_section *s;
	int n = 0, i;

	n += scan_field(l->title, "title", err, n == 0, findings);
	for (i = 0, s = fed_learning_sections; s->key; s++, i++)
		n += scan_field(l->section[i], s->key, err, n == 0, findings);
	for (i = 0; i < LEARNING_NPLAIN; i++)
		n += scan_field(
		    l->plain[i], fed_learning_plain[i], err, n == 0, findings);
	return n;
}

/* The plain excerpt of html: white space collapsed, cut at a word
 * boundary after at most LEARNING_EXCERPT characters, "…" when cut. */
static char *
excerpt(const char *html)
{
	struct buf t, o;
	size_t chars = 0, i, cut = 0;
	int space = 1;
	char c;

	buf_init(&t, 0);
	buf_init(&o, 0);
	fed_html_text(html, strlen(html), &t);
	for (i = 0; t.data != NULL && i < t.len; i++) {
		c = t.data[i];
		if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
			if (!space) {
				cut = o.len;
				buf_addc(&o, ' ');
			}
			space = 1;
			continue;
		}
		if (((unsigned char)c & 0xc0) != 0x80 &&
		    ++chars > LEARNING_EXCERPT) {
			o.len = cut ? cut : o.len;
			buf_adds(&o, "\xe2\x80\xa6");
			break;
		}
		space = 0;
		buf_addc(&o, c);
	}
	while (o.len > 0 && o.data[o.len - 1] == ' ')
		o.len--;
	buf_addc(&o, '\0');
	buf_free(&t);
	return buf_steal(&o, NULL);
}

/* The context line: content type, setting, specialty, country. */
static void
context_line(const struct learning *l, struct buf *b)
{
	int i;

	buf_adds(b, "<p><strong>");
	buf_add_html(b, l->type->label, strlen(l->type->label));
	buf_adds(b, "</strong>");
	for (i = 0; i < LEARNING_NPLAIN; i++) {
		if (l->plain[i] == NULL)
			continue;
		buf_printf(b, " · %s: ", plain_labels[i]);
		buf_add_html(b, l->plain[i], strlen(l->plain[i]));
	}
	buf_adds(b, "</p>");
}

static void
licence_line(const struct learning *l, struct buf *b)
{
	buf_adds(b, "<p>Licence: <a href=\"");
	buf_add_html(b, l->licence->url, strlen(l->licence->url));
	buf_adds(b, "\" rel=\"license\">");
	buf_add_html(b, l->licence->label, strlen(l->licence->label));
	buf_adds(b, "</a></p>");
}

/* The extension object's fixed part and the source object. */
static void
ext_fields(
    const struct learning *l, const char *base_url, json_t *ext, json_t *src)
{
	json_t *aud = json_array(), *saud = json_array(), *top = json_array(),
	       *stop = json_array();
	char iri[600];
	int i;

	json_object_set_new(ext, "type", json_string("LearningPost"));
	json_object_set_new(ext, "contentType", json_string(l->type->slug));
	for (i = 0; i < l->naud; i++) {
		json_array_append_new(aud, json_string(l->aud[i]->slug));
		json_array_append_new(saud, json_string(l->aud[i]->slug));
	}
	json_object_set_new(ext, "audience", aud);
	json_object_set_new(ext, "licence", json_string(l->licence->url));
	for (i = 0; i < l->ntopics; i++) {
		snprintf(iri, sizeof(iri), "%s/topics/%s", base_url,
		    l->topics[i]->slug);
		json_array_append_new(top, json_string(iri));
		json_array_append_new(stop, json_string(l->topics[i]->slug));
	}
	json_object_set_new(ext, "topics", top);
	json_object_set_new(src, "title", json_string(l->title));
	for (i = 0; i < LEARNING_NPLAIN; i++)
		if (l->plain[i] != NULL) {
			json_object_set_new(ext, fed_learning_plain[i],
			    json_string(l->plain[i]));
			json_object_set_new(src, fed_learning_plain[i],
			    json_string(l->plain[i]));
		}
	json_object_set_new(src, "content_type", json_string(l->type->slug));
	json_object_set_new(src, "audience", saud);
	json_object_set_new(src, "licence", json_string(l->licence->slug));
	json_object_set_new(src, "topics", stop);
}

int
learning_render(
    const struct learning *l, const char *base_url, struct learning_doc *d)
{
	const struct fed_learning_section *s;
	struct buf all, one;
	int i, rc = 0;

	memset(d, 0, sizeof(*d));
	d->ext = json_object();
	d->source = json_object();
	buf_init(&all, 4 * 1024 * 1024);
	context_line(l, &all);
	for (i = 0, s = fed_learning_sections; s->key; s++, i++) {
		if (l->section[i] == NULL)
			continue;
		buf_init(&one, 1024 * 1024);
		/* Rendered alone, so the section's own headings stay
		 * within it; the h2 is added around the sanitized HTML. */
		if (markdown_to_safe_html(
			l->section[i], base_url, NULL, 0, &one) != 0 ||
		    one.failed)
			rc = -1;
		buf_printf(&all, "<h2>%s</h2>", s->label);
		buf_add(&all, one.data ? one.data : "", one.len);
		json_object_set_new(
		    d->ext, s->prop, json_string(one.data ? one.data : ""));
		json_object_set_new(
		    d->source, s->key, json_string(l->section[i]));
		if (i == 0)
			d->summary = excerpt(one.data ? one.data : "");
		buf_free(&one);
	}
	licence_line(l, &all);
	ext_fields(l, base_url, d->ext, d->source);
	d->content = buf_steal(&all, NULL);
	if (rc != 0 || d->content == NULL || d->summary == NULL) {
		learning_doc_clear(d);
		return -1;
	}
	return 0;
}

void
learning_doc_clear(struct learning_doc *d)
{
	free(d->content);
	free(d->summary);
	json_decref(d->ext);
	json_decref(d->source);
	memset(d, 0, sizeof(*d));
}

int
learning_hashtags(
    const struct learning *l, char tags[][TEXT_TAG_MAX + 1], int max)
{
	char more[TEXT_MAX_TAGS][TEXT_TAG_MAX + 1];
	int n = 0, i, k, m, j, dup;

	for (i = 0; i < l->ntopics && n < max; i++) {
		snprintf(
		    tags[n], TEXT_TAG_MAX + 1, "%s", l->topics[i]->hashtag);
		for (j = 0; tags[n][j]; j++)
			tags[n][j] = (char)tolower((unsigned char)tags[n][j]);
		for (dup = 0, k = 0; k < n; k++)
			dup |= !strcmp(tags[k], tags[n]);
		n += !dup;
	}
	for (i = 0; i < LEARNING_NSECTIONS; i++) {
		if (l->section[i] == NULL)
			continue;
		m = text_hashtags(l->section[i], more, TEXT_MAX_TAGS);
		for (j = 0; j < m && n < max; j++) {
			for (dup = 0, k = 0; k < n; k++)
				dup |= !strcmp(tags[k], more[j]);
			if (!dup)
				memcpy(tags[n++], more[j], sizeof(more[j]));
		}
	}
	return n;
}

/* ---- citations ---- */

/* A RIS value: one line (CR, LF and tabs become spaces), trimmed. */
static void
ris_line(struct buf *b, const char *tag, const char *v)
{
	int space = 0;

	if (v == NULL)
		return;
	while (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n')
		v++;
	if (*v == '\0')
		return;
	buf_printf(b, "%s  - ", tag);
	for (; *v; v++) {
		if (*v == ' ' || *v == '\t' || *v == '\r' || *v == '\n') {
			space = 1;
			continue;
		}
		if (space)
			buf_addc(b, ' ');
		space = 0;
		buf_addc(b, *v);
	}
	buf_adds(b, "\r\n");
}

/* Whether s starts with a real date written YYYY-MM-DD. */
static int
published_day(const char *s)
{
	char day[TEXT_DATE_LEN + 1];
	uint64_t secs;

	snprintf(day, sizeof(day), "%s", s);
	return text_date_parse(day, &secs) == 0;
}

/* A BibTeX value, escaped for LaTeX; line breaks become spaces. */
static void
bib_text(struct buf *b, const char *v)
{
	static const struct {
		char c;
		const char *s;
	} esc[] = { { '\\', "\\textbackslash{}" }, { '{', "\\textbraceleft{}" },
		{ '}', "\\textbraceright{}" }, { '@', "\\char64{}" },
		{ '#', "\\#" }, { '$', "\\$" }, { '%', "\\%" }, { '&', "\\&" },
		{ '_', "\\_" }, { '~', "\\textasciitilde{}" },
		{ '^', "\\textasciicircum{}" } };
	size_t i;
	int done;

	for (; v != NULL && *v; v++) {
		for (done = 0, i = 0; !done && i < sizeof(esc) / sizeof(esc[0]);
		     i++)
			if (*v == esc[i].c) {
				buf_adds(b, esc[i].s);
				done = 1;
			}
		if (!done)
			buf_addc(b,
			    *v == '\r' || *v == '\n' || *v == '\t' ? ' ' : *v);
	}
}

/* A URL for BibTeX's url field: \url{} takes it verbatim but for % and
 * #, and braces or backslashes cannot appear (left out). */
static void
bib_url(struct buf *b, const char *v)
{
	for (; v != NULL && *v; v++) {
		if (*v == '%' || *v == '#')
			buf_addc(b, '\\');
		if (*v != '{' && *v != '}' && *v != '\\' &&
		    (unsigned char)*v > ' ')
			buf_addc(b, *v);
	}
}

struct cite {
	const char *title, *url, *published, *abstract, *licence;
	char year[5], date[11], key[80];
	const char *kw[TEXT_MAX_TAGS];
	int nkw;
};

static void
cite_read(const json_t *doc, const char *author, struct cite *c)
{
	const json_t *tag, *l = json_object_get(doc, "learning");
	const struct fed_learning_term *lic;
	const char *s, *id;
	size_t i, k = 0;

	memset(c, 0, sizeof(*c));
	c->title = json_string_value(json_object_get(doc, "name"));
	if (c->title == NULL || !*c->title)
		c->title = "Untitled post";
	id = json_string_value(json_object_get(doc, "id"));
	c->url = json_string_value(json_object_get(doc, "url"));
	if (c->url == NULL)
		c->url = id;
	c->abstract = json_string_value(json_object_get(doc, "summary"));
	c->published = json_string_value(json_object_get(doc, "published"));
	lic = fed_learning_licence_by_url(
	    json_string_value(json_object_get(l, "licence")));
	c->licence = lic ? lic->label : NULL;
	/* A peer's "published" is any short string: only a real
	 * YYYY-MM-DD may reach the key, the year and the date. */
	if (c->published && published_day(c->published)) {
		memcpy(c->year, c->published, 4);
		memcpy(c->date, c->published, 10);
	}
	json_array_foreach(json_object_get(doc, "tag"), i, tag)
	{
		s = json_string_value(json_object_get(tag, "name"));
		if (s && *s == '#' && c->nkw < TEXT_MAX_TAGS &&
		    !strcmp(json_string_value(json_object_get(tag, "type"))
			    ? json_string_value(json_object_get(tag, "type"))
			    : "",
			"Hashtag"))
			c->kw[c->nkw++] = s + 1;
	}
	/* key: the author's letters, the year, the id's last digits */
	for (s = author; s && *s && k < 20; s++)
		if (isalnum((unsigned char)*s))
			c->key[k++] = (char)tolower((unsigned char)*s);
	snprintf(c->key + k, sizeof(c->key) - k, "%s", c->year);
	k = strlen(c->key);
	s = id ? strrchr(id, '/') : NULL;
	for (s = s ? s + 1 : ""; *s && k < sizeof(c->key) - 1; s++)
		if (isalnum((unsigned char)*s))
			c->key[k++] = *s;
	c->key[k] = '\0';
	if (k == 0)
		snprintf(c->key, sizeof(c->key), "post");
}

static void
cite_ris(const struct cite *c, const char *author, const char *publisher,
    struct buf *b)
{
	char date[16];
	int i;

	buf_adds(b, "TY  - ELEC\r\n");
	ris_line(b, "TI", c->title);
	ris_line(b, "AU", author);
	ris_line(b, "PY", c->year);
	if (c->date[0]) {
		/* RIS DA: YYYY/MM/DD */
		snprintf(date, sizeof(date), "%.4s/%.2s/%.2s", c->date,
		    c->date + 5, c->date + 8);
		ris_line(b, "DA", date);
	}
	ris_line(b, "UR", c->url);
	ris_line(b, "AB", c->abstract);
	for (i = 0; i < c->nkw; i++)
		ris_line(b, "KW", c->kw[i]);
	ris_line(b, "PB", publisher);
	if (c->licence)
		ris_line(b, "N1", c->licence);
	buf_adds(b, "ER  - \r\n");
}

static void
cite_bib(const struct cite *c, const char *author, const char *publisher,
    struct buf *b)
{
	buf_printf(b, "@misc{%s,\n  title = {{", c->key);
	bib_text(b, c->title);
	buf_adds(b, "}},\n  author = {");
	bib_text(b, author);
	buf_adds(b, "},\n");
	if (c->year[0])
		buf_printf(b, "  year = {%s},\n", c->year);
	buf_adds(b, "  howpublished = {\\url{");
	bib_url(b, c->url);
	buf_adds(b, "}},\n  url = {");
	bib_url(b, c->url);
	buf_adds(b, "},\n  publisher = {");
	bib_text(b, publisher);
	buf_adds(b, "}");
	if (c->licence) {
		buf_adds(b, ",\n  note = {Licence: ");
		bib_text(b, c->licence);
		buf_adds(b, "}");
	}
	buf_adds(b, "\n}\n");
}

int
learning_cite(const json_t *doc, const char *author, const char *publisher,
    int format, struct buf *out)
{
	struct cite c;

	cite_read(doc, author, &c);
	if (c.url == NULL)
		return -1;
	if (format == LEARNING_RIS)
		cite_ris(&c, author, publisher, out);
	else
		cite_bib(&c, author, publisher, out);
	return out->failed ? -1 : 0;
}

json_t *
learning_refusal(const json_t *learning, const struct topics *topics,
    const char *text, const char *cw, int pii, const char *msg)
{
	struct learning_error le[LEARNING_ERRORS_MAX];
	json_t *doc = json_pack("{s:s}", "error", msg), *a;
	struct learning l;
	int n, i;

	/* jansson takes only UTF-8: never answer nothing. */
	if (doc == NULL)
		doc = json_pack("{s:s}", "error",
		    "this learning post cannot be published as it is: "
		    "check each field");
	if (doc == NULL)
		return NULL;

	if (learning != NULL) {
		n = learning_parse(
		    learning, topics, &l, le, LEARNING_ERRORS_MAX);
		if (n > 0) {
			a = json_array();
			for (i = 0; i < n && i < LEARNING_ERRORS_MAX; i++)
				json_array_append_new(a,
				    json_pack("{s:s,s:s}", "field", le[i].field,
					"error", le[i].msg));
			json_object_set_new(doc, "fields", a);
		} else if (n == 0 && pii) {
			a = json_array();
			learning_pii(&l, NULL, a);
			json_object_set_new(doc, "findings", a);
		}
		learning_clear(&l);
	} else if (pii) {
		a = json_array();
		scan_field(text, "text", NULL, 0, a);
		scan_field(cw, "content_warning", NULL, 0, a);
		json_object_set_new(doc, "findings", a);
	}
	return doc;
}
