/* Unit tests of scoreboard.c: histogram buckets, quantiles, counters shared
 * across processes. */
#include "unit.h"

#include "server/scoreboard.h"

#include <sys/wait.h>
#include <unistd.h>

static void buckets_are_monotonic(void **state)
{
    (void)state;
    int last = 0;
    for (int64_t us = 1; us < 100000000; us = us * 3 / 2 + 1) {
        int b = scoreboard_bucket(us);
        assert_true(b >= last);
        assert_true(b < SB_BUCKETS);
        last = b;
    }
    assert_int_equal(scoreboard_bucket(0), 0);
    assert_int_equal(scoreboard_bucket(-5), 0);
    assert_int_equal(scoreboard_bucket(INT64_MAX), SB_BUCKETS - 1);
}

static void quantiles(void **state)
{
    char err[128];
    struct scoreboard *sb = scoreboard_create(err, sizeof(err));
    (void)state;
    assert_non_null(sb);
    int a = scoreboard_action_index("GetGroupOffsets");
    assert_int_equal(scoreboard_quantile_us(&sb->actions[a], 0.5), 0);
    /* 90 requests of 1 ms and 10 of 100 ms. */
    for (int i = 0; i < 90; i++)
        scoreboard_record(sb, a, 1000, false, "inst", false);
    for (int i = 0; i < 10; i++)
        scoreboard_record(sb, a, 100000, true, "inst", true);
    int64_t p50 = scoreboard_quantile_us(&sb->actions[a], 0.50);
    int64_t p99 = scoreboard_quantile_us(&sb->actions[a], 0.99);
    /* Within one bucket (19%) above the true value. */
    assert_true(p50 >= 1000 && p50 <= 1190);
    assert_true(p99 >= 100000 && p99 <= 119000);
    assert_int_equal(sb->actions[a].count, 100);
    assert_int_equal(sb->actions[a].errors, 10);
    assert_int_equal(sb->actions[a].max_us, 100000);
    assert_int_equal(sb->accepted, 100);
    assert_string_equal(sb->instances[0].id, "inst");
    assert_int_equal(sb->instances[0].requests, 100);
    assert_int_equal(sb->instances[0].kafka_errors, 10);
    /* bug-status-quantile-above-max: estimates never leave [min, max]. */
    int b = scoreboard_action_index("SetGroupOffset");
    for (int i = 0; i < 5; i++)
        scoreboard_record(sb, b, 31611, false, "inst", false);
    assert_int_equal(scoreboard_quantile_us(&sb->actions[b], 0.50), 31611);
    assert_int_equal(scoreboard_quantile_us(&sb->actions[b], 0.99), 31611);
    scoreboard_destroy(sb);
}

static void names(void **state)
{
    (void)state;
    assert_int_equal(scoreboard_action_index("SetGroupOffsets"), 2);
    assert_int_equal(scoreboard_action_index("Nope"), SB_ACTIONS - 1);
    /* Every API's actions have a row of their own. */
    const char *const named[] = {"GetGroupInfo", "GetConsumerProgress",
                                 "ShowGroups", "ResetMessageOffsetWithEngine"};
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++) {
        int k = scoreboard_action_index(named[i]);
        assert_true(k < SB_ACTIONS - 1);
        assert_string_equal(scoreboard_action_names[k], named[i]);
    }
    assert_int_equal(scoreboard_action_index(NULL), SB_ACTIONS - 1);
    assert_string_equal(scoreboard_reason_name(SB_REASON_REQUEST_TIMEOUT),
                        "request_timeout");
    assert_string_equal(scoreboard_state_name(SB_BUSY), "busy");
}

static void shared_across_fork(void **state)
{
    char err[128];
    struct scoreboard *sb = scoreboard_create(err, sizeof(err));
    (void)state;
    pid_t pid = fork();
    if (pid == 0) {
        for (int i = 0; i < 1000; i++)
            scoreboard_record(sb, 0, 10, false, "x", false);
        _exit(0);
    }
    for (int i = 0; i < 1000; i++)
        scoreboard_record(sb, 0, 10, false, "x", false);
    int st;
    waitpid(pid, &st, 0);
    assert_int_equal(sb->actions[0].count, 2000);
    scoreboard_restart(sb, 123, SB_REASON_CRASH, 11);
    assert_int_equal(sb->restarts[SB_REASON_CRASH], 1);
    assert_int_equal(sb->recent[0].pid, 123);
    scoreboard_destroy(sb);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(buckets_are_monotonic),
        cmocka_unit_test(quantiles),
        cmocka_unit_test(names),
        cmocka_unit_test(shared_across_fork),
    };
    return cmocka_run_group_tests_name("scoreboard", tests, NULL, NULL);
}
