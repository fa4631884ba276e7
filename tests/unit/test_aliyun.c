/* Unit tests of the Aliyun front end's pure parts: the RPC v1 and V3
 * signatures against vectors A, B and C of dialects.md, the Authorization
 * header, ISO 8601 times, percent-encoding, and the envelope in JSON and
 * XML with its table of codes and statuses. */
#include "unit.h"

#include "aliyun/envelope.h"
#include "aliyun/sign.h"
#include "common/canon.h"
#include "common/params.h"
#include "common/pool.h"
#include "common/util.h"

#include <string.h>

static const struct params_limits lim = {100, 64, 4096, false};

static struct params parse(struct pool *p, const char *q)
{
    struct params out;
    char err[256];
    assert_int_equal(
        params_parse(p, q, strlen(q), &lim, &out, err, sizeof(err)), 0);
    return out;
}

static void encode_rfc3986(void **state)
{
    struct pool *p = pool_new();
    (void)state;
    const char *s = "g 1*~/+=&%\xe4\xb8\xad!'()-_.";
    assert_string_equal(canon_encode(p, s, strlen(s)),
                        "g%201%2A~%2F%2B%3D%26%25%E4%B8%AD%21%27%28%29-_.");
    pool_free(p);
}

/* Vector A: the documentation's DescribeRegions example. */
static void v1_vector_a(void **state)
{
    struct pool *p = pool_new();
    (void)state;
    struct params q =
        parse(p, "AccessKeyId=testid&Action=DescribeRegions&Format=XML"
                 "&SignatureMethod=HMAC-SHA1"
                 "&SignatureNonce=3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"
                 "&SignatureVersion=1.0&TimeStamp=2016-02-23T12%3A46%3A24Z"
                 "&Version=2014-05-26&Signature=ignored");
    const char *sts = aliyun_v1_string_to_sign(p, "GET", &q);
    assert_string_equal(
        sts, "GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26"
             "Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%"
             "3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1."
             "0%26TimeStamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-"
             "05-26");
    char sig[CRYPTO_B64_MAX];
    aliyun_v1_sign("testsecret", sts, sig);
    assert_string_equal(sig, "CT9X0VtwR86fNWSnsc6v8YGOjuE=");
    pool_free(p);
}

/* Vector B: UpdateConsumerOffset by POST, a group name with a space, '*'
 * and '~', and the Offsets JSON. */
static void v1_vector_b(void **state)
{
    struct pool *p = pool_new();
    (void)state;
    struct params q = parse(
        p, "AccessKeyId=testid&Action=UpdateConsumerOffset"
           "&ConsumerId=kafka%20test%2A~&Format=JSON"
           "&InstanceId=alikafka_post-cn-mp91inkw0001"
           "&Offsets=%5B%7B%22Offset%22%3A5%2C%22Partition%22%3A0%7D%2C%7B%"
           "22Offset%22%3A7%2C%22Partition%22%3A1%7D%5D"
           "&RegionId=cn-hangzhou&ResetType=offset&SignatureMethod=HMAC-SHA1"
           "&SignatureNonce=0f4b0c3e-1111-2222-3333-444455556666"
           "&SignatureVersion=1.0&Time=-1&Timestamp=2024-01-01T00%3A00%3A00Z"
           "&Topic=topic_name&Version=2019-09-16");
    const char *sts = aliyun_v1_string_to_sign(p, "POST", &q);
    assert_string_equal(
        sts,
        "POST&%2F&AccessKeyId%3Dtestid%26Action%3DUpdateConsumerOffset%26"
        "ConsumerId%3Dkafka%2520test%252A~%26Format%3DJSON%26InstanceId%3Dal"
        "ikafka_post-cn-mp91inkw0001%26Offsets%3D%255B%257B%2522Offset%2522%"
        "253A5%252C%2522Partition%2522%253A0%257D%252C%257B%2522Offset%2522%"
        "253A7%252C%2522Partition%2522%253A1%257D%255D%26RegionId%3Dcn-hangzh"
        "ou%26ResetType%3Doffset%26SignatureMethod%3DHMAC-SHA1%26SignatureNo"
        "nce%3D0f4b0c3e-1111-2222-3333-444455556666%26SignatureVersion%3D1.0"
        "%26Time%3D-1%26Timestamp%3D2024-01-01T00%253A00%253A00Z%26Topic%3Dto"
        "pic_name%26Version%3D2019-09-16");
    char sig[CRYPTO_B64_MAX];
    aliyun_v1_sign("testsecret", sts, sig);
    assert_string_equal(sig, "8Im0JqIeSanaH1QGl19rQps65Bo=");
    /* Any change to a value changes the signature. */
    struct params q2 = parse(p, "AccessKeyId=testid&Topic=topic_name2");
    aliyun_v1_sign("testsecret", aliyun_v1_string_to_sign(p, "POST", &q2), sig);
    assert_string_not_equal(sig, "8Im0JqIeSanaH1QGl19rQps65Bo=");
    pool_free(p);
}

