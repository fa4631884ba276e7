/* replay.h - the (SecretId, Timestamp, Nonce) cache shared by every worker:
 * a request seen once inside the signature window is refused when it comes
 * again, whichever worker it reaches. Created by the master before fork. */
#ifndef CKAFKA_REPLAY_H
#define CKAFKA_REPLAY_H

#include <stddef.h>
#include <stdint.h>

struct replay;

enum replay_result {
    REPLAY_FRESH, /* first sighting: recorded */
    REPLAY_SEEN,  /* recorded before and still inside the window */
    REPLAY_FULL,  /* no room without forgetting a live entry: refused */
};

/* Maps a shared anonymous region for at least capacity entries (16 bytes
 * each) and a process-shared robust mutex. Call before fork; children inherit
 * it. Returns NULL with a message in err on failure. */
struct replay *replay_create(size_t capacity, char *err, size_t errlen);
/* Unmaps it (in the process that calls it only). NULL-safe. */
void replay_destroy(struct replay *r);

/* Looks up and records (secret_id, ts, nonce) at wall time now (seconds);
 * an entry is dropped only once now - ts > window, when the Timestamp check
 * refuses the request anyway. The caller has verified the signature and the
 * window already. Safe against a worker dying while holding the lock. */
enum replay_result replay_check(struct replay *r, const char *secret_id,
                                int64_t ts, uint64_t nonce, int64_t now,
                                int64_t window);

/* Live entries and slots, scanned under the lock (for the status page). */
void replay_usage(struct replay *r, int64_t now, int64_t window, size_t *live,
                  size_t *slots);

#endif
