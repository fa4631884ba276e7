/* client.c - one librdkafka client per instance per worker, made after
 * fork on first use, with one admin result queue whose events carry a
 * sequence number, so the late answer to a call that timed out is
 * recognised and dropped instead of being taken for the answer to a later
 * one; the topic metadata cache; librdkafka's logs and errors, queued and
 * served on the worker's thread, rate-limited; the trace of a request's
 * Kafka calls; the probe of brokers that refuse connections.
 *
 * The client has a group.id of its own, idle: it never subscribes, joins
 * or commits. librdkafka 2.0.2 answers a group-level NOT_COORDINATOR,
 * COORDINATOR_NOT_AVAILABLE or leadership error in an OffsetFetch by
 * messaging the client's own consumer group, which a client without
 * group.id does not have: a NULL dereference in its main thread
 * (rd_kafka_handle_OffsetFetch -> rd_kafka_cgrp_op). Coordinators move on
 * every broker restart, so the client must have one. */
#include "kafka/internal.h"

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

void kafka_trace_add(const char *what, int64_t us, bool failed)
{
    if (ntrace < TRACE_MAX)
        trace[ntrace] = (typeof(trace[0])){what, us, failed};
    ntrace++;
}

void kafka_traced(const char *what, int64_t since_us, bool failed)
{
    kafka_trace_add(what, util_mono_us() - since_us, failed);
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
    /* A refused connect on a near network answers in microseconds, but a
     * loaded machine may take a while to run us: a second is still far
     * below kafka_timeout, and only spent while the brokers seem down. */
    switch (probe_servers(k->bootstrap, 1000, why, sizeof(why))) {
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
    k->controller = -1;
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
    pthread_mutex_init(&k->reader_lock, NULL);
    clients = util_reallocarray(clients, nclients + 1, sizeof(*clients));
    clients[nclients++] = k;
    log_info("kafka %s: client created", inst->id);
    return k;
}

rd_kafka_t *kafka_reader(struct kafka *k, char *err, size_t errlen)
{
    /* Read up to the high watermark; stop at the log's end (an event, not
     * a wait); a wanted offset gone from the log is an error event, never
     * a jump elsewhere; small fetches: one record per partition is read.
     * No long poll: a Fetch the broker held at the log's end after the
     * records were read would hold the next request's Fetch behind it
     * (fetch.wait.max.ms, 100 ms each, measured in bench/RESULTS.md).
     * (queued.min.messages = 1 would stop the empty Fetches that follow
     * the one that brings the records, but a partition it holds back is
     * looked at again only about a second later: not used.) */
    static const struct {
        const char *key, *value;
    } reader_conf[] = {
        {"enable.partition.eof", "true"},
        {"auto.offset.reset", "error"},
        {"isolation.level", "read_uncommitted"},
        {"fetch.wait.max.ms", "0"},
        {"fetch.message.max.bytes", "65536"},

        {"queued.max.messages.kbytes", "1024"},
        {"client.id", "ckafka-fcgi-reader"},
    };
    char e[512];

    if (k->reader)
        return k->reader;
    rd_kafka_conf_t *conf = make_conf(k->inst, err, errlen);
    if (!conf)
        return NULL;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(reader_conf); i++)
        if (conf_set(conf, reader_conf[i].key, reader_conf[i].value, err,
                     errlen)) {
            rd_kafka_conf_destroy(conf);
            return NULL;
        }
    rd_kafka_conf_set_opaque(conf, k);
    rd_kafka_conf_set_log_cb(conf, log_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);
    k->reader = rd_kafka_new(RD_KAFKA_CONSUMER, conf, e, sizeof(e));
    if (!k->reader) {
        rd_kafka_conf_destroy(conf);
        snprintf(err, errlen, "cannot create the Kafka record reader: %s", e);
        return NULL;
    }
    rd_kafka_set_log_queue(k->reader, NULL);
    log_info("kafka %s: record reader created", k->inst->id);
    return k->reader;
}

bool kafka_first_bootstrap(const struct config_instance *inst, char *host,
                           size_t hl, char *port, size_t pl)
{
    for (size_t i = 0; i < inst->nprops; i++)
        if (strcmp(inst->props[i].key, "bootstrap.servers") == 0)
            return probe_first_server(inst->props[i].value, host, hl, port, pl);
    return false;
}

void kafka_poll_all(void)
{
    for (size_t i = 0; i < nclients; i++) {
        rd_kafka_poll(clients[i]->rk, 0);
        if (clients[i]->reader)
            rd_kafka_poll(clients[i]->reader, 0);
    }
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
    for (size_t i = 0; i < k->nbrokers; i++)
        free((char *)k->brokers[i].host);
    free(k->brokers);
    k->brokers = NULL;
    k->nbrokers = 0;
}

static int broker_cmp(const void *a, const void *b)
{
    int32_t x = ((const struct kafka_broker *)a)->id;
    int32_t y = ((const struct kafka_broker *)b)->id;
    return (x > y) - (x < y);
}

void kafka_close_all(void)
{
    for (size_t i = 0; i < nclients; i++) {
        struct kafka *k = clients[i];
        rd_kafka_queue_destroy(k->q);
        /* The idle group never joined: nothing to leave. */
        rd_kafka_destroy_flags(k->rk, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        if (k->reader)
            rd_kafka_destroy_flags(k->reader,
                                   RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
        pthread_mutex_destroy(&k->reader_lock);
        free_topics(k);
        free(k);
    }
    free(clients);
    clients = NULL;
    nclients = 0;
}

/* Milliseconds left before deadline, at least 0, at most INT_MAX. */
int kafka_remaining(int64_t deadline)
{
    int64_t r = deadline - util_mono_ms();
    if (r <= 0)
        return 0;
    return r > INT_MAX ? INT_MAX : (int)r;
}

/* A librdkafka error as the Kafka protocol code the API reports. Local
 * errors (negative) become the protocol code that means the same. */
int16_t kafka_proto_err(rd_kafka_resp_err_t e)
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

void kafka_set_err(struct tp *t, rd_kafka_resp_err_t e)
{
    if (!t->err && e)
        t->err = kafka_proto_err(e);
}

int kafka_timed_out(const char *what, char *err, size_t errlen)
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

int kafka_refresh_metadata(struct kafka *k, int64_t deadline, char *err,
                           size_t errlen)
{
    const struct rd_kafka_metadata *md = NULL;
    int t = kafka_remaining(deadline);
    if (!t)
        return kafka_timed_out("Metadata", err, errlen);
    int64_t t0 = util_mono_us();
    rd_kafka_resp_err_t e = rd_kafka_metadata(k->rk, 1, NULL, &md, t);
    kafka_traced("Metadata", t0, e != RD_KAFKA_RESP_ERR_NO_ERROR);
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
        k->topics[i].err = kafka_proto_err(mt->err);
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
    k->brokers = util_calloc((size_t)md->broker_cnt + 1, sizeof(*k->brokers));
    for (int i = 0; i < md->broker_cnt; i++)
        k->brokers[i] = (struct kafka_broker){md->brokers[i].id,
                                              util_strdup(md->brokers[i].host),
                                              md->brokers[i].port};
    k->nbrokers = (size_t)md->broker_cnt;
    qsort(k->brokers, k->nbrokers, sizeof(*k->brokers), broker_cmp);
    /* From the answer just read (Metadata v1+ names the controller). */
    k->controller = rd_kafka_controllerid(k->rk, 0);
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
    if (stale && kafka_refresh_metadata(k, deadline, err, errlen) < 0)
        return -1;
    out->topics = k->topics;
    out->n = k->ntopics;
    return 0;
}
