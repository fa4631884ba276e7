/* Unit tests of the CKafka front end's side of the core: every core error
 * becomes one reply status (code) with its wording, and none is left
 * unmapped. */
#include "unit.h"

#include "ckafka/action.h"
#include "common/config.h"
#include "common/pool.h"
#include "common/util.h"

#include <string.h>

static void core_errors_map_to_codes(void **state)
{
    static const struct {
        enum core_status st;
        int code;
        const char *message;
    } rows[] = {
        {CORE_KAFKA, 5100, "Kafka operation failed: why"},
        {CORE_TOPIC_UNKNOWN, 4000, "(10012)topic not exist: why"},
        {CORE_GROUP_ACTIVE, 4000,
         "(1049)\xe6\xb6\x88\xe8\xb4\xb9\xe5\x88\x86\xe7\xbb\x84"
         "\xe4\xb8\x8d\xe4\xb8\xba\xe7\xa9\xba\xef\xbc\x8c\xe4"
         "\xb8\x8d\xe8\x83\xbd\xe8\xbf\x9b\xe8\xa1\x8c\xe6\xb6"
         "\x88\xe8\xb4\xb9\xe9\x87\x8d\xe7\xbd\xae"
         ": group g is Stable with 2 active members"},
        {CORE_MEMBERS_JOINED, 4000, NULL},
        {CORE_NO_COMMITS, 4000, NULL},
        {CORE_TOO_MANY_PARTITIONS, 4000,
         "(1000)the reset covers 7 partitions, more than max_partitions (5)"},
        {CORE_CANNOT_SHIFT, 4000,
         "(1000)cannot shift topic t partition 3: group g has no committed "
         "offset there (use strategy 1 or 2)"},
        {CORE_BUSY, 5100, NULL},
        {CORE_AUDIT_DOWN, 6000, NULL},
        {CORE_OUTCOME_UNKNOWN, 5100, NULL},
    };
    char err[256];
    struct config *cfg =
        config_parse("max_partitions = 5\n[instance a]\nbootstrap.servers = x\n"
                     "[key K]\nsecret = s\ninstances = a\n",
                     "t.conf", err, sizeof(err));
    (void)state;
    assert_non_null(cfg);
    for (size_t i = 0; i < UTIL_ARRAY_LEN(rows); i++) {
        struct action_ctx c = {0};
        c.cfg = cfg;
        c.pool = pool_new();
        struct core_error e = {.status = rows[i].st,
                               .detail = "why",
                               .state = "Stable",
                               .members = 2,
                               .topic = "t",
                               .partition = 3,
                               .count = 7};
        enum reply_status st = action_core_failed(&c, "g", &e);
        assert_int_equal(reply_code(st), rows[i].code);
        const char *msg = reply_message(c.pool, &c.reply);
        if (rows[i].message)
            assert_string_equal(msg, rows[i].message);
        else
            assert_true(strstr(msg, "g") || strstr(msg, "audit"));
        pool_free(c.pool);
    }
    config_free(cfg);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(core_errors_map_to_codes),
    };
    return cmocka_run_group_tests_name("action", tests, NULL, NULL);
}
