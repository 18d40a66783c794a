/*
 * Tasks: spawn, the resume that runs a continuation, completion,
 * cancellation's dispatch to the pending operation, and return.  A task
 * is one 128-byte allocation; its embedded future counts the references
 * (the runtime's until return, plus the caller's handle) and its last
 * reference frees it (future_rt.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "internal.h"

_Static_assert(sizeof(tvc_cb_task) <= 128,
               "an idle task must stay within one 128-byte size class");

static void task_bug(const char *what)
{
    fprintf(stderr, "tvc callback: %s\n", what);
    abort();
}

/* Runs the continuation of a completed operation (or the start). */
static void resume(tvc_rx_work *w)
{
    tvc_cb_task *t = TVC__CONTAINER(w, tvc_cb_task, u.done.work);
    tvc_cb_loop *loop = tvc__cb_loop();
    int status = t->status;
    if (t->op == TVC__OP_START && (t->flags & TVC__F_CANCEL_PENDING)) {
        t->flags &= (uint8_t)~TVC__F_CANCEL_PENDING;
        status = -ECANCELED;
    }
    t->state = TVC__T_RUNNING;
    t->op = TVC__OP_NONE;
    tvc_cb_task *saved = loop->cur;
    int saved_acted = loop->cur_acted;
    loop->cur = t;
    loop->cur_acted = 0;
    switch (t->kind) {
    case TVC__K_STATUS:
        t->k.status(t, status);
        break;
    case TVC__K_VALUE:
        t->k.value(t, status, t->u.done.value);
        break;
    case TVC__K_DATA:
        t->k.data(t, status, t->u.done.data);
        break;
    }
    /* t may be gone now: only the flag tells what the continuation did. */
    if (!loop->cur_acted)
        task_bug("a continuation neither started an operation nor "
                 "returned: the task would be lost");
    loop->cur = saved;
    loop->cur_acted = saved_acted;
}

static void post_resume(tvc_cb_task *t, int status)
{
    t->state = TVC__T_RESUMING;
    t->status = status;
    t->u.done.work.fn = resume;
    tvc_reactor_post(tvc__cb_loop()->rx, &t->u.done.work);
}

int tvc_cb_spawn(tvc_cb_loop *loop, tvc_cb_task **out, tvc_cb_fn *start,
                 void *arg)
{
    tvc_cb_task *t = malloc(sizeof *t);
    if (!t)
        return -ENOMEM;
    tvc_future_init(&t->fut, &tvc_cb_future_rt,
                    TVC_FUTURE_F_TASK | TVC_FUTURE_F_EMBEDDED);
    if (out) {
        tvc_future_ref(&t->fut);
        *out = t;
    }
    t->arg = arg;
    t->k.status = start;
    t->kind = TVC__K_STATUS;
    t->flags = 0;
    t->op = TVC__OP_START;
    loop->ntasks++;
    post_resume(t, 0);
    t->state = TVC__T_STARTING;
    return 0;
}

void tvc_cb_task_release(tvc_cb_task *t)
{
    tvc_future_unref(&t->fut);
}

void *tvc_cb_task_arg(const tvc_cb_task *t)
{
    return t->arg;
}

void tvc_cb_task_set_arg(tvc_cb_task *t, void *arg)
{
    t->arg = arg;
}

tvc_future *tvc_cb_task_future(tvc_cb_task *t)
{
    return &t->fut;
}

int tvc_cb_task_cancelling(const tvc_cb_task *t)
{
    return (t->flags & TVC__F_CANCEL_SEEN) != 0;
}

/* Marks the continuation as having acted (see resume). */
static void acted(tvc_cb_task *t, const char *what)
{
    if (t->state != TVC__T_RUNNING)
        task_bug(what);
    tvc_cb_loop *loop = tvc__cb_loop();
    if (loop->cur == t)
        loop->cur_acted = 1;
}

void tvc_cb_task_return(tvc_cb_task *t, int status, void *result)
{
    acted(t, "tvc_cb_task_return on a task that is not running (returned "
             "twice, or an operation is pending)");
    t->state = TVC__T_FINISHED;
    if (status < 0)
        tvc_future_set_error(&t->fut, status);
    else
        tvc_future_set_result(&t->fut, result);
    /* The runtime's reference: the task may be freed here. */
    tvc_future_unref(&t->fut);
}

int tvc__cb_begin(tvc_cb_task *t, int op, int kind, void (*k)(void))
{
    acted(t, "an operation started on a task that is not running (one is "
             "pending, or it returned)");
    t->state = TVC__T_WAITING;
    t->op = (uint8_t)op;
    t->kind = (uint8_t)kind;
    t->k.status = (tvc_cb_fn *)k;
    if (t->flags & TVC__F_CANCEL_PENDING) {
        t->flags &= (uint8_t)~TVC__F_CANCEL_PENDING;
        tvc__cb_complete(t, -ECANCELED);
        return 1;
    }
    return 0;
}

void tvc__cb_complete(tvc_cb_task *t, int status)
{
    t->u.done.value = NULL;
    t->u.done.data.data = NULL;
    t->u.done.data.len = 0;
    post_resume(t, status);
}

void tvc__cb_complete_value(tvc_cb_task *t, int status, void *value)
{
    tvc__cb_complete(t, status);
    t->u.done.value = value;
}

void tvc__cb_complete_data(tvc_cb_task *t, int status, tvc_slice data)
{
    tvc__cb_complete(t, status);
    t->u.done.data = data;
}

int tvc_cb_task_cancel(tvc_cb_task *t)
{
    if (t->state == TVC__T_FINISHED)
        return 0;
    t->flags |= TVC__F_CANCEL_SEEN;
    if (t->state != TVC__T_WAITING) {
        /* Starting, running or resuming: the next operation gets it. */
        t->flags |= TVC__F_CANCEL_PENDING;
        return 1;
    }
    switch (t->op) {
    case TVC__OP_SLEEP:
        tvc__cb_cancel_sleep(t);
        break;
    case TVC__OP_AWAIT:
    case TVC__OP_GATHER:
    case TVC__OP_WAIT:
    case TVC__OP_WAIT_FOR:
        tvc__cb_cancel_future_op(t);
        break;
    case TVC__OP_LIST:
    case TVC__OP_COND:
    case TVC__OP_RELOCK:
        tvc__cb_cancel_list(t);
        break;
    case TVC__OP_STREAM:
        tvc__cb_cancel_stream(t);
        break;
    case TVC__OP_SERVER:
        tvc__cb_cancel_server(t);
        break;
    }
    return 1;
}
