/* cluster.h - the cluster itself for every API's "instance" and "topic"
 * reads: brokers, controller, the topics a user sees (never the internal
 * ones), and one topic in detail. Plain C; the answer's shape is the front
 * end's. */
#ifndef CKAFKA_CORE_CLUSTER_H
#define CKAFKA_CORE_CLUSTER_H

#include "core/core.h"
#include "kafka/kafka.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True for the names of Kafka's internal topics (__consumer_offsets,
 * __transaction_state, and every other name starting with "__"), which no
 * listing shows. Pure. */
bool core_topic_internal(const char *name);

/* The cluster: brokers by id, the controller (-1 when unknown) and its
 * topics without the internal ones, sorted by name, with partition
 * counts. Lifetime: request (pool). */
struct core_cluster {
    const struct kafka_broker *brokers;
    size_t nbrokers;
    int32_t controller;
    const struct kafka_topic *topics;
    size_t ntopics;
    int64_t partitions; /* the topics' partitions, all together */
};
/* fresh: read the cluster's metadata now rather than from the cache (for
 * listings a user checks right after creating a topic). */
int core_cluster(struct core_ctx *c, bool fresh, struct core_cluster *out,
                 struct core_error *e);

/* The partition count of each of topics[0..n) into counts[0..n) (-1 for a
 * topic the cluster does not have), from the metadata cache, refreshed
 * once when one of them is not in it. Returns 0, or -1 with e
 * (CORE_KAFKA). */
int core_partition_counts(struct core_ctx *c, const char *const *topics,
                          size_t n, int32_t *counts, struct core_error *e);

/* One topic: partitions with leader, replica and in-sync counts, and its
 * non-default configuration. A topic the cluster does not have (or an
 * internal one) is CORE_TOPIC_UNKNOWN with the name as detail. Returns 0,
 * or -1 with e. */
int core_topic_detail(struct core_ctx *c, const char *topic,
                      struct kafka_topic_detail *out, struct core_error *e);

/* The host and port of the instance's first bootstrap server (what a
 * client is told to connect to); false when it names none. */
bool core_instance_address(const struct config_instance *inst, char *host,
                           size_t hl, char *port, size_t pl);

#endif
