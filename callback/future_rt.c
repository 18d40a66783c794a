/*
 * Futures on the loop: the common future core with this runtime's hook.
 * Done callbacks go through the ready queue, as asyncio's call_soon does,
 * on a small node taken from a per-loop pool, so scheduling a callback
 * allocates only when more are in flight than ever before.  A task's
 * future is embedded in the task: cancelling it cancels the task, and
 * its last reference frees the task.
 */
#include <stdlib.h>

#include "internal.h"

/* One scheduled done callback. */
typedef struct tvc__cb_fcb {
    tvc_rx_work work; /* in the reactor's ready queue */
    tvc_future_cb *fn;
    tvc_future *f;
    void *arg;
    struct tvc__cb_fcb *next_free; /* in loop->fcb_free while spare */
} tvc__cb_fcb;

/* Spare nodes kept after a burst; the rest go back to the heap, so a
 * leak check after 100,000 callbacks sees the heap at its baseline. */
#define FCB_KEEP 256

void tvc__cb_fcb_trim(tvc_cb_loop *loop, size_t keep)
{
    while (loop->nfcb_free > keep) {
        tvc__cb_fcb *n = loop->fcb_free;
        loop->fcb_free = n->next_free;
        loop->nfcb_free--;
        free(n);
    }
}

static void run_fcb(tvc_rx_work *w)
{
    tvc__cb_fcb *n = TVC__CONTAINER(w, tvc__cb_fcb, work);
    tvc_future_cb *fn = n->fn;
    tvc_future *f = n->f;
    void *arg = n->arg;
    tvc_cb_loop *loop = tvc__cb_loop();
    if (loop->nfcb_free < FCB_KEEP) {
        n->next_free = loop->fcb_free;
        loop->fcb_free = n;
        loop->nfcb_free++;
    } else {
        free(n);
    }
    fn(f, arg);
}

static void schedule(tvc_future_cb *fn, tvc_future *f, void *arg)
{
    tvc_cb_loop *loop = tvc__cb_loop();
    if (!loop) {
        /* Completed with no loop on this thread (after close): nothing
         * could ever run the callback later, so it runs now. */
        fn(f, arg);
        return;
    }
    tvc__cb_fcb *n = loop->fcb_free;
    if (n) {
        loop->fcb_free = n->next_free;
        loop->nfcb_free--;
    } else {
        n = malloc(sizeof *n);
        if (!n) {
            /* The core gives us no way to fail; running the callback
             * here keeps "exactly once" at the price of its order. */
            fn(f, arg);
            return;
        }
    }
    n->work.fn = run_fcb;
    n->fn = fn;
    n->f = f;
    n->arg = arg;
    tvc_reactor_post(loop->rx, &n->work);
}

static int cancel_task(tvc_future *f)
{
    return tvc_cb_task_cancel(TVC__CONTAINER(f, tvc_cb_task, fut));
}

static void release(tvc_future *f)
{
    tvc_cb_task *t = TVC__CONTAINER(f, tvc_cb_task, fut);
    tvc_cb_loop *loop = tvc__cb_loop();
    /* A handle released after its loop closed: that loop reported the
     * task already. */
    if (loop)
        loop->ntasks--;
    free(t);
}

const tvc_future_rt tvc_cb_future_rt = {
    .schedule = schedule,
    .cancel_task = cancel_task,
    .release = release,
    .threaded = 0,
};

tvc_future *tvc_cb_future_new(tvc_cb_loop *loop)
{
    return tvc_future_new(&tvc_cb_future_rt);
}
