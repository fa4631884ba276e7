/* Unit tests of replay.c: first sighting, replay, expiry, a full cache that
 * refuses rather than forgets, and sharing across processes (fork). */
#include "unit.h"

#include "replay.h"

#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOW 1700000000
#define WINDOW 300

static void fresh_then_seen(void **state)
{
    char err[128];
    struct replay *r = replay_create(1024, err, sizeof(err));
    (void)state;
    assert_non_null(r);
    assert_int_equal(replay_check(r, "AKID", NOW, 7, NOW, WINDOW),
                     REPLAY_FRESH);
    assert_int_equal(replay_check(r, "AKID", NOW, 7, NOW + 10, WINDOW),
                     REPLAY_SEEN);
    /* Any one element different is another request. */
    assert_int_equal(replay_check(r, "AKID", NOW, 8, NOW, WINDOW),
                     REPLAY_FRESH);
    assert_int_equal(replay_check(r, "AKID", NOW + 1, 7, NOW, WINDOW),
                     REPLAY_FRESH);
    assert_int_equal(replay_check(r, "AKIE", NOW, 7, NOW, WINDOW),
                     REPLAY_FRESH);
    /* The SecretId is hashed with its end: "AK"+"ID" is not "AKI"+"D". */
    assert_int_equal(replay_check(r, "AKI", NOW, 7, NOW, WINDOW), REPLAY_FRESH);
    size_t live, slots;
    replay_usage(r, NOW, WINDOW, &live, &slots);
    assert_int_equal(live, 5);
    assert_true(slots >= 1024);
    replay_destroy(r);
}

static void entries_expire_only_outside_the_window(void **state)
{
    char err[128];
    struct replay *r = replay_create(1024, err, sizeof(err));
    (void)state;
    assert_int_equal(replay_check(r, "A", NOW, 1, NOW, WINDOW), REPLAY_FRESH);
    /* At the very edge of the window it is still remembered. */
    assert_int_equal(replay_check(r, "A", NOW, 1, NOW + WINDOW, WINDOW),
                     REPLAY_SEEN);
    size_t live, slots;
    replay_usage(r, NOW + WINDOW + 1, WINDOW, &live, &slots);
    assert_int_equal(live, 0);
    replay_destroy(r);
}

static void full_refuses_instead_of_forgetting(void **state)
{
    char err[128];
    const size_t cap = 1024;
    struct replay *r = replay_create(cap, err, sizeof(err));
    size_t fresh = 0, full = 0;
    (void)state;
    /* Far more distinct requests than fit, all inside the window. */
    for (uint64_t n = 0; n < cap * 4; n++) {
        enum replay_result res = replay_check(r, "A", NOW, n, NOW, WINDOW);
        fresh += res == REPLAY_FRESH;
        full += res == REPLAY_FULL;
        assert_int_not_equal(res, REPLAY_SEEN);
    }
    assert_true(fresh >= cap); /* the configured capacity is reachable */
    assert_true(full > 0);
    /* Every accepted request is still remembered. */
    size_t still = 0;
    for (uint64_t n = 0; n < cap * 4; n++)
        still += replay_check(r, "A", NOW, n, NOW, WINDOW) == REPLAY_SEEN;
    assert_int_equal(still, fresh);
    /* Once the window has passed, room comes back. */
    assert_int_equal(replay_check(r, "A", NOW + WINDOW + 5, 1u << 30,
                                  NOW + WINDOW + 5, WINDOW),
                     REPLAY_FRESH);
    replay_destroy(r);
}

static void shared_across_processes(void **state)
{
    char err[128];
    struct replay *r = replay_create(4096, err, sizeof(err));
    (void)state;
    pid_t pid = fork();
    if (pid == 0)
        _exit(replay_check(r, "A", NOW, 42, NOW, WINDOW) == REPLAY_FRESH ? 0
                                                                         : 1);
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(replay_check(r, "A", NOW, 42, NOW, WINDOW), REPLAY_SEEN);
    /* A process killed while holding the lock does not wedge the others. */
    pid = fork();
    if (pid == 0) {
        for (uint64_t i = 0;; i++)
            replay_check(r, "B", NOW, i % 64, NOW, WINDOW);
    }
    usleep(20000);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    assert_int_equal(replay_check(r, "C", NOW, 1, NOW, WINDOW), REPLAY_FRESH);
    replay_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fresh_then_seen),
        cmocka_unit_test(entries_expire_only_outside_the_window),
        cmocka_unit_test(full_refuses_instead_of_forgetting),
        cmocka_unit_test(shared_across_processes),
    };
    return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
