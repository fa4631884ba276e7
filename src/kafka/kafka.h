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

/* The host and port of the instance's first bootstrap server (into host
 * and port, NUL-terminated); false when it has none that parses. */
bool kafka_first_bootstrap(const struct config_instance *inst, char *host,
                           size_t hl, char *port, size_t pl);

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

/* A member of a group as DescribeGroups reports it. Lifetime: request
 * (pool). */
struct kafka_member {
    const char *member_id, *client_id, *client_host; /* host: "/ip" */
    const unsigned char *assignment; /* the protocol's raw bytes (for the
                                        consumer protocol, a
                                        ConsumerProtocol assignment) */
    size_t assignment_len;
};

/* A group as its coordinator describes it. Lifetime: request (pool). */
struct kafka_group {
    const char *group;
    int16_t err;               /* the group's error code in the answer */
    const char *state;         /* Kafka's name; "Dead" when no broker has it */
    const char *protocol_type; /* "consumer", "" (offsets only), ... */
    const char *protocol;      /* the assignor: "range", ... */
    int32_t coordinator;       /* broker id; -1 when no broker has it */
    struct kafka_member *members;
    size_t nmembers;
};

/* Describes groups[0..n) into out[0..n), in that order: one ListGroups and
 * one DescribeGroups per broker, whatever n is (librdkafka's admin call
 * would send one DescribeGroups per group, and drops the assignment's
 * version). A group no broker lists is Dead with no members. Returns 0, or
 * -1 with err when a broker did not answer in time or refused as a whole
 * (after retries while coordinators load). */
int kafka_describe_groups(struct kafka *k, struct pool *pool,
                          const char *const *groups, size_t n,
                          struct kafka_group *out, int64_t deadline, char *err,
                          size_t errlen);

/* A group of the cluster's listing (consumer protocol or offsets only, as
 * kafka-consumer-groups --list shows them). Lifetime: request (pool). */
struct kafka_listed_group {
    const char *group;
    bool simple;       /* no protocol type: only committed offsets */
    const char *state; /* Kafka's name, as the broker lists it */
};

/* Every consumer group of the cluster, sorted by name, from one ListGroups
 * per broker (*n may be 0). Returns 0, or -1 with err when a broker did not
 * answer (a partial list would miscount). */
int kafka_list_groups(struct kafka *k, struct pool *pool,
                      struct kafka_listed_group **out, size_t *n,
                      int64_t deadline, char *err, size_t errlen);

/* The committed offsets of each of groups[0..n): out[i] and nout[i] as
 * kafka_committed_all gives them, all the OffsetFetch calls in flight at
 * once (one per group, to its coordinator). Returns 0, or -1 with err. */
int kafka_committed_many(struct kafka *k, struct pool *pool,
                         const char *const *groups, size_t n, struct tp **out,
                         size_t *nout, int64_t deadline, char *err,
                         size_t errlen);

/* A broker of the cluster. */
struct kafka_broker {
    int32_t id;
    const char *host;
    int port;
};

/* The cluster as the metadata cache has it (refreshed when stale, or now
 * when fresh), copied
 * into pool memory: brokers sorted by id, the controller (-1 when
 * unknown), and the topics sorted by name. Returns 0, or -1 with err. */
struct kafka_cluster {
    struct kafka_broker *brokers;
    size_t nbrokers;
    int32_t controller;
    struct kafka_topic *topics;
    size_t ntopics;
};
int kafka_cluster(struct kafka *k, struct pool *pool, bool fresh,
                  int64_t deadline, struct kafka_cluster *out, char *err,
                  size_t errlen);

/* One partition of a topic in a fresh metadata answer. */
struct kafka_partition {
    int32_t id;
    int32_t leader; /* -1: none */
    int replicas, isr;
    int16_t err;
};

/* One configuration entry of a topic. */
struct kafka_config_entry {
    const char *name, *value;
};

/* A topic's partitions (sorted by id) from a Metadata request for that
 * topic alone, and its configuration entries that are not defaults (as
 * kafka-topics --describe prints them), sorted by name, from one
 * DescribeConfigs. *exists is false (and nothing else set) when the
 * cluster has no such topic. Returns 0, or -1 with err. */
struct kafka_topic_detail {
    bool exists;
    struct kafka_partition *partitions;
    size_t npartitions;
    struct kafka_config_entry *configs;
    size_t nconfigs;
};
int kafka_topic_detail(struct kafka *k, struct pool *pool, const char *topic,
                       int64_t deadline, struct kafka_topic_detail *out,
                       char *err, size_t errlen);

/* The timestamp of the record at offset at[i] of each partition tps[i]
 * (tps sorted) into ts[i]: -1 where at[i] < 0, where that record is gone
 * (deleted, compacted away, a transaction marker) or has no timestamp.
 * One Fetch per leader broker for all of them. Returns 0, or -1 with err
 * when not every partition was read before deadline. */
int kafka_record_times(struct kafka *k, struct pool *pool, const struct tp *tps,
                       size_t n, const int64_t *at, int64_t *ts,
                       int64_t deadline, char *err, size_t errlen);

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
