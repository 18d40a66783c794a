/*
 * Workload parameter values: integers with size suffixes, doubles,
 * HOST:PORT addresses, and strings limited to a list of choices.  Every
 * value is checked here, before the run starts, so a typo is a usage
 * error with a clear message rather than a failed record.  The numbers
 * themselves are read by tvc/parse.h, as every other tool reads them.
 */
#include "wl_params.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tvc/addr.h"
#include "tvc/parse.h"

enum tvc__ptype tvc__param_type(const tvc_param_spec *p)
{
    int64_t i;
    double d;
    if (tvc_parse_int(p->def, INT64_MIN, INT64_MAX, &i) == 0)
        return TVC__P_INT;
    if (tvc_parse_double(p->def, &d) == 0)
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

/* The bounds of "MIN..MAX" (an end left out is open; the ends take the
 * same suffixes as values).  A malformed range is a programming error in
 * a spec table: said and aborted on. */
static void range_of(const tvc_param_spec *p, const char *dots, int64_t *min,
                     int64_t *max)
{
    char lo[32];
    size_t lolen = (size_t)(dots - p->choices);
    *min = INT64_MIN;
    *max = INT64_MAX;
    if (lolen < sizeof lo) {
        memcpy(lo, p->choices, lolen);
        lo[lolen] = '\0';
        if ((lolen == 0 || tvc_parse_int(lo, INT64_MIN, INT64_MAX, min) == 0) &&
            (dots[2] == '\0' ||
             tvc_parse_int(dots + 2, INT64_MIN, INT64_MAX, max) == 0))
            return;
    }
    fprintf(stderr, "tvc: --%s has a malformed range '%s'\n", p->name,
            p->choices);
    abort();
}

int tvc__param_check(const tvc_param_spec *p, const char *value, char *why,
                     size_t whylen)
{
    int64_t i, min = INT64_MIN, max = INT64_MAX;
    double d;
    const char *dots = p->choices ? strstr(p->choices, "..") : NULL;
    if (p->choices != NULL && strcmp(p->choices, TVC_PARAM_HOSTPORT) == 0) {
        char host[64];
        int port;
        /* An empty default means "none given", so it stays acceptable. */
        if ((value[0] == '\0' && p->def[0] == '\0') ||
            tvc_addr_split(value, host, sizeof host, &port) == 0)
            return 0;
        snprintf(why, whylen, "%s", TVC_ADDR_HOSTPORT_FORM);
        return -EINVAL;
    }
    if (dots != NULL)
        range_of(p, dots, &min, &max);
    else if (p->choices != NULL) {
        if (is_choice(p->choices, value))
            return 0;
        snprintf(why, whylen, "one of %s", p->choices);
        return -EINVAL;
    }
    if (dots != NULL || tvc__param_type(p) == TVC__P_INT) {
        if (tvc_parse_int(value, min, max, &i) == 0)
            return 0;
        tvc_parse_int_why(min, max, why, whylen);
        return -EINVAL;
    }
    if (tvc__param_type(p) == TVC__P_DOUBLE) {
        if (tvc_parse_double(value, &d) == 0)
            return 0;
        snprintf(why, whylen, "a number (1.5, 2e6, or an integer as 1k)");
        return -EINVAL;
    }
    return 0;
}
