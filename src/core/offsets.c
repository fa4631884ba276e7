/* offsets.c - reset targets as Kafka's own reset tool computes them: shift
 * and absolute offsets clamped into [log start, log end], a time resolved to
 * the first offset at or after it or to the log end when no message is that
 * late. Pure: unit tests cover it case by case. */
#include "core/offsets.h"

#include <string.h>

unsigned offsets_needs(enum offsets_strategy s, int64_t value)
{
    switch (s) {
    case OFFSETS_SHIFT:
    case OFFSETS_ABSOLUTE: return OFFSETS_NEED_START | OFFSETS_NEED_END;
    case OFFSETS_TIME:
        if (value == -2)
            return OFFSETS_NEED_START;
        if (value == -1)
            return OFFSETS_NEED_END;
        /* The log end is the answer when no message is that late. */
        return OFFSETS_NEED_TIME | OFFSETS_NEED_END;
    }
    return 0;
}

int64_t offsets_clamp(int64_t v, int64_t start, int64_t end)
{
    if (v > end)
        v = end;
    if (v < start)
        v = start;
    return v;
}

int64_t offsets_lag(const struct tp *t)
{
    int64_t from = t->committed >= 0 ? t->committed : t->start;
    if (t->end < 0 || from < 0 || t->end <= from)
        return 0;
    return t->end - from;
}

/* a + b without overflow: saturates at the int64 limits. */
static int64_t add_sat(int64_t a, int64_t b)
{
    if (b > 0 && a > INT64_MAX - b)
        return INT64_MAX;
    if (b < 0 && a < INT64_MIN - b)
        return INT64_MIN;
    return a + b;
}

int offsets_plan(enum offsets_strategy s, int64_t value, struct tp *tps,
                 size_t n, size_t *bad)
{
    /* Refuse before touching anything: the request is all or nothing. */
    if (s == OFFSETS_SHIFT) {
        for (size_t i = 0; i < n; i++) {
            if (tps[i].err == 0 && tps[i].committed < 0) {
                *bad = i;
                return -1;
            }
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct tp *t = &tps[i];
        if (t->err)
            continue;
        switch (s) {
        case OFFSETS_SHIFT:
            t->target =
                offsets_clamp(add_sat(t->committed, value), t->start, t->end);
            break;
        case OFFSETS_ABSOLUTE:
            t->target = offsets_clamp(value, t->start, t->end);
            break;
        case OFFSETS_TIME:
            if (value == -2)
                t->target = t->start;
            else if (value == -1)
                t->target = t->end;
            else
                t->target = t->found >= 0 ? t->found : t->end;
            break;
        }
    }
    return 0;
}

void offsets_plan_each(const int32_t *parts, const int64_t *values,
                       size_t nparts, struct tp *tps, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        struct tp *t = &tps[i];
        size_t lo = 0, hi = nparts;
        if (t->err)
            continue;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (parts[mid] < t->partition)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < nparts && parts[lo] == t->partition)
            t->target = offsets_clamp(values[lo], t->start, t->end);
    }
}

const char *offsets_strategy_param(enum offsets_strategy s)
{
    static const char *const names[] = {"shift", "timestamp", "offset"};
    return (unsigned)s < 3 ? names[s] : "value";
}
