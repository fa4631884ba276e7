/* rpc.h - Aliyun alikafka's RPC API (version 2019-09-16) as the
 * server sees it: one front end among the APIs. */
#ifndef CKAFKA_ALIYUN_RPC_H
#define CKAFKA_ALIYUN_RPC_H

#include "common/http.h"

/* Owns the path "/", where the cloud's SDKs send every action. */
extern const struct http_frontend aliyun_frontend;

#endif
