/*
 * What the threaded runtime's files share.  A task is a pthread; every
 * blocking call of tvc.h parks the thread on its own waiter (a mutex and a
 * condition variable, or ppoll() for sockets) and learns which clause fired:
 * the thing it waited for, its deadline, or a cancel request.  Cancellation
 * is therefore one more clause of every wait (docs/DESIGN.md,
 * "Cancellation"), written once in waiter.c.
 *
 * Lock order (outer first): server mu, runtime mu, wait-queue owner mu
 * (lock/event/cond/sem/queue; a condition's before its lock's), waiter mu.
 * Nothing takes an outer lock while holding an inner one.  A stream's
 * write mutex and the executor pool's are leaves.
 */
#ifndef TVC_THREADED_INTERNAL_H
#define TVC_THREADED_INTERNAL_H

#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "tvc/outbuf.h"
#include "tvc/tvc.h"

/* ---- waiter.c: the one interruptible wait ------------------------------ */

/* Per thread: what wakes it.  A task embeds one; other threads (the thread
 * that called tvc_run, executor workers, foreign threads) get one that is
 * never cancelled. */
typedef struct tvc__waiter {
    pthread_mutex_t mu;   /* guards the fields below and the clauses */
    pthread_cond_t cv;    /* CLOCK_MONOTONIC; signalled on any clause */
    int cancel_pending;   /* a cancel not yet delivered as -ECANCELED */
    int cancel_requested; /* sticky: tvc_cancelling() */
    int cancellable;      /* 0 for non-task threads */
    int in_fd_wait;       /* inside ppoll(): cancel must send the signal */
    pthread_t thread;     /* valid while in_fd_wait */
} tvc__waiter;

void tvc__waiter_init(tvc__waiter *w, int cancellable);
void tvc__waiter_destroy(tvc__waiter *w);
/* The calling thread's waiter: its task's, or a per-thread one. */
tvc__waiter *tvc__waiter_self(void);
/* Binds w to the calling thread (a task or worker starting up); returns
 * the waiter bound before, to restore when w goes away. */
tvc__waiter *tvc__waiter_attach(tvc__waiter *w);

/* Flags for tvc__park. */
enum { TVC__PARK_UNINTERRUPTIBLE = 1 };

/* Blocks until *fired is non-zero (0), the absolute deadline passes
 * (-ETIMEDOUT; -1 never) or a cancel is pending (-ECANCELED, unless
 * TVC__PARK_UNINTERRUPTIBLE).  A cancel is not consumed here: the caller
 * decides with tvc__cancel_take whether it returns -ECANCELED.  fired may
 * be NULL (a plain sleep).  Wakers set *fired with tvc__waiter_fire. */
int tvc__park(tvc__waiter *w, _Atomic int *fired, int64_t deadline, int flags);
/* Sets *fired and wakes w's thread.  w stays valid only while its thread
 * is parked on fired, so wakers call this under the lock that guards the
 * registration (see waitq). */
void tvc__waiter_fire(tvc__waiter *w, _Atomic int *fired);
/* Delivers a cancel request: the current or next wait returns
 * -ECANCELED. */
void tvc__waiter_cancel(tvc__waiter *w);
/* Consumes a pending cancel: -ECANCELED if there was one, else 0. */
int tvc__cancel_take(tvc__waiter *w);

/* Waits until fd is ready for events (POLLIN/POLLOUT), the deadline passes
 * or the task is cancelled: 0, -ETIMEDOUT or -ECANCELED (consumed). */
int tvc__wait_fd(int fd, short events, int64_t deadline);

/* Installs the wake-up signal's handler and blocks it in the calling
 * thread (inherited by every thread it creates); undone by
 * tvc__signal_restore. */
void tvc__signal_setup(void);
void tvc__signal_restore(void);

/* ---- waitq.c: FIFO of parked waiters behind an owner's mutex ---------- */

typedef struct tvc__waitnode {
    struct tvc__waitnode *prev, *next; /* links in the queue */
    tvc__waiter *w;                    /* whom to wake */
    _Atomic int fired;                 /* set once, under the owner mu */
    void *item;                        /* handed over (queue items) */
} tvc__waitnode;

typedef struct tvc__waitq {
    tvc__waitnode *head, *tail; /* FIFO; guarded by the owner's mutex */
} tvc__waitq;

/* Called with mu held: enqueues n, unlocks mu, parks, and returns with mu
 * held again.  0 when a waker fired n (the operation completed, even if a
 * cancel also arrived: that one stays pending for the next wait), else
 * -ETIMEDOUT or -ECANCELED (consumed) with n removed from q;
 * TVC_EINVALSTATE at once outside a run. */
int tvc__waitq_wait(tvc__waitq *q, pthread_mutex_t *mu, tvc__waitnode *n,
                    int64_t deadline, int flags);
/* Called with the owner mu held: the first waiter, removed, or NULL.  The
 * caller sets n->item if it hands something over, then tvc__waitq_fire. */
