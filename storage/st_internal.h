/* st_internal.h: what the storage modules share among themselves; never
 * included above storage/. */
#ifndef HUB_ST_INTERNAL_H
#define HUB_ST_INTERNAL_H

#include <lmdb.h>
#include <pthread.h>
#include <stdint.h>

enum st_dbi {
	DBI_META,      /* name -> value: schema, last_id, counters */
	DBI_IRIS,      /* iri -> be64 object id */
	DBI_OBJECTS,   /* be64 id -> st_obj header + JSON bytes served */
	DBI_ACTORS,    /* be64 id -> encoded actor record (no secrets) */
	DBI_NAMES,     /* lowercase local name -> be64 actor id */
	DBI_ACCOUNTS,  /* be64 id -> password hash, private key */
	DBI_OUTBOX,    /* be64 actor, be64 ~note id -> activity, vis, JSON */
	DBI_TAGS,      /* tag NUL be64 ~note id -> (empty) */
	DBI_TOKENS,    /* sha256(token) -> be64 actor id, be64 created */
	DBI_STATS,     /* be64 actor id -> be64 posts, be64 last_active */
	DBI_FOLLOWS,   /* be64 follower, be64 followee -> state, be64 follow */
	DBI_FOLLOWERS, /* be64 followee, be64 follower -> the same */
	DBI_SEEN,      /* activity iri -> be64 time first seen */
	DBI_QUEUE,    /* be64 due, be64 job -> signer, activity, tries, inbox */
	DBI_TIMELINE, /* be64 owner, be64 note id -> (empty): home timelines */
	DBI_REPLIES,  /* be64 parent, be64 reply -> (empty) */
	DBI_REACTS,   /* be64 note, u8 type, be64 actor -> be64 activity */
	DBI_NOTIFY,   /* be64 owner, be64 id -> type, actor, object, time */
	DBI_REPORTS,  /* be64 0 or group, be64 id -> flag, reporter, target,
		       time, group */
	DBI_GLISTS,   /* be64 group, u8 list, bytes -> (empty): mods, bans */
	DBI_INSTANCES, /* lowercase host -> delivery health (st_instance.h) */
	DBI_PENDING,   /* be64 group, be64 note -> be64 author, be64 time */
	DBI_ANON,      /* anonymous posts' drafts and queue (st_anon.c) */
	DBI_SESSIONS,  /* browser sessions (st_session.c) */
	DBI_BLOCKS,    /* host -> be64 since, reason: domain blocks */
	DBI_PUBLIC,    /* be64 note, be64 actor -> (empty): the public outbox
			  entries of every actor, for the local feed */
	DBI_FEATURED,  /* be64 ~position -> note, since, by (st_featured.c) */
	DBI_DRAFTS,    /* be64 id -> a draft under review (st_review.c) */
	DBI_REVIEW_INDEX, /* the review queue and each member's drafts */
	DBI_REVIEW_LOG,	  /* be64 draft, be64 seq -> a comment or decision */
	DBI_SEARCH_TERMS, /* term -> sorted dups be64 doc, u8 bits
			     (MDB_DUPSORT | MDB_DUPFIXED; st_search.c) */
	DBI_SEARCH_DOCS,  /* be64 doc -> metadata, terms (st_search.c) */
	DBI_COUNT
};

struct st_op;

struct st_db {
	MDB_env *env;
	/* Held shared by every top-level transaction, exclusively to remap
	 * after another process grew the map (LMDB allows mdb_env_set_mapsize
	 * only while no transaction of this process is active). */
	pthread_rwlock_t resize;
	MDB_dbi dbi[DBI_COUNT];
	pthread_mutex_t mu;
	pthread_cond_t work_cv; /* writer waits for ops */
	pthread_cond_t done_cv; /* st_write() callers wait */
	struct st_op *head, *tail;
	pthread_t writer;
	int writer_running;
	int stopping;
	uint64_t batches, ops;
	int search_off; /* st_search_enable(db, 0): benchmarks only */
};

struct st_txn {
	MDB_txn *txn;
	struct st_db *db;
	int write;
};

/* Map an LMDB code to ST_*. */
int st_from_mdb(int rc);

/* Top-level transactions, with the resize lock: begin (following a map
 * grown by another process), and commit or abort (which release it).
 * Never begin one on a thread that already holds one. */
int st_txn_open(struct st_db *db, unsigned flags, MDB_txn **txn);
int st_txn_commit(struct st_db *db, MDB_txn *txn);
void st_txn_abort(struct st_db *db, MDB_txn *txn);

static inline MDB_dbi
st_dbi(struct st_txn *t, enum st_dbi which)
{
	return t->db->dbi[which];
}

/* The pair key (a, b) (st_pair_key) with an empty value in database
 * which: put it, or delete it (ST_NOTFOUND when it was not there). */
int st_pair_put(struct st_txn *t, enum st_dbi which, uint64_t a, uint64_t b);
int st_pair_del(struct st_txn *t, enum st_dbi which, uint64_t a, uint64_t b);
/* Whether the pair is there (1) or not (0). */
int st_pair_has(struct st_txn *t, enum st_dbi which, uint64_t a, uint64_t b);

#endif
