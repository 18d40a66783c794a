/*
 * Many tasks doing random operations (sleep, yield, event, lock, cond
 * wait and notify, semaphore, queue, await, wait_for, gather) while the
 * driver completes futures, sets events, notifies (refused unless the
 * lock is held) and cancels tasks at random, from a fixed seed.
 * Under ASan this finds a continuation that runs twice, runs after its
 * task is gone, or leaves memory behind.  Checks: every operation started
 * had its continuation run exactly once, every task finished, the loop
 * closes with nothing pending, and the heap and fds are at baseline.
 */
#include "cb_probe.h"

enum { TASKS = 600, OPS = 12, FUTS = 64, EVENTS = 4, ROUNDS = 400 };

static tvc_cb_loop *loop;
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static tvc_future *futs[FUTS];
static tvc_cb_event *events[EVENTS];
static tvc_cb_lock *lock;
static tvc_cb_cond *cond;
static tvc_cb_sem *sem;
static tvc_cb_queue *queue;

static uint64_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* One task's bookkeeping. */
typedef struct chaos {
    int ops_left;
    int started;  /* operations started */
    int finished; /* continuations run */
    int holds;    /* holds the lock (or a semaphore unit: 2) */
    int returned;
    tvc_future *pair[2]; /* gather's futures, referenced while pending */
} chaos;

static chaos tasks[TASKS];
static int64_t total_ops, cancelled_ops; /* what the run exercised */
static tvc_cb_task *handles[TASKS];

static void next_op(tvc_cb_task *t);

/* Releases what the last operation left held, counts it, goes on. */
static void after(tvc_cb_task *t, int status)
{
    chaos *c = tvc_cb_task_arg(t);
    c->finished++;
    ASSERT_EQ(c->finished, c->started);
    total_ops++;
    cancelled_ops += status == -ECANCELED;
    /* A cond wait holds the lock again whatever its status. */
    if (c->holds == 1 || c->holds == 3)
        ASSERT_OK(tvc_cb_lock_release(lock));
    if (c->holds == 2)
        ASSERT_OK(tvc_cb_sem_release(sem));
    c->holds = 0;
    for (int i = 0; i < 2; i++)
        if (c->pair[i]) {
            tvc_future_unref(c->pair[i]);
            c->pair[i] = NULL;
        }
    if (status == -ECANCELED && rnd() % 2) {
        c->returned = 1;
        tvc_cb_task_return(t, -ECANCELED, NULL);
        return;
    }
    next_op(t);
}

static void after_value(tvc_cb_task *t, int status, void *v)
{
    after(t, status);
}

static void locked(tvc_cb_task *t, int status)
{
    chaos *c = tvc_cb_task_arg(t);
    c->holds = status == 0 ? 1 : 0;
    /* notify needs the lock held: the tasks holding it do the notifying. */
    if (status == 0 && rnd() % 2)
        ASSERT_GE(tvc_cb_cond_notify(cond, 1 + (int)(rnd() % 3)), 0);
    after(t, status);
}

static void sem_taken(tvc_cb_task *t, int status)
{
    chaos *c = tvc_cb_task_arg(t);
    c->holds = status == 0 ? 2 : 0;
    after(t, status);
}

/* The lock is held: wait on the condition (held again when k runs). */
static void cond_locked(tvc_cb_task *t, int status)
{
    chaos *c = tvc_cb_task_arg(t);
    if (status != 0) {
        after(t, status);
        return;
    }
    c->holds = 3;
    c->started++;
    c->finished++;
    tvc_cb_cond_wait(t, cond, after);
}

static void next_op(tvc_cb_task *t)
{
    chaos *c = tvc_cb_task_arg(t);
    if (c->ops_left-- == 0) {
        c->returned = 1;
        tvc_cb_task_return(t, 0, NULL);
        return;
    }
    c->started++;
    switch (rnd() % 10) {
    case 0:
        tvc_cb_sleep(t, (int64_t)(rnd() % 3) * TVC_US(50), after);
        break;
    case 1:
        tvc_cb_checkpoint(t, after);
        break;
    case 2:
        tvc_cb_event_wait(t, events[rnd() % EVENTS], after);
        break;
    case 3:
        tvc_cb_lock_acquire(t, lock, locked);
        break;
    case 4:
        tvc_cb_lock_acquire(t, lock, cond_locked);
        break;
    case 5:
        tvc_cb_sem_acquire(t, sem, sem_taken);
        break;
    case 6:
        if (rnd() % 2)
            tvc_cb_queue_put(t, queue, NULL, after);
        else
            tvc_cb_queue_get(t, queue, after_value);
        break;
    case 7:
        tvc_cb_await(t, futs[rnd() % FUTS], after_value);
        break;
    case 8:
        tvc_cb_wait_for(t, futs[rnd() % FUTS], (int64_t)(rnd() % 3) * 1000,
                        after_value);
        break;
    default:
        for (int i = 0; i < 2; i++)
            c->pair[i] = tvc_future_ref(futs[rnd() % FUTS]);
        tvc_cb_gather(t, c->pair, 2, after);
        break;
    }
}

