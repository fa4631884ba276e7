/* probe.c - non-blocking connects to every address of every bootstrap
 * server, then one poll over them all. Nothing is sent: a connection that
 * opens is closed at once. Needs no state; safe from any thread. */
#include "kafka/probe.h"

#include "common/util.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PROBE_MAX 32

/* Splits one "proto://host:port" into host and port (in buf). */
static bool split(const char *s, size_t n, char *host, size_t hl, char *port,
                  size_t pl)
{
    const char *sep = NULL;
    for (size_t i = 0; i + 2 < n; i++)
        if (s[i] == ':' && s[i + 1] == '/' && s[i + 2] == '/') {
            s += i + 3;
            n -= i + 3;
            break;
        }
    const char *h = s, *hend;
    if (n && *s == '[') {
        hend = memchr(s, ']', n);
        if (!hend)
            return false;
        h = s + 1;
        sep = hend + 1 < s + n && hend[1] == ':' ? hend + 1 : NULL;
    } else {
        for (size_t i = n; i > 0; i--)
            if (s[i - 1] == ':') {
                sep = s + i - 1;
                break;
            }
        hend = sep ? sep : s + n;
    }
    size_t hlen = (size_t)(hend - h);
    size_t plen = sep ? (size_t)(s + n - sep - 1) : 4;
    if (!hlen || hlen >= hl || plen >= pl)
        return false;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    if (sep) {
        memcpy(port, sep + 1, plen);
        port[plen] = '\0';
    } else {
        memcpy(port, "9092", 5);
    }
    return true;
}

bool probe_first_server(const char *servers, char *host, size_t hl, char *port,
                        size_t pl)
{
    const char *p = servers;
    while (*p == ',' || *p == ' ' || *p == '\t')
        p++;
    const char *e = p;
    while (*e && *e != ',' && *e != ' ' && *e != '\t')
        e++;
    return e > p && split(p, (size_t)(e - p), host, hl, port, pl);
}

enum probe_result probe_servers(const char *servers, int timeout_ms, char *why,
                                size_t whylen)
{
    struct pollfd fds[PROBE_MAX];
    char names[PROBE_MAX][288];
    size_t n = 0, off = 0;
    bool up = false, unknown = false;

    why[0] = '\0';
    for (const char *p = servers; *p && !up;) {
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ' && *e != '\t')
            e++;
        if (e == p)
            break;
        char host[256], port[16];
        struct addrinfo hints = {0}, *res = NULL;
        hints.ai_socktype = SOCK_STREAM;
        if (!split(p, (size_t)(e - p), host, sizeof(host), port,
                   sizeof(port)) ||
            getaddrinfo(host, port, &hints, &res) != 0) {
            off += (size_t)snprintf(why + off, off < whylen ? whylen - off : 0,
                                    "%s%.*s: does not resolve", off ? ", " : "",
                                    (int)(e - p), p);
            p = e;
            continue;
        }
        for (struct addrinfo *a = res; a && n < PROBE_MAX && !up;
             a = a->ai_next) {
            int fd = socket(a->ai_family,
                            a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                unknown = true;
                continue;
            }
            int rc = connect(fd, a->ai_addr, a->ai_addrlen);
            snprintf(names[n], sizeof(names[n]), "%s:%s", host, port);
            if (rc == 0) {
                up = true;
                close(fd);
            } else if (errno == EINPROGRESS) {
                fds[n].fd = fd;
                fds[n].events = POLLOUT;
                n++;
            } else {
                off += (size_t)snprintf(
                    why + off, off < whylen ? whylen - off : 0, "%s%s: %s",
                    off ? ", " : "", names[n], strerror(errno));
                close(fd);
            }
        }
        freeaddrinfo(res);
        p = e;
    }
    int64_t deadline = util_mono_ms() + timeout_ms;
    size_t pending = n;
    while (pending && !up) {
        int64_t left = deadline - util_mono_ms();
        if (left <= 0 || poll(fds, n, (int)left) <= 0)
            break;
        for (size_t i = 0; i < n; i++) {
            if (fds[i].fd < 0 || !fds[i].revents)
                continue;
            int e = 0;
            socklen_t el = sizeof(e);
            getsockopt(fds[i].fd, SOL_SOCKET, SO_ERROR, &e, &el);
            if (!e) {
                up = true;
            } else {
                off += (size_t)snprintf(
                    why + off, off < whylen ? whylen - off : 0, "%s%s: %s",
                    off ? ", " : "", names[i], strerror(e));
            }
            close(fds[i].fd);
            fds[i].fd = -1;
            pending--;
        }
    }
    for (size_t i = 0; i < n; i++)
        if (fds[i].fd >= 0) {
            close(fds[i].fd);
            unknown = true;
        }
    if (up)
        return PROBE_UP;
    return unknown ? PROBE_UNKNOWN : PROBE_REFUSED;
}
