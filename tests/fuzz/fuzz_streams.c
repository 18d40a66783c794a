/*
 * Fuzz target: the stream parsers (readline, readuntil, readexactly, read)
 * of common/src/streambuf.c.  The input decides everything: its first byte
 * the limit, its second how many control bytes follow, the control bytes
 * the calls and how the stream is cut into feeds (through feed or
 * reserve/commit, empty ones too), and the rest is the stream.  Each call
 * must answer what the model of tests/streambuf/stream_model.h answers
 * for the whole stream, hand out the stream's own bytes and leave the
 * buffer holding exactly what was fed and not consumed.
 */
#include <errno.h>
#include <stdint.h>

#include "streambuf/stream_model.h"
#include "tvc/streambuf.h"
#include "tvc_test.h"

enum { MAX_CALLS = 2000 };

/* Bytes read off the front of the control section; 0 once it is used up,
 * so a short input still runs (whole feeds, readline). */
struct ctl {
    const uint8_t *p;
    size_t n;
};

static unsigned take(struct ctl *c)
{
    if (c->n == 0)
        return 0;
    c->n--;
    return *c->p++;
}

struct run {
    const char *stream;
    size_t len, fed, at, limit;
    tvc_streambuf sb;
    struct ctl ctl;
};

/* One feed: a chunk of a size the control bytes choose (0 = all that is
 * left), or the EOF once everything is fed. */
static void feed(struct run *r)
{
    ASSERT(!r->sb.eof); /* -EAGAIN after EOF would hang a reader */
    if (r->fed == r->len) {
        tvc_streambuf_feed_eof(&r->sb);
        return;
    }
    unsigned b = take(&r->ctl);
    size_t n = b ? (b & 0x7f) % (r->len - r->fed + 1) : r->len - r->fed;
    model_feed(&r->sb, r->stream + r->fed, n, b & 0x80);
    r->fed += n;
}

static int call(struct run *r, enum model_kind kind, size_t n, const char *sep,
                size_t seplen, tvc_slice *out)
{
    switch (kind) {
    case OP_READLINE:
        return tvc_streambuf_readline(&r->sb, out);
    case OP_READUNTIL:
        return tvc_streambuf_readuntil(&r->sb, sep, seplen, out);
    case OP_READEXACTLY:
        return tvc_streambuf_readexactly(&r->sb, n, out);
    case OP_READ:
        return tvc_streambuf_read(&r->sb, n, out);
    case NKINDS:
    default:
        abort(); /* not an operation */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const seps[] = {"\n", "\r\n", "\r\n\r\n", "XX", "abX"};
    if (size < 2)
        return 0;
    struct run r = {.limit = 1 + data[0] % 64};
    size_t nctl = data[1] < size - 2 ? data[1] : size - 2;
    r.ctl = (struct ctl){data + 2, nctl};
    r.stream = (const char *)data + 2 + nctl;
    r.len = size - 2 - nctl;
    tvc_streambuf_init(&r.sb, r.limit);

    /* Calls until the stream is consumed and the EOF seen, and a few more
     * at the end; a call that consumes nothing (a limit overrun) still
     * counts, so this ends. */
    for (int i = 0; i < MAX_CALLS && !(r.at == r.len && i > 8); i++) {
        unsigned op = take(&r.ctl);
        enum model_kind kind = (enum model_kind)(op % NKINDS);
        size_t n = take(&r.ctl) % (2 * r.limit + 2);
        const char *sep = seps[(op >> 2) % 5];
        struct result want =
            model(r.stream, r.len, r.at, r.limit, kind, n, sep, strlen(sep));
        tvc_slice out;
        int rc;
        while ((rc = call(&r, kind, n, sep, strlen(sep), &out)) == -EAGAIN) {
            ASSERT_EQ(out.len, 0);
            feed(&r);
        }
        /* read(n) may answer short before the EOF; it is asyncio's too. */
        if (kind == OP_READ && rc == 0 && out.len < want.len && out.len > 0)
            want.len = out.len;
        if (rc != want.rc || out.len != want.len)
            TVC__FAIL("call %d (kind %d, n %zu, limit %zu) at %zu: got "
                      "%s/%zu, model %s/%zu",
                      i, (int)kind, n, r.limit, r.at, tvc_err_name(rc), out.len,
                      tvc_err_name(want.rc), want.len);
        ASSERT(out.data != NULL);
        if (out.len && memcmp(out.data, r.stream + r.at, out.len) != 0)
            TVC__FAIL("bytes at stream offset %zu differ", r.at);
        r.at += out.len;
        ASSERT_EQ(tvc_streambuf_len(&r.sb), r.fed - r.at);
        if (r.sb.eof)
            ASSERT_EQ(tvc_streambuf_at_eof(&r.sb), r.at == r.len);
    }
    tvc_streambuf_free(&r.sb);
    return 0;
}
