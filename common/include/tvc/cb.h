/*
 * The continuation-passing API of the callback runtime (callback/): the
 * operations of the direct-style API (tvc.h), each taking a continuation
 * that runs later with the result instead of returning it.
 *
 * The model.  A loop (asyncio's event loop) runs on one thread; the first
 * loop made on a thread is that thread's loop until it is closed.  A task
 * is a small heap struct that owns at most one pending operation and the
 * continuation to resume when it completes: it is what a coroutine would
 * be, minus the stack.  Code is a chain of continuations; each one either
 * starts the task's next operation, or finishes the task with
 * tvc_cb_task_return.  A continuation that does neither is a bug (the
 * runtime aborts with a message, rather than leak the task silently).
 *
 * The rules every operation keeps:
 *   - the continuation runs exactly once, always later from the loop,
 *     never inside the call that started the operation;
 *   - it gets 0 (or a count) or a negative code (errors.h); -ECANCELED
 *     when the task was cancelled while the operation was pending;
 *   - starting an operation on a task that has one pending is a bug.
 *
 * Cancellation (docs/DESIGN.md, "Cancellation"): tvc_cb_task_cancel delivers
 * -ECANCELED to the pending operation's continuation, or to the next
 * operation started if none is pending.  The operation lets go of all it held
 * (timer, wait-list node, future callback, pending read) before the
 * continuation runs, so the task can clean up and return.  Operations whose
 * asyncio twin waits for cleanup (gather, wait_for, cond wait) do so here
 * too.  Once a task has returned nothing of it runs again.
 *
 * Memory: a task is 128 bytes; waiting on an event, a lock, a queue or a
 * timer links a node inside the task, so a waiting task costs nothing
 * more.  Scheduling never allocates per operation.
 *
 * The contracts of docs/DESIGN.md, section "API contracts and errors",
 * as they apply here:
 *   - every call taking a task and a continuation is an operation and a
 *     cancellation point; its comment lists what the continuation gets,
 *     -ECANCELED included (server_close alone never gets it);
 *   - an operation is never made outside a run: it starts from its
 *     task's own continuation, which only the loop runs (started anywhere
 *     else, the task is not running and the runtime aborts, as for the
 *     bugs above), so no operation answers TVC_EINVALSTATE for that;
 *   - the calls that take a loop (spawn, call_soon/later/at,
 *     run_in_executor) may come before or between runs, as in asyncio;
 *     with no loop (NULL: tvc_cb_loop_current() on a thread whose loop
 *     was closed or never made) they return TVC_EINVALSTATE.  A closed
 *     loop is freed: using its pointer is a bug, not an error;
 *   - the calls that wake or cancel tasks without being operations
 *     (task_cancel, event_set, lock and sem release, queue *_nowait, cond
 *     notify) may come between runs too, on the thread whose current
 *     loop runs those tasks (with one loop per thread, always);
 *   - a timeout (wait, wait_for) or sleep of TVC_FOREVER (-1) waits until
 *     done or cancelled, 0 polls (sleep: yields), a positive value waits
 *     that long, any other negative value gives -EINVAL; so does a
 *     negative deadline other than TVC_FOREVER (sleep_until), and one
 *     already past yields.  call_later/call_at schedule a call instead of
 *     waiting: as in asyncio, a negative delay or a past time makes it due
 *     at once.  Anything with a deadline takes a slot in the loop's timer
 *     heap: when the heap cannot grow, the operation gets -ENOMEM and
 *     call_later/call_at return it;
 *   - a task waiting on its own future (join, await, gather, wait,
 *     wait_for) gets -EDEADLK at once instead of hanging.
 *
 * Writing in this style (callback/workloads/ shows each habit): what a
 * direct-style function keeps in locals lives in a frame struct, the
 * task's argument; a loop becomes a "loop head" continuation that either
 * starts the next operation or moves on; a sub-routine that waits takes
 * the caller's continuation, swaps the task's argument to its own frame
 * and restores it before calling the caller back (serve.c).
 */
