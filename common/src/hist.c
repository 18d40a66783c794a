/*
 * The latency histogram (hist.h).
 *
 * Bucket layout.  A value v is clamped to [0, HIST_TOP] and its bucket
 * is found from the position m of its highest set bit, with m taken as at
 * least SUB_BITS so that small values share the formula:
 *
 *     m = max(msb(v), SUB_BITS),  s = m - SUB_BITS
 *     index = (s << SUB_BITS) + (v >> s)
 *
 * For v < 2 * SUB (s = 0) the index is v itself: every value is exact.  For
 * larger v, v >> s lies in [SUB, 2 * SUB), so each power of two [2^m,
 * 2^(m+1)) is split into SUB buckets of width w = 2^s, and the lowest value
 * of a bucket is lo = (SUB + r) * w >= SUB * w.
 *
 * Error bound.  Percentiles use the nearest-rank definition: the value at
 * percentile p is the k-th smallest sample, k = ceil(p / 100 * count)
 * (at least 1).  Bucket counts are exact, so the bucket holding the k-th
 * sample is known exactly, and the histogram reports its middle value
 * mid = lo + (w - 1) / 2 (integer division), clamped to the exact [min,
 * max].  Any sample x in the bucket has lo <= x <= lo + w - 1, so
 *
 *     |x - mid| <= w / 2   and   x >= lo >= SUB * w,
 *
 * giving a relative error |x - mid| / x <= 1 / (2 * SUB) = 1/256 (0.39 %)
 * for SUB = 128; clamping to [min, max] only moves the answer towards x.
 * Values above HIST_TOP (2^38 - 1 ns, about 275 s) all land in the
 * top bucket: they are counted but their percentiles are not bounded.
 */
#include "tvc/hist.h"

#include "tvc/json.h"

#include <math.h>
#include <string.h>

/* The largest value with its own bucket (about 275 s). */
#define HIST_TOP (((int64_t)1 << (TVC_HIST_SUB_BITS + TVC_HIST_MAGS)) - 1)

/* Bucket of an already clamped value: one count-leading-zeros, no loop.
 * The OR keeps the argument non-zero and folds small values into s = 0. */
static inline unsigned bucket_of(uint64_t v)
{
    unsigned m = 63u - (unsigned)__builtin_clzll(v | TVC_HIST_SUB);
    unsigned s = m - TVC_HIST_SUB_BITS;
    return (s << TVC_HIST_SUB_BITS) + (unsigned)(v >> s);
}

/* Lowest value and width of bucket i: the inverse of bucket_of. */
static void bucket_range(unsigned i, int64_t *lo, int64_t *width)
{
    unsigned q = i >> TVC_HIST_SUB_BITS;
    unsigned r = i & (TVC_HIST_SUB - 1);
    if (q == 0) {
        *lo = r;
        *width = 1;
        return;
    }
    *lo = (int64_t)(TVC_HIST_SUB + r) << (q - 1);
    *width = (int64_t)1 << (q - 1);
}

void tvc_hist_init(tvc_hist *h)
{
    memset(h, 0, sizeof *h);
    h->min = INT64_MAX; /* so the first sample sets it; reported as 0 */
    h->max = 0;
}

void tvc_hist_record(tvc_hist *h, int64_t ns)
{
    /* Compilers turn both clamps and the extremes into conditional moves. */
    int64_t v = ns < 0 ? 0 : ns;
    int64_t c = v > HIST_TOP ? HIST_TOP : v;
    h->buckets[bucket_of((uint64_t)c)]++;
    h->count++;
    h->sum += (double)v;
    h->min = v < h->min ? v : h->min;
    h->max = v > h->max ? v : h->max;
}

void tvc_hist_merge(tvc_hist *dst, const tvc_hist *src)
{
    for (int i = 0; i < TVC_HIST_BUCKETS; i++)
        dst->buckets[i] += src->buckets[i];
    dst->count += src->count;
    dst->sum += src->sum;
    if (src->min < dst->min)
        dst->min = src->min;
    if (src->max > dst->max)
        dst->max = src->max;
}

int64_t tvc_hist_percentile(const tvc_hist *h, double p)
{
    if (h->count == 0)
        return 0;
    if (!(p > 0)) /* also catches NaN */
        return h->min;
    if (p >= 100)
        return h->max;

    /* The small epsilon keeps p = 99.99 of 10^6 samples at rank 999900
     * instead of 999901 when p / 100 * count rounds up in binary. */
    double want = ceil(p / 100.0 * (double)h->count - 1e-9);
    uint64_t rank = want < 1 ? 1 : (uint64_t)want;
    if (rank > h->count)
        rank = h->count;

    uint64_t seen = 0;
    unsigned i = 0;
    for (; i < TVC_HIST_BUCKETS - 1; i++) {
        seen += h->buckets[i];
        if (seen >= rank)
            break;
    }
    int64_t lo, width;
    bucket_range(i, &lo, &width);
    int64_t mid = lo + (width - 1) / 2;
    if (mid < h->min)
        mid = h->min;
    if (mid > h->max)
        mid = h->max;
    return mid;
}

double tvc_hist_mean(const tvc_hist *h)
{
    return h->count ? h->sum / (double)h->count : 0.0;
}

/* The mean rounded to whole ns; a mean of samples near INT64_MAX rounds
 * up to 2^63 as a double, which would not fit. */
static int64_t mean_ns(const tvc_hist *h)
{
    double m = tvc_hist_mean(h);
    return m >= 0x1p63 ? INT64_MAX : (int64_t)llround(m);
}

void tvc_hist_json(const tvc_hist *h, struct tvc_json *j)
{
    /* Key and percentile pairs, in the order the header promises. */
    static const struct {
        const char *key;
        double p;
    } pcts[] = {{"p50", 50},
                {"p90", 90},
                {"p99", 99},
                {"p999", 99.9},
                {"p9999", 99.99}};

    tvc_json_object_begin(j);
    tvc_json_key(j, "count");
    tvc_json_int(j, (int64_t)h->count);
    tvc_json_key(j, "mean");
    tvc_json_int(j, mean_ns(h));
    tvc_json_key(j, "min");
    tvc_json_int(j, h->count ? h->min : 0);
    for (size_t k = 0; k < sizeof pcts / sizeof pcts[0]; k++) {
        tvc_json_key(j, pcts[k].key);
        tvc_json_int(j, tvc_hist_percentile(h, pcts[k].p));
    }
    tvc_json_key(j, "max");
    tvc_json_int(j, h->count ? h->max : 0);
    tvc_json_object_end(j);
}
