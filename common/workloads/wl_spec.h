/*
 * What a workload's direct-style source (common/workloads/<w>.c) and its
 * continuation-passing twin (callback/workloads/<w>.c) share, written
 * once: its parameters and summary (<w>_spec.c), and the pure pieces
 * that touch no runtime (the work a call does, a message's bytes, HTTP
 * routing and parsing, the tally and the record of a run).  With these
 * shared, the two sources differ only in how they wait: direct style or
 * continuations.  Nothing declared here calls tvc.h or cb.h.
 */
#ifndef TVC_WL_SPEC_H
#define TVC_WL_SPEC_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#include "tvc/clock.h"
#include "tvc/errors.h"
#include "tvc/future.h"
#include "tvc/hist.h"
#include "tvc/mem.h"
#include "tvc/server_opts.h"
#include "tvc/streambuf.h"
#include "tvc/workload.h"

/* Each workload's parameters ({NULL}-terminated) and --help summary. */
#define WL_SPEC(w)                                                             \
    extern const tvc_param_spec wl_##w##_params[];                             \
    extern const char wl_##w##_summary[];
WL_SPEC(idle)
WL_SPEC(spawn)
WL_SPEC(pingpong)
WL_SPEC(ring)
WL_SPEC(timers)
WL_SPEC(echo)
WL_SPEC(http)
WL_SPEC(fanout)
WL_SPEC(pipeline)
WL_SPEC(cancel)
WL_SPEC(timeout)
WL_SPEC(spinner)
WL_SPEC(executor)
#undef WL_SPEC

/* ---- every workload (wl_util.c) ---------------------------------------- */

/* Records n samples (ns) into the record's histogram `name`.  Tasks
 * write their samples into their own slots; the main task merges them
 * here, so no histogram is ever written by two threads. */
void wl_record_samples(tvc_wl *w, const char *name, const int64_t *ns,
                       size_t n);

/* A small deterministic generator (xorshift64*), seeded per task so
 * every runtime draws the same numbers. */
uint64_t wl_rand(uint64_t *state);
uint64_t wl_seed(uint64_t seed, uint64_t stream);

/* FNV-1a over bytes, the checksum the workloads compare. */
uint64_t wl_hash(uint64_t h, const void *data, size_t n);
#define WL_HASH_INIT 1469598103934665603ULL

/* The process's CPU time (user + system), ns. */
int64_t wl_cpu_ns(void);

/* max(0, after - before), 0 where a probe was unavailable (< 0). */
int64_t wl_grew(int64_t before, int64_t after);

/* ---- limits are results (wl_util.c) ------------------------------------ */

/* Where setting up tasks or connections stopped early. */
typedef struct wl_limit {
    const char *what; /* the step that failed (connect, accept, spawn), or
                       * NULL: no limit reached */
    int err;          /* its error */
    int64_t at;       /* how many were set up by then */
} wl_limit;

/* A set-up step returned err with `done` set up so far.  0 if it went
 * well, and 0 too, with the limit recorded in l, if it failed after at
 * least one (the caller stops on l->what and goes on with what it has);
 * else err, the run's failure. */
int wl_limit_hit(wl_limit *l, int err, const char *what, int64_t done);
/* The note "limit reached at N of ASKED: what: ERR (message)", if any. */
void wl_note_limit(tvc_wl *w, const wl_limit *l, int64_t asked);

/* ---- the server of echo and http (wl_util.c) -------------------------- */

/* The help of their linger_ms and idle_timeout_ms parameters, which
 * wl_server_opts passes on. */
#define WL_LINGER_MS_HELP                                                      \
    "after a handler returns, how long its unsent output may take before "     \
    "the connection is reset (0: the server's default, 5000; -1: at once)"
#define WL_IDLE_TIMEOUT_MS_HELP                                                \
    "end a handler's read that waits this long with no byte coming, then "     \
    "close the connection (0: never)"

/* Their server options: the host, port, linger_ms and idle_timeout_ms
 * parameters, and read limit (0: the default). */
