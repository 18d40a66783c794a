/*
 * Every continuation runs exactly once: on success, on error and on
 * cancel, for each waiting operation of the API (sleep, await, join,
 * gather, wait, wait_for, event, lock, cond, sem, queue).  Cancellation
 * before start, while pending and before the next operation; cancelling
 * twice; cancelling a finished task.  Ends with a leak check.
 */
#include "cb_probe.h"

static tvc_cb_loop *loop;

static void sleeps(void)
{
    probe ok = {.op = P_SLEEP, .ns = 0},
          cancel = {.op = P_SLEEP, .ns = TVC_SEC(3600)};
    tvc_cb_task *h;
    probe_spawn(loop, &ok, NULL);
    probe_spawn(loop, &cancel, &h);
    settle(loop);
    ONCE(ok, 0);
    ASSERT_EQ(cancel.calls, 0);
    ASSERT_EQ(tvc_cb_task_cancel(h), 1);
    ASSERT_EQ(tvc_cb_task_cancel(h), 1); /* idempotent while finishing */
    settle(loop);
    ONCE(cancel, -ECANCELED);
    ASSERT_EQ(tvc_cb_task_cancel(h), 0); /* finished: a no-op */
    ASSERT(tvc_future_done(tvc_cb_task_future(h)));
    tvc_cb_task_release(h);

    /* Cancelled before it started: start hears -ECANCELED. */
    probe early = {.op = P_SLEEP, .ns = 0};
    probe_spawn(loop, &early, &h);
    ASSERT_EQ(tvc_cb_task_cancel(h), 1);
    settle(loop);
    ONCE(early, -ECANCELED);
    ASSERT(tvc_future_cancelled(tvc_cb_task_future(h)));
    tvc_cb_task_release(h);

    /* Cancelled through its future while asleep. */
    probe viaf = {.op = P_SLEEP, .ns = TVC_SEC(3600)};
    probe_spawn(loop, &viaf, &h);
    settle(loop);
    ASSERT_EQ(tvc_future_cancel(tvc_cb_task_future(h)), 1);
    settle(loop);
    ONCE(viaf, -ECANCELED);
    tvc_cb_task_release(h);
}

static void awaits(void)
{
    tvc_future *f_ok = tvc_cb_future_new(loop),
               *f_err = tvc_cb_future_new(loop),
               *f_pend = tvc_cb_future_new(loop);
    probe ok = {.op = P_AWAIT, .obj = f_ok},
          err = {.op = P_AWAIT, .obj = f_err},
          cancel = {.op = P_AWAIT, .obj = f_pend};
    tvc_cb_task *h;
    probe_spawn(loop, &ok, NULL);
    probe_spawn(loop, &err, NULL);
    probe_spawn(loop, &cancel, &h);
    settle(loop);
    ASSERT_OK(tvc_future_set_result(f_ok, (void *)(intptr_t)7));
    ASSERT_OK(tvc_future_set_error(f_err, -EIO));
    ASSERT_EQ(tvc_cb_task_cancel(h), 1);
    settle(loop);
    ONCE(ok, 0);
    ASSERT_EQ((intptr_t)ok.value, 7);
    ONCE(err, -EIO);
    ONCE(cancel, -ECANCELED);
    ASSERT(!tvc_future_done(f_pend)); /* awaited future left alone */
    tvc_cb_task_release(h);

    /* Join: the joined task's result. */
    probe child = {.op = P_NOTHING, .value = (void *)(intptr_t)5};
    tvc_cb_task *ch;
    probe_spawn(loop, &child, &ch);
    probe join = {.op = P_JOIN, .obj = ch};
    probe_spawn(loop, &join, NULL);
    settle(loop);
    ONCE(join, 0);
    ASSERT_EQ((intptr_t)join.value, 5);
    tvc_cb_task_release(ch);
    tvc_future_unref(f_ok);
    tvc_future_unref(f_err);
    tvc_future_unref(f_pend);
}

