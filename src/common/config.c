/* config.c - parse and validate the configuration file. Every global key is
 * a row of one table with its type, bounds and default; defaults go through
 * the same parser as the file, so they are validated too. It does not check
 * librdkafka properties (kafka_check_instance does) and never prints a
 * secret. */
#include "common/config.h"

#include "common/log.h"
#include "common/util.h"

#include <arpa/inet.h>
#include <errno.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>

enum kind {
    K_STR,
    K_INT,
    K_MS,
    K_SEC,
    K_SIZE,
    K_BOOL,
    K_MODE,
    K_LEVEL,
    K_NETS,
    K_LIST
};

struct key_def {
    const char *name;
    enum kind kind;
    size_t off;
    int64_t min, max;
    const char *def; /* NULL: unset */
};

#define F(field) offsetof(struct config, field)
#define KiB 1024LL
#define MiB (1024LL * 1024)

static const struct key_def defs[] = {
    {"listen", K_STR, F(listen), 0, 0, NULL},
    {"listen_mode", K_MODE, F(listen_mode), 0, 0777, "0660"},
    {"listen_owner", K_STR, F(listen_owner), 0, 0, NULL},
    {"listen_group", K_STR, F(listen_group), 0, 0, NULL},
    {"listen_backlog", K_INT, F(listen_backlog), 1, 65535, "511"},
    {"workers", K_INT, F(workers), 1, 1024, "4"},
    {"max_requests", K_INT, F(max_requests), 0, INT64_MAX, "0"},
    {"request_timeout", K_MS, F(request_timeout_ms), 0, 86400000, "60s"},
    {"slowlog_threshold", K_MS, F(slowlog_ms), 0, 86400000, "0"},
    {"stop_timeout", K_MS, F(stop_timeout_ms), 0, 3600000, "10s"},
    {"user", K_STR, F(user), 0, 0, NULL},
    {"pid_file", K_STR, F(pid_file), 0, 0, NULL},
    {"group", K_STR, F(group), 0, 0, NULL},
    {"kafka_timeout", K_MS, F(kafka_timeout_ms), 100, 600000, "5s"},
    {"metadata_cache", K_MS, F(metadata_cache_ms), 0, 3600000, "2s"},
    {"max_body", K_SIZE, F(max_body), 1 * KiB, 64 * MiB, "64k"},
    {"max_params", K_INT, F(max_params), 16, 1000000, "1000"},
    {"max_name_length", K_INT, F(max_name_length), 16, 65536, "256"},
    {"max_value_length", K_INT, F(max_value_length), 16, 1 * MiB, "4096"},
    {"max_topics", K_INT, F(max_topics), 1, 1000000, "1000"},
    {"max_partitions", K_INT, F(max_partitions), 1, 10000000, "100000"},
    {"signature_window", K_SEC, F(signature_window_s), 1, 86400, "300s"},
    {"replay_cache_size", K_INT, F(replay_cache_size), 1024, 1 << 28, "262144"},
    {"replay_file", K_STR, F(replay_file), 0, 0,
     LOCALSTATEDIR "/lib/ckafka-fcgi/replay"},
    {"replay_store", K_STR, F(replay_store), 0, 0, "local"},
    {"signature_hosts", K_LIST, F(signature_hosts), 0, 0, NULL},
    {"apis", K_LIST, F(apis), 0, 0, NULL},
    {"error_log", K_STR, F(error_log), 0, 0, "stderr"},
    {"log_level", K_LEVEL, F(log_level), 0, 0, "notice"},
    {"access_log", K_STR, F(access_log), 0, 0, NULL},
    {"audit_log", K_STR, F(audit_log), 0, 0, NULL},
    {"audit_fsync", K_BOOL, F(audit_fsync), 0, 0, "yes"},
    {"status_path", K_STR, F(status_path), 0, 0, "/ckafka-status"},
    {"ping_path", K_STR, F(ping_path), 0, 0, "/ckafka-ping"},
    {"status_allow", K_NETS, F(status_allow), 0, 0, "127.0.0.0/8, ::1"},
};

struct parser {
    struct config *c;
    const char *name;
    int line;
    char *err;
    size_t errlen;
    bool seen[UTIL_ARRAY_LEN(defs)];
};

