/*
 * A line-echo connection handler for the callback runtime's server
 * tests: it reads a line, writes it back, and returns at EOF or on the
 * first error (its status).
 */
#ifndef TVC_CB_ECHO_H
#define TVC_CB_ECHO_H

#include "tvc/cb.h"

static void cb_echo_got(tvc_cb_task *t, int rc, tvc_slice line);

/* The handler: tvc_cb_start_server(loop, &srv, ..., cb_echo, NULL, 0). */
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

#endif
