/*
 * The line-echo server of the callback runtime's server tests: a
 * connection handler that reads a line, writes it back, and returns at
 * EOF or on the first error (its status); and a probe task that closes
 * a server and records the close's status.
 */
#ifndef TVC_CB_ECHO_H
#define TVC_CB_ECHO_H

#include "cb_probe.h"
#include "tvc/cb.h"

static void cb_echo_got(tvc_cb_task *t, int rc, tvc_slice line);

/* The handler: tvc_cb_start_server(loop, &srv, cb_echo, NULL, opts). */
static void cb_echo(tvc_cb_task *t, int status)
{
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    tvc_cb_readline(t, tvc_cb_task_arg(t), cb_echo_got);
}

static void cb_echo_got(tvc_cb_task *t, int rc, tvc_slice line)
{
    tvc_cb_stream *s = tvc_cb_task_arg(t);
    if (rc == 0 && line.len > 0)
        rc = tvc_cb_stream_write(s, line.data, line.len);
    if (rc != 0 || line.len == 0) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    tvc_cb_readline(t, s, cb_echo_got);
}

static void cb_closed(tvc_cb_task *t, int status)
{
    probe *p = tvc_cb_task_arg(t);
    p->calls++;
    p->status = status;
    tvc_cb_task_return(t, 0, NULL);
}

/* A task: tvc_cb_spawn(loop, NULL, cb_close_server, &p) with p.obj the
 * server; p.calls and p.status tell when and how the close ended. */
static void cb_close_server(tvc_cb_task *t, int status)
{
    (void)status;
    probe *p = tvc_cb_task_arg(t);
    tvc_cb_server_close(t, p->obj, cb_closed);
}

#endif
