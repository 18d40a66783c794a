/*
 * Numbers from the command line (parse.h): integers with decimal and
 * binary suffixes within a range, the reason a value was refused, and
 * doubles.
 */
#include "tvc/parse.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* The suffixes, largest first so a bound is written with the largest
 * one that divides it. */
static const struct {
    const char *name;
    int64_t mul;
} suffixes[] = {
    {"Gi", INT64_C(1) << 30},
    {"G", 1000000000},
    {"Mi", INT64_C(1) << 20},
    {"M", 1000000},
    {"Ki", 1024},
    {"k", 1000},
    {"K", 1000},
};
#define NSUFFIX (sizeof suffixes / sizeof suffixes[0])

/* The multiplier a suffix stands for (1 for none), or 0 if end is not
 * exactly one suffix. */
static int64_t suffix_mul(const char *end)
{
    if (*end == '\0')
        return 1;
    for (size_t i = 0; i < NSUFFIX; i++) {
        const char *a = suffixes[i].name, *b = end;
        while (*a != '\0' && *a == *b)
            a++, b++;
        if (*a == '\0' && *b == '\0')
            return suffixes[i].mul;
    }
    return 0;
}

int tvc_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
    /* Digits first (after one sign): strtoll would skip leading space. */
    if (!isdigit((unsigned char)s[s[0] == '-' || s[0] == '+']))
        return -EINVAL;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    int64_t mul = suffix_mul(end);
    if (mul == 0)
        return -EINVAL;
    if (errno == ERANGE || v > INT64_MAX / mul || v < INT64_MIN / mul)
        return -ERANGE;
    int64_t r = (int64_t)v * mul;
    if (r < min || r > max)
        return -ERANGE;
    *out = r;
    return 0;
}

/* v in decimal, or as N<suffix> when a suffix divides it. */
static void bound(int64_t v, char *buf, size_t len)
{
    for (size_t i = 0; v != 0 && i < NSUFFIX; i++)
        if (v % suffixes[i].mul == 0) {
            snprintf(buf, len, "%lld%s", (long long)(v / suffixes[i].mul),
                     suffixes[i].name);
            return;
        }
    snprintf(buf, len, "%lld", (long long)v);
}

const char *tvc_parse_int_why(int64_t min, int64_t max, char *buf, size_t len)
{
    static const char form[] = "(k/M/G or Ki/Mi/Gi suffixes)";
    char lo[32], hi[32];
    bound(min, lo, sizeof lo);
    bound(max, hi, sizeof hi);
    if (min == INT64_MIN && max == INT64_MAX)
        snprintf(buf, len, "an integer %s", form);
    else if (max == INT64_MAX)
        snprintf(buf, len, "an integer >= %s %s", lo, form);
    else if (min == INT64_MIN)
        snprintf(buf, len, "an integer <= %s %s", hi, form);
    else
        snprintf(buf, len, "an integer in %s..%s %s", lo, hi, form);
    return buf;
}

int tvc_parse_double(const char *s, double *out)
{
    if (s[0] == '\0' || isspace((unsigned char)s[0]))
        return -EINVAL;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s)
        return -EINVAL;
    if (*end != '\0') {
        /* "1k": an integer with a suffix is a number too. */
        int64_t i;
        int rc = tvc_parse_int(s, INT64_MIN, INT64_MAX, &i);
        if (rc == 0)
            *out = (double)i;
        return rc;
    }
    if (errno == ERANGE)
        return -ERANGE;
    /* strtod takes "inf" and "nan": no count or duration is either. */
    if (!isfinite(v))
        return -EINVAL;
    *out = v;
    return 0;
}
