/*
 * Fault injection for tests/fault/: fail the k-th call of one kind that
 * the project's own code makes, and check that the runtime survives it.
 *
 * A test binary is linked with -Wl,--wrap=<function> for every function
 * of fail.c (tests.cmake lists them), so each call that the runtime
 * libraries, tvc_common and the test body make to malloc, pthread_create,
 * mmap, socket, accept4, ... passes through a counter first; calls made
 * inside libc or the sanitizer runtimes are not wrapped and never fail.
 * A site is one kind of call with the errno it fails with ("alloc":
 * every allocation with ENOMEM, "accept": accept4 with EMFILE, ...).
 * Armed at a site with k, the site's k-th call from then on fails as the
 * kernel or libc would fail it, and every other call goes through.
 *
 * fail_sweep() is the test: it runs a workload once to count the site's
 * calls (K), then once per k in 1..K, each in a fresh child process,
 * with the k-th call failing.  A run survives when the workload comes
 * back with 0 or an error code, with no descriptor or thread left and
 * the heap back at its baseline (and, under ASan, LeakSanitizer silent at
 * the child's exit) within a time limit; a signal, an abort, a
 * sanitizer report or a hang fails it.  The idea is neco's fail counters
 * (fail the n-th malloc of a test, for every n), with a process per run
 * so that a crash or a leak is pinned on its k.
 */
#ifndef TVC_FAULT_FAIL_H
#define TVC_FAULT_FAIL_H

#include <stddef.h>

/* Arms the site named site (see fail_site_name) from now on: its
 * calls are counted and the k-th one fails, or with on every call from
 * the k-th on (the resource is gone for good); k 0 only counts.
 * Returns 0, or -EINVAL for an unknown site. */
int fail_arm(const char *site, long k, int on);
/* Stops failing and counting; returns the calls counted since fail_arm. */
long fail_disarm(void);

/* The i-th site's name ("alloc", ...), NULL past the last. */
const char *fail_site_name(size_t i);

/* The workload of one run: 0, or the error code it came back with. */
typedef int fail_body_fn(void);

/* Sweeps site over body as described at the top, printing one line per
 * failed run and the summary "fault: RUNTIME SITE: survived S of N"
 * (N = the runs made; SITE+ when on).  With on, every call from the k-th
 * on fails (fail_arm).  With every set it runs every k; otherwise, when
 * K is above a bound, an even sample of k (the summary says so).
 * Returns 0 when every run survived and the counting run returned 0. */
int fail_sweep(const char *runtime, const char *site, int on,
               fail_body_fn *body, int every);

/* The test's main for runtime: "SITE [--on] [--every]" on the command
 * line. */
int fail_main(int argc, char **argv, const char *runtime, fail_body_fn *body);

#endif
