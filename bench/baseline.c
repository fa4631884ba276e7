/* baseline - the ceiling ckafka-fcgi is measured against: the broker calls
 * of one GetGroupOffsets (an OffsetFetch sent to the group's coordinator,
 * in flight while rd_kafka_offsets_for_times reads the log end offsets,
 * one ListOffsets per leader), in a loop, from CONCURRENCY threads spread
 * over HANDLES librdkafka clients (ckafka-fcgi has one client per worker),
 * with no HTTP, no JSON and no signing. Prints one JSON object.
 *
 *   baseline -b BOOT -g GROUP -t TOPIC [-t TOPIC ...] [-c 64] [-H 8] [-d 10]
 */
#include "kafka/kafka.h"

#include <librdkafka/rdkafka.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static const char *boot = "127.0.0.1:19092", *group;
static const char *topics[256];
static int ntopics, conc = 64, nhandles = 8;
static double seconds = 10;
static rd_kafka_t **handles;
static rd_kafka_topic_partition_list_t *parts; /* every partition */
static int32_t coordinator = -1;
static int64_t deadline_us;

static atomic_long errors;
static int64_t **lat; /* per thread */
static size_t *nlat;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "baseline: %s: %s\n", what, why);
    exit(1);
}

static rd_kafka_t *client(void)
{
    char e[512];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    /* As ckafka-fcgi configures its clients. */
    if (rd_kafka_conf_set(c, "bootstrap.servers", boot, e, sizeof(e)) ||
        rd_kafka_conf_set(c, "isolation.level", "read_uncommitted", e,
                          sizeof(e)) ||
        rd_kafka_conf_set(c, "group.id", "ckafka-fcgi-baseline", e,
                          sizeof(e)) ||
        rd_kafka_conf_set(c, "enable.auto.commit", "false", e, sizeof(e)))
        die("conf", e);
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, c, e, sizeof(e));
    if (!rk)
        die("rd_kafka_new", e);
    return rk;
}

/* Partitions of the topics and the group's coordinator, as ckafka-fcgi
 * computes them, from one metadata answer. */
static void discover(rd_kafka_t *rk)
{
    const struct rd_kafka_metadata *md;
    rd_kafka_resp_err_t e = rd_kafka_metadata(rk, 1, NULL, &md, 10000);
    if (e)
        die("metadata", rd_kafka_err2str(e));
    parts = rd_kafka_topic_partition_list_new(1000);
    for (int t = 0; t < ntopics; t++) {
        int found = 0;
        for (int i = 0; i < md->topic_cnt; i++) {
            if (strcmp(md->topics[i].topic, topics[t]) != 0)
                continue;
            found = 1;
            for (int p = 0; p < md->topics[i].partition_cnt; p++)
                rd_kafka_topic_partition_list_add(parts, topics[t], p);
        }
        if (!found)
            die(topics[t], "no such topic");
    }
    for (int i = 0; i < md->topic_cnt; i++) {
        if (strcmp(md->topics[i].topic, "__consumer_offsets") != 0)
            continue;
        int32_t p =
            kafka_coordinator_partition(group, md->topics[i].partition_cnt);
        for (int j = 0; j < md->topics[i].partition_cnt; j++)
            if (md->topics[i].partitions[j].id == p)
                coordinator = md->topics[i].partitions[j].leader;
    }
    rd_kafka_metadata_destroy(md);
}

