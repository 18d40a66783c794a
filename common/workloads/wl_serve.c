/*
 * The server role of the direct-style echo and http workloads: announce
 * the address, then wait for SIGINT/SIGTERM or the duration, suspending
 * between polls of the stop flag.
 */
#include <stdio.h>

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
