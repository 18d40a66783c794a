/*
 * The workload driver every runtime binary shares: it reads the command line,
 * prints help, checks every parameter before the run, lets the runtime's
 * invoker run the workload, and prints the one JSON record (docs/DESIGN.md,
 * "Workloads and records") on stdout.  Workloads report through the tvc_wl_*
 * calls, which may come from any task or thread: a mutex guards the lists (a
 * histogram itself is the caller's to keep single-writer).
 *
 * Exit status: 0 when the record says ok, 1 when it says not ok, 2 on a
 * usage error (a one-line message on stderr, nothing on stdout), 3 when a
 * peer cannot honour a value (tvc_wl_not_applicable: one line on stderr,
 * nothing on stdout).
 *
 * `--spec` prints every workload's parameter table as one JSON object, the
 * machine-readable form of --help that the peers read their parameter
 * names, defaults and ranges from (docs/DESIGN.md, "Workloads and
 * records").
 */
#include "tvc/workload.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tvc/clock.h"
#include "tvc/errors.h"
#include "tvc/json.h"
#include "tvc/mem.h"
#include "tvc/parse.h"
#include "tvc/tvc.h"
#include "wl_params.h"

/* One parameter of the run: its spec and the value in force. */
typedef struct wl_param {
    const tvc_param_spec *spec;
    const char *value; /* from argv or the default */
} wl_param;

typedef struct wl_check {
    char *what;
    int64_t expected, got;
} wl_check;

typedef struct wl_figure {
    char *name;
    double value;
} wl_figure;

typedef struct wl_named_hist {
    char *name;
    tvc_hist *h; /* heap: the pointer handed out must not move */
} wl_named_hist;

typedef struct wl_note {
    char *key, *value;
} wl_note;

struct tvc_wl {
    const tvc_workload *wl;
    const char *runtime;
    wl_param *params; /* one per spec entry, in spec order */
    size_t nparams;
    tvc_run_opts opts;  /* from --stack, --stack_size, --executor_threads */
    pthread_mutex_t mu; /* guards everything below */
    wl_check *checks;
    size_t nchecks;
    wl_figure *figures;
    size_t nfigures;
    wl_named_hist *hists;
    size_t nhists;
    wl_note *notes;
    size_t nnotes;
    char *error;          /* "NAME: message" of the first failure */
    char *not_applicable; /* the reason a peer cannot run this, or NULL */
};

/* Set from a signal handler, read from any task's thread: a lock-free
 * atomic is both async-signal-safe and race-free. */
static atomic_int stop_requested;

/* ---- small helpers ------------------------------------------------------- */

static void *xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n);
    if (q == NULL) {
        fprintf(stderr, "tvc: out of memory writing the record\n");
        abort();
    }
    return q;
}

static char *xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(xrealloc(NULL, n), s, n);
}

