/* http.c - request headers from FastCGI params (the web server passes each
 * header as HTTP_NAME, upper-cased, '-' as '_'). No state, no I/O. */
#include "common/http.h"

#include "common/pool.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

const char *http_header(const struct http_request *r, const char *name)
{
    char want[128];
    size_t n = strlen(name);

    if (!r->envp || n + 6 > sizeof(want))
        return NULL;
    /* CGI passes these two without the HTTP_ prefix. */
    if (strcasecmp(name, "content-type") == 0)
        return r->content_type;
    if (strcasecmp(name, "content-length") == 0) {
        for (char *const *e = r->envp; *e; e++)
            if (strncmp(*e, "CONTENT_LENGTH=", 15) == 0)
                return *e + 15;
        return NULL;
    }
    memcpy(want, "HTTP_", 5);
    for (size_t i = 0; i < n; i++)
        want[5 + i] =
            name[i] == '-' ? '_' : (char)toupper((unsigned char)name[i]);
    n += 5;
    want[n++] = '=';
    for (char *const *e = r->envp; *e; e++)
        if (strncmp(*e, want, n) == 0)
            return *e + n;
    return NULL;
}

const char *http_path(struct pool *pool, const char *document_uri,
                      const char *request_uri, const char *script_name)
{
    const char *uri = document_uri;
    if (!uri || !*uri)
        uri = request_uri;
    if (!uri || !*uri)
        uri = script_name;
    if (!uri)
        return "";
    const char *q = strchr(uri, '?');
    return q ? pool_strndup(pool, uri, (size_t)(q - uri)) : uri;
}

bool http_is_form(const char *ct)
{
    static const char form[] = "application/x-www-form-urlencoded";
    size_t n = sizeof(form) - 1;
    if (!ct || !*ct)
        return true;
    while (*ct == ' ')
        ct++;
    return strncasecmp(ct, form, n) == 0 &&
           (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}
