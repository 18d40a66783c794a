/*
 * tvc-timer-floor: the floor under the timers workload's lateness.  It
 * takes the workload's parameters and draws (timers_spec.c), arms the
 * same N deadlines, and fires them with the least a loop can do: no heap,
 * no tasks, no callbacks, only the deadlines sorted once, one wait in the
 * kernel until the next (epoll_pwait2 with a nanosecond timeout and 1 ns
 * timer slack, as the reactor's backend waits) and one clock read and
 * store per timer.  Its record has the runtimes' shape, with runtime
 * "floor", so a report puts it beside them at the same point: what is
 * left between a runtime's lateness and this is the runtime's own; what
 * is here is the kernel's and the hypervisor's wake-up, and the other
 * processes on the machine.
 *
 * It honours --timer_spin_ns as the reactor does (tvc_reactor_timer_spin):
 * within that margin of the next deadline it polls instead of sleeping.
 *
 * usage: tvc-timer-floor timers [--tasks=N --max_sleep_ns=NS ...]
 */
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "tvc/reactor.h"
#include "wl_spec.h"

/* The epoll fd the floor waits on, with nothing registered: the wait is
 * the timeout alone. */
static int floor_epfd = -1;

/* Sleeps until about deadline (now is the clock read just before). */
static void wait_until(int64_t deadline, int64_t now)
{
    int64_t left = deadline - now - tvc_reactor_timer_spin_get();
    if (left < 0)
        left = 0;
    struct timespec ts = {left / 1000000000, left % 1000000000};
    struct epoll_event ev;
    epoll_pwait2(floor_epfd, &ev, 1, &ts, NULL);
}

/* Orders sleepers by duration, ties by index: the reactor's (deadline,
 * start sequence) order, since the runtimes arm them in index order. */
static int by_sleep(const void *a, const void *b)
{
    const wl_sleeper *x = *(wl_sleeper *const *)a;
    const wl_sleeper *y = *(wl_sleeper *const *)b;
    if (x->sleep_ns != y->sleep_ns)
        return x->sleep_ns < y->sleep_ns ? -1 : 1;
    return x < y ? -1 : x > y;
}

static int floor_timers_run(tvc_wl *w)
{
    int64_t n = tvc_wl_int(w, "tasks");
    int64_t max_sleep = tvc_wl_int(w, "max_sleep_ns");
    if (wl_timers_setup(w) < 0)
        return 0;
    wl_sleeper *s = wl_sleepers_new(n, max_sleep, tvc_wl_int(w, "seed"),
                                    wl_sleepers_base(w));
    wl_sleeper **order = malloc((size_t)n * sizeof *order);
    if (!s || !order) {
        free(s);
        free(order);
        return -ENOMEM;
    }
    /* Sorted before arming, so the sort is not in the lateness.  With
     * --start_ns every due is base + sleep and this is their order; without
     * it a due also has its arming time in it, which the arming loop
     * spreads over a few microseconds at most, and the loop below fires
     * nothing before its due either way. */
    for (int64_t i = 0; i < n; i++)
        order[i] = &s[i];
    qsort(order, (size_t)n, sizeof *order, by_sleep);
    for (int64_t i = 0; i < n; i++)
        wl_sleeper_arm(&s[i]);

    int64_t k = 0, early = 0;
    while (k < n) {
        wl_sleeper *next = order[k];
        int64_t now = tvc_now();
        if (now < next->due) {
            wait_until(next->due, now);
            continue;
        }
        next->late_ns = now - next->due;
        k++;
    }
    for (int64_t i = 0; i < n; i++)
        early += s[i].late_ns < 0;
    wl_timers_report(w, 0, s, n, n, n, early);
    free(order);
    free(s);
    return 0;
}

static const tvc_workload floor_timers = {
    "timers",
    wl_timers_summary,
    wl_timers_params,
    floor_timers_run,
};

static const tvc_workload *const workloads[] = {&floor_timers, NULL};

static int invoke(const tvc_workload *wl, tvc_wl *w)
{
    /* The reactor's backend sets the same slack, for the same reason. */
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    floor_epfd = epoll_create1(EPOLL_CLOEXEC);
    if (floor_epfd < 0)
        return -errno;
    int rc = wl->run(w);
    close(floor_epfd);
    return rc;
}

int main(int argc, char **argv)
{
    return tvc_wl_main(argc, argv, "floor", workloads, invoke);
}
