#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "err.h"
#include "log.h"

enum opt_type { T_STR, T_INT, T_SIZE, T_BOOL, T_ENUM };

struct opt {
	const char *key;
	enum opt_type type;
	size_t off;
	size_t size;		  /* T_STR: capacity */
	long long min, max;	  /* T_INT, T_SIZE */
	const char *const *words; /* T_ENUM, in enum order */
	const char *def;
};

static const char *const levels[] = { "debug", "info", "warn", "error", 0 };
static const char *const regs[] = { "open", "approval", "closed", 0 };

#define O(f) offsetof(struct config, f)
#define S(f) sizeof(((struct config *)0)->f)
/* Every option, its type, bounds and default (STYLE.md 8). */
static const struct opt opts[] = {
	{ "listen", T_STR, O(listen), S(listen), 0, 0, 0, "127.0.0.1:8080" },
	{ "base_url", T_STR, O(base_url), S(base_url), 0, 0, 0,
	    "http://localhost:8080" },
	{ "data_dir", T_STR, O(data_dir), S(data_dir), 0, 0, 0, "var" },
	{ "map_size", T_SIZE, O(map_size), 0, 16LL << 20, 1LL << 40, 0, "4G" },
	{ "threads", T_INT, O(threads), 0, 0, 64, 0, "0" },
	{ "log_level", T_ENUM, O(log_level), 0, 0, 0, levels, "info" },
	{ "registrations", T_ENUM, O(registrations), 0, 0, 0, regs,
	    "approval" },
	{ "allow_private_addresses", T_BOOL, O(allow_private_addresses), 0, 0,
	    0, 0, "false" },
	{ "prewarm", T_BOOL, O(prewarm), 0, 0, 0, 0, "true" },
	{ "fetch_timeout", T_INT, O(fetch_timeout), 0, 1, 120, 0, "10" },
	{ "authorized_fetch", T_BOOL, O(authorized_fetch), 0, 0, 0, 0,
	    "false" },
	{ "ca_file", T_STR, O(ca_file), S(ca_file), 0, 0, 0, "" },
	{ "delivery_per_host", T_INT, O(delivery_per_host), 0, 1, 64, 0, "4" },
	{ "delivery_unavailable_after", T_INT, O(delivery_unavailable_after), 0,
	    1, 365 * 86400, 0, "604800" },
	{ "instance_name", T_STR, O(instance_name), S(instance_name), 0, 0, 0,
	    "the hub" },
	{ "instance_description", T_STR, O(instance_description),
	    S(instance_description), 0, 0, 0,
	    "Sharing learning about patient safety." },
	{ "topics_file", T_STR, O(topics_file), S(topics_file), 0, 0, 0, "" },
};
#undef O
#undef S
#define NOPTS (sizeof(opts) / sizeof(opts[0]))

static const char default_text[] =
    "# Embedded default: a hub for trying out on this machine.\n"
    "listen = 127.0.0.1:8080\n"
    "base_url = http://localhost:8080\n"
    "data_dir = var\n"
    "registrations = approval\n";

const char *
config_default_text(void)
{
	return default_text;
}

static int
parse_size(const char *v, long long *out)
{
	char *end;
	long long n;
	int shift;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (errno != 0 || end == v || n < 0)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case '\0': shift = 0; break;
	case 'K':
		shift = 10;
		end++;
		break;
	case 'M':
		shift = 20;
		end++;
		break;
	case 'G':
		shift = 30;
		end++;
		break;
	case 'T':
		shift = 40;
		end++;
		break;
	default: return -1;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	/* Check before shifting: a signed overflow is undefined. */
	if (*end != '\0' || n > (1LL << 50) >> shift)
		return -1;
	n <<= shift;
	*out = n;
	return 0;
}

