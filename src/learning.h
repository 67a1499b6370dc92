/* learning.h: a member's structured learning post (title, sections,
 * context, content type, audience, licence, topics): validated field by
 * field, checked for patient identifiers, rendered once into the
 * Article's content and its "learning" extension object, and cited as
 * RIS or BibTeX. The vocabulary is fed_learning.h's. */
#ifndef HUB_LEARNING_H
#define HUB_LEARNING_H

#include <stddef.h>
#include <jansson.h>

#include "fed_learning.h"
#include "text.h"

struct buf;
struct topic;
struct topics;

/* A field's error, for the web form (shown next to the field) and the
 * API (422 {"error", "fields": [{"field", "error"}]}). field is the API
 * name ("title", "what_happened", "topics", ...), static. */
struct learning_error {
	const char *field;
	char msg[256];
};
#define LEARNING_ERRORS_MAX 24

#define LEARNING_NSECTIONS 5
#define LEARNING_NPLAIN	   3
#define LEARNING_AUD_MAX   8

/* A learning post's fields, validated. Strings are owned (learning_clear);
 * absent optional fields are NULL. */
struct learning {
	char *title;
	char *section[LEARNING_NSECTIONS]; /* Markdown, fed_learning_sections
					      order */
	char *plain[LEARNING_NPLAIN];	   /* setting, specialty, country */
	const struct fed_learning_term *type, *licence;
	const struct fed_learning_term *aud[LEARNING_AUD_MAX];
	int naud;
	const struct topic *topics[LEARNING_TOPICS_MAX]; /* borrowed */
	int ntopics;
};

/* Validate v, the API-shape object, against the vocabulary topics (may
 * be NULL: then any topic is unknown). Fills l and up to max errors in
 * errs, in form order. Returns the number of errors (0: l is valid and
 * owns its strings); running out of memory is an error of its field.
 * Free l with learning_clear in every case. */
int learning_parse(const json_t *v, const struct topics *topics,
    struct learning *l, struct learning_error *errs, int max);
void learning_clear(struct learning *l);

/* The plain label of an API field name ("what_we_learned" -> "What we
 * learned"), for messages. */
const char *learning_field_label(const char *field);

/* Patient identifiers in the title, a section or a context field: the
 * first finding into err (field set, msg "What we learned, line 2,
 * column 14: <reason> <advice>", never the matched text). Returns the
 * number of findings (0: none). When findings is not NULL, every
 * finding is appended to it as {"field","line","column","kind",
 * "advice"}. */
int learning_pii(
    const struct learning *l, struct learning_error *err, json_t *findings);

/* What a learning post stores and federates, made once on write. */
struct learning_doc {
	char *content;	/* the full HTML: every section, context, licence */
	char *summary;	/* plain excerpt of what happened */
	json_t *ext;	/* the "learning" extension object */
	json_t *source; /* the API-shape object, defaults filled in */
};
/* Render l (Markdown through markdown_to_safe_html) with links under
 * base_url. Returns 0 or -1 (out of memory or too large). */
int learning_render(
    const struct learning *l, const char *base_url, struct learning_doc *d);
void learning_doc_clear(struct learning_doc *d);

/* The distinct hashtags of l: its topics' hashtags, then those written
 * in its sections (lowercase, no '#'), at most max. Returns how many. */
int learning_hashtags(
    const struct learning *l, char tags[][TEXT_TAG_MAX + 1], int max);

enum learning_cite_format { LEARNING_RIS = 1, LEARNING_BIBTEX = 2 };
/* A citation of the stored note doc (a learning post or any Article or
 * Note) by author (display name), at the hub named publisher, into out.
 * RIS: TY ELEC with TI, AU, PY, DA, UR, AB, KW per topic/hashtag, PB,
 * ER; line breaks in values become spaces. BibTeX: @misc with title,
 * author, year, howpublished = \url{...}, url, note = licence; the
 * specials # $ % & ~ _ ^ \ { } are escaped. Returns 0 or -1. */
int learning_cite(const json_t *doc, const char *author, const char *publisher,
    int format, struct buf *out);

/* The body of the API's 422 answer to a refused note or learning post:
 * {"error": msg}, with "fields": [{"field","error"}] when learning (may
 * be NULL) has field errors, and, when pii is set, "findings": [{"field",
 * "line","column","kind","advice"}] for the learning post's fields or a
 * note's text ("text") and content warning ("content_warning"); never
 * the matched text. Returns a new object. */
json_t *learning_refusal(const json_t *learning, const struct topics *topics,
    const char *text, const char *cw, int pii, const char *msg);

#endif
