/*
 * The common reactor (reactor.h): one iteration polls fds, fires expired
 * timers, takes in work posted from other threads and runs the work that
 * was ready, in that order.  The kernel side lives behind the backend
 * seam (reactor_backend.h), the timers in timerheap.c; this file owns the
 * ready queue, the remote-post list with its eventfd, and the order.
 */
#include "tvc/reactor.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "reactor_backend.h"
#include "timerheap.h"
#include "tvc/clock.h"

/* Readiness events handled per iteration. */
#define RX_BATCH 256

struct tvc_reactor {
    int bfd;                        /* the backend (epoll) fd */
    tvc_rx_work *ready_head;        /* FIFO of work to run, linked by next */
    tvc_rx_work *ready_tail;        /* last item, to append in O(1) */
    tvc__timerheap timers;          /* armed timers by (deadline, seq) */
    uint64_t seq;                   /* next timer start number */
    uint64_t nio;                   /* watched fds, the wake-up eventfd apart */
    tvc__rx_event events[RX_BATCH]; /* the batch being dispatched */
    int nevents;                    /* events in the batch */
    int ievent;                     /* index being dispatched: io_stop clears
                                     * later entries of a stopped watcher */
    pthread_mutex_t lock;           /* guards the three remote fields below */
    tvc_rx_work *remote_head;       /* posted by other threads, FIFO */
    tvc_rx_work *remote_tail;
    int wake_pending;  /* eventfd written since the last intake */
    int efd;           /* eventfd that makes a poll return */
    tvc_rx_io wake_io; /* the reactor's own watcher of efd */
};

static void on_wake(tvc_rx_io *io, uint32_t revents)
{
    uint64_t v;
    /* Drain the counter; EAGAIN means another read got there first. */
    if (read(io->fd, &v, sizeof v) < 0 && errno != EAGAIN)
        perror("tvc reactor: eventfd read");
}

int tvc_reactor_new(tvc_reactor **out)
{
    tvc_reactor *r = calloc(1, sizeof *r);
    if (!r)
        return -ENOMEM;
    r->efd = -1;
    tvc__timerheap_init(&r->timers);
    r->bfd = tvc__backend_create();
    int err = r->bfd;
    if (err < 0)
        goto fail;
    r->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (r->efd < 0) {
        err = -errno;
        goto fail;
    }
    r->wake_io.fd = r->efd;
    r->wake_io.events = TVC_RX_READ;
    r->wake_io.fn = on_wake;
    err = tvc__backend_add(r->bfd, r->efd, TVC_RX_READ, &r->wake_io);
    if (err < 0)
        goto fail;
    pthread_mutex_init(&r->lock, NULL);
    *out = r;
    return 0;
fail:
    if (r->efd >= 0)
        close(r->efd);
    tvc__backend_free(r->bfd);
    free(r);
    return err;
}

void tvc_reactor_free(tvc_reactor *r)
{
    if (!r)
        return;
    tvc__timerheap_free(&r->timers);
    close(r->efd);
    tvc__backend_free(r->bfd);
    pthread_mutex_destroy(&r->lock);
    free(r);
}

/* ---- ready queue ---------------------------------------------------- */

void tvc_reactor_post(tvc_reactor *r, tvc_rx_work *w)
{
    w->next = NULL;
    if (r->ready_tail)
        r->ready_tail->next = w;
    else
        r->ready_head = w;
    r->ready_tail = w;
}

void tvc_reactor_post_remote(tvc_reactor *r, tvc_rx_work *w)
{
    w->next = NULL;
    pthread_mutex_lock(&r->lock);
    if (r->remote_tail)
        r->remote_tail->next = w;
    else
        r->remote_head = w;
    r->remote_tail = w;
    int wake = !r->wake_pending;
    r->wake_pending = 1;
    pthread_mutex_unlock(&r->lock);
    /* One write per intake is enough: the loop takes the whole list. */
    if (wake)
        tvc_reactor_wakeup(r);
}

void tvc_reactor_wakeup(tvc_reactor *r)
{
    uint64_t one = 1;
    /* EAGAIN: the counter is saturated, so a wake-up is already due. */
    if (write(r->efd, &one, sizeof one) < 0 && errno != EAGAIN)
        perror("tvc reactor: eventfd write");
}

/* Moves remote posts to the end of the ready queue. */
static void take_remote(tvc_reactor *r)
{
    pthread_mutex_lock(&r->lock);
    tvc_rx_work *head = r->remote_head, *tail = r->remote_tail;
    r->remote_head = r->remote_tail = NULL;
    r->wake_pending = 0;
    pthread_mutex_unlock(&r->lock);
    if (!head)
        return;
    if (r->ready_tail)
        r->ready_tail->next = head;
    else
        r->ready_head = head;
    r->ready_tail = tail;
}

/* Runs the work queued now; what it posts waits for the next call. */
static int run_ready(tvc_reactor *r)
{
    tvc_rx_work *w = r->ready_head;
    r->ready_head = r->ready_tail = NULL;
    int ran = 0;
    while (w) {
        /* fn may free or re-post w, which rewrites w->next. */
        tvc_rx_work *next = w->next;
        w->fn(w);
        ran++;
        w = next;
    }
    return ran;
}

/* ---- timers ----------------------------------------------------------- */

