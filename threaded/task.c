/*
 * Tasks as pthreads: spawn, the thread's body, cancel, names, settling
 * (tvc_settle), and the future hook that ties a task to its embedded
 * future.
 *
 * A task is one malloc: the struct with its future first (the future's
 * reference count is the task's), its waiter, and its name.  References:
 * the thread holds one until the runtime joins it, the handle from
 * tvc_spawn holds one until tvc_task_release, and awaiters hold their own.
 *
 * Stack size: 256 KiB by default (1 MiB under sanitizers, whose redzones
 * and bookkeeping inflate every frame).  glibc's default is RLIMIT_STACK,
 * 8 MiB of address space per thread; only touched pages cost memory, but
 * workload bodies are shallow (stream buffers live on the heap), and 256
 * KiB keeps 30,000 threads within 8 GiB of address space and makes a stack
 * overflow show up early at the guard page rather than never.  Set it per
 * run (tvc_run_opts.stack_size) or per task (tvc_task_opts.stack_size).
 */
#include "internal.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef TVC_SANITIZED
#define DEFAULT_STACK_BYTES ((size_t)1024 * 1024)
#else
#define DEFAULT_STACK_BYTES ((size_t)256 * 1024)
#endif

static __thread tvc_task *current;

static int cancel_task_hook(tvc_future *f)
{
    return tvc_cancel((tvc_task *)f);
}

/* The last reference went: the thread was joined and no handle is left. */
static void release_hook(tvc_future *f)
{
    tvc_task *t = (tvc_task *)f;
    tvc__waiter_destroy(&t->w);
    free(t);
}

const tvc_future_rt tvc__future_rt = {
    .schedule = NULL, /* callbacks run in the completing thread */
    .cancel_task = cancel_task_hook,
    .release = release_hook,
    .threaded = 1,
};

size_t tvc__stack_size(size_t requested)
{
    size_t n = requested ? requested : DEFAULT_STACK_BYTES;
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    if (n < (size_t)PTHREAD_STACK_MIN)
        n = (size_t)PTHREAD_STACK_MIN;
    return (n + page - 1) / page * page;
}

static void list_remove(tvc_task **head, tvc_task *t)
{
    if (t->prev)
        t->prev->next = t->next;
    else
        *head = t->next;
    if (t->next)
        t->next->prev = t->prev;
    t->prev = t->next = NULL;
}

static void list_push(tvc_task **head, tvc_task *t)
{
    t->prev = NULL;
    t->next = *head;
    if (*head)
        (*head)->prev = t;
    *head = t;
}

static void *task_main(void *p)
{
    tvc_task *t = p;
    current = t;
    tvc__waiter_attach(&t->w);

    void *result = NULL;
    int r = t->fn(t->arg, &result);
    if (r < 0)
        tvc_future_set_error(&t->fut, r);
    else
        tvc_future_set_result(&t->fut, result);

    /* Last touch of t: once it is on the exited list a spawn or the
     * teardown joins this thread and drops the thread's reference. */
    pthread_mutex_lock(&tvc__rt.mu);
    list_remove(&tvc__rt.live, t);
    list_push(&tvc__rt.exited, t);
    pthread_cond_broadcast(&tvc__rt.moved);
    if (--tvc__rt.nlive == 0)
        pthread_cond_broadcast(&tvc__rt.idle);
    pthread_mutex_unlock(&tvc__rt.mu);
    return NULL;
}

void tvc__reap_locked(int wait)
{
    tvc_task *next;
    for (tvc_task *t = tvc__rt.exited; t; t = next) {
        next = t->next;
        /* A thread on the list has finished its task but may still be on
         * its way out of the kernel; spawn does not wait for that. */
        if (wait)
            pthread_join(t->thread, NULL);
        else if (pthread_tryjoin_np(t->thread, NULL) != 0)
            continue;
        list_remove(&tvc__rt.exited, t);
        tvc_future_unref(&t->fut);
    }
}

/* 1 if a live task other than the caller has finished (its future is
 * done) and is yet to move itself to the exited list. */
static int finishing_locked(void)
{
    for (tvc_task *t = tvc__rt.live; t; t = t->next)
        if (t != current && tvc_future_done(&t->fut))
            return 1;
    return 0;
}

