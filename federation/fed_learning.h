/* fed_learning.h: the vocabulary of structured learning posts (an
 * Article with a "learning" extension object, served under the hub's
 * JSON-LD context BASE/ns/learning) and the cleaning of such objects
 * arriving from other hubs. Shared by src/learning.c (which validates a
 * member's fields) and fed_inbox (which keeps a peer's). */
#ifndef HUB_FED_LEARNING_H
#define HUB_FED_LEARNING_H

#include <stddef.h>
#include <jansson.h>

struct buf;

/* Characters of one section: a long case study fits (about 3,000
 * words), and ten sections of it stay far below the 1 MiB body limit
 * peers apply to fetched documents (INTEROP "Robustness"). */
#define LEARNING_SECTION_MAX 20000
/* All sections together, characters. */
#define LEARNING_TOTAL_MAX  60000
#define LEARNING_TITLE_MAX  200
#define LEARNING_FIELD_MAX  200 /* setting, specialty, country */
#define LEARNING_TOPICS_MAX 12
#define LEARNING_EXCERPT    300 /* characters of the plain summary */

/* A term of a fixed list: content types, audiences, licences. */
struct fed_learning_term {
	const char *slug;  /* "case-study"; NULL ends a list */
	const char *label; /* "Case study" */
	const char *url;   /* licences: the deed's URL; else NULL */
	const char *hint;  /* a plain explanation, or NULL */
};

extern const struct fed_learning_term fed_learning_types[];
extern const struct fed_learning_term fed_learning_audiences[];
extern const struct fed_learning_term fed_learning_licences[];

/* The term of list with that slug (exact), or NULL. */
const struct fed_learning_term *fed_learning_term(
    const struct fed_learning_term *list, const char *slug);
/* The licence whose URL is url, or NULL. */
const struct fed_learning_term *fed_learning_licence_by_url(const char *url);

/* The Markdown sections in the order pages show them. */
struct fed_learning_section {
	const char *key;   /* the API's name: "what_happened" */
	const char *prop;  /* the extension property: "whatHappened" */
	const char *label; /* the heading: "What happened" */
	int required;
	const char *hint; /* guidance shown under the field */
};
extern const struct fed_learning_section
    fed_learning_sections[]; /* NULL key ends */

/* The plain one-line context fields: setting, specialty, country (API
 * name and property are the same). NULL-terminated. */
extern const char *const fed_learning_plain[];

/* The namespace and context document path, below the hub's base URL. */
#define FED_LEARNING_NS_PATH "/ns/learning"

/* Append the JSON-LD context document served at BASE/ns/learning to
 * out. Returns 0 or -1. */
int fed_learning_context_doc(const char *base_url, struct buf *out);

/* A peer's "learning" object v cleaned: only known properties, strings
 * capped, section HTML sanitized (fed_html_sanitize), plain fields made
 * plain text, contentType/audience/licence checked against the lists,
 * topics kept as http(s) URLs. Returns a new object, or NULL when v is
 * absent or malformed in any way (the note is then shown as plain
 * content). */
json_t *fed_learning_clean(const json_t *v);

/* Whether the stored note doc carries a valid-looking learning object
 * (type LearningPost with a known contentType). */
int fed_learning_is(const json_t *doc);

#endif
