/* worker.c - the child: one request at a time, like a php-fpm worker. Its
 * signal handlers are installed before FCGX_Init (libfcgi installs its own
 * only over default dispositions, and its TERM handler would make every
 * later read of the request fail) and use SA_RESTART (libfcgi's reads do not
 * retry EINTR). A graceful stop replaces the listening descriptor with
 * /dev/null (dup2 is async-signal-safe), so a blocked accept returns at once
 * while a request in flight finishes normally. */
#include "server/worker.h"

#include "aliyun/rpc.h"
#include "ckafka/frontend.h"
#include "common/config.h"
#include "common/http.h"
#include "common/json.h"
#include "common/log.h"
#include "common/pool.h"
#include "common/util.h"
#include "core/audit.h"
#include "core/core.h"
#include "huawei/rest.h"
#include "server/scoreboard.h"
#include "server/status.h"

#include <json-c/json.h>

#include <errno.h>
#include <fcgiapp.h>
#include <fcntl.h>
#include <grp.h>
#include <malloc.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sysexits.h>
#include <unistd.h>

static volatile sig_atomic_t stopping;
static int listen_fd_global = -1;
static int devnull_fd = -1;

static void on_stop(int sig)
{
    int saved = errno;
    (void)sig;
    stopping = 1;
    if (listen_fd_global >= 0 && devnull_fd >= 0)
        dup2(devnull_fd, listen_fd_global);
    errno = saved;
}

static void install_signals(void)
{
    struct sigaction sa;
    sigset_t all;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGQUIT, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    /* The master reloads and reopens by replacing workers. */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGHUP, &sa, NULL);
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGPIPE, &sa, NULL);
    sa.sa_handler = SIG_DFL;
    sigaction(SIGCHLD, &sa, NULL);
    sigaction(SIGALRM, &sa, NULL);
    sigemptyset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
}

/* Takes the configured user and group when running as root. */
static int drop_privileges(const struct config *cfg)
{
    if (geteuid() != 0)
        return 0;
    struct passwd *pw = getpwnam(cfg->user);
    if (!pw) {
        log_error("user %s does not exist", cfg->user);
        return -1;
    }
    gid_t gid = pw->pw_gid;
    if (cfg->group) {
        struct group *gr = getgrnam(cfg->group);
        if (!gr) {
            log_error("group %s does not exist", cfg->group);
            return -1;
        }
        gid = gr->gr_gid;
    }
    if (setgroups(0, NULL) < 0 || setgid(gid) < 0 || setuid(pw->pw_uid) < 0) {
        log_error("cannot become %s: %s", cfg->user, strerror(errno));
        return -1;
    }
    /* setuid keeps us non-dumpable; allow core dumps for post-mortems. */
    prctl(PR_SET_DUMPABLE, 1);
    return 0;
}

/* Reads the POST body, at most max_body bytes kept; the rest is drained so
 * the connection closes cleanly and nginx gets the whole answer. */
static void read_body(FCGX_Request *fr, struct pool *pool,
                      const struct config *cfg, struct http_request *raw)
{
    const char *cl = FCGX_GetParam("CONTENT_LENGTH", fr->envp);
    size_t cap = (size_t)cfg->max_body;
    long long announced = cl && *cl ? atoll(cl) : -1;
    char *buf = pool_alloc(pool, cap + 1);
    size_t n = 0;
    char sink[4096];

    raw->body_announced = announced;
    if (announced > (long long)cfg->max_body)
        raw->body_too_large = true;
    while (!raw->body_too_large && n <= cap) {
        int r = FCGX_GetStr(buf + n, (int)(cap + 1 - n), fr->in);
        if (r <= 0)
            break;
        n += (size_t)r;
    }
    if (n > cap)
        raw->body_too_large = true;
    while (FCGX_GetStr(sink, sizeof(sink), fr->in) > 0)
        ;
    raw->body = buf;
    raw->body_len = n > cap ? cap : n;
}

/* The API front ends, each owning its paths; the first that owns a path
 * serves it. CKafka, which owns every path, comes last. */
static const struct http_frontend *const frontends[] = {
    &aliyun_frontend,
    &huawei_frontend,
    &ckafka_frontend,
};

bool worker_api_known(const char *name)
{
    for (size_t i = 0; i < UTIL_ARRAY_LEN(frontends); i++)
        if (strcmp(frontends[i]->name, name) == 0)
            return true;
    return false;
}

const char *worker_api_names(void)
{
    static char names[256];
    size_t n = 0;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(frontends) && n < sizeof(names); i++)
        n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
                              i ? ", " : "", frontends[i]->name);
    return names;
}

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Unknown";
    }
}

