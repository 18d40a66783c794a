/*
 * pingpong: the price of one wake-up.  Two tasks pass a number back and
 * forth; the pinger times each round trip.  mode=future: every message is
 * a fresh future the other side awaits (asyncio's way: each round brings
 * the future for the reply and the one for the next ping); mode=queue:
 * two bounded queues of one slot.  The ponger adds one to what it gets,
 * so every reply is checked.
 */
#include <stdlib.h>
#include <string.h>

#include "workloads.h"

/* What the ponger needs. */
typedef struct ponger_arg {
    int64_t rounds;
    tvc_future *ping;                 /* future mode: the first ping */
    tvc_queue *to_ponger, *to_pinger; /* queue mode */
} ponger_arg;

static int ponger_future(void *arg, void **result)
{
    ponger_arg *a = arg;
    tvc_future *ping = a->ping;
    int rc = 0;
    for (int64_t r = 0; r < a->rounds && rc == 0; r++) {
        void *v;
        rc = tvc_await(ping, &v);
        tvc_future_unref(ping);
        if (rc != 0)
            return rc;
        /* Copy out before replying: the message lives on the pinger's
         * stack only until the pong completes. */
        wl_ping_msg m = *(wl_ping_msg *)v;
        ping = m.next_ping;
        rc = tvc_future_set_result(m.pong, (void *)(intptr_t)(m.value + 1));
        tvc_future_unref(m.pong);
    }
    tvc_future_unref(ping);
    return rc;
}

static int ponger_queue(void *arg, void **result)
{
    ponger_arg *a = arg;
    for (int64_t r = 0; r < a->rounds; r++) {
        void *v;
        int rc = tvc_queue_get(a->to_ponger, &v);
        if (rc == 0)
            rc = tvc_queue_put(a->to_pinger, (void *)((intptr_t)v + 1));
        if (rc != 0)
            return rc;
    }
    return 0;
}

/* One round in future mode; 0 and *reply, or an error. */
static int round_future(tvc_future **ping, int64_t r, int64_t *reply)
{
    wl_ping_msg m = {r, tvc_future_create(), tvc_future_create()};
    if (m.pong == NULL || m.next_ping == NULL) {
        if (m.pong)
            tvc_future_unref(m.pong);
        if (m.next_ping)
            tvc_future_unref(m.next_ping);
        return -ENOMEM;
    }
    /* The ponger owns one reference of each. */
    tvc_future_ref(m.pong);
    tvc_future_ref(m.next_ping);
    int rc = tvc_future_set_result(*ping, &m);
    tvc_future_unref(*ping);
    *ping = m.next_ping;
    void *v = NULL;
    if (rc == 0)
        rc = tvc_await(m.pong, &v);
    tvc_future_unref(m.pong);
    *reply = (intptr_t)v;
    return rc;
}

static int round_queue(ponger_arg *a, int64_t r, int64_t *reply)
{
    void *v = NULL;
    int rc = tvc_queue_put(a->to_ponger, (void *)(intptr_t)r);
    if (rc == 0)
        rc = tvc_queue_get(a->to_pinger, &v);
    *reply = (intptr_t)v;
    return rc;
}

static int pingpong_run(tvc_wl *w)
{
    int64_t rounds = tvc_wl_int(w, "rounds");
    int future_mode = strcmp(tvc_wl_str(w, "mode"), "future") == 0;
    ponger_arg a = {rounds, NULL, NULL, NULL};
    int64_t *samples = calloc((size_t)rounds, sizeof *samples);
    tvc_future *ping = NULL;
    int rc = samples ? 0 : -ENOMEM;
    if (rc == 0 && future_mode) {
        ping = tvc_future_create();
        rc = ping ? 0 : -ENOMEM;
        if (rc == 0)
            a.ping = tvc_future_ref(ping); /* the ponger's reference */
    } else if (rc == 0) {
        rc = tvc_queue_new(&a.to_ponger, 1);
        if (rc == 0)
            rc = tvc_queue_new(&a.to_pinger, 1);
    }
    tvc_task *ponger = NULL;
    if (rc == 0)
        rc = tvc_spawn(&ponger, future_mode ? ponger_future : ponger_queue, &a,
                       &(tvc_task_opts){"ponger", 0});

    int64_t good = 0, t0 = tvc_now();
    for (int64_t r = 0; r < rounds && rc == 0; r++) {
        int64_t reply, s = tvc_now();
        rc = future_mode ? round_future(&ping, r, &reply)
                         : round_queue(&a, r, &reply);
        samples[r] = tvc_now() - s;
        good += rc == 0 && reply == r + 1;
    }
    int64_t elapsed = tvc_now() - t0;

    if (ponger != NULL) {
        int jrc = tvc_task_join(ponger, NULL);
        tvc_task_release(ponger);
        if (rc == 0)
            rc = jrc;
    }
    wl_pingpong_report(w, rc, samples, rounds, good, elapsed);
    if (ping != NULL)
        tvc_future_unref(ping);
    if (a.to_ponger)
        tvc_queue_free(a.to_ponger);
    if (a.to_pinger)
        tvc_queue_free(a.to_pinger);
    free(samples);
    return rc;
}

const tvc_workload tvc_wl_pingpong = {
    "pingpong",
    wl_pingpong_summary,
    wl_pingpong_params,
    pingpong_run,
};
