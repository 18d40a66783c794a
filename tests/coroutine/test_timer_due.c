/*
 * A due timer does not wait behind a run of ready tasks: while a few
 * tasks keep yielding (each yield queues the task again, so the run
 * queue never empties), a task whose sleep has fallen due resumes within
 * one more round of them.  The scheduler polls the reactor only every so
 * many resumes; with fewer busy tasks than that, a due timer used to
 * wait for a dozen rounds.
 *
 * Nothing here depends on how fast the machine is: a busy task counts
 * its rounds only once the clock it reads itself has passed the
 * sleeper's deadline, so the count at the sleeper's wake-up is the same
 * however slow the run (ASan, a loaded machine).  Two deadlines: one
 * already past when the timer is armed, and one that falls due while the
 * tasks are busy (the scheduler must read the clock again for it).
 */
#include <stdint.h>
#include <string.h>

#include "tvc/clock.h"
#include "tvc/tvc.h"
#include "tvc_test.h"

/* Busy tasks: fewer than the resumes between two polls of the reactor,
 * or every round would end with a poll anyway. */
#define BUSY 4
/* How far in the future the second sleep's deadline is. */
#define SHORT_SLEEP_NS TVC_MS(1)
/* A bound on the whole test, so a broken scheduler fails instead of
 * spinning forever; never reached by a working one. */
#define GIVE_UP_NS TVC_SEC(10)
/* Rounds the busy tasks may complete after the deadline, before the
 * sleeper resumes: the round in which the deadline is seen to pass, and
 * the next one, which the woken sleeper is queued behind. */
#define MAX_ROUNDS_LATE 2

static struct {
    int64_t deadline; /* the sleeper's; 0 until it is about to sleep */
    int woke;         /* the sleeper has resumed */
    int late[BUSY];   /* per busy task: rounds since it saw the deadline */
    int late_at_wake; /* the most of late[] when the sleeper resumed */
} w;

static int sleeper(void *arg, void **res)
{
    (void)res;
    int64_t ahead = (int64_t)(intptr_t)arg;
    /* A deadline of now is already past when the timer is armed. */
    w.deadline = tvc_now() + ahead;
    ASSERT_OK(tvc_sleep_until(w.deadline));
    for (int i = 0; i < BUSY; i++)
        if (w.late[i] > w.late_at_wake)
            w.late_at_wake = w.late[i];
    w.woke = 1;
    return 0;
}

static int busy(void *arg, void **res)
{
    (void)res;
    int id = (int)(intptr_t)arg;
    int64_t give_up = tvc_now() + GIVE_UP_NS;
    while (!w.woke) {
        int64_t now = tvc_now();
        ASSERT_LT(now, give_up);
        if (w.deadline && now >= w.deadline)
            w.late[id]++;
        ASSERT_OK(tvc_sleep(0));
    }
    return 0;
}

static int run(void *arg, void **res)
{
    (void)res;
    tvc_task *s, *b[BUSY];
    memset(&w, 0, sizeof w);
    /* The sleeper first: it arms its timer in the same round as the busy
     * tasks' first yield. */
    ASSERT_OK(tvc_spawn(&s, sleeper, arg, NULL));
    for (int i = 0; i < BUSY; i++)
        ASSERT_OK(tvc_spawn(&b[i], busy, (void *)(intptr_t)i, NULL));
    ASSERT_OK(tvc_task_join(s, NULL));
    tvc_task_release(s);
    for (int i = 0; i < BUSY; i++) {
        ASSERT_OK(tvc_task_join(b[i], NULL));
        tvc_task_release(b[i]);
    }
    ASSERT(w.woke);
    ASSERT_GE(w.late_at_wake, 1);
    ASSERT_LE(w.late_at_wake, MAX_ROUNDS_LATE);
    return 0;
}

int main(void)
{
    tvc_test_baseline base = tvc_test_baseline_take();
    ASSERT_OK(tvc_run(run, (void *)(intptr_t)0, NULL, NULL));
    ASSERT_OK(tvc_run(run, (void *)(intptr_t)SHORT_SLEEP_NS, NULL, NULL));
    ASSERT_NO_LEAKS(base, 0);
    return 0;
}
