/* rpc.c - Aliyun alikafka (RPC style, API version 2019-09-16) on path
 * "/": parameters from the query and the form body merged, the signature
 * (RPC v1 when a Signature parameter is present, else V3 from the
 * Authorization header), the nonce in the replay store, the instance the
 * key may use, then the action. Authentication comes before anything that
 * tells a caller about actions or instances. */
#include "aliyun/rpc.h"

#include "aliyun/action.h"
#include "aliyun/sign.h"
#include "common/canon.h"
#include "common/config.h"
#include "common/crypto.h"
#include "common/log.h"
#include "common/pool.h"
#include "common/util.h"
#include "store/replay.h"

#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

/* The cloud's limit on clock skew, for Timestamp and x-acs-date. */
#define SKEW_S 900

static const char API_VERSION[] = "2019-09-16";

static const struct {
    const char *name;
    aliyun_action_fn fn;
} actions[] = {
    {"UpdateConsumerOffset", aliyun_update_consumer_offset},
    {"GetConsumerProgress", aliyun_get_consumer_progress},
    {"GetConsumerList", aliyun_get_consumer_list},
};

static bool owns(const char *path)
{
    return strcmp(path, "/") == 0;
}

/* Query and body, each decoded, then merged into one sorted list; a name
 * given in both is refused. */
static enum aliyun_status decode(struct aliyun_ctx *c)
{
    const struct http_request *h = c->http;
    const struct config *cfg = c->env->cfg;
    struct params_limits lim = {(size_t)cfg->max_params,
                                (size_t)cfg->max_name_length,
                                (size_t)cfg->max_value_length, false};
    struct params body = {0};
    char err[512];

    if (strcmp(h->method, "GET") != 0 && strcmp(h->method, "POST") != 0)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_METHOD, NULL,
                           "(%s; use GET or POST)", h->method);
    if (params_parse(c->pool, h->query, strlen(h->query), &lim, &c->query, err,
                     sizeof(err)) < 0)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "Parameter",
                           "(%s)", err);
    c->params = c->query;
    if (h->body_too_large)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "Parameter",
                           "(the body is larger than %lld bytes: max_body)",
                           (long long)cfg->max_body);
    if (strcmp(h->method, "POST") != 0 || !h->body_len)
        return ALIYUN_OK;
    if (!http_is_form(h->content_type))
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "Parameter",
                           "(Content-Type %s: send the parameters as "
                           "application/x-www-form-urlencoded)",
                           h->content_type);
    if (params_parse(c->pool, h->body, h->body_len, &lim, &body, err,
                     sizeof(err)) < 0)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "Parameter",
                           "(%s)", err);
    if (c->query.n + body.n > (size_t)cfg->max_params)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "Parameter",
                           "(more than %lld parameters: max_params)",
                           (long long)cfg->max_params);
    /* Both lists are sorted: merge them. */
    struct param *v =
        pool_alloc(c->pool, (c->query.n + body.n + 1) * sizeof(*v));
    size_t i = 0, j = 0, n = 0;
    while (i < c->query.n || j < body.n) {
        int d = i == c->query.n ? 1
                : j == body.n   ? -1
                                : strcmp(c->query.v[i].name, body.v[j].name);
        if (d == 0)
            return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "Parameter",
                               "(parameter %s is given both in the query and "
                               "in the body)",
                               body.v[j].name);
        v[n++] = d < 0 ? c->query.v[i++] : body.v[j++];
    }
    c->params = (struct params){v, n};
    return ALIYUN_OK;
}

static const char *header(void *arg, const char *name)
{
    return http_header(arg, name);
}

static enum aliyun_status check_time(struct aliyun_ctx *c, const char *what,
                                     const char *v, int64_t *ts)
{
    int64_t now = (int64_t)time(NULL);
    if (aliyun_parse_time(v, ts) < 0)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_TS_FORMAT, NULL,
                           "(%s '%.*s': use YYYY-MM-DDThh:mm:ssZ, UTC)", what,
                           util_utf8_cut(v, 40), v);
    if (*ts < now - SKEW_S || *ts > now + SKEW_S)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_TS_EXPIRED, NULL,
                           "(%s %s is more than %d s away from the server "
                           "clock)",
                           what, v, SKEW_S);
    return ALIYUN_OK;
}

