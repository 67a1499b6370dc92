/* search.h: full-text search over the index storage keeps (st_search.h):
 * public local and received posts, learning posts, members and
 * communities, with filters, ranking and paging. Shared by the /search
 * page and GET /api/hub/search, which differ only in how they show the
 * answer. */
#ifndef HUB_SEARCH_H
#define HUB_SEARCH_H

#include <jansson.h>
#include <stdint.h>

struct err;
struct hub;
struct st_txn;
struct topics;

#define SEARCH_Q_CHARS	 200  /* characters of a query */
#define SEARCH_Q_BYTES	 800  /* and bytes */
#define SEARCH_WORDS	 8    /* words of a query, stop words not counted */
#define SEARCH_WINDOW	 1000 /* newest matches ranked */
#define SEARCH_LIMIT	 20   /* results of a page, by default */
#define SEARCH_LIMIT_MAX 50

/* What to look for: every string may be NULL or "" (not used). */
struct search_req {
	const char *q;	       /* words */
	const char *topic;     /* a topic's slug (topics.h) */
	const char *type;      /* a content type slug (fed_learning_types) */
	const char *community; /* name, @name@host or IRI */
	const char *author;    /* name, @name@host or IRI */
	const char *from, *to; /* YYYY-MM-DD, both days included */
	int people;	       /* 1: members and communities, not posts */
	uint64_t viewer;       /* the signed-in member (0: a visitor) */
	int offset, limit;     /* in the ranked window; limit 0: default */
};

/* Run rq in the read transaction t. Returns a new object:
 *   {"query": q, "results": [result...], "next": offset | null,
 *    "window_full": bool}
 * result: {"id", "type" ("note", "learning", "member", "community"),
 *   "title", "excerpt", "author": {"name", "handle", "id"} | null,
 *   "community": {"name", "handle", "id"} | null, "published" (ISO
 *   8601), "content_type" | null, "url", "local": bool}.
 * Ranking: among the SEARCH_WINDOW newest matches, those with more query
 * words in their title first, then the newest. A post counts as in a
 * local community (the community filter, "community" of a result)
 * only when the community announced it (st_search_in_community): not
 * while held for review, nor once refused or removed. Members-only
 * community posts are found only by the community's accepted members,
 * and only while in it; blocked servers' and deleted or disabled
 * authors' content is left out.
 * Bad input: NULL, *field names the parameter ("q", "topic", "type",
 * "community", "author", "from", "to", "offset", "limit") and e says
 * what to change, in words for people (a q that is not UTF-8 too).
 * Storage failure or out of memory: NULL, *field NULL. */
json_t *search_run(struct hub *h, const struct topics *topics, struct st_txn *t,
    const struct search_req *rq, const char **field, struct err *e);

#endif
