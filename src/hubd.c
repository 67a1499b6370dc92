/* hubd: the hub's server. */
#include <curl/curl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "err.h"
#include "http.h"
#include "inbox.h"
#include "hub.h"
#include "log.h"
#include "fed_deliver.h"
#include "fed_fetch.h"
#include "routes.h"
#include "worker.h"
#include "st_db.h"
#include "st_follow.h"
#include "topics.h"

/* Prewarm the data in the background: at most half the machine's RAM. */
static void *
prewarm_main(void *arg)
{
	struct hub *hub = arg;
	long pages = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);
	size_t max =
	    pages > 0 && psize > 0 ? (size_t)pages * (size_t)psize / 2 : 0;
	struct timespec t0, t1;
	size_t bytes;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = st_db_prewarm(hub->db, max, &bytes);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc == 0)
		log_msg(LOG_INFO, "prewarmed %.1f MiB of data in %.2f s",
		    (double)bytes / 1048576.0,
		    (double)(t1.tv_sec - t0.tv_sec) +
			(double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
	else if (rc == ST_INVAL)
		log_msg(LOG_INFO,
		    "prewarm skipped: the data is larger than "
		    "half of this machine's memory");
	else
		log_msg(LOG_WARN,
		    "prewarm skipped: the data's mapping was "
		    "not found");
	return NULL;
}

/* Upkeep: activity ids seen (kept so a redelivery changes nothing) are
 * forgotten after SEEN_KEEP, far beyond any sender's retries (Mastodon
 * gives up after about 3 days), a slice of rows at a time so the writer
 * never holds a long transaction. */
#define SEEN_KEEP  (14 * 86400)
#define SEEN_SLICE 5000

struct upkeep {
	struct hub *hub;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int stop;
	char resume[512];
	size_t resume_len;
	int deleted;
};

static int
prune_apply(struct st_txn *t, void *arg, struct err *e)
{
	struct upkeep *u = arg;

	(void)e;
	return st_seen_prune(t, (uint64_t)time(NULL) - SEEN_KEEP, u->resume,
	    &u->resume_len, SEEN_SLICE, &u->deleted);
}

static void *
upkeep_main(void *arg)
{
	struct upkeep *u = arg;
	struct timespec until;
	struct err e;
	int stop = 0, pruned = 0;

	while (!stop) {
		/* Right after a slice that stopped midway, go on soon. */
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_sec += u->resume_len ? 1 : 600;
		pthread_mutex_lock(&u->mu);
		while (!u->stop &&
		    pthread_cond_timedwait(&u->cv, &u->mu, &until) == 0)
			;
		stop = u->stop;
		pthread_mutex_unlock(&u->mu);
		if (stop)
			break;
		if (st_write(u->hub->db, prune_apply, u, &e) != 0) {
			log_msg(LOG_WARN, "upkeep: %s", e.msg);
			u->resume_len = 0;
			continue;
		}
		pruned += u->deleted;
		if (u->resume_len == 0 && pruned > 0) {
			log_msg(LOG_INFO,
			    "upkeep: forgot %d activity ids "
			    "older than %d days",
			    pruned, SEEN_KEEP / 86400);
			pruned = 0;
		}
	}
	return NULL;
}

/* The fetch worker and the delivery worker. */
static int
start_federation(struct hub *hub, struct err *e)
{
	struct fed_fetch_cfg c;
	char key_id[320], ua[400];

	/* Settings only: each job signs with its own actor's key, loaded
	 * when it is sent (parsing one here would only cost memory). */
	hub_fetch_settings(hub, &c, ua, sizeof(ua));
	(void)key_id;
	if ((hub->fetcher = worker_start()) == NULL)
		return err_set(e, "cannot start the fetch worker");
	/* Members' own calls have their own worker: remote input that
	 * makes the hub fetch (keys, threads, boosted notes) must not keep
	 * them waiting. */
	if ((hub->api_worker = worker_start()) == NULL)
		return err_set(e, "cannot start the API worker");
	if ((hub->lookup_worker = worker_start()) == NULL)
		return err_set(e, "cannot start the lookup worker");
	/* ua is copied by pointer: keep it for the process's life. */
	static char agent[400];
	memcpy(agent, ua, sizeof(agent));
	c.user_agent = agent;
	c.base_url = hub->cfg->base_url;
	hub->deliver =
	    fed_deliver_start(hub->db, &c, hub->cfg->delivery_per_host,
		hub->cfg->delivery_unavailable_after, e);
	if (hub->deliver == NULL)
		return -1;
	return 0;
}

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: hubd [-c FILE] [-n]\n"
	    "  -c FILE  configuration file (default: $HUB_CONF, else the\n"
	    "           embedded default: 127.0.0.1:8080, data in ./var)\n"
	    "  -n       check the configuration and exit\n"
	    "  -V       print the version and exit\n"
	    "exit status: 0 stopped cleanly or config valid; 1 error\n");
}

