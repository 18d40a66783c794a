/*
 * The contracts tvc.h states once for many calls (docs/DESIGN.md, section
 * "API contracts and errors"): calls outside a run (TVC_EINVALSTATE, the
 * sync objects only when they would wait; a nested tvc_run too), a task
 * waiting on its own future (-EDEADLK at once), the number of tasks a
 * condition's notify woke, timeout arguments (-1 forever, 0 polls, other
 * negatives -EINVAL, too large to add is forever).  spawn's refusals are
 * in test_task.c.
 */
#include "direct_test.h"

static int noop(void *arg, void **result)
{
    (void)arg;
    (void)result;
    return 0;
}

static void *blocking_noop(void *arg)
{
    return arg;
}

/* ---- outside a run ------------------------------------------------------ */

/* Called from main() before tvc_run: every call that needs the runtime
 * says so, even when it would not have to wait (a done future) and
 * before it looks at its arguments. */
static void test_outside_run(void)
{
    tvc_task *t;
    ASSERT_ERR(tvc_spawn(&t, noop, NULL, NULL), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_sleep(0), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_sleep(TVC_MS(1)), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_sleep(-2), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_sleep_until(0), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_checkpoint(), TVC_EINVALSTATE);

    tvc_future *f = tvc_future_create();
    ASSERT(f != NULL);
    ASSERT_OK(tvc_future_set_result(f, NULL));
    void *v;
    ASSERT_ERR(tvc_await(f, &v), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_wait_for(f, 0, &v), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_wait_for(f, -2, &v), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_gather(&f, 1), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_gather(NULL, 0), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_wait(&f, 1, TVC_ALL_COMPLETED, 0), TVC_EINVALSTATE);
    tvc_future_unref(f);

    tvc_future *ex;
    ASSERT_ERR(tvc_run_in_executor(&ex, blocking_noop, NULL), TVC_EINVALSTATE);
    tvc_stream *s;
    ASSERT_ERR(tvc_open_connection(&s, "not-an-address", 1, 0),
               TVC_EINVALSTATE);
    tvc_server *srv = NULL;
    tvc_server_opts bad = {.port = 70000}; /* refused before the port */
    ASSERT_ERR(tvc_start_server(&srv, NULL, NULL, &bad), TVC_EINVALSTATE);
    ASSERT(srv == NULL);

    /* Sync objects and queues: only a wait is refused. */
    tvc_lock *l;
    tvc_cond *c;
    tvc_event *e;
    tvc_sem *sem;
    tvc_queue *q;
    ASSERT_OK(tvc_lock_new(&l));
    ASSERT_OK(tvc_cond_new(&c, l));
    ASSERT_OK(tvc_event_new(&e));
    ASSERT_OK(tvc_sem_new(&sem, 1, 0));
    ASSERT_OK(tvc_queue_new(&q, 1));
    ASSERT_OK(tvc_lock_acquire(l));
    ASSERT_ERR(tvc_lock_acquire(l), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_cond_wait(c), TVC_EINVALSTATE);
    ASSERT(tvc_lock_locked(l)); /* held again, as after any cond_wait */
    ASSERT_OK(tvc_lock_release(l));
    ASSERT_ERR(tvc_event_wait(e), TVC_EINVALSTATE);
    tvc_event_set(e);
    ASSERT_OK(tvc_event_wait(e));
    ASSERT_OK(tvc_sem_acquire(sem));
    ASSERT_ERR(tvc_sem_acquire(sem), TVC_EINVALSTATE);
    ASSERT_OK(tvc_queue_put(q, &v));
    ASSERT_ERR(tvc_queue_put(q, &v), TVC_EINVALSTATE);
    void *item;
    ASSERT_OK(tvc_queue_get(q, &item));
    ASSERT(item == &v);
    ASSERT_ERR(tvc_queue_get(q, &item), TVC_EINVALSTATE);
    tvc_queue_free(q);
    tvc_sem_free(sem);
    tvc_event_free(e);
    tvc_cond_free(c);
    tvc_lock_free(l);

    /* A stack_size no run accepts. */
    tvc_run_opts opts = {.stack_size = TVC_STACK_SIZE_MAX + 1};
    ASSERT_ERR(tvc_run(noop, NULL, NULL, &opts), -EINVAL);
}

