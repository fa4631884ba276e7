/* groups.c - the calls to a group's coordinator: where it is, retrying
 * when it moved or is loading, DescribeGroups (state and members) and the
 * reset's OffsetCommit.
 *
 * Group calls (OffsetFetch, DescribeGroups, OffsetCommit) go straight to the
 * group's coordinator, computed from the metadata cache, never through
 * librdkafka's own coordinator lookup: in 2.0.2 a coordinator-targeted
 * admin call that times out while the coordinator is unreachable aborts the
 * process when the coordinator comes back (rd_kafka_enq_once_del_source_
 * return: eonce->refcnt > 0; librdkafka #4605). Sent to an explicit broker,
 * the same calls take the ordinary per-broker path, which times out
 * cleanly. It also saves the FindCoordinator round trip of every call. */
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
int kafka_coordinator(struct kafka *k, const char *group, bool refresh,
                      int64_t deadline, int32_t *broker, char *err,
                      size_t errlen)
{
    bool stale =
        k->fetched_ms < 0 || util_mono_ms() - k->fetched_ms >= k->cache_ms;
    if ((refresh || stale) &&
        kafka_refresh_metadata(k, deadline, err, errlen) < 0)
        return -1;
    if (!k->ncoord) {
        *broker = -1;
        return 0;
    }
    int32_t p = kafka_coordinator_partition(group, k->ncoord);
    if (k->coord_leaders[p] < 0 && !refresh && !stale) {
        if (kafka_refresh_metadata(k, deadline, err, errlen) < 0)
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
rd_kafka_AdminOptions_t *kafka_admin_options(struct kafka *k,
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
rd_kafka_event_t *kafka_admin_wait(struct kafka *k, uint64_t id,
                                   int64_t deadline)
{
    for (;;) {
        int t = kafka_remaining(deadline);
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
bool kafka_coordinator_busy(rd_kafka_resp_err_t e)
{
    return e == RD_KAFKA_RESP_ERR_NOT_COORDINATOR ||
           e == RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE ||
           e == RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS;
}

/* The admin event as a whole: no answer by the deadline (failed), an error
 * saying the coordinator moved or is loading (retry: the broker refused
 * the call), another error (failed), or none. err is set but for OK. */
enum attempt kafka_event_result(rd_kafka_event_t *ev, const char *what,
                                char *err, size_t errlen)
{
    if (!ev) {
        kafka_timed_out(what, err, errlen);
        return ATTEMPT_FAILED;
    }
    rd_kafka_resp_err_t e = rd_kafka_event_error(ev);
    if (!e)
        return ATTEMPT_OK;
    snprintf(err, errlen, "%s: %s", what, rd_kafka_event_error_string(ev));
    return kafka_coordinator_busy(e) ? ATTEMPT_RETRY : ATTEMPT_FAILED;
}

/* A group-level error: busy coordinator (retry), other (failed with err),
 * none (ok). */
enum attempt kafka_group_error(const rd_kafka_error_t *ge, const char *what,
                               char *err, size_t errlen)
{
    if (!ge)
        return ATTEMPT_OK;
    snprintf(err, errlen, "%s: %s", what, rd_kafka_error_string(ge));
    return kafka_coordinator_busy(rd_kafka_error_code(ge)) ? ATTEMPT_RETRY
                                                           : ATTEMPT_FAILED;
}

bool kafka_any_busy(const rd_kafka_topic_partition_list_t *l)
{
    for (int i = 0; l && i < l->cnt; i++)
        if (kafka_coordinator_busy(l->elems[i].err))
            return true;
    return false;
}

bool kafka_retry_pause(int n, int64_t deadline)
{
    /* Back off a little: a restarted coordinator loads its groups for a
     * while. */
    int64_t pause = 50 * (n < 4 ? n + 1 : 4);
    if (kafka_remaining(deadline) <= pause)
        return false;
    struct timespec ts = {0, (long)pause * 1000000};
    nanosleep(&ts, NULL);
    return true;
}

/* Runs fn against the group's coordinator until it answers for good or the
 * deadline passes, looking the coordinator up again after each answer that
 * says it moved or is still loading. first is the outcome of an attempt the
 * caller already made (ATTEMPT_RETRY) or ATTEMPT_OK to start fresh. */
int kafka_with_coordinator(struct kafka *k, const char *group,
                           kafka_group_call fn, void *arg, enum attempt first,
                           int64_t deadline, char *err, size_t errlen)
{
    enum attempt r = first;
    bool refresh = first == ATTEMPT_RETRY;
    for (int n = 0;; n++) {
        int32_t coord;
        if (r == ATTEMPT_RETRY && !kafka_retry_pause(n, deadline))
            return -1; /* err says what the coordinator answered */
        if (kafka_coordinator(k, group, refresh, deadline, &coord, err,
                              errlen) < 0)
            return -1;
        r = fn(k, coord, arg, deadline, err, errlen);
        if (r != ATTEMPT_RETRY)
            return r == ATTEMPT_OK ? 0 : -1;
        refresh = true;
    }
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
        kafka_admin_options(k, RD_KAFKA_ADMIN_OP_DESCRIBECONSUMERGROUPS, coord,
                            kafka_remaining(deadline), &id);
    int64_t t0 = util_mono_us();
    rd_kafka_DescribeConsumerGroups(k->rk, &d->group, 1, o, k->q);
    rd_kafka_AdminOptions_destroy(o);

    rd_kafka_event_t *ev = kafka_admin_wait(k, id, deadline);
    r = kafka_event_result(ev, "DescribeGroups", err, errlen);
    kafka_traced("DescribeGroups", t0, r != ATTEMPT_OK);
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
    r = kafka_group_error(rd_kafka_ConsumerGroupDescription_error(g[0]),
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
    if (!kafka_remaining(deadline))
        return kafka_timed_out("DescribeGroups", err, errlen);
    return kafka_with_coordinator(k, group, describe_call, &d, ATTEMPT_OK,
                                  deadline, err, errlen);
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

    rd_kafka_topic_partition_list_t *l = kafka_tp_list(c->tps, c->n, true);
    rd_kafka_AlterConsumerGroupOffsets_t *req =
        rd_kafka_AlterConsumerGroupOffsets_new(c->group, l);
    rd_kafka_AdminOptions_t *o =
        kafka_admin_options(k, RD_KAFKA_ADMIN_OP_ALTERCONSUMERGROUPOFFSETS,
                            coord, kafka_remaining(deadline), &id);
    int64_t t0 = util_mono_us();
    rd_kafka_AlterConsumerGroupOffsets(k->rk, &req, 1, o, k->q);
    rd_kafka_AdminOptions_destroy(o);
    rd_kafka_AlterConsumerGroupOffsets_destroy(req);
    rd_kafka_topic_partition_list_destroy(l);

    rd_kafka_event_t *ev = kafka_admin_wait(k, id, deadline);
    r = kafka_event_result(ev, "OffsetCommit", err, errlen);
    kafka_traced("OffsetCommit", t0, r != ATTEMPT_OK);
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
        if (kafka_coordinator_busy(code)) {
            r = ATTEMPT_RETRY; /* refused as a whole: safe to send again */
        } else if (code >= 0) {
            for (size_t i = 0; i < c->n; i++) /* refused them all */
                kafka_set_err(&c->tps[i], code);
            r = ATTEMPT_OK;
        }
        /* local error: we cannot know what the broker did */
        goto out;
    }
    const rd_kafka_topic_partition_list_t *res =
        rd_kafka_group_result_partitions(g[0]);
    if (kafka_any_busy(res)) {
        /* The coordinator refuses a whole commit, never a part of it. */
        snprintf(err, errlen, "OffsetCommit: the group coordinator moved");
        r = ATTEMPT_RETRY;
        goto out;
    }
    for (int i = 0; res && i < res->cnt; i++) {
        struct tp *tp = kafka_tp_find(c->tps, c->n, &res->elems[i]);
        if (tp)
            kafka_set_err(tp, res->elems[i].err);
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
    if (!kafka_remaining(deadline))
        return kafka_timed_out("OffsetCommit", err, errlen);
    return kafka_with_coordinator(k, group, commit_call, &c, ATTEMPT_OK,
                                  deadline, err, errlen);
}