static void *loop(void *arg)
{
    int id = (int)(intptr_t)arg;
    rd_kafka_t *rk = handles[id % nhandles];
    rd_kafka_queue_t *q = rd_kafka_queue_new(rk);
    size_t cap = 1 << 16;
    lat[id] = malloc(cap * sizeof(**lat));

    while (now_us() < deadline_us) {
        int64_t t0 = now_us();
        char e[256];
        /* OffsetFetch first, awaited last. */
        rd_kafka_ListConsumerGroupOffsets_t *req =
            rd_kafka_ListConsumerGroupOffsets_new(group, parts);
        rd_kafka_AdminOptions_t *o = rd_kafka_AdminOptions_new(
            rk, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS);
        rd_kafka_AdminOptions_set_request_timeout(o, 5000, e, sizeof(e));
        if (coordinator >= 0)
            rd_kafka_AdminOptions_set_broker(o, coordinator, e, sizeof(e));
        rd_kafka_ListConsumerGroupOffsets(rk, &req, 1, o, q);
        rd_kafka_AdminOptions_destroy(o);
        rd_kafka_ListConsumerGroupOffsets_destroy(req);

        rd_kafka_topic_partition_list_t *l =
            rd_kafka_topic_partition_list_copy(parts);
        for (int i = 0; i < l->cnt; i++)
            l->elems[i].offset = RD_KAFKA_OFFSET_END;
        if (rd_kafka_offsets_for_times(rk, l, 5000))
            atomic_fetch_add(&errors, 1);
        rd_kafka_topic_partition_list_destroy(l);

        rd_kafka_event_t *ev = rd_kafka_queue_poll(q, 5000);
        if (!ev || rd_kafka_event_error(ev))
            atomic_fetch_add(&errors, 1);
        if (ev)
            rd_kafka_event_destroy(ev);
        if (nlat[id] == cap) {
            cap *= 2;
            lat[id] = realloc(lat[id], cap * sizeof(**lat));
        }
        lat[id][nlat[id]++] = now_us() - t0;
    }
    rd_kafka_queue_destroy(q);
    return NULL;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
    int opt;
    while ((opt = getopt(argc, argv, "b:g:t:c:H:d:")) != -1) {
        switch (opt) {
        case 'b': boot = optarg; break;
        case 'g': group = optarg; break;
        case 't':
            if (ntopics < 256)
                topics[ntopics++] = optarg;
            break;
        case 'c': conc = atoi(optarg); break;
        case 'H': nhandles = atoi(optarg); break;
        case 'd': seconds = atof(optarg); break;
        default: return 2;
        }
    }
    if (!group || !ntopics || conc < 1 || nhandles < 1) {
        fprintf(stderr, "usage: baseline -b BOOT -g GROUP -t TOPIC... [-c N] "
                        "[-H N] [-d S]\n");
        return 2;
    }
    handles = calloc((size_t)nhandles, sizeof(*handles));
    for (int i = 0; i < nhandles; i++)
        handles[i] = client();
    discover(handles[0]);
    /* Warm every client up (connections, metadata) before timing. */
    for (int i = 0; i < nhandles; i++) {
        rd_kafka_topic_partition_list_t *l =
            rd_kafka_topic_partition_list_copy(parts);
        for (int j = 0; j < l->cnt; j++)
            l->elems[j].offset = RD_KAFKA_OFFSET_END;
        rd_kafka_offsets_for_times(handles[i], l, 10000);
        rd_kafka_topic_partition_list_destroy(l);
    }
    lat = calloc((size_t)conc, sizeof(*lat));
    nlat = calloc((size_t)conc, sizeof(*nlat));
    pthread_t *th = calloc((size_t)conc, sizeof(*th));
    int64_t t0 = now_us();
    deadline_us = t0 + (int64_t)(seconds * 1e6);
    for (int i = 0; i < conc; i++)
        pthread_create(&th[i], NULL, loop, (void *)(intptr_t)i);
    for (int i = 0; i < conc; i++)
        pthread_join(th[i], NULL);
    double elapsed = (double)(now_us() - t0) / 1e6;

    size_t n = 0;
    for (int i = 0; i < conc; i++)
        n += nlat[i];
    int64_t *all = malloc((n + 1) * sizeof(*all));
    for (int i = 0, k = 0; i < conc; i++)
        for (size_t j = 0; j < nlat[i]; j++)
            all[k++] = lat[i][j];
    qsort(all, n, sizeof(*all), cmp_i64);
#define Q(q) (n ? (double)all[(size_t)ceil((q) * (double)n) - 1] / 1000.0 : 0)
    printf("{\"concurrency\":%d,\"handles\":%d,\"partitions\":%d,"
           "\"seconds\":%.3f,\"requests\":%zu,\"errors\":%ld,\"rate\":%.1f,"
           "\"latency_ms\":{\"p50\":%.3f,\"p90\":%.3f,\"p99\":%.3f,"
           "\"max\":%.3f}}\n",
           conc, nhandles, parts->cnt, elapsed, n, atomic_load(&errors),
           (double)n / elapsed, Q(0.50), Q(0.90), Q(0.99),
           n ? (double)all[n - 1] / 1000.0 : 0);
    for (int i = 0; i < nhandles; i++)
        rd_kafka_destroy_flags(handles[i],
                               RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
    return 0;
}
