/*
 * Numbers from the command line, read one way everywhere: the workload
 * driver, the runner, the load generators, the delay server and the
 * benchmarks all call these, so a value typed for one is accepted by all.
 *
 * An integer is optional sign, decimal digits and at most one suffix:
 * k, M, G (10^3, 10^6, 10^9; K for k too) or Ki, Mi, Gi (2^10, 2^20,
 * 2^30).  "64Ki" is 65536, "2M" 2000000, "-3k" -3000.  Nothing else may
 * follow, and no space may lead.
 */
#ifndef TVC_PARSE_H
#define TVC_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Reads s as an integer within [min, max] (both included; INT64_MIN and
 * INT64_MAX leave an end open).  Returns 0 and sets *out, or -EINVAL (s
 * is not an integer) or -ERANGE (it overflows int64 or lies outside
 * [min, max]), leaving *out alone. */
int tvc_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

/* The one-line reason for a value tvc_parse_int(s, min, max) refused,
 * naming the accepted form and range, for "bad --x 'v' (expected ...)":
 * "an integer in 1..64Ki (k/M/G or Ki/Mi/Gi suffixes)".  Bounds that are
 * whole multiples of a suffix are written with it.  Returns buf. */
const char *tvc_parse_int_why(int64_t min, int64_t max, char *buf, size_t len);

/* Reads s as a finite double (strtod's syntax, or an integer with a
 * suffix: "1k" is 1000.0).  Returns 0 and sets *out, or -EINVAL (not a
 * number) or -ERANGE (overflows a double). */
int tvc_parse_double(const char *s, double *out);

#endif