static const char *vector_c_header(void *arg, const char *name)
{
    static const char *const h[][2] = {
        {"host", "alikafka.cn-hangzhou.aliyuncs.com"},
        {"x-acs-action", "GetConsumerProgress"},
        {"x-acs-version", "2019-09-16"},
        {"x-acs-date", "2024-01-01T00:00:00Z"},
        {"x-acs-signature-nonce", "d410180a5abf7fe235dd9b74aca91fc0"},
        {"x-acs-content-sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649"
                                 "b934ca495991b7852b855"},
    };
    (void)arg;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(h); i++)
        if (strcmp(h[i][0], name) == 0)
            return h[i][1];
    return NULL;
}

/* Vector C: V3 ACS3-HMAC-SHA256, GetConsumerProgress by POST. */
static void v3_vector_c(void **state)
{
    struct pool *p = pool_new();
    const char *missing;
    (void)state;
    struct params q = parse(p, "ConsumerId=kafka%20test&InstanceId=alikafka_x"
                               "&RegionId=cn-hangzhou");
    const char *signed_headers = "host;x-acs-action;x-acs-content-sha256;"
                                 "x-acs-date;x-acs-signature-nonce;"
                                 "x-acs-version";
    const char *hash =
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const char *canon =
        aliyun_v3_canonical(p, "POST", "/", &q, signed_headers, vector_c_header,
                            NULL, hash, &missing);
    assert_non_null(canon);
    assert_non_null(strstr(canon, "POST\n/\nConsumerId=kafka%20test&"
                                  "InstanceId=alikafka_x&RegionId=cn-hangzhou"
                                  "\nhost:alikafka.cn-hangzhou.aliyuncs.com\n"
                                  "x-acs-action:GetConsumerProgress\n"));
    char sig[CRYPTO_HEX_MAX];
    aliyun_v3_sign("testsecret", aliyun_v3_string_to_sign(p, canon), sig);
    assert_string_equal(
        sig,
        "a81a4b0460c7d39d56335d16b91aeb912c477b7e1945962fa84bc0aef4b5b331");
    /* A signed header the request lacks. */
    assert_null(aliyun_v3_canonical(p, "POST", "/", &q, "host;x-acs-missing",
                                    vector_c_header, NULL, hash, &missing));
    assert_string_equal(missing, "x-acs-missing");
    assert_null(aliyun_v3_canonical(p, "POST", "/", &q, "", vector_c_header,
                                    NULL, hash, &missing));
    pool_free(p);
}

static void v3_authorization(void **state)
{
    struct pool *p = pool_new();
    struct aliyun_v3_auth a;
    (void)state;
    assert_int_equal(aliyun_v3_parse(p,
                                     "ACS3-HMAC-SHA256 Credential=AK1,"
                                     "SignedHeaders=host;x-acs-date,"
                                     "Signature=abc",
                                     &a),
                     0);
    assert_string_equal(a.access_key, "AK1");
    assert_string_equal(a.signed_headers, "host;x-acs-date");
    assert_string_equal(a.signature, "abc");
    assert_int_equal(aliyun_v3_parse(p,
                                     "ACS3-HMAC-SHA256 Credential=AK1, "
                                     "SignedHeaders=host , Signature=abc",
                                     &a),
                     0);
    assert_string_equal(a.signed_headers, "host");
    static const char *const bad[] = {
        "",
        "ACS3-HMAC-SHA256",
        "ACS3-HMAC-SHA1 Credential=a,SignedHeaders=h,Signature=s",
        "ACS3-HMAC-SHA256 Credential=,SignedHeaders=h,Signature=s",
        "ACS3-HMAC-SHA256 Credential=a,Signature=s",
        "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=h",
        "SDK-HMAC-SHA256 Access=a, SignedHeaders=h, Signature=s",
    };
    for (size_t i = 0; i < UTIL_ARRAY_LEN(bad); i++)
        assert_int_equal(aliyun_v3_parse(p, bad[i], &a), -1);
    pool_free(p);
}

