/*
 * What every runtime binary (tvc-threaded, tvc-coroutine, tvc-callback)
 * shares around a workload: the command line, named parameters with
 * defaults, the self-check, figures, latency histograms and the one JSON
 * record the run prints on stdout.  A workload only does its work and
 * reports through these calls; tvc_wl_main does the rest, the same way in
 * all three binaries, so the records have one shape.
 *
 *   tvc-<runtime> WORKLOAD [--name=value ...]    one point, one record
 *   tvc-<runtime> --help | WORKLOAD --help       workloads and parameters
 */
#ifndef TVC_WORKLOAD_H
#define TVC_WORKLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "tvc/hist.h"

typedef struct tvc_param_spec {
    const char *name; /* --name; units in the name: sleep_ns, size_bytes */
    const char *def;  /* default, as typed on the command line */
    const char *help; /* one line */
    /* "a|b|c": the only values accepted; "MIN..MAX" (an end may be left
     * out, "1.." or "..1M"): the integers accepted; TVC_PARAM_HOSTPORT:
     * an address tvc_addr_split accepts (or an empty default); all
     * checked before the run, a bad value is a usage error.  NULL: any
     * value of the default's type. */
    const char *choices;
} tvc_param_spec;

#define TVC_PARAM_HOSTPORT "HOST:PORT"

/* The exit status of a peer asked for a value it cannot honour (a stack
 * mode, a cancellation mode, a framing it lacks): "not applicable", with
 * one line on stderr saying why and nothing on stdout.  tvc-runner records
 * such a point as status "not_applicable", not as a failure
 * (docs/DESIGN.md, "Workloads and records"). */
#define TVC_EXIT_NOT_APPLICABLE 3

typedef struct tvc_wl tvc_wl; /* one run of one workload */

typedef struct tvc_workload {
    const char *name;
    const char *summary;             /* one line for --help */
    const tvc_param_spec *params;    /* terminated by a {NULL} entry */
    /* Does the work; returns 0, or a negative code that fails the record.
     * Direct-style runtimes call it from inside the main task; the
     * callback runtime calls it with its loop running (see cb.h). */
    int (*run)(tvc_wl *w);
} tvc_workload;

/* Typed parameter values (integers accept k/M/G and Ki/Mi/Gi suffixes,
 * tvc/parse.h).  A name not in the spec is a programming error and aborts
 * with a message. */
int64_t tvc_wl_int(tvc_wl *w, const char *name);
double tvc_wl_double(tvc_wl *w, const char *name);
const char *tvc_wl_str(tvc_wl *w, const char *name);

/* The self-check: the record is ok only if every check matched. */
void tvc_wl_check(tvc_wl *w, const char *what, int64_t expected,
                  int64_t got);
/* A figure; the unit belongs in the name (_ns, _bytes, _per_s). */
void tvc_wl_figure(tvc_wl *w, const char *name, double value);
/* A named latency histogram in the record's "latency_ns" (created on
 * first use; the pointer stays valid for the run). */
tvc_hist *tvc_wl_hist(tvc_wl *w, const char *name);
/* A free-form fact for the record's "notes" (a limit reached, a mode). */
void tvc_wl_note(tvc_wl *w, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Fails the record with a message (the first error wins). */
void tvc_wl_fail(tvc_wl *w, int err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A peer that cannot honour a value it was given (TVC_EXIT_NOT_APPLICABLE
 * above): the run prints no record, says "not applicable: REASON" on
 * stderr and exits 3.  Called before the work starts. */
void tvc_wl_not_applicable(tvc_wl *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The runtime options every binary accepts before or after the workload
 * name: --stack=private|compact, --stack_size=BYTES,
 * --executor_threads=N.  Direct-style invokers pass them to tvc_run. */
struct tvc_run_opts;
const struct tvc_run_opts *tvc_wl_run_opts(tvc_wl *w);

/* Set by SIGINT/SIGTERM during a run (servers poll it to stop). */
int tvc_wl_stop_requested(void);

/* The binary's main.  invoke runs one workload on this runtime (it sets
 * up the runtime, calls wl->run and tears down) and returns its status. */
int tvc_wl_main(int argc, char **argv, const char *runtime,
                const tvc_workload *const *list,
                int (*invoke)(const tvc_workload *wl, tvc_wl *w));

#endif
