/* Unit tests of replay.c: first sighting, replay, expiry, a full cache that
 * refuses rather than forgets, and sharing across processes (fork). */
#include "unit.h"

#include "store/replay.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define NOW 1700000000
#define WINDOW 300

/* A request as the CKafka front end identifies it. */
static enum replay_result check(struct replay *r, const char *id, int64_t ts,
                                uint64_t nonce, int64_t now, int64_t window)
{
    char t[24], n[24], err[128];
    snprintf(t, sizeof(t), "%lld", (long long)ts);
    snprintf(n, sizeof(n), "%llu", (unsigned long long)nonce);
    const char *const parts[] = {id, t, n, "sig"};
    return replay_check(r, parts, 4, ts, now, window, err, sizeof(err));
}

static void fresh_then_seen(void **state)
{
    char err[128];
    struct replay *r = replay_open(NULL, 1024, NULL, err, sizeof(err));
    (void)state;
    assert_non_null(r);
    assert_int_equal(check(r, "AKID", NOW, 7, NOW, WINDOW), REPLAY_FRESH);
    assert_int_equal(check(r, "AKID", NOW, 7, NOW + 10, WINDOW), REPLAY_SEEN);
    /* Any one element different is another request. */
    assert_int_equal(check(r, "AKID", NOW, 8, NOW, WINDOW), REPLAY_FRESH);
    assert_int_equal(check(r, "AKID", NOW + 1, 7, NOW, WINDOW), REPLAY_FRESH);
    assert_int_equal(check(r, "AKIE", NOW, 7, NOW, WINDOW), REPLAY_FRESH);
    /* The SecretId is hashed with its end: "AK"+"ID" is not "AKI"+"D". */
    assert_int_equal(check(r, "AKI", NOW, 7, NOW, WINDOW), REPLAY_FRESH);
    size_t live, slots;
    replay_usage(r, NOW, WINDOW, &live, &slots);
    assert_int_equal(live, 5);
    assert_true(slots >= 1024);
    replay_destroy(r);
}

static void entries_expire_only_outside_the_window(void **state)
{
    char err[128];
    struct replay *r = replay_open(NULL, 1024, NULL, err, sizeof(err));
    (void)state;
    assert_int_equal(check(r, "A", NOW, 1, NOW, WINDOW), REPLAY_FRESH);
    /* At the very edge of the window it is still remembered. */
    assert_int_equal(check(r, "A", NOW, 1, NOW + WINDOW, WINDOW), REPLAY_SEEN);
    size_t live, slots;
    replay_usage(r, NOW + WINDOW + 1, WINDOW, &live, &slots);
    assert_int_equal(live, 0);
    replay_destroy(r);
}

static void full_refuses_instead_of_forgetting(void **state)
{
    char err[128];
    const size_t cap = 1024;
    struct replay *r = replay_open(NULL, cap, NULL, err, sizeof(err));
    size_t fresh = 0, full = 0;
    (void)state;
    /* Far more distinct requests than fit, all inside the window. */
    for (uint64_t n = 0; n < cap * 4; n++) {
        enum replay_result res = check(r, "A", NOW, n, NOW, WINDOW);
        fresh += res == REPLAY_FRESH;
        full += res == REPLAY_FULL;
        assert_int_not_equal(res, REPLAY_SEEN);
    }
    assert_true(fresh >= cap); /* the configured capacity is reachable */
    assert_true(full > 0);
    /* Every accepted request is still remembered. */
    size_t still = 0;
    for (uint64_t n = 0; n < cap * 4; n++)
        still += check(r, "A", NOW, n, NOW, WINDOW) == REPLAY_SEEN;
    assert_int_equal(still, fresh);
    /* Once the window has passed, room comes back. */
    assert_int_equal(
        check(r, "A", NOW + WINDOW + 5, 1u << 30, NOW + WINDOW + 5, WINDOW),
        REPLAY_FRESH);
    replay_destroy(r);
}

static void shared_across_processes(void **state)
{
    char err[128];
    struct replay *r = replay_open(NULL, 4096, NULL, err, sizeof(err));
    (void)state;
    pid_t pid = fork();
    if (pid == 0)
        _exit(check(r, "A", NOW, 42, NOW, WINDOW) == REPLAY_FRESH ? 0 : 1);
    int st;
    waitpid(pid, &st, 0);
    assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
    assert_int_equal(check(r, "A", NOW, 42, NOW, WINDOW), REPLAY_SEEN);
    /* A process killed while holding the lock does not wedge the others. */
    pid = fork();
    if (pid == 0) {
        for (uint64_t i = 0;; i++)
            check(r, "B", NOW, i % 64, NOW, WINDOW);
    }
    usleep(20000);
    kill(pid, SIGKILL);
    waitpid(pid, &st, 0);
    assert_int_equal(check(r, "C", NOW, 1, NOW, WINDOW), REPLAY_FRESH);
    replay_destroy(r);
}

