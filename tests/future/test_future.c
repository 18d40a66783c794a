/*
 * The future core on one thread: every transition and InvalidState case,
 * done callbacks (order, exactly once, added after completion, removed;
 * MANY of them on one future, most removed as a mass cancel would),
 * references and the release hook of embedded futures, and cancel of a
 * task future through the runtime hook.  Each check runs under two
 * runtimes: "direct" (threaded style: callbacks called in the completing
 * thread, spin bit on) and "loop" (callbacks queued like call_soon and run
 * when the test drains the queue, no spin bit).
 */
#include "tvc/future.h"

#include "tvc_test.h"

#include <errno.h>
#include <stdint.h>

/* --- a call_soon queue the loop runtime schedules into ------------------ */

/* Room for the large-list tests, which queue MANY callbacks at once. */
enum { MANY = 100000, QUEUE_CAP = MANY + 16 };

static struct queued {
    tvc_future_cb *cb;
    tvc_future *f;
    void *arg;
} queue[QUEUE_CAP];
static int queue_head, queue_tail;

static void queue_schedule(tvc_future_cb *cb, tvc_future *f, void *arg)
{
    ASSERT_LT(queue_tail, QUEUE_CAP);
    queue[queue_tail++] = (struct queued){cb, f, arg};
}

/* Runs what was queued, including what those callbacks queue. */
static void queue_drain(void)
{
    while (queue_head < queue_tail) {
        struct queued q = queue[queue_head++];
        q.cb(q.f, q.arg);
    }
    queue_head = queue_tail = 0;
}

/* --- runtime hooks --------------------------------------------------------*/

static int cancel_task_calls, cancel_task_answer;
static int release_calls;
static tvc_future *released;

static int cancel_task_hook(tvc_future *f)
{
    cancel_task_calls++;
    return cancel_task_answer;
}

static void release_hook(tvc_future *f)
{
    release_calls++;
    released = f;
}

static const tvc_future_rt direct_rt = {
    .schedule = NULL,
    .cancel_task = cancel_task_hook,
    .release = release_hook,
    .threaded = 1,
};

static const tvc_future_rt loop_rt = {
    .schedule = queue_schedule,
    .cancel_task = cancel_task_hook,
    .release = release_hook,
    .threaded = 0,
};

static const tvc_future_rt *const runtimes[] = {&direct_rt, &loop_rt};

/* --- a log of callback runs ---------------------------------------------*/

enum { LOG_CAP = QUEUE_CAP };
static int log_ids[LOG_CAP];
static int nlog;

static void log_reset(void)
{
    nlog = 0;
}

/* Records its id; also checks the future is complete when it runs. */
static void cb_log(tvc_future *f, void *arg)
{
    ASSERT(tvc_future_done(f));
    ASSERT_LT(nlog, LOG_CAP);
    log_ids[nlog++] = (int)(intptr_t)arg;
}

#define ID(n) ((void *)(intptr_t)(n))

static void expect_log(const int *ids, int n)
{
    ASSERT_EQ(nlog, n);
    for (int i = 0; i < n; i++)
        ASSERT_EQ(log_ids[i], ids[i]);
}

/* --- transitions ----------------------------------------------------------*/

static void check_pending(tvc_future *f)
{
    void *out = ID(77);
    ASSERT_EQ(tvc_future_state_of(f), TVC_FUTURE_PENDING);
    ASSERT_EQ(tvc_future_done(f), 0);
    ASSERT_EQ(tvc_future_cancelled(f), 0);
    ASSERT_ERR(tvc_future_result(f, &out), TVC_EINVALSTATE);
    ASSERT(out == ID(77)); /* untouched while pending */
    ASSERT_ERR(tvc_future_result(f, NULL), TVC_EINVALSTATE);
}

/* Once complete, nothing completes it again and its outcome stays. */
static void check_final(tvc_future *f, enum tvc_future_state st, int err,
                        void *result)
{
    for (int round = 0; round < 2; round++) {
        void *out = NULL;
        ASSERT_EQ(tvc_future_state_of(f), st);
        ASSERT_EQ(tvc_future_done(f), 1);
        ASSERT_EQ(tvc_future_cancelled(f), st == TVC_FUTURE_CANCELLED);
        ASSERT_ERR(tvc_future_result(f, &out), err);
        if (st == TVC_FUTURE_DONE)
            ASSERT(out == result);
        ASSERT_ERR(tvc_future_result(f, NULL), err);
        /* Every further completion loses and changes nothing. */
        ASSERT_ERR(tvc_future_set_result(f, ID(5)), TVC_EINVALSTATE);
        ASSERT_ERR(tvc_future_set_error(f, -EPIPE), TVC_EINVALSTATE);
        ASSERT_ERR(tvc_future_set_error(f, -ECANCELED), TVC_EINVALSTATE);
        ASSERT_EQ(tvc_future_cancel(f), 0);
    }
}

