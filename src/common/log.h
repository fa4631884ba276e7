/* log.h - the error log and the access log: one line per write(2) on an
 * O_APPEND descriptor, so lines from all processes interleave whole. Both go
 * to a file or to stderr; USR1 reopens the files (log rotation). */
#ifndef CKAFKA_LOG_H
#define CKAFKA_LOG_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

enum log_level {
    LOG_LEVEL_ERROR,
    LOG_LEVEL_WARN,
    LOG_LEVEL_NOTICE,
    LOG_LEVEL_INFO,
    LOG_LEVEL_DEBUG,
};

/* Set by a signal handler; the next log call reopens both files. */
extern volatile sig_atomic_t log_reopen_pending;

/* Opens the error log (path NULL or "stderr" means standard error) with the
 * given threshold. Returns 0, or -1 with a message in err. */
int log_open(const char *path, enum log_level level, char *err, size_t errlen);
/* Opens the access log (NULL: no access log, "stderr": standard error).
 * Returns 0, or -1 with a message in err. */
int log_open_access(const char *path, char *err, size_t errlen);
/* Reopens both files now; failures are reported on the old descriptor, which
 * stays in use. */
void log_reopen(void);
/* Closes the files (standard error stays). */
void log_close(void);

/* The process's role in every line: "master", "worker 3", ... (copied). */
void log_set_role(const char *role);

/* Parses "error", "warn", "notice", "info", "debug". Returns 0 or -1. */
int log_level_parse(const char *s, enum log_level *out);

void log_msg(enum log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void log_vmsg(enum log_level level, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Whether there is an access log (so callers can skip building a line). */
bool log_access_enabled(void);

/* Writes one access-log line (a newline is added); nothing when there is no
 * access log. */
void log_access(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Formats the current time as "2026-11-21T10:00:00.123Z" into buf (>= 32). */
void log_timestamp(char *buf, size_t len);

/* Copies s[0..len) into out (at most cap bytes, no NUL) with backslash,
 * double quote, control characters and bytes that are not UTF-8 escaped
 * (\\, \", \n, \r, \t, \xNN); stops before a character that would not fit.
 * Returns the bytes written. Every error-log line goes through it. */
size_t log_escape(char *out, size_t cap, const char *s, size_t len);

#define log_error(...) log_msg(LOG_LEVEL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LEVEL_WARN, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LEVEL_NOTICE, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LEVEL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LEVEL_DEBUG, __VA_ARGS__)

#endif