/* bug-replay-after-restart: the local table lives in a file; a server
 * started again on it still knows every request of the window. */
static void survives_a_restart_and_a_resize(void **state)
{
    char err[256], path[] = "/tmp/ckafka-replay-test-XXXXXX";
    int fd = mkstemp(path);
    (void)state;
    assert_true(fd >= 0);
    close(fd);
    struct replay *r = replay_open(path, 1024, NULL, err, sizeof(err));
    assert_non_null(r);
    for (uint64_t n = 0; n < 100; n++)
        assert_int_equal(check(r, "A", NOW, n, NOW, WINDOW), REPLAY_FRESH);
    /* A second server on the same file is refused while the first runs. */
    assert_null(replay_open(path, 1024, NULL, err, sizeof(err)));
    assert_non_null(strstr(err, "in use by another running ckafka-fcgi"));
    replay_destroy(r);
    r = replay_open(path, 1024, NULL, err, sizeof(err));
    assert_non_null(r);
    for (uint64_t n = 0; n < 100; n++)
        assert_int_equal(check(r, "A", NOW, n, NOW + 1, WINDOW), REPLAY_SEEN);
    replay_destroy(r);
    /* replay_cache_size changed: the entries move into the new table. */
    r = replay_open(path, 8192, NULL, err, sizeof(err));
    assert_non_null(r);
    for (uint64_t n = 0; n < 100; n++)
        assert_int_equal(check(r, "A", NOW, n, NOW + 2, WINDOW), REPLAY_SEEN);
    size_t live, slots;
    replay_usage(r, NOW, WINDOW, &live, &slots);
    assert_int_equal(live, 100);
    assert_true(slots >= 8192);
    replay_destroy(r);
    /* A file that is not ours is replaced, not trusted. */
    fd = open(path, O_WRONLY | O_TRUNC);
    assert_int_equal(write(fd, "garbage", 7), 7);
    close(fd);
    r = replay_open(path, 1024, NULL, err, sizeof(err));
    assert_non_null(r);
    assert_int_equal(check(r, "A", NOW, 1, NOW, WINDOW), REPLAY_FRESH);
    replay_destroy(r);
    unlink(path);
}

/* The PHP SDK's Nonce is rand(1, 65535): two requests in one second may
 * share it. Only the same signature is the same request. */
static void same_nonce_other_signature_is_another_request(void **state)
{
    char err[128];
    struct replay *r = replay_open(NULL, 1024, NULL, err, sizeof(err));
    (void)state;
    const char *const a[] = {"AKID", "1700000000", "42", "sigA"};
    const char *const b[] = {"AKID", "1700000000", "42", "sigB"};
    assert_int_equal(replay_check(r, a, 4, NOW, NOW, WINDOW, err, sizeof(err)),
                     REPLAY_FRESH);
    assert_int_equal(replay_check(r, b, 4, NOW, NOW, WINDOW, err, sizeof(err)),
                     REPLAY_FRESH);
    assert_int_equal(replay_check(r, a, 4, NOW, NOW, WINDOW, err, sizeof(err)),
                     REPLAY_SEEN);
    replay_destroy(r);
}

/* Aliyun's identity is the key and the nonce: used once within the window
 * whatever the Timestamp of each use; remembered from the first one. */
static void identity_without_timestamp(void **state)
{
    char err[128];
    struct replay *r = replay_open(NULL, 1024, NULL, err, sizeof(err));
    (void)state;
    const char *const id[] = {"aliyun", "LTAIkey", "nonce-1"};
    assert_int_equal(replay_check(r, id, 3, NOW, NOW, 900, err, sizeof(err)),
                     REPLAY_FRESH);
    assert_int_equal(
        replay_check(r, id, 3, NOW + 5, NOW + 5, 900, err, sizeof(err)),
        REPLAY_SEEN);
    assert_int_equal(
        replay_check(r, id, 3, NOW - 600, NOW, 900, err, sizeof(err)),
        REPLAY_SEEN);
    /* Forgotten once the first use's Timestamp is out of the window. */
    assert_int_equal(
        replay_check(r, id, 3, NOW + 901, NOW + 901, 900, err, sizeof(err)),
        REPLAY_FRESH);
    replay_destroy(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fresh_then_seen),
        cmocka_unit_test(entries_expire_only_outside_the_window),
        cmocka_unit_test(full_refuses_instead_of_forgetting),
        cmocka_unit_test(shared_across_processes),
        cmocka_unit_test(survives_a_restart_and_a_resize),
        cmocka_unit_test(same_nonce_other_signature_is_another_request),
        cmocka_unit_test(identity_without_timestamp),
    };
    return cmocka_run_group_tests_name("replay", tests, NULL, NULL);
}
