/* rest.c - Huawei DMS for Kafka's consumer-group REST API on /v1.0/ and
 * /v2/ (but API 2.0's /v2/index.php): the route, the query, then the
 * caller (an SDK-HMAC-SHA256 signature over the request's own signed
 * headers, or a configured X-Auth-Token), the project and instance the key
 * may use, then the handler. Every answer carries an X-Request-Id. */
#include "huawei/rest.h"

#include "common/canon.h"
#include "common/config.h"
#include "common/crypto.h"
#include "common/log.h"
#include "common/pool.h"
#include "common/util.h"
#include "core/describe.h"
#include "huawei/action.h"
#include "huawei/aksk.h"
#include "store/replay.h"

#include <ctype.h>
#include <openssl/rand.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* The gateway's limit on clock skew for X-Sdk-Date. */
#define SKEW_S 900

static const struct {
    enum huawei_op op;
    const char *action; /* as the SDKs name the operation */
    huawei_action_fn fn;
} actions[] = {
    {HUAWEI_RESET_V1, "ResetMessageOffset", huawei_reset_offset},
    {HUAWEI_RESET_V2, "ResetMessageOffset", huawei_reset_offset},
    {HUAWEI_RESET_ENGINE, "ResetMessageOffsetWithEngine", huawei_reset_offset},
    {HUAWEI_DETAIL_V1, "ShowGroups", huawei_group_detail},
    {HUAWEI_DETAIL_V2, "ShowGroups", huawei_group_detail},
    {HUAWEI_SUMMARY, "ShowGroup", huawei_group_summary},
    {HUAWEI_SUMMARY_ENGINE, "ListInstanceConsumerGroup", huawei_group_summary},
    {HUAWEI_LIST, "ListInstanceConsumerGroups", huawei_list_groups},
    {HUAWEI_OFFSETS, "ListInstanceConsumerGroupMessageOffset",
     huawei_message_offsets},
    {HUAWEI_TOPICS, "ListInstanceConsumerGroupTopics", huawei_group_topics},
    {HUAWEI_MEMBERS, "ListInstanceConsumerGroupMembers", huawei_group_members},
};

static bool owns(const char *path)
{
    return huawei_owns(path);
}

static const char *header(void *arg, const char *name)
{
    return http_header(arg, name);
}

/* The canonical request with newlines shown as '|', as the gateway's
 * messages print it: the client can compare it with its own. */
static const char *shown(struct pool *pool, const char *canonical)
{
    char *s = pool_strdup(pool, canonical);
    for (char *p = s; *p; p++)
        if (*p == '\n')
            *p = '|';
    return s;
}

/* A signed reset is executed once within the skew window, on every worker
 * and host sharing the replay store. */
static enum huawei_status check_replay(struct huawei_ctx *c,
                                       const struct huawei_auth *a,
                                       const char *date, int64_t ts)
{
    const char *const ident[] = {"huawei", a->access_key, date, a->signature};
    char err[512];
    switch (replay_check(c->env->replay, ident, UTIL_ARRAY_LEN(ident), ts,
                         (int64_t)time(NULL), SKEW_S, err, sizeof(err))) {
    case REPLAY_FRESH: return HUAWEI_OK;
    case REPLAY_SEEN:
        return huawei_fail(&c->reply, c->pool, HUAWEI_REPLAYED,
                           "(sign each request anew: a new X-Sdk-Date)");
    case REPLAY_FULL:
        return huawei_fail(&c->reply, c->pool, HUAWEI_THROTTLED,
                           "(the replay cache, replay_cache_size %lld, is "
                           "full; retry later)",
                           (long long)c->env->cfg->replay_cache_size);
    case REPLAY_ERROR:
        log_error("replay store: %s", err);
        return huawei_fail(&c->reply, c->pool, HUAWEI_UNAVAILABLE,
                           "(the replay store did not answer, so the request "
                           "was not executed; retry later)");
    }
    return huawei_fail(&c->reply, c->pool, HUAWEI_INTERNAL, NULL);
}

