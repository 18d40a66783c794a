/*
 * The contracts cb.h states (docs/DESIGN.md, section "API contracts and
 * errors") that the other callback tests do not pin down: the calls that
 * take a loop, without one (none made yet, or closed) and on a loop that
 * is not the thread's current one; a nested run; a task joining or
 * waiting on itself; notify without the lock held; timeouts and sleeps at
 * TVC_FOREVER, 0 and other negatives; spawn and wait out of memory,
 * through the wrapped malloc below.  The stream reads' statuses are in
 * test_streams.c.  Ends with a leak check.
 */
#include <stdlib.h>

#include "cb_probe.h"

/* tests.cmake links this test with --wrap=malloc: every malloc of the
 * runtime comes here, and the next fail_mallocs of them fail. */
void *__real_malloc(size_t n);
void *__wrap_malloc(size_t n);
static int fail_mallocs;

void *__wrap_malloc(size_t n)
{
    if (fail_mallocs > 0) {
        fail_mallocs--;
        return NULL;
    }
    return __real_malloc(n);
}

static tvc_cb_loop *loop;

static void *blocking(void *arg)
{
    return arg;
}

static void call(void *arg)
{
    (void)arg;
}

/* No loop on the thread: each call that takes one says so, and nothing
 * is made or run. */
static void without_loop(void)
{
    tvc_cb_loop *none = tvc_cb_loop_current();
    ASSERT(none == NULL);
    probe p = {.op = P_NOTHING};
    tvc_cb_task *h = NULL;
    ASSERT_ERR(tvc_cb_spawn(none, &h, probe_start, &p), TVC_EINVALSTATE);
    ASSERT(h == NULL);
    ASSERT_ERR(tvc_cb_call_soon(none, call, NULL, NULL), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_cb_call_later(none, 0, call, NULL, NULL), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_cb_call_at(none, 0, call, NULL, NULL), TVC_EINVALSTATE);
    tvc_future *f = NULL;
    ASSERT_ERR(tvc_cb_run_in_executor(none, &f, blocking, NULL),
               TVC_EINVALSTATE);
    ASSERT(f == NULL);
    tvc_cb_server *srv = NULL;
    ASSERT_ERR(tvc_cb_start_server(none, &srv, probe_start, NULL, NULL),
               TVC_EINVALSTATE);
    ASSERT(srv == NULL);
    ASSERT_EQ(p.calls, 0);
}

/* A loop that is not the thread's current one (made second; the first
 * is closed since) runs what is spawned on it. */
static void not_current_loop(void)
{
    tvc_cb_loop *first, *second;
    ASSERT_OK(tvc_cb_loop_new(&first, 0));
    ASSERT_OK(tvc_cb_loop_new(&second, 0));
    ASSERT(tvc_cb_loop_current() == first);
    ASSERT_EQ(tvc_cb_loop_close(first), 0);
    ASSERT(tvc_cb_loop_current() == NULL);
    probe p = {.op = P_NOTHING};
    ASSERT_OK(tvc_cb_spawn(second, NULL, probe_start, &p));
    ASSERT_OK(tvc_cb_run(second));
    ASSERT_EQ(p.calls, 1);
    ASSERT_EQ(tvc_cb_loop_close(second), 0);
}

static int nested_status = 1;

static void nested_run(void *arg)
{
    nested_status = tvc_cb_run(arg);
}

/* A run from inside a run of the same loop. */
static void nested(void)
{
    ASSERT_OK(tvc_cb_call_soon(loop, nested_run, loop, NULL));
    settle(loop);
    ASSERT_ERR(nested_status, -EBUSY);
}

/* A task joining itself, or awaiting (or gathering, waiting for) its own
 * future, would wait for its own return: -EDEADLK at once. */
