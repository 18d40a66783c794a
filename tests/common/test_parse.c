/*
 * Numbers from the command line (tvc/parse.h): the decimal and binary
 * suffixes, negatives, ranges and where they are open, overflow, garbage
 * and the empty string, the reason text a refusal prints, and doubles.
 */
#include "tvc/parse.h"
#include "tvc_test.h"

#include <errno.h>
#include <stdint.h>

#define ANY INT64_MIN, INT64_MAX

static void suffixes(void)
{
    static const struct {
        const char *s;
        int64_t want;
    } ok[] = {
        {"42", 42},      {"+42", 42},      {"10k", 10000},
        {"10K", 10000},  {"3M", 3000000},  {"2G", 2000000000},
        {"64Ki", 65536}, {"1Mi", 1 << 20}, {"3Gi", INT64_C(3) << 30},
        {"-7", -7},      {"-4Ki", -4096},  {"0", 0},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t v = 99;
        ASSERT_OK(tvc_parse_int(ok[i].s, ANY, &v));
        ASSERT_EQ(v, ok[i].want);
    }
}

/* Refused values leave *out alone. */
static void garbage(void)
{
    int64_t v = 99;
    ASSERT_ERR(tvc_parse_int("", ANY, &v), -EINVAL);
    ASSERT_ERR(tvc_parse_int("k", ANY, &v), -EINVAL);
    ASSERT_ERR(tvc_parse_int("-", ANY, &v), -EINVAL);
    ASSERT_ERR(tvc_parse_int("12x", ANY, &v), -EINVAL);
    ASSERT_ERR(tvc_parse_int("12kb", ANY, &v), -EINVAL);
    ASSERT_ERR(tvc_parse_int("12ki", ANY, &v), -EINVAL);
    ASSERT_ERR(tvc_parse_int("12Kii", ANY, &v), -EINVAL);
    ASSERT_ERR(tvc_parse_int("12 k", ANY, &v), -EINVAL);
    ASSERT_ERR(tvc_parse_int("1.5", ANY, &v), -EINVAL);
    ASSERT_ERR(tvc_parse_int(" 5", ANY, &v), -EINVAL);
    ASSERT_ERR(tvc_parse_int("5 ", ANY, &v), -EINVAL);
    ASSERT_ERR(tvc_parse_int("0x10", ANY, &v), -EINVAL);
    ASSERT_ERR(tvc_parse_int("abc", ANY, &v), -EINVAL);
    ASSERT_EQ(v, 99);
}

static void ranges_and_overflow(void)
{
    int64_t v = 99;
    ASSERT_OK(tvc_parse_int("0", 0, 65535, &v));
    ASSERT_EQ(v, 0);
    ASSERT_OK(tvc_parse_int("65535", 0, 65535, &v));
    ASSERT_EQ(v, 65535);
    ASSERT_OK(tvc_parse_int("63Ki", 0, 65535, &v));
    ASSERT_ERR(tvc_parse_int("64Ki", 0, 65535, &v), -ERANGE);
    ASSERT_ERR(tvc_parse_int("-1", 0, 65535, &v), -ERANGE);
    ASSERT_ERR(tvc_parse_int("1G", 1, 1000000, &v), -ERANGE);
    ASSERT_OK(tvc_parse_int("9223372036854775807", ANY, &v));
    ASSERT_EQ(v, INT64_MAX);
    ASSERT_OK(tvc_parse_int("-9223372036854775808", ANY, &v));
    ASSERT_EQ(v, INT64_MIN);
    v = 99;
    ASSERT_ERR(tvc_parse_int("9223372036854775808", ANY, &v), -ERANGE);
    ASSERT_ERR(tvc_parse_int("99999999999999999999", ANY, &v), -ERANGE);
    ASSERT_ERR(tvc_parse_int("9999999999G", ANY, &v), -ERANGE);
    ASSERT_ERR(tvc_parse_int("8589934592Gi", ANY, &v), -ERANGE);
    ASSERT_ERR(tvc_parse_int("-9999999999G", ANY, &v), -ERANGE);
    ASSERT_EQ(v, 99);
}

/* The reason names the form and the range, bounds written with the
 * suffix that divides them. */
static void reasons(void)
{
    char why[128];
    ASSERT_STREQ(tvc_parse_int_why(ANY, why, sizeof why),
                 "an integer (k/M/G or Ki/Mi/Gi suffixes)");
    ASSERT_STREQ(tvc_parse_int_why(1, INT64_MAX, why, sizeof why),
                 "an integer >= 1 (k/M/G or Ki/Mi/Gi suffixes)");
    ASSERT_STREQ(tvc_parse_int_why(INT64_MIN, -1, why, sizeof why),
                 "an integer <= -1 (k/M/G or Ki/Mi/Gi suffixes)");
    ASSERT_STREQ(tvc_parse_int_why(0, 65535, why, sizeof why),
                 "an integer in 0..65535 (k/M/G or Ki/Mi/Gi suffixes)");
    ASSERT_STREQ(tvc_parse_int_why(1, 1000000, why, sizeof why),
                 "an integer in 1..1M (k/M/G or Ki/Mi/Gi suffixes)");
    ASSERT_STREQ(tvc_parse_int_why(-2048, 1 << 30, why, sizeof why),
                 "an integer in -2Ki..1Gi (k/M/G or Ki/Mi/Gi suffixes)");
    /* Truncated, never overrun. */
    char small[12];
    ASSERT_STREQ(tvc_parse_int_why(0, 1, small, sizeof small), "an integer ");
}

static void doubles(void)
{
    double d;
    ASSERT_OK(tvc_parse_double("0.25", &d));
    ASSERT(d == 0.25);
    ASSERT_OK(tvc_parse_double("1e3", &d));
    ASSERT(d == 1000.0);
    ASSERT_OK(tvc_parse_double("-2", &d));
    ASSERT(d == -2.0);
    ASSERT_OK(tvc_parse_double("1k", &d));
    ASSERT(d == 1000.0);
    ASSERT_OK(tvc_parse_double("2Ki", &d));
    ASSERT(d == 2048.0);
    ASSERT_ERR(tvc_parse_double("", &d), -EINVAL);
    ASSERT_ERR(tvc_parse_double(" 1", &d), -EINVAL);
    ASSERT_ERR(tvc_parse_double("fast", &d), -EINVAL);
    ASSERT_ERR(tvc_parse_double("1.5x", &d), -EINVAL);
    ASSERT_ERR(tvc_parse_double("1.5k", &d), -EINVAL);
    ASSERT_ERR(tvc_parse_double("inf", &d), -EINVAL);
    ASSERT_ERR(tvc_parse_double("nan", &d), -EINVAL);
    ASSERT_ERR(tvc_parse_double("1e999", &d), -ERANGE);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    suffixes();
    garbage();
    ranges_and_overflow();
    reasons();
    doubles();
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
