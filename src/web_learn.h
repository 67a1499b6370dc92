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

#endif
