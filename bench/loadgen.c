/* loadgen - HTTP/1.1 keep-alive load for ckafka-fcgi behind nginx. Every
 * request is signed as API 2.0 requires, with its own Nonce and the current
 * Timestamp, so the server's replay cache sees unique requests (nothing is
 * bypassed). Each answer's "code" is read: only code 0 counts as success.
 * Prints one JSON object: requests, ok, codes, rate, latency quantiles.
 *
 *   loadgen -u http://127.0.0.1:8080/v2/index.php -i SECRETID -k SECRETKEY
 *           -q 'Action=GetGroupOffsets&instanceId=x&group=g&topics.0=t'
 *           [-c CONCURRENCY] [-d SECONDS] [-n MAX_REQUESTS] [-s] [-X POST]
 *           [-a | -w]
 *
 * -q holds the action's parameters already URL-encoded, names as signed
 * (use '.' in array names). -s signs with HMAC-SHA256. -a speaks Aliyun
 * alikafka's RPC API instead (path "/", RPC signature v1 with its own
 * SignatureNonce, Format=JSON): an answer with "Code":200 counts as code 0,
 * any other as its HTTP status. -w speaks Huawei DMS instead: a GET of
 * the path (its query -q, may be ""), signed SDK-HMAC-SHA256 over host and
 * X-Sdk-Date; HTTP 200 counts as code 0, any other as its status. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct conn {
    int fd;
    char req[16384];
    size_t reqlen, sent;
    char resp[1 << 20];
    size_t got;
    int64_t started_us;
    uint64_t served; /* answers on this connection */
};

static const char *host;   /* "127.0.0.1:8080" */
static const char *path;   /* "/v2/index.php" */
static const char *params; /* the action's parameters */
static const char *secret_id, *secret_key;
static bool sha256, post, aliyun, huawei;
static struct sockaddr_in addr;
static uint64_t nonce_base, nonce_next;

static int64_t *lat; /* microseconds per answered request */
static size_t nlat, caplat;
static uint64_t ncodes[8];
static int64_t codeval[8];
static uint64_t errors;     /* connections lost with a request unanswered */
static uint64_t reconnects; /* idle keep-alive connections the server closed */

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void die(const char *what)
{
    fprintf(stderr, "loadgen: %s: %s\n", what, strerror(errno));
    exit(1);
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Orders "name=value" strings by name only, bytewise (contract section 3):
 * "topics.1=x" before "topics.10=y", though '=' sorts after '0'. */
static int pair_cmp(const void *a, const void *b)
{
    const char *x = *(char *const *)a, *y = *(char *const *)b;
    size_t nx = strcspn(x, "="), ny = strcspn(y, "=");
    int c = memcmp(x, y, nx < ny ? nx : ny);
    if (c)
        return c;
    return (nx > ny) - (nx < ny);
}

/* Percent-decodes for the string to sign (our own parameters only hold
 * %XX escapes and no '+'). */
static void decode(const char *s, size_t n, char *out)
{
    size_t j = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' && i + 2 < n) {
            unsigned v;
            sscanf(s + i + 1, "%2x", &v);
            out[j++] = (char)v;
            i += 2;
        } else {
            out[j++] = s[i];
        }
    }
    out[j] = '\0';
}

static void encode(const char *s, char *out)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
            (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
            c == '~') {
            *out++ = (char)c;
        } else {
            *out++ = '%';
            *out++ = hex[c >> 4];
            *out++ = hex[c & 15];
        }
    }
    *out = '\0';
}

/* The name=value pairs of query (at most 128), each percent-decoded into
 * malloc'd memory (the caller frees them), sorted by name. */
static size_t sorted_pairs(const char *query, char *pairs[128])
{
    size_t np = 0;
    char *copy = strdup(query), *save = NULL;
    for (char *p = strtok_r(copy, "&", &save); p && np < 128;
         p = strtok_r(NULL, "&", &save)) {
        char *d = malloc(strlen(p) + 1);
        decode(p, strlen(p), d);
        pairs[np++] = d;
    }
    free(copy);
    qsort(pairs, np, sizeof(*pairs), pair_cmp);
    return np;
}

