/*
 * pipeline: producer -> filter -> map -> sink, four tasks joined by
 * bounded queues.  The producer stamps items 1..N with their birth time,
 * the filter drops multiples of 3, the map squares the value, the sink
 * sums and times each item's trip.  A NULL item ends the stream.  The
 * sink's sum must equal the one computed directly.
 */
#include <stdlib.h>

#include "workloads.h"

/* One stage: where it reads, where it writes, what it does. */
typedef struct stage {
    tvc_queue *in, *out;
    int map;          /* relay: 1 map, 0 filter */
    wl_item *items;   /* producer: the array */
    int64_t count;    /* producer: how many */
    int64_t *latency; /* sink: one sample per item it received */
    int64_t sunk;     /* sink: items received */
    uint64_t sum;     /* sink: sum of their values */
} stage;

static int producer(void *arg, void **result)
{
    stage *s = arg;
    for (int64_t i = 0; i < s->count; i++) {
        s->items[i].value = i + 1;
        s->items[i].born_ns = tvc_now();
        int rc = tvc_queue_put(s->out, &s->items[i]);
        if (rc != 0)
            return rc;
    }
    return tvc_queue_put(s->out, NULL);
}

/* filter or map: get, pass on the items wl_item_relay keeps. */
static int relay(void *arg, void **result)
{
    stage *s = arg;
    for (;;) {
        void *v;
        int rc = tvc_queue_get(s->in, &v);
        if (rc != 0)
            return rc;
        wl_item *it = v;
        if (it != NULL && !wl_item_relay(s->map, it))
            continue;
        if ((rc = tvc_queue_put(s->out, it)) != 0 || it == NULL)
            return rc;
    }
}

static int sink(void *arg, void **result)
{
    stage *s = arg;
    for (;;) {
        void *v;
        int rc = tvc_queue_get(s->in, &v);
        if (rc != 0 || v == NULL)
            return rc;
        wl_item *it = v;
        s->latency[s->sunk++] = tvc_now() - it->born_ns;
        s->sum += (uint64_t)it->value;
    }
}

static int pipeline_run(tvc_wl *w)
{
    int64_t items = tvc_wl_int(w, "items");
    int64_t qsize = tvc_wl_int(w, "queue_size");
    tvc_queue *q[3] = {NULL, NULL, NULL};
    wl_item *arr = calloc((size_t)items, sizeof *arr);
    int64_t *lat = calloc((size_t)items, sizeof *lat);
    int rc = arr && lat ? 0 : -ENOMEM;
    for (int i = 0; i < 3 && rc == 0; i++)
        rc = tvc_queue_new(&q[i], (size_t)qsize);
    stage st[4] = {
        {.out = q[0], .items = arr, .count = items},
        {.in = q[0], .out = q[1], .map = 0},
        {.in = q[1], .out = q[2], .map = 1},
        {.in = q[2], .latency = lat},
    };
    tvc_task_fn *fns[4] = {producer, relay, relay, sink};
    static const char *names[4] = {"producer", "filter", "map", "sink"};
    tvc_task *t[4];
    int spawned = 0;
    int64_t t0 = tvc_now();
    while (rc == 0 && spawned < 4) {
        rc = tvc_spawn(&t[spawned], fns[spawned], &st[spawned],
                       &(tvc_task_opts){names[spawned], 0});
        spawned += rc == 0;
    }
    for (int i = 0; i < spawned; i++) {
        /* A stage that could not start would leave the others blocked. */
        if (rc != 0)
            tvc_cancel(t[i]);
        int jrc = tvc_task_join(t[i], NULL);
        if (rc == 0)
            rc = jrc;
        tvc_task_release(t[i]);
    }
    int64_t elapsed = tvc_now() - t0;

    wl_pipeline_report(w, rc, items, lat, st[3].sunk, st[3].sum, elapsed);
    for (int i = 0; i < 3; i++)
        if (q[i])
            tvc_queue_free(q[i]);
    free(arr);
    free(lat);
    return rc;
}

const tvc_workload tvc_wl_pipeline = {
    "pipeline",
    wl_pipeline_summary,
    wl_pipeline_params,
    pipeline_run,
};