static void iso_times(void **state)
{
    int64_t t;
    (void)state;
    assert_int_equal(aliyun_parse_time("2024-01-01T00:00:00Z", &t), 0);
    assert_int_equal(t, 1704067200);
    assert_int_equal(aliyun_parse_time("2016-02-23T12:46:24Z", &t), 0);
    assert_int_equal(t, 1456231584);
    assert_int_equal(aliyun_parse_time("2024-01-01T00:00:00.123Z", &t), 0);
    assert_int_equal(t, 1704067200);
    static const char *const bad[] = {
        "",
        "2024-01-01",
        "2024-01-01T00:00:00",
        "2024-01-01T00:00:00+08:00",
        "2024-13-01T00:00:00Z",
        "2024-01-01 00:00:00Z",
        "1704067200",
        "2024-01-01T00:00:00.Z",
        "2024-01-01T24:00:00Z",
    };
    for (size_t i = 0; i < UTIL_ARRAY_LEN(bad); i++)
        assert_int_equal(aliyun_parse_time(bad[i], &t), -1);
}

static void codes_and_statuses(void **state)
{
    static const struct {
        enum aliyun_status st;
        const char *param;
        int http;
        const char *code;
    } rows[] = {
        {ALIYUN_OK, NULL, 200, "200"},
        {ALIYUN_MISSING, "ConsumerId", 400, "MissingConsumerId"},
        {ALIYUN_INVALID, "Offsets", 400, "InvalidOffsets"},
        {ALIYUN_METHOD, NULL, 400, "UnsupportedHTTPMethod"},
        {ALIYUN_API_NOT_FOUND, NULL, 404, "InvalidApi.NotFound"},
        {ALIYUN_INCOMPLETE, NULL, 400, "IncompleteSignature"},
        {ALIYUN_SIGNATURE, NULL, 400, "SignatureDoesNotMatch"},
        {ALIYUN_AK_NOT_FOUND, NULL, 404, "InvalidAccessKeyId.NotFound"},
        {ALIYUN_TS_FORMAT, NULL, 400, "InvalidTimeStamp.Format"},
        {ALIYUN_TS_EXPIRED, NULL, 400, "InvalidTimeStamp.Expired"},
        {ALIYUN_NONCE_USED, NULL, 400, "SignatureNonceUsed"},
        {ALIYUN_FORBIDDEN, NULL, 403, "Forbidden.RAM"},
        {ALIYUN_INSTANCE_UNKNOWN, NULL, 404, "InvalidInstanceId.NotFound"},
        {ALIYUN_TOPIC_UNKNOWN, NULL, 404, "InvalidTopic.NotFound"},
        {ALIYUN_GROUP_UNKNOWN, NULL, 404, "InvalidConsumerId.NotFound"},
        {ALIYUN_GROUP_ACTIVE, NULL, 400, "ConsumerGroup.Active"},
        {ALIYUN_BUSY, NULL, 409, "ConsumerGroup.Busy"},
        {ALIYUN_THROTTLED, NULL, 400, "Throttling.User"},
        {ALIYUN_UNAVAILABLE, NULL, 503, "ServiceUnavailable"},
        {ALIYUN_INTERNAL, NULL, 500, "InternalError"},
    };
    struct pool *p = pool_new();
    (void)state;
    assert_int_equal(UTIL_ARRAY_LEN(rows), ALIYUN__COUNT);
    for (size_t i = 0; i < UTIL_ARRAY_LEN(rows); i++) {
        struct aliyun_reply r = {.status = rows[i].st, .param = rows[i].param};
        assert_int_equal(aliyun_http_status(rows[i].st), rows[i].http);
        assert_string_equal(aliyun_code(p, &r), rows[i].code);
    }
    struct aliyun_reply r = {0};
    aliyun_fail(&r, p, ALIYUN_MISSING, "Topic", NULL);
    assert_string_equal(aliyun_message(p, &r),
                        "Topic is mandatory for this action.");
    aliyun_fail(&r, p, ALIYUN_INVALID, "Time", "(%s)", "x");
    assert_string_equal(aliyun_message(p, &r),
                        "Specified parameter Time is not valid. (x)");
    /* The old Python SDK reads its string to sign after the ':'. */
    aliyun_fail(&r, p, ALIYUN_SIGNATURE, NULL, "server string to sign is:%s",
                "POST&%2F&A%3D1");
    assert_string_equal(aliyun_message(p, &r),
                        "Specified signature is not matched with our "
                        "calculation. server string to sign is:POST&%2F&A%3D1");
    pool_free(p);
}

