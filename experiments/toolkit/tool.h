/*
 * What every tool in experiments/ shares (load generators, the delay
 * server, the benchmarks): --name=value options read by tvc/parse.h, the
 * frame of the one JSON record each prints on stdout, and the median, min
 * and max of repeated timings.
 */
#ifndef TVC_TOOL_H
#define TVC_TOOL_H

#include "tvc/json.h"

#include <stdint.h>

/* One option of the form --name=value from a NULL-terminated table of
 * names.  Returns the index of the matching name and sets *value, -1 when
 * arg is not one. */
int tvc_tool_option(const char *arg, const char *const *names,
                    const char **value);

/* Parses argv[1..argc) as --name=value options over names into val (whose
 * defaults the caller has set), then converts val[first_int..] (up to the
 * table's NULL) into num[] with tvc_parse_int (tvc/parse.h: k/M/G and
 * Ki/Mi/Gi suffixes), each within 0..INT64_MAX.  --help or -h prints
 * usage on stdout.  Returns 0 to go on, 1 when help was printed (exit 0),
 * or -1 after saying what is wrong on stderr, prefixed with prog (exit
 * 2). */
int tvc_tool_args(const char *prog, int argc, char **argv,
                  const char *const *names, const char **val, int64_t *num,
                  int first_int, const char *usage);

/* The benchmarks' one optional argument, REPS (1..1000).  Returns it,
 * def when absent, or -1 after a usage line on stderr (exit 2). */
int tvc_tool_reps(int argc, char **argv, int def);

/* Opens the record: {"schema":1,"runtime":runtime,"workload":workload,
 * with runtime left out when NULL.  The writer stays inside the object. */
void tvc_tool_record_begin(tvc_json *j, const char *runtime,
                           const char *workload);

/* Writes "ok" and "error" (null when ok, else the message). */
void tvc_tool_record_ok(tvc_json *j, int ok, const char *error);

/* Writes "<name>_median", "<name>_min" and "<name>_max" of v[0..n), n >= 1,
 * sorting v in place. */
void tvc_tool_record_stats(tvc_json *j, const char *name, double *v, int n);

/* Closes the record's object, checks it and prints it as one line on
 * stdout, then frees the writer.  Returns 0, or tvc_json_finish's error
 * after saying so on stderr, prefixed with prog. */
int tvc_tool_record_print(tvc_json *j, const char *prog);

#endif