static void gathers(void)
{
    tvc_future *fs[3];
    for (int i = 0; i < 3; i++)
        fs[i] = tvc_cb_future_new(loop);
    probe g = {.op = P_GATHER, .objs = fs, .n = 3};
    probe_spawn(loop, &g, NULL);
    settle(loop);
    tvc_future_set_result(fs[2], NULL);
    tvc_future_set_error(fs[1], -EIO);
    settle(loop);
    ASSERT_EQ(g.calls, 0);
    tvc_future_set_error(fs[0], -ENOENT);
    settle(loop);
    ONCE(g, -ENOENT); /* the first error by position */
    for (int i = 0; i < 3; i++)
        tvc_future_unref(fs[i]);

    /* Cancelled: the pending children are cancelled, then -ECANCELED. */
    for (int i = 0; i < 3; i++)
        fs[i] = tvc_cb_future_new(loop);
    tvc_future_set_result(fs[0], NULL);
    probe c = {.op = P_GATHER, .objs = fs, .n = 3};
    tvc_cb_task *h;
    probe_spawn(loop, &c, &h);
    settle(loop);
    tvc_cb_task_cancel(h);
    settle(loop);
    ONCE(c, -ECANCELED);
    ASSERT(!tvc_future_cancelled(fs[0]));
    ASSERT(tvc_future_cancelled(fs[1]));
    ASSERT(tvc_future_cancelled(fs[2]));
    tvc_cb_task_release(h);
    for (int i = 0; i < 3; i++)
        tvc_future_unref(fs[i]);

    /* A gather of a sleeping task: cancelling the gather cancels it. */
    probe sleeper = {.op = P_SLEEP, .ns = TVC_SEC(3600)};
    tvc_cb_task *sh;
    probe_spawn(loop, &sleeper, &sh);
    tvc_future *tf[1] = {tvc_cb_task_future(sh)};
    probe gt = {.op = P_GATHER, .objs = tf, .n = 1};
    probe_spawn(loop, &gt, &h);
    settle(loop);
    tvc_cb_task_cancel(h);
    settle(loop);
    ONCE(sleeper, -ECANCELED);
    ONCE(gt, -ECANCELED);
    tvc_cb_task_release(h);
    tvc_cb_task_release(sh);
}

static void waits(void)
{
    tvc_future *fs[2] = {tvc_cb_future_new(loop), tvc_cb_future_new(loop)};
    probe first = {.op = P_WAIT,
                   .objs = fs,
                   .n = 2,
                   .when = TVC_CB_FIRST_COMPLETED,
                   .ns = -1};
    probe all = {.op = P_WAIT,
                 .objs = fs,
                 .n = 2,
                 .when = TVC_CB_ALL_COMPLETED,
                 .ns = 1}; /* times out */
    probe cancel = {.op = P_WAIT,
                    .objs = fs,
                    .n = 2,
                    .when = TVC_CB_ALL_COMPLETED,
                    .ns = -1};
    tvc_cb_task *h;
    probe_spawn(loop, &first, NULL);
    probe_spawn(loop, &cancel, &h);
    settle(loop);
    tvc_future_set_result(fs[1], NULL);
    probe_spawn(loop, &all, NULL);
    tvc_cb_task_cancel(h);
    /* The 1 ns timeout has passed by now; step until it fired. */
    while (all.calls == 0)
        ASSERT_GE(tvc_cb_run_once(loop, 1), 0);
    settle(loop);
    ONCE(first, 1);
    ONCE(all, 1);
    ONCE(cancel, -ECANCELED);
    ASSERT(!tvc_future_done(fs[0])); /* wait leaves futures alone */
    tvc_cb_task_release(h);

    /* FIRST_EXCEPTION: a success does not end it, an error does. */
    tvc_future *gs[2] = {tvc_cb_future_new(loop), tvc_cb_future_new(loop)};
    probe fe = {.op = P_WAIT,
                .objs = gs,
                .n = 2,
                .when = TVC_CB_FIRST_EXCEPTION,
                .ns = -1};
    probe_spawn(loop, &fe, NULL);
    settle(loop);
    tvc_future_set_result(gs[0], NULL);
    settle(loop);
    ASSERT_EQ(fe.calls, 0);
    tvc_future_set_error(gs[1], -EIO);
    settle(loop);
    ONCE(fe, 2);
    for (int i = 0; i < 2; i++) {
        tvc_future_unref(fs[i]);
        tvc_future_unref(gs[i]);
    }
}

