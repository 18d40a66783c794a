/*
 * The future core shared by every runtime: a result that arrives once.
 *
 *   pending --set_result--> done
 *           --set_error---> error
 *           --cancel------> cancelled
 *
 * The transition happens exactly once even when completion and cancel race
 * from two threads (a compare-and-swap on the state); the losers get
 * TVC_EINVALSTATE.  Done callbacks run exactly once each, in registration
 * order, after the transition.  HOW they run is the runtime's business,
 * told through a tvc_future_rt hook: the threaded runtime runs them in the
 * completing thread, the loop runtimes hand them to call_soon.  The
 * callback list is guarded by a spin bit only when the hook says futures
 * cross threads, so a loop pays no lock it does not need.
 */
#ifndef TVC_FUTURE_H
#define TVC_FUTURE_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tvc_future tvc_future;
typedef void tvc_future_cb(tvc_future *f, void *arg);

enum tvc_future_state {
    TVC_FUTURE_PENDING = 0,
    TVC_FUTURE_DONE,      /* has a result */
    TVC_FUTURE_ERROR,     /* has a negative error code */
    TVC_FUTURE_CANCELLED, /* error is -ECANCELED */
};

/* Per-runtime hook (one static instance per runtime). */
typedef struct tvc_future_rt {
    /* Run cb(f, arg) now or later; NULL means "call it right here". */
    void (*schedule)(tvc_future_cb *cb, tvc_future *f, void *arg);
    /* Called by tvc_future_cancel on a future marked TVC_FUTURE_F_TASK:
     * the runtime delivers cancellation to the task, which completes its
     * own future later.  Returns 1 if a cancel was requested, 0 if the
     * task had already finished. */
    int (*cancel_task)(tvc_future *f);
    /* Called when the last reference of a future marked with a free hook
     * goes (tasks embed their future); NULL: the core frees it. */
    void (*release)(tvc_future *f);
    /* Non-zero when futures of this runtime are touched from several
     * threads at once: the callback list then takes a spin bit. */
    int threaded;
} tvc_future_rt;

/* One registered done callback. */
typedef struct tvc_future_cbent {
    tvc_future_cb *fn;
    void *arg;
} tvc_future_cbent;

enum {
    TVC_FUTURE_F_TASK = 1,     /* the future of a task: cancel via hook */
    TVC_FUTURE_F_EMBEDDED = 2, /* lives inside another struct: rt->release */
};

struct tvc_future {
    _Atomic int state;        /* enum tvc_future_state */
    _Atomic int refs;         /* owners; freed at 0 */
    _Atomic int lock;         /* spin bit for cbs when rt->threaded */
    int err;                  /* negative code for ERROR/CANCELLED */
    uint16_t flags;           /* TVC_FUTURE_F_* */
    uint16_t ncb;             /* without `more`: the inline slot in use */
    void *result;             /* value for DONE */
    const tvc_future_rt *rt;  /* how callbacks run; never NULL */
    tvc_future_cbent first;   /* the first callback lives inline */
    tvc_future_cbent *more;   /* callbacks 2..n in a table with an index
                               * for removal (future.c), or NULL */
};

/* A new pending future with one reference, or NULL on ENOMEM. */
tvc_future *tvc_future_new(const tvc_future_rt *rt);
/* Initialise a future embedded in another struct (one reference). */
void tvc_future_init(tvc_future *f, const tvc_future_rt *rt, int flags);

tvc_future *tvc_future_ref(tvc_future *f);
void tvc_future_unref(tvc_future *f);

/* 0, or TVC_EINVALSTATE if the future was no longer pending. */
int tvc_future_set_result(tvc_future *f, void *result);
/* err must be negative; -ECANCELED is recorded as cancelled. */
int tvc_future_set_error(tvc_future *f, int err);
/* Returns 1 if this call cancelled it (or asked its task to cancel), 0 if
 * it was already complete: a no-op that says so. */
int tvc_future_cancel(tvc_future *f);

int tvc_future_done(const tvc_future *f);
int tvc_future_cancelled(const tvc_future *f);
enum tvc_future_state tvc_future_state_of(const tvc_future *f);

/* 0 and *out = result when done; the error when it failed or was
 * cancelled; TVC_EINVALSTATE while pending (asyncio's InvalidStateError).
 * out may be NULL. */
int tvc_future_result(const tvc_future *f, void **out);

/* Registers cb; if f is already complete cb is scheduled at once, as
 * asyncio does.  0 or -ENOMEM (also past 2^30 callbacks). */
int tvc_future_add_done_callback(tvc_future *f, tvc_future_cb *cb, void *arg);
/* Removes every registration of (cb, arg) not yet run; returns how many.
 * Costs O(1 + how many) on average (amortised, hashed), however many
 * callbacks f has. */
int tvc_future_remove_done_callback(tvc_future *f, tvc_future_cb *cb,
                                    void *arg);

#endif
