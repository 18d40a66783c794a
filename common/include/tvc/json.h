/*
 * A streaming JSON writer for result records, and atomic file output.
 * Strings are escaped per RFC 8259; a non-finite double is written as null,
 * so a record is always valid JSON.  The writer appends to a growable
 * buffer; nothing is written to a file until the caller says so.
 */
#ifndef TVC_JSON_H
#define TVC_JSON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct tvc_json {
    char *buf;          /* output, NUL-terminated */
    size_t len, cap;
    int depth;          /* nesting, for the comma logic */
    uint64_t need_comma; /* bit per depth: a value was already written */
    int after_key;      /* the next value follows a key */
    int oom;            /* an allocation failed: the output is invalid */
} tvc_json;

void tvc_json_init(tvc_json *j);
void tvc_json_free(tvc_json *j);

void tvc_json_object_begin(tvc_json *j);
void tvc_json_object_end(tvc_json *j);
void tvc_json_array_begin(tvc_json *j);
void tvc_json_array_end(tvc_json *j);
void tvc_json_key(tvc_json *j, const char *key);
void tvc_json_string(tvc_json *j, const char *s);
void tvc_json_stringn(tvc_json *j, const char *s, size_t n);
void tvc_json_int(tvc_json *j, int64_t v);
void tvc_json_double(tvc_json *j, double v); /* NaN/inf -> null */
void tvc_json_bool(tvc_json *j, int v);
void tvc_json_null(tvc_json *j);

/* Returns 0 when the document is complete and valid, else TVC_EINVALSTATE
 * (unbalanced) or -ENOMEM. */
int tvc_json_finish(const tvc_json *j);

/* Nesting deeper than this is refused by tvc_json_validate (records are
 * shallow; the bound keeps the recursive check off the end of the stack). */
#define TVC_JSON_MAX_DEPTH 64

/* Where and why a text stopped being valid JSON. */
typedef struct tvc_json_error {
    size_t offset;   /* byte where the text stopped being valid */
    const char *msg; /* static description */
} tvc_json_error;

/* Strict RFC 8259 check, plus the I-JSON rules that matter to us: valid
 * UTF-8 only, no lone surrogate escapes.  Returns 0 when text[0..len) is
 * exactly one JSON value with optional white space around it, else
 * -EINVAL and fills *err (if not NULL).  No allocation. */
int tvc_json_validate(const char *text, size_t len, tvc_json_error *err);

/* For a text that tvc_json_validate accepted and whose value is an
 * object: finds the top-level member named key (compared byte for byte
 * with the key as written, escapes not decoded) and stores its value's
 * span in *off and *vlen.  Returns 0, -ENOENT when absent, -EINVAL when
 * the text is not an object. */
int tvc_json_member(const char *text, size_t len, const char *key, size_t *off,
                    size_t *vlen);

/* Writes data to path through "path.tmp.<pid>" + fsync + rename, so a
 * reader never sees a half-written file.  0 or -errno. */
int tvc_file_write_atomic(const char *path, const void *data, size_t len);

/* Appends data to path (created if missing) in one O_APPEND write, or
 * not at all: when the write fails part way (a full disk) what it wrote
 * is cut off again, so a file of whole lines stays one.  0 or -errno. */
int tvc_file_append_whole(const char *path, const void *data, size_t len);

#endif
