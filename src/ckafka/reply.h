/* reply.h - the API's envelopes and its one table of error codes (contract
 * section 4). Handlers return a reply_status; only reply.c knows the code,
 * codeDesc and module prefix that go with it. */
#ifndef CKAFKA_REPLY_H
#define CKAFKA_REPLY_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pool;

enum reply_status {
    REPLY_OK,
    REPLY_PARAM_MISSING,    /* 4000 (9003) a required parameter is absent */
    REPLY_PARAM_INVALID,    /* 4000 (1000) malformed or out of range */
    REPLY_ACTION_UNKNOWN,   /* 4000 (9001)interface not exist */
    REPLY_TOPIC_UNKNOWN,    /* 4000 (10012)topic not exist */
    REPLY_GROUP_NOT_EMPTY,  /* 4000 (1049) reset of a group with members */
    REPLY_AUTH_FAILURE,     /* 4100 unknown SecretId or bad signature */
    REPLY_UNAUTHORIZED,     /* 4102 key not allowed on this instance */
    REPLY_LIMIT,            /* 4400 a server-side capacity is exhausted */
    REPLY_REPLAY,           /* 4500 stale Timestamp or reused Nonce */
    REPLY_INSTANCE_UNKNOWN, /* 5000 (10006)instance not exist */
    REPLY_KAFKA,            /* 5100 the Kafka operation failed as a whole */
    REPLY_STORE,            /* 5100 the shared store (Redis) did not answer */
    REPLY_INTERNAL,         /* 6000 server fault */
    REPLY__COUNT
};

/* What a handler produces. Lifetime: request. */
struct reply {
    enum reply_status status;
    const char *detail; /* pool string appended to the status's message */
    json_object *data;  /* owned; only with REPLY_OK; NULL for no "data" */
    bool msg_key;       /* spell the message field "msg" (SetGroupOffset) */
    bool top_level;     /* data's members go beside code, with message "ok"
                           (ListTopic, GetTopicAttributes, ...) */
};

/* The API code (0, 4000, 4100, ...) and codeDesc of a status. */
int reply_code(enum reply_status st);
const char *reply_code_desc(enum reply_status st);

/* Sets an error reply; the message is the status's fixed head (for example
 * "(10012)topic not exist") followed by the formatted detail. Returns st so
 * handlers can `return reply_fail(...)`. Frees any data already set. */
enum reply_status reply_fail(struct reply *r, struct pool *pool,
                             enum reply_status st, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Sets a success reply carrying data (ownership passes to r). */
enum reply_status reply_ok(struct reply *r, json_object *data);

/* Sets a success reply whose data object's members are written at the top
 * level of the envelope, after codeDesc, with "message":"ok", as Tencent
 * documents its topic and instance actions (ownership passes to r). */
enum reply_status reply_ok_top(struct reply *r, json_object *data);

/* The full message of r: head plus detail (pool memory). */
const char *reply_message(struct pool *pool, const struct reply *r);

/* Renders r as the JSON body (pool memory) and sets *len. */
const char *reply_render(struct pool *pool, const struct reply *r, size_t *len);

/* Drops r's data. */
void reply_clear(struct reply *r);

/* The classic Kafka description of a protocol error code (kafka-errors.tsv),
 * or NULL when the code is not in the table. */
const char *reply_kafka_error_msg(int code);

#endif
