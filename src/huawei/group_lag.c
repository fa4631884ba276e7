/* group_lag.c - the engine API's per-group lists: every partition's offsets
 * with its log start and owner (message-offset), the lag per topic
 * (topics), and the members (members); each filtered and paged as its
 * query says. */
#include "common/pool.h"
#include "common/util.h"
#include "core/cluster.h"
#include "core/describe.h"
#include "core/detail.h"
#include "core/offsets.h"
#include "huawei/action.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static json_object *str(const char *s)
{
    return json_object_new_string(s ? s : "");
}

static json_object *listed(const char *name, json_object *list, size_t total)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, name, list);
    json_object_object_add(o, "total", json_object_new_int64((int64_t)total));
    return o;
}

/* The group's partitions (with log starts when asked); a group with no
 * members and no commits does not exist. */
static enum huawei_status detail(struct huawei_ctx *c, unsigned what,
                                 struct core_group_detail *d)
{
    struct core_error e = {0};
    if (core_group_detail(&c->core, c->route.group, what, d, &e) < 0)
        return huawei_core_failed(c, &e);
    if (strcmp(d->group.state, "Dead") == 0 && !d->n)
        return huawei_fail(&c->reply, c->pool, HUAWEI_GROUP_UNKNOWN, "(%s)",
                           c->route.group);
    return HUAWEI_OK;
}

enum huawei_status huawei_message_offsets(struct huawei_ctx *c)
{
    struct core_group_detail d;
    int64_t offset, limit, partition;
    enum huawei_status st;
    struct core_error e = {0};

    if ((st = huawei_page(c, &offset, &limit)) ||
        (st = huawei_query_int(c, "partition", -1, -1, INT32_MAX, &partition)))
        return st;
    const char *topic = huawei_query_str(c, "topic");
    if (topic) {
        int32_t count;
        if (core_partition_counts(&c->core, &topic, 1, &count, &e) < 0)
            return huawei_core_failed(c, &e);
        if (count < 0)
            return huawei_fail(&c->reply, c->pool, HUAWEI_TOPIC_UNKNOWN, "(%s)",
                               topic);
        if (partition >= count)
            return huawei_fail(&c->reply, c->pool, HUAWEI_PARTITION_UNKNOWN,
                               "(partition %lld: topic %s has %d "
                               "partition%s)",
                               (long long)partition, topic, count,
                               count == 1 ? "" : "s");
    }
    if ((st = detail(c, CORE_DETAIL_STARTS, &d)))
        return st;

    const struct core_part_detail **rows =
        pool_calloc(c->pool, d.n + 1, sizeof(*rows));
    size_t n = 0, first, npage;
    for (size_t i = 0; i < d.n; i++)
        if (!d.parts[i].tp.err &&
            (!topic || strcmp(d.parts[i].tp.topic, topic) == 0) &&
            (partition < 0 || d.parts[i].tp.partition == partition))
            rows[n++] = &d.parts[i];
    util_page_slice(offset, limit, n, &first, &npage);
    json_object *list = json_object_new_array();
    for (size_t i = first; i < first + npage; i++)
        json_object_array_add(list, huawei_offsets_row(rows[i], true));
    return huawei_ok(&c->reply, listed("group_message_offsets", list, n));
}

struct topic_lag {
    const char *topic;
    int32_t partitions;
    int64_t lag;
};

static int by_topic(const void *a, const void *b)
{
    return strcmp(((const struct topic_lag *)a)->topic,
                  ((const struct topic_lag *)b)->topic);
}

static int by_lag(const void *a, const void *b)
{
    const struct topic_lag *x = a, *y = b;
    return x->lag < y->lag ? -1 : x->lag > y->lag ? 1 : by_topic(a, b);
}

enum huawei_status huawei_group_topics(struct huawei_ctx *c)
{
    struct core_group_detail d;
    int64_t offset, limit;
    enum huawei_status st;

    if ((st = huawei_page(c, &offset, &limit)))
        return st;
    const char *filter = huawei_query_str(c, "topic");
    const char *key = huawei_query_str(c, "sort_key");
    const char *dir = huawei_query_str(c, "sort_dir");
    if (key && strcmp(key, "topic") != 0 && strcmp(key, "lag") != 0)
        return huawei_fail(&c->reply, c->pool, HUAWEI_BAD_REQUEST,
                           "sort_key '%.*s': topic or lag",
                           util_utf8_cut(key, 40), key);
    if (dir && strcmp(dir, "asc") != 0 && strcmp(dir, "desc") != 0)
        return huawei_fail(&c->reply, c->pool, HUAWEI_BAD_REQUEST,
                           "sort_dir '%.*s': asc or desc",
                           util_utf8_cut(dir, 40), dir);
    if ((st = detail(c, 0, &d)))
        return st;

    struct topic_lag *v = pool_calloc(c->pool, d.n + 1, sizeof(*v));
    size_t n = 0, first, npage;
    for (size_t i = 0; i < d.n; i++) {
        const struct tp *t = &d.parts[i].tp;
        if (t->err || (filter && !strstr(t->topic, filter)))
            continue;
        if (!n || strcmp(v[n - 1].topic, t->topic) != 0)
            v[n++] = (struct topic_lag){t->topic, 0, 0};
        v[n - 1].partitions++;
        v[n - 1].lag += offsets_lag(t);
    }
    qsort(v, n, sizeof(*v), key && strcmp(key, "lag") == 0 ? by_lag : by_topic);
    if (dir && strcmp(dir, "desc") == 0)
        for (size_t i = 0; i < n / 2; i++) {
            struct topic_lag s = v[i];
            v[i] = v[n - 1 - i];
            v[n - 1 - i] = s;
        }
    util_page_slice(offset, limit, n, &first, &npage);
    json_object *list = json_object_new_array();
    for (size_t i = first; i < first + npage; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "topic", str(v[i].topic));
        json_object_object_add(o, "partitions",
                               json_object_new_int(v[i].partitions));
        json_object_object_add(o, "lag", json_object_new_int64(v[i].lag));
        json_object_array_add(list, o);
    }
    return huawei_ok(&c->reply, listed("topics", list, n));
}

enum huawei_status huawei_group_members(struct huawei_ctx *c)
{
    struct core_group g;
    int64_t offset, limit;
    enum huawei_status st;

    if ((st = huawei_page(c, &offset, &limit)) || (st = huawei_describe(c, &g)))
        return st;
    const char *host = huawei_query_str(c, "host");
    const char *id = huawei_query_str(c, "member_id");
    const struct core_member **v =
        pool_calloc(c->pool, g.nmembers + 1, sizeof(*v));
    size_t n = 0, first, npage;
    for (size_t i = 0; i < g.nmembers; i++)
        if ((!host || strstr(g.members[i].client_host, host)) &&
            (!id || strstr(g.members[i].member_id, id)))
            v[n++] = &g.members[i];
    util_page_slice(offset, limit, n, &first, &npage);
    json_object *list = json_object_new_array();
    for (size_t i = first; i < first + npage; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "host", str(v[i]->client_host));
        json_object_object_add(o, "member_id", str(v[i]->member_id));
        json_object_object_add(o, "client_id", str(v[i]->client_id));
        json_object_array_add(list, o);
    }
    return huawei_ok(&c->reply, listed("members", list, n));
}
