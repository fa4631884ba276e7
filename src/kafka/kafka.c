/* kafka.c - the only file that includes rdkafka.h. One client per instance
 * per worker, made after fork on first use; one admin result queue per
 * client whose events carry a sequence number, so the late answer to a call
 * that timed out is recognised and dropped instead of being taken for the
 * answer to a later one. librdkafka's logs and errors are queued and served
 * here, on the worker's thread, rate-limited.
 *
 * Group calls (OffsetFetch, DescribeGroups, OffsetCommit) go straight to the
 * group's coordinator, computed from the metadata cache, never through
 * librdkafka's own coordinator lookup: in 2.0.2 a coordinator-targeted
 * admin call that times out while the coordinator is unreachable aborts the
 * process when the coordinator comes back (rd_kafka_enq_once_del_source_
 * return: eonce->refcnt > 0; librdkafka #4605). Sent to an explicit broker,
 * the same calls take the ordinary per-broker path, which times out
 * cleanly. It also saves the FindCoordinator round trip of every call.
 *
 * The client has a group.id of its own, idle: it never subscribes, joins
 * or commits. librdkafka 2.0.2 answers a group-level NOT_COORDINATOR,
 * COORDINATOR_NOT_AVAILABLE or leadership error in an OffsetFetch by
 * messaging the client's own consumer group, which a client without
 * group.id does not have: a NULL dereference in its main thread
 * (rd_kafka_handle_OffsetFetch -> rd_kafka_cgrp_op). Coordinators move on
 * every broker restart, so the client must have one. */
#include "kafka/kafka.h"

#include "common/config.h"
#include "common/log.h"
#include "common/pool.h"
#include "common/util.h"
#include "kafka/probe.h"
#include "kafka/tp.h"

#include <librdkafka/rdkafka.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

    int64_t log_window_ms; /* rate limit of librdkafka's complaints */
    unsigned log_lines, log_dropped;

    /* librdkafka said every broker is down (or nothing is known yet):
     * probe before a request waits its whole timeout. Atomic. */
    int maybe_down;
    const char *bootstrap; /* borrowed from inst */
};

static struct kafka **clients;
static size_t nclients;

/* The Kafka calls of the current request (the slow log). */
#define TRACE_MAX 32
static struct {
    const char *what;
    int64_t us;
    bool failed;
} trace[TRACE_MAX];
static unsigned ntrace;

void kafka_trace_reset(void)
{
    ntrace = 0;
}

static void trace_add(const char *what, int64_t us, bool failed)
{
    if (ntrace < TRACE_MAX)
        trace[ntrace] = (typeof(trace[0])){what, us, failed};
    ntrace++;
}

static void traced(const char *what, int64_t since_us, bool failed)
{
    trace_add(what, util_mono_us() - since_us, failed);
}

void kafka_trace_format(char *buf, size_t len)
{
    size_t off = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < ntrace && i < TRACE_MAX && off < len; i++) {
        int n = snprintf(buf + off, len - off, "%s%s %.1f ms%s", i ? ", " : "",
                         trace[i].what, (double)trace[i].us / 1000.0,
                         trace[i].failed ? " (failed)" : "");
        if (n < 0)
            break;
        off += (size_t)n;
    }
    if (ntrace > TRACE_MAX && off < len)
        snprintf(buf + off, len - off, ", and %u more", ntrace - TRACE_MAX);
}

/* Our defaults; the instance's own properties come after and win. */
static const struct {
    const char *key, *value;
} defaults[] = {
    {"client.id", "ckafka-fcgi"},
    /* The high watermark, like kafka-consumer-groups, not the LSO. */
    {"isolation.level", "read_uncommitted"},
    /* Back quickly after a broker restart; never stall a request on it. */
    {"reconnect.backoff.ms", "100"},
    {"reconnect.backoff.max.ms", "1000"},
    {"socket.keepalive.enable", "true"},
    {"log.connection.close", "false"},
    /* Logs are served on our thread (kafka_poll_all), not librdkafka's. */
    {"log.queue", "true"},
    /* The idle group (see the top of this file); an instance may name it
     * otherwise, for clusters with group ACLs. */
    {"group.id", "ckafka-fcgi"},
    {"enable.auto.commit", "false"},
    {"enable.auto.offset.store", "false"},
};

static int conf_set(rd_kafka_conf_t *conf, const char *k, const char *v,
                    char *err, size_t errlen)
{
    char e[256];
    if (rd_kafka_conf_set(conf, k, v, e, sizeof(e)) != RD_KAFKA_CONF_OK) {
        snprintf(err, errlen, "%s: %s", k, e);
        return -1;
    }
    return 0;
}

static rd_kafka_conf_t *make_conf(const struct config_instance *inst, char *err,
                                  size_t errlen)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    for (size_t i = 0; i < UTIL_ARRAY_LEN(defaults); i++)
        if (conf_set(conf, defaults[i].key, defaults[i].value, err, errlen))
            goto fail;
    for (size_t i = 0; i < inst->nprops; i++) {
        const char *k = inst->props[i].key;
        if (conf_set(conf, k, inst->props[i].value, err, errlen))
            goto fail;
    }
    return conf;
fail:
    rd_kafka_conf_destroy(conf);
    return NULL;
}

int kafka_check_instance(const struct config_instance *inst, char *err,
                         size_t errlen)
{
    for (size_t i = 0; i < inst->nprops; i++) {
        if (strcmp(inst->props[i].key, "group.id") == 0 &&
            !inst->props[i].value[0]) {
            /* Without a group librdkafka 2.0.2 crashes when a coordinator
             * moves (see the top of this file). */
            snprintf(err, errlen,
                     "group.id: must not be empty (ckafka-fcgi keeps an "
                     "idle group; default ckafka-fcgi)");
            return -1;
        }
    }
    rd_kafka_conf_t *conf = make_conf(inst, err, errlen);
    if (!conf)
        return -1;
    rd_kafka_conf_destroy(conf);
    return 0;
}