static int
set_opt(struct config *c, const struct opt *o, const char *v, struct err *e)
{
	char *p = (char *)c + o->off;
	long long n;
	char *end;
	int i;

	switch (o->type) {
	case T_STR:
		if (strlen(v) >= o->size)
			return err_set(e, "%s is too long (at most %zu bytes)",
			    o->key, o->size - 1);
		memcpy(p, v, strlen(v) + 1);
		return 0;
	case T_INT:
		errno = 0;
		n = strtoll(v, &end, 10);
		if (errno || end == v || *end || n < o->min || n > o->max)
			return err_set(e,
			    "%s must be a whole number from %lld "
			    "to %lld, not \"%s\"",
			    o->key, o->min, o->max, v);
		*(int *)p = (int)n;
		return 0;
	case T_SIZE:
		if (parse_size(v, &n) < 0 || n < o->min || n > o->max)
			return err_set(e,
			    "%s must be a size such as 512M or "
			    "4G, from 16M to 1T, not \"%s\"",
			    o->key, v);
		*(long long *)p = n;
		return 0;
	case T_BOOL:
		if (!strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "1"))
			*(int *)p = 1;
		else if (!strcmp(v, "false") || !strcmp(v, "no") ||
		    !strcmp(v, "0"))
			*(int *)p = 0;
		else
			return err_set(e,
			    "%s must be true or false, not "
			    "\"%s\"",
			    o->key, v);
		return 0;
	case T_ENUM:
		for (i = 0; o->words[i] != NULL; i++)
			if (!strcmp(v, o->words[i])) {
				*(int *)p = i;
				return 0;
			}
		return err_set(e, "%s must be one of %s%s%s%s%s, not \"%s\"",
		    o->key, o->words[0], o->words[1] ? ", " : "",
		    o->words[1] ? o->words[1] : "", o->words[2] ? ", " : "",
		    o->words[2] ? o->words[2] : "", v);
	}
	return -1;
}

static const struct opt *
find_opt(const char *key)
{
	size_t i;

	for (i = 0; i < NOPTS; i++)
		if (!strcmp(opts[i].key, key))
			return &opts[i];
	return NULL;
}

/* listen = HOST:PORT or [V6]:PORT */
static int
check_listen(struct config *c, struct err *e)
{
	const char *s = c->listen, *colon, *h = s;
	size_t hl;
	char *end;
	long port;

	if (*s == '[') {
		const char *rb = strchr(s, ']');
		if (rb == NULL || rb[1] != ':')
			return err_set(e, "listen must look like [::1]:8080");
		h = s + 1;
		hl = (size_t)(rb - h);
		colon = rb + 1;
	} else {
		if ((colon = strrchr(s, ':')) == NULL)
			return err_set(e,
			    "listen must be HOST:PORT, such as "
			    "127.0.0.1:8080");
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= sizeof(c->listen_host))
		return err_set(e, "listen needs an address before the port");
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port < 1 || port > 65535)
		return err_set(e, "listen needs a port from 1 to 65535");
	memcpy(c->listen_host, h, hl);
	c->listen_host[hl] = '\0';
	c->listen_port = (int)port;
	return 0;
}

/* base_url = http(s)://authority, with no path, query or fragment. */
static int
check_base_url(struct config *c, struct err *e)
{
	char *u = c->base_url, *auth;
	size_t n = strlen(u), i;

	while (n > 0 && u[n - 1] == '/')
		u[--n] = '\0';
	if (!strncmp(u, "https://", 8)) {
		c->https = 1;
		auth = u + 8;
	} else if (!strncmp(u, "http://", 7)) {
		c->https = 0;
		auth = u + 7;
	} else
		return err_set(e,
		    "base_url must start with https:// or "
		    "http://");
	if (*auth == '\0')
		return err_set(e, "base_url needs a host name");
	for (i = 0; auth[i]; i++) {
		unsigned char ch = (unsigned char)auth[i];
		if (!(isalnum(ch) || ch == '.' || ch == '-' || ch == ':' ||
			ch == '[' || ch == ']'))
			return err_set(e,
			    "base_url must be just scheme and "
			    "host, such as https://hub.example.org");
		auth[i] = (char)tolower(ch);
	}
	snprintf(c->host, sizeof(c->host), "%s", auth);
	return 0;
}

