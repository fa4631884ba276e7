/* metadata.c - what the cluster says about itself: its brokers, controller
 * and topics (from the metadata cache), and one topic in detail (a Metadata
 * request for that topic alone, with its configuration from
 * DescribeConfigs, both in flight at once). */
#include "kafka/internal.h"

#include "common/pool.h"
#include "common/util.h"

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kafka_cluster(struct kafka *k, struct pool *pool, bool fresh,
                  int64_t deadline, struct kafka_cluster *out, char *err,
                  size_t errlen)
{
    struct kafka_meta m;
    if (fresh && kafka_refresh_metadata(k, deadline, err, errlen) < 0)
        return -1;
    if (kafka_metadata(k, NULL, 0, deadline, &m, err, errlen) < 0)
        return -1;
    out->nbrokers = k->nbrokers;
    out->brokers = pool_calloc(pool, k->nbrokers + 1, sizeof(*out->brokers));
    for (size_t i = 0; i < k->nbrokers; i++)
        out->brokers[i] = (struct kafka_broker){
            k->brokers[i].id, pool_strdup(pool, k->brokers[i].host),
            k->brokers[i].port};
    out->controller = k->controller;
    out->ntopics = m.n;
    out->topics = pool_calloc(pool, m.n + 1, sizeof(*out->topics));
    for (size_t i = 0; i < m.n; i++)
        out->topics[i] =
            (struct kafka_topic){pool_strdup(pool, m.topics[i].name),
                                 m.topics[i].partitions, m.topics[i].err};
    return 0;
}

static int partition_cmp(const void *a, const void *b)
{
    int32_t x = ((const struct kafka_partition *)a)->id;
    int32_t y = ((const struct kafka_partition *)b)->id;
    return (x > y) - (x < y);
}

static int entry_cmp(const void *a, const void *b)
{
    return strcmp(((const struct kafka_config_entry *)a)->name,
                  ((const struct kafka_config_entry *)b)->name);
}

/* The topic's partitions from a Metadata request for it alone. */
static int topic_partitions(struct kafka *k, struct pool *pool,
                            const char *topic, int64_t deadline,
                            struct kafka_topic_detail *out, char *err,
                            size_t errlen)
{
    const struct rd_kafka_metadata *md = NULL;
    int t = kafka_remaining(deadline);
    if (!t)
        return kafka_timed_out("Metadata", err, errlen);
    rd_kafka_topic_t *rkt = rd_kafka_topic_new(k->rk, topic, NULL);
    if (!rkt) {
        snprintf(err, errlen, "Metadata: %s",
                 rd_kafka_err2str(rd_kafka_last_error()));
        return -1;
    }
    int64_t t0 = util_mono_us();
    rd_kafka_resp_err_t e = rd_kafka_metadata(k->rk, 0, rkt, &md, t);
    kafka_traced("Metadata", t0, e != 0);
    rd_kafka_topic_destroy(rkt);
    if (e) {
        snprintf(err, errlen, "Metadata: %s", rd_kafka_err2str(e));
        return -1;
    }
    const rd_kafka_metadata_topic_t *mt = NULL;
    for (int i = 0; i < md->topic_cnt; i++)
        if (strcmp(md->topics[i].topic, topic) == 0)
            mt = &md->topics[i];
    if (!mt || mt->err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART) {
        out->exists = false;
    } else if (mt->err) {
        snprintf(err, errlen, "Metadata: topic %s: %s", topic,
                 rd_kafka_err2str(mt->err));
        rd_kafka_metadata_destroy(md);
        return -1;
    } else {
        out->exists = true;
        size_t n = mt->partition_cnt > 0 ? (size_t)mt->partition_cnt : 0;
        out->partitions = pool_calloc(pool, n + 1, sizeof(*out->partitions));
        for (size_t i = 0; i < n; i++) {
            const rd_kafka_metadata_partition_t *p = &mt->partitions[i];
            out->partitions[i] =
                (struct kafka_partition){p->id, p->leader, p->replica_cnt,
                                         p->isr_cnt, kafka_proto_err(p->err)};
        }
        out->npartitions = n;
        qsort(out->partitions, n, sizeof(*out->partitions), partition_cmp);
    }
    rd_kafka_metadata_destroy(md);
    return 0;
}