static int fail(struct parser *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static int fail(struct parser *p, const char *fmt, ...)
{
    va_list ap;
    int n = p->line > 0
                ? snprintf(p->err, p->errlen, "%s:%d: ", p->name, p->line)
                : snprintf(p->err, p->errlen, "%s: ", p->name);
    if (n < 0 || (size_t)n >= p->errlen)
        return -1;
    va_start(ap, fmt);
    vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
    va_end(ap);
    return -1;
}

/* "5s", "250ms", "2m", "1h"; a bare number is seconds. */
static bool parse_duration_ms(const char *v, int64_t *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    int64_t mult;

    if (end == v || errno || n < 0 || *v == '-' || *v == '+' || *v == ' ')
        return false;
    if (!*end || strcmp(end, "s") == 0)
        mult = 1000;
    else if (strcmp(end, "ms") == 0)
        mult = 1;
    else if (strcmp(end, "m") == 0)
        mult = 60000;
    else if (strcmp(end, "h") == 0)
        mult = 3600000;
    else
        return false;
    if (n > INT64_MAX / mult)
        return false;
    *out = n * mult;
    return true;
}

/* "65536", "64k", "1m", "1g" (powers of 1024). */
static bool parse_size(const char *v, int64_t *out)
{
    char *end;
    errno = 0;
    long long n = strtoll(v, &end, 10);
    int64_t mult = 1;

    if (end == v || errno || n < 0 || *v == '-' || *v == '+' || *v == ' ')
        return false;
    if (*end) {
        if (end[1])
            return false;
        switch (*end) {
        case 'k':
        case 'K': mult = KiB; break;
        case 'm':
        case 'M': mult = MiB; break;
        case 'g':
        case 'G': mult = 1024 * MiB; break;
        default: return false;
        }
    }
    if (n > INT64_MAX / mult)
        return false;
    *out = n * mult;
    return true;
}

static bool parse_bool(const char *v, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < UTIL_ARRAY_LEN(yes); i++) {
        if (strcmp(v, yes[i]) == 0)
            return *out = true, true;
        if (strcmp(v, no[i]) == 0)
            return *out = false, true;
    }
    return false;
}

static int parse_net(const char *s, struct config_net *n)
{
    char buf[80];
    const char *slash = strchr(s, '/');
    size_t alen = slash ? (size_t)(slash - s) : strlen(s);
    int maxp;

    if (alen == 0 || alen >= sizeof(buf))
        return -1;
    memcpy(buf, s, alen);
    buf[alen] = '\0';
    memset(n, 0, sizeof(*n));
    if (inet_pton(AF_INET, buf, n->addr) == 1) {
        n->family = AF_INET;
        maxp = 32;
    } else if (inet_pton(AF_INET6, buf, n->addr) == 1) {
        n->family = AF_INET6;
        maxp = 128;
    } else {
        return -1;
    }
    n->prefix = maxp;
    if (slash) {
        int64_t pl;
        if (!util_parse_int64(slash + 1, &pl) || pl < 0 || pl > maxp)
            return -1;
        n->prefix = (int)pl;
    }
    return 0;
}

