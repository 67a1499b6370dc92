/* web_admin.h: the moderation and administration pages. /moderation
 * (the hub's moderators and admins, and communities' moderators): the
 * reports queue, posts held for review, join requests, removals and
 * bans; /admin (admins): members and their roles, sign-ups waiting for
 * approval, domain blocks and the delivery queue's health per instance.
 * Every action is a POST form with a CSRF token, done on the api_worker
 * through the same hub_* functions as the member API and hubctl. */
#ifndef HUB_WEB_ADMIN_H
#define HUB_WEB_ADMIN_H

struct http_req;

/* GET /moderation; POST /moderation/c/GROUP/ACTION (accept, reject,
 * approve, deny, remove, ban, unban), /moderation/delete and
 * /moderation/disable. */
int web_moderation_get(struct http_req *r);
int web_moderation_post(struct http_req *r);

/* GET /admin; POST /admin/users/NAME/ACTION (role, disable, enable,
 * approve, reject), /admin/block and /admin/unblock. */
int web_admin_get(struct http_req *r);
int web_admin_post(struct http_req *r);

#endif
