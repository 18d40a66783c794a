/*
 * The one interruptible wait of the threaded runtime.  Every thread that
 * blocks in the API owns a waiter: a mutex and a condition variable on
 * CLOCK_MONOTONIC, plus the cancel state.  A wait is a set of clauses --
 * "the thing I wait for fired", "the deadline passed", "I was cancelled" --
 * checked under the waiter's mutex before each sleep, and every event that
 * makes a clause true signals the waiter's condition variable under the
 * same mutex, so no wake-up is lost.  Locks, events, queues, futures and
 * sleeps all park here (waitq.c, await.c, sleep.c).
 *
 * Sockets cannot wait on a condition variable, so they wait in ppoll(),
 * and cancellation reaches them by a signal.  Why a signal and not an
 * eventfd per thread: the echo workload runs thousands of connection
 * threads under `ulimit -n` 20000, and one extra fd per thread would halve
 * how many connections fit.  SIGURG is blocked in every runtime thread and
 * unblocked only inside ppoll() through its sigmask argument, so "check the
 * cancel flag, then wait" is race-free: a signal sent after the check stays
 * pending and interrupts ppoll() the moment it starts.  tvc_cancel sends it
 * only while the target is inside such a wait (in_fd_wait, under the
 * waiter's mutex), so the target thread is alive when pthread_kill runs.
 * SIGURG because its default action is to ignore it (a stray one is
 * harmless), it is not a real-time signal (repeated cancels do not queue
 * up), and nothing else in the suite uses out-of-band socket data.
 */
#include "internal.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <time.h>

enum { WAKE_SIGNAL = SIGURG };

/* The waiter of the calling thread; NULL until first use or attach. */
static __thread tvc__waiter *self;
/* The signal mask ppoll() waits with: the thread's mask minus SIGURG. */
static __thread sigset_t poll_mask;
static __thread int have_poll_mask;

/* Frees the waiter made on demand for a thread the runtime did not
 * create, when that thread exits. */
static pthread_key_t foreign_key;
static pthread_once_t foreign_once = PTHREAD_ONCE_INIT;

static struct sigaction old_action;
static sigset_t old_mask;

struct timespec tvc__timespec(int64_t ns)
{
    struct timespec ts = {.tv_sec = ns / 1000000000,
                          .tv_nsec = ns % 1000000000};
    return ts;
}

void tvc__waiter_init(tvc__waiter *w, int cancellable)
{
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&w->mu, NULL);
    w->cancel_pending = 0;
    w->cancel_requested = 0;
    w->cancellable = cancellable;
    w->in_fd_wait = 0;
}

void tvc__waiter_destroy(tvc__waiter *w)
{
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
}

static void foreign_free(void *p)
{
    tvc__waiter_destroy(p);
    free(p);
}

static void foreign_key_make(void)
{
    pthread_key_create(&foreign_key, foreign_free);
}

tvc__waiter *tvc__waiter_attach(tvc__waiter *w)
{
    tvc__waiter *prev = self;
    self = w;
    return prev;
}

tvc__waiter *tvc__waiter_self(void)
{
    if (self)
        return self;
    /* A thread we did not create waits on the API (a test's helper
     * thread, say): it gets a waiter nobody can cancel.  Out of memory
     * here has no error path in a void wait, so it aborts. */
    pthread_once(&foreign_once, foreign_key_make);
    tvc__waiter *w = malloc(sizeof *w);
    if (!w)
        abort();
    tvc__waiter_init(w, 0);
    pthread_setspecific(foreign_key, w);
    self = w;
    return w;
}

int tvc__park(tvc__waiter *w, _Atomic int *fired, int64_t deadline, int flags)
{
    struct timespec ts = tvc__timespec(deadline > 0 ? deadline : 0);
    int r = 0, timed_out = deadline >= 0 && deadline <= tvc_now();
    pthread_mutex_lock(&w->mu);
    for (;;) {
        if (fired && atomic_load(fired)) {
            r = 0;
            break;
        }
        if (w->cancel_pending && !(flags & TVC__PARK_UNINTERRUPTIBLE)) {
            r = -ECANCELED;
            break;
        }
        if (timed_out) {
            r = -ETIMEDOUT;
            break;
        }
        if (deadline < 0)
            pthread_cond_wait(&w->cv, &w->mu);
        else if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT)
            timed_out = 1;
    }
    pthread_mutex_unlock(&w->mu);
    return r;
}

void tvc__waiter_fire(tvc__waiter *w, _Atomic int *fired)
{
    pthread_mutex_lock(&w->mu);
    atomic_store(fired, 1);
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void tvc__waiter_cancel(tvc__waiter *w)
{
    pthread_mutex_lock(&w->mu);
    w->cancel_requested = 1;
    if (w->cancellable) {
        w->cancel_pending = 1;
        pthread_cond_signal(&w->cv);
        if (w->in_fd_wait)
            pthread_kill(w->thread, WAKE_SIGNAL);
    }
    pthread_mutex_unlock(&w->mu);
}

int tvc__cancel_take(tvc__waiter *w)
{
    pthread_mutex_lock(&w->mu);
    int r = w->cancel_pending ? -ECANCELED : 0;
    w->cancel_pending = 0;
    pthread_mutex_unlock(&w->mu);
    return r;
}

int tvc__wait_fd(int fd, short events, int64_t deadline)
{
    tvc__waiter *w = tvc__waiter_self();
    if (!have_poll_mask) {
        pthread_sigmask(SIG_SETMASK, NULL, &poll_mask);
        sigdelset(&poll_mask, WAKE_SIGNAL);
        have_poll_mask = 1;
    }
    for (;;) {
        pthread_mutex_lock(&w->mu);
        if (w->cancel_pending) {
            w->cancel_pending = 0;
            pthread_mutex_unlock(&w->mu);
            return -ECANCELED;
        }
        w->in_fd_wait = 1;
        w->thread = pthread_self();
        pthread_mutex_unlock(&w->mu);

        struct timespec ts, *tsp = NULL;
        if (deadline >= 0) {
            int64_t left = deadline - tvc_now();
            ts = tvc__timespec(left > 0 ? left : 0);
            tsp = &ts;
        }
        struct pollfd p = {.fd = fd, .events = events};
        int n = ppoll(&p, 1, tsp, &poll_mask);
        int err = errno;

        pthread_mutex_lock(&w->mu);
        w->in_fd_wait = 0;
        pthread_mutex_unlock(&w->mu);
        /* Ready includes POLLERR/POLLHUP: the caller's next syscall tells
         * which error. */
        if (n > 0)
            return 0;
        if (n == 0)
            return -ETIMEDOUT;
        if (err != EINTR)
            return -err;
    }
}

/* Only there to make ppoll() return EINTR. */
static void on_wake_signal(int sig)
{
    (void)sig;
}

void tvc__signal_setup(void)
{
    struct sigaction sa = {.sa_handler = on_wake_signal};
    sigemptyset(&sa.sa_mask);
    sigaction(WAKE_SIGNAL, &sa, &old_action);
    sigset_t block;
    sigemptyset(&block);
    sigaddset(&block, WAKE_SIGNAL);
    pthread_sigmask(SIG_BLOCK, &block, &old_mask);
}

void tvc__signal_restore(void)
{
    pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
    sigaction(WAKE_SIGNAL, &old_action, NULL);
}