static void test_transitions(const tvc_future_rt *rt)
{
    tvc_future *f = tvc_future_new(rt);
    ASSERT(f != NULL);
    check_pending(f);
    ASSERT_OK(tvc_future_set_result(f, ID(42)));
    check_final(f, TVC_FUTURE_DONE, 0, ID(42));
    tvc_future_unref(f);

    /* A NULL result is a result. */
    f = tvc_future_new(rt);
    ASSERT_OK(tvc_future_set_result(f, NULL));
    check_final(f, TVC_FUTURE_DONE, 0, NULL);
    tvc_future_unref(f);

    f = tvc_future_new(rt);
    ASSERT_OK(tvc_future_set_error(f, -ECONNRESET));
    check_final(f, TVC_FUTURE_ERROR, -ECONNRESET, NULL);
    tvc_future_unref(f);

    /* The project's own codes are errors like any other. */
    f = tvc_future_new(rt);
    ASSERT_OK(tvc_future_set_error(f, TVC_EINCOMPLETE));
    check_final(f, TVC_FUTURE_ERROR, TVC_EINCOMPLETE, NULL);
    tvc_future_unref(f);

    /* -ECANCELED through set_error records a cancellation. */
    f = tvc_future_new(rt);
    ASSERT_OK(tvc_future_set_error(f, -ECANCELED));
    check_final(f, TVC_FUTURE_CANCELLED, -ECANCELED, NULL);
    tvc_future_unref(f);

    f = tvc_future_new(rt);
    ASSERT_EQ(tvc_future_cancel(f), 1);
    check_final(f, TVC_FUTURE_CANCELLED, -ECANCELED, NULL);
    tvc_future_unref(f);

    /* An error must be negative: refused, the future stays pending. */
    f = tvc_future_new(rt);
    ASSERT_ERR(tvc_future_set_error(f, 0), -EINVAL);
    ASSERT_ERR(tvc_future_set_error(f, EPIPE), -EINVAL);
    check_pending(f);
    tvc_future_unref(f);
    queue_drain();
}

/* --- callbacks ------------------------------------------------------------*/

/* n callbacks run once each in registration order, after completion: at
 * once in the direct runtime, on the drain in the loop one. */
static void test_callback_order(const tvc_future_rt *rt, int n)
{
    static int want[LOG_CAP];
    tvc_future *f = tvc_future_new(rt);
    log_reset();
    for (int i = 0; i < n; i++) {
        ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(i)));
        want[i] = i;
    }
    queue_drain();
    ASSERT_EQ(nlog, 0); /* nothing runs while pending */
    ASSERT_OK(tvc_future_set_result(f, ID(1)));
    if (rt->schedule)
        ASSERT_EQ(nlog, 0);
    queue_drain();
    expect_log(want, n);
    /* The list was handed over: nothing is left to remove or to run. */
    ASSERT_EQ(tvc_future_remove_done_callback(f, cb_log, ID(0)), 0);
    ASSERT_EQ(tvc_future_cancel(f), 0);
    queue_drain();
    expect_log(want, n);
    tvc_future_unref(f);
}

/* Added after completion: scheduled at once, as asyncio does. */
static void test_add_after_done(const tvc_future_rt *rt)
{
    tvc_future *f = tvc_future_new(rt);
    log_reset();
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(1)));
    ASSERT_OK(tvc_future_set_error(f, -EPIPE));
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(2)));
    if (rt->schedule) {
        ASSERT_EQ(nlog, 0);
        ASSERT_EQ(queue_tail, 2); /* behind the one completion queued */
    } else {
        expect_log((int[]){1, 2}, 2);
    }
    queue_drain();
    expect_log((int[]){1, 2}, 2);
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(3)));
    queue_drain();
    expect_log((int[]){1, 2, 3}, 3);
    tvc_future_unref(f);
}

static void cb_other(tvc_future *f, void *arg)
{
    cb_log(f, (void *)((intptr_t)arg + 1000));
}