/* Splits a list on commas and blanks into fresh strings. */
static char **split_list(const char *v, size_t *count)
{
    char **out = NULL;
    size_t n = 0;
    const char *p = v;

    while (*p) {
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
        if (!*p)
            break;
        const char *e = p;
        while (*e && *e != ',' && *e != ' ' && *e != '\t')
            e++;
        out = util_reallocarray(out, n + 1, sizeof(*out));
        out[n] = util_malloc((size_t)(e - p) + 1);
        memcpy(out[n], p, (size_t)(e - p));
        out[n][e - p] = '\0';
        n++;
        p = e;
    }
    *count = n;
    return out;
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static int set_global(struct parser *p, const struct key_def *d, const char *v)
{
    void *field = (char *)p->c + d->off;
    int64_t n = 0;

    switch (d->kind) {
    case K_STR:
        free(*(char **)field);
        *(char **)field = *v ? util_strdup(v) : NULL;
        return 0;
    case K_INT:
        if (!util_parse_int64(v, &n))
            return fail(p, "%s: '%s' is not an integer", d->name, v);
        break;
    case K_MS:
    case K_SEC:
        if (!parse_duration_ms(v, &n))
            return fail(p,
                        "%s: '%s' is not a duration (for example 5s, 250ms, "
                        "2m, 1h)",
                        d->name, v);
        if (d->kind == K_SEC) {
            if (n % 1000)
                return fail(p, "%s: give whole seconds", d->name);
            n /= 1000;
        }
        break;
    case K_SIZE:
        if (!parse_size(v, &n))
            return fail(p,
                        "%s: '%s' is not a size (for example 65536, 64k, "
                        "1m)",
                        d->name, v);
        break;
    case K_BOOL:
        if (!parse_bool(v, (bool *)field))
            return fail(p, "%s: '%s' is not yes or no", d->name, v);
        return 0;
    case K_MODE: {
        char *end;
        errno = 0;
        unsigned long m = strtoul(v, &end, 8);
        if (end == v || *end || errno || m > 0777)
            return fail(p, "%s: '%s' is not an octal mode such as 0660",
                        d->name, v);
        *(unsigned *)field = (unsigned)m;
        return 0;
    }
    case K_LEVEL: {
        enum log_level l;
        if (log_level_parse(v, &l) < 0)
            return fail(p,
                        "%s: '%s' is not one of error, warn, notice, info, "
                        "debug",
                        d->name, v);
        *(int *)field = (int)l;
        return 0;
    }
    case K_NETS: {
        size_t cnt;
        char **items = split_list(v, &cnt);
        struct config_net *nets = util_calloc(cnt ? cnt : 1, sizeof(*nets));
        for (size_t i = 0; i < cnt; i++) {
            if (parse_net(items[i], &nets[i]) < 0) {
                fail(p,
                     "%s: '%s' is not an IP address or network (such as "
                     "127.0.0.1, 10.0.0.0/8, ::1)",
                     d->name, items[i]);
                free_list(items, cnt);
                free(nets);
                return -1;
            }
        }
        free_list(items, cnt);
        free(p->c->status_allow);
        p->c->status_allow = nets;
        p->c->nstatus_allow = cnt;
        return 0;
    }
    case K_LIST: {
        struct config_list *l = field;
        free_list(l->v, l->n);
        l->v = split_list(v, &l->n);
        return 0;
    }
    }
    if (n < d->min || n > d->max)
        return fail(p, "%s: %s is out of range (%lld to %lld)", d->name, v,
                    (long long)d->min, (long long)d->max);
    *(int64_t *)field = n;
    return 0;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    char *e = s + strlen(s);
    while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

enum section { SEC_GLOBAL, SEC_INSTANCE, SEC_KEY };

static int section_header(struct parser *p, char *line, enum section *sec)
{
    char *close = strchr(line, ']');
    if (!close || trim(close + 1)[0])
        return fail(p, "malformed section header (expected [instance ID] or "
                       "[key SECRETID])");
    *close = '\0';
    char *body = trim(line + 1);
    char *sp = strpbrk(body, " \t");
    if (!sp)
        return fail(p,
                    "section [%s] needs a name: [instance ID] or [key "
                    "SECRETID]",
                    body);
    *sp = '\0';
    char *id = trim(sp + 1);
    if (!*id || strpbrk(id, " \t"))
        return fail(p, "section [%s %s]: the name must be one word", body, id);
    struct config *c = p->c;
    if (strcmp(body, "instance") == 0) {
        if (config_instance(c, id))
            return fail(p, "instance %s is defined twice", id);
        c->instances = util_reallocarray(c->instances, c->ninstances + 1,
                                         sizeof(*c->instances));
        c->instances[c->ninstances++] =
            (struct config_instance){util_strdup(id), NULL, 0, p->line};
        *sec = SEC_INSTANCE;
    } else if (strcmp(body, "key") == 0) {
        if (config_key(c, id))
            return fail(p, "key %s is defined twice", id);
        c->keys = util_reallocarray(c->keys, c->nkeys + 1, sizeof(*c->keys));
        c->keys[c->nkeys++] =
            (struct config_key){.secret_id = util_strdup(id), .line = p->line};
        *sec = SEC_KEY;
    } else {
        return fail(p, "unknown section [%s] (expected instance or key)", body);
    }
    return 0;
}

static int instance_prop(struct parser *p, const char *k, const char *v)
{
    struct config_instance *in = &p->c->instances[p->c->ninstances - 1];
    for (size_t i = 0; i < in->nprops; i++)
        if (strcmp(in->props[i].key, k) == 0)
            return fail(p, "[instance %s] %s is set twice", in->id, k);
    in->props =
        util_reallocarray(in->props, in->nprops + 1, sizeof(*in->props));
    in->props[in->nprops++] =
        (struct config_prop){util_strdup(k), util_strdup(v)};
    return 0;
}

static int key_prop(struct parser *p, const char *k, const char *v)
{
    struct config_key *key = &p->c->keys[p->c->nkeys - 1];
    if (strcmp(k, "secret") == 0) {
        if (key->secret_key)
            return fail(p, "[key %s] secret is set twice", key->secret_id);
        if (!*v)
            return fail(p, "[key %s] secret is empty", key->secret_id);
        key->secret_key = util_strdup(v);
    } else if (strcmp(k, "instances") == 0) {
        if (key->instances || key->all_instances)
            return fail(p, "[key %s] instances is set twice", key->secret_id);
        key->instances = split_list(v, &key->ninstances);
        for (size_t i = 0; i < key->ninstances; i++)
            if (strcmp(key->instances[i], "*") == 0)
                key->all_instances = true;
        if (!key->ninstances)
            return fail(p,
                        "[key %s] instances is empty (list instance IDs, "
                        "or * for all)",
                        key->secret_id);
    } else if (strcmp(k, "tokens") == 0) {
        if (key->tokens)
            return fail(p, "[key %s] tokens is set twice", key->secret_id);
        key->tokens = split_list(v, &key->ntokens);
        for (size_t i = 0; i < key->ntokens; i++)
            if (strlen(key->tokens[i]) < 16)
                return fail(p,
                            "[key %s] tokens: a token must be at least 16 "
                            "characters",
                            key->secret_id);
    } else if (strcmp(k, "project_id") == 0) {
        if (key->project_id)
            return fail(p, "[key %s] project_id is set twice", key->secret_id);
        if (!*v)
            return fail(p, "[key %s] project_id is empty", key->secret_id);
        key->project_id = util_strdup(v);
    } else {
        return fail(p,
                    "[key %s] unknown key '%s' (expected secret, "
                    "instances, tokens, project_id)",
                    key->secret_id, k);
    }
    return 0;
}

static int global_prop(struct parser *p, const char *k, const char *v)
{
    for (size_t i = 0; i < UTIL_ARRAY_LEN(defs); i++) {
        if (strcmp(defs[i].name, k) != 0)
            continue;
        if (p->seen[i])
            return fail(p, "%s is set twice", k);
        p->seen[i] = true;
        return set_global(p, &defs[i], v);
    }
    return fail(p, "unknown key '%s'", k);
}

static int validate(struct parser *p)
{
    struct config *c = p->c;
    p->line = 0;
    if (!c->ninstances)
        return fail(p, "no [instance ID] section: there is no Kafka cluster "
                       "to serve");
    for (size_t i = 0; i < c->ninstances; i++) {
        bool boot = false;
        for (size_t j = 0; j < c->instances[i].nprops; j++)
            boot |=
                strcmp(c->instances[i].props[j].key, "bootstrap.servers") == 0;
        if (!boot) {
            p->line = c->instances[i].line;
            return fail(p, "[instance %s] bootstrap.servers is missing",
                        c->instances[i].id);
        }
    }
    if (!c->replay_store || (strcmp(c->replay_store, "local") != 0 &&
                             strncmp(c->replay_store, "redis://", 8) != 0))
        return fail(p, "replay_store: give local or a "
                       "redis://[:password@]host[:port][/db] URL");
    if (!c->replay_file && strcmp(c->replay_store, "local") == 0)
        return fail(p, "replay_file: the local replay store needs a file");
    if (!c->nkeys)
        return fail(p, "no [key SECRETID] section: no client could sign a "
                       "request");
    for (size_t i = 0; i < c->nkeys; i++) {
        const struct config_key *k = &c->keys[i];
        p->line = k->line;
        if (!k->secret_key)
            return fail(p, "[key %s] secret is missing", k->secret_id);
        if (!k->ninstances)
            return fail(p,
                        "[key %s] instances is missing (list instance "
                        "IDs, or * for all)",
                        k->secret_id);
        for (size_t j = 0; j < k->ninstances; j++)
            if (strcmp(k->instances[j], "*") != 0 &&
                !config_instance(c, k->instances[j]))
                return fail(p,
                            "[key %s] instances: no [instance %s] is "
                            "defined",
                            k->secret_id, k->instances[j]);
        for (size_t j = 0; j < k->ntokens; j++)
            for (size_t h = 0; h <= i; h++)
                for (size_t m = 0; m < (h == i ? j : c->keys[h].ntokens); m++)
                    if (strcmp(c->keys[h].tokens[m], k->tokens[j]) == 0)
                        return fail(p,
                                    "[key %s] tokens: a token is given "
                                    "twice (each stands for one key)",
                                    k->secret_id);
    }
    p->line = 0;
    if (c->status_path && c->status_path[0] != '/')
        return fail(p, "status_path: must start with /");
    if (c->ping_path && c->ping_path[0] != '/')
        return fail(p, "ping_path: must start with /");
    if (c->max_value_length > c->max_body)
        return fail(p, "max_value_length is larger than max_body");
    return 0;
}

struct config *config_parse(const char *text, const char *name, char *err,
                            size_t errlen)
{
    struct parser p = {0};
    enum section sec = SEC_GLOBAL;
    char *buf = util_strdup(text), *save = NULL;

    p.c = util_calloc(1, sizeof(*p.c));
    p.name = name;
    p.err = err;
    p.errlen = errlen;
    p.c->path = util_strdup(name);

    for (size_t i = 0; i < UTIL_ARRAY_LEN(defs); i++)
        if (defs[i].def && set_global(&p, &defs[i], defs[i].def) < 0)
            goto fail; /* a bad default is a bug; say so rather than crash */

    /* strtok_r would merge empty lines and break line numbers. */
    for (char *line = buf; line; line = save) {
        char *nl = strchr(line, '\n');
        save = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        p.line++;
        char *s = trim(line);
        if (!*s || *s == '#' || *s == ';')
            continue;
        if (*s == '[') {
            if (section_header(&p, s, &sec) < 0)
                goto fail;
            continue;
        }
        char *eq = strchr(s, '=');
        if (!eq) {
            fail(&p, "expected key = value");
            goto fail;
        }
        *eq = '\0';
        char *k = trim(s), *v = trim(eq + 1);
        size_t vl = strlen(v);
        if (!*k) {
            fail(&p, "missing key before '='");
            goto fail;
        }
        /* "quoted values" keep leading and trailing blanks. */
        if (vl >= 2 && v[0] == '"' && v[vl - 1] == '"') {
            v[vl - 1] = '\0';
            v++;
        }
        int rc = sec == SEC_GLOBAL     ? global_prop(&p, k, v)
                 : sec == SEC_INSTANCE ? instance_prop(&p, k, v)
                                       : key_prop(&p, k, v);
        if (rc < 0)
            goto fail;
    }
    if (validate(&p) < 0)
        goto fail;
    free(buf);
    return p.c;
fail:
    free(buf);
    config_free(p.c);
    return NULL;
}

struct config *config_load(const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "re");
    char *text = NULL;
    size_t len = 0, cap = 0;

    if (!f) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return NULL;
    }
    for (;;) {
        if (cap - len < 4096) {
            cap = cap ? cap * 2 : 8192;
            text = util_realloc(text, cap);
        }
        size_t n = fread(text + len, 1, cap - len - 1, f);
        len += n;
        if (n == 0)
            break;
    }
    bool bad = ferror(f);
    fclose(f);
    if (bad) {
        snprintf(err, errlen, "%s: read error", path);
        free(text);
        return NULL;
    }
    text[len] = '\0';
    if (memchr(text, '\0', len)) {
        snprintf(err, errlen, "%s: contains a NUL byte", path);
        free(text);
        return NULL;
    }
    struct config *c = config_parse(text, path, err, errlen);
    free(text);
    return c;
}

