/* group_show.c - a group in full (the v1.0 and v2 detail: state,
 * coordinator, assignor, members with their assignments, and every
 * partition's committed offset, log end and lag), its summary, and the
 * instance's groups listed with their lag. Kafka keeps no creation time or
 * description of a group: group_desc is empty and createdAt absent. */
#include "common/pool.h"
#include "common/util.h"
#include "core/describe.h"
#include "core/detail.h"
#include "core/offsets.h"
#include "huawei/action.h"

#include <json-c/json.h>
#include <string.h>

static json_object *str(const char *s)
{
    return json_object_new_string(s ? s : "");
}

static json_object *member(const struct core_member *m)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "host", str(m->client_host));
    json_object_object_add(o, "member_id", str(m->member_id));
    json_object_object_add(o, "client_id", str(m->client_id));
    json_object *as = json_object_new_array();
    for (size_t i = 0; i < m->assignment.ntopics; i++) {
        const struct core_assigned *t = &m->assignment.topics[i];
        json_object *a = json_object_new_object();
        json_object *ps = json_object_new_array();
        for (size_t j = 0; j < t->npartitions; j++)
            json_object_array_add(ps, json_object_new_int(t->partitions[j]));
        json_object_object_add(a, "topic", str(t->topic));
        json_object_object_add(a, "partitions", ps);
        json_object_array_add(as, a);
    }
    json_object_object_add(o, "assignment", as);
    return o;
}

/* The members shared by the detail and the summary. */
static json_object *head(const struct core_group *g)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "group_id", str(g->group));
    json_object_object_add(o, "state", str(core_state_upper(g->state)));
    json_object_object_add(o, "coordinator_id",
                           json_object_new_int(g->coordinator));
    json_object_object_add(o, "assignment_strategy", str(g->protocol));
    return o;
}

static json_object *wrap(json_object *group)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "group", group);
    return o;
}

json_object *huawei_offsets_row(const struct core_part_detail *d, bool full)
{
    const struct tp *t = &d->tp;
    const struct core_member *m = d->owner;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "topic", str(t->topic));
    json_object_object_add(o, "partition", json_object_new_int(t->partition));
    json_object_object_add(o, "message_current_offset",
                           json_object_new_int64(t->committed));
    if (full)
        json_object_object_add(o, "message_log_start_offset",
                               json_object_new_int64(t->start));
    json_object_object_add(o, "message_log_end_offset",
                           json_object_new_int64(t->end));
    json_object_object_add(o, "lag", json_object_new_int64(offsets_lag(t)));
    if (full) {
        json_object_object_add(o, "consumer_id", str(m ? m->member_id : ""));
        json_object_object_add(o, "host", str(m ? m->client_host : ""));
        json_object_object_add(o, "client_id", str(m ? m->client_id : ""));
    }
    return o;
}

enum huawei_status huawei_group_detail(struct huawei_ctx *c)
{
    struct core_group_detail d;
    struct core_error e = {0};

    if (core_group_detail(&c->core, c->route.group, 0, &d, &e) < 0)
        return huawei_core_failed(c, &e);
    if (strcmp(d.group.state, "Dead") == 0 && !d.n)
        return huawei_fail(&c->reply, c->pool, HUAWEI_GROUP_UNKNOWN, "(%s)",
                           c->route.group);
    json_object *g = head(&d.group);
    json_object *ms = json_object_new_array();
    for (size_t i = 0; i < d.group.nmembers; i++)
        json_object_array_add(ms, member(&d.group.members[i]));
    json_object_object_add(g, "members", ms);
    json_object *offs = json_object_new_array();
    for (size_t i = 0; i < d.n; i++)
        if (!d.parts[i].tp.err) /* a topic gone has no log end */
            json_object_array_add(offs, huawei_offsets_row(&d.parts[i], false));
    json_object_object_add(g, "group_message_offsets", offs);
    return huawei_ok(&c->reply, wrap(g));
}

enum huawei_status huawei_group_summary(struct huawei_ctx *c)
{
    struct core_group g;
    enum huawei_status st = huawei_describe(c, &g);
    if (st)
        return st;
    json_object *o = head(&g);
    json_object_object_add(o, "group_desc", str(""));
    return huawei_ok(&c->reply, wrap(o));
}

enum huawei_status huawei_list_groups(struct huawei_ctx *c)
{
    struct core_listed_group *l;
    struct core_group *gs;
    struct core_error e = {0};
    size_t n, k = 0, first, npage;
    int64_t offset, limit;
    enum huawei_status st;

    if ((st = huawei_page(c, &offset, &limit)))
        return st;
    const char *filter = huawei_query_str(c, "group");
    if (core_list_groups(&c->core, &l, &n, &e) < 0)
        return huawei_core_failed(c, &e);
    for (size_t i = 0; i < n; i++)
        if (!filter || strstr(l[i].group, filter))
            l[k++] = l[i];
    util_page_slice(offset, limit, k, &first, &npage);
    const char **names = pool_calloc(c->pool, npage + 1, sizeof(*names));
    int64_t *lags = pool_calloc(c->pool, npage + 1, sizeof(*lags));
    for (size_t i = 0; i < npage; i++)
        names[i] = l[first + i].group;
    if (npage && (core_describe_groups(&c->core, names, npage, &gs, &e) < 0 ||
                  core_groups_lag(&c->core, names, npage, lags, &e) < 0))
        return huawei_core_failed(c, &e);

    json_object *list = json_object_new_array();
    for (size_t i = 0; i < npage; i++) {
        json_object *o = head(&gs[i]);
        json_object_object_add(o, "group_desc", str(""));
        json_object_object_add(o, "lag", json_object_new_int64(lags[i]));
        json_object_array_add(list, o);
    }
    json_object *o = json_object_new_object();
    json_object_object_add(o, "groups", list);
    json_object_object_add(o, "total", json_object_new_int64((int64_t)k));
    return huawei_ok(&c->reply, o);
}
