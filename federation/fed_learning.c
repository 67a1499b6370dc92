#include "fed_learning.h"

#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>

#include "buf.h"
#include "fed_html.h"
#include "text.h"

const struct fed_learning_term fed_learning_types[] = {
	{ "experience", "Personal experience", NULL,
	    "what happened to you or your team, and your reflections" },
	{ "case-study", "Case study", NULL,
	    "one case looked at closely, with what it teaches" },
	{ "good-practice", "Good practice", NULL,
	    "something that works well and others could adopt" },
	{ "improvement", "Improvement project", NULL,
	    "a quality-improvement project: aim, changes, measures" },
	{ "tool", "Tool", NULL,
	    "a checklist, template or resource you made or use" },
	{ "opinion", "Opinion", NULL, "your view, argued with reasons" },
	{ "research", "Research summary", NULL,
	    "a study or review, summarised for practice" },
	{ NULL, NULL, NULL, NULL },
};

const struct fed_learning_term fed_learning_audiences[] = {
	{ "everyone", "Everyone", NULL, NULL },
	{ "staff", "Health and care staff", NULL, NULL },
	{ "patients", "Patients, families and carers", NULL, NULL },
	{ "leaders", "Leaders and managers", NULL, NULL },
	{ "safety-leads", "Patient safety leads", NULL, NULL },
	{ "researchers", "Researchers", NULL, NULL },
	{ NULL, NULL, NULL, NULL },
};

const struct fed_learning_term fed_learning_licences[] = {
	{ "cc-by-4.0", "CC BY 4.0",
	    "https://creativecommons.org/licenses/by/4.0/",
	    "anyone may share and adapt it, crediting you" },
	{ "cc-by-sa-4.0", "CC BY-SA 4.0",
	    "https://creativecommons.org/licenses/by-sa/4.0/",
	    "as CC BY, and adaptations must carry the same licence" },
	{ "cc-by-nc-4.0", "CC BY-NC 4.0",
	    "https://creativecommons.org/licenses/by-nc/4.0/",
	    "as CC BY, but not for commercial use" },
	{ "cc0-1.0", "CC0 1.0 (public domain)",
	    "https://creativecommons.org/publicdomain/zero/1.0/",
	    "you give up your rights: anyone may use it for anything" },
	{ "all-rights-reserved", "All rights reserved",
	    "https://rightsstatements.org/vocab/InC/1.0/",
	    "others may read it and link to it, not copy or adapt it" },
	{ NULL, NULL, NULL, NULL },
};

const struct fed_learning_section fed_learning_sections[] = {
	{ "what_happened", "whatHappened", "What happened", 1,
	    "The problem or the events, in your own words. Leave out "
	    "anything that could identify a patient or a colleague." },
	{ "what_we_learned", "whatWeLearned", "What we learned", 1,
	    "The learning point: what others can take from this." },
	{ "what_we_changed", "whatWeChanged", "What we changed", 0,
	    "The changes you made, or plan to make, because of it." },
	{ "evidence_of_impact", "evidenceOfImpact", "Evidence of impact", 0,
	    "Data, measures or feedback showing what difference it "
	    "made." },
	{ "resources", "resources", "Resources and links", 0,
	    "Links to guidance, tools or papers (one per line)." },
	{ NULL, NULL, NULL, 0, NULL },
};

const char *const fed_learning_plain[] = { "setting", "specialty", "country",
	NULL };

const struct fed_learning_term *
fed_learning_term(const struct fed_learning_term *list, const char *slug)
{
	for (; slug != NULL && list->slug != NULL; list++)
		if (!strcmp(list->slug, slug))
			return list;
	return NULL;
}

const struct fed_learning_term *
fed_learning_licence_by_url(const char *url)
{
	const struct fed_learning_term *l;

	for (l = fed_learning_licences; url != NULL && l->slug; l++)
		if (!strcmp(l->url, url))
			return l;
	return NULL;
}

