/* web_topics.h: the patient-safety topic pages. /topics lists the
 * vocabulary (topics.h) by group; /topics/SLUG is one topic: its label,
 * description, source and stable address, and the public posts, local
 * and remote, that carry its hashtag, with the hashtag's feeds. */
#ifndef HUB_WEB_TOPICS_H
#define HUB_WEB_TOPICS_H

struct http_req;

/* GET /topics */
int web_topics(struct http_req *r);
/* GET /topics/SLUG: ?before=ID pages to older posts; an unknown slug is
 * a 404. */
int web_topic(struct http_req *r);

#endif
