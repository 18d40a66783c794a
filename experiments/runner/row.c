/*
 * Rows (row.h): classify a finished child, then splice a "run" object
 * into its record, or synthesize a record when there is none.
 *
 * Classification, first match wins:
 *   spawn_error  the command could not be started
 *   oom          we killed it over the resident-memory cap; or, under a
 *                memory limit, it failed or crashed saying "out of
 *                memory", ENOMEM or "cannot allocate"
 *   timeout      we stopped it at its wall-time limit, or it ignored the
 *                SIGTERM that asked it to stop
 *   crash        it died by a signal (a SIGKILL we did not send, too:
 *                the kernel's OOM killer leaves no trace we can read)
 *   not_applicable  it exited with TVC_EXIT_NOT_APPLICABLE and no record:
 *                a peer that cannot honour a value (its stderr says why)
 *   parse_error  it exited without exactly one valid JSON object on stdout
 *   failed       valid record, but ok is false or the exit code is not 0
 *   ok           valid record with ok true, exit code 0
 * A valid record is kept in the row whatever the status.
 */
#include "row.h"

#include "tvc/json.h"
#include "tvc/parse.h"
#include "tvc/workload.h"

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

/* Keys the runner adds; a record that already has them is refused. */
static const char *const reserved[] = {"run", "load"};

void tvc_sb_put(tvc_sb *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 1024;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *buf = realloc(b->buf, cap);
        if (!buf) {
            b->oom = 1;
            return;
        }
        b->buf = buf;
        b->cap = cap;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
    b->buf[b->len] = '\0';
}

static void sb_str(tvc_sb *b, const char *s)
{
    tvc_sb_put(b, s, strlen(s));
}

void tvc_sb_free(tvc_sb *b)
{
    free(b->buf);
    memset(b, 0, sizeof *b);
}

/* ---- classification ---------------------------------------------------- */

/* Finds the record: stdout must be exactly one JSON object with a boolean
 * "ok" and none of the reserved keys.  NULL with why set otherwise. */
static const char *find_record(const tvc_child *c, char *why, size_t size)
{
    tvc_json_error e;
    size_t off, len;
    if (c->out_overflow) {
        snprintf(why, size, "stdout longer than %zu bytes",
                 c->lim.stdout_limit);
        return NULL;
    }
    if (c->out_len == 0) {
        snprintf(why, size, "nothing on stdout");
        return NULL;
    }
    if (tvc_json_validate(c->out, c->out_len, &e) < 0) {
        snprintf(why, size, "stdout is not one JSON value: %s at byte %zu",
                 e.msg, e.offset);
        return NULL;
    }
    int r = tvc_json_member(c->out, c->out_len, "ok", &off, &len);
    if (r == -EINVAL) {
        snprintf(why, size, "stdout is JSON but not an object");
        return NULL;
    }
    if (r < 0 || !((len == 4 && memcmp(c->out + off, "true", 4) == 0) ||
                   (len == 5 && memcmp(c->out + off, "false", 5) == 0))) {
        snprintf(why, size, "record has no boolean \"ok\"");
        return NULL;
    }
    for (size_t i = 0; i < sizeof reserved / sizeof reserved[0]; i++) {
        if (tvc_json_member(c->out, c->out_len, reserved[i], &off, &len) == 0) {
            snprintf(why, size, "record uses the runner's key \"%s\"",
                     reserved[i]);
            return NULL;
        }
    }
    return c->out;
}

static bool record_ok(const tvc_child *c)
{
    size_t off, len;
    return tvc_json_member(c->out, c->out_len, "ok", &off, &len) == 0 &&
           len == 4;
}

/* Under a memory limit, did the child say it ran out of memory (in its
 * stderr or its record's "error")? */
static bool says_memory(const tvc_child *c, const char *rec)
{
    if (c->lim.as_bytes <= 0 && c->lim.rss_bytes <= 0)
        return false;
    char tail[TVC_PROC_ERR_KEEP + 1];
    tvc_child_err_tail(c, 1000, tail, sizeof tail);
    char error[512] = "";
    size_t off, len;
    if (rec && tvc_json_member(rec, c->out_len, "error", &off, &len) == 0) {
        if (len >= sizeof error)
            len = sizeof error - 1;
        memcpy(error, rec + off, len);
        error[len] = '\0';
    }
    static const char *const words[] = {"out of memory", "ENOMEM",
                                        "cannot allocate"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcasestr(tail, words[i]) || strcasestr(error, words[i]))
            return true;
    return false;
}