/* True when s holds a percent escape ("%" and two hex digits). */
static bool holds_escape(const char *s)
{
    for (; s && *s; s++)
        if (s[0] == '%' && isxdigit((unsigned char)s[1]) &&
            isxdigit((unsigned char)s[2]))
            return true;
    return false;
}

/* SDK-HMAC-SHA256 over the headers the client signed, which must include
 * the host and X-Sdk-Date. The canonical URI is tried in both SDKs' forms:
 * the Python SDK's (each segment decoded, then encoded) and the Node SDK's
 * (the escaped path encoded again). */
static enum huawei_status auth_aksk(struct huawei_ctx *c, const char *authz)
{
    static const char *const must[] = {"host", "x-sdk-date"};
    struct huawei_auth a;
    int64_t ts, now = (int64_t)time(NULL);

    if (huawei_parse_auth(c->pool, authz, &a) < 0)
        return huawei_fail(&c->reply, c->pool, HUAWEI_AUTH,
                           "the Authorization header must be SDK-HMAC-SHA256 "
                           "Access=..., SignedHeaders=..., Signature=...");
    for (size_t i = 0; i < UTIL_ARRAY_LEN(must); i++) {
        const char *v = http_header(c->http, must[i]);
        if (!canon_listed(a.signed_headers, must[i]) || !v || !*v)
            return huawei_fail(&c->reply, c->pool, HUAWEI_AUTH,
                               "the %s header must be sent and signed",
                               must[i]);
    }
    const char *date = http_header(c->http, "x-sdk-date");
    if (huawei_parse_date(date, &ts) < 0)
        return huawei_fail(&c->reply, c->pool, HUAWEI_AUTH,
                           "X-Sdk-Date '%.*s' is not YYYYMMDDTHHMMSSZ (UTC)",
                           util_utf8_cut(date, 40), date);
    if (ts < now - SKEW_S || ts > now + SKEW_S)
        return huawei_fail(&c->reply, c->pool, HUAWEI_AUTH,
                           "X-Sdk-Date %s is more than %d s away from the "
                           "server clock",
                           date, SKEW_S);
    c->key = config_key(c->env->cfg, a.access_key);
    if (!c->key)
        return huawei_fail(&c->reply, c->pool, HUAWEI_AUTH,
                           "the access key is not known");

    /* The body is signed through its hash; UNSIGNED-PAYLOAD leaves it
     * out, which only a request without a body may do. */
    char hash[CRYPTO_HEX_MAX];
    const char *content = http_header(c->http, "x-sdk-content-sha256");
    if (content && strcmp(content, "UNSIGNED-PAYLOAD") == 0) {
        if (c->http->body_len)
            return huawei_fail(&c->reply, c->pool, HUAWEI_AUTH,
                               "a request with a body must sign its hash, "
                               "not UNSIGNED-PAYLOAD");
        snprintf(hash, sizeof(hash), "%s", content);
    } else {
        crypto_sha256_hex(c->http->body ? c->http->body : "", c->http->body_len,
                          hash);
    }

    /* The npm SDK signs a name's escapes escaped again: its signature for
     * group "g 1" (sent as g%201) is also the Python form's for a group
     * named "g%201" (sent as g%25201). A name holding an escape is
     * ambiguous, so it is refused rather than read either way. */
    const struct huawei_route *r = &c->route;
    if (holds_escape(r->project) || holds_escape(r->instance) ||
        holds_escape(r->group))
        return huawei_fail(&c->reply, c->pool, HUAWEI_AUTH,
                           "a name in the path holds a percent escape once "
                           "decoded, which the npm SDK's signature cannot "
                           "tell from another name: use X-Auth-Token for "
                           "it");

