/*
 * The strict JSON validator and top-level member lookup (json.h): a
 * recursive-descent parser that only moves a cursor and never builds
 * anything.  It serves both the writer (tvc_json_finish checks its own
 * output) and the runner (is a child's stdout exactly one record, what is
 * its "ok").  Recursion is bounded by TVC_JSON_MAX_DEPTH, so hostile input
 * cannot exhaust the stack.
 */
#include "json_internal.h"
#include "tvc/json.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

typedef struct parser {
    const unsigned char *s; /* the text */
    size_t n;               /* its length */
    size_t i;               /* cursor */
    const char *msg;        /* first error, NULL while valid */
} parser;

static bool fail(parser *p, const char *msg)
{
    if (!p->msg)
        p->msg = msg;
    return false;
}

static void skip_ws(parser *p)
{
    while (p->i < p->n) {
        unsigned char c = p->s[p->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            return;
        p->i++;
    }
}

static bool literal(parser *p, const char *word)
{
    size_t len = strlen(word);
    if (p->n - p->i < len || memcmp(p->s + p->i, word, len) != 0)
        return fail(p, "invalid literal");
    p->i += len;
    return true;
}

static bool digits(parser *p)
{
    size_t start = p->i;
    while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
        p->i++;
    return p->i > start || fail(p, "digit expected");
}

/* -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)? */
static bool number(parser *p)
{
    if (p->s[p->i] == '-')
        p->i++;
    if (p->i >= p->n)
        return fail(p, "digit expected");
    if (p->s[p->i] == '0') {
        p->i++;
        if (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9')
            return fail(p, "leading zero in number");
    } else if (!digits(p)) {
        return false;
    }
    if (p->i < p->n && p->s[p->i] == '.') {
        p->i++;
        if (!digits(p))
            return false;
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-'))
            p->i++;
        if (!digits(p))
            return false;
    }
    return true;
}

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads the 4 hex digits of a \u escape (cursor after the 'u'). */
static bool hex4(parser *p, unsigned *out)
{
    if (p->n - p->i < 4)
        return fail(p, "truncated \\u escape");
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
        int h = hexval(p->s[p->i + k]);
        if (h < 0)
            return fail(p, "bad hex digit in \\u escape");
        v = v << 4 | (unsigned)h;
    }
    p->i += 4;
    *out = v;
    return true;
}

/* A \u escape, with a high surrogate only valid when a low one follows. */
static bool unicode_escape(parser *p)
{
    unsigned cp;
    if (!hex4(p, &cp))
        return false;
    if (cp >= 0xdc00 && cp <= 0xdfff)
        return fail(p, "lone low surrogate");
    if (cp < 0xd800 || cp > 0xdbff)
        return true;
    if (p->n - p->i < 2 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
        return fail(p, "lone high surrogate");
    p->i += 2;
    unsigned lo;
    if (!hex4(p, &lo))
        return false;
    if (lo < 0xdc00 || lo > 0xdfff)
        return fail(p, "high surrogate without low surrogate");
    return true;
}

size_t tvc__utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    size_t len;
    uint32_t cp, min;
    if (c < 0x80)
        return 1;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1f, min = 0x80;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0f, min = 0x800;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07, min = 0x10000;
    else
        return 0;
    if (n < len)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = cp << 6 | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* One UTF-8 sequence of 2-4 bytes (the cursor is on a byte >= 0x80). */
static bool utf8_seq(parser *p)
{
    size_t len = tvc__utf8_len(p->s + p->i, p->n - p->i);
    if (len == 0)
        return fail(p, "invalid UTF-8");
    p->i += len;
    return true;
}

/* A string; the cursor is on the opening quote. */
static bool string(parser *p)
{
    p->i++;
    while (p->i < p->n) {
        unsigned char c = p->s[p->i];
        if (c == '"') {
            p->i++;
            return true;
        }
        if (c < 0x20)
            return fail(p, "control character in string");
        if (c >= 0x80) {
            if (!utf8_seq(p))
                return false;
            continue;
        }
        p->i++;
        if (c != '\\')
            continue;
        if (p->i >= p->n)
            break;
        c = p->s[p->i++];
        if (c == 'u') {
            if (!unicode_escape(p))
                return false;
        } else if (!strchr("\"\\/bfnrt", c) || c == '\0') {
            return fail(p, "invalid escape");
        }
    }
    return fail(p, "unterminated string");
}

static bool value(parser *p, int depth);

static bool container(parser *p, int depth, bool object)
{
    char close = object ? '}' : ']';
    if (depth >= TVC_JSON_MAX_DEPTH)
        return fail(p, "nesting too deep");
    p->i++;
    skip_ws(p);
    if (p->i < p->n && p->s[p->i] == close) {
        p->i++;
        return true;
    }
    for (;;) {
        if (object) {
            skip_ws(p);
            if (p->i >= p->n || p->s[p->i] != '"')
                return fail(p, "member name expected");
            if (!string(p))
                return false;
            skip_ws(p);
            if (p->i >= p->n || p->s[p->i] != ':')
                return fail(p, "':' expected");
            p->i++;
        }
        if (!value(p, depth + 1))
            return false;
        skip_ws(p);
        if (p->i >= p->n)
            return fail(p, "unterminated container");
        if (p->s[p->i] == close) {
            p->i++;
            return true;
        }
        if (p->s[p->i] != ',')
            return fail(p,
                        object ? "',' or '}' expected" : "',' or ']' expected");
        p->i++;
    }
}

static bool value(parser *p, int depth)
{
    skip_ws(p);
    if (p->i >= p->n)
        return fail(p, "value expected");
    switch (p->s[p->i]) {
    case '{':
        return container(p, depth, true);
    case '[':
        return container(p, depth, false);
    case '"':
        return string(p);
    case 't':
        return literal(p, "true");
    case 'f':
        return literal(p, "false");
    case 'n':
        return literal(p, "null");
    default:
        if (p->s[p->i] == '-' || (p->s[p->i] >= '0' && p->s[p->i] <= '9'))
            return number(p);
        return fail(p, "value expected");
    }
}

int tvc_json_validate(const char *s, size_t n, tvc_json_error *e)
{
    parser p = {(const unsigned char *)s, n, 0, NULL};
    if (value(&p, 0)) {
        skip_ws(&p);
        if (p.i != n)
            fail(&p, "text after the value");
    }
    if (!p.msg)
        return 0;
    if (e) {
        e->offset = p.i;
        e->msg = p.msg;
    }
    return -EINVAL;
}

int tvc_json_member(const char *s, size_t n, const char *key, size_t *off,
                    size_t *len)
{
    parser p = {(const unsigned char *)s, n, 0, NULL};
    size_t klen = strlen(key);
    skip_ws(&p);
    if (p.i >= n || s[p.i] != '{')
        return -EINVAL;
    p.i++;
    for (;;) {
        skip_ws(&p);
        if (p.i >= n || s[p.i] != '"')
            return -ENOENT; /* '}' of an empty object */
        size_t kstart = p.i + 1;
        if (!string(&p))
            return -EINVAL;
        bool match =
            p.i - 1 - kstart == klen && memcmp(s + kstart, key, klen) == 0;
        skip_ws(&p);
        p.i++; /* the ':' the validator already saw */
        skip_ws(&p);
        size_t vstart = p.i;
        if (!value(&p, 1))
            return -EINVAL;
        if (match) {
            *off = vstart;
            *len = p.i - vstart;
            return 0;
        }
        skip_ws(&p);
        if (p.i >= n || s[p.i] != ',')
            return -ENOENT;
        p.i++;
    }
}