static void test_remove(const tvc_future_rt *rt)
{
    tvc_future *f = tvc_future_new(rt);
    log_reset();
    /* Removing from an empty list. */
    ASSERT_EQ(tvc_future_remove_done_callback(f, cb_log, ID(1)), 0);
    /* (cb_log, 1) three times, among other registrations that share
     * either the function or the argument. */
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(1)));
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(2)));
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(1)));
    ASSERT_OK(tvc_future_add_done_callback(f, cb_other, ID(1)));
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(3)));
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(1)));
    ASSERT_EQ(tvc_future_remove_done_callback(f, cb_log, ID(1)), 3);
    ASSERT_EQ(tvc_future_remove_done_callback(f, cb_log, ID(1)), 0);
    ASSERT_EQ(tvc_future_remove_done_callback(f, cb_log, ID(9)), 0);
    /* Slots freed by removal are reused, order kept. */
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(4)));
    ASSERT_OK(tvc_future_set_result(f, NULL));
    queue_drain();
    expect_log((int[]){2, 1001, 3, 4}, 4);
    tvc_future_unref(f);

    /* Removing everything, the inline first slot included, then adding. */
    f = tvc_future_new(rt);
    log_reset();
    for (int i = 0; i < 5; i++)
        ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(7)));
    ASSERT_EQ(tvc_future_remove_done_callback(f, cb_log, ID(7)), 5);
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(8)));
    ASSERT_EQ(tvc_future_cancel(f), 1);
    queue_drain();
    expect_log((int[]){8}, 1);
    tvc_future_unref(f);
}

/* A callback removing a later one: the list was handed over when the
 * future completed, so the removal finds nothing and the later callback
 * still runs, as in asyncio. */
static int removed_in_callback;

static void cb_remove_next(tvc_future *f, void *arg)
{
    cb_log(f, arg);
    removed_in_callback = tvc_future_remove_done_callback(f, cb_log, ID(2));
}

static void test_remove_from_callback(const tvc_future_rt *rt)
{
    tvc_future *f = tvc_future_new(rt);
    log_reset();
    removed_in_callback = -1;
    ASSERT_OK(tvc_future_add_done_callback(f, cb_remove_next, ID(1)));
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(2)));
    ASSERT_OK(tvc_future_set_result(f, NULL));
    queue_drain();
    ASSERT_EQ(removed_in_callback, 0);
    expect_log((int[]){1, 2}, 2);
    tvc_future_unref(f);
}

/* A callback that adds another on the same, completed future. */
static void cb_add_more(tvc_future *f, void *arg)
{
    cb_log(f, arg);
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(3)));
}

static void test_add_from_callback(const tvc_future_rt *rt)
{
    tvc_future *f = tvc_future_new(rt);
    log_reset();
    ASSERT_OK(tvc_future_add_done_callback(f, cb_add_more, ID(1)));
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(2)));
    ASSERT_OK(tvc_future_set_result(f, NULL));
    queue_drain();
    /* direct: 3 runs inside 1, before 2; loop: 3 is queued behind 2. */
    if (rt->schedule)
        expect_log((int[]){1, 2, 3}, 3);
    else
        expect_log((int[]){1, 3, 2}, 3);
    tvc_future_unref(f);
}

/* MANY callbacks on one future (past what a 16-bit count held) all run,
 * once each, in order. */
static void test_many_callbacks(const tvc_future_rt *rt)
{
    tvc_future *f = tvc_future_new(rt);
    log_reset();
    for (int i = 0; i < MANY; i++)
        ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(i)));
    ASSERT_OK(tvc_future_set_result(f, NULL));
    queue_drain();
    ASSERT_EQ(nlog, MANY);
    for (int i = 0; i < MANY; i++)
        ASSERT_EQ(log_ids[i], i);
    tvc_future_unref(f);
}

/* Awaiter i of the mass cancel survives it. */
static int survives(int i)
{
    return i % 7 == 0;
}

/* A mass cancel: MANY awaiters of one future, all but every seventh
 * removed, half from the front and half from the back, with removals
 * squeezing the list as they go; then a few more are added.  Each removal
 * finds its one registration and a second finds none; the survivors and
 * the late ones run once each, in registration order, and the removed
 * never.  (Removal used to scan the list: this was quadratic.) */
