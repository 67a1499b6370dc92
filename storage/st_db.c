#include "st_db.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "err.h"
#include "st_enc.h"
#include "st_internal.h"
#include "st_object.h"
#include "st_search.h"

/* Largest number of callers' units of work in one transaction. */
#define BATCH_MAX 1024

struct st_op {
	st_write_fn fn;
	void *arg;
	st_done_fn done; /* NULL: a st_write() caller is waiting */
	void *ctx;
	int rc;
	int finished;
	struct err e;
	struct st_op *next;
};

static const char *const dbi_names[DBI_COUNT] = {
	"meta",
	"iris",
	"objects",
	"actors",
	"names",
	"accounts",
	"outbox",
	"tags",
	"tokens",
	"actor_stats",
	"follows",
	"followers",
	"seen",
	"queue",
	"timeline",
	"replies",
	"reacts",
	"notify",
	"reports",
	"group_lists",
	"instances",
	"group_pending",
	"anon",
	"sessions",
	"blocks",
	"public",
	"featured",
	"drafts",
	"review_index",
	"review_log",
	"search_terms",
	"search_docs",
};

const char *
st_strerror(int rc)
{
	switch (rc) {
	case 0: return "ok";
	case ST_NOTFOUND: return "not found";
	case ST_EXISTS: return "already exists";
	case ST_EIO: return "storage failure";
	case ST_FULL: return "the database is full (raise map_size)";
	case ST_SCHEMA: return "schema is newer than this program";
	case ST_INVAL: return "invalid input";
	case ST_NOINIT: return "no hub data here";
	case ST_GONE: return "deleted";
	default: return "unknown error";
	}
}

int
st_from_mdb(int rc)
{
	switch (rc) {
	case MDB_SUCCESS: return 0;
	case MDB_NOTFOUND: return ST_NOTFOUND;
	case MDB_KEYEXIST: return ST_EXISTS;
	case MDB_MAP_FULL: return ST_FULL;
	default: return ST_EIO;
	}
}

static int
meta_get_u64(MDB_txn *txn, MDB_dbi dbi, const char *name, uint64_t *v)
{
	MDB_val k = { strlen(name), (void *)name }, d;
	int rc;

	if ((rc = mdb_get(txn, dbi, &k, &d)) != 0)
		return rc;
	if (d.mv_size != 8)
		return MDB_CORRUPTED;
	*v = st_get_be64(d.mv_data);
	return 0;
}

static int
meta_put_u64(MDB_txn *txn, MDB_dbi dbi, const char *name, uint64_t v)
{
	unsigned char b[8];
	MDB_val k = { strlen(name), (void *)name }, d = { 8, b };

	st_put_be64(b, v);
	return mdb_put(txn, dbi, &k, &d, 0);
}

/* Schema 3: one "public" entry (note, actor) per public outbox entry,
 * as st_outbox_add() keeps them from now on. */
static int
public_backfill(MDB_txn *txn, struct st_db *db)
{
	MDB_val k, d, pk, pd = { 0, "" };
	unsigned char kb[16];
	MDB_cursor *c;
	int rc;

	if ((rc = mdb_cursor_open(txn, db->dbi[DBI_OUTBOX], &c)) != 0)
		return rc;
	rc = mdb_cursor_get(c, &k, &d, MDB_FIRST);
	while (rc == 0) {
		const unsigned char *kp = k.mv_data, *dp = d.mv_data;

		if (k.mv_size == 16 && d.mv_size >= 9 &&
		    dp[8] == ST_VIS_PUBLIC) {
			memcpy(kb, kp + 8, 8); /* note, then actor */
			memcpy(kb + 8, kp, 8);
			pk = (MDB_val){ 16, kb };
			if ((rc = mdb_put(
				 txn, db->dbi[DBI_PUBLIC], &pk, &pd, 0)) != 0)
				break;
		}
		rc = mdb_cursor_get(c, &k, &d, MDB_NEXT);
	}
	mdb_cursor_close(c);
	return rc == MDB_NOTFOUND ? 0 : rc;
}

/* Schema 4: the full-text index (st_search.h) of every stored note and
 * actor, as st_object_put/st_actor_put keep it from now on. Returns an
 * LMDB code, as the other migration steps do. */
static int
search_backfill(MDB_txn *txn, struct st_db *db)
{
	struct st_txn t = { txn, db, 1 };

	switch (st_search_backfill(&t)) {
	case 0: return 0;
	case ST_FULL: return MDB_MAP_FULL;
	default: return MDB_PANIC;
	}
}

