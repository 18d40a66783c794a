/*
 * The direct-style API: asyncio's surface in C, implemented twice.
 * threaded/ runs each task on a pthread and a wait blocks the thread;
 * coroutine/ runs each task as a stackful coroutine and a wait suspends
 * it.  Workload sources are written once against this header and compiled
 * for both, so the work is identical by construction.
 *
 * Conventions: 0 (or a count) on success, a negative code on failure (see
 * errors.h).  Every call marked "suspends" is a cancellation point: if the
 * calling task is cancelled before or while it waits, it returns
 * -ECANCELED and the task should clean up and return -ECANCELED.  Times
 * are int64_t ns (clock.h); timeouts: -1 forever, 0 poll.
 */
#ifndef TVC_TVC_H
#define TVC_TVC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "tvc/clock.h"
#include "tvc/errors.h"
#include "tvc/future.h"
#include "tvc/server_opts.h"
#include "tvc/streambuf.h"

/* ---- running ---------------------------------------------------------- */

/* A task body.  Return 0 and optionally set *result, or a negative code
 * (which becomes the task future's error; -ECANCELED marks it cancelled). */
typedef int tvc_task_fn(void *arg, void **result);

enum tvc_stack_mode {
    TVC_STACK_PRIVATE = 0, /* each task owns its stack (threads: always) */
    TVC_STACK_COMPACT = 1, /* coroutine: shared run stack, copied out */
};

typedef struct tvc_run_opts {
    size_t stack_size;      /* per task; 0 = the runtime's default */
    int stack_mode;         /* enum tvc_stack_mode */
    int executor_threads;   /* run_in_executor pool size; 0 = default */
} tvc_run_opts;

/* asyncio.run: runs main as the first task until it finishes, then
 * cancels and joins every task still alive.  Returns main's status.
 * opts may be NULL: the defaults, except that the coroutine runtime then
 * reads TVC_STACK=compact from the environment (how the test suite runs
 * the same tests in both stack modes).  In compact mode a task asking for
 * a stack larger than the shared run stack gets -ENOMEM from tvc_spawn. */
int tvc_run(tvc_task_fn *main, void *arg, void **result,
            const tvc_run_opts *opts);

/* "threaded" or "coroutine". */
const char *tvc_runtime_name(void);

/* ---- tasks -------------------------------------------------------------- */

typedef struct tvc_task tvc_task;

typedef struct tvc_task_opts {
    const char *name;  /* copied; NULL gives "task-<n>" */
    size_t stack_size; /* 0 = tvc_run_opts.stack_size */
} tvc_task_opts;

/* create_task: starts fn(arg).  *out gets a handle the caller must
 * release with tvc_task_release (out may be NULL: detached).  0, or
 * -EAGAIN / -ENOMEM when the runtime cannot make another task. */
int tvc_spawn(tvc_task **out, tvc_task_fn *fn, void *arg,
              const tvc_task_opts *opts);
void tvc_task_release(tvc_task *t);

/* The task's future (borrowed: valid while the handle is held).
 * Cancelling this future cancels the task. */
tvc_future *tvc_task_future(tvc_task *t);
/* Await the task: suspends; its status, *result set on success. */
int tvc_task_join(tvc_task *t, void **result);

/* Request cancellation: -ECANCELED is delivered at the task's current or
 * next suspension point.  1 if requested, 0 if the task had finished
 * (a no-op).  Idempotent. */
int tvc_cancel(tvc_task *t);
/* The calling task's handle (borrowed); NULL outside a task. */
tvc_task *tvc_current(void);
const char *tvc_task_name(const tvc_task *t);
/* True once cancellation was requested for the calling task. */
int tvc_cancelling(void);

/* ---- waiting ------------------------------------------------------------ */

/* Suspends until f completes.  Returns f's status (0 and *out = result,
 * its error, -ECANCELED if f was cancelled) or -ECANCELED if the calling
 * task was cancelled meanwhile -- f itself is then left alone. */
int tvc_await(tvc_future *f, void **out);