/* At most 5 lines per 10 s per client: a dead broker makes librdkafka repeat
 * itself every reconnect, in every worker. */
static void say(struct kafka *k, enum log_level lvl, const char *what,
                const char *text)
{
    int64_t now = util_mono_ms();
    if (now - k->log_window_ms >= 10000) {
        if (k->log_dropped)
            log_warn("kafka %s: %u similar messages suppressed", k->inst->id,
                     k->log_dropped);
        k->log_window_ms = now;
        k->log_lines = 0;
        k->log_dropped = 0;
    }
    if (lvl <= LOG_LEVEL_WARN && ++k->log_lines > 5) {
        k->log_dropped++;
        return;
    }
    log_msg(lvl, "kafka %s: %s: %s", k->inst->id, what, text);
}

static void log_cb(const rd_kafka_t *rk, int level, const char *fac,
                   const char *buf)
{
    struct kafka *k = rd_kafka_opaque(rk);
    /* syslog levels: 3 error, 4 warning; the rest is chatter. */
    say(k, level <= 4 ? LOG_LEVEL_WARN : LOG_LEVEL_DEBUG, fac, buf);
}

static void error_cb(rd_kafka_t *rk, int err, const char *reason, void *opaque)
{
    struct kafka *k = opaque;
    (void)rk;
    if (err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
        __atomic_store_n(&k->maybe_down, 1, __ATOMIC_RELAXED);
    say(k, LOG_LEVEL_WARN, rd_kafka_err2name(err), reason);
}

int kafka_reachable(struct kafka *k, char *err, size_t errlen)
{
    char why[512];
    /* Serve what librdkafka queued (its errors among them) first. */
    rd_kafka_poll(k->rk, 0);
    if (!__atomic_load_n(&k->maybe_down, __ATOMIC_RELAXED))
        return 0;
    switch (probe_servers(k->bootstrap, 250, why, sizeof(why))) {
    case PROBE_UP:
        __atomic_store_n(&k->maybe_down, 0, __ATOMIC_RELAXED);
        return 0;
    case PROBE_UNKNOWN: return 0; /* slow, not down: the full timeout */
    case PROBE_REFUSED: break;
    }
    snprintf(err, errlen, "every bootstrap broker refuses connections (%s)",
             why);
    return -1;
}

struct kafka *kafka_client(const struct config *cfg,
                           const struct config_instance *inst, char *err,
                           size_t errlen)
{
    char e[512];

    for (size_t i = 0; i < nclients; i++)
        if (clients[i]->inst == inst)
            return clients[i];

    rd_kafka_conf_t *conf = make_conf(inst, err, errlen);
    if (!conf)
        return NULL;
    struct kafka *k = util_calloc(1, sizeof(*k));
    k->inst = inst;
    k->cache_ms = cfg->metadata_cache_ms;
    k->fetched_ms = -1;
    k->maybe_down = 1; /* a new client knows nothing yet */
    for (size_t i = 0; i < inst->nprops; i++)
        if (strcmp(inst->props[i].key, "bootstrap.servers") == 0)
            k->bootstrap = inst->props[i].value;
    rd_kafka_conf_set_opaque(conf, k);
    rd_kafka_conf_set_log_cb(conf, log_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);
    /* A consumer: ListOffsets honours isolation.level. */
    k->rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, e, sizeof(e));
    if (!k->rk) {
        rd_kafka_conf_destroy(conf); /* rd_kafka_new frees it on success */
        snprintf(err, errlen, "cannot create the Kafka client: %s", e);
        free(k);
        return NULL;
    }
    rd_kafka_set_log_queue(k->rk, NULL); /* to the main queue we poll */
    k->q = rd_kafka_queue_new(k->rk);
    clients = util_reallocarray(clients, nclients + 1, sizeof(*clients));
    clients[nclients++] = k;
    log_info("kafka %s: client created", inst->id);
    return k;
}

void kafka_poll_all(void)
{
    for (size_t i = 0; i < nclients; i++)
        rd_kafka_poll(clients[i]->rk, 0);
}

static void free_topics(struct kafka *k)
{
    for (size_t i = 0; i < k->ntopics; i++)
        free(k->topics[i].name);
    free(k->topics);
    k->topics = NULL;
    k->ntopics = 0;
    free(k->coord_leaders);
    k->coord_leaders = NULL;
    k->ncoord = 0;
}

