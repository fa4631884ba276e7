/* canon.h - the canonical request both HMAC-SHA256 header signatures hash
 * (Aliyun's V3 ACS3-HMAC-SHA256, Huawei's SDK-HMAC-SHA256), and the RFC 3986
 * encoding every cloud's signature uses. Pure: no keys, no I/O. */
#ifndef CKAFKA_CANON_H
#define CKAFKA_CANON_H

#include <stdbool.h>
#include <stddef.h>

struct params;
struct pool;

/* s[0..n) percent-encoded as RFC 3986 with UTF-8 (A-Z a-z 0-9 - _ . ~ kept,
 * everything else %XY with upper-case hex; a space is %20, '*' %2A). Pool
 * memory. */
char *canon_encode(struct pool *pool, const char *s, size_t n);

/* The pairs of p (sorted by name, as every SDK sorts them before encoding)
 * as encode(name)=encode(value) joined with '&', leaving out the name skip
 * (NULL: none); an empty value is kept as "name=". Pool memory. */
char *canon_query(struct pool *pool, const struct params *p, const char *skip);

/* Looks up a request header by lower-case name; NULL when absent. */
typedef const char *(*canon_header_fn)(void *arg, const char *name);

/* METHOD\nURI\nQUERY\nHEADERS\nSIGNED\nHASH: QUERY canon_query(query),
 * HEADERS "name:value\n" for each of the ';'-separated signed_headers in
 * their order (names lower-cased, values without surrounding blanks),
 * SIGNED the list lower-cased, HASH payload_hash. Pool memory, or NULL when
 * the list is empty or names a header the request lacks (*missing names
 * it). */
char *canon_request(struct pool *pool, const char *method, const char *uri,
                    const struct params *query, const char *signed_headers,
                    canon_header_fn header, void *arg, const char *payload_hash,
                    const char **missing);

/* True when name is one of the ';'-separated header names of
 * signed_headers (any case). */
bool canon_listed(const char *signed_headers, const char *name);

/* The value of "name=value" among the ','-separated parts of an
 * Authorization header's parameters (blanks around them ignored), as a
 * pool copy; NULL when absent or empty. */
const char *canon_auth_part(struct pool *pool, const char *s, const char *name);

#endif
