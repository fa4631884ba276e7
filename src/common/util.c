/* util.c - allocation that aborts instead of failing, clocks, strict number
 * parsing and UTF-8 validation. Pure apart from the allocator; no logging
 * beyond the last words before abort(). */
#include "common/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void oom(size_t n)
{
    /* The error log may itself need memory; stderr of a worker is the error
     * log or /dev/null, and this is the last thing the process says. */
    fprintf(stderr, "ckafka-fcgi: out of memory allocating %zu bytes\n", n);
    abort();
}

void *util_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        oom(n);
    return p;
}

void *util_calloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        oom(n * size);
    return p;
}

void *util_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        oom(n);
    return q;
}

void *util_reallocarray(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        oom(SIZE_MAX);
    return util_realloc(p, n * size);
}

char *util_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(util_malloc(n), s, n);
}

static int64_t clock_ns(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t util_mono_ms(void)
{
    return clock_ns(CLOCK_MONOTONIC) / 1000000;
}

int64_t util_mono_us(void)
{
    return clock_ns(CLOCK_MONOTONIC) / 1000;
}

int64_t util_wall_ms(void)
{
    return clock_ns(CLOCK_REALTIME) / 1000000;
}

bool util_parse_int64(const char *s, int64_t *out)
{
    bool neg = false;
    uint64_t v = 0;
    const char *p = s;

    if (*p == '-') {
        neg = true;
        p++;
    }
    if (*p < '0' || *p > '9')
        return false;
    for (; *p; p++) {
        if (*p < '0' || *p > '9')
            return false;
        unsigned d = (unsigned)(*p - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1)
            return false;
        *out = v == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)v;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return false;
        *out = (int64_t)v;
    }
    return true;
}

size_t util_utf8_seqlen(const char *str, size_t len)
{
    const unsigned char *s = (const unsigned char *)str;
    unsigned char c = s[0];
    size_t n;
    uint32_t cp;

    if (!len)
        return 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
        cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (len <= n)
        return 0;
    for (size_t k = 1; k <= n; k++) {
        if ((s[k] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[k] & 0x3f);
    }
    if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
        (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return n + 1;
}

bool util_utf8_valid(const char *s, size_t len)
{
    for (size_t i = 0, n; i < len; i += n)
        if (!(n = util_utf8_seqlen(s + i, len - i)))
            return false;
    return true;
}

int util_utf8_cut(const char *s, size_t max)
{
    size_t i = 0, n;
    while (s[i] && i < max) {
        n = util_utf8_seqlen(s + i, strnlen(s + i, 4));
        if (!n)
            n = 1; /* an invalid byte: the output's own repair handles it */
        if (i + n > max)
            break;
        i += n;
    }
    return (int)i;
}

size_t util_utf8_repair(char *dst, const char *src, size_t len)
{
    static const char fffd[] = "\xef\xbf\xbd";
    size_t o = 0;
    for (size_t i = 0, n; i < len; i += n) {
        n = util_utf8_seqlen(src + i, len - i);
        if (n) {
            memcpy(dst + o, src + i, n);
            o += n;
        } else {
            memcpy(dst + o, fffd, 3);
            o += 3;
            n = 1;
        }
    }
    return o;
}

void util_hex(char *out, const unsigned char *b, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

bool util_streq(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

int util_strptrcmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void util_page_slice(int64_t offset, int64_t limit, size_t total, size_t *first,
                     size_t *n)
{
    *first = offset >= 0 && (uint64_t)offset < total ? (size_t)offset
             : offset < 0                            ? 0
                                                     : total;
    size_t left = total - *first;
    *n = limit < 0 || (uint64_t)limit > left ? left : (size_t)limit;
}

size_t util_strs_sort_unique(const char **v, size_t n)
{
    size_t k = 0;
    qsort(v, n, sizeof(*v), util_strptrcmp);
    for (size_t i = 0; i < n; i++)
        if (!k || strcmp(v[k - 1], v[i]) != 0)
            v[k++] = v[i];
    return k;
}

int util_digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!isdigit((unsigned char)s[i]))
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int util_utc_seconds(int year, int month, int day, int hour, int min, int sec,
                     int64_t *out)
{
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 ||
        min > 59 || sec > 60)
        return -1;
    struct tm tm = {0};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = min;
    tm.tm_sec = sec;
    *out = (int64_t)timegm(&tm);
    return 0;
}
