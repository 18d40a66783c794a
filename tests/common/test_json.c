/*
 * The JSON writer and atomic file output: escaping (quotes, backslashes,
 * every control character, UTF-8 passed through, invalid bytes replaced),
 * commas through nesting, numbers (exact integers, round-tripping doubles,
 * NaN/inf as null), tvc_json_finish catching unbalanced and misused
 * writers, and tvc_file_write_atomic replacing a file without leaving its
 * temporary behind.
 */
#include "tvc_test.h"

#include "tvc/json.h"

#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <sys/stat.h>
#include <unistd.h>

/* The text of a writer after one string value. */
static void check_string(const char *in, size_t n, const char *want)
{
    tvc_json j;
    tvc_json_init(&j);
    tvc_json_stringn(&j, in, n);
    ASSERT_OK(tvc_json_finish(&j));
    ASSERT_STREQ(j.buf, want);
    tvc_json_free(&j);
}

static void test_escaping(void)
{
    check_string("plain", 5, "\"plain\"");
    check_string("", 0, "\"\"");
    check_string("a\"b\\c/d", 7, "\"a\\\"b\\\\c/d\"");
    check_string("\b\f\n\r\t", 5, "\"\\b\\f\\n\\r\\t\"");
    check_string("\x01\x0b\x1f\x7f", 4, "\"\\u0001\\u000b\\u001f\x7f\"");
    /* An embedded NUL is data, not the end. */
    check_string("a\0b", 3, "\"a\\u0000b\"");
    /* Valid UTF-8 (2, 3 and 4 bytes) passes through unchanged. */
    check_string("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14,
                 "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
    /* Invalid bytes: a lone continuation, a truncated sequence, an
     * overlong '/', a surrogate; each bad byte becomes U+FFFD. */
    check_string("a\x80z", 3, "\"a\\ufffdz\"");
    check_string("\xe2\x82", 2, "\"\\ufffd\\ufffd\"");
    check_string("\xc0\xaf", 2, "\"\\ufffd\\ufffd\"");
    check_string("\xed\xa0\x80", 3, "\"\\ufffd\\ufffd\\ufffd\"");

    /* Every control character is escaped, so the result validates. */
    char all[32];
    for (int c = 0; c < 32; c++)
        all[c] = (char)c;
    tvc_json j;
    tvc_json_init(&j);
    tvc_json_stringn(&j, all, sizeof all);
    ASSERT_OK(tvc_json_finish(&j));
    for (size_t i = 0; i < j.len; i++)
        ASSERT((unsigned char)j.buf[i] >= 0x20);
    tvc_json_free(&j);

    /* Keys are escaped the same way; a NULL string is null. */
    tvc_json_init(&j);
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "k\"\n");
    tvc_json_string(&j, NULL);
    tvc_json_object_end(&j);
    ASSERT_OK(tvc_json_finish(&j));
    ASSERT_STREQ(j.buf, "{\"k\\\"\\n\":null}");
    tvc_json_free(&j);
}

