/* replay.c - a fixed-size hash table in MAP_SHARED memory: buckets of 8
 * entries, two candidate buckets per key (power of two choices), so a
 * lookup touches 16 entries at most and the table fills evenly. An entry is
 * reused only once it is outside the window; when both buckets of a new key
 * are full of live entries the request is refused, never a live entry
 * forgotten. Keys are a salted SHA-256 of the triple, 96 bits kept. */
#include "replay.h"

#include <errno.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define REPLAY_WAYS 8

struct replay_entry {
    uint64_t h1;
    uint32_t h2;
    uint32_t ts; /* request Timestamp (s); 0: empty slot */
};

struct replay_shared {
    pthread_mutex_t lock;
    uint64_t nbuckets;
    unsigned char salt[16];
    struct replay_entry e[]; /* nbuckets * REPLAY_WAYS */
};

struct replay {
    struct replay_shared *sh;
    size_t maplen;
};

struct replay *replay_create(size_t capacity, char *err, size_t errlen)
{
    pthread_mutexattr_t attr;
    /* Headroom so that the configured number of live entries fits even
     * though two-choice buckets fill unevenly near the top. */
    uint64_t nb = (capacity + capacity / 8 + REPLAY_WAYS - 1) / REPLAY_WAYS;
    if (nb < 2)
        nb = 2;
    size_t len = sizeof(struct replay_shared) +
                 nb * REPLAY_WAYS * sizeof(struct replay_entry);
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE,
                   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) {
        snprintf(err, errlen, "replay cache: mmap of %zu bytes: %s", len,
                 strerror(errno));
        return NULL;
    }
    struct replay_shared *sh = m;
    sh->nbuckets = nb;
    if (RAND_bytes(sh->salt, sizeof(sh->salt)) != 1) {
        snprintf(err, errlen, "replay cache: no random bytes for the salt");
        munmap(m, len);
        return NULL;
    }
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    int rc = pthread_mutex_init(&sh->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    if (rc != 0) {
        snprintf(err, errlen, "replay cache: mutex: %s", strerror(rc));
        munmap(m, len);
        return NULL;
    }
    struct replay *r = calloc(1, sizeof(*r));
    if (!r) {
        munmap(m, len);
        snprintf(err, errlen, "replay cache: out of memory");
        return NULL;
    }
    r->sh = sh;
    r->maplen = len;
    return r;
}

void replay_destroy(struct replay *r)
{
    if (!r)
        return;
    munmap(r->sh, r->maplen);
    free(r);
}

static void lock(struct replay_shared *sh)
{
    /* A worker killed (request_timeout, kill -9) inside the critical section
     * leaves the mutex owner-dead: the table is still consistent, because
     * an update clears the timestamp that makes a slot live, writes the key,
     * and sets the timestamp last. */
    if (pthread_mutex_lock(&sh->lock) == EOWNERDEAD)
        pthread_mutex_consistent(&sh->lock);
}

static bool live(const struct replay_entry *e, int64_t now, int64_t window)
{
    return e->ts != 0 && now - (int64_t)e->ts <= window;
}

enum replay_result replay_check(struct replay *r, const char *secret_id,
                                int64_t ts, uint64_t nonce, int64_t now,
                                int64_t window)
{
    struct replay_shared *sh = r->sh;
    unsigned char md[32];
    unsigned int mdlen = 0;
    char buf[64];
    uint64_t h1;
    uint32_t h2;

    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int n = snprintf(buf, sizeof(buf), "%lld:%llu", (long long)ts,
                     (unsigned long long)nonce);
    if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) ||
        !EVP_DigestUpdate(ctx, sh->salt, sizeof(sh->salt)) ||
        !EVP_DigestUpdate(ctx, secret_id, strlen(secret_id) + 1) ||
        !EVP_DigestUpdate(ctx, buf, (size_t)n) ||
        !EVP_DigestFinal_ex(ctx, md, &mdlen)) {
        EVP_MD_CTX_free(ctx);
        return REPLAY_FULL; /* cannot record it: refuse rather than risk */
    }
    EVP_MD_CTX_free(ctx);
    memcpy(&h1, md, sizeof(h1));
    memcpy(&h2, md + 8, sizeof(h2));

    uint64_t b1 = h1 % sh->nbuckets;
    uint64_t b2 = (b1 + 1 + (h2 % (sh->nbuckets - 1))) % sh->nbuckets;
    struct replay_entry *c[2] = {&sh->e[b1 * REPLAY_WAYS],
                                 &sh->e[b2 * REPLAY_WAYS]};
    struct replay_entry *slot = NULL;
    unsigned used[2] = {0, 0};
    enum replay_result res = REPLAY_FRESH;

    lock(sh);
    for (int b = 0; b < 2; b++) {
        for (int i = 0; i < REPLAY_WAYS; i++) {
            struct replay_entry *e = &c[b][i];
            if (!live(e, now, window))
                continue;
            used[b]++;
            if (e->h1 == h1 && e->h2 == h2 && e->ts == (uint32_t)ts) {
                res = REPLAY_SEEN;
                goto out;
            }
        }
    }
    /* Insert into the emptier bucket, reusing a dead slot there. */
    struct replay_entry *bucket = used[1] < used[0] ? c[1] : c[0];
    for (int i = 0; i < REPLAY_WAYS && !slot; i++)
        if (!live(&bucket[i], now, window))
            slot = &bucket[i];
    if (!slot) {
        res = REPLAY_FULL;
        goto out;
    }
    slot->ts = 0;
    slot->h1 = h1;
    slot->h2 = h2;
    slot->ts = (uint32_t)ts;
out:
    pthread_mutex_unlock(&sh->lock);
    return res;
}

void replay_usage(struct replay *r, int64_t now, int64_t window, size_t *used,
                  size_t *slots)
{
    struct replay_shared *sh = r->sh;
    size_t n = 0, total = sh->nbuckets * REPLAY_WAYS;

    lock(sh);
    for (size_t i = 0; i < total; i++)
        n += live(&sh->e[i], now, window);
    pthread_mutex_unlock(&sh->lock);
    *used = n;
    *slots = total;
}
