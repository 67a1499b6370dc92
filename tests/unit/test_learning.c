/* Learning posts: field validation (learning_parse), patient identifiers
 * per field, rendering, the context document, cleaning a peer's object,
 * and RIS/BibTeX escaping. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "err.h"
#include "fed_as2.h"
#include "fed_learning.h"
#include "learning.h"
#include "st_object.h"
#include "tap.h"
#include "topics.h"

#define BASE "https://hub.example"

static json_t *
good(void)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:s,s:[s],s:s}", "title",
	    "Falls at night", "what_happened", "Two *falls*.\n\nAt night.",
	    "what_we_learned", "Lights #NightSafety", "content_type",
	    "case-study", "country", "Wales", "topics", "medication-safety",
	    "setting", "Care home");
}

/* The errors of good() with key set to v (stolen; NULL deletes key):
 * whether exactly one error is about field and its message has want. */
static int
one_error(const struct topics *ts, const char *key, json_t *v,
    const char *field, const char *want)
{
	struct learning_error le[LEARNING_ERRORS_MAX];
	struct learning l;
	json_t *doc = good();
	int n;

	if (v == NULL)
		json_object_del(doc, key);
	else
		json_object_set_new(doc, key, v);
	n = learning_parse(doc, ts, &l, le, LEARNING_ERRORS_MAX);
	learning_clear(&l);
	json_decref(doc);
	if (n != 1 || strcmp(le[0].field, field) != 0 ||
	    strstr(le[0].msg, want) == NULL) {
		printf("# %d errors; first %s: %s\n", n, n ? le[0].field : "-",
		    n ? le[0].msg : "-");
		return 0;
	}
	return 1;
}

static char *
repeat(char c, size_t n)
{
	char *s = malloc(n + 1);

	memset(s, c, n);
	s[n] = '\0';
	return s;
}

