/*
 * fanout: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, which server to
 * use, the fd budget check, and the record both styles make, written
 * once.
 */
#include <stdio.h>
#include <sys/resource.h>

#include "tvc/addr.h"
#include "wl_spec.h"

const tvc_param_spec wl_fanout_params[] = {
    /* Every item is a task spawned up front (waiting on the semaphore)
     * plus a few dozen bytes of bookkeeping, all alive at once: 1M is the
     * most tasks any runtime here holds (idle's million coroutines), and
     * a slip like --items=1G would otherwise ask for gigabytes of
     * bookkeeping and a billion tasks before the first download. */
    {"items", "20", "items to download (M)", "1..1M"},
    {"limit", "5", "downloads in flight at once (L, a semaphore)", "1..1M"},
    {"delay_ns", "2000000",
     "the server's delay per answer (with --server: the delay it was "
     "started with, for ideal_ns)",
     "0.."},
    {"server", "",
     "HOST:PORT of an external delay server; empty: start one "
     "in this process",
     TVC_PARAM_HOSTPORT},
    {NULL, NULL, NULL, NULL},
};

const char wl_fanout_summary[] =
    "download M items from a delaying server, at most L at once";

int wl_fanout_server(tvc_wl *w, char *host, size_t hostlen, int *port)
{
    const char *server = tvc_wl_str(w, "server");
    if (server[0] == '\0') {
        snprintf(host, hostlen, "127.0.0.1");
        tvc_wl_note(w, "server", "in-process delay server");
        return 0;
    }
    /* Checked against TVC_PARAM_HOSTPORT before the run, with the same
     * tvc_addr_split; a host too long for the caller's buffer is all
     * that is left to refuse here. */
    int rc = tvc_addr_split(server, host, hostlen, port);
    if (rc != 0) {
        tvc_wl_fail(w, rc, "--server '%s' does not fit", server);
        return rc;
    }
    tvc_wl_note(w, "server", "external %s", server);
    return 1;
}

void wl_fanout_report(tvc_wl *w, int rc, const wl_fanout_tally *t)
{
    if (rc == 0) {
        wl_record_samples(w, "download", t->latency, (size_t)t->items);
        int64_t waves = (t->items + t->limit - 1) / t->limit;
        tvc_wl_figure(w, "total_ns", (double)t->total_ns);
        tvc_wl_figure(w, "ideal_ns", (double)(waves * t->delay_ns));
        if (t->delay_ns > 0)
            tvc_wl_figure(w, "total_over_ideal",
                          (double)t->total_ns / (double)(waves * t->delay_ns));
        tvc_wl_figure(w, "items_per_s", t->items * 1e9 / t->total_ns);
        tvc_wl_figure(w, "max_in_flight", (double)t->max_in_flight);
    } else {
        tvc_wl_fail(w, rc, "setting up the downloads");
    }
    tvc_wl_figure(w, "errors", (double)t->errors);
    if (t->first_err != 0)
        tvc_wl_note(w, "first_error", "%s", tvc_strerror(t->first_err));
    tvc_wl_check(w, "items_received", t->items, t->received);
    tvc_wl_check(w, "over_limit", 0, t->max_in_flight > t->limit);
}

int wl_fanout_fds_fit(tvc_wl *w, int64_t items, int64_t limit, int in_process)
{
    /* Checked up front rather than met as EMFILE: with the in-process
     * server the downloads hold the very fds its accepts need, so a
     * download waits for a reply that an unaccepted connection never
     * gets -- retrying cannot help, and the runtimes differ only in how
     * they fail (a reset, a protocol error, or a stall until the
     * harness's time limit).  The budget is known before the first
     * connect, so a wrong one is bad input, said in one line. */
    struct rlimit rl;
    tvc_mem m;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
        tvc_mem_sample(&m) != 0)
        return 0; /* no figures to judge by: let the run say */
    /* Per download: its client end; with the in-process server also the
     * server end, and the server end of the download it replaced, which
     * the server closes only once it has read that client's EOF -- by
     * then the next connection may be accepted. */
    int64_t per = in_process ? 3 : 1;
    int64_t at_once = items < limit ? items : limit;
    int64_t soft = (int64_t)rl.rlim_cur, open_fds = m.open_fds;
    if (open_fds + per * at_once <= soft)
        return 0;
    int64_t fit = (soft - open_fds) / per;
    if (fit >= 1)
        tvc_wl_fail(w, -EMFILE,
                    "--limit=%lld needs %lld fds at once beside the %lld "
                    "open, over RLIMIT_NOFILE (ulimit -n) %lld: use "
                    "--limit=%lld or less, or raise ulimit -n",
                    (long long)limit, (long long)(per * at_once),
                    (long long)open_fds, (long long)soft, (long long)fit);
    else
        tvc_wl_fail(w, -EMFILE,
                    "--limit=%lld: RLIMIT_NOFILE (ulimit -n) %lld leaves "
                    "no fd for a download beside the %lld open: raise "
                    "ulimit -n",
                    (long long)limit, (long long)soft, (long long)open_fds);
    return -EMFILE;
}
