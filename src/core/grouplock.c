/* grouplock.c - per-group reset locks: 1,024 robust process-shared mutexes
 * in anonymous shared memory, a group taking the stripe its (instance,
 * group) hashes to (two groups may share one and then wait for each other:
 * rare and harmless), then, with Redis, a key of its own there. A worker
 * killed while holding a stripe leaves it owner-dead; the next taker makes
 * it consistent and goes on. */
#include "core/grouplock.h"

#include "common/log.h"
#include "common/util.h"
#include "store/redis.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define GROUPLOCK_STRIPES 1024

struct grouplock {
    pthread_mutex_t *stripes; /* shared mapping */
    struct redis *rd;         /* borrowed; NULL: host-wide only */
};

struct grouplock *grouplock_create(struct redis *rd, char *err, size_t errlen)
{
    size_t len = GROUPLOCK_STRIPES * sizeof(pthread_mutex_t);
    pthread_mutexattr_t attr;
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        snprintf(err, errlen, "reset locks: mmap: %s", strerror(errno));
        return NULL;
    }
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_t *s = m;
    for (int i = 0; i < GROUPLOCK_STRIPES; i++)
        pthread_mutex_init(&s[i], &attr);
    pthread_mutexattr_destroy(&attr);
    struct grouplock *g = util_calloc(1, sizeof(*g));
    g->stripes = s;
    g->rd = rd;
    return g;
}

void grouplock_destroy(struct grouplock *g)
{
    if (!g)
        return;
    munmap(g->stripes, GROUPLOCK_STRIPES * sizeof(pthread_mutex_t));
    free(g);
}

/* FNV-1a over instance, NUL, group. */
static uint64_t hash(const char *instance, const char *group)
{
    uint64_t h = 14695981039346656037ULL;
    for (const char *p = instance;; p++) {
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
        if (!*p)
            break;
    }
    for (const char *p = group; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    return h;
}

static int lock_stripe(pthread_mutex_t *m, int64_t deadline)
{
    struct timespec abs;
    int64_t left = deadline - util_mono_ms();
    clock_gettime(CLOCK_REALTIME, &abs);
    if (left < 0)
        left = 0;
    abs.tv_sec += (time_t)(left / 1000);
    abs.tv_nsec += (long)(left % 1000) * 1000000L;
    if (abs.tv_nsec >= 1000000000L) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000L;
    }
    int rc = pthread_mutex_timedlock(m, &abs);
    if (rc == EOWNERDEAD) {
        /* Its holder died mid-reset; what it did is in Kafka and the audit
         * log, nothing here to repair. */
        pthread_mutex_consistent(m);
        rc = 0;
    }
    return rc;
}

/* The group's key in Redis: hashed, so any group name makes a short key
 * that cannot collide with another instance's group. */
static void remote_key(const char *instance, const char *group,
                       char out[static 56])
{
    static const char prefix[] = "ckafka-fcgi:reset-lock:";
    unsigned char md[32];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
        !EVP_DigestUpdate(ctx, instance, strlen(instance) + 1) ||
        !EVP_DigestUpdate(ctx, group, strlen(group)) ||
        !EVP_DigestFinal_ex(ctx, md, &mdlen))
        memset(md, 0, sizeof(md));
    EVP_MD_CTX_free(ctx);
    memcpy(out, prefix, sizeof(prefix) - 1);
    util_hex(out + sizeof(prefix) - 1, md, 16);
}

int grouplock_acquire(struct grouplock *g, const char *instance,
                      const char *group, int64_t deadline, int64_t ttl_ms,
                      struct grouplock_held *h, char *err, size_t errlen)
{
    int stripe = (int)(hash(instance, group) % GROUPLOCK_STRIPES);
    h->stripe = -1;
    h->remote = false;
    int rc = lock_stripe(&g->stripes[stripe], deadline);
    if (rc) {
        snprintf(err, errlen,
                 "another reset of group %s is still running on this host",
                 group);
        return -1;
    }
    h->stripe = stripe;
    if (!g->rd)
        return 0;

    unsigned char rnd[16];
    if (RAND_bytes(rnd, sizeof(rnd)) != 1)
        memset(rnd, 0, sizeof(rnd));
    util_hex(h->token, rnd, sizeof(rnd));
    remote_key(instance, group, h->key);
    for (;;) {
        bool set;
        if (redis_set_nx(g->rd, h->key, ttl_ms, h->token, &set, err, errlen) <
            0)
            break;
        if (set) {
            h->remote = true;
            return 0;
        }
        if (util_mono_ms() + 10 > deadline) {
            snprintf(err, errlen,
                     "another reset of group %s is still running on a host "
                     "sharing the store",
                     group);
            break;
        }
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    pthread_mutex_unlock(&g->stripes[stripe]);
    h->stripe = -1;
    return -1;
}

void grouplock_release(struct grouplock *g, struct grouplock_held *h)
{
    char err[256];
    if (h->remote &&
        redis_del_if(g->rd, h->key, h->token, err, sizeof(err)) < 0)
        log_warn("reset lock %s not released (it expires by itself): %s",
                 h->key, err);
    h->remote = false;
    if (h->stripe >= 0)
        pthread_mutex_unlock(&g->stripes[h->stripe]);
    h->stripe = -1;
}
