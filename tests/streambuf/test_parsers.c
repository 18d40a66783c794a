/*
 * The stream buffer's parsers at every edge asyncio's StreamReader has:
 * separators split across feeds at every point, separators at the limit
 * boundary, EOF mid-line and on an empty buffer, empty feeds, zero-length
 * reads, readexactly across many feeds, limit overrun leaving the buffer
 * intact, large data, compaction, and the scan memory that keeps a long
 * line from being rescanned at every feed.
 */
#include "tvc/streambuf.h"

#include "tvc_test.h"

#include <errno.h>

static void feed(tvc_streambuf *sb, const char *s)
{
    ASSERT_OK(tvc_streambuf_feed(sb, s, strlen(s)));
}

static void feed_n(tvc_streambuf *sb, const char *s, size_t n)
{
    ASSERT_OK(tvc_streambuf_feed(sb, s, n));
}

/* A slice equal to the n bytes at want. */
#define ASSERT_SLICE_N(sl, want, n)                                            \
    do {                                                                       \
        tvc_slice s_ = (sl);                                                   \
        size_t n_ = (n);                                                       \
        ASSERT_EQ(s_.len, n_);                                                 \
        ASSERT(s_.data != NULL);                                               \
        if (n_ && memcmp(s_.data, (want), n_) != 0)                            \
            TVC__FAIL("slice \"%.*s\" != \"%.*s\"", (int)s_.len, s_.data,      \
                      (int)n_, (const char *)(want));                          \
    } while (0)
#define ASSERT_SLICE(sl, want) ASSERT_SLICE_N(sl, want, strlen(want))

static void test_empty(void)
{
    tvc_streambuf sb;
    tvc_slice out;
    tvc_streambuf_init(&sb, 0);
    ASSERT_EQ(sb.limit, TVC_STREAM_LIMIT_DEFAULT);
    ASSERT_EQ(tvc_streambuf_len(&sb), 0);
    ASSERT_EQ(tvc_streambuf_at_eof(&sb), 0);
    ASSERT_ERR(tvc_streambuf_read(&sb, 10, &out), -EAGAIN);
    ASSERT_ERR(tvc_streambuf_readexactly(&sb, 1, &out), -EAGAIN);
    ASSERT_ERR(tvc_streambuf_readline(&sb, &out), -EAGAIN);
    ASSERT_ERR(tvc_streambuf_readuntil(&sb, "ab", 2, &out), -EAGAIN);
    /* Zero-length reads answer at once, even with nothing buffered. */
    ASSERT_OK(tvc_streambuf_read(&sb, 0, &out));
    ASSERT_SLICE(out, "");
    ASSERT_OK(tvc_streambuf_readexactly(&sb, 0, &out));
    ASSERT_SLICE(out, "");
    /* An empty separator is refused. */
    ASSERT_ERR(tvc_streambuf_readuntil(&sb, "", 0, &out), -EINVAL);
    /* Empty feeds change nothing and allocate nothing. */
    ASSERT_OK(tvc_streambuf_feed(&sb, "", 0));
    ASSERT_OK(tvc_streambuf_feed(&sb, NULL, 0));
    ASSERT(sb.data == NULL);
    ASSERT_ERR(tvc_streambuf_readline(&sb, &out), -EAGAIN);

    /* EOF on an empty buffer: every parser says so its own way. */
    tvc_streambuf_feed_eof(&sb);
    ASSERT_EQ(tvc_streambuf_at_eof(&sb), 1);
    ASSERT_OK(tvc_streambuf_read(&sb, 10, &out));
    ASSERT_SLICE(out, "");
    ASSERT_OK(tvc_streambuf_readline(&sb, &out));
    ASSERT_SLICE(out, "");
    ASSERT_ERR(tvc_streambuf_readuntil(&sb, "\r\n", 2, &out), TVC_EINCOMPLETE);
    ASSERT_SLICE(out, "");
    ASSERT_ERR(tvc_streambuf_readexactly(&sb, 4, &out), TVC_EINCOMPLETE);
    ASSERT_SLICE(out, "");
    ASSERT_OK(tvc_streambuf_readexactly(&sb, 0, &out));
    ASSERT_SLICE(out, "");
    tvc_streambuf_free(&sb);
}