static void test_nesting(void)
{
    tvc_json j;
    tvc_json_init(&j);
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "schema");
    tvc_json_int(&j, 1);
    tvc_json_key(&j, "list");
    tvc_json_array_begin(&j);
    tvc_json_int(&j, 1);
    tvc_json_array_begin(&j);
    tvc_json_array_end(&j);
    tvc_json_object_begin(&j);
    tvc_json_object_end(&j);
    tvc_json_array_begin(&j);
    tvc_json_bool(&j, 1);
    tvc_json_bool(&j, 0);
    tvc_json_null(&j);
    tvc_json_array_end(&j);
    tvc_json_array_end(&j);
    tvc_json_key(&j, "inner");
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "a");
    tvc_json_string(&j, "x");
    tvc_json_key(&j, "b");
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "c");
    tvc_json_int(&j, -2);
    tvc_json_object_end(&j);
    tvc_json_object_end(&j);
    tvc_json_key(&j, "ok");
    tvc_json_bool(&j, 1);
    tvc_json_object_end(&j);
    ASSERT_OK(tvc_json_finish(&j));
    ASSERT_STREQ(j.buf, "{\"schema\":1,\"list\":[1,[],{},[true,false,null]],"
                        "\"inner\":{\"a\":\"x\",\"b\":{\"c\":-2}},"
                        "\"ok\":true}");
    ASSERT_EQ(j.len, strlen(j.buf));
    tvc_json_free(&j);

    /* Deep nesting (past the writer's 64 comma bits) still balances but
     * finish refuses it rather than emit something it cannot vouch for. */
    tvc_json_init(&j);
    for (int i = 0; i < 100; i++)
        tvc_json_array_begin(&j);
    for (int i = 0; i < 100; i++)
        tvc_json_array_end(&j);
    ASSERT_ERR(tvc_json_finish(&j), TVC_EINVALSTATE);
    tvc_json_free(&j);

    /* A long document grows the buffer many times. */
    tvc_json_init(&j);
    tvc_json_array_begin(&j);
    for (int i = 0; i < 20000; i++)
        tvc_json_int(&j, i);
    tvc_json_array_end(&j);
    ASSERT_OK(tvc_json_finish(&j));
    ASSERT(strncmp(j.buf, "[0,1,2,", 7) == 0);
    ASSERT(strcmp(j.buf + j.len - 12, "19998,19999]") == 0);
    tvc_json_free(&j);
}

static void check_double(double v, const char *want)
{
    tvc_json j;
    tvc_json_init(&j);
    tvc_json_double(&j, v);
    ASSERT_OK(tvc_json_finish(&j));
    ASSERT_STREQ(j.buf, want);
    tvc_json_free(&j);
}

static void test_numbers(void)
{
    check_double(NAN, "null");
    check_double(INFINITY, "null");
    check_double(-INFINITY, "null");
    check_double(0.1, "0.1");
    check_double(1.5, "1.5");
    check_double(-2, "-2");
    check_double(1e300, "1e+300");

    /* Doubles read back exactly. */
    const double vals[] = {1.0 / 3,
                           M_PI,
                           123456.789e-7,
                           0.30000000000000004,
                           9007199254740993.0,
                           -1e-5,
                           5e-324,
                           1.7976931348623157e308};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        tvc_json j;
        tvc_json_init(&j);
        tvc_json_double(&j, vals[i]);
        ASSERT_OK(tvc_json_finish(&j));
        ASSERT(strtod(j.buf, NULL) == vals[i]);
        tvc_json_free(&j);
    }

    /* Integers are exact across the whole range. */
    tvc_json j;
    tvc_json_init(&j);
    tvc_json_array_begin(&j);
    tvc_json_int(&j, INT64_MAX);
    tvc_json_int(&j, INT64_MIN);
    tvc_json_int(&j, 0);
    tvc_json_double(&j, NAN);
    tvc_json_array_end(&j);
    ASSERT_OK(tvc_json_finish(&j));
    ASSERT_STREQ(j.buf, "[9223372036854775807,-9223372036854775808,0,null]");
    tvc_json_free(&j);
}

