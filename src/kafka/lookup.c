/* lookup.c - a group's committed offsets (OffsetFetch at the coordinator)
 * and each partition's log start, log end or offset for a time (ListOffsets
 * through rd_kafka_offsets_for_times), all in flight at once, sliced above
 * 1,000 partitions (librdkafka 2.0.2 matches answers to requests in
 * quadratic time). */
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

rd_kafka_topic_partition_list_t *kafka_tp_list(const struct tp *tps, size_t n,
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
struct tp *kafka_tp_find(struct tp *tps, size_t n,
                         const rd_kafka_topic_partition_t *p)
{
    struct tp key;
    tp_init(&key, p->topic, p->partition);
    return bsearch(&key, tps, n, sizeof(*tps), tp_cmp);
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
        int t = kafka_remaining(deadline);
        if (!t)
            return kafka_timed_out("ListOffsets", err, errlen);
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
        if (!moving || kafka_remaining(deadline) <= 50)
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
            out[(uintptr_t)l->elems[i].opaque].err = kafka_proto_err(e);
    } else if (e) {
        snprintf(err, errlen, "ListOffsets: %s", rd_kafka_err2str(e));
        rc = -1;
    } else {
        for (int i = 0; i < l->cnt; i++) {
            const rd_kafka_topic_partition_t *p = &l->elems[i];
            struct found *f = &out[(uintptr_t)p->opaque];
            if (p->err)
                f->err = kafka_proto_err(p->err);
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
        kafka_trace_add(kinds[kd].name, done - t0, failed);
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
        int t = kafka_remaining(deadline);
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
        c->tps ? kafka_tp_list(c->tps, c->n, false) : NULL;
    rd_kafka_ListConsumerGroupOffsets_t *req =
        rd_kafka_ListConsumerGroupOffsets_new(c->group, l);
    rd_kafka_AdminOptions_t *o =
        kafka_admin_options(k, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS,
                            coord, kafka_remaining(deadline), &c->id);
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
    enum attempt r = kafka_event_result(ev, "OffsetFetch", err, errlen);
    kafka_traced("OffsetFetch", c->sent_us, r != ATTEMPT_OK);
    if (r != ATTEMPT_OK)
        return r;
    const rd_kafka_group_result_t **g =
        rd_kafka_ListConsumerGroupOffsets_result_groups(
            rd_kafka_event_ListConsumerGroupOffsets_result(ev), &cnt);
    if (cnt != 1) {
        snprintf(err, errlen, "OffsetFetch: %zu groups in the answer", cnt);
        return ATTEMPT_FAILED;
    }
    r = kafka_group_error(rd_kafka_group_result_error(g[0]), "OffsetFetch", err,
                          errlen);
    if (r != ATTEMPT_OK)
        return r;
    const rd_kafka_topic_partition_list_t *l =
        rd_kafka_group_result_partitions(g[0]);
    if (kafka_any_busy(l)) {
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
        struct tp *tp = kafka_tp_find(c->tps, c->n, p);
        if (!tp)
            continue;
        if (p->err) {
            kafka_set_err(tp, p->err);
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
    if (!kafka_remaining(deadline))
        return kafka_timed_out("Kafka", err, errlen);
    /* OffsetFetch goes out first (in slices when large, all at once) and is
     * awaited last: it travels while the ListOffsets calls below block. */
    if (what & KAFKA_COMMITTED) {
        if (kafka_coordinator(k, group, false, deadline, &coord, err, errlen) <
            0)
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
            r = kafka_with_coordinator(k, group, committed_call, &cs[i], r,
                                       deadline, e, sizeof(e)) < 0
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
    if (!kafka_remaining(deadline))
        return kafka_timed_out("OffsetFetch", err, errlen);
    if (kafka_with_coordinator(k, group, committed_call, &c, ATTEMPT_OK,
                               deadline, err, errlen) < 0)
        return -1;
    qsort(c.all, c.nall, sizeof(*c.all), tp_cmp);
    *out = c.all;
    *nout = c.nall;
    return 0;
}

int kafka_committed_many(struct kafka *k, struct pool *pool,
                         const char *const *groups, size_t n, struct tp **out,
                         size_t *nout, int64_t deadline, char *err,
                         size_t errlen)
{
    struct committed *cs = pool_calloc(pool, n + 1, sizeof(*cs));
    int rc = 0;

    if (n == 0)
        return 0;
    if (!kafka_remaining(deadline))
        return kafka_timed_out("OffsetFetch", err, errlen);
    for (size_t i = 0; i < n; i++) {
        int32_t coord;
        if (kafka_coordinator(k, groups[i], false, deadline, &coord, err,
                              errlen) < 0)
            return -1; /* answers to those sent are dropped later */
        cs[i] =
            (struct committed){groups[i], pool, NULL, 0, NULL, 0, 0, 0, NULL};
        committed_send(k, coord, &cs[i], deadline);
    }
    committed_collect(k, cs, n, deadline);
    for (size_t i = 0; i < n; i++) {
        char e[512];
        enum attempt r = committed_take(&cs[i], e, sizeof(e));
        if (r == ATTEMPT_RETRY && !rc)
            r = kafka_with_coordinator(k, groups[i], committed_call, &cs[i], r,
                                       deadline, e, sizeof(e)) < 0
                    ? ATTEMPT_FAILED
                    : ATTEMPT_OK;
        if (r != ATTEMPT_OK) {
            if (!rc)
                snprintf(err, errlen, "%s", e);
            rc = -1;
            continue;
        }
        qsort(cs[i].all, cs[i].nall, sizeof(*cs[i].all), tp_cmp);
        out[i] = cs[i].all;
        nout[i] = cs[i].nall;
    }
    return rc;
}