static void wait_fors(void)
{
    tvc_future *f_ok = tvc_cb_future_new(loop),
               *f_slow = tvc_cb_future_new(loop),
               *f_c = tvc_cb_future_new(loop);
    probe ok = {.op = P_WAIT_FOR, .obj = f_ok, .ns = TVC_SEC(3600)};
    probe late = {.op = P_WAIT_FOR, .obj = f_slow, .ns = 1};
    probe cancel = {.op = P_WAIT_FOR, .obj = f_c, .ns = -1};
    tvc_cb_task *h;
    probe_spawn(loop, &ok, NULL);
    probe_spawn(loop, &late, NULL);
    probe_spawn(loop, &cancel, &h);
    settle(loop);
    tvc_future_set_result(f_ok, (void *)(intptr_t)3);
    tvc_cb_task_cancel(h);
    while (late.calls == 0)
        ASSERT_GE(tvc_cb_run_once(loop, 1), 0);
    settle(loop);
    ONCE(ok, 0);
    ASSERT_EQ((intptr_t)ok.value, 3);
    ONCE(late, -ETIMEDOUT);
    ASSERT(tvc_future_cancelled(f_slow)); /* cancelled on timeout */
    ONCE(cancel, -ECANCELED);
    ASSERT(tvc_future_cancelled(f_c));
    tvc_cb_task_release(h);
    tvc_future_unref(f_ok);
    tvc_future_unref(f_slow);
    tvc_future_unref(f_c);

    /* shield: cancelling the outer leaves the inner pending. */
    tvc_future *inner = tvc_cb_future_new(loop);
    tvc_future *outer = tvc_cb_shield(inner);
    ASSERT_EQ(tvc_future_cancel(outer), 1);
    ASSERT(!tvc_future_done(inner));
    tvc_future_set_result(inner, NULL);
    settle(loop);
    ASSERT(tvc_future_cancelled(outer));
    tvc_future_unref(outer);
    tvc_future_unref(inner);
}

static void sync_prims(void)
{
    tvc_cb_event *e;
    ASSERT_OK(tvc_cb_event_new(&e));
    probe ev = {.op = P_EVENT, .obj = e}, evc = {.op = P_EVENT, .obj = e};
    tvc_cb_task *h;
    probe_spawn(loop, &ev, NULL);
    probe_spawn(loop, &evc, &h);
    settle(loop);
    tvc_cb_task_cancel(h);
    tvc_cb_task_release(h);
    tvc_cb_event_set(e);
    settle(loop);
    ONCE(ev, 0);
    ONCE(evc, -ECANCELED);
    tvc_cb_event_free(e);

    /* Lock: held outside; one waiter cancelled, the other handed it. */
    tvc_cb_lock *l;
    ASSERT_OK(tvc_cb_lock_new(&l));
    ASSERT_ERR(tvc_cb_lock_release(l), TVC_EINVALSTATE);
    probe first = {.op = P_LOCK, .obj = l};
    probe_spawn(loop, &first, NULL);
    settle(loop);
    ONCE(first, 0);
    ASSERT(tvc_cb_lock_locked(l));
    probe lc = {.op = P_LOCK, .obj = l}, lw = {.op = P_LOCK, .obj = l};
    probe_spawn(loop, &lc, &h);
    probe_spawn(loop, &lw, NULL);
    settle(loop);
    tvc_cb_task_cancel(h);
    tvc_cb_task_release(h);
    ASSERT_OK(tvc_cb_lock_release(l));
    settle(loop);
    ONCE(lc, -ECANCELED);
    ONCE(lw, 0);
    ASSERT(tvc_cb_lock_locked(l)); /* lw holds it */
    ASSERT_OK(tvc_cb_lock_release(l));

    /* Cond: notified, and cancelled; both hold the lock when k runs. */
    tvc_cb_cond *c;
    ASSERT_OK(tvc_cb_cond_new(&c, l));
    probe cn = {.op = P_COND, .obj = c, .lock = l};
    probe cc = {.op = P_COND, .obj = c, .lock = l};
    probe_spawn(loop, &cn, NULL);
    probe_spawn(loop, &cc, &h);
    settle(loop);
    ASSERT(!tvc_cb_lock_locked(l)); /* released while waiting */
    /* notify needs the lock held: a probe returns holding it. */
    probe holder = {.op = P_LOCK, .obj = l};
    probe_spawn(loop, &holder, NULL);
    settle(loop);
    ONCE(holder, 0);
    ASSERT_EQ(tvc_cb_cond_notify(c, 1), 1);
    ASSERT_OK(tvc_cb_lock_release(l));
    tvc_cb_task_cancel(h);
    tvc_cb_task_release(h);
    settle(loop);
    ONCE(cn, 0);
    ONCE(cc, -ECANCELED);
    ASSERT_EQ(cn.held_after, 1);
    ASSERT_EQ(cc.held_after, 1);
    ASSERT(!tvc_cb_lock_locked(l));
    tvc_cb_cond_free(c);
    tvc_cb_lock_free(l);

    /* Semaphore: bounded release past the start fails. */
    tvc_cb_sem *s;
    ASSERT_OK(tvc_cb_sem_new(&s, 1, 1));
    ASSERT_ERR(tvc_cb_sem_release(s), -EOVERFLOW);
    probe s1 = {.op = P_SEM, .obj = s}, s2 = {.op = P_SEM, .obj = s},
          s3 = {.op = P_SEM, .obj = s};
    probe_spawn(loop, &s1, NULL);
    probe_spawn(loop, &s2, &h);
    probe_spawn(loop, &s3, NULL);
    settle(loop);
    ONCE(s1, 0);
    ASSERT(tvc_cb_sem_locked(s));
    tvc_cb_task_cancel(h);
    tvc_cb_task_release(h);
    ASSERT_OK(tvc_cb_sem_release(s));
    settle(loop);
    ONCE(s2, -ECANCELED);
    ONCE(s3, 0);
    ASSERT_OK(tvc_cb_sem_release(s));
    tvc_cb_sem_free(s);
}

