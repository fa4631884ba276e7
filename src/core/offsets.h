/* offsets.h - the pure arithmetic on a partition's offsets (struct tp):
 * reset targets for strategies 0, 1 and 2, clamping, lag. No I/O: the
 * Kafka layer fills the fields, this decides. */
#ifndef CKAFKA_OFFSETS_H
#define CKAFKA_OFFSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kafka/tp.h"

enum offsets_strategy {
    OFFSETS_SHIFT = 0,    /* committed + shift */
    OFFSETS_TIME = 1,     /* -2 log start, -1 log end, else a time in ms */
    OFFSETS_ABSOLUTE = 2, /* an offset */
};

/* The name of a strategy's own parameter, as API 2.0 takes it and the
 * audit log records it: "shift", "timestamp" or "offset" (static). */
const char *offsets_strategy_param(enum offsets_strategy s);

/* What has to be looked up before targets can be computed. */
enum {
    OFFSETS_NEED_START = 1 << 0,
    OFFSETS_NEED_END = 1 << 1,
    OFFSETS_NEED_TIME = 1 << 2, /* a by-time lookup of `value` */
};

/* The lookups strategy s with its parameter value needs (bit set above).
 * Committed offsets are always read (the audit log records them). */
unsigned offsets_needs(enum offsets_strategy s, int64_t value);

/* v clamped into [start, end]. */
int64_t offsets_clamp(int64_t v, int64_t start, int64_t end);

/* Lag as GetGroupOffsets reports it: end - committed, or end - start for a
 * partition without a commit; never negative, 0 when end is unknown. */
int64_t offsets_lag(const struct tp *t);

/* Computes target for every partition of tps with err == 0. Returns 0, or
 * -1 (nothing changed) with *bad set to the index of the first partition
 * strategy 0 cannot shift because it has no committed offset. */
int offsets_plan(enum offsets_strategy s, int64_t value, struct tp *tps,
                 size_t n, size_t *bad);

/* Strategy 2 with an offset per partition id: every partition of tps with
 * err == 0 gets values[i] of its id parts[i] (parts ascending, unique),
 * clamped into [start, end]; a partition whose id is not in parts keeps
 * its target. */
void offsets_plan_each(const int32_t *parts, const int64_t *values,
                       size_t nparts, struct tp *tps, size_t n);

#endif