/* A nonce is used once per key within the skew window, on every worker
 * and host sharing the replay store. */
static enum aliyun_status check_nonce(struct aliyun_ctx *c, const char *ak,
                                      const char *nonce, int64_t ts)
{
    const char *const ident[] = {"aliyun", ak, nonce};
    char err[512];
    int64_t now = (int64_t)time(NULL);
    switch (replay_check(c->env->replay, ident, UTIL_ARRAY_LEN(ident), ts, now,
                         SKEW_S, err, sizeof(err))) {
    case REPLAY_FRESH: return ALIYUN_OK;
    case REPLAY_SEEN:
        return aliyun_fail(&c->reply, c->pool, ALIYUN_NONCE_USED, NULL, NULL);
    case REPLAY_FULL:
        return aliyun_fail(&c->reply, c->pool, ALIYUN_THROTTLED, NULL,
                           "(the replay cache, replay_cache_size %lld, is "
                           "full; retry later)",
                           (long long)c->env->cfg->replay_cache_size);
    case REPLAY_ERROR:
        log_error("replay store: %s", err);
        return aliyun_fail(&c->reply, c->pool, ALIYUN_UNAVAILABLE, NULL,
                           "(the replay store did not answer, so the request "
                           "was not executed; retry later)");
    }
    return aliyun_fail(&c->reply, c->pool, ALIYUN_INTERNAL, NULL, NULL);
}

static enum aliyun_status require(struct aliyun_ctx *c, const char *name,
                                  const char **out)
{
    *out = params_get(&c->params, name);
    if (!*out || !**out)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_MISSING, name, NULL);
    return ALIYUN_OK;
}

/* RPC signature v1: every parameter but Signature, sorted, signed with
 * HMAC-SHA1 under secret + "&". */
static enum aliyun_status auth_v1(struct aliyun_ctx *c)
{
    const char *ak, *sig, *method, *version, *nonce, *stamp;
    enum aliyun_status st;
    int64_t ts;

    if ((st = require(c, "AccessKeyId", &ak)) ||
        (st = require(c, "Signature", &sig)) ||
        (st = require(c, "SignatureMethod", &method)) ||
        (st = require(c, "SignatureVersion", &version)) ||
        (st = require(c, "SignatureNonce", &nonce)) ||
        (st = require(c, "Timestamp", &stamp)))
        return st;
    if (strcmp(method, "HMAC-SHA1") != 0)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID,
                           "SignatureMethod", "(use HMAC-SHA1)");
    if (strcmp(version, "1.0") != 0)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID,
                           "SignatureVersion", "(use 1.0)");
    if ((st = check_time(c, "Timestamp", stamp, &ts)))
        return st;
    c->key = config_key(c->env->cfg, ak);
    if (!c->key)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_AK_NOT_FOUND, NULL, NULL);
    const char *sts =
        aliyun_v1_string_to_sign(c->pool, c->http->method, &c->params);
    char expect[CRYPTO_B64_MAX];
    aliyun_v1_sign(c->key->secret_key, sts, expect);
    bool ok = crypto_text_equal(expect, sig);
    crypto_wipe(expect, sizeof(expect));
    /* The old Python SDK compares what follows the ':' with its own string
     * to sign, to tell a wrong secret from a changed request. */
    if (!ok)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_SIGNATURE, NULL,
                           "server string to sign is:%s", sts);
    return check_nonce(c, ak, nonce, ts);
}

/* V3 ACS3-HMAC-SHA256: the canonical request over the headers the client
 * signed, which must include the host and the x-acs- headers that carry
 * the time, the nonce and the body's hash, and the action and version
 * when they come in headers rather than in the (signed) query. */
static enum aliyun_status auth_v3(struct aliyun_ctx *c, const char *authz)
{
    static const char *const must[] = {"host",
                                       "x-acs-date",
                                       "x-acs-signature-nonce",
                                       "x-acs-content-sha256",
                                       "x-acs-action",
                                       "x-acs-version"};
    struct aliyun_v3_auth a;
    enum aliyun_status st;
    int64_t ts;

