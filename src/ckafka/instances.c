/* instances.c - ListInstance (the instances this key may use, each with
 * whether its cluster answers) and GetInstanceAttributes (brokers,
 * controller, topic and partition counts), contract section 7. What Kafka
 * does not know (disk size, bandwidth, creation time) is 0. */
#include "ckafka/action.h"
#include "common/config.h"
#include "common/params.h"
#include "common/pool.h"
#include "common/util.h"
#include "core/cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Tencent's instance status: 1 running; ours: 2 when the cluster does not
 * answer metadata. */
enum { STATUS_UP = 1, STATUS_DOWN = 2 };

static int inst_cmp(const void *a, const void *b)
{
    return strcmp((*(const struct config_instance *const *)a)->id,
                  (*(const struct config_instance *const *)b)->id);
}

enum reply_status action_list_instance(struct action_ctx *c)
{
    struct action_page page;
    size_t first, n, total = 0;
    enum reply_status st;

    if ((st = action_page(c, 10, 20, &page)))
        return st;
    const char *search = params_get(c->params, "searchWord");
    const struct config_instance **v =
        pool_calloc(c->pool, c->cfg->ninstances + 1, sizeof(*v));
    for (size_t i = 0; i < c->cfg->ninstances; i++) {
        const struct config_instance *in = &c->cfg->instances[i];
        if (config_key_allows(c->key, in->id) && action_matches(in->id, search))
            v[total++] = in;
    }
    qsort(v, total, sizeof(*v), inst_cmp);
    action_page_slice(&page, total, &first, &n);

    /* Each instance of the page gets its share of kafka_timeout, so one
     * silent cluster cannot hold the answer about the others. */
    int64_t share = n ? c->cfg->kafka_timeout_ms / (int64_t)n : 0;
    json_object *list = json_object_new_array();
    for (size_t i = first; i < first + n; i++) {
        struct core_ctx core;
        struct core_cluster cl;
        struct core_error e = {0};
        int status = STATUS_DOWN;
        if (action_core_begin(c, v[i], &core, &e) == 0) {
            int64_t until = util_mono_ms() + share;
            core.deadline = until < core.deadline ? until : core.deadline;
            if (core_cluster(&core, true, &cl, &e) == 0)
                status = STATUS_UP;
        }
        json_object *o = json_object_new_object();
        json_object_object_add(o, "instanceId",
                               json_object_new_string(v[i]->id));
        json_object_object_add(o, "instanceName",
                               json_object_new_string(v[i]->id));
        json_object_object_add(o, "status", json_object_new_int(status));
        json_object_array_add(list, o);
    }
    json_object *data = json_object_new_object();
    json_object_object_add(data, "totalCount",
                           json_object_new_int64((int64_t)total));
    json_object_object_add(data, "instanceList", list);
    return reply_ok(&c->reply, data);
}

enum reply_status action_get_instance_attributes(struct action_ctx *c)
{
    struct core_cluster cl;
    struct core_error e = {0};
    char host[256] = "", port[16] = "";

    if (core_cluster(&c->core, true, &cl, &e) < 0)
        return action_core_failed(c, NULL, &e);
    core_instance_address(c->inst, host, sizeof(host), port, sizeof(port));

    json_object *brokers = json_object_new_array();
    for (size_t i = 0; i < cl.nbrokers; i++) {
        json_object *o = json_object_new_object();
        json_object_object_add(o, "id", json_object_new_int(cl.brokers[i].id));
        json_object_object_add(o, "host",
                               json_object_new_string(cl.brokers[i].host));
        json_object_object_add(o, "port",
                               json_object_new_int(cl.brokers[i].port));
        json_object_array_add(brokers, o);
    }
    json_object *d = json_object_new_object();
    json_object_object_add(d, "instanceId",
                           json_object_new_string(c->inst->id));
    json_object_object_add(d, "instanceName",
                           json_object_new_string(c->inst->id));
    json_object_object_add(d, "vip", json_object_new_string(host));
    json_object_object_add(d, "vport", json_object_new_string(port));
    json_object_object_add(d, "status", json_object_new_int(STATUS_UP));
    json_object_object_add(d, "diskSize", json_object_new_int(0));
    json_object_object_add(d, "bandwith", json_object_new_int(0));
    json_object_object_add(d, "maxRetentionTime", json_object_new_int(0));
    json_object_object_add(d, "createTime", json_object_new_int(0));
    json_object_object_add(d, "brokers", brokers);
    json_object_object_add(d, "topicNum",
                           json_object_new_int64((int64_t)cl.ntopics));
    json_object_object_add(d, "partitionNum",
                           json_object_new_int64(cl.partitions));
    json_object_object_add(d, "controllerId",
                           json_object_new_int(cl.controller));
    return reply_ok_top(&c->reply, d);
}
