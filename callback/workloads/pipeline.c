/*
 * pipeline, in continuation-passing style (twin of
 * common/workloads/pipeline.c): producer -> filter -> map -> sink, four
 * tasks joined by bounded queues.  The producer stamps items 1..N with
 * their birth time, the filter drops multiples of 3, the map squares the
 * value, the sink sums and times each item's trip.  A NULL item ends the
 * stream.  The sink's sum must equal the one computed directly.
 *
 * Each stage's loop is a pair of continuations: the get's (stage_got)
 * and the put's (stage_put), except the producer's (only puts) and the
 * sink's (only gets).  The main task: pipeline_main (spawn the four) ->
 * pipeline_joined ... -> pipeline_report.
 */
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"

static const tvc_param_spec pipeline_params[] = {
    {"items", "10000", "items produced (1M+ for stable figures)", NULL},
    {"queue_size", "16", "capacity of each of the three queues", NULL},
    {NULL, NULL, NULL, NULL},
};

/* One item; they live in an array the main task owns. */
typedef struct item {
    int64_t value;
    int64_t born_ns;
} item;

/* One stage: where it reads, where it writes, what it does; its frame. */
typedef struct stage {
    tvc_cb_queue *in, *out;
    item *items;          /* producer: the array */
    int64_t count;        /* producer: how many */
    int64_t *latency;     /* sink: one sample per item it received */
    int64_t sunk;         /* sink: items received */
    uint64_t sum;         /* sink: sum of their values */
    int64_t i;            /* producer: the item being put */
    item *it;             /* filter, map: the item put (NULL: the end) */
    tvc_cb_value_fn *got; /* filter, map: its get's continuation */
} stage;

/* ---- producer ------------------------------------------------------------ */

static void producer_put(tvc_cb_task *t, int rc);

/* The head of the producer's loop: put item i, or the end. */
static void producer_next(tvc_cb_task *t, stage *s)
{
    if (s->i < s->count) {
        s->items[s->i].value = s->i + 1;
        s->items[s->i].born_ns = tvc_now();
        tvc_cb_queue_put(t, s->out, &s->items[s->i], producer_put);
        return;
    }
    tvc_cb_queue_put(t, s->out, NULL, producer_put);
}

static void producer_put(tvc_cb_task *t, int rc)
{
    stage *s = tvc_cb_task_arg(t);
    if (rc != 0 || s->i == s->count) {
        tvc_cb_task_return(t, rc, NULL); /* the end went in, or failed */
        return;
    }
    s->i++;
    producer_next(t, s);
}

static void producer(tvc_cb_task *t, int status)
{
    stage *s = tvc_cb_task_arg(t);
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    s->i = 0;
    producer_next(t, s);
}

/* ---- filter and map: get, transform, put --------------------------------- */

static void stage_put(tvc_cb_task *t, int rc);

static void filter_got(tvc_cb_task *t, int rc, void *v)
{
    stage *s = tvc_cb_task_arg(t);
    if (rc != 0) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    item *it = v;
    if (it != NULL && it->value % 3 == 0) {
        tvc_cb_queue_get(t, s->in, filter_got);
        return;
    }
    s->it = it;
    tvc_cb_queue_put(t, s->out, it, stage_put);
}

static void map_got(tvc_cb_task *t, int rc, void *v)
{
    stage *s = tvc_cb_task_arg(t);
    if (rc != 0) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    item *it = v;
    if (it != NULL)
        it->value = it->value * it->value;
    s->it = it;
    tvc_cb_queue_put(t, s->out, it, stage_put);
}

/* After a filter's or a map's put: the next get, or the end. */
static void stage_put(tvc_cb_task *t, int rc)
{
    stage *s = tvc_cb_task_arg(t);
    if (rc != 0 || s->it == NULL) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    tvc_cb_queue_get(t, s->in, s->got);
}

static void filter(tvc_cb_task *t, int status)
{
    stage *s = tvc_cb_task_arg(t);
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    s->got = filter_got;
    tvc_cb_queue_get(t, s->in, filter_got);
}

