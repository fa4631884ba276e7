/* rest.h - Huawei DMS for Kafka's consumer-group REST API as the server
 * sees it: one front end among the APIs. */
#ifndef CKAFKA_HUAWEI_REST_H
#define CKAFKA_HUAWEI_REST_H

#include "common/http.h"

/* Owns /v1.0/... and /v2/... but /v2/index.php (CKafka's API 2.0). */
extern const struct http_frontend huawei_frontend;

#endif
