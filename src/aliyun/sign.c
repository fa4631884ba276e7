/* sign.c - Aliyun RPC signature v1 and V3 ACS3-HMAC-SHA256, byte for byte
 * as aliyun-python-sdk-core, pop-core and the Tea SDKs compute them
 * (vectors A, B and C of dialects.md are its unit tests). Nothing here
 * looks up a key or remembers a nonce. */
#include "aliyun/sign.h"

#include "common/params.h"
#include "common/pool.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static bool unreserved(unsigned char c)
{
    return isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

char *aliyun_encode(struct pool *pool, const char *s, size_t n)
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
    return aliyun_encode(pool, s, strlen(s));
}

/* The sorted pairs name=value, both encoded, joined with '&'; skip names
 * skip (NULL: none). */
static char *canonical_query(struct pool *pool, const struct params *p,
                             const char *skip)
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

char *aliyun_v1_string_to_sign(struct pool *pool, const char *method,
                               const struct params *p)
{
    const char *q = canonical_query(pool, p, "Signature");
    return pool_printf(pool, "%s&%%2F&%s", method, encode_str(pool, q));
}

void aliyun_v1_sign(const char *secret, const char *sts,
                    char out[CRYPTO_B64_MAX])
{
    size_t n = strlen(secret);
    char *key = malloc(n + 2);
    if (!key) {
        out[0] = '\0';
        return;
    }
    memcpy(key, secret, n);
    key[n] = '&';
    key[n + 1] = '\0';
    crypto_hmac_b64(CRYPTO_SHA1, key, n + 1, sts, strlen(sts), out);
    crypto_wipe(key, n + 1);
    free(key);
}

/* Copies the value of "name=" at the start of s up to ',' (trimmed). */
static const char *part(struct pool *pool, const char *s, const char *name)
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

int aliyun_v3_parse(struct pool *pool, const char *header,
                    struct aliyun_v3_auth *out)
{
    static const char scheme[] = "ACS3-HMAC-SHA256";
    size_t sl = sizeof(scheme) - 1;
    if (!header || strncmp(header, scheme, sl) != 0 || header[sl] != ' ')
        return -1;
    const char *rest = header + sl;
    out->access_key = part(pool, rest, "Credential");
    out->signed_headers = part(pool, rest, "SignedHeaders");
    out->signature = part(pool, rest, "Signature");
    return out->access_key && out->signed_headers && out->signature ? 0 : -1;
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

char *aliyun_v3_canonical(struct pool *pool, const char *method,
                          const char *path, const struct params *query,
                          const char *signed_headers, aliyun_header_fn header,
                          void *arg, const char *payload_hash,
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
    return pool_printf(pool, "%s\n%s\n%s\n%s\n%s\n%s", method, path,
                       canonical_query(pool, query, NULL), headers, lower,
                       payload_hash);
}

char *aliyun_v3_string_to_sign(struct pool *pool, const char *canonical)
{
    char h[CRYPTO_HEX_MAX];
    crypto_sha256_hex(canonical, strlen(canonical), h);
    return pool_printf(pool, "ACS3-HMAC-SHA256\n%s", h);
}

void aliyun_v3_sign(const char *secret, const char *sts,
                    char out[CRYPTO_HEX_MAX])
{
    crypto_hmac_hex(CRYPTO_SHA256, secret, strlen(secret), sts, strlen(sts),
                    out);
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int aliyun_parse_time(const char *s, int64_t *out)
{
    struct tm tm = {0};
    int y, mo, d, h, mi, se;
    if (strlen(s) < 20 || digits(s, 4, &y) || s[4] != '-' ||
        digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d) ||
        s[10] != 'T' || digits(s + 11, 2, &h) || s[13] != ':' ||
        digits(s + 14, 2, &mi) || s[16] != ':' || digits(s + 17, 2, &se))
        return -1;
    const char *z = s + 19;
    if (*z == '.') {
        z++;
        if (!isdigit((unsigned char)*z))
            return -1;
        while (isdigit((unsigned char)*z))
            z++;
    }
    if (strcmp(z, "Z") != 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
        mi > 59 || se > 60)
        return -1;
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = se;
    *out = (int64_t)timegm(&tm);
    return 0;
}
