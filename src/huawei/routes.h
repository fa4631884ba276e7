/* routes.h - the URI families of Huawei DMS for Kafka's consumer-group API
 * (dialects.md 3.1): which operation a method and path name, with the
 * project, instance and group they carry. Pure: no I/O. */
#ifndef CKAFKA_HUAWEI_ROUTES_H
#define CKAFKA_HUAWEI_ROUTES_H

#include <stdbool.h>

struct pool;

enum huawei_op {
    HUAWEI_NONE,           /* no route: 404 */
    HUAWEI_RESET_V1,       /* POST
                              /v1.0/{p}/instances/{i}/manage/groups/{g}/reset-message-offset
                            */
    HUAWEI_RESET_V2,       /* POST
                              /v2/{p}/instances/{i}/management/groups/{g}/reset-message-offset
                            */
    HUAWEI_RESET_ENGINE,   /* PUT
                              /v2/kafka/{p}/instances/{i}/groups/{g}/reset-message-offset
                            */
    HUAWEI_DETAIL_V1,      /* GET /v1.0/{p}/instances/{i}/manage/groups/{g} */
    HUAWEI_DETAIL_V2,      /* GET /v2/{p}/instances/{i}/management/groups/{g} */
    HUAWEI_SUMMARY,        /* GET /v2/{p}/instances/{i}/groups/{g} */
    HUAWEI_SUMMARY_ENGINE, /* GET /v2/kafka/{p}/instances/{i}/groups/{g} */
    HUAWEI_LIST,           /* GET /v2/{p}/instances/{i}/groups */
    HUAWEI_OFFSETS, /* GET /v2/kafka/{p}/instances/{i}/groups/{g}/message-offset
                     */
    HUAWEI_TOPICS,  /* GET /v2/kafka/{p}/instances/{i}/groups/{g}/topics */
    HUAWEI_MEMBERS, /* GET /v2/kafka/{p}/instances/{i}/groups/{g}/members */
};

/* What a path names. Lifetime: request (pool); segments percent-decoded. */
struct huawei_route {
    enum huawei_op op;
    const char *project, *instance, *group; /* group NULL for the list */
    bool method_ok;     /* the path is a route, and the method is its own */
    const char *method; /* the route's own method, when op is set */
};

/* True when path belongs to this API: /v1.0/..., or /v2/ and at least
 * two segments (API 2.0's /v2/index.php, and any other single segment
 * under /v2/, stay CKafka's). */
bool huawei_owns(const char *path);

/* Matches method and path. out->op is HUAWEI_NONE when no route has this
 * shape (or a segment does not decode to valid UTF-8 without NUL); when the
 * shape matches but the method is another, op is set and method_ok false. */
void huawei_route(struct pool *pool, const char *method, const char *path,
                  struct huawei_route *out);

#endif
