/*
 * main() of every direct-style binary (tvc-threaded, tvc-coroutine): the
 * list of workloads, and an invoker that runs the chosen one as the main
 * task of tvc_run with the runtime options from the command line.
 */
#include "workloads.h"

static const tvc_workload *const workloads[] = {
    &tvc_wl_idle,     &tvc_wl_spawn,  &tvc_wl_pingpong, &tvc_wl_ring,
    &tvc_wl_timers,   &tvc_wl_echo,   &tvc_wl_http,     &tvc_wl_fanout,
    &tvc_wl_pipeline, &tvc_wl_cancel, &tvc_wl_timeout,  &tvc_wl_spinner,
    &tvc_wl_executor, NULL,
};

/* What the main task needs to run one workload. */
typedef struct invocation {
    const tvc_workload *wl;
    tvc_wl *w;
} invocation;

static int main_task(void *arg, void **result)
{
    invocation *inv = arg;
    return inv->wl->run(inv->w);
}

static int invoke(const tvc_workload *wl, tvc_wl *w)
{
    invocation inv = {wl, w};
    return tvc_run(main_task, &inv, NULL, tvc_wl_run_opts(w));
}

int main(int argc, char **argv)
{
    return tvc_wl_main(argc, argv, tvc_runtime_name(), workloads, invoke);
}