static void respond(FCGX_Request *fr, const struct http_answer *a)
{
    char head[512];
    /* libfcgi's FCGX_FPrintF has its own printf without %zu: format here. */
    /* A 204 has no body, so no type. */
    int n =
        snprintf(head, sizeof(head),
                 "Status: %d %s\r\n"
                 "%s%s%s"
                 "Content-Length: %zu\r\n"
                 "Cache-Control: no-store\r\n",
                 a->status, reason(a->status), a->body ? "Content-Type: " : "",
                 a->body ? a->content_type : "", a->body ? "\r\n" : "", a->len);
    if (a->request_id_header && a->request_id && n > 0 &&
        (size_t)n < sizeof(head))
        n += snprintf(head + n, sizeof(head) - (size_t)n, "%s: %s\r\n",
                      a->request_id_header, a->request_id);
    if (n < 0 || (size_t)n + 3 > sizeof(head))
        n = (int)sizeof(head) - 3;
    memcpy(head + n, "\r\n", 3);
    FCGX_PutStr(head, n + 2, fr->out);
    FCGX_PutStr(a->body, (int)a->len, fr->out);
}

/* One JSON object per line: every field is quoted properly whatever a
 * client put in a group name. */
static void access_line(struct pool *pool, const struct http_request *req,
                        const struct http_answer *a, int64_t us)
{
    char ts[40];
    if (!log_access_enabled())
        return;
    json_object *o = json_object_new_object();
    log_timestamp(ts, sizeof(ts));
    json_object_object_add(o, "time", json_object_new_string(ts));
    json_object_object_add(o, "client", json_object_new_string(req->client));
    json_object_object_add(o, "pid", json_object_new_int((int)getpid()));
    json_object_object_add(o, "method", json_object_new_string(req->method));
    json_object_object_add(o, "path", json_object_new_string(req->path));
    json_object_object_add(o, "api",
                           json_object_new_string(a->api ? a->api : ""));
    json_object_object_add(o, "action",
                           json_object_new_string(a->action ? a->action : ""));
    json_object_object_add(
        o, "instance", json_object_new_string(a->instance ? a->instance : ""));
    json_object_object_add(o, "group",
                           json_object_new_string(a->group ? a->group : ""));
    json_object_object_add(o, "code",
                           a->code_text ? json_object_new_string(a->code_text)
                                        : json_object_new_int(a->code));
    json_object_object_add(o, "status", json_object_new_int(a->status));
    json_object_object_add(o, "ms", ms_json(us));
    size_t n;
    log_access("%s", json_text(pool, o, &n));
    json_object_put(o);
}

static void note(void *slot, const char *action, const char *instance,
                 const char *group)
{
    scoreboard_note(slot, action, instance, group);
}

static const char *param_or(FCGX_Request *fr, const char *name,
                            const char *dflt)
{
    const char *v = FCGX_GetParam(name, fr->envp);
    return v ? v : dflt;
}

/* One request from accept to the last byte of the answer. */
static void serve(const struct worker_env *env, FCGX_Request *fr,
                  struct pool *pool, struct sb_slot *slot)
{
    struct http_request req = {0};
    struct http_answer a = {0};
    struct http_env henv = {0};

    henv.cfg = env->cfg;
    henv.replay = env->replay;
    henv.locks = env->locks;
    henv.started_us = util_mono_us();
    henv.note = note;
    henv.note_arg = slot;
    scoreboard_note(slot, "", "", "");
    core_trace_reset();

    req.method = param_or(fr, "REQUEST_METHOD", "");
    req.host = param_or(fr, "HTTP_HOST", "");
    req.path = http_path(pool, FCGX_GetParam("DOCUMENT_URI", fr->envp),
                         FCGX_GetParam("REQUEST_URI", fr->envp),
                         FCGX_GetParam("SCRIPT_NAME", fr->envp));
    const char *raw = FCGX_GetParam("REQUEST_URI", fr->envp);
    if (raw && *raw) {
        const char *q = strchr(raw, '?');
        req.raw_path = q ? pool_strndup(pool, raw, (size_t)(q - raw)) : raw;
    }
    req.query = param_or(fr, "QUERY_STRING", "");
    req.content_type = FCGX_GetParam("CONTENT_TYPE", fr->envp);
    req.client = param_or(fr, "REMOTE_ADDR", "");
    req.body_announced = -1;
    req.envp = fr->envp;
    if (strcmp(req.method, "POST") == 0 || strcmp(req.method, "PUT") == 0)
        read_body(fr, pool, env->cfg, &req);

    if (status_path_matches(env->cfg, req.path)) {
        a.status = 200;
        a.action = status_serve(env->cfg, env->sb, env->replay, &req, pool,
                                &a.body, &a.len, &a.content_type);
    } else {
        /* The front end that owns the path serves it, if it is on. */
        for (size_t i = 0; i < UTIL_ARRAY_LEN(frontends); i++)
            if (frontends[i]->owns(req.path)) {
                if (config_api_enabled(env->cfg, frontends[i]->name))
                    frontends[i]->serve(&henv, &req, pool, &a);
                break;
            }
        if (!a.content_type) {
            /* The API of this path is switched off (apis). */
            static const char gone[] = "no API is served on this path\n";
            a.status = 404;
            a.content_type = "text/plain; charset=utf-8";
            a.body = gone;
            a.len = sizeof(gone) - 1;
            a.failed = true;
            a.code_text = "not-served";
        }
    }
    respond(fr, &a);

