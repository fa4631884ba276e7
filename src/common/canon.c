/* canon.c - RFC 3986 encoding and the canonical request of the header
 * signatures (see canon.h), shared by the Aliyun and Huawei front ends. */
#include "common/canon.h"

#include "common/params.h"
#include "common/pool.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

static bool unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

char *canon_encode(struct pool *pool, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    char *out = pool_alloc(pool, 3 * n + 1), *o = out;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80 && unreserved(c)) {
            *o++ = (char)c;
        } else {
            *o++ = '%';
            *o++ = hex[c >> 4];
            *o++ = hex[c & 15];
        }
    }
    *o = '\0';
    return out;
}

static char *encode_str(struct pool *pool, const char *s)
{
    return canon_encode(pool, s, strlen(s));
}

char *canon_query(struct pool *pool, const struct params *p, const char *skip)
{
    size_t cap = 1, len = 0;
    const char **names = pool_alloc(pool, (p->n + 1) * sizeof(*names));
    const char **values = pool_alloc(pool, (p->n + 1) * sizeof(*values));
    size_t k = 0;
    for (size_t i = 0; i < p->n; i++) {
        if (skip && strcmp(p->v[i].name, skip) == 0)
            continue;
        names[k] = encode_str(pool, p->v[i].name);
        values[k] = encode_str(pool, p->v[i].value);
        cap += strlen(names[k]) + strlen(values[k]) + 2;
        k++;
    }
    char *out = pool_alloc(pool, cap);
    /* In p's order: sorted by the names before encoding (strcmp, which is
     * code point order for UTF-8), as every SDK sorts them. */
    for (size_t i = 0; i < k; i++) {
        size_t nl = strlen(names[i]), vl = strlen(values[i]);
        if (i)
            out[len++] = '&';
        memcpy(out + len, names[i], nl);
        len += nl;
        out[len++] = '=';
        memcpy(out + len, values[i], vl);
        len += vl;
    }
    out[len] = '\0';
    return out;
}

/* value without leading and trailing blanks, in pool memory. */
static char *trimmed(struct pool *pool, const char *v)
{
    while (*v == ' ' || *v == '\t')
        v++;
    size_t n = strlen(v);
    while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
        n--;
    return pool_strndup(pool, v, n);
}

char *canon_request(struct pool *pool, const char *method, const char *uri,
                    const struct params *query, const char *signed_headers,
                    canon_header_fn header, void *arg, const char *payload_hash,
                    const char **missing)
{
    char *headers = pool_strdup(pool, "");
    const char *s = signed_headers;
    *missing = NULL;
    if (!*s)
        return NULL;
    while (*s) {
        const char *e = strchr(s, ';');
        size_t n = e ? (size_t)(e - s) : strlen(s);
        char *name = pool_strndup(pool, s, n);
        for (char *c = name; *c; c++)
            *c = (char)tolower((unsigned char)*c);
        const char *v = n ? header(arg, name) : NULL;
        if (!v) {
            *missing = name;
            return NULL;
        }
        headers =
            pool_printf(pool, "%s%s:%s\n", headers, name, trimmed(pool, v));
        s += n;
        if (*s == ';')
            s++;
    }
    char *lower = pool_strdup(pool, signed_headers);
    for (char *c = lower; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    return pool_printf(pool, "%s\n%s\n%s\n%s\n%s\n%s", method, uri,
                       canon_query(pool, query, NULL), headers, lower,
                       payload_hash);
}

const char *canon_auth_part(struct pool *pool, const char *s, const char *name)
{
    size_t nl = strlen(name);
    while (*s) {
        while (*s == ' ' || *s == ',')
            s++;
        const char *e = strchr(s, ',');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len > nl && strncmp(s, name, nl) == 0 && s[nl] == '=') {
            const char *v = s + nl + 1;
            size_t vl = len - nl - 1;
            while (vl && v[vl - 1] == ' ')
                vl--;
            return vl ? pool_strndup(pool, v, vl) : NULL;
        }
        s += len;
    }
    return NULL;
}

bool canon_listed(const char *signed_headers, const char *name)
{
    size_t n = strlen(name);
    for (const char *s = signed_headers; *s;) {
        const char *e = strchr(s, ';');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        if (len == n && strncasecmp(s, name, n) == 0)
            return true;
        s += len + (e ? 1 : 0);
    }
    return false;
}
