/* account.h: members signing in from a browser: password checks,
 * sessions (random 256-bit tokens, stored as their SHA-256 digest),
 * password changes and sign-up. Calls that hash or verify a password
 * take tens of milliseconds of CPU: run them on a worker, never on an
 * HTTP pool thread. */
#ifndef HUB_ACCOUNT_H
#define HUB_ACCOUNT_H

#include <stdint.h>

struct hub;
struct err;

#define ACCOUNT_TOKEN_LEN    64 /* hex characters */
#define ACCOUNT_SESSION_DAYS 30

/* Returned by account_login besides 0 and ST_*. */
#define ACCOUNT_BAD	 (-40) /* wrong name or password (one message) */
#define ACCOUNT_PENDING	 (-41) /* right password, waits for an admin */
#define ACCOUNT_DISABLED (-42) /* right password, account disabled */

/* Who a session or a password belongs to. */
struct account_who {
	uint64_t id;
	char name[32];
	char display[128];
	int role; /* enum st_role */
};

/* Check name and password. An unknown name costs the same time as a
 * wrong password, and gets the same answer (ACCOUNT_BAD). */
int account_login(struct hub *h, const char *name, const char *password,
    struct account_who *w, struct err *e);
/* A new session of actor: its token (hex, NUL-terminated) goes to out. */
int account_session_new(struct hub *h, uint64_t actor,
    char out[ACCOUNT_TOKEN_LEN + 1], struct err *e);
/* The enabled member a live session belongs to: 0 or ST_NOTFOUND
 * (unknown, expired, or the member is disabled or deleted). */
int account_session_check(
    struct hub *h, const char *token, struct account_who *w);
/* The same inside the read (or write) transaction t, so that a page
 * reads its viewer and its data in one transaction. */
struct st_txn;
int account_session_check_tx(
    struct st_txn *t, const char *token, struct account_who *w);
/* End a session (sign out); 0 also when there was none. */
int account_session_end(struct hub *h, const char *token);
/* Change actor's password after checking the current one; every other
 * session of the member ends (keep_token, if not NULL, stays). */
int account_password_change(struct hub *h, uint64_t actor, const char *current,
    const char *fresh, const char *keep_token, struct err *e);
/* Check a new password's rules (10 to 256 characters, not the name). */
int account_password_rules(
    const char *name, const char *password, struct err *e);

#endif
