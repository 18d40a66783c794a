/*
 * The direct-style API: asyncio's surface in C, implemented twice.
 * threaded/ runs each task on a pthread and a wait blocks the thread;
 * coroutine/ runs each task as a stackful coroutine and a wait suspends
 * it.  Workload sources are written once against this header and compiled
 * for both, so the work is identical by construction.
 *
 * Conventions (docs/DESIGN.md, section "API contracts and errors"): 0 (or
 * a count) on success, a negative code on failure (see errors.h).  Both
 * runtimes return the same codes in the same cases; each call below says
 * which.
 *
 * Suspends: every call marked "suspends" is a cancellation point: if the
 * calling task is cancelled before or while it waits, it returns
 * -ECANCELED and the task should clean up and return -ECANCELED.  No
 * call that is not marked waits.
 *
 * Outside a run: tvc_spawn, tvc_run_in_executor, tvc_open_connection,
 * tvc_start_server and the calls of "tasks" and "waiting" below that
 * suspend (join, await, the sleeps, checkpoint, gather, wait, wait_for)
 * return TVC_EINVALSTATE when no tvc_run is going on, before looking at
 * their arguments; the lock, event,
 * condition, semaphore and queue calls do only when they would have to
 * wait.  In the coroutine runtime the
 * waiting calls do so too anywhere but in a task of the run (a future's
 * callback, another thread): only a task can suspend.  Streams and
 * servers belong to the run that made them.
 *
 * Times are int64_t ns (clock.h).  Every timeout argument: -1
 * (TVC_FOREVER) waits forever, 0 polls (never blocks), a positive value
 * waits that long, any other negative value is -EINVAL.  In the coroutine
 * runtime a wait with a deadline takes a slot in the timer heap: when the
 * heap cannot grow, the call returns -ENOMEM without waiting.
 *
 * Compact mode (TVC_STACK_COMPACT): a call that suspends may also return
 * -ENOMEM when the memory to move the calling task's stack aside, so that
 * another task can run, cannot be had.  The task should clean up and
 * return, as after a cancel: while memory stays gone its every wait fails
 * so, and the task left waiting for runs only once it has returned.
 *
 * Self-wait: a task waiting on its own future (tvc_task_join on its own
 * handle, tvc_await, tvc_wait_for, tvc_gather or tvc_wait given its own
 * task future) gets -EDEADLK at once instead of hanging.
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

/* The largest stack_size tvc_run and tvc_spawn accept (-EINVAL above). */
#define TVC_STACK_SIZE_MAX ((size_t)1 << 30)

typedef struct tvc_run_opts {
    size_t stack_size;      /* per task; 0 = the runtime's default */
    int stack_mode;         /* enum tvc_stack_mode */
    int executor_threads;   /* run_in_executor pool size; 0 = default */
} tvc_run_opts;

/* asyncio.run: runs main as the first task until it finishes, then
 * cancels and joins every task still alive.  Returns main's status (and
 * *result when 0), TVC_EINVALSTATE inside a run (one at a time), -EINVAL
 * for a stack_size over TVC_STACK_SIZE_MAX, or tvc_spawn's error for
 * main.  opts may be NULL: the defaults, except that the coroutine
 * runtime then reads TVC_STACK=compact from the environment (how the test
 * suite runs the same tests in both stack modes). */
int tvc_run(tvc_task_fn *main, void *arg, void **result,
            const tvc_run_opts *opts);

/* "threaded" or "coroutine". */
const char *tvc_runtime_name(void);

/* Waits until the runtime has let go of every task that finished before
 * the call, so that a heap sample taken next sees only what is still in
 * use.  The threaded runtime joins a finished task's thread lazily (at
 * the next spawn, and then only if it is already gone): until then the
 * thread's task struct and allocator cache are still allocated, and a
 * thread may still be on its way out.  This joins them all.  A no-op in
 * the coroutine runtime, which frees a task when it ends. */
void tvc_settle(void);

/* ---- tasks -------------------------------------------------------------- */

typedef struct tvc_task tvc_task;

typedef struct tvc_task_opts {
    const char *name;  /* copied; NULL gives "task-<n>" */
    size_t stack_size; /* 0 = tvc_run_opts.stack_size */
} tvc_task_opts;

/* create_task: starts fn(arg).  *out gets a handle the caller must
 * release with tvc_task_release (out may be NULL: detached).  Returns 0,
 * TVC_EINVALSTATE outside a run, -EINVAL for a stack_size over
 * TVC_STACK_SIZE_MAX, or when the system cannot make another task
 * -ENOMEM (memory; also, in compact mode, a stack_size larger than the
 * shared run stack) or -EAGAIN (threads or memory mappings; which of the
 * two a shortage gives is the system's word). */
int tvc_spawn(tvc_task **out, tvc_task_fn *fn, void *arg,
              const tvc_task_opts *opts);
void tvc_task_release(tvc_task *t);

/* The task's future (borrowed: valid while the handle is held).
 * Cancelling this future cancels the task. */
tvc_future *tvc_task_future(tvc_task *t);
/* Await the task: suspends.  Its status (0 and *result, its error, or
 * -ECANCELED if it was cancelled), -ECANCELED if the caller was,
 * -EDEADLK for the caller's own handle. */
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
 * task was cancelled meanwhile -- f itself is then left alone; -EDEADLK
 * if f is the caller's own task future. */
int tvc_await(tvc_future *f, void **out);

/* Suspends for ns: 0 just yields, TVC_FOREVER sleeps until cancelled,
 * other negative values are -EINVAL.  0 or -ECANCELED. */
int tvc_sleep(int64_t ns);
/* Suspends until the absolute deadline (clock.h): one already passed
 * (0 too) returns at once after a yield, TVC_FOREVER sleeps until
 * cancelled, other negative values are -EINVAL.  0 or -ECANCELED. */