static void test_mass_cancel(const tvc_future_rt *rt)
{
    tvc_future *f = tvc_future_new(rt);
    log_reset();
    for (int i = 0; i < MANY; i++)
        ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(i)));
    for (int i = 0; i < MANY / 2; i++)
        if (!survives(i))
            ASSERT_EQ(tvc_future_remove_done_callback(f, cb_log, ID(i)), 1);
    for (int i = MANY - 1; i >= MANY / 2; i--)
        if (!survives(i))
            ASSERT_EQ(tvc_future_remove_done_callback(f, cb_log, ID(i)), 1);
    for (int i = 0; i < MANY; i++)
        if (!survives(i))
            ASSERT_EQ(tvc_future_remove_done_callback(f, cb_log, ID(i)), 0);
    for (int i = MANY; i < MANY + 10; i++)
        ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(i)));
    ASSERT_EQ(tvc_future_cancel(f), 1);
    queue_drain();
    int n = 0;
    for (int i = 0; i < MANY + 10; i++) {
        if (i < MANY && !survives(i))
            continue;
        ASSERT_LT(n, nlog);
        ASSERT_EQ(log_ids[n], i);
        n++;
    }
    ASSERT_EQ(nlog, n);
    tvc_future_unref(f);

    /* Every awaiter cancelled: nothing runs, and the list's memory goes
     * with the future (the leak check at the end). */
    f = tvc_future_new(rt);
    log_reset();
    for (int i = 0; i < MANY; i++)
        ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(i)));
    for (int i = 0; i < MANY; i++)
        ASSERT_EQ(tvc_future_remove_done_callback(f, cb_log, ID(i)), 1);
    ASSERT_OK(tvc_future_set_result(f, NULL));
    queue_drain();
    ASSERT_EQ(nlog, 0);
    tvc_future_unref(f);
}

/* A long-lived future awaited over and over with a timeout: each wait
 * adds and removes one callback behind a thousand that stay, some waits
 * overlapping.  The list must not keep the removed ones (its heap stays
 * far below what MANY slots take) and the thousand run in order. */
static void test_add_remove_cycle(const tvc_future_rt *rt)
{
    tvc_future *f = tvc_future_new(rt);
    log_reset();
    for (int i = 0; i < 1000; i++)
        ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(i)));
    tvc_mem before, after;
    ASSERT_OK(tvc_mem_sample(&before));
    for (int i = 0; i < 3 * (MANY / 3); i++) {
        ASSERT_OK(tvc_future_add_done_callback(f, cb_other, ID(i)));
        if (i % 3 == 0) /* and some pile up before they go */
            continue;
        ASSERT_EQ(tvc_future_remove_done_callback(f, cb_other, ID(i)), 1);
        if (i % 3 == 2)
            ASSERT_EQ(tvc_future_remove_done_callback(f, cb_other, ID(i - 2)),
                      1);
    }
    ASSERT_OK(tvc_mem_sample(&after));
    /* MANY slots would be 1.6 MB and more; without a heap probe (-1)
     * there is nothing to compare. */
    if (before.heap_allocated_bytes >= 0)
        ASSERT_LT(after.heap_allocated_bytes - before.heap_allocated_bytes,
                  256 * 1024);
    ASSERT_OK(tvc_future_set_result(f, NULL));
    queue_drain();
    ASSERT_EQ(nlog, 1000);
    for (int i = 0; i < 1000; i++)
        ASSERT_EQ(log_ids[i], i);
    tvc_future_unref(f);
}

/* Adds and removals drawn at random, checked against a plain list:
 * every removal finds as many as the list holds (keys repeat, so often
 * more than one), and what runs at the end is the list's order.  Phases
 * grow the list to thousands, shrink it and drain it empty, through the
 * inline slot, table growth, trimming and squeezing. */
