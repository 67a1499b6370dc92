#include <stdio.h>
#include <string.h>

#include "err.h"
#include "tap.h"
#include "topics.h"

#define GOOD                                                                   \
	"# a comment\n"                                                        \
	"medication-safety\tMedicationSafety\tMedication safety\tarea\t"       \
	"Medicines given safely.\tthe hub\n"                                   \
	"\n"                                                                   \
	"swarm-huddle\tSwarmHuddle\tSwarm huddle\tpsirf\tA short huddle."      \
	"\tPSIRF, NHS England 2022\r\n"

/* Parse GOOD's first line followed by line; the error is in e. */
static int
bad(const char *line, const char *want, struct err *e)
{
	char text[4096];
	struct topics *t;

	snprintf(text, sizeof(text),
	    "medication-safety\tMedicationSafety\tMedication safety\tarea\t"
	    "Medicines.\tthe hub\n%s\n",
	    line);
	e->msg[0] = '\0';
	if ((t = topics_parse(text, strlen(text), "t.tsv", e)) != NULL) {
		topics_free(t);
		return 0;
	}
	return strstr(e->msg, want) != NULL && !strncmp(e->msg, "t.tsv:2: ", 9);
}

int
main(void)
{
	struct topics *t;
	const struct topic *tp;
	struct err e;
	char big[600];

	t = topics_parse(GOOD, strlen(GOOD), "t.tsv", &e);
	ok(t != NULL && t->n == 2, "a good file gives two topics");
	tp = topics_by_slug(t, "swarm-huddle");
	ok(tp != NULL && !strcmp(tp->label, "Swarm huddle") &&
		!strcmp(tp->group, "psirf") &&
		!strcmp(tp->source, "PSIRF, NHS England 2022"),
	    "by slug, with a CRLF line end dropped");
	ok(topics_by_hashtag(t, "medicationsafety") == &t->v[0] &&
		topics_by_hashtag(t, "#MEDICATIONSAFETY") == &t->v[0],
	    "by hashtag, case-insensitive, with or without '#'");
	ok(topics_by_slug(t, "Swarm-Huddle") == NULL &&
		topics_by_hashtag(t, "Swarm") == NULL,
	    "unknown slug and hashtag give NULL");
	ok(!strcmp(
	       topics_group_label("who-icps"), "WHO patient safety classes"),
	    "group labels");
	topics_free(t);

	t = topics_load(NULL, &e);
	ok(t != NULL && t->n >= 30, "the built-in file loads (%zu topics)",
	    t ? t->n : 0);
	ok(t != NULL && topics_by_slug(t, "medication-safety") != NULL &&
		topics_by_hashtag(t, "PSII") != NULL &&
		topics_by_slug(t, "lfpse-good-care") != NULL,
	    "it has areas, PSIRF responses and LFPSE event types");
	topics_free(t);

	ok(bad("a\tB\tc\tarea\td", "expected 6 columns", &e),
	    "five columns: %s", e.msg);
	ok(bad("a\tB\tc\tarea\td\te\tf", "expected 6 columns", &e),
	    "seven columns: %s", e.msg);
	ok(bad("a\t\tc\tarea\td\te", "the hashtag is empty", &e),
	    "empty column: %s", e.msg);
	ok(bad("Bad-Slug\tB\tc\tarea\td\te", "slug", &e), "uppercase slug: %s",
	    e.msg);
	ok(bad("-a\tB\tc\tarea\td\te", "slug", &e), "leading hyphen: %s",
	    e.msg);
	ok(bad("a\t#B\tc\tarea\td\te", "hashtag", &e), "'#' in hashtag: %s",
	    e.msg);
	ok(bad("a\tB\tc\tnope\td\te", "unknown group", &e), "unknown group: %s",
	    e.msg);
	ok(bad("medication-safety\tB\tc\tarea\td\te", "used twice", &e),
	    "duplicate slug: %s", e.msg);
	ok(bad("a\tmedicationSAFETY\tc\tarea\td\te", "used twice", &e),
	    "duplicate hashtag (case-insensitive): %s", e.msg);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	{
		char line[800];

		snprintf(line, sizeof(line), "a\tB\tc\tarea\t%s\te", big);
		ok(bad(line, "description is longer", &e),
		    "long description: %s", e.msg);
	}
	ok(topics_parse("# only\n", 7, "t.tsv", &e) == NULL &&
		strstr(e.msg, "no topics") != NULL,
	    "a file with no topics: %s", e.msg);
	ok(topics_parse("a\tB\tc\tarea\td\0\te\n", 15, "t.tsv", &e) == NULL &&
		!strncmp(e.msg, "t.tsv:1: ", 9),
	    "a NUL byte: %s", e.msg);
	ok(topics_load("/nonexistent/topics.tsv", &e) == NULL &&
		strstr(e.msg, "cannot open") != NULL,
	    "a missing file: %s", e.msg);
	return done_testing();
}
