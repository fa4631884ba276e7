/* action_set_offset.c - SetGroupOffset and SetGroupOffsets (contract section
 * 5): reset a group with no active members by shift, time or offset, over
 * the named topics (every partition) or the group's committed partitions,
 * in one OffsetCommit, with a per-topic, per-partition report and one audit
 * line. Everything is checked before anything is committed: a refused
 * request changes nothing. dryRun=1 runs the same path up to the commit. */
#include "ckafka/action.h"
#include "ckafka/params.h"
#include "common/config.h"
#include "common/log.h"
#include "common/pool.h"
#include "common/util.h"
#include "core/audit.h"
#include "core/grouplock.h"
#include "core/offsets.h"
#include "kafka/kafka.h"
#include "server/request.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const strategy_param[] = {"shift", "timestamp", "offset"};

/* What the request asked for. Lifetime: request. */
struct reset {
    const char *group;
    enum offsets_strategy strategy;
    int64_t value;
    const char **topics;
    size_t ntopics;
    int32_t *parts; /* partitions.N, sorted and distinct; NULL: all */
    size_t nparts;
    bool dry_run;
    const char **unknown; /* named topics the cluster does not have */
    size_t nunknown;
};

static int i32_cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

static enum reply_status read_partitions(struct action_ctx *c, struct reset *r)
{
    char err[256];
    const char **v;
    size_t n;

    if (params_array(c->pool, c->params, "partitions", &v, &n, err,
                     sizeof(err)) < 0)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID, "%s", err);
    if (!n)
        return REPLY_OK;
    if (n > (size_t)c->cfg->max_partitions)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID,
                          "too many partitions: %zu (max_partitions is "
                          "%lld)",
                          n, (long long)c->cfg->max_partitions);
    r->parts = pool_alloc(c->pool, n * sizeof(*r->parts));
    for (size_t i = 0; i < n; i++) {
        int64_t id;
        if (!util_parse_int64(v[i], &id) || id < 0 || id > INT32_MAX)
            return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID,
                              "partitions: '%.*s' is not a partition id (an "
                              "integer from 0 to %d)",
                              util_utf8_cut(v[i], 40), v[i], INT32_MAX);
        r->parts[i] = (int32_t)id;
    }
    qsort(r->parts, n, sizeof(*r->parts), i32_cmp);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!m || r->parts[m - 1] != r->parts[i])
            r->parts[m++] = r->parts[i];
    r->nparts = m;
    return REPLY_OK;
}

static enum reply_status read_request(struct action_ctx *c, struct reset *r)
{
    int64_t strategy, dry;
    enum reply_status st;

    if ((st = action_group(c, &r->group)))
        return st;
    if ((st = action_int64(c, "strategy", true, 0, 0, 2, &strategy)))
        return st;
    r->strategy = (enum offsets_strategy)strategy;
    /* Only the chosen strategy's own parameter is read. */
    const char *pname = strategy_param[strategy];
    switch (r->strategy) {
    case OFFSETS_SHIFT:
        st = action_int64(c, pname, true, 0, INT64_MIN, INT64_MAX, &r->value);
        break;
    case OFFSETS_TIME:
        st = action_int64(c, pname, true, 0, -2, INT64_MAX, &r->value);
        break;
    case OFFSETS_ABSOLUTE:
        st = action_int64(c, pname, true, 0, 0, INT64_MAX, &r->value);
        break;
    }
    if (st)
        return st;
    if ((st = action_topics(c, &r->topics, &r->ntopics)) ||
        (st = read_partitions(c, r)) ||
        (st = action_int64(c, "dryRun", false, 0, 0, 1, &dry)))
        return st;
    r->dry_run = dry == 1;
    return REPLY_OK;
}

static bool wanted(const struct reset *r, int32_t p)
{
    return !r->parts ||
           bsearch(&p, r->parts, r->nparts, sizeof(*r->parts), i32_cmp);
}

/* Named topics: every partition (or the wanted ones) of each topic the
 * cluster has; a wanted partition id the topic lacks is kept, marked
 * UNKNOWN_TOPIC_OR_PARTITION, so the report names it. */
