/*
 * The JSON writer and atomic file output (json.h).
 *
 * The writer only appends: each value first writes the comma its position
 * needs (one bit per depth remembers whether the container already holds
 * a value), then itself.  It never fails loudly; an allocation failure
 * sets oom and later calls do nothing.  Misuse (a key inside an array, an
 * object closed as an array, two top-level values, ...) is caught by
 * tvc_json_finish, which checks the finished text with the strict validator
 * (json_validate.c), so a record that reaches a file is known to be valid
 * JSON.  Both read UTF-8 through tvc__utf8_len.
 */
#include "json_internal.h"
#include "tvc/json.h"

#include "tvc/errors.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Depths with a comma bit: exactly the depths the validator accepts, so
 * deeper nesting is written without commas and then rejected by
 * tvc_json_finish. */
#define JSON_MAX_DEPTH TVC_JSON_MAX_DEPTH
_Static_assert(JSON_MAX_DEPTH <= 64, "one need_comma bit per depth");

/* ---- buffer ------------------------------------------------------------ */

/* Room for n more bytes plus the terminating NUL; false after oom. */
static bool reserve(tvc_json *j, size_t n)
{
    if (j->oom)
        return false;
    if (j->len + n + 1 <= j->cap)
        return true;
    size_t cap = j->cap ? j->cap : 256;
    while (cap < j->len + n + 1)
        cap *= 2;
    char *buf = realloc(j->buf, cap);
    if (!buf) {
        j->oom = 1;
        return false;
    }
    j->buf = buf;
    j->cap = cap;
    return true;
}

static void put(tvc_json *j, const char *s, size_t n)
{
    if (!reserve(j, n))
        return;
    memcpy(j->buf + j->len, s, n);
    j->len += n;
    j->buf[j->len] = '\0';
}

static void putc_(tvc_json *j, char c)
{
    put(j, &c, 1);
}

void tvc_json_init(tvc_json *j)
{
    memset(j, 0, sizeof *j);
    /* Allocate now so buf is a valid empty string from the start. */
    reserve(j, 0);
    if (j->buf)
        j->buf[0] = '\0';
}

void tvc_json_free(tvc_json *j)
{
    free(j->buf);
    memset(j, 0, sizeof *j);
}

/* ---- structure --------------------------------------------------------- */

/* The comma (if any) before a value or key at the current depth. */
static void before_value(tvc_json *j)
{
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (j->depth < 0 || j->depth >= JSON_MAX_DEPTH)
        return;
    uint64_t bit = (uint64_t)1 << j->depth;
    if (j->need_comma & bit)
        putc_(j, ',');
    j->need_comma |= bit;
}

static void open_(tvc_json *j, char c)
{
    before_value(j);
    putc_(j, c);
    j->depth++;
    if (j->depth < JSON_MAX_DEPTH)
        j->need_comma &= ~((uint64_t)1 << j->depth);
}

static void close_(tvc_json *j, char c)
{
    /* A dangling key ("k":}) stays in the text for finish to reject. */
    j->after_key = 0;
    putc_(j, c);
    j->depth--;
}

void tvc_json_object_begin(tvc_json *j)
{
    open_(j, '{');
}

void tvc_json_object_end(tvc_json *j)
{
    close_(j, '}');
}

void tvc_json_array_begin(tvc_json *j)
{
    open_(j, '[');
}

void tvc_json_array_end(tvc_json *j)
{
    close_(j, ']');
}

/* ---- strings ----------------------------------------------------------- */

/* Writes s[0..n) as a quoted string.  Quote, backslash and control
 * characters are escaped; valid UTF-8 passes through; each byte that is
 * not valid UTF-8 becomes U+FFFD, so the output is always valid text. */
static void put_string(tvc_json *j, const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    putc_(j, '"');
    size_t run = 0; /* bytes at p that pass through unchanged */
    for (size_t i = 0; i < n;) {
        unsigned c = p[i];
        char esc[8];
        size_t elen = 0;
        size_t ulen = 1;
        if (c == '"' || c == '\\') {
            esc[0] = '\\', esc[1] = (char)c, elen = 2;
        } else if (c < 0x20) {
            static const char short_esc[] = "btnvfr";
            if (c >= '\b' && c <= '\r' && c != '\v') {
                esc[0] = '\\', esc[1] = short_esc[c - '\b'], elen = 2;
            } else {
                static const char hex[] = "0123456789abcdef";
                memcpy(esc, "\\u00", 4);
                esc[4] = hex[c >> 4], esc[5] = hex[c & 15], elen = 6;
            }
        } else if (c >= 0x80) {
            ulen = tvc__utf8_len(p + i, n - i);
            if (ulen == 0) {
                memcpy(esc, "\\ufffd", 6), elen = 6;
                ulen = 1;
            }
        }
        if (elen) {
            put(j, (const char *)p + i - run, run);
            run = 0;
            put(j, esc, elen);
        } else {
            run += ulen;
        }
        i += ulen;
    }
    put(j, (const char *)p + n - run, run);
    putc_(j, '"');
}