void config_free(struct config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < UTIL_ARRAY_LEN(defs); i++)
        if (defs[i].kind == K_STR)
            free(*(char **)((char *)c + defs[i].off));
        else if (defs[i].kind == K_LIST)
            free_list(((struct config_list *)((char *)c + defs[i].off))->v,
                      ((struct config_list *)((char *)c + defs[i].off))->n);
    free(c->status_allow);
    for (size_t i = 0; i < c->ninstances; i++) {
        for (size_t j = 0; j < c->instances[i].nprops; j++) {
            free(c->instances[i].props[j].key);
            free(c->instances[i].props[j].value);
        }
        free(c->instances[i].props);
        free(c->instances[i].id);
    }
    free(c->instances);
    for (size_t i = 0; i < c->nkeys; i++) {
        free(c->keys[i].secret_id);
        if (c->keys[i].secret_key) {
            memset(c->keys[i].secret_key, 0, strlen(c->keys[i].secret_key));
            free(c->keys[i].secret_key);
        }
        free_list(c->keys[i].instances, c->keys[i].ninstances);
        for (size_t j = 0; j < c->keys[i].ntokens; j++)
            memset(c->keys[i].tokens[j], 0, strlen(c->keys[i].tokens[j]));
        free_list(c->keys[i].tokens, c->keys[i].ntokens);
        free(c->keys[i].project_id);
    }
    free(c->keys);
    free(c->path);
    free(c);
}

