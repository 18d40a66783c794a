/*
 * The callback runtime's workloads (DESIGN.md section 5), hand-written in
 * continuation-passing style, one file per workload with the same name as
 * its direct-style twin in common/workloads/.  Each run function is
 * called by tvc-callback's invoker with the thread's loop made (current,
 * not running): it spawns its main task and runs the loop until that
 * task's future completes.
 */
#ifndef TVC_CB_WORKLOADS_H
#define TVC_CB_WORKLOADS_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "tvc/cb.h"
#include "tvc/workload.h"

extern const tvc_workload tvc_cbwl_idle;

/* Spawns main_fn(t, 0) with arg as the workload's main task on the
 * current loop, runs the loop until it returns, and gives its status. */
int cbwl_run_main(tvc_cb_fn *main_fn, void *arg);

#endif
