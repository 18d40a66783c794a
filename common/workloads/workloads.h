/*
 * The direct-style workloads (DESIGN.md section 5), written once against
 * tvc.h and compiled into every direct-style binary, and the few helpers
 * they share.  Each workload file reads its parameters, sets up, does the
 * work, measures, checks itself and reports, in that order, so it can be
 * read side by side with its continuation-passing twin in callback/.
 */
#ifndef TVC_WORKLOADS_H
#define TVC_WORKLOADS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "tvc/tvc.h"
#include "tvc/workload.h"

extern const tvc_workload tvc_wl_idle, tvc_wl_spawn, tvc_wl_pingpong,
    tvc_wl_ring, tvc_wl_timers, tvc_wl_echo, tvc_wl_http, tvc_wl_fanout,
    tvc_wl_pipeline, tvc_wl_cancel, tvc_wl_timeout, tvc_wl_spinner,
    tvc_wl_executor;

/* Records n samples (ns) into the record's histogram `name`.  Tasks
 * write their samples into their own slots; the main task merges them
 * here, so no histogram is ever written by two threads. */
void wl_record_samples(tvc_wl *w, const char *name, const int64_t *ns,
                       size_t n);

/* cancel --mode=pthread_cancel (cancel_pthread.c): the same figures for
 * raw threads cancelled with pthread_cancel.  Returns 0 or an error. */
int wl_cancel_pthread(tvc_wl *w);

/* A small deterministic generator (xorshift64*), seeded per task so
 * every runtime draws the same numbers. */
uint64_t wl_rand(uint64_t *state);
uint64_t wl_seed(uint64_t seed, uint64_t stream);

/* FNV-1a over bytes, the checksum the workloads compare. */
uint64_t wl_hash(uint64_t h, const void *data, size_t n);
#define WL_HASH_INIT 1469598103934665603ULL

/* The server role of echo and http (wl_serve.c, the only helper that
 * calls the direct-style API): prints "listening on HOST:PORT" on stderr,
 * then waits (suspends) until SIGINT/SIGTERM or duration_ms (0: no
 * limit) and closes the server.  0 or the close error. */
int wl_serve_until_stopped(tvc_wl *w, tvc_server *srv, const char *host,
                           int64_t duration_ms);

#endif