/* Suspends for ns (0 just yields). 0 or -ECANCELED. */
int tvc_sleep(int64_t ns);
int tvc_sleep_until(int64_t deadline);
/* A cancellation point for CPU loops: yields, 0 or -ECANCELED. */
int tvc_checkpoint(void);

/* Suspends until all n futures complete.  Returns 0 when all succeeded,
 * else the first error by position.  If the caller is cancelled, every
 * child still pending is cancelled, waited for, and -ECANCELED returned. */
int tvc_gather(tvc_future *const *fs, size_t n);

enum tvc_wait_when {
    TVC_FIRST_COMPLETED,
    TVC_FIRST_EXCEPTION,
    TVC_ALL_COMPLETED,
};
/* asyncio.wait: suspends until `when` holds or the timeout passes.
 * Returns the number of futures done (check each with tvc_future_done),
 * or -ECANCELED.  A timeout is not an error; the futures are left alone. */
int tvc_wait(tvc_future *const *fs, size_t n, enum tvc_wait_when when,
             int64_t timeout_ns);

/* asyncio.wait_for: suspends until f completes or the timeout passes; on
 * timeout cancels f, waits for it to finish, returns -ETIMEDOUT. */
int tvc_wait_for(tvc_future *f, int64_t timeout_ns, void **out);

/* asyncio.shield: a new future (one reference, caller unrefs) that
 * completes like f; cancelling it leaves f running.  NULL on ENOMEM. */
tvc_future *tvc_shield(tvc_future *f);

/* A pending future of this runtime (one reference). NULL on ENOMEM. */
tvc_future *tvc_future_create(void);

/* Runs fn(arg) on the executor's thread pool; *out gets a future (one
 * reference) that completes on the caller's runtime with fn's return
 * value.  0 or -ENOMEM.  Cancelling the future does not stop fn. */
typedef void *tvc_blocking_fn(void *arg);
int tvc_run_in_executor(tvc_future **out, tvc_blocking_fn *fn, void *arg);

/* ---- synchronisation (opaque; each runtime has its own) ---------------- */

typedef struct tvc_lock tvc_lock;
int tvc_lock_new(tvc_lock **out);
void tvc_lock_free(tvc_lock *l);
int tvc_lock_acquire(tvc_lock *l);          /* suspends */
int tvc_lock_release(tvc_lock *l);          /* TVC_EINVALSTATE if free */
int tvc_lock_locked(tvc_lock *l);

typedef struct tvc_event tvc_event;
int tvc_event_new(tvc_event **out);
void tvc_event_free(tvc_event *e);
void tvc_event_set(tvc_event *e);
void tvc_event_clear(tvc_event *e);
int tvc_event_is_set(tvc_event *e);
int tvc_event_wait(tvc_event *e);           /* suspends */

typedef struct tvc_cond tvc_cond;
int tvc_cond_new(tvc_cond **out, tvc_lock *l);
void tvc_cond_free(tvc_cond *c);
/* Caller holds the lock; it is released while waiting and held again on
 * return, also when -ECANCELED is returned.  TVC_EINVALSTATE if not
 * held. */
int tvc_cond_wait(tvc_cond *c);             /* suspends */
int tvc_cond_notify(tvc_cond *c, int n);
int tvc_cond_notify_all(tvc_cond *c);

typedef struct tvc_sem tvc_sem;
/* bounded: release past the initial value fails with -EOVERFLOW. */
int tvc_sem_new(tvc_sem **out, int value, int bounded);
void tvc_sem_free(tvc_sem *s);
int tvc_sem_acquire(tvc_sem *s);            /* suspends */
int tvc_sem_release(tvc_sem *s);
int tvc_sem_locked(tvc_sem *s);

