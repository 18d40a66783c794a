/*
 * Call handles: call_soon, call_later and call_at.  A handle is the
 * reactor work item (or timer) plus the call; the loop keeps a reference
 * until it runs or is cancelled, the caller another if it asked for the
 * handle.  The loop lists pending handles so close can report them.
 * Cancelling a call_soon cannot unlink it from the reactor's queue, so a
 * cancelled call stays queued and is skipped when its turn comes.
 */
#include <errno.h>
#include <stdlib.h>

#include "internal.h"

struct tvc_cb_handle {
    tvc_rx_work work;   /* call_soon: in the reactor's ready queue */
    tvc_rx_timer timer; /* call_later/at: in the reactor's heap */
    tvc_cb_call_fn *fn;
    void *arg;
    tvc_cb_loop *loop;
    tvc__cb_node node; /* in loop->handles while the loop holds it */
    int refs;          /* the loop's (while listed) + the caller's */
    int pending;       /* neither run nor cancelled */
    int queued;        /* call_soon still in the reactor's queue */
};

static void handle_unref(tvc_cb_handle *h)
{
    if (--h->refs == 0)
        free(h);
}

/* Ends the pending state (run or cancelled). */
static void handle_settle(tvc_cb_handle *h)
{
    h->pending = 0;
    h->loop->nhandles--;
}

/* The loop lets go: off its list, its reference dropped. */
static void handle_drop(tvc_cb_handle *h)
{
    tvc__cb_list_unlink(&h->node);
    handle_unref(h);
}

static void run_soon(tvc_rx_work *w)
{
    tvc_cb_handle *h = TVC__CONTAINER(w, tvc_cb_handle, work);
    h->queued = 0;
    if (h->pending) {
        handle_settle(h);
        h->fn(h->arg);
    }
    handle_drop(h);
}

static void run_timer(tvc_rx_timer *t)
{
    tvc_cb_handle *h = TVC__CONTAINER(t, tvc_cb_handle, timer);
    handle_settle(h);
    h->fn(h->arg);
    handle_drop(h);
}

/* A pending handle listed on loop: 0, TVC_EINVALSTATE without a loop,
 * or -ENOMEM. */
static int handle_new(tvc_cb_loop *loop, tvc_cb_call_fn *fn, void *arg,
                      tvc_cb_handle **out, tvc_cb_handle **hp)
{
    if (!loop)
        return TVC_EINVALSTATE;
    tvc_cb_handle *h = calloc(1, sizeof *h);
    if (!h)
        return -ENOMEM;
    h->fn = fn;
    h->arg = arg;
    h->loop = loop;
    h->refs = 1 + (out != NULL);
    h->pending = 1;
    tvc__cb_list_push(&loop->handles, &h->node);
    loop->nhandles++;
    if (out)
        *out = h;
    *hp = h;
    return 0;
}

int tvc_cb_call_soon(tvc_cb_loop *loop, tvc_cb_call_fn *fn, void *arg,
                     tvc_cb_handle **out)
{
    tvc_cb_handle *h;
    int err = handle_new(loop, fn, arg, out, &h);
    if (err < 0)
        return err;
    h->work.fn = run_soon;
    h->queued = 1;
    tvc_reactor_post(loop->rx, &h->work);
    return 0;
}

int tvc_cb_call_at(tvc_cb_loop *loop, int64_t deadline, tvc_cb_call_fn *fn,
                   void *arg, tvc_cb_handle **out)
{
    tvc_cb_handle *h;
    int err = handle_new(loop, fn, arg, out, &h);
    if (err < 0)
        return err;
    err = tvc_reactor_timer_start(loop->rx, &h->timer, deadline, run_timer);
    if (err < 0) {
        /* No room for the timer: the handle is undone, the caller's
         * reference too. */
        handle_settle(h);
        if (out) {
            *out = NULL;
            handle_unref(h);
        }
        handle_drop(h);
    }
    return err;
}

int tvc_cb_call_later(tvc_cb_loop *loop, int64_t delay_ns, tvc_cb_call_fn *fn,
                      void *arg, tvc_cb_handle **out)
{
    return tvc_cb_call_at(loop, tvc_now() + delay_ns, fn, arg, out);
}

int tvc_cb_handle_cancel(tvc_cb_handle *h)
{
    if (!h->pending)
        return 0;
    handle_settle(h);
    /* A queued call_soon stays with the loop until its turn comes. */
    if (!h->queued) {
        tvc_reactor_timer_stop(h->loop->rx, &h->timer);
        handle_drop(h);
    }
    return 1;
}

void tvc_cb_handle_release(tvc_cb_handle *h)
{
    handle_unref(h);
}

uint64_t tvc__cb_handles_drop(tvc_cb_loop *loop)
{
    /* The reactor goes with the loop: queued calls are dropped too. */
    uint64_t n = loop->nhandles;
    while (!tvc__cb_list_empty(&loop->handles)) {
        tvc_cb_handle *h =
            TVC__CONTAINER(loop->handles.next, tvc_cb_handle, node);
        h->queued = 0;
        if (!tvc_cb_handle_cancel(h))
            handle_drop(h);
    }
    return n;
}