static void test_read(void)
{
    tvc_streambuf sb;
    tvc_slice out;
    tvc_streambuf_init(&sb, 0);
    feed(&sb, "hello");
    ASSERT_OK(tvc_streambuf_read(&sb, 0, &out));
    ASSERT_SLICE(out, "");
    ASSERT_EQ(tvc_streambuf_len(&sb), 5);
    ASSERT_OK(tvc_streambuf_read(&sb, 3, &out));
    ASSERT_SLICE(out, "hel");
    /* Up to n: what is there. */
    ASSERT_OK(tvc_streambuf_read(&sb, 10, &out));
    ASSERT_SLICE(out, "lo");
    ASSERT_ERR(tvc_streambuf_read(&sb, 10, &out), -EAGAIN);
    feed(&sb, "x");
    tvc_streambuf_feed_eof(&sb);
    ASSERT_EQ(tvc_streambuf_at_eof(&sb), 0);
    ASSERT_OK(tvc_streambuf_read(&sb, 10, &out));
    ASSERT_SLICE(out, "x");
    ASSERT_EQ(tvc_streambuf_at_eof(&sb), 1);
    ASSERT_OK(tvc_streambuf_read(&sb, 10, &out));
    ASSERT_SLICE(out, "");
    tvc_streambuf_free(&sb);
}

static void test_readline(void)
{
    tvc_streambuf sb;
    tvc_slice out;
    tvc_streambuf_init(&sb, 0);
    feed(&sb, "a\nbc\n\nd");
    ASSERT_OK(tvc_streambuf_readline(&sb, &out));
    ASSERT_SLICE(out, "a\n");
    ASSERT_OK(tvc_streambuf_readline(&sb, &out));
    ASSERT_SLICE(out, "bc\n");
    ASSERT_OK(tvc_streambuf_readline(&sb, &out));
    ASSERT_SLICE(out, "\n");
    ASSERT_ERR(tvc_streambuf_readline(&sb, &out), -EAGAIN);
    feed(&sb, "e");
    ASSERT_ERR(tvc_streambuf_readline(&sb, &out), -EAGAIN);
    /* EOF mid-line: the partial line is the line. */
    tvc_streambuf_feed_eof(&sb);
    ASSERT_OK(tvc_streambuf_readline(&sb, &out));
    ASSERT_SLICE(out, "de");
    ASSERT_EQ(tvc_streambuf_at_eof(&sb), 1);
    ASSERT_OK(tvc_streambuf_readline(&sb, &out));
    ASSERT_SLICE(out, "");
    tvc_streambuf_free(&sb);
}

static void test_eof_partial(void)
{
    tvc_streambuf sb;
    tvc_slice out;
    tvc_streambuf_init(&sb, 0);
    /* readuntil at EOF: the partial bytes, which may end in part of the
     * separator, are handed out and consumed. */
    feed(&sb, "ab\r");
    ASSERT_ERR(tvc_streambuf_readuntil(&sb, "\r\n", 2, &out), -EAGAIN);
    tvc_streambuf_feed_eof(&sb);
    ASSERT_ERR(tvc_streambuf_readuntil(&sb, "\r\n", 2, &out), TVC_EINCOMPLETE);
    ASSERT_SLICE(out, "ab\r");
    ASSERT_EQ(tvc_streambuf_at_eof(&sb), 1);
    tvc_streambuf_free(&sb);

    /* A complete separator that arrived with the EOF is still found. */
    tvc_streambuf_init(&sb, 0);
    feed(&sb, "ab\r\ncd");
    tvc_streambuf_feed_eof(&sb);
    ASSERT_OK(tvc_streambuf_readuntil(&sb, "\r\n", 2, &out));
    ASSERT_SLICE(out, "ab\r\n");
    ASSERT_ERR(tvc_streambuf_readexactly(&sb, 5, &out), TVC_EINCOMPLETE);
    ASSERT_SLICE(out, "cd");
    ASSERT_EQ(tvc_streambuf_at_eof(&sb), 1);
    tvc_streambuf_free(&sb);

    /* readexactly: exact when enough arrived before the EOF. */
    tvc_streambuf_init(&sb, 0);
    feed(&sb, "abcdef");
    tvc_streambuf_feed_eof(&sb);
    ASSERT_OK(tvc_streambuf_readexactly(&sb, 6, &out));
    ASSERT_SLICE(out, "abcdef");
    ASSERT_EQ(tvc_streambuf_at_eof(&sb), 1);
    tvc_streambuf_free(&sb);
}

/* Feeds msg in the pieces cut at the given points, calling readuntil after
 * each piece; the separator must be found exactly once, when its last byte
 * arrives, and the rest must stay buffered. */
