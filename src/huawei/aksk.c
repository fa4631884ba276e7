/* aksk.c - Huawei Cloud's SDK-HMAC-SHA256, byte for byte as
 * huaweicloudsdkcore's Signer and the Node SDK's AKSKSigner compute it
 * (vectors D, E and F of dialects.md are its unit tests). Nothing here
 * looks up a key or remembers a request. */
#include "huawei/aksk.h"

#include "common/canon.h"
#include "common/pool.h"
#include "common/util.h"

#include <string.h>

int huawei_parse_auth(struct pool *pool, const char *header,
                      struct huawei_auth *out)
{
    static const char scheme[] = "SDK-HMAC-SHA256";
    size_t sl = sizeof(scheme) - 1;
    if (!header || strncmp(header, scheme, sl) != 0 || header[sl] != ' ')
        return -1;
    const char *rest = header + sl;
    out->access_key = canon_auth_part(pool, rest, "Access");
    out->signed_headers = canon_auth_part(pool, rest, "SignedHeaders");
    out->signature = canon_auth_part(pool, rest, "Signature");
    return out->access_key && out->signed_headers && out->signature ? 0 : -1;
}

static int hexval(char c)
{
    return c >= '0' && c <= '9'   ? c - '0'
           : c >= 'a' && c <= 'f' ? c - 'a' + 10
           : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                  : -1;
}

char *huawei_canonical_uri(struct pool *pool, const char *path, bool decode)
{
    char *out = pool_strdup(pool, "");
    const char *s = path;
    while (*s == '/')
        s++;
    while (*s) {
        const char *e = strchr(s, '/');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        char *seg = pool_alloc(pool, len + 1);
        size_t k = 0;
        for (size_t i = 0; i < len; i++) {
            int hi = s[i] == '%' && i + 2 < len ? hexval(s[i + 1]) : -1;
            int lo = s[i] == '%' && i + 2 < len ? hexval(s[i + 2]) : -1;
            if (decode && s[i] == '%' && (hi < 0 || lo < 0))
                return NULL;
            /* Node's url.parse leaves non-ASCII characters unescaped:
             * only those escapes are undone before its encoding. */
            if (hi >= 0 && lo >= 0 && (decode || hi >= 8)) {
                seg[k++] = (char)(hi * 16 + lo);
                i += 2;
            } else {
                seg[k++] = s[i];
            }
        }
        out = pool_printf(pool, "%s/%s", out, canon_encode(pool, seg, k));
        s += len;
        while (*s == '/')
            s++;
    }
    return pool_printf(pool, "%s/", out);
}

char *huawei_canonical(struct pool *pool, const char *method, const char *uri,
                       const struct params *query, const char *signed_headers,
                       huawei_header_fn header, void *arg,
                       const char *payload_hash, const char **missing)
{
    return canon_request(pool, method, uri, query, signed_headers, header, arg,
                         payload_hash, missing);
}

char *huawei_string_to_sign(struct pool *pool, const char *date,
                            const char *canonical)
{
    char h[CRYPTO_HEX_MAX];
    crypto_sha256_hex(canonical, strlen(canonical), h);
    return pool_printf(pool, "SDK-HMAC-SHA256\n%s\n%s", date, h);
}

void huawei_sign(const char *secret, const char *sts, char out[CRYPTO_HEX_MAX])
{
    crypto_hmac_hex(CRYPTO_SHA256, secret, strlen(secret), sts, strlen(sts),
                    out);
}

int huawei_parse_date(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, se;
    if (strlen(s) != 16 || util_digits(s, 4, &y) ||
        util_digits(s + 4, 2, &mo) || util_digits(s + 6, 2, &d) ||
        s[8] != 'T' || util_digits(s + 9, 2, &h) ||
        util_digits(s + 11, 2, &mi) || util_digits(s + 13, 2, &se) ||
        s[15] != 'Z')
        return -1;
    return util_utc_seconds(y, mo, d, h, mi, se, out);
}