static void test_nested_run(void)
{
    ASSERT_ERR(tvc_run(noop, NULL, NULL, NULL), TVC_EINVALSTATE);
}

/* ---- waiting on oneself ------------------------------------------------- */

/* Every wait that names the caller's own future refuses at once, leaves
 * the other futures alone and does not cancel the caller. */
static int self_waits(void *arg, void **result)
{
    (void)arg;
    (void)result;
    tvc_task *me = tvc_current();
    tvc_future *mine = tvc_task_future(me);
    tvc_future *other = tvc_future_create();
    ASSERT(other != NULL);
    tvc_future *both[2] = {other, mine};
    ASSERT_ERR(tvc_task_join(me, NULL), -EDEADLK);
    ASSERT_ERR(tvc_await(mine, NULL), -EDEADLK);
    ASSERT_ERR(tvc_wait_for(mine, TVC_FOREVER, NULL), -EDEADLK);
    ASSERT_ERR(tvc_wait_for(mine, DIRECT_TEST_SHORT_NS, NULL), -EDEADLK);
    ASSERT_ERR(tvc_gather(both, 2), -EDEADLK);
    ASSERT_ERR(tvc_wait(both, 2, TVC_FIRST_COMPLETED, TVC_FOREVER), -EDEADLK);
    ASSERT(!tvc_future_done(other));
    ASSERT(!tvc_cancelling());
    tvc_future_unref(other);
    return 0;
}

static void test_self_wait(void)
{
    /* In tvc_run's main task, then in a spawned one. */
    ASSERT_OK(self_waits(NULL, NULL));
    tvc_task *t = direct_spawn(self_waits, NULL);
    ASSERT_OK(tvc_task_join(t, NULL));
    tvc_task_release(t);
}

/* ---- condition notify counts -------------------------------------------- */

typedef struct gate {
    tvc_lock *lock;
    tvc_cond *arrived; /* a waiter is about to wait on go */
    tvc_cond *go;
    int waiting;       /* waiters that reached go (under lock) */
} gate;

static int gate_waiter(void *arg, void **result)
{
    (void)result;
    gate *g = arg;
    ASSERT_OK(tvc_lock_acquire(g->lock));
    g->waiting++;
    ASSERT_GE(tvc_cond_notify(g->arrived, 1), 0);
    int r = tvc_cond_wait(g->go);
    ASSERT_OK(tvc_lock_release(g->lock));
    return r;
}

static void test_notify_counts(void)
{
    enum { WAITERS = 3 };
    gate g = {0};
    ASSERT_OK(tvc_lock_new(&g.lock));
    ASSERT_OK(tvc_cond_new(&g.arrived, g.lock));
    ASSERT_OK(tvc_cond_new(&g.go, g.lock));
    ASSERT_ERR(tvc_cond_notify(g.go, 1), TVC_EINVALSTATE);
    ASSERT_ERR(tvc_cond_notify_all(g.go), TVC_EINVALSTATE);

    tvc_task *ts[WAITERS];
    for (int i = 0; i < WAITERS; i++)
        ts[i] = direct_spawn(gate_waiter, &g);
    ASSERT_OK(tvc_lock_acquire(g.lock));
    /* Each waiter counts itself and waits on go without letting go of
     * the lock in between, so once all have counted all wait. */
    while (g.waiting < WAITERS)
        ASSERT_OK(tvc_cond_wait(g.arrived));
    ASSERT_EQ(tvc_cond_notify(g.go, 0), 0);
    ASSERT_EQ(tvc_cond_notify(g.go, 2), 2);
    ASSERT_EQ(tvc_cond_notify(g.go, 5), 1);
    ASSERT_EQ(tvc_cond_notify_all(g.go), 0);
    ASSERT_OK(tvc_lock_release(g.lock));
    for (int i = 0; i < WAITERS; i++) {
        ASSERT_OK(tvc_task_join(ts[i], NULL));
        tvc_task_release(ts[i]);
    }

    /* notify_all counts as well. */
    g.waiting = 0;
    for (int i = 0; i < WAITERS; i++)
        ts[i] = direct_spawn(gate_waiter, &g);
    ASSERT_OK(tvc_lock_acquire(g.lock));
    while (g.waiting < WAITERS)
        ASSERT_OK(tvc_cond_wait(g.arrived));
    ASSERT_EQ(tvc_cond_notify_all(g.go), WAITERS);
    ASSERT_OK(tvc_lock_release(g.lock));
    for (int i = 0; i < WAITERS; i++) {
        ASSERT_OK(tvc_task_join(ts[i], NULL));
        tvc_task_release(ts[i]);
    }
    tvc_cond_free(g.go);
    tvc_cond_free(g.arrived);
    tvc_lock_free(g.lock);
}

