/*
 * The direct-style helpers that call the API: the server role of echo
 * and http (announce the address, then wait for SIGINT/SIGTERM or the
 * duration, suspending between polls of the stop flag), opening a
 * connection the workload's own server has accepted (wl_spec.h), and
 * running role=self's clients.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "workloads.h"

int wl_serve_until_stopped(tvc_wl *w, tvc_server *srv, const char *host,
                           int64_t duration_ms)
{
    int64_t end = duration_ms > 0 ? tvc_now() + TVC_MS(duration_ms) : -1;
    fprintf(stderr, "listening on %s:%d\n", host, tvc_server_port(srv));
    fflush(stderr);
    /* The signal handler only sets a flag, so poll it at a pace a person
     * pressing Ctrl-C will not notice. */
    while (!tvc_wl_stop_requested() && (end < 0 || tvc_now() < end))
        if (tvc_sleep(TVC_MS(20)) != 0)
            break;
    tvc_wl_note(w, "stopped_by",
                tvc_wl_stop_requested() ? "signal" : "duration_ms");
    return tvc_server_close(srv);
}

int wl_open_accepted(tvc_stream **s, const char *host, int port,
                     wl_accept_slot *slot, const char **what)
{
    *what = "connect";
    *s = NULL;
    tvc_future *accepting = tvc_future_create();
    if (accepting == NULL)
        return -ENOMEM;
    atomic_store(slot, tvc_future_ref(accepting));
    int done = tvc_open_connection(s, host, port, 0);
    if (done == 0) {
        *what = "accept";
        done = tvc_wait(&accepting, 1, TVC_FIRST_COMPLETED, WL_ACCEPT_NS);
    }
    int rc = wl_accept_settle(slot, accepting, done);
    if (rc != 0 && *s != NULL) {
        tvc_stream_free(*s);
        *s = NULL;
    }
    return rc;
}

int64_t wl_open_accepted_n(tvc_stream **s, int64_t n, const char *host,
                           int port, wl_accept_slot *slot, wl_limit *limit,
                           int *rc)
{
    int64_t opened = 0;
    while (*rc == 0 && limit->what == NULL && opened < n) {
        const char *what;
        int err = wl_open_accepted(&s[opened], host, port, slot, &what);
        opened += err == 0;
        *rc = wl_limit_hit(limit, err, what, opened);
    }
    return opened;
}

int64_t wl_run_clients(tvc_wl *w, tvc_stream **streams, int64_t n,
                       tvc_task_fn *fn, void *args, size_t size,
                       wl_limit *limit, int *rc)
{
    tvc_task **handles = calloc((size_t)n + 1, sizeof *handles);
    if (handles == NULL && *rc == 0)
        *rc = -ENOMEM;
    int64_t spawned = 0;
    while (*rc == 0 && spawned < n) {
        int err = tvc_spawn(&handles[spawned], fn,
                            (char *)args + (size_t)spawned * size, NULL);
        if (err != 0) {
            *rc = wl_limit_hit(limit, err, "spawn", spawned);
            break;
        }
        spawned++;
    }
    for (int64_t i = spawned; i < n; i++)
        tvc_stream_free(streams[i]); /* no client for it */
    for (int64_t i = 0; i < spawned; i++) {
        int jrc = tvc_task_join(handles[i], NULL);
        if (jrc != 0 && *rc == 0) {
            tvc_wl_fail(w, jrc, "client %lld", (long long)i);
            *rc = jrc;
        }
        tvc_task_release(handles[i]);
    }
    free(handles);
    return spawned;
}
