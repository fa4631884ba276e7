/* main.c - options, configuration (loaded and checked; -t only checks), the
 * listening socket (bound here, or inherited on fd 0 from spawn-fcgi or
 * systemd), daemonizing, the shared memory the workers need, and then the
 * supervisor. Everything else lives in the library the tests link. */
#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "core/audit.h"
#include "core/grouplock.h"
#include "server/scoreboard.h"
#include "server/supervisor.h"
#include "store/redis.h"
#include "store/replay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sysexits.h>
#include <unistd.h>

#ifndef PACKAGE_VERSION
#define PACKAGE_VERSION "dev"
#endif

static void usage(FILE *f)
{
    fprintf(f,
            "usage: ckafka-fcgi -c FILE [-t] [-F]\n"
            "  -c FILE  configuration file\n"
            "  -t       check the configuration and exit\n"
            "  -F       stay in the foreground\n"
            "  -V       print the version\n"
            "Listens where `listen` says, or on a FastCGI socket inherited as "
            "fd 0.\n");
}

static void warn_stderr(const char *msg)
{
    fprintf(stderr, "ckafka-fcgi: warning: %s\n", msg);
}

/* True when fd 0 is a listening socket handed over by spawn-fcgi or by
 * systemd (StandardInput=socket). */
static bool inherited_socket(void)
{
    int v = 0;
    socklen_t len = sizeof(v);
    return getsockopt(0, SOL_SOCKET, SO_ACCEPTCONN, &v, &len) == 0 && v;
}

static int listen_unix(const struct config *cfg, const char *path, char *err,
                       size_t errlen)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct stat st;

    if (strlen(path) >= sizeof(sa.sun_path)) {
        snprintf(err, errlen, "listen: socket path too long: %s", path);
        return -1;
    }
    strcpy(sa.sun_path, path);
    /* A socket left by a previous run: replace it; anything else: refuse. */
    if (lstat(path, &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            snprintf(err, errlen, "listen: %s exists and is not a socket",
                     path);
            return -1;
        }
        unlink(path);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        snprintf(err, errlen, "listen: %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    uid_t uid = (uid_t)-1;
    gid_t gid = (gid_t)-1;
    if (cfg->listen_owner) {
        struct passwd *pw = getpwnam(cfg->listen_owner);
        if (!pw) {
            snprintf(err, errlen, "listen_owner: no user %s",
                     cfg->listen_owner);
            goto fail;
        }
        uid = pw->pw_uid;
    }
    if (cfg->listen_group) {
        struct group *gr = getgrnam(cfg->listen_group);
        if (!gr) {
            snprintf(err, errlen, "listen_group: no group %s",
                     cfg->listen_group);
            goto fail;
        }
        gid = gr->gr_gid;
    }
    if ((uid != (uid_t)-1 || gid != (gid_t)-1) && chown(path, uid, gid) < 0) {
        snprintf(err, errlen, "listen: chown %s: %s", path, strerror(errno));
        goto fail;
    }
    if (chmod(path, cfg->listen_mode) < 0) {
        snprintf(err, errlen, "listen: chmod %s: %s", path, strerror(errno));
        goto fail;
    }
    return fd;
fail:
    close(fd);
    unlink(path);
    return -1;
}

static int listen_tcp(const char *spec, char *err, size_t errlen)
{
    char host[256] = "127.0.0.1";
    const char *port = spec;
    const char *colon = strrchr(spec, ':');
    struct addrinfo hints = {0}, *res = NULL;

    if (colon) {
        size_t hl = (size_t)(colon - spec);
        if (hl >= sizeof(host)) {
            snprintf(err, errlen, "listen: bad address %s", spec);
            return -1;
        }
        memcpy(host, spec, hl);
        host[hl] = '\0';
        port = colon + 1;
        /* [::1]:9000 */
        if (host[0] == '[' && hl >= 2 && host[hl - 1] == ']') {
            memmove(host, host + 1, hl - 2);
            host[hl - 2] = '\0';
        }
    }
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    int rc = getaddrinfo(*host ? host : NULL, port, &hints, &res);
    if (rc) {
        snprintf(err, errlen, "listen: %s: %s", spec, gai_strerror(rc));
        return -1;
    }
    int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(fd, res->ai_addr, res->ai_addrlen) < 0) {
        snprintf(err, errlen, "listen: %s: %s", spec, strerror(errno));
        if (fd >= 0)
            close(fd);
        freeaddrinfo(res);
        return -1;
    }
    freeaddrinfo(res);
    return fd;
}

/* "unix:/path" or "/path" is a unix socket; "host:port" or "port" is TCP. */
static const char *unix_path(const char *spec)
{
    if (strncmp(spec, "unix:", 5) == 0)
        return spec + 5;
    return spec[0] == '/' ? spec : NULL;
}

