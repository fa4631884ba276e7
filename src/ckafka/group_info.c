/* group_info.c - GetGroupInfo (contract section 7): per group asked, in
 * request order, its state, protocol type, assignor and, for a Stable
 * consumer group, its members with their decoded assignments. One
 * description call for all the groups (core/describe.h). */
#include "ckafka/action.h"
#include "core/describe.h"

#include <string.h>

#define GROUPS_MAX 50

static json_object *assignment_json(const struct core_assignment *a)
{
    json_object *o = json_object_new_object();
    json_object *topics = json_object_new_array();
    for (size_t i = 0; i < a->ntopics; i++) {
        json_object *t = json_object_new_object();
        json_object *parts = json_object_new_array();
        for (size_t j = 0; j < a->topics[i].npartitions; j++)
            json_object_array_add(
                parts, json_object_new_int(a->topics[i].partitions[j]));
        json_object_object_add(t, "topic",
                               json_object_new_string(a->topics[i].topic));
        json_object_object_add(t, "partitions", parts);
        json_object_array_add(topics, t);
    }
    json_object_object_add(o, "version", json_object_new_int(a->version));
    json_object_object_add(o, "topics", topics);
    return o;
}

static json_object *group_json(const struct core_group *g)
{
    json_object *o = json_object_new_object();
    json_object *members = json_object_new_array();
    /* Members only where the assignment means what the contract says: a
     * Stable group of the consumer protocol. */
    bool show = strcmp(g->state, "Stable") == 0 &&
                strcmp(g->protocol_type, "consumer") == 0;
    for (size_t i = 0; show && i < g->nmembers; i++) {
        const struct core_member *m = &g->members[i];
        json_object *mo = json_object_new_object();
        json_object_object_add(mo, "member_id",
                               json_object_new_string(m->member_id));
        json_object_object_add(mo, "client_id",
                               json_object_new_string(m->client_id));
        json_object_object_add(mo, "client_host",
                               json_object_new_string(m->client_host));
        json_object_object_add(mo, "assignment",
                               assignment_json(&m->assignment));
        json_object_array_add(members, mo);
    }
    json_object_object_add(o, "group", json_object_new_string(g->group));
    json_object_object_add(o, "err_code", json_object_new_int(g->err));
    json_object_object_add(o, "state", json_object_new_string(g->state));
    json_object_object_add(o, "protocol_type",
                           json_object_new_string(g->protocol_type));
    json_object_object_add(o, "protocol", json_object_new_string(g->protocol));
    json_object_object_add(o, "members", members);
    return o;
}

enum reply_status action_get_group_info(struct action_ctx *c)
{
    const char **groups;
    size_t n;
    struct core_group *g;
    struct core_error e = {0};
    enum reply_status st;

    if ((st = action_names(c, "group", true, GROUPS_MAX, "at most 50", &groups,
                           &n)))
        return st;
    if (n == 0)
        return reply_fail(&c->reply, c->pool, REPLY_PARAM_MISSING,
                          "missing parameter: group.0 (or group)");
    c->group = groups[0];
    c->note(c->note_arg, NULL, NULL, groups[0]);
    if (core_describe_groups(&c->core, groups, n, &g, &e) < 0)
        return action_core_failed(c, NULL, &e);
    json_object *data = json_object_new_array();
    for (size_t i = 0; i < n; i++)
        json_object_array_add(data, group_json(&g[i]));
    return reply_ok(&c->reply, data);
}
