/* Unit tests of the Huawei front end's signature: vectors D, E and F of
 * dialects.md, the canonical URI as the Python and the Node SDK encode a
 * path, the Authorization header and X-Sdk-Date. */
#include "unit.h"

#include "common/params.h"
#include "common/pool.h"
#include "common/util.h"
#include "huawei/aksk.h"
#include "huawei/answer.h"
#include "huawei/routes.h"

#include <stdlib.h>
#include <string.h>

static const struct params_limits lim = {100, 64, 4096, false};

struct hdrs {
    const char *const (*v)[2];
    size_t n;
};

static const char *lookup(void *arg, const char *name)
{
    const struct hdrs *h = arg;
    for (size_t i = 0; i < h->n; i++)
        if (strcmp(h->v[i][0], name) == 0)
            return h->v[i][1];
    return NULL;
}

static const char *sig(struct pool *p, const char *method, const char *path,
                       const char *query, const struct hdrs *h,
                       const char *signed_headers, const char *body,
                       const char *date, const char *sk, char **canonical)
{
    struct params q;
    char err[128], hash[CRYPTO_HEX_MAX];
    const char *missing;
    assert_int_equal(
        params_parse(p, query, strlen(query), &lim, &q, err, sizeof(err)), 0);
    crypto_sha256_hex(body, strlen(body), hash);
    char *uri = huawei_canonical_uri(p, path, true);
    assert_non_null(uri);
    *canonical = huawei_canonical(p, method, uri, &q, signed_headers, lookup,
                                  (void *)h, hash, &missing);
    assert_non_null(*canonical);
    char *out = pool_alloc(p, CRYPTO_HEX_MAX);
    huawei_sign(sk, huawei_string_to_sign(p, date, *canonical), out);
    return out;
}

/* Vector D: the documentation's GET example. */
static void vector_d(void **state)
{
    static const char *const v[][2] = {
        {"content-type", "application/json"},
        {"host", "service.region.example.com"},
        {"x-sdk-date", "20191115T033655Z"},
    };
    struct hdrs h = {v, 3};
    struct pool *p = pool_new();
    char *canon, hash[CRYPTO_HEX_MAX];
    (void)state;
    const char *s =
        sig(p, "GET", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs",
            "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0", &h,
            "content-type;host;x-sdk-date", "", "20191115T033655Z",
            "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc", &canon);
    crypto_sha256_hex(canon, strlen(canon), hash);
    assert_string_equal(
        hash,
        "b25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a");
    assert_string_equal(
        s, "7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe");
    pool_free(p);
}

/* Vector E: a v2 reset by POST, a group name with a space. */
static void vector_e(void **state)
{
    static const char *const v[][2] = {
        {"content-type", "application/json"},
        {"host", "127.0.0.1:8080"},
        {"x-project-id", "0123456789abcdef0123456789abcdef"},
        {"x-sdk-date", "20240101T000000Z"},
    };
    struct hdrs h = {v, 4};
    struct pool *p = pool_new();
    char *canon;
    (void)state;
    const char *s = sig(
        p, "POST",
        "/v2/0123456789abcdef0123456789abcdef/instances/11111111-2222-3333-"
        "4444-555555555555/management/groups/my%20group/reset-message-offset",
        "", &h, "content-type;host;x-project-id;x-sdk-date",
        "{\"topic\":\"test\",\"partition\":-1,\"timestamp\":1571812144000}",
        "20240101T000000Z", "HWSKTEST", &canon);
    assert_non_null(
        strstr(canon, "/groups/my%20group/reset-message-offset/\n"));
    assert_string_equal(
        s, "a916737c4ce6e45f8466278acfff04ea61917b12e3749fab368425a3ef1d60d7");
    pool_free(p);
}

/* Vector F: a GET with a query value holding a space, host and date only
 * signed. */
static void vector_f(void **state)
{
    static const char *const v[][2] = {
        {"host", "127.0.0.1:8080"},
        {"x-sdk-date", "20240101T000000Z"},
    };
    struct hdrs h = {v, 2};
    struct pool *p = pool_new();
    char *canon;
    (void)state;
    const char *s =
        sig(p, "GET", "/v2/kafka/pid/instances/iid/groups/g1/message-offset",
            "topic=t%201&partition=0&offset=0&limit=10", &h, "host;x-sdk-date",
            "", "20240101T000000Z", "HWSKTEST", &canon);
    assert_non_null(
        strstr(canon, "\nlimit=10&offset=0&partition=0&topic=t%201\n"));
    assert_string_equal(
        s, "25450121ffc262bc88ba2f27469315507f388f148c9fe1ec614069547b6d331f");
    pool_free(p);
}

