/* auth.h - API 2.0 request signatures (contract section 3): the string to
 * sign, HMAC-SHA1/HMAC-SHA256 in base64, constant-time verification, and the
 * Timestamp window. Pure apart from libcrypto; knows no keys or config. */
#ifndef CKAFKA_AUTH_H
#define CKAFKA_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct params;
struct pool;

enum auth_alg {
    AUTH_HMAC_SHA1,
    AUTH_HMAC_SHA256,
};

/* Longest base64 signature plus NUL (SHA-256: 44 characters). */
#define AUTH_SIG_MAX 48

/* HMAC-SHA256 when SignatureMethod is exactly "HmacSHA256", otherwise
 * HMAC-SHA1, as every legacy SDK and Tencent's server do. */
enum auth_alg auth_alg_of(const struct params *p);

/* METHOD + host + path + '?' + the sorted name=value pairs of every
 * parameter but Signature (and, when is_post, but those whose value starts
 * with '@'), joined with '&'. Names are already '_'->'.' and sorted in p.
 * Returns pool memory. */
char *auth_string_to_sign(struct pool *pool, const char *method,
                          const char *host, const char *path,
                          const struct params *p, bool is_post);

/* Writes base64(HMAC(key, sts)) with its NUL into out (AUTH_SIG_MAX bytes). */
void auth_sign(enum auth_alg alg, const char *key, const char *sts,
               size_t stslen, char out[AUTH_SIG_MAX]);

/* True when sig is the signature of sts under key. The length is checked
 * first and the bytes are compared in constant time. A NULL key (unknown
 * SecretId) still computes an HMAC, so both failures take the same time,
 * and returns false. */
bool auth_verify(enum auth_alg alg, const char *key, const char *sts,
                 size_t stslen, const char *sig);

/* True when sig signs the request under key. The contract's string to sign
 * is tried first; a POST carrying values that start with '@' may also be
 * signed with those values in (the Node SDK 0.2.1 signs them when the
 * request has a Version parameter), which is accepted too: both forms bind
 * every other parameter. *at_signed tells whether the '@' values were
 * signed (false when the first form matched). A NULL key fails, in the
 * same time. */
bool auth_check(struct pool *pool, enum auth_alg alg, const char *key,
                const char *method, const char *host, const char *path,
                const struct params *p, bool is_post, const char *sig,
                bool *at_signed);

/* True when |now - ts| <= window (all in seconds; now >= 0 and window >= 0;
 * any ts). */
bool auth_timestamp_ok(int64_t ts, int64_t now, int64_t window);

#endif
