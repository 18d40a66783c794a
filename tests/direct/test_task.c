/*
 * Tasks: spawn and join, results and errors, names, the current task,
 * detached tasks, cancel before start and after completion, settling
 * (tvc_settle), and tvc_run's own status and result.
 */
#include "direct_test.h"

#include <string.h>

static int answer(void *arg, void **result)
{
    *result = arg;
    return 0;
}

static int fail_with(void *arg, void **result)
{
    (void)result;
    return (int)(intptr_t)arg;
}

/* Reports its own handle and name through the struct it is given. */
typedef struct whoami {
    tvc_task *self;
    char name[32];
} whoami;

static int who(void *arg, void **result)
{
    whoami *w = arg;
    w->self = tvc_current();
    snprintf(w->name, sizeof w->name, "%s", tvc_task_name(w->self));
    return 0;
}

static int set_event(void *arg, void **result)
{
    tvc_event_set(arg);
    return 0;
}

/* Blocks until cancelled; counts how often its cleanup ran. */
static int wait_cancel(void *arg, void **result)
{
    int *cleanups = arg;
    int r = tvc_sleep(TVC_SEC(3600));
    ASSERT(tvc_cancelling());
    (*cleanups)++;
    return r;
}

static void test_join_result(void)
{
    int x = 42;
    tvc_task *t = direct_spawn(answer, &x);
    void *res = NULL;
    ASSERT_OK(tvc_task_join(t, &res));
    ASSERT(res == &x);
    ASSERT(tvc_future_done(tvc_task_future(t)));
    ASSERT_OK(tvc_future_result(tvc_task_future(t), &res));
    ASSERT(res == &x);
    /* Joining twice gives the same answer. */
    ASSERT_OK(tvc_task_join(t, NULL));
    tvc_task_release(t);
}

static void test_join_error(void)
{
    tvc_task *t = direct_spawn(fail_with, (void *)(intptr_t)-EPROTO);
    ASSERT_ERR(tvc_task_join(t, NULL), -EPROTO);
    ASSERT_EQ(tvc_future_state_of(tvc_task_future(t)), TVC_FUTURE_ERROR);
    ASSERT(!tvc_future_cancelled(tvc_task_future(t)));
    tvc_task_release(t);

    /* A body that returns -ECANCELED finishes as cancelled. */
    t = direct_spawn(fail_with, (void *)(intptr_t)-ECANCELED);
    ASSERT_ERR(tvc_task_join(t, NULL), -ECANCELED);
    ASSERT(tvc_future_cancelled(tvc_task_future(t)));
    tvc_task_release(t);
}

static void test_names_and_current(void)
{
    ASSERT(tvc_current() != NULL);
    ASSERT(!tvc_cancelling());

    whoami a = {0}, b = {0};
    tvc_task_opts opts = {.name = "worker-a"};
    tvc_task *ta, *tb;
    ASSERT_OK(tvc_spawn(&ta, who, &a, &opts));
    ASSERT_OK(tvc_spawn(&tb, who, &b, NULL));
    ASSERT_OK(tvc_task_join(ta, NULL));
    ASSERT_OK(tvc_task_join(tb, NULL));
    ASSERT(a.self == ta);
    ASSERT(b.self == tb);
    ASSERT(a.self != tvc_current());
    ASSERT_STREQ(a.name, "worker-a");
    ASSERT_STREQ(tvc_task_name(ta), "worker-a");
    /* Unnamed tasks get distinct default names. */
    ASSERT(strlen(b.name) > 0);
    ASSERT(strcmp(tvc_task_name(tb), tvc_task_name(tvc_current())) != 0);
    tvc_task_release(ta);
    tvc_task_release(tb);
}

static void test_detached(void)
{
    tvc_event *e;
    ASSERT_OK(tvc_event_new(&e));
    ASSERT_OK(tvc_spawn(NULL, set_event, e, NULL));
    ASSERT_OK(tvc_event_wait(e));
    tvc_event_free(e);
}

static void test_cancel_and_after_completion(void)
{
    int cleanups = 0;
    tvc_task *t = direct_spawn(wait_cancel, &cleanups);
    ASSERT_EQ(tvc_cancel(t), 1);
    ASSERT_EQ(tvc_cancel(t), 1 - tvc_future_done(tvc_task_future(t)));
    ASSERT_ERR(tvc_task_join(t, NULL), -ECANCELED);
    ASSERT(tvc_future_cancelled(tvc_task_future(t)));
    ASSERT_EQ(cleanups, 1);
    /* Cancel after completion: a no-op that says so, also through the
     * future. */
    ASSERT_EQ(tvc_cancel(t), 0);
    ASSERT_EQ(tvc_future_cancel(tvc_task_future(t)), 0);
    ASSERT_EQ(cleanups, 1);
    tvc_task_release(t);

    /* Cancelling the task's future cancels the task. */
    t = direct_spawn(wait_cancel, &cleanups);
    ASSERT_EQ(tvc_future_cancel(tvc_task_future(t)), 1);
    ASSERT_ERR(tvc_task_join(t, NULL), -ECANCELED);
    ASSERT_EQ(cleanups, 2);
    tvc_task_release(t);

    /* A finished task's cancel is 0 and leaves its result alone. */
    int x = 7;
    void *res;
    t = direct_spawn(answer, &x);
    ASSERT_OK(tvc_task_join(t, &res));
    ASSERT_EQ(tvc_cancel(t), 0);
    ASSERT_OK(tvc_task_join(t, &res));
    ASSERT(res == &x);
    tvc_task_release(t);
}