static void canonical_uris(void **state)
{
    struct pool *p = pool_new();
    (void)state;
    /* Python: decode, then encode each segment. */
    assert_string_equal(
        huawei_canonical_uri(p, "/v2/x/groups/g%201/reset", true),
        "/v2/x/groups/g%201/reset/");
    /* Node: the escaped path encoded once more. */
    assert_string_equal(
        huawei_canonical_uri(p, "/v2/x/groups/g%201/reset", false),
        "/v2/x/groups/g%25201/reset/");
    /* ... but its non-ASCII characters are sent escaped and signed raw. */
    assert_string_equal(huawei_canonical_uri(p, "/g%20+%C3%BC%2b%zz", false),
                        "/g%2520%2B%C3%BC%252b%25zz/");
    assert_string_equal(huawei_canonical_uri(p, "/", true), "/");
    assert_string_equal(huawei_canonical_uri(p, "/a//b/", true), "/a/b/");
    assert_string_equal(huawei_canonical_uri(p, "/a b*", true), "/a%20b%2A/");
    assert_null(huawei_canonical_uri(p, "/a%2", true));
    assert_null(huawei_canonical_uri(p, "/a%zz/b", true));
    pool_free(p);
}

static void authorization_and_date(void **state)
{
    struct pool *p = pool_new();
    struct huawei_auth a;
    int64_t t;
    (void)state;
    assert_int_equal(huawei_parse_auth(p,
                                       "SDK-HMAC-SHA256 Access=HWAK, "
                                       "SignedHeaders=host;x-sdk-date, "
                                       "Signature=abc",
                                       &a),
                     0);
    assert_string_equal(a.access_key, "HWAK");
    assert_string_equal(a.signed_headers, "host;x-sdk-date");
    assert_string_equal(a.signature, "abc");
    assert_int_equal(huawei_parse_auth(p, "SDK-HMAC-SHA256 Access=HWAK", &a),
                     -1);
    assert_int_equal(
        huawei_parse_auth(p,
                          "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=h,"
                          "Signature=s",
                          &a),
        -1);
    assert_int_equal(huawei_parse_date("20240101T000000Z", &t), 0);
    assert_int_equal(t, 1704067200);
    assert_int_equal(huawei_parse_date("2024-01-01T00:00:00Z", &t), -1);
    assert_int_equal(huawei_parse_date("20241301T000000Z", &t), -1);
    assert_int_equal(huawei_parse_date("20240101T000000", &t), -1);
    pool_free(p);
}

