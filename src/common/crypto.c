/* crypto.c - thin wrappers over libcrypto's one-shot HMAC and SHA-256. Keys,
 * strings to sign and digests never reach a log from here. */
#include "common/crypto.h"

#include "common/util.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
#include <string.h>

size_t crypto_hmac(enum crypto_md md, const void *key, size_t keylen,
                   const void *msg, size_t len,
                   unsigned char out[CRYPTO_MD_MAX])
{
    unsigned int n = 0;
    const EVP_MD *evp = md == CRYPTO_SHA256 ? EVP_sha256() : EVP_sha1();
    /* HMAC() wants a non-NULL key even when it is empty. */
    if (!HMAC(evp, key ? key : "", (int)keylen, msg, len, out, &n))
        n = 0;
    return n;
}

void crypto_hmac_b64(enum crypto_md md, const void *key, size_t keylen,
                     const void *msg, size_t len, char out[CRYPTO_B64_MAX])
{
    unsigned char d[CRYPTO_MD_MAX];
    size_t n = crypto_hmac(md, key, keylen, msg, len, d);
    /* 32 bytes encode to 44 characters: fits with its NUL. */
    EVP_EncodeBlock((unsigned char *)out, d, (int)n);
    OPENSSL_cleanse(d, sizeof(d));
}

void crypto_hmac_hex(enum crypto_md md, const void *key, size_t keylen,
                     const void *msg, size_t len, char out[CRYPTO_HEX_MAX])
{
    unsigned char d[CRYPTO_MD_MAX];
    size_t n = crypto_hmac(md, key, keylen, msg, len, d);
    util_hex(out, d, n);
    OPENSSL_cleanse(d, sizeof(d));
}

void crypto_sha256_hex(const void *msg, size_t len, char out[CRYPTO_HEX_MAX])
{
    unsigned char d[SHA256_DIGEST_LENGTH];
    SHA256(msg, len, d);
    util_hex(out, d, sizeof(d));
}

bool crypto_text_equal(const char *a, const char *b)
{
    size_t n = strlen(a);
    return strlen(b) == n && CRYPTO_memcmp(a, b, n) == 0;
}

void crypto_wipe(void *p, size_t n)
{
    OPENSSL_cleanse(p, n);
}
