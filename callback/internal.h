/*
 * What the files of the callback runtime share: the loop and task
 * structs, the intrusive list, and the few calls through which every
 * operation starts, completes and is cancelled.
 *
 * An operation's life: tvc__cb_begin checks and marks the task WAITING
 * (or finishes the operation at once with -ECANCELED when a cancel is
 * pending); the operation links what it waits on inside t->u; when it
 * completes (or is cancelled) it unlinks that and calls tvc__cb_complete,
 * which stores the result in t->u.done and posts the task's resume work
 * to the reactor; the resume runs the continuation from the loop.
 */
#ifndef TVC_CB_INTERNAL_H
#define TVC_CB_INTERNAL_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "tvc/cb.h"
#include "tvc/rx_pool.h"

#define TVC__CONTAINER(p, type, field)                                         \
    ((type *)(void *)((char *)(p)-offsetof(type, field)))

/* ---- intrusive circular list with a sentinel --------------------------- */

typedef struct tvc__cb_node {
    struct tvc__cb_node *next, *prev;
} tvc__cb_node;

static inline void tvc__cb_list_init(tvc__cb_node *head)
{
    head->next = head->prev = head;
}

static inline int tvc__cb_list_empty(const tvc__cb_node *head)
{
    return head->next == head;
}

static inline void tvc__cb_list_push(tvc__cb_node *head, tvc__cb_node *n)
{
    n->prev = head->prev;
    n->next = head;
    head->prev->next = n;
    head->prev = n;
}

static inline void tvc__cb_list_unlink(tvc__cb_node *n)
{
    n->prev->next = n->next;
    n->next->prev = n->prev;
    n->next = n->prev = n;
}

/* ---- tasks ------------------------------------------------------------- */

enum tvc__cb_task_state {
    TVC__T_STARTING, /* start is posted, has not run */
    TVC__T_RUNNING,  /* inside one of its continuations, nothing pending */
    TVC__T_WAITING,  /* an operation is pending */
    TVC__T_RESUMING, /* completed; the continuation is posted */
    TVC__T_FINISHED, /* returned; its future is complete */
};

/* The pending operation, for cancellation. */
enum tvc__cb_op {
    TVC__OP_NONE,
    TVC__OP_START,
    TVC__OP_SLEEP,
    TVC__OP_AWAIT,
    TVC__OP_GATHER,
    TVC__OP_WAIT,
    TVC__OP_WAIT_FOR,
    TVC__OP_LIST,   /* in a wait list: event, lock, sem, queue */
    TVC__OP_COND,   /* in a condition's list */
    TVC__OP_RELOCK, /* re-acquiring the lock after a cond wait */
    TVC__OP_STREAM, /* read, drain, wait_closed or connect */
    TVC__OP_SERVER, /* server close waiting for its handlers */
};

/* Which continuation type t->k holds. */
enum tvc__cb_kind { TVC__K_STATUS, TVC__K_VALUE, TVC__K_DATA };

enum {
    TVC__F_CANCEL_PENDING = 1, /* deliver -ECANCELED at the next op */
    TVC__F_CANCEL_SEEN = 2,    /* cancellation was ever requested */
    TVC__F_CLEANUP = 4,        /* cancelled children are being waited for */
    TVC__F_TIMED_OUT = 8,      /* wait_for: the deadline passed */
};

struct tvc__cb_wait;

struct tvc_cb_task {
    tvc_future fut; /* the task's future, embedded: its references are
                     * the task's (handle + the runtime until return) */
    void *arg;      /* the task's argument */
    union {
        tvc_cb_fn *status;
        tvc_cb_value_fn *value;
        tvc_cb_data_fn *data;
    } k;            /* the continuation of the pending operation */
    uint8_t state;  /* enum tvc__cb_task_state */
    uint8_t op;     /* enum tvc__cb_op while WAITING */
    uint8_t kind;   /* enum tvc__cb_kind of k */
    uint8_t flags;  /* TVC__F_* */
    int32_t status; /* the result while RESUMING; a saved status while
                     * cleaning up (gather's first error, cond's) */
    union {
        tvc_rx_timer timer; /* sleep */
        struct {
            tvc_rx_timer timer;
            tvc_future *f;
        } wait_for;
        struct {
            tvc__cb_node node; /* in the primitive's list */
            void *prim;        /* the primitive waited on */
            void *item;        /* queue put: the item */
        } list;
        tvc_future *await; /* the future awaited */
        struct {
            tvc_future *const *fs;
            size_t n;
            size_t left; /* children not complete yet */
        } gather;
        struct tvc__cb_wait *wait; /* asyncio.wait's state */
        tvc_cb_stream *stream;     /* stream op or connect */
        tvc_cb_server *server;     /* server close */
        struct {
            tvc_rx_work work; /* posts the resume */
            void *value;
            tvc_slice data;
        } done; /* the result, once complete */
    } u;
};

