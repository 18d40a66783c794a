/*
 * ring, in continuation-passing style (twin of common/workloads/ring.c):
 * the classic thread-ring.  K tasks stand in a ring, each with an inbox
 * (a one-slot queue, or an event plus a shared token); the main task
 * hands hop count M to the first, and each task passes the count minus
 * one to the next until it reaches 0.  The task that sees 0 sends a stop
 * token round the ring and leaves when it comes back.  Each task counts
 * what it received: the counts must add up to M + 1.
 */
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"

typedef struct ring ring;

/* One task of the ring, and its frame. */
typedef struct ring_node {
    ring *r;
    int index;
    int64_t received;    /* tokens (not stops) this task received */
    tvc_cb_queue *inbox; /* mode=queue */
    tvc_cb_event *ready; /* mode=event: token_value is for this task */
    int64_t token_value; /* mode=event: written before ready is set */
    int origin;          /* frame: this task saw 0 and sent the stop */
} ring_node;

struct ring {
    int use_queue;
    int tasks;
    ring_node *nodes;
    int64_t end_ns; /* when the token reached 0 */
};

/* Sends value to `to`, then k(t, status). */
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

static void ring_got_queue(tvc_cb_task *t, int rc, void *v)
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

/* Receives the next value into ring_got. */
static void ring_recv(tvc_cb_task *t, ring_node *n)
{
    if (n->r->use_queue)
        tvc_cb_queue_get(t, n->inbox, ring_got_queue);
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

static void ring_sent_last(tvc_cb_task *t, int rc)
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
    if (v == WL_RING_STOP) {
        if (n->origin) {
            tvc_cb_task_return(t, 0, NULL);
            return;
        }
        ring_send(t, next, WL_RING_STOP, ring_sent_last);
        return;
    }
    n->received++;
    if (v == 0) {
        n->r->end_ns = tvc_now();
        n->origin = 1;
        v = WL_RING_STOP;
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
typedef struct ring_main {
    tvc_wl *w;
    int64_t tasks, hops;
    ring r;
    tvc_cb_task **handles;
    int rc;
    int spawned, next;
    int64_t t0;
} ring_main;

static void ring_report(tvc_cb_task *t, ring_main *m)
{
    int64_t received = 0;
    for (int i = 0; i < m->spawned; i++)
        received += m->r.nodes[i].received;

    wl_ring_report(m->w, m->rc, m->hops, received, m->r.end_ns - m->t0);
    for (int i = 0; i < m->r.tasks && m->r.nodes; i++) {
        if (m->r.nodes[i].inbox)
            tvc_cb_queue_free(m->r.nodes[i].inbox);
        if (m->r.nodes[i].ready)
            tvc_cb_event_free(m->r.nodes[i].ready);
    }
    free(m->r.nodes);
    free(m->handles);
    tvc_cb_task_return(t, m->rc, NULL);
}

static void ring_join_next(tvc_cb_task *t);

static void ring_joined(tvc_cb_task *t, int jrc, void *value)
{
    ring_main *m = tvc_cb_task_arg(t);
    if (m->rc == 0)
        m->rc = jrc;
    tvc_cb_task_release(m->handles[m->next]);
    m->next++;
    ring_join_next(t);
}

static void ring_join_next(tvc_cb_task *t)
{
    ring_main *m = tvc_cb_task_arg(t);
    if (m->next < m->spawned) {
        /* After a failure nobody may pass the token on: cancel. */
        if (m->rc != 0)
            tvc_cb_task_cancel(m->handles[m->next]);
        tvc_cb_join(t, m->handles[m->next], ring_joined);
        return;
    }
    ring_report(t, m);
}

static void ring_started(tvc_cb_task *t, int rc)
{
    ring_main *m = tvc_cb_task_arg(t);
    m->rc = rc;
    ring_join_next(t);
}

static void ring_main_task(tvc_cb_task *t, int status)
{
    ring_main *m = tvc_cb_task_arg(t);
    tvc_wl *w = m->w;
    m->tasks = tvc_wl_int(w, "tasks");
    m->hops = tvc_wl_int(w, "hops");
    m->r = (ring){strcmp(tvc_wl_str(w, "mode"), "queue") == 0,
                  (int)m->tasks,
                  calloc((size_t)m->tasks, sizeof(ring_node)), 0};
    m->handles = calloc((size_t)m->tasks, sizeof *m->handles);
    m->rc = m->r.nodes && m->handles ? 0 : -ENOMEM;
    for (int i = 0; i < m->r.tasks && m->rc == 0; i++) {
        m->r.nodes[i].r = &m->r;
        m->r.nodes[i].index = i;
        m->rc = m->r.use_queue ? tvc_cb_queue_new(&m->r.nodes[i].inbox, 1)
                               : tvc_cb_event_new(&m->r.nodes[i].ready);
    }
    while (m->rc == 0 && m->spawned < m->r.tasks) {
        m->rc = tvc_cb_spawn(tvc_cb_loop_current(), &m->handles[m->spawned],
                             ring_task, &m->r.nodes[m->spawned]);
        m->spawned += m->rc == 0;
    }

    m->t0 = tvc_now();
    if (m->rc == 0) {
        ring_send(t, &m->r.nodes[0], m->hops, ring_started);
        return;
    }
    ring_join_next(t);
}

static int ring_run(tvc_wl *w)
{
    ring_main m;
    memset(&m, 0, sizeof m);
    m.w = w;
    return cbwl_run_main(ring_main_task, &m);
}

const tvc_workload tvc_cbwl_ring = {
    "ring",
    wl_ring_summary,
    wl_ring_params,
    ring_run,
};
