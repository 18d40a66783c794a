/*
 * Fuzz target: the workload driver's command line (tvc_wl_main in
 * common/src/workload.c, which checks each value with wl_params.c) on a
 * spec table of every kind: plain, ranged and open-ended integers, a
 * decimal, a choice list and free text, beside the runtime options.  The
 * input is read as a list of tokens (the workload name, --help, a stray
 * word, or an option --name=value / --name value whose value is a
 * canonical integer or decimal, a choice, or raw input bytes).
 *
 * The rule it checks, written from the usage text rather than the code:
 * a command line is accepted (exit 0, the workload runs) when it names the
 * workload once, every option is known and has a valid value; --help
 * exits 0 without running; anything else exits 2.  A value is valid by a
 * plain grammar when it has a canonical shape (digits with an optional
 * k/M/G/Ki/Mi/Gi suffix that fits in int64 and in the range; digits with
 * one decimal point; a choice spelled exactly); for other shapes the
 * driver must agree with tvc__param_check and a ranged value it accepts
 * must read back within its range.  The workload then sees the last value
 * given for each parameter, or its default.
 */
#include <stdint.h>
#include <stdio.h>

#include "tvc/tvc.h"
#include "tvc/workload.h"
#include "tvc_test.h"
#include "wl_params.h"

enum { MAX_TOKENS = 16, MAX_VALUE = 40 };

static const tvc_param_spec specs[] = {
    {"count", "10", "a plain integer", NULL},
    {"port", "0", "a ranged integer", "0..65535"},
    {"tasks", "1", "an open-ended integer", "1.."},
    {"small", "-3", "an integer with an upper bound only", "..1Ki"},
    {"ratio", "0.5", "a decimal", NULL},
    {"mode", "open", "a choice", "open|closed|x"},
    {"name", "abc", "free text", NULL},
    {NULL, NULL, NULL, NULL},
};

/* The driver's own runtime options (workload.h), as its usage text lists
 * them (read once by read_run_specs). */
enum { NSPECS = sizeof specs / sizeof specs[0] - 1, MAX_RUN = 8 };
static tvc_param_spec run_specs[MAX_RUN];
static int nrun, stack_slot; /* stack_slot: --stack's in expect.value */

/* What the rule expects the workload to see. */
static struct {
    const char *value[NSPECS + MAX_RUN];
    int ran;
} expect;

static unsigned take(const uint8_t **p, size_t *n)
{
    if (*n == 0)
        return 0;
    (*n)--;
    return *(*p)++;
}

/* Digits with an optional suffix, as the usage text documents them:
 * 1 and *v when s has that shape (*v = INT64_MIN..INT64_MAX, *fits = 0 when
 * out of range), 0 for any other shape. */
static int canonical_int(const char *s, int64_t *v, int *fits)
{
    static const struct {
        const char *suffix;
        int64_t mul;
    } units[] = {{"", 1},           {"k", 1000},  {"M", 1000000},
                 {"G", 1000000000}, {"Ki", 1024}, {"Mi", 1048576},
                 {"Gi", 1073741824}};
    int neg = *s == '-';
    const char *d = s + neg, *end = d;
    while (*end >= '0' && *end <= '9')
        end++;
    if (end == d)
        return 0;
    for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
        if (strcmp(end, units[u].suffix) != 0)
            continue;
        __int128 x = 0;
        for (const char *c = d; c < end; c++)
            if ((x = x * 10 + (*c - '0')) > ((__int128)1 << 70))
                x = (__int128)1 << 70; /* saturate: out of range anyway */
        x *= units[u].mul;
        if (neg)
            x = -x;
        *fits = x >= INT64_MIN && x <= INT64_MAX;
        *v = *fits ? (int64_t)x : 0;
        return 1;
    }
    return 0;
}

/* Digits, a point, digits. */
static int canonical_decimal(const char *s)
{
    size_t a = strspn(s, "0123456789");
    return a > 0 && s[a] == '.' &&
           s[a + 1 + strspn(s + a + 1, "0123456789")] == '\0' &&
           s[a + 1] != '\0';
}

/* The bounds of a "MIN..MAX" choices string. */
static void range_of(const char *choices, int64_t *lo, int64_t *hi)
{
    const char *dots = strstr(choices, "..");
    char buf[32];
    int fits;
    *lo = INT64_MIN;
    *hi = INT64_MAX;
    snprintf(buf, sizeof buf, "%.*s", (int)(dots - choices), choices);
    if (buf[0] != '\0')
        ASSERT(canonical_int(buf, lo, &fits) && fits);
    if (dots[2] != '\0')
        ASSERT(canonical_int(dots + 2, hi, &fits) && fits);
}

