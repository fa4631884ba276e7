/* config.h - the configuration file: parsed and validated once in the
 * master, read-only afterwards (workers inherit it across fork). Format:
 * `key = value` lines, `#` or `;` comments, `[instance ID]` sections of
 * librdkafka properties and `[key SECRETID]` sections of credentials.
 * Lifetime of everything here: process. */
#ifndef CKAFKA_CONFIG_H
#define CKAFKA_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct config_prop {
    char *key;
    char *value;
};

/* [instance ID]: one Kafka cluster. */
struct config_instance {
    char *id;
    struct config_prop *props; /* librdkafka properties, in file order */
    size_t nprops;
    int line;
};

/* [key SECRETID]: one credential and the instances it may use. */
struct config_key {
    char *secret_id;
    char *secret_key; /* never logged */
    bool all_instances;
    char **instances;
    size_t ninstances;
    /* Huawei DMS: static X-Auth-Token values that stand for this key
     * (never logged), and the project_id its requests must name (NULL:
     * any). */
    char **tokens;
    size_t ntokens;
    char *project_id;
    int line;
};

/* A list of words (commas or blanks between them in the file). */
struct config_list {
    char **v;
    size_t n;
};

/* An address or network allowed to read the status page. */
struct config_net {
    int family; /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    int prefix;
};

struct config {
    char *path;

    /* listening */
    char *listen; /* "/path.sock", "unix:/path", "host:port", "port" */
    unsigned listen_mode;
    char *listen_owner, *listen_group;
    int64_t listen_backlog;

    /* processes */
    int64_t workers;
    int64_t max_requests;
    int64_t request_timeout_ms; /* 0: never kill a slow worker */
    int64_t slowlog_ms;         /* 0: no slow log */
    int64_t stop_timeout_ms;    /* grace before KILL on TERM/QUIT */
    char *user, *group;
    char *pid_file;

    /* Kafka */
    int64_t kafka_timeout_ms;
    int64_t metadata_cache_ms;

    /* requests and limits */
    int64_t max_body;
    int64_t max_params, max_name_length, max_value_length;
    int64_t max_topics, max_partitions;

    /* authentication */
    int64_t signature_window_s;
    int64_t replay_cache_size;
    char *replay_file;                  /* the local store's table */
    char *replay_store;                 /* "local" or a redis:// URL */
    struct config_list signature_hosts; /* empty: any Host */
    /* the API front ends served */
    struct config_list apis; /* empty: every one */

    /* logs */
    char *error_log;
    int log_level; /* enum log_level */
    char *access_log;
    char *audit_log;
    bool audit_fsync;

    /* status page */
    char *status_path; /* NULL: no status page */
    char *ping_path;   /* NULL: no ping */
    struct config_net *status_allow;
    size_t nstatus_allow;

    struct config_instance *instances;
    size_t ninstances;
    struct config_key *keys;
    size_t nkeys;
};

/* Reads and validates path. Returns the configuration (free with
 * config_free), or NULL with err naming the file, line and key. */
struct config *config_load(const char *path, char *err, size_t errlen);

/* Parses configuration text (the same rules; name is used in messages). */
struct config *config_parse(const char *text, const char *name, char *err,
                            size_t errlen);

void config_free(struct config *c);

/* Lookups; NULL when absent. Borrowed from c. */
const struct config_instance *config_instance(const struct config *c,
                                              const char *id);
const struct config_key *config_key(const struct config *c,
                                    const char *secret_id);
/* The key a Huawei X-Auth-Token stands for, or NULL. Every configured
 * token is compared, in time that does not depend on where the values
 * differ. */
const struct config_key *config_token(const struct config *c,
                                      const char *token);
/* True when a signature made for host (the Host header as sent, with its
 * port) is answered here: signature_hosts lists it (case-insensitively), or
 * is empty. */
bool config_host_allowed(const struct config *c, const char *host);

/* True when the API front end called name is served (apis lists it, or
 * is empty). */
bool config_api_enabled(const struct config *c, const char *name);

/* True when key may use instance id (listed, or "*"). */
bool config_key_allows(const struct config_key *k, const char *id);

/* True when the address (binary, of family) is allowed on the status page. */
bool config_status_allowed(const struct config *c, int family,
                           const void *addr);

/* Writes one line per warning about c (for -t): a file other users can read
 * holds secrets, and so on. Returns the number of warnings. */
int config_warnings(const struct config *c, void (*emit)(const char *msg));

#endif
