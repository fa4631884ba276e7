/* frontend.h - Tencent CKafka API 2.0 (`/v2/index.php?Action=...`) as the
 * server sees it: one front end among the APIs. */
#ifndef CKAFKA_FRONTEND_H
#define CKAFKA_FRONTEND_H

#include "common/http.h"

/* Owns every path no other front end claims (API 2.0 signs the path, so a
 * request for another path fails its signature in the API's envelope). */
extern const struct http_frontend ckafka_frontend;

#endif
