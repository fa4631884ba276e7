/* internal.h - what the files of the Kafka layer share and nothing else
 * may see: the client's state, the per-request trace, deadlines, error
 * mapping, and the coordinator-directed group calls. Everything here is
 * used with librdkafka's types; only src/kafka/ includes it. */
#ifndef CKAFKA_KAFKA_INTERNAL_H
#define CKAFKA_KAFKA_INTERNAL_H

#include "kafka/kafka.h"
#include "kafka/tp.h"

#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/* One instance's client in this process. Lifetime: process (made on first
 * use after fork, destroyed at exit); used by one request at a time. */
struct kafka {
    const struct config_instance *inst;
    rd_kafka_t *rk;
    rd_kafka_queue_t *q; /* admin results */
    uint64_t seq;        /* opaque of the latest admin call */
    int64_t cache_ms;

    struct kafka_topic *topics; /* metadata cache, sorted by name */
    size_t ntopics;
    int64_t fetched_ms;     /* -1: never */
    int32_t *coord_leaders; /* leader of each __consumer_offsets partition */
    int32_t ncoord;         /* 0: the cluster has no such topic yet */
    struct kafka_broker *brokers; /* of the same answer, sorted by id;
                                     hosts owned */
    size_t nbrokers;
    int32_t controller; /* -1: not known */

    int64_t log_window_ms; /* rate limit of librdkafka's complaints */
    unsigned log_lines, log_dropped;

    /* librdkafka said every broker is down (or nothing is known yet):
     * probe before a request waits its whole timeout. Atomic. */
    int maybe_down;
    const char *bootstrap; /* borrowed from inst */

    /* A second consumer, made on first use, that reads records (their
     * timestamps) by assigning partitions at chosen offsets; one read at
     * a time (reader_lock). */
    rd_kafka_t *reader;
    pthread_mutex_t reader_lock;
};

/* Outcome of one attempt of a group call. */
enum attempt { ATTEMPT_OK = 0, ATTEMPT_FAILED = -1, ATTEMPT_RETRY = 1 };

/* One attempt of a group call at a given coordinator. */
typedef enum attempt (*kafka_group_call)(struct kafka *k, int32_t coord,
                                         void *arg, int64_t deadline, char *err,
                                         size_t errlen);

/* client.c */
/* Records one Kafka call of the current request for the slow log: its
 * duration us, or the time since since_us. */
void kafka_trace_add(const char *what, int64_t us, bool failed);
void kafka_traced(const char *what, int64_t since_us, bool failed);
/* Milliseconds left before deadline, at least 0, at most INT_MAX. */
int kafka_remaining(int64_t deadline);
/* A librdkafka error as the Kafka protocol code the API reports. */
int16_t kafka_proto_err(rd_kafka_resp_err_t e);
/* Sets t->err to e's protocol code unless it has an error already. */
void kafka_set_err(struct tp *t, rd_kafka_resp_err_t e);
/* "what: no answer from Kafka in time" into err; returns -1. */
int kafka_timed_out(const char *what, char *err, size_t errlen);
/* The record reader of k, created on first use (the instance's
 * properties, plus partition EOF events and no offset reset). Call with
 * reader_lock held. Returns NULL with err when librdkafka refuses. */
rd_kafka_t *kafka_reader(struct kafka *k, char *err, size_t errlen);
/* Reads the cluster's metadata into the cache. Returns 0, or -1 with err. */
int kafka_refresh_metadata(struct kafka *k, int64_t deadline, char *err,
                           size_t errlen);

/* groups.c */
/* The pause before retry n (0, 1, ...) of a call a coordinator refused
 * while moving or loading: false (no pause taken) when the deadline would
 * pass first. */
bool kafka_retry_pause(int n, int64_t deadline);

/* lookup.c */
/* tps[0..n) without an error as a librdkafka list, each element's opaque
 * its index (with targets: its offset the target). Caller destroys it. */
rd_kafka_topic_partition_list_t *kafka_tp_list(const struct tp *tps, size_t n,
                                               bool targets);
/* The tp of a partition in a list librdkafka built itself, or NULL. */
struct tp *kafka_tp_find(struct tp *tps, size_t n,
                         const rd_kafka_topic_partition_t *p);

/* groups.c */
/* The group's coordinator (broker id) from the metadata cache, refreshed
 * first when refresh. Returns 0, or -1 with err. */
int kafka_coordinator(struct kafka *k, const char *group, bool refresh,
                      int64_t deadline, int32_t *broker, char *err,
                      size_t errlen);
/* Admin options for a call to broker (-1: librdkafka chooses) that ends by
 * deadline, its opaque a fresh sequence number (*id). */
rd_kafka_AdminOptions_t *kafka_admin_options(struct kafka *k,
                                             rd_kafka_admin_op_t op,
                                             int32_t broker, int t,
                                             uint64_t *id);
/* The result event of admin call id, or NULL at the deadline. */
rd_kafka_event_t *kafka_admin_wait(struct kafka *k, uint64_t id,
                                   int64_t deadline);
/* True for the errors of a coordinator that moved or is still loading. */
bool kafka_coordinator_busy(rd_kafka_resp_err_t e);
enum attempt kafka_event_result(rd_kafka_event_t *ev, const char *what,
                                char *err, size_t errlen);
enum attempt kafka_group_error(const rd_kafka_error_t *ge, const char *what,
                               char *err, size_t errlen);
/* True when some partition of l has a busy-coordinator error. */
bool kafka_any_busy(const rd_kafka_topic_partition_list_t *l);
int kafka_with_coordinator(struct kafka *k, const char *group,
                           kafka_group_call fn, void *arg, enum attempt first,
                           int64_t deadline, char *err, size_t errlen);

#endif
