/*
 * Latency histogram: log-linear buckets (a power of two split into
 * TVC_HIST_SUB linear sub-buckets) covering 1 ns to beyond 100 s, so any
 * reported percentile is within 1 % of the exact sample value.  Fixed
 * size, no allocation, mergeable across threads and repetitions.
 */
#ifndef TVC_HIST_H
#define TVC_HIST_H

#include <stdint.h>

struct tvc_json;

/* Sub-buckets per power of two: 128 gives a worst-case error of 1/256. */
#define TVC_HIST_SUB_BITS 7
#define TVC_HIST_SUB (1 << TVC_HIST_SUB_BITS)
/* Powers of two above the linear range: 2^38 ns is about 275 s. */
#define TVC_HIST_MAGS 31
#define TVC_HIST_BUCKETS (TVC_HIST_SUB * (TVC_HIST_MAGS + 1))

typedef struct tvc_hist {
    uint64_t count;                      /* samples recorded */
    int64_t min, max;                    /* exact extremes, ns */
    double sum;                          /* for the mean */
    uint64_t buckets[TVC_HIST_BUCKETS];  /* sample counts per bucket */
} tvc_hist;

void tvc_hist_init(tvc_hist *h);

/* Record one value in ns; values < 0 count as 0, values past the top
 * bucket land in it (max stays exact). */
void tvc_hist_record(tvc_hist *h, int64_t ns);

/* Add every sample of src to dst. */
void tvc_hist_merge(tvc_hist *dst, const tvc_hist *src);

/* Value at percentile p in [0, 100]; 0 when empty.  p = 100 is max. */
int64_t tvc_hist_percentile(const tvc_hist *h, double p);

double tvc_hist_mean(const tvc_hist *h);

/* Writes {"count":..,"mean":..,"min":..,"p50":..,"p90":..,"p99":..,
 * "p999":..,"p9999":..,"max":..} as the next value of j. */
void tvc_hist_json(const tvc_hist *h, struct tvc_json *j);

#endif