static void queues(void)
{
    tvc_cb_queue *q;
    ASSERT_OK(tvc_cb_queue_new(&q, 1));
    probe g = {.op = P_QGET, .obj = q}, gc = {.op = P_QGET, .obj = q};
    tvc_cb_task *h;
    probe_spawn(loop, &gc, &h);
    probe_spawn(loop, &g, NULL);
    settle(loop);
    tvc_cb_task_cancel(h);
    tvc_cb_task_release(h);
    ASSERT_OK(tvc_cb_queue_put_nowait(q, (void *)(intptr_t)11));
    settle(loop);
    ONCE(gc, -ECANCELED);
    ONCE(g, 0);
    ASSERT_EQ((intptr_t)g.value, 11); /* not lost to the cancelled one */

    /* Full: a putter waits; a get lets it in; a cancelled putter's item
     * never arrives. */
    ASSERT_OK(tvc_cb_queue_put_nowait(q, (void *)(intptr_t)1));
    ASSERT_ERR(tvc_cb_queue_put_nowait(q, NULL), -EAGAIN);
    probe p2 = {.op = P_QPUT, .obj = q, .value = (void *)(intptr_t)2};
    probe p3 = {.op = P_QPUT, .obj = q, .value = (void *)(intptr_t)3};
    probe_spawn(loop, &p3, &h);
    probe_spawn(loop, &p2, NULL);
    settle(loop);
    tvc_cb_task_cancel(h);
    tvc_cb_task_release(h);
    void *item;
    ASSERT_OK(tvc_cb_queue_get_nowait(q, &item));
    ASSERT_EQ((intptr_t)item, 1);
    settle(loop);
    ONCE(p3, -ECANCELED);
    ONCE(p2, 0);
    ASSERT_OK(tvc_cb_queue_get_nowait(q, &item));
    ASSERT_EQ((intptr_t)item, 2);
    ASSERT_ERR(tvc_cb_queue_get_nowait(q, &item), -EAGAIN);
    tvc_cb_queue_free(q);
}

/* The task cancels itself, then starts an operation: -ECANCELED. */
static void self_cancel_k(tvc_cb_task *t, int status)
{
    probe *p = tvc_cb_task_arg(t);
    p->calls++;
    p->status = status;
    tvc_cb_task_return(t, status, NULL);
}

static void self_cancel(tvc_cb_task *t, int status)
{
    ASSERT_OK(status);
    ASSERT_EQ(tvc_cb_task_cancel(t), 1);
    ASSERT(tvc_cb_task_cancelling(t));
    tvc_cb_sleep(t, TVC_SEC(3600), self_cancel_k);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT_OK(tvc_cb_loop_new(&loop, 0));
    sleeps();
    awaits();
    gathers();
    waits();
    wait_fors();
    sync_prims();
    queues();
    probe sc = {0};
    ASSERT_OK(tvc_cb_spawn(loop, NULL, self_cancel, &sc));
    settle(loop);
    ONCE(sc, -ECANCELED);
    ASSERT_EQ(tvc_cb_loop_task_count(loop), 0);
    ASSERT_EQ(tvc_cb_loop_close(loop), 0);
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
