/* redis.c - the little of Redis that the shared stores need (SET NX with an
 * expiry, compare-and-delete), over hiredis. One connection per process,
 * made on first use after fork (a connection must never be shared across
 * fork) and made again after any error; calls are serialized by a mutex so
 * that request threads may share it. Every call is bounded by a timeout. */
#include "store/redis.h"

#include "common/util.h"

#include <hiredis/hiredis.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct redis {
    char *url; /* for messages: never holds the password */
    char *host;
    int port;
    int db;
    char *password; /* NULL: no AUTH */
    int64_t timeout_ms;

    pthread_mutex_t lock;
    redisContext *c; /* NULL: not connected */
    pid_t pid;       /* the process that made c */
};

struct redis *redis_new(const char *url, int64_t timeout_ms, char *err,
                        size_t errlen)
{
    static const char scheme[] = "redis://";
    const char *p = url, *at, *slash, *colon;
    struct redis *r = NULL;

    if (strncmp(p, scheme, sizeof(scheme) - 1) != 0) {
        snprintf(err, errlen,
                 "%s: not a redis://[:password@]host[:port][/db] URL", url);
        return NULL;
    }
    p += sizeof(scheme) - 1;
    r = util_calloc(1, sizeof(*r));
    r->port = 6379;
    r->timeout_ms = timeout_ms;
    if ((at = strrchr(p, '@'))) {
        const char *pw = memchr(p, ':', (size_t)(at - p));
        pw = pw ? pw + 1 : p;
        r->password = util_malloc((size_t)(at - pw) + 1);
        memcpy(r->password, pw, (size_t)(at - pw));
        r->password[at - pw] = '\0';
        p = at + 1;
    }
    slash = strchr(p, '/');
    size_t hl = slash ? (size_t)(slash - p) : strlen(p);
    colon = memchr(p, ':', hl);
    size_t nl = colon ? (size_t)(colon - p) : hl;
    if (!nl)
        goto bad;
    r->host = util_malloc(nl + 1);
    memcpy(r->host, p, nl);
    r->host[nl] = '\0';
    if (colon) {
        char buf[8];
        int64_t port;
        size_t pl = hl - nl - 1;
        if (!pl || pl >= sizeof(buf))
            goto bad;
        memcpy(buf, colon + 1, pl);
        buf[pl] = '\0';
        if (!util_parse_int64(buf, &port) || port < 1 || port > 65535)
            goto bad;
        r->port = (int)port;
    }
    if (slash && slash[1]) {
        int64_t db;
        if (!util_parse_int64(slash + 1, &db) || db < 0 || db > 65535)
            goto bad;
        r->db = (int)db;
    }
    char shown[512];
    snprintf(shown, sizeof(shown), "redis://%s%s:%d/%d",
             r->password ? "***@" : "", r->host, r->port, r->db);
    r->url = util_strdup(shown);
    pthread_mutex_init(&r->lock, NULL);
    return r;
bad:
    snprintf(err, errlen, "%s: not a redis://[:password@]host[:port][/db] URL",
             url);
    free(r->host);
    free(r->password);
    free(r);
    return NULL;
}

void redis_free(struct redis *r)
{
    if (!r)
        return;
    if (r->c && r->pid == getpid())
        redisFree(r->c);
    pthread_mutex_destroy(&r->lock);
    free(r->url);
    free(r->host);
    free(r->password);
    free(r);
}

const char *redis_url(const struct redis *r)
{
    return r->url;
}

static void drop(struct redis *r)
{
    if (r->c)
        redisFree(r->c);
    r->c = NULL;
}

/* A reply of the expected type, or NULL with err (the connection is dropped
 * then, so the next call starts afresh). */
static redisReply *run(struct redis *r, int argc, const char **argv, char *err,
                       size_t errlen)
{
    size_t lens[8];
    for (int i = 0; i < argc; i++)
        lens[i] = strlen(argv[i]);
    redisReply *rep = redisCommandArgv(r->c, argc, argv, lens);
    if (!rep) {
        snprintf(err, errlen, "%s: %s", r->url,
                 r->c->errstr[0] ? r->c->errstr : "no answer");
        drop(r);
        return NULL;
    }
    if (rep->type == REDIS_REPLY_ERROR) {
        snprintf(err, errlen, "%s: %s", r->url, rep->str);
        freeReplyObject(rep);
        drop(r);
        return NULL;
    }
    return rep;
}

static int connect_now(struct redis *r, char *err, size_t errlen)
{
    struct timeval tv = {(time_t)(r->timeout_ms / 1000),
                         (suseconds_t)(r->timeout_ms % 1000) * 1000};
    if (r->c && r->pid != getpid())
        r->c = NULL; /* the parent's: leave its socket alone */
    if (r->c)
        return 0;
    r->c = redisConnectWithTimeout(r->host, r->port, tv);
    r->pid = getpid();
    if (!r->c || r->c->err) {
        snprintf(err, errlen, "%s: %s", r->url,
                 r->c ? r->c->errstr : "cannot allocate a connection");
        drop(r);
        return -1;
    }
    redisSetTimeout(r->c, tv);
    char db[16];
    snprintf(db, sizeof(db), "%d", r->db);
    const char *auth[] = {"AUTH", r->password};
    const char *sel[] = {"SELECT", db};
    redisReply *rep;
    if (r->password) {
        if (!(rep = run(r, 2, auth, err, errlen)))
            return -1;
        freeReplyObject(rep);
    }
    if (r->db) {
        if (!(rep = run(r, 2, sel, err, errlen)))
            return -1;
        freeReplyObject(rep);
    }
    return 0;
}

/* Runs argv on a live connection, connecting (once more after a failure
 * of an old connection) as needed, one caller at a time. The reply is the
 * caller's to free. */
static redisReply *command(struct redis *r, int argc, const char **argv,
                           char *err, size_t errlen)
{
    pthread_mutex_lock(&r->lock);
    redisReply *rep = NULL;
    for (int attempt = 0; attempt < 2 && !rep; attempt++) {
        bool fresh = !r->c || r->pid != getpid();
        if (connect_now(r, err, errlen) < 0)
            break;
        rep = run(r, argc, argv, err, errlen);
        if (fresh)
            break;
    }
    pthread_mutex_unlock(&r->lock);
    return rep;
}

int redis_set_nx(struct redis *r, const char *key, int64_t ttl_ms,
                 const char *value, bool *set, char *err, size_t errlen)
{
    char px[24];
    snprintf(px, sizeof(px), "%lld", (long long)(ttl_ms > 0 ? ttl_ms : 1));
    const char *argv[] = {"SET", key, value, "NX", "PX", px};
    redisReply *rep = command(r, 6, argv, err, errlen);
    if (!rep)
        return -1;
    *set = rep->type == REDIS_REPLY_STATUS;
    freeReplyObject(rep);
    return 0;
}

int redis_del_if(struct redis *r, const char *key, const char *value, char *err,
                 size_t errlen)
{
    /* Atomic on the server: never deletes a lock another holder took after
     * ours expired. */
    static const char script[] =
        "if redis.call('GET', KEYS[1]) == ARGV[1] then "
        "return redis.call('DEL', KEYS[1]) else return 0 end";
    const char *argv[] = {"EVAL", script, "1", key, value};
    redisReply *rep = command(r, 5, argv, err, errlen);
    if (!rep)
        return -1;
    freeReplyObject(rep);
    return 0;
}
