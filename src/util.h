/* util.h - allocation that cannot fail (it aborts), clocks, small string
 * helpers. Nothing here does I/O beyond the abort message. */
#ifndef CKAFKA_UTIL_H
#define CKAFKA_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UTIL_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Allocation failure in a worker is not recoverable: these log to stderr and
 * abort(), and the supervisor respawns the worker. Never return NULL. */
void *util_malloc(size_t n);
void *util_calloc(size_t n, size_t size);
void *util_realloc(void *p, size_t n);
/* Like realloc(p, n * size), aborting on overflow as on failure. */
void *util_reallocarray(void *p, size_t n, size_t size);
char *util_strdup(const char *s);

/* Milliseconds on CLOCK_MONOTONIC: for deadlines and durations. */
int64_t util_mono_ms(void);
/* Microseconds on CLOCK_MONOTONIC. */
int64_t util_mono_us(void);
/* Milliseconds since the Unix epoch on CLOCK_REALTIME: for timestamps. */
int64_t util_wall_ms(void);

/* Strict decimal int64: optional '-', then one or more digits, nothing else
 * (no spaces, no '+', no hex, no overflow). Returns true and sets *out only
 * when the whole string is such a number. */
bool util_parse_int64(const char *s, int64_t *out);

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool util_utf8_valid(const char *s, size_t len);

/* strcmp-style comparison for qsort over an array of char pointers. */
int util_strptrcmp(const void *a, const void *b);

#endif
