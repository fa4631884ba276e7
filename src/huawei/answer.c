/* answer.c - Huawei DMS answers: the table of codes, statuses and
 * messages, and the JSON body. */
#include "huawei/answer.h"

#include "common/json.h"
#include "common/pool.h"

#include <stdarg.h>

static const struct {
    int http;
    const char *code;
    const char *message;
} table[HUAWEI__COUNT] = {
    [HUAWEI_OK] = {200, "", ""},
    [HUAWEI_NO_ROUTE] = {404, "APIGW.0101",
                         "The API does not exist or has not been published "
                         "in the environment."},
    [HUAWEI_AUTH] = {401, "APIGW.0301",
                     "Incorrect IAM authentication information:"},
    [HUAWEI_REPLAYED] = {401, "APIGW.0301",
                         "Incorrect IAM authentication information: this "
                         "signed request was already used."},
    [HUAWEI_FORBIDDEN] = {403, "DMS.00403001",
                          "The key is not authorized to operate on this "
                          "resource."},
    [HUAWEI_THROTTLED] = {429, "APIGW.0308",
                          "The throttling threshold has been reached."},
    [HUAWEI_BAD_REQUEST] = {400, "DMS.00400001", "Invalid request:"},
    [HUAWEI_INSTANCE_UNKNOWN] = {404, "DMS.00404001",
                                 "The instance does not exist."},
    [HUAWEI_GROUP_UNKNOWN] = {404, "DMS.00404002",
                              "The consumer group does not exist."},
    [HUAWEI_TOPIC_UNKNOWN] = {404, "DMS.00404003", "The topic does not exist."},
    [HUAWEI_PARTITION_UNKNOWN] = {400, "DMS.00400004",
                                  "The partition does not exist."},
    [HUAWEI_GROUP_ACTIVE] = {400, "DMS.00400005",
                             "The consumer group is online: stop its "
                             "consumers before resetting its offsets. "
                             "Nothing was changed."},
    [HUAWEI_BUSY] = {409, "DMS.00409001",
                     "Another reset of this consumer group is in progress. "
                     "Nothing was changed."},
    [HUAWEI_TOO_LARGE] = {413, "DMS.00413001",
                          "The request body is too large."},
    [HUAWEI_UNAVAILABLE] = {503, "DMS.00503001",
                            "The service is temporarily unavailable."},
    [HUAWEI_INTERNAL] = {500, "DMS.00500001", "Internal error."},
};

int huawei_http_status(const struct huawei_reply *r)
{
    if (r->status == HUAWEI_OK)
        return r->data ? 200 : 204;
    return table[r->status].http;
}

const char *huawei_code(enum huawei_status st)
{
    return table[st].code;
}

const char *huawei_message(struct pool *pool, const struct huawei_reply *r)
{
    const char *head = table[r->status].message;
    if (!r->detail || !*r->detail)
        return head;
    return pool_printf(pool, "%s %s", head, r->detail);
}

enum huawei_status huawei_fail(struct huawei_reply *r, struct pool *pool,
                               enum huawei_status st, const char *fmt, ...)
{
    huawei_clear(r);
    r->status = st;
    r->detail = NULL;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        r->detail = pool_vprintf(pool, fmt, ap);
        va_end(ap);
    }
    return st;
}

enum huawei_status huawei_ok(struct huawei_reply *r, json_object *data)
{
    huawei_clear(r);
    r->status = HUAWEI_OK;
    r->data = data;
    return HUAWEI_OK;
}

const char *huawei_render(struct pool *pool, const struct huawei_reply *r,
                          size_t *len)
{
    if (r->status == HUAWEI_OK) {
        *len = 0;
        return r->data ? json_text(pool, r->data, len) : NULL;
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "error_code",
                           json_object_new_string(table[r->status].code));
    json_object_object_add(o, "error_msg",
                           json_object_new_string(huawei_message(pool, r)));
    const char *out = json_text(pool, o, len);
    json_object_put(o);
    return out;
}

void huawei_clear(struct huawei_reply *r)
{
    if (r->data)
        json_object_put(r->data);
    r->data = NULL;
}
