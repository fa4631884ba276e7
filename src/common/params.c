/* params.c - the decoding rules of contract section 1, and nothing else: it
 * knows no parameter by name, no action and no reply code. Callers turn its
 * -1 into the API's 4000 with the message it wrote. */
#include "common/params.h"

#include "common/pool.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decodes s[0..len) into pool memory; -1 on a malformed escape or NUL. */
static int decode(struct pool *pool, const char *s, size_t len, char **out,
                  size_t *outlen)
{
    char *d = pool_alloc(pool, len + 1);
    size_t j = 0;

    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%') {
            int hi, lo;
            if (len - i < 3 || (hi = hexval(s[i + 1])) < 0 ||
                (lo = hexval(s[i + 2])) < 0)
                return -1;
            c = (char)(hi << 4 | lo);
            i += 2;
        }
        if (c == '\0')
            return -1;
        d[j++] = c;
    }
    d[j] = '\0';
    *out = d;
    *outlen = j;
    return 0;
}

static int param_cmp(const void *a, const void *b)
{
    return strcmp(((const struct param *)a)->name,
                  ((const struct param *)b)->name);
}

int params_parse(struct pool *pool, const char *data, size_t len,
                 const struct params_limits *lim, struct params *out, char *err,
                 size_t errlen)
{
    size_t cap = 0, n = 0;
    struct param *v = NULL;
    const char *p = data, *end = data + len;

    /* Count pairs first so the array is allocated once, in the pool. */
    for (size_t i = 0; i < len; i++)
        cap += data[i] == '&';
    cap++;
    if (cap > lim->max_params) {
        /* Empty pairs count too here; recount exactly before refusing. */
        size_t real = 0;
        for (const char *q = data; q < end;) {
            const char *amp = memchr(q, '&', (size_t)(end - q));
            const char *e = amp ? amp : end;
            real += e > q && *q != '=';
            q = amp ? amp + 1 : end;
        }
        if (real > lim->max_params) {
            snprintf(err, errlen, "too many parameters: %zu (at most %zu)",
                     real, lim->max_params);
            return -1;
        }
    }
    v = pool_alloc(pool, cap * sizeof(*v));

    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        const char *e = amp ? amp : end;
        const char *eq = memchr(p, '=', (size_t)(e - p));
        const char *nend = eq ? eq : e;
        char *name, *value;
        size_t nlen, vlen;

        if (nend == p) { /* "" or "=x": nothing to name, skip like PHP */
            p = amp ? amp + 1 : end;
            continue;
        }
        if (decode(pool, p, (size_t)(nend - p), &name, &nlen) < 0 ||
            !util_utf8_valid(name, nlen)) {
            snprintf(err, errlen,
                     "malformed parameter name '%.*s' (bad %%-escape, NUL or "
                     "invalid UTF-8)",
                     (int)((nend - p) > 64 ? 64 : (nend - p)), p);
            return -1;
        }
        if (nlen > lim->max_name_len) {
            snprintf(err, errlen,
                     "parameter name '%.*s...' is too long (at most %zu "
                     "bytes)",
                     util_utf8_cut(name, 32), name, lim->max_name_len);
            return -1;
        }
        if (lim->underscore_is_dot)
            for (char *c = name; *c; c++)
                if (*c == '_')
                    *c = '.';
        if (eq) {
            if (decode(pool, eq + 1, (size_t)(e - eq - 1), &value, &vlen) < 0 ||
                !util_utf8_valid(value, vlen)) {
                snprintf(err, errlen,
                         "malformed value of parameter %s (bad %%-escape, NUL "
                         "or invalid UTF-8)",
                         name);
                return -1;
            }
        } else {
            value = pool_strdup(pool, "");
            vlen = 0;
        }
        if (vlen > lim->max_value_len) {
            snprintf(err, errlen,
                     "value of parameter %s is too long: %zu bytes (at most "
                     "%zu)",
                     name, vlen, lim->max_value_len);
            return -1;
        }
        v[n].name = name;
        v[n].value = value;
        n++;
        p = amp ? amp + 1 : end;
    }

    qsort(v, n, sizeof(*v), param_cmp);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(v[i - 1].name, v[i].name) == 0) {
            snprintf(err, errlen,
                     lim->underscore_is_dot
                         ? "parameter %s is given more than once ('_' and "
                           "'.' in names are the same)"
                         : "parameter %s is given more than once",
                     v[i].name);
            return -1;
        }
    }
    out->v = v;
    out->n = n;
    return 0;
}