/* Open every named database and check or create the schema version. */
static int
open_schema(struct st_db *db, int flags, struct err *e)
{
	MDB_txn *txn;
	uint64_t ver;
	int rc, i;

	if ((rc = st_txn_open(db, 0, &txn)) != 0)
		return err_set(e, "cannot start a transaction: %s",
			   mdb_strerror(rc)),
		       ST_EIO;
	for (i = 0; i < DBI_COUNT; i++) {
		/* A term's postings are its sorted 9-byte values (st_search.c).
		 */
		unsigned f =
		    i == DBI_SEARCH_TERMS ? MDB_DUPSORT | MDB_DUPFIXED : 0;

		rc = mdb_dbi_open(
		    txn, dbi_names[i], MDB_CREATE | f, &db->dbi[i]);
		if (rc != 0)
			goto fail;
	}
	rc = meta_get_u64(txn, db->dbi[DBI_META], "schema", &ver);
	if (rc == MDB_NOTFOUND && !(flags & ST_CREATE)) {
		st_txn_abort(db, txn);
		return err_set(e,
			   "no hub data here yet: run "
			   "\"hubctl init\" first"),
		       ST_NOINIT;
	}
	if (rc == MDB_NOTFOUND) {
		ver = ST_SCHEMA_VERSION;
		if ((rc = meta_put_u64(txn, db->dbi[DBI_META], "schema", ver)))
			goto fail;
	} else if (rc != 0)
		goto fail;
	if (ver > ST_SCHEMA_VERSION) {
		st_txn_abort(db, txn);
		return err_set(e,
			   "this data has schema version %llu, but "
			   "this program knows only up to version %d: run a "
			   "newer "
			   "hub release, or restore a backup made by this one",
			   (unsigned long long)ver, ST_SCHEMA_VERSION),
		       ST_SCHEMA;
	}
	/* Migrations from older versions go here, in this transaction. A
	 * new named database needs none: it is created above, empty, and
	 * older programs never open it ("instances" came so). 1 -> 2 reads
	 * the old records as they are: only the version moves, so that
	 * version 1 programs refuse the data from now on. 2 -> 3 fills the
	 * "public" index from the outboxes; version 2 programs would miss
	 * it and serve the content of blocked servers (st_block.h) on
	 * pages, so they must refuse the data. 3 -> 4 fills the full-text
	 * index (st_search.h); version 3 programs would not keep it, and
	 * deleted posts would stay findable, so they must refuse. */
	if (ver < 3 && (rc = public_backfill(txn, db)) != 0)
		goto fail;
	if (ver < 4 && (rc = search_backfill(txn, db)) != 0)
		goto fail;
	if (ver < ST_SCHEMA_VERSION &&
	    (rc = meta_put_u64(
		 txn, db->dbi[DBI_META], "schema", ST_SCHEMA_VERSION)) != 0)
		goto fail;
	if ((rc = st_txn_commit(db, txn)) != 0)
		return err_set(e, "cannot commit schema: %s", mdb_strerror(rc)),
		       st_from_mdb(rc);
	return 0;
fail:
	st_txn_abort(db, txn);
	err_set(e, "cannot open the databases: %s", mdb_strerror(rc));
	return st_from_mdb(rc);
}

static void rwlock_init(pthread_rwlock_t *l);

