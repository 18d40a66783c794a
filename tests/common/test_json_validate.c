/*
 * The strict JSON validator (json.h) that tvc_json_finish and the runner
 * share: texts it must accept, texts it must refuse (each for one
 * reason), and the top-level member lookup the runner uses to read "ok"
 * and spot reserved keys.
 */
#include "tvc/json.h"
#include "tvc_test.h"

#include <errno.h>

static int check(const char *s)
{
    return tvc_json_validate(s, strlen(s), NULL);
}

static void valid(void)
{
    static const char *const good[] = {
        "{}",
        "[]",
        " \t\r\n{ } \n",
        "0",
        "-0",
        "-12.5e+3",
        "1E9",
        "0.25",
        "true",
        "false",
        "null",
        "\"\"",
        "\"a\\\"b\\\\c\\/d\\b\\f\\n\\r\\t\"",
        "\"\\u00e9\\uD83D\\uDE00\"",
        "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"",
        "{\"a\":[1,2,{\"b\":null}],\"c\":{}}",
        "[[[[[[[[[[1]]]]]]]]]]",
        "{\"schema\":1,\"ok\":true,\"figures\":{\"x_ns\":1.5}}\n",
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        if (check(good[i]) != 0)
            TVC__FAIL("refused valid JSON #%zu: %s", i, good[i]);
    }
}

static void invalid(void)
{
    static const char *const bad[] = {
        "",
        "   ",
        "{",
        "}",
        "{\"a\":1,}",
        "[1,]",
        "[,1]",
        "{\"a\" 1}",
        "{a:1}",
        "{\"a\":1 \"b\":2}",
        "01",
        "-",
        "1.",
        ".5",
        "1e",
        "+1",
        "0x10",
        "NaN",
        "Infinity",
        "tru",
        "nul",
        "'single'",
        "\"unterminated",
        "\"tab\tinside\"",
        "\"bad escape \\x\"",
        "\"\\u12\"",
        "\"\\u12G4\"",
        "\"lone high \\uD83D\"",
        "\"lone low \\uDE00\"",
        "\"high then not low \\uD83D\\u0041\"",
        "\"\xc0\xaf overlong\"",
        "\"\xed\xa0\x80 surrogate in UTF-8\"",
        "\"\xf5\x80\x80\x80 past U+10FFFF\"",
        "\"\xc3 truncated\"",
        "\"\x80 stray continuation\"",
        "{} {}",
        "{}x",
        "1 2",
        "this is not a record",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        tvc_json_error e = {0, NULL};
        int r = tvc_json_validate(bad[i], strlen(bad[i]), &e);
        if (r != -EINVAL || e.msg == NULL)
            TVC__FAIL("accepted invalid JSON #%zu: %s", i, bad[i]);
    }
    /* A NUL inside the text is not JSON either. */
    ASSERT_EQ(tvc_json_validate("{}\0", 3, NULL), -EINVAL);
    ASSERT_EQ(tvc_json_validate("\"a\0b\"", 5, NULL), -EINVAL);
}

static void depth(void)
{
    char deep[2 * (TVC_JSON_MAX_DEPTH + 2) + 1];
    size_t n = 0;
    for (int i = 0; i < TVC_JSON_MAX_DEPTH; i++)
        deep[n++] = '[';
    for (int i = 0; i < TVC_JSON_MAX_DEPTH; i++)
        deep[n++] = ']';
    ASSERT_EQ(tvc_json_validate(deep, n, NULL), 0);
    n = 0;
    for (int i = 0; i < TVC_JSON_MAX_DEPTH + 1; i++)
        deep[n++] = '[';
    for (int i = 0; i < TVC_JSON_MAX_DEPTH + 1; i++)
        deep[n++] = ']';
    tvc_json_error e;
    ASSERT_EQ(tvc_json_validate(deep, n, &e), -EINVAL);
    ASSERT_STREQ(e.msg, "nesting too deep");
}

static void error_offset(void)
{
    tvc_json_error e;
    const char *s = "{\"a\":[1,2,}";
    ASSERT_EQ(tvc_json_validate(s, strlen(s), &e), -EINVAL);
    ASSERT_EQ(e.offset, 10); /* the '}' where a value should be */
}

static void members(void)
{
    const char *s = " {\"schema\":1, \"nested\":{\"ok\":false},"
                    " \"ok\" : true , \"list\":[1,\"x\"]}";
    size_t n = strlen(s), off, len;
    ASSERT_EQ(tvc_json_validate(s, n, NULL), 0);
    ASSERT_EQ(tvc_json_member(s, n, "ok", &off, &len), 0);
    ASSERT_EQ(len, 4);
    ASSERT_EQ(memcmp(s + off, "true", 4), 0);
    ASSERT_EQ(tvc_json_member(s, n, "list", &off, &len), 0);
    ASSERT_EQ(len, 7);
    ASSERT_EQ(memcmp(s + off, "[1,\"x\"]", 7), 0);
    ASSERT_EQ(tvc_json_member(s, n, "run", &off, &len), -ENOENT);
    ASSERT_EQ(tvc_json_member(s, n, "o", &off, &len), -ENOENT);
    ASSERT_EQ(tvc_json_member("{}", 2, "ok", &off, &len), -ENOENT);
    ASSERT_EQ(tvc_json_member("[1]", 3, "ok", &off, &len), -EINVAL);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    valid();
    invalid();
    depth();
    error_offset();
    members();
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
