/* Unit tests of request.c: where parameters come from (GET query, POST
 * body, never both), the body limit, content types, path and Host. */
#include "unit.h"

#include "ckafka/request.h"
#include "common/config.h"
#include "common/http.h"
#include "common/pool.h"

#include <string.h>

static struct config *cfg;

static int setup(void **state)
{
    char err[256];
    (void)state;
    cfg = config_parse("max_body = 1k\nmax_value_length = 512\n"
                       "[instance a]\nbootstrap.servers = x\n"
                       "[key K]\nsecret = s\ninstances = a\n",
                       "t.conf", err, sizeof(err));
    return cfg ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    config_free(cfg);
    return 0;
}

static void get_reads_the_query(void **state)
{
    struct pool *p = pool_new();
    struct request req;
    struct reply r = {0};
    struct http_request raw = {.method = "GET",
                               .host = "127.0.0.1:8080",
                               .path = "/v2/index.php",
                               .query = "Action=A&x=%20",
                               .client = "10.0.0.1",
                               .body_announced = -1};
    (void)state;
    assert_int_equal(request_parse(p, &raw, cfg, &req, &r), REPLY_OK);
    assert_false(req.is_post);
    assert_string_equal(req.host, "127.0.0.1:8080");
    assert_string_equal(req.path, "/v2/index.php");
    assert_string_equal(req.client, "10.0.0.1");
    assert_string_equal(params_get(&req.params, "x"), " ");
    pool_free(p);
}

static void post_reads_the_body_only(void **state)
{
    struct pool *p = pool_new();
    struct request req;
    struct reply r = {0};
    const char *body = "Action=B&y=1";
    struct http_request raw = {.method = "POST",
                               .path = "/v2/index.php",
                               .query = "Action=A&z=1",
                               .content_type =
                                   "application/x-www-form-urlencoded; "
                                   "charset=UTF-8",
                               .body = body,
                               .body_len = strlen(body)};
    (void)state;
    assert_int_equal(request_parse(p, &raw, cfg, &req, &r), REPLY_OK);
    assert_true(req.is_post);
    assert_string_equal(params_get(&req.params, "Action"), "B");
    assert_null(params_get(&req.params, "z"));
    assert_string_equal(req.host, "");
    /* No Content-Type at all is still read as a form. */
    raw.content_type = NULL;
    assert_int_equal(request_parse(p, &raw, cfg, &req, &r), REPLY_OK);
    raw.content_type = "Application/X-WWW-Form-Urlencoded";
    assert_int_equal(request_parse(p, &raw, cfg, &req, &r), REPLY_OK);
    pool_free(p);
}

static void refusals(void **state)
{
    struct pool *p = pool_new();
    struct request req;
    struct reply r = {0};
    struct http_request raw = {.method = "PUT", .path = "/v2/index.php"};
    (void)state;
    assert_int_equal(request_parse(p, &raw, cfg, &req, &r),
                     REPLY_PARAM_INVALID);
    assert_non_null(strstr(r.detail, "PUT"));
    assert_string_equal(req.path, "/v2/index.php"); /* for the access log */

    raw = (struct http_request){
        .method = "POST", .path = "/v2/index.php", .body_too_large = true};
    assert_int_equal(request_parse(p, &raw, cfg, &req, &r),
                     REPLY_PARAM_INVALID);
    assert_non_null(strstr(r.detail, "1024 bytes"));

    raw = (struct http_request){.method = "POST",
                                .path = "/v2/index.php",
                                .content_type = "multipart/form-data; b=x",
                                .body = "",
                                .body_len = 0};
    assert_int_equal(request_parse(p, &raw, cfg, &req, &r),
                     REPLY_PARAM_INVALID);
    assert_non_null(strstr(r.detail, "multipart/form-data"));

    raw = (struct http_request){.method = "POST",
                                .path = "/v2/index.php",
                                .content_type = "application/json",
                                .body = "{}",
                                .body_len = 2};
    assert_int_equal(request_parse(p, &raw, cfg, &req, &r),
                     REPLY_PARAM_INVALID);

    raw = (struct http_request){
        .method = "GET", .path = "/v2/index.php", .query = "a=%"};
    assert_int_equal(request_parse(p, &raw, cfg, &req, &r),
                     REPLY_PARAM_INVALID);
    assert_non_null(strstr(r.detail, "parameter a"));
    pool_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(get_reads_the_query),
        cmocka_unit_test(post_reads_the_body_only),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests_name("request", tests, setup, teardown);
}
