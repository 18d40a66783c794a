/*
 * The one clock: CLOCK_MONOTONIC as int64_t nanoseconds.  Deadlines are
 * absolute times on this clock; by convention -1 waits forever and 0 polls
 * (never blocks).  Timeouts are relative nanoseconds with the same two
 * special values.
 */
#ifndef TVC_CLOCK_H
#define TVC_CLOCK_H

#include <stdint.h>

#define TVC_US(x) ((int64_t)(x) * 1000)
#define TVC_MS(x) ((int64_t)(x) * 1000000)
#define TVC_SEC(x) ((int64_t)(x) * 1000000000)

#define TVC_FOREVER ((int64_t)-1)

/* Nanoseconds on CLOCK_MONOTONIC. */
int64_t tvc_now(void);

/* Absolute deadline for a relative timeout: -1 stays -1 (forever), 0 stays
 * 0 (poll), anything else is now + timeout. */
int64_t tvc_deadline(int64_t timeout_ns);

#endif