/* The terms of the "learning" object: name, then its JSON definition
 * under the namespace prefix "hub". They are scoped to that object
 * (JSON-LD 1.1 property-scoped context): "audience" here must not
 * redefine ActivityStreams' audience (the community, FEP-1b12) on the
 * Article itself. */
static const char *const ctx_terms[][2] = {
	{ "LearningPost", "\"hub:LearningPost\"" },
	{ "contentType", "\"hub:contentType\"" },
	{ "reviewed",
	    "{\"@id\":\"hub:reviewed\",\"@type\":\"http://www.w3.org/2001/"
	    "XMLSchema#date\"}" },
	{ "audience", "{\"@id\":\"hub:audience\",\"@container\":\"@set\"}" },
	{ "licence", "{\"@id\":\"hub:licence\",\"@type\":\"@id\"}" },
	{ "setting", "\"hub:setting\"" },
	{ "specialty", "\"hub:specialty\"" },
	{ "country", "\"hub:country\"" },
	{ "whatHappened", "\"hub:whatHappened\"" },
	{ "whatWeLearned", "\"hub:whatWeLearned\"" },
	{ "whatWeChanged", "\"hub:whatWeChanged\"" },
	{ "evidenceOfImpact", "\"hub:evidenceOfImpact\"" },
	{ "resources", "\"hub:resources\"" },
	{ "topics",
	    "{\"@id\":\"hub:topics\",\"@type\":\"@id\",\"@container\":"
	    "\"@set\"}" },
};

int
fed_learning_context_doc(const char *base_url, struct buf *out)
{
	json_t *inner = json_object(), *doc;
	char ns[600];
	char *js;
	size_t i;
	int rc = -1;

	snprintf(ns, sizeof(ns), "%s%s#", base_url, FED_LEARNING_NS_PATH);
	for (i = 0; i < sizeof(ctx_terms) / sizeof(ctx_terms[0]); i++)
		json_object_set_new(inner, ctx_terms[i][0],
		    json_loads(ctx_terms[i][1], JSON_DECODE_ANY, NULL));
	doc = json_pack("{s:{s:f,s:s,s:s,s:{s:s,s:o}}}", "@context", "@version",
	    1.1, "hub", ns, "LearningPost", "hub:LearningPost", "learning",
	    "@id", "hub:learning", "@context", inner);
	js = doc
	    ? json_dumps(doc,
		  JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(3))
	    : NULL;
	if (js != NULL && buf_adds(out, js) == 0 && buf_addc(out, '\n') == 0)
		rc = 0;
	free(js);
	json_decref(doc);
	return rc;
}

/* s made by f (fed_html_sanitize or fed_html_text) into a string of at
 * most cap bytes, or NULL when s is not a string or too long. */
static json_t *
clean_str(const json_t *v, int html, size_t cap)
{
	const char *s = json_string_value(v);
	struct buf b;
	json_t *out = NULL;

	if (s == NULL || strlen(s) > cap)
		return NULL;
	buf_init(&b, cap + 1024);
	if ((html ? fed_html_sanitize(s, strlen(s), &b)
		  : fed_html_text(s, strlen(s), &b)) == 0 &&
	    !b.failed)
		out = json_stringn(b.data ? b.data : "", b.len);
	buf_free(&b);
	return out;
}

/* An array of slugs of list (at most 16), or NULL when malformed. */
static json_t *
clean_slugs(const json_t *v, const struct fed_learning_term *list)
{
	json_t *out;
	const json_t *x;
	size_t i;

	if (!json_is_array(v) || json_array_size(v) > 16)
		return NULL;
	out = json_array();
	json_array_foreach(v, i, x)
	{
		if (fed_learning_term(list, json_string_value(x)) == NULL) {
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, json_copy((json_t *)x));
	}
	return out;
}

