/*
 * The reference model of the stream parsers, written straight from
 * asyncio's rules: what a call answers at offset `at` of a stream that is
 * wholly buffered with its EOF; and the two ways bytes enter a buffer.
 * The differential test and the streams fuzz target both check
 * tvc_streambuf against it.
 */
#ifndef TVC_STREAM_MODEL_H
#define TVC_STREAM_MODEL_H

#include <stddef.h>
#include <string.h>

#include "tvc/errors.h"
#include "tvc/streambuf.h"
#include "tvc_test.h"

enum model_kind { OP_READLINE, OP_READUNTIL, OP_READEXACTLY, OP_READ, NKINDS };

struct result {
    int rc;
    size_t len;
};

/* The answer of `kind` (n bytes for readexactly / read, sep for readuntil;
 * readline uses "\n") on stream[at..len) with the given limit. */
static inline struct result model(const char *stream, size_t len, size_t at,
                                  size_t limit, enum model_kind kind, size_t n,
                                  const char *sep, size_t seplen)
{
    size_t rem = len - at;
    switch (kind) {
    case OP_READEXACTLY:
        if (rem >= n)
            return (struct result){0, n};
        return (struct result){TVC_EINCOMPLETE, rem};
    case OP_READ:
        return (struct result){0, n < rem ? n : rem};
    case OP_READLINE:
    case OP_READUNTIL:
    case NKINDS:
        break;
    }
    if (kind == OP_READLINE) {
        sep = "\n";
        seplen = 1;
    }
    for (size_t i = 0; i + seplen <= rem; i++) {
        if (memcmp(stream + at + i, sep, seplen) == 0) {
            if (i > limit)
                return (struct result){TVC_ELIMIT, 0};
            return (struct result){0, i + seplen};
        }
    }
    if (rem >= seplen && rem - seplen + 1 > limit)
        return (struct result){TVC_ELIMIT, 0};
    if (kind == OP_READLINE)
        return (struct result){0, rem};
    return (struct result){TVC_EINCOMPLETE, rem};
}

/* Feeds n bytes by tvc_streambuf_feed or, with via_reserve, by reserve,
 * copy and commit (the way a runtime's recv fills the buffer). */
static inline void model_feed(tvc_streambuf *sb, const char *bytes, size_t n,
                              int via_reserve)
{
    if (!via_reserve) {
        ASSERT_OK(tvc_streambuf_feed(sb, bytes, n));
        return;
    }
    size_t avail;
    char *p = tvc_streambuf_reserve(sb, n, &avail);
    ASSERT(p != NULL);
    ASSERT_GE(avail, n);
    memcpy(p, bytes, n);
    tvc_streambuf_commit(sb, n);
}

#endif
