/*
 * The threaded runtime's own mechanics: a cancel reaches a thread that is
 * inside ppoll() (the wake-up signal, not the check before it), the
 * teardown re-delivers a cancel a task swallowed, stack sizes are what
 * was asked for, the executor pool stays within its bound, and a task
 * cannot join itself.
 */
#include "../../threaded/internal.h"
#include "tvc_test.h"

#include <errno.h>
#include <stdatomic.h>
#include <unistd.h>

static int silent(tvc_stream *s, void *arg)
{
    tvc_slice sl;
    return tvc_stream_read(s, 1, &sl);
}

static int reader(void *arg, void **result)
{
    tvc_slice sl;
    return tvc_stream_read(arg, 1, &sl);
}

static int in_fd_wait(tvc_task *t)
{
    pthread_mutex_lock(&t->w.mu);
    int r = t->w.in_fd_wait;
    pthread_mutex_unlock(&t->w.mu);
    return r;
}

static void test_cancel_inside_ppoll(void)
{
    tvc_server *srv;
    tvc_stream *s;
    ASSERT_OK(tvc_start_server(&srv, silent, NULL, NULL));
    ASSERT_OK(tvc_open_connection(&s, "127.0.0.1", tvc_server_port(srv), 0));
    tvc_task *t;
    ASSERT_OK(tvc_spawn(&t, reader, s, NULL));
    /* Wait (yielding) until the reader is inside its fd wait, so the
     * cancel must travel by signal. */
    while (!in_fd_wait(t))
        ASSERT_OK(tvc_checkpoint());
    ASSERT_EQ(tvc_cancel(t), 1);
    ASSERT_ERR(tvc_task_join(t, NULL), -ECANCELED);
    ASSERT_EQ(in_fd_wait(t), 0);
    tvc_task_release(t);
    tvc_stream_free(s);
    ASSERT_OK(tvc_server_close(srv));
}

static int stack_of(void *arg, void **result)
{
    pthread_attr_t attr;
    size_t size = 0;
    ASSERT_OK(pthread_getattr_np(pthread_self(), &attr));
    ASSERT_OK(pthread_attr_getstacksize(&attr, &size));
    pthread_attr_destroy(&attr);
    *(size_t *)arg = size;
    return 0;
}

static void test_stack_sizes(void)
{
    size_t got = 0;
    tvc_task *t;
    tvc_task_opts opts = {.stack_size = 512 * 1024};
    ASSERT_OK(tvc_spawn(&t, stack_of, &got, &opts));
    ASSERT_OK(tvc_task_join(t, NULL));
    tvc_task_release(t);
    /* Sanitizers' pthread_create may enlarge small stacks, never shrink
     * them. */
    ASSERT_GE(got, 512 * 1024);
    ASSERT_OK(tvc_spawn(&t, stack_of, &got, NULL));
    ASSERT_OK(tvc_task_join(t, NULL));
    tvc_task_release(t);
    ASSERT_GE(got, tvc__stack_size(0));
}

/* Executor jobs count how many run at once. */
static _Atomic int running, max_running;
static int job_pipe[2];

static void *pool_job(void *arg)
{
    int now = ++running, max = max_running;
    while (now > max && !atomic_compare_exchange_weak(&max_running, &max, now))
        ;
    char c;
    ssize_t n = read(job_pipe[0], &c, 1);
    running--;
    return (void *)(intptr_t)n;
}

static void test_executor_bound(int bound)
{
    enum { JOBS = 8 };
    ASSERT_OK(pipe(job_pipe));
    tvc_future *fs[JOBS];
    for (int i = 0; i < JOBS; i++)
        ASSERT_OK(tvc_run_in_executor(&fs[i], pool_job, NULL));
    ASSERT_EQ(write(job_pipe[1], "12345678", JOBS), JOBS);
    ASSERT_OK(tvc_gather(fs, JOBS));
    for (int i = 0; i < JOBS; i++)
        tvc_future_unref(fs[i]);
    ASSERT_LE(max_running, bound);
    close(job_pipe[0]);
    close(job_pipe[1]);
}

static int body(void *arg, void **result)
{
    /* Joining oneself would wait forever. */
    ASSERT_ERR(tvc_task_join(tvc_current(), NULL), -EDEADLK);
    test_cancel_inside_ppoll();
    test_stack_sizes();
    test_executor_bound(*(int *)arg);
    return 0;
}

/* Swallows its first cancel and blocks again: teardown must deliver
 * another. */
static int stubborn(void *arg, void **result)
{
    _Atomic int *delivered = arg;
    while (tvc_sleep(TVC_SEC(3600)) == -ECANCELED)
        if (++*delivered == 2)
            return -ECANCELED;
    return 0;
}

static int leave_stubborn(void *arg, void **result)
{
    return tvc_spawn(NULL, stubborn, arg, NULL);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    int bound = 2;
    tvc_run_opts opts = {.executor_threads = bound};
    ASSERT_OK(tvc_run(body, &bound, NULL, &opts));

    _Atomic int delivered = 0;
    ASSERT_OK(tvc_run(leave_stubborn, &delivered, NULL, NULL));
    ASSERT_EQ(delivered, 2);
    ASSERT_NO_LEAKS(base, 256 * 1024);
    printf("ok %s\n", __FILE__);
    return 0;
}
