/* topics.c - ListTopic and GetTopicAttributes (contract section 7): the
 * cluster's topics a user sees (never the internal ones) and one topic in
 * detail. Both answer at the top level with "message":"ok", as Tencent's
 * examples do. Kafka keeps no topic ids: the name stands for one. */
#include "ckafka/action.h"
#include "common/params.h"
#include "common/pool.h"
#include "core/cluster.h"

#include <string.h>

enum reply_status action_list_topic(struct action_ctx *c)
{
    struct core_cluster cl;
    struct core_error e = {0};
    struct action_page page;
    size_t first, n;
    enum reply_status st;

    if ((st = action_page(c, 10, 20, &page)))
        return st;
    const char *search = params_get(c->params, "searchWord");
    if (core_cluster(&c->core, true, &cl, &e) < 0)
        return action_core_failed(c, NULL, &e);
    const char **names = pool_calloc(c->pool, cl.ntopics + 1, sizeof(*names));
    size_t total = 0;
    for (size_t i = 0; i < cl.ntopics; i++)
        if (action_matches(cl.topics[i].name, search))
            names[total++] = cl.topics[i].name;
    action_page_slice(&page, total, &first, &n);

    json_object *list = json_object_new_array();
    for (size_t i = first; i < first + n; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "topicId", json_object_new_string(names[i]));
        json_object_object_add(o, "topicName",
                               json_object_new_string(names[i]));
        json_object_array_add(list, o);
    }
    json_object *data = json_object_new_object();
    json_object_object_add(data, "totalCount",
                           json_object_new_int64((int64_t)total));
    json_object_object_add(data, "topicList", list);
    return reply_ok_top(&c->reply, data);
}

enum reply_status action_get_topic_attributes(struct action_ctx *c)
{
    const char *topic;
    struct kafka_topic_detail d;
    struct core_error e = {0};
    enum reply_status st;

    if ((st = action_str(c, "topicName", &topic)))
        return st;
    if (core_topic_detail(&c->core, topic, &d, &e) < 0)
        return action_core_failed(c, NULL, &e);

    json_object *parts = json_object_new_array();
    for (size_t i = 0; i < d.npartitions; i++) {
        const struct kafka_partition *p = &d.partitions[i];
        json_object *o = json_object_new_object();
        json_object_object_add(o, "partition", json_object_new_int(p->id));
        json_object_object_add(o, "leaderStatus",
                               json_object_new_int(p->leader >= 0 ? 0 : 1));
        json_object_object_add(o, "replicaNum",
                               json_object_new_int(p->replicas));
        json_object_object_add(o, "isrNum", json_object_new_int(p->isr));
        json_object_array_add(parts, o);
    }
    json_object *config = json_object_new_object();
    for (size_t i = 0; i < d.nconfigs; i++)
        json_object_object_add(config, d.configs[i].name,
                               json_object_new_string(d.configs[i].value));
    json_object *data = json_object_new_object();
    json_object_object_add(data, "topicId", json_object_new_string(topic));
    json_object_object_add(data, "partitionNum",
                           json_object_new_int64((int64_t)d.npartitions));
    json_object_object_add(data, "note", json_object_new_string(""));
    json_object_object_add(data, "createTime", json_object_new_int(0));
    json_object_object_add(data, "enableWhiteList", json_object_new_boolean(0));
    json_object_object_add(data, "ipWhiteList", json_object_new_array());
    json_object_object_add(data, "config", config);
    json_object_object_add(data, "partitions", parts);
    return reply_ok_top(&c->reply, data);
}