/* Builds a freshly signed API 2.0 request into c->req. */
static void build_ckafka(struct conn *c)
{
    char query[4096], sts[8192], sig64[64], sigenc[128];
    char *pairs[128];
    size_t np = 0;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen;

    snprintf(query, sizeof(query), "%s&SecretId=%s&Timestamp=%lld&Nonce=%llu%s",
             params, secret_id, (long long)time(NULL),
             (unsigned long long)nonce_next++,
             sha256 ? "&SignatureMethod=HmacSHA256" : "");
    /* string to sign: decoded pairs sorted by name */
    np = sorted_pairs(query, pairs);
    int n = snprintf(sts, sizeof(sts), "%s%s%s?", post ? "POST" : "GET", host,
                     path);
    for (size_t i = 0; i < np; i++) {
        n += snprintf(sts + n, sizeof(sts) - (size_t)n, "%s%s", i ? "&" : "",
                      pairs[i]);
        free(pairs[i]);
    }
    HMAC(sha256 ? EVP_sha256() : EVP_sha1(), secret_key,
         (int)strlen(secret_key), (unsigned char *)sts, (size_t)n, md, &mdlen);
    EVP_EncodeBlock((unsigned char *)sig64, md, (int)mdlen);
    encode(sig64, sigenc);
    if (post) {
        char body[4608];
        int bl = snprintf(body, sizeof(body), "%s&Signature=%s", query, sigenc);
        c->reqlen = (size_t)snprintf(
            c->req, sizeof(c->req),
            "POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: "
            "application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
            path, host, bl, body);
    } else {
        c->reqlen = (size_t)snprintf(c->req, sizeof(c->req),
                                     "GET %s?%s&Signature=%s HTTP/1.1\r\n"
                                     "Host: %s\r\n\r\n",
                                     path, query, sigenc, host);
    }
    c->sent = 0;
    c->got = 0;
    c->started_us = now_us();
}

/* The current UTC time in fmt (strftime). */
static void utc_now(char *out, size_t len, const char *fmt)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, len, fmt, &tm);
}

/* Builds a freshly signed Aliyun RPC v1 request into c->req: the sorted
 * pairs encoded as RFC 3986, "METHOD&%2F&" + their encoding, HMAC-SHA1
 * under secret + "&". */
static void build_aliyun(struct conn *c)
{
    char query[4096], canon[8192], sts[16384], sig64[64], sigenc[128];
    char stamp[32], key[512];
    char *pairs[128];
    size_t np = 0;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen;

    utc_now(stamp, sizeof(stamp), "%Y-%m-%dT%H%%3A%M%%3A%SZ");
    snprintf(query, sizeof(query),
             "%s&AccessKeyId=%s&Format=JSON&SignatureMethod=HMAC-SHA1"
             "&SignatureVersion=1.0&SignatureNonce=%llu&Timestamp=%s"
             "&Version=2019-09-16",
             params, secret_id, (unsigned long long)nonce_next++, stamp);
    np = sorted_pairs(query, pairs);
    size_t n = 0;
    for (size_t i = 0; i < np; i++) {
        char *eq = strchr(pairs[i], '=');
        char name[512], ename[1536], evalue[4096];
        snprintf(name, sizeof(name), "%.*s", (int)(eq - pairs[i]), pairs[i]);
        encode(name, ename);
        encode(eq + 1, evalue);
        n += (size_t)snprintf(canon + n, sizeof(canon) - n, "%s%s=%s",
                              i ? "&" : "", ename, evalue);
        free(pairs[i]);
    }
    char *ecanon = malloc(3 * n + 1);
    encode(canon, ecanon);
    int sl =
        snprintf(sts, sizeof(sts), "%s&%%2F&%s", post ? "POST" : "GET", ecanon);
    free(ecanon);
    int kl = snprintf(key, sizeof(key), "%s&", secret_key);
    HMAC(EVP_sha1(), key, kl, (unsigned char *)sts, (size_t)sl, md, &mdlen);
    EVP_EncodeBlock((unsigned char *)sig64, md, (int)mdlen);
    encode(sig64, sigenc);
    if (post) {
        char body[8320];
        int bl = snprintf(body, sizeof(body), "%s&Signature=%s", canon, sigenc);
        c->reqlen = (size_t)snprintf(
            c->req, sizeof(c->req),
            "POST / HTTP/1.1\r\nHost: %s\r\nContent-Type: "
            "application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
            host, bl, body);
    } else {
        c->reqlen = (size_t)snprintf(c->req, sizeof(c->req),
                                     "GET /?%s&Signature=%s HTTP/1.1\r\n"
                                     "Host: %s\r\n\r\n",
                                     canon, sigenc, host);
    }
    c->sent = 0;
    c->got = 0;
    c->started_us = now_us();
}

