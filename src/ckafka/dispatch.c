/* dispatch.c - the order of checks every request goes through, and the
 * static table of actions. Authentication comes before anything that could
 * tell an unauthenticated caller about actions, instances or Kafka. */
#include "ckafka/dispatch.h"

#include "ckafka/auth.h"
#include "ckafka/request.h"
#include "common/config.h"
#include "common/log.h"
#include "common/params.h"
#include "common/pool.h"
#include "common/util.h"
#include "core/core.h"
#include "store/replay.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct {
    const char *name;
    action_fn fn;
    bool instance; /* takes instanceId: the instance is checked and begun */
} actions[] = {
    {"GetGroupOffsets", action_get_group_offsets, true},
    {"SetGroupOffset", action_set_group_offset, true},
    {"SetGroupOffsets", action_set_group_offset, true},
    {"GetGroupInfo", action_get_group_info, true},
    {"ListGroup", action_list_group, true},
    {"ListConsumerGroup", action_list_consumer_group, true},
    {"ListTopic", action_list_topic, true},
    {"GetTopicAttributes", action_get_topic_attributes, true},
    {"GetInstanceAttributes", action_get_instance_attributes, true},
    {"ListInstance", action_list_instance, false},
};

static enum reply_status authenticate(struct action_ctx *c)
{
    static const char *const required[] = {"Action", "SecretId", "Signature",
                                           "Timestamp", "Nonce"};
    const struct params *p = c->params;
    int64_t ts, nonce;
    enum reply_status st;

    for (size_t i = 0; i < UTIL_ARRAY_LEN(required); i++)
        if (!params_get(p, required[i]))
            return reply_fail(&c->reply, c->pool, REPLY_PARAM_MISSING,
                              "missing parameter: %s", required[i]);
    if ((st = action_int64(c, "Timestamp", true, 0, INT64_MIN, INT64_MAX,
                           &ts)) ||
        (st = action_int64(c, "Nonce", true, 0, 0, INT64_MAX, &nonce)))
        return st;

    /* The Host header is signed: a request signed for another deployment
     * (which may share keys) is not answered here. */
    if (!config_host_allowed(c->cfg, c->req->host))
        return reply_fail(&c->reply, c->pool, REPLY_AUTH_FAILURE,
                          "authentication failed: the request is signed for "
                          "host '%s', which this server does not answer "
                          "(signature_hosts)",
                          c->req->host);
    const char *id = params_get(p, "SecretId");
    const char *sig = params_get(p, "Signature");
    const struct config_key *key = config_key(c->cfg, id);
    bool at_signed = false;
    /* Unknown key and wrong signature: same work, same answer. */
    if (!auth_check(c->pool, auth_alg_of(p), key ? key->secret_key : NULL,
                    c->req->method, c->req->host, c->req->path, p,
                    c->req->is_post, sig, &at_signed))
        return reply_fail(&c->reply, c->pool, REPLY_AUTH_FAILURE,
                          "authentication failed: unknown SecretId or "
                          "signature mismatch");
    /* Under POST, values starting with '@' are outside the contract's
     * signature: anyone on the path could add them. Unless this signature
     * covered them, no action may see them. */
    if (c->req->is_post && !at_signed)
        params_drop_at_values(c->params);

    int64_t now = (int64_t)time(NULL), window = c->cfg->signature_window_s;
    if (!auth_timestamp_ok(ts, now, window))
        return reply_fail(&c->reply, c->pool, REPLY_REPLAY,
                          "Timestamp %lld is more than %lld s away from the "
                          "server clock (%lld)",
                          (long long)ts, (long long)window, (long long)now);
    /* A replay is the same request again: the same SecretId, Timestamp,
     * Nonce and Signature. Another request that happens to share the Nonce
     * (the PHP SDK draws it from 1 to 65535) is not one. */
    const char *const ident[] = {id, params_get(p, "Timestamp"),
                                 params_get(p, "Nonce"), sig};
    char err[512];
    switch (replay_check(c->replay, ident, UTIL_ARRAY_LEN(ident), ts, now,
                         window, err, sizeof(err))) {
    case REPLAY_FRESH: break;
    case REPLAY_ERROR:
        log_error("replay store: %s", err);
        return reply_fail(&c->reply, c->pool, REPLY_STORE,
                          "the replay store did not answer, so the request "
                          "was not executed; retry later");
    case REPLAY_SEEN:
        return reply_fail(&c->reply, c->pool, REPLY_REPLAY,
                          "replayed request: this SecretId, Timestamp and "
                          "Nonce were already used");
    case REPLAY_FULL:
        return reply_fail(&c->reply, c->pool, REPLY_LIMIT,
                          "too many requests inside the signature window: "
                          "the replay cache (replay_cache_size %lld) is "
                          "full; retry later",
                          (long long)c->cfg->replay_cache_size);
    }
    c->key = key;
    return REPLY_OK;
}

static enum reply_status route(struct action_ctx *c, action_fn *fn)
{
    const char *name = params_get(c->params, "Action");
    const char *id;
    enum reply_status st;

    *fn = NULL;
    bool instance = false;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(actions); i++)
        if (strcmp(actions[i].name, name) == 0) {
            *fn = actions[i].fn;
            instance = actions[i].instance;
        }
    if (!*fn)
        return reply_fail(&c->reply, c->pool, REPLY_ACTION_UNKNOWN, "%s", "");
    c->action = name;
    c->note(c->note_arg, name, NULL, NULL);
    if (!instance)
        return REPLY_OK;

    if ((st = action_str(c, "instanceId", &id)))
        return st;
    /* Refused keys learn nothing about whether the instance exists. */
    if (!config_key_allows(c->key, id))
        return reply_fail(&c->reply, c->pool, REPLY_UNAUTHORIZED,
                          "SecretId %s is not allowed to use instance %s",
                          c->key->secret_id, id);
    c->inst = config_instance(c->cfg, id);
    c->note(c->note_arg, NULL, id, NULL);
    if (!c->inst)
        return reply_fail(&c->reply, c->pool, REPLY_INSTANCE_UNKNOWN, "%s", "");
    struct core_error e = {0};
    if (action_core_begin(c, c->inst, &c->core, &e) < 0)
        return action_core_failed(c, NULL, &e);
    return REPLY_OK;
}

void dispatch(struct action_ctx *c)
{
    action_fn fn;
    if (authenticate(c) != REPLY_OK || route(c, &fn) != REPLY_OK)
        return;
    fn(c);
}
