/* read.h - read a group's offsets, the read every API's "offsets of a
 * group" is a thin call to: first the topics (named, or every topic the
 * group has committed offsets for), then, for the ones the caller keeps
 * (filtered and paged as its API says), every partition's committed offset,
 * log end, and log start where nothing is committed (for the lag). Kafka
 * work is done only for the topics read: one OffsetFetch and one ListOffsets
 * per leader broker (one more only for log starts). */
#ifndef CKAFKA_CORE_READ_H
#define CKAFKA_CORE_READ_H

#include "core/core.h"
#include "core/offsets.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A topic of a group. Lifetime: request (pool); name borrowed from the
 * request or the pool. */
struct core_topic {
    const char *name;
    int32_t partitions;         /* -1: gone from the cluster */
    const struct tp *committed; /* the group's commits on it, when the
                                   group's topics were listed (none: not
                                   NULL, ncommitted 0); NULL: unknown */
    size_t ncommitted;
};

/* The topics named[0..nnamed) (in that order; each must exist, else
 * CORE_TOPIC_UNKNOWN with detail "a, b"), or with nnamed 0 every topic the
 * group has committed offsets for (sorted by name; *n may be 0). Returns 0,
 * or -1 with e (CORE_KAFKA, CORE_TOPIC_UNKNOWN). */
int core_group_topics(struct core_ctx *c, const char *group,
                      const char *const *named, size_t nnamed,
                      struct core_topic **out, size_t *n, struct core_error *e);

/* The partitions of topics[0..n), sorted: every partition of a topic the
 * cluster has, with committed, metadata, end (and start where committed is
 * TP_NONE, or everywhere with starts); a topic gone from the cluster shows
 * its committed partitions with err UNKNOWN_TOPIC_OR_PARTITION. Returns 0,
 * or -1 with e (CORE_KAFKA). */
int core_read_offsets(struct core_ctx *c, const char *group,
                      const struct core_topic *topics, size_t n, bool starts,
                      struct tp **tps, size_t *ntps, struct core_error *e);

#endif
