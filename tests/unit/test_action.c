/* Unit tests of the CKafka front end's side of the core: every core error
 * becomes one reply status (code) with its wording, and none is left
 * unmapped. */
#include "unit.h"

#include "ckafka/action.h"
#include "common/config.h"
#include "common/params.h"
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

/* action_names over a query: the status, and the message or the values
 * joined with ','. */
static const char *names(struct pool *p, const char *query, bool bare,
                         size_t max, enum reply_status *st)
{
    struct params_limits lim = {100, 100, 100, true};
    struct params params;
    char err[256];
    assert_int_equal(
        params_parse(p, query, strlen(query), &lim, &params, err, sizeof(err)),
        0);
    struct action_ctx c = {0};
    c.pool = p;
    c.params = &params;
    const char **v;
    size_t n;
    *st = action_names(&c, "group", bare, max, "at most 3", &v, &n);
    if (*st)
        return reply_message(p, &c.reply);
    char *out = pool_strdup(p, "");
    for (size_t i = 0; i < n; i++)
        out = pool_printf(p, "%s%s%s", out, i ? "," : "", v[i]);
    assert_null(v[n]);
    return out;
}

static void names_arrays_and_bare(void **state)
{
    struct pool *p = pool_new();
    enum reply_status st;
    (void)state;
    /* Request order, duplicates dropped. */
    assert_string_equal(names(p, "group.1=b&group.0=a&group.2=a", true, 3, &st),
                        "a,b");
    assert_int_equal(st, REPLY_OK);
    assert_string_equal(names(p, "group=solo", true, 3, &st), "solo");
    assert_string_equal(names(p, "x=1", true, 3, &st), "");
    assert_int_equal(st, REPLY_OK);
    /* Refusals, each naming the parameter. */
    assert_string_equal(names(p, "group=a&group.0=b", true, 3, &st),
                        "(1000)give either group or group.0, group.1, ..., "
                        "not both");
    assert_string_equal(names(p, "group=", true, 3, &st),
                        "(1000)parameter group is empty");
    assert_string_equal(names(p, "group.0=", true, 3, &st),
                        "(1000)array element group.0 is empty");
    assert_string_equal(
        names(p, "group.0=a&group.1=b&group.2=c&group.3=d", true, 3, &st),
        "(1000)too many group: 4 (at most 3)");
    /* Without bare, a lone name is not an array. */
    names(p, "group=a", false, 3, &st);
    assert_int_equal(st, REPLY_PARAM_INVALID);
    pool_free(p);
}

static void pages_and_filters(void **state)
{
    size_t first, n;
    (void)state;
    struct action_page pg = {0, 20};
    action_page_slice(&pg, 45, &first, &n);
    assert_true(first == 0 && n == 20);
    pg.offset = 40;
    action_page_slice(&pg, 45, &first, &n);
    assert_true(first == 40 && n == 5);
    pg.offset = 45;
    action_page_slice(&pg, 45, &first, &n);
    assert_true(first == 45 && n == 0);
    pg.offset = INT64_MAX;
    action_page_slice(&pg, 45, &first, &n);
    assert_true(first == 45 && n == 0);
    assert_true(action_matches("orders-eu", NULL));
    assert_true(action_matches("orders-eu", "rs-e"));
    assert_false(action_matches("orders-eu", "us"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(core_errors_map_to_codes),
        cmocka_unit_test(names_arrays_and_bare),
        cmocka_unit_test(pages_and_filters),
    };
    return cmocka_run_group_tests_name("action", tests, NULL, NULL);
}
