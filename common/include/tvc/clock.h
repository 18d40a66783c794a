/*
 * The one clock: CLOCK_MONOTONIC as int64_t nanoseconds.  Deadlines are
 * absolute times on this clock.  Timeouts are relative nanoseconds with
 * two special values: -1 (TVC_FOREVER) waits forever and 0 polls (never
 * blocks); any other negative value is not a timeout, and the calls that
 * take one reject it with -EINVAL (tvc_timeout_check).
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

/* 0 when timeout_ns is a timeout (-1, 0 or positive), else -EINVAL. */
int tvc_timeout_check(int64_t timeout_ns);

/* Absolute deadline for a timeout: -1 stays -1 (forever), 0 stays 0
 * (poll), a positive one is now + timeout (-1 if that does not fit in
 * int64_t).  Any other negative value gives -1 too, never "already
 * expired"; the calls taking a timeout reject it first with
 * tvc_timeout_check. */
int64_t tvc_deadline(int64_t timeout_ns);

#endif
