/* web_learn.h: learning posts on the web: the JSON-LD context they are
 * served under (GET /ns/learning), the "Share learning" form (GET/POST
 * /learn/new, and /learn/edit?id=IRI for an edit), the structured view
 * of a learning post on its page, and its citations (GET
 * /cite?id=IRI&format=ris|bib). */
#ifndef HUB_WEB_LEARN_H
#define HUB_WEB_LEARN_H

#include <jansson.h>

struct buf;
struct http_req;

/* GET /ns/learning: the context document, application/ld+json. */
int web_learn_context(struct http_req *r);

struct config;
struct topics;

/* GET /learn/new: the "Share learning" form (members only; ?community=
 * preselects one). POST /learn/new: Preview, or Publish; field errors
 * are shown next to their fields with every value kept, and nothing is
 * published (422). */
int web_learn_new_get(struct http_req *r);
int web_learn_new_post(struct http_req *r);
/* GET /learn/edit?id=IRI: the same form, filled from the post's source;
 * POST /learn/edit saves it (an Update to wherever it went). Only the
 * author's own local learning posts. */
int web_learn_edit_get(struct http_req *r);
int web_learn_edit_post(struct http_req *r);
/* GET /drafts/edit?id=N: the member's learning draft in the Share
 * learning form (saved, submitted or published from there). */
int web_learn_draft_get(struct http_req *r);

/* GET /cite?id=IRI&format=ris|bib: a citation of a post the reader may
 * read, as a download (application/x-research-info-systems or
 * application/x-bibtex, Content-Disposition: attachment). */
int web_learn_cite(struct http_req *r);

/* A list's view of note when it is a learning post (fed_learning_is):
 * the "Learning" label with its content type, its title linked to its
 * page (its own path when cfg says it is local, else /notes?id=; cfg
 * may be NULL), and its plain excerpt. Returns 1, or 0 (nothing added) for any
 * other note. */
int web_learn_item(struct buf *b, const struct config *cfg, const json_t *note);
/* The post page's view of a learning post: its title as the page's h1,
 * content type, audience and context, each section as h2 + content,
 * topics linked to /topics/SLUG (ts: this hub's vocabulary), licence,
 * permanent link, and (local posts) the RIS and BibTeX downloads.
 * Returns 1, or 0 (nothing added) for any other note. */
int web_learn_full(struct buf *b, const struct config *cfg,
    const struct topics *ts, const json_t *note);

#endif
