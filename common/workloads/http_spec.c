/*
 * http: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, and what the
 * server and client of both styles make of the bytes (routing, response
 * heads, the header test), written once.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "wl_spec.h"

const tvc_param_spec wl_http_params[] = {
    {"role", "self", "self: server and clients here; server: serve only",
     "self|server"},
    {"host", "127.0.0.1", "address to bind (and connect to)", NULL},
    {"port", "0", "port; 0 picks a free one", "0..65535"},
    {"conns", "4", "client connections (role=self)", "0.."},
    {"requests", "100", "keep-alive requests per connection (role=self)",
     "0.."},
    {"header_limit_bytes", "8192", "longest request head accepted (431)",
     "64.."},
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

const char wl_http_body[] = "hello from tvc\n";
const char wl_http_request[] = "GET / HTTP/1.1\r\nHost: tvc\r\n\r\n";
const char wl_http_request_last[] =
    "GET / HTTP/1.1\r\nHost: tvc\r\nConnection: close\r\n\r\n";

const wl_http_reply wl_http_too_large = {431, "Request Header Fields Too Large",
                                         "too large\n", 0};

int wl_http_route(tvc_slice head, wl_http_reply *r)
{
    char method[16], path[256], version[16];
    const char *eol = memchr(head.data, '\r', head.len);
    char line[300];
    size_t llen = (size_t)(eol - head.data);
    if (llen >= sizeof line ||
        (memcpy(line, head.data, llen), line[llen] = '\0',
         sscanf(line, "%15s %255s %15s", method, path, version) != 3) ||
        strncmp(version, "HTTP/1.", 7) != 0) {
        *r = (wl_http_reply){400, "Bad Request", "bad request\n", 0};
        return 0;
    }
    int keep = strcmp(version, "HTTP/1.0") == 0
                   ? wl_http_has_token(head, "connection", "keep-alive")
                   : !wl_http_has_token(head, "connection", "close");
    if (strcmp(method, "GET") != 0)
        *r = (wl_http_reply){405, "Method Not Allowed", "method not allowed\n",
                             keep};
    else if (strcmp(path, "/") != 0)
        *r = (wl_http_reply){404, "Not Found", "not found\n", keep};
    else
        *r = (wl_http_reply){200, "OK", wl_http_body, keep};
    return 1;
}

size_t wl_http_reply_head(char *buf, size_t size, const wl_http_reply *r)
{
    int n = snprintf(buf, size,
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
                     "Content-Length: %zu\r\nConnection: %s\r\n\r\n",
                     r->status, r->reason, strlen(r->body),
                     r->keep_alive ? "keep-alive" : "close");
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

int wl_http_response_head(tvc_slice head, int *status, size_t *clen)
{
    const char *cl = NULL;
    for (const char *p = head.data; p + 16 <= head.data + head.len; p++)
        if (strncasecmp(p, "content-length: ", 16) == 0)
            cl = p + 16;
    if (sscanf(head.data, "HTTP/1.1 %d", status) != 1 || cl == NULL)
        return -EPROTO;
    *clen = strtoul(cl, NULL, 10);
    return 0;
}

int wl_http_body_is(tvc_slice body, const char *want)
{
    return want != NULL && body.len == strlen(want) &&
           memcmp(body.data, want, body.len) == 0;
}
