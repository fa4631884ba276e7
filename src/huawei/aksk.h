/* aksk.h - Huawei Cloud's AK/SK request signature (SDK-HMAC-SHA256) as its
 * SDKs make it: a canonical request over the method, the path (each segment
 * encoded, ending in '/'), the sorted query, the headers the client chose to
 * sign and the body's hash. Pure apart from libcrypto; knows no keys, and
 * must never log a key, a signature or a string to sign. */
#ifndef CKAFKA_HUAWEI_AKSK_H
#define CKAFKA_HUAWEI_AKSK_H

#include "common/crypto.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct params;
struct pool;

/* The parts of "SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b,
 * Signature=hex" (pool copies). */
struct huawei_auth {
    const char *access_key;
    const char *signed_headers;
    const char *signature;
};

/* Parses an Authorization header. Returns 0, or -1 when it is not one of
 * these or a part is missing or empty. */
int huawei_parse_auth(struct pool *pool, const char *header,
                      struct huawei_auth *out);

/* The canonical URI of path (as received, %-escapes and all): with decode,
 * each segment percent-decoded and re-encoded (the Python SDK's form);
 * without, each segment encoded as it stands but for the escapes of
 * non-ASCII bytes, which are undone first (the Node SDK encodes the path as
 * Node's legacy url.parse leaves it: ASCII escapes kept, so encoded again,
 * and non-ASCII characters raw). Always ends with '/'. Returns pool memory,
 * or NULL when decode meets a malformed escape. */
char *huawei_canonical_uri(struct pool *pool, const char *path, bool decode);

/* Looks up a request header by lower-case name; NULL when absent. */
typedef const char *(*huawei_header_fn)(void *arg, const char *name);

/* METHOD\nURI\nQUERY\nHEADERS\nSIGNED\nHASH with QUERY the encoded pairs of
 * query sorted by name (then value), HEADERS "name:trimmed value\n" for each
 * of signed_headers (in its order, lower-cased), HASH payload_hash. Returns
 * pool memory, or NULL when a signed header is absent (*missing names it)
 * or the list is empty. */
char *huawei_canonical(struct pool *pool, const char *method, const char *uri,
                       const struct params *query, const char *signed_headers,
                       huawei_header_fn header, void *arg,
                       const char *payload_hash, const char **missing);

/* "SDK-HMAC-SHA256\n" + date + "\n" + hex(SHA-256(canonical)). Pool. */
char *huawei_string_to_sign(struct pool *pool, const char *date,
                            const char *canonical);

/* hex(HMAC-SHA256(secret, sts)) with its NUL. */
void huawei_sign(const char *secret, const char *sts, char out[CRYPTO_HEX_MAX]);

/* Parses X-Sdk-Date, "YYYYMMDDTHHMMSSZ", into seconds since the epoch.
 * Returns 0, or -1 when it is not one. */
int huawei_parse_date(const char *s, int64_t *out);

#endif
