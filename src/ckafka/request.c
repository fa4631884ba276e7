/* request.c - from what nginx passed (FastCGI params and stdin) to a decoded
 * request. It decides where parameters come from and enforces the size
 * bounds; params.c decodes, auth.c verifies. Nothing here knows an action. */
#include "ckafka/request.h"

#include "common/config.h"
#include "common/http.h"
#include "common/pool.h"

#include <string.h>
#include <strings.h>

enum reply_status request_parse(struct pool *pool,
                                const struct http_request *raw,
                                const struct config *cfg, struct request *req,
                                struct reply *r)
{
    char err[512];
    struct params_limits lim = {(size_t)cfg->max_params,
                                (size_t)cfg->max_name_length,
                                (size_t)cfg->max_value_length, true};

    req->method = pool_strdup(pool, raw->method ? raw->method : "");
    req->is_post = strcmp(req->method, "POST") == 0;
    req->host = pool_strdup(pool, raw->host ? raw->host : "");
    req->path = pool_strdup(pool, raw->path ? raw->path : "");
    req->client = pool_strdup(pool, raw->client ? raw->client : "");
    req->params.v = NULL;
    req->params.n = 0;

    if (!req->is_post && strcmp(req->method, "GET") != 0)
        return reply_fail(r, pool, REPLY_PARAM_INVALID,
                          "HTTP method %s is not supported: use GET or POST",
                          req->method);
    if (!req->is_post) {
        const char *qs = raw->query ? raw->query : "";
        return params_parse(pool, qs, strlen(qs), &lim, &req->params, err,
                            sizeof(err)) < 0
                   ? reply_fail(r, pool, REPLY_PARAM_INVALID, "%s", err)
                   : REPLY_OK;
    }
    if (raw->body_too_large)
        return reply_fail(r, pool, REPLY_PARAM_INVALID,
                          "request body is larger than %lld bytes (max_body)",
                          (long long)cfg->max_body);
    if (!http_is_form(raw->content_type))
        return reply_fail(r, pool, REPLY_PARAM_INVALID,
                          "Content-Type %s is not supported: send the "
                          "parameters as application/x-www-form-urlencoded",
                          raw->content_type);
    /* The query string of a POST is ignored: the contract never mixes. */
    if (params_parse(pool, raw->body ? raw->body : "", raw->body_len, &lim,
                     &req->params, err, sizeof(err)) < 0)
        return reply_fail(r, pool, REPLY_PARAM_INVALID, "%s", err);
    return REPLY_OK;
}
