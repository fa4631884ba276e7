/* replay.c - the replay store. Local: a fixed-size hash table in a shared
 * file mapping (it survives restarts of ckafka-fcgi, and every worker of
 * the host sees it): buckets of 8 entries, two candidate buckets per key
 * (power of two choices), so a lookup touches 16 entries at most and the
 * table fills evenly. An entry is reused only once it is outside the window;
 * when both buckets of a new key are full of live entries the request is
 * refused, never a live entry forgotten. Keys are a salted SHA-256 of the
 * request's identity, 96 bits kept. Shared: the same check as a Redis SET NX
 * that expires with the window, for several hosts. */
#include "store/replay.h"

#include "common/util.h"
#include "store/redis.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define REPLAY_WAYS 8
#define REPLAY_MAGIC "CKFRPL01"

struct replay_entry {
    uint64_t h1;
    uint32_t h2;
    uint32_t ts; /* request Timestamp (s); 0: empty slot */
};

/* The file's layout (host byte order: the file never leaves the host). */
struct replay_shared {
    char magic[8];
    uint64_t nbuckets;
    unsigned char salt[16];
    pthread_mutex_t lock;
    struct replay_entry e[]; /* nbuckets * REPLAY_WAYS */
};

/* Lifetime: process (made by the master, inherited by the workers). */
struct replay {
    struct replay_shared *sh; /* local store; NULL with Redis */
    size_t maplen;
    int fd;           /* the file, locked (flock) against another server */
    struct redis *rd; /* shared store; borrowed */
};

static size_t map_len(uint64_t nb)
{
    return sizeof(struct replay_shared) +
           nb * REPLAY_WAYS * sizeof(struct replay_entry);
}

