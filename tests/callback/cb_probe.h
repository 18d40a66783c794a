/*
 * A probe task for the callback runtime's tests: it starts one operation
 * chosen by its probe, and its continuation records how often it ran,
 * with what status and value, then returns.  Tests step the loop and
 * check that each continuation ran exactly once with the right result.
 */
#ifndef TVC_CB_PROBE_H
#define TVC_CB_PROBE_H

#include <errno.h>

#include "tvc/cb.h"
#include "tvc_test.h"

enum probe_op {
    P_SLEEP,       /* ns */
    P_SLEEP_UNTIL, /* ns: the deadline */
    P_AWAIT,       /* obj: future */
    P_GATHER,      /* objs, n */
    P_WAIT,        /* objs, n, when, ns (timeout) */
    P_WAIT_FOR,    /* obj: future, ns */
    P_EVENT,       /* obj */
    P_LOCK,        /* obj */
    P_COND,        /* obj: cond (its lock held by the probe first) */
    P_SEM,         /* obj */
    P_QGET,        /* obj */
    P_QPUT,        /* obj, value */
    P_READ,        /* obj: stream, n */
    P_READLINE,    /* obj: stream */
    P_READEXACT,   /* obj: stream, n */
    P_READUNTIL,   /* obj: stream, sep */
    P_DRAIN,       /* obj: stream */
    P_CLOSED,      /* obj: stream */
    P_CONNECT,     /* port */
    P_JOIN,        /* obj: task */
    P_NOTHING,     /* returns value at once, status 0 */
};

typedef struct probe {
    int op;
    void *obj;
    tvc_future **objs;
    size_t n;
    int when;
    int64_t ns;
    int port;
    const char *sep;
    void *value; /* in: for put/return; out: the result */
    int calls;   /* continuation runs */
    int status;
    tvc_slice data;
    char copy[64];     /* data copied out (the slice dies with the stream) */
    int held_after;    /* P_COND: the lock was held when k ran */
    tvc_cb_lock *lock; /* P_COND: its lock */
} probe;

static inline void probe_status(tvc_cb_task *t, int status)
{
    probe *p = tvc_cb_task_arg(t);
    p->calls++;
    p->status = status;
    if (p->op == P_COND) {
        p->held_after = tvc_cb_lock_locked(p->lock);
        if (p->held_after)
            tvc_cb_lock_release(p->lock);
    }
    tvc_cb_task_return(t, 0, NULL);
}

static inline void probe_value(tvc_cb_task *t, int status, void *value)
{
    probe *p = tvc_cb_task_arg(t);
    p->calls++;
    p->status = status;
    p->value = value;
    tvc_cb_task_return(t, 0, NULL);
}

static inline void probe_data(tvc_cb_task *t, int status, tvc_slice data)
{
    probe *p = tvc_cb_task_arg(t);
    p->calls++;
    p->status = status;
    p->data = data;
    size_t n = data.len < sizeof p->copy - 1 ? data.len : sizeof p->copy - 1;
    if (n)
        memcpy(p->copy, data.data, n);
    p->copy[n] = 0;
    tvc_cb_task_return(t, 0, NULL);
}

static inline void probe_cond_locked(tvc_cb_task *t, int status)
{
    probe *p = tvc_cb_task_arg(t);
    ASSERT_OK(status);
    tvc_cb_cond_wait(t, p->obj, probe_status);
}

static inline void probe_start(tvc_cb_task *t, int status)
{
    probe *p = tvc_cb_task_arg(t);
    if (status != 0) {
        p->calls++;
        p->status = status;
        tvc_cb_task_return(t, status, NULL);
        return;
    }
    switch (p->op) {
    case P_SLEEP:
        tvc_cb_sleep(t, p->ns, probe_status);
        break;
    case P_SLEEP_UNTIL:
        tvc_cb_sleep_until(t, p->ns, probe_status);
        break;
    case P_AWAIT:
        tvc_cb_await(t, p->obj, probe_value);
        break;
    case P_GATHER:
        tvc_cb_gather(t, p->objs, p->n, probe_status);
        break;
    case P_WAIT:
        tvc_cb_wait(t, p->objs, p->n, p->when, p->ns, probe_status);
        break;
    case P_WAIT_FOR:
        tvc_cb_wait_for(t, p->obj, p->ns, probe_value);
        break;
    case P_EVENT:
        tvc_cb_event_wait(t, p->obj, probe_status);
        break;
    case P_LOCK:
        tvc_cb_lock_acquire(t, p->obj, probe_status);
        break;
    case P_COND:
        tvc_cb_lock_acquire(t, p->lock, probe_cond_locked);
        break;
    case P_SEM:
        tvc_cb_sem_acquire(t, p->obj, probe_status);
        break;
    case P_QGET:
        tvc_cb_queue_get(t, p->obj, probe_value);
        break;
    case P_QPUT:
        tvc_cb_queue_put(t, p->obj, p->value, probe_status);
        break;
    case P_READ:
        tvc_cb_read(t, p->obj, p->n, probe_data);
        break;
    case P_READLINE:
        tvc_cb_readline(t, p->obj, probe_data);
        break;
    case P_READEXACT:
        tvc_cb_readexactly(t, p->obj, p->n, probe_data);
        break;
    case P_READUNTIL:
        tvc_cb_readuntil(t, p->obj, p->sep, strlen(p->sep), probe_data);
        break;
    case P_DRAIN:
        tvc_cb_drain(t, p->obj, probe_status);
        break;
    case P_CLOSED:
        tvc_cb_wait_closed(t, p->obj, probe_status);
        break;
    case P_CONNECT:
        tvc_cb_open_connection(t, "127.0.0.1", p->port, 0, probe_value);
        break;
    case P_JOIN:
        tvc_cb_join(t, p->obj, probe_value);
        break;
    default:
        p->calls++;
        tvc_cb_task_return(t, 0, p->value);
        break;
    }
}

/* The probe's continuation ran exactly once, with status want. */
#define ONCE(p, want)                                                          \
    do {                                                                       \
        ASSERT_EQ((p).calls, 1);                                               \
        ASSERT_EQ((p).status, (want));                                         \
    } while (0)

/* Runs non-blocking iterations until one does nothing. */
static inline void settle(tvc_cb_loop *loop)
{
    for (int i = 0; i < 100000; i++)
        if (tvc_cb_run_once(loop, 0) <= 0)
            return;
    TVC__FAIL("the loop never settled");
}

/* Spawns a probe task (handle kept in *h when h is not NULL). */
static inline void probe_spawn(tvc_cb_loop *loop, probe *p, tvc_cb_task **h)
{
    ASSERT_OK(tvc_cb_spawn(loop, h, probe_start, p));
}

#endif
