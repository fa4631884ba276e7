/* detail.c - a group's description joined with its offsets, owners and
 * last consumed record times (see detail.h). No API codes or envelopes. */
#include "core/detail.h"

#include "common/config.h"
#include "common/pool.h"
#include "common/util.h"
#include "core/cluster.h"
#include "core/read.h"
#include "kafka/kafka.h"

#include <stdlib.h>
#include <string.h>

/* The member whose assignment holds (topic, partition), or NULL. */
static const struct core_member *owner_of(const struct core_group *g,
                                          const char *topic, int32_t p)
{
    for (size_t i = 0; i < g->nmembers; i++) {
        const struct core_assignment *a = &g->members[i].assignment;
        for (size_t j = 0; j < a->ntopics; j++) {
            if (strcmp(a->topics[j].topic, topic) != 0)
                continue;
            for (size_t k = 0; k < a->topics[j].npartitions; k++)
                if (a->topics[j].partitions[k] == p)
                    return &g->members[i];
        }
    }
    return NULL;
}

/* The assigned topics that are not among the committed ones, sorted and
 * distinct, into *out (*n of them). */
static void assigned_only(struct pool *pool, const struct core_group *g,
                          const struct core_topic *have, size_t nhave,
                          const char ***out, size_t *n)
{
    size_t cap = 0, k = 0;
    for (size_t i = 0; i < g->nmembers; i++)
        cap += g->members[i].assignment.ntopics;
    const char **v = pool_alloc(pool, (cap + 1) * sizeof(*v));
    for (size_t i = 0; i < g->nmembers; i++) {
        const struct core_assignment *a = &g->members[i].assignment;
        for (size_t j = 0; j < a->ntopics; j++) {
            bool known = false;
            for (size_t h = 0; h < nhave && !known; h++)
                known = strcmp(have[h].name, a->topics[j].topic) == 0;
            if (!known)
                v[k++] = a->topics[j].topic;
        }
    }
    *out = v;
    *n = util_strs_sort_unique(v, k);
}

static int topic_cmp(const void *a, const void *b)
{
    return strcmp(((const struct core_topic *)a)->name,
                  ((const struct core_topic *)b)->name);
}

int core_group_detail(struct core_ctx *c, const char *group, unsigned what,
                      struct core_group_detail *out, struct core_error *e)
{
    /* Topics known to have no commits of the group: not fetched again. */
    static const struct tp no_commits;
    bool timestamps = what & CORE_DETAIL_TIMES;
    struct core_group *g = NULL;
    struct core_topic *topics = NULL;
    size_t ntopics = 0, nextra = 0, ntps = 0;
    const char **extra = NULL;
    struct tp *tps = NULL;
    char err[512];

    memset(out, 0, sizeof(*out));
    if (core_describe_groups(c, &group, 1, &g, e) < 0 ||
        core_group_topics(c, group, NULL, 0, &topics, &ntopics, e) < 0)
        return -1;
    assigned_only(c->pool, g, topics, ntopics, &extra, &nextra);
    if (nextra) {
        /* Assigned but never committed: every partition, no commits yet. */
        int32_t *counts = pool_alloc(c->pool, nextra * sizeof(*counts));
        if (core_partition_counts(c, extra, nextra, counts, e) < 0)
            return -1;
        struct core_topic *all =
            pool_alloc(c->pool, (ntopics + nextra + 1) * sizeof(*all));
        memcpy(all, topics, ntopics * sizeof(*all));
        for (size_t i = 0; i < nextra; i++)
            if (counts[i] >= 0)
                all[ntopics++] =
                    (struct core_topic){extra[i], counts[i], &no_commits, 0};
        qsort(all, ntopics, sizeof(*all), topic_cmp);
        topics = all;
    }
    if (core_read_offsets(c, group, topics, ntopics,
                          (what & CORE_DETAIL_STARTS) != 0, &tps, &ntps, e) < 0)
        return -1;
    if (ntps > (size_t)c->cfg->max_partitions) {
        e->count = ntps;
        return core_fail(c, e, CORE_TOO_MANY_PARTITIONS, "%s", "");
    }

    struct core_part_detail *parts =
        pool_calloc(c->pool, ntps + 1, sizeof(*parts));
    int64_t *at = pool_alloc(c->pool, (ntps + 1) * sizeof(*at));
    int64_t *ts = pool_alloc(c->pool, (ntps + 1) * sizeof(*ts));
    for (size_t i = 0; i < ntps; i++) {
        parts[i].tp = tps[i];
        parts[i].owner = owner_of(g, tps[i].topic, tps[i].partition);
        parts[i].last_ts = -1;
        /* The last consumed record is the one before the committed offset
         * (the next one to read), when there is one below the log end. */
        at[i] = timestamps && tps[i].err == 0 && tps[i].committed >= 1 &&
                        tps[i].committed <= tps[i].end
                    ? tps[i].committed - 1
                    : -1;
    }
    if (timestamps) {
        if (kafka_record_times(c->kafka, c->pool, tps, ntps, at, ts,
                               c->deadline, err, sizeof(err)) < 0)
            return core_fail(c, e, CORE_KAFKA, "%s", err);
        for (size_t i = 0; i < ntps; i++)
            parts[i].last_ts = ts[i];
    }
    out->group = g[0];
    out->parts = parts;
    out->n = ntps;
    return 0;
}
