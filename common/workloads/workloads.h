/*
 * The direct-style workloads (docs/DESIGN.md, "Workloads and records"),
 * written once against tvc.h and compiled into every direct-style binary, and
 * the few helpers they share.  Each workload file reads its parameters, sets
 * up, does the work, measures, checks itself and reports, in that order, so
 * it can be read side by side with its continuation-passing twin in
 * callback/; what the two share (parameters, pure helpers) is in wl_spec.h.
 */
#ifndef TVC_WORKLOADS_H
#define TVC_WORKLOADS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "tvc/tvc.h"
#include "tvc/workload.h"
#include "wl_spec.h"

extern const tvc_workload tvc_wl_idle, tvc_wl_spawn, tvc_wl_pingpong,
    tvc_wl_ring, tvc_wl_timers, tvc_wl_echo, tvc_wl_http, tvc_wl_fanout,
    tvc_wl_pipeline, tvc_wl_cancel, tvc_wl_timeout, tvc_wl_spinner,
    tvc_wl_executor;

/* cancel --mode=pthread_cancel (cancel_pthread.c): the same figures for
 * raw threads cancelled with pthread_cancel.  Returns 0 or an error. */
int wl_cancel_pthread(tvc_wl *w);

/* The server role of echo and http (wl_serve.c, the only helper that
 * calls the direct-style API): prints "listening on HOST:PORT" on stderr,
 * then waits (suspends) until SIGINT/SIGTERM or duration_ms (0: no
 * limit) and closes the server.  0 or the close error. */
int wl_serve_until_stopped(tvc_wl *w, tvc_server *srv, const char *host,
                           int64_t duration_ms);

/* Opens a connection to host:port into *s and waits (up to WL_ACCEPT_NS)
 * until the server's handler has called wl_accepted(slot).  0, or the
 * error of the step that failed, named in *what ("connect", "accept"). */
int wl_open_accepted(tvc_stream **s, const char *host, int port,
                     wl_accept_slot *slot, const char **what);

/* wl_open_accepted up to n times, into s[0..]: stops at the first
 * failure, which wl_limit_hit records in *limit.  Returns how many
 * connections were opened; *rc gets an error that is not a limit. */
int64_t wl_open_accepted_n(tvc_stream **s, int64_t n, const char *host,
                           int port, wl_accept_slot *slot, wl_limit *limit,
                           int *rc);

/* role=self's clients (echo, http): spawns fn on each of the n client
 * states at args (size bytes apart), one per opened stream in streams,
 * and joins them all.  A spawn that fails is a limit (wl_limit_hit):
 * the streams no client got are freed.  A client that fails fails the
 * record, naming its index, and its error goes into *rc if that was 0.
 * Returns how many clients ran. */
int64_t wl_run_clients(tvc_wl *w, tvc_stream **streams, int64_t n,
                       tvc_task_fn *fn, void *args, size_t size,
                       wl_limit *limit, int *rc);

#endif