static char *vformat(const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    char *s = xrealloc(NULL, (size_t)(n > 0 ? n : 0) + 1);
    vsnprintf(s, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    return s;
}

/* Grows an array of elements of size sz holding n by one; returns it. */
static void *grow(void *arr, size_t n, size_t sz)
{
    return xrealloc(arr, (n + 1) * sz);
}

static wl_param *find_param(tvc_wl *w, const char *name)
{
    for (size_t i = 0; i < w->nparams; i++)
        if (strcmp(w->params[i].spec->name, name) == 0)
            return &w->params[i];
    return NULL;
}

static wl_param *need_param(tvc_wl *w, const char *name)
{
    wl_param *p = find_param(w, name);
    if (p == NULL) {
        fprintf(stderr,
                "tvc: workload %s asked for parameter '%s' that "
                "its spec does not declare\n",
                w->wl->name, name);
        abort();
    }
    return p;
}

/* ---- what workloads call ------------------------------------------------- */

int64_t tvc_wl_int(tvc_wl *w, const char *name)
{
    wl_param *p = need_param(w, name);
    int64_t v = 0;
    if (tvc__param_type(p->spec) != TVC__P_INT ||
        tvc_parse_int(p->value, INT64_MIN, INT64_MAX, &v) != 0) {
        fprintf(stderr, "tvc: parameter '%s' is not an integer\n", name);
        abort();
    }
    return v;
}

double tvc_wl_double(tvc_wl *w, const char *name)
{
    wl_param *p = need_param(w, name);
    double v = 0;
    tvc_parse_double(p->value, &v); /* checked by tvc__param_check */
    return v;
}

const char *tvc_wl_str(tvc_wl *w, const char *name)
{
    return need_param(w, name)->value;
}

void tvc_wl_check(tvc_wl *w, const char *what, int64_t expected, int64_t got)
{
    pthread_mutex_lock(&w->mu);
    size_t i;
    for (i = 0; i < w->nchecks; i++)
        if (strcmp(w->checks[i].what, what) == 0)
            break;
    if (i == w->nchecks) {
        w->checks = grow(w->checks, w->nchecks, sizeof *w->checks);
        w->checks[w->nchecks++] = (wl_check){xstrdup(what), expected, got};
    } else if (w->checks[i].expected == w->checks[i].got) {
        /* A repeated check keeps the first mismatch it saw. */
        w->checks[i].expected = expected;
        w->checks[i].got = got;
    }
    pthread_mutex_unlock(&w->mu);
}

void tvc_wl_figure(tvc_wl *w, const char *name, double value)
{
    pthread_mutex_lock(&w->mu);
    size_t i;
    for (i = 0; i < w->nfigures; i++)
        if (strcmp(w->figures[i].name, name) == 0)
            break;
    if (i == w->nfigures) {
        w->figures = grow(w->figures, w->nfigures, sizeof *w->figures);
        w->figures[w->nfigures++] = (wl_figure){xstrdup(name), value};
    } else {
        w->figures[i].value = value;
    }
    pthread_mutex_unlock(&w->mu);
}

tvc_hist *tvc_wl_hist(tvc_wl *w, const char *name)
{
    tvc_hist *h = NULL;
    pthread_mutex_lock(&w->mu);
    for (size_t i = 0; i < w->nhists; i++)
        if (strcmp(w->hists[i].name, name) == 0)
            h = w->hists[i].h;
    if (h == NULL) {
        h = xrealloc(NULL, sizeof *h);
        tvc_hist_init(h);
        w->hists = grow(w->hists, w->nhists, sizeof *w->hists);
        w->hists[w->nhists++] = (wl_named_hist){xstrdup(name), h};
    }
    pthread_mutex_unlock(&w->mu);
    return h;
}

void tvc_wl_note(tvc_wl *w, const char *key, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *value = vformat(fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&w->mu);
    size_t i;
    for (i = 0; i < w->nnotes; i++)
        if (strcmp(w->notes[i].key, key) == 0)
            break;
    if (i == w->nnotes) {
        w->notes = grow(w->notes, w->nnotes, sizeof *w->notes);
        w->notes[w->nnotes++] = (wl_note){xstrdup(key), value};
    } else {
        free(w->notes[i].value);
        w->notes[i].value = value;
    }
    pthread_mutex_unlock(&w->mu);
}

/* Sets the record's error unless an earlier failure set it. */
static void set_error(tvc_wl *w, int err, char *msg)
{
    pthread_mutex_lock(&w->mu);
    if (w->error == NULL) {
        const char *name = err != 0 ? tvc_err_name(err) : "failed";
        size_t n = strlen(name) + strlen(msg) + 3;
        w->error = xrealloc(NULL, n);
        snprintf(w->error, n, "%s: %s", name, msg);
    }
    pthread_mutex_unlock(&w->mu);
    free(msg);
}

void tvc_wl_fail(tvc_wl *w, int err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *msg = vformat(fmt, ap);
    va_end(ap);
    set_error(w, err, msg);
}

void tvc_wl_not_applicable(tvc_wl *w, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *why = vformat(fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&w->mu);
    if (w->not_applicable == NULL)
        w->not_applicable = why;
    else
        free(why);
    pthread_mutex_unlock(&w->mu);
}

const struct tvc_run_opts *tvc_wl_run_opts(tvc_wl *w)
{
    return &w->opts;
}

int tvc_wl_stop_requested(void)
{
    return atomic_load_explicit(&stop_requested, memory_order_relaxed);
}

/* ---- signals ------------------------------------------------------------- */

/* The first SIGINT/SIGTERM asks the workload to stop and still print its
 * record; a second one kills the process as the default would. */
static void on_stop_signal(int sig)
{
    if (atomic_exchange(&stop_requested, 1)) {
        signal(sig, SIG_DFL);
        raise(sig);
    }
}

static void install_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    /* Restart what can be restarted: the runtime's own waits must not see
     * EINTR they were never written to expect. */
    sa.sa_flags = SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
}

