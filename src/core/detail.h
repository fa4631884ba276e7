/* detail.h - one group in full, for every API's "group progress" or
 * "group detail": its description, and every partition of the topics it
 * has committed offsets for or is assigned, with the committed offset, the
 * log end, the member that owns it, and (when asked) the time of the last
 * record the group consumed. */
#ifndef CKAFKA_CORE_DETAIL_H
#define CKAFKA_CORE_DETAIL_H

#include "core/core.h"
#include "core/describe.h"
#include "kafka/tp.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One partition. Lifetime: request (pool). */
struct core_part_detail {
    struct tp tp;                    /* committed, end; start where no
                                        commit; err for a topic gone */
    const struct core_member *owner; /* the member assigned it, or NULL */
    int64_t last_ts; /* timestamp (ms) of the record at committed - 1; -1
                        when not asked, none, gone, or without one */
};

struct core_group_detail {
    struct core_group group;
    struct core_part_detail *parts; /* sorted by (topic, partition) */
    size_t n;
};

/* What core_group_detail reads beyond offsets and owners. */
enum {
    CORE_DETAIL_TIMES = 1u << 0,  /* last_ts */
    CORE_DETAIL_STARTS = 1u << 1, /* tp.start of every partition */
};

/* Reads group into out: one DescribeGroups per broker, one OffsetFetch,
 * one ListOffsets per leader broker (two where a partition has no commit,
 * or with CORE_DETAIL_STARTS), and with CORE_DETAIL_TIMES one Fetch per
 * leader broker. A group that does not exist is Dead with no partitions.
 * Returns 0, or -1 with e (CORE_KAFKA, CORE_TOO_MANY_PARTITIONS). */
int core_group_detail(struct core_ctx *c, const char *group, unsigned what,
                      struct core_group_detail *out, struct core_error *e);

#endif
