/*
 * The timer spin margin (tvc_reactor_timer_spin_set): within it of the
 * nearest timer, a blocking iteration polls without sleeping and fires
 * nothing early; outside it, or with no margin, the iteration waits for
 * the timer.  The spinning step is told apart from a sleeping one by
 * what it returns, not by how long it took: the timer is an hour away,
 * so a step that slept would never come back.
 */
#include "tvc/clock.h"
#include "tvc/reactor.h"
#include "tvc_test.h"

static int fired;

static void on_timer(tvc_rx_timer *t)
{
    fired++;
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    tvc_reactor *rx;
    ASSERT_OK(tvc_reactor_new(&rx));
    ASSERT_EQ(tvc_reactor_timer_spin_get(), 0);

    /* Negative margins count as none. */
    tvc_reactor_timer_spin_set(-5);
    ASSERT_EQ(tvc_reactor_timer_spin_get(), 0);

    /* An hour away, with a two-hour margin: each blocking step polls and
     * returns at once, and the timer stays armed. */
    tvc_rx_timer far = {0};
    tvc_reactor_timer_start(rx, &far, tvc_now() + TVC_SEC(3600), on_timer);
    tvc_reactor_timer_spin_set(TVC_SEC(7200));
    ASSERT_EQ(tvc_reactor_timer_spin_get(), TVC_SEC(7200));
    for (int i = 0; i < 3; i++)
        ASSERT_EQ(tvc_reactor_run_once(rx, 1), 0);
    ASSERT_EQ(fired, 0);
    ASSERT_EQ(tvc_reactor_timer_count(rx), 1);
    tvc_reactor_timer_stop(rx, &far);

    /* Within the margin a near timer still fires only once due: spinning
     * steps until it does, each either 0 (not yet) or 1 (fired). */
    tvc_rx_timer near = {0};
    int64_t due = tvc_now() + TVC_MS(2);
    tvc_reactor_timer_start(rx, &near, due, on_timer);
    while (!fired) {
        int n = tvc_reactor_run_once(rx, 1);
        ASSERT(n == 0 || n == 1);
    }
    ASSERT(tvc_now() >= due);
    ASSERT_EQ(tvc_reactor_timer_count(rx), 0);

    /* Back to sleeping: with no margin a blocking step waits for the
     * timer and fires it in the same step. */
    tvc_reactor_timer_spin_set(0);
    tvc_reactor_timer_start(rx, &near, tvc_now() + TVC_MS(1), on_timer);
    ASSERT_EQ(tvc_reactor_run_once(rx, 1), 1);
    ASSERT_EQ(fired, 2);

    tvc_reactor_free(rx);
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
