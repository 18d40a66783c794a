/*
 * Parsing and checking of workload parameter values, shared by the
 * driver (workload.c).  A parameter's type comes from its default: an
 * integer default makes an integer parameter, a decimal one a double, and
 * anything else a string; spec->choices, when set, limits the values to
 * a list ("a|b"), for integers to a range ("1..65535", "0.."), or to an
 * address (TVC_PARAM_HOSTPORT).  The values are read by tvc/parse.h.
 */
#ifndef TVC_WL_PARAMS_H
#define TVC_WL_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "tvc/workload.h"

enum tvc__ptype {
    TVC__P_INT,    /* tvc_parse_int: k/M/G and Ki/Mi/Gi suffixes */
    TVC__P_DOUBLE, /* tvc_parse_double */
    TVC__P_STR,    /* any text, or one of spec->choices */
};

/* The parameter's type, judged from its default. */
enum tvc__ptype tvc__param_type(const tvc_param_spec *p);

/* 0 if value is acceptable for p; else -EINVAL with a one-line reason
 * ("an integer in 1..1M (k/M/G or Ki/Mi/Gi suffixes)", "one of a|b") in
 * why. */
int tvc__param_check(const tvc_param_spec *p, const char *value, char *why,
                     size_t whylen);

#endif