static void
set_defaults(struct config *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NOPTS; i++)
		if (set_opt(c, &opts[i], opts[i].def, NULL) < 0)
			abort(); /* a bad default is a programming error */
}

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (
	    end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
		*--end = '\0';
	return s;
}

static int
parse_line(struct config *c, char *line, unsigned char *seen, struct err *e)
{
	char *eq, *key, *val;
	const struct opt *o;
	size_t vl;

	line = trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	if ((eq = strchr(line, '=')) == NULL)
		return err_set(e, "expected \"key = value\"");
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	vl = strlen(val);
	if (vl >= 2 && val[0] == '"' && val[vl - 1] == '"') {
		val[vl - 1] = '\0';
		val++;
	}
	if ((o = find_opt(key)) == NULL)
		return err_set(e,
		    "unknown key \"%.64s\" (see "
		    "conf/hub.conf.example for every key)",
		    key);
	if (seen[o - opts])
		return err_set(e, "%s is set twice", key);
	seen[o - opts] = 1;
	return set_opt(c, o, val, e);
}

static int
finish(struct config *c, const char *dir, struct err *e)
{
	char tmp[PATH_MAX];
	int n;

	if (check_listen(c, e) < 0 || check_base_url(c, e) < 0)
		return -1;
	if (c->data_dir[0] == '\0')
		return err_set(e, "data_dir must not be empty");
	if (c->data_dir[0] != '/' && dir != NULL && strcmp(dir, ".") != 0) {
		n = snprintf(tmp, sizeof(tmp), "%s/%s", dir, c->data_dir);
		if (n < 0 || (size_t)n >= sizeof(c->data_dir))
			return err_set(e, "data_dir is too long");
		memcpy(c->data_dir, tmp, (size_t)n + 1);
	}
	/* Like data_dir, a relative topics_file is the config file's. */
	if (c->topics_file[0] != '\0' && c->topics_file[0] != '/' &&
	    dir != NULL && strcmp(dir, ".") != 0) {
		n = snprintf(tmp, sizeof(tmp), "%s/%s", dir, c->topics_file);
		if (n < 0 || (size_t)n >= sizeof(c->topics_file))
			return err_set(e, "topics_file is too long");
		memcpy(c->topics_file, tmp, (size_t)n + 1);
	}
	return 0;
}

int
config_parse(struct config *c, const char *text, size_t len, const char *name,
    const char *dir, struct err *e)
{
	unsigned char seen[NOPTS] = { 0 };
	char line[1024];
	size_t pos = 0, ll;
	int lineno = 0;
	struct err le;

	set_defaults(c);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		ll = nl ? (size_t)(nl - (text + pos)) : len - pos;
		lineno++;
		if (ll >= sizeof(line) || memchr(text + pos, '\0', ll))
			return err_set(e,
			    "%s:%d: line is too long or holds "
			    "a NUL byte",
			    name, lineno);
		memcpy(line, text + pos, ll);
		line[ll] = '\0';
		pos += ll + 1;
		if (parse_line(c, line, seen, &le) < 0)
			return err_set(e, "%s:%d: %s", name, lineno, le.msg);
	}
	if (finish(c, dir, &le) < 0)
		return err_set(e, "%s: %s", name, le.msg);
	return 0;
}

int
config_load(struct config *c, const char *path, struct err *e)
{
	char dir[PATH_MAX], *slash;
	struct buf b;
	char chunk[4096];
	size_t n;
	FILE *f;
	int rc;

	if (path == NULL)
		return config_parse(c, default_text, strlen(default_text),
		    "(embedded default)", NULL, e);
	if ((f = fopen(path, "r")) == NULL)
		return err_set(e, "%s: cannot open: %s", path, strerror(errno));
	buf_init(&b, 1 << 20);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) < 0)
			break;
	fclose(f);
	if (b.failed) {
		buf_free(&b);
		return err_set(e, "%s: file is larger than 1 MiB", path);
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		strcpy(dir, ".");
	rc = config_parse(c, b.data ? b.data : "", b.len, path, dir, e);
	buf_free(&b);
	return rc;
}
