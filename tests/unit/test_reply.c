/* Unit tests of reply.c: the error table, the envelopes byte for byte, and
 * the Kafka error texts against kafka-errors.tsv. */
#include "unit.h"

#include "ckafka/reply.h"
#include "common/log.h"
#include "common/pool.h"
#include "common/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void codes_and_descriptions(void **state)
{
    static const struct {
        enum reply_status st;
        int code;
        const char *desc;
    } rows[] = {
        {REPLY_OK, 0, "Success"},
        {REPLY_PARAM_MISSING, 4000, "InvalidParameter"},
        {REPLY_PARAM_INVALID, 4000, "InvalidParameter"},
        {REPLY_ACTION_UNKNOWN, 4000, "InvalidParameter"},
        {REPLY_TOPIC_UNKNOWN, 4000, "InvalidParameter"},
        {REPLY_GROUP_NOT_EMPTY, 4000, "InvalidParameter"},
        {REPLY_AUTH_FAILURE, 4100, "AuthFailure"},
        {REPLY_UNAUTHORIZED, 4102, "UnauthorizedOperation"},
        {REPLY_LIMIT, 4400, "RequestLimitExceeded"},
        {REPLY_REPLAY, 4500, "InvalidParameter.Replay"},
        {REPLY_INSTANCE_UNKNOWN, 5000, "ResourceNotFound"},
        {REPLY_KAFKA, 5100, "FailedOperation"},
        {REPLY_STORE, 5100, "FailedOperation"},
        {REPLY_INTERNAL, 6000, "InternalError"},
    };
    (void)state;
    assert_int_equal(UTIL_ARRAY_LEN(rows), REPLY__COUNT);
    for (size_t i = 0; i < UTIL_ARRAY_LEN(rows); i++) {
        assert_int_equal(reply_code(rows[i].st), rows[i].code);
        assert_string_equal(reply_code_desc(rows[i].st), rows[i].desc);
    }
}

static const char *render(struct pool *p, struct reply *r)
{
    size_t n;
    const char *s = reply_render(p, r, &n);
    assert_int_equal(strlen(s), n);
    return s;
}

static void error_envelopes(void **state)
{
    struct pool *p = pool_new();
    struct reply r = {0};
    (void)state;
    reply_fail(&r, p, REPLY_PARAM_MISSING, "missing parameter: %s", "group");
    assert_string_equal(
        render(p, &r), "{\"code\":4000,\"message\":\"(9003)missing "
                       "parameter: group\",\"codeDesc\":\"InvalidParameter\"}");
    reply_fail(&r, p, REPLY_ACTION_UNKNOWN, "%s", "");
    assert_string_equal(render(p, &r),
                        "{\"code\":4000,\"message\":\"(9001)interface not "
                        "exist\",\"codeDesc\":\"InvalidParameter\"}");
    reply_fail(&r, p, REPLY_TOPIC_UNKNOWN, "%s", "t1, t2");
    assert_string_equal(reply_message(p, &r), "(10012)topic not exist: t1, t2");
    reply_fail(&r, p, REPLY_INSTANCE_UNKNOWN, "%s", "");
    assert_string_equal(reply_message(p, &r), "(10006)instance not exist");
    reply_fail(&r, p, REPLY_GROUP_NOT_EMPTY, "group g is %s", "Stable");
    assert_string_equal(reply_message(p, &r),
                        "(1049)消费分组不为空，不能进行消费重置: group g is "
                        "Stable");
    reply_fail(&r, p, REPLY_AUTH_FAILURE, "bad \"quote\" / slash");
    assert_string_equal(render(p, &r),
                        "{\"code\":4100,\"message\":\"bad \\\"quote\\\" / "
                        "slash\",\"codeDesc\":\"AuthFailure\"}");
    /* The msg spelling is for SetGroupOffset's success only. */
    r.msg_key = true;
    reply_fail(&r, p, REPLY_KAFKA, "x");
    assert_non_null(strstr(render(p, &r), "\"message\":\"x\""));
    pool_free(p);
}

static void success_envelopes(void **state)
{
    struct pool *p = pool_new();
    struct reply r = {0};
    (void)state;
    json_object *d = json_object_new_object();
    json_object_object_add(d, "big", json_object_new_int64(INT64_MAX));
    reply_ok(&r, d);
    assert_string_equal(render(p, &r),
                        "{\"code\":0,\"message\":\"\",\"codeDesc\":"
                        "\"Success\",\"data\":{\"big\":9223372036854775807}}");
    r.msg_key = true;
    assert_string_equal(render(p, &r),
                        "{\"code\":0,\"msg\":\"\",\"codeDesc\":\"Success\","
                        "\"data\":{\"big\":9223372036854775807}}");
    /* Rendering twice works: the data stays owned by the reply. */
    assert_non_null(render(p, &r));
    reply_clear(&r);
    assert_null(r.data);
    /* An error replaces and frees any data. */
    reply_ok(&r, json_object_new_object());
    reply_fail(&r, p, REPLY_INTERNAL, "boom");
    assert_null(r.data);
    assert_null(strstr(render(p, &r), "data"));
    pool_free(p);
}

static void kafka_error_texts_match_the_table(void **state)
{
    FILE *f = fopen(TEST_DATA_DIR "/kafka-errors.tsv", "r");
    char line[1024];
    int rows = 0;
    (void)state;
    assert_non_null(f);
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '#' || strncmp(line, "code\t", 5) == 0)
            continue;
        char *t1 = strchr(line, '\t');
        char *t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
        assert_non_null(t2);
        const char *msg = reply_kafka_error_msg(atoi(line));
        if (!msg || strcmp(msg, t2 + 1) != 0)
            fail_msg("code %d: '%s' != '%s'", atoi(line), msg ? msg : "NULL",
                     t2 + 1);
        rows++;
    }
    fclose(f);
    assert_true(rows >= 28);
    assert_null(reply_kafka_error_msg(9999));
}