static void split_case(const char *msg, const char *sep, size_t want,
                       const size_t *cuts, int ncuts)
{
    tvc_streambuf sb;
    tvc_slice out;
    size_t seplen = strlen(sep), len = strlen(msg), pos = 0;
    int found = 0;
    tvc_streambuf_init(&sb, 0);
    for (int i = 0; i <= ncuts; i++) {
        size_t next = i < ncuts ? cuts[i] : len;
        feed_n(&sb, msg + pos, next - pos);
        pos = next;
        int r = tvc_streambuf_readuntil(&sb, sep, seplen, &out);
        if (pos < want) {
            ASSERT_ERR(r, -EAGAIN);
        } else if (!found) {
            ASSERT_OK(r);
            ASSERT_SLICE_N(out, msg, want);
            found = 1;
        }
    }
    ASSERT(found);
    ASSERT_EQ(tvc_streambuf_len(&sb), len - want);
    ASSERT_OK(tvc_streambuf_readexactly(&sb, len - want, &out));
    ASSERT_SLICE_N(out, msg + want, len - want);
    tvc_streambuf_free(&sb);
}

static void test_split_separator(void)
{
    static const struct {
        const char *msg, *sep;
    } cases[] = {
        {"GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY", "\r\n\r\n"},
        {"line one\nline two", "\n"},
        {"xx--boundary--yy", "--boundary--"},
        /* Overlapping prefixes: the separator starts one byte in. */
        {"aaab.rest", "aab"},
        {"abababc!", "ababc"},
        {"\r\n\r\n", "\r\n\r\n"},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const char *msg = cases[c].msg, *sep = cases[c].sep;
        size_t len = strlen(msg);
        size_t want = (size_t)(strstr(msg, sep) - msg) + strlen(sep);
        /* Two pieces, cut at every point. */
        for (size_t i = 0; i <= len; i++)
            split_case(msg, sep, want, &i, 1);
        /* Three pieces, every pair of points (empty pieces included). */
        for (size_t i = 0; i <= len; i++) {
            for (size_t j = i; j <= len; j++) {
                size_t cuts[2] = {i, j};
                split_case(msg, sep, want, cuts, 2);
            }
        }
        /* One byte at a time. */
        size_t cuts[64];
        ASSERT_LT(len, 64);
        for (size_t i = 0; i < len; i++)
            cuts[i] = i + 1;
        split_case(msg, sep, want, cuts, (int)len);
    }
}

enum { LIMIT = 16 };

/* A line of d data bytes then sep, against limit LIMIT: asyncio accepts
 * a separator that starts at offset <= limit. */
static void limit_case(const char *sep, size_t d, int bytewise)
{
    char msg[64];
    size_t seplen = strlen(sep);
    memset(msg, 'x', d);
    memcpy(msg + d, sep, seplen);
    size_t len = d + seplen;
    int ok = d <= LIMIT;

    tvc_streambuf sb;
    tvc_slice out;
    tvc_streambuf_init(&sb, LIMIT);
    int r = -EAGAIN;
    for (size_t pos = 0; pos < len && r == -EAGAIN;) {
        size_t n = bytewise ? 1 : len;
        feed_n(&sb, msg + pos, n);
        pos += n;
        r = tvc_streambuf_readuntil(&sb, sep, seplen, &out);
        /* Overrun is reported as soon as the first limit + 1 bytes can
         * no longer hold a separator start, not earlier, not later. */
        if (r == -EAGAIN && pos >= seplen)
            ASSERT_LE(pos - seplen + 1, LIMIT);
        if (r == TVC_ELIMIT && bytewise)
            ASSERT_EQ(pos, LIMIT + seplen);
    }
    if (ok) {
        ASSERT_OK(r);
        ASSERT_SLICE_N(out, msg, len);
        ASSERT_EQ(tvc_streambuf_len(&sb), 0);
    } else {
        ASSERT_ERR(r, TVC_ELIMIT);
        ASSERT_SLICE(out, "");
        /* Intact, and the same answer again. */
        size_t have = tvc_streambuf_len(&sb);
        ASSERT_ERR(tvc_streambuf_readuntil(&sb, sep, seplen, &out), TVC_ELIMIT);
        ASSERT_EQ(tvc_streambuf_len(&sb), have);
        if (seplen == 1) {
            ASSERT_ERR(tvc_streambuf_readline(&sb, &out), TVC_ELIMIT);
            ASSERT_EQ(tvc_streambuf_len(&sb), have);
        }
        /* The caller may consume the too-long data another way. */
        feed_n(&sb, msg + have, len - have);
        ASSERT_OK(tvc_streambuf_readexactly(&sb, d, &out));
        ASSERT_SLICE_N(out, msg, d);
        ASSERT_OK(tvc_streambuf_readuntil(&sb, sep, seplen, &out));
        ASSERT_SLICE(out, sep);
    }
    tvc_streambuf_free(&sb);
}

