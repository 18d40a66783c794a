/*
 * Workload parameter values: integers with size suffixes, doubles, and
 * strings limited to a list of choices.  Every value is checked here,
 * before the run starts, so a typo is a usage error with a clear message
 * rather than a failed record.
 */
#include "wl_params.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tvc__parse_int(const char *s, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (end == s)
        return -EINVAL;
    if (errno == ERANGE)
        return -ERANGE;
    int64_t mul = 1;
    if (*end != '\0') {
        int binary = end[1] == 'i';
        int64_t base = binary ? 1024 : 1000;
        switch (*end) {
        case 'k':
        case 'K':
            mul = base;
            break;
        case 'M':
            mul = base * base;
            break;
        case 'G':
            mul = base * base * base;
            break;
        default:
            return -EINVAL;
        }
        if (end[1 + binary] != '\0')
            return -EINVAL;
    }
    if (v > INT64_MAX / mul || v < INT64_MIN / mul)
        return -ERANGE;
    *out = (int64_t)v * mul;
    return 0;
}

int tvc__parse_double(const char *s, double *out)
{
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end != '\0')
        return -EINVAL;
    *out = v;
    return 0;
}

enum tvc__ptype tvc__param_type(const tvc_param_spec *p)
{
    int64_t i;
    double d;
    if (tvc__parse_int(p->def, &i) == 0)
        return TVC__P_INT;
    if (tvc__parse_double(p->def, &d) == 0)
        return TVC__P_DOUBLE;
    return TVC__P_STR;
}

/* True when value is one of the '|'-separated choices. */
static int is_choice(const char *choices, const char *value)
{
    size_t n = strlen(value);
    const char *c = choices;
    while (*c != '\0') {
        const char *bar = strchr(c, '|');
        size_t len = bar ? (size_t)(bar - c) : strlen(c);
        if (len == n && strncmp(c, value, n) == 0)
            return 1;
        c += len + (bar != NULL);
    }
    return 0;
}

/* Whether v lies in "MIN..MAX" (either end may be left out; the ends
 * take the same suffixes as values).  -EINVAL for a malformed range, a
 * programming error the caller reports. */
static int in_range(const char *range, int64_t v)
{
    const char *dots = strstr(range, "..");
    char lo[32];
    size_t lolen = (size_t)(dots - range);
    int64_t bound;
    if (lolen >= sizeof lo)
        return -EINVAL;
    memcpy(lo, range, lolen);
    lo[lolen] = '\0';
    if (lolen > 0) {
        if (tvc__parse_int(lo, &bound) != 0)
            return -EINVAL;
        if (v < bound)
            return 0;
    }
    if (dots[2] != '\0') {
        if (tvc__parse_int(dots + 2, &bound) != 0)
            return -EINVAL;
        if (v > bound)
            return 0;
    }
    return 1;
}

int tvc__param_check(const tvc_param_spec *p, const char *value, char *why,
                     size_t whylen)
{
    int64_t i;
    double d;
    if (p->choices != NULL && strstr(p->choices, "..") != NULL) {
        int in = tvc__parse_int(value, &i) == 0 ? in_range(p->choices, i) : 0;
        if (in < 0) {
            fprintf(stderr, "tvc: --%s has a malformed range '%s'\n",
                    p->name, p->choices);
            abort();
        }
        if (in)
            return 0;
        const char *dots = strstr(p->choices, "..");
        if (dots[2] == '\0')
            snprintf(why, whylen, "an integer >= %.*s",
                     (int)(dots - p->choices), p->choices);
        else if (dots == p->choices)
            snprintf(why, whylen, "an integer <= %s", dots + 2);
        else
            snprintf(why, whylen, "an integer in %s", p->choices);
        return -EINVAL;
    }
    if (p->choices != NULL) {
        if (is_choice(p->choices, value))
            return 0;
        snprintf(why, whylen, "one of %s", p->choices);
        return -EINVAL;
    }
    switch (tvc__param_type(p)) {
    case TVC__P_INT:
        if (tvc__parse_int(value, &i) == 0)
            return 0;
        snprintf(why, whylen, "an integer (k/M/G or Ki/Mi/Gi suffixes)");
        return -EINVAL;
    case TVC__P_DOUBLE:
        if (tvc__parse_double(value, &d) == 0)
            return 0;
        snprintf(why, whylen, "a number");
        return -EINVAL;
    case TVC__P_STR:
        return 0;
    }
    return -EINVAL;
}