static void test_remove_model(const tvc_future_rt *rt)
{
    enum { KEYS = 2048, OPS = 60000, PHASE = 10000, MODEL_CAP = 16384 };
    static int model[MODEL_CAP];
    uint64_t rng = 12345;
    for (int round = 0; round < 3; round++) {
        tvc_future *f = tvc_future_new(rt);
        int n = 0;
        log_reset();
        for (int op = 0; op < OPS; op++) {
            rng = rng * 6364136223846793005ULL + 1442695040888963407ULL;
            int key = (int)((rng >> 33) % KEYS);
            /* Out of 8: adds while growing, shrinking, draining. */
            int phase = (op / PHASE + round) % 3;
            int adds = phase == 0 ? 5 : phase == 1 ? 2 : 0;
            if (phase == 2)
                key = op % KEYS; /* every key in turn: empties the list */
            if ((int)((rng >> 20) % 8) < adds && n < MODEL_CAP) {
                ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(key)));
                model[n++] = key;
                continue;
            }
            int kept = 0, gone = 0;
            for (int i = 0; i < n; i++) {
                if (model[i] == key)
                    gone++;
                else
                    model[kept++] = model[i];
            }
            n = kept;
            ASSERT_EQ(tvc_future_remove_done_callback(f, cb_log, ID(key)),
                      gone);
        }
        ASSERT_OK(tvc_future_set_result(f, NULL));
        queue_drain();
        expect_log(model, n);
        tvc_future_unref(f);
    }
}

/* --- references -----------------------------------------------------------*/

/* The registrant's reference is the only one; its callback drops it while
 * the completing call (which borrowed it) is still handing out callbacks.
 * ASan catches a use after free if the core does not hold its own. */
static void cb_unref(tvc_future *f, void *arg)
{
    cb_log(f, arg);
    tvc_future_unref(f);
}

static void test_unref_in_callback(void)
{
    tvc_future *f = tvc_future_new(&direct_rt);
    log_reset();
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(1)));
    ASSERT_OK(tvc_future_add_done_callback(f, cb_unref, ID(2)));
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(3)));
    ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(4)));
    ASSERT_OK(tvc_future_set_result(f, NULL));
    expect_log((int[]){1, 2, 3, 4}, 4);

    /* Loop style: the callback runs later, kept alive by the registrant's
     * reference alone, and may drop it. */
    f = tvc_future_new(&loop_rt);
    log_reset();
    ASSERT_OK(tvc_future_add_done_callback(f, cb_unref, ID(5)));
    ASSERT_OK(tvc_future_set_result(f, NULL));
    queue_drain();
    expect_log((int[]){5}, 1);
}

struct holder {
    int before;   /* something of the embedding struct */
    tvc_future f; /* the embedded future */
    int after;
};

static void test_refs(const tvc_future_rt *rt)
{
    /* Heap futures: freed at the last unref (ASan and the leak check
     * verify both that it happens and that it happens once). */
    tvc_future *f = tvc_future_new(rt);
    ASSERT(tvc_future_ref(f) == f);
    tvc_future_ref(f);
    tvc_future_unref(f);
    tvc_future_unref(f);
    ASSERT_EQ(tvc_future_state_of(f), TVC_FUTURE_PENDING);
    /* Dropped while pending with callbacks registered: they never run and
     * their list is freed. */
    log_reset();
    for (int i = 0; i < 5; i++)
        ASSERT_OK(tvc_future_add_done_callback(f, cb_log, ID(i)));
    tvc_future_unref(f);
    queue_drain();
    ASSERT_EQ(nlog, 0);

    /* Embedded: the release hook is called once, at the last unref, and
     * the embedding struct is never freed by the core. */
    struct holder h = {.before = 1, .after = 2};
    release_calls = 0;
    released = NULL;
    tvc_future_init(&h.f, rt, TVC_FUTURE_F_EMBEDDED);
    check_pending(&h.f);
    for (int i = 0; i < 4; i++)
        ASSERT_OK(tvc_future_add_done_callback(&h.f, cb_log, ID(i)));
    tvc_future_ref(&h.f);
    tvc_future_ref(&h.f);
    log_reset();
    ASSERT_OK(tvc_future_set_result(&h.f, ID(9)));
    queue_drain();
    expect_log((int[]){0, 1, 2, 3}, 4);
    tvc_future_unref(&h.f);
    tvc_future_unref(&h.f);
    ASSERT_EQ(release_calls, 0);
    tvc_future_unref(&h.f);
    ASSERT_EQ(release_calls, 1);
    ASSERT(released == &h.f);
    ASSERT_EQ(h.before, 1);
    ASSERT_EQ(h.after, 2);

    /* Embedded and dropped while pending with a grown list. */
    tvc_future_init(&h.f, rt, TVC_FUTURE_F_EMBEDDED);
    for (int i = 0; i < 9; i++)
        ASSERT_OK(tvc_future_add_done_callback(&h.f, cb_log, ID(i)));
    tvc_future_unref(&h.f);
    ASSERT_EQ(release_calls, 2);

    /* Embedded in a runtime without a release hook: nothing to call, and
     * nothing freed either. */
    tvc_future_rt bare = *rt;
    bare.release = NULL;
    tvc_future_init(&h.f, &bare, TVC_FUTURE_F_EMBEDDED);
    tvc_future_unref(&h.f);
    ASSERT_EQ(release_calls, 2);
}