static void hex(const unsigned char *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Builds a Huawei SDK-HMAC-SHA256 GET of path into c->req: the canonical
 * request over the path (ending in '/'), the query as given (already
 * sorted and encoded), host and x-sdk-date, and the empty body's hash. */
static void build_huawei(struct conn *c)
{
    char date[32], canon[8192], sts[512], hh[65], sig[65];
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen;

    utc_now(date, sizeof(date), "%Y%m%dT%H%M%SZ");
    size_t pl = strlen(path);
    int n = snprintf(canon, sizeof(canon),
                     "GET\n%s%s\n%s\nhost:%s\nx-sdk-date:%s\n\nhost;x-sdk-"
                     "date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934c"
                     "a495991b7852b855",
                     path, pl && path[pl - 1] == '/' ? "" : "/", params, host,
                     date);
    EVP_Digest(canon, (size_t)n, md, &mdlen, EVP_sha256(), NULL);
    hex(md, mdlen, hh);
    int sl = snprintf(sts, sizeof(sts), "SDK-HMAC-SHA256\n%s\n%s", date, hh);
    HMAC(EVP_sha256(), secret_key, (int)strlen(secret_key),
         (unsigned char *)sts, (size_t)sl, md, &mdlen);
    hex(md, mdlen, sig);
    c->reqlen = (size_t)snprintf(
        c->req, sizeof(c->req),
        "GET %s%s%s HTTP/1.1\r\nHost: %s\r\nX-Sdk-Date: %s\r\n"
        "Authorization: SDK-HMAC-SHA256 Access=%s, SignedHeaders=host;x-sdk-"
        "date, Signature=%s\r\n\r\n",
        path, *params ? "?" : "", params, host, date, secret_id, sig);
    c->sent = 0;
    c->got = 0;
    c->started_us = now_us();
}

static void build(struct conn *c)
{
    if (huawei)
        build_huawei(c);
    else if (aliyun)
        build_aliyun(c);
    else
        build_ckafka(c);
}

static void record(int64_t us, int64_t code)
{
    if (nlat == caplat) {
        caplat = caplat ? caplat * 2 : 65536;
        lat = realloc(lat, caplat * sizeof(*lat));
    }
    lat[nlat++] = us;
    for (int i = 0; i < 8; i++) {
        if (ncodes[i] && codeval[i] == code) {
            ncodes[i]++;
            return;
        }
        if (!ncodes[i]) {
            codeval[i] = code;
            ncodes[i] = 1;
            return;
        }
    }
}

static int connect_one(int ep, struct conn *c)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0)
        die("socket");
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 &&
        errno != EINPROGRESS)
        die("connect");
    c->fd = fd;
    struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN, .data.ptr = c};
    return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

/* A complete response in c->resp: returns its total length, or 0. */
static size_t complete(struct conn *c)
{
    c->resp[c->got] = '\0';
    char *end = strstr(c->resp, "\r\n\r\n");
    if (!end)
        return 0;
    char *cl = strcasestr(c->resp, "Content-Length:");
    if (!cl || cl > end)
        return 0;
    size_t len = (size_t)atol(cl + 15);
    size_t total = (size_t)(end + 4 - c->resp) + len;
    return c->got >= total ? total : 0;
}

