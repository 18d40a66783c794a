/*
 * The server role of echo and http in continuation-passing style (twin of
 * wl_serve_until_stopped in common/workloads/wl_util.c): prints
 * "listening on HOST:PORT" on stderr, then naps until SIGINT/SIGTERM or
 * duration_ms (0: no limit) and closes the server.  A sub-routine in
 * this style borrows the task: it swaps the task's argument to its own
 * frame and puts the caller's back before calling the caller's
 * continuation.
 */
#include <stdio.h>

#include "cb_workloads.h"

/* How often the stop flag is looked at: a person pressing Ctrl-C will
 * not notice the pause. */
#define SERVE_NAP_NS TVC_MS(20)

static void serve_closed(tvc_cb_task *t, int status)
{
    cbwl_serve *sv = tvc_cb_task_arg(t);
    tvc_cb_task_set_arg(t, sv->caller_arg);
    sv->k(t, status);
}

static void serve_nap(tvc_cb_task *t, int status)
{
    cbwl_serve *sv = tvc_cb_task_arg(t);
    if (status == 0 && !tvc_wl_stop_requested() &&
        (sv->end < 0 || tvc_now() < sv->end)) {
        tvc_cb_sleep(t, SERVE_NAP_NS, serve_nap);
        return;
    }
    tvc_wl_note(sv->w, "stopped_by",
                tvc_wl_stop_requested() ? "signal" : "duration_ms");
    tvc_cb_server_close(t, sv->srv, serve_closed);
}

void cbwl_serve_until_stopped(tvc_cb_task *t, cbwl_serve *sv, const char *host,
                              int64_t duration_ms, tvc_cb_fn *k)
{
    sv->end = duration_ms > 0 ? tvc_now() + TVC_MS(duration_ms) : -1;
    sv->k = k;
    sv->caller_arg = tvc_cb_task_arg(t);
    tvc_cb_task_set_arg(t, sv);
    fprintf(stderr, "listening on %s:%d\n", host, tvc_cb_server_port(sv->srv));
    fflush(stderr);
    serve_nap(t, 0);
}