static void self_join(void)
{
    tvc_cb_task *h;
    probe j = {.op = P_JOIN};
    probe_spawn(loop, &j, &h);
    j.obj = h;
    settle(loop);
    ONCE(j, -EDEADLK);
    tvc_cb_task_release(h);

    probe a = {.op = P_AWAIT};
    probe_spawn(loop, &a, &h);
    a.obj = tvc_cb_task_future(h);
    settle(loop);
    ONCE(a, -EDEADLK);
    tvc_cb_task_release(h);

    /* The waits on many, and wait_for, with the own future among them;
     * the other future is left alone. */
    tvc_future *other = tvc_cb_future_new(loop);
    ASSERT(other);
    tvc_future *fs[3][2];
    probe p[3] = {
        {.op = P_GATHER, .objs = fs[0], .n = 2},
        {.op = P_WAIT,
         .objs = fs[1],
         .n = 2,
         .when = TVC_CB_FIRST_COMPLETED,
         .ns = TVC_FOREVER},
        {.op = P_WAIT_FOR, .ns = TVC_FOREVER},
    };
    tvc_cb_task *hs[3];
    for (int i = 0; i < 3; i++) {
        probe_spawn(loop, &p[i], &hs[i]);
        fs[i][0] = other;
        fs[i][1] = tvc_cb_task_future(hs[i]);
        p[i].obj = fs[i][1];
    }
    settle(loop);
    for (int i = 0; i < 3; i++) {
        ONCE(p[i], -EDEADLK);
        tvc_cb_task_release(hs[i]);
    }
    ASSERT(!tvc_future_done(other));
    tvc_future_unref(other);
}

enum { WAITERS = 3 };

/* notify and notify_all refuse when the lock is not held (waking no one)
 * and otherwise count the tasks they woke. */
static void notify_needs_lock(void)
{
    tvc_cb_lock *l;
    tvc_cb_cond *c;
    ASSERT_OK(tvc_cb_lock_new(&l));
    ASSERT_OK(tvc_cb_cond_new(&c, l));
    ASSERT_ERR(tvc_cb_cond_notify(c, 1), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_cb_cond_notify_all(c), TVC_EINVALSTATE);

    /* Waiters released the lock to wait: still refused, none woken. */
    probe w[WAITERS];
    for (int i = 0; i < WAITERS; i++) {
        w[i] = (probe){.op = P_COND, .obj = c, .lock = l};
        probe_spawn(loop, &w[i], NULL);
    }
    settle(loop);
    ASSERT(!tvc_cb_lock_locked(l));
    ASSERT_ERR(tvc_cb_cond_notify(c, 1), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_cb_cond_notify_all(c), TVC_EINVALSTATE);
    settle(loop);
    for (int i = 0; i < WAITERS; i++)
        ASSERT_EQ(w[i].calls, 0);

    /* A probe takes the lock and returns holding it: now it counts. */
    probe holder = {.op = P_LOCK, .obj = l};
    probe_spawn(loop, &holder, NULL);
    settle(loop);
    ONCE(holder, 0);
    ASSERT(tvc_cb_lock_locked(l));
    ASSERT_EQ(tvc_cb_cond_notify(c, 0), 0);
    ASSERT_EQ(tvc_cb_cond_notify(c, 1), 1);
    ASSERT_EQ(tvc_cb_cond_notify_all(c), WAITERS - 1);
    ASSERT_EQ(tvc_cb_cond_notify_all(c), 0);
    ASSERT_OK(tvc_cb_lock_release(l)); /* the woken take it in turn */
    settle(loop);
    for (int i = 0; i < WAITERS; i++) {
        ONCE(w[i], 0);
        ASSERT_EQ(w[i].held_after, 1);
    }
    ASSERT(!tvc_cb_lock_locked(l));
    tvc_cb_cond_free(c);
    tvc_cb_lock_free(l);
}

/* wait, wait_for, sleep and sleep_until with one time: `ns`. */
typedef struct timed {
    probe wait, wait_for, sleep, sleep_until;
    tvc_cb_task *h[4]; /* their handles, in that order */
} timed;

static void timed_spawn(timed *t, tvc_future **f, int64_t ns)
{
    t->wait = (probe){.op = P_WAIT,
                      .objs = f,
                      .n = 1,
                      .when = TVC_CB_ALL_COMPLETED,
                      .ns = ns};
    t->wait_for = (probe){.op = P_WAIT_FOR, .obj = *f, .ns = ns};
    t->sleep = (probe){.op = P_SLEEP, .ns = ns};
    t->sleep_until = (probe){.op = P_SLEEP_UNTIL, .ns = ns};
    probe *ps[4] = {&t->wait, &t->wait_for, &t->sleep, &t->sleep_until};
    for (int i = 0; i < 4; i++)
        probe_spawn(loop, ps[i], &t->h[i]);
    settle(loop);
}

static void timed_release(timed *t)
{
    for (int i = 0; i < 4; i++)
        tvc_cb_task_release(t->h[i]);
}

