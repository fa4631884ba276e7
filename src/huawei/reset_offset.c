/* reset_offset.c - the three reset URIs: a JSON body {"topic", "partition"
 * (-1 or absent: every partition), "message_offset" | "timestamp" (ms; on
 * the v1.0 path a seconds-sized value is seconds)}, exactly one of the
 * last two. The group must exist and have no members; the core clamps into
 * [log start, log end] (a time past the last record goes to the log end),
 * audits, and commits once. Everything is checked before it is asked. */
#include "common/json.h"
#include "common/pool.h"
#include "common/util.h"
#include "core/cluster.h"
#include "core/reset.h"
#include "huawei/action.h"

#include <json-c/json.h>
#include <string.h>
#include <strings.h>

/* A v1.0 timestamp below this is in seconds: 10^11 ms is 1973, 10^11 s
 * is the year 5138. */
#define SECONDS_BELOW 100000000000LL

/* The member key of o, or NULL when absent or null. */
static json_object *field(json_object *o, const char *key)
{
    json_object *v = NULL;
    if (!json_object_object_get_ex(o, key, &v) ||
        json_object_is_type(v, json_type_null))
        return NULL;
    return v;
}

static enum huawei_status parse(struct huawei_ctx *c, json_object *o,
                                struct core_reset *r, int32_t *partition)
{
    json_object *t = field(o, "topic"), *p = field(o, "partition");
    json_object *mo = field(o, "message_offset"), *ts = field(o, "timestamp");
    int64_t v;

    if (!t || !json_object_is_type(t, json_type_string) ||
        !json_object_get_string_len(t))
        return huawei_fail(&c->reply, c->pool, HUAWEI_BAD_REQUEST,
                           "topic is required: the topic's name");
    r->topics = pool_alloc(c->pool, sizeof(*r->topics));
    r->topics[0] = pool_strdup(c->pool, json_object_get_string(t));
    r->ntopics = 1;
    *partition = -1;
    if (p) {
        if (!json_int_in(p, -1, INT32_MAX, &v))
            return huawei_fail(&c->reply, c->pool, HUAWEI_BAD_REQUEST,
                               "partition must be a partition id, or -1 for "
                               "every partition");
        *partition = (int32_t)v;
    }
    if (!mo == !ts)
        return huawei_fail(&c->reply, c->pool, HUAWEI_BAD_REQUEST,
                           "give exactly one of message_offset and "
                           "timestamp");
    if (mo) {
        if (!json_int_in(mo, 0, INT64_MAX, &r->value))
            return huawei_fail(&c->reply, c->pool, HUAWEI_BAD_REQUEST,
                               "message_offset must be an offset from 0");
        r->strategy = OFFSETS_ABSOLUTE;
    } else {
        if (!json_int_in(ts, 0, INT64_MAX / 1000, &r->value))
            return huawei_fail(&c->reply, c->pool, HUAWEI_BAD_REQUEST,
                               "timestamp must be a Unix time in "
                               "milliseconds, from 0");
        if (c->route.op == HUAWEI_RESET_V1 && r->value < SECONDS_BELOW)
            r->value *= 1000;
        r->strategy = OFFSETS_TIME;
    }
    if (*partition >= 0) {
        r->parts = pool_alloc(c->pool, sizeof(*r->parts));
        r->parts[0] = *partition;
        r->nparts = 1;
    }
    return HUAWEI_OK;
}

static enum huawei_status body(struct huawei_ctx *c, json_object **out)
{
    const char *ct = c->http->content_type;
    enum json_tokener_error jerr = json_tokener_success;
    if (ct && *ct && strncasecmp(ct, "application/json", 16) != 0)
        return huawei_fail(&c->reply, c->pool, HUAWEI_BAD_REQUEST,
                           "Content-Type %s: send the body as "
                           "application/json",
                           ct);
    json_tokener *tok = json_tokener_new();
    json_object *o =
        c->http->body_len
            ? json_tokener_parse_ex(tok, c->http->body, (int)c->http->body_len)
            : NULL;
    if (c->http->body_len) {
        jerr = json_tokener_get_error(tok);
        /* The whole body must be the one document. */
        if (jerr == json_tokener_success &&
            json_tokener_get_parse_end(tok) != c->http->body_len)
            jerr = json_tokener_error_parse_unexpected;
    }
    json_tokener_free(tok);
    if (!o || jerr != json_tokener_success ||
        !json_object_is_type(o, json_type_object)) {
        if (o)
            json_object_put(o);
        return huawei_fail(&c->reply, c->pool, HUAWEI_BAD_REQUEST,
                           "the body must be a JSON object {\"topic\", "
                           "\"partition\", \"message_offset\" or "
                           "\"timestamp\"}%s%s",
                           c->http->body_len ? ": " : " (it is empty)",
                           c->http->body_len ? json_tokener_error_desc(jerr)
                                             : "");
    }
    *out = o;
    return HUAWEI_OK;
}

enum huawei_status huawei_reset_offset(struct huawei_ctx *c)
{
    struct core_reset r = {0};
    json_object *o = NULL;
    int32_t partition = -1, count;
    enum huawei_status st;
    struct core_error e = {0};

    r.group = c->route.group;
    if ((st = body(c, &o)))
        return st;
    st = parse(c, o, &r, &partition);
    json_object_put(o);
    if (st)
        return st;
    if (core_partition_counts(&c->core, r.topics, 1, &count, &e) < 0)
        return huawei_core_failed(c, &e);
    if (count < 0)
        return huawei_fail(&c->reply, c->pool, HUAWEI_TOPIC_UNKNOWN, "(%s)",
                           r.topics[0]);
    if (partition >= count)
        return huawei_fail(&c->reply, c->pool, HUAWEI_PARTITION_UNKNOWN,
                           "(partition %d: topic %s has %d partition%s)",
                           partition, r.topics[0], count,
                           count == 1 ? "" : "s");
    /* The group must exist: the core refuses a Dead one under its lock,
     * with the same DescribeGroups that refuses a live one. */
    r.existing = true;
    if (core_reset(&c->core, &r, &e) < 0)
        return huawei_core_failed(c, &e);
    const char *failed = core_reset_failures(c->pool, &r);
    if (failed)
        return huawei_fail(&c->reply, c->pool, HUAWEI_UNAVAILABLE, "(%s)",
                           failed);
    /* The engine URI answers 200 (its SDK model has no fields); the older
     * two, 204 with no body. */
    return huawei_ok(&c->reply, c->route.op == HUAWEI_RESET_ENGINE
                                    ? json_object_new_object()
                                    : NULL);
}