static int
make_dir(const char *dir, int flags, struct err *e)
{
	struct stat sb;
	char data[4096];

	if (stat(dir, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		snprintf(data, sizeof(data), "%s/data.mdb", dir);
		if (stat(data, &sb) != 0 && !(flags & ST_CREATE))
			return err_set(e,
				   "%s holds no hub data yet: run "
				   "\"hubctl init\" first",
				   dir),
			       ST_NOINIT;
		return 0;
	}
	if (!(flags & ST_CREATE))
		return err_set(e,
			   "data_dir %s does not exist: run \"hubctl "
			   "init\" first",
			   dir),
		       ST_NOINIT;
	if (mkdir(dir, 0700) != 0)
		return err_set(e, "cannot create %s: %s", dir, strerror(errno)),
		       ST_EIO;
	return 0;
}

int
st_db_open(struct st_db **out, const char *dir, long long map_size, int flags,
    struct err *e)
{
	struct st_db *db;
	int rc, dead = 0;

	*out = NULL;
	if ((rc = make_dir(dir, flags, e)) != 0)
		return rc;
	if ((db = calloc(1, sizeof(*db))) == NULL)
		return err_set(e, "out of memory"), ST_EIO;
	pthread_mutex_init(&db->mu, NULL);
	rwlock_init(&db->resize);
	pthread_cond_init(&db->work_cv, NULL);
	pthread_cond_init(&db->done_cv, NULL);
	if ((rc = mdb_env_create(&db->env)) != 0 ||
	    (rc = mdb_env_set_maxdbs(db->env, DBI_COUNT + 4)) != 0 ||
	    (rc = mdb_env_set_maxreaders(db->env, 256)) != 0 ||
	    (rc = mdb_env_set_mapsize(db->env, (size_t)map_size)) != 0 ||
	    (rc = mdb_env_open(db->env, dir, MDB_NOTLS, 0600)) != 0) {
		err_set(e, "cannot open the database in %s: %s", dir,
		    mdb_strerror(rc));
		st_db_close(db);
		return ST_EIO;
	}
	/* A process killed with -9 leaves its reader slots behind. */
	mdb_reader_check(db->env, &dead);
	if ((rc = open_schema(db, flags, e)) != 0) {
		st_db_close(db);
		return rc;
	}
	*out = db;
	return 0;
}

static void *writer_main(void *arg);

int
st_writer_start(struct st_db *db, struct err *e)
{
	int rc;

	if ((rc = pthread_create(&db->writer, NULL, writer_main, db)) != 0)
		return err_set(e, "cannot start the writer: %s", strerror(rc)),
		       ST_EIO;
	db->writer_running = 1;
	return 0;
}

void
st_db_close(struct st_db *db)
{
	if (db == NULL)
		return;
	if (db->writer_running) {
		pthread_mutex_lock(&db->mu);
		db->stopping = 1;
		pthread_cond_signal(&db->work_cv);
		pthread_mutex_unlock(&db->mu);
		pthread_join(db->writer, NULL);
	}
	if (db->env != NULL)
		mdb_env_close(db->env);
	pthread_rwlock_destroy(&db->resize);
	pthread_cond_destroy(&db->work_cv);
	pthread_cond_destroy(&db->done_cv);
	pthread_mutex_destroy(&db->mu);
	free(db);
}

static void
rwlock_init(pthread_rwlock_t *l)
{
	pthread_rwlockattr_t a;

	/* Prefer the remapping thread, or steady reads could starve it. */
	pthread_rwlockattr_init(&a);
	pthread_rwlockattr_setkind_np(
	    &a, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(l, &a);
	pthread_rwlockattr_destroy(&a);
}

int
st_txn_open(struct st_db *db, unsigned flags, MDB_txn **txn)
{
	int rc;

	pthread_rwlock_rdlock(&db->resize);
	rc = mdb_txn_begin(db->env, NULL, flags, txn);
	if (rc != MDB_MAP_RESIZED) {
		if (rc != 0)
			pthread_rwlock_unlock(&db->resize);
		return rc;
	}
	/* Another process grew the map: remap while no transaction of
	 * ours is active, then try again. */
	pthread_rwlock_unlock(&db->resize);
	pthread_rwlock_wrlock(&db->resize);
	rc = mdb_env_set_mapsize(db->env, 0);
	pthread_rwlock_unlock(&db->resize);
	if (rc != 0)
		return rc;
	pthread_rwlock_rdlock(&db->resize);
	if ((rc = mdb_txn_begin(db->env, NULL, flags, txn)) != 0)
		pthread_rwlock_unlock(&db->resize);
	return rc;
}

int
st_txn_commit(struct st_db *db, MDB_txn *txn)
{
	int rc = mdb_txn_commit(txn);

	pthread_rwlock_unlock(&db->resize);
	return rc;
}

void
st_txn_abort(struct st_db *db, MDB_txn *txn)
{
	mdb_txn_abort(txn);
	pthread_rwlock_unlock(&db->resize);
}

/* A write transaction: top-level (with the resize lock) or a child. */
static int
begin_write(struct st_db *db, MDB_txn *parent, MDB_txn **txn)
{
	if (parent != NULL)
		return mdb_txn_begin(db->env, parent, 0, txn);
	return st_txn_open(db, 0, txn);
}

/* An op that failed without saying why gets the code's text. */
static void
default_msg(struct err *e, int rc)
{
	if (e != NULL && e->msg[0] == '\0')
		err_set(e, "%s", st_strerror(rc));
}

/* Run one op in a child transaction of parent. */
static void
run_op(struct st_db *db, MDB_txn *parent, struct st_op *op)
{
	struct st_txn t = { NULL, db, 1 };
	int rc;

	if ((rc = begin_write(db, parent, &t.txn)) != 0) {
		op->rc = st_from_mdb(rc);
		err_set(
		    &op->e, "cannot start a transaction: %s", mdb_strerror(rc));
		return;
	}
	op->rc = op->fn(&t, op->arg, &op->e);
	if (op->rc != 0) {
		default_msg(&op->e, op->rc);
		mdb_txn_abort(t.txn);
		return;
	}
	if ((rc = mdb_txn_commit(t.txn)) != 0) {
		op->rc = st_from_mdb(rc);
		err_set(
		    &op->e, "cannot apply the change: %s", mdb_strerror(rc));
	}
}

/* One batch: every op in a child txn of one parent txn, one durable
 * commit for all, then every caller is told. */
static void
run_batch(struct st_db *db, struct st_op *ops)
{
	MDB_txn *parent;
	struct st_op *op, *next;
	int rc, n = 0;

	rc = begin_write(db, NULL, &parent);
	for (op = ops; op != NULL; op = op->next) {
		if (rc == 0)
			run_op(db, parent, op);
		n++;
	}
	if (rc == 0)
		rc = st_txn_commit(db, parent);
	pthread_mutex_lock(&db->mu);
	db->batches++;
	db->ops += (uint64_t)n;
	pthread_mutex_unlock(&db->mu);
	for (op = ops; op != NULL; op = next) {
		next = op->next;
		if (rc != 0 && op->rc == 0) {
			op->rc = st_from_mdb(rc);
			err_set(&op->e, "cannot save the change: %s",
			    mdb_strerror(rc));
		}
		if (op->done != NULL) {
			op->done(op->ctx, op->rc, &op->e);
			free(op);
		} else {
			pthread_mutex_lock(&db->mu);
			op->finished = 1;
			pthread_mutex_unlock(&db->mu);
		}
	}
	pthread_mutex_lock(&db->mu);
	pthread_cond_broadcast(&db->done_cv);
	pthread_mutex_unlock(&db->mu);
}

static void *
writer_main(void *arg)
{
	struct st_db *db = arg;
	struct st_op *batch, *last;
	int n;

	pthread_mutex_lock(&db->mu);
	for (;;) {
		while (db->head == NULL && !db->stopping)
			pthread_cond_wait(&db->work_cv, &db->mu);
		if (db->head == NULL && db->stopping)
			break;
		/* Take up to BATCH_MAX ops, in arrival order. */
		batch = last = db->head;
		for (n = 1; n < BATCH_MAX && last->next != NULL; n++)
			last = last->next;
		db->head = last->next;
		if (db->head == NULL)
			db->tail = NULL;
		last->next = NULL;
		pthread_mutex_unlock(&db->mu);
		run_batch(db, batch);
		pthread_mutex_lock(&db->mu);
	}
	pthread_mutex_unlock(&db->mu);
	return NULL;
}

static void
enqueue(struct st_db *db, struct st_op *op)
{
	if (db->tail != NULL)
		db->tail->next = op;
	else
		db->head = op;
	db->tail = op;
	pthread_cond_signal(&db->work_cv);
}

static int
write_direct(struct st_db *db, st_write_fn fn, void *arg, struct err *e)
{
	struct st_txn t = { NULL, db, 1 };
	int rc;

	if ((rc = st_txn_open(db, 0, &t.txn)) != 0)
		return err_set(e, "cannot start a transaction: %s",
			   mdb_strerror(rc)),
		       st_from_mdb(rc);
	if ((rc = fn(&t, arg, e)) != 0) {
		default_msg(e, rc);
		st_txn_abort(db, t.txn);
		return rc;
	}
	if ((rc = st_txn_commit(db, t.txn)) != 0)
		return err_set(
			   e, "cannot save the change: %s", mdb_strerror(rc)),
		       st_from_mdb(rc);
	return 0;
}

int
st_write(struct st_db *db, st_write_fn fn, void *arg, struct err *e)
{
	struct st_op op;

	if (e != NULL)
		e->msg[0] = '\0';
	if (!db->writer_running)
		return write_direct(db, fn, arg, e);
	memset(&op, 0, sizeof(op));
	op.fn = fn;
	op.arg = arg;
	pthread_mutex_lock(&db->mu);
	enqueue(db, &op);
	while (!op.finished)
		pthread_cond_wait(&db->done_cv, &db->mu);
	pthread_mutex_unlock(&db->mu);
	if (op.rc != 0 && e != NULL)
		*e = op.e;
	return op.rc;
}

int
st_write_async(
    struct st_db *db, st_write_fn fn, void *arg, st_done_fn done, void *ctx)
{
	struct st_op *op;

	if (!db->writer_running || done == NULL)
		return ST_INVAL;
	if ((op = calloc(1, sizeof(*op))) == NULL)
		return ST_EIO;
	op->fn = fn;
	op->arg = arg;
	op->done = done;
	op->ctx = ctx;
	pthread_mutex_lock(&db->mu);
	enqueue(db, op);
	pthread_mutex_unlock(&db->mu);
	return 0;
}

void
st_writer_stats(struct st_db *db, uint64_t *batches, uint64_t *ops)
{
	pthread_mutex_lock(&db->mu);
	*batches = db->batches;
	*ops = db->ops;
	pthread_mutex_unlock(&db->mu);
}

int
st_read_begin(struct st_db *db, struct st_txn **out)
{
	struct st_txn *t;
	int rc;

	if ((t = malloc(sizeof(*t))) == NULL)
		return ST_EIO;
	t->db = db;
	t->write = 0;
	if ((rc = st_txn_open(db, MDB_RDONLY, &t->txn)) != 0) {
		free(t);
		return st_from_mdb(rc);
	}
	*out = t;
	return 0;
}

void
st_read_end(struct st_txn *t)
{
	if (t == NULL)
		return;
	st_txn_abort(t->db, t->txn);
	free(t);
}

int
st_id_next(struct st_txn *t, uint64_t *id)
{
	struct timespec ts;
	uint64_t last = 0, now;
	int rc;

	rc = meta_get_u64(t->txn, st_dbi(t, DBI_META), "last_id", &last);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return st_from_mdb(rc);
	clock_gettime(CLOCK_REALTIME, &ts);
	now = ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000)
	    << 16;
	*id = now > last ? now : last + 1;
	return st_from_mdb(
	    meta_put_u64(t->txn, st_dbi(t, DBI_META), "last_id", *id));
}

int
st_counter_add(struct st_txn *t, const char *name, int64_t delta)
{
	char key[64];
	uint64_t v = 0;
	int rc;

	snprintf(key, sizeof(key), "count:%s", name);
	rc = meta_get_u64(t->txn, st_dbi(t, DBI_META), key, &v);
	if (rc != 0 && rc != MDB_NOTFOUND)
		return st_from_mdb(rc);
	if (delta < 0 && (uint64_t)-delta > v)
		v = 0;
	else
		v += (uint64_t)delta;
	return st_from_mdb(meta_put_u64(t->txn, st_dbi(t, DBI_META), key, v));
}

uint64_t
st_counter_get(struct st_txn *t, const char *name)
{
	char key[64];
	uint64_t v = 0;

	snprintf(key, sizeof(key), "count:%s", name);
	if (meta_get_u64(t->txn, st_dbi(t, DBI_META), key, &v) != 0)
		return 0;
	return v;
}

int
st_db_backup(struct st_db *db, const char *dir, struct err *e)
{
	char path[4096];
	int fd, dfd, rc;

	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		return err_set(e, "cannot create %s: %s", dir, strerror(errno)),
		       ST_EIO;
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	/* The copy holds private keys and password hashes: owner only,
	 * and never over an existing file. */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) <
	    0) {
		if (errno == EEXIST)
			return err_set(e,
				   "%s already holds a backup: choose "
				   "an empty directory",
				   dir),
			       ST_EXISTS;
		return err_set(
			   e, "cannot create %s: %s", path, strerror(errno)),
		       ST_EIO;
	}
	/* A read transaction inside: consistent while writers go on. */
	rc = mdb_env_copyfd2(db->env, fd, MDB_CP_COMPACT);
	if (rc == 0 && fsync(fd) != 0)
		rc = errno;
	close(fd);
	if (rc == 0 && (dfd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
		if (fsync(dfd) != 0)
			rc = errno;
		close(dfd);
	}
	if (rc != 0) {
		unlink(path);
		return err_set(
			   e, "backup to %s failed: %s", dir, mdb_strerror(rc)),
		       ST_EIO;
	}
	return 0;
}

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22 /* Linux 5.14 */
#endif