const struct config_instance *config_instance(const struct config *c,
                                              const char *id)
{
    for (size_t i = 0; i < c->ninstances; i++)
        if (strcmp(c->instances[i].id, id) == 0)
            return &c->instances[i];
    return NULL;
}

const struct config_key *config_key(const struct config *c,
                                    const char *secret_id)
{
    for (size_t i = 0; i < c->nkeys; i++)
        if (strcmp(c->keys[i].secret_id, secret_id) == 0)
            return &c->keys[i];
    return NULL;
}

const struct config_key *config_token(const struct config *c, const char *token)
{
    unsigned char want[SHA256_DIGEST_LENGTH], have[SHA256_DIGEST_LENGTH];
    const struct config_key *found = NULL;
    /* Digests of equal length: the comparison's time says nothing about
     * the tokens' lengths or common prefixes. */
    SHA256((const unsigned char *)token, strlen(token), want);
    for (size_t i = 0; i < c->nkeys; i++)
        for (size_t j = 0; j < c->keys[i].ntokens; j++) {
            const char *t = c->keys[i].tokens[j];
            SHA256((const unsigned char *)t, strlen(t), have);
            if (CRYPTO_memcmp(want, have, sizeof(want)) == 0)
                found = &c->keys[i];
        }
    OPENSSL_cleanse(want, sizeof(want));
    OPENSSL_cleanse(have, sizeof(have));
    return found;
}

