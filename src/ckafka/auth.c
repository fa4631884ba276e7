/* auth.c - signatures exactly as Tencent's API 2.0 and its legacy SDKs make
 * them. It neither looks up keys nor remembers requests (replay.c does); it
 * must never log a key, a signature or a string to sign. */
#include "ckafka/auth.h"

#include "common/crypto.h"
#include "common/params.h"
#include "common/pool.h"

#include <string.h>

enum auth_alg auth_alg_of(const struct params *p)
{
    const char *m = params_get(p, "SignatureMethod");
    return m && strcmp(m, "HmacSHA256") == 0 ? AUTH_HMAC_SHA256
                                             : AUTH_HMAC_SHA1;
}

static bool signed_param(const struct param *pr, bool is_post)
{
    if (strcmp(pr->name, "Signature") == 0)
        return false;
    /* The SDKs leave out file-upload style values in POST bodies. */
    return !(is_post && pr->value[0] == '@');
}

char *auth_string_to_sign(struct pool *pool, const char *method,
                          const char *host, const char *path,
                          const struct params *p, bool is_post)
{
    size_t len = strlen(method) + strlen(host) + strlen(path) + 2;
    for (size_t i = 0; i < p->n; i++)
        if (signed_param(&p->v[i], is_post))
            len += strlen(p->v[i].name) + strlen(p->v[i].value) + 2;

    char *s = pool_alloc(pool, len), *w = s;
    w = stpcpy(w, method);
    w = stpcpy(w, host);
    w = stpcpy(w, path);
    *w++ = '?';
    bool first = true;
    for (size_t i = 0; i < p->n; i++) {
        if (!signed_param(&p->v[i], is_post))
            continue;
        if (!first)
            *w++ = '&';
        first = false;
        w = stpcpy(w, p->v[i].name);
        *w++ = '=';
        w = stpcpy(w, p->v[i].value);
    }
    *w = '\0';
    return s;
}

void auth_sign(enum auth_alg alg, const char *key, const char *sts,
               size_t stslen, char out[AUTH_SIG_MAX])
{
    crypto_hmac_b64(alg == AUTH_HMAC_SHA256 ? CRYPTO_SHA256 : CRYPTO_SHA1, key,
                    strlen(key), sts, stslen, out);
}

bool auth_verify(enum auth_alg alg, const char *key, const char *sts,
                 size_t stslen, const char *sig)
{
    char expect[AUTH_SIG_MAX];
    bool ok;

    auth_sign(alg, key ? key : "", sts, stslen, expect);
    /* Lengths are public (28 or 44): comparing them first leaks nothing. */
    ok = key && strnlen(sig, AUTH_SIG_MAX) < AUTH_SIG_MAX &&
         crypto_text_equal(expect, sig);
    crypto_wipe(expect, sizeof(expect));
    return ok;
}

bool auth_check(struct pool *pool, enum auth_alg alg, const char *key,
                const char *method, const char *host, const char *path,
                const struct params *p, bool is_post, const char *sig,
                bool *at_signed)
{
    const char *sts = auth_string_to_sign(pool, method, host, path, p, is_post);
    *at_signed = !is_post;
    if (auth_verify(alg, key, sts, strlen(sts), sig))
        return true;
    bool at = false;
    for (size_t i = 0; is_post && i < p->n && !at; i++)
        at = p->v[i].value[0] == '@' && strcmp(p->v[i].name, "Signature");
    if (!at)
        return false;
    sts = auth_string_to_sign(pool, method, host, path, p, false);
    *at_signed = auth_verify(alg, key, sts, strlen(sts), sig);
    return *at_signed;
}

bool auth_timestamp_ok(int64_t ts, int64_t now, int64_t window)
{
    /* now >= 0 and 0 <= window are small: neither subtraction can overflow
     * for any int64 ts, including INT64_MIN and INT64_MAX. */
    if (ts >= now)
        return ts - now <= window;
    return ts >= now - window;
}