#ifndef TVC_CB_H
#define TVC_CB_H

#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "tvc/clock.h"
#include "tvc/errors.h"
#include "tvc/future.h"
#include "tvc/reactor.h"
#include "tvc/server_opts.h"
#include "tvc/streambuf.h"

/* ---- the loop ---------------------------------------------------------- */

typedef struct tvc_cb_loop tvc_cb_loop;

/* A new loop; it becomes the calling thread's loop if it has none.
 * executor_threads: run_in_executor pool size (0 = default; threads start
 * on first use).  0 or -ENOMEM / -errno from the reactor. */
int tvc_cb_loop_new(tvc_cb_loop **out, int executor_threads);
/* Frees the loop.  What is still pending is reported, not leaked: call
 * handles are freed, and the return value counts everything that was
 * still pending (handles, live tasks, armed timers, watched fds), with a
 * line on stderr per kind when not 0.  -EBUSY while the loop runs. */
int tvc_cb_loop_close(tvc_cb_loop *loop);
/* The calling thread's loop, or NULL. */
tvc_cb_loop *tvc_cb_loop_current(void);
/* Live tasks of the loop (for leak checks). */
uint64_t tvc_cb_loop_task_count(const tvc_cb_loop *loop);

/* run_forever: runs iterations until tvc_cb_stop.  0 or -errno; this
 * and every run call below: -EBUSY when the loop is already running. */
int tvc_cb_run_forever(tvc_cb_loop *loop);
/* Runs until nothing is pending any more (libuv's default mode) or stop.
 * 0 or -errno. */
int tvc_cb_run(tvc_cb_loop *loop);
/* Runs until f completes; returns f's status (0 and *out = result, or
 * its error), or TVC_EINVALSTATE if the loop stopped first. */
int tvc_cb_run_until_complete(tvc_cb_loop *loop, tvc_future *f, void **out);
/* One iteration (reactor.h's order); block: wait for something to do.
 * Returns the number of callbacks run, or -errno.  Tests step the loop
 * with it. */
int tvc_cb_run_once(tvc_cb_loop *loop, int block);
/* Makes the running loop return after the current iteration. */
void tvc_cb_stop(tvc_cb_loop *loop);

/* ---- call handles ------------------------------------------------------ */

typedef void tvc_cb_call_fn(void *arg);
typedef struct tvc_cb_handle tvc_cb_handle;

/* Schedule fn(arg): next iteration (soon), after delay_ns (later), or at
 * an absolute deadline (at).  Calls scheduled for the same iteration run
 * in the order they were made; timers by deadline, then by order made.
 * *out (if out is not NULL) gets a handle to cancel it; the caller then
 * owns a reference to release with tvc_cb_handle_release.  0,
 * TVC_EINVALSTATE (loop NULL) or -ENOMEM. */
int tvc_cb_call_soon(tvc_cb_loop *loop, tvc_cb_call_fn *fn, void *arg,
                     tvc_cb_handle **out);
int tvc_cb_call_later(tvc_cb_loop *loop, int64_t delay_ns, tvc_cb_call_fn *fn,
                      void *arg, tvc_cb_handle **out);
int tvc_cb_call_at(tvc_cb_loop *loop, int64_t deadline, tvc_cb_call_fn *fn,
                   void *arg, tvc_cb_handle **out);
/* 1 if the call was cancelled now, 0 if it had run or was cancelled. */
int tvc_cb_handle_cancel(tvc_cb_handle *h);
void tvc_cb_handle_release(tvc_cb_handle *h);

/* A pending future whose callbacks run through this loop's call_soon
 * (one reference).  NULL on ENOMEM. */
tvc_future *tvc_cb_future_new(tvc_cb_loop *loop);
/* The hook of those futures, for futures embedded elsewhere. */
extern const tvc_future_rt tvc_cb_future_rt;

/* ---- tasks ------------------------------------------------------------- */

typedef struct tvc_cb_task tvc_cb_task;

/* Continuations.  status is 0 (or a count) or a negative code; value and
 * data are meaningful only when status >= 0.  A data slice points into
 * the stream's buffer and is valid until the next read on that stream. */
