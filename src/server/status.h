/* status.h - the status page (JSON: workers, counters, latency quantiles,
 * restarts, Kafka errors per instance, replay cache use) and the ping, both
 * served only to the addresses in status_allow. */
#ifndef CKAFKA_STATUS_H
#define CKAFKA_STATUS_H

#include <stdbool.h>
#include <stddef.h>

struct config;
struct pool;
struct replay;
struct http_request;
struct scoreboard;

/* True when path is the configured status or ping path. */
bool status_path_matches(const struct config *cfg, const char *path);

/* Renders the status page or the ping for req into pool memory (*body,
 * *len, *ctype). Returns the name it is counted under ("status", "ping"). */
const char *status_serve(const struct config *cfg, struct scoreboard *sb,
                         struct replay *replay, const struct http_request *req,
                         struct pool *pool, const char **body, size_t *len,
                         const char **ctype);

#endif