    if (aliyun_v3_parse(c->pool, authz, &a) < 0)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INCOMPLETE, NULL,
                           "(the Authorization header must be "
                           "ACS3-HMAC-SHA256 Credential=...,SignedHeaders=..."
                           ",Signature=...)");
    for (size_t i = 0; i < UTIL_ARRAY_LEN(must); i++) {
        if ((i == 4 && params_get(&c->params, "Action")) ||
            (i == 5 && params_get(&c->params, "Version")))
            continue;
        const char *v = http_header(c->http, must[i]);
        if (!canon_listed(a.signed_headers, must[i]) || !v || !*v)
            return aliyun_fail(&c->reply, c->pool, ALIYUN_INCOMPLETE, NULL,
                               "(the %s header must be sent and signed)",
                               must[i]);
    }
    if ((st = check_time(c, "x-acs-date", http_header(c->http, "x-acs-date"),
                         &ts)))
        return st;
    c->key = config_key(c->env->cfg, a.access_key);
    if (!c->key)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_AK_NOT_FOUND, NULL, NULL);

    /* The body is signed through its hash: it must be that body's. */
    char body_hash[CRYPTO_HEX_MAX];
    const char *claimed = http_header(c->http, "x-acs-content-sha256");
    crypto_sha256_hex(c->http->body ? c->http->body : "", c->http->body_len,
                      body_hash);
    if (strcasecmp(body_hash, claimed) != 0)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_SIGNATURE, NULL,
                           "(x-acs-content-sha256 is not the SHA-256 of the "
                           "body)");
    const char *missing;
    const char *canonical = aliyun_v3_canonical(
        c->pool, c->http->method, c->http->path, &c->query, a.signed_headers,
        header, (void *)c->http, claimed, &missing);
    if (!canonical)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INCOMPLETE, NULL,
                           "(signed header %s is not in the request)",
                           missing ? missing : "list");
    const char *sts = aliyun_v3_string_to_sign(c->pool, canonical);
    char expect[CRYPTO_HEX_MAX];
    aliyun_v3_sign(c->key->secret_key, sts, expect);
    bool ok = strlen(a.signature) == strlen(expect) &&
              crypto_text_equal(expect, a.signature);
    crypto_wipe(expect, sizeof(expect));
    if (!ok)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_SIGNATURE, NULL,
                           "server string to sign is:%s", sts);
    /* The Host header is signed: a request signed for another deployment
     * (which may share keys) is not answered here. */
    if (!config_host_allowed(c->env->cfg, c->http->host))
        return aliyun_fail(&c->reply, c->pool, ALIYUN_SIGNATURE, NULL,
                           "(the request is signed for host %s, which this "
                           "server does not answer: signature_hosts)",
                           c->http->host);
    return check_nonce(c, a.access_key,
                       http_header(c->http, "x-acs-signature-nonce"), ts);
}

/* RPC v1 signs the parameters and no header: its action and version must
 * be parameters (V3 signs the x-acs- headers that may carry them). */
static bool signed_v1(const struct aliyun_ctx *c)
{
    return params_get(&c->params, "Signature") != NULL;
}

static enum aliyun_status authenticate(struct aliyun_ctx *c)
{
    if (signed_v1(c))
        return auth_v1(c);
    const char *authz = http_header(c->http, "authorization");
    if (authz && *authz)
        return auth_v3(c, authz);
    if (!params_get(&c->params, "AccessKeyId"))
        return aliyun_fail(&c->reply, c->pool, ALIYUN_MISSING, "AccessKeyId",
                           NULL);
    return aliyun_fail(&c->reply, c->pool, ALIYUN_MISSING, "Signature", NULL);
}

