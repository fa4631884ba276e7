/* sign.c - Aliyun RPC signature v1 and V3 ACS3-HMAC-SHA256, byte for byte
 * as aliyun-python-sdk-core, pop-core and the Tea SDKs compute them
 * (vectors A, B and C of dialects.md are its unit tests). Nothing here
 * looks up a key or remembers a nonce. */
#include "aliyun/sign.h"

#include "common/canon.h"
#include "common/params.h"
#include "common/pool.h"
#include "common/util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

char *aliyun_v1_string_to_sign(struct pool *pool, const char *method,
                               const struct params *p)
{
    const char *q = canon_query(pool, p, "Signature");
    return pool_printf(pool, "%s&%%2F&%s", method,
                       canon_encode(pool, q, strlen(q)));
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

int aliyun_v3_parse(struct pool *pool, const char *header,
                    struct aliyun_v3_auth *out)
{
    static const char scheme[] = "ACS3-HMAC-SHA256";
    size_t sl = sizeof(scheme) - 1;
    if (!header || strncmp(header, scheme, sl) != 0 || header[sl] != ' ')
        return -1;
    const char *rest = header + sl;
    out->access_key = canon_auth_part(pool, rest, "Credential");
    out->signed_headers = canon_auth_part(pool, rest, "SignedHeaders");
    out->signature = canon_auth_part(pool, rest, "Signature");
    return out->access_key && out->signed_headers && out->signature ? 0 : -1;
}

char *aliyun_v3_canonical(struct pool *pool, const char *method,
                          const char *path, const struct params *query,
                          const char *signed_headers, aliyun_header_fn header,
                          void *arg, const char *payload_hash,
                          const char **missing)
{
    return canon_request(pool, method, path, query, signed_headers, header, arg,
                         payload_hash, missing);
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

int aliyun_parse_time(const char *s, int64_t *out)
{
    int y, mo, d, h, mi, se;
    if (strlen(s) < 20 || util_digits(s, 4, &y) || s[4] != '-' ||
        util_digits(s + 5, 2, &mo) || s[7] != '-' ||
        util_digits(s + 8, 2, &d) || s[10] != 'T' ||
        util_digits(s + 11, 2, &h) || s[13] != ':' ||
        util_digits(s + 14, 2, &mi) || s[16] != ':' ||
        util_digits(s + 17, 2, &se))
        return -1;
    const char *z = s + 19;
    if (*z == '.') {
        z++;
        if (!isdigit((unsigned char)*z))
            return -1;
        while (isdigit((unsigned char)*z))
            z++;
    }
    if (strcmp(z, "Z") != 0)
        return -1;
    return util_utc_seconds(y, mo, d, h, mi, se, out);
}
