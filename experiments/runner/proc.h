/*
 * Child processes for the runner: start a command in its own process
 * group with resource limits and captured output, watch it (wall-time
 * limit, resident-memory cap, the runner's own SIGINT/SIGTERM), and reap
 * it with the kernel's accounting.  Every child is started with
 * PR_SET_PDEATHSIG, and every exit path kills its whole process group, so
 * nothing it started outlives the runner.
 */
#ifndef TVC_RUNNER_PROC_H
#define TVC_RUNNER_PROC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>

/* Bytes of stderr kept (the end of it) for the row's stderr_tail. */
#define TVC_PROC_ERR_KEEP 4096

typedef struct tvc_limits {
    int64_t timeout_ns;  /* wall-time limit; 0 = none */
    int64_t grace_ns;    /* SIGTERM to SIGKILL */
    int64_t rss_bytes;   /* resident-memory cap, polled; 0 = none */
    int64_t as_bytes;    /* RLIMIT_AS; 0 = unchanged */
    int64_t nofile;      /* RLIMIT_NOFILE soft (and hard if it can); 0 */
    size_t stdout_limit; /* bytes of stdout kept; more is an error */
    int cpu;             /* CPU to pin to, -1 = none */
    int inject_sig;      /* testing only: send this signal to the group */
    int64_t inject_ns;   /* ... this long after the start; 0 sig = never */
} tvc_limits;

typedef struct tvc_child {
    char **argv;        /* the command (not owned) */
    tvc_limits lim;     /* its limits */
    pid_t pid;          /* also its process group id; 0 = not started */
    int pidfd;          /* readable once it has exited */
    int out_fd, err_fd; /* our ends of its stdout/stderr, -1 closed */
    char *out;          /* stdout, NUL-terminated, at most the limit */
    size_t out_len;     /* bytes in out */
    bool out_overflow;  /* stdout was longer than the limit */
    char err[TVC_PROC_ERR_KEEP]; /* ring of the last stderr bytes */
    size_t err_total;            /* stderr bytes seen in all */
    char line[256];              /* the stderr line being assembled (listen) */
    size_t line_len;             /* bytes in line */
    char listen[128];            /* "HOST:PORT" from "listening on", or "" */
    int spawn_errno;             /* exec failed with this errno, else 0 */
    int64_t start_ns;            /* when started */
    int64_t end_ns;              /* when reaped */
    int64_t term_at;             /* when to send SIGTERM (deadline), -1 none */
    int64_t kill_at;             /* when to send SIGKILL after SIGTERM, -1 */
    const char *stopped;         /* why we signalled it: "timeout", "rss",
                                    "stop"; NULL if we did not */
    bool killed;                 /* we sent SIGKILL before it exited */
    bool injected;               /* the testing signal was sent */
    bool inject_missed;          /* it was due after the child had exited */
    int64_t peak_rss;            /* largest resident size we polled */
    bool exited;                 /* reaped */
    int wstatus;                 /* wait status once reaped */
    struct rusage ru;            /* its accounting once reaped */
} tvc_child;

/* Installs the runner's SIGINT/SIGTERM/SIGHUP handling (interrupts make
 * tvc_proc_pump return and tvc_proc_interrupted say which) and ignores
 * SIGPIPE.  Returns 0 or -errno. */
int tvc_proc_setup(void);

/* The signal that asked the runner itself to stop (the last one), or 0. */
int tvc_proc_interrupted(void);

/* Prepares c to run argv (not copied) with lim; nothing is open yet. */
void tvc_child_init(tvc_child *c, char **argv, const tvc_limits *lim);

/* Starts c->argv with c->lim.  Returns 0 when it runs; when exec fails
 * the child is reaped, c->spawn_errno says why and the return is that
 * -errno (as it is for failures to create pipes or the process). */
int tvc_child_start(tvc_child *c);

/* Waits for events of the running children (output, exits, deadlines,
 * the memory poll) until until_ns or the first event batch, handling
 * them.  Returns 0, or -EINTR when the runner was interrupted. */
int tvc_proc_pump(tvc_child **cs, int n, int64_t until_ns);

/* True once c has exited and its output is drained (or it never
 * started). */
bool tvc_child_done(const tvc_child *c);

/* Asks c to stop: SIGTERM to its group now, SIGKILL after grace_ns;
 * why is recorded in c->stopped. */
void tvc_child_stop(tvc_child *c, const char *why, int64_t grace_ns);

/* Kills the whole group of every started child with SIGKILL and reaps
 * them (used on interrupt and errors).  Never blocks for long: SIGKILL
 * cannot be caught. */
void tvc_proc_kill_all(tvc_child **cs, int n);

/* The last lines of c's stderr (at most max_lines), into buf. */
void tvc_child_err_tail(const tvc_child *c, int max_lines, char *buf,
                        size_t size);

void tvc_child_free(tvc_child *c);

#endif
