/* Unit tests of params.c and util_parse_int64: every decoding rule of
 * contract section 1, and every bad input refused with a message naming the
 * parameter. */
#include "unit.h"

#include "common/params.h"
#include "common/pool.h"
#include "common/util.h"

#include <stdio.h>
#include <string.h>

static const struct params_limits lim = {100, 64, 256, true};

static int parse(struct pool *p, const char *s, struct params *out, char *err)
{
    return params_parse(p, s, strlen(s), &lim, out, err, 256);
}

static void decodes_escapes_and_plus(void **state)
{
    struct pool *p = pool_new();
    struct params ps;
    char err[256];
    (void)state;
    assert_int_equal(parse(p, "a=1&b=x+y&c=%41%62%2B&d=%e4%b8%ad", &ps, err),
                     0);
    assert_int_equal(ps.n, 4);
    assert_string_equal(params_get(&ps, "a"), "1");
    assert_string_equal(params_get(&ps, "b"), "x y");
    assert_string_equal(params_get(&ps, "c"), "Ab+");
    assert_string_equal(params_get(&ps, "d"), "\xe4\xb8\xad");
    assert_null(params_get(&ps, "e"));
    pool_free(p);
}

static void names_are_case_sensitive(void **state)
{
    struct pool *p = pool_new();
    struct params ps;
    char err[256];
    (void)state;
    assert_int_equal(parse(p,
                           "Timestamp=1700000000&timestamp=-2&offset=3&"
                           "Offset=4",
                           &ps, err),
                     0);
    assert_string_equal(params_get(&ps, "Timestamp"), "1700000000");
    assert_string_equal(params_get(&ps, "timestamp"), "-2");
    assert_string_equal(params_get(&ps, "offset"), "3");
    assert_string_equal(params_get(&ps, "Offset"), "4");
    pool_free(p);
}

static void underscore_is_dot(void **state)
{
    struct pool *p = pool_new();
    struct params ps;
    char err[256];
    (void)state;
    assert_int_equal(
        parse(p, "topics_0=a&topics.1=b&Signature_Method=x", &ps, err), 0);
    assert_string_equal(params_get(&ps, "topics.0"), "a");
    assert_string_equal(params_get(&ps, "topics.1"), "b");
    assert_string_equal(params_get(&ps, "Signature.Method"), "x");
    assert_null(params_get(&ps, "topics_0"));
    pool_free(p);
}

static void sorted_bytewise(void **state)
{
    struct pool *p = pool_new();
    struct params ps;
    char err[256];
    (void)state;
    assert_int_equal(
        parse(p, "b=1&topics.2=x&A=1&topics.10=y&a=1&topics.1=z", &ps, err), 0);
    const char *order[] = {"A", "a", "b", "topics.1", "topics.10", "topics.2"};
    assert_int_equal(ps.n, 6);
    for (size_t i = 0; i < ps.n; i++)
        assert_string_equal(ps.v[i].name, order[i]);
    pool_free(p);
}

static void empty_pairs_and_bare_names(void **state)
{
    struct pool *p = pool_new();
    struct params ps;
    char err[256];
    (void)state;
    assert_int_equal(parse(p, "&&a=1&&=orphan&flag&b=&", &ps, err), 0);
    assert_int_equal(ps.n, 3);
    assert_string_equal(params_get(&ps, "flag"), "");
    assert_string_equal(params_get(&ps, "b"), "");
    assert_int_equal(parse(p, "", &ps, err), 0);
    assert_int_equal(ps.n, 0);
    pool_free(p);
}

/* Each bad input, and a word the error message must contain. */
static const struct {
    const char *in;
    const char *must;
} bad[] = {
    {"a=%zz", "a"},
    {"a=%4", "a"},
    {"a=%", "a"},
    {"a=x%", "a"},
    {"%zz=1", "%zz"},
    {"a=%00", "a"},
    {"a%00=1", "a"},
    {"a=%ff", "a"},       /* invalid UTF-8 */
    {"a=%c3%28", "a"},    /* bad continuation */
    {"a=%ed%a0%80", "a"}, /* surrogate */
    {"a=%c0%af", "a"},    /* overlong */
    {"a=1&a=2", "a"},
    {"topics_0=a&topics.0=b", "topics.0"},
    {"nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn=1",
     "too long"},
};

