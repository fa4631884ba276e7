/* Unit tests of http.c: request headers from FastCGI params in any case
 * (Content-Type and Content-Length without the HTTP_ prefix), and the path
 * from DOCUMENT_URI, REQUEST_URI or SCRIPT_NAME. */
#include "unit.h"

#include "common/http.h"
#include "common/pool.h"

static void headers(void **state)
{
    char e0[] = "HTTP_HOST=127.0.0.1:8080";
    char e1[] = "HTTP_X_ACS_DATE=2024-01-01T00:00:00Z";
    char e2[] = "HTTP_AUTHORIZATION=ACS3-HMAC-SHA256 x";
    char e3[] = "HTTP_X=short";
    char e4[] = "CONTENT_LENGTH=12";
    char e5[] = "QUERY_STRING=a=1";
    char *env[] = {e0, e1, e2, e3, e4, e5, NULL};
    struct http_request r = {.envp = env, .content_type = "text/plain"};
    (void)state;
    assert_string_equal(http_header(&r, "host"), "127.0.0.1:8080");
    assert_string_equal(http_header(&r, "X-Acs-Date"), "2024-01-01T00:00:00Z");
    assert_string_equal(http_header(&r, "authorization"), "ACS3-HMAC-SHA256 x");
    assert_string_equal(http_header(&r, "x"), "short");
    assert_string_equal(http_header(&r, "content-type"), "text/plain");
    assert_string_equal(http_header(&r, "Content-Length"), "12");
    assert_null(http_header(&r, "x-acs"));
    assert_null(http_header(&r, "query-string"));
    assert_null(http_header(&r, "x-acs-signature-nonce"));
    struct http_request none = {0};
    assert_null(http_header(&none, "host"));
}

static void paths(void **state)
{
    struct pool *p = pool_new();
    (void)state;
    assert_string_equal(http_path(p, "/v2/index.php", "/x?y", NULL),
                        "/v2/index.php");
    assert_string_equal(http_path(p, "", "/v2/index.php?a=1", NULL),
                        "/v2/index.php");
    assert_string_equal(http_path(p, NULL, NULL, "/v2/index.php"),
                        "/v2/index.php");
    assert_string_equal(http_path(p, NULL, "/?Action=X", NULL), "/");
    assert_string_equal(http_path(p, NULL, NULL, NULL), "");
    pool_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(headers),
        cmocka_unit_test(paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