static void envelopes(void **state)
{
    struct pool *p = pool_new();
    struct aliyun_reply r = {0};
    size_t len;
    (void)state;

    aliyun_ok(&r, NULL, "operation success");
    assert_string_equal(
        aliyun_render(p, &r, false, "UpdateConsumerOffset", "RID", "h", &len),
        "{\"RequestId\":\"RID\",\"Success\":true,\"Code\":200,"
        "\"Message\":\"operation success\"}");

    json_object *data = json_object_new_object();
    json_object *list = json_object_new_array();
    json_object *t1 = json_object_new_object();
    json_object_object_add(t1, "Topic", json_object_new_string("a<&>'\""));
    json_object_object_add(t1, "N", json_object_new_int(1));
    json_object_array_add(list, t1);
    json_object *t2 = json_object_new_object();
    json_object_object_add(t2, "Topic", json_object_new_string("b\x01\xff"));
    json_object_object_add(t2, "N", json_object_new_int(2));
    json_object_array_add(list, t2);
    json_object *wrap = json_object_new_object();
    json_object_object_add(wrap, "TopicList", list);
    json_object_object_add(data, "TopicList", wrap);
    json_object_object_add(data, "Ok", json_object_new_boolean(1));
    aliyun_ok(&r, data, "operation success.");
    assert_string_equal(
        aliyun_render(p, &r, true, "GetConsumerProgress", "RID", "h", &len),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><GetConsumerProgressRespons"
        "e><RequestId>RID</RequestId><Success>true</Success><Code>200</Code><M"
        "essage>operation success.</Message><TopicList><TopicList><Topic>a&lt;"
        "&amp;&gt;&apos;&quot;</Topic><N>1</N></TopicList><TopicList><Topic>b"
        "\xEF\xBF\xBD\xEF\xBF\xBD</Topic><N>2</N></TopicList></TopicList><Ok>t"
        "rue</Ok></GetConsumerProgressResponse>");
    assert_int_equal(len,
                     strlen(aliyun_render(p, &r, true, "X", "R", "h", &len)));

    aliyun_fail(&r, p, ALIYUN_AK_NOT_FOUND, NULL, NULL);
    assert_null(r.data);
    assert_string_equal(
        aliyun_render(p, &r, false, "GetConsumerList", "RID", "host:1", &len),
        "{\"RequestId\":\"RID\",\"HostId\":\"host:1\",\"Code\":\"InvalidAccess"
        "KeyId.NotFound\",\"Message\":\"Specified access key is not found.\","
        "\"Success\":false}");
    assert_string_equal(
        aliyun_render(p, &r, true, "GetConsumerList", "RID", "h", &len),
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><RequestId>RID</Requ"
        "estId><HostId>h</HostId><Code>InvalidAccessKeyId.NotFound</Code><Mess"
        "age>Specified access key is not found.</Message><Success>false</Succe"
        "ss></Error>");
    aliyun_clear(&r);
    pool_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(encode_rfc3986),     cmocka_unit_test(v1_vector_a),
        cmocka_unit_test(v1_vector_b),        cmocka_unit_test(v3_vector_c),
        cmocka_unit_test(v3_authorization),   cmocka_unit_test(iso_times),
        cmocka_unit_test(codes_and_statuses), cmocka_unit_test(envelopes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
