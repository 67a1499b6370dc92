#include "web_learn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "fed_learning.h"
#include "http.h"
#include "hub.h"
#include "learning.h"
#include "page.h"
#include "web.h"

/* ---- the JSON-LD context ---- */

int
web_learn_context(struct http_req *r)
{
	const char *const h[] = { "Cache-Control", "public, max-age=86400",
		"Access-Control-Allow-Origin", "*", NULL };
	const char *accept = http_header(r, "Accept");
	struct buf b;
	int rc;

	buf_init(&b, 64 * 1024);
	if (fed_learning_context_doc(r->srv->cfg->base_url, &b) != 0) {
		buf_free(&b);
		return http_error(r, 500, "out of memory");
	}
	/* JSON-LD processors ask for application/ld+json; a plain JSON
	 * client gets the same document as application/json. */
	rc = http_send(r, 200,
	    accept && strstr(accept, "application/json") &&
		    !strstr(accept, "ld+json")
		? "application/json"
		: "application/ld+json",
	    b.data, b.len, h);
	buf_free(&b);
	return rc;
}
