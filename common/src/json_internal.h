/*
 * What the JSON writer (json.c) and validator (json_validate.c) share:
 * one reading of UTF-8, so the writer passes through exactly the bytes the
 * validator accepts.
 */
#ifndef TVC_JSON_INTERNAL_H
#define TVC_JSON_INTERNAL_H

#include <stddef.h>

/* Length of the valid UTF-8 sequence at s (at most n bytes, n >= 1), or 0
 * if the bytes there are not one: overlong forms, surrogates and code
 * points past U+10FFFF are invalid, as RFC 3629 says. */
size_t tvc__utf8_len(const unsigned char *s, size_t n);

#endif
