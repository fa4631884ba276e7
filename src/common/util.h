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

/* The length (1 to 4) of the well-formed UTF-8 character at s[0..len), or
 * 0 when it is not one (invalid byte, overlong, surrogate, cut short). */
size_t util_utf8_seqlen(const char *s, size_t len);

/* True when s[0..len) is well-formed UTF-8 (no overlongs, no surrogates). */
bool util_utf8_valid(const char *s, size_t len);

/* The length of the longest prefix of the string s of at most max bytes that
 * does not cut a character in two: for "%.*s" echoes of client input. */
int util_utf8_cut(const char *s, size_t max);

/* Copies src[0..len) to dst, each byte that does not start a well-formed
 * character replaced by U+FFFD, so the result is valid UTF-8 whatever src
 * held. dst has room for 3 * len bytes; returns the bytes written (no NUL). */
size_t util_utf8_repair(char *dst, const char *src, size_t len);

/* Writes the n bytes of b as 2n lower-case hex digits and a NUL into out
 * (2n + 1 bytes). */
void util_hex(char *out, const unsigned char *b, size_t n);

/* True when a and b are both NULL or equal strings. */
bool util_streq(const char *a, const char *b);

/* The page of total items that starts at item offset and holds at most
 * limit: its first index (total when past the end) and its count. */
void util_page_slice(int64_t offset, int64_t limit, size_t total, size_t *first,
                     size_t *n);

/* strcmp-style comparison for qsort over an array of char pointers. */
int util_strptrcmp(const void *a, const void *b);

/* Sorts the strings v[0..n) and drops repeats; returns the new count. */
size_t util_strs_sort_unique(const char **v, size_t n);

/* The n decimal digits at s into *out. Returns 0, or -1 when one is not a
 * digit. */
int util_digits(const char *s, int n, int *out);

/* A UTC calendar time as seconds since the epoch. Returns 0, or -1 when a
 * field is out of range (a leap second, 60, is allowed). */
int util_utc_seconds(int year, int month, int day, int hour, int min, int sec,
                     int64_t *out);

#endif
