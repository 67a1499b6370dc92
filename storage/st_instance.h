/* st_instance.h: the health of the remote instances we deliver to, one
 * record per host (its authority, lowercase: "social.example",
 * "127.0.0.1:8443"). The delivery worker keeps it; hubctl shows it. */
#ifndef HUB_ST_INSTANCE_H
#define HUB_ST_INSTANCE_H

#include <stdint.h>

struct st_txn;

struct st_instance {
	uint64_t first_failure; /* start of the failures in a row; 0: none */
	uint64_t last_success;	/* seconds since 1970; 0: never */
	uint32_t failures;	/* failed tries in a row */
	int unavailable;	/* failed too long: nothing is sent to it */
	int groups;		/* ST_GROUPS_*: how it reads a group's posts */
};

/* What an instance's software makes of a community's Announce (learnt
 * from its NodeInfo): not known, FEP-1b12 (Lemmy, Mbin, hubs: an Announce
 * wrapping the Create), or microblog (Mastodon and the like: an
 * Announce of the note's id, shown as a boost). */
enum {
	ST_GROUPS_UNKNOWN = 0, /* not asked yet: both forms */
	ST_GROUPS_WRAPPED = 1,
	ST_GROUPS_BOOST = 2,
	ST_GROUPS_ASKED = 3 /* it did not say, or is not known: both */
};

/* The record of host into in; ST_NOTFOUND when there is none. */
int st_instance_get(struct st_txn *t, const char *host, struct st_instance *in);
/* Write (replace) the record of host; ST_INVAL for a bad host. */
int st_instance_put(
    struct st_txn *t, const char *host, const struct st_instance *in);
/* Call cb for every record, in host order; stop when cb returns
 * nonzero. The host string is valid during the call only. */
int st_instance_each(struct st_txn *t,
    int (*cb)(void *ctx, const char *host, const struct st_instance *in),
    void *ctx);

#endif