/* Where LMDB mapped data.mdb in this process: mdb_env_info's me_mapaddr
 * is only the address asked for with MDB_FIXEDMAP, so find the mapping
 * of the file's inode in /proc/self/maps. */
static const unsigned char *
map_base(struct st_db *db)
{
	unsigned long start, end, off, ino;
	char path[4096], line[4608];
	const char *dir;
	struct stat sb;
	void *base = NULL;
	FILE *f;

	if (mdb_env_get_path(db->env, &dir) != 0)
		return NULL;
	snprintf(path, sizeof(path), "%s/data.mdb", dir);
	if (stat(path, &sb) != 0 || (f = fopen("/proc/self/maps", "r")) == NULL)
		return NULL;
	while (base == NULL && fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "%lx-%lx %*s %lx %*s %lu", &start, &end, &off,
			&ino) == 4 &&
		    ino == (unsigned long)sb.st_ino && off == 0)
			base = (void *)start;
	fclose(f);
	return base;
}

int
st_db_prewarm(struct st_db *db, size_t max_bytes, size_t *bytes)
{
	volatile const unsigned char *p;
	unsigned char sink = 0;
	MDB_envinfo info;
	MDB_stat ms;
	size_t used, off;
	int rc = 0;

	*bytes = 0;
	pthread_rwlock_rdlock(&db->resize);
	if (mdb_env_info(db->env, &info) != 0 ||
	    mdb_env_stat(db->env, &ms) != 0 || (p = map_base(db)) == NULL) {
		pthread_rwlock_unlock(&db->resize);
		return ST_EIO;
	}
	used = (info.me_last_pgno + 1) * (size_t)ms.ms_psize;
	if (used > info.me_mapsize)
		used = info.me_mapsize;
	if (used > max_bytes) {
		pthread_rwlock_unlock(&db->resize);
		return ST_INVAL;
	}
	/* One call where the kernel has it; else touch every page. */
	if (madvise((void *)p, used, MADV_POPULATE_READ) != 0)
		for (off = 0; off < used; off += ms.ms_psize)
			sink ^= p[off];
	(void)sink;
	pthread_rwlock_unlock(&db->resize);
	*bytes = used;
	return rc;
}

