/*
 * Rows: what the runner makes of a finished child.  A row is the child's
 * own record with a "run" object added (status, exit, signal, the kernel's
 * accounting, argv, the tail of stderr), or, when the child left no valid
 * record, a synthesized record of the same shape (ok false, an error
 * saying what happened) so every tool downstream reads one schema.
 */
#ifndef TVC_RUNNER_ROW_H
#define TVC_RUNNER_ROW_H

#include "proc.h"

#include <stddef.h>

/* Where a row sits in the run (top-level rows only). */
typedef struct tvc_point {
    const char *experiment; /* experiment name, or NULL */
    int point, points, rep; /* i of n, repetition k; -1 unknown */
} tvc_point;

/* A growable string. */
typedef struct tvc_sb {
    char *buf; /* NUL-terminated; NULL until the first append */
    size_t len, cap;
    int oom; /* an allocation failed: the text is truncated */
} tvc_sb;

void tvc_sb_put(tvc_sb *b, const char *s, size_t n);
void tvc_sb_free(tvc_sb *b);

/* What happened to a child. */
typedef struct tvc_outcome {
    const char *status; /* ok failed crash timeout oom parse_error
                           spawn_error not_applicable skipped */
    char error[512];    /* the runner's explanation, "" when ok */
    const char *rec;    /* the valid record inside c->out, or NULL */
    size_t rec_len;     /* its length */
} tvc_outcome;

/* Classifies a reaped child (see the rules in row.c). */
void tvc_outcome_of(const tvc_child *c, tvc_outcome *o);

/* A point not run because its runtime is missing (--skip): status
 * "skipped", the reason as its error. */
void tvc_outcome_skipped(const char *reason, tvc_outcome *o);

/* Extra facts for the run object of one row. */
typedef struct tvc_row_extra {
    const char *role;      /* "point", "server" or "load" */
    const tvc_point *pt;   /* position in the run, or NULL (load rows) */
    const char *placement; /* JSON text for "placement", or NULL */
    const char *load_row;  /* a finished row to put under "load", or NULL */
    const char *status;    /* overrides o->status when not NULL */
    const char *error;     /* overrides o->error when not NULL */
    const char *tag;       /* free text for run.tag, or NULL */
} tvc_row_extra;

/* Appends the row for c (one line, no newline) to out. */
void tvc_row_build(tvc_sb *out, const tvc_child *c, const tvc_outcome *o,
                   const tvc_row_extra *x);

#endif
