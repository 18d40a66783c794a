/*
 * The helpers that call the API, in continuation-passing style (twins of
 * common/workloads/wl_serve.c): the server role of echo and http (prints
 * "listening on HOST:PORT" on stderr, then naps until SIGINT/SIGTERM or
 * duration_ms (0: no limit) and closes the server), and opening a
 * connection the workload's own server has accepted.  A sub-routine in
 * this style borrows the task: it swaps the task's argument to its own
 * frame and puts the caller's back before calling the caller's
 * continuation.
 */
#include <stdatomic.h>
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

static void open_settled(tvc_cb_task *t, cbwl_open *op, int done)
{
    int rc = wl_accept_settle(op->slot, op->accepting, done);
    op->accepting = NULL;
    if (rc != 0 && op->s != NULL) {
        tvc_cb_stream_free(op->s);
        op->s = NULL;
    }
    tvc_cb_task_set_arg(t, op->caller_arg);
    op->k(t, rc);
}

static void open_waited(tvc_cb_task *t, int done)
{
    open_settled(t, tvc_cb_task_arg(t), done);
}

static void open_connected(tvc_cb_task *t, int rc, void *stream)
{
    cbwl_open *op = tvc_cb_task_arg(t);
    if (rc != 0) {
        open_settled(t, op, rc);
        return;
    }
    op->s = stream;
    op->what = "accept";
    tvc_cb_wait(t, &op->accepting, 1, TVC_CB_FIRST_COMPLETED, WL_ACCEPT_NS,
                open_waited);
}

void cbwl_open_accepted(tvc_cb_task *t, cbwl_open *op, const char *host,
                        int port, tvc_cb_fn *k)
{
    op->what = "connect";
    op->s = NULL;
    op->accepting = tvc_cb_future_new(tvc_cb_loop_current());
    if (op->accepting == NULL) {
        k(t, -ENOMEM);
        return;
    }
    atomic_store(op->slot, tvc_future_ref(op->accepting));
    op->k = k;
    op->caller_arg = tvc_cb_task_arg(t);
    tvc_cb_task_set_arg(t, op);
    tvc_cb_open_connection(t, host, port, 0, open_connected);
}
