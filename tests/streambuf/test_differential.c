/*
 * Differential test of the stream parsers.  A fixed-seed generator makes
 * cases: a byte stream rich in separators (and in runs longer than the
 * limit), a small limit, and a sequence of parser calls.  Each case runs
 * with the whole stream fed at once, checked against the model of
 * stream_model.h (asyncio's rules, written naively), and then fed in
 * random chunks (empty ones too, through feed or reserve/commit, sometimes
 * more than asked for),
 * which must give exactly the same sequence of results.  Every byte handed
 * out is checked against the stream.
 *
 * Usage: test_streambuf_differential [CASES]  (the default suite runs a
 * smoke size; the slow label runs many more).
 */
#include "tvc/parse.h"
#include "tvc/streambuf.h"

#include "streambuf/stream_model.h"
#include "tvc_test.h"

#include <errno.h>
#include <stdint.h>

enum {
    MAX_STREAM = 3000,
    MAX_OPS = 300,
    MAX_LIMIT = 80,
    CHUNKINGS = 3, /* chunked runs per case */
};

static const char *const seps[] = {"\n", "\r\n", "\r\n\r\n", "XX", "abX"};
enum { NSEPS = sizeof seps / sizeof seps[0] };

struct op {
    enum model_kind kind;
    size_t n; /* bytes for readexactly / read */
    int sep;  /* index in seps for readuntil */
};

struct tcase {
    char stream[MAX_STREAM];
    size_t len;
    size_t limit;
    struct op ops[MAX_OPS];
    int nops;
};

/* xorshift64*: small, fast, and the same sequence everywhere. */
static uint64_t rng_next(uint64_t *s)
{
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return *s * 2685821657736338717ull;
}

static size_t rng_below(uint64_t *s, size_t n)
{
    return n ? (size_t)(rng_next(s) % n) : 0;
}

static void make_case(struct tcase *c, uint64_t seed)
{
    uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
    static const char alphabet[] = "aab\r\nX";
    c->limit = 1 + rng_below(&s, MAX_LIMIT);
    c->len = rng_below(&s, MAX_STREAM + 1);
    for (size_t i = 0; i < c->len;) {
        if (rng_below(&s, 40) == 0) {
            /* A run with no separator at all, often past the limit. */
            size_t run = rng_below(&s, 3 * MAX_LIMIT);
            for (; run && i < c->len; run--)
                c->stream[i++] = 'a';
        } else {
            c->stream[i++] = alphabet[rng_below(&s, sizeof alphabet - 1)];
        }
    }
    /* Enough calls to consume the stream and poke at its end a little. */
    size_t nops = c->len / 8 + 8;
    c->nops = 1 + (int)rng_below(&s, nops < MAX_OPS ? nops : MAX_OPS);
    for (int i = 0; i < c->nops; i++) {
        c->ops[i].kind = (enum model_kind)rng_below(&s, NKINDS);
        c->ops[i].n = rng_below(&s, 2 * c->limit + 2);
        c->ops[i].sep = (int)rng_below(&s, NSEPS);
    }
}

/* Feeding state of one run. */
struct feeder {
    const struct tcase *c;
    tvc_streambuf sb;
    size_t fed;       /* stream bytes fed so far */
    size_t max_chunk; /* 0: everything at once */
    uint64_t rng;
};

/* Feeds the next chunk (possibly empty), or the EOF once all is fed. */
static void feed_more(struct feeder *fd)
{
    const struct tcase *c = fd->c;
    if (fd->fed == c->len) {
        ASSERT(!fd->sb.eof); /* -EAGAIN after EOF would hang a reader */
        tvc_streambuf_feed_eof(&fd->sb);
        return;
    }
    size_t left = c->len - fd->fed;
    size_t n = fd->max_chunk ? rng_below(&fd->rng, fd->max_chunk + 1) : left;
    if (n > left)
        n = left;
    model_feed(&fd->sb, c->stream + fd->fed, n, rng_below(&fd->rng, 2) == 0);
    fd->fed += n;
}

/* The bytes handed out are the stream's next ones. */
static void check_bytes(const struct tcase *c, size_t at, tvc_slice out)
{
    ASSERT_LE(at + out.len, c->len);
    ASSERT(out.data != NULL);
    if (out.len && memcmp(out.data, c->stream + at, out.len) != 0)
        TVC__FAIL("bytes at stream offset %zu differ", at);
}

/* One call of op, feeding whenever the parser asks; read(n) is repeated
 * until n bytes or the EOF, which makes its answer independent of how the
 * bytes were cut. */