    bool ok = false;
    const char *first = NULL, *missing = NULL;
    char *uris[2] = {huawei_canonical_uri(c->pool, c->path, true),
                     huawei_canonical_uri(c->pool, c->path, false)};
    for (size_t i = 0; i < 2 && !ok; i++) {
        if (!uris[i] || (i == 1 && uris[0] && strcmp(uris[0], uris[1]) == 0))
            continue;
        const char *canonical = huawei_canonical(
            c->pool, c->http->method, uris[i], &c->query, a.signed_headers,
            header, (void *)c->http, hash, &missing);
        if (!canonical)
            return huawei_fail(&c->reply, c->pool, HUAWEI_AUTH,
                               "signed header %s is not in the request",
                               missing ? missing : "list");
        if (!first)
            first = canonical;
        char expect[CRYPTO_HEX_MAX];
        huawei_sign(c->key->secret_key,
                    huawei_string_to_sign(c->pool, date, canonical), expect);
        ok = strlen(a.signature) == strlen(expect) &&
             crypto_text_equal(expect, a.signature);
        crypto_wipe(expect, sizeof(expect));
    }
    if (!ok)
        return huawei_fail(&c->reply, c->pool, HUAWEI_AUTH,
                           "verify aksk signature fail (canonical request: "
                           "%s)",
                           first ? shown(c->pool, first) : "none");
    /* The host is signed: a request signed for another deployment (which
     * may share keys) is not answered here. */
    if (!config_host_allowed(c->env->cfg, c->http->host))
        return huawei_fail(&c->reply, c->pool, HUAWEI_AUTH,
                           "the request is signed for host %s, which this "
                           "server does not answer (signature_hosts)",
                           c->http->host);
    /* The SDKs sign with a one-second date and no nonce: a script that
     * reads twice in a second sends the same signed request twice, which
     * the cloud answers. Reads are answered again, then; a reset is
     * executed once. */
    if (strcmp(c->http->method, "GET") == 0)
        return HUAWEI_OK;
    return check_replay(c, &a, date, ts);
}

static enum huawei_status authenticate(struct huawei_ctx *c)
{
    const char *authz = http_header(c->http, "authorization");
    if (authz && *authz)
        return auth_aksk(c, authz);
    const char *token = http_header(c->http, "x-auth-token");
    if (token && *token) {
        c->key = config_token(c->env->cfg, token);
        if (!c->key)
            return huawei_fail(&c->reply, c->pool, HUAWEI_AUTH,
                               "the X-Auth-Token is not valid");
        return HUAWEI_OK;
    }
    return huawei_fail(&c->reply, c->pool, HUAWEI_AUTH,
                       "sign the request (SDK-HMAC-SHA256) or send an "
                       "X-Auth-Token");
}