static void
validation(const struct topics *ts)
{
	struct learning_error le[LEARNING_ERRORS_MAX];
	struct learning l;
	json_t *doc = good();
	char *long_s;
	int n;

	n = learning_parse(doc, ts, &l, le, LEARNING_ERRORS_MAX);
	ok(n == 0 && !strcmp(l.title, "Falls at night") &&
		!strcmp(l.type->slug, "case-study") &&
		!strcmp(l.licence->slug, "cc-by-4.0") && l.naud == 1 &&
		!strcmp(l.aud[0]->slug, "everyone") && l.ntopics == 1 &&
		l.section[2] == NULL && !strcmp(l.plain[2], "Wales"),
	    "a valid post: defaults for licence (CC BY 4.0) and audience");
	learning_clear(&l);
	json_decref(doc);
	ok(one_error(ts, "title", NULL, "title", "Title is needed"),
	    "missing title");
	ok(one_error(ts, "title", json_string("  \n "), "title", "needed"),
	    "blank title");
	ok(one_error(
	       ts, "title", json_string("two\nlines"), "title", "one line"),
	    "a title of two lines");
	long_s = repeat('t', 201);
	ok(one_error(ts, "title", json_string(long_s), "title", "201"),
	    "a title over 200 characters");
	free(long_s);
	ok(one_error(ts, "title", json_integer(3), "title", "must be text"),
	    "a title that is not text");
	ok(one_error(ts, "what_happened", NULL, "what_happened",
	       "What happened is needed"),
	    "missing what happened");
	ok(one_error(ts, "what_we_learned", json_string(""), "what_we_learned",
	       "needed"),
	    "empty what we learned");
	long_s = repeat('s', LEARNING_SECTION_MAX + 1);
	ok(one_error(ts, "evidence_of_impact", json_string(long_s),
	       "evidence_of_impact", "the limit is 20000"),
	    "an over-long section");
	free(long_s);
	/* 20,000 two-byte characters are within the limit: characters,
	 * not bytes, are counted. */
	long_s = malloc(2 * LEARNING_SECTION_MAX + 1);
	for (n = 0; n < LEARNING_SECTION_MAX; n++)
		memcpy(long_s + 2 * n, "\xc3\xa9", 2);
	long_s[2 * LEARNING_SECTION_MAX] = '\0';
	doc = good();
	json_object_set_new(doc, "resources", json_string(long_s));
	n = learning_parse(doc, ts, &l, le, LEARNING_ERRORS_MAX);
	ok(n == 0, "20000 characters of é are within the limit");
	learning_clear(&l);
	json_decref(doc);
	free(long_s);
	ok(one_error(ts, "what_happened", json_string("bad \x01 byte"),
	       "what_happened", "control characters"),
	    "control characters in a section");
	ok(one_error(ts, "what_happened", json_string_nocheck("bad \xff"),
	       "what_happened", "control characters"),
	    "invalid UTF-8 in a section");
	ok(one_error(ts, "setting", json_string("a\tb"), "setting", "one line"),
	    "a tab in a context field");
	ok(one_error(ts, "content_type", json_string("poem"), "content_type",
	       "case-study"),
	    "an unknown content type lists the choices");
	ok(one_error(ts, "content_type", NULL, "content_type", "Choose"),
	    "a missing content type");
	ok(one_error(ts, "licence", json_string("gpl"), "licence", "cc-by-4.0"),
	    "an unknown licence");
	ok(one_error(ts, "audience", json_pack("[s]", "aliens"), "audience",
	       "Audience"),
	    "an unknown audience");
	ok(one_error(
	       ts, "audience", json_string("staff"), "audience", "a list"),
	    "an audience that is not a list");
	ok(one_error(ts, "topics", json_pack("[s]", "no-such-topic"), "topics",
	       "no-such-topic"),
	    "an unknown topic is named");
	ok(one_error(ts, "topics", json_pack("[s]", "MedicationSafety"),
	       "topics", "There is no topic"),
	    "topics go by slug, not hashtag");
	ok(one_error(ts, "topics",
	       json_pack("[s,s,s,s,s,s,s,s,s,s,s,s,s]", "a", "b", "c", "d", "e",
		   "f", "g", "h", "i", "j", "k", "l", "m"),
	       "topics", "at most 12"),
	    "at most 12 topics");
	ok(one_error(NULL, "topics", json_pack("[s]", "medication-safety"),
	       "topics", "no topic"),
	    "without a vocabulary every topic is unknown");
	doc = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "title", "",
	    "what_happened", "x", "what_we_learned", "x", "content_type", "x",
	    "licence", "x", "specialty", "a\nb");
	n = learning_parse(doc, ts, &l, le, 2);
	ok(n == 4 && !strcmp(le[0].field, "title") &&
		!strcmp(le[1].field, "specialty"),
	    "every error is counted, in form order; at most max are kept");
	learning_clear(&l);
	json_decref(doc);
	doc = json_string("x");
	n = learning_parse(doc, ts, &l, le, 1);
	json_decref(doc);
	ok(n == 1 && !strcmp(le[0].field, "learning"),
	    "a value that is not an object");
	learning_clear(&l);
}

static void
pii(const struct topics *ts)
{
	struct learning_error le[LEARNING_ERRORS_MAX], one;
	struct learning l;
	json_t *doc = good(), *f = json_array();
	int n;

	json_object_set_new(doc, "what_we_learned",
	    json_string("We learned.\nNHS number 943 476 5919 ok"));
	json_object_set_new(doc, "setting", json_string("Ward, jo@nhs.net"));
	n = learning_parse(doc, ts, &l, le, LEARNING_ERRORS_MAX);
	ok(n == 0 && learning_pii(&l, &one, f) == 2,
	    "patient identifiers in two fields");
	ok(!strcmp(one.field, "what_we_learned") &&
		!strncmp(one.msg, "What we learned, line 2, column 12: ", 36) &&
		strstr(one.msg, "943") == NULL,
	    "the first names the field, line and column: %s", one.msg);
	ok(json_array_size(f) == 2 &&
		!strcmp(json_string_value(
			    json_object_get(json_array_get(f, 1), "field")),
		    "setting") &&
		!strcmp(json_string_value(
			    json_object_get(json_array_get(f, 0), "kind")),
		    "nhs") &&
		json_integer_value(
		    json_object_get(json_array_get(f, 0), "line")) == 2,
	    "findings: field, line, column, kind, advice");
	learning_clear(&l);
	json_decref(doc);
	json_decref(f);
	doc = json_pack("{s:s}", "title", "Baby born 03/04/2024 on the ward");
	f = learning_refusal(NULL, ts, "NHS 943 476 5919", "cw", 1, "no");
	ok(json_array_size(json_object_get(f, "findings")) == 1 &&
		!strcmp(json_string_value(json_object_get(
			    json_array_get(json_object_get(f, "findings"), 0),
			    "field")),
		    "text"),
	    "a note's refusal: findings in text");
	json_decref(f);
	f = learning_refusal(doc, ts, NULL, NULL, 1, "no");
	ok(json_array_size(json_object_get(f, "fields")) == 3 &&
		json_object_get(f, "findings") == NULL,
	    "field errors come before findings");
	json_decref(f);
	json_decref(doc);
}