int tvc_reactor_timer_start(tvc_reactor *r, tvc_rx_timer *t, int64_t deadline,
                            void (*fn)(tvc_rx_timer *))
{
    if (t->slot)
        tvc__timerheap_remove(&r->timers, t);
    t->deadline = deadline;
    t->seq = r->seq++;
    t->fn = fn;
    /* Re-arming never grows the heap; a first arm past the largest size
     * so far may, and fail. */
    return tvc__timerheap_push(&r->timers, t);
}

void tvc_reactor_timer_stop(tvc_reactor *r, tvc_rx_timer *t)
{
    if (t->slot)
        tvc__timerheap_remove(&r->timers, t);
}

/* The spin margin (tvc_reactor_timer_spin_set); relaxed: a plain
 * setting, read once per poll. */
static _Atomic int64_t timer_spin_ns;

void tvc_reactor_timer_spin_set(int64_t ns)
{
    atomic_store_explicit(&timer_spin_ns, ns > 0 ? ns : 0,
                          memory_order_relaxed);
}

int64_t tvc_reactor_timer_spin_get(void)
{
    return atomic_load_explicit(&timer_spin_ns, memory_order_relaxed);
}

/* Fires the timers due by now that were armed before this step: one
 * re-armed from its own callback at a past deadline waits for the next
 * iteration instead of spinning here.  The clock is read again only
 * when the batch reaches a timer not due at the last read: the callbacks
 * took time, and a timer that fell due meanwhile fires now rather than
 * after another poll (a syscall, and a sleep if the loop blocks). */
static int run_timers(tvc_reactor *r)
{
    int64_t now = tvc_now();
    uint64_t seq_end = r->seq;
    int ran = 0;
    tvc_rx_timer *t;
    while ((t = tvc__timerheap_min(&r->timers)) && t->seq < seq_end) {
        if (t->deadline > now && t->deadline > (now = tvc_now()))
            break;
        tvc__timerheap_remove(&r->timers, t);
        t->fn(t);
        ran++;
    }
    return ran;
}

int tvc_reactor_timer_due(const tvc_reactor *r)
{
    /* The heap's copy of the deadline: the coroutine scheduler asks
     * after every batch of resumes, and the timer itself (inside a
     * sleeping task) is further away than the heap's first line. */
    return r->timers.n && r->timers.a[0].deadline <= tvc_now();
}

/* ---- fds --------------------------------------------------------------- */

int tvc_reactor_io_start(tvc_reactor *r, tvc_rx_io *io, int fd, uint32_t events,
                         void (*fn)(tvc_rx_io *, uint32_t))
{
    io->fd = fd;
    io->events = events;
    io->fn = fn;
    int err = tvc__backend_add(r->bfd, fd, events, io);
    if (err == 0)
        r->nio++;
    return err;
}

int tvc_reactor_io_modify(tvc_reactor *r, tvc_rx_io *io, uint32_t events)
{
    int err = tvc__backend_mod(r->bfd, io->fd, events, io);
    if (err == 0)
        io->events = events;
    return err;
}

int tvc_reactor_io_stop(tvc_reactor *r, tvc_rx_io *io)
{
    int err = tvc__backend_del(r->bfd, io->fd);
    r->nio--;
    /* Events of this batch not yet dispatched must not reach a watcher
     * that may be freed as soon as we return. */
    for (int i = r->ievent + 1; i < r->nevents; i++)
        if (r->events[i].data == io)
            r->events[i].data = NULL;
    return err;
}

static int poll_io(tvc_reactor *r, int block)
{
    int64_t timeout = 0;
    if (block && !r->ready_head) {
        tvc_rx_timer *t = tvc__timerheap_min(&r->timers);
        timeout = TVC_FOREVER;
        if (t) {
            /* Within the spin margin the poll does not block: the loop
             * comes back here until the timer is due. */
            int64_t spin = tvc_reactor_timer_spin_get();
            int64_t left = t->deadline - tvc_now() - spin;
            timeout = left > 0 ? left : 0;
        }
    }
    int n = tvc__backend_poll(r->bfd, timeout, r->events, RX_BATCH);
    if (n < 0)
        return n;
    int ran = 0;
    r->nevents = n;
    for (r->ievent = 0; r->ievent < n; r->ievent++) {
        tvc_rx_io *io = r->events[r->ievent].data;
        if (!io)
            continue;
        uint32_t want =
            (io->events & (TVC_RX_READ | TVC_RX_WRITE)) | TVC_RX_ERROR;
        uint32_t revents = r->events[r->ievent].revents & want;
        if (!revents)
            continue;
        io->fn(io, revents);
        if (io != &r->wake_io)
            ran++;
    }
    r->nevents = r->ievent = 0;
    return ran;
}

/* ---- the iteration ----------------------------------------------------- */

int tvc_reactor_run_once(tvc_reactor *r, int block)
{
    int ran = poll_io(r, block);
    if (ran < 0)
        return ran;
    ran += run_timers(r);
    take_remote(r);
    ran += run_ready(r);
    return ran;
}

int tvc_reactor_run_ready(tvc_reactor *r)
{
    return run_ready(r);
}

int tvc_reactor_alive(const tvc_reactor *r)
{
    if (r->ready_head || r->timers.n || r->nio)
        return 1;
    tvc_reactor *m = (tvc_reactor *)r; /* the lock is not the state */
    pthread_mutex_lock(&m->lock);
    int remote = m->remote_head != NULL;
    pthread_mutex_unlock(&m->lock);
    return remote;
}

uint64_t tvc_reactor_timer_count(const tvc_reactor *r)
{
    return r->timers.n;
}

uint64_t tvc_reactor_io_count(const tvc_reactor *r)
{
    return r->nio;
}
