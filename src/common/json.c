/* json.c - serializing JSON for every layer: json-c's compact text with
 * invalid UTF-8 repaired, and millisecond durations. No I/O. */
#include "common/json.h"

#include "common/pool.h"
#include "common/util.h"

#include <errno.h>
#include <stdio.h>

char *json_text(struct pool *pool, json_object *o, size_t *len)
{
    size_t n = 0;
    const char *s = json_object_to_json_string_length(
        o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &n);
    /* json-c escapes control characters but copies other bytes as they
     * are; a value cut short or a raw byte would make the answer invalid
     * UTF-8, which strict JSON parsers refuse. s dies with o: copied. */
    char *out = pool ? pool_alloc(pool, 3 * n + 1) : util_malloc(3 * n + 1);
    n = util_utf8_repair(out, s, n);
    out[n] = '\0';
    *len = n;
    return out;
}

json_object *ms_json(int64_t us)
{
    char buf[32];
    if (us < 0)
        us = 0; /* a duration; a clock step must not print "-0.500" */
    snprintf(buf, sizeof(buf), "%lld.%03lld", (long long)(us / 1000),
             (long long)(us % 1000));
    return json_object_new_double_s((double)us / 1000.0, buf);
}

bool json_int_in(json_object *v, int64_t min, int64_t max, int64_t *out)
{
    if (!v)
        return false;
    if (json_object_is_type(v, json_type_int)) {
        errno = 0;
        *out = json_object_get_int64(v);
        return errno == 0 && *out >= min && *out <= max;
    }
    if (json_object_is_type(v, json_type_string))
        return util_parse_int64(json_object_get_string(v), out) &&
               *out >= min && *out <= max;
    return false;
}
