/* Unit tests of offsets.c: reset targets, clamping and lag, case by case,
 * including the int64 extremes. */
#include "unit.h"

#include "common/util.h"
#include "core/offsets.h"
#include "core/reset.h"

static struct tp mk(int64_t committed, int64_t start, int64_t end,
                    int64_t found)
{
    struct tp t;
    tp_init(&t, "t", 0);
    t.committed = committed;
    t.start = start;
    t.end = end;
    t.found = found;
    return t;
}

static void clamp(void **state)
{
    (void)state;
    assert_int_equal(offsets_clamp(5, 2, 10), 5);
    assert_int_equal(offsets_clamp(1, 2, 10), 2);
    assert_int_equal(offsets_clamp(11, 2, 10), 10);
    assert_int_equal(offsets_clamp(INT64_MIN, 0, 0), 0);
    assert_int_equal(offsets_clamp(INT64_MAX, 0, 7), 7);
}

static void lag(void **state)
{
    (void)state;
    struct tp t = mk(4, 0, 10, -1);
    assert_int_equal(offsets_lag(&t), 6);
    t = mk(10, 0, 10, -1);
    assert_int_equal(offsets_lag(&t), 0);
    t = mk(12, 0, 10, -1); /* committed past the end: never negative */
    assert_int_equal(offsets_lag(&t), 0);
    t = mk(TP_NONE, 3, 10, -1); /* no commit: from the log start */
    assert_int_equal(offsets_lag(&t), 7);
    t = mk(TP_NONE, TP_NONE, 10, -1);
    assert_int_equal(offsets_lag(&t), 0);
    t = mk(4, 0, TP_NONE, -1); /* end unknown */
    assert_int_equal(offsets_lag(&t), 0);
}

/* The parameter names API 2.0 reads and the audit log writes. */
static void strategy_params(void **state)
{
    (void)state;
    assert_string_equal(offsets_strategy_param(OFFSETS_SHIFT), "shift");
    assert_string_equal(offsets_strategy_param(OFFSETS_TIME), "timestamp");
    assert_string_equal(offsets_strategy_param(OFFSETS_ABSOLUTE), "offset");
}

static void needs(void **state)
{
    (void)state;
    assert_int_equal(offsets_needs(OFFSETS_SHIFT, 5),
                     OFFSETS_NEED_START | OFFSETS_NEED_END);
    assert_int_equal(offsets_needs(OFFSETS_ABSOLUTE, 5),
                     OFFSETS_NEED_START | OFFSETS_NEED_END);
    assert_int_equal(offsets_needs(OFFSETS_TIME, -2), OFFSETS_NEED_START);
    assert_int_equal(offsets_needs(OFFSETS_TIME, -1), OFFSETS_NEED_END);
    assert_int_equal(offsets_needs(OFFSETS_TIME, 0),
                     OFFSETS_NEED_TIME | OFFSETS_NEED_END);
    assert_int_equal(offsets_needs(OFFSETS_TIME, 1700000000000),
                     OFFSETS_NEED_TIME | OFFSETS_NEED_END);
}

static void plan_table(void **state)
{
    static const struct {
        enum offsets_strategy s;
        int64_t value;
        int64_t committed, start, end, found;
        int64_t want;
    } rows[] = {
        /* shift: clamped at both ends, saturating at the int64 limits */
        {OFFSETS_SHIFT, 3, 4, 2, 10, -1, 7},
        {OFFSETS_SHIFT, -3, 4, 2, 10, -1, 2},
        {OFFSETS_SHIFT, -100, 4, 2, 10, -1, 2},
        {OFFSETS_SHIFT, 100, 4, 2, 10, -1, 10},
        {OFFSETS_SHIFT, 0, 4, 2, 10, -1, 4},
        {OFFSETS_SHIFT, INT64_MAX, 4, 2, 10, -1, 10},
        {OFFSETS_SHIFT, INT64_MIN, 4, 2, 10, -1, 2},
        {OFFSETS_SHIFT, 0, 1, 2, 10, -1, 2}, /* commit below the log start */
        /* time */
        {OFFSETS_TIME, -2, 4, 2, 10, -1, 2},
        {OFFSETS_TIME, -1, 4, 2, 10, -1, 10},
        {OFFSETS_TIME, 1000, 4, 2, 10, 6, 6},
        {OFFSETS_TIME, 1000, 4, 2, 10, -1, 10}, /* nothing that late */
        {OFFSETS_TIME, 0, TP_NONE, 2, 10, 2, 2},
        /* absolute: clamped */
        {OFFSETS_ABSOLUTE, 5, 4, 2, 10, -1, 5},
        {OFFSETS_ABSOLUTE, 0, 4, 2, 10, -1, 2},
        {OFFSETS_ABSOLUTE, INT64_MAX, 4, 2, 10, -1, 10},
        {OFFSETS_ABSOLUTE, 7, TP_NONE, 2, 10, -1, 7},
        {OFFSETS_ABSOLUTE, 3, 4, 0, 0, -1, 0}, /* empty partition */
    };
    (void)state;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(rows); i++) {
        struct tp t =
            mk(rows[i].committed, rows[i].start, rows[i].end, rows[i].found);
        size_t bad = 99;
        assert_int_equal(offsets_plan(rows[i].s, rows[i].value, &t, 1, &bad),
                         0);
        if (t.target != rows[i].want)
            fail_msg("row %zu: target %lld, expected %lld", i,
                     (long long)t.target, (long long)rows[i].want);
    }
}