/* Many short tasks at once, all joined. */
static void test_many(void)
{
    enum { N = 64 };
    tvc_task *ts[N];
    int vals[N];
    for (int i = 0; i < N; i++) {
        vals[i] = i;
        ts[i] = direct_spawn(answer, &vals[i]);
    }
    for (int i = 0; i < N; i++) {
        void *res;
        ASSERT_OK(tvc_task_join(ts[i], &res));
        ASSERT_EQ(*(int *)res, i);
        tvc_task_release(ts[i]);
    }
}

/* Whether this run shares one run stack between its tasks. */
static int compact_mode(void)
{
    const char *mode = getenv("TVC_STACK");
    return strcmp(tvc_runtime_name(), "coroutine") == 0 && mode &&
           strcmp(mode, "compact") == 0;
}

/* A task the runtime cannot make is an error result, and nothing else
 * breaks: an absurd stack is -EINVAL; in compact mode one larger than
 * the run stack is -ENOMEM.  (-EAGAIN and -ENOMEM from a system out of
 * threads or memory are not tested: no limit reaches them
 * deterministically, as root RLIMIT_NPROC is not enforced and RLIMIT_AS
 * breaks the sanitizers' own mappings.) */
static void test_spawn_failure(void)
{
    int x = 1;
    tvc_task *t = NULL;
    const size_t absurd[] = {TVC_STACK_SIZE_MAX + 1, (size_t)1 << 52,
                             SIZE_MAX};
    for (size_t i = 0; i < sizeof absurd / sizeof absurd[0]; i++) {
        tvc_task_opts opts = {.stack_size = absurd[i]};
        ASSERT_ERR(tvc_spawn(&t, answer, &x, &opts), -EINVAL);
        ASSERT(t == NULL);
        ASSERT_ERR(tvc_spawn(NULL, answer, &x, &opts), -EINVAL);
    }
    if (compact_mode()) {
        tvc_task_opts opts = {.stack_size = TVC_STACK_SIZE_MAX};
        ASSERT_ERR(tvc_spawn(&t, answer, &x, &opts), -ENOMEM);
        ASSERT(t == NULL);
    }
    t = direct_spawn(answer, &x);
    ASSERT_OK(tvc_task_join(t, NULL));
    tvc_task_release(t);
}

static int wait_event(void *arg, void **result)
{
    return tvc_event_wait(arg);
}

/* tvc_settle: once the tasks that ended are joined, released and the
 * runtime settled, the heap holds nothing of them.  Each task carries a
 * long name (copied into its struct), so one still held shows; they all
 * end after the last spawn, so no spawn reclaims any of them first (the
 * threaded runtime joins exited threads at a spawn). */
static void test_settle(void)
{
    enum { N = 16, NAME = 4096 };
    static char name[NAME];
    memset(name, 'n', NAME - 1);
    tvc_task_opts opts = {.name = name};
    tvc_event *go;
    ASSERT_OK(tvc_event_new(&go));
    tvc_settle();
    tvc_mem before, after;
    tvc_mem_sample(&before);
    tvc_task *ts[N];
    for (int i = 0; i < N; i++)
        ASSERT_OK(tvc_spawn(&ts[i], wait_event, go, &opts));
    tvc_event_set(go);
    for (int i = 0; i < N; i++) {
        ASSERT_OK(tvc_task_join(ts[i], NULL));
        tvc_task_release(ts[i]);
    }
    tvc_settle();
    tvc_mem_sample(&after);
    if (!tvc_test_emulated())
        ASSERT_LE(after.heap_allocated_bytes,
                  before.heap_allocated_bytes + N * NAME / 4);
    tvc_event_free(go);
}

static void body(void)
{
    const char *rt = tvc_runtime_name();
    ASSERT(strcmp(rt, "threaded") == 0 || strcmp(rt, "coroutine") == 0);
    test_join_result();
    test_join_error();
    test_names_and_current();
    test_detached();
    test_cancel_and_after_completion();
    test_many();
    test_spawn_failure();
    test_settle();
}

/* tvc_run returns main's status and result, and cancels and joins the
 * tasks main left behind. */
static int leaves_sleeper(void *arg, void **result)
{
    ASSERT_OK(tvc_spawn(NULL, wait_cancel, arg, NULL));
    *result = arg;
    return 0;
}

static int main_fails(void *arg, void **result)
{
    return -EPROTO;
}

DIRECT_TEST_MAIN_NAMED(run_body, body)

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT(tvc_current() == NULL);
    ASSERT_OK(tvc_run(run_body, NULL, NULL, NULL));

    int cleanups = 0;
    void *res = NULL;
    ASSERT_OK(tvc_run(leaves_sleeper, &cleanups, &res, NULL));
    ASSERT(res == &cleanups);
    ASSERT_EQ(cleanups, 1);

    ASSERT_ERR(tvc_run(main_fails, NULL, NULL, NULL), -EPROTO);
    ASSERT_NO_LEAKS(base, DIRECT_TEST_HEAP_SLACK);
    printf("ok %s (%s)\n", __FILE__, tvc_runtime_name());
    return 0;
}
