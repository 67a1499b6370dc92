#include <string.h>

#include "config.h"
#include "err.h"
#include "tap.h"

static int
parse(struct config *c, const char *text, struct err *e)
{
	return config_parse(c, text, strlen(text), "t.conf", "/etc/hub", e);
}

int
main(void)
{
	struct config c;
	struct err e;

	ok(parse(&c, "", &e) == 0, "empty file gives the defaults");
	ok(c.listen_port == 8080 && !strcmp(c.listen_host, "127.0.0.1"),
	    "default listen 127.0.0.1:8080");
	ok(!strcmp(c.data_dir, "/etc/hub/var"),
	    "relative data_dir is taken from the file's directory (%s)",
	    c.data_dir);
	ok(c.map_size == 4LL << 30, "default map_size 4G");
	ok(parse(&c,
	       "listen = 127.0.0.1:9001\nbase_url = http://127.0.0.1:"
	       "9001/\ndata_dir = /tmp/x\nallow_private_addresses = true\n",
	       &e) == 0,
	    "the minimal test config parses");
	ok(!strcmp(c.base_url, "http://127.0.0.1:9001") &&
		!strcmp(c.host, "127.0.0.1:9001"),
	    "base_url trimmed, host %s", c.host);
	ok(c.allow_private_addresses == 1 && !strcmp(c.data_dir, "/tmp/x"),
	    "bool and absolute path");
	ok(parse(&c,
	       "# comment\n\n  threads = 4  \r\nlog_level = debug\n"
	       "instance_name = \"Sepsis hub\"\n",
	       &e) == 0 &&
		c.threads == 4 && c.log_level == 0 &&
		!strcmp(c.instance_name, "Sepsis hub"),
	    "comments, blank lines, CRLF, quotes");
	ok(parse(&c, "listen = [::1]:8443\n", &e) == 0 &&
		!strcmp(c.listen_host, "::1") && c.listen_port == 8443,
	    "IPv6");
	ok(parse(&c, "map_size = 512M\n", &e) == 0 && c.map_size == 512LL << 20,
	    "size suffix");

	ok(parse(&c, "\n\nbogus = 1\n", &e) < 0 &&
		!strncmp(e.msg, "t.conf:3: unknown key", 21),
	    "unknown key reports file:line (%s)", e.msg);
	ok(parse(&c, "threads = 99\n", &e) < 0 && strstr(e.msg, "t.conf:1:"),
	    "out of range (%s)", e.msg);
	ok(parse(&c, "threads = 2x\n", &e) < 0, "not a number");
	ok(parse(&c, "threads = 1\nthreads = 2\n", &e) < 0 &&
		strstr(e.msg, ":2: threads is set twice"),
	    "duplicate key");
	ok(parse(&c, "listen 8080\n", &e) < 0 && strstr(e.msg, "key = value"),
	    "missing =");
	ok(parse(&c, "listen = 127.0.0.1\n", &e) < 0, "listen without port");
	ok(parse(&c, "listen = 127.0.0.1:70000\n", &e) < 0, "port range");
	ok(parse(&c, "base_url = ftp://x\n", &e) < 0, "base_url scheme");
	ok(parse(&c, "base_url = https://x/path\n", &e) < 0,
	    "base_url with a path");
	ok(parse(&c, "registrations = maybe\n", &e) < 0 &&
		strstr(e.msg, "open, approval, closed"),
	    "enum lists choices (%s)", e.msg);
	ok(parse(&c, "allow_private_addresses = perhaps\n", &e) < 0, "bool");
	ok(parse(&c, "map_size = 1K\n", &e) < 0, "map_size too small");
	ok(parse(&c, "map_size = 738672142T\n", &e) < 0,
	    "map_size that would overflow (found by the fuzzer)");
	ok(parse(&c, "map_size = 1T\n", &e) == 0 && c.map_size == 1LL << 40,
	    "map_size 1T is the top");
	ok(config_parse(&c, "threads = 1\0x", 13, "t.conf", NULL, &e) < 0,
	    "NUL byte refused");
	ok(config_load(&c, "/nonexistent/hub.conf", &e) < 0 &&
		strstr(e.msg, "/nonexistent/hub.conf"),
	    "missing file named");
	ok(config_load(&c, NULL, &e) == 0 && !strcmp(c.data_dir, "var") &&
		!strcmp(c.base_url, "http://localhost:8080"),
	    "embedded default");
	return done_testing();
}