static enum huawei_status route(struct huawei_ctx *c, huawei_action_fn *fn,
                                const char **action)
{
    const struct http_request *h = c->http;
    const struct config *cfg = c->env->cfg;
    struct params_limits lim = {(size_t)cfg->max_params,
                                (size_t)cfg->max_name_length,
                                (size_t)cfg->max_value_length, false};
    char err[512];
    enum huawei_status st;

    huawei_route(c->pool, h->method, c->path, &c->route);
    if (c->route.op == HUAWEI_NONE)
        return huawei_fail(&c->reply, c->pool, HUAWEI_NO_ROUTE,
                           "(no consumer-group API at this path)");
    if (!c->route.method_ok)
        return huawei_fail(&c->reply, c->pool, HUAWEI_NO_ROUTE,
                           "(%.*s of this path is not one: use %s)",
                           util_utf8_cut(h->method, 16), h->method,
                           c->route.method);
    for (size_t i = 0; i < UTIL_ARRAY_LEN(actions); i++)
        if (actions[i].op == c->route.op) {
            *fn = actions[i].fn;
            *action = actions[i].action;
        }
    c->env->note(c->env->note_arg, *action, NULL, NULL);
    if (params_parse(c->pool, h->query, strlen(h->query), &lim, &c->query, err,
                     sizeof(err)) < 0)
        return huawei_fail(&c->reply, c->pool, HUAWEI_BAD_REQUEST, "%s", err);
    if (h->body_too_large)
        return huawei_fail(&c->reply, c->pool, HUAWEI_TOO_LARGE,
                           "(at most %lld bytes: max_body)",
                           (long long)cfg->max_body);
    if ((st = authenticate(c)))
        return st;

    /* Refused keys learn nothing about whether the instance exists. */
    const char *id = c->route.instance;
    if (c->key->project_id && strcmp(c->key->project_id, c->route.project))
        return huawei_fail(
            &c->reply, c->pool, HUAWEI_FORBIDDEN,
            "(key %s may not use project %.*s)", c->key->secret_id,
            util_utf8_cut(c->route.project, 64), c->route.project);
    if (!config_key_allows(c->key, id))
        return huawei_fail(&c->reply, c->pool, HUAWEI_FORBIDDEN,
                           "(key %s may not use instance %.*s)",
                           c->key->secret_id, util_utf8_cut(id, 64), id);
    c->inst = config_instance(cfg, id);
    c->env->note(c->env->note_arg, NULL, id, c->route.group);
    if (!c->inst)
        return huawei_fail(&c->reply, c->pool, HUAWEI_INSTANCE_UNKNOWN,
                           "(%.*s)", util_utf8_cut(id, 64), id);
    c->core = (struct core_ctx){
        .cfg = cfg,
        .inst = c->inst,
        .pool = c->pool,
        .locks = c->env->locks,
        .api = "huawei",
        .action = *action,
        .secret_id = c->key->secret_id,
        .client = h->client,
    };
    struct core_error e = {0};
    if (core_begin(&c->core, &e) < 0)
        return huawei_core_failed(c, &e);
    return HUAWEI_OK;
}

/* A request id as the cloud's gateway writes them: 32 hex digits. */
static const char *request_id(struct pool *pool)
{
    unsigned char b[16];
    char *h = pool_alloc(pool, 33);
    if (RAND_bytes(b, sizeof(b)) != 1)
        memset(b, 0, sizeof(b));
    util_hex(h, b, sizeof(b));
    return h;
}

static void serve(const struct http_env *env, const struct http_request *req,
                  struct pool *pool, struct http_answer *a)
{
    struct huawei_ctx c = {0};
    huawei_action_fn fn = NULL;
    const char *action = NULL;

    c.env = env;
    c.http = req;
    c.pool = pool;
    c.path = req->raw_path ? req->raw_path : req->path;
    if (route(&c, &fn, &action) == HUAWEI_OK)
        fn(&c);

    a->status = huawei_http_status(&c.reply);
    a->content_type = "application/json;charset=UTF-8";
    a->body = huawei_render(pool, &c.reply, &a->len);
    a->request_id_header = "X-Request-Id";
    a->request_id = request_id(pool);
    a->api = "huawei";
    a->action = action;
    a->instance = c.inst ? c.inst->id : NULL;
    a->group = c.route.group;
    a->failed = c.reply.status != HUAWEI_OK;
    a->code = a->failed ? 0 : a->status;
    a->code_text = a->failed ? huawei_code(c.reply.status) : NULL;
    a->kafka_failed = c.reply.status == HUAWEI_UNAVAILABLE && c.inst;
    if (c.reply.status == HUAWEI_INTERNAL ||
        (c.reply.status == HUAWEI_UNAVAILABLE && c.inst))
        a->problem = huawei_message(pool, &c.reply);
    huawei_clear(&c.reply);
}

const struct http_frontend huawei_frontend = {"huawei", owns, serve};

/* The helpers every handler shares. */

const char *huawei_query_str(const struct huawei_ctx *c, const char *name)
{
    const char *v = params_get(&c->query, name);
    return v && *v ? v : NULL;
}

