/* set_offset.c - SetGroupOffset and SetGroupOffsets (contract section 5):
 * the request's parameters into a core reset (core/reset.h does the work:
 * the active-group refusal, clamping, one OffsetCommit, the audit line),
 * and its outcome as the per-topic, per-partition succ/failed report. Every
 * parameter is checked before the core is asked to do anything. */
#include "ckafka/action.h"
#include "common/config.h"
#include "common/params.h"
#include "common/pool.h"
#include "common/util.h"
#include "core/reset.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static enum reply_status read_partitions(struct action_ctx *c,
                                         struct core_reset *r)
{
    char err[256];
    const char **v;
    size_t n;

    if (params_array(c->pool, c->params, "partitions", &v, &n, err,
                     sizeof(err)) < 0)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID, "%s", err);
    if (!n)
        return REPLY_OK;
    if (n > (size_t)c->cfg->max_partitions)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID,
                          "too many partitions: %zu (max_partitions is "
                          "%lld)",
                          n, (long long)c->cfg->max_partitions);
    r->parts = pool_alloc(c->pool, n * sizeof(*r->parts));
    for (size_t i = 0; i < n; i++) {
        int64_t id;
        if (!util_parse_int64(v[i], &id) || id < 0 || id > INT32_MAX)
            return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID,
                              "partitions: '%.*s' is not a partition id (an "
                              "integer from 0 to %d)",
                              util_utf8_cut(v[i], 40), v[i], INT32_MAX);
        r->parts[i] = (int32_t)id;
    }
    r->nparts = core_parts_normalize(r->parts, n);
    return REPLY_OK;
}

static enum reply_status read_request(struct action_ctx *c,
                                      struct core_reset *r)
{
    int64_t strategy, dry;
    enum reply_status st;

    if ((st = action_group(c, &r->group)))
        return st;
    if ((st = action_int64(c, "strategy", true, 0, 0, 2, &strategy)))
        return st;
    r->strategy = (enum offsets_strategy)strategy;
    /* Only the chosen strategy's own parameter is read. */
    const char *pname = offsets_strategy_param(r->strategy);
    switch (r->strategy) {
    case OFFSETS_SHIFT:
        st = action_int64(c, pname, true, 0, INT64_MIN, INT64_MAX, &r->value);
        break;
    case OFFSETS_TIME:
        st = action_int64(c, pname, true, 0, -2, INT64_MAX, &r->value);
        break;
    case OFFSETS_ABSOLUTE:
        st = action_int64(c, pname, true, 0, 0, INT64_MAX, &r->value);
        break;
    }
    if (st)
        return st;
    if ((st = action_topics(c, &r->topics, &r->ntopics)) ||
        (st = read_partitions(c, r)) ||
        (st = action_int64(c, "dryRun", false, 0, 0, 1, &dry)))
        return st;
    r->dry_run = dry == 1;
    return REPLY_OK;
}

static json_object *topic_entry(const char *topic, int16_t code)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "topic", json_object_new_string(topic));
    json_object_object_add(o, "error_code", json_object_new_int(code));
    if (code) {
        const char *msg = reply_kafka_error_msg(code);
        char buf[64];
        if (!msg) {
            snprintf(buf, sizeof(buf), "Kafka error %d", code);
            msg = buf;
        }
        json_object_object_add(o, "error_msg", json_object_new_string(msg));
    }
    return o;
}

/* data.succ / data.failed, one entry per topic in name order; unknown topics
 * last in failed with no partitions. */
static json_object *report(const struct core_reset *r)
{
    const struct tp *tps = r->tps;
    size_t n = r->n;
    json_object *succ = json_object_new_array();
    json_object *failed = json_object_new_array();

    for (size_t i = 0; i < n;) {
        size_t j = i;
        int16_t code = 0;
        for (; j < n && strcmp(tps[j].topic, tps[i].topic) == 0; j++)
            if (!code)
                code = tps[j].err;
        json_object *t = topic_entry(tps[i].topic, code);
        json_object *parts = json_object_new_array();
        for (size_t k = i; k < j; k++) {
            json_object *p = json_object_new_object();
            json_object_object_add(p, "partition",
                                   json_object_new_int(tps[k].partition));
            json_object_object_add(p, "offset",
                                   json_object_new_int64(tps[k].target));
            json_object_object_add(p, "error_code",
                                   json_object_new_int(tps[k].err));
            json_object_array_add(parts, p);
        }
        json_object_object_add(t, "partitions", parts);
        json_object_array_add(code ? failed : succ, t);
        i = j;
    }
    for (size_t i = 0; i < r->nunknown; i++) {
        json_object *t =
            topic_entry(r->unknown[i], KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
        json_object_object_add(t, "partitions", json_object_new_array());
        json_object_array_add(failed, t);
    }
    json_object *data = json_object_new_object();
    json_object_object_add(data, "succ", succ);
    json_object_object_add(data, "failed", failed);
    if (r->dry_run)
        json_object_object_add(data, "dryRun", json_object_new_boolean(1));
    return data;
}

enum reply_status action_set_group_offset(struct action_ctx *c)
{
    struct core_reset r = {0};
    struct core_error e = {0};
    enum reply_status st;

    c->reply.msg_key = true;
    if ((st = read_request(c, &r)))
        return st;
    if (core_reset(&c->core, &r, &e) < 0)
        return action_core_failed(c, r.group, &e);
    return reply_ok(&c->reply, report(&r));
}