typedef void tvc_cb_fn(tvc_cb_task *t, int status);
typedef void tvc_cb_value_fn(tvc_cb_task *t, int status, void *value);
typedef void tvc_cb_data_fn(tvc_cb_task *t, int status, tvc_slice data);

/* create_task: start(t, 0) runs from the loop soon (start(t, -ECANCELED)
 * if the task is cancelled first).  arg is the task's argument.  *out gets
 * a handle to release with tvc_cb_task_release (out may be NULL:
 * detached).  0, TVC_EINVALSTATE (loop NULL) or -ENOMEM (no memory for
 * the task); on failure nothing runs and *out is left alone. */
int tvc_cb_spawn(tvc_cb_loop *loop, tvc_cb_task **out, tvc_cb_fn *start,
                 void *arg);
void tvc_cb_task_release(tvc_cb_task *t);
void *tvc_cb_task_arg(const tvc_cb_task *t);
void tvc_cb_task_set_arg(tvc_cb_task *t, void *arg);

/* Finishes the task: its future completes with result (status 0) or
 * status (negative; -ECANCELED marks it cancelled).  Called once, from
 * one of the task's continuations, with no operation pending; the task
 * must not be touched afterwards (unless a handle is held). */
void tvc_cb_task_return(tvc_cb_task *t, int status, void *result);

/* The task's future (borrowed: valid while the handle is held);
 * cancelling it cancels the task. */
tvc_future *tvc_cb_task_future(tvc_cb_task *t);
/* Requests cancellation (see the top).  1 if requested, 0 if the task
 * had finished (a no-op).  Idempotent. */
int tvc_cb_task_cancel(tvc_cb_task *t);
/* True once cancellation was requested for t. */
int tvc_cb_task_cancelling(const tvc_cb_task *t);

/* ---- waiting ----------------------------------------------------------- */

/* Sleep ns (0 just yields, TVC_FOREVER until cancelled) or until an
 * absolute deadline.  Status 0, -EINVAL (a negative time other than
 * TVC_FOREVER) or -ECANCELED. */
void tvc_cb_sleep(tvc_cb_task *t, int64_t ns, tvc_cb_fn *k);
void tvc_cb_sleep_until(tvc_cb_task *t, int64_t deadline, tvc_cb_fn *k);
/* A cancellation point for CPU loops: yields.  Status 0 or -ECANCELED. */
void tvc_cb_checkpoint(tvc_cb_task *t, tvc_cb_fn *k);

/* Await f: status is f's (value = its result), -ECANCELED if f was
 * cancelled or t was cancelled meanwhile (f is then left alone), or
 * -EDEADLK at once when f is t's own future. */
void tvc_cb_await(tvc_cb_task *t, tvc_future *f, tvc_cb_value_fn *k);
/* Await another task's future (held through its handle), as await:
 * other == t gets -EDEADLK at once. */
void tvc_cb_join(tvc_cb_task *t, tvc_cb_task *other, tvc_cb_value_fn *k);

/* All n futures: status 0 when all succeeded, else the first error by
 * position.  Cancelled meanwhile: every pending child is cancelled and
 * waited for, then -ECANCELED.  -EDEADLK at once (the others left alone)
 * when one is t's own future.  fs must stay valid until k runs. */
void tvc_cb_gather(tvc_cb_task *t, tvc_future *const *fs, size_t n,
                   tvc_cb_fn *k);

enum tvc_cb_wait_when {
    TVC_CB_FIRST_COMPLETED,
    TVC_CB_FIRST_EXCEPTION,
    TVC_CB_ALL_COMPLETED,
};
/* asyncio.wait: status is the number of futures done when `when` held or
 * the timeout passed (TVC_FOREVER: none; 0: counts them at once), or
 * -ECANCELED; the futures are left alone.  -EINVAL for a negative
 * timeout other than TVC_FOREVER or a `when` that is none of the three,
 * -EDEADLK when one of fs is t's own
 * future (both at once).  fs must stay valid until k runs.  This
 * one allocates its state (a few words); -ENOMEM through k if it
 * cannot. */
