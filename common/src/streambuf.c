/*
 * The stream read buffer and asyncio StreamReader's parsers (streambuf.h),
 * as pure functions over bytes: a runtime feeds what its socket gave and
 * asks a parser; -EAGAIN means "feed me and ask again".
 *
 * The parsers follow CPython's Lib/asyncio/streams.py:
 *   - read(n) returns what is there (up to n) as soon as one byte is;
 *   - readexactly(n) ignores the limit and, at EOF, hands the partial bytes
 *     out with TVC_EINCOMPLETE, consuming them;
 *   - readuntil's limit counts the bytes BEFORE the separator: a separator
 *     starting at offset <= limit is accepted (the returned chunk may be up
 *     to limit + seplen bytes); past that, or when limit + 1 bytes hold no
 *     separator start, TVC_ELIMIT with the buffer intact.  The limit is
 *     checked before EOF, as asyncio does.
 * One deliberate difference: asyncio's readline discards the offending
 * line on a limit overrun (and raises ValueError); here readline leaves
 * the buffer intact like readuntil, as streambuf.h promises, so the caller
 * chooses (readexactly can consume it, or the connection is dropped).
 *
 * A line arriving in many small feeds must not be rescanned from its
 * start at every feed (quadratic): `scanned` remembers how many leading
 * bytes cannot start the separator, and `scan_sep` for which separator,
 * so an abandoned search (a cancelled readuntil) never misleads a search
 * for another one.  The search window also stops at limit + seplen: a
 * separator beyond it would be an overrun anyway.
 *
 * Buffer management: unread bytes live in [start, end).  When the reader
 * empties the buffer both go back to 0 for free.  Otherwise data moves to
 * the front only when the bytes moved are no more than the bytes already
 * consumed (start >= len), so every move is paid for by consumption and a
 * nearly full buffer is never shuffled byte by byte; when that does not
 * make room, the buffer doubles.
 */
#include "tvc/streambuf.h"

#include "tvc/errors.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* First allocation: a page, what one socket read typically brings. */
enum { FIRST_CAP = 4096 };

void tvc_streambuf_init(tvc_streambuf *sb, size_t limit)
{
    memset(sb, 0, sizeof *sb);
    sb->limit = limit ? limit : TVC_STREAM_LIMIT_DEFAULT;
}

/* Frees the bytes; sb is left empty, as after init with the same limit. */
void tvc_streambuf_free(tvc_streambuf *sb)
{
    free(sb->data);
    tvc_streambuf_init(sb, sb->limit);
}

size_t tvc_streambuf_len(const tvc_streambuf *sb)
{
    return sb->end - sb->start;
}

int tvc_streambuf_at_eof(const tvc_streambuf *sb)
{
    return sb->eof && sb->start == sb->end;
}

/* A fresh buffer of at least `need` bytes holding the unread ones at its
 * front; 0 or -ENOMEM (sb untouched). */
static int grow(tvc_streambuf *sb, size_t need)
{
    size_t cap = sb->cap ? sb->cap : FIRST_CAP / 2;
    do {
        if (cap > SIZE_MAX / 2)
            return -ENOMEM;
        cap *= 2;
    } while (cap < need);
    char *data = malloc(cap);
    if (!data)
        return -ENOMEM;
    size_t len = sb->end - sb->start;
    if (len)
        memcpy(data, sb->data + sb->start, len);
    free(sb->data);
    sb->data = data;
    sb->cap = cap;
    sb->start = 0;
    sb->end = len;
    return 0;
}

char *tvc_streambuf_reserve(tvc_streambuf *sb, size_t min, size_t *avail)
{
    size_t len = sb->end - sb->start;
    if (min > SIZE_MAX - len)
        return NULL;
    int fits = sb->data && sb->cap - sb->end >= min;
    if (!fits || sb->start > sb->cap / 2) {
        /* Past half the buffer start >= len holds, so a half-consumed
         * buffer is compacted even when the room at its end would do. */
        if (sb->data && sb->start >= len && sb->cap - len >= min) {
            memmove(sb->data, sb->data + sb->start, len);
            sb->start = 0;
            sb->end = len;
        } else if (!fits && grow(sb, len + min) != 0) {
            return NULL;
        }
    }
    *avail = sb->cap - sb->end;
    return sb->data + sb->end;
}

