/* grouplock.h - resets of one (instance, group) run one at a time: on a
 * host, across its workers (a robust process-shared mutex, one of a fixed
 * set of stripes chosen by hash), and with a Redis store across the hosts
 * that share it too (SET NX PX with a token, released by compare-and-
 * delete, expiring by itself if its holder dies). Without it two shifts
 * read the same committed offsets and one update is lost, and the audit log
 * would not follow the commit order. Lifetime: process; made by the master
 * before fork; safe for several threads and processes at once. */
#ifndef CKAFKA_GROUPLOCK_H
#define CKAFKA_GROUPLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct redis;
struct grouplock;

/* A lock held by one request. Lifetime: request. */
struct grouplock_held {
    int stripe; /* -1: nothing held */
    bool remote;
    char key[96];
    char token[40];
};

/* rd (borrowed) may be NULL: host-wide only. Returns NULL with err. */
struct grouplock *grouplock_create(struct redis *rd, char *err, size_t errlen);
void grouplock_destroy(struct grouplock *g);

/* Waits for the lock of (instance, group) until deadline (util_mono_ms());
 * the Redis lock, if any, expires after ttl_ms should its holder vanish.
 * Returns 0 with h set, or -1 with err (not had by the deadline, or the
 * store did not answer) and nothing held. */
int grouplock_acquire(struct grouplock *g, const char *instance,
                      const char *group, int64_t deadline, int64_t ttl_ms,
                      struct grouplock_held *h, char *err, size_t errlen);

/* Releases what h holds (nothing when acquire failed). */
void grouplock_release(struct grouplock *g, struct grouplock_held *h);

#endif
