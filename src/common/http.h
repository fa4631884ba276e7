/* http.h - the seam between the server and the API front ends: one HTTP
 * request as the web server handed it over (FastCGI params and body), the
 * answer a front end gives back (what the server writes, and what it logs
 * and counts), and a front end's two entry points. Knows no API. */
#ifndef CKAFKA_HTTP_H
#define CKAFKA_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct grouplock;
struct pool;
struct replay;

/* What the web server handed over, before any decoding. Lifetime: borrowed
 * (FastCGI params and the body buffer, valid for the request). */
struct http_request {
    const char *method;       /* REQUEST_METHOD, "" when absent */
    const char *host;         /* HTTP_HOST as received, "" when absent */
    const char *path;         /* the path, without the query; "" if none */
    const char *raw_path;     /* the path as the client sent it (REQUEST_URI
                                 up to '?', escapes kept), or NULL when the
                                 web server did not pass it */
    const char *query;        /* QUERY_STRING, "" when absent */
    const char *content_type; /* CONTENT_TYPE, NULL when absent */
    const char *client;       /* REMOTE_ADDR, "" when unknown */
    const char *body;         /* POST body (not NUL-terminated), or NULL */
    size_t body_len;
    bool body_too_large;      /* more than max_body was announced or sent */
    long long body_announced; /* CONTENT_LENGTH, -1 when absent */
    char *const *envp;        /* every FastCGI param, for http_header */
};

/* The value of request header name (any case: "x-acs-date" is the
 * HTTP_X_ACS_DATE param), or NULL when absent. Borrowed. */
const char *http_header(const struct http_request *r, const char *name);

/* The request's path without its query: document_uri (what the shipped
 * nginx snippet sends), else request_uri up to '?' (other web servers),
 * else script_name, else "". Any may be NULL. Borrowed or pool memory. */
const char *http_path(struct pool *pool, const char *document_uri,
                      const char *request_uri, const char *script_name);

/* True when content_type is application/x-www-form-urlencoded (any case,
 * parameters after ';' allowed) or absent: old clients send none, and the
 * body is still a form. */
bool http_is_form(const char *content_type);

/* What a front end answers. Lifetime: request (pool strings). */
struct http_answer {
    int status;               /* HTTP status */
    const char *content_type; /* with its charset */
    const char *body;
    size_t len;
    const char *request_id_header; /* header name for request_id, or NULL */
    const char *request_id;
    /* For the access, slow and error logs and the scoreboard. */
    const char *api;      /* the front end's name */
    const char *action;   /* NULL: none was read */
    const char *instance; /* NULL: none was chosen */
    const char *group;
    int code;              /* the API's code, when it is a number */
    const char *code_text; /* the API's code, when it is a word; or NULL */
    bool failed;           /* an error answer */
    bool kafka_failed;     /* Kafka did not answer (counted per instance) */
    const char *problem;   /* worth a warning in the error log, or NULL */
};

/* What the server lends every front end. Lifetime: process, borrowed. */
struct http_env {
    const struct config *cfg;
    struct replay *replay;
    struct grouplock *locks;
    int64_t started_us; /* util_mono_us() when the request arrived */
    /* Tells the server what the request is about (action, instance,
     * group; NULL: unchanged), for the status page and a timeout's log. */
    void (*note)(void *arg, const char *action, const char *instance,
                 const char *group);
    void *note_arg;
};

/* An API front end. Lifetime: process (static). */
struct http_frontend {
    const char *name; /* as the `apis` configuration key names it */
    /* True when the front end serves this path. */
    bool (*owns)(const char *path);
    /* Answers req into a (which starts zeroed). Never fails: every error
     * is an answer in the API's envelope. */
    void (*serve)(const struct http_env *env, const struct http_request *req,
                  struct pool *pool, struct http_answer *a);
};

#endif