static json_t *
clean_topics(const json_t *v)
{
	json_t *out;
	const json_t *x;
	const char *s;
	size_t i;

	if (!json_is_array(v) || json_array_size(v) > LEARNING_TOPICS_MAX)
		return NULL;
	out = json_array();
	json_array_foreach(v, i, x)
	{
		s = json_string_value(x);
		if (s == NULL || strlen(s) > 500 ||
		    (strncmp(s, "https://", 8) && strncmp(s, "http://", 7)) ||
		    !text_utf8_valid(s, strlen(s)) || strpbrk(s, " \t\r\n")) {
			json_decref(out);
			return NULL;
		}
		json_array_append_new(out, json_string(s));
	}
	return out;
}

/* Set key of out to the cleaned v (optional: absent is fine). Returns
 * -1 when v is present but malformed. */
static int
keep(json_t *out, const char *key, const json_t *v, json_t *clean)
{
	if (v == NULL || json_is_null(v))
		return 0;
	if (clean == NULL)
		return -1;
	json_object_set_new(out, key, clean);
	return 0;
}

/* Whether s is an ISO date, YYYY-MM-DD (the editors' review). */
static int
is_date(const char *s)
{
	static const char form[] = "dddd-dd-dd";
	size_t i;

	if (s == NULL || strlen(s) != sizeof(form) - 1)
		return 0;
	for (i = 0; form[i]; i++)
		if (form[i] == 'd' ? !isdigit((unsigned char)s[i])
				   : s[i] != form[i])
			return 0;
	return 1;
}

json_t *
fed_learning_clean(const json_t *v)
{
	const struct fed_learning_section *s;
	const char *const *f;
	const char *type, *ct, *lic;
	json_t *out;
	int bad = 0;

	type = json_string_value(json_object_get(v, "type"));
	ct = json_string_value(json_object_get(v, "contentType"));
	lic = json_string_value(json_object_get(v, "licence"));
	if (!json_is_object(v) || type == NULL ||
	    strcmp(type, "LearningPost") ||
	    fed_learning_term(fed_learning_types, ct) == NULL ||
	    (lic != NULL && fed_learning_licence_by_url(lic) == NULL))
		return NULL;
	out = json_pack("{s:s,s:s}", "type", "LearningPost", "contentType", ct);
	if (lic != NULL)
		json_object_set_new(out, "licence", json_string(lic));
	bad |= keep(out, "audience", json_object_get(v, "audience"),
	    clean_slugs(
		json_object_get(v, "audience"), fed_learning_audiences));
	for (f = fed_learning_plain; *f; f++)
		bad |= keep(out, *f, json_object_get(v, *f),
		    clean_str(
			json_object_get(v, *f), 0, LEARNING_FIELD_MAX * 4));
	/* Section HTML may be larger than its Markdown: links, escapes. */
	for (s = fed_learning_sections; s->key; s++)
		bad |= keep(out, s->prop, json_object_get(v, s->prop),
		    clean_str(json_object_get(v, s->prop), 1,
			LEARNING_SECTION_MAX * 8));
	bad |= keep(out, "topics", json_object_get(v, "topics"),
	    clean_topics(json_object_get(v, "topics")));
	if (is_date(json_string_value(json_object_get(v, "reviewed"))))
		json_object_set_new(
		    out, "reviewed", json_copy(json_object_get(v, "reviewed")));
	if (bad || json_object_get(out, "whatHappened") == NULL) {
		json_decref(out);
		return NULL;
	}
	return out;
}

int
fed_learning_is(const json_t *doc)
{
	const json_t *l = json_object_get(doc, "learning");

	return json_is_object(l) &&
	    !strcmp(json_string_value(json_object_get(l, "type"))
		    ? json_string_value(json_object_get(l, "type"))
		    : "",
		"LearningPost") &&
	    fed_learning_term(fed_learning_types,
		json_string_value(json_object_get(l, "contentType"))) != NULL;
}
