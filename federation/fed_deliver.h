/* fed_deliver.h: the delivery worker. It reads due jobs from the queue in
 * LMDB, signs each request when it sends it (DESIGN rule 3), and records
 * the outcome: sent (the job goes), a permanent refusal (4xx other than
 * 401, 408, 429: the job goes), or a retry after a backoff like
 * Mastodon's, (tries^4 + 15) seconds plus jitter, 16 tries in all (about
 * three days). A crash loses nothing: jobs leave the queue only once
 * answered. */
#ifndef HUB_FED_DELIVER_H
#define HUB_FED_DELIVER_H

#include <stdint.h>

struct err;
struct fed_fetch_cfg;
struct st_db;

#define FED_DELIVER_TRIES 16

struct fed_deliver;

/* Start the worker thread over db; cfg is copied (its key fields are
 * ignored: each job is signed with its actor's key). */
struct fed_deliver *fed_deliver_start(struct st_db *db,
    const struct fed_fetch_cfg *cfg, struct err *e);
/* New jobs were queued: look now rather than at the next poll. */
void fed_deliver_kick(struct fed_deliver *d);
/* Stop after the requests in flight. */
void fed_deliver_stop(struct fed_deliver *d);

/* The delay before try n (1-based), without jitter. */
uint64_t fed_deliver_backoff(uint32_t tries);

#endif
