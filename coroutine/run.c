/*
 * tvc_run: sets up the thread's scheduler, runs main as a task until it
 * returns, then cancels and drains what main left running (as asyncio.run
 * does), and frees it all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fiber_hooks.h"
#include "internal.h"

const char *tvc_runtime_name(void)
{
    return "coroutine";
}

void tvc_settle(void)
{
    /* A finished coroutine's stack and struct go when it ends and its
     * last handle is released: nothing waits to be reclaimed. */
}

void tvc__cancel_all(tvc__sched *S)
{
    for (tvc_task *t = S->live; t; t = t->next)
        tvc_cancel(t);
}

/* opts NULL: TVC_STACK=compact in the environment selects the compact
 * mode, so a test binary runs unchanged in both modes. */
static int compact_wanted(const tvc_run_opts *opts)
{
    if (opts)
        return opts->stack_mode == TVC_STACK_COMPACT;
    const char *e = getenv("TVC_STACK");
    return e && strcmp(e, "compact") == 0;
}

int tvc_run(tvc_task_fn *main, void *arg, void **result,
            const tvc_run_opts *opts)
{
    if (tvc__S)
        return TVC_EINVALSTATE; /* one run per thread at a time */
    if (opts && opts->stack_size > TVC_STACK_SIZE_MAX)
        return -EINVAL;
    tvc__sched *S = calloc(1, sizeof *S);
    if (!S)
        return -ENOMEM;
    int r = tvc_reactor_new(&S->rx);
    if (r < 0) {
        free(S);
        return r;
    }
    S->stack_size = opts ? opts->stack_size : 0;
    S->executor_threads = opts ? opts->executor_threads : 0;
    S->compact = compact_wanted(opts);
    tvc__stack_pool_init(&S->pool, S->stack_size);
    S->tsan_fiber = tvc__tsan_current();
    S->fpwords = tvc__ctx_fpwords();
    tvc__S = S;
    tvc_task *m = NULL;
    if (S->compact) {
        r = tvc__stack_get(&S->pool, &S->run_lo);
        S->run_top = r == 0 ? tvc__stack_top(&S->pool, S->run_lo) : NULL;
    }
    if (r == 0)
        r = tvc__spawn(S, &m, main, arg, NULL, TVC__TF_MAIN);
    if (r == 0) {
        tvc__drive(S);
        r = tvc_future_result(&m->fut, result);
        tvc_task_release(m);
        /* asyncio.run: what main left running is cancelled and joined. */
        tvc__cancel_all(S);
        S->draining = 1;
        tvc__drive(S);
    }
    tvc__executor_shutdown(S);
    while (S->spare) {
        tvc_task *t = S->spare;
        S->spare = t->rnext;
        free(t);
    }
    while (S->pools) {
        struct tvc__pool_node *n = S->pools;
        S->pools = n->next;
        tvc__stack_pool_destroy(&n->pool);
        free(n);
    }
    tvc__stack_pool_destroy(&S->pool);
    tvc_reactor_free(S->rx);
    tvc__S = NULL;
    free(S);
    return r;
}
