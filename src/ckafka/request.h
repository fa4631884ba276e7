/* request.h - one request as API 2.0 sees it: method, Host header as
 * received, path, client address and the decoded parameters (from the query
 * string for GET, from the form body for POST, never both). */
#ifndef CKAFKA_REQUEST_H
#define CKAFKA_REQUEST_H

#include "ckafka/reply.h"
#include "common/params.h"

#include <stdbool.h>
#include <stddef.h>

struct config;
struct http_request;
struct pool;

/* Lifetime: request (pool). */
struct request {
    const char *method; /* "GET" or "POST" */
    bool is_post;
    const char *host;   /* as received, with its port; "" when absent */
    const char *path;   /* the path, without the query */
    const char *client; /* "" when unknown */
    struct params params;
};

/* Decodes raw into req (copies into pool). Returns REPLY_OK, or an error
 * status with r filled: method other than GET/POST, a body over max_body, a
 * POST body that is not x-www-form-urlencoded, malformed parameters. Even on
 * error req->method, path, host and client are set (for the access log). */
enum reply_status request_parse(struct pool *pool,
                                const struct http_request *raw,
                                const struct config *cfg, struct request *req,
                                struct reply *r);

#endif