tvc_server_opts wl_server_opts(tvc_wl *w, size_t limit);

/* ---- a connection the server has accepted (wl_util.c) ------------------ */

/* Connected is not accepted: the kernel completes a connect into the
 * listen backlog even when the server has no fd left to accept it with.
 * So a workload that opens many connections to its own server (cancel
 * kind=stream, echo role=self) opens them one at a time and waits until
 * the server says it accepted each (wl_open_accepted in wl_serve.c,
 * cbwl_open_accepted in callback/workloads/serve.c); the first that
 * fails is the limit.  The slot holds a reference to the future of the
 * connection being opened; the server's handler completes it. */
typedef _Atomic(tvc_future *) wl_accept_slot;

/* How long to wait for an accept before taking the server to be out of
 * fds (loopback accepts take microseconds; only waited in full at the
 * limit). */
#define WL_ACCEPT_NS TVC_SEC(2)

/* The server side: a handler calls this first.  No-op if no connection
 * is being opened (role=server, or one the opener gave up on). */
void wl_accepted(wl_accept_slot *slot);
/* The opener side, after waiting: empties the slot and drops both
 * references (the slot's, if the server did not take it, and the
 * opener's own).  Returns the opening's status from the wait's `done`
 * (futures done, or an error): 0, the error, or -ETIMEDOUT. */
int wl_accept_settle(wl_accept_slot *slot, tvc_future *accepting, int done);

/* ---- idle (idle_spec.c) ------------------------------------------------- */

/* What the idle run found. */
typedef struct wl_idle_tally {
    int64_t started;                   /* tasks spawned */
    int spawn_err;                     /* the spawn that failed, or 0 */
    int64_t spawn_ns;                  /* spawning them all */
    tvc_mem before, with;              /* before spawning; all waiting */
    int64_t waiting, finished, joined; /* tasks that did each */
} wl_idle_tally;

/* The limit note, bytes per task (NaN, null in the record, where a
 * probe is unavailable), spawn rate and the checks. */
void wl_idle_report(tvc_wl *w, const wl_idle_tally *t);

/* ---- executor (executor_spec.c) ---------------------------------------- */

/* One blocking call's input and output. */
typedef struct wl_call {
    int sleep; /* work=sleep, else hash */
    int64_t block_ns;
    size_t hash_bytes;
    uint64_t seed;
    uint64_t result; /* sleep: seed + 1; hash: the hash */
} wl_call;

/* The blocking call itself (a run_in_executor function): nanosleep
 * block_ns or hash hash_bytes; returns arg with its result set. */
void *wl_blocking_call(void *arg);
/* The result call i (seeded i + 1) must have. */
uint64_t wl_call_expected(int sleep, size_t hash_bytes, int64_t i);

/* The ticker beside the calls: its period and lateness samples. */
typedef struct wl_ticker {
    int64_t tick_ns;
    int64_t *late; /* up to cap samples */
    size_t n, cap;
    size_t dropped; /* ticks beyond cap */
    int64_t due;    /* the tick it sleeps until */
} wl_ticker;

/* Room for the ticks of blocking_ns of calls plus slack for hashing;
 * 0 or -ENOMEM (then late is NULL; free(tk->late) either way). */
int wl_ticker_init(wl_ticker *tk, int64_t tick_ns, int64_t blocking_ns);
/* The ticker woke from its sleep until tk->due: records how late, and
 * sets tk->due to the next tick (from now, after a stall). */
void wl_ticker_woke(wl_ticker *tk);
/* The record: cs[0..calls) checked against wl_call_expected. */
void wl_executor_report(tvc_wl *w, int rc, const wl_ticker *tk,
                        const wl_call *cs, int64_t calls, int sleep_work,
                        int64_t hash_bytes, int64_t elapsed_ns);

/* ---- spawn, pingpong, ring (<w>_spec.c): their records ---------------- */

/* spawn: samples holds each sequential spawn+join (ns); joined counts
 * the joins of both phases that returned 0, sum what the tasks added. */