int
st_db_schema(struct st_db *db, unsigned *version)
{
	MDB_txn *txn;
	uint64_t v = 0;
	int rc;

	if ((rc = st_txn_open(db, MDB_RDONLY, &txn)) != 0)
		return st_from_mdb(rc);
	rc = meta_get_u64(txn, db->dbi[DBI_META], "schema", &v);
	st_txn_abort(db, txn);
	*version = (unsigned)v;
	return st_from_mdb(rc);
}

int
st_db_stat(
    struct st_db *db, void (*cb)(void *, const char *, size_t), void *ctx)
{
	MDB_txn *txn;
	MDB_stat ms;
	int rc, i;

	if ((rc = st_txn_open(db, MDB_RDONLY, &txn)) != 0)
		return st_from_mdb(rc);
	for (i = 0; i < DBI_COUNT; i++) {
		if ((rc = mdb_stat(txn, db->dbi[i], &ms)) != 0)
			break;
		cb(ctx, dbi_names[i], ms.ms_entries);
	}
	st_txn_abort(db, txn);
	return st_from_mdb(rc);
}

int
st_pair_put(struct st_txn *t, enum st_dbi which, uint64_t a, uint64_t b)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb }, d = { 0, "" };

	st_pair_key(kb, a, b);
	return st_from_mdb(mdb_put(t->txn, st_dbi(t, which), &k, &d, 0));
}

int
st_pair_has(struct st_txn *t, enum st_dbi which, uint64_t a, uint64_t b)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb }, d;

	st_pair_key(kb, a, b);
	return mdb_get(t->txn, st_dbi(t, which), &k, &d) == 0;
}

int
st_pair_del(struct st_txn *t, enum st_dbi which, uint64_t a, uint64_t b)
{
	unsigned char kb[16];
	MDB_val k = { 16, kb };

	st_pair_key(kb, a, b);
	return st_from_mdb(mdb_del(t->txn, st_dbi(t, which), &k, NULL));
}