enum huawei_status huawei_query_int(struct huawei_ctx *c, const char *name,
                                    int64_t def, int64_t min, int64_t max,
                                    int64_t *out)
{
    const char *v = huawei_query_str(c, name);
    if (!v) {
        *out = def;
        return HUAWEI_OK;
    }
    if (!util_parse_int64(v, out) || *out < min || *out > max)
        return huawei_fail(&c->reply, c->pool, HUAWEI_BAD_REQUEST,
                           "%s '%.*s' is not an integer from %lld to %lld",
                           name, util_utf8_cut(v, 40), v, (long long)min,
                           (long long)max);
    return HUAWEI_OK;
}

enum huawei_status huawei_page(struct huawei_ctx *c, int64_t *offset,
                               int64_t *limit)
{
    enum huawei_status st =
        huawei_query_int(c, "offset", 0, 0, INT32_MAX, offset);
    return st ? st : huawei_query_int(c, "limit", 10, 1, 50, limit);
}

enum huawei_status huawei_describe(struct huawei_ctx *c, struct core_group *g)
{
    struct core_group *v;
    struct core_error e = {0};
    if (core_describe_groups(&c->core, &c->route.group, 1, &v, &e) < 0)
        return huawei_core_failed(c, &e);
    if (strcmp(v[0].state, "Dead") == 0)
        return huawei_fail(&c->reply, c->pool, HUAWEI_GROUP_UNKNOWN, "(%s)",
                           c->route.group);
    *g = v[0];
    return HUAWEI_OK;
}

enum huawei_status huawei_core_failed(struct huawei_ctx *c,
                                      const struct core_error *e)
{
    struct huawei_reply *r = &c->reply;
    const char *group = c->route.group;
    switch (e->status) {
    case CORE_OK: break;
    case CORE_KAFKA:
        return huawei_fail(r, c->pool, HUAWEI_UNAVAILABLE,
                           "(Kafka operation failed: %s)", e->detail);
    case CORE_TOPIC_UNKNOWN:
        return huawei_fail(r, c->pool, HUAWEI_TOPIC_UNKNOWN, "(%s)", e->detail);
    case CORE_GROUP_ACTIVE:
        return huawei_fail(r, c->pool, HUAWEI_GROUP_ACTIVE,
                           "(group %s is %s with %zu active member%s)", group,
                           e->state, e->members, e->members == 1 ? "" : "s");
    case CORE_MEMBERS_JOINED:
        return huawei_fail(r, c->pool, HUAWEI_GROUP_ACTIVE,
                           "(members joined group %s during the reset)", group);
    case CORE_NO_COMMITS:
        return huawei_fail(r, c->pool, HUAWEI_GROUP_UNKNOWN,
                           "(%s: no members and no committed offsets)", group);
    case CORE_TOO_MANY_PARTITIONS:
        return huawei_fail(r, c->pool, HUAWEI_BAD_REQUEST,
                           "%zu partitions, more than max_partitions %lld",
                           e->count, (long long)c->env->cfg->max_partitions);
    case CORE_CANNOT_SHIFT:
        return huawei_fail(r, c->pool, HUAWEI_INTERNAL,
                           "(no committed offset to shift on %s/%d)", e->topic,
                           e->partition);
    case CORE_BUSY:
        return huawei_fail(r, c->pool, HUAWEI_BUSY, "(%s)", e->detail);
    case CORE_AUDIT_DOWN:
        return huawei_fail(r, c->pool, HUAWEI_INTERNAL,
                           "(the audit log cannot be written: no reset is "
                           "executed without it)");
    case CORE_OUTCOME_UNKNOWN:
        return huawei_fail(r, c->pool, HUAWEI_UNAVAILABLE,
                           "(the commit was sent but its outcome is unknown: "
                           "%s; read the group's offsets before retrying)",
                           e->detail);
    }
    return huawei_fail(r, c->pool, HUAWEI_INTERNAL,
                       "(unexpected core status %d)", (int)e->status);
}