void wl_spawn_report(tvc_wl *w, int rc, const int64_t *samples, int64_t tasks,
                     int64_t seq_ns, int64_t batch_ns, int64_t joined,
                     int64_t sum);
/* pingpong's ping in future mode, owned by the pinger until the pong
 * arrives; both styles pass the same message. */
typedef struct wl_ping_msg {
    int64_t value;
    tvc_future *pong;      /* the ponger completes it with value + 1 */
    tvc_future *next_ping; /* where the next ping will arrive */
} wl_ping_msg;

/* pingpong: samples holds each round trip (ns); good counts the replies
 * that carried the right value. */
void wl_pingpong_report(tvc_wl *w, int rc, const int64_t *samples,
                        int64_t rounds, int64_t good, int64_t elapsed_ns);
/* ring: the value passed round after the token, telling each task to
 * stop (tokens count down to 0, so never -1). */
#define WL_RING_STOP ((int64_t)-1)
/* ring: received counts the tokens the tasks got (the last one, 0,
 * included); elapsed_ns is from the first send to the token's end. */
void wl_ring_report(tvc_wl *w, int rc, int64_t hops, int64_t received,
                    int64_t elapsed_ns);

/* ---- fanout (fanout_spec.c) --------------------------------------------- */

/* What the downloads did. */
typedef struct wl_fanout_tally {
    int64_t items, limit, delay_ns; /* the parameters */
    int64_t total_ns;               /* first spawn to last join */
    const int64_t *latency;         /* items samples (read when rc == 0) */
    int64_t max_in_flight, errors, received;
    int first_err; /* the first download that failed, or 0 */
} wl_fanout_tally;

/* The record; rc: a set-up error (-ENOMEM, ...), or 0. */
void wl_fanout_report(tvc_wl *w, int rc, const wl_fanout_tally *t);

/* The server --server names, split by tvc_addr_split: 1 with host and
 * *port set; 0 with host "127.0.0.1" when --server is empty (the caller
 * starts one in-process); or a negative code after failing the record.
 * Notes which it is in the record. */
int wl_fanout_server(tvc_wl *w, char *host, size_t hostlen, int *port);

/* Called once the server (if in_process) is up, before any download:
 * 0 if the fds the downloads need at once -- min(items, limit), three
 * each with the in-process server, one with an external one -- fit under
 * RLIMIT_NOFILE beside the fds already open.  Else fails the record with
 * one line naming the limit and --limit, and returns -EMFILE. */
int wl_fanout_fds_fit(tvc_wl *w, int64_t items, int64_t limit, int in_process);

/* ---- timers (timers_spec.c) --------------------------------------------- */

/* One sleeper: its duration in, its lateness out. */
typedef struct wl_sleeper {
    int64_t sleep_ns; /* drawn from the seed */
    int64_t base;     /* absolute start of the sleep; 0: when it starts */
    int64_t armed_at; /* when its task asked to sleep */
    int64_t due;      /* absolute: when it asked to wake */
    int64_t late_ns;  /* how long after due it woke */
} wl_sleeper;

/* n sleepers (free them) with durations in [0, max_sleep_ns) drawn from
 * seed, the same on every runtime, all starting at base (0: each when its
 * task starts); NULL on ENOMEM. */
wl_sleeper *wl_sleepers_new(int64_t n, int64_t max_sleep_ns, int64_t seed,
                            int64_t base);
/* Called by the sleeper's task as it goes to sleep: returns its due time. */
int64_t wl_sleeper_arm(wl_sleeper *s);
/* Applies --rt_priority to the calling thread and --timer_spin_ns to the
 * process's reactors (the loop runtimes and the floor read it; the
 * threaded runtime has none).  0, or a negative code after failing the
 * record (no permission for SCHED_FIFO). */
int wl_timers_setup(tvc_wl *w);
/* --start_ns as an absolute base for wl_sleepers_new (0 if not set). */
int64_t wl_sleepers_base(tvc_wl *w);
/* The record: rc is the first spawn error (spawned had started); woke
 * and early count the joined sleepers that returned 0 and woke early. */