static struct result run_op(struct feeder *fd, const struct op *op, size_t *at)
{
    tvc_slice out;
    size_t got = 0;
    for (;;) {
        if (fd->max_chunk && !fd->sb.eof && rng_below(&fd->rng, 4) == 0)
            feed_more(fd); /* more than the parser asked for */
        int r;
        switch (op->kind) {
        case OP_READLINE:
            r = tvc_streambuf_readline(&fd->sb, &out);
            break;
        case OP_READUNTIL:
            r = tvc_streambuf_readuntil(&fd->sb, seps[op->sep],
                                        strlen(seps[op->sep]), &out);
            break;
        case OP_READEXACTLY:
            r = tvc_streambuf_readexactly(&fd->sb, op->n, &out);
            break;
        case OP_READ:
            r = tvc_streambuf_read(&fd->sb, op->n - got, &out);
            break;
        case NKINDS:
        default:
            abort(); /* not an operation */
        }
        if (r == -EAGAIN) {
            ASSERT_EQ(out.len, 0);
            feed_more(fd);
            continue;
        }
        check_bytes(fd->c, *at, out);
        *at += out.len;
        got += out.len;
        if (op->kind == OP_READ && got < op->n && out.len > 0)
            continue;
        return (struct result){r, got};
    }
}

/* Runs every op of the case; max_chunk 0 feeds all and the EOF first. */
static void run_case(const struct tcase *c, size_t max_chunk, uint64_t seed,
                     struct result *res)
{
    struct feeder fd = {.c = c, .max_chunk = max_chunk, .rng = seed | 1};
    size_t at = 0;
    tvc_streambuf_init(&fd.sb, c->limit);
    if (!max_chunk) {
        feed_more(&fd);
        if (c->len)
            feed_more(&fd);
    }
    for (int i = 0; i < c->nops; i++) {
        res[i] = run_op(&fd, &c->ops[i], &at);
        ASSERT_EQ(tvc_streambuf_len(&fd.sb), fd.fed - at);
    }
    tvc_streambuf_free(&fd.sb);
}

int main(int argc, char **argv)
{
    int64_t cases = 2000;
    if (argc > 1)
        ASSERT_OK(tvc_parse_int(argv[1], 1, INT64_MAX, &cases));
    tvc_test_baseline base = tvc_test_baseline_take();
    static struct tcase c;
    static struct result whole[MAX_OPS], chunked[MAX_OPS];
    static const size_t max_chunks[CHUNKINGS] = {1, 7, 300};
    long ops = 0, by_rc[3] = {0, 0, 0};

    for (int64_t k = 0; k < cases; k++) {
        make_case(&c, (uint64_t)k);
        run_case(&c, 0, 0, whole);
        size_t at = 0;
        for (int i = 0; i < c.nops; i++) {
            const struct op *op = &c.ops[i];
            struct result m =
                model(c.stream, c.len, at, c.limit, op->kind, op->n,
                      seps[op->sep], strlen(seps[op->sep]));
            if (whole[i].rc != m.rc || whole[i].len != m.len)
                TVC__FAIL("case %ld op %d (kind %d): got %s/%zu, model "
                          "%s/%zu",
                          k, i, (int)c.ops[i].kind, tvc_err_name(whole[i].rc),
                          whole[i].len, tvc_err_name(m.rc), m.len);
            at += m.len;
            by_rc[whole[i].rc == 0 ? 0 : whole[i].rc == TVC_ELIMIT ? 1 : 2]++;
        }
        ops += c.nops;
        for (int j = 0; j < CHUNKINGS; j++) {
            run_case(&c, max_chunks[j], (uint64_t)k * CHUNKINGS + j, chunked);
            for (int i = 0; i < c.nops; i++) {
                if (chunked[i].rc != whole[i].rc ||
                    chunked[i].len != whole[i].len)
                    TVC__FAIL("case %ld chunks <= %zu op %d: got %s/%zu, "
                              "whole feed %s/%zu",
                              k, max_chunks[j], i, tvc_err_name(chunked[i].rc),
                              chunked[i].len, tvc_err_name(whole[i].rc),
                              whole[i].len);
            }
        }
    }
    ASSERT_NO_LEAKS(base, 0);
    /* Every outcome must have been exercised, or the generator is off. */
    ASSERT_GT(by_rc[1], 0);
    ASSERT_GT(by_rc[2], 0);
    printf("streambuf differential: %lld cases, %ld calls: %ld ok, %ld limit "
           "overruns, %ld incomplete\n",
           (long long)cases, ops, by_rc[0], by_rc[1], by_rc[2]);
    return 0;
}