typedef struct tvc_queue tvc_queue;
/* maxsize 0: unbounded. */
int tvc_queue_new(tvc_queue **out, size_t maxsize);
void tvc_queue_free(tvc_queue *q);
int tvc_queue_put(tvc_queue *q, void *item);  /* suspends while full */
int tvc_queue_get(tvc_queue *q, void **item); /* suspends while empty */
int tvc_queue_put_nowait(tvc_queue *q, void *item); /* -EAGAIN if full */
int tvc_queue_get_nowait(tvc_queue *q, void **item); /* -EAGAIN if empty */
size_t tvc_queue_size(tvc_queue *q);

/* ---- streams ------------------------------------------------------------ */

/* One connected socket: asyncio's StreamReader and StreamWriter in one
 * handle.  Read calls hand out slices into the read buffer, valid until
 * the next read call on the stream.  Writes are buffered without blocking;
 * drain waits until the buffer is below its high-water mark. */
typedef struct tvc_stream tvc_stream;

/* Suspends.  host is a numeric IPv4/IPv6 address or "localhost". */
int tvc_open_connection(tvc_stream **out, const char *host, int port,
                        size_t limit);
/* Frees the handle without waiting: closes the socket if needed, after
 * one send of the buffered output the kernel takes at once; what it does
 * not take is dropped (the peer sees the connection end short of it)
 * and counted in tvc_stream_dropped_bytes.  To send everything, call
 * drain, write_eof or wait_closed first. */
void tvc_stream_free(tvc_stream *s);
/* Bytes of output dropped unsent in this process so far: by
 * tvc_stream_free, and by servers' lingers that ran out (server_opts.h,
 * linger_ms).  A count only grows; compare two readings. */
uint64_t tvc_stream_dropped_bytes(void);

int tvc_stream_read(tvc_stream *s, size_t n, tvc_slice *out);
int tvc_stream_readexactly(tvc_stream *s, size_t n, tvc_slice *out);
int tvc_stream_readline(tvc_stream *s, tvc_slice *out);
int tvc_stream_readuntil(tvc_stream *s, const void *sep, size_t seplen,
                         tvc_slice *out);
int tvc_stream_at_eof(tvc_stream *s);

int tvc_stream_write(tvc_stream *s, const void *data, size_t n);
int tvc_stream_writelines(tvc_stream *s, const struct iovec *iov, int n);
int tvc_stream_drain(tvc_stream *s);        /* suspends */
int tvc_stream_write_eof(tvc_stream *s);
/* Starts closing: buffered output is still sent. */
int tvc_stream_close(tvc_stream *s);
int tvc_stream_wait_closed(tvc_stream *s);  /* suspends */
int tvc_stream_is_closing(tvc_stream *s);

typedef struct tvc_server tvc_server;
/* Runs for each accepted connection as its own task.  After the handler
 * returns, the runtime sends what it left unsent for linger_ms at most,
 * then closes (or resets) the connection and frees the stream
 * (server_opts.h: linger_ms, and idle_timeout_ms for reads that wait). */
typedef int tvc_conn_fn(tvc_stream *s, void *arg);
/* Listens as opts says (server_opts.h; NULL: a free port on 127.0.0.1;
 * a linger_ms below TVC_LINGER_NONE or a negative idle_timeout_ms is
 * -EINVAL) and serves each connection with fn(stream, arg).  Out of descriptors,
 * a waiting connection is accepted and closed at once (its client sees
 * the connection end) rather than left in the backlog.  Never suspends.
 * Returns 0, -EINVAL (host not numeric, port outside 0..65535, backlog
 * < 0), the listening socket's -errno (-EADDRINUSE, -EMFILE, ...),
 * -ENOMEM, or the runtime's error for its accept task or watcher
 * (coroutine: -EPERM outside tvc_run). */
int tvc_start_server(tvc_server **out, tvc_conn_fn *fn, void *arg,
                     const tvc_server_opts *opts);
int tvc_server_port(const tvc_server *srv);
/* Live connections: handlers not yet returned, or lingering to send what
 * they left (server_opts.h). */
size_t tvc_server_connections(tvc_server *srv);
/* Stops accepting, cancels the live handlers, waits for them (suspends),
 * frees the server. */
int tvc_server_close(tvc_server *srv);

#endif
