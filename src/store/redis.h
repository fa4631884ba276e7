/* redis.h - a Redis client for the shared stores (replays, reset locks):
 * SET NX with an expiry and an atomic compare-and-delete. Lifetime:
 * process; made by the master before fork, connected lazily in each
 * process that uses it; safe to call from several threads. */
#ifndef CKAFKA_REDIS_H
#define CKAFKA_REDIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct redis;

/* How long one Redis call may take: the stores sit on every request's path,
 * and a store that does not answer refuses the request (never accepts). */
#define REDIS_TIMEOUT_MS 1000

/* Parses url (redis://[:password@]host[:port][/db]); connects nothing.
 * Each call waits at most timeout_ms. Returns NULL with err when the URL
 * is malformed. */
struct redis *redis_new(const char *url, int64_t timeout_ms, char *err,
                        size_t errlen);
void redis_free(struct redis *r);

/* The URL for messages, with any password masked. Borrowed from r. */
const char *redis_url(const struct redis *r);

/* SET key value NX PX ttl_ms: *set is true when the key was absent and is
 * now set, false when it existed. Returns 0, or -1 with err when Redis did
 * not answer (unreachable, timed out, refused). */
int redis_set_nx(struct redis *r, const char *key, int64_t ttl_ms,
                 const char *value, bool *set, char *err, size_t errlen);

/* Deletes key only while it still holds value. Returns 0, or -1 with err. */
int redis_del_if(struct redis *r, const char *key, const char *value, char *err,
                 size_t errlen);

#endif
