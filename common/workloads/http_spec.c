/*
 * http: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, and what the
 * server and client of both styles make of the bytes, written once: the
 * request head's parser (RFC 9112: request line, framing, connection),
 * routing, the body's framing as a small machine the two servers drive
 * with their own reads, and the response heads.  Pure: no allocation, no
 * I/O, so the fuzz target (tests/fuzz/fuzz_http.c) can run it on any
 * bytes.
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
    {"linger_ms", "0", WL_LINGER_MS_HELP, "-1..2147483647"},
    {"idle_timeout_ms", "0", WL_IDLE_TIMEOUT_MS_HELP, "0..2147483647"},
    {NULL, NULL, NULL, NULL},
};

const char wl_http_summary[] =
    "minimal HTTP/1.1 keep-alive server on streams (for wrk, curl)";

const char wl_http_body[] = "hello from tvc\n";
const char wl_http_request[] = "GET / HTTP/1.1\r\nHost: tvc\r\n\r\n";
const char wl_http_request_last[] =
    "GET / HTTP/1.1\r\nHost: tvc\r\nConnection: close\r\n\r\n";

/* ---- the request head ---------------------------------------------------- */

/* RFC 9110 5.6.2: the characters of a token (method, field name, coding). */
static int is_tchar(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || (c != 0 && strchr("!#$%&'*+-.^_`|~", c));
}

static int is_ows(char c)
{
    return c == ' ' || c == '\t';
}

/* Bytes a field value may hold (RFC 9110 5.5): visible, obs-text, SP and
 * HTAB; a CR, LF or NUL inside one is the start of a smuggling attempt. */
static int is_field_char(unsigned char c)
{
    return c >= 0x20 ? c != 0x7f : c == '\t';
}

/* The slice between p and end without surrounding OWS. */
static tvc_slice trim(const char *p, const char *end)
{
    while (p < end && is_ows(*p))
        p++;
    while (end > p && is_ows(end[-1]))
        end--;
    return (tvc_slice){p, (size_t)(end - p)};
}

static int slice_is(tvc_slice s, const char *lit)
{
    return s.len == strlen(lit) && strncasecmp(s.data, lit, s.len) == 0;
}

/* The next element of a comma-separated list (RFC 9110 5.6.1) at *p
 * (moved past it), OWS trimmed; empty elements are returned too, for the
 * caller to skip. */
static tvc_slice list_next(const char **p, const char *end)
{
    const char *comma = memchr(*p, ',', (size_t)(end - *p));
    const char *stop = comma != NULL ? comma : end;
    tvc_slice e = trim(*p, stop);
    *p = comma != NULL ? comma + 1 : end;
    return e;
}

/* Content-Length (RFC 9110 8.6): one or more equal decimal values (a
 * list "5, 5", or the header repeated, may only repeat the one length).
 * 0, or 400 for anything else.  Eighteen digits fit an int64_t. */
static int content_length(tvc_slice v, wl_http_req *q)
{
    const char *p = v.data, *end = v.data + v.len;
    while (p < end) {
        tvc_slice e = list_next(&p, end);
        if (e.len == 0 || e.len > 18)
            return 400;
        int64_t n = 0;
        for (size_t i = 0; i < e.len; i++) {
            if (e.data[i] < '0' || e.data[i] > '9')
                return 400;
            n = n * 10 + (e.data[i] - '0');
        }
        if (q->content_length >= 0 && q->content_length != n)
            return 400;
        q->content_length = n;
    }
    return q->content_length >= 0 ? 0 : 400;
}

/* Transfer-Encoding (RFC 9112 6.1): its codings, in order, across every
 * such header; only whether chunked is last, and what else, matters. */
typedef struct te_seen {
    int present;      /* the header appeared */
    int chunked;      /* times chunked was named */
    int last_chunked; /* the last coding named is chunked */
    int other;        /* a coding other than chunked was named */
} te_seen;

