/* reset.c - the reset every API shares (see reset.h): the partitions it
 * covers, the lookups its strategy needs, the plan (offsets.c), the
 * per-group lock, the one OffsetCommit, reading back what stands when its
 * answer is lost, and the audit record. No API codes or envelopes. */
#include "core/reset.h"

#include "common/config.h"
#include "common/log.h"
#include "common/pool.h"
#include "common/util.h"
#include "core/audit.h"
#include "core/grouplock.h"
#include "kafka/kafka.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int part_cmp(const void *a, const void *b)
{
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return (x > y) - (x < y);
}

size_t core_parts_normalize(int32_t *v, size_t n)
{
    size_t m = 0;
    qsort(v, n, sizeof(*v), part_cmp);
    for (size_t i = 0; i < n; i++)
        if (!m || v[m - 1] != v[i])
            v[m++] = v[i];
    return m;
}

struct part_offset {
    int32_t part;
    int64_t offset;
};

static int part_offset_cmp(const void *a, const void *b)
{
    int32_t x = ((const struct part_offset *)a)->part;
    int32_t y = ((const struct part_offset *)b)->part;
    return (x > y) - (x < y);
}

int core_parts_sort_offsets(int32_t *parts, int64_t *offsets, size_t n,
                            int32_t *dup)
{
    struct part_offset *v = util_calloc(n ? n : 1, sizeof(*v));
    int rc = 0;
    for (size_t i = 0; i < n; i++)
        v[i] = (struct part_offset){parts[i], offsets[i]};
    qsort(v, n, sizeof(*v), part_offset_cmp);
    for (size_t i = 0; i < n; i++) {
        parts[i] = v[i].part;
        offsets[i] = v[i].offset;
        if (i && parts[i] == parts[i - 1] && rc == 0) {
            *dup = parts[i];
            rc = -1;
        }
    }
    free(v);
    return rc;
}

static bool wanted(const struct core_reset *r, int32_t p)
{
    return !r->parts ||
           bsearch(&p, r->parts, r->nparts, sizeof(*r->parts), part_cmp);
}

/* Named topics: every partition (or the wanted ones) of each topic the
 * cluster has; a wanted partition id the topic lacks is kept, marked
 * UNKNOWN_TOPIC_OR_PARTITION, so the report names it. */
