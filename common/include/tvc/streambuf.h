/*
 * The stream read buffer and asyncio StreamReader's parsers, as pure
 * functions over bytes.  A runtime fills the buffer from its socket
 * (reserve + commit, or feed), marks EOF, and calls a parser; a parser
 * answers with data, -EAGAIN ("feed me more and call again") or an error.
 * Parsers hand out a slice that points into the buffer: it stays valid
 * until the next call on the same buffer.  Nothing here blocks or does I/O.
 */
#ifndef TVC_STREAMBUF_H
#define TVC_STREAMBUF_H

#include <stddef.h>
#include <stdint.h>

#define TVC_STREAM_LIMIT_DEFAULT (64 * 1024)

typedef struct tvc_slice {
    const char *data;
    size_t len;
} tvc_slice;

typedef struct tvc_streambuf {
    char *data;    /* heap, cap bytes */
    size_t start;  /* first unread byte */
    size_t end;    /* one past the last byte */
    size_t cap;
    size_t limit;  /* readline/readuntil give up past this many bytes */
    size_t scanned; /* bytes already searched for the separator, so a
                     * line arriving in many feeds is scanned once */
    uint64_t scan_sep; /* hash of the separator `scanned` counts for: a
                        * search with another one starts afresh */
    int eof;       /* the peer will send nothing more */
} tvc_streambuf;

/* limit 0 means TVC_STREAM_LIMIT_DEFAULT.  Allocates nothing yet. */
void tvc_streambuf_init(tvc_streambuf *sb, size_t limit);
void tvc_streambuf_free(tvc_streambuf *sb);

/* Room to receive at least min bytes: returns a pointer and *avail >= min,
 * or NULL on ENOMEM.  Compacts or grows the buffer; slices handed out
 * before are invalid afterwards. */
char *tvc_streambuf_reserve(tvc_streambuf *sb, size_t min, size_t *avail);
/* n bytes were written at the pointer reserve returned. */
void tvc_streambuf_commit(tvc_streambuf *sb, size_t n);
/* Copies n bytes in (reserve + memcpy + commit).  0 or -ENOMEM. */
int tvc_streambuf_feed(tvc_streambuf *sb, const void *data, size_t n);
void tvc_streambuf_feed_eof(tvc_streambuf *sb);

/* Unread bytes buffered. */
size_t tvc_streambuf_len(const tvc_streambuf *sb);
/* True when EOF was fed and nothing is left to read (asyncio at_eof). */
int tvc_streambuf_at_eof(const tvc_streambuf *sb);

/*
 * Parsers.  All return 0 with *out set and the bytes consumed, or:
 *   -EAGAIN          not enough buffered and no EOF yet: feed, call again
 *   TVC_EINCOMPLETE  EOF came first; *out holds the partial bytes, which
 *                    are consumed (asyncio's IncompleteReadError.partial)
 *   TVC_ELIMIT       no separator within sb->limit bytes; the buffer is
 *                    left intact (asyncio's LimitOverrunError)
 */

/* Up to n bytes (n = 0 gives an empty slice at once).  At EOF with
 * nothing buffered: 0 and an empty slice. */
int tvc_streambuf_read(tvc_streambuf *sb, size_t n, tvc_slice *out);
/* Exactly n bytes. */
int tvc_streambuf_readexactly(tvc_streambuf *sb, size_t n, tvc_slice *out);
/* Up to and including the separator (seplen >= 1).  At EOF with nothing
 * buffered: TVC_EINCOMPLETE with an empty slice. */
int tvc_streambuf_readuntil(tvc_streambuf *sb, const void *sep, size_t seplen,
                            tvc_slice *out);
/* asyncio readline: readuntil "\n", except that at EOF the partial line
 * (possibly empty) is returned with 0 rather than an error. */
int tvc_streambuf_readline(tvc_streambuf *sb, tvc_slice *out);

#endif
