/* update_offset.c - UpdateConsumerOffset: ResetType timestamp (Time in ms,
 * -1 the log end, -2 the log start) over one topic or, with Topic empty,
 * every topic the group has committed offsets for; or ResetType offset,
 * with Offsets a JSON list of {Partition, Offset} for one topic (keys in
 * any case; also pop-core's flattened Offsets.N.Partition form), other
 * partitions untouched. The core clamps, refuses an active group and
 * audits; everything here is checked before it is asked. */
#include "aliyun/action.h"
#include "common/config.h"
#include "common/json.h"
#include "common/pool.h"
#include "common/util.h"
#include "core/cluster.h"
#include "core/reset.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The member of o named key in any case, or NULL. */
static json_object *member(json_object *o, const char *key)
{
    json_object_object_foreach(o, k, v) if (strcasecmp(k, key) == 0) return v;
    return NULL;
}

/* Offsets as JSON text into parts/offsets (pool), *n of them. */
static enum aliyun_status offsets_json(struct aliyun_ctx *c, const char *text,
                                       struct core_reset *r)
{
    enum json_tokener_error jerr;
    json_object *a = json_tokener_parse_verbose(text, &jerr);
    enum aliyun_status st = ALIYUN_OK;

    /* The legacy SDK's set_Offsets json.dumps what it is given: a caller
     * who passes the documented string sends it encoded twice. */
    if (a && json_object_is_type(a, json_type_string)) {
        json_object *inner =
            json_tokener_parse_verbose(json_object_get_string(a), &jerr);
        json_object_put(a);
        a = inner;
    }

    if (!a || !json_object_is_type(a, json_type_array) ||
        !json_object_array_length(a)) {
        st = aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "Offsets",
                         "(a JSON list of {\"Partition\":N,\"Offset\":N}, "
                         "not empty%s%s)",
                         a ? "" : ": ", a ? "" : json_tokener_error_desc(jerr));
        goto out;
    }
    size_t n = json_object_array_length(a);
    r->parts = pool_alloc(c->pool, n * sizeof(*r->parts));
    r->offsets = pool_alloc(c->pool, n * sizeof(*r->offsets));
    for (size_t i = 0; i < n; i++) {
        json_object *e = json_object_array_get_idx(a, i);
        int64_t p, o;
        if (!json_object_is_type(e, json_type_object) ||
            !json_int_in(member(e, "partition"), 0, INT32_MAX, &p) ||
            !json_int_in(member(e, "offset"), 0, INT64_MAX, &o)) {
            st = aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "Offsets",
                             "(element %zu: {\"Partition\":N,\"Offset\":N}, "
                             "a partition id from 0 and an offset from 0)",
                             i);
            goto out;
        }
        r->parts[i] = (int32_t)p;
        r->offsets[i] = o;
    }
    r->nparts = n;
out:
    if (a)
        json_object_put(a);
    return st;
}

/* pop-core turns a list into Offsets.1.Partition=..&Offsets.1.Offset=.. */
static enum aliyun_status offsets_flat(struct aliyun_ctx *c,
                                       struct core_reset *r)
{
    size_t n = 0;
    while (n < c->params.n) {
        char name[64];
        snprintf(name, sizeof(name), "Offsets.%zu.Partition", n + 1);
        if (!params_get(&c->params, name))
            break;
        n++;
    }
    if (!n)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_MISSING, "Offsets", NULL);
    r->parts = pool_alloc(c->pool, n * sizeof(*r->parts));
    r->offsets = pool_alloc(c->pool, n * sizeof(*r->offsets));
    for (size_t i = 0; i < n; i++) {
        char pn[64], on[64];
        int64_t p, o;
        snprintf(pn, sizeof(pn), "Offsets.%zu.Partition", i + 1);
        snprintf(on, sizeof(on), "Offsets.%zu.Offset", i + 1);
        const char *pv = params_get(&c->params, pn);
        const char *ov = params_get(&c->params, on);
        if (!ov || !util_parse_int64(pv, &p) || p < 0 || p > INT32_MAX ||
            !util_parse_int64(ov, &o) || o < 0)
            return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "Offsets",
                               "(Offsets.%zu: a Partition id from 0 and an "
                               "Offset from 0)",
                               i + 1);
        r->parts[i] = (int32_t)p;
        r->offsets[i] = o;
    }
    r->nparts = n;
    return ALIYUN_OK;
}

/* Topic must exist, and every partition of Offsets be one of its. */
static enum aliyun_status check_topic(struct aliyun_ctx *c,
                                      const struct core_reset *r)
{
    int32_t count;
    struct core_error e = {0};
    if (core_partition_counts(&c->core, r->topics, 1, &count, &e) < 0)
        return aliyun_core_failed(c, r->group, &e);
    if (count < 0)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_TOPIC_UNKNOWN, NULL,
                           "(%s)", r->topics[0]);
    for (size_t i = 0; i < r->nparts; i++)
        if (r->parts[i] >= count)
            return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "Offsets",
                               "(partition %d: topic %s has %d partition%s)",
                               r->parts[i], r->topics[0], count,
                               count == 1 ? "" : "s");
    return ALIYUN_OK;
}

enum aliyun_status aliyun_update_consumer_offset(struct aliyun_ctx *c)
{
    struct core_reset r = {0};
    const char *topic, *type;
    enum aliyun_status st;

    if ((st = aliyun_group(c, &r.group)) ||
        (st = aliyun_str(c, "Topic", true, true, &topic)) ||
        (st = aliyun_str(c, "ResetType", false, false, &type)))
        return st;
    if (*topic) {
        r.topics = pool_alloc(c->pool, sizeof(*r.topics));
        r.topics[0] = topic;
        r.ntopics = 1;
    }
    if (!type || strcasecmp(type, "timestamp") == 0) {
        const char *t = params_get(&c->params, "Time");
        if (!t)
            return aliyun_fail(&c->reply, c->pool, ALIYUN_MISSING, "Time",
                               NULL);
        if ((st = aliyun_int(c, "Time", 0, -2, INT64_MAX, &r.value)))
            return st;
        r.strategy = OFFSETS_TIME;
    } else if (strcasecmp(type, "offset") == 0) {
        if (!*topic)
            return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "Topic",
                               "(ResetType offset resets one topic: name "
                               "it)");
        const char *o = params_get(&c->params, "Offsets");
        if ((st = o ? offsets_json(c, o, &r) : offsets_flat(c, &r)))
            return st;
        int32_t dup;
        if (core_parts_sort_offsets(r.parts, r.offsets, r.nparts, &dup) < 0)
            return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "Offsets",
                               "(partition %d is given twice)", dup);
        r.strategy = OFFSETS_ABSOLUTE;
    } else {
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "ResetType",
                           "('%.*s': timestamp or offset)",
                           util_utf8_cut(type, 40), type);
    }
    if (r.ntopics && (st = check_topic(c, &r)))
        return st;

    struct core_error e = {0};
    if (core_reset(&c->core, &r, &e) < 0)
        return aliyun_core_failed(c, r.group, &e);
    /* The envelope has no room for per-partition outcomes: anything short
     * of every partition committed is an error naming the failures. */
    const char *failed = core_reset_failures(c->pool, &r);
    if (failed)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_UNAVAILABLE, NULL, "(%s)",
                           failed);
    return aliyun_ok(&c->reply, NULL, "operation success");
}
