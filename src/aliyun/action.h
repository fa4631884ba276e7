/* action.h - what an alikafka action handler receives, and the parameter
 * helpers every handler shares (so they word their Missing and Invalid
 * errors the same way). */
#ifndef CKAFKA_ALIYUN_ACTION_H
#define CKAFKA_ALIYUN_ACTION_H

#include "aliyun/envelope.h"
#include "common/http.h"
#include "common/params.h"
#include "core/core.h"

#include <stdbool.h>
#include <stdint.h>

struct config_instance;
struct config_key;

/* One request on its way through the front end. Lifetime: request. */
struct aliyun_ctx {
    /* borrowed */
    const struct http_env *env;
    const struct http_request *http;
    struct pool *pool;
    /* decoded */
    struct params query;  /* the query string alone (V3 signs it) */
    struct params params; /* query and form body, merged */
    bool xml;             /* Format: XML unless JSON */
    const char *action;   /* Action, or the x-acs-action header */
    /* set by authentication and routing */
    const struct config_key *key;
    const struct config_instance *inst;
    const char *instance_id; /* InstanceId as sent */
    const char *region;      /* RegionId as sent, "" when absent */
    struct core_ctx core;    /* begun for the instance */
    /* set by the handler, for the logs */
    const char *group;
    struct aliyun_reply reply;
};

typedef enum aliyun_status (*aliyun_action_fn)(struct aliyun_ctx *c);

enum aliyun_status aliyun_update_consumer_offset(struct aliyun_ctx *c);
enum aliyun_status aliyun_get_consumer_progress(struct aliyun_ctx *c);
enum aliyun_status aliyun_get_consumer_list(struct aliyun_ctx *c);

/* A string parameter: *out, NULL when absent and !required; Missing{name}
 * when absent and required, or empty and !allow_empty. */
enum aliyun_status aliyun_str(struct aliyun_ctx *c, const char *name,
                              bool required, bool allow_empty,
                              const char **out);

/* An integer parameter within [min, max]; def when absent. */
enum aliyun_status aliyun_int(struct aliyun_ctx *c, const char *name,
                              int64_t def, int64_t min, int64_t max,
                              int64_t *out);

/* A boolean parameter ("true"/"false", any case); def when absent. */
enum aliyun_status aliyun_bool(struct aliyun_ctx *c, const char *name, bool def,
                               bool *out);

/* The group parameter (ConsumerId), noted for the logs. */
enum aliyun_status aliyun_group(struct aliyun_ctx *c, const char **out);

/* A core error as this API answers it. */
enum aliyun_status aliyun_core_failed(struct aliyun_ctx *c, const char *group,
                                      const struct core_error *e);

#endif
