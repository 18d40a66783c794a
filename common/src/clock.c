/* The one clock (clock.h): CLOCK_MONOTONIC as int64 ns, and the deadline
 * conventions (-1 forever, 0 poll) in one place. */
#include "tvc/clock.h"

#include <time.h>

int64_t tvc_now(void)
{
    struct timespec ts;
    /* Served by the vDSO, no syscall; tvc-bench-core measures the cost.
     * CLOCK_MONOTONIC cannot fail with a valid pointer. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t tvc_deadline(int64_t timeout_ns)
{
    if (timeout_ns < 0)
        return TVC_FOREVER;
    if (timeout_ns == 0)
        return 0;
    return tvc_now() + timeout_ns;
}
