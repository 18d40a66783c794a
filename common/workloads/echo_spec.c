/*
 * echo: the parameters and the one-line summary that tvc-threaded,
 * tvc-coroutine and tvc-callback all print and accept, the bytes every
 * client sends and role=self's report, written once.
 */
#include <string.h>

#include "wl_spec.h"

const tvc_param_spec wl_echo_params[] = {
    {"role", "self", "self: server and clients here; server: serve only",
     "self|server"},
    {"host", "127.0.0.1", "address to bind (and connect to)", NULL},
    {"port", "0", "port; 0 picks a free one", "0..65535"},
    {"conns", "4", "client connections (role=self)", "0.."},
    {"msgs", "100", "messages per connection (role=self)", "0.."},
    {"size_bytes", "64", "message size, the newline included", "1.."},
    {"framing", "line",
     "line: readline; exact: readexactly(size_bytes); raw: read what came "
     "(role=self's clients read size_bytes back)",
     "line|exact|raw"},
    {"duration_ms", "0", "role=server: stop after this long (0: on signal)",
     NULL},
    {"linger_ms", "0", WL_LINGER_MS_HELP, "-1..2147483647"},
    {"idle_timeout_ms", "0", WL_IDLE_TIMEOUT_MS_HELP, "0..2147483647"},
    {NULL, NULL, NULL, NULL},
};

const char wl_echo_summary[] =
    "TCP echo server on streams (role=self: with its own clients)";

int wl_echo_framing(const char *name)
{
    return strcmp(name, "line") == 0    ? WL_ECHO_LINE
           : strcmp(name, "exact") == 0 ? WL_ECHO_EXACT
                                        : WL_ECHO_RAW;
}

int wl_echo_client_framing(int framing)
{
    return framing == WL_ECHO_RAW ? WL_ECHO_EXACT : framing;
}

void wl_echo_fill(char *buf, size_t size, int line, int64_t client, int64_t m)
{
    uint64_t rng = wl_seed((uint64_t)client, (uint64_t)m);
    for (size_t i = 0; i < size; i++)
        buf[i] = (char)('a' + wl_rand(&rng) % 26);
    if (line)
        buf[size - 1] = '\n';
}

void wl_echo_report(tvc_wl *w, int rc, const wl_echo_tally *t)
{
    if (rc == 0) {
        wl_record_samples(w, "round_trip", t->rtt,
                          (size_t)(t->clients * t->msgs));
        tvc_wl_figure(w, "msgs_per_s", t->received * 1e9 / t->elapsed_ns);
        tvc_wl_figure(w, "bytes_per_s",
                      t->received * (double)t->size * 1e9 / t->elapsed_ns);
    }
    tvc_wl_figure(w, "clients", (double)t->clients);
    tvc_wl_check(w, "messages_echoed", t->clients * t->msgs, t->received);
    tvc_wl_check(w, "checksum", (int64_t)t->sent_hash, (int64_t)t->got_hash);
}
