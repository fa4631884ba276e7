/* params.h - application/x-www-form-urlencoded decoding into a sorted,
 * duplicate-free parameter list; `name.N` arrays; strict int64 values.
 * Shared by the front ends. Pure: no I/O, no global state; all memory comes
 * from the request pool. */
#ifndef CKAFKA_PARAMS_H
#define CKAFKA_PARAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct pool;

/* One decoded parameter. Lifetime: request (pool). */
struct param {
    const char *name;  /* decoded (with underscore_is_dot, every '_' read
                          as '.': CKafka contract 1) */
    const char *value; /* decoded; valid UTF-8 without NUL */
};

/* Lifetime: request. v is sorted by name with strcmp and names are unique,
 * which is both the signature's order and what lookups bisect. */
struct params {
    const struct param *v;
    size_t n;
};

struct params_limits {
    size_t max_params;      /* number of name=value pairs */
    size_t max_name_len;    /* bytes, decoded */
    size_t max_value_len;   /* bytes, decoded */
    bool underscore_is_dot; /* read '_' in names as '.' (CKafka) */
};

/* Decodes data[0..len) ("a=1&b=x+y&c=%41"). Empty pairs ("&&") and pairs with
 * an empty name are skipped, a pair without '=' has the empty value. Refused
 * (-1, err names the parameter): a malformed %-escape, NUL or invalid UTF-8,
 * a name or value over its limit, too many pairs, a name given twice (also
 * when once with '_' and once with '.'). Returns 0 and fills *out. */
int params_parse(struct pool *pool, const char *data, size_t len,
                 const struct params_limits *lim, struct params *out, char *err,
                 size_t errlen);

/* The value of name, or NULL when absent. Borrowed from the list. */
const char *params_get(const struct params *p, const char *name);

/* Removes every parameter whose value starts with '@' (under POST they are
 * outside the signature, contract section 3), keeping the order. */
void params_drop_at_values(struct params *p);

/* Parses the value of name as a strict int64 (util_parse_int64). Returns 1
 * when absent (*out untouched), 0 when valid, -1 with a message naming the
 * parameter when malformed or empty. */
int params_int64(const struct params *p, const char *name, int64_t *out,
                 char *err, size_t errlen);

/* The elements name.0, name.1, ... in numeric index order (gaps allowed:
 * name.0 and name.5 give two elements). Returns 0 with *vals (pool memory,
 * borrowed strings) and *n (0 when there are none); -1 with err when an
 * index is not a plain decimal number ("01", "x", "1.2"), an element is
 * empty, or name is also given without an index. */
int params_array(struct pool *pool, const struct params *p, const char *name,
                 const char ***vals, size_t *n, char *err, size_t errlen);

#endif
