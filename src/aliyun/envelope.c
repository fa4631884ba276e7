/* envelope.c - alikafka answers: the table of codes, statuses and messages,
 * and the document in JSON or in its XML form (Format=XML, the cloud's
 * default), where a list is its element repeated: that is why the SDK
 * models wrap lists as {"TopicList":{"TopicList":[...]}}. */
#include "aliyun/envelope.h"

#include "common/json.h"
#include "common/pool.h"
#include "common/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    int http;
    const char *code; /* NULL: "Missing"/"Invalid" + the parameter */
    const char *message;
} table[ALIYUN__COUNT] = {
    [ALIYUN_OK] = {200, "200", "operation success"},
    [ALIYUN_MISSING] = {400, NULL, " is mandatory for this action."},
    [ALIYUN_INVALID] = {400, NULL, "Specified parameter "},
    [ALIYUN_METHOD] = {400, "UnsupportedHTTPMethod",
                       "Specified HTTP method is not supported."},
    [ALIYUN_API_NOT_FOUND] = {404, "InvalidApi.NotFound",
                              "Specified api is not found, please check your "
                              "url and method."},
    [ALIYUN_INCOMPLETE] = {400, "IncompleteSignature",
                           "The request signature does not conform to "
                           "Aliyun standards."},
    [ALIYUN_SIGNATURE] = {400, "SignatureDoesNotMatch",
                          "Specified signature is not matched with our "
                          "calculation."},
    [ALIYUN_AK_NOT_FOUND] = {404, "InvalidAccessKeyId.NotFound",
                             "Specified access key is not found."},
    [ALIYUN_TS_FORMAT] = {400, "InvalidTimeStamp.Format",
                          "Specified time stamp or date value is not well "
                          "formatted."},
    [ALIYUN_TS_EXPIRED] = {400, "InvalidTimeStamp.Expired",
                           "Specified time stamp or date value is expired."},
    [ALIYUN_NONCE_USED] = {400, "SignatureNonceUsed",
                           "Specified signature nonce was used already."},
    [ALIYUN_FORBIDDEN] = {403, "Forbidden.RAM",
                          "User not authorized to operate on the specified "
                          "resource."},
    [ALIYUN_INSTANCE_UNKNOWN] = {404, "InvalidInstanceId.NotFound",
                                 "The specified instance does not exist."},
    [ALIYUN_TOPIC_UNKNOWN] = {404, "InvalidTopic.NotFound",
                              "The specified topic does not exist."},
    [ALIYUN_GROUP_UNKNOWN] = {404, "InvalidConsumerId.NotFound",
                              "The specified consumer group does not exist."},
    [ALIYUN_GROUP_ACTIVE] = {400, "ConsumerGroup.Active",
                             "The consumer group is online: stop its "
                             "consumers before resetting its offsets. "
                             "Nothing was changed."},
    [ALIYUN_BUSY] = {409, "ConsumerGroup.Busy",
                     "Another reset of this consumer group is in progress. "
                     "Nothing was changed."},
    [ALIYUN_THROTTLED] = {400, "Throttling.User",
                          "Request was denied due to user flow control."},
    [ALIYUN_UNAVAILABLE] = {503, "ServiceUnavailable",
                            "The request has failed due to a temporary "
                            "failure of the server."},
    [ALIYUN_INTERNAL] = {500, "InternalError",
                         "The request processing has failed due to some "
                         "unknown error, exception or failure."},
};

int aliyun_http_status(enum aliyun_status st)
{
    return table[st].http;
}

const char *aliyun_code(struct pool *pool, const struct aliyun_reply *r)
{
    if (table[r->status].code)
        return table[r->status].code;
    return pool_printf(pool, "%s%s",
                       r->status == ALIYUN_MISSING ? "Missing" : "Invalid",
                       r->param ? r->param : "Parameter");
}

const char *aliyun_message(struct pool *pool, const struct aliyun_reply *r)
{
    const char *head = table[r->status].message;
    if (r->status == ALIYUN_OK)
        head = r->message ? r->message : head;
    else if (r->status == ALIYUN_MISSING)
        head =
            pool_printf(pool, "%s%s", r->param ? r->param : "Parameter", head);
    else if (r->status == ALIYUN_INVALID)
        head = pool_printf(pool, "%s%s is not valid.", head,
                           r->param ? r->param : "Parameter");
    if (!r->detail || !*r->detail)
        return head;
    return pool_printf(pool, "%s %s", head, r->detail);
}

