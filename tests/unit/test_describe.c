/* Unit tests of the core's group descriptions: the ConsumerProtocol
 * assignment decoder over well-formed bytes of each version and over every
 * way the bytes can be wrong (they come from any client of the group). */
#include "unit.h"

#include "common/pool.h"
#include "core/cluster.h"
#include "core/describe.h"

#include <string.h>

/* Bytes of an assignment: version, then topics "t" with partitions. */
static size_t put16(unsigned char *b, size_t at, int v)
{
    b[at] = (unsigned char)(v >> 8);
    b[at + 1] = (unsigned char)v;
    return at + 2;
}

static size_t put32(unsigned char *b, size_t at, int32_t v)
{
    for (int i = 0; i < 4; i++)
        b[at + (size_t)i] = (unsigned char)((uint32_t)v >> (24 - 8 * i));
    return at + 4;
}

static size_t putstr(unsigned char *b, size_t at, const char *s)
{
    at = put16(b, at, (int)strlen(s));
    memcpy(b + at, s, strlen(s));
    return at + strlen(s);
}

/* version v; topic "zeta" [3, 1]; topic "alpha" [0]; user data (or none). */
static size_t sample(unsigned char *b, int v, bool userdata)
{
    size_t at = put16(b, 0, v);
    at = put32(b, at, 2);
    at = putstr(b, at, "zeta");
    at = put32(b, at, 2);
    at = put32(b, at, 3);
    at = put32(b, at, 1);
    at = putstr(b, at, "alpha");
    at = put32(b, at, 1);
    at = put32(b, at, 0);
    if (userdata) {
        at = put32(b, at, 3);
        memcpy(b + at, "xyz", 3);
        at += 3;
    }
    return at;
}

static void decodes_each_version_sorted(void **state)
{
    unsigned char b[128];
    struct pool *p = pool_new();
    (void)state;
    for (int v = 0; v <= 4; v++) {
        struct core_assignment a;
        size_t n = sample(b, v, v != 0);
        assert_int_equal(core_decode_assignment(p, b, n, &a), 0);
        assert_int_equal(a.version, v);
        assert_int_equal(a.ntopics, 2);
        assert_string_equal(a.topics[0].topic, "alpha");
        assert_int_equal(a.topics[0].npartitions, 1);
        assert_int_equal(a.topics[0].partitions[0], 0);
        assert_string_equal(a.topics[1].topic, "zeta");
        assert_int_equal(a.topics[1].npartitions, 2);
        assert_int_equal(a.topics[1].partitions[0], 1);
        assert_int_equal(a.topics[1].partitions[1], 3);
    }
    /* No topics at all (a member left without partitions). */
    struct core_assignment a;
    size_t at = put16(b, 0, 0);
    at = put32(b, at, 0);
    at = put32(b, at, -1); /* null user data */
    assert_int_equal(core_decode_assignment(p, b, at, &a), 0);
    assert_int_equal(a.ntopics, 0);
    pool_free(p);
}

static void refuses_malformed_bytes(void **state)
{
    unsigned char b[128];
    struct pool *p = pool_new();
    struct core_assignment a;
    (void)state;
    size_t n = sample(b, 1, false);
    /* Every truncation short of the topics' end fails cleanly. */
    for (size_t cut = 0; cut < n; cut++)
        assert_int_equal(core_decode_assignment(p, b, cut, &a), -1);
    assert_int_equal(core_decode_assignment(p, b, n, &a), 0);
    /* A negative version, topic count, name length or partition count. */
    unsigned char c[128];
    memcpy(c, b, n);
    put16(c, 0, -1);
    assert_int_equal(core_decode_assignment(p, c, n, &a), -1);
    memcpy(c, b, n);
    put32(c, 2, -2);
    assert_int_equal(core_decode_assignment(p, c, n, &a), -1);
    memcpy(c, b, n);
    put16(c, 6, -5);
    assert_int_equal(core_decode_assignment(p, c, n, &a), -1);
    memcpy(c, b, n);
    put32(c, 12, -1);
    assert_int_equal(core_decode_assignment(p, c, n, &a), -1);
    /* Counts far beyond the bytes: refused before allocating for them. */
    memcpy(c, b, n);
    put32(c, 2, INT32_MAX);
    assert_int_equal(core_decode_assignment(p, c, n, &a), -1);
    memcpy(c, b, n);
    put32(c, 12, 1 << 30);
    assert_int_equal(core_decode_assignment(p, c, n, &a), -1);
    assert_int_equal(core_decode_assignment(p, NULL, 0, &a), -1);
    pool_free(p);
}

static void internal_topics(void **state)
{
    (void)state;
    assert_true(core_topic_internal("__consumer_offsets"));
    assert_true(core_topic_internal("__transaction_state"));
    assert_true(core_topic_internal("__anything"));
    assert_false(core_topic_internal("_single"));
    assert_false(core_topic_internal("orders__x"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_each_version_sorted),
        cmocka_unit_test(refuses_malformed_bytes),
        cmocka_unit_test(internal_topics),
    };
    return cmocka_run_group_tests_name("describe", tests, NULL, NULL);
}
