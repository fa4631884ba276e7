/* describe.h - the cluster's consumer groups for every API's "describe a
 * group", "list groups" and "offsets of many groups": what Kafka says, in
 * plain C. Filtering, paging and the answer's shape are the front end's. */
#ifndef CKAFKA_CORE_DESCRIBE_H
#define CKAFKA_CORE_DESCRIBE_H

#include "core/core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pool;
struct tp;

/* One topic of a member's assignment: partitions ascending. */
struct core_assigned {
    const char *topic;
    int32_t *partitions;
    size_t npartitions;
};

/* A decoded ConsumerProtocol assignment: topics sorted by name. */
struct core_assignment {
    int16_t version;
    struct core_assigned *topics;
    size_t ntopics;
};

/* Decodes the ConsumerProtocol assignment b[0..n) (versions 0 to 3, and
 * later ones read as 3 as Kafka's own clients do) into pool memory: the
 * version, then per topic its partitions, then user data (skipped).
 * Returns 0, or -1 when the bytes are not one (truncated, negative
 * lengths, an unknown negative version). Pure. */
int core_decode_assignment(struct pool *pool, const unsigned char *b, size_t n,
                           struct core_assignment *out);

struct core_member {
    const char *member_id, *client_id, *client_host;
    bool decoded; /* the assignment was a ConsumerProtocol one; if not,
                     assignment has version -1 and no topics */
    struct core_assignment assignment;
};

/* A group as its coordinator describes it. Lifetime: request (pool). */
struct core_group {
    const char *group;
    int16_t err;               /* Kafka's error code for the group */
    const char *state;         /* Dead, Empty, PreparingRebalance, ... */
    const char *protocol_type; /* "consumer", "" (offsets only), ... */
    const char *protocol;      /* the assignor */
    int32_t coordinator;       /* broker id; -1 for a Dead group */
    struct core_member *members;
    size_t nmembers;
};

/* Describes groups[0..n) into (*out)[0..n), in that order, with calls to
 * Kafka that do not grow with n (kafka_describe_groups). A group that does
 * not exist is Dead with no members. Assignments are decoded for the
 * consumer protocol. Returns 0, or -1 with e (CORE_KAFKA). */
int core_describe_groups(struct core_ctx *c, const char *const *groups,
                         size_t n, struct core_group **out,
                         struct core_error *e);

/* Every consumer group of the cluster (consumer protocol, or committed
 * offsets only), sorted by name. Returns 0, or -1 with e (CORE_KAFKA). */
struct core_listed_group {
    const char *group;
    bool simple;       /* offsets only: no protocol type */
    const char *state; /* Kafka's name */
};
int core_list_groups(struct core_ctx *c, struct core_listed_group **out,
                     size_t *n, struct core_error *e);

/* The committed offsets of each of groups[0..n): (*tps)[i][0..(*ntps)[i]),
 * sorted, every OffsetFetch in flight at once. Returns 0, or -1 with e
 * (CORE_KAFKA). */
int core_groups_committed(struct core_ctx *c, const char *const *groups,
                          size_t n, struct tp ***tps, size_t **ntps,
                          struct core_error *e);

/* The lag of each of groups[0..n) into lags[0..n), as its detail sums
 * it: over every partition of the topics it has committed offsets for, log
 * end - committed, or - log start without a commit (topics gone from the
 * cluster count 0). One OffsetFetch per group, all in flight at once, and
 * one ListOffsets per leader broker (two when a partition has no commit).
 * Returns 0, or -1 with e (CORE_KAFKA). */
int core_groups_lag(struct core_ctx *c, const char *const *groups, size_t n,
                    int64_t *lags, struct core_error *e);

/* Kafka's group state as the clouds print it: STABLE, EMPTY, DEAD,
 * PREPARING_REBALANCE, COMPLETING_REBALANCE, UNKNOWN (static strings). */
const char *core_state_upper(const char *kafka_state);

#endif
