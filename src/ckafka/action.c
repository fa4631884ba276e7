/* action.c - parameter helpers shared by the action handlers, so that every
 * missing or malformed parameter is refused with the same code and wording.
 * No Kafka here. */
#include "ckafka/action.h"

#include "ckafka/params.h"
#include "common/config.h"
#include "common/pool.h"

#include <stdio.h>
#include <string.h>

enum reply_status action_str(struct action_ctx *c, const char *name,
                             const char **out)
{
    const char *v = params_get(c->params, name);
    if (!v)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_MISSING,
                          "missing parameter: %s", name);
    if (!*v)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID,
                          "parameter %s is empty", name);
    *out = v;
    return REPLY_OK;
}

enum reply_status action_group(struct action_ctx *c, const char **out)
{
    enum reply_status st = action_str(c, "group", out);
    if (st == REPLY_OK) {
        c->group = *out;
        c->note(c->note_arg, NULL, NULL, *out);
    }
    return st;
}

enum reply_status action_int64(struct action_ctx *c, const char *name,
                               bool required, int64_t def, int64_t min,
                               int64_t max, int64_t *out)
{
    char err[256];
    int rc = params_int64(c->params, name, out, err, sizeof(err));
    if (rc < 0)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID, "%s", err);
    if (rc > 0) {
        if (required)
            return reply_fail(&c->reply, c->pool, REPLY_PARAM_MISSING,
                              "missing parameter: %s", name);
        *out = def;
        return REPLY_OK;
    }
    if (*out < min || *out > max)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID,
                          "parameter %s is out of range: %lld (allowed %lld "
                          "to %lld)",
                          name, (long long)*out, (long long)min,
                          (long long)max);
    return REPLY_OK;
}

enum reply_status action_topics(struct action_ctx *c, const char ***topics,
                                size_t *n)
{
    char err[256];
    const char **v;
    size_t k, m = 0;

    if (params_array(c->pool, c->params, "topics", &v, &k, err, sizeof(err)) <
        0)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID, "%s", err);
    if (k > (size_t)c->cfg->max_topics)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID,
                          "too many topics: %zu (max_topics is %lld)", k,
                          (long long)c->cfg->max_topics);
    /* Quadratic, but bounded by max_topics and usually a handful. */
    for (size_t i = 0; i < k; i++) {
        bool dup = false;
        for (size_t j = 0; j < m && !dup; j++)
            dup = strcmp(v[j], v[i]) == 0;
        if (!dup)
            v[m++] = v[i];
    }
    v[m] = NULL;
    *topics = v;
    *n = m;
    return REPLY_OK;
}

enum reply_status action_core_failed(struct action_ctx *c, const char *group,
                                     const struct core_error *e)
{
    struct reply *r = &c->reply;
    switch (e->status) {
    case CORE_OK: break;
    case CORE_KAFKA:
        return reply_fail(r, c->pool, REPLY_KAFKA, "Kafka operation failed: %s",
                          e->detail);
    case CORE_TOPIC_UNKNOWN:
        return reply_fail(r, c->pool, REPLY_TOPIC_UNKNOWN, "%s", e->detail);
    case CORE_GROUP_ACTIVE:
        return reply_fail(r, c->pool, REPLY_GROUP_NOT_EMPTY,
                          "group %s is %s with %zu active member%s", group,
                          e->state, e->members, e->members == 1 ? "" : "s");
    case CORE_MEMBERS_JOINED:
        return reply_fail(r, c->pool, REPLY_GROUP_NOT_EMPTY,
                          "members joined group %s during the reset; "
                          "nothing was committed",
                          group);
    case CORE_NO_COMMITS:
        return reply_fail(r, c->pool, REPLY_PARAM_MISSING,
                          "missing parameter: topics (group %s has no "
                          "committed offsets; name the topics to reset "
                          "with topics.0, topics.1, ...)",
                          group);
    case CORE_TOO_MANY_PARTITIONS:
        return reply_fail(r, c->pool, REPLY_PARAM_INVALID,
                          "the reset covers %zu partitions, more than "
                          "max_partitions (%lld)",
                          e->count, (long long)c->cfg->max_partitions);
    case CORE_CANNOT_SHIFT:
        return reply_fail(r, c->pool, REPLY_PARAM_INVALID,
                          "cannot shift topic %s partition %d: group %s has "
                          "no committed offset there (use strategy 1 or 2)",
                          e->topic, e->partition, group);
    case CORE_BUSY:
        return reply_fail(r, c->pool, REPLY_KAFKA,
                          "group %s cannot be reset now: %s; nothing was "
                          "changed, retry later",
                          group, e->detail);
    case CORE_AUDIT_DOWN:
        return reply_fail(r, c->pool, REPLY_INTERNAL,
                          "the audit log cannot be written: no reset is "
                          "executed without it");
    case CORE_OUTCOME_UNKNOWN:
        return reply_fail(r, c->pool, REPLY_KAFKA,
                          "the commit was sent but its outcome is unknown "
                          "(%s); read the group's offsets before retrying",
                          e->detail);
    }
    return reply_fail(r, c->pool, REPLY_INTERNAL, "unexpected core status %d",
                      (int)e->status);
}
