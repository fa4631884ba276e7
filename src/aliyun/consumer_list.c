/* consumer_list.c - GetConsumerList: the cluster's consumer groups sorted
 * by name, optionally one (ConsumerId), paged by CurrentPage and PageSize,
 * in the cloud's ConsumerVO shape. Kafka creates a group when a client
 * first uses it, so every group is "automatically created"; it keeps no
 * remark, tags or creation time. */
#include "aliyun/action.h"
#include "common/pool.h"
#include "common/util.h"
#include "core/describe.h"

#include <json-c/json.h>
#include <string.h>

enum aliyun_status aliyun_get_consumer_list(struct aliyun_ctx *c)
{
    const char *only;
    int64_t page, size;
    enum aliyun_status st;
    struct core_listed_group *groups = NULL;
    size_t n = 0;
    struct core_error e = {0};

    if ((st = aliyun_str(c, "ConsumerId", false, true, &only)) ||
        (st = aliyun_int(c, "CurrentPage", 1, 1, INT32_MAX, &page)) ||
        (st = aliyun_int(c, "PageSize", 10, 1, 10000, &size)))
        return st;
    if (only && !*only)
        only = NULL;
    if (core_list_groups(&c->core, &groups, &n, &e) < 0)
        return aliyun_core_failed(c, NULL, &e);

    size_t total = 0;
    for (size_t i = 0; i < n; i++)
        total += !only || strcmp(groups[i].group, only) == 0;
    json_object *list = json_object_new_array();
    size_t first, count, k = 0;
    util_page_slice((page - 1) * size, size, total, &first, &count);
    for (size_t i = 0; i < n; i++) {
        if (only && strcmp(groups[i].group, only) != 0)
            continue;
        if (k++ < first || k > first + count)
            continue;
        json_object *g = json_object_new_object();
        json_object_object_add(g, "ConsumerId",
                               json_object_new_string(groups[i].group));
        json_object_object_add(g, "InstanceId",
                               json_object_new_string(c->instance_id));
        json_object_object_add(g, "RegionId",
                               json_object_new_string(c->region));
        json_object_object_add(g, "Remark", json_object_new_string(""));
        json_object_object_add(g, "AutomaticallyCreatedGroup",
                               json_object_new_boolean(1));
        json_object *tags = json_object_new_object();
        json_object_object_add(tags, "TagVO", json_object_new_array());
        json_object_object_add(g, "Tags", tags);
        json_object_array_add(list, g);
    }
    json_object *data = json_object_new_object();
    json_object_object_add(data, "Total",
                           json_object_new_int64((int64_t)total));
    json_object_object_add(data, "CurrentPage", json_object_new_int64(page));
    json_object_object_add(data, "PageSize", json_object_new_int64(size));
    json_object *wrap = json_object_new_object();
    json_object_object_add(wrap, "ConsumerVO", list);
    json_object_object_add(data, "ConsumerList", wrap);
    return aliyun_ok(&c->reply, data, "operation success.");
}
