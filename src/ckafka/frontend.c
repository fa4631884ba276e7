/* frontend.c - API 2.0's entry point: decode, dispatch, render, and tell
 * the server what to write and log. Every answer is HTTP 200: the legacy
 * SDKs read no other status. */
#include "ckafka/frontend.h"

#include "ckafka/dispatch.h"
#include "ckafka/reply.h"
#include "ckafka/request.h"
#include "common/config.h"
#include "common/pool.h"

static bool owns(const char *path)
{
    (void)path;
    return true;
}

static void serve(const struct http_env *env, const struct http_request *raw,
                  struct pool *pool, struct http_answer *a)
{
    struct request req;
    struct action_ctx c = {0};

    c.cfg = env->cfg;
    c.replay = env->replay;
    c.locks = env->locks;
    c.pool = pool;
    c.req = &req;
    c.params = &req.params;
    c.started_us = env->started_us;
    c.note = env->note;
    c.note_arg = env->note_arg;
    if (request_parse(pool, raw, env->cfg, &req, &c.reply) == REPLY_OK)
        dispatch(&c);

    a->status = 200;
    a->content_type = "application/json; charset=utf-8";
    a->body = reply_render(pool, &c.reply, &a->len);
    a->api = "ckafka";
    a->action = c.action;
    a->instance = c.inst ? c.inst->id : NULL;
    a->group = c.group;
    a->code = reply_code(c.reply.status);
    a->failed = a->code != 0;
    a->kafka_failed = c.reply.status == REPLY_KAFKA;
    if (c.reply.status == REPLY_INTERNAL || c.reply.status == REPLY_KAFKA)
        a->problem = reply_message(pool, &c.reply);
    reply_clear(&c.reply);
}

const struct http_frontend ckafka_frontend = {"ckafka", owns, serve};
