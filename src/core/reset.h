/* reset.h - plan and execute a reset of a group's committed offsets, the
 * one operation every API's reset is a thin call to: by shift, time or
 * offset, over named topics (every partition, or the wanted ones) or the
 * group's committed partitions (Kafka's --all-topics), clamped into [log
 * start, log end], refused for a group with members, in one OffsetCommit,
 * one reset of a group at a time, with one audit record. Everything is
 * checked before anything is committed; a dry run stops before the commit. */
#ifndef CKAFKA_CORE_RESET_H
#define CKAFKA_CORE_RESET_H

#include "core/core.h"
#include "core/offsets.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A reset: what to do (set by the front end), then what was done. Lifetime:
 * request; strings borrowed, results in the pool. */
struct core_reset {
    const char *group;
    enum offsets_strategy strategy;
    int64_t value; /* the strategy's own parameter */
    const char **topics;
    size_t ntopics; /* 0: the group's committed partitions */
    int32_t *parts; /* only these partition ids (core_parts_normalize); NULL:
                       every partition */
    size_t nparts;
    int64_t *offsets; /* OFFSETS_ABSOLUTE with parts: parts[i]'s own offset
                         (value is then unused); NULL: value for all */
    bool dry_run;
    bool existing; /* refuse a group that does not exist (Dead): no members,
                      no commits (CORE_NO_COMMITS) */
    /* the outcome */
    struct tp *tps; /* sorted; target is the committed (or would-be) offset,
                       err each partition's Kafka error, 0 for success */
    size_t n;
    const char **unknown; /* topics the cluster does not have */
    size_t nunknown;
};

/* Sorts v[0..n) and drops repeats; returns the new count. */
size_t core_parts_normalize(int32_t *v, size_t n);

/* Sorts the pairs (parts[i], offsets[i]) by partition id. Returns 0, or -1
 * when an id is given twice (*dup is that id). */
int core_parts_sort_offsets(int32_t *parts, int64_t *offsets, size_t n,
                            int32_t *dup);

/* Runs r. Returns 0 with r's outcome filled (also when some partitions
 * failed: see their err), or -1 with e: CORE_KAFKA, CORE_GROUP_ACTIVE,
 * CORE_NO_COMMITS, CORE_TOO_MANY_PARTITIONS, CORE_CANNOT_SHIFT, CORE_BUSY,
 * CORE_AUDIT_DOWN, CORE_MEMBERS_JOINED (nothing committed), or
 * CORE_OUTCOME_UNKNOWN (sent, its answer lost and nothing could be read
 * back: audited as "unknown"). c must have passed core_begin. */
int core_reset(struct core_ctx *c, struct core_reset *r, struct core_error *e);

/* After core_reset: NULL when every partition was committed, else "N of M
 * partitions were not reset: t/p (Kafka error E), ..." naming the first
 * ten (pool memory). */
const char *core_reset_failures(struct pool *pool, const struct core_reset *r);

#endif
