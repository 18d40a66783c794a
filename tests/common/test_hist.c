/*
 * The latency histogram against the truth: percentiles of 1,000,000
 * samples from four distributions compared with the exact nearest-rank
 * percentiles of the sorted samples (the worst relative error is printed
 * and must stay under 1 %), every bucket boundary of the index formula,
 * merging (split four ways, and from threads), the edges (0, 1, negative,
 * huge, empty) and the JSON form.
 */
#include "common/json_int.h"
#include "tvc_test.h"

#include "tvc/clock.h"
#include "tvc/hist.h"
#include "tvc/json.h"

#include <math.h>
#include <pthread.h>

#define N_SAMPLES 1000000

static const double PCTS[] = {50, 90, 99, 99.9, 99.99};
#define N_PCTS (sizeof PCTS / sizeof PCTS[0])

/* ---- a fixed-seed PRNG (splitmix64) and the distributions -------------- */

static uint64_t rng_state = 0x5eed1234abcd9876ull;

static uint64_t rng_next(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Uniform in (0, 1): never 0, so log() is safe. */
static double rng_unit(void)
{
    return ((double)(rng_next() >> 11) + 0.5) / 9007199254740992.0;
}

static double rng_normal(void)
{
    return sqrt(-2 * log(rng_unit())) * cos(2 * M_PI * rng_unit());
}

/* Uniform from 1 us to 10 ms. */
static int64_t draw_uniform(void)
{
    return 1000 + (int64_t)(rng_next() % 9999000);
}

/* Log-normal around 100 us, spanning ns to seconds. */
static int64_t draw_lognormal(void)
{
    return (int64_t)exp(log(100e3) + 1.5 * rng_normal());
}

/* Bimodal: 90 % fast path near 20 us, 10 % slow path near 5 ms. */
static int64_t draw_bimodal(void)
{
    double v =
        rng_unit() < 0.9 ? 20e3 + 2e3 * rng_normal() : 5e6 + 1e6 * rng_normal();
    return v < 0 ? 0 : (int64_t)v;
}

/* Pareto (alpha 1.2, from 500 ns): a heavy tail up to ~100 s. */
static int64_t draw_pareto(void)
{
    return (int64_t)(500.0 * pow(rng_unit(), -1 / 1.2));
}

/* ---- exact percentiles -------------------------------------------------- */

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The nearest-rank percentile of sorted samples: the k-th smallest with
 * k = ceil(p / 100 * n), the definition hist.c documents. */
static int64_t exact_percentile(const int64_t *sorted, size_t n, double p)
{
    double want = ceil(p / 100.0 * (double)n - 1e-9);
    size_t k = want < 1 ? 1 : (size_t)want;
    return sorted[(k > n ? n : k) - 1];
}

static double rel_error(int64_t got, int64_t want)
{
    if (want == 0)
        return got == 0 ? 0 : INFINITY;
    return fabs((double)got - (double)want) / (double)want;
}

/* Records samples into a histogram, checks every percentile, min, max,
 * count and mean; returns the worst relative error over the percentiles. */
static double check_distribution(const char *name, int64_t (*draw)(void),
                                 int64_t *samples, tvc_hist *h)
{
    tvc_hist_init(h);
    double sum = 0;
    for (size_t i = 0; i < N_SAMPLES; i++) {
        samples[i] = draw();
        tvc_hist_record(h, samples[i]);
        sum += (double)samples[i];
    }
    qsort(samples, N_SAMPLES, sizeof samples[0], cmp_i64);

    ASSERT_EQ(h->count, N_SAMPLES);
    ASSERT_EQ(tvc_hist_percentile(h, 0), samples[0]);
    ASSERT_EQ(tvc_hist_percentile(h, 100), samples[N_SAMPLES - 1]);
    ASSERT(fabs(tvc_hist_mean(h) - sum / N_SAMPLES) <=
           1e-9 * (sum / N_SAMPLES));

    double worst = 0;
    printf("%-10s", name);
    for (size_t k = 0; k < N_PCTS; k++) {
        int64_t want = exact_percentile(samples, N_SAMPLES, PCTS[k]);
        int64_t got = tvc_hist_percentile(h, PCTS[k]);
        double err = rel_error(got, want);
        printf("  p%g %" PRId64 "/%" PRId64 " (%.3f%%)", PCTS[k], got, want,
               100 * err);
        if (err > worst)
            worst = err;
    }
    printf("\n");
    return worst;
}

static void test_distributions(void)
{
    int64_t *samples = malloc(N_SAMPLES * sizeof *samples);
    tvc_hist *h = malloc(sizeof *h);
    ASSERT(samples && h);
    static const struct {
        const char *name;
        int64_t (*draw)(void);
    } dists[] = {{"uniform", draw_uniform},
                 {"lognormal", draw_lognormal},
                 {"bimodal", draw_bimodal},
                 {"pareto", draw_pareto}};
    double worst = 0;
    for (size_t d = 0; d < sizeof dists / sizeof dists[0]; d++) {
        double w = check_distribution(dists[d].name, dists[d].draw, samples, h);
        if (w > worst)
            worst = w;
    }
    printf("worst relative error over p50/p90/p99/p99.9/p99.99: %.4f%% "
           "(bound 0.3906%%, required < 1%%)\n",
           100 * worst);
    ASSERT(worst < 0.01);
    /* The bound hist.c proves: half a bucket over its lowest value. */
    ASSERT(worst <= 1.0 / (2 * TVC_HIST_SUB));
    free(h);
    free(samples);
}

/* One value between a floor and a ceiling sample, so the [min, max] clamp
 * cannot hide the bucket's own answer: p50 of {0, v, v, top} is v's bucket
 * value, which must be within 1/256 of v. */
static void check_one_value(tvc_hist *h, int64_t v)
{
    const int64_t top = ((int64_t)1 << 38) - 1;
    tvc_hist_init(h);
    tvc_hist_record(h, 0);
    tvc_hist_record(h, v);
    tvc_hist_record(h, v);
    tvc_hist_record(h, top);
    int64_t got = tvc_hist_percentile(h, 50);
    int64_t diff = got > v ? got - v : v - got;
    if (v < 2 * TVC_HIST_SUB)
        ASSERT_EQ(got, v); /* the linear range is exact */
    else if ((double)diff > (double)v / (2 * TVC_HIST_SUB))
        TVC__FAIL("value %" PRId64 " reported as %" PRId64, v, got);
}

static void test_bucket_boundaries(void)
{
    tvc_hist *h = malloc(sizeof *h);
    ASSERT(h);
    for (int64_t v = 0; v < 4096; v++)
        check_one_value(h, v);
    /* Around every power of two up to the top, where the width doubles. */
    for (int k = 12; k <= 38; k++) {
        int64_t p2 = (int64_t)1 << k;
        const int64_t around[] = {p2 - 2, p2 - 1,      p2,
                                  p2 + 1, p2 + p2 / 3, p2 + p2 / 2 + 7};
        for (size_t i = 0; i < sizeof around / sizeof around[0]; i++)
            if (around[i] < ((int64_t)1 << 38))
                check_one_value(h, around[i]);
    }
    free(h);
}

static void test_edges(void)
{
    tvc_hist *h = malloc(sizeof *h);
    ASSERT(h);

    /* Empty: everything reads 0. */
    tvc_hist_init(h);
    ASSERT_EQ(tvc_hist_percentile(h, 50), 0);
    ASSERT_EQ(tvc_hist_percentile(h, 100), 0);
    ASSERT(tvc_hist_mean(h) == 0);

    /* 0 and 1 are exact; a negative value counts as 0. */
    tvc_hist_record(h, 0);
    tvc_hist_record(h, 1);
    tvc_hist_record(h, -5);
    ASSERT_EQ(h->count, 3);
    ASSERT_EQ(h->min, 0);
    ASSERT_EQ(h->max, 1);
    ASSERT_EQ(tvc_hist_percentile(h, 0), 0);
    ASSERT_EQ(tvc_hist_percentile(h, 50), 0);
    ASSERT_EQ(tvc_hist_percentile(h, 67), 1);
    ASSERT_EQ(tvc_hist_percentile(h, 100), 1);
    ASSERT(fabs(tvc_hist_mean(h) - 1.0 / 3) < 1e-12);

    /* Huge values land in the top bucket; max stays exact and a reported
     * percentile never leaves [min, max]. */
    tvc_hist_init(h);
    tvc_hist_record(h, INT64_MAX);
    ASSERT_EQ(tvc_hist_percentile(h, 50), INT64_MAX);
    tvc_hist_record(h, TVC_SEC(1000));
    ASSERT_EQ(h->max, INT64_MAX);
    ASSERT_EQ(h->min, TVC_SEC(1000));
    ASSERT_EQ(tvc_hist_percentile(h, 100), INT64_MAX);
    int64_t p50 = tvc_hist_percentile(h, 50);
    ASSERT_GE(p50, TVC_SEC(1000));
    ASSERT_LE(p50, INT64_MAX);

    /* 100 s, the range the header promises, is still within 1/256. */
    tvc_hist_init(h);
    tvc_hist_record(h, 0);
    tvc_hist_record(h, TVC_SEC(100));
    tvc_hist_record(h, TVC_SEC(100));
    tvc_hist_record(h, INT64_MAX);
    int64_t got = tvc_hist_percentile(h, 50);
    ASSERT_LE(llabs(got - TVC_SEC(100)), TVC_SEC(100) / 256);

    /* Out-of-range percentiles clamp. */
    ASSERT_EQ(tvc_hist_percentile(h, -3), 0);
    ASSERT_EQ(tvc_hist_percentile(h, 250), INT64_MAX);
    free(h);
}

static void assert_hist_equal(const tvc_hist *a, const tvc_hist *b)
{
    ASSERT_EQ(a->count, b->count);
    ASSERT_EQ(a->min, b->min);
    ASSERT_EQ(a->max, b->max);
    /* Integer samples below 2^53 in total: the double sums are exact. */
    ASSERT(a->sum == b->sum);
    ASSERT(memcmp(a->buckets, b->buckets, sizeof a->buckets) == 0);
}

static void test_merge(void)
{
    enum { PARTS = 4, N = 200000 };
    tvc_hist *all = malloc(sizeof *all);
    tvc_hist *parts = malloc(PARTS * sizeof *parts);
    tvc_hist *merged = malloc(sizeof *merged);
    ASSERT(all && parts && merged);
    tvc_hist_init(all);
    tvc_hist_init(merged);
    for (int p = 0; p < PARTS; p++)
        tvc_hist_init(&parts[p]);
    for (int i = 0; i < N; i++) {
        int64_t v = draw_lognormal();
        tvc_hist_record(all, v);
        tvc_hist_record(&parts[rng_next() % PARTS], v);
    }
    /* Merging an empty histogram changes nothing. */
    tvc_hist empty;
    tvc_hist_init(&empty);
    tvc_hist_merge(merged, &empty);
    for (int p = 0; p < PARTS; p++)
        tvc_hist_merge(merged, &parts[p]);
    assert_hist_equal(merged, all);
    for (size_t k = 0; k < N_PCTS; k++)
        ASSERT_EQ(tvc_hist_percentile(merged, PCTS[k]),
                  tvc_hist_percentile(all, PCTS[k]));
    free(merged);
    free(parts);
    free(all);
}

/* Per-thread histograms merged after join: the intended use across
 * threads (run under TSan too). */
typedef struct {
    tvc_hist h;
    int64_t first, n;
} worker;

static void *worker_main(void *arg)
{
    worker *w = arg;
    tvc_hist_init(&w->h);
    for (int64_t i = 0; i < w->n; i++)
        tvc_hist_record(&w->h, (w->first + i) * 37);
    return NULL;
}

static void test_merge_threads(void)
{
    enum { THREADS = 4, PER = 50000 };
    worker *ws = malloc(THREADS * sizeof *ws);
    tvc_hist *all = malloc(sizeof *all);
    tvc_hist *merged = malloc(sizeof *merged);
    ASSERT(ws && all && merged);
    pthread_t tids[THREADS];
    for (int t = 0; t < THREADS; t++) {
        ws[t].first = (int64_t)t * PER;
        ws[t].n = PER;
        ASSERT_EQ(pthread_create(&tids[t], NULL, worker_main, &ws[t]), 0);
    }
    tvc_hist_init(all);
    for (int64_t i = 0; i < (int64_t)THREADS * PER; i++)
        tvc_hist_record(all, i * 37);
    tvc_hist_init(merged);
    for (int t = 0; t < THREADS; t++) {
        ASSERT_EQ(pthread_join(tids[t], NULL), 0);
        tvc_hist_merge(merged, &ws[t].h);
    }
    assert_hist_equal(merged, all);
    free(merged);
    free(all);
    free(ws);
}

static void test_json(void)
{
    tvc_hist *h = malloc(sizeof *h);
    ASSERT(h);
    tvc_json j;

    /* Empty: all zero, still a complete object. */
    tvc_hist_init(h);
    tvc_json_init(&j);
    tvc_hist_json(h, &j);
    ASSERT_OK(tvc_json_finish(&j));
    ASSERT_STREQ(j.buf, "{\"count\":0,\"mean\":0,\"min\":0,\"p50\":0,"
                        "\"p90\":0,\"p99\":0,\"p999\":0,\"p9999\":0,"
                        "\"max\":0}");
    tvc_json_free(&j);

    for (int64_t v = 1; v <= 10000; v++)
        tvc_hist_record(h, v * 1000);
    tvc_json_init(&j);
    tvc_hist_json(h, &j);
    ASSERT_OK(tvc_json_finish(&j));
    ASSERT_EQ(json_int(j.buf, "count"), 10000);
    ASSERT_EQ(json_int(j.buf, "mean"), 5000500);
    ASSERT_EQ(json_int(j.buf, "min"), 1000);
    ASSERT_EQ(json_int(j.buf, "max"), 10000000);
    ASSERT_EQ(json_int(j.buf, "p50"), tvc_hist_percentile(h, 50));
    ASSERT_EQ(json_int(j.buf, "p90"), tvc_hist_percentile(h, 90));
    ASSERT_EQ(json_int(j.buf, "p99"), tvc_hist_percentile(h, 99));
    ASSERT_EQ(json_int(j.buf, "p999"), tvc_hist_percentile(h, 99.9));
    ASSERT_EQ(json_int(j.buf, "p9999"), tvc_hist_percentile(h, 99.99));
    ASSERT_LE(llabs(json_int(j.buf, "p50") - 5000000), 5000000 / 256);
    tvc_json_free(&j);

    /* As a value inside a record. */
    tvc_json_init(&j);
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "wakeup");
    tvc_hist_json(h, &j);
    tvc_json_key(&j, "after");
    tvc_json_int(&j, 1);
    tvc_json_object_end(&j);
    ASSERT_OK(tvc_json_finish(&j));
    ASSERT(strncmp(j.buf, "{\"wakeup\":{\"count\":10000,", 25) == 0);
    tvc_json_free(&j);
    free(h);
}

int main(void)
{
    /* stdout's buffer is allocated on first use: before the baseline. */
    printf("histogram: %d buckets\n", TVC_HIST_BUCKETS);
    tvc_test_baseline base = tvc_test_baseline_take();
    test_edges();
    test_bucket_boundaries();
    test_merge();
    test_merge_threads();
    test_json();
    test_distributions();
    /* glibc keeps each joined thread's TLS vector (about 320 bytes) with
     * its cached stack for the next thread: 4 KiB covers the 4 threads. */
    ASSERT_NO_LEAKS(base, 4096);
    printf("ok\n");
    return 0;
}