static int init_lock(struct replay_shared *sh, char *err, size_t errlen)
{
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    int rc = pthread_mutex_init(&sh->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    if (rc != 0)
        snprintf(err, errlen, "replay store: mutex: %s", strerror(rc));
    return rc ? -1 : 0;
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

/* Inserts (h1, h2) dated ts unless a live entry has that key (whatever its
 * date: an identity without a Timestamp in it, such as Aliyun's key and
 * nonce, is used once within the window). The caller holds the lock (or
 * owns the table alone). */
static enum replay_result insert(struct replay_shared *sh, uint64_t h1,
                                 uint32_t h2, uint32_t ts, int64_t now,
                                 int64_t window)
{
    uint64_t b1 = h1 % sh->nbuckets;
    uint64_t b2 = (b1 + 1 + (h2 % (sh->nbuckets - 1))) % sh->nbuckets;
    struct replay_entry *c[2] = {&sh->e[b1 * REPLAY_WAYS],
                                 &sh->e[b2 * REPLAY_WAYS]};
    struct replay_entry *slot = NULL;
    unsigned used[2] = {0, 0};

    for (int b = 0; b < 2; b++) {
        for (int i = 0; i < REPLAY_WAYS; i++) {
            struct replay_entry *e = &c[b][i];
            if (!live(e, now, window))
                continue;
            used[b]++;
            if (e->h1 == h1 && e->h2 == h2)
                return REPLAY_SEEN;
        }
    }
    /* Insert into the emptier bucket, reusing a dead slot there. */
    struct replay_entry *bucket = used[1] < used[0] ? c[1] : c[0];
    for (int i = 0; i < REPLAY_WAYS && !slot; i++)
        if (!live(&bucket[i], now, window))
            slot = &bucket[i];
    if (!slot)
        return REPLAY_FULL;
    slot->ts = 0;
    slot->h1 = h1;
    slot->h2 = h2;
    slot->ts = ts;
    return REPLAY_FRESH;
}

/* The file's table mapped shared, with its mutex made anew: the file is
 * ours alone (flock), so a mutex that a process of an earlier run left
 * locked when it died is simply initialised again. */
static struct replay_shared *map_file(int fd, size_t len, char *err,
                                      size_t errlen)
{
    struct replay_shared *sh =
        mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (sh == MAP_FAILED) {
        snprintf(err, errlen, "replay store: mmap: %s", strerror(errno));
        return NULL;
    }
    if (init_lock(sh, err, errlen) < 0) {
        munmap(sh, len);
        return NULL;
    }
    return sh;
}

/* Maps the file (or anonymous memory when fd < 0) for nb buckets. With
 * keep, the entries of an earlier run are taken over: as they are when the
 * size is the same, re-inserted when replay_cache_size changed. */
static struct replay_shared *map_table(int fd, uint64_t nb, char *err,
                                       size_t errlen)
{
    struct replay_shared *old = NULL, *sh;
    size_t oldlen = 0, len = map_len(nb);
    struct stat st;

    if (fd >= 0 && fstat(fd, &st) == 0 &&
        (size_t)st.st_size >= sizeof(struct replay_shared)) {
        old = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_SHARED, fd, 0);
        if (old == MAP_FAILED)
            old = NULL;
        else
            oldlen = (size_t)st.st_size;
        if (old && (memcmp(old->magic, REPLAY_MAGIC, 8) != 0 ||
                    old->nbuckets < 2 || map_len(old->nbuckets) != oldlen)) {
            munmap(old, oldlen); /* not ours, or torn: start afresh */
            old = NULL;
        }
    }
    if (old && old->nbuckets == nb) {
        munmap(old, oldlen);
        return map_file(fd, len, err, errlen);
    }
    /* A new table: built in anonymous memory (the old one's entries moved
     * in), then written to the file in one pwrite. A crash in between
     * leaves a file without the magic, which the next start takes for a
     * new one: its entries are lost, never misread. */
    sh = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1,
              0);
    if (sh == MAP_FAILED) {
        snprintf(err, errlen, "replay store: mmap of %zu bytes: %s", len,
                 strerror(errno));
        if (old)
            munmap(old, oldlen);
        return NULL;
    }
    memcpy(sh->magic, REPLAY_MAGIC, 8);
    sh->nbuckets = nb;
    if (old) {
        memcpy(sh->salt, old->salt, sizeof(sh->salt));
        uint64_t total = old->nbuckets * REPLAY_WAYS;
        for (uint64_t i = 0; i < total; i++)
            if (old->e[i].ts)
                insert(sh, old->e[i].h1, old->e[i].h2, old->e[i].ts,
                       old->e[i].ts, INT64_MAX / 2);
        munmap(old, oldlen);
    } else if (RAND_bytes(sh->salt, sizeof(sh->salt)) != 1) {
        snprintf(err, errlen, "replay store: no random bytes for the salt");
        munmap(sh, len);
        return NULL;
    }
    if (fd < 0)
        return init_lock(sh, err, errlen) < 0 ? (munmap(sh, len), NULL) : sh;
    if (ftruncate(fd, 0) < 0 || ftruncate(fd, (off_t)len) < 0 ||
        pwrite(fd, sh, len, 0) != (ssize_t)len) {
        snprintf(err, errlen, "replay store: writing the file: %s",
                 strerror(errno));
        munmap(sh, len);
        return NULL;
    }
    munmap(sh, len);
    return map_file(fd, len, err, errlen);
}

struct replay *replay_open(const char *path, size_t capacity, struct redis *rd,
                           char *err, size_t errlen)
{
    struct replay *r = calloc(1, sizeof(*r));
    if (!r) {
        snprintf(err, errlen, "replay store: out of memory");
        return NULL;
    }
    r->fd = -1;
    if (rd) {
        r->rd = rd;
        return r;
    }
    /* Headroom so that the configured number of live entries fits even
     * though two-choice buckets fill unevenly near the top. */
    uint64_t nb = (capacity + capacity / 8 + REPLAY_WAYS - 1) / REPLAY_WAYS;
    if (nb < 2)
        nb = 2;
    if (path) {
        r->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        if (r->fd < 0 && errno == ENOENT) {
            /* The default's directory (/var/lib/ckafka-fcgi) on a first
             * start: made, for the master alone. */
            char *dir = strdup(path), *slash = dir ? strrchr(dir, '/') : NULL;
            if (slash && slash != dir) {
                *slash = '\0';
                mkdir(dir, 0700);
            }
            free(dir);
            r->fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
        }
        if (r->fd < 0) {
            snprintf(err, errlen, "replay_file %s: %s", path, strerror(errno));
            goto fail;
        }
        if (flock(r->fd, LOCK_EX | LOCK_NB) < 0) {
            snprintf(err, errlen, "replay_file %s: %s", path,
                     errno == EWOULDBLOCK
                         ? "in use by another running ckafka-fcgi (each "
                           "server needs a file of its own)"
                         : strerror(errno));
            goto fail;
        }
    }
    r->sh = map_table(r->fd, nb, err, errlen);
    if (!r->sh)
        goto fail;
    r->maplen = map_len(nb);
    return r;
fail:
    if (r->fd >= 0)
        close(r->fd);
    free(r);
    return NULL;
}

