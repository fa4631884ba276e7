/* pool.h - the request arena: many small allocations during one request,
 * released together by pool_reset() when the request ends (nginx's request
 * pool). Lifetime of everything allocated here: request. */
#ifndef CKAFKA_POOL_H
#define CKAFKA_POOL_H

#include <stdarg.h>
#include <stddef.h>

struct pool;

/* A new, empty pool. Owned by the caller; release with pool_free(). */
struct pool *pool_new(void);
/* Frees the pool and everything allocated from it. NULL-safe. */
void pool_free(struct pool *p);
/* Releases every allocation at once, keeping one block for reuse. */
void pool_reset(struct pool *p);

/* n bytes, aligned for any type, valid until the next reset. Aborts on
 * allocation failure; never returns NULL. */
void *pool_alloc(struct pool *p, size_t n);
void *pool_calloc(struct pool *p, size_t n, size_t size);
char *pool_strdup(struct pool *p, const char *s);
char *pool_strndup(struct pool *p, const char *s, size_t n);
char *pool_printf(struct pool *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
char *pool_vprintf(struct pool *p, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

/* Bytes currently held from the system (for the status page and tests). */
size_t pool_footprint(const struct pool *p);

#endif
