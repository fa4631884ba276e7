/* supervisor.c - the parent. Its signal handlers only set flags; it waits in
 * sigsuspend() with a 100 ms heartbeat (SIGALRM) and does all work in the
 * loop: reap with waitpid(WNOHANG), respawn, enforce request_timeout, move a
 * reload along, stop. It never talks to Kafka or serves a request. */
#include "server/supervisor.h"

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"
#include "core/audit.h"
#include "core/core.h"
#include "server/scoreboard.h"
#include "server/worker.h"
#include "store/redis.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <unistd.h>

#define TICK_MS 100
#define CRASH_WINDOW_MS 30000 /* crashes closer than this form a streak */
#define BACKOFF_MAX_MS 30000

static volatile sig_atomic_t got_stop, got_hup, got_usr1, got_chld;

/* Master-side view of a slot (the scoreboard has the shared part). */
struct child {
    pid_t pid;
    uint32_t generation;
    bool term_sent; /* asked to stop (reload, shutdown) */
    int planned;    /* enum sb_reason we caused, or -1 */
};

struct master {
    struct config *cfg;
    int listen_fd;
    struct replay *replay;
    struct grouplock *locks;
    struct scoreboard *sb;
    struct child kids[SB_SLOTS];
    uint32_t generation;
    bool stopping;
    int64_t stop_deadline;
    bool killed_all;
    int64_t next_spawn_ms;
    int64_t last_crash_ms;
    int streak;
    bool config_failed; /* a worker exited with EX_CONFIG */
};

static void on_signal(int sig)
{
    int saved = errno;
    switch (sig) {
    case SIGTERM:
    case SIGQUIT:
    case SIGINT: got_stop++; break;
    case SIGHUP: got_hup = 1; break;
    case SIGUSR1: got_usr1 = 1; break;
    case SIGCHLD: got_chld = 1; break;
    default: /* SIGALRM: the heartbeat only wakes sigsuspend */ break;
    }
    errno = saved;
}

static void setup_signals(sigset_t *wait_mask)
{
    struct sigaction sa;
    static const int sigs[] = {SIGTERM, SIGQUIT, SIGINT, SIGHUP,
                               SIGUSR1, SIGCHLD, SIGALRM};
    sigset_t block;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&block);
    for (size_t i = 0; i < UTIL_ARRAY_LEN(sigs); i++)
        sigaddset(&block, sigs[i]);
    /* Blocked everywhere but in sigsuspend: no flag is ever missed. */
    sigprocmask(SIG_BLOCK, &block, wait_mask);
    for (size_t i = 0; i < UTIL_ARRAY_LEN(sigs); i++)
        sigdelset(wait_mask, sigs[i]);
    sa.sa_handler = on_signal;
    sa.sa_mask = block;
    sa.sa_flags = SA_RESTART;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(sigs); i++)
        sigaction(sigs[i], &sa, NULL);
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = 0;
    sigaction(SIGPIPE, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);

    struct itimerval it = {{0, TICK_MS * 1000}, {0, TICK_MS * 1000}};
    setitimer(ITIMER_REAL, &it, NULL);
}

static int spawn(struct master *m)
{
    int slot = -1;
    for (int i = 0; i < SB_SLOTS && slot < 0; i++)
        if (!m->kids[i].pid)
            slot = i;
    if (slot < 0) {
        log_error("no free worker slot");
        return -1;
    }
    struct sb_slot *s = &m->sb->slots[slot];
    memset(s, 0, sizeof(*s));
    s->generation = m->generation;
    s->started_ms = util_mono_ms();
    __atomic_store_n(&s->state, SB_STARTING, __ATOMIC_RELEASE);

    pid_t self = getpid();
    pid_t pid = fork();
    if (pid < 0) {
        log_error("fork: %s", strerror(errno));
        __atomic_store_n(&s->state, SB_FREE, __ATOMIC_RELEASE);
        return -1;
    }
    if (pid == 0) {
        struct itimerval none = {{0, 0}, {0, 0}};
        setitimer(ITIMER_REAL, &none, NULL);
        s->pid = getpid();
        struct worker_env env = {m->cfg, m->listen_fd, m->replay, m->locks,
                                 m->sb,  slot,         self};
        worker_main(&env);
    }
    s->pid = pid;
    m->kids[slot] = (struct child){pid, m->generation, false, -1};
    log_info("worker %d started (pid %ld)", slot, (long)pid);
    return 0;
}