static void test_finish(void)
{
    tvc_json j;

    /* Nothing written is not a document. */
    tvc_json_init(&j);
    ASSERT_ERR(tvc_json_finish(&j), TVC_EINVALSTATE);
    tvc_json_free(&j);

    /* Unclosed, and closed once too often. */
    tvc_json_init(&j);
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "a");
    tvc_json_array_begin(&j);
    tvc_json_array_end(&j);
    ASSERT_ERR(tvc_json_finish(&j), TVC_EINVALSTATE);
    tvc_json_object_end(&j);
    ASSERT_OK(tvc_json_finish(&j));
    tvc_json_object_end(&j);
    ASSERT_ERR(tvc_json_finish(&j), TVC_EINVALSTATE);
    tvc_json_free(&j);

    /* A key without its value. */
    tvc_json_init(&j);
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "a");
    tvc_json_object_end(&j);
    ASSERT_ERR(tvc_json_finish(&j), TVC_EINVALSTATE);
    tvc_json_free(&j);

    /* Balanced in count but mismatched in kind. */
    tvc_json_init(&j);
    tvc_json_object_begin(&j);
    tvc_json_array_end(&j);
    ASSERT_ERR(tvc_json_finish(&j), TVC_EINVALSTATE);
    tvc_json_free(&j);

    /* A value without a key inside an object; a key inside an array. */
    tvc_json_init(&j);
    tvc_json_object_begin(&j);
    tvc_json_int(&j, 1);
    tvc_json_object_end(&j);
    ASSERT_ERR(tvc_json_finish(&j), TVC_EINVALSTATE);
    tvc_json_free(&j);
    tvc_json_init(&j);
    tvc_json_array_begin(&j);
    tvc_json_key(&j, "a");
    tvc_json_int(&j, 1);
    tvc_json_array_end(&j);
    ASSERT_ERR(tvc_json_finish(&j), TVC_EINVALSTATE);
    tvc_json_free(&j);

    /* Two top-level values are two documents, not one. */
    tvc_json_init(&j);
    tvc_json_int(&j, 1);
    tvc_json_int(&j, 2);
    ASSERT_ERR(tvc_json_finish(&j), TVC_EINVALSTATE);
    tvc_json_free(&j);

    /* A failed allocation is reported as such. */
    tvc_json_init(&j);
    tvc_json_int(&j, 1);
    j.oom = 1;
    ASSERT_ERR(tvc_json_finish(&j), -ENOMEM);
    tvc_json_free(&j);
}

/* Reads a whole small file into buf; returns its length. */
static size_t slurp(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "rb");
    ASSERT(f != NULL);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
    return n;
}

/* Files in dir other than "." and "..". */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    ASSERT(d != NULL);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void test_atomic_write(void)
{
    char dir[] = "/tmp/tvc-test-json-XXXXXX";
    ASSERT(mkdtemp(dir) != NULL);
    char path[128], buf[256];
    snprintf(path, sizeof path, "%s/out.json", dir);

    /* Creates the file. */
    const char *first = "{\"a\":1}\n";
    ASSERT_OK(tvc_file_write_atomic(path, first, strlen(first)));
    ASSERT_EQ(slurp(path, buf, sizeof buf), strlen(first));
    ASSERT_STREQ(buf, first);
    ASSERT_EQ(count_entries(dir), 1);

    /* Replaces the contents whole, even with something shorter. */
    const char *second = "[]\n";
    ASSERT_OK(tvc_file_write_atomic(path, second, strlen(second)));
    ASSERT_EQ(slurp(path, buf, sizeof buf), strlen(second));
    ASSERT_STREQ(buf, second);
    ASSERT_EQ(count_entries(dir), 1);

    /* Empty data is a valid (empty) file. */
    ASSERT_OK(tvc_file_write_atomic(path, "", 0));
    ASSERT_EQ(slurp(path, buf, sizeof buf), 0);

    /* Failure: the target is a directory, so rename fails after the
     * temporary was written; the temporary must be gone. */
    char sub[160];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    ASSERT_EQ(mkdir(sub, 0700), 0);
    int r = tvc_file_write_atomic(sub, "x", 1);
    ASSERT(r < 0);
    ASSERT_EQ(count_entries(dir), 2); /* out.json and sub only */

    /* Failure before anything is written: no such directory. */
    char missing[160];
    snprintf(missing, sizeof missing, "%s/nope/out.json", dir);
    ASSERT_ERR(tvc_file_write_atomic(missing, "x", 1), -ENOENT);

    ASSERT_EQ(rmdir(sub), 0);
    ASSERT_EQ(unlink(path), 0);
    ASSERT_EQ(rmdir(dir), 0);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    test_escaping();
    test_nesting();
    test_numbers();
    test_finish();
    test_atomic_write();
    /* glibc's per-thread cache keeps freed small chunks counted as in use
     * (fopen's FILE here); the other allocators report exact bytes. */
    ASSERT_NO_LEAKS(base, strcmp(tvc_mem_heap_source(), "glibc") ? 0 : 8192);
    printf("ok\n");
    return 0;
}
