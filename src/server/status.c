/* status.c - what an operator asks a php-fpm pool: is it alive, how busy,
 * how fast, what restarted and why. Read-only over the scoreboard; refuses
 * every address not in status_allow with the API's 4102 envelope. */
#include "server/status.h"
#include "common/json.h"

#include "ckafka/reply.h"
#include "common/config.h"
#include "common/http.h"
#include "common/params.h"
#include "common/pool.h"
#include "common/util.h"
#include "server/scoreboard.h"
#include "store/replay.h"

#include <arpa/inet.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

bool status_path_matches(const struct config *cfg, const char *path)
{
    return (cfg->status_path && strcmp(path, cfg->status_path) == 0) ||
           (cfg->ping_path && strcmp(path, cfg->ping_path) == 0);
}

static bool allowed(const struct config *cfg, const char *client)
{
    unsigned char a[16];
    if (inet_pton(AF_INET, client, a) == 1)
        return config_status_allowed(cfg, AF_INET, a);
    if (inet_pton(AF_INET6, client, a) == 1)
        return config_status_allowed(cfg, AF_INET6, a);
    return false;
}

static json_object *action_json(const struct sb_action *a)
{
    json_object *o = json_object_new_object();
    json_object *lat = json_object_new_object();
    json_object_object_add(o, "count",
                           json_object_new_int64((int64_t)a->count));
    json_object_object_add(o, "errors",
                           json_object_new_int64((int64_t)a->errors));
    json_object_object_add(
        lat, "mean", ms_json(a->count ? (int64_t)(a->sum_us / a->count) : 0));
    json_object_object_add(lat, "p50",
                           ms_json(scoreboard_quantile_us(a, 0.50)));
    json_object_object_add(lat, "p90",
                           ms_json(scoreboard_quantile_us(a, 0.90)));
    json_object_object_add(lat, "p99",
                           ms_json(scoreboard_quantile_us(a, 0.99)));
    json_object_object_add(lat, "max", ms_json((int64_t)a->max_us));
    json_object_object_add(o, "latency_ms", lat);
    return o;
}

static json_object *render(const struct config *cfg, struct scoreboard *sb,
                           struct replay *replay, bool full)
{
    json_object *o = json_object_new_object();
    int64_t now_ms = util_mono_ms(), wall = util_wall_ms();
    int counts[5] = {0};
    json_object *procs = json_object_new_array();

    for (int i = 0; i < SB_SLOTS; i++) {
        const struct sb_slot *s = &sb->slots[i];
        int st = __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
        if (st == SB_FREE || st > SB_EXITING)
            continue;
        counts[st]++;
        if (!full)
            continue;
        json_object *p = json_object_new_object();
        json_object_object_add(p, "pid", json_object_new_int(s->pid));
        json_object_object_add(
            p, "state", json_object_new_string(scoreboard_state_name(st)));
        json_object_object_add(p, "requests",
                               json_object_new_int64((int64_t)s->requests));
        json_object_object_add(
            p, "uptime_s",
            json_object_new_int64((now_ms - s->started_ms) / 1000));
        if (st == SB_BUSY && s->req_start_ms)
            json_object_object_add(
                p, "request_ms",
                json_object_new_int64(now_ms - s->req_start_ms));
        json_object_object_add(p, "last_action",
                               json_object_new_string(s->action));
        json_object_array_add(procs, p);
    }

    json_object_object_add(o, "start_time",
                           json_object_new_int64(sb->started_wall_ms / 1000));
    json_object_object_add(
        o, "uptime_s",
        json_object_new_int64((wall - sb->started_wall_ms) / 1000));
    json_object_object_add(o, "accepted",
                           json_object_new_int64((int64_t)sb->accepted));
    json_object *w = json_object_new_object();
    json_object_object_add(w, "configured",
                           json_object_new_int64(cfg->workers));
    json_object_object_add(w, "idle", json_object_new_int(counts[SB_IDLE]));
    json_object_object_add(w, "busy", json_object_new_int(counts[SB_BUSY]));
    json_object_object_add(w, "starting",
                           json_object_new_int(counts[SB_STARTING]));
    json_object_object_add(w, "exiting",
                           json_object_new_int(counts[SB_EXITING]));
    json_object_object_add(o, "workers", w);

