/*
 * Fault injection on the callback runtime: test_direct.c's workload in
 * continuation-passing style, swept with fail.h's counters.  The main
 * task spawns a sleeper, two producers and a consumer (a lock and a
 * bounded queue hand items over), waits for the three, sleeps, echoes a
 * line through its own loopback server (beside a connection left idle
 * until the server closes), calls the executor, waits
 * briefly for a shield of the sleeper, then cancels the sleeper and
 * gathers.  On any error it goes straight to
 * that end (cancel all, gather, free): the leak check then holds
 * whatever the k-th call was.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fault/fail.h"
#include "tvc/cb.h"

enum { PRODUCERS = 2, NTASKS = PRODUCERS + 2 };

/* The main task's frame, also the argument of the tasks it spawns. */
typedef struct frame {
    tvc_cb_loop *loop;
    tvc_cb_lock *lock;
    tvc_cb_queue *q; /* maxsize 1: the second put waits for the consumer */
    tvc_cb_task *t[NTASKS];
    tvc_future *fs[NTASKS];
    int n;   /* tasks spawned */
    int got; /* items the consumer took */
    tvc_cb_server *srv;
    tvc_cb_stream *s;
    tvc_cb_stream *idle; /* its handler reads until the server closes */
    tvc_future *exec;
    tvc_future *shield;
    int rc; /* the first error */
} frame;

/* ---- the spawned tasks ------------------------------------------------ */

static void producer_put(tvc_cb_task *t, int status)
{
    frame *f = tvc_cb_task_arg(t);
    tvc_cb_lock_release(f->lock);
    tvc_cb_task_return(t, status, NULL);
}

static void producer_locked(tvc_cb_task *t, int status)
{
    frame *f = tvc_cb_task_arg(t);
    if (status < 0)
        tvc_cb_task_return(t, status, NULL);
    else
        tvc_cb_queue_put(t, f->q, f, producer_put);
}

static void producer(tvc_cb_task *t, int status)
{
    frame *f = tvc_cb_task_arg(t);
    if (status < 0)
        tvc_cb_task_return(t, status, NULL);
    else
        tvc_cb_lock_acquire(t, f->lock, producer_locked);
}

static void consumer_got(tvc_cb_task *t, int status, void *item)
{
    frame *f = tvc_cb_task_arg(t);
    if (status < 0 || ++f->got == PRODUCERS)
        tvc_cb_task_return(t, status, NULL);
    else
        tvc_cb_queue_get(t, f->q, consumer_got);
}

static void consumer(tvc_cb_task *t, int status)
{
    frame *f = tvc_cb_task_arg(t);
    if (status < 0)
        tvc_cb_task_return(t, status, NULL);
    else
        tvc_cb_queue_get(t, f->q, consumer_got);
}

static void sleeper_woke(tvc_cb_task *t, int status)
{
    tvc_cb_task_return(t, status, NULL);
}

static void sleeper(tvc_cb_task *t, int status)
{
    if (status < 0)
        tvc_cb_task_return(t, status, NULL);
    else
        tvc_cb_sleep(t, TVC_SEC(3600), sleeper_woke);
}

/* The server's handler: echoes lines until EOF or an error. */
static void echo_line(tvc_cb_task *t, int status, tvc_slice line)
{
    tvc_cb_stream *s = tvc_cb_task_arg(t);
    if (status == 0 && line.len > 0)
        status = tvc_cb_stream_write(s, line.data, line.len);
    if (status < 0 || line.len == 0)
        tvc_cb_task_return(t, status, NULL);
    else
        tvc_cb_readline(t, s, echo_line);
}

static void echo(tvc_cb_task *t, int status)
{
    if (status < 0)
        tvc_cb_task_return(t, status, NULL);
    else
        tvc_cb_readline(t, tvc_cb_task_arg(t), echo_line);
}

static void *blocking(void *arg)
{
    return arg;
}

/* ---- the main task, in the order it runs ------------------------------ */

static void end(tvc_cb_task *t, int status);

static void shield_done(tvc_cb_task *t, int status, void *value)
{
    frame *f = tvc_cb_task_arg(t);
    tvc_future_unref(f->shield);
    end(t, status == -ETIMEDOUT ? 0 : status < 0 ? status : TVC_EINVALSTATE);
}

/* A shield of the sleeper waited for briefly: the timeout cancels the
 * shield, never the sleeper. */
static void exec_done(tvc_cb_task *t, int status, void *value)
{
    frame *f = tvc_cb_task_arg(t);
    tvc_future_unref(f->exec);
    if (status == 0 && !(f->shield = tvc_cb_shield(f->fs[0])))
        status = -ENOMEM;
    if (status < 0)
        end(t, status);
    else
        tvc_cb_wait_for(t, f->shield, TVC_MS(1), shield_done);
}

static void server_closed(tvc_cb_task *t, int status)
{
    frame *f = tvc_cb_task_arg(t);
    tvc_cb_stream_free(f->idle);
    f->idle = NULL;
    if (status == 0)
        status = tvc_cb_run_in_executor(f->loop, &f->exec, blocking, NULL);
    if (status < 0)
        end(t, status);
    else
        tvc_cb_await(t, f->exec, exec_done);
}