void wl_timers_report(tvc_wl *w, int rc, const wl_sleeper *s, int64_t n,
                      int64_t spawned, int64_t woke, int64_t early);

/* ---- pipeline (pipeline_spec.c) ----------------------------------------- */

/* One item; they live in an array the main task owns. */
typedef struct wl_item {
    int64_t value;
    int64_t born_ns;
} wl_item;

/* What a middle stage does to an item: the filter (map 0) keeps all but
 * multiples of 3, the map (map 1) squares the value and keeps it.
 * Returns 1 if the item goes on to the next stage. */
int wl_item_relay(int map, wl_item *it);
/* The record: the sink received `sunk` items with values summing to
 * `sum`, lat holding each one's trip (ns); checked against the items
 * 1..items put through filter and map directly. */
void wl_pipeline_report(tvc_wl *w, int rc, int64_t items, const int64_t *lat,
                        int64_t sunk, uint64_t sum, int64_t elapsed_ns);

/* ---- spinner (spinner_spec.c) ------------------------------------------- */

/* The spinner's settings and what it did. */
typedef struct wl_spinner {
    int64_t interval_ns;
    int print; /* draw the spinner on stderr */
    int64_t spins;
    int64_t stopped_ns; /* when its cleanup ran */
} wl_spinner;

/* One turn (drawn if s->print); the spinner's cleanup. */
void wl_spinner_turn(wl_spinner *s);
void wl_spinner_stopped(wl_spinner *s);
/* The record: jrc is what joining the cancelled spinner returned, answer
 * what the slow call gave; wall and cpu (ns) cover the whole run. */
void wl_spinner_report(tvc_wl *w, const wl_spinner *s, int64_t cancel_ns,
                       int jrc, int answer, int64_t wall, int64_t cpu);

/* ---- echo (echo_spec.c) ------------------------------------------------- */

/* How the server cuts what it reads into messages (--framing): a line
 * (readline), exactly size_bytes (readexactly), or whatever came, up to
 * WL_ECHO_RAW_READ bytes (read, as asyncio's reader.read(n) echo). */
enum { WL_ECHO_LINE, WL_ECHO_EXACT, WL_ECHO_RAW };
#define WL_ECHO_RAW_READ (64 * 1024)
/* --framing's value as WL_ECHO_*. */
int wl_echo_framing(const char *name);
/* How role=self's clients read the echo of the server's framing: raw
 * echoes come back in pieces, which a client reads as one exact
 * message. */
int wl_echo_client_framing(int framing);

/* Message m of client `client`: size printable bytes from a fixed seed,
 * the last a newline when line framing. */
void wl_echo_fill(char *buf, size_t size, int line, int64_t client, int64_t m);

/* What role=self's clients did, summed by the main task. */
typedef struct wl_echo_tally {
    int64_t clients, msgs;        /* clients run, messages each */
    size_t size;                  /* message bytes */
    const int64_t *rtt;           /* clients * msgs round trips, ns */
    int64_t received;             /* replies that came back whole */
    uint64_t sent_hash, got_hash; /* sums of the clients' checksums */
    int64_t elapsed_ns;           /* first client start to last join */
} wl_echo_tally;

/* role=self's figures and checks; rc: the clients' first error. */
void wl_echo_report(tvc_wl *w, int rc, const wl_echo_tally *t);

/* ---- http (http_spec.c) ------------------------------------------------- */

/* The body of GET /, and the two requests a client sends. */
extern const char wl_http_body[], wl_http_request[], wl_http_request_last[];

/* A request head as RFC 9112 frames it, parsed in place (slices point
 * into the head). */
