/* log.h: one line per event on stderr, with a level. Never pass secrets. */
#ifndef HUB_LOG_H
#define HUB_LOG_H

enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };

/* Set the lowest level that is printed (default LOG_INFO). */
void log_set_level(enum log_level lv);
int log_enabled(enum log_level lv);
void log_msg(enum log_level lv, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print "hubd: message" and exit(1); only for start-up failures. */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
