#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;
static const char *names[] = { "debug", "info", "warn", "error" };

void
log_set_level(enum log_level lv)
{
	min_level = lv;
}

int
log_enabled(enum log_level lv)
{
	return lv >= min_level;
}

void
log_msg(enum log_level lv, const char *fmt, ...)
{
	char line[1024], ts[32];
	struct timespec now;
	struct tm tm;
	va_list ap;
	int n;

	if (lv < min_level)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	gmtime_r(&now.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	n = snprintf(line, sizeof(line), "%s.%03ldZ %s ", ts,
	    now.tv_nsec / 1000000, names[lv]);
	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	/* Values from the network cannot start a line of their own. */
	for (char *c = line + n; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			*c = '?';
	/* One fputs of a whole line: lines from threads do not interleave. */
	fprintf(stderr, "%s\n", line);
}

void
fatal(const char *fmt, ...)
{
	va_list ap;

	fputs("hub: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}