static void signal_child(struct master *m, int slot, int sig)
{
    struct child *k = &m->kids[slot];
    if (k->pid > 0 && kill(k->pid, sig) < 0 && errno != ESRCH)
        log_warn("kill(%ld, %d): %s", (long)k->pid, sig, strerror(errno));
}

static void retire(struct master *m, int slot, enum sb_reason why)
{
    struct child *k = &m->kids[slot];
    k->term_sent = true;
    if (k->planned < 0)
        k->planned = (int)why;
    __atomic_store_n(&m->sb->slots[slot].state, SB_EXITING, __ATOMIC_RELEASE);
    signal_child(m, slot, SIGTERM);
}

static void note_crash(struct master *m)
{
    int64_t now = util_mono_ms();
    m->streak = now - m->last_crash_ms < CRASH_WINDOW_MS ? m->streak + 1 : 1;
    m->last_crash_ms = now;
    /* The first crash is replaced at once; a streak backs off. */
    int64_t delay = 0;
    if (m->streak > 1) {
        delay = 100;
        for (int i = 2; i < m->streak && delay < BACKOFF_MAX_MS; i++)
            delay *= 2;
        if (delay > BACKOFF_MAX_MS)
            delay = BACKOFF_MAX_MS;
        log_warn("workers keep crashing (%d in a row): next start in %lld ms",
                 m->streak, (long long)delay);
    }
    m->next_spawn_ms = now + delay;
}

static void reap(struct master *m)
{
    int st;
    pid_t pid;

    while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
        int slot = -1;
        for (int i = 0; i < SB_SLOTS && slot < 0; i++)
            if (m->kids[i].pid == pid)
                slot = i;
        if (slot < 0)
            continue;
        struct child k = m->kids[slot];
        int reason = k.planned, status = 0;
        if (WIFEXITED(st)) {
            status = WEXITSTATUS(st);
            if (reason < 0 && status == WORKER_EXIT_RECYCLED)
                reason = SB_REASON_MAX_REQUESTS;
            else if (reason < 0 && status != 0)
                reason = SB_REASON_EXIT;
            if (status == EX_CONFIG || status == EX_OSERR)
                m->config_failed = true;
            log_msg(status && status != WORKER_EXIT_RECYCLED ? LOG_LEVEL_WARN
                                                             : LOG_LEVEL_INFO,
                    "worker %d (pid %ld) exited with status %d", slot,
                    (long)pid, status);
        } else if (WIFSIGNALED(st)) {
            status = WTERMSIG(st);
            if (reason < 0)
                reason = SB_REASON_CRASH;
            log_msg(reason == SB_REASON_CRASH ? LOG_LEVEL_ERROR
                                              : LOG_LEVEL_INFO,
                    "worker %d (pid %ld) killed by signal %d (%s)%s", slot,
                    (long)pid, status, strsignal(status),
                    WCOREDUMP(st) ? ", core dumped" : "");
        }
        if (reason >= 0 && !m->stopping)
            scoreboard_restart(m->sb, pid, (enum sb_reason)reason, status);
        if (reason == SB_REASON_CRASH || reason == SB_REASON_EXIT)
            note_crash(m);
        m->kids[slot] = (struct child){0, 0, false, -1};
        __atomic_store_n(&m->sb->slots[slot].state, SB_FREE, __ATOMIC_RELEASE);
        m->sb->slots[slot].pid = 0;
    }
}

static int live_children(const struct master *m)
{
    int n = 0;
    for (int i = 0; i < SB_SLOTS; i++)
        n += m->kids[i].pid > 0;
    return n;
}

static void enforce_timeouts(struct master *m, int64_t now)
{
    if (!m->cfg->request_timeout_ms)
        return;
    for (int i = 0; i < SB_SLOTS; i++) {
        struct child *k = &m->kids[i];
        struct sb_slot *s = &m->sb->slots[i];
        if (!k->pid || k->planned == SB_REASON_REQUEST_TIMEOUT)
            continue;
        int st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
        int64_t t0 = s->req_start_ms;
        if ((st != SB_BUSY && st != SB_EXITING) || !t0 ||
            now - t0 <= m->cfg->request_timeout_ms)
            continue;
        log_error("worker %d (pid %ld) killed: request_timeout (%lld ms) "
                  "exceeded serving action=%s instance=%s group=%s",
                  i, (long)k->pid, (long long)m->cfg->request_timeout_ms,
                  s->action[0] ? s->action : "-",
                  s->instance[0] ? s->instance : "-",
                  s->group[0] ? s->group : "-");
        k->planned = SB_REASON_REQUEST_TIMEOUT;
        signal_child(m, i, SIGKILL);
    }
}

