/* offsets.h - one topic-partition's offsets as a request sees them, and the
 * pure arithmetic on them: reset targets for strategies 0, 1 and 2,
 * clamping, lag. No I/O: kafka.c fills the fields, this decides. */
#ifndef CKAFKA_OFFSETS_H
#define CKAFKA_OFFSETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* "No offset": no commit, no lookup result, unknown watermark. */
#define OFFSETS_NONE (-1)

/* One partition in a request. Lifetime: request (pool); topic is borrowed
 * from the request's topic list. Arrays of these are kept sorted by (topic,
 * partition), which kafka.c relies on to match broker answers. */
struct tp {
    const char *topic;
    int32_t partition;
    int64_t committed;    /* OFFSETS_NONE when the group has no commit */
    const char *metadata; /* commit metadata; "" when none */
    int64_t start;        /* log start offset; OFFSETS_NONE if unknown */
    int64_t end;          /* log end offset (high watermark) */
    int64_t found;        /* strategy 1: first offset at/after the time;
                             OFFSETS_NONE when no message is that late */
    int64_t target;       /* the offset a reset commits */
    int16_t err;          /* Kafka protocol error code; 0 = none */
};

/* Initialises a partition: nothing known yet, no error. */
void offsets_tp_init(struct tp *t, const char *topic, int32_t partition);

/* The distinct topics of tps[0..n) (sorted by topic), in pool memory,
 * NULL-terminated; *count is their number. */
struct pool;
const char **offsets_topics(struct pool *pool, const struct tp *tps, size_t n,
                            size_t *count);

/* qsort/bsearch order of struct tp: topic (strcmp), then partition. */
int offsets_tp_cmp(const void *a, const void *b);

enum offsets_strategy {
    OFFSETS_SHIFT = 0,    /* committed + shift */
    OFFSETS_TIME = 1,     /* -2 log start, -1 log end, else a time in ms */
    OFFSETS_ABSOLUTE = 2, /* an offset */
};

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

#endif
