/* request.h - one FastCGI request as the API sees it: method, Host header as
 * received, path, client address and the decoded parameters (from the query
 * string for GET, from the form body for POST, never both). */
#ifndef CKAFKA_REQUEST_H
#define CKAFKA_REQUEST_H

#include "ckafka/params.h"
#include "ckafka/reply.h"

#include <stdbool.h>
#include <stddef.h>

struct config;
struct pool;

/* What the web server handed over, before any decoding. Lifetime: borrowed
 * (FCGX_GetParam strings and the body buffer, valid for the request). */
struct request_raw {
    const char *method;       /* REQUEST_METHOD */
    const char *host;         /* HTTP_HOST, NULL when absent */
    const char *uri;          /* DOCUMENT_URI, or REQUEST_URI (path and
                                 query as sent) */
    const char *script_name;  /* SCRIPT_NAME, used when REQUEST_URI is absent */
    const char *query;        /* QUERY_STRING */
    const char *content_type; /* CONTENT_TYPE */
    const char *client;       /* REMOTE_ADDR */
    const char *body;         /* POST body (not NUL-terminated) */
    size_t body_len;
    bool body_too_large;      /* more than max_body was announced or sent */
    long long body_announced; /* CONTENT_LENGTH, -1 when absent */
};

/* Lifetime: request (pool). */
struct request {
    const char *method; /* "GET" or "POST" */
    bool is_post;
    const char *host;   /* as received, with its port; "" when absent */
    const char *path;   /* REQUEST_URI up to '?' */
    const char *client; /* "" when unknown */
    struct params params;
};

/* Decodes raw into req (copies into pool). Returns REPLY_OK, or an error
 * status with r filled: method other than GET/POST, a body over max_body, a
 * POST body that is not x-www-form-urlencoded, malformed parameters. Even on
 * error req->method, path, host and client are set (for the access log). */
enum reply_status request_parse(struct pool *pool,
                                const struct request_raw *raw,
                                const struct config *cfg, struct request *req,
                                struct reply *r);

#endif