void tvc_outcome_skipped(const char *reason, tvc_outcome *o)
{
    memset(o, 0, sizeof *o);
    o->status = "skipped";
    snprintf(o->error, sizeof o->error, "%s", reason);
}

void tvc_outcome_of(const tvc_child *c, tvc_outcome *o)
{
    char why[256] = "";
    memset(o, 0, sizeof *o);
    if (c->spawn_errno) {
        o->status = "spawn_error";
        snprintf(o->error, sizeof o->error, "cannot start %s: %s", c->argv[0],
                 strerror(c->spawn_errno));
        return;
    }
    o->rec = find_record(c, why, sizeof why);
    o->rec_len = o->rec ? c->out_len : 0;
    int st = c->wstatus;
    double limit_ms = (double)c->lim.timeout_ns / 1e6;
    if (c->stopped && strcmp(c->stopped, "rss") == 0) {
        o->status = "oom";
        snprintf(o->error, sizeof o->error,
                 "resident memory over the cap of %lld bytes: killed",
                 (long long)c->lim.rss_bytes);
    } else if (c->stopped && strcmp(c->stopped, "timeout") == 0) {
        o->status = "timeout";
        snprintf(o->error, sizeof o->error,
                 "no exit within the %.0f ms limit: SIGTERM%s", limit_ms,
                 c->killed ? ", then SIGKILL" : "");
    } else if (c->stopped && c->killed) {
        o->status = "timeout";
        snprintf(o->error, sizeof o->error,
                 "did not exit after SIGTERM asked it to stop: SIGKILL");
    } else if (WIFSIGNALED(st)) {
        bool oom = says_memory(c, o->rec);
        o->status = oom ? "oom" : "crash";
        const char *abbrev = sigabbrev_np(WTERMSIG(st));
        snprintf(o->error, sizeof o->error, "killed by SIG%s%s",
                 abbrev ? abbrev : "?",
                 oom ? " after running out of memory"
                 : WTERMSIG(st) == SIGKILL
                     ? " (not sent by the runner: someone else, or the "
                       "kernel's OOM killer)"
                     : "");
    } else if (!o->rec && WEXITSTATUS(st) == TVC_EXIT_NOT_APPLICABLE) {
        o->status = "not_applicable";
        /* Its reason: the last line of its stderr. */
        tvc_child_err_tail(c, 1, o->error, sizeof o->error);
        size_t n = strlen(o->error);
        while (n > 0 && (o->error[n - 1] == '\n' || o->error[n - 1] == ' '))
            o->error[--n] = '\0';
        if (n == 0)
            snprintf(o->error, sizeof o->error, "no reason given");
    } else if (!o->rec) {
        o->status = says_memory(c, NULL) ? "oom" : "parse_error";
        snprintf(
            o->error, sizeof o->error, "exit code %d%s, %s", WEXITSTATUS(st),
            WEXITSTATUS(st) == 2 ? " (usage: arguments refused)" : "", why);
    } else if (record_ok(c) && WEXITSTATUS(st) == 0) {
        o->status = "ok";
    } else {
        o->status = says_memory(c, o->rec) ? "oom" : "failed";
        snprintf(o->error, sizeof o->error, "exit code %d, record ok %s",
                 WEXITSTATUS(st), record_ok(c) ? "true" : "false");
    }
}

/* ---- the run object ---------------------------------------------------- */

static void key_int(tvc_json *j, const char *k, int64_t v)
{
    tvc_json_key(j, k);
    tvc_json_int(j, v);
}

static int64_t tv_ns(struct timeval tv)
{
    return (int64_t)tv.tv_sec * 1000000000 + (int64_t)tv.tv_usec * 1000;
}

