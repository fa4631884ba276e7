/* action.c - parameter helpers shared by the action handlers, so that every
 * missing or malformed parameter is refused with the same code and wording.
 * No Kafka here. */
#include "ckafka/action.h"

#include "ckafka/request.h"
#include "common/config.h"
#include "common/params.h"
#include "common/pool.h"
#include "common/util.h"

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

enum reply_status action_names(struct action_ctx *c, const char *name,
                               bool bare, size_t max, const char *what,
                               const char ***out, size_t *n)
{
    char err[256];
    const char **v;
    size_t k, m = 0;
    const char *one = bare ? params_get(c->params, name) : NULL;

    if (one) {
        size_t nl = strlen(name);
        for (size_t i = 0; i < c->params->n; i++)
            if (strncmp(c->params->v[i].name, name, nl) == 0 &&
                c->params->v[i].name[nl] == '.')
                return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID,
                                  "give either %s or %s.0, %s.1, ..., not "
                                  "both",
                                  name, name, name);
        if (!*one)
            return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID,
                              "parameter %s is empty", name);
        v = pool_alloc(c->pool, 2 * sizeof(*v));
        v[0] = one;
        v[1] = NULL;
        *out = v;
        *n = 1;
        return REPLY_OK;
    }
    if (params_array(c->pool, c->params, name, &v, &k, err, sizeof(err)) < 0)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID, "%s", err);
    if (k > max)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_INVALID,
                          "too many %s: %zu (%s)", name, k, what);
    /* Quadratic, but bounded by max and usually a handful. */
    for (size_t i = 0; i < k; i++) {
        bool dup = false;
        for (size_t j = 0; j < m && !dup; j++)
            dup = strcmp(v[j], v[i]) == 0;
        if (!dup)
            v[m++] = v[i];
    }
    v[m] = NULL;
    *out = v;
    *n = m;
    return REPLY_OK;
}

enum reply_status action_topics(struct action_ctx *c, const char ***topics,
                                size_t *n)
{
    char what[64];
    snprintf(what, sizeof(what), "max_topics is %lld",
             (long long)c->cfg->max_topics);
    return action_names(c, "topics", false, (size_t)c->cfg->max_topics, what,
                        topics, n);
}

enum reply_status action_page(struct action_ctx *c, int64_t def, int64_t max,
                              struct action_page *p)
{
    enum reply_status st;
    if ((st = action_int64(c, "offset", false, 0, 0, INT64_MAX, &p->offset)))
        return st;
    return action_int64(c, "limit", false, def, 1, max, &p->limit);
}

void action_page_slice(const struct action_page *p, size_t total, size_t *first,
                       size_t *n)
{
    util_page_slice(p->offset, p->limit, total, first, n);
}

bool action_matches(const char *s, const char *filter)
{
    return !filter || strstr(s, filter) != NULL;
}

int action_core_begin(struct action_ctx *c, const struct config_instance *inst,
                      struct core_ctx *core, struct core_error *e)
{
    *core = (struct core_ctx){
        .cfg = c->cfg,
        .inst = inst,
        .pool = c->pool,
        .locks = c->locks,
        .api = "ckafka",
        .action = c->action,
        .secret_id = c->key->secret_id,
        .client = c->req->client,
    };
    return core_begin(core, e);
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
