/* tap.h: the Test Anything Protocol, enough for automake's tap-driver. */
#ifndef HUB_TAP_H
#define HUB_TAP_H

#include <stdarg.h>
#include <stdio.h>

static int tap_n, tap_failed;

static void ok(int cond, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), unused));

static void
ok(int cond, const char *fmt, ...)
{
	va_list ap;

	printf("%sok %d - ", cond ? "" : "not ", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!cond)
		tap_failed++;
}

static int __attribute__((unused)) done_testing(void)
{
	printf("1..%d\n", tap_n);
	fflush(stdout);
	return 0; /* a failure is a "not ok" line, not an exit code */
}

#endif
