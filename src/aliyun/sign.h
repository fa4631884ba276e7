/* sign.h - Aliyun's two request signatures, as its SDKs make them: RPC
 * signature v1 (HMAC-SHA1 over the sorted parameters) and V3
 * ACS3-HMAC-SHA256 (over a canonical request with the headers the client
 * chose to sign). Pure apart from libcrypto; knows no keys or config, and
 * must never log a key, a signature or a string to sign. */
#ifndef CKAFKA_ALIYUN_SIGN_H
#define CKAFKA_ALIYUN_SIGN_H

#include "common/crypto.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct params;
struct pool;

/* v1: METHOD & %2F & encode(the sorted name=value pairs of p but Signature,
 * each encoded, joined with '&'). p is sorted by name (strcmp). Returns pool
 * memory. */
char *aliyun_v1_string_to_sign(struct pool *pool, const char *method,
                               const struct params *p);

/* v1: base64(HMAC-SHA1(secret + "&", sts)) with its NUL. */
void aliyun_v1_sign(const char *secret, const char *sts,
                    char out[CRYPTO_B64_MAX]);

/* A V3 Authorization header's parts, borrowed from pool copies. */
struct aliyun_v3_auth {
    const char *access_key;     /* Credential= */
    const char *signed_headers; /* SignedHeaders=, "h1;h2" as sent */
    const char *signature;      /* Signature=, hex */
};

/* Parses "ACS3-HMAC-SHA256 Credential=AK,SignedHeaders=a;b,Signature=hex"
 * (blanks around ',' and after the scheme tolerated). Returns 0, or -1 when
 * it is not such a header or a part is missing or empty. */
int aliyun_v3_parse(struct pool *pool, const char *header,
                    struct aliyun_v3_auth *out);

/* Looks up a request header by lower-case name; NULL when absent. */
typedef const char *(*aliyun_header_fn)(void *arg, const char *name);

/* V3: the canonical request METHOD\nPATH\nQUERY\nHEADERS\nSIGNED\nHASH,
 * with QUERY the sorted encoded pairs of query (empty values kept as
 * "name="), HEADERS "name:trimmed value\n" for each of signed_headers in
 * its order (names lower-cased), and HASH payload_hash as given. Returns
 * pool memory, or NULL when a signed header is absent (*missing names it)
 * or the list is empty. */
char *aliyun_v3_canonical(struct pool *pool, const char *method,
                          const char *path, const struct params *query,
                          const char *signed_headers, aliyun_header_fn header,
                          void *arg, const char *payload_hash,
                          const char **missing);

/* V3: "ACS3-HMAC-SHA256\n" + hex(SHA-256(canonical)). Pool memory. */
char *aliyun_v3_string_to_sign(struct pool *pool, const char *canonical);

/* V3: hex(HMAC-SHA256(secret, sts)) with its NUL. */
void aliyun_v3_sign(const char *secret, const char *sts,
                    char out[CRYPTO_HEX_MAX]);

/* Parses an ISO 8601 UTC time as the SDKs send it, "YYYY-MM-DDThh:mm:ssZ"
 * (fractions of a second allowed), into seconds since the epoch. Returns
 * 0, or -1 when it is not one. */
int aliyun_parse_time(const char *s, int64_t *out);

#endif