static void
render(const struct topics *ts)
{
	struct learning_error le[LEARNING_ERRORS_MAX];
	char tags[TEXT_MAX_TAGS][TEXT_TAG_MAX + 1];
	struct learning_doc d;
	struct learning l;
	json_t *doc = good();
	char *long_s;
	int n;

	json_object_set_new(doc, "setting", json_string("<b>Care</b> & home"));
	n = learning_parse(doc, ts, &l, le, LEARNING_ERRORS_MAX);
	ok(n == 0 && learning_render(&l, BASE, &d) == 0, "renders");
	ok(strstr(d.content,
	       "<h2>What happened</h2><p>Two <em>falls</em>"
	       ".</p><p>At night.</p><h2>What we learned</h2>") != NULL &&
		strstr(d.content, "What we changed") == NULL,
	    "content: each present section as h2 + its HTML");
	ok(strstr(d.content,
	       "Care setting: &lt;b&gt;Care&lt;/b&gt; &amp; "
	       "home") != NULL &&
		strstr(d.content, "<strong>Case study</strong>") != NULL &&
		strstr(d.content,
		    "href=\"https://creativecommons.org/licenses/by/4.0/\"") !=
		    NULL,
	    "context line escaped; content type and licence lines");
	ok(!strcmp(d.summary, "Two falls. At night."),
	    "summary: plain text of what happened (%s)", d.summary);
	ok(!strcmp(json_string_value(json_object_get(d.ext, "type")),
	       "LearningPost") &&
		!strcmp(json_string_value(json_array_get(
			    json_object_get(d.ext, "topics"), 0)),
		    BASE "/topics/medication-safety") &&
		!strcmp(json_string_value(json_object_get(d.ext, "licence")),
		    "https://creativecommons.org/licenses/by/4.0/"),
	    "ext: type, topic URLs, licence URL");
	ok(!strcmp(json_string_value(json_object_get(d.source, "licence")),
	       "cc-by-4.0") &&
		json_object_get(d.source, "what_we_changed") == NULL,
	    "source: the API shape, defaults filled in");
	n = learning_hashtags(&l, tags, TEXT_MAX_TAGS);
	ok(n == 2 && !strcmp(tags[0], "medicationsafety") &&
		!strcmp(tags[1], "nightsafety"),
	    "hashtags: the topic's, then the text's, lowercase");
	learning_doc_clear(&d);
	learning_clear(&l);
	long_s = repeat('w', 400);
	memcpy(long_s + 290, " ", 1);
	json_object_set_new(doc, "what_happened", json_string(long_s));
	free(long_s);
	n = learning_parse(doc, ts, &l, le, LEARNING_ERRORS_MAX);
	ok(n == 0 && learning_render(&l, BASE, &d) == 0 &&
		strlen(d.summary) == 290 + 3 &&
		!strcmp(d.summary + 290, "\xe2\x80\xa6"),
	    "a long excerpt is cut at a word boundary with …");
	learning_doc_clear(&d);
	learning_clear(&l);
	json_decref(doc);
}