tvc__waitnode *tvc__waitq_pop(tvc__waitq *q);
void tvc__waitq_fire(tvc__waitnode *n);

/* ---- task.c / run.c ---------------------------------------------------- */

struct tvc_task {
    tvc_future fut;   /* first: the task's future; its refs are ours */
    tvc__waiter w;    /* how this task's thread parks and is cancelled */
    pthread_t thread; /* joined by the runtime once the task exits */
    tvc_task_fn *fn;  /* the body and its argument */
    void *arg;
    struct tvc_task *prev, *next; /* runtime's live or exited list */
    char name[];                  /* copied name */
};

/* The runtime: one tvc_run at a time per process. */
typedef struct tvc__runtime {
    pthread_mutex_t mu;   /* guards the lists and counts */
    pthread_cond_t idle;  /* signalled when live drops to 0 */
    pthread_cond_t moved; /* signalled when a task joins the exited list */
    int running;          /* inside tvc_run */
    size_t stack_size;    /* default per task */
    int executor_threads; /* pool size */
    tvc_task *live;       /* tasks whose body has not returned */
    size_t nlive;
    tvc_task *exited; /* returned, waiting to be joined */
    uint64_t seq;     /* for default names */
} tvc__runtime;

extern tvc__runtime tvc__rt;
extern const tvc_future_rt tvc__future_rt;

/* Whether a tvc_run is going on: the calls that need the runtime return
 * TVC_EINVALSTATE when not.  `running` is set before the run's first
 * thread starts and cleared after its last one is joined, so tasks read
 * it without a lock. */
static inline int tvc__in_run(void)
{
    return tvc__rt.running;
}

/* The stack size a task gets for a request (0: the default), rounded to
 * pages and at least PTHREAD_STACK_MIN. */
size_t tvc__stack_size(size_t requested);
/* Joins exited task threads (called with tvc__rt.mu held): all of them
 * if wait, else those already gone. */
void tvc__reap_locked(int wait);
/* Cancels every live task; returns how many are live. */
size_t tvc__cancel_all(void);

/* ---- await.c ----------------------------------------------------------- */

/* What a wait on several futures waits for. */
enum tvc__want { TVC__WANT_ANY, TVC__WANT_FIRST_ERROR, TVC__WANT_ALL };

/* Waits until `want` holds over fs, the deadline passes or the caller is
 * cancelled: 0, -ETIMEDOUT, -ECANCELED (not consumed) or -ENOMEM; -EDEADLK
 * at once when fs holds the calling task's own future.  flags as
 * tvc__park's. */
int tvc__wait_many(tvc_future *const *fs, size_t n, enum tvc__want want,
                   int64_t deadline, int flags);
/* Waits for f uninterruptibly (teardown, gather/wait_for cleanup). */
void tvc__await_quiet(tvc_future *f);
/* Cancels every future of fs still pending and waits for all of them. */
void tvc__cancel_and_wait(tvc_future *const *fs, size_t n);

/* ---- stream.c, connect.c ------------------------------------------------ */

/* A connected non-blocking socket with asyncio's reader and writer on it.
 * One task reads and one task writes at a time (they may differ); close
 * and free are not to race reads or writes. */
struct tvc_stream {
    int fd;              /* -1 once closed */
    tvc_streambuf rb;    /* received bytes and the parsers' state */
    pthread_mutex_t wmu; /* guards the write side: a blocked reader
                          * flushes output too (stream.c) */
    tvc_outbuf out;      /* output the kernel has not taken yet */
    int rerr;     /* sticky receive error (-ECONNRESET, ...) */
    int werr;     /* sticky send error (-EPIPE, -ECONNRESET, ...) */
    int closing;  /* close() was called */
    int eof_sent; /* write_eof() shut the write side */
    int64_t idle_ns; /* a read waiting this long for bytes fails with
                      * -ETIMEDOUT (server_opts.h); 0: never */
    int64_t idle_at; /* when the waiting read's idle time ends; 0: no
                      * read waits */
};

/* Wraps a connected non-blocking socket (owned from now on, closed on
 * failure too): 0 or -ENOMEM. */
int tvc__stream_new(tvc_stream **out, int fd, size_t limit);

/* A server's linger after its handler returned (server_opts.h): sends
 * what is left until the absolute deadline, then closes the socket, or
 * resets it if output is still left (dropped and counted).  Interrupted
 * by a cancel (the server closing), it leaves the socket to
 * tvc_stream_free. */
void tvc__stream_linger(tvc_stream *s, int64_t deadline);

/* ---- executor.c --------------------------------------------------------- */

/* Stops the pool: queued jobs finish, workers are joined. */
void tvc__executor_shutdown(void);

/* ---- time --------------------------------------------------------------- */

/* Absolute CLOCK_MONOTONIC ns to a timespec. */
struct timespec tvc__timespec(int64_t ns);

#endif