/* Keeps `workers` current-generation workers; during a rolling replacement
 * starts new ones one at a time and retires an old one each time serving
 * capacity would exceed the target. */
static void maintain(struct master *m, int64_t now)
{
    int target = (int)m->cfg->workers;
    int cur_live = 0, cur_starting = 0, old_active = 0;

    for (int i = 0; i < SB_SLOTS; i++) {
        const struct child *k = &m->kids[i];
        if (!k->pid || k->term_sent)
            continue;
        if (k->generation == m->generation) {
            cur_live++;
            cur_starting += __atomic_load_n(&m->sb->slots[i].state,
                                            __ATOMIC_ACQUIRE) == SB_STARTING;
        } else {
            old_active++;
        }
    }
    if (m->config_failed && cur_live + old_active == 0)
        return; /* the loop ends: nothing can start */
    if (now >= m->next_spawn_ms && !m->config_failed) {
        if (!old_active) {
            while (cur_live < target && spawn(m) == 0)
                cur_live++, cur_starting++;
        } else if (cur_live < target && !cur_starting && spawn(m) == 0) {
            cur_live++, cur_starting++;
        }
    }
    int cur_ready = cur_live - cur_starting;
    for (int i = 0;
         i < SB_SLOTS && old_active > 0 && cur_ready + old_active > target;
         i++) {
        struct child *k = &m->kids[i];
        if (k->pid && !k->term_sent && k->generation != m->generation) {
            retire(m, i, SB_REASON_RELOAD);
            old_active--;
        }
    }
}

static void begin_stop(struct master *m, int64_t now)
{
    if (m->stopping) {
        if (!m->killed_all) {
            log_notice("second stop signal: killing the workers now");
            m->stop_deadline = now;
        }
        return;
    }
    m->stopping = true;
    m->stop_deadline = now + m->cfg->stop_timeout_ms;
    log_notice("stopping: letting requests in flight finish (stop_timeout "
               "%lld ms)",
               (long long)m->cfg->stop_timeout_ms);
    for (int i = 0; i < SB_SLOTS; i++)
        if (m->kids[i].pid)
            retire(m, i, SB_REASON_RELOAD);
}

static void replace_all(struct master *m, const char *why)
{
    m->generation++;
    m->config_failed = false;
    m->next_spawn_ms = 0;
    log_notice("%s: replacing %d workers one by one", why, live_children(m));
}

struct config *supervisor_load_config(const char *path, char *err,
                                      size_t errlen)
{
    struct config *c = config_load(path, err, errlen);
    char e[512];
    if (!c)
        return NULL;
    for (size_t i = 0; i < c->ninstances; i++) {
        if (core_check_instance(&c->instances[i], e, sizeof(e)) < 0) {
            snprintf(err, errlen, "%s:%d: [instance %s] %s", path,
                     c->instances[i].line, c->instances[i].id, e);
            goto fail;
        }
    }
    for (size_t i = 0; i < c->apis.n; i++)
        if (!worker_api_known(c->apis.v[i])) {
            snprintf(err, errlen, "%s: apis: no API is called '%s' (known: %s)",
                     path, c->apis.v[i], worker_api_names());
            goto fail;
        }
    if (strcmp(c->replay_store, "local") != 0) {
        /* The URL's form, checked here for -t too; nothing connects. */
        struct redis *rd = redis_new(c->replay_store, 1000, e, sizeof(e));
        if (!rd) {
            snprintf(err, errlen, "%s: replay_store: %s", path, e);
            goto fail;
        }
        redis_free(rd);
    }
    if (c->user && !getpwnam(c->user)) {
        snprintf(err, errlen, "%s: user: no user %s on this system", path,
                 c->user);
        goto fail;
    }
    if (c->group && !getgrnam(c->group)) {
        snprintf(err, errlen, "%s: group: no group %s on this system", path,
                 c->group);
        goto fail;
    }
    return c;
fail:
    config_free(c);
    return NULL;
}