enum { WL_HTTP_GET, WL_HTTP_HEAD, WL_HTTP_OTHER };
typedef struct wl_http_req {
    int error;  /* 0, or the status refusing the head: 400 (malformed,
                 * or framing that cannot be trusted: Content-Length
                 * with Transfer-Encoding, conflicting lengths, no
                 * Host in 1.1), 501 (a transfer coding other than
                 * chunked), 505 (not HTTP/1.x) */
    int method; /* WL_HTTP_GET, _HEAD or _OTHER */
    tvc_slice target;
    int minor;              /* HTTP/1.minor */
    int keep_alive;         /* the connection may serve another request */
    int chunked;            /* the body is chunked (Transfer-Encoding) */
    int64_t content_length; /* -1: none */
} wl_http_req;

/* Parses a request head (its bytes through the blank line, as
 * readuntil CRLFCRLF gives it) into q.  Returns q->error.  keep_alive is
 * 0 whenever error is not. */
int wl_http_parse(tvc_slice head, wl_http_req *q);

/* A response the server sends. */
typedef struct wl_http_reply {
    int status;
    const char *reason;
    const char *body;
    int keep_alive; /* 1: serve the next request; 0: close after this */
    int head_only;  /* HEAD: the head (Content-Length as for GET), no body */
} wl_http_reply;

/* The reply with this status (one of those the server sends: 200, 400,
 * 404, 405, 413, 431, 501, 505), its reason and body. */
void wl_http_reply_set(wl_http_reply *r, int status, int keep_alive);

/* A request body the server reads and drops before the next request:
 * Content-Length bytes, or chunked framing (RFC 9112 7.1) decoded.  The
 * server asks wl_http_body_next what to read, reads it (readline, or
 * read up to n bytes) and feeds the result back, until DONE. */
#define WL_HTTP_BODY_MAX   (1024 * 1024) /* larger: 413 and close */
#define WL_HTTP_READ_CHUNK (64 * 1024)   /* one read of body bytes */
enum {
    WL_HTTP_DONE,
    WL_HTTP_DATA,
    WL_HTTP_CHUNK_SIZE,
    WL_HTTP_CHUNK_END,
    WL_HTTP_TRAILER
};
typedef struct wl_http_framing {
    int state;      /* WL_HTTP_DONE ... (what the next read is for) */
    int chunked;    /* after the data, a CRLF and the next chunk */
    uint64_t left;  /* data bytes still to read */
    uint64_t total; /* chunked: bytes announced or read, to bound them */
} wl_http_framing;

/* Decides the reply to a request head, and the body to read before
 * sending it: GET / gets 200 and the body, other paths 404, other
 * methods 405, HEAD the head of GET's answer; a head wl_http_parse
 * refuses gets its error, and a Content-Length past WL_HTTP_BODY_MAX
 * 413, both closing the connection.  The body is left unread (b DONE)
 * whenever the reply closes the connection. */
void wl_http_route(tvc_slice head, wl_http_reply *r, wl_http_framing *b);
/* Writes r's head into buf (256 bytes do); returns its length. */
size_t wl_http_reply_head(char *buf, size_t size, const wl_http_reply *r);

/* What to read next: WL_HTTP_BODY_DONE (nothing: reply), _LINE
 * (readline) or _DATA (read up to *n bytes, n > 0). */
enum { WL_HTTP_BODY_DONE, WL_HTTP_BODY_LINE, WL_HTTP_BODY_DATA };
int wl_http_body_next(const wl_http_framing *b, size_t *n);
/* What that read returned (status 0).  0, TVC_EINCOMPLETE (the stream
 * ended in the body), -EPROTO (bad chunked framing) or -EFBIG (past
 * WL_HTTP_BODY_MAX). */
int wl_http_body_feed(wl_http_framing *b, tvc_slice got);
/* The body's read or feed failed with rc: 1 with r set to the refusal
 * to send (400 for bad framing or a line past the read limit, 413 for
 * too large; both close), or 0 when there is no one to answer (the
 * stream ended or failed, or the task was cancelled). */
int wl_http_body_refused(int rc, wl_http_reply *r);

/* A response head's status and Content-Length: 0 or -EPROTO. */
int wl_http_response_head(tvc_slice head, int *status, size_t *clen);
/* True if body is want (NULL: no body is wanted, never true). */
int wl_http_body_is(tvc_slice body, const char *want);