static void test_limit(void)
{
    const char *seps[] = {"\n", "\r\n", "\r\n\r\n"};
    for (int s = 0; s < 3; s++) {
        for (size_t d = LIMIT - 2; d <= LIMIT + 2; d++) {
            limit_case(seps[s], d, 0);
            limit_case(seps[s], d, 1);
        }
    }

    tvc_streambuf sb;
    tvc_slice out;
    /* LIMIT data bytes and the first half of the separator: not yet an
     * overrun, since the separator may still start at offset LIMIT. */
    tvc_streambuf_init(&sb, LIMIT);
    feed(&sb, "0123456789abcdef\r");
    ASSERT_ERR(tvc_streambuf_readuntil(&sb, "\r\n", 2, &out), -EAGAIN);
    feed(&sb, "\n");
    ASSERT_OK(tvc_streambuf_readuntil(&sb, "\r\n", 2, &out));
    ASSERT_SLICE(out, "0123456789abcdef\r\n");
    /* The limit is checked before the EOF, as in asyncio. */
    feed(&sb, "0123456789abcdefg");
    tvc_streambuf_feed_eof(&sb);
    ASSERT_ERR(tvc_streambuf_readline(&sb, &out), TVC_ELIMIT);
    ASSERT_EQ(tvc_streambuf_len(&sb), 17);
    /* read and readexactly ignore the limit. */
    ASSERT_OK(tvc_streambuf_read(&sb, 100, &out));
    ASSERT_SLICE(out, "0123456789abcdefg");
    ASSERT_EQ(tvc_streambuf_at_eof(&sb), 1);
    tvc_streambuf_free(&sb);

    /* A separator well past the limit in one feed: overrun, intact. */
    tvc_streambuf_init(&sb, LIMIT);
    char big[200];
    memset(big, 'y', sizeof big);
    big[150] = '\n';
    feed_n(&sb, big, sizeof big);
    ASSERT_ERR(tvc_streambuf_readline(&sb, &out), TVC_ELIMIT);
    ASSERT_EQ(tvc_streambuf_len(&sb), sizeof big);
    ASSERT_OK(tvc_streambuf_readexactly(&sb, 150, &out));
    ASSERT_OK(tvc_streambuf_readline(&sb, &out));
    ASSERT_SLICE(out, "\n");
    tvc_streambuf_free(&sb);
}

/* Deterministic bytes at stream offset i, so content checks are exact. */
static char pattern(size_t i)
{
    return (char)('a' + (i * 7 + i / 251) % 26);
}

static void test_readexactly_many_feeds(void)
{
    enum { N = 10000 };
    static char want[N];
    tvc_streambuf sb;
    tvc_slice out;
    tvc_streambuf_init(&sb, 0);
    for (size_t i = 0; i < N; i++) {
        want[i] = pattern(i);
        ASSERT_ERR(tvc_streambuf_readexactly(&sb, N, &out), -EAGAIN);
        ASSERT_SLICE(out, "");
        feed_n(&sb, &want[i], 1);
        if (i % 97 == 0)
            ASSERT_OK(tvc_streambuf_feed(&sb, "", 0));
    }
    ASSERT_OK(tvc_streambuf_readexactly(&sb, N, &out));
    ASSERT_SLICE_N(out, want, N);
    ASSERT_EQ(tvc_streambuf_len(&sb), 0);
    tvc_streambuf_free(&sb);
}

/* 4 MiB through the buffer with reserve/commit in uneven pieces and reads
 * that lag behind, so it grows, compacts and rewinds; every byte checked. */