/* ---- help ---------------------------------------------------------------- */

static const tvc_param_spec run_opt_specs[] = {
    /* Every runtime takes the three, so one command line serves all; the
     * help says where each has no effect (it is still recorded). */
    {"stack", "private", "coroutine only; compact: one shared run stack",
     "private|compact"},
    {"stack_size", "0", "bytes per task stack, 0 = default (not callback)",
     "0.."},
    /* Bounded so the value fits the int the runtimes take. */
    {"executor_threads", "0",
     "run_in_executor pool size; 0 = the runtime's default", "0..64Ki"},
    {NULL, NULL, NULL, NULL},
};

static void print_specs(FILE *out, const tvc_param_spec *specs)
{
    for (const tvc_param_spec *p = specs; p->name != NULL; p++) {
        char head[64];
        snprintf(head, sizeof head, "--%s=%s", p->name, p->def);
        fprintf(out, "  %-26s %s", head, p->help);
        if (p->choices != NULL)
            fprintf(out, " (%s)", p->choices);
        fputc('\n', out);
    }
}

static void usage_all(const char *prog, const char *runtime,
                      const tvc_workload *const *list)
{
    printf("usage: %s WORKLOAD [--name=value ...]\n"
           "       %s WORKLOAD --help     its parameters and defaults\n"
           "       %s --spec              every workload's parameters as "
           "JSON\n\n"
           "Runs one point of a workload on the %s runtime and prints one "
           "JSON record\non stdout (exit 0 ok, 1 not ok, 2 usage error).\n\n"
           "workloads:\n",
           prog, prog, prog, runtime);
    for (size_t i = 0; list[i] != NULL; i++)
        printf("  %-10s %s\n", list[i]->name, list[i]->summary);
    printf("\nruntime options (any workload):\n");
    print_specs(stdout, run_opt_specs);
}

static void usage_one(const char *prog, const tvc_workload *wl)
{
    printf("usage: %s %s [--name=value ...]\n\n%s\n\nparameters:\n", prog,
           wl->name, wl->summary);
    print_specs(stdout, wl->params);
    printf("\nruntime options:\n");
    print_specs(stdout, run_opt_specs);
    printf("\nIntegers take k/M/G (powers of 1000) or Ki/Mi/Gi suffixes.\n");
}

/* An array of {"name", "default", "help", "choices"} (choices null when
 * the spec has none). */
static void json_specs(tvc_json *j, const tvc_param_spec *specs)
{
    tvc_json_array_begin(j);
    for (const tvc_param_spec *p = specs; p->name != NULL; p++) {
        tvc_json_object_begin(j);
        tvc_json_key(j, "name");
        tvc_json_string(j, p->name);
        tvc_json_key(j, "default");
        tvc_json_string(j, p->def);
        tvc_json_key(j, "help");
        tvc_json_string(j, p->help);
        tvc_json_key(j, "choices");
        if (p->choices != NULL)
            tvc_json_string(j, p->choices);
        else
            tvc_json_null(j);
        tvc_json_object_end(j);
    }
    tvc_json_array_end(j);
}

/* --spec: {"schema": 1, "runtime": R, "run_options": [...], "workloads":
 * {W: {"summary": S, "params": [...]}, ...}}; returns the exit status. */
static int print_spec_json(const char *prog, const char *runtime,
                           const tvc_workload *const *list)
{
    tvc_json j;
    tvc_json_init(&j);
    tvc_json_object_begin(&j);
    tvc_json_key(&j, "schema");
    tvc_json_int(&j, 1);
    tvc_json_key(&j, "runtime");
    tvc_json_string(&j, runtime);
    tvc_json_key(&j, "run_options");
    json_specs(&j, run_opt_specs);
    tvc_json_key(&j, "workloads");
    tvc_json_object_begin(&j);
    for (size_t i = 0; list[i] != NULL; i++) {
        tvc_json_key(&j, list[i]->name);
        tvc_json_object_begin(&j);
        tvc_json_key(&j, "summary");
        tvc_json_string(&j, list[i]->summary);
        tvc_json_key(&j, "params");
        json_specs(&j, list[i]->params);
        tvc_json_object_end(&j);
    }
    tvc_json_object_end(&j);
    tvc_json_object_end(&j);
    int rc = tvc_json_finish(&j);
    if (rc != 0)
        fprintf(stderr, "%s: could not build the spec: %s\n", prog,
                tvc_strerror(rc));
    else
        printf("%.*s\n", (int)j.len, j.buf);
    tvc_json_free(&j);
    return rc != 0 ? 1 : fflush(stdout) == 0 ? 0 : 1;
}

