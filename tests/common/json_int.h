/*
 * For the tests whose writer emits one JSON object (hist, mem): the
 * integer value of a top-level member, found with the project's own
 * validator and member lookup rather than a string search.
 */
#ifndef TVC_TEST_JSON_INT_H
#define TVC_TEST_JSON_INT_H

#include "tvc/json.h"
#include "tvc_test.h"

#include <stdlib.h>
#include <string.h>

/* The integer value of member key of the object text; -2 when the value
 * is not an integer (null, a string, a fraction).  Fails the test when
 * text is not valid JSON or has no such member. */
static inline int64_t json_int(const char *text, const char *key)
{
    size_t n = strlen(text), off, len;
    ASSERT_EQ(tvc_json_validate(text, n, NULL), 0);
    if (tvc_json_member(text, n, key, &off, &len) != 0)
        TVC__FAIL("key %s missing in %s", key, text);
    char *end;
    long long v = strtoll(text + off, &end, 10);
    return end == text + off + len ? v : -2;
}

#endif