/* ---- cancel (cancel_spec.c) --------------------------------------------- */

/* The run's parameters, read and checked once for both styles. */
typedef struct wl_cancel_args {
    int64_t tasks;  /* blocked, then cancelled, each round */
    int64_t rounds; /* measured rounds, after the warm-up one */
    int64_t settle; /* ns paused each round once all report ready */
    const char *kind;
} wl_cancel_args;

/* Reads w's parameters into a (their ranges are checked before the run,
 * from wl_cancel_params). */
void wl_cancel_args_read(tvc_wl *w, wl_cancel_args *a);

/* What one round of blocking and cancelling found, or the sum of
 * several (wl_cancel_add). */
typedef struct wl_cancel_round {
    int rc;         /* a setup failure (no task could be set up), or 0 */
    int64_t rounds; /* rounds summed here */
    int64_t spawned, cancelled, once, leaked; /* tasks, over the rounds */
    wl_limit limit;          /* where a set-up stopped early, if one did */
    int64_t cancel_calls_ns; /* issuing every cancel, over the rounds */
    int64_t all_done_ns;     /* first cancel to last join, summed */
    tvc_mem before, after;   /* around the rounds, runtime settled */
} wl_cancel_round;

/* Adds round r (its counts, times, failure and limit) to sum.  Returns
 * 1 if another round may follow: r set up its tasks (all, or up to a
 * limit) and checks out (every task cancelled, each cleanup run exactly
 * once, no buffer left); else 0, and the sum shows why. */
int wl_cancel_add(wl_cancel_round *sum, const wl_cancel_round *r);

/* The record of a run: first is the warm-up round (it pays one-time
 * costs), r the sum of the measured rounds (their latencies are the
 * workload's cancel_to_cleanup histogram), or NULL when the warm-up
 * failed and none ran: figures, a note for a limit reached, and checks
 * over every task of every round. */
void wl_cancel_report(tvc_wl *w, const wl_cancel_round *first,
                      const wl_cancel_round *r, const wl_cancel_args *a);

/* ---- timeout (timeout_spec.c) ----------------------------------------- */

/* One inner task's story, written by the task, read by the main task
 * once wait_for has returned. */
typedef struct wl_timeout_inner {
    int64_t done_at; /* absolute: when its work is finished */
    int cleanups;    /* times its cancellation cleanup ran */
    int completions; /* times it finished its work and returned */
} wl_timeout_inner;

/* The outcomes of one case (deadline before, at or after done_at) and
 * what the checks count; only what does not depend on machine load. */
typedef struct wl_timeout_case {
    int64_t timed_out, completed;
    int64_t timeouts_past_deadline; /* returned at or past the deadline */
    int64_t timeouts_inner_over;    /* the inner's future done by then */
    int64_t timeouts_ended_once;    /* cancelled (cleanup once) or had
                                     * finished, exactly one of the two */
    int64_t races;                  /* timeouts whose inner had finished */
    int64_t completions_right;      /* right result, inner finished, clock
                                     * at or past done_at */
} wl_timeout_case;

/* Checks what the parameter ranges cannot: --work_ns > --margin_ns, or
 * the three cases would not be before, at and after the work's end.
 * 0, or -EINVAL after failing the record. */
int wl_timeout_args_check(tvc_wl *w);

/* Tallies one wait_for into c: rc and out as it returned, `returned` =
 * tvc_now() right after, deadline = absolute end of its timeout,
 * inner_over = the inner task's future was done when it returned.  A
 * timeout's lateness goes into the histogram "deadline_error".  0, or rc
 * when it is neither a timeout nor a success (outside the experiment). */
int wl_timeout_tally(tvc_wl *w, wl_timeout_case *c, const wl_timeout_inner *in,
                     int rc, const void *out, int64_t deadline,
                     int64_t returned, int inner_over);

/* The record: outcomes per case and deadline error as figures, races as
 * a note, and the checks.  cases: before, equal, after. */
void wl_timeout_report(tvc_wl *w, const wl_timeout_case cases[3]);

#endif