/* ---- the command line ---------------------------------------------------- */

static const char *prog_name(const char *argv0)
{
    const char *slash = strrchr(argv0, '/');
    return slash ? slash + 1 : argv0;
}

/* Sets one --name=value; returns 0 or 2 after printing a usage error. */
static int set_option(tvc_wl *w, const char *prog, const char *name,
                      size_t namelen, const char *value,
                      const char **run_values)
{
    char why[128];
    for (size_t i = 0; run_opt_specs[i].name != NULL; i++) {
        const tvc_param_spec *p = &run_opt_specs[i];
        if (strlen(p->name) == namelen &&
            strncmp(p->name, name, namelen) == 0) {
            if (tvc__param_check(p, value, why, sizeof why) != 0) {
                fprintf(stderr, "%s: bad value for --%s: '%s' (expected %s)\n",
                        prog, p->name, value, why);
                return 2;
            }
            run_values[i] = value;
            return 0;
        }
    }
    for (size_t i = 0; i < w->nparams; i++) {
        const tvc_param_spec *p = w->params[i].spec;
        if (strlen(p->name) == namelen &&
            strncmp(p->name, name, namelen) == 0) {
            if (tvc__param_check(p, value, why, sizeof why) != 0) {
                fprintf(stderr,
                        "%s: %s: bad value for --%s: '%s' "
                        "(expected %s)\n",
                        prog, w->wl->name, p->name, value, why);
                return 2;
            }
            w->params[i].value = value;
            return 0;
        }
    }
    fprintf(stderr, "%s: %s: unknown parameter --%.*s (see %s %s --help)\n",
            prog, w->wl->name, (int)namelen, name, prog, w->wl->name);
    return 2;
}

/* Parses argv into w.  Returns -1 to go on, or the exit status. */
static int parse_args(tvc_wl *w, int argc, char **argv, const char *runtime,
                      const tvc_workload *const *list)
{
    const char *prog = prog_name(argv[0]);
    int help = 0, wl_index = 0;
    if (argc == 2 && strcmp(argv[1], "--spec") == 0)
        return print_spec_json(prog, runtime, list);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            help = 1;
        } else if (a[0] == '-') {
            /* "--name value": the value is not the workload's name. */
            if (strchr(a, '=') == NULL)
                i++;
        } else if (w->wl == NULL) {
            wl_index = i;
            for (size_t k = 0; list[k] != NULL; k++)
                if (strcmp(list[k]->name, a) == 0)
                    w->wl = list[k];
            if (w->wl == NULL) {
                fprintf(stderr, "%s: unknown workload '%s' (see %s --help)\n",
                        prog, a, prog);
                return 2;
            }
        }
    }
    if (w->wl == NULL) {
        if (help) {
            usage_all(prog, runtime, list);
            return 0;
        }
        fprintf(stderr, "%s: no workload given (see %s --help)\n", prog, prog);
        return 2;
    }
    if (help) {
        usage_one(prog, w->wl);
        return 0;
    }

    for (const tvc_param_spec *p = w->wl->params; p->name != NULL; p++)
        w->nparams++;
    w->params = xrealloc(NULL, (w->nparams + 1) * sizeof *w->params);
    for (size_t i = 0; i < w->nparams; i++)
        w->params[i] = (wl_param){&w->wl->params[i], w->wl->params[i].def};

    const char *run_values[3] = {NULL, NULL, NULL};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (i == wl_index)
            continue;
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
            fprintf(stderr,
                    "%s: %s: unexpected argument '%s' (options are "
                    "--name=value)\n",
                    prog, w->wl->name, a);
            return 2;
        }
        const char *name = a + 2, *eq = strchr(name, '='), *value;
        size_t namelen;
        if (eq != NULL) {
            namelen = (size_t)(eq - name);
            value = eq + 1;
        } else if (i + 1 < argc) {
            namelen = strlen(name);
            value = argv[++i];
        } else {
            fprintf(stderr, "%s: %s: --%s needs a value\n", prog, w->wl->name,
                    name);
            return 2;
        }
        int rc = set_option(w, prog, name, namelen, value, run_values);
        if (rc != 0)
            return rc;
    }

    int64_t v;
    w->opts.stack_mode = run_values[0] && strcmp(run_values[0], "compact") == 0
                             ? TVC_STACK_COMPACT
                             : TVC_STACK_PRIVATE;
    /* Both checked against their ranges by set_option. */
    if (run_values[1] &&
        tvc_parse_int(run_values[1], INT64_MIN, INT64_MAX, &v) == 0)
        w->opts.stack_size = (size_t)v;
    if (run_values[2] &&
        tvc_parse_int(run_values[2], INT64_MIN, INT64_MAX, &v) == 0)
        w->opts.executor_threads = (int)v;
    return -1;
}

