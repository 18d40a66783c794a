/*
 * The reactor both loop runtimes drive: a FIFO ready queue, a timer heap
 * and fd readiness, behind a small backend seam (epoll today).  The
 * callback runtime resumes continuations from it, the coroutine runtime
 * resumes coroutines; that is the only difference between the two.
 *
 * Everything is intrusive and caller-owned: a work item, timer or io
 * watcher is a field inside the caller's struct, so the hot paths never
 * allocate.  Not thread-safe except tvc_reactor_post_remote and
 * tvc_reactor_wakeup, which other threads (executor workers) may call.
 *
 * One iteration (tvc_reactor_run_once), in order:
 *   1. poll fds: timeout 0 if work is ready, else until the nearest timer
 *      (or forever when block and there is no timer); io callbacks run as
 *      events are read;
 *   2. expired timers fire, by deadline, ties by start order (sequence);
 *   3. remote posts are moved to the ready queue;
 *   4. the work that was ready when this step began runs, FIFO; work it
 *      posts waits for the next iteration (asyncio's call_soon order).
 */
#ifndef TVC_REACTOR_H
#define TVC_REACTOR_H

#include <stdint.h>

typedef struct tvc_reactor tvc_reactor;

/* A ready-queue item (call_soon). */
typedef struct tvc_rx_work {
    struct tvc_rx_work *next;
    void (*fn)(struct tvc_rx_work *w);
} tvc_rx_work;

/* A one-shot timer. */
typedef struct tvc_rx_timer {
    int64_t deadline;   /* absolute, tvc_now() ns */
    uint64_t seq;       /* start order: ties fire in start order */
    uint32_t slot;      /* heap position + 1; 0 when not armed */
    void (*fn)(struct tvc_rx_timer *t);
} tvc_rx_timer;

enum {
    TVC_RX_READ = 1,
    TVC_RX_WRITE = 2,
    TVC_RX_EDGE = 4,  /* report changes only (edge-triggered) */
    TVC_RX_ERROR = 8, /* revents only: error or hang-up on the fd,
                       * or the peer's FIN (EPOLLRDHUP): a reader must
                       * then recv until EAGAIN or EOF, as no new edge
                       * announces it */
};

/* An fd watcher. */
typedef struct tvc_rx_io {
    int fd;
    uint32_t events;    /* TVC_RX_READ | TVC_RX_WRITE | TVC_RX_EDGE */
    void (*fn)(struct tvc_rx_io *io, uint32_t revents);
} tvc_rx_io;

/* 0 and *out, or -errno (epoll/eventfd creation). */
int tvc_reactor_new(tvc_reactor **out);
void tvc_reactor_free(tvc_reactor *r);

void tvc_reactor_post(tvc_reactor *r, tvc_rx_work *w);
/* From any thread: queue w and wake the reactor. */
void tvc_reactor_post_remote(tvc_reactor *r, tvc_rx_work *w);
/* From any thread: make a blocked poll return. */
void tvc_reactor_wakeup(tvc_reactor *r);

/* Arm (or re-arm) t to call fn at deadline.  0, or -ENOMEM when the
 * timer heap had to grow (past the most timers ever armed at once) and
 * could not: t is then not armed, and the caller reports the error. */
int tvc_reactor_timer_start(tvc_reactor *r, tvc_rx_timer *t,
                            int64_t deadline, void (*fn)(tvc_rx_timer *));
/* Disarm; harmless if not armed. */
void tvc_reactor_timer_stop(tvc_reactor *r, tvc_rx_timer *t);

/* The timer spin margin, process-wide (0, the default: never spin).
 * When the nearest timer is due within ns, a blocking iteration polls
 * fds without sleeping instead of waiting in the kernel, so the loop
 * spins on the CPU until the deadline: while it keeps its CPU, a timer
 * then fires within a clock read of it rather than after the kernel's
 * and hypervisor's wake-up (tens of microseconds in a VM), at the cost of
 * a CPU kept busy for up to ns before every deadline.  When other
 * processes want the CPU, a spinning loop uses up its share and is
 * preempted, and is no better than a sleeping one.  A timer never fires
 * before its deadline either way.  Negative values count as 0. */
void tvc_reactor_timer_spin_set(int64_t ns);
int64_t tvc_reactor_timer_spin_get(void);

/* Watch io->fd for events; 0 or -errno. */
int tvc_reactor_io_start(tvc_reactor *r, tvc_rx_io *io, int fd,
                         uint32_t events, void (*fn)(tvc_rx_io *, uint32_t));
int tvc_reactor_io_modify(tvc_reactor *r, tvc_rx_io *io, uint32_t events);
/* Stop watching; call before closing the fd. */
int tvc_reactor_io_stop(tvc_reactor *r, tvc_rx_io *io);

/* One iteration as described above.  Returns the number of callbacks run,
 * or -errno if polling failed. */
int tvc_reactor_run_once(tvc_reactor *r, int block);

/* Step 4 alone: runs the work ready now (FIFO), without polling fds,
 * firing timers or taking in remote posts; returns the number run.  A
 * loop whose work keeps coming may run a few of these between full
 * iterations to save a poll syscall per wake-up, as long as it runs a
 * full iteration regularly (fds, timers and remote posts wait
 * meanwhile). */
int tvc_reactor_run_ready(tvc_reactor *r);

/* True when the nearest armed timer is due (one clock read; false with
 * no timer).  A loop that runs several tvc_reactor_run_ready steps
 * between full iterations checks it between them, so a due timer waits
 * for one step of ready work, not for the whole run of them. */
int tvc_reactor_timer_due(const tvc_reactor *r);

/* True while anything is queued, armed or watched. */
int tvc_reactor_alive(const tvc_reactor *r);
/* Armed timers and watched fds, for leak reports. */
uint64_t tvc_reactor_timer_count(const tvc_reactor *r);
uint64_t tvc_reactor_io_count(const tvc_reactor *r);

#endif
