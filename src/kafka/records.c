/* records.c - the timestamp of one record per partition, read by the
 * instance's record reader: every partition assigned at once at its offset
 * (librdkafka then fetches them in one Fetch per leader broker), the first
 * record of each taken, the assignment dropped. Bounded by the deadline;
 * never commits, never joins a group. */
#include "kafka/internal.h"

#include "common/config.h"
#include "common/log.h"
#include "common/pool.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int kafka_record_times(struct kafka *k, struct pool *pool, const struct tp *tps,
                       size_t n, const int64_t *at, int64_t *ts,
                       int64_t deadline, char *err, size_t errlen)
{
    int rc = -1;
    size_t pending = 0;
    bool *done = pool_calloc(pool, n + 1, sizeof(*done));
    rd_kafka_topic_partition_list_t *l = NULL;
    int64_t t0 = util_mono_us();

    for (size_t i = 0; i < n; i++) {
        ts[i] = -1;
        done[i] = at[i] < 0;
        pending += !done[i];
    }
    if (!pending)
        return 0;

    pthread_mutex_lock(&k->reader_lock);
    rd_kafka_t *rk = kafka_reader(k, err, errlen);
    if (!rk)
        goto out;
    l = rd_kafka_topic_partition_list_new((int)pending);
    for (size_t i = 0; i < n; i++)
        if (!done[i])
            rd_kafka_topic_partition_list_add(l, tps[i].topic, tps[i].partition)
                ->offset = at[i];
    /* Paused by an earlier read (below): librdkafka keeps a partition's
     * pause across assignments. */
    rd_kafka_resume_partitions(rk, l);
    rd_kafka_resp_err_t e = rd_kafka_assign(rk, l);
    if (e) {
        snprintf(err, errlen, "record timestamps: assign: %s",
                 rd_kafka_err2str(e));
        goto out;
    }
    while (pending) {
        int left = kafka_remaining(deadline);
        if (left <= 0)
            break;
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, left);
        if (!m)
            continue;
        struct tp key;
        const struct tp *t = NULL;
        if (m->rkt) {
            tp_init(&key, rd_kafka_topic_name(m->rkt), m->partition);
            t = bsearch(&key, tps, n, sizeof(*tps), tp_cmp);
        }
        size_t i = t ? (size_t)(t - tps) : n;
        if (i < n && !done[i]) {
            /* A record other than the one wanted (compacted away, or a
             * transaction marker the reader skips), the log's end, or an
             * offset gone from the log: no timestamp. */
            if (!m->err && m->offset == at[i]) {
                rd_kafka_timestamp_type_t type;
                int64_t v = rd_kafka_message_timestamp(m, &type);
                ts[i] = type == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? -1 : v;
            }
            done[i] = true;
            pending--;
            /* Nothing more is wanted from it: no more Fetches for it. */
            rd_kafka_topic_partition_list_t *one =
                rd_kafka_topic_partition_list_new(1);
            rd_kafka_topic_partition_list_add(one, tps[i].topic,
                                              tps[i].partition);
            rd_kafka_pause_partitions(rk, one);
            rd_kafka_topic_partition_list_destroy(one);
        } else if (m->err && !m->rkt) {
            log_debug("kafka %s: record reader: %s", k->inst->id,
                      rd_kafka_message_errstr(m));
        }
        rd_kafka_message_destroy(m);
    }
    rd_kafka_assign(rk, NULL);
    if (pending) {
        kafka_timed_out("record timestamps (Fetch)", err, errlen);
        goto out;
    }
    rc = 0;
out:
    if (l)
        rd_kafka_topic_partition_list_destroy(l);
    pthread_mutex_unlock(&k->reader_lock);
    kafka_traced("Fetch", t0, rc < 0);
    return rc;
}