static void refuses_bad_input(void **state)
{
    struct pool *p = pool_new();
    struct params ps;
    char err[256];
    (void)state;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(bad); i++) {
        err[0] = '\0';
        if (parse(p, bad[i].in, &ps, err) != -1)
            fail_msg("accepted: %s", bad[i].in);
        if (!strstr(err, bad[i].must))
            fail_msg("%s: message '%s' lacks '%s'", bad[i].in, err,
                     bad[i].must);
    }
    pool_free(p);
}

static void limits(void **state)
{
    struct pool *p = pool_new();
    struct params ps;
    char err[256], buf[4096];
    struct params_limits small = {3, 8, 5, true};
    (void)state;
    assert_int_equal(
        params_parse(p, "a=1&b=2&c=3", 11, &small, &ps, err, sizeof(err)), 0);
    /* Empty pairs do not count against max_params. */
    assert_int_equal(
        params_parse(p, "a=1&&&&b=2&&c=3&", 16, &small, &ps, err, sizeof(err)),
        0);
    assert_int_equal(
        params_parse(p, "a=1&b=2&c=3&d=4", 15, &small, &ps, err, sizeof(err)),
        -1);
    assert_non_null(strstr(err, "too many parameters"));
    assert_int_equal(
        params_parse(p, "abcdefghi=1", 11, &small, &ps, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "too long"));
    assert_int_equal(
        params_parse(p, "a=123456", 8, &small, &ps, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "parameter a"));
    /* The value limit counts decoded bytes: %41 is one. */
    assert_int_equal(
        params_parse(p, "a=%41%41%41%41%41", 17, &small, &ps, err, sizeof(err)),
        0);
    /* Not NUL-terminated input: only len bytes are read. */
    memcpy(buf, "a=1&b=2XXXX", 11);
    assert_int_equal(params_parse(p, buf, 7, &small, &ps, err, sizeof(err)), 0);
    assert_string_equal(params_get(&ps, "b"), "2");
    pool_free(p);
}

static void int64_values(void **state)
{
    static const struct {
        const char *s;
        bool ok;
        int64_t v;
    } cases[] = {
        {"0", true, 0},
        {"-2", true, -2},
        {"007", true, 7},
        {"-0", true, 0},
        {"9223372036854775807", true, INT64_MAX},
        {"-9223372036854775808", true, INT64_MIN},
        {"9223372036854775808", false, 0},
        {"-9223372036854775809", false, 0},
        {"99999999999999999999999", false, 0},
        {"", false, 0},
        {"-", false, 0},
        {"--1", false, 0},
        {"+1", false, 0},
        {" 1", false, 0},
        {"1 ", false, 0},
        {"12a", false, 0},
        {"0x10", false, 0},
        {"1.0", false, 0},
        {"1e3", false, 0},
    };
    (void)state;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(cases); i++) {
        int64_t v = 42;
        bool ok = util_parse_int64(cases[i].s, &v);
        if (ok != cases[i].ok)
            fail_msg("'%s': expected %s", cases[i].s,
                     cases[i].ok ? "valid" : "refused");
        if (ok && v != cases[i].v)
            fail_msg("'%s' read as %lld", cases[i].s, (long long)v);
    }
}

static void int64_parameters(void **state)
{
    struct pool *p = pool_new();
    struct params ps;
    char err[256];
    int64_t v = 0;
    (void)state;
    assert_int_equal(parse(p, "a=12&b=12x&c=", &ps, err), 0);
    assert_int_equal(params_int64(&ps, "a", &v, err, sizeof(err)), 0);
    assert_int_equal(v, 12);
    assert_int_equal(params_int64(&ps, "b", &v, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "parameter b"));
    assert_int_equal(params_int64(&ps, "c", &v, err, sizeof(err)), -1);
    assert_non_null(strstr(err, "parameter c"));
    assert_int_equal(params_int64(&ps, "d", &v, err, sizeof(err)), 1);
    pool_free(p);
}

