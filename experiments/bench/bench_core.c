/*
 * tvc-bench-core: what the two measuring instruments every figure rests on
 * cost per use — one clock read (tvc_now) and one histogram record
 * (tvc_hist_record) — so a reader can tell how much of a measured
 * nanosecond is the measuring.  Each figure is the median over several
 * repetitions of a timed loop, with the min and max beside it; one JSON
 * record goes to stdout.  Printed, never asserted: the machine is shared.
 *
 * usage: tvc-bench-core [REPS]     (default 9, at most 1000)
 */
#include "tool.h"

#include "tvc/clock.h"
#include "tvc/hist.h"
#include "tvc/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CLOCK_CALLS  1000000
#define HIST_RECORDS 4000000
/* Values recorded in turn: a power of two so the index is a mask, large
 * enough to spread over many buckets, small enough to stay in L1. */
#define N_VALUES 4096

/* Keeps results alive so the compiler cannot drop the timed work. */
static volatile int64_t sink;

/* ns per tvc_now() call over one loop of CLOCK_CALLS reads. */
static double time_clock(void)
{
    int64_t acc = 0;
    int64_t start = tvc_now();
    for (int i = 0; i < CLOCK_CALLS; i++)
        acc += tvc_now();
    int64_t end = tvc_now();
    sink = acc;
    return (double)(end - start) / CLOCK_CALLS;
}

/* ns per tvc_hist_record over HIST_RECORDS records of varied values (the
 * loop and one array load included). */
static double time_hist(tvc_hist *h, const int64_t *values)
{
    int64_t start = tvc_now();
    for (int i = 0; i < HIST_RECORDS; i++)
        tvc_hist_record(h, values[i & (N_VALUES - 1)]);
    int64_t end = tvc_now();
    return (double)(end - start) / HIST_RECORDS;
}

/* Latencies from about 100 ns to about 10 ms, log-uniform, from a fixed
 * seed (splitmix64) so every run records the same values. */
static void fill_values(int64_t *values)
{
    uint64_t state = 42;
    for (int i = 0; i < N_VALUES; i++) {
        uint64_t z = (state += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        z ^= z >> 31;
        int shift = 7 + (int)(z % 17); /* 2^7 .. 2^23 ns */
        int64_t base = (int64_t)1 << shift;
        values[i] = base + (int64_t)((z >> 8) % (uint64_t)base);
    }
}

int main(int argc, char **argv)
{
    int reps = tvc_tool_reps(argc, argv, 9);
    if (reps < 0)
        return 2;

    double *clock_ns = malloc((size_t)reps * sizeof *clock_ns);
    double *hist_ns = malloc((size_t)reps * sizeof *hist_ns);
    int64_t *values = malloc(N_VALUES * sizeof *values);
    tvc_hist *h = malloc(sizeof *h);
    if (!clock_ns || !hist_ns || !values || !h) {
        fprintf(stderr, "tvc-bench-core: out of memory\n");
        return 1;
    }
    fill_values(values);
    tvc_hist_init(h);

    /* Interleaved so a burst of noise from a neighbour hits both. */
    for (int r = 0; r < reps; r++) {
        clock_ns[r] = time_clock();
        hist_ns[r] = time_hist(h, values);
    }
    /* The self-check: every record landed. */
    uint64_t want = (uint64_t)reps * HIST_RECORDS;
    int ok = h->count == want;

    tvc_json j;
    tvc_json_init(&j);
    tvc_tool_record_begin(&j, NULL, "bench_core");
    tvc_json_key(&j, "params");
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "reps");
    tvc_json_int(&j, reps);
    tvc_json_key(&j, "clock_calls_per_rep");
    tvc_json_int(&j, CLOCK_CALLS);
    tvc_json_key(&j, "hist_records_per_rep");
    tvc_json_int(&j, HIST_RECORDS);
    tvc_json_object_end(&j);
    tvc_tool_record_ok(&j, ok, "the histogram lost records");
    tvc_json_key(&j, "check");
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "hist_count_expected");
    tvc_json_int(&j, (int64_t)want);
    tvc_json_key(&j, "hist_count_got");
    tvc_json_int(&j, (int64_t)h->count);
    tvc_json_object_end(&j);
    tvc_json_key(&j, "figures");
    tvc_json_object_begin(&j);
    tvc_tool_record_stats(&j, "clock_read_ns", clock_ns, reps);
    tvc_tool_record_stats(&j, "hist_record_ns", hist_ns, reps);
    tvc_json_object_end(&j);
    int err = tvc_tool_record_print(&j, "tvc-bench-core");
    free(h);
    free(values);
    free(hist_ns);
    free(clock_ns);
    return err == 0 && ok ? 0 : 1;
}
