/* dispatch.h - from a decoded request to a reply: common parameters,
 * signature, Timestamp window, replay cache, Action, instance authorization,
 * then the action's handler. */
#ifndef CKAFKA_DISPATCH_H
#define CKAFKA_DISPATCH_H

#include "ckafka/action.h"

/* Runs c through every check and the handler; the outcome is c->reply.
 * Needs c->cfg, replay, pool, req, params and started_us. */
void dispatch(struct action_ctx *c);

#endif