/* ---- the record ---------------------------------------------------------- */

static void json_param(tvc_json *j, const tvc_param_spec *p, const char *v)
{
    int64_t i;
    double d;
    tvc_json_key(j, p->name);
    switch (tvc__param_type(p)) {
    case TVC__P_INT:
        tvc_parse_int(v, INT64_MIN, INT64_MAX, &i);
        tvc_json_int(j, i);
        break;
    case TVC__P_DOUBLE:
        tvc_parse_double(v, &d);
        tvc_json_double(j, d);
        break;
    case TVC__P_STR:
        tvc_json_string(j, v);
        break;
    }
}

static void json_cpu(tvc_json *j)
{
    cpu_set_t set;
    tvc_json_object_begin(j);
    tvc_json_key(j, "placement");
    tvc_json_object_begin(j);
    tvc_json_key(j, "affinity");
    tvc_json_array_begin(j);
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        for (int c = 0; c < CPU_SETSIZE; c++)
            if (CPU_ISSET(c, &set))
                tvc_json_int(j, c);
    tvc_json_array_end(j);
    tvc_json_key(j, "main_thread_cpu");
    tvc_json_int(j, sched_getcpu());
    tvc_json_object_end(j);
    tvc_json_object_end(j);
}

/* Writes the record; returns whether it says ok. */
static int write_record(tvc_wl *w, tvc_json *j, const tvc_mem *m,
                        int64_t wall_ns)
{
    int ok = w->error == NULL;
    for (size_t i = 0; i < w->nchecks; i++)
        if (w->checks[i].expected != w->checks[i].got)
            ok = 0;

    tvc_json_object_begin(j);
    tvc_json_key(j, "schema");
    tvc_json_int(j, 1);
    tvc_json_key(j, "runtime");
    tvc_json_string(j, w->runtime);
    tvc_json_key(j, "workload");
    tvc_json_string(j, w->wl->name);

    tvc_json_key(j, "params");
    tvc_json_object_begin(j);
    for (size_t i = 0; i < w->nparams; i++)
        json_param(j, w->params[i].spec, w->params[i].value);
    tvc_json_key(j, "stack");
    tvc_json_string(j, w->opts.stack_mode == TVC_STACK_COMPACT ? "compact"
                                                               : "private");
    tvc_json_key(j, "stack_size");
    tvc_json_int(j, (int64_t)w->opts.stack_size);
    tvc_json_key(j, "executor_threads");
    tvc_json_int(j, w->opts.executor_threads);
    tvc_json_object_end(j);

    tvc_json_key(j, "ok");
    tvc_json_bool(j, ok);
    tvc_json_key(j, "error");
    if (w->error != NULL) {
        tvc_json_string(j, w->error);
    } else if (!ok) {
        /* Name the first check that failed, so a reader needs no more. */
        for (size_t i = 0; i < w->nchecks; i++) {
            wl_check *c = &w->checks[i];
            if (c->expected == c->got)
                continue;
            char msg[256];
            snprintf(msg, sizeof msg, "check: %s: expected %lld, got %lld",
                     c->what, (long long)c->expected, (long long)c->got);
            tvc_json_string(j, msg);
            break;
        }
    } else {
        tvc_json_null(j);
    }

    tvc_json_key(j, "check");
    tvc_json_object_begin(j);
    for (size_t i = 0; i < w->nchecks; i++) {
        wl_check *c = &w->checks[i];
        tvc_json_key(j, c->what);
        tvc_json_object_begin(j);
        tvc_json_key(j, "expected");
        tvc_json_int(j, c->expected);
        tvc_json_key(j, "got");
        tvc_json_int(j, c->got);
        tvc_json_key(j, "ok");
        tvc_json_bool(j, c->expected == c->got);
        tvc_json_object_end(j);
    }
    tvc_json_object_end(j);

    tvc_json_key(j, "figures");
    tvc_json_object_begin(j);
    for (size_t i = 0; i < w->nfigures; i++) {
        tvc_json_key(j, w->figures[i].name);
        tvc_json_double(j, w->figures[i].value);
    }
    tvc_json_object_end(j);

    tvc_json_key(j, "latency_ns");
    tvc_json_object_begin(j);
    for (size_t i = 0; i < w->nhists; i++) {
        tvc_json_key(j, w->hists[i].name);
        tvc_hist_json(w->hists[i].h, j);
    }
    tvc_json_object_end(j);

    tvc_json_key(j, "memory");
    tvc_mem_json(m, j);

    tvc_json_key(j, "cpu");
    json_cpu(j);

    tvc_json_key(j, "notes");
    tvc_json_object_begin(j);
    for (size_t i = 0; i < w->nnotes; i++) {
        tvc_json_key(j, w->notes[i].key);
        tvc_json_string(j, w->notes[i].value);
    }
    tvc_json_object_end(j);

    tvc_json_key(j, "wall_ns");
    tvc_json_int(j, wall_ns);
    tvc_json_object_end(j);
    return ok;
}