static void run_object(tvc_json *j, const tvc_child *c, const tvc_outcome *o,
                       const tvc_row_extra *x)
{
    const char *status = x->status ? x->status : o->status;
    const char *error = x->error ? x->error : o->error;
    tvc_json_object_begin(j);
    if (x->pt) {
        tvc_json_key(j, "experiment");
        if (x->pt->experiment)
            tvc_json_string(j, x->pt->experiment);
        else
            tvc_json_null(j);
        key_int(j, "point", x->pt->point);
        key_int(j, "points", x->pt->points);
        key_int(j, "rep", x->pt->rep);
    }
    tvc_json_key(j, "role");
    tvc_json_string(j, x->role);
    tvc_json_key(j, "status");
    tvc_json_string(j, status);
    tvc_json_key(j, "error");
    if (error[0])
        tvc_json_string(j, error);
    else
        tvc_json_null(j);
    bool reaped = c->exited && !c->spawn_errno;
    tvc_json_key(j, "exit_code");
    if (reaped && WIFEXITED(c->wstatus))
        tvc_json_int(j, WEXITSTATUS(c->wstatus));
    else
        tvc_json_null(j);
    tvc_json_key(j, "signal");
    if (reaped && WIFSIGNALED(c->wstatus) &&
        sigabbrev_np(WTERMSIG(c->wstatus))) {
        char name[32];
        snprintf(name, sizeof name, "SIG%s",
                 sigabbrev_np(WTERMSIG(c->wstatus)));
        tvc_json_string(j, name);
    } else {
        tvc_json_null(j);
    }
    if (x->tag) {
        tvc_json_key(j, "tag");
        tvc_json_string(j, x->tag);
    }
    tvc_json_key(j, "injected");
    if (c->injected) {
        char what[64];
        const char *abbrev = sigabbrev_np(c->lim.inject_sig);
        snprintf(what, sizeof what, "SIG%s after %lld ms (testing)",
                 abbrev ? abbrev : "?",
                 (long long)(c->lim.inject_ns / 1000000));
        tvc_json_string(j, what);
    } else if (c->inject_missed) {
        tvc_json_string(j, "none: the point ended before the fault was due");
    } else {
        tvc_json_null(j);
    }
    tvc_json_key(j, "stopped_by_runner");
    if (c->stopped)
        tvc_json_string(j, c->stopped);
    else
        tvc_json_null(j);
    key_int(j, "wall_ns", reaped ? c->end_ns - c->start_ns : 0);
    tvc_json_key(j, "limits");
    tvc_json_object_begin(j);
    key_int(j, "timeout_ns", c->lim.timeout_ns);
    key_int(j, "rss_bytes", c->lim.rss_bytes);
    key_int(j, "as_bytes", c->lim.as_bytes);
    key_int(j, "nofile", c->lim.nofile);
    tvc_json_object_end(j);
    tvc_json_key(j, "rusage");
    tvc_json_object_begin(j);
    key_int(j, "max_rss_bytes", (int64_t)c->ru.ru_maxrss * 1024);
    key_int(j, "user_ns", tv_ns(c->ru.ru_utime));
    key_int(j, "sys_ns", tv_ns(c->ru.ru_stime));
    key_int(j, "voluntary_cs", c->ru.ru_nvcsw);
    key_int(j, "involuntary_cs", c->ru.ru_nivcsw);
    key_int(j, "minor_faults", c->ru.ru_minflt);
    key_int(j, "major_faults", c->ru.ru_majflt);
    tvc_json_object_end(j);
    tvc_json_key(j, "cpu");
    if (c->lim.cpu >= 0)
        tvc_json_int(j, c->lim.cpu);
    else
        tvc_json_null(j);
    if (c->listen[0]) {
        tvc_json_key(j, "listen");
        tvc_json_string(j, c->listen);
    }
    tvc_json_key(j, "argv");
    tvc_json_array_begin(j);
    for (char **a = c->argv; *a; a++)
        tvc_json_string(j, *a);
    tvc_json_array_end(j);
    key_int(j, "stdout_bytes", (int64_t)c->out_len);
    tvc_json_key(j, "stderr_tail");
    char tail[TVC_PROC_ERR_KEEP + 1];
    tvc_child_err_tail(c, 20, tail, sizeof tail);
    tvc_json_string(j, tail);
}

/* ---- synthesized records ----------------------------------------------- */

/* A parameter value as the runtime's own record would give it: an
 * integer (suffixes read as the driver reads them, "64Ki" is 65536) or a
 * JSON number stays a number. */
