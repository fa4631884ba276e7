/* libFuzzer target: signature verification. The input is a request as the
 * worker sees it: "METHOD\nHost\npath\nkey\nquery" (missing lines are
 * empty). The decoded request is checked with both the fuzzed key and no
 * key, as an unknown SecretId is. Must never crash, leak or trip a
 * sanitizer; a NULL key must never verify. */
#include "ckafka/auth.h"
#include "common/params.h"
#include "common/pool.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pool *pool;
    const struct params_limits lim = {64, 64, 512};
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
    pool_reset(pool);
    return 0;
}
