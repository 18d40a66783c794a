/*
 * fuzz_http: the http server's request parsing (common/workloads/
 * http_spec.c) on arbitrary bytes, as a server would meet them.  The whole
 * input is parsed as a head (wl_http_parse); then, as the server does, the
 * input up to its first CRLFCRLF is the head (wl_http_route), and the rest
 * is the stream its body is read from, through the framing machine
 * (wl_http_body_next / _feed) with readline and read simulated over the
 * bytes, a read limit included.  Asserts what the servers rely on: a
 * refused head closes the connection and reads no body, a kept one never
 * has two framings, a reply head fits its buffer, and reading a body ends,
 * never reads past the input, and never takes more than it was told to.
 * Seeds: tests/fuzz/corpus/http/.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wl_spec.h"

/* The servers' default read limit (header_limit_bytes). */
#define FUZZ_LIMIT 8192

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__,   \
                    #cond);                                                    \
            abort();                                                           \
        }                                                                      \
    } while (0)

static void check_parse(tvc_slice head)
{
    wl_http_req q;
    int rc = wl_http_parse(head, &q);
    CHECK(rc == q.error);
    CHECK(rc == 0 || rc == 400 || rc == 501 || rc == 505);
    if (rc != 0) {
        CHECK(!q.keep_alive);
        return;
    }
    CHECK(q.method == WL_HTTP_GET || q.method == WL_HTTP_HEAD ||
          q.method == WL_HTTP_OTHER);
    CHECK(q.target.len > 0 && q.target.data >= head.data &&
          q.target.data + q.target.len <= head.data + head.len);
    CHECK(q.minor >= 0 && q.minor <= 9);
    CHECK(q.content_length >= -1);
    /* Never both framings (RFC 9112 6.3), and no chunked in 1.0. */
    CHECK(!(q.chunked && q.content_length >= 0));
    CHECK(!q.chunked || q.minor >= 1);
}

/* One simulated stream read of the body from in[*pos..len): readline
 * (up to and including LF, TVC_ELIMIT past the limit, what is left at
 * EOF) or read up to n bytes. */
static int sim_read(const uint8_t *in, size_t len, size_t *pos, int kind,
                    size_t n, tvc_slice *got)
{
    const char *p = (const char *)in + *pos;
    size_t left = len - *pos;
    if (kind == WL_HTTP_BODY_DATA) {
        CHECK(n > 0);
        *got = (tvc_slice){p, n < left ? n : left};
    } else {
        const char *lf = memchr(p, '\n', left);
        size_t before = lf != NULL ? (size_t)(lf - p) : left;
        if (before > FUZZ_LIMIT)
            return TVC_ELIMIT;
        *got = (tvc_slice){p, lf != NULL ? before + 1 : left};
    }
    *pos += got->len;
    return 0;
}

/* Reads the body from in[0..len) as a server does, into reply r. */
static void check_body(const uint8_t *in, size_t len, wl_http_reply *r,
                       wl_http_framing *b)
{
    size_t pos = 0, n = 0;
    int kind, rc = 0;
    uint64_t data = 0, announced = b->state == WL_HTTP_DATA ? b->left : 0;
    while (rc == 0 && (kind = wl_http_body_next(b, &n)) != WL_HTTP_BODY_DONE) {
        CHECK(kind == WL_HTTP_BODY_LINE || kind == WL_HTTP_BODY_DATA);
        size_t before = pos;
        tvc_slice got;
        rc = sim_read(in, len, &pos, kind, n, &got);
        if (rc == 0) {
            if (kind == WL_HTTP_BODY_DATA) {
                CHECK(got.len <= b->left);
                data += got.len;
            }
            rc = wl_http_body_feed(b, got);
            CHECK(rc == 0 || rc == TVC_EINCOMPLETE || rc == -EPROTO ||
                  rc == -EFBIG);
            /* Each step takes bytes or ends: the loop terminates. */
            CHECK(rc != 0 || pos > before);
        }
        CHECK(pos <= len);
    }
    if (!b->chunked && rc == 0)
        CHECK(data == announced); /* exactly Content-Length */
    CHECK(data <= WL_HTTP_BODY_MAX);
    if (rc != 0) {
        int refused = wl_http_body_refused(rc, r);
        CHECK(refused == (rc != TVC_EINCOMPLETE));
        CHECK(!refused || !r->keep_alive);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_parse((tvc_slice){(const char *)data, size});

    /* The server's view: the head through the first CRLFCRLF. */
    const uint8_t *end = NULL;
    for (size_t i = 0; end == NULL && i + 4 <= size; i++)
        if (memcmp(data + i, "\r\n\r\n", 4) == 0)
            end = data + i;
    if (end == NULL || (size_t)(end - data) > FUZZ_LIMIT)
        return 0; /* the server reads on, or answers 431 */
    tvc_slice head = {(const char *)data, (size_t)(end + 4 - data)};
    check_parse(head);
    wl_http_reply r;
    wl_http_framing b;
    wl_http_route(head, &r, &b);
    CHECK(r.reason != NULL && r.body != NULL);
    CHECK(r.status == 200 || r.status == 400 || r.status == 404 ||
          r.status == 405 || r.status == 413 || r.status == 501 ||
          r.status == 505);
    CHECK(r.keep_alive || b.state == WL_HTTP_DONE); /* refused: no body */
    CHECK(r.status < 400 || r.status == 404 || r.status == 405 ||
          !r.keep_alive);
    char buf[256];
    size_t n = wl_http_reply_head(buf, sizeof buf, &r);
    CHECK(n + 1 < sizeof buf && n >= 4 &&
          memcmp(buf + n - 4, "\r\n\r\n", 4) == 0);
    check_body(end + 4, size - head.len, &r, &b);
    return 0;
}
