/*
 * Parsing and checking of workload parameter values, shared by the
 * driver (workload.c).  A parameter's type comes from its default: an
 * integer default makes an integer parameter, a decimal one a double, and
 * anything else a string; spec->choices, when set, limits the values to
 * a list ("a|b") or, for integers, a range ("1..65535", "0..").
 */
#ifndef TVC_WL_PARAMS_H
#define TVC_WL_PARAMS_H

#include <stddef.h>
#include <stdint.h>

#include "tvc/workload.h"

enum tvc__ptype {
    TVC__P_INT,    /* int64, k/M/G (1e3..) and Ki/Mi/Gi (2^10..) suffixes */
    TVC__P_DOUBLE, /* strtod syntax */
    TVC__P_STR,    /* any text, or one of spec->choices */
};

/* 0 and *out, or -EINVAL (not an integer) / -ERANGE (overflows). */
int tvc__parse_int(const char *s, int64_t *out);
/* 0 and *out, or -EINVAL. */
int tvc__parse_double(const char *s, double *out);

/* The parameter's type, judged from its default. */
enum tvc__ptype tvc__param_type(const tvc_param_spec *p);

/* 0 if value is acceptable for p; else -EINVAL with a one-line reason
 * ("an integer (k/M/G suffixes allowed)", "one of a|b") in why. */
int tvc__param_check(const tvc_param_spec *p, const char *value, char *why,
                     size_t whylen);

#endif