static int transfer_encoding(tvc_slice v, te_seen *te)
{
    const char *p = v.data, *end = v.data + v.len;
    te->present = 1;
    while (p < end) {
        tvc_slice e = list_next(&p, end);
        if (e.len == 0)
            continue;
        /* A coding may carry parameters ("gzip;q=1"): its name ends
         * before them. */
        size_t n = 0;
        while (n < e.len && is_tchar((unsigned char)e.data[n]))
            n++;
        if (n == 0)
            return 400;
        int chunked = slice_is((tvc_slice){e.data, n}, "chunked");
        if (chunked && n != e.len)
            return 400; /* chunked takes no parameters */
        te->chunked += chunked;
        te->other |= !chunked;
        te->last_chunked = chunked;
    }
    return 0;
}

/* Connection (RFC 9112 9.3): the close and keep-alive options. */
static void connection(tvc_slice v, int *close, int *keep_alive)
{
    const char *p = v.data, *end = v.data + v.len;
    while (p < end) {
        tvc_slice e = list_next(&p, end);
        *close |= slice_is(e, "close");
        *keep_alive |= slice_is(e, "keep-alive");
    }
}

/* The request line (RFC 9112 3): method SP target SP HTTP/D.D, exactly;
 * 0, 400, or 505 for another major version. */
static int request_line(const char *p, const char *end, wl_http_req *q)
{
    const char *m = p;
    while (p < end && is_tchar((unsigned char)*p))
        p++;
    if (p == m || p == end || *p != ' ')
        return 400;
    /* Method names are case-sensitive: "get" is not GET. */
    size_t ml = (size_t)(p - m);
    q->method = ml == 3 && memcmp(m, "GET", 3) == 0    ? WL_HTTP_GET
                : ml == 4 && memcmp(m, "HEAD", 4) == 0 ? WL_HTTP_HEAD
                                                       : WL_HTTP_OTHER;
    const char *t = ++p;
    while (p < end && (unsigned char)*p > ' ' && *p != 0x7f)
        p++;
    if (p == t || p == end || *p != ' ')
        return 400;
    q->target = (tvc_slice){t, (size_t)(p - t)};
    p++;
    if (end - p != 8 || memcmp(p, "HTTP/", 5) != 0 || p[5] < '0' ||
        p[5] > '9' || p[6] != '.' || p[7] < '0' || p[7] > '9')
        return 400;
    q->minor = p[7] - '0';
    return p[5] == '1' ? 0 : 505;
}

/* One field line: name ":" OWS value OWS, folded into q and te. */
static int field_line(const char *p, const char *end, wl_http_req *q,
                      te_seen *te, int *close, int *keep_alive, int *hosts)
{
    const char *name = p;
    while (p < end && is_tchar((unsigned char)*p))
        p++;
    /* No name, or whitespace before the colon (RFC 9112 5.1), or an
     * obs-fold continuation line: all refused, never guessed at. */
    if (p == name || p == end || *p != ':')
        return 400;
    tvc_slice n = {name, (size_t)(p - name)};
    for (const char *c = ++p; c < end; c++)
        if (!is_field_char((unsigned char)*c))
            return 400;
    tvc_slice v = trim(p, end);
    if (slice_is(n, "content-length"))
        return content_length(v, q);
    if (slice_is(n, "transfer-encoding"))
        return transfer_encoding(v, te);
    if (slice_is(n, "connection"))
        connection(v, close, keep_alive);
    else if (slice_is(n, "host"))
        ++*hosts;
    return 0;
}

/* The checks that need the whole head: framing (RFC 9112 6.1, 6.3) and
 * Host (RFC 9112 3.2). */
static int head_framing(wl_http_req *q, const te_seen *te, int hosts)
{
    if (hosts > 1 || (hosts == 0 && q->minor >= 1))
        return 400;
    if (!te->present)
        return 0;
    /* Both framings at once is how requests are smuggled; chunked not
     * last leaves the length unknowable; HTTP/1.0 has no chunked. */
    if (q->content_length >= 0 || q->minor == 0 || !te->last_chunked ||
        te->chunked > 1)
        return 400;
    if (te->other)
        return 501; /* a coding this server does not implement */
    q->chunked = 1;
    return 0;
}