static struct tp *named_partitions(struct action_ctx *c, struct reset *r,
                                   const struct kafka_meta *m, size_t *out_n)
{
    size_t cap = 0;
    r->unknown = pool_alloc(c->pool, (r->ntopics + 1) * sizeof(*r->unknown));
    for (size_t i = 0; i < r->ntopics; i++) {
        const struct kafka_topic *t = kafka_meta_topic(m, r->topics[i]);
        if (!t)
            r->unknown[r->nunknown++] = r->topics[i];
        else
            cap += r->parts ? r->nparts : (size_t)t->partitions;
    }
    struct tp *tps = pool_alloc(c->pool, (cap + 1) * sizeof(*tps));
    size_t n = 0;
    for (size_t i = 0; i < r->ntopics; i++) {
        const struct kafka_topic *t = kafka_meta_topic(m, r->topics[i]);
        if (!t)
            continue;
        /* The request's own string: the metadata cache (t->name) may be
         * refreshed, and freed, by any later Kafka call. */
        const char *name = r->topics[i];
        if (!r->parts) {
            for (int32_t p = 0; p < t->partitions; p++)
                tp_init(&tps[n++], name, p);
            continue;
        }
        for (size_t j = 0; j < r->nparts; j++) {
            tp_init(&tps[n], name, r->parts[j]);
            if (r->parts[j] >= t->partitions)
                tps[n].err = KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION;
            n++;
        }
    }
    qsort(tps, n, sizeof(*tps), tp_cmp);
    *out_n = n;
    return tps;
}

/* No topics named: the group's committed partitions (the rule of Kafka's
 * --all-topics), the wanted ones only; topics gone from the cluster are
 * reported as unknown. */
static struct tp *committed_partitions(struct action_ctx *c, struct reset *r,
                                       const struct kafka_meta *m,
                                       struct tp *all, size_t nall,
                                       size_t *out_n)
{
    size_t n = 0;
    r->unknown = pool_alloc(c->pool, (nall + 1) * sizeof(*r->unknown));
    for (size_t i = 0; i < nall; i++) {
        if (!kafka_meta_topic(m, all[i].topic)) {
            if (!r->nunknown ||
                strcmp(r->unknown[r->nunknown - 1], all[i].topic) != 0)
                r->unknown[r->nunknown++] = all[i].topic;
            continue;
        }
        if (wanted(r, all[i].partition))
            all[n++] = all[i];
    }
    *out_n = n;
    return all;
}

static unsigned lookups(const struct reset *r, bool named)
{
    unsigned need = offsets_needs(r->strategy, r->value), what = 0;
    if (need & OFFSETS_NEED_START)
        what |= KAFKA_START;
    if (need & OFFSETS_NEED_END)
        what |= KAFKA_END;
    if (need & OFFSETS_NEED_TIME)
        what |= KAFKA_TIME;
    /* Without named topics the committed offsets were just read. */
    if (named)
        what |= KAFKA_COMMITTED;
    return what;
}

static json_object *topic_entry(const char *topic, int16_t code)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "topic", json_object_new_string(topic));
    json_object_object_add(o, "error_code", json_object_new_int(code));
    if (code) {
        const char *msg = reply_kafka_error_msg(code);
        char buf[64];
        if (!msg) {
            snprintf(buf, sizeof(buf), "Kafka error %d", code);
            msg = buf;
        }
        json_object_object_add(o, "error_msg", json_object_new_string(msg));
    }
    return o;
}

/* data.succ / data.failed, one entry per topic in name order; unknown topics
 * last in failed with no partitions. */
static json_object *report(const struct reset *r, const struct tp *tps,
                           size_t n)
{
    json_object *succ = json_object_new_array();
    json_object *failed = json_object_new_array();

    for (size_t i = 0; i < n;) {
        size_t j = i;
        int16_t code = 0;
        for (; j < n && strcmp(tps[j].topic, tps[i].topic) == 0; j++)
            if (!code)
                code = tps[j].err;
        json_object *t = topic_entry(tps[i].topic, code);
        json_object *parts = json_object_new_array();
        for (size_t k = i; k < j; k++) {
            json_object *p = json_object_new_object();
            json_object_object_add(p, "partition",
                                   json_object_new_int(tps[k].partition));
            json_object_object_add(p, "offset",
                                   json_object_new_int64(tps[k].target));
            json_object_object_add(p, "error_code",
                                   json_object_new_int(tps[k].err));
            json_object_array_add(parts, p);
        }
        json_object_object_add(t, "partitions", parts);
        json_object_array_add(code ? failed : succ, t);
        i = j;
    }
    for (size_t i = 0; i < r->nunknown; i++) {
        json_object *t =
            topic_entry(r->unknown[i], KAFKA_ERR_UNKNOWN_TOPIC_OR_PARTITION);
        json_object_object_add(t, "partitions", json_object_new_array());
        json_object_array_add(failed, t);
    }
    json_object *data = json_object_new_object();
    json_object_object_add(data, "succ", succ);
    json_object_object_add(data, "failed", failed);
    if (r->dry_run)
        json_object_object_add(data, "dryRun", json_object_new_boolean(1));
    return data;
}

/* One line for the audit log: who, what, and every partition's old and new
 * offset with its outcome. */
