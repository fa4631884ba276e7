/* core.h - what every group-offset operation of the core takes and gives:
 * the request's context (plain C, no API types) and a core error (a status
 * from one small enum plus the facts a front end words its message from).
 * Front ends map these to their own codes and texts; the core never speaks
 * an API's language. Also the process-level Kafka hooks the server needs,
 * so that the server never reaches below the core. */
#ifndef CKAFKA_CORE_H
#define CKAFKA_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct config_instance;
struct grouplock;
struct kafka;
struct pool;

/* One operation's context. Lifetime: request; everything borrowed. */
struct core_ctx {
    const struct config *cfg;
    const struct config_instance *inst;
    struct pool *pool;
    struct grouplock *locks;
    /* set by core_begin */
    struct kafka *kafka;
    int64_t deadline; /* util_mono_ms() deadline of all the Kafka work */
    /* who asks, for the audit record */
    const char *api;       /* "ckafka", ... */
    const char *action;    /* the API's action name */
    const char *secret_id; /* the authenticated key */
    const char *client;    /* the client's address */
};

enum core_status {
    CORE_OK,
    CORE_KAFKA,               /* Kafka failed as a whole: detail says how */
    CORE_TOPIC_UNKNOWN,       /* named topics missing: detail lists them */
    CORE_GROUP_ACTIVE,        /* a reset of a group with members: state,
                                 members */
    CORE_MEMBERS_JOINED,      /* members joined during the reset; nothing
                                 committed */
    CORE_NO_COMMITS,          /* no topics named and the group has none */
    CORE_TOO_MANY_PARTITIONS, /* count partitions, over max_partitions */
    CORE_CANNOT_SHIFT,        /* topic/partition has no commit to shift */
    CORE_BUSY,                /* another reset of the group: detail */
    CORE_AUDIT_DOWN,          /* the audit log cannot be written */
    CORE_OUTCOME_UNKNOWN,     /* the commit was sent, its outcome unknown */
};

/* Lifetime: request (detail in the pool). */
struct core_error {
    enum core_status status;
    const char *detail; /* Kafka's or the lock's words, topic names */
    const char *state;  /* CORE_GROUP_ACTIVE: the group's state */
    size_t members;     /* CORE_GROUP_ACTIVE */
    const char *topic;  /* CORE_CANNOT_SHIFT */
    int32_t partition;  /* CORE_CANNOT_SHIFT */
    size_t count;       /* CORE_TOO_MANY_PARTITIONS */
};

/* Fails e with status and a pool copy of the formatted detail; returns -1
 * so callers can `return core_fail(...)`. */
int core_fail(struct core_ctx *c, struct core_error *e, enum core_status st,
              const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Makes the operation ready: the instance's Kafka client (made on first
 * use in this process) and the deadline (now + kafka_timeout). An instance
 * whose every bootstrap broker refuses connections fails at once. Returns
 * 0, or -1 with e (CORE_KAFKA). */
int core_begin(struct core_ctx *c, struct core_error *e);

/* Process-level hooks for the server: check an instance's properties at
 * start (-1 with err), serve queued Kafka events between requests, close
 * every client at exit, and the slow log's trace of a request's Kafka calls
 * (reset when a request starts, formatted when it was slow). */
int core_check_instance(const struct config_instance *inst, char *err,
                        size_t errlen);
void core_idle(void);
void core_exit(void);
void core_trace_reset(void);
void core_trace_format(char *buf, size_t len);

#endif
