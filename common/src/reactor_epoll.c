/*
 * The epoll backend of the reactor (reactor_backend.h).  The only file
 * that knows about epoll: it translates TVC_RX_* flags to epoll's and
 * back, and waits with nanosecond timeouts (epoll_pwait2) so a timer is
 * not rounded up to the next millisecond.
 */
#include "reactor_backend.h"

#include <errno.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "tvc/reactor.h"

/* Events fetched per poll: more wait for the next iteration. */
#define BACKEND_BATCH 256

int tvc__backend_create(void)
{
    /* The kernel may let a timed wait overrun by the thread's timer slack
     * (50 us by default) to batch wake-ups; a loop's timers would all be
     * that late.  Measured here: median lateness of a 200 us epoll wait
     * 73 us with the default slack, 22 us with 1 ns.  It is a property of
     * the calling thread, which is the loop's. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

void tvc__backend_free(int bfd)
{
    if (bfd >= 0)
        close(bfd);
}

static uint32_t to_epoll(uint32_t events)
{
    uint32_t e = 0;
    if (events & TVC_RX_READ)
        e |= EPOLLIN | EPOLLRDHUP;
    if (events & TVC_RX_WRITE)
        e |= EPOLLOUT;
    if (events & TVC_RX_EDGE)
        e |= EPOLLET;
    return e;
}

static int ctl(int bfd, int op, int fd, uint32_t events, void *data)
{
    struct epoll_event ev = {.events = to_epoll(events), .data.ptr = data};
    return epoll_ctl(bfd, op, fd, &ev) < 0 ? -errno : 0;
}

int tvc__backend_add(int bfd, int fd, uint32_t events, void *data)
{
    return ctl(bfd, EPOLL_CTL_ADD, fd, events, data);
}

int tvc__backend_mod(int bfd, int fd, uint32_t events, void *data)
{
    return ctl(bfd, EPOLL_CTL_MOD, fd, events, data);
}

int tvc__backend_del(int bfd, int fd)
{
    /* A non-NULL event keeps kernels before 2.6.9 happy; harmless now. */
    struct epoll_event ev = {0};
    return epoll_ctl(bfd, EPOLL_CTL_DEL, fd, &ev) < 0 ? -errno : 0;
}

/* Set once epoll_pwait2 said ENOSYS; every loop then uses epoll_wait. */
static _Atomic int pwait2_missing;

int tvc__backend_poll(int bfd, int64_t timeout_ns, tvc__rx_event *out, int max)
{
    struct epoll_event evs[BACKEND_BATCH];
    if (max > BACKEND_BATCH)
        max = BACKEND_BATCH;
    struct timespec ts, *tsp = NULL;
    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000;
        ts.tv_nsec = timeout_ns % 1000000000;
        tsp = &ts;
    }
    int n = pwait2_missing ? -1 : epoll_pwait2(bfd, evs, max, tsp, NULL);
    if (n < 0 && (pwait2_missing || errno == ENOSYS)) {
        /* Kernels before 5.11, and Valgrind, lack epoll_pwait2: wait in
         * milliseconds, rounded up so a timer never fires early. */
        pwait2_missing = 1;
        int ms = timeout_ns < 0 ? -1 : (int)((timeout_ns + 999999) / 1000000);
        n = epoll_wait(bfd, evs, max, ms);
    }
    if (n < 0)
        return errno == EINTR ? 0 : -errno;
    for (int i = 0; i < n; i++) {
        uint32_t e = evs[i].events, r = 0;
        /* A hang-up or error also reads as readable: the reader's next
         * recv reports EOF or the error, which is where it belongs. */
        if (e & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            r |= TVC_RX_READ;
        if (e & (EPOLLOUT | EPOLLHUP | EPOLLERR))
            r |= TVC_RX_WRITE;
        /* The peer's FIN (RDHUP) counts as a hang-up too: an
         * edge-triggered reader that stops at a short recv must know
         * that an EOF waits behind the bytes, for no new edge will tell
         * (readop.h). */
        if (e & (EPOLLRDHUP | EPOLLHUP | EPOLLERR))
            r |= TVC_RX_ERROR;
        out[i].data = evs[i].data.ptr;
        out[i].revents = r;
    }
    return n;
}
