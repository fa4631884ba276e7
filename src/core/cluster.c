/* cluster.c - the cluster and its topics as users see them (see
 * cluster.h). */
#include "core/cluster.h"

#include "common/pool.h"

#include <string.h>

bool core_topic_internal(const char *name)
{
    return strncmp(name, "__", 2) == 0;
}

int core_cluster(struct core_ctx *c, bool fresh, struct core_cluster *out,
                 struct core_error *e)
{
    char err[512];
    struct kafka_cluster k;
    if (kafka_cluster(c->kafka, c->pool, fresh, c->deadline, &k, err,
                      sizeof(err)) < 0)
        return core_fail(c, e, CORE_KAFKA, "%s", err);
    *out = (struct core_cluster){k.brokers, k.nbrokers, k.controller,
                                 k.topics,  0,          0};
    /* In place: k.topics is this request's copy. */
    for (size_t i = 0; i < k.ntopics; i++) {
        if (core_topic_internal(k.topics[i].name))
            continue;
        k.topics[out->ntopics++] = k.topics[i];
        out->partitions += k.topics[i].partitions;
    }
    return 0;
}

int core_topic_detail(struct core_ctx *c, const char *topic,
                      struct kafka_topic_detail *out, struct core_error *e)
{
    char err[512];
    if (core_topic_internal(topic))
        return core_fail(c, e, CORE_TOPIC_UNKNOWN, "%s", topic);
    if (kafka_topic_detail(c->kafka, c->pool, topic, c->deadline, out, err,
                           sizeof(err)) < 0)
        return core_fail(c, e, CORE_KAFKA, "%s", err);
    if (!out->exists)
        return core_fail(c, e, CORE_TOPIC_UNKNOWN, "%s", topic);
    return 0;
}

int core_partition_counts(struct core_ctx *c, const char *const *topics,
                          size_t n, int32_t *counts, struct core_error *e)
{
    char err[512];
    struct kafka_meta m;
    if (kafka_metadata(c->kafka, topics, n, c->deadline, &m, err, sizeof(err)) <
        0)
        return core_fail(c, e, CORE_KAFKA, "%s", err);
    for (size_t i = 0; i < n; i++) {
        const struct kafka_topic *t = kafka_meta_topic(&m, topics[i]);
        counts[i] = t ? t->partitions : -1;
    }
    return 0;
}

bool core_instance_address(const struct config_instance *inst, char *host,
                           size_t hl, char *port, size_t pl)
{
    return kafka_first_bootstrap(inst, host, hl, port, pl);
}
