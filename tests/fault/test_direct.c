/*
 * Fault injection on a direct-style runtime (built once per runtime,
 * like tests/direct): a tiny workload that touches every kind of
 * resource the runtime takes, swept with fail.h's counters.  The
 * workload spawns a sleeper, two producers and a consumer (a lock and a
 * bounded queue hand items over), sleeps, echoes a line through its own
 * loopback server (beside a connection left idle until the server
 * closes), calls the executor, waits briefly for a shield of
 * the sleeper, then cancels the sleeper and gathers.  On any error it cancels
 * and gathers what it started, frees what it made and returns the error: the
 * leak check then holds whatever the k-th call was.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fault/fail.h"
#include "tvc/tvc.h"

enum { PRODUCERS = 2, NTASKS = PRODUCERS + 2 };

typedef struct shared {
    tvc_lock *lock;
    tvc_queue *q; /* maxsize 1: the second put waits for the consumer */
} shared;

static int producer(void *arg, void **result)
{
    shared *sh = arg;
    int r = tvc_lock_acquire(sh->lock);
    if (r < 0)
        return r;
    r = tvc_queue_put(sh->q, sh);
    tvc_lock_release(sh->lock);
    return r;
}

static int consumer(void *arg, void **result)
{
    shared *sh = arg;
    void *item;
    for (int i = 0, r; i < PRODUCERS; i++)
        if ((r = tvc_queue_get(sh->q, &item)) < 0)
            return r;
    return 0;
}

static int sleeper(void *arg, void **result)
{
    return tvc_sleep(TVC_SEC(3600));
}

static int echo(tvc_stream *s, void *arg)
{
    tvc_slice line;
    int r;
    while ((r = tvc_stream_readline(s, &line)) == 0 && line.len > 0)
        if ((r = tvc_stream_write(s, line.data, line.len)) < 0 ||
            (r = tvc_stream_drain(s)) < 0)
            break;
    return r;
}

static void *blocking(void *arg)
{
    return arg;
}

/* A line through a server of our own, with a second connection whose
 * handler is still reading when the server closes (and cancels it): 0
 * or the first error. */
static int echo_once(void)
{
    tvc_server *srv;
    int r = tvc_start_server(&srv, echo, NULL, NULL);
    if (r < 0)
        return r;
    tvc_stream *s, *idle = NULL;
    r = tvc_open_connection(&idle, "127.0.0.1", tvc_server_port(srv), 0);
    if (r == 0)
        r = tvc_open_connection(&s, "127.0.0.1", tvc_server_port(srv), 0);
    if (r == 0) {
        tvc_slice line;
        if ((r = tvc_stream_write(s, "ping\n", 5)) == 0 &&
            (r = tvc_stream_drain(s)) == 0 &&
            (r = tvc_stream_readline(s, &line)) == 0 &&
            (line.len != 5 || memcmp(line.data, "ping\n", 5) != 0))
            r = TVC_EINCOMPLETE; /* the server dropped us */
        tvc_stream_free(s);
    }
    int rc = tvc_server_close(srv);
    if (idle)
        tvc_stream_free(idle);
    return r < 0 ? r : rc;
}

/* The executor's round trip: 0 or the error. */
static int executor_once(void)
{
    tvc_future *f;
    int r = tvc_run_in_executor(&f, blocking, NULL);
    if (r < 0)
        return r;
    r = tvc_await(f, NULL);
    tvc_future_unref(f);
    return r;
}

/* A shield of the sleeper waited for briefly: the timeout cancels the
 * shield, never the sleeper.  0 or the error. */
static int shield_once(tvc_future *sleeper)
{
    tvc_future *sh = tvc_shield(sleeper);
    if (!sh)
        return -ENOMEM;
    int r = tvc_wait_for(sh, TVC_MS(1), NULL);
    tvc_future_unref(sh);
    return r == -ETIMEDOUT ? 0 : r < 0 ? r : TVC_EINVALSTATE;
}

/* The work after the spawns: 0 or the first error. */
static int middle(tvc_future **fs)
{
    int r = tvc_wait(fs + 1, NTASKS - 1, TVC_FIRST_EXCEPTION, TVC_FOREVER);
    if (r < 0)
        return r;
    for (int i = 1; i < NTASKS; i++)
        if ((r = tvc_future_result(fs[i], NULL)) < 0)
            return r;
    if ((r = tvc_sleep(TVC_MS(1))) < 0 || (r = echo_once()) < 0 ||
        (r = executor_once()) < 0)
        return r;
    return shield_once(fs[0]);
}

static int fault_main(void *arg, void **result)
{
    shared sh = {0};
    tvc_task *t[NTASKS] = {0};
    tvc_future *fs[NTASKS];
    int n = 0, r;
    if ((r = tvc_lock_new(&sh.lock)) < 0 || (r = tvc_queue_new(&sh.q, 1)) < 0)
        goto out;
    tvc_task_fn *fns[NTASKS] = {sleeper, producer, producer, consumer};
    for (; n < NTASKS; n++) {
        if ((r = tvc_spawn(&t[n], fns[n], &sh, NULL)) < 0)
            break;
        fs[n] = tvc_task_future(t[n]);
    }
    if (r == 0)
        r = middle(fs);
    /* Cancel and gather: the sleeper's -ECANCELED is the expected end;
     * every task is gone before lock and queue are freed. */
    for (int i = 0; i < n; i++)
        tvc_cancel(t[i]);
    int g = tvc_gather(fs, (size_t)n);
    if (r == 0 && g != -ECANCELED)
        r = g < 0 ? g : TVC_EINVALSTATE;
    for (int i = 0; i < n; i++)
        tvc_task_release(t[i]);
out:
    if (sh.q)
        tvc_queue_free(sh.q);
    if (sh.lock)
        tvc_lock_free(sh.lock);
    return r;
}

static int body(void)
{
    return tvc_run(fault_main, NULL, NULL, NULL);
}

int main(int argc, char **argv)
{
    /* The coroutine runtime's compact stack mode runs as its own column
     * (TVC_STACK=compact, read by tvc_run). */
    const char *stack = getenv("TVC_STACK");
    char name[64];
    snprintf(name, sizeof name, "%s%s%s", tvc_runtime_name(), stack ? "-" : "",
             stack ? stack : "");
    return fail_main(argc, argv, name, body);
}
