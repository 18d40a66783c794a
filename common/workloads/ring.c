/*
 * ring: the classic thread-ring.  K tasks stand in a ring, each with an
 * inbox (a one-slot queue, or an event plus a shared token); the main
 * task hands hop count M to the first, and each task passes the count
 * minus one to the next until it reaches 0.  The task that sees 0 sends
 * a stop token round the ring and leaves when it comes back.  Each task
 * counts what it received: the counts must add up to M + 1.
 */
#include <stdlib.h>
#include <string.h>

#include "workloads.h"

typedef struct ring ring;

/* One task of the ring. */
typedef struct ring_node {
    ring *r;
    int index;
    int64_t received;    /* tokens (not stops) this task received */
    tvc_queue *inbox;    /* mode=queue */
    tvc_event *ready;    /* mode=event: token_value is for this task */
    int64_t token_value; /* mode=event: written before ready is set */
} ring_node;

struct ring {
    int use_queue;
    int tasks;
    ring_node *nodes;
    int64_t end_ns; /* when the token reached 0 */
};

static int ring_send(ring_node *to, int64_t value)
{
    if (to->r->use_queue)
        return tvc_queue_put(to->inbox, (void *)(intptr_t)value);
    to->token_value = value;
    tvc_event_set(to->ready);
    return 0;
}

static int ring_recv(ring_node *n, int64_t *value)
{
    if (n->r->use_queue) {
        void *v;
        int rc = tvc_queue_get(n->inbox, &v);
        *value = (intptr_t)v;
        return rc;
    }
    int rc = tvc_event_wait(n->ready);
    /* One token circulates, so nobody sets this event again before we
     * pass the token on: clearing here cannot lose a wake-up. */
    tvc_event_clear(n->ready);
    *value = n->token_value;
    return rc;
}

static int ring_task(void *arg, void **result)
{
    ring_node *n = arg;
    ring_node *next = &n->r->nodes[(n->index + 1) % n->r->tasks];
    int origin = 0; /* this task saw 0 and sent the stop token */
    for (;;) {
        int64_t v;
        int rc = ring_recv(n, &v);
        if (rc != 0)
            return rc;
        if (v == WL_RING_STOP) {
            if (origin)
                return 0;
            return ring_send(next, WL_RING_STOP);
        }
        n->received++;
        if (v == 0) {
            n->r->end_ns = tvc_now();
            origin = 1;
            v = WL_RING_STOP;
        } else {
            v--;
        }
        if ((rc = ring_send(next, v)) != 0)
            return rc;
    }
}

static int ring_run(tvc_wl *w)
{
    int64_t tasks = tvc_wl_int(w, "tasks");
    int64_t hops = tvc_wl_int(w, "hops");
    ring r = {strcmp(tvc_wl_str(w, "mode"), "queue") == 0, (int)tasks,
              calloc((size_t)tasks, sizeof(ring_node)), 0};
    tvc_task **handles = calloc((size_t)tasks, sizeof *handles);
    int rc = r.nodes && handles ? 0 : -ENOMEM;
    for (int i = 0; i < r.tasks && rc == 0; i++) {
        r.nodes[i].r = &r;
        r.nodes[i].index = i;
        rc = r.use_queue ? tvc_queue_new(&r.nodes[i].inbox, 1)
                         : tvc_event_new(&r.nodes[i].ready);
    }
    int spawned = 0;
    while (rc == 0 && spawned < r.tasks) {
        rc = tvc_spawn(&handles[spawned], ring_task, &r.nodes[spawned], NULL);
        spawned += rc == 0;
    }

    int64_t t0 = tvc_now();
    if (rc == 0)
        rc = ring_send(&r.nodes[0], hops);
    int64_t received = 0;
    for (int i = 0; i < spawned; i++) {
        /* After a failure nobody may pass the token on: cancel. */
        if (rc != 0)
            tvc_cancel(handles[i]);
        int jrc = tvc_task_join(handles[i], NULL);
        if (rc == 0)
            rc = jrc;
        tvc_task_release(handles[i]);
    }
    for (int i = 0; i < spawned; i++)
        received += r.nodes[i].received;

    wl_ring_report(w, rc, hops, received, r.end_ns - t0);
    for (int i = 0; i < r.tasks && r.nodes; i++) {
        if (r.nodes[i].inbox)
            tvc_queue_free(r.nodes[i].inbox);
        if (r.nodes[i].ready)
            tvc_event_free(r.nodes[i].ready);
    }
    free(r.nodes);
    free(handles);
    return rc;
}

const tvc_workload tvc_wl_ring = {
    "ring",
    wl_ring_summary,
    wl_ring_params,
    ring_run,
};
