/*
 * fd readiness through the reactor, on a socketpair: level-triggered
 * watchers report readable every iteration until drained, edge-triggered
 * ones once per change; modify switches interest; a watcher stopped by an
 * earlier callback in the same batch is not called.
 */
#include <sys/socket.h>
#include <unistd.h>

#include "tvc/reactor.h"
#include "tvc_test.h"

typedef struct watch {
    tvc_rx_io io; /* first: the callback casts back */
    int calls;
    uint32_t last;        /* revents of the last call */
    struct watch *victim; /* stopped from this watcher's callback */
    tvc_reactor *r;
} watch;

static void on_io(tvc_rx_io *io, uint32_t revents)
{
    watch *w = (watch *)io;
    w->calls++;
    w->last = revents;
    if (w->victim) {
        ASSERT_OK(tvc_reactor_io_stop(w->r, &w->victim->io));
        w->victim = NULL;
    }
}

static void level_and_edge(tvc_reactor *r)
{
    int sv[2];
    ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv));
    watch lv = {.r = r}, ed = {.r = r};
    int dup0 = dup(sv[0]);
    ASSERT_OK(tvc_reactor_io_start(r, &lv.io, sv[0], TVC_RX_READ, on_io));
    ASSERT_OK(tvc_reactor_io_start(r, &ed.io, dup0, TVC_RX_READ | TVC_RX_EDGE,
                                   on_io));
    ASSERT_EQ(tvc_reactor_io_count(r), 2);

    /* Nothing to read yet. */
    ASSERT_EQ(tvc_reactor_run_once(r, 0), 0);
    ASSERT_EQ(write(sv[1], "x", 1), 1);
    ASSERT_EQ(tvc_reactor_run_once(r, 0), 2);
    ASSERT_EQ(lv.calls, 1);
    ASSERT_EQ(ed.calls, 1);
    ASSERT_EQ(lv.last, TVC_RX_READ);

    /* Not drained: level reports again, edge stays quiet. */
    ASSERT_EQ(tvc_reactor_run_once(r, 0), 1);
    ASSERT_EQ(lv.calls, 2);
    ASSERT_EQ(ed.calls, 1);

    /* New data is a new edge. */
    ASSERT_EQ(write(sv[1], "y", 1), 1);
    ASSERT_EQ(tvc_reactor_run_once(r, 0), 2);
    ASSERT_EQ(ed.calls, 2);

    /* Drained: both quiet. */
    char buf[8];
    ASSERT_EQ(read(sv[0], buf, sizeof buf), 2);
    ASSERT_EQ(tvc_reactor_run_once(r, 0), 0);

    /* Modify to writable: the socket has room, so it reports WRITE. */
    ASSERT_OK(tvc_reactor_io_modify(r, &lv.io, TVC_RX_WRITE));
    ASSERT_EQ(tvc_reactor_run_once(r, 0), 1);
    ASSERT_EQ(lv.last, TVC_RX_WRITE);
    ASSERT_OK(tvc_reactor_io_modify(r, &lv.io, TVC_RX_READ));

    /* The peer goes away: readable with an error flag or EOF. */
    close(sv[1]);
    ASSERT_EQ(tvc_reactor_run_once(r, 0), 2);
    ASSERT(lv.last & TVC_RX_READ);
    ASSERT(ed.last & TVC_RX_READ);
    ASSERT_EQ(read(sv[0], buf, sizeof buf), 0);

    ASSERT_OK(tvc_reactor_io_stop(r, &lv.io));
    ASSERT_OK(tvc_reactor_io_stop(r, &ed.io));
    ASSERT_EQ(tvc_reactor_io_count(r), 0);
    close(sv[0]);
    close(dup0);
}

/* Two watchers ready in one batch; whichever runs first stops the other,
 * which must then not be called. */
static void stop_in_batch(tvc_reactor *r)
{
    int a[2], b[2];
    ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, a));
    ASSERT_OK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, b));
    watch x = {.r = r}, y = {.r = r};
    x.victim = &y;
    y.victim = &x;
    ASSERT_OK(tvc_reactor_io_start(r, &x.io, a[0], TVC_RX_READ, on_io));
    ASSERT_OK(tvc_reactor_io_start(r, &y.io, b[0], TVC_RX_READ, on_io));
    ASSERT_EQ(write(a[1], "x", 1), 1);
    ASSERT_EQ(write(b[1], "y", 1), 1);
    ASSERT_EQ(tvc_reactor_run_once(r, 0), 1);
    ASSERT_EQ(x.calls + y.calls, 1);
    ASSERT_EQ(tvc_reactor_io_count(r), 1);
    ASSERT_OK(tvc_reactor_io_stop(r, x.calls ? &x.io : &y.io));
    ASSERT(!tvc_reactor_alive(r));
    for (int i = 0; i < 2; i++) {
        close(a[i]);
        close(b[i]);
    }
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    tvc_reactor *r;
    ASSERT_OK(tvc_reactor_new(&r));
    level_and_edge(r);
    stop_in_batch(r);
    tvc_reactor_free(r);
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