    json_object *r = json_object_new_object();
    for (int i = 0; i < SB_REASON__COUNT; i++)
        json_object_object_add(r, scoreboard_reason_name(i),
                               json_object_new_int64((int64_t)sb->restarts[i]));
    json_object_object_add(o, "restarts", r);
    json_object *recent = json_object_new_array();
    uint32_t next = __atomic_load_n(&sb->recent_next, __ATOMIC_ACQUIRE);
    for (uint32_t k = next > SB_RECENT ? next - SB_RECENT : 0; k < next; k++) {
        const struct sb_restart *e = &sb->recent[k % SB_RECENT];
        json_object *x = json_object_new_object();
        json_object_object_add(x, "time",
                               json_object_new_int64(e->wall_ms / 1000));
        json_object_object_add(x, "pid", json_object_new_int(e->pid));
        json_object_object_add(
            x, "reason",
            json_object_new_string(scoreboard_reason_name(e->reason)));
        json_object_object_add(x, "status", json_object_new_int(e->status));
        json_object_array_add(recent, x);
    }
    json_object_object_add(o, "recent_restarts", recent);

    json_object *acts = json_object_new_object();
    for (int i = 0; i < SB_ACTIONS; i++)
        if (scoreboard_action_names[i][0] && sb->actions[i].count)
            json_object_object_add(acts, scoreboard_action_names[i],
                                   action_json(&sb->actions[i]));
    json_object_object_add(o, "actions", acts);

    json_object *insts = json_object_new_object();
    for (int i = 0; i < SB_INSTANCES; i++) {
        const struct sb_instance *in = &sb->instances[i];
        if (in->id[0] == '\0' || in->id[0] == '\1')
            continue;
        json_object *x = NULL;
        if (json_object_object_get_ex(insts, in->id, &x)) {
            /* the same id claimed twice in a race: add them up */
            json_object *a, *b;
            json_object_object_get_ex(x, "requests", &a);
            json_object_object_get_ex(x, "kafka_errors", &b);
            json_object_set_int64(a, json_object_get_int64(a) +
                                         (int64_t)in->requests);
            json_object_set_int64(b, json_object_get_int64(b) +
                                         (int64_t)in->kafka_errors);
            continue;
        }
        x = json_object_new_object();
        json_object_object_add(x, "requests",
                               json_object_new_int64((int64_t)in->requests));
        json_object_object_add(
            x, "kafka_errors",
            json_object_new_int64((int64_t)in->kafka_errors));
        json_object_object_add(insts, in->id, x);
    }
    json_object_object_add(o, "instances", insts);

    size_t live, slots;
    replay_usage(replay, (int64_t)time(NULL), cfg->signature_window_s, &live,
                 &slots);
    json_object *rc = json_object_new_object();
    json_object_object_add(rc, "store",
                           json_object_new_string(replay_store_name(replay)));
    json_object_object_add(rc, "live", json_object_new_int64((int64_t)live));
    json_object_object_add(rc, "slots", json_object_new_int64((int64_t)slots));
    json_object_object_add(o, "replay_cache", rc);
    if (full)
        json_object_object_add(o, "processes", procs);
    else
        json_object_put(procs);
    return o;
}

const char *status_serve(const struct config *cfg, struct scoreboard *sb,
                         struct replay *replay, const struct http_request *req,
                         struct pool *pool, const char **body, size_t *len,
                         const char **ctype)
{
    bool ping = cfg->ping_path && strcmp(req->path, cfg->ping_path) == 0;
    const char *name = ping ? "ping" : "status";

    *ctype = "application/json; charset=utf-8";
    if (!allowed(cfg, req->client)) {
        struct reply r = {0};
        reply_fail(&r, pool, REPLY_UNAUTHORIZED,
                   "the %s page is not served to %s (status_allow)", name,
                   req->client);
        *body = reply_render(pool, &r, len);
        return name;
    }
    if (ping) {
        *ctype = "text/plain; charset=utf-8";
        *body = "pong\n";
        *len = 5;
        return name;
    }
    /* The page's one parameter, `full`; a query that does not decode is
     * read as none. */
    struct params q = {0};
    struct params_limits lim = {(size_t)cfg->max_params,
                                (size_t)cfg->max_name_length,
                                (size_t)cfg->max_value_length, false};
    char err[256];
    if (params_parse(pool, req->query, strlen(req->query), &lim, &q, err,
                     sizeof(err)) < 0)
        q.n = 0;
    json_object *o = render(cfg, sb, replay, params_get(&q, "full"));
    *body = json_text(pool, o, len);
    json_object_put(o);
    return name;
}