static void
context(void)
{
	struct buf b;
	json_t *doc, *ctx, *inner;
	const char *terms[] = { "LearningPost", "contentType", "audience",
		"licence", "whatHappened", "topics", NULL };
	int i, all = 1;

	buf_init(&b, 0);
	ok(fed_learning_context_doc(BASE, &b) == 0, "the context document");
	doc = json_loadb(b.data, b.len, 0, NULL);
	ctx = json_object_get(doc, "@context");
	inner = json_object_get(json_object_get(ctx, "learning"), "@context");
	for (i = 0; terms[i]; i++)
		all &= json_object_get(inner, terms[i]) != NULL;
	ok(json_object_get(ctx, "audience") == NULL &&
		json_real_value(json_object_get(ctx, "@version")) == 1.1,
	    "JSON-LD 1.1, the terms scoped to the learning object");
	ok(all &&
		!strcmp(json_string_value(json_object_get(ctx, "hub")),
		    BASE "/ns/learning#"),
	    "it defines the terms under BASE/ns/learning#");
	json_decref(doc);
	buf_free(&b);
	buf_init(&b, 0);
	fed_as2_wrap_base(&b, ST_CTX_LEARNING, BASE, "{\"a\":1}", 7);
	ok(b.data &&
		!strcmp(b.data,
		    "{\"@context\":[\"https://www.w3.org/ns/"
		    "activitystreams\",\"" BASE "/ns/learning\","
		    "{\"sensitive\":\"as:sensitive\",\"Hashtag\":"
		    "\"as:Hashtag\"}],\"a\":1}"),
	    "wrapped: AS, the learning context, the inline terms");
	buf_free(&b);
	doc = json_pack("{s:s,s:{s:s,s:{s:s,s:s}}}", "type", "Announce",
	    "object", "type", "Create", "object", "type", "Article", "x", "y");
	ok(fed_as2_ctx_of(doc) == ST_CTX_AS, "a plain Announce: AS");
	json_object_set_new(
	    json_object_get(json_object_get(doc, "object"), "object"),
	    "learning",
	    json_pack(
		"{s:s,s:s}", "type", "LearningPost", "contentType", "tool"));
	ok(fed_as2_ctx_of(doc) == ST_CTX_LEARNING,
	    "Announce{Create{learning Article}}: the learning context");
	json_decref(doc);
}

static void
clean(void)
{
	json_t *v, *c;

	v = json_pack("{s:s,s:s,s:[s,s],s:s,s:s,s:s,s:[s],s:s}", "type",
	    "LearningPost", "contentType", "research", "audience", "staff",
	    "patients", "licence",
	    "https://creativecommons.org/publicdomain/zero/1.0/",
	    "whatHappened", "<p>ok<script>alert(1)</script></p>", "setting",
	    "<b>Ward</b> 5", "topics", "https://other.example/topics/psii",
	    "unknownProp", "x");
	c = fed_learning_clean(v);
	ok(c != NULL &&
		strstr(json_string_value(json_object_get(c, "whatHappened")),
		    "script") == NULL &&
		!strcmp(json_string_value(json_object_get(c, "setting")),
		    "Ward 5") &&
		json_object_get(c, "unknownProp") == NULL &&
		json_array_size(json_object_get(c, "audience")) == 2,
	    "a peer's object: HTML sanitized, plain fields plain, unknown "
	    "properties dropped");
	json_decref(c);
	json_object_set_new(v, "contentType", json_string("bogus"));
	ok(fed_learning_clean(v) == NULL, "an unknown content type: dropped");
	json_object_set_new(v, "contentType", json_string("research"));
	json_object_set_new(v, "audience", json_pack("[s]", "martians"));
	ok(fed_learning_clean(v) == NULL, "an unknown audience: dropped");
	json_object_set_new(v, "audience", json_pack("[]"));
	json_object_set_new(v, "topics", json_pack("[s]", "javascript:x"));
	ok(fed_learning_clean(v) == NULL, "a topic that is not a URL: dropped");
	json_object_del(v, "topics");
	json_object_set_new(v, "licence", json_string("https://evil/"));
	ok(fed_learning_clean(v) == NULL, "an unknown licence: dropped");
	json_object_del(v, "licence");
	json_object_set_new(v, "whatHappened", json_integer(5));
	ok(fed_learning_clean(v) == NULL, "a section that is not text");
	json_object_del(v, "whatHappened");
	ok(fed_learning_clean(v) == NULL, "no what happened: dropped");
	json_decref(v);
	v = json_string("x");
	ok(fed_learning_clean(v) == NULL && fed_learning_clean(NULL) == NULL,
	    "not an object: dropped");
	json_decref(v);
}

