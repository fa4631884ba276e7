/* tp.c - a partition's offsets: initialisation, order, distinct topics.
 * Pure. */
#include "kafka/tp.h"

#include "common/pool.h"

#include <string.h>

void tp_init(struct tp *t, const char *topic, int32_t partition)
{
    t->topic = topic;
    t->partition = partition;
    t->committed = TP_NONE;
    t->metadata = "";
    t->start = TP_NONE;
    t->end = TP_NONE;
    t->found = TP_NONE;
    t->target = TP_NONE;
    t->err = 0;
}

const char **tp_topics(struct pool *pool, const struct tp *tps, size_t n,
                       size_t *count)
{
    const char **v = pool_alloc(pool, (n + 1) * sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!k || strcmp(v[k - 1], tps[i].topic) != 0)
            v[k++] = tps[i].topic;
    v[k] = NULL;
    *count = k;
    return v;
}

int tp_cmp(const void *a, const void *b)
{
    const struct tp *x = a, *y = b;
    int c = strcmp(x->topic, y->topic);
    if (c)
        return c;
    return (x->partition > y->partition) - (x->partition < y->partition);
}
