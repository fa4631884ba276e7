/* kafka.h - everything that talks to Kafka: per-instance clients created
 * lazily in each worker and kept, the topic metadata cache, committed
 * offsets, log start/end and by-time lookups, group state, and the commit.
 * Every call is bounded by an absolute deadline (util_mono_ms() clock). */
#ifndef CKAFKA_KAFKA_H
#define CKAFKA_KAFKA_H

#include "kafka/tp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct config_instance;
struct pool;
struct tp;

struct kafka;

/* Checks an instance's librdkafka properties without connecting. Returns 0,
 * or -1 with err naming the property. */
int kafka_check_instance(const struct config_instance *inst, char *err,
                         size_t errlen);

/* The client for inst in this process, created on first use and kept for the
 * process's life (never one per request). Call only after fork. Returns NULL
 * with err when librdkafka refuses the configuration. */
struct kafka *kafka_client(const struct config *cfg,
                           const struct config_instance *inst, char *err,
                           size_t errlen);

/* Before a request's Kafka work: when librdkafka has reported every broker
 * down (or the client is new), probes the bootstrap servers. Returns -1
 * with err when every one refuses connections (answer at once rather than
 * wait kafka_timeout for nothing), else 0 (up, or slow: the request waits
 * as usual). Costs nothing while the cluster is up. */
int kafka_reachable(struct kafka *k, char *err, size_t errlen);

/* Serves librdkafka's queued events (errors, logs) of every client; call
 * between requests so nothing accumulates while the worker is idle. */
void kafka_poll_all(void);

/* Destroys every client of this process (worker exit). */
void kafka_close_all(void);

/* The Kafka calls of the current request, with their durations, for the
 * slow log: kafka_trace_reset() when a request starts, then
 * kafka_trace_format() writes "Metadata 1.2 ms, OffsetFetch 3.4 ms, ..."
 * (failed calls marked) into buf. */
void kafka_trace_reset(void);
void kafka_trace_format(char *buf, size_t len);

/* A topic as the last metadata answer had it. */
struct kafka_topic {
    char *name;
    int32_t partitions;
    int16_t err; /* topic-level error in the metadata answer */
};

/* Sorted by name. Owned by the client; valid until the next call into
 * the Kafka layer for the same client (any of them may refresh the cache): copy
 * what must outlive it. */
struct kafka_meta {
    const struct kafka_topic *topics;
    size_t n;
};

/* The cluster's topics, from a cache younger than metadata_cache, refreshed
 * (once) when older or when one of need[0..nneed) is not in it. Returns 0,
 * or -1 with err when the cluster did not answer before deadline. */
int kafka_metadata(struct kafka *k, const char *const *need, size_t nneed,
                   int64_t deadline, struct kafka_meta *out, char *err,
                   size_t errlen);

/* The topic called name in m, or NULL. */
const struct kafka_topic *kafka_meta_topic(const struct kafka_meta *m,
                                           const char *name);

/* What kafka_lookup reads, as a bit set. */
enum {
    KAFKA_COMMITTED = 1 << 0, /* committed offset and metadata */
    KAFKA_START = 1 << 1,     /* log start offset */
    KAFKA_END = 1 << 2,       /* log end offset (high watermark) */
    KAFKA_TIME = 1 << 3,      /* first offset at or after time_ms */
};

/* Fills the asked fields of tps[0..n) (sorted by tp_cmp; commit
 * metadata strings go to pool): the group's committed offsets from one
 * OffsetFetch, sent first and awaited last, and each watermark or time
 * lookup from one rd_kafka_offsets_for_times call (one ListOffsets request
 * per leader broker), the lookups all in flight at once. A partition-level
 * error goes to that tp's err (the first one wins: end, start, time, then
 * the OffsetFetch); partitions that have an error already are not asked
 * about. Above 1,000 partitions every call is cut into 8 slices sent
 * together (librdkafka 2.0.2 matches answers to requests in quadratic
 * time). Returns 0, or -1 with err when an operation failed as a whole
 * (unreachable, timed out). */
int kafka_lookup(struct kafka *k, struct pool *pool, const char *group,
                 struct tp *tps, size_t n, unsigned what, int64_t time_ms,
                 int64_t deadline, char *err, size_t errlen);

/* Every partition the group has a committed offset for, sorted, in pool
 * memory (*tps, *n; *n may be 0). Returns 0, or -1 with err. */
int kafka_committed_all(struct kafka *k, struct pool *pool, const char *group,
                        struct tp **tps, size_t *n, int64_t deadline, char *err,
                        size_t errlen);

/* The group's state as Kafka names it ("Empty", "Stable", "Dead", ...; a
 * group that does not exist is "Dead") and its member count. Returns 0, or
 * -1 with err. *state is a static string. */
int kafka_group_state(struct kafka *k, const char *group, int64_t deadline,
                      const char **state, size_t *members, char *err,
                      size_t errlen);

/* Commits tps[i].target for every i in one OffsetCommit (generation -1, as
 * an admin tool does); targets must be >= 0. Per-partition broker errors go
 * to tps[i].err. Returns 0 when the broker answered (errors or not), -1 with
 * err when the outcome is unknown (timeout, connection lost). */
int kafka_commit(struct kafka *k, const char *group, struct tp *tps, size_t n,
                 int64_t deadline, char *err, size_t errlen);

/* The __consumer_offsets partition that holds group, as Kafka computes it:
 * abs(Java String.hashCode(group)) % npartitions, where abs maps INT32_MIN
 * to 0 (org.apache.kafka.common.utils.Utils.abs). Its leader is the group's
 * coordinator. Pure; group is UTF-8. */
int32_t kafka_coordinator_partition(const char *group, int32_t npartitions);

#endif
