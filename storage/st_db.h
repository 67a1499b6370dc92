/* st_db.h: the LMDB environment, its named databases, the schema version,
 * and the one write path (a writer thread with group commit).
 *
 * This is the only layer that calls mdb_*. Callers above see opaque
 * handles and ST_* codes. */
#ifndef HUB_ST_DB_H
#define HUB_ST_DB_H

#include <stddef.h>
#include <stdint.h>

struct err;
struct st_db;
struct st_txn;

/* Return codes: 0 is success. */
#define ST_NOTFOUND (-1) /* no such key */
#define ST_EXISTS   (-2) /* key already present */
#define ST_EIO	    (-3) /* LMDB or disk failure */
#define ST_FULL	    (-4) /* map_size reached */
#define ST_SCHEMA   (-5) /* schema newer than this program */
#define ST_INVAL    (-6) /* caller's input is not acceptable */
#define ST_NOINIT   (-7) /* no hub data here yet */
#define ST_GONE	    (-8) /* object or actor deleted */

/* 2: reports name their community (40-byte values; 32-byte ones, of 1,
 * still read), instances keep their software's form of community posts.
 * A program of version 1 would drop the new reports: it must refuse.
 * 3: a "public" index of local public posts for the home page, filled
 * from the outboxes on upgrade; and pages hide the content of blocked
 * servers: a version 2 program would miss new posts in the index and
 * show blocked content, so it must refuse.
 * 4: the full-text index (st_search.h), filled from the stored notes and
 * actors on upgrade; a version 3 program would leave deleted and edited
 * posts findable by their old words, so it must refuse. */
#define ST_SCHEMA_VERSION 4

/* st_db_open flags */
#define ST_CREATE 1 /* make the directory and schema if missing */

/* Open (and with ST_CREATE, initialise) the environment in dir. Clears
 * reader slots left by crashed processes. Returns 0, ST_NOINIT when dir
 * holds no hub data and ST_CREATE was not given, ST_SCHEMA for a newer
 * schema, ST_EIO otherwise; e says what and what to do. */
int st_db_open(struct st_db **out, const char *dir, long long map_size,
    int flags, struct err *e) __attribute__((warn_unused_result));
/* Stop the writer (after it drains its queue) and close. */
void st_db_close(struct st_db *db);

/* Start the writer thread; from then on st_write() hands work to it so
 * that concurrent callers share one durable commit. Without it (hubctl),
 * st_write() runs its own write transaction. */
int st_writer_start(struct st_db *db, struct err *e);

/* A unit of work, run inside a (nested) write transaction. Return 0 to
 * keep its changes, or a negative code with e set to discard them alone;
 * other callers' work in the same batch is unaffected. */
typedef int (*st_write_fn)(struct st_txn *t, void *arg, struct err *e);
/* Called on the writer thread once the batch holding the work is durable
 * (rc 0) or has failed (rc < 0, e set). */
typedef void (*st_done_fn)(void *ctx, int rc, const struct err *e);

/* Run fn and return only after its changes are durable on disk.
 * Returns fn's code, or ST_EIO/ST_FULL when the commit failed. */
int st_write(struct st_db *db, st_write_fn fn, void *arg, struct err *e)
    __attribute__((warn_unused_result));
/* Queue fn; done(ctx, ...) is called after the durable commit. Needs the
 * writer thread. Returns 0 when queued, ST_INVAL when not running. */
int st_write_async(
    struct st_db *db, st_write_fn fn, void *arg, st_done_fn done, void *ctx);

/* Read transactions: cheap, on any thread, at most one open per thread.
 * Data fetched through accessors is copied out, so it outlives the txn. */
int st_read_begin(struct st_db *db, struct st_txn **out);
void st_read_end(struct st_txn *t);

/* A fresh, time-ordered 64-bit id: milliseconds since 1970 shifted left
 * 16 bits, bumped past the last id handed out. Write txns only. */
int st_id_next(struct st_txn *t, uint64_t *id);
/* Counters kept in the meta database. */
int st_counter_add(struct st_txn *t, const char *name, int64_t delta);
uint64_t st_counter_get(struct st_txn *t, const char *name);

/* Number of writer batches and ops committed so far (for benchmarks). */
void st_writer_stats(struct st_db *db, uint64_t *batches, uint64_t *ops);

/* Hot, consistent, compacted copy of the environment into dir (created
 * if missing, must hold no data.mdb). */
int st_db_backup(struct st_db *db, const char *dir, struct err *e);

/* Map the used part of the data file into this process's page tables
 * (reading it from disk if needed), so that the first requests after a
 * start do not each pay page faults. Skipped (ST_INVAL) when the data is
 * larger than max_bytes. *bytes receives the size mapped. Blocks a remap
 * while it runs; run it on its own thread and join it before closing. */
int st_db_prewarm(struct st_db *db, size_t max_bytes, size_t *bytes);

/* Schema version stored in the environment. */
int st_db_schema(struct st_db *db, unsigned *version);

/* Entries per named database: calls cb(name, entries) for each. */
int st_db_stat(struct st_db *db,
    void (*cb)(void *ctx, const char *name, size_t entries), void *ctx);

/* Human text for an ST_* code. */
const char *st_strerror(int rc);

#endif
