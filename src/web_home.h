/* web_home.h: the pages people land on — the home page (a visitor's
 * latest public learning, a member's home timeline), the directory of
 * communities and each community's page with Join and Leave, tag pages
 * and search. Each page reads in one LMDB read transaction; what needs
 * the network or a commit (joining, resolving a remote handle) runs on
 * the api_worker while the request waits suspended. */
#ifndef HUB_WEB_HOME_H
#define HUB_WEB_HOME_H

#include <stdint.h>

struct buf;
struct http_req;
struct st_txn;

/* GET /: ?before=ID pages to older posts. */
int web_home(struct http_req *r);
/* GET /communities: ?after=NAME pages on. */
int web_communities(struct http_req *r);
/* Whether the actor id is one of this hub's communities (then its HTML
 * page is web_community_page's). */
int web_is_community(struct st_txn *t, unsigned long long id);
/* The HTML page of the local community id, read in t (the caller's
 * transaction): ?sort=newest|active, ?before=ID (newest) or ?page=N
 * (active). */
int web_community_page(
    struct http_req *r, struct st_txn *t, unsigned long long id);
/* POST /join and /leave (field "community": its name). */
int web_join_post(struct http_req *r);
/* The public posts tagged tag (lowercase, no '#') older than before (0:
 * the newest), as the tag page lists them, appended to b, then "Older
 * posts" linking to more_path?before=ID when there are more. Returns how
 * many posts it listed. Reads in t, the caller's transaction. */
int web_tag_posts(struct buf *b, struct st_txn *t, const char *tag,
    uint64_t before, const char *more_path);
/* GET /tags/NAME as HTML: ?before=ID pages on. */
int web_tag(struct http_req *r);
/* GET /search?q=&topic=&type=&community=&author=&from=&to=&offset=:
 * the search page (search.h); bad values give 400 with the field's
 * message. */
int web_search(struct http_req *r);
/* GET /api/hub/search with the same parameters (and limit, and
 * kind=posts|people): search.h's JSON. Public; a bearer token (optional) makes the member's private
 * communities' posts findable. Bad input: 400 {"error", "field"}; a
 * bad token: 401. */
int web_api_search(struct http_req *r);

#endif
