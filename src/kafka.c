/* kafka.c - the only file that includes rdkafka.h. One client per instance
 * per worker, made after fork on first use; one admin result queue per
 * client whose events carry a sequence number, so the late answer to a call
 * that timed out is recognised and dropped instead of being taken for the
 * answer to a later one. librdkafka's logs and errors are queued and served
 * here, on the worker's thread, rate-limited. */
#include "kafka.h"

#include "config.h"
#include "log.h"
#include "offsets.h"
#include "pool.h"
#include "util.h"

#include <librdkafka/rdkafka.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct kafka {
    const struct config_instance *inst;
    rd_kafka_t *rk;
    rd_kafka_queue_t *q; /* admin results */
    uint64_t seq;        /* opaque of the latest admin call */
    int64_t cache_ms;

    struct kafka_topic *topics; /* metadata cache, sorted by name */
    size_t ntopics;
    int64_t fetched_ms; /* -1: never */

    int64_t log_window_ms; /* rate limit of librdkafka's complaints */
    unsigned log_lines, log_dropped;
};

static struct kafka **clients;
static size_t nclients;

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

static rd_kafka_conf_t *make_conf(const struct config_instance *inst,
                                  char *err, size_t errlen)
{
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    for (size_t i = 0; i < UTIL_ARRAY_LEN(defaults); i++)
        if (conf_set(conf, defaults[i].key, defaults[i].value, err, errlen))
            goto fail;
    for (size_t i = 0; i < inst->nprops; i++) {
        const char *k = inst->props[i].key;
        /* A group.id would make this handle a group member; it is the
         * groups of the requests that we read and reset, never our own. */
        if (strcmp(k, "group.id") == 0) {
            snprintf(err, errlen,
                     "group.id: not allowed (the group comes from each "
                     "request)");
            goto fail;
        }
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
            log_warn("kafka %s: %u similar messages suppressed",
                     k->inst->id, k->log_dropped);
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

static void error_cb(rd_kafka_t *rk, int err, const char *reason,
                     void *opaque)
{
    (void)rk;
    say(opaque, LOG_LEVEL_WARN, rd_kafka_err2name(err), reason);
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
    rd_kafka_conf_set_opaque(conf, k);
    rd_kafka_conf_set_log_cb(conf, log_cb);
    rd_kafka_conf_set_error_cb(conf, error_cb);
    /* A consumer without group.id: ListOffsets honours isolation.level. */
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
}

void kafka_close_all(void)
{
    for (size_t i = 0; i < nclients; i++) {
        struct kafka *k = clients[i];
        rd_kafka_queue_destroy(k->q);
        rd_kafka_destroy(k->rk);
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
    case RD_KAFKA_RESP_ERR__TIMED_OUT_QUEUE:
        return KAFKA_ERR_REQUEST_TIMED_OUT;
    case RD_KAFKA_RESP_ERR__TRANSPORT:
    case RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN:
        return RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION;
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
        return KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
    default:
        return KAFKA_ERR_UNKNOWN;
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
    rd_kafka_resp_err_t e = rd_kafka_metadata(k->rk, 1, NULL, &md, t);
    if (e) {
        snprintf(err, errlen, "Metadata: %s", rd_kafka_err2str(e));
        return -1;
    }
    free_topics(k);
    k->topics = util_calloc((size_t)md->topic_cnt, sizeof(*k->topics));
    for (int i = 0; i < md->topic_cnt; i++) {
        k->topics[i].name = util_strdup(md->topics[i].topic);
        k->topics[i].partitions = md->topics[i].partition_cnt;
        k->topics[i].err = proto_err(md->topics[i].err);
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
    bool stale = k->fetched_ms < 0 ||
                 util_mono_ms() - k->fetched_ms >= k->cache_ms;
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

static rd_kafka_topic_partition_list_t *tp_list(const struct tp *tps,
                                                size_t n, bool targets)
{
    rd_kafka_topic_partition_list_t *l =
        rd_kafka_topic_partition_list_new((int)n);
    for (size_t i = 0; i < n; i++) {
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
    offsets_tp_init(&key, p->topic, p->partition);
    return bsearch(&key, tps, n, sizeof(*tps), offsets_tp_cmp);
}

/* Starts an admin call answered on k->q; *id tags its result event. */
static rd_kafka_AdminOptions_t *admin_options(struct kafka *k,
                                              rd_kafka_admin_op_t op,
                                              int t, uint64_t *id)
{
    char e[256];
    rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(k->rk, op);
    rd_kafka_AdminOptions_set_request_timeout(o, t, e, sizeof(e));
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

/* Whole-call failure of an admin event: 0, or -1 with err. */
static int event_failed(rd_kafka_event_t *ev, const char *what, char *err,
                        size_t errlen)
{
    if (!ev)
        return timed_out(what, err, errlen);
    if (rd_kafka_event_error(ev)) {
        snprintf(err, errlen, "%s: %s", what,
                 rd_kafka_event_error_string(ev));
        return -1;
    }
    return 0;
}

/* Group-level error of a group result: 0, or -1 with err. */
static int group_failed(const rd_kafka_group_result_t *g, const char *what,
                        char *err, size_t errlen)
{
    const rd_kafka_error_t *ge = rd_kafka_group_result_error(g);
    if (!ge)
        return 0;
    snprintf(err, errlen, "%s: %s", what, rd_kafka_error_string(ge));
    return -1;
}

enum field { F_START, F_END, F_FOUND };

static int list_offsets(struct kafka *k, struct tp *tps, size_t n,
                        int64_t spec, enum field f, int64_t deadline,
                        char *err, size_t errlen)
{
    int t = remaining(deadline);
    if (!t)
        return timed_out("ListOffsets", err, errlen);
    rd_kafka_topic_partition_list_t *l = tp_list(tps, n, false);
    for (int i = 0; i < l->cnt; i++)
        l->elems[i].offset = spec;
    rd_kafka_resp_err_t e = rd_kafka_offsets_for_times(k->rk, l, t);
    if (e == RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION) {
        /* Every partition unknown: a partition-level answer, not a failure
         * of the cluster. */
        for (size_t i = 0; i < n; i++)
            set_err(&tps[i], e);
        e = RD_KAFKA_RESP_ERR_NO_ERROR;
    } else if (e) {
        snprintf(err, errlen, "ListOffsets: %s", rd_kafka_err2str(e));
        rd_kafka_topic_partition_list_destroy(l);
        return -1;
    } else {
        for (int i = 0; i < l->cnt; i++) {
            const rd_kafka_topic_partition_t *p = &l->elems[i];
            struct tp *tp = &tps[(uintptr_t)p->opaque];
            if (p->err) {
                set_err(tp, p->err);
                continue;
            }
            /* By time, -1 means no message is that late (not an error). */
            int64_t v = p->offset >= 0 ? p->offset : OFFSETS_NONE;
            if (f == F_START)
                tp->start = v;
            else if (f == F_END)
                tp->end = v;
            else
                tp->found = v;
        }
    }
    rd_kafka_topic_partition_list_destroy(l);
    return 0;
}

/* Sends OffsetFetch for tps (all committed when tps is NULL); *id tags it. */
static void committed_send(struct kafka *k, const char *group,
                           const struct tp *tps, size_t n, int t,
                           uint64_t *id)
{
    rd_kafka_topic_partition_list_t *l = tps ? tp_list(tps, n, false) : NULL;
    rd_kafka_ListConsumerGroupOffsets_t *req =
        rd_kafka_ListConsumerGroupOffsets_new(group, l);
    rd_kafka_AdminOptions_t *o = admin_options(
        k, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, t, id);
    rd_kafka_ListConsumerGroupOffsets(k->rk, &req, 1, o, k->q);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_ListConsumerGroupOffsets_destroy(req);
    if (l)
        rd_kafka_topic_partition_list_destroy(l);
}

/* The partitions of a ListConsumerGroupOffsets answer, or NULL with err. */
static const rd_kafka_topic_partition_list_t *
committed_result(rd_kafka_event_t *ev, char *err, size_t errlen)
{
    size_t cnt = 0;
    if (event_failed(ev, "OffsetFetch", err, errlen) < 0)
        return NULL;
    const rd_kafka_group_result_t **g =
        rd_kafka_ListConsumerGroupOffsets_result_groups(
            rd_kafka_event_ListConsumerGroupOffsets_result(ev), &cnt);
    if (cnt != 1) {
        snprintf(err, errlen, "OffsetFetch: %zu groups in the answer", cnt);
        return NULL;
    }
    if (group_failed(g[0], "OffsetFetch", err, errlen) < 0)
        return NULL;
    return rd_kafka_group_result_partitions(g[0]);
}

static const char *copy_metadata(struct pool *pool,
                                 const rd_kafka_topic_partition_t *p)
{
    if (!p->metadata || !p->metadata_size)
        return "";
    return pool_strndup(pool, p->metadata, p->metadata_size);
}

int kafka_lookup(struct kafka *k, struct pool *pool, const char *group,
                 struct tp *tps, size_t n, unsigned what, int64_t time_ms,
                 int64_t deadline, char *err, size_t errlen)
{
    uint64_t id = 0;
    int rc = 0;

    if (n == 0)
        return 0;
    if (!remaining(deadline))
        return timed_out("Kafka", err, errlen);
    /* OffsetFetch goes out first and is awaited last: it travels while the
     * ListOffsets calls below block. */
    if (what & KAFKA_COMMITTED)
        committed_send(k, group, tps, n, remaining(deadline), &id);
    if (what & KAFKA_END)
        rc = list_offsets(k, tps, n, RD_KAFKA_OFFSET_END, F_END, deadline,
                          err, errlen);
    if (!rc && (what & KAFKA_START))
        rc = list_offsets(k, tps, n, RD_KAFKA_OFFSET_BEGINNING, F_START,
                          deadline, err, errlen);
    if (!rc && (what & KAFKA_TIME))
        rc = list_offsets(k, tps, n, time_ms, F_FOUND, deadline, err,
                          errlen);
    if (rc || !(what & KAFKA_COMMITTED))
        return rc; /* an abandoned OffsetFetch answer is dropped later */

    rd_kafka_event_t *ev = admin_wait(k, id, deadline);
    const rd_kafka_topic_partition_list_t *l =
        committed_result(ev, err, errlen);
    if (!l) {
        rc = -1;
    } else {
        for (int i = 0; i < l->cnt; i++) {
            const rd_kafka_topic_partition_t *p = &l->elems[i];
            struct tp *tp = tp_find(tps, n, p);
            if (!tp)
                continue;
            if (p->err) {
                set_err(tp, p->err);
                continue;
            }
            if (p->offset >= 0) {
                tp->committed = p->offset;
                tp->metadata = copy_metadata(pool, p);
            }
        }
    }
    if (ev)
        rd_kafka_event_destroy(ev);
    return rc;
}

int kafka_committed_all(struct kafka *k, struct pool *pool, const char *group,
                        struct tp **out, size_t *nout, int64_t deadline,
                        char *err, size_t errlen)
{
    uint64_t id;
    int t = remaining(deadline);
    if (!t)
        return timed_out("OffsetFetch", err, errlen);
    committed_send(k, group, NULL, 0, t, &id);
    rd_kafka_event_t *ev = admin_wait(k, id, deadline);
    const rd_kafka_topic_partition_list_t *l =
        committed_result(ev, err, errlen);
    if (!l) {
        if (ev)
            rd_kafka_event_destroy(ev);
        return -1;
    }
    struct tp *tps = pool_alloc(pool, ((size_t)l->cnt + 1) * sizeof(*tps));
    size_t n = 0;
    for (int i = 0; i < l->cnt; i++) {
        const rd_kafka_topic_partition_t *p = &l->elems[i];
        if (p->err || p->offset < 0)
            continue;
        offsets_tp_init(&tps[n], pool_strdup(pool, p->topic), p->partition);
        tps[n].committed = p->offset;
        tps[n].metadata = copy_metadata(pool, p);
        n++;
    }
    rd_kafka_event_destroy(ev);
    qsort(tps, n, sizeof(*tps), offsets_tp_cmp);
    *out = tps;
    *nout = n;
    return 0;
}

int kafka_group_state(struct kafka *k, const char *group, int64_t deadline,
                      const char **state, size_t *members, char *err,
                      size_t errlen)
{
    uint64_t id;
    size_t cnt = 0;
    int rc = -1;
    int t = remaining(deadline);
    if (!t)
        return timed_out("DescribeGroups", err, errlen);

    rd_kafka_AdminOptions_t *o = admin_options(
        k, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, t, &id);
    rd_kafka_DescribeConsumerGroups(k->rk, &group, 1, o, k->q);
    rd_kafka_AdminOptions_destroy(o);

    rd_kafka_event_t *ev = admin_wait(k, id, deadline);
    if (event_failed(ev, "DescribeGroups", err, errlen) < 0)
        goto out;
    const rd_kafka_ConsumerGroupDescription_t **g =
        rd_kafka_DescribeConsumerGroups_result_groups(
            rd_kafka_event_DescribeConsumerGroups_result(ev), &cnt);
    if (cnt != 1) {
        snprintf(err, errlen, "DescribeGroups: %zu groups in the answer",
                 cnt);
        goto out;
    }
    const rd_kafka_error_t *ge = rd_kafka_ConsumerGroupDescription_error(g[0]);
    if (ge) {
        snprintf(err, errlen, "DescribeGroups: %s",
                 rd_kafka_error_string(ge));
        goto out;
    }
    *state = rd_kafka_consumer_group_state_name(
        rd_kafka_ConsumerGroupDescription_state(g[0]));
    *members = rd_kafka_ConsumerGroupDescription_member_count(g[0]);
    rc = 0;
out:
    if (ev)
        rd_kafka_event_destroy(ev);
    return rc;
}

int kafka_commit(struct kafka *k, const char *group, struct tp *tps,
                 size_t n, int64_t deadline, char *err, size_t errlen)
{
    uint64_t id;
    size_t cnt = 0;
    int rc = -1;
    int t = remaining(deadline);

    if (n == 0)
        return 0;
    if (!t)
        return timed_out("OffsetCommit", err, errlen);
    rd_kafka_topic_partition_list_t *l = tp_list(tps, n, true);
    rd_kafka_AlterConsumerGroupOffsets_t *req =
        rd_kafka_AlterConsumerGroupOffsets_new(group, l);
    rd_kafka_AdminOptions_t *o = admin_options(
        k, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS, t, &id);
    rd_kafka_AlterConsumerGroupOffsets(k->rk, &req, 1, o, k->q);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_AlterConsumerGroupOffsets_destroy(req);
    rd_kafka_topic_partition_list_destroy(l);

    rd_kafka_event_t *ev = admin_wait(k, id, deadline);
    if (event_failed(ev, "OffsetCommit", err, errlen) < 0)
        goto out;
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
        if (code < 0) { /* local: we cannot know what the broker did */
            snprintf(err, errlen, "OffsetCommit: %s",
                     rd_kafka_error_string(ge));
            goto out;
        }
        for (size_t i = 0; i < n; i++) /* the broker refused them all */
            set_err(&tps[i], code);
        rc = 0;
        goto out;
    }
    const rd_kafka_topic_partition_list_t *res =
        rd_kafka_group_result_partitions(g[0]);
    for (int i = 0; res && i < res->cnt; i++) {
        struct tp *tp = tp_find(tps, n, &res->elems[i]);
        if (tp)
            set_err(tp, res->elems[i].err);
    }
    rc = 0;
out:
    if (ev)
        rd_kafka_event_destroy(ev);
    return rc;
}
