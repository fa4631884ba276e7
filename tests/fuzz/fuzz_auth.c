/* libFuzzer target: signature verification. The input is a request as the
 * worker sees it: "METHOD\nHost\npath\nkey\nquery" (missing lines are
 * empty). The decoded request is checked with both the fuzzed key and no
 * key, as an unknown SecretId is; and through Aliyun's signatures: the v1
 * string to sign, the fuzzed Host line read as a V3 Authorization header
 * and its SignedHeaders as the canonical request's, the path line as an
 * ISO 8601 time; and through Huawei's: the Host line as an SDK-HMAC-SHA256
 * Authorization header, the path in both canonical URI forms and as a
 * route, the key line as an X-Sdk-Date. Must never crash, leak or trip a
 * sanitizer; a NULL key must never verify. */
#include "aliyun/sign.h"
#include "ckafka/auth.h"
#include "common/params.h"
#include "common/pool.h"
#include "huawei/aksk.h"
#include "huawei/routes.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The request's "headers" for the canonical request: its parameters. */
static const char *header(void *arg, const char *name)
{
    return params_get(arg, name);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pool *pool;
    const struct params_limits lim = {64, 64, 512, true};
    const struct params_limits raw = {64, 64, 512, false};
    const char *field[4] = {"", "", "", ""};
    const char *rest = (const char *)data, *end = rest + size;
    struct params p;
    char err[256];

    if (!pool)
        pool = pool_new();
    for (int i = 0; i < 4; i++) {
        const char *nl = memchr(rest, '\n', (size_t)(end - rest));
        if (!nl)
            break;
        field[i] = pool_strndup(pool, rest, (size_t)(nl - rest));
        rest = nl + 1;
    }
    if (params_parse(pool, rest, (size_t)(end - rest), &lim, &p, err,
                     sizeof(err)) == 0) {
        const char *sig = params_get(&p, "Signature");
        bool post = strcmp(field[0], "POST") == 0;
        enum auth_alg alg = auth_alg_of(&p);
        bool at;
        auth_check(pool, alg, field[3], field[0], field[1], field[2], &p, post,
                   sig ? sig : "", &at);
        if (auth_check(pool, alg, NULL, field[0], field[1], field[2], &p, post,
                       sig ? sig : "", &at))
            abort(); /* an unknown key must never pass */
    }
    if (params_parse(pool, rest, (size_t)(end - rest), &raw, &p, err,
                     sizeof(err)) == 0) {
        char out[CRYPTO_HEX_MAX];
        struct aliyun_v3_auth a;
        const char *missing;
        int64_t t;
        aliyun_v1_sign(field[3], aliyun_v1_string_to_sign(pool, field[0], &p),
                       out);
        if (aliyun_v3_parse(pool, field[1], &a) == 0) {
            const char *c =
                aliyun_v3_canonical(pool, field[0], "/", &p, a.signed_headers,
                                    header, &p, field[2], &missing);
            if (c)
                aliyun_v3_sign(field[3], aliyun_v3_string_to_sign(pool, c),
                               out);
        }
        aliyun_parse_time(field[2], &t);

        struct huawei_auth h;
        struct huawei_route r;
        for (int decode = 0; decode < 2; decode++) {
            char *uri = huawei_canonical_uri(pool, field[2], decode);
            if (uri && huawei_parse_auth(pool, field[1], &h) == 0) {
                const char *c =
                    huawei_canonical(pool, field[0], uri, &p, h.signed_headers,
                                     header, &p, field[3], &missing);
                if (c)
                    huawei_sign(field[3],
                                huawei_string_to_sign(pool, field[3], c), out);
            }
        }
        huawei_route(pool, field[0], field[2], &r);
        huawei_parse_date(field[3], &t);
    }
    pool_reset(pool);
    return 0;
}