void tvc_cb_wait(tvc_cb_task *t, tvc_future *const *fs, size_t n,
                 enum tvc_cb_wait_when when, int64_t timeout_ns, tvc_cb_fn *k);
/* asyncio.wait_for: f's status and result, or on timeout f is cancelled,
 * waited for, and -ETIMEDOUT delivered (TVC_FOREVER: no timeout; 0: f is
 * cancelled unless already done).  Cancelled meanwhile: f is cancelled
 * and waited for too, then -ECANCELED.  At once, f untouched: -EINVAL
 * for a negative timeout other than TVC_FOREVER, -EDEADLK when f is t's
 * own future. */
void tvc_cb_wait_for(tvc_cb_task *t, tvc_future *f, int64_t timeout_ns,
                     tvc_cb_value_fn *k);
/* asyncio.shield: a new future (one reference) completing like f;
 * cancelling it leaves f running.  NULL on ENOMEM. */
tvc_future *tvc_cb_shield(tvc_future *f);

/* Runs fn(arg) on the loop's executor thread pool; *out gets a future
 * (one reference) completed on the loop with fn's return value.  0,
 * TVC_EINVALSTATE (loop NULL), -ENOMEM or -EAGAIN (no thread).
 * Cancelling the future does not stop fn. */
typedef void *tvc_cb_blocking_fn(void *arg);
int tvc_cb_run_in_executor(tvc_cb_loop *loop, tvc_future **out,
                           tvc_cb_blocking_fn *fn, void *arg);

/* ---- synchronisation (loop-local, FIFO fair) ---------------------------- */

typedef struct tvc_cb_event tvc_cb_event;
int tvc_cb_event_new(tvc_cb_event **out);
/* Waiters must be gone (their tasks finished or cancelled). */
void tvc_cb_event_free(tvc_cb_event *e);
void tvc_cb_event_set(tvc_cb_event *e);
void tvc_cb_event_clear(tvc_cb_event *e);
int tvc_cb_event_is_set(const tvc_cb_event *e);
/* Status 0 once e is set, or -ECANCELED. */
void tvc_cb_event_wait(tvc_cb_task *t, tvc_cb_event *e, tvc_cb_fn *k);

typedef struct tvc_cb_lock tvc_cb_lock;
int tvc_cb_lock_new(tvc_cb_lock **out);
void tvc_cb_lock_free(tvc_cb_lock *l);
/* Status 0 once t holds the lock, or -ECANCELED.  Locks have no owner:
 * "held" below means locked, by whichever task. */
void tvc_cb_lock_acquire(tvc_cb_task *t, tvc_cb_lock *l, tvc_cb_fn *k);
/* 0, or TVC_EINVALSTATE if not locked.  Hands the lock to the first
 * waiter, if any. */
int tvc_cb_lock_release(tvc_cb_lock *l);
int tvc_cb_lock_locked(const tvc_cb_lock *l);

typedef struct tvc_cb_cond tvc_cb_cond;
int tvc_cb_cond_new(tvc_cb_cond **out, tvc_cb_lock *l);
void tvc_cb_cond_free(tvc_cb_cond *c);
/* The caller holds the lock: it is released while waiting and held again
 * when k runs, with -ECANCELED too.  Status 0, -ECANCELED, or
 * TVC_EINVALSTATE if not held. */
void tvc_cb_cond_wait(tvc_cb_task *t, tvc_cb_cond *c, tvc_cb_fn *k);
/* Wakes up to n waiters (n <= 0: none); returns how many, or
 * TVC_EINVALSTATE if the lock is not held. */
int tvc_cb_cond_notify(tvc_cb_cond *c, int n);
int tvc_cb_cond_notify_all(tvc_cb_cond *c);