static void echoed(tvc_cb_task *t, int status, tvc_slice line)
{
    frame *f = tvc_cb_task_arg(t);
    if (status == 0 && (line.len != 5 || memcmp(line.data, "ping\n", 5)))
        status = TVC_EINCOMPLETE; /* the server dropped us */
    if (status < 0) {
        end(t, status);
        return;
    }
    tvc_cb_stream_free(f->s);
    f->s = NULL;
    tvc_cb_server *srv = f->srv;
    f->srv = NULL;
    tvc_cb_server_close(t, srv, server_closed);
}

static void drained(tvc_cb_task *t, int status)
{
    frame *f = tvc_cb_task_arg(t);
    if (status < 0)
        end(t, status);
    else
        tvc_cb_readline(t, f->s, echoed);
}

static void connected(tvc_cb_task *t, int status, void *stream)
{
    frame *f = tvc_cb_task_arg(t);
    if (status == 0) {
        f->s = stream;
        status = tvc_cb_stream_write(f->s, "ping\n", 5);
    }
    if (status < 0)
        end(t, status);
    else
        tvc_cb_drain(t, f->s, drained);
}

static void connected_idle(tvc_cb_task *t, int status, void *stream)
{
    frame *f = tvc_cb_task_arg(t);
    if (status < 0) {
        end(t, status);
        return;
    }
    f->idle = stream;
    tvc_cb_open_connection(t, "127.0.0.1", tvc_cb_server_port(f->srv), 0,
                           connected);
}

static void slept(tvc_cb_task *t, int status)
{
    frame *f = tvc_cb_task_arg(t);
    if (status == 0)
        status = tvc_cb_start_server(f->loop, &f->srv, echo, NULL, NULL);
    if (status < 0)
        end(t, status);
    else
        tvc_cb_open_connection(t, "127.0.0.1", tvc_cb_server_port(f->srv), 0,
                               connected_idle);
}

static void waited(tvc_cb_task *t, int status)
{
    frame *f = tvc_cb_task_arg(t);
    for (int i = 1; status >= 0 && i < NTASKS; i++)
        status = tvc_future_result(f->fs[i], NULL);
    if (status < 0)
        end(t, status);
    else
        tvc_cb_sleep(t, TVC_MS(1), slept);
}

static void start(tvc_cb_task *t, int status)
{
    frame *f = tvc_cb_task_arg(t);
    static tvc_cb_fn *const fns[NTASKS] = {sleeper, producer, producer,
                                           consumer};
    if (status == 0 && (status = tvc_cb_lock_new(&f->lock)) == 0)
        status = tvc_cb_queue_new(&f->q, 1);
    for (; status == 0 && f->n < NTASKS; f->n++) {
        if ((status = tvc_cb_spawn(f->loop, &f->t[f->n], fns[f->n], f)) < 0)
            break;
        f->fs[f->n] = tvc_cb_task_future(f->t[f->n]);
    }
    if (status < 0)
        end(t, status);
    else
        tvc_cb_wait(t, f->fs + 1, NTASKS - 1, TVC_CB_FIRST_EXCEPTION,
                    TVC_FOREVER, waited);
}

static void gathered(tvc_cb_task *t, int status)
{
    frame *f = tvc_cb_task_arg(t);
    /* The sleeper's -ECANCELED is the expected end. */
    if (f->rc == 0 && status != -ECANCELED)
        f->rc = status < 0 ? status : TVC_EINVALSTATE;
    for (int i = 0; i < f->n; i++)
        tvc_cb_task_release(f->t[i]);
    if (f->q)
        tvc_cb_queue_free(f->q);
    if (f->lock)
        tvc_cb_lock_free(f->lock);
    tvc_cb_task_return(t, f->rc, NULL);
}

/* The end of every path, status the last step's: the stream freed, the
 * server closed, the idle stream freed, every task cancelled and
 * gathered, the rest freed. */
static void end(tvc_cb_task *t, int status)
{
    frame *f = tvc_cb_task_arg(t);
    if (f->rc == 0 && status < 0)
        f->rc = status;
    if (f->s) {
        tvc_cb_stream_free(f->s);
        f->s = NULL;
    }
    if (f->srv) {
        tvc_cb_server *srv = f->srv;
        f->srv = NULL;
        tvc_cb_server_close(t, srv, end);
        return;
    }
    if (f->idle) {
        tvc_cb_stream_free(f->idle);
        f->idle = NULL;
    }
    for (int i = 0; i < f->n; i++)
        tvc_cb_task_cancel(f->t[i]);
    tvc_cb_gather(t, f->fs, (size_t)f->n, gathered);
}

static int body(void)
{
    tvc_cb_loop *loop;
    int r = tvc_cb_loop_new(&loop, 0);
    if (r < 0)
        return r;
    frame f = {.loop = loop};
    tvc_cb_task *t;
    if ((r = tvc_cb_spawn(loop, &t, start, &f)) == 0) {
        r = tvc_cb_run_until_complete(loop, tvc_cb_task_future(t), NULL);
        tvc_cb_task_release(t);
    }
    int pending = tvc_cb_loop_close(loop);
    if (pending != 0) {
        printf("  %d left pending at the loop's close\n", pending);
        return 1; /* not an error code: the run fails */
    }
    return r;
}

int main(int argc, char **argv)
{
    return fail_main(argc, argv, "callback", body);
}