/* bug-invalid-utf8-in-json: whatever bytes a message or a value holds, the
 * answer is valid UTF-8 JSON that a strict parser reads back. */
static void answers_are_valid_utf8_over_arbitrary_bytes(void **state)
{
    struct pool *pool = pool_new();
    unsigned seed = 12345;
    (void)state;
    for (int round = 0; round < 20000; round++) {
        unsigned char raw[64];
        size_t n = (size_t)(rand_r(&seed) % sizeof(raw));
        for (size_t i = 0; i < n; i++)
            raw[i] = (unsigned char)(rand_r(&seed) % 256);
        char *v = pool_strndup(pool, (const char *)raw, n);
        struct reply r = {0};
        size_t len;
        if (round & 1) {
            reply_fail(&r, pool, REPLY_PARAM_INVALID, "got '%.*s'",
                       util_utf8_cut(v, 40), v);
        } else {
            json_object *d = json_object_new_object();
            json_object_object_add(d, "v", json_object_new_string(v));
            reply_ok(&r, d);
        }
        const char *out = reply_render(pool, &r, &len);
        assert_int_equal(strlen(out), len);
        assert_true(util_utf8_valid(out, len));
        json_object *back = json_tokener_parse(out);
        assert_non_null(back);
        json_object_put(back);
        reply_clear(&r);
        pool_reset(pool);
    }
    pool_free(pool);
}

static void echoes_are_cut_on_character_boundaries(void **state)
{
    (void)state;
    /* "aaa\xc3\xa9": a cut at 4 bytes would split the e-acute. */
    assert_int_equal(util_utf8_cut("aaa\xc3\xa9", 4), 3);
    assert_int_equal(util_utf8_cut("aaa\xc3\xa9", 5), 5);
    assert_int_equal(util_utf8_cut("abc", 40), 3);
    assert_int_equal(util_utf8_cut("\xe6\xb6\x88x", 2), 0);
    char out[16];
    size_t n = util_utf8_repair(out,
                                "a\xff"
                                "b\xc3",
                                4);
    assert_int_equal(n, 8);
    assert_memory_equal(out,
                        "a\xef\xbf\xbd"
                        "b\xef\xbf\xbd",
                        8);
}

/* bug-log-injection: a value with a newline cannot forge a log line. */
static void log_values_are_escaped(void **state)
{
    static const struct {
        const char *in, *out;
    } rows[] = {
        {"plain group-1", "plain group-1"},
        {"g\n2026-01-01T00:00:00.000Z [error] 1 master: forged",
         "g\\n2026-01-01T00:00:00.000Z [error] 1 master: forged"},
        {"a\rb\tc", "a\\rb\\tc"},
        {"q\"uote\\", "q\\\"uote\\\\"},
        {"\x01\x7f\xff", "\\x01\\x7f\\xff"},
        {"\xe6\xb6\x88", "\xe6\xb6\x88"},
    };
    (void)state;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(rows); i++) {
        char out[256];
        size_t n = log_escape(out, sizeof(out), rows[i].in, strlen(rows[i].in));
        out[n] = '\0';
        assert_string_equal(out, rows[i].out);
        assert_null(memchr(out, '\n', n));
    }
    char small[5];
    /* Never a cut escape: "\\n" does not fit after "abcd". */
    assert_int_equal(log_escape(small, sizeof(small), "abcd\n", 5), 4);
}

static void top_level_envelope(void **state)
{
    struct pool *p = pool_new();
    struct reply r = {0};
    (void)state;
    json_object *d = json_object_new_object();
    json_object_object_add(d, "totalCount", json_object_new_int(1));
    json_object_object_add(d, "topicList", json_object_new_array());
    reply_ok_top(&r, d);
    /* Tencent's topic and instance actions: the fields beside code, and
     * "message":"ok". */
    assert_string_equal(render(p, &r),
                        "{\"code\":0,\"message\":\"ok\",\"codeDesc\":"
                        "\"Success\",\"totalCount\":1,\"topicList\":[]}");
    /* An error is the usual envelope, and a later reply_ok nests again. */
    reply_fail(&r, p, REPLY_TOPIC_UNKNOWN, "%s", "t");
    assert_string_equal(render(p, &r),
                        "{\"code\":4000,\"message\":\"(10012)topic not "
                        "exist: t\",\"codeDesc\":\"InvalidParameter\"}");
    reply_ok(&r, json_object_new_object());
    assert_string_equal(render(p, &r), "{\"code\":0,\"message\":\"\","
                                       "\"codeDesc\":\"Success\",\"data\":{}}");
    reply_clear(&r);
    pool_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes_and_descriptions),
        cmocka_unit_test(error_envelopes),
        cmocka_unit_test(success_envelopes),
        cmocka_unit_test(top_level_envelope),
        cmocka_unit_test(kafka_error_texts_match_the_table),
        cmocka_unit_test(answers_are_valid_utf8_over_arbitrary_bytes),
        cmocka_unit_test(echoes_are_cut_on_character_boundaries),
        cmocka_unit_test(log_values_are_escaped),
    };
    return cmocka_run_group_tests_name("reply", tests, NULL, NULL);
}