/* ---- timeouts ----------------------------------------------------------- */

static int sleep_for(void *arg, void **result)
{
    (void)result;
    return tvc_sleep(*(int64_t *)arg);
}

static int sleep_until(void *arg, void **result)
{
    (void)result;
    return tvc_sleep_until(*(int64_t *)arg);
}

/* A task that still sleeps when wait_for gives up on it: -ETIMEDOUT, and
 * the cancel wait_for sent is what ended the sleep. */
static void expect_sleeps_on(tvc_task_fn *fn, int64_t t)
{
    tvc_task *task = direct_spawn(fn, &t);
    ASSERT_ERR(tvc_wait_for(tvc_task_future(task), DIRECT_TEST_SHORT_NS, NULL),
               -ETIMEDOUT);
    ASSERT_ERR(tvc_task_join(task, NULL), -ECANCELED);
    tvc_task_release(task);
}

static void test_timeouts(void)
{
    tvc_future *f = tvc_future_create();
    ASSERT(f != NULL);
    /* Negative values other than -1 are refused, f left alone. */
    const int64_t bad[] = {-2, INT64_MIN};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        ASSERT_ERR(tvc_wait_for(f, bad[i], NULL), -EINVAL);
        ASSERT_ERR(tvc_wait(&f, 1, TVC_FIRST_COMPLETED, bad[i]), -EINVAL);
        ASSERT_ERR(tvc_sleep(bad[i]), -EINVAL);
        ASSERT_ERR(tvc_sleep_until(bad[i]), -EINVAL);
    }
    /* A `when` that is none of the three is refused too. */
    ASSERT_ERR(tvc_wait(&f, 1, (enum tvc_wait_when)3, TVC_FOREVER), -EINVAL);
    ASSERT(!tvc_future_done(f));

    /* 0 polls: wait_for gives up at once and cancels f. */
    ASSERT_ERR(tvc_wait_for(f, 0, NULL), -ETIMEDOUT);
    ASSERT_EQ(tvc_future_state_of(f), TVC_FUTURE_CANCELLED);
    tvc_future_unref(f);

    /* -1 and a time too long to add to the clock wait until cancelled. */
    expect_sleeps_on(sleep_for, TVC_FOREVER);
    expect_sleeps_on(sleep_for, INT64_MAX);
    expect_sleeps_on(sleep_until, TVC_FOREVER);
    f = tvc_future_create();
    ASSERT(f != NULL);
    ASSERT_OK(tvc_future_set_result(f, f));
    void *v = NULL;
    ASSERT_OK(tvc_wait_for(f, INT64_MAX, &v));
    ASSERT(v == f);
    ASSERT_EQ(tvc_wait(&f, 1, TVC_ALL_COMPLETED, INT64_MAX), 1);
    tvc_future_unref(f);
}

static void body(void)
{
    test_nested_run();
    test_self_wait();
    test_notify_counts();
    test_timeouts();
}

DIRECT_TEST_MAIN_NAMED(contracts_main, body)

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    test_outside_run();
    ASSERT_OK(tvc_run(contracts_main, NULL, NULL, NULL));
    ASSERT_NO_LEAKS(base, DIRECT_TEST_HEAP_SLACK);
    printf("ok %s (%s)\n", __FILE__, tvc_runtime_name());
    return 0;
}