void tvc_json_key(tvc_json *j, const char *key)
{
    before_value(j);
    put_string(j, key, strlen(key));
    putc_(j, ':');
    j->after_key = 1;
}

void tvc_json_string(tvc_json *j, const char *s)
{
    if (!s) {
        tvc_json_null(j);
        return;
    }
    tvc_json_stringn(j, s, strlen(s));
}

void tvc_json_stringn(tvc_json *j, const char *s, size_t n)
{
    before_value(j);
    put_string(j, s, n);
}

/* ---- scalars ----------------------------------------------------------- */

void tvc_json_int(tvc_json *j, int64_t v)
{
    char tmp[24];
    int n = snprintf(tmp, sizeof tmp, "%" PRId64, v);
    before_value(j);
    put(j, tmp, (size_t)n);
}

void tvc_json_double(tvc_json *j, double v)
{
    if (!isfinite(v)) {
        tvc_json_null(j);
        return;
    }
    /* The shortest of 15, 16 or 17 significant digits that reads back as
     * the same double: 0.1 stays "0.1", nothing is lost. */
    char tmp[32];
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        if (strtod(tmp, NULL) == v)
            break;
    }
    /* A locale with a decimal comma would break the number. */
    for (int i = 0; i < n; i++)
        if (tmp[i] == ',')
            tmp[i] = '.';
    before_value(j);
    put(j, tmp, (size_t)n);
}

void tvc_json_bool(tvc_json *j, int v)
{
    before_value(j);
    if (v)
        put(j, "true", 4);
    else
        put(j, "false", 5);
}

void tvc_json_null(tvc_json *j)
{
    before_value(j);
    put(j, "null", 4);
}

/* ---- validation -------------------------------------------------------- */

int tvc_json_finish(const tvc_json *j)
{
    if (j->oom || !j->buf)
        return -ENOMEM;
    if (j->depth != 0 || j->after_key)
        return TVC_EINVALSTATE;
    /* Misuse the comma bits cannot see (a key in an array, a mismatched
     * close, two top-level values) leaves text the validator refuses. */
    if (tvc_json_validate(j->buf, j->len, NULL) != 0)
        return TVC_EINVALSTATE;
    return 0;
}

/* ---- atomic file output ------------------------------------------------ */

/* Writes all of data to fd, resuming after signals and short writes. */
static int write_all(int fd, const char *data, size_t len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        data += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Makes the rename itself durable: fsync the directory holding path.
 * Best effort; some filesystems refuse fsync on a directory. */
static void sync_dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash) {
        strcpy(dir, ".");
    } else {
        size_t n = (size_t)(slash - path);
        if (n == 0)
            n = 1; /* "/file": the root */
        if (n >= sizeof dir)
            return;
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

int tvc_file_write_atomic(const char *path, const void *data, size_t len)
{
    /* The temporary name sits in the same directory so rename(2) is
     * atomic (same filesystem). */
    char tmp[4096];
    int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof tmp)
        return -ENAMETOOLONG;

    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    int err = write_all(fd, data, len);
    if (err == 0 && fsync(fd) != 0)
        err = -errno;
    /* close can report a deferred write error (NFS, quota). */
    if (close(fd) != 0 && err == 0)
        err = -errno;
    if (err == 0 && rename(tmp, path) != 0)
        err = -errno;
    if (err != 0) {
        unlink(tmp);
        return err;
    }
    sync_dir_of(path);
    return 0;
}

int tvc_file_append_whole(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    /* One writer appends at a time (the harness runs one point after
     * another), so the size before is where our piece starts. */
    struct stat st;
    int err = 0;
    if (fstat(fd, &st) != 0)
        err = -errno;
    else if ((err = write_all(fd, data, len)) != 0) {
        /* Cut the piece off again; should that fail too, the write's
         * error is still the one to report. */
        int cut = ftruncate(fd, st.st_size);
        (void)cut;
    }
    if (close(fd) != 0 && err == 0)
        err = -errno;
    return err;
}