static void map(tvc_cb_task *t, int status)
{
    stage *s = tvc_cb_task_arg(t);
    if (status != 0) {
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    s->got = map_got;
    tvc_cb_queue_get(t, s->in, map_got);
}

/* ---- sink ---------------------------------------------------------------- */

static void sink_got(tvc_cb_task *t, int rc, void *v)
{
    stage *s = tvc_cb_task_arg(t);
    if (rc != 0 || v == NULL) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    item *it = v;
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

/* ---- the main task ------------------------------------------------------- */

/* The main task's frame. */
typedef struct pipeline_frame {
    tvc_wl *w;
    int64_t items;
    tvc_cb_queue *q[3];
    item *arr;
    int64_t *lat;
    stage st[4];
    tvc_cb_task *t[4];
    int rc;
    int spawned, i; /* stages spawned; the one being joined */
    int64_t t0, elapsed;
} pipeline_frame;

static void pipeline_report(tvc_cb_task *t, pipeline_frame *f)
{
    tvc_wl *w = f->w;
    uint64_t expected = 0;
    int64_t passed = 0;
    for (int64_t v = 1; v <= f->items; v++) {
        if (v % 3 == 0)
            continue;
        expected += (uint64_t)(v * v);
        passed++;
    }
    if (f->rc == 0) {
        wl_record_samples(w, "item", f->lat, (size_t)f->st[3].sunk);
        tvc_wl_figure(w, "items_per_s", f->items * 1e9 / f->elapsed);
        tvc_wl_figure(w, "item_ns_median",
                      (double)tvc_hist_percentile(tvc_wl_hist(w, "item"), 50));
    }
    tvc_wl_check(w, "items_sunk", passed, f->st[3].sunk);
    tvc_wl_check(w, "checksum", (int64_t)expected, (int64_t)f->st[3].sum);
    for (int i = 0; i < 3; i++)
        if (f->q[i])
            tvc_cb_queue_free(f->q[i]);
    free(f->arr);
    free(f->lat);
    tvc_cb_task_return(t, f->rc, NULL);
}

static void pipeline_join_next(tvc_cb_task *t, pipeline_frame *f);

static void pipeline_joined(tvc_cb_task *t, int jrc, void *value)
{
    pipeline_frame *f = tvc_cb_task_arg(t);
    if (f->rc == 0)
        f->rc = jrc;
    tvc_cb_task_release(f->t[f->i]);
    f->i++;
    pipeline_join_next(t, f);
}

/* The head of the join loop. */
static void pipeline_join_next(tvc_cb_task *t, pipeline_frame *f)
{
    if (f->i < f->spawned) {
        /* A stage that could not start would leave the others blocked. */
        if (f->rc != 0)
            tvc_cb_task_cancel(f->t[f->i]);
        tvc_cb_join(t, f->t[f->i], pipeline_joined);
        return;
    }
    f->elapsed = tvc_now() - f->t0;
    pipeline_report(t, f);
}

static void pipeline_main(tvc_cb_task *t, int status)
{
    pipeline_frame *f = tvc_cb_task_arg(t);
    tvc_wl *w = f->w;
    f->items = tvc_wl_int(w, "items");
    int64_t qsize = tvc_wl_int(w, "queue_size");
    if (f->items < 1 || qsize < 1) {
        tvc_wl_fail(w, -EINVAL, "--items and --queue_size must be >= 1");
        tvc_cb_task_return(t, 0, NULL);
        return;
    }

    f->arr = calloc((size_t)f->items, sizeof *f->arr);
    f->lat = calloc((size_t)f->items, sizeof *f->lat);
    f->rc = f->arr && f->lat ? status : -ENOMEM;
    for (int i = 0; i < 3 && f->rc == 0; i++)
        f->rc = tvc_cb_queue_new(&f->q[i], (size_t)qsize);
    f->st[0] = (stage){.out = f->q[0], .items = f->arr, .count = f->items};
    f->st[1] = (stage){.in = f->q[0], .out = f->q[1]};
    f->st[2] = (stage){.in = f->q[1], .out = f->q[2]};
    f->st[3] = (stage){.in = f->q[2], .latency = f->lat};
    tvc_cb_fn *fns[4] = {producer, filter, map, sink};
    f->spawned = 0;
    f->t0 = tvc_now();
    while (f->rc == 0 && f->spawned < 4) {
        f->rc = tvc_cb_spawn(tvc_cb_loop_current(), &f->t[f->spawned],
                             fns[f->spawned], &f->st[f->spawned]);
        f->spawned += f->rc == 0;
    }
    f->i = 0;
    pipeline_join_next(t, f);
}

static int pipeline_run(tvc_wl *w)
{
    pipeline_frame f;
    memset(&f, 0, sizeof f);
    f.w = w;
    return cbwl_run_main(pipeline_main, &f);
}

const tvc_workload tvc_cbwl_pipeline = {
    "pipeline",
    "producer -> filter -> map -> sink through bounded queues",
    pipeline_params,
    pipeline_run,
};