bool config_host_allowed(const struct config *c, const char *host)
{
    if (!c->signature_hosts.n)
        return true;
    for (size_t i = 0; i < c->signature_hosts.n; i++)
        if (strcasecmp(c->signature_hosts.v[i], host) == 0)
            return true;
    return false;
}

bool config_api_enabled(const struct config *c, const char *name)
{
    if (!c->apis.n)
        return true;
    for (size_t i = 0; i < c->apis.n; i++)
        if (strcmp(c->apis.v[i], name) == 0)
            return true;
    return false;
}

bool config_key_allows(const struct config_key *k, const char *id)
{
    if (k->all_instances)
        return true;
    for (size_t i = 0; i < k->ninstances; i++)
        if (strcmp(k->instances[i], id) == 0)
            return true;
    return false;
}

bool config_status_allowed(const struct config *c, int family, const void *addr)
{
    const unsigned char *a = addr;
    for (size_t i = 0; i < c->nstatus_allow; i++) {
        const struct config_net *n = &c->status_allow[i];
        if (n->family != family)
            continue;
        int full = n->prefix / 8, rest = n->prefix % 8;
        if (memcmp(n->addr, a, (size_t)full) != 0)
            continue;
        if (rest) {
            unsigned char mask = (unsigned char)(0xff << (8 - rest));
            if ((n->addr[full] & mask) != (a[full] & mask))
                continue;
        }
        return true;
    }
    return false;
}

int config_warnings(const struct config *c, void (*emit)(const char *msg))
{
    char msg[512];
    struct stat st;
    int n = 0;

    if (stat(c->path, &st) == 0 && (st.st_mode & S_IROTH)) {
        snprintf(msg, sizeof(msg),
                 "%s is readable by other users and holds secret keys: "
                 "chmod o-r %s",
                 c->path, c->path);
        emit(msg);
        n++;
    }
    if (!c->signature_hosts.n) {
        emit("signature_hosts is empty: a request signed for any host is "
             "accepted, so one captured at another deployment that shares "
             "keys can be replayed here; list the Host headers (with their "
             "ports) this server answers");
        n++;
    }
    for (size_t i = 0; i < c->nkeys; i++) {
        if (strlen(c->keys[i].secret_key) < 16) {
            snprintf(msg, sizeof(msg),
                     "[key %s] the secret is shorter than 16 characters",
                     c->keys[i].secret_id);
            emit(msg);
            n++;
        }
    }
    return n;
}
