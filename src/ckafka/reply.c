/* reply.c - one table from status to API code, codeDesc and message head,
 * and the envelopes around a handler's data. Every error the API can answer
 * is a row here; handlers never spell a code. */
#include "ckafka/reply.h"

#include "common/json.h"
#include "common/pool.h"
#include "common/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
    int code;
    const char *desc;
    const char *head; /* start of "message"; the detail follows */
} table[REPLY__COUNT] = {
    [REPLY_OK] = {0, "Success", ""},
    [REPLY_PARAM_MISSING] = {4000, "InvalidParameter", "(9003)"},
    [REPLY_PARAM_INVALID] = {4000, "InvalidParameter", "(1000)"},
    [REPLY_ACTION_UNKNOWN] = {4000, "InvalidParameter",
                              "(9001)interface not exist"},
    [REPLY_TOPIC_UNKNOWN] = {4000, "InvalidParameter",
                             "(10012)topic not exist"},
    /* The exact text of CKafka's module error 1049 (UTF-8). */
    [REPLY_GROUP_NOT_EMPTY] = {4000, "InvalidParameter",
                               "(1049)消费分组不为空，不能进行消费重置"},
    [REPLY_AUTH_FAILURE] = {4100, "AuthFailure", ""},
    [REPLY_UNAUTHORIZED] = {4102, "UnauthorizedOperation", ""},
    [REPLY_LIMIT] = {4400, "RequestLimitExceeded", ""},
    [REPLY_REPLAY] = {4500, "InvalidParameter.Replay", ""},
    [REPLY_INSTANCE_UNKNOWN] = {5000, "ResourceNotFound",
                                "(10006)instance not exist"},
    [REPLY_KAFKA] = {5100, "FailedOperation", ""},
    [REPLY_STORE] = {5100, "FailedOperation", ""},
    [REPLY_INTERNAL] = {6000, "InternalError", ""},
};

int reply_code(enum reply_status st)
{
    return table[st].code;
}

const char *reply_code_desc(enum reply_status st)
{
    return table[st].desc;
}

void reply_clear(struct reply *r)
{
    if (r->data)
        json_object_put(r->data);
    r->data = NULL;
}

enum reply_status reply_fail(struct reply *r, struct pool *pool,
                             enum reply_status st, const char *fmt, ...)
{
    va_list ap;
    reply_clear(r);
    r->status = st;
    va_start(ap, fmt);
    r->detail = pool_vprintf(pool, fmt, ap);
    va_end(ap);
    return st;
}

enum reply_status reply_ok(struct reply *r, json_object *data)
{
    reply_clear(r);
    r->status = REPLY_OK;
    r->detail = "";
    r->data = data;
    r->top_level = false;
    return REPLY_OK;
}

enum reply_status reply_ok_top(struct reply *r, json_object *data)
{
    reply_ok(r, data);
    r->top_level = true;
    return REPLY_OK;
}

const char *reply_message(struct pool *pool, const struct reply *r)
{
    const char *head = table[r->status].head;
    const char *detail = r->detail ? r->detail : "";
    size_t hl = strlen(head);

    if (!*detail)
        return head;
    if (!hl)
        return detail;
    /* "(9003)" + "missing parameter: group"; "(10012)topic not exist" +
     * ": foo". A head that ends in its module code takes the detail as is. */
    return pool_printf(pool, "%s%s%s", head, head[hl - 1] == ')' ? "" : ": ",
                       detail);
}

const char *reply_render(struct pool *pool, const struct reply *r, size_t *len)
{
    json_object *env = json_object_new_object();
    const char *msg = reply_message(pool, r);

    json_object_object_add(env, "code",
                           json_object_new_int(table[r->status].code));
    bool ok = r->status == REPLY_OK;
    json_object_object_add(
        env, ok && r->msg_key ? "msg" : "message",
        json_object_new_string(ok && r->top_level ? "ok" : msg));
    json_object_object_add(env, "codeDesc",
                           json_object_new_string(table[r->status].desc));
    if (ok && r->data && r->top_level) {
        json_object_object_foreach(r->data, key, val)
            json_object_object_add(env, key, json_object_get(val));
    } else if (ok && r->data) {
        json_object_object_add(env, "data", json_object_get(r->data));
    }

    char *out = json_text(pool, env, len);
    json_object_put(env);
    return out;
}

static const struct {
    int code;
    const char *msg;
} kafka_errors[] = {
    {-1, "An unexpected server error."},
    {0, ""},
    {1, "The requested offset is outside the range of offsets maintained by "
        "the server for the given topic/partition."},
    {2, "This message has failed its CRC checksum, exceeds the valid size, "
        "or is otherwise corrupt."},
    {3, "This request is for a topic or partition that does not exist on "
        "this broker."},
    {5, "This error is thrown if we are in the middle of a leadership "
        "election and there is currently no leader for this partition and "
        "hence it is unavailable for writes."},
    {6, "This error is thrown if the client attempts to send messages to a "
        "replica that is not the leader for some partition. It indicates "
        "that the clients metadata is out of date."},
    {7, "This error is thrown if the request exceeds the user-specified time "
        "limit in the request."},
    {8, "This is not a client facing error and is used mostly by tools when "
        "a broker is not alive."},
    {9, "If replica is expected on a broker, but is not (this can be safely "
        "ignored)."},
    {12, "If you specify a string larger than configured maximum for offset "
         "metadata."},
    {13, "The server disconnected before a response was received."},
    {14, "The broker returns this error code for txn or group requests, when "
         "the coordinator is loading and hence cant process requests"},
    {15, "The broker returns this error code for consumer and transaction "
         "requests if the offsets topic has not yet been created, or if the "
         "group/txn coordinator is not active."},
    {16, "The broker returns this error code if it is not the correct "
         "coordinator for the specified consumer or transaction group"},
    {17, "For a request which attempts to access an invalid topic (e.g. one "
         "which has an illegal name), or if an attempt is made to write to an "
         "internal topic (such as the consumer offsets topic)."},
    {22, "Returned from group membership requests (such as heartbeats) when "
         "the generation id provided in the request is not the current "
         "generation."},
    {24, "Returned in join group when the groupId is empty or null."},
    {25, "Returned from group requests (offset commits/fetches, heartbeats, "
         "etc) when the memberId is not in the current generation."},
    {27, "Returned in heartbeat requests when the coordinator has begun "
         "rebalancing the group. This indicates to the client that it should "
         "rejoin the group."},
    {28, "This error indicates that an offset commit was rejected because of "
         "oversize metadata."},
    {29, "Returned by the broker when the client is not authorized to access "
         "the requested topic."},
    {30, "Returned by the broker when the client is not authorized to access "
         "a particular groupId."},
    {31, "Returned by the broker when the client is not authorized to use an "
         "inter-broker or administrative API."},
    {35, "The version of API is not supported."},
    {42, "This most likely occurs because of a request being malformed by the "
         "client library or the message was sent to an incompatible broker. "
         "See the broker logs for more details."},
    {68, "The group is not empty."},
    {69, "The group id does not exist."},
};

const char *reply_kafka_error_msg(int code)
{
    for (size_t i = 0; i < UTIL_ARRAY_LEN(kafka_errors); i++)
        if (kafka_errors[i].code == code)
            return kafka_errors[i].msg;
    return NULL;
}
