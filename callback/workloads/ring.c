/*
 * ring, in continuation-passing style (twin of common/workloads/ring.c):
 * the classic thread-ring.  K tasks stand in a ring, each with an inbox
 * (a one-slot queue, or an event plus a shared token); the main task
 * hands hop count M to the first, and each task passes the count minus
 * one to the next until it reaches 0.  The task that sees 0 sends a stop
 * token round the ring and leaves when it comes back.  Each task counts
 * what it received: the counts must add up to M + 1.
 *
 * A ring task's loop is three continuations: ring_recv waits for the
 * inbox, ring_got decides and sends, ring_sent goes back to ring_recv.
 * The main task: ring_main (set up, spawn, send) -> ring_joined ... ->
 * ring_report.
 */
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"

static const tvc_param_spec ring_params[] = {
    {"tasks", "100", "tasks in the ring (503 is the classic size)", NULL},
    {"hops", "10000", "times the token is passed (10M for stable figures)",
     NULL},
    {"mode", "queue", "each task's inbox", "queue|event"},
    {NULL, NULL, NULL, NULL},
};

#define RING_STOP ((int64_t)-1)

typedef struct ring ring;

/* One task of the ring, and its frame. */
typedef struct ring_node {
    ring *r;
    int index;
    int64_t received;    /* tokens (not stops) this task received */
    tvc_cb_queue *inbox; /* mode=queue */
    tvc_cb_event *ready; /* mode=event: token_value is for this task */
    int64_t token_value; /* mode=event: written before ready is set */
    int origin;          /* this task saw 0 and sent the stop token */
} ring_node;

struct ring {
    int use_queue;
    int tasks;
    ring_node *nodes;
    int64_t end_ns; /* when the token reached 0 */
};

/* Passes value to `to`, then k(t, status).  The event inbox takes it at
 * once, so k runs right here; the queue may make t wait for room. */
static void ring_send(tvc_cb_task *t, ring_node *to, int64_t value,
                      tvc_cb_fn *k)
{
    if (to->r->use_queue) {
        tvc_cb_queue_put(t, to->inbox, (void *)(intptr_t)value, k);
        return;
    }
    to->token_value = value;
    tvc_cb_event_set(to->ready);
    k(t, 0);
}

static void ring_got(tvc_cb_task *t, int rc, int64_t v);

static void ring_got_item(tvc_cb_task *t, int rc, void *v)
{
    ring_got(t, rc, (intptr_t)v);
}

static void ring_got_event(tvc_cb_task *t, int rc)
{
    ring_node *n = tvc_cb_task_arg(t);
    /* One token circulates, so nobody sets this event again before we
     * pass the token on: clearing here cannot lose a wake-up. */
    tvc_cb_event_clear(n->ready);
    ring_got(t, rc, n->token_value);
}

/* The head of the task's loop: wait for the inbox. */
static void ring_recv(tvc_cb_task *t, ring_node *n)
{
    if (n->r->use_queue)
        tvc_cb_queue_get(t, n->inbox, ring_got_item);
    else
        tvc_cb_event_wait(t, n->ready, ring_got_event);
}

static void ring_sent(tvc_cb_task *t, int rc)
{
    if (rc != 0) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    ring_recv(t, tvc_cb_task_arg(t));
}

static void ring_stop_sent(tvc_cb_task *t, int rc)
{
    tvc_cb_task_return(t, rc, NULL);
}

static void ring_got(tvc_cb_task *t, int rc, int64_t v)
{
    ring_node *n = tvc_cb_task_arg(t);
    ring_node *next = &n->r->nodes[(n->index + 1) % n->r->tasks];
    if (rc != 0) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    if (v == RING_STOP) {
        if (n->origin)
            tvc_cb_task_return(t, 0, NULL);
        else
            ring_send(t, next, RING_STOP, ring_stop_sent);
        return;
    }
    n->received++;
    if (v == 0) {
        n->r->end_ns = tvc_now();
        n->origin = 1;
        v = RING_STOP;
    } else {
        v--;
    }
    ring_send(t, next, v, ring_sent);
}

static void ring_task(tvc_cb_task *t, int status)
{
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    ring_recv(t, tvc_cb_task_arg(t));
}

/* The main task's frame. */
typedef struct ring_frame {
    tvc_wl *w;
    int64_t tasks, hops;
    ring r;
    tvc_cb_task **handles;
    int rc;
    int spawned, i; /* tasks spawned; the one being joined */
    int64_t t0;
} ring_frame;