static void shift_without_commit_refuses_all(void **state)
{
    struct tp t[3] = {mk(4, 0, 10, -1), mk(TP_NONE, 0, 10, -1),
                      mk(5, 0, 10, -1)};
    size_t bad = 99;
    (void)state;
    assert_int_equal(offsets_plan(OFFSETS_SHIFT, 1, t, 3, &bad), -1);
    assert_int_equal(bad, 1);
    for (int i = 0; i < 3; i++) /* nothing was planned */
        assert_int_equal(t[i].target, TP_NONE);
    /* A partition already in error is not a reason to refuse. */
    t[1].err = 3;
    assert_int_equal(offsets_plan(OFFSETS_SHIFT, 1, t, 3, &bad), 0);
    assert_int_equal(t[0].target, 5);
    assert_int_equal(t[1].target, TP_NONE);
    assert_int_equal(t[2].target, 6);
}

static void ordering(void **state)
{
    struct tp a, b, c;
    (void)state;
    tp_init(&a, "a", 10);
    tp_init(&b, "a", 2);
    tp_init(&c, "b", 0);
    assert_true(tp_cmp(&b, &a) < 0);
    assert_true(tp_cmp(&a, &c) < 0);
    assert_int_equal(tp_cmp(&a, &a), 0);
}

/* The core takes partition lists sorted and distinct. */
static void partitions_normalized(void **state)
{
    int32_t v[] = {5, 1, 5, 3, 1, 0};
    (void)state;
    size_t n = core_parts_normalize(v, 6);
    assert_int_equal(n, 4);
    assert_int_equal(v[0], 0);
    assert_int_equal(v[1], 1);
    assert_int_equal(v[2], 3);
    assert_int_equal(v[3], 5);
    assert_int_equal(core_parts_normalize(v, 0), 0);
}

/* Offsets per partition id (Aliyun's ResetType offset): each partition its
 * own value, clamped; partitions not named keep their target. */
static void offsets_per_partition(void **state)
{
    int32_t parts[] = {2, 0, 1};
    int64_t offs[] = {7, 50, 3};
    int32_t dup = -1;
    (void)state;
    assert_int_equal(core_parts_sort_offsets(parts, offs, 3, &dup), 0);
    assert_int_equal(parts[0], 0);
    assert_int_equal(offs[0], 50);
    assert_int_equal(parts[1], 1);
    assert_int_equal(offs[1], 3);
    assert_int_equal(parts[2], 2);
    assert_int_equal(offs[2], 7);

    struct tp t[4] = {mk(4, 0, 10, -1), mk(4, 5, 10, -1), mk(4, 0, 10, -1),
                      mk(4, 0, 10, -1)};
    for (int i = 0; i < 4; i++)
        t[i].partition = i;
    t[3].target = 99;
    offsets_plan_each(parts, offs, 3, t, 4);
    assert_int_equal(t[0].target, 10); /* 50 clamped to the log end */
    assert_int_equal(t[1].target, 5);  /* 3 clamped to the log start */
    assert_int_equal(t[2].target, 7);
    assert_int_equal(t[3].target, 99); /* not named: untouched */

    int32_t twice[] = {1, 0, 1};
    int64_t o2[] = {1, 2, 3};
    assert_int_equal(core_parts_sort_offsets(twice, o2, 3, &dup), -1);
    assert_int_equal(dup, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clamp),
        cmocka_unit_test(lag),
        cmocka_unit_test(needs),
        cmocka_unit_test(strategy_params),
        cmocka_unit_test(plan_table),
        cmocka_unit_test(shift_without_commit_refuses_all),
        cmocka_unit_test(ordering),
        cmocka_unit_test(partitions_normalized),
        cmocka_unit_test(offsets_per_partition),
    };
    return cmocka_run_group_tests_name("offsets", tests, NULL, NULL);
}
