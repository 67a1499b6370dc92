/* web_social.h: the pages about people: profiles (local members at
 * their actor URL, remote actors at /profile), followers and following
 * lists, notifications with follow requests to answer, follow and
 * unfollow buttons, and the profile settings form. */
#ifndef HUB_WEB_SOCIAL_H
#define HUB_WEB_SOCIAL_H

#include <stddef.h>
#include <stdint.h>

struct http_req;
struct st_txn;

/* Whether the actor document js is a person's (their page is
 * web_profile_local's). */
int web_profile_is_person(const char *js, size_t len);
/* The HTML profile of the local member id, inside the caller's read
 * transaction t; js is their stored actor document. */
int web_profile_local(struct http_req *r, struct st_txn *t, uint64_t id,
    const char *js, size_t len, const char *etag);

/* GET /profile?id=IRI or ?acct=user@host: a remote actor. */
int web_profile_remote(struct http_req *r);
/* GET /users/NAME/followers and /following for browsers. */
int web_follow_list(struct http_req *r);
/* GET /notifications */
int web_notifications(struct http_req *r);
/* POST /follow, /unfollow, /follow-requests/approve, /reject */
int web_follow_post(struct http_req *r);
/* GET and POST /settings */
int web_settings_get(struct http_req *r);
int web_settings_post(struct http_req *r);

#endif
