/* libFuzzer target: parameter decoding (params.c) and what every request
 * does with the result before any action runs: arrays, int64 values, the
 * string to sign. Must never crash, leak or trip a sanitizer, whatever the
 * bytes. */
#include "ckafka/auth.h"
#include "common/params.h"
#include "common/pool.h"

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct pool *pool;
    /* The first byte chooses the CKafka ('_' is '.') or the Aliyun form. */
    const struct params_limits lim = {64, 64, 256, size && (data[0] & 1)};
    struct params p;
    char err[256];
    const char **v;
    size_t n;
    int64_t x;

    if (!pool)
        pool = pool_new();
    if (params_parse(pool, (const char *)data, size, &lim, &p, err,
                     sizeof(err)) == 0) {
        params_array(pool, &p, "topics", &v, &n, err, sizeof(err));
        params_array(pool, &p, "partitions", &v, &n, err, sizeof(err));
        params_int64(&p, "offset", &x, err, sizeof(err));
        params_int64(&p, "Timestamp", &x, err, sizeof(err));
        auth_string_to_sign(pool, "POST", "h:1", "/v2/index.php", &p, true);
        auth_alg_of(&p);
    }
    pool_reset(pool);
    return 0;
}
