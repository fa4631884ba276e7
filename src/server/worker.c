/* worker.c - the child: one request at a time, like a php-fpm worker. Its
 * signal handlers are installed before FCGX_Init (libfcgi installs its own
 * only over default dispositions, and its TERM handler would make every
 * later read of the request fail) and use SA_RESTART (libfcgi's reads do not
 * retry EINTR). A graceful stop replaces the listening descriptor with
 * /dev/null (dup2 is async-signal-safe), so a blocked accept returns at once
 * while a request in flight finishes normally. */
#include "server/worker.h"

#include "ckafka/dispatch.h"
#include "ckafka/request.h"
#include "common/config.h"
#include "common/json.h"
#include "common/log.h"
#include "common/pool.h"
#include "common/util.h"
#include "core/audit.h"
#include "core/core.h"
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
                      const struct config *cfg, struct request_raw *raw)
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

static void respond(FCGX_Request *fr, const char *ctype, const char *body,
                    size_t len)
{
    char head[256];
    /* libfcgi's FCGX_FPrintF has its own printf without %zu: format here. */
    int n = snprintf(head, sizeof(head),
                     "Status: 200 OK\r\n"
                     "Content-Type: %s\r\n"
                     "Content-Length: %zu\r\n"
                     "Cache-Control: no-store\r\n"
                     "\r\n",
                     ctype, len);
    FCGX_PutStr(head, n, fr->out);
    FCGX_PutStr(body, (int)len, fr->out);
}

/* One JSON object per line: every field is quoted properly whatever a
 * client put in a group name. */
static void access_line(struct pool *pool, const struct request *req,
                        const struct action_ctx *c, int code, int64_t us)
{
    char ts[40];
    if (!log_access_enabled())
        return;
    json_object *o = json_object_new_object();
    log_timestamp(ts, sizeof(ts));
    json_object_object_add(o, "time", json_object_new_string(ts));
    json_object_object_add(
        o, "client", json_object_new_string(req->client ? req->client : ""));
    json_object_object_add(o, "pid", json_object_new_int((int)getpid()));
    json_object_object_add(
        o, "method", json_object_new_string(req->method ? req->method : ""));
    json_object_object_add(o, "path",
                           json_object_new_string(req->path ? req->path : ""));
    json_object_object_add(o, "action",
                           json_object_new_string(c->action ? c->action : ""));
    json_object_object_add(o, "instance",
                           json_object_new_string(c->inst ? c->inst->id : ""));
    json_object_object_add(o, "group",
                           json_object_new_string(c->group ? c->group : ""));
    json_object_object_add(o, "code", json_object_new_int(code));
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

/* One request from accept to the last byte of the answer. */
static void serve(const struct worker_env *env, FCGX_Request *fr,
                  struct pool *pool, struct sb_slot *slot)
{
    struct request_raw raw = {0};
    struct request req;
    struct action_ctx c = {0};
    const char *body;
    size_t len;

    c.cfg = env->cfg;
    c.replay = env->replay;
    c.locks = env->locks;
    c.pool = pool;
    c.req = &req;
    c.params = &req.params;
    c.started_us = util_mono_us();
    c.note = note;
    c.note_arg = slot;
    scoreboard_note(slot, "", "", "");
    core_trace_reset();

    raw.method = FCGX_GetParam("REQUEST_METHOD", fr->envp);
    raw.host = FCGX_GetParam("HTTP_HOST", fr->envp);
    /* The path: DOCUMENT_URI from the shipped nginx snippet (the query is
     * not sent twice), else REQUEST_URI up to '?' (other web servers). */
    raw.uri = FCGX_GetParam("DOCUMENT_URI", fr->envp);
    if (!raw.uri || !*raw.uri)
        raw.uri = FCGX_GetParam("REQUEST_URI", fr->envp);
    raw.script_name = FCGX_GetParam("SCRIPT_NAME", fr->envp);
    raw.query = FCGX_GetParam("QUERY_STRING", fr->envp);
    raw.content_type = FCGX_GetParam("CONTENT_TYPE", fr->envp);
    raw.client = FCGX_GetParam("REMOTE_ADDR", fr->envp);
    if (raw.method && strcmp(raw.method, "POST") == 0)
        read_body(fr, pool, env->cfg, &raw);

    if (request_parse(pool, &raw, env->cfg, &req, &c.reply) == REPLY_OK) {
        if (status_path_matches(env->cfg, req.path)) {
            const char *ctype;
            c.action = status_serve(env->cfg, env->sb, env->replay, &req, pool,
                                    &body, &len, &ctype);
            respond(fr, ctype, body, len);
            goto done;
        }
        dispatch(&c);
    }
    body = reply_render(pool, &c.reply, &len);
    respond(fr, "application/json; charset=utf-8", body, len);
done:;
    int64_t us = util_mono_us() - c.started_us;
    int code = reply_code(c.reply.status);
    const char *inst = c.inst ? c.inst->id : NULL;
    scoreboard_record(env->sb, scoreboard_action_index(c.action), us, code != 0,
                      inst, c.reply.status == REPLY_KAFKA);
    if (env->cfg->slowlog_ms && us >= env->cfg->slowlog_ms * 1000) {
        char calls[1024];
        core_trace_format(calls, sizeof(calls));
        log_warn("slow request: %.1f ms action=%s instance=%s group=%s "
                 "code=%d; Kafka calls: %s",
                 (double)us / 1000.0, c.action ? c.action : "-",
                 inst ? inst : "-", c.group ? c.group : "-", code,
                 *calls ? calls : "none");
    }
    access_line(pool, &req, &c, code, us);
    if (code == reply_code(REPLY_INTERNAL) || c.reply.status == REPLY_KAFKA)
        log_warn("%s on %s (group %s): %s", c.action ? c.action : "request",
                 inst ? inst : "-", c.group ? c.group : "-",
                 reply_message(pool, &c.reply));
    reply_clear(&c.reply);
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
