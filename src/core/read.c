/* read.c - a group's topics and their offsets (see read.h). No API codes or
 * envelopes; paging and filtering are the front end's. */
#include "core/read.h"

#include "common/pool.h"
#include "kafka/kafka.h"

#include <string.h>

int core_group_topics(struct core_ctx *c, const char *group,
                      const char *const *named, size_t nnamed,
                      struct core_topic **out, size_t *n, struct core_error *e)
{
    struct kafka_meta meta;
    struct tp *all = NULL;
    size_t nall = 0, ntopics = nnamed;
    const char *const *topics = named;
    char err[512];

    if (!nnamed) {
        if (kafka_committed_all(c->kafka, c->pool, group, &all, &nall,
                                c->deadline, err, sizeof(err)) < 0)
            return core_fail(c, e, CORE_KAFKA, "%s", err);
        topics = tp_topics(c->pool, all, nall, &ntopics);
    }
    /* The cache is asked for exactly these topics, so one created since it
     * was filled is looked up rather than reported missing. */
    if (kafka_metadata(c->kafka, topics, ntopics, c->deadline, &meta, err,
                       sizeof(err)) < 0)
        return core_fail(c, e, CORE_KAFKA, "%s", err);
    struct core_topic *v = pool_alloc(c->pool, (ntopics + 1) * sizeof(*v));
    char *unknown = NULL;
    for (size_t i = 0, j = 0; i < ntopics; i++) {
        const struct kafka_topic *t = kafka_meta_topic(&meta, topics[i]);
        /* The partition count, not the cache's entry: any later Kafka call
         * may refresh (and free) it. */
        v[i] = (struct core_topic){topics[i], t ? t->partitions : -1, NULL, 0};
        if (nnamed) {
            if (!t)
                unknown =
                    unknown ? pool_printf(c->pool, "%s, %s", unknown, topics[i])
                            : pool_strdup(c->pool, topics[i]);
            continue;
        }
        /* The group's commits on it: its run in the sorted list. */
        v[i].committed = &all[j];
        while (j < nall && strcmp(all[j].topic, topics[i]) == 0)
            j++;
        v[i].ncommitted = (size_t)(&all[j] - v[i].committed);
    }
    if (unknown)
        return core_fail(c, e, CORE_TOPIC_UNKNOWN, "%s", unknown);
    *out = v;
    *n = ntopics;
    return 0;
}

/* The partitions of the topics, sorted: every partition of a topic the
 * cluster knows; for a topic it no longer knows, the committed ones, marked
 * UNKNOWN_TOPIC_OR_PARTITION. */
static struct tp *partitions_of(struct pool *pool, const struct core_topic *v,
                                size_t nv, size_t *out_n)
{
    size_t n = 0;
    for (size_t i = 0; i < nv; i++)
        n += v[i].partitions >= 0 ? (size_t)v[i].partitions : v[i].ncommitted;
    struct tp *tps = pool_alloc(pool, (n + 1) * sizeof(*tps));
    size_t k = 0;
    for (size_t i = 0; i < nv; i++) {
        if (v[i].partitions < 0) {
            for (size_t j = 0; j < v[i].ncommitted; j++) {
                tps[k] = v[i].committed[j];
                tps[k++].err = KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
            }
            continue;
        }
        size_t j = 0; /* the committed run is sorted by partition too */
        for (int32_t p = 0; p < v[i].partitions; p++, k++) {
            tp_init(&tps[k], v[i].name, p);
            while (j < v[i].ncommitted && v[i].committed[j].partition < p)
                j++;
            if (j < v[i].ncommitted && v[i].committed[j].partition == p) {
                tps[k].committed = v[i].committed[j].committed;
                tps[k].metadata = v[i].committed[j].metadata;
            }
        }
    }
    *out_n = k;
    return tps;
}

int core_read_offsets(struct core_ctx *c, const char *group,
                      const struct core_topic *topics, size_t n, bool starts,
                      struct tp **out, size_t *nout, struct core_error *e)
{
    char err[512];
    size_t ntps;
    struct tp *tps = partitions_of(c->pool, topics, n, &ntps);
    /* Named topics come without their commits: read them with the rest. */
    bool named = false;
    for (size_t i = 0; i < n && !named; i++)
        named = !topics[i].committed;
    size_t nlive = 0; /* partitions of topics the cluster still has */
    for (size_t i = 0; i < ntps; i++)
        nlive += tps[i].err == 0;
    if (ntps && nlive) {
        /* Topics gone from the cluster sort among the others; look up only
         * the partitions that exist. */
        struct tp *live = tps;
        if (nlive != ntps) {
            live = pool_alloc(c->pool, nlive * sizeof(*live));
            for (size_t i = 0, k = 0; i < ntps; i++)
                if (tps[i].err == 0)
                    live[k++] = tps[i];
        }
        unsigned what = KAFKA_END | (named ? KAFKA_COMMITTED : 0);
        if (kafka_lookup(c->kafka, c->pool, group, live, nlive, what, 0,
                         c->deadline, err, sizeof(err)) < 0)
            return core_fail(c, e, CORE_KAFKA, "%s", err);
        bool uncommitted = starts;
        for (size_t i = 0; i < nlive && !uncommitted; i++)
            uncommitted = live[i].committed < 0 && live[i].err == 0;
        /* Lag of a partition without a commit counts from the log start. */
        if (uncommitted &&
            kafka_lookup(c->kafka, c->pool, group, live, nlive, KAFKA_START, 0,
                         c->deadline, err, sizeof(err)) < 0)
            return core_fail(c, e, CORE_KAFKA, "%s", err);
        if (live != tps)
            for (size_t i = 0, k = 0; i < ntps; i++)
                if (tps[i].err == 0)
                    tps[i] = live[k++];
    }
    *out = tps;
    *nout = ntps;
    return 0;
}