/* --- task futures ---------------------------------------------------------*/

static void test_task_cancel(const tvc_future_rt *rt)
{
    struct holder h;
    cancel_task_calls = 0;
    release_calls = 0;
    tvc_future_init(&h.f, rt, TVC_FUTURE_F_TASK | TVC_FUTURE_F_EMBEDDED);
    log_reset();
    ASSERT_OK(tvc_future_add_done_callback(&h.f, cb_log, ID(1)));

    /* Cancel goes to the task; the future stays pending until the task
     * has cleaned up and completes it. */
    cancel_task_answer = 1;
    ASSERT_EQ(tvc_future_cancel(&h.f), 1);
    ASSERT_EQ(cancel_task_calls, 1);
    check_pending(&h.f);
    queue_drain();
    ASSERT_EQ(nlog, 0);
    /* Cancel is idempotent as far as the core goes: it asks again and the
     * runtime decides. */
    ASSERT_EQ(tvc_future_cancel(&h.f), 1);
    ASSERT_EQ(cancel_task_calls, 2);

    ASSERT_OK(tvc_future_set_error(&h.f, -ECANCELED));
    queue_drain();
    expect_log((int[]){1}, 1);
    /* Once complete the hook is not bothered. */
    ASSERT_EQ(tvc_future_cancel(&h.f), 0);
    ASSERT_EQ(cancel_task_calls, 2);
    check_final(&h.f, TVC_FUTURE_CANCELLED, -ECANCELED, NULL);
    tvc_future_unref(&h.f);
    ASSERT_EQ(release_calls, 1);

    /* The task had already finished when the cancel arrived. */
    tvc_future_init(&h.f, rt, TVC_FUTURE_F_TASK | TVC_FUTURE_F_EMBEDDED);
    cancel_task_answer = 0;
    ASSERT_EQ(tvc_future_cancel(&h.f), 0);
    ASSERT_EQ(cancel_task_calls, 3);
    ASSERT_OK(tvc_future_set_result(&h.f, ID(3)));
    check_final(&h.f, TVC_FUTURE_DONE, 0, ID(3));
    tvc_future_unref(&h.f);
    ASSERT_EQ(release_calls, 2);
    queue_drain();
}

/* Loop style: callbacks of several futures reach the queue in completion
 * order, each future's own in registration order. */
static void test_loop_interleaving(void)
{
    tvc_future *a = tvc_future_new(&loop_rt);
    tvc_future *b = tvc_future_new(&loop_rt);
    log_reset();
    ASSERT_OK(tvc_future_add_done_callback(a, cb_log, ID(1)));
    ASSERT_OK(tvc_future_add_done_callback(b, cb_log, ID(2)));
    ASSERT_OK(tvc_future_add_done_callback(a, cb_log, ID(3)));
    ASSERT_OK(tvc_future_add_done_callback(b, cb_log, ID(4)));
    ASSERT_OK(tvc_future_set_result(b, NULL));
    ASSERT_OK(tvc_future_set_result(a, NULL));
    ASSERT_OK(tvc_future_add_done_callback(b, cb_log, ID(5)));
    queue_drain();
    expect_log((int[]){2, 4, 1, 3, 5}, 5);
    tvc_future_unref(a);
    tvc_future_unref(b);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    for (int i = 0; i < 2; i++) {
        const tvc_future_rt *rt = runtimes[i];
        test_transitions(rt);
        test_callback_order(rt, 1);
        test_callback_order(rt, 2);
        test_callback_order(rt, 3);
        test_callback_order(rt, 1000);
        test_add_after_done(rt);
        test_remove(rt);
        test_remove_from_callback(rt);
        test_add_from_callback(rt);
        test_many_callbacks(rt);
        test_mass_cancel(rt);
        test_add_remove_cycle(rt);
        test_remove_model(rt);
        test_refs(rt);
        test_task_cancel(rt);
    }
    test_unref_in_callback();
    test_loop_interleaving();
    ASSERT_NO_LEAKS(base, 0);
    printf("future: all checks passed\n");
    return 0;
}
