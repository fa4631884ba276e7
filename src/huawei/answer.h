/* answer.h - Huawei DMS for Kafka's answers: JSON bodies, errors as
 * {"error_code","error_msg"} with the cloud's HTTP statuses, and this API's
 * one table of codes (dialects.md 3.5: APIGW.* are the gateway's, DMS.* the
 * service's; the ones the cloud does not document are ours, listed in the
 * README). Handlers return a status; only answer.c knows the rest. */
#ifndef CKAFKA_HUAWEI_ANSWER_H
#define CKAFKA_HUAWEI_ANSWER_H

#include <json-c/json.h>
#include <stddef.h>

struct pool;

enum huawei_status {
    HUAWEI_OK,
    HUAWEI_NO_ROUTE,          /* 404 APIGW.0101: no such API */
    HUAWEI_AUTH,              /* 401 APIGW.0301: signature, token, date */
    HUAWEI_REPLAYED,          /* 401 APIGW.0301: the signed request again */
    HUAWEI_FORBIDDEN,         /* 403 DMS.00403001: key not on this project
                                 or instance */
    HUAWEI_THROTTLED,         /* 429 APIGW.0308: a capacity is full */
    HUAWEI_BAD_REQUEST,       /* 400 DMS.00400001: body or query invalid */
    HUAWEI_INSTANCE_UNKNOWN,  /* 404 DMS.00404001 */
    HUAWEI_GROUP_UNKNOWN,     /* 404 DMS.00404002 */
    HUAWEI_TOPIC_UNKNOWN,     /* 404 DMS.00404003 */
    HUAWEI_PARTITION_UNKNOWN, /* 400 DMS.00400004 */
    HUAWEI_GROUP_ACTIVE,      /* 400 DMS.00400005: reset of a live group */
    HUAWEI_BUSY,              /* 409 DMS.00409001: another reset */
    HUAWEI_TOO_LARGE,         /* 413 DMS.00413001: body over max_body */
    HUAWEI_UNAVAILABLE,       /* 503 DMS.00503001: Kafka, the store */
    HUAWEI_INTERNAL,          /* 500 DMS.00500001 */
    HUAWEI__COUNT
};

/* What a handler produces. Lifetime: request. */
struct huawei_reply {
    enum huawei_status status;
    const char *detail; /* appended to the message (pool), or NULL */
    json_object *data;  /* owned; HUAWEI_OK: the body, NULL for none */
    int http;           /* HUAWEI_OK: 200 or 204 */
};

int huawei_http_status(const struct huawei_reply *r);
const char *huawei_code(enum huawei_status st);

/* The full error message of r (pool memory). */
const char *huawei_message(struct pool *pool, const struct huawei_reply *r);

/* Sets an error reply with a formatted detail (fmt may be NULL). Frees any
 * data already set. Returns st. */
enum huawei_status huawei_fail(struct huawei_reply *r, struct pool *pool,
                               enum huawei_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sets a success reply: 200 with data (owned by r now), or 204 with no
 * body when data is NULL. */
enum huawei_status huawei_ok(struct huawei_reply *r, json_object *data);

/* The body of r in pool memory (NULL and *len 0 for a 204). */
const char *huawei_render(struct pool *pool, const struct huawei_reply *r,
                          size_t *len);

/* Drops r's data. */
void huawei_clear(struct huawei_reply *r);

#endif
