/* pool.c - a bump allocator in chained blocks. Reset keeps the first block so
 * that a steady stream of small requests allocates nothing from malloc; a
 * request that needed more gives the extra blocks back at reset, so one huge
 * request does not pin memory in a worker for its whole life. */
#include "common/pool.h"

#include "common/util.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define POOL_BLOCK 16384

struct pool_block {
    struct pool_block *next;
    size_t size; /* usable bytes in data[] */
    size_t used;
    alignas(max_align_t) unsigned char data[];
};

struct pool {
    struct pool_block *head; /* current block; the first one is last */
};

static struct pool_block *block_new(size_t size, struct pool_block *next)
{
    struct pool_block *b = util_malloc(sizeof(*b) + size);
    b->next = next;
    b->size = size;
    b->used = 0;
    return b;
}

struct pool *pool_new(void)
{
    struct pool *p = util_malloc(sizeof(*p));
    p->head = block_new(POOL_BLOCK, NULL);
    return p;
}

void pool_free(struct pool *p)
{
    if (!p)
        return;
    for (struct pool_block *b = p->head, *next; b; b = next) {
        next = b->next;
        free(b);
    }
    free(p);
}

void pool_reset(struct pool *p)
{
    while (p->head->next) {
        struct pool_block *b = p->head;
        p->head = b->next;
        free(b);
    }
    p->head->used = 0;
}

void *pool_alloc(struct pool *p, size_t n)
{
    const size_t align = alignof(max_align_t);
    struct pool_block *b = p->head;

    if (n > SIZE_MAX - align)
        util_malloc(SIZE_MAX); /* aborts with the usual message */
    n = (n + align - 1) & ~(align - 1);
    if (b->size - b->used < n) {
        /* Big allocations get a block of their own behind the current one,
         * so the free space of the current block is not wasted. */
        if (n > POOL_BLOCK / 4) {
            struct pool_block *big = block_new(n, b->next);
            b->next = big;
            big->used = n;
            return big->data;
        }
        b = p->head = block_new(POOL_BLOCK, b);
    }
    void *r = b->data + b->used;
    b->used += n;
    return r;
}

void *pool_calloc(struct pool *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        util_malloc(SIZE_MAX);
    return memset(pool_alloc(p, n * size), 0, n * size);
}

char *pool_strndup(struct pool *p, const char *s, size_t n)
{
    char *r = pool_alloc(p, n + 1);
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

char *pool_strdup(struct pool *p, const char *s)
{
    return pool_strndup(p, s, strlen(s));
}

char *pool_vprintf(struct pool *p, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        n = 0;
    char *r = pool_alloc(p, (size_t)n + 1);
    vsnprintf(r, (size_t)n + 1, fmt, ap);
    return r;
}

char *pool_printf(struct pool *p, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *r = pool_vprintf(p, fmt, ap);
    va_end(ap);
    return r;
}

size_t pool_footprint(const struct pool *p)
{
    size_t n = 0;
    for (const struct pool_block *b = p->head; b; b = b->next)
        n += sizeof(*b) + b->size;
    return n;
}