typedef struct tvc_cb_sem tvc_cb_sem;
/* bounded: a release past the initial value fails with -EOVERFLOW. */
int tvc_cb_sem_new(tvc_cb_sem **out, int value, int bounded);
void tvc_cb_sem_free(tvc_cb_sem *s);
/* Status 0 once t has a unit, or -ECANCELED. */
void tvc_cb_sem_acquire(tvc_cb_task *t, tvc_cb_sem *s, tvc_cb_fn *k);
int tvc_cb_sem_release(tvc_cb_sem *s);
int tvc_cb_sem_locked(const tvc_cb_sem *s);

typedef struct tvc_cb_queue tvc_cb_queue;
/* maxsize 0: unbounded. */
int tvc_cb_queue_new(tvc_cb_queue **out, size_t maxsize);
void tvc_cb_queue_free(tvc_cb_queue *q);
/* Status 0 once the item is in (waits while full), -ENOMEM, or
 * -ECANCELED (the item is not in). */
void tvc_cb_queue_put(tvc_cb_task *t, tvc_cb_queue *q, void *item,
                      tvc_cb_fn *k);
/* Status 0 and value = the item (waits while empty), or -ECANCELED. */
void tvc_cb_queue_get(tvc_cb_task *t, tvc_cb_queue *q, tvc_cb_value_fn *k);
int tvc_cb_queue_put_nowait(tvc_cb_queue *q, void *item);  /* -EAGAIN */
int tvc_cb_queue_get_nowait(tvc_cb_queue *q, void **item); /* -EAGAIN */
size_t tvc_cb_queue_size(const tvc_cb_queue *q);

/* ---- streams ----------------------------------------------------------- */

/* One connected non-blocking socket: reader and writer in one handle.
 * Reads parse the common stream buffer (streambuf.h); writes are buffered
 * after an immediate send attempt; drain waits below the high-water
 * mark.  A peer that resets gives -ECONNRESET to that stream only. */
typedef struct tvc_cb_stream tvc_cb_stream;

/* value = the connected tvc_cb_stream *.  host: numeric IPv4/IPv6 or
 * "localhost".  limit: readline/readuntil limit, 0 = default.  Status 0,
 * -EINVAL (host not numeric, port outside 0..65535), -errno
 * (-ECONNREFUSED, -EMFILE, ...), or -ECANCELED
 * (the half-made connection closed). */
void tvc_cb_open_connection(tvc_cb_task *t, const char *host, int port,
                            size_t limit, tvc_cb_value_fn *k);
/* Frees the stream without waiting: closes the socket if needed, after
 * one send of the buffered output the kernel takes at once; what it does
 * not take is dropped (the peer sees the connection end short of it)
 * and counted in tvc_cb_stream_dropped_bytes.  To send everything, close
 * and wait_closed first.  No operation may be pending on the stream. */
void tvc_cb_stream_free(tvc_cb_stream *s);
/* Bytes of output dropped unsent in this process so far: by
 * tvc_cb_stream_free, and by servers' lingers that ran out
 * (server_opts.h, linger_ms).  A count only grows; compare two
 * readings. */
uint64_t tvc_cb_stream_dropped_bytes(void);

/* The reads of streambuf.h.  Every one's continuation may also get:
 *   -ECONNRESET (or another -errno)  the peer reset the connection, or
 *                    the socket failed, and what is buffered cannot
 *                    answer the read (what can is answered first);
 *   -ECANCELED       t was cancelled meanwhile; no byte is consumed;
 *   TVC_EINVALSTATE  another task's read is pending on s, or the read
 *                    needs more bytes once s is closed (stream_close);
 *   -ENOMEM          no room for the bytes.
 * On TVC_EINCOMPLETE, data holds the partial bytes (consumed). */
/* Up to n bytes: status 0 with 1..n bytes, or with none at EOF (or
 * when n is 0). */
void tvc_cb_read(tvc_cb_task *t, tvc_cb_stream *s, size_t n, tvc_cb_data_fn *k);
/* Exactly n bytes: status 0, or TVC_EINCOMPLETE at EOF before n. */
void tvc_cb_readexactly(tvc_cb_task *t, tvc_cb_stream *s, size_t n,
                        tvc_cb_data_fn *k);
