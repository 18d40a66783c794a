/*
 * http: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, and the header
 * test both servers make, written once.
 */
#include <string.h>
#include <strings.h>

#include "wl_spec.h"

const tvc_param_spec wl_http_params[] = {
    {"role", "self", "self: server and clients here; server: serve only",
     "self|server"},
    {"host", "127.0.0.1", "address to bind (and connect to)", NULL},
    {"port", "0", "port; 0 picks a free one", NULL},
    {"conns", "4", "client connections (role=self)", NULL},
    {"requests", "100", "keep-alive requests per connection (role=self)", NULL},
    {"header_limit_bytes", "8192", "longest request head accepted (431)", NULL},
    {"duration_ms", "0", "role=server: stop after this long (0: on signal)",
     NULL},
    {NULL, NULL, NULL, NULL},
};

const char wl_http_summary[] =
    "minimal HTTP/1.1 keep-alive server on streams (for wrk, curl)";

int wl_http_has_token(tvc_slice head, const char *name, const char *token)
{
    size_t nlen = strlen(name), tlen = strlen(token);
    const char *p = head.data, *end = head.data + head.len;
    while (p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL)
            eol = end;
        if ((size_t)(eol - p) > nlen && strncasecmp(p, name, nlen) == 0 &&
            p[nlen] == ':') {
            for (const char *v = p + nlen + 1; v + tlen <= eol; v++)
                if (strncasecmp(v, token, tlen) == 0)
                    return 1;
        }
        p = eol + 1;
    }
    return 0;
}