/* Unlinks and returns the first task waiting in a primitive's list (the
 * list is not empty). */
static inline tvc_cb_task *tvc__cb_waiter_pop(tvc__cb_node *list)
{
    tvc__cb_node *n = list->next;
    tvc__cb_list_unlink(n);
    return TVC__CONTAINER(n, tvc_cb_task, u.list.node);
}

/* ---- the loop ---------------------------------------------------------- */

struct tvc__cb_fcb;

struct tvc_cb_loop {
    tvc_reactor *rx;      /* ready queue, timers and fds */
    int running;          /* inside a run call */
    int stopping;         /* stop was called */
    uint64_t ntasks;      /* tasks not yet freed */
    tvc__cb_node handles; /* call handles not yet run or cancelled */
    uint64_t nhandles;
    tvc_cb_task *cur;             /* task whose continuation runs now */
    int cur_acted;                /* it started an op or returned */
    struct tvc__cb_fcb *fcb_free; /* spare future-callback nodes */
    size_t nfcb_free;
    tvc_rx_pool *ex;             /* blocking calls; started on first use */
    int ex_threads;              /* pool size */
    uint64_t ex_pending;         /* jobs not yet completed on the loop */
};

/* The calling thread's loop (set by loop_new, cleared by close). */
tvc_cb_loop *tvc__cb_loop(void);
/* Makes loop the running one (run.c); returns the loop that was current,
 * to give back to tvc__cb_loop_leave. */
tvc_cb_loop *tvc__cb_loop_enter(tvc_cb_loop *loop);
void tvc__cb_loop_leave(tvc_cb_loop *loop, tvc_cb_loop *saved);

/* Starts op on t (which must be RUNNING): 0 to go on, or 1 when a
 * pending cancel completed it at once with -ECANCELED. */
int tvc__cb_begin(tvc_cb_task *t, int op, int kind, void (*k)(void));
#define TVC__CB_BEGIN(t, op, kind, k)                                          \
    tvc__cb_begin(t, op, kind, (void (*)(void))(k))

/* What a wait by t on fs answers at once instead of waiting: -EINVAL
 * for a timeout the API rejects, -EDEADLK when one of fs is t's own
 * future (it would wait for its own return), else 0.  await, join and
 * gather have no timeout: TVC_FOREVER. */
static inline int tvc__cb_wait_check(const tvc_cb_task *t,
                                     tvc_future *const *fs, size_t n,
                                     int64_t timeout_ns)
{
    int err = tvc_timeout_check(timeout_ns);
    if (err < 0)
        return err;
    for (size_t i = 0; i < n; i++)
        if (fs[i] == &t->fut)
            return -EDEADLK;
    return 0;
}

/* Completes the pending operation; the continuation is posted. */
void tvc__cb_complete(tvc_cb_task *t, int status);
void tvc__cb_complete_value(tvc_cb_task *t, int status, void *value);
void tvc__cb_complete_data(tvc_cb_task *t, int status, tvc_slice data);

/* Cancel hooks of the operations, called by tvc_cb_task_cancel for a
 * WAITING task of their kind.  Each either completes t with -ECANCELED
 * or starts the cleanup its semantics ask for. */
void tvc__cb_cancel_sleep(tvc_cb_task *t);
void tvc__cb_cancel_future_op(tvc_cb_task *t); /* await/gather/wait/wait_for */
void tvc__cb_cancel_list(tvc_cb_task *t);      /* list, cond, relock */
void tvc__cb_cancel_stream(tvc_cb_task *t);
void tvc__cb_cancel_server(tvc_cb_task *t);
/* gather.c's halves of tvc__cb_cancel_future_op. */
void tvc__cb_cancel_gather(tvc_cb_task *t);
void tvc__cb_cancel_wait(tvc_cb_task *t);

/* Frees the pending call handles (handle.c); returns how many there were. */
uint64_t tvc__cb_handles_drop(tvc_cb_loop *loop);
/* Frees the spare future-callback nodes beyond keep (future_rt.c). */
void tvc__cb_fcb_trim(tvc_cb_loop *loop, size_t keep);

/* Stops the executor's threads and settles its jobs (loop close). */
uint64_t tvc__cb_executor_shutdown(tvc_cb_loop *loop);

#endif