void tvc_settle(void)
{
    pthread_mutex_lock(&tvc__rt.mu);
    /* A task's future completes before its thread takes the lock to move
     * to the exited list: wait for the ones in between, then join every
     * exited thread (each is past its task's body, so this waits only
     * for its exit). */
    while (finishing_locked())
        pthread_cond_wait(&tvc__rt.moved, &tvc__rt.mu);
    tvc__reap_locked(1);
    pthread_mutex_unlock(&tvc__rt.mu);
}

size_t tvc__cancel_all(void)
{
    pthread_mutex_lock(&tvc__rt.mu);
    for (tvc_task *t = tvc__rt.live; t; t = t->next)
        tvc__waiter_cancel(&t->w);
    size_t n = tvc__rt.nlive;
    pthread_mutex_unlock(&tvc__rt.mu);
    return n;
}

/* Errors as tvc.h states them; -EAGAIN is pthread_create's refusal (no
 * thread or stack mapping to spare). */
int tvc_spawn(tvc_task **out, tvc_task_fn *fn, void *arg,
              const tvc_task_opts *opts)
{
    if (!tvc__in_run())
        return TVC_EINVALSTATE;
    if (opts && opts->stack_size > TVC_STACK_SIZE_MAX)
        return -EINVAL;
    char made[32];
    const char *name = opts ? opts->name : NULL;
    pthread_mutex_lock(&tvc__rt.mu);
    uint64_t seq = ++tvc__rt.seq;
    /* Join what has exited first: at high task counts their stacks and
     * guard-page mappings are what the next pthread_create runs out of. */
    tvc__reap_locked(0);
    pthread_mutex_unlock(&tvc__rt.mu);
    if (!name) {
        snprintf(made, sizeof made, "task-%llu", (unsigned long long)seq);
        name = made;
    }
    size_t len = strlen(name);
    tvc_task *t = malloc(sizeof *t + len + 1);
    if (!t)
        return -ENOMEM;
    memcpy(t->name, name, len + 1);
    tvc_future_init(&t->fut, &tvc__future_rt,
                    TVC_FUTURE_F_TASK | TVC_FUTURE_F_EMBEDDED);
    tvc__waiter_init(&t->w, 1);
    t->fn = fn;
    t->arg = arg;

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, tvc__stack_size(opts && opts->stack_size
                                                         ? opts->stack_size
                                                         : tvc__rt.stack_size));
    if (out)
        tvc_future_ref(&t->fut);
    /* Held across pthread_create so the new thread cannot exit (and be
     * joined) before t->thread is written. */
    pthread_mutex_lock(&tvc__rt.mu);
    list_push(&tvc__rt.live, t);
    tvc__rt.nlive++;
    int r = pthread_create(&t->thread, &attr, task_main, t);
    if (r != 0) {
        list_remove(&tvc__rt.live, t);
        tvc__rt.nlive--;
    }
    pthread_mutex_unlock(&tvc__rt.mu);
    pthread_attr_destroy(&attr);
    if (r != 0) {
        tvc__waiter_destroy(&t->w);
        free(t);
        return -r;
    }
    if (out)
        *out = t;
    return 0;
}

void tvc_task_release(tvc_task *t)
{
    tvc_future_unref(&t->fut);
}

tvc_future *tvc_task_future(tvc_task *t)
{
    return &t->fut;
}

/* A task joining itself gets -EDEADLK from the wait (tvc__wait_many). */
int tvc_task_join(tvc_task *t, void **result)
{
    return tvc_await(&t->fut, result);
}

/* 1 if requested, 0 if the task had already finished. */
int tvc_cancel(tvc_task *t)
{
    if (tvc_future_done(&t->fut))
        return 0;
    tvc__waiter_cancel(&t->w);
    return 1;
}

tvc_task *tvc_current(void)
{
    return current;
}

const char *tvc_task_name(const tvc_task *t)
{
    return t->name;
}

int tvc_cancelling(void)
{
    if (!current)
        return 0;
    pthread_mutex_lock(&current->w.mu);
    int r = current->w.cancel_requested;
    pthread_mutex_unlock(&current->w.mu);
    return r;
}