void kafka_close_all(void)
{
    for (size_t i = 0; i < nclients; i++) {
        struct kafka *k = clients[i];
        rd_kafka_queue_destroy(k->q);
        /* The idle group never joined: nothing to leave. */
        rd_kafka_destroy_flags(k->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        free_topics(k);
        free(k);
    }
    free(clients);
    clients = NULL;
    nclients = 0;
}

/* Milliseconds left before deadline, at least 0, at most INT_MAX. */
static int remaining(int64_t deadline)
{
    int64_t r = deadline - util_mono_ms();
    if (r <= 0)
        return 0;
    return r > INT_MAX ? INT_MAX : (int)r;
}

/* A librdkafka error as the Kafka protocol code the API reports. Local
 * errors (negative) become the protocol code that means the same. */
static int16_t proto_err(rd_kafka_resp_err_t e)
{
    if (e >= 0)
        return (int16_t)e;
    switch (e) {
    case RD_KAFKA_RESP_ERR__TIMED_OUT:
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE: return KAFKA_ERR_REQUEST_TIMED_OUT;
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
        return RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION;
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        return KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
    default: return KAFKA_ERR_UNKNOWN;
    }
}

static void set_err(struct tp *t, rd_kafka_resp_err_t e)
{
    if (!t->err && e)
        t->err = proto_err(e);
}

static int timed_out(const char *what, char *err, size_t errlen)
{
    snprintf(err, errlen, "%s: no answer from Kafka in time", what);
    return -1;
}

static int topic_cmp(const void *a, const void *b)
{
    return strcmp(((const struct kafka_topic *)a)->name,
                  ((const struct kafka_topic *)b)->name);
}

const struct kafka_topic *kafka_meta_topic(const struct kafka_meta *m,
                                           const char *name)
{
    struct kafka_topic key = {(char *)name, 0, 0};
    return bsearch(&key, m->topics, m->n, sizeof(*m->topics), topic_cmp);
}

static int refresh_metadata(struct kafka *k, int64_t deadline, char *err,
                            size_t errlen)
{
    const struct rd_kafka_metadata *md = NULL;
    int t = remaining(deadline);
    if (!t)
        return timed_out("Metadata", err, errlen);
    int64_t t0 = util_mono_us();
    rd_kafka_resp_err_t e = rd_kafka_metadata(k->rk, 1, NULL, &md, t);
    traced("Metadata", t0, e != RD_KAFKA_RESP_ERR_NO_ERROR);
    if (e) {
        snprintf(err, errlen, "Metadata: %s", rd_kafka_err2str(e));
        return -1;
    }
    free_topics(k);
    k->topics = util_calloc((size_t)md->topic_cnt, sizeof(*k->topics));
    for (int i = 0; i < md->topic_cnt; i++) {
        const rd_kafka_metadata_topic_t *mt = &md->topics[i];
        k->topics[i].name = util_strdup(mt->topic);
        k->topics[i].partitions = mt->partition_cnt;
        k->topics[i].err = proto_err(mt->err);
        if (strcmp(mt->topic, "__consumer_offsets") == 0 && !mt->err &&
            mt->partition_cnt > 0) {
            k->ncoord = mt->partition_cnt;
            k->coord_leaders =
                util_calloc((size_t)k->ncoord, sizeof(*k->coord_leaders));
            for (int p = 0; p < k->ncoord; p++)
                k->coord_leaders[p] = -1;
            for (int j = 0; j < mt->partition_cnt; j++)
                if (mt->partitions[j].id >= 0 &&
                    mt->partitions[j].id < k->ncoord)
                    k->coord_leaders[mt->partitions[j].id] =
                        mt->partitions[j].err ? -1 : mt->partitions[j].leader;
        }
    }
    k->ntopics = (size_t)md->topic_cnt;
    qsort(k->topics, k->ntopics, sizeof(*k->topics), topic_cmp);
    rd_kafka_metadata_destroy(md);
    k->fetched_ms = util_mono_ms();
    return 0;
}

int kafka_metadata(struct kafka *k, const char *const *need, size_t nneed,
                   int64_t deadline, struct kafka_meta *out, char *err,
                   size_t errlen)
{
    bool stale =
        k->fetched_ms < 0 || util_mono_ms() - k->fetched_ms >= k->cache_ms;
    out->topics = k->topics;
    out->n = k->ntopics;
    /* A topic created since the last answer must not read as unknown. */
    for (size_t i = 0; !stale && i < nneed; i++)
        stale = !kafka_meta_topic(out, need[i]);
    if (stale && refresh_metadata(k, deadline, err, errlen) < 0)
        return -1;
    out->topics = k->topics;
    out->n = k->ntopics;
    return 0;
}

static rd_kafka_topic_partition_list_t *tp_list(const struct tp *tps, size_t n,
                                                bool targets)
{
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new((int)n);
    for (size_t i = 0; i < n; i++) {
        if (tps[i].err)
            continue; /* known missing: nothing to ask or commit */
        rd_kafka_topic_partition_t *p = rd_kafka_topic_partition_list_add(
            l, tps[i].topic, tps[i].partition);
        p->opaque = (void *)(uintptr_t)i;
        if (targets)
            p->offset = tps[i].target;
    }
    return l;
}

/* The tp of a partition in a list librdkafka built itself (not ours). */
static struct tp *tp_find(struct tp *tps, size_t n,
                          const rd_kafka_topic_partition_t *p)
{
    struct tp key;
    tp_init(&key, p->topic, p->partition);
    return bsearch(&key, tps, n, sizeof(*tps), tp_cmp);
}

int32_t kafka_coordinator_partition(const char *group, int32_t npartitions)
{
    const unsigned char *s = (const unsigned char *)group;
    uint32_t h = 0;

    /* Java's String.hashCode over UTF-16 code units, in 32-bit arithmetic;
     * group is valid UTF-8 (params.c checked it). */
    while (*s) {
        uint32_t cp;
        int n;
        if (*s < 0x80)
            cp = *s, n = 0;
        else if (*s < 0xe0)
            cp = *s & 0x1f, n = 1;
        else if (*s < 0xf0)
            cp = *s & 0x0f, n = 2;
        else
            cp = *s & 0x07, n = 3;
        s++;
        for (int i = 0; i < n && (*s & 0xc0) == 0x80; i++, s++)
            cp = (cp << 6) | (*s & 0x3f);
        if (cp >= 0x10000) {
            cp -= 0x10000;
            h = 31 * h + (0xd800 + (cp >> 10));
            h = 31 * h + (0xdc00 + (cp & 0x3ff));
        } else {
            h = 31 * h + cp;
        }
    }
    int32_t v = (int32_t)h;
    int32_t a = v == INT32_MIN ? 0 : v < 0 ? -v : v;
    return npartitions > 0 ? a % npartitions : 0;
}

/* The broker id of group's coordinator: the leader of its __consumer_offsets
 * partition in the metadata cache (refreshed when stale, or when refresh is
 * set because the last answer said the coordinator moved). -1 when the
 * cluster has no __consumer_offsets yet: librdkafka then finds the
 * coordinator itself, which also makes the broker create the topic. */
static int coordinator(struct kafka *k, const char *group, bool refresh,
                       int64_t deadline, int32_t *broker, char *err,
                       size_t errlen)
{
    bool stale =
        k->fetched_ms < 0 || util_mono_ms() - k->fetched_ms >= k->cache_ms;
    if ((refresh || stale) && refresh_metadata(k, deadline, err, errlen) < 0)
        return -1;
    if (!k->ncoord) {
        *broker = -1;
        return 0;
    }
    int32_t p = kafka_coordinator_partition(group, k->ncoord);
    if (k->coord_leaders[p] < 0 && !refresh && !stale) {
        if (refresh_metadata(k, deadline, err, errlen) < 0)
            return -1;
        if (!k->ncoord) {
            *broker = -1;
            return 0;
        }
        p = kafka_coordinator_partition(group, k->ncoord);
    }
    if (k->coord_leaders[p] < 0) {
        snprintf(err, errlen,
                 "group coordinator: __consumer_offsets partition %d has no "
                 "leader",
                 p);
        return -1;
    }
    *broker = k->coord_leaders[p];
    return 0;
}

/* Options for an admin call answered on k->q, sent to broker (>= 0) or to
 * the coordinator librdkafka finds (-1); *id tags its result event. */
static rd_kafka_AdminOptions_t *admin_options(struct kafka *k,
                                              rd_kafka_admin_op_t op,
                                              int32_t broker, int t,
                                              uint64_t *id)
{
    char e[256];
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(k->rk, op);
    rd_kafka_AdminOptions_set_request_timeout(o, t, e, sizeof(e));
    if (broker >= 0)
        rd_kafka_AdminOptions_set_broker(o, broker, e, sizeof(e));
    *id = ++k->seq;
    rd_kafka_AdminOptions_set_opaque(o, (void *)(uintptr_t)*id);
    return o;
}

/* The result event of admin call id, or NULL at the deadline. */
static rd_kafka_event_t *admin_wait(struct kafka *k, uint64_t id,
                                    int64_t deadline)
{
    for (;;) {
        int t = remaining(deadline);
        rd_kafka_event_t *ev = rd_kafka_queue_poll(k->q, t);
        if (!ev)
            return NULL;
        if ((uintptr_t)rd_kafka_event_opaque(ev) == id)
            return ev;
        rd_kafka_event_destroy(ev); /* answer to an abandoned call */
        if (!t)
            return NULL;
    }
}

/* The coordinator moved, is starting, or is loading the group: worth asking
 * again (after a fresh look at the metadata). */
static bool coordinator_busy(rd_kafka_resp_err_t e)
{
    return e == RD_KAFKA_RESP_ERR_NOT_COORDINATOR ||
           e == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE ||
           e == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS;
}

/* Outcome of one attempt of a group call. */
enum attempt { ATTEMPT_OK = 0, ATTEMPT_FAILED = -1, ATTEMPT_RETRY = 1 };

/* The admin event as a whole: no answer by the deadline (failed), an error
 * saying the coordinator moved or is loading (retry: the broker refused
 * the call), another error (failed), or none. err is set but for OK. */
static enum attempt event_result(rd_kafka_event_t *ev, const char *what,
                                 char *err, size_t errlen)
{
    if (!ev) {
        timed_out(what, err, errlen);
        return ATTEMPT_FAILED;
    }
    rd_kafka_resp_err_t e = rd_kafka_event_error(ev);
    if (!e)
        return ATTEMPT_OK;
    snprintf(err, errlen, "%s: %s", what, rd_kafka_event_error_string(ev));
    return coordinator_busy(e) ? ATTEMPT_RETRY : ATTEMPT_FAILED;
}

/* A group-level error: busy coordinator (retry), other (failed with err),
 * none (ok). */
static enum attempt group_error(const rd_kafka_error_t *ge, const char *what,
                                char *err, size_t errlen)
{
    if (!ge)
        return ATTEMPT_OK;
    snprintf(err, errlen, "%s: %s", what, rd_kafka_error_string(ge));
    return coordinator_busy(rd_kafka_error_code(ge)) ? ATTEMPT_RETRY
                                                     : ATTEMPT_FAILED;
}

static bool any_busy(const rd_kafka_topic_partition_list_t *l)
{
    for (int i = 0; l && i < l->cnt; i++)
        if (coordinator_busy(l->elems[i].err))
            return true;
    return false;
}

/* One attempt of a group call at a given coordinator. */
typedef enum attempt (*group_call)(struct kafka *k, int32_t coord, void *arg,
                                   int64_t deadline, char *err, size_t errlen);

/* Runs fn against the group's coordinator until it answers for good or the
 * deadline passes, looking the coordinator up again after each answer that
 * says it moved or is still loading. first is the outcome of an attempt the
 * caller already made (ATTEMPT_RETRY) or ATTEMPT_OK to start fresh. */
static int with_coordinator(struct kafka *k, const char *group, group_call fn,
                            void *arg, enum attempt first, int64_t deadline,
                            char *err, size_t errlen)
{
    enum attempt r = first;
    bool refresh = first == ATTEMPT_RETRY;
    for (int n = 0;; n++) {
        int32_t coord;
        if (r == ATTEMPT_RETRY) {
            /* Back off a little: a restarted coordinator loads its groups
             * for a while. */
            int64_t pause = 50 * (n < 4 ? n + 1 : 4);
            if (remaining(deadline) <= pause)
                return -1; /* err says what the coordinator answered */
            struct timespec ts = {0, (long)pause * 1000000};
            nanosleep(&ts, NULL);
        }
        if (coordinator(k, group, refresh, deadline, &coord, err, errlen) < 0)
            return -1;
        r = fn(k, coord, arg, deadline, err, errlen);
        if (r != ATTEMPT_RETRY)
            return r == ATTEMPT_OK ? 0 : -1;
        refresh = true;
    }
}

/* Leadership is moving (a new topic, a broker restart): ask again. */
static bool leader_moving(rd_kafka_resp_err_t e)
{
    return e == RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE ||
           e == RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION ||
           e == RD_KAFKA_RESP_ERR_REPLICA_NOT_AVAILABLE;
}

/* One partition's answer to one ListOffsets lookup. */
struct found {
    int64_t v;   /* TP_NONE: none (by time: no message that late) */
    int16_t err; /* Kafka protocol error code */
};

/* One rd_kafka_offsets_for_times call (one ListOffsets per leader) for the
 * partitions of tps[0..n) without an error yet, answered into out[0..n);
 * leadership errors are retried until the deadline, with a short pause.
 * Thread-safe: reads tps, writes only out. */
static int list_offsets_one(struct kafka *k, const struct tp *tps, size_t n,
                            int64_t spec, struct found *out, int64_t deadline,
                            char *err, size_t errlen)
{
    rd_kafka_topic_partition_list_t *l = NULL;
    rd_kafka_resp_err_t e = RD_KAFKA_RESP_ERR_NO_ERROR;
    int rc = 0;

    for (size_t i = 0; i < n; i++)
        out[i] = (struct found){TP_NONE, 0};
    for (int attempt = 0;; attempt++) {
        int t = remaining(deadline);
        if (!t)
            return timed_out("ListOffsets", err, errlen);
        l = rd_kafka_topic_partition_list_new((int)n);
        for (size_t i = 0; i < n; i++) {
            if (tps[i].err)
                continue; /* known missing: nothing to ask */
            rd_kafka_topic_partition_t *p = rd_kafka_topic_partition_list_add(
                l, tps[i].topic, tps[i].partition);
            p->opaque = (void *)(uintptr_t)i;
            p->offset = spec;
        }
        if (!l->cnt)
            break;
        e = rd_kafka_offsets_for_times(k->rk, l, t);
        bool moving = leader_moving(e);
        for (int i = 0; !e && i < l->cnt && !moving; i++)
            moving = leader_moving(l->elems[i].err);
        if (!moving || remaining(deadline) <= 50)
            break;
        rd_kafka_topic_partition_list_destroy(l);
        l = NULL;
        struct timespec ts = {0,
                              (attempt < 3 ? 50 << attempt : 200) * 1000000L};
        nanosleep(&ts, NULL);
    }
    if (!l->cnt) {
        /* nothing was asked */
    } else if (e == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION) {
        /* Every partition unknown: a partition-level answer, not a failure
         * of the cluster. */
        for (int i = 0; i < l->cnt; i++)
            out[(uintptr_t)l->elems[i].opaque].err = proto_err(e);
    } else if (e) {
        snprintf(err, errlen, "ListOffsets: %s", rd_kafka_err2str(e));
        rc = -1;
    } else {
        for (int i = 0; i < l->cnt; i++) {
            const rd_kafka_topic_partition_t *p = &l->elems[i];
            struct found *f = &out[(uintptr_t)p->opaque];
            if (p->err)
                f->err = proto_err(p->err);
            else if (p->offset >= 0) /* by time, -1: no message that late */
                f->v = p->offset;
        }
    }
    rd_kafka_topic_partition_list_destroy(l);
    return rc;
}

/* librdkafka 2.0.2 matches every partition of an answer to its request by
 * a linear search (rd_kafka_topic_partition_list_find): a call over n
 * partitions costs O(n^2) of CPU, about 0.6 s for one ListOffsets over
 * 10,000. Above SLICE_MIN partitions a lookup is cut into SLICES slices
 * sent at once: 1/SLICES of that cost, spread over the cores, and still a
 * fixed number of requests per leader broker, whatever the partitions. */
#define SLICE_MIN 1000
#define SLICES 8

struct slice {
    size_t from, n;
};

/* Cuts tps[0..n) into contiguous slices (one when n <= SLICE_MIN). */
static size_t slices_of(size_t n, struct slice out[SLICES])
{
    size_t k = n <= SLICE_MIN ? 1 : SLICES;
    for (size_t i = 0; i < k; i++) {
        out[i].from = n * i / k;
        out[i].n = n * (i + 1) / k - out[i].from;
    }
    return k;
}

/* The ListOffsets lookups kafka_lookup can make, in the order their errors
 * are applied (a partition keeps the first one). */
static const struct {
    unsigned what;
    int64_t spec; /* the logical offset asked for; by time: the time */
    const char *name;
} kinds[] = {
    {KAFKA_END, RD_KAFKA_OFFSET_END, "ListOffsets(end)"},
    {KAFKA_START, RD_KAFKA_OFFSET_BEGINNING, "ListOffsets(start)"},
    {KAFKA_TIME, 0, "ListOffsets(time)"},
};
#define NKINDS UTIL_ARRAY_LEN(kinds)

struct list_job {
    struct kafka *k;
    const struct tp *tps;
    size_t n;
    int64_t spec;
    struct found *out;
    int64_t deadline;
    int rc;
    int64_t done_us;
    char err[256];
};

static void list_job_do(struct list_job *j)
{
    j->rc = list_offsets_one(j->k, j->tps, j->n, j->spec, j->out, j->deadline,
                             j->err, sizeof(j->err));
    j->done_us = util_mono_us();
}

static void *list_job_thread(void *arg)
{
    sigset_t all;
    /* Signals are the worker thread's business (see worker.c). */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    list_job_do(arg);
    return NULL;
}

/* The ListOffsets lookups asked for in what (KAFKA_END, KAFKA_START,
 * KAFKA_TIME), all at once: every kind, each in slices when large, and
 * every job but one on a thread of its own, so that no lookup waits for
 * another. The answers are applied to tps once all are in. */
static int list_offsets(struct kafka *k, struct pool *pool, struct tp *tps,
                        size_t n, unsigned what, int64_t time_ms,
                        int64_t deadline, char *err, size_t errlen)
{
    struct slice sl[SLICES];
    struct list_job jobs[NKINDS * SLICES];
    pthread_t th[NKINDS * SLICES];
    bool started[NKINDS * SLICES] = {false};
    struct found *res[NKINDS] = {NULL};
    size_t ns = slices_of(n, sl), nj = 0;
    int64_t t0 = util_mono_us();
    int rc = 0;

    for (size_t kd = 0; kd < NKINDS; kd++) {
        if (!(what & kinds[kd].what))
            continue;
        int64_t spec = kinds[kd].what == KAFKA_TIME ? time_ms : kinds[kd].spec;
        res[kd] = pool_alloc(pool, (n + 1) * sizeof(*res[kd]));
        for (size_t i = 0; i < ns; i++)
            jobs[nj++] = (struct list_job){
                .k = k,
                .tps = tps + sl[i].from,
                .n = sl[i].n,
                .spec = spec,
                .out = res[kd] + sl[i].from,
                .deadline = deadline,
            };
    }
    if (!nj)
        return 0;
    /* The first job runs here; the others on their own threads (on failure
     * to start one, here too). */
    for (size_t j = 1; j < nj; j++)
        started[j] =
            pthread_create(&th[j], NULL, list_job_thread, &jobs[j]) == 0;
    list_job_do(&jobs[0]);
    for (size_t j = 1; j < nj; j++) {
        if (started[j])
            pthread_join(th[j], NULL);
        else
            list_job_do(&jobs[j]);
    }

    for (size_t kd = 0, j = 0; kd < NKINDS; kd++) {
        if (!res[kd])
            continue;
        int64_t done = t0;
        bool failed = false;
        for (size_t i = 0; i < ns; i++, j++) {
            done = jobs[j].done_us > done ? jobs[j].done_us : done;
            failed |= jobs[j].rc != 0;
            if (jobs[j].rc && !rc) {
                snprintf(err, errlen, "%s", jobs[j].err);
                rc = -1;
            }
        }
        trace_add(kinds[kd].name, done - t0, failed);
    }
    if (rc)
        return rc;
    for (size_t kd = 0; kd < NKINDS; kd++) {
        if (!res[kd])
            continue;
        for (size_t i = 0; i < n; i++) {
            const struct found *f = &res[kd][i];
            if (tps[i].err)
                continue; /* not asked, or an earlier lookup's error */
            if (f->err)
                tps[i].err = f->err;
            else if (kinds[kd].what == KAFKA_END)
                tps[i].end = f->v;
            else if (kinds[kd].what == KAFKA_START)
                tps[i].start = f->v;
            else
                tps[i].found = f->v;
        }
    }
    return 0;
}

/* OffsetFetch: one request for the group's committed offsets of tps (all of
 * them when tps is NULL). The answer is applied by the caller. */
struct committed {
    const char *group;
    struct pool *pool;
    struct tp *tps; /* NULL: every committed partition */
    size_t n;
    struct tp *all; /* out, when tps is NULL */
    size_t nall;
    uint64_t id;
    int64_t sent_us;
    rd_kafka_event_t *ev; /* its answer, once collected */
};

/* Waits for the answers to cs[0..n) (each tagged with its id), until the
 * deadline; answers to anything else (abandoned calls) are dropped. */
static void committed_collect(struct kafka *k, struct committed *cs, size_t n,
                              int64_t deadline)
{
    size_t pending = 0;
    for (size_t i = 0; i < n; i++)
        pending += cs[i].id && !cs[i].ev;
    while (pending) {
        int t = remaining(deadline);
        rd_kafka_event_t *ev = rd_kafka_queue_poll(k->q, t);
        if (!ev)
            return;
        uint64_t id = (uintptr_t)rd_kafka_event_opaque(ev);
        size_t i = 0;
        while (i < n && (cs[i].id != id || cs[i].ev))
            i++;
        if (i < n) {
            cs[i].ev = ev;
            pending--;
        } else {
            rd_kafka_event_destroy(ev);
        }
        if (!t)
            return;
    }
}

static void committed_send(struct kafka *k, int32_t coord, struct committed *c,
                           int64_t deadline)
{
    rd_kafka_topic_partition_list_t *l =
        c->tps ? tp_list(c->tps, c->n, false) : NULL;
    rd_kafka_ListConsumerGroupOffsets_t *req =
        rd_kafka_ListConsumerGroupOffsets_new(c->group, l);
    rd_kafka_AdminOptions_t *o =
        admin_options(k, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, coord,
                      remaining(deadline), &c->id);
    c->sent_us = util_mono_us();
    rd_kafka_ListConsumerGroupOffsets(k->rk, &req, 1, o, k->q);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_ListConsumerGroupOffsets_destroy(req);
    if (l)
        rd_kafka_topic_partition_list_destroy(l);
}

static const char *copy_metadata(struct pool *pool,
                                 const rd_kafka_topic_partition_t *p)
{
    if (!p->metadata || !p->metadata_size)
        return "";
    return pool_strndup(pool, p->metadata, p->metadata_size);
}

static enum attempt committed_apply(rd_kafka_event_t *ev, struct committed *c,
                                    char *err, size_t errlen)
{
    size_t cnt = 0;
    enum attempt r = event_result(ev, "OffsetFetch", err, errlen);
    traced("OffsetFetch", c->sent_us, r != ATTEMPT_OK);
    if (r != ATTEMPT_OK)
        return r;
    const rd_kafka_group_result_t **g =
        rd_kafka_ListConsumerGroupOffsets_result_groups(
            rd_kafka_event_ListConsumerGroupOffsets_result(ev), &cnt);
    if (cnt != 1) {
        snprintf(err, errlen, "OffsetFetch: %zu groups in the answer", cnt);
        return ATTEMPT_FAILED;
    }
    r = group_error(rd_kafka_group_result_error(g[0]), "OffsetFetch", err,
                    errlen);
    if (r != ATTEMPT_OK)
        return r;
    const rd_kafka_topic_partition_list_t *l =
        rd_kafka_group_result_partitions(g[0]);
    if (any_busy(l)) {
        snprintf(err, errlen, "OffsetFetch: the group coordinator moved");
        return ATTEMPT_RETRY;
    }
    if (!c->tps) {
        c->all = pool_alloc(c->pool,
                            ((size_t)(l ? l->cnt : 0) + 1) * sizeof(*c->all));
        c->nall = 0;
    }
    for (int i = 0; l && i < l->cnt; i++) {
        const rd_kafka_topic_partition_t *p = &l->elems[i];
        if (!c->tps) {
            if (p->err || p->offset < 0)
                continue;
            struct tp *t = &c->all[c->nall++];
            tp_init(t, pool_strdup(c->pool, p->topic), p->partition);
            t->committed = p->offset;
            t->metadata = copy_metadata(c->pool, p);
            continue;
        }
        struct tp *tp = tp_find(c->tps, c->n, p);
        if (!tp)
            continue;
        if (p->err) {
            set_err(tp, p->err);
        } else if (p->offset >= 0) {
            tp->committed = p->offset;
            tp->metadata = copy_metadata(c->pool, p);
        }
    }
    return ATTEMPT_OK;
}

/* Applies and releases the collected answer of c. */
static enum attempt committed_take(struct committed *c, char *err,
                                   size_t errlen)
{
    enum attempt r = committed_apply(c->ev, c, err, errlen);
    if (c->ev)
        rd_kafka_event_destroy(c->ev);
    c->ev = NULL;
    return r;
}

static enum attempt committed_call(struct kafka *k, int32_t coord, void *arg,
                                   int64_t deadline, char *err, size_t errlen)
{
    struct committed *c = arg;
    committed_send(k, coord, c, deadline);
    committed_collect(k, c, 1, deadline);
    return committed_take(c, err, errlen);
}

int kafka_lookup(struct kafka *k, struct pool *pool, const char *group,
                 struct tp *tps, size_t n, unsigned what, int64_t time_ms,
                 int64_t deadline, char *err, size_t errlen)
{
    struct committed cs[SLICES];
    struct slice sl[SLICES];
    size_t ncs = 0;
    int32_t coord = -1;
    int rc = 0;

    size_t live = 0;
    for (size_t i = 0; i < n; i++)
        live += tps[i].err == 0;
    if (live == 0)
        return 0; /* (an empty OffsetFetch list would mean all partitions) */
    if (!remaining(deadline))
        return timed_out("Kafka", err, errlen);
    /* OffsetFetch goes out first (in slices when large, all at once) and is
     * awaited last: it travels while the ListOffsets calls below block. */
    if (what & KAFKA_COMMITTED) {
        if (coordinator(k, group, false, deadline, &coord, err, errlen) < 0)
            return -1;
        size_t ns = slices_of(n, sl);
        for (size_t i = 0; i < ns; i++) {
            struct tp *part = tps + sl[i].from;
            size_t m = 0;
            for (size_t j = 0; j < sl[i].n; j++)
                m += part[j].err == 0;
            if (!m)
                continue; /* an empty list would mean all partitions */
            cs[ncs] = (struct committed){group, pool, part, sl[i].n, NULL,
                                         0,     0,    0,    NULL};
            committed_send(k, coord, &cs[ncs++], deadline);
        }
    }
    rc = list_offsets(k, pool, tps, n, what, time_ms, deadline, err, errlen);
    if (rc || !ncs)
        return rc; /* abandoned OffsetFetch answers are dropped later */

    committed_collect(k, cs, ncs, deadline);
    for (size_t i = 0; i < ncs; i++) {
        char e[512];
        enum attempt r = committed_take(&cs[i], e, sizeof(e));
        if (r == ATTEMPT_RETRY && !rc)
            r = with_coordinator(k, group, committed_call, &cs[i], r, deadline,
                                 e, sizeof(e)) < 0
                    ? ATTEMPT_FAILED
                    : ATTEMPT_OK;
        if (r != ATTEMPT_OK && !rc) {
            snprintf(err, errlen, "%s", e);
            rc = -1;
        }
    }
    return rc;
}

int kafka_committed_all(struct kafka *k, struct pool *pool, const char *group,
                        struct tp **out, size_t *nout, int64_t deadline,
                        char *err, size_t errlen)
{
    struct committed c = {group, pool, NULL, 0, NULL, 0, 0, 0, NULL};
    if (!remaining(deadline))
        return timed_out("OffsetFetch", err, errlen);
    if (with_coordinator(k, group, committed_call, &c, ATTEMPT_OK, deadline,
                         err, errlen) < 0)
        return -1;
    qsort(c.all, c.nall, sizeof(*c.all), tp_cmp);
    *out = c.all;
    *nout = c.nall;
    return 0;
}

struct describe {
    const char *group;
    const char **state;
    size_t *members;
};

static enum attempt describe_call(struct kafka *k, int32_t coord, void *arg,
                                  int64_t deadline, char *err, size_t errlen)
{
    struct describe *d = arg;
    uint64_t id;
    size_t cnt = 0;
    enum attempt r = ATTEMPT_FAILED;

    rd_kafka_AdminOptions_t *o =
        admin_options(k, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, coord,
                      remaining(deadline), &id);
    int64_t t0 = util_mono_us();
    rd_kafka_DescribeConsumerGroups(k->rk, &d->group, 1, o, k->q);
    rd_kafka_AdminOptions_destroy(o);

    rd_kafka_event_t *ev = admin_wait(k, id, deadline);
    r = event_result(ev, "DescribeGroups", err, errlen);
    traced("DescribeGroups", t0, r != ATTEMPT_OK);
    if (r != ATTEMPT_OK)
        goto out;
    r = ATTEMPT_FAILED;
    const rd_kafka_ConsumerGroupDescription_t **g =
        rd_kafka_DescribeConsumerGroups_result_groups(
            rd_kafka_event_DescribeConsumerGroups_result(ev), &cnt);
    if (cnt != 1) {
        snprintf(err, errlen, "DescribeGroups: %zu groups in the answer", cnt);
        goto out;
    }
    r = group_error(rd_kafka_ConsumerGroupDescription_error(g[0]),
                    "DescribeGroups", err, errlen);
    if (r != ATTEMPT_OK)
        goto out;
    *d->state = rd_kafka_consumer_group_state_name(
        rd_kafka_ConsumerGroupDescription_state(g[0]));
    *d->members = rd_kafka_ConsumerGroupDescription_member_count(g[0]);
out:
    if (ev)
        rd_kafka_event_destroy(ev);
    return r;
}

int kafka_group_state(struct kafka *k, const char *group, int64_t deadline,
                      const char **state, size_t *members, char *err,
                      size_t errlen)
{
    struct describe d = {group, state, members};
    if (!remaining(deadline))
        return timed_out("DescribeGroups", err, errlen);
    return with_coordinator(k, group, describe_call, &d, ATTEMPT_OK, deadline,
                            err, errlen);
}

struct commit {
    const char *group;
    struct tp *tps;
    size_t n;
};

static enum attempt commit_call(struct kafka *k, int32_t coord, void *arg,
                                int64_t deadline, char *err, size_t errlen)
{
    struct commit *c = arg;
    uint64_t id;
    size_t cnt = 0;
    enum attempt r = ATTEMPT_FAILED;

    rd_kafka_topic_partition_list_t *l = tp_list(c->tps, c->n, true);
    rd_kafka_AlterConsumerGroupOffsets_t *req =
        rd_kafka_AlterConsumerGroupOffsets_new(c->group, l);
    rd_kafka_AdminOptions_t *o =
        admin_options(k, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, coord,
                      remaining(deadline), &id);
    int64_t t0 = util_mono_us();
    rd_kafka_AlterConsumerGroupOffsets(k->rk, &req, 1, o, k->q);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_AlterConsumerGroupOffsets_destroy(req);
    rd_kafka_topic_partition_list_destroy(l);

    rd_kafka_event_t *ev = admin_wait(k, id, deadline);
    r = event_result(ev, "OffsetCommit", err, errlen);
    traced("OffsetCommit", t0, r != ATTEMPT_OK);
    if (r != ATTEMPT_OK)
        goto out; /* RETRY: refused as a whole; FAILED: outcome unknown */
    r = ATTEMPT_FAILED;
    const rd_kafka_group_result_t **g =
        rd_kafka_AlterConsumerGroupOffsets_result_groups(
            rd_kafka_event_AlterConsumerGroupOffsets_result(ev), &cnt);
    if (cnt != 1) {
        snprintf(err, errlen, "OffsetCommit: %zu groups in the answer", cnt);
        goto out;
    }
    const rd_kafka_error_t *ge = rd_kafka_group_result_error(g[0]);
    if (ge) {
        rd_kafka_resp_err_t code = rd_kafka_error_code(ge);
        snprintf(err, errlen, "OffsetCommit: %s", rd_kafka_error_string(ge));
        if (coordinator_busy(code)) {
            r = ATTEMPT_RETRY; /* refused as a whole: safe to send again */
        } else if (code >= 0) {
            for (size_t i = 0; i < c->n; i++) /* refused them all */
                set_err(&c->tps[i], code);
            r = ATTEMPT_OK;
        }
        /* local error: we cannot know what the broker did */
        goto out;
    }
    const rd_kafka_topic_partition_list_t *res =
        rd_kafka_group_result_partitions(g[0]);
    if (any_busy(res)) {
        /* The coordinator refuses a whole commit, never a part of it. */
        snprintf(err, errlen, "OffsetCommit: the group coordinator moved");
        r = ATTEMPT_RETRY;
        goto out;
    }
    for (int i = 0; res && i < res->cnt; i++) {
        struct tp *tp = tp_find(c->tps, c->n, &res->elems[i]);
        if (tp)
            set_err(tp, res->elems[i].err);
    }
    r = ATTEMPT_OK;
out:
    if (ev)
        rd_kafka_event_destroy(ev);
    return r;
}

int kafka_commit(struct kafka *k, const char *group, struct tp *tps, size_t n,
                 int64_t deadline, char *err, size_t errlen)
{
    struct commit c = {group, tps, n};
    if (n == 0)
        return 0;
    if (!remaining(deadline))
        return timed_out("OffsetCommit", err, errlen);
    return with_coordinator(k, group, commit_call, &c, ATTEMPT_OK, deadline,
                            err, errlen);
}
