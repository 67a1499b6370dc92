/* config.h: the hub's configuration, parsed once from a file (or the
 * embedded default) and passed down as const (STYLE.md 8). */
#ifndef HUB_CONFIG_H
#define HUB_CONFIG_H

#include <limits.h>
#include <stddef.h>

struct err;

enum reg_mode { REG_OPEN, REG_APPROVAL, REG_CLOSED };

struct config {
	char listen[128];     /* as written: "127.0.0.1:8080", "[::1]:80" */
	char listen_host[64]; /* "127.0.0.1", "::1" */
	int listen_port;
	char base_url[256]; /* "https://hub.example" with no slash at end */
	char host[256];	    /* authority of base_url: "hub.example:8443" */
	int https;
	char data_dir[PATH_MAX]; /* absolute, or relative to cwd */
	long long map_size;
	int threads;	   /* 0 in the file means one per core */
	int log_level;	   /* enum log_level */
	int registrations; /* enum reg_mode */
	int allow_private_addresses;
	int prewarm;		/* map the data at start (background) */
	int fetch_timeout;	/* seconds for a remote fetch */
	int authorized_fetch;	/* GETs other than actors must be signed */
	char ca_file[PATH_MAX]; /* CA bundle for https fetches, "" system */
	int delivery_per_host;	/* requests in flight to one host */
	int delivery_unavailable_after; /* seconds failing: unavailable */
	char instance_name[128];
	char instance_description[512];
	/* The topic vocabulary (topics.h); "" the built-in copy. */
	char topics_file[PATH_MAX];
};

/* Parse text (len bytes) into c, which is first set to the defaults.
 * name is used in messages ("hub.conf:3: ..."); a relative data_dir is
 * taken relative to dir (NULL: the current directory). Returns 0, or -1
 * with "name:line: message" in e. */
int config_parse(struct config *c, const char *text, size_t len,
    const char *name, const char *dir, struct err *e);

/* Load path, or the embedded default when path is NULL. Returns 0 or -1. */
int config_load(struct config *c, const char *path, struct err *e);

/* The embedded default configuration, as a commented file. */
const char *config_default_text(void);

#endif
