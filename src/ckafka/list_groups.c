/* list_groups.c - ListGroup (find groups by name) and ListConsumerGroup
 * (the committed offsets of a page of groups), contract section 7: one
 * listing of the cluster's groups, filtered, sorted and paged here; the
 * offsets only for the page's groups. */
#include "ckafka/action.h"
#include "common/params.h"
#include "common/pool.h"
#include "common/util.h"
#include "core/cluster.h"
#include "core/describe.h"
#include "kafka/tp.h"

#include <stdlib.h>
#include <string.h>

/* The listed groups that pass the name filters, in place; their count. */
static size_t filter(struct core_listed_group *l, size_t n, const char *exact,
                     const char *search)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if ((!exact || strcmp(l[i].group, exact) == 0) &&
            action_matches(l[i].group, search))
            l[k++] = l[i];
    return k;
}

enum reply_status action_list_group(struct action_ctx *c)
{
    struct core_listed_group *l;
    struct core_error e = {0};
    struct action_page page;
    size_t n, first, npage;
    enum reply_status st;

    if ((st = action_page(c, 20, 50, &page)))
        return st;
    const char *exact = params_get(c->params, "group");
    const char *search = params_get(c->params, "searchWord");
    if (exact && !*exact)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID,
                          "parameter group is empty");
    if (core_list_groups(&c->core, &l, &n, &e) < 0)
        return action_core_failed(c, NULL, &e);
    n = filter(l, n, exact, search);
    action_page_slice(&page, n, &first, &npage);

    json_object *list = json_object_new_array();
    for (size_t i = first; i < first + npage; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "group", json_object_new_string(l[i].group));
        json_object_object_add(
            o, "protocol",
            json_object_new_string(l[i].simple ? "" : "consumer"));
        json_object_array_add(list, o);
    }
    json_object *data = json_object_new_object();
    json_object_object_add(data, "totalCount",
                           json_object_new_int64((int64_t)n));
    json_object_object_add(data, "groupList", list);
    return reply_ok(&c->reply, data);
}

/* One group's committed offsets per topic, in partition order: -1 where
 * nothing is committed. counts[] holds each topic's partitions (-1: gone
 * from the cluster, then up to the highest committed one). */
static json_object *group_offsets(const struct tp *tps, size_t n,
                                  const char *topic_filter, const char **topics,
                                  const int32_t *counts, size_t ntopics)
{
    json_object *o = json_object_new_object();
    size_t i = 0;
    while (i < n) {
        const char *t = tps[i].topic;
        size_t j = i;
        while (j < n && strcmp(tps[j].topic, t) == 0)
            j++;
        if (!core_topic_internal(t) && action_matches(t, topic_filter)) {
            const char **hit =
                bsearch(&t, topics, ntopics, sizeof(*topics), util_strptrcmp);
            int32_t parts = hit ? counts[hit - topics] : -1;
            if (parts < 0)
                parts = tps[j - 1].partition + 1;
            json_object *a = json_object_new_array();
            for (int32_t p = 0, k = (int32_t)i; p < parts; p++) {
                while (k < (int32_t)j && tps[k].partition < p)
                    k++;
                bool has = k < (int32_t)j && tps[k].partition == p;
                json_object_array_add(
                    a, json_object_new_int64(has ? tps[k].committed : -1));
            }
            json_object_object_add(o, t, a);
        }
        i = j;
    }
    return o;
}

enum reply_status action_list_consumer_group(struct action_ctx *c)
{
    struct core_listed_group *l;
    struct core_error e = {0};
    struct action_page page;
    size_t n, first, npage;
    enum reply_status st;

    if ((st = action_page(c, 50, 50, &page)))
        return st;
    const char *gfilter = params_get(c->params, "groupName");
    const char *tfilter = params_get(c->params, "topicName");
    if (core_list_groups(&c->core, &l, &n, &e) < 0)
        return action_core_failed(c, NULL, &e);
    n = filter(l, n, NULL, gfilter);
    action_page_slice(&page, n, &first, &npage);

    const char **names = pool_calloc(c->pool, npage + 1, sizeof(*names));
    for (size_t i = 0; i < npage; i++)
        names[i] = l[first + i].group;
    struct tp **tps;
    size_t *ntps;
    if (core_groups_committed(&c->core, names, npage, &tps, &ntps, &e) < 0)
        return action_core_failed(c, NULL, &e);

    /* The page's topics (sorted, distinct) and their partition counts. */
    size_t all = 0;
    for (size_t i = 0; i < npage; i++)
        all += ntps[i];
    const char **topics = pool_calloc(c->pool, all + 1, sizeof(*topics));
    size_t ntopics = 0;
    for (size_t i = 0; i < npage; i++)
        for (size_t j = 0; j < ntps[i]; j++)
            if (!core_topic_internal(tps[i][j].topic) &&
                action_matches(tps[i][j].topic, tfilter))
                topics[ntopics++] = tps[i][j].topic;
    ntopics = util_strs_sort_unique(topics, ntopics);
    int32_t *counts = pool_calloc(c->pool, ntopics + 1, sizeof(*counts));
    if (core_partition_counts(&c->core, topics, ntopics, counts, &e) < 0)
        return action_core_failed(c, NULL, &e);

    json_object *groups = json_object_new_object();
    json_object *gmon = json_object_new_array();
    int32_t maxp = 0;
    for (size_t i = 0; i < npage; i++) {
        json_object *g =
            group_offsets(tps[i], ntps[i], tfilter, topics, counts, ntopics);
        json_object_object_foreach(g, name, arr)
        {
            (void)name;
            int32_t len = (int32_t)json_object_array_length(arr);
            maxp = len > maxp ? len : maxp;
        }
        json_object_object_add(groups, names[i], g);
        json_object *m = json_object_new_object();
        json_object_object_add(m, "groupName",
                               json_object_new_string(names[i]));
        json_object_array_add(gmon, m);
    }
    json_object *tlist = json_object_new_object();
    json_object *tmon = json_object_new_array();
    for (size_t i = 0; i < ntopics; i++) {
        json_object_object_add(tlist, topics[i],
                               json_object_new_string(topics[i]));
        json_object *m = json_object_new_object();
        json_object_object_add(m, "topicName",
                               json_object_new_string(topics[i]));
        json_object_object_add(m, "topicId", json_object_new_string(topics[i]));
        json_object_array_add(tmon, m);
    }
    json_object *pmon = json_object_new_array();
    for (int32_t p = 0; p < maxp; p++) {
        json_object *m = json_object_new_object();
        json_object_object_add(m, "partitionId", json_object_new_int(p));
        json_object_array_add(pmon, m);
    }
    json_object *data = json_object_new_object();
    json_object_object_add(data, "totalCount",
                           json_object_new_int64((int64_t)n));
    json_object_object_add(data, "topicList", tlist);
    json_object_object_add(data, "groupList", groups);
    json_object_object_add(data, "totalPartition", json_object_new_int(maxp));
    json_object_object_add(data, "partitionListForMonitor", pmon);
    json_object_object_add(data, "totalTopic",
                           json_object_new_int64((int64_t)ntopics));
    json_object_object_add(data, "topicListForMonitor", tmon);
    json_object_object_add(data, "groupListForMonitor", gmon);
    return reply_ok(&c->reply, data);
}