static void ring_report(tvc_cb_task *t, ring_frame *f)
{
    tvc_wl *w = f->w;
    int64_t received = 0;
    for (int i = 0; i < f->spawned; i++)
        received += f->r.nodes[i].received;

    if (f->rc == 0 && f->hops > 0) {
        int64_t elapsed = f->r.end_ns - f->t0;
        tvc_wl_figure(w, "hop_ns", (double)elapsed / f->hops);
        tvc_wl_figure(w, "hops_per_s", f->hops * 1e9 / elapsed);
    }
    tvc_wl_check(w, "tokens_received", f->hops + 1, received);
    for (int i = 0; i < f->r.tasks && f->r.nodes; i++) {
        if (f->r.nodes[i].inbox)
            tvc_cb_queue_free(f->r.nodes[i].inbox);
        if (f->r.nodes[i].ready)
            tvc_cb_event_free(f->r.nodes[i].ready);
    }
    free(f->r.nodes);
    free(f->handles);
    tvc_cb_task_return(t, f->rc, NULL);
}

/* The head of the join loop. */
static void ring_join_next(tvc_cb_task *t, ring_frame *f);

static void ring_joined(tvc_cb_task *t, int jrc, void *value)
{
    ring_frame *f = tvc_cb_task_arg(t);
    if (f->rc == 0)
        f->rc = jrc;
    tvc_cb_task_release(f->handles[f->i]);
    f->i++;
    ring_join_next(t, f);
}

static void ring_join_next(tvc_cb_task *t, ring_frame *f)
{
    if (f->i < f->spawned) {
        /* After a failure nobody may pass the token on: cancel. */
        if (f->rc != 0)
            tvc_cb_task_cancel(f->handles[f->i]);
        tvc_cb_join(t, f->handles[f->i], ring_joined);
        return;
    }
    ring_report(t, f);
}

static void ring_first_sent(tvc_cb_task *t, int rc)
{
    ring_frame *f = tvc_cb_task_arg(t);
    f->rc = rc;
    f->i = 0;
    ring_join_next(t, f);
}

static void ring_main(tvc_cb_task *t, int status)
{
    ring_frame *f = tvc_cb_task_arg(t);
    tvc_wl *w = f->w;
    f->tasks = tvc_wl_int(w, "tasks");
    f->hops = tvc_wl_int(w, "hops");
    if (f->tasks < 1 || f->tasks > 1000000 || f->hops < 0) {
        tvc_wl_fail(w, -EINVAL, "--tasks must be 1..1M, --hops >= 0");
        tvc_cb_task_return(t, 0, NULL);
        return;
    }

    f->r = (ring){strcmp(tvc_wl_str(w, "mode"), "queue") == 0, (int)f->tasks,
                  calloc((size_t)f->tasks, sizeof(ring_node)), 0};
    f->handles = calloc((size_t)f->tasks, sizeof *f->handles);
    f->rc = f->r.nodes && f->handles ? status : -ENOMEM;
    for (int i = 0; i < f->r.tasks && f->rc == 0; i++) {
        f->r.nodes[i].r = &f->r;
        f->r.nodes[i].index = i;
        f->rc = f->r.use_queue ? tvc_cb_queue_new(&f->r.nodes[i].inbox, 1)
                               : tvc_cb_event_new(&f->r.nodes[i].ready);
    }
    f->spawned = 0;
    while (f->rc == 0 && f->spawned < f->r.tasks) {
        f->rc = tvc_cb_spawn(tvc_cb_loop_current(), &f->handles[f->spawned],
                             ring_task, &f->r.nodes[f->spawned]);
        f->spawned += f->rc == 0;
    }

    f->t0 = tvc_now();
    if (f->rc == 0) {
        ring_send(t, &f->r.nodes[0], f->hops, ring_first_sent);
        return;
    }
    ring_first_sent(t, f->rc);
}

static int ring_run(tvc_wl *w)
{
    ring_frame f;
    memset(&f, 0, sizeof f);
    f.w = w;
    return cbwl_run_main(ring_main, &f);
}

const tvc_workload tvc_cbwl_ring = {
    "ring",
    "K tasks in a ring pass a token M times; ns per hop",
    ring_params,
    ring_run,
};
