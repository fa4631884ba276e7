/* replay.h - the replay store: a request seen once inside the signature
 * window is refused when it comes again, whichever worker it reaches, after
 * a restart of ckafka-fcgi too (local: a table in a file mapping), or on
 * another host sharing the store (Redis). The front end says what
 * identifies a request; the store remembers it as long as its Timestamp is
 * acceptable. Lifetime: process; made by the master before fork; safe for
 * several threads and processes at once. */
#ifndef CKAFKA_REPLAY_H
#define CKAFKA_REPLAY_H

#include <stddef.h>
#include <stdint.h>

struct redis;
struct replay;

enum replay_result {
    REPLAY_FRESH, /* first sighting: recorded */
    REPLAY_SEEN,  /* recorded before and still inside the window */
    REPLAY_FULL,  /* no room without forgetting a live entry: refused */
    REPLAY_ERROR, /* the store did not answer: refused, err says why */
};

/* With rd: the Redis store (borrowed; path and capacity unused). Without:
 * the local table for at least capacity entries (16 bytes each) in the file
 * path, created, or taken over with its entries as an earlier run left it
 * (re-sized when capacity changed), and locked against a second server;
 * path NULL maps anonymous memory instead (nothing survives). Returns NULL
 * with err on failure. */
struct replay *replay_open(const char *path, size_t capacity, struct redis *rd,
                           char *err, size_t errlen);
/* Unmaps and closes it (in the calling process only). NULL-safe. */
void replay_destroy(struct replay *r);

/* "local", or the Redis URL (password masked). Borrowed. */
const char *replay_store_name(const struct replay *r);

/* Looks up and records the request identified by parts[0..nparts) (strings,
 * hashed with their ends) with its Timestamp ts, at wall time now (s); it is
 * forgotten only once now - ts > window, when the Timestamp check refuses it
 * anyway. The caller has verified the signature and the window already. */
enum replay_result replay_check(struct replay *r, const char *const *parts,
                                size_t nparts, int64_t ts, int64_t now,
                                int64_t window, char *err, size_t errlen);

/* Live entries and slots of the local table, scanned under the lock (for
 * the status page); both 0 with Redis. */
void replay_usage(struct replay *r, int64_t now, int64_t window, size_t *live,
                  size_t *slots);

#endif