static void wl_free(tvc_wl *w)
{
    for (size_t i = 0; i < w->nchecks; i++)
        free(w->checks[i].what);
    for (size_t i = 0; i < w->nfigures; i++)
        free(w->figures[i].name);
    for (size_t i = 0; i < w->nhists; i++) {
        free(w->hists[i].name);
        free(w->hists[i].h);
    }
    for (size_t i = 0; i < w->nnotes; i++) {
        free(w->notes[i].key);
        free(w->notes[i].value);
    }
    free(w->checks);
    free(w->figures);
    free(w->hists);
    free(w->notes);
    free(w->params);
    free(w->error);
    free(w->not_applicable);
    pthread_mutex_destroy(&w->mu);
}

int tvc_wl_main(int argc, char **argv, const char *runtime,
                const tvc_workload *const *list,
                int (*invoke)(const tvc_workload *wl, tvc_wl *w))
{
    tvc_wl w;
    memset(&w, 0, sizeof w);
    pthread_mutex_init(&w.mu, NULL);
    w.runtime = runtime;
    int status = parse_args(&w, argc, argv, runtime, list);
    if (status >= 0) {
        wl_free(&w);
        return status;
    }

    install_signals();
    int64_t t0 = tvc_now();
    int rc = invoke(w.wl, &w);
    int64_t wall = tvc_now() - t0;
    if (w.not_applicable != NULL) {
        fprintf(stderr, "%s: not applicable: %s\n", prog_name(argv[0]),
                w.not_applicable);
        wl_free(&w);
        return TVC_EXIT_NOT_APPLICABLE;
    }
    if (rc != 0)
        tvc_wl_fail(&w, rc, "the workload returned %s", tvc_strerror(rc));
    /* Memory at the end, sampled before the record's own buffer grows. */
    tvc_mem m;
    tvc_mem_sample(&m);
    tvc_json j;
    tvc_json_init(&j);
    int ok = write_record(&w, &j, &m, wall);
    int jrc = tvc_json_finish(&j);
    if (jrc != 0) {
        fprintf(stderr, "%s: could not build the record: %s\n",
                prog_name(argv[0]), tvc_strerror(jrc));
        status = 1;
    } else {
        fwrite(j.buf, 1, j.len, stdout);
        fputc('\n', stdout);
        status = fflush(stdout) == 0 && ok ? 0 : 1;
    }
    tvc_json_free(&j);
    wl_free(&w);
    return status;
}
