/* listgroups.c - the cluster's groups: the listing (ListGroups on every
 * broker) and the description of many groups at once.
 *
 * Descriptions use librdkafka's classic rd_kafka_list_groups(): one
 * ListGroups per broker, then one DescribeGroups per broker naming every
 * group that broker coordinates, answered with the members' raw metadata
 * and assignment bytes. The admin call rd_kafka_DescribeConsumerGroups of
 * 2.0.2 sends one DescribeGroups per group instead, and drops the
 * assignment's version while decoding it. The price is that each broker
 * describes all its groups, not only the ones asked about: the calls grow
 * with brokers, the answers with the cluster's groups. A single group is
 * described alone (rd_kafka_list_groups with its name). */
#include "kafka/internal.h"

#include "common/pool.h"
#include "common/util.h"

#include <librdkafka/rdkafka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int info_cmp(const void *a, const void *b)
{
    const struct rd_kafka_group_info *x = *(const void *const *)a;
    const struct rd_kafka_group_info *y = *(const void *const *)b;
    return strcmp(x->group, y->group);
}

/* A coordinator still loading its groups (or moved) answers with a
 * retriable error: worth another try while the deadline allows. */
static bool retriable(rd_kafka_resp_err_t e)
{
    return kafka_coordinator_busy(e) || e == RD_KAFKA_RESP_ERR__TRANSPORT;
}

/* rd_kafka_list_groups until it answers for good or the deadline passes;
 * only (when not NULL) limits the DescribeGroups to that one group. */
static int list_all(struct kafka *k, const char *only,
                    const struct rd_kafka_group_list **out, int64_t deadline,
                    char *err, size_t errlen)
{
    for (int n = 0;; n++) {
        int t = kafka_remaining(deadline);
        if (!t)
            return kafka_timed_out("ListGroups", err, errlen);
        const struct rd_kafka_group_list *gl = NULL;
        int64_t t0 = util_mono_us();
        rd_kafka_resp_err_t e = rd_kafka_list_groups(k->rk, only, &gl, t);
        kafka_traced("ListGroups+DescribeGroups", t0, e != 0);
        if (!e) {
            *out = gl;
            return 0;
        }
        if (e == RD_KAFKA_RESP_ERR__PARTIAL) {
            /* Some broker did not answer: its groups would read as Dead. */
            rd_kafka_group_list_destroy(gl);
            return kafka_timed_out("ListGroups", err, errlen);
        }
        snprintf(err, errlen, "ListGroups: %s", rd_kafka_err2str(e));
        if (!retriable(e) || !kafka_retry_pause(n, deadline))
            return -1;
    }
}

static const char *dup_or_empty(struct pool *pool, const char *s)
{
    return s ? pool_strdup(pool, s) : "";
}

static void copy_group(struct pool *pool, const struct rd_kafka_group_info *gi,
                       struct kafka_group *g)
{
    g->err = kafka_proto_err(gi->err);
    g->state = dup_or_empty(pool, gi->state);
    g->protocol_type = dup_or_empty(pool, gi->protocol_type);
    g->protocol = dup_or_empty(pool, gi->protocol);
    g->coordinator = gi->broker.id;
    g->nmembers = gi->member_cnt > 0 ? (size_t)gi->member_cnt : 0;
    g->members = pool_calloc(pool, g->nmembers + 1, sizeof(*g->members));
    for (size_t i = 0; i < g->nmembers; i++) {
        const struct rd_kafka_group_member_info *mi = &gi->members[i];
        struct kafka_member *m = &g->members[i];
        m->member_id = dup_or_empty(pool, mi->member_id);
        m->client_id = dup_or_empty(pool, mi->client_id);
        m->client_host = dup_or_empty(pool, mi->client_host);
        m->assignment_len =
            mi->member_assignment ? (size_t)mi->member_assignment_size : 0;
        if (m->assignment_len) {
            unsigned char *b = pool_alloc(pool, m->assignment_len);
            memcpy(b, mi->member_assignment, m->assignment_len);
            m->assignment = b;
        }
    }
}