int main(int argc, char **argv)
{
    const char *url = NULL;
    int conc = 1, opt;
    double seconds = 10;
    uint64_t max_requests = 0;

    while ((opt = getopt(argc, argv, "u:i:k:q:c:d:n:sX:aw")) != -1) {
        switch (opt) {
        case 'u': url = optarg; break;
        case 'i': secret_id = optarg; break;
        case 'k': secret_key = optarg; break;
        case 'q': params = optarg; break;
        case 'c': conc = atoi(optarg); break;
        case 'd': seconds = atof(optarg); break;
        case 'n': max_requests = strtoull(optarg, NULL, 10); break;
        case 's': sha256 = true; break;
        case 'X': post = strcmp(optarg, "POST") == 0; break;
        case 'a': aliyun = true; break;
        case 'w': huawei = true; break;
        default: return 2;
        }
    }
    if (!url || !secret_id || !secret_key || !params || conc < 1 ||
        strncmp(url, "http://", 7) != 0) {
        fprintf(stderr, "usage: loadgen -u http://HOST:PORT/PATH -i ID -k KEY "
                        "-q PARAMS [-c N] [-d S] [-n N] [-s] [-X POST] [-a] "
                        "[-w]\n");
        return 2;
    }
    static char hostbuf[256], pathbuf[256];
    const char *h = url + 7, *slash = strchr(h, '/');
    snprintf(hostbuf, sizeof(hostbuf), "%.*s", (int)(slash - h), h);
    snprintf(pathbuf, sizeof(pathbuf), "%s", slash);
    host = hostbuf;
    path = pathbuf;
    char ip[64];
    int port;
    if (sscanf(host, "%63[^:]:%d", ip, &port) != 2)
        return 2;
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, ip, &addr.sin_addr);
    /* Distinct Nonces across runs in the same second. */
    nonce_base = ((uint64_t)getpid() << 32) ^ (uint64_t)now_us();
    nonce_next = nonce_base & 0x7fffffffffffffffULL;

    int ep = epoll_create1(EPOLL_CLOEXEC);
    struct conn *conns = calloc((size_t)conc, sizeof(*conns));
    for (int i = 0; i < conc; i++) {
        connect_one(ep, &conns[i]);
        build(&conns[i]);
    }
    int64_t t0 = now_us(), deadline = t0 + (int64_t)(seconds * 1e6);
    uint64_t started = (uint64_t)conc;
    int active = conc;
    struct epoll_event evs[256];

    while (active > 0) {
        int n = epoll_wait(ep, evs, 256, 1000);
        for (int i = 0; i < n; i++) {
            struct conn *c = evs[i].data.ptr;
            if (c->sent < c->reqlen && (evs[i].events & EPOLLOUT)) {
                ssize_t w = write(c->fd, c->req + c->sent, c->reqlen - c->sent);
                if (w > 0)
                    c->sent += (size_t)w;
                if (c->sent == c->reqlen) {
                    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
                    epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
                }
            }
            if (!(evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
                continue;
            ssize_t r =
                read(c->fd, c->resp + c->got, sizeof(c->resp) - 1 - c->got);
            if (r <= 0) {
                if (r < 0 && errno == EAGAIN)
                    continue;
                /* The server closed. Before any byte of the answer, on a
                 * connection that already had answers, that is the end of
                 * a keep-alive connection (nginx closes one after
                 * keepalive_requests answers): what any HTTP client does,
                 * reconnect and send again. Otherwise a request was lost.
                 * Either way it is signed again (a fresh Nonce). */
                if (c->got == 0 && c->served > 0)
                    reconnects++;
                else
                    errors++;
                close(c->fd);
                c->served = 0;
                connect_one(ep, c);
                build(c);
                continue;
            }
            c->got += (size_t)r;
            size_t total = complete(c);
            if (!total)
                continue;
            char *body = strstr(c->resp, "\r\n\r\n") + 4;
            if (huawei) {
                int status = atoi(c->resp + 9);
                record(now_us() - c->started_us, status == 200 ? 0 : status);
            } else if (aliyun) {
                /* "Code":200 is success; otherwise the HTTP status. */
                record(now_us() - c->started_us,
                       strstr(body, "\"Code\":200") ? 0 : atoll(c->resp + 9));
            } else {
                char *code = strstr(body, "\"code\":");
                record(now_us() - c->started_us, code ? atoll(code + 7) : -1);
            }
            c->served++;
            int64_t now = now_us();
            if (now >= deadline || (max_requests && started >= max_requests)) {
                close(c->fd);
                active--;
                continue;
            }
            started++;
            build(c);
            struct epoll_event ev = {.events = EPOLLOUT | EPOLLIN,
                                     .data.ptr = c};
            epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
        }
        if (now_us() > deadline + 120000000LL)
            break; /* two minutes past the end: give up on stragglers */
    }
    double elapsed = (double)(now_us() - t0) / 1e6;
    int64_t *sorted = lat;
    qsort(sorted, nlat, sizeof(*sorted), cmp_i64);
    uint64_t ok = 0;
    for (int i = 0; i < 8; i++)
        if (ncodes[i] && codeval[i] == 0)
            ok = ncodes[i];
#define Q(q)                                                                   \
    (nlat ? (double)sorted[(size_t)ceil((q) * (double)nlat) - 1] / 1000.0 : 0)
    printf("{\"concurrency\":%d,\"seconds\":%.3f,\"requests\":%zu,\"ok\":%llu,"
           "\"transport_errors\":%llu,\"reconnects\":%llu,\"rate\":%.1f,"
           "\"latency_ms\":{\"p50\":%.3f,"
           "\"p90\":%.3f,\"p99\":%.3f,\"max\":%.3f},\"codes\":{",
           conc, elapsed, nlat, (unsigned long long)ok,
           (unsigned long long)errors, (unsigned long long)reconnects,
           (double)nlat / elapsed, Q(0.50), Q(0.90), Q(0.99),
           nlat ? (double)sorted[nlat - 1] / 1000.0 : 0);
    for (int i = 0, first = 1; i < 8; i++) {
        if (!ncodes[i])
            continue;
        printf("%s\"%lld\":%llu", first ? "" : ",", (long long)codeval[i],
               (unsigned long long)ncodes[i]);
        first = 0;
    }
    printf("}}\n");
    return 0;
}