static struct tp *named_partitions(struct core_ctx *c, struct core_reset *r,
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
static struct tp *committed_partitions(struct core_ctx *c, struct core_reset *r,
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

static unsigned lookups(const struct core_reset *r, bool named)
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

/* One line for the audit log: who, what, and every partition's old and new
 * offset with its outcome. */
static void audit(struct core_ctx *c, const struct core_reset *r,
                  const struct tp *tps, size_t n, const char *outcome)
{
    char ts[40], err[512];
    json_object *line = json_object_new_object();
    json_object *parts = json_object_new_array();

    log_timestamp(ts, sizeof(ts));
    json_object_object_add(line, "time", json_object_new_string(ts));
    json_object_object_add(line, "secretId",
                           json_object_new_string(c->secret_id));
    json_object_object_add(line, "client", json_object_new_string(c->client));
    json_object_object_add(line, "instance",
                           json_object_new_string(c->inst->id));
    json_object_object_add(line, "group", json_object_new_string(r->group));
    json_object_object_add(line, "api", json_object_new_string(c->api));
    json_object_object_add(line, "action", json_object_new_string(c->action));
    json_object_object_add(line, "strategy",
                           json_object_new_int((int)r->strategy));
    if (r->offsets)
        json_object_object_add(line, "per_partition",
                               json_object_new_boolean(1));
    else
        json_object_object_add(line, offsets_strategy_param(r->strategy),
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
static int settle(struct core_ctx *c, const char *group, struct tp *todo,
                  size_t n)
{
    char err[512];
    struct tp *now = pool_alloc(c->pool, (n + 1) * sizeof(*now));
    for (size_t i = 0; i < n; i++)
        tp_init(&now[i], todo[i].topic, todo[i].partition);
    /* Within the request's own deadline: the commit left this much. */
    if (kafka_lookup(c->kafka, c->pool, group, now, n, KAFKA_COMMITTED, 0,
                     c->deadline, err, sizeof(err)) < 0) {
        log_error("reset of group %s on %s: outcome unknown: %s", group,
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

/* Everything after the lock: the state check, the partitions, the
 * lookups, the plan, the commit and its audit record. */
static int execute(struct core_ctx *c, struct core_reset *r,
                   struct core_error *e)
{
    struct kafka_meta meta;
    struct tp *tps, *todo;
    size_t n, ntodo = 0;
    const char *state;
    size_t members;
    char err[512];

    /* Kafka's own reset tool only touches groups without members. */
    if (kafka_group_state(c->kafka, r->group, c->deadline, &state, &members,
                          err, sizeof(err)) < 0)
        return core_fail(c, e, CORE_KAFKA, "%s", err);
    if (strcmp(state, "Empty") != 0 && strcmp(state, "Dead") != 0) {
        e->state = state;
        e->members = members;
        return core_fail(c, e, CORE_GROUP_ACTIVE, "%s", "");
    }
    if (r->existing && strcmp(state, "Dead") == 0)
        return core_fail(c, e, CORE_NO_COMMITS, "%s", "");

    bool named = r->ntopics > 0;
    struct tp *all = NULL;
    size_t nall = 0;
    if (!named) {
        if (kafka_committed_all(c->kafka, c->pool, r->group, &all, &nall,
                                c->deadline, err, sizeof(err)) < 0)
            return core_fail(c, e, CORE_KAFKA, "%s", err);
        if (!nall)
            return core_fail(c, e, CORE_NO_COMMITS, "%s", "");
    }
    /* The cache is asked for exactly these topics (see read.c). */
    size_t nneed = r->ntopics;
    const char **need =
        named ? r->topics : tp_topics(c->pool, all, nall, &nneed);
    if (kafka_metadata(c->kafka, need, nneed, c->deadline, &meta, err,
                       sizeof(err)) < 0)
        return core_fail(c, e, CORE_KAFKA, "%s", err);
    if (named)
        tps = named_partitions(c, r, &meta, &n);
    else
        tps = committed_partitions(c, r, &meta, all, nall, &n);
    if (n > (size_t)c->cfg->max_partitions) {
        e->count = n;
        return core_fail(c, e, CORE_TOO_MANY_PARTITIONS, "%s", "");
    }

    if (kafka_lookup(c->kafka, c->pool, r->group, tps, n, lookups(r, named),
                     r->value, c->deadline, err, sizeof(err)) < 0)
        return core_fail(c, e, CORE_KAFKA, "%s", err);
    size_t bad;
    if (offsets_plan(r->strategy, r->value, tps, n, &bad) < 0) {
        e->topic = tps[bad].topic;
        e->partition = tps[bad].partition;
        return core_fail(c, e, CORE_CANNOT_SHIFT, "%s", "");
    }
    if (r->offsets && r->parts && r->strategy == OFFSETS_ABSOLUTE)
        offsets_plan_each(r->parts, r->offsets, r->nparts, tps, n);
    r->tps = tps;
    r->n = n;
    if (r->dry_run)
        return 0;

    /* One OffsetCommit for every partition that has a target. */
    todo = pool_alloc(c->pool, (n + 1) * sizeof(*todo));
    for (size_t i = 0; i < n; i++)
        if (tps[i].err == 0)
            todo[ntodo++] = tps[i];
    if (ntodo && kafka_commit(c->kafka, r->group, todo, ntodo,
                              c->deadline - settle_reserve(c->cfg), err,
                              sizeof(err)) < 0) {
        log_warn("reset of group %s on %s: commit unanswered (%s); reading "
                 "back what stands",
                 r->group, c->inst->id, err);
        if (settle(c, r->group, todo, ntodo) < 0) {
            for (size_t i = 0; i < ntodo; i++)
                todo[i].err = KAFKA_ERR_UNKNOWN;
            audit(c, r, todo, ntodo, "unknown");
            return core_fail(c, e, CORE_OUTCOME_UNKNOWN, "%s", err);
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
        audit(c, r, todo, ntodo, nok ? "partial" : "refused");
        if (!nok)
            return core_fail(c, e, CORE_MEMBERS_JOINED, "%s", "");
    } else if (ntodo) {
        audit(c, r, todo, ntodo,
              nok == ntodo ? "committed"
              : nok        ? "partial"
                           : "failed");
    }
    return 0;
}

int core_reset(struct core_ctx *c, struct core_reset *r, struct core_error *e)
{
    struct grouplock_held held;
    char err[512];

    if (!audit_ready())
        return core_fail(c, e, CORE_AUDIT_DOWN, "%s", "");
    if (r->dry_run)
        return execute(c, r, e);
    /* One reset of a group at a time, from reading its offsets to the audit
     * line: two shifts must not both start from the same offsets, and the
     * audit log must follow the commit order. */
    if (grouplock_acquire(c->locks, c->inst->id, r->group, c->deadline,
                          2 * c->cfg->kafka_timeout_ms + 1000, &held, err,
                          sizeof(err)) < 0)
        return core_fail(c, e, CORE_BUSY, "%s", err);
    int rc = execute(c, r, e);
    grouplock_release(c->locks, &held);
    return rc;
}

const char *core_reset_failures(struct pool *pool, const struct core_reset *r)
{
    char *failed = NULL;
    size_t nfailed = 0;
    for (size_t i = 0; i < r->n; i++) {
        if (!r->tps[i].err)
            continue;
        if (nfailed++ < 10)
            failed = pool_printf(pool, "%s%s%s/%d (Kafka error %d)",
                                 failed ? failed : "", failed ? ", " : "",
                                 r->tps[i].topic, r->tps[i].partition,
                                 r->tps[i].err);
    }
    if (!nfailed)
        return NULL;
    return pool_printf(pool, "%zu of %zu partitions were not reset: %s%s",
                       nfailed, r->n, failed, nfailed > 10 ? ", ..." : "");
}
