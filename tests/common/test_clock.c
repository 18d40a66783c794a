/*
 * The one clock: CLOCK_MONOTONIC in ns, never going backwards, and the
 * timeout conventions every blocking call relies on (-1 forever, 0 poll,
 * otherwise now + timeout, forever when that does not fit; other
 * negatives are not timeouts).  Behaviour only: no check depends on
 * speed.
 */
#include "tvc_test.h"

#include "tvc/clock.h"

#include <errno.h>
#include <time.h>

static int64_t raw_monotonic(void)
{
    struct timespec ts;
    ASSERT_EQ(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void test_units(void)
{
    ASSERT_EQ(TVC_US(3), 3000);
    ASSERT_EQ(TVC_MS(3), 3000000);
    ASSERT_EQ(TVC_SEC(3), 3000000000);
    /* 64-bit arithmetic: no int overflow past 2^31 ns. */
    ASSERT_EQ(TVC_SEC(100), (int64_t)100 * 1000 * 1000 * 1000);
    ASSERT_EQ(TVC_FOREVER, -1);
}

static void test_monotonic(void)
{
    /* The same clock as CLOCK_MONOTONIC, bracketed by two raw reads. */
    int64_t before = raw_monotonic();
    int64_t now = tvc_now();
    int64_t after = raw_monotonic();
    ASSERT_GT(now, 0);
    ASSERT_LE(before, now);
    ASSERT_LE(now, after);

    /* Never backwards, over many reads. */
    int64_t prev = tvc_now();
    for (int i = 0; i < 100000; i++) {
        int64_t t = tvc_now();
        ASSERT_GE(t, prev);
        prev = t;
    }
}

static void test_deadlines(void)
{
    ASSERT_EQ(tvc_deadline(-1), TVC_FOREVER);
    ASSERT_EQ(tvc_deadline(TVC_FOREVER), -1);
    /* Any negative timeout means forever, never "already expired". */
    ASSERT_EQ(tvc_deadline(-12345), TVC_FOREVER);
    ASSERT_EQ(tvc_deadline(0), 0);
    /* Too long to add to the clock: forever, not an overflow. */
    ASSERT_EQ(tvc_deadline(INT64_MAX), TVC_FOREVER);

    /* Only -1, 0 and positive values are timeouts. */
    const int64_t valid[] = {TVC_FOREVER, 0, 1, INT64_MAX};
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++)
        ASSERT_EQ(tvc_timeout_check(valid[i]), 0);
    ASSERT_EQ(tvc_timeout_check(-2), -EINVAL);
    ASSERT_EQ(tvc_timeout_check(INT64_MIN), -EINVAL);

    /* Anything else is absolute: now + timeout. */
    const int64_t timeouts[] = {1, TVC_MS(5), TVC_SEC(3600)};
    for (size_t i = 0; i < sizeof timeouts / sizeof timeouts[0]; i++) {
        int64_t before = tvc_now();
        int64_t d = tvc_deadline(timeouts[i]);
        int64_t after = tvc_now();
        ASSERT_GE(d, before + timeouts[i]);
        ASSERT_LE(d, after + timeouts[i]);
    }
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    test_units();
    test_monotonic();
    test_deadlines();
    ASSERT_NO_LEAKS(base, 0);
    printf("ok\n");
    return 0;
}