static void param_value(tvc_json *j, const char *v)
{
    size_t n = strlen(v);
    int64_t i;
    double d;
    if (tvc_parse_int(v, INT64_MIN, INT64_MAX, &i) == 0)
        tvc_json_int(j, i);
    else if (n && (v[0] == '-' || (v[0] >= '0' && v[0] <= '9')) &&
             tvc_json_validate(v, n, NULL) == 0 && tvc_parse_double(v, &d) == 0)
        tvc_json_double(j, d);
    else
        tvc_json_string(j, v);
}

/* runtime from "path/tvc-NAME", workload and params from the argv. */
static void synthesize(tvc_json *j, const tvc_child *c, const char *error)
{
    const char *base = strrchr(c->argv[0], '/');
    base = base ? base + 1 : c->argv[0];
    if (strncmp(base, "tvc-", 4) == 0)
        base += 4;
    const char *workload = NULL;
    for (char **a = c->argv + 1; *a; a++)
        if ((*a)[0] != '-') {
            workload = *a;
            break;
        }
    tvc_json_object_begin(j);
    key_int(j, "schema", 1);
    tvc_json_key(j, "runtime");
    tvc_json_string(j, base);
    tvc_json_key(j, "workload");
    if (workload)
        tvc_json_string(j, workload);
    else
        tvc_json_null(j);
    tvc_json_key(j, "params");
    tvc_json_object_begin(j);
    for (char **a = c->argv + 1; *a; a++) {
        const char *eq = strchr(*a, '=');
        if (strncmp(*a, "--", 2) != 0 || !eq || eq == *a + 2)
            continue;
        char key[128];
        size_t kn = (size_t)(eq - (*a + 2));
        if (kn >= sizeof key)
            continue;
        memcpy(key, *a + 2, kn);
        key[kn] = '\0';
        tvc_json_key(j, key);
        param_value(j, eq + 1);
    }
    tvc_json_object_end(j);
    tvc_json_key(j, "ok");
    tvc_json_bool(j, 0);
    tvc_json_key(j, "error");
    tvc_json_string(j, error);
    static const char *const empty[] = {"check",  "figures", "latency_ns",
                                        "memory", "cpu",     "notes"};
    for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
        tvc_json_key(j, empty[i]);
        tvc_json_object_begin(j);
        tvc_json_object_end(j);
    }
    key_int(j, "wall_ns",
            c->exited && !c->spawn_errno ? c->end_ns - c->start_ns : 0);
    tvc_json_object_end(j);
}

void tvc_row_build(tvc_sb *out, const tvc_child *c, const tvc_outcome *o,
                   const tvc_row_extra *x)
{
    tvc_json j;
    tvc_json_init(&j);
    const char *body;
    size_t body_len;
    if (o->rec) {
        body = o->rec;
        body_len = o->rec_len;
    } else {
        synthesize(&j, c, x->error ? x->error : o->error);
        body = j.buf;
        body_len = j.len;
    }
    /* The record without its closing brace, on one line: outside strings
     * a valid record can only hold line breaks as white space. */
    while (body_len && body[body_len - 1] != '}')
        body_len--;
    size_t start = out->len;
    tvc_sb_put(out, body, body_len - 1);
    for (size_t i = start; out->buf && i < out->len; i++)
        if (out->buf[i] == '\n' || out->buf[i] == '\r')
            out->buf[i] = ' ';
    size_t k = out->len;
    while (k > start && (out->buf[k - 1] == ' ' || out->buf[k - 1] == '\t'))
        k--;
    bool empty = k > start && out->buf[k - 1] == '{';
    sb_str(out, empty ? "\"run\":" : ",\"run\":");
    tvc_json_free(&j);
    tvc_json_init(&j);
    run_object(&j, c, o, x);
    if (x->placement) {
        /* tvc_json has no raw values: close, splice, reopen by hand. */
        tvc_sb_put(out, j.buf, j.len);
        sb_str(out, ",\"placement\":");
        sb_str(out, x->placement);
        sb_str(out, "}");
    } else {
        tvc_json_object_end(&j);
        tvc_sb_put(out, j.buf, j.len);
    }
    if (x->load_row) {
        sb_str(out, ",\"load\":");
        sb_str(out, x->load_row);
    }
    sb_str(out, "}");
    tvc_json_free(&j);
}