void tvc_streambuf_commit(tvc_streambuf *sb, size_t n)
{
    assert(n <= sb->cap - sb->end); /* within what reserve offered */
    sb->end += n;
}

int tvc_streambuf_feed(tvc_streambuf *sb, const void *data, size_t n)
{
    size_t avail;
    if (n == 0)
        return 0;
    char *p = tvc_streambuf_reserve(sb, n, &avail);
    if (!p)
        return -ENOMEM;
    memcpy(p, data, n);
    tvc_streambuf_commit(sb, n);
    return 0;
}

void tvc_streambuf_feed_eof(tvc_streambuf *sb)
{
    sb->eof = 1;
}

/* Hands out the first n unread bytes and consumes them.  An emptied
 * buffer rewinds to offset 0; the bytes stay where they are until the next
 * reserve, so the slice remains valid as promised. */
static void take(tvc_streambuf *sb, size_t n, tvc_slice *out)
{
    if (n == 0) {
        out->data = "";
        out->len = 0;
        return;
    }
    out->data = sb->data + sb->start;
    out->len = n;
    sb->start += n;
    sb->scanned = 0;
    if (sb->start == sb->end)
        sb->start = sb->end = 0;
}

int tvc_streambuf_read(tvc_streambuf *sb, size_t n, tvc_slice *out)
{
    size_t len = sb->end - sb->start;
    take(sb, 0, out);
    if (n == 0)
        return 0;
    if (len == 0)
        return sb->eof ? 0 : -EAGAIN;
    take(sb, n < len ? n : len, out);
    return 0;
}

int tvc_streambuf_readexactly(tvc_streambuf *sb, size_t n, tvc_slice *out)
{
    size_t len = sb->end - sb->start;
    take(sb, 0, out);
    if (len >= n) {
        take(sb, n, out);
        return 0;
    }
    if (!sb->eof)
        return -EAGAIN;
    take(sb, len, out);
    return TVC_EINCOMPLETE;
}

/* FNV-1a over the separator and its length: tells one separator's scan
 * progress from another's (a 64-bit collision between two separators used
 * on one stream is the only way to be misled). */
static uint64_t sep_hash(const unsigned char *sep, size_t seplen)
{
    uint64_t h = 14695981039346656037ull;
    for (size_t i = 0; i < seplen; i++)
        h = (h ^ sep[i]) * 1099511628211ull;
    return (h ^ seplen) * 1099511628211ull;
}

/* Returns -EINVAL for an empty separator, otherwise as streambuf.h says. */
int tvc_streambuf_readuntil(tvc_streambuf *sb, const void *sep, size_t seplen,
                            tvc_slice *out)
{
    take(sb, 0, out);
    if (seplen == 0)
        return -EINVAL;
    size_t len = sb->end - sb->start;
    uint64_t key = sep_hash(sep, seplen);
    if (sb->scan_sep != key) {
        sb->scan_sep = key;
        sb->scanned = 0;
    }
    if (len >= seplen) {
        /* A separator starting past the limit is an overrun, found or
         * not: no need to look beyond limit + seplen bytes. */
        size_t window = len;
        if (sb->limit <= SIZE_MAX - seplen && window > sb->limit + seplen)
            window = sb->limit + seplen;
        size_t from = sb->scanned;
        if (from + seplen <= window) {
            const char *base = sb->data + sb->start;
            const char *hit =
                seplen == 1
                    ? memchr(base + from, *(const char *)sep, window - from)
                    : memmem(base + from, window - from, sep, seplen);
            if (hit) {
                take(sb, (size_t)(hit - base) + seplen, out);
                return 0;
            }
        }
        /* The last seplen - 1 bytes may begin a separator whose end has
         * not arrived. */
        sb->scanned = window - seplen + 1;
        if (len - seplen + 1 > sb->limit)
            return TVC_ELIMIT;
    }
    if (!sb->eof)
        return -EAGAIN;
    take(sb, len, out);
    return TVC_EINCOMPLETE;
}

int tvc_streambuf_readline(tvc_streambuf *sb, tvc_slice *out)
{
    int r = tvc_streambuf_readuntil(sb, "\n", 1, out);
    /* At EOF the partial line (possibly empty) is the line. */
    return r == TVC_EINCOMPLETE ? 0 : r;
}