static enum aliyun_status route(struct aliyun_ctx *c, aliyun_action_fn *fn)
{
    const char *version = params_get(&c->params, "Version");
    enum aliyun_status st;
    if (!version && !signed_v1(c))
        version = http_header(c->http, "x-acs-version");
    if (!c->action || !*c->action)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_MISSING, "Action", NULL);
    if (!version || !*version)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_MISSING, "Version", NULL);
    if (strcmp(version, API_VERSION) != 0)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, "Version",
                           "(this API is version %s)", API_VERSION);
    if ((st = authenticate(c)))
        return st;
    *fn = NULL;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(actions); i++)
        if (strcmp(actions[i].name, c->action) == 0)
            *fn = actions[i].fn;
    if (!*fn)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_API_NOT_FOUND, NULL,
                           "(%.*s)", util_utf8_cut(c->action, 64), c->action);
    c->env->note(c->env->note_arg, c->action, NULL, NULL);

    const char *id;
    if ((st = aliyun_str(c, "InstanceId", true, false, &id)))
        return st;
    c->instance_id = id;
    const char *region = params_get(&c->params, "RegionId");
    c->region = region ? region : "";
    /* Refused keys learn nothing about whether the instance exists. */
    if (!config_key_allows(c->key, id))
        return aliyun_fail(&c->reply, c->pool, ALIYUN_FORBIDDEN, NULL,
                           "(AccessKeyId %s may not use instance %s)",
                           c->key->secret_id, id);
    c->inst = config_instance(c->env->cfg, id);
    c->env->note(c->env->note_arg, NULL, id, NULL);
    if (!c->inst)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INSTANCE_UNKNOWN, NULL,
                           "(%s)", id);
    c->core = (struct core_ctx){
        .cfg = c->env->cfg,
        .inst = c->inst,
        .pool = c->pool,
        .locks = c->env->locks,
        .api = "aliyun",
        .action = c->action,
        .secret_id = c->key->secret_id,
        .client = c->http->client,
    };
    struct core_error e = {0};
    if (core_begin(&c->core, &e) < 0)
        return aliyun_core_failed(c, NULL, &e);
    return ALIYUN_OK;
}

/* A RequestId as the cloud writes them: an upper-case UUID. */
static const char *request_id(struct pool *pool)
{
    unsigned char b[16];
    char h[33];
    if (RAND_bytes(b, sizeof(b)) != 1)
        memset(b, 0, sizeof(b));
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    util_hex(h, b, sizeof(b));
    for (char *p = h; *p; p++)
        if (*p >= 'a' && *p <= 'f')
            *p = (char)(*p - 'a' + 'A');
    return pool_printf(pool, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12,
                       h + 16, h + 20);
}

static void serve(const struct http_env *env, const struct http_request *req,
                  struct pool *pool, struct http_answer *a)
{
    struct aliyun_ctx c = {0};
    aliyun_action_fn fn = NULL;

    c.env = env;
    c.http = req;
    c.pool = pool;
    if (decode(&c) == ALIYUN_OK) {
        /* Format=JSON (any case) or XML; without one, the cloud answers
         * RPC v1 requests in XML and V3 ones (whose SDKs send no Format,
         * and Accept: application/json) in JSON. */
        const char *format = params_get(&c.params, "Format");
        const char *accept = http_header(req, "accept");
        if (format)
            c.xml = strcasecmp(format, "JSON") != 0;
        else {
            const char *authz = http_header(req, "authorization");
            c.xml = !(accept && strstr(accept, "json")) &&
                    !(authz && strncmp(authz, "ACS3-", 5) == 0);
        }
        c.action = params_get(&c.params, "Action");
        if (!c.action && !signed_v1(&c))
            c.action = http_header(req, "x-acs-action");
        if (route(&c, &fn) == ALIYUN_OK)
            fn(&c);
    }

    const char *rid = request_id(pool);
    a->status = aliyun_http_status(c.reply.status);
    a->content_type =
        c.xml ? "text/xml;charset=utf-8" : "application/json;charset=utf-8";
    a->body =
        aliyun_render(pool, &c.reply, c.xml, c.action, rid, req->host, &a->len);
    a->request_id_header = "x-acs-request-id";
    a->request_id = rid;
    a->api = "aliyun";
    a->action = c.action;
    a->instance = c.inst ? c.inst->id : NULL;
    a->group = c.group;
    a->failed = c.reply.status != ALIYUN_OK;
    a->code = c.reply.status == ALIYUN_OK ? 200 : 0;
    a->code_text = a->failed ? aliyun_code(pool, &c.reply) : NULL;
    a->kafka_failed = c.reply.status == ALIYUN_UNAVAILABLE && c.inst;
    if (c.reply.status == ALIYUN_INTERNAL ||
        (c.reply.status == ALIYUN_UNAVAILABLE && c.inst))
        a->problem = aliyun_message(pool, &c.reply);
    aliyun_clear(&c.reply);
}

const struct http_frontend aliyun_frontend = {"aliyun", owns, serve};

/* The helpers every action shares. */

