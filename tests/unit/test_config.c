/* Unit tests of config.c: a full valid file, defaults, every kind of value,
 * and each refusal naming its line and key. */
#include "unit.h"

#include "common/config.h"
#include "common/log.h"
#include "common/util.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define BASE                                                                   \
    "[instance a]\n"                                                           \
    "bootstrap.servers = 127.0.0.1:9092\n"                                     \
    "[key K1]\n"                                                               \
    "secret = s\n"                                                             \
    "instances = a\n"

static void full_file(void **state)
{
    char err[512];
    (void)state;
    struct config *c =
        config_parse("# comment\n"
                     "; another\n"
                     "listen = /run/x.sock\n"
                     "listen_mode = 0600\n"
                     "workers = 8\n"
                     "max_requests = 1000\n"
                     "kafka_timeout = 250ms\n"
                     "request_timeout = 2m\n"
                     "signature_window = 60s\n"
                     "max_body = 1m\n"
                     "audit_fsync = off\n"
                     "log_level = debug\n"
                     "status_allow = 10.0.0.0/8, ::1 192.168.1.5\n"
                     "\n"
                     "[instance prod]\n"
                     "bootstrap.servers = k1:9092,k2:9092\n"
                     "security.protocol = SASL_SSL\n"
                     "sasl.password = \" spaced # not a comment \"\n"
                     "[instance test]\n"
                     "bootstrap.servers = t:9092\n"
                     "[key AKIDa]\n"
                     "secret = abc=def#ghi\n"
                     "instances = prod, test\n"
                     "[key AKIDb]\n"
                     "secret = x\n"
                     "instances = *\n",
                     "t.conf", err, sizeof(err));
    if (!c)
        fail_msg("%s", err);
    assert_string_equal(c->listen, "/run/x.sock");
    assert_int_equal(c->listen_mode, 0600);
    assert_int_equal(c->workers, 8);
    assert_int_equal(c->max_requests, 1000);
    assert_int_equal(c->kafka_timeout_ms, 250);
    assert_int_equal(c->request_timeout_ms, 120000);
    assert_int_equal(c->signature_window_s, 60);
    assert_int_equal(c->max_body, 1024 * 1024);
    assert_false(c->audit_fsync);
    assert_int_equal(c->log_level, LOG_LEVEL_DEBUG);
    assert_int_equal(c->ninstances, 2);
    const struct config_instance *in = config_instance(c, "prod");
    assert_non_null(in);
    assert_int_equal(in->nprops, 3);
    assert_string_equal(in->props[2].value, " spaced # not a comment ");
    const struct config_key *k = config_key(c, "AKIDa");
    assert_string_equal(k->secret_key, "abc=def#ghi");
    assert_true(config_key_allows(k, "prod"));
    assert_true(config_key_allows(k, "test"));
    assert_false(config_key_allows(k, "other"));
    assert_true(config_key_allows(config_key(c, "AKIDb"), "anything"));
    assert_null(config_key(c, "AKIDc"));

    unsigned char a[16];
    inet_pton(AF_INET, "10.1.2.3", a);
    assert_true(config_status_allowed(c, AF_INET, a));
    inet_pton(AF_INET, "192.168.1.5", a);
    assert_true(config_status_allowed(c, AF_INET, a));
    inet_pton(AF_INET, "192.168.1.6", a);
    assert_false(config_status_allowed(c, AF_INET, a));
    inet_pton(AF_INET, "127.0.0.1", a); /* the list replaced the default */
    assert_false(config_status_allowed(c, AF_INET, a));
    inet_pton(AF_INET6, "::1", a);
    assert_true(config_status_allowed(c, AF_INET6, a));
    config_free(c);
}

