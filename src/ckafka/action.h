/* action.h - what an action handler receives, and the parameter helpers all
 * handlers share (so every handler words its 4000s the same way). */
#ifndef CKAFKA_ACTION_H
#define CKAFKA_ACTION_H

#include "ckafka/reply.h"
#include "core/core.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config;
struct config_instance;
struct config_key;
struct grouplock;
struct params;
struct pool;
struct replay;
struct request;

/* One request on its way through dispatch. Lifetime: request. */
struct action_ctx {
    /* process lifetime, borrowed */
    const struct config *cfg;
    struct replay *replay;
    struct grouplock *locks;
    /* request lifetime */
    struct pool *pool;
    const struct request *req;
    struct params *params; /* '@' values dropped once authenticated */
    int64_t started_us;    /* util_mono_us() when the request arrived */
    /* Tells the server what the request is about (action, instance,
     * group; NULL: unchanged), for the status page and a timeout's log. */
    void (*note)(void *arg, const char *action, const char *instance,
                 const char *group);
    void *note_arg;
    /* set by dispatch before the handler runs */
    const char *action;
    const struct config_key *key;
    const struct config_instance *inst;
    struct core_ctx core; /* for the core's operations, begun */
    /* set by the handler, for the access and slow logs */
    const char *group;
    /* the outcome */
    struct reply reply;
};

typedef enum reply_status (*action_fn)(struct action_ctx *c);

enum reply_status action_get_group_offsets(struct action_ctx *c);
enum reply_status action_set_group_offset(struct action_ctx *c);
enum reply_status action_get_group_info(struct action_ctx *c);
enum reply_status action_list_group(struct action_ctx *c);
enum reply_status action_list_consumer_group(struct action_ctx *c);
enum reply_status action_list_topic(struct action_ctx *c);
enum reply_status action_get_topic_attributes(struct action_ctx *c);
enum reply_status action_list_instance(struct action_ctx *c);
enum reply_status action_get_instance_attributes(struct action_ctx *c);

/* A required, non-empty string parameter: *out, or a 4000 in c->reply. */
enum reply_status action_str(struct action_ctx *c, const char *name,
                             const char **out);

/* The required group parameter; also noted for the logs and the
 * scoreboard (c->group). */
enum reply_status action_group(struct action_ctx *c, const char **out);

/* An int64 parameter within [min, max]. When absent: def if !required, else
 * a 4000 (9003). Malformed or out of range: 4000 (1000) naming it. */
enum reply_status action_int64(struct action_ctx *c, const char *name,
                               bool required, int64_t def, int64_t min,
                               int64_t max, int64_t *out);

/* name.N (or, when bare is set, a lone `name` instead): distinct values in
 * request order (duplicates dropped), at most max (what names it in the
 * refusal). *n is 0 when none are given. */
enum reply_status action_names(struct action_ctx *c, const char *name,
                               bool bare, size_t max, const char *what,
                               const char ***v, size_t *n);

/* topics.N: action_names with max_topics. */
enum reply_status action_topics(struct action_ctx *c, const char ***topics,
                                size_t *n);

/* A page: offset (default 0, at least 0) and limit (default def, 1 to
 * max) parameters. */
struct action_page {
    int64_t offset, limit;
};
enum reply_status action_page(struct action_ctx *c, int64_t def, int64_t max,
                              struct action_page *p);

/* The page's slice of total items: its first index and count. */
void action_page_slice(const struct action_page *p, size_t total, size_t *first,
                       size_t *n);

/* True when filter is NULL or occurs in s (searchWord, groupName, ...). */
bool action_matches(const char *s, const char *filter);

/* Makes a core context for inst on behalf of this request and begins it
 * (core_begin). Returns 0, or -1 with e. */
int action_core_begin(struct action_ctx *c, const struct config_instance *inst,
                      struct core_ctx *core, struct core_error *e);

/* A core error as this API answers it (one table of wordings). */
enum reply_status action_core_failed(struct action_ctx *c, const char *group,
                                     const struct core_error *e);

#endif
