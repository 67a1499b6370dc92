#include "web_topics.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "http.h"
#include "hub.h"
#include "page.h"
#include "st_db.h"
#include "topics.h"
#include "web.h"
#include "web_home.h"

/* One group's topics as a list of links with their descriptions. */
static void
group_list(struct buf *b, const struct topics *ts, const char *group)
{
	size_t i;

	buf_adds(b, "<section aria-labelledby=\"g-");
	page_text(b, group);
	buf_adds(b, "\"><h2 id=\"g-");
	page_text(b, group);
	buf_adds(b, "\">");
	page_text(b, topics_group_label(group));
	buf_adds(b, "</h2><ul>");
	for (i = 0; i < ts->n; i++) {
		if (strcmp(ts->v[i].group, group) != 0)
			continue;
		buf_adds(b, "<li><a href=\"/topics/");
		page_text(b, ts->v[i].slug);
		buf_adds(b, "\">");
		page_text(b, ts->v[i].label);
		buf_adds(b, "</a> <span>#");
		page_text(b, ts->v[i].hashtag);
		buf_adds(b, "</span><p>");
		page_text(b, ts->v[i].desc);
		buf_adds(b, "</p></li>");
	}
	buf_adds(b, "</ul></section>");
}

int
web_topics(struct http_req *r)
{
	const struct page_viewer *v = web_viewer(r);
	struct buf b;
	size_t g;

	buf_init(&b, 0);
	page_begin(&b, r->srv->cfg, v, "Topics", NULL);
	buf_adds(&b,
	    "<h1>Topics</h1><p>The patient-safety topics of this hub. Each "
	    "topic lists the posts, from here and from other servers, that "
	    "carry its hashtag.</p>");
	for (g = 0; topics_groups[g] != NULL; g++)
		group_list(&b, r->srv->topics, topics_groups[g]);
	page_end(&b);
	return web_send(r, 200, &b, NULL);
}

/* The topic's heading, description, source and stable address. */
static void
topic_head(struct buf *b, const struct config *cfg, const struct topic *tp,
    const char *tag, int has_feed, const char *feed)
{
	buf_adds(b, "<h1>");
	page_text(b, tp->label);
	buf_adds(b, "</h1><p>");
	page_text(b, tp->desc);
	buf_adds(b, "</p><dl><dt>Group</dt><dd>");
	page_text(b, topics_group_label(tp->group));
	buf_adds(b, "</dd><dt>Source</dt><dd>");
	page_text(b, tp->source);
	buf_adds(b, "</dd><dt>Hashtag</dt><dd><a href=\"/tags/");
	page_text(b, tag);
	buf_adds(b, "\">#");
	page_text(b, tp->hashtag);
	buf_adds(b, "</a></dd><dt>Address</dt><dd><a href=\"");
	page_text(b, cfg->base_url);
	buf_adds(b, "/topics/");
	page_text(b, tp->slug);
	buf_adds(b, "\">");
	page_text(b, cfg->base_url);
	buf_adds(b, "/topics/");
	page_text(b, tp->slug);
	buf_adds(b, "</a></dd></dl><h2>Posts</h2>");
	if (has_feed)
		page_feed_anchors(b, feed);
}

int
web_topic(struct http_req *r)
{
	const struct config *cfg = r->srv->cfg;
	const struct page_viewer *v;
	const struct topic *tp;
	const char *before_s = http_query(r, "before");
	char slug[TOPIC_SLUG_MAX + 2], tag[TOPIC_HASHTAG_MAX + 1];
	char feed[700], path[TOPIC_SLUG_MAX + 16];
	unsigned long long before = 0;
	struct st_txn *t;
	struct buf b, items;
	char *end;
	int i, shown;

	if (http_path_arg(r, 0, slug, sizeof(slug)) < 0 ||
	    (tp = topics_by_slug(r->srv->topics, slug)) == NULL)
		return http_error(r, 404,
		    "there is no such topic here: see the list of topics");
	errno = 0;
	if (before_s != NULL &&
	    (!isdigit((unsigned char)before_s[0]) ||
		(before = strtoull(before_s, &end, 10)) == 0 || *end != '\0' ||
		errno == ERANGE))
		return http_error(r, 400,
		    "that page address is not right: follow the links of "
		    "the topic's page");
	/* Tags are stored lowercase (web_tag, feed_tag). */
	for (i = 0; tp->hashtag[i] != '\0'; i++)
		tag[i] = (char)tolower((unsigned char)tp->hashtag[i]);
	tag[i] = '\0';
	snprintf(path, sizeof(path), "/topics/%s", tp->slug);
	snprintf(feed, sizeof(feed), "%s/tags/%s/feed", cfg->base_url, tag);
	if (st_read_begin(r->srv->hub->db, &t) != 0)
		return http_error(r, 503, "storage is not available");
	v = web_viewer_tx(r, t);
	buf_init(&items, 0);
	shown = web_tag_posts(&items, t, tag, before, path);
	st_read_end(t);
	buf_init(&b, 0);
	/* The hashtag's feeds exist once it has a public post. */
	page_begin_feeds(&b, cfg, v, tp->label, NULL, shown > 0 ? feed : NULL);
	topic_head(&b, cfg, tp, tag, shown > 0, feed);
	buf_add(&b, items.data ? items.data : "", items.len);
	buf_free(&items);
	page_end(&b);
	return web_send(r, 200, &b, NULL);
}