/* The rule's verdict on value for p: 1 valid, 0 not. */
static int valid(const tvc_param_spec *p, const char *value)
{
    char why[96];
    int checker = tvc__param_check(p, value, why, sizeof why) == 0;
    int64_t v;
    int fits;
    int is_int = canonical_int(value, &v, &fits);
    if (p->choices != NULL && strstr(p->choices, "..") == NULL) {
        size_t n = strlen(value);
        for (const char *c = p->choices; *c != '\0';) {
            size_t len = strcspn(c, "|");
            if (len == n && strncmp(c, value, n) == 0)
                return 1;
            c += len + (c[len] == '|');
        }
        return 0;
    }
    int64_t lo, hi;
    switch (tvc__param_type(p)) {
    case TVC__P_INT:
        if (!is_int)
            return checker;
        if (p->choices == NULL)
            return fits;
        range_of(p->choices, &lo, &hi);
        return fits && v >= lo && v <= hi;
    case TVC__P_DOUBLE:
        if (canonical_decimal(value) ||
            (is_int && strpbrk(value, "kMGi") == NULL))
            return 1;
        return checker;
    case TVC__P_STR:
        return 1;
    }
    return 0;
}

/* The spec (and its slot in expect.value) called name, or NULL. */
static const tvc_param_spec *lookup(const char *name, size_t len, int *slot)
{
    for (int i = 0; i < NSPECS + nrun; i++) {
        const tvc_param_spec *p = i < nrun ? &run_specs[i] : &specs[i - nrun];
        if (strlen(p->name) == len && strncmp(p->name, name, len) == 0) {
            *slot = i < nrun ? NSPECS + i : i - nrun;
            return p;
        }
    }
    return NULL;
}

/* The exit status the rule expects for argv[1..argc). */
static int rule(int argc, char **argv)
{
    int help = 0, wl = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
            help = 1;
        else if (a[0] == '-')
            i += strchr(a, '=') == NULL; /* its value follows */
        else if (!wl && strcmp(a, "fz") != 0)
            return 2; /* an unknown workload */
        else if (!wl)
            wl = i;
    }
    if (!wl || help)
        return wl || help ? 0 : 2;
    for (int i = 0; i < NSPECS; i++)
        expect.value[i] = specs[i].def;
    for (int i = 0; i < nrun; i++)
        expect.value[NSPECS + i] = run_specs[i].def;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *eq, *value;
        if (i == wl)
            continue;
        if (strncmp(a, "--", 2) != 0 || a[2] == '\0')
            return 2;
        if ((eq = strchr(a + 2, '=')) != NULL)
            value = eq + 1;
        else if (i + 1 < argc)
            value = argv[++i];
        else
            return 2; /* a last option with no value */
        int slot;
        size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
        const tvc_param_spec *p = lookup(a + 2, len, &slot);
        if (p == NULL || !valid(p, value))
            return 2;
        expect.value[slot] = value;
    }
    expect.ran = 1;
    return 0;
}

/* The workload: everything it reads must be what the rule expects. */
static int check_params(tvc_wl *w)
{
    ASSERT(expect.ran);
    expect.ran = 2;
    for (int i = 0; i < NSPECS; i++) {
        const tvc_param_spec *p = &specs[i];
        ASSERT(strcmp(tvc_wl_str(w, p->name), expect.value[i]) == 0);
        int64_t v, lo, hi;
        int fits;
        switch (tvc__param_type(p)) {
        case TVC__P_INT:
            v = tvc_wl_int(w, p->name);
            if (canonical_int(expect.value[i], &lo, &fits))
                ASSERT_EQ(v, lo);
            if (p->choices != NULL) {
                range_of(p->choices, &lo, &hi);
                ASSERT(v >= lo && v <= hi);
            }
            break;
        case TVC__P_DOUBLE:
            (void)tvc_wl_double(w, p->name);
            break;
        case TVC__P_STR:
            break;
        }
    }
    const tvc_run_opts *o = tvc_wl_run_opts(w);
    ASSERT_EQ(o->stack_mode, strcmp(expect.value[stack_slot], "compact") == 0
                                 ? TVC_STACK_COMPACT
                                 : TVC_STACK_PRIVATE);
    return 0;
}

static const tvc_workload fz = {"fz", "the fuzz target's workload", specs,
                                check_params};

static int invoke(const tvc_workload *wl, tvc_wl *w)
{
    return wl->run(w);
}

/* Where the driver's messages and record go: nowhere.  Only the FILE
 * pointers are swapped, so a sanitizer's report (written to fd 2) and
 * libFuzzer's own output still show. */
static FILE *devnull;

static int run_driver(int argc, char **argv, FILE *out)
{
    static const tvc_workload *const list[] = {&fz, NULL};
    FILE *saved_out = stdout, *saved_err = stderr;
    stdout = out;
    stderr = devnull;
    int status = tvc_wl_main(argc, argv, "fuzz", list, invoke);
    stdout = saved_out;
    stderr = saved_err;
    return status;
}

