/*
 * pipeline, in continuation-passing style (twin of
 * common/workloads/pipeline.c): producer -> filter -> map -> sink, four
 * tasks joined by bounded queues.  The producer stamps items 1..N with
 * their birth time, the filter drops multiples of 3, the map squares the
 * value, the sink sums and times each item's trip.  A NULL item ends the
 * stream.  The sink's sum must equal the one computed directly.
 */
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"

/* One stage: where it reads, where it writes, what it does; its frame. */
typedef struct stage {
    tvc_cb_queue *in, *out;
    int map;          /* relay: 1 map, 0 filter */
    wl_item *items;   /* producer: the array */
    int64_t count;    /* producer: how many */
    int64_t *latency; /* sink: one sample per item it received */
    int64_t sunk;     /* sink: items received */
    uint64_t sum;     /* sink: sum of their values */
    int64_t i;        /* frame: producer's next item */
    wl_item *it;      /* frame: the item being passed on */
} stage;

/* ---- producer ----------------------------------------------------------- */

/* The loop head: put item i, then the end marker, then return. */
static void producer_put(tvc_cb_task *t, int rc)
{
    stage *s = tvc_cb_task_arg(t);
    if (rc != 0 || s->i > s->count) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    if (s->i == s->count) {
        s->i++;
        tvc_cb_queue_put(t, s->out, NULL, producer_put);
        return;
    }
    s->items[s->i].value = s->i + 1;
    s->items[s->i].born_ns = tvc_now();
    tvc_cb_queue_put(t, s->out, &s->items[s->i++], producer_put);
}

static void producer(tvc_cb_task *t, int status)
{
    producer_put(t, status);
}

/* ---- filter and map: get, pass on the items wl_item_relay keeps ------ */

static void relay_got(tvc_cb_task *t, int rc, void *v);

/* After a put (or a drop): the end marker ends the stage, else get. */
static void passed(tvc_cb_task *t, int rc)
{
    stage *s = tvc_cb_task_arg(t);
    if (rc != 0 || s->it == NULL) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    tvc_cb_queue_get(t, s->in, relay_got);
}

static void relay_got(tvc_cb_task *t, int rc, void *v)
{
    stage *s = tvc_cb_task_arg(t);
    if (rc != 0) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    s->it = v;
    if (s->it != NULL && !wl_item_relay(s->map, s->it)) {
        passed(t, 0);
        return;
    }
    tvc_cb_queue_put(t, s->out, s->it, passed);
}

static void relay(tvc_cb_task *t, int status)
{
    stage *s = tvc_cb_task_arg(t);
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    tvc_cb_queue_get(t, s->in, relay_got);
}

/* ---- sink --------------------------------------------------------------- */

static void sink_got(tvc_cb_task *t, int rc, void *v)
{
    stage *s = tvc_cb_task_arg(t);
    if (rc != 0 || v == NULL) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    wl_item *it = v;
    s->latency[s->sunk++] = tvc_now() - it->born_ns;
    s->sum += (uint64_t)it->value;
    tvc_cb_queue_get(t, s->in, sink_got);
}

static void sink(tvc_cb_task *t, int status)
{
    stage *s = tvc_cb_task_arg(t);
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    tvc_cb_queue_get(t, s->in, sink_got);
}

/* ---- the main task ------------------------------------------------------ */

/* The main task's frame. */
typedef struct pipeline_main {
    tvc_wl *w;
    int64_t items;
    tvc_cb_queue *q[3];
    wl_item *arr;
    int64_t *lat;
    int rc;
    stage st[4];
    tvc_cb_task *t[4];
    int spawned, next;
    int64_t t0;
} pipeline_main;

static void pipeline_report(tvc_cb_task *t, pipeline_main *m)
{
    int64_t elapsed = tvc_now() - m->t0;
    wl_pipeline_report(m->w, m->rc, m->items, m->lat, m->st[3].sunk,
                       m->st[3].sum, elapsed);
    for (int i = 0; i < 3; i++)
        if (m->q[i])
            tvc_cb_queue_free(m->q[i]);
    free(m->arr);
    free(m->lat);
    tvc_cb_task_return(t, m->rc, NULL);
}

static void pipeline_join_next(tvc_cb_task *t);

static void pipeline_joined(tvc_cb_task *t, int jrc, void *value)
{
    pipeline_main *m = tvc_cb_task_arg(t);
    if (m->rc == 0)
        m->rc = jrc;
    tvc_cb_task_release(m->t[m->next++]);
    pipeline_join_next(t);
}

static void pipeline_join_next(tvc_cb_task *t)
{
    pipeline_main *m = tvc_cb_task_arg(t);
    if (m->next < m->spawned) {
        /* A stage that could not start would leave the others blocked. */
        if (m->rc != 0)
            tvc_cb_task_cancel(m->t[m->next]);
        tvc_cb_join(t, m->t[m->next], pipeline_joined);
        return;
    }
    pipeline_report(t, m);
}

static void pipeline_main_task(tvc_cb_task *t, int status)
{
    pipeline_main *m = tvc_cb_task_arg(t);
    tvc_wl *w = m->w;
    m->items = tvc_wl_int(w, "items");
    int64_t qsize = tvc_wl_int(w, "queue_size");
    m->arr = calloc((size_t)m->items, sizeof *m->arr);
    m->lat = calloc((size_t)m->items, sizeof *m->lat);
    m->rc = m->arr && m->lat ? 0 : -ENOMEM;
    for (int i = 0; i < 3 && m->rc == 0; i++)
        m->rc = tvc_cb_queue_new(&m->q[i], (size_t)qsize);
    m->st[0] = (stage){.out = m->q[0], .items = m->arr, .count = m->items};
    m->st[1] = (stage){.in = m->q[0], .out = m->q[1], .map = 0};
    m->st[2] = (stage){.in = m->q[1], .out = m->q[2], .map = 1};
    m->st[3] = (stage){.in = m->q[2], .latency = m->lat};
    tvc_cb_fn *fns[4] = {producer, relay, relay, sink};
    m->t0 = tvc_now();
    while (m->rc == 0 && m->spawned < 4) {
        m->rc = tvc_cb_spawn(tvc_cb_loop_current(), &m->t[m->spawned],
                             fns[m->spawned], &m->st[m->spawned]);
        m->spawned += m->rc == 0;
    }
    pipeline_join_next(t);
}

static int pipeline_run(tvc_wl *w)
{
    pipeline_main m;
    memset(&m, 0, sizeof m);
    m.w = w;
    return cbwl_run_main(pipeline_main_task, &m);
}

const tvc_workload tvc_cbwl_pipeline = {
    "pipeline",
    wl_pipeline_summary,
    wl_pipeline_params,
    pipeline_run,
};