int kafka_describe_groups(struct kafka *k, struct pool *pool,
                          const char *const *groups, size_t n,
                          struct kafka_group *out, int64_t deadline, char *err,
                          size_t errlen)
{
    const struct rd_kafka_group_list *gl = NULL;
    if (n == 0)
        return 0;
    /* One group: its description alone, not every group of the broker. */
    if (list_all(k, n == 1 ? groups[0] : NULL, &gl, deadline, err, errlen) < 0)
        return -1;

    size_t cnt = gl->group_cnt > 0 ? (size_t)gl->group_cnt : 0;
    const struct rd_kafka_group_info **by =
        pool_calloc(pool, cnt + 1, sizeof(*by));
    for (size_t i = 0; i < cnt; i++)
        by[i] = &gl->groups[i];
    qsort(by, cnt, sizeof(*by), info_cmp);
    for (size_t i = 0; i < n; i++) {
        struct rd_kafka_group_info key = {.group = (char *)groups[i]};
        const struct rd_kafka_group_info *kp = &key;
        const struct rd_kafka_group_info **hit =
            bsearch(&kp, by, cnt, sizeof(*by), info_cmp);
        struct kafka_group *g = &out[i];
        *g = (struct kafka_group){.group = groups[i],
                                  .state = "Dead",
                                  .protocol_type = "",
                                  .protocol = "",
                                  .coordinator = -1};
        if (hit)
            copy_group(pool, *hit, g);
        else
            g->members = pool_calloc(pool, 1, sizeof(*g->members));
    }
    rd_kafka_group_list_destroy(gl);
    return 0;
}

static int listed_cmp(const void *a, const void *b)
{
    return strcmp(((const struct kafka_listed_group *)a)->group,
                  ((const struct kafka_listed_group *)b)->group);
}

int kafka_list_groups(struct kafka *k, struct pool *pool,
                      struct kafka_listed_group **out, size_t *nout,
                      int64_t deadline, char *err, size_t errlen)
{
    for (int attempt = 0;; attempt++) {
        uint64_t id;
        size_t nvalid = 0, nerr = 0;
        if (!kafka_remaining(deadline))
            return kafka_timed_out("ListGroups", err, errlen);
        rd_kafka_AdminOptions_t *o =
            kafka_admin_options(k, RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPS, -1,
                                kafka_remaining(deadline), &id);
        int64_t t0 = util_mono_us();
        rd_kafka_ListConsumerGroups(k->rk, o, k->q);
        rd_kafka_AdminOptions_destroy(o);
        rd_kafka_event_t *ev = kafka_admin_wait(k, id, deadline);
        enum attempt r = kafka_event_result(ev, "ListGroups", err, errlen);
        const rd_kafka_ListConsumerGroups_result_t *res =
            ev ? rd_kafka_event_ListConsumerGroups_result(ev) : NULL;
        const rd_kafka_error_t **errs =
            res ? rd_kafka_ListConsumerGroups_result_errors(res, &nerr) : NULL;
        if (r == ATTEMPT_OK && nerr) {
            /* A broker that did not answer, or refused: its groups would be
             * missing. */
            snprintf(err, errlen, "ListGroups: %s",
                     rd_kafka_error_string(errs[0]));
            r = retriable(rd_kafka_error_code(errs[0])) ? ATTEMPT_RETRY
                                                        : ATTEMPT_FAILED;
        }
        kafka_traced("ListGroups", t0, r != ATTEMPT_OK);
        if (r == ATTEMPT_OK) {
            const rd_kafka_ConsumerGroupListing_t **v =
                rd_kafka_ListConsumerGroups_result_valid(res, &nvalid);
            struct kafka_listed_group *l =
                pool_calloc(pool, nvalid + 1, sizeof(*l));
            for (size_t i = 0; i < nvalid; i++)
                l[i] = (struct kafka_listed_group){
                    pool_strdup(pool,
                                rd_kafka_ConsumerGroupListing_group_id(v[i])),
                    rd_kafka_ConsumerGroupListing_is_simple_consumer_group(
                        v[i]) != 0,
                    rd_kafka_consumer_group_state_name(
                        rd_kafka_ConsumerGroupListing_state(v[i]))};
            qsort(l, nvalid, sizeof(*l), listed_cmp);
            *out = l;
            *nout = nvalid;
        }
        if (ev)
            rd_kafka_event_destroy(ev);
        if (r == ATTEMPT_OK)
            return 0;
        if (r == ATTEMPT_FAILED || !kafka_retry_pause(attempt, deadline))
            return -1;
    }
}