int wl_http_parse(tvc_slice head, wl_http_req *q)
{
    *q = (wl_http_req){.content_length = -1};
    const char *p = head.data, *end = head.data + head.len;
    /* RFC 9112 2.2: empty lines before the request line are ignored
     * (some clients send a CRLF after a body). */
    while (end - p >= 2 && p[0] == '\r' && p[1] == '\n')
        p += 2;
    /* 400 unless the blank line that ends the head is reached. */
    int close = 0, keep_alive = 0, hosts = 0, rc = 400;
    te_seen te = {0};
    for (int first = 1; p < end; first = 0) {
        const char *eol = p;
        while (eol + 1 < end && !(eol[0] == '\r' && eol[1] == '\n'))
            eol++;
        if (eol + 1 >= end)
            break; /* the last line lacks its CRLF */
        if (eol == p) {
            rc = eol + 2 == end ? head_framing(q, &te, hosts) : 400;
            break;
        }
        int lrc = first
                      ? request_line(p, eol, q)
                      : field_line(p, eol, q, &te, &close, &keep_alive, &hosts);
        if (lrc != 0) {
            rc = lrc;
            break;
        }
        p = eol + 2;
    }
    q->error = rc;
    q->keep_alive = rc == 0 && !close && (q->minor >= 1 || keep_alive);
    return rc;
}

/* ---- routing and replies ------------------------------------------------- */

/* Every status this server sends, with its reason and body. */
static const struct {
    int status;
    const char *reason, *body;
} replies[] = {
    {200, "OK", wl_http_body},
    {400, "Bad Request", "bad request\n"},
    {404, "Not Found", "not found\n"},
    {405, "Method Not Allowed", "method not allowed\n"},
    {413, "Content Too Large", "content too large\n"},
    {431, "Request Header Fields Too Large", "too large\n"},
    {501, "Not Implemented", "not implemented\n"},
    {505, "HTTP Version Not Supported", "version not supported\n"},
};

void wl_http_reply_set(wl_http_reply *r, int status, int keep_alive)
{
    /* Callers pass only the table's statuses; anything else would get
     * the last row. */
    size_t i = 0;
    while (i < sizeof replies / sizeof *replies - 1 &&
           replies[i].status != status)
        i++;
    *r = (wl_http_reply){replies[i].status, replies[i].reason, replies[i].body,
                         keep_alive, 0};
}

void wl_http_route(tvc_slice head, wl_http_reply *r, wl_http_framing *b)
{
    wl_http_req q;
    *b = (wl_http_framing){0};
    if (wl_http_parse(head, &q) != 0) {
        wl_http_reply_set(r, q.error, 0);
        return;
    }
    if (q.content_length > WL_HTTP_BODY_MAX) {
        wl_http_reply_set(r, 413, 0);
        return;
    }
    int status = q.method == WL_HTTP_OTHER                      ? 405
                 : q.target.len == 1 && q.target.data[0] == '/' ? 200
                                                                : 404;
    wl_http_reply_set(r, status, q.keep_alive);
    r->head_only = q.method == WL_HTTP_HEAD;
    /* The body is read (and dropped) before the next request only when
     * the connection stays open. */
    if (q.keep_alive)
        *b = (wl_http_framing){
            .state = q.chunked              ? WL_HTTP_CHUNK_SIZE
                     : q.content_length > 0 ? WL_HTTP_DATA
                                            : WL_HTTP_DONE,
            .chunked = q.chunked,
            .left = q.content_length > 0 ? (uint64_t)q.content_length : 0};
}