    int64_t us = util_mono_us() - henv.started_us;
    scoreboard_record(env->sb, scoreboard_action_index(a.action), us, a.failed,
                      a.instance, a.kafka_failed);
    if (env->cfg->slowlog_ms && us >= env->cfg->slowlog_ms * 1000) {
        char calls[1024];
        core_trace_format(calls, sizeof(calls));
        log_warn("slow request: %.1f ms api=%s action=%s instance=%s "
                 "group=%s code=%s; Kafka calls: %s",
                 (double)us / 1000.0, a.api ? a.api : "-",
                 a.action ? a.action : "-", a.instance ? a.instance : "-",
                 a.group ? a.group : "-",
                 a.code_text ? a.code_text : pool_printf(pool, "%d", a.code),
                 *calls ? calls : "none");
    }
    access_line(pool, &req, &a, us);
    if (a.problem)
        log_warn("%s on %s (group %s): %s", a.action ? a.action : "request",
                 a.instance ? a.instance : "-", a.group ? a.group : "-",
                 a.problem);
}

void worker_main(const struct worker_env *env)
{
    const struct config *cfg = env->cfg;
    struct sb_slot *slot = &env->sb->slots[env->slot];
    FCGX_Request fr;
    char role[32];
    uint64_t served = 0;

    snprintf(role, sizeof(role), "worker %d", env->slot);
    log_set_role(role);
    /* Memory that a worker once needed must not stay with it
     * (bench/RESULTS.md, section c). librdkafka's threads and the lookup
     * threads of large requests would each get a glibc arena of their own
     * (up to 8 per core), every one keeping what it once held: two arenas
     * keep a worker that served 10,000-partition requests about 8 MiB
     * smaller, at no measurable cost in speed. And glibc raises its mmap
     * threshold each time a large block is freed, so the large blocks of
     * every metadata refresh (a cluster of 10,000 partitions: about 1 MiB
     * each) would come to be carved from the heap, which then grows by
     * fragments for a while; a fixed threshold keeps them mapped and
     * returned. */
    mallopt(M_ARENA_MAX, 2);
    mallopt(M_MMAP_THRESHOLD, 128 * 1024);
    install_signals();
    devnull_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    listen_fd_global = env->listen_fd;
    if (cfg->user && drop_privileges(cfg) < 0)
        _exit(EX_OSERR);
    /* If the master dies (kill -9, the OOM killer), do not linger holding
     * the socket. Set after dropping privileges: Linux clears the parent-
     * death signal when a process's credentials change. The master may
     * already be gone by now: then nobody would send it. */
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (stopping || getppid() != env->master)
        _exit(0);

    if (FCGX_Init() != 0) {
        log_error("FCGX_Init failed");
        _exit(EX_OSERR);
    }
    FCGX_InitRequest(&fr, env->listen_fd, FCGI_FAIL_ACCEPT_ON_INTR);
    struct pool *pool = pool_new();
    __atomic_store_n(&slot->state, SB_IDLE, __ATOMIC_RELEASE);

    int status = 0;
    while (!stopping) {
        int rc = FCGX_Accept_r(&fr);
        if (rc < 0) {
            if (stopping)
                break;
            if (rc == -EINTR)
                continue;
            log_error("accept failed: %s", strerror(-rc));
            status = 1;
            break;
        }
        slot->req_start_ms = util_mono_ms();
        __atomic_store_n(&slot->state, SB_BUSY, __ATOMIC_RELEASE);
        serve(env, &fr, pool, slot);
        FCGX_Finish_r(&fr);
        __atomic_store_n(&slot->state, stopping ? SB_EXITING : SB_IDLE,
                         __ATOMIC_RELEASE);
        slot->req_start_ms = 0;
        slot->requests = ++served;
        /* After a large request (thousands of partitions), give the memory
         * back: glibc keeps freed pages, and a worker that once served a
         * 10,000-partition reset would otherwise stay that big. */
        bool large = pool_footprint(pool) > 256 * 1024;
        pool_reset(pool);
        if (large)
            malloc_trim(0);
        core_idle();
        if (cfg->max_requests && served >= (uint64_t)cfg->max_requests) {
            log_info("recycled after %llu requests (max_requests)",
                     (unsigned long long)served);
            status = WORKER_EXIT_RECYCLED;
            break;
        }
    }
    __atomic_store_n(&slot->state, SB_EXITING, __ATOMIC_RELEASE);
    FCGX_Free(&fr, 1);
    core_exit();
    pool_free(pool);
    exit(status);
}