int tvc_sleep_until(int64_t deadline);
/* A cancellation point for CPU loops: suspends (yields), 0 or
 * -ECANCELED. */
int tvc_checkpoint(void);

/* Suspends until all n futures complete.  Returns 0 when all succeeded,
 * else the first error by position; -EDEADLK (before waiting) if one is
 * the caller's own task future.  If the caller is cancelled, every child
 * still pending is cancelled, waited for, and -ECANCELED returned. */
int tvc_gather(tvc_future *const *fs, size_t n);

enum tvc_wait_when {
    TVC_FIRST_COMPLETED,
    TVC_FIRST_EXCEPTION,
    TVC_ALL_COMPLETED,
};
/* asyncio.wait: suspends until `when` holds or the timeout passes.
 * Returns the number of futures done (check each with tvc_future_done),
 * -ECANCELED, -EINVAL for a bad timeout or a `when` that is none of the
 * three, or -EDEADLK (before waiting) if
 * one is the caller's own task future.  A timeout is not an error; the
 * futures are left alone. */
int tvc_wait(tvc_future *const *fs, size_t n, enum tvc_wait_when when,
             int64_t timeout_ns);

/* asyncio.wait_for: suspends until f completes or the timeout passes.
 * Returns f's status as tvc_await does; on timeout cancels f, waits for
 * it to finish, returns -ETIMEDOUT; if the caller is cancelled, cancels
 * f, waits for it, returns -ECANCELED.  -EINVAL for a bad timeout and
 * -EDEADLK for the caller's own task future, f left alone. */
int tvc_wait_for(tvc_future *f, int64_t timeout_ns, void **out);

/* asyncio.shield: a new future (one reference, caller unrefs) that
 * completes like f; cancelling it leaves f running.  NULL on ENOMEM. */
tvc_future *tvc_shield(tvc_future *f);

/* A pending future of this runtime (one reference). NULL on ENOMEM. */
tvc_future *tvc_future_create(void);

/* Runs fn(arg) on the executor's thread pool; *out gets a future (one
 * reference) that completes on the caller's runtime with fn's return
 * value.  0, TVC_EINVALSTATE outside a run, -ENOMEM, or -EAGAIN when no
 * pool thread could be started.  Cancelling the future does not stop
 * fn. */
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
/* "Held" means locked: neither runtime records which task holds a lock.
 * Caller holds the lock; it is released while waiting and held again on
 * return, also when -ECANCELED is returned.  TVC_EINVALSTATE if not
 * held. */
int tvc_cond_wait(tvc_cond *c);             /* suspends */
/* Wake up to n waiters (all): the number woken, or TVC_EINVALSTATE if the
 * lock is not held. */
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
 * drain waits until the buffer is below its high-water mark.
 *
 * Every read call suspends (while the buffer cannot answer it) and may
 * return, besides what it states: -ECANCELED; a receive error such as
 * -ECONNRESET (the peer reset), returned by the first call that needs
 * more than the bytes received before it (which stay readable) and by
 * every such call after it; TVC_EINVALSTATE when it needs more bytes
 * after tvc_stream_close; -ENOMEM.  The read limit (open_connection's or
 * the server's limit, 0 = 64 KiB) bounds readline and readuntil only. */
typedef struct tvc_stream tvc_stream;

/* Suspends.  host is a numeric IPv4/IPv6 address or "localhost".  0 and
 * *out (free with tvc_stream_free), -EINVAL for another host,
 * -ECONNREFUSED and the other connect errors, -EMFILE, -ENOMEM. */
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

/* Suspends.  Up to n bytes, as soon as any are there; at EOF 0 and an
 * empty slice. */
int tvc_stream_read(tvc_stream *s, size_t n, tvc_slice *out);
/* Suspends.  Exactly n bytes; TVC_EINCOMPLETE if EOF comes first, *out
 * then holds the partial bytes (consumed). */
int tvc_stream_readexactly(tvc_stream *s, size_t n, tvc_slice *out);
/* Suspends.  Through "\n"; at EOF the partial last line (empty once
 * nothing is left) with 0; TVC_ELIMIT when no "\n" comes within the
 * limit (the bytes stay buffered). */
int tvc_stream_readline(tvc_stream *s, tvc_slice *out);
/* Suspends.  Through sep; TVC_EINCOMPLETE if EOF comes first (*out holds
 * the partial bytes, consumed), TVC_ELIMIT when sep does not start within
 * the limit (the bytes stay buffered), -EINVAL for seplen 0. */
int tvc_stream_readuntil(tvc_stream *s, const void *sep, size_t seplen,
                         tvc_slice *out);
/* True once EOF was received and every byte before it read. */
int tvc_stream_at_eof(tvc_stream *s);

int tvc_stream_write(tvc_stream *s, const void *data, size_t n);
int tvc_stream_writelines(tvc_stream *s, const struct iovec *iov, int n);
int tvc_stream_drain(tvc_stream *s);        /* suspends */
/* Shuts the write side once the buffered output is sent: the peer reads
 * EOF.  Suspends in the threaded runtime, which sends that output here;
 * the coroutine runtime's loop sends it later and this never waits. */
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
 * -EINVAL) and serves each connection with fn(stream, arg).  Out of
 * descriptors, a waiting connection is accepted and closed at once (its
 * client sees the connection end) rather than left in the backlog.
 * Never suspends.  Returns 0, -EINVAL (host not numeric, port outside
 * 0..65535, backlog < 0), the listening socket's -errno (-EADDRINUSE,
 * -EMFILE, ...), -ENOMEM, the runtime's error for its accept task or
 * watcher, or TVC_EINVALSTATE outside a run. */
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