static void arrays_in_numeric_order(void **state)
{
    struct pool *p = pool_new();
    struct params ps;
    char err[256], q[1024] = "";
    const char **v;
    size_t n;
    (void)state;
    /* 12 elements given in reverse: the bytewise order would put 10 and 11
     * after 1; the array order is numeric. */
    for (int i = 11; i >= 0; i--) {
        char e[32];
        snprintf(e, sizeof(e), "%stopics_%d=t%d", i == 11 ? "" : "&", i, i);
        strcat(q, e);
    }
    assert_int_equal(parse(p, q, &ps, err), 0);
    assert_int_equal(params_array(p, &ps, "topics", &v, &n, err, sizeof(err)),
                     0);
    assert_int_equal(n, 12);
    for (int i = 0; i < 12; i++) {
        char want[8];
        snprintf(want, sizeof(want), "t%d", i);
        assert_string_equal(v[i], want);
    }
    assert_null(v[12]);

    assert_int_equal(
        parse(p, "topics.5=b&topics.0=a&topicsX=z&topic.1=y", &ps, err), 0);
    assert_int_equal(params_array(p, &ps, "topics", &v, &n, err, sizeof(err)),
                     0);
    assert_int_equal(n, 2);
    assert_string_equal(v[0], "a");
    assert_string_equal(v[1], "b");

    assert_int_equal(parse(p, "group=g", &ps, err), 0);
    assert_int_equal(params_array(p, &ps, "topics", &v, &n, err, sizeof(err)),
                     0);
    assert_int_equal(n, 0);
    pool_free(p);
}

static void arrays_refused(void **state)
{
    static const char *const cases[] = {
        "topics.01=a", "topics.x=a", "topics.1.2=a", "topics.=a",
        "topics.-1=a", "topics.0=",  "topics=a",     "topics.1234567890=a",
    };
    struct pool *p = pool_new();
    struct params ps;
    char err[256];
    const char **v;
    size_t n;
    (void)state;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(cases); i++) {
        assert_int_equal(parse(p, cases[i], &ps, err), 0);
        if (params_array(p, &ps, "topics", &v, &n, err, sizeof(err)) != -1)
            fail_msg("accepted: %s", cases[i]);
        if (!strstr(err, "topics"))
            fail_msg("%s: message '%s' does not name topics", cases[i], err);
    }
    pool_free(p);
}

/* The small shared helpers of util.c the front ends lean on: paging,
 * sorting names once, and calendar times. */
static void util_helpers(void **state)
{
    size_t first, n;
    int v;
    int64_t t;
    (void)state;
    util_page_slice(0, 10, 3, &first, &n);
    assert_true(first == 0 && n == 3);
    util_page_slice(2, 10, 3, &first, &n);
    assert_true(first == 2 && n == 1);
    util_page_slice(5, 10, 3, &first, &n);
    assert_true(first == 3 && n == 0);

    const char *names[] = {"b", "a", "b", "c", "a"};
    assert_int_equal(util_strs_sort_unique(names, 5), 3);
    assert_string_equal(names[0], "a");
    assert_string_equal(names[1], "b");
    assert_string_equal(names[2], "c");
    assert_int_equal(util_strs_sort_unique(names, 0), 0);

    assert_int_equal(util_digits("2024x", 4, &v), 0);
    assert_int_equal(v, 2024);
    assert_int_equal(util_digits("20a4", 4, &v), -1);
    assert_int_equal(util_utc_seconds(2024, 1, 1, 0, 0, 0, &t), 0);
    assert_int_equal(t, 1704067200);
    assert_int_equal(util_utc_seconds(2024, 13, 1, 0, 0, 0, &t), -1);
    assert_int_equal(util_utc_seconds(2024, 1, 0, 0, 0, 0, &t), -1);
    assert_int_equal(util_utc_seconds(2024, 1, 1, 24, 0, 0, &t), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(decodes_escapes_and_plus),
        cmocka_unit_test(names_are_case_sensitive),
        cmocka_unit_test(underscore_is_dot),
        cmocka_unit_test(sorted_bytewise),
        cmocka_unit_test(empty_pairs_and_bare_names),
        cmocka_unit_test(refuses_bad_input),
        cmocka_unit_test(limits),
        cmocka_unit_test(int64_values),
        cmocka_unit_test(int64_parameters),
        cmocka_unit_test(arrays_in_numeric_order),
        cmocka_unit_test(arrays_refused),
        cmocka_unit_test(util_helpers),
    };
    return cmocka_run_group_tests_name("params", tests, NULL, NULL);
}
