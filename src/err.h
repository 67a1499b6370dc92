/* err.h: an error message buffer that callers pass down (STYLE.md 3). */
#ifndef HUB_ERR_H
#define HUB_ERR_H

#include <stdarg.h>
#include <stdio.h>

struct err {
	char msg[256];
};

/* Fill e->msg (if e is not NULL) from a printf format. Returns -1 so that
 * callers can write "return err_set(e, ...)" for a plain failure. */
static inline int err_set(struct err *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline int
err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

#endif
