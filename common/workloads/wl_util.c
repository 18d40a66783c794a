/*
 * Pure helpers every workload shares, the callback runtime's included:
 * merging per-task samples into a histogram, a seeded generator, the
 * checksum, two probes' arithmetic, the servers' options, limits as
 * results, and the accept handshake's two pure halves.  Nothing here
 * calls the direct-style API (wl_serve.c does).
 */

#include <stdatomic.h>
#include <sys/resource.h>

#include "wl_spec.h"

void wl_record_samples(tvc_wl *w, const char *name, const int64_t *ns, size_t n)
{
    tvc_hist *h = tvc_wl_hist(w, name);
    for (size_t i = 0; i < n; i++)
        tvc_hist_record(h, ns[i]);
}

uint64_t wl_rand(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 2685821657736338717ULL;
}

uint64_t wl_seed(uint64_t seed, uint64_t stream)
{
    /* splitmix64 of the pair: never 0, which xorshift cannot leave. */
    uint64_t z = seed * 0x9e3779b97f4a7c15ULL + stream + 1;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    return z != 0 ? z : 1;
}

uint64_t wl_hash(uint64_t h, const void *data, size_t n)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 1099511628211ULL;
    }
    return h;
}

int64_t wl_cpu_ns(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * TVC_SEC(1) +
           (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * TVC_US(1);
}

int64_t wl_grew(int64_t before, int64_t after)
{
    return before < 0 || after < 0 ? 0 : after - before;
}

tvc_server_opts wl_server_opts(tvc_wl *w, size_t limit)
{
    return (tvc_server_opts){
        .host = tvc_wl_str(w, "host"),
        .port = (int)tvc_wl_int(w, "port"),
        .limit = limit,
        .linger_ms = (int)tvc_wl_int(w, "linger_ms"),
        .idle_timeout_ms = (int)tvc_wl_int(w, "idle_timeout_ms"),
    };
}

void wl_accepted(wl_accept_slot *slot)
{
    tvc_future *accepting = atomic_exchange(slot, NULL);
    if (accepting != NULL) {
        tvc_future_set_result(accepting, NULL);
        tvc_future_unref(accepting);
    }
}

int wl_accept_settle(wl_accept_slot *slot, tvc_future *accepting, int done)
{
    tvc_future *unclaimed = atomic_exchange(slot, NULL);
    if (unclaimed != NULL)
        tvc_future_unref(unclaimed);
    tvc_future_unref(accepting);
    return done == 1 ? 0 : done < 0 ? done : -ETIMEDOUT;
}

int wl_limit_hit(wl_limit *l, int err, const char *what, int64_t done)
{
    if (err == 0 || done == 0)
        return err;
    *l = (wl_limit){what, err, done};
    return 0;
}

void wl_note_limit(tvc_wl *w, const wl_limit *l, int64_t asked)
{
    if (l->what != NULL)
        tvc_wl_note(w, "limit", "limit reached at %lld of %lld: %s: %s (%s)",
                    (long long)l->at, (long long)asked, l->what,
                    tvc_err_name(l->err), tvc_strerror(l->err));
}
