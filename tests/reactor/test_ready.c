/*
 * The ready queue: work runs FIFO, and work posted while a step runs
 * waits for the next iteration (asyncio's call_soon order); run_ready
 * runs that step alone, leaving due timers for a full iteration.
 */
#include "tvc/clock.h"
#include "tvc/reactor.h"
#include "tvc_test.h"

typedef struct item {
    tvc_rx_work work; /* first: the callback casts back */
    int id;
    int repost; /* posts item id+100 when it runs */
    tvc_reactor *r;
} item;

static int order[16];
static int norder;
static item later[4];

static void run_item(tvc_rx_work *w)
{
    item *it = (item *)w;
    order[norder++] = it->id;
    if (it->repost) {
        item *n = &later[it->id];
        n->work.fn = run_item;
        n->id = it->id + 100;
        n->r = it->r;
        tvc_reactor_post(it->r, &n->work);
    }
}

static int timer_fired;

static void fired(tvc_rx_timer *t)
{
    timer_fired++;
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    tvc_reactor *r;
    ASSERT_OK(tvc_reactor_new(&r));
    ASSERT(!tvc_reactor_alive(r));

    item items[4];
    for (int i = 0; i < 4; i++) {
        items[i].work.fn = run_item;
        items[i].id = i;
        items[i].repost = (i == 1 || i == 2);
        items[i].r = r;
        tvc_reactor_post(r, &items[i].work);
    }
    ASSERT(tvc_reactor_alive(r));

    /* First iteration: exactly the four queued, in order. */
    ASSERT_EQ(tvc_reactor_run_once(r, 1), 4);
    ASSERT_EQ(norder, 4);
    for (int i = 0; i < 4; i++)
        ASSERT_EQ(order[i], i);

    /* The two they posted run next, in posting order. */
    ASSERT(tvc_reactor_alive(r));
    ASSERT_EQ(tvc_reactor_run_once(r, 1), 2);
    ASSERT_EQ(norder, 6);
    ASSERT_EQ(order[4], 101);
    ASSERT_EQ(order[5], 102);

    /* Nothing left: a non-blocking step does nothing. */
    ASSERT(!tvc_reactor_alive(r));
    ASSERT_EQ(tvc_reactor_run_once(r, 0), 0);

    /* run_ready: the ready work only; a due timer waits for a full
     * iteration. */
    norder = 0;
    tvc_rx_timer timer = {0};
    tvc_reactor_timer_start(r, &timer, tvc_now() - TVC_SEC(1), fired);
    items[0].repost = 1;
    tvc_reactor_post(r, &items[0].work);
    ASSERT_EQ(tvc_reactor_run_ready(r), 1);
    ASSERT_EQ(tvc_reactor_run_ready(r), 1); /* what it posted */
    ASSERT_EQ(tvc_reactor_run_ready(r), 0);
    ASSERT_EQ(norder, 2);
    ASSERT_EQ(timer_fired, 0);
    ASSERT_EQ(tvc_reactor_run_once(r, 0), 1);
    ASSERT_EQ(timer_fired, 1);

    tvc_reactor_free(r);
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