enum aliyun_status aliyun_fail(struct aliyun_reply *r, struct pool *pool,
                               enum aliyun_status st, const char *param,
                               const char *fmt, ...)
{
    aliyun_clear(r);
    r->status = st;
    r->param = param;
    r->detail = NULL;
    if (fmt) {
        va_list ap;
        va_start(ap, fmt);
        r->detail = pool_vprintf(pool, fmt, ap);
        va_end(ap);
    }
    return st;
}

enum aliyun_status aliyun_ok(struct aliyun_reply *r, json_object *data,
                             const char *message)
{
    aliyun_clear(r);
    r->status = ALIYUN_OK;
    r->data = data;
    r->message = message;
    return ALIYUN_OK;
}

void aliyun_clear(struct aliyun_reply *r)
{
    if (r->data)
        json_object_put(r->data);
    r->data = NULL;
}

/* A growing text buffer (malloc), copied into the pool when done. */
struct buf {
    char *s;
    size_t n, cap;
};

static void put(struct buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->n + n + 1)
            cap *= 2;
        b->s = util_realloc(b->s, cap);
        b->cap = cap;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static void puts_(struct buf *b, const char *s)
{
    put(b, s, strlen(s));
}

/* Text content: the five XML escapes; bytes that are not well-formed
 * UTF-8 and control characters XML 1.0 cannot carry become U+FFFD. */
static void text(struct buf *b, const char *s)
{
    size_t len = strlen(s);
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t k = util_utf8_seqlen(s + i, len - i);
        if (k == 0 || (c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
            puts_(b, "\xEF\xBF\xBD");
            i += k ? k : 1;
            continue;
        }
        switch (c) {
        case '&': puts_(b, "&amp;"); break;
        case '<': puts_(b, "&lt;"); break;
        case '>': puts_(b, "&gt;"); break;
        case '"': puts_(b, "&quot;"); break;
        case '\'': puts_(b, "&apos;"); break;
        default: put(b, s + i, k);
        }
        i += k;
    }
}

static void element(struct buf *b, const char *name, json_object *v);

static void content(struct buf *b, json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_object: {
        json_object_object_foreach(v, k, child) element(b, k, child);
        break;
    }
    case json_type_null: break;
    case json_type_string: text(b, json_object_get_string(v)); break;
    default: puts_(b, json_object_to_json_string(v)); break;
    }
}

/* <name>v</name>; an array is its elements, each under name. */
static void element(struct buf *b, const char *name, json_object *v)
{
    if (json_object_get_type(v) == json_type_array) {
        for (size_t i = 0; i < json_object_array_length(v); i++)
            element(b, name, json_object_array_get_idx(v, i));
        return;
    }
    puts_(b, "<");
    puts_(b, name);
    puts_(b, ">");
    content(b, v);
    puts_(b, "</");
    puts_(b, name);
    puts_(b, ">");
}

const char *aliyun_render(struct pool *pool, const struct aliyun_reply *r,
                          bool xml, const char *action, const char *request_id,
                          const char *host_id, size_t *len)
{
    json_object *o = json_object_new_object();
    const char *out;

    json_object_object_add(o, "RequestId", json_object_new_string(request_id));
    if (r->status == ALIYUN_OK) {
        json_object_object_add(o, "Success", json_object_new_boolean(1));
        json_object_object_add(o, "Code", json_object_new_int(200));
        json_object_object_add(o, "Message",
                               json_object_new_string(aliyun_message(pool, r)));
        if (r->data) {
            json_object_object_foreach(r->data, k, v)
                json_object_object_add(o, k, json_object_get(v));
        }
    } else {
        json_object_object_add(o, "HostId", json_object_new_string(host_id));
        json_object_object_add(o, "Code",
                               json_object_new_string(aliyun_code(pool, r)));
        json_object_object_add(o, "Message",
                               json_object_new_string(aliyun_message(pool, r)));
        json_object_object_add(o, "Success", json_object_new_boolean(0));
    }
    if (!xml) {
        out = json_text(pool, o, len);
    } else {
        struct buf b = {0};
        const char *root = r->status != ALIYUN_OK ? "Error"
                           : action ? pool_printf(pool, "%sResponse", action)
                                    : "Response";
        puts_(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        element(&b, root, o);
        out = pool_strndup(pool, b.s, b.n);
        *len = b.n;
        free(b.s);
    }
    json_object_put(o);
    return out;
}
