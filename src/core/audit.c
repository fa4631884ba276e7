/* audit.c - appends whole JSON lines to the audit log. Knows nothing of what
 * a reset is; core/reset.c builds the line. */
#include "core/audit.h"

#include "common/config.h"
#include "common/json.h"
#include "common/log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int fd = -1;
static const char *path; /* borrowed from the configuration */
static bool sync_each;

int audit_open(const struct config *cfg, char *err, size_t errlen)
{
    path = cfg->audit_log;
    sync_each = cfg->audit_fsync;
    if (!path)
        return 0;
    int nfd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (nfd < 0) {
        snprintf(err, errlen, "audit_log %s: %s", path, strerror(errno));
        return -1;
    }
    if (fd >= 0)
        close(fd);
    fd = nfd;
    return 0;
}

bool audit_ready(void)
{
    return !path || fd >= 0;
}

void audit_reopen(void)
{
    if (!path || fd < 0)
        return;
    int nfd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (nfd < 0) {
        log_error("audit_log %s: cannot reopen: %s (still writing to the "
                  "old file)",
                  path, strerror(errno));
        return;
    }
    dup2(nfd, fd);
    close(nfd);
}

int audit_write(json_object *line, char *err, size_t errlen)
{
    size_t n = 0;
    if (!path)
        return 0;
    if (fd < 0) {
        snprintf(err, errlen, "audit_log %s is not open", path);
        return -1;
    }
    /* One line of valid UTF-8 (jq reads it): room for the newline is the
     * NUL's. */
    char *buf = json_text(NULL, line, &n);
    buf[n] = '\n';
    /* One write: O_APPEND keeps whole lines from concurrent workers. */
    size_t off = 0;
    while (off < n + 1) {
        ssize_t w = write(fd, buf + off, n + 1 - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            snprintf(err, errlen, "audit_log %s: %s", path,
                     w < 0 ? strerror(errno) : "short write");
            free(buf);
            return -1;
        }
        off += (size_t)w;
    }
    free(buf);
    if (sync_each && fdatasync(fd) < 0) {
        snprintf(err, errlen, "audit_log %s: fdatasync: %s", path,
                 strerror(errno));
        return -1;
    }
    return 0;
}

void audit_close(void)
{
    if (fd >= 0)
        close(fd);
    fd = -1;
}
