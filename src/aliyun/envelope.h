/* envelope.h - the alikafka envelope (RequestId, Success, Code, Message) in
 * JSON or XML, and this API's one table of error codes with their HTTP
 * statuses and messages (gateway codes as Aliyun's POP gateway words them;
 * dialects.md 2.5). Handlers return a status; only envelope.c knows the rest.
 */
#ifndef CKAFKA_ALIYUN_ENVELOPE_H
#define CKAFKA_ALIYUN_ENVELOPE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>

struct pool;

enum aliyun_status {
    ALIYUN_OK,
    ALIYUN_MISSING,          /* 400 Missing{Param} */
    ALIYUN_INVALID,          /* 400 Invalid{Param} */
    ALIYUN_METHOD,           /* 400 UnsupportedHTTPMethod */
    ALIYUN_API_NOT_FOUND,    /* 404 InvalidApi.NotFound */
    ALIYUN_INCOMPLETE,       /* 400 IncompleteSignature */
    ALIYUN_SIGNATURE,        /* 400 SignatureDoesNotMatch */
    ALIYUN_AK_NOT_FOUND,     /* 404 InvalidAccessKeyId.NotFound */
    ALIYUN_TS_FORMAT,        /* 400 InvalidTimeStamp.Format */
    ALIYUN_TS_EXPIRED,       /* 400 InvalidTimeStamp.Expired */
    ALIYUN_NONCE_USED,       /* 400 SignatureNonceUsed */
    ALIYUN_FORBIDDEN,        /* 403 Forbidden.RAM: key not on this instance */
    ALIYUN_INSTANCE_UNKNOWN, /* 404 InvalidInstanceId.NotFound */
    ALIYUN_TOPIC_UNKNOWN,    /* 404 InvalidTopic.NotFound */
    ALIYUN_GROUP_UNKNOWN,    /* 404 InvalidConsumerId.NotFound */
    ALIYUN_GROUP_ACTIVE,     /* 400 ConsumerGroup.Active: reset refused */
    ALIYUN_BUSY,             /* 409 ConsumerGroup.Busy: another reset */
    ALIYUN_THROTTLED,        /* 400 Throttling.User: a capacity is full */
    ALIYUN_UNAVAILABLE,      /* 503 ServiceUnavailable: Kafka, the store */
    ALIYUN_INTERNAL,         /* 500 InternalError */
    ALIYUN__COUNT
};

/* What a handler produces. Lifetime: request. */
struct aliyun_reply {
    enum aliyun_status status;
    const char *param;   /* ALIYUN_MISSING, ALIYUN_INVALID: the parameter */
    const char *detail;  /* appended to the message (pool), or NULL */
    json_object *data;   /* owned; ALIYUN_OK only; members beside Code */
    const char *message; /* ALIYUN_OK: "operation success" by default */
};

/* The HTTP status and the Code of a status ("Missing" + param ...; pool). */
int aliyun_http_status(enum aliyun_status st);
const char *aliyun_code(struct pool *pool, const struct aliyun_reply *r);

/* The full message of r (pool memory). */
const char *aliyun_message(struct pool *pool, const struct aliyun_reply *r);

/* Sets an error reply (param may be NULL) with a formatted detail (fmt may
 * be NULL for none). Frees any data already set. Returns st. */
enum aliyun_status aliyun_fail(struct aliyun_reply *r, struct pool *pool,
                               enum aliyun_status st, const char *param,
                               const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Sets a success reply whose data members go beside Code (ownership of
 * data passes to r; NULL for none). */
enum aliyun_status aliyun_ok(struct aliyun_reply *r, json_object *data,
                             const char *message);

/* Renders r as the answer body in pool memory: JSON, or XML under the
 * element root ("UpdateConsumerOffsetResponse", "Error" for errors).
 * request_id and host_id are written into it. *len is set. */
const char *aliyun_render(struct pool *pool, const struct aliyun_reply *r,
                          bool xml, const char *action, const char *request_id,
                          const char *host_id, size_t *len);

/* Drops r's data. */
void aliyun_clear(struct aliyun_reply *r);

#endif