static int open_listener(const struct config *cfg, char *err, size_t errlen)
{
    const char *path = unix_path(cfg->listen);
    int fd = path ? listen_unix(cfg, path, err, errlen)
                  : listen_tcp(cfg->listen, err, errlen);
    if (fd >= 0 && listen(fd, (int)cfg->listen_backlog) < 0) {
        snprintf(err, errlen, "listen: %s: %s", cfg->listen, strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static int daemonize(bool keep_stdin)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);
    if (setsid() < 0)
        return -1;
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);
    if (chdir("/") < 0)
        return -1;
    int fd = open("/dev/null", O_RDWR);
    if (fd < 0)
        return -1;
    if (!keep_stdin)
        dup2(fd, 0);
    dup2(fd, 1);
    if (fd > 2)
        close(fd);
    return 0;
}

static int write_pid_file(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "we");
    if (!f || fprintf(f, "%ld\n", (long)getpid()) < 0 || fclose(f) != 0) {
        snprintf(err, errlen, "pid_file %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    bool test = false, foreground = false;
    char err[1024];
    int opt, rc = 0, fd;

    while ((opt = getopt(argc, argv, "c:tFVh")) != -1) {
        switch (opt) {
        case 'c': path = optarg; break;
        case 't': test = true; break;
        case 'F': foreground = true; break;
        case 'V': printf("ckafka-fcgi %s\n", PACKAGE_VERSION); return 0;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return EX_USAGE;
        }
    }
    if (!path || optind != argc) {
        usage(stderr);
        return EX_USAGE;
    }

    struct config *cfg = supervisor_load_config(path, err, sizeof(err));
    if (!cfg) {
        fprintf(stderr, "ckafka-fcgi: %s\n", err);
        return EX_CONFIG;
    }
    bool inherited = inherited_socket();
    if (!inherited && !cfg->listen) {
        fprintf(stderr,
                "ckafka-fcgi: %s: listen is missing (and no socket "
                "was handed over on fd 0)\n",
                path);
        config_free(cfg);
        return EX_CONFIG;
    }
    if (geteuid() == 0 && !cfg->user) {
        fprintf(stderr,
                "ckafka-fcgi: %s: user is missing: workers never run "
                "as root\n",
                path);
        config_free(cfg);
        return EX_CONFIG;
    }
    if (geteuid() != 0 && (cfg->user || cfg->group)) {
        warn_stderr("user and group are ignored when not started as root");
        free(cfg->user);
        free(cfg->group);
        cfg->user = cfg->group = NULL;
    }
    if (test) {
        config_warnings(cfg, warn_stderr);
        printf("ckafka-fcgi: configuration file %s test is successful\n", path);
        config_free(cfg);
        return 0;
    }

    if (log_open(cfg->error_log, (enum log_level)cfg->log_level, err,
                 sizeof(err)) < 0 ||
        log_open_access(cfg->access_log, err, sizeof(err)) < 0 ||
        audit_open(cfg, err, sizeof(err)) < 0) {
        fprintf(stderr, "ckafka-fcgi: %s\n", err);
        config_free(cfg);
        return EX_CANTCREAT;
    }
    if (inherited) {
        fd = 0;
        log_notice("using the FastCGI socket inherited on fd 0");
    } else if ((fd = open_listener(cfg, err, sizeof(err))) < 0) {
        log_error("%s", err);
        config_free(cfg);
        return EX_UNAVAILABLE;
    }
    bool shared = strcmp(cfg->replay_store, "local") != 0;
    struct redis *rd = shared ? redis_new(cfg->replay_store, REDIS_TIMEOUT_MS,
                                          err, sizeof(err))
                              : NULL;
    struct replay *replay =
        !shared || rd
            ? replay_open(shared ? NULL : cfg->replay_file,
                          (size_t)cfg->replay_cache_size, rd, err, sizeof(err))
            : NULL;
    struct grouplock *locks =
        replay ? grouplock_create(rd, err, sizeof(err)) : NULL;
    struct scoreboard *sb = locks ? scoreboard_create(err, sizeof(err)) : NULL;
    if (!sb) {
        log_error("%s", err);
        rc = EX_OSERR;
        goto out;
    }
    if (!foreground && daemonize(inherited) < 0) {
        log_error("cannot daemonize: %s", strerror(errno));
        rc = EX_OSERR;
        goto out;
    }
    if (cfg->pid_file && write_pid_file(cfg->pid_file, err, sizeof(err)) < 0) {
        log_error("%s", err);
        rc = EX_CANTCREAT;
        goto out;
    }
    rc = supervisor_run(&cfg, fd, replay, locks, sb);
    if (cfg->pid_file)
        unlink(cfg->pid_file);
out:
    if (!inherited && cfg->listen && unix_path(cfg->listen))
        unlink(unix_path(cfg->listen));
    scoreboard_destroy(sb);
    grouplock_destroy(locks);
    replay_destroy(replay);
    redis_free(rd);
    audit_close();
    log_close();
    config_free(cfg);
    return rc;
}
