/* get_offsets.c - GetGroupOffsets (contract section 6): per partition the
 * committed offset, log end offset and lag, for the named topics or for
 * every topic the group has committed offsets for, filtered by searchWord
 * and paged over topics, as this API does; the core reads only the page's
 * topics (core/read.h). */
#include "ckafka/action.h"
#include "common/params.h"
#include "core/read.h"

#include <stdlib.h>
#include <string.h>

#define PAGE_MAX 50

static int topic_cmp(const void *a, const void *b)
{
    return strcmp(((const struct core_topic *)a)->name,
                  ((const struct core_topic *)b)->name);
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
    const char *group, *search, **named;
    size_t nnamed, ntopics, ntps;
    int64_t offset, limit;
    struct core_topic *topics;
    struct core_error e = {0};
    struct tp *tps;
    enum reply_status st;

    if ((st = action_group(c, &group)))
        return st;
    if ((st = action_topics(c, &named, &nnamed)) ||
        (st = action_int64(c, "offset", false, 0, 0, INT64_MAX, &offset)) ||
        (st = action_int64(c, "limit", false, PAGE_MAX, 1, PAGE_MAX, &limit)))
        return st;
    search = params_get(c->params, "searchWord");

    if (core_group_topics(&c->core, group, named, nnamed, &topics, &ntopics,
                          &e) < 0)
        return action_core_failed(c, group, &e);
    /* searchWord filters, then topics are sorted and paged. */
    size_t total = 0;
    for (size_t i = 0; i < ntopics; i++)
        if (!search || strstr(topics[i].name, search))
            topics[total++] = topics[i];
    qsort(topics, total, sizeof(*topics), topic_cmp);
    size_t first = (uint64_t)offset < total ? (size_t)offset : total;
    size_t npage =
        total - first < (size_t)limit ? total - first : (size_t)limit;
    if (core_read_offsets(&c->core, group, topics + first, npage, false, &tps,
                          &ntps, &e) < 0)
        return action_core_failed(c, group, &e);

    json_object *list = json_object_new_array();
    for (size_t i = 0, k = 0; i < npage; i++) {
        const char *name = topics[first + i].name;
        json_object *t = json_object_new_object();
        json_object *parts = json_object_new_array();
        for (; k < ntps && strcmp(tps[k].topic, name) == 0; k++)
            json_object_array_add(parts, partition_json(&tps[k]));
        json_object_object_add(t, "topic", json_object_new_string(name));
        json_object_object_add(t, "partitions", parts);
        json_object_array_add(list, t);
    }
    json_object *data = json_object_new_object();
    json_object_object_add(data, "totalCount",
                           json_object_new_int64((int64_t)total));
    json_object_object_add(data, "topicList", list);
    return reply_ok(&c->reply, data);
}
