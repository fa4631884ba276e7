/* routes.c - Huawei DMS's consumer-group URIs as a table of shapes: each
 * path is cut at '/', its segments percent-decoded, then compared with the
 * shapes, "{p}", "{i}" and "{g}" taking any non-empty segment. */
#include "huawei/routes.h"

#include "common/pool.h"
#include "common/util.h"

#include <string.h>

static const struct {
    enum huawei_op op;
    const char *method;
    const char *shape[9]; /* NULL-terminated */
} routes[] = {
    {HUAWEI_RESET_V1,
     "POST",
     {"v1.0", "{p}", "instances", "{i}", "manage", "groups", "{g}",
      "reset-message-offset", NULL}},
    {HUAWEI_RESET_V2,
     "POST",
     {"v2", "{p}", "instances", "{i}", "management", "groups", "{g}",
      "reset-message-offset", NULL}},
    {HUAWEI_RESET_ENGINE,
     "PUT",
     {"v2", "kafka", "{p}", "instances", "{i}", "groups", "{g}",
      "reset-message-offset", NULL}},
    {HUAWEI_DETAIL_V1,
     "GET",
     {"v1.0", "{p}", "instances", "{i}", "manage", "groups", "{g}", NULL}},
    {HUAWEI_DETAIL_V2,
     "GET",
     {"v2", "{p}", "instances", "{i}", "management", "groups", "{g}", NULL}},
    {HUAWEI_OFFSETS,
     "GET",
     {"v2", "kafka", "{p}", "instances", "{i}", "groups", "{g}",
      "message-offset", NULL}},
    {HUAWEI_TOPICS,
     "GET",
     {"v2", "kafka", "{p}", "instances", "{i}", "groups", "{g}", "topics",
      NULL}},
    {HUAWEI_MEMBERS,
     "GET",
     {"v2", "kafka", "{p}", "instances", "{i}", "groups", "{g}", "members",
      NULL}},
    {HUAWEI_SUMMARY_ENGINE,
     "GET",
     {"v2", "kafka", "{p}", "instances", "{i}", "groups", "{g}", NULL}},
    {HUAWEI_SUMMARY,
     "GET",
     {"v2", "{p}", "instances", "{i}", "groups", "{g}", NULL}},
    {HUAWEI_LIST, "GET", {"v2", "{p}", "instances", "{i}", "groups", NULL}},
};

bool huawei_owns(const char *path)
{
    if (strncmp(path, "/v1.0/", 6) == 0)
        return true;
    /* /v2/{project}/... or /v2/kafka/...: a segment, then more. A single
     * segment (/v2/index.php, /v2/other.php) is API 2.0's. */
    if (strncmp(path, "/v2/", 4) != 0)
        return false;
    const char *slash = strchr(path + 4, '/');
    return slash && slash > path + 4;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

/* s[0..n) percent-decoded into pool memory; NULL when an escape is
 * malformed or the result is not valid UTF-8 without NUL. */
static char *decode(struct pool *pool, const char *s, size_t n)
{
    char *out = pool_alloc(pool, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%') {
            int hi = i + 2 < n ? hexval(s[i + 1]) : -1;
            int lo = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (hi < 0 || lo < 0)
                return NULL;
            out[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[k++] = s[i];
        }
    }
    out[k] = '\0';
    if (strlen(out) != k || !util_utf8_valid(out, k))
        return NULL;
    return out;
}

void huawei_route(struct pool *pool, const char *method, const char *path,
                  struct huawei_route *out)
{
    const char *seg[10];
    size_t nseg = 0;
    *out = (struct huawei_route){HUAWEI_NONE, NULL, NULL, NULL, false, NULL};

    /* The path's segments (a trailing '/' is allowed, as the SDKs sign
     * one). */
    for (const char *s = path; *s == '/' && s[1];) {
        s++;
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (!len || nseg == 9)
            return;
        if (!(seg[nseg++] = decode(pool, s, len)))
            return;
        s += len;
    }
    for (size_t r = 0; r < UTIL_ARRAY_LEN(routes); r++) {
        const char *const *shape = routes[r].shape;
        const char *p = NULL, *i = NULL, *g = NULL;
        size_t k = 0;
        for (; shape[k] && k < nseg; k++) {
            if (strcmp(shape[k], "{p}") == 0)
                p = seg[k];
            else if (strcmp(shape[k], "{i}") == 0)
                i = seg[k];
            else if (strcmp(shape[k], "{g}") == 0)
                g = seg[k];
            else if (strcmp(shape[k], seg[k]) != 0)
                break;
        }
        if (shape[k] || k != nseg)
            continue;
        *out = (struct huawei_route){
            routes[r].op,    p, i, g, strcmp(method, routes[r].method) == 0,
            routes[r].method};
        /* GET and PUT shapes may coincide with another method's: prefer
         * the route whose method matches. */
        if (out->method_ok)
            return;
    }
}