/* The non-default entries of the answer to DescribeConfigs call ev. */
static int topic_configs(rd_kafka_event_t *ev, struct pool *pool,
                         struct kafka_topic_detail *out, char *err,
                         size_t errlen)
{
    size_t nres = 0, n = 0;
    if (kafka_event_result(ev, "DescribeConfigs", err, errlen) != ATTEMPT_OK)
        return -1;
    const rd_kafka_ConfigResource_t **res =
        rd_kafka_DescribeConfigs_result_resources(
            rd_kafka_event_DescribeConfigs_result(ev), &nres);
    if (nres != 1) {
        snprintf(err, errlen, "DescribeConfigs: %zu resources in the answer",
                 nres);
        return -1;
    }
    rd_kafka_resp_err_t e = rd_kafka_ConfigResource_error(res[0]);
    if (e) {
        snprintf(err, errlen, "DescribeConfigs: %s",
                 rd_kafka_ConfigResource_error_string(res[0])
                     ? rd_kafka_ConfigResource_error_string(res[0])
                     : rd_kafka_err2str(e));
        return -1;
    }
    const rd_kafka_ConfigEntry_t **c =
        rd_kafka_ConfigResource_configs(res[0], &n);
    out->configs = pool_calloc(pool, n + 1, sizeof(*out->configs));
    out->nconfigs = 0;
    for (size_t i = 0; i < n; i++) {
        /* kafka-topics --describe prints every entry whose source is not
         * the default; a sensitive value is never sent. */
        if (rd_kafka_ConfigEntry_source(c[i]) ==
                RD_KAFKA_CONFIG_SOURCE_DEFAULT_CONFIG ||
            rd_kafka_ConfigEntry_is_default(c[i]) == 1 ||
            rd_kafka_ConfigEntry_is_sensitive(c[i]) == 1)
            continue;
        const char *v = rd_kafka_ConfigEntry_value(c[i]);
        out->configs[out->nconfigs++] = (struct kafka_config_entry){
            pool_strdup(pool, rd_kafka_ConfigEntry_name(c[i])),
            pool_strdup(pool, v ? v : "")};
    }
    qsort(out->configs, out->nconfigs, sizeof(*out->configs), entry_cmp);
    return 0;
}

int kafka_topic_detail(struct kafka *k, struct pool *pool, const char *topic,
                       int64_t deadline, struct kafka_topic_detail *out,
                       char *err, size_t errlen)
{
    struct kafka_meta m;
    *out = (struct kafka_topic_detail){0};
    /* The cache first: a name the cluster does not have costs nothing
     * more (and creates no topic handle). */
    if (kafka_metadata(k, &topic, 1, deadline, &m, err, errlen) < 0)
        return -1;
    if (!kafka_meta_topic(&m, topic))
        return 0;

    /* DescribeConfigs goes to a broker named explicitly (the controller,
     * else the first broker), never through librdkafka's controller wait,
     * and travels while the Metadata request blocks. */
    int32_t broker = k->controller >= 0 ? k->controller
                     : k->nbrokers      ? k->brokers[0].id
                                        : -1;
    uint64_t id;
    rd_kafka_ConfigResource_t *res =
        rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic);
    rd_kafka_AdminOptions_t *o =
        kafka_admin_options(k, RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, broker,
                            kafka_remaining(deadline), &id);
    int64_t t0 = util_mono_us();
    rd_kafka_DescribeConfigs(k->rk, &res, 1, o, k->q);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_ConfigResource_destroy(res);

    if (topic_partitions(k, pool, topic, deadline, out, err, errlen) < 0)
        return -1; /* the DescribeConfigs answer is dropped later */
    rd_kafka_event_t *ev = kafka_admin_wait(k, id, deadline);
    int rc = 0;
    if (out->exists)
        rc = topic_configs(ev, pool, out, err, errlen);
    kafka_traced("DescribeConfigs", t0, rc < 0);
    if (ev)
        rd_kafka_event_destroy(ev);
    return rc;
}
