/*
 * tvc-bench-switch: what a coroutine costs in time, measured in one run so
 * the figures compare as ratios on this noisy machine:
 *   - ns per context switch of tvc__ctx_switch (the runtime's switch),
 *     of Boost.Context's jump_fcontext, and of a bare floor (callee-saved
 *     registers and the stack pointer only: no FP control words);
 *   - ns per yield through the scheduler (two tasks taking turns: two
 *     switches and the run queue);
 *   - ns per spawn + run + join of an empty task (pooled stacks);
 *   - in the compact stack mode, ns per yield as the stack in use at the
 *     yield grows (each switch to another task copies it), beside the
 *     private mode at the same depth.
 * Each figure is the median of REPS timed loops with min and max beside
 * it; one JSON record on stdout.  Printed, never asserted.
 *
 * usage: tvc-bench-switch [REPS]   (default 7, 1..1000)
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ctx.h"
#include "tool.h"
#include "tvc/json.h"
#include "tvc/tvc.h"

#define SWITCHES 2000000   /* round trips per raw-switch loop */
#define YIELDS 500000      /* yields per task per scheduler loop */
#define SPAWNS 200000      /* spawn+join per loop */
#define DEEP_YIELDS 100000 /* yields per task at each stack depth */
#define RAW_STACK (64 * 1024)

static volatile uint64_t sink;

/* ---- raw switches: the runtime's, the floor's, Boost's ---------------- */

static void *main_sp, *co_sp;

static void raw_body(void *arg)
{
    (void)arg;
    for (;;)
        tvc__ctx_switch(&co_sp, main_sp);
}

/* As the runtime switches: the scheduler's side resumes with the control
 * words it knows, the coroutine's side reads them. */
static double time_raw(char *stack)
{
    co_sp = tvc__ctx_make(stack, stack + RAW_STACK, raw_body, NULL);
    uint64_t fpwords = tvc__ctx_fpwords();
    int64_t t0 = tvc_now();
    for (int i = 0; i < SWITCHES; i++)
        tvc__ctx_resume(&main_sp, co_sp, fpwords);
    return (double)(tvc_now() - t0) / (2.0 * SWITCHES);
}

#if defined(__x86_64__)
/* The floor: what any switch must do (six callee-saved registers, the
 * stack pointer, an indirect jump), with none of the runtime's extras. */
void floor_switch(void **from, void *to);
__asm__(".text\n"
        ".p2align 4\n"
        "floor_switch:\n"
        "  pushq %rbp\n  pushq %rbx\n  pushq %r12\n"
        "  pushq %r13\n  pushq %r14\n  pushq %r15\n"
        "  movq %rsp, (%rdi)\n"
        "  movq %rsi, %rsp\n"
        "  popq %r15\n  popq %r14\n  popq %r13\n"
        "  popq %r12\n  popq %rbx\n  popq %rbp\n"
        "  popq %rcx\n"
        "  jmp *%rcx\n");

static void floor_body(void)
{
    for (;;)
        floor_switch(&co_sp, main_sp);
}

static double time_floor(char *stack)
{
    /* First frame: six zero registers, then floor_body as the resume
     * address, leaving rsp 16-byte aligned minus 8 at its entry. */
    uint64_t *sp = (uint64_t *)(stack + RAW_STACK) - 8;
    memset(sp, 0, 8 * sizeof *sp);
    sp[6] = (uint64_t)(uintptr_t)floor_body;
    co_sp = sp;
    int64_t t0 = tvc_now();
    for (int i = 0; i < SWITCHES; i++)
        floor_switch(&main_sp, co_sp);
    return (double)(tvc_now() - t0) / (2.0 * SWITCHES);
}
#endif

#if defined(TVC_HAVE_BOOST_CONTEXT)
/* Boost.Context's C-callable core (libboost_context), declared here. */
typedef void *fcontext_t;
typedef struct {
    fcontext_t fctx;
    void *data;
} transfer_t;
transfer_t jump_fcontext(fcontext_t const to, void *vp);
fcontext_t make_fcontext(void *sp, size_t size, void (*fn)(transfer_t));

static void boost_body(transfer_t t)
{
    for (;;)
        t = jump_fcontext(t.fctx, NULL);
}

static double time_boost(char *stack)
{
    fcontext_t co = make_fcontext(stack + RAW_STACK, RAW_STACK, boost_body);
    int64_t t0 = tvc_now();
    for (int i = 0; i < SWITCHES; i++)
        co = jump_fcontext(co, NULL).fctx;
    return (double)(tvc_now() - t0) / (2.0 * SWITCHES);
}
#endif

/* ---- through the scheduler ------------------------------------------- */

/* Bytes of stack a yielder keeps in use while it yields. */
static size_t depth_bytes;
static int yields;

static int yield_at_depth(size_t left)
{
    if (left >= 512) {
        volatile char frame[448];
        frame[0] = 1;
        int r = yield_at_depth(left - 512);
        return r + frame[0] - 1;
    }
    for (int i = 0; i < yields; i++)
        if (tvc_checkpoint() < 0)
            return -1;
    return 0;
}

static int yielder(void *arg, void **res)
{
    (void)arg, (void)res;
    return yield_at_depth(depth_bytes);
}

/* ns per yield: two tasks taking turns, each yield switching out of one
 * task and into the other. */
