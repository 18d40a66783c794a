/*
 * pingpong, in continuation-passing style (twin of
 * common/workloads/pingpong.c): the price of one wake-up.  Two tasks pass
 * a number back and forth; the pinger times each round trip.
 * mode=future: every message is a fresh future the other side awaits
 * (asyncio's way: each round brings the future for the reply and the one
 * for the next ping); mode=queue: two bounded queues of one slot.  The
 * ponger adds one to what it gets, so every reply is checked.
 */
#include <stdlib.h>
#include <string.h>

#include "cb_workloads.h"

/* What the ponger needs, and its frame. */
typedef struct ponger_arg {
    int64_t rounds;
    tvc_future *ping;                    /* future mode: the first ping */
    tvc_cb_queue *to_ponger, *to_pinger; /* queue mode */
    int64_t r;                           /* frame: the round */
    int rc;
} ponger_arg;

/* ---- the ponger --------------------------------------------------------- */

static void ponger_future_next(tvc_cb_task *t);

static void ponger_future_got(tvc_cb_task *t, int rc, void *v)
{
    ponger_arg *a = tvc_cb_task_arg(t);
    tvc_future_unref(a->ping);
    if (rc != 0) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    /* Copy out before replying: the message lives in the pinger's frame
     * only until the pong completes. */
    wl_ping_msg m = *(wl_ping_msg *)v;
    a->ping = m.next_ping;
    a->rc = tvc_future_set_result(m.pong, (void *)(intptr_t)(m.value + 1));
    tvc_future_unref(m.pong);
    a->r++;
    ponger_future_next(t);
}

static void ponger_future_next(tvc_cb_task *t)
{
    ponger_arg *a = tvc_cb_task_arg(t);
    if (a->r < a->rounds && a->rc == 0) {
        tvc_cb_await(t, a->ping, ponger_future_got);
        return;
    }
    tvc_future_unref(a->ping);
    tvc_cb_task_return(t, a->rc, NULL);
}

static void ponger_future(tvc_cb_task *t, int status)
{
    ponger_arg *a = tvc_cb_task_arg(t);
    a->rc = status;
    ponger_future_next(t);
}

static void ponger_queue_next(tvc_cb_task *t, int rc);

static void ponger_queue_got(tvc_cb_task *t, int rc, void *v)
{
    ponger_arg *a = tvc_cb_task_arg(t);
    if (rc != 0) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    tvc_cb_queue_put(t, a->to_pinger, (void *)((intptr_t)v + 1),
                     ponger_queue_next);
}

/* The loop head; rc is the last put's. */
static void ponger_queue_next(tvc_cb_task *t, int rc)
{
    ponger_arg *a = tvc_cb_task_arg(t);
    if (rc != 0) {
        tvc_cb_task_return(t, rc, NULL);
        return;
    }
    if (a->r++ < a->rounds) {
        tvc_cb_queue_get(t, a->to_ponger, ponger_queue_got);
        return;
    }
    tvc_cb_task_return(t, 0, NULL);
}

static void ponger_queue(tvc_cb_task *t, int status)
{
    ponger_queue_next(t, status);
}

/* ---- the pinger (main task) ---------------------------------------------- */

/* The main task's frame. */
typedef struct pingpong_main {
    tvc_wl *w;
    int64_t rounds;
    int future_mode;
    ponger_arg a;
    int64_t *samples;
    tvc_future *ping;
    int rc;
    tvc_cb_task *ponger;
    int64_t good, t0, elapsed;
    int64_t r, s; /* the round and its start */
    wl_ping_msg m;   /* future mode: this round's message */
    void *v;      /* queue mode: the reply */
} pingpong_main;

static void pingpong_report(tvc_cb_task *t, pingpong_main *p)
{
    wl_pingpong_report(p->w, p->rc, p->samples, p->rounds, p->good, p->elapsed);
    if (p->ping != NULL)
        tvc_future_unref(p->ping);
    if (p->a.to_ponger)
        tvc_cb_queue_free(p->a.to_ponger);
    if (p->a.to_pinger)
        tvc_cb_queue_free(p->a.to_pinger);
    free(p->samples);
    tvc_cb_task_return(t, p->rc, NULL);
}

static void pingpong_joined(tvc_cb_task *t, int jrc, void *value)
{
    pingpong_main *p = tvc_cb_task_arg(t);
    tvc_cb_task_release(p->ponger);
    if (p->rc == 0)
        p->rc = jrc;
    pingpong_report(t, p);
}

static void round_next(tvc_cb_task *t);