static void defaults(void **state)
{
    char err[512];
    (void)state;
    struct config *c = config_parse(BASE, "t.conf", err, sizeof(err));
    if (!c)
        fail_msg("%s", err);
    assert_null(c->listen);
    assert_int_equal(c->workers, 4);
    assert_int_equal(c->max_requests, 0);
    assert_int_equal(c->kafka_timeout_ms, 5000);
    assert_int_equal(c->max_body, 65536);
    assert_int_equal(c->signature_window_s, 300);
    assert_int_equal(c->listen_mode, 0660);
    assert_true(c->audit_fsync);
    assert_null(c->audit_log);
    assert_string_equal(c->status_path, "/ckafka-status");
    unsigned char a[16];
    inet_pton(AF_INET, "127.0.0.9", a);
    assert_true(config_status_allowed(c, AF_INET, a));
    inet_pton(AF_INET, "10.0.0.1", a);
    assert_false(config_status_allowed(c, AF_INET, a));
    config_free(c);
}

static const struct {
    const char *text;
    const char *must; /* in the message */
} bad[] = {
    {"workers = 0\n" BASE, "t.conf:1: workers: 0 is out of range"},
    {"workers = many\n" BASE, "t.conf:1: workers: 'many' is not an integer"},
    {"\n\nfoo = 1\n" BASE, "t.conf:3: unknown key 'foo'"},
    {"workers = 2\nworkers = 3\n" BASE, "t.conf:2: workers is set twice"},
    {"kafka_timeout = 5 s\n" BASE, "kafka_timeout: '5 s' is not a duration"},
    {"kafka_timeout = 10ms\n" BASE, "kafka_timeout: 10ms is out of range"},
    {"signature_window = 1500ms\n" BASE, "give whole seconds"},
    {"max_body = 64q\n" BASE, "max_body: '64q' is not a size"},
    {"audit_fsync = maybe\n" BASE, "audit_fsync: 'maybe' is not yes or no"},
    {"listen_mode = 0999\n" BASE, "listen_mode"},
    {"log_level = loud\n" BASE, "log_level"},
    {"status_allow = 300.1.1.1\n" BASE, "status_allow: '300.1.1.1'"},
    {"status_allow = 10.0.0.0/33\n" BASE, "status_allow"},
    {"status_path = ckafka\n" BASE, "status_path: must start with /"},
    {"workers\n" BASE, "t.conf:1: expected key = value"},
    {"= 3\n" BASE, "missing key"},
    {"[instance]\n", "needs a name"},
    {"[instance a b]\n", "one word"},
    {"[pool a]\n", "unknown section [pool]"},
    {"[instance a\n", "malformed section header"},
    {BASE "[instance a]\nbootstrap.servers = x\n",
     "instance a is defined twice"},
    {"[instance a]\nclient.id = x\n[key K]\nsecret = s\ninstances = a\n",
     "t.conf:1: [instance a] bootstrap.servers is missing"},
    {"[instance a]\nbootstrap.servers = x\nbootstrap.servers = y\n",
     "bootstrap.servers is set twice"},
    {"[instance a]\nbootstrap.servers = x\n[key K]\ninstances = a\n",
     "[key K] secret is missing"},
    {"[instance a]\nbootstrap.servers = x\n[key K]\nsecret = s\n",
     "[key K] instances is missing"},
    {"[instance a]\nbootstrap.servers = x\n[key K]\nsecret = s\ninstances = "
     "b\n",
     "[key K] instances: no [instance b] is defined"},
    {"[instance a]\nbootstrap.servers = x\n[key K]\nsecret =\n",
     "[key K] secret is empty"},
    {"[instance a]\nbootstrap.servers = x\n[key K]\npassword = x\n",
     "unknown key 'password'"},
    {"[instance a]\nbootstrap.servers = x\n", "no [key SECRETID] section"},
    {"[key K]\nsecret = s\ninstances = *\n", "no [instance ID] section"},
    {"max_value_length = 100000\n" BASE, "larger than max_body"},
    {"[instance a]\nbootstrap.servers = x\n[key K]\nsecret = s\ninstances = "
     "a\ntokens = short\n",
     "[key K] tokens: a token must be at least 16 characters"},
    {"[instance a]\nbootstrap.servers = x\n[key K]\nsecret = s\ninstances = "
     "a\ntokens = 0123456789abcdefX\n[key L]\nsecret = s\ninstances = "
     "a\ntokens = 0123456789abcdefY 0123456789abcdefX\n",
     "[key L] tokens: a token is given twice"},
    {"[instance a]\nbootstrap.servers = x\n[key K]\nsecret = s\ninstances = "
     "a\nproject_id =\n",
     "[key K] project_id is empty"},
};

