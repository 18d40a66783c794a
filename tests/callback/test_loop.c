/*
 * The loop: call_soon runs FIFO and what a call schedules waits for the
 * next iteration; timers fire by deadline, then by the order they were
 * made; handles cancel (once); run_until_complete and stop; close reports
 * and frees what was still pending.  Ends with a leak check.
 */
#include "tvc/cb.h"
#include "tvc_test.h"

static int order[64];
static int norder;
static tvc_cb_loop *loop;

static void note(void *arg)
{
    ASSERT_LT(norder, 64);
    order[norder++] = (int)(intptr_t)arg;
}

/* Schedules 100 + its id, to show it runs an iteration later. */
static void note_and_post(void *arg)
{
    note(arg);
    ASSERT_OK(tvc_cb_call_soon(
        loop, note, (void *)(intptr_t)(100 + (int)(intptr_t)arg), NULL));
}

static void stop_loop(void *arg)
{
    note(arg);
    tvc_cb_stop(loop);
}

static void soon_fifo(void)
{
    norder = 0;
    for (int i = 0; i < 5; i++)
        ASSERT_OK(tvc_cb_call_soon(loop, i == 1 ? note_and_post : note,
                                   (void *)(intptr_t)i, NULL));
    /* A stop queued last: the five, then the stop, all in one pass;
     * what note_and_post scheduled waits. */
    ASSERT_OK(tvc_cb_call_soon(loop, stop_loop, (void *)(intptr_t)9, NULL));
    ASSERT_OK(tvc_cb_run_forever(loop));
    ASSERT_EQ(norder, 6);
    for (int i = 0; i < 5; i++)
        ASSERT_EQ(order[i], i);
    ASSERT_EQ(order[5], 9);
    ASSERT_OK(tvc_cb_run(loop));
    ASSERT_EQ(norder, 7);
    ASSERT_EQ(order[6], 101);
}

static void timers_order(void)
{
    norder = 0;
    int64_t base = tvc_now() - TVC_SEC(1); /* all due: no waiting */
    int64_t dl[6] = {base + 30, base + 10, base + 20,
                     base + 10, base + 20, base + 0};
    for (int i = 0; i < 6; i++)
        ASSERT_OK(tvc_cb_call_at(loop, dl[i], note, (void *)(intptr_t)i, NULL));
    /* call_later with a negative delay is due at once, after base+30. */
    ASSERT_OK(
        tvc_cb_call_later(loop, -TVC_MS(1), note, (void *)(intptr_t)6, NULL));
    ASSERT_OK(tvc_cb_run(loop));
    int want[7] = {5, 1, 3, 2, 4, 0, 6};
    ASSERT_EQ(norder, 7);
    for (int i = 0; i < 7; i++)
        ASSERT_EQ(order[i], want[i]);
}

static void handles_cancel(void)
{
    norder = 0;
    tvc_cb_handle *soon, *later, *ran;
    ASSERT_OK(tvc_cb_call_soon(loop, note, (void *)(intptr_t)1, &soon));
    ASSERT_OK(tvc_cb_call_later(loop, TVC_SEC(3600), note, (void *)(intptr_t)2,
                                &later));
    ASSERT_OK(tvc_cb_call_soon(loop, note, (void *)(intptr_t)3, &ran));
    ASSERT_EQ(tvc_cb_handle_cancel(soon), 1);
    ASSERT_EQ(tvc_cb_handle_cancel(soon), 0);
    ASSERT_EQ(tvc_cb_handle_cancel(later), 1);
    ASSERT_OK(tvc_cb_run(loop)); /* the far timer no longer holds it */
    ASSERT_EQ(norder, 1);
    ASSERT_EQ(order[0], 3);
    ASSERT_EQ(tvc_cb_handle_cancel(ran), 0); /* ran: a no-op */
    tvc_cb_handle_release(soon);
    tvc_cb_handle_release(later);
    tvc_cb_handle_release(ran);
}

static void complete_it(void *arg)
{
    tvc_future_set_result(arg, (void *)(intptr_t)42);
}

static void until_complete(void)
{
    tvc_future *f = tvc_cb_future_new(loop);
    ASSERT(f);
    /* A far timer keeps the loop alive: run_until_complete must return
     * when f completes, not when the loop runs dry. */
    tvc_cb_handle *far;
    ASSERT_OK(tvc_cb_call_later(loop, TVC_SEC(3600), note, NULL, &far));
    ASSERT_OK(tvc_cb_call_later(loop, 0, complete_it, f, NULL));
    void *out = NULL;
    ASSERT_OK(tvc_cb_run_until_complete(loop, f, &out));
    ASSERT_EQ((intptr_t)out, 42);
    tvc_future_unref(f);

    /* Stopped before completion: an invalid-state answer. */
    f = tvc_cb_future_new(loop);
    ASSERT_OK(tvc_cb_call_soon(loop, stop_loop, NULL, NULL));
    ASSERT_ERR(tvc_cb_run_until_complete(loop, f, NULL), TVC_EINVALSTATE);
    tvc_future_unref(f);
    tvc_cb_handle_cancel(far);
    tvc_cb_handle_release(far);
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT_OK(tvc_cb_loop_new(&loop, 0));
    ASSERT(tvc_cb_loop_current() == loop);
    soon_fifo();
    timers_order();
    handles_cancel();
    until_complete();
    ASSERT_EQ(tvc_cb_loop_close(loop), 0);

    /* Close with work pending: reported (3) and freed, not leaked. */
    ASSERT_OK(tvc_cb_loop_new(&loop, 0));
    tvc_cb_handle *kept;
    ASSERT_OK(tvc_cb_call_soon(loop, note, NULL, NULL));
    ASSERT_OK(tvc_cb_call_later(loop, TVC_SEC(10), note, NULL, NULL));
    ASSERT_OK(tvc_cb_call_later(loop, TVC_SEC(10), note, NULL, &kept));
    ASSERT_EQ(tvc_cb_loop_close(loop), 3);
    ASSERT(tvc_cb_loop_current() == NULL);
    tvc_cb_handle_release(kept); /* the caller's reference outlives it */

    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