static void audit(struct action_ctx *c, const struct reset *r,
                  const struct tp *tps, size_t n, const char *outcome)
{
    char ts[40], err[512];
    json_object *line = json_object_new_object();
    json_object *parts = json_object_new_array();

    log_timestamp(ts, sizeof(ts));
    json_object_object_add(line, "time", json_object_new_string(ts));
    json_object_object_add(line, "secretId",
                           json_object_new_string(c->key->secret_id));
    json_object_object_add(line, "client",
                           json_object_new_string(c->req->client));
    json_object_object_add(line, "instance",
                           json_object_new_string(c->inst->id));
    json_object_object_add(line, "group", json_object_new_string(r->group));
    json_object_object_add(line, "action", json_object_new_string(c->action));
    json_object_object_add(line, "strategy",
                           json_object_new_int((int)r->strategy));
    json_object_object_add(line, strategy_param[r->strategy],
                           json_object_new_int64(r->value));
    json_object_object_add(line, "outcome", json_object_new_string(outcome));
    for (size_t i = 0; i < n; i++) {
        json_object *p = json_object_new_object();
        json_object_object_add(p, "topic",
                               json_object_new_string(tps[i].topic));
        json_object_object_add(p, "partition",
                               json_object_new_int(tps[i].partition));
        json_object_object_add(p, "old",
                               json_object_new_int64(tps[i].committed));
        json_object_object_add(p, "new", json_object_new_int64(tps[i].target));
        json_object_object_add(p, "error_code",
                               json_object_new_int(tps[i].err));
        json_object_array_add(parts, p);
    }
    json_object_object_add(line, "partitions", parts);
    if (audit_write(line, err, sizeof(err)) < 0)
        log_error("reset of group %s on %s was executed but not audited: %s",
                  r->group, c->inst->id, err);
    json_object_put(line);
}

/* After a commit whose answer never came: read what stands now. Partitions
 * at their target were committed; those still at the old offset were not
 * (REQUEST_TIMED_OUT); anything else moved under us (UNKNOWN). Returns 0,
 * or -1 when even that read failed. */
static int settle(struct action_ctx *c, struct tp *todo, size_t n)
{
    char err[512];
    struct tp *now = pool_alloc(c->pool, (n + 1) * sizeof(*now));
    for (size_t i = 0; i < n; i++)
        tp_init(&now[i], todo[i].topic, todo[i].partition);
    /* Within the request's own deadline: the commit left this much. */
    if (kafka_lookup(c->kafka, c->pool, c->group, now, n, KAFKA_COMMITTED, 0,
                     c->deadline, err, sizeof(err)) < 0) {
        log_error("reset of group %s on %s: outcome unknown: %s", c->group,
                  c->inst->id, err);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (now[i].err)
            todo[i].err = now[i].err;
        else if (now[i].committed == todo[i].target)
            todo[i].err = 0;
        else if (now[i].committed == todo[i].committed)
            todo[i].err = KAFKA_ERR_REQUEST_TIMED_OUT;
        else
            todo[i].err = KAFKA_ERR_UNKNOWN;
    }
    return 0;
}

/* How much of kafka_timeout the commit leaves for reading back what stands
 * when its answer never comes: a third, at most 2 s. The whole request
 * then ends within kafka_timeout. */
static int64_t settle_reserve(const struct config *cfg)
{
    int64_t r = cfg->kafka_timeout_ms / 3;
    return r > 2000 ? 2000 : r;
}

static enum reply_status reset(struct action_ctx *c, struct reset *rp);

enum reply_status action_set_group_offset(struct action_ctx *c)
{
    struct reset r = {0};
    struct grouplock_held held;
    char err[512];
    enum reply_status st;

    c->reply.msg_key = true;
    if ((st = read_request(c, &r)))
        return st;
    if (!audit_ready())
        return reply_fail(&c->reply, c->pool, REPLY_INTERNAL,
                          "the audit log cannot be written: no reset is "
                          "executed without it");
    if (r.dry_run)
        return reset(c, &r);
    /* One reset of a group at a time, from reading its offsets to the audit
     * line: two shifts must not both start from the same offsets, and the
     * audit log must follow the commit order. */
    if (grouplock_acquire(c->locks, c->inst->id, r.group, c->deadline,
                          2 * c->cfg->kafka_timeout_ms + 1000, &held, err,
                          sizeof(err)) < 0)
        return reply_fail(&c->reply, c->pool, REPLY_KAFKA,
                          "group %s cannot be reset now: %s; nothing was "
                          "changed, retry later",
                          r.group, err);
    st = reset(c, &r);
    grouplock_release(c->locks, &held);
    return st;
}

