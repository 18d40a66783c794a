/*
 * The callback runtime's workloads (docs/DESIGN.md, "Workloads and records"),
 * hand-written in continuation-passing style, one file per workload with the
 * same name as its direct-style twin in common/workloads/.  Each run function
 * is called by tvc-callback's invoker with the thread's loop made (current,
 * not running): it spawns its main task and runs the loop until that task's
 * future completes.
 */
#ifndef TVC_CB_WORKLOADS_H
#define TVC_CB_WORKLOADS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "tvc/cb.h"
#include "tvc/workload.h"
/* What each workload shares with its direct-style twin: parameters,
 * summary and the pure helpers (common/workloads/wl_spec.h). */
#include "wl_spec.h"

extern const tvc_workload tvc_cbwl_idle, tvc_cbwl_spawn, tvc_cbwl_pingpong,
    tvc_cbwl_ring, tvc_cbwl_timers, tvc_cbwl_echo, tvc_cbwl_http,
    tvc_cbwl_fanout, tvc_cbwl_pipeline, tvc_cbwl_cancel, tvc_cbwl_timeout,
    tvc_cbwl_spinner, tvc_cbwl_executor;

/* Spawns main_fn(t, 0) with arg as the workload's main task on the
 * current loop, runs the loop until it returns, and gives its status. */
int cbwl_run_main(tvc_cb_fn *main_fn, void *arg);

/* The server role of echo and http (serve.c): the caller keeps this
 * frame; w and srv are set by the caller, the rest is the helper's. */
typedef struct cbwl_serve {
    tvc_wl *w;
    tvc_cb_server *srv;
    int64_t end;       /* absolute deadline, -1: until a signal */
    tvc_cb_fn *k;      /* the caller's continuation */
    void *caller_arg;  /* the task's argument, restored before k */
} cbwl_serve;

/* Prints "listening on HOST:PORT" on stderr, waits for SIGINT/SIGTERM or
 * duration_ms (0: no limit), closes the server, then k(t, status). */
void cbwl_serve_until_stopped(tvc_cb_task *t, cbwl_serve *sv,
                              const char *host, int64_t duration_ms,
                              tvc_cb_fn *k);

/* Opening a connection the workload's own server has accepted (the
 * handshake of wl_spec.h): the caller keeps this frame and sets slot. */
typedef struct cbwl_open {
    wl_accept_slot *slot;  /* the server's, set by the caller */
    tvc_cb_stream *s;      /* the connection, when k gets 0 */
    const char *what;      /* the step that failed: connect, accept */
    tvc_future *accepting; /* the helper's: completed by the server */
    tvc_cb_fn *k;          /* the caller's continuation */
    void *caller_arg;      /* the task's argument, restored before k */
} cbwl_open;

/* Opens a connection to host:port into op->s and waits (up to
 * WL_ACCEPT_NS) until the server's handler has called wl_accepted; then
 * k(t, 0), or k(t, the error of the step op->what) with op->s NULL. */
void cbwl_open_accepted(tvc_cb_task *t, cbwl_open *op, const char *host,
                        int port, tvc_cb_fn *k);

#endif
