/* topics.h: the patient-safety topic vocabulary (conf/topics.tsv), read
 * once at start by hubd and hubctl and then only looked up. Each topic is
 * a page, /topics/SLUG, listing the posts that carry its hashtag. */
#ifndef HUB_TOPICS_H
#define HUB_TOPICS_H

#include <stddef.h>

struct err;

#define TOPIC_SLUG_MAX	  63
#define TOPIC_HASHTAG_MAX 63
#define TOPIC_LABEL_MAX	  95
#define TOPIC_DESC_MAX	  399
#define TOPIC_SOURCE_MAX  95

struct topic {
	char slug[TOPIC_SLUG_MAX + 1];	     /* "medication-safety" */
	char hashtag[TOPIC_HASHTAG_MAX + 1]; /* "MedicationSafety", no '#' */
	char label[TOPIC_LABEL_MAX + 1];     /* "Medication safety" */
	const char *group;		     /* one of topics_groups[] */
	char desc[TOPIC_DESC_MAX + 1];
	char source[TOPIC_SOURCE_MAX + 1]; /* "PSIRF, NHS England 2022" */
};

struct topics {
	struct topic *v; /* in file order */
	size_t n;
};

/* The groups, in the order pages show them, NULL-terminated. */
extern const char *const topics_groups[];
/* A group's heading: "Areas of care", ... ("" for an unknown group). */
const char *topics_group_label(const char *group);

/* The copy of conf/topics.tsv built into the program. */
const char *topics_default_text(void);

/* Parse text (len bytes) into a new vocabulary. name is used in messages
 * ("topics.tsv:7: ..."). Returns the owned vocabulary (free it with
 * topics_free), or NULL with "name:line: message" in e. */
struct topics *topics_parse(
    const char *text, size_t len, const char *name, struct err *e);

/* Load path, or the built-in copy when path is NULL or "". Returns an
 * owned vocabulary or NULL with e set. */
struct topics *topics_load(const char *path, struct err *e);

void topics_free(struct topics *t);

/* The topic with that slug (exact) or hashtag (ASCII case-insensitive,
 * without '#'), or NULL. Borrowed: valid as long as t. */
const struct topic *topics_by_slug(const struct topics *t, const char *slug);
const struct topic *topics_by_hashtag(
    const struct topics *t, const char *hashtag);

#endif