static void routes(void **state)
{
    static const struct {
        const char *method, *path;
        enum huawei_op op;
        bool method_ok;
        const char *p, *i, *g;
    } rows[] = {
        {"POST",
         "/v1.0/pid/instances/iid/manage/groups/g1/reset-message-offset",
         HUAWEI_RESET_V1, true, "pid", "iid", "g1"},
        {"POST",
         "/v2/pid/instances/iid/management/groups/my%20group/"
         "reset-message-offset",
         HUAWEI_RESET_V2, true, "pid", "iid", "my group"},
        {"PUT", "/v2/kafka/pid/instances/iid/groups/g1/reset-message-offset",
         HUAWEI_RESET_ENGINE, true, "pid", "iid", "g1"},
        {"GET", "/v1.0/pid/instances/iid/manage/groups/g1", HUAWEI_DETAIL_V1,
         true, "pid", "iid", "g1"},
        {"GET", "/v2/pid/instances/iid/management/groups/g1/", HUAWEI_DETAIL_V2,
         true, "pid", "iid", "g1"},
        {"GET", "/v2/pid/instances/iid/groups/g1", HUAWEI_SUMMARY, true, "pid",
         "iid", "g1"},
        {"GET", "/v2/kafka/pid/instances/iid/groups/g1", HUAWEI_SUMMARY_ENGINE,
         true, "pid", "iid", "g1"},
        {"GET", "/v2/pid/instances/iid/groups", HUAWEI_LIST, true, "pid", "iid",
         NULL},
        {"GET", "/v2/kafka/pid/instances/iid/groups/g1/message-offset",
         HUAWEI_OFFSETS, true, "pid", "iid", "g1"},
        {"GET", "/v2/kafka/pid/instances/iid/groups/g1/topics", HUAWEI_TOPICS,
         true, "pid", "iid", "g1"},
        {"GET", "/v2/kafka/pid/instances/iid/groups/g1/members", HUAWEI_MEMBERS,
         true, "pid", "iid", "g1"},
        /* The shape of a route, another method. */
        {"GET",
         "/v2/pid/instances/iid/management/groups/g1/reset-message-offset",
         HUAWEI_RESET_V2, false, "pid", "iid", "g1"},
        {"DELETE", "/v2/pid/instances/iid/groups", HUAWEI_LIST, false, "pid",
         "iid", NULL},
        /* No route. */
        {"GET", "/v2/pid/instances/iid/groups/g1/extra", HUAWEI_NONE, false,
         NULL, NULL, NULL},
        {"GET", "/v2//instances/iid/groups", HUAWEI_NONE, false, NULL, NULL,
         NULL},
        {"GET", "/v2/pid/instances/iid/groups/g%2", HUAWEI_NONE, false, NULL,
         NULL, NULL},
        {"GET", "/v2/pid/instances/iid/groups/g%00", HUAWEI_NONE, false, NULL,
         NULL, NULL},
        {"GET", "/v3/pid/instances/iid/groups", HUAWEI_NONE, false, NULL, NULL,
         NULL},
    };
    struct pool *p = pool_new();
    (void)state;
    for (size_t k = 0; k < UTIL_ARRAY_LEN(rows); k++) {
        struct huawei_route r;
        huawei_route(p, rows[k].method, rows[k].path, &r);
        if (r.op != rows[k].op || r.method_ok != rows[k].method_ok)
            fail_msg("row %zu (%s %s): op %d ok %d", k, rows[k].method,
                     rows[k].path, (int)r.op, (int)r.method_ok);
        if (rows[k].op == HUAWEI_NONE)
            continue;
        assert_string_equal(r.project, rows[k].p);
        assert_string_equal(r.instance, rows[k].i);
        if (rows[k].g)
            assert_string_equal(r.group, rows[k].g);
        else
            assert_null(r.group);
    }
    assert_true(huawei_owns("/v1.0/x"));
    assert_true(huawei_owns("/v2/x/instances/y/groups"));
    assert_false(huawei_owns("/v2/index.php"));
    assert_false(huawei_owns("/v2/other.php"));
    assert_false(huawei_owns("/v2//x"));
    assert_true(huawei_owns("/v2/index.php/x"));
    assert_false(huawei_owns("/"));
    pool_free(p);
}

/* Every status has a code of its family and a status that matches it;
 * errors render {"error_code","error_msg"}, success its data or nothing. */
static void answers(void **state)
{
    struct pool *p = pool_new();
    struct huawei_reply r = {0};
    size_t len;
    (void)state;
    for (int st = 1; st < HUAWEI__COUNT; st++) {
        huawei_fail(&r, p, (enum huawei_status)st, "(x)");
        int http = huawei_http_status(&r);
        const char *code = huawei_code((enum huawei_status)st);
        assert_true(http >= 400 && http < 600);
        assert_true(strncmp(code, "APIGW.", 6) == 0 ||
                    strncmp(code, "DMS.", 4) == 0);
        if (code[0] == 'D') /* DMS.00SSSnnn: the HTTP status inside */
            assert_int_equal(atoi(code + 6) / 1000, http);
        const char *body = huawei_render(p, &r, &len);
        assert_non_null(strstr(body, "\"error_code\":\""));
        assert_non_null(strstr(body, " (x)\"}"));
    }
    huawei_fail(&r, p, HUAWEI_GROUP_ACTIVE, "(g)");
    assert_int_equal(huawei_http_status(&r), 400);
    assert_string_equal(huawei_code(HUAWEI_AUTH), "APIGW.0301");
    huawei_ok(&r, NULL);
    assert_int_equal(huawei_http_status(&r), 204);
    assert_null(huawei_render(p, &r, &len));
    assert_int_equal(len, 0);
    huawei_ok(&r, json_object_new_object());
    assert_int_equal(huawei_http_status(&r), 200);
    assert_string_equal(huawei_render(p, &r, &len), "{}");
    huawei_clear(&r);
    pool_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vector_d),
        cmocka_unit_test(vector_e),
        cmocka_unit_test(vector_f),
        cmocka_unit_test(canonical_uris),
        cmocka_unit_test(authorization_and_date),
        cmocka_unit_test(routes),
        cmocka_unit_test(answers),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