static int time_yield(void *arg, void **res)
{
    (void)res;
    tvc_task *a, *b;
    int64_t t0 = tvc_now();
    if (tvc_spawn(&a, yielder, NULL, NULL) ||
        tvc_spawn(&b, yielder, NULL, NULL))
        return -ENOMEM;
    tvc_task_join(a, NULL);
    tvc_task_join(b, NULL);
    *(double *)arg = (double)(tvc_now() - t0) / (2.0 * yields);
    tvc_task_release(a);
    tvc_task_release(b);
    return 0;
}

static int empty(void *arg, void **res)
{
    (void)arg, (void)res;
    return 0;
}

static int time_spawn(void *arg, void **res)
{
    (void)res;
    int64_t t0 = tvc_now();
    for (int i = 0; i < SPAWNS; i++) {
        tvc_task *t;
        if (tvc_spawn(&t, empty, NULL, NULL) || tvc_task_join(t, NULL))
            return -ENOMEM;
        tvc_task_release(t);
    }
    *(double *)arg = (double)(tvc_now() - t0) / SPAWNS;
    return 0;
}

static double run_timed(tvc_task_fn *fn, int mode)
{
    double ns = -1;
    tvc_run_opts o = {.stack_mode = mode, .stack_size = 256 * 1024};
    if (tvc_run(fn, &ns, NULL, &o) != 0)
        return -1;
    return ns;
}

/* ---- the record --------------------------------------------------------- */

enum { F_SWITCH, F_FLOOR, F_BOOST, F_YIELD, F_SPAWN, F_NFIXED };
static const char *fixed_names[F_NFIXED] = {
    "switch_ns", "floor_switch_ns", "boost_jump_fcontext_ns",
    "yield_ns", "spawn_run_join_ns"};
static const size_t depths[] = {0, 1024, 4096, 16384};
#define NDEPTH (sizeof depths / sizeof depths[0])

int main(int argc, char **argv)
{
    int reps = tvc_tool_reps(argc, argv, 7);
    if (reps < 0)
        return 2;
    char *stack = mmap(NULL, RAW_STACK, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    double *v[F_NFIXED + 2 * NDEPTH];
    for (size_t k = 0; k < F_NFIXED + 2 * NDEPTH; k++)
        v[k] = calloc((size_t)reps, sizeof(double));
    int have[F_NFIXED] = {1, 0, 0, 1, 1};
    int ok = stack != MAP_FAILED;

    /* Interleaved so a burst of noise from a neighbour hits them all. */
    for (int r = 0; r < reps && ok; r++) {
        v[F_SWITCH][r] = time_raw(stack);
#if defined(__x86_64__)
        v[F_FLOOR][r] = time_floor(stack);
        have[F_FLOOR] = 1;
#endif
#if defined(TVC_HAVE_BOOST_CONTEXT)
        v[F_BOOST][r] = time_boost(stack);
        have[F_BOOST] = 1;
#endif
        yields = YIELDS;
        depth_bytes = 0;
        v[F_YIELD][r] = run_timed(time_yield, TVC_STACK_PRIVATE);
        v[F_SPAWN][r] = run_timed(time_spawn, TVC_STACK_PRIVATE);
        yields = DEEP_YIELDS;
        for (size_t d = 0; d < NDEPTH; d++) {
            depth_bytes = depths[d];
            v[F_NFIXED + d][r] = run_timed(time_yield, TVC_STACK_PRIVATE);
            v[F_NFIXED + NDEPTH + d][r] =
                run_timed(time_yield, TVC_STACK_COMPACT);
        }
        for (size_t k = 0; k < F_NFIXED + 2 * NDEPTH; k++)
            ok &= v[k][r] != -1;
    }

    tvc_json j;
    tvc_json_init(&j);
    tvc_tool_record_begin(&j, "coroutine", "bench_switch");
    tvc_json_key(&j, "params");
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "reps");
    tvc_json_int(&j, reps);
    tvc_json_key(&j, "switch_round_trips");
    tvc_json_int(&j, SWITCHES);
    tvc_json_key(&j, "yields_per_task");
    tvc_json_int(&j, YIELDS);
    tvc_json_key(&j, "spawns");
    tvc_json_int(&j, SPAWNS);
    tvc_json_object_end(&j);
    tvc_tool_record_ok(&j, ok, "a timed loop failed to run");
    tvc_json_key(&j, "figures");
    tvc_json_object_begin(&j);
    for (int k = 0; k < F_NFIXED; k++)
        if (have[k])
            tvc_tool_record_stats(&j, fixed_names[k], v[k], reps);
    for (size_t d = 0; d < NDEPTH; d++) {
        char name[64];
        snprintf(name, sizeof name, "yield_private_depth_%zu_bytes_ns",
                 depths[d]);
        tvc_tool_record_stats(&j, name, v[F_NFIXED + d], reps);
        snprintf(name, sizeof name, "yield_compact_depth_%zu_bytes_ns",
                 depths[d]);
        tvc_tool_record_stats(&j, name, v[F_NFIXED + NDEPTH + d], reps);
    }
    tvc_json_object_end(&j);
    int err = tvc_tool_record_print(&j, "tvc-bench-switch");
    for (size_t k = 0; k < F_NFIXED + 2 * NDEPTH; k++)
        free(v[k]);
    return err == 0 && ok ? 0 : 1;
}
