/* web_account.h: the pages to sign up, sign in, sign out and change a
 * password. */
#ifndef HUB_WEB_ACCOUNT_H
#define HUB_WEB_ACCOUNT_H

struct http_req;

int web_signin_get(struct http_req *r);
int web_signin_post(struct http_req *r);
int web_signout_post(struct http_req *r);
int web_signup_get(struct http_req *r);
int web_signup_post(struct http_req *r);
int web_password_get(struct http_req *r);
int web_password_post(struct http_req *r);

#endif