size_t wl_http_reply_head(char *buf, size_t size, const wl_http_reply *r)
{
    /* RFC 9110 15.5.6: a 405 says which methods are allowed. */
    int n = snprintf(buf, size,
                     "HTTP/1.1 %d %s\r\nContent-Type: text/plain\r\n"
                     "Content-Length: %zu\r\n%sConnection: %s\r\n\r\n",
                     r->status, r->reason, strlen(r->body),
                     r->status == 405 ? "Allow: GET, HEAD\r\n" : "",
                     r->keep_alive ? "keep-alive" : "close");
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* ---- the request body ---------------------------------------------------- */

int wl_http_body_next(const wl_http_framing *b, size_t *n)
{
    if (b->state != WL_HTTP_DATA)
        return b->state == WL_HTTP_DONE ? WL_HTTP_BODY_DONE : WL_HTTP_BODY_LINE;
    *n = b->left < WL_HTTP_READ_CHUNK ? (size_t)b->left : WL_HTTP_READ_CHUNK;
    return WL_HTTP_BODY_DATA;
}

/* A chunk-size line (RFC 9112 7.1): 1*HEXDIG, then optionally BWS and
 * chunk extensions (";" ...), which are ignored.  0, -EPROTO, or -EFBIG
 * for a chunk larger than any body this server takes. */
static int chunk_size(tvc_slice line, uint64_t *size)
{
    const char *p = line.data, *end = line.data + line.len - 2;
    uint64_t n = 0;
    int digits = 0;
    for (; p < end; p++, digits++) {
        int d = *p >= '0' && *p <= '9'   ? *p - '0'
                : *p >= 'a' && *p <= 'f' ? *p - 'a' + 10
                : *p >= 'A' && *p <= 'F' ? *p - 'A' + 10
                                         : -1;
        if (d < 0)
            break;
        n = n * 16 + (uint64_t)d;
        if (n > WL_HTTP_BODY_MAX)
            return -EFBIG; /* and before n could overflow */
    }
    while (p < end && is_ows(*p))
        p++;
    if (digits == 0 || (p < end && *p != ';'))
        return -EPROTO;
    for (; p < end; p++)
        if (!is_field_char((unsigned char)*p))
            return -EPROTO;
    *size = n;
    return 0;
}

int wl_http_body_feed(wl_http_framing *b, tvc_slice got)
{
    if (b->state == WL_HTTP_DATA) {
        if (got.len == 0)
            return TVC_EINCOMPLETE; /* read() at the end of the stream */
        b->left -= got.len;
        if (b->left == 0)
            b->state = b->chunked ? WL_HTTP_CHUNK_END : WL_HTTP_DONE;
        return 0;
    }
    /* Every other state reads a line; at the end of the stream readline
     * returns what there was, without its line feed. */
    if (got.len == 0 || got.data[got.len - 1] != '\n')
        return TVC_EINCOMPLETE;
    if (got.len < 2 || got.data[got.len - 2] != '\r')
        return -EPROTO; /* a bare LF: framing a proxy may read otherwise */
    b->total += got.len;
    if (b->total > WL_HTTP_BODY_MAX)
        return -EFBIG;
    uint64_t size;
    int rc;
    switch (b->state) {
    case WL_HTTP_CHUNK_SIZE:
        rc = chunk_size(got, &size);
        if (rc != 0)
            return rc;
        if (size > WL_HTTP_BODY_MAX - b->total)
            return -EFBIG;
        b->total += size;
        b->left = size;
        b->state = size > 0 ? WL_HTTP_DATA : WL_HTTP_TRAILER;
        return 0;
    case WL_HTTP_CHUNK_END:
        if (got.len != 2)
            return -EPROTO; /* the chunk was longer than it said */
        b->state = WL_HTTP_CHUNK_SIZE;
        return 0;
    case WL_HTTP_TRAILER:
        /* Trailer fields are dropped unread; the blank line ends. */
        for (size_t i = 0; i + 2 < got.len; i++)
            if (!is_field_char((unsigned char)got.data[i]))
                return -EPROTO;
        if (got.len == 2)
            b->state = WL_HTTP_DONE;
        return 0;
    default:
        return -EPROTO; /* fed after the end: a caller's bug */
    }
}

int wl_http_body_refused(int rc, wl_http_reply *r)
{
    if (rc == -EPROTO || rc == TVC_ELIMIT)
        wl_http_reply_set(r, 400, 0);
    else if (rc == -EFBIG)
        wl_http_reply_set(r, 413, 0);
    else
        return 0;
    return 1;
}

/* ---- the client side ----------------------------------------------------- */

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
