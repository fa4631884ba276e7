/* log.c - error and access log lines, each written with one write(2) so that
 * lines from the master and every worker never tear. Must not allocate on
 * the logging path: it is used when memory or the disk is in trouble. */
#include "common/log.h"

#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

volatile sig_atomic_t log_reopen_pending;

struct log_file {
    char *path; /* NULL: standard error (or nothing for the access log) */
    int fd;     /* -1: disabled */
};

static struct log_file error_log = {NULL, STDERR_FILENO};
static struct log_file access_log = {NULL, -1};
static enum log_level threshold = LOG_LEVEL_NOTICE;
static char role[32] = "master";

static const char *const level_names[] = {"error", "warn", "notice", "info",
                                          "debug"};

static int file_open(struct log_file *f, const char *path, int none_fd,
                     char *err, size_t errlen)
{
    int fd;

    if (!path || !*path || strcmp(path, "stderr") == 0) {
        fd = path ? STDERR_FILENO : none_fd;
        path = NULL;
    } else {
        fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
        if (fd < 0) {
            snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
            return -1;
        }
    }
    if (f->fd > STDERR_FILENO)
        close(f->fd);
    free(f->path);
    f->path = path ? util_strdup(path) : NULL;
    f->fd = fd;
    return 0;
}

int log_open(const char *path, enum log_level level, char *err, size_t errlen)
{
    threshold = level;
    return file_open(&error_log, path ? path : "stderr", STDERR_FILENO, err,
                     errlen);
}

int log_open_access(const char *path, char *err, size_t errlen)
{
    return file_open(&access_log, path, -1, err, errlen);
}

static void file_reopen(struct log_file *f)
{
    if (!f->path)
        return;
    int fd = open(f->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        log_error("cannot reopen %s: %s (still writing to the old file)",
                  f->path, strerror(errno));
        return;
    }
    /* dup2 keeps the descriptor number, so nothing holds a stale copy. */
    dup2(fd, f->fd);
    close(fd);
}

void log_reopen(void)
{
    log_reopen_pending = 0;
    file_reopen(&error_log);
    file_reopen(&access_log);
}

void log_close(void)
{
    if (error_log.fd > STDERR_FILENO)
        close(error_log.fd);
    if (access_log.fd > STDERR_FILENO)
        close(access_log.fd);
    free(error_log.path);
    free(access_log.path);
    error_log = (struct log_file){NULL, STDERR_FILENO};
    access_log = (struct log_file){NULL, -1};
}

void log_set_role(const char *r)
{
    snprintf(role, sizeof(role), "%s", r);
}

int log_level_parse(const char *s, enum log_level *out)
{
    for (size_t i = 0; i < UTIL_ARRAY_LEN(level_names); i++) {
        if (strcmp(s, level_names[i]) == 0) {
            *out = (enum log_level)i;
            return 0;
        }
    }
    return -1;
}

void log_timestamp(char *buf, size_t len)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%03ldZ", ts.tv_nsec / 1000000);
}

static void write_line(int fd, char *buf, size_t cap, size_t n)
{
    if (n >= cap - 1) {
        n = cap - 2; /* truncated: still one whole line */
    }
    buf[n++] = '\n';
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        buf += w;
        n -= (size_t)w;
    }
}

size_t log_escape(char *out, size_t cap, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    for (size_t i = 0, n; i < len; i += n) {
        unsigned char c = (unsigned char)s[i];
        char esc[4];
        size_t k = 0;

        n = util_utf8_seqlen(s + i, len - i);
        if (c == '\\' || c == '"') {
            esc[k++] = '\\';
            esc[k++] = (char)c;
        } else if (c == '\n' || c == '\r' || c == '\t') {
            esc[k++] = '\\';
            esc[k++] = c == '\n' ? 'n' : c == '\r' ? 'r' : 't';
        } else if (c < 0x20 || c == 0x7f || !n) {
            esc[k++] = '\\';
            esc[k++] = 'x';
            esc[k++] = hex[c >> 4];
            esc[k++] = hex[c & 15];
            n = 1;
        }
        if (k) {
            if (o + k > cap)
                break;
            memcpy(out + o, esc, k);
            o += k;
        } else {
            if (o + n > cap)
                break;
            memcpy(out + o, s + i, n);
            o += n;
        }
    }
    return o;
}

void log_vmsg(enum log_level level, const char *fmt, va_list ap)
{
    char buf[4096];
    char msg[2048];
    char ts[40];
    int saved = errno;

    if (level > threshold)
        return;
    if (log_reopen_pending)
        log_reopen();
    log_timestamp(ts, sizeof(ts));
    int n = snprintf(buf, sizeof(buf), "%s [%s] %ld %s: ", ts,
                     level_names[level], (long)getpid(), role);
    if (n < 0)
        n = 0;
    int m = vsnprintf(msg, sizeof(msg), fmt, ap);
    if (m < 0)
        m = 0;
    if ((size_t)m >= sizeof(msg))
        m = (int)sizeof(msg) - 1;
    /* Messages echo client input (group names, topics): escaped, no value
     * can end the line or forge another one. */
    size_t len = (size_t)n + log_escape(buf + n, sizeof(buf) - (size_t)n - 2,
                                        msg, (size_t)m);
    write_line(error_log.fd, buf, sizeof(buf), len);
    errno = saved;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    log_vmsg(level, fmt, ap);
    va_end(ap);
}

bool log_access_enabled(void)
{
    return access_log.fd >= 0;
}

void log_access(const char *fmt, ...)
{
    char buf[2048];
    va_list ap;

    if (access_log.fd < 0)
        return;
    if (log_reopen_pending)
        log_reopen();
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof(buf))
        n = (int)sizeof(buf);
    write_line(access_log.fd, buf, sizeof(buf), (size_t)n);
}
