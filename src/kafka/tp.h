/* tp.h - one topic-partition's offsets as a request sees them: what the
 * Kafka layer reads into it and what the core plans on. Arrays of these are
 * kept sorted by (topic, partition), which the Kafka layer relies on to
 * match broker answers. */
#ifndef CKAFKA_TP_H
#define CKAFKA_TP_H

#include <stddef.h>
#include <stdint.h>

struct pool;

/* Kafka protocol error codes of tp.err, those callers name. */
enum {
    KAFKA_ERR_UNKNOWN = -1,
    KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION = 3,
    KAFKA_ERR_REQUEST_TIMED_OUT = 7,
    KAFKA_ERR_UNKNOWN_MEMBER_ID = 25,
    KAFKA_ERR_REBALANCE_IN_PROGRESS = 27,
};

/* "No offset": no commit, no lookup result, unknown watermark. */
#define TP_NONE (-1)

/* One partition in a request. Lifetime: request (pool); topic is borrowed
 * from the request's topic list. Arrays of these are kept sorted by (topic,
 * partition), which the Kafka layer relies on to match broker answers. */
struct tp {
    const char *topic;
    int32_t partition;
    int64_t committed;    /* TP_NONE when the group has no commit */
    const char *metadata; /* commit metadata; "" when none */
    int64_t start;        /* log start offset; TP_NONE if unknown */
    int64_t end;          /* log end offset (high watermark) */
    int64_t found;        /* strategy 1: first offset at/after the time;
                             TP_NONE when no message is that late */
    int64_t target;       /* the offset a reset commits */
    int16_t err;          /* Kafka protocol error code; 0 = none */
};

/* Initialises a partition: nothing known yet, no error. */
void tp_init(struct tp *t, const char *topic, int32_t partition);

/* The distinct topics of tps[0..n) (sorted by topic), in pool memory,
 * NULL-terminated; *count is their number. */
const char **tp_topics(struct pool *pool, const struct tp *tps, size_t n,
                       size_t *count);

/* qsort/bsearch order of struct tp: topic (strcmp), then partition. */
int tp_cmp(const void *a, const void *b);

#endif
