/* crypto.h - the few libcrypto primitives the signatures of every API use:
 * HMAC, SHA-256, base64 and hex text, comparison in constant time. Pure; it
 * must never log what it is given. */
#ifndef CKAFKA_CRYPTO_H
#define CKAFKA_CRYPTO_H

#include <stdbool.h>
#include <stddef.h>

enum crypto_md {
    CRYPTO_SHA1,
    CRYPTO_SHA256,
};

/* The longest digest (SHA-256), and its base64 and hex text with the NUL. */
#define CRYPTO_MD_MAX 32
#define CRYPTO_B64_MAX 48
#define CRYPTO_HEX_MAX 65

/* HMAC(key, msg) into out; returns the digest's length (20 or 32). */
size_t crypto_hmac(enum crypto_md md, const void *key, size_t keylen,
                   const void *msg, size_t len,
                   unsigned char out[CRYPTO_MD_MAX]);

/* Writes base64(HMAC(key, msg)) with its NUL (CRYPTO_B64_MAX bytes). */
void crypto_hmac_b64(enum crypto_md md, const void *key, size_t keylen,
                     const void *msg, size_t len, char out[CRYPTO_B64_MAX]);

/* Writes lower-case hex(HMAC(key, msg)) with its NUL. */
void crypto_hmac_hex(enum crypto_md md, const void *key, size_t keylen,
                     const void *msg, size_t len, char out[CRYPTO_HEX_MAX]);

/* Writes lower-case hex(SHA-256(msg)) with its NUL. */
void crypto_sha256_hex(const void *msg, size_t len, char out[CRYPTO_HEX_MAX]);

/* True when the NUL-terminated a and b are equal. The lengths are compared
 * first (they are public: a signature's length is its algorithm's), the
 * bytes in constant time. */
bool crypto_text_equal(const char *a, const char *b);

/* Wipes n bytes at p (not optimized away). */
void crypto_wipe(void *p, size_t n);

#endif