/* The end of a round, either mode. */
static void round_done(tvc_cb_task *t, int rc, int64_t reply)
{
    pingpong_main *p = tvc_cb_task_arg(t);
    p->rc = rc;
    p->samples[p->r] = tvc_now() - p->s;
    p->good += rc == 0 && reply == p->r + 1;
    p->r++;
    round_next(t);
}

static void round_future_got(tvc_cb_task *t, int rc, void *v)
{
    pingpong_main *p = tvc_cb_task_arg(t);
    tvc_future_unref(p->m.pong);
    round_done(t, rc, (intptr_t)v);
}

/* One round in future mode. */
static void round_future(tvc_cb_task *t, pingpong_main *p)
{
    p->m = (wl_ping_msg){p->r, tvc_cb_future_new(NULL), tvc_cb_future_new(NULL)};
    if (p->m.pong == NULL || p->m.next_ping == NULL) {
        if (p->m.pong)
            tvc_future_unref(p->m.pong);
        if (p->m.next_ping)
            tvc_future_unref(p->m.next_ping);
        round_done(t, -ENOMEM, 0);
        return;
    }
    /* The ponger owns one reference of each. */
    tvc_future_ref(p->m.pong);
    tvc_future_ref(p->m.next_ping);
    int rc = tvc_future_set_result(p->ping, &p->m);
    tvc_future_unref(p->ping);
    p->ping = p->m.next_ping;
    if (rc == 0) {
        tvc_cb_await(t, p->m.pong, round_future_got);
        return;
    }
    tvc_future_unref(p->m.pong);
    round_done(t, rc, 0);
}

static void round_queue_got(tvc_cb_task *t, int rc, void *v)
{
    round_done(t, rc, (intptr_t)v);
}

static void round_queue_put(tvc_cb_task *t, int rc)
{
    pingpong_main *p = tvc_cb_task_arg(t);
    if (rc != 0) {
        round_done(t, rc, 0);
        return;
    }
    tvc_cb_queue_get(t, p->a.to_pinger, round_queue_got);
}

static void round_queue(tvc_cb_task *t, pingpong_main *p)
{
    tvc_cb_queue_put(t, p->a.to_ponger, (void *)(intptr_t)p->r,
                     round_queue_put);
}

/* The loop head: the next round, or the end. */
static void round_next(tvc_cb_task *t)
{
    pingpong_main *p = tvc_cb_task_arg(t);
    if (p->r < p->rounds && p->rc == 0) {
        p->s = tvc_now();
        if (p->future_mode)
            round_future(t, p);
        else
            round_queue(t, p);
        return;
    }
    p->elapsed = tvc_now() - p->t0;
    if (p->ponger != NULL) {
        tvc_cb_join(t, p->ponger, pingpong_joined);
        return;
    }
    pingpong_report(t, p);
}

static void pingpong_main_task(tvc_cb_task *t, int status)
{
    pingpong_main *p = tvc_cb_task_arg(t);
    tvc_wl *w = p->w;
    p->rounds = tvc_wl_int(w, "rounds");
    p->future_mode = strcmp(tvc_wl_str(w, "mode"), "future") == 0;
    p->a = (ponger_arg){.rounds = p->rounds};
    p->samples = calloc((size_t)p->rounds, sizeof *p->samples);
    p->rc = p->samples ? 0 : -ENOMEM;
    if (p->rc == 0 && p->future_mode) {
        p->ping = tvc_cb_future_new(NULL);
        p->rc = p->ping ? 0 : -ENOMEM;
        if (p->rc == 0)
            p->a.ping = tvc_future_ref(p->ping); /* the ponger's reference */
    } else if (p->rc == 0) {
        p->rc = tvc_cb_queue_new(&p->a.to_ponger, 1);
        if (p->rc == 0)
            p->rc = tvc_cb_queue_new(&p->a.to_pinger, 1);
    }
    if (p->rc == 0)
        p->rc =
            tvc_cb_spawn(tvc_cb_loop_current(), &p->ponger,
                         p->future_mode ? ponger_future : ponger_queue, &p->a);

    p->t0 = tvc_now();
    round_next(t);
}

static int pingpong_run(tvc_wl *w)
{
    pingpong_main p;
    memset(&p, 0, sizeof p);
    p.w = w;
    return cbwl_run_main(pingpong_main_task, &p);
}

const tvc_workload tvc_cbwl_pingpong = {
    "pingpong",
    wl_pingpong_summary,
    wl_pingpong_params,
    pingpong_run,
};
