/* action.h - what a Huawei DMS handler receives, and the helpers every
 * handler shares (so they word their errors the same way). */
#ifndef CKAFKA_HUAWEI_ACTION_H
#define CKAFKA_HUAWEI_ACTION_H

#include "common/http.h"
#include "common/params.h"
#include "core/core.h"
#include "huawei/answer.h"
#include "huawei/routes.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

struct config_instance;
struct config_key;
struct core_group;
struct core_part_detail;

/* One request on its way through the front end. Lifetime: request. */
struct huawei_ctx {
    /* borrowed */
    const struct http_env *env;
    const struct http_request *http;
    struct pool *pool;
    const char *path;    /* the path as the client sent it (escapes kept) */
    struct params query; /* decoded */
    struct huawei_route route;
    /* set by authentication */
    const struct config_key *key;
    const struct config_instance *inst;
    struct core_ctx core; /* begun for the instance */
    struct huawei_reply reply;
};

typedef enum huawei_status (*huawei_action_fn)(struct huawei_ctx *c);

enum huawei_status huawei_reset_offset(struct huawei_ctx *c);
enum huawei_status huawei_group_detail(struct huawei_ctx *c);
enum huawei_status huawei_group_summary(struct huawei_ctx *c);
enum huawei_status huawei_list_groups(struct huawei_ctx *c);
enum huawei_status huawei_message_offsets(struct huawei_ctx *c);
enum huawei_status huawei_group_topics(struct huawei_ctx *c);
enum huawei_status huawei_group_members(struct huawei_ctx *c);

/* An integer query parameter within [min, max]; def when absent or empty
 * (the SDKs send every parameter as a string). */
enum huawei_status huawei_query_int(struct huawei_ctx *c, const char *name,
                                    int64_t def, int64_t min, int64_t max,
                                    int64_t *out);

/* A string query parameter; NULL when absent or empty. */
const char *huawei_query_str(const struct huawei_ctx *c, const char *name);

/* offset (default 0) and limit (default 10, 1 to 50) as the list APIs
 * take them. */
enum huawei_status huawei_page(struct huawei_ctx *c, int64_t *offset,
                               int64_t *limit);

/* The group of the path described into *g (one DescribeGroups); a group
 * that does not exist (Dead) is HUAWEI_GROUP_UNKNOWN. */
enum huawei_status huawei_describe(struct huawei_ctx *c, struct core_group *g);

/* One row of group_message_offsets: topic, partition, committed, log end
 * and lag; with full, the log start and the owning member too (the engine
 * API's message-offset rows). */
json_object *huawei_offsets_row(const struct core_part_detail *d, bool full);

/* A core error as this API answers it. */
enum huawei_status huawei_core_failed(struct huawei_ctx *c,
                                      const struct core_error *e);

#endif