static void reload(struct master *m)
{
    char err[1024];
    struct config *c = supervisor_load_config(m->cfg->path, err, sizeof(err));
    if (!c) {
        log_error("reload failed, the running configuration stays: %s", err);
        return;
    }
    /* What lives in the master across workers cannot change in place. */
    static const char *const fixed[] = {"listen",      "user",
                                        "group",       "replay_cache_size",
                                        "replay_file", "replay_store"};
    bool same[] = {
        (!c->listen && !m->cfg->listen) ||
            (c->listen && m->cfg->listen &&
             strcmp(c->listen, m->cfg->listen) == 0),
        (!c->user && !m->cfg->user) ||
            (c->user && m->cfg->user && strcmp(c->user, m->cfg->user) == 0),
        (!c->group && !m->cfg->group) ||
            (c->group && m->cfg->group && strcmp(c->group, m->cfg->group) == 0),
        c->replay_cache_size == m->cfg->replay_cache_size,
        util_streq(c->replay_file, m->cfg->replay_file),
        util_streq(c->replay_store, m->cfg->replay_store),
    };
    for (size_t i = 0; i < UTIL_ARRAY_LEN(fixed); i++)
        if (!same[i])
            log_warn("reload: %s changed; it takes effect at the next "
                     "restart",
                     fixed[i]);
    if (log_open(c->error_log, (enum log_level)c->log_level, err, sizeof(err)) <
            0 ||
        log_open_access(c->access_log, err, sizeof(err)) < 0 ||
        audit_open(c, err, sizeof(err)) < 0) {
        log_error("reload failed, the running configuration stays: %s", err);
        /* put the old files back */
        log_open(m->cfg->error_log, (enum log_level)m->cfg->log_level, err,
                 sizeof(err));
        log_open_access(m->cfg->access_log, err, sizeof(err));
        audit_open(m->cfg, err, sizeof(err));
        config_free(c);
        return;
    }
    /* The user and group of running workers stay as they were started. */
    free(c->user);
    free(c->group);
    c->user = m->cfg->user ? util_strdup(m->cfg->user) : NULL;
    c->group = m->cfg->group ? util_strdup(m->cfg->group) : NULL;
    c->replay_cache_size = m->cfg->replay_cache_size;
    /* The stores stay as opened: keep the names that the status page and
     * the messages show in step with them. */
    free(c->replay_file);
    free(c->replay_store);
    c->replay_file =
        m->cfg->replay_file ? util_strdup(m->cfg->replay_file) : NULL;
    c->replay_store =
        m->cfg->replay_store ? util_strdup(m->cfg->replay_store) : NULL;
    config_free(m->cfg);
    m->cfg = c;
    replace_all(m, "configuration reloaded");
}

int supervisor_run(struct config **cfg, int listen_fd, struct replay *replay,
                   struct grouplock *locks, struct scoreboard *sb)
{
    static struct master m; /* large (SB_SLOTS children): not on the stack */
    sigset_t wait_mask;

    m.cfg = *cfg;
    m.listen_fd = listen_fd;
    m.replay = replay;
    m.locks = locks;
    m.sb = sb;
    for (int i = 0; i < SB_SLOTS; i++)
        m.kids[i].planned = -1;
    setup_signals(&wait_mask);
    log_notice("ckafka-fcgi started: %lld workers", (long long)m.cfg->workers);

    for (;;) {
        int64_t now = util_mono_ms();
        if (got_chld) {
            got_chld = 0;
            reap(&m);
        }
        if (got_stop) {
            got_stop = 0;
            begin_stop(&m, now);
        }
        if (got_hup && !m.stopping) {
            got_hup = 0;
            reload(&m);
        }
        if (got_usr1 && !m.stopping) {
            got_usr1 = 0;
            char err[512];
            log_reopen();
            if (audit_open(m.cfg, err, sizeof(err)) < 0)
                log_error("reopen: %s", err);
            replace_all(&m, "log files reopened");
        }
        if (m.stopping) {
            if (!live_children(&m))
                break;
            if (now >= m.stop_deadline && !m.killed_all) {
                log_warn("stop_timeout reached: killing %d workers",
                         live_children(&m));
                for (int i = 0; i < SB_SLOTS; i++)
                    if (m.kids[i].pid)
                        signal_child(&m, i, SIGKILL);
                m.killed_all = true;
            }
        } else {
            enforce_timeouts(&m, now);
            maintain(&m, now);
            if (m.config_failed && !live_children(&m)) {
                log_error("workers cannot start with this configuration; "
                          "exiting");
                *cfg = m.cfg;
                return EX_CONFIG;
            }
        }
        sigsuspend(&wait_mask);
    }
    log_notice("stopped");
    *cfg = m.cfg;
    return 0;
}