/* Through "\n": status 0; at EOF the partial line (maybe empty) with 0,
 * as asyncio; TVC_ELIMIT when no "\n" comes within the limit (the bytes
 * stay buffered). */
void tvc_cb_readline(tvc_cb_task *t, tvc_cb_stream *s, tvc_cb_data_fn *k);
/* Through sep: status 0, TVC_EINCOMPLETE at EOF first (even with
 * nothing buffered), TVC_ELIMIT as readline, or -EINVAL for seplen 0.
 * sep must stay valid until k runs. */
void tvc_cb_readuntil(tvc_cb_task *t, tvc_cb_stream *s, const void *sep,
                      size_t seplen, tvc_cb_data_fn *k);
/* True once the peer's EOF came and every byte before it was read. */
int tvc_cb_stream_at_eof(const tvc_cb_stream *s);

/* Buffered writes; 0, -ENOMEM, the stream's error, or -EPIPE once
 * closing or after write_eof. */
int tvc_cb_stream_write(tvc_cb_stream *s, const void *data, size_t n);
int tvc_cb_stream_writelines(tvc_cb_stream *s, const struct iovec *iov, int n);
/* Status 0 once the buffer is below the high-water mark, the stream's
 * error, or -ECANCELED. */
void tvc_cb_drain(tvc_cb_task *t, tvc_cb_stream *s, tvc_cb_fn *k);
/* Shuts down the sending side once the buffer is sent. */
int tvc_cb_stream_write_eof(tvc_cb_stream *s);
/* Starts closing: buffered output is still sent, then the fd closed. */
int tvc_cb_stream_close(tvc_cb_stream *s);
/* Status 0 once the fd is closed, or -ECANCELED. */
void tvc_cb_wait_closed(tvc_cb_task *t, tvc_cb_stream *s, tvc_cb_fn *k);
int tvc_cb_stream_is_closing(const tvc_cb_stream *s);
/* The argument given to tvc_cb_start_server (NULL for a client). */
void *tvc_cb_stream_server_arg(const tvc_cb_stream *s);

typedef struct tvc_cb_server tvc_cb_server;
/* Listens as opts says (server_opts.h; NULL: a free port on 127.0.0.1).
 * Each connection runs as a task: handler(t, 0) with tvc_cb_task_arg(t)
 * = its tvc_cb_stream * (the task may set its own arg; keep the stream
 * pointer).  Once the handler task returns, the runtime closes the
 * stream, still sending what the handler wrote but did not drain for
 * linger_ms at most (then the connection is reset and the rest dropped),
 * and frees it when it has closed; a handler that was cancelled has its
 * stream freed at once, and closing the server or the peer's reset ends
 * the sending.  A read of a handler that waits longer than
 * idle_timeout_ms for bytes ends with -ETIMEDOUT (server_opts.h says
 * what counts as idle; a linger_ms below TVC_LINGER_NONE or a negative
 * idle_timeout_ms is -EINVAL).  Out of descriptors, a waiting connection
 * is accepted and closed at once (its client sees the connection end)
 * rather than left in the backlog.  Returns 0, -EINVAL (host not
 * numeric, port outside 0..65535, backlog < 0), the listening socket's
 * -errno (-EADDRINUSE, -EMFILE, ...), -ENOMEM, the loop's error watching
 * it, or TVC_EINVALSTATE for a NULL loop (no loop on this thread). */
int tvc_cb_start_server(tvc_cb_loop *loop, tvc_cb_server **out,
                        tvc_cb_fn *handler, void *arg,
                        const tvc_server_opts *opts);
int tvc_cb_server_port(const tvc_cb_server *srv);
/* Live connections (handler tasks not yet returned, or their output
 * still being sent). */
size_t tvc_cb_server_connections(const tvc_cb_server *srv);
/* Stops accepting, cancels the live handlers, waits for them, frees the
 * server; status 0. */
void tvc_cb_server_close(tvc_cb_task *t, tvc_cb_server *srv, tvc_cb_fn *k);

#endif
