/*
 * The future core under racing threads (also run under ThreadSanitizer).
 * Each round, two to four threads race set_result / set_error / cancel on
 * one future while adding (and some removing) done callbacks before and
 * after their completion attempt.  After the round: exactly one completion
 * won, the final state is the winner's, every callback ran exactly once
 * (or not at all when its removal came first), and every callback saw the
 * published result.
 */
#include "tvc/future.h"

#include "tvc_test.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

enum {
    NTHREADS = 4,
    ROUNDS = 20000,
    SLOTS = 3, /* callbacks per thread and round */
};

/* Distinct errors so the winner can be told apart. */
#define THREAD_ERR(t)    (-1000 - (t))
#define THREAD_RESULT(t) ((void *)(intptr_t)(100 + (t)))

enum op { OP_RESULT, OP_ERROR, OP_CANCEL };

/* One callback registration. */
struct slot {
    _Atomic int ran; /* times the callback ran */
    int seen;        /* tvc_future_result's code inside the callback */
    void *seen_out;  /* and its result */
};

static struct {
    tvc_future *f;
    int active; /* threads racing this round */
    struct slot slot[NTHREADS][SLOTS];
    int won[NTHREADS];     /* completion call returned success */
    int removed[NTHREADS]; /* what the remove call returned */
} round_;

static pthread_barrier_t start_bar, end_bar;

static const tvc_future_rt threaded_rt = {
    .schedule = NULL,
    .cancel_task = NULL,
    .release = NULL,
    .threaded = 1,
};

static void cb_count(tvc_future *f, void *arg)
{
    struct slot *s = arg;
    ASSERT(tvc_future_done(f));
    s->seen_out = NULL;
    s->seen = tvc_future_result(f, &s->seen_out);
    atomic_fetch_add_explicit(&s->ran, 1, memory_order_relaxed);
}

static enum op op_of(int round, int t)
{
    return (enum op)((round + t) % 3);
}

static void *racer(void *arg)
{
    int t = (int)(intptr_t)arg;
    for (int r = 0; r < ROUNDS; r++) {
        pthread_barrier_wait(&start_bar);
        if (t < round_.active) {
            tvc_future *f = round_.f;
            struct slot *s = round_.slot[t];
            ASSERT_OK(tvc_future_add_done_callback(f, cb_count, &s[0]));
            ASSERT_OK(tvc_future_add_done_callback(f, cb_count, &s[1]));
            if (t % 2)
                round_.removed[t] =
                    tvc_future_remove_done_callback(f, cb_count, &s[1]);
            int rc = 0; /* every case sets it; gcc -O2 cannot tell */
            switch (op_of(r, t)) {
            case OP_RESULT:
                rc = tvc_future_set_result(f, THREAD_RESULT(t));
                round_.won[t] = rc == 0;
                break;
            case OP_ERROR:
                rc = tvc_future_set_error(f, THREAD_ERR(t));
                round_.won[t] = rc == 0;
                break;
            case OP_CANCEL:
                rc = tvc_future_cancel(f);
                round_.won[t] = rc == 1;
                break;
            }
            if (!round_.won[t] && op_of(r, t) != OP_CANCEL)
                ASSERT_ERR(rc, TVC_EINVALSTATE);
            /* A loser returns only once the outcome is visible. */
            ASSERT(tvc_future_done(f));
            ASSERT_OK(tvc_future_add_done_callback(f, cb_count, &s[2]));
            tvc_future_unref(f);
        }
        pthread_barrier_wait(&end_bar);
    }
    return NULL;
}

static void check_round(int r)
{
    int winner = -1, wins = 0;
    for (int t = 0; t < round_.active; t++) {
        if (round_.won[t]) {
            winner = t;
            wins++;
        }
    }
    ASSERT_EQ(wins, 1);

    int want = 0;
    void *want_out = NULL;
    tvc_future *f = round_.f;
    switch (op_of(r, winner)) {
    case OP_RESULT:
        ASSERT_EQ(tvc_future_state_of(f), TVC_FUTURE_DONE);
        want_out = THREAD_RESULT(winner);
        break;
    case OP_ERROR:
        ASSERT_EQ(tvc_future_state_of(f), TVC_FUTURE_ERROR);
        want = THREAD_ERR(winner);
        break;
    case OP_CANCEL:
        ASSERT_EQ(tvc_future_state_of(f), TVC_FUTURE_CANCELLED);
        want = -ECANCELED;
        break;
    }
    void *out = NULL;
    ASSERT_ERR(tvc_future_result(f, &out), want);
    ASSERT(out == want_out);

    for (int t = 0; t < NTHREADS; t++) {
        for (int i = 0; i < SLOTS; i++) {
            struct slot *s = &round_.slot[t][i];
            int expect = t < round_.active;
            if (expect && i == 1 && t % 2) {
                /* Removed before the completer took the list, or run. */
                ASSERT_GE(round_.removed[t], 0);
                ASSERT_LE(round_.removed[t], 1);
                expect = 1 - round_.removed[t];
            }
            int ran = atomic_load(&s->ran);
            ASSERT_EQ(ran, expect);
            if (expect) {
                ASSERT_ERR(s->seen, want);
                ASSERT(s->seen_out == want_out);
            }
        }
    }
}

int main(void)
{
    pthread_t th[NTHREADS];
    pthread_barrier_init(&start_bar, NULL, NTHREADS + 1);
    pthread_barrier_init(&end_bar, NULL, NTHREADS + 1);
    for (int t = 0; t < NTHREADS; t++)
        ASSERT_EQ(pthread_create(&th[t], NULL, racer, (void *)(intptr_t)t), 0);
    /* Taken after the first round, once every thread runs: the C library
     * and the sanitizer allocate per-thread bookkeeping as threads start
     * and cache it after a join, which is not ours to check. */
    tvc_test_baseline base = {0, 0};

    int removed_seen[2] = {0, 0};
    for (int r = 0; r < ROUNDS; r++) {
        memset(&round_, 0, sizeof round_);
        round_.active = 2 + r % (NTHREADS - 1);
        round_.f = tvc_future_new(&threaded_rt);
        ASSERT(round_.f != NULL);
        for (int t = 0; t < round_.active; t++)
            tvc_future_ref(round_.f);
        pthread_barrier_wait(&start_bar);
        pthread_barrier_wait(&end_bar);
        check_round(r);
        removed_seen[round_.removed[1]]++;
        tvc_future_unref(round_.f);
        if (r == 0)
            base = tvc_test_baseline_take();
    }
    /* After the joins: a thread on its way out hands its allocator caches
     * (jemalloc's tcache, the sanitizers' per-thread stats) back, and a
     * sample taken meanwhile sees them half-way. */
    for (int t = 0; t < NTHREADS; t++)
        pthread_join(th[t], NULL);
    ASSERT_NO_LEAKS(base, 0);
    pthread_barrier_destroy(&start_bar);
    pthread_barrier_destroy(&end_bar);
    /* Which side won the remove race is up to the scheduler; printed, not
     * asserted. */
    printf("future race: %d rounds passed; remove won %d times, lost %d\n",
           ROUNDS, removed_seen[1], removed_seen[0]);
    return 0;
}
