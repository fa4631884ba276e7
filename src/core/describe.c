/* describe.c - the cluster's groups (see describe.h): descriptions with their
 * members' assignments decoded, the listing, and many groups' commits. */
#include "core/describe.h"

#include "common/pool.h"
#include "common/util.h"
#include "core/cluster.h"
#include "core/offsets.h"
#include "kafka/kafka.h"

#include <stdlib.h>
#include <string.h>

/* A big-endian reader over untrusted bytes: every read is bounds-checked,
 * and a failed one leaves the reader failed. */
struct rd {
    const unsigned char *b;
    size_t n, at;
    bool bad;
};

static bool have(struct rd *r, size_t k)
{
    if (r->bad || r->n - r->at < k)
        r->bad = true;
    return !r->bad;
}

static int16_t i16(struct rd *r)
{
    if (!have(r, 2))
        return 0;
    uint16_t v = (uint16_t)(r->b[r->at] << 8 | r->b[r->at + 1]);
    r->at += 2;
    return (int16_t)v;
}

static int32_t i32(struct rd *r)
{
    if (!have(r, 4))
        return 0;
    uint32_t v = (uint32_t)r->b[r->at] << 24 | (uint32_t)r->b[r->at + 1] << 16 |
                 (uint32_t)r->b[r->at + 2] << 8 | r->b[r->at + 3];
    r->at += 4;
    return (int32_t)v;
}

/* A count of elements each at least min bytes long: refused when negative
 * or when the rest of the bytes cannot hold that many. */
static size_t count(struct rd *r, size_t min)
{
    int32_t c = i32(r);
    if (r->bad || c < 0 || (size_t)c > (r->n - r->at) / min) {
        r->bad = true;
        return 0;
    }
    return (size_t)c;
}

static int assigned_cmp(const void *a, const void *b)
{
    return strcmp(((const struct core_assigned *)a)->topic,
                  ((const struct core_assigned *)b)->topic);
}

static int i32_cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

int core_decode_assignment(struct pool *pool, const unsigned char *b, size_t n,
                           struct core_assignment *out)
{
    struct rd r = {b, n, 0, false};
    *out = (struct core_assignment){0};
    out->version = i16(&r);
    if (r.bad || out->version < 0)
        return -1;
    /* Each topic is at least a string length and an array count. */
    out->ntopics = count(&r, 6);
    out->topics = pool_calloc(pool, out->ntopics + 1, sizeof(*out->topics));
    for (size_t i = 0; i < out->ntopics && !r.bad; i++) {
        struct core_assigned *t = &out->topics[i];
        int16_t len = i16(&r);
        if (len < 0 || !have(&r, (size_t)len))
            return -1;
        t->topic = pool_strndup(pool, (const char *)b + r.at, (size_t)len);
        r.at += (size_t)len;
        t->npartitions = count(&r, 4);
        t->partitions =
            pool_calloc(pool, t->npartitions + 1, sizeof(*t->partitions));
        for (size_t j = 0; j < t->npartitions; j++)
            t->partitions[j] = i32(&r);
        qsort(t->partitions, t->npartitions, sizeof(*t->partitions), i32_cmp);
    }
    /* User data (nullable bytes) follows; a version 0 assignment from an
     * old client may end before it. */
    if (r.bad)
        return -1;
    qsort(out->topics, out->ntopics, sizeof(*out->topics), assigned_cmp);
    return 0;
}

int core_describe_groups(struct core_ctx *c, const char *const *groups,
                         size_t n, struct core_group **out,
                         struct core_error *e)
{
    char err[512];
    struct kafka_group *kg = pool_calloc(c->pool, n + 1, sizeof(*kg));
    if (kafka_describe_groups(c->kafka, c->pool, groups, n, kg, c->deadline,
                              err, sizeof(err)) < 0)
        return core_fail(c, e, CORE_KAFKA, "%s", err);
    struct core_group *v = pool_calloc(c->pool, n + 1, sizeof(*v));
    for (size_t i = 0; i < n; i++) {
        const struct kafka_group *g = &kg[i];
        v[i] = (struct core_group){
            g->group,    g->err,         g->state, g->protocol_type,
            g->protocol, g->coordinator, NULL,     g->nmembers};
        v[i].members =
            pool_calloc(c->pool, g->nmembers + 1, sizeof(*v[i].members));
        bool consumer = strcmp(g->protocol_type, "consumer") == 0;
        for (size_t j = 0; j < g->nmembers; j++) {
            const struct kafka_member *km = &g->members[j];
            struct core_member *m = &v[i].members[j];
            m->member_id = km->member_id;
            m->client_id = km->client_id;
            m->client_host = km->client_host;
            m->decoded =
                consumer && km->assignment_len &&
                core_decode_assignment(c->pool, km->assignment,
                                       km->assignment_len, &m->assignment) == 0;
            if (!m->decoded) /* no topics, and a version no client writes */
                m->assignment = (struct core_assignment){.version = -1};
        }
    }
    *out = v;
    return 0;
}