static enum reply_status reset(struct action_ctx *c, struct reset *rp)
{
    struct reset r = *rp;
    struct kafka_meta meta;
    struct tp *tps, *todo;
    size_t n, ntodo = 0;
    const char *state;
    size_t members;
    char err[512];

    /* Kafka's own reset tool only touches groups without members. */
    if (kafka_group_state(c->kafka, r.group, c->deadline, &state, &members, err,
                          sizeof(err)) < 0)
        return action_kafka_failed(c, err);
    if (strcmp(state, "Empty") != 0 && strcmp(state, "Dead") != 0)
        return reply_fail(&c->reply, c->pool, REPLY_GROUP_NOT_EMPTY,
                          "group %s is %s with %zu active member%s", r.group,
                          state, members, members == 1 ? "" : "s");

    bool named = r.ntopics > 0;
    struct tp *all = NULL;
    size_t nall = 0;
    if (!named) {
        if (kafka_committed_all(c->kafka, c->pool, r.group, &all, &nall,
                                c->deadline, err, sizeof(err)) < 0)
            return action_kafka_failed(c, err);
        if (!nall)
            return reply_fail(&c->reply, c->pool, REPLY_PARAM_MISSING,
                              "missing parameter: topics (group %s has no "
                              "committed offsets; name the topics to reset "
                              "with topics.0, topics.1, ...)",
                              r.group);
    }
    /* The cache is asked for exactly these topics (see GetGroupOffsets). */
    size_t nneed = r.ntopics;
    const char **need =
        named ? r.topics : tp_topics(c->pool, all, nall, &nneed);
    if (kafka_metadata(c->kafka, need, nneed, c->deadline, &meta, err,
                       sizeof(err)) < 0)
        return action_kafka_failed(c, err);
    if (named)
        tps = named_partitions(c, &r, &meta, &n);
    else
        tps = committed_partitions(c, &r, &meta, all, nall, &n);
    if (n > (size_t)c->cfg->max_partitions)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID,
                          "the reset covers %zu partitions, more than "
                          "max_partitions (%lld)",
                          n, (long long)c->cfg->max_partitions);

    if (kafka_lookup(c->kafka, c->pool, r.group, tps, n, lookups(&r, named),
                     r.value, c->deadline, err, sizeof(err)) < 0)
        return action_kafka_failed(c, err);
    size_t bad;
    if (offsets_plan(r.strategy, r.value, tps, n, &bad) < 0)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID,
                          "cannot shift topic %s partition %d: group %s has "
                          "no committed offset there (use strategy 1 or 2)",
                          tps[bad].topic, tps[bad].partition, r.group);
    if (r.dry_run)
        return reply_ok(&c->reply, report(&r, tps, n));

    /* One OffsetCommit for every partition that has a target. */
    todo = pool_alloc(c->pool, (n + 1) * sizeof(*todo));
    for (size_t i = 0; i < n; i++)
        if (tps[i].err == 0)
            todo[ntodo++] = tps[i];
    const char *outcome = "committed";
    if (ntodo && kafka_commit(c->kafka, r.group, todo, ntodo,
                              c->deadline - settle_reserve(c->cfg), err,
                              sizeof(err)) < 0) {
        log_warn("reset of group %s on %s: commit unanswered (%s); reading "
                 "back what stands",
                 r.group, c->inst->id, err);
        if (settle(c, todo, ntodo) < 0) {
            for (size_t i = 0; i < ntodo; i++)
                todo[i].err = KAFKA_ERR_UNKNOWN;
            audit(c, &r, todo, ntodo, "unknown");
            return reply_fail(&c->reply, c->pool, REPLY_KAFKA,
                              "the commit was sent but its outcome is "
                              "unknown (%s); read the group's offsets before "
                              "retrying",
                              err);
        }
    }
    size_t nok = 0, nmember = 0;
    for (size_t i = 0, k = 0; i < n; i++) {
        if (tps[i].err == 0)
            tps[i] = todo[k++];
        nok += tps[i].err == 0;
        nmember += tps[i].err == KAFKA_ERR_UNKNOWN_MEMBER_ID ||
                   tps[i].err == KAFKA_ERR_REBALANCE_IN_PROGRESS;
    }
    if (nmember) {
        audit(c, &r, todo, ntodo, nok ? "partial" : "refused");
        if (!nok)
            return reply_fail(&c->reply, c->pool, REPLY_GROUP_NOT_EMPTY,
                              "members joined group %s during the reset; "
                              "nothing was committed",
                              r.group);
    } else if (ntodo) {
        outcome = nok == ntodo ? "committed" : nok ? "partial" : "failed";
        audit(c, &r, todo, ntodo, outcome);
    }
    return reply_ok(&c->reply, report(&r, tps, n));
}