enum aliyun_status aliyun_str(struct aliyun_ctx *c, const char *name,
                              bool required, bool allow_empty, const char **out)
{
    *out = params_get(&c->params, name);
    if ((!*out && required) || (*out && !**out && !allow_empty))
        return aliyun_fail(&c->reply, c->pool, ALIYUN_MISSING, name, NULL);
    return ALIYUN_OK;
}

enum aliyun_status aliyun_int(struct aliyun_ctx *c, const char *name,
                              int64_t def, int64_t min, int64_t max,
                              int64_t *out)
{
    const char *v = params_get(&c->params, name);
    if (!v) {
        *out = def;
        return ALIYUN_OK;
    }
    if (!util_parse_int64(v, out) || *out < min || *out > max)
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, name,
                           "('%.*s': an integer from %lld to %lld)",
                           util_utf8_cut(v, 40), v, (long long)min,
                           (long long)max);
    return ALIYUN_OK;
}

enum aliyun_status aliyun_bool(struct aliyun_ctx *c, const char *name, bool def,
                               bool *out)
{
    const char *v = params_get(&c->params, name);
    if (!v) {
        *out = def;
        return ALIYUN_OK;
    }
    if (strcasecmp(v, "true") == 0)
        *out = true;
    else if (strcasecmp(v, "false") == 0)
        *out = false;
    else
        return aliyun_fail(&c->reply, c->pool, ALIYUN_INVALID, name,
                           "('%.*s': true or false)", util_utf8_cut(v, 40), v);
    return ALIYUN_OK;
}

enum aliyun_status aliyun_group(struct aliyun_ctx *c, const char **out)
{
    enum aliyun_status st = aliyun_str(c, "ConsumerId", true, false, out);
    if (!st) {
        c->group = *out;
        c->env->note(c->env->note_arg, NULL, NULL, *out);
    }
    return st;
}

enum aliyun_status aliyun_core_failed(struct aliyun_ctx *c, const char *group,
                                      const struct core_error *e)
{
    struct aliyun_reply *r = &c->reply;
    switch (e->status) {
    case CORE_OK: break;
    case CORE_KAFKA:
        return aliyun_fail(r, c->pool, ALIYUN_UNAVAILABLE, NULL,
                           "(Kafka operation failed: %s)", e->detail);
    case CORE_TOPIC_UNKNOWN:
        return aliyun_fail(r, c->pool, ALIYUN_TOPIC_UNKNOWN, NULL, "(%s)",
                           e->detail);
    case CORE_GROUP_ACTIVE:
        return aliyun_fail(r, c->pool, ALIYUN_GROUP_ACTIVE, NULL,
                           "(group %s is %s with %zu active member%s)", group,
                           e->state, e->members, e->members == 1 ? "" : "s");
    case CORE_MEMBERS_JOINED:
        return aliyun_fail(r, c->pool, ALIYUN_GROUP_ACTIVE, NULL,
                           "(members joined group %s during the reset)", group);
    case CORE_NO_COMMITS:
        return aliyun_fail(r, c->pool, ALIYUN_GROUP_UNKNOWN, NULL,
                           "(group %s has no committed offsets: name the "
                           "Topic to reset)",
                           group);
    case CORE_TOO_MANY_PARTITIONS:
        return aliyun_fail(r, c->pool, ALIYUN_INVALID, "Topic",
                           "(%zu partitions, more than max_partitions %lld)",
                           e->count, (long long)c->env->cfg->max_partitions);
    case CORE_CANNOT_SHIFT:
        return aliyun_fail(r, c->pool, ALIYUN_INTERNAL, NULL,
                           "(no committed offset to shift on %s/%d)", e->topic,
                           e->partition);
    case CORE_BUSY:
        return aliyun_fail(r, c->pool, ALIYUN_BUSY, NULL, "(%s)", e->detail);
    case CORE_AUDIT_DOWN:
        return aliyun_fail(r, c->pool, ALIYUN_INTERNAL, NULL,
                           "(the audit log cannot be written: no reset is "
                           "executed without it)");
    case CORE_OUTCOME_UNKNOWN:
        return aliyun_fail(r, c->pool, ALIYUN_UNAVAILABLE, NULL,
                           "(the commit was sent but its outcome is unknown: "
                           "%s; read the group's offsets before retrying)",
                           e->detail);
    }
    return aliyun_fail(r, c->pool, ALIYUN_INTERNAL, NULL,
                       "(unexpected core status %d)", (int)e->status);
}