int core_list_groups(struct core_ctx *c, struct core_listed_group **out,
                     size_t *n, struct core_error *e)
{
    char err[512];
    struct kafka_listed_group *l = NULL;
    if (kafka_list_groups(c->kafka, c->pool, &l, n, c->deadline, err,
                          sizeof(err)) < 0)
        return core_fail(c, e, CORE_KAFKA, "%s", err);
    struct core_listed_group *v = pool_calloc(c->pool, *n + 1, sizeof(*v));
    for (size_t i = 0; i < *n; i++)
        v[i] = (struct core_listed_group){l[i].group, l[i].simple, l[i].state};
    *out = v;
    return 0;
}

int core_groups_committed(struct core_ctx *c, const char *const *groups,
                          size_t n, struct tp ***tps, size_t **ntps,
                          struct core_error *e)
{
    char err[512];
    *tps = pool_calloc(c->pool, n + 1, sizeof(**tps));
    *ntps = pool_calloc(c->pool, n + 1, sizeof(**ntps));
    if (kafka_committed_many(c->kafka, c->pool, groups, n, *tps, *ntps,
                             c->deadline, err, sizeof(err)) < 0)
        return core_fail(c, e, CORE_KAFKA, "%s", err);
    return 0;
}

/* The committed offset of (topic, p) among the sorted tps[0..n), or
 * TP_NONE. */
static int64_t committed_of(const struct tp *tps, size_t n, const char *topic,
                            int32_t p)
{
    struct tp key;
    tp_init(&key, topic, p);
    const struct tp *t = bsearch(&key, tps, n, sizeof(*tps), tp_cmp);
    return t ? t->committed : TP_NONE;
}

/* True when the sorted tps[0..n) hold a partition of topic. */
static bool has_topic(const struct tp *tps, size_t n, const char *topic)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(tps[i].topic, topic) == 0)
            return true;
    return false;
}

int core_groups_lag(struct core_ctx *c, const char *const *groups, size_t n,
                    int64_t *lags, struct core_error *e)
{
    struct tp **tps;
    size_t *ntps, all = 0, ntopics = 0;
    char err[512];

    if (core_groups_committed(c, groups, n, &tps, &ntps, e) < 0)
        return -1;
    /* Every topic any group has committed offsets for, sorted, once. */
    for (size_t i = 0; i < n; i++)
        all += ntps[i];
    const char **topics = pool_calloc(c->pool, all + 1, sizeof(*topics));
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < ntps[i]; j++)
            topics[ntopics++] = tps[i][j].topic;
    ntopics = util_strs_sort_unique(topics, ntopics);
    int32_t *counts = pool_calloc(c->pool, ntopics + 1, sizeof(*counts));
    if (ntopics && core_partition_counts(c, topics, ntopics, counts, e) < 0)
        return -1;

    /* Their partitions (sorted, as topics are), looked up once for every
     * group: the log ends, and the log starts when some group has a
     * partition without a commit (its lag counts from there, as in a
     * group's detail). */
    size_t nparts = 0;
    for (size_t t = 0; t < ntopics; t++)
        nparts += counts[t] > 0 ? (size_t)counts[t] : 0;
    struct tp *parts = pool_alloc(c->pool, (nparts + 1) * sizeof(*parts));
    bool starts = false;
    size_t k = 0;
    for (size_t t = 0; t < ntopics; t++)
        for (int32_t p = 0; p < counts[t]; p++) {
            tp_init(&parts[k], topics[t], p);
            for (size_t i = 0; i < n && !starts; i++)
                starts = has_topic(tps[i], ntps[i], topics[t]) &&
                         committed_of(tps[i], ntps[i], topics[t], p) == TP_NONE;
            k++;
        }
    unsigned what = KAFKA_END | (starts ? KAFKA_START : 0);
    if (nparts && kafka_lookup(c->kafka, c->pool, NULL, parts, nparts, what, 0,
                               c->deadline, err, sizeof(err)) < 0)
        return core_fail(c, e, CORE_KAFKA, "%s", err);
    for (size_t i = 0; i < n; i++) {
        lags[i] = 0;
        for (size_t q = 0; q < nparts; q++) {
            /* Only the topics this group has commits on. */
            if (parts[q].err || !has_topic(tps[i], ntps[i], parts[q].topic))
                continue;
            struct tp one = parts[q];
            one.committed =
                committed_of(tps[i], ntps[i], one.topic, one.partition);
            lags[i] += offsets_lag(&one);
        }
    }
    return 0;
}

const char *core_state_upper(const char *s)
{
    static const struct {
        const char *kafka, *cloud;
    } map[] = {
        {"Stable", "STABLE"},
        {"Empty", "EMPTY"},
        {"Dead", "DEAD"},
        {"PreparingRebalance", "PREPARING_REBALANCE"},
        {"CompletingRebalance", "COMPLETING_REBALANCE"},
        {"AwaitingSync", "COMPLETING_REBALANCE"},
    };
    for (size_t i = 0; s && i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i].kafka, s) == 0)
            return map[i].cloud;
    return "UNKNOWN";
}
