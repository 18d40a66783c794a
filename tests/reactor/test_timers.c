/*
 * The timer heap through the reactor: timers fire by deadline, equal
 * deadlines in start order; stop and restart; a timer re-armed in its own
 * callback at a past deadline fires in the next iteration, not the same
 * one; the heap grows past its first allocation and shrinks back.
 * Deadlines are in the past, so stepping fires them without waiting.
 */
#include "tvc/clock.h"
#include "tvc/reactor.h"
#include "tvc_test.h"

typedef struct tm {
    tvc_rx_timer timer; /* first: the callback casts back */
    int id;
    int rearm; /* times left to re-arm itself */
} tm;

static int order[8192];
static int norder;
static tvc_reactor *rx;

static void fired(tvc_rx_timer *t)
{
    tm *x = (tm *)t;
    ASSERT_EQ(t->slot, 0); /* disarmed before its callback runs */
    ASSERT_LT(norder, 8192);
    order[norder++] = x->id;
    if (x->rearm-- > 0)
        tvc_reactor_timer_start(rx, t, 0, fired);
}

static void reset(void)
{
    norder = 0;
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT_OK(tvc_reactor_new(&rx));
    int64_t past = tvc_now() - TVC_SEC(10);

    /* By deadline, then by start order for equal deadlines. */
    tm t[6] = {0};
    int64_t dl[6] = {past + 5, past + 1, past + 3,
                     past + 1, past + 3, past + 0};
    for (int i = 0; i < 6; i++) {
        t[i].id = i;
        tvc_reactor_timer_start(rx, &t[i].timer, dl[i], fired);
    }
    ASSERT_EQ(tvc_reactor_timer_count(rx), 6);
    ASSERT_EQ(tvc_reactor_run_once(rx, 1), 6);
    int want[6] = {5, 1, 3, 2, 4, 0};
    for (int i = 0; i < 6; i++)
        ASSERT_EQ(order[i], want[i]);
    ASSERT_EQ(tvc_reactor_timer_count(rx), 0);
    ASSERT(!tvc_reactor_alive(rx));

    /* Stop: a stopped timer never fires; stopping twice is harmless. */
    reset();
    tvc_reactor_timer_start(rx, &t[0].timer, past, fired);
    tvc_reactor_timer_start(rx, &t[1].timer, past, fired);
    tvc_reactor_timer_stop(rx, &t[0].timer);
    tvc_reactor_timer_stop(rx, &t[0].timer);
    ASSERT_EQ(tvc_reactor_run_once(rx, 1), 1);
    ASSERT_EQ(norder, 1);
    ASSERT_EQ(order[0], 1);

    /* Restart: re-arming moves a timer behind one started later at the
     * same deadline, and a far deadline keeps it from firing. */
    reset();
    int64_t far = tvc_now() + TVC_SEC(3600);
    tvc_reactor_timer_start(rx, &t[0].timer, past, fired);
    tvc_reactor_timer_start(rx, &t[1].timer, past, fired);
    tvc_reactor_timer_start(rx, &t[2].timer, past, fired);
    tvc_reactor_timer_start(rx, &t[0].timer, past, fired);
    tvc_reactor_timer_start(rx, &t[1].timer, far, fired);
    ASSERT_EQ(tvc_reactor_timer_count(rx), 3);
    ASSERT_EQ(tvc_reactor_run_once(rx, 0), 2);
    ASSERT_EQ(order[0], 2);
    ASSERT_EQ(order[1], 0);
    ASSERT_EQ(tvc_reactor_timer_count(rx), 1);
    ASSERT(tvc_reactor_alive(rx));
    tvc_reactor_timer_stop(rx, &t[1].timer);
    ASSERT(!tvc_reactor_alive(rx));

    /* Re-armed from its own callback: once per iteration. */
    reset();
    t[3].rearm = 2;
    tvc_reactor_timer_start(rx, &t[3].timer, past, fired);
    for (int i = 1; i <= 3; i++) {
        ASSERT_EQ(tvc_reactor_run_once(rx, 0), 1);
        ASSERT_EQ(norder, i);
    }
    ASSERT_EQ(tvc_reactor_timer_count(rx), 0);

    /* Many timers, removed from the middle: the rest still fire in
     * deadline order (ids are the deadlines' offsets). */
    enum { MANY = 1000 };
    static tm many[MANY];
    reset();
    for (int i = 0; i < MANY; i++) {
        many[i].id = (i * 7919) % MANY; /* a permutation of 0..MANY-1 */
        many[i].rearm = 0;
        tvc_reactor_timer_start(rx, &many[i].timer, past + many[i].id, fired);
    }
    for (int i = 0; i < MANY; i += 3)
        tvc_reactor_timer_stop(rx, &many[i].timer);
    uint64_t left = tvc_reactor_timer_count(rx);
    ASSERT_EQ(left, MANY - (MANY + 2) / 3);
    ASSERT_EQ(tvc_reactor_run_once(rx, 0), (int)left);
    ASSERT_EQ(norder, (int)left);
    for (int i = 1; i < norder; i++)
        ASSERT_GT(order[i], order[i - 1]);
    ASSERT_EQ(tvc_reactor_timer_count(rx), 0);

    /* Random starts, restarts and stops (many equal deadlines): what
     * fires is exactly what is armed, in (deadline, start order). */
    enum { RANDOM = 5000 };
    static tm rnd_t[RANDOM];
    static int armed[RANDOM];
    uint64_t x = 88172645463325252ULL;
    for (int step = 0; step < 4 * RANDOM; step++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        int i = (int)(x % RANDOM);
        if ((x >> 20) % 4 == 0) {
            tvc_reactor_timer_stop(rx, &rnd_t[i].timer);
            armed[i] = 0;
        } else {
            rnd_t[i].id = i;
            tvc_reactor_timer_start(rx, &rnd_t[i].timer,
                                    past + (int64_t)((x >> 32) % 50), fired);
            armed[i] = 1;
        }
    }
    int narmed = 0;
    for (int i = 0; i < RANDOM; i++)
        narmed += armed[i];
    ASSERT_EQ(tvc_reactor_timer_count(rx), narmed);
    static int fired_order[RANDOM];
    int nfired = 0;
    while (tvc_reactor_timer_count(rx)) {
        reset();
        ASSERT_GE(tvc_reactor_run_once(rx, 0), 0);
        for (int k = 0; k < norder; k++)
            fired_order[nfired++] = order[k];
    }
    ASSERT_EQ(nfired, narmed);
    for (int k = 1; k < nfired; k++) {
        tvc_rx_timer *a = &rnd_t[fired_order[k - 1]].timer;
        tvc_rx_timer *b = &rnd_t[fired_order[k]].timer;
        ASSERT(a->deadline < b->deadline ||
               (a->deadline == b->deadline && a->seq < b->seq));
    }

    tvc_reactor_free(rx);
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