static void test_large_and_compaction(void)
{
    const size_t total = 4u << 20;
    tvc_streambuf sb;
    tvc_slice out;
    size_t fed = 0, got = 0, max_len = 0, step = 0;
    tvc_streambuf_init(&sb, 0);
    while (got < total) {
        size_t in = (step * 7919) % 6000;
        if (in > total - fed)
            in = total - fed;
        size_t avail;
        char *p = tvc_streambuf_reserve(&sb, in, &avail);
        ASSERT(p != NULL);
        ASSERT_GE(avail, in);
        for (size_t i = 0; i < in; i++)
            p[i] = pattern(fed + i);
        tvc_streambuf_commit(&sb, in);
        fed += in;
        if (tvc_streambuf_len(&sb) > max_len)
            max_len = tvc_streambuf_len(&sb);
        size_t want = (step * 104729) % 5000 + 1;
        int r = step % 2 ? tvc_streambuf_read(&sb, want, &out)
                         : tvc_streambuf_readexactly(&sb, want, &out);
        if (fed == total && r == -EAGAIN) {
            tvc_streambuf_feed_eof(&sb);
            r = tvc_streambuf_readexactly(&sb, want, &out);
            ASSERT_ERR(r, TVC_EINCOMPLETE);
        } else if (r != -EAGAIN) {
            ASSERT_OK(r);
        }
        for (size_t i = 0; i < out.len; i++)
            ASSERT_EQ(out.data[i], pattern(got + i));
        got += out.len;
        step++;
    }
    ASSERT_EQ(got, total);
    /* The buffer tracked what was unread, not everything that passed. */
    ASSERT_LE(sb.cap, 4 * (max_len + 6000));
    tvc_streambuf_free(&sb);

    /* A long line arrives whole, then in many feeds: big data grows the
     * buffer far past its first size and the line is intact. */
    tvc_streambuf_init(&sb, 2u << 20);
    for (size_t i = 0; i < (1u << 20); i++) {
        char c = pattern(i) == 'z' ? 'y' : pattern(i);
        feed_n(&sb, &c, 1);
    }
    feed(&sb, "z\n");
    ASSERT_OK(tvc_streambuf_readline(&sb, &out));
    ASSERT_EQ(out.len, (1u << 20) + 2);
    ASSERT_EQ(out.data[out.len - 2], 'z');
    tvc_streambuf_free(&sb);
}

/* The scan memory: a long line fed one byte at a time is searched once
 * (each call resumes where the last stopped), and a search for another
 * separator does not trust what the first one scanned. */
static void test_scan_memory(void)
{
    tvc_streambuf sb;
    tvc_slice out;
    tvc_streambuf_init(&sb, 0);
    for (size_t i = 1; i <= 50000; i++) {
        feed(&sb, "q");
        ASSERT_ERR(tvc_streambuf_readline(&sb, &out), -EAGAIN);
        ASSERT_EQ(sb.scanned, i);
    }
    feed(&sb, "\n");
    ASSERT_OK(tvc_streambuf_readline(&sb, &out));
    ASSERT_EQ(out.len, 50001);
    ASSERT_EQ(sb.scanned, 0);

    /* Two-byte separator: the last byte may begin one, so it is kept out
     * of the scanned prefix. */
    feed(&sb, "abcX");
    ASSERT_ERR(tvc_streambuf_readuntil(&sb, "XY", 2, &out), -EAGAIN);
    ASSERT_EQ(sb.scanned, 3);
    /* Abandoned for another separator that occurs in the scanned part. */
    ASSERT_OK(tvc_streambuf_readuntil(&sb, "b", 1, &out));
    ASSERT_SLICE(out, "ab");
    feed(&sb, "Y");
    ASSERT_OK(tvc_streambuf_readuntil(&sb, "XY", 2, &out));
    ASSERT_SLICE(out, "cXY");

    /* Scanned as far as "XZ" (nothing consumed), then searched for "cX",
     * which lies inside the region the first search covered. */
    feed(&sb, "abcXabcX");
    ASSERT_ERR(tvc_streambuf_readuntil(&sb, "XZ", 2, &out), -EAGAIN);
    ASSERT_OK(tvc_streambuf_readuntil(&sb, "cX", 2, &out));
    ASSERT_SLICE(out, "abcX");
    tvc_streambuf_free(&sb);
}

static void test_free_reuse(void)
{
    tvc_streambuf sb;
    tvc_slice out;
    tvc_streambuf_init(&sb, 100);
    feed(&sb, "leftover");
    tvc_streambuf_feed_eof(&sb);
    tvc_streambuf_free(&sb);
    ASSERT_EQ(sb.limit, 100);
    ASSERT_EQ(tvc_streambuf_len(&sb), 0);
    ASSERT_EQ(tvc_streambuf_at_eof(&sb), 0);
    feed(&sb, "again\n");
    ASSERT_OK(tvc_streambuf_readline(&sb, &out));
    ASSERT_SLICE(out, "again\n");
    tvc_streambuf_free(&sb);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    test_empty();
    test_read();
    test_readline();
    test_eof_partial();
    test_split_separator();
    test_limit();
    test_readexactly_many_feeds();
    test_large_and_compaction();
    test_scan_memory();
    test_free_reuse();
    ASSERT_NO_LEAKS(base, 0);
    printf("streambuf: all checks passed\n");
    return 0;
}
