/* progress.c - GetConsumerProgress: per topic and partition the log end
 * (BrokerOffset), the committed offset (ConsumerOffset), their difference,
 * the time of the last consumed record (LastTimestamp, unless
 * HideLastTimestamp), and the member that owns the partition; the group's
 * state and totals. Lists are wrapped as the SDK models read them. */
#include "aliyun/action.h"
#include "common/pool.h"
#include "core/detail.h"
#include "core/offsets.h"

#include <json-c/json.h>
#include <string.h>

/* {"Name":{"Name":[...]}}: the XML form's remnant the SDKs expect. */
static json_object *wrapped(const char *name, json_object *list)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, name, list);
    return o;
}

static json_object *partition(const struct core_part_detail *d, int64_t lag)
{
    json_object *o = json_object_new_object();
    const struct tp *t = &d->tp;
    json_object_object_add(o, "Partition", json_object_new_int(t->partition));
    json_object_object_add(o, "BrokerOffset", json_object_new_int64(t->end));
    json_object_object_add(o, "ConsumerOffset",
                           json_object_new_int64(t->committed));
    json_object_object_add(o, "LastTimestamp",
                           json_object_new_int64(d->last_ts));
    json_object_object_add(o, "Accumulate", json_object_new_int64(lag));
    if (d->owner) {
        const char *ip = d->owner->client_host;
        if (ip[0] == '/') /* Kafka writes the member's address as /ip */
            ip++;
        json_object_object_add(o, "ClientId",
                               json_object_new_string(d->owner->client_id));
        json_object_object_add(o, "ClientIp", json_object_new_string(ip));
        json_object_object_add(o, "MemberId",
                               json_object_new_string(d->owner->member_id));
    }
    return o;
}

enum aliyun_status aliyun_get_consumer_progress(struct aliyun_ctx *c)
{
    const char *group;
    bool hide;
    enum aliyun_status st;
    struct core_group_detail d;
    struct core_error e = {0};

    if ((st = aliyun_group(c, &group)) ||
        (st = aliyun_bool(c, "HideLastTimestamp", false, &hide)))
        return st;
    if (core_group_detail(&c->core, group, hide ? 0 : CORE_DETAIL_TIMES, &d,
                          &e) < 0)
        return aliyun_core_failed(c, group, &e);
    if (strcmp(d.group.state, "Dead") == 0 && !d.n)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_GROUP_UNKNOWN, NULL,
                           "(%s: no members and no committed offsets)", group);

    json_object *topics = json_object_new_array();
    int64_t total = 0, last = -1;
    for (size_t i = 0; i < d.n;) {
        const char *name = d.parts[i].tp.topic;
        json_object *parts = json_object_new_array();
        int64_t ttotal = 0, tlast = -1;
        for (; i < d.n && strcmp(d.parts[i].tp.topic, name) == 0; i++) {
            /* A topic gone from the cluster has no log end to show. */
            if (d.parts[i].tp.err)
                continue;
            int64_t lag = offsets_lag(&d.parts[i].tp);
            ttotal += lag;
            if (d.parts[i].last_ts > tlast)
                tlast = d.parts[i].last_ts;
            json_object_array_add(parts, partition(&d.parts[i], lag));
        }
        if (!json_object_array_length(parts)) {
            json_object_put(parts);
            continue;
        }
        json_object *t = json_object_new_object();
        json_object_object_add(t, "Topic", json_object_new_string(name));
        json_object_object_add(t, "TotalDiff", json_object_new_int64(ttotal));
        json_object_object_add(t, "LastTimestamp",
                               json_object_new_int64(tlast));
        json_object_object_add(t, "OffsetList", wrapped("OffsetList", parts));
        json_object_array_add(topics, t);
        total += ttotal;
        if (tlast > last)
            last = tlast;
    }
    json_object *p = json_object_new_object();
    json_object_object_add(p, "TotalDiff", json_object_new_int64(total));
    json_object_object_add(p, "LastTimestamp", json_object_new_int64(last));
    json_object_object_add(
        p, "state", json_object_new_string(core_state_upper(d.group.state)));
    json_object_object_add(p, "TopicList", wrapped("TopicList", topics));
    /* Kafka keeps no history of rebalances. */
    json_object_object_add(
        p, "RebalanceInfoList",
        wrapped("RebalanceInfoList", json_object_new_array()));
    json_object *data = json_object_new_object();
    json_object_object_add(data, "ConsumerProgress", p);
    return aliyun_ok(&c->reply, data, "operation success.");
}
