/*
 * What every tool in experiments/ shares (tool.h).
 */
#include "tool.h"

#include "tvc/parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tvc_tool_option(const char *arg, const char *const *names,
                    const char **value)
{
    if (strncmp(arg, "--", 2) != 0)
        return -1;
    for (int i = 0; names[i]; i++) {
        size_t n = strlen(names[i]);
        if (strncmp(arg + 2, names[i], n) == 0 && arg[2 + n] == '=') {
            *value = arg + 3 + n;
            return i;
        }
    }
    return -1;
}

int tvc_tool_args(const char *prog, int argc, char **argv,
                  const char *const *names, const char **val, int64_t *num,
                  int first_int, const char *usage)
{
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 1;
        }
        const char *v;
        int k = tvc_tool_option(argv[i], names, &v);
        if (k < 0) {
            fprintf(stderr, "%s: unknown argument '%s'\n%s", prog, argv[i],
                    usage);
            return -1;
        }
        val[k] = v;
    }
    for (int k = first_int; names[k]; k++) {
        if (!val[k] || tvc_parse_int(val[k], 0, INT64_MAX, &num[k]) < 0) {
            char why[128];
            fprintf(stderr, "%s: bad --%s '%s' (expected %s)\n", prog, names[k],
                    val[k] ? val[k] : "",
                    tvc_parse_int_why(0, INT64_MAX, why, sizeof why));
            return -1;
        }
    }
    return 0;
}

int tvc_tool_reps(int argc, char **argv, int def)
{
    int64_t reps = def;
    if (argc > 2 || (argc == 2 && tvc_parse_int(argv[1], 1, 1000, &reps))) {
        fprintf(stderr, "usage: %s [REPS]   (1..1000, default %d)\n", argv[0],
                def);
        return -1;
    }
    return (int)reps;
}

void tvc_tool_record_begin(tvc_json *j, const char *runtime,
                           const char *workload)
{
    tvc_json_object_begin(j);
    tvc_json_key(j, "schema");
    tvc_json_int(j, 1);
    if (runtime) {
        tvc_json_key(j, "runtime");
        tvc_json_string(j, runtime);
    }
    tvc_json_key(j, "workload");
    tvc_json_string(j, workload);
}

void tvc_tool_record_ok(tvc_json *j, int ok, const char *error)
{
    tvc_json_key(j, "ok");
    tvc_json_bool(j, ok);
    tvc_json_key(j, "error");
    if (ok)
        tvc_json_null(j);
    else
        tvc_json_string(j, error);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void tvc_tool_record_stats(tvc_json *j, const char *name, double *v, int n)
{
    static const char *const suffix[] = {"median", "min", "max"};
    qsort(v, (size_t)n, sizeof v[0], cmp_double);
    double med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    const double at[] = {med, v[0], v[n - 1]};
    for (int k = 0; k < 3; k++) {
        char key[128];
        snprintf(key, sizeof key, "%s_%s", name, suffix[k]);
        tvc_json_key(j, key);
        tvc_json_double(j, at[k]);
    }
}

int tvc_tool_record_print(tvc_json *j, const char *prog)
{
    tvc_json_object_end(j);
    int err = tvc_json_finish(j);
    if (err == 0)
        printf("%s\n", j->buf);
    else
        fprintf(stderr, "%s: invalid record (%d)\n", prog, err);
    tvc_json_free(j);
    return err;
}