int
main(int argc, char **argv)
{
	struct config cfg;
	struct hub hub = { 0 };
	struct srv s = { 0 };
	struct topics *topics;
	const char *path = getenv("HUB_CONF");
	struct err e;
	sigset_t set;
	int opt, check = 0, sig, warming = 0, upkeeping = 0;
	pthread_t warm, upkeep;
	struct upkeep u = { .hub = &hub,
		.mu = PTHREAD_MUTEX_INITIALIZER,
		.cv = PTHREAD_COND_INITIALIZER };

	while ((opt = getopt(argc, argv, "c:nhV")) != -1) {
		switch (opt) {
		case 'c': path = optarg; break;
		case 'n': check = 1; break;
		case 'V': printf("hubd %s\n", PACKAGE_VERSION); return 0;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 1;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 1;
	}
	if (path != NULL && *path == '\0')
		path = NULL;
	if (config_load(&cfg, path, &e) < 0)
		fatal("%s", e.msg);
	/* The topic vocabulary is checked with the configuration (-n). */
	if ((topics = topics_load(cfg.topics_file, &e)) == NULL)
		fatal("%s", e.msg);
	s.topics = topics;
	if (check) {
		printf("%s: configuration is valid\n",
		    path ? path : "(embedded default)");
		topics_free(topics);
		return 0;
	}
	log_set_level((enum log_level)cfg.log_level);
	/* Signals go to this thread alone, through sigwait below. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (hub_open(&hub, &cfg, 0, &e) != 0)
		fatal("%s", e.msg);
	hub.topics = topics;
	if (st_writer_start(hub.db, &e) != 0)
		fatal("%s", e.msg);
	if (start_federation(&hub, &e) != 0)
		fatal("%s", e.msg);
	s.cfg = &cfg;
	s.hub = &hub;
	s.routes = routes;
	s.nroutes = nroutes;
	if (http_start(&s, &e) != 0) {
		hub_close(&hub);
		fatal("%s", e.msg);
	}
	log_msg(LOG_INFO, "hubd %s listening on %s for %s (data in %s)",
	    PACKAGE_VERSION, cfg.listen, cfg.base_url, cfg.data_dir);
	if (cfg.prewarm && pthread_create(&warm, NULL, prewarm_main, &hub) == 0)
		warming = 1;
	if (pthread_create(&upkeep, NULL, upkeep_main, &u) == 0)
		upkeeping = 1;
	sigwait(&set, &sig);
	log_msg(LOG_INFO, "stopping on signal %d", sig);
	http_stop(&s);
	/* Suspended requests are answered: now the workers can go. */
	worker_stop(hub.fetcher);
	worker_stop(hub.api_worker);
	worker_stop(hub.lookup_worker);
	fed_deliver_stop(hub.deliver);
	inbox_keys_free();
	if (warming)
		pthread_join(warm, NULL);
	if (upkeeping) {
		pthread_mutex_lock(&u.mu);
		u.stop = 1;
		pthread_cond_signal(&u.cv);
		pthread_mutex_unlock(&u.mu);
		pthread_join(upkeep, NULL);
	}
	hub_close(&hub);
	topics_free(topics);
	curl_global_cleanup();
	return 0;
}