/* Index of the first parameter whose name is >= key. */
static size_t lower_bound(const struct params *p, const char *key)
{
    size_t lo = 0, hi = p->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(p->v[mid].name, key) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

void params_drop_at_values(struct params *p)
{
    /* The array is the request's (pool); only its view is const. */
    struct param *v = (struct param *)p->v;
    size_t m = 0;
    for (size_t i = 0; i < p->n; i++)
        if (v[i].value[0] != '@')
            v[m++] = v[i];
    p->n = m;
}

const char *params_get(const struct params *p, const char *name)
{
    size_t i = lower_bound(p, name);
    return i < p->n && strcmp(p->v[i].name, name) == 0 ? p->v[i].value : NULL;
}

int params_int64(const struct params *p, const char *name, int64_t *out,
                 char *err, size_t errlen)
{
    const char *v = params_get(p, name);
    if (!v)
        return 1;
    if (!util_parse_int64(v, out)) {
        snprintf(err, errlen,
                 "parameter %s must be a 64-bit integer, got '%.*s'%s", name,
                 util_utf8_cut(v, 40), v, strlen(v) > 40 ? "..." : "");
        return -1;
    }
    return 0;
}

struct indexed {
    uint32_t index;
    const char *value;
};

static int indexed_cmp(const void *a, const void *b)
{
    uint32_t x = ((const struct indexed *)a)->index;
    uint32_t y = ((const struct indexed *)b)->index;
    return (x > y) - (x < y);
}

int params_array(struct pool *pool, const struct params *p, const char *name,
                 const char ***vals, size_t *n, char *err, size_t errlen)
{
    size_t nl = strlen(name);
    char *prefix = pool_printf(pool, "%s.", name);
    size_t first = lower_bound(p, prefix), last = first;

    if (params_get(p, name)) {
        snprintf(err, errlen,
                 "parameter %s must be given as %s.0, %s.1, ... (an array)",
                 name, name, name);
        return -1;
    }
    while (last < p->n && strncmp(p->v[last].name, prefix, nl + 1) == 0)
        last++;

    struct indexed *ix = pool_alloc(pool, (last - first + 1) * sizeof(*ix));
    size_t k = 0;
    for (size_t i = first; i < last; i++) {
        const char *idx = p->v[i].name + nl + 1;
        uint64_t v = 0;
        bool ok = *idx != '\0' && !(idx[0] == '0' && idx[1] != '\0') &&
                  strlen(idx) <= 9;
        for (const char *c = idx; ok && *c; c++) {
            ok = *c >= '0' && *c <= '9';
            v = v * 10 + (uint64_t)(*c - '0');
        }
        if (!ok) {
            snprintf(err, errlen,
                     "malformed array parameter %s: the index must be a "
                     "decimal number without leading zeros",
                     p->v[i].name);
            return -1;
        }
        if (p->v[i].value[0] == '\0') {
            snprintf(err, errlen, "array element %s is empty", p->v[i].name);
            return -1;
        }
        ix[k].index = (uint32_t)v;
        ix[k].value = p->v[i].value;
        k++;
    }
    /* Names sort "topics.10" before "topics.2"; the array order is numeric. */
    qsort(ix, k, sizeof(*ix), indexed_cmp);
    const char **out = pool_alloc(pool, (k + 1) * sizeof(*out));
    for (size_t i = 0; i < k; i++)
        out[i] = ix[i].value;
    out[k] = NULL;
    *vals = out;
    *n = k;
    return 0;
}
