/* json.h - JSON text as every layer writes it (answers, the status page,
 * the access and audit logs): compact, and valid UTF-8 whatever the strings
 * held; and durations as milliseconds with three decimals. */
#ifndef CKAFKA_JSON_H
#define CKAFKA_JSON_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pool;

/* o as compact JSON text that is valid UTF-8 whatever its strings held
 * (each byte that does not start a well-formed character becomes U+FFFD),
 * NUL-terminated, *len without the NUL. In pool memory, or malloc'd (the
 * caller frees it) when pool is NULL. o is not consumed. */
char *json_text(struct pool *pool, json_object *o, size_t *len);

/* A duration in microseconds as a JSON number of milliseconds with three
 * decimals (1234 -> 1.234), not json-c's 17 significant digits. */
json_object *ms_json(int64_t us);

/* True when v is an integer within [min, max] (or a string holding one:
 * some callers quote numbers), into *out. */
bool json_int_in(json_object *v, int64_t min, int64_t max, int64_t *out);

#endif