/* TVC_FOREVER waits, 0 polls, other negative values are -EINVAL. */
static void timeouts(void)
{
    tvc_future *f = tvc_cb_future_new(loop);
    ASSERT(f);
    timed bad;
    timed_spawn(&bad, &f, -2);
    ONCE(bad.wait, -EINVAL);
    ONCE(bad.wait_for, -EINVAL);
    ONCE(bad.sleep, -EINVAL);
    ONCE(bad.sleep_until, -EINVAL);
    ASSERT(!tvc_future_done(f)); /* wait_for left it alone */
    timed_release(&bad);
    timed very;
    timed_spawn(&very, &f, -TVC_SEC(1));
    ONCE(very.wait, -EINVAL);
    ONCE(very.wait_for, -EINVAL);
    ONCE(very.sleep, -EINVAL);
    ONCE(very.sleep_until, -EINVAL);
    timed_release(&very);
    /* A `when` that is none of the three is refused, at once. */
    probe odd = {.op = P_WAIT, .objs = &f, .n = 1, .when = 3,
                 .ns = TVC_FOREVER};
    tvc_cb_task *oh;
    probe_spawn(loop, &odd, &oh);
    settle(loop);
    ONCE(odd, -EINVAL);
    tvc_cb_task_release(oh);

    /* 0: wait counts at once, wait_for cancels f, the sleeps yield. */
    tvc_future *g = tvc_cb_future_new(loop);
    ASSERT(g);
    timed poll;
    timed_spawn(&poll, &g, 0);
    ONCE(poll.wait, 0);
    ONCE(poll.wait_for, -ETIMEDOUT);
    ASSERT(tvc_future_cancelled(g));
    ONCE(poll.sleep, 0);
    ONCE(poll.sleep_until, 0);
    timed_release(&poll);
    tvc_future_unref(g);

    /* TVC_FOREVER: the waits end when f does, the sleeps when cancelled. */
    timed ever;
    timed_spawn(&ever, &f, TVC_FOREVER);
    ASSERT_EQ(ever.wait.calls + ever.wait_for.calls + ever.sleep.calls +
                  ever.sleep_until.calls,
              0);
    ASSERT_OK(tvc_future_set_result(f, (void *)(intptr_t)7));
    settle(loop);
    ONCE(ever.wait, 1);
    ONCE(ever.wait_for, 0);
    ASSERT_EQ((intptr_t)ever.wait_for.value, 7);
    ASSERT_EQ(ever.sleep.calls + ever.sleep_until.calls, 0);
    ASSERT_EQ(tvc_cb_task_cancel(ever.h[2]), 1);
    ASSERT_EQ(tvc_cb_task_cancel(ever.h[3]), 1);
    settle(loop);
    ONCE(ever.sleep, -ECANCELED);
    ONCE(ever.sleep_until, -ECANCELED);
    timed_release(&ever);
    tvc_future_unref(f);
}

/* Out of memory: spawn fails and nothing runs; a wait that must allocate
 * its state tells its continuation. */
static void out_of_memory(void)
{
    uint64_t tasks = tvc_cb_loop_task_count(loop);
    probe p = {.op = P_NOTHING};
    tvc_cb_task *h = NULL;
    fail_mallocs = 1;
    ASSERT_ERR(tvc_cb_spawn(loop, &h, probe_start, &p), -ENOMEM);
    ASSERT_EQ(fail_mallocs, 0);
    ASSERT(h == NULL);
    ASSERT_EQ(tvc_cb_loop_task_count(loop), tasks);
    settle(loop);
    ASSERT_EQ(p.calls, 0);

    tvc_future *f = tvc_cb_future_new(loop);
    ASSERT(f);
    probe w = {.op = P_WAIT,
               .objs = &f,
               .n = 1,
               .when = TVC_CB_ALL_COMPLETED,
               .ns = TVC_FOREVER};
    probe_spawn(loop, &w, NULL);
    fail_mallocs = 1;
    settle(loop);
    ASSERT_EQ(fail_mallocs, 0);
    ONCE(w, -ENOMEM);
    tvc_future_unref(f);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    without_loop();
    not_current_loop();
    without_loop(); /* the loops made are closed */
    ASSERT_OK(tvc_cb_loop_new(&loop, 0));
    nested();
    self_join();
    notify_needs_lock();
    timeouts();
    out_of_memory();
    ASSERT_EQ(tvc_cb_loop_task_count(loop), 0);
    ASSERT_EQ(tvc_cb_loop_close(loop), 0);
    without_loop();
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
