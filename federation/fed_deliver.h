/* fed_deliver.h: the delivery worker. One thread drives a libcurl multi
 * handle: it takes due jobs from the queue in LMDB, keeps up to 64
 * requests in flight with at most per_host to one host (connections are
 * kept alive and reused), signs each request right before it goes out
 * (DESIGN rule 3), and writes the outcomes back in batches through the
 * writer: sent (the job goes), a permanent refusal (4xx other than 401,
 * 408, 429: the job goes), or a retry after a backoff like Mastodon's,
 * (tries^4 + 15) seconds plus jitter, 16 tries in all (about three
 * days), or after the answer's Retry-After (429, 503; at most a day). A
 * crash loses nothing: jobs leave the queue only once answered.
 *
 * Instance health: each host's failures in a row are kept in LMDB. A
 * host that has failed for longer than unavailable_after seconds is
 * marked unavailable: its jobs are dropped and no new ones are queued,
 * until it contacts us with a valid signature or an admin runs
 * "hubctl queue retry HOST". */
#ifndef HUB_FED_DELIVER_H
#define HUB_FED_DELIVER_H

#include <stdint.h>

struct err;
struct fed_fetch_cfg;
struct st_db;
struct st_txn;

#define FED_DELIVER_TRIES	      16
#define FED_DELIVER_PER_HOST	      4
#define FED_DELIVER_UNAVAILABLE_AFTER (7 * 86400)

struct fed_deliver;

/* Start the worker thread over db; cfg is copied (its key fields are
 * ignored: each job is signed with its actor's key). per_host requests
 * at most to one host; a host failing for more than unavailable_after
 * seconds is marked unavailable. */
struct fed_deliver *fed_deliver_start(struct st_db *db,
    const struct fed_fetch_cfg *cfg, int per_host, long unavailable_after,
    struct err *e);
/* New jobs were queued: look now rather than at the next poll. */
void fed_deliver_kick(struct fed_deliver *d);
/* Stop after the requests in flight; jobs not started stay queued. */
void fed_deliver_stop(struct fed_deliver *d);

/* The delay before try n (1-based), without jitter. */
uint64_t fed_deliver_backoff(uint32_t tries);

/* Whether the host of inbox is marked unavailable: deliveries to it are
 * not queued. */
int fed_deliver_unavailable(struct st_txn *t, const char *inbox);
/* host contacts us again: forget its failures, inside t. Returns 0, or
 * ST_NOTFOUND when it had none; *was_unavailable says whether it was
 * marked unavailable (may be NULL). */
int fed_deliver_revive_txn(
    struct st_txn *t, const char *host, int *was_unavailable);
/* A valid signed request came from url's host: forget its failures
 * (through the writer, without waiting; nothing is written when it has
 * none). Cheap enough for every inbox POST. */
void fed_deliver_revive(struct st_db *db, const char *url);

#endif