/* Huawei's X-Auth-Token values and project pinning. */
static void tokens_and_projects(void **state)
{
    char err[512];
    (void)state;
    struct config *c =
        config_parse("[instance a]\nbootstrap.servers = x\n"
                     "[key K]\nsecret = s\ninstances = a\n"
                     "tokens = token-of-K-0123456789, second-token-of-K-01\n"
                     "[key L]\nsecret = t\ninstances = *\nproject_id = p0123\n"
                     "tokens = token-of-L-0123456789\n",
                     "t.conf", err, sizeof(err));
    if (!c)
        fail_msg("%s", err);
    const struct config_key *k = config_key(c, "K"), *l = config_key(c, "L");
    assert_ptr_equal(config_token(c, "token-of-K-0123456789"), k);
    assert_ptr_equal(config_token(c, "second-token-of-K-01"), k);
    assert_ptr_equal(config_token(c, "token-of-L-0123456789"), l);
    assert_null(config_token(c, "token-of-L-012345678"));
    assert_null(config_token(c, "token-of-L-01234567890"));
    assert_null(config_token(c, ""));
    assert_null(k->project_id);
    assert_string_equal(l->project_id, "p0123");
    config_free(c);
}

static void refusals(void **state)
{
    char err[512];
    (void)state;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(bad); i++) {
        err[0] = '\0';
        struct config *c =
            config_parse(bad[i].text, "t.conf", err, sizeof(err));
        if (c) {
            config_free(c);
            fail_msg("accepted:\n%s", bad[i].text);
        }
        if (!strstr(err, bad[i].must))
            fail_msg("message '%s' lacks '%s'", err, bad[i].must);
    }
}

static void secrets_not_in_messages(void **state)
{
    char err[512];
    (void)state;
    struct config *c = config_parse("[instance a]\nbootstrap.servers = x\n"
                                    "[key K]\nsecret = TOPSECRET\nbogus = 1\n",
                                    "t.conf", err, sizeof(err));
    assert_null(c);
    assert_null(strstr(err, "TOPSECRET"));
}

static int nwarn;
static void count_warning(const char *msg)
{
    (void)msg;
    nwarn++;
}

static void readable_file_warns(void **state)
{
    char path[] = "/tmp/ckafka-test-XXXXXX", err[512];
    (void)state;
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_true(write(fd, BASE, strlen(BASE)) == (ssize_t)strlen(BASE));
    close(fd);
    chmod(path, 0600);
    struct config *c = config_load(path, err, sizeof(err));
    assert_non_null(c);
    nwarn = 0;
    config_warnings(c, count_warning);
    int private_warnings = nwarn; /* the short secret */
    chmod(path, 0644);
    nwarn = 0;
    config_warnings(c, count_warning);
    assert_int_equal(nwarn, private_warnings + 1);
    config_free(c);
    unlink(path);
    assert_null(config_load("/nonexistent/ckafka.conf", err, sizeof(err)));
    assert_non_null(strstr(err, "/nonexistent/ckafka.conf"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(full_file),
        cmocka_unit_test(defaults),
        cmocka_unit_test(refusals),
        cmocka_unit_test(secrets_not_in_messages),
        cmocka_unit_test(tokens_and_projects),
        cmocka_unit_test(readable_file_warns),
    };
    return cmocka_run_group_tests_name("config", tests, NULL, NULL);
}
