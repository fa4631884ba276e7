/* action_get_offsets.c - GetGroupOffsets (contract section 6): per partition
 * the committed offset, log end offset and lag, for the named topics or for
 * every topic the group has committed offsets for, filtered by searchWord
 * and paged over topics. Kafka work is only done for the topics of the page:
 * one OffsetFetch and one ListOffsets (plus one more for log starts only
 * when a partition has no commit). */
#include "ckafka/action.h"
#include "ckafka/params.h"
#include "common/config.h"
#include "common/pool.h"
#include "core/offsets.h"
#include "kafka/kafka.h"

#include <stdlib.h>
#include <string.h>

#define PAGE_MAX 50

/* A topic of the answer. Lifetime: request. */
struct view {
    const char *name;
    const struct kafka_topic *meta; /* NULL: gone from the cluster */
    const struct tp *committed;     /* this topic's run in the committed */
    size_t ncommitted;              /* list (no topics named), else 0 */
};

static int view_cmp(const void *a, const void *b)
{
    return strcmp(((const struct view *)a)->name,
                  ((const struct view *)b)->name);
}

/* The views of the named topics; every one must exist. */
static enum reply_status named_views(struct action_ctx *c,
                                     const struct kafka_meta *m,
                                     const char **topics, size_t n,
                                     struct view *v)
{
    char *unknown = NULL;
    for (size_t i = 0; i < n; i++) {
        v[i] =
            (struct view){topics[i], kafka_meta_topic(m, topics[i]), NULL, 0};
        if (!v[i].meta)
            unknown = unknown
                          ? pool_printf(c->pool, "%s, %s", unknown, topics[i])
                          : pool_strdup(c->pool, topics[i]);
    }
    if (unknown)
        return reply_fail(&c->reply, c->pool, REPLY_TOPIC_UNKNOWN, "%s",
                          unknown);
    return REPLY_OK;
}

/* One view per topic of the committed list (sorted by topic). */
static size_t committed_views(const struct kafka_meta *m, const struct tp *tps,
                              size_t n, struct view *v)
{
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && strcmp(tps[j].topic, tps[i].topic) == 0)
            j++;
        v[k++] = (struct view){tps[i].topic, kafka_meta_topic(m, tps[i].topic),
                               &tps[i], j - i};
        i = j;
    }
    return k;
}

/* The partitions of the page's topics, sorted: every partition of a topic
 * the cluster knows; for a topic it no longer knows, the committed ones,
 * marked UNKNOWN_TOPIC_OR_PARTITION. */
static struct tp *page_partitions(struct pool *pool, const struct view *v,
                                  size_t nv, size_t *out_n)
{
    size_t n = 0;
    for (size_t i = 0; i < nv; i++)
        n += v[i].meta ? (size_t)v[i].meta->partitions : v[i].ncommitted;
    struct tp *tps = pool_alloc(pool, (n + 1) * sizeof(*tps));
    size_t k = 0;
    for (size_t i = 0; i < nv; i++) {
        if (!v[i].meta) {
            for (size_t j = 0; j < v[i].ncommitted; j++) {
                tps[k] = v[i].committed[j];
                tps[k++].err = KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
            }
            continue;
        }
        size_t j = 0; /* the committed run is sorted by partition too */
        for (int32_t p = 0; p < v[i].meta->partitions; p++, k++) {
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

static json_object *partition_json(const struct tp *t)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "partition", json_object_new_int(t->partition));
    json_object_object_add(o, "offset", json_object_new_int64(t->committed));
    json_object_object_add(o, "metadata", json_object_new_string(t->metadata));
    json_object_object_add(o, "err_code", json_object_new_int(t->err));
    json_object_object_add(o, "log_end_offset", json_object_new_int64(t->end));
    json_object_object_add(o, "lag", json_object_new_int64(offsets_lag(t)));
    return o;
}

enum reply_status action_get_group_offsets(struct action_ctx *c)
{
    const char *group, *search, **topics;
    size_t ntopics, nviews, ntps;
    int64_t offset, limit;
    struct kafka_meta meta;
    struct view *views;
    struct tp *tps;
    char err[512];
    enum reply_status st;

    if ((st = action_group(c, &group)))
        return st;
    if ((st = action_topics(c, &topics, &ntopics)) ||
        (st = action_int64(c, "offset", false, 0, 0, INT64_MAX, &offset)) ||
        (st = action_int64(c, "limit", false, PAGE_MAX, 1, PAGE_MAX, &limit)))
        return st;
    search = params_get(c->params, "searchWord");

    bool named = ntopics > 0;
    struct tp *all = NULL;
    size_t nall = 0;
    if (!named) {
        if (kafka_committed_all(c->kafka, c->pool, group, &all, &nall,
                                c->deadline, err, sizeof(err)) < 0)
            return action_kafka_failed(c, err);
        topics = tp_topics(c->pool, all, nall, &ntopics);
    }
    /* The cache is asked for exactly these topics, so one created since it
     * was filled is looked up rather than reported missing. */
    if (kafka_metadata(c->kafka, topics, ntopics, c->deadline, &meta, err,
                       sizeof(err)) < 0)
        return action_kafka_failed(c, err);
    if (named) {
        views = pool_alloc(c->pool, ntopics * sizeof(*views));
        if ((st = named_views(c, &meta, topics, ntopics, views)))
            return st;
        nviews = ntopics;
    } else {
        views = pool_alloc(c->pool, (nall + 1) * sizeof(*views));
        nviews = committed_views(&meta, all, nall, views);
    }

    /* searchWord filters, then topics are sorted and paged. */
    size_t total = 0;
    for (size_t i = 0; i < nviews; i++)
        if (!search || strstr(views[i].name, search))
            views[total++] = views[i];
    qsort(views, total, sizeof(*views), view_cmp);
    size_t first = (uint64_t)offset < total ? (size_t)offset : total;
    size_t npage =
        total - first < (size_t)limit ? total - first : (size_t)limit;

    tps = page_partitions(c->pool, views + first, npage, &ntps);
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
            return action_kafka_failed(c, err);
        bool uncommitted = false;
        for (size_t i = 0; i < nlive && !uncommitted; i++)
            uncommitted = live[i].committed < 0 && live[i].err == 0;
        /* Lag of a partition without a commit counts from the log start. */
        if (uncommitted &&
            kafka_lookup(c->kafka, c->pool, group, live, nlive, KAFKA_START, 0,
                         c->deadline, err, sizeof(err)) < 0)
            return action_kafka_failed(c, err);
        if (live != tps)
            for (size_t i = 0, k = 0; i < ntps; i++)
                if (tps[i].err == 0)
                    tps[i] = live[k++];
    }

    json_object *list = json_object_new_array();
    for (size_t i = 0, k = 0; i < npage; i++) {
        json_object *t = json_object_new_object();
        json_object *parts = json_object_new_array();
        for (; k < ntps && strcmp(tps[k].topic, views[first + i].name) == 0;
             k++)
            json_object_array_add(parts, partition_json(&tps[k]));
        json_object_object_add(t, "topic",
                               json_object_new_string(views[first + i].name));
        json_object_object_add(t, "partitions", parts);
        json_object_array_add(list, t);
    }
    json_object *data = json_object_new_object();
    json_object_object_add(data, "totalCount",
                           json_object_new_int64((int64_t)total));
    json_object_object_add(data, "topicList", list);
    return reply_ok(&c->reply, data);
}
