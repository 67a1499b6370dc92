/* profile.h: a member changes how others see them (display name, bio,
 * avatar, locked account); the change is stored in their actor record
 * and document and sent to their followers as Update{Person}. Used by
 * hubd (the settings page) and hubctl ("user set"). */
#ifndef HUB_PROFILE_H
#define HUB_PROFILE_H

struct err;
struct hub;

#define HUB_DISPLAY_MAX 100  /* characters of a display name */
#define HUB_BIO_MAX	2000 /* characters of a bio */
#define HUB_AVATAR_MAX	500  /* bytes of an avatar URL */

/* What to change; NULL (locked: -1) leaves a part as it is. */
struct hub_profile {
	const char *display_name; /* "" shows the name instead */
	const char *summary;	  /* plain text; the hub renders it */
	const char *avatar;	  /* an https: URL (or this hub's), "" none */
	int locked;		  /* 1: follow requests wait for approval */
};

/* Check p against the rules above. Returns 0, or HUB_INVALID with the
 * form field at fault ("display_name", "summary", "avatar") in field
 * (cap >= 16) and e saying what to do. base_url: the hub's own. */
int hub_profile_check(const struct hub_profile *p, const char *base_url,
    char *field, struct err *e);

/* Store p for the local member name (durable write) and queue an
 * Update{Person} to each distinct inbox of their followers in the same
 * transaction. *queued (may be NULL) counts the deliveries. Returns 0,
 * HUB_INVALID, ST_NOTFOUND, ST_GONE or ST_*; e says why. */
int hub_profile_set(struct hub *h, const char *name,
    const struct hub_profile *p, int *queued, struct err *e);

#endif