static void start(tvc_cb_task *t, int status)
{
    chaos *c = tvc_cb_task_arg(t);
    if (status != 0) {
        c->returned = 1;
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    next_op(t);
}

/* The driver's random act between iterations. */
static void poke(void)
{
    int i = (int)(rnd() % FUTS);
    switch (rnd() % 6) {
    case 0:
        if (!tvc_future_done(futs[i]))
            tvc_future_set_result(futs[i], NULL);
        break;
    case 1:
        if (!tvc_future_done(futs[i]))
            tvc_future_set_error(futs[i], -EIO);
        break;
    case 2:
        tvc_cb_event_set(events[rnd() % EVENTS]);
        tvc_cb_event_clear(events[rnd() % EVENTS]);
        break;
    case 3:
        /* Between iterations the lock is held only when handed to a
         * waiter not resumed yet: notify counts then, refuses otherwise. */
        if (tvc_cb_lock_locked(lock))
            ASSERT_GE(tvc_cb_cond_notify(cond, 1 + (int)(rnd() % 3)), 0);
        else
            ASSERT_ERR(tvc_cb_cond_notify(cond, 1), TVC_EINVALSTATE);
        break;
    case 4:
        tvc_cb_task_cancel(handles[rnd() % TASKS]);
        break;
    default:
        /* A done future is replaced, so waits keep blocking sometimes. */
        if (tvc_future_done(futs[i])) {
            tvc_future_unref(futs[i]);
            futs[i] = tvc_cb_future_new(loop);
        }
        break;
    }
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT_OK(tvc_cb_loop_new(&loop, 0));
    for (int i = 0; i < FUTS; i++)
        futs[i] = tvc_cb_future_new(loop);
    for (int i = 0; i < EVENTS; i++)
        ASSERT_OK(tvc_cb_event_new(&events[i]));
    ASSERT_OK(tvc_cb_lock_new(&lock));
    ASSERT_OK(tvc_cb_cond_new(&cond, lock));
    ASSERT_OK(tvc_cb_sem_new(&sem, 3, 1));
    ASSERT_OK(tvc_cb_queue_new(&queue, 4));
    for (int i = 0; i < TASKS; i++) {
        tasks[i].ops_left = OPS;
        ASSERT_OK(tvc_cb_spawn(loop, &handles[i], start, &tasks[i]));
    }

    for (int r = 0; r < ROUNDS; r++) {
        for (int k = 0; k < 8; k++)
            poke();
        ASSERT_GE(tvc_cb_run_once(loop, 0), 0);
    }
    /* The end: everything that could block is cancelled until all
     * tasks are done (cancels land on later operations too). */
    for (int round = 0; round < 1000; round++) {
        int alive = 0;
        for (int i = 0; i < TASKS; i++)
            if (!tvc_future_done(tvc_cb_task_future(handles[i]))) {
                alive++;
                tvc_cb_task_cancel(handles[i]);
            }
        if (!alive)
            break;
        ASSERT_GE(tvc_cb_run_once(loop, 1), 0);
    }
    for (int i = 0; i < TASKS; i++) {
        ASSERT(tvc_future_done(tvc_cb_task_future(handles[i])));
        ASSERT_EQ(tasks[i].started, tasks[i].finished);
        ASSERT_EQ(tasks[i].returned, 1);
        tvc_cb_task_release(handles[i]);
    }
    ASSERT(!tvc_cb_lock_locked(lock));
    /* The seed made it do real work: most operations ran, many were
     * cancelled. */
    fprintf(stderr, "operations %lld, cancelled %lld\n", (long long)total_ops,
            (long long)cancelled_ops);
    ASSERT_GT(total_ops, TASKS * OPS / 4);
    ASSERT_GT(cancelled_ops, TASKS / 4);
    for (int i = 0; i < FUTS; i++)
        tvc_future_unref(futs[i]);
    for (int i = 0; i < EVENTS; i++)
        tvc_cb_event_free(events[i]);
    tvc_cb_cond_free(cond);
    tvc_cb_lock_free(lock);
    tvc_cb_sem_free(sem);
    tvc_cb_queue_free(queue);
    ASSERT_EQ(tvc_cb_loop_close(loop), 0);
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
