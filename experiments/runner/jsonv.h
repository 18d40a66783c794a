/*
 * A strict JSON validator (RFC 8259, plus the I-JSON rules that matter to
 * us: valid UTF-8 only, no lone surrogate escapes), used by the runner to
 * decide whether a child printed exactly one record, and a lookup of a
 * top-level member's raw text so the runner can read "ok" and refuse
 * records that already use the keys it adds.  No allocation.
 */
#ifndef TVC_JSONV_H
#define TVC_JSONV_H

#include <stddef.h>

/* Nesting deeper than this is rejected (records are shallow). */
#define TVC_JV_MAX_DEPTH 64

typedef struct tvc_jv_error {
    size_t offset;   /* byte where the text stopped being valid */
    const char *msg; /* static description */
} tvc_jv_error;

/* Returns 0 when s[0..n) is exactly one JSON value with optional white
 * space around it, else -EINVAL and fills *e (if not NULL). */
int tvc_jv_validate(const char *s, size_t n, tvc_jv_error *e);

/* For a text that tvc_jv_validate accepted and whose value is an object:
 * finds the top-level member named key (compared byte for byte with the
 * key as written, escapes not decoded) and stores its value's span.
 * Returns 0, -ENOENT when absent, -EINVAL when the text is not an
 * object. */
int tvc_jv_member(const char *s, size_t n, const char *key, size_t *off,
                  size_t *len);

#endif