void replay_destroy(struct replay *r)
{
    if (!r)
        return;
    if (r->sh)
        munmap(r->sh, r->maplen);
    if (r->fd >= 0)
        close(r->fd);
    free(r);
}

const char *replay_store_name(const struct replay *r)
{
    return r->rd ? redis_url(r->rd) : "local";
}

/* SHA-256 over the salt and each part with its NUL (so that "AK"+"ID" is
 * not "AKI"+"D"). */
static int digest(const unsigned char *salt, size_t saltlen,
                  const char *const *parts, size_t nparts, unsigned char md[32])
{
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    int ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
             EVP_DigestUpdate(ctx, salt, saltlen);
    for (size_t i = 0; ok && i < nparts; i++)
        ok = EVP_DigestUpdate(ctx, parts[i], strlen(parts[i]) + 1);
    ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen) && mdlen == 32;
    EVP_MD_CTX_free(ctx);
    return ok ? 0 : -1;
}

static enum replay_result check_redis(struct replay *r,
                                      const char *const *parts, size_t nparts,
                                      int64_t ts, int64_t now, int64_t window,
                                      char *err, size_t errlen)
{
    static const char prefix[] = "ckafka-fcgi:replay:";
    unsigned char md[32];
    char key[sizeof(prefix) + 32];
    bool set;

    if (digest(NULL, 0, parts, nparts, md) < 0) {
        snprintf(err, errlen, "replay store: SHA-256 failed");
        return REPLAY_ERROR;
    }
    memcpy(key, prefix, sizeof(prefix) - 1);
    util_hex(key + sizeof(prefix) - 1, md, 16);
    /* Remembered as long as its Timestamp is acceptable, and a second more
     * for the clocks of the hosts sharing the store. */
    int64_t ttl_s = ts + window - now + 1;
    if (ttl_s < 1)
        ttl_s = 1;
    if (redis_set_nx(r->rd, key, ttl_s * 1000, "1", &set, err, errlen) < 0)
        return REPLAY_ERROR;
    return set ? REPLAY_FRESH : REPLAY_SEEN;
}

enum replay_result replay_check(struct replay *r, const char *const *parts,
                                size_t nparts, int64_t ts, int64_t now,
                                int64_t window, char *err, size_t errlen)
{
    unsigned char md[32];
    uint64_t h1;
    uint32_t h2;

    if (r->rd)
        return check_redis(r, parts, nparts, ts, now, window, err, errlen);
    struct replay_shared *sh = r->sh;
    if (digest(sh->salt, sizeof(sh->salt), parts, nparts, md) < 0) {
        snprintf(err, errlen, "replay store: SHA-256 failed");
        return REPLAY_ERROR; /* cannot record it: refuse rather than risk */
    }
    memcpy(&h1, md, sizeof(h1));
    memcpy(&h2, md + 8, sizeof(h2));
    lock(sh);
    enum replay_result res = insert(sh, h1, h2, (uint32_t)ts, now, window);
    pthread_mutex_unlock(&sh->lock);
    return res;
}

void replay_usage(struct replay *r, int64_t now, int64_t window, size_t *used,
                  size_t *slots)
{
    struct replay_shared *sh = r->sh;
    *used = *slots = 0;
    if (!sh)
        return; /* Redis counts its own keys */
    size_t n = 0, total = sh->nbuckets * REPLAY_WAYS;
    lock(sh);
    for (size_t i = 0; i < total; i++)
        n += live(&sh->e[i], now, window);
    pthread_mutex_unlock(&sh->lock);
    *used = n;
    *slots = total;
}