/* The runtime options as `WORKLOAD --help` prints them under "runtime
 * options:", one per line: "  --NAME=DEFAULT   help (CHOICES)".  Read from
 * the usage text, so the rule follows the driver's table without a copy
 * of it (a help line must then not end in parentheses of its own). */
static void read_run_specs(void)
{
    char *text = NULL, *line, *save;
    size_t len = 0;
    char *argv[] = {"tvc-fuzz", "fz", "--help", NULL};
    FILE *out = open_memstream(&text, &len);
    ASSERT(out != NULL);
    ASSERT_EQ(run_driver(3, argv, out), 0);
    fclose(out);
    static const char head[] = "runtime options:\n";
    char *opts = strstr(text, head);
    ASSERT(opts != NULL);
    for (line = strtok_r(opts + sizeof head - 1, "\n", &save);
         line && *line == ' '; line = strtok_r(NULL, "\n", &save)) {
        char name[64], def[64], *end = line + strlen(line) - 1;
        ASSERT(nrun < MAX_RUN);
        ASSERT(sscanf(line, " --%63[^=]=%63s", name, def) == 2);
        char *open = end[0] == ')' ? strrchr(line, '(') : NULL;
        run_specs[nrun++] = (tvc_param_spec){
            strdup(name), strdup(def), "",
            open ? strndup(open + 1, (size_t)(end - open - 1)) : NULL};
    }
    ASSERT(lookup("stack", 5, &stack_slot) != NULL);
    free(text);
}

/* One value made from the input: canonical or raw, into buf. */
static void make_value(const uint8_t **p, size_t *n, char *buf)
{
    static const char *const words[] = {"open",    "closed", "x",    "private",
                                        "compact", "ope",    "OPEN", "",
                                        "1..",     "-"};
    static const char *const suffixes[] = {"",   "k",  "M", "G",  "Ki",
                                           "Mi", "Gi", "K", "ki", "i"};
    unsigned kind = take(p, n), k;
    uint64_t mag = 0;
    switch (kind % 4) {
    case 0:
        for (k = take(p, n) % 9; k > 0; k--)
            mag = mag << 8 | take(p, n);
        snprintf(buf, MAX_VALUE, "%s%llu%s", kind & 4 ? "-" : "",
                 (unsigned long long)(kind & 8 ? mag : mag % 70000),
                 suffixes[take(p, n) % 10]);
        break;
    case 1:
        snprintf(buf, MAX_VALUE, "%u.%u", take(p, n), take(p, n));
        break;
    case 2:
        snprintf(buf, MAX_VALUE, "%s", words[(kind >> 2) % 10]);
        break;
    default:
        for (k = 0; k<(kind >> 2) % MAX_VALUE && * n> 0; k++) {
            unsigned c = take(p, n);
            if (c == 0)
                break;
            buf[k] = (char)c;
        }
        buf[k] = '\0';
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[] = {
        "count", "port", "tasks", "small",      "ratio",
        "mode",  "name", "stack", "stack_size", "executor_threads",
        "nope",  ""};
    static char store[2 * MAX_TOKENS + 2][MAX_VALUE + 24];
    char *argv[2 * MAX_TOKENS + 2] = {"tvc-fuzz"};
    int argc = 1;
    while (size > 0 && argc < 2 * MAX_TOKENS) {
        unsigned sel = take(&data, &size);
        char *tok = store[argc], value[MAX_VALUE];
        switch (sel % 16) {
        case 0:
            argv[argc++] = "fz";
            continue;
        case 1:
            argv[argc++] = sel & 16 ? "--help" : "-h";
            continue;
        case 2:
            argv[argc++] = sel & 16 ? "zz" : "--";
            continue;
        }
        const char *name = names[(sel >> 4) % 12];
        make_value(&data, &size, value);
        if (sel & 1) {
            snprintf(tok, sizeof store[0], "--%s=%s", name, value);
            argv[argc++] = tok;
        } else {
            snprintf(tok, sizeof store[0], "--%s", name);
            argv[argc++] = tok;
            if (!(sel & 2)) { /* else a missing value, or the next token */
                argv[argc] = strcpy(store[argc], value);
                argc++;
            }
        }
    }
    argv[argc] = NULL;

    if (devnull == NULL) {
        ASSERT((devnull = fopen("/dev/null", "w")) != NULL);
        read_run_specs();
    }
    memset(&expect, 0, sizeof expect);
    int want = rule(argc, argv);
    int got = run_driver(argc, argv, devnull);
    if (got != want)
        TVC__FAIL("exit status %d, the rule says %d", got, want);
    ASSERT_EQ(expect.ran == 2, want == 0 && expect.ran);
    return 0;
}