static void
cite(void)
{
	json_t *doc =
	    json_pack("{s:s,s:s,s:s,s:s,s:s,s:[{s:s,s:s},{s:s,s:s}],s:{s:s}}",
		"id", "https://hub.example/users/al/statuses/42", "url",
		"https://hub.example/users/al/statuses/42", "name",
		"50% of {falls} & #1 ~ ^_\\ at night", "summary",
		"Line one\r\nline two", "published", "2026-03-04T05:06:07Z",
		"tag", "type", "Hashtag", "name", "#FallsPrevention", "type",
		"Mention", "name", "@x@y", "learning", "licence",
		"https://creativecommons.org/licenses/by/4.0/");
	struct buf b;

	buf_init(&b, 0);
	ok(learning_cite(doc, "Al O'Neil", "Safety Hub", LEARNING_RIS, &b) ==
		    0 &&
		!strcmp(b.data,
		    "TY  - ELEC\r\n"
		    "TI  - 50% of {falls} & #1 ~ ^_\\ at night\r\n"
		    "AU  - Al O'Neil\r\n"
		    "PY  - 2026\r\n"
		    "DA  - 2026/03/04\r\n"
		    "UR  - https://hub.example/users/al/statuses/42\r\n"
		    "AB  - Line one line two\r\n"
		    "KW  - FallsPrevention\r\n"
		    "PB  - Safety Hub\r\n"
		    "N1  - CC BY 4.0\r\n"
		    "ER  - \r\n"),
	    "RIS: tags in order, line breaks folded, a KW per hashtag");
	buf_free(&b);
	buf_init(&b, 0);
	ok(learning_cite(doc, "Al O'Neil", "S&P {hub}", LEARNING_BIBTEX, &b) ==
		    0 &&
		!strcmp(b.data,
		    "@misc{aloneil202642,\n"
		    "  title = {{50\\% of "
		    "\\textbraceleft{}falls\\textbraceright{} "
		    "\\& \\#1 "
		    "\\textasciitilde{} \\textasciicircum{}\\_\\textbackslash{}"
		    " at night}},\n"
		    "  author = {Al O'Neil},\n"
		    "  year = {2026},\n"
		    "  howpublished = "
		    "{\\url{https://hub.example/users/al/statuses/42}},\n"
		    "  url = {https://hub.example/users/al/statuses/42},\n"
		    "  publisher = {S\\&P "
		    "\\textbraceleft{}hub\\textbraceright{}},\n"
		    "  note = {Licence: CC BY 4.0}\n"
		    "}\n"),
	    "BibTeX: every special escaped, a key from author, year, id");
	buf_free(&b);
	json_decref(doc);
}

/* A peer's hostile title and "published": no entry can be closed or
 * a new one started. */
static void
cite_hostile(void)
{
	json_t *doc =
	    json_pack("{s:s,s:s,s:s,s:s}", "id", "https://eve.example/n/9",
		"type", "Article", "name", "T}}@misc(x, title=\"Injected\")",
		"published", "}}@x-01-01T00:00:00Z");
	struct buf b;
	size_t i;
	int depth = 0, neg = 0, ats = 0;

	buf_init(&b, 0);
	ok(learning_cite(doc, "Eve}", "Hub", LEARNING_BIBTEX, &b) == 0 &&
		b.data != NULL,
	    "BibTeX of a hostile peer's post");
	for (i = 0; b.data && i < b.len; i++) {
		depth += b.data[i] == '{' ? 1 : b.data[i] == '}' ? -1 : 0;
		neg |= depth < 0;
		ats += b.data[i] == '@';
	}
	ok(depth == 0 && !neg && ats == 1 && b.data &&
		strstr(b.data, "year") == NULL &&
		!strncmp(b.data, "@misc{eve9,", 11),
	    "BibTeX: braces stay balanced, one entry, no year from a "
	    "malformed date");
	buf_free(&b);
	buf_init(&b, 0);
	ok(learning_cite(doc, "Eve", "Hub", LEARNING_RIS, &b) == 0 && b.data &&
		strstr(b.data, "PY  - ") == NULL &&
		strstr(b.data, "DA  - ") == NULL,
	    "RIS: no year or date from a malformed date");
	buf_free(&b);
	json_decref(doc);
}

int
main(void)
{
	struct err e;
	struct topics *ts = topics_load(NULL, &e);

	ok(ts != NULL, "the built-in topics load");
	validation(ts);
	pii(ts);
	render(ts);
	context();
	clean();
	cite();
	cite_hostile();
	topics_free(ts);
	return done_testing();
}
