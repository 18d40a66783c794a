/*
 * main() of tvc-callback: the list of continuation-passing workloads and
 * an invoker that makes the thread's loop around one run.  A workload
 * added in callback/workloads/ is one more line in the list.
 */
#include <stdio.h>

#include "cb_workloads.h"
#include "tvc/tvc.h" /* tvc_run_opts: the options every binary takes */

static const tvc_workload *const workloads[] = {
    &tvc_cbwl_idle,
    &tvc_cbwl_spawn,
    &tvc_cbwl_pingpong,
    &tvc_cbwl_ring,
    &tvc_cbwl_timers,
    &tvc_cbwl_echo,
    &tvc_cbwl_http,
    &tvc_cbwl_fanout,
    &tvc_cbwl_pipeline,
    &tvc_cbwl_cancel,
    &tvc_cbwl_timeout,
    &tvc_cbwl_spinner,
    &tvc_cbwl_executor,
    NULL,
};

static int invoke(const tvc_workload *wl, tvc_wl *w)
{
    tvc_cb_loop *loop;
    int err = tvc_cb_loop_new(&loop, tvc_wl_run_opts(w)->executor_threads);
    if (err < 0)
        return err;
    int rc = wl->run(w);
    int left = tvc_cb_loop_close(loop);
    if (rc == 0 && left > 0)
        tvc_wl_note(w, "loop_close", "%d still pending at close", left);
    return rc;
}

int cbwl_run_main(tvc_cb_fn *main_fn, void *arg)
{
    tvc_cb_loop *loop = tvc_cb_loop_current();
    tvc_cb_task *t;
    int err = tvc_cb_spawn(loop, &t, main_fn, arg);
    if (err < 0)
        return err;
    err = tvc_cb_run_until_complete(loop, tvc_cb_task_future(t), NULL);
    tvc_cb_task_release(t);
    return err;
}

int main(int argc, char **argv)
{
    return tvc_wl_main(argc, argv, "callback", workloads, invoke);
}
